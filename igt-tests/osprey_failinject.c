// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_osprey.h"
#include "igt_vgem.h"
#include "coredump_parse.h"
#include "libosprey.h"
#include "osprey_isa.h"

/*
 * Every ioctl path swept with fail-nth (each allocation of the call failed
 * in turn: a sane errno, nothing half done, nothing leaked), and the GPU
 * coredump of a fault taken while failslab or fail_page_alloc fail the
 * capture's and the worker's allocations. Needs a kernel with
 * CONFIG_FAULT_INJECTION, FAILSLAB, FAIL_PAGE_ALLOC and
 * FAULT_INJECTION_DEBUG_FS (make check's debug tier): on one without them,
 * such as Debian's, every subtest skips.
 */
IGT_TEST_DESCRIPTION("Allocations failing in ioctls and coredumps; skips on Debian's kernel.");

/* The GPU page size. */
#define GPU_PAGE 4096ull

/* Give up on a sweep whose call still fails at this N: a fault that loops. */
#define MAX_NTH 2000

/* How long the counts may take to come back after a file is closed. */
#define SETTLE_MS 5000

/* The file the test keeps for debugfs, and its baseline gem_count. */
static int fd = -1;
static int gem_start;
/* The fail-nth file of this thread, in /proc/thread-self. */
static int nth = -1;
/* The render node's path, for the open sweep. */
static char node[PATH_MAX];
/* The platform device of the GPU under test, e.g. "osprey.0". */
static char device[64];
static uint64_t va_start;

/* Knobs ------------------------------------------------------------------ */

static const char * const caps[] = { "failslab", "fail_page_alloc" };

/*
 * The knobs this test changes, saved at the start and put back by the exit
 * handler: "times" and "probability" first, which turn injection off.
 */
static const char * const knobs[] = {
	"times", "probability", "interval", "space", "verbose", "task-filter",
	"ignore-gfp-wait", "ignore-gfp-highmem", "min-order",
};

static char saved[ARRAY_SIZE(caps)][ARRAY_SIZE(knobs)][32];
static bool knobs_saved;

static bool has_knob(unsigned int c, unsigned int k)
{
	/* failslab has no ignore-gfp-highmem or min-order. */
	return c == 1 || k < 7;
}

static void knob_set(const char *cap, const char *knob, const char *value)
{
	int ret = igt_osprey_fault_attr_set(cap, knob, value);

	igt_assert_f(ret == 0, "cannot write %s to %s/%s: %s\n", value, cap, knob,
		     strerror(-ret));
}

static void knob_set_int(const char *cap, const char *knob, long long value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", value);
	knob_set(cap, knob, buf);
}

/* Turn a capability off: no more failures, whatever else is set. */
static void cap_off(const char *cap)
{
	knob_set(cap, "times", "0");
	knob_set(cap, "probability", "0");
	knob_set(cap, "space", "0");
}

static void restore_knobs(int sig)
{
	if (!knobs_saved)
		return;
	igt_debug("restoring the fault injection knobs (signal %d)\n", sig);
	if (nth >= 0)
		igt_osprey_fail_nth_arm(nth, 0);
	for (unsigned int c = 0; c < ARRAY_SIZE(caps); c++) {
		igt_osprey_fault_attr_set(caps[c], "times", "0");
		igt_osprey_fault_attr_set(caps[c], "probability", "0");
	}
	for (unsigned int c = 0; c < ARRAY_SIZE(caps); c++)
		for (unsigned int k = ARRAY_SIZE(knobs); k-- > 0;)
			if (has_knob(c, k))
				igt_osprey_fault_attr_set(caps[c], knobs[k], saved[c][k]);
	knobs_saved = false;
}

/* Skip without fault injection; save the knobs and turn injection off. */
static void require_fault_injection(void)
{
	int ret;

	igt_require_f(access("/proc/self/fail-nth", F_OK) == 0,
		      "the kernel has no fault injection (CONFIG_FAULT_INJECTION)\n");
	for (unsigned int c = 0; c < ARRAY_SIZE(caps); c++) {
		for (unsigned int k = 0; k < ARRAY_SIZE(knobs); k++) {
			if (!has_knob(c, k))
				continue;
			ret = igt_osprey_fault_attr_get(caps[c], knobs[k], saved[c][k],
							sizeof(saved[c][k]));
			igt_require_f(ret == 0, "no %s/%s/%s: %s\n", igt_debugfs_mount(),
				      caps[c], knobs[k], strerror(-ret));
		}
	}
	knobs_saved = true;
	igt_install_exit_handler(restore_knobs);
	for (unsigned int c = 0; c < ARRAY_SIZE(caps); c++) {
		cap_off(caps[c]);
		knob_set(caps[c], "verbose", "0");
		knob_set(caps[c], "interval", "1");
	}
	nth = igt_osprey_fail_nth_open();
	igt_assert_f(nth >= 0, "/proc/thread-self/fail-nth: %s\n", strerror(-nth));
}

/*
 * For fail-nth: let the N-th allocation of every kind fail, sleeping ones
 * (GFP_KERNEL), order 0 pages and highmem/user pages (shmem) included.
 */
static void fail_nth_knobs(void)
{
	knob_set("failslab", "ignore-gfp-wait", "N");
	knob_set("fail_page_alloc", "ignore-gfp-wait", "N");
	knob_set("fail_page_alloc", "ignore-gfp-highmem", "N");
	knob_set("fail_page_alloc", "min-order", "0");
}

/* Counts ------------------------------------------------------------------ */

static void assert_counts(const char *what, unsigned int n)
{
	igt_assert_f(igt_wait(igt_osprey_job_count(fd) == 0 &&
			      igt_osprey_gem_count(fd) == gem_start, SETTLE_MS, 5),
		     "%s, N=%u: gem_count %d (baseline %d), job_count %d once closed\n",
		     what, n, igt_osprey_gem_count(fd), gem_start,
		     igt_osprey_job_count(fd));
}

/* The fail-nth sweeps -------------------------------------------------------- */

/**
 * struct fctx - what one call of a sweep works on
 * @fd: the file under test
 * @fd2: a second file (an importer)
 * @vgem: a vgem file
 * @dmabuf: a dma-buf to import
 * @dev: @fd for libosprey
 * @bo: a buffer of @fd, @bo_size bytes
 * @handle: what the call created (a handle, an id)
 * @batch: a batch buffer, mapped read-write at @batch_va
 * @batch_bytes: the length of the batch in it
 * @map: a CPU mapping the call made, @map_size bytes
 * @queue: a queue of @fd
 * @syncs: syncobjs of @fd
 * @gate: a fence the test signals
 * @has_gate: whether @gate is open
 */
struct fctx {
	int fd, fd2, vgem, dmabuf;
	struct osp_dev *dev;
	uint32_t bo;
	uint64_t bo_size;
	uint32_t handle;
	struct igt_osprey_bo *batch;
	uint64_t batch_va;
	uint32_t batch_bytes;
	void *map;
	uint64_t map_size;
	uint32_t queue;
	uint32_t syncs[4];
	struct igt_osprey_gate gate;
	bool has_gate;
};

/**
 * struct fi_case - one ioctl path to sweep
 * @name: what is swept
 * @prepare: set up what the call needs (not injected)
 * @call: the call under injection: 0 or a negative errno; it must neither
 *	  allocate in user space nor print
 * @check: after the call, with its result: the state is whole (optional)
 * @also: an errno the call may give besides ENOMEM (0: none)
 *
 * What @prepare and the call opened is closed by close_all().
 */
struct fi_case {
	const char *name;
	void (*prepare)(struct fctx *c);
	int (*call)(struct fctx *c);
	void (*check)(struct fctx *c, int ret);
	int also;
};

static int raw_ioctl(int file, unsigned long request, void *arg)
{
	return ioctl(file, request, arg) ? -errno : 0;
}

static void open_file(struct fctx *c)
{
	c->fd = drm_open_driver_render(DRIVER_OSPREY);
	c->dev = osp_dev_wrap(c->fd);
	igt_assert(c->dev);
}

static void open_with_bo(struct fctx *c)
{
	open_file(c);
	c->bo_size = 16 * GPU_PAGE;
	c->bo = igt_osprey_gem_create(c->fd, c->bo_size);
}

static void close_all(struct fctx *c)
{
	if (c->map)
		munmap(c->map, c->map_size);
	if (c->dev)
		osp_dev_close(c->dev);
	if (c->batch)
		igt_osprey_bo_free(c->batch);
	if (c->dmabuf > 0)
		close(c->dmabuf);
	if (c->fd2 > 0)
		drm_close_driver(c->fd2);
	if (c->fd > 0)
		drm_close_driver(c->fd);
	if (c->has_gate)
		igt_osprey_gate_close(&c->gate);
	if (c->vgem > 0)
		drm_close_driver(c->vgem);
}

static uint32_t syncobj_new(int file, uint32_t flags)
{
	uint32_t handle = 0;

	igt_assert_eq(drmSyncobjCreate(file, flags, &handle), 0);
	return handle;
}

/* No object of @file has handle 1 to 8 (what a failed create would have). */
static void assert_no_handles(int file)
{
	for (uint32_t h = 1; h <= 8; h++)
		igt_assert_eq(__igt_osprey_gem_info(file, h,
						    &(struct drm_osprey_gem_info){}),
			      -ENOENT);
}

/* open() of the render node */

static int call_open(struct fctx *c)
{
	c->fd = open(node, O_RDWR | O_CLOEXEC);
	return c->fd < 0 ? -errno : 0;
}

static void check_open(struct fctx *c, int ret)
{
	if (!ret)
		igt_assert_eq(igt_osprey_get_param(c->fd, DRM_OSPREY_PARAM_VA_START),
			      va_start);
}

/* GEM_CREATE */

static int call_gem_create(struct fctx *c)
{
	struct drm_osprey_gem_create arg = { .size = 64 * 1024 };
	int ret = raw_ioctl(c->fd, DRM_IOCTL_OSPREY_GEM_CREATE, &arg);

	c->handle = ret ? 0 : arg.handle;
	return ret;
}

static void check_gem_create(struct fctx *c, int ret)
{
	struct drm_osprey_gem_info info = {};

	if (ret) {
		assert_no_handles(c->fd);
		igt_assert_eq(igt_osprey_gem_count(fd), gem_start);
		return;
	}
	igt_osprey_gem_info(c->fd, c->handle, &info);
	igt_assert_eq_u64(info.size, 64 * 1024);
	igt_assert_eq(igt_osprey_gem_count(fd), gem_start + 1);
}

/* GEM_MMAP_OFFSET, mmap() and the first access */

static int call_mmap(struct fctx *c)
{
	struct drm_osprey_gem_mmap_offset arg = { .handle = c->bo };
	int ret = raw_ioctl(c->fd, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &arg);
	void *p;

	if (ret)
		return ret;
	p = mmap(NULL, c->bo_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd,
		 arg.offset);
	if (p == MAP_FAILED)
		return -errno;
	c->map = p;
	c->map_size = c->bo_size;
	*(volatile uint32_t *)p = 0x600d;
	return 0;
}

static void check_mmap(struct fctx *c, int ret)
{
	uint32_t *p;

	if (!ret) {
		igt_assert_eq_u32(*(volatile uint32_t *)c->map, 0x600d);
		return;
	}
	/* The buffer is whole: it maps, and holds zeroes. */
	p = igt_osprey_gem_mmap(c->fd, c->bo, c->bo_size, PROT_READ | PROT_WRITE);
	igt_osprey_assert_zero(p, c->bo_size);
	munmap(p, c->bo_size);
}

/* GEM_SET_LABEL */

#define LABEL "failinject-label"

static int call_set_label(struct fctx *c)
{
	struct drm_osprey_gem_set_label arg = {
		.handle = c->bo, .size = sizeof(LABEL), .label = (uintptr_t)LABEL,
	};

	return raw_ioctl(c->fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg);
}

static void check_set_label(struct fctx *c, int ret)
{
	igt_assert_eq(igt_osprey_gem_objects_find(fd, LABEL, NULL), ret ? 0 : 1);
	/* A failed label leaves the buffer labellable. */
	if (ret)
		igt_osprey_gem_set_label(c->fd, c->bo, LABEL);
}

/* GEM_INFO */

static int call_gem_info(struct fctx *c)
{
	struct drm_osprey_gem_info arg = { .handle = c->bo };
	int ret = raw_ioctl(c->fd, DRM_IOCTL_OSPREY_GEM_INFO, &arg);

	if (!ret && arg.size != c->bo_size)
		return -EDOM;
	return ret;
}

/* PRIME export */

static int call_export(struct fctx *c)
{
	struct drm_prime_handle arg = {
		.handle = c->bo, .flags = DRM_CLOEXEC | DRM_RDWR, .fd = -1,
	};
	int ret = raw_ioctl(c->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &arg);

	c->dmabuf = ret ? -1 : arg.fd;
	return ret;
}

/* Failed exports after which GEM_INFO said EXPORTED. */
static unsigned int exported_after_failure;

static void check_export(struct fctx *c, int ret)
{
	struct drm_osprey_gem_info info;

	igt_osprey_gem_info(c->fd, c->bo, &info);
	if (!ret) {
		igt_assert(info.info & DRM_OSPREY_GEM_INFO_EXPORTED);
		return;
	}
	/*
	 * A failure after the dma-buf was made (adding it to the file's
	 * PRIME table) leaves it cached in the object by the DRM core,
	 * until the handle goes: EXPORTED, and the next export returns it.
	 */
	if (info.info & DRM_OSPREY_GEM_INFO_EXPORTED)
		exported_after_failure++;
	c->dmabuf = igt_osprey_prime_export(c->fd, c->bo);
	igt_assert_lte(0, c->dmabuf);
	igt_osprey_gem_info(c->fd, c->bo, &info);
	igt_assert(info.info & DRM_OSPREY_GEM_INFO_EXPORTED);
}

/* PRIME import: of a buffer of the same device, into another file */

static void prepare_import_self(struct fctx *c)
{
	open_with_bo(c);
	c->dmabuf = igt_osprey_prime_export(c->fd, c->bo);
	c->fd2 = drm_open_driver_render(DRIVER_OSPREY);
}

static void prepare_import_vgem(struct fctx *c)
{
	struct vgem_bo bo = { .width = 64, .height = 64, .bpp = 32 };

	c->vgem = drm_open_driver(DRIVER_VGEM);
	vgem_create(c->vgem, &bo);
	c->bo_size = bo.size;
	c->dmabuf = igt_osprey_prime_export(c->vgem, bo.handle);
	gem_close(c->vgem, bo.handle);
	c->fd2 = drm_open_driver_render(DRIVER_OSPREY);
}

static int call_import(struct fctx *c)
{
	struct drm_prime_handle arg = { .fd = c->dmabuf };
	int ret = raw_ioctl(c->fd2, DRM_IOCTL_PRIME_FD_TO_HANDLE, &arg);

	c->handle = ret ? 0 : arg.handle;
	return ret;
}

static void check_import(struct fctx *c, int ret, int objects, uint32_t info_bits)
{
	struct drm_osprey_gem_info info;

	igt_assert_eq(igt_osprey_gem_count(fd), gem_start + objects);
	if (ret) {
		assert_no_handles(c->fd2);
		/* Nothing half-imported: a second try works. */
		c->handle = igt_osprey_prime_import(c->fd2, c->dmabuf);
	}
	igt_osprey_gem_info(c->fd2, c->handle, &info);
	igt_assert_eq_u64(info.size, c->bo_size);
	igt_assert_eq_u32(info.info & info_bits, info_bits);
}

static void check_import_self(struct fctx *c, int ret)
{
	/* The same object: no new one, either way. */
	check_import(c, ret, 1, DRM_OSPREY_GEM_INFO_EXPORTED);
}

static void check_import_vgem(struct fctx *c, int ret)
{
	check_import(c, ret, !ret, DRM_OSPREY_GEM_INFO_IMPORTED);
}

/* VM_CREATE */

static int call_vm_create(struct fctx *c)
{
	struct drm_osprey_vm_create arg = {};
	int ret = raw_ioctl(c->fd, DRM_IOCTL_OSPREY_VM_CREATE, &arg);

	c->handle = ret ? 0 : arg.vm_id;
	return ret;
}

static void check_vm_create(struct fctx *c, int ret)
{
	if (ret) {
		/* No VM was left behind: the file has none, and can make one. */
		for (uint32_t id = 1; id <= 4; id++)
			igt_assert_eq(__igt_osprey_vm_destroy(c->fd, id), -ENOENT);
		c->handle = igt_osprey_vm_create(c->fd);
	}
	igt_assert_neq_u32(c->handle, DRM_OSPREY_VM_DEFAULT);
	igt_osprey_vm_destroy(c->fd, c->handle);
}

/* VM_BIND: a map (in the default VM, made by the first use), unmaps */

static int call_map(struct fctx *c)
{
	return __igt_osprey_vm_bind(c->fd, DRM_OSPREY_VM_DEFAULT,
				    DRM_OSPREY_VM_BIND_OP_MAP, 0, c->bo, 0, va_start,
				    c->bo_size);
}

static void check_map(struct fctx *c, int ret)
{
	int again = __igt_osprey_vm_bind(c->fd, DRM_OSPREY_VM_DEFAULT,
					 DRM_OSPREY_VM_BIND_OP_MAP, 0, c->bo, 0,
					 va_start, c->bo_size);

	/* A failed map left the range free; a map that worked holds it. */
	igt_assert_eq(again, ret ? 0 : -EEXIST);
	igt_osprey_vm_unmap(c->fd, DRM_OSPREY_VM_DEFAULT, va_start, c->bo_size);
}

static void prepare_mapped(struct fctx *c)
{
	open_with_bo(c);
	igt_osprey_vm_map(c->fd, DRM_OSPREY_VM_DEFAULT, c->bo, 0, va_start,
			  c->bo_size, 0);
}

/* The middle of the mapping: both ends are split off and stay. */
#define SPLIT_OFF (4 * GPU_PAGE)
#define SPLIT_SIZE (4 * GPU_PAGE)

static int call_unmap_split(struct fctx *c)
{
	return __igt_osprey_vm_bind(c->fd, DRM_OSPREY_VM_DEFAULT,
				    DRM_OSPREY_VM_BIND_OP_UNMAP, 0, 0, 0,
				    va_start + SPLIT_OFF, SPLIT_SIZE);
}

static int call_unmap_whole(struct fctx *c)
{
	return __igt_osprey_vm_bind(c->fd, DRM_OSPREY_VM_DEFAULT,
				    DRM_OSPREY_VM_BIND_OP_UNMAP, 0, 0, 0, va_start,
				    c->bo_size);
}

static int map_at(struct fctx *c, uint64_t off, uint64_t size)
{
	return __igt_osprey_vm_bind(c->fd, DRM_OSPREY_VM_DEFAULT,
				    DRM_OSPREY_VM_BIND_OP_MAP, 0, c->bo, off,
				    va_start + off, size);
}

static void check_unmap_split(struct fctx *c, int ret)
{
	/* Failed: all of it still mapped. Done: only the middle is free. */
	igt_assert_eq(map_at(c, 0, GPU_PAGE), -EEXIST);
	igt_assert_eq(map_at(c, SPLIT_OFF, SPLIT_SIZE), ret ? -EEXIST : 0);
	igt_assert_eq(map_at(c, c->bo_size - GPU_PAGE, GPU_PAGE), -EEXIST);
	igt_osprey_vm_unmap(c->fd, DRM_OSPREY_VM_DEFAULT, va_start, c->bo_size);
}

static void check_unmap_whole(struct fctx *c, int ret)
{
	igt_assert_eq(map_at(c, 0, c->bo_size), ret ? -EEXIST : 0);
	igt_osprey_vm_unmap(c->fd, DRM_OSPREY_VM_DEFAULT, va_start, c->bo_size);
}

/* QUEUE_CREATE, QUEUE_GET_STATE */

static int call_queue_create(struct fctx *c)
{
	struct drm_osprey_queue_create arg = { .vm_id = DRM_OSPREY_VM_DEFAULT };
	int ret = raw_ioctl(c->fd, DRM_IOCTL_OSPREY_QUEUE_CREATE, &arg);

	c->handle = ret ? 0 : arg.queue_id;
	return ret;
}

static void check_queue_create(struct fctx *c, int ret)
{
	struct drm_osprey_queue_get_state st = {};

	if (ret) {
		for (uint32_t id = 1; id <= 4; id++) {
			st.queue_id = id;
			igt_assert_eq(__igt_osprey_queue_get_state(c->fd, &st), -ENOENT);
		}
		c->handle = igt_osprey_queue_create(c->fd, DRM_OSPREY_VM_DEFAULT,
						    DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	}
	igt_osprey_queue_destroy(c->fd, c->handle);
}

static void prepare_queue(struct fctx *c)
{
	open_file(c);
	c->queue = igt_osprey_queue_create(c->fd, DRM_OSPREY_VM_DEFAULT,
					   DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
}

static int call_queue_get_state(struct fctx *c)
{
	struct drm_osprey_queue_get_state arg = { .queue_id = c->queue };
	int ret = raw_ioctl(c->fd, DRM_IOCTL_OSPREY_QUEUE_GET_STATE, &arg);

	if (!ret && (arg.state || arg.guilty || arg.faults))
		return -EDOM;
	return ret;
}

/* SUBMIT, with binary and timeline syncobjs in and out */

#define DATA_OFF 0x800
#define DATA_VALUE 0xf00du

enum { IN_BIN, IN_TL, OUT_BIN, OUT_TL };

static volatile uint32_t *batch_word(struct fctx *c, uint64_t off)
{
	return (volatile uint32_t *)((char *)c->batch->map + off);
}

/* A job storing @value at DATA_OFF of the batch buffer. */
static void emit_store(struct fctx *c, uint32_t value, struct igt_osprey_cs *cs)
{
	*batch_word(c, DATA_OFF) = 0;
	igt_osprey_cs_init(cs, c->batch->map, c->batch_va, DATA_OFF);
	igt_osprey_emit_store(cs, c->batch_va + DATA_OFF, value);
	igt_osprey_emit_end(cs);
	__sync_synchronize();
	c->batch_bytes = igt_osprey_cs_bytes(cs);
}

static void prepare_submit(struct fctx *c)
{
	struct igt_osprey_cs cs;

	prepare_queue(c);
	c->batch = igt_osprey_bo_new(c->fd, GPU_PAGE);
	c->batch_va = va_start;
	igt_osprey_vm_map(c->fd, DRM_OSPREY_VM_DEFAULT, c->batch->handle, 0,
			  c->batch_va, GPU_PAGE, 0);
	for (int i = 0; i < 4; i++)
		c->syncs[i] = syncobj_new(c->fd, 0);
	/* A first job gives the in-syncs their fences. */
	emit_store(c, 1, &cs);
	igt_osprey_submit(c->fd, c->queue, cs.va, igt_osprey_cs_bytes(&cs), NULL, 0,
			  (struct drm_osprey_sync[]){ { .handle = c->syncs[IN_BIN] },
			  { .handle = c->syncs[IN_TL], .point = 1 } }, 2);
	igt_assert_eq(osp_syncobj_wait(c->dev, c->syncs[IN_TL], 1, 5000000000ll), 0);
	igt_assert_eq(osp_syncobj_status(c->dev, c->syncs[IN_BIN], 0), 1);
	emit_store(c, DATA_VALUE, &cs);
}

static int call_submit(struct fctx *c)
{
	struct drm_osprey_sync in[] = {
		{ .handle = c->syncs[IN_BIN] }, { .handle = c->syncs[IN_TL], .point = 1 },
	};
	struct drm_osprey_sync out[] = {
		{ .handle = c->syncs[OUT_BIN] }, { .handle = c->syncs[OUT_TL], .point = 1 },
	};
	struct drm_osprey_submit arg = {
		.queue_id = c->queue, .batch_va = c->batch_va,
		.batch_size = c->batch_bytes, .in_sync_count = 2,
		.out_sync_count = 2, .in_syncs = (uintptr_t)in, .out_syncs = (uintptr_t)out,
	};

	return raw_ioctl(c->fd, DRM_IOCTL_OSPREY_SUBMIT, &arg);
}

static void check_submit(struct fctx *c, int ret)
{
	uint64_t point = ~0ull;

	if (ret) {
		/* No out-syncobj changed; no job ran or waits. */
		igt_assert_eq(drmSyncobjWait(c->fd, &c->syncs[OUT_BIN], 1, 0, 0, NULL),
			      -EINVAL);
		igt_assert_eq(drmSyncobjQuery(c->fd, &c->syncs[OUT_TL], &point, 1), 0);
		igt_assert_eq_u64(point, 0);
		igt_assert_f(igt_wait(igt_osprey_job_count(fd) == 0, SETTLE_MS, 5),
			     "job_count %d after a failed SUBMIT\n",
			     igt_osprey_job_count(fd));
		igt_assert_eq_u32(*batch_word(c, DATA_OFF), 0);
		/* And the same submit works now. */
		igt_assert_eq(call_submit(c), 0);
	}
	igt_assert_eq(osp_syncobj_wait(c->dev, c->syncs[OUT_TL], 1, 5000000000ll), 0);
	igt_assert_eq(osp_syncobj_status(c->dev, c->syncs[OUT_BIN], 0), 1);
	igt_assert_eq(osp_syncobj_status(c->dev, c->syncs[OUT_TL], 1), 1);
	igt_assert_eq_u32(*batch_word(c, DATA_OFF), DATA_VALUE);
}

/* syncobj create (signalled: with a stub fence) and destroy */

static int call_syncobj_create(struct fctx *c)
{
	struct drm_syncobj_create arg = { .flags = DRM_SYNCOBJ_CREATE_SIGNALED };
	int ret = raw_ioctl(c->fd, DRM_IOCTL_SYNCOBJ_CREATE, &arg);

	c->handle = ret ? 0 : arg.handle;
	return ret;
}

static int syncobj_destroy(int file, uint32_t handle)
{
	struct drm_syncobj_destroy arg = { .handle = handle };

	return raw_ioctl(file, DRM_IOCTL_SYNCOBJ_DESTROY, &arg);
}

static void check_syncobj_create(struct fctx *c, int ret)
{
	if (ret) {
		/* The DRM core says EINVAL for a handle that names nothing. */
		for (uint32_t h = 1; h <= 4; h++)
			igt_assert_eq(syncobj_destroy(c->fd, h), -EINVAL);
		return;
	}
	igt_assert_eq(drmSyncobjWait(c->fd, &c->handle, 1, 0, 0, NULL), 0);
	igt_assert_eq(syncobj_destroy(c->fd, c->handle), 0);
}

static void prepare_syncobj(struct fctx *c)
{
	open_file(c);
	c->handle = syncobj_new(c->fd, DRM_SYNCOBJ_CREATE_SIGNALED);
}

static int call_syncobj_destroy(struct fctx *c)
{
	return syncobj_destroy(c->fd, c->handle);
}

static void check_syncobj_destroy(struct fctx *c, int ret)
{
	igt_assert_eq(syncobj_destroy(c->fd, c->handle), ret ? 0 : -EINVAL);
}

/*
 * Close of a file with everything in it: buffers (labelled, CPU-written,
 * exported), an imported vgem buffer, mappings in the default VM and in
 * another, a queue, syncobjs, a job done and one held back by a fence
 * (cancelled by the close, freed once the test signals the fence).
 */
static void prepare_full_file(struct fctx *c)
{
	struct vgem_bo vbo = { .width = 64, .height = 64, .bpp = 32 };
	struct igt_osprey_cs cs;
	uint32_t vm, imported, gate;
	void *p;
	int dmabuf;

	prepare_submit(c);
	c->bo_size = 16 * GPU_PAGE;
	c->bo = igt_osprey_gem_create(c->fd, c->bo_size);
	igt_osprey_gem_set_label(c->fd, c->bo, "failinject-close");
	p = igt_osprey_gem_mmap(c->fd, c->bo, c->bo_size, PROT_READ | PROT_WRITE);
	igt_osprey_fill(p, c->bo_size, 0xc105e);
	munmap(p, c->bo_size);
	close(igt_osprey_prime_export(c->fd, c->bo));
	igt_osprey_vm_map(c->fd, DRM_OSPREY_VM_DEFAULT, c->bo, 0, va_start + 0x100000,
			  c->bo_size, DRM_OSPREY_VM_BIND_READONLY);
	vm = igt_osprey_vm_create(c->fd);
	igt_osprey_vm_map(c->fd, vm, c->bo, 0, va_start, c->bo_size, 0);

	c->vgem = drm_open_driver(DRIVER_VGEM);
	vgem_create(c->vgem, &vbo);
	dmabuf = igt_osprey_prime_export(c->vgem, vbo.handle);
	imported = igt_osprey_prime_import(c->fd, dmabuf);
	close(dmabuf);
	gem_close(c->vgem, vbo.handle);
	igt_osprey_vm_map(c->fd, vm, imported, 0, va_start + 0x200000,
			  ALIGN(vbo.size, GPU_PAGE), 0);

	/* A job done (the prepared SUBMIT), and one held back. */
	igt_assert_eq(call_submit(c), 0);
	igt_assert_eq(osp_syncobj_wait(c->dev, c->syncs[OUT_BIN], 0, 5000000000ll), 0);
	igt_osprey_gate_open(&c->gate);
	c->has_gate = true;
	gate = igt_osprey_gate_syncobj(&c->gate, c->fd);
	emit_store(c, 2, &cs);
	igt_osprey_submit(c->fd, c->queue, cs.va, igt_osprey_cs_bytes(&cs),
			  &(struct drm_osprey_sync){ .handle = gate }, 1,
			  &(struct drm_osprey_sync){ .handle = c->syncs[OUT_BIN] }, 1);
	igt_assert_lt(0, igt_osprey_job_count(fd));

	/* A CPU mapping holds the file: the close must be the last reference. */
	igt_assert_eq(munmap(c->batch->map, c->batch->size), 0);
	free(c->batch);
	c->batch = NULL;
}

static int call_close(struct fctx *c)
{
	int ret = close(c->fd) ? -errno : 0;

	c->fd = -1;
	return ret;
}

static void check_close(struct fctx *c, int ret)
{
	/* close() does not fail; what the release could not allocate, it did without. */
	igt_assert_eq(ret, 0);
	igt_assert(c->has_gate && !c->gate.signalled);
	/* The held-back job is still there, until its fence is signalled. */
	igt_assert_lt(0, igt_osprey_job_count(fd));
}

static const struct fi_case cases[] = {
	{ .name = "open", .call = call_open, .check = check_open },
	/* shmem's ENOSPC (no inode) must reach userspace as ENOMEM. */
	{
		.name = "gem-create", .prepare = open_file, .call = call_gem_create,
		.check = check_gem_create,
	},
	{ .name = "gem-mmap", .prepare = open_with_bo, .call = call_mmap, .check = check_mmap },
	{
		.name = "gem-set-label", .prepare = open_with_bo, .call = call_set_label,
		.check = check_set_label,
	},
	{ .name = "gem-info", .prepare = open_with_bo, .call = call_gem_info },
	{
		.name = "prime-export", .prepare = open_with_bo, .call = call_export,
		.check = check_export,
	},
	{
		.name = "prime-import-self", .prepare = prepare_import_self, .call = call_import,
		.check = check_import_self,
	},
	{
		.name = "prime-import-vgem", .prepare = prepare_import_vgem, .call = call_import,
		.check = check_import_vgem,
	},
	{
		.name = "vm-create", .prepare = open_file, .call = call_vm_create,
		.check = check_vm_create,
	},
	{ .name = "vm-bind-map", .prepare = open_with_bo, .call = call_map, .check = check_map },
	{
		.name = "vm-bind-unmap", .prepare = prepare_mapped, .call = call_unmap_whole,
		.check = check_unmap_whole,
	},
	{
		.name = "vm-bind-unmap-split", .prepare = prepare_mapped, .call = call_unmap_split,
		.check = check_unmap_split,
	},
	{
		.name = "queue-create", .prepare = open_file, .call = call_queue_create,
		.check = check_queue_create,
	},
	{ .name = "queue-get-state", .prepare = prepare_queue, .call = call_queue_get_state },
	{ .name = "submit", .prepare = prepare_submit, .call = call_submit, .check = check_submit },
	{
		.name = "syncobj-create", .prepare = open_file, .call = call_syncobj_create,
		.check = check_syncobj_create,
	},
	{
		.name = "syncobj-destroy", .prepare = prepare_syncobj, .call = call_syncobj_destroy,
		.check = check_syncobj_destroy,
	},
	{ .name = "close", .prepare = prepare_full_file, .call = call_close, .check = check_close },
};

static const char *errno_name(int err)
{
	switch (err) {
	case ENOMEM: return "ENOMEM";
	case EINTR: return "EINTR";
	case EAGAIN: return "EAGAIN";
	case ENOSPC: return "ENOSPC";
	default: return strerror(err);
	}
}

/*
 * Fail the 1st, 2nd, ... allocation of the call until it runs with no
 * failure injected. Each time: the call fails with ENOMEM or succeeds (an
 * allocation with a fallback), the state is whole either way, and once
 * the files are closed, nothing of them is left.
 */
static struct fctx sweep_ctx;
static bool sweep_live;

static void sweep(const struct fi_case *t)
{
	unsigned int points = 0, failed = 0, absorbed = 0, n;
	unsigned int errnos[256] = {};
	char seen[256] = "";
	bool fired = true;

	/* What a subtest that failed left open. */
	if (sweep_live)
		close_all(&sweep_ctx);
	sweep_live = false;
	exported_after_failure = 0;

	for (n = 1; fired; n++) {
		struct fctx *c = &sweep_ctx;
		int ret;

		*c = (struct fctx){ .fd = -1, .fd2 = -1, .vgem = -1, .dmabuf = -1 };
		sweep_live = true;

		igt_assert_f(n <= MAX_NTH, "%s: an allocation still fails at N=%u\n",
			     t->name, n);
		if (t->prepare)
			t->prepare(c);
		igt_osprey_fail_nth_arm(nth, n);
		ret = t->call(c);
		fired = igt_osprey_fail_nth_disarm(nth);

		igt_assert_f(ret != -EDOM, "%s, N=%u: the call returned wrong values\n",
			     t->name, n);
		igt_assert_f(fired || ret == 0,
			     "%s, N=%u: no fault injected, yet the call failed: %s\n",
			     t->name, n, strerror(-ret));
		if (fired)
			points = n;
		if (ret) {
			failed++;
			errnos[-ret < 256 ? -ret : 0]++;
		} else if (fired) {
			absorbed++;
		}
		igt_debug("%s: N=%u %s, %s\n", t->name, n,
			  fired ? "injected" : "not injected",
			  ret ? errno_name(-ret) : "done");
		igt_assert_f(ret == 0 || ret == -ENOMEM || (t->also && ret == -t->also),
			     "%s, N=%u: allocation failure gave %s (%d), not ENOMEM\n",
			     t->name, n, errno_name(-ret), ret);
		if (t->check)
			t->check(c, ret);
		close_all(c);
		sweep_live = false;
		assert_counts(t->name, n);
	}
	for (int e = 0; e < 256; e++)
		if (errnos[e])
			snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen),
				 "%s%s x%u", seen[0] ? ", " : "", errno_name(e),
				 errnos[e]);
	igt_info("%s: %u injection points (largest N that fired), %u failed the call (%s), %u absorbed\n",
		 t->name, points, failed, failed ? seen : "none", absorbed);
	if (exported_after_failure)
		igt_info("%s: %u failed exports left the buffer EXPORTED\n", t->name,
			 exported_after_failure);
}

/* The capture with allocations failing ------------------------------------- */

/*
 * The faulting job's buffers: a one-page batch and a four-page data
 * buffer, whose contents are what the capture allocates pages for (the
 * batch first, then the data, one page at a time).
 */
#define CAP_BATCH_SIZE GPU_PAGE
#define CAP_DATA_SIZE (4 * GPU_PAGE)
#define CAP_SLOT 0x100ull
#define CAP_DATA_OFF 0x100000ull
#define CAP_MARKER_OFF 0x0
#define CAP_SEM_OFF 0x40
#define CAP_STORE_OFF 0x80
#define CAP_SEED 0xfa11
/* The batch slot of the jobs that check that the engine goes on. */
#define CAP_STORE_SLOT 15

/* How long the capture and its worker get with the knob armed. */
#define QUIET_MS 1000

/**
 * struct cctx - a file with a batch and a data buffer, for faulting jobs
 */
struct cctx {
	int fd;
	struct osp_dev *dev;
	uint32_t queue;
	struct igt_osprey_bo *batch, *data;
	uint64_t batch_va, data_va;
};

static void cctx_init(struct cctx *c)
{
	c->fd = drm_open_driver_render(DRIVER_OSPREY);
	c->dev = osp_dev_wrap(c->fd);
	igt_assert(c->dev);
	c->batch = igt_osprey_bo_new(c->fd, CAP_BATCH_SIZE);
	c->data = igt_osprey_bo_new(c->fd, CAP_DATA_SIZE);
	igt_osprey_gem_set_label(c->fd, c->batch->handle, "fi-batch");
	igt_osprey_gem_set_label(c->fd, c->data->handle, "fi-data");
	igt_osprey_fill(c->batch->map, CAP_BATCH_SIZE, CAP_SEED);
	igt_osprey_fill(c->data->map, CAP_DATA_SIZE, CAP_SEED + 1);
	c->batch_va = va_start;
	c->data_va = va_start + CAP_DATA_OFF;
	igt_osprey_vm_map(c->fd, DRM_OSPREY_VM_DEFAULT, c->batch->handle, 0,
			  c->batch_va, CAP_BATCH_SIZE, 0);
	igt_osprey_vm_map(c->fd, DRM_OSPREY_VM_DEFAULT, c->data->handle, 0,
			  c->data_va, CAP_DATA_SIZE, 0);
	c->queue = igt_osprey_queue_create(c->fd, DRM_OSPREY_VM_DEFAULT,
					   DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
}

static void cctx_fini(struct cctx *c)
{
	osp_dev_close(c->dev);
	igt_osprey_bo_free(c->batch);
	igt_osprey_bo_free(c->data);
	drm_close_driver(c->fd);
}

static volatile uint32_t *data_word(struct cctx *c, uint64_t off)
{
	return (volatile uint32_t *)((char *)c->data->map + off);
}

static void cpu_write(volatile uint32_t *p, uint32_t value)
{
	__sync_synchronize();
	*p = value;
	__sync_synchronize();
}

/* A job that stores @value at CAP_STORE_OFF of the data; its fence status. */
static int cap_run_store(struct cctx *c, unsigned int slot, uint32_t value)
{
	uint32_t done = syncobj_new(c->fd, 0);
	struct igt_osprey_cs cs;
	int status;

	cpu_write(data_word(c, CAP_STORE_OFF), 0);
	igt_osprey_cs_init(&cs, (char *)c->batch->map + slot * CAP_SLOT,
			   c->batch_va + slot * CAP_SLOT, CAP_SLOT);
	igt_osprey_emit_store(&cs, c->data_va + CAP_STORE_OFF, value);
	igt_osprey_emit_end(&cs);
	__sync_synchronize();
	igt_osprey_submit(c->fd, c->queue, cs.va, igt_osprey_cs_bytes(&cs), NULL, 0,
			  &(struct drm_osprey_sync){ .handle = done }, 1);
	igt_assert_eq(osp_syncobj_wait(c->dev, done, 0, 10000000000ll), 0);
	status = osp_syncobj_status(c->dev, done, 0);
	igt_assert_eq(drmSyncobjDestroy(c->fd, done), 0);
	if (status == 1)
		igt_assert_eq_u32(*data_word(c, CAP_STORE_OFF), value);
	return status;
}

/**
 * struct knob_case - how one fault is injected into
 * @cap: the capability, failslab or fail_page_alloc
 * @only_nowait: fail only allocations that cannot sleep (ignore-gfp-wait Y)
 * @space: the space knob: what passes before the first failure (bytes for
 *	   failslab, pages for fail_page_alloc, the failure at the first
 *	   allocation that finds it used up)
 * @times: how many allocations fail
 */
struct knob_case {
	const char *cap;
	bool only_nowait;
	int space, times;
};

/* What the capture subtests saw. */
struct cap_tally {
	unsigned int runs, fired, whole, partial, failed, vanished;
};

static void arm_knobs(const struct knob_case *k)
{
	const char *wait = k->only_nowait ? "Y" : "N";

	cap_off(k->cap);
	knob_set(k->cap, "task-filter", "N");
	knob_set(k->cap, "interval", "1");
	knob_set(k->cap, "ignore-gfp-wait", wait);
	if (!strcmp(k->cap, "fail_page_alloc")) {
		knob_set(k->cap, "ignore-gfp-highmem", wait);
		knob_set(k->cap, "min-order", "0");
	}
	knob_set(k->cap, "probability", "100");
	knob_set_int(k->cap, "space", k->space);
	/* times, which arms it, is written by the caller. */
}

static int knob_open(const char *cap, const char *knob)
{
	char path[PATH_MAX];
	int file;

	snprintf(path, sizeof(path), "%s/%s/%s", igt_debugfs_mount(), cap, knob);
	file = open(path, O_WRONLY | O_CLOEXEC);
	igt_assert_f(file >= 0, "%s: %s\n", path, strerror(errno));
	return file;
}

/*
 * A write to a knob already open: the only allocation-free way to arm and
 * disarm, an open() allocating a struct file, which would take a failure
 * meant for the capture.
 */
static void knob_write(int file, long long value)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%lld", value);

	igt_assert_eq(write(file, buf, len), len);
}

/* Sleep without allocating (nanosleep), while the capture runs. */
static void quiet_sleep(void)
{
	struct timespec ts = { .tv_sec = QUIET_MS / 1000,
			       .tv_nsec = QUIET_MS % 1000 * 1000000l };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static const struct osp_coredump_bo *cap_find_bo(const struct osp_coredump *cd,
						 uint64_t va)
{
	for (size_t i = 0; i < cd->nbos; i++)
		if (cd->bos[i].va == va)
			return &cd->bos[i];
	igt_assert_f(false, "no bo section for VA %#" PRIx64 "\n", va);
	return NULL;
}

/* Whether the dump's skipped section has a line for bo-@id. */
static bool has_skip_line(const struct osp_coredump *cd, uint32_t id)
{
	const char *lines[32];
	size_t n = osp_coredump_values(cd, "skipped", "skip", lines, 32);
	char what[32], want[32];

	snprintf(want, sizeof(want), "bo-%u", id);
	for (size_t i = 0; i < n && i < 32; i++)
		if (osp_coredump_field(lines[i], "what", what, sizeof(what)) == 0 &&
		    !strcmp(what, want))
			return true;
	return false;
}

/*
 * A bo section: its captured bytes are the buffer's, and what it lacks is
 * marked (truncated, skipped when nothing is there, a skip line). Returns
 * whether it was captured whole.
 */
static bool check_cap_bo(const struct osp_coredump *cd, uint64_t va,
			 const uint8_t *expect, uint64_t size)
{
	const struct osp_coredump_bo *bo = cap_find_bo(cd, va);

	igt_info("  bo %u \"%s\": size %" PRIu64 " captured %" PRIu64 " truncated %s%s%s\n",
		 bo->id, bo->label, bo->size, bo->captured, bo->truncated ? "yes" : "no",
		 bo->skipped[0] ? " skipped " : "", bo->skipped);
	igt_assert_eq_u64(bo->size, size);
	igt_assert_lte_u64(bo->captured, size);
	igt_assert_eq_u64(bo->captured % 4, 0);
	if (bo->captured)
		igt_assert(bo->data && !memcmp(bo->data, expect, bo->captured));
	if (bo->captured == size) {
		igt_assert(!bo->truncated && !bo->skipped[0]);
		return true;
	}
	igt_assert_f(bo->truncated, "bo %u: %" PRIu64 " of %" PRIu64 " bytes, not truncated\n",
		     bo->id, bo->captured, size);
	if (!bo->captured)
		igt_assert_f(!strcmp(bo->skipped, "allocation failed"),
			     "bo %u: nothing captured, skipped \"%s\"\n", bo->id,
			     bo->skipped);
	igt_assert_f(has_skip_line(cd, bo->id), "no skip line for bo-%u\n", bo->id);
	return false;
}

static uint64_t newest(const struct igt_osprey_coredump_stats *s)
{
	return s->nkept ? s->kept[s->nkept - 1] : 0;
}

static void devcd_read(char *dir, size_t dirlen, char **raw, size_t *len)
{
	char path[PATH_MAX + 8];

	igt_assert_eq(igt_osprey_devcoredump_find(device, dir, dirlen), 1);
	snprintf(path, sizeof(path), "%s/data", dir);
	*raw = igt_osprey_read_file(path, len);
	igt_assert_f(*raw, "cannot read %s: %s\n", path, strerror(errno));
}

/*
 * One faulting job with @k armed: the job waits on a semaphore (so that
 * SUBMIT's own allocations are done), the knobs are armed, the CPU
 * releases the semaphore and the job STOREs to an unmapped VA; the capture
 * runs with allocations failing. Then: the fence says -EFAULT, a dump is
 * published that parses and marks what it lacks, or none is and
 * coredump_stats counts a failure, and the engine runs the next job.
 */
static void capture_one(struct cctx *c, unsigned int slot, const struct knob_case *k,
			struct cap_tally *tally)
{
	struct igt_osprey_coredump_stats s0, s1;
	uint64_t bad_va = c->data_va + CAP_DATA_SIZE + 0x40;
	uint8_t *batch, *data;
	struct igt_osprey_cs cs;
	uint32_t done;
	int times_fd, probability_fd;
	char left[32];

	igt_assert_lt_u64((slot + 1) * CAP_SLOT, CAP_BATCH_SIZE + 1);
	igt_osprey_coredump_stats(fd, &s0);
	cpu_write(data_word(c, CAP_MARKER_OFF), 0);
	cpu_write(data_word(c, CAP_SEM_OFF), 0);
	igt_osprey_cs_init(&cs, (char *)c->batch->map + slot * CAP_SLOT,
			   c->batch_va + slot * CAP_SLOT, CAP_SLOT);
	igt_osprey_emit_store(&cs, c->data_va + CAP_MARKER_OFF, 0x600d0000 | slot);
	igt_osprey_emit_sem_wait(&cs, OSPREY_CMP_EQ, c->data_va + CAP_SEM_OFF, 1);
	igt_osprey_emit_store(&cs, bad_va, 0xbad);
	igt_osprey_emit_end(&cs);
	__sync_synchronize();
	done = syncobj_new(c->fd, 0);
	igt_osprey_submit(c->fd, c->queue, cs.va, igt_osprey_cs_bytes(&cs), NULL, 0,
			  &(struct drm_osprey_sync){ .handle = done }, 1);
	igt_assert_f(igt_wait(*data_word(c, CAP_MARKER_OFF) == (0x600d0000 | slot),
			      10000, 1), "the job never started\n");

	/* What the dump should hold: the buffers once the semaphore is set. */
	batch = malloc(CAP_BATCH_SIZE);
	data = malloc(CAP_DATA_SIZE);
	igt_assert(batch && data);
	times_fd = knob_open(k->cap, "times");
	probability_fd = knob_open(k->cap, "probability");

	arm_knobs(k);
	knob_write(times_fd, k->times);
	cpu_write(data_word(c, CAP_SEM_OFF), 1);
	quiet_sleep();
	knob_write(probability_fd, 0);
	close(times_fd);
	close(probability_fd);
	igt_assert_eq(igt_osprey_fault_attr_get(k->cap, "times", left, sizeof(left)), 0);
	cap_off(k->cap);

	memcpy(batch, c->batch->map, CAP_BATCH_SIZE);
	memcpy(data, c->data->map, CAP_DATA_SIZE);
	tally->runs++;
	tally->fired += atoi(left) < k->times;
	igt_info("%s%s space %d times %d: %d failure(s) injected\n", k->cap,
		 k->only_nowait ? " (GFP_NOWAIT only)" : "", k->space, k->times,
		 k->times - atoi(left));

	igt_assert_eq(osp_syncobj_wait(c->dev, done, 0, 10000000000ll), 0);
	igt_assert_eq(osp_syncobj_status(c->dev, done, 0), -EFAULT);
	igt_assert_eq(drmSyncobjDestroy(c->fd, done), 0);

	/* The capture ends published, lost or failed: one of them counts it. */
	igt_assert_f(igt_wait((igt_osprey_coredump_stats(fd, &s1),
			       s1.published + s1.lost + s1.failed ==
			       s0.published + s0.lost + s0.failed + 1), 10000, 10),
		     "coredump_stats: captured %" PRIu64 " published %" PRIu64 " lost %"
		     PRIu64 " failed %" PRIu64 " (before %" PRIu64 "/%" PRIu64 "/%" PRIu64
		     "/%" PRIu64 ")\n", s1.captured, s1.published, s1.lost, s1.failed,
		     s0.captured, s0.published, s0.lost, s0.failed);
	igt_assert_eq_u64(s1.lost, s0.lost);
	igt_assert_eq_u64(s1.captured, s0.captured + 1);
	igt_info("  capture %" PRIu64 " us, format %" PRIu64 " us\n", s1.last_capture_us,
		 s1.last_format_us);

	if (s1.published > s0.published &&
	    !igt_wait(igt_osprey_devcoredump_find(device, NULL, 0) > 0, 5000, 10)) {
		/* Counted at the end of the sweep, so that the rest still runs. */
		igt_warn("coredump_stats counts dump %" PRIu64
			 " published, devcoredump has none\n", newest(&s1));
		tally->vanished++;
	} else if (s1.published > s0.published) {
		struct osp_coredump *cd = NULL;
		char dir[PATH_MAX], err[512] = "";
		bool whole;
		size_t len;
		char *raw;

		devcd_read(dir, sizeof(dir), &raw, &len);
		igt_assert_f(osp_coredump_parse(raw, len, &cd, err, sizeof(err)) == 0,
			     "%s does not parse: %s\n", dir, err);
		igt_assert_eq_u64(cd->size, len);
		igt_assert_eq_u64(cd->nbos, 2);
		whole = check_cap_bo(cd, c->batch_va, batch, CAP_BATCH_SIZE);
		whole &= check_cap_bo(cd, c->data_va, data, CAP_DATA_SIZE);
		if (whole)
			tally->whole++;
		else
			tally->partial++;
		osp_coredump_free(cd);
		free(raw);
		igt_assert_eq(igt_osprey_devcoredump_dismiss(dir), 0);
	} else {
		igt_info("  no dump: coredump_stats failed %" PRIu64 " -> %" PRIu64 "\n",
			 s0.failed, s1.failed);
		igt_assert_eq_u64(s1.failed, s0.failed + 1);
		usleep(100 * 1000);
		igt_assert_eq(igt_osprey_devcoredump_find(device, NULL, 0), 0);
		tally->failed++;
	}
	free(batch);
	free(data);

	/* The engine goes on. */
	igt_assert_eq(cap_run_store(c, CAP_STORE_SLOT, 0x5000 | slot), 1);
}

static void capture_sweep(const char *what, const struct knob_case *k, unsigned int count,
			  bool want_partial)
{
	static struct cctx c;
	static bool live;
	struct cap_tally tally = {};

	/* What a subtest that failed left open. */
	if (live)
		cctx_fini(&c);
	live = false;
	igt_osprey_devcoredump_dismiss_all(NULL);
	cctx_init(&c);
	live = true;
	for (unsigned int i = 0; i < count; i++)
		capture_one(&c, i % CAP_STORE_SLOT, &k[i], &tally);
	live = false;
	cctx_fini(&c);
	assert_counts(what, count);
	igt_info("%s: %u faults, %u with failures injected: %u whole dumps, %u partial, %u failed, %u vanished\n",
		 what, tally.runs, tally.fired, tally.whole, tally.partial, tally.failed,
		 tally.vanished);
	igt_assert_f(!tally.vanished,
		     "%s: %u dump(s) counted published never reached devcoredump\n", what,
		     tally.vanished);
	igt_assert_f(tally.fired, "%s: no failure was ever injected\n", what);
	if (want_partial)
		igt_assert_f(tally.partial, "%s: no dump lacked a buffer page\n", what);
}

static void test_capture_content_pages(void)
{
	/*
	 * Only GFP_NOWAIT allocations fail: the capture's content pages
	 * (5: the batch's, then the data's 4). space S lets S - 1 through.
	 */
	static const struct knob_case k[] = {
		{ "fail_page_alloc", true, 0, 1 },	/* the batch skipped */
		{ "fail_page_alloc", true, 0, 2 },	/* both skipped */
		{ "fail_page_alloc", true, 0, 5 },	/* all */
		{ "fail_page_alloc", true, 2, 1 },	/* the data skipped */
		{ "fail_page_alloc", true, 3, 1 },	/* the data cut at 1 page */
		{ "fail_page_alloc", true, 4, 2 },	/* ... at 2 */
		{ "fail_page_alloc", true, 5, 1 },	/* ... at 3 */
	};

	capture_sweep("content pages", k, ARRAY_SIZE(k), true);
}

static void test_capture_worker_slab(void)
{
	/* One slab allocation fails, GFP_KERNEL included, further each time. */
	static const int space[] = {
		0, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,
	};
	struct knob_case k[ARRAY_SIZE(space)];

	for (unsigned int i = 0; i < ARRAY_SIZE(space); i++)
		k[i] = (struct knob_case){ "failslab", false, space[i], 1 };
	capture_sweep("worker slab", k, ARRAY_SIZE(k), false);
}

static void test_capture_worker_pages(void)
{
	/*
	 * Page allocations fail, sleeping ones included: past the 5 content
	 * pages, the worker's vmalloc()s of the text and of its copy. A
	 * vmalloc() asks for its pages in bulk first, and one at a time when
	 * that fails: two failures in a row make it fail.
	 */
	static const struct knob_case k[] = {
		{ "fail_page_alloc", false, 6, 1 }, { "fail_page_alloc", false, 6, 2 },
		{ "fail_page_alloc", false, 6, 3 }, { "fail_page_alloc", false, 7, 2 },
		{ "fail_page_alloc", false, 8, 2 }, { "fail_page_alloc", false, 9, 2 },
		{ "fail_page_alloc", false, 10, 2 }, { "fail_page_alloc", false, 12, 2 },
	};

	capture_sweep("worker pages", k, ARRAY_SIZE(k), false);
}

/* Setup -------------------------------------------------------------------- */

static void setup(void)
{
	char link[64];
	ssize_t len;

	fd = drm_open_driver_render(DRIVER_OSPREY);
	igt_require_osprey(fd);
	require_fault_injection();
	igt_assert_eq(igt_osprey_device_name(fd, device, sizeof(device)), 0);
	va_start = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_VA_START);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, node, sizeof(node) - 1);
	igt_assert_lt(0, len);
	node[len] = '\0';
	gem_start = igt_osprey_gem_count(fd);
	igt_assert_lte(0, gem_start);
	if (igt_osprey_devcoredump_dismiss_all(NULL))
		igt_info("dismissed devcoredumps left by earlier tests\n");
}

int igt_main()
{
	igt_fixture() {
		setup();
	}

	igt_subtest_group() {
		igt_fixture() {
			fail_nth_knobs();
		}

		for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
			igt_describe_f("fail-nth of %s: ENOMEM or success, no half state, no leak.",
				       cases[i].name);
			igt_subtest_f("fail-nth-%s", cases[i].name)
				sweep(&cases[i]);
		}
	}

	igt_describe("A fault's GFP_NOWAIT content pages fail: the dump marks what it lacks.");
	igt_subtest("capture-content-pages-fail") {
		test_capture_content_pages();
		igt_assert_eq(igt_osprey_devcoredump_find(NULL, NULL, 0), 0);
	}

	igt_describe("One slab allocation fails in turn: a dump published, or counted failed.");
	igt_subtest("capture-worker-slab-fail") {
		test_capture_worker_slab();
		igt_assert_eq(igt_osprey_devcoredump_find(NULL, NULL, 0), 0);
	}

	igt_describe("One page allocation fails in turn: a dump published, or counted failed.");
	igt_subtest("capture-worker-pages-fail") {
		test_capture_worker_pages();
		igt_assert_eq(igt_osprey_devcoredump_find(NULL, NULL, 0), 0);
	}

	igt_fixture() {
		restore_knobs(0);
		assert_counts("the end", 0);
		drm_close_driver(fd);
		fd = -1;
	}
}
