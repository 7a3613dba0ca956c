/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The Osprey authors */
#ifndef _OSPREY_DRM_H_
#define _OSPREY_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: Introduction
 *
 * The Osprey ioctls are the whole interface between a userspace driver and
 * the Osprey kernel driver. They are reached through the device's render node
 * (``/dev/dri/renderD*``) or its primary node (``/dev/dri/card*``); every
 * Osprey ioctl is allowed on both.
 *
 * The rules every structure and ioctl in this file follows, so that the ABI
 * can grow without breaking old userspace or old kernels:
 *
 * - The header is self-contained: it includes only ``drm.h`` and compiles on
 *   its own in C and C++.
 * - Structures have a size that is a multiple of 8 bytes and contain no
 *   implicit padding: every hole is an explicit ``pad`` field. The kernel
 *   checks that every pad field is zero and fails the ioctl with -EINVAL
 *   otherwise, so a pad field can later become a real field whose zero
 *   value means "the old behaviour".
 * - Pointers to userspace memory are passed as __u64, never as C pointers,
 *   so that 32-bit and 64-bit userspace share one layout.
 * - Flags fields reject unknown bits with -EINVAL. New flags are added,
 *   never removed or given a new meaning.
 * - Ioctl numbers are append-only: a new ioctl takes the next free number in
 *   &enum drm_osprey_ioctl_id; none is ever removed or renumbered.
 * - New fields are appended at the end of a structure or take the place of a
 *   pad field, and zero keeps the previous behaviour. The DRM core zero-fills
 *   the part of a structure an older userspace does not pass, and drops what
 *   a newer userspace passes beyond what the kernel knows; userspace learns
 *   what the kernel knows from the driver's minor version.
 * - Errors follow one convention across the driver: unknown flags, non-zero
 *   padding and out-of-range values give -EINVAL; an unreadable or
 *   unwritable user pointer gives -EFAULT; a handle that names nothing gives
 *   -ENOENT; a device that has been unplugged gives -ENODEV. Beyond these:
 *   -EEXIST for a GPU range already mapped, -ENOSPC when a per-file limit
 *   is reached, -EACCES for a privilege the caller lacks; each structure's
 *   documentation lists its errors.
 */

/**
 * enum drm_osprey_ioctl_id - Osprey ioctl numbers
 *
 * Append-only: place new ioctls at the end, never reorder or reuse a number.
 * Use the DRM_IOCTL_OSPREY_* definitions rather than these values directly.
 */
enum drm_osprey_ioctl_id {
	/** @DRM_OSPREY_GET_PARAM: Read one device parameter. */
	DRM_OSPREY_GET_PARAM = 0,

	/** @DRM_OSPREY_GEM_CREATE: Create a buffer object. */
	DRM_OSPREY_GEM_CREATE = 1,

	/** @DRM_OSPREY_GEM_MMAP_OFFSET: Get the offset to mmap() a buffer at. */
	DRM_OSPREY_GEM_MMAP_OFFSET = 2,

	/** @DRM_OSPREY_GEM_INFO: Describe a buffer object. */
	DRM_OSPREY_GEM_INFO = 3,

	/** @DRM_OSPREY_GEM_SET_LABEL: Give a buffer object a debug name. */
	DRM_OSPREY_GEM_SET_LABEL = 4,

	/** @DRM_OSPREY_GEM_WAIT: Wait for a buffer object to be idle. */
	DRM_OSPREY_GEM_WAIT = 5,

	/** @DRM_OSPREY_VM_CREATE: Create a GPU address space. */
	DRM_OSPREY_VM_CREATE = 6,

	/** @DRM_OSPREY_VM_DESTROY: Destroy a GPU address space. */
	DRM_OSPREY_VM_DESTROY = 7,

	/** @DRM_OSPREY_VM_BIND: Map or unmap a buffer range in an address space. */
	DRM_OSPREY_VM_BIND = 8,

	/** @DRM_OSPREY_QUEUE_CREATE: Create a job queue. */
	DRM_OSPREY_QUEUE_CREATE = 9,

	/** @DRM_OSPREY_QUEUE_DESTROY: Destroy a job queue. */
	DRM_OSPREY_QUEUE_DESTROY = 10,

	/** @DRM_OSPREY_SUBMIT: Queue a batch for execution. */
	DRM_OSPREY_SUBMIT = 11,

	/** @DRM_OSPREY_QUEUE_GET_STATE: Read a queue's reset and ban state. */
	DRM_OSPREY_QUEUE_GET_STATE = 12,
};

/**
 * enum drm_osprey_param - Parameters readable with %DRM_IOCTL_OSPREY_GET_PARAM
 *
 * Append-only, like the ioctl numbers. An unknown parameter gives -EINVAL,
 * which is how userspace learns that the kernel is older than it.
 */
enum drm_osprey_param {
	/**
	 * @DRM_OSPREY_PARAM_GPU_MODEL: Model number of the GPU, as read from
	 * its MODEL register (0x0001 for the first Osprey design).
	 */
	DRM_OSPREY_PARAM_GPU_MODEL = 0,

	/**
	 * @DRM_OSPREY_PARAM_GPU_REVISION: Hardware revision: the major
	 * revision in bits 15:8 and the minor revision in bits 7:0.
	 */
	DRM_OSPREY_PARAM_GPU_REVISION = 1,

	/**
	 * @DRM_OSPREY_PARAM_GPU_FEATURES: Feature bits of the GPU, a mask of
	 * DRM_OSPREY_FEATURE_* values. Bits the kernel does not know are
	 * reported as they are read from the hardware.
	 */
	DRM_OSPREY_PARAM_GPU_FEATURES = 2,

	/**
	 * @DRM_OSPREY_PARAM_NUM_ENGINES: Number of command engines the GPU
	 * has.
	 */
	DRM_OSPREY_PARAM_NUM_ENGINES = 3,

	/**
	 * @DRM_OSPREY_PARAM_MAX_BO_SIZE: Largest size, in bytes, that
	 * %DRM_IOCTL_OSPREY_GEM_CREATE accepts (the ``max_bo_size`` module
	 * parameter, a page multiple).
	 */
	DRM_OSPREY_PARAM_MAX_BO_SIZE = 4,

	/**
	 * @DRM_OSPREY_PARAM_MAX_LABEL_SIZE: Largest
	 * &drm_osprey_gem_set_label.size, NUL included.
	 */
	DRM_OSPREY_PARAM_MAX_LABEL_SIZE = 5,

	/**
	 * @DRM_OSPREY_PARAM_VA_START: Lowest GPU virtual address
	 * %DRM_IOCTL_OSPREY_VM_BIND maps at. The pages below it are never
	 * mapped, so that a batch dereferencing a small integer faults.
	 */
	DRM_OSPREY_PARAM_VA_START = 6,

	/**
	 * @DRM_OSPREY_PARAM_VA_END: End (exclusive) of the GPU virtual
	 * address range %DRM_IOCTL_OSPREY_VM_BIND maps in.
	 */
	DRM_OSPREY_PARAM_VA_END = 7,

	/**
	 * @DRM_OSPREY_PARAM_MAX_BATCH_SIZE: Largest
	 * &drm_osprey_submit.batch_size, in bytes.
	 */
	DRM_OSPREY_PARAM_MAX_BATCH_SIZE = 8,

	/**
	 * @DRM_OSPREY_PARAM_MAX_SYNCS: Largest
	 * &drm_osprey_submit.in_sync_count and
	 * &drm_osprey_submit.out_sync_count.
	 */
	DRM_OSPREY_PARAM_MAX_SYNCS = 9,

	/**
	 * @DRM_OSPREY_PARAM_MAX_VMS: How many address spaces a file may
	 * create with %DRM_IOCTL_OSPREY_VM_CREATE (its default one aside).
	 */
	DRM_OSPREY_PARAM_MAX_VMS = 10,

	/** @DRM_OSPREY_PARAM_MAX_QUEUES: How many queues a file may have. */
	DRM_OSPREY_PARAM_MAX_QUEUES = 11,
};

/*
 * Feature bits reported in DRM_OSPREY_PARAM_GPU_FEATURES. They describe the
 * hardware; a bit being set does not mean the kernel driver uses the feature.
 */

/** DRM_OSPREY_FEATURE_MMU: the GPU translates addresses through an MMU. */
#define DRM_OSPREY_FEATURE_MMU		0x00000001u
/** DRM_OSPREY_FEATURE_TIMESTAMP: the GPU has a free-running timestamp. */
#define DRM_OSPREY_FEATURE_TIMESTAMP	0x00000002u

/**
 * struct drm_osprey_get_param - Argument of %DRM_IOCTL_OSPREY_GET_PARAM
 */
struct drm_osprey_get_param {
	/** @param: In: the parameter to read, one of &enum drm_osprey_param. */
	__u32 param;

	/** @pad: MBZ. */
	__u32 pad;

	/** @value: Out: the parameter's value. */
	__u64 value;
};

/**
 * DOC: Buffer objects
 *
 * Buffer objects (BOs) are GEM objects backed by shmem pages. They are
 * created with %DRM_IOCTL_OSPREY_GEM_CREATE or the DRM core's dumb-buffer
 * ioctls (primary node), closed with the core's %DRM_IOCTL_GEM_CLOSE, shared
 * with the core's PRIME ioctls, and mapped into the CPU with mmap() at the
 * offset %DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET returns. A dma-buf imported from
 * another driver becomes a BO too; it has no pages of its own and is mapped
 * through the exporter.
 *
 * A BO lives while a handle, a mapping, an exported dma-buf or a job refers
 * to it. Its memory use shows in the file's fdinfo (drm-total-memory,
 * drm-shared-memory, drm-resident-memory).
 */

/**
 * struct drm_osprey_gem_create - Argument of %DRM_IOCTL_OSPREY_GEM_CREATE
 *
 * Errors: -EINVAL for a size of zero, a size above
 * %DRM_OSPREY_PARAM_MAX_BO_SIZE (after rounding up to a page) or one that
 * overflows when rounded up, for unknown flags or a non-zero pad; -ENOMEM
 * when memory runs out.
 */
struct drm_osprey_gem_create {
	/**
	 * @size: In: the size wanted, in bytes. Out: the size allocated, @size
	 * rounded up to a whole number of pages.
	 */
	__u64 size;

	/** @flags: In: MBZ; no flags are defined yet. */
	__u32 flags;

	/** @handle: Out: the new object's handle. */
	__u32 handle;
};

/**
 * struct drm_osprey_gem_mmap_offset - Argument of
 * %DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET
 *
 * mmap() the DRM file at @offset with a length of at most the object's
 * size. In mmap(): a length beyond the object fails with -EINVAL, an offset
 * no object has with -EINVAL, and the offset of an object this file has no
 * handle for with -EACCES. Errors of the ioctl: -ENOENT for an unknown
 * handle; -EINVAL for a non-zero pad.
 */
struct drm_osprey_gem_mmap_offset {
	/** @handle: In: the object. */
	__u32 handle;

	/** @pad: MBZ. */
	__u32 pad;

	/** @offset: Out: the fake offset to pass to mmap(). */
	__u64 offset;
};

/** DRM_OSPREY_GEM_INFO_IMPORTED: the object is a dma-buf imported from elsewhere. */
#define DRM_OSPREY_GEM_INFO_IMPORTED	0x00000001u
/** DRM_OSPREY_GEM_INFO_EXPORTED: the object has been exported as a dma-buf. */
#define DRM_OSPREY_GEM_INFO_EXPORTED	0x00000002u

/**
 * struct drm_osprey_gem_info - Argument of %DRM_IOCTL_OSPREY_GEM_INFO
 *
 * Errors: -ENOENT for an unknown handle; -EINVAL for a non-zero pad.
 */
struct drm_osprey_gem_info {
	/** @handle: In: the object. */
	__u32 handle;

	/** @pad: MBZ. */
	__u32 pad;

	/** @size: Out: the object's size in bytes. */
	__u64 size;

	/** @create_flags: Out: the flags the object was created with. */
	__u32 create_flags;

	/** @info: Out: DRM_OSPREY_GEM_INFO_* bits. */
	__u32 info;
};

/** DRM_OSPREY_MAX_LABEL_SIZE: the largest label, NUL included. */
#define DRM_OSPREY_MAX_LABEL_SIZE	64

/**
 * struct drm_osprey_gem_set_label - Argument of %DRM_IOCTL_OSPREY_GEM_SET_LABEL
 *
 * Labels name objects in debugfs and in GPU coredumps. They are for people
 * debugging; nothing else reads them.
 *
 * Errors: -ENOENT for an unknown handle; -EINVAL for a @size above
 * %DRM_OSPREY_MAX_LABEL_SIZE, a @size of zero with a non-zero @label (or
 * the reverse), a label with no NUL within @size bytes, or a non-zero pad;
 * -EFAULT when @label cannot be read.
 */
struct drm_osprey_gem_set_label {
	/** @handle: In: the object. */
	__u32 handle;

	/**
	 * @size: In: bytes at @label, the terminating NUL included; 0 with a
	 * @label of 0 removes the label.
	 */
	__u32 size;

	/** @label: In: pointer to the NUL-terminated label. */
	__u64 label;
};

/**
 * struct drm_osprey_gem_wait - Argument of %DRM_IOCTL_OSPREY_GEM_WAIT
 *
 * Waits until every job that uses the object, for reading or writing, has
 * finished: every fence in the object's own reservation object has
 * signalled. Every job adds its fence there for every buffer mapped in its
 * VM (see "Queues and jobs"), so this waits for the jobs of every VM the
 * buffer is mapped in, and for other drivers' work on an imported buffer.
 * Returns 0 once idle, -ETIMEDOUT if it is still busy at @timeout_ns (a
 * @timeout_ns in the past only polls), -EINTR or -ERESTARTSYS when a signal
 * interrupts the wait. Errors: -ENOENT for an unknown handle; -EINVAL for
 * unknown flags or a non-zero pad.
 */
struct drm_osprey_gem_wait {
	/** @handle: In: the object. */
	__u32 handle;

	/** @flags: In: MBZ; no flags are defined yet. */
	__u32 flags;

	/**
	 * @timeout_ns: In: absolute CLOCK_MONOTONIC time, in nanoseconds, at
	 * which to give up.
	 */
	__s64 timeout_ns;
};

/**
 * DOC: GPU address spaces
 *
 * Batches run in a GPU virtual address space (a VM). Every file has a
 * default VM, named %DRM_OSPREY_VM_DEFAULT, from the moment it is opened;
 * %DRM_IOCTL_OSPREY_VM_CREATE makes more, up to
 * %DRM_OSPREY_PARAM_MAX_VMS. VM ids are per file.
 *
 * %DRM_IOCTL_OSPREY_VM_BIND maps a page-aligned range of a buffer object at
 * a page-aligned GPU virtual address inside
 * [%DRM_OSPREY_PARAM_VA_START, %DRM_OSPREY_PARAM_VA_END), or unmaps a
 * range. Binds are synchronous: when the ioctl returns, the GPU sees the new
 * mapping. An unmap first waits for the jobs already submitted in the VM to
 * finish, so that the GPU never touches pages the mapping no longer holds;
 * an unmap can therefore block as long as a job runs (a hung job until the
 * driver's timeout resets it).
 *
 * A mapping holds a reference on its buffer object: the buffer's memory
 * lives until the mapping is gone, even if every handle is closed.
 * Destroying a VM drops its id; the VM itself, with its mappings, lives
 * until the last queue and the last job that use it are gone.
 *
 * A job that accesses a VA with no mapping, or writes through a read-only
 * mapping, faults: its fence completes with -EFAULT (see
 * %DRM_IOCTL_OSPREY_SUBMIT). No other file's memory can be reached from a
 * VM: only what has been bound in it.
 */

/** DRM_OSPREY_VM_DEFAULT: the VM id of a file's default address space. */
#define DRM_OSPREY_VM_DEFAULT		0

/**
 * struct drm_osprey_vm_create - Argument of %DRM_IOCTL_OSPREY_VM_CREATE
 *
 * Errors: -EINVAL for unknown flags; -ENOSPC when the file already has
 * %DRM_OSPREY_PARAM_MAX_VMS VMs; -ENOMEM.
 */
struct drm_osprey_vm_create {
	/** @flags: In: MBZ; no flags are defined yet. */
	__u32 flags;

	/** @vm_id: Out: the new VM's id, never %DRM_OSPREY_VM_DEFAULT. */
	__u32 vm_id;
};

/**
 * struct drm_osprey_vm_destroy - Argument of %DRM_IOCTL_OSPREY_VM_DESTROY
 *
 * Errors: -ENOENT for an id that names no VM of the file; -EINVAL for
 * %DRM_OSPREY_VM_DEFAULT (it lives as long as the file) or a non-zero pad.
 */
struct drm_osprey_vm_destroy {
	/** @vm_id: In: the VM. */
	__u32 vm_id;

	/** @pad: MBZ. */
	__u32 pad;
};

/** DRM_OSPREY_VM_BIND_OP_MAP: map a buffer range. */
#define DRM_OSPREY_VM_BIND_OP_MAP	0
/** DRM_OSPREY_VM_BIND_OP_UNMAP: unmap an address range. */
#define DRM_OSPREY_VM_BIND_OP_UNMAP	1

/** DRM_OSPREY_VM_BIND_READONLY: (MAP) the GPU may read but not write. */
#define DRM_OSPREY_VM_BIND_READONLY	0x00000001u

/**
 * struct drm_osprey_vm_bind - Argument of %DRM_IOCTL_OSPREY_VM_BIND
 *
 * %DRM_OSPREY_VM_BIND_OP_MAP maps @size bytes of buffer @handle, from
 * @bo_offset, at @va. The range must be free: a map never replaces a
 * mapping. %DRM_OSPREY_VM_BIND_OP_UNMAP unmaps [@va, @va + @size), which
 * must be entirely mapped (by one mapping or several); a mapping that
 * straddles an end of the range is split and keeps its other part.
 *
 * Errors, with nothing changed:
 *
 * - -EINVAL: an unknown @op or flag; @va, @size or @bo_offset not a
 *   multiple of 4096; @size of zero; a range that overflows or leaves
 *   [%DRM_OSPREY_PARAM_VA_START, %DRM_OSPREY_PARAM_VA_END); a buffer range
 *   beyond the buffer's size; for an unmap, a non-zero @handle,
 *   @bo_offset or @flags;
 * - -ENOENT: @vm_id or @handle names nothing; an unmap of a range with an
 *   unmapped page in it;
 * - -EEXIST: a map over a range where something is mapped;
 * - -ENOMEM: no memory for page tables;
 * - -EINTR or -ERESTARTSYS: a signal interrupted an unmap's wait.
 */
struct drm_osprey_vm_bind {
	/** @vm_id: In: the VM. */
	__u32 vm_id;

	/** @op: In: %DRM_OSPREY_VM_BIND_OP_MAP or %DRM_OSPREY_VM_BIND_OP_UNMAP. */
	__u32 op;

	/** @flags: In: DRM_OSPREY_VM_BIND_* flags. */
	__u32 flags;

	/** @handle: In: (MAP) the buffer object; 0 for an unmap. */
	__u32 handle;

	/** @bo_offset: In: (MAP) byte offset into the buffer. */
	__u64 bo_offset;

	/** @va: In: GPU virtual address of the range. */
	__u64 va;

	/** @size: In: length of the range in bytes. */
	__u64 size;
};

/**
 * DOC: Queues and jobs
 *
 * A queue runs jobs in a VM in submission order. Jobs of different queues
 * are independent unless syncobjs order them; the scheduler picks among
 * ready queues by priority. A job is a batch: instructions at a GPU virtual
 * address (docs/gpu-model.md lists them), run until END or the end of the
 * batch.
 *
 * Each job has one fence. %DRM_IOCTL_OSPREY_SUBMIT installs it in the
 * out-syncobjs and adds it to the reservation object of every buffer mapped
 * in the job's VM (as a write), which is what %DRM_IOCTL_OSPREY_GEM_WAIT and
 * other drivers' implicit synchronisation wait on. The fence completes with
 * an error when the job does not complete normally; userspace reads it
 * from a sync_file exported from an out-syncobj (``SYNC_IOC_FILE_INFO``):
 *
 * - -EFAULT: the batch accessed an unmapped address or wrote a read-only
 *   one (the ioctl does not check that the batch is mapped: such a job
 *   faults on its first fetch);
 * - -EINVAL: the batch held an invalid instruction;
 * - -ETIMEDOUT: the job ran longer than the driver's timeout (``timeout_ms``
 *   module parameter) and the engine was reset;
 * - -ESRCH: the job had not run when its queue was destroyed or its file
 *   closed;
 * - -ENODEV: the device was unplugged;
 * - -ECANCELED: the job had not been handed to the engine when its queue
 *   was banned (see below);
 * - -EIO: the engine reported an error the driver did not expect (a ring
 *   packet it could not decode: a driver bug).
 *
 * A failed dependency does not cancel a job: it runs once its in-syncs have
 * signalled, with an error or not.
 *
 * Hangs and resets: a timeout resets the whole engine. The job that was
 * running is *guilty*; the jobs that were already on the engine behind it
 * are written to the engine again and complete normally, and their queues,
 * other than the guilty one, are *innocent*. A queue whose jobs were guilty
 * of ``hang_limit`` (module parameter, default 3) hangs is *banned*:
 * %DRM_IOCTL_OSPREY_SUBMIT on it fails with -EIO and its jobs not yet
 * handed to the engine complete with -ECANCELED; those already on the
 * engine behind the hung one run again like any others. Faults and invalid
 * instructions are the job's own errors, not hangs: they neither reset the
 * engine nor count towards a ban.
 * %DRM_IOCTL_OSPREY_QUEUE_GET_STATE reads these counts, in the manner of
 * GL_ARB_robustness's reset status. Every hang and fault also produces a
 * devcoredump (docs/coredump-format.md).
 *
 * The engine goes on with the next job after any of these. A job holds its
 * VM, and so every buffer mapped in it, until its fence has signalled.
 * Destroying a queue or closing the file lets the jobs already running
 * finish and cancels the ones that have not started.
 */

/** DRM_OSPREY_QUEUE_PRIORITY_NORMAL: the default priority. */
#define DRM_OSPREY_QUEUE_PRIORITY_NORMAL	0
/** DRM_OSPREY_QUEUE_PRIORITY_LOW: runs when no other queue is ready. */
#define DRM_OSPREY_QUEUE_PRIORITY_LOW		1
/** DRM_OSPREY_QUEUE_PRIORITY_HIGH: needs CAP_SYS_NICE or DRM master. */
#define DRM_OSPREY_QUEUE_PRIORITY_HIGH		2

/**
 * struct drm_osprey_queue_create - Argument of %DRM_IOCTL_OSPREY_QUEUE_CREATE
 *
 * Errors: -EINVAL for unknown flags or priority; -ENOENT for a @vm_id that
 * names no VM of the file; -EACCES for %DRM_OSPREY_QUEUE_PRIORITY_HIGH
 * without the privilege; -ENOSPC when the file already has
 * %DRM_OSPREY_PARAM_MAX_QUEUES queues; -ENOMEM.
 */
struct drm_osprey_queue_create {
	/** @vm_id: In: the VM the queue's jobs run in. */
	__u32 vm_id;

	/** @priority: In: DRM_OSPREY_QUEUE_PRIORITY_*. */
	__u32 priority;

	/** @flags: In: MBZ; no flags are defined yet. */
	__u32 flags;

	/** @queue_id: Out: the new queue's id, never 0. */
	__u32 queue_id;
};

/**
 * struct drm_osprey_queue_destroy - Argument of %DRM_IOCTL_OSPREY_QUEUE_DESTROY
 *
 * Jobs the engine has started finish; jobs that have not started are
 * cancelled: their fences complete with -ESRCH (once their in-syncs have
 * signalled). To have every submitted job run, wait for the last one's
 * out-sync before destroying the queue.
 *
 * Errors: -ENOENT for an id that names no queue of the file; -EINVAL for a
 * non-zero pad.
 */
struct drm_osprey_queue_destroy {
	/** @queue_id: In: the queue. */
	__u32 queue_id;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * struct drm_osprey_sync - A syncobj a job waits on or signals
 *
 * With @point 0, @handle is used as a binary syncobj: the job waits for its
 * current fence, or replaces its fence. With a non-zero @point it is a
 * timeline syncobj: the job waits for that point, or signals it (points
 * signalled must increase).
 */
struct drm_osprey_sync {
	/** @handle: The syncobj. */
	__u32 handle;

	/** @flags: MBZ; no flags are defined yet. */
	__u32 flags;

	/** @point: Timeline point, or 0 for a binary syncobj. */
	__u64 point;
};

/**
 * struct drm_osprey_submit - Argument of %DRM_IOCTL_OSPREY_SUBMIT
 *
 * Queues a job that runs @batch_size bytes of instructions at @batch_va in
 * the queue's VM, once every in-sync has signalled. The out-syncs get the
 * job's fence; the ioctl returns before the job runs.
 *
 * Errors, with nothing queued and no syncobj changed:
 *
 * - -EINVAL: unknown flags or sync flags, a non-zero pad; a @batch_size of
 *   zero, not a multiple of 4 or above %DRM_OSPREY_PARAM_MAX_BATCH_SIZE; a
 *   @batch_va not a multiple of 4 or a batch outside
 *   [%DRM_OSPREY_PARAM_VA_START, %DRM_OSPREY_PARAM_VA_END); a count above
 *   %DRM_OSPREY_PARAM_MAX_SYNCS; an in-sync with no fence (a binary
 *   syncobj never signalled, a timeline point never submitted); a non-zero
 *   point on a syncobj that holds a fence that is not a timeline point;
 * - -ENOENT: @queue_id names no queue; a syncobj handle names nothing;
 * - -EIO: the queue is banned (see "Queues and jobs");
 * - -EFAULT: @in_syncs or @out_syncs cannot be read;
 * - -ENOMEM.
 */
struct drm_osprey_submit {
	/** @queue_id: In: the queue. */
	__u32 queue_id;

	/** @flags: In: MBZ; no flags are defined yet. */
	__u32 flags;

	/** @batch_va: In: GPU virtual address of the first instruction. */
	__u64 batch_va;

	/** @batch_size: In: the batch's length in bytes. */
	__u32 batch_size;

	/** @pad: MBZ. */
	__u32 pad;

	/** @in_sync_count: In: entries at @in_syncs. */
	__u32 in_sync_count;

	/** @out_sync_count: In: entries at @out_syncs. */
	__u32 out_sync_count;

	/** @in_syncs: In: pointer to &struct drm_osprey_sync to wait on. */
	__u64 in_syncs;

	/** @out_syncs: In: pointer to &struct drm_osprey_sync to signal. */
	__u64 out_syncs;
};

/** DRM_OSPREY_QUEUE_STATE_GUILTY: a job of the queue caused a reset. */
#define DRM_OSPREY_QUEUE_STATE_GUILTY		0x00000001u
/**
 * DRM_OSPREY_QUEUE_STATE_INNOCENT: a job of the queue was on the engine at a
 * reset another queue caused.
 */
#define DRM_OSPREY_QUEUE_STATE_INNOCENT		0x00000002u
/** DRM_OSPREY_QUEUE_STATE_BANNED: the queue accepts no more jobs. */
#define DRM_OSPREY_QUEUE_STATE_BANNED		0x00000004u

/**
 * struct drm_osprey_queue_get_state - Argument of
 * %DRM_IOCTL_OSPREY_QUEUE_GET_STATE
 *
 * The counts cover the queue's whole life and never decrease: a client
 * that wants "since I last asked" keeps the previous values.
 *
 * Errors: -ENOENT for an id that names no queue of the file; -EINVAL for
 * non-zero @flags or @pad.
 */
struct drm_osprey_queue_get_state {
	/** @queue_id: In: the queue. */
	__u32 queue_id;

	/** @flags: In: MBZ; no flags are defined yet. */
	__u32 flags;

	/** @state: Out: DRM_OSPREY_QUEUE_STATE_* bits. */
	__u32 state;

	/** @guilty: Out: engine resets a job of this queue caused. */
	__u32 guilty;

	/**
	 * @innocent: Out: resets that found a job of this queue on the engine
	 * behind another queue's hung job.
	 */
	__u32 innocent;

	/** @faults: Out: jobs that ended with a fault or invalid instruction. */
	__u32 faults;

	/** @hang_limit: Out: guilty resets that ban a queue. */
	__u32 hang_limit;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * DOC: Ioctls
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_GET_PARAM
 *
 * Read one device parameter into &drm_osprey_get_param.value.
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_GEM_CREATE
 *
 * Create a buffer object, see &struct drm_osprey_gem_create.
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET
 *
 * Get a buffer object's mmap() offset, see &struct drm_osprey_gem_mmap_offset.
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_GEM_INFO
 *
 * Describe a buffer object, see &struct drm_osprey_gem_info.
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_GEM_SET_LABEL
 *
 * Label a buffer object, see &struct drm_osprey_gem_set_label.
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_GEM_WAIT
 *
 * Wait for a buffer object to be idle, see &struct drm_osprey_gem_wait.
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_VM_CREATE
 *
 * Create an address space, see &struct drm_osprey_vm_create.
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_VM_DESTROY
 *
 * Destroy an address space, see &struct drm_osprey_vm_destroy.
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_VM_BIND
 *
 * Map or unmap a range, see &struct drm_osprey_vm_bind.
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_QUEUE_CREATE
 *
 * Create a queue, see &struct drm_osprey_queue_create.
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_QUEUE_DESTROY
 *
 * Destroy a queue, see &struct drm_osprey_queue_destroy.
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_SUBMIT
 *
 * Queue a job, see &struct drm_osprey_submit.
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_QUEUE_GET_STATE
 *
 * Read a queue's resets and ban, see &struct drm_osprey_queue_get_state.
 */
#define DRM_IOCTL_OSPREY(dir, name, type) \
	DRM_IO##dir(DRM_COMMAND_BASE + DRM_OSPREY_##name, type)

#define DRM_IOCTL_OSPREY_GET_PARAM \
	DRM_IOCTL_OSPREY(WR, GET_PARAM, struct drm_osprey_get_param)
#define DRM_IOCTL_OSPREY_GEM_CREATE \
	DRM_IOCTL_OSPREY(WR, GEM_CREATE, struct drm_osprey_gem_create)
#define DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET \
	DRM_IOCTL_OSPREY(WR, GEM_MMAP_OFFSET, struct drm_osprey_gem_mmap_offset)
#define DRM_IOCTL_OSPREY_GEM_INFO \
	DRM_IOCTL_OSPREY(WR, GEM_INFO, struct drm_osprey_gem_info)
#define DRM_IOCTL_OSPREY_GEM_SET_LABEL \
	DRM_IOCTL_OSPREY(W, GEM_SET_LABEL, struct drm_osprey_gem_set_label)
#define DRM_IOCTL_OSPREY_GEM_WAIT \
	DRM_IOCTL_OSPREY(W, GEM_WAIT, struct drm_osprey_gem_wait)
#define DRM_IOCTL_OSPREY_VM_CREATE \
	DRM_IOCTL_OSPREY(WR, VM_CREATE, struct drm_osprey_vm_create)
#define DRM_IOCTL_OSPREY_VM_DESTROY \
	DRM_IOCTL_OSPREY(W, VM_DESTROY, struct drm_osprey_vm_destroy)
#define DRM_IOCTL_OSPREY_VM_BIND \
	DRM_IOCTL_OSPREY(W, VM_BIND, struct drm_osprey_vm_bind)
#define DRM_IOCTL_OSPREY_QUEUE_CREATE \
	DRM_IOCTL_OSPREY(WR, QUEUE_CREATE, struct drm_osprey_queue_create)
#define DRM_IOCTL_OSPREY_QUEUE_DESTROY \
	DRM_IOCTL_OSPREY(W, QUEUE_DESTROY, struct drm_osprey_queue_destroy)
#define DRM_IOCTL_OSPREY_SUBMIT \
	DRM_IOCTL_OSPREY(W, SUBMIT, struct drm_osprey_submit)
#define DRM_IOCTL_OSPREY_QUEUE_GET_STATE \
	DRM_IOCTL_OSPREY(WR, QUEUE_GET_STATE, struct drm_osprey_queue_get_state)

#if defined(__cplusplus)
}
#endif

#endif /* _OSPREY_DRM_H_ */
