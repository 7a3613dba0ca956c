/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The Osprey authors */
#ifndef _OSPREY_SIM_H_
#define _OSPREY_SIM_H_

/**
 * DOC: Osprey GPU model internals
 *
 * Private to hw/: the state of one simulated Osprey GPU. The driver never
 * includes this header; it sees the device only through osprey_hw.h.
 */

#include <linux/irq_work.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "osprey_hw.h"

struct platform_device;

/**
 * struct osprey_sim - One simulated Osprey GPU
 */
struct osprey_sim {
	/** @pdev: The "osprey" platform device this model backs. */
	struct platform_device *pdev;

	/** @index: Device index, also the hardware interrupt number. */
	unsigned int index;

	/** @virq: Linux interrupt number of the device's interrupt line. */
	unsigned int virq;

	/** @revision: Value of the REVISION register. */
	u32 revision;

	/**
	 * @lock: Protects the register state below. Registers are accessed
	 * from process context, from the driver's interrupt handler and from
	 * the interrupt delivery work, so this is an irq-safe spinlock.
	 */
	spinlock_t lock;

	/** @scratch: SCRATCH register. Protected by @lock. */
	u32 scratch;

	/** @irq_rawstat: Latched interrupt events. Protected by @lock. */
	u32 irq_rawstat;

	/** @irq_mask: Enabled interrupt events. Protected by @lock. */
	u32 irq_mask;

	/**
	 * @irq_work: Delivers the interrupt in hard interrupt context, as a
	 * real interrupt controller would, whatever context raised it.
	 */
	struct irq_work irq_work;
};

/**
 * osprey_sim_reg_read() - Bus read accessor of the model
 * @ctx: The &struct osprey_sim.
 * @offset: Register offset.
 *
 * Return: The register's value, or %OSPREY_REG_INVALID_READ.
 */
u32 osprey_sim_reg_read(void *ctx, u32 offset);

/**
 * osprey_sim_reg_write() - Bus write accessor of the model
 * @ctx: The &struct osprey_sim.
 * @offset: Register offset.
 * @value: Value written.
 */
void osprey_sim_reg_write(void *ctx, u32 offset, u32 value);

/**
 * osprey_sim_irq_work() - Deliver a pending interrupt
 * @work: The device's &osprey_sim.irq_work.
 */
void osprey_sim_irq_work(struct irq_work *work);

#endif /* _OSPREY_SIM_H_ */
