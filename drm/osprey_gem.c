// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey buffer objects
 *
 * Two object types, both declared through the typed GEM layer (gem/):
 *
 * - &struct osprey_bo: shmem-backed buffers, made by GEM_CREATE and by the
 *   dumb-buffer ioctls;
 * - &struct osprey_dmabuf_bo: dma-bufs imported from other devices. A dma-buf
 *   this device exported comes back as the original &struct osprey_bo (the
 *   DRM core's self-import); one exported by another Osprey device is
 *   wrapped in this type like any other.
 *
 * Every ioctl here validates all of its input before it touches anything:
 * unknown flags and non-zero padding give -EINVAL, a handle that names no
 * Osprey buffer -ENOENT, an unreadable label -EFAULT. Sizes are rounded up
 * to pages with overflow checks and capped by the ``max_bo_size`` module
 * parameter.
 */

#include <linux/dma-resv.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_utils.h>

#include "osprey_drv.h"

static unsigned long max_bo_size;
module_param(max_bo_size, ulong, 0444);
MODULE_PARM_DESC(max_bo_size,
		 "Largest buffer object in bytes (default 0: a quarter of RAM)");

u64 osprey_gem_max_bo_size(void)
{
	u64 max = max_bo_size ?: ((u64)totalram_pages() << PAGE_SHIFT) / 4;

	return max & PAGE_MASK;
}

/* Typed callbacks ------------------------------------------------------ */

static void osprey_bo_release(struct osprey_bo *bo)
{
	/* Nothing of Osprey's to free: the attributes live in the object. */
}

static void osprey_bo_print_info(struct drm_printer *p, unsigned int indent,
				 const struct osprey_bo *bo)
{
	drm_printf_indent(p, indent, "create_flags=0x%x\n", bo->attrs.create_flags);
}

TGEM_DEFINE_SHMEM_TYPE(osprey_bo, base, osprey_gem_device, osprey_bo_release,
		       .print_info = osprey_bo_print_info);

static void osprey_dmabuf_bo_release(struct osprey_dmabuf_bo *bo)
{
}

TGEM_DEFINE_IMPORT_TYPE(osprey_dmabuf_bo, base, osprey_gem_device,
			osprey_dmabuf_bo_release);

/* Helpers -------------------------------------------------------------- */

struct tgem_device *osprey_gem_device(struct drm_device *drm)
{
	return &to_osprey_device(drm)->gem;
}

int osprey_gem_init(struct osprey_device *odev)
{
	spin_lock_init(&odev->label_lock);
	return tgem_device_init(&odev->drm, &odev->gem);
}

struct osprey_bo_attrs *osprey_gem_attrs(struct drm_gem_object *obj)
{
	struct osprey_dmabuf_bo *dbo;
	struct osprey_bo *bo;

	bo = to_osprey_bo(obj);
	if (bo)
		return &bo->attrs;
	dbo = to_osprey_dmabuf_bo(obj);
	if (dbo)
		return &dbo->attrs;
	return NULL;
}

struct drm_gem_object *osprey_gem_lookup(struct drm_file *file, u32 handle)
{
	struct drm_gem_object *obj = drm_gem_object_lookup(file, handle);

	if (obj && !osprey_gem_attrs(obj)) {
		drm_gem_object_put(obj);
		return NULL;
	}
	return obj;
}

/* Round @size up to pages; -EINVAL if it is 0, overflows or is too big. */
static int osprey_gem_check_size(u64 size, u64 *rounded)
{
	if (!size || check_add_overflow(size, (u64)PAGE_SIZE - 1, rounded))
		return -EINVAL;
	*rounded &= PAGE_MASK;
	if (*rounded > osprey_gem_max_bo_size())
		return -EINVAL;
	return 0;
}

static int osprey_gem_create_with_handle(struct drm_device *drm,
					 struct drm_file *file, u64 size,
					 u32 flags, u32 *handle)
{
	struct osprey_bo *bo;
	int ret;

	bo = osprey_bo_create(drm, size);
	/*
	 * shmem says -ENOSPC when it cannot allocate the inode: memory, to
	 * userspace, for which -ENOSPC means a limit of the file's.
	 */
	if (IS_ERR(bo))
		return PTR_ERR(bo) == -ENOSPC ? -ENOMEM : PTR_ERR(bo);
	bo->attrs.create_flags = flags;

	ret = osprey_bo_create_handle(file, bo, handle);
	/* The handle holds the object now, or nothing does. */
	osprey_bo_put(bo);
	return ret;
}

/* Ioctls --------------------------------------------------------------- */

int osprey_ioctl_gem_create(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct drm_osprey_gem_create *args = data;
	u64 size;
	int ret, idx;

	if (args->flags)
		return -EINVAL;
	ret = osprey_gem_check_size(args->size, &size);
	if (ret)
		return ret;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	ret = osprey_gem_create_with_handle(drm, file, size, args->flags,
					    &args->handle);
	drm_dev_exit(idx);
	if (!ret)
		args->size = size;
	return ret;
}

int osprey_gem_dumb_create(struct drm_file *file, struct drm_device *drm,
			   struct drm_mode_create_dumb *args)
{
	u64 pitch, size;
	int ret;

	/* No flags are defined; the core does not check them. */
	if (args->flags)
		return -EINVAL;
	/* The core checked that width * cpp * height fits in 32 bits. */
	pitch = ALIGN((u64)args->width * DIV_ROUND_UP(args->bpp, 8), 64);
	if (check_mul_overflow(pitch, (u64)args->height, &size))
		return -EINVAL;
	ret = osprey_gem_check_size(size, &size);
	if (ret)
		return ret;
	if (pitch > U32_MAX)
		return -EINVAL;

	ret = osprey_gem_create_with_handle(drm, file, size, 0, &args->handle);
	if (ret)
		return ret;
	args->pitch = pitch;
	args->size = size;
	return 0;
}

int osprey_ioctl_gem_mmap_offset(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct drm_osprey_gem_mmap_offset *args = data;
	struct drm_gem_object *obj;
	int ret = -ENOENT, idx;

	if (args->pad)
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	obj = osprey_gem_lookup(file, args->handle);
	if (obj) {
		ret = drm_gem_create_mmap_offset(obj);
		if (!ret)
			args->offset = drm_vma_node_offset_addr(&obj->vma_node);
		drm_gem_object_put(obj);
	}
	drm_dev_exit(idx);
	return ret;
}

int osprey_ioctl_gem_info(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct drm_osprey_gem_info *args = data;
	struct drm_gem_object *obj;
	int idx;

	if (args->pad)
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	obj = osprey_gem_lookup(file, args->handle);
	if (!obj) {
		drm_dev_exit(idx);
		return -ENOENT;
	}

	args->size = obj->size;
	args->create_flags = osprey_gem_attrs(obj)->create_flags;
	args->info = 0;
	if (obj->import_attach)
		args->info |= DRM_OSPREY_GEM_INFO_IMPORTED;
	else if (READ_ONCE(obj->dma_buf))
		args->info |= DRM_OSPREY_GEM_INFO_EXPORTED;
	drm_gem_object_put(obj);
	drm_dev_exit(idx);
	return 0;
}

int osprey_ioctl_gem_set_label(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct osprey_device *odev = to_osprey_device(drm);
	struct drm_osprey_gem_set_label *args = data;
	char label[DRM_OSPREY_MAX_LABEL_SIZE] = "";
	struct drm_gem_object *obj;
	int idx;

	if (args->size > sizeof(label) || !args->size != !args->label)
		return -EINVAL;
	if (args->size) {
		if (copy_from_user(label, u64_to_user_ptr(args->label), args->size))
			return -EFAULT;
		if (!memchr(label, '\0', args->size))
			return -EINVAL;
	}

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	obj = osprey_gem_lookup(file, args->handle);
	if (obj) {
		spin_lock(&odev->label_lock);
		strscpy(osprey_gem_attrs(obj)->label, label);
		spin_unlock(&odev->label_lock);
		drm_gem_object_put(obj);
	}
	drm_dev_exit(idx);
	return obj ? 0 : -ENOENT;
}

int osprey_ioctl_gem_wait(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct drm_osprey_gem_wait *args = data;
	struct drm_gem_object *obj;
	long ret;
	int idx;

	if (args->flags)
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	obj = osprey_gem_lookup(file, args->handle);
	/*
	 * Not across the wait: drm_dev_unplug() waits for every section, and
	 * a wait's length is the caller's to choose. The reference is enough.
	 */
	drm_dev_exit(idx);
	if (!obj)
		return -ENOENT;

	ret = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_READ, true,
				    drm_timeout_abs_to_jiffies(args->timeout_ns));
	drm_gem_object_put(obj);
	if (ret == 0)
		return -ETIMEDOUT;
	return ret < 0 ? ret : 0;
}

/* fdinfo and debugfs --------------------------------------------------- */

void osprey_gem_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	drm_show_memory_stats(p, file);
}

struct osprey_gem_walk {
	struct seq_file *m;
	struct osprey_device *odev;
};

static void osprey_gem_show_one(struct drm_gem_object *obj,
				const struct tgem_type *type, void *arg)
{
	struct osprey_gem_walk *walk = arg;
	struct osprey_bo_attrs *attrs = osprey_gem_attrs(obj);
	const struct osprey_pt *pt = to_osprey_pt_const(obj);
	char label[DRM_OSPREY_MAX_LABEL_SIZE] = "";

	/* Like gem_count, what files made: not the display's page tables. */
	if (pt && pt->tally)
		return;
	if (attrs) {
		spin_lock(&walk->odev->label_lock);
		strscpy(label, attrs->label);
		spin_unlock(&walk->odev->label_lock);
	}
	seq_printf(walk->m,
		   "%s size=%zu handles=%u label=\"%s\" imported=%d exported=%d pinned=%d\n",
		   type->type_name, obj->size, READ_ONCE(obj->handle_count), label,
		   !!obj->import_attach,
		   !obj->import_attach && READ_ONCE(obj->dma_buf),
		   tgem_pinned(obj) > 0);
}

static int osprey_debugfs_gem_objects(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct osprey_gem_walk walk = {
		.m = m,
		.odev = to_osprey_device(entry->dev),
	};

	seq_puts(m, "type size handles label imported exported pinned\n");
	tgem_device_for_each(&walk.odev->gem, osprey_gem_show_one, &walk);
	return 0;
}

static int osprey_debugfs_gem_count(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct osprey_device *odev = to_osprey_device(entry->dev);

	/* What files made: the display's page tables follow the screen. */
	seq_printf(m, "%d\n", atomic_read(&odev->gem.count) - atomic_read(&odev->kernel_pts));
	return 0;
}

static const struct drm_debugfs_info osprey_gem_debugfs_files[] = {
	{ "gem_objects", osprey_debugfs_gem_objects },
	{ "gem_count", osprey_debugfs_gem_count },
};

void osprey_gem_debugfs_register(struct osprey_device *odev)
{
	drm_debugfs_add_files(&odev->drm, osprey_gem_debugfs_files,
			      ARRAY_SIZE(osprey_gem_debugfs_files));
}
