// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Typed GEM objects: backends and bookkeeping
 *
 * The functions behind the helpers typed_gem.h generates. They know object
 * types only through their &struct tgem_type descriptors and nothing about
 * any driver. See typed_gem.h for the contract and docs/gem-layer.md for the
 * design.
 */

#include <linux/dma-buf.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_managed.h>
#include <drm/drm_prime.h>

#include <kunit/visibility.h>

#include "typed_gem.h"

MODULE_IMPORT_NS(DMA_BUF);

int tgem_device_init(struct drm_device *drm, struct tgem_device *tdev)
{
	INIT_LIST_HEAD(&tdev->objects);
	atomic_set(&tdev->count, 0);
	return drmm_mutex_init(drm, &tdev->lock);
}
EXPORT_SYMBOL_IF_KUNIT(tgem_device_init);

void tgem_device_for_each(struct tgem_device *tdev,
			  void (*fn)(struct drm_gem_object *obj,
				     const struct tgem_type *type, void *arg),
			  void *arg)
{
	struct tgem_link *link;

	mutex_lock(&tdev->lock);
	list_for_each_entry(link, &tdev->objects, node)
		fn((struct drm_gem_object *)((char *)link - link->type->link_offset +
					     link->type->gem_offset),
		   link->type, arg);
	mutex_unlock(&tdev->lock);
}
EXPORT_SYMBOL_IF_KUNIT(tgem_device_for_each);

static void tgem_link_add(const struct tgem_type *type, struct drm_gem_object *obj)
{
	struct tgem_device *tdev = type->device(obj->dev);
	struct tgem_link *link = tgem_link_of(type, obj);

	link->type = type;
	mutex_lock(&tdev->lock);
	list_add_tail(&link->node, &tdev->objects);
	atomic_inc(&tdev->count);
	mutex_unlock(&tdev->lock);
}

/*
 * First step of every free: from here on no walk can find the object. An
 * object whose creation failed before it was linked has an empty node.
 */
void tgem_unlink(const struct tgem_type *type, struct drm_gem_object *obj)
{
	struct tgem_device *tdev = type->device(obj->dev);
	struct tgem_link *link = tgem_link_of(type, obj);

	if (!link->type)
		return;
	mutex_lock(&tdev->lock);
	list_del(&link->node);
	atomic_dec(&tdev->count);
	mutex_unlock(&tdev->lock);
}
EXPORT_SYMBOL_IF_KUNIT(tgem_unlink);

/* Zeroed memory for one object, its funcs set: the type is fixed from here. */
struct drm_gem_object *tgem_alloc(const struct tgem_type *type)
{
	struct drm_gem_object *obj;
	void *mem = kzalloc(type->size, GFP_KERNEL);

	if (!mem)
		return ERR_PTR(-ENOMEM);
	obj = mem + type->gem_offset;
	obj->funcs = &type->funcs;
	return obj;
}
EXPORT_SYMBOL_IF_KUNIT(tgem_alloc);

static void *tgem_mem(const struct tgem_type *type, struct drm_gem_object *obj)
{
	return (char *)obj - type->gem_offset;
}

/* shmem -------------------------------------------------------------- */

int tgem_shmem_create(const struct tgem_type *type, struct drm_device *drm,
		      size_t size, struct drm_gem_object **out)
{
	struct drm_gem_shmem_object *shmem;

	if (WARN_ON(type->backend != TGEM_BACKEND_SHMEM))
		return -EINVAL;

	/* The driver's gem_create_object hook allocates through tgem_alloc(). */
	shmem = drm_gem_shmem_create(drm, size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);

	if (WARN_ON(shmem->base.funcs != &type->funcs)) {
		/* The hook belongs to another type: not ours to keep. */
		drm_gem_object_put(&shmem->base);
		return -EINVAL;
	}

	tgem_link_add(type, &shmem->base);
	*out = &shmem->base;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(tgem_shmem_create);

/*
 * Backend teardown, drm_gem_object_release() and kfree() all happen in
 * drm_gem_shmem_free(); the shmem object is the first member, so the
 * pointer it frees is the one tgem_alloc() returned.
 */
void tgem_shmem_free(const struct tgem_type *type, struct drm_gem_object *obj)
{
	BUILD_BUG_ON(offsetof(struct drm_gem_shmem_object, base) != 0);
	drm_gem_shmem_free(to_drm_gem_shmem_obj(obj));
}
EXPORT_SYMBOL_IF_KUNIT(tgem_shmem_free);

/* The shmem helpers keep no pin count of their own in 6.12: keep one. */
int tgem_shmem_pin(const struct tgem_type *type, struct drm_gem_object *obj)
{
	int ret = drm_gem_shmem_object_pin(obj);

	if (!ret)
		atomic_inc(&tgem_link_of(type, obj)->pin_count);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(tgem_shmem_pin);

void tgem_shmem_unpin(const struct tgem_type *type, struct drm_gem_object *obj)
{
	atomic_dec(&tgem_link_of(type, obj)->pin_count);
	drm_gem_shmem_object_unpin(obj);
}
EXPORT_SYMBOL_IF_KUNIT(tgem_shmem_unpin);

/* Called under the file's table spinlock: a racy look is all it can take. */
enum drm_gem_object_status tgem_shmem_status(struct drm_gem_object *obj)
{
	struct drm_gem_shmem_object *shmem = to_drm_gem_shmem_obj(obj);

	return READ_ONCE(shmem->pages) ? DRM_GEM_OBJECT_RESIDENT : 0;
}
EXPORT_SYMBOL_IF_KUNIT(tgem_shmem_status);

/* import ------------------------------------------------------------- */

struct drm_gem_object *tgem_import(const struct tgem_type *type,
				   struct drm_device *drm,
				   struct dma_buf_attachment *attach,
				   struct sg_table *sgt)
{
	struct drm_gem_object *obj;

	if (WARN_ON(type->backend != TGEM_BACKEND_IMPORT))
		return ERR_PTR(-EINVAL);

	obj = tgem_alloc(type);
	if (IS_ERR(obj))
		return obj;

	drm_gem_private_object_init(drm, obj, attach->dmabuf->size);
	tgem_link_of(type, obj)->import_sgt = sgt;
	/*
	 * drm_gem_prime_import_dev() sets import_attach and resv right after
	 * this returns: a walk in between sees the object as not imported yet.
	 */
	tgem_link_add(type, obj);
	return obj;
}
EXPORT_SYMBOL_IF_KUNIT(tgem_import);

void tgem_import_free(const struct tgem_type *type, struct drm_gem_object *obj)
{
	drm_prime_gem_destroy(obj, tgem_link_of(type, obj)->import_sgt);
	drm_gem_object_release(obj);
	kfree(tgem_mem(type, obj));
}
EXPORT_SYMBOL_IF_KUNIT(tgem_import_free);

/* Imported memory is mapped through its exporter. */
int tgem_import_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	int ret;

	/* dma_buf_mmap() sets vm_pgoff itself, from its last argument. */
	vma->vm_private_data = NULL;
	vma->vm_ops = NULL;
	ret = dma_buf_mmap(obj->import_attach->dmabuf, vma, 0);
	/*
	 * The mapping holds the dma-buf's file, not the object: drop the
	 * reference drm_gem_mmap_obj() took for vm_ops that are not used.
	 */
	if (!ret)
		drm_gem_object_put(obj);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(tgem_import_mmap);

enum drm_gem_object_status tgem_import_status(struct drm_gem_object *obj)
{
	return DRM_GEM_OBJECT_RESIDENT;
}
EXPORT_SYMBOL_IF_KUNIT(tgem_import_status);

/* internal ----------------------------------------------------------- */

static void tgem_internal_free_pages(struct tgem_link *link, size_t npages)
{
	size_t i;

	if (link->vaddr)
		vunmap(link->vaddr);
	for (i = 0; i < npages && link->pages[i]; i++)
		__free_page(link->pages[i]);
	kvfree(link->pages);
	link->pages = NULL;
	link->vaddr = NULL;
}

int tgem_internal_create(const struct tgem_type *type, struct drm_device *drm,
			 size_t size, struct drm_gem_object **out)
{
	struct drm_gem_object *obj;
	struct tgem_link *link;
	size_t npages, i;
	int err = -ENOMEM;

	if (WARN_ON(type->backend != TGEM_BACKEND_INTERNAL))
		return -EINVAL;
	if (!size || size > INT_MAX)
		return -EINVAL;
	size = PAGE_ALIGN(size);
	npages = size >> PAGE_SHIFT;

	obj = tgem_alloc(type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	link = tgem_link_of(type, obj);

	link->pages = kvcalloc(npages, sizeof(*link->pages), GFP_KERNEL);
	if (!link->pages)
		goto err_free;
	for (i = 0; i < npages; i++) {
		link->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!link->pages[i])
			goto err_pages;
	}
	link->vaddr = vmap(link->pages, npages, VM_MAP, PAGE_KERNEL);
	if (!link->vaddr)
		goto err_pages;

	drm_gem_private_object_init(drm, obj, size);
	tgem_link_add(type, obj);
	*out = obj;
	return 0;

err_pages:
	tgem_internal_free_pages(link, npages);
err_free:
	kfree(tgem_mem(type, obj));
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(tgem_internal_create);

void tgem_internal_free(const struct tgem_type *type, struct drm_gem_object *obj)
{
	tgem_internal_free_pages(tgem_link_of(type, obj), obj->size >> PAGE_SHIFT);
	drm_gem_object_release(obj);
	kfree(tgem_mem(type, obj));
}
EXPORT_SYMBOL_IF_KUNIT(tgem_internal_free);

/* lookup ------------------------------------------------------------- */

/* A referenced object of @type, or NULL: never an object of another type. */
struct drm_gem_object *tgem_lookup(const struct tgem_type *type,
				   struct drm_file *file, u32 handle)
{
	struct drm_gem_object *obj = drm_gem_object_lookup(file, handle);

	if (obj && obj->funcs != &type->funcs) {
		drm_gem_object_put(obj);
		return NULL;
	}
	return obj;
}
EXPORT_SYMBOL_IF_KUNIT(tgem_lookup);
