// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * A seeded, structure-aware fuzzer of the Osprey uapi and of the DRM core
 * ioctls a driver gets for free (GEM_CLOSE, PRIME, syncobjs, GET_CAP,
 * VERSION, dumb buffers).
 *
 * Threads each own a few DRM files. Every file keeps pools of what the
 * fuzzer made in it (buffers, VMs, mappings, queues, syncobjs), live and
 * stale, and every call draws its arguments mostly from those pools, mixed
 * with stale and bogus values, boundary sizes, random flags and pads and
 * bad user pointers. Batches are sequences of valid instructions mixed with
 * invalid ones and garbage, aimed mostly at mapped memory. An ioctl that
 * returns an errno its documentation does not allow fails the run, as does
 * a call that takes longer than the watchdog, a job fence that never
 * signals, objects left behind, or a change to the victim file's buffer.
 *
 * The seed (OSPREY_FUZZ_SEED or --seed, else time-based) is printed first
 * and again with any failure. Each thread draws from its own stream, seed +
 * thread index; with several threads the interleaving makes a replay
 * approximate; OSPREY_FUZZ_THREADS=1 replays one stream exactly (as far as
 * the timing of jobs does not change the kernel's answers).
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

#include "igt.h"
#include "igt_kmod.h"
#include "igt_osprey.h"
#include "libosprey.h"
#include "osprey_isa.h"

IGT_TEST_DESCRIPTION("A seeded, structure-aware fuzzer of the Osprey and DRM core ioctls.");

#define GPU_PAGE 4096ull

/* The job timeout the fixture reloads osprey with, to keep hangs short. */
#define SHORT_TIMEOUT_MS 200

#define DEFAULT_THREADS 4
#define MAX_THREADS 16
#define FILES_PER_THREAD 2
#define CALLS_DEBIAN 200000ull
#define CALLS_DEBUG 60000ull

/* A call that takes longer than this (times the tier's factor) fails. */
#define WATCHDOG_S 30
/* Every job's fence must signal within this (times the tier's factor). */
#define FENCE_BOUND_S 60

/* Per file: a batch buffer (slots of BATCH_SLOT bytes) and a data buffer. */
#define HOME_BATCH_SIZE (64 * 1024ull)
#define BATCH_SLOT 4096ull
#define HOME_DATA_SIZE (64 * 1024ull)
/* In the data buffer: semaphore words, then what batches write to. */
#define SEM_OFF 0x1000ull
#define SEM_WORDS 1000
#define SCRATCH_OFF 0x2000ull

/* Buffers above this are created and closed, never mapped or bound. */
#define BIG_BO (4 * 1024 * 1024ull)

#define MAX_BOS 48
#define MAX_IDS 16
#define MAX_MAPS 64
#define MAX_SYNCOBJS 32
#define MAX_STALE 16
#define MAX_FDS 24
#define MAX_RELEASES 16
#define MAX_JOBS 256
#define SHARED_DMABUFS 16
#define HISTORY 16

/* The ioctls and other calls the fuzzer makes, each with its allowed errnos. */
enum fz_op {
	OP_GET_PARAM,
	OP_GEM_CREATE,
	OP_GEM_MMAP_OFFSET,
	OP_GEM_INFO,
	OP_GEM_SET_LABEL,
	OP_GEM_WAIT,
	OP_VM_CREATE,
	OP_VM_DESTROY,
	OP_VM_BIND,
	OP_QUEUE_CREATE,
	OP_QUEUE_DESTROY,
	OP_SUBMIT,
	OP_QUEUE_GET_STATE,
	OP_UNKNOWN_IOCTL,
	OP_GEM_CLOSE,
	OP_PRIME_HANDLE_TO_FD,
	OP_PRIME_FD_TO_HANDLE,
	OP_SYNCOBJ_CREATE,
	OP_SYNCOBJ_DESTROY,
	OP_SYNCOBJ_WAIT,
	OP_SYNCOBJ_TIMELINE_WAIT,
	OP_SYNCOBJ_TRANSFER,
	OP_SYNCOBJ_QUERY,
	OP_SYNCOBJ_SIGNAL,
	OP_SYNCOBJ_TIMELINE_SIGNAL,
	OP_SYNCOBJ_RESET,
	OP_SYNCOBJ_HANDLE_TO_FD,
	OP_SYNCOBJ_FD_TO_HANDLE,
	OP_GET_CAP,
	OP_VERSION,
	OP_CREATE_DUMB,
	OP_MAP_DUMB,
	OP_DESTROY_DUMB,
	OP_MMAP,
	NOPS
};

#define MAX_ALLOWED 10

struct op_desc {
	const char *name;
	int allowed[MAX_ALLOWED];	/* 0-terminated */
};

/*
 * From uapi/osprey_drm.h and docs/uapi.md for the Osprey ioctls, and from
 * the 6.12 DRM core (drm_gem.c, drm_prime.c, drm_syncobj.c,
 * drm_dumb_buffers.c, drm_ioctl.c) for the others. Every ioctl may also
 * give -ENODEV (unplugged), -EFAULT when its argument itself is
 * unreadable, and -EACCES for a render node on one not allowed there.
 */
static const struct op_desc ops[NOPS] = {
	[OP_GET_PARAM] = { "GET_PARAM", { EINVAL } },
	[OP_GEM_CREATE] = { "GEM_CREATE", { EINVAL, ENOMEM } },
	[OP_GEM_MMAP_OFFSET] = { "GEM_MMAP_OFFSET", { ENOENT, EINVAL, ENOMEM } },
	[OP_GEM_INFO] = { "GEM_INFO", { ENOENT, EINVAL } },
	[OP_GEM_SET_LABEL] = { "GEM_SET_LABEL", { ENOENT, EINVAL, EFAULT, ENOMEM } },
	[OP_GEM_WAIT] = { "GEM_WAIT", { ENOENT, EINVAL, ETIMEDOUT, EINTR } },
	[OP_VM_CREATE] = { "VM_CREATE", { EINVAL, ENOSPC, ENOMEM } },
	[OP_VM_DESTROY] = { "VM_DESTROY", { ENOENT, EINVAL } },
	[OP_VM_BIND] = { "VM_BIND", { EINVAL, ENOENT, EEXIST, ENOMEM, EINTR } },
	[OP_QUEUE_CREATE] = { "QUEUE_CREATE", { EINVAL, ENOENT, EACCES, ENOSPC, ENOMEM } },
	[OP_QUEUE_DESTROY] = { "QUEUE_DESTROY", { ENOENT, EINVAL } },
	[OP_SUBMIT] = { "SUBMIT", { EINVAL, ENOENT, EIO, EFAULT, ENOMEM } },
	[OP_QUEUE_GET_STATE] = { "QUEUE_GET_STATE", { ENOENT, EINVAL } },
	[OP_UNKNOWN_IOCTL] = { "(unknown driver ioctl)", { EINVAL, ENOTTY } },
	[OP_GEM_CLOSE] = { "GEM_CLOSE", { EINVAL } },
	[OP_PRIME_HANDLE_TO_FD] = { "PRIME_HANDLE_TO_FD",
				    { EINVAL, ENOENT, EMFILE, ENFILE, ENOMEM } },
	[OP_PRIME_FD_TO_HANDLE] = { "PRIME_FD_TO_HANDLE", { EBADF, EINVAL, ENOMEM } },
	[OP_SYNCOBJ_CREATE] = { "SYNCOBJ_CREATE", { EINVAL, ENOMEM } },
	[OP_SYNCOBJ_DESTROY] = { "SYNCOBJ_DESTROY", { EINVAL } },
	[OP_SYNCOBJ_WAIT] = { "SYNCOBJ_WAIT",
			      { EINVAL, ENOENT, EFAULT, ETIME, ENOMEM, EINTR } },
	[OP_SYNCOBJ_TIMELINE_WAIT] = { "SYNCOBJ_TIMELINE_WAIT",
				       { EINVAL, ENOENT, EFAULT, ETIME, ENOMEM, EINTR } },
	[OP_SYNCOBJ_TRANSFER] = { "SYNCOBJ_TRANSFER",
				  { EINVAL, ENOENT, ENOMEM, ETIME, EINTR } },
	[OP_SYNCOBJ_QUERY] = { "SYNCOBJ_QUERY", { EINVAL, ENOENT, EFAULT, ENOMEM } },
	[OP_SYNCOBJ_SIGNAL] = { "SYNCOBJ_SIGNAL", { EINVAL, ENOENT, EFAULT, ENOMEM } },
	[OP_SYNCOBJ_TIMELINE_SIGNAL] = { "SYNCOBJ_TIMELINE_SIGNAL",
					 { EINVAL, ENOENT, EFAULT, ENOMEM } },
	[OP_SYNCOBJ_RESET] = { "SYNCOBJ_RESET", { EINVAL, ENOENT, EFAULT, ENOMEM } },
	[OP_SYNCOBJ_HANDLE_TO_FD] = { "SYNCOBJ_HANDLE_TO_FD",
				      { EINVAL, ENOENT, EMFILE, ENFILE, ENOMEM } },
	[OP_SYNCOBJ_FD_TO_HANDLE] = { "SYNCOBJ_FD_TO_HANDLE", { EINVAL, ENOENT, ENOMEM } },
	[OP_GET_CAP] = { "GET_CAP", { EINVAL, EOPNOTSUPP } },
	[OP_VERSION] = { "VERSION", { EFAULT } },
	[OP_CREATE_DUMB] = { "MODE_CREATE_DUMB", { EINVAL, ENOMEM } },
	[OP_MAP_DUMB] = { "MODE_MAP_DUMB", { ENOENT, EINVAL, ENOMEM } },
	[OP_DESTROY_DUMB] = { "MODE_DESTROY_DUMB", { EINVAL } },
	[OP_MMAP] = { "mmap()", { EINVAL, EACCES, ENOMEM } },
};

#define ERRNO_SLOTS 134

/* Job outcomes: ok, then fence errors. */
enum job_result { JOB_OK, JOB_EFAULT, JOB_EINVAL, JOB_ETIMEDOUT, JOB_ESRCH,
		  JOB_ECANCELED, JOB_EIO, JOB_ENODEV, JOB_OTHER, NJOB_RESULTS };

struct fz_stats {
	uint64_t calls[NOPS];
	uint64_t errnos[NOPS][ERRNO_SLOTS];
	uint64_t jobs_submitted, jobs_done[NJOB_RESULTS];
	uint64_t cpu_accesses, file_reopens, fd_closes, hangs_meant;
	uint64_t tame_jobs, tame_failed;
};

/* xoshiro256**, seeded through splitmix64. */
struct rng {
	uint64_t s[4];
};

struct fbo {
	uint32_t handle;
	uint64_t size;
	void *map;
	bool dumb;
};

struct fmap {
	uint32_t vm;
	uint64_t va, size;
	bool ro;
};

/* An id pool: live ids, and a ring of ids that were destroyed. */
struct idpool {
	uint32_t live[MAX_IDS];
	unsigned int nlive;
	uint32_t stale[MAX_STALE];
	unsigned int nstale;
};

struct fsync {
	uint32_t handle;
	uint64_t point;		/* last timeline point signalled, 0 if binary */
	bool fence;		/* a job or a signal gave it a fence */
};

/* A SEM_WAIT the CPU releases a few calls after the submit. */
struct release {
	volatile uint32_t *word;
	uint32_t value;
	uint64_t due;
};

/* One DRM file and what the fuzzer made in it. */
struct ffile {
	int fd;
	bool primary;
	uint32_t track;			/* syncobj each job also signals */
	uint32_t home_queue, home_batch, home_data;
	struct fbo bos[MAX_BOS];
	unsigned int nbos;
	uint32_t stale_bos[MAX_STALE];
	unsigned int nstale_bos;
	struct fmap maps[MAX_MAPS];
	unsigned int nmaps;
	struct idpool vms, queues;
	struct { uint32_t queue, vm; } queue_vms[MAX_IDS];	/* the VM of each live queue */
	struct fsync syncs[MAX_SYNCOBJS];
	unsigned int nsyncs;
	uint32_t stale_syncs[MAX_STALE];
	unsigned int nstale_syncs;
	/* the home buffers; their handles may be closed by the fuzzer */
	uint32_t *batch_map, *data_map;
	uint64_t batch_va, data_va;
	unsigned int slot, sem_next;
	uint64_t next_va;		/* bump allocator, shared by the file's VMs */
	uint32_t seq;			/* job sequence number, stored by jobs */
	struct release releases[MAX_RELEASES];
	unsigned int nreleases;
	/* CPU mappings made through the fuzzer's mmap(), unmapped at close */
	struct { void *p; size_t len; } mmaps[MAX_BOS];
	unsigned int nmmaps;
};

enum fd_kind { FD_DMABUF, FD_SYNCOBJ, FD_SYNC_FILE };

struct thr {
	unsigned int index;
	pthread_t thread;
	struct rng rng;
	uint64_t budget, calls;
	struct ffile files[FILES_PER_THREAD];
	struct { int fd; enum fd_kind kind; } fds[MAX_FDS];
	unsigned int nfds;
	int jobs[MAX_JOBS];		/* sync_files of submitted jobs */
	bool jobs_tame[MAX_JOBS];	/* the job's batch was a tame one */
	unsigned int njobs, job_head;
	uint8_t *scratch;		/* valid user memory for arguments */
	struct fz_stats st;
	/* for the watchdog: the call in progress and when it started */
	int64_t call_start;
	int call_op;
	struct { uint8_t op; int16_t err; } history[HISTORY];
	bool altered;			/* the last fz_ioctl() changed its size */
	bool wild;			/* the batch being written aims anywhere */
	bool done;
};

/* Run parameters. */
static uint64_t seed;
static bool seed_given;
static unsigned int nthreads = DEFAULT_THREADS;
static uint64_t total_calls;
static bool unbounded;
static unsigned int slow = 1;

/* What GET_PARAM reports, read once. */
static uint64_t va_start, va_end, max_bo_size, max_batch_size, max_syncs;
static char render_path[PATH_MAX], primary_path[PATH_MAX];

/* User memory that is never readable, and a read-only page. */
static uint8_t *hole, *ropage;

static struct thr threads[MAX_THREADS];

static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static char fail_msg[2048];
static volatile bool stop;

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static int shared_dmabufs[SHARED_DMABUFS];
static unsigned int nshared;

static bool reloaded;

/* Random numbers ---------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t s)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&s);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rnd(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* A number in [0, n). */
static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

/* True one time in @n. */
static bool one_in(struct rng *r, uint64_t n)
{
	return below(r, n) == 0;
}

/* A flags or pad word: mostly 0, sometimes a random bit or word. */
static uint32_t rnd_mbz(struct rng *r, unsigned int rarity)
{
	if (!one_in(r, rarity))
		return 0;
	return one_in(r, 2) ? 1u << below(r, 32) : (uint32_t)rnd(r);
}

/* A boundary value for a 64-bit size, address or offset. */
static uint64_t rnd_edge(struct rng *r)
{
	static const uint64_t edges[] = {
		0, 1, 4, GPU_PAGE - 1, GPU_PAGE, GPU_PAGE + 1, 0x7fffffffull,
		0xffffffffull, 0x100000000ull, 1ull << 39, (1ull << 39) - GPU_PAGE,
		1ull << 63, ~0ull, ~0ull - GPU_PAGE + 1, ~0ull & ~(GPU_PAGE - 1),
	};

	if (one_in(r, 4))
		return rnd(r);
	return edges[below(r, ARRAY_SIZE(edges))];
}

/* A 32-bit handle or id: live most of the time, else stale or bogus. */
static uint32_t rnd_bogus_id(struct rng *r)
{
	switch (below(r, 5)) {
	case 0:
		return 0;
	case 1:
		return 1 + below(r, 64);
	case 2:
		return ~0u;
	case 3:
		return 1u << below(r, 32);
	default:
		return (uint32_t)rnd(r);
	}
}

static uint32_t pick_id(struct rng *r, const uint32_t *live, unsigned int nlive,
			const uint32_t *stale, unsigned int nstale)
{
	uint64_t k = below(r, 100);

	if (nlive && k < 80)
		return live[below(r, nlive)];
	if (nstale && k < 92)
		return stale[below(r, nstale < MAX_STALE ? nstale : MAX_STALE)];
	return rnd_bogus_id(r);
}

static void stale_push(uint32_t *stale, unsigned int *n, uint32_t id)
{
	stale[*n % MAX_STALE] = id;
	(*n)++;
}

static uint32_t pool_pick(struct rng *r, const struct idpool *p)
{
	return pick_id(r, p->live, p->nlive, p->stale, p->nstale);
}

static void pool_add(struct idpool *p, uint32_t id)
{
	if (p->nlive < MAX_IDS)
		p->live[p->nlive++] = id;
}

static void pool_remove(struct idpool *p, uint32_t id)
{
	for (unsigned int i = 0; i < p->nlive; i++) {
		if (p->live[i] == id) {
			p->live[i] = p->live[--p->nlive];
			stale_push(p->stale, &p->nstale, id);
			return;
		}
	}
}

/*
 * A user pointer to @len bytes: usually valid (the thread's scratch
 * memory), else NULL, never mapped, a kernel address, straddling into the
 * hole, or read-only (bad only for what the kernel writes).
 */
static uint64_t rnd_uptr(struct thr *t, size_t len, unsigned int rarity)
{
	struct rng *r = &t->rng;

	if (!one_in(r, rarity))
		return (uintptr_t)t->scratch;
	switch (below(r, 7)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)hole + below(r, GPU_PAGE);
	case 2:
		return 0xffff888000000000ull + below(r, 1 << 20) * 8;
	case 3:
		return 0xffffffff81000000ull;
	case 4:
		return (uintptr_t)hole - (len > 1 ? len / 2 : 1);
	case 5:
		return (uintptr_t)ropage;
	default:
		return (uintptr_t)t->scratch + 1 + below(r, 7);
	}
}

/* Recording calls and failures ------------------------------------------- */

static int64_t now_ns(void)
{
	return igt_osprey_monotonic_ns();
}

static const char *errno_name(int err)
{
	switch (err) {
	case 0: return "ok";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENFILE: return "ENFILE";
	case EMFILE: return "EMFILE";
	case ENOTTY: return "ENOTTY";
	case ENOSPC: return "ENOSPC";
	case ETIME: return "ETIME";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECANCELED: return "ECANCELED";
	default: return NULL;
	}
}

static void fail(struct thr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct thr *t, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	pthread_mutex_lock(&fail_lock);
	if (!fail_msg[0]) {
		n = snprintf(fail_msg, sizeof(fail_msg),
			     "thread %u, call %" PRIu64 ": %s\n  last calls:", t->index,
			     t->calls, msg);
		for (unsigned int i = 0; i < HISTORY && n < (int)sizeof(fail_msg) - 64; i++) {
			unsigned int k = (t->calls + i) % HISTORY;
			const char *e = errno_name(t->history[k].err);

			n += snprintf(fail_msg + n, sizeof(fail_msg) - n, " %s=%s",
				      ops[t->history[k].op].name, e ? e : "?");
		}
	}
	stop = true;
	pthread_mutex_unlock(&fail_lock);
}

static bool allowed(enum fz_op op, int err, bool render, bool bad_arg)
{
	if (err == ENODEV || (bad_arg && err == EFAULT))
		return true;
	if (render && err == EACCES &&
	    (op == OP_CREATE_DUMB || op == OP_MAP_DUMB || op == OP_DESTROY_DUMB))
		return true;
	for (int i = 0; i < MAX_ALLOWED && ops[op].allowed[i]; i++)
		if (ops[op].allowed[i] == err)
			return true;
	return false;
}

static void record(struct thr *t, enum fz_op op, int err, bool render, bool bad_arg)
{
	const char *name;

	t->st.calls[op]++;
	t->st.errnos[op][err < ERRNO_SLOTS ? err : ERRNO_SLOTS - 1]++;
	t->history[t->calls % HISTORY].op = op;
	t->history[t->calls % HISTORY].err = err;
	t->calls++;
	if (err && !allowed(op, err, render, bad_arg)) {
		name = errno_name(err);
		fail(t, "%s returned %s (%d), which its documentation does not allow",
		     ops[op].name, name ? name : "an unknown errno", err);
	}
}

static void call_begin(struct thr *t, enum fz_op op)
{
	__atomic_store_n(&t->call_op, op, __ATOMIC_RELAXED);
	__atomic_store_n(&t->call_start, now_ns(), __ATOMIC_RELEASE);
}

static void call_end(struct thr *t)
{
	__atomic_store_n(&t->call_start, 0, __ATOMIC_RELEASE);
}

/*
 * One fuzzed ioctl: sometimes with an unreadable argument, sometimes with
 * the argument's size in the request number changed (the DRM core
 * zero-fills or drops the difference). Returns 0 or -errno.
 */
static int fz_ioctl(struct thr *t, struct ffile *f, enum fz_op op, unsigned long req,
		    void *arg)
{
	struct rng *r = &t->rng;
	bool bad_arg = false;
	void *p = arg;
	int ret, err;

	t->altered = false;
	if (one_in(r, 400)) {
		bad_arg = true;
		p = (void *)(uintptr_t)(one_in(r, 2) ? (uintptr_t)hole :
					 one_in(r, 2) ? 0 : 0xffff888000000000ull);
	} else if (op < OP_UNKNOWN_IOCTL && one_in(r, 200)) {
		unsigned int size = _IOC_SIZE(req);

		/* A GEM_CREATE cut short would hide its handle: only longer. */
		if (op != OP_GEM_CREATE && one_in(r, 2))
			size -= 4 * (1 + below(r, size / 4));
		else
			size += 8;
		req = (req & ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
		      ((unsigned long)size << _IOC_SIZESHIFT);
		t->altered = true;
	}
	call_begin(t, op);
	do {
		ret = ioctl(f->fd, req, p);
		err = ret == -1 ? errno : 0;
	} while (err == EINTR || err == EAGAIN);
	call_end(t);
	record(t, op, err, !f->primary, bad_arg);
	return -err;
}

/* An ioctl the fuzzer needs to succeed for its bookkeeping: not fuzzed. */
static int plain_ioctl(struct thr *t, struct ffile *f, enum fz_op op, unsigned long req,
		       void *arg)
{
	int ret, err;

	call_begin(t, op);
	do {
		ret = ioctl(f->fd, req, arg);
		err = ret == -1 ? errno : 0;
	} while (err == EINTR || err == EAGAIN);
	call_end(t);
	record(t, op, err, !f->primary, false);
	return -err;
}

/* Jobs --------------------------------------------------------------------- */

static enum job_result job_result_of(int status)
{
	switch (status) {
	case 1: return JOB_OK;
	case -EFAULT: return JOB_EFAULT;
	case -EINVAL: return JOB_EINVAL;
	case -ETIMEDOUT: return JOB_ETIMEDOUT;
	case -ESRCH: return JOB_ESRCH;
	case -ECANCELED: return JOB_ECANCELED;
	case -EIO: return JOB_EIO;
	case -ENODEV: return JOB_ENODEV;
	default: return JOB_OTHER;
	}
}

/* Wait for a job's sync_file to signal, within @timeout_ms; record it. */
static bool job_reap(struct thr *t, unsigned int i, int timeout_ms)
{
	int fd = t->jobs[i];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int status, ret;

	call_begin(t, NOPS);
	ret = poll(&pfd, 1, timeout_ms);
	call_end(t);
	if (ret < 0)
		return false;
	if (ret == 0) {
		if (timeout_ms)
			fail(t, "a job's fence did not signal within %d ms", timeout_ms);
		return false;
	}
	status = osp_sync_file_status(fd, false, NULL);
	if (status == 0)
		fail(t, "a sync_file polled ready but its fence is pending");
	t->st.jobs_done[job_result_of(status)]++;
	if (t->jobs_tame[i]) {
		t->st.tame_jobs++;
		t->st.tame_failed += status != 1;
	}
	close(fd);
	return true;
}

static int fence_bound_ms(void)
{
	return FENCE_BOUND_S * 1000 * slow;
}

static void job_push(struct thr *t, int fd, bool tame)
{
	if (t->njobs == MAX_JOBS) {
		job_reap(t, t->job_head, fence_bound_ms());
		t->job_head = (t->job_head + 1) % MAX_JOBS;
		t->njobs--;
	}
	t->jobs[(t->job_head + t->njobs) % MAX_JOBS] = fd;
	t->jobs_tame[(t->job_head + t->njobs) % MAX_JOBS] = tame;
	t->njobs++;
	t->st.jobs_submitted++;
	/* Reap what is already done at the head, without waiting. */
	while (t->njobs && job_reap(t, t->job_head, 0)) {
		t->job_head = (t->job_head + 1) % MAX_JOBS;
		t->njobs--;
	}
}

static void jobs_drain(struct thr *t)
{
	while (t->njobs) {
		job_reap(t, t->job_head, fence_bound_ms());
		t->job_head = (t->job_head + 1) % MAX_JOBS;
		t->njobs--;
	}
}

/* Files -------------------------------------------------------------------- */

static void fd_push(struct thr *t, int fd, enum fd_kind kind)
{
	if (t->nfds == MAX_FDS) {
		unsigned int i = below(&t->rng, MAX_FDS);

		close(t->fds[i].fd);
		t->fds[i] = t->fds[--t->nfds];
	}
	t->fds[t->nfds].fd = fd;
	t->fds[t->nfds].kind = kind;
	t->nfds++;
}

static void *cpu_map(struct ffile *f, uint64_t offset, uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, offset);

	return p == MAP_FAILED ? NULL : p;
}

static void mmap_track(struct ffile *f, void *p, size_t len)
{
	if (f->nmmaps == MAX_BOS) {
		munmap(p, len);
		return;
	}
	f->mmaps[f->nmmaps].p = p;
	f->mmaps[f->nmmaps].len = len;
	f->nmmaps++;
}

/* A buffer in the pool; the pool's oldest is closed if it is full. */
static void bo_add(struct thr *t, struct ffile *f, uint32_t handle, uint64_t size,
		   bool dumb)
{
	struct drm_gem_close cl = { 0 };
	struct fbo *b;

	if (f->nbos == MAX_BOS) {
		unsigned int i = below(&t->rng, MAX_BOS);

		cl.handle = f->bos[i].handle;
		plain_ioctl(t, f, OP_GEM_CLOSE, DRM_IOCTL_GEM_CLOSE, &cl);
		stale_push(f->stale_bos, &f->nstale_bos, cl.handle);
		f->bos[i] = f->bos[--f->nbos];
	}
	b = &f->bos[f->nbos++];
	memset(b, 0, sizeof(*b));
	b->handle = handle;
	b->size = size;
	b->dumb = dumb;
}

static void bo_forget(struct ffile *f, uint32_t handle)
{
	for (unsigned int i = 0; i < f->nbos; i++) {
		if (f->bos[i].handle == handle) {
			f->bos[i] = f->bos[--f->nbos];
			stale_push(f->stale_bos, &f->nstale_bos, handle);
			return;
		}
	}
}

static struct fbo *bo_find(struct ffile *f, uint32_t handle)
{
	for (unsigned int i = 0; i < f->nbos; i++)
		if (f->bos[i].handle == handle)
			return &f->bos[i];
	return NULL;
}

static uint32_t pick_bo(struct thr *t, struct ffile *f)
{
	uint32_t live[MAX_BOS] = { 0 };

	for (unsigned int i = 0; i < f->nbos; i++)
		live[i] = f->bos[i].handle;
	return pick_id(&t->rng, live, f->nbos, f->stale_bos, f->nstale_bos);
}

static void map_add(struct ffile *f, uint32_t vm, uint64_t va, uint64_t size, bool ro)
{
	if (f->nmaps == MAX_MAPS)
		f->maps[2] = f->maps[--f->nmaps];
	f->maps[f->nmaps].vm = vm;
	f->maps[f->nmaps].va = va;
	f->maps[f->nmaps].size = size;
	f->maps[f->nmaps].ro = ro;
	f->nmaps++;
}

/* Forget the mappings of [va, va + size) in @vm (splits are approximate). */
static void map_remove(struct ffile *f, uint32_t vm, uint64_t va, uint64_t size)
{
	for (unsigned int i = 0; i < f->nmaps;) {
		struct fmap *m = &f->maps[i];

		if (m->vm != vm || m->va >= va + size || va >= m->va + m->size)
			i++;
		else if (i < 2)
			m->size = 0;	/* a home slot: keep the others in place */
		else
			*m = f->maps[--f->nmaps];
	}
}

static uint64_t va_alloc(struct rng *r, struct ffile *f, uint64_t size)
{
	uint64_t va;

	if (f->next_va + size + 16 * GPU_PAGE >= va_end)
		f->next_va = va_start + 2 * HOME_BATCH_SIZE + 2 * HOME_DATA_SIZE;
	va = f->next_va;
	/* Sometimes leave a hole, so that neighbours are unmapped. */
	f->next_va += size + (one_in(r, 4) ? GPU_PAGE * below(r, 16) : 0);
	return va;
}

static bool file_open(struct thr *t, struct ffile *f)
{
	struct drm_osprey_gem_create bc = { .size = HOME_BATCH_SIZE };
	struct drm_osprey_gem_create dc = { .size = HOME_DATA_SIZE };
	struct drm_osprey_gem_mmap_offset mo = { 0 };
	struct drm_osprey_vm_bind vb = { 0 };
	struct drm_osprey_queue_create qc = { 0 };
	struct drm_syncobj_create sc = { 0 };
	struct rng *r = &t->rng;

	memset(f, 0, sizeof(*f));
	f->primary = one_in(r, 4);
	f->fd = open(f->primary ? primary_path : render_path, O_RDWR | O_CLOEXEC);
	if (f->fd < 0) {
		fail(t, "cannot open %s: %s", f->primary ? primary_path : render_path,
		     strerror(errno));
		return false;
	}
	if (plain_ioctl(t, f, OP_SYNCOBJ_CREATE, DRM_IOCTL_SYNCOBJ_CREATE, &sc))
		return false;
	f->track = sc.handle;
	f->batch_va = va_start;
	f->data_va = va_start + HOME_BATCH_SIZE;
	f->next_va = va_start + 2 * HOME_BATCH_SIZE + 2 * HOME_DATA_SIZE;

	if (plain_ioctl(t, f, OP_GEM_CREATE, DRM_IOCTL_OSPREY_GEM_CREATE, &bc) ||
	    plain_ioctl(t, f, OP_GEM_CREATE, DRM_IOCTL_OSPREY_GEM_CREATE, &dc))
		return false;
	mo.handle = bc.handle;
	if (plain_ioctl(t, f, OP_GEM_MMAP_OFFSET, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &mo))
		return false;
	f->batch_map = cpu_map(f, mo.offset, HOME_BATCH_SIZE);
	mo.handle = dc.handle;
	if (plain_ioctl(t, f, OP_GEM_MMAP_OFFSET, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &mo))
		return false;
	f->data_map = cpu_map(f, mo.offset, HOME_DATA_SIZE);
	if (!f->batch_map || !f->data_map) {
		fail(t, "cannot mmap the home buffers: %s", strerror(errno));
		return false;
	}
	mmap_track(f, f->batch_map, HOME_BATCH_SIZE);
	mmap_track(f, f->data_map, HOME_DATA_SIZE);
	bo_add(t, f, bc.handle, HOME_BATCH_SIZE, false);
	bo_add(t, f, dc.handle, HOME_DATA_SIZE, false);

	vb.op = DRM_OSPREY_VM_BIND_OP_MAP;
	vb.handle = bc.handle;
	vb.va = f->batch_va;
	vb.size = HOME_BATCH_SIZE;
	if (plain_ioctl(t, f, OP_VM_BIND, DRM_IOCTL_OSPREY_VM_BIND, &vb))
		return false;
	map_add(f, 0, vb.va, vb.size, false);
	vb.handle = dc.handle;
	vb.va = f->data_va;
	vb.size = HOME_DATA_SIZE;
	if (plain_ioctl(t, f, OP_VM_BIND, DRM_IOCTL_OSPREY_VM_BIND, &vb))
		return false;
	map_add(f, 0, vb.va, vb.size, false);

	pool_add(&f->vms, DRM_OSPREY_VM_DEFAULT);
	if (plain_ioctl(t, f, OP_QUEUE_CREATE, DRM_IOCTL_OSPREY_QUEUE_CREATE, &qc))
		return false;
	f->queue_vms[0].queue = qc.queue_id;
	pool_add(&f->queues, qc.queue_id);
	f->home_queue = qc.queue_id;
	f->home_batch = bc.handle;
	f->home_data = dc.handle;
	return true;
}

static void releases_flush(struct ffile *f, uint64_t now)
{
	for (unsigned int i = 0; i < f->nreleases;) {
		struct release *rl = &f->releases[i];

		if (rl->due <= now) {
			__atomic_store_n(rl->word, rl->value, __ATOMIC_SEQ_CST);
			*rl = f->releases[--f->nreleases];
		} else {
			i++;
		}
	}
}

/* Close a file with whatever it holds: jobs running, mappings, buffers. */
static void file_close(struct thr *t, struct ffile *f)
{
	if (f->fd < 0)
		return;
	releases_flush(f, ~0ull);
	close(f->fd);
	f->fd = -1;
	/* CPU mappings keep their buffers alive past the close. */
	for (unsigned int i = 0; i < f->nmmaps; i++)
		munmap(f->mmaps[i].p, f->mmaps[i].len);
	f->nmmaps = 0;
	t->st.file_reopens++;
}

/* Instructions ------------------------------------------------------------- */

struct batch {
	uint32_t w[BATCH_SLOT / 4];
	uint32_t n;
	uint32_t starts[256];		/* word index of each main instruction */
	uint32_t nstarts;
	uint32_t jumps[16], calls[16];	/* word index of JUMP/CALL to fix up */
	uint32_t njumps, ncalls;
	bool hang;
};

static void emit(struct batch *b, const struct osprey_insn *insn)
{
	int n;

	if (b->n + OSPREY_INSN_MAX_WORDS > BATCH_SLOT / 4 - 8)
		return;
	n = osprey_insn_encode(insn, b->w + b->n, BATCH_SLOT / 4 - b->n);
	if (n <= 0) {
		fprintf(stderr, "fuzzer bug: opcode %#x does not encode: %s\n",
			insn->opcode, osprey_insn_strerror(n));
		abort();
	}
	b->n += n;
}

static void emit_raw(struct batch *b, uint32_t word)
{
	if (b->n < BATCH_SLOT / 4 - 8)
		b->w[b->n++] = word;
}

/* A GPU address for an access of @bytes, aligned to @align, mostly mapped. */
static uint64_t pick_va(struct thr *t, struct ffile *f, uint32_t vm, uint64_t bytes,
			uint64_t align)
{
	struct rng *r = &t->rng;
	uint64_t k = below(r, 100), va;

	if (bytes > HOME_DATA_SIZE - SCRATCH_OFF)
		bytes = HOME_DATA_SIZE - SCRATCH_OFF;
	if (!t->wild)
		k = k * 82 / 100;
	if (k < 70) {
		/* The home data buffer, mapped in most of the file's VMs. */
		va = f->data_va + SCRATCH_OFF +
		     below(r, HOME_DATA_SIZE - SCRATCH_OFF - bytes + 1);
	} else if (k < 82 && f->nmaps) {
		const struct fmap *m = &f->maps[below(r, f->nmaps)];
		unsigned int start = below(r, f->nmaps);

		/* A tame batch stays in its VM's writable mappings, if it can. */
		for (unsigned int i = 0; !t->wild && i < f->nmaps; i++) {
			const struct fmap *c = &f->maps[(start + i) % f->nmaps];

			if (c->vm == vm && !c->ro && c->size) {
				m = c;
				break;
			}
		}
		va = m->va + below(r, m->size > bytes ? m->size - bytes + 1 : 1);
		/* Not over the semaphores, unless wild. */
		if (!t->wild && va >= f->data_va && va < f->data_va + SCRATCH_OFF)
			va += SCRATCH_OFF;
	} else if (k < 86) {
		/* Another slot of the batch buffer: a later job's batch. */
		va = f->batch_va + below(r, HOME_BATCH_SIZE - bytes + 1);
	} else if (k < 92) {
		va = va_start + below(r, va_end - va_start);
	} else if (k < 95) {
		va = below(r, va_start);
	} else if (k < 98) {
		va = va_end + below(r, 1ull << 40);
	} else {
		va = rnd(r);
	}
	return va & ~(align - 1);
}

static uint32_t pick_bytes(struct thr *t)
{
	struct rng *r = &t->rng;

	if (!t->wild)
		return 4 * (1 + below(r, one_in(r, 4) ? 1024 : 64));
	switch (below(r, 10)) {
	case 0:
		return 0;
	case 1:
		return 4 * (1 + below(r, 4096));
	case 2:
		return one_in(r, 4) ? 0xfffffffcu : 4 * (1 + below(r, 16384));
	default:
		return 4 * (1 + below(r, 64));
	}
}

/* A SEM_WAIT that holds now, soon, or (rarely) never. */
static void emit_sem_wait(struct thr *t, struct ffile *f, struct batch *b, uint32_t vm)
{
	struct rng *r = &t->rng;
	unsigned int idx = f->sem_next++ % SEM_WORDS;	/* one per job in flight */
	volatile uint32_t *word = f->data_map + (SEM_OFF / 4) + idx;
	uint64_t va = f->data_va + SEM_OFF + 4 * idx;
	uint32_t v = (uint32_t)rnd(r) | 1;
	uint64_t k = below(r, 1000);
	struct osprey_insn in = { .opcode = OSPREY_OP_SEM_WAIT };

	if (vm != DRM_OSPREY_VM_DEFAULT && !one_in(r, 4)) {
		/* Not the home VM: wait on something the batch stores first. */
		va = pick_va(t, f, vm, 4, 4);
		in = (struct osprey_insn){ .opcode = OSPREY_OP_STORE, .va = va, .value = v };
		emit(b, &in);
		in = (struct osprey_insn){ .opcode = OSPREY_OP_SEM_WAIT,
					   .modifier = OSPREY_CMP_EQ, .va = va, .value = v };
		emit(b, &in);
		return;
	}
	in.va = va;
	in.value = v;
	if (k < 600) {
		/* The CPU writes it now. */
		__atomic_store_n(word, v, __ATOMIC_SEQ_CST);
		in.modifier = one_in(r, 2) ? OSPREY_CMP_EQ : OSPREY_CMP_GE;
	} else if (k < 800) {
		/* The batch stores it first. */
		struct osprey_insn st = { .opcode = OSPREY_OP_STORE, .va = va, .value = v };

		emit(b, &st);
		in.modifier = OSPREY_CMP_EQ;
	} else if (k < 997 && f->nreleases < MAX_RELEASES) {
		/* The CPU writes it a few calls from now. */
		__atomic_store_n(word, v - 1, __ATOMIC_SEQ_CST);
		f->releases[f->nreleases].word = word;
		f->releases[f->nreleases].value = v;
		f->releases[f->nreleases].due = t->calls + 1 + below(r, 8);
		f->nreleases++;
		in.modifier = OSPREY_CMP_EQ;
	} else if (k < 999) {
		/* The job sequence number, which earlier jobs may have stored. */
		in.va = f->data_va + SEM_OFF - 4;
		in.value = f->seq > 2 ? f->seq - 2 : 0;
		in.modifier = OSPREY_CMP_GE;
		b->hang = true;
	} else {
		/* Never: the driver times the job out. */
		__atomic_store_n(word, v - 1, __ATOMIC_SEQ_CST);
		in.modifier = OSPREY_CMP_EQ;
		b->hang = true;
	}
	emit(b, &in);
}

/* Garbage: what osprey_insn_decode() refuses, or random words. */
static void emit_garbage(struct rng *r, struct batch *b)
{
	uint32_t op = below(r, 12), len = osprey_op_words(op);

	switch (below(r, 6)) {
	case 0:
		emit_raw(b, (uint32_t)rnd(r));
		break;
	case 1:	/* unknown opcode */
		emit_raw(b, osprey_insn_header(0x0b + below(r, 0xf4), 0, 1 + below(r, 6)));
		break;
	case 2:	/* wrong length */
		emit_raw(b, osprey_insn_header(op, 0, len + 1 + below(r, 3)));
		break;
	case 3:	/* unknown modifier */
		emit_raw(b, osprey_insn_header(op, 6 + below(r, 250), len ? len : 1));
		for (uint32_t i = 1; i < len; i++)
			emit_raw(b, 0);
		break;
	case 4:	/* misaligned address */
		emit_raw(b, osprey_insn_header(OSPREY_OP_STORE, 0, 4));
		emit_raw(b, (uint32_t)va_start + 1 + below(r, 3));
		emit_raw(b, (uint32_t)(va_start >> 32));
		emit_raw(b, 0);
		break;
	default:	/* truncated: a header at the very end */
		emit_raw(b, osprey_insn_header(OSPREY_OP_COPY, 0, 6));
		break;
	}
}

static void emit_random(struct thr *t, struct ffile *f, struct batch *b, uint32_t vm,
			bool main)
{
	struct rng *r = &t->rng;
	struct osprey_insn in = { 0 };
	uint64_t k = below(r, 100);

	if (k < 16) {
		in.opcode = OSPREY_OP_STORE;
		in.va = pick_va(t, f, vm, 4, 4);
		in.value = (uint32_t)rnd(r);
	} else if (k < 26) {
		in.opcode = OSPREY_OP_FILL;
		in.bytes = pick_bytes(t);
		in.va = pick_va(t, f, vm, in.bytes, 4);
		in.pattern = (uint32_t)rnd(r);
	} else if (k < 36) {
		in.opcode = OSPREY_OP_COPY;
		in.bytes = pick_bytes(t);
		in.dst = pick_va(t, f, vm, in.bytes, 4);
		in.src = pick_va(t, f, vm, in.bytes, 4);
	} else if (k < 46) {
		in.opcode = OSPREY_OP_ATOMIC;
		in.modifier = below(r, 2);
		in.va = pick_va(t, f, vm, 4, 4);
		in.operand = (uint32_t)rnd(r);
		in.compare = (uint32_t)rnd(r);
	} else if (k < 51) {
		in.opcode = OSPREY_OP_TIMESTAMP;
		in.va = pick_va(t, f, vm, 8, 8);
	} else if (k < 59) {
		emit_sem_wait(t, f, b, vm);
		return;
	} else if (k < 65) {
		in.opcode = OSPREY_OP_NOP;
	} else if (k < 69 && main && b->ncalls < 16) {
		b->calls[b->ncalls++] = b->n;
		in.opcode = OSPREY_OP_CALL;
	} else if (k < 73 && main && b->njumps < 16) {
		b->jumps[b->njumps++] = b->n;
		in.opcode = OSPREY_OP_JUMP;
	} else if (k < 75 && t->wild) {
		in.opcode = OSPREY_OP_JUMP;
		in.target = pick_va(t, f, vm, 4, 4);
		if (one_in(r, 300)) {
			in.target = f->batch_va + f->slot * BATCH_SLOT;	/* a loop */
			b->hang = true;
		}
	} else if (k < 80 && t->wild) {
		emit_garbage(r, b);
		return;
	} else if (k < 80) {
		in.opcode = OSPREY_OP_NOP;
	} else if (k < 82 && t->wild) {
		in.opcode = OSPREY_OP_RETURN;
	} else if (k < 83) {
		in.opcode = OSPREY_OP_END;
	} else {
		in.opcode = OSPREY_OP_STORE;
		in.va = f->data_va + SEM_OFF - 4;	/* the job sequence word */
		in.value = f->seq;
	}
	emit(b, &in);
}

static void put_target(struct batch *b, uint32_t at, uint64_t va)
{
	b->w[at + 1] = (uint32_t)va;
	b->w[at + 2] = (uint32_t)(va >> 32);
}

/* A batch at @va (the start of a slot) for a job in @vm. */
static void gen_batch(struct thr *t, struct ffile *f, struct batch *b, uint64_t va,
		      uint32_t vm)
{
	struct rng *r = &t->rng;
	unsigned int count = 1 + below(r, one_in(r, 8) ? 120 : 24);
	struct osprey_insn in = { 0 };
	uint32_t sub;

	memset(b, 0, offsetof(struct batch, starts));
	b->hang = false;
	t->wild = one_in(r, 5);
	b->nstarts = 0;
	b->njumps = 0;
	b->ncalls = 0;
	for (unsigned int i = 0; i < count && b->nstarts < 255; i++) {
		b->starts[b->nstarts++] = b->n;
		emit_random(t, f, b, vm, true);
	}
	b->starts[b->nstarts++] = b->n;
	if (!one_in(r, 10)) {
		in.opcode = OSPREY_OP_END;
		emit(b, &in);
	}
	/* A subroutine after the main body, for the CALLs. */
	sub = b->n;
	for (unsigned int i = below(r, 3); i; i--)
		emit_random(t, f, b, vm, false);
	if (t->wild && one_in(r, 16)) {
		/* Recursion beyond the CALL stack: an invalid instruction. */
		in = (struct osprey_insn){ .opcode = OSPREY_OP_CALL, .target = va + 4 * sub };
		emit(b, &in);
	}
	in = (struct osprey_insn){ .opcode = OSPREY_OP_RETURN };
	emit(b, &in);

	for (unsigned int i = 0; i < b->ncalls; i++)
		put_target(b, b->calls[i], va + 4 * sub);
	for (unsigned int i = 0; i < b->njumps; i++) {
		uint32_t at = b->jumps[i], target = b->starts[b->nstarts - 1];

		/* Forward, to a later instruction; rarely to itself: a hang. */
		for (unsigned int j = 0; j < b->nstarts; j++) {
			if (b->starts[j] > at && one_in(r, 3)) {
				target = b->starts[j];
				break;
			}
		}
		if (one_in(r, 1500)) {
			target = at;
			b->hang = true;
		}
		put_target(b, at, va + 4 * target);
	}
}

/* The calls ---------------------------------------------------------------- */

static void do_get_param(struct thr *t, struct ffile *f)
{
	struct drm_osprey_get_param a = { 0 };

	a.param = one_in(&t->rng, 8) ? rnd_bogus_id(&t->rng) : below(&t->rng, 12);
	a.pad = rnd_mbz(&t->rng, 20);
	a.value = rnd(&t->rng);
	fz_ioctl(t, f, OP_GET_PARAM, DRM_IOCTL_OSPREY_GET_PARAM, &a);
}

static uint64_t pick_bo_size(struct rng *r)
{
	switch (below(r, 20)) {
	case 0:
		return rnd_edge(r);
	case 1:
		return max_bo_size + (one_in(r, 2) ? 0 : 1 + below(r, GPU_PAGE));
	case 2:
		return 1 + below(r, 1 << 20);
	case 3:
		return GPU_PAGE * (1 + below(r, 256));
	default:
		return GPU_PAGE * (1 + below(r, 16));
	}
}

/* Map part of a buffer's mmap offset into the CPU, and touch it. */
static void cpu_touch(struct thr *t, struct ffile *f, uint64_t offset, uint64_t size)
{
	struct rng *r = &t->rng;
	uint64_t len = size, off = offset;
	uint8_t *p;
	int err;

	switch (below(r, 8)) {
	case 0:
		len = size + GPU_PAGE;		/* beyond the object: -EINVAL */
		break;
	case 1:
		off = offset + size;		/* no object there, or another's */
		break;
	case 2:
		len = GPU_PAGE;
		break;
	default:
		break;
	}
	call_begin(t, OP_MMAP);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, off);
	err = p == MAP_FAILED ? errno : 0;
	call_end(t);
	record(t, OP_MMAP, err, false, false);
	if (err)
		return;
	t->st.cpu_accesses++;
	for (unsigned int i = below(r, 8); i; i--) {
		uint64_t at = below(r, (len < size ? len : size) / 4) * 4;

		if (one_in(r, 2))
			*(volatile uint32_t *)(p + at) = (uint32_t)rnd(r);
		else
			(void)*(volatile uint32_t *)(p + at);
	}
	if (one_in(r, 4))
		mmap_track(f, p, len);
	else
		munmap(p, len);
}

static void do_gem_create(struct thr *t, struct ffile *f)
{
	struct drm_osprey_gem_create a = { 0 };
	struct drm_gem_close cl = { 0 };
	struct drm_osprey_gem_mmap_offset mo = { 0 };

	a.size = pick_bo_size(&t->rng);
	a.flags = rnd_mbz(&t->rng, 30);
	a.handle = rnd(&t->rng);
	if (fz_ioctl(t, f, OP_GEM_CREATE, DRM_IOCTL_OSPREY_GEM_CREATE, &a))
		return;
	if (!t->altered && (a.size == 0 || a.size % GPU_PAGE || a.size > max_bo_size))
		fail(t, "GEM_CREATE succeeded with a size of %#" PRIx64, (uint64_t)a.size);
	if (a.size > BIG_BO) {
		/* Never bound or touched: closing it costs nothing. */
		cl.handle = a.handle;
		plain_ioctl(t, f, OP_GEM_CLOSE, DRM_IOCTL_GEM_CLOSE, &cl);
		return;
	}
	bo_add(t, f, a.handle, a.size, false);
	if (one_in(&t->rng, 3)) {
		mo.handle = a.handle;
		if (!fz_ioctl(t, f, OP_GEM_MMAP_OFFSET, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &mo))
			cpu_touch(t, f, mo.offset, a.size);
	}
}

static void do_mmap_offset(struct thr *t, struct ffile *f)
{
	struct drm_osprey_gem_mmap_offset a = { 0 };
	struct fbo *b;

	a.handle = pick_bo(t, f);
	a.pad = rnd_mbz(&t->rng, 20);
	if (fz_ioctl(t, f, OP_GEM_MMAP_OFFSET, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &a))
		return;
	b = bo_find(f, a.handle);
	if (b && one_in(&t->rng, 2))
		cpu_touch(t, f, a.offset, b->size);
}

static void do_gem_info(struct thr *t, struct ffile *f)
{
	struct drm_osprey_gem_info a = { 0 };

	a.handle = pick_bo(t, f);
	a.pad = rnd_mbz(&t->rng, 20);
	if (fz_ioctl(t, f, OP_GEM_INFO, DRM_IOCTL_OSPREY_GEM_INFO, &a))
		return;
	if (t->altered)
		return;
	if (!a.size || a.size % GPU_PAGE || a.create_flags ||
	    a.info & ~(DRM_OSPREY_GEM_INFO_IMPORTED | DRM_OSPREY_GEM_INFO_EXPORTED))
		fail(t, "GEM_INFO of %u: size %#" PRIx64 ", create_flags %#x, info %#x",
		     a.handle, (uint64_t)a.size, a.create_flags, a.info);
}

static void do_set_label(struct thr *t, struct ffile *f)
{
	struct drm_osprey_gem_set_label a = { 0 };
	struct rng *r = &t->rng;
	char *s = (char *)t->scratch;
	unsigned int len = below(r, 80);

	for (unsigned int i = 0; i < len; i++)
		s[i] = 0x20 + below(r, 0x5f);
	s[len] = 0;
	a.handle = pick_bo(t, f);
	a.size = one_in(r, 6) ? below(r, 100) : len + 1;
	a.label = rnd_uptr(t, a.size, 12);
	if (one_in(r, 10)) {
		a.size = 0;
		a.label = one_in(r, 3) ? (uintptr_t)s : 0;
	}
	fz_ioctl(t, f, OP_GEM_SET_LABEL, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &a);
}

/* An absolute CLOCK_MONOTONIC timeout, short: a past one polls. */
static int64_t pick_deadline(struct rng *r, bool may_block)
{
	switch (below(r, 8)) {
	case 0:
		return 0;
	case 1:
		return INT64_MIN + (int64_t)below(r, 1000);
	case 2:
		return may_block ? INT64_MAX : now_ns();
	case 3:
		return now_ns() + (int64_t)below(r, 20000000);
	default:
		return now_ns() + (int64_t)below(r, 2000000);
	}
}

static void do_gem_wait(struct thr *t, struct ffile *f)
{
	struct drm_osprey_gem_wait a = { 0 };

	a.handle = pick_bo(t, f);
	a.flags = rnd_mbz(&t->rng, 20);
	a.timeout_ns = pick_deadline(&t->rng, one_in(&t->rng, 4));
	fz_ioctl(t, f, OP_GEM_WAIT, DRM_IOCTL_OSPREY_GEM_WAIT, &a);
}

static void do_vm_create(struct thr *t, struct ffile *f)
{
	struct drm_osprey_vm_create a = { 0 };
	struct drm_osprey_vm_bind vb = { .op = DRM_OSPREY_VM_BIND_OP_MAP };

	a.flags = rnd_mbz(&t->rng, 20);
	a.vm_id = rnd(&t->rng);
	if (fz_ioctl(t, f, OP_VM_CREATE, DRM_IOCTL_OSPREY_VM_CREATE, &a) || t->altered)
		return;
	if (a.vm_id == DRM_OSPREY_VM_DEFAULT)
		fail(t, "VM_CREATE returned the default VM's id");
	pool_add(&f->vms, a.vm_id);
	if (one_in(&t->rng, 6))
		return;
	/* The home buffers at the same addresses, so that its jobs run too. */
	vb.vm_id = a.vm_id;
	vb.size = HOME_BATCH_SIZE;
	vb.handle = f->home_batch;
	vb.va = f->batch_va;
	if (bo_find(f, vb.handle) &&
	    !fz_ioctl(t, f, OP_VM_BIND, DRM_IOCTL_OSPREY_VM_BIND, &vb) && !t->altered)
		map_add(f, vb.vm_id, vb.va, vb.size, false);
	vb.size = HOME_DATA_SIZE;
	vb.handle = f->home_data;
	vb.va = f->data_va;
	if (bo_find(f, vb.handle) &&
	    !fz_ioctl(t, f, OP_VM_BIND, DRM_IOCTL_OSPREY_VM_BIND, &vb) && !t->altered)
		map_add(f, vb.vm_id, vb.va, vb.size, false);
}

static void do_vm_destroy(struct thr *t, struct ffile *f)
{
	struct drm_osprey_vm_destroy a = { 0 };

	a.vm_id = pool_pick(&t->rng, &f->vms);
	a.pad = rnd_mbz(&t->rng, 20);
	if (fz_ioctl(t, f, OP_VM_DESTROY, DRM_IOCTL_OSPREY_VM_DESTROY, &a))
		return;
	pool_remove(&f->vms, a.vm_id);
	map_remove(f, a.vm_id, 0, ~0ull);
}

static uint64_t pick_gpu_size(struct rng *r, uint64_t bo_size)
{
	switch (below(r, 12)) {
	case 0:
		return rnd_edge(r);
	case 1:
		return bo_size + GPU_PAGE;
	case 2:
		return GPU_PAGE * (1 + below(r, bo_size / GPU_PAGE));
	default:
		return bo_size;
	}
}

static void do_vm_bind(struct thr *t, struct ffile *f)
{
	struct drm_osprey_vm_bind a = { 0 };
	struct rng *r = &t->rng;
	struct fbo *b;

	a.vm_id = pool_pick(r, &f->vms);
	if (one_in(r, 2)) {
		a.op = DRM_OSPREY_VM_BIND_OP_MAP;
		a.handle = pick_bo(t, f);
		b = bo_find(f, a.handle);
		a.size = pick_gpu_size(r, b ? b->size : GPU_PAGE);
		a.bo_offset = one_in(r, 5) ? (one_in(r, 3) ? rnd_edge(r) :
					      GPU_PAGE * below(r, 8)) : 0;
		if (b && a.bo_offset < b->size && a.bo_offset + a.size > b->size &&
		    one_in(r, 2))
			a.size = b->size - a.bo_offset;
		a.flags = one_in(r, 4) ? DRM_OSPREY_VM_BIND_READONLY : rnd_mbz(r, 30);
		if (one_in(r, 6) && f->nmaps)
			a.va = f->maps[below(r, f->nmaps)].va;	/* taken: -EEXIST */
		else if (one_in(r, 10))
			a.va = one_in(r, 2) ? rnd_edge(r) : va_start + below(r, va_end);
		else
			a.va = va_alloc(r, f, a.size < BIG_BO ? a.size : GPU_PAGE);
	} else {
		a.op = one_in(r, 20) ? 2 + below(r, 100) : DRM_OSPREY_VM_BIND_OP_UNMAP;
		if (f->nmaps > 2 && !one_in(r, 5)) {
			/* The home mappings (the first two) only rarely. */
			const struct fmap *m = &f->maps[one_in(r, 300) ? below(r, 2) :
							2 + below(r, f->nmaps - 2)];

			if (!one_in(r, 20))
				a.vm_id = m->vm;
			a.va = m->va;
			a.size = m->size;
			if (one_in(r, 3) && m->size > GPU_PAGE) {
				/* Part of it: a split. */
				a.va += GPU_PAGE * below(r, m->size / GPU_PAGE);
				a.size = GPU_PAGE * (1 + below(r, (m->va + m->size - a.va) /
							     GPU_PAGE));
			}
		} else {
			a.va = one_in(r, 2) ? rnd_edge(r) : va_start + GPU_PAGE * below(r, 4096);
			a.size = pick_gpu_size(r, GPU_PAGE);
		}
		a.handle = one_in(r, 20) ? rnd_bogus_id(r) : 0;
		a.bo_offset = one_in(r, 20) ? rnd_edge(r) : 0;
		a.flags = rnd_mbz(r, 20);
	}
	if (fz_ioctl(t, f, OP_VM_BIND, DRM_IOCTL_OSPREY_VM_BIND, &a) || t->altered)
		return;
	if (a.op == DRM_OSPREY_VM_BIND_OP_MAP) {
		/* Every buffer of the file is in the pool, none above BIG_BO. */
		b = bo_find(f, a.handle);
		if ((b && a.bo_offset + a.size > b->size) || a.va < va_start ||
		    a.va + a.size > va_end)
			fail(t, "VM_BIND mapped %#" PRIx64 " at %#" PRIx64 " of %u + %#" PRIx64,
			     (uint64_t)a.size, (uint64_t)a.va, a.handle, (uint64_t)a.bo_offset);
		map_add(f, a.vm_id, a.va, a.size, a.flags & DRM_OSPREY_VM_BIND_READONLY);
	} else if (a.op == DRM_OSPREY_VM_BIND_OP_UNMAP) {
		map_remove(f, a.vm_id, a.va, a.size);
	} else {
		fail(t, "VM_BIND accepted op %u", a.op);
	}
}

static void do_queue_create(struct thr *t, struct ffile *f)
{
	struct drm_osprey_queue_create a = { 0 };
	struct rng *r = &t->rng;

	a.vm_id = pool_pick(r, &f->vms);
	a.priority = one_in(r, 10) ? rnd_bogus_id(r) : below(r, 3);
	a.flags = rnd_mbz(r, 20);
	a.queue_id = rnd(r);
	if (fz_ioctl(t, f, OP_QUEUE_CREATE, DRM_IOCTL_OSPREY_QUEUE_CREATE, &a))
		return;
	if (!a.queue_id && !t->altered)
		fail(t, "QUEUE_CREATE returned queue id 0");
	if (f->queues.nlive < MAX_IDS) {
		f->queue_vms[f->queues.nlive].queue = a.queue_id;
		f->queue_vms[f->queues.nlive].vm = a.vm_id;
	}
	pool_add(&f->queues, a.queue_id);
}

/* The VM of a queue, as far as the fuzzer knows. */
static uint32_t queue_vm(const struct ffile *f, uint32_t queue)
{
	for (unsigned int i = 0; i < f->queues.nlive; i++)
		if (f->queue_vms[i].queue == queue)
			return f->queue_vms[i].vm;
	return DRM_OSPREY_VM_DEFAULT;
}

static void do_queue_destroy(struct thr *t, struct ffile *f)
{
	struct drm_osprey_queue_destroy a = { 0 };

	a.queue_id = pool_pick(&t->rng, &f->queues);
	/* The home queue rarely: its id would go to a queue in another VM. */
	if (a.queue_id == f->home_queue && !one_in(&t->rng, 50))
		return;
	a.pad = rnd_mbz(&t->rng, 20);
	if (fz_ioctl(t, f, OP_QUEUE_DESTROY, DRM_IOCTL_OSPREY_QUEUE_DESTROY, &a))
		return;
	for (unsigned int i = 0; i < f->queues.nlive; i++) {
		if (f->queues.live[i] == a.queue_id) {
			f->queue_vms[i] = f->queue_vms[f->queues.nlive - 1];
			break;
		}
	}
	pool_remove(&f->queues, a.queue_id);
	if (a.queue_id == f->home_queue)
		f->home_queue = 0;
}

static void do_queue_get_state(struct thr *t, struct ffile *f)
{
	struct drm_osprey_queue_get_state a = { 0 };

	a.queue_id = pool_pick(&t->rng, &f->queues);
	a.flags = rnd_mbz(&t->rng, 20);
	a.pad = rnd_mbz(&t->rng, 20);
	if (fz_ioctl(t, f, OP_QUEUE_GET_STATE, DRM_IOCTL_OSPREY_QUEUE_GET_STATE, &a))
		return;
	if (a.state & ~7u && !t->altered)
		fail(t, "QUEUE_GET_STATE: state %#x", a.state);
}

static uint32_t pick_syncobj(struct thr *t, struct ffile *f)
{
	uint32_t live[MAX_SYNCOBJS] = { 0 };

	for (unsigned int i = 0; i < f->nsyncs; i++)
		live[i] = f->syncs[i].handle;
	return pick_id(&t->rng, live, f->nsyncs, f->stale_syncs, f->nstale_syncs);
}

static struct fsync *sync_find(struct ffile *f, uint32_t handle)
{
	for (unsigned int i = 0; i < f->nsyncs; i++)
		if (f->syncs[i].handle == handle)
			return &f->syncs[i];
	return NULL;
}

/* Sync entries for SUBMIT: the pool's syncobjs, binary or timeline. */
static void fill_syncs(struct thr *t, struct ffile *f, struct drm_osprey_sync *s,
		       unsigned int n, bool out)
{
	struct rng *r = &t->rng;

	for (unsigned int i = 0; i < n; i++) {
		struct fsync *fs;

		s[i].handle = pick_syncobj(t, f);
		s[i].flags = rnd_mbz(r, 40);
		fs = sync_find(f, s[i].handle);
		s[i].point = 0;
		if (fs && fs->point)
			s[i].point = out ? fs->point + 1 + below(r, 3) :
				     1 + below(r, fs->point);
		else if (one_in(r, 8))
			s[i].point = out ? 1 + below(r, 4) : rnd_edge(r);
	}
}

/* Map the home buffers again in the default VM if the fuzzer unmapped them. */
static void heal_home(struct thr *t, struct ffile *f)
{
	struct drm_osprey_vm_bind vb = { .op = DRM_OSPREY_VM_BIND_OP_MAP };

	for (unsigned int i = 0; i < 2; i++) {
		if (f->maps[i].size)
			continue;
		vb.handle = i ? f->home_data : f->home_batch;
		vb.va = i ? f->data_va : f->batch_va;
		vb.size = i ? HOME_DATA_SIZE : HOME_BATCH_SIZE;
		if (!bo_find(f, vb.handle))
			continue;
		/* Whatever took the range goes first. */
		map_remove(f, DRM_OSPREY_VM_DEFAULT, vb.va, vb.size);
		vb.op = DRM_OSPREY_VM_BIND_OP_UNMAP;
		vb.handle = 0;
		fz_ioctl(t, f, OP_VM_BIND, DRM_IOCTL_OSPREY_VM_BIND, &vb);
		vb.op = DRM_OSPREY_VM_BIND_OP_MAP;
		vb.handle = i ? f->home_data : f->home_batch;
		if (!fz_ioctl(t, f, OP_VM_BIND, DRM_IOCTL_OSPREY_VM_BIND, &vb) && !t->altered)
			f->maps[i] = (struct fmap){ .vm = 0, .va = vb.va, .size = vb.size };
	}
}

static void do_submit(struct thr *t, struct ffile *f)
{
	struct drm_osprey_sync *in = (void *)(t->scratch + 4096);
	struct drm_osprey_sync *out = (void *)(t->scratch + 8192);
	struct drm_osprey_submit a = { 0 };
	struct rng *r = &t->rng;
	struct batch b;
	uint64_t va;
	int sf = -1;
	bool track, tame;

	if (one_in(r, 8))
		heal_home(t, f);
	a.queue_id = one_in(r, 2) && f->home_queue ? f->home_queue :
		     pool_pick(r, &f->queues);
	f->slot = (f->slot + 1) % (HOME_BATCH_SIZE / BATCH_SLOT);
	va = f->batch_va + f->slot * BATCH_SLOT;
	f->seq++;
	gen_batch(t, f, &b, va, queue_vm(f, a.queue_id));
	/* Hangs cost a timeout each and ban queues: keep them rare. */
	if (b.hang && !one_in(r, 2)) {
		f->seq--;
		return;
	}
	t->st.hangs_meant += b.hang;
	memcpy((char *)f->batch_map + f->slot * BATCH_SLOT, b.w, 4 * b.n);
	tame = !t->wild && a.queue_id == f->home_queue;
	__sync_synchronize();

	a.batch_va = va;
	a.batch_size = 4 * b.n;
	switch (below(r, 40)) {
	case 0:
		a.batch_size = 0;
		break;
	case 1:
		a.batch_size = 4 * b.n + 1 + below(r, 3);
		break;
	case 2:
		a.batch_size = one_in(r, 2) ? max_batch_size : max_batch_size + 4;
		break;
	case 3:
		a.batch_va = one_in(r, 2) ? va + 1 + below(r, 3) : rnd_edge(r);
		break;
	case 4:
		a.batch_va = one_in(r, 2) ? va_end - 4 * below(r, 3) :
			     va_start + 4 * below(r, (va_end - va_start) / 4);
		break;
	case 5:
		a.batch_size = 4 * (1 + below(r, b.n));	/* cut short */
		break;
	default:
		break;
	}
	tame = tame && a.batch_size == 4 * b.n && a.batch_va == va;
	a.flags = rnd_mbz(r, 60);
	a.pad = rnd_mbz(r, 60);

	a.in_sync_count = one_in(r, 3) ? 1 + below(r, 3) : 0;
	if (one_in(r, 50))
		a.in_sync_count = one_in(r, 2) ? max_syncs + 1 : (uint32_t)rnd(r);
	fill_syncs(t, f, in, a.in_sync_count < 4 ? a.in_sync_count : 4, false);
	a.in_syncs = a.in_sync_count ? (uintptr_t)in : 0;

	/* The tracking syncobj first, then some of the pool's. */
	a.out_sync_count = 1 + (one_in(r, 3) ? below(r, 3) : 0);
	out[0] = (struct drm_osprey_sync){ .handle = f->track };
	fill_syncs(t, f, out + 1, a.out_sync_count - 1, true);
	a.out_syncs = (uintptr_t)out;
	if (one_in(r, 50))
		a.out_sync_count = one_in(r, 2) ? max_syncs + 1 : (uint32_t)rnd(r);
	if (one_in(r, 60))
		a.in_syncs = rnd_uptr(t, 64, 1);
	if (one_in(r, 60))
		a.out_syncs = rnd_uptr(t, 64, 1);
	track = a.out_syncs == (uintptr_t)out && a.out_sync_count &&
		a.out_sync_count <= 3;

	if (fz_ioctl(t, f, OP_SUBMIT, DRM_IOCTL_OSPREY_SUBMIT, &a))
		return;
	track = track && !t->altered;
	if (!track) {
		/* Accepted without the tracking syncobj: nothing to wait on. */
		t->st.jobs_submitted++;
		return;
	}
	for (unsigned int i = 1; i < a.out_sync_count; i++) {
		struct fsync *fs = sync_find(f, out[i].handle);

		if (fs) {
			fs->fence = true;
			if (out[i].point)
				fs->point = out[i].point;
		}
	}
	if (drmSyncobjExportSyncFile(f->fd, f->track, &sf)) {
		fail(t, "cannot export the job's fence: %s", strerror(errno));
		return;
	}
	job_push(t, sf, tame);
}

static void do_gem_close(struct thr *t, struct ffile *f)
{
	struct drm_gem_close a = { 0 };

	a.handle = pick_bo(t, f);
	if ((a.handle == f->home_batch || a.handle == f->home_data) && !one_in(&t->rng, 20))
		return;
	a.pad = rnd_mbz(&t->rng, 30);
	if (!fz_ioctl(t, f, OP_GEM_CLOSE, DRM_IOCTL_GEM_CLOSE, &a))
		bo_forget(f, a.handle);
}

static void do_prime_export(struct thr *t, struct ffile *f)
{
	struct drm_prime_handle a = { 0 };
	struct rng *r = &t->rng;

	a.handle = pick_bo(t, f);
	a.flags = DRM_CLOEXEC | (one_in(r, 2) ? DRM_RDWR : 0);
	if (one_in(r, 15))
		a.flags = (uint32_t)rnd(r);
	a.fd = -1;
	if (fz_ioctl(t, f, OP_PRIME_HANDLE_TO_FD, DRM_IOCTL_PRIME_HANDLE_TO_FD, &a))
		return;
	if (one_in(r, 3)) {
		pthread_mutex_lock(&shared_lock);
		if (nshared == SHARED_DMABUFS) {
			unsigned int i = below(r, SHARED_DMABUFS);

			close(shared_dmabufs[i]);
			shared_dmabufs[i] = shared_dmabufs[--nshared];
		}
		shared_dmabufs[nshared++] = a.fd;
		pthread_mutex_unlock(&shared_lock);
	} else {
		fd_push(t, a.fd, FD_DMABUF);
	}
}

/* A file descriptor: one of the thread's, of a kind or not, or bogus. */
static int pick_fd(struct thr *t, struct ffile *f, enum fd_kind kind)
{
	struct rng *r = &t->rng;
	unsigned int k = below(r, 10);

	if (k < 7 && t->nfds) {
		for (unsigned int tries = 0; tries < 4; tries++) {
			unsigned int i = below(r, t->nfds);

			if (t->fds[i].kind == kind || tries == 3)
				return t->fds[i].fd;
		}
	}
	switch (k % 4) {
	case 0:
		return -1;
	case 1:
		return f->fd;
	case 2:
		return 0x7fffffff;
	default:
		return 1000 + below(r, 20);
	}
}

static void do_prime_import(struct thr *t, struct ffile *f)
{
	struct drm_prime_handle a = { 0 };
	struct rng *r = &t->rng;
	bool shared = one_in(r, 3);
	int ret;

	a.flags = rnd_mbz(r, 20);
	if (shared) {
		/* Under the lock, so that no thread closes it meanwhile. */
		pthread_mutex_lock(&shared_lock);
		a.fd = nshared ? shared_dmabufs[below(r, nshared)] : -1;
		ret = fz_ioctl(t, f, OP_PRIME_FD_TO_HANDLE, DRM_IOCTL_PRIME_FD_TO_HANDLE, &a);
		pthread_mutex_unlock(&shared_lock);
	} else {
		a.fd = pick_fd(t, f, FD_DMABUF);
		ret = fz_ioctl(t, f, OP_PRIME_FD_TO_HANDLE, DRM_IOCTL_PRIME_FD_TO_HANDLE, &a);
	}
	if (ret || bo_find(f, a.handle))
		return;
	{
		struct drm_osprey_gem_info gi = { .handle = a.handle };

		if (plain_ioctl(t, f, OP_GEM_INFO, DRM_IOCTL_OSPREY_GEM_INFO, &gi))
			return;
		bo_add(t, f, a.handle, gi.size, false);
	}
}

static void sync_add(struct thr *t, struct ffile *f, uint32_t handle, bool fence)
{
	struct drm_syncobj_destroy d = { 0 };

	if (f->nsyncs == MAX_SYNCOBJS) {
		unsigned int i = below(&t->rng, MAX_SYNCOBJS);

		d.handle = f->syncs[i].handle;
		plain_ioctl(t, f, OP_SYNCOBJ_DESTROY, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
		stale_push(f->stale_syncs, &f->nstale_syncs, d.handle);
		f->syncs[i] = f->syncs[--f->nsyncs];
	}
	f->syncs[f->nsyncs].handle = handle;
	f->syncs[f->nsyncs].point = 0;
	f->syncs[f->nsyncs].fence = fence;
	f->nsyncs++;
}

static void do_syncobj_create(struct thr *t, struct ffile *f)
{
	struct drm_syncobj_create a = { 0 };

	a.flags = one_in(&t->rng, 3) ? DRM_SYNCOBJ_CREATE_SIGNALED : rnd_mbz(&t->rng, 20);
	if (!fz_ioctl(t, f, OP_SYNCOBJ_CREATE, DRM_IOCTL_SYNCOBJ_CREATE, &a))
		sync_add(t, f, a.handle, a.flags);
}

static void do_syncobj_destroy(struct thr *t, struct ffile *f)
{
	struct drm_syncobj_destroy a = { 0 };

	a.handle = pick_syncobj(t, f);
	if (a.handle == f->track)
		return;
	a.pad = rnd_mbz(&t->rng, 20);
	if (fz_ioctl(t, f, OP_SYNCOBJ_DESTROY, DRM_IOCTL_SYNCOBJ_DESTROY, &a))
		return;
	for (unsigned int i = 0; i < f->nsyncs; i++) {
		if (f->syncs[i].handle == a.handle) {
			f->syncs[i] = f->syncs[--f->nsyncs];
			break;
		}
	}
	stale_push(f->stale_syncs, &f->nstale_syncs, a.handle);
}

/* Handle and point arrays in scratch memory, for the syncobj array ioctls. */
static uint32_t fill_sync_array(struct thr *t, struct ffile *f, uint32_t **handles,
				uint64_t **points)
{
	struct rng *r = &t->rng;
	uint32_t n = 1 + below(r, 4);

	*handles = (uint32_t *)(t->scratch + 12288);
	*points = (uint64_t *)(t->scratch + 13312);
	for (uint32_t i = 0; i < n; i++) {
		struct fsync *fs;

		(*handles)[i] = one_in(r, 6) ? f->track : pick_syncobj(t, f);
		fs = sync_find(f, (*handles)[i]);
		(*points)[i] = fs && fs->point ? 1 + below(r, fs->point + 1) :
			       one_in(r, 6) ? rnd_edge(r) : 0;
	}
	switch (below(r, 30)) {
	case 0:
		return 0;
	case 1:
		return 64 + below(r, 1024);	/* reads past the array */
	default:
		return n;
	}
}

static void do_syncobj_wait(struct thr *t, struct ffile *f, bool timeline)
{
	struct rng *r = &t->rng;
	uint32_t *handles, count, flags;
	uint64_t *points;
	int64_t deadline;

	count = fill_sync_array(t, f, &handles, &points);
	flags = below(r, 8) & (DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL |
			       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT |
			       (timeline ? DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE : 0));
	if (one_in(r, 20))
		flags = 1u << below(r, 32);
	/* Waiting for a submit that never comes must not block long. */
	deadline = pick_deadline(r, !(flags & (DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT |
					       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE)) &&
				 one_in(r, 10));
	if (timeline) {
		struct drm_syncobj_timeline_wait a = { 0 };

		a.handles = one_in(r, 30) ? rnd_uptr(t, 16, 1) : (uintptr_t)handles;
		a.points = one_in(r, 30) ? rnd_uptr(t, 32, 1) : (uintptr_t)points;
		a.timeout_nsec = deadline;
		a.count_handles = count;
		a.flags = flags;
		a.pad = rnd_mbz(r, 30);
		fz_ioctl(t, f, OP_SYNCOBJ_TIMELINE_WAIT, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &a);
	} else {
		struct drm_syncobj_wait a = { 0 };

		a.handles = one_in(r, 30) ? rnd_uptr(t, 16, 1) : (uintptr_t)handles;
		a.timeout_nsec = deadline;
		a.count_handles = count;
		a.flags = flags & ~DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE;
		a.pad = rnd_mbz(r, 30);
		fz_ioctl(t, f, OP_SYNCOBJ_WAIT, DRM_IOCTL_SYNCOBJ_WAIT, &a);
	}
}

static void do_syncobj_transfer(struct thr *t, struct ffile *f)
{
	struct drm_syncobj_transfer a = { 0 };
	struct rng *r = &t->rng;
	struct fsync *src, *dst;

	a.src_handle = one_in(r, 4) ? f->track : pick_syncobj(t, f);
	a.dst_handle = pick_syncobj(t, f);
	if (a.dst_handle == f->track)
		return;
	src = sync_find(f, a.src_handle);
	dst = sync_find(f, a.dst_handle);
	a.src_point = src && src->point && !one_in(r, 4) ? 1 + below(r, src->point) :
		      one_in(r, 4) ? rnd_edge(r) : 0;
	a.dst_point = dst && dst->point ? dst->point + 1 : one_in(r, 3) ? 1 + below(r, 3) : 0;
	/* WAIT_FOR_SUBMIT on an empty syncobj blocks for the core's 5 s: rarely. */
	a.flags = one_in(r, 500) ? DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT : rnd_mbz(r, 40);
	if (a.flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT && !one_in(r, 500))
		a.flags = 0;
	a.pad = rnd_mbz(r, 30);
	if (fz_ioctl(t, f, OP_SYNCOBJ_TRANSFER, DRM_IOCTL_SYNCOBJ_TRANSFER, &a) || !dst)
		return;
	dst->fence = true;
	if (a.dst_point)
		dst->point = a.dst_point;
}

static void do_syncobj_array(struct thr *t, struct ffile *f, enum fz_op op)
{
	struct rng *r = &t->rng;
	uint32_t *handles, count;
	uint64_t *points;
	int ret;

	count = fill_sync_array(t, f, &handles, &points);
	/* Never signal or reset the tracking syncobj: it holds the last job. */
	for (uint32_t i = 0; i < count && i < 4; i++)
		if (handles[i] == f->track && op != OP_SYNCOBJ_QUERY)
			handles[i] = 0;
	if (op == OP_SYNCOBJ_TIMELINE_SIGNAL || op == OP_SYNCOBJ_QUERY) {
		struct drm_syncobj_timeline_array a = { 0 };

		if (op == OP_SYNCOBJ_TIMELINE_SIGNAL)
			for (uint32_t i = 0; i < count && i < 4; i++) {
				struct fsync *fs = sync_find(f, handles[i]);

				points[i] = fs ? fs->point + 1 : points[i];
			}
		a.handles = one_in(r, 30) ? rnd_uptr(t, 16, 1) : (uintptr_t)handles;
		a.points = one_in(r, 30) ? rnd_uptr(t, 32, 1) :
			   op == OP_SYNCOBJ_QUERY && one_in(r, 20) ? (uintptr_t)ropage :
			   (uintptr_t)points;
		a.count_handles = count;
		a.flags = op == OP_SYNCOBJ_QUERY && one_in(r, 3) ?
			  DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED : rnd_mbz(r, 20);
		ret = fz_ioctl(t, f, op, op == OP_SYNCOBJ_QUERY ? DRM_IOCTL_SYNCOBJ_QUERY :
			       DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &a);
	} else {
		struct drm_syncobj_array a = { 0 };

		a.handles = one_in(r, 30) ? rnd_uptr(t, 16, 1) : (uintptr_t)handles;
		a.count_handles = count;
		a.pad = rnd_mbz(r, 20);
		ret = fz_ioctl(t, f, op, op == OP_SYNCOBJ_SIGNAL ? DRM_IOCTL_SYNCOBJ_SIGNAL :
			       DRM_IOCTL_SYNCOBJ_RESET, &a);
	}
	if (ret || op == OP_SYNCOBJ_QUERY)
		return;
	for (uint32_t i = 0; i < count && i < 4; i++) {
		struct fsync *fs = sync_find(f, handles[i]);

		if (!fs)
			continue;
		fs->fence = op != OP_SYNCOBJ_RESET;
		if (op == OP_SYNCOBJ_TIMELINE_SIGNAL && points[i])
			fs->point = points[i];
		if (op == OP_SYNCOBJ_RESET)
			fs->point = 0;
	}
}

static void do_syncobj_export(struct thr *t, struct ffile *f)
{
	struct drm_syncobj_handle a = { 0 };
	struct rng *r = &t->rng;

	a.handle = one_in(r, 4) ? f->track : pick_syncobj(t, f);
	a.flags = one_in(r, 2) ? DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE :
		  rnd_mbz(r, 15);
	a.fd = one_in(r, 10) ? (int32_t)rnd(r) : 0;
	a.pad = rnd_mbz(r, 20);
	if (!fz_ioctl(t, f, OP_SYNCOBJ_HANDLE_TO_FD, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &a))
		fd_push(t, a.fd, a.flags ? FD_SYNC_FILE : FD_SYNCOBJ);
}

static void do_syncobj_import(struct thr *t, struct ffile *f)
{
	struct drm_syncobj_handle a = { 0 };
	struct rng *r = &t->rng;
	bool sync_file = one_in(r, 2);

	a.fd = pick_fd(t, f, sync_file ? FD_SYNC_FILE : FD_SYNCOBJ);
	a.flags = sync_file ? DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE :
		  rnd_mbz(r, 15);
	a.handle = a.flags ? pick_syncobj(t, f) : rnd_bogus_id(r);
	if (a.flags && a.handle == f->track)
		return;
	a.pad = rnd_mbz(r, 20);
	if (fz_ioctl(t, f, OP_SYNCOBJ_FD_TO_HANDLE, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &a))
		return;
	if (!a.flags && !sync_find(f, a.handle))
		sync_add(t, f, a.handle, false);
}

static void do_get_cap(struct thr *t, struct ffile *f)
{
	struct drm_get_cap a = { 0 };

	a.capability = one_in(&t->rng, 4) ? rnd(&t->rng) : below(&t->rng, 0x20);
	fz_ioctl(t, f, OP_GET_CAP, DRM_IOCTL_GET_CAP, &a);
}

static void do_version(struct thr *t, struct ffile *f)
{
	struct drm_version a = { 0 };
	struct rng *r = &t->rng;
	char *s = (char *)t->scratch;

	a.name_len = below(r, 3) ? below(r, 64) : (size_t)rnd(r);
	a.name = one_in(r, 2) ? NULL : (char *)(uintptr_t)rnd_uptr(t, 64, 6);
	a.date_len = below(r, 64);
	a.date = a.date_len ? s + 256 : NULL;
	a.desc_len = below(r, 64);
	a.desc = a.desc_len ? s + 512 : NULL;
	if (a.name == (char *)t->scratch && a.name_len > 4096)
		a.name_len = 4096;
	fz_ioctl(t, f, OP_VERSION, DRM_IOCTL_VERSION, &a);
}

static void do_dumb(struct thr *t, struct ffile *f)
{
	struct rng *r = &t->rng;

	switch (below(r, 3)) {
	case 0: {
		struct drm_mode_create_dumb a = { 0 };

		a.width = one_in(r, 10) ? (uint32_t)rnd(r) : 1 + below(r, 256);
		a.height = one_in(r, 10) ? (uint32_t)rnd(r) : 1 + below(r, 64);
		a.bpp = one_in(r, 10) ? (uint32_t)rnd(r) : 8u << below(r, 3);
		a.flags = rnd_mbz(r, 20);
		if (fz_ioctl(t, f, OP_CREATE_DUMB, DRM_IOCTL_MODE_CREATE_DUMB, &a))
			return;
		if (a.size > BIG_BO) {
			struct drm_mode_destroy_dumb d = { .handle = a.handle };

			plain_ioctl(t, f, OP_DESTROY_DUMB, DRM_IOCTL_MODE_DESTROY_DUMB, &d);
			return;
		}
		bo_add(t, f, a.handle, a.size, true);
		break;
	}
	case 1: {
		struct drm_mode_map_dumb a = { 0 };
		struct fbo *b;

		a.handle = pick_bo(t, f);
		a.pad = rnd_mbz(r, 20);
		if (fz_ioctl(t, f, OP_MAP_DUMB, DRM_IOCTL_MODE_MAP_DUMB, &a))
			return;
		b = bo_find(f, a.handle);
		if (b && one_in(r, 2))
			cpu_touch(t, f, a.offset, b->size);
		break;
	}
	default: {
		struct drm_mode_destroy_dumb a = { 0 };

		a.handle = pick_bo(t, f);
		if (!fz_ioctl(t, f, OP_DESTROY_DUMB, DRM_IOCTL_MODE_DESTROY_DUMB, &a))
			bo_forget(f, a.handle);
		break;
	}
	}
}

static void do_unknown_ioctl(struct thr *t, struct ffile *f)
{
	struct rng *r = &t->rng;
	unsigned long nr = DRM_COMMAND_BASE + DRM_OSPREY_QUEUE_GET_STATE + 1 +
			   below(r, DRM_COMMAND_END - DRM_COMMAND_BASE -
				    DRM_OSPREY_QUEUE_GET_STATE - 1);
	unsigned long size = below(r, 128);

	memset(t->scratch, 0, 128);
	fz_ioctl(t, f, OP_UNKNOWN_IOCTL, _IOC(below(r, 4), DRM_IOCTL_BASE, nr, size),
		 t->scratch);
}

/* CPU reads and writes through the home mappings and dma-bufs. */
static void do_cpu(struct thr *t, struct ffile *f)
{
	struct rng *r = &t->rng;

	t->st.cpu_accesses++;
	if (one_in(r, 4) && t->nfds) {
		unsigned int i = below(r, t->nfds);
		uint8_t *p;

		if (t->fds[i].kind != FD_DMABUF)
			return;
		p = mmap(NULL, GPU_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, t->fds[i].fd, 0);
		if (p == MAP_FAILED)
			return;
		((volatile uint32_t *)p)[below(r, GPU_PAGE / 4)] = (uint32_t)rnd(r);
		munmap(p, GPU_PAGE);
		return;
	}
	for (unsigned int i = below(r, 16); i; i--) {
		unsigned int at = SCRATCH_OFF / 4 + below(r, (HOME_DATA_SIZE - SCRATCH_OFF) / 4);

		if (one_in(r, 2))
			__atomic_store_n(&f->data_map[at], (uint32_t)rnd(r), __ATOMIC_RELAXED);
		else
			(void)__atomic_load_n(&f->data_map[at], __ATOMIC_RELAXED);
	}
	if (one_in(r, 20))
		/* Scribble over a batch slot: a job may be running it. */
		f->batch_map[below(r, HOME_BATCH_SIZE / 4)] = (uint32_t)rnd(r);
}

static void do_close_fd(struct thr *t)
{
	struct rng *r = &t->rng;

	if (one_in(r, 3)) {
		pthread_mutex_lock(&shared_lock);
		if (nshared) {
			unsigned int i = below(r, nshared);

			close(shared_dmabufs[i]);
			shared_dmabufs[i] = shared_dmabufs[--nshared];
		}
		pthread_mutex_unlock(&shared_lock);
	} else if (t->nfds) {
		unsigned int i = below(r, t->nfds);

		close(t->fds[i].fd);
		t->fds[i] = t->fds[--t->nfds];
	}
	t->st.fd_closes++;
}

/* One step: a random call on a random file of the thread. */
static void step(struct thr *t)
{
	struct rng *r = &t->rng;
	struct ffile *f = &t->files[below(r, FILES_PER_THREAD)];
	uint64_t k = below(r, 1000);

	releases_flush(f, t->calls);
	if (k < 2) {
		file_close(t, f);
		file_open(t, f);
	} else if (k < 20) {
		do_close_fd(t);
	} else if (k < 180) {
		do_submit(t, f);
	} else if (k < 290) {
		do_vm_bind(t, f);
	} else if (k < 360) {
		do_gem_create(t, f);
	} else if (k < 400) {
		do_gem_close(t, f);
	} else if (k < 430) {
		do_mmap_offset(t, f);
	} else if (k < 450) {
		do_gem_info(t, f);
	} else if (k < 470) {
		do_set_label(t, f);
	} else if (k < 495) {
		do_gem_wait(t, f);
	} else if (k < 515) {
		do_vm_create(t, f);
	} else if (k < 530) {
		do_vm_destroy(t, f);
	} else if (k < 555) {
		do_queue_create(t, f);
	} else if (k < 570) {
		do_queue_destroy(t, f);
	} else if (k < 585) {
		do_queue_get_state(t, f);
	} else if (k < 600) {
		do_get_param(t, f);
	} else if (k < 625) {
		do_prime_export(t, f);
	} else if (k < 650) {
		do_prime_import(t, f);
	} else if (k < 680) {
		do_syncobj_create(t, f);
	} else if (k < 700) {
		do_syncobj_destroy(t, f);
	} else if (k < 725) {
		do_syncobj_wait(t, f, false);
	} else if (k < 750) {
		do_syncobj_wait(t, f, true);
	} else if (k < 770) {
		do_syncobj_transfer(t, f);
	} else if (k < 785) {
		do_syncobj_array(t, f, OP_SYNCOBJ_QUERY);
	} else if (k < 800) {
		do_syncobj_array(t, f, OP_SYNCOBJ_SIGNAL);
	} else if (k < 815) {
		do_syncobj_array(t, f, OP_SYNCOBJ_TIMELINE_SIGNAL);
	} else if (k < 830) {
		do_syncobj_array(t, f, OP_SYNCOBJ_RESET);
	} else if (k < 850) {
		do_syncobj_export(t, f);
	} else if (k < 870) {
		do_syncobj_import(t, f);
	} else if (k < 880) {
		do_get_cap(t, f);
	} else if (k < 890) {
		do_version(t, f);
	} else if (k < 920) {
		do_dumb(t, f);
	} else if (k < 930) {
		do_unknown_ioctl(t, f);
	} else {
		do_cpu(t, f);
	}
}

static void *thread_main(void *arg)
{
	struct thr *t = arg;

	for (unsigned int i = 0; i < FILES_PER_THREAD; i++)
		if (!file_open(t, &t->files[i]))
			goto out;
	while (!stop && (unbounded || t->calls < t->budget))
		step(t);
	for (unsigned int i = 0; i < FILES_PER_THREAD; i++)
		file_close(t, &t->files[i]);
	for (unsigned int i = 0; i < t->nfds; i++)
		close(t->fds[i].fd);
	t->nfds = 0;
	jobs_drain(t);
out:
	__atomic_store_n(&t->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* The victim: another file's buffer, which nothing the fuzzer does may change. */

#define VICTIM_SIZE (64 * 1024ull)
#define VICTIM_SEED 0x71c7

struct victim {
	int fd;
	struct osp_dev *dev;
	struct igt_osprey_bo *bo, *copy, *batch;
	uint32_t queue;
};

static void victim_run(struct victim *v, void (*fill)(struct igt_osprey_cs *cs))
{
	struct drm_osprey_sync out = { 0 };
	struct igt_osprey_cs cs;

	igt_assert_eq(drmSyncobjCreate(v->fd, 0, &out.handle), 0);
	igt_osprey_cs_init(&cs, v->batch->map, va_start, v->batch->size);
	fill(&cs);
	igt_osprey_emit_end(&cs);
	igt_osprey_submit(v->fd, v->queue, cs.va, igt_osprey_cs_bytes(&cs), NULL, 0, &out, 1);
	igt_assert_eq(osp_syncobj_wait(v->dev, out.handle, 0,
				       (int64_t)fence_bound_ms() * 1000000), 0);
	igt_assert_eq(osp_syncobj_status(v->dev, out.handle, 0), 1);
	igt_assert_eq(drmSyncobjDestroy(v->fd, out.handle), 0);
}

/* Batch, buffer and copy at VA_START, +1 MiB and +2 MiB. */
static void victim_copy_in(struct igt_osprey_cs *cs)
{
	igt_osprey_emit_copy(cs, va_start + (1 << 20), va_start + (2 << 20), VICTIM_SIZE);
}

static void victim_copy_out(struct igt_osprey_cs *cs)
{
	igt_osprey_emit_copy(cs, va_start + (2 << 20), va_start + (1 << 20), VICTIM_SIZE);
}

static void victim_init(struct victim *v)
{
	v->fd = drm_open_driver_render(DRIVER_OSPREY);
	v->dev = osp_dev_wrap(v->fd);
	igt_assert(v->dev);
	v->batch = igt_osprey_bo_new(v->fd, GPU_PAGE);
	v->bo = igt_osprey_bo_new(v->fd, VICTIM_SIZE);
	v->copy = igt_osprey_bo_new(v->fd, VICTIM_SIZE);
	igt_osprey_vm_map(v->fd, 0, v->batch->handle, 0, va_start, GPU_PAGE, 0);
	igt_osprey_vm_map(v->fd, 0, v->bo->handle, 0, va_start + (1 << 20), VICTIM_SIZE, 0);
	igt_osprey_vm_map(v->fd, 0, v->copy->handle, 0, va_start + (2 << 20), VICTIM_SIZE, 0);
	v->queue = igt_osprey_queue_create(v->fd, 0, DRM_OSPREY_QUEUE_PRIORITY_NORMAL);
	/* The GPU writes the pattern: the CPU's copy goes through the GPU. */
	igt_osprey_fill(v->copy->map, VICTIM_SIZE, VICTIM_SEED);
	victim_run(v, victim_copy_in);
	memset(v->copy->map, 0, VICTIM_SIZE);
}

static void victim_check(struct victim *v)
{
	igt_osprey_assert_pattern(v->bo->map, VICTIM_SIZE, VICTIM_SEED);
	victim_run(v, victim_copy_out);
	igt_osprey_assert_pattern(v->copy->map, VICTIM_SIZE, VICTIM_SEED);
	igt_osprey_bo_free(v->batch);
	igt_osprey_bo_free(v->bo);
	igt_osprey_bo_free(v->copy);
	osp_dev_close(v->dev);
	drm_close_driver(v->fd);
}

/* The run ------------------------------------------------------------------ */

static void print_summary(const struct fz_stats *st, double seconds)
{
	uint64_t calls = 0, done = 0;

	for (int i = 0; i < NOPS; i++)
		calls += st->calls[i];
	igt_info("fuzz: %" PRIu64 " calls in %.1f s (%.0f/s), seed 0x%016" PRIx64
		 ", %u thread(s)\n", calls, seconds, calls / (seconds > 0 ? seconds : 1),
		 seed, nthreads);
	for (int i = 0; i < NOPS; i++) {
		char line[1024];
		int n;

		if (!st->calls[i])
			continue;
		n = snprintf(line, sizeof(line), "  %-24s %8" PRIu64 ":", ops[i].name,
			     st->calls[i]);
		for (int e = 0; e < ERRNO_SLOTS && n < (int)sizeof(line) - 32; e++) {
			const char *name = errno_name(e);

			if (!st->errnos[i][e])
				continue;
			if (name)
				n += snprintf(line + n, sizeof(line) - n, " %s %" PRIu64, name,
					      st->errnos[i][e]);
			else
				n += snprintf(line + n, sizeof(line) - n, " errno%d %" PRIu64, e,
					      st->errnos[i][e]);
		}
		igt_info("%s\n", line);
	}
	for (int i = 0; i < NJOB_RESULTS; i++)
		done += st->jobs_done[i];
	igt_info("  jobs: %" PRIu64 " submitted, %" PRIu64 " waited for: ok %" PRIu64
		 ", EFAULT %" PRIu64 ", EINVAL %" PRIu64 ", ETIMEDOUT (hangs) %" PRIu64
		 ", ESRCH %" PRIu64 ", ECANCELED %" PRIu64 ", EIO %" PRIu64 ", ENODEV %"
		 PRIu64 ", other %" PRIu64 "\n", st->jobs_submitted, done,
		 st->jobs_done[JOB_OK], st->jobs_done[JOB_EFAULT], st->jobs_done[JOB_EINVAL],
		 st->jobs_done[JOB_ETIMEDOUT], st->jobs_done[JOB_ESRCH],
		 st->jobs_done[JOB_ECANCELED], st->jobs_done[JOB_EIO],
		 st->jobs_done[JOB_ENODEV], st->jobs_done[JOB_OTHER]);
	igt_info("  tame batches (home queue, valid instructions on mapped memory): %" PRIu64
		 " waited for, %" PRIu64 " failed\n", st->tame_jobs, st->tame_failed);
	igt_info("  batches meant to hang (or that may) %" PRIu64 ", files closed %" PRIu64
		 ", fds closed %" PRIu64 ", CPU accesses %" PRIu64 "\n", st->hangs_meant,
		 st->file_reopens, st->fd_closes, st->cpu_accesses);
}

static void merge(struct fz_stats *to, const struct fz_stats *from)
{
	uint64_t *a = (uint64_t *)to;
	const uint64_t *b = (const uint64_t *)from;

	for (size_t i = 0; i < sizeof(*to) / sizeof(uint64_t); i++)
		a[i] += b[i];
}

/* The kernel stacks of the process's threads, for a watchdog report. */
static void dump_stacks(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/task");
	char path[300], *buf;

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stack", d->d_name);
		buf = igt_osprey_read_file(path, NULL);
		igt_info("task %s:\n%s", d->d_name, buf ? buf : "(no stack)\n");
		free(buf);
	}
	closedir(dir);
}

static void run_fuzz(void)
{
	static struct fz_stats total;
	int64_t start = now_ns(), last_progress = start;
	struct victim v;
	bool all_done;

	memset(&total, 0, sizeof(total));
	memset(fail_msg, 0, sizeof(fail_msg));
	stop = false;
	victim_init(&v);
	igt_info("fuzz seed: 0x%016" PRIx64 "\n", seed);
	igt_info("fuzz: %u thread(s) x %u files, %" PRIu64 " calls (0: unbounded)\n",
		 nthreads, FILES_PER_THREAD, total_calls);
	igt_info("fuzz: thread interleaving makes a replay approximate; exact with one thread\n");
	for (unsigned int i = 0; i < nthreads; i++) {
		struct thr *t = &threads[i];

		memset(t, 0, sizeof(*t));
		t->index = i;
		rng_seed(&t->rng, seed + i);
		t->budget = total_calls / nthreads + (i < total_calls % nthreads);
		t->scratch = mmap(NULL, 16384, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(t->scratch != MAP_FAILED);
		igt_assert_eq(pthread_create(&t->thread, NULL, thread_main, t), 0);
	}
	do {
		int64_t now;

		usleep(100000);
		now = now_ns();
		all_done = true;
		for (unsigned int i = 0; i < nthreads; i++) {
			struct thr *t = &threads[i];
			int64_t began = __atomic_load_n(&t->call_start, __ATOMIC_ACQUIRE);
			int op = __atomic_load_n(&t->call_op, __ATOMIC_RELAXED);

			if (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
				all_done = false;
			int64_t limit = (op == NOPS ? FENCE_BOUND_S + 10 : WATCHDOG_S) *
					slow * 1000000000ll;

			if (began && now - began > limit) {
				const char *what = op < NOPS ? ops[op].name : "a fence wait";
				int64_t secs = (now - began) / 1000000000;

				igt_critical("seed 0x%016" PRIx64 ": thread %u stuck in %s\n",
					     seed, i, what);
				igt_critical("for %" PRId64 " s at call %" PRIu64 "\n", secs,
					     t->calls);
				dump_stacks();
				igt_fail(IGT_EXIT_FAILURE);
			}
		}
		if (unbounded && now - last_progress > 60 * 1000000000ll) {
			uint64_t calls = 0;

			for (unsigned int i = 0; i < nthreads; i++)
				calls += threads[i].calls;
			igt_info("fuzz: %" PRIu64 " calls after %" PRId64 " s, seed 0x%016" PRIx64
				 "\n", calls, (now - start) / 1000000000, seed);
			last_progress = now;
		}
	} while (!all_done);
	for (unsigned int i = 0; i < nthreads; i++) {
		pthread_join(threads[i].thread, NULL);
		merge(&total, &threads[i].st);
		munmap(threads[i].scratch, 16384);
	}
	pthread_mutex_lock(&shared_lock);
	while (nshared)
		close(shared_dmabufs[--nshared]);
	pthread_mutex_unlock(&shared_lock);
	print_summary(&total, (now_ns() - start) / 1e9);
	if (fail_msg[0])
		igt_critical("replay: OSPREY_FUZZ_SEED=0x%016" PRIx64 " OSPREY_FUZZ_THREADS=%u\n",
			     seed, nthreads);
	igt_assert_f(!fail_msg[0], "seed 0x%016" PRIx64 " (%u thread(s)): %s\n", seed,
		     nthreads, fail_msg);
	victim_check(&v);
}

/* Setup ------------------------------------------------------------------- */

#define PARAM_DIR "/sys/module/osprey/parameters"

/* Put osprey back as the suite loaded it, whatever the run left open. */
static void restore_osprey(int sig)
{
	if (!reloaded)
		return;
	igt_debug("restoring osprey's defaults (signal %d)\n", sig);
	for (int i = 3; i < 1024; i++)
		close(i);
	if (igt_kmod_unload("osprey") || igt_kmod_load("osprey", NULL))
		igt_warn("could not reload osprey with its default parameters\n");
	reloaded = false;
}

static void node_path(int fd, char *path, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, len - 1);
	igt_assert_f(n > 0, "readlink %s: %s\n", link, strerror(errno));
	path[n] = '\0';
}

static uint64_t env_u64(const char *name, uint64_t fallback, bool *given)
{
	const char *s = getenv(name);
	char *end;
	uint64_t v;

	if (!s || !*s)
		return fallback;
	errno = 0;
	v = strtoull(s, &end, 0);
	igt_assert_f(!errno && !*end, "%s=%s is not a number\n", name, s);
	if (given)
		*given = true;
	return v;
}

static bool debug_kernel(void)
{
	struct utsname u;

	return !uname(&u) && strstr(u.release, "osprey-debug");
}

static int opt_handler(int opt, int opt_index, void *data)
{
	char *end;

	(void)opt_index;
	(void)data;
	if (opt != 's')
		return IGT_OPT_HANDLER_ERROR;
	errno = 0;
	seed = strtoull(optarg, &end, 0);
	if (errno || *end)
		return IGT_OPT_HANDLER_ERROR;
	seed_given = true;
	return IGT_OPT_HANDLER_SUCCESS;
}

static const struct option long_opts[] = {
	{ "seed", required_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 },
};

static const char help_str[] =
	"  --seed=N\tthe 64-bit seed (else OSPREY_FUZZ_SEED, else the time)\n"
	"Environment: OSPREY_FUZZ_SEED, OSPREY_FUZZ_THREADS (default 4; 1 replays exactly),\n"
	"OSPREY_FUZZ_CALLS (default 200000, 60000 on the debug kernel; 0: until stopped)\n";

static void setup(int *ctl)
{
	unsigned int timeout_ms;
	char opts[64];
	int fd;

	if (!seed_given) {
		seed = env_u64("OSPREY_FUZZ_SEED", 0, &seed_given);
		if (!seed_given) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			seed = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
			seed ^= (uint64_t)getpid() << 32;
		}
	}
	/* First, so that a failing setup still names the seed. */
	igt_info("fuzz seed: 0x%016" PRIx64 "\n", seed);
	if (debug_kernel())
		slow = 3;
	nthreads = env_u64("OSPREY_FUZZ_THREADS", DEFAULT_THREADS, NULL);
	igt_assert_f(nthreads >= 1 && nthreads <= MAX_THREADS,
		     "OSPREY_FUZZ_THREADS must be 1 to %d\n", MAX_THREADS);
	total_calls = env_u64("OSPREY_FUZZ_CALLS", slow > 1 ? CALLS_DEBUG : CALLS_DEBIAN,
			      NULL);
	unbounded = total_calls == 0;

	timeout_ms = igt_osprey_module_param("timeout_ms", 0);
	if (timeout_ms != SHORT_TIMEOUT_MS) {
		/* Short hangs; the exit handler restores the defaults. */
		snprintf(opts, sizeof(opts), "timeout_ms=%u", SHORT_TIMEOUT_MS);
		igt_install_exit_handler(restore_osprey);
		reloaded = true;
		igt_assert_eq(igt_kmod_unload("osprey"), 0);
		igt_assert_eq(igt_kmod_load("osprey", opts), 0);
	}

	*ctl = drm_open_driver_render(DRIVER_OSPREY);
	igt_require_osprey(*ctl);
	node_path(*ctl, render_path, sizeof(render_path));
	fd = drm_open_driver(DRIVER_OSPREY);
	node_path(fd, primary_path, sizeof(primary_path));
	drm_close_driver(fd);

	va_start = igt_osprey_get_param(*ctl, DRM_OSPREY_PARAM_VA_START);
	va_end = igt_osprey_get_param(*ctl, DRM_OSPREY_PARAM_VA_END);
	max_bo_size = igt_osprey_get_param(*ctl, DRM_OSPREY_PARAM_MAX_BO_SIZE);
	max_batch_size = igt_osprey_get_param(*ctl, DRM_OSPREY_PARAM_MAX_BATCH_SIZE);
	max_syncs = igt_osprey_get_param(*ctl, DRM_OSPREY_PARAM_MAX_SYNCS);
	igt_info("%s, %s: timeout_ms %u, hang_limit %u, %s kernel\n", render_path,
		 primary_path, igt_osprey_module_param("timeout_ms", 0),
		 igt_osprey_module_param("hang_limit", 0), slow > 1 ? "debug" : "Debian");

	/* Two pages never mapped, then one read-only page. */
	hole = mmap(NULL, 3 * GPU_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(hole != MAP_FAILED);
	ropage = hole + 2 * GPU_PAGE;
	igt_assert_eq(mprotect(ropage, GPU_PAGE, PROT_READ), 0);
	hole += GPU_PAGE;

	if (igt_osprey_devcoredump_dismiss_all(NULL))
		igt_info("dismissed devcoredumps left by earlier tests\n");
}

int igt_main_args("", long_opts, help_str, opt_handler, NULL)
{
	int ctl = -1, gem_start = 0;

	igt_fixture() {
		setup(&ctl);
		gem_start = igt_osprey_gem_count(ctl);
	}

	igt_describe("Random calls of every Osprey and core ioctl, random batches, 4 threads.");
	igt_subtest("fuzz-bounded")
		run_fuzz();

	igt_fixture() {
		int dumps = igt_osprey_devcoredump_dismiss_all(NULL);

		igt_info("dismissed %d devcoredump(s)\n", dumps);
		igt_assert_f(igt_wait(igt_osprey_job_count(ctl) == 0, 10000 * slow, 10),
			     "fuzz seed 0x%016" PRIx64 ": job_count %d\n", seed,
			     igt_osprey_job_count(ctl));
		igt_assert_f(igt_wait(igt_osprey_gem_count(ctl) == gem_start, 10000 * slow, 10),
			     "fuzz seed 0x%016" PRIx64 ": gem_count %d, expected %d\n", seed,
			     igt_osprey_gem_count(ctl), gem_start);
		drm_close_driver(ctl);
		if (reloaded) {
			igt_assert_eq(igt_kmod_unload("osprey"), 0);
			igt_assert_eq(igt_kmod_load("osprey", NULL), 0);
			reloaded = false;
		}
	}
}
