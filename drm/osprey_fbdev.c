// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey fbdev emulation
 *
 * The DRM core's fbdev client (drm_client_setup()) calls
 * osprey_fbdev_probe() through &drm_driver.fbdev_probe to make the fbdev's
 * framebuffer: an Osprey buffer (a dumb buffer, so shmem-backed) kept
 * vmapped for its whole life, which is the fbdev's screen memory.
 *
 * No deferred I/O and no damage tracking: the display pipes read memory
 * every frame (the framebuffers have no dirty callback), so whatever fbcon
 * or a process writes is on the screen at the next frame. That also keeps
 * clear of 6.12's fb_deferred_io_fault(), which sets page->mapping of the
 * pages it maps to the fbdev file's mapping (and fb_deferred_io_lastclose()
 * clears it): the buffer's shmem pages would then look foreign to shmem,
 * and releasing the buffer would spin for ever in shmem_undo_range(). So
 * read() and write() of /dev/fb0 and fbcon's drawing use the system-memory
 * helpers on the vmap, and mmap() maps the buffer object itself
 * (drm_gem_prime_mmap()): the shmem helpers' fault handler inserts the
 * pages by PFN and leaves the pages alone.
 *
 * The &struct fb_info is freed when its last user is gone (fbcon unbinds
 * at unregister; an open /dev/fb0 or a mapping keeps it), and
 * osprey_fbdev_fb_destroy() then releases the buffer and the client. A
 * mapping holds a reference on the buffer object of its own.
 */

#include <linux/fb.h>
#include <linux/mm.h>
#include <linux/module.h>

#include <drm/drm_client.h>
#include <drm/drm_drv.h>
#include <drm/drm_fb_helper.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>

#include "osprey_drv.h"

static int osprey_fbdev_fb_open(struct fb_info *info, int user)
{
	struct drm_fb_helper *helper = info->par;

	/* A process's file keeps the driver; fbcon unbinds at unregister. */
	if (user && !try_module_get(helper->dev->driver->fops->owner))
		return -ENODEV;
	return 0;
}

static int osprey_fbdev_fb_release(struct fb_info *info, int user)
{
	struct drm_fb_helper *helper = info->par;

	if (user)
		module_put(helper->dev->driver->fops->owner);
	return 0;
}

static int osprey_fbdev_fb_mmap(struct fb_info *info, struct vm_area_struct *vma)
{
	struct drm_fb_helper *helper = info->par;
	struct drm_gem_object *obj = helper->buffer->gem;

	/*
	 * The shmem fault handler maps page (address - vm_start) of the
	 * object and ignores vm_pgoff: an offset would map the wrong pages,
	 * so only whole-buffer mappings from offset 0.
	 */
	if (vma->vm_pgoff || vma_pages(vma) > obj->size >> PAGE_SHIFT)
		return -EINVAL;
	return drm_gem_prime_mmap(obj, vma);
}

static void osprey_fbdev_fb_destroy(struct fb_info *info)
{
	struct drm_fb_helper *helper = info->par;

	if (!helper->dev)
		return;

	drm_fb_helper_fini(helper);
	drm_client_buffer_vunmap(helper->buffer);
	drm_client_framebuffer_delete(helper->buffer);
	drm_client_release(&helper->client);
	drm_fb_helper_unprepare(helper);
	kfree(helper);
}

/*
 * No .owner: fbcon takes a reference on it for as long as it is bound,
 * which would keep the driver from unloading; it unbinds at unregister,
 * before the driver can go. A process's open file takes its reference in
 * osprey_fbdev_fb_open().
 */
static const struct fb_ops osprey_fbdev_fb_ops = {
	.fb_open = osprey_fbdev_fb_open,
	.fb_release = osprey_fbdev_fb_release,
	__FB_DEFAULT_SYSMEM_OPS_RDWR,
	DRM_FB_HELPER_DEFAULT_OPS,
	__FB_DEFAULT_SYSMEM_OPS_DRAW,
	.fb_mmap = osprey_fbdev_fb_mmap,
	.fb_destroy = osprey_fbdev_fb_destroy,
};

/* The fbdev client's &drm_fb_helper.info is allocated: fill it. */
int osprey_fbdev_probe(struct drm_fb_helper *helper,
		       struct drm_fb_helper_surface_size *sizes)
{
	struct drm_device *drm = helper->dev;
	struct fb_info *info = helper->info;
	struct drm_client_buffer *buffer;
	struct iosys_map map;
	u32 format;
	int ret;

	drm_dbg_kms(drm, "fbdev: %ux%u, %u bpp\n", sizes->surface_width,
		    sizes->surface_height, sizes->surface_bpp);

	format = drm_driver_legacy_fb_format(drm, sizes->surface_bpp,
					     sizes->surface_depth);
	buffer = drm_client_framebuffer_create(&helper->client, sizes->surface_width,
					       sizes->surface_height, format);
	if (IS_ERR(buffer))
		return PTR_ERR(buffer);

	ret = drm_client_buffer_vmap(buffer, &map);
	if (ret)
		goto err_delete;
	/* Osprey buffers are system memory; never I/O memory. */
	if (drm_WARN_ON(drm, map.is_iomem)) {
		ret = -ENODEV;
		goto err_vunmap;
	}

	helper->buffer = buffer;
	helper->fb = buffer->fb;
	drm_fb_helper_fill_info(info, helper, sizes);

	info->fbops = &osprey_fbdev_fb_ops;
	/* Cached system memory: fbcon may read it back to scroll. */
	info->flags |= FBINFO_VIRTFB | FBINFO_READS_FAST;
	info->screen_buffer = map.vaddr;
	info->screen_size = sizes->surface_height * buffer->fb->pitches[0];
	info->fix.smem_len = info->screen_size;
	return 0;

err_vunmap:
	drm_client_buffer_vunmap(buffer);
err_delete:
	drm_client_framebuffer_delete(buffer);
	return ret;
}
