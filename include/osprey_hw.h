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
#define OSPREY_FEATURE_DISPLAY		BIT(2)	/* the display controller below */
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
#define OSPREY_IRQ_HOTPLUG		BIT(5)	/* a connector's CONN_STATUS changed */
#define OSPREY_IRQ_VBLANK(p)		BIT(8 + (p))	/* pipe p started a frame */
#define OSPREY_IRQ_CRC(p)		BIT(12 + (p))	/* pipe p has a new CRC */
#define OSPREY_IRQ_WB_DONE(p)		BIT(16 + (p))	/* pipe p's writeback ended */
#define OSPREY_IRQ_UNDERRUN(p)		BIT(20 + (p))	/* pipe p could not read a plane */
#define OSPREY_IRQ_ENGINE_ALL		GENMASK(4, 0)
#define OSPREY_IRQ_DISPLAY_ALL		(GENMASK(23, 8) | OSPREY_IRQ_HOTPLUG)
#define OSPREY_IRQ_ALL			(OSPREY_IRQ_ENGINE_ALL | OSPREY_IRQ_DISPLAY_ALL)

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

/*
 * Display controller (FEATURES.DISPLAY; docs/gpu-model.md, "The display
 * controller"). DISP_NUM_PIPES pipes, each with a connector, a writeback
 * unit and three planes (primary, overlay, cursor) composed into the
 * pipe's frame. Scanout and writeback reach memory through the display
 * address space: its own three-level page table, same format as the
 * engine's, programmed through DISP_PGTABLE_*.
 *
 * Registers marked (S) are double-buffered: a write goes to the pending
 * copy, and PIPE_UPDATE makes the pipe latch every pending copy of the pipe
 * (pipe, plane and writeback registers) at its next vblank. Reads return the
 * pending copy. The others take effect at once.
 */
#define OSPREY_REG_DISP_NUM_PIPES	0x4000	/* RO, 0 to OSPREY_DISP_MAX_PIPES */
#define OSPREY_DISP_MAX_PIPES		4
#define OSPREY_REG_DISP_PGTABLE_LO	0x4008	/* bits 31:12 */
#define OSPREY_REG_DISP_PGTABLE_HI	0x400c	/* bits 51:32 */
#define OSPREY_REG_DISP_AS_CONTROL	0x4010	/* OSPREY_AS_ENABLE */
#define OSPREY_REG_DISP_MMU_INVALIDATE	0x4014	/* WO, write 1 */
#define OSPREY_REG_DISP_MAX_WIDTH	0x4018	/* RO, largest mode/plane width */
#define OSPREY_REG_DISP_MAX_HEIGHT	0x401c	/* RO, largest mode/plane height */

/* Pipe p's block; every offset below is relative to it. */
#define OSPREY_DISP_PIPE(p)		(0x4400 + 0x400 * (p))

#define OSPREY_PIPE_CONTROL		0x000	/* (S) */
#define OSPREY_PIPE_ENABLE		BIT(0)	/* run the timing, compose frames */
#define OSPREY_PIPE_MODE_SIZE		0x004	/* (S) width 15:0, height 31:16 */
#define OSPREY_PIPE_MODE_TOTAL		0x008	/* (S) htotal 15:0, vtotal 31:16 */
#define OSPREY_PIPE_MODE_CLOCK		0x00c	/* (S) pixel clock in kHz */
#define OSPREY_PIPE_BG_COLOR		0x010	/* (S) background, XRGB8888 */
/* PIPE_UPDATE: write 1 to latch (S) at the next vblank; bit 0 reads 1 until then. */
#define OSPREY_PIPE_UPDATE		0x014
#define OSPREY_PIPE_STATUS		0x018	/* RO */
#define OSPREY_PIPE_ACTIVE		BIT(0)	/* timing running */
#define OSPREY_PIPE_UNDERRUN		BIT(1)	/* last frame lost a plane; see UNDERRUN_* */
#define OSPREY_PIPE_FRAME_COUNT		0x01c	/* RO, vblanks since reset, wraps */
/* VBLANK_TS: the TIMESTAMP clock at the last vblank; reading LO latches HI. */
#define OSPREY_PIPE_VBLANK_TS_LO	0x020	/* RO */
#define OSPREY_PIPE_VBLANK_TS_HI	0x024	/* RO */
#define OSPREY_PIPE_CRC_CONTROL		0x028	/* bit 0: compute a CRC of every frame */
#define OSPREY_PIPE_CRC_VALUE		0x02c	/* RO, CRC of frame CRC_FRAME; latches CRC_FRAME */
#define OSPREY_PIPE_CRC_FRAME		0x030	/* RO */
#define OSPREY_PIPE_CONN_STATUS		0x034	/* RO, bit 0: a monitor is connected */
#define OSPREY_PIPE_EDID_SIZE		0x038	/* RO, bytes of EDID, 0 when disconnected */
#define OSPREY_PIPE_UNDERRUN_ADDR_LO	0x040	/* RO, display VA that could not be read */
#define OSPREY_PIPE_UNDERRUN_ADDR_HI	0x044	/* RO */
#define OSPREY_PIPE_UNDERRUN_PLANE	0x048	/* RO, plane index, or OSPREY_UNDERRUN_WB */
#define OSPREY_UNDERRUN_WB		0xf	/* the writeback target faulted */
#define OSPREY_PIPE_UNDERRUN_COUNT	0x04c	/* RO, frames with an underrun, wraps */
#define OSPREY_PIPE_WB_ADDR_LO		0x050	/* (S) display VA of the writeback target */
#define OSPREY_PIPE_WB_ADDR_HI		0x054	/* (S) */
#define OSPREY_PIPE_WB_PITCH		0x058	/* (S) bytes per line, multiple of 4 */
#define OSPREY_PIPE_WB_CONTROL		0x05c	/* (S) */
#define OSPREY_WB_ARM			BIT(0)	/* write the next frame, once, XRGB8888 */
#define OSPREY_PIPE_WB_STATUS		0x060	/* RO, 0 done, 1 faulted (see UNDERRUN_*) */

/* Plane n (OSPREY_PLANE_*) of a pipe, relative to the pipe's block. */
#define OSPREY_PIPE_PLANE(n)		(0x080 + 0x40 * (n))
#define OSPREY_PLANE_PRIMARY		0
#define OSPREY_PLANE_OVERLAY		1
#define OSPREY_PLANE_CURSOR		2
#define OSPREY_NUM_PLANES		3

#define OSPREY_PLANE_CONTROL		0x00	/* (S) bit 0: enable */
#define OSPREY_PLANE_ENABLE		BIT(0)
#define OSPREY_PLANE_FORMAT		0x04	/* (S) OSPREY_FMT_* */
#define OSPREY_FMT_XRGB8888		0
#define OSPREY_FMT_ARGB8888		1
#define OSPREY_FMT_RGB565		2
#define OSPREY_FMT_XBGR8888		3
#define OSPREY_FMT_ABGR8888		4
#define OSPREY_PLANE_ADDR_LO		0x08	/* (S) display VA of the top-left pixel shown */
#define OSPREY_PLANE_ADDR_HI		0x0c	/* (S) */
#define OSPREY_PLANE_PITCH		0x10	/* (S) bytes per line */
#define OSPREY_PLANE_SIZE		0x14	/* (S) width 15:0, height 31:16, no scaling */
#define OSPREY_PLANE_POS		0x18	/* (S) x 15:0, y 31:16 in the pipe */
#define OSPREY_PLANE_ALPHA		0x1c	/* (S) plane alpha, 7:0 */
#define OSPREY_PLANE_BLEND		0x20	/* (S) OSPREY_BLEND_* */
#define OSPREY_BLEND_PREMULTI		0
#define OSPREY_BLEND_COVERAGE		1
#define OSPREY_BLEND_NONE		2	/* pixel alpha ignored */
#define OSPREY_PLANE_ZPOS		0x24	/* (S) 0-2, lower first; ties by plane index */

/* The connector's EDID, OSPREY_PIPE_EDID_SIZE bytes, 4 per register, LE. */
#define OSPREY_PIPE_EDID(i)		(0x200 + 4 * (i))
#define OSPREY_EDID_MAX			256

/* Size of the register window: offsets at or above it hold no register. */
#define OSPREY_REG_WINDOW_SIZE		0x10000

#endif /* _OSPREY_HW_H_ */
