// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "igt_kmod.h"
#include "igt_osprey.h"
#include "igt_vgem.h"
#include "coredump_parse.h"
#include "libosprey.h"
#include "osprey_isa.h"

IGT_TEST_DESCRIPTION("Osprey hangs, faults and resets: fences, devcoredumps, queue state, bans.");

/* The GPU page size. */
#define GPU_PAGE 4096ull

/* The job timeout this test reloads the driver with, to keep hangs short. */
#define SHORT_TIMEOUT_MS 500

/*
 * A context's buffers: batches (BATCH_SIZE bytes, one job every
 * BATCH_SLOT bytes) at VA_START, data at DATA_OFF from it. Other jobs'
 * buffers go at SIDE_OFF and beyond, in other VMs.
 */
#define BATCH_SIZE (16 * 1024ull)
#define BATCH_SLOT 0x400ull
#define DATA_SIZE (64 * 1024ull)
#define DATA_OFF 0x100000ull
#define SIDE_OFF 0x400000ull

/* Words of the data buffer: job @slot's marker, semaphore and "after" store. */
#define MARKER_OFF(slot) (4ull * (slot))
#define SEM_OFF(slot) (0x100ull + 4 * (slot))
#define AFTER_OFF(slot) (0x200ull + 4 * (slot))
#define MARKER(slot) (0x600d0000u | (slot))
#define SEM_NEVER 0x5e11f00du
#define AFTER_VALUE 0xbadu

/* Seeds of the patterns written over the buffers before a job runs. */
#define SEED_BATCH 0xba7c
#define SEED_DATA 0xda7a

#define DRIVER_DIR "/sys/bus/platform/drivers/osprey"
#define PARAM_DIR "/sys/module/osprey/parameters"

/* What GET_PARAM reports, read once. */
static uint64_t va_start, va_end;
/* The osprey module's parameters this test depends on. */
static unsigned int timeout_ms = 2000, hang_limit = 3, coredump_history = 4;
/* The platform device of the GPU under test, e.g. "osprey.0". */
static char device[64];
/* The test's own file, for debugfs. */
static int fd = -1;
/* Whether the fixture reloaded osprey, which the exit handler undoes. */
static bool reloaded;

enum hang_kind {
	HANG_SEM_WAIT,		/* SEM_WAIT for a value never written */
	HANG_JUMP,		/* a JUMP to itself */
	HANG_LOCKUP,		/* a SEM_WAIT released during an injected lockup */
};

/**
 * struct hctx - a file with a batch and a data buffer in its default VM
 * @fd: the file (a render node)
 * @dev: @fd for libosprey
 * @queue: a queue in the default VM
 * @batch: the batch buffer, labelled "hang-batch", mapped at @batch_va
 * @data: the data buffer, labelled "hang-data", mapped at @data_va
 */
struct hctx {
	int fd;
	struct osp_dev *dev;
	uint32_t queue;
	struct igt_osprey_bo *batch, *data;
	uint64_t batch_va, data_va;
};

static void hctx_init(struct hctx *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = drm_open_driver_render(DRIVER_OSPREY);
	c->dev = osp_dev_wrap(c->fd);
	igt_assert(c->dev);
	c->batch = igt_osprey_bo_new(c->fd, BATCH_SIZE);
	c->data = igt_osprey_bo_new(c->fd, DATA_SIZE);
	igt_osprey_gem_set_label(c->fd, c->batch->handle, "hang-batch");
	igt_osprey_gem_set_label(c->fd, c->data->handle, "hang-data");
	igt_osprey_fill(c->batch->map, BATCH_SIZE, SEED_BATCH);
	igt_osprey_fill(c->data->map, DATA_SIZE, SEED_DATA);
	c->batch_va = va_start;
	c->data_va = va_start + DATA_OFF;
	igt_osprey_vm_map(c->fd, DRM_OSPREY_VM_DEFAULT, c->batch->handle, 0,
			  c->batch_va, BATCH_SIZE, 0);
	igt_osprey_vm_map(c->fd, DRM_OSPREY_VM_DEFAULT, c->data->handle, 0,
			  c->data_va, DATA_SIZE, 0);
	c->queue = igt_osprey_queue_create(c->fd, DRM_OSPREY_VM_DEFAULT,
					   DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
}

/* Closing the file frees the queue, the mappings and the buffers. */
static void hctx_fini(struct hctx *c)
{
	osp_dev_close(c->dev);
	igt_osprey_bo_free(c->batch);
	igt_osprey_bo_free(c->data);
	drm_close_driver(c->fd);
}

static volatile uint32_t *data_word(struct hctx *c, uint64_t off)
{
	igt_assert_lt_u64(off, DATA_SIZE);
	return (volatile uint32_t *)((char *)c->data->map + off);
}

static void cpu_write(volatile uint32_t *p, uint32_t value)
{
	__sync_synchronize();
	*p = value;
	__sync_synchronize();
}

/* Syncobjs and fences ---------------------------------------------------- */

static uint32_t syncobj_new(int file)
{
	uint32_t handle = 0;

	igt_assert_eq(drmSyncobjCreate(file, 0, &handle), 0);
	return handle;
}

static void syncobj_free(int file, uint32_t handle)
{
	igt_assert_eq(drmSyncobjDestroy(file, handle), 0);
}

/* The fence status: 1 signalled, 0 pending, or its error. */
static int fence_status(int file, uint32_t handle)
{
	struct osp_dev *dev = osp_dev_wrap(file);
	int status;

	igt_assert(dev);
	status = osp_syncobj_status(dev, handle, 0);
	osp_dev_close(dev);
	return status;
}

/* The longest a hang may take to be handled: the timeout and a margin. */
static unsigned int hang_wait_ms(void)
{
	return timeout_ms + 10000;
}

/* Wait for a job's fence, asserting that it signals; return its status. */
static int wait_fence(int file, uint32_t handle)
{
	int64_t deadline = igt_osprey_monotonic_ns() + hang_wait_ms() * 1000000ll;
	uint64_t point = 0;
	int ret, status;

	ret = drmSyncobjTimelineWait(file, &handle, &point, 1, deadline,
				     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL);
	igt_assert_f(ret == 0, "syncobj %u did not signal: %s\n", handle,
		     strerror(-ret));
	status = fence_status(file, handle);
	igt_assert_f(status != 0, "syncobj %u signalled, its fence is pending\n",
		     handle);
	return status;
}

static void submit_cs(int file, uint32_t queue, const struct igt_osprey_cs *cs,
		      const struct drm_osprey_sync *in, uint32_t in_count,
		      uint32_t out_handle)
{
	struct drm_osprey_sync out = { .handle = out_handle };

	igt_osprey_submit(file, queue, cs->va, igt_osprey_cs_bytes(cs), in,
			  in_count, out_handle ? &out : NULL, out_handle ? 1 : 0);
}

/* Jobs ------------------------------------------------------------------ */

/*
 * Write job @slot's batch, at byte @slot * BATCH_SLOT of the batch buffer:
 * it stores its marker, then hangs as @kind says, then (never) stores
 * AFTER_VALUE. Returns the VA of the instruction it hangs on.
 */
static uint64_t emit_hang(struct hctx *c, unsigned int slot, enum hang_kind kind,
			  struct igt_osprey_cs *cs)
{
	uint64_t off = slot * BATCH_SLOT, ip;

	igt_assert_lt_u64(off + BATCH_SLOT, BATCH_SIZE + 1);
	cpu_write(data_word(c, MARKER_OFF(slot)), 0);
	cpu_write(data_word(c, SEM_OFF(slot)), 0);
	cpu_write(data_word(c, AFTER_OFF(slot)), 0);
	igt_osprey_cs_init(cs, (char *)c->batch->map + off, c->batch_va + off,
			   BATCH_SLOT);
	igt_osprey_emit_store(cs, c->data_va + MARKER_OFF(slot), MARKER(slot));
	ip = igt_osprey_cs_next_va(cs);
	switch (kind) {
	case HANG_SEM_WAIT:
		igt_osprey_emit_sem_wait(cs, OSPREY_CMP_EQ,
					 c->data_va + SEM_OFF(slot), SEM_NEVER);
		break;
	case HANG_JUMP:
		igt_osprey_emit_jump(cs, ip);
		break;
	case HANG_LOCKUP:
		igt_osprey_emit_sem_wait(cs, OSPREY_CMP_EQ,
					 c->data_va + SEM_OFF(slot), 1);
		break;
	}
	igt_osprey_emit_store(cs, c->data_va + AFTER_OFF(slot), AFTER_VALUE);
	igt_osprey_emit_end(cs);
	__sync_synchronize();
	return ip;
}

/* Wait until job @slot has stored its marker: it is running. */
static void wait_running(struct hctx *c, unsigned int slot)
{
	igt_assert_f(igt_wait(*data_word(c, MARKER_OFF(slot)) == MARKER(slot),
			      hang_wait_ms(), 1),
		     "job %u never started: marker %#x\n", slot,
		     *data_word(c, MARKER_OFF(slot)));
}

/* A job that stores @value at @off of the data buffer. */
static void emit_store_job(struct hctx *c, unsigned int slot, uint64_t off,
			   uint32_t value, struct igt_osprey_cs *cs)
{
	igt_osprey_cs_init(cs, (char *)c->batch->map + slot * BATCH_SLOT,
			   c->batch_va + slot * BATCH_SLOT, BATCH_SLOT);
	igt_osprey_emit_store(cs, c->data_va + off, value);
	igt_osprey_emit_end(cs);
	__sync_synchronize();
}

/* Run a job that stores @value at @off on @queue of @c: its fence status. */
static int run_store(struct hctx *c, uint32_t queue, unsigned int slot,
		     uint64_t off, uint32_t value)
{
	uint32_t done = syncobj_new(c->fd);
	struct igt_osprey_cs cs;
	int status;

	cpu_write(data_word(c, off), 0);
	emit_store_job(c, slot, off, value, &cs);
	submit_cs(c->fd, queue, &cs, NULL, 0, done);
	status = wait_fence(c->fd, done);
	syncobj_free(c->fd, done);
	if (status == 1)
		igt_assert_eq_u32(*data_word(c, off), value);
	return status;
}

/**
 * struct side - a job that runs beside a hang: its own VM and buffer
 * @fd: its file (the hang's own file, or one of its own)
 * @own_fd: whether @fd is the side's
 * @vm: a VM of its own in @fd
 * @queue: a queue on @vm
 * @bo: one page: the batch, and the word it stores to at SIDE_WORD
 * @va: where @bo is mapped in @vm
 */
struct side {
	int fd;
	bool own_fd;
	uint32_t vm, queue;
	struct igt_osprey_bo *bo;
	uint64_t va;
};

#define SIDE_WORD 0x800

/* A side job in @file (-1: a new file of its own) with its buffer at @va. */
static void side_init(struct side *s, int file, uint64_t va)
{
	memset(s, 0, sizeof(*s));
	s->own_fd = file < 0;
	s->fd = s->own_fd ? drm_open_driver_render(DRIVER_OSPREY) : file;
	s->vm = igt_osprey_vm_create(s->fd);
	s->bo = igt_osprey_bo_new(s->fd, GPU_PAGE);
	s->va = va;
	igt_osprey_vm_map(s->fd, s->vm, s->bo->handle, 0, va, GPU_PAGE, 0);
	s->queue = igt_osprey_queue_create(s->fd, s->vm,
					   DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
}

/* Submit the side job storing @value, signalling a new syncobj it returns. */
static uint32_t side_submit(struct side *s, uint32_t value)
{
	volatile uint32_t *w = (uint32_t *)((char *)s->bo->map + SIDE_WORD);
	uint32_t done = syncobj_new(s->fd);
	struct igt_osprey_cs cs;

	cpu_write(w, 0);
	igt_osprey_cs_init(&cs, s->bo->map, s->va, SIDE_WORD);
	igt_osprey_emit_store(&cs, s->va + SIDE_WORD, value);
	igt_osprey_emit_end(&cs);
	__sync_synchronize();
	submit_cs(s->fd, s->queue, &cs, NULL, 0, done);
	return done;
}

/* Wait for a side job: it must complete and have stored @value. */
static void side_wait(struct side *s, uint32_t done, uint32_t value)
{
	igt_assert_eq(wait_fence(s->fd, done), 1);
	__sync_synchronize();
	igt_assert_eq_u32(*(volatile uint32_t *)((char *)s->bo->map + SIDE_WORD),
			  value);
	syncobj_free(s->fd, done);
}

static void side_run(struct side *s, uint32_t value)
{
	side_wait(s, side_submit(s, value), value);
}

static void side_fini(struct side *s)
{
	igt_osprey_queue_destroy(s->fd, s->queue);
	igt_osprey_vm_destroy(s->fd, s->vm);
	igt_osprey_bo_free(s->bo);
	if (s->own_fd)
		drm_close_driver(s->fd);
}

/* Queue state ------------------------------------------------------------- */

static void assert_queue_state(int file, uint32_t queue, uint32_t state,
			       uint32_t guilty, uint32_t innocent, uint32_t faults)
{
	struct drm_osprey_queue_get_state st;

	igt_osprey_queue_get_state(file, queue, &st);
	igt_info("queue %u: state %#x guilty %u innocent %u faults %u hang_limit %u\n",
		 queue, st.state, st.guilty, st.innocent, st.faults, st.hang_limit);
	igt_assert_eq_u32(st.queue_id, queue);
	igt_assert_eq_u32(st.state, state);
	igt_assert_eq_u32(st.guilty, guilty);
	igt_assert_eq_u32(st.innocent, innocent);
	igt_assert_eq_u32(st.faults, faults);
	igt_assert_eq_u32(st.hang_limit, hang_limit);
	igt_assert_eq_u32(st.flags, 0);
	igt_assert_eq_u32(st.pad, 0);
}

/* Dumps ----------------------------------------------------------------- */

/**
 * struct dump - a devcoredump of the device, read and parsed
 * @dir: its /sys/class/devcoredump/devcdN directory
 * @raw: its data (@len bytes)
 * @cd: @raw parsed
 */
struct dump {
	char dir[PATH_MAX];
	char *raw;
	size_t len;
	struct osp_coredump *cd;
};

static struct osp_coredump *parse_or_fail(const char *what, const void *raw,
					  size_t len)
{
	struct osp_coredump *cd = NULL;
	char err[512] = "";

	igt_assert_f(osp_coredump_parse(raw, len, &cd, err, sizeof(err)) == 0,
		     "%s does not parse: %s\n", what, err);
	igt_assert(cd);
	return cd;
}

/*
 * Wait (up to the timeout and a margin) for the device's devcoredump, which
 * must be the only one pending, and read it.
 */
static void dump_wait(struct dump *d)
{
	char path[PATH_MAX + 8];
	int count = 0;

	memset(d, 0, sizeof(*d));
	igt_assert_f(igt_wait((count = igt_osprey_devcoredump_find(device, d->dir,
								   sizeof(d->dir))) > 0,
			      hang_wait_ms(), 10),
		     "no devcoredump of %s within %u ms\n", device, hang_wait_ms());
	igt_assert_f(count == 1, "%d devcoredumps of %s pending\n", count, device);
	snprintf(path, sizeof(path), "%s/data", d->dir);
	d->raw = igt_osprey_read_file(path, &d->len);
	igt_assert_f(d->raw, "cannot read %s: %s\n", path, strerror(errno));
	igt_info("%s: %zu bytes\n", d->dir, d->len);
	d->cd = parse_or_fail(d->dir, d->raw, d->len);
	igt_assert_eq_u64(d->cd->size, d->len);
}

static void dump_free(struct dump *d)
{
	osp_coredump_free(d->cd);
	free(d->raw);
	d->cd = NULL;
	d->raw = NULL;
}

/* Dismiss the dump: its devcdN goes, and no other is pending. */
static void dump_dismiss(struct dump *d)
{
	int ret = igt_osprey_devcoredump_dismiss(d->dir);

	igt_assert_f(ret == 0, "dismissing %s: %s\n", d->dir, strerror(-ret));
	igt_assert_f(access(d->dir, F_OK) != 0, "%s is still there\n", d->dir);
	igt_assert_eq(igt_osprey_devcoredump_find(device, NULL, 0), 0);
	dump_free(d);
}

static const char *cd_str(const struct osp_coredump *cd, const char *section,
			  const char *key)
{
	const char *v = osp_coredump_value(cd, section, key);

	igt_assert_f(v, "the dump has no %s key in section %s\n", key, section);
	return v;
}

static uint64_t cd_u64(const struct osp_coredump *cd, const char *section,
		       const char *key)
{
	uint64_t v = 0;
	int ret = osp_coredump_u64(cd, section, key, &v);

	igt_assert_f(ret == 0, "%s: %s is not a number (%s)\n", section, key,
		     strerror(-ret));
	return v;
}

static void assert_cd_str(const struct osp_coredump *cd, const char *section,
			  const char *key, const char *expect)
{
	const char *v = cd_str(cd, section, key);

	igt_assert_f(!strcmp(v, expect), "%s: %s is \"%s\", expected \"%s\"\n",
		     section, key, v, expect);
}

/* A field of a name=value list, as a number. */
static uint64_t field_u64(const char *list, const char *name)
{
	char buf[64];
	uint64_t v = 0;

	igt_assert_f(osp_coredump_field(list, name, buf, sizeof(buf)) == 0,
		     "no field %s in \"%s\"\n", name, list);
	igt_assert_f(osp_coredump_parse_u64(buf, &v) == 0,
		     "field %s of \"%s\" is not a number\n", name, list);
	return v;
}

static void my_comm(char *buf, size_t len)
{
	char *comm = igt_osprey_read_file("/proc/self/comm", NULL);

	igt_assert(comm);
	comm[strcspn(comm, "\n")] = '\0';
	snprintf(buf, len, "%s", comm);
	free(comm);
}

/* The header's format, device and reason; its sequence number. */
static uint64_t check_header(const struct osp_coredump *cd, const char *reason,
			     const char *halted)
{
	uint64_t seq = cd_u64(cd, "header", "sequence");

	igt_info("dump %" PRIu64 ": reason %s, engine_halted %s\n", seq,
		 cd_str(cd, "header", "reason"), cd_str(cd, "header", "engine_halted"));
	igt_assert_eq_u64(cd_u64(cd, "header", "format"), 1);
	assert_cd_str(cd, "header", "reason", reason);
	assert_cd_str(cd, "header", "device", device);
	assert_cd_str(cd, "header", "truncated", "no");
	if (halted)
		assert_cd_str(cd, "header", "engine_halted", halted);
	igt_assert_lt_u64(0, seq);
	return seq;
}

/**
 * struct expect_job - what the dump's job section must say
 */
struct expect_job {
	int64_t pid;
	uint32_t queue;
	uint32_t vm;
	uint64_t batch_va;
	uint32_t batch_size;
	uint64_t ip;
};

static uint64_t reg64(const struct osp_coredump *cd, const char *lo, const char *hi)
{
	return cd_u64(cd, "registers", lo) | cd_u64(cd, "registers", hi) << 32;
}

/* The job section, the engine registers and the ring name the guilty job. */
static void check_job(const struct osp_coredump *cd, const struct expect_job *j)
{
	char comm[64];
	bool found = false;

	my_comm(comm, sizeof(comm));
	igt_info("job: pid %s comm \"%s\" queue %s vm %s batch_va %s ip %s\n",
		 cd_str(cd, "job", "pid"), cd_str(cd, "job", "comm"),
		 cd_str(cd, "job", "queue"), cd_str(cd, "job", "vm"),
		 cd_str(cd, "job", "batch_va"), cd_str(cd, "job", "ip"));
	assert_cd_str(cd, "job", "state", "running");
	igt_assert_eq_u64(cd_u64(cd, "job", "pid"), j->pid);
	assert_cd_str(cd, "job", "comm", comm);
	igt_assert_eq_u64(cd_u64(cd, "job", "queue"), j->queue);
	igt_assert_eq_u64(cd_u64(cd, "job", "vm"), j->vm);
	igt_assert_eq_u64(cd_u64(cd, "job", "batch_va"), j->batch_va);
	igt_assert_eq_u64(cd_u64(cd, "job", "batch_size"), j->batch_size);
	igt_assert_eq_u64(cd_u64(cd, "job", "ip"), j->ip);

	/* The registers, read at the capture, agree. */
	igt_assert_eq_u64(reg64(cd, "CURRENT_IP_LO", "CURRENT_IP_HI"), j->ip);
	igt_assert_eq_u64(reg64(cd, "CURRENT_BATCH_LO", "CURRENT_BATCH_HI"),
			  j->batch_va);

	/* The ring words dumped hold the job's BATCH packet. */
	igt_assert_lt_u64(0, cd->nring_words);
	for (size_t i = 0; i + 3 < cd->nring_words && !found; i++)
		found = cd->ring_words[i] == (0x02u << 24 | 4) &&
			cd->ring_words[i + 1] == (uint32_t)j->batch_va &&
			cd->ring_words[i + 2] == (uint32_t)(j->batch_va >> 32) &&
			cd->ring_words[i + 3] == j->batch_size;
	igt_assert_f(found, "no BATCH packet of %#" PRIx64 "+%u in the %zu ring words\n",
		     j->batch_va, j->batch_size, cd->nring_words);
}

static const struct osp_coredump_bo *find_bo(const struct osp_coredump *cd,
					     uint64_t va)
{
	for (size_t i = 0; i < cd->nbos; i++)
		if (cd->bos[i].va == va)
			return &cd->bos[i];
	igt_assert_f(false, "no bo section for VA %#" PRIx64 " (%zu bo sections)\n",
		     va, cd->nbos);
	return NULL;
}

/* A private buffer's section: every byte of it, as @expect says. */
static void check_bo(const struct osp_coredump *cd, uint64_t va, const char *label,
		     const char *role, int64_t owner, const void *expect,
		     uint64_t size)
{
	const struct osp_coredump_bo *bo = find_bo(cd, va);
	const uint8_t *want = expect;

	igt_info("bo %u at %#" PRIx64 ": label \"%s\" role %s size %" PRIu64
		 " captured %" PRIu64 " shared %s\n", bo->id, bo->va, bo->label,
		 bo->role, bo->size, bo->captured, bo->shared);
	igt_assert_f(!strcmp(bo->label, label), "bo label \"%s\", expected \"%s\"\n",
		     bo->label, label);
	igt_assert_f(!strcmp(bo->role, role), "bo role %s, expected %s\n", bo->role,
		     role);
	igt_assert_f(!strcmp(bo->shared, "no"), "bo shared %s\n", bo->shared);
	igt_assert_eq_u64(bo->owner_pid, owner);
	igt_assert_eq_u64(bo->size, size);
	igt_assert_eq_u64(bo->captured, size);
	igt_assert(!bo->truncated);
	igt_assert(bo->data);
	for (uint64_t i = 0; i < size; i++)
		igt_assert_f(bo->data[i] == want[i],
			     "bo at %#" PRIx64 ": byte %#" PRIx64 " is %#04x, expected %#04x\n",
			     va, i, bo->data[i], want[i]);
}

/* The fault section says there was none. */
static void check_no_fault(const struct osp_coredump *cd)
{
	assert_cd_str(cd, "fault", "status", "none");
	igt_assert(!osp_coredump_value(cd, "fault", "address"));
}

/* Every mapping of the guilty VM is listed, at the given VAs. */
static void check_mappings(const struct osp_coredump *cd, const uint64_t *vas,
			   unsigned int count)
{
	const char *maps[16];
	size_t n = osp_coredump_values(cd, "mappings", "map", maps, 16);

	igt_assert_eq_u64(cd_u64(cd, "mappings", "count"), count);
	igt_assert_eq_u64(n, count);
	for (unsigned int i = 0; i < count; i++) {
		bool found = false;

		for (size_t m = 0; m < n && !found; m++)
			found = field_u64(maps[m], "va") == vas[i];
		igt_assert_f(found, "no map line for VA %#" PRIx64 "\n", vas[i]);
	}
}

/* The dump's jobs section lists a queued job of @batch_va for @pid. */
static void check_queued_job(const struct osp_coredump *cd, uint64_t batch_va,
			     uint32_t queue, uint32_t vm, int64_t pid)
{
	const char *jobs[32];
	size_t n = osp_coredump_values(cd, "jobs", "job", jobs, 32);
	char state[32];

	for (size_t i = 0; i < n && i < 32; i++) {
		if (field_u64(jobs[i], "batch_va") != batch_va)
			continue;
		igt_info("queued job: %s\n", jobs[i]);
		igt_assert_eq_u64(field_u64(jobs[i], "queue"), queue);
		igt_assert_eq_u64(field_u64(jobs[i], "vm"), vm);
		igt_assert_eq_u64(field_u64(jobs[i], "pid"), pid);
		igt_assert_eq(osp_coredump_field(jobs[i], "state", state,
						 sizeof(state)), 0);
		igt_assert_f(!strcmp(state, "queued"), "job state %s\n", state);
		return;
	}
	igt_assert_f(false, "the jobs section (%zu jobs) does not list batch %#" PRIx64 "\n",
		     n, batch_va);
}

/* The newest dump debugfs keeps, 0 for none. */
static uint64_t newest_kept(const struct igt_osprey_coredump_stats *stats)
{
	return stats->nkept ? stats->kept[stats->nkept - 1] : 0;
}

/*
 * Wait until coredump_stats has counted one more capture since @before,
 * published (or lost, with @lost) and kept as its newest dump; return that
 * dump's sequence number. (The counts and the kept list are updated one
 * after the other: poll until both say so.)
 */
static uint64_t wait_stats(const struct igt_osprey_coredump_stats *before,
			   bool lost, struct igt_osprey_coredump_stats *after)
{
	bool ok = igt_wait((igt_osprey_coredump_stats(fd, after),
			    after->captured == before->captured + 1 &&
			    after->published == before->published + !lost &&
			    after->lost == before->lost + lost &&
			    newest_kept(after) > newest_kept(before)),
			   hang_wait_ms(), 10);

	igt_assert_f(ok, "coredump_stats: captured %" PRIu64 " published %" PRIu64
		     " lost %" PRIu64 " failed %" PRIu64 ", before %" PRIu64 "/%" PRIu64
		     "/%" PRIu64 "/%" PRIu64 ", newest kept %" PRIu64 " (before %" PRIu64
		     "); expected one more %s and kept\n",
		     after->captured, after->published, after->lost, after->failed,
		     before->captured, before->published, before->lost,
		     before->failed, newest_kept(after), newest_kept(before),
		     lost ? "lost" : "published");
	igt_assert_eq_u64(after->failed, before->failed);
	igt_assert_lt_u32(0, after->nkept);
	igt_assert_lte_u32(after->nkept, coredump_history);
	return after->kept[after->nkept - 1];
}

/* Subtests ----------------------------------------------------------------- */

/* Each subtest starts with no dump pending and the model's lockup clear. */
static void subtest_begin(void)
{
	int left;

	igt_osprey_sim_lockup(fd, false);
	left = igt_osprey_devcoredump_dismiss_all(NULL);
	if (left)
		igt_info("dismissed %d devcoredump(s) left behind\n", left);
}

/* ... and leaves none behind. */
static void subtest_end(void)
{
	igt_assert_eq(igt_osprey_devcoredump_find(NULL, NULL, 0), 0);
}

/*
 * A hang of the given kind: the job fails with -ETIMEDOUT; a dump names it
 * (pid, queue, batch, instruction) and holds its buffers' bytes; jobs of
 * another queue and another file submitted during the hang complete, and
 * so do jobs submitted after it; dismissing the dump removes it.
 */
static void test_hang(enum hang_kind kind)
{
	static const char * const reasons[] = {
		[HANG_SEM_WAIT] = "timeout", [HANG_JUMP] = "timeout",
		[HANG_LOCKUP] = "lockup-injection",
	};
	struct igt_osprey_coredump_stats s0, s1;
	uint32_t s_hang, s_same, s_other;
	struct igt_osprey_cs cs;
	struct side same, other;
	uint8_t *batch, *data;
	uint64_t ip, seq;
	struct dump d;
	struct hctx c;

	hctx_init(&c);
	side_init(&same, c.fd, va_start + SIDE_OFF);
	side_init(&other, -1, va_start + 2 * SIDE_OFF);
	igt_osprey_coredump_stats(fd, &s0);

	ip = emit_hang(&c, 0, kind, &cs);
	s_hang = syncobj_new(c.fd);
	submit_cs(c.fd, c.queue, &cs, NULL, 0, s_hang);
	wait_running(&c, 0);
	if (kind == HANG_LOCKUP) {
		/* Lock the engine up, then release the semaphore: no matter. */
		igt_assert_eq(igt_osprey_sim_lockup(fd, true), 0);
		usleep(50 * 1000);
		cpu_write(data_word(&c, SEM_OFF(0)), 1);
	}
	/* Jobs of another queue and of another file, behind the hang. */
	s_same = side_submit(&same, 0x5a3e);
	s_other = side_submit(&other, 0x07e4);

	/* What the dump must hold: the buffers as they are now. */
	batch = malloc(BATCH_SIZE);
	data = malloc(DATA_SIZE);
	igt_assert(batch && data);
	__sync_synchronize();
	memcpy(batch, c.batch->map, BATCH_SIZE);
	memcpy(data, c.data->map, DATA_SIZE);

	igt_assert_eq(wait_fence(c.fd, s_hang), -ETIMEDOUT);
	side_wait(&same, s_same, 0x5a3e);
	side_wait(&other, s_other, 0x07e4);
	/* The hung job was abandoned where it hung. */
	igt_assert_eq_u32(*data_word(&c, AFTER_OFF(0)), 0);

	dump_wait(&d);
	seq = check_header(d.cd, reasons[kind], kind == HANG_LOCKUP ? "no" : "yes");
	/*
	 * The job ran about the timeout before the capture; half of it as the
	 * bound, because a full-suite run on a loaded host once saw 416 ms for
	 * a 500 ms timeout (the scheduler's timer is in jiffies, the dump's
	 * clock is boottime).
	 */
	igt_assert_lte_u64(timeout_ms / 2, cd_u64(d.cd, "job", "runtime_ms"));
	check_job(d.cd, &(struct expect_job){
		.pid = getpid(), .queue = c.queue, .vm = DRM_OSPREY_VM_DEFAULT,
		.batch_va = cs.va, .batch_size = igt_osprey_cs_bytes(&cs), .ip = ip,
	});
	check_no_fault(d.cd);
	check_mappings(d.cd, (uint64_t[]){ c.batch_va, c.data_va }, 2);
	igt_assert_eq_u64(d.cd->nbos, 2);
	igt_assert_eq_u64(d.cd->bos[0].va, c.batch_va);
	check_bo(d.cd, c.batch_va, "hang-batch", "batch", getpid(), batch, BATCH_SIZE);
	check_bo(d.cd, c.data_va, "hang-data", "buffer", getpid(), data, DATA_SIZE);
	igt_assert_eq_u64(cd_u64(d.cd, "jobs", "count"), 2);
	check_queued_job(d.cd, same.va, same.queue, same.vm, getpid());
	check_queued_job(d.cd, other.va, other.queue, other.vm, getpid());
	igt_assert_eq_u64(cd_u64(d.cd, "skipped", "count"), 0);
	if (kind == HANG_LOCKUP) {
		char path[PATH_MAX], *knob;

		igt_assert_eq_u64(cd_u64(d.cd, "registers", "DEBUG_STATUS"), 1);
		/* The reset cleared the injected lockup. */
		snprintf(path, sizeof(path), "%s/osprey_sim/%s/lockup",
			 igt_debugfs_mount(), device);
		knob = igt_osprey_read_file(path, NULL);
		igt_assert(knob);
		igt_assert_eq(atoi(knob), 0);
		free(knob);
	} else {
		igt_assert_eq_u64(cd_u64(d.cd, "registers", "DEBUG_STATUS"), 0);
	}
	igt_assert_eq_u64(wait_stats(&s0, false, &s1), seq);
	dump_dismiss(&d);

	/* After the reset every queue runs jobs, the guilty one too. */
	side_run(&same, 0x5a3f);
	side_run(&other, 0x07e5);
	igt_assert_eq(run_store(&c, c.queue, 1, AFTER_OFF(1), 0xa5), 1);
	igt_assert_eq(igt_osprey_devcoredump_find(device, NULL, 0), 0);

	free(batch);
	free(data);
	syncobj_free(c.fd, s_hang);
	side_fini(&other);
	side_fini(&same);
	hctx_fini(&c);
}

/*
 * The page-table walk of a fault address, as the dump's fault section has
 * it: @levels lines, of which the first @valid_levels have VALID entries.
 */
static void check_walk(const struct osp_coredump *cd, uint64_t va,
		       unsigned int levels, unsigned int valid_levels,
		       bool writable)
{
	static const char * const keys[] = { "l0", "l1", "l2" };

	for (unsigned int l = 0; l < 3; l++) {
		const char *lines[4];
		size_t n = osp_coredump_values(cd, "fault", keys[l], lines, 4);
		uint64_t entry;

		if (l >= levels) {
			igt_assert_f(n == 0, "the walk of %#" PRIx64 " has an %s line\n",
				     va, keys[l]);
			continue;
		}
		igt_assert_f(n == 1, "the walk of %#" PRIx64 " has %zu %s lines\n", va, n,
			     keys[l]);
		igt_info("%s: %s\n", keys[l], lines[0]);
		igt_assert_eq_u64(field_u64(lines[0], "index"),
				  (va >> (30 - 9 * l)) & 0x1ff);
		entry = field_u64(lines[0], "entry");
		igt_assert_eq_u64(entry & 1, l < valid_levels);	/* VALID */
		if (l == 2 && l < valid_levels)
			igt_assert_eq_u64(!!(entry & 2), writable);	/* WRITE */
	}
}

/*
 * Faults and invalid instructions: the job's fence has the error at once,
 * a dump with that reason names the address (and, for a fault, walks the
 * page tables) without a reset, and the queue counts a fault, not a hang.
 */
static void test_fault_dump(void)
{
	struct igt_osprey_coredump_stats s0, s1;
	struct igt_osprey_bo *ro;
	uint64_t ro_va, far_va;
	struct hctx c;
	const struct {
		const char *what, *status, *access;
		unsigned int levels, valid_levels;
	} cases[] = {
		{ "STORE next to a mapping", "translation", "write", 3, 2 },
		{ "COPY from an unmapped GiB", "translation", "read", 1, 0 },
		{ "STORE to a read-only mapping", "permission", "write", 3, 3 },
		{ "an invalid instruction", "invalid-insn", "fetch", 0, 0 },
	};

	hctx_init(&c);
	ro = igt_osprey_bo_new(c.fd, GPU_PAGE);
	igt_osprey_gem_set_label(c.fd, ro->handle, "hang-ro");
	ro_va = c.data_va + DATA_SIZE + 16 * GPU_PAGE;
	igt_osprey_vm_map(c.fd, DRM_OSPREY_VM_DEFAULT, ro->handle, 0, ro_va, GPU_PAGE,
			  DRM_OSPREY_VM_BIND_READONLY);
	/* Two GiB past the buffers: another L0 entry, which maps nothing. */
	far_va = ALIGN(va_start, 1ull << 30) + (2ull << 30) + 0x80;
	igt_require(far_va + GPU_PAGE <= va_end);
	/* The first case's address shares the data buffer's L2 table. */
	igt_assert_eq_u64((c.data_va + DATA_SIZE) >> 21, c.data_va >> 21);

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		bool invalid = !strcmp(cases[i].status, "invalid-insn");
		uint32_t s_bad = syncobj_new(c.fd);
		struct igt_osprey_cs cs;
		uint64_t insn_va, addr = 0, seq;
		uint8_t *batch;
		struct dump d;

		igt_info("fault: %s\n", cases[i].what);
		igt_osprey_coredump_stats(fd, &s0);
		igt_osprey_cs_init(&cs, (char *)c.batch->map + i * BATCH_SLOT,
				   c.batch_va + i * BATCH_SLOT, BATCH_SLOT);
		igt_osprey_emit_store(&cs, c.data_va + MARKER_OFF(i), MARKER(i));
		insn_va = igt_osprey_cs_next_va(&cs);
		switch (i) {
		case 0:
			addr = c.data_va + DATA_SIZE + 0x44;
			igt_osprey_emit_store(&cs, addr, 1);
			break;
		case 1:
			addr = far_va;
			igt_osprey_emit_copy(&cs, c.data_va + 0x1000, addr, 64);
			break;
		case 2:
			addr = ro_va + 0x10;
			igt_osprey_emit_store(&cs, addr, 1);
			break;
		case 3:
			addr = insn_va;
			igt_osprey_emit_words(&cs, (uint32_t[]){
				osprey_insn_header(0x0b, 0, 1) }, 1);
			break;
		}
		igt_osprey_emit_store(&cs, c.data_va + AFTER_OFF(i), AFTER_VALUE);
		igt_osprey_emit_end(&cs);
		cpu_write(data_word(&c, AFTER_OFF(i)), 0);
		batch = malloc(BATCH_SIZE);
		igt_assert(batch);
		memcpy(batch, c.batch->map, BATCH_SIZE);

		submit_cs(c.fd, c.queue, &cs, NULL, 0, s_bad);
		igt_assert_eq(wait_fence(c.fd, s_bad), invalid ? -EINVAL : -EFAULT);
		igt_assert_eq_u32(*data_word(&c, MARKER_OFF(i)), MARKER(i));
		igt_assert_eq_u32(*data_word(&c, AFTER_OFF(i)), 0);

		dump_wait(&d);
		seq = check_header(d.cd, invalid ? "invalid-instruction" : "fault",
				   "error");
		check_job(d.cd, &(struct expect_job){
			.pid = getpid(), .queue = c.queue, .vm = DRM_OSPREY_VM_DEFAULT,
			.batch_va = cs.va, .batch_size = igt_osprey_cs_bytes(&cs),
			.ip = insn_va,
		});
		assert_cd_str(d.cd, "fault", "status", cases[i].status);
		assert_cd_str(d.cd, "fault", "access", cases[i].access);
		igt_assert_eq_u64(cd_u64(d.cd, "fault", "address"), addr);
		igt_assert_lt_u64(cd_u64(d.cd, "fault", "as"), OSPREY_NUM_AS);
		check_walk(d.cd, addr, cases[i].levels, cases[i].valid_levels, false);
		igt_assert_eq_u64(d.cd->nbos, 3);
		check_bo(d.cd, c.batch_va, "hang-batch", "batch", getpid(), batch,
			 BATCH_SIZE);
		igt_assert_eq_u64(wait_stats(&s0, false, &s1), seq);
		dump_dismiss(&d);
		free(batch);
		syncobj_free(c.fd, s_bad);

		/* No reset, no hang counted: a fault of the queue's. */
		assert_queue_state(c.fd, c.queue, 0, 0, 0, i + 1);
		igt_assert_eq(run_store(&c, c.queue, 8, AFTER_OFF(8), i + 1), 1);
	}
	igt_osprey_bo_free(ro);
	hctx_fini(&c);
}

#define SMALL_BUDGET (256 * 1024ull)
#define BIG_SIZE (1024 * 1024ull)

static void write_param(const char *name, const char *value)
{
	char path[128];
	int file;

	snprintf(path, sizeof(path), PARAM_DIR "/%s", name);
	file = open(path, O_WRONLY | O_CLOEXEC);
	igt_assert_f(file >= 0, "%s: %s\n", path, strerror(errno));
	igt_assert_eq(write(file, value, strlen(value)), (ssize_t)strlen(value));
	close(file);
}

/*
 * With coredump_budget at its smallest, a fault with a 1 MiB buffer mapped
 * gives a dump within the budget that says what it left out: the batch
 * and the 64 KiB buffer whole (smallest first), the 1 MiB one cut short
 * and marked, the header truncated.
 */
static void test_budget(void)
{
	const struct osp_coredump_bo *bo;
	char old[32], small[32], *saved;
	struct igt_osprey_bo *big;
	struct igt_osprey_cs cs;
	struct hctx c;
	uint32_t s_bad;
	uint64_t big_va;
	struct dump d;
	uint8_t *batch;

	saved = igt_osprey_read_file(PARAM_DIR "/coredump_budget", NULL);
	igt_assert(saved);
	snprintf(old, sizeof(old), "%s", saved);
	free(saved);
	snprintf(small, sizeof(small), "%llu", SMALL_BUDGET);
	write_param("coredump_budget", small);

	hctx_init(&c);
	big = igt_osprey_bo_new(c.fd, BIG_SIZE);
	igt_osprey_gem_set_label(c.fd, big->handle, "hang-big");
	igt_osprey_fill(big->map, BIG_SIZE, 0xb16);
	big_va = c.data_va + 2 * DATA_SIZE;
	igt_osprey_vm_map(c.fd, DRM_OSPREY_VM_DEFAULT, big->handle, 0, big_va,
			  BIG_SIZE, 0);

	igt_osprey_cs_init(&cs, c.batch->map, c.batch_va, BATCH_SLOT);
	igt_osprey_emit_store(&cs, big_va + BIG_SIZE + GPU_PAGE, 1);
	igt_osprey_emit_end(&cs);
	batch = malloc(BATCH_SIZE);
	igt_assert(batch);
	memcpy(batch, c.batch->map, BATCH_SIZE);
	s_bad = syncobj_new(c.fd);
	submit_cs(c.fd, c.queue, &cs, NULL, 0, s_bad);
	igt_assert_eq(wait_fence(c.fd, s_bad), -EFAULT);

	dump_wait(&d);
	igt_info("dump of %zu bytes under a budget of %llu\n", d.len, SMALL_BUDGET);
	igt_assert_lte_u64(d.len, SMALL_BUDGET);
	igt_assert_eq_u64(cd_u64(d.cd, "header", "budget"), SMALL_BUDGET);
	assert_cd_str(d.cd, "header", "truncated", "yes");
	igt_assert_eq_u64(d.cd->nbos, 3);
	/* Batch first, then the smaller buffer: both whole. */
	igt_assert_eq_u64(d.cd->bos[0].va, c.batch_va);
	igt_assert_eq_u64(d.cd->bos[1].va, c.data_va);
	igt_assert_eq_u64(d.cd->bos[2].va, big_va);
	igt_assert_eq_u64(d.cd->bos[0].captured, BATCH_SIZE);
	igt_assert_eq_u64(d.cd->bos[1].captured, DATA_SIZE);
	igt_assert(!memcmp(d.cd->bos[0].data, batch, BATCH_SIZE));
	/* The big one: a head of it, marked. */
	bo = find_bo(d.cd, big_va);
	igt_info("big buffer: %" PRIu64 " of %" PRIu64 " bytes captured\n",
		 bo->captured, bo->size);
	igt_assert(bo->truncated);
	igt_assert_lt_u64(0, bo->captured);
	igt_assert_lt_u64(bo->captured, BIG_SIZE);
	igt_assert(!memcmp(bo->data, big->map, bo->captured));
	dump_dismiss(&d);

	write_param("coredump_budget", old);
	free(batch);
	syncobj_free(c.fd, s_bad);
	igt_osprey_bo_free(big);
	hctx_fini(&c);
}

/* Split the debugfs coredumps file into its dumps, oldest first. */
static unsigned int parse_ring(const char *text, size_t len,
			       struct osp_coredump **dumps, unsigned int max)
{
	unsigned int n = 0;
	size_t off = 0;

	while (off < len) {
		char what[64];

		igt_assert_f(n < max, "more than %u dumps in debugfs coredumps\n", max);
		snprintf(what, sizeof(what), "debugfs coredumps at byte %zu", off);
		dumps[n] = parse_or_fail(what, text + off, len - off);
		igt_assert_lt_u64(0, dumps[n]->size);
		off += dumps[n]->size;
		n++;
	}
	return n;
}

/*
 * A second hang while the first one's dump is pending: it is not
 * published (lost), but debugfs keeps it, whole and findable by its
 * sequence number.
 */
static void test_lost_while_pending(void)
{
	struct igt_osprey_coredump_stats s0, s1, s2;
	struct osp_coredump *ring[64], *second = NULL, *first_kept = NULL;
	struct igt_osprey_cs cs1, cs2;
	uint64_t ip1, ip2, seq1, seq2;
	char dir[PATH_MAX];
	uint32_t s_hang;
	unsigned int n;
	struct dump d;
	struct hctx c;
	size_t len;
	char *text;

	hctx_init(&c);
	igt_osprey_coredump_stats(fd, &s0);

	ip1 = emit_hang(&c, 0, HANG_SEM_WAIT, &cs1);
	s_hang = syncobj_new(c.fd);
	submit_cs(c.fd, c.queue, &cs1, NULL, 0, s_hang);
	igt_assert_eq(wait_fence(c.fd, s_hang), -ETIMEDOUT);
	dump_wait(&d);
	seq1 = check_header(d.cd, "timeout", "yes");
	igt_assert_eq_u64(cd_u64(d.cd, "job", "ip"), ip1);
	igt_assert_eq_u64(wait_stats(&s0, false, &s1), seq1);

	/* The second hang, with the first dump still pending. */
	ip2 = emit_hang(&c, 1, HANG_JUMP, &cs2);
	submit_cs(c.fd, c.queue, &cs2, NULL, 0, s_hang);
	igt_assert_eq(wait_fence(c.fd, s_hang), -ETIMEDOUT);
	seq2 = wait_stats(&s1, true, &s2);
	igt_info("first dump %" PRIu64 " pending, second %" PRIu64 " lost\n",
		 seq1, seq2);
	igt_assert_lt_u64(seq1, seq2);
	/* Only the first one is pending. */
	igt_assert_eq(igt_osprey_devcoredump_find(device, dir, sizeof(dir)), 1);
	igt_assert_f(!strcmp(dir, d.dir), "pending: %s, expected %s\n", dir, d.dir);

	/* debugfs keeps both: the ring is the kept list, in its order. */
	text = igt_osprey_debugfs_read_all(fd, "coredumps");
	igt_assert_f(text, "cannot read debugfs coredumps: %s\n", strerror(errno));
	len = strlen(text);
	n = parse_ring(text, len, ring, ARRAY_SIZE(ring));
	igt_assert_eq_u32(n, s2.nkept);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t seq = cd_u64(ring[i], "header", "sequence");

		igt_assert_eq_u64(seq, s2.kept[i]);
		if (seq == seq2)
			second = ring[i];
		if (seq == seq1)
			first_kept = ring[i];
	}
	igt_assert_f(second, "dump %" PRIu64 " is not in debugfs coredumps\n", seq2);
	check_header(second, "timeout", "yes");
	check_job(second, &(struct expect_job){
		.pid = getpid(), .queue = c.queue, .vm = DRM_OSPREY_VM_DEFAULT,
		.batch_va = cs2.va, .batch_size = igt_osprey_cs_bytes(&cs2), .ip = ip2,
	});
	igt_assert_eq_u64(second->nbos, 2);
	/* The published dump is the one debugfs keeps, byte for byte. */
	if (coredump_history >= 2) {
		igt_assert_f(first_kept, "dump %" PRIu64 " is not in debugfs coredumps\n",
			     seq1);
		igt_assert_eq_u64(first_kept->size, d.len);
		igt_assert(!memcmp(first_kept->raw, d.raw, d.len));
	}
	for (unsigned int i = 0; i < n; i++)
		osp_coredump_free(ring[i]);
	free(text);
	dump_dismiss(&d);

	/* With none pending, the next one is published again. */
	igt_assert_eq(igt_osprey_coredump_capture(fd), 0);
	dump_wait(&d);
	igt_assert_lt_u64(seq2, check_header(d.cd, "manual", NULL));
	dump_dismiss(&d);

	syncobj_free(c.fd, s_hang);
	hctx_fini(&c);
}

/*
 * hang_limit hangs of a queue ban it: SUBMIT fails with -EIO and its jobs
 * that had not started are cancelled; the file's other queues go on.
 *
 * The job left behind the last hang waits for a fence no engine holds,
 * signalled after the ban, so that it cannot have been written to the
 * engine before (a job already on the engine behind a hang is innocent and
 * runs again).
 */
static void test_ban(void)
{
	struct drm_osprey_queue_get_state st;
	struct drm_osprey_submit submit;
	struct igt_osprey_cs cs, after;
	uint32_t q2, s_hang, s_gated;
	struct drm_osprey_sync in, out;
	struct igt_osprey_gate gate;
	struct hctx c;

	igt_osprey_gate_open(&gate);
	hctx_init(&c);
	q2 = igt_osprey_queue_create(c.fd, DRM_OSPREY_VM_DEFAULT,
				     DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	/* The module parameter (read in the fixture) is what the ioctl says. */
	igt_osprey_queue_get_state(c.fd, c.queue, &st);
	igt_assert_eq_u32(st.hang_limit, hang_limit);
	igt_require_f(hang_limit > 0 && hang_limit <= 8, "hang_limit %u\n", hang_limit);

	s_hang = syncobj_new(c.fd);
	s_gated = syncobj_new(c.fd);
	for (unsigned int i = 1; i <= hang_limit; i++) {
		bool last = i == hang_limit;
		struct dump d;

		emit_hang(&c, i, HANG_SEM_WAIT, &cs);
		submit_cs(c.fd, c.queue, &cs, NULL, 0, s_hang);
		if (last) {
			/* A job behind it that cannot start yet. */
			emit_store_job(&c, 0, AFTER_OFF(0), 0xca, &after);
			cpu_write(data_word(&c, AFTER_OFF(0)), 0);
			in = (struct drm_osprey_sync){
				.handle = igt_osprey_gate_syncobj(&gate, c.fd),
			};
			submit_cs(c.fd, c.queue, &after, &in, 1, s_gated);
			syncobj_free(c.fd, in.handle);
		}
		igt_assert_eq(wait_fence(c.fd, s_hang), -ETIMEDOUT);
		dump_wait(&d);
		check_header(d.cd, "timeout", "yes");
		igt_assert_eq_u64(cd_u64(d.cd, "job", "batch_va"), cs.va);
		dump_dismiss(&d);

		assert_queue_state(c.fd, c.queue,
				   DRM_OSPREY_QUEUE_STATE_GUILTY |
				   (last ? DRM_OSPREY_QUEUE_STATE_BANNED : 0), i, 0, 0);
		if (!last)
			igt_assert_eq(run_store(&c, c.queue, 0, AFTER_OFF(0), i), 1);
	}
	/* The job that had not started is cancelled, and never runs. */
	igt_assert_eq(fence_status(c.fd, s_gated), 0);
	igt_osprey_gate_signal(&gate);
	igt_assert_eq(wait_fence(c.fd, s_gated), -ECANCELED);
	igt_assert_eq_u32(*data_word(&c, AFTER_OFF(0)), 0);

	/* A banned queue takes no more jobs, and its state stays. */
	out = (struct drm_osprey_sync){ .handle = s_gated };
	submit = (struct drm_osprey_submit){
		.queue_id = c.queue, .batch_va = after.va,
		.batch_size = igt_osprey_cs_bytes(&after),
		.out_sync_count = 1, .out_syncs = to_user_pointer(&out),
	};
	for (int i = 0; i < 3; i++)
		igt_assert_eq(__igt_osprey_submit(c.fd, &submit), -EIO);
	assert_queue_state(c.fd, c.queue,
			   DRM_OSPREY_QUEUE_STATE_GUILTY | DRM_OSPREY_QUEUE_STATE_BANNED,
			   hang_limit, 0, 0);

	/* The file's other queue is not banned. */
	igt_assert_eq(run_store(&c, q2, 0, AFTER_OFF(0), 0x9e), 1);
	assert_queue_state(c.fd, q2, 0, 0, 0, 0);
	/* Nor is a new queue; and the banned one can still be destroyed. */
	igt_osprey_queue_destroy(c.fd, c.queue);
	c.queue = igt_osprey_queue_create(c.fd, DRM_OSPREY_VM_DEFAULT,
					  DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	igt_assert_eq(run_store(&c, c.queue, 0, AFTER_OFF(0), 0x9f), 1);
	assert_queue_state(c.fd, c.queue, 0, 0, 0, 0);

	syncobj_free(c.fd, s_gated);
	syncobj_free(c.fd, s_hang);
	hctx_fini(&c);
	igt_osprey_gate_close(&gate);
}

/*
 * QUEUE_GET_STATE of a guilty queue, of innocent queues (another VM of the
 * same file, another file) whose jobs were on the engine behind the hang,
 * of a queue whose job faulted, and of an idle one.
 */
static void test_queue_state(void)
{
	uint32_t s_hang, s_same, s_other, idle, faulty, s_fault;
	struct igt_osprey_cs cs;
	struct side same, other;
	struct dump d;
	struct hctx c;

	hctx_init(&c);
	side_init(&same, c.fd, va_start + SIDE_OFF);
	side_init(&other, -1, va_start + 2 * SIDE_OFF);
	idle = igt_osprey_queue_create(c.fd, DRM_OSPREY_VM_DEFAULT,
				       DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	faulty = igt_osprey_queue_create(c.fd, DRM_OSPREY_VM_DEFAULT,
					 DRM_OSPREY_QUEUE_PRIORITY_LOW);

	/* Fresh queues: nothing happened to them. */
	assert_queue_state(c.fd, c.queue, 0, 0, 0, 0);
	assert_queue_state(c.fd, same.queue, 0, 0, 0, 0);
	assert_queue_state(other.fd, other.queue, 0, 0, 0, 0);

	/* A fault is counted, and is not a hang. */
	igt_osprey_cs_init(&cs, (char *)c.batch->map + 3 * BATCH_SLOT,
			   c.batch_va + 3 * BATCH_SLOT, BATCH_SLOT);
	igt_osprey_emit_store(&cs, va_end - GPU_PAGE, 1);
	igt_osprey_emit_end(&cs);
	s_fault = syncobj_new(c.fd);
	submit_cs(c.fd, faulty, &cs, NULL, 0, s_fault);
	igt_assert_eq(wait_fence(c.fd, s_fault), -EFAULT);
	dump_wait(&d);
	check_header(d.cd, "fault", "error");
	dump_dismiss(&d);
	assert_queue_state(c.fd, faulty, 0, 0, 0, 1);

	/* A hang, with jobs of two other queues on the engine behind it. */
	emit_hang(&c, 0, HANG_SEM_WAIT, &cs);
	s_hang = syncobj_new(c.fd);
	submit_cs(c.fd, c.queue, &cs, NULL, 0, s_hang);
	wait_running(&c, 0);
	s_same = side_submit(&same, 1);
	s_other = side_submit(&other, 2);
	igt_assert_eq(wait_fence(c.fd, s_hang), -ETIMEDOUT);
	side_wait(&same, s_same, 1);
	side_wait(&other, s_other, 2);
	dump_wait(&d);
	check_header(d.cd, "timeout", "yes");
	dump_dismiss(&d);

	assert_queue_state(c.fd, c.queue, DRM_OSPREY_QUEUE_STATE_GUILTY, 1, 0, 0);
	assert_queue_state(c.fd, same.queue, DRM_OSPREY_QUEUE_STATE_INNOCENT, 0, 1, 0);
	assert_queue_state(other.fd, other.queue, DRM_OSPREY_QUEUE_STATE_INNOCENT,
			   0, 1, 0);
	assert_queue_state(c.fd, faulty, 0, 0, 0, 1);
	assert_queue_state(c.fd, idle, 0, 0, 0, 0);

	/* The counts cover the queue's life: more jobs change nothing. */
	side_run(&same, 3);
	igt_assert_eq(run_store(&c, c.queue, 1, AFTER_OFF(1), 4), 1);
	assert_queue_state(c.fd, c.queue, DRM_OSPREY_QUEUE_STATE_GUILTY, 1, 0, 0);
	assert_queue_state(c.fd, same.queue, DRM_OSPREY_QUEUE_STATE_INNOCENT, 0, 1, 0);

	syncobj_free(c.fd, s_hang);
	syncobj_free(c.fd, s_fault);
	side_fini(&other);
	side_fini(&same);
	hctx_fini(&c);
}

/*
 * A job of the guilty queue itself, on the engine behind its hung job: it
 * runs again after the reset and completes, and the queue is guilty of the
 * hang, not also innocent of it (innocent counts resets caused by another
 * queue's job).
 */
static void test_same_queue_behind(void)
{
	uint32_t s_hang, s_next;
	struct igt_osprey_cs cs, next;
	struct dump d;
	struct hctx c;

	hctx_init(&c);
	emit_hang(&c, 0, HANG_SEM_WAIT, &cs);
	emit_store_job(&c, 1, AFTER_OFF(1), 0x4e47, &next);
	cpu_write(data_word(&c, AFTER_OFF(1)), 0);
	s_hang = syncobj_new(c.fd);
	s_next = syncobj_new(c.fd);
	submit_cs(c.fd, c.queue, &cs, NULL, 0, s_hang);
	submit_cs(c.fd, c.queue, &next, NULL, 0, s_next);
	wait_running(&c, 0);

	igt_assert_eq(wait_fence(c.fd, s_hang), -ETIMEDOUT);
	igt_assert_eq(wait_fence(c.fd, s_next), 1);
	igt_assert_eq_u32(*data_word(&c, AFTER_OFF(1)), 0x4e47);
	dump_wait(&d);
	check_header(d.cd, "timeout", "yes");
	igt_assert_eq_u64(cd_u64(d.cd, "job", "batch_va"), cs.va);
	/* On the engine behind it, or not yet: either way not the guilty one. */
	igt_assert_lte_u64(cd_u64(d.cd, "jobs", "count"), 1);
	dump_dismiss(&d);
	assert_queue_state(c.fd, c.queue, DRM_OSPREY_QUEUE_STATE_GUILTY, 1, 0, 0);

	syncobj_free(c.fd, s_next);
	syncobj_free(c.fd, s_hang);
	hctx_fini(&c);
}

/* QUEUE_GET_STATE's errors: unknown queues, flags and pad. */
static void test_queue_state_errors(void)
{
	struct drm_osprey_queue_get_state st;
	uint32_t queue, gone;
	int file = drm_open_driver_render(DRIVER_OSPREY), file2;

	/* A file without queues knows no id. */
	for (uint32_t id = 0; id < 4; id++) {
		st = (struct drm_osprey_queue_get_state){ .queue_id = id };
		igt_assert_eq(__igt_osprey_queue_get_state(file, &st), -ENOENT);
	}
	queue = igt_osprey_queue_create(file, DRM_OSPREY_VM_DEFAULT,
					DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	gone = igt_osprey_queue_create(file, DRM_OSPREY_VM_DEFAULT,
				       DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	igt_osprey_queue_destroy(file, gone);
	for (uint32_t id = 0; id < 4; id++) {
		st = (struct drm_osprey_queue_get_state){ .queue_id = id };
		if (id != queue)
			igt_assert_eq(__igt_osprey_queue_get_state(file, &st), -ENOENT);
	}
	st = (struct drm_osprey_queue_get_state){ .queue_id = gone };
	igt_assert_eq(__igt_osprey_queue_get_state(file, &st), -ENOENT);
	st = (struct drm_osprey_queue_get_state){ .queue_id = 0xdeadbeef };
	igt_assert_eq(__igt_osprey_queue_get_state(file, &st), -ENOENT);

	/* Another file's queue is not this one's. */
	file2 = drm_open_driver_render(DRIVER_OSPREY);
	st = (struct drm_osprey_queue_get_state){ .queue_id = queue };
	igt_assert_eq(__igt_osprey_queue_get_state(file2, &st), -ENOENT);
	drm_close_driver(file2);

	/* Flags and pad must be zero. */
	for (int bit = 0; bit < 32; bit++) {
		st = (struct drm_osprey_queue_get_state){
			.queue_id = queue, .flags = 1u << bit,
		};
		igt_assert_eq(__igt_osprey_queue_get_state(file, &st), -EINVAL);
		st = (struct drm_osprey_queue_get_state){
			.queue_id = queue, .pad = 1u << bit,
		};
		igt_assert_eq(__igt_osprey_queue_get_state(file, &st), -EINVAL);
	}
	/* Output fields given as input are ignored and overwritten. */
	st = (struct drm_osprey_queue_get_state){
		.queue_id = queue, .state = ~0u, .guilty = ~0u, .innocent = ~0u,
		.faults = ~0u, .hang_limit = 0,
	};
	igt_assert_eq(__igt_osprey_queue_get_state(file, &st), 0);
	igt_assert_eq_u32(st.state, 0);
	igt_assert_eq_u32(st.guilty, 0);
	igt_assert_eq_u32(st.innocent, 0);
	igt_assert_eq_u32(st.faults, 0);
	igt_assert_eq_u32(st.hang_limit, hang_limit);
	drm_close_driver(file);
}

/**
 * struct child_report - what a child that hangs the GPU tells its parent
 */
struct child_report {
	int64_t pid;
	uint32_t queue;
	uint64_t batch_va, ip;
	uint32_t batch_size;
	uint8_t batch[BATCH_SIZE];
	uint8_t data[DATA_SIZE];
};

/*
 * A file goes away with a hung job on the engine: the process exits (in a
 * child), or closes the file. The hang is still handled and dumped, with
 * the submitter's pid, and everything the file held is freed.
 */
static void test_gone_with_hung_job(bool by_exit)
{
	struct igt_osprey_coredump_stats s0, s1;
	struct child_report *r;
	int gem_before, sync_file = -1;
	struct dump d;

	/* Earlier subtests' jobs, and so their VMs, may still be going. */
	igt_assert_f(igt_wait(igt_osprey_job_count(fd) == 0, hang_wait_ms(), 10),
		     "job_count %d\n", igt_osprey_job_count(fd));
	gem_before = igt_osprey_gem_count(fd);
	igt_osprey_coredump_stats(fd, &s0);
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		 -1, 0);
	igt_assert(r != MAP_FAILED);

	if (by_exit) {
		igt_fork(child, 1) {
			struct igt_osprey_cs cs;
			struct hctx c;

			hctx_init(&c);
			r->ip = emit_hang(&c, 0, HANG_SEM_WAIT, &cs);
			submit_cs(c.fd, c.queue, &cs, NULL, 0, 0);
			wait_running(&c, 0);
			r->pid = getpid();
			r->queue = c.queue;
			r->batch_va = cs.va;
			r->batch_size = igt_osprey_cs_bytes(&cs);
			memcpy(r->batch, c.batch->map, BATCH_SIZE);
			memcpy(r->data, c.data->map, DATA_SIZE);
			/* Exit with the file open and the job on the engine. */
		}
		igt_waitchildren();
	} else {
		struct igt_osprey_cs cs;
		uint32_t s_hang;
		struct hctx c;

		hctx_init(&c);
		r->ip = emit_hang(&c, 0, HANG_SEM_WAIT, &cs);
		s_hang = syncobj_new(c.fd);
		submit_cs(c.fd, c.queue, &cs, NULL, 0, s_hang);
		igt_assert_eq(drmSyncobjExportSyncFile(c.fd, s_hang, &sync_file), 0);
		wait_running(&c, 0);
		r->pid = getpid();
		r->queue = c.queue;
		r->batch_va = cs.va;
		r->batch_size = igt_osprey_cs_bytes(&cs);
		memcpy(r->batch, c.batch->map, BATCH_SIZE);
		memcpy(r->data, c.data->map, DATA_SIZE);
		hctx_fini(&c);
	}
	igt_info("the %s with its job hung (pid %" PRId64 ")\n",
		 by_exit ? "child exited" : "file was closed", r->pid);

	if (sync_file >= 0) {
		struct pollfd pfd = { .fd = sync_file, .events = POLLIN };

		igt_assert_eq(poll(&pfd, 1, hang_wait_ms()), 1);
		igt_assert_eq(osp_sync_file_status(sync_file, false, NULL), -ETIMEDOUT);
		close(sync_file);
	}
	dump_wait(&d);
	igt_assert_eq_u64(wait_stats(&s0, false, &s1),
			  check_header(d.cd, "timeout", "yes"));
	check_job(d.cd, &(struct expect_job){
		.pid = r->pid, .queue = r->queue, .vm = DRM_OSPREY_VM_DEFAULT,
		.batch_va = r->batch_va, .batch_size = r->batch_size, .ip = r->ip,
	});
	igt_assert_eq_u64(d.cd->nbos, 2);
	check_bo(d.cd, va_start, "hang-batch", "batch", r->pid, r->batch, BATCH_SIZE);
	check_bo(d.cd, va_start + DATA_OFF, "hang-data", "buffer", r->pid, r->data,
		 DATA_SIZE);
	dump_dismiss(&d);

	/* Nothing of the file's is left. */
	igt_assert_f(igt_wait(igt_osprey_job_count(fd) == 0, hang_wait_ms(), 10),
		     "job_count %d\n", igt_osprey_job_count(fd));
	igt_assert_f(igt_wait(igt_osprey_gem_count(fd) == gem_before, 5000, 10),
		     "gem_count %d, expected %d\n", igt_osprey_gem_count(fd),
		     gem_before);
	munmap(r, sizeof(*r));
}

/*
 * Buffers shared with anything else and mapped in the guilty VM are listed
 * in the dump, never read: one the guilty file exported, one another file
 * of the device exported to it (the same object), one imported from vgem.
 */
static void test_shared_bo(void)
{
	struct igt_osprey_coredump_stats s0, s1;
	struct igt_osprey_bo *exp, *other;
	struct vgem_bo vbo = { .width = 64, .height = 64, .bpp = 32 };
	uint32_t other_h, vgem_h, s_hang;
	int dmabuf_exp, dmabuf_other, dmabuf_vgem, file2, vgem;
	struct igt_osprey_cs cs;
	uint8_t *batch, *data;
	uint64_t ip, maps[5];
	void *vmap;
	struct dump d;
	struct hctx c;
	struct {
		uint64_t va, size;
		const char *shared;
	} shared[3];

	vgem = drm_open_driver(DRIVER_VGEM);
	hctx_init(&c);
	/* Exported from the guilty file. */
	exp = igt_osprey_bo_new(c.fd, 2 * GPU_PAGE);
	igt_osprey_gem_set_label(c.fd, exp->handle, "hang-exported");
	igt_osprey_fill(exp->map, exp->size, 0xe1);
	dmabuf_exp = igt_osprey_prime_export(c.fd, exp->handle);
	shared[0].va = c.data_va + 2 * DATA_SIZE;
	shared[0].size = exp->size;
	shared[0].shared = "exported";
	/* Another file's, through PRIME: the same object, exported. */
	file2 = drm_open_driver_render(DRIVER_OSPREY);
	other = igt_osprey_bo_new(file2, 3 * GPU_PAGE);
	igt_osprey_fill(other->map, other->size, 0x07e4);
	dmabuf_other = igt_osprey_prime_export(file2, other->handle);
	other_h = igt_osprey_prime_import(c.fd, dmabuf_other);
	shared[1].va = c.data_va + 4 * DATA_SIZE;
	shared[1].size = other->size;
	shared[1].shared = "exported";
	/* vgem's, imported. */
	vgem_create(vgem, &vbo);
	vmap = vgem_mmap(vgem, &vbo, PROT_READ | PROT_WRITE);
	igt_osprey_fill(vmap, vbo.size, 0x1e);
	dmabuf_vgem = igt_osprey_prime_export(vgem, vbo.handle);
	vgem_h = igt_osprey_prime_import(c.fd, dmabuf_vgem);
	shared[2].va = c.data_va + 6 * DATA_SIZE;
	shared[2].size = vbo.size;
	shared[2].shared = "imported";
	igt_osprey_vm_map(c.fd, DRM_OSPREY_VM_DEFAULT, exp->handle, 0, shared[0].va,
			  shared[0].size, 0);
	igt_osprey_vm_map(c.fd, DRM_OSPREY_VM_DEFAULT, other_h, 0, shared[1].va,
			  shared[1].size, 0);
	igt_osprey_vm_map(c.fd, DRM_OSPREY_VM_DEFAULT, vgem_h, 0, shared[2].va,
			  shared[2].size, 0);
	igt_osprey_coredump_stats(fd, &s0);

	ip = emit_hang(&c, 0, HANG_SEM_WAIT, &cs);
	s_hang = syncobj_new(c.fd);
	submit_cs(c.fd, c.queue, &cs, NULL, 0, s_hang);
	wait_running(&c, 0);
	batch = malloc(BATCH_SIZE);
	data = malloc(DATA_SIZE);
	igt_assert(batch && data);
	memcpy(batch, c.batch->map, BATCH_SIZE);
	memcpy(data, c.data->map, DATA_SIZE);
	igt_assert_eq(wait_fence(c.fd, s_hang), -ETIMEDOUT);

	dump_wait(&d);
	igt_assert_eq_u64(wait_stats(&s0, false, &s1),
			  check_header(d.cd, "timeout", "yes"));
	igt_assert_eq_u64(cd_u64(d.cd, "job", "ip"), ip);
	maps[0] = c.batch_va;
	maps[1] = c.data_va;
	for (int i = 0; i < 3; i++)
		maps[2 + i] = shared[i].va;
	check_mappings(d.cd, maps, 5);
	igt_assert_eq_u64(d.cd->nbos, 5);
	igt_assert_eq_u64(d.cd->bos[0].va, c.batch_va);
	check_bo(d.cd, c.batch_va, "hang-batch", "batch", getpid(), batch, BATCH_SIZE);
	check_bo(d.cd, c.data_va, "hang-data", "buffer", getpid(), data, DATA_SIZE);
	for (int i = 0; i < 3; i++) {
		const struct osp_coredump_bo *bo = find_bo(d.cd, shared[i].va);

		igt_info("bo %u at %#" PRIx64 ": shared %s captured %" PRIu64
			 " skipped \"%s\"\n", bo->id, bo->va, bo->shared, bo->captured,
			 bo->skipped);
		igt_assert_f(!strcmp(bo->shared, shared[i].shared),
			     "bo at %#" PRIx64 " shared %s, expected %s\n", bo->va,
			     bo->shared, shared[i].shared);
		igt_assert_eq_u64(bo->size, shared[i].size);
		igt_assert_eq_u64(bo->captured, 0);
		igt_assert(!bo->data);
		igt_assert(!bo->truncated);
		igt_assert_f(!strcmp(bo->skipped, "shared buffer"),
			     "bo skipped \"%s\"\n", bo->skipped);
		igt_assert_f(!strcmp(bo->role, "buffer"), "bo role %s\n", bo->role);
		igt_assert_f(!osp_coredump_section_value(d.cd, bo->section, "data"),
			     "a shared buffer's section has data\n");
	}
	dump_dismiss(&d);

	free(batch);
	free(data);
	syncobj_free(c.fd, s_hang);
	close(dmabuf_vgem);
	close(dmabuf_other);
	close(dmabuf_exp);
	gem_close(c.fd, vgem_h);
	gem_close(c.fd, other_h);
	igt_osprey_bo_free(other);
	drm_close_driver(file2);
	igt_osprey_bo_free(exp);
	hctx_fini(&c);
	munmap(vmap, vbo.size);
	gem_close(vgem, vbo.handle);
	drm_close_driver(vgem);
}

/*
 * A manual capture through debugfs, with no job: reason manual, no job;
 * another while it is pending is lost but kept in debugfs.
 */
static void test_manual_capture(void)
{
	struct igt_osprey_coredump_stats s0, s1, s2;
	struct osp_coredump *ring[64];
	bool found = false;
	unsigned int n;
	uint64_t seq;
	struct dump d;
	char *text;

	igt_assert(igt_wait(igt_osprey_job_count(fd) == 0, hang_wait_ms(), 10));
	igt_osprey_coredump_stats(fd, &s0);
	igt_assert_eq(igt_osprey_coredump_capture(fd), 0);
	/* The capture is synchronous: it is counted when the write returns. */
	igt_osprey_coredump_stats(fd, &s1);
	igt_assert_eq_u64(s1.captured, s0.captured + 1);

	dump_wait(&d);
	seq = check_header(d.cd, "manual", NULL);
	igt_assert_eq_u64(wait_stats(&s0, false, &s1), seq);
	assert_cd_str(d.cd, "job", "state", "none");
	igt_assert(!osp_coredump_value(d.cd, "job", "pid"));
	check_no_fault(d.cd);
	igt_assert_eq_u64(d.cd->nbos, 0);
	igt_assert_eq_u64(cd_u64(d.cd, "jobs", "count"), 0);
	igt_assert_lt_u64(0, cd_u64(d.cd, "registers", "RING_SIZE"));

	/* Another while it is pending: lost, and kept. */
	igt_assert_eq(igt_osprey_coredump_capture(fd), 0);
	igt_assert_lt_u64(seq, wait_stats(&s1, true, &s2));
	text = igt_osprey_debugfs_read_all(fd, "coredumps");
	igt_assert(text);
	n = parse_ring(text, strlen(text), ring, ARRAY_SIZE(ring));
	igt_assert_eq_u32(n, s2.nkept);
	for (unsigned int i = 0; i < n; i++) {
		if (cd_u64(ring[i], "header", "sequence") == s2.kept[n - 1]) {
			assert_cd_str(ring[i], "header", "reason", "manual");
			found = true;
		}
		osp_coredump_free(ring[i]);
	}
	igt_assert(found);
	free(text);
	dump_dismiss(&d);
}

/**
 * struct scanout - a mode set on CRTC 0 (pipe 0) from a dumb buffer
 * @fd: the primary node, as DRM master
 * @crtc_id: CRTC 0
 * @conn_id: the connector driving it
 * @mode: the mode set
 * @handle: the dumb buffer
 * @fb_id: its framebuffer
 * @pitch: its pitch
 */
struct scanout {
	int fd;
	uint32_t crtc_id, conn_id;
	drmModeModeInfo mode;
	uint32_t handle, fb_id, pitch;
};

/* A connected connector's preferred mode, set on CRTC 0; skips without KMS. */
static void scanout_pipe0(struct scanout *so)
{
	drmModeConnector *conn = NULL;
	drmModeRes *res;
	uint64_t size;
	void *map;

	memset(so, 0, sizeof(*so));
	so->fd = drm_open_driver_master(DRIVER_OSPREY);
	res = drmModeGetResources(so->fd);
	igt_require_f(res && res->count_crtcs > 0 && res->count_connectors > 0,
		      "%s has no display (KMS)\n", device);
	so->crtc_id = res->crtcs[0];
	for (int i = 0; i < res->count_connectors && !so->conn_id; i++) {
		conn = drmModeGetConnector(so->fd, res->connectors[i]);
		igt_assert(conn);
		for (int e = 0; e < conn->count_encoders && !so->conn_id; e++) {
			drmModeEncoder *enc = drmModeGetEncoder(so->fd, conn->encoders[e]);

			if (conn->connection == DRM_MODE_CONNECTED && conn->count_modes &&
			    enc && (enc->possible_crtcs & 1))
				so->conn_id = conn->connector_id;
			drmModeFreeEncoder(enc);
		}
		if (!so->conn_id) {
			drmModeFreeConnector(conn);
			conn = NULL;
		}
	}
	drmModeFreeResources(res);
	igt_require_f(conn, "no connected connector can drive CRTC 0\n");
	so->mode = conn->modes[0];
	for (int m = 0; m < conn->count_modes; m++)
		if (conn->modes[m].type & DRM_MODE_TYPE_PREFERRED) {
			so->mode = conn->modes[m];
			break;
		}
	drmModeFreeConnector(conn);

	so->handle = igt_osprey_dumb_create(so->fd, so->mode.hdisplay, so->mode.vdisplay, 32,
					    &so->pitch, &size);
	map = igt_osprey_dumb_mmap(so->fd, so->handle, size, PROT_READ | PROT_WRITE);
	igt_osprey_fill(map, size, SEED_DATA);
	munmap(map, size);
	igt_assert_eq(drmModeAddFB(so->fd, so->mode.hdisplay, so->mode.vdisplay, 24, 32,
				   so->pitch, so->handle, &so->fb_id), 0);
	igt_assert_eq(drmModeSetCrtc(so->fd, so->crtc_id, so->fb_id, 0, 0, &so->conn_id, 1,
				     &so->mode), 0);
	igt_info("pipe 0: %ux%u (%s) from a %u-byte-pitch dumb buffer\n", so->mode.hdisplay,
		 so->mode.vdisplay, so->mode.name, so->pitch);
}

/* Turn CRTC 0 off, free the buffer; the display's owner (fbdev) takes it back. */
static void scanout_fini(struct scanout *so)
{
	igt_assert_eq(drmModeSetCrtc(so->fd, so->crtc_id, 0, 0, 0, NULL, 0, NULL), 0);
	igt_assert_eq(drmModeRmFB(so->fd, so->fb_id), 0);
	igt_osprey_dumb_destroy(so->fd, so->handle);
	drm_close_driver(so->fd);
}

/* The model's knob that makes a pipe's next frame underrun (plane 0, VA 0). */
static void sim_underrun(const char *path, unsigned int pipe)
{
	char value[16];

	snprintf(value, sizeof(value), "%u", pipe);
	igt_assert_eq(igt_osprey_sysfs_write(path, value), 0);
}

/* "underruns_ratelimited" of debugfs coredump_stats. */
static uint64_t ratelimited_count(void)
{
	char *text = igt_osprey_debugfs_read_all(fd, "coredump_stats");
	const char *line;
	uint64_t n;

	igt_assert(text);
	line = strstr(text, "\nunderruns_ratelimited: ");
	igt_assert_f(line, "coredump_stats has no underruns_ratelimited line\n");
	n = strtoull(line + strlen("\nunderruns_ratelimited: "), NULL, 10);
	free(text);
	return n;
}

/*
 * A display underrun (injected by the model on pipe 0 while it scans out):
 * a dump with reason display-underrun, the engine left running, no job, and
 * a display section naming pipe 0, plane 0 and address 0, the pipe's mode
 * and its primary plane; a second one within 5 s is rate-limited.
 */
static void test_display_underrun(void)
{
	struct igt_osprey_coredump_stats s0, s1, s2;
	const struct osp_coredump_display *disp;
	const struct osp_coredump_pipe *pipe;
	const struct osp_coredump_plane *primary;
	char knob[PATH_MAX];
	struct scanout so;
	uint64_t seq, limited;
	struct dump d;

	igt_require(igt_debugfs_mount());
	snprintf(knob, sizeof(knob), "%s/osprey_sim/%s/underrun", igt_debugfs_mount(),
		 device);
	igt_require_f(access(knob, W_OK) == 0, "the GPU model has no %s\n", knob);
	scanout_pipe0(&so);

	igt_osprey_coredump_stats(fd, &s0);
	limited = ratelimited_count();
	sim_underrun(knob, 0);
	dump_wait(&d);
	seq = check_header(d.cd, "display-underrun", "running");
	igt_assert_eq_u64(wait_stats(&s0, false, &s1), seq);
	assert_cd_str(d.cd, "job", "state", "none");
	check_no_fault(d.cd);
	igt_assert_eq_u64(cd_u64(d.cd, "mappings", "count"), 0);
	igt_assert_eq_u64(d.cd->nbos, 0);
	igt_assert_eq_u64(cd_u64(d.cd, "jobs", "count"), 0);

	igt_assert_f(d.cd->has_display, "the dump has no display section\n");
	disp = &d.cd->display;
	igt_assert(disp->present);
	igt_assert_lt_u32(0, disp->npipes);
	igt_assert_f(disp->has_underrun, "the display section has no underrun line\n");
	igt_info("underrun: pipe %u plane %u address %#" PRIx64 "\n", disp->underrun_pipe,
		 disp->underrun_plane, disp->underrun_address);
	igt_assert_eq_u32(disp->underrun_pipe, 0);
	igt_assert_eq_u32(disp->underrun_plane, 0);
	igt_assert_eq_u64(disp->underrun_address, 0);
	igt_assert(disp->as_control & 1);

	pipe = &disp->pipes[0];
	primary = &pipe->planes[0];
	igt_info("pipe 0: control %#x status %#x %ux%u frame %u underruns %u; plane 0 at %#"
		 PRIx64 " %s %ux%u pitch %u\n", pipe->control, pipe->status, pipe->width,
		 pipe->height, pipe->frame_count, pipe->underrun_count, primary->address,
		 primary->format, primary->width, primary->height, primary->pitch);
	igt_assert(pipe->enabled && pipe->active);
	igt_assert_eq_u32(pipe->width, so.mode.hdisplay);
	igt_assert_eq_u32(pipe->height, so.mode.vdisplay);
	igt_assert_eq_u32(pipe->htotal, so.mode.htotal);
	igt_assert_eq_u32(pipe->vtotal, so.mode.vtotal);
	igt_assert_eq_u32(pipe->clock_khz, so.mode.clock);
	igt_assert_lt_u32(0, pipe->frame_count);
	igt_assert_lt_u32(0, pipe->underrun_count);
	igt_assert_eq_u32(pipe->underrun_plane, 0);
	igt_assert_eq_u64(pipe->underrun_address, 0);
	igt_assert(primary->enabled);
	igt_assert_f(!strcmp(primary->format, "xrgb8888"), "plane 0 format %s\n",
		     primary->format);
	igt_assert_eq_u32(primary->width, so.mode.hdisplay);
	igt_assert_eq_u32(primary->height, so.mode.vdisplay);
	igt_assert_eq_u32(primary->pitch, so.pitch);
	igt_assert_eq_u32(primary->x, 0);
	igt_assert_eq_u32(primary->y, 0);
	igt_assert_neq_u64(primary->address, 0);

	/*
	 * Another, 1.5 s later: past the display code's own limit (it reports
	 * a pipe's underruns at most once a second), within the coredump's
	 * (one capture per pipe every 5 s): counted, not captured.
	 */
	usleep(1500 * 1000);
	sim_underrun(knob, 0);
	igt_assert_f(igt_wait(ratelimited_count() == limited + 1, 2000, 10),
		     "a second underrun within 5 s was not rate-limited (%" PRIu64
		     ", before %" PRIu64 ")\n", ratelimited_count(), limited);
	igt_osprey_coredump_stats(fd, &s2);
	igt_assert_eq_u64(s2.captured, s1.captured);

	dump_dismiss(&d);
	scanout_fini(&so);
}

static bool bound(void)
{
	char path[256];

	snprintf(path, sizeof(path), DRIVER_DIR "/%s", device);
	return access(path, F_OK) == 0;
}

/*
 * Unbind with a fault's dump pending and the faulting file still open: the
 * dump goes; rebinding works, and dumps again.
 */
static void test_unbind_pending(void)
{
	struct igt_osprey_cs cs;
	uint32_t s_bad;
	struct dump d;
	struct hctx c;

	hctx_init(&c);
	igt_osprey_cs_init(&cs, c.batch->map, c.batch_va, BATCH_SLOT);
	igt_osprey_emit_store(&cs, va_end - GPU_PAGE, 1);
	igt_osprey_emit_end(&cs);
	s_bad = syncobj_new(c.fd);
	submit_cs(c.fd, c.queue, &cs, NULL, 0, s_bad);
	igt_assert_eq(wait_fence(c.fd, s_bad), -EFAULT);
	dump_wait(&d);
	check_header(d.cd, "fault", "error");

	drm_close_driver(fd);
	fd = -1;
	igt_assert_eq(igt_osprey_sysfs_write(DRIVER_DIR "/unbind", device), 0);
	igt_assert(!bound());
	igt_assert_f(igt_wait(access(d.dir, F_OK) != 0, 5000, 10),
		     "%s outlived the unbind\n", d.dir);
	igt_assert_eq(igt_osprey_devcoredump_find(device, NULL, 0), 0);
	dump_free(&d);

	/* The old file only gets -ENODEV; it closes cleanly. */
	igt_assert_eq(osp_queue_destroy(c.dev, c.queue), -ENODEV);
	osp_dev_close(c.dev);
	munmap(c.batch->map, c.batch->size);
	munmap(c.data->map, c.data->size);
	free(c.batch);
	free(c.data);
	drm_close_driver(c.fd);

	igt_assert_eq(igt_osprey_sysfs_write(DRIVER_DIR "/bind", device), 0);
	igt_assert(bound());
	fd = drm_open_driver_render(DRIVER_OSPREY);
	igt_assert_eq(igt_osprey_coredump_capture(fd), 0);
	dump_wait(&d);
	check_header(d.cd, "manual", NULL);
	dump_dismiss(&d);

	/* And runs jobs. */
	hctx_init(&c);
	igt_assert_eq(run_store(&c, c.queue, 0, AFTER_OFF(0), 0x600d), 1);
	hctx_fini(&c);
}

/* Setup ------------------------------------------------------------------- */

/*
 * Put osprey back as the suite loaded it, with its default parameters.
 * Files this process still has open (a failed subtest's) would keep the
 * module busy; the process is about to end, so they are closed first.
 */
static void restore_osprey(int sig)
{
	if (!reloaded)
		return;
	igt_debug("restoring osprey's defaults (signal %d)\n", sig);
	for (int i = 3; i < 1024; i++)
		close(i);
	fd = -1;
	if (igt_kmod_unload("osprey") || igt_kmod_load("osprey", NULL))
		igt_warn("could not reload osprey with its default parameters\n");
	reloaded = false;
}

static void reload_osprey(const char *opts)
{
	igt_assert_eq(igt_kmod_unload("osprey"), 0);
	igt_assert_eq(igt_kmod_load("osprey", opts), 0);
}

static void setup(void)
{
	char opts[64];

	igt_require_f(access("/sys/class/devcoredump", F_OK) == 0,
		      "the kernel has no devcoredump\n");
	if (igt_osprey_module_param("timeout_ms", 0) != SHORT_TIMEOUT_MS) {
		/* Shorter hangs; the exit handler restores the defaults. */
		snprintf(opts, sizeof(opts), "timeout_ms=%u", SHORT_TIMEOUT_MS);
		igt_install_exit_handler(restore_osprey);
		reloaded = true;
		reload_osprey(opts);
	}
	timeout_ms = igt_osprey_module_param("timeout_ms", timeout_ms);
	hang_limit = igt_osprey_module_param("hang_limit", hang_limit);
	coredump_history = igt_osprey_module_param("coredump_history", coredump_history);

	fd = drm_open_driver_render(DRIVER_OSPREY);
	igt_require_osprey(fd);
	igt_assert_eq(igt_osprey_device_name(fd, device, sizeof(device)), 0);
	va_start = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_VA_START);
	va_end = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_VA_END);
	igt_assert_lte_u64(va_start + 4 * SIDE_OFF, va_end);
	igt_info("%s: timeout %u ms, hang_limit %u, coredump_history %u\n", device,
		 timeout_ms, hang_limit, coredump_history);
	igt_assert_lt_u32(0, coredump_history);
	if (igt_osprey_devcoredump_dismiss_all(NULL))
		igt_info("dismissed devcoredumps left by earlier tests\n");
}

int igt_main()
{
	int gem_start = 0;

	igt_fixture() {
		setup();
		gem_start = igt_osprey_gem_count(fd);
	}

	igt_describe("A SEM_WAIT that never ends: -ETIMEDOUT, a dump naming it, others run.");
	igt_subtest("hang-sem-wait") {
		subtest_begin();
		test_hang(HANG_SEM_WAIT);
		subtest_end();
	}

	igt_describe("A JUMP to itself: -ETIMEDOUT, a dump naming it, others run.");
	igt_subtest("hang-self-jump") {
		subtest_begin();
		test_hang(HANG_JUMP);
		subtest_end();
	}

	igt_describe("An injected lockup: -ETIMEDOUT, a lockup-injection dump, others run.");
	igt_subtest("hang-lockup-injection") {
		subtest_begin();
		test_hang(HANG_LOCKUP);
		subtest_end();
	}

	igt_describe("Faults and invalid instructions dump at once, with address and walk.");
	igt_subtest("fault-dump") {
		subtest_begin();
		test_fault_dump();
		subtest_end();
	}

	igt_describe("A hang while a dump is pending is lost, and kept in debugfs.");
	igt_subtest("hang-while-dump-pending") {
		subtest_begin();
		test_lost_while_pending();
		subtest_end();
	}

	igt_describe("hang_limit hangs ban a queue: SUBMIT -EIO, pending jobs -ECANCELED.");
	igt_subtest("ban-after-hang-limit") {
		subtest_begin();
		test_ban();
		subtest_end();
	}

	igt_describe("QUEUE_GET_STATE of guilty, innocent, faulting and idle queues.");
	igt_subtest("queue-state") {
		subtest_begin();
		test_queue_state();
		subtest_end();
	}

	igt_describe("A job behind a hang on its own queue runs; the queue is only guilty.");
	igt_subtest("hang-same-queue-job-behind") {
		subtest_begin();
		test_same_queue_behind();
		subtest_end();
	}

	igt_describe("QUEUE_GET_STATE of unknown queues, with flags or pad: errors.");
	igt_subtest("queue-state-errors") {
		subtest_begin();
		test_queue_state_errors();
		subtest_end();
	}

	igt_describe("A process exits with its job hung: dumped with its pid, nothing leaks.");
	igt_subtest("exit-with-hung-job") {
		subtest_begin();
		test_gone_with_hung_job(true);
		subtest_end();
	}

	igt_describe("A file closed with its job hung: the hang is handled and dumped.");
	igt_subtest("close-with-hung-job") {
		subtest_begin();
		test_gone_with_hung_job(false);
		subtest_end();
	}

	igt_describe("Shared buffers in the guilty VM are listed but never dumped.");
	igt_subtest("shared-bo-not-dumped") {
		subtest_begin();
		test_shared_bo();
		subtest_end();
	}

	igt_describe("A manual capture through debugfs, and one lost while it is pending.");
	igt_subtest("manual-capture") {
		subtest_begin();
		test_manual_capture();
		subtest_end();
	}

	igt_describe("The smallest coredump_budget: a dump within it, the cut marked.");
	igt_subtest("budget-truncates") {
		subtest_begin();
		test_budget();
		subtest_end();
	}

	igt_describe("A display underrun dumps the display, naming pipe, plane and address.");
	igt_subtest("display-underrun") {
		subtest_begin();
		test_display_underrun();
		subtest_end();
	}

	igt_describe("Unbind with a dump pending removes it; rebind works and dumps.");
	igt_subtest("unbind-with-dump-pending") {
		subtest_begin();
		test_unbind_pending();
		subtest_end();
	}

	igt_fixture() {
		if (fd < 0)
			fd = drm_open_driver_render(DRIVER_OSPREY);
		igt_assert_eq(igt_osprey_devcoredump_dismiss_all(NULL), 0);
		/* Every subtest cleaned up after itself: nothing leaked. */
		igt_assert_f(igt_wait(igt_osprey_job_count(fd) == 0, 5000, 10),
			     "job_count %d\n", igt_osprey_job_count(fd));
		igt_assert_f(igt_wait(igt_osprey_gem_count(fd) == gem_start, 5000, 10),
			     "gem_count %d, expected %d\n", igt_osprey_gem_count(fd),
			     gem_start);
		drm_close_driver(fd);
		fd = -1;
		if (reloaded) {
			reload_osprey(NULL);
			reloaded = false;
		}
	}
}
