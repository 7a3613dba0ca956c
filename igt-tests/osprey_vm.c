// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

#include "igt.h"
#include "igt_osprey.h"
#include "igt_vgem.h"
#include "libosprey.h"
#include "osprey_isa.h"

IGT_TEST_DESCRIPTION("Osprey GPU address spaces: VM_CREATE, VM_DESTROY, VM_BIND, isolation.");

/* The GPU page size. */
#define PG 4096ull

#define MAP DRM_OSPREY_VM_BIND_OP_MAP
#define UNMAP DRM_OSPREY_VM_BIND_OP_UNMAP
#define RO DRM_OSPREY_VM_BIND_READONLY

/* What GET_PARAM reports, read once. */
static uint64_t va_start, va_end, max_vms;
/* The osprey module's job timeout, in milliseconds. */
static unsigned int timeout_ms = 2000;

/* Where tests map what they test: VA_START and a little above. */
static uint64_t tva(uint64_t off)
{
	return va_start + 0x100000 + off;
}

/* Syncobjs and jobs ------------------------------------------------------ */

static uint32_t syncobj_new(int fd)
{
	uint32_t handle = 0;

	igt_assert_eq(drmSyncobjCreate(fd, 0, &handle), 0);
	return handle;
}

/* The fence status: 1 signalled, 0 pending, or its error. */
static int fence_status(int fd, uint32_t handle)
{
	struct osp_dev *dev = osp_dev_wrap(fd);
	int status;

	igt_assert(dev);
	status = osp_syncobj_status(dev, handle, 0);
	osp_dev_close(dev);
	return status;
}

static int wait_fence(int fd, uint32_t handle)
{
	int64_t deadline = igt_osprey_monotonic_ns() +
			   (timeout_ms + 10000ll) * 1000000;
	int ret = drmSyncobjWait(fd, &handle, 1, deadline, 0, NULL), status;

	igt_assert_f(ret == 0, "syncobj %u did not signal: %s\n", handle,
		     strerror(-ret));
	status = fence_status(fd, handle);
	igt_assert_neq(status, 0);
	return status;
}

/* How long a test lets a job stay blocked: well within the job timeout. */
static unsigned int block_ms(void)
{
	return timeout_ms / 8 < 250 ? timeout_ms / 8 : 250;
}

static void cpu_write(volatile uint32_t *p, uint32_t value)
{
	__sync_synchronize();
	*p = value;
	__sync_synchronize();
}

static uint32_t cpu_read(const void *base, uint64_t off)
{
	__sync_synchronize();
	return ((const volatile uint32_t *)base)[off / 4];
}

/**
 * struct env - what runs jobs in one VM of a file
 * @fd: the file
 * @vm: the VM
 * @queue: a queue of @vm
 * @batch: batches, mapped at @batch_va in @vm
 * @batch_va: near the top of the VA range, out of the tests' way
 * @next: offset in @batch of the next batch
 */
struct env {
	int fd;
	uint32_t vm;
	uint32_t queue;
	struct igt_osprey_bo *batch;
	uint64_t batch_va;
	uint64_t next;
};

#define ENV_BATCH_SIZE (64 * 1024ull)
#define ENV_SLOT 0x200

static void env_init(struct env *e, int fd, uint32_t vm)
{
	memset(e, 0, sizeof(*e));
	e->fd = fd;
	e->vm = vm;
	e->batch = igt_osprey_bo_new(fd, ENV_BATCH_SIZE);
	e->batch_va = va_end - 0x1000000;
	igt_osprey_vm_map(fd, vm, e->batch->handle, 0, e->batch_va, ENV_BATCH_SIZE, 0);
	e->queue = igt_osprey_queue_create(fd, vm, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
}

static void env_fini(struct env *e)
{
	igt_osprey_queue_destroy(e->fd, e->queue);
	igt_osprey_vm_unmap(e->fd, e->vm, e->batch_va, ENV_BATCH_SIZE);
	igt_osprey_bo_free(e->batch);
}

/* Start a new batch of the environment. */
static void env_cs(struct env *e, struct igt_osprey_cs *cs)
{
	igt_osprey_cs_init(cs, (char *)e->batch->map + e->next,
			   e->batch_va + e->next, ENV_SLOT);
	e->next = (e->next + ENV_SLOT) % ENV_BATCH_SIZE;
}

static void env_submit(struct env *e, const struct igt_osprey_cs *cs, uint32_t out)
{
	struct drm_osprey_sync sync = { .handle = out };

	igt_osprey_submit(e->fd, e->queue, cs->va, igt_osprey_cs_bytes(cs), NULL, 0,
			  &sync, 1);
}

/* Run a batch and wait for it: its fence status. */
static int env_run(struct env *e, const struct igt_osprey_cs *cs)
{
	uint32_t out = syncobj_new(e->fd);
	int status;

	env_submit(e, cs, out);
	status = wait_fence(e->fd, out);
	igt_assert_eq(drmSyncobjDestroy(e->fd, out), 0);
	return status;
}

/* A job that stores @value at @va: its status. */
static int gpu_store(struct env *e, uint64_t va, uint32_t value)
{
	struct igt_osprey_cs cs;

	env_cs(e, &cs);
	igt_osprey_emit_store(&cs, va, value);
	igt_osprey_emit_end(&cs);
	return env_run(e, &cs);
}

/* A job that copies @bytes from @src to @dst: its status. */
static int gpu_copy(struct env *e, uint64_t dst, uint64_t src, uint32_t bytes)
{
	struct igt_osprey_cs cs;

	env_cs(e, &cs);
	igt_osprey_emit_copy(&cs, dst, src, bytes);
	igt_osprey_emit_end(&cs);
	return env_run(e, &cs);
}

/*
 * Check the last fault the device recorded, once it names @batch and @ip
 * (it may be written just after the fence signals).
 */
static void assert_last_fault(int fd, const char *status, const char *access,
			      uint64_t va, uint64_t ip, uint64_t batch)
{
	struct igt_osprey_fault f = {};
	bool found = igt_wait(igt_osprey_last_fault(fd, &f) && f.batch == batch &&
			      f.ip == ip && f.va == va, 1000, 10);

	igt_assert_f(found, "last_fault: status=%s access=%s va=%#" PRIx64
		     " ip=%#" PRIx64 " batch=%#" PRIx64 ", expected va=%#" PRIx64
		     " ip=%#" PRIx64 " batch=%#" PRIx64 "\n", f.status, f.access,
		     f.va, f.ip, f.batch, va, ip, batch);
	igt_assert_f(!strcmp(f.status, status), "last_fault status=%s, expected %s\n",
		     f.status, status);
	igt_assert_f(!strcmp(f.access, access), "last_fault access=%s, expected %s\n",
		     f.access, access);
	igt_assert_lt_u32(f.as, OSPREY_NUM_AS);
}

/* A STORE at @va faults: check the fence and what last_fault says. */
static void assert_store_faults(struct env *e, uint64_t va, const char *status)
{
	struct igt_osprey_cs cs;

	env_cs(e, &cs);
	igt_osprey_emit_store(&cs, va, 0xbad);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(env_run(e, &cs), -EFAULT);
	assert_last_fault(e->fd, status, "write", va, cs.va, cs.va);
}

/* A COPY from @va faults on the read. */
static void assert_read_faults(struct env *e, uint64_t va, uint64_t dst)
{
	struct igt_osprey_cs cs;

	env_cs(e, &cs);
	igt_osprey_emit_copy(&cs, dst, va, 4);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(env_run(e, &cs), -EFAULT);
	assert_last_fault(e->fd, "translation", "read", va, cs.va, cs.va);
}

/*
 * gem_count of @fd is @count, at once or within 5 s (a VM, with its page
 * tables and the buffers mapped in it, goes when its last job is freed).
 */
static void assert_gem_count(int fd, int count)
{
	igt_assert_f(igt_wait(igt_osprey_gem_count(fd) == count, 5000, 10),
		     "gem_count %d, expected %d\n", igt_osprey_gem_count(fd), count);
}

/*
 * Wait until the device has no job left. The files of earlier subtests are
 * closed, but their VMs, with their page tables and buffers, go only when
 * their last job is freed, after its fence signals: device-wide counts are
 * only stable once job_count is 0.
 */
static void quiesce(int fd)
{
	igt_assert_f(igt_wait(igt_osprey_job_count(fd) == 0, timeout_ms + 5000, 10),
		     "job_count %d\n", igt_osprey_job_count(fd));
}

/* Whether [@va, @va + @size) of @vm is entirely free: a map there works. */
static bool range_free(int fd, uint32_t vm, uint32_t handle, uint64_t va,
		       uint64_t size)
{
	if (__igt_osprey_vm_bind(fd, vm, MAP, 0, handle, 0, va, size))
		return false;
	igt_osprey_vm_unmap(fd, vm, va, size);
	return true;
}

static int vm_bind(int fd, uint32_t vm, uint32_t op, uint32_t flags,
		   uint32_t handle, uint64_t offset, uint64_t va, uint64_t size)
{
	int ret = __igt_osprey_vm_bind(fd, vm, op, flags, handle, offset, va, size);

	igt_debug("VM_BIND vm %u op %u flags %#x handle %u offset %#" PRIx64
		  " va %#" PRIx64 " size %#" PRIx64 ": %d\n", vm, op, flags,
		  handle, offset, va, size, ret);
	return ret;
}

/* VM_CREATE and VM_DESTROY ------------------------------------------------- */

static void test_vm_create_destroy(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	int other = drm_open_driver_render(DRIVER_OSPREY);
	unsigned int n = max_vms < 8 ? max_vms : 8;
	struct drm_osprey_vm_destroy arg = {};
	uint32_t ids[8], theirs[3], q;

	for (unsigned int i = 0; i < n; i++) {
		ids[i] = igt_osprey_vm_create(fd);
		for (unsigned int j = 0; j < i; j++)
			igt_assert_neq_u32(ids[i], ids[j]);
		/* Each is a VM: a queue can run in it. */
		q = igt_osprey_queue_create(fd, ids[i], DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
		igt_osprey_queue_destroy(fd, q);
	}

	/* A non-zero pad: -EINVAL, and the VM stays. */
	arg.vm_id = ids[0];
	arg.pad = 1;
	do_ioctl_err(fd, DRM_IOCTL_OSPREY_VM_DESTROY, &arg, EINVAL);
	q = igt_osprey_queue_create(fd, ids[0], DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	igt_osprey_queue_destroy(fd, q);

	for (unsigned int i = 0; i < n; i++) {
		igt_osprey_vm_destroy(fd, ids[i]);
		igt_assert_eq(__igt_osprey_vm_destroy(fd, ids[i]), -ENOENT);
		igt_assert_eq(__igt_osprey_queue_create(fd, ids[i], 0, 0, &q), -ENOENT);
	}
	igt_assert_eq(__igt_osprey_vm_destroy(fd, 12345), -ENOENT);
	igt_assert_eq(__igt_osprey_vm_destroy(fd, 0xffffffff), -ENOENT);

	/* VM ids are per file. */
	for (int i = 0; i < 3; i++)
		theirs[i] = igt_osprey_vm_create(other);
	for (int i = 0; i < 3; i++)
		igt_assert_eq(__igt_osprey_vm_destroy(fd, theirs[i]), -ENOENT);
	for (int i = 0; i < 3; i++)
		igt_osprey_vm_destroy(other, theirs[i]);
	drm_close_driver(other);
	drm_close_driver(fd);
}

static void test_vm_destroy_default(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t q;

	igt_assert_eq(__igt_osprey_vm_destroy(fd, DRM_OSPREY_VM_DEFAULT), -EINVAL);
	igt_assert_eq(__igt_osprey_vm_destroy(fd, DRM_OSPREY_VM_DEFAULT), -EINVAL);
	/* It is still there. */
	q = igt_osprey_queue_create(fd, DRM_OSPREY_VM_DEFAULT,
				    DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	igt_osprey_queue_destroy(fd, q);
	drm_close_driver(fd);
}

static void test_vm_create_bad_flags(void)
{
	const uint32_t flags[] = { 1, 2, 0x80000000, 0xffffffff };
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t vm;

	for (unsigned int i = 0; i < ARRAY_SIZE(flags); i++)
		igt_assert_eq(__igt_osprey_vm_create(fd, flags[i], &vm), -EINVAL);
	/* Nothing was created: all MAX_VMS are still there to create. */
	for (uint64_t i = 0; i < max_vms; i++)
		igt_osprey_vm_create(fd);
	drm_close_driver(fd);
}

static void test_vm_create_max(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	int other = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t *ids = calloc(max_vms, sizeof(*ids)), vm;

	igt_assert(ids);
	igt_assert_lt_u64(0, max_vms);
	/* The default VM does not count. */
	for (uint64_t i = 0; i < max_vms; i++)
		ids[i] = igt_osprey_vm_create(fd);
	igt_assert_eq(__igt_osprey_vm_create(fd, 0, &vm), -ENOSPC);
	igt_assert_eq(__igt_osprey_vm_create(fd, 0, &vm), -ENOSPC);
	/* Per file. */
	igt_osprey_vm_create(other);
	/* Destroying one makes room for one. */
	igt_osprey_vm_destroy(fd, ids[max_vms / 2]);
	igt_osprey_vm_create(fd);
	igt_assert_eq(__igt_osprey_vm_create(fd, 0, &vm), -ENOSPC);
	free(ids);
	drm_close_driver(other);
	drm_close_driver(fd);
}

/*
 * Destroying a VM drops its id; the VM lives on for the queue and the job
 * that use it, and so does the buffer mapped in it, handle closed or not.
 */
static void test_vm_destroy_in_use(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *bo;
	struct igt_osprey_cs cs;
	uint32_t vm, q, out;
	struct env e;
	int count;

	quiesce(fd);
	count = igt_osprey_gem_count(fd);

	vm = igt_osprey_vm_create(fd);
	env_init(&e, fd, vm);
	bo = igt_osprey_bo_new(fd, PG);
	igt_osprey_vm_map(fd, vm, bo->handle, 0, tva(0), PG, 0);

	env_cs(&e, &cs);
	igt_osprey_emit_store(&cs, tva(8), 1);
	igt_osprey_emit_sem_wait(&cs, OSPREY_CMP_EQ, tva(0), 1);
	igt_osprey_emit_store(&cs, tva(4), 0x600d);
	igt_osprey_emit_end(&cs);
	out = syncobj_new(fd);
	env_submit(&e, &cs, out);
	igt_assert(igt_wait(cpu_read(bo->map, 8) == 1, 5000, 1));

	igt_osprey_vm_destroy(fd, vm);
	igt_assert_eq(__igt_osprey_vm_destroy(fd, vm), -ENOENT);
	igt_assert_eq(__igt_osprey_queue_create(fd, vm, 0, 0, &q), -ENOENT);
	igt_assert_eq(vm_bind(fd, vm, MAP, 0, bo->handle, 0, tva(PG), PG), -ENOENT);
	igt_assert_eq(vm_bind(fd, vm, UNMAP, 0, 0, 0, tva(0), PG), -ENOENT);
	gem_close(fd, bo->handle);

	/* The blocked job finishes in the destroyed VM, into the buffer. */
	cpu_write((uint32_t *)bo->map, 1);
	igt_assert_eq(wait_fence(fd, out), 1);
	igt_assert_eq_u32(cpu_read(bo->map, 4), 0x600d);
	/* So does a new job of the queue. */
	igt_assert_eq(gpu_store(&e, tva(12), 0x77), 1);
	igt_assert_eq_u32(cpu_read(bo->map, 12), 0x77);

	/* The last queue goes: the VM, its mappings and buffers go with it. */
	igt_osprey_queue_destroy(fd, e.queue);
	igt_assert_eq(munmap(bo->map, PG), 0);
	igt_osprey_bo_free(e.batch);
	free(bo);
	assert_gem_count(fd, count);
	drm_close_driver(fd);
}

/* VM_BIND --------------------------------------------------------------- */

static void test_bind_map_unmap(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *a, *b;
	struct env e;

	env_init(&e, fd, DRM_OSPREY_VM_DEFAULT);
	a = igt_osprey_bo_new(fd, 2 * PG);
	b = igt_osprey_bo_new(fd, 2 * PG);

	igt_osprey_vm_map(fd, 0, a->handle, 0, tva(0), 2 * PG, 0);
	igt_assert_eq(gpu_store(&e, tva(4), 0x11), 1);
	igt_assert_eq(gpu_store(&e, tva(PG + 8), 0x12), 1);
	igt_assert_eq_u32(cpu_read(a->map, 4), 0x11);
	igt_assert_eq_u32(cpu_read(a->map, PG + 8), 0x12);

	/* Synchronous: once unmapped, the GPU faults there. */
	igt_osprey_vm_unmap(fd, 0, tva(0), 2 * PG);
	assert_store_faults(&e, tva(4), "translation");
	assert_store_faults(&e, tva(PG + 8), "translation");

	/* The same VA, another buffer. */
	igt_osprey_vm_map(fd, 0, b->handle, 0, tva(0), 2 * PG, 0);
	igt_assert_eq(gpu_store(&e, tva(4), 0x21), 1);
	igt_assert_eq_u32(cpu_read(b->map, 4), 0x21);
	igt_assert_eq_u32(cpu_read(a->map, 4), 0x11);
	igt_osprey_vm_unmap(fd, 0, tva(0), 2 * PG);

	igt_osprey_bo_free(b);
	igt_osprey_bo_free(a);
	env_fini(&e);
	drm_close_driver(fd);
}

static void test_bind_bo_offset(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *bo;
	struct env e;

	env_init(&e, fd, 0);
	bo = igt_osprey_bo_new(fd, 4 * PG);
	/* Pages 2 and 3 of the buffer. */
	igt_osprey_vm_map(fd, 0, bo->handle, 2 * PG, tva(0), 2 * PG, 0);
	igt_assert_eq(gpu_store(&e, tva(0), 0x20), 1);
	igt_assert_eq(gpu_store(&e, tva(PG + 8), 0x38), 1);
	igt_assert_eq_u32(cpu_read(bo->map, 2 * PG), 0x20);
	igt_assert_eq_u32(cpu_read(bo->map, 3 * PG + 8), 0x38);
	igt_assert_eq_u32(cpu_read(bo->map, 0), 0);
	igt_assert_eq_u32(cpu_read(bo->map, PG + 8), 0);
	/* The mapping ends where it was asked to. */
	assert_store_faults(&e, tva(2 * PG), "translation");
	igt_osprey_vm_unmap(fd, 0, tva(0), 2 * PG);

	/* The same pages twice, at two VAs: aliases. */
	igt_osprey_vm_map(fd, 0, bo->handle, PG, tva(0), PG, 0);
	igt_osprey_vm_map(fd, 0, bo->handle, PG, tva(8 * PG), PG, 0);
	igt_assert_eq(gpu_store(&e, tva(0x10), 0xa11a5), 1);
	igt_assert_eq(gpu_copy(&e, tva(0x20), tva(8 * PG + 0x10), 4), 1);
	igt_assert_eq_u32(cpu_read(bo->map, PG + 0x20), 0xa11a5);
	igt_osprey_vm_unmap(fd, 0, tva(0), PG);
	igt_osprey_vm_unmap(fd, 0, tva(8 * PG), PG);

	igt_osprey_bo_free(bo);
	env_fini(&e);
	drm_close_driver(fd);
}

static void test_bind_unaligned(void)
{
	const uint64_t bad[] = { 1, 4, 0x800, PG - 4 };
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t h = igt_osprey_gem_create(fd, 4 * PG);

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		igt_assert_eq(vm_bind(fd, 0, MAP, 0, h, 0, tva(0) + bad[i], 2 * PG), -EINVAL);
		igt_assert_eq(vm_bind(fd, 0, MAP, 0, h, 0, tva(0), 2 * PG + bad[i]), -EINVAL);
		igt_assert_eq(vm_bind(fd, 0, MAP, 0, h, 0, tva(0), bad[i]), -EINVAL);
		igt_assert_eq(vm_bind(fd, 0, MAP, 0, h, bad[i], tva(0), 2 * PG), -EINVAL);
		igt_assert_eq(vm_bind(fd, 0, MAP, 0, h, PG + bad[i], tva(0), PG), -EINVAL);
	}
	/* Nothing was mapped. */
	igt_assert(range_free(fd, 0, h, tva(0), 4 * PG));

	/* Unmaps too, of a range that is mapped. */
	igt_osprey_vm_map(fd, 0, h, 0, tva(0), 4 * PG, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(0) + bad[i], PG), -EINVAL);
		igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(0), PG + bad[i]), -EINVAL);
	}
	igt_osprey_vm_unmap(fd, 0, tva(0), 4 * PG);
	gem_close(fd, h);
	drm_close_driver(fd);
}

static void test_bind_zero_size(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t h = igt_osprey_gem_create(fd, PG);

	igt_assert_eq(vm_bind(fd, 0, MAP, 0, h, 0, tva(0), 0), -EINVAL);
	igt_assert_eq(vm_bind(fd, 0, MAP, RO, h, 0, tva(0), 0), -EINVAL);
	igt_osprey_vm_map(fd, 0, h, 0, tva(0), PG, 0);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(0), 0), -EINVAL);
	igt_osprey_vm_unmap(fd, 0, tva(0), PG);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(0), 0), -EINVAL);
	gem_close(fd, h);
	drm_close_driver(fd);
}

static void test_bind_outside_range(void)
{
	const struct {
		uint64_t va, size;
	} bad[] = {
		{ 0, PG },
		{ PG, PG },
		{ va_start - PG, PG },
		{ va_start - PG, 2 * PG },
		{ va_end, PG },
		{ va_end - PG, 2 * PG },
		{ va_end + PG, PG },
		{ 1ull << OSPREY_VA_BITS, PG },
		{ 1ull << 40, PG },
		{ 1ull << 63, PG },
		{ va_start, va_end - va_start + PG },
	};
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *bo = igt_osprey_bo_new(fd, 2 * PG);
	struct env e;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		igt_debug("map %#" PRIx64 "+%#" PRIx64 "\n", bad[i].va, bad[i].size);
		igt_assert_eq(vm_bind(fd, 0, MAP, 0, bo->handle, 0, bad[i].va,
				      bad[i].size), -EINVAL);
		igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, bad[i].va, bad[i].size),
			      -EINVAL);
	}

	/* The first and the last page of the range are valid. */
	env_init(&e, fd, 0);
	igt_osprey_vm_map(fd, 0, bo->handle, 0, va_start, PG, 0);
	igt_osprey_vm_map(fd, 0, bo->handle, PG, va_end - PG, PG, 0);
	igt_assert_eq(gpu_store(&e, va_start, 0xf1257), 1);
	igt_assert_eq(gpu_store(&e, va_end - 4, 0x1a57), 1);
	igt_assert_eq_u32(cpu_read(bo->map, 0), 0xf1257);
	igt_assert_eq_u32(cpu_read(bo->map, 2 * PG - 4), 0x1a57);
	/* Below VA_START nothing is ever mapped. */
	assert_store_faults(&e, va_start - 4, "translation");
	igt_osprey_vm_unmap(fd, 0, va_start, PG);
	igt_osprey_vm_unmap(fd, 0, va_end - PG, PG);
	env_fini(&e);
	igt_osprey_bo_free(bo);
	drm_close_driver(fd);
}

static void test_bind_overflow(void)
{
	const uint64_t top = ~(PG - 1);
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t h = igt_osprey_gem_create(fd, 2 * PG);

	/* va + size wraps around. */
	igt_assert_eq(vm_bind(fd, 0, MAP, 0, h, 0, top, 2 * PG), -EINVAL);
	igt_assert_eq(vm_bind(fd, 0, MAP, 0, h, 0, va_start, top), -EINVAL);
	igt_assert_eq(vm_bind(fd, 0, MAP, 0, h, 0, tva(0), top - tva(0) + PG), -EINVAL);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, top, 2 * PG), -EINVAL);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(0), top), -EINVAL);
	/* bo_offset + size wraps around. */
	igt_assert_eq(vm_bind(fd, 0, MAP, 0, h, top, tva(0), 2 * PG), -EINVAL);
	igt_assert_eq(vm_bind(fd, 0, MAP, 0, h, top - PG, tva(0), 2 * PG), -EINVAL);
	igt_assert(range_free(fd, 0, h, tva(0), 2 * PG));
	gem_close(fd, h);
	drm_close_driver(fd);
}

static void test_bind_overlap(void)
{
	const struct {
		int64_t start, pages;	/* in pages, relative to A's start */
	} over[] = {
		{ 0, 4 },	/* the same range */
		{ 1, 1 },	/* inside */
		{ -1, 2 },	/* over its start */
		{ 3, 2 },	/* over its end */
		{ -1, 6 },	/* all of it and more */
		{ 3, 1 },	/* its last page */
		{ 4, 3 },	/* a free page, then C */
	};
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *a, *b, *cc;
	struct env e;

	env_init(&e, fd, 0);
	a = igt_osprey_bo_new(fd, 4 * PG);
	b = igt_osprey_bo_new(fd, 8 * PG);
	cc = igt_osprey_bo_new(fd, PG);
	igt_osprey_vm_map(fd, 0, a->handle, 0, tva(PG), 4 * PG, 0);
	igt_osprey_vm_map(fd, 0, cc->handle, 0, tva(7 * PG), PG, 0);

	for (unsigned int i = 0; i < ARRAY_SIZE(over); i++) {
		uint64_t va = tva(PG) + over[i].start * (int64_t)PG;

		igt_assert_eq(vm_bind(fd, 0, MAP, 0, b->handle, 0, va, over[i].pages * PG),
			      -EEXIST);
		igt_assert_eq(vm_bind(fd, 0, MAP, RO, b->handle, 0, va, over[i].pages * PG),
			      -EEXIST);
	}
	/* Nothing changed: the free pages around are free, A and C are A and C. */
	igt_assert(range_free(fd, 0, b->handle, tva(0), PG));
	igt_assert(range_free(fd, 0, b->handle, tva(5 * PG), 2 * PG));
	igt_assert_eq(gpu_store(&e, tva(PG + 4), 0xa), 1);
	igt_assert_eq(gpu_store(&e, tva(4 * PG + 4), 0xa4), 1);
	igt_assert_eq(gpu_store(&e, tva(7 * PG + 4), 0xc), 1);
	igt_assert_eq_u32(cpu_read(a->map, 4), 0xa);
	igt_assert_eq_u32(cpu_read(a->map, 3 * PG + 4), 0xa4);
	igt_assert_eq_u32(cpu_read(cc->map, 4), 0xc);
	for (uint64_t off = 0; off < b->size; off += 4)
		igt_assert_eq_u32(cpu_read(b->map, off), 0);

	/* Adjacent is not overlapping. */
	igt_osprey_vm_map(fd, 0, b->handle, 0, tva(5 * PG), 2 * PG, 0);
	igt_osprey_vm_unmap(fd, 0, tva(PG), 7 * PG);
	igt_osprey_bo_free(cc);
	igt_osprey_bo_free(b);
	igt_osprey_bo_free(a);
	env_fini(&e);
	drm_close_driver(fd);
}

static void test_unmap_unmapped(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *bo;
	struct env e;

	env_init(&e, fd, 0);
	bo = igt_osprey_bo_new(fd, 3 * PG);
	/* Never mapped. */
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(0), PG), -ENOENT);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(0), 64 * PG), -ENOENT);

	/* Two mappings with a hole between: no unmap over the hole. */
	igt_osprey_vm_map(fd, 0, bo->handle, 0, tva(0), PG, 0);
	igt_osprey_vm_map(fd, 0, bo->handle, 2 * PG, tva(2 * PG), PG, 0);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(0), 3 * PG), -ENOENT);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(PG), PG), -ENOENT);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(PG), 2 * PG), -ENOENT);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(0), 2 * PG), -ENOENT);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(2 * PG), 2 * PG), -ENOENT);
	/* Nothing changed: both still map. */
	igt_assert_eq(gpu_store(&e, tva(4), 1), 1);
	igt_assert_eq(gpu_store(&e, tva(2 * PG + 4), 3), 1);
	igt_assert_eq_u32(cpu_read(bo->map, 4), 1);
	igt_assert_eq_u32(cpu_read(bo->map, 2 * PG + 4), 3);

	/* Unmapped twice: the second time, -ENOENT. */
	igt_osprey_vm_unmap(fd, 0, tva(0), PG);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(0), PG), -ENOENT);
	igt_osprey_vm_unmap(fd, 0, tva(2 * PG), PG);
	igt_osprey_bo_free(bo);
	env_fini(&e);
	drm_close_driver(fd);
}

static void test_unmap_partial(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *bo;
	struct env e;

	env_init(&e, fd, 0);
	bo = igt_osprey_bo_new(fd, 4 * PG);
	igt_osprey_vm_map(fd, 0, bo->handle, 0, tva(0), 4 * PG, 0);

	/* A hole in the middle splits the mapping in two. */
	igt_osprey_vm_unmap(fd, 0, tva(PG), PG);
	assert_store_faults(&e, tva(PG + 8), "translation");
	assert_read_faults(&e, tva(2 * PG - 4), tva(8));
	/* The two parts still map the pages they mapped. */
	for (int p = 0; p < 4; p++) {
		if (p == 1)
			continue;
		igt_assert_eq(gpu_store(&e, tva(p * PG + 8), 0x100 + p), 1);
		igt_assert_eq_u32(cpu_read(bo->map, p * PG + 8), 0x100 + p);
	}
	igt_assert_eq_u32(cpu_read(bo->map, PG + 8), 0);

	/* The tail of the second part, then the head of it. */
	igt_osprey_vm_unmap(fd, 0, tva(3 * PG), PG);
	assert_store_faults(&e, tva(3 * PG + 12), "translation");
	igt_assert_eq(gpu_store(&e, tva(2 * PG + 12), 0x2c), 1);
	igt_assert_eq_u32(cpu_read(bo->map, 2 * PG + 12), 0x2c);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, 0, tva(0), 4 * PG), -ENOENT);
	igt_osprey_vm_unmap(fd, 0, tva(2 * PG), PG);
	igt_assert_eq(gpu_store(&e, tva(16), 0x10), 1);
	igt_assert_eq_u32(cpu_read(bo->map, 16), 0x10);
	igt_osprey_vm_unmap(fd, 0, tva(0), PG);
	assert_store_faults(&e, tva(16), "translation");

	/* One unmap over several mappings, side by side. */
	igt_osprey_vm_map(fd, 0, bo->handle, 0, tva(0), 2 * PG, 0);
	igt_osprey_vm_map(fd, 0, bo->handle, 3 * PG, tva(2 * PG), PG, 0);
	igt_osprey_vm_map(fd, 0, bo->handle, PG, tva(3 * PG), 2 * PG, 0);
	igt_assert_eq(gpu_store(&e, tva(4 * PG + 20), 0x420), 1);
	igt_assert_eq_u32(cpu_read(bo->map, 2 * PG + 20), 0x420);
	/* From the middle of the first to the middle of the last. */
	igt_osprey_vm_unmap(fd, 0, tva(PG), 3 * PG);
	igt_assert_eq(gpu_store(&e, tva(24), 0x24), 1);
	igt_assert_eq(gpu_store(&e, tva(4 * PG + 24), 0x424), 1);
	igt_assert_eq_u32(cpu_read(bo->map, 24), 0x24);
	igt_assert_eq_u32(cpu_read(bo->map, 2 * PG + 24), 0x424);
	for (int p = 1; p < 4; p++)
		assert_store_faults(&e, tva(p * PG + 28), "translation");
	igt_osprey_vm_unmap(fd, 0, tva(0), PG);
	igt_osprey_vm_unmap(fd, 0, tva(4 * PG), PG);
	igt_assert(range_free(fd, 0, bo->handle, tva(0), 4 * PG));

	igt_osprey_bo_free(bo);
	env_fini(&e);
	drm_close_driver(fd);
}

static void test_bind_beyond_bo(void)
{
	const struct {
		uint64_t offset, size;
	} bad[] = {
		{ 0, 3 * PG },
		{ PG, 2 * PG },
		{ 2 * PG, PG },
		{ 3 * PG, PG },
		{ 1ull << 40, PG },
		{ ~(PG - 1), PG },
	};
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t h = igt_osprey_gem_create(fd, 2 * PG);

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		igt_assert_eq(vm_bind(fd, 0, MAP, 0, h, bad[i].offset, tva(0), bad[i].size),
			      -EINVAL);
	igt_assert(range_free(fd, 0, h, tva(0), 2 * PG));
	/* The last page of the buffer is fine. */
	igt_osprey_vm_map(fd, 0, h, PG, tva(0), PG, 0);
	igt_osprey_vm_unmap(fd, 0, tva(0), PG);
	gem_close(fd, h);
	drm_close_driver(fd);
}

static void test_bind_unknown_handle(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	int other = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t closed, theirs = 0, h;

	/* Created after h, so that h does not take its number again. */
	h = igt_osprey_gem_create(fd, PG);
	closed = igt_osprey_gem_create(fd, PG);
	gem_close(fd, closed);
	/* Another file's handles name nothing here. */
	for (int i = 0; i < 4; i++)
		theirs = igt_osprey_gem_create(other, PG);
	igt_assert_neq_u32(theirs, h);
	igt_assert_neq_u32(theirs, closed);

	igt_assert_eq(vm_bind(fd, 0, MAP, 0, 0, 0, tva(0), PG), -ENOENT);
	igt_assert_eq(vm_bind(fd, 0, MAP, 0, closed, 0, tva(0), PG), -ENOENT);
	igt_assert_eq(vm_bind(fd, 0, MAP, 0, 0xdead, 0, tva(0), PG), -ENOENT);
	igt_assert_eq(vm_bind(fd, 0, MAP, 0, 0xffffffff, 0, tva(0), PG), -ENOENT);
	igt_assert_eq(vm_bind(fd, 0, MAP, 0, theirs, 0, tva(0), PG), -ENOENT);
	igt_assert(range_free(fd, 0, h, tva(0), PG));
	gem_close(fd, h);
	drm_close_driver(other);
	drm_close_driver(fd);
}

static void test_bind_unknown_vm(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	int other = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t h = igt_osprey_gem_create(fd, PG), gone, theirs = 0;
	const uint32_t ids[] = { 1, 2, 12345, 0xffffffff };

	for (unsigned int i = 0; i < ARRAY_SIZE(ids); i++) {
		igt_assert_eq(vm_bind(fd, ids[i], MAP, 0, h, 0, tva(0), PG), -ENOENT);
		igt_assert_eq(vm_bind(fd, ids[i], UNMAP, 0, 0, 0, tva(0), PG), -ENOENT);
	}
	gone = igt_osprey_vm_create(fd);
	igt_osprey_vm_destroy(fd, gone);
	igt_assert_eq(vm_bind(fd, gone, MAP, 0, h, 0, tva(0), PG), -ENOENT);
	for (int i = 0; i < 3; i++)
		theirs = igt_osprey_vm_create(other);
	igt_assert_eq(vm_bind(fd, theirs, MAP, 0, h, 0, tva(0), PG), -ENOENT);
	igt_assert_eq(vm_bind(fd, theirs, UNMAP, 0, 0, 0, tva(0), PG), -ENOENT);
	gem_close(fd, h);
	drm_close_driver(other);
	drm_close_driver(fd);
}

static void test_bind_bad_op(void)
{
	const uint32_t ops[] = { 2, 3, 0x100, 0x80000000, 0xffffffff };
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t h = igt_osprey_gem_create(fd, PG);

	for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++) {
		igt_assert_eq(vm_bind(fd, 0, ops[i], 0, h, 0, tva(0), PG), -EINVAL);
		igt_assert_eq(vm_bind(fd, 0, ops[i], 0, 0, 0, tva(0), PG), -EINVAL);
	}
	igt_assert(range_free(fd, 0, h, tva(0), PG));
	gem_close(fd, h);
	drm_close_driver(fd);
}

static void test_bind_bad_flags(void)
{
	const uint32_t flags[] = { 2, 4, 0x80000000, RO | 2, 0xffffffff };
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t h = igt_osprey_gem_create(fd, PG);

	for (unsigned int i = 0; i < ARRAY_SIZE(flags); i++)
		igt_assert_eq(vm_bind(fd, 0, MAP, flags[i], h, 0, tva(0), PG), -EINVAL);
	igt_assert(range_free(fd, 0, h, tva(0), PG));
	gem_close(fd, h);
	drm_close_driver(fd);
}

static void test_unmap_bad_args(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *bo;
	struct env e;

	env_init(&e, fd, 0);
	bo = igt_osprey_bo_new(fd, 2 * PG);
	igt_osprey_vm_map(fd, 0, bo->handle, 0, tva(0), 2 * PG, 0);
	/* An unmap takes no handle, offset or flag, even valid ones. */
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, bo->handle, 0, tva(0), 2 * PG), -EINVAL);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0xdead, 0, tva(0), 2 * PG), -EINVAL);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 0, 0, PG, tva(0), PG), -EINVAL);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, RO, 0, 0, tva(0), 2 * PG), -EINVAL);
	igt_assert_eq(vm_bind(fd, 0, UNMAP, 2, 0, 0, tva(0), 2 * PG), -EINVAL);
	/* Still mapped. */
	igt_assert_eq(gpu_store(&e, tva(PG + 4), 0x5), 1);
	igt_assert_eq_u32(cpu_read(bo->map, PG + 4), 0x5);
	igt_osprey_vm_unmap(fd, 0, tva(0), 2 * PG);
	igt_osprey_bo_free(bo);
	env_fini(&e);
	drm_close_driver(fd);
}

/* Isolation ---------------------------------------------------------------- */

static void test_isolation_files(void)
{
	int fa = drm_open_driver_render(DRIVER_OSPREY);
	int fb = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *a, *b, *w;
	struct env ea, eb;

	env_init(&ea, fa, 0);
	env_init(&eb, fb, 0);
	a = igt_osprey_bo_new(fa, 2 * PG);
	igt_osprey_fill(a->map, 2 * PG, 0x150a);
	igt_osprey_vm_map(fa, 0, a->handle, 0, tva(0), 2 * PG, 0);
	w = igt_osprey_bo_new(fb, PG);
	igt_osprey_vm_map(fb, 0, w->handle, 0, tva(16 * PG), PG, 0);

	/* B's VM has nothing at the VA where A's buffer is in A's VM. */
	assert_store_faults(&eb, tva(8), "translation");
	assert_read_faults(&eb, tva(PG), tva(16 * PG));
	igt_osprey_assert_pattern(a->map, 2 * PG, 0x150a);
	igt_assert_eq_u32(cpu_read(w->map, 0), 0);

	/* B maps its own buffer there: its jobs reach that one only. */
	b = igt_osprey_bo_new(fb, 2 * PG);
	igt_osprey_vm_map(fb, 0, b->handle, 0, tva(0), 2 * PG, 0);
	igt_assert_eq(gpu_store(&eb, tva(8), 0xb), 1);
	igt_assert_eq_u32(cpu_read(b->map, 8), 0xb);
	igt_osprey_assert_pattern(a->map, 2 * PG, 0x150a);
	/* And A's jobs reach A's. */
	igt_assert_eq(gpu_store(&ea, tva(PG), 0xa), 1);
	igt_assert_eq_u32(cpu_read(a->map, PG), 0xa);
	igt_assert_eq_u32(cpu_read(b->map, PG), 0);

	igt_osprey_bo_free(b);
	igt_osprey_bo_free(w);
	igt_osprey_bo_free(a);
	env_fini(&eb);
	env_fini(&ea);
	drm_close_driver(fb);
	drm_close_driver(fa);
}

static void test_isolation_vms(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *b1, *b2;
	struct env e0, e1, e2;
	uint32_t vm1, vm2;

	vm1 = igt_osprey_vm_create(fd);
	vm2 = igt_osprey_vm_create(fd);
	env_init(&e0, fd, 0);
	env_init(&e1, fd, vm1);
	env_init(&e2, fd, vm2);
	b1 = igt_osprey_bo_new(fd, PG);
	b2 = igt_osprey_bo_new(fd, PG);
	igt_osprey_fill(b1->map, PG, 0x1501);
	igt_osprey_vm_map(fd, vm1, b1->handle, 0, tva(0), PG, 0);

	/* Nothing at that VA in the other VMs of the same file. */
	assert_store_faults(&e2, tva(4), "translation");
	assert_store_faults(&e0, tva(4), "translation");
	igt_osprey_assert_pattern(b1->map, PG, 0x1501);

	igt_osprey_vm_map(fd, vm2, b2->handle, 0, tva(0), PG, 0);
	igt_assert_eq(gpu_store(&e2, tva(4), 0x2), 1);
	igt_assert_eq_u32(cpu_read(b2->map, 4), 0x2);
	igt_osprey_assert_pattern(b1->map, PG, 0x1501);
	igt_assert_eq(gpu_store(&e1, tva(4), 0x1), 1);
	igt_assert_eq_u32(cpu_read(b1->map, 4), 0x1);
	igt_assert_eq_u32(cpu_read(b2->map, 4), 0x2);

	/* Unmapping in one VM leaves the other alone. */
	igt_osprey_vm_unmap(fd, vm2, tva(0), PG);
	assert_store_faults(&e2, tva(4), "translation");
	igt_assert_eq(gpu_store(&e1, tva(8), 0x11), 1);
	igt_assert_eq_u32(cpu_read(b1->map, 8), 0x11);

	igt_osprey_vm_unmap(fd, vm1, tva(0), PG);
	igt_osprey_bo_free(b2);
	igt_osprey_bo_free(b1);
	env_fini(&e2);
	env_fini(&e1);
	env_fini(&e0);
	igt_osprey_vm_destroy(fd, vm2);
	igt_osprey_vm_destroy(fd, vm1);
	drm_close_driver(fd);
}

/* Read-only mappings ------------------------------------------------------- */

static void test_readonly(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *ro, *rw, *code;
	struct igt_osprey_cs cs;
	struct env e;

	env_init(&e, fd, 0);
	ro = igt_osprey_bo_new(fd, 2 * PG);
	rw = igt_osprey_bo_new(fd, 2 * PG);
	igt_osprey_fill(ro->map, 2 * PG, 0x20);
	igt_osprey_vm_map(fd, 0, ro->handle, 0, tva(0), 2 * PG, RO);
	igt_osprey_vm_map(fd, 0, rw->handle, 0, tva(8 * PG), 2 * PG, 0);

	/* Every kind of write faults, as a permission fault. */
	assert_store_faults(&e, tva(PG + 0x40), "permission");
	env_cs(&e, &cs);
	igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_ADD, tva(8), 1, 0);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(env_run(&e, &cs), -EFAULT);
	assert_last_fault(fd, "permission", "write", tva(8), cs.va, cs.va);
	env_cs(&e, &cs);
	igt_osprey_emit_fill(&cs, tva(0x10), 64, 0);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(env_run(&e, &cs), -EFAULT);
	assert_last_fault(fd, "permission", "write", tva(0x10), cs.va, cs.va);
	igt_assert_eq(gpu_copy(&e, tva(0x100), tva(8 * PG), 16), -EFAULT);
	igt_osprey_assert_pattern(ro->map, 2 * PG, 0x20);

	/* Reads work: COPY from it, SEM_WAIT on it. */
	igt_assert_eq(gpu_copy(&e, tva(8 * PG), tva(0), 2 * PG), 1);
	igt_osprey_assert_pattern(rw->map, 2 * PG, 0x20);
	env_cs(&e, &cs);
	igt_osprey_emit_sem_wait(&cs, OSPREY_CMP_EQ, tva(4), cpu_read(ro->map, 4));
	igt_osprey_emit_store(&cs, tva(8 * PG), 0x5e);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(env_run(&e, &cs), 1);
	igt_assert_eq_u32(cpu_read(rw->map, 0), 0x5e);

	/* A batch in a read-only mapping runs: fetches are reads. */
	code = igt_osprey_bo_new(fd, PG);
	igt_osprey_cs_init(&cs, code->map, tva(32 * PG), PG);
	igt_osprey_emit_store(&cs, tva(8 * PG + 4), 0xc0de);
	igt_osprey_emit_end(&cs);
	igt_osprey_vm_map(fd, 0, code->handle, 0, tva(32 * PG), PG, RO);
	igt_assert_eq(env_run(&e, &cs), 1);
	igt_assert_eq_u32(cpu_read(rw->map, 4), 0xc0de);

	/* The same pages, writable at another VA: written there, read here. */
	igt_osprey_vm_map(fd, 0, ro->handle, 0, tva(16 * PG), 2 * PG, 0);
	igt_assert_eq(gpu_store(&e, tva(17 * PG), 0x77), 1);
	igt_assert_eq(gpu_copy(&e, tva(8 * PG + 8), tva(PG), 4), 1);
	igt_assert_eq_u32(cpu_read(rw->map, 8), 0x77);
	igt_assert_eq_u32(cpu_read(ro->map, PG), 0x77);

	igt_osprey_vm_unmap(fd, 0, tva(0), 2 * PG);
	igt_osprey_vm_unmap(fd, 0, tva(8 * PG), 2 * PG);
	igt_osprey_vm_unmap(fd, 0, tva(16 * PG), 2 * PG);
	igt_osprey_vm_unmap(fd, 0, tva(32 * PG), PG);
	igt_osprey_bo_free(code);
	igt_osprey_bo_free(rw);
	igt_osprey_bo_free(ro);
	env_fini(&e);
	drm_close_driver(fd);
}

/* Faults ------------------------------------------------------------------- */

/* last_fault names the right address, access, instruction and batch. */
static void test_fault_address(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *bo;
	struct igt_osprey_cs cs;
	uint64_t ip;
	uint32_t vm;
	struct env e, e2;

	vm = igt_osprey_vm_create(fd);
	env_init(&e, fd, 0);
	env_init(&e2, fd, vm);
	bo = igt_osprey_bo_new(fd, 2 * PG);
	igt_osprey_vm_map(fd, 0, bo->handle, 0, tva(0), 2 * PG, 0);
	igt_osprey_vm_map(fd, vm, bo->handle, 0, tva(0), PG, RO);

	/* A write, a few instructions into the batch. */
	env_cs(&e, &cs);
	igt_osprey_emit_store(&cs, tva(0), 1);
	igt_osprey_emit_nop(&cs);
	ip = igt_osprey_cs_next_va(&cs);
	igt_osprey_emit_store(&cs, tva(2 * PG + 0x124), 2);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(env_run(&e, &cs), -EFAULT);
	assert_last_fault(fd, "translation", "write", tva(2 * PG + 0x124), ip, cs.va);

	/* A read, of the second word of a COPY's source: the first page maps. */
	env_cs(&e, &cs);
	igt_osprey_emit_copy(&cs, tva(0x100), tva(2 * PG - 8), 16);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(env_run(&e, &cs), -EFAULT);
	assert_last_fault(fd, "translation", "read", tva(2 * PG), cs.va, cs.va);

	/* A fetch, after a jump to nowhere. */
	env_cs(&e, &cs);
	igt_osprey_emit_jump(&cs, tva(0x7654000));
	igt_assert_eq(env_run(&e, &cs), -EFAULT);
	assert_last_fault(fd, "translation", "fetch", tva(0x7654000), tva(0x7654000),
			  cs.va);

	/* A write through a read-only mapping, in another VM. */
	env_cs(&e2, &cs);
	igt_osprey_emit_store(&cs, tva(0x444), 3);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(env_run(&e2, &cs), -EFAULT);
	assert_last_fault(fd, "permission", "write", tva(0x444), cs.va, cs.va);
	/* In that VM only the first page is mapped. */
	assert_read_faults(&e2, tva(PG), tva(0));

	igt_assert_eq_u32(cpu_read(bo->map, 0), 1);
	igt_assert_eq_u32(cpu_read(bo->map, 0x444), 0);
	igt_osprey_bo_free(bo);
	env_fini(&e2);
	env_fini(&e);
	drm_close_driver(fd);
}

/* Lifetimes ---------------------------------------------------------------- */

/*
 * A mapped buffer outlives its handle: jobs write it through one VA and
 * read it through another, and a dma-buf of it sees the data. @probe is
 * another file, to count objects with after this test's file is closed
 * (page tables are objects too, and live as long as their VM).
 */
static void test_bo_outlives_handle(int probe)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *bo, *out;
	int dmabuf, start, count;
	void *dmap;
	struct env e;

	quiesce(probe);
	start = igt_osprey_gem_count(probe);
	env_init(&e, fd, 0);
	out = igt_osprey_bo_new(fd, PG);
	igt_osprey_vm_map(fd, 0, out->handle, 0, tva(64 * PG), PG, 0);
	bo = igt_osprey_bo_new(fd, 2 * PG);
	igt_osprey_vm_map(fd, 0, bo->handle, 0, tva(0), 2 * PG, 0);
	igt_osprey_vm_map(fd, 0, bo->handle, 0, tva(16 * PG), 2 * PG, RO);
	dmabuf = igt_osprey_prime_export(fd, bo->handle);
	count = igt_osprey_gem_count(fd);

	/* No handle, no CPU mapping: only the GPU mappings and the dma-buf. */
	igt_osprey_bo_free(bo);
	igt_assert_eq(igt_osprey_gem_count(fd), count);
	igt_assert_eq(gpu_store(&e, tva(4), 0x44), 1);
	igt_assert_eq(gpu_store(&e, tva(PG + 8), 0x88), 1);
	igt_assert_eq(gpu_copy(&e, tva(64 * PG), tva(16 * PG + 4), 4), 1);
	igt_assert_eq(gpu_copy(&e, tva(64 * PG + 4), tva(17 * PG + 8), 4), 1);
	igt_assert_eq_u32(cpu_read(out->map, 0), 0x44);
	igt_assert_eq_u32(cpu_read(out->map, 4), 0x88);

	dmap = igt_osprey_dmabuf_mmap(dmabuf, 2 * PG, PROT_READ);
	igt_osprey_dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	igt_assert_eq_u32(cpu_read(dmap, 4), 0x44);
	igt_assert_eq_u32(cpu_read(dmap, PG + 8), 0x88);
	igt_osprey_dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	igt_assert_eq(munmap(dmap, 2 * PG), 0);
	close(dmabuf);

	/* The mappings alone keep it: the data is still there. */
	igt_assert_eq(igt_osprey_gem_count(fd), count);
	igt_osprey_vm_unmap(fd, 0, tva(0), 2 * PG);
	igt_assert_eq(gpu_copy(&e, tva(64 * PG + 8), tva(17 * PG + 8), 4), 1);
	igt_assert_eq_u32(cpu_read(out->map, 8), 0x88);
	igt_assert_eq(igt_osprey_gem_count(fd), count);
	/* The last mapping goes: so does the buffer. */
	igt_osprey_vm_unmap(fd, 0, tva(16 * PG), 2 * PG);
	assert_gem_count(fd, count - 1);

	igt_osprey_vm_unmap(fd, 0, tva(64 * PG), PG);
	igt_osprey_bo_free(out);
	env_fini(&e);
	drm_close_driver(fd);
	quiesce(probe);
	assert_gem_count(probe, start);
}

/* A buffer of another file, shared as a dma-buf, mapped here. */
static void test_bind_dmabuf_other_file(void)
{
	int fa = drm_open_driver_render(DRIVER_OSPREY);
	int fb = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *a;
	uint32_t hb;
	int dmabuf;
	struct env e;

	env_init(&e, fb, 0);
	a = igt_osprey_bo_new(fa, 2 * PG);
	igt_osprey_fill(a->map, 2 * PG, 0xd1);
	dmabuf = igt_osprey_prime_export(fa, a->handle);
	hb = igt_osprey_prime_import(fb, dmabuf);
	close(dmabuf);
	igt_osprey_vm_map(fb, 0, hb, 0, tva(0), 2 * PG, 0);
	igt_assert_eq(gpu_copy(&e, tva(PG), tva(0), 64), 1);
	igt_assert_eq(gpu_store(&e, tva(PG + 0x100), 0xfb), 1);
	igt_osprey_assert_pattern((char *)a->map + PG, 64, 0xd1);
	igt_assert_eq_u32(cpu_read(a->map, PG + 0x100), 0xfb);
	igt_osprey_vm_unmap(fb, 0, tva(0), 2 * PG);
	gem_close(fb, hb);
	igt_osprey_bo_free(a);
	env_fini(&e);
	drm_close_driver(fb);
	drm_close_driver(fa);
}

/* A vgem buffer, imported as a dma-buf, mapped and used by jobs. */
static void test_bind_dmabuf_vgem(int probe)
{
	int fd, vgem, count, dmabuf;
	struct vgem_bo vbo = { .width = 64, .height = 64, .bpp = 32 };
	struct igt_osprey_bo *out;
	uint32_t h;
	uint64_t size;
	void *vmap;
	struct env e;

	vgem = drm_open_driver(DRIVER_VGEM);
	quiesce(probe);
	count = igt_osprey_gem_count(probe);
	fd = drm_open_driver_render(DRIVER_OSPREY);
	vgem_create(vgem, &vbo);
	size = ALIGN(vbo.size, PG);
	igt_assert_eq_u64(size, vbo.size);
	vmap = vgem_mmap(vgem, &vbo, PROT_READ | PROT_WRITE);
	igt_osprey_fill(vmap, size, 0x7e);
	dmabuf = igt_osprey_prime_export(vgem, vbo.handle);
	h = igt_osprey_prime_import(fd, dmabuf);
	close(dmabuf);

	env_init(&e, fd, 0);
	out = igt_osprey_bo_new(fd, size);
	igt_osprey_vm_map(fd, 0, out->handle, 0, tva(256 * PG), size, 0);
	igt_osprey_vm_map(fd, 0, h, 0, tva(0), size, 0);
	igt_osprey_vm_map(fd, 0, h, PG, tva(128 * PG), PG, RO);

	/* The GPU reads what vgem's CPU mapping wrote, and the reverse. */
	igt_assert_eq(gpu_copy(&e, tva(256 * PG), tva(0), size), 1);
	igt_osprey_assert_pattern(out->map, size, 0x7e);
	igt_assert_eq(gpu_store(&e, tva(size - 4), 0x5eed), 1);
	igt_assert_eq(gpu_store(&e, tva(PG + 8), 0x7777), 1);
	igt_assert_eq_u32(cpu_read(vmap, size - 4), 0x5eed);
	/* Through the read-only mapping of its second page. */
	igt_assert_eq(gpu_copy(&e, tva(256 * PG), tva(128 * PG + 8), 4), 1);
	igt_assert_eq_u32(cpu_read(out->map, 0), 0x7777);
	assert_store_faults(&e, tva(128 * PG), "permission");

	igt_osprey_vm_unmap(fd, 0, tva(0), size);
	igt_osprey_vm_unmap(fd, 0, tva(128 * PG), PG);
	igt_osprey_vm_unmap(fd, 0, tva(256 * PG), size);
	gem_close(fd, h);
	igt_osprey_bo_free(out);
	env_fini(&e);
	drm_close_driver(fd);
	/* The import, the buffers and the VM's page tables are all gone. */
	quiesce(probe);
	assert_gem_count(probe, count);
	igt_assert_eq(munmap(vmap, size), 0);
	gem_close(vgem, vbo.handle);
	drm_close_driver(vgem);
}

static void *release_later(void *arg)
{
	usleep(1000 * block_ms());
	cpu_write(arg, 1);
	return NULL;
}

/* An unmap waits for the VM's submitted jobs before the pages go. */
static void test_unmap_waits(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_bo *bo;
	struct igt_osprey_cs cs;
	int64_t start, took;
	pthread_t thread;
	uint32_t out;
	struct env e;

	env_init(&e, fd, 0);
	bo = igt_osprey_bo_new(fd, PG);
	igt_osprey_vm_map(fd, 0, bo->handle, 0, tva(0), PG, 0);
	env_cs(&e, &cs);
	igt_osprey_emit_store(&cs, tva(8), 1);
	igt_osprey_emit_sem_wait(&cs, OSPREY_CMP_EQ, tva(0), 1);
	igt_osprey_emit_store(&cs, tva(4), 0x600d);
	igt_osprey_emit_end(&cs);
	out = syncobj_new(fd);
	env_submit(&e, &cs, out);
	igt_assert(igt_wait(cpu_read(bo->map, 8) == 1, 5000, 1));

	igt_assert_eq(pthread_create(&thread, NULL, release_later, bo->map), 0);
	start = igt_osprey_monotonic_ns();
	igt_osprey_vm_unmap(fd, 0, tva(0), PG);
	took = igt_osprey_monotonic_ns() - start;
	/* The job finished, with the page still there, before the unmap did. */
	igt_assert_eq(fence_status(fd, out), 1);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	igt_info("unmap took %.3f s\n", took / 1e9);
	igt_assert_lte_s64(block_ms() * 1000000ll * 8 / 10, took);
	igt_assert_eq_u32(cpu_read(bo->map, 4), 0x600d);

	igt_osprey_bo_free(bo);
	env_fini(&e);
	drm_close_driver(fd);
}

/*
 * Pages mapped on either side of page-table boundaries (2 MiB and 1 GiB),
 * at both ends of the VA range, and a mapping across a 2 MiB boundary.
 */
static void test_table_boundaries(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	uint64_t vas[12], l1 = 1ull << 21, l0 = 1ull << 30;
	struct igt_osprey_bo *bo;
	struct igt_osprey_cs cs;
	unsigned int n = 0;
	struct env e;

	vas[n++] = va_start;
	vas[n++] = ALIGN(va_start + PG, l1) - PG;
	vas[n++] = ALIGN(va_start + PG, l1);
	vas[n++] = ALIGN(va_start + l1 + PG, l1) + 511 * PG;
	vas[n++] = ALIGN(va_start + PG, l0) - PG;
	vas[n++] = ALIGN(va_start + PG, l0);
	vas[n++] = ALIGN(va_start + PG, l0) + 3 * l0 + 7 * l1 + 5 * PG;
	vas[n++] = va_end - PG;
	igt_assert_lt_u64(vas[n - 2], va_end - 0x2000000);

	env_init(&e, fd, 0);
	bo = igt_osprey_bo_new(fd, (n + 512) * PG);
	for (unsigned int i = 0; i < n; i++)
		igt_osprey_vm_map(fd, 0, bo->handle, i * PG, vas[i], PG, 0);
	/* 512 pages across a 2 MiB boundary: two L2 tables. */
	vas[n] = ALIGN(va_start + 8 * l1, l1) - 256 * PG;
	igt_osprey_vm_map(fd, 0, bo->handle, n * PG, vas[n], 512 * PG, 0);

	env_cs(&e, &cs);
	for (unsigned int i = 0; i < n; i++)
		igt_osprey_emit_store(&cs, vas[i] + 4 * i, 0xb0 + i);
	igt_osprey_emit_fill(&cs, vas[n], 512 * PG, 0xf111ed);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(env_run(&e, &cs), 1);
	for (unsigned int i = 0; i < n; i++)
		igt_assert_f(cpu_read(bo->map, i * PG + 4 * i) == 0xb0 + i,
			     "VA %#" PRIx64 " did not reach page %u\n", vas[i], i);
	for (uint64_t off = n * PG; off < (n + 512) * PG; off += 4)
		igt_assert_eq_u32(cpu_read(bo->map, off), 0xf111ed);

	for (unsigned int i = 0; i < n; i++)
		igt_osprey_vm_unmap(fd, 0, vas[i], PG);
	igt_osprey_vm_unmap(fd, 0, vas[n], 512 * PG);
	for (unsigned int i = 0; i < n; i++)
		assert_store_faults(&e, vas[i] + 4 * i, "translation");
	igt_osprey_bo_free(bo);
	env_fini(&e);
	drm_close_driver(fd);
}

static void read_params(int fd)
{
	char buf[32] = "";
	int file;

	va_start = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_VA_START);
	va_end = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_VA_END);
	max_vms = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_MAX_VMS);
	igt_assert_eq_u64(va_start % PG, 0);
	igt_assert_eq_u64(va_end % PG, 0);
	igt_assert_lte_u64(va_start + (8ull << 30), va_end);
	igt_assert_lte_u64(va_end, 1ull << OSPREY_VA_BITS);
	igt_assert_lt_u64(0, max_vms);

	file = open("/sys/module/osprey/parameters/timeout_ms", O_RDONLY);
	if (file >= 0) {
		if (read(file, buf, sizeof(buf) - 1) > 0 && atoi(buf) > 0)
			timeout_ms = atoi(buf);
		close(file);
	}
	igt_info("VA [%#" PRIx64 ", %#" PRIx64 "), %" PRIu64 " VMs, timeout %u ms\n",
		 va_start, va_end, max_vms, timeout_ms);
}

int igt_main()
{
	int fd = -1, gem_start = 0;

	igt_fixture() {
		fd = drm_open_driver_render(DRIVER_OSPREY);
		igt_require_osprey(fd);
		read_params(fd);
		gem_start = igt_osprey_gem_count(fd);
	}

	igt_describe("VM_CREATE gives distinct usable ids; VM_DESTROY of unknown ids: -ENOENT.");
	igt_subtest("vm-create-destroy")
		test_vm_create_destroy();

	igt_describe("VM_DESTROY of the default VM: -EINVAL, and it stays.");
	igt_subtest("vm-destroy-default")
		test_vm_destroy_default();

	igt_describe("VM_CREATE with any flag: -EINVAL, and nothing created.");
	igt_subtest("vm-create-bad-flags")
		test_vm_create_bad_flags();

	igt_describe("A file has at most MAX_VMS VMs besides its default: then -ENOSPC.");
	igt_subtest("vm-create-max")
		test_vm_create_max();

	igt_describe("A destroyed VM lives on for its queue and job, and its buffers too.");
	igt_subtest("vm-destroy-in-use")
		test_vm_destroy_in_use();

	igt_describe("A mapping is seen by jobs at once; once unmapped, jobs fault there.");
	igt_subtest("bind-map-unmap")
		test_bind_map_unmap();

	igt_describe("bo_offset picks the pages; one page mapped twice is aliased.");
	igt_subtest("bind-bo-offset")
		test_bind_bo_offset();

	igt_describe("VM_BIND with va, size or bo_offset not page-aligned: -EINVAL.");
	igt_subtest("bind-unaligned")
		test_bind_unaligned();

	igt_describe("VM_BIND of size 0: -EINVAL.");
	igt_subtest("bind-zero-size")
		test_bind_zero_size();

	igt_describe("VM_BIND outside [VA_START, VA_END): -EINVAL; its first and last pages work.");
	igt_subtest("bind-outside-range")
		test_bind_outside_range();

	igt_describe("VM_BIND where va + size or bo_offset + size wraps around: -EINVAL.");
	igt_subtest("bind-overflow")
		test_bind_overflow();

	igt_describe("A map over any mapped page: -EEXIST, and nothing changes.");
	igt_subtest("bind-overlap")
		test_bind_overlap();

	igt_describe("An unmap of a range with an unmapped page: -ENOENT, and nothing changes.");
	igt_subtest("unmap-unmapped")
		test_unmap_unmapped();

	igt_describe("Partial unmaps split mappings; what is left maps the same pages.");
	igt_subtest("unmap-partial")
		test_unmap_partial();

	igt_describe("VM_BIND of a range beyond the buffer's size: -EINVAL.");
	igt_subtest("bind-beyond-bo")
		test_bind_beyond_bo();

	igt_describe("VM_BIND of a handle that names nothing here: -ENOENT.");
	igt_subtest("bind-unknown-handle")
		test_bind_unknown_handle();

	igt_describe("VM_BIND in a VM the file does not have: -ENOENT.");
	igt_subtest("bind-unknown-vm")
		test_bind_unknown_vm();

	igt_describe("VM_BIND with an unknown op: -EINVAL.");
	igt_subtest("bind-bad-op")
		test_bind_bad_op();

	igt_describe("VM_BIND with an unknown flag: -EINVAL.");
	igt_subtest("bind-bad-flags")
		test_bind_bad_flags();

	igt_describe("An unmap with a handle, offset or flags: -EINVAL.");
	igt_subtest("unmap-bad-args")
		test_unmap_bad_args();

	igt_describe("A job reaches no other file's buffer: the VA faults in its own VM.");
	igt_subtest("isolation-files")
		test_isolation_files();

	igt_describe("Two VMs of one file are isolated from each other and the default one.");
	igt_subtest("isolation-vms")
		test_isolation_vms();

	igt_describe("Read-only mappings: writes fault (permission), reads and fetches work.");
	igt_subtest("readonly")
		test_readonly();

	igt_describe("debugfs last_fault names the address, access, instruction and batch.");
	igt_subtest("fault-address")
		test_fault_address();

	igt_describe("A mapped buffer outlives its handle and its dma-buf, until unmapped.");
	igt_subtest("bo-outlives-handle")
		test_bo_outlives_handle(fd);

	igt_describe("Another file's buffer, imported as a dma-buf, is mapped and used.");
	igt_subtest("bind-dmabuf-other-file")
		test_bind_dmabuf_other_file();

	igt_describe("A vgem buffer, imported as a dma-buf, is mapped and used.");
	igt_subtest("bind-dmabuf-vgem")
		test_bind_dmabuf_vgem(fd);

	igt_describe("An unmap waits for the jobs of its VM to finish.");
	igt_subtest("unmap-waits-for-jobs")
		test_unmap_waits();

	igt_describe("Mappings at page-table boundaries and both ends of the VA range.");
	igt_subtest("bind-table-boundaries")
		test_table_boundaries();

	igt_fixture() {
		/* Every subtest cleaned up after itself: nothing leaked. */
		igt_assert_f(igt_wait(igt_osprey_job_count(fd) == 0, 5000, 10),
			     "job_count %d\n", igt_osprey_job_count(fd));
		assert_gem_count(fd, gem_start);
		drm_close_driver(fd);
	}
}
