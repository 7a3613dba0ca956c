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
#define OSPREY_IRQ_JOB_DONE		BIT(1)	/* an IRQ packet executed */
#define OSPREY_IRQ_FAULT		BIT(2)	/* an MMU fault stopped the engine */
#define OSPREY_IRQ_ERROR		BIT(3)	/* an invalid instruction or packet */
#define OSPREY_IRQ_RESET_DONE		BIT(4)	/* a RESET completed */
#define OSPREY_IRQ_ALL			GENMASK(4, 0)

/*
 * MMU: eight address-space slots, three-level page tables of 512 64-bit
 * entries (see docs/gpu-model.md for the walk).
 */
#define OSPREY_REG_AS_PGTABLE_LO(n)	(0x0800 + 0x10 * (n))	/* bits 31:12 */
#define OSPREY_REG_AS_PGTABLE_HI(n)	(0x0804 + 0x10 * (n))	/* bits 51:32 */
#define OSPREY_REG_AS_CONTROL(n)	(0x0808 + 0x10 * (n))
#define OSPREY_AS_ENABLE		BIT(0)
#define OSPREY_REG_MMU_INVALIDATE	0x0880	/* WO, bit n: slot n */
#define OSPREY_PTE_VALID		BIT_ULL(0)
#define OSPREY_PTE_WRITE		BIT_ULL(1)
#define OSPREY_PTE_ADDR			GENMASK_ULL(51, 12)

/* Engine 0 (a second engine would sit at 0x2000). */
#define OSPREY_REG_RING_BASE_LO		0x1000	/* bits 31:12 */
#define OSPREY_REG_RING_BASE_HI		0x1004	/* bits 51:32 */
#define OSPREY_REG_RING_SIZE		0x1008	/* power of two, 4 KiB to 1 MiB */
#define OSPREY_RING_SIZE_MIN		0x1000
#define OSPREY_RING_SIZE_MAX		0x100000
#define OSPREY_REG_RING_HEAD		0x100c	/* RO */
#define OSPREY_REG_RING_TAIL		0x1010
#define OSPREY_REG_DOORBELL		0x1014	/* WO */
#define OSPREY_REG_ENGINE_STATUS	0x1018	/* RO */
#define OSPREY_ENGINE_IDLE		0
#define OSPREY_ENGINE_BUSY		1
#define OSPREY_ENGINE_HALTED		2
#define OSPREY_ENGINE_ERROR		3
#define OSPREY_REG_ENGINE_CONTROL	0x101c	/* WO */
#define OSPREY_ENGINE_HALT		1
#define OSPREY_ENGINE_RESUME		2
#define OSPREY_ENGINE_SKIP		3
#define OSPREY_REG_LAST_SEQNO		0x1020	/* RO */
#define OSPREY_REG_CURRENT_IP_LO	0x1024	/* RO */
#define OSPREY_REG_CURRENT_IP_HI	0x1028	/* RO */
#define OSPREY_REG_CURRENT_BATCH_LO	0x102c	/* RO */
#define OSPREY_REG_CURRENT_BATCH_HI	0x1030	/* RO */
#define OSPREY_REG_FAULT_STATUS		0x1034	/* RO */
#define OSPREY_FAULT_NONE		0
#define OSPREY_FAULT_TRANSLATION	1
#define OSPREY_FAULT_PERMISSION		2
#define OSPREY_FAULT_INVALID_INSN	3
#define OSPREY_FAULT_INVALID_PACKET	4
#define OSPREY_REG_FAULT_ADDRESS_LO	0x1038	/* RO */
#define OSPREY_REG_FAULT_ADDRESS_HI	0x103c	/* RO */
#define OSPREY_REG_FAULT_ACCESS		0x1040	/* RO */
#define OSPREY_ACCESS_READ		0
#define OSPREY_ACCESS_WRITE		1
#define OSPREY_ACCESS_FETCH		2
#define OSPREY_REG_FAULT_AS		0x1044	/* RO */
#define OSPREY_REG_RESET		0x1048	/* WO */
#define OSPREY_REG_TIMESTAMP_LO		0x104c	/* RO, latches HI */
#define OSPREY_REG_TIMESTAMP_HI		0x1050	/* RO */
#define OSPREY_REG_DEBUG_STATUS		0x1054	/* RO */
#define OSPREY_DEBUG_LOCKUP		BIT(0)	/* an injected lockup holds the engine */

/* Size of the register window: offsets at or above it hold no register. */
#define OSPREY_REG_WINDOW_SIZE		0x10000

#endif /* _OSPREY_HW_H_ */
