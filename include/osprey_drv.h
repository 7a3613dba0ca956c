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

#include <linux/spinlock.h>

#include <drm/drm_device.h>

#include "osprey_drm.h"
#include "osprey_hw.h"
#include "typed_gem.h"

struct drm_file;
struct drm_mode_create_dumb;
struct drm_printer;

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

	/** @gem: Every live GEM object of the device (typed GEM layer). */
	struct tgem_device gem;

	/**
	 * @label_lock: Protects &osprey_bo_attrs.label of every object of
	 * the device. A spinlock: labels are read while walking @gem, under
	 * its mutex, and copied in and out in a few bytes.
	 */
	spinlock_t label_lock;
};

/**
 * struct osprey_file - Per-file state (&drm_file.driver_priv)
 *
 * The typed file of Osprey's GEM object types. Buffers need nothing per
 * file yet (the DRM core keeps the handles); address spaces and queues will
 * live here.
 */
struct osprey_file {
	/** @odev: The device the file was opened on. */
	struct osprey_device *odev;
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

/**
 * osprey_debugfs_register() - Add the device's debugfs files
 * @odev: The device, not yet registered with the DRM core.
 */
void osprey_debugfs_register(struct osprey_device *odev);

#endif /* _OSPREY_DRV_H_ */
