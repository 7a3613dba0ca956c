// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey DRM driver
 *
 * The platform driver for "osprey" devices. Probe identifies the GPU through
 * its identity registers, checks the register bus and the interrupt line,
 * and registers a DRM device with a primary and a render node. The primary
 * node also drives the display controller through atomic KMS (osprey_kms.c
 * and the files it names), set up after the engine.
 *
 * Hot-unplug: remove calls drm_dev_unplug(), so every ioctl that starts
 * afterwards fails with -ENODEV (the DRM core refuses its own ioctls and the
 * driver's ioctls are guarded by drm_dev_enter(); VM_BIND and SUBMIT, which
 * may wait for jobs, only check it on entry and guard their register
 * writes). The &struct osprey_device
 * lives on until the last open file is closed; nothing reaches the hardware
 * after remove has returned.
 *
 * Remove turns the display off first, while the device is still whole
 * (drm_atomic_helper_shutdown(): planes and CRTCs off, vblank off), then
 * unplugs, then stops the display for good (osprey_display_unplug()), the
 * engine and the coredumps. Unplugging unregisters the fbdev client.
 */

#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>

#include "osprey_drm.h"
#include "osprey_drv.h"

#define OSPREY_SCRATCH_PATTERN	0x5a0f00f5u
#define OSPREY_IRQ_CHECK_TIMEOUT_MS	1000

static irqreturn_t osprey_irq_handler(int irq, void *arg)
{
	struct osprey_device *odev = arg;
	u32 status = osprey_read(odev, OSPREY_REG_IRQ_STATUS);

	if (!status)
		return IRQ_NONE;

	osprey_write(odev, OSPREY_REG_IRQ_CLEAR, status);
	atomic_inc(&odev->irq_count);

	if (status & OSPREY_IRQ_SOFT)
		complete(&odev->soft_irq_seen);
	osprey_engine_irq(odev, status);
	if (status & OSPREY_IRQ_DISPLAY_ALL)
		osprey_display_irq(odev, status);

	return IRQ_HANDLED;
}

static int osprey_identify(struct osprey_device *odev)
{
	struct drm_device *drm = &odev->drm;
	u32 magic = osprey_read(odev, OSPREY_REG_MAGIC);

	if (magic != OSPREY_MAGIC) {
		drm_err(drm, "no Osprey GPU here: magic 0x%08x\n", magic);
		return -ENODEV;
	}

	odev->info.model = osprey_read(odev, OSPREY_REG_MODEL);
	odev->info.revision = osprey_read(odev, OSPREY_REG_REVISION);
	odev->info.features = osprey_read(odev, OSPREY_REG_FEATURES);
	odev->info.num_engines = osprey_read(odev, OSPREY_REG_NUM_ENGINES);

	osprey_write(odev, OSPREY_REG_SCRATCH, OSPREY_SCRATCH_PATTERN);
	if (osprey_read(odev, OSPREY_REG_SCRATCH) != OSPREY_SCRATCH_PATTERN) {
		drm_err(drm, "register bus check failed\n");
		return -EIO;
	}

	drm_info(drm, "Osprey model 0x%04x revision 0x%04x, %u engine(s)\n",
		 odev->info.model, odev->info.revision, odev->info.num_engines);
	return 0;
}

/* Raise a software interrupt and wait for it: proves the line is wired. */
static int osprey_irq_init(struct osprey_device *odev,
			   struct platform_device *pdev)
{
	struct drm_device *drm = &odev->drm;
	int err;

	init_completion(&odev->soft_irq_seen);

	odev->irq = platform_get_irq(pdev, 0);
	if (odev->irq < 0)
		return odev->irq;

	osprey_write(odev, OSPREY_REG_IRQ_MASK, 0);
	osprey_write(odev, OSPREY_REG_IRQ_CLEAR, OSPREY_IRQ_ALL);

	err = devm_request_irq(&pdev->dev, odev->irq, osprey_irq_handler, 0,
			       dev_name(&pdev->dev), odev);
	if (err)
		return err;

	/* The line check; the engine's events are enabled with the engine. */
	osprey_write(odev, OSPREY_REG_IRQ_MASK, OSPREY_IRQ_SOFT);
	osprey_write(odev, OSPREY_REG_IRQ_RAISE, OSPREY_IRQ_SOFT);
	if (!wait_for_completion_timeout(&odev->soft_irq_seen,
					 msecs_to_jiffies(OSPREY_IRQ_CHECK_TIMEOUT_MS))) {
		drm_err(drm, "interrupt line check timed out\n");
		osprey_write(odev, OSPREY_REG_IRQ_MASK, 0);
		return -EIO;
	}

	return 0;
}

static const struct drm_ioctl_desc osprey_ioctls[] = {
	DRM_IOCTL_DEF_DRV(OSPREY_GET_PARAM, osprey_ioctl_get_param, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(OSPREY_GEM_CREATE, osprey_ioctl_gem_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(OSPREY_GEM_MMAP_OFFSET, osprey_ioctl_gem_mmap_offset,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(OSPREY_GEM_INFO, osprey_ioctl_gem_info, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(OSPREY_GEM_SET_LABEL, osprey_ioctl_gem_set_label,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(OSPREY_GEM_WAIT, osprey_ioctl_gem_wait, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(OSPREY_VM_CREATE, osprey_ioctl_vm_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(OSPREY_VM_DESTROY, osprey_ioctl_vm_destroy, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(OSPREY_VM_BIND, osprey_ioctl_vm_bind, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(OSPREY_QUEUE_CREATE, osprey_ioctl_queue_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(OSPREY_QUEUE_DESTROY, osprey_ioctl_queue_destroy,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(OSPREY_SUBMIT, osprey_ioctl_submit, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(OSPREY_QUEUE_GET_STATE, osprey_ioctl_queue_get_state,
			  DRM_RENDER_ALLOW),
};

static int osprey_open(struct drm_device *drm, struct drm_file *file)
{
	struct osprey_file *ofile = kzalloc(sizeof(*ofile), GFP_KERNEL);

	if (!ofile)
		return -ENOMEM;
	ofile->odev = to_osprey_device(drm);
	mutex_init(&ofile->lock);
	xa_init_flags(&ofile->vms, XA_FLAGS_ALLOC1);
	xa_init_flags(&ofile->queues, XA_FLAGS_ALLOC1);
	file->driver_priv = ofile;
	return 0;
}

static void osprey_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct osprey_file *ofile = file->driver_priv;

	/* Queues first: their jobs hold the VMs, not the other way round. */
	osprey_job_file_fini(ofile);
	osprey_vm_file_fini(ofile);
	mutex_destroy(&ofile->lock);
	kfree(ofile);
}

static const struct file_operations osprey_drm_fops = {
	.owner = THIS_MODULE,
	DRM_GEM_FOPS,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver osprey_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_GEM_GPUVA | DRIVER_RENDER | DRIVER_SYNCOBJ |
			   DRIVER_SYNCOBJ_TIMELINE | DRIVER_MODESET | DRIVER_ATOMIC,
	.open = osprey_open,
	.postclose = osprey_postclose,
	.gem_create_object = osprey_bo_gem_create_object,
	.gem_prime_import_sg_table = osprey_dmabuf_bo_import_sg_table,
	.dumb_create = osprey_gem_dumb_create,
	.show_fdinfo = osprey_gem_show_fdinfo,
	.ioctls = osprey_ioctls,
	.num_ioctls = ARRAY_SIZE(osprey_ioctls),
	.fops = &osprey_drm_fops,
#if IS_ENABLED(CONFIG_DRM_FBDEV_EMULATION)
	.fbdev_probe = osprey_fbdev_probe,
#endif
	.name = "osprey",
	.desc = "Osprey GPU",
	.major = 0,
	.minor = 4,
};

static int osprey_probe(struct platform_device *pdev)
{
	const struct osprey_hw_bus *bus = dev_get_platdata(&pdev->dev);
	struct osprey_device *odev;
	int err;

	if (!bus || !bus->read || !bus->write)
		return dev_err_probe(&pdev->dev, -ENODEV, "no register bus\n");

	odev = devm_drm_dev_alloc(&pdev->dev, &osprey_drm_driver,
				  struct osprey_device, drm);
	if (IS_ERR(odev))
		return PTR_ERR(odev);

	odev->bus = *bus;
	atomic_set(&odev->job_count, 0);
	init_waitqueue_head(&odev->jobs_idle);
	platform_set_drvdata(pdev, odev);

	/* Page-table entries hold bus addresses of 52 bits. */
	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(52));
	if (err)
		return err;

	err = osprey_identify(odev);
	if (err)
		return err;

	err = osprey_irq_init(odev, pdev);
	if (err)
		return err;

	err = osprey_gem_init(odev);
	if (err)
		return err;

	err = osprey_engine_init(odev);
	if (err)
		goto err_mask;

	err = osprey_coredump_init(odev);
	if (err)
		goto err_mask;

	err = osprey_display_init(odev);
	if (err)
		goto err_mask;

	osprey_debugfs_register(odev);
	osprey_gem_debugfs_register(odev);
	osprey_engine_debugfs_register(odev);
	osprey_coredump_debugfs_register(odev);
	osprey_display_debugfs_register(odev);

	err = drm_dev_register(&odev->drm, 0);
	if (err)
		goto err_mask;

	osprey_display_register(odev);
	return 0;

err_mask:
	osprey_write(odev, OSPREY_REG_IRQ_MASK, 0);
	return err;
}

static void osprey_remove(struct platform_device *pdev)
{
	struct osprey_device *odev = platform_get_drvdata(pdev);

	osprey_display_shutdown(odev);
	drm_dev_unplug(&odev->drm);
	osprey_display_unplug(odev);
	osprey_engine_unplug(odev);
	osprey_coredump_unplug(odev);
}

static void osprey_shutdown(struct platform_device *pdev)
{
	osprey_display_shutdown(platform_get_drvdata(pdev));
}

static struct platform_driver osprey_platform_driver = {
	.probe = osprey_probe,
	.remove = osprey_remove,
	.shutdown = osprey_shutdown,
	.driver = {
		.name = "osprey",
	},
};

static int __init osprey_init(void)
{
	return platform_driver_register(&osprey_platform_driver);
}
module_init(osprey_init);

static void __exit osprey_exit(void)
{
	platform_driver_unregister(&osprey_platform_driver);
	osprey_engine_module_exit();
}
module_exit(osprey_exit);

MODULE_DESCRIPTION("DRM driver for the Osprey GPU");
MODULE_AUTHOR("The Osprey authors");
MODULE_LICENSE("GPL");
