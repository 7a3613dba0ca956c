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
 * DOC: Ioctls
 *
 * .. c:macro:: DRM_IOCTL_OSPREY_GET_PARAM
 *
 * Read one device parameter into &drm_osprey_get_param.value.
 */
#define DRM_IOCTL_OSPREY(dir, name, type) \
	DRM_IO##dir(DRM_COMMAND_BASE + DRM_OSPREY_##name, type)

#define DRM_IOCTL_OSPREY_GET_PARAM \
	DRM_IOCTL_OSPREY(WR, GET_PARAM, struct drm_osprey_get_param)

#if defined(__cplusplus)
}
#endif

#endif /* _OSPREY_DRM_H_ */
