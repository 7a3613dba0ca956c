// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: KUnit tests of the model's register file
 *
 * Checks the register semantics gpu-model.md promises, on a model instance
 * that is not attached to any device: identity values, the scratch
 * register, unclaimed offsets, and the interrupt block (latching, masking,
 * W1C clearing, and when the line is signalled). Interrupt delivery is
 * replaced by a counter, so no Linux interrupt is involved.
 */

#include <kunit/test.h>
#include <linux/module.h>

#include "osprey_sim.h"

struct sim_regs_test {
	struct osprey_sim sim;
	atomic_t deliveries;
};

static void count_delivery(struct irq_work *work)
{
	struct sim_regs_test *t = container_of(work, struct sim_regs_test, sim.irq_work);

	atomic_inc(&t->deliveries);
}

static int sim_regs_test_init(struct kunit *test)
{
	struct sim_regs_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	spin_lock_init(&t->sim.lock);
	t->sim.revision = 0x0102;
	init_irq_work(&t->sim.irq_work, count_delivery);
	test->priv = t;
	return 0;
}

static void sim_regs_test_exit(struct kunit *test)
{
	struct sim_regs_test *t = test->priv;

	irq_work_sync(&t->sim.irq_work);
}

static u32 rd(struct kunit *test, u32 offset)
{
	struct sim_regs_test *t = test->priv;

	return osprey_sim_reg_read(&t->sim, offset);
}

static void wr(struct kunit *test, u32 offset, u32 value)
{
	struct sim_regs_test *t = test->priv;

	osprey_sim_reg_write(&t->sim, offset, value);
}

static int deliveries(struct kunit *test)
{
	struct sim_regs_test *t = test->priv;

	irq_work_sync(&t->sim.irq_work);
	return atomic_read(&t->deliveries);
}

static void identity_registers(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_MAGIC), OSPREY_MAGIC);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_MODEL), OSPREY_MODEL_O1);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_REVISION), 0x0102);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_NUM_ENGINES), 1);

	/* Read-only: writes change nothing. */
	wr(test, OSPREY_REG_MAGIC, 0);
	wr(test, OSPREY_REG_REVISION, 0xffff);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_MAGIC), OSPREY_MAGIC);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_REVISION), 0x0102);
}

static void scratch_register(struct kunit *test)
{
	static const u32 patterns[] = { 0, 0xffffffff, 0x5a0f00f5, 0x80000001 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(patterns); i++) {
		wr(test, OSPREY_REG_SCRATCH, patterns[i]);
		KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_SCRATCH), patterns[i]);
	}
}

static void unclaimed_offsets(struct kunit *test)
{
	static const u32 offsets[] = { 0x0014, 0x0024, 0x0054, 0x0ffc,
				       OSPREY_REG_WINDOW_SIZE, 0xfffffffc };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		wr(test, offsets[i], 0x12345678);
		KUNIT_EXPECT_EQ(test, rd(test, offsets[i]), OSPREY_REG_INVALID_READ);
	}
	/* Write-only registers read as unclaimed too. */
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_IRQ_CLEAR), OSPREY_REG_INVALID_READ);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_IRQ_RAISE), OSPREY_REG_INVALID_READ);
}

static void irq_latches_while_masked(struct kunit *test)
{
	wr(test, OSPREY_REG_IRQ_RAISE, OSPREY_IRQ_SOFT);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_IRQ_RAWSTAT), OSPREY_IRQ_SOFT);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_IRQ_STATUS), 0);
	KUNIT_EXPECT_EQ(test, deliveries(test), 0);

	/* Unmasking a pending event signals the line. */
	wr(test, OSPREY_REG_IRQ_MASK, OSPREY_IRQ_SOFT);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_IRQ_STATUS), OSPREY_IRQ_SOFT);
	KUNIT_EXPECT_EQ(test, deliveries(test), 1);
}

static void irq_clear_is_w1c(struct kunit *test)
{
	wr(test, OSPREY_REG_IRQ_MASK, OSPREY_IRQ_ALL);
	wr(test, OSPREY_REG_IRQ_RAISE, OSPREY_IRQ_SOFT);
	KUNIT_EXPECT_EQ(test, deliveries(test), 1);

	wr(test, OSPREY_REG_IRQ_CLEAR, 0);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_IRQ_RAWSTAT), OSPREY_IRQ_SOFT);
	wr(test, OSPREY_REG_IRQ_CLEAR, OSPREY_IRQ_SOFT);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_IRQ_RAWSTAT), 0);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_IRQ_STATUS), 0);
	/* Clearing signals nothing. */
	KUNIT_EXPECT_EQ(test, deliveries(test), 1);
}

static void irq_raise_ignores_other_bits(struct kunit *test)
{
	wr(test, OSPREY_REG_IRQ_MASK, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_IRQ_MASK), OSPREY_IRQ_ALL);
	wr(test, OSPREY_REG_IRQ_RAISE, (u32)~OSPREY_IRQ_SOFT);
	KUNIT_EXPECT_EQ(test, rd(test, OSPREY_REG_IRQ_RAWSTAT), 0);
	KUNIT_EXPECT_EQ(test, deliveries(test), 0);
}

static struct kunit_case sim_regs_cases[] = {
	KUNIT_CASE(identity_registers),
	KUNIT_CASE(scratch_register),
	KUNIT_CASE(unclaimed_offsets),
	KUNIT_CASE(irq_latches_while_masked),
	KUNIT_CASE(irq_clear_is_w1c),
	KUNIT_CASE(irq_raise_ignores_other_bits),
	{}
};

static struct kunit_suite sim_regs_suite = {
	.name = "osprey_sim_regs",
	.init = sim_regs_test_init,
	.exit = sim_regs_test_exit,
	.test_cases = sim_regs_cases,
};

kunit_test_suite(sim_regs_suite);

MODULE_DESCRIPTION("KUnit tests of Osprey: the GPU model and the typed GEM layer");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");
