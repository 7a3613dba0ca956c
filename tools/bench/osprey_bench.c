// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * osprey_bench: how fast the Osprey driver does CPU-side buffer work,
 * compared with vgem, the kernel's virtual GEM driver, doing the same work;
 * how fast it runs jobs on the GPU model; and the floors both are bounded by.
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
 *   nop_submit_signal          one job (a NOP and END batch) submitted with
 *                              an out-syncobj, then waited for: the time
 *                              from before SUBMIT to the wait's return, in
 *                              microseconds, median and 99th percentile of
 *                              up to 2000 jobs (figures _median and _p99)
 *   nop_throughput_1t, _4t     NOP and END jobs per second from 1 and 4
 *                              threads, each with its own queue and
 *                              timeline syncobj, keeping up to 64 jobs in
 *                              flight and waiting for the last at the end
 *   copy_4k, copy_1m, copy_64m one job of one COPY instruction, submitted
 *                              and waited for (osprey_copy_*), and the CPU's
 *                              memcpy() between the same buffers, mapped
 *                              (memcpy_*): MiB/s
 *   vm_bind_map_unmap_4k       VM_BIND map then unmap of a 4 KiB buffer, in
 *                              a VM of its own with no jobs: pairs per second
 *   hang_dump_1m, _16m, _64m   a job that never ends (SEM_WAIT) in a VM of
 *                              its own holding a buffer of 1, 16 or 64 MiB
 *                              of random bytes, run to its timeout; then:
 *                              _readable_ms, from the timeout firing (the
 *                              dump's detected_ns) to the dump being
 *                              readable in /sys/class/devcoredump;
 *                              _capture_ms, the hang-time capture (the
 *                              dump's capture_us); _format_ms, the worker's
 *                              formatting (debugfs last_format_us); _kib, the
 *                              dump's size; _read_mibps, reading its data
 *                              file. coredump_budget is raised to 256 MiB
 *                              for the run and put back after.
 *   hang_recovery              a hanging job on one queue and a NOP job
 *                              behind it on another: the NOP job's completion
 *                              minus the timeout's firing, in ms
 *   floor_ioctl_roundtrip      DRM_IOCTL_VERSION asking for no strings on the
 *                              Osprey fd: the cost of any ioctl at all
 *   floor_pipe_pingpong        one byte sent to another thread and back,
 *                              over two pipes: the cost of a wake-up
 *   display_vblank, display_flip, display_compose
 *                              the display: vblank jitter, flip latency and
 *                              the model's composition of a 1080p frame
 *                              (display.c says what each measures)
 *
 * Osprey is used through its render node with its own ioctls (GEM_CREATE,
 * GEM_MMAP_OFFSET, and libosprey for VMs, queues, jobs and syncobjs); vgem
 * through its card node with dumb buffers
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
 *   ratio copy_64m_vs_memcpy = VALUE (goal >= G)
 *	The GPU's 64 MiB COPY job over the CPU's memcpy() of the same bytes.
 *   ratio nop_submit_signal_vs_pingpong = VALUE (goal <= G)
 *	The median job latency over floor_pipe_pingpong: how many thread
 *	wake-ups a job costs (printed when both were measured).
 *
 * Lines starting with '#' follow: for each figure the smallest, median and
 * largest of its runs (a wide spread means a noisy measurement), whether
 * each ratio meets its goal, and the devices used.
 *
 * Exit status: 0 once the benchmarks have run, whatever the figures; 1 when
 * a device is missing or an ioctl or system call fails, or a job ends with
 * an error or not within JOB_TIMEOUT_NS (stderr says which); 2 for a bad
 * argument.
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
#include <dirent.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "bench.h"
#include "coredump_parse.h"
#include "libosprey.h"
#include "osprey_drm.h"
#include "osprey_isa.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SZ_4K		4096ull
#define SZ_1M		(1024ull * 1024)
#define SZ_64M		(64 * SZ_1M)

#define RUNS		BENCH_RUNS	/* runs per figure; the median is reported */
#define RUN_SECONDS	1.0	/* a run lasts at least this long */
#define BATCH_SECONDS	0.001	/* read the clock about this often */
#define MAX_BATCH	1024ul	/* and at least every this many iterations */
#define RATIO_GOAL	0.95	/* Osprey should reach 95% of vgem */
#define COPY_RATIO_GOAL	0.8	/* a 64 MiB COPY job vs memcpy() */
#define LATENCY_RATIO_GOAL 3.0	/* a NOP job vs a pipe ping-pong */
#define DUMP_READABLE_GOAL_MS 1000	/* 64 MiB dump readable after the timeout */
#define RECOVERY_GOAL_MS 50	/* next job done after the timeout */

#define JOB_TIMEOUT_NS	(10 * 1000000000ll)	/* a job taking longer fails */
#define LATENCY_JOBS	2000	/* jobs per nop_submit_signal run, at most */
#define LATENCY_MIN_JOBS 200	/* and at least, */
#define LATENCY_SECONDS	3.0	/* the run stopping after this long */
#define TPUT_WINDOW	64	/* jobs in flight per throughput thread */
#define TPUT_MAX_THREADS 4

#define MAX_FIGURES	96
#define NAME_LEN	64

/* The devices a benchmark needs. */
#define NEED_OSPREY	0x1u
#define NEED_VGEM	0x2u
#define NEED_GPU	0x4u	/* Osprey's job uapi, through libosprey */

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
	bool at_most;		/* the goal is a ceiling, not a floor */
};

struct bench {
	const char *name;
	unsigned int needs;	/* NEED_* */
	int (*fn)(const struct bench *b);
	uint64_t size;		/* buffer size, for those that use one */
};

static struct figure figures[MAX_FIGURES];
static unsigned int nr_figures;

/* Osprey's job uapi on osprey.fd, and the file's default VM. */
static struct osp_dev *gpu;
static struct osp_vm *gpu_vm;

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

/* Set m's figure to the median of its runs. */
static void take_median(struct measure *m)
{
	double sorted[RUNS];

	memcpy(sorted, m->runs, sizeof(sorted));
	qsort(sorted, RUNS, sizeof(sorted[0]), cmp_double);
	m->median = sorted[RUNS / 2];
}

/*
 * Measure n figures together: warm each up, then make RUNS rounds of one run
 * of each, in alternating order, and take each figure's median.
 */
static int run_measures(struct measure *m, unsigned int n)
{
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
	for (i = 0; i < n; i++)
		take_median(&m[i]);
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

/* Print ours / theirs; the goal is a floor, or a ceiling if at_most. */
static void emit_ratio(const char *name, double ours, double theirs,
		       double goal, bool at_most)
{
	double ratio = theirs > 0 ? ours / theirs : 0;
	struct figure *f = add_figure(name);

	printf("ratio %s = %.2f (goal %s %.2f)\n", name, ratio,
	       at_most ? "<=" : ">=", goal);
	if (!f)
		return;
	f->unit = NULL;
	f->median = ratio;
	f->goal = goal;
	f->at_most = at_most;
}

static const struct figure *find_figure(const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_figures; i++) {
		if (figures[i].unit && !strcmp(figures[i].name, name))
			return &figures[i];
	}
	return NULL;
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
		if (!f->unit && !f->at_most)
			printf("# %-34s %12.2f  goal >= %.2f: %s\n", f->name,
			       f->median, f->goal,
			       f->median >= f->goal ? "met" : "BELOW");
		else if (!f->unit)
			printf("# %-34s %12.2f  goal <= %.2f: %s\n", f->name,
			       f->median, f->goal,
			       f->median <= f->goal ? "met" : "ABOVE");
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
	emit_ratio(name, m[0].median, m[1].median, RATIO_GOAL, false);
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

static double percentile(const double *sorted, unsigned int n, unsigned int pct);

/* For bench.h: report a failure with no driver. */
int bench_fail(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "osprey_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	return -1;
}

/* For bench.h: CLOCK_MONOTONIC in seconds. */
double bench_now(void)
{
	return now();
}

/* For bench.h: print a figure measured elsewhere, the median of its runs. */
void bench_emit(const char *name, const char *unit, const double runs[BENCH_RUNS])
{
	struct loop loop = { .unit = unit };
	struct measure m = { .loop = &loop };

	snprintf(m.name, sizeof(m.name), "%s", name);
	memcpy(m.runs, runs, sizeof(m.runs));
	take_median(&m);
	emit_bench(&m);
}

/* For bench.h: the @pct-th percentile of @n samples, which it sorts. */
double bench_percentile(double *samples, unsigned int n, unsigned int pct)
{
	if (!n)
		return 0;
	qsort(samples, n, sizeof(samples[0]), cmp_double);
	return percentile(samples, n, pct);
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

/* GPU jobs */

/* Report a libosprey failure (a negative errno) on Osprey's device. */
static int gpu_fail(int ret, const char *what)
{
	return fail(&osprey, ret < 0 ? -ret : 0, "%s", what);
}

/* Whether the job that signalled syncobj (at point, 0: binary) went well. */
static int job_check(uint32_t syncobj, uint64_t point, const char *what)
{
	int status = osp_syncobj_status(gpu, syncobj, point);

	if (status == 1)
		return 0;
	if (status == 0)
		return fail(&osprey, 0, "%s: a job waited for is still pending", what);
	return fail(&osprey, -status, "%s: a job ended with an error", what);
}

/* A batch of nop then end in the default VM. */
static struct osp_batch *nop_batch(void)
{
	struct osp_batch *b = osp_batch_new(gpu_vm, SZ_4K);
	int ret;

	if (!b) {
		fail(&osprey, errno, "batch buffer");
		return NULL;
	}
	ret = osp_batch_nop(b);
	if (!ret)
		ret = osp_batch_end(b);
	if (ret) {
		gpu_fail(ret, "building a batch");
		osp_batch_del(b);
		return NULL;
	}
	return b;
}

/* What the one-job-at-a-time loops submit: a batch, on a queue. */
struct job_work {
	struct osp_batch *batch;
	uint32_t queue;
	uint32_t syncobj;	/* binary, signalled by every job */
	void *src, *dst;	/* copy: the buffers' CPU mappings */
	uint64_t size;
};

static int job_work_init(struct job_work *w, struct osp_batch *batch)
{
	int ret;

	w->batch = batch;
	ret = osp_queue_create(gpu, gpu_vm, DRM_OSPREY_QUEUE_PRIORITY_NORMAL,
			       &w->queue);
	if (ret)
		return gpu_fail(ret, "DRM_IOCTL_OSPREY_QUEUE_CREATE");
	ret = osp_syncobj_create(gpu, &w->syncobj);
	if (ret) {
		osp_queue_destroy(gpu, w->queue);
		return gpu_fail(ret, "DRM_IOCTL_SYNCOBJ_CREATE");
	}
	return 0;
}

static void job_work_fini(struct job_work *w)
{
	osp_syncobj_destroy(gpu, w->syncobj);
	osp_queue_destroy(gpu, w->queue);
}

/* Submit w's batch with w's syncobj as out-sync and wait for it. */
static int iter_submit_wait(void *arg)
{
	struct job_work *w = arg;
	struct drm_osprey_sync out = { .handle = w->syncobj };
	int ret;

	ret = osp_batch_submit(w->batch, w->queue, NULL, 0, &out, 1);
	if (ret)
		return gpu_fail(ret, "DRM_IOCTL_OSPREY_SUBMIT");
	ret = osp_syncobj_wait(gpu, w->syncobj, 0, JOB_TIMEOUT_NS);
	if (ret)
		return gpu_fail(ret, "waiting for a job");
	return 0;
}

/* The median and 99th percentile of n sorted samples. */
static double percentile(const double *sorted, unsigned int n, unsigned int pct)
{
	unsigned int rank = (n * pct + 99) / 100;	/* nearest rank */

	return sorted[rank ? rank - 1 : 0];
}

/* One nop_submit_signal run: latencies in microseconds, sorted. */
static int latency_run(struct job_work *w, double *samples, unsigned int *n)
{
	double start = now(), t0, t1;
	unsigned int i;

	for (i = 0; i < LATENCY_JOBS; i++) {
		if (i >= LATENCY_MIN_JOBS && now() - start >= LATENCY_SECONDS)
			break;
		t0 = now();
		if (iter_submit_wait(w))
			return -1;
		t1 = now();
		samples[i] = (t1 - t0) * 1e6;
	}
	*n = i;
	qsort(samples, i, sizeof(samples[0]), cmp_double);
	return job_check(w->syncobj, 0, "nop_submit_signal");
}

static int bench_nop_latency(const struct bench *b)
{
	static const struct loop us_loop = { .unit = "us" };
	struct measure m[2] = {
		{ .loop = &us_loop },
		{ .loop = &us_loop },
	};
	struct job_work w = {};
	double *samples;
	unsigned int i, n;
	int ret = -1;

	snprintf(m[0].name, sizeof(m[0].name), "%s_median", b->name);
	snprintf(m[1].name, sizeof(m[1].name), "%s_p99", b->name);
	samples = calloc(LATENCY_JOBS, sizeof(*samples));
	if (!samples)
		return fail(NULL, ENOMEM, "latency samples");
	w.batch = nop_batch();
	if (!w.batch || job_work_init(&w, w.batch))
		goto out;
	for (i = 0; i < ns_loop.warmup; i++) {
		if (iter_submit_wait(&w))
			goto out_work;
	}
	for (i = 0; i < RUNS; i++) {
		if (latency_run(&w, samples, &n))
			goto out_work;
		m[0].runs[i] = percentile(samples, n, 50);
		m[1].runs[i] = percentile(samples, n, 99);
	}
	take_median(&m[0]);
	take_median(&m[1]);
	emit_bench(&m[0]);
	emit_bench(&m[1]);
	ret = 0;
out_work:
	job_work_fini(&w);
out:
	osp_batch_del(w.batch);
	free(samples);
	return ret;
}

/* One submitting thread of nop_throughput. */
struct tput_thread {
	pthread_t thread;
	struct osp_batch *batch;	/* shared by the threads */
	uint32_t queue;
	uint32_t syncobj;		/* timeline: job i signals point i */
	uint64_t point;			/* the last point submitted */
	uint64_t jobs;			/* jobs submitted in this run */
	int ret;
};

static bool tput_stop;

/*
 * Submit jobs until told to stop, waiting for point p - TPUT_WINDOW before
 * submitting point p, then wait for the last one.
 */
static void *tput_thread_fn(void *arg)
{
	struct tput_thread *t = arg;
	struct drm_osprey_sync out = { .handle = t->syncobj };
	int ret = 0;

	t->jobs = 0;
	while (!__atomic_load_n(&tput_stop, __ATOMIC_RELAXED)) {
		if (t->jobs >= TPUT_WINDOW) {
			ret = osp_syncobj_wait(gpu, t->syncobj,
					       t->point + 1 - TPUT_WINDOW,
					       JOB_TIMEOUT_NS);
			if (ret) {
				gpu_fail(ret, "waiting for a timeline point");
				break;
			}
		}
		out.point = t->point + 1;
		ret = osp_batch_submit(t->batch, t->queue, NULL, 0, &out, 1);
		if (ret) {
			gpu_fail(ret, "DRM_IOCTL_OSPREY_SUBMIT");
			break;
		}
		t->point++;
		t->jobs++;
	}
	if (!ret && t->point) {
		ret = osp_syncobj_wait(gpu, t->syncobj, t->point, JOB_TIMEOUT_NS);
		if (ret)
			gpu_fail(ret, "waiting for the last timeline point");
	}
	t->ret = ret;
	return NULL;
}

/* One run of nop_throughput with n threads: jobs per second. */
static int tput_run(struct tput_thread *t, unsigned int n, double *rate)
{
	struct timespec run = { .tv_sec = (time_t)RUN_SECONDS,
		.tv_nsec = (long)((RUN_SECONDS - (time_t)RUN_SECONDS) * 1e9) };
	uint64_t jobs = 0;
	unsigned int i, started;
	double start;
	int ret = 0;

	__atomic_store_n(&tput_stop, false, __ATOMIC_RELAXED);
	start = now();
	for (started = 0; started < n; started++) {
		ret = pthread_create(&t[started].thread, NULL, tput_thread_fn,
				     &t[started]);
		if (ret) {
			fail(NULL, ret, "pthread_create");
			break;
		}
	}
	if (started == n)
		nanosleep(&run, NULL);
	__atomic_store_n(&tput_stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < started; i++) {
		pthread_join(t[i].thread, NULL);
		if (t[i].ret)
			ret = -1;
		jobs += t[i].jobs;
	}
	*rate = jobs / (now() - start);
	if (ret)
		return -1;
	for (i = 0; i < n; i++) {
		if (job_check(t[i].syncobj, t[i].point, "nop_throughput"))
			return -1;
	}
	return 0;
}

static int bench_nop_throughput(const struct bench *b)
{
	static const struct loop jobs_loop = { .unit = "jobs/s" };
	static const unsigned int threads[] = { 1, TPUT_MAX_THREADS };
	struct tput_thread t[TPUT_MAX_THREADS] = {};
	struct measure m[ARRAY_SIZE(threads)] = {};
	struct osp_batch *batch;
	unsigned int i, j, r, made = 0;
	int ret = -1;

	batch = nop_batch();
	if (!batch)
		return -1;
	for (made = 0; made < TPUT_MAX_THREADS; made++) {
		t[made].batch = batch;
		ret = osp_queue_create(gpu, gpu_vm, DRM_OSPREY_QUEUE_PRIORITY_NORMAL,
				       &t[made].queue);
		if (ret) {
			gpu_fail(ret, "DRM_IOCTL_OSPREY_QUEUE_CREATE");
			goto out;
		}
		ret = osp_syncobj_create(gpu, &t[made].syncobj);
		if (ret) {
			osp_queue_destroy(gpu, t[made].queue);
			gpu_fail(ret, "DRM_IOCTL_SYNCOBJ_CREATE");
			goto out;
		}
	}
	for (i = 0; i < ARRAY_SIZE(threads); i++) {
		snprintf(m[i].name, sizeof(m[i].name), "%s_%ut", b->name, threads[i]);
		m[i].loop = &jobs_loop;
	}
	/* As run_measures(): rounds of one run of each, in alternating order. */
	for (r = 0; r < RUNS; r++) {
		for (j = 0; j < ARRAY_SIZE(threads); j++) {
			i = r % 2 ? ARRAY_SIZE(threads) - 1 - j : j;
			ret = tput_run(t, threads[i], &m[i].runs[r]);
			if (ret)
				goto out;
		}
	}
	for (i = 0; i < ARRAY_SIZE(threads); i++) {
		take_median(&m[i]);
		emit_bench(&m[i]);
	}
	ret = 0;
out:
	for (i = 0; i < made; i++) {
		osp_syncobj_destroy(gpu, t[i].syncobj);
		osp_queue_destroy(gpu, t[i].queue);
	}
	osp_batch_del(batch);
	return ret;
}

static int iter_memcpy(void *arg)
{
	struct job_work *w = arg;

	memcpy(w->dst, w->src, w->size);
	return 0;
}

/* A buffer of size bytes mapped in the default VM and in the CPU. */
static struct osp_bo *copy_buffer(uint64_t size, uint64_t *va, void **map)
{
	struct osp_bo *bo = osp_bo_new_mapped(gpu_vm, size, va);

	if (!bo) {
		fail(&osprey, errno, "a %llu-byte buffer mapped in the VM",
		     (unsigned long long)size);
		return NULL;
	}
	*map = osp_bo_map(bo);
	if (!*map) {
		fail(&osprey, errno, "mmap of a %llu-byte buffer",
		     (unsigned long long)size);
		osp_vm_unmap(gpu_vm, *va, bo->size);
		osp_bo_del(bo);
		return NULL;
	}
	return bo;
}

/* One COPY job from src to dst, checked once, before the measures. */
static int copy_check(struct job_work *w)
{
	uint32_t *src = w->src;
	uint64_t i;

	for (i = 0; i < w->size / 4; i++)
		src[i] = 0x9e3779b9u * (uint32_t)(i + 1);
	memset(w->dst, 0, w->size);
	if (iter_submit_wait(w) || job_check(w->syncobj, 0, "copy"))
		return -1;
	if (memcmp(w->dst, w->src, w->size))
		return fail(&osprey, 0, "the COPY job did not copy the buffer");
	return 0;
}

static int bench_copy(const struct bench *b)
{
	struct loop loop = {
		.unit = "MiB/s",
		.per_iter = (double)b->size / SZ_1M,
		.min_iters = 1,
		.warmup = b->size >= SZ_64M ? 1 : 8,
	};
	struct measure m[2] = {};
	struct job_work w = { .size = b->size };
	struct osp_bo *src, *dst = NULL;
	struct osp_batch *batch = NULL;
	uint64_t src_va, dst_va;
	char name[NAME_LEN];
	int ret = -1;

	src = copy_buffer(b->size, &src_va, &w.src);
	if (src)
		dst = copy_buffer(b->size, &dst_va, &w.dst);
	if (dst)
		batch = osp_batch_new(gpu_vm, SZ_4K);
	if (!batch) {
		if (dst)
			fail(&osprey, errno, "batch buffer");
		goto out;
	}
	ret = osp_batch_copy(batch, dst_va, src_va, b->size);
	if (!ret)
		ret = osp_batch_end(batch);
	if (ret) {
		gpu_fail(ret, "building a batch");
		goto out;
	}
	ret = job_work_init(&w, batch);
	if (ret)
		goto out;
	ret = copy_check(&w);
	if (ret)
		goto out_work;

	snprintf(m[0].name, sizeof(m[0].name), "osprey_%s", b->name);
	snprintf(m[1].name, sizeof(m[1].name), "memcpy_%s", b->name + strlen("copy_"));
	m[0].loop = &loop;
	m[0].iter = iter_submit_wait;
	m[0].arg = &w;
	m[1].loop = &loop;
	m[1].iter = iter_memcpy;
	m[1].arg = &w;
	ret = run_measures(m, 2);
	if (!ret)
		ret = job_check(w.syncobj, 0, b->name);
	if (ret)
		goto out_work;
	emit_bench(&m[0]);
	emit_bench(&m[1]);
	/*
	 * The goal is for large copies, where the job's fixed cost no longer
	 * counts; smaller ones show that cost, against no goal.
	 */
	if (b->size >= SZ_64M) {
		snprintf(name, sizeof(name), "%s_vs_memcpy", b->name);
		emit_ratio(name, m[0].median, m[1].median, COPY_RATIO_GOAL, false);
	}
out_work:
	job_work_fini(&w);
out:
	osp_batch_del(batch);
	if (dst) {
		osp_vm_unmap(gpu_vm, dst_va, dst->size);
		osp_bo_del(dst);
	}
	if (src) {
		osp_vm_unmap(gpu_vm, src_va, src->size);
		osp_bo_del(src);
	}
	return ret;
}

struct bind_work {
	struct osp_vm *vm;
	struct osp_bo *bo;
	uint64_t va;
};

static int iter_vm_bind(void *arg)
{
	struct bind_work *w = arg;
	int ret;

	ret = osp_vm_map(w->vm, w->bo, 0, w->va, w->bo->size, 0);
	if (ret)
		return gpu_fail(ret, "DRM_IOCTL_OSPREY_VM_BIND map");
	ret = osp_vm_unmap(w->vm, w->va, w->bo->size);
	if (ret)
		return gpu_fail(ret, "DRM_IOCTL_OSPREY_VM_BIND unmap");
	return 0;
}

static int bench_vm_bind(const struct bench *b)
{
	static const struct loop pairs_loop = {
		.unit = "pairs/s",
		.per_iter = 1,
		.min_iters = 32,
		.warmup = 8,
	};
	struct bind_work w = {};
	int ret = -1;

	w.vm = osp_vm_new(gpu);
	if (!w.vm)
		return fail(&osprey, errno, "DRM_IOCTL_OSPREY_VM_CREATE");
	w.bo = osp_bo_new(gpu, b->size);
	if (!w.bo) {
		fail(&osprey, errno, "DRM_IOCTL_OSPREY_GEM_CREATE");
		goto out;
	}
	w.va = osp_va_alloc(w.vm, w.bo->size);
	if (!w.va) {
		fail(&osprey, ENOSPC, "a VA range");
		goto out;
	}
	ret = single(b, &pairs_loop, iter_vm_bind, &w);
out:
	osp_bo_del(w.bo);
	osp_vm_del(w.vm);
	return ret;
}

/* Ratios between figures of different benchmarks, once all have run. */
/* Hangs and coredumps */

#define DUMP_BUDGET	(256 * SZ_1M)
#define PARAM_DIR	"/sys/module/osprey/parameters/"
#define DEVCD_DIR	"/sys/class/devcoredump"

static int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* The value after "key: " in text, or -1. */
static long long text_value(const char *text, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s: ", key);
	p = strstr(text, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

/* The data file of a pending devcoredump of an Osprey device, if any. */
static bool devcd_find(char *path, size_t len)
{
	DIR *dir = opendir(DEVCD_DIR);
	char link[PATH_MAX], drv[PATH_MAX];
	struct dirent *d;
	bool found = false;
	ssize_t n;

	if (!dir)
		return false;
	while (!found && (d = readdir(dir))) {
		if (strncmp(d->d_name, "devcd", 5))
			continue;
		snprintf(link, sizeof(link), DEVCD_DIR "/%s/failing_device/driver",
			 d->d_name);
		n = readlink(link, drv, sizeof(drv) - 1);
		if (n < 0)
			continue;
		drv[n] = '\0';
		if (strcmp(strrchr(drv, '/') ? strrchr(drv, '/') + 1 : drv, "osprey"))
			continue;
		snprintf(path, len, DEVCD_DIR "/%s/data", d->d_name);
		found = true;
	}
	closedir(dir);
	return found;
}

/* Dismiss every pending Osprey devcoredump and wait for them to go. */
static int devcd_clear(void)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < 5000 && devcd_find(path, sizeof(path)); i++) {
		write_text(path, "1");
		usleep(1000);
	}
	return devcd_find(path, sizeof(path)) ? -1 : 0;
}

static int64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* The debugfs directory of the Osprey device open as osprey.fd. */
static int osprey_debugfs(char *dir, size_t len)
{
	struct stat st;

	if (fstat(osprey.fd, &st))
		return -1;
	snprintf(dir, len, "/sys/kernel/debug/dri/%u", minor(st.st_rdev));
	return 0;
}

/* The random words hang_work_init() writes, from word 1 on. */
static uint32_t hang_pattern(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* A VM with @size random bytes and a batch that waits for ever. */
struct hang_work {
	struct osp_vm *vm;
	struct osp_bo *data;
	struct osp_batch *batch;
	uint64_t data_va;
	uint32_t queue, syncobj;
};

static int hang_work_init(struct hang_work *h, uint64_t size)
{
	struct osprey_insn wait = {
		.opcode = OSPREY_OP_SEM_WAIT, .modifier = OSPREY_CMP_EQ, .value = 1,
	};
	uint32_t words[OSPREY_INSN_MAX_WORDS], *p, x = 0x9e3779b9;
	uint64_t i;

	int n, ret;

	h->vm = osp_vm_new(gpu);
	if (!h->vm)
		return fail(&osprey, errno, "DRM_IOCTL_OSPREY_VM_CREATE");
	h->data = osp_bo_new_mapped(h->vm, size, &h->data_va);
	p = h->data ? osp_bo_map(h->data) : NULL;
	if (!p)
		return fail(&osprey, errno, "a %llu-byte buffer", (unsigned long long)size);
	/* Random, so that no ascii85 group shrinks to 'z'; word 0 stays 0. */
	for (i = 1; i < size / 4; i++)
		p[i] = hang_pattern(&x);
	p[0] = 0;
	h->batch = osp_batch_new(h->vm, SZ_4K);
	if (!h->batch)
		return fail(&osprey, errno, "batch buffer");
	wait.va = h->data_va;
	n = osprey_insn_encode(&wait, words, OSPREY_INSN_MAX_WORDS);
	ret = n > 0 ? osp_batch_emit(h->batch, words, n) : -EINVAL;
	if (!ret)
		ret = osp_batch_end(h->batch);
	if (!ret)
		ret = osp_queue_create(gpu, h->vm, DRM_OSPREY_QUEUE_PRIORITY_NORMAL, &h->queue);
	if (!ret)
		ret = osp_syncobj_create(gpu, &h->syncobj);
	return ret ? gpu_fail(ret, "setting up a hang") : 0;
}

static void hang_work_fini(struct hang_work *h)
{
	if (h->syncobj)
		osp_syncobj_destroy(gpu, h->syncobj);
	if (h->queue)
		osp_queue_destroy(gpu, h->queue);
	osp_batch_del(h->batch);
	osp_bo_del(h->data);
	osp_vm_del(h->vm);
}

/* Submit the hang and wait for its fence: it must fail with -ETIMEDOUT. */
static int hang_run(struct hang_work *h, unsigned int timeout_ms)
{
	struct drm_osprey_sync out = { .handle = h->syncobj };
	int ret;

	ret = osp_batch_submit(h->batch, h->queue, NULL, 0, &out, 1);
	if (ret)
		return gpu_fail(ret, "DRM_IOCTL_OSPREY_SUBMIT");
	ret = osp_syncobj_wait(gpu, h->syncobj, 0, (timeout_ms + 10000) * 1000000ll);
	if (ret)
		return gpu_fail(ret, "waiting for the hung job");
	ret = osp_syncobj_status(gpu, h->syncobj, 0);
	if (ret != -ETIMEDOUT)
		return fail(&osprey, 0, "the hung job ended with %d, not -ETIMEDOUT", ret);
	return 0;
}

static unsigned int read_timeout_ms(void)
{
	char buf[32];

	if (read_text(PARAM_DIR "timeout_ms", buf, sizeof(buf)))
		return 2000;
	return strtoul(buf, NULL, 10);
}

/* The dump parses, and its copy of the data buffer is what was written. */
static int dump_check(const char *dump, size_t len, uint64_t size)
{
	struct osp_coredump *cd;
	uint32_t x = 0x9e3779b9, w;
	char err[256];
	size_t b, i;
	int ret = -1;

	if (osp_coredump_parse(dump, len, &cd, err, sizeof(err)))
		return fail(&osprey, 0, "the dump does not parse: %s", err);
	for (b = 0; b < cd->nbos; b++) {
		const struct osp_coredump_bo *bo = &cd->bos[b];

		if (bo->size != size || bo->captured != size)
			continue;
		for (i = 1; i < size / 4; i++) {
			memcpy(&w, bo->data + 4 * i, 4);
			if (w != hang_pattern(&x))
				break;
		}
		ret = i == size / 4 ? 0 : fail(&osprey, 0, "the dump's buffer differs at byte %zu",
					       4 * i);
		break;
	}
	if (b == cd->nbos)
		ret = fail(&osprey, 0, "the dump has no complete %llu-byte buffer",
			   (unsigned long long)size);
	osp_coredump_free(cd);
	return ret;
}

enum { HD_READABLE, HD_CAPTURE, HD_FORMAT, HD_KIB, HD_READ, HD_COUNT };

/* One hang with a @size buffer; the figures of its dump in v[]. */
static int hang_dump_once(uint64_t size, unsigned int timeout_ms, char *dump,
			  size_t dump_cap, double v[HD_COUNT])
{
	int64_t offset = clock_ns(CLOCK_BOOTTIME) - clock_ns(CLOCK_MONOTONIC);
	char path[PATH_MAX], dir[PATH_MAX], stats[512];
	int64_t found, t0, t1, detected;
	struct hang_work h = {};
	size_t len = 0;
	ssize_t n;
	int fd, ret;

	ret = hang_work_init(&h, size);
	if (!ret)
		ret = hang_run(&h, timeout_ms);
	if (ret)
		goto out;
	/* Poll for the dump; a millisecond is well below what is measured. */
	t0 = clock_ns(CLOCK_MONOTONIC);
	while (!devcd_find(path, sizeof(path))) {
		if (clock_ns(CLOCK_MONOTONIC) - t0 > 30000000000ll) {
			ret = fail(&osprey, 0, "no devcoredump 30 s after the hang");
			goto out;
		}
		usleep(1000);
	}
	found = clock_ns(CLOCK_MONOTONIC) + offset;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = fail(&osprey, errno, "%s", path);
		goto out;
	}
	t0 = clock_ns(CLOCK_MONOTONIC);
	while ((n = read(fd, dump + len, dump_cap - 1 - len)) > 0)
		len += n;
	t1 = clock_ns(CLOCK_MONOTONIC);
	close(fd);
	dump[len] = '\0';
	write_text(path, "1");
	detected = text_value(dump, "detected_ns");
	if (detected < 0 || strncmp(dump, "OSPREY-COREDUMP 1\n", 18)) {
		ret = fail(&osprey, 0, "%s is not an Osprey dump (%zu bytes)", path, len);
		goto out;
	}
	ret = dump_check(dump, len, size);
	if (ret)
		goto out;
	v[HD_READABLE] = (found - detected) / 1e6;
	v[HD_CAPTURE] = text_value(dump, "capture_us") / 1e3;
	v[HD_KIB] = len / 1024.0;
	v[HD_READ] = t1 > t0 ? len / ((t1 - t0) / 1e9) / SZ_1M : 0;
	v[HD_FORMAT] = 0;
	if (!osprey_debugfs(dir, sizeof(dir))) {
		strcat(dir, "/coredump_stats");
		if (!read_text(dir, stats + 1, sizeof(stats) - 1)) {
			stats[0] = '\n';
			v[HD_FORMAT] = text_value(stats, "last_format_us") / 1e3;
		}
	}
	ret = devcd_clear();
	if (ret)
		ret = fail(&osprey, 0, "a devcoredump does not go away when dismissed");
out:
	hang_work_fini(&h);
	return ret;
}

static const struct loop ms_loop = { .unit = "ms" };
static const struct loop kib_loop = { .unit = "KiB" };
static const struct loop mibps_loop = { .unit = "MiB/s" };

static int bench_hang_dump(const struct bench *b)
{
	static const char *const suffix[HD_COUNT] = {
		"readable_ms", "capture_ms", "format_ms", "kib", "read_mibps",
	};
	static const struct loop *const loops[HD_COUNT] = {
		&ms_loop, &ms_loop, &ms_loop, &kib_loop, &mibps_loop,
	};
	unsigned int timeout_ms = read_timeout_ms(), r, i;
	size_t dump_cap = b->size * 2 + 16 * SZ_1M;
	struct measure m[HD_COUNT] = {};
	char budget[32], name[NAME_LEN];
	double v[HD_COUNT];
	char *dump;
	int ret = 0;

	if (read_text(PARAM_DIR "coredump_budget", budget, sizeof(budget)))
		return fail(&osprey, errno, PARAM_DIR "coredump_budget");
	dump = malloc(dump_cap);
	if (!dump)
		return fail(&osprey, errno, "a buffer for the dump");
	snprintf(name, sizeof(name), "%llu", DUMP_BUDGET);
	if (write_text(PARAM_DIR "coredump_budget", name) || devcd_clear()) {
		free(dump);
		return fail(&osprey, errno, "setting coredump_budget, clearing devcoredumps");
	}
	for (r = 0; r < RUNS && !ret; r++) {
		ret = hang_dump_once(b->size, timeout_ms, dump, dump_cap, v);
		for (i = 0; i < HD_COUNT && !ret; i++)
			m[i].runs[r] = v[i];
	}
	write_text(PARAM_DIR "coredump_budget", budget);
	free(dump);
	if (ret)
		return ret;
	for (i = 0; i < HD_COUNT; i++) {
		snprintf(m[i].name, sizeof(m[i].name), "%s_%s", b->name, suffix[i]);
		m[i].loop = loops[i];
		take_median(&m[i]);
		emit_bench(&m[i]);
	}
	if (b->size >= SZ_64M) {
		snprintf(name, sizeof(name), "%s_readable_ms_vs_goal", b->name);
		emit_ratio(name, m[HD_READABLE].median, DUMP_READABLE_GOAL_MS, 1.0, true);
	}
	return 0;
}

/* One hang with a NOP job behind it on another queue: ms from timeout to its end. */
static int hang_recovery_once(unsigned int timeout_ms, double *ms)
{
	int64_t offset = clock_ns(CLOCK_BOOTTIME) - clock_ns(CLOCK_MONOTONIC);
	char path[PATH_MAX], *dump = malloc(4 * SZ_1M);
	struct drm_osprey_sync out = {};
	struct hang_work h = {};
	struct job_work w = {};
	struct osp_batch *nop;
	int64_t done_ts, detected;
	ssize_t n = -1;
	int fd, ret;

	nop = nop_batch();
	ret = dump && nop ? hang_work_init(&h, SZ_4K) : -1;
	if (!ret)
		ret = job_work_init(&w, nop);
	if (ret)
		goto out;
	out.handle = h.syncobj;
	ret = osp_batch_submit(h.batch, h.queue, NULL, 0, &out, 1);
	out.handle = w.syncobj;
	if (!ret)
		ret = osp_batch_submit(nop, w.queue, NULL, 0, &out, 1);
	if (!ret)
		ret = osp_syncobj_wait(gpu, w.syncobj, 0, (timeout_ms + 10000) * 1000000ll);
	if (ret) {
		ret = gpu_fail(ret, "a hang and a job behind it");
		goto out;
	}
	ret = osp_syncobj_status_ts(gpu, w.syncobj, 0, &done_ts);
	if (ret != 1) {
		ret = fail(&osprey, ret < 0 ? -ret : 0, "the job behind the hang failed");
		goto out;
	}
	ret = 0;
	for (n = 0; n < 30000 && !devcd_find(path, sizeof(path)); n++)
		usleep(1000);
	n = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, dump, 4 * SZ_1M - 1);
		close(fd);
	}
	dump[n > 0 ? n : 0] = '\0';
	detected = text_value(dump, "detected_ns");
	if (detected < 0) {
		ret = fail(&osprey, 0, "no detected_ns in the dump");
		goto out;
	}
	*ms = (done_ts + offset - detected) / 1e6;
	ret = devcd_clear();
out:
	if (w.syncobj)
		job_work_fini(&w);
	osp_batch_del(nop);
	hang_work_fini(&h);
	free(dump);
	return ret;
}

static int bench_hang_recovery(const struct bench *b)
{
	unsigned int timeout_ms = read_timeout_ms(), r;
	struct measure m = { .loop = &ms_loop };
	int ret = devcd_clear();

	snprintf(m.name, sizeof(m.name), "%s_ms", b->name);
	for (r = 0; r < RUNS && !ret; r++)
		ret = hang_recovery_once(timeout_ms, &m.runs[r]);
	if (ret)
		return ret;
	take_median(&m);
	emit_bench(&m);
	emit_ratio("hang_recovery_ms_vs_goal", m.median, RECOVERY_GOAL_MS, 1.0, true);
	return 0;
}

static void emit_cross_ratios(void)
{
	const struct figure *lat = find_figure("nop_submit_signal_median");
	const struct figure *pp = find_figure("floor_pipe_pingpong");

	/* Microseconds over nanoseconds. */
	if (lat && pp)
		emit_ratio("nop_submit_signal_vs_pingpong", lat->median * 1000,
			   pp->median, LATENCY_RATIO_GOAL, true);
}

static int bench_display_vblank_fn(const struct bench *b)
{
	return bench_display_vblank(b->name);
}

static int bench_display_flip_fn(const struct bench *b)
{
	return bench_display_flip(b->name);
}

static int bench_display_compose_fn(const struct bench *b)
{
	return bench_display_compose(b->name);
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
	{ "nop_submit_signal", NEED_GPU, bench_nop_latency, 0 },
	{ "nop_throughput", NEED_GPU, bench_nop_throughput, 0 },
	{ "copy_4k", NEED_GPU, bench_copy, SZ_4K },
	{ "copy_1m", NEED_GPU, bench_copy, SZ_1M },
	{ "copy_64m", NEED_GPU, bench_copy, SZ_64M },
	{ "vm_bind_map_unmap_4k", NEED_GPU, bench_vm_bind, SZ_4K },
	{ "hang_dump_1m", NEED_GPU, bench_hang_dump, SZ_1M },
	{ "hang_dump_16m", NEED_GPU, bench_hang_dump, 16 * SZ_1M },
	{ "hang_dump_64m", NEED_GPU, bench_hang_dump, SZ_64M },
	{ "hang_recovery", NEED_GPU, bench_hang_recovery, 0 },
	{ "floor_ioctl_roundtrip", NEED_OSPREY, bench_floor_ioctl, 0 },
	{ "floor_pipe_pingpong", 0, bench_floor_pipe, 0 },
	{ "display_vblank", 0, bench_display_vblank_fn, 0 },
	{ "display_flip", 0, bench_display_flip_fn, 0 },
	{ "display_compose", 0, bench_display_compose_fn, 0 },
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
	int ret = 0;

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
	if ((needs & (NEED_OSPREY | NEED_GPU)) && open_drv(&osprey))
		return 1;
	if ((needs & NEED_VGEM) && open_drv(&vgem))
		return 1;
	if (needs & NEED_GPU) {
		gpu = osp_dev_wrap(osprey.fd);
		gpu_vm = gpu ? osp_vm_default(gpu) : NULL;
		if (!gpu_vm) {
			fail(&osprey, errno, "libosprey (does the kernel have the job uapi?)");
			return 1;
		}
	}

	for (i = 0; i < ARRAY_SIZE(benches); i++) {
		if (!selected[i])
			continue;
		if (benches[i].fn(&benches[i])) {
			fprintf(stderr, "osprey_bench: %s failed\n",
				benches[i].name);
			ret = 1;
			break;
		}
	}
	if (!ret) {
		emit_cross_ratios();
		print_summary();
	}
	osp_vm_del(gpu_vm);
	osp_dev_close(gpu);
	return ret;
}
