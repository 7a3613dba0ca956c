// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey GPU address spaces
 *
 * A VM is a &struct drm_gpuvm for the bookkeeping (which ranges map which
 * buffer ranges, which buffers are mapped) plus the three-level page tables
 * the MMU walks (docs/gpu-model.md, "MMU"). Page tables are kernel-internal
 * objects of the typed GEM layer (&struct osprey_pt), one page each,
 * allocated as mappings need them and kept until the VM goes.
 *
 * Binds are synchronous. A map writes the entries of a free range; an
 * unmap first waits for every job already submitted in the VM (the
 * fences on the VM's reservation object), then clears the entries,
 * invalidates the slot's TLB and drops the mapping's buffer reference: the
 * GPU can no longer be using the pages when their last reference goes.
 *
 * The display has a VM of its own, owned by the kernel: no file, no
 * drm_gpuva bookkeeping, a &struct drm_mm (protected by the VM's lock)
 * choosing where each buffer goes. osprey_vm_kernel_map() maps a whole
 * buffer there and osprey_vm_kernel_unmap() removes it; the page-table code
 * is the same as for user VMs. Whoever maps keeps a buffer reference until
 * the unmap, and invalidates the TLB of the address space it belongs to.
 * Unlike a user VM's, a kernel VM's tables do not all live as long as the
 * VM: its L1 tables are made with it, for its whole range, and each mapping
 * gets whole L2 tables (2 MiB-aligned ranges), freed by its unmap, when
 * the hardware no longer reads them. So the tables alive (which the
 * gem_count debugfs file counts) depend only on the mappings alive, not on
 * where they went or what came before; osprey_vm_walk() is for user VMs.
 * A kernel VM has no &drm_gpuvm, no users count and no slot: it is made
 * with osprey_vm_create_kernel() and freed with osprey_vm_destroy_kernel()
 * once nothing is mapped.
 *
 * Lock order: &osprey_vm.lock, then a buffer's reservation lock (which
 * also guards the buffer's list of mappings, drm_gpuvm's default), then
 * &osprey_engine.slot_lock. Buffer pages are pinned before the VM lock is
 * taken, because the shmem helpers take the reservation lock to do it.
 */

#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_print.h>

#include "osprey_drv.h"

#define OSPREY_PT_ENTRIES	512
#define OSPREY_PT_SHIFT(level)	(30 - 9 * (level))
#define OSPREY_PT_INDEX(va, level) \
	(((va) >> OSPREY_PT_SHIFT(level)) & (OSPREY_PT_ENTRIES - 1))
/* What an entry of an L0 table (an L1 table) and of an L1 table covers. */
#define OSPREY_PT_L1_SPAN	BIT_ULL(OSPREY_PT_SHIFT(0))
#define OSPREY_PT_L2_SPAN	BIT_ULL(OSPREY_PT_SHIFT(1))

/* drm_gpuva flag of a read-only mapping. */
#define OSPREY_VMA_READONLY	DRM_GPUVA_USERBITS

/* Page tables ---------------------------------------------------------- */

static void osprey_pt_release(struct osprey_pt *pt)
{
	if (pt->dma)
		dma_unmap_page(pt->base.dev->dev, pt->dma, PAGE_SIZE,
			       DMA_BIDIRECTIONAL);
	kfree(pt->children);
	if (pt->tally)
		atomic_dec(pt->tally);
}

TGEM_DEFINE_INTERNAL_TYPE(osprey_pt, base, osprey_gem_device, osprey_pt_release);

/*
 * A zeroed table of @level, with a child array unless it is an L2; counted
 * in @tally (&osprey_device.kernel_pts) if it is a kernel VM's.
 */
static struct osprey_pt *osprey_pt_new(struct drm_device *drm, int level, atomic_t *tally)
{
	struct osprey_pt *pt = osprey_pt_create(drm, PAGE_SIZE);
	dma_addr_t dma;

	if (IS_ERR(pt))
		return pt;
	if (tally) {
		atomic_inc(tally);
		pt->tally = tally;
	}
	if (level < 2) {
		pt->children = kcalloc(OSPREY_PT_ENTRIES, sizeof(*pt->children),
				       GFP_KERNEL);
		if (!pt->children)
			goto err;
	}
	dma = dma_map_page(drm->dev, osprey_pt_pages(pt)[0], 0, PAGE_SIZE,
			   DMA_BIDIRECTIONAL);
	if (dma_mapping_error(drm->dev, dma))
		goto err;
	pt->dma = dma;
	return pt;
err:
	osprey_pt_put(pt);
	return ERR_PTR(-ENOMEM);
}

static void osprey_pt_free_tree(struct osprey_pt *pt)
{
	unsigned int i;

	if (!pt)
		return;
	if (pt->children)
		for (i = 0; i < OSPREY_PT_ENTRIES; i++)
			osprey_pt_free_tree(pt->children[i]);
	osprey_pt_put(pt);
}

static u64 *osprey_pt_entries(struct osprey_pt *pt)
{
	return osprey_pt_vaddr(pt);
}

/*
 * The table of @level (1 or 2) covering @va, allocating the tables on the
 * way when @alloc. NULL when it does not exist (or -ENOMEM as an ERR_PTR).
 */
static struct osprey_pt *osprey_vm_table(struct osprey_vm *vm, u64 va, int level,
					 bool alloc)
{
	struct osprey_pt *pt = vm->root;
	int l;

	lockdep_assert_held(&vm->lock);

	for (l = 0; l < level; l++) {
		unsigned int idx = OSPREY_PT_INDEX(va, l);
		struct osprey_pt *child = pt->children[idx];

		if (!child) {
			if (!alloc)
				return NULL;
			child = osprey_pt_new(&vm->odev->drm, l + 1, vm->root->tally);
			if (IS_ERR(child))
				return child;
			WRITE_ONCE(pt->children[idx], child);
			/* osprey_vm_walk() finds the child once the entry is valid. */
			smp_wmb();
			WRITE_ONCE(osprey_pt_entries(pt)[idx],
				   OSPREY_PTE_VALID | (child->dma & OSPREY_PTE_ADDR));
		}
		pt = child;
	}
	return pt;
}

/* The L2 table covering @va; see osprey_vm_table(). */
static struct osprey_pt *osprey_vm_l2(struct osprey_vm *vm, u64 va, bool alloc)
{
	return osprey_vm_table(vm, va, 2, alloc);
}

/* Clear the entries of [va, va + size): the tables exist, it was mapped. */
static void osprey_vm_clear_locked(struct osprey_vm *vm, u64 va, u64 size)
{
	u64 end = va + size;

	lockdep_assert_held(&vm->lock);

	while (va < end) {
		struct osprey_pt *l2 = osprey_vm_l2(vm, va, false);

		if (l2)
			WRITE_ONCE(osprey_pt_entries(l2)[OSPREY_PT_INDEX(va, 2)], 0);
		va += PAGE_SIZE;
	}
}

/*
 * Write the entries mapping [va, va + size) to the pages of @sgt from byte
 * @offset. On failure, the entries written are cleared again.
 */
static int osprey_vm_write_locked(struct osprey_vm *vm, u64 va, u64 size,
				  struct sg_table *sgt, u64 offset, bool writable)
{
	u64 flags = OSPREY_PTE_VALID | (writable ? OSPREY_PTE_WRITE : 0);
	u64 cur = va, end = va + size;
	struct scatterlist *sg;
	unsigned int i;

	lockdep_assert_held(&vm->lock);

	for_each_sgtable_dma_sg(sgt, sg, i) {
		dma_addr_t addr = sg_dma_address(sg);
		u64 len = sg_dma_len(sg);

		if (offset >= len) {
			offset -= len;
			continue;
		}
		addr += offset;
		len -= offset;
		offset = 0;

		for (; len >= PAGE_SIZE && cur < end; len -= PAGE_SIZE) {
			struct osprey_pt *l2 = osprey_vm_l2(vm, cur, true);

			if (IS_ERR(l2)) {
				osprey_vm_clear_locked(vm, va, cur - va);
				return PTR_ERR(l2);
			}
			WRITE_ONCE(osprey_pt_entries(l2)[OSPREY_PT_INDEX(cur, 2)],
				   flags | (addr & OSPREY_PTE_ADDR));
			addr += PAGE_SIZE;
			cur += PAGE_SIZE;
		}
		if (cur >= end)
			break;
	}
	if (cur < end) {
		/* The checks on the BO range make this unreachable. */
		osprey_vm_clear_locked(vm, va, cur - va);
		return -EINVAL;
	}
	return 0;
}

/* VM lifetime ---------------------------------------------------------- */

static void osprey_gpuvm_free(struct drm_gpuvm *gpuvm)
{
	kfree(container_of(gpuvm, struct osprey_vm, base));
}

static const struct drm_gpuvm_ops osprey_gpuvm_ops = {
	.vm_free = osprey_gpuvm_free,
};

static struct osprey_vm *osprey_vm_new(struct osprey_device *odev)
{
	struct drm_device *drm = &odev->drm;
	struct drm_gem_object *r_obj;
	struct osprey_vm *vm;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return ERR_PTR(-ENOMEM);

	vm->root = osprey_pt_new(drm, 0, NULL);
	if (IS_ERR(vm->root)) {
		struct osprey_pt *err = vm->root;

		kfree(vm);
		return ERR_CAST(err);
	}

	r_obj = drm_gpuvm_resv_object_alloc(drm);
	if (!r_obj) {
		osprey_pt_put(vm->root);
		kfree(vm);
		return ERR_PTR(-ENOMEM);
	}

	drm_gpuvm_init(&vm->base, "osprey", 0, drm, r_obj, OSPREY_USER_VA_START,
		       OSPREY_USER_VA_END - OSPREY_USER_VA_START, 0, 0,
		       &osprey_gpuvm_ops);
	drm_gem_object_put(r_obj);

	vm->odev = odev;
	vm->owner_pid = task_tgid_nr(current);
	get_task_comm(vm->owner_comm, current);
	kref_init(&vm->users);
	mutex_init(&vm->lock);
	vm->slot = -1;
	return vm;
}

/* Remove one mapping; the VM lock and the buffer's reservation are held. */
static void osprey_vma_destroy_locked(struct osprey_vm *vm, struct drm_gpuva *va)
{
	lockdep_assert_held(&vm->lock);
	dma_resv_assert_held(va->gem.obj->resv);

	drm_gpuva_remove(va);
	drm_gpuva_unlink(va);
	kfree(va);
}

static void osprey_vm_release(struct kref *kref)
{
	struct osprey_vm *vm = container_of(kref, struct osprey_vm, users);
	struct drm_gpuva *va, *next;

	/* No job is left: the slot can go before the tables do. */
	osprey_engine_vm_gone(vm->odev, vm);

	mutex_lock(&vm->lock);
	drm_gpuvm_for_each_va_safe(va, next, &vm->base) {
		struct drm_gem_object *obj = va->gem.obj;

		/* The mapping may hold the last reference: outlive the lock. */
		drm_gem_object_get(obj);
		dma_resv_lock(obj->resv, NULL);
		osprey_vma_destroy_locked(vm, va);
		dma_resv_unlock(obj->resv);
		drm_gem_object_put(obj);
	}
	osprey_pt_free_tree(vm->root);
	vm->root = NULL;
	mutex_unlock(&vm->lock);
	mutex_destroy(&vm->lock);

	drm_gpuvm_put(&vm->base);
}

struct osprey_vm *osprey_vm_get(struct osprey_vm *vm)
{
	kref_get(&vm->users);
	return vm;
}

void osprey_vm_put(struct osprey_vm *vm)
{
	if (vm)
		kref_put(&vm->users, osprey_vm_release);
}

dma_addr_t osprey_vm_root_dma(const struct osprey_vm *vm)
{
	return vm->root->dma;
}

u32 osprey_vm_walk(struct osprey_vm *vm, u64 va, u64 walk[3])
{
	struct osprey_pt *pt = vm->root;
	u32 level, levels = 0;

	for (level = 0; level < 3 && pt; level++) {
		unsigned int idx = OSPREY_PT_INDEX(va, level);

		walk[level] = READ_ONCE(osprey_pt_entries(pt)[idx]);
		levels = level + 1;
		if (!(walk[level] & OSPREY_PTE_VALID) || level == 2)
			break;
		/* Pairs with the smp_wmb() of osprey_vm_l2(). */
		smp_rmb();
		pt = READ_ONCE(pt->children[idx]);
	}
	return levels;
}

bool osprey_vm_va_readonly(const struct drm_gpuva *va)
{
	return va->flags & OSPREY_VMA_READONLY;
}

struct osprey_vm *osprey_vm_lookup(struct osprey_file *ofile, u32 vm_id)
{
	struct osprey_vm *vm;

	if (vm_id == DRM_OSPREY_VM_DEFAULT) {
		mutex_lock(&ofile->lock);
		if (!ofile->default_vm) {
			vm = osprey_vm_new(ofile->odev);
			if (IS_ERR(vm)) {
				mutex_unlock(&ofile->lock);
				return vm;
			}
			ofile->default_vm = vm;
		}
		vm = osprey_vm_get(ofile->default_vm);
		mutex_unlock(&ofile->lock);
		return vm;
	}

	xa_lock(&ofile->vms);
	vm = xa_load(&ofile->vms, vm_id);
	if (vm)
		osprey_vm_get(vm);
	xa_unlock(&ofile->vms);
	return vm ?: ERR_PTR(-ENOENT);
}

void osprey_vm_file_fini(struct osprey_file *ofile)
{
	struct osprey_vm *vm;
	unsigned long id;

	xa_for_each(&ofile->vms, id, vm)
		osprey_vm_put(vm);
	xa_destroy(&ofile->vms);
	osprey_vm_put(ofile->default_vm);
}

/* Buffer pages ---------------------------------------------------------- */

/* The pages of a buffer for the GPU, pinned for the buffer's lifetime. */
static struct sg_table *osprey_vm_bo_sgt(struct drm_gem_object *obj)
{
	struct osprey_dmabuf_bo *dbo = to_osprey_dmabuf_bo(obj);
	struct osprey_bo *bo = to_osprey_bo(obj);

	if (bo)
		return drm_gem_shmem_get_pages_sgt(&bo->base);
	if (dbo)
		return dbo->tgem.import_sgt;
	return ERR_PTR(-ENOENT);
}

/* Kernel-owned VMs ------------------------------------------------------ */

/* Drop the L2 tables of a kernel mapping's range: they were its alone. */
static void osprey_vm_kernel_free_l2_locked(struct osprey_vm *vm,
					    const struct drm_mm_node *node)
{
	u64 va;

	lockdep_assert_held(&vm->lock);

	for (va = node->start; va < node->start + node->size; va += OSPREY_PT_L2_SPAN) {
		struct osprey_pt *l1 = osprey_vm_table(vm, va, 1, false);
		unsigned int idx = OSPREY_PT_INDEX(va, 1);
		struct osprey_pt *l2 = l1 ? l1->children[idx] : NULL;

		if (!l2)
			continue;
		WRITE_ONCE(osprey_pt_entries(l1)[idx], 0);
		WRITE_ONCE(l1->children[idx], NULL);
		osprey_pt_put(l2);
	}
}

struct osprey_vm *osprey_vm_create_kernel(struct osprey_device *odev,
					  const char *name, u64 start, u64 end)
{
	struct osprey_pt *l1 = NULL;
	struct osprey_vm *vm;
	u64 va;

	/*
	 * No drm_gpuvm: nothing to track that the allocator does not, and
	 * drm_gpuvm_init() takes a reference on the device, which a VM the
	 * device owns until its release must not hold.
	 */
	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	vm->root = osprey_pt_new(&odev->drm, 0, &odev->kernel_pts);
	if (IS_ERR(vm->root)) {
		l1 = vm->root;
		kfree(vm);
		return ERR_CAST(l1);
	}
	vm->odev = odev;
	strscpy(vm->owner_comm, name);
	kref_init(&vm->users);
	mutex_init(&vm->lock);
	vm->slot = -1;

	/* Every L1 table of the range, for good (see the DOC above). */
	mutex_lock(&vm->lock);
	for (va = ALIGN_DOWN(start, OSPREY_PT_L1_SPAN); va < end; va += OSPREY_PT_L1_SPAN) {
		l1 = osprey_vm_table(vm, va, 1, true);
		if (IS_ERR(l1))
			break;
	}
	mutex_unlock(&vm->lock);
	if (IS_ERR(l1)) {
		osprey_vm_destroy_kernel(vm);
		return ERR_CAST(l1);
	}
	return vm;
}

void osprey_vm_destroy_kernel(struct osprey_vm *vm)
{
	mutex_lock(&vm->lock);
	osprey_pt_free_tree(vm->root);
	vm->root = NULL;
	mutex_unlock(&vm->lock);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

int osprey_vm_kernel_map(struct osprey_vm *vm, struct drm_mm *mm,
			 struct drm_gem_object *obj, bool writable,
			 struct drm_mm_node *node)
{
	struct sg_table *sgt;
	int ret;

	/* Pinned before the VM lock: the shmem helpers take the reservation. */
	sgt = osprey_vm_bo_sgt(obj);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);

	mutex_lock(&vm->lock);
	/* Whole L2 tables: each mapping has its own. */
	ret = drm_mm_insert_node_generic(mm, node, ALIGN(obj->size, OSPREY_PT_L2_SPAN),
					 OSPREY_PT_L2_SPAN, 0, DRM_MM_INSERT_BEST);
	if (!ret) {
		ret = osprey_vm_write_locked(vm, node->start, obj->size, sgt, 0,
					     writable);
		if (ret) {
			osprey_vm_kernel_free_l2_locked(vm, node);
			drm_mm_remove_node(node);
		}
	}
	mutex_unlock(&vm->lock);
	return ret;
}

void osprey_vm_kernel_unmap(struct osprey_vm *vm, struct drm_mm_node *node)
{
	mutex_lock(&vm->lock);
	osprey_vm_kernel_free_l2_locked(vm, node);
	drm_mm_remove_node(node);
	mutex_unlock(&vm->lock);
}

/* Ioctls --------------------------------------------------------------- */

int osprey_ioctl_vm_create(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct osprey_file *ofile = file->driver_priv;
	struct drm_osprey_vm_create *args = data;
	struct osprey_vm *vm;
	int ret, idx;
	u32 id;

	if (args->flags)
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	vm = osprey_vm_new(ofile->odev);
	if (IS_ERR(vm)) {
		ret = PTR_ERR(vm);
		goto out;
	}
	ret = xa_alloc(&ofile->vms, &id, vm, XA_LIMIT(1, OSPREY_MAX_VMS),
		       GFP_KERNEL);
	if (ret) {
		osprey_vm_put(vm);
		/* xa_alloc() says -EBUSY when the ids run out. */
		if (ret == -EBUSY)
			ret = -ENOSPC;
		goto out;
	}
	vm->id = id;
	args->vm_id = id;
out:
	drm_dev_exit(idx);
	return ret;
}

int osprey_ioctl_vm_destroy(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct osprey_file *ofile = file->driver_priv;
	struct drm_osprey_vm_destroy *args = data;
	struct osprey_vm *vm;

	if (args->pad || args->vm_id == DRM_OSPREY_VM_DEFAULT)
		return -EINVAL;
	/* No drm_dev_enter(): dropping a reference is fine after unplug. */
	vm = xa_erase(&ofile->vms, args->vm_id);
	if (!vm)
		return -ENOENT;
	osprey_vm_put(vm);
	return 0;
}

static int osprey_vm_map(struct osprey_vm *vm, struct drm_file *file,
			 const struct drm_osprey_vm_bind *args)
{
	struct drm_gem_object *obj;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *va;
	struct sg_table *sgt;
	u64 end;
	int ret;

	if (args->flags & ~DRM_OSPREY_VM_BIND_READONLY)
		return -EINVAL;

	obj = osprey_gem_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	ret = -EINVAL;
	if (check_add_overflow(args->bo_offset, args->size, &end) || end > obj->size)
		goto out_put;

	sgt = osprey_vm_bo_sgt(obj);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto out_put;
	}

	va = kzalloc(sizeof(*va), GFP_KERNEL);
	if (!va) {
		ret = -ENOMEM;
		goto out_put;
	}

	mutex_lock(&vm->lock);
	if (!drm_gpuvm_interval_empty(&vm->base, args->va, args->size)) {
		ret = -EEXIST;
		goto out_unlock;
	}
	ret = osprey_vm_write_locked(vm, args->va, args->size, sgt,
				     args->bo_offset,
				     !(args->flags & DRM_OSPREY_VM_BIND_READONLY));
	if (ret)
		goto out_unlock;

	dma_resv_lock(obj->resv, NULL);
	vm_bo = drm_gpuvm_bo_obtain(&vm->base, obj);
	if (IS_ERR(vm_bo)) {
		dma_resv_unlock(obj->resv);
		osprey_vm_clear_locked(vm, args->va, args->size);
		ret = PTR_ERR(vm_bo);
		goto out_unlock;
	}
	drm_gpuva_init(va, args->va, args->size, obj, args->bo_offset);
	if (args->flags & DRM_OSPREY_VM_BIND_READONLY)
		va->flags |= OSPREY_VMA_READONLY;
	/* The interval was empty and in range: this cannot fail. */
	ret = drm_gpuva_insert(&vm->base, va);
	drm_WARN_ON(obj->dev, ret);
	drm_gpuva_link(va, vm_bo);
	drm_gpuvm_bo_extobj_add(vm_bo);
	drm_gpuvm_bo_put(vm_bo);
	dma_resv_unlock(obj->resv);
	va = NULL;

	/* New entries only: nothing cached to drop, but the spec asks. */
	osprey_engine_invalidate(vm->odev, vm);
out_unlock:
	mutex_unlock(&vm->lock);
	kfree(va);
out_put:
	drm_gem_object_put(obj);
	return ret;
}

/* Whether every page of [start, end) is mapped. */
static bool osprey_vm_range_mapped_locked(struct osprey_vm *vm, u64 start, u64 end)
{
	struct drm_gpuva *va;
	u64 covered = start;

	lockdep_assert_held(&vm->lock);

	drm_gpuvm_for_each_va_range(va, &vm->base, start, end) {
		if (va->va.addr > covered)
			return false;
		covered = va->va.addr + va->va.range;
	}
	return covered >= end;
}

/* Make *@piece the part of @va in [start, end), linked like it; consume it. */
static void osprey_vma_split(struct osprey_vm *vm, struct drm_gpuva *va,
			     u64 start, u64 end, struct drm_gpuva **piece)
{
	struct drm_gpuva *p = *piece;

	drm_gpuva_init(p, start, end - start, va->gem.obj,
		       va->gem.offset + (start - va->va.addr));
	p->flags = va->flags;
	/* @va was just removed from where @p goes: this cannot fail. */
	drm_WARN_ON(va->gem.obj->dev, drm_gpuva_insert(&vm->base, p));
	drm_gpuva_link(p, va->vm_bo);
	*piece = NULL;
}

static int osprey_vm_unmap(struct osprey_vm *vm, const struct drm_osprey_vm_bind *args)
{
	u64 start = args->va, end = args->va + args->size;
	struct drm_gpuva *va, *next, *prev_piece, *next_piece;
	long wait;
	int ret = 0;

	if (args->flags || args->handle || args->bo_offset)
		return -EINVAL;

	/* At most the first and the last mapping are split. */
	prev_piece = kzalloc(sizeof(*prev_piece), GFP_KERNEL);
	next_piece = kzalloc(sizeof(*next_piece), GFP_KERNEL);
	if (!prev_piece || !next_piece) {
		ret = -ENOMEM;
		goto out_free;
	}

	mutex_lock(&vm->lock);
	if (!osprey_vm_range_mapped_locked(vm, start, end)) {
		ret = -ENOENT;
		goto out_unlock;
	}

	/*
	 * Jobs armed before this point have their fences on the VM's
	 * reservation object (SUBMIT adds them under the VM lock); later
	 * ones wait for the lock and find the range gone.
	 */
	wait = dma_resv_wait_timeout(drm_gpuvm_resv(&vm->base),
				     DMA_RESV_USAGE_BOOKKEEP, true,
				     MAX_SCHEDULE_TIMEOUT);
	if (wait < 0) {
		ret = wait;
		goto out_unlock;
	}

	osprey_vm_clear_locked(vm, start, args->size);
	osprey_engine_invalidate(vm->odev, vm);

	drm_gpuvm_for_each_va_range_safe(va, next, &vm->base, start, end) {
		struct drm_gem_object *obj = va->gem.obj;
		u64 va_end = va->va.addr + va->va.range;

		drm_gem_object_get(obj);
		dma_resv_lock(obj->resv, NULL);
		drm_gpuva_remove(va);
		if (va->va.addr < start)
			osprey_vma_split(vm, va, va->va.addr, start, &prev_piece);
		if (va_end > end)
			osprey_vma_split(vm, va, end, va_end, &next_piece);
		drm_gpuva_unlink(va);
		kfree(va);
		dma_resv_unlock(obj->resv);
		drm_gem_object_put(obj);
	}
out_unlock:
	mutex_unlock(&vm->lock);
out_free:
	kfree(prev_piece);
	kfree(next_piece);
	return ret;
}

int osprey_ioctl_vm_bind(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct osprey_file *ofile = file->driver_priv;
	struct drm_osprey_vm_bind *args = data;
	struct osprey_vm *vm;
	u64 end;
	int ret, idx;

	if (args->op != DRM_OSPREY_VM_BIND_OP_MAP &&
	    args->op != DRM_OSPREY_VM_BIND_OP_UNMAP)
		return -EINVAL;
	if (!args->size || !PAGE_ALIGNED(args->va) || !PAGE_ALIGNED(args->size) ||
	    !PAGE_ALIGNED(args->bo_offset))
		return -EINVAL;
	if (check_add_overflow(args->va, args->size, &end) ||
	    args->va < OSPREY_USER_VA_START || end > OSPREY_USER_VA_END)
		return -EINVAL;

	/*
	 * Only a check: an unmap may wait for jobs as long as the timeout,
	 * which drm_dev_unplug() must not wait for. The register writes
	 * (TLB invalidation) have their own sections.
	 */
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	drm_dev_exit(idx);

	vm = osprey_vm_lookup(ofile, args->vm_id);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	if (args->op == DRM_OSPREY_VM_BIND_OP_MAP)
		ret = osprey_vm_map(vm, file, args);
	else
		ret = osprey_vm_unmap(vm, args);
	osprey_vm_put(vm);
	return ret;
}
