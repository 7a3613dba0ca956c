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
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_gpuvm.h>
#include <drm/gpu_scheduler.h>

#include "osprey_coredump.h"
#include "osprey_drm.h"
#include "osprey_hw.h"
#include "osprey_isa.h"
#include "typed_gem.h"

struct drm_file;
struct drm_gpuva;
struct drm_mode_create_dumb;
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

#endif /* _OSPREY_DRV_H_ */
