// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * The display's benchmarks, on pipe 0 of the first Osprey card node (as
 * DRM master, atomic):
 *
 *   display_vblank             1024x768@60 (the connector's preferred mode):
 *                              DRM_IOCTL_WAIT_VBLANK for the next vblank,
 *                              about 2 s a run. _jitter_p50 and _p99: how
 *                              far each vblank's timestamp is from the one
 *                              before plus the mode's period, in us;
 *                              _wakeup_p50 and _p99: from that timestamp to
 *                              the ioctl's return (the reader's wake-up), us
 *   display_flip               nonblocking atomic flips with an event, each
 *                              after the last one's event, about 2 s a run.
 *                              _latency_p50 and _p99: from the commit ioctl
 *                              to the event read, us; _ts_error_p50 and _p99:
 *                              how far the events' timestamps are from a grid
 *                              of the mode's period (the vblanks' own times),
 *                              us; _missed: flips in 1000 that missed the
 *                              next vblank
 *   display_compose            1920x1080@60, a full-screen XRGB8888 primary
 *                              plane and a 512x512 ARGB8888 overlay (plane
 *                              alpha 0x80, coverage), with CRCs on so that
 *                              the model composes every frame: the model's
 *                              compose time (debugfs osprey_sim/<dev>/
 *                              display_stats, last_ns sampled at each new
 *                              frame), _time_p50 and _p99 in us, and _fps, the
 *                              frames composed a second (skipped ones not)
 *
 * Each figure is the median of BENCH_RUNS runs.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "bench.h"

#define VBLANK_SECONDS	2.0	/* a run of display_vblank and display_flip */
#define MAX_SAMPLES	1024
#define EVENT_TIMEOUT_MS 2000

/* Pipe 0 of the display: what the benchmarks drive. */
struct disp {
	int fd;
	char device[64];	/* the platform device, e.g. osprey.0 */
	uint32_t crtc, connector, primary, overlay;
	uint32_t blobs[4];
	unsigned int n_blobs;
};

/* A dumb buffer with a framebuffer on it. */
struct fb {
	uint32_t id, handle, pitch, width, height;
	uint64_t size;
	uint32_t *map;
};

static double now_us(void)
{
	return bench_now() * 1e6;
}

static uint32_t prop_id(struct disp *d, uint32_t obj, uint32_t type,
			const char *name, uint64_t *value)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(d->fd, obj, type);
	uint32_t id = 0;

	for (uint32_t i = 0; props && i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(d->fd, props->props[i]);

		if (p && !strcmp(p->name, name)) {
			id = p->prop_id;
			if (value)
				*value = props->prop_values[i];
		}
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

static int add(drmModeAtomicReq *req, struct disp *d, uint32_t obj, uint32_t type,
	       const char *name, uint64_t value)
{
	uint32_t id = prop_id(d, obj, type, name, NULL);

	if (!id)
		return bench_fail(0, "display: object %u has no property %s", obj, name);
	if (drmModeAtomicAddProperty(req, obj, id, value) < 0)
		return bench_fail(ENOMEM, "display: drmModeAtomicAddProperty");
	return 0;
}

static int add_plane(drmModeAtomicReq *req, struct disp *d, uint32_t plane,
		     const struct fb *fb, int x, int y, uint32_t w, uint32_t h)
{
	static const char * const names[] = {
		"FB_ID", "CRTC_ID", "CRTC_X", "CRTC_Y", "CRTC_W", "CRTC_H",
		"SRC_X", "SRC_Y", "SRC_W", "SRC_H",
	};
	const uint64_t values[] = {
		fb ? fb->id : 0, fb ? d->crtc : 0, (uint64_t)(int64_t)x,
		(uint64_t)(int64_t)y, w, h, 0, 0, (uint64_t)w << 16, (uint64_t)h << 16,
	};

	for (unsigned int i = 0; i < (fb ? 10u : 2u); i++)
		if (add(req, d, plane, DRM_MODE_OBJECT_PLANE, names[i], values[i]))
			return -1;
	return 0;
}

static int disp_find(struct disp *d);

/* The first Osprey card node, as master, and pipe 0's objects. */
static int disp_open(struct disp *d)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	if (disp_find(d)) {
		if (d->fd >= 0)
			close(d->fd);
		return -1;
	}
	return 0;
}

static int disp_find(struct disp *d)
{
	char link[PATH_MAX], target[PATH_MAX], *base;
	drmModePlaneResPtr planes;
	drmModeResPtr res;
	struct stat st;
	ssize_t n;

	for (int i = 0; i < 64 && d->fd < 0; i++) {
		char path[32];
		drmVersionPtr v;
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (v && !strcmp(v->name, "osprey"))
			d->fd = fd;
		else
			close(fd);
		drmFreeVersion(v);
	}
	if (d->fd < 0)
		return bench_fail(0, "display: no /dev/dri/card* of the osprey driver");
	if (drmSetMaster(d->fd) && errno != EINVAL)
		return bench_fail(errno, "display: DRM master");
	if (drmSetClientCap(d->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) ||
	    drmSetClientCap(d->fd, DRM_CLIENT_CAP_ATOMIC, 1))
		return bench_fail(errno, "display: atomic client cap");
	fstat(d->fd, &st);
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device", major(st.st_rdev),
		 minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return bench_fail(errno, "display: %s", link);
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(d->device, sizeof(d->device), "%.63s", base ? base + 1 : target);

	res = drmModeGetResources(d->fd);
	if (!res || res->count_crtcs < 1)
		return bench_fail(errno, "display: the device has no CRTC");
	d->crtc = res->crtcs[0];
	for (int i = 0; i < res->count_connectors && !d->connector; i++) {
		drmModeConnectorPtr c = drmModeGetConnectorCurrent(d->fd, res->connectors[i]);

		for (int e = 0; c && e < c->count_encoders && !d->connector; e++) {
			drmModeEncoderPtr enc = drmModeGetEncoder(d->fd, c->encoders[e]);

			if (enc && (enc->possible_crtcs & 1) &&
			    c->connector_type != DRM_MODE_CONNECTOR_WRITEBACK)
				d->connector = c->connector_id;
			drmModeFreeEncoder(enc);
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	planes = drmModeGetPlaneResources(d->fd);
	for (uint32_t i = 0; planes && i < planes->count_planes; i++) {
		drmModePlanePtr p = drmModeGetPlane(d->fd, planes->planes[i]);
		uint64_t type = 0;

		if (p && (p->possible_crtcs & 1) &&
		    prop_id(d, p->plane_id, DRM_MODE_OBJECT_PLANE, "type", &type)) {
			if (type == DRM_PLANE_TYPE_PRIMARY && !d->primary)
				d->primary = p->plane_id;
			if (type == DRM_PLANE_TYPE_OVERLAY && !d->overlay)
				d->overlay = p->plane_id;
		}
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	if (!d->connector || !d->primary || !d->overlay)
		return bench_fail(0, "display: pipe 0 lacks a connector, primary or overlay");
	return 0;
}

static int fb_new(struct disp *d, uint32_t w, uint32_t h, uint32_t format,
		  uint32_t seed, struct fb *fb)
{
	struct drm_mode_create_dumb create = { .width = w, .height = h, .bpp = 32 };
	struct drm_mode_map_dumb map = {};
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};

	memset(fb, 0, sizeof(*fb));
	if (drmIoctl(d->fd, DRM_IOCTL_MODE_CREATE_DUMB, &create))
		return bench_fail(errno, "display: DRM_IOCTL_MODE_CREATE_DUMB %ux%u", w, h);
	fb->handle = create.handle;
	fb->pitch = create.pitch;
	fb->size = create.size;
	fb->width = w;
	fb->height = h;
	map.handle = fb->handle;
	if (drmIoctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &map))
		return bench_fail(errno, "display: DRM_IOCTL_MODE_MAP_DUMB");
	fb->map = mmap(NULL, fb->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, map.offset);
	if (fb->map == MAP_FAILED) {
		fb->map = NULL;
		return bench_fail(errno, "display: mmap of a dumb buffer");
	}
	for (uint64_t i = 0; i < fb->size / 4; i++) {
		seed = seed * 1103515245u + 12345u;
		fb->map[i] = seed ^ (seed >> 16);
	}
	handles[0] = fb->handle;
	pitches[0] = fb->pitch;
	if (drmModeAddFB2(d->fd, w, h, format, handles, pitches, offsets, &fb->id, 0))
		return bench_fail(errno, "display: ADDFB2 %ux%u", w, h);
	return 0;
}

static void fb_del(struct disp *d, struct fb *fb)
{
	struct drm_mode_destroy_dumb destroy = { .handle = fb->handle };

	if (fb->id)
		drmModeRmFB(d->fd, fb->id);
	if (fb->map)
		munmap(fb->map, fb->size);
	if (fb->handle)
		drmIoctl(d->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	memset(fb, 0, sizeof(*fb));
}

/* A mode of pipe 0's connector: @w x @h at 60 Hz, or the preferred one (0). */
static int find_mode(struct disp *d, uint16_t w, uint16_t h, drmModeModeInfo *mode)
{
	drmModeConnectorPtr c = drmModeGetConnector(d->fd, d->connector);
	bool found = false;

	for (int i = 0; c && i < c->count_modes && !found; i++) {
		drmModeModeInfo *m = &c->modes[i];

		if (w ? (m->hdisplay == w && m->vdisplay == h && m->vrefresh == 60) :
		    !!(m->type & DRM_MODE_TYPE_PREFERRED)) {
			*mode = *m;
			found = true;
		}
	}
	drmModeFreeConnector(c);
	if (!found)
		return bench_fail(0, "display: connector %u has no %ux%u@60 mode",
				  d->connector, w, h);
	return 0;
}

/* Pipe 0 on with @mode, @primary full screen and @overlay (if any). */
static int pipe_on(struct disp *d, const drmModeModeInfo *mode, const struct fb *primary,
		   const struct fb *overlay)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	uint32_t blob = 0;
	int ret = -1;

	if (!req)
		return bench_fail(ENOMEM, "display: drmModeAtomicAlloc");
	if (drmModeCreatePropertyBlob(d->fd, mode, sizeof(*mode), &blob)) {
		bench_fail(errno, "display: mode blob");
		goto out;
	}
	d->blobs[d->n_blobs++ % 4] = blob;
	if (add(req, d, d->crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID", blob) ||
	    add(req, d, d->crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE", 1) ||
	    add(req, d, d->connector, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", d->crtc) ||
	    add_plane(req, d, d->primary, primary, 0, 0, mode->hdisplay, mode->vdisplay))
		goto out;
	if (overlay &&
	    (add_plane(req, d, d->overlay, overlay, 64, 64, overlay->width, overlay->height) ||
	     add(req, d, d->overlay, DRM_MODE_OBJECT_PLANE, "alpha", 0x8080) ||
	     add(req, d, d->overlay, DRM_MODE_OBJECT_PLANE, "pixel blend mode", 2)))
		goto out;
	if (!overlay && add_plane(req, d, d->overlay, NULL, 0, 0, 0, 0))
		goto out;
	if (drmModeAtomicCommit(d->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL)) {
		bench_fail(errno, "display: modeset to %s", mode->name);
		goto out;
	}
	ret = 0;
out:
	drmModeAtomicFree(req);
	return ret;
}

/* Everything of pipe 0 off. */
static void disp_off(struct disp *d)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();

	if (req) {
		add_plane(req, d, d->primary, NULL, 0, 0, 0, 0);
		add_plane(req, d, d->overlay, NULL, 0, 0, 0, 0);
		add(req, d, d->connector, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", 0);
		add(req, d, d->crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID", 0);
		add(req, d, d->crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE", 0);
		drmModeAtomicCommit(d->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
		drmModeAtomicFree(req);
	}
}

static void disp_close(struct disp *d)
{
	for (unsigned int i = 0; i < d->n_blobs && i < 4; i++)
		drmModeDestroyPropertyBlob(d->fd, d->blobs[i]);
	close(d->fd);
}

static uint64_t period_us(const drmModeModeInfo *m)
{
	return (uint64_t)m->htotal * m->vtotal * 1000 / m->clock;
}

static double period_us_exact(const drmModeModeInfo *m)
{
	return (double)m->htotal * m->vtotal * 1000.0 / m->clock;
}

/* The next vblank of pipe 0: its sequence and time (us). */
static int wait_vblank(struct disp *d, uint32_t *seq, double *ts)
{
	drmVBlank vbl = { .request = { .type = DRM_VBLANK_RELATIVE, .sequence = 1 } };

	if (drmWaitVBlank(d->fd, &vbl))
		return bench_fail(errno, "display: DRM_IOCTL_WAIT_VBLANK");
	*seq = vbl.reply.sequence;
	*ts = vbl.reply.tval_sec * 1e6 + vbl.reply.tval_usec;
	return 0;
}

static void emit_pair(const char *name, const char *what, const double p50[BENCH_RUNS],
		      const double p99[BENCH_RUNS])
{
	char fig[96];

	snprintf(fig, sizeof(fig), "%s_%s_p50", name, what);
	bench_emit(fig, "us", p50);
	snprintf(fig, sizeof(fig), "%s_%s_p99", name, what);
	bench_emit(fig, "us", p99);
}

int bench_display_vblank(const char *name)
{
	double jit50[BENCH_RUNS], jit99[BENCH_RUNS], wake50[BENCH_RUNS], wake99[BENCH_RUNS];
	double *jitter = calloc(MAX_SAMPLES, sizeof(double));
	double *wake = calloc(MAX_SAMPLES, sizeof(double));
	drmModeModeInfo mode;
	struct fb primary = {};
	struct disp d;
	int ret = -1;

	if (!jitter || !wake || disp_open(&d))
		goto out_free;
	if (find_mode(&d, 0, 0, &mode) ||
	    fb_new(&d, mode.hdisplay, mode.vdisplay, DRM_FORMAT_XRGB8888, 1, &primary) ||
	    pipe_on(&d, &mode, &primary, NULL))
		goto out;
	for (int r = 0; r < BENCH_RUNS; r++) {
		double start = bench_now(), ts, last_ts = 0;
		uint32_t seq, last_seq = 0;
		unsigned int n = 0;

		if (wait_vblank(&d, &last_seq, &last_ts))
			goto out;
		while (n < MAX_SAMPLES && bench_now() - start < VBLANK_SECONDS) {
			if (wait_vblank(&d, &seq, &ts))
				goto out;
			wake[n] = now_us() - ts;
			jitter[n] = ts - last_ts -
				    (double)(seq - last_seq) * period_us_exact(&mode);
			if (jitter[n] < 0)
				jitter[n] = -jitter[n];
			n++;
			last_seq = seq;
			last_ts = ts;
		}
		jit50[r] = bench_percentile(jitter, n, 50);
		jit99[r] = bench_percentile(jitter, n, 99);
		wake50[r] = bench_percentile(wake, n, 50);
		wake99[r] = bench_percentile(wake, n, 99);
	}
	printf("# %s: %s, period %llu us\n", name, mode.name,
	       (unsigned long long)period_us(&mode));
	emit_pair(name, "jitter", jit50, jit99);
	emit_pair(name, "wakeup", wake50, wake99);
	ret = 0;
out:
	disp_off(&d);
	fb_del(&d, &primary);
	disp_close(&d);
out_free:
	free(jitter);
	free(wake);
	return ret;
}

/* Read one flip event: its sequence and time (us). */
static int read_flip_event(struct disp *d, uint32_t *seq, double *ts)
{
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
	struct drm_event_vblank ev;
	ssize_t n;

	if (poll(&pfd, 1, EVENT_TIMEOUT_MS) != 1)
		return bench_fail(0, "display: no flip event within %d ms", EVENT_TIMEOUT_MS);
	n = read(d->fd, &ev, sizeof(ev));
	if (n != sizeof(ev) || ev.base.type != DRM_EVENT_FLIP_COMPLETE)
		return bench_fail(errno, "display: reading a flip event");
	*seq = ev.sequence;
	*ts = ev.tv_sec * 1e6 + ev.tv_usec;
	return 0;
}

int bench_display_flip(const char *name)
{
	double lat50[BENCH_RUNS], lat99[BENCH_RUNS], err50[BENCH_RUNS], err99[BENCH_RUNS];
	double missed[BENCH_RUNS];
	double *lat = calloc(MAX_SAMPLES, sizeof(double));
	double *err = calloc(MAX_SAMPLES, sizeof(double));
	uint32_t *seqs = calloc(MAX_SAMPLES, sizeof(uint32_t));
	double *stamps = calloc(MAX_SAMPLES, sizeof(double));
	uint32_t fb_prop;
	drmModeModeInfo mode;
	struct fb fbs[2] = {};
	struct disp d;
	int ret = -1;

	if (!lat || !err || !seqs || !stamps || disp_open(&d))
		goto out_free;
	if (find_mode(&d, 0, 0, &mode) ||
	    fb_new(&d, mode.hdisplay, mode.vdisplay, DRM_FORMAT_XRGB8888, 1, &fbs[0]) ||
	    fb_new(&d, mode.hdisplay, mode.vdisplay, DRM_FORMAT_XRGB8888, 2, &fbs[1]) ||
	    pipe_on(&d, &mode, &fbs[0], NULL))
		goto out;
	fb_prop = prop_id(&d, d.primary, DRM_MODE_OBJECT_PLANE, "FB_ID", NULL);
	for (int r = 0; r < BENCH_RUNS; r++) {
		double start = bench_now(), anchor;
		unsigned int n = 0, skipped = 0;

		while (n < MAX_SAMPLES && bench_now() - start < VBLANK_SECONDS) {
			drmModeAtomicReq *req = drmModeAtomicAlloc();
			double t0, t1;
			int fail;

			drmModeAtomicAddProperty(req, d.primary, fb_prop, fbs[(n + 1) % 2].id);
			t0 = now_us();
			fail = drmModeAtomicCommit(d.fd, req, DRM_MODE_ATOMIC_NONBLOCK |
						   DRM_MODE_PAGE_FLIP_EVENT, NULL);
			drmModeAtomicFree(req);
			if (fail) {
				bench_fail(errno, "display: nonblocking flip");
				goto out;
			}
			if (read_flip_event(&d, &seqs[n], &stamps[n]))
				goto out;
			t1 = now_us();
			lat[n] = t1 - t0;
			if (n && seqs[n] - seqs[n - 1] > 1)
				skipped++;
			n++;
		}
		/* The grid: the vblanks' times, from the median offset. */
		for (unsigned int i = 0; i < n; i++)
			err[i] = stamps[i] - (double)(seqs[i] - seqs[0]) * period_us_exact(&mode);
		anchor = bench_percentile(err, n, 50);
		for (unsigned int i = 0; i < n; i++) {
			double e = stamps[i] - (double)(seqs[i] - seqs[0]) *
				   period_us_exact(&mode) - anchor;

			err[i] = e < 0 ? -e : e;
		}
		lat50[r] = bench_percentile(lat, n, 50);
		lat99[r] = bench_percentile(lat, n, 99);
		err50[r] = bench_percentile(err, n, 50);
		err99[r] = bench_percentile(err, n, 99);
		missed[r] = n > 1 ? 1000.0 * skipped / (n - 1) : 0;
	}
	emit_pair(name, "latency", lat50, lat99);
	emit_pair(name, "ts_error", err50, err99);
	{
		char fig[96];

		snprintf(fig, sizeof(fig), "%s_missed", name);
		bench_emit(fig, "per_1000", missed);
	}
	ret = 0;
out:
	disp_off(&d);
	fb_del(&d, &fbs[0]);
	fb_del(&d, &fbs[1]);
	disp_close(&d);
out_free:
	free(lat);
	free(err);
	free(seqs);
	free(stamps);
	return ret;
}

/* The model's display_stats line of pipe 0: composed frames and last_ns. */
static int compose_stats(struct disp *d, unsigned long long *composed,
			 unsigned long long *last_ns)
{
	char path[PATH_MAX], buf[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/osprey_sim/%s/display_stats",
		 d->device);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bench_fail(errno, "display: %s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return bench_fail(errno, "display: reading %s", path);
	buf[n] = '\0';
	if (sscanf(buf, "pipe0: composed=%llu checked=%*u skipped=%*u aborted=%*u last_ns=%llu",
		   composed, last_ns) != 2)
		return bench_fail(0, "display: %s: no pipe0 line I can read: %s", path, buf);
	return 0;
}

/* Start (@on) or stop pipe 0's CRCs: the open data file keeps them on. */
static int crc_capture(struct disp *d, bool on, int *data)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	struct stat st;
	int ctl;

	if (!on) {
		if (*data >= 0)
			close(*data);
		*data = -1;
		return 0;
	}
	fstat(d->fd, &st);
	snprintf(dir, sizeof(dir), "/sys/kernel/debug/dri/%u/crtc-0/crc", minor(st.st_rdev));
	snprintf(path, sizeof(path), "%s/control", dir);
	ctl = open(path, O_WRONLY | O_CLOEXEC);
	if (ctl < 0 || write(ctl, "auto", 4) != 4) {
		if (ctl >= 0)
			close(ctl);
		return bench_fail(errno, "display: %s", path);
	}
	close(ctl);
	snprintf(path, sizeof(path), "%s/data", dir);
	*data = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*data < 0)
		return bench_fail(errno, "display: %s", path);
	return 0;
}

static void crc_drain(int data)
{
	char line[128];

	while (read(data, line, sizeof(line)) > 0)
		;
}

int bench_display_compose(const char *name)
{
	double p50[BENCH_RUNS], p99[BENCH_RUNS], fps[BENCH_RUNS];
	double *samples = calloc(MAX_SAMPLES, sizeof(double));
	struct fb primary = {}, overlay = {};
	drmModeModeInfo mode;
	struct disp d;
	int data = -1, ret = -1;

	if (!samples || disp_open(&d))
		goto out_free;
	if (find_mode(&d, 1920, 1080, &mode) ||
	    fb_new(&d, 1920, 1080, DRM_FORMAT_XRGB8888, 1, &primary) ||
	    fb_new(&d, 512, 512, DRM_FORMAT_ARGB8888, 2, &overlay) ||
	    pipe_on(&d, &mode, &primary, &overlay) || crc_capture(&d, true, &data))
		goto out;
	for (int r = 0; r < BENCH_RUNS; r++) {
		unsigned long long composed0, composed, last_composed, ns;
		double start, ts;
		unsigned int n = 0;
		uint32_t seq;

		if (compose_stats(&d, &composed0, &ns))
			goto out;
		last_composed = composed0;
		start = bench_now();
		while (n < MAX_SAMPLES && bench_now() - start < VBLANK_SECONDS) {
			if (wait_vblank(&d, &seq, &ts) || compose_stats(&d, &composed, &ns))
				goto out;
			crc_drain(data);
			if (composed != last_composed)
				samples[n++] = ns / 1000.0;
			last_composed = composed;
		}
		if (!n) {
			bench_fail(0, "display: the model composed no frame in %.0f s",
				   VBLANK_SECONDS);
			goto out;
		}
		p50[r] = bench_percentile(samples, n, 50);
		p99[r] = bench_percentile(samples, n, 99);
		fps[r] = (last_composed - composed0) / (bench_now() - start);
	}
	printf("# %s: %s, 1920x1080 XRGB8888 primary, 512x512 ARGB8888 overlay, CRC on\n",
	       name, mode.name);
	emit_pair(name, "time", p50, p99);
	{
		char fig[96];

		snprintf(fig, sizeof(fig), "%s_fps", name);
		bench_emit(fig, "frames/s", fps);
	}
	ret = 0;
out:
	crc_capture(&d, false, &data);
	disp_off(&d);
	fb_del(&d, &primary);
	fb_del(&d, &overlay);
	disp_close(&d);
out_free:
	free(samples);
	return ret;
}
