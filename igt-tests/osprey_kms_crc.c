// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * Osprey's display, pixel by pixel: every frame's CRC (debugfs
 * crtc-N/crc) and writeback are compared with a software reference
 * compositor that implements the display contract's formulas exactly
 * (igt_osprey_ref_compose(), igt_osprey_crc32()): solid colours, every
 * pixel format, plane alpha and the three blend modes, zpos, positions
 * partly off-screen, the cursor, RMFB and CLOSEFB of a framebuffer being
 * shown, and QEMU's screenshot of the monitor cable against a writeback.
 *
 * A frame's CRC is taken from the first frame after the vblank following
 * a commit, and must repeat on the next frame. When a CRC differs from the
 * reference, the pipe's frame is written back and the first pixels that
 * differ are printed.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "igt_osprey.h"

IGT_TEST_DESCRIPTION("Osprey's display, pixel by pixel, against a reference compositor.");

#ifndef DRM_IOCTL_MODE_CLOSEFB
/* Linux 6.8's CLOSEFB, which libdrm 2.4.114's headers do not have. */
struct drm_mode_closefb {
	__u32 fb_id;
	__u32 pad;
};

#define DRM_IOCTL_MODE_CLOSEFB DRM_IOWR(0xD0, struct drm_mode_closefb)
#endif

/* The pipes' background, BG_COLOR as the driver programs it. */
#define BACKGROUND 0x000000

static struct igt_osprey_kms kms;
static int fd = -1;
static int slow = 1;

/* The values of the "pixel blend mode" enum, by the contract's modes. */
static uint64_t blend_value[3];
static const char * const blend_names[3] = {
	[IGT_OSPREY_BLEND_NONE] = "None",
	[IGT_OSPREY_BLEND_PREMULTI] = "Pre-multiplied",
	[IGT_OSPREY_BLEND_COVERAGE] = "Coverage",
};

/**
 * struct scene - a pipe under test, with its CRC capture and reference
 * @p: the pipe
 * @mode: its mode
 * @w: the mode's width
 * @h: its height
 * @ref: the reference frame, @w x @h words
 * @crc: the CRC capture (started once the pipe is on)
 * @wb_attached: the writeback connector is on the CRTC
 */
struct scene {
	const struct igt_osprey_pipe *p;
	drmModeModeInfo mode;
	uint32_t w, h;
	uint32_t *ref;
	struct igt_osprey_crc crc;
	bool wb_attached;
};

static void subtest_begin(void)
{
	struct igt_osprey_event ev;

	for (unsigned int i = 0; i < kms.n_pipes; i++)
		if (igt_osprey_sim_connector_state(fd, i) == 0)
			igt_assert_eq(igt_osprey_sim_connector(fd, i, true), 0);
	igt_osprey_kms_reset(&kms);
	while (igt_osprey_read_event(fd, 0, &ev) > 0)
		;
}

static void scene_init(struct scene *s, unsigned int pipe)
{
	memset(s, 0, sizeof(*s));
	igt_require(pipe < kms.n_pipes);
	s->p = &kms.pipe[pipe];
	igt_assert_f(igt_osprey_connector_mode(fd, s->p->connector_id, &s->mode),
		     "pipe %u's connector is not connected\n", pipe);
	s->w = s->mode.hdisplay;
	s->h = s->mode.vdisplay;
	s->ref = malloc((size_t)s->w * s->h * 4);
	igt_assert(s->ref);
	s->crc.dir = -1;
	s->crc.data = -1;
}

static void scene_fini(struct scene *s)
{
	igt_osprey_crc_stop(&s->crc);
	igt_osprey_kms_reset(&kms);
	free(s->ref);
	s->ref = NULL;
}

/* Turn the pipe on with @planes' state in @req (may be NULL), then capture. */
static void scene_on(struct scene *s, drmModeAtomicReq *req, bool writeback)
{
	drmModeAtomicReq *own = req ? req : drmModeAtomicAlloc();

	igt_osprey_atomic_pipe_on(own, fd, s->p, &s->mode);
	if (writeback) {
		igt_require_f(s->p->writeback_id, "pipe %u has no writeback connector\n",
			      s->p->index);
		igt_osprey_atomic_set(own, fd, s->p->writeback_id,
				      DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", s->p->crtc_id);
		s->wb_attached = true;
	}
	igt_osprey_atomic_commit(fd, own, DRM_MODE_ATOMIC_ALLOW_MODESET);
	if (!req)
		drmModeAtomicFree(own);
	igt_osprey_crc_start(fd, s->p->index, &s->crc);
}

static void commit(drmModeAtomicReq *req)
{
	igt_osprey_atomic_commit(fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET);
}

/*
 * The CRC of the pipe's current picture: that of the first frame after the
 * vblank after the one now, which the next frame's must repeat.
 */
static uint32_t current_crc(struct scene *s)
{
	uint32_t now = igt_osprey_vblank_count(fd, s->p->index, NULL);
	uint32_t f1, f2, c1, c2;

	c1 = igt_osprey_crc_after(&s->crc, now + 1, &f1);
	c2 = igt_osprey_crc_after(&s->crc, f1, &f2);
	igt_assert_f(c1 == c2, "pipe %u, a still picture: frame %u CRC %#010x, frame %u %#010x\n",
		     s->p->index, f1, c1, f2, c2);
	return c1;
}

/*
 * Write the pipe's next frame back into @out (XRGB8888, the mode's size);
 * @req (may be NULL) holds other changes to commit with it.
 */
static void write_back(struct scene *s, struct igt_osprey_fb *out,
		       drmModeAtomicReq *req)
{
	drmModeAtomicReq *own = req ? req : drmModeAtomicAlloc();
	int32_t fence = -1;
	uint64_t fb_id = 1;
	int ret;

	if (!s->wb_attached) {
		igt_osprey_atomic_set(own, fd, s->p->writeback_id,
				      DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", s->p->crtc_id);
		s->wb_attached = true;
	}
	igt_osprey_atomic_set(own, fd, s->p->writeback_id, DRM_MODE_OBJECT_CONNECTOR,
			      "WRITEBACK_FB_ID", out->fb_id);
	igt_osprey_atomic_set(own, fd, s->p->writeback_id, DRM_MODE_OBJECT_CONNECTOR,
			      "WRITEBACK_OUT_FENCE_PTR", to_user_pointer(&fence));
	commit(own);
	if (!req)
		drmModeAtomicFree(own);
	igt_assert_f(fence >= 0, "the commit gave no writeback fence\n");
	ret = igt_osprey_fence_wait(fence, 5000 * slow);
	close(fence);
	igt_assert_f(ret == 0, "pipe %u's writeback fence: %s\n", s->p->index, strerror(-ret));
	/* WRITEBACK_FB_ID reads 0: the job is one-shot. */
	igt_assert(igt_osprey_prop_get(fd, s->p->writeback_id, DRM_MODE_OBJECT_CONNECTOR,
				       "WRITEBACK_FB_ID", &fb_id));
	igt_assert_eq_u64(fb_id, 0);
}

/* Compare a written-back frame with the reference; the number of pixels that differ. */
static unsigned int frame_diff(struct scene *s, const struct igt_osprey_fb *out,
			       const char *what)
{
	unsigned int bad = 0;

	for (uint32_t y = 0; y < s->h; y++) {
		for (uint32_t x = 0; x < s->w; x++) {
			uint32_t got = igt_osprey_fb_word(out, x, y);
			uint32_t want = s->ref[(size_t)y * s->w + x];

			if (got == want)
				continue;
			if (bad < 8)
				igt_info("%s: pixel (%u, %u) is %#010x, the reference %#010x\n",
					 what, x, y, got, want);
			bad++;
		}
	}
	if (bad)
		igt_info("%s: %u of %u pixels differ\n", what, bad, s->w * s->h);
	return bad;
}

/* A CRC differs from the reference: show where, through a writeback. */
static void diagnose(struct scene *s, const char *what, uint32_t got, uint32_t want)
{
	if (s->p->writeback_id) {
		struct igt_osprey_fb out;

		igt_osprey_fb_create(fd, s->w, s->h, DRM_FORMAT_XRGB8888, &out);
		write_back(s, &out, NULL);
		igt_info("%s: written-back frame's CRC %#010x\n", what,
			 igt_osprey_frame_crc(out.map, s->w, s->h, out.pitch));
		frame_diff(s, &out, what);
		igt_osprey_fb_remove(&out);
	}
	igt_assert_f(got == want, "%s: CRC %#010x, the reference's %#010x\n", what, got,
		     want);
}

/* The pipe shows the reference frame of @planes: its CRC says so. */
static void check(struct scene *s, const struct igt_osprey_ref_plane *planes,
		  unsigned int n, const char *what)
{
	uint32_t want, got;

	igt_osprey_ref_compose(s->ref, s->w, s->h, BACKGROUND, planes, n);
	want = igt_osprey_frame_crc(s->ref, s->w, s->h, s->w * 4);
	got = current_crc(s);
	igt_debug("%s: CRC %#010x\n", what, got);
	if (got != want)
		diagnose(s, what, got, want);
}

/* A plane, shown unscaled, as the reference compositor sees it. */
static struct igt_osprey_ref_plane ref_plane(uint32_t plane_id,
					     const struct igt_osprey_fb *fb,
					     int32_t x, int32_t y, uint32_t w,
					     uint32_t h, uint32_t sx, uint32_t sy)
{
	struct igt_osprey_ref_plane r = {
		.fb = fb, .x = x, .y = y, .w = w, .h = h, .src_x = sx, .src_y = sy,
		.alpha = 255, .blend = IGT_OSPREY_BLEND_PREMULTI, .order = plane_id,
	};
	uint64_t v;

	/* Alpha, blend mode and zpos as the plane's properties now say. */
	if (igt_osprey_prop_get(fd, plane_id, DRM_MODE_OBJECT_PLANE, "alpha", &v))
		r.alpha = v >> 8;
	if (igt_osprey_prop_get(fd, plane_id, DRM_MODE_OBJECT_PLANE, "pixel blend mode", &v))
		for (int b = 0; b < 3; b++)
			if (blend_value[b] == v)
				r.blend = b;
	if (igt_osprey_prop_get(fd, plane_id, DRM_MODE_OBJECT_PLANE, "zpos", &v))
		r.zpos = v;
	return r;
}

/* Add a plane showing @w x @h of @fb from (@sx, @sy) at (@x, @y). */
static void show(drmModeAtomicReq *req, const struct scene *s, int kind,
		 const struct igt_osprey_fb *fb, int32_t x, int32_t y, uint32_t w,
		 uint32_t h, uint32_t sx, uint32_t sy)
{
	igt_osprey_atomic_plane(req, fd, s->p->plane_id[kind], s->p->crtc_id, fb->fb_id,
				x, y, w, h, sx, sy);
}

static void plane_prop(drmModeAtomicReq *req, const struct scene *s, int kind,
		       const char *name, uint64_t value)
{
	igt_osprey_atomic_set(req, fd, s->p->plane_id[kind], DRM_MODE_OBJECT_PLANE,
			      name, value);
}

/* Solid colours ------------------------------------------------------------ */

static void test_crc_solid(void)
{
	static const uint32_t solid[] = {
		0x000000, 0xffffff, 0xff0000, 0x00ff00, 0x0000ff, 0x123456, 0x800080,
	};
	uint32_t crcs[ARRAY_SIZE(solid)];
	struct igt_osprey_fb fbs[ARRAY_SIZE(solid)];
	struct scene s;

	/* The CRC-32 is zlib's. */
	igt_assert_eq_u32(igt_osprey_crc32(0, "123456789", 9), 0xcbf43926);
	scene_init(&s, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(solid); i++) {
		igt_osprey_fb_create(fd, s.w, s.h, DRM_FORMAT_XRGB8888, &fbs[i]);
		/* The X byte is garbage, which the display ignores. */
		igt_osprey_fb_fill(&fbs[i], solid[i] | (0x5a000000u * (i % 2)));
	}
	{
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		show(req, &s, IGT_OSPREY_PLANE_PRIMARY, &fbs[0], 0, 0, s.w, s.h, 0, 0);
		scene_on(&s, req, false);
		drmModeAtomicFree(req);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(solid); i++) {
		drmModeAtomicReq *req = drmModeAtomicAlloc();
		uint32_t want = igt_osprey_solid_crc(solid[i], s.w, s.h), f0, f, c;

		show(req, &s, IGT_OSPREY_PLANE_PRIMARY, &fbs[i], 0, 0, s.w, s.h, 0, 0);
		commit(req);
		drmModeAtomicFree(req);
		crcs[i] = current_crc(&s);
		if (crcs[i] != want) {
			for (size_t k = 0; k < (size_t)s.w * s.h; k++)
				s.ref[k] = solid[i];
			diagnose(&s, "solid colour", crcs[i], want);
		}
		/* Stable over several frames, each newer than the last. */
		f0 = igt_osprey_vblank_count(fd, 0, NULL);
		for (int k = 0; k < 4; k++) {
			c = igt_osprey_crc_after(&s.crc, f0, &f);
			igt_assert_eq_u32(c, want);
			igt_assert((int32_t)(f - f0) > 0);
			f0 = f;
		}
		igt_info("0x%06x: CRC %#010x\n", solid[i], crcs[i]);
		for (unsigned int j = 0; j < i; j++)
			igt_assert_f(crcs[j] != crcs[i], "%#08x and %#08x have one CRC\n",
				     solid[j], solid[i]);
	}
	igt_osprey_crc_stop(&s.crc);

	/* Two pipes at once, each its own colour and CRC. */
	if (kms.n_pipes > 1) {
		struct scene t;
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		scene_init(&t, 1);
		igt_osprey_crc_start(fd, 0, &s.crc);
		show(req, &t, IGT_OSPREY_PLANE_PRIMARY, &fbs[2], 0, 0, t.w, t.h, 0, 0);
		scene_on(&t, req, false);
		drmModeAtomicFree(req);
		igt_assert_eq_u32(current_crc(&s), crcs[ARRAY_SIZE(solid) - 1]);
		igt_assert_eq_u32(current_crc(&t), crcs[2]);
		igt_osprey_crc_stop(&t.crc);
		free(t.ref);
	}
	scene_fini(&s);
	for (unsigned int i = 0; i < ARRAY_SIZE(solid); i++)
		igt_osprey_fb_remove(&fbs[i]);
}

/* Formats ------------------------------------------------------------------- */

static void test_crc_formats(void)
{
	static const uint32_t formats[] = {
		DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_XBGR8888,
		DRM_FORMAT_ABGR8888, DRM_FORMAT_RGB565,
	};
	unsigned int tested = 0;
	struct scene s;

	scene_init(&s, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(formats); i++) {
		uint32_t primary = s.p->plane_id[IGT_OSPREY_PLANE_PRIMARY];
		drmModeAtomicReq *req;
		struct igt_osprey_ref_plane r;
		struct igt_osprey_fb fb;
		char what[64];

		if (!igt_osprey_plane_has_format(fd, primary, formats[i])) {
			igt_info("the primary plane has no format %.4s\n",
				 (const char *)&formats[i]);
			continue;
		}
		/* A framebuffer wider than the mode, shown from an offset. */
		igt_osprey_fb_create(fd, s.w + 16, s.h + 8, formats[i], &fb);
		igt_osprey_fb_pattern(&fb, formats[i]);
		req = drmModeAtomicAlloc();
		show(req, &s, IGT_OSPREY_PLANE_PRIMARY, &fb, 0, 0, s.w, s.h, 16, 8);
		if (!tested)
			scene_on(&s, req, false);
		else
			commit(req);
		drmModeAtomicFree(req);
		r = ref_plane(primary, &fb, 0, 0, s.w, s.h, 16, 8);
		snprintf(what, sizeof(what), "primary plane in %.4s", (const char *)&formats[i]);
		check(&s, &r, 1, what);
		igt_info("%s: CRC matches\n", what);
		/* The next framebuffer replaces it before it goes. */
		req = drmModeAtomicAlloc();
		igt_osprey_atomic_plane_off(req, fd, primary);
		commit(req);
		drmModeAtomicFree(req);
		igt_osprey_fb_remove(&fb);
		tested++;
	}
	igt_assert_lt(0, tested);
	scene_fini(&s);
}

/* Blending ------------------------------------------------------------------ */

static void lookup_blend_values(const struct igt_osprey_pipe *p)
{
	for (int b = 0; b < 3; b++)
		blend_value[b] = igt_osprey_prop_enum(fd, p->plane_id[IGT_OSPREY_PLANE_OVERLAY],
						      DRM_MODE_OBJECT_PLANE,
						      "pixel blend mode", blend_names[b]);
}

static void test_plane_blend(void)
{
	static const uint8_t alphas[] = { 0xff, 0x80, 0x3c, 0x00 };
	static const uint32_t formats[] = { DRM_FORMAT_ARGB8888, DRM_FORMAT_XRGB8888 };
	struct igt_osprey_fb primary, overlay[2];
	uint32_t ov_id;
	struct scene s;

	scene_init(&s, 0);
	ov_id = s.p->plane_id[IGT_OSPREY_PLANE_OVERLAY];
	igt_osprey_fb_create(fd, s.w, s.h, DRM_FORMAT_XRGB8888, &primary);
	igt_osprey_fb_pattern(&primary, 1);
	for (int f = 0; f < 2; f++) {
		igt_osprey_fb_create(fd, 256, 192, formats[f], &overlay[f]);
		igt_osprey_fb_pattern(&overlay[f], 2 + f);
	}
	{
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		show(req, &s, IGT_OSPREY_PLANE_PRIMARY, &primary, 0, 0, s.w, s.h, 0, 0);
		scene_on(&s, req, false);
		drmModeAtomicFree(req);
	}
	for (int f = 0; f < 2; f++) {
		for (int b = 0; b < 3; b++) {
			for (unsigned int a = 0; a < ARRAY_SIZE(alphas); a++) {
				drmModeAtomicReq *req = drmModeAtomicAlloc();
				struct igt_osprey_ref_plane r[2];
				char what[96];

				/* ARGB8888 takes every alpha; XRGB8888 two. */
				if (f == 1 && a > 1)
					continue;
				show(req, &s, IGT_OSPREY_PLANE_OVERLAY, &overlay[f], 100, 60,
				     256, 192, 0, 0);
				plane_prop(req, &s, IGT_OSPREY_PLANE_OVERLAY, "alpha",
					   alphas[a] * 0x101);
				plane_prop(req, &s, IGT_OSPREY_PLANE_OVERLAY, "pixel blend mode",
					   blend_value[b]);
				commit(req);
				drmModeAtomicFree(req);
				r[0] = ref_plane(s.p->plane_id[0], &primary, 0, 0, s.w, s.h, 0, 0);
				r[1] = ref_plane(ov_id, &overlay[f], 100, 60, 256, 192, 0, 0);
				igt_assert_eq(r[1].alpha, alphas[a]);
				igt_assert_eq(r[1].blend, b);
				snprintf(what, sizeof(what), "%.4s overlay, alpha %#04x, %s",
					 (const char *)&formats[f], alphas[a], blend_names[b]);
				check(&s, r, 2, what);
				igt_info("%s: CRC matches\n", what);
			}
		}
	}
	scene_fini(&s);
	igt_osprey_fb_remove(&primary);
	igt_osprey_fb_remove(&overlay[0]);
	igt_osprey_fb_remove(&overlay[1]);
}

/* zpos ------------------------------------------------------------------------ */

static bool zpos_range(uint32_t plane_id, uint64_t *min, uint64_t *max)
{
	drmModePropertyPtr p = igt_osprey_prop_info(fd, plane_id, DRM_MODE_OBJECT_PLANE,
						    "zpos");
	bool mutable = p && !(p->flags & DRM_MODE_PROP_IMMUTABLE) && p->count_values == 2;

	if (mutable) {
		*min = p->values[0];
		*max = p->values[1];
	}
	drmModeFreeProperty(p);
	return mutable;
}

static void test_plane_zpos(void)
{
	/* zpos of primary, overlay, cursor; -1 leaves it as it is. */
	static const int orders[][3] = {
		{ -1, -1, -1 },		/* the defaults */
		{ 0, 2, 1 },		/* cursor under the overlay */
		{ 0, 1, 1 },		/* a tie: plane ids decide */
		{ 2, 0, 1 },		/* the primary on top of both */
		{ 1, 0, 2 },		/* overlay at the bottom */
	};
	struct igt_osprey_fb primary, overlay, cursor;
	uint64_t min[3], max[3];
	unsigned int tested = 0;
	struct scene s;

	scene_init(&s, 0);
	for (int k = 0; k < 3; k++)
		igt_require_f(zpos_range(s.p->plane_id[k], &min[k], &max[k]),
			      "plane kind %d has no mutable zpos\n", k);
	/* The primary is translucent: what it covers shows through. */
	igt_osprey_fb_create(fd, s.w, s.h, DRM_FORMAT_ARGB8888, &primary);
	igt_osprey_fb_pattern(&primary, 11);
	igt_osprey_fb_create(fd, 256, 256, DRM_FORMAT_ARGB8888, &overlay);
	igt_osprey_fb_pattern(&overlay, 12);
	igt_osprey_fb_create(fd, 64, 64, DRM_FORMAT_ARGB8888, &cursor);
	igt_osprey_fb_pattern(&cursor, 13);
	{
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		show(req, &s, IGT_OSPREY_PLANE_PRIMARY, &primary, 0, 0, s.w, s.h, 0, 0);
		show(req, &s, IGT_OSPREY_PLANE_OVERLAY, &overlay, 100, 100, 256, 256, 0, 0);
		show(req, &s, IGT_OSPREY_PLANE_CURSOR, &cursor, 320, 330, 64, 64, 0, 0);
		scene_on(&s, req, false);
		drmModeAtomicFree(req);
	}
	for (unsigned int o = 0; o < ARRAY_SIZE(orders); o++) {
		drmModeAtomicReq *req = drmModeAtomicAlloc();
		struct igt_osprey_ref_plane r[3];
		bool fits = true;
		char what[64];

		for (int k = 0; k < 3; k++)
			fits &= orders[o][k] < 0 || ((uint64_t)orders[o][k] >= min[k] &&
						     (uint64_t)orders[o][k] <= max[k]);
		if (!fits) {
			igt_info("zpos %d %d %d is out of the planes' ranges\n",
				 orders[o][0], orders[o][1], orders[o][2]);
			drmModeAtomicFree(req);
			continue;
		}
		for (int k = 0; k < 3; k++)
			if (orders[o][k] >= 0)
				plane_prop(req, &s, k, "zpos", orders[o][k]);
		/* A request with nothing in it commits nothing. */
		plane_prop(req, &s, IGT_OSPREY_PLANE_OVERLAY, "alpha", 0xffff);
		commit(req);
		drmModeAtomicFree(req);
		r[0] = ref_plane(s.p->plane_id[0], &primary, 0, 0, s.w, s.h, 0, 0);
		r[1] = ref_plane(s.p->plane_id[1], &overlay, 100, 100, 256, 256, 0, 0);
		r[2] = ref_plane(s.p->plane_id[2], &cursor, 320, 330, 64, 64, 0, 0);
		snprintf(what, sizeof(what), "zpos primary %u overlay %u cursor %u",
			 r[0].zpos, r[1].zpos, r[2].zpos);
		check(&s, r, 3, what);
		igt_info("%s: CRC matches\n", what);
		tested++;
	}
	igt_assert_lt(1, tested);
	scene_fini(&s);
	igt_osprey_fb_remove(&primary);
	igt_osprey_fb_remove(&overlay);
	igt_osprey_fb_remove(&cursor);
}

/* Positions ------------------------------------------------------------------- */

static void test_plane_position(void)
{
	struct igt_osprey_fb primary, overlay;
	struct scene s;

	scene_init(&s, 0);
	{
		const int32_t W = s.w, H = s.h;
		/* x, y, w, h, source x, source y */
		const int32_t pos[][6] = {
			{ 0, 0, 200, 150, 0, 0 },
			{ 37, 21, 200, 150, 30, 20 },		/* a source offset */
			{ W - 200, H - 150, 200, 150, 0, 0 },	/* the corner, exactly */
			{ -50, -40, 200, 150, 0, 0 },		/* off the top left */
			{ W - 100, H - 75, 200, 150, 56, 106 },	/* off the bottom right */
			{ W - 1, 10, 200, 150, 0, 0 },		/* one column shows */
			{ 10, H - 1, 200, 150, 0, 0 },		/* one row shows */
			{ -199, -149, 200, 150, 0, 0 },		/* one pixel shows */
			{ -20, 300, W + 40, 50, 0, 0 },		/* wider than the CRTC */
			{ 5, 7, 1, 1, 255, 255 },		/* one pixel, the last */
		};

		igt_osprey_fb_create(fd, s.w, s.h, DRM_FORMAT_XRGB8888, &primary);
		igt_osprey_fb_pattern(&primary, 21);
		igt_osprey_fb_create(fd, W + 40, 256, DRM_FORMAT_ARGB8888, &overlay);
		igt_osprey_fb_pattern(&overlay, 22);
		{
			drmModeAtomicReq *req = drmModeAtomicAlloc();

			show(req, &s, IGT_OSPREY_PLANE_PRIMARY, &primary, 0, 0, s.w, s.h,
			     0, 0);
			scene_on(&s, req, false);
			drmModeAtomicFree(req);
		}
		for (unsigned int i = 0; i < ARRAY_SIZE(pos); i++) {
			drmModeAtomicReq *req = drmModeAtomicAlloc();
			struct igt_osprey_ref_plane r[2];
			char what[96];

			show(req, &s, IGT_OSPREY_PLANE_OVERLAY, &overlay, pos[i][0], pos[i][1],
			     pos[i][2], pos[i][3], pos[i][4], pos[i][5]);
			commit(req);
			drmModeAtomicFree(req);
			r[0] = ref_plane(s.p->plane_id[0], &primary, 0, 0, s.w, s.h, 0, 0);
			r[1] = ref_plane(s.p->plane_id[1], &overlay, pos[i][0], pos[i][1],
					 pos[i][2], pos[i][3], pos[i][4], pos[i][5]);
			snprintf(what, sizeof(what), "overlay %dx%d at (%d, %d) from (%d, %d)",
				 pos[i][2], pos[i][3], pos[i][0], pos[i][1], pos[i][4],
				 pos[i][5]);
			check(&s, r, 2, what);
			igt_info("%s: CRC matches\n", what);
		}
	}
	scene_fini(&s);
	igt_osprey_fb_remove(&primary);
	igt_osprey_fb_remove(&overlay);
}

/* The cursor ---------------------------------------------------------------------- */

static void test_cursor_move(void)
{
	struct igt_osprey_fb primary, cursor, legacy;
	uint64_t cw = 64, ch = 64;
	struct scene s;

	scene_init(&s, 0);
	drmGetCap(fd, DRM_CAP_CURSOR_WIDTH, &cw);
	drmGetCap(fd, DRM_CAP_CURSOR_HEIGHT, &ch);
	igt_info("cursor up to %" PRIu64 "x%" PRIu64 "\n", cw, ch);
	igt_require(cw >= 64 && ch >= 64);
	{
		const int32_t W = s.w, H = s.h;
		const int32_t pos[][2] = {
			{ 0, 0 }, { 123, 45 }, { W - 64, H - 64 }, { W - 20, H - 30 },
			{ -30, -10 }, { -63, 100 }, { 500, -63 }, { W - 1, H - 1 },
		};
		uint32_t cursor_id = s.p->plane_id[IGT_OSPREY_PLANE_CURSOR];

		igt_osprey_fb_create(fd, s.w, s.h, DRM_FORMAT_XRGB8888, &primary);
		igt_osprey_fb_pattern(&primary, 31);
		igt_osprey_fb_create(fd, 64, 64, DRM_FORMAT_ARGB8888, &cursor);
		igt_osprey_fb_pattern(&cursor, 32);
		{
			drmModeAtomicReq *req = drmModeAtomicAlloc();

			show(req, &s, IGT_OSPREY_PLANE_PRIMARY, &primary, 0, 0, s.w, s.h,
			     0, 0);
			scene_on(&s, req, false);
			drmModeAtomicFree(req);
		}

		/* Atomic updates of the cursor plane. */
		for (unsigned int i = 0; i < ARRAY_SIZE(pos); i++) {
			drmModeAtomicReq *req = drmModeAtomicAlloc();
			struct igt_osprey_ref_plane r[2];
			char what[64];

			show(req, &s, IGT_OSPREY_PLANE_CURSOR, &cursor, pos[i][0], pos[i][1],
			     64, 64, 0, 0);
			commit(req);
			drmModeAtomicFree(req);
			r[0] = ref_plane(s.p->plane_id[0], &primary, 0, 0, s.w, s.h, 0, 0);
			r[1] = ref_plane(cursor_id, &cursor, pos[i][0], pos[i][1], 64, 64, 0, 0);
			snprintf(what, sizeof(what), "cursor at (%d, %d)", pos[i][0], pos[i][1]);
			check(&s, r, 2, what);
			igt_info("%s: CRC matches\n", what);
		}
		{
			drmModeAtomicReq *req = drmModeAtomicAlloc();
			struct igt_osprey_ref_plane r;

			igt_osprey_atomic_plane_off(req, fd, cursor_id);
			commit(req);
			drmModeAtomicFree(req);
			r = ref_plane(s.p->plane_id[0], &primary, 0, 0, s.w, s.h, 0, 0);
			check(&s, &r, 1, "cursor off");
		}

		/*
		 * The legacy cursor ioctls: a 64x64 ARGB8888 buffer of pitch
		 * 256 (what DRM_IOCTL_MODE_CURSOR assumes), moved around.
		 */
		igt_osprey_fb_create(fd, 64, 64, DRM_FORMAT_ARGB8888, &legacy);
		igt_assert_eq(drmModeRmFB(fd, legacy.fb_id), 0);
		legacy.fb_id = 0;
		legacy.pitch = 256;
		igt_osprey_fb_pattern(&legacy, 33);
		igt_assert_eq(drmModeSetCursor(fd, s.p->crtc_id, legacy.handle, 64, 64), 0);
		for (unsigned int i = 0; i < ARRAY_SIZE(pos); i += 2) {
			struct igt_osprey_ref_plane r[2];
			char what[64];

			igt_assert_eq(drmModeMoveCursor(fd, s.p->crtc_id, pos[i][0], pos[i][1]),
				      0);
			r[0] = ref_plane(s.p->plane_id[0], &primary, 0, 0, s.w, s.h, 0, 0);
			r[1] = ref_plane(cursor_id, &legacy, pos[i][0], pos[i][1], 64, 64, 0, 0);
			snprintf(what, sizeof(what), "legacy cursor at (%d, %d)", pos[i][0],
				 pos[i][1]);
			check(&s, r, 2, what);
			igt_info("%s: CRC matches\n", what);
		}
		igt_assert_eq(drmModeSetCursor(fd, s.p->crtc_id, 0, 0, 0), 0);
		{
			struct igt_osprey_ref_plane r = ref_plane(s.p->plane_id[0], &primary, 0,
								  0, s.w, s.h, 0, 0);

			check(&s, &r, 1, "legacy cursor hidden");
		}
	}
	scene_fini(&s);
	igt_osprey_fb_remove(&legacy);
	igt_osprey_fb_remove(&primary);
	igt_osprey_fb_remove(&cursor);
}

/* Writeback -------------------------------------------------------------------- */

static void test_writeback(void)
{
	struct igt_osprey_fb primary, overlay, out[2], small;
	struct igt_osprey_ref_plane r[2];
	uint32_t crc_a, crc_b, ov_id;
	drmModeAtomicReq *req;
	struct scene s;
	int32_t fence = 123;

	scene_init(&s, 0);
	igt_require_f(s.p->writeback_id, "pipe 0 has no writeback connector\n");
	lookup_blend_values(s.p);
	ov_id = s.p->plane_id[IGT_OSPREY_PLANE_OVERLAY];
	igt_osprey_fb_create(fd, s.w, s.h, DRM_FORMAT_XRGB8888, &primary);
	igt_osprey_fb_pattern(&primary, 41);
	igt_osprey_fb_create(fd, 300, 200, DRM_FORMAT_ARGB8888, &overlay);
	igt_osprey_fb_pattern(&overlay, 42);
	for (int i = 0; i < 2; i++) {
		igt_osprey_fb_create(fd, s.w, s.h, DRM_FORMAT_XRGB8888, &out[i]);
		igt_osprey_fb_fill(&out[i], 0xdeadbeef);
	}

	req = drmModeAtomicAlloc();
	show(req, &s, IGT_OSPREY_PLANE_PRIMARY, &primary, 0, 0, s.w, s.h, 0, 0);
	show(req, &s, IGT_OSPREY_PLANE_OVERLAY, &overlay, 200, 150, 300, 200, 0, 0);
	plane_prop(req, &s, IGT_OSPREY_PLANE_OVERLAY, "alpha", 0xc0c0);
	scene_on(&s, req, true);
	drmModeAtomicFree(req);

	/* One frame written back: the reference, and the CRC of the frames. */
	write_back(&s, &out[0], NULL);
	r[0] = ref_plane(s.p->plane_id[0], &primary, 0, 0, s.w, s.h, 0, 0);
	r[1] = ref_plane(ov_id, &overlay, 200, 150, 300, 200, 0, 0);
	igt_osprey_ref_compose(s.ref, s.w, s.h, BACKGROUND, r, 2);
	igt_assert_f(frame_diff(&s, &out[0], "writeback") == 0,
		     "the written-back frame is not the reference\n");
	crc_a = igt_osprey_frame_crc(out[0].map, s.w, s.h, out[0].pitch);
	igt_assert_eq_u32(crc_a, igt_osprey_frame_crc(s.ref, s.w, s.h, s.w * 4));
	igt_assert_eq_u32(current_crc(&s), crc_a);
	igt_info("writeback of %ux%u: the reference, CRC %#010x\n", s.w, s.h, crc_a);

	/* A change and a writeback in one commit: the frame has the change. */
	req = drmModeAtomicAlloc();
	show(req, &s, IGT_OSPREY_PLANE_OVERLAY, &overlay, -100, 500, 300, 200, 0, 0);
	plane_prop(req, &s, IGT_OSPREY_PLANE_OVERLAY, "pixel blend mode",
		   blend_value[IGT_OSPREY_BLEND_COVERAGE]);
	write_back(&s, &out[1], req);
	drmModeAtomicFree(req);
	r[1] = ref_plane(ov_id, &overlay, -100, 500, 300, 200, 0, 0);
	igt_osprey_ref_compose(s.ref, s.w, s.h, BACKGROUND, r, 2);
	igt_assert_f(frame_diff(&s, &out[1], "second writeback") == 0,
		     "the second written-back frame is not the reference\n");
	crc_b = igt_osprey_frame_crc(out[1].map, s.w, s.h, out[1].pitch);
	igt_assert_eq_u32(current_crc(&s), crc_b);
	/* The first buffer was written once only. */
	igt_assert_eq_u32(igt_osprey_frame_crc(out[0].map, s.w, s.h, out[0].pitch), crc_a);

	/* Commits without a writeback write nothing. */
	igt_osprey_fb_fill(&out[1], 0xdeadbeef);
	req = drmModeAtomicAlloc();
	show(req, &s, IGT_OSPREY_PLANE_OVERLAY, &overlay, 10, 10, 300, 200, 0, 0);
	commit(req);
	drmModeAtomicFree(req);
	igt_osprey_wait_vblank(fd, 0, 3, NULL);
	igt_assert_eq_u32(igt_osprey_fb_word(&out[1], 0, 0), 0xdeadbeef);
	igt_assert_eq_u32(igt_osprey_fb_word(&out[1], s.w - 1, s.h - 1), 0xdeadbeef);

	/* Bad parameters: a fence without a buffer, the wrong size, a bad pointer. */
	igt_osprey_fb_create(fd, s.w / 2, s.h / 2, DRM_FORMAT_XRGB8888, &small);
	req = drmModeAtomicAlloc();
	igt_osprey_atomic_set(req, fd, s.p->writeback_id, DRM_MODE_OBJECT_CONNECTOR,
			      "WRITEBACK_FB_ID", 0);
	igt_osprey_atomic_set(req, fd, s.p->writeback_id, DRM_MODE_OBJECT_CONNECTOR,
			      "WRITEBACK_OUT_FENCE_PTR", to_user_pointer(&fence));
	igt_assert_eq(__igt_osprey_atomic_commit(fd, req, 0, NULL), -EINVAL);
	drmModeAtomicFree(req);
	/* A failed commit leaves -1 where its fence would have gone. */
	igt_assert_eq(fence, -1);
	req = drmModeAtomicAlloc();
	igt_osprey_atomic_set(req, fd, s.p->writeback_id, DRM_MODE_OBJECT_CONNECTOR,
			      "WRITEBACK_FB_ID", small.fb_id);
	igt_assert_eq(__igt_osprey_atomic_commit(fd, req, 0, NULL), -EINVAL);
	drmModeAtomicFree(req);
	req = drmModeAtomicAlloc();
	igt_osprey_atomic_set(req, fd, s.p->writeback_id, DRM_MODE_OBJECT_CONNECTOR,
			      "WRITEBACK_FB_ID", out[0].fb_id);
	igt_osprey_atomic_set(req, fd, s.p->writeback_id, DRM_MODE_OBJECT_CONNECTOR,
			      "WRITEBACK_OUT_FENCE_PTR", 8);
	igt_assert_eq(__igt_osprey_atomic_commit(fd, req, 0, NULL), -EFAULT);
	drmModeAtomicFree(req);
	igt_osprey_fb_remove(&small);

	scene_fini(&s);
	igt_osprey_fb_remove(&primary);
	igt_osprey_fb_remove(&overlay);
	igt_osprey_fb_remove(&out[0]);
	igt_osprey_fb_remove(&out[1]);
}

/* RMFB and CLOSEFB --------------------------------------------------------------- */

static void test_rmfb(void)
{
	struct igt_osprey_fb primary, overlay;
	struct igt_osprey_ref_plane r[2];
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	struct drm_mode_closefb closefb = {};
	uint32_t ov_id, primary_id;
	drmModeAtomicReq *req;
	bool primary_less_ok;
	drmModeCrtcPtr crtc;
	struct scene s;
	uint64_t v;
	int ret;

	scene_init(&s, 0);
	ov_id = s.p->plane_id[IGT_OSPREY_PLANE_OVERLAY];
	primary_id = s.p->plane_id[IGT_OSPREY_PLANE_PRIMARY];
	igt_osprey_fb_create(fd, s.w, s.h, DRM_FORMAT_XRGB8888, &primary);
	igt_osprey_fb_pattern(&primary, 51);
	igt_osprey_fb_create(fd, 200, 200, DRM_FORMAT_XRGB8888, &overlay);
	igt_osprey_fb_fill(&overlay, 0x00ff8000);
	handles[0] = overlay.handle;
	pitches[0] = overlay.pitch;

	/* The primary and an overlay; RMFB of the overlay's framebuffer. */
	req = drmModeAtomicAlloc();
	show(req, &s, IGT_OSPREY_PLANE_PRIMARY, &primary, 0, 0, s.w, s.h, 0, 0);
	show(req, &s, IGT_OSPREY_PLANE_OVERLAY, &overlay, 300, 200, 200, 200, 0, 0);
	scene_on(&s, req, false);
	drmModeAtomicFree(req);
	r[0] = ref_plane(primary_id, &primary, 0, 0, s.w, s.h, 0, 0);
	r[1] = ref_plane(ov_id, &overlay, 300, 200, 200, 200, 0, 0);
	check(&s, r, 2, "primary and overlay");
	igt_assert_eq(drmModeRmFB(fd, overlay.fb_id), 0);
	overlay.fb_id = 0;
	igt_assert(igt_osprey_prop_get(fd, ov_id, DRM_MODE_OBJECT_PLANE, "FB_ID", &v));
	igt_assert_eq_u64(v, 0);
	igt_assert(igt_osprey_prop_get(fd, ov_id, DRM_MODE_OBJECT_PLANE, "CRTC_ID", &v));
	igt_assert_eq_u64(v, 0);
	check(&s, r, 1, "after RMFB of the overlay's framebuffer");

	/* An overlay alone on the CRTC; RMFB leaves the background. */
	igt_assert_eq(drmModeAddFB2(fd, 200, 200, DRM_FORMAT_XRGB8888, handles, pitches,
				    offsets, &overlay.fb_id, 0), 0);
	req = drmModeAtomicAlloc();
	igt_osprey_atomic_plane_off(req, fd, primary_id);
	show(req, &s, IGT_OSPREY_PLANE_OVERLAY, &overlay, 300, 200, 200, 200, 0, 0);
	ret = __igt_osprey_atomic_commit(fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	drmModeAtomicFree(req);
	primary_less_ok = ret == 0;
	if (ret == 0) {
		r[1] = ref_plane(ov_id, &overlay, 300, 200, 200, 200, 0, 0);
		check(&s, &r[1], 1, "an overlay alone");
		igt_assert_eq(drmModeRmFB(fd, overlay.fb_id), 0);
		overlay.fb_id = 0;
		check(&s, NULL, 0, "the background, after RMFB of the overlay's framebuffer");
		igt_info("RMFB of a lone overlay's framebuffer leaves the background\n");
	} else {
		igt_info("a CRTC without a primary plane is refused (%s)\n", strerror(-ret));
		igt_assert_eq(drmModeRmFB(fd, overlay.fb_id), 0);
		overlay.fb_id = 0;
	}

	/* CLOSEFB (Linux 6.8) takes the framebuffer's id and leaves it shown. */
	igt_assert_eq(drmModeAddFB2(fd, 200, 200, DRM_FORMAT_XRGB8888, handles, pitches,
				    offsets, &overlay.fb_id, 0), 0);
	req = drmModeAtomicAlloc();
	show(req, &s, IGT_OSPREY_PLANE_PRIMARY, &primary, 0, 0, s.w, s.h, 0, 0);
	show(req, &s, IGT_OSPREY_PLANE_OVERLAY, &overlay, 300, 200, 200, 200, 0, 0);
	commit(req);
	drmModeAtomicFree(req);
	r[1] = ref_plane(ov_id, &overlay, 300, 200, 200, 200, 0, 0);
	closefb.fb_id = overlay.fb_id;
	if (igt_ioctl(fd, DRM_IOCTL_MODE_CLOSEFB, &closefb) == 0) {
		igt_assert_eq(drmModeRmFB(fd, overlay.fb_id), -ENOENT);
		check(&s, r, 2, "after CLOSEFB of the overlay's framebuffer");
	} else {
		igt_info("no CLOSEFB: %s\n", strerror(errno));
		igt_assert_eq(drmModeRmFB(fd, overlay.fb_id), 0);
	}
	overlay.fb_id = 0;

	/*
	 * RMFB of the primary's framebuffer: the core disables the plane, or,
	 * if the driver refuses a CRTC without its primary plane, the CRTC.
	 */
	req = drmModeAtomicAlloc();
	igt_osprey_atomic_plane_off(req, fd, ov_id);
	commit(req);
	drmModeAtomicFree(req);
	igt_assert_eq(drmModeRmFB(fd, primary.fb_id), 0);
	primary.fb_id = 0;
	igt_assert(igt_osprey_prop_get(fd, primary_id, DRM_MODE_OBJECT_PLANE, "FB_ID", &v));
	igt_assert_eq_u64(v, 0);
	igt_assert(igt_osprey_prop_get(fd, s.p->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE", &v));
	crtc = drmModeGetCrtc(fd, s.p->crtc_id);
	igt_assert(crtc);
	igt_assert_eq(crtc->mode_valid, (int)v);
	drmModeFreeCrtc(crtc);
	if (primary_less_ok) {
		/* The CRTC without planes: the background. */
		igt_assert_eq_u64(v, 1);
		check(&s, NULL, 0, "the background, after RMFB of the primary's framebuffer");
	} else {
		igt_assert_eq_u64(v, 0);
	}

	scene_fini(&s);
	igt_osprey_fb_remove(&primary);
	igt_osprey_fb_remove(&overlay);
}

/* The monitor cable -------------------------------------------------------------- */

/*
 * The picture now on @s's pipe, still for a while: its writeback is the
 * reference of @planes, and the host's screenshot of the pipe's
 * virtio-gpu scanout is that writeback, pixel for pixel.
 */
static void screenshot_matches(struct scene *s, const struct igt_osprey_ref_plane *planes,
			       unsigned int n, const char *name)
{
	uint32_t *shot = NULL, sw = 0, sh = 0, bad = 0;
	struct igt_osprey_fb out;
	int ret;

	igt_osprey_fb_create(fd, s->w, s->h, DRM_FORMAT_XRGB8888, &out);
	write_back(s, &out, NULL);
	igt_osprey_ref_compose(s->ref, s->w, s->h, BACKGROUND, planes, n);
	igt_assert_eq(frame_diff(s, &out, name), 0);
	/* A still picture: the cable presents it within a few of its frames. */
	igt_osprey_wait_vblank(fd, s->p->index, 20, NULL);

	ret = igt_osprey_host_screenshot(name, s->p->index, 60000, &shot, &sw, &sh);
	igt_assert_f(ret == 0, "host screenshot %s: %s\n", name, strerror(-ret));
	igt_info("%s: screenshot of scanout %u, %ux%u\n", name, s->p->index, sw, sh);
	igt_assert_eq_u32(sw, s->w);
	igt_assert_eq_u32(sh, s->h);
	for (uint32_t y = 0; y < s->h; y++) {
		for (uint32_t x = 0; x < s->w; x++) {
			uint32_t want = igt_osprey_fb_word(&out, x, y) & 0xffffff;
			uint32_t got = shot[(size_t)y * sw + x];

			if (got == want)
				continue;
			if (bad < 8)
				igt_info("%s: pixel (%u, %u) is %#08x, the writeback's %#08x\n",
					 name, x, y, got, want);
			bad++;
		}
	}
	free(shot);
	igt_osprey_fb_remove(&out);
	igt_assert_f(bad == 0, "%s: %u pixels of the screenshot differ from the writeback\n",
		     name, bad);
}

static void test_screenshot(void)
{
	struct igt_osprey_fb primary, overlay;
	struct igt_osprey_ref_plane r[2];
	drmModeAtomicReq *req;
	struct scene s;

	igt_require_f(igt_osprey_host_share(),
		      "OSPREY_HOST_SHARE is not set: no host screenshot service\n");
	scene_init(&s, 0);
	igt_require_f(s.p->writeback_id, "pipe 0 has no writeback connector\n");
	igt_osprey_fb_create(fd, s.w, s.h, DRM_FORMAT_XRGB8888, &primary);
	igt_osprey_fb_pattern(&primary, 61);
	igt_osprey_fb_create(fd, 320, 240, DRM_FORMAT_ARGB8888, &overlay);
	igt_osprey_fb_pattern(&overlay, 62);
	req = drmModeAtomicAlloc();
	show(req, &s, IGT_OSPREY_PLANE_PRIMARY, &primary, 0, 0, s.w, s.h, 0, 0);
	show(req, &s, IGT_OSPREY_PLANE_OVERLAY, &overlay, 400, 300, 320, 240, 0, 0);
	scene_on(&s, req, true);
	drmModeAtomicFree(req);
	r[0] = ref_plane(s.p->plane_id[0], &primary, 0, 0, s.w, s.h, 0, 0);
	r[1] = ref_plane(s.p->plane_id[1], &overlay, 400, 300, 320, 240, 0, 0);
	screenshot_matches(&s, r, 2, "osprey_kms_crc-pipe0-a");

	/*
	 * The picture changes: so does the screenshot (it is not stale). Not
	 * on the debug kernel, where reading a screenshot through 9p takes
	 * about ten seconds.
	 */
	if (slow == 1) {
		req = drmModeAtomicAlloc();
		show(req, &s, IGT_OSPREY_PLANE_OVERLAY, &overlay, -100, 600, 320, 240,
		     0, 0);
		commit(req);
		drmModeAtomicFree(req);
		r[1] = ref_plane(s.p->plane_id[1], &overlay, -100, 600, 320, 240, 0, 0);
		screenshot_matches(&s, r, 2, "osprey_kms_crc-pipe0-b");
	}
	igt_osprey_crc_stop(&s.crc);
	free(s.ref);

	/* Pipe 1 is on scanout 1. */
	if (kms.n_pipes > 1) {
		struct scene t;

		scene_init(&t, 1);
		req = drmModeAtomicAlloc();
		show(req, &t, IGT_OSPREY_PLANE_PRIMARY, &primary, 0, 0, t.w, t.h, 0, 0);
		scene_on(&t, req, true);
		drmModeAtomicFree(req);
		r[0] = ref_plane(t.p->plane_id[0], &primary, 0, 0, t.w, t.h, 0, 0);
		screenshot_matches(&t, r, 1, "osprey_kms_crc-pipe1");
		scene_fini(&t);
	} else {
		igt_osprey_kms_reset(&kms);
	}
	igt_osprey_fb_remove(&primary);
	igt_osprey_fb_remove(&overlay);
}

/* Whether the device's CRTCs have CRC capture (debugfs crtc-0/crc). */
static bool has_crc(void)
{
	char path[256];
	size_t len;

	if (!igt_debugfs_path(fd, path, sizeof(path) - 32))
		return false;
	len = strlen(path);
	snprintf(path + len, sizeof(path) - len, "/crtc-0/crc/control");
	return access(path, F_OK) == 0;
}

int igt_main()
{
	struct utsname u;

	igt_fixture() {
		if (!uname(&u) && strstr(u.release, "osprey-debug"))
			slow = 4;
		igt_osprey_kms_open(&kms);
		fd = kms.fd;
		igt_require_f(kms.n_pipes > 0, "the device has no display\n");
		igt_require_f(has_crc(), "no CRC capture in debugfs\n");
		lookup_blend_values(&kms.pipe[0]);
	}

	igt_describe("Solid colours: CRCs stable over frames, distinct, equal to the reference.");
	igt_subtest("crc-solid") {
		subtest_begin();
		test_crc_solid();
	}

	igt_describe("The primary plane in every format it takes, from a source offset.");
	igt_subtest("crc-formats") {
		subtest_begin();
		test_crc_formats();
	}

	igt_describe("An overlay's plane alpha under every pixel blend mode, by CRC.");
	igt_subtest("plane-blend") {
		subtest_begin();
		test_plane_blend();
	}

	igt_describe("zpos orders, ties included, by CRC.");
	igt_subtest("plane-zpos") {
		subtest_begin();
		test_plane_zpos();
	}

	igt_describe("An overlay at positions partly off the CRTC, from source offsets.");
	igt_subtest("plane-position") {
		subtest_begin();
		test_plane_position();
	}

	igt_describe("The cursor moved around, atomic and legacy, partly off-screen.");
	igt_subtest("cursor-move") {
		subtest_begin();
		test_cursor_move();
	}

	igt_describe("Writeback: the frame is the reference and its CRC; one-shot; bad input.");
	igt_subtest("writeback") {
		subtest_begin();
		test_writeback();
	}

	igt_describe("RMFB of a shown framebuffer disables its plane; CLOSEFB does not.");
	igt_subtest("rmfb") {
		subtest_begin();
		test_rmfb();
	}

	igt_describe("QEMU's screenshot of the monitor cable equals the writeback.");
	igt_subtest("screenshot") {
		subtest_begin();
		test_screenshot();
	}

	igt_fixture() {
		igt_osprey_kms_reset(&kms);
		igt_osprey_kms_close(&kms);
	}
}
