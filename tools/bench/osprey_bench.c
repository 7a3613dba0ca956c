// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * osprey_bench: how fast the Osprey driver does CPU-side buffer work,
 * compared with vgem, the kernel's virtual GEM driver, doing the same work.
 *
 *   osprey_bench [PREFIX[,PREFIX...]]
 *
 * Runs the benchmarks whose names start with one of the PREFIXes, or all of
 * them without an argument:
 *
 *   bo_create_close_4k         create and close a 4 KiB buffer
 *   bo_create_close_1m         create and close a 1 MiB buffer
 *   mmap_fault_64m             create a 64 MiB buffer, mmap() it, write one
 *                              byte in every 4 KiB page (each write faults a
 *                              page in), munmap() it and close it; MiB/s is
 *                              64 MiB over the time of that whole cycle
 *   prime_export_import_close  export a 4 KiB buffer (made once beforehand)
 *                              as a dma-buf, import it back on the same fd,
 *                              close the dma-buf fd
 *   floor_ioctl_roundtrip      DRM_IOCTL_VERSION asking for no strings on the
 *                              Osprey fd: the cost of any ioctl at all
 *   floor_pipe_pingpong        one byte sent to another thread and back,
 *                              over two pipes: the cost of a wake-up
 *
 * Osprey is used through its render node with its own ioctls (GEM_CREATE,
 * GEM_MMAP_OFFSET); vgem through its card node with dumb buffers
 * (MODE_CREATE_DUMB at 32 bpp, 1024 pixels wide, so that the size is exactly
 * the one wanted, and MODE_MAP_DUMB). Both close buffers with GEM_CLOSE and
 * use the DRM core's PRIME ioctls through libdrm.
 *
 * Method: a run repeats one operation for about a second of CLOCK_MONOTONIC
 * time (and at least a minimum number of times); each figure is the median
 * of three runs. The Osprey and vgem runs of a comparison alternate, so that
 * whatever else the (emulated, noisy) machine does falls on both alike, and
 * a few untimed iterations warm each one up first. A whole run of every
 * benchmark takes about 35 s in the TCG guest.
 *
 * Output, one figure a line, parsed by other tools:
 *
 *   bench NAME = VALUE UNIT
 *	An integer: ops/s or MiB/s (higher is better), or ns per round trip
 *	(lower is better). NAME starts with the driver (osprey_, vgem_) for
 *	the figures of a comparison, and with floor_ for the floors.
 *   ratio NAME_vs_vgem = VALUE (goal >= G)
 *	Osprey's figure over vgem's, two decimals: 1.00 means as fast as
 *	vgem, 0.50 half as fast.
 *
 * Lines starting with '#' follow: for each figure the smallest, median and
 * largest of its runs (a wide spread means a noisy measurement), whether
 * each ratio meets its goal, and the devices used.
 *
 * Exit status: 0 once the benchmarks have run, whatever the figures; 1 when
 * a device is missing or an ioctl or system call fails (stderr says which);
 * 2 for a bad argument.
 *
 * To add a benchmark: write a function that sets up, calls compare() (Osprey
 * against vgem) or single() (one figure) with an iteration function, and
 * cleans up; then give it a line in benches[].
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "osprey_drm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SZ_4K		4096ull
#define SZ_1M		(1024ull * 1024)
#define SZ_64M		(64 * SZ_1M)

#define RUNS		3	/* runs per figure; the median is reported */
#define RUN_SECONDS	1.0	/* a run lasts at least this long */
#define BATCH_SECONDS	0.001	/* read the clock about this often */
#define MAX_BATCH	1024ul	/* and at least every this many iterations */
#define RATIO_GOAL	0.95	/* Osprey should reach 95% of vgem */

#define MAX_FIGURES	64
#define NAME_LEN	64

/* The devices a benchmark needs. */
#define NEED_OSPREY	0x1u
#define NEED_VGEM	0x2u

/* A driver and the way to make and map buffers on it. */
struct drv {
	const char *name;	/* the driver's name, prefix of its figures */
	const char *node;	/* the kind of /dev/dri node used */
	int first, last;	/* the node numbers to look at */
	int fd;
	char path[32];
	char version[64];
	int (*bo_create)(struct drv *drv, uint64_t size, uint32_t *handle);
	int (*bo_map_offset)(struct drv *drv, uint32_t handle,
			     uint64_t *offset);
};

/* What one iteration works on: a driver, a size and maybe a buffer. */
struct work {
	struct drv *drv;
	uint64_t size;
	uint32_t handle;	/* a buffer made before the loop, if any */
	bool noted;		/* a surprise has been reported on stderr */
};

/* How a loop is run and its result expressed. */
struct loop {
	const char *unit;
	double per_iter;	/* units of work per iteration; 0: ns/iteration */
	unsigned long min_iters;	/* iterations a run makes at least */
	unsigned int warmup;	/* untimed iterations before the first run */
};

/* One figure being measured. */
struct measure {
	char name[NAME_LEN];
	const struct loop *loop;
	int (*iter)(void *arg);	/* one iteration: 0, or -1 once it said why */
	void *arg;
	double runs[RUNS];
	double median;
};

/* A printed figure or ratio, kept for the summary. */
struct figure {
	char name[NAME_LEN];
	const char *unit;	/* NULL for a ratio */
	double min, median, max;	/* a ratio's value is its median */
	double goal;
};

struct bench {
	const char *name;
	unsigned int needs;	/* NEED_* */
	int (*fn)(const struct bench *b);
	uint64_t size;		/* buffer size, for those that use one */
};

static struct figure figures[MAX_FIGURES];
static unsigned int nr_figures;

/* Report a failure on stderr; err is an errno value, or 0 for none. */
static int __attribute__((format(printf, 3, 4)))
fail(const struct drv *drv, int err, const char *fmt, ...)
{
	va_list ap;

	if (drv)
		fprintf(stderr, "osprey_bench: %s (%s): ", drv->name, drv->path);
	else
		fprintf(stderr, "osprey_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	return -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Buffers */

static int bo_close(struct drv *drv, uint32_t handle)
{
	struct drm_gem_close req = { .handle = handle };

	if (drmIoctl(drv->fd, DRM_IOCTL_GEM_CLOSE, &req))
		return fail(drv, errno, "DRM_IOCTL_GEM_CLOSE (handle %u)",
			    handle);
	return 0;
}

static int osprey_bo_create(struct drv *drv, uint64_t size, uint32_t *handle)
{
	struct drm_osprey_gem_create req = { .size = size };

	if (drmIoctl(drv->fd, DRM_IOCTL_OSPREY_GEM_CREATE, &req))
		return fail(drv, errno, "DRM_IOCTL_OSPREY_GEM_CREATE (size %llu)",
			    (unsigned long long)size);
	if (req.size != size) {
		fail(drv, 0, "DRM_IOCTL_OSPREY_GEM_CREATE made %llu bytes, not %llu",
		     (unsigned long long)req.size, (unsigned long long)size);
		bo_close(drv, req.handle);
		return -1;
	}
	*handle = req.handle;
	return 0;
}

static int osprey_bo_map_offset(struct drv *drv, uint32_t handle,
				uint64_t *offset)
{
	struct drm_osprey_gem_mmap_offset req = { .handle = handle };

	if (drmIoctl(drv->fd, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &req))
		return fail(drv, errno, "DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET");
	*offset = req.offset;
	return 0;
}

/* A dumb buffer of exactly size bytes: rows of 1024 pixels of 4 bytes. */
static int vgem_bo_create(struct drv *drv, uint64_t size, uint32_t *handle)
{
	struct drm_mode_create_dumb req = {
		.width = 1024,
		.height = size / 4096,
		.bpp = 32,
	};

	if (drmIoctl(drv->fd, DRM_IOCTL_MODE_CREATE_DUMB, &req))
		return fail(drv, errno, "DRM_IOCTL_MODE_CREATE_DUMB (size %llu)",
			    (unsigned long long)size);
	if (req.size != size) {
		fail(drv, 0, "DRM_IOCTL_MODE_CREATE_DUMB made %llu bytes, not %llu",
		     (unsigned long long)req.size, (unsigned long long)size);
		bo_close(drv, req.handle);
		return -1;
	}
	*handle = req.handle;
	return 0;
}

static int vgem_bo_map_offset(struct drv *drv, uint32_t handle,
			      uint64_t *offset)
{
	struct drm_mode_map_dumb req = { .handle = handle };

	if (drmIoctl(drv->fd, DRM_IOCTL_MODE_MAP_DUMB, &req))
		return fail(drv, errno, "DRM_IOCTL_MODE_MAP_DUMB");
	*offset = req.offset;
	return 0;
}

static struct drv osprey = {
	.name = "osprey",
	.node = "renderD",
	.first = 128,
	.last = 191,
	.fd = -1,
	.bo_create = osprey_bo_create,
	.bo_map_offset = osprey_bo_map_offset,
};

static struct drv vgem = {
	.name = "vgem",
	.node = "card",
	.first = 0,
	.last = 63,
	.fd = -1,
	.bo_create = vgem_bo_create,
	.bo_map_offset = vgem_bo_map_offset,
};

/* Open the first /dev/dri node of drv's kind whose driver is drv. */
static int open_drv(struct drv *drv)
{
	drmVersionPtr v;
	bool match;
	int i, fd;

	for (i = drv->first; i <= drv->last; i++) {
		snprintf(drv->path, sizeof(drv->path), "/dev/dri/%s%d",
			 drv->node, i);
		fd = open(drv->path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		match = v && !strcmp(v->name, drv->name);
		if (match)
			snprintf(drv->version, sizeof(drv->version),
				 "%s %d.%d.%d", v->name, v->version_major,
				 v->version_minor, v->version_patchlevel);
		drmFreeVersion(v);
		if (match) {
			drv->fd = fd;
			return 0;
		}
		close(fd);
	}
	fprintf(stderr,
		"osprey_bench: no %s device: no /dev/dri/%s%d..%d has driver \"%s\" (is the module loaded?)\n",
		drv->name, drv->node, drv->first, drv->last, drv->name);
	return -1;
}

/* Measuring */

/* One run of m: its loop for RUN_SECONDS, giving the figure's value. */
static int run_once(struct measure *m, double *value)
{
	const struct loop *loop = m->loop;
	unsigned long iters = 0, batch = 1, i;
	double start, last, t;

	start = now();
	last = start;
	for (;;) {
		for (i = 0; i < batch; i++) {
			if (m->iter(m->arg))
				return -1;
		}
		iters += batch;
		t = now();
		if (t - start >= RUN_SECONDS && iters >= loop->min_iters)
			break;
		if (t - last < BATCH_SECONDS && batch < MAX_BATCH)
			batch *= 2;
		last = t;
	}
	t -= start;
	if (loop->per_iter)
		*value = iters * loop->per_iter / t;
	else
		*value = t * 1e9 / iters;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Measure n figures together: warm each up, then make RUNS rounds of one run
 * of each, in alternating order, and take each figure's median.
 */
static int run_measures(struct measure *m, unsigned int n)
{
	double sorted[RUNS];
	unsigned int i, j, r;

	for (i = 0; i < n; i++) {
		for (j = 0; j < m[i].loop->warmup; j++) {
			if (m[i].iter(m[i].arg))
				return -1;
		}
	}
	for (r = 0; r < RUNS; r++) {
		for (j = 0; j < n; j++) {
			i = r % 2 ? n - 1 - j : j;
			if (run_once(&m[i], &m[i].runs[r]))
				return -1;
		}
	}
	for (i = 0; i < n; i++) {
		memcpy(sorted, m[i].runs, sizeof(sorted));
		qsort(sorted, RUNS, sizeof(sorted[0]), cmp_double);
		m[i].median = sorted[RUNS / 2];
	}
	return 0;
}

/* Printing */

static struct figure *add_figure(const char *name)
{
	struct figure *f;

	if (nr_figures == MAX_FIGURES)
		return NULL;
	f = &figures[nr_figures++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	return f;
}

static void emit_bench(const struct measure *m)
{
	struct figure *f = add_figure(m->name);
	unsigned int r;

	printf("bench %s = %.0f %s\n", m->name, m->median, m->loop->unit);
	if (!f)
		return;
	f->unit = m->loop->unit;
	f->median = m->median;
	f->min = m->runs[0];
	f->max = m->runs[0];
	for (r = 1; r < RUNS; r++) {
		if (m->runs[r] < f->min)
			f->min = m->runs[r];
		if (m->runs[r] > f->max)
			f->max = m->runs[r];
	}
}

static void emit_ratio(const char *name, double ours, double theirs,
		       double goal)
{
	double ratio = theirs > 0 ? ours / theirs : 0;
	struct figure *f = add_figure(name);

	printf("ratio %s = %.2f (goal >= %.2f)\n", name, ratio, goal);
	if (!f)
		return;
	f->unit = NULL;
	f->median = ratio;
	f->goal = goal;
}

static void print_summary(void)
{
	const struct figure *f;
	unsigned int i;

	if (!nr_figures)
		return;
	printf("#\n# %-34s %12s %12s %12s  %s\n", "figure (median of 3 runs)",
	       "min", "median", "max", "unit");
	for (i = 0; i < nr_figures; i++) {
		f = &figures[i];
		if (f->unit)
			printf("# %-34s %12.0f %12.0f %12.0f  %s\n", f->name,
			       f->min, f->median, f->max, f->unit);
	}
	for (i = 0; i < nr_figures; i++) {
		f = &figures[i];
		if (!f->unit)
			printf("# %-34s %12.2f  goal %.2f: %s\n", f->name,
			       f->median, f->goal,
			       f->median >= f->goal ? "met" : "BELOW");
	}
	if (osprey.fd >= 0)
		printf("# osprey: %s (%s)\n", osprey.path, osprey.version);
	if (vgem.fd >= 0)
		printf("# vgem: %s (%s)\n", vgem.path, vgem.version);
}

/*
 * Measure the same iteration on Osprey (w[0]) and vgem (w[1]) and print
 * both figures and their ratio.
 */
static int compare(const struct bench *b, const struct loop *loop,
		   int (*iter)(void *arg), struct work w[2])
{
	struct measure m[2] = {};
	char name[NAME_LEN];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(m[i].name, sizeof(m[i].name), "%s_%s",
			 w[i].drv->name, b->name);
		m[i].loop = loop;
		m[i].iter = iter;
		m[i].arg = &w[i];
	}
	if (run_measures(m, 2))
		return -1;
	emit_bench(&m[0]);
	emit_bench(&m[1]);
	snprintf(name, sizeof(name), "%s_vs_vgem", b->name);
	emit_ratio(name, m[0].median, m[1].median, RATIO_GOAL);
	return 0;
}

/* Measure one iteration and print its figure under the benchmark's name. */
static int single(const struct bench *b, const struct loop *loop,
		  int (*iter)(void *arg), void *arg)
{
	struct measure m = {
		.loop = loop,
		.iter = iter,
		.arg = arg,
	};

	snprintf(m.name, sizeof(m.name), "%s", b->name);
	if (run_measures(&m, 1))
		return -1;
	emit_bench(&m);
	return 0;
}

/* Loops for cheap operations, counted in operations per second or in ns. */
static const struct loop ops_loop = {
	.unit = "ops/s",
	.per_iter = 1,
	.min_iters = 32,
	.warmup = 8,
};

static const struct loop ns_loop = {
	.unit = "ns",
	.per_iter = 0,
	.min_iters = 32,
	.warmup = 64,
};

/* Benchmarks */

static int iter_bo_create_close(void *arg)
{
	struct work *w = arg;
	uint32_t handle;

	if (w->drv->bo_create(w->drv, w->size, &handle))
		return -1;
	return bo_close(w->drv, handle);
}

static int bench_bo_create_close(const struct bench *b)
{
	struct work w[2] = {
		{ .drv = &osprey, .size = b->size },
		{ .drv = &vgem, .size = b->size },
	};

	return compare(b, &ops_loop, iter_bo_create_close, w);
}

static int iter_mmap_fault(void *arg)
{
	struct work *w = arg;
	struct drv *drv = w->drv;
	volatile uint8_t *p;
	uint64_t offset, off;
	uint32_t handle;
	void *map;
	int ret = -1;

	if (drv->bo_create(drv, w->size, &handle))
		return -1;
	if (drv->bo_map_offset(drv, handle, &offset))
		goto out_close;
	map = mmap(NULL, w->size, PROT_READ | PROT_WRITE, MAP_SHARED, drv->fd,
		   (off_t)offset);
	if (map == MAP_FAILED) {
		fail(drv, errno, "mmap of %llu bytes at offset 0x%llx",
		     (unsigned long long)w->size, (unsigned long long)offset);
		goto out_close;
	}
	p = map;
	for (off = 0; off < w->size; off += SZ_4K)
		p[off] = 1;
	if (munmap(map, w->size)) {
		fail(drv, errno, "munmap");
		goto out_close;
	}
	ret = 0;
out_close:
	if (bo_close(drv, handle))
		ret = -1;
	return ret;
}

static int bench_mmap_fault(const struct bench *b)
{
	struct drm_osprey_get_param param = {
		.param = DRM_OSPREY_PARAM_MAX_BO_SIZE,
	};
	struct loop loop = {
		.unit = "MiB/s",
		.per_iter = (double)b->size / SZ_1M,
		.min_iters = 1,
		.warmup = 0,
	};
	struct work w[2] = {
		{ .drv = &osprey, .size = b->size },
		{ .drv = &vgem, .size = b->size },
	};

	/* A kernel without the parameter gets its say from GEM_CREATE. */
	if (!drmIoctl(osprey.fd, DRM_IOCTL_OSPREY_GET_PARAM, &param) &&
	    param.value < b->size) {
		fprintf(stderr,
			"osprey_bench: osprey: %s needs %llu-byte buffers but max_bo_size is %llu\n",
			b->name, (unsigned long long)b->size,
			(unsigned long long)param.value);
		return -1;
	}
	return compare(b, &loop, iter_mmap_fault, w);
}

static int iter_prime(void *arg)
{
	struct work *w = arg;
	struct drv *drv = w->drv;
	uint32_t handle;
	int dmabuf, ret = 0;

	if (drmPrimeHandleToFD(drv->fd, w->handle, DRM_CLOEXEC, &dmabuf))
		return fail(drv, errno, "PRIME export (DRM_IOCTL_PRIME_HANDLE_TO_FD)");
	if (drmPrimeFDToHandle(drv->fd, dmabuf, &handle)) {
		fail(drv, errno, "PRIME import (DRM_IOCTL_PRIME_FD_TO_HANDLE)");
		close(dmabuf);
		return -1;
	}
	/* The DRM core gives back the exported handle; close any other. */
	if (handle != w->handle) {
		if (!w->noted)
			fprintf(stderr,
				"osprey_bench: %s: self-import gave handle %u for %u; closing it each time\n",
				drv->name, handle, w->handle);
		w->noted = true;
		if (bo_close(drv, handle))
			ret = -1;
	}
	if (close(dmabuf))
		ret = fail(drv, errno, "close of a dma-buf fd");
	return ret;
}

static int bench_prime(const struct bench *b)
{
	struct work w[2] = {
		{ .drv = &osprey, .size = b->size },
		{ .drv = &vgem, .size = b->size },
	};
	int ret;

	if (osprey.bo_create(&osprey, b->size, &w[0].handle))
		return -1;
	if (vgem.bo_create(&vgem, b->size, &w[1].handle)) {
		bo_close(&osprey, w[0].handle);
		return -1;
	}
	ret = compare(b, &ops_loop, iter_prime, w);
	if (bo_close(&vgem, w[1].handle))
		ret = -1;
	if (bo_close(&osprey, w[0].handle))
		ret = -1;
	return ret;
}

static int iter_ioctl_version(void *arg)
{
	struct drv *drv = arg;
	struct drm_version v = {};

	if (drmIoctl(drv->fd, DRM_IOCTL_VERSION, &v))
		return fail(drv, errno, "DRM_IOCTL_VERSION");
	return 0;
}

static int bench_floor_ioctl(const struct bench *b)
{
	return single(b, &ns_loop, iter_ioctl_version, &osprey);
}

struct pingpong {
	int ping[2];		/* main thread to echo thread */
	int pong[2];		/* echo thread to main thread */
	pthread_t thread;
};

static int read_byte(int fd, char *c)
{
	ssize_t n;

	do {
		n = read(fd, c, 1);
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		errno = EPIPE;
	return n == 1 ? 0 : -1;
}

static int write_byte(int fd, char c)
{
	ssize_t n;

	do {
		n = write(fd, &c, 1);
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		errno = EPIPE;
	return n == 1 ? 0 : -1;
}

/* Send back every byte until the main thread closes its end. */
static void *echo_thread(void *arg)
{
	struct pingpong *pp = arg;
	char c;

	for (;;) {
		if (read_byte(pp->ping[0], &c) || write_byte(pp->pong[1], c))
			break;
	}
	close(pp->pong[1]);
	return NULL;
}

static int iter_pingpong(void *arg)
{
	struct pingpong *pp = arg;
	char c;

	if (write_byte(pp->ping[1], 'p') || read_byte(pp->pong[0], &c))
		return fail(NULL, errno, "pipe ping-pong");
	return 0;
}

static int bench_floor_pipe(const struct bench *b)
{
	struct pingpong pp;
	int ret;

	if (pipe2(pp.ping, O_CLOEXEC))
		return fail(NULL, errno, "pipe2");
	if (pipe2(pp.pong, O_CLOEXEC)) {
		ret = fail(NULL, errno, "pipe2");
		goto out_ping;
	}
	ret = pthread_create(&pp.thread, NULL, echo_thread, &pp);
	if (ret) {
		ret = fail(NULL, ret, "pthread_create");
		close(pp.pong[1]);
		goto out_pong;
	}
	ret = single(b, &ns_loop, iter_pingpong, &pp);
	/* The echo thread sees end-of-file, closes pong[1] and returns. */
	close(pp.ping[1]);
	pp.ping[1] = -1;
	pthread_join(pp.thread, NULL);
out_pong:
	close(pp.pong[0]);
out_ping:
	close(pp.ping[0]);
	if (pp.ping[1] >= 0)
		close(pp.ping[1]);
	return ret;
}

static const struct bench benches[] = {
	{ "bo_create_close_4k", NEED_OSPREY | NEED_VGEM,
	  bench_bo_create_close, SZ_4K },
	{ "bo_create_close_1m", NEED_OSPREY | NEED_VGEM,
	  bench_bo_create_close, SZ_1M },
	{ "mmap_fault_64m", NEED_OSPREY | NEED_VGEM,
	  bench_mmap_fault, SZ_64M },
	{ "prime_export_import_close", NEED_OSPREY | NEED_VGEM,
	  bench_prime, SZ_4K },
	{ "floor_ioctl_roundtrip", NEED_OSPREY, bench_floor_ioctl, 0 },
	{ "floor_pipe_pingpong", 0, bench_floor_pipe, 0 },
};

static void print_usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: osprey_bench [PREFIX[,PREFIX...]]\n"
		"Runs the benchmarks whose names start with a PREFIX (all by default):\n");
	for (i = 0; i < ARRAY_SIZE(benches); i++)
		fprintf(f, "  %s\n", benches[i].name);
}

/* Mark the benchmarks list selects; false if a prefix selects none. */
static bool select_benches(const char *list, bool *selected)
{
	char *copy = strdup(list), *save, *prefix;
	bool ok = copy, any;
	unsigned int i;

	for (prefix = strtok_r(copy, ",", &save); ok && prefix;
	     prefix = strtok_r(NULL, ",", &save)) {
		any = false;
		for (i = 0; i < ARRAY_SIZE(benches); i++) {
			if (!strncmp(benches[i].name, prefix, strlen(prefix))) {
				selected[i] = true;
				any = true;
			}
		}
		if (!any) {
			fprintf(stderr, "osprey_bench: no benchmark starts with \"%s\"\n",
				prefix);
			ok = false;
		}
	}
	free(copy);
	return ok;
}

int main(int argc, char **argv)
{
	bool selected[ARRAY_SIZE(benches)] = {};
	unsigned int i, needs = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2) {
		print_usage(stderr);
		return 2;
	}
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		print_usage(stdout);
		return 0;
	}
	if (argc == 2) {
		if (!select_benches(argv[1], selected)) {
			print_usage(stderr);
			return 2;
		}
	} else {
		for (i = 0; i < ARRAY_SIZE(benches); i++)
			selected[i] = true;
	}

	for (i = 0; i < ARRAY_SIZE(benches); i++) {
		if (selected[i])
			needs |= benches[i].needs;
	}
	if ((needs & NEED_OSPREY) && open_drv(&osprey))
		return 1;
	if ((needs & NEED_VGEM) && open_drv(&vgem))
		return 1;

	for (i = 0; i < ARRAY_SIZE(benches); i++) {
		if (!selected[i])
			continue;
		if (benches[i].fn(&benches[i])) {
			fprintf(stderr, "osprey_bench: %s failed\n",
				benches[i].name);
			return 1;
		}
	}
	print_summary();
	return 0;
}
