// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey display: CRTCs, vblank and CRCs
 *
 * One CRTC per pipe. Its state reaches the hardware through the pipe's
 * pending registers:
 *
 * - atomic_enable writes the mode and PIPE_CONTROL.ENABLE and turns vblank
 *   on; atomic_flush (after the planes and the writeback unit have written
 *   theirs) writes PIPE_UPDATE. A running pipe latches at its next vblank,
 *   a stopped one at once, starting its timing;
 * - the flush's event is kept in &osprey_pipe.event and sent by the first
 *   vblank interrupt that reads PIPE_UPDATE as no longer pending, so it
 *   never goes out before the state it completes is latched;
 * - atomic_disable turns planes, writeback and timing off, waits until the
 *   latch stopped the pipe (at most a frame), then turns vblank off, ends
 *   the writeback job and unmaps the retired buffers.
 *
 * Vblank: the vblank interrupt is masked while the vblank core does not
 * need it. The counter is the hardware's FRAME_COUNT (32 bits, so
 * max_vblank_count is U32_MAX), and the timestamp is VBLANK_TS, the
 * TIMESTAMP clock at the vblank, turned into CLOCK_MONOTONIC with the offset
 * measured at probe.
 *
 * CRCs: source "auto" (the composed frame, the only one) sets CRC_CONTROL
 * and holds a vblank reference. A CRC interrupt gives CRC_VALUE and
 * CRC_FRAME, a hardware frame number, which is turned into the vblank
 * core's count for drm_crtc_add_crc_entry(); frames the hardware skipped
 * (it composes the newest frame when it falls behind) get the same CRC, so
 * that userspace sees one entry per frame. Every CRC also goes into a
 * history of the last %OSPREY_CRC_HISTORY, with its hardware frame, for
 * coredumps (osprey_display_crc_history()).
 */

#include <linux/iopoll.h>
#include <linux/math64.h>
#include <linux/string.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>
#include <drm/drm_vblank.h>

#include "osprey_drv.h"

/* Longest wait for a pipe to stop: its longest frame (1 s), and some. */
#define OSPREY_CRTC_STOP_TIMEOUT_US	1500000
/* Most frames one CRC fills in when the hardware skipped some. */
#define OSPREY_CRC_MAX_FILL		16

enum drm_mode_status osprey_display_mode_valid(const struct osprey_device *odev,
					       const struct drm_display_mode *mode)
{
	const struct osprey_display *disp = &odev->display;
	u64 period_ns;

	if (mode->flags & DRM_MODE_FLAG_INTERLACE)
		return MODE_NO_INTERLACE;
	if (mode->flags & DRM_MODE_FLAG_DBLSCAN)
		return MODE_NO_DBLESCAN;
	if (mode->hdisplay < 1 || mode->hdisplay > disp->max_width)
		return MODE_BAD_HVALUE;
	if (mode->vdisplay < 1 || mode->vdisplay > disp->max_height)
		return MODE_BAD_VVALUE;
	if (mode->htotal < mode->hdisplay || mode->htotal > U16_MAX)
		return MODE_H_ILLEGAL;
	if (mode->vtotal < mode->vdisplay || mode->vtotal > U16_MAX)
		return MODE_V_ILLEGAL;
	if (mode->clock <= 0)
		return MODE_CLOCK_LOW;

	/* The hardware runs frames of 1 ms to 1 s. */
	period_ns = div_u64((u64)mode->htotal * mode->vtotal * 1000000, mode->clock);
	if (period_ns < NSEC_PER_MSEC)
		return MODE_CLOCK_HIGH;
	if (period_ns > NSEC_PER_SEC)
		return MODE_CLOCK_LOW;
	return MODE_OK;
}

/* Send an event now, with the current count and time. */
static void osprey_crtc_send_event(struct drm_crtc *crtc,
				   struct drm_pending_vblank_event *event)
{
	unsigned long flags;

	spin_lock_irqsave(&crtc->dev->event_lock, flags);
	drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irqrestore(&crtc->dev->event_lock, flags);
}

/* The event a flush left, if any; it holds a vblank reference. */
static struct drm_pending_vblank_event *osprey_crtc_take_event(struct osprey_pipe *pipe)
{
	struct drm_pending_vblank_event *event;
	unsigned long flags;

	spin_lock_irqsave(&pipe->lock, flags);
	event = pipe->event;
	pipe->event = NULL;
	spin_unlock_irqrestore(&pipe->lock, flags);
	return event;
}

/* Interrupts -------------------------------------------------------------- */

void osprey_crtc_vblank_irq(struct osprey_pipe *pipe)
{
	struct drm_crtc *crtc = &pipe->crtc;
	struct drm_pending_vblank_event *event = NULL;
	struct osprey_scanout *oldest;
	bool retire = false;

	drm_crtc_handle_vblank(crtc);

	spin_lock(&pipe->lock);
	/* The latch happens before the interrupt: no longer pending, latched. */
	if (pipe->event &&
	    !(osprey_pipe_read(pipe, OSPREY_PIPE_UPDATE) & 1)) {
		event = pipe->event;
		pipe->event = NULL;
	}
	oldest = list_first_entry_or_null(&pipe->retire, struct osprey_scanout,
					  retire_link);
	if (oldest && (s32)(osprey_pipe_read(pipe, OSPREY_PIPE_FRAME_COUNT) -
			    oldest->retire_frame) >= 0)
		retire = true;
	spin_unlock(&pipe->lock);

	if (event) {
		osprey_crtc_send_event(crtc, event);
		drm_crtc_vblank_put(crtc);
	}
	if (retire)
		queue_work(system_wq, &pipe->retire_work);
}

void osprey_crtc_crc_irq(struct osprey_pipe *pipe)
{
	struct drm_crtc *crtc = &pipe->crtc;
	struct osprey_crc_record *rec;
	u32 crc, hw_frame, hw_now, hw_again;
	unsigned int tries = 3;
	u64 frame, first;
	bool enabled;

	/* VALUE first: reading it latches FRAME. */
	crc = osprey_pipe_read(pipe, OSPREY_PIPE_CRC_VALUE);
	hw_frame = osprey_pipe_read(pipe, OSPREY_PIPE_CRC_FRAME);

	spin_lock(&pipe->lock);
	rec = &pipe->crc_history[pipe->crc_count % OSPREY_CRC_HISTORY];
	rec->crc = crc;
	rec->frame = hw_frame;
	pipe->crc_count++;
	enabled = pipe->crc_enabled;
	spin_unlock(&pipe->lock);
	if (!enabled)
		return;

	/* The vblank count of the hardware frame, read without a vblank between. */
	do {
		hw_now = osprey_pipe_read(pipe, OSPREY_PIPE_FRAME_COUNT);
		frame = drm_crtc_accurate_vblank_count(crtc);
		hw_again = osprey_pipe_read(pipe, OSPREY_PIPE_FRAME_COUNT);
	} while (hw_now != hw_again && --tries);
	frame -= (u32)(hw_now - hw_frame);

	spin_lock(&pipe->lock);
	if (pipe->crc_have_last && frame <= pipe->crc_last_frame) {
		/* Not newer than the last entry: nothing to add. */
		spin_unlock(&pipe->lock);
		return;
	}
	first = frame;
	if (pipe->crc_have_last && frame - pipe->crc_last_frame <= OSPREY_CRC_MAX_FILL)
		first = pipe->crc_last_frame + 1;
	pipe->crc_have_last = true;
	pipe->crc_last_frame = frame;
	spin_unlock(&pipe->lock);

	/* Frames skipped by the hardware were not composed: same picture. */
	for (; first <= frame; first++)
		drm_crtc_add_crc_entry(crtc, true, (u32)first, &crc);
}

/* CRTC functions ---------------------------------------------------------- */

static int osprey_crtc_enable_vblank(struct drm_crtc *crtc)
{
	struct osprey_pipe *pipe = to_osprey_pipe(crtc);

	osprey_display_irq_enable(pipe->odev, OSPREY_IRQ_VBLANK(pipe->index), true);
	return 0;
}

static void osprey_crtc_disable_vblank(struct drm_crtc *crtc)
{
	struct osprey_pipe *pipe = to_osprey_pipe(crtc);

	osprey_display_irq_enable(pipe->odev, OSPREY_IRQ_VBLANK(pipe->index), false);
}

static u32 osprey_crtc_get_vblank_counter(struct drm_crtc *crtc)
{
	struct osprey_pipe *pipe = to_osprey_pipe(crtc);
	int idx;

	if (drm_dev_enter(crtc->dev, &idx)) {
		WRITE_ONCE(pipe->last_frame,
			   osprey_pipe_read(pipe, OSPREY_PIPE_FRAME_COUNT));
		drm_dev_exit(idx);
	}
	return READ_ONCE(pipe->last_frame);
}

static bool osprey_crtc_get_vblank_timestamp(struct drm_crtc *crtc, int *max_error,
					     ktime_t *vblank_time, bool in_vblank_irq)
{
	struct osprey_pipe *pipe = to_osprey_pipe(crtc);
	const struct osprey_display *disp = &pipe->odev->display;
	u64 ts;
	int idx;

	if (!disp->ts_valid || !drm_dev_enter(crtc->dev, &idx))
		return false;
	/* LO latches HI: one vblank's time even if another comes between. */
	ts = osprey_pipe_read(pipe, OSPREY_PIPE_VBLANK_TS_LO);
	ts |= (u64)osprey_pipe_read(pipe, OSPREY_PIPE_VBLANK_TS_HI) << 32;
	drm_dev_exit(idx);

	*vblank_time = ns_to_ktime((s64)ts + disp->ts_offset_ns);
	return true;
}

static const char * const osprey_crc_sources[] = { "auto" };

static const char * const *
osprey_crtc_get_crc_sources(struct drm_crtc *crtc, size_t *count)
{
	*count = ARRAY_SIZE(osprey_crc_sources);
	return osprey_crc_sources;
}

static int osprey_crtc_verify_crc_source(struct drm_crtc *crtc, const char *source,
					 size_t *values_cnt)
{
	if (source && strcmp(source, "auto"))
		return -EINVAL;
	*values_cnt = 1;
	return 0;
}

static int osprey_crtc_set_crc_source(struct drm_crtc *crtc, const char *source)
{
	struct osprey_pipe *pipe = to_osprey_pipe(crtc);
	bool enable = !!source;
	int idx;

	if (source && strcmp(source, "auto"))
		return -EINVAL;

	/* CRCs come with vblanks: keep them on (vkms does the same). */
	if (enable && !pipe->crc_vblank)
		pipe->crc_vblank = !drm_crtc_vblank_get(crtc);

	spin_lock_irq(&pipe->lock);
	pipe->crc_enabled = enable;
	pipe->crc_have_last = false;
	spin_unlock_irq(&pipe->lock);

	if (drm_dev_enter(crtc->dev, &idx)) {
		osprey_pipe_write(pipe, OSPREY_PIPE_CRC_CONTROL, enable);
		drm_dev_exit(idx);
	}

	if (!enable && pipe->crc_vblank) {
		pipe->crc_vblank = false;
		drm_crtc_vblank_put(crtc);
	}
	return 0;
}

static const struct drm_crtc_funcs osprey_crtc_funcs = {
	.reset = drm_atomic_helper_crtc_reset,
	.destroy = drm_crtc_cleanup,
	.set_config = drm_atomic_helper_set_config,
	.page_flip = drm_atomic_helper_page_flip,
	.atomic_duplicate_state = drm_atomic_helper_crtc_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_crtc_destroy_state,
	.enable_vblank = osprey_crtc_enable_vblank,
	.disable_vblank = osprey_crtc_disable_vblank,
	.get_vblank_counter = osprey_crtc_get_vblank_counter,
	.get_vblank_timestamp = osprey_crtc_get_vblank_timestamp,
	.get_crc_sources = osprey_crtc_get_crc_sources,
	.verify_crc_source = osprey_crtc_verify_crc_source,
	.set_crc_source = osprey_crtc_set_crc_source,
};

/* CRTC helpers ------------------------------------------------------------ */

static enum drm_mode_status osprey_crtc_mode_valid(struct drm_crtc *crtc,
						   const struct drm_display_mode *mode)
{
	return osprey_display_mode_valid(to_osprey_device(crtc->dev), mode);
}

static int osprey_crtc_atomic_check(struct drm_crtc *crtc,
				    struct drm_atomic_state *state)
{
	struct drm_crtc_state *cs = drm_atomic_get_new_crtc_state(state, crtc);

	/* The helpers check the modes they are given to change; check all. */
	if (cs->enable &&
	    osprey_display_mode_valid(to_osprey_device(crtc->dev), &cs->adjusted_mode) != MODE_OK)
		return -EINVAL;
	return 0;
}

static void osprey_crtc_atomic_enable(struct drm_crtc *crtc,
				      struct drm_atomic_state *state)
{
	const struct drm_display_mode *mode =
		&drm_atomic_get_new_crtc_state(state, crtc)->adjusted_mode;
	struct osprey_pipe *pipe = to_osprey_pipe(crtc);
	int idx;

	if (drm_dev_enter(crtc->dev, &idx)) {
		/* Pending until the flush: it latches with the planes. */
		osprey_pipe_write(pipe, OSPREY_PIPE_MODE_SIZE,
				  mode->hdisplay | (u32)mode->vdisplay << 16);
		osprey_pipe_write(pipe, OSPREY_PIPE_MODE_TOTAL,
				  mode->htotal | (u32)mode->vtotal << 16);
		osprey_pipe_write(pipe, OSPREY_PIPE_MODE_CLOCK, mode->clock);
		osprey_pipe_write(pipe, OSPREY_PIPE_BG_COLOR, 0);
		osprey_pipe_write(pipe, OSPREY_PIPE_CONTROL, OSPREY_PIPE_ENABLE);
		drm_dev_exit(idx);
	}
	osprey_pipe_set_scanning(pipe, true);
	drm_crtc_vblank_on(crtc);
}

static void osprey_crtc_atomic_disable(struct drm_crtc *crtc,
				       struct drm_atomic_state *state)
{
	struct drm_crtc_state *cs = drm_atomic_get_new_crtc_state(state, crtc);
	struct osprey_pipe *pipe = to_osprey_pipe(crtc);
	struct drm_pending_vblank_event *event;
	unsigned int n;
	int idx;
	u32 val;

	if (drm_dev_enter(crtc->dev, &idx)) {
		for (n = 0; n < OSPREY_NUM_PLANES; n++)
			osprey_pipe_write(pipe, OSPREY_PIPE_PLANE(n) + OSPREY_PLANE_CONTROL, 0);
		osprey_pipe_write(pipe, OSPREY_PIPE_WB_CONTROL, 0);
		osprey_pipe_write(pipe, OSPREY_PIPE_CONTROL, 0);
		osprey_pipe_write(pipe, OSPREY_PIPE_UPDATE, 1);
		/* Latched at the next vblank, which stops the timing. */
		if (read_poll_timeout(osprey_pipe_read, val,
				      !(val & OSPREY_PIPE_ACTIVE), 1000,
				      OSPREY_CRTC_STOP_TIMEOUT_US, false, pipe,
				      OSPREY_PIPE_STATUS))
			drm_warn(crtc->dev, "pipe %u did not stop\n", pipe->index);
		drm_dev_exit(idx);
	}

	drm_crtc_vblank_off(crtc);

	/* A flush whose latch this disable overtook, and this commit's event. */
	event = osprey_crtc_take_event(pipe);
	if (event) {
		osprey_crtc_send_event(crtc, event);
		drm_crtc_vblank_put(crtc);
	}
	if (cs->event && !cs->active) {
		osprey_crtc_send_event(crtc, cs->event);
		cs->event = NULL;
	}

	osprey_writeback_cancel(pipe);
	osprey_pipe_set_scanning(pipe, false);
}

static void osprey_crtc_atomic_flush(struct drm_crtc *crtc,
				     struct drm_atomic_state *state)
{
	struct drm_crtc_state *cs = drm_atomic_get_new_crtc_state(state, crtc);
	struct drm_pending_vblank_event *event = cs->event, *stale;
	struct osprey_pipe *pipe = to_osprey_pipe(crtc);
	unsigned long flags;
	int idx;

	cs->event = NULL;
	/* The vblank reference is the event's until it is sent. */
	if (event && drm_crtc_vblank_get(crtc)) {
		osprey_crtc_send_event(crtc, event);
		event = NULL;
	}

	if (!drm_dev_enter(crtc->dev, &idx)) {
		/* Nothing will latch: the flip is done as far as anyone sees. */
		if (event) {
			osprey_crtc_send_event(crtc, event);
			drm_crtc_vblank_put(crtc);
		}
		return;
	}

	spin_lock_irqsave(&pipe->lock, flags);
	stale = pipe->event;
	pipe->event = event;
	osprey_pipe_write(pipe, OSPREY_PIPE_UPDATE, 1);
	spin_unlock_irqrestore(&pipe->lock, flags);
	drm_dev_exit(idx);

	/* The helpers wait for a flip before the next: never, but be safe. */
	if (stale) {
		osprey_crtc_send_event(crtc, stale);
		drm_crtc_vblank_put(crtc);
	}
}

static const struct drm_crtc_helper_funcs osprey_crtc_helper_funcs = {
	.mode_valid = osprey_crtc_mode_valid,
	.atomic_check = osprey_crtc_atomic_check,
	.atomic_flush = osprey_crtc_atomic_flush,
	.atomic_enable = osprey_crtc_atomic_enable,
	.atomic_disable = osprey_crtc_atomic_disable,
};

int osprey_crtc_init(struct osprey_pipe *pipe)
{
	struct drm_crtc *crtc = &pipe->crtc;
	int ret;

	ret = drm_crtc_init_with_planes(&pipe->odev->drm, crtc,
					&pipe->planes[OSPREY_PLANE_PRIMARY].base,
					&pipe->planes[OSPREY_PLANE_CURSOR].base,
					&osprey_crtc_funcs, "pipe-%u", pipe->index);
	if (ret)
		return ret;
	drm_crtc_helper_add(crtc, &osprey_crtc_helper_funcs);
	return 0;
}
