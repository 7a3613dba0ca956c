/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The Osprey authors */
#ifndef LIBOSPREY_H
#define LIBOSPREY_H

/*
 * libosprey: a small userspace library over the Osprey ioctls, in the
 * spirit of libdrm_etnaviv and libdrm_freedreno. ospreyctl, the IGT tests
 * and the benchmarks share it.
 *
 * Conventions: functions that can fail return 0 or a negative errno (never
 * -1 with errno); constructors return NULL and set errno. Nothing here
 * allocates GPU virtual addresses behind the caller's back except
 * osp_va_alloc(), a bump allocator per osp_vm. Timeouts are relative, in
 * nanoseconds: 0 only polls, a negative one waits without limit, and a
 * wait that times out returns -ETIMEDOUT.
 *
 * Threads may share a device, its VMs (osp_va_alloc() is lock-free) and
 * syncobjs; a buffer's or a batch's CPU-side state is its user's to guard.
 * struct osp_dev is made only by osp_dev_open() and osp_dev_wrap().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "osprey_drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/* A DRM file of an Osprey device, with its parameters read once. */
struct osp_dev {
	int fd;
	bool owns_fd;
	uint64_t va_start;		/* DRM_OSPREY_PARAM_VA_START */
	uint64_t va_end;		/* DRM_OSPREY_PARAM_VA_END */
	uint64_t max_batch_size;	/* DRM_OSPREY_PARAM_MAX_BATCH_SIZE */
	uint64_t max_syncs;		/* DRM_OSPREY_PARAM_MAX_SYNCS */
};

/* A buffer object, its CPU mapping made on first use. */
struct osp_bo {
	struct osp_dev *dev;
	uint32_t handle;
	uint64_t size;
	void *map;			/* NULL until osp_bo_map() */
};

/* A GPU address space with a bump allocator over the advertised range. */
struct osp_vm {
	struct osp_dev *dev;
	uint32_t id;			/* DRM_OSPREY_VM_DEFAULT or from VM_CREATE */
	uint64_t next_va;
};

/* Device ------------------------------------------------------------- */

/* Open the first Osprey render node (or @path when not NULL). */
struct osp_dev *osp_dev_open(const char *path);
/* Wrap an already open Osprey DRM fd; the fd stays the caller's. */
struct osp_dev *osp_dev_wrap(int fd);
void osp_dev_close(struct osp_dev *dev);
int osp_get_param(struct osp_dev *dev, uint32_t param, uint64_t *value);

/* Buffers ------------------------------------------------------------ */

struct osp_bo *osp_bo_new(struct osp_dev *dev, uint64_t size);
void osp_bo_del(struct osp_bo *bo);	/* unmaps and closes the handle */
void *osp_bo_map(struct osp_bo *bo);	/* NULL and errno on failure */
int osp_bo_wait(struct osp_bo *bo, int64_t timeout_ns);	/* relative */

/* Address spaces ----------------------------------------------------- */

/*
 * The file's default VM (no ioctl) or a new one. Every osp_vm_default()
 * caller of a device gets the same osp_vm, reference-counted (released by
 * osp_vm_del()), so that they all allocate from one allocator.
 */
struct osp_vm *osp_vm_default(struct osp_dev *dev);
struct osp_vm *osp_vm_new(struct osp_dev *dev);
void osp_vm_del(struct osp_vm *vm);	/* VM_DESTROY unless default */
/* A fresh page-aligned range of @size bytes in @vm; 0 when none is left. */
uint64_t osp_va_alloc(struct osp_vm *vm, uint64_t size);
int osp_vm_map(struct osp_vm *vm, struct osp_bo *bo, uint64_t bo_offset,
	       uint64_t va, uint64_t size, uint32_t flags);
int osp_vm_unmap(struct osp_vm *vm, uint64_t va, uint64_t size);

/* Queues, jobs and syncobjs ------------------------------------------ */

/* A queue whose jobs run in @vm (NULL: the default VM). */
int osp_queue_create(struct osp_dev *dev, struct osp_vm *vm,
		     uint32_t priority, uint32_t *queue_id);
int osp_queue_destroy(struct osp_dev *dev, uint32_t queue_id);
/*
 * A queue's reset and ban state (DRM_IOCTL_OSPREY_QUEUE_GET_STATE): @state
 * is filled with the kernel's answer, flags and pad zero. -ENOENT for an
 * id that names no queue of the file.
 */
int osp_queue_get_state(struct osp_dev *dev, uint32_t queue_id,
			struct drm_osprey_queue_get_state *state);
int osp_submit(struct osp_dev *dev, uint32_t queue_id, uint64_t batch_va,
	       uint32_t batch_size,
	       const struct drm_osprey_sync *in, uint32_t in_count,
	       const struct drm_osprey_sync *out, uint32_t out_count);

int osp_syncobj_create(struct osp_dev *dev, uint32_t *handle);
int osp_syncobj_destroy(struct osp_dev *dev, uint32_t handle);
/*
 * Wait for @handle (@point 0: binary) up to @timeout_ns from now. The fence
 * must have been submitted: without one, -EINVAL at once (as the kernel).
 */
int osp_syncobj_wait(struct osp_dev *dev, uint32_t handle, uint64_t point,
		     int64_t timeout_ns);
/*
 * The status of the fence in @handle at @point (0: binary): 1 signalled
 * without error, 0 still pending, or the fence's negative error (-EFAULT
 * for a fault, -EINVAL for an invalid instruction, ...; see
 * uapi/osprey_drm.h "Queues and jobs"). Read through a sync_file;
 * -EINVAL when there is no fence (never submitted). The kernel drops
 * signalled timeline points from a syncobj's chain: an old point may then
 * report a later job's status.
 */
int osp_syncobj_status(struct osp_dev *dev, uint32_t handle, uint64_t point);
/*
 * osp_syncobj_status(), and, when @timestamp_ns is not NULL, the
 * CLOCK_MONOTONIC time at which the fence signalled (0 while pending).
 */
int osp_syncobj_status_ts(struct osp_dev *dev, uint32_t handle,
			  uint64_t point, int64_t *timestamp_ns);

/* Batches ------------------------------------------------------------ */

/*
 * A batch buffer: a BO mapped in a VM that instructions are appended to
 * with the encoders of include/osprey_isa.h.
 */
struct osp_batch {
	struct osp_bo *bo;
	struct osp_vm *vm;
	uint64_t va;			/* GPU VA of the first word */
	uint32_t *words;		/* CPU mapping */
	uint32_t len;			/* words written */
	uint32_t cap;			/* words available */
};

struct osp_batch *osp_batch_new(struct osp_vm *vm, uint64_t size);
void osp_batch_del(struct osp_batch *b);	/* unmaps from the VM */
void osp_batch_reset(struct osp_batch *b);
/* Append @n words; -ENOSPC when they do not fit. */
int osp_batch_emit(struct osp_batch *b, const uint32_t *words, uint32_t n);
int osp_batch_nop(struct osp_batch *b);
int osp_batch_store(struct osp_batch *b, uint64_t va, uint32_t value);
int osp_batch_copy(struct osp_batch *b, uint64_t dst, uint64_t src,
		   uint32_t bytes);
int osp_batch_fill(struct osp_batch *b, uint64_t va, uint32_t bytes,
		   uint32_t pattern);
int osp_batch_end(struct osp_batch *b);
/* Submit the words written so far on @queue_id; sync arrays as osp_submit(). */
int osp_batch_submit(struct osp_batch *b, uint32_t queue_id,
		     const struct drm_osprey_sync *in, uint32_t in_count,
		     const struct drm_osprey_sync *out, uint32_t out_count);

/*
 * A BO of @size bytes mapped at a fresh VA of @vm (read-write). The mapping
 * is the caller's: osp_bo_del() does not remove it (osp_vm_unmap(@vm, *@va,
 * bo->size) does, or destroying the VM).
 */
struct osp_bo *osp_bo_new_mapped(struct osp_vm *vm, uint64_t size,
				 uint64_t *va);

/*
 * The status of the first fence of the sync_file @fd (1, 0 or its negative
 * error) and, if @timestamp_ns is not NULL, when it signalled; with
 * @aggregate, the status SYNC_IOC_FILE_INFO gives for all of its fences.
 * A sync_file outlives its device: this works after an unplug.
 */
int osp_sync_file_status(int fd, bool aggregate, int64_t *timestamp_ns);

int64_t osp_now_ns(void);	/* CLOCK_MONOTONIC */

#if defined(__cplusplus)
}
#endif

#endif /* LIBOSPREY_H */
