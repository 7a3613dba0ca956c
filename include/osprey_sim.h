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

#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "osprey_hw.h"
#include "osprey_isa.h"

struct dentry;
struct osprey_sim;
struct osprey_sim_composer;
struct platform_device;
struct seq_file;
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
 * struct osprey_sim_plane_state - The double-buffered registers of a plane
 *
 * One copy of the (S) registers of a plane (osprey_hw.h), as written.
 */
struct osprey_sim_plane_state {
	/** @control: PLANE_CONTROL (bit 0: enabled). */
	u32 control;
	/** @format: PLANE_FORMAT, one of OSPREY_FMT_*. */
	u32 format;
	/** @addr: PLANE_ADDR, display VA of the top-left pixel. */
	u64 addr;
	/** @pitch: PLANE_PITCH in bytes. */
	u32 pitch;
	/** @size: PLANE_SIZE, width 15:0, height 31:16. */
	u32 size;
	/** @pos: PLANE_POS, x 15:0, y 31:16. */
	u32 pos;
	/** @alpha: PLANE_ALPHA, 7:0. */
	u32 alpha;
	/** @blend: PLANE_BLEND, one of OSPREY_BLEND_*. */
	u32 blend;
	/** @zpos: PLANE_ZPOS. */
	u32 zpos;
};

/**
 * struct osprey_sim_pipe_state - The double-buffered registers of a pipe
 *
 * One copy of every (S) register of a pipe: its own, its writeback unit's
 * and its planes'. A pipe has two: the pending copy, which register writes
 * change and reads return, and the active copy, latched from it, which the
 * timing and the composer use.
 */
struct osprey_sim_pipe_state {
	/** @control: PIPE_CONTROL (bit 0: enabled). */
	u32 control;
	/** @mode_size: PIPE_MODE_SIZE, width 15:0, height 31:16. */
	u32 mode_size;
	/** @mode_total: PIPE_MODE_TOTAL, htotal 15:0, vtotal 31:16. */
	u32 mode_total;
	/** @mode_clock: PIPE_MODE_CLOCK, pixel clock in kHz. */
	u32 mode_clock;
	/** @bg_color: PIPE_BG_COLOR. */
	u32 bg_color;
	/** @wb_addr: PIPE_WB_ADDR, display VA of the writeback target. */
	u64 wb_addr;
	/** @wb_pitch: PIPE_WB_PITCH in bytes. */
	u32 wb_pitch;
	/** @wb_control: PIPE_WB_CONTROL (bit 0: armed). */
	u32 wb_control;
	/** @plane: The pipe's planes, indexed by OSPREY_PLANE_*. */
	struct osprey_sim_plane_state plane[OSPREY_NUM_PLANES];
};

/**
 * struct osprey_sim_wb_job - A writeback the pipe owes
 *
 * Taken when a latch makes WB_CONTROL.ARM active, and kept until a frame
 * has been written, whatever later latches do: the driver holds the target
 * until WB_DONE, so the model must write it even if a newer state no
 * longer arms the unit.
 */
struct osprey_sim_wb_job {
	/** @armed: A writeback is owed. */
	bool armed;
	/** @addr: Display VA of the target. */
	u64 addr;
	/** @pitch: Bytes per line of the target. */
	u32 pitch;
	/** @width: Mode width when it was armed: the target's width. */
	u32 width;
	/** @height: Mode height when it was armed: the target's height. */
	u32 height;
};

/**
 * struct osprey_sim_pipe_stats - What the composer did for a pipe
 *
 * Shown by the model's debugfs file display_stats.
 */
struct osprey_sim_pipe_stats {
	/** @composed: Frames composed (someone needed the pixels). */
	u64 composed;
	/** @checked: Frames only checked: nobody needed the pixels. */
	u64 checked;
	/** @skipped: Frames never looked at: the composer was behind. */
	u64 skipped;
	/** @aborted: Frames abandoned because a newer state was latched. */
	u64 aborted;
	/** @last_ns: Time the last composed frame took to check and draw. */
	u64 last_ns;
	/** @max_ns: Longest such time. */
	u64 max_ns;
	/** @underruns: Frames that had an underrun. */
	u64 underruns;
	/** @presented: Frames shown on the monitor cable. */
	u64 presented;
	/** @present_errors: Presentations that failed (not counting -ENODEV). */
	u64 present_errors;
};

/**
 * struct osprey_sim_pipe - One display pipe and its connector
 *
 * The registers are protected by &osprey_sim.lock, which the vblank timer
 * takes in hard interrupt context. The composer reads a pipe's planes only
 * under @scan_lock and only while @latch_seq is the value it started the
 * frame with; see sim_display.c.
 */
struct osprey_sim_pipe {
	/** @sim: The model the pipe belongs to. */
	struct osprey_sim *sim;
	/** @index: Pipe index. */
	unsigned int index;
	/** @timer: The vblank timer, absolute and hard; runs while @running. */
	struct hrtimer timer;

	/** @pending: The pending (S) registers. Protected by &osprey_sim.lock. */
	struct osprey_sim_pipe_state pending;
	/** @active: The latched (S) registers. Protected by &osprey_sim.lock. */
	struct osprey_sim_pipe_state active;
	/** @update: PIPE_UPDATE is pending. Protected by &osprey_sim.lock. */
	bool update;
	/** @running: The timing runs (STATUS.ACTIVE). Protected by &osprey_sim.lock. */
	bool running;
	/** @period_ns: Frame period of the active mode. Protected by &osprey_sim.lock. */
	u64 period_ns;
	/** @frame_count: FRAME_COUNT. Protected by &osprey_sim.lock. */
	u32 frame_count;
	/** @vblank_ts: VBLANK_TS. Protected by &osprey_sim.lock. */
	u64 vblank_ts;
	/**
	 * @vblank_ts_hi: VBLANK_TS_HI as latched by a read of LO.
	 * Protected by &osprey_sim.lock.
	 */
	u32 vblank_ts_hi;
	/** @crc_control: CRC_CONTROL. Protected by &osprey_sim.lock. */
	u32 crc_control;
	/** @crc_value: CRC_VALUE. Protected by &osprey_sim.lock. */
	u32 crc_value;
	/** @crc_frame: Frame of @crc_value. Protected by &osprey_sim.lock. */
	u32 crc_frame;
	/**
	 * @crc_frame_read: CRC_FRAME as latched by a read of CRC_VALUE.
	 * Protected by &osprey_sim.lock.
	 */
	u32 crc_frame_read;
	/** @underrun: STATUS.UNDERRUN. Protected by &osprey_sim.lock. */
	bool underrun;
	/** @underrun_addr: UNDERRUN_ADDR. Protected by &osprey_sim.lock. */
	u64 underrun_addr;
	/** @underrun_plane: UNDERRUN_PLANE. Protected by &osprey_sim.lock. */
	u32 underrun_plane;
	/** @underrun_count: UNDERRUN_COUNT. Protected by &osprey_sim.lock. */
	u32 underrun_count;
	/** @wb_status: WB_STATUS. Protected by &osprey_sim.lock. */
	u32 wb_status;
	/** @wb: The writeback owed, if any. Protected by &osprey_sim.lock. */
	struct osprey_sim_wb_job wb;
	/** @connected: CONN_STATUS bit 0. Protected by &osprey_sim.lock. */
	bool connected;
	/**
	 * @inject_underrun: Report an underrun on the next frame.
	 * Protected by &osprey_sim.lock.
	 */
	bool inject_underrun;
	/** @stats: The composer's statistics. Protected by &osprey_sim.lock. */
	struct osprey_sim_pipe_stats stats;

	/**
	 * @scan_lock: Orders the composer's reads of plane memory against
	 * latches: a latch bumps @latch_seq under it, and the composer reads
	 * a frame's memory only under it after checking that @latch_seq has
	 * not moved, so no read of a replaced state happens after the vblank
	 * that replaced it (after which the driver may free the buffers).
	 * Taken inside &osprey_sim.lock by latches, alone by the composer.
	 */
	spinlock_t scan_lock;
	/**
	 * @latch_seq: Counts latches. Written under both &osprey_sim.lock and
	 * @scan_lock, so either is enough to read it.
	 */
	u32 latch_seq;

	/** @edid: The connector's EDID, built at init, constant. */
	u8 edid[OSPREY_EDID_MAX];
	/** @edid_size: Bytes of @edid in use, constant. */
	u32 edid_size;
};

/**
 * struct osprey_sim_display - The display controller of one model
 */
struct osprey_sim_display {
	/** @num_pipes: DISP_NUM_PIPES; 0: no display controller. Constant. */
	unsigned int num_pipes;
	/** @monitor_hz: Most frames a second shown on the monitor cable; 0: none. Constant. */
	unsigned int monitor_hz;
	/** @as: The display address space. Protected by &osprey_sim.lock. */
	struct osprey_sim_as as;
	/** @dying: Teardown has begun: start no timer. Protected by &osprey_sim.lock. */
	bool dying;
	/** @kick: The composer has something to look at. Set under &osprey_sim.lock. */
	bool kick;
	/** @wq: Where the composer waits for @kick. */
	wait_queue_head_t wq;
	/** @thread: The composer's kernel thread. */
	struct task_struct *thread;
	/** @composer: The composer's private state (sim_display.c). */
	struct osprey_sim_composer *composer;
	/** @pipe: The pipes, @num_pipes of them used. */
	struct osprey_sim_pipe pipe[OSPREY_DISP_MAX_PIPES];
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

	/** @disp: The display controller. Its registers are protected by @lock. */
	struct osprey_sim_display disp;
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
 * osprey_sim_bus_map() - Map the memory at a bus address
 * @pa: Bus (CPU physical) address.
 *
 * Maps the page holding @pa with kmap_local_page(); unmap the result with
 * kunmap_local().
 *
 * Return: A pointer to @pa's byte, or NULL if no RAM page is there.
 */
void *osprey_sim_bus_map(u64 pa);

/**
 * osprey_sim_mmu_walk() - Translate a GPU virtual address
 * @as: The address space (a copy of its registers).
 * @va: The virtual address.
 * @access: OSPREY_ACCESS_READ, _WRITE or _FETCH.
 * @pa: Where to put the bus address on success.
 *
 * Walks the three-level page table of docs/gpu-model.md ("MMU") in memory,
 * as the engine and the display controller both do.
 *
 * Return: 0, or the OSPREY_FAULT_* of the failed walk.
 */
u32 osprey_sim_mmu_walk(const struct osprey_sim_as *as, u64 va, u32 access, u64 *pa);

/**
 * osprey_sim_display_init() - Set up the display controller
 * @sim: The model, with @lock, @irq_work and @timestamp_base set.
 * @num_pipes: Number of pipes, 0 to %OSPREY_DISP_MAX_PIPES; 0: none.
 * @monitor_hz: Most frames a second shown on the monitor cable (device 0
 *	only); 0 never shows any.
 *
 * Return: 0 or a negative errno.
 */
int osprey_sim_display_init(struct osprey_sim *sim, unsigned int num_pipes,
			    unsigned int monitor_hz);

/**
 * osprey_sim_display_fini() - Stop the display controller and free it
 * @sim: The model; nothing may write its registers any more.
 */
void osprey_sim_display_fini(struct osprey_sim *sim);

/**
 * osprey_sim_display_read() - Read a display register
 * @sim: The model.
 * @offset: Register offset.
 * @value: Where to put the value.
 *
 * Context: Called with &osprey_sim.lock held.
 * Return: true if @offset is a display register.
 */
bool osprey_sim_display_read(struct osprey_sim *sim, u32 offset, u32 *value);

/**
 * osprey_sim_display_write() - Write a display register
 * @sim: The model.
 * @offset: Register offset.
 * @value: The value.
 *
 * Context: Called with &osprey_sim.lock held.
 * Return: true if @offset is a display register.
 */
bool osprey_sim_display_write(struct osprey_sim *sim, u32 offset, u32 value);

/**
 * osprey_sim_display_set_connected() - Plug or unplug a pipe's monitor
 * @sim: The model.
 * @pipe: Pipe index.
 * @connected: The new state; a change raises OSPREY_IRQ_HOTPLUG.
 *
 * Return: 0, or -EINVAL if there is no such pipe.
 */
int osprey_sim_display_set_connected(struct osprey_sim *sim, unsigned int pipe,
				     bool connected);

/**
 * osprey_sim_display_inject_underrun() - Make a pipe's next frame underrun
 * @sim: The model.
 * @pipe: Pipe index.
 *
 * The next frame of @pipe reports an underrun of plane 0 at address 0.
 *
 * Return: 0, or -EINVAL if there is no such pipe.
 */
int osprey_sim_display_inject_underrun(struct osprey_sim *sim, unsigned int pipe);

/**
 * osprey_sim_display_stats_show() - Print the composer's statistics
 * @sim: The model.
 * @m: Where to print them, one line per pipe.
 */
void osprey_sim_display_stats_show(struct osprey_sim *sim, struct seq_file *m);

/**
 * osprey_sim_display_stats_reset() - Zero the composer's statistics
 * @sim: The model.
 */
void osprey_sim_display_stats_reset(struct osprey_sim *sim);

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
