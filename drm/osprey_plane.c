// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey display: planes
 *
 * Each pipe has a primary, an overlay and a cursor plane, each usable on
 * that pipe only. Primary and overlay scan XRGB8888, ARGB8888, RGB565,
 * XBGR8888 and ABGR8888; the cursor ARGB8888, up to 64x64. Every plane has
 * the "alpha", "pixel blend mode" and "zpos" properties (zpos 0 to 2,
 * normalised by the atomic helpers, which is what PLANE_ZPOS gets). The
 * hardware does not scale: source and destination sizes are equal, and the
 * source is in whole pixels. The overlay and the cursor may stick out of
 * the CRTC but must show at least one pixel of it, and no rectangle may be
 * empty; the primary covers the CRTC.
 *
 * prepare_fb maps the framebuffer's buffer in the display address space
 * (read-only), or shares the mapping of the plane's current state when the
 * framebuffer stays; it also takes the buffer's implicit fence, so that
 * the commit waits for rendering. cleanup_fb drops the mapping, which
 * retires once the pipe is done with it. atomic_update writes the pending
 * registers; the CRTC's flush latches them. PLANE_ADDR is the address of
 * the first pixel shown: the mapping, the framebuffer's offset and the
 * clipped source's top-left corner.
 */

#include <linux/slab.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_blend.h>
#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>
#include <drm/drm_rect.h>

#include "osprey_drv.h"

static const u32 osprey_plane_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_RGB565,
	DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888,
};

static const u32 osprey_cursor_formats[] = {
	DRM_FORMAT_ARGB8888,
};

static const u64 osprey_plane_modifiers[] = {
	DRM_FORMAT_MOD_LINEAR,
	DRM_FORMAT_MOD_INVALID,
};

static struct osprey_plane *to_osprey_plane(struct drm_plane *plane)
{
	return container_of(plane, struct osprey_plane, base);
}

static u32 osprey_plane_hw_format(u32 fourcc)
{
	switch (fourcc) {
	case DRM_FORMAT_ARGB8888:
		return OSPREY_FMT_ARGB8888;
	case DRM_FORMAT_RGB565:
		return OSPREY_FMT_RGB565;
	case DRM_FORMAT_XBGR8888:
		return OSPREY_FMT_XBGR8888;
	case DRM_FORMAT_ABGR8888:
		return OSPREY_FMT_ABGR8888;
	default:
		return OSPREY_FMT_XRGB8888;
	}
}

static u32 osprey_plane_hw_blend(u16 mode)
{
	switch (mode) {
	case DRM_MODE_BLEND_PIXEL_NONE:
		return OSPREY_BLEND_NONE;
	case DRM_MODE_BLEND_COVERAGE:
		return OSPREY_BLEND_COVERAGE;
	default:
		return OSPREY_BLEND_PREMULTI;
	}
}

/* State ------------------------------------------------------------------- */

static void osprey_plane_destroy_state(struct drm_plane *plane,
				       struct drm_plane_state *state)
{
	struct osprey_plane_state *os = to_osprey_plane_state(state);

	/* cleanup_fb dropped it; only a state never cleaned up has one. */
	osprey_scanout_put(os->scanout);
	__drm_atomic_helper_plane_destroy_state(state);
	kfree(os);
}

static void osprey_plane_reset(struct drm_plane *plane)
{
	struct osprey_plane_state *os;

	if (plane->state) {
		osprey_plane_destroy_state(plane, plane->state);
		plane->state = NULL;
	}
	os = kzalloc(sizeof(*os), GFP_KERNEL);
	__drm_atomic_helper_plane_reset(plane, os ? &os->base : NULL);
}

static struct drm_plane_state *osprey_plane_duplicate_state(struct drm_plane *plane)
{
	struct osprey_plane_state *os;

	if (!plane->state)
		return NULL;
	os = kzalloc(sizeof(*os), GFP_KERNEL);
	if (!os)
		return NULL;
	__drm_atomic_helper_plane_duplicate_state(plane, &os->base);
	return &os->base;
}

static const struct drm_plane_funcs osprey_plane_funcs = {
	.update_plane = drm_atomic_helper_update_plane,
	.disable_plane = drm_atomic_helper_disable_plane,
	.destroy = drm_plane_cleanup,
	.reset = osprey_plane_reset,
	.atomic_duplicate_state = osprey_plane_duplicate_state,
	.atomic_destroy_state = osprey_plane_destroy_state,
};

/* Helpers ----------------------------------------------------------------- */

static int osprey_plane_prepare_fb(struct drm_plane *plane,
				   struct drm_plane_state *new)
{
	struct osprey_plane_state *os = to_osprey_plane_state(new);
	struct drm_plane_state *old;
	struct osprey_scanout *s;
	int ret;

	if (!new->fb)
		return 0;

	/* Wait for rendering to the buffer before the flip. */
	ret = drm_gem_plane_helper_prepare_fb(plane, new);
	if (ret)
		return ret;

	/* The current state's framebuffer stays: so does its mapping. */
	old = drm_atomic_get_old_plane_state(new->state, plane);
	if (old && old->fb == new->fb && to_osprey_plane_state(old)->scanout) {
		os->scanout = osprey_scanout_get(to_osprey_plane_state(old)->scanout);
		return 0;
	}

	s = osprey_scanout_create(to_osprey_plane(plane)->pipe,
				  drm_gem_fb_get_obj(new->fb, 0), false);
	if (IS_ERR(s))
		return PTR_ERR(s);
	os->scanout = s;
	return 0;
}

static void osprey_plane_cleanup_fb(struct drm_plane *plane,
				    struct drm_plane_state *state)
{
	struct osprey_plane_state *os = to_osprey_plane_state(state);

	osprey_scanout_put(os->scanout);
	os->scanout = NULL;
}

static int osprey_plane_atomic_check(struct drm_plane *plane,
				     struct drm_atomic_state *state)
{
	struct drm_plane_state *ps = drm_atomic_get_new_plane_state(state, plane);
	struct osprey_plane *op = to_osprey_plane(plane);
	struct drm_crtc_state *cs;
	int ret;

	if (!ps->crtc || !ps->fb) {
		ps->visible = false;
		return 0;
	}
	cs = drm_atomic_get_crtc_state(state, ps->crtc);
	if (IS_ERR(cs))
		return PTR_ERR(cs);

	/* An empty rectangle is a mistake, not a way to hide a plane. */
	if (!ps->crtc_w || !ps->crtc_h || !ps->src_w || !ps->src_h) {
		drm_dbg_atomic(plane->dev, "[PLANE:%d:%s] empty rectangle\n",
			       plane->base.id, plane->name);
		return -EINVAL;
	}

	ret = drm_atomic_helper_check_plane_state(ps, cs, DRM_PLANE_NO_SCALING,
						  DRM_PLANE_NO_SCALING,
						  op->hw_index != OSPREY_PLANE_PRIMARY,
						  true);
	if (ret)
		return ret;
	if (!ps->visible) {
		if (!cs->enable)
			return 0;
		/* Enabled on a running CRTC, it must show at least a pixel. */
		drm_dbg_atomic(plane->dev, "[PLANE:%d:%s] wholly outside the CRTC\n",
			       plane->base.id, plane->name);
		return -EINVAL;
	}

	/* Whole source pixels only: the hardware does not filter. */
	if ((ps->src.x1 | ps->src.y1 | ps->src.x2 | ps->src.y2) & 0xffff) {
		drm_dbg_atomic(plane->dev, "[PLANE:%d:%s] fractional source\n",
			       plane->base.id, plane->name);
		return -EINVAL;
	}
	if (op->hw_index == OSPREY_PLANE_CURSOR &&
	    (ps->crtc_w > OSPREY_CURSOR_MAX || ps->crtc_h > OSPREY_CURSOR_MAX)) {
		drm_dbg_atomic(plane->dev, "[PLANE:%d:%s] cursor larger than %ux%u\n",
			       plane->base.id, plane->name, OSPREY_CURSOR_MAX,
			       OSPREY_CURSOR_MAX);
		return -EINVAL;
	}
	return 0;
}

static void osprey_plane_atomic_update(struct drm_plane *plane,
				       struct drm_atomic_state *state)
{
	struct drm_plane_state *ps = drm_atomic_get_new_plane_state(state, plane);
	struct osprey_plane_state *os = to_osprey_plane_state(ps);
	struct osprey_plane *op = to_osprey_plane(plane);
	struct osprey_pipe *pipe = op->pipe;
	u32 reg = OSPREY_PIPE_PLANE(op->hw_index);
	struct drm_framebuffer *fb = ps->fb;
	u64 va;
	int idx;

	if (!drm_dev_enter(plane->dev, &idx))
		return;

	if (!ps->visible || !fb || !os->scanout) {
		osprey_pipe_write(pipe, reg + OSPREY_PLANE_CONTROL, 0);
		drm_dev_exit(idx);
		return;
	}

	va = os->scanout->node.start + fb->offsets[0] +
	     (u64)(ps->src.y1 >> 16) * fb->pitches[0] +
	     (u64)(ps->src.x1 >> 16) * fb->format->cpp[0];

	osprey_pipe_write(pipe, reg + OSPREY_PLANE_FORMAT,
			  osprey_plane_hw_format(fb->format->format));
	osprey_pipe_write(pipe, reg + OSPREY_PLANE_ADDR_LO, lower_32_bits(va));
	osprey_pipe_write(pipe, reg + OSPREY_PLANE_ADDR_HI, upper_32_bits(va));
	osprey_pipe_write(pipe, reg + OSPREY_PLANE_PITCH, fb->pitches[0]);
	osprey_pipe_write(pipe, reg + OSPREY_PLANE_SIZE,
			  drm_rect_width(&ps->dst) | (u32)drm_rect_height(&ps->dst) << 16);
	osprey_pipe_write(pipe, reg + OSPREY_PLANE_POS,
			  ps->dst.x1 | (u32)ps->dst.y1 << 16);
	osprey_pipe_write(pipe, reg + OSPREY_PLANE_ALPHA, ps->alpha >> 8);
	osprey_pipe_write(pipe, reg + OSPREY_PLANE_BLEND,
			  osprey_plane_hw_blend(ps->pixel_blend_mode));
	osprey_pipe_write(pipe, reg + OSPREY_PLANE_ZPOS, ps->normalized_zpos);
	osprey_pipe_write(pipe, reg + OSPREY_PLANE_CONTROL, OSPREY_PLANE_ENABLE);
	drm_dev_exit(idx);
}

static void osprey_plane_atomic_disable(struct drm_plane *plane,
					struct drm_atomic_state *state)
{
	struct osprey_plane *op = to_osprey_plane(plane);
	int idx;

	if (!drm_dev_enter(plane->dev, &idx))
		return;
	osprey_pipe_write(op->pipe, OSPREY_PIPE_PLANE(op->hw_index) + OSPREY_PLANE_CONTROL, 0);
	drm_dev_exit(idx);
}

static const struct drm_plane_helper_funcs osprey_plane_helper_funcs = {
	.prepare_fb = osprey_plane_prepare_fb,
	.cleanup_fb = osprey_plane_cleanup_fb,
	.atomic_check = osprey_plane_atomic_check,
	.atomic_update = osprey_plane_atomic_update,
	.atomic_disable = osprey_plane_atomic_disable,
};

/* Init -------------------------------------------------------------------- */

static int osprey_plane_init(struct osprey_pipe *pipe, unsigned int hw_index)
{
	static const char * const names[OSPREY_NUM_PLANES] = {
		[OSPREY_PLANE_PRIMARY] = "primary",
		[OSPREY_PLANE_OVERLAY] = "overlay",
		[OSPREY_PLANE_CURSOR] = "cursor",
	};
	static const enum drm_plane_type types[OSPREY_NUM_PLANES] = {
		[OSPREY_PLANE_PRIMARY] = DRM_PLANE_TYPE_PRIMARY,
		[OSPREY_PLANE_OVERLAY] = DRM_PLANE_TYPE_OVERLAY,
		[OSPREY_PLANE_CURSOR] = DRM_PLANE_TYPE_CURSOR,
	};
	struct osprey_plane *op = &pipe->planes[hw_index];
	struct drm_plane *plane = &op->base;
	bool cursor = hw_index == OSPREY_PLANE_CURSOR;
	int ret;

	op->pipe = pipe;
	op->hw_index = hw_index;

	/* CRTC n is pipe n: the CRTCs are created in pipe order. */
	ret = drm_universal_plane_init(&pipe->odev->drm, plane, BIT(pipe->index),
				       &osprey_plane_funcs,
				       cursor ? osprey_cursor_formats : osprey_plane_formats,
				       cursor ? ARRAY_SIZE(osprey_cursor_formats) :
						ARRAY_SIZE(osprey_plane_formats),
				       osprey_plane_modifiers, types[hw_index],
				       "pipe-%u-%s", pipe->index, names[hw_index]);
	if (ret)
		return ret;
	drm_plane_helper_add(plane, &osprey_plane_helper_funcs);

	ret = drm_plane_create_alpha_property(plane);
	if (ret)
		return ret;
	ret = drm_plane_create_blend_mode_property(plane,
						   BIT(DRM_MODE_BLEND_PIXEL_NONE) |
						   BIT(DRM_MODE_BLEND_PREMULTI) |
						   BIT(DRM_MODE_BLEND_COVERAGE));
	if (ret)
		return ret;
	return drm_plane_create_zpos_property(plane, hw_index, 0, OSPREY_NUM_PLANES - 1);
}

int osprey_planes_init(struct osprey_pipe *pipe)
{
	unsigned int n;
	int ret;

	for (n = 0; n < OSPREY_NUM_PLANES; n++) {
		ret = osprey_plane_init(pipe, n);
		if (ret)
			return ret;
	}
	return 0;
}
