/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The Osprey authors */
#ifndef _OSPREY_DRV_H_
#define _OSPREY_DRV_H_

/**
 * DOC: Osprey driver internals
 *
 * Types and functions shared by the files of the DRM driver (drm/). The
 * driver reaches the GPU only through osprey_read() and osprey_write(),
 * which go through the bus the platform device provides, and through its
 * interrupt.
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/container_of.h>
#include <linux/dma-fence.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_gpuvm.h>
#include <drm/drm_mm.h>
#include <drm/drm_plane.h>
#include <drm/drm_writeback.h>
#include <drm/gpu_scheduler.h>

#include "osprey_coredump.h"
#include "osprey_drm.h"
#include "osprey_hw.h"
#include "osprey_isa.h"
#include "typed_gem.h"

struct drm_fb_helper;
struct drm_fb_helper_surface_size;
struct drm_file;
struct drm_gpuva;
struct drm_mode_create_dumb;
struct drm_pending_vblank_event;
struct drm_printer;
struct osprey_pt;
struct osprey_vm;

/* Limits advertised through GET_PARAM (see uapi/osprey_drm.h). */
#define OSPREY_USER_VA_START		SZ_1M
#define OSPREY_USER_VA_END		BIT_ULL(OSPREY_VA_BITS)
#define OSPREY_MAX_BATCH_SIZE		SZ_1M
#define OSPREY_MAX_SYNCS		64
#define OSPREY_MAX_VMS			64
#define OSPREY_MAX_QUEUES		64

/* Size of the kernel ring of engine 0. */
#define OSPREY_RING_SIZE		SZ_64K

/**
 * struct osprey_gpu_info - Identity of the GPU, read once at probe
 */
struct osprey_gpu_info {
	/** @model: MODEL register. */
	u32 model;
	/** @revision: REVISION register. */
	u32 revision;
	/** @features: FEATURES register. */
	u32 features;
	/** @num_engines: NUM_ENGINES register. */
	u32 num_engines;
};

/**
 * struct osprey_fault - What the engine reported about a stopped job
 *
 * Copied from the fault registers by the interrupt handler.
 */
struct osprey_fault {
	/** @status: FAULT_STATUS, OSPREY_FAULT_*; OSPREY_FAULT_NONE if none yet. */
	u32 status;
	/** @access: FAULT_ACCESS, OSPREY_ACCESS_*. */
	u32 access;
	/** @as: FAULT_AS. */
	u32 as;
	/** @va: FAULT_ADDRESS. */
	u64 va;
	/** @ip: CURRENT_IP. */
	u64 ip;
	/** @batch: CURRENT_BATCH. */
	u64 batch;
};

/**
 * struct osprey_as_slot - One of the MMU's address-space slots
 *
 * Protected by &osprey_engine.slot_lock.
 */
struct osprey_as_slot {
	/** @vm: The VM whose page tables the slot holds, or NULL. */
	struct osprey_vm *vm;
	/**
	 * @last: Hardware fence of the last job that ran in the slot; the
	 * slot may change VM once it has signalled. NULL if none did.
	 */
	struct dma_fence *last;
};

/**
 * struct osprey_engine - A command engine and the driver state around it
 *
 * The scheduler calls run_job() for one job at a time, so the ring is
 * written by one thread at a time; the timeout handler stops the scheduler
 * before it touches the ring.
 */
struct osprey_engine {
	/**
	 * @sched: The engine's scheduler: one per engine, entities per
	 * queue. Allocated apart: it outlives the device (the fences it made
	 * point to it), until the module goes; see osprey_engine_fini().
	 */
	struct drm_gpu_scheduler *sched;

	/**
	 * @ring: The kernel ring, %OSPREY_RING_SIZE bytes of coherent DMA
	 * memory (the engine needs it contiguous, which internal objects
	 * are not).
	 */
	__le32 *ring;

	/** @ring_dma: Bus address of @ring. */
	dma_addr_t ring_dma;

	/**
	 * @tail: Byte offset at which run_job() writes the next packet.
	 * Written only by run_job() and the timeout handler, which never
	 * run at the same time (see above).
	 */
	u32 tail;

	/** @seqno: Sequence number of the last job emitted; same rule as @tail. */
	u32 seqno;

	/** @fence_context: Context of the hardware fences. */
	u64 fence_context;

	/**
	 * @fence_lock: Protects @pending and is the lock of every hardware
	 * fence. Taken in the interrupt handler, so always with interrupts
	 * disabled.
	 */
	spinlock_t fence_lock;

	/**
	 * @pending: Hardware fences emitted and not yet signalled, oldest
	 * first. Protected by @fence_lock.
	 */
	struct list_head pending;

	/**
	 * @slot_lock: Protects @slots and &osprey_vm.slot. A spinlock:
	 * run_job() takes it in the fence-signalling path, where nothing
	 * may sleep or allocate.
	 */
	spinlock_t slot_lock;

	/** @slots: The MMU's address-space slots. Protected by @slot_lock. */
	struct osprey_as_slot slots[OSPREY_NUM_AS];

	/** @fault_lock: Protects @last_fault; taken in the interrupt handler. */
	spinlock_t fault_lock;

	/** @last_fault: The last fault or error. Protected by @fault_lock. */
	struct osprey_fault last_fault;

	/** @fault_detected_ns: CLOCK_BOOTTIME of @last_fault. Protected by @fault_lock. */
	u64 fault_detected_ns;

	/** @reset_done: Completed by the RESET_DONE interrupt. */
	struct completion reset_done;

	/**
	 * @reset_wq: Ordered workqueue of everything that stops the engine
	 * or the scheduler: the scheduler's timeout handler, @fault_work,
	 * @capture_work and the finalisation of queues' entities, so that
	 * they never run at the same time.
	 */
	struct workqueue_struct *reset_wq;

	/** @fault_work: Captures a fault's state, then lets the engine SKIP. */
	struct work_struct fault_work;

	/** @capture_work: A manual capture (debugfs). */
	struct work_struct capture_work;

	/** @resets: Engine resets after hangs; written on @reset_wq only. */
	u32 resets;
};

/* The display controller ----------------------------------------------- */

/*
 * Display VAs the display address space hands out (osprey_kms.c): 8 GiB,
 * room for a hundred framebuffers of the largest size, above a first L2
 * table's range that stays empty (VA 0 never translates).
 */
#define OSPREY_DISPLAY_VA_START		SZ_2M
#define OSPREY_DISPLAY_VA_END		(8ULL * SZ_1G)

/* Largest cursor, in pixels each way (mode_config cursor_width/height). */
#define OSPREY_CURSOR_MAX		64

/* CRCs each pipe remembers for coredumps (osprey_display_crc_history()). */
#define OSPREY_CRC_HISTORY		8

struct osprey_pipe;

/**
 * struct osprey_scanout - A buffer mapped in the display address space
 *
 * Made by a plane's prepare_fb (read-only) or a writeback job's prepare
 * (writable); shared by plane states that keep the same framebuffer. When
 * the last reference goes the pipe may still be reading the pages (the
 * latched state changes at the next vblank, and a frame is composed after
 * its vblank), so the mapping waits on &osprey_pipe.retire until the pipe
 * has started two more frames, or goes at once if the pipe is off.
 */
struct osprey_scanout {
	/** @refcount: Plane states and writeback jobs using the mapping. */
	struct kref refcount;
	/** @pipe: The pipe whose planes or writeback unit use the mapping. */
	struct osprey_pipe *pipe;
	/** @obj: The buffer; the mapping holds a reference. */
	struct drm_gem_object *obj;
	/**
	 * @node: The VA range, in &osprey_display.va_mm. Written under
	 * &osprey_display.vm's lock, then read-only until the unmap.
	 */
	struct drm_mm_node node;
	/** @retire_link: In &osprey_pipe.retire. Protected by &osprey_pipe.lock. */
	struct list_head retire_link;
	/**
	 * @retire_frame: FRAME_COUNT from which the pages are no longer
	 * read. Protected by &osprey_pipe.lock.
	 */
	u32 retire_frame;
};

/**
 * struct osprey_plane_state - A plane's atomic state
 */
struct osprey_plane_state {
	/** @base: The DRM plane state. */
	struct drm_plane_state base;
	/**
	 * @scanout: The framebuffer's mapping, from prepare_fb to cleanup_fb;
	 * NULL without a framebuffer or before prepare_fb. Owned by the
	 * state, which the atomic helpers never share between threads.
	 */
	struct osprey_scanout *scanout;
};

/**
 * struct osprey_plane - One of a pipe's three planes
 */
struct osprey_plane {
	/** @base: The DRM plane. */
	struct drm_plane base;
	/** @pipe: The pipe it belongs to (its only possible CRTC). */
	struct osprey_pipe *pipe;
	/** @hw_index: OSPREY_PLANE_*: its registers, OSPREY_PIPE_PLANE(@hw_index). */
	unsigned int hw_index;
};

/**
 * struct osprey_crc_record - One CRC a pipe reported
 */
struct osprey_crc_record {
	/** @crc: CRC_VALUE. */
	u32 crc;
	/** @frame: CRC_FRAME: the hardware frame (FRAME_COUNT) it covers. */
	u32 frame;
};

/**
 * struct osprey_pipe - One display pipe and the KMS objects driving it
 *
 * Pipe p has CRTC p (index p, created in pipe order), its three planes,
 * a connector with its encoder for the monitor, and a writeback connector.
 * The KMS objects are cleaned up by drm_mode_config_cleanup() when the DRM
 * device goes; everything else here by osprey_display_unplug() and the
 * display's managed release.
 */
struct osprey_pipe {
	/** @odev: The device. */
	struct osprey_device *odev;
	/** @index: The pipe's number, its register block OSPREY_DISP_PIPE(@index). */
	unsigned int index;

	/** @crtc: The CRTC. */
	struct drm_crtc crtc;
	/** @planes: Primary, overlay and cursor, by OSPREY_PLANE_* index. */
	struct osprey_plane planes[OSPREY_NUM_PLANES];
	/** @encoder: The monitor's encoder. */
	struct drm_encoder encoder;
	/** @connector: The monitor's connector. */
	struct drm_connector connector;
	/** @wb: The writeback connector (and its encoder). */
	struct drm_writeback_connector wb;

	/**
	 * @lock: Protects the fields below that say so. Taken in the
	 * interrupt handler, so with interrupts disabled elsewhere; the
	 * innermost lock but for &drm_device.event_lock and the DRM core's
	 * vblank and writeback locks, which are taken after it.
	 */
	spinlock_t lock;

	/**
	 * @event: The event of the last flush, sent by the first vblank
	 * interrupt that finds PIPE_UPDATE no longer pending (the state
	 * it belongs to was latched); holds a vblank reference. Protected
	 * by @lock.
	 */
	struct drm_pending_vblank_event *event;

	/** @crc_enabled: CRC source "auto" selected. Protected by @lock. */
	bool crc_enabled;
	/**
	 * @crc_vblank: set_crc_source() holds a vblank reference for the
	 * CRCs. Touched only by set_crc_source(), whose calls the DRM core
	 * serialises (one open of the CRC file at a time).
	 */
	bool crc_vblank;
	/** @crc_have_last: @crc_last_frame is valid. Protected by @lock. */
	bool crc_have_last;
	/**
	 * @crc_last_frame: DRM vblank count of the last CRC entry added, to
	 * fill the frames the hardware skipped. Protected by @lock.
	 */
	u64 crc_last_frame;
	/** @crc_history: The last CRCs, a ring. Protected by @lock. */
	struct osprey_crc_record crc_history[OSPREY_CRC_HISTORY];
	/** @crc_count: CRCs received, wrapping; the ring's head. Protected by @lock. */
	u32 crc_count;

	/**
	 * @scanning: The pipe's timing may be running, so may read the
	 * memory of its latched state: set by the CRTC's atomic_enable,
	 * cleared by its atomic_disable once the pipe stopped. Protected by
	 * @lock.
	 */
	bool scanning;

	/**
	 * @retire: Mappings waiting for the pipe to stop reading them,
	 * oldest first; each holds a vblank reference. Protected by @lock.
	 */
	struct list_head retire;
	/** @retire_work: Unmaps the mappings of @retire that are done. */
	struct work_struct retire_work;

	/**
	 * @wb_pending: Writeback jobs queued to the DRM core and not yet
	 * signalled (0 or 1: a job waits for the previous one). Protected
	 * by @lock.
	 */
	unsigned int wb_pending;
	/** @wb_wait: Woken when @wb_pending drops. */
	wait_queue_head_t wb_wait;

	/** @underrun_irqs: UNDERRUN interrupts, for debugfs. */
	atomic_t underrun_irqs;
	/** @underrun_captures: Coredumps asked for. Protected by @lock. */
	u32 underrun_captures;
	/** @underrun_seen: @underrun_last is valid. Protected by @lock. */
	bool underrun_seen;
	/** @underrun_last: jiffies of the last capture asked for. Protected by @lock. */
	unsigned long underrun_last;
	/** @underrun_addr: UNDERRUN_ADDR at the last underrun. Protected by @lock. */
	u64 underrun_addr;
	/** @underrun_plane: UNDERRUN_PLANE at the last underrun. Protected by @lock. */
	u32 underrun_plane;
	/** @underrun_work: Calls osprey_coredump_display_underrun(). */
	struct work_struct underrun_work;

	/**
	 * @last_frame: The last FRAME_COUNT read, returned as the vblank
	 * counter once the registers are gone. Written and read by the
	 * vblank core's counter callback, under its locks.
	 */
	u32 last_frame;
};

/**
 * struct osprey_display - The display controller's driver state
 */
struct osprey_display {
	/** @num_pipes: DISP_NUM_PIPES, 0 without FEATURES.DISPLAY. Set at probe. */
	unsigned int num_pipes;
	/** @max_width: DISP_MAX_WIDTH. Set at probe. */
	u32 max_width;
	/** @max_height: DISP_MAX_HEIGHT. Set at probe. */
	u32 max_height;
	/**
	 * @ts_valid: FEATURES.TIMESTAMP: VBLANK_TS can be trusted. Set at
	 * probe.
	 */
	bool ts_valid;
	/**
	 * @ts_offset_ns: CLOCK_MONOTONIC minus the TIMESTAMP clock, measured
	 * at probe; VBLANK_TS + @ts_offset_ns is a vblank's monotonic time.
	 */
	s64 ts_offset_ns;

	/**
	 * @irq_lock: Protects the display's read-modify-writes of IRQ_MASK
	 * (vblank interrupts come and go from any context) and @irq_dead.
	 * The engine writes IRQ_MASK only at probe, before the display, and
	 * at remove, after osprey_display_unplug().
	 */
	spinlock_t irq_lock;
	/** @irq_dead: No more IRQ_MASK writes: remove began. Protected by @irq_lock. */
	bool irq_dead;

	/**
	 * @vm: The display address space: a kernel-owned VM whose page
	 * tables DISP_PGTABLE points to. Its lock protects @va_mm.
	 */
	struct osprey_vm *vm;
	/** @va_mm: Allocator of display VAs. Protected by @vm's lock. */
	struct drm_mm va_mm;
	/** @mappings: Live &struct osprey_scanout, for debugfs and leak checks. */
	atomic_t mappings;

	/** @hotplug_work: Probes the connectors after a HOTPLUG interrupt. */
	struct work_struct hotplug_work;
	/** @hotplugs: HOTPLUG interrupts, for debugfs. */
	atomic_t hotplugs;

	/** @pipes: The pipes; the first @num_pipes are used. */
	struct osprey_pipe pipes[OSPREY_DISP_MAX_PIPES];
};

/**
 * struct osprey_device - One Osprey GPU bound to the driver
 */
struct osprey_device {
	/** @drm: The DRM device; its lifetime is the lifetime of this struct. */
	struct drm_device drm;

	/**
	 * @bus: Register accessors, copied from the platform data at probe.
	 * Valid only while the device is bound: every access outside probe
	 * and remove happens inside drm_dev_enter()/drm_dev_exit() or from
	 * the interrupt handler, which is freed before remove returns.
	 */
	struct osprey_hw_bus bus;

	/** @info: Identity registers, read at probe and never changed. */
	struct osprey_gpu_info info;

	/** @irq: Linux interrupt number of the GPU's interrupt line. */
	int irq;

	/** @irq_count: Interrupts handled, for debugfs. */
	atomic_t irq_count;

	/** @soft_irq_seen: Completed when a software interrupt arrives. */
	struct completion soft_irq_seen;

	/** @gem: Every live GEM object of the device (typed GEM layer). */
	struct tgem_device gem;

	/**
	 * @kernel_pts: Live page tables of kernel-owned VMs (the display's).
	 * They come and go with what the display shows, whoever shows it
	 * (the fbdev client restores its mode when the last file closes), so
	 * the debugfs gem_count leaves them out: it counts what files made.
	 */
	atomic_t kernel_pts;

	/**
	 * @label_lock: Protects &osprey_bo_attrs.label of every object of
	 * the device. A spinlock: labels are read while walking @gem, under
	 * its mutex, and copied in and out in a few bytes.
	 */
	spinlock_t label_lock;

	/** @engine: Engine 0, its ring and its scheduler. */
	struct osprey_engine engine;

	/** @job_count: Live jobs (allocated by SUBMIT, not yet freed). */
	atomic_t job_count;

	/** @jobs_idle: Woken when @job_count drops to zero. */
	wait_queue_head_t jobs_idle;

	/** @coredump: Hang captures and the dumps made of them. */
	struct osprey_coredump coredump;

	/** @display: The display controller: pipes, planes, connectors. */
	struct osprey_display display;
};

/**
 * struct osprey_file - Per-file state (&drm_file.driver_priv)
 *
 * The typed file of Osprey's GEM object types; the DRM core keeps the
 * buffer handles, the file keeps its address spaces and queues.
 */
struct osprey_file {
	/** @odev: The device the file was opened on. */
	struct osprey_device *odev;

	/**
	 * @lock: Protects @default_vm. Taken only to create it: ioctls that
	 * run concurrently must not create two.
	 */
	struct mutex lock;

	/**
	 * @default_vm: The file's default VM (%DRM_OSPREY_VM_DEFAULT),
	 * created on first use; NULL before. Set once under @lock, then
	 * read without it.
	 */
	struct osprey_vm *default_vm;

	/** @vms: VMs of VM_CREATE by id, each holding a reference. */
	struct xarray vms;

	/** @queues: Queues by id, each holding a reference. */
	struct xarray queues;
};

/**
 * struct osprey_vm - A GPU address space
 *
 * Built on &struct drm_gpuvm, which tracks the mappings and the buffers
 * mapped; the VM adds the page tables the MMU walks. Every buffer keeps its
 * own reservation object (all are "external" to the VM in drm_gpuvm's
 * terms), so a job's fence lands on each of them and GEM_WAIT waits on the
 * buffer alone.
 *
 * Two reference counts: @users counts the file's id, queues and jobs; when
 * it drops to zero the mappings and page tables go, then the &drm_gpuvm
 * reference, which the mappings' &drm_gpuvm_bo also held.
 */
struct osprey_vm {
	/** @base: The drm_gpuvm; its tree is protected by @lock. */
	struct drm_gpuvm base;

	/** @odev: The device. */
	struct osprey_device *odev;

	/** @users: File ids, queues and jobs using the VM. */
	struct kref users;

	/**
	 * @lock: Serialises changes to the VM: the gpuva tree of @base, the
	 * page tables, and the window between a job's arming and the
	 * addition of its fence to the reservation objects (so that an
	 * unmap, which waits for those fences, sees every job that can use
	 * the pages it releases). Never taken in the fence-signalling path.
	 */
	struct mutex lock;

	/** @root: The L0 page table. */
	struct osprey_pt *root;

	/** @id: The VM's id in its file; 0 for the default VM. Set once. */
	u32 id;

	/** @owner_pid: Thread-group id of the process that created the VM. */
	pid_t owner_pid;

	/** @owner_comm: That process's name, for coredumps. */
	char owner_comm[TASK_COMM_LEN];

	/**
	 * @slot: The address-space slot holding @root, or -1. Protected by
	 * &osprey_engine.slot_lock.
	 */
	int slot;
};

/**
 * struct osprey_pt - A page table of a VM (a kernel-internal object)
 */
struct osprey_pt {
	/** @base: The GEM object; its one page holds 512 entries. */
	struct drm_gem_object base;
	/** @tgem: Typed GEM bookkeeping. */
	struct tgem_link tgem;
	/** @dma: Bus address of the table. */
	dma_addr_t dma;
	/** @children: L0 and L1: the tables the entries point to; L2: NULL. */
	struct osprey_pt **children;
	/**
	 * @tally: &osprey_device.kernel_pts for a table of a kernel-owned VM
	 * (the display's), NULL for a user VM's. Set once at creation.
	 */
	atomic_t *tally;
};

/**
 * struct osprey_hw_fence - The fence a job's SEQNO packet signals
 *
 * Allocated by SUBMIT with the job, initialised and emitted by run_job().
 * While on &osprey_engine.pending it also remembers what was written to the
 * ring, so that the timeout handler can write it again after a reset.
 */
struct osprey_hw_fence {
	/** @base: The fence; its lock is &osprey_engine.fence_lock. */
	struct dma_fence base;
	/** @link: In &osprey_engine.pending. Protected by its lock. */
	struct list_head link;
	/** @slot: Address-space slot of the job. */
	u32 slot;
	/** @batch_size: Length of the batch in bytes. */
	u32 batch_size;
	/** @batch_va: GPU VA of the batch. */
	u64 batch_va;
	/** @info: What a coredump says about the job, filled by SUBMIT. */
	struct osprey_cd_job info;
	/**
	 * @vm: The job's VM. Not a reference: valid while the fence is
	 * pending, since the job, which holds the VM, lives until then.
	 */
	struct osprey_vm *vm;
	/** @qstate: The queue's state; the job holds the reference. */
	struct osprey_queue_state *qstate;
};

/**
 * struct osprey_queue_state - What a queue's jobs did, for QUEUE_GET_STATE
 *
 * Outlives the queue while its jobs do: the engine's timeout handler
 * updates it for jobs whose queue is gone.
 */
struct osprey_queue_state {
	/** @refcount: The queue and each of its jobs. */
	struct kref refcount;
	/** @guilty: Resets a job of the queue caused. */
	atomic_t guilty;
	/** @innocent: Resets that found a job of the queue behind the hung one. */
	atomic_t innocent;
	/** @faults: Jobs that faulted or held an invalid instruction. */
	atomic_t faults;
	/** @banned: No more jobs; set once, read without a lock. */
	bool banned;
	/**
	 * @last_reset: Value of &osprey_engine.resets when @innocent was
	 * last counted, so that a reset counts once per queue. Written on
	 * the reset workqueue only.
	 */
	u32 last_reset;
};

/**
 * struct osprey_queue - A job queue: a scheduler entity in a VM
 */
struct osprey_queue {
	/** @refcount: The file's id and SUBMIT calls in progress. */
	struct kref refcount;
	/** @entity: The scheduler entity. */
	struct drm_sched_entity entity;
	/** @vm: The VM the jobs run in; the queue holds a user reference. */
	struct osprey_vm *vm;
	/** @id: The queue's id in its file. */
	u32 id;
	/** @state: Resets, faults and ban; the queue holds a reference. */
	struct osprey_queue_state *state;
	/** @fini_work: Finalises @entity on &osprey_engine.reset_wq. */
	struct work_struct fini_work;
};

/**
 * struct osprey_job - A batch submitted to a queue
 */
struct osprey_job {
	/** @base: The scheduler job. */
	struct drm_sched_job base;
	/**
	 * @vm: The VM (and, through it, the device); the job holds a user
	 * reference until it is freed.
	 */
	struct osprey_vm *vm;
	/** @batch_va: GPU VA of the batch. */
	u64 batch_va;
	/** @batch_size: Length of the batch in bytes. */
	u32 batch_size;
	/**
	 * @emitted: run_job() initialised and emitted @hw_fence; when it is
	 * called again after a reset, it returns the same fence.
	 */
	bool emitted;
	/** @hw_fence: Allocated by SUBMIT, so that run_job() need not. */
	struct osprey_hw_fence *hw_fence;
};

/**
 * struct osprey_bo_attrs - What Osprey keeps about every buffer object
 */
struct osprey_bo_attrs {
	/** @label: Debug name, NUL-terminated. Protected by &osprey_device.label_lock. */
	char label[DRM_OSPREY_MAX_LABEL_SIZE];
	/** @create_flags: The flags the object was created with. */
	u32 create_flags;
};

/**
 * struct osprey_bo - A shmem-backed buffer object
 */
struct osprey_bo {
	/** @base: The shmem object; first, as the shmem helpers require. */
	struct drm_gem_shmem_object base;
	/** @tgem: Typed GEM bookkeeping. */
	struct tgem_link tgem;
	/** @attrs: Label and creation flags. */
	struct osprey_bo_attrs attrs;
};

/**
 * struct osprey_dmabuf_bo - A dma-buf imported from another device
 */
struct osprey_dmabuf_bo {
	/** @base: The GEM object wrapping the attachment. */
	struct drm_gem_object base;
	/** @tgem: Typed GEM bookkeeping. */
	struct tgem_link tgem;
	/** @attrs: Label (creation flags are always 0). */
	struct osprey_bo_attrs attrs;
};

TGEM_DECLARE_SHMEM_TYPE(osprey_bo, struct osprey_bo, base, struct osprey_file);
TGEM_DECLARE_GEM_TYPE(osprey_dmabuf_bo, struct osprey_dmabuf_bo, base,
		      struct osprey_file);
TGEM_DECLARE_IMPORT_HOOK(osprey_dmabuf_bo);
TGEM_DECLARE_GEM_TYPE(osprey_pt, struct osprey_pt, base, struct osprey_file);
TGEM_DECLARE_INTERNAL_CREATE(osprey_pt);

/**
 * to_osprey_device() - The &struct osprey_device of a &struct drm_device
 * @ddev: A DRM device of the Osprey driver.
 *
 * Keeps the const-ness of @ddev.
 */
#define to_osprey_device(ddev) \
	container_of_const(ddev, struct osprey_device, drm)

/**
 * osprey_read() - Read a GPU register
 * @odev: The device.
 * @offset: Register offset from osprey_hw.h.
 *
 * Return: The register's value.
 */
static inline u32 osprey_read(const struct osprey_device *odev, u32 offset)
{
	return odev->bus.read(odev->bus.ctx, offset);
}

/**
 * osprey_write() - Write a GPU register
 * @odev: The device.
 * @offset: Register offset from osprey_hw.h.
 * @value: Value to write.
 */
static inline void osprey_write(const struct osprey_device *odev, u32 offset,
				u32 value)
{
	odev->bus.write(odev->bus.ctx, offset, value);
}

/**
 * osprey_ioctl_get_param() - DRM_IOCTL_OSPREY_GET_PARAM handler
 * @drm: The DRM device.
 * @data: The &struct drm_osprey_get_param copied in by the DRM core.
 * @file: The caller's file.
 *
 * Return: 0 or a negative errno.
 */
int osprey_ioctl_get_param(struct drm_device *drm, void *data,
			   struct drm_file *file);

/**
 * osprey_gem_init() - Set up the device's GEM state
 * @odev: The device, being probed.
 *
 * Return: 0 or a negative errno.
 */
int osprey_gem_init(struct osprey_device *odev);

/**
 * osprey_gem_device() - The typed GEM object list of a DRM device
 * @drm: An Osprey DRM device.
 *
 * Return: &osprey_device.gem.
 */
struct tgem_device *osprey_gem_device(struct drm_device *drm);

/**
 * osprey_gem_max_bo_size() - The largest buffer object GEM_CREATE makes
 *
 * Return: The ``max_bo_size`` module parameter, or a quarter of RAM when it
 * is 0, rounded down to pages.
 */
u64 osprey_gem_max_bo_size(void);

/**
 * osprey_gem_attrs() - The attributes of any Osprey buffer object
 * @obj: A GEM object of an Osprey device.
 *
 * Return: The attributes, or NULL if @obj is of no Osprey buffer type.
 */
struct osprey_bo_attrs *osprey_gem_attrs(struct drm_gem_object *obj);

/**
 * osprey_gem_lookup() - Look up an Osprey buffer by handle
 * @file: The file the handle belongs to.
 * @handle: The handle.
 *
 * Return: The buffer, of either Osprey buffer type, with a reference; NULL
 * if the handle names nothing or an object of no Osprey buffer type.
 */
struct drm_gem_object *osprey_gem_lookup(struct drm_file *file, u32 handle);

/**
 * osprey_gem_dumb_create() - &drm_driver.dumb_create
 * @file: The caller's file.
 * @drm: The device.
 * @args: Width, height and bpp in; pitch, size and handle out.
 *
 * Return: 0 or a negative errno.
 */
int osprey_gem_dumb_create(struct drm_file *file, struct drm_device *drm,
			   struct drm_mode_create_dumb *args);

/**
 * osprey_gem_show_fdinfo() - &drm_driver.show_fdinfo: memory statistics
 * @p: Where to print.
 * @file: The file described.
 */
void osprey_gem_show_fdinfo(struct drm_printer *p, struct drm_file *file);

/**
 * osprey_gem_debugfs_register() - Add the GEM debugfs files
 * @odev: The device, not yet registered with the DRM core.
 */
void osprey_gem_debugfs_register(struct osprey_device *odev);

/* Ioctl handlers: 0 or a negative errno; see uapi/osprey_drm.h. */
int osprey_ioctl_gem_create(struct drm_device *drm, void *data, struct drm_file *file);
int osprey_ioctl_gem_mmap_offset(struct drm_device *drm, void *data, struct drm_file *file);
int osprey_ioctl_gem_info(struct drm_device *drm, void *data, struct drm_file *file);
int osprey_ioctl_gem_set_label(struct drm_device *drm, void *data, struct drm_file *file);
int osprey_ioctl_gem_wait(struct drm_device *drm, void *data, struct drm_file *file);

/* Address spaces (osprey_vm.c) */

/**
 * osprey_vm_lookup() - A referenced VM of a file
 * @ofile: The file.
 * @vm_id: A VM id of the file; %DRM_OSPREY_VM_DEFAULT creates the default
 *	VM on first use.
 *
 * Return: The VM with a user reference, or an ERR_PTR: -ENOENT for an
 * unknown id, -ENOMEM.
 */
struct osprey_vm *osprey_vm_lookup(struct osprey_file *ofile, u32 vm_id);

/**
 * osprey_vm_get() - Take a user reference on a VM
 * @vm: The VM.
 *
 * Return: @vm.
 */
struct osprey_vm *osprey_vm_get(struct osprey_vm *vm);

/**
 * osprey_vm_put() - Drop a user reference on a VM
 * @vm: The VM, or NULL.
 *
 * The last reference unmaps everything and frees the page tables. May
 * sleep; never call it in the fence-signalling path.
 */
void osprey_vm_put(struct osprey_vm *vm);

/**
 * osprey_vm_file_fini() - Drop the VMs of a closing file
 * @ofile: The file.
 */
void osprey_vm_file_fini(struct osprey_file *ofile);

/**
 * osprey_vm_root_dma() - Bus address of a VM's L0 page table
 * @vm: The VM.
 *
 * Return: The address to program in AS_PGTABLE.
 */
dma_addr_t osprey_vm_root_dma(const struct osprey_vm *vm);

/**
 * osprey_vm_walk() - Read the page-table entries of an address
 * @vm: The VM, referenced.
 * @va: The address.
 * @walk: The entries, L0 first.
 *
 * Reads without the VM's lock (for a coredump, in the fence-signalling
 * path): tables are freed only with the VM, entries are read whole.
 *
 * Return: The number of entries read, up to the first that is not valid.
 */
u32 osprey_vm_walk(struct osprey_vm *vm, u64 va, u64 walk[3]);

/**
 * osprey_vm_va_readonly() - Whether a mapping is read-only
 * @va: A mapping of an Osprey VM.
 *
 * Return: true for a read-only mapping.
 */
bool osprey_vm_va_readonly(const struct drm_gpuva *va);

int osprey_ioctl_vm_create(struct drm_device *drm, void *data, struct drm_file *file);
int osprey_ioctl_vm_destroy(struct drm_device *drm, void *data, struct drm_file *file);
int osprey_ioctl_vm_bind(struct drm_device *drm, void *data, struct drm_file *file);

/* The engine (osprey_engine.c) */

/**
 * osprey_engine_init() - Set up engine 0: ring, scheduler, interrupts
 * @odev: The device, being probed, its interrupt requested.
 *
 * Return: 0 or a negative errno.
 */
int osprey_engine_init(struct osprey_device *odev);

/**
 * osprey_engine_module_exit() - Free the schedulers of released devices
 *
 * Called when the module goes, after the driver is unregistered.
 */
void osprey_engine_module_exit(void);

/**
 * osprey_engine_irq() - Handle the engine's interrupt events
 * @odev: The device.
 * @status: The IRQ_STATUS bits read (and cleared) by the handler.
 *
 * Runs in hard interrupt context.
 */
void osprey_engine_irq(struct osprey_device *odev, u32 status);

/**
 * osprey_engine_unplug() - Stop the engine for good at remove
 * @odev: The device, already unplugged from the DRM core.
 *
 * Resets the engine, fails every job it had with -ENODEV and waits for the
 * scheduler to free them.
 */
void osprey_engine_unplug(struct osprey_device *odev);

/**
 * osprey_engine_vm_gone() - Release the slot of a VM being freed
 * @odev: The device.
 * @vm: The VM; none of its jobs is left.
 */
void osprey_engine_vm_gone(struct osprey_device *odev, struct osprey_vm *vm);

/**
 * osprey_engine_invalidate() - Invalidate the TLB of a VM's slot, if any
 * @odev: The device.
 * @vm: The VM whose page tables changed.
 */
void osprey_engine_invalidate(struct osprey_device *odev, struct osprey_vm *vm);

/**
 * osprey_engine_capture() - Take a manual coredump
 * @odev: The device.
 *
 * Halts the engine, captures its state with reason ``manual`` and lets it
 * go on; the dump is formatted in the background.
 *
 * Return: 0, or -ENODEV once the device is unplugged.
 */
int osprey_engine_capture(struct osprey_device *odev);

/**
 * osprey_engine_hang_limit() - The ``hang_limit`` module parameter
 *
 * Return: Guilty resets after which a queue is banned; 0: never.
 */
u32 osprey_engine_hang_limit(void);

/**
 * osprey_engine_debugfs_register() - Add job_count and last_fault
 * @odev: The device, not yet registered with the DRM core.
 */
void osprey_engine_debugfs_register(struct osprey_device *odev);

/* Queues and jobs (osprey_job.c) */

/**
 * osprey_job_file_fini() - Destroy the queues of a closing file
 * @ofile: The file.
 */
void osprey_job_file_fini(struct osprey_file *ofile);

/**
 * osprey_job_free() - Free a job once the scheduler is done with it
 * @job: The job; its fences have signalled or it never ran.
 *
 * Drops the job's VM reference. Called from the scheduler's free_job(),
 * where sleeping is allowed.
 */
void osprey_job_free(struct osprey_job *job);

int osprey_ioctl_queue_create(struct drm_device *drm, void *data, struct drm_file *file);
int osprey_ioctl_queue_destroy(struct drm_device *drm, void *data, struct drm_file *file);
int osprey_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file);
int osprey_ioctl_queue_get_state(struct drm_device *drm, void *data, struct drm_file *file);

/**
 * osprey_queue_state_put() - Drop a reference on a queue's state
 * @qstate: The state.
 */
void osprey_queue_state_put(struct osprey_queue_state *qstate);

/**
 * osprey_debugfs_register() - Add the device's debugfs files
 * @odev: The device, not yet registered with the DRM core.
 */
void osprey_debugfs_register(struct osprey_device *odev);

/* Kernel-owned VMs (osprey_vm.c) */

/**
 * osprey_vm_create_kernel() - Create a VM no file owns
 * @odev: The device.
 * @name: What coredumps call its owner.
 * @start: Lowest VA osprey_vm_kernel_map() will hand out.
 * @end: End of the VAs it will hand out.
 *
 * Makes the L1 tables of [@start, @end) at once; L2 tables come and go
 * with the mappings. The VM has no &drm_gpuvm (its &osprey_vm.base is
 * unused) and is not reference-counted.
 *
 * Return: The VM, to free with osprey_vm_destroy_kernel(), or an ERR_PTR.
 */
struct osprey_vm *osprey_vm_create_kernel(struct osprey_device *odev,
					  const char *name, u64 start, u64 end);

/**
 * osprey_vm_destroy_kernel() - Free a kernel-owned VM
 * @vm: The VM, nothing mapped in it any more.
 */
void osprey_vm_destroy_kernel(struct osprey_vm *vm);

/**
 * osprey_vm_kernel_map() - Map a whole buffer in a kernel-owned VM
 * @vm: The VM.
 * @mm: The allocator of the VM's addresses; protected by @vm's lock.
 * @obj: An Osprey buffer (shmem or imported). The caller keeps a
 *	reference until osprey_vm_kernel_unmap().
 * @writable: Whether the GPU may write the pages.
 * @node: Zeroed; gets the VA range: the buffer's size rounded up to whole
 *	L2 tables (2 MiB), so aligned.
 *
 * Pins the pages (for the buffer's lifetime), makes the range's L2 tables
 * and writes the entries. The caller invalidates the TLB of the address
 * space.
 *
 * Return: 0, -ENOSPC when no range is free, -ENOMEM, -ENOENT for an
 * object of no Osprey buffer type, or the pinning's error.
 */
int osprey_vm_kernel_map(struct osprey_vm *vm, struct drm_mm *mm,
			 struct drm_gem_object *obj, bool writable,
			 struct drm_mm_node *node);

/**
 * osprey_vm_kernel_unmap() - Undo osprey_vm_kernel_map()
 * @vm: The VM.
 * @node: The range; removed from its allocator.
 *
 * Frees the range's L2 tables, clearing the entries that pointed to them;
 * the hardware must no longer read the range. The caller invalidates the
 * TLB.
 */
void osprey_vm_kernel_unmap(struct osprey_vm *vm, struct drm_mm_node *node);

/* The display (osprey_kms.c, osprey_crtc.c, osprey_plane.c, osprey_connector.c) */

/**
 * osprey_pipe_read() - Read a register of a display pipe
 * @pipe: The pipe.
 * @offset: Offset in the pipe's block (OSPREY_PIPE_*).
 *
 * Return: The register's value.
 */
static inline u32 osprey_pipe_read(const struct osprey_pipe *pipe, u32 offset)
{
	return osprey_read(pipe->odev, OSPREY_DISP_PIPE(pipe->index) + offset);
}

/**
 * osprey_pipe_write() - Write a register of a display pipe
 * @pipe: The pipe.
 * @offset: Offset in the pipe's block (OSPREY_PIPE_*).
 * @value: Value to write.
 */
static inline void osprey_pipe_write(const struct osprey_pipe *pipe, u32 offset,
				     u32 value)
{
	osprey_write(pipe->odev, OSPREY_DISP_PIPE(pipe->index) + offset, value);
}

/**
 * to_osprey_pipe() - The pipe of a CRTC
 * @crtc: An Osprey CRTC.
 *
 * Return: The pipe.
 */
static inline struct osprey_pipe *to_osprey_pipe(struct drm_crtc *crtc)
{
	return container_of(crtc, struct osprey_pipe, crtc);
}

/**
 * to_osprey_plane_state() - The Osprey state of a plane state
 * @state: A plane state of an Osprey plane.
 *
 * Return: The state.
 */
static inline struct osprey_plane_state *
to_osprey_plane_state(struct drm_plane_state *state)
{
	return container_of(state, struct osprey_plane_state, base);
}

/**
 * osprey_display_init() - Set up the display controller at probe
 * @odev: The device, its engine set up, not yet registered.
 *
 * Reads the display's limits, calibrates the TIMESTAMP clock, creates the
 * display address space, the mode configuration and every pipe's KMS
 * objects, and enables the display's interrupts. Without FEATURES.DISPLAY
 * the mode configuration is empty. What it sets up is released with the
 * DRM device.
 *
 * Return: 0 or a negative errno.
 */
int osprey_display_init(struct osprey_device *odev);

/**
 * osprey_display_register() - Start the in-kernel display clients
 * @odev: The device, just registered with the DRM core.
 *
 * Sets up fbdev emulation (drm_client_setup(); osprey_fbdev_probe()).
 */
void osprey_display_register(struct osprey_device *odev);

/**
 * osprey_fbdev_probe() - Make the fbdev emulation's framebuffer
 * @helper: The fbdev client's helper; its &drm_fb_helper.info is allocated.
 * @sizes: The surface the fbdev client asks for.
 *
 * &drm_driver.fbdev_probe (osprey_fbdev.c): a vmapped Osprey buffer as
 * system-memory screen, mmap() of the buffer object itself, no deferred
 * I/O. Only built with CONFIG_DRM_FBDEV_EMULATION.
 *
 * Return: 0 or a negative errno.
 */
int osprey_fbdev_probe(struct drm_fb_helper *helper,
		       struct drm_fb_helper_surface_size *sizes);

/**
 * osprey_display_shutdown() - Turn every pipe off
 * @odev: The device, still registered.
 *
 * drm_atomic_helper_shutdown(): planes and CRTCs off, vblank off. For
 * remove (before drm_dev_unplug()) and the platform device's shutdown.
 */
void osprey_display_shutdown(struct osprey_device *odev);

/**
 * osprey_display_unplug() - Stop the display for good at remove
 * @odev: The device, just unplugged from the DRM core.
 *
 * Shuts the pipes down again in software (a commit may have raced with
 * osprey_display_shutdown()), then, through the registers, disables every
 * pipe and the display address space and masks the display interrupts,
 * and waits for the interrupt handler and the display's work items. Runs
 * before osprey_engine_unplug().
 */
void osprey_display_unplug(struct osprey_device *odev);

/**
 * osprey_display_irq() - Handle the display's interrupt events
 * @odev: The device.
 * @status: The IRQ_STATUS bits read (and cleared) by the handler.
 *
 * Runs in hard interrupt context.
 */
void osprey_display_irq(struct osprey_device *odev, u32 status);

/**
 * osprey_display_debugfs_register() - Add the ``display`` debugfs file
 * @odev: The device, not yet registered with the DRM core.
 */
void osprey_display_debugfs_register(struct osprey_device *odev);

/**
 * osprey_display_crc_history() - The last CRCs of a pipe
 * @odev: The device.
 * @pipe: The pipe.
 * @crcs: Gets the CRCs, newest first.
 * @frames: Gets the hardware frame (CRC_FRAME) of each.
 * @max: Room in @crcs and @frames.
 *
 * Callable from any context, a spinlock inside.
 *
 * Return: How many were written: at most @max and %OSPREY_CRC_HISTORY; 0
 * for a pipe the device does not have.
 */
unsigned int osprey_display_crc_history(struct osprey_device *odev,
					unsigned int pipe, u32 *crcs,
					u32 *frames, unsigned int max);

/**
 * osprey_display_irq_enable() - Enable or disable display interrupts
 * @odev: The device.
 * @bits: OSPREY_IRQ_* bits of the display.
 * @enable: Set them in IRQ_MASK, or clear them.
 *
 * Any context. Does nothing once remove has begun.
 */
void osprey_display_irq_enable(struct osprey_device *odev, u32 bits, bool enable);

/**
 * osprey_scanout_create() - Map a buffer in the display address space
 * @pipe: The pipe that will use it.
 * @obj: The buffer.
 * @writable: For the writeback unit.
 *
 * Return: The mapping with one reference, or an ERR_PTR.
 */
struct osprey_scanout *osprey_scanout_create(struct osprey_pipe *pipe,
					     struct drm_gem_object *obj,
					     bool writable);

/**
 * osprey_scanout_get() - Take a reference on a mapping
 * @s: The mapping.
 *
 * Return: @s.
 */
struct osprey_scanout *osprey_scanout_get(struct osprey_scanout *s);

/**
 * osprey_scanout_put() - Drop a reference on a mapping
 * @s: The mapping, or NULL.
 *
 * The last reference retires the mapping: it is unmapped once its pipe
 * has started two more frames, at once if the pipe is off. Process
 * context.
 */
void osprey_scanout_put(struct osprey_scanout *s);

/**
 * osprey_pipe_set_scanning() - Say whether a pipe may read memory
 * @pipe: The pipe.
 * @scanning: true from the CRTC's enable on; false once it stopped, which
 *	unmaps every retired mapping of the pipe.
 *
 * Process context.
 */
void osprey_pipe_set_scanning(struct osprey_pipe *pipe, bool scanning);

/**
 * osprey_crtc_init() - Create a pipe's CRTC
 * @pipe: The pipe, its planes created.
 *
 * Return: 0 or a negative errno.
 */
int osprey_crtc_init(struct osprey_pipe *pipe);

/**
 * osprey_crtc_vblank_irq() - Handle a pipe's VBLANK interrupt
 * @pipe: The pipe.
 *
 * Counts the vblank, sends the event of a latched flush, wakes the
 * retirement of mappings. Hard interrupt context.
 */
void osprey_crtc_vblank_irq(struct osprey_pipe *pipe);

/**
 * osprey_crtc_crc_irq() - Handle a pipe's CRC interrupt
 * @pipe: The pipe.
 *
 * Hard interrupt context.
 */
void osprey_crtc_crc_irq(struct osprey_pipe *pipe);

/**
 * osprey_display_mode_valid() - Whether the pipes can run a mode
 * @odev: The device.
 * @mode: The mode.
 *
 * Return: MODE_OK, or why not.
 */
enum drm_mode_status osprey_display_mode_valid(const struct osprey_device *odev,
					       const struct drm_display_mode *mode);

/**
 * osprey_planes_init() - Create a pipe's primary, overlay and cursor planes
 * @pipe: The pipe.
 *
 * Return: 0 or a negative errno.
 */
int osprey_planes_init(struct osprey_pipe *pipe);

/**
 * osprey_connector_init() - Create a pipe's connectors and encoders
 * @pipe: The pipe, its CRTC created.
 *
 * The monitor's connector and encoder, and the writeback connector.
 *
 * Return: 0 or a negative errno.
 */
int osprey_connector_init(struct osprey_pipe *pipe);

/**
 * osprey_writeback_irq() - Handle a pipe's WB_DONE interrupt
 * @pipe: The pipe.
 *
 * Hard interrupt context.
 */
void osprey_writeback_irq(struct osprey_pipe *pipe);

/**
 * osprey_writeback_cancel() - End a stopped pipe's writeback job
 * @pipe: The pipe, whose timing stopped.
 *
 * Waits a little for a job the last frame may still complete, then
 * signals it with -ETIMEDOUT. Process context.
 */
void osprey_writeback_cancel(struct osprey_pipe *pipe);

#endif /* _OSPREY_DRV_H_ */
