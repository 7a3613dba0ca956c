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

#include <drm/drm_device.h>

#include "osprey_hw.h"

struct drm_file;

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
};

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
 * osprey_debugfs_register() - Add the device's debugfs files
 * @odev: The device, not yet registered with the DRM core.
 */
void osprey_debugfs_register(struct osprey_device *odev);

#endif /* _OSPREY_DRV_H_ */
