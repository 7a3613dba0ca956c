// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey display: mode configuration and display address space
 *
 * The display controller (FEATURES.DISPLAY) is driven through atomic KMS.
 * Pipe p is CRTC p with three planes (osprey_plane.c), a connector for its
 * monitor and a writeback connector (osprey_connector.c); the CRTC, its
 * vblank and CRC are in osprey_crtc.c. This file holds what they share:
 *
 * - the mode configuration: limits from DISP_MAX_WIDTH/HEIGHT, framebuffers
 *   on Osprey buffers (drm_gem_fb_create(), no dirty callback: the pipes
 *   read memory every frame), the commit tail;
 * - the display address space, a kernel-owned VM (osprey_vm.c) whose page
 *   tables DISP_PGTABLE points to, with a &struct drm_mm choosing the VAs.
 *   Framebuffers are mapped by the planes' prepare_fb and writeback jobs'
 *   prepare as &struct osprey_scanout, and retired once the pipe no longer
 *   reads them;
 * - the display's interrupts: the handler in osprey_drv.c passes the
 *   display bits here, and this file dispatches them per pipe; vblank
 *   interrupts are enabled only while the vblank core wants them;
 * - hotplug: the HOTPLUG interrupt schedules a probe of the connectors,
 *   which sends the uevents and lets the fbdev client follow;
 * - underruns: counted, and a coredump asked for at most once a second per
 *   pipe, from a work item;
 * - the start of fbdev emulation (osprey_fbdev.c makes its framebuffer),
 *   and the ``display`` debugfs file.
 *
 * The commit tail programs the disables, then the enables (CRTC timing and
 * writeback, into the pending registers), then the planes; the CRTC's
 * flush writes PIPE_UPDATE once for everything, so that all of a commit's
 * state latches at the same vblank (at once on a pipe that is not
 * running). It then waits for the flip to be done: the event goes out from
 * the first vblank interrupt that finds PIPE_UPDATE no longer pending.
 */

#include <linux/iopoll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_client_setup.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_mode_config.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_vblank.h>

#include "osprey_drv.h"

/* Frames a retired mapping waits: the latch of the new state, then one frame. */
#define OSPREY_RETIRE_FRAMES		2
/* Longest wait for a pipe to stop: its longest frame (1 s), and some. */
#define OSPREY_PIPE_STOP_TIMEOUT_US	1500000
/* TIMESTAMP samples at probe; the one read fastest gives the offset. */
#define OSPREY_TS_SAMPLES		8

/* Mode configuration ---------------------------------------------------- */

static struct drm_framebuffer *
osprey_fb_create(struct drm_device *drm, struct drm_file *file,
		 const struct drm_mode_fb_cmd2 *cmd)
{
	const struct drm_format_info *info = drm_get_format_info(drm, cmd);

	/*
	 * The core checked the format against the planes, the size against
	 * the limits and each pitch against the width; drm_gem_fb_create()
	 * checks that the buffers hold the framebuffer. The planes read
	 * pixels at any alignment; the writeback unit's own rule is checked
	 * with the writeback job.
	 */
	if (!info || info->num_planes != 1)
		return ERR_PTR(-EINVAL);
	return drm_gem_fb_create(drm, file, cmd);
}

static void osprey_atomic_commit_tail(struct drm_atomic_state *state)
{
	struct drm_device *drm = state->dev;

	drm_atomic_helper_commit_modeset_disables(drm, state);
	/* Enables and writeback first: the planes' flush latches them all. */
	drm_atomic_helper_commit_modeset_enables(drm, state);
	drm_atomic_helper_commit_planes(drm, state, DRM_PLANE_COMMIT_ACTIVE_ONLY);
	drm_atomic_helper_fake_vblank(state);
	drm_atomic_helper_commit_hw_done(state);
	drm_atomic_helper_wait_for_flip_done(drm, state);
	drm_atomic_helper_cleanup_planes(drm, state);
}

static const struct drm_mode_config_funcs osprey_mode_config_funcs = {
	.fb_create = osprey_fb_create,
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

static const struct drm_mode_config_helper_funcs osprey_mode_config_helpers = {
	.atomic_commit_tail = osprey_atomic_commit_tail,
};

/* Interrupts ------------------------------------------------------------- */

void osprey_display_irq_enable(struct osprey_device *odev, u32 bits, bool enable)
{
	struct osprey_display *disp = &odev->display;
	unsigned long flags;
	u32 mask;

	/*
	 * No drm_dev_enter(): the vblank core calls this from any context,
	 * also while a commit after the unplug turns vblank off. @irq_dead,
	 * set by remove while the registers are still there, is the guard.
	 */
	spin_lock_irqsave(&disp->irq_lock, flags);
	if (!disp->irq_dead) {
		mask = osprey_read(odev, OSPREY_REG_IRQ_MASK);
		if (enable) {
			/* Forget an event latched while it was masked. */
			osprey_write(odev, OSPREY_REG_IRQ_CLEAR, bits);
			mask |= bits;
		} else {
			mask &= ~bits;
		}
		osprey_write(odev, OSPREY_REG_IRQ_MASK, mask);
	}
	spin_unlock_irqrestore(&disp->irq_lock, flags);
}

static void osprey_display_underrun_irq(struct osprey_pipe *pipe)
{
	bool capture = false;

	atomic_inc(&pipe->underrun_irqs);

	spin_lock(&pipe->lock);
	pipe->underrun_addr = osprey_pipe_read(pipe, OSPREY_PIPE_UNDERRUN_ADDR_LO) |
		(u64)osprey_pipe_read(pipe, OSPREY_PIPE_UNDERRUN_ADDR_HI) << 32;
	pipe->underrun_plane = osprey_pipe_read(pipe, OSPREY_PIPE_UNDERRUN_PLANE);
	if (!pipe->underrun_seen || time_after_eq(jiffies, pipe->underrun_last + HZ)) {
		pipe->underrun_seen = true;
		pipe->underrun_last = jiffies;
		pipe->underrun_captures++;
		capture = true;
	}
	spin_unlock(&pipe->lock);

	if (capture)
		queue_work(system_wq, &pipe->underrun_work);
}

void osprey_display_irq(struct osprey_device *odev, u32 status)
{
	struct osprey_display *disp = &odev->display;
	unsigned int p;

	for (p = 0; p < disp->num_pipes; p++) {
		struct osprey_pipe *pipe = &disp->pipes[p];

		/* The vblank first: a CRC names a frame it counted. */
		if (status & OSPREY_IRQ_VBLANK(p))
			osprey_crtc_vblank_irq(pipe);
		if (status & OSPREY_IRQ_CRC(p))
			osprey_crtc_crc_irq(pipe);
		if (status & OSPREY_IRQ_WB_DONE(p))
			osprey_writeback_irq(pipe);
		if (status & OSPREY_IRQ_UNDERRUN(p))
			osprey_display_underrun_irq(pipe);
	}

	if (status & OSPREY_IRQ_HOTPLUG) {
		atomic_inc(&disp->hotplugs);
		queue_work(system_wq, &disp->hotplug_work);
	}
}

static void osprey_display_hotplug_work(struct work_struct *work)
{
	struct osprey_display *disp = container_of(work, struct osprey_display,
						   hotplug_work);
	struct osprey_device *odev = container_of(disp, struct osprey_device, display);

	/* Detects every connector; uevents and the fbdev client follow. */
	drm_helper_hpd_irq_event(&odev->drm);
}

static void osprey_display_underrun_work(struct work_struct *work)
{
	struct osprey_pipe *pipe = container_of(work, struct osprey_pipe,
						underrun_work);

	osprey_coredump_display_underrun(pipe->odev, pipe->index);
}

unsigned int osprey_display_crc_history(struct osprey_device *odev,
					unsigned int pipe, u32 *crcs,
					u32 *frames, unsigned int max)
{
	struct osprey_pipe *p;
	unsigned long flags;
	unsigned int n, i;

	if (pipe >= odev->display.num_pipes)
		return 0;
	p = &odev->display.pipes[pipe];

	spin_lock_irqsave(&p->lock, flags);
	n = min3(max, p->crc_count, (u32)OSPREY_CRC_HISTORY);
	for (i = 0; i < n; i++) {
		const struct osprey_crc_record *r =
			&p->crc_history[(p->crc_count - 1 - i) % OSPREY_CRC_HISTORY];

		crcs[i] = r->crc;
		frames[i] = r->frame;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return n;
}

/* The display address space ---------------------------------------------- */

static void osprey_scanout_unmap(struct osprey_scanout *s)
{
	struct osprey_device *odev = s->pipe->odev;
	struct osprey_display *disp = &odev->display;
	int idx;

	osprey_vm_kernel_unmap(disp->vm, &s->node);
	if (drm_dev_enter(&odev->drm, &idx)) {
		osprey_write(odev, OSPREY_REG_DISP_MMU_INVALIDATE, 1);
		drm_dev_exit(idx);
	}
	atomic_dec(&disp->mappings);
	drm_gem_object_put(s->obj);
	kfree(s);
}

struct osprey_scanout *osprey_scanout_create(struct osprey_pipe *pipe,
					     struct drm_gem_object *obj,
					     bool writable)
{
	struct osprey_device *odev = pipe->odev;
	struct osprey_display *disp = &odev->display;
	struct osprey_scanout *s;
	int ret, idx;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	kref_init(&s->refcount);
	s->pipe = pipe;
	INIT_LIST_HEAD(&s->retire_link);

	ret = osprey_vm_kernel_map(disp->vm, &disp->va_mm, obj, writable, &s->node);
	if (ret) {
		kfree(s);
		/* A full address space is a lack of memory to userspace. */
		return ERR_PTR(ret == -ENOSPC ? -ENOMEM : ret);
	}
	drm_gem_object_get(obj);
	s->obj = obj;
	atomic_inc(&disp->mappings);

	if (drm_dev_enter(&odev->drm, &idx)) {
		/* New entries only: nothing cached to drop, but the spec asks. */
		osprey_write(odev, OSPREY_REG_DISP_MMU_INVALIDATE, 1);
		drm_dev_exit(idx);
	}
	return s;
}

struct osprey_scanout *osprey_scanout_get(struct osprey_scanout *s)
{
	kref_get(&s->refcount);
	return s;
}

static void osprey_scanout_release(struct kref *kref)
{
	struct osprey_scanout *s = container_of(kref, struct osprey_scanout, refcount);
	struct osprey_pipe *pipe = s->pipe;
	struct osprey_device *odev = pipe->odev;
	bool retire = false;
	unsigned long flags;
	int idx;

	/*
	 * A vblank reference keeps the interrupts that retire it coming; if
	 * there is none to have, vblank is off and so is the pipe.
	 */
	if (drm_crtc_vblank_get(&pipe->crtc)) {
		osprey_scanout_unmap(s);
		return;
	}
	if (drm_dev_enter(&odev->drm, &idx)) {
		spin_lock_irqsave(&pipe->lock, flags);
		retire = pipe->scanning;
		if (retire) {
			s->retire_frame = osprey_pipe_read(pipe, OSPREY_PIPE_FRAME_COUNT) +
					  OSPREY_RETIRE_FRAMES;
			list_add_tail(&s->retire_link, &pipe->retire);
		}
		spin_unlock_irqrestore(&pipe->lock, flags);
		drm_dev_exit(idx);
	}
	if (!retire) {
		/* Stopped, or nothing reads memory after remove. */
		drm_crtc_vblank_put(&pipe->crtc);
		osprey_scanout_unmap(s);
	}
}

void osprey_scanout_put(struct osprey_scanout *s)
{
	if (s)
		kref_put(&s->refcount, osprey_scanout_release);
}

/* Unmap the retired mappings the pipe is done with; @all when it stopped. */
static void osprey_pipe_retire(struct osprey_pipe *pipe, bool all)
{
	struct osprey_device *odev = pipe->odev;
	struct osprey_scanout *s, *next;
	LIST_HEAD(done);
	u32 frame = 0;
	int idx;

	if (!all) {
		if (drm_dev_enter(&odev->drm, &idx)) {
			frame = osprey_pipe_read(pipe, OSPREY_PIPE_FRAME_COUNT);
			drm_dev_exit(idx);
		} else {
			/* Nothing reads memory after remove. */
			all = true;
		}
	}

	spin_lock_irq(&pipe->lock);
	list_for_each_entry_safe(s, next, &pipe->retire, retire_link) {
		if (!all && (s32)(frame - s->retire_frame) < 0)
			break;
		list_move_tail(&s->retire_link, &done);
	}
	spin_unlock_irq(&pipe->lock);

	list_for_each_entry_safe(s, next, &done, retire_link) {
		list_del(&s->retire_link);
		osprey_scanout_unmap(s);
		drm_crtc_vblank_put(&pipe->crtc);
	}
}

void osprey_pipe_set_scanning(struct osprey_pipe *pipe, bool scanning)
{
	spin_lock_irq(&pipe->lock);
	pipe->scanning = scanning;
	spin_unlock_irq(&pipe->lock);
	/* No mapping joins the list from here: empty it. */
	if (!scanning)
		osprey_pipe_retire(pipe, true);
}

static void osprey_pipe_retire_work(struct work_struct *work)
{
	osprey_pipe_retire(container_of(work, struct osprey_pipe, retire_work), false);
}

static void osprey_display_vm_fini(struct drm_device *drm, void *arg)
{
	struct osprey_display *disp = arg;
	unsigned int p;

	/* Probe failed, or the device is released: the handler is gone. */
	cancel_work_sync(&disp->hotplug_work);
	for (p = 0; p < disp->num_pipes; p++) {
		cancel_work_sync(&disp->pipes[p].underrun_work);
		cancel_work_sync(&disp->pipes[p].retire_work);
	}

	/* Every framebuffer and writeback job is gone, and their mappings. */
	drm_mm_takedown(&disp->va_mm);
	osprey_vm_destroy_kernel(disp->vm);
}

/* Hardware state --------------------------------------------------------- */

/*
 * Stop a pipe: planes, writeback, CRC and timing off. Waits for the latch
 * when @wait (a pipe that is not running latches at once).
 */
static void osprey_pipe_hw_stop(struct osprey_pipe *pipe, bool wait)
{
	unsigned int n;
	u32 val;

	for (n = 0; n < OSPREY_NUM_PLANES; n++)
		osprey_pipe_write(pipe, OSPREY_PIPE_PLANE(n) + OSPREY_PLANE_CONTROL, 0);
	osprey_pipe_write(pipe, OSPREY_PIPE_WB_CONTROL, 0);
	osprey_pipe_write(pipe, OSPREY_PIPE_CRC_CONTROL, 0);
	osprey_pipe_write(pipe, OSPREY_PIPE_CONTROL, 0);
	osprey_pipe_write(pipe, OSPREY_PIPE_UPDATE, 1);
	if (wait && read_poll_timeout(osprey_pipe_read, val, !(val & OSPREY_PIPE_ACTIVE),
				      1000, OSPREY_PIPE_STOP_TIMEOUT_US, false,
				      pipe, OSPREY_PIPE_STATUS))
		drm_warn(&pipe->odev->drm, "pipe %u did not stop\n", pipe->index);
}

/* Measure CLOCK_MONOTONIC minus the TIMESTAMP clock. */
static void osprey_display_calibrate(struct osprey_device *odev)
{
	struct osprey_display *disp = &odev->display;
	u64 best = U64_MAX;
	unsigned int i;

	disp->ts_valid = odev->info.features & OSPREY_FEATURE_TIMESTAMP;
	if (!disp->ts_valid)
		return;

	for (i = 0; i < OSPREY_TS_SAMPLES; i++) {
		u64 t0, t1, ts;

		t0 = ktime_get_ns();
		ts = osprey_read(odev, OSPREY_REG_TIMESTAMP_LO);
		ts |= (u64)osprey_read(odev, OSPREY_REG_TIMESTAMP_HI) << 32;
		t1 = ktime_get_ns();
		if (t1 - t0 < best) {
			best = t1 - t0;
			disp->ts_offset_ns = (s64)(t0 + (t1 - t0) / 2) - (s64)ts;
		}
	}
	drm_dbg_kms(&odev->drm, "TIMESTAMP offset %lld ns, +/- %llu ns\n",
		    disp->ts_offset_ns, best / 2);
}

static int osprey_display_vm_init(struct osprey_device *odev)
{
	struct osprey_display *disp = &odev->display;
	dma_addr_t root;

	disp->vm = osprey_vm_create_kernel(odev, "display", OSPREY_DISPLAY_VA_START,
					   OSPREY_DISPLAY_VA_END);
	if (IS_ERR(disp->vm))
		return PTR_ERR(disp->vm);
	drm_mm_init(&disp->va_mm, OSPREY_DISPLAY_VA_START,
		    OSPREY_DISPLAY_VA_END - OSPREY_DISPLAY_VA_START);

	root = osprey_vm_root_dma(disp->vm);
	osprey_write(odev, OSPREY_REG_DISP_AS_CONTROL, 0);
	osprey_write(odev, OSPREY_REG_DISP_PGTABLE_LO, lower_32_bits(root));
	osprey_write(odev, OSPREY_REG_DISP_PGTABLE_HI, upper_32_bits(root));
	osprey_write(odev, OSPREY_REG_DISP_AS_CONTROL, OSPREY_AS_ENABLE);
	osprey_write(odev, OSPREY_REG_DISP_MMU_INVALIDATE, 1);

	return drmm_add_action_or_reset(&odev->drm, osprey_display_vm_fini, disp);
}

static int osprey_pipe_init(struct osprey_device *odev, unsigned int index)
{
	struct osprey_pipe *pipe = &odev->display.pipes[index];
	int ret;

	pipe->odev = odev;
	pipe->index = index;
	spin_lock_init(&pipe->lock);
	INIT_LIST_HEAD(&pipe->retire);
	INIT_WORK(&pipe->retire_work, osprey_pipe_retire_work);
	INIT_WORK(&pipe->underrun_work, osprey_display_underrun_work);
	init_waitqueue_head(&pipe->wb_wait);
	atomic_set(&pipe->underrun_irqs, 0);

	/* Start from off: the mode configuration's reset says so. */
	osprey_pipe_hw_stop(pipe, osprey_pipe_read(pipe, OSPREY_PIPE_STATUS) &
			    OSPREY_PIPE_ACTIVE);
	pipe->last_frame = osprey_pipe_read(pipe, OSPREY_PIPE_FRAME_COUNT);

	ret = osprey_planes_init(pipe);
	if (ret)
		return ret;
	ret = osprey_crtc_init(pipe);
	if (ret)
		return ret;
	return osprey_connector_init(pipe);
}

/* Init and teardown ------------------------------------------------------ */

int osprey_display_init(struct osprey_device *odev)
{
	struct osprey_display *disp = &odev->display;
	struct drm_device *drm = &odev->drm;
	struct drm_mode_config *mc = &drm->mode_config;
	u32 irqs = OSPREY_IRQ_HOTPLUG;
	unsigned int p;
	int ret;

	spin_lock_init(&disp->irq_lock);
	INIT_WORK(&disp->hotplug_work, osprey_display_hotplug_work);
	atomic_set(&disp->mappings, 0);
	atomic_set(&disp->hotplugs, 0);

	ret = drmm_mode_config_init(drm);
	if (ret)
		return ret;
	mc->funcs = &osprey_mode_config_funcs;
	mc->helper_private = &osprey_mode_config_helpers;
	mc->normalize_zpos = true;
	mc->preferred_depth = 24;
	mc->cursor_width = OSPREY_CURSOR_MAX;
	mc->cursor_height = OSPREY_CURSOR_MAX;

	if (!(odev->info.features & OSPREY_FEATURE_DISPLAY))
		return 0;

	disp->num_pipes = min_t(u32, osprey_read(odev, OSPREY_REG_DISP_NUM_PIPES),
				OSPREY_DISP_MAX_PIPES);
	disp->max_width = osprey_read(odev, OSPREY_REG_DISP_MAX_WIDTH);
	disp->max_height = osprey_read(odev, OSPREY_REG_DISP_MAX_HEIGHT);
	if (!disp->num_pipes)
		return 0;
	if (!disp->max_width || !disp->max_height ||
	    disp->max_width > U16_MAX || disp->max_height > U16_MAX) {
		drm_err(drm, "display limits %ux%u make no sense\n",
			disp->max_width, disp->max_height);
		disp->num_pipes = 0;
		return -ENODEV;
	}
	mc->min_width = 1;
	mc->min_height = 1;
	mc->max_width = disp->max_width;
	mc->max_height = disp->max_height;

	osprey_display_calibrate(odev);

	ret = osprey_display_vm_init(odev);
	if (ret) {
		disp->num_pipes = 0;
		return ret;
	}

	for (p = 0; p < disp->num_pipes; p++) {
		ret = osprey_pipe_init(odev, p);
		if (ret)
			return ret;
		irqs |= OSPREY_IRQ_CRC(p) | OSPREY_IRQ_WB_DONE(p) |
			OSPREY_IRQ_UNDERRUN(p);
	}

	/* The hardware counter: FRAME_COUNT, 32 bits. */
	drm->max_vblank_count = U32_MAX;
	ret = drm_vblank_init(drm, disp->num_pipes);
	if (ret)
		return ret;

	ret = drmm_kms_helper_poll_init(drm);
	if (ret)
		return ret;

	drm_mode_config_reset(drm);
	osprey_display_irq_enable(odev, irqs, true);

	drm_info(drm, "display: %u pipe(s), up to %ux%u\n", disp->num_pipes,
		 disp->max_width, disp->max_height);
	return 0;
}

void osprey_display_register(struct osprey_device *odev)
{
	if (!odev->display.num_pipes)
		return;
	/*
	 * The fbdev client, with osprey_fbdev_probe() (osprey_fbdev.c) as
	 * &drm_driver.fbdev_probe: not the shmem fbdev, whose deferred I/O
	 * breaks the release of the buffer after an mmap() of /dev/fb0.
	 * Nothing without CONFIG_DRM_CLIENT_SETUP.
	 */
	drm_client_setup_with_fourcc(&odev->drm, DRM_FORMAT_XRGB8888);
}

void osprey_display_shutdown(struct osprey_device *odev)
{
	if (odev->display.num_pipes)
		drm_atomic_helper_shutdown(&odev->drm);
}

void osprey_display_unplug(struct osprey_device *odev)
{
	struct osprey_display *disp = &odev->display;
	unsigned int p;

	if (!disp->num_pipes)
		return;

	drm_kms_helper_poll_disable(&odev->drm);
	/*
	 * Whatever committed since osprey_display_shutdown() is turned off in
	 * software: vblank off, events sent, writeback jobs ended; the
	 * register writes are skipped now, the ones below do the hardware.
	 */
	drm_atomic_helper_shutdown(&odev->drm);

	spin_lock_irq(&disp->irq_lock);
	disp->irq_dead = true;
	osprey_write(odev, OSPREY_REG_IRQ_MASK,
		     osprey_read(odev, OSPREY_REG_IRQ_MASK) & ~OSPREY_IRQ_DISPLAY_ALL);
	spin_unlock_irq(&disp->irq_lock);

	for (p = 0; p < disp->num_pipes; p++)
		osprey_pipe_hw_stop(&disp->pipes[p], false);
	osprey_write(odev, OSPREY_REG_DISP_AS_CONTROL, 0);
	osprey_write(odev, OSPREY_REG_DISP_MMU_INVALIDATE, 1);
	synchronize_irq(odev->irq);

	cancel_work_sync(&disp->hotplug_work);
	for (p = 0; p < disp->num_pipes; p++) {
		cancel_work_sync(&disp->pipes[p].underrun_work);
		cancel_work_sync(&disp->pipes[p].retire_work);
		osprey_pipe_set_scanning(&disp->pipes[p], false);
	}
}

/* debugfs ---------------------------------------------------------------- */

static void osprey_debugfs_pipe(struct seq_file *m, struct osprey_pipe *pipe)
{
	struct osprey_crc_record crcs[OSPREY_CRC_HISTORY];
	u32 captures, plane, wb_pending, crc_count, status, update, frame, conn, hw_underruns;
	bool crc_enabled;
	unsigned int i, n;
	u64 addr;

	spin_lock_irq(&pipe->lock);
	captures = pipe->underrun_captures;
	addr = pipe->underrun_addr;
	plane = pipe->underrun_plane;
	wb_pending = pipe->wb_pending;
	crc_enabled = pipe->crc_enabled;
	crc_count = pipe->crc_count;
	n = min_t(u32, crc_count, OSPREY_CRC_HISTORY);
	for (i = 0; i < n; i++)
		crcs[i] = pipe->crc_history[(crc_count - 1 - i) % OSPREY_CRC_HISTORY];
	spin_unlock_irq(&pipe->lock);

	/* Reads without side effects only: not CRC_VALUE, which latches. */
	status = osprey_pipe_read(pipe, OSPREY_PIPE_STATUS);
	update = osprey_pipe_read(pipe, OSPREY_PIPE_UPDATE);
	frame = osprey_pipe_read(pipe, OSPREY_PIPE_FRAME_COUNT);
	conn = osprey_pipe_read(pipe, OSPREY_PIPE_CONN_STATUS);
	hw_underruns = osprey_pipe_read(pipe, OSPREY_PIPE_UNDERRUN_COUNT);

	seq_printf(m, "pipe %u:\n", pipe->index);
	seq_printf(m, "  active: %u\n", !!(status & OSPREY_PIPE_ACTIVE));
	seq_printf(m, "  update_pending: %u\n", update & 1);
	seq_printf(m, "  frame_count: %u\n", frame);
	seq_printf(m, "  connected: %u\n", conn & 1);
	seq_printf(m, "  underrun_irqs: %d\n", atomic_read(&pipe->underrun_irqs));
	seq_printf(m, "  underrun_count: %u\n", hw_underruns);
	seq_printf(m, "  underrun_captures: %u\n", captures);
	seq_printf(m, "  last_underrun: addr=0x%llx plane=%u\n", addr, plane);
	seq_printf(m, "  writeback_pending: %u\n", wb_pending);
	seq_printf(m, "  crc_enabled: %u\n", crc_enabled);
	seq_printf(m, "  crcs: %u\n", crc_count);
	for (i = 0; i < n; i++)
		seq_printf(m, "    frame=%u crc=0x%08x\n", crcs[i].frame, crcs[i].crc);
}

static int osprey_debugfs_display(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct osprey_device *odev = to_osprey_device(entry->dev);
	struct osprey_display *disp = &odev->display;
	unsigned int p;
	int idx;

	seq_printf(m, "pipes: %u\n", disp->num_pipes);
	if (!disp->num_pipes)
		return 0;
	seq_printf(m, "max_size: %ux%u\n", disp->max_width, disp->max_height);
	seq_printf(m, "timestamp_offset_ns: %lld\n", disp->ts_valid ? disp->ts_offset_ns : 0);
	seq_printf(m, "mappings: %d\n", atomic_read(&disp->mappings));
	seq_printf(m, "hotplug_irqs: %d\n", atomic_read(&disp->hotplugs));
	if (!drm_dev_enter(&odev->drm, &idx))
		return 0;
	for (p = 0; p < disp->num_pipes; p++)
		osprey_debugfs_pipe(m, &disp->pipes[p]);
	drm_dev_exit(idx);
	return 0;
}

static const struct drm_debugfs_info osprey_display_debugfs_files[] = {
	{ "display", osprey_debugfs_display },
};

void osprey_display_debugfs_register(struct osprey_device *odev)
{
	drm_debugfs_add_files(&odev->drm, osprey_display_debugfs_files,
			      ARRAY_SIZE(osprey_display_debugfs_files));
}
