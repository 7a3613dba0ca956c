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
 *   -ENOENT; a device that has been unplugged gives -ENODEV.
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
 * finished: every fence in the object's reservation object has signalled.
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

#if defined(__cplusplus)
}
#endif

#endif /* _OSPREY_DRM_H_ */
