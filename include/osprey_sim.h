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
#include <linux/wait.h>

#include "osprey_hw.h"
#include "osprey_isa.h"

struct dentry;
struct platform_device;
struct task_struct;

/**
 * struct osprey_sim_as - One address-space slot of the MMU
 */
struct osprey_sim_as {
	/** @pgtable: Bus address of the L0 table. */
	u64 pgtable;
	/** @control: AS_CONTROL (bit 0: enabled). */
	u32 control;
};

/**
 * struct osprey_sim_engine - State of the command engine
 *
 * Registers are read and written under &osprey_sim.lock; the engine thread
 * takes the same lock to publish its progress (head, status, instruction
 * pointer) and never holds it while touching memory.
 */
struct osprey_sim_engine {
	/** @thread: The engine's kernel thread. */
	struct task_struct *thread;
	/** @wq: Where the thread waits for work, a doorbell or a request. */
	wait_queue_head_t wq;
	/** @ring_base: RING_BASE, a bus address. */
	u64 ring_base;
	/** @ring_size: RING_SIZE in bytes. */
	u32 ring_size;
	/** @head: RING_HEAD. */
	u32 head;
	/** @tail: RING_TAIL. */
	u32 tail;
	/** @status: ENGINE_STATUS, one of OSPREY_ENGINE_*. */
	u32 status;
	/** @last_seqno: LAST_SEQNO. */
	u32 last_seqno;
	/** @cur_as: Address-space slot of the following batches (SET_AS). */
	u32 cur_as;
	/** @ip: CURRENT_IP. */
	u64 ip;
	/** @batch: CURRENT_BATCH. */
	u64 batch;
	/** @fault_status: FAULT_STATUS. */
	u32 fault_status;
	/** @fault_address: FAULT_ADDRESS. */
	u64 fault_address;
	/** @fault_access: FAULT_ACCESS. */
	u32 fault_access;
	/** @fault_as: FAULT_AS. */
	u32 fault_as;
	/** @timestamp_hi: TIMESTAMP_HI as latched by the last TIMESTAMP_LO read. */
	u32 timestamp_hi;
	/** @halt: A HALT request is pending. */
	bool halt;
	/** @resume: A RESUME or SKIP request is pending (see @skip). */
	bool resume;
	/** @skip: The pending request is SKIP. */
	bool skip;
	/** @reset: A RESET request is pending. */
	bool reset;
	/** @lockup: Injected lockup: fetch nothing until RESET. */
	bool lockup;
};

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

	/** @as: The MMU's address-space slots. Protected by @lock. */
	struct osprey_sim_as as[OSPREY_NUM_AS];

	/** @engine: The command engine. Its registers are protected by @lock. */
	struct osprey_sim_engine engine;

	/** @timestamp_base: ktime_get_ns() at creation: TIMESTAMP counts from it. */
	u64 timestamp_base;

	/** @debugfs: The model's debugfs directory for this device. */
	struct dentry *debugfs;

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
 * osprey_sim_engine_init() - Set up and start the command engine
 * @sim: The model, with @lock and @irq_work initialised.
 *
 * Return: 0 or a negative errno.
 */
int osprey_sim_engine_init(struct osprey_sim *sim);

/**
 * osprey_sim_engine_fini() - Stop the command engine
 * @sim: The model.
 */
void osprey_sim_engine_fini(struct osprey_sim *sim);

/**
 * osprey_sim_engine_read() - Read an engine or MMU register
 * @sim: The model.
 * @offset: Register offset.
 * @value: Where to put the value.
 *
 * Context: Called with &osprey_sim.lock held.
 * Return: true if @offset is an engine or MMU register.
 */
bool osprey_sim_engine_read(struct osprey_sim *sim, u32 offset, u32 *value);

/**
 * osprey_sim_engine_write() - Write an engine or MMU register
 * @sim: The model.
 * @offset: Register offset.
 * @value: The value.
 *
 * Context: Called with &osprey_sim.lock held.
 * Return: true if @offset is an engine or MMU register.
 */
bool osprey_sim_engine_write(struct osprey_sim *sim, u32 offset, u32 value);

/**
 * osprey_sim_raise_locked() - Latch interrupt events and signal the line
 * @sim: The model.
 * @events: OSPREY_IRQ_* bits.
 *
 * Context: Called with &osprey_sim.lock held.
 */
void osprey_sim_raise_locked(struct osprey_sim *sim, u32 events);

/**
 * osprey_sim_set_lockup() - Inject or clear a hardware lockup
 * @sim: The model.
 * @lockup: While true, a busy engine fetches nothing; RESET clears it.
 */
void osprey_sim_set_lockup(struct osprey_sim *sim, bool lockup);

/**
 * osprey_sim_irq_work() - Deliver a pending interrupt
 * @work: The device's &osprey_sim.irq_work.
 */
void osprey_sim_irq_work(struct irq_work *work);

/**
 * osprey_sim_cable_init() - Register the monitor cable's virtio driver
 *
 * The monitor cable shows the composed frames of Osprey device 0 on a
 * virtio-gpu device, when the machine has one (docs/gpu-model.md).
 *
 * Return: 0 or a negative errno.
 */
int osprey_sim_cable_init(void);

/**
 * osprey_sim_cable_exit() - Unregister the monitor cable's virtio driver
 */
void osprey_sim_cable_exit(void);

/**
 * osprey_sim_cable_connected() - Whether a monitor output exists
 * @output: Scanout index, the same as the pipe index.
 *
 * Return: true if a virtio-gpu device is bound and has that scanout.
 */
bool osprey_sim_cable_connected(unsigned int output);

/**
 * osprey_sim_cable_present() - Show a frame on a monitor output
 * @output: Scanout index, the same as the pipe index.
 * @pixels: XRGB8888 pixels, or NULL to blank the output.
 * @width: Width in pixels.
 * @height: Height in pixels.
 * @stride: Bytes from one line of @pixels to the next.
 *
 * Context: Process context; may sleep.
 * Return: 0, -ENODEV if there is no such output, or another negative errno
 * which the caller only counts.
 */
int osprey_sim_cable_present(unsigned int output, const u32 *pixels,
			     u32 width, u32 height, u32 stride);

#endif /* _OSPREY_SIM_H_ */
