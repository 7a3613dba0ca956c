// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

#include "igt.h"
#include "igt_kmod.h"
#include "igt_osprey.h"
#include "igt_vgem.h"
#include "libosprey.h"
#include "osprey_isa.h"

IGT_TEST_DESCRIPTION("Osprey under stress: threads, hang storms, unplug, reloads, two GPUs.");

/* The GPU page size. */
#define GPU_PAGE 4096ull

/* The job timeout this test reloads the driver with, to keep hangs short. */
#define SHORT_TIMEOUT_MS 200

#define DRIVER_DIR "/sys/bus/platform/drivers/osprey"
#define PARAM_DIR "/sys/module/osprey/parameters"

/* A value no job ever writes: a SEM_WAIT for it waits until the reset. */
#define SEM_NEVER 0x5e11f00du

/* What GET_PARAM reports, read once. */
static uint64_t va_start, va_end;
/* The osprey module's job timeout now, and hang_limit as the suite has it. */
static unsigned int timeout_ms = 2000, hang_limit_default = 3;
/* Whether this is the debug kernel (about 4 times slower): fewer rounds. */
static bool debug_tier;
/* What the exit handler has to undo. */
static bool osprey_reloaded, sim_reloaded, hang_limit_changed;

static unsigned int scaled(unsigned int debian, unsigned int debug)
{
	return debug_tier ? debug : debian;
}

static double seconds_since(int64_t start_ns)
{
	return (osp_now_ns() - start_ns) / 1e9;
}

/* Module parameters, sysfs, modules ---------------------------------------- */

static unsigned int read_uint(const char *path, unsigned int fallback)
{
	char *buf = igt_osprey_read_file(path, NULL);
	unsigned int v;

	if (!buf)
		return fallback;
	v = strtoul(buf, NULL, 10);
	free(buf);
	return v;
}

static unsigned int read_param(const char *name, unsigned int fallback)
{
	char path[128];

	snprintf(path, sizeof(path), PARAM_DIR "/%s", name);
	return read_uint(path, fallback);
}

static void set_hang_limit(unsigned int limit)
{
	char value[16];

	snprintf(value, sizeof(value), "%u", limit);
	igt_assert_eq(igt_osprey_sysfs_write(PARAM_DIR "/hang_limit", value), 0);
	igt_assert_eq_u32(read_param("hang_limit", ~0u), limit);
	hang_limit_changed = limit != hang_limit_default;
}

/* References on the osprey module: open files, dma-bufs, ... */
static int module_refcnt(void)
{
	return (int)read_uint("/sys/module/osprey/refcnt", ~0u);
}

/*
 * Load the modules as a subtest wants them: osprey_sim with two GPUs or
 * one, osprey with the short job timeout or its default.
 */
static void set_modules(bool two, bool short_timeout)
{
	char opts[64];

	snprintf(opts, sizeof(opts), "timeout_ms=%u", SHORT_TIMEOUT_MS);
	igt_assert_eq(igt_kmod_unload("osprey"), 0);
	if (two != sim_reloaded) {
		igt_assert_eq(igt_kmod_unload("osprey_sim"), 0);
		igt_assert_eq(igt_kmod_load("osprey_sim", two ? "devices=2" : NULL), 0);
		sim_reloaded = two;
	}
	igt_assert_eq(igt_kmod_load("osprey", short_timeout ? opts : NULL), 0);
	osprey_reloaded = short_timeout;
	hang_limit_changed = false;
	timeout_ms = read_param("timeout_ms", 2000);
	hang_limit_default = read_param("hang_limit", 3);
}

/*
 * Put the modules back as the suite loaded them. Files this process still
 * has open (a failed subtest's) would keep osprey busy; the process is
 * about to end, so they are closed first.
 */
static void restore_modules(int sig)
{
	char value[16];

	if (!osprey_reloaded && !sim_reloaded && !hang_limit_changed)
		return;
	igt_debug("restoring the modules' defaults (signal %d)\n", sig);
	for (int i = 3; i < 1024; i++)
		close(i);
	if (osprey_reloaded || sim_reloaded) {
		if (igt_kmod_unload("osprey") ||
		    (sim_reloaded && (igt_kmod_unload("osprey_sim") ||
				      igt_kmod_load("osprey_sim", NULL))) ||
		    igt_kmod_load("osprey", NULL))
			igt_warn("could not reload the modules with their defaults\n");
	} else {
		snprintf(value, sizeof(value), "%u", hang_limit_default);
		igt_osprey_sysfs_write(PARAM_DIR "/hang_limit", value);
	}
	osprey_reloaded = false;
	sim_reloaded = false;
	hang_limit_changed = false;
}

static bool bound(const char *device)
{
	char path[256];

	snprintf(path, sizeof(path), DRIVER_DIR "/%s", device);
	return access(path, F_OK) == 0;
}

static int render_minor(int fd)
{
	struct stat st;

	igt_assert_eq(fstat(fd, &st), 0);
	return minor(st.st_rdev);
}

static bool minor_exists(int minor)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/class/drm/renderD%d", minor);
	return access(path, F_OK) == 0;
}

static void device_of(int fd, char *name, size_t len)
{
	igt_assert_eq(igt_osprey_device_name(fd, name, len), 0);
}

/* Live objects of the device behind a fresh file, and its jobs. */
static void live_counts(int *gem, int *jobs)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);

	*gem = igt_osprey_gem_count(fd);
	*jobs = igt_osprey_job_count(fd);
	drm_close_driver(fd);
}

/* Wait for the device's counts to come back to @gem objects and no job. */
static void assert_live_counts(int fd, int gem)
{
	igt_assert_f(igt_wait(igt_osprey_job_count(fd) == 0, timeout_ms + 10000, 10),
		     "job_count %d\n", igt_osprey_job_count(fd));
	igt_assert_f(igt_wait(igt_osprey_gem_count(fd) == gem, 5000, 10),
		     "gem_count %d, expected %d\n", igt_osprey_gem_count(fd), gem);
}

/* Fences -------------------------------------------------------------------- */

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

/* The fence status: 1 signalled, 0 pending, or its error. */
static int fence_status_ts(int fd, uint32_t handle, int64_t *ts)
{
	struct osp_dev *dev = osp_dev_wrap(fd);
	int status;

	igt_assert(dev);
	status = osp_syncobj_status_ts(dev, handle, 0, ts);
	osp_dev_close(dev);
	return status;
}

static int fence_status(int fd, uint32_t handle)
{
	return fence_status_ts(fd, handle, NULL);
}

/* The longest a hang may take to be handled: the timeout and a margin. */
static unsigned int hang_wait_ms(void)
{
	return timeout_ms + 10000;
}

/* Wait for a job's fence, asserting that it signals; return its status. */
static int wait_fence(int fd, uint32_t handle)
{
	int64_t deadline = igt_osprey_monotonic_ns() + hang_wait_ms() * 1000000ll;
	uint64_t point = 0;
	int ret, status;

	ret = drmSyncobjTimelineWait(fd, &handle, &point, 1, deadline,
				     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL);
	igt_assert_f(ret == 0, "syncobj %u did not signal: %s\n", handle, strerror(-ret));
	status = fence_status(fd, handle);
	igt_assert_f(status != 0, "syncobj %u signalled, its fence is pending\n", handle);
	return status;
}

/* The status of a sync_file once it signals. */
static int sync_file_wait(int sync_file)
{
	struct pollfd pfd = { .fd = sync_file, .events = POLLIN };

	igt_assert_eq(poll(&pfd, 1, hang_wait_ms()), 1);
	return osp_sync_file_status(sync_file, true, NULL);
}

static int export_sync_file(int fd, uint32_t syncobj)
{
	int sync_file = -1;

	igt_assert_eq(drmSyncobjExportSyncFile(fd, syncobj, &sync_file), 0);
	return sync_file;
}

static void cpu_write(volatile uint32_t *p, uint32_t value)
{
	__sync_synchronize();
	*p = value;
	__sync_synchronize();
}

/*
 * A pattern word: @seed's @i-th. The same function fills and checks on
 * both sides of the threads' work.
 */
static uint32_t pattern(uint32_t seed, uint32_t i)
{
	uint32_t x = seed * 0x9e3779b1u + i * 0x85ebca6bu;

	x ^= x >> 15;
	return x | 1;
}

static void fill_pattern(volatile uint32_t *p, uint32_t words, uint32_t seed)
{
	for (uint32_t i = 0; i < words; i++)
		p[i] = pattern(seed, i);
	__sync_synchronize();
}

/* The index of the first word that differs from the pattern, or -1. */
static int64_t check_pattern(const volatile uint32_t *p, uint32_t words, uint32_t seed)
{
	__sync_synchronize();
	for (uint32_t i = 0; i < words; i++)
		if (p[i] != pattern(seed, i))
			return i;
	return -1;
}

static int64_t check_fill(const volatile uint32_t *p, uint32_t words, uint32_t value)
{
	__sync_synchronize();
	for (uint32_t i = 0; i < words; i++)
		if (p[i] != value)
			return i;
	return -1;
}

/* A file, a buffer in its default VM, a queue: jobs of the main thread -- */

/*
 * The buffer: batches of JSLOT bytes from its start, data from JDATA. Data
 * words: JMARK (what a hang stores before it hangs), JSEM (what it waits
 * on), from JVAL the values jobs store.
 */
#define JSIZE (64 * 1024ull)
#define JDATA (32 * 1024ull)
#define JSLOT 0x200ull
#define JMARK 0x0ull
#define JSEM 0x4ull
#define JVAL 0x40ull

/**
 * struct jctx - a file with one buffer mapped in its default VM and a queue
 * @fd: the file
 * @bo: the buffer, mapped at @va
 * @va: where @bo is mapped
 * @queue: a queue in the default VM
 */
struct jctx {
	int fd;
	struct igt_osprey_bo *bo;
	uint64_t va;
	uint32_t queue;
};

static void jctx_init(struct jctx *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->bo = igt_osprey_bo_new(fd, JSIZE);
	c->va = va_start;
	igt_osprey_vm_map(fd, DRM_OSPREY_VM_DEFAULT, c->bo->handle, 0, c->va, JSIZE, 0);
	c->queue = igt_osprey_queue_create(fd, DRM_OSPREY_VM_DEFAULT,
					   DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
}

/* Unmap, close; the file stays the caller's. */
static void jctx_fini(struct jctx *c)
{
	igt_osprey_queue_destroy(c->fd, c->queue);
	igt_osprey_vm_unmap(c->fd, DRM_OSPREY_VM_DEFAULT, c->va, JSIZE);
	igt_osprey_bo_free(c->bo);
}

static uint64_t jva(struct jctx *c, uint64_t off)
{
	return c->va + JDATA + off;
}

static volatile uint32_t *jword(struct jctx *c, uint64_t off)
{
	igt_assert_lt_u64(off, JSIZE - JDATA);
	return (volatile uint32_t *)((char *)c->bo->map + JDATA + off);
}

static void jcs(struct jctx *c, unsigned int slot, struct igt_osprey_cs *cs)
{
	igt_assert_lt_u64(slot * JSLOT, JDATA);
	igt_osprey_cs_init(cs, (char *)c->bo->map + slot * JSLOT, c->va + slot * JSLOT,
			   JSLOT);
}

/* Submit @cs on @queue, after @in (0: nothing); return a new out-syncobj. */
static uint32_t jsubmit(struct jctx *c, uint32_t queue, struct igt_osprey_cs *cs,
			uint32_t in)
{
	struct drm_osprey_sync sin = { .handle = in };
	struct drm_osprey_sync out = { .handle = syncobj_new(c->fd) };

	__sync_synchronize();
	igt_osprey_submit(c->fd, queue, cs->va, igt_osprey_cs_bytes(cs), in ? &sin : NULL,
			  in ? 1 : 0, &out, 1);
	return out.handle;
}

/* Write batch @slot: STORE @value at data @off. */
static void jstore_batch(struct jctx *c, unsigned int slot, uint64_t off, uint32_t value,
			 struct igt_osprey_cs *cs)
{
	jcs(c, slot, cs);
	igt_osprey_emit_store(cs, jva(c, off), value);
	igt_osprey_emit_end(cs);
}

/* Run a STORE of @value at @off on @queue: it completes and the value is there. */
static void jrun_store(struct jctx *c, uint32_t queue, unsigned int slot, uint64_t off,
		       uint32_t value)
{
	struct igt_osprey_cs cs;
	uint32_t done;

	cpu_write(jword(c, off), 0);
	jstore_batch(c, slot, off, value, &cs);
	done = jsubmit(c, queue, &cs, 0);
	igt_assert_eq(wait_fence(c->fd, done), 1);
	igt_assert_eq_u32(*jword(c, off), value);
	syncobj_free(c->fd, done);
}

/* Write batch @slot: store 1 at JMARK, then wait for a value never written. */
static void jhang_batch(struct jctx *c, unsigned int slot, struct igt_osprey_cs *cs)
{
	cpu_write(jword(c, JMARK), 0);
	cpu_write(jword(c, JSEM), 0);
	jcs(c, slot, cs);
	igt_osprey_emit_store(cs, jva(c, JMARK), 1);
	igt_osprey_emit_sem_wait(cs, OSPREY_CMP_EQ, jva(c, JSEM), SEM_NEVER);
	igt_osprey_emit_end(cs);
}

/* Write batch @slot: a STORE to an address nothing maps. */
static void jfault_batch(struct jctx *c, unsigned int slot, struct igt_osprey_cs *cs)
{
	jcs(c, slot, cs);
	igt_osprey_emit_store(cs, va_end - GPU_PAGE, 1);
	igt_osprey_emit_end(cs);
}

static void wait_running(struct jctx *c)
{
	igt_assert_f(igt_wait(*jword(c, JMARK) == 1, hang_wait_ms(), 1),
		     "the hang job never started\n");
}

static void assert_queue_state(int fd, uint32_t queue, uint32_t state, uint32_t guilty,
			       uint32_t innocent, uint32_t faults)
{
	struct drm_osprey_queue_get_state st;

	igt_osprey_queue_get_state(fd, queue, &st);
	igt_debug("queue %u: state %#x guilty %u innocent %u faults %u hang_limit %u\n",
		  queue, st.state, st.guilty, st.innocent, st.faults, st.hang_limit);
	igt_assert_eq_u32(st.state, state);
	igt_assert_eq_u32(st.guilty, guilty);
	igt_assert_eq_u32(st.innocent, innocent);
	igt_assert_eq_u32(st.faults, faults);
}

/*
 * Concurrency ---------------------------------------------------------------
 *
 * Worker threads share NFILES files. No igt_assert in a thread: a worker
 * records its first failure and stops, and the main thread reports it.
 */

#define NFILES 3
#define NWORKERS 8
/* A worker's data buffer: source, FILL, COPY, markers (4 KiB each). */
#define W_DATA (16 * 1024u)
#define W_SRC 0x0u
#define W_FILL 0x1000u
#define W_COPY 0x2000u
#define W_MARK 0x3000u
#define W_PEER_COPY (W_MARK + 0x100u)
#define W_PEER_BYTES 0x100u
/* Where the peer file maps the shared buffer in its own VM. */
#define W_PEER_OFF 0x100000ull

/**
 * struct cfile - a file the workers share
 * @fd: the file
 * @dev: @fd for libosprey, shared by the threads (libosprey allows it)
 * @vm: @dev's default VM, whose VA allocator the threads share
 */
struct cfile {
	int fd;
	struct osp_dev *dev;
	struct osp_vm *vm;
};

/**
 * struct cshared - what the workers share
 * @files: the files
 * @render: the render node's path, for workers that open files of their own
 * @stop: set on the first failure: everyone stops
 * @progress: iterations done, all workers together
 */
struct cshared {
	struct cfile files[NFILES];
	char render[64];
	int stop;
	unsigned int progress;
};

/**
 * struct worker - one thread's work and results
 * @thread: the thread
 * @sh: what it shares
 * @id: its number
 * @iters: iterations to run
 * @done: iterations run
 * @jobs: jobs that completed and were checked
 * @cancelled: jobs cancelled by a queue destroy or a file close
 * @churned: files opened and closed with a job in flight
 * @innocent: resets its queues were innocent of
 * @err: the first failure, empty if none
 */
struct worker {
	pthread_t thread;
	struct cshared *sh;
	unsigned int id, iters, done;
	unsigned int jobs, cancelled, churned, innocent;
	char err[512];
};

static bool stopped(struct cshared *sh)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_SEQ_CST);
}

/* Record the first failure in @err (512 bytes) and stop every thread. */
static bool tfail(char *err, struct cshared *sh, const char *prefix, const char *fmt,
		  va_list ap)
{
	if (!err[0]) {
		int n = snprintf(err, 512, "%s", prefix);

		vsnprintf(err + n, 512 - n, fmt, ap);
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	return false;
}

__attribute__((format(printf, 2, 3)))
static bool wfail(struct worker *w, const char *fmt, ...)
{
	char prefix[64];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "worker %u, iteration %u: ", w->id, w->done);
	va_start(ap, fmt);
	tfail(w->err, w->sh, prefix, fmt, ap);
	va_end(ap);
	return false;
}

/* A batch written by a thread: errors are recorded, never asserted. */
struct tcs {
	uint32_t *words;
	uint64_t va;
	uint32_t len, cap;
	bool bad;
};

static void tcs_init(struct tcs *cs, void *cpu, uint64_t va, uint32_t bytes)
{
	cs->words = cpu;
	cs->va = va;
	cs->len = 0;
	cs->cap = bytes / 4;
	cs->bad = false;
}

static void temit(struct tcs *cs, const struct osprey_insn *insn)
{
	int n;

	if (cs->bad)
		return;
	n = osprey_insn_encode(insn, cs->words + cs->len, cs->cap - cs->len);
	if (n <= 0)
		cs->bad = true;
	else
		cs->len += n;
}

static void temit_store(struct tcs *cs, uint64_t va, uint32_t value)
{
	temit(cs, &(struct osprey_insn){ .opcode = OSPREY_OP_STORE, .va = va, .value = value });
}

static void temit_copy(struct tcs *cs, uint64_t dst, uint64_t src, uint32_t bytes)
{
	temit(cs, &(struct osprey_insn){
		.opcode = OSPREY_OP_COPY, .dst = dst, .src = src, .bytes = bytes,
	});
}

static void temit_fill(struct tcs *cs, uint64_t va, uint32_t bytes, uint32_t value)
{
	temit(cs, &(struct osprey_insn){
		.opcode = OSPREY_OP_FILL, .va = va, .bytes = bytes, .pattern = value,
	});
}

static void temit_sem_wait(struct tcs *cs, uint64_t va, uint32_t value)
{
	temit(cs, &(struct osprey_insn){
		.opcode = OSPREY_OP_SEM_WAIT, .modifier = OSPREY_CMP_EQ, .va = va,
		.value = value,
	});
}

static void temit_end(struct tcs *cs)
{
	temit(cs, &(struct osprey_insn){ .opcode = OSPREY_OP_END });
	__sync_synchronize();
}

static int tsubmit(int fd, uint32_t queue, struct tcs *cs, uint32_t in, uint32_t out)
{
	struct drm_osprey_sync sin = { .handle = in }, sout = { .handle = out };
	struct drm_osprey_submit submit = {
		.queue_id = queue, .batch_va = cs->va, .batch_size = cs->len * 4,
		.in_sync_count = in ? 1 : 0, .in_syncs = to_user_pointer(&sin),
		.out_sync_count = 1, .out_syncs = to_user_pointer(&sout),
	};

	if (cs->bad)
		return -ENOSPC;
	return __igt_osprey_submit(fd, &submit);
}

/* Wait for a syncobj's fence (submitted); its status, or the wait's error. */
static int twait(struct osp_dev *dev, uint32_t syncobj)
{
	int ret = osp_syncobj_wait(dev, syncobj, 0, (timeout_ms + 20000ll) * 1000000);

	return ret ? ret : osp_syncobj_status(dev, syncobj, 0);
}

static int tgem_close(int fd, uint32_t handle)
{
	struct drm_gem_close arg = { .handle = handle };

	return igt_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &arg) ? -errno : 0;
}

/**
 * struct titer - the objects of one worker iteration, for the cleanup
 */
struct titer {
	struct osp_vm *vm;
	uint32_t queue, s1, s3, handle;
	void *map;
	uint64_t dva;
	bool mapped;
	struct osp_batch *batch;
	int dmabuf;
	/* In the peer file. */
	uint32_t pvm, pqueue, pbatch, ps1, ps2, phandle;
	void *pbatch_map;
};

static bool titer_cleanup(struct worker *w, struct titer *t, struct cfile *own,
			  struct cfile *peer)
{
	int ret = 0;

	if (t->dmabuf >= 0)
		close(t->dmabuf);
	if (t->pbatch_map)
		munmap(t->pbatch_map, GPU_PAGE);
	if (t->phandle)
		ret |= tgem_close(peer->fd, t->phandle);
	if (t->pbatch)
		ret |= tgem_close(peer->fd, t->pbatch);
	if (t->ps1)
		ret |= drmSyncobjDestroy(peer->fd, t->ps1);
	if (t->ps2)
		ret |= drmSyncobjDestroy(peer->fd, t->ps2);
	if (t->pqueue)
		ret |= __igt_osprey_queue_destroy(peer->fd, t->pqueue);
	if (t->pvm)
		ret |= __igt_osprey_vm_destroy(peer->fd, t->pvm);
	if (t->s1)
		ret |= drmSyncobjDestroy(own->fd, t->s1);
	if (t->s3)
		ret |= drmSyncobjDestroy(own->fd, t->s3);
	if (t->queue)
		ret |= osp_queue_destroy(own->dev, t->queue);
	if (t->mapped)
		ret |= osp_vm_unmap(t->vm, t->dva, W_DATA);
	if (t->handle)
		ret |= tgem_close(own->fd, t->handle);
	if (t->map)
		munmap(t->map, W_DATA);
	if (t->batch)
		osp_batch_del(t->batch);
	if (t->vm && t->vm != own->vm)
		osp_vm_del(t->vm);
	if (ret)
		return wfail(w, "cleanup failed");
	return true;
}

/*
 * A file of the worker's own, closed with a FILL job in flight: the job
 * ends either way; if it ran, the dma-buf it leaves behind holds the fill.
 */
static bool worker_churn(struct worker *w, uint32_t value)
{
	struct osp_dev *dev = NULL;
	struct osp_vm *vm = NULL;
	struct osp_batch *batch;
	uint32_t out = 0, handle = 0;
	int fd, dmabuf = -1, sync_file = -1, status;
	struct osp_bo *bo;
	uint64_t va;
	void *map;
	int64_t bad;
	struct pollfd pfd;
	struct tcs cs;

	fd = open(w->sh->render, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return wfail(w, "open %s: %s", w->sh->render, strerror(errno));
	dev = osp_dev_wrap(fd);
	vm = dev ? osp_vm_default(dev) : NULL;
	bo = vm ? osp_bo_new_mapped(vm, GPU_PAGE, &va) : NULL;
	batch = bo ? osp_batch_new(vm, GPU_PAGE) : NULL;
	if (!batch)
		return wfail(w, "churn setup: %s", strerror(errno));
	if (drmPrimeHandleToFD(fd, bo->handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf))
		return wfail(w, "churn export: %s", strerror(errno));
	map = mmap(NULL, GPU_PAGE, PROT_READ, MAP_SHARED, dmabuf, 0);
	if (map == MAP_FAILED)
		return wfail(w, "churn dma-buf mmap: %s", strerror(errno));
	if (osp_queue_create(dev, vm, DRM_OSPREY_QUEUE_PRIORITY_NORMAL, &handle) ||
	    osp_syncobj_create(dev, &out))
		return wfail(w, "churn queue");
	tcs_init(&cs, batch->words, batch->va, GPU_PAGE);
	temit_fill(&cs, va, GPU_PAGE, value);
	temit_end(&cs);
	if (tsubmit(fd, handle, &cs, 0, out) || drmSyncobjExportSyncFile(fd, out, &sync_file))
		return wfail(w, "churn submit");
	/* Everything goes with the file, the job still in flight. */
	munmap(batch->words, batch->bo->size);
	free(batch->bo);
	free(batch);
	free(bo);
	osp_vm_del(vm);
	osp_dev_close(dev);
	close(fd);

	pfd = (struct pollfd){ .fd = sync_file, .events = POLLIN };
	if (poll(&pfd, 1, timeout_ms + 20000) != 1)
		return wfail(w, "churn job never ended");
	status = osp_sync_file_status(sync_file, true, NULL);
	close(sync_file);
	bad = check_fill(map, GPU_PAGE / 4, status == 1 ? value : 0);
	munmap(map, GPU_PAGE);
	close(dmabuf);
	if (status != 1 && status != -ESRCH)
		return wfail(w, "churn job ended with %d", status);
	if (bad >= 0)
		return wfail(w, "churn job status %d, word %" PRId64 " wrong", status, bad);
	w->churned++;
	w->cancelled += status == -ESRCH;
	w->jobs += status == 1;
	return true;
}

/*
 * One iteration: a VM (the file's shared default one, or a new one), a
 * queue, a batch and a data buffer. Job 1 fills, copies what the CPU wrote
 * and stores a marker; the buffer is exported to the peer file, where job 2
 * (after job 1, through a shared syncobj) copies job 1's fill and stores its
 * own marker. The buffer's handle is closed while the jobs run; on some
 * iterations it is unmapped too, which waits for job 1. Then a job on a
 * queue destroyed at once: it ran or it did not, never half.
 */
static bool worker_iter(struct worker *w, unsigned int it)
{
	struct cfile *own = &w->sh->files[w->id % NFILES];
	struct cfile *peer = &w->sh->files[(w->id + 1) % NFILES];
	uint32_t seed = (w->id + 1) << 20 | it;
	uint32_t fill = 0xf1000000u ^ seed, m1 = 0x10000000u | seed;
	uint32_t m2 = 0x20000000u | seed, m3 = 0x30000000u | seed;
	bool own_vm = it & 1, early_unmap = it % 3 == 1;
	struct drm_osprey_queue_get_state st;
	struct titer t = { .dmabuf = -1 };
	uint64_t size = W_DATA, pva = va_start + W_PEER_OFF, offset;
	volatile uint32_t *d, *pd;
	struct tcs cs;
	int64_t bad;
	int ret, sfd;

	t.vm = own_vm ? osp_vm_new(own->dev) : own->vm;
	if (!t.vm)
		return wfail(w, "VM_CREATE: %s", strerror(errno));
	ret = osp_queue_create(own->dev, t.vm, it % 4 == 2 ? DRM_OSPREY_QUEUE_PRIORITY_LOW :
			       DRM_OSPREY_QUEUE_PRIORITY_NORMAL, &t.queue);
	if (ret)
		return wfail(w, "QUEUE_CREATE: %s", strerror(-ret));
	t.batch = osp_batch_new(t.vm, GPU_PAGE);
	if (!t.batch)
		return wfail(w, "batch: %s", strerror(errno));
	ret = __igt_osprey_gem_create(own->fd, &size, 0, &t.handle);
	if (ret)
		return wfail(w, "GEM_CREATE: %s", strerror(-ret));
	t.map = __igt_osprey_gem_mmap(own->fd, t.handle, W_DATA, PROT_READ | PROT_WRITE);
	if (!t.map)
		return wfail(w, "mmap: %s", strerror(errno));
	d = t.map;
	t.dva = osp_va_alloc(t.vm, W_DATA);
	ret = __igt_osprey_vm_bind(own->fd, t.vm->id, DRM_OSPREY_VM_BIND_OP_MAP, 0, t.handle,
				   0, t.dva, W_DATA);
	if (ret)
		return wfail(w, "VM_BIND map at %#" PRIx64 ": %s", t.dva, strerror(-ret));
	t.mapped = true;
	fill_pattern(d + W_SRC / 4, 1024, seed);

	/* Job 1. */
	tcs_init(&cs, t.batch->words, t.batch->va, GPU_PAGE);
	temit_fill(&cs, t.dva + W_FILL, 4096, fill);
	temit_copy(&cs, t.dva + W_COPY, t.dva + W_SRC, 4096);
	temit_store(&cs, t.dva + W_MARK, m1);
	temit_end(&cs);
	if (drmSyncobjCreate(own->fd, 0, &t.s1))
		return wfail(w, "SYNCOBJ_CREATE: %s", strerror(errno));
	ret = tsubmit(own->fd, t.queue, &cs, 0, t.s1);
	if (ret)
		return wfail(w, "SUBMIT job 1: %s", strerror(-ret));

	/* Job 2, in the peer file, on the same buffer, after job 1. */
	if (drmPrimeHandleToFD(own->fd, t.handle, DRM_CLOEXEC | DRM_RDWR, &t.dmabuf) ||
	    drmPrimeFDToHandle(peer->fd, t.dmabuf, &t.phandle))
		return wfail(w, "PRIME: %s", strerror(errno));
	size = GPU_PAGE;
	if (__igt_osprey_vm_create(peer->fd, 0, &t.pvm) ||
	    __igt_osprey_gem_create(peer->fd, &size, 0, &t.pbatch) ||
	    __igt_osprey_queue_create(peer->fd, t.pvm, DRM_OSPREY_QUEUE_PRIORITY_NORMAL, 0,
				      &t.pqueue))
		return wfail(w, "peer setup");
	t.pbatch_map = __igt_osprey_gem_mmap(peer->fd, t.pbatch, GPU_PAGE,
					     PROT_READ | PROT_WRITE);
	if (!t.pbatch_map)
		return wfail(w, "peer batch mmap: %s", strerror(errno));
	ret = __igt_osprey_vm_bind(peer->fd, t.pvm, DRM_OSPREY_VM_BIND_OP_MAP, 0, t.pbatch,
				   0, va_start, GPU_PAGE);
	ret = ret ?: __igt_osprey_vm_bind(peer->fd, t.pvm, DRM_OSPREY_VM_BIND_OP_MAP, 0,
					  t.phandle, 0, pva, W_DATA);
	if (ret)
		return wfail(w, "peer VM_BIND: %s", strerror(-ret));
	if (drmSyncobjHandleToFD(own->fd, t.s1, &sfd))
		return wfail(w, "SYNCOBJ_HANDLE_TO_FD: %s", strerror(errno));
	ret = drmSyncobjFDToHandle(peer->fd, sfd, &t.ps1);
	close(sfd);
	if (ret || drmSyncobjCreate(peer->fd, 0, &t.ps2))
		return wfail(w, "peer syncobjs: %s", strerror(errno));
	tcs_init(&cs, t.pbatch_map, va_start, GPU_PAGE);
	temit_copy(&cs, pva + W_PEER_COPY, pva + W_FILL, W_PEER_BYTES);
	temit_store(&cs, pva + W_MARK + 4, m2);
	temit_end(&cs);
	ret = tsubmit(peer->fd, t.pqueue, &cs, t.ps1, t.ps2);
	if (ret)
		return wfail(w, "SUBMIT job 2: %s", strerror(-ret));

	/* The handle goes while the jobs run: the mappings keep the buffer. */
	ret = tgem_close(own->fd, t.handle);
	t.handle = 0;
	if (ret)
		return wfail(w, "GEM_CLOSE: %s", strerror(-ret));
	if (early_unmap) {
		/* An unmap waits for the jobs of its VM: job 1 is done after it. */
		ret = osp_vm_unmap(t.vm, t.dva, W_DATA);
		t.mapped = false;
		if (ret)
			return wfail(w, "VM_BIND unmap: %s", strerror(-ret));
		ret = osp_syncobj_status(own->dev, t.s1, 0);
		if (ret != 1)
			return wfail(w, "job 1 status %d after the unmap returned", ret);
		close(t.dmabuf);
		t.dmabuf = -1;
	}

	ret = twait(peer->dev, t.ps2);
	if (ret != 1)
		return wfail(w, "job 2 ended with %d", ret);
	ret = twait(own->dev, t.s1);
	if (ret != 1)
		return wfail(w, "job 1 ended with %d", ret);
	w->jobs += 2;

	bad = check_fill(d + W_FILL / 4, 1024, fill);
	if (bad >= 0)
		return wfail(w, "FILL: word %" PRId64 " is %#x, expected %#x", bad,
			     d[W_FILL / 4 + bad], fill);
	bad = check_pattern(d + W_COPY / 4, 1024, seed);
	if (bad >= 0)
		return wfail(w, "COPY: word %" PRId64 " is %#x, expected %#x", bad,
			     d[W_COPY / 4 + bad], pattern(seed, bad));
	bad = check_fill(d + W_PEER_COPY / 4, W_PEER_BYTES / 4, fill);
	if (bad >= 0)
		return wfail(w, "peer COPY: word %" PRId64 " is %#x", bad,
			     d[W_PEER_COPY / 4 + bad]);
	if (d[W_MARK / 4] != m1 || d[W_MARK / 4 + 1] != m2)
		return wfail(w, "markers %#x %#x, expected %#x %#x", d[W_MARK / 4],
			     d[W_MARK / 4 + 1], m1, m2);
	/* The peer's own CPU mapping of the same buffer agrees. */
	ret = __igt_osprey_gem_mmap_offset(peer->fd, t.phandle, &offset);
	if (ret)
		return wfail(w, "peer MMAP_OFFSET: %s", strerror(-ret));
	pd = mmap(NULL, W_DATA, PROT_READ, MAP_SHARED, peer->fd, offset);
	if (pd == MAP_FAILED)
		return wfail(w, "peer mmap: %s", strerror(errno));
	bad = pd[W_MARK / 4] != m1 || pd[W_MARK / 4 + 1] != m2 ||
	      check_pattern(pd + W_COPY / 4, 1024, seed) >= 0;
	munmap((void *)pd, W_DATA);
	if (bad)
		return wfail(w, "the peer's mapping differs");

	if (!early_unmap) {
		/* A job on a queue destroyed at once: all or nothing. */
		uint32_t tq;

		if (osp_queue_create(own->dev, t.vm, DRM_OSPREY_QUEUE_PRIORITY_NORMAL, &tq) ||
		    drmSyncobjCreate(own->fd, 0, &t.s3))
			return wfail(w, "throwaway queue");
		tcs_init(&cs, t.batch->words, t.batch->va, GPU_PAGE);
		temit_store(&cs, t.dva + W_MARK + 8, m3);
		temit_end(&cs);
		ret = tsubmit(own->fd, tq, &cs, 0, t.s3);
		ret = ret ?: osp_queue_destroy(own->dev, tq);
		if (ret)
			return wfail(w, "throwaway job: %s", strerror(-ret));
		ret = twait(own->dev, t.s3);
		__sync_synchronize();
		if (ret == 1 && d[W_MARK / 4 + 2] != m3)
			return wfail(w, "throwaway job completed, marker %#x", d[W_MARK / 4 + 2]);
		if (ret == -ESRCH && d[W_MARK / 4 + 2])
			return wfail(w, "throwaway job cancelled, marker %#x", d[W_MARK / 4 + 2]);
		if (ret != 1 && ret != -ESRCH)
			return wfail(w, "throwaway job ended with %d", ret);
		w->jobs += ret == 1;
		w->cancelled += ret == -ESRCH;
	}

	if (osp_queue_get_state(own->dev, t.queue, &st))
		return wfail(w, "QUEUE_GET_STATE");
	if (st.guilty || st.faults || (st.state & ~DRM_OSPREY_QUEUE_STATE_INNOCENT))
		return wfail(w, "queue state %#x guilty %u faults %u", st.state, st.guilty,
			     st.faults);
	w->innocent += st.innocent;

	if (!titer_cleanup(w, &t, own, peer))
		return false;
	if (it % 4 == 3)
		return worker_churn(w, m3);
	return true;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (w->done = 0; w->done < w->iters && !stopped(w->sh); w->done++) {
		if (!worker_iter(w, w->done))
			break;
		__atomic_add_fetch(&w->sh->progress, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/**
 * struct hanger - a thread that hangs the engine while the workers run
 * @thread: the thread
 * @sh: what it shares with the workers
 * @want: hangs to cause
 * @done: hangs caused, each reset and its job failed with -ETIMEDOUT
 * @total: the workers' iterations, all together
 * @err: the first failure, empty if none
 */
struct hanger {
	pthread_t thread;
	struct cshared *sh;
	unsigned int want, done, total;
	char err[512];
};

__attribute__((format(printf, 2, 3)))
static bool hfail(struct hanger *h, const char *fmt, ...)
{
	char prefix[32];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "hang %u: ", h->done);
	va_start(ap, fmt);
	tfail(h->err, h->sh, prefix, fmt, ap);
	va_end(ap);
	return false;
}

/* Hangs spread over the workers' run, each on a fresh queue of its own VM. */
static void *hanger_main(void *arg)
{
	struct hanger *h = arg;
	struct cfile *f = &h->sh->files[0];
	struct drm_osprey_queue_get_state st;
	struct osp_vm *vm = osp_vm_new(f->dev);
	struct osp_batch *batch = vm ? osp_batch_new(vm, GPU_PAGE) : NULL;
	uint64_t sem = batch ? batch->va + GPU_PAGE - 4 : 0;
	uint32_t queue, out;
	struct tcs cs;
	int ret;

	if (!batch) {
		hfail(h, "setup: %s", strerror(errno));
		return NULL;
	}
	tcs_init(&cs, batch->words, batch->va, GPU_PAGE - 64);
	temit_sem_wait(&cs, sem, SEM_NEVER);
	temit_end(&cs);
	for (; h->done < h->want && !stopped(h->sh); h->done++) {
		unsigned int at = (h->done + 1) * h->total / (h->want + 1);

		while (__atomic_load_n(&h->sh->progress, __ATOMIC_SEQ_CST) < at &&
		       !stopped(h->sh))
			usleep(1000);
		if (osp_queue_create(f->dev, vm, DRM_OSPREY_QUEUE_PRIORITY_NORMAL, &queue) ||
		    osp_syncobj_create(f->dev, &out)) {
			hfail(h, "queue");
			break;
		}
		ret = tsubmit(f->fd, queue, &cs, 0, out);
		ret = ret ?: twait(f->dev, out);
		if (ret != -ETIMEDOUT) {
			hfail(h, "the hung job ended with %d", ret);
			break;
		}
		if (osp_queue_get_state(f->dev, queue, &st) || st.guilty != 1 ||
		    !(st.state & DRM_OSPREY_QUEUE_STATE_GUILTY)) {
			hfail(h, "queue state %#x guilty %u", st.state, st.guilty);
			break;
		}
		osp_syncobj_destroy(f->dev, out);
		osp_queue_destroy(f->dev, queue);
	}
	osp_batch_del(batch);
	osp_vm_del(vm);
	return NULL;
}

static void test_concurrency(void)
{
	unsigned int iters = scaled(100, 25), jobs = 0, cancelled = 0, churned = 0;
	unsigned int innocent = 0;
	struct worker workers[NWORKERS] = {};
	struct hanger hanger = {};
	struct cshared sh = {};
	int gem0, jobs0, dumps;
	int64_t start;

	set_modules(false, true);
	live_counts(&gem0, &jobs0);
	igt_assert_eq(jobs0, 0);
	igt_osprey_devcoredump_dismiss_all(NULL);

	for (int i = 0; i < NFILES; i++) {
		sh.files[i].fd = drm_open_driver_render(DRIVER_OSPREY);
		sh.files[i].dev = osp_dev_wrap(sh.files[i].fd);
		igt_assert(sh.files[i].dev);
		sh.files[i].vm = osp_vm_default(sh.files[i].dev);
		igt_assert(sh.files[i].vm);
	}
	snprintf(sh.render, sizeof(sh.render), "/dev/dri/renderD%d",
		 render_minor(sh.files[0].fd));

	start = osp_now_ns();
	hanger.sh = &sh;
	hanger.want = scaled(6, 3);
	hanger.total = NWORKERS * iters;
	for (int i = 0; i < NWORKERS; i++) {
		workers[i].sh = &sh;
		workers[i].id = i;
		workers[i].iters = iters;
		igt_assert_eq(pthread_create(&workers[i].thread, NULL, worker_main,
					     &workers[i]), 0);
	}
	igt_assert_eq(pthread_create(&hanger.thread, NULL, hanger_main, &hanger), 0);
	for (int i = 0; i < NWORKERS; i++)
		igt_assert_eq(pthread_join(workers[i].thread, NULL), 0);
	igt_assert_eq(pthread_join(hanger.thread, NULL), 0);

	for (int i = 0; i < NWORKERS; i++) {
		igt_assert_f(!workers[i].err[0], "%s\n", workers[i].err);
		igt_assert_eq_u32(workers[i].done, iters);
		jobs += workers[i].jobs;
		cancelled += workers[i].cancelled;
		churned += workers[i].churned;
		innocent += workers[i].innocent;
	}
	igt_assert_f(!hanger.err[0], "%s\n", hanger.err);
	igt_assert_eq_u32(hanger.done, hanger.want);
	igt_info("concurrency: %d threads x %u iterations on %d files, %u hangs: %.1f s\n",
		 NWORKERS, iters, NFILES, hanger.done, seconds_since(start));
	igt_info("jobs checked %u, cancelled %u, files closed with a job in flight %u\n",
		 jobs, cancelled, churned);
	igt_info("innocent resets seen by the workers' queues: %u\n", innocent);

	for (int i = 0; i < NFILES; i++) {
		osp_vm_del(sh.files[i].vm);
		osp_dev_close(sh.files[i].dev);
		drm_close_driver(sh.files[i].fd);
	}
	dumps = igt_osprey_devcoredump_dismiss_all(NULL);
	igt_assert_lte(1, dumps);
	{
		int fd = drm_open_driver_render(DRIVER_OSPREY);

		assert_live_counts(fd, gem0);
		drm_close_driver(fd);
	}
}

/*
 * Hang storm -------------------------------------------------------------------
 */

#define STORM_FILES 3
#define STORM_QUEUES 2
#define STORM_HANGS_PER_BATCH (STORM_FILES * STORM_QUEUES)
/* Batch slots of a storm file's buffer. */
#define SLOT_HANG 0
#define SLOT_GOOD_IN 1
#define SLOT_GOOD_AFTER 2
/* Data words of a storm file: what its good jobs store. */
#define GOOD_IN_OFF (JVAL + 0x0)
#define GOOD_AFTER_OFF (JVAL + 0x4)

/**
 * struct sfile - a file of the storm: hanging queues and a good one
 * @c: the file's buffer, and its good queue (@c.queue)
 * @hq: the queues that hang
 * @guilty: the hangs of each of @hq, as QUEUE_GET_STATE must count them
 * @hs: the hang jobs' syncobjs
 */
struct sfile {
	struct jctx c;
	uint32_t hq[STORM_QUEUES];
	unsigned int guilty[STORM_QUEUES];
	uint32_t hs[STORM_QUEUES];
};

/**
 * struct memfig - memory figures of the guest
 * @kmalloc_bytes: bytes of kmalloc-* objects in use (/proc/slabinfo)
 * @slab_bytes: bytes of all slab objects in use
 * @sunreclaim_kb: SUnreclaim of /proc/meminfo
 * @vmalloc_kb: VmallocUsed of /proc/meminfo
 * @available_kb: MemAvailable of /proc/meminfo
 * @ncaches: kmalloc caches in @names and @objs
 * @names: kmalloc caches
 * @objs: their objects in use
 */
struct memfig {
	uint64_t kmalloc_bytes, slab_bytes;
	uint64_t sunreclaim_kb, vmalloc_kb, available_kb;
	unsigned int ncaches;
	char names[96][64];
	uint64_t objs[96];
};

static uint64_t meminfo_kb(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	igt_assert_f(p, "/proc/meminfo has no %s\n", key);
	return strtoull(p + strlen(key), NULL, 10);
}

/*
 * Read the figures. The kmalloc caches are shrunk first (their per-CPU
 * slabs flushed), so that /proc/slabinfo's active objects are the objects
 * really in use, not what per-CPU slabs happen to hold.
 */
static bool read_memfig(struct memfig *m)
{
	char *text, *line, *next;

	memset(m, 0, sizeof(*m));
	text = igt_osprey_read_file("/proc/meminfo", NULL);
	igt_assert(text);
	m->sunreclaim_kb = meminfo_kb(text, "SUnreclaim:");
	m->vmalloc_kb = meminfo_kb(text, "VmallocUsed:");
	m->available_kb = meminfo_kb(text, "MemAvailable:");
	free(text);

	text = igt_osprey_read_file("/proc/slabinfo", NULL);
	if (!text)
		return false;
	for (line = text; line && *line; line = next) {
		char name[64], path[128];

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "%63s", name) != 1 || strncmp(name, "kmalloc-", 8))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", name);
		igt_osprey_sysfs_write(path, "1");
	}
	free(text);

	text = igt_osprey_read_file("/proc/slabinfo", NULL);
	igt_assert(text);
	for (line = text; line && *line; line = next) {
		unsigned long long active, total, size;
		char name[64];

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "%63s %llu %llu %llu", name, &active, &total, &size) != 4)
			continue;
		m->slab_bytes += active * size;
		if (strncmp(name, "kmalloc-", 8) || m->ncaches == ARRAY_SIZE(m->names))
			continue;
		m->kmalloc_bytes += active * size;
		snprintf(m->names[m->ncaches], sizeof(m->names[0]), "%s", name);
		m->objs[m->ncaches++] = active;
	}
	free(text);
	return true;
}

/* Tolerances of the comparison, in the docs: see test_hang_storm(). */
#define KMALLOC_SLACK (256 * 1024ull)
#define VMALLOC_SLACK_KB 2048ull
#define AVAILABLE_SLACK_KB 8192ull

/*
 * Whether @after is within the noise of @before: each kmalloc cache grew
 * by fewer objects than one per two hangs, kmalloc in all by less than
 * KMALLOC_SLACK, vmalloc by less than VMALLOC_SLACK_KB, and the memory
 * available shrank by less than AVAILABLE_SLACK_KB (pages: a capture's
 * buffer contents). @why says what not.
 */
static bool memfig_ok(const struct memfig *before, const struct memfig *after,
		      unsigned int hangs, char *why, size_t len)
{
	why[0] = '\0';
	for (unsigned int i = 0; i < after->ncaches; i++) {
		for (unsigned int j = 0; j < before->ncaches; j++) {
			if (strcmp(after->names[i], before->names[j]))
				continue;
			if (after->objs[i] > before->objs[j] + hangs / 2) {
				snprintf(why, len, "%s: %" PRIu64 " objects, %" PRIu64 " before",
					 after->names[i], after->objs[i], before->objs[j]);
				return false;
			}
		}
	}
	if (after->kmalloc_bytes > before->kmalloc_bytes + KMALLOC_SLACK) {
		snprintf(why, len, "kmalloc grew by %" PRIu64 " bytes",
			 after->kmalloc_bytes - before->kmalloc_bytes);
		return false;
	}
	if (after->vmalloc_kb > before->vmalloc_kb + VMALLOC_SLACK_KB) {
		snprintf(why, len, "vmalloc grew by %" PRIu64 " KiB",
			 after->vmalloc_kb - before->vmalloc_kb);
		return false;
	}
	if (after->available_kb + AVAILABLE_SLACK_KB < before->available_kb) {
		snprintf(why, len, "MemAvailable shrank by %" PRIu64 " KiB",
			 before->available_kb - after->available_kb);
		return false;
	}
	return true;
}

static void print_memfig(const char *what, const struct memfig *m)
{
	igt_info("%s: kmalloc %" PRIu64 " KiB in use, all slabs %" PRIu64
		 " KiB, SUnreclaim %" PRIu64 " KiB, VmallocUsed %" PRIu64
		 " KiB, MemAvailable %" PRIu64 " KiB\n", what, m->kmalloc_bytes / 1024,
		 m->slab_bytes / 1024, m->sunreclaim_kb, m->vmalloc_kb, m->available_kb);
}

/*
 * A queue's state, its innocence aside (whether a hang job sat on the
 * engine behind another queue's is up to the scheduler): @state and
 * @guilty exactly, no fault.
 */
static void assert_hang_state(int fd, uint32_t queue, uint32_t state, uint32_t guilty)
{
	struct drm_osprey_queue_get_state st;

	igt_osprey_queue_get_state(fd, queue, &st);
	igt_assert_f((st.state & ~DRM_OSPREY_QUEUE_STATE_INNOCENT) == state &&
		     st.guilty == guilty && st.faults == 0,
		     "queue %u: state %#x guilty %u innocent %u faults %u, expected %#x %u\n",
		     queue, st.state, st.guilty, st.innocent, st.faults, state, guilty);
}

static void storm_queues_new(int fd, struct sfile *f)
{
	for (int q = 0; q < STORM_QUEUES; q++) {
		f->hq[q] = igt_osprey_queue_create(fd, DRM_OSPREY_VM_DEFAULT,
						   DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
		f->guilty[q] = 0;
	}
}

static uint64_t stats_done(const struct igt_osprey_coredump_stats *s)
{
	return s->published + s->lost + s->failed;
}

/*
 * One batch: a hang on each queue of each file, and a good job on each
 * file's good queue, all submitted at once; the hangs end with -ETIMEDOUT
 * one after the other, the good jobs complete, and so do good jobs
 * submitted afterwards. Every hang is dumped: published if no dump was
 * pending when it was formatted, else lost (or failed).
 */
static void storm_batch(int dbg, struct sfile *files, unsigned int b, const char *device,
			uint64_t *published, uint64_t *lost, uint64_t *failed)
{
	struct igt_osprey_coredump_stats s0, s1;
	uint32_t good[STORM_FILES];
	struct igt_osprey_cs cs;
	bool pending = igt_osprey_devcoredump_find(device, NULL, 0) > 0;

	igt_osprey_coredump_stats(dbg, &s0);
	for (int i = 0; i < STORM_FILES; i++) {
		struct sfile *f = &files[i];

		jhang_batch(&f->c, SLOT_HANG, &cs);
		for (int q = 0; q < STORM_QUEUES; q++)
			f->hs[q] = jsubmit(&f->c, f->hq[q], &cs, 0);
		cpu_write(jword(&f->c, GOOD_IN_OFF), 0);
		jstore_batch(&f->c, SLOT_GOOD_IN, GOOD_IN_OFF, b << 8 | i, &cs);
		good[i] = jsubmit(&f->c, f->c.queue, &cs, 0);
	}
	for (int i = 0; i < STORM_FILES; i++) {
		struct sfile *f = &files[i];

		for (int q = 0; q < STORM_QUEUES; q++) {
			igt_assert_eq(wait_fence(f->c.fd, f->hs[q]), -ETIMEDOUT);
			f->guilty[q]++;
			syncobj_free(f->c.fd, f->hs[q]);
		}
		igt_assert_eq(wait_fence(f->c.fd, good[i]), 1);
		igt_assert_eq_u32(*jword(&f->c, GOOD_IN_OFF), b << 8 | i);
		syncobj_free(f->c.fd, good[i]);
	}
	/* The engine works after the batch. */
	for (int i = 0; i < STORM_FILES; i++)
		jrun_store(&files[i].c, files[i].c.queue, SLOT_GOOD_AFTER, GOOD_AFTER_OFF,
			   0x600d0000 | b << 4 | i);

	/* Every hang of the batch is accounted for once the worker is done. */
	igt_assert_f(igt_wait((igt_osprey_coredump_stats(dbg, &s1),
			       stats_done(&s1) >= stats_done(&s0) + STORM_HANGS_PER_BATCH),
			      hang_wait_ms(), 10),
		     "batch %u: captured %" PRIu64 " published %" PRIu64 " lost %" PRIu64
		     " failed %" PRIu64 ", before %" PRIu64 "/%" PRIu64 "/%" PRIu64
		     "/%" PRIu64 "\n", b, s1.captured, s1.published, s1.lost, s1.failed,
		     s0.captured, s0.published, s0.lost, s0.failed);
	igt_assert_eq_u64(stats_done(&s1), stats_done(&s0) + STORM_HANGS_PER_BATCH);
	igt_assert_lte_u64(s1.captured, s0.captured + STORM_HANGS_PER_BATCH);
	igt_assert_lte_u64(s1.published + s1.lost, s1.captured - s0.captured +
			   s0.published + s0.lost);
	/* A pending dump makes every dump of the batch lost; none, one published. */
	if (s1.failed == s0.failed)
		igt_assert_eq_u64(s1.published - s0.published, pending ? 0 : 1);
	*published += s1.published - s0.published;
	*lost += s1.lost - s0.lost;
	*failed += s1.failed - s0.failed;
	/* Every other batch, dismiss: the next one publishes its first dump. */
	if (b % 2)
		igt_osprey_devcoredump_dismiss_all(device);
}

static void test_hang_storm(void)
{
	unsigned int hangs_wanted = scaled(300, 150), hangs = 0, batches = 0, cycles = 0;
	uint64_t published = 0, lost = 0, failed = 0;
	struct igt_osprey_coredump_stats s0, s1;
	struct memfig m0, m1;
	struct sfile files[STORM_FILES];
	char device[64], why[256];
	bool have_slab, mem_ok;
	int gem0, jobs0, dbg;
	int64_t start;

	set_modules(false, true);
	live_counts(&gem0, &jobs0);
	igt_assert_eq(jobs0, 0);
	igt_osprey_devcoredump_dismiss_all(NULL);
	dbg = drm_open_driver_render(DRIVER_OSPREY);
	device_of(dbg, device, sizeof(device));
	for (int i = 0; i < STORM_FILES; i++) {
		jctx_init(&files[i].c, drm_open_driver_render(DRIVER_OSPREY));
		storm_queues_new(files[i].c.fd, &files[i]);
	}
	igt_osprey_coredump_stats(dbg, &s0);
	start = osp_now_ns();

	/*
	 * Warm-up: one batch, whose dumps also fill the debugfs history, so
	 * that the memory baseline holds as many kept dumps as the end.
	 */
	storm_batch(dbg, files, batches++, device, &published, &lost, &failed);
	hangs += STORM_HANGS_PER_BATCH;
	igt_osprey_devcoredump_dismiss_all(device);
	have_slab = read_memfig(&m0);

	/* Banning: hang_limit hangs ban each queue; fresh queues go on. */
	if (hang_limit_default > 0 && hang_limit_default <= 8) {
		for (; cycles < 2; cycles++) {
			while (files[0].guilty[0] < hang_limit_default) {
				storm_batch(dbg, files, batches++, device, &published, &lost,
					    &failed);
				hangs += STORM_HANGS_PER_BATCH;
			}
			for (int i = 0; i < STORM_FILES; i++) {
				struct sfile *f = &files[i];

				for (int q = 0; q < STORM_QUEUES; q++) {
					struct drm_osprey_submit s = {
						.queue_id = f->hq[q], .batch_va = f->c.va,
						.batch_size = 8,
					};

					assert_hang_state(f->c.fd, f->hq[q],
							  DRM_OSPREY_QUEUE_STATE_GUILTY |
							  DRM_OSPREY_QUEUE_STATE_BANNED,
							  hang_limit_default);
					igt_assert_eq(__igt_osprey_submit(f->c.fd, &s), -EIO);
					igt_osprey_queue_destroy(f->c.fd, f->hq[q]);
				}
				storm_queues_new(f->c.fd, f);
			}
		}
	}

	/* No bans: the same queues hang again and again. */
	set_hang_limit(0);
	while (hangs + STORM_HANGS_PER_BATCH <= hangs_wanted) {
		storm_batch(dbg, files, batches++, device, &published, &lost, &failed);
		hangs += STORM_HANGS_PER_BATCH;
	}
	for (int i = 0; i < STORM_FILES; i++) {
		for (int q = 0; q < STORM_QUEUES; q++) {
			struct drm_osprey_queue_get_state st;

			assert_hang_state(files[i].c.fd, files[i].hq[q],
					  DRM_OSPREY_QUEUE_STATE_GUILTY, files[i].guilty[q]);
			igt_osprey_queue_get_state(files[i].c.fd, files[i].hq[q], &st);
			igt_assert_eq_u32(st.hang_limit, 0);
			igt_assert_lt_u32(hang_limit_default, st.guilty);
		}
		/* The good queue: never guilty, at most innocent. */
		assert_hang_state(files[i].c.fd, files[i].c.queue, 0, 0);
	}
	set_hang_limit(hang_limit_default);

	/* Dumps: each hang published, lost or failed, exactly once. */
	igt_osprey_coredump_stats(dbg, &s1);
	igt_info("hang-storm: %u hangs survived, %u batches, %d files x %d queues: %.1f s\n",
		 hangs, batches, STORM_FILES, STORM_QUEUES, seconds_since(start));
	igt_info("bans: %u cycles of hang_limit %u, then hang_limit 0\n", cycles,
		 hang_limit_default);
	igt_info("dumps: captured %" PRIu64 ", published %" PRIu64 ", lost %" PRIu64
		 ", failed %" PRIu64 "\n", s1.captured - s0.captured, published, lost, failed);
	igt_assert_eq_u64(s1.published - s0.published, published);
	igt_assert_eq_u64(s1.lost - s0.lost, lost);
	igt_assert_eq_u64(s1.failed - s0.failed, failed);
	igt_assert_eq_u64(published + lost + failed, hangs);
	igt_assert_lte_u64(published + lost, s1.captured - s0.captured);
	igt_assert_lte_u64(s1.captured - s0.captured, hangs);
	igt_assert_lte(1, published);
	igt_assert_lte(1, lost);

	/* Memory: back to the warm-up's figures, within the noise. */
	igt_osprey_devcoredump_dismiss_all(device);
	if (have_slab) {
		mem_ok = igt_wait((read_memfig(&m1),
				   memfig_ok(&m0, &m1, hangs - STORM_HANGS_PER_BATCH, why,
					     sizeof(why))), 5000, 250);
		print_memfig("memory after the warm-up batch", &m0);
		print_memfig("memory after the storm", &m1);
		if (debug_tier)
			igt_info("debug kernel: not compared (KASAN quarantine); %s\n",
				 mem_ok ? "within the noise anyway" : why);
		else
			igt_assert_f(mem_ok, "memory grew: %s\n", why);
	} else {
		igt_info("no /proc/slabinfo: memory not compared\n");
	}

	for (int i = 0; i < STORM_FILES; i++) {
		int fd = files[i].c.fd;

		jctx_fini(&files[i].c);
		drm_close_driver(fd);
	}
	assert_live_counts(dbg, gem0);
	drm_close_driver(dbg);
}

/*
 * Unplug with everything in use --------------------------------------------------
 */

/* Every ioctl, the core's and Osprey's, on a file of an unplugged device. */
static void assert_all_enodev(int fd, uint32_t handle, uint32_t queue, uint32_t syncobj,
			      int dmabuf)
{
	struct drm_osprey_get_param gp = { .param = DRM_OSPREY_PARAM_GPU_MODEL };
	struct drm_osprey_gem_create gc = { .size = GPU_PAGE };
	struct drm_osprey_gem_mmap_offset mo = { .handle = handle };
	struct drm_osprey_gem_info gi = { .handle = handle };
	struct drm_osprey_gem_set_label sl = {
		.handle = handle, .size = 2, .label = to_user_pointer("x"),
	};
	struct drm_osprey_gem_wait gw = { .handle = handle };
	struct drm_osprey_vm_create vc = {};
	struct drm_osprey_vm_destroy vd = { .vm_id = 1 };
	struct drm_osprey_vm_bind vm = {
		.op = DRM_OSPREY_VM_BIND_OP_MAP, .handle = handle,
		.va = va_start + (1ull << 30), .size = GPU_PAGE,
	};
	struct drm_osprey_vm_bind vu = {
		.op = DRM_OSPREY_VM_BIND_OP_UNMAP, .va = va_start, .size = GPU_PAGE,
	};
	struct drm_osprey_queue_create qc = {};
	struct drm_osprey_queue_destroy qd = { .queue_id = queue };
	struct drm_osprey_submit sb = {
		.queue_id = queue, .batch_va = va_start, .batch_size = 4,
	};
	struct drm_osprey_queue_get_state qs = { .queue_id = queue };
	struct drm_gem_close gcl = { .handle = handle };
	struct drm_prime_handle ph = { .handle = handle, .flags = DRM_CLOEXEC };
	struct drm_prime_handle pf = { .fd = dmabuf };
	struct drm_syncobj_create sc = {};
	struct drm_syncobj_destroy sd = { .handle = syncobj };
	struct drm_syncobj_wait sw = {
		.handles = to_user_pointer(&syncobj), .count_handles = 1,
	};
	struct drm_syncobj_handle sh = { .handle = syncobj };
	struct drm_version ver = {};
	struct drm_get_cap cap = { .capability = DRM_CAP_SYNCOBJ };
	const struct {
		const char *name;
		unsigned long request;
		void *arg;
	} calls[] = {
		{ "GET_PARAM", DRM_IOCTL_OSPREY_GET_PARAM, &gp },
		{ "GEM_CREATE", DRM_IOCTL_OSPREY_GEM_CREATE, &gc },
		{ "GEM_MMAP_OFFSET", DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &mo },
		{ "GEM_INFO", DRM_IOCTL_OSPREY_GEM_INFO, &gi },
		{ "GEM_SET_LABEL", DRM_IOCTL_OSPREY_GEM_SET_LABEL, &sl },
		{ "GEM_WAIT", DRM_IOCTL_OSPREY_GEM_WAIT, &gw },
		{ "VM_CREATE", DRM_IOCTL_OSPREY_VM_CREATE, &vc },
		{ "VM_DESTROY", DRM_IOCTL_OSPREY_VM_DESTROY, &vd },
		{ "VM_BIND map", DRM_IOCTL_OSPREY_VM_BIND, &vm },
		{ "VM_BIND unmap", DRM_IOCTL_OSPREY_VM_BIND, &vu },
		{ "QUEUE_CREATE", DRM_IOCTL_OSPREY_QUEUE_CREATE, &qc },
		{ "SUBMIT", DRM_IOCTL_OSPREY_SUBMIT, &sb },
		{ "QUEUE_GET_STATE", DRM_IOCTL_OSPREY_QUEUE_GET_STATE, &qs },
		{ "QUEUE_DESTROY", DRM_IOCTL_OSPREY_QUEUE_DESTROY, &qd },
		{ "GEM_CLOSE", DRM_IOCTL_GEM_CLOSE, &gcl },
		{ "PRIME_HANDLE_TO_FD", DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph },
		{ "PRIME_FD_TO_HANDLE", DRM_IOCTL_PRIME_FD_TO_HANDLE, &pf },
		{ "SYNCOBJ_CREATE", DRM_IOCTL_SYNCOBJ_CREATE, &sc },
		{ "SYNCOBJ_WAIT", DRM_IOCTL_SYNCOBJ_WAIT, &sw },
		{ "SYNCOBJ_HANDLE_TO_FD", DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &sh },
		{ "SYNCOBJ_DESTROY", DRM_IOCTL_SYNCOBJ_DESTROY, &sd },
		{ "VERSION", DRM_IOCTL_VERSION, &ver },
		{ "GET_CAP", DRM_IOCTL_GET_CAP, &cap },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(calls); i++) {
		int ret;

		errno = 0;
		ret = ioctl(fd, calls[i].request, calls[i].arg);
		igt_assert_f(ret == -1 && errno == ENODEV,
			     "%s on an unplugged device: %d, errno %d (%s)\n", calls[i].name,
			     ret, errno, strerror(errno));
	}
}

/**
 * struct gate_thread - signal a gate once a render node has gone
 * @thread: the thread
 * @gate: the gate
 * @minor: the render node's minor
 * @ret: 0, or what went wrong (-ETIMEDOUT: the node never went)
 */
struct gate_thread {
	pthread_t thread;
	struct igt_osprey_gate *gate;
	int minor;
	int ret;
};

static void *gate_thread_main(void *arg)
{
	struct gate_thread *g = arg;
	int64_t deadline = osp_now_ns() + 30000000000ll;

	while (minor_exists(g->minor) && osp_now_ns() < deadline)
		usleep(1000);
	g->ret = minor_exists(g->minor) ? -ETIMEDOUT :
		 __vgem_fence_signal(g->gate->vgem, g->gate->fence);
	return NULL;
}

/* What a child checks through the old CPU mappings after the unplug. */
struct old_maps {
	volatile uint32_t *own, *exported, *imported;
	uint32_t words, imported_words;
	uint32_t own_seed, exported_seed, imported_seed;
	uint32_t new_seed;
};

/*
 * In a child: read every old mapping, write two of them, read back. Exit
 * 0 if all holds, 1 + which check failed otherwise; a SIGBUS kills it.
 */
static int old_maps_child(const struct old_maps *m)
{
	if (check_pattern(m->own, m->words, m->own_seed) >= 0)
		return 1;
	if (check_pattern(m->exported, m->words, m->exported_seed) >= 0)
		return 2;
	if (check_pattern(m->imported, m->imported_words, m->imported_seed) >= 0)
		return 3;
	fill_pattern(m->own, m->words, m->new_seed);
	fill_pattern(m->exported, m->words, m->new_seed + 1);
	if (check_pattern(m->own, m->words, m->new_seed) >= 0)
		return 4;
	if (check_pattern(m->exported, m->words, m->new_seed + 1) >= 0)
		return 5;
	return 0;
}

static void test_unplug_everything(void)
{
	const uint64_t size = 4 * GPU_PAGE;
	struct vgem_bo vbo = { .width = 64, .height = 64, .bpp = 32 };
	struct igt_osprey_bo *own, *exported;
	struct drm_osprey_sync in;
	struct igt_osprey_gate gate;
	struct gate_thread gt = {};
	struct igt_osprey_cs cs;
	struct old_maps m = {};
	struct jctx a, b;
	char device[64], dump[PATH_MAX], path[PATH_MAX];
	uint32_t vh, oh, qa2, s_run, s_behind, s_gated, s_fault;
	int fd_a, fd_b, vgem, dmabuf, vdmabuf, again, vgdmabuf, fd, status;
	int sf_run, sf_behind, sf_gated, sf_fault;
	int orig_minor, held_minor, gem0, jobs0, ref0, ref;
	uint64_t own_offset;
	void *vmap, *vgmap, *omap, *map;
	int64_t t0;
	pid_t child;

	/*
	 * The default job timeout: the job on the engine at the unbind must
	 * not be reset before it; the dump pending comes from a fault.
	 */
	set_modules(false, false);
	vgem = drm_open_driver(DRIVER_VGEM);
	igt_require(vgem >= 0);
	igt_require(vgem_has_fences(vgem));
	fd = drm_open_driver_render(DRIVER_OSPREY);
	device_of(fd, device, sizeof(device));
	orig_minor = render_minor(fd);
	drm_close_driver(fd);
	live_counts(&gem0, &jobs0);
	igt_assert_eq(jobs0, 0);
	igt_osprey_devcoredump_dismiss_all(NULL);
	ref0 = module_refcnt();

	fd_a = drm_open_driver_render(DRIVER_OSPREY);
	fd_b = drm_open_driver_render(DRIVER_OSPREY);
	jctx_init(&a, fd_a);
	jctx_init(&b, fd_b);
	qa2 = igt_osprey_queue_create(fd_a, DRM_OSPREY_VM_DEFAULT,
				      DRM_OSPREY_QUEUE_PRIORITY_NORMAL);

	/* CPU-mapped buffers: one of A's own, one of B's exported to vgem. */
	own = igt_osprey_bo_new(fd_a, size);
	fill_pattern(own->map, size / 4, 0x5701);
	own_offset = igt_osprey_gem_mmap_offset(fd_a, own->handle);
	exported = igt_osprey_bo_new(fd_b, size);
	fill_pattern(exported->map, size / 4, 0x5702);
	dmabuf = igt_osprey_prime_export(fd_b, exported->handle);
	vh = igt_osprey_prime_import(vgem, dmabuf);
	vdmabuf = igt_osprey_prime_export(vgem, vh);
	vmap = igt_osprey_dmabuf_mmap(vdmabuf, size, PROT_READ | PROT_WRITE);
	igt_assert_eq(check_pattern(vmap, size / 4, 0x5702), -1);
	/* And a vgem buffer imported into A, mapped through A. */
	vgem_create(vgem, &vbo);
	vgmap = vgem_mmap(vgem, &vbo, PROT_READ | PROT_WRITE);
	fill_pattern(vgmap, vbo.size / 4, 0x5703);
	vgdmabuf = igt_osprey_prime_export(vgem, vbo.handle);
	oh = igt_osprey_prime_import(fd_a, vgdmabuf);
	omap = igt_osprey_gem_mmap(fd_a, oh, vbo.size, PROT_READ | PROT_WRITE);
	igt_osprey_vm_map(fd_a, DRM_OSPREY_VM_DEFAULT, oh, 0, va_start + (1ull << 30),
			  vbo.size, 0);

	/* A dump pending: B's job faults. */
	jfault_batch(&b, 0, &cs);
	s_fault = jsubmit(&b, b.queue, &cs, 0);
	igt_assert_eq(wait_fence(fd_b, s_fault), -EFAULT);
	igt_assert_f(igt_wait(igt_osprey_devcoredump_find(device, dump, sizeof(dump)) == 1,
			      hang_wait_ms(), 10), "no devcoredump of the fault\n");

	/* A job on the engine, one behind it, one waiting for a gate. */
	jhang_batch(&a, 0, &cs);
	s_run = jsubmit(&a, a.queue, &cs, 0);
	wait_running(&a);
	jstore_batch(&a, 1, JVAL, 0xbe41d, &cs);
	s_behind = jsubmit(&a, qa2, &cs, 0);
	igt_osprey_gate_open(&gate);
	in.handle = igt_osprey_gate_syncobj(&gate, fd_b);
	jstore_batch(&b, 1, JVAL, 0x6a7ed, &cs);
	s_gated = jsubmit(&b, b.queue, &cs, in.handle);
	sf_run = export_sync_file(fd_a, s_run);
	sf_behind = export_sync_file(fd_a, s_behind);
	sf_gated = export_sync_file(fd_b, s_gated);
	sf_fault = export_sync_file(fd_b, s_fault);
	usleep(50 * 1000);
	igt_assert_eq(fence_status(fd_a, s_run), 0);
	igt_assert_eq(fence_status(fd_a, s_behind), 0);
	igt_assert_eq(fence_status(fd_b, s_gated), 0);

	/*
	 * Unbind. The remove waits for the gated job, which can only fail
	 * once its dependency signals: a thread opens the gate once the
	 * render node is gone (the device is unplugged by then).
	 */
	gt.gate = &gate;
	gt.minor = orig_minor;
	igt_assert_eq(pthread_create(&gt.thread, NULL, gate_thread_main, &gt), 0);
	t0 = osp_now_ns();
	igt_assert_eq(igt_osprey_sysfs_write(DRIVER_DIR "/unbind", device), 0);
	igt_info("unbind with jobs running, queued and gated, a dump pending: %.3f s\n",
		 seconds_since(t0));
	igt_assert_eq(pthread_join(gt.thread, NULL), 0);
	igt_assert_eq(gt.ret, 0);
	gate.signalled = true;
	igt_assert(!bound(device));
	igt_assert(!minor_exists(orig_minor));

	/* The dump went with the device, and the device's debugfs directory. */
	igt_assert_f(igt_wait(access(dump, F_OK) != 0, 5000, 10), "%s outlived the unbind\n",
		     dump);
	igt_assert_eq(igt_osprey_devcoredump_find(device, NULL, 0), 0);
	snprintf(path, sizeof(path), "%s/dri/%s", igt_debugfs_mount(), device);
	igt_assert_f(access(path, F_OK) != 0, "%s outlived the unbind\n", path);

	/* Jobs: those not done failed with -ENODEV; sync_files outlive the device. */
	igt_assert_eq(sync_file_wait(sf_run), -ENODEV);
	igt_assert_eq(sync_file_wait(sf_behind), -ENODEV);
	igt_assert_eq(sync_file_wait(sf_gated), -ENODEV);
	igt_assert_eq(sync_file_wait(sf_fault), -EFAULT);
	igt_assert_eq_u32(*jword(&a, JVAL), 0);
	igt_assert_eq_u32(*jword(&b, JVAL), 0);

	/* Every ioctl of the old files fails with -ENODEV, and so does mmap(). */
	assert_all_enodev(fd_a, own->handle, a.queue, s_run, vgdmabuf);
	assert_all_enodev(fd_b, exported->handle, b.queue, s_gated, dmabuf);
	errno = 0;
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd_a, own_offset);
	igt_assert_f(map == MAP_FAILED && errno == ENODEV,
		     "a new mmap() of an unplugged device: %p, errno %d\n", map, errno);

	/*
	 * The old CPU mappings keep working (drm_dev_unplug() zaps their page
	 * table entries; the next access faults the pages back in from the
	 * buffer, which lives on): checked in a child, so that a SIGBUS would
	 * be reported rather than kill the test.
	 */
	m = (struct old_maps){
		.own = own->map, .exported = exported->map, .imported = omap,
		.words = size / 4, .imported_words = vbo.size / 4,
		.own_seed = 0x5701, .exported_seed = 0x5702, .imported_seed = 0x5703,
		.new_seed = 0x5801,
	};
	child = fork();
	igt_assert(child >= 0);
	if (child == 0)
		_exit(old_maps_child(&m));
	igt_assert_eq(waitpid(child, &status, 0), child);
	igt_assert_f(!WIFSIGNALED(status), "an old mapping faulted: signal %d (%s)\n",
		     WTERMSIG(status), strsignal(WTERMSIG(status)));
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "old mappings: check %d failed\n", WEXITSTATUS(status));
	igt_info("old CPU mappings after the unplug: readable and writable, contents kept\n");
	/* What the child wrote through them is the buffers' contents. */
	igt_assert_eq(check_pattern(own->map, size / 4, 0x5801), -1);
	igt_assert_eq(check_pattern(vmap, size / 4, 0x5802), -1);

	/* vgem still uses its import: re-export, map anew, fence it. */
	again = igt_osprey_prime_export(vgem, vh);
	map = igt_osprey_dmabuf_mmap(again, size, PROT_READ | PROT_WRITE);
	igt_osprey_dmabuf_sync(again, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW);
	igt_assert_eq(check_pattern(map, size / 4, 0x5802), -1);
	fill_pattern(map, size / 4, 0x5803);
	igt_osprey_dmabuf_sync(again, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW);
	igt_assert_eq(check_pattern(exported->map, size / 4, 0x5803), -1);
	igt_assert_eq(munmap(map, size), 0);
	close(again);
	vgem_fence_signal(vgem, vgem_fence_attach(vgem, &(struct vgem_bo){ .handle = vh },
						  VGEM_FENCE_WRITE));

	/* Rebind with the old files open: a new device, new nodes, it works. */
	igt_assert_eq(igt_osprey_sysfs_write(DRIVER_DIR "/bind", device), 0);
	igt_assert(bound(device));
	fd = drm_open_driver_render(DRIVER_OSPREY);
	held_minor = render_minor(fd);
	igt_info("render minor %d before the unbind, %d after the rebind\n", orig_minor,
		 held_minor);
	igt_assert_neq(held_minor, orig_minor);
	{
		struct jctx c;

		jctx_init(&c, fd);
		jrun_store(&c, c.queue, 0, JVAL, 0x4eb0);
		jctx_fini(&c);
	}
	drm_close_driver(fd);
	fd = drm_open_driver_render(DRIVER_OSPREY);
	assert_live_counts(fd, gem0);
	drm_close_driver(fd);

	/* Let go, piece by piece: the last reference frees everything. */
	ref = module_refcnt();
	igt_info("osprey module references: %d with nothing open, %d held\n", ref0, ref);
	igt_assert_lt(ref0, ref);
	close(sf_run);
	close(sf_behind);
	close(sf_gated);
	close(sf_fault);
	drm_close_driver(fd_a);
	drm_close_driver(fd_b);
	igt_assert_eq(munmap(a.bo->map, JSIZE), 0);
	igt_assert_eq(munmap(b.bo->map, JSIZE), 0);
	igt_assert_eq(munmap(own->map, size), 0);
	igt_assert_eq(munmap(exported->map, size), 0);
	igt_assert_eq(munmap(omap, vbo.size), 0);
	free(a.bo);
	free(b.bo);
	free(own);
	free(exported);
	close(dmabuf);
	close(vgdmabuf);
	igt_assert_eq(munmap(vmap, size), 0);
	close(vdmabuf);
	/* vgem's import alone holds the dma-buf, which holds the module. */
	igt_assert_eq(module_refcnt(), ref0 + 1);
	gem_close(vgem, vh);
	igt_assert_f(igt_wait(module_refcnt() == ref0, 5000, 10),
		     "osprey module references: %d, expected %d\n", module_refcnt(), ref0);

	/*
	 * The old device is released: its minor is free again, and a
	 * device bound now gets it (DRM gives out the lowest free minor).
	 */
	igt_assert_lt(orig_minor, held_minor);
	igt_assert_eq(igt_osprey_sysfs_write(DRIVER_DIR "/unbind", device), 0);
	igt_assert_eq(igt_osprey_sysfs_write(DRIVER_DIR "/bind", device), 0);
	fd = drm_open_driver_render(DRIVER_OSPREY);
	igt_assert_f(render_minor(fd) == orig_minor,
		     "render minor %d: the old device still holds %d\n", render_minor(fd),
		     orig_minor);
	{
		struct jctx c;

		jctx_init(&c, fd);
		jrun_store(&c, c.queue, 0, JVAL, 0x4eb1);
		jctx_fini(&c);
	}
	drm_close_driver(fd);
	fd = drm_open_driver_render(DRIVER_OSPREY);
	assert_live_counts(fd, gem0);
	drm_close_driver(fd);

	igt_osprey_gate_close(&gate);
	igt_assert_eq(munmap(vgmap, vbo.size), 0);
	gem_close(vgem, vbo.handle);
	drm_close_driver(vgem);
	set_modules(false, true);
}

/*
 * Module reload loop ---------------------------------------------------------
 */

/*
 * The kernel log since @kmsg was opened: fail on any error-level record
 * (or a WARNING, BUG, Oops, refcount_t report) and return how many records
 * were read.
 */
static unsigned int kmsg_check(int kmsg, const char *when)
{
	unsigned int records = 0;
	char rec[2048];

	for (;;) {
		ssize_t n = read(kmsg, rec, sizeof(rec) - 1);
		unsigned int prio;
		char *msg;

		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on with the next */
		if (n <= 0)
			break;
		rec[n] = '\0';
		records++;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (sscanf(rec, "%u,", &prio) != 1)
			continue;
		igt_assert_f((prio & 7) > 3 && !strstr(msg, "WARNING:") &&
			     !strstr(msg, "BUG:") && !strstr(msg, "Oops") &&
			     !strstr(msg, "refcount_t"),
			     "kernel log %s: <%u> %s", when, prio & 7, msg);
	}
	return records;
}

static void test_module_reload_loop(void)
{
	unsigned int loops = scaled(30, 12), records = 0;
	char opts[64], device[64], dump[PATH_MAX];
	int kmsg, gem0 = -1;
	int64_t start;

	snprintf(opts, sizeof(opts), "timeout_ms=%u", SHORT_TIMEOUT_MS);
	set_modules(false, true);
	igt_osprey_devcoredump_dismiss_all(NULL);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	igt_require_f(kmsg >= 0, "no /dev/kmsg: %s\n", strerror(errno));
	igt_assert(lseek(kmsg, 0, SEEK_END) >= 0);
	start = osp_now_ns();

	for (unsigned int i = 0; i < loops; i++) {
		/* Which goes first: the driver, the GPU, the GPU under an open file. */
		unsigned int order = i % 3;
		struct igt_osprey_cs cs;
		struct jctx c;
		uint32_t s;
		int fd;

		fd = drm_open_driver_render(DRIVER_OSPREY);
		device_of(fd, device, sizeof(device));
		if (gem0 < 0)
			gem0 = igt_osprey_gem_count(fd);
		igt_assert_eq(igt_osprey_gem_count(fd), gem0);
		jctx_init(&c, fd);
		jrun_store(&c, c.queue, 0, JVAL, 0x10ad0000 | i);
		jfault_batch(&c, 1, &cs);
		s = jsubmit(&c, c.queue, &cs, 0);
		igt_assert_eq(wait_fence(fd, s), -EFAULT);
		igt_assert_f(igt_wait(igt_osprey_devcoredump_find(device, dump,
								  sizeof(dump)) == 1,
				      hang_wait_ms(), 10), "no devcoredump in round %u\n", i);

		if (order == 2) {
			/* The GPU goes under the open file and its pending dump. */
			struct drm_osprey_get_param gp = {
				.param = DRM_OSPREY_PARAM_GPU_MODEL,
			};

			igt_assert_eq(igt_kmod_unload("osprey_sim"), 0);
			do_ioctl_err(fd, DRM_IOCTL_OSPREY_GET_PARAM, &gp, ENODEV);
			igt_assert(access(dump, F_OK) != 0);
			igt_assert_eq(munmap(c.bo->map, JSIZE), 0);
			free(c.bo);
			drm_close_driver(fd);
		} else {
			syncobj_free(fd, s);
			jctx_fini(&c);
			drm_close_driver(fd);
			igt_assert_f(igt_wait(module_refcnt() == 0, 5000, 10),
				     "round %u: osprey held %d times with its files closed\n",
				     i, module_refcnt());
			/* The dump stays pending while the device is bound. */
			igt_assert_eq(igt_osprey_devcoredump_find(device, NULL, 0), 1);
			if (order == 1) {
				igt_assert_eq(igt_kmod_unload("osprey_sim"), 0);
				igt_assert_eq(igt_osprey_count_render_nodes(), 0);
			}
		}
		igt_assert_eq(igt_kmod_unload("osprey"), 0);
		igt_assert_eq(igt_osprey_count_render_nodes(), 0);
		igt_assert_eq(igt_osprey_devcoredump_find(device, NULL, 0), 0);
		if (order == 0)
			igt_assert_eq(igt_kmod_unload("osprey_sim"), 0);
		igt_assert(!igt_kmod_is_loaded("osprey"));
		igt_assert(!igt_kmod_is_loaded("osprey_sim"));
		records += kmsg_check(kmsg, "while unloading");

		igt_assert_eq(igt_kmod_load("osprey_sim", NULL), 0);
		igt_assert_eq(igt_kmod_load("osprey", opts), 0);
		igt_assert_eq(igt_osprey_count_render_nodes(), 1);
		records += kmsg_check(kmsg, "while loading");
	}
	igt_info("module-reload-loop: %u rounds in %.1f s, %u kernel log records, no error\n",
		 loops, seconds_since(start), records);
	close(kmsg);
	osprey_reloaded = true;
	timeout_ms = read_param("timeout_ms", 2000);
}

/*
 * Two devices ------------------------------------------------------------------
 */

#define SHARED_OFF 0x200000ull

static void test_two_devices(void)
{
	struct igt_osprey_coredump_stats sa0, sb0, sa1, sb1;
	struct drm_osprey_gem_info info;
	struct igt_osprey_bo *shared;
	struct igt_osprey_cs cs;
	struct jctx a, b;
	char name_a[64], name_b[64], dump[PATH_MAX];
	uint32_t imported, s_hang, s;
	uint64_t sa_va, sb_va;
	unsigned int during = 0, total = 0;
	int64_t hang_start, hang_end = 0, ts;
	int fd_a, fd_b, dmabuf;

	set_modules(true, true);
	igt_assert_eq(igt_osprey_count_render_nodes(), 2);
	fd_a = igt_osprey_open_render(0);
	fd_b = igt_osprey_open_render(1);
	igt_assert_fd(fd_a);
	igt_assert_fd(fd_b);
	device_of(fd_a, name_a, sizeof(name_a));
	device_of(fd_b, name_b, sizeof(name_b));
	igt_assert_f(strcmp(name_a, name_b), "both nodes are %s\n", name_a);
	igt_osprey_devcoredump_dismiss_all(NULL);
	igt_osprey_coredump_stats(fd_a, &sa0);
	igt_osprey_coredump_stats(fd_b, &sb0);

	jctx_init(&a, fd_a);
	jctx_init(&b, fd_b);
	shared = igt_osprey_bo_new(fd_a, 4 * GPU_PAGE);
	dmabuf = igt_osprey_prime_export(fd_a, shared->handle);
	imported = igt_osprey_prime_import(fd_b, dmabuf);
	igt_osprey_gem_info(fd_b, imported, &info);
	igt_assert_eq_u32(info.info, DRM_OSPREY_GEM_INFO_IMPORTED);
	sa_va = va_start + SHARED_OFF;
	sb_va = va_start + SHARED_OFF;
	igt_osprey_vm_map(fd_a, DRM_OSPREY_VM_DEFAULT, shared->handle, 0, sa_va,
			  shared->size, 0);
	igt_osprey_vm_map(fd_b, DRM_OSPREY_VM_DEFAULT, imported, 0, sb_va, shared->size, 0);

	/* A writes the shared buffer, B copies it into its own. */
	jcs(&a, 0, &cs);
	igt_osprey_emit_fill(&cs, sa_va, GPU_PAGE, 0xa11a);
	igt_osprey_emit_end(&cs);
	s = jsubmit(&a, a.queue, &cs, 0);
	igt_assert_eq(wait_fence(fd_a, s), 1);
	syncobj_free(fd_a, s);
	jcs(&b, 0, &cs);
	igt_osprey_emit_copy(&cs, jva(&b, 0x1000), sb_va, GPU_PAGE);
	igt_osprey_emit_end(&cs);
	s = jsubmit(&b, b.queue, &cs, 0);
	igt_assert_eq(wait_fence(fd_b, s), 1);
	syncobj_free(fd_b, s);
	igt_assert_eq(check_fill(jword(&b, 0x1000), GPU_PAGE / 4, 0xa11a), -1);

	/* B waits on the shared buffer for what A writes. */
	jcs(&b, 1, &cs);
	igt_osprey_emit_sem_wait(&cs, OSPREY_CMP_EQ, sb_va + GPU_PAGE, 0x600d);
	igt_osprey_emit_store(&cs, sb_va + GPU_PAGE + 4, 0xb0b);
	igt_osprey_emit_end(&cs);
	s = jsubmit(&b, b.queue, &cs, 0);
	jcs(&a, 1, &cs);
	igt_osprey_emit_store(&cs, sa_va + GPU_PAGE, 0x600d);
	igt_osprey_emit_end(&cs);
	syncobj_free(fd_a, jsubmit(&a, a.queue, &cs, 0));
	igt_assert_eq(wait_fence(fd_b, s), 1);
	syncobj_free(fd_b, s);
	igt_assert_eq_u32(((volatile uint32_t *)shared->map)[GPU_PAGE / 4 + 1], 0xb0b);

	/* A hangs, with the shared buffer in its VM; B's jobs go on meanwhile. */
	jhang_batch(&a, 2, &cs);
	s_hang = jsubmit(&a, a.queue, &cs, 0);
	wait_running(&a);
	hang_start = igt_osprey_monotonic_ns();
	for (uint32_t i = 0; !hang_end || total < during + 3; i++) {
		int status;

		igt_assert_lt_u32(i, 100000);
		jcs(&b, 2 + i % 2, &cs);
		igt_osprey_emit_copy(&cs, jva(&b, 0x2000), sb_va, 64);
		igt_osprey_emit_store(&cs, sb_va + 2 * GPU_PAGE + 4 * (i % 64), i);
		igt_osprey_emit_store(&cs, jva(&b, JVAL), i);
		igt_osprey_emit_end(&cs);
		s = jsubmit(&b, b.queue, &cs, 0);
		igt_assert_eq(wait_fence(fd_b, s), 1);
		igt_assert_eq(fence_status_ts(fd_b, s, &ts), 1);
		syncobj_free(fd_b, s);
		igt_assert_eq_u32(*jword(&b, JVAL), i);
		total++;
		status = fence_status_ts(fd_a, s_hang, &hang_end);
		igt_assert(status == 0 || status == -ETIMEDOUT);
		if (!hang_end || ts < hang_end)
			during += ts > hang_start;
	}
	igt_assert_eq(wait_fence(fd_a, s_hang), -ETIMEDOUT);
	igt_info("two-devices: %u of B's jobs completed during A's hang (%.3f s), %u in all\n",
		 during, (hang_end - hang_start) / 1e9, total);
	igt_assert_lte(2, during);

	/* A is guilty and dumped; B knows nothing of it. */
	assert_queue_state(fd_a, a.queue, DRM_OSPREY_QUEUE_STATE_GUILTY, 1, 0, 0);
	assert_queue_state(fd_b, b.queue, 0, 0, 0, 0);
	igt_assert_f(igt_wait(igt_osprey_devcoredump_find(name_a, dump, sizeof(dump)) == 1,
			      hang_wait_ms(), 10), "no devcoredump of %s\n", name_a);
	igt_osprey_coredump_stats(fd_a, &sa1);
	igt_osprey_coredump_stats(fd_b, &sb1);
	igt_assert_eq_u64(sa1.captured, sa0.captured + 1);
	igt_assert_eq_u64(sb1.captured, sb0.captured);
	igt_assert_eq_u64(sb1.published, sb0.published);
	igt_assert_eq(igt_osprey_devcoredump_find(name_b, NULL, 0), 0);
	igt_assert_eq(igt_osprey_devcoredump_dismiss(dump), 0);
	jrun_store(&a, a.queue, 4, JVAL, 0xa);
	jrun_store(&b, b.queue, 4, JVAL, 0xb);

	syncobj_free(fd_a, s_hang);
	close(dmabuf);
	igt_osprey_vm_unmap(fd_b, DRM_OSPREY_VM_DEFAULT, sb_va, shared->size);
	gem_close(fd_b, imported);
	igt_osprey_vm_unmap(fd_a, DRM_OSPREY_VM_DEFAULT, sa_va, shared->size);
	igt_osprey_bo_free(shared);
	jctx_fini(&a);
	jctx_fini(&b);
	close(fd_a);
	close(fd_b);
	set_modules(false, true);
	igt_assert_eq(igt_osprey_count_render_nodes(), 1);
}

/* Setup ------------------------------------------------------------------------ */

static void setup(void)
{
	struct utsname u;
	int fd;

	igt_require_f(access("/sys/class/devcoredump", F_OK) == 0,
		      "the kernel has no devcoredump\n");
	igt_assert_eq(uname(&u), 0);
	debug_tier = strstr(u.release, "osprey-debug");
	fd = drm_open_driver_render(DRIVER_OSPREY);
	igt_require_osprey(fd);
	va_start = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_VA_START);
	va_end = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_VA_END);
	igt_assert_lte_u64(va_start + (4ull << 30), va_end);
	drm_close_driver(fd);
	igt_install_exit_handler(restore_modules);
	set_modules(false, true);
	igt_info("%s kernel: job timeout %u ms, hang_limit %u\n",
		 debug_tier ? "debug" : "Debian", timeout_ms, hang_limit_default);
}

int igt_main()
{
	igt_fixture() {
		setup();
	}

	igt_describe("8 threads on 3 files: buffers, PRIME, binds, jobs, closes; hangs beside.");
	igt_subtest("concurrency")
		test_concurrency();

	igt_describe("Hundreds of hangs: recovery, bans, every dump counted, no memory growth.");
	igt_subtest("hang-storm")
		test_hang_storm();

	igt_describe("Unbind with everything in use: -ENODEV, old mappings, release, rebind.");
	igt_subtest("unplug-everything")
		test_unplug_everything();

	igt_describe("Reload the modules dozens of times with a job and a dump pending each time.");
	igt_subtest("module-reload-loop")
		test_module_reload_loop();

	igt_describe("Two GPUs share a buffer; one hangs, the other's jobs go on, unblamed.");
	igt_subtest("two-devices")
		test_two_devices();

	igt_fixture() {
		igt_osprey_devcoredump_dismiss_all(NULL);
		if (osprey_reloaded || sim_reloaded)
			set_modules(false, false);
	}
}
