// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey display: connectors, encoders and writeback
 *
 * Each pipe drives one monitor: a connector with a virtual encoder. It is
 * connected while CONN_STATUS says so; its modes come from the EDID the
 * monitor presents through the EDID registers (read with
 * drm_edid_read_custom(), so that EDID overrides work as for DDC), less
 * those the pipes cannot run. A HOTPLUG interrupt makes osprey_kms.c probe
 * the connectors again (&DRM_CONNECTOR_POLL_HPD).
 *
 * Each pipe also has a writeback connector: the pipe's composed frame,
 * XRGB8888, into a framebuffer of exactly the mode's size whose pitch and
 * offset are multiples of 4 (WB_ADDR and WB_PITCH have no lower bits). Its
 * encoder and the monitor's are clones, so both can be on the CRTC at
 * once. A job is mapped (writable) in the display address space when
 * prepared; the commit tail programs WB_ADDR, WB_PITCH and WB_CONTROL.ARM
 * before the CRTC's flush, so the arming latches with the rest of the
 * commit, and queues the job. WB_DONE signals it, with -EIO if the write
 * faulted or was lost (the pipe stopped first). The hardware takes one job
 * at a time: a commit waits for the previous job before it arms the next,
 * and a job that a pipe's disable leaves behind ends with -ETIMEDOUT.
 */

#include <linux/unaligned.h>
#include <linux/wait.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_edid.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>

#include "osprey_drv.h"

/* Longest wait for a writeback: the longest frame (1 s), twice, and some. */
#define OSPREY_WB_TIMEOUT_MS		2500
/* What a stopped pipe's last frame may still take to be written. */
#define OSPREY_WB_DRAIN_MS		100

static struct osprey_pipe *osprey_connector_pipe(struct drm_connector *connector)
{
	return container_of(connector, struct osprey_pipe, connector);
}

static struct osprey_pipe *osprey_wb_pipe(struct drm_connector *connector)
{
	return container_of(drm_connector_to_writeback(connector), struct osprey_pipe, wb);
}

/* The monitor ------------------------------------------------------------- */

static int osprey_edid_read_block(void *context, u8 *buf, unsigned int block,
				  size_t len)
{
	struct osprey_pipe *pipe = context;
	u32 size = osprey_pipe_read(pipe, OSPREY_PIPE_EDID_SIZE);
	size_t start = (size_t)block * EDID_LENGTH;
	size_t i;

	if (size > OSPREY_EDID_MAX || start + len > size || len % 4)
		return -EIO;
	for (i = 0; i < len; i += 4)
		put_unaligned_le32(osprey_pipe_read(pipe, OSPREY_PIPE_EDID((start + i) / 4)),
				   buf + i);
	return 0;
}

static enum drm_connector_status
osprey_connector_detect(struct drm_connector *connector, bool force)
{
	struct osprey_pipe *pipe = osprey_connector_pipe(connector);
	enum drm_connector_status status = connector_status_disconnected;
	int idx;

	if (drm_dev_enter(connector->dev, &idx)) {
		if (osprey_pipe_read(pipe, OSPREY_PIPE_CONN_STATUS) & 1)
			status = connector_status_connected;
		drm_dev_exit(idx);
	}
	return status;
}

static int osprey_connector_get_modes(struct drm_connector *connector)
{
	struct osprey_pipe *pipe = osprey_connector_pipe(connector);
	const struct drm_edid *edid = NULL;
	int count, idx;

	if (drm_dev_enter(connector->dev, &idx)) {
		if (osprey_pipe_read(pipe, OSPREY_PIPE_CONN_STATUS) & 1)
			edid = drm_edid_read_custom(connector, osprey_edid_read_block, pipe);
		drm_dev_exit(idx);
	}
	/* No EDID clears the connector's; the probe helper adds fallbacks. */
	drm_edid_connector_update(connector, edid);
	count = drm_edid_connector_add_modes(connector);
	drm_edid_free(edid);
	return count;
}

static enum drm_mode_status osprey_connector_mode_valid(struct drm_connector *connector,
							struct drm_display_mode *mode)
{
	return osprey_display_mode_valid(to_osprey_device(connector->dev), mode);
}

static const struct drm_connector_funcs osprey_connector_funcs = {
	.detect = osprey_connector_detect,
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

static const struct drm_connector_helper_funcs osprey_connector_helper_funcs = {
	.get_modes = osprey_connector_get_modes,
	.mode_valid = osprey_connector_mode_valid,
};

static const struct drm_encoder_funcs osprey_encoder_funcs = {
	.destroy = drm_encoder_cleanup,
};

/* Writeback --------------------------------------------------------------- */

static const u32 osprey_wb_formats[] = {
	DRM_FORMAT_XRGB8888,
};

static bool osprey_wb_idle(struct osprey_pipe *pipe)
{
	bool idle;

	spin_lock_irq(&pipe->lock);
	idle = !pipe->wb_pending;
	spin_unlock_irq(&pipe->lock);
	return idle;
}

/* Signal every queued job with @status. */
static void osprey_wb_end_all(struct osprey_pipe *pipe, int status)
{
	unsigned int n;

	spin_lock_irq(&pipe->lock);
	n = pipe->wb_pending;
	pipe->wb_pending = 0;
	spin_unlock_irq(&pipe->lock);

	while (n--)
		drm_writeback_signal_completion(&pipe->wb, status);
	wake_up_all(&pipe->wb_wait);
}

void osprey_writeback_irq(struct osprey_pipe *pipe)
{
	u32 status = osprey_pipe_read(pipe, OSPREY_PIPE_WB_STATUS);
	bool signal = false;

	spin_lock(&pipe->lock);
	if (pipe->wb_pending) {
		pipe->wb_pending--;
		signal = true;
	}
	spin_unlock(&pipe->lock);

	/* The oldest job: the hardware does them in order. */
	if (signal)
		drm_writeback_signal_completion(&pipe->wb, status ? -EIO : 0);
	wake_up_all(&pipe->wb_wait);
}

void osprey_writeback_cancel(struct osprey_pipe *pipe)
{
	int idx;

	if (drm_dev_enter(&pipe->odev->drm, &idx)) {
		wait_event_timeout(pipe->wb_wait, osprey_wb_idle(pipe),
				   msecs_to_jiffies(OSPREY_WB_DRAIN_MS));
		drm_dev_exit(idx);
	}
	osprey_wb_end_all(pipe, -ETIMEDOUT);
}

static int osprey_wb_get_modes(struct drm_connector *connector)
{
	const struct drm_device *drm = connector->dev;

	return drm_add_modes_noedid(connector, drm->mode_config.max_width,
				    drm->mode_config.max_height);
}

static int osprey_wb_atomic_check(struct drm_connector *connector,
				  struct drm_atomic_state *state)
{
	struct drm_connector_state *cs = drm_atomic_get_new_connector_state(state, connector);
	struct drm_writeback_job *job = cs->writeback_job;
	const struct drm_display_mode *mode;
	struct drm_crtc_state *crtc_state;
	struct drm_framebuffer *fb;

	if (!job || !job->fb || !cs->crtc)
		return 0;
	crtc_state = drm_atomic_get_new_crtc_state(state, cs->crtc);
	if (!crtc_state)
		return -EINVAL;

	fb = job->fb;
	mode = &crtc_state->mode;
	if (fb->width != mode->hdisplay || fb->height != mode->vdisplay) {
		drm_dbg_atomic(connector->dev, "[CONNECTOR:%d:%s] writeback %ux%u, mode %ux%u\n",
			       connector->base.id, connector->name, fb->width, fb->height,
			       mode->hdisplay, mode->vdisplay);
		return -EINVAL;
	}
	if (fb->pitches[0] % 4 || fb->offsets[0] % 4)
		return -EINVAL;
	return drm_atomic_helper_check_wb_connector_state(connector, state);
}

static int osprey_wb_prepare_job(struct drm_writeback_connector *wb,
				 struct drm_writeback_job *job)
{
	struct osprey_scanout *s;

	if (!job->fb)
		return 0;
	s = osprey_scanout_create(osprey_wb_pipe(&wb->base),
				  drm_gem_fb_get_obj(job->fb, 0), true);
	if (IS_ERR(s))
		return PTR_ERR(s);
	job->priv = s;
	return 0;
}

static void osprey_wb_cleanup_job(struct drm_writeback_connector *wb,
				  struct drm_writeback_job *job)
{
	osprey_scanout_put(job->priv);
	job->priv = NULL;
}

static void osprey_wb_atomic_commit(struct drm_connector *connector,
				    struct drm_atomic_state *state)
{
	struct drm_connector_state *cs = drm_atomic_get_new_connector_state(state, connector);
	struct osprey_pipe *pipe = osprey_wb_pipe(connector);
	struct drm_framebuffer *fb = cs->writeback_job->fb;
	struct osprey_scanout *s = cs->writeback_job->priv;
	u64 va = s->node.start + fb->offsets[0];
	int idx;

	/* One job at a time: a second ARM would be lost in the first. */
	if (!wait_event_timeout(pipe->wb_wait, osprey_wb_idle(pipe),
				msecs_to_jiffies(OSPREY_WB_TIMEOUT_MS))) {
		drm_dbg_kms(connector->dev, "pipe %u: writeback timed out\n", pipe->index);
		osprey_wb_end_all(pipe, -ETIMEDOUT);
	}

	spin_lock_irq(&pipe->lock);
	pipe->wb_pending++;
	drm_writeback_queue_job(&pipe->wb, cs);
	spin_unlock_irq(&pipe->lock);

	if (!drm_dev_enter(connector->dev, &idx)) {
		osprey_wb_end_all(pipe, -ENODEV);
		return;
	}
	/* Pending until the CRTC's flush. */
	osprey_pipe_write(pipe, OSPREY_PIPE_WB_ADDR_LO, lower_32_bits(va));
	osprey_pipe_write(pipe, OSPREY_PIPE_WB_ADDR_HI, upper_32_bits(va));
	osprey_pipe_write(pipe, OSPREY_PIPE_WB_PITCH, fb->pitches[0]);
	osprey_pipe_write(pipe, OSPREY_PIPE_WB_CONTROL, OSPREY_WB_ARM);
	drm_dev_exit(idx);
}

static const struct drm_connector_funcs osprey_wb_connector_funcs = {
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

static const struct drm_connector_helper_funcs osprey_wb_helper_funcs = {
	.get_modes = osprey_wb_get_modes,
	.atomic_check = osprey_wb_atomic_check,
	.prepare_writeback_job = osprey_wb_prepare_job,
	.cleanup_writeback_job = osprey_wb_cleanup_job,
	.atomic_commit = osprey_wb_atomic_commit,
};

/* Init -------------------------------------------------------------------- */

int osprey_connector_init(struct osprey_pipe *pipe)
{
	struct drm_device *drm = &pipe->odev->drm;
	struct drm_connector *connector = &pipe->connector;
	struct drm_encoder *encoder = &pipe->encoder;
	u32 clones;
	int ret;

	ret = drm_encoder_init(drm, encoder, &osprey_encoder_funcs,
			       DRM_MODE_ENCODER_TMDS, "pipe-%u", pipe->index);
	if (ret)
		return ret;
	encoder->possible_crtcs = drm_crtc_mask(&pipe->crtc);

	ret = drm_connector_init(drm, connector, &osprey_connector_funcs,
				 DRM_MODE_CONNECTOR_DVID);
	if (ret)
		return ret;
	drm_connector_helper_add(connector, &osprey_connector_helper_funcs);
	connector->polled = DRM_CONNECTOR_POLL_HPD;
	ret = drm_connector_attach_encoder(connector, encoder);
	if (ret)
		return ret;

	ret = drm_writeback_connector_init(drm, &pipe->wb, &osprey_wb_connector_funcs,
					   NULL, osprey_wb_formats,
					   ARRAY_SIZE(osprey_wb_formats),
					   drm_crtc_mask(&pipe->crtc));
	if (ret)
		return ret;
	drm_connector_helper_add(&pipe->wb.base, &osprey_wb_helper_funcs);

	/* Monitor and writeback may share the CRTC. */
	clones = drm_encoder_mask(encoder) | drm_encoder_mask(&pipe->wb.encoder);
	encoder->possible_clones = clones;
	pipe->wb.encoder.possible_clones = clones;
	return 0;
}
