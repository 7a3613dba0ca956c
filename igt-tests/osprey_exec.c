// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

#include "igt.h"
#include "igt_osprey.h"
#include "igt_vgem.h"
#include "libosprey.h"
#include "osprey_isa.h"

IGT_TEST_DESCRIPTION("Osprey jobs: instructions, queues, syncobjs, faults and SUBMIT's checks.");

/* The GPU page size. */
#define GPU_PAGE 4096ull

/* A context's buffer: batches in the first half, data in the second. */
#define CTX_SIZE (1024 * 1024ull)
#define DATA_OFF (512 * 1024ull)

/* What GET_PARAM reports, read once. */
static uint64_t va_start, va_end, max_batch_size, max_syncs, max_queues;
/* The osprey module's job timeout, in milliseconds. */
static unsigned int timeout_ms = 2000;

/**
 * struct ctx - a file of its own, one buffer mapped at VA_START, one queue
 * @fd: the file (a render node)
 * @dev: @fd for libosprey, to read fence status
 * @queue: a queue in the default VM
 * @bo: the buffer, mapped read-write at @va over its whole size
 * @va: where @bo is mapped
 */
struct ctx {
	int fd;
	struct osp_dev *dev;
	uint32_t queue;
	struct igt_osprey_bo *bo;
	uint64_t va;
};

static void ctx_init(struct ctx *c, uint64_t size)
{
	memset(c, 0, sizeof(*c));
	c->fd = drm_open_driver_render(DRIVER_OSPREY);
	c->dev = osp_dev_wrap(c->fd);
	igt_assert(c->dev);
	c->bo = igt_osprey_bo_new(c->fd, size);
	c->va = va_start;
	igt_osprey_vm_map(c->fd, DRM_OSPREY_VM_DEFAULT, c->bo->handle, 0, c->va,
			  c->bo->size, 0);
	c->queue = igt_osprey_queue_create(c->fd, DRM_OSPREY_VM_DEFAULT,
					   DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
}

/* Closing the file frees the queue, the mapping and the buffer. */
static void ctx_fini(struct ctx *c)
{
	osp_dev_close(c->dev);
	igt_osprey_bo_free(c->bo);
	drm_close_driver(c->fd);
}

/* The CPU address of @va, which must be inside the context's buffer. */
static void *ptr(struct ctx *c, uint64_t va)
{
	igt_assert_f(va >= c->va && va < c->va + c->bo->size,
		     "VA %#" PRIx64 " is outside the buffer\n", va);
	return (char *)c->bo->map + (va - c->va);
}

static volatile uint32_t *word(struct ctx *c, uint64_t va)
{
	return ptr(c, va);
}

static uint64_t data_va(struct ctx *c, uint64_t off)
{
	return c->va + DATA_OFF + off;
}

/* Start a batch at byte @off of the buffer, with room up to @bytes. */
static void cs_at(struct ctx *c, struct igt_osprey_cs *cs, uint64_t off,
		  uint64_t bytes)
{
	igt_osprey_cs_init(cs, ptr(c, c->va + off), c->va + off, bytes);
}

/* A VA the context never maps. */
static uint64_t unmapped_va(struct ctx *c)
{
	return c->va + 64 * CTX_SIZE;
}

/* Syncobjs ------------------------------------------------------------ */

static uint32_t syncobj_new(int fd)
{
	uint32_t handle = 0;

	igt_assert_eq(drmSyncobjCreate(fd, 0, &handle), 0);
	return handle;
}

static void syncobj_free(int fd, uint32_t handle)
{
	igt_assert_eq(drmSyncobjDestroy(fd, handle), 0);
}

/* Move a syncobj into another file, through a syncobj fd. */
static uint32_t syncobj_share(int from, uint32_t handle, int to)
{
	uint32_t imported = 0;
	int sfd = -1;

	igt_assert_eq(drmSyncobjHandleToFD(from, handle, &sfd), 0);
	igt_assert_eq(drmSyncobjFDToHandle(to, sfd, &imported), 0);
	close(sfd);
	return imported;
}

/* Whether a syncobj holds a fence (at @point, for a timeline). */
static bool syncobj_has_fence(int fd, uint32_t handle, uint64_t point)
{
	int ret = drmSyncobjTimelineWait(fd, &handle, &point, 1, 0, 0, NULL);

	igt_assert_f(ret == 0 || ret == -ETIME || ret == -EINVAL,
		     "SYNCOBJ_TIMELINE_WAIT: %s\n", strerror(-ret));
	return ret != -EINVAL;
}

/* The fence status: 1 signalled, 0 pending, or its error. */
static int fence_status(int fd, uint32_t handle, uint64_t point)
{
	struct osp_dev *dev = osp_dev_wrap(fd);
	int status;

	igt_assert(dev);
	status = osp_syncobj_status(dev, handle, point);
	osp_dev_close(dev);
	return status;
}

/* The longest a job may take: the driver's timeout and some slack. */
static int64_t job_wait_ns(void)
{
	return (timeout_ms + 10000ll) * 1000000;
}

/* Wait for a job's fence, asserting that it signals; return its status. */
static int wait_fence(int fd, uint32_t handle, uint64_t point)
{
	int64_t deadline = igt_osprey_monotonic_ns() + job_wait_ns();
	int ret, status;

	ret = drmSyncobjTimelineWait(fd, &handle, &point, 1, deadline,
				     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL);
	igt_assert_f(ret == 0, "syncobj %u point %" PRIu64 " did not signal: %s\n",
		     handle, point, strerror(-ret));
	status = fence_status(fd, handle, point);
	igt_assert_f(status != 0, "syncobj %u signalled, its fence is pending\n",
		     handle);
	return status;
}

/* Jobs ------------------------------------------------------------------ */

static void submit_cs(int fd, uint32_t queue, const struct igt_osprey_cs *cs,
		      const struct drm_osprey_sync *in, uint32_t in_count,
		      uint32_t out_handle, uint64_t out_point)
{
	struct drm_osprey_sync out = { .handle = out_handle, .point = out_point };

	igt_osprey_submit(fd, queue, cs->va, igt_osprey_cs_bytes(cs), in, in_count,
			  out_handle ? &out : NULL, out_handle ? 1 : 0);
}

/* Run a batch on @queue of @fd and wait for it: its fence status. */
static int run_on(int fd, uint32_t queue, const struct igt_osprey_cs *cs)
{
	uint32_t done = syncobj_new(fd);
	int status;

	submit_cs(fd, queue, cs, NULL, 0, done, 0);
	status = wait_fence(fd, done, 0);
	syncobj_free(fd, done);
	return status;
}

static int run(struct ctx *c, const struct igt_osprey_cs *cs)
{
	return run_on(c->fd, c->queue, cs);
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

/*
 * Check the last fault the device recorded. The line may be written just
 * after the fence signals, so wait up to a second for it to name @batch
 * and @ip. @access NULL: not checked.
 */
static void assert_last_fault(int fd, const char *status, const char *access,
			      uint64_t va, uint64_t ip, uint64_t batch)
{
	struct igt_osprey_fault f = {};
	bool found = igt_wait(igt_osprey_last_fault(fd, &f) && f.batch == batch &&
			      f.ip == ip && !strcmp(f.status, status), 1000, 10);

	igt_assert_f(found, "last_fault: status=%s access=%s va=%#" PRIx64
		     " ip=%#" PRIx64 " batch=%#" PRIx64 ", expected status=%s ip=%#"
		     PRIx64 " batch=%#" PRIx64 "\n", f.status, f.access, f.va, f.ip,
		     f.batch, status, ip, batch);
	igt_assert_eq_u64(f.va, va);
	if (access)
		igt_assert_f(!strcmp(f.access, access), "last_fault access=%s, expected %s\n",
			     f.access, access);
	igt_assert_lt_u32(f.as, OSPREY_NUM_AS);
}

/* Compare @bytes at @va with @expect, naming the first difference. */
static void assert_memory(struct ctx *c, uint64_t va, const void *expect,
			  uint64_t bytes)
{
	const volatile uint32_t *got = ptr(c, va);
	const uint32_t *want = expect;

	__sync_synchronize();
	for (uint64_t i = 0; i < bytes / 4; i++)
		igt_assert_f(got[i] == want[i],
			     "VA %#" PRIx64 " holds %#010x, expected %#010x\n",
			     va + 4 * i, got[i], want[i]);
}

/* Instructions --------------------------------------------------------- */

static void test_nop(void)
{
	struct igt_osprey_cs cs;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	cs_at(&c, &cs, 0, 4096);
	for (int i = 0; i < 100; i++)
		igt_osprey_emit_nop(&cs);
	igt_osprey_emit_store(&cs, data_va(&c, 0), 0xc0ffee01);
	igt_osprey_emit_nop(&cs);
	igt_osprey_emit_store(&cs, data_va(&c, 4), 0xc0ffee02);
	igt_osprey_emit_nop(&cs);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(run(&c, &cs), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0)), 0xc0ffee01);
	igt_assert_eq_u32(*word(&c, data_va(&c, 4)), 0xc0ffee02);

	/* A batch of a single NOP, with no END: it ends at its length. */
	cs_at(&c, &cs, 8192, 4096);
	igt_osprey_emit_nop(&cs);
	igt_assert_eq(run(&c, &cs), 1);
	ctx_fini(&c);
}

static void test_store(void)
{
	const uint64_t offs[] = { 0, 4, GPU_PAGE - 4, GPU_PAGE, 3 * GPU_PAGE - 4,
				  0x1234 };
	const uint64_t bytes = 4 * GPU_PAGE;
	uint32_t *expect = malloc(bytes);
	struct igt_osprey_cs cs;
	struct ctx c;

	igt_assert(expect);
	ctx_init(&c, CTX_SIZE);
	memset(ptr(&c, data_va(&c, 0)), 0x5a, bytes);
	memset(expect, 0x5a, bytes);

	cs_at(&c, &cs, 0, 4096);
	for (unsigned int i = 0; i < ARRAY_SIZE(offs); i++) {
		igt_osprey_emit_store(&cs, data_va(&c, offs[i]), 0x51000000 + i);
		expect[offs[i] / 4] = 0x51000000 + i;
	}
	/* Two stores to one word: the second wins. */
	igt_osprey_emit_store(&cs, data_va(&c, 0x100), 0);
	igt_osprey_emit_store(&cs, data_va(&c, 0x100), 0xffffffff);
	expect[0x100 / 4] = 0xffffffff;
	/* The last word of the buffer. */
	igt_osprey_emit_store(&cs, c.va + c.bo->size - 4, 0x1a57);
	igt_osprey_emit_end(&cs);

	igt_assert_eq(run(&c, &cs), 1);
	assert_memory(&c, data_va(&c, 0), expect, bytes);
	igt_assert_eq_u32(*word(&c, c.va + c.bo->size - 4), 0x1a57);
	free(expect);
	ctx_fini(&c);
}

static void test_copy(void)
{
	const uint64_t bytes = 16 * GPU_PAGE;
	const uint32_t len = 3 * GPU_PAGE + 12;
	uint8_t *expect = malloc(bytes);
	struct igt_osprey_cs cs;
	struct ctx c;

	igt_assert(expect);
	ctx_init(&c, CTX_SIZE);
	igt_osprey_fill(ptr(&c, data_va(&c, 0)), bytes, 0xc091);
	memcpy(expect, ptr(&c, data_va(&c, 0)), bytes);

	cs_at(&c, &cs, 0, 4096);
	/* Unaligned to pages on both sides, across page boundaries. */
	igt_osprey_emit_copy(&cs, data_va(&c, 0x8028), data_va(&c, 0x14), len);
	memmove(expect + 0x8028, expect + 0x14, len);
	/* One word; and no bytes at all, which changes nothing. */
	igt_osprey_emit_copy(&cs, data_va(&c, 0xf000), data_va(&c, 0x4), 4);
	memmove(expect + 0xf000, expect + 0x4, 4);
	igt_osprey_emit_copy(&cs, data_va(&c, 0xf100), data_va(&c, 0x8), 0);
	igt_osprey_emit_end(&cs);

	igt_assert_eq(run(&c, &cs), 1);
	assert_memory(&c, data_va(&c, 0), expect, bytes);
	free(expect);
	ctx_fini(&c);
}

static void test_copy_overlap(void)
{
	const uint64_t bytes = 16 * GPU_PAGE;
	const uint32_t len = 2 * GPU_PAGE + 0x40;
	uint8_t *expect = malloc(bytes);
	struct igt_osprey_cs cs;
	struct ctx c;

	igt_assert(expect);
	ctx_init(&c, CTX_SIZE);
	igt_osprey_fill(ptr(&c, data_va(&c, 0)), bytes, 0x0e71);
	memcpy(expect, ptr(&c, data_va(&c, 0)), bytes);

	cs_at(&c, &cs, 0, 4096);
	/* Forwards: the destination starts inside the source. */
	igt_osprey_emit_copy(&cs, data_va(&c, 0x108), data_va(&c, 0x100), len);
	memmove(expect + 0x108, expect + 0x100, len);
	/* Backwards: the source starts inside the destination. */
	igt_osprey_emit_copy(&cs, data_va(&c, 0x6000), data_va(&c, 0x6ffc), len);
	memmove(expect + 0x6000, expect + 0x6ffc, len);
	/* A page apart, both ways. */
	igt_osprey_emit_copy(&cs, data_va(&c, 0xa000 + GPU_PAGE),
			     data_va(&c, 0xa000), len);
	memmove(expect + 0xa000 + GPU_PAGE, expect + 0xa000, len);
	igt_osprey_emit_copy(&cs, data_va(&c, 0xa000), data_va(&c, 0xa000 + 4), len);
	memmove(expect + 0xa000, expect + 0xa000 + 4, len);
	/* Onto itself. */
	igt_osprey_emit_copy(&cs, data_va(&c, 0xe000), data_va(&c, 0xe000), 256);
	igt_osprey_emit_end(&cs);

	igt_assert_eq(run(&c, &cs), 1);
	assert_memory(&c, data_va(&c, 0), expect, bytes);
	free(expect);
	ctx_fini(&c);
}

static void test_fill(void)
{
	const uint64_t bytes = 8 * GPU_PAGE;
	uint32_t *expect = malloc(bytes);
	struct igt_osprey_cs cs;
	struct ctx c;

	igt_assert(expect);
	ctx_init(&c, CTX_SIZE);
	igt_osprey_fill(ptr(&c, data_va(&c, 0)), bytes, 0xf111);
	memcpy(expect, ptr(&c, data_va(&c, 0)), bytes);

	cs_at(&c, &cs, 0, 4096);
	/* Across two page boundaries, neither end aligned to a page. */
	igt_osprey_emit_fill(&cs, data_va(&c, 0x10), 2 * GPU_PAGE + 8, 0xa5a5f00d);
	for (uint64_t i = 0x10 / 4; i < (0x10 + 2 * GPU_PAGE + 8) / 4; i++)
		expect[i] = 0xa5a5f00d;
	/* One word, no word, and a later fill over part of an earlier one. */
	igt_osprey_emit_fill(&cs, data_va(&c, 0x5000), 4, 0x11111111);
	expect[0x5000 / 4] = 0x11111111;
	igt_osprey_emit_fill(&cs, data_va(&c, 0x5100), 0, 0x22222222);
	igt_osprey_emit_fill(&cs, data_va(&c, 0x6000), 0x100, 0x33333333);
	igt_osprey_emit_fill(&cs, data_va(&c, 0x6080), 0x100, 0);
	for (uint64_t i = 0x6000 / 4; i < 0x6180 / 4; i++)
		expect[i] = i < 0x6080 / 4 ? 0x33333333 : 0;
	igt_osprey_emit_end(&cs);

	igt_assert_eq(run(&c, &cs), 1);
	assert_memory(&c, data_va(&c, 0), expect, bytes);
	free(expect);
	ctx_fini(&c);
}

static void test_sem_wait_cpu(void)
{
	/* For each comparison: a value that blocks, then one that releases. */
	static const struct {
		unsigned int cmp;
		uint32_t value, blocked, released;
	} cases[] = {
		{ OSPREY_CMP_EQ, 5, 0, 5 },
		{ OSPREY_CMP_NE, 7, 7, 8 },
		/* Unsigned: 0x80000000 is greater than 0x7fffffff. */
		{ OSPREY_CMP_GT, 0x7fffffff, 1, 0x80000000 },
		{ OSPREY_CMP_GE, 5, 4, 5 },
		/* Unsigned: 0x80000000 is not less than 3. */
		{ OSPREY_CMP_LT, 3, 0x80000000, 2 },
		{ OSPREY_CMP_LE, 8, 9, 8 },
	};
	struct igt_osprey_cs cs;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		volatile uint32_t *sem = word(&c, data_va(&c, 0));
		volatile uint32_t *done = word(&c, data_va(&c, 4 + 4 * i));
		uint32_t out = syncobj_new(c.fd);

		igt_info("sem_wait %s %#x\n", osprey_cmp_name(cases[i].cmp),
			 cases[i].value);
		cpu_write(sem, cases[i].blocked);
		cs_at(&c, &cs, 256 * i, 256);
		igt_osprey_emit_sem_wait(&cs, cases[i].cmp, data_va(&c, 0),
					 cases[i].value);
		igt_osprey_emit_store(&cs, data_va(&c, 4 + 4 * i), i + 1);
		igt_osprey_emit_end(&cs);
		submit_cs(c.fd, c.queue, &cs, NULL, 0, out, 0);

		usleep(1000 * (i ? block_ms() / 4 : block_ms()));
		igt_assert_eq(fence_status(c.fd, out, 0), 0);
		igt_assert_eq_u32(*done, 0);

		cpu_write(sem, cases[i].released);
		igt_assert_eq(wait_fence(c.fd, out, 0), 1);
		igt_assert_eq_u32(*done, i + 1);

		/* Already true: the same batch runs straight through. */
		cpu_write(done, 0);
		igt_assert_eq(run(&c, &cs), 1);
		igt_assert_eq_u32(*done, i + 1);
		syncobj_free(c.fd, out);
	}
	ctx_fini(&c);
}

static void test_atomic_add(void)
{
	struct igt_osprey_cs cs;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	cpu_write(word(&c, data_va(&c, 0)), 0xfffffffe);
	cpu_write(word(&c, data_va(&c, 4)), 10);
	cs_at(&c, &cs, 0, 4096);
	/* Wraps around; compare plays no part in ADD. */
	igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_ADD, data_va(&c, 0), 1, 0x1234);
	igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_ADD, data_va(&c, 0), 2, 0);
	igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_ADD, data_va(&c, 0), 5, 0xfffffffe);
	igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_ADD, data_va(&c, 4), 0, 0);
	igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_ADD, data_va(&c, 4), 0xffffffff, 0);
	igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_ADD, data_va(&c, 8), 0x80000000, 0);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(run(&c, &cs), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0)), 6);
	igt_assert_eq_u32(*word(&c, data_va(&c, 4)), 9);
	igt_assert_eq_u32(*word(&c, data_va(&c, 8)), 0x80000000);
	igt_assert_eq_u32(*word(&c, data_va(&c, 12)), 0);
	ctx_fini(&c);
}

static void test_atomic_cmpxchg(void)
{
	struct igt_osprey_cs cs;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	cpu_write(word(&c, data_va(&c, 0)), 5);
	cpu_write(word(&c, data_va(&c, 4)), 0xffffffff);
	cpu_write(word(&c, data_va(&c, 8)), 3);
	cs_at(&c, &cs, 0, 4096);
	/* Equal: swapped; then no longer equal: left alone; then swapped again. */
	igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_CMPXCHG, data_va(&c, 0), 7, 5);
	igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_CMPXCHG, data_va(&c, 0), 9, 5);
	igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_CMPXCHG, data_va(&c, 0), 0, 7);
	igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_CMPXCHG, data_va(&c, 4), 1, 0xffffffff);
	/* Not equal from the start. */
	igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_CMPXCHG, data_va(&c, 8), 100, 4);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(run(&c, &cs), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0)), 0);
	igt_assert_eq_u32(*word(&c, data_va(&c, 4)), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 8)), 3);
	ctx_fini(&c);
}

#define ATOMIC_GPU_ADDS 8000

static void test_atomic_cpu(void)
{
	volatile uint32_t *counter, *started, *finished;
	uint64_t cpu_adds = 0;
	struct igt_osprey_cs cs;
	uint32_t out;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	counter = word(&c, data_va(&c, 0));
	started = word(&c, data_va(&c, 4));
	finished = word(&c, data_va(&c, 8));
	cpu_write(counter, 1000);

	cs_at(&c, &cs, 0, DATA_OFF);
	igt_osprey_emit_store(&cs, data_va(&c, 4), 1);
	for (int i = 0; i < ATOMIC_GPU_ADDS; i++)
		igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_ADD, data_va(&c, 0), 1, 0);
	igt_osprey_emit_store(&cs, data_va(&c, 8), 1);
	igt_osprey_emit_end(&cs);

	out = syncobj_new(c.fd);
	submit_cs(c.fd, c.queue, &cs, NULL, 0, out, 0);
	igt_assert(igt_wait(*started, 10000, 1));
	/* The CPU adds while the GPU does: no update may be lost. */
	while (!*finished) {
		__atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST);
		cpu_adds++;
	}
	igt_assert_eq(wait_fence(c.fd, out, 0), 1);
	igt_info("%" PRIu64 " CPU adds during the job\n", cpu_adds);
	igt_assert_eq_u64(*counter, (uint32_t)(1000 + ATOMIC_GPU_ADDS + cpu_adds));
	syncobj_free(c.fd, out);
	ctx_fini(&c);
}

static void test_timestamp(void)
{
	volatile uint64_t *ts;
	struct igt_osprey_cs cs;
	int64_t before, after;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	memset(ptr(&c, data_va(&c, 0)), 0xff, 64);
	ts = ptr(&c, data_va(&c, 0));

	before = igt_osprey_monotonic_ns();
	cs_at(&c, &cs, 0, 4096);
	igt_osprey_emit_timestamp(&cs, data_va(&c, 0));
	igt_osprey_emit_fill(&cs, data_va(&c, 0x1000), 16 * GPU_PAGE, 0);
	igt_osprey_emit_timestamp(&cs, data_va(&c, 8));
	igt_osprey_emit_end(&cs);
	igt_assert_eq(run(&c, &cs), 1);

	usleep(20000);
	cs_at(&c, &cs, 4096, 4096);
	igt_osprey_emit_timestamp(&cs, data_va(&c, 16));
	igt_osprey_emit_end(&cs);
	igt_assert_eq(run(&c, &cs), 1);
	after = igt_osprey_monotonic_ns();

	igt_info("timestamps %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", ts[0], ts[1], ts[2]);
	igt_assert_neq_u64(ts[0], ~0ull);
	igt_assert_lte_u64(ts[0], ts[1]);
	igt_assert_lt_u64(ts[1], ts[2]);
	/* Nanoseconds: 20 ms of CPU sleep between the jobs show. */
	igt_assert_lte_u64(20000000, ts[2] - ts[1]);
	/* No more time passed on the GPU than around the jobs. */
	igt_assert_lte_u64(ts[2] - ts[0], (uint64_t)(after - before) + 1000000);
	/* Eight bytes each, no more. */
	igt_assert_eq_u64(ts[3], ~0ull);
	ctx_fini(&c);
}

static void test_jump(void)
{
	struct igt_osprey_cs cs, far;
	uint64_t skip_to, back_to;
	uint32_t size;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	/* The far part lives elsewhere in the buffer, in another page. */
	cs_at(&c, &far, 0x20000, 4096);
	cs_at(&c, &cs, 0, 4096);

	igt_osprey_emit_store(&cs, data_va(&c, 0), 1);
	/* Forwards, over a store that must not happen. */
	skip_to = igt_osprey_cs_next_va(&cs) + 12 + 16;
	igt_osprey_emit_jump(&cs, skip_to);
	igt_osprey_emit_store(&cs, data_va(&c, 4), 0xbad);
	igt_assert_eq_u64(igt_osprey_cs_next_va(&cs), skip_to);
	igt_osprey_emit_store(&cs, data_va(&c, 8), 2);
	/* Out of the batch's range, and back into it. */
	igt_osprey_emit_jump(&cs, far.va);
	igt_osprey_emit_store(&cs, data_va(&c, 12), 0xbad);
	back_to = igt_osprey_cs_next_va(&cs);
	igt_osprey_emit_store(&cs, data_va(&c, 16), 4);
	igt_osprey_emit_end(&cs);
	size = igt_osprey_cs_bytes(&cs);

	igt_osprey_emit_store(&far, data_va(&c, 20), 3);
	igt_osprey_emit_jump(&far, back_to);
	igt_osprey_emit_store(&far, data_va(&c, 24), 0xbad);

	igt_assert_eq_u32(igt_osprey_cs_bytes(&cs), size);
	igt_assert_eq(run(&c, &cs), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0)), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 4)), 0);
	igt_assert_eq_u32(*word(&c, data_va(&c, 8)), 2);
	igt_assert_eq_u32(*word(&c, data_va(&c, 12)), 0);
	igt_assert_eq_u32(*word(&c, data_va(&c, 16)), 4);
	igt_assert_eq_u32(*word(&c, data_va(&c, 20)), 3);
	igt_assert_eq_u32(*word(&c, data_va(&c, 24)), 0);
	ctx_fini(&c);
}

static void test_call_return(void)
{
	struct igt_osprey_cs cs, sub, nest[OSPREY_CALL_DEPTH];
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	/* A subroutine that counts its calls. */
	cs_at(&c, &sub, 0x10000, 4096);
	igt_osprey_emit_atomic(&sub, OSPREY_ATOMIC_ADD, data_va(&c, 0), 1, 0);
	igt_osprey_emit_return(&sub);
	igt_osprey_emit_store(&sub, data_va(&c, 4), 0xbad);

	/* Subroutines nested as deep as the stack goes. */
	for (int k = 0; k < OSPREY_CALL_DEPTH; k++)
		cs_at(&c, &nest[k], 0x11000 + 0x100 * k, 0x100);
	for (int k = 0; k < OSPREY_CALL_DEPTH; k++) {
		igt_osprey_emit_store(&nest[k], data_va(&c, 0x100 + 4 * k), k + 1);
		if (k + 1 < OSPREY_CALL_DEPTH)
			igt_osprey_emit_call(&nest[k], nest[k + 1].va);
		igt_osprey_emit_store(&nest[k], data_va(&c, 0x200 + 4 * k), k + 1);
		igt_osprey_emit_return(&nest[k]);
	}

	cs_at(&c, &cs, 0, 4096);
	for (int i = 0; i < 3; i++) {
		igt_osprey_emit_call(&cs, sub.va);
		igt_osprey_emit_store(&cs, data_va(&c, 8 + 4 * i), i + 1);
	}
	igt_osprey_emit_call(&cs, nest[0].va);
	igt_osprey_emit_store(&cs, data_va(&c, 0x300), 0x600d);
	igt_osprey_emit_end(&cs);

	igt_assert_eq(run(&c, &cs), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0)), 3);
	igt_assert_eq_u32(*word(&c, data_va(&c, 4)), 0);
	for (int i = 0; i < 3; i++)
		igt_assert_eq_u32(*word(&c, data_va(&c, 8 + 4 * i)), i + 1);
	for (int k = 0; k < OSPREY_CALL_DEPTH; k++) {
		igt_assert_eq_u32(*word(&c, data_va(&c, 0x100 + 4 * k)), k + 1);
		igt_assert_eq_u32(*word(&c, data_va(&c, 0x200 + 4 * k)), k + 1);
	}
	igt_assert_eq_u32(*word(&c, data_va(&c, 0x300)), 0x600d);

	/* RETURN with nothing on the stack ends the batch, without error. */
	cs_at(&c, &cs, 0x1000, 4096);
	igt_osprey_emit_store(&cs, data_va(&c, 0x400), 1);
	igt_osprey_emit_return(&cs);
	igt_osprey_emit_store(&cs, data_va(&c, 0x404), 0xbad);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(run(&c, &cs), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0x400)), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0x404)), 0);
	ctx_fini(&c);
}

static void test_call_overflow(void)
{
	struct igt_osprey_cs cs, nest[OSPREY_CALL_DEPTH + 1];
	uint64_t bad_call = 0;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	for (int k = 0; k <= OSPREY_CALL_DEPTH; k++)
		cs_at(&c, &nest[k], 0x11000 + 0x100 * k, 0x100);
	/* Nine nested calls: the ninth is an invalid instruction. */
	for (int k = 0; k <= OSPREY_CALL_DEPTH; k++) {
		igt_osprey_emit_store(&nest[k], data_va(&c, 4 * k), k + 1);
		if (k < OSPREY_CALL_DEPTH) {
			if (k == OSPREY_CALL_DEPTH - 1)
				bad_call = igt_osprey_cs_next_va(&nest[k]);
			igt_osprey_emit_call(&nest[k], nest[k + 1].va);
		}
		igt_osprey_emit_return(&nest[k]);
	}
	cs_at(&c, &cs, 0, 4096);
	igt_osprey_emit_call(&cs, nest[0].va);
	igt_osprey_emit_end(&cs);

	igt_assert_eq(run(&c, &cs), -EINVAL);
	for (int k = 0; k < OSPREY_CALL_DEPTH; k++)
		igt_assert_eq_u32(*word(&c, data_va(&c, 4 * k)), k + 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 4 * OSPREY_CALL_DEPTH)), 0);
	assert_last_fault(c.fd, "invalid-insn", NULL, bad_call, bad_call, cs.va);
	ctx_fini(&c);
}

static void test_end_early(void)
{
	struct igt_osprey_cs cs;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	cs_at(&c, &cs, 0, 4096);
	igt_osprey_emit_store(&cs, data_va(&c, 0), 1);
	igt_osprey_emit_end(&cs);
	igt_osprey_emit_store(&cs, data_va(&c, 4), 0xbad);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(run(&c, &cs), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0)), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 4)), 0);
	ctx_fini(&c);
}

static void test_batch_length(void)
{
	struct igt_osprey_cs cs;
	uint32_t first;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	cs_at(&c, &cs, 0, 4096);
	igt_osprey_emit_store(&cs, data_va(&c, 0), 1);
	first = igt_osprey_cs_bytes(&cs);
	igt_osprey_emit_store(&cs, data_va(&c, 4), 2);
	igt_osprey_emit_store(&cs, data_va(&c, 8), 3);

	/* The batch is the first STORE only: what follows is not run. */
	cs.len = first / 4;
	igt_assert_eq(run(&c, &cs), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0)), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 4)), 0);

	/* Two STOREs, no END: both run, then the batch ends. */
	cs.len = 2 * first / 4;
	igt_assert_eq(run(&c, &cs), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 4)), 2);
	igt_assert_eq_u32(*word(&c, data_va(&c, 8)), 0);
	ctx_fini(&c);
}

/* Invalid instructions and faults --------------------------------------- */

static void test_invalid_instruction(void)
{
	struct ctx c;
	uint64_t d;
	const struct {
		const char *what;
		uint32_t words[6];
		unsigned int count;
	} bad[] = {
		{ "opcode 0x0b", { osprey_insn_header(0x0b, 0, 1) }, 1 },
		{ "opcode 0xff", { osprey_insn_header(0xff, 0, 4), 0, 0, 0 }, 4 },
		{ "STORE of length 3", { osprey_insn_header(OSPREY_OP_STORE, 0, 3), 0, 0 }, 3 },
		{ "END of length 2", { osprey_insn_header(OSPREY_OP_END, 0, 2), 0 }, 2 },
		{ "NOP of length 0", { osprey_insn_header(OSPREY_OP_NOP, 0, 0) }, 1 },
		{ "NOP with a modifier", { osprey_insn_header(OSPREY_OP_NOP, 1, 1) }, 1 },
		{ "SEM_WAIT modifier 6", { osprey_insn_header(OSPREY_OP_SEM_WAIT, 6, 4) }, 4 },
		{ "ATOMIC modifier 2", { osprey_insn_header(OSPREY_OP_ATOMIC, 2, 5) }, 5 },
		{ "misaligned STORE", { osprey_insn_header(OSPREY_OP_STORE, 0, 4), 2 }, 4 },
		{ "misaligned TIMESTAMP", { osprey_insn_header(OSPREY_OP_TIMESTAMP, 0, 3), 4 }, 3 },
		{ "FILL of 6 bytes", { osprey_insn_header(OSPREY_OP_FILL, 0, 5), 0, 0, 6 }, 5 },
		{ "COPY of 2 bytes",
		  { osprey_insn_header(OSPREY_OP_COPY, 0, 6), 0, 0, 0, 0, 2 }, 6 },
		{ "misaligned JUMP", { osprey_insn_header(OSPREY_OP_JUMP, 0, 3), 2 }, 3 },
	};

	ctx_init(&c, CTX_SIZE);
	d = data_va(&c, 0x1000);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		uint32_t words[6], s_bad = syncobj_new(c.fd), s_next = syncobj_new(c.fd);
		struct igt_osprey_cs cs, next;
		uint64_t insn_va;

		igt_info("invalid: %s\n", bad[i].what);
		memcpy(words, bad[i].words, sizeof(words));
		/* Operands that are addresses point at the data, as VAs. */
		if (bad[i].count >= 3 && osprey_hdr_opcode(words[0]) != 0x0b &&
		    osprey_hdr_opcode(words[0]) != 0xff) {
			words[1] += (uint32_t)d;
			words[2] = (uint32_t)(d >> 32);
		}
		cs_at(&c, &cs, 0x100 * i, 0x80);
		igt_osprey_emit_store(&cs, data_va(&c, 4 * i), i + 1);
		insn_va = igt_osprey_cs_next_va(&cs);
		igt_osprey_emit_words(&cs, words, bad[i].count);
		igt_osprey_emit_store(&cs, data_va(&c, 0x100 + 4 * i), 0xbad);
		igt_osprey_emit_end(&cs);

		cs_at(&c, &next, 0x100 * i + 0x80, 0x80);
		igt_osprey_emit_store(&next, data_va(&c, 0x200 + 4 * i), i + 1);
		igt_osprey_emit_end(&next);

		/* The engine goes on with the next job of the queue. */
		submit_cs(c.fd, c.queue, &cs, NULL, 0, s_bad, 0);
		submit_cs(c.fd, c.queue, &next, NULL, 0, s_next, 0);
		igt_assert_eq(wait_fence(c.fd, s_bad, 0), -EINVAL);
		igt_assert_eq(wait_fence(c.fd, s_next, 0), 1);
		igt_assert_eq_u32(*word(&c, data_va(&c, 4 * i)), i + 1);
		igt_assert_eq_u32(*word(&c, data_va(&c, 0x100 + 4 * i)), 0);
		igt_assert_eq_u32(*word(&c, data_va(&c, 0x200 + 4 * i)), i + 1);
		assert_last_fault(c.fd, "invalid-insn", NULL, insn_va, insn_va, cs.va);
		syncobj_free(c.fd, s_bad);
		syncobj_free(c.fd, s_next);
	}
	ctx_fini(&c);
}

static void test_fault(void)
{
	struct ctx c;
	uint64_t bad;

	ctx_init(&c, CTX_SIZE);
	bad = unmapped_va(&c);
	for (int i = 0; i < 7; i++) {
		uint32_t s_bad = syncobj_new(c.fd), s_next = syncobj_new(c.fd);
		struct igt_osprey_cs cs, next, far;
		uint64_t insn_va = 0, va = 0;
		const char *access = NULL, *what = NULL;

		cs_at(&c, &cs, 0x100 * i, 0x80);
		igt_osprey_emit_store(&cs, data_va(&c, 4 * i), i + 1);
		insn_va = igt_osprey_cs_next_va(&cs);
		switch (i) {
		case 0:
			what = "STORE to an unmapped page";
			igt_osprey_emit_store(&cs, bad + 0x44, 1);
			va = bad + 0x44;
			access = "write";
			break;
		case 1:
			what = "COPY from an unmapped page";
			igt_osprey_emit_copy(&cs, data_va(&c, 0x1000), bad + 0x80, 64);
			va = bad + 0x80;
			access = "read";
			break;
		case 2:
			what = "SEM_WAIT on an unmapped page";
			igt_osprey_emit_sem_wait(&cs, OSPREY_CMP_EQ, bad + 8, 0);
			va = bad + 8;
			access = "read";
			break;
		case 3:
			what = "ATOMIC on an unmapped page";
			igt_osprey_emit_atomic(&cs, OSPREY_ATOMIC_ADD, bad + 12, 1, 0);
			va = bad + 12;
			access = "write";
			break;
		case 4:
			what = "JUMP to an unmapped page";
			igt_osprey_emit_jump(&cs, bad + 0x100);
			va = bad + 0x100;
			insn_va = va;
			access = "fetch";
			break;
		case 5:
			/* A STORE whose last two words are past the buffer. */
			what = "an instruction running off the mapping";
			igt_osprey_emit_jump(&cs, c.va + c.bo->size - 8);
			igt_osprey_cs_init(&far, ptr(&c, c.va + c.bo->size - 8),
					   c.va + c.bo->size - 8, 8);
			igt_osprey_emit_words(&far, (uint32_t[]){
				osprey_insn_header(OSPREY_OP_STORE, 0, 4),
				(uint32_t)data_va(&c, 0x300) }, 2);
			insn_va = c.va + c.bo->size - 8;
			va = c.va + c.bo->size;
			access = "fetch";
			break;
		case 6:
			/* Bits 63:39 of a VA must be zero. */
			what = "STORE beyond the 39-bit VA space";
			igt_osprey_emit_store(&cs, 1ull << OSPREY_VA_BITS, 1);
			va = 1ull << OSPREY_VA_BITS;
			access = "write";
			break;
		}
		igt_info("fault: %s\n", what);
		igt_osprey_emit_store(&cs, data_va(&c, 0x100 + 4 * i), 0xbad);
		igt_osprey_emit_end(&cs);

		cs_at(&c, &next, 0x100 * i + 0x80, 0x80);
		igt_osprey_emit_store(&next, data_va(&c, 0x200 + 4 * i), i + 1);
		igt_osprey_emit_end(&next);

		submit_cs(c.fd, c.queue, &cs, NULL, 0, s_bad, 0);
		submit_cs(c.fd, c.queue, &next, NULL, 0, s_next, 0);
		igt_assert_eq(wait_fence(c.fd, s_bad, 0), -EFAULT);
		igt_assert_eq(wait_fence(c.fd, s_next, 0), 1);
		igt_assert_eq_u32(*word(&c, data_va(&c, 4 * i)), i + 1);
		igt_assert_eq_u32(*word(&c, data_va(&c, 0x100 + 4 * i)), 0);
		igt_assert_eq_u32(*word(&c, data_va(&c, 0x200 + 4 * i)), i + 1);
		assert_last_fault(c.fd, "translation", access, va, insn_va, cs.va);
		syncobj_free(c.fd, s_bad);
		syncobj_free(c.fd, s_next);
	}
	ctx_fini(&c);
}

static void test_job_timeout(void)
{
	struct igt_osprey_cs hang, next;
	uint32_t s_hang, s_next, s_other, q2;
	int64_t start, elapsed_ms;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	q2 = igt_osprey_queue_create(c.fd, DRM_OSPREY_VM_DEFAULT,
				     DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	/* A batch that jumps to itself never ends. */
	cs_at(&c, &hang, 0, 4096);
	igt_osprey_emit_store(&hang, data_va(&c, 0), 1);
	igt_osprey_emit_jump(&hang, hang.va + 16);
	igt_osprey_emit_end(&hang);
	cs_at(&c, &next, 4096, 4096);
	igt_osprey_emit_store(&next, data_va(&c, 4), 2);
	igt_osprey_emit_end(&next);

	s_hang = syncobj_new(c.fd);
	s_next = syncobj_new(c.fd);
	s_other = syncobj_new(c.fd);
	start = igt_osprey_monotonic_ns();
	submit_cs(c.fd, c.queue, &hang, NULL, 0, s_hang, 0);
	submit_cs(c.fd, c.queue, &next, NULL, 0, s_next, 0);
	submit_cs(c.fd, q2, &next, NULL, 0, s_other, 0);
	igt_assert_eq(wait_fence(c.fd, s_hang, 0), -ETIMEDOUT);
	elapsed_ms = (igt_osprey_monotonic_ns() - start) / 1000000;
	igt_info("hung job failed after %" PRId64 " ms (timeout_ms %u)\n",
		 elapsed_ms, timeout_ms);
	igt_assert_lte_s64(timeout_ms * 9 / 10, elapsed_ms);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0)), 1);

	/* After the reset, the jobs behind it run. */
	igt_assert_eq(wait_fence(c.fd, s_next, 0), 1);
	igt_assert_eq(wait_fence(c.fd, s_other, 0), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 4)), 2);
	cpu_write(word(&c, data_va(&c, 4)), 0);
	igt_assert_eq(run(&c, &next), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 4)), 2);
	ctx_fini(&c);
}

/* Queues and ordering ---------------------------------------------------- */

/* Words of one job batch of the ordering tests. */
#define CHAIN_WORDS 10

/*
 * Write job @i of a chain: it moves *@counter from @i to @i + 1 (only if
 * every earlier job of the chain ran before it) and marks its own slot.
 */
static void emit_chain_job(struct ctx *c, uint64_t off, uint64_t counter,
			   uint64_t slot, uint32_t i, struct igt_osprey_cs *cs)
{
	cs_at(c, cs, off, 4 * CHAIN_WORDS);
	igt_osprey_emit_atomic(cs, OSPREY_ATOMIC_CMPXCHG, counter, i + 1, i);
	igt_osprey_emit_store(cs, slot, i ^ 0x5a000000);
	igt_osprey_emit_end(cs);
}

/*
 * @jobs jobs spread over @nqueues queues of one file, all submitted before
 * any is waited for. Each queue runs a chain, so that a job run out of
 * order on its queue leaves its counter short.
 */
static void test_many_jobs(unsigned int nqueues, unsigned int jobs)
{
	uint64_t size = ALIGN(jobs * 4ull * CHAIN_WORDS, GPU_PAGE) +
			ALIGN(jobs * 4ull + 4 * nqueues, GPU_PAGE);
	uint32_t *queues = calloc(nqueues, sizeof(*queues));
	uint32_t *last = calloc(nqueues, sizeof(*last));
	uint64_t data, start;
	struct igt_osprey_cs cs;
	struct ctx c;

	igt_assert(queues && last);
	ctx_init(&c, size);
	data = c.va + ALIGN(jobs * 4ull * CHAIN_WORDS, GPU_PAGE);
	queues[0] = c.queue;
	for (unsigned int q = 1; q < nqueues; q++)
		queues[q] = igt_osprey_queue_create(c.fd, DRM_OSPREY_VM_DEFAULT,
						    DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	for (unsigned int q = 0; q < nqueues; q++)
		last[q] = syncobj_new(c.fd);

	start = igt_osprey_monotonic_ns();
	for (unsigned int j = 0; j < jobs; j++) {
		unsigned int q = j % nqueues;
		bool is_last = j + nqueues >= jobs;

		emit_chain_job(&c, 4ull * CHAIN_WORDS * j, data + 4 * q,
			       data + 4 * nqueues + 4 * j, j / nqueues, &cs);
		submit_cs(c.fd, queues[q], &cs, NULL, 0, is_last ? last[q] : 0, 0);
	}
	igt_info("%u jobs submitted in %.3f s\n", jobs,
		 (igt_osprey_monotonic_ns() - start) / 1e9);
	for (unsigned int q = 0; q < nqueues; q++)
		igt_assert_eq(wait_fence(c.fd, last[q], 0), 1);
	igt_info("... and done after %.3f s\n", (igt_osprey_monotonic_ns() - start) / 1e9);

	for (unsigned int q = 0; q < nqueues; q++)
		igt_assert_eq_u32(*word(&c, data + 4 * q),
				  jobs / nqueues + (q < jobs % nqueues));
	for (unsigned int j = 0; j < jobs; j++)
		igt_assert_f(*word(&c, data + 4 * nqueues + 4 * j) ==
			     ((j / nqueues) ^ 0x5a000000),
			     "job %u did not run\n", j);
	free(queues);
	free(last);
	ctx_fini(&c);
}

static void test_queue_order(void)
{
	const unsigned int jobs = 256;
	uint32_t *syncs = calloc(jobs, sizeof(*syncs));
	struct igt_osprey_cs cs;
	struct ctx c;

	igt_assert(syncs);
	ctx_init(&c, CTX_SIZE);
	for (unsigned int j = 0; j < jobs; j++) {
		syncs[j] = syncobj_new(c.fd);
		emit_chain_job(&c, 4ull * CHAIN_WORDS * j, data_va(&c, 0),
			       data_va(&c, 4 + 4 * j), j, &cs);
		submit_cs(c.fd, c.queue, &cs, NULL, 0, syncs[j], 0);
	}
	/* Each job's fence signals, without error, once it and those before ran. */
	for (unsigned int j = 0; j < jobs; j++) {
		igt_assert_eq(wait_fence(c.fd, syncs[j], 0), 1);
		igt_assert_lte_u32(j + 1, *word(&c, data_va(&c, 0)));
		igt_assert_eq_u32(*word(&c, data_va(&c, 4 + 4 * j)), j ^ 0x5a000000);
		syncobj_free(c.fd, syncs[j]);
	}
	igt_assert_eq_u32(*word(&c, data_va(&c, 0)), jobs);
	free(syncs);
	ctx_fini(&c);
}

static void test_queue_create_destroy(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct drm_osprey_queue_destroy arg = {};
	uint32_t ids[3];

	for (int i = 0; i < 3; i++) {
		ids[i] = igt_osprey_queue_create(fd, DRM_OSPREY_VM_DEFAULT,
						 DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
		for (int j = 0; j < i; j++)
			igt_assert_neq_u32(ids[i], ids[j]);
	}
	igt_assert_eq(__igt_osprey_queue_destroy(fd, 0), -ENOENT);
	igt_assert_eq(__igt_osprey_queue_destroy(fd, ids[2] + 1000), -ENOENT);
	igt_assert_eq(__igt_osprey_queue_destroy(fd, 0xffffffff), -ENOENT);

	/* A non-zero pad, on a queue that exists: -EINVAL, and it stays. */
	arg.queue_id = ids[1];
	arg.pad = 1;
	do_ioctl_err(fd, DRM_IOCTL_OSPREY_QUEUE_DESTROY, &arg, EINVAL);

	igt_osprey_queue_destroy(fd, ids[1]);
	igt_assert_eq(__igt_osprey_queue_destroy(fd, ids[1]), -ENOENT);
	igt_osprey_queue_destroy(fd, ids[0]);
	igt_osprey_queue_destroy(fd, ids[2]);
	drm_close_driver(fd);
}

static void test_queue_create_bad(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	int other = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t q = 0, vm, theirs;

	/* Unknown VMs: never created, destroyed, or another file's. */
	igt_assert_eq(__igt_osprey_queue_create(fd, 12345, 0, 0, &q), -ENOENT);
	igt_assert_eq(__igt_osprey_queue_create(fd, 0xffffffff, 0, 0, &q), -ENOENT);
	vm = igt_osprey_vm_create(fd);
	igt_osprey_vm_destroy(fd, vm);
	igt_assert_eq(__igt_osprey_queue_create(fd, vm, 0, 0, &q), -ENOENT);
	theirs = igt_osprey_vm_create(other);
	theirs = igt_osprey_vm_create(other);
	igt_assert_eq(__igt_osprey_queue_create(fd, theirs, 0, 0, &q), -ENOENT);

	igt_assert_eq(__igt_osprey_queue_create(fd, 0, 3, 0, &q), -EINVAL);
	igt_assert_eq(__igt_osprey_queue_create(fd, 0, 0xffffffff, 0, &q), -EINVAL);
	igt_assert_eq(__igt_osprey_queue_create(fd, 0, 0, 1, &q), -EINVAL);
	igt_assert_eq(__igt_osprey_queue_create(fd, 0, 0, 0x80000000, &q), -EINVAL);

	/* Nothing was created: all the queues are still there to create. */
	for (uint64_t i = 0; i < max_queues; i++)
		igt_osprey_queue_create(fd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	drm_close_driver(other);
	drm_close_driver(fd);
}

static void test_queue_max(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	int other = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t *ids = calloc(max_queues, sizeof(*ids)), q = 0;

	igt_assert(ids);
	igt_assert_lt_u64(0, max_queues);
	for (uint64_t i = 0; i < max_queues; i++)
		ids[i] = igt_osprey_queue_create(fd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	igt_assert_eq(__igt_osprey_queue_create(fd, 0, 0, 0, &q), -ENOSPC);
	igt_assert_eq(__igt_osprey_queue_create(fd, 0, 0, 0, &q), -ENOSPC);
	/* The limit is the file's: another file still creates queues. */
	igt_osprey_queue_create(other, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	/* Destroying one makes room for one. */
	igt_osprey_queue_destroy(fd, ids[max_queues / 2]);
	igt_osprey_queue_create(fd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	igt_assert_eq(__igt_osprey_queue_create(fd, 0, 0, 0, &q), -ENOSPC);
	free(ids);
	drm_close_driver(other);
	drm_close_driver(fd);
}

static void test_queue_priorities(void)
{
	static const uint32_t prios[] = {
		DRM_OSPREY_QUEUE_PRIORITY_LOW,
		DRM_OSPREY_QUEUE_PRIORITY_NORMAL,
		DRM_OSPREY_QUEUE_PRIORITY_HIGH,
	};
	struct igt_osprey_cs cs;
	struct ctx c;

	/* Root holds CAP_SYS_NICE: every priority, and each queue runs jobs. */
	igt_require(geteuid() == 0);
	ctx_init(&c, CTX_SIZE);
	for (unsigned int i = 0; i < ARRAY_SIZE(prios); i++) {
		uint32_t q = igt_osprey_queue_create(c.fd, 0, prios[i]);

		cs_at(&c, &cs, 0x100 * i, 0x100);
		igt_osprey_emit_store(&cs, data_va(&c, 4 * i), i + 1);
		igt_osprey_emit_end(&cs);
		igt_assert_eq(run_on(c.fd, q, &cs), 1);
		igt_assert_eq_u32(*word(&c, data_va(&c, 4 * i)), i + 1);
		igt_osprey_queue_destroy(c.fd, q);
	}

	/*
	 * The same file, used by a process without the privilege (no
	 * capabilities; a render node is never DRM master): -EACCES for HIGH.
	 */
	igt_fork(child, 1) {
		uint32_t q = 0;

		igt_assert_eq(setresgid(65534, 65534, 65534), 0);
		igt_assert_eq(setresuid(65534, 65534, 65534), 0);
		igt_assert_eq(__igt_osprey_queue_create(c.fd, 0, DRM_OSPREY_QUEUE_PRIORITY_HIGH,
							0, &q), -EACCES);
		igt_assert_eq(__igt_osprey_queue_create(c.fd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL,
							0, &q), 0);
		igt_assert_eq(__igt_osprey_queue_destroy(c.fd, q), 0);
		igt_assert_eq(__igt_osprey_queue_create(c.fd, 0, DRM_OSPREY_QUEUE_PRIORITY_LOW,
							0, &q), 0);
		igt_assert_eq(__igt_osprey_queue_destroy(c.fd, q), 0);
	}
	igt_waitchildren();
	ctx_fini(&c);
}

/* Dependencies ------------------------------------------------------------ */

/*
 * A job blocked in SEM_WAIT signals a binary or timeline syncobj; a job of
 * another queue of the same file waits for it and must not run before.
 */
static void test_syncobj_cross_queue(bool timeline)
{
	struct igt_osprey_cs a, b, b2;
	uint32_t q2, s, r, r2;
	uint64_t pa = timeline ? 1 : 0, pc = timeline ? 2 : 0;
	struct drm_osprey_sync in;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	q2 = igt_osprey_queue_create(c.fd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	s = syncobj_new(c.fd);
	r = syncobj_new(c.fd);
	r2 = syncobj_new(c.fd);

	/* A: blocked until the CPU writes the semaphore. */
	cs_at(&c, &a, 0, 0x100);
	igt_osprey_emit_sem_wait(&a, OSPREY_CMP_EQ, data_va(&c, 0), 1);
	igt_osprey_emit_store(&a, data_va(&c, 4), 0xa);
	igt_osprey_emit_end(&a);
	submit_cs(c.fd, c.queue, &a, NULL, 0, s, pa);
	if (timeline) {
		/* C, behind A on its queue, signals point 2. */
		struct igt_osprey_cs cc;

		cs_at(&c, &cc, 0x100, 0x100);
		igt_osprey_emit_store(&cc, data_va(&c, 8), 0xc);
		igt_osprey_emit_end(&cc);
		submit_cs(c.fd, c.queue, &cc, NULL, 0, s, pc);
	}

	/* B: copies what A (or C) wrote, which proves it ran after. */
	cs_at(&c, &b, 0x200, 0x100);
	igt_osprey_emit_copy(&b, data_va(&c, 0x10), data_va(&c, timeline ? 8 : 4), 4);
	igt_osprey_emit_store(&b, data_va(&c, 0x14), 0xb);
	igt_osprey_emit_end(&b);
	in = (struct drm_osprey_sync){ .handle = s, .point = pc };
	submit_cs(c.fd, q2, &b, &in, 1, r, 0);
	if (timeline) {
		/* B2 waits for the earlier point, A's. */
		cs_at(&c, &b2, 0x300, 0x100);
		igt_osprey_emit_copy(&b2, data_va(&c, 0x18), data_va(&c, 4), 4);
		igt_osprey_emit_end(&b2);
		in = (struct drm_osprey_sync){ .handle = s, .point = pa };
		submit_cs(c.fd, q2, &b2, &in, 1, r2, 0);
	}

	usleep(1000 * block_ms());
	igt_assert_eq(fence_status(c.fd, s, pa), 0);
	igt_assert_eq(fence_status(c.fd, r, 0), 0);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0x10)), 0);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0x14)), 0);

	cpu_write(word(&c, data_va(&c, 0)), 1);
	igt_assert_eq(wait_fence(c.fd, r, 0), 1);
	igt_assert_eq(fence_status(c.fd, s, pa), 1);
	igt_assert_eq(fence_status(c.fd, s, pc), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0x10)), timeline ? 0xc : 0xa);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0x14)), 0xb);
	if (timeline) {
		igt_assert_eq(wait_fence(c.fd, r2, 0), 1);
		igt_assert_eq_u32(*word(&c, data_va(&c, 0x18)), 0xa);
	}
	ctx_fini(&c);
}

/*
 * The same across two files: the syncobj goes from one to the other as a
 * syncobj fd.
 */
static void test_syncobj_cross_file(bool timeline)
{
	uint64_t point = timeline ? 5 : 0;
	struct igt_osprey_cs a, b;
	struct drm_osprey_sync in;
	uint32_t s, sb, r;
	struct ctx ca, cb;

	ctx_init(&ca, CTX_SIZE);
	ctx_init(&cb, CTX_SIZE);
	s = syncobj_new(ca.fd);
	sb = syncobj_share(ca.fd, s, cb.fd);
	r = syncobj_new(cb.fd);

	cs_at(&ca, &a, 0, 0x100);
	igt_osprey_emit_sem_wait(&a, OSPREY_CMP_EQ, data_va(&ca, 0), 1);
	igt_osprey_emit_store(&a, data_va(&ca, 4), 0xa);
	igt_osprey_emit_end(&a);
	submit_cs(ca.fd, ca.queue, &a, NULL, 0, s, point);

	cs_at(&cb, &b, 0, 0x100);
	igt_osprey_emit_store(&b, data_va(&cb, 4), 0xb);
	igt_osprey_emit_end(&b);
	in = (struct drm_osprey_sync){ .handle = sb, .point = point };
	submit_cs(cb.fd, cb.queue, &b, &in, 1, r, 0);

	usleep(1000 * block_ms());
	igt_assert_eq(fence_status(cb.fd, sb, point), 0);
	igt_assert_eq(fence_status(cb.fd, r, 0), 0);
	igt_assert_eq_u32(*word(&cb, data_va(&cb, 4)), 0);

	cpu_write(word(&ca, data_va(&ca, 0)), 1);
	igt_assert_eq(wait_fence(cb.fd, r, 0), 1);
	/* When B is done, A is: both files see its fence signalled. */
	igt_assert_eq(fence_status(cb.fd, sb, point), 1);
	igt_assert_eq(fence_status(ca.fd, s, point), 1);
	igt_assert_eq_u32(*word(&ca, data_va(&ca, 4)), 0xa);
	igt_assert_eq_u32(*word(&cb, data_va(&cb, 4)), 0xb);
	ctx_fini(&cb);
	ctx_fini(&ca);
}

/*
 * A chain across files and queues, binary and timeline, gated by a fence
 * that is on no engine: nothing may run before the gate opens, and then
 * everything runs in order.
 */
static void test_dependency_chain(void)
{
	struct igt_osprey_cs a, b, cc;
	uint32_t g, t, tb, u, ua, r, q2;
	struct drm_osprey_sync in;
	struct ctx ca, cb;
	struct igt_osprey_gate gate;

	igt_osprey_gate_open(&gate);
	ctx_init(&ca, CTX_SIZE);
	ctx_init(&cb, CTX_SIZE);
	g = igt_osprey_gate_syncobj(&gate, ca.fd);
	q2 = igt_osprey_queue_create(ca.fd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	t = syncobj_new(ca.fd);
	tb = syncobj_share(ca.fd, t, cb.fd);
	u = syncobj_new(cb.fd);
	ua = syncobj_share(cb.fd, u, ca.fd);
	r = syncobj_new(ca.fd);

	/* A (file A): waits for the gate, signals timeline point 1. */
	cs_at(&ca, &a, 0, 0x100);
	igt_osprey_emit_store(&a, data_va(&ca, 0), 0xa);
	igt_osprey_emit_end(&a);
	in = (struct drm_osprey_sync){ .handle = g };
	submit_cs(ca.fd, ca.queue, &a, &in, 1, t, 1);

	/* B (file B): waits for point 1, signals a binary syncobj. */
	cs_at(&cb, &b, 0, 0x100);
	igt_osprey_emit_store(&b, data_va(&cb, 0), 0xb);
	igt_osprey_emit_end(&b);
	in = (struct drm_osprey_sync){ .handle = tb, .point = 1 };
	submit_cs(cb.fd, cb.queue, &b, &in, 1, u, 0);

	/* C (file A, another queue): waits for B, copies what A wrote. */
	cs_at(&ca, &cc, 0x100, 0x100);
	igt_osprey_emit_copy(&cc, data_va(&ca, 4), data_va(&ca, 0), 4);
	igt_osprey_emit_end(&cc);
	in = (struct drm_osprey_sync){ .handle = ua };
	submit_cs(ca.fd, q2, &cc, &in, 1, r, 0);

	usleep(1000 * 2 * block_ms());
	igt_assert_eq(fence_status(ca.fd, t, 1), 0);
	igt_assert_eq(fence_status(cb.fd, u, 0), 0);
	igt_assert_eq(fence_status(ca.fd, r, 0), 0);
	igt_assert_eq_u32(*word(&ca, data_va(&ca, 0)), 0);
	igt_assert_eq_u32(*word(&cb, data_va(&cb, 0)), 0);
	igt_assert_eq_u32(*word(&ca, data_va(&ca, 4)), 0);

	igt_osprey_gate_signal(&gate);
	igt_assert_eq(wait_fence(ca.fd, r, 0), 1);
	igt_assert_eq(fence_status(ca.fd, t, 1), 1);
	igt_assert_eq(fence_status(cb.fd, u, 0), 1);
	igt_assert_eq_u32(*word(&cb, data_va(&cb, 0)), 0xb);
	igt_assert_eq_u32(*word(&ca, data_va(&ca, 4)), 0xa);
	igt_osprey_gate_close(&gate);
	ctx_fini(&cb);
	ctx_fini(&ca);
}

/* A job whose dependency failed still runs. */
static void test_dependency_failed(void)
{
	struct igt_osprey_cs bad, b;
	struct drm_osprey_sync in;
	uint32_t s, r, r2, q2;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	q2 = igt_osprey_queue_create(c.fd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	s = syncobj_new(c.fd);
	r = syncobj_new(c.fd);
	r2 = syncobj_new(c.fd);
	cs_at(&c, &bad, 0, 0x100);
	igt_osprey_emit_store(&bad, unmapped_va(&c), 1);
	igt_osprey_emit_end(&bad);
	submit_cs(c.fd, c.queue, &bad, NULL, 0, s, 0);

	cs_at(&c, &b, 0x100, 0x100);
	igt_osprey_emit_atomic(&b, OSPREY_ATOMIC_ADD, data_va(&c, 0), 1, 0);
	igt_osprey_emit_end(&b);
	in = (struct drm_osprey_sync){ .handle = s };
	submit_cs(c.fd, q2, &b, &in, 1, r, 0);
	submit_cs(c.fd, c.queue, &b, &in, 1, r2, 0);

	igt_assert_eq(wait_fence(c.fd, s, 0), -EFAULT);
	igt_assert_eq(wait_fence(c.fd, r, 0), 1);
	igt_assert_eq(wait_fence(c.fd, r2, 0), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0)), 2);
	ctx_fini(&c);
}

/* GEM_WAIT ---------------------------------------------------------------- */

static void test_gem_wait_busy(void)
{
	struct igt_osprey_bo *extra, *theirs;
	int other = drm_open_driver_render(DRIVER_OSPREY);
	struct igt_osprey_cs cs;
	int64_t start;
	uint32_t out;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	/* Mapped in the job's VM but not touched by it. */
	extra = igt_osprey_bo_new(c.fd, GPU_PAGE);
	igt_osprey_vm_map(c.fd, 0, extra->handle, 0, c.va + 2 * CTX_SIZE, GPU_PAGE, 0);
	/* Not mapped in the job's VM. */
	theirs = igt_osprey_bo_new(other, GPU_PAGE);

	cs_at(&c, &cs, 0, 0x100);
	igt_osprey_emit_sem_wait(&cs, OSPREY_CMP_EQ, data_va(&c, 0), 1);
	igt_osprey_emit_store(&cs, data_va(&c, 4), 0xd0e);
	igt_osprey_emit_end(&cs);
	out = syncobj_new(c.fd);
	submit_cs(c.fd, c.queue, &cs, NULL, 0, out, 0);

	start = igt_osprey_monotonic_ns();
	igt_assert_eq(__igt_osprey_gem_wait(c.fd, c.bo->handle, start + 50000000),
		      -ETIMEDOUT);
	igt_assert_lte_s64(45000000, igt_osprey_monotonic_ns() - start);
	/* A timeout in the past polls. */
	igt_assert_eq(__igt_osprey_gem_wait(c.fd, c.bo->handle, 0), -ETIMEDOUT);
	igt_assert_eq(__igt_osprey_gem_wait(c.fd, extra->handle,
					    igt_osprey_monotonic_ns()), -ETIMEDOUT);
	igt_assert_eq(__igt_osprey_gem_wait(other, theirs->handle,
					    igt_osprey_monotonic_ns() + 1000000000), 0);
	igt_assert_eq(fence_status(c.fd, out, 0), 0);

	cpu_write(word(&c, data_va(&c, 0)), 1);
	igt_assert_eq(__igt_osprey_gem_wait(c.fd, c.bo->handle,
					    igt_osprey_monotonic_ns() + job_wait_ns()), 0);
	igt_assert_eq_u32(*word(&c, data_va(&c, 4)), 0xd0e);
	igt_assert_eq(fence_status(c.fd, out, 0), 1);
	igt_assert_eq(__igt_osprey_gem_wait(c.fd, extra->handle, 0), 0);

	igt_osprey_bo_free(theirs);
	igt_osprey_bo_free(extra);
	drm_close_driver(other);
	ctx_fini(&c);
}

/* Destroying queues and closing files with jobs in flight ----------------- */

/*
 * How long destroying a queue or closing a file may take with jobs that
 * cannot start: they are cancelled, not waited for; this is slack for slow
 * kernels (and a file closed by an exiting process may wait a second).
 */
#define CANCEL_WAIT_MAX_NS (3 * 1000000000ll)

/* Gated jobs have not started: destroying their queue cancels them. */
static void test_queue_destroy_cancels(void)
{
	const unsigned int jobs = 16;
	struct igt_osprey_cs cs;
	struct drm_osprey_sync in;
	uint32_t syncs[16], g, q;
	struct igt_osprey_gate gate;
	int64_t start, took;
	struct ctx c;

	igt_osprey_gate_open(&gate);
	ctx_init(&c, CTX_SIZE);
	g = igt_osprey_gate_syncobj(&gate, c.fd);
	q = igt_osprey_queue_create(c.fd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	in = (struct drm_osprey_sync){ .handle = g };
	for (unsigned int j = 0; j < jobs; j++) {
		syncs[j] = syncobj_new(c.fd);
		cs_at(&c, &cs, 0x40 * j, 0x40);
		igt_osprey_emit_store(&cs, data_va(&c, 4 * j), j + 1);
		igt_osprey_emit_end(&cs);
		submit_cs(c.fd, q, &cs, j ? NULL : &in, j ? 0 : 1, syncs[j], 0);
	}

	start = igt_osprey_monotonic_ns();
	igt_osprey_queue_destroy(c.fd, q);
	took = igt_osprey_monotonic_ns() - start;
	igt_info("QUEUE_DESTROY took %.3f s\n", took / 1e9);
	/* The jobs that cannot start are cancelled, not waited for. */
	igt_assert_f(took < CANCEL_WAIT_MAX_NS,
		     "QUEUE_DESTROY blocked %.3f s on a job that cannot start\n", took / 1e9);

	/*
	 * The gate opens: the cancelled jobs do not run, and their fences
	 * signal -ESRCH (a cancelled job's fence may wait for its
	 * dependencies, so only now).
	 */
	igt_osprey_gate_signal(&gate);
	for (unsigned int j = 0; j < jobs; j++)
		igt_assert_eq(wait_fence(c.fd, syncs[j], 0), -ESRCH);
	usleep(1000 * block_ms());
	for (unsigned int j = 0; j < jobs; j++)
		igt_assert_eq_u32(*word(&c, data_va(&c, 4 * j)), 0);
	cs_at(&c, &cs, 0x1000, 0x40);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(run(&c, &cs), 1);
	igt_osprey_gate_close(&gate);
	ctx_fini(&c);
}

static void *release_later(void *arg)
{
	volatile uint32_t *sem = arg;

	usleep(1000 * block_ms());
	cpu_write(sem, 1);
	return NULL;
}

/*
 * Destroying a queue lets the running job finish; of the jobs behind it,
 * those the engine has started run and the others are cancelled, in order.
 */
static void test_queue_destroy_running(void)
{
	const unsigned int jobs = 64;
	uint32_t syncs[64], q;
	struct igt_osprey_cs cs;
	pthread_t thread;
	bool cancelled = false;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	q = igt_osprey_queue_create(c.fd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	for (unsigned int j = 0; j < jobs; j++) {
		syncs[j] = syncobj_new(c.fd);
		cs_at(&c, &cs, 0x80 * j, 0x80);
		if (!j) {
			igt_osprey_emit_store(&cs, data_va(&c, 0x200), 1);
			igt_osprey_emit_sem_wait(&cs, OSPREY_CMP_EQ, data_va(&c, 0), 1);
		}
		igt_osprey_emit_store(&cs, data_va(&c, 4 + 4 * j), j + 1);
		igt_osprey_emit_end(&cs);
		submit_cs(c.fd, q, &cs, NULL, 0, syncs[j], 0);
	}
	/* Once the first job is blocked, release it while the queue goes. */
	igt_assert(igt_wait(*word(&c, data_va(&c, 0x200)), 5000, 1));
	igt_assert_eq(pthread_create(&thread, NULL, release_later,
				     (void *)word(&c, data_va(&c, 0))), 0);
	igt_osprey_queue_destroy(c.fd, q);
	igt_assert_eq(pthread_join(thread, NULL), 0);

	igt_assert_eq(wait_fence(c.fd, syncs[0], 0), 1);
	for (unsigned int j = 0; j < jobs; j++) {
		int status = wait_fence(c.fd, syncs[j], 0);
		uint32_t mark = *word(&c, data_va(&c, 4 + 4 * j));

		igt_assert_f(status == 1 || status == -ESRCH,
			     "job %u: status %d\n", j, status);
		/* A job either ran, and is done, or was cancelled and did not run. */
		igt_assert_eq_u32(mark, status == 1 ? j + 1 : 0);
		/* Cancelled ones come after every one that ran. */
		igt_assert(!cancelled || status == -ESRCH);
		cancelled |= status == -ESRCH;
	}
	igt_info("%s\n", cancelled ? "some jobs were cancelled" : "every job ran");
	igt_assert_eq(__igt_osprey_submit(c.fd, &(struct drm_osprey_submit){
		.queue_id = q, .batch_va = c.va, .batch_size = 4 }), -ENOENT);
	ctx_fini(&c);
}

/*
 * A child submits many jobs, one of them blocked, and closes its file and
 * exits with them in flight. Every fence signals, the device frees every
 * job and buffer of the child, and goes on running jobs.
 */
static void test_close_in_flight(int fd)
{
	const unsigned int jobs = 600;
	struct igt_osprey_bo *sem;
	uint32_t s_blocked, s_last, s_other;
	int sfd[3], dmabuf, gem_before;
	struct igt_osprey_cs cs;
	struct ctx c;

	/* Earlier subtests' VMs go when their last job is freed: wait for it. */
	igt_assert(igt_wait(igt_osprey_job_count(fd) == 0, timeout_ms + 5000, 10));
	gem_before = igt_osprey_gem_count(fd);
	sem = igt_osprey_bo_new(fd, GPU_PAGE);
	dmabuf = igt_osprey_prime_export(fd, sem->handle);
	s_blocked = syncobj_new(fd);
	s_last = syncobj_new(fd);
	s_other = syncobj_new(fd);
	igt_assert_eq(drmSyncobjHandleToFD(fd, s_blocked, &sfd[0]), 0);
	igt_assert_eq(drmSyncobjHandleToFD(fd, s_last, &sfd[1]), 0);
	igt_assert_eq(drmSyncobjHandleToFD(fd, s_other, &sfd[2]), 0);

	igt_fork(child, 1) {
		int cfd = drm_open_driver_render(DRIVER_OSPREY);
		struct igt_osprey_bo *bo = igt_osprey_bo_new(cfd, CTX_SIZE);
		uint32_t h = igt_osprey_prime_import(cfd, dmabuf), s[3], q1, q2;
		uint64_t va = va_start, sem_va = va_start + CTX_SIZE;

		for (int i = 0; i < 3; i++)
			igt_assert_eq(drmSyncobjFDToHandle(cfd, sfd[i], &s[i]), 0);
		igt_osprey_vm_map(cfd, 0, bo->handle, 0, va, CTX_SIZE, 0);
		igt_osprey_vm_map(cfd, 0, h, 0, sem_va, GPU_PAGE, 0);
		q1 = igt_osprey_queue_create(cfd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
		q2 = igt_osprey_queue_create(cfd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);

		/* A quarter on q2; on q1, a blocked job a third of the way. */
		for (unsigned int j = 0; j <= jobs; j++) {
			struct drm_osprey_sync out = { .handle = s[0] };
			uint64_t off = 0x40ull * j;
			bool blocked = j == jobs / 3;

			igt_assert_neq(jobs / 3 % 4, 3);
			igt_osprey_cs_init(&cs, (char *)bo->map + off, va + off, 0x40);
			if (blocked)
				igt_osprey_emit_sem_wait(&cs, OSPREY_CMP_EQ, sem_va, 1);
			igt_osprey_emit_store(&cs, va + DATA_OFF + 4 * j, j + 1);
			igt_osprey_emit_end(&cs);
			if (j == jobs) {
				/* The last job of each queue signals a syncobj. */
				out.handle = s[1];
				igt_osprey_submit(cfd, q1, cs.va, igt_osprey_cs_bytes(&cs),
						  NULL, 0, &out, 1);
				out.handle = s[2];
				igt_osprey_submit(cfd, q2, cs.va, igt_osprey_cs_bytes(&cs),
						  NULL, 0, &out, 1);
				break;
			}
			igt_osprey_submit(cfd, j % 4 == 3 ? q2 : q1, cs.va,
					  igt_osprey_cs_bytes(&cs), NULL, 0, &out, blocked);
		}
		/* Leave everything as it is: the file goes with the process. */
		drm_close_driver(cfd);
	}
	igt_waitchildren();
	for (int i = 0; i < 3; i++)
		close(sfd[i]);
	close(dmabuf);
	cpu_write(sem->map, 1);

	/* Every fence signals: run, cancelled or timed out. */
	for (int i = 0; i < 3; i++) {
		uint32_t h = i == 0 ? s_blocked : i == 1 ? s_last : s_other;
		int status = wait_fence(fd, h, 0);

		igt_info("child's job %d: status %d\n", i, status);
		igt_assert_f(status == 1 || status == -ESRCH || status == -ETIMEDOUT,
			     "status %d\n", status);
	}
	/* Every job and every buffer of the child's goes. */
	igt_assert_f(igt_wait(igt_osprey_job_count(fd) == 0,
			      timeout_ms + 10000, 20),
		     "job_count %d\n", igt_osprey_job_count(fd));
	igt_assert_f(igt_wait(igt_osprey_gem_count(fd) == gem_before + 1, 5000, 20),
		     "gem_count %d, expected %d\n", igt_osprey_gem_count(fd),
		     gem_before + 1);

	/* And the device still runs jobs. */
	ctx_init(&c, CTX_SIZE);
	cs_at(&c, &cs, 0, 0x40);
	igt_osprey_emit_store(&cs, data_va(&c, 0), 0x600d);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(run(&c, &cs), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0)), 0x600d);
	ctx_fini(&c);

	syncobj_free(fd, s_blocked);
	syncobj_free(fd, s_last);
	syncobj_free(fd, s_other);
	igt_osprey_bo_free(sem);
	igt_assert_f(igt_wait(igt_osprey_gem_count(fd) == gem_before, 5000, 20),
		     "gem_count %d, expected %d\n", igt_osprey_gem_count(fd), gem_before);
}

/*
 * A child submits jobs that cannot start (gated by a fence the parent
 * holds) and closes its file, or exits with it open. The close does not
 * wait for them: it cancels them, their fences signal -ESRCH (once the
 * gate opens) and they never run.
 */
static void test_close_cancels_pending(int fd, bool by_exit)
{
	const unsigned int jobs = 4;
	uint32_t g, outs[4];
	int gfd, ofd[4];
	volatile int64_t *shared;
	struct igt_osprey_gate gate;
	int64_t took;

	igt_osprey_gate_open(&gate);
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(shared != MAP_FAILED);
	g = igt_osprey_gate_syncobj(&gate, fd);
	igt_assert_eq(drmSyncobjHandleToFD(fd, g, &gfd), 0);
	for (unsigned int j = 0; j < jobs; j++) {
		outs[j] = syncobj_new(fd);
		igt_assert_eq(drmSyncobjHandleToFD(fd, outs[j], &ofd[j]), 0);
	}

	igt_fork(child, 1) {
		struct drm_osprey_sync in = {};
		struct igt_osprey_cs cs;
		uint32_t q2, o[4];
		struct ctx c;

		ctx_init(&c, CTX_SIZE);
		q2 = igt_osprey_queue_create(c.fd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
		igt_assert_eq(drmSyncobjFDToHandle(c.fd, gfd, &in.handle), 0);
		for (unsigned int j = 0; j < jobs; j++)
			igt_assert_eq(drmSyncobjFDToHandle(c.fd, ofd[j], &o[j]), 0);
		/* Gated jobs, and jobs behind a gated one on its queue. */
		for (unsigned int j = 0; j < jobs; j++) {
			cs_at(&c, &cs, 0x40 * j, 0x40);
			igt_osprey_emit_store(&cs, data_va(&c, 4 * j), j + 1);
			igt_osprey_emit_end(&cs);
			submit_cs(c.fd, j < 2 ? c.queue : q2, &cs, j % 2 ? NULL : &in,
				  j % 2 ? 0 : 1, o[j], 0);
		}
		osp_dev_close(c.dev);
		igt_osprey_bo_free(c.bo);
		shared[0] = igt_osprey_monotonic_ns();
		if (!by_exit) {
			drm_close_driver(c.fd);
			shared[1] = igt_osprey_monotonic_ns();
		}
	}
	igt_waitchildren();
	took = (by_exit ? igt_osprey_monotonic_ns() : shared[1]) - shared[0];
	igt_info("the child's %s took %.3f s\n", by_exit ? "exit" : "close", took / 1e9);
	igt_assert_f(took < CANCEL_WAIT_MAX_NS,
		     "closing the file blocked %.3f s on jobs that cannot start\n", took / 1e9);

	/* Their fences may wait for their dependencies: open the gate first. */
	igt_osprey_gate_signal(&gate);
	for (unsigned int j = 0; j < jobs; j++) {
		igt_assert_eq(wait_fence(fd, outs[j], 0), -ESRCH);
		syncobj_free(fd, outs[j]);
		close(ofd[j]);
	}
	igt_assert_f(igt_wait(igt_osprey_job_count(fd) == 0, 5000, 10),
		     "job_count %d\n", igt_osprey_job_count(fd));
	close(gfd);
	syncobj_free(fd, g);
	igt_osprey_gate_close(&gate);
	munmap((void *)shared, 4096);
}

/* SUBMIT's input checks --------------------------------------------------- */

/*
 * A submit that is valid but for what a test changes: a one-word END batch
 * at the start of the context's buffer, signalling @out.
 */
static struct drm_osprey_submit base_submit(struct ctx *c, struct drm_osprey_sync *out)
{
	*(volatile uint32_t *)c->bo->map = osprey_insn_header(OSPREY_OP_END, 0, 1);
	return (struct drm_osprey_submit){
		.queue_id = c->queue,
		.batch_va = c->va,
		.batch_size = 4,
		.out_sync_count = 1,
		.out_syncs = to_user_pointer(out),
	};
}

/*
 * Assert that a SUBMIT fails with @err and changes nothing: no job, and
 * the probe syncobj (out-sync of the base submit) still has no fence.
 */
static void submit_err(struct ctx *c, struct drm_osprey_submit *submit,
		       uint32_t probe, int err)
{
	int jobs = igt_osprey_job_count(c->fd);

	igt_debug("SUBMIT queue %u flags %#x batch %#" PRIx64 "+%u pad %#x in %u@%#" PRIx64
		  " out %u@%#" PRIx64 ", expecting %d\n", submit->queue_id, submit->flags,
		  (uint64_t)submit->batch_va, submit->batch_size, submit->pad,
		  submit->in_sync_count, (uint64_t)submit->in_syncs,
		  submit->out_sync_count, (uint64_t)submit->out_syncs, err);
	igt_assert_eq(__igt_osprey_submit(c->fd, submit), err);
	igt_assert_lte(igt_osprey_job_count(c->fd), jobs);
	igt_assert(!syncobj_has_fence(c->fd, probe, 0));
}

/* The base submit works, which shows the failures are the test's doing. */
static void submit_ok(struct ctx *c, struct drm_osprey_submit *submit, int status)
{
	struct drm_osprey_sync out = { .handle = syncobj_new(c->fd) };
	struct drm_osprey_submit s = *submit;

	s.out_syncs = to_user_pointer(&out);
	s.out_sync_count = 1;
	igt_assert_eq(__igt_osprey_submit(c->fd, &s), 0);
	igt_assert_eq(wait_fence(c->fd, out.handle, 0), status);
	syncobj_free(c->fd, out.handle);
}

/* Give @handle (at @point) the fence of a job that ran, and wait for it. */
static void signal_by_job(struct ctx *c, uint32_t handle, uint64_t point)
{
	struct drm_osprey_sync out = { .handle = handle, .point = point };
	struct drm_osprey_submit s = base_submit(c, &out);

	igt_assert_eq(__igt_osprey_submit(c->fd, &s), 0);
	igt_assert_eq(wait_fence(c->fd, handle, point), 1);
}

static void test_submit_unknown_queue(void)
{
	struct drm_osprey_sync out;
	struct drm_osprey_submit s;
	int other = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t q, theirs = 0;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	out = (struct drm_osprey_sync){ .handle = syncobj_new(c.fd) };
	s = base_submit(&c, &out);
	submit_ok(&c, &s, 1);

	for (uint32_t id = 0; id < 8; id++) {
		if (id == c.queue)
			continue;
		s.queue_id = id;
		submit_err(&c, &s, out.handle, -ENOENT);
	}
	s.queue_id = 0xffffffff;
	submit_err(&c, &s, out.handle, -ENOENT);

	/* A destroyed queue. */
	q = igt_osprey_queue_create(c.fd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	igt_osprey_queue_destroy(c.fd, q);
	s.queue_id = q;
	submit_err(&c, &s, out.handle, -ENOENT);

	/* Another file's queue: ids are per file. */
	for (int i = 0; i < 4; i++)
		theirs = igt_osprey_queue_create(other, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	igt_assert_neq_u32(theirs, c.queue);
	s.queue_id = theirs;
	submit_err(&c, &s, out.handle, -ENOENT);
	drm_close_driver(other);
	ctx_fini(&c);
}

static void test_submit_bad_batch_size(void)
{
	const uint32_t sizes[] = { 0, 1, 2, 3, 6, 4097,
				   (uint32_t)max_batch_size + 4, 0xfffffffc };
	struct drm_osprey_sync out;
	struct drm_osprey_submit s;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	out = (struct drm_osprey_sync){ .handle = syncobj_new(c.fd) };
	s = base_submit(&c, &out);
	igt_assert_lte_u64(8, max_batch_size);
	igt_assert_eq_u64(max_batch_size % 4, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (sizes[i] <= max_batch_size && sizes[i] % 4 == 0 && sizes[i])
			continue;
		s.batch_size = sizes[i];
		submit_err(&c, &s, out.handle, -EINVAL);
	}
	/* The largest size is accepted: the batch ENDs at its first word. */
	s.batch_size = max_batch_size;
	submit_ok(&c, &s, 1);
	s.batch_size = 4;
	submit_ok(&c, &s, 1);
	ctx_fini(&c);
}

static void test_submit_bad_batch_va(void)
{
	const struct {
		uint64_t va;
		uint32_t size;
	} bad[] = {
		{ va_start + 2, 4 },
		{ va_start + 1, 4 },
		{ va_start + 3, 8 },
		{ 0, 4 },
		{ va_start - 4, 4 },
		{ va_start - 4, 8 },
		{ va_end, 4 },
		{ va_end - 4, 8 },
		{ va_end + GPU_PAGE, 4 },
		{ 1ull << OSPREY_VA_BITS, 4 },
		{ 1ull << 63, 4 },
		{ ~3ull, 8 },
		{ ~0ull - GPU_PAGE + 1, GPU_PAGE },
	};
	struct drm_osprey_sync out;
	struct drm_osprey_submit s;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	out = (struct drm_osprey_sync){ .handle = syncobj_new(c.fd) };
	s = base_submit(&c, &out);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		igt_debug("batch %#" PRIx64 "+%u\n", bad[i].va, bad[i].size);
		s.batch_va = bad[i].va;
		s.batch_size = bad[i].size;
		submit_err(&c, &s, out.handle, -EINVAL);
	}
	/* The last word of the VA range is a valid, if unmapped, batch. */
	s.batch_va = va_end - 4;
	s.batch_size = 4;
	submit_ok(&c, &s, -EFAULT);
	s.batch_va = c.va;
	submit_ok(&c, &s, 1);
	ctx_fini(&c);
}

static void test_submit_unmapped_batch(void)
{
	struct igt_osprey_cs cs = { .len = 16 };
	uint64_t bad;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	bad = unmapped_va(&c);
	/* SUBMIT does not check the mapping: the job faults on its first fetch. */
	cs.va = bad;
	igt_assert_eq(run(&c, &cs), -EFAULT);
	assert_last_fault(c.fd, "translation", "fetch", bad, bad, bad);

	cs_at(&c, &cs, 0, 0x40);
	igt_osprey_emit_store(&cs, data_va(&c, 0), 1);
	igt_osprey_emit_end(&cs);
	igt_assert_eq(run(&c, &cs), 1);
	igt_assert_eq_u32(*word(&c, data_va(&c, 0)), 1);
	ctx_fini(&c);
}

static void test_submit_unknown_syncobj(void)
{
	struct drm_osprey_sync out, in[2], bad_out[2];
	struct drm_osprey_submit s;
	uint32_t handles[4] = { 0, 0, 0xdead, 0xffffffff };
	uint32_t good, gone;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	out = (struct drm_osprey_sync){ .handle = syncobj_new(c.fd) };
	s = base_submit(&c, &out);
	good = syncobj_new(c.fd);
	signal_by_job(&c, good, 0);
	/* Handle 0, a destroyed syncobj's and two never made. */
	gone = syncobj_new(c.fd);
	syncobj_free(c.fd, gone);
	handles[1] = gone;

	for (unsigned int i = 0; i < ARRAY_SIZE(handles); i++) {
		if (handles[i] == good || handles[i] == out.handle)
			continue;
		igt_debug("syncobj handle %#x\n", handles[i]);
		/* In-syncs: alone, or after a good one. */
		in[0] = (struct drm_osprey_sync){ .handle = handles[i] };
		s.in_syncs = to_user_pointer(in);
		s.in_sync_count = 1;
		submit_err(&c, &s, out.handle, -ENOENT);
		in[0] = (struct drm_osprey_sync){ .handle = good };
		in[1] = (struct drm_osprey_sync){ .handle = handles[i] };
		s.in_sync_count = 2;
		submit_err(&c, &s, out.handle, -ENOENT);
		s.in_sync_count = 0;

		/* Out-syncs: after the probe, which must stay untouched. */
		bad_out[0] = out;
		bad_out[1] = (struct drm_osprey_sync){ .handle = handles[i] };
		s.out_syncs = to_user_pointer(bad_out);
		s.out_sync_count = 2;
		submit_err(&c, &s, out.handle, -ENOENT);
		s.out_syncs = to_user_pointer(&out);
		s.out_sync_count = 1;
	}
	ctx_fini(&c);
}

static void test_submit_unsignalled_syncobj(void)
{
	struct drm_osprey_sync out, in;
	struct drm_osprey_submit s;
	uint32_t never, tl;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	out = (struct drm_osprey_sync){ .handle = syncobj_new(c.fd) };
	s = base_submit(&c, &out);
	s.in_syncs = to_user_pointer(&in);
	s.in_sync_count = 1;

	/* A binary syncobj nothing ever signalled. */
	never = syncobj_new(c.fd);
	in = (struct drm_osprey_sync){ .handle = never };
	submit_err(&c, &s, out.handle, -EINVAL);

	/* A timeline with point 1 submitted, and not point 2. */
	tl = syncobj_new(c.fd);
	signal_by_job(&c, tl, 1);
	in = (struct drm_osprey_sync){ .handle = tl, .point = 2 };
	submit_err(&c, &s, out.handle, -EINVAL);
	in = (struct drm_osprey_sync){ .handle = never, .point = 1 };
	submit_err(&c, &s, out.handle, -EINVAL);
	in = (struct drm_osprey_sync){ .handle = tl, .point = 1 };
	submit_ok(&c, &s, 1);
	ctx_fini(&c);
}

static void test_submit_point_on_binary(void)
{
	struct drm_osprey_sync out, in;
	struct drm_osprey_submit s;
	uint32_t bin;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	out = (struct drm_osprey_sync){ .handle = syncobj_new(c.fd) };
	s = base_submit(&c, &out);
	/* Signalled as a binary syncobj: its fence is no timeline point. */
	bin = syncobj_new(c.fd);
	signal_by_job(&c, bin, 0);
	s.in_syncs = to_user_pointer(&in);
	s.in_sync_count = 1;
	for (uint64_t point = 1; point < 4; point++) {
		in = (struct drm_osprey_sync){ .handle = bin, .point = point };
		submit_err(&c, &s, out.handle, -EINVAL);
	}
	in = (struct drm_osprey_sync){ .handle = bin, .point = ~0ull };
	submit_err(&c, &s, out.handle, -EINVAL);
	in = (struct drm_osprey_sync){ .handle = bin };
	submit_ok(&c, &s, 1);

	/* Nor can a job signal a point of it. */
	s.in_sync_count = 0;
	s.out_syncs = to_user_pointer(&in);
	in = (struct drm_osprey_sync){ .handle = bin, .point = 1 };
	igt_assert_eq(__igt_osprey_submit(c.fd, &s), -EINVAL);
	igt_assert_eq(fence_status(c.fd, bin, 0), 1);
	ctx_fini(&c);
}

static void test_submit_too_many_syncs(void)
{
	uint64_t n = max_syncs + 1;
	struct drm_osprey_sync *in = calloc(n, sizeof(*in));
	struct drm_osprey_sync *outs = calloc(n, sizeof(*outs));
	struct drm_osprey_sync out;
	struct drm_osprey_submit s;
	uint32_t done;
	struct ctx c;

	igt_assert(in && outs);
	igt_assert_lt_u64(0, max_syncs);
	ctx_init(&c, CTX_SIZE);
	out = (struct drm_osprey_sync){ .handle = syncobj_new(c.fd) };
	s = base_submit(&c, &out);
	done = syncobj_new(c.fd);
	signal_by_job(&c, done, 0);
	for (uint64_t i = 0; i < n; i++) {
		in[i] = (struct drm_osprey_sync){ .handle = done };
		outs[i] = (struct drm_osprey_sync){ .handle = syncobj_new(c.fd) };
	}
	outs[0] = out;

	s.in_syncs = to_user_pointer(in);
	s.in_sync_count = n;
	submit_err(&c, &s, out.handle, -EINVAL);
	s.in_sync_count = 0xffffffff;
	submit_err(&c, &s, out.handle, -EINVAL);
	s.in_sync_count = 0;
	s.out_syncs = to_user_pointer(outs);
	s.out_sync_count = n;
	submit_err(&c, &s, out.handle, -EINVAL);
	s.out_sync_count = 0xffffffff;
	submit_err(&c, &s, out.handle, -EINVAL);
	for (uint64_t i = 1; i < n; i++)
		igt_assert(!syncobj_has_fence(c.fd, outs[i].handle, 0));

	/* MAX_SYNCS of each is fine, and every out-sync gets the fence. */
	s.in_sync_count = max_syncs;
	s.out_syncs = to_user_pointer(outs + 1);
	s.out_sync_count = max_syncs;
	igt_assert_eq(__igt_osprey_submit(c.fd, &s), 0);
	for (uint64_t i = 1; i < n; i++)
		igt_assert_eq(wait_fence(c.fd, outs[i].handle, 0), 1);
	free(in);
	free(outs);
	ctx_fini(&c);
}

static void test_submit_bad_sync_pointer(void)
{
	struct drm_osprey_sync out, *edge;
	struct drm_osprey_submit s;
	uint64_t bad[4];
	char *pages;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	out = (struct drm_osprey_sync){ .handle = syncobj_new(c.fd) };
	s = base_submit(&c, &out);
	/* A readable page followed by one that is not. */
	pages = mmap(NULL, 2 * GPU_PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(pages != MAP_FAILED);
	igt_assert_eq(mprotect(pages + GPU_PAGE, GPU_PAGE, PROT_NONE), 0);
	edge = (struct drm_osprey_sync *)(pages + GPU_PAGE) - 1;
	*edge = out;

	bad[0] = 0;
	bad[1] = to_user_pointer(pages + GPU_PAGE);
	bad[2] = -GPU_PAGE;	/* a kernel address */
	bad[3] = 0x10;
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		s.in_syncs = bad[i];
		s.in_sync_count = 1;
		submit_err(&c, &s, out.handle, -EFAULT);
		s.in_sync_count = 0;
		s.out_syncs = bad[i];
		submit_err(&c, &s, out.handle, -EFAULT);
		s.out_syncs = to_user_pointer(&out);
	}
	/* An array that runs into the unreadable page. */
	s.out_syncs = to_user_pointer(edge);
	s.out_sync_count = 2;
	submit_err(&c, &s, out.handle, -EFAULT);
	s.out_sync_count = 1;
	submit_ok(&c, &s, 1);
	igt_assert_eq(munmap(pages, 2 * GPU_PAGE), 0);
	ctx_fini(&c);
}

static void test_submit_bad_flags(void)
{
	const uint32_t bits[] = { 1, 2, 0x80, 0x80000000, 0xffffffff };
	struct drm_osprey_sync out, in;
	struct drm_osprey_submit s;
	uint32_t done;
	struct ctx c;

	ctx_init(&c, CTX_SIZE);
	out = (struct drm_osprey_sync){ .handle = syncobj_new(c.fd) };
	s = base_submit(&c, &out);
	done = syncobj_new(c.fd);
	signal_by_job(&c, done, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(bits); i++) {
		s.flags = bits[i];
		submit_err(&c, &s, out.handle, -EINVAL);
		s.flags = 0;
		s.pad = bits[i];
		submit_err(&c, &s, out.handle, -EINVAL);
		s.pad = 0;

		in = (struct drm_osprey_sync){ .handle = done, .flags = bits[i] };
		s.in_syncs = to_user_pointer(&in);
		s.in_sync_count = 1;
		submit_err(&c, &s, out.handle, -EINVAL);
		s.in_sync_count = 0;

		out.flags = bits[i];
		submit_err(&c, &s, out.handle, -EINVAL);
		out.flags = 0;
	}
	submit_ok(&c, &s, 1);
	ctx_fini(&c);
}

/* Two GPUs ------------------------------------------------------------------ */

static void reload_sim(const char *opts)
{
	igt_assert_eq(igt_kmod_unload("osprey"), 0);
	igt_assert_eq(igt_kmod_unload("osprey_sim"), 0);
	igt_assert_eq(igt_kmod_load("osprey_sim", opts), 0);
	igt_assert_eq(igt_kmod_load("osprey", NULL), 0);
}

/*
 * A job on one GPU waits in SEM_WAIT for a word that a job on another GPU
 * writes, in a buffer the two share through a dma-buf. (On one GPU a
 * blocked job holds the only engine, so the releasing job needs a second.)
 */
static void sem_wait_other_gpu(void)
{
	int fd0 = igt_osprey_open_render(0), fd1 = igt_osprey_open_render(1);
	char name0[64], name1[64];
	struct igt_osprey_cs w, r;
	struct igt_osprey_bo *sem, *batch0, *batch1;
	struct drm_osprey_gem_info info;
	uint32_t q0, q1, out, imported;
	int dmabuf;

	igt_assert_fd(fd0);
	igt_assert_fd(fd1);
	igt_assert_eq(igt_osprey_device_name(fd0, name0, sizeof(name0)), 0);
	igt_assert_eq(igt_osprey_device_name(fd1, name1, sizeof(name1)), 0);
	igt_assert_f(strcmp(name0, name1), "both nodes are %s\n", name0);

	sem = igt_osprey_bo_new(fd0, GPU_PAGE);
	batch0 = igt_osprey_bo_new(fd0, GPU_PAGE);
	batch1 = igt_osprey_bo_new(fd1, GPU_PAGE);
	dmabuf = igt_osprey_prime_export(fd0, sem->handle);
	imported = igt_osprey_prime_import(fd1, dmabuf);
	igt_osprey_gem_info(fd1, imported, &info);
	igt_assert_eq_u32(info.info, DRM_OSPREY_GEM_INFO_IMPORTED);

	igt_osprey_vm_map(fd0, 0, batch0->handle, 0, va_start, GPU_PAGE, 0);
	igt_osprey_vm_map(fd0, 0, sem->handle, 0, va_start + GPU_PAGE, GPU_PAGE, 0);
	igt_osprey_vm_map(fd1, 0, batch1->handle, 0, va_start, GPU_PAGE, 0);
	igt_osprey_vm_map(fd1, 0, imported, 0, va_start + 0x100000, GPU_PAGE, 0);
	q0 = igt_osprey_queue_create(fd0, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	q1 = igt_osprey_queue_create(fd1, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);

	igt_osprey_cs_init(&w, batch0->map, va_start, GPU_PAGE);
	igt_osprey_emit_sem_wait(&w, OSPREY_CMP_EQ, va_start + GPU_PAGE, 0x600d);
	igt_osprey_emit_store(&w, va_start + GPU_PAGE + 4, 0xd0e);
	igt_osprey_emit_end(&w);
	out = syncobj_new(fd0);
	submit_cs(fd0, q0, &w, NULL, 0, out, 0);
	usleep(1000 * block_ms());
	igt_assert_eq(fence_status(fd0, out, 0), 0);

	igt_osprey_cs_init(&r, batch1->map, va_start, GPU_PAGE);
	igt_osprey_emit_store(&r, va_start + 0x100000, 0x600d);
	igt_osprey_emit_end(&r);
	igt_assert_eq(run_on(fd1, q1, &r), 1);

	igt_assert_eq(wait_fence(fd0, out, 0), 1);
	igt_assert_eq_u32(((uint32_t *)sem->map)[0], 0x600d);
	igt_assert_eq_u32(((uint32_t *)sem->map)[1], 0xd0e);

	close(dmabuf);
	igt_osprey_bo_free(batch1);
	igt_osprey_bo_free(batch0);
	igt_osprey_bo_free(sem);
	close(fd1);
	close(fd0);
}

/*
 * In a child process, whose files all close when it ends, pass or fail:
 * the modules must unload after it.
 */
static void test_sem_wait_other_gpu(void)
{
	igt_fork(child, 1)
		sem_wait_other_gpu();
	igt_waitchildren();
}

static void read_params(int fd)
{
	char buf[32] = "";
	int file;

	va_start = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_VA_START);
	va_end = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_VA_END);
	max_batch_size = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_MAX_BATCH_SIZE);
	max_syncs = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_MAX_SYNCS);
	max_queues = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_MAX_QUEUES);
	igt_assert_lt_u64(0, max_queues);
	igt_assert_lt_u64(va_start, va_end);
	igt_assert_lte_u64(va_start + 256 * CTX_SIZE, va_end);

	file = open("/sys/module/osprey/parameters/timeout_ms", O_RDONLY);
	if (file >= 0) {
		if (read(file, buf, sizeof(buf) - 1) > 0 && atoi(buf) > 0)
			timeout_ms = atoi(buf);
		close(file);
	}
	igt_info("VA [%#" PRIx64 ", %#" PRIx64 "), batches up to %" PRIu64
		 " bytes, %" PRIu64 " syncs, %" PRIu64 " queues, timeout %u ms\n",
		 va_start, va_end, max_batch_size, max_syncs, max_queues, timeout_ms);
}

int igt_main()
{
	int fd = -1, gem_start = 0;
	bool reloaded = false;

	/*
	 * First, while nothing else is open: the modules are reloaded with
	 * two GPUs, then with the defaults again.
	 */
	igt_subtest_group() {
		igt_fixture() {
			if (igt_osprey_count_render_nodes() < 2) {
				reload_sim("devices=2");
				reloaded = true;
			}
			igt_assert_lte(2, igt_osprey_count_render_nodes());
			fd = drm_open_driver_render(DRIVER_OSPREY);
			igt_require_osprey(fd);
			read_params(fd);
			drm_close_driver(fd);
			fd = -1;
		}

		igt_describe("SEM_WAIT on one GPU released by a job of another GPU.");
		igt_subtest("sem-wait-other-gpu")
			test_sem_wait_other_gpu();

		igt_fixture() {
			if (reloaded)
				reload_sim(NULL);
		}
	}

	igt_fixture() {
		fd = drm_open_driver_render(DRIVER_OSPREY);
		igt_require_osprey(fd);
		read_params(fd);
		gem_start = igt_osprey_gem_count(fd);
	}

	igt_describe("NOPs do nothing; a batch of one NOP ends at its length.");
	igt_subtest("nop")
		test_nop();

	igt_describe("STORE writes one word, and only it, at any offset of a page.");
	igt_subtest("store")
		test_store();

	igt_describe("COPY across pages, unaligned to them; of one word and of none.");
	igt_subtest("copy")
		test_copy();

	igt_describe("COPY of overlapping ranges, both ways, copies as memmove.");
	igt_subtest("copy-overlap")
		test_copy_overlap();

	igt_describe("FILL across pages, of one word and of none, and over a FILL.");
	igt_subtest("fill")
		test_fill();

	igt_describe("SEM_WAIT blocks until a CPU write makes each comparison true (unsigned).");
	igt_subtest("sem-wait-cpu")
		test_sem_wait_cpu();

	igt_describe("ATOMIC ADD adds, wrapping around at 32 bits.");
	igt_subtest("atomic-add")
		test_atomic_add();

	igt_describe("ATOMIC CMPXCHG swaps only when the word equals compare.");
	igt_subtest("atomic-cmpxchg")
		test_atomic_cmpxchg();

	igt_describe("ATOMIC ADD on the GPU and atomic adds on the CPU lose no update.");
	igt_subtest("atomic-cpu-concurrent")
		test_atomic_cpu();

	igt_describe("TIMESTAMP writes 64 bits of monotonic nanoseconds.");
	igt_subtest("timestamp")
		test_timestamp();

	igt_describe("JUMP forwards, out of the batch's range and back into it.");
	igt_subtest("jump")
		test_jump();

	igt_describe("CALL and RETURN, nested 8 deep; RETURN on an empty stack ends the batch.");
	igt_subtest("call-return")
		test_call_return();

	igt_describe("A ninth nested CALL is an invalid instruction: -EINVAL.");
	igt_subtest("call-stack-overflow")
		test_call_overflow();

	igt_describe("END ends the batch before its length.");
	igt_subtest("end-early")
		test_end_early();

	igt_describe("A batch without END ends at its length; what follows does not run.");
	igt_subtest("batch-ends-at-length")
		test_batch_length();

	igt_describe("Invalid instructions fail the job with -EINVAL; the next job runs.");
	igt_subtest("invalid-instruction")
		test_invalid_instruction();

	igt_describe("Reads, writes and fetches of unmapped VAs fail with -EFAULT; next job runs.");
	igt_subtest("fault")
		test_fault();

	igt_describe("A job that never ends fails with -ETIMEDOUT; the jobs behind it run.");
	igt_subtest("job-timeout")
		test_job_timeout();

	igt_describe("Jobs of one queue run in submission order, each fence in turn.");
	igt_subtest("queue-order")
		test_queue_order();

	igt_describe("5000 jobs queued at once on one queue all run, in order.");
	igt_subtest("many-jobs-one-queue")
		test_many_jobs(1, 5000);

	igt_describe("5000 jobs queued at once over several queues all run, each queue in order.");
	igt_subtest("many-jobs-many-queues")
		test_many_jobs(max_queues < 8 ? max_queues : 8, 5000);

	igt_describe("QUEUE_CREATE ids, QUEUE_DESTROY of unknown ids and with a pad.");
	igt_subtest("queue-create-destroy")
		test_queue_create_destroy();

	igt_describe("QUEUE_CREATE of unknown VMs, priorities and flags fails.");
	igt_subtest("queue-create-bad")
		test_queue_create_bad();

	igt_describe("A file has at most MAX_QUEUES queues: then -ENOSPC.");
	igt_subtest("queue-create-max")
		test_queue_max();

	igt_describe("Queues of every priority run jobs; HIGH needs the privilege.");
	igt_subtest("queue-priorities")
		test_queue_priorities();

	igt_describe("Binary syncobj across queues: the waiter runs after the blocked job.");
	igt_subtest("syncobj-binary-cross-queue")
		test_syncobj_cross_queue(false);

	igt_describe("Timeline syncobj across queues: each waiter runs after its point.");
	igt_subtest("syncobj-timeline-cross-queue")
		test_syncobj_cross_queue(true);

	igt_describe("Binary syncobj shared between two files as a syncobj fd.");
	igt_subtest("syncobj-binary-cross-file")
		test_syncobj_cross_file(false);

	igt_describe("Timeline syncobj shared between two files as a syncobj fd.");
	igt_subtest("syncobj-timeline-cross-file")
		test_syncobj_cross_file(true);

	igt_describe("A chain of jobs over files and queues runs only once its gate signals.");
	igt_subtest("dependency-chain")
		test_dependency_chain();

	igt_describe("A job whose dependency failed still runs.");
	igt_subtest("dependency-failed")
		test_dependency_failed();

	igt_describe("GEM_WAIT times out while a job using the buffer's VM is blocked.");
	igt_subtest("gem-wait-busy")
		test_gem_wait_busy();

	igt_describe("Destroying a queue cancels its jobs that have not started: -ESRCH.");
	igt_subtest("queue-destroy-cancels")
		test_queue_destroy_cancels();

	igt_describe("Destroying a queue lets its running job finish.");
	igt_subtest("queue-destroy-running-job")
		test_queue_destroy_running();

	igt_describe("A file closed with jobs in flight: all fences signal, nothing is left.");
	igt_subtest("close-with-jobs-in-flight")
		test_close_in_flight(fd);

	igt_describe("Closing a file cancels its jobs that cannot start, without waiting.");
	igt_subtest("close-cancels-pending-jobs")
		test_close_cancels_pending(fd, false);

	igt_describe("A process exiting with its file open: jobs that cannot start are cancelled.");
	igt_subtest("exit-cancels-pending-jobs")
		test_close_cancels_pending(fd, true);

	igt_describe("SUBMIT on a queue the file does not have: -ENOENT.");
	igt_subtest("submit-unknown-queue")
		test_submit_unknown_queue();

	igt_describe("SUBMIT of a zero, unaligned or oversized batch size: -EINVAL.");
	igt_subtest("submit-bad-batch-size")
		test_submit_bad_batch_size();

	igt_describe("SUBMIT of an unaligned batch VA, or one outside the VA range: -EINVAL.");
	igt_subtest("submit-bad-batch-va")
		test_submit_bad_batch_va();

	igt_describe("A batch at an unmapped VA is accepted and faults on its first fetch.");
	igt_subtest("submit-unmapped-batch")
		test_submit_unmapped_batch();

	igt_describe("SUBMIT with a syncobj handle that names nothing: -ENOENT.");
	igt_subtest("submit-unknown-syncobj")
		test_submit_unknown_syncobj();

	igt_describe("SUBMIT waiting on a syncobj or point with no fence: -EINVAL.");
	igt_subtest("submit-unsignalled-syncobj")
		test_submit_unsignalled_syncobj();

	igt_describe("SUBMIT waiting on or signalling a point of a binary syncobj: -EINVAL.");
	igt_subtest("submit-point-on-binary-syncobj")
		test_submit_point_on_binary();

	igt_describe("SUBMIT with more than MAX_SYNCS in- or out-syncs: -EINVAL.");
	igt_subtest("submit-too-many-syncs")
		test_submit_too_many_syncs();

	igt_describe("SUBMIT with unreadable sync arrays: -EFAULT.");
	igt_subtest("submit-bad-sync-pointer")
		test_submit_bad_sync_pointer();

	igt_describe("SUBMIT with unknown flags, sync flags or a non-zero pad: -EINVAL.");
	igt_subtest("submit-bad-flags")
		test_submit_bad_flags();

	igt_fixture() {
		/* Every subtest cleaned up after itself: nothing leaked. */
		igt_assert_f(igt_wait(igt_osprey_job_count(fd) == 0, 5000, 10),
			     "job_count %d\n", igt_osprey_job_count(fd));
		igt_assert_f(igt_wait(igt_osprey_gem_count(fd) == gem_start, 5000, 10),
			     "gem_count %d, expected %d\n", igt_osprey_gem_count(fd),
			     gem_start);
		drm_close_driver(fd);
	}
}
