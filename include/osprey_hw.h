/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The Osprey authors */
#ifndef _OSPREY_HW_H_
#define _OSPREY_HW_H_

/**
 * DOC: Osprey hardware interface
 *
 * This header is the Osprey GPU's datasheet in C: the register offsets, the
 * bit layouts, and the bus through which a driver reaches the registers. The
 * GPU model (hw/) implements it and the driver (drm/) programs it; nothing
 * else in the tree may know these values, and neither side may know anything
 * about the other beyond them.
 *
 * The device is a platform device named "osprey". Board code (here, the
 * osprey_sim module) gives it:
 *
 * - one IORESOURCE_IRQ resource, the GPU's interrupt line, which the driver
 *   requests with platform_get_irq() and request_irq() as for any SoC GPU;
 * - platform data of type &struct osprey_hw_bus, through which the driver
 *   reads and writes 32-bit registers. It stands where an MMIO window would
 *   on silicon: a register access has no other side effect than the one
 *   documented for that register.
 *
 * Every register is 32 bits wide and naturally aligned. Reads of an offset
 * not listed here return %OSPREY_REG_INVALID_READ and writes to one are
 * ignored. Reads never have side effects; "W1C" registers clear the bits
 * written as one.
 */

#include <linux/bits.h>
#include <linux/types.h>

/**
 * struct osprey_hw_bus - Register access to one Osprey device
 *
 * Passed as platform data. Both accessors may be called from any context,
 * including hard interrupt context, and never sleep.
 */
struct osprey_hw_bus {
	/** @read: Read the 32-bit register at byte offset @offset. */
	u32 (*read)(void *ctx, u32 offset);

	/** @write: Write @value to the 32-bit register at byte offset @offset. */
	void (*write)(void *ctx, u32 offset, u32 value);

	/** @ctx: Opaque cookie passed back to @read and @write. */
	void *ctx;
};

/* Value returned by a read of an offset that holds no register. */
#define OSPREY_REG_INVALID_READ		0xffffffffu

/* Identity block (read-only). */
#define OSPREY_REG_MAGIC		0x0000	/* always OSPREY_MAGIC */
#define OSPREY_MAGIC			0x4f535052u	/* "OSPR" */
#define OSPREY_REG_MODEL		0x0004	/* model number */
#define OSPREY_MODEL_O1			0x0001u
#define OSPREY_REG_REVISION		0x0008	/* major 15:8, minor 7:0 */
#define OSPREY_REVISION_MAJOR		GENMASK(15, 8)
#define OSPREY_REVISION_MINOR		GENMASK(7, 0)
#define OSPREY_REG_FEATURES		0x000c	/* OSPREY_FEATURE_* */
#define OSPREY_FEATURE_MMU		BIT(0)
#define OSPREY_FEATURE_TIMESTAMP	BIT(1)
#define OSPREY_REG_NUM_ENGINES		0x0010	/* command engines, >= 1 */

/* Scratch register (read/write, no effect): for bus checks at bring-up. */
#define OSPREY_REG_SCRATCH		0x0020

/*
 * Interrupt block. RAWSTAT latches events whether or not they are masked;
 * the interrupt line is asserted while (RAWSTAT & MASK) != 0. STATUS reads
 * (RAWSTAT & MASK). Writing one to a bit of CLEAR clears it in RAWSTAT.
 * Writing one to OSPREY_IRQ_SOFT in RAISE sets it in RAWSTAT, which lets a
 * driver check its interrupt path without running a job; other bits of
 * RAISE are ignored.
 */
#define OSPREY_REG_IRQ_RAWSTAT		0x0040	/* RO */
#define OSPREY_REG_IRQ_MASK		0x0044	/* RW */
#define OSPREY_REG_IRQ_STATUS		0x0048	/* RO */
#define OSPREY_REG_IRQ_CLEAR		0x004c	/* W1C */
#define OSPREY_REG_IRQ_RAISE		0x0050	/* WO */
#define OSPREY_IRQ_SOFT			BIT(0)
#define OSPREY_IRQ_ALL			OSPREY_IRQ_SOFT

/* Size of the register window: offsets at or above it hold no register. */
#define OSPREY_REG_WINDOW_SIZE		0x10000

#endif /* _OSPREY_HW_H_ */
