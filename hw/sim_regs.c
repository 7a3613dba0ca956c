// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Register file of the Osprey GPU model
 *
 * Decodes the register accesses that come in through &struct osprey_hw_bus
 * and raises the interrupt line. The layout is the one osprey_hw.h specifies;
 * anything not listed there reads as %OSPREY_REG_INVALID_READ and ignores
 * writes, as an unclaimed bus address would.
 */

#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/module.h>

#include <kunit/visibility.h>

#include "osprey_sim.h"

static void osprey_sim_update_irq_locked(struct osprey_sim *sim)
{
	lockdep_assert_held(&sim->lock);

	if (sim->irq_rawstat & sim->irq_mask)
		irq_work_queue(&sim->irq_work);
}

void osprey_sim_raise_locked(struct osprey_sim *sim, u32 events)
{
	lockdep_assert_held(&sim->lock);

	sim->irq_rawstat |= events & OSPREY_IRQ_ALL;
	if (events & sim->irq_mask)
		irq_work_queue(&sim->irq_work);
}

void osprey_sim_irq_work(struct irq_work *work)
{
	struct osprey_sim *sim = container_of(work, struct osprey_sim, irq_work);
	unsigned long flags;
	bool asserted;

	spin_lock_irqsave(&sim->lock, flags);
	asserted = sim->irq_rawstat & sim->irq_mask;
	spin_unlock_irqrestore(&sim->lock, flags);

	if (asserted)
		generic_handle_irq(sim->virq);
}

u32 osprey_sim_reg_read(void *ctx, u32 offset)
{
	struct osprey_sim *sim = ctx;
	unsigned long flags;
	u32 value;

	switch (offset) {
	case OSPREY_REG_MAGIC:
		return OSPREY_MAGIC;
	case OSPREY_REG_MODEL:
		return OSPREY_MODEL_O1;
	case OSPREY_REG_REVISION:
		return sim->revision;
	case OSPREY_REG_FEATURES:
		return OSPREY_FEATURE_MMU | OSPREY_FEATURE_TIMESTAMP |
		       (READ_ONCE(sim->disp.num_pipes) ? OSPREY_FEATURE_DISPLAY : 0);
	case OSPREY_REG_NUM_ENGINES:
		return 1;
	}

	spin_lock_irqsave(&sim->lock, flags);
	switch (offset) {
	case OSPREY_REG_SCRATCH:
		value = sim->scratch;
		break;
	case OSPREY_REG_IRQ_RAWSTAT:
		value = sim->irq_rawstat;
		break;
	case OSPREY_REG_IRQ_MASK:
		value = sim->irq_mask;
		break;
	case OSPREY_REG_IRQ_STATUS:
		value = sim->irq_rawstat & sim->irq_mask;
		break;
	default:
		if (!osprey_sim_engine_read(sim, offset, &value) &&
		    !osprey_sim_display_read(sim, offset, &value))
			value = OSPREY_REG_INVALID_READ;
		break;
	}
	spin_unlock_irqrestore(&sim->lock, flags);

	return value;
}
EXPORT_SYMBOL_IF_KUNIT(osprey_sim_reg_read);

void osprey_sim_reg_write(void *ctx, u32 offset, u32 value)
{
	struct osprey_sim *sim = ctx;
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	switch (offset) {
	case OSPREY_REG_SCRATCH:
		sim->scratch = value;
		break;
	case OSPREY_REG_IRQ_MASK:
		sim->irq_mask = value & OSPREY_IRQ_ALL;
		osprey_sim_update_irq_locked(sim);
		break;
	case OSPREY_REG_IRQ_CLEAR:
		sim->irq_rawstat &= ~value;
		break;
	case OSPREY_REG_IRQ_RAISE:
		osprey_sim_raise_locked(sim, value & OSPREY_IRQ_SOFT);
		break;
	default:
		if (!osprey_sim_engine_write(sim, offset, value))
			osprey_sim_display_write(sim, offset, value);
		break;
	}
	spin_unlock_irqrestore(&sim->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(osprey_sim_reg_write);
