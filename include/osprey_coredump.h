/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The Osprey authors */
#ifndef _OSPREY_COREDUMP_H_
#define _OSPREY_COREDUMP_H_

/**
 * DOC: Osprey coredump internals
 *
 * Types and functions of coredump/, the capture of the GPU's state when a
 * job hangs or faults. Two phases:
 *
 * - osprey_coredump_capture() runs in the fence-signalling path (the
 *   engine's timeout and fault handling), with the engine stopped. It copies
 *   what the dump needs into a &struct osprey_cd_snapshot reserved at probe
 *   time, and buffer contents into pages allocated with GFP_NOWAIT. It
 *   takes no lock that is held while waiting for a fence (the VM's lock only
 *   with a trylock) and never sleeps on memory.
 * - A worker formats the snapshot as text (docs/coredump-format.md) into
 *   one vmalloc'd buffer sized by a first pass, keeps it in the debugfs
 *   history and publishes a copy with dev_coredumpv().
 *
 * Every capture also reads the display controller's registers (and the
 * driver's last CRCs of each pipe). A display underrun is a capture of its
 * own, osprey_coredump_display_underrun(), which does not stop the engine.
 */

#include <linux/limits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "osprey_coredump_format.h"
#include "osprey_hw.h"

struct drm_gem_object;
struct osprey_device;
struct osprey_hw_fence;
struct osprey_vm;

/* What one snapshot holds at most; beyond it, the dump says so. */
#define OSPREY_CD_MAX_MAPPINGS	256
#define OSPREY_CD_MAX_BOS	64
#define OSPREY_CD_MAX_JOBS	64
#define OSPREY_CD_MAX_SKIPS	16
#define OSPREY_CD_RING_WORDS	512
#define OSPREY_CD_LABEL_LEN	64
/* Registers the dump lists: identity, interrupts, 8 x 3 MMU, engine. */
#define OSPREY_CD_NUM_REGS	64

/**
 * enum osprey_cd_halt - How the engine stood when the capture began
 * @OSPREY_CD_HALTED: It stopped on HALT.
 * @OSPREY_CD_NOT_HALTED: It did not stop in time (a lockup).
 * @OSPREY_CD_STOPPED_ERROR: A fault had already stopped it.
 * @OSPREY_CD_RUNNING: The capture did not stop it (a display capture).
 */
enum osprey_cd_halt {
	OSPREY_CD_HALTED,
	OSPREY_CD_NOT_HALTED,
	OSPREY_CD_STOPPED_ERROR,
	OSPREY_CD_RUNNING,
};

/**
 * struct osprey_cd_job - What a dump says about a job
 *
 * Copied from the job at SUBMIT time (all but @hw_seqno, which run_job()
 * sets), so that the capture reads nothing the job may free.
 */
struct osprey_cd_job {
	/** @queue_id: The queue's id in its file. */
	u32 queue_id;
	/** @vm_id: The VM's id in its file, 0 for the default VM. */
	u32 vm_id;
	/** @pid: Thread-group id of the submitter. */
	pid_t pid;
	/** @hw_seqno: Sequence number of the job's SEQNO packet. */
	u32 hw_seqno;
	/** @comm: The submitter's name. */
	char comm[TASK_COMM_LEN];
	/** @submit_ns: CLOCK_BOOTTIME of SUBMIT. */
	u64 submit_ns;
	/** @fence_context: Context of the job's finished fence. */
	u64 fence_context;
	/** @fence_seqno: Seqno of the job's finished fence. */
	u64 fence_seqno;
	/** @batch_va: GPU VA of the batch. */
	u64 batch_va;
	/** @batch_size: Bytes of the batch. */
	u32 batch_size;
};

/**
 * struct osprey_cd_mapping - One mapping of the guilty VM
 */
struct osprey_cd_mapping {
	/** @va: Start of the range. */
	u64 va;
	/** @size: Length of the range. */
	u64 size;
	/** @offset: Offset in the buffer. */
	u64 offset;
	/** @bo: Index in &osprey_cd_snapshot.bos. */
	u32 bo;
	/** @readonly: Mapped read-only. */
	bool readonly;
};

/**
 * enum osprey_cd_shared - Whether a buffer is shared beyond its file
 * @OSPREY_CD_PRIVATE: Only the owner's file can reach it.
 * @OSPREY_CD_EXPORTED: Exported as a dma-buf.
 * @OSPREY_CD_IMPORTED: Imported from a dma-buf.
 * @OSPREY_CD_FLINK: Has a flink name.
 */
enum osprey_cd_shared {
	OSPREY_CD_PRIVATE,
	OSPREY_CD_EXPORTED,
	OSPREY_CD_IMPORTED,
	OSPREY_CD_FLINK,
};

/**
 * struct osprey_cd_bo - One buffer of the guilty VM and its captured content
 */
struct osprey_cd_bo {
	/**
	 * @obj: The object; dereferenced only during the capture, under the
	 * VM's lock, which keeps it mapped and alive.
	 */
	struct drm_gem_object *obj;
	/** @va: VA of its first mapping. */
	u64 va;
	/** @size: The buffer's size. */
	u64 size;
	/** @captured: Bytes copied into @pages, from offset 0. */
	u64 captured;
	/** @label: Its label at the capture. */
	char label[OSPREY_CD_LABEL_LEN];
	/** @shared: &enum osprey_cd_shared. */
	u8 shared;
	/** @batch: It holds the guilty job's batch. */
	bool batch;
	/** @truncated: Content left out for the budget or memory. */
	bool truncated;
	/** @skipped: Why nothing was captured, or NULL. */
	const char *skipped;
	/** @pages: The content, pages linked through &page.lru. */
	struct list_head pages;
};

/**
 * struct osprey_cd_skip - Something the capture left out, and why
 */
struct osprey_cd_skip {
	/** @what: What: "mappings", "bo", "jobs", "job". */
	const char *what;
	/** @index: For "bo", its index; else 0. */
	u32 index;
	/** @reason: Why. */
	const char *reason;
};

/**
 * struct osprey_cd_plane - A display plane's registers at the capture
 *
 * The pending copies of the double-buffered registers: what the hardware
 * returns on a read (include/osprey_hw.h).
 */
struct osprey_cd_plane {
	/** @control: PLANE_CONTROL. */
	u32 control;
	/** @format: PLANE_FORMAT. */
	u32 format;
	/** @addr: PLANE_ADDR_LO and _HI: display VA of the first pixel. */
	u64 addr;
	/** @pitch: PLANE_PITCH. */
	u32 pitch;
	/** @size: PLANE_SIZE. */
	u32 size;
	/** @pos: PLANE_POS. */
	u32 pos;
	/** @alpha: PLANE_ALPHA. */
	u32 alpha;
	/** @blend: PLANE_BLEND. */
	u32 blend;
	/** @zpos: PLANE_ZPOS. */
	u32 zpos;
};

/**
 * struct osprey_cd_pipe - A display pipe's registers and last CRCs
 */
struct osprey_cd_pipe {
	/** @control: PIPE_CONTROL. */
	u32 control;
	/** @mode_size: PIPE_MODE_SIZE. */
	u32 mode_size;
	/** @mode_total: PIPE_MODE_TOTAL. */
	u32 mode_total;
	/** @mode_clock: PIPE_MODE_CLOCK, kHz. */
	u32 mode_clock;
	/** @bg_color: PIPE_BG_COLOR. */
	u32 bg_color;
	/** @update: PIPE_UPDATE: bit 0, a latch is pending. */
	u32 update;
	/** @status: PIPE_STATUS. */
	u32 status;
	/** @frame_count: PIPE_FRAME_COUNT. */
	u32 frame_count;
	/** @vblank_ts: PIPE_VBLANK_TS_LO and _HI. */
	u64 vblank_ts;
	/** @crc_control: PIPE_CRC_CONTROL. */
	u32 crc_control;
	/** @crc_value: PIPE_CRC_VALUE. */
	u32 crc_value;
	/** @crc_frame: PIPE_CRC_FRAME, latched by the read of @crc_value. */
	u32 crc_frame;
	/** @conn_status: PIPE_CONN_STATUS. */
	u32 conn_status;
	/** @edid_size: PIPE_EDID_SIZE. */
	u32 edid_size;
	/** @underrun_addr: PIPE_UNDERRUN_ADDR_LO and _HI. */
	u64 underrun_addr;
	/** @underrun_plane: PIPE_UNDERRUN_PLANE. */
	u32 underrun_plane;
	/** @underrun_count: PIPE_UNDERRUN_COUNT. */
	u32 underrun_count;
	/** @wb_addr: PIPE_WB_ADDR_LO and _HI. */
	u64 wb_addr;
	/** @wb_pitch: PIPE_WB_PITCH. */
	u32 wb_pitch;
	/** @wb_control: PIPE_WB_CONTROL. */
	u32 wb_control;
	/** @wb_status: PIPE_WB_STATUS. */
	u32 wb_status;
	/** @planes: The pipe's planes, by index. */
	struct osprey_cd_plane planes[OSPREY_NUM_PLANES];
	/** @ncrcs: Entries in @crcs and @crc_frames. */
	u32 ncrcs;
	/** @crcs: The driver's last CRCs of the pipe, newest first. */
	u32 crcs[OSPREY_CD_DISPLAY_CRCS];
	/** @crc_frames: The frame of each of @crcs. */
	u32 crc_frames[OSPREY_CD_DISPLAY_CRCS];
};

/**
 * struct osprey_cd_display - The display controller at the capture
 */
struct osprey_cd_display {
	/** @present: FEATURES has DISPLAY; if not, nothing else is valid. */
	bool present;
	/** @num_pipes: DISP_NUM_PIPES as read. */
	u32 num_pipes;
	/** @npipes: Entries in @pipes: @num_pipes, at most the limit. */
	u32 npipes;
	/** @as_control: DISP_AS_CONTROL. */
	u32 as_control;
	/** @pgtable: DISP_PGTABLE_LO and _HI. */
	u64 pgtable;
	/** @max_width: DISP_MAX_WIDTH. */
	u32 max_width;
	/** @max_height: DISP_MAX_HEIGHT. */
	u32 max_height;
	/** @pipes: The pipes, by index. */
	struct osprey_cd_pipe pipes[OSPREY_DISP_MAX_PIPES];
	/**
	 * @underrun_pipe: For a display-underrun dump, the pipe that reported
	 * it; else %OSPREY_CD_NO_PIPE.
	 */
	u32 underrun_pipe;
	/** @underrun_addr: That pipe's PIPE_UNDERRUN_ADDR. */
	u64 underrun_addr;
	/** @underrun_plane: That pipe's PIPE_UNDERRUN_PLANE. */
	u32 underrun_plane;
};

/* &osprey_cd_display.underrun_pipe of a dump not about an underrun. */
#define OSPREY_CD_NO_PIPE	U32_MAX

/**
 * struct osprey_cd_snapshot - The state captured at a hang
 *
 * Filled by osprey_coredump_capture(), read by the worker. Two are
 * reserved per device at probe: the capture path takes a free one without
 * allocating, and a hang that finds none counts as failed.
 */
struct osprey_cd_snapshot {
	/** @link: In &osprey_coredump.free_snaps or the worker's queue. */
	struct list_head link;
	/** @seq: The dump's sequence number. */
	u32 seq;
	/** @reason: &enum osprey_coredump_reason. */
	u32 reason;
	/** @halt: &enum osprey_cd_halt. */
	u32 halt;
	/** @budget: coredump_budget at the capture. */
	u64 budget;
	/** @time: Wall-clock time of the capture. */
	struct timespec64 time;
	/** @uptime_ns: CLOCK_BOOTTIME of the capture. */
	u64 uptime_ns;
	/** @detected_ns: CLOCK_BOOTTIME of the detection. */
	u64 detected_ns;
	/** @capture_ns: Duration of the capture. */
	u64 capture_ns;
	/** @regs: Register values, in the order of the format's table. */
	u32 regs[OSPREY_CD_NUM_REGS];
	/** @ring_size: Size of the ring. */
	u32 ring_size;
	/** @ring_head: RING_HEAD. */
	u32 ring_head;
	/** @ring_tail: The driver's tail. */
	u32 ring_tail;
	/** @ring_start: Offset of @ring_words[0]. */
	u32 ring_start;
	/** @ring_nwords: Words in @ring_words. */
	u32 ring_nwords;
	/** @ring_words: Ring contents around head and tail. */
	u32 ring_words[OSPREY_CD_RING_WORDS];
	/** @has_job: @job is valid. */
	bool has_job;
	/** @job: The guilty job. */
	struct osprey_cd_job job;
	/** @ip: CURRENT_IP. */
	u64 ip;
	/** @fault_status: FAULT_STATUS. */
	u32 fault_status;
	/** @fault_access: FAULT_ACCESS. */
	u32 fault_access;
	/** @fault_as: FAULT_AS. */
	u32 fault_as;
	/** @walk_levels: Entries in @walk. */
	u32 walk_levels;
	/** @fault_address: FAULT_ADDRESS. */
	u64 fault_address;
	/** @walk: Page-table entries of @fault_address, L0 first. */
	u64 walk[3];
	/** @owner_pid: Creator of the guilty VM. */
	pid_t owner_pid;
	/** @owner_comm: Its name. */
	char owner_comm[TASK_COMM_LEN];
	/** @nmappings: Entries in @mappings. */
	u32 nmappings;
	/** @mappings: The guilty VM's mappings, in VA order. */
	struct osprey_cd_mapping mappings[OSPREY_CD_MAX_MAPPINGS];
	/** @nbos: Entries in @bos. */
	u32 nbos;
	/** @bos: The buffers of @mappings, batch first. */
	struct osprey_cd_bo bos[OSPREY_CD_MAX_BOS];
	/** @njobs: Entries in @jobs. */
	u32 njobs;
	/** @jobs: The other jobs on the ring. */
	struct osprey_cd_job jobs[OSPREY_CD_MAX_JOBS];
	/** @nskips: Entries in @skips. */
	u32 nskips;
	/** @skips: What was left out. */
	struct osprey_cd_skip skips[OSPREY_CD_MAX_SKIPS];
	/** @truncated: The budget left content out. */
	bool truncated;
	/** @display: The display controller. */
	struct osprey_cd_display display;
	/** @vm: The guilty VM, referenced until the worker is done; or NULL. */
	struct osprey_vm *vm;
};

/**
 * struct osprey_cd_text - A formatted dump kept in the debugfs history
 */
struct osprey_cd_text {
	/** @link: In &osprey_coredump.history. Protected by its lock. */
	struct list_head link;
	/** @refcount: The history and open debugfs readers. */
	struct kref refcount;
	/** @seq: The dump's sequence number. */
	u32 seq;
	/** @published: It went to devcoredump. */
	bool published;
	/** @len: Bytes at @data. */
	size_t len;
	/** @data: The text, vmalloc'd. */
	char *data;
};

/**
 * struct osprey_coredump - Per-device coredump state
 */
struct osprey_coredump {
	/**
	 * @snap_lock: Protects @free_snaps and @queued. A spinlock: the
	 * capture path takes it in the fence-signalling path.
	 */
	spinlock_t snap_lock;
	/** @free_snaps: Reserved snapshots not in use. Protected by @snap_lock. */
	struct list_head free_snaps;
	/** @queued: Captured snapshots for the worker. Protected by @snap_lock. */
	struct list_head queued;
	/** @work: Formats and publishes @queued. */
	struct work_struct work;
	/** @seq: Last sequence number given. Protected by @snap_lock. */
	u32 seq;

	/**
	 * @lock: Protects @history and @nhistory. A mutex, taken only by the
	 * worker and debugfs, never in the fence-signalling path.
	 */
	struct mutex lock;
	/** @history: The last kept dumps, oldest first. Protected by @lock. */
	struct list_head history;
	/** @nhistory: Entries in @history. Protected by @lock. */
	unsigned int nhistory;

	/** @captured: Snapshots taken. */
	atomic_t captured;
	/** @published: Dumps handed to devcoredump. */
	atomic_t published;
	/** @lost: Dumps not published because another was pending. */
	atomic_t lost;
	/** @failed: Hangs that could not be captured, formatted or published. */
	atomic_t failed;
	/** @last_capture_us: Duration of the last capture. */
	atomic_t last_capture_us;
	/** @last_format_us: Duration of the last formatting. */
	atomic_t last_format_us;
	/**
	 * @unplugged: The device is going: publish nothing more, queue no
	 * display capture. Written under @underrun_lock.
	 */
	bool unplugged;

	/**
	 * @underrun_lock: Protects @underrun_pending and
	 * @underrun_detected_ns, which osprey_coredump_display_underrun()
	 * sets from any context and @underrun_work takes; and the setting
	 * of @unplugged against the queueing of @underrun_work.
	 */
	spinlock_t underrun_lock;
	/**
	 * @underrun_pending: Pipes whose underrun awaits @underrun_work, a
	 * bit each. Protected by @underrun_lock.
	 */
	unsigned long underrun_pending;
	/**
	 * @underrun_detected_ns: CLOCK_BOOTTIME of each pending pipe's
	 * first report. Protected by @underrun_lock.
	 */
	u64 underrun_detected_ns[OSPREY_DISP_MAX_PIPES];
	/**
	 * @underrun_work: Captures @underrun_pending, on the engine's reset
	 * workqueue, so that it never runs with another capture.
	 */
	struct work_struct underrun_work;
	/**
	 * @underrun_last_ns: CLOCK_BOOTTIME of each pipe's last underrun
	 * capture, for the rate limit; 0 for none. Written by @underrun_work
	 * only (one at a time: the workqueue is ordered).
	 */
	u64 underrun_last_ns[OSPREY_DISP_MAX_PIPES];
	/** @underruns_ratelimited: Underruns not captured, for the rate limit. */
	atomic_t underruns_ratelimited;
	/** @a85_pairs: Ascii85 digit pairs, for the formatter. Set at probe. */
	u16 a85_pairs[85 * 85];
};

/**
 * osprey_cd_reg_count() - Number of registers a dump lists
 *
 * Return: The count, at most %OSPREY_CD_NUM_REGS.
 */
unsigned int osprey_cd_reg_count(void);

/**
 * osprey_cd_reg_at() - The @i-th register a dump lists
 * @i: Index, below osprey_cd_reg_count().
 * @name: Its name; for a slot's register, the part after "AS<n>_".
 * @as: The slot of a slot's register, else -1.
 *
 * Return: Its offset.
 */
u32 osprey_cd_reg_at(unsigned int i, const char **name, int *as);

/**
 * osprey_coredump_init() - Reserve the snapshots, prime lockdep
 * @odev: The device, being probed, its engine initialised.
 *
 * Return: 0 or a negative errno.
 */
int osprey_coredump_init(struct osprey_device *odev);

/**
 * osprey_coredump_capture() - Capture the GPU's state at a hang or fault
 * @odev: The device.
 * @reason: &enum osprey_coredump_reason.
 * @halt: &enum osprey_cd_halt: how the engine stands.
 * @guilty: The hardware fence of the job that was running, referenced by
 *	the caller, or NULL.
 * @detected_ns: CLOCK_BOOTTIME when the hang or fault was noticed.
 *
 * Runs in the fence-signalling path, with the engine stopped; allocates
 * only with GFP_NOWAIT and queues the formatting. Serialised by the
 * caller (the engine's ordered reset workqueue).
 */
void osprey_coredump_capture(struct osprey_device *odev, u32 reason, u32 halt,
			     struct osprey_hw_fence *guilty, u64 detected_ns);

/**
 * osprey_coredump_display_underrun() - Capture the state at a display underrun
 * @odev: The device.
 * @pipe: The pipe that reported the underrun (IRQ_UNDERRUN).
 *
 * Queues a capture with reason ``display-underrun`` on the engine's reset
 * workqueue, where it cannot race with a hang, fault or manual capture for
 * the snapshots, and returns; the engine is not stopped and the dump names
 * no job. Rate-limited: at most one capture per pipe every 5 seconds, the
 * others counted in debugfs ``coredump_stats``. Calls for a pipe whose
 * capture is still queued are merged. Any context; not after remove.
 */
void osprey_coredump_display_underrun(struct osprey_device *odev, unsigned int pipe);

/**
 * osprey_coredump_unplug() - Stop publishing at remove
 * @odev: The device, unplugged, its engine stopped.
 *
 * Waits for the worker and removes a pending devcoredump of the device.
 */
void osprey_coredump_unplug(struct osprey_device *odev);

/**
 * osprey_coredump_debugfs_register() - Add the coredump debugfs files
 * @odev: The device.
 */
void osprey_coredump_debugfs_register(struct osprey_device *odev);

/**
 * osprey_coredump_format() - Write a snapshot as text
 * @snap: The snapshot.
 * @odev: Its device (names, versions).
 * @buf: Where to write, or NULL to only count.
 * @size: Bytes at @buf.
 *
 * Return: The length of the text. Called twice: first with @buf NULL, then
 * with a buffer of that size.
 */
size_t osprey_coredump_format(const struct osprey_cd_snapshot *snap,
			      const struct osprey_device *odev, char *buf, size_t size);

/**
 * osprey_coredump_a85_init() - Fill the formatter's ascii85 table
 * @pairs: 85 * 85 entries: the two digits of each value, first in the low byte.
 */
void osprey_coredump_a85_init(u16 *pairs);

/**
 * osprey_coredump_bo_text_max() - Upper bound of a bo section's data
 * @bytes: Bytes of content.
 *
 * Return: Bytes of text the content may take, for the budget.
 */
u64 osprey_coredump_bo_text_max(u64 bytes);

#endif /* _OSPREY_COREDUMP_H_ */
