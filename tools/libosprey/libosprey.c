// SPDX-License-Identifier: MIT
/* Copyright (C) 2026 The Osprey authors */

/*
 * libosprey: devices, buffers, address spaces, queues, syncobjs and batches
 * over the Osprey ioctls of uapi/osprey_drm.h. See libosprey.h for the
 * conventions (negative errnos, NULL and errno from constructors).
 *
 * struct osp_dev and struct osp_vm are embedded in private structures: a
 * device keeps its default VM, shared by every osp_vm_default() caller so
 * that they draw addresses from one allocator, and a VM's allocator is
 * lock-free so that threads may share it.
 */

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "libosprey.h"
#include "osprey_isa.h"

#define OSP_PAGE_SIZE		4096ull
#define OSP_DRIVER_NAME		"osprey"

#define osp_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

struct osp_dev_priv {
	struct osp_dev base;
	pthread_mutex_t lock;		/* protects default_vm, default_refs */
	struct osp_vm *default_vm;
	unsigned int default_refs;
};

static struct osp_dev_priv *to_priv(struct osp_dev *dev)
{
	return osp_container_of(dev, struct osp_dev_priv, base);
}

int64_t osp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * The absolute CLOCK_MONOTONIC time @timeout_ns from now; a negative
 * @timeout_ns means no timeout (INT64_MAX), and the sum saturates.
 */
static int64_t osp_deadline(int64_t timeout_ns)
{
	int64_t now = osp_now_ns();

	if (timeout_ns < 0 || timeout_ns > INT64_MAX - now)
		return INT64_MAX;
	return now + timeout_ns;
}

/* drmIoctl() with the negative-errno convention. */
static int osp_ioctl(int fd, unsigned long request, void *arg)
{
	return drmIoctl(fd, request, arg) ? -errno : 0;
}

/* Device ------------------------------------------------------------- */

static bool osp_is_osprey(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool yes = v && v->name && !strcmp(v->name, OSP_DRIVER_NAME);

	drmFreeVersion(v);
	return yes;
}

int osp_get_param(struct osp_dev *dev, uint32_t param, uint64_t *value)
{
	struct drm_osprey_get_param gp = { .param = param };
	int ret;

	ret = osp_ioctl(dev->fd, DRM_IOCTL_OSPREY_GET_PARAM, &gp);
	if (!ret)
		*value = gp.value;
	return ret;
}

/*
 * Make a device of @fd: check it is an Osprey DRM file and read the
 * parameters the library needs. Returns NULL with errno (ENODEV for another
 * driver) on failure; @fd is never closed here.
 */
static struct osp_dev *osp_dev_init(int fd, bool owns_fd)
{
	struct osp_dev_priv *priv;
	struct osp_dev *dev;
	int ret;

	if (!osp_is_osprey(fd)) {
		errno = ENODEV;
		return NULL;
	}
	priv = calloc(1, sizeof(*priv));
	if (!priv)
		return NULL;
	dev = &priv->base;
	dev->fd = fd;
	dev->owns_fd = owns_fd;

	ret = osp_get_param(dev, DRM_OSPREY_PARAM_VA_START, &dev->va_start);
	if (!ret)
		ret = osp_get_param(dev, DRM_OSPREY_PARAM_VA_END, &dev->va_end);
	if (!ret)
		ret = osp_get_param(dev, DRM_OSPREY_PARAM_MAX_BATCH_SIZE,
				    &dev->max_batch_size);
	if (!ret)
		ret = osp_get_param(dev, DRM_OSPREY_PARAM_MAX_SYNCS, &dev->max_syncs);
	if (!ret && dev->va_start >= dev->va_end)
		ret = -ENODEV;
	if (!ret)
		ret = -pthread_mutex_init(&priv->lock, NULL);
	if (ret) {
		free(priv);
		errno = -ret;
		return NULL;
	}
	return dev;
}

struct osp_dev *osp_dev_wrap(int fd)
{
	return osp_dev_init(fd, false);
}

static int osp_render_filter(const struct dirent *d)
{
	return !strncmp(d->d_name, "renderD", 7);
}

/* renderD128 before renderD1000: by the minor number, not as strings. */
static int osp_render_compare(const struct dirent **a, const struct dirent **b)
{
	long na = strtol((*a)->d_name + 7, NULL, 10);
	long nb = strtol((*b)->d_name + 7, NULL, 10);

	return (na > nb) - (na < nb);
}

static struct osp_dev *osp_dev_open_path(const char *path)
{
	struct osp_dev *dev;
	int fd, err;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	dev = osp_dev_init(fd, true);
	if (!dev) {
		err = errno;
		close(fd);
		errno = err;
	}
	return dev;
}

/**
 * osp_dev_open() - Open an Osprey device
 * @path: A DRM node to open, or NULL for the first render node
 *	(``/dev/dri/renderD*``, by minor number) whose driver is "osprey".
 *
 * Return: The device, owning its fd, or NULL with errno set: ENODEV when
 * @path is not an Osprey device or no render node is, or open()'s error.
 */
struct osp_dev *osp_dev_open(const char *path)
{
	struct dirent **names;
	struct osp_dev *dev = NULL;
	char node[PATH_MAX];
	int n, i;

	if (path)
		return osp_dev_open_path(path);

	n = scandir("/dev/dri", &names, osp_render_filter, osp_render_compare);
	if (n < 0) {
		errno = ENODEV;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (!dev) {
			snprintf(node, sizeof(node), "/dev/dri/%s", names[i]->d_name);
			dev = osp_dev_open_path(node);
		}
		free(names[i]);
	}
	free(names);
	if (!dev)
		errno = ENODEV;
	return dev;
}

void osp_dev_close(struct osp_dev *dev)
{
	struct osp_dev_priv *priv;

	if (!dev)
		return;
	priv = to_priv(dev);
	/* A default VM its users did not release goes with the device. */
	free(priv->default_vm);
	pthread_mutex_destroy(&priv->lock);
	if (dev->owns_fd)
		close(dev->fd);
	free(priv);
}

/* Buffers ------------------------------------------------------------ */

struct osp_bo *osp_bo_new(struct osp_dev *dev, uint64_t size)
{
	struct drm_osprey_gem_create req = { .size = size };
	struct osp_bo *bo;
	int ret;

	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return NULL;
	ret = osp_ioctl(dev->fd, DRM_IOCTL_OSPREY_GEM_CREATE, &req);
	if (ret) {
		free(bo);
		errno = -ret;
		return NULL;
	}
	bo->dev = dev;
	bo->handle = req.handle;
	bo->size = req.size;
	return bo;
}

void osp_bo_del(struct osp_bo *bo)
{
	struct drm_gem_close req;

	if (!bo)
		return;
	if (bo->map)
		munmap(bo->map, bo->size);
	req = (struct drm_gem_close){ .handle = bo->handle };
	drmIoctl(bo->dev->fd, DRM_IOCTL_GEM_CLOSE, &req);
	free(bo);
}

void *osp_bo_map(struct osp_bo *bo)
{
	struct drm_osprey_gem_mmap_offset req = { .handle = bo->handle };
	void *map;
	int ret;

	if (bo->map)
		return bo->map;
	ret = osp_ioctl(bo->dev->fd, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &req);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	map = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   bo->dev->fd, req.offset);
	if (map == MAP_FAILED)
		return NULL;
	bo->map = map;
	return map;
}

/**
 * osp_bo_wait() - Wait for every job using a buffer to finish
 * @bo: The buffer.
 * @timeout_ns: How long to wait from now; 0 only polls, negative waits
 *	without a limit.
 *
 * Return: 0 once idle, -ETIMEDOUT if still busy, or another negative errno.
 */
int osp_bo_wait(struct osp_bo *bo, int64_t timeout_ns)
{
	struct drm_osprey_gem_wait req = {
		.handle = bo->handle,
		.timeout_ns = osp_deadline(timeout_ns),
	};

	return osp_ioctl(bo->dev->fd, DRM_IOCTL_OSPREY_GEM_WAIT, &req);
}

/* Address spaces ----------------------------------------------------- */

static struct osp_vm *osp_vm_alloc(struct osp_dev *dev, uint32_t id)
{
	struct osp_vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	vm->dev = dev;
	vm->id = id;
	vm->next_va = (dev->va_start + OSP_PAGE_SIZE - 1) & ~(OSP_PAGE_SIZE - 1);
	return vm;
}

/**
 * osp_vm_default() - The file's default address space
 * @dev: The device.
 *
 * Every caller gets the same &struct osp_vm, reference-counted, so that all
 * the users of the default VM allocate addresses from one allocator.
 * Release it with osp_vm_del().
 *
 * Return: The default VM, or NULL with errno ENOMEM.
 */
struct osp_vm *osp_vm_default(struct osp_dev *dev)
{
	struct osp_dev_priv *priv = to_priv(dev);
	struct osp_vm *vm;

	pthread_mutex_lock(&priv->lock);
	if (!priv->default_vm)
		priv->default_vm = osp_vm_alloc(dev, DRM_OSPREY_VM_DEFAULT);
	vm = priv->default_vm;
	if (vm)
		priv->default_refs++;
	pthread_mutex_unlock(&priv->lock);
	return vm;
}

struct osp_vm *osp_vm_new(struct osp_dev *dev)
{
	struct drm_osprey_vm_create req = { 0 };
	struct drm_osprey_vm_destroy destroy = { 0 };
	struct osp_vm *vm;
	int ret;

	ret = osp_ioctl(dev->fd, DRM_IOCTL_OSPREY_VM_CREATE, &req);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	vm = osp_vm_alloc(dev, req.vm_id);
	if (!vm) {
		destroy.vm_id = req.vm_id;
		drmIoctl(dev->fd, DRM_IOCTL_OSPREY_VM_DESTROY, &destroy);
		errno = ENOMEM;
	}
	return vm;
}

void osp_vm_del(struct osp_vm *vm)
{
	struct drm_osprey_vm_destroy req = { 0 };
	struct osp_dev_priv *priv;

	if (!vm)
		return;
	if (vm->id == DRM_OSPREY_VM_DEFAULT) {
		priv = to_priv(vm->dev);
		pthread_mutex_lock(&priv->lock);
		if (priv->default_vm == vm && !--priv->default_refs) {
			priv->default_vm = NULL;
			free(vm);
		}
		pthread_mutex_unlock(&priv->lock);
		return;
	}
	req.vm_id = vm->id;
	drmIoctl(vm->dev->fd, DRM_IOCTL_OSPREY_VM_DESTROY, &req);
	free(vm);
}

/**
 * osp_va_alloc() - Allocate a range of GPU virtual addresses
 * @vm: The address space.
 * @size: Bytes wanted, rounded up to a page; 0 is refused.
 *
 * A bump allocator over [%DRM_OSPREY_PARAM_VA_START,
 * %DRM_OSPREY_PARAM_VA_END): addresses are never reused. Safe to call from
 * several threads at once.
 *
 * Return: The page-aligned start of the range, or 0 when @size is 0 or the
 * range would not fit.
 */
uint64_t osp_va_alloc(struct osp_vm *vm, uint64_t size)
{
	uint64_t start, end;

	if (!size || size > UINT64_MAX - OSP_PAGE_SIZE)
		return 0;
	size = (size + OSP_PAGE_SIZE - 1) & ~(OSP_PAGE_SIZE - 1);

	start = __atomic_load_n(&vm->next_va, __ATOMIC_RELAXED);
	do {
		if (start > vm->dev->va_end || size > vm->dev->va_end - start)
			return 0;
		end = start + size;
	} while (!__atomic_compare_exchange_n(&vm->next_va, &start, end, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return start;
}

static int osp_vm_bind(struct osp_vm *vm, uint32_t op, uint32_t flags,
		       uint32_t handle, uint64_t bo_offset, uint64_t va,
		       uint64_t size)
{
	struct drm_osprey_vm_bind req = {
		.vm_id = vm->id,
		.op = op,
		.flags = flags,
		.handle = handle,
		.bo_offset = bo_offset,
		.va = va,
		.size = size,
	};

	return osp_ioctl(vm->dev->fd, DRM_IOCTL_OSPREY_VM_BIND, &req);
}

int osp_vm_map(struct osp_vm *vm, struct osp_bo *bo, uint64_t bo_offset,
	       uint64_t va, uint64_t size, uint32_t flags)
{
	return osp_vm_bind(vm, DRM_OSPREY_VM_BIND_OP_MAP, flags, bo->handle,
			   bo_offset, va, size);
}

int osp_vm_unmap(struct osp_vm *vm, uint64_t va, uint64_t size)
{
	return osp_vm_bind(vm, DRM_OSPREY_VM_BIND_OP_UNMAP, 0, 0, 0, va, size);
}

/**
 * osp_bo_new_mapped() - Create a buffer and map it in an address space
 * @vm: The address space.
 * @size: Bytes wanted (rounded up to a page by the kernel).
 * @va: Set to the GPU VA the whole buffer is mapped at, read-write.
 *
 * The mapping is the caller's: osp_bo_del() closes the handle but the
 * mapping keeps the memory until osp_vm_unmap(@vm, *@va, bo->size) or until
 * the VM is gone.
 *
 * Return: The buffer (not CPU-mapped yet), or NULL with errno set (ENOSPC
 * when the VM has no room left).
 */
struct osp_bo *osp_bo_new_mapped(struct osp_vm *vm, uint64_t size,
				 uint64_t *va)
{
	struct osp_bo *bo;
	uint64_t addr;
	int ret;

	bo = osp_bo_new(vm->dev, size);
	if (!bo)
		return NULL;
	addr = osp_va_alloc(vm, bo->size);
	if (!addr) {
		osp_bo_del(bo);
		errno = ENOSPC;
		return NULL;
	}
	ret = osp_vm_map(vm, bo, 0, addr, bo->size, 0);
	if (ret) {
		osp_bo_del(bo);
		errno = -ret;
		return NULL;
	}
	*va = addr;
	return bo;
}

/* Queues, jobs and syncobjs ------------------------------------------ */

/**
 * osp_queue_create() - Create a job queue
 * @dev: The device.
 * @vm: The address space the queue's jobs run in; NULL for the default one.
 * @priority: DRM_OSPREY_QUEUE_PRIORITY_*.
 * @queue_id: Set to the new queue's id.
 *
 * Return: 0 or a negative errno.
 */
int osp_queue_create(struct osp_dev *dev, struct osp_vm *vm,
		     uint32_t priority, uint32_t *queue_id)
{
	struct drm_osprey_queue_create req = {
		.vm_id = vm ? vm->id : DRM_OSPREY_VM_DEFAULT,
		.priority = priority,
	};
	int ret;

	ret = osp_ioctl(dev->fd, DRM_IOCTL_OSPREY_QUEUE_CREATE, &req);
	if (!ret)
		*queue_id = req.queue_id;
	return ret;
}

int osp_queue_destroy(struct osp_dev *dev, uint32_t queue_id)
{
	struct drm_osprey_queue_destroy req = { .queue_id = queue_id };

	return osp_ioctl(dev->fd, DRM_IOCTL_OSPREY_QUEUE_DESTROY, &req);
}

/**
 * osp_queue_get_state() - Read a queue's resets, faults and ban
 * @dev: The device.
 * @queue_id: A queue of @dev's file.
 * @state: Set to the kernel's answer (state bits, counts, hang_limit).
 *
 * Return: 0 or a negative errno (-ENOENT: no such queue).
 */
int osp_queue_get_state(struct osp_dev *dev, uint32_t queue_id,
			struct drm_osprey_queue_get_state *state)
{
	struct drm_osprey_queue_get_state req = { .queue_id = queue_id };
	int ret;

	ret = osp_ioctl(dev->fd, DRM_IOCTL_OSPREY_QUEUE_GET_STATE, &req);
	if (!ret)
		*state = req;
	return ret;
}

int osp_submit(struct osp_dev *dev, uint32_t queue_id, uint64_t batch_va,
	       uint32_t batch_size,
	       const struct drm_osprey_sync *in, uint32_t in_count,
	       const struct drm_osprey_sync *out, uint32_t out_count)
{
	struct drm_osprey_submit req = {
		.queue_id = queue_id,
		.batch_va = batch_va,
		.batch_size = batch_size,
		.in_sync_count = in_count,
		.out_sync_count = out_count,
		.in_syncs = (uintptr_t)in,
		.out_syncs = (uintptr_t)out,
	};

	return osp_ioctl(dev->fd, DRM_IOCTL_OSPREY_SUBMIT, &req);
}

int osp_syncobj_create(struct osp_dev *dev, uint32_t *handle)
{
	return drmSyncobjCreate(dev->fd, 0, handle) ? -errno : 0;
}

int osp_syncobj_destroy(struct osp_dev *dev, uint32_t handle)
{
	return drmSyncobjDestroy(dev->fd, handle) ? -errno : 0;
}

/**
 * osp_syncobj_wait() - Wait for a syncobj's fence to signal
 * @dev: The device.
 * @handle: The syncobj.
 * @point: The timeline point, or 0 for a binary syncobj.
 * @timeout_ns: How long to wait from now; 0 only polls, negative waits
 *	without a limit.
 *
 * The fence must have been submitted: a binary syncobj with no fence or a
 * point no job signals fails at once with -EINVAL, as the kernel does.
 * Whether the job failed is not this function's business: see
 * osp_syncobj_status().
 *
 * Return: 0 once signalled, -ETIMEDOUT at the timeout (the kernel's -ETIME,
 * spelled as osp_bo_wait() spells it), or another negative errno.
 */
int osp_syncobj_wait(struct osp_dev *dev, uint32_t handle, uint64_t point,
		     int64_t timeout_ns)
{
	int64_t deadline = osp_deadline(timeout_ns);
	int ret;

	if (point)
		ret = drmSyncobjTimelineWait(dev->fd, &handle, &point, 1, deadline,
					     0, NULL);
	else
		ret = drmSyncobjWait(dev->fd, &handle, 1, deadline, 0, NULL);
	if (!ret)
		return 0;
	/* libdrm returns -1 or -errno depending on the call: errno is set. */
	return errno == ETIME ? -ETIMEDOUT : -errno;
}

int osp_sync_file_status(int fd, bool aggregate, int64_t *timestamp_ns)
{
	struct sync_file_info info = { 0 };
	struct sync_fence_info *fences;
	int ret;

	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info))
		return -errno;
	if (!info.num_fences) {
		/* A stub fence or an empty array: nothing ever fails. */
		if (timestamp_ns)
			*timestamp_ns = 0;
		return info.status;
	}
	fences = calloc(info.num_fences, sizeof(*fences));
	if (!fences)
		return -ENOMEM;
	info.sync_fence_info = (uintptr_t)fences;
	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info)) {
		ret = -errno;
	} else {
		ret = aggregate ? info.status : fences[0].status;
		if (timestamp_ns)
			*timestamp_ns = ret ? (int64_t)fences[0].timestamp_ns : 0;
	}
	free(fences);
	return ret;
}

/**
 * osp_syncobj_status_ts() - A fence's status and the time it signalled
 * @dev: The device.
 * @handle: The syncobj.
 * @point: The timeline point, or 0 for a binary syncobj.
 * @timestamp_ns: If not NULL, set to the CLOCK_MONOTONIC time at which the
 *	fence signalled, or 0 while it is pending.
 *
 * The fence is read through a sync_file (``SYNC_IOC_FILE_INFO``). A timeline
 * point is first transferred to a temporary binary syncobj; its sync_file
 * holds a fence chain that the kernel unwraps into the point's own job
 * fence first, then the earlier points not yet collected, and it is the
 * first one's status that is the point's (a chain does not carry its
 * fences' errors). The kernel collects signalled points: the status of an
 * old point may be read from a later job's fence.
 *
 * Return: As osp_syncobj_status(); -EINVAL when the syncobj has no fence or
 * the point was never submitted.
 */
int osp_syncobj_status_ts(struct osp_dev *dev, uint32_t handle,
			  uint64_t point, int64_t *timestamp_ns)
{
	uint32_t tmp = 0, src = handle;
	int fd = -1, ret;

	if (point) {
		ret = osp_syncobj_create(dev, &tmp);
		if (ret)
			return ret;
		if (drmSyncobjTransfer(dev->fd, tmp, 0, handle, point, 0)) {
			ret = -errno;
			goto out;
		}
		src = tmp;
	}
	if (drmSyncobjExportSyncFile(dev->fd, src, &fd)) {
		ret = -errno;
		goto out;
	}
	ret = osp_sync_file_status(fd, !point, timestamp_ns);
	close(fd);
out:
	if (tmp)
		osp_syncobj_destroy(dev, tmp);
	return ret;
}

int osp_syncobj_status(struct osp_dev *dev, uint32_t handle, uint64_t point)
{
	return osp_syncobj_status_ts(dev, handle, point, NULL);
}

/* Batches ------------------------------------------------------------ */

/**
 * osp_batch_new() - Create a batch buffer
 * @vm: The address space it is mapped in (read-write, at a fresh VA).
 * @size: Bytes of the buffer; the batch holds at most
 *	%DRM_OSPREY_PARAM_MAX_BATCH_SIZE of them.
 *
 * Return: The batch, empty, or NULL with errno set.
 */
struct osp_batch *osp_batch_new(struct osp_vm *vm, uint64_t size)
{
	struct osp_batch *b;
	uint64_t bytes;
	int err;

	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->vm = vm;
	b->bo = osp_bo_new_mapped(vm, size, &b->va);
	if (!b->bo)
		goto err_free;
	b->words = osp_bo_map(b->bo);
	if (!b->words)
		goto err_unmap;
	bytes = b->bo->size;
	if (vm->dev->max_batch_size && bytes > vm->dev->max_batch_size)
		bytes = vm->dev->max_batch_size;
	if (bytes / 4 > UINT32_MAX)
		bytes = (uint64_t)UINT32_MAX * 4;
	b->cap = bytes / 4;
	return b;

err_unmap:
	err = errno;
	osp_vm_unmap(vm, b->va, b->bo->size);
	osp_bo_del(b->bo);
	errno = err;
err_free:
	free(b);
	return NULL;
}

void osp_batch_del(struct osp_batch *b)
{
	if (!b)
		return;
	osp_vm_unmap(b->vm, b->va, b->bo->size);
	osp_bo_del(b->bo);
	free(b);
}

void osp_batch_reset(struct osp_batch *b)
{
	b->len = 0;
}

int osp_batch_emit(struct osp_batch *b, const uint32_t *words, uint32_t n)
{
	uint32_t i;

	if (n > b->cap - b->len)
		return -ENOSPC;
	for (i = 0; i < n; i++)
		b->words[b->len + i] = htole32(words[i]);
	b->len += n;
	return 0;
}

/* Encode @insn with include/osprey_isa.h and append it. */
static int osp_batch_insn(struct osp_batch *b, const struct osprey_insn *insn)
{
	__u32 words[OSPREY_INSN_MAX_WORDS];
	int n;

	n = osprey_insn_encode(insn, words, OSPREY_INSN_MAX_WORDS);
	if (n < 0)
		return -EINVAL;
	return osp_batch_emit(b, words, n);
}

int osp_batch_nop(struct osp_batch *b)
{
	struct osprey_insn insn = { .opcode = OSPREY_OP_NOP };

	return osp_batch_insn(b, &insn);
}

int osp_batch_store(struct osp_batch *b, uint64_t va, uint32_t value)
{
	struct osprey_insn insn = {
		.opcode = OSPREY_OP_STORE,
		.va = va,
		.value = value,
	};

	return osp_batch_insn(b, &insn);
}

int osp_batch_copy(struct osp_batch *b, uint64_t dst, uint64_t src,
		   uint32_t bytes)
{
	struct osprey_insn insn = {
		.opcode = OSPREY_OP_COPY,
		.dst = dst,
		.src = src,
		.bytes = bytes,
	};

	return osp_batch_insn(b, &insn);
}

int osp_batch_fill(struct osp_batch *b, uint64_t va, uint32_t bytes,
		   uint32_t pattern)
{
	struct osprey_insn insn = {
		.opcode = OSPREY_OP_FILL,
		.va = va,
		.bytes = bytes,
		.pattern = pattern,
	};

	return osp_batch_insn(b, &insn);
}

int osp_batch_end(struct osp_batch *b)
{
	struct osprey_insn insn = { .opcode = OSPREY_OP_END };

	return osp_batch_insn(b, &insn);
}

int osp_batch_submit(struct osp_batch *b, uint32_t queue_id,
		     const struct drm_osprey_sync *in, uint32_t in_count,
		     const struct drm_osprey_sync *out, uint32_t out_count)
{
	return osp_submit(b->vm->dev, queue_id, b->va, b->len * 4, in, in_count,
			  out, out_count);
}
