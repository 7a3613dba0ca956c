// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey GPU model: display controller
 *
 * The display controller of docs/gpu-model.md ("The display controller"):
 * per pipe, double-buffered registers, a vblank timer, a connector with an
 * EDID and a writeback unit; per device, one composer thread that turns
 * the planes into frames when someone needs the pixels.
 *
 * Timing. Each running pipe has an absolute hard hrtimer on
 * CLOCK_MONOTONIC, the clock of TIMESTAMP. Its expiry times form a grid,
 * start + k * period, whatever the latency of the callback: a vblank is
 * always stamped with the grid time it stands for. The callback only
 * touches registers under &osprey_sim.lock, raises interrupts and wakes the
 * composer; it never allocates nor touches memory.
 *
 * Composition. The composer thread wakes on vblanks, latches and the debug
 * knobs, and for each pipe looks at the newest frame only (a composer that
 * fell behind skips the frames in between). A frame goes in two passes:
 *
 * 1. the check: every page of every enabled plane's visible rows (and of
 *    the writeback target when one is owed) is translated in the display
 *    address space, once per frame thanks to a small translation cache,
 *    and the bus addresses are recorded in the order the rows use them. A
 *    page that does not translate makes the frame lose that plane: that is
 *    an underrun. Every frame gets this pass;
 * 2. drawing, only when the pixels are needed (CRC enabled, writeback
 *    owed, or the monitor cable showing the pipe): the background, then
 *    the planes in ZPOS order, row by row, each row a handful of page
 *    pieces mapped with kmap_local_page() and converted and blended a
 *    piece at a time. The blend takes two pixels at a time, their
 *    channels in 16-bit lanes of u64s, so that the integer formulas of
 *    the contract cost a few operations a pixel.
 *
 * Then the CRC (crc32_le() over the frame), the writeback and the cable.
 *
 * Buffers outlive the state that shows them only until the vblank that
 * replaces it: once that vblank is signalled the driver may free them. A
 * composer running late must therefore never read a replaced state's
 * memory, which &osprey_sim_pipe.scan_lock ensures: latches bump
 * &osprey_sim_pipe.latch_seq under it, and the composer reads memory for a
 * frame (page tables included) only under it, a row at a time, after
 * checking that no latch happened since the frame began. If one did, the
 * frame is abandoned and the newest one composed instead. The writeback
 * target is exempt: it stays the driver's until WB_DONE.
 *
 * Lock order: &osprey_sim.lock, then &osprey_sim_pipe.scan_lock; the
 * composer takes the latter alone and never holds either while it sleeps,
 * allocates or talks to the monitor cable. The hrtimer callback may spin
 * on a scan_lock for the time the composer takes over one row.
 */

#include <linux/crc32.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>

#include <kunit/visibility.h>

#include "osprey_sim.h"

#define DISP_MAX_WIDTH		4096
#define DISP_MAX_HEIGHT		4096
#define DISP_PERIOD_MIN_NS	NSEC_PER_MSEC
#define DISP_PERIOD_MAX_NS	NSEC_PER_SEC
#define DISP_EDID_SIZE		128

/* Whether CPU words are laid out as the device's little-endian ones. */
#ifdef __LITTLE_ENDIAN
#define DISP_LE			true
#else
#define DISP_LE			false
#endif

/* Display VAs are translated in 4 KiB GPU pages. */
#define DISP_PAGE		SZ_4K
#define DISP_PAGE_OFFSET(va)	((u32)((va) & (DISP_PAGE - 1)))

/* The units a frame reads or writes: the planes, then the writeback. */
#define DISP_WB_UNIT		OSPREY_NUM_PLANES
#define DISP_UNITS		(OSPREY_NUM_PLANES + 1)

/* Entries of the per-frame translation cache (a power of two). */
#define DISP_TLB_SIZE		64

/* Pixels the scratch row holds: one page piece of the smallest format. */
#define DISP_SCRATCH_PIXELS	(DISP_PAGE / 2)

/* Register blocks. */
#define DISP_PIPE_BASE		OSPREY_DISP_PIPE(0)
#define DISP_PIPE_STRIDE	(OSPREY_DISP_PIPE(1) - OSPREY_DISP_PIPE(0))
#define DISP_PLANE_BASE		OSPREY_PIPE_PLANE(0)
#define DISP_PLANE_STRIDE	(OSPREY_PIPE_PLANE(1) - OSPREY_PIPE_PLANE(0))
#define DISP_EDID_BASE		OSPREY_PIPE_EDID(0)

/* A translation of the cache: the key is the VA's page and the access. */
struct disp_tlb_entry {
	u64 key;
	u64 pa;
	u32 fault;
};

/*
 * A plane or the writeback target in one frame: the rows it covers and
 * the bus address of each page piece of them, in the order rows use them.
 */
struct disp_unit {
	bool used;		/* part of this frame */
	bool failed;		/* a page did not translate: lost this frame */
	u64 fault_va;
	u64 va;			/* first byte of the first row */
	u32 pitch;
	u32 bytes;		/* bytes of each row read or written */
	u32 rows;
	u32 x, y;		/* where the rows go in the frame */
	u64 *pa;		/* page bus addresses, @npa of them */
	unsigned int npa;
	unsigned int cap;
};

/* The composer's private view of one pipe. */
struct disp_out {
	u32 seen;		/* the last frame number looked at */
	u32 *frame;		/* the composed frame, @width x @height words */
	u32 width, height;
	bool shown;		/* the cable may be showing this pipe */
	u32 shown_seq;		/* latch_seq of the last frame shown */
	u64 shown_ns;		/* when the last frame was shown */
};

/**
 * struct osprey_sim_composer - Private state of the composer thread
 *
 * Only the composer thread uses it, apart from init and teardown.
 */
struct osprey_sim_composer {
	/** @unit: The units of the frame being composed. */
	struct disp_unit unit[DISP_UNITS];
	/** @tlb: Translations of the frame being composed. */
	struct disp_tlb_entry tlb[DISP_TLB_SIZE];
	/** @as: The display address space as the frame began. */
	struct osprey_sim_as as;
	/** @scratch: A page piece of a plane converted to 0xAARRGGBB. */
	u32 *scratch;
	/** @out: Per pipe state. */
	struct disp_out out[OSPREY_DISP_MAX_PIPES];
};

/* What the composer took from the registers for one frame. */
struct disp_frame {
	u32 number;
	u32 seq;
	u32 width, height;
	bool crc;
	bool present;
	bool injected;
	struct osprey_sim_pipe_state st;
	struct osprey_sim_wb_job wb;
};

/* How one plane's pixels go into the frame. */
struct disp_blender {
	u32 cpp;
	u32 alpha;
	bool direct;		/* out = s: convert straight into the frame */
	bool raw;		/* ARGB8888 in memory is the scratch format */
	u32 amask, aor;		/* converted = (swizzled & amask) | aor */
	void (*convert)(u32 *out, const u8 *src, unsigned int n, u32 amask, u32 aor);
	void (*blend)(u32 *dst, const u32 *src, unsigned int n, u32 alpha);
};

static u32 width_of(u32 size)
{
	return size & 0xffff;
}

static u32 height_of(u32 size)
{
	return size >> 16;
}

/* Timing ---------------------------------------------------------------- */

/* The frame period of @st's mode in ns, or 0 if the mode is not valid. */
static u64 disp_mode_period(const struct osprey_sim_pipe_state *st)
{
	u32 w = width_of(st->mode_size), h = height_of(st->mode_size);
	u32 htotal = width_of(st->mode_total), vtotal = height_of(st->mode_total);
	u64 period;

	if (!w || !h || w > DISP_MAX_WIDTH || h > DISP_MAX_HEIGHT ||
	    htotal < w || vtotal < h || !st->mode_clock)
		return 0;
	period = div_u64((u64)htotal * vtotal * NSEC_PER_MSEC, st->mode_clock);
	if (period < DISP_PERIOD_MIN_NS || period > DISP_PERIOD_MAX_NS)
		return 0;
	return period;
}

static void disp_kick_locked(struct osprey_sim *sim)
{
	lockdep_assert_held(&sim->lock);
	WRITE_ONCE(sim->disp.kick, true);
	wake_up(&sim->disp.wq);
}

/* Make the pending copies active. */
static void disp_latch_locked(struct osprey_sim_pipe *pipe)
{
	struct osprey_sim_wb_job *wb = &pipe->wb;

	lockdep_assert_held(&pipe->sim->lock);
	spin_lock(&pipe->scan_lock);
	pipe->active = pipe->pending;
	pipe->latch_seq++;
	spin_unlock(&pipe->scan_lock);
	pipe->update = false;

	if ((pipe->active.wb_control & OSPREY_WB_ARM) && !wb->armed) {
		wb->armed = true;
		wb->addr = pipe->active.wb_addr;
		wb->pitch = pipe->active.wb_pitch;
		wb->width = width_of(pipe->active.mode_size);
		wb->height = height_of(pipe->active.mode_size);
	}
}

static enum hrtimer_restart disp_vblank(struct hrtimer *timer)
{
	struct osprey_sim_pipe *pipe = container_of(timer, struct osprey_sim_pipe, timer);
	struct osprey_sim *sim = pipe->sim;
	enum hrtimer_restart ret = HRTIMER_RESTART;
	unsigned long flags;
	u64 expires, now, late, frames;

	spin_lock_irqsave(&sim->lock, flags);
	expires = ktime_to_ns(hrtimer_get_expires(timer));
	now = ktime_to_ns(hrtimer_cb_get_time(timer));

	/*
	 * A callback later than a whole period (a stalled machine) stands for
	 * every vblank of the grid that has passed: they are counted, and the
	 * last one is the one stamped and signalled.
	 */
	late = now > expires ? now - expires : 0;
	frames = 1;
	if (late >= pipe->period_ns)
		frames += div64_u64(late, pipe->period_ns);
	expires += (frames - 1) * pipe->period_ns;

	pipe->frame_count += (u32)frames;
	pipe->vblank_ts = expires - sim->timestamp_base;
	if (pipe->update)
		disp_latch_locked(pipe);
	osprey_sim_raise_locked(sim, OSPREY_IRQ_VBLANK(pipe->index));

	pipe->period_ns = disp_mode_period(&pipe->active);
	if (!(pipe->active.control & OSPREY_PIPE_ENABLE) || !pipe->period_ns) {
		pipe->running = false;
		ret = HRTIMER_NORESTART;
	} else {
		hrtimer_set_expires(timer, ns_to_ktime(expires + pipe->period_ns));
	}
	WRITE_ONCE(sim->disp.kick, true);
	spin_unlock_irqrestore(&sim->lock, flags);

	wake_up(&sim->disp.wq);
	return ret;
}

/* PIPE_UPDATE: latch at the next vblank, or now if the pipe does not run. */
static void disp_update_locked(struct osprey_sim_pipe *pipe)
{
	struct osprey_sim *sim = pipe->sim;
	u64 period;

	lockdep_assert_held(&sim->lock);
	pipe->update = true;
	if (pipe->running)
		return;

	disp_latch_locked(pipe);
	period = disp_mode_period(&pipe->active);
	if ((pipe->active.control & OSPREY_PIPE_ENABLE) && period && !sim->disp.dying) {
		pipe->running = true;
		pipe->period_ns = period;
		hrtimer_start(&pipe->timer, ns_to_ktime(ktime_get_ns() + period),
			      HRTIMER_MODE_ABS_HARD);
	}
	disp_kick_locked(sim);
}

/* Registers ------------------------------------------------------------ */

static bool disp_plane_read(const struct osprey_sim_plane_state *pl, u32 reg, u32 *value)
{
	switch (reg) {
	case OSPREY_PLANE_CONTROL:
		*value = pl->control;
		break;
	case OSPREY_PLANE_FORMAT:
		*value = pl->format;
		break;
	case OSPREY_PLANE_ADDR_LO:
		*value = lower_32_bits(pl->addr);
		break;
	case OSPREY_PLANE_ADDR_HI:
		*value = upper_32_bits(pl->addr);
		break;
	case OSPREY_PLANE_PITCH:
		*value = pl->pitch;
		break;
	case OSPREY_PLANE_SIZE:
		*value = pl->size;
		break;
	case OSPREY_PLANE_POS:
		*value = pl->pos;
		break;
	case OSPREY_PLANE_ALPHA:
		*value = pl->alpha;
		break;
	case OSPREY_PLANE_BLEND:
		*value = pl->blend;
		break;
	case OSPREY_PLANE_ZPOS:
		*value = pl->zpos;
		break;
	default:
		return false;
	}
	return true;
}

static bool disp_plane_write(struct osprey_sim_plane_state *pl, u32 reg, u32 value)
{
	switch (reg) {
	case OSPREY_PLANE_CONTROL:
		pl->control = value & OSPREY_PLANE_ENABLE;
		break;
	case OSPREY_PLANE_FORMAT:
		pl->format = value;
		break;
	case OSPREY_PLANE_ADDR_LO:
		pl->addr = (pl->addr & ~(u64)U32_MAX) | value;
		break;
	case OSPREY_PLANE_ADDR_HI:
		pl->addr = lower_32_bits(pl->addr) | (u64)value << 32;
		break;
	case OSPREY_PLANE_PITCH:
		pl->pitch = value;
		break;
	case OSPREY_PLANE_SIZE:
		pl->size = value;
		break;
	case OSPREY_PLANE_POS:
		pl->pos = value;
		break;
	case OSPREY_PLANE_ALPHA:
		pl->alpha = value & 0xff;
		break;
	case OSPREY_PLANE_BLEND:
		pl->blend = value;
		break;
	case OSPREY_PLANE_ZPOS:
		pl->zpos = value;
		break;
	default:
		return false;
	}
	return true;
}

static u32 disp_edid_word(const struct osprey_sim_pipe *pipe, u32 index)
{
	u32 at = index * 4;

	if (!pipe->connected || at >= pipe->edid_size)
		return 0;
	return get_unaligned_le32(&pipe->edid[at]);
}

static bool disp_pipe_read(struct osprey_sim_pipe *pipe, u32 reg, u32 *value)
{
	const struct osprey_sim_pipe_state *st = &pipe->pending;

	if (reg >= DISP_PLANE_BASE && reg < DISP_PLANE_BASE + OSPREY_NUM_PLANES * DISP_PLANE_STRIDE)
		return disp_plane_read(&st->plane[(reg - DISP_PLANE_BASE) / DISP_PLANE_STRIDE],
				       (reg - DISP_PLANE_BASE) % DISP_PLANE_STRIDE, value);
	if (reg >= DISP_EDID_BASE && reg < OSPREY_PIPE_EDID(OSPREY_EDID_MAX / 4)) {
		*value = disp_edid_word(pipe, (reg - DISP_EDID_BASE) / 4);
		return true;
	}

	switch (reg) {
	case OSPREY_PIPE_CONTROL:
		*value = st->control;
		break;
	case OSPREY_PIPE_MODE_SIZE:
		*value = st->mode_size;
		break;
	case OSPREY_PIPE_MODE_TOTAL:
		*value = st->mode_total;
		break;
	case OSPREY_PIPE_MODE_CLOCK:
		*value = st->mode_clock;
		break;
	case OSPREY_PIPE_BG_COLOR:
		*value = st->bg_color;
		break;
	case OSPREY_PIPE_UPDATE:
		*value = pipe->update;
		break;
	case OSPREY_PIPE_STATUS:
		*value = (pipe->running ? OSPREY_PIPE_ACTIVE : 0) |
			 (pipe->underrun ? OSPREY_PIPE_UNDERRUN : 0);
		break;
	case OSPREY_PIPE_FRAME_COUNT:
		*value = pipe->frame_count;
		break;
	case OSPREY_PIPE_VBLANK_TS_LO:
		pipe->vblank_ts_hi = upper_32_bits(pipe->vblank_ts);
		*value = lower_32_bits(pipe->vblank_ts);
		break;
	case OSPREY_PIPE_VBLANK_TS_HI:
		*value = pipe->vblank_ts_hi;
		break;
	case OSPREY_PIPE_CRC_CONTROL:
		*value = pipe->crc_control;
		break;
	case OSPREY_PIPE_CRC_VALUE:
		pipe->crc_frame_read = pipe->crc_frame;
		*value = pipe->crc_value;
		break;
	case OSPREY_PIPE_CRC_FRAME:
		*value = pipe->crc_frame_read;
		break;
	case OSPREY_PIPE_CONN_STATUS:
		*value = pipe->connected;
		break;
	case OSPREY_PIPE_EDID_SIZE:
		*value = pipe->connected ? pipe->edid_size : 0;
		break;
	case OSPREY_PIPE_UNDERRUN_ADDR_LO:
		*value = lower_32_bits(pipe->underrun_addr);
		break;
	case OSPREY_PIPE_UNDERRUN_ADDR_HI:
		*value = upper_32_bits(pipe->underrun_addr);
		break;
	case OSPREY_PIPE_UNDERRUN_PLANE:
		*value = pipe->underrun_plane;
		break;
	case OSPREY_PIPE_UNDERRUN_COUNT:
		*value = pipe->underrun_count;
		break;
	case OSPREY_PIPE_WB_ADDR_LO:
		*value = lower_32_bits(st->wb_addr);
		break;
	case OSPREY_PIPE_WB_ADDR_HI:
		*value = upper_32_bits(st->wb_addr);
		break;
	case OSPREY_PIPE_WB_PITCH:
		*value = st->wb_pitch;
		break;
	case OSPREY_PIPE_WB_CONTROL:
		*value = st->wb_control;
		break;
	case OSPREY_PIPE_WB_STATUS:
		*value = pipe->wb_status;
		break;
	default:
		return false;
	}
	return true;
}

static bool disp_pipe_write(struct osprey_sim_pipe *pipe, u32 reg, u32 value)
{
	struct osprey_sim_pipe_state *st = &pipe->pending;

	if (reg >= DISP_PLANE_BASE && reg < DISP_PLANE_BASE + OSPREY_NUM_PLANES * DISP_PLANE_STRIDE)
		return disp_plane_write(&st->plane[(reg - DISP_PLANE_BASE) / DISP_PLANE_STRIDE],
					(reg - DISP_PLANE_BASE) % DISP_PLANE_STRIDE, value);
	/* The EDID is read-only. */
	if (reg >= DISP_EDID_BASE && reg < OSPREY_PIPE_EDID(OSPREY_EDID_MAX / 4))
		return true;

	switch (reg) {
	case OSPREY_PIPE_CONTROL:
		st->control = value & OSPREY_PIPE_ENABLE;
		break;
	case OSPREY_PIPE_MODE_SIZE:
		st->mode_size = value;
		break;
	case OSPREY_PIPE_MODE_TOTAL:
		st->mode_total = value;
		break;
	case OSPREY_PIPE_MODE_CLOCK:
		st->mode_clock = value;
		break;
	case OSPREY_PIPE_BG_COLOR:
		st->bg_color = value;
		break;
	case OSPREY_PIPE_UPDATE:
		if (value & 1)
			disp_update_locked(pipe);
		break;
	case OSPREY_PIPE_CRC_CONTROL:
		pipe->crc_control = value & 1;
		break;
	case OSPREY_PIPE_WB_ADDR_LO:
		st->wb_addr = (st->wb_addr & ~(u64)U32_MAX) | (value & ~3u);
		break;
	case OSPREY_PIPE_WB_ADDR_HI:
		st->wb_addr = lower_32_bits(st->wb_addr) | (u64)value << 32;
		break;
	case OSPREY_PIPE_WB_PITCH:
		st->wb_pitch = value & ~3u;
		break;
	case OSPREY_PIPE_WB_CONTROL:
		st->wb_control = value & OSPREY_WB_ARM;
		break;
	case OSPREY_PIPE_STATUS:
	case OSPREY_PIPE_FRAME_COUNT:
	case OSPREY_PIPE_VBLANK_TS_LO:
	case OSPREY_PIPE_VBLANK_TS_HI:
	case OSPREY_PIPE_CRC_VALUE:
	case OSPREY_PIPE_CRC_FRAME:
	case OSPREY_PIPE_CONN_STATUS:
	case OSPREY_PIPE_EDID_SIZE:
	case OSPREY_PIPE_UNDERRUN_ADDR_LO:
	case OSPREY_PIPE_UNDERRUN_ADDR_HI:
	case OSPREY_PIPE_UNDERRUN_PLANE:
	case OSPREY_PIPE_UNDERRUN_COUNT:
	case OSPREY_PIPE_WB_STATUS:
		/* Read-only. */
		break;
	default:
		return false;
	}
	return true;
}

/* The pipe whose block holds @offset, with @reg the offset within it. */
static struct osprey_sim_pipe *disp_pipe_of(struct osprey_sim *sim, u32 offset, u32 *reg)
{
	u32 p;

	if (offset < DISP_PIPE_BASE)
		return NULL;
	p = (offset - DISP_PIPE_BASE) / DISP_PIPE_STRIDE;
	if (p >= sim->disp.num_pipes)
		return NULL;
	*reg = (offset - DISP_PIPE_BASE) % DISP_PIPE_STRIDE;
	return &sim->disp.pipe[p];
}

bool osprey_sim_display_read(struct osprey_sim *sim, u32 offset, u32 *value)
{
	struct osprey_sim_display *disp = &sim->disp;
	struct osprey_sim_pipe *pipe;
	u32 reg;

	lockdep_assert_held(&sim->lock);
	if (!disp->num_pipes)
		return false;

	switch (offset) {
	case OSPREY_REG_DISP_NUM_PIPES:
		*value = disp->num_pipes;
		return true;
	case OSPREY_REG_DISP_PGTABLE_LO:
		*value = lower_32_bits(disp->as.pgtable);
		return true;
	case OSPREY_REG_DISP_PGTABLE_HI:
		*value = upper_32_bits(disp->as.pgtable);
		return true;
	case OSPREY_REG_DISP_AS_CONTROL:
		*value = disp->as.control;
		return true;
	case OSPREY_REG_DISP_MAX_WIDTH:
		*value = DISP_MAX_WIDTH;
		return true;
	case OSPREY_REG_DISP_MAX_HEIGHT:
		*value = DISP_MAX_HEIGHT;
		return true;
	}

	pipe = disp_pipe_of(sim, offset, &reg);
	return pipe && disp_pipe_read(pipe, reg, value);
}

bool osprey_sim_display_write(struct osprey_sim *sim, u32 offset, u32 value)
{
	struct osprey_sim_display *disp = &sim->disp;
	struct osprey_sim_pipe *pipe;
	u32 reg;

	lockdep_assert_held(&sim->lock);
	if (!disp->num_pipes)
		return false;

	switch (offset) {
	case OSPREY_REG_DISP_PGTABLE_LO:
		disp->as.pgtable = (disp->as.pgtable & ~(u64)U32_MAX) | (value & ~0xfffu);
		return true;
	case OSPREY_REG_DISP_PGTABLE_HI:
		disp->as.pgtable = lower_32_bits(disp->as.pgtable) | ((u64)(value & 0xfffff) << 32);
		return true;
	case OSPREY_REG_DISP_AS_CONTROL:
		disp->as.control = value & OSPREY_AS_ENABLE;
		return true;
	case OSPREY_REG_DISP_MMU_INVALIDATE:
		/* Every frame walks afresh: there is nothing to drop. */
		return true;
	case OSPREY_REG_DISP_NUM_PIPES:
	case OSPREY_REG_DISP_MAX_WIDTH:
	case OSPREY_REG_DISP_MAX_HEIGHT:
		return true;
	}

	pipe = disp_pipe_of(sim, offset, &reg);
	return pipe && disp_pipe_write(pipe, reg, value);
}

/* Knobs ---------------------------------------------------------------- */

int osprey_sim_display_set_connected(struct osprey_sim *sim, unsigned int pipe,
				     bool connected)
{
	struct osprey_sim_pipe *p;
	unsigned long flags;

	if (pipe >= sim->disp.num_pipes)
		return -EINVAL;
	p = &sim->disp.pipe[pipe];
	spin_lock_irqsave(&sim->lock, flags);
	if (p->connected != connected) {
		p->connected = connected;
		osprey_sim_raise_locked(sim, OSPREY_IRQ_HOTPLUG);
	}
	spin_unlock_irqrestore(&sim->lock, flags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(osprey_sim_display_set_connected);

int osprey_sim_display_inject_underrun(struct osprey_sim *sim, unsigned int pipe)
{
	unsigned long flags;

	if (pipe >= sim->disp.num_pipes)
		return -EINVAL;
	spin_lock_irqsave(&sim->lock, flags);
	sim->disp.pipe[pipe].inject_underrun = true;
	spin_unlock_irqrestore(&sim->lock, flags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(osprey_sim_display_inject_underrun);

void osprey_sim_display_stats_show(struct osprey_sim *sim, struct seq_file *m)
{
	unsigned int p;

	for (p = 0; p < sim->disp.num_pipes; p++) {
		struct osprey_sim_pipe_stats s;
		unsigned long flags;

		spin_lock_irqsave(&sim->lock, flags);
		s = sim->disp.pipe[p].stats;
		spin_unlock_irqrestore(&sim->lock, flags);
		seq_printf(m, "pipe%u: composed=%llu checked=%llu skipped=%llu aborted=%llu last_ns=%llu max_ns=%llu underruns=%llu presented=%llu present_errors=%llu\n",
			   p, s.composed, s.checked, s.skipped, s.aborted, s.last_ns, s.max_ns,
			   s.underruns, s.presented, s.present_errors);
	}
}

void osprey_sim_display_stats_reset(struct osprey_sim *sim)
{
	unsigned long flags;
	unsigned int p;

	spin_lock_irqsave(&sim->lock, flags);
	for (p = 0; p < sim->disp.num_pipes; p++)
		memset(&sim->disp.pipe[p].stats, 0, sizeof(sim->disp.pipe[p].stats));
	spin_unlock_irqrestore(&sim->lock, flags);
}

/* Pixels --------------------------------------------------------------- */

/*
 * One pixel at a time, for the odd pixel of a span: three 16-bit lanes
 * of a u64, blue in bits 7:0, red in 23:16, green in 39:32. Every product
 * of the contract's formulas fits in a lane (at most 255 * 255), and so
 * does the sum of two products whose weights add up to 255.
 */
#define LANES		0x000000ff00ff00ffull
#define LANES_HALF	0x0000008000800080ull
#define LANES_CARRY	0x0000010001000100ull

static inline u64 spread(u32 rgb)
{
	return (rgb & 0xff00ff) | ((u64)(rgb & 0xff00) << 24);
}

static inline u32 gather(u64 x)
{
	return (x & 0xff00ff) | ((x >> 24) & 0xff00);
}

/* div255() of each lane. */
static inline u64 div255x3(u64 x)
{
	x += LANES_HALF;
	x += (x >> 8) & LANES;
	return (x >> 8) & LANES;
}

/* x / 255 rounded, for 0 <= x <= 255 * 255. */
static inline u32 div255(u32 x)
{
	return (x + 128 + ((x + 128) >> 8)) >> 8;
}

/*
 * Two pixels at once: a u64 holds the first pixel in its low half, and
 * masks split it into 16-bit lanes, blue and red of both pixels in one
 * word, green of both in another. Memory traffic and loop overhead are
 * what an emulated CPU pays most for, so the loops below take pixels in
 * pairs and fall back to the single-pixel helpers for an odd last one.
 */
#define PAIR_RB		0x00ff00ff00ff00ffull
#define PAIR_G		0x000000ff000000ffull
#define PAIR_HALF	0x0080008000800080ull
#define PAIR_CARRY	0x0100010001000100ull
#define PAIR_RGB	0x00ffffff00ffffffull
#define PAIR_ALPHA	0xff000000ff000000ull

static inline u64 pair_load(const u32 *p)
{
	if (DISP_LE)
		return get_unaligned((const u64 *)p);
	return (u64)p[1] << 32 | p[0];
}

static inline void pair_store(u32 *p, u64 v)
{
	if (DISP_LE) {
		put_unaligned(v, (u64 *)p);
		return;
	}
	p[0] = lower_32_bits(v);
	p[1] = upper_32_bits(v);
}

/* div255() of each 16-bit lane. */
static inline u64 pair_div255(u64 x)
{
	x += PAIR_HALF;
	x += (x >> 8) & PAIR_RB;
	return (x >> 8) & PAIR_RB;
}

/* The lanes of the first pixel times k0, those of the second times k1. */
static inline u64 pair_mul(u64 x, u32 k0, u32 k1)
{
	return (u64)(lower_32_bits(x) * k0) | (u64)(upper_32_bits(x) * k1) << 32;
}

/* min(255, lane) for lanes up to 510. */
static inline u64 pair_sat(u64 x)
{
	return x | ((x & PAIR_CARRY) >> 8) * 0xff;
}

/* div255(s * a + d * (255 - a)) per channel, a0 and a1 for each pixel. */
static inline u64 pair_mix(u64 s, u64 d, u32 a0, u32 a1)
{
	u32 k0 = 255 - a0, k1 = 255 - a1;
	u64 rb = pair_mul(s & PAIR_RB, a0, a1) + pair_mul(d & PAIR_RB, k0, k1);
	u64 g = pair_mul((s >> 8) & PAIR_G, a0, a1) + pair_mul((d >> 8) & PAIR_G, k0, k1);

	return pair_div255(rb) | pair_div255(g) << 8;
}

/* Converters: n pixels at src (any alignment, little endian) to 0xAARRGGBB. */

static void cvt_xrgb(u32 *out, const u8 *src, unsigned int n, u32 amask, u32 aor)
{
	u64 amask2 = (u64)amask << 32 | amask, aor2 = (u64)aor << 32 | aor;
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2)
		pair_store(out + i, (get_unaligned_le64(src + 4 * i) & amask2) | aor2);
	if (i < n)
		out[i] = (get_unaligned_le32(src + 4 * i) & amask) | aor;
}

static void cvt_xbgr(u32 *out, const u8 *src, unsigned int n, u32 amask, u32 aor)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		u32 v = get_unaligned_le32(src + 4 * i);

		v = (v & 0xff00ff00) | ((v & 0xff) << 16) | ((v >> 16) & 0xff);
		out[i] = (v & amask) | aor;
	}
}

static void cvt_rgb565(u32 *out, const u8 *src, unsigned int n, u32 amask, u32 aor)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		u32 v = get_unaligned_le16(src + 2 * i);
		u32 r = v >> 11, g = (v >> 5) & 0x3f, b = v & 0x1f;

		out[i] = ((r << 3 | r >> 2) << 16 | (g << 2 | g >> 4) << 8 |
			  (b << 3 | b >> 2)) | aor;
	}
}

/* Blenders: n pixels of src (0xAARRGGBB) over dst (0x00RRGGBB). */

/* BLEND_NONE, or an opaque format with COVERAGE: a = A for every pixel. */
static void blend_const(u32 *dst, const u32 *src, unsigned int n, u32 alpha)
{
	u32 inv = 255 - alpha;
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2) {
		u64 s = pair_load(src + i), d = pair_load(dst + i);
		u64 rb = (s & PAIR_RB) * alpha + (d & PAIR_RB) * inv;
		u64 g = ((s >> 8) & PAIR_G) * alpha + ((d >> 8) & PAIR_G) * inv;

		pair_store(dst + i, pair_div255(rb) | pair_div255(g) << 8);
	}
	if (i < n)
		dst[i] = gather(div255x3(spread(src[i]) * alpha + spread(dst[i]) * inv));
}

static void blend_coverage_one(u32 *dst, u32 s, u32 alpha)
{
	u32 a = s >> 24;

	if (alpha != 255)
		a = div255(a * alpha);
	if (a == 255)
		*dst = s & 0xffffff;
	else if (a)
		*dst = gather(div255x3(spread(s) * a + spread(*dst) * (255 - a)));
}

static void blend_coverage(u32 *dst, const u32 *src, unsigned int n, u32 alpha)
{
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2) {
		u64 s = pair_load(src + i);
		u32 a0 = (s >> 24) & 0xff, a1 = s >> 56;

		if (alpha != 255) {
			a0 = div255(a0 * alpha);
			a1 = div255(a1 * alpha);
		}
		if ((a0 & a1) == 255)
			pair_store(dst + i, s & PAIR_RGB);
		else if (a0 | a1)
			pair_store(dst + i, pair_mix(s, pair_load(dst + i), a0, a1));
	}
	if (i < n)
		blend_coverage_one(dst + i, src[i], alpha);
}

static void blend_premulti_one(u32 *dst, u32 s, u32 alpha)
{
	u32 a = s >> 24;
	u64 x = spread(s);

	if (alpha != 255) {
		a = div255(a * alpha);
		x = div255x3(x * alpha);
	}
	if (a != 255) {
		x += div255x3(spread(*dst) * (255 - a));
		/* min(255, lane): a lane over 255 has its bit 8 set. */
		x |= ((x & LANES_CARRY) >> 8) * 0xff;
	}
	*dst = gather(x);
}

static void blend_premulti(u32 *dst, const u32 *src, unsigned int n, u32 alpha)
{
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2) {
		u64 s = pair_load(src + i), d, rb, g;
		u32 a0, a1;

		if (alpha == 255 && (s & PAIR_ALPHA) == PAIR_ALPHA) {
			pair_store(dst + i, s & PAIR_RGB);
			continue;
		}
		/* Transparent black leaves the destination as it is. */
		if (!s)
			continue;
		a0 = (s >> 24) & 0xff;
		a1 = s >> 56;
		rb = s & PAIR_RB;
		g = (s >> 8) & PAIR_G;
		if (alpha != 255) {
			a0 = div255(a0 * alpha);
			a1 = div255(a1 * alpha);
			rb = pair_div255(rb * alpha);
			g = pair_div255(g * alpha);
		}
		d = pair_load(dst + i);
		rb = pair_sat(rb + pair_div255(pair_mul(d & PAIR_RB, 255 - a0, 255 - a1)));
		g = pair_sat(g + pair_div255(pair_mul((d >> 8) & PAIR_G, 255 - a0, 255 - a1)));
		pair_store(dst + i, (rb & PAIR_RB) | (g & PAIR_G) << 8);
	}
	if (i < n)
		blend_premulti_one(dst + i, src[i], alpha);
}

static bool format_opaque(u32 format)
{
	return format == OSPREY_FMT_XRGB8888 || format == OSPREY_FMT_XBGR8888 ||
	       format == OSPREY_FMT_RGB565;
}

/* Set up @b for @pl; false if the plane cannot be shown (unknown values). */
static bool disp_blender_init(struct disp_blender *b, const struct osprey_sim_plane_state *pl)
{
	bool opaque = format_opaque(pl->format);

	b->alpha = pl->alpha;
	b->cpp = 4;
	b->raw = false;
	b->amask = opaque ? 0xffffff : U32_MAX;
	b->aor = opaque ? 0xff000000 : 0;
	switch (pl->format) {
	case OSPREY_FMT_XRGB8888:
		b->convert = cvt_xrgb;
		break;
	case OSPREY_FMT_ARGB8888:
		b->convert = cvt_xrgb;
		b->raw = DISP_LE;
		break;
	case OSPREY_FMT_XBGR8888:
	case OSPREY_FMT_ABGR8888:
		b->convert = cvt_xbgr;
		break;
	case OSPREY_FMT_RGB565:
		b->convert = cvt_rgb565;
		b->cpp = 2;
		break;
	default:
		return false;
	}

	switch (pl->blend) {
	case OSPREY_BLEND_NONE:
		b->blend = blend_const;
		opaque = true;
		break;
	case OSPREY_BLEND_COVERAGE:
		b->blend = opaque ? blend_const : blend_coverage;
		break;
	case OSPREY_BLEND_PREMULTI:
		b->blend = blend_premulti;
		break;
	default:
		return false;
	}
	/* Pixel alpha ignored and plane alpha 255: every mode gives s. */
	b->direct = opaque && b->alpha == 255;
	if (b->direct) {
		b->amask = 0xffffff;
		b->aor = 0;
	}
	return true;
}

/* Put n pixels at src over dst. */
static void disp_span(struct osprey_sim_composer *c, const struct disp_blender *b, u32 *dst,
		      const u8 *src, unsigned int n)
{
	const u32 *s;

	if (b->direct) {
		b->convert(dst, src, n, b->amask, b->aor);
		return;
	}
	if (b->raw && IS_ALIGNED((unsigned long)src, 4)) {
		s = (const u32 *)src;
	} else {
		b->convert(c->scratch, src, n, b->amask, b->aor);
		s = c->scratch;
	}
	b->blend(dst, s, n, b->alpha);
}

/* Memory --------------------------------------------------------------- */

static void disp_tlb_flush(struct osprey_sim_composer *c)
{
	unsigned int i;

	for (i = 0; i < DISP_TLB_SIZE; i++)
		c->tlb[i].key = U64_MAX;
}

/* Translate the page of @va; 0 with its bus address, or the fault. */
static u32 disp_translate(struct osprey_sim_composer *c, u64 va, bool write, u64 *pa)
{
	u64 vpn = va / DISP_PAGE;
	struct disp_tlb_entry *e = &c->tlb[vpn % DISP_TLB_SIZE];
	u64 key = vpn << 1 | write;

	if (e->key != key) {
		e->key = key;
		e->pa = 0;
		e->fault = osprey_sim_mmu_walk(&c->as, va & ~(u64)(DISP_PAGE - 1),
					       write ? OSPREY_ACCESS_WRITE : OSPREY_ACCESS_READ,
					       &e->pa);
		/* A bus address with no RAM behind it cannot be read either. */
		if (!e->fault && !pfn_valid(PHYS_PFN(e->pa)))
			e->fault = OSPREY_FAULT_TRANSLATION;
	}
	*pa = e->pa;
	return e->fault;
}

static bool disp_unit_reserve(struct disp_unit *u)
{
	unsigned int need = u->rows * (u->bytes / DISP_PAGE + 2);
	u64 *pa;

	if (need <= u->cap)
		return true;
	pa = kvmalloc_array(need, sizeof(*pa), GFP_KERNEL);
	if (!pa)
		return false;
	kvfree(u->pa);
	u->pa = pa;
	u->cap = need;
	return true;
}

/* Whether a latch has replaced the frame's state. Called under scan_lock. */
static bool disp_stale(const struct osprey_sim_pipe *pipe, const struct disp_frame *f)
{
	return pipe->latch_seq != f->seq;
}

/*
 * Pass 1 for one unit: translate the pages of its rows. Return false if
 * the frame was abandoned; a page that does not translate marks the unit
 * failed.
 */
static bool disp_check_unit(struct osprey_sim_composer *c, struct osprey_sim_pipe *pipe,
			    const struct disp_frame *f, struct disp_unit *u, bool write)
{
	u32 row;

	u->npa = 0;
	u->failed = false;
	for (row = 0; row < u->rows; row++) {
		u64 va = u->va + (u64)row * u->pitch;
		u32 left = u->bytes;
		unsigned long flags;

		spin_lock_irqsave(&pipe->scan_lock, flags);
		if (disp_stale(pipe, f)) {
			spin_unlock_irqrestore(&pipe->scan_lock, flags);
			return false;
		}
		while (left) {
			u32 chunk = min_t(u32, left, DISP_PAGE - DISP_PAGE_OFFSET(va));
			u64 pa;

			if (disp_translate(c, va, write, &pa)) {
				u->failed = true;
				u->fault_va = va;
				break;
			}
			u->pa[u->npa++] = pa;
			va += chunk;
			left -= chunk;
		}
		spin_unlock_irqrestore(&pipe->scan_lock, flags);
		if (u->failed)
			return true;
		if (kthread_should_stop())
			return false;
		cond_resched();
	}
	return true;
}

/* Draw one row of a plane from its page pieces; *k indexes u->pa. */
static void disp_draw_row(struct osprey_sim_composer *c, const struct disp_blender *b,
			  const struct disp_unit *u, u32 *dst, u64 va, unsigned int *k)
{
	u32 left = u->bytes, px = 0, ncarry = 0;
	u8 carry[4];

	while (left) {
		u32 chunk = min_t(u32, left, DISP_PAGE - DISP_PAGE_OFFSET(va));
		u8 *map = osprey_sim_bus_map(u->pa[(*k)++] + DISP_PAGE_OFFSET(va));
		const u8 *p = map;
		u32 n = chunk;

		if (!map)
			return;
		/* A pixel split between two pages. */
		if (ncarry) {
			u32 take = min(b->cpp - ncarry, n);

			memcpy(carry + ncarry, p, take);
			ncarry += take;
			p += take;
			n -= take;
			if (ncarry == b->cpp) {
				disp_span(c, b, dst + px++, carry, 1);
				ncarry = 0;
			}
		}
		if (n >= b->cpp) {
			u32 pixels = n / b->cpp;

			disp_span(c, b, dst + px, p, pixels);
			px += pixels;
			p += pixels * b->cpp;
			n -= pixels * b->cpp;
		}
		if (n) {
			memcpy(carry, p, n);
			ncarry = n;
		}
		kunmap_local(map);
		va += chunk;
		left -= chunk;
	}
}

/* Pass 2 for one plane. Return false if the frame was abandoned. */
static bool disp_draw_plane(struct osprey_sim_composer *c, struct osprey_sim_pipe *pipe,
			    const struct disp_frame *f, const struct disp_unit *u,
			    const struct disp_blender *b, u32 *frame)
{
	u32 *dst = frame + (size_t)u->y * f->width + u->x;
	unsigned int k = 0;
	u32 row;

	for (row = 0; row < u->rows; row++) {
		unsigned long flags;

		spin_lock_irqsave(&pipe->scan_lock, flags);
		if (disp_stale(pipe, f)) {
			spin_unlock_irqrestore(&pipe->scan_lock, flags);
			return false;
		}
		disp_draw_row(c, b, u, dst, u->va + (u64)row * u->pitch, &k);
		spin_unlock_irqrestore(&pipe->scan_lock, flags);
		dst += f->width;
		if (kthread_should_stop())
			return false;
		cond_resched();
	}
	return true;
}

/* Write the frame to the writeback target (checked by pass 1). */
static void disp_write_back(const struct disp_unit *u, const struct disp_frame *f,
			    const u32 *frame)
{
	unsigned int k = 0;
	u32 row;

	for (row = 0; row < u->rows; row++) {
		const u32 *src = frame + (size_t)row * f->width;
		u64 va = u->va + (u64)row * u->pitch;
		u32 left = u->bytes;

		while (left) {
			u32 chunk = min_t(u32, left, DISP_PAGE - DISP_PAGE_OFFSET(va));
			__le32 *p = osprey_sim_bus_map(u->pa[k++] + DISP_PAGE_OFFSET(va));
			u32 i;

			if (!p)
				return;
			i = 0;
			if (DISP_LE)
				for (; i + 1 < chunk / 4; i += 2)
					pair_store((u32 *)&p[i], pair_load(src + i));
			for (; i < chunk / 4; i++)
				p[i] = cpu_to_le32(src[i]);
			kunmap_local(p);
			src += chunk / 4;
			va += chunk;
			left -= chunk;
		}
		cond_resched();
	}
}

static u32 disp_crc(const u32 *frame, u32 width, u32 height)
{
	u32 crc = ~0u, row;

	for (row = 0; row < height; row++) {
		const u32 *line = frame + (size_t)row * width;

		if (DISP_LE) {
			crc = crc32_le(crc, (const u8 *)line, width * 4);
		} else {
			u32 i;

			for (i = 0; i < width; i++) {
				__le32 word = cpu_to_le32(line[i]);

				crc = crc32_le(crc, (const u8 *)&word, 4);
			}
		}
		if (!(row % 64))
			cond_resched();
	}
	return crc ^ ~0u;
}

static void disp_fill(u32 *frame, size_t pixels, u32 color)
{
	u64 color2 = (u64)color << 32 | color;
	size_t i;

	for (i = 0; i + 1 < pixels; i += 2)
		pair_store(frame + i, color2);
	if (i < pixels)
		frame[i] = color;
}

/* Composition ---------------------------------------------------------- */

/* The planes to show, in drawing order: ascending ZPOS, then index. */
static unsigned int disp_plane_order(const struct osprey_sim_pipe_state *st, u8 *order)
{
	unsigned int n = 0, i, j;

	for (i = 0; i < OSPREY_NUM_PLANES; i++)
		if (st->plane[i].control & OSPREY_PLANE_ENABLE)
			order[n++] = i;
	/* Insertion sort, stable: equal ZPOS keeps index order. */
	for (i = 1; i < n; i++) {
		u8 v = order[i];

		for (j = i; j && st->plane[order[j - 1]].zpos > st->plane[v].zpos; j--)
			order[j] = order[j - 1];
		order[j] = v;
	}
	return n;
}

/* Lay out plane @i of @f in its unit; false if nothing of it is visible. */
static bool disp_plane_unit(const struct disp_frame *f, unsigned int i, struct disp_unit *u,
			    struct disp_blender *b)
{
	const struct osprey_sim_plane_state *pl = &f->st.plane[i];
	u32 x = width_of(pl->pos), y = height_of(pl->pos);
	u32 w = width_of(pl->size), h = height_of(pl->size);

	if (!disp_blender_init(b, pl) || x >= f->width || y >= f->height)
		return false;
	w = min(w, f->width - x);
	h = min(h, f->height - y);
	if (!w || !h)
		return false;
	u->va = pl->addr;
	u->pitch = pl->pitch;
	u->bytes = w * b->cpp;
	u->rows = h;
	u->x = x;
	u->y = y;
	return true;
}

static void disp_wb_unit(const struct disp_frame *f, struct disp_unit *u)
{
	u->va = f->wb.addr;
	u->pitch = f->wb.pitch;
	u->bytes = min(f->wb.width, f->width) * 4;
	u->rows = min(f->wb.height, f->height);
	u->x = 0;
	u->y = 0;
}

/* Whether plane unit @u, drawn first, hides the background everywhere. */
static bool disp_covers(const struct disp_frame *f, const struct disp_unit *u,
			const struct disp_blender *b)
{
	return u->used && !u->failed && b->direct && !u->x && !u->y &&
	       u->bytes / b->cpp == f->width && u->rows == f->height;
}

static bool disp_frame_buffer(struct disp_out *out, u32 width, u32 height)
{
	if (out->frame && out->width == width && out->height == height)
		return true;
	vfree(out->frame);
	out->frame = vmalloc(array3_size(width, height, sizeof(u32)));
	out->width = out->frame ? width : 0;
	out->height = out->frame ? height : 0;
	return out->frame;
}

static bool disp_cable_wanted(struct osprey_sim *sim, struct disp_out *out,
			      const struct disp_frame *f, u64 now, unsigned int pipe)
{
	unsigned int monitor_hz = sim->disp.monitor_hz;
	bool planes = false;
	unsigned int i;

	if (!monitor_hz || sim->index || !osprey_sim_cable_connected(pipe))
		return false;
	for (i = 0; i < OSPREY_NUM_PLANES; i++)
		planes |= f->st.plane[i].control & OSPREY_PLANE_ENABLE;
	/* Only when the picture may have changed. */
	if (out->shown && out->shown_seq == f->seq && !planes)
		return false;
	return !out->shown || now - out->shown_ns >= NSEC_PER_SEC / monitor_hz;
}

/* Publish the underrun state of a frame. */
static void disp_report_underrun(struct osprey_sim *sim, struct osprey_sim_pipe *pipe,
				 bool underrun, u32 unit, u64 va)
{
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	pipe->underrun = underrun;
	if (underrun) {
		pipe->underrun_addr = va;
		pipe->underrun_plane = unit == DISP_WB_UNIT ? OSPREY_UNDERRUN_WB : unit;
		pipe->underrun_count++;
		pipe->stats.underruns++;
		osprey_sim_raise_locked(sim, OSPREY_IRQ_UNDERRUN(pipe->index));
	}
	spin_unlock_irqrestore(&sim->lock, flags);
}

/* The owed writeback is over: written, faulted or lost. */
static void disp_wb_done_locked(struct osprey_sim_pipe *pipe, bool failed)
{
	lockdep_assert_held(&pipe->sim->lock);
	pipe->wb.armed = false;
	pipe->active.wb_control &= ~OSPREY_WB_ARM;
	pipe->pending.wb_control &= ~OSPREY_WB_ARM;
	pipe->wb_status = failed;
	osprey_sim_raise_locked(pipe->sim, OSPREY_IRQ_WB_DONE(pipe->index));
}

static void disp_abandon(struct osprey_sim *sim, struct osprey_sim_pipe *pipe)
{
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	pipe->stats.aborted++;
	/* Look again: the latch that abandoned this frame came with a newer one. */
	WRITE_ONCE(sim->disp.kick, true);
	spin_unlock_irqrestore(&sim->lock, flags);
}

/* Check, and if needed compose, frame @f of @pipe and act on it. */
static void disp_frame(struct osprey_sim *sim, struct osprey_sim_pipe *pipe, struct disp_frame *f)
{
	struct osprey_sim_composer *c = sim->disp.composer;
	struct disp_out *out = &c->out[pipe->index];
	struct disp_blender blender[OSPREY_NUM_PLANES];
	u32 fault_unit = 0, crc = 0;
	u8 order[OSPREY_NUM_PLANES];
	unsigned int nplanes, i;
	bool need, ok, fault = false;
	u64 fault_va = 0, t0, t_alloc;
	unsigned long flags;
	u32 *frame = NULL;
	int err;

	t0 = ktime_get_ns();
	f->present = disp_cable_wanted(sim, out, f, t0, pipe->index);
	need = f->crc || f->wb.armed || f->present;

	/* Lay the frame out. */
	nplanes = disp_plane_order(&f->st, order);
	for (i = 0; i < DISP_UNITS; i++)
		c->unit[i].used = false;
	for (i = 0; i < nplanes; i++)
		c->unit[order[i]].used = disp_plane_unit(f, order[i], &c->unit[order[i]],
							 &blender[order[i]]);
	if (f->wb.armed) {
		c->unit[DISP_WB_UNIT].used = true;
		disp_wb_unit(f, &c->unit[DISP_WB_UNIT]);
	}
	for (i = 0; i < DISP_UNITS; i++) {
		if (c->unit[i].used && !disp_unit_reserve(&c->unit[i])) {
			spin_lock_irqsave(&sim->lock, flags);
			pipe->stats.skipped++;
			spin_unlock_irqrestore(&sim->lock, flags);
			return;
		}
	}

	/* Pass 1: the check, in drawing order, then the writeback. */
	disp_tlb_flush(c);
	if (f->injected) {
		fault = true;
		fault_unit = OSPREY_PLANE_PRIMARY;
		fault_va = 0;
	}
	for (i = 0; i <= nplanes; i++) {
		unsigned int idx = i < nplanes ? order[i] : DISP_WB_UNIT;
		struct disp_unit *u = &c->unit[idx];

		if (!u->used)
			continue;
		if (!disp_check_unit(c, pipe, f, u, idx == DISP_WB_UNIT)) {
			disp_abandon(sim, pipe);
			return;
		}
		if (f->injected && idx == OSPREY_PLANE_PRIMARY)
			u->failed = true;
		if (u->failed && !fault) {
			fault = true;
			fault_unit = idx;
			fault_va = u->fault_va;
		}
	}

	if (!need) {
		disp_report_underrun(sim, pipe, fault, fault_unit, fault_va);
		spin_lock_irqsave(&sim->lock, flags);
		pipe->stats.checked++;
		spin_unlock_irqrestore(&sim->lock, flags);
		return;
	}

	/* Pass 2: drawing, into a buffer whose allocation is not composing. */
	t_alloc = ktime_get_ns();
	ok = disp_frame_buffer(out, f->width, f->height);
	t_alloc = ktime_get_ns() - t_alloc;
	if (!ok) {
		disp_report_underrun(sim, pipe, fault, fault_unit, fault_va);
		spin_lock_irqsave(&sim->lock, flags);
		pipe->stats.skipped++;
		spin_unlock_irqrestore(&sim->lock, flags);
		return;
	}
	frame = out->frame;
	if (!nplanes || !disp_covers(f, &c->unit[order[0]], &blender[order[0]]))
		disp_fill(frame, (size_t)f->width * f->height, f->st.bg_color & 0xffffff);
	for (i = 0; i < nplanes; i++) {
		struct disp_unit *u = &c->unit[order[i]];
		struct disp_blender *b = &blender[order[i]];

		if (!u->used || u->failed || !b->alpha)
			continue;
		if (!disp_draw_plane(c, pipe, f, u, b, frame)) {
			disp_abandon(sim, pipe);
			return;
		}
	}

	spin_lock_irqsave(&sim->lock, flags);
	pipe->stats.composed++;
	pipe->stats.last_ns = ktime_get_ns() - t0 - t_alloc;
	pipe->stats.max_ns = max(pipe->stats.max_ns, pipe->stats.last_ns);
	spin_unlock_irqrestore(&sim->lock, flags);

	disp_report_underrun(sim, pipe, fault, fault_unit, fault_va);

	if (f->crc) {
		crc = disp_crc(frame, f->width, f->height);
		spin_lock_irqsave(&sim->lock, flags);
		pipe->crc_value = crc;
		pipe->crc_frame = f->number;
		osprey_sim_raise_locked(sim, OSPREY_IRQ_CRC(pipe->index));
		spin_unlock_irqrestore(&sim->lock, flags);
	}

	if (f->wb.armed) {
		struct disp_unit *u = &c->unit[DISP_WB_UNIT];

		if (!u->failed)
			disp_write_back(u, f, frame);
		spin_lock_irqsave(&sim->lock, flags);
		if (pipe->wb.armed)
			disp_wb_done_locked(pipe, u->failed);
		spin_unlock_irqrestore(&sim->lock, flags);
	}

	if (f->present) {
		err = osprey_sim_cable_present(pipe->index, frame, f->width, f->height,
					       f->width * 4);
		out->shown = true;
		out->shown_seq = f->seq;
		out->shown_ns = t0;
		spin_lock_irqsave(&sim->lock, flags);
		if (!err)
			pipe->stats.presented++;
		else if (err != -ENODEV)
			pipe->stats.present_errors++;
		spin_unlock_irqrestore(&sim->lock, flags);
	}
}

/* A pipe that does not run: blank its output and drop its frame. */
static void disp_idle(struct osprey_sim *sim, struct osprey_sim_pipe *pipe)
{
	struct disp_out *out = &sim->disp.composer->out[pipe->index];

	if (out->shown) {
		osprey_sim_cable_present(pipe->index, NULL, 0, 0, 0);
		out->shown = false;
	}
	vfree(out->frame);
	out->frame = NULL;
	out->width = 0;
	out->height = 0;
}

static void disp_pipe_work(struct osprey_sim *sim, struct osprey_sim_pipe *pipe)
{
	struct disp_out *out = &sim->disp.composer->out[pipe->index];
	struct disp_frame f = {};
	bool running, fresh = false;
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	running = pipe->running;
	if (!running) {
		out->seen = pipe->frame_count;
		/* A writeback owed by a pipe that stopped is lost. */
		if (pipe->wb.armed)
			disp_wb_done_locked(pipe, true);
	} else if (pipe->frame_count != out->seen) {
		fresh = true;
		f.number = pipe->frame_count;
		pipe->stats.skipped += f.number - out->seen - 1;
		out->seen = f.number;
		f.st = pipe->active;
		f.seq = pipe->latch_seq;
		f.width = width_of(f.st.mode_size);
		f.height = height_of(f.st.mode_size);
		f.crc = pipe->crc_control & 1;
		f.wb = pipe->wb;
		f.injected = pipe->inject_underrun;
		pipe->inject_underrun = false;
		sim->disp.composer->as = sim->disp.as;
	}
	spin_unlock_irqrestore(&sim->lock, flags);

	if (!running)
		disp_idle(sim, pipe);
	else if (fresh)
		disp_frame(sim, pipe, &f);
}

static int disp_composer_thread(void *data)
{
	struct osprey_sim *sim = data;
	struct osprey_sim_display *disp = &sim->disp;
	unsigned int p;

	while (!kthread_should_stop()) {
		wait_event_idle(disp->wq, READ_ONCE(disp->kick) || kthread_should_stop());
		if (kthread_should_stop())
			break;
		WRITE_ONCE(disp->kick, false);
		for (p = 0; p < disp->num_pipes; p++)
			disp_pipe_work(sim, &disp->pipe[p]);
	}
	for (p = 0; p < disp->num_pipes; p++)
		disp_idle(sim, &disp->pipe[p]);
	return 0;
}

/* EDID ----------------------------------------------------------------- */

/* A detailed timing descriptor. */
struct disp_dtd {
	u32 clock_khz;
	u16 hactive, htotal, hfront, hsync;
	u16 vactive, vtotal, vfront, vsync;
	u8 flags;
};

/* The monitor's image size, in the base block (cm) and the timings (mm). */
#define EDID_WIDTH_MM		480
#define EDID_HEIGHT_MM		270

static void disp_edid_dtd(u8 *d, const struct disp_dtd *t)
{
	u16 clock = t->clock_khz / 10;
	u16 hblank = t->htotal - t->hactive, vblank = t->vtotal - t->vactive;

	d[0] = clock & 0xff;
	d[1] = clock >> 8;
	d[2] = t->hactive & 0xff;
	d[3] = hblank & 0xff;
	d[4] = (t->hactive >> 8) << 4 | hblank >> 8;
	d[5] = t->vactive & 0xff;
	d[6] = vblank & 0xff;
	d[7] = (t->vactive >> 8) << 4 | vblank >> 8;
	d[8] = t->hfront & 0xff;
	d[9] = t->hsync & 0xff;
	d[10] = (t->vfront & 0xf) << 4 | (t->vsync & 0xf);
	d[11] = (t->hfront >> 8) << 6 | (t->hsync >> 8) << 4 | (t->vfront >> 4) << 2 |
		t->vsync >> 4;
	d[12] = EDID_WIDTH_MM & 0xff;
	d[13] = EDID_HEIGHT_MM & 0xff;
	d[14] = (EDID_WIDTH_MM >> 8) << 4 | EDID_HEIGHT_MM >> 8;
	d[15] = 0;
	d[16] = 0;
	d[17] = t->flags;
}

/* Put chromaticity coordinates (10-bit binary fractions) at e[25..34]. */
static void disp_edid_chroma(u8 *e)
{
	/* sRGB: red, green, blue and white x, y, times 1024 and rounded. */
	static const u16 xy[8] = { 655, 338, 307, 614, 154, 61, 320, 337 };
	unsigned int i;

	e[25] = (xy[0] & 3) << 6 | (xy[1] & 3) << 4 | (xy[2] & 3) << 2 | (xy[3] & 3);
	e[26] = (xy[4] & 3) << 6 | (xy[5] & 3) << 4 | (xy[6] & 3) << 2 | (xy[7] & 3);
	for (i = 0; i < 8; i++)
		e[27 + i] = xy[i] >> 2;
}

static void disp_edid_build(u8 *e, unsigned int pipe)
{
	/* DMT 1024x768@60 and CEA/DMT 1920x1080@60. */
	static const struct disp_dtd xga = {
		.clock_khz = 65000, .hactive = 1024, .htotal = 1344, .hfront = 24, .hsync = 136,
		.vactive = 768, .vtotal = 806, .vfront = 3, .vsync = 6,
		.flags = 0x18,	/* digital separate sync, -hsync -vsync */
	};
	static const struct disp_dtd fhd = {
		.clock_khz = 148500, .hactive = 1920, .htotal = 2200, .hfront = 88, .hsync = 44,
		.vactive = 1080, .vtotal = 1125, .vfront = 4, .vsync = 5,
		.flags = 0x1e,	/* digital separate sync, +hsync +vsync */
	};
	static const u8 header[8] = { 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 };
	u16 vendor = ('O' - '@') << 10 | ('S' - '@') << 5 | ('P' - '@');
	u8 *d, sum = 0;
	unsigned int i;

	memset(e, 0, DISP_EDID_SIZE);
	memcpy(e, header, sizeof(header));
	e[8] = vendor >> 8;
	e[9] = vendor & 0xff;
	put_unaligned_le16(0x0001 + pipe, &e[10]);
	put_unaligned_le32(pipe, &e[12]);
	e[16] = 1;		/* week 1 */
	e[17] = 2026 - 1990;	/* year */
	e[18] = 1;		/* EDID 1.4 */
	e[19] = 4;
	e[20] = 0xa0;		/* digital, 8 bits per colour, interface undefined */
	e[21] = EDID_WIDTH_MM / 10;
	e[22] = EDID_HEIGHT_MM / 10;
	e[23] = 120;		/* gamma 2.2 */
	e[24] = 0x06;		/* RGB 4:4:4, sRGB, preferred timing is native */
	disp_edid_chroma(e);
	e[35] = 0x21;		/* established: 640x480@60, 800x600@60 */
	e[36] = 0x00;
	e[37] = 0x00;
	/* Standard timings: 1280x720@60 (16:9), the other seven unused. */
	e[38] = 1280 / 8 - 31;
	e[39] = 0xc0 | (60 - 60);
	for (i = 1; i < 8; i++) {
		e[38 + 2 * i] = 0x01;
		e[39 + 2 * i] = 0x01;
	}

	disp_edid_dtd(&e[54], &xga);
	disp_edid_dtd(&e[72], &fhd);

	/* Range limits: 50-75 Hz, 30-80 kHz, 150 MHz, no formula. */
	d = &e[90];
	d[3] = 0xfd;
	d[5] = 50;
	d[6] = 75;
	d[7] = 30;
	d[8] = 80;
	d[9] = 15;
	d[10] = 0x01;
	d[11] = 0x0a;
	memset(&d[12], 0x20, 6);

	/* Monitor name. */
	d = &e[108];
	d[3] = 0xfc;
	snprintf((char *)&d[5], 13, "Osprey-%u", pipe);
	i = strlen((char *)&d[5]);
	d[5 + i] = 0x0a;
	memset(&d[6 + i], 0x20, 13 - 1 - i);

	e[126] = 0;		/* no extension */
	for (i = 0; i < DISP_EDID_SIZE - 1; i++)
		sum += e[i];
	e[DISP_EDID_SIZE - 1] = -sum;
}

/* Life cycle ----------------------------------------------------------- */

static void disp_composer_free(struct osprey_sim_composer *c)
{
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < DISP_UNITS; i++)
		kvfree(c->unit[i].pa);
	for (i = 0; i < OSPREY_DISP_MAX_PIPES; i++)
		vfree(c->out[i].frame);
	kfree(c->scratch);
	kfree(c);
}

int osprey_sim_display_init(struct osprey_sim *sim, unsigned int num_pipes,
			    unsigned int monitor_hz)
{
	struct osprey_sim_display *disp = &sim->disp;
	struct osprey_sim_composer *c;
	struct task_struct *t;
	unsigned int p;

	if (num_pipes > OSPREY_DISP_MAX_PIPES)
		return -EINVAL;
	disp->num_pipes = 0;
	if (!num_pipes)
		return 0;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->scratch = kmalloc_array(DISP_SCRATCH_PIXELS, sizeof(u32), GFP_KERNEL);
	if (!c->scratch) {
		disp_composer_free(c);
		return -ENOMEM;
	}

	init_waitqueue_head(&disp->wq);
	disp->monitor_hz = monitor_hz;
	disp->composer = c;
	for (p = 0; p < num_pipes; p++) {
		struct osprey_sim_pipe *pipe = &disp->pipe[p];

		pipe->sim = sim;
		pipe->index = p;
		spin_lock_init(&pipe->scan_lock);
		hrtimer_init(&pipe->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
		pipe->timer.function = disp_vblank;
		pipe->connected = true;
		pipe->edid_size = DISP_EDID_SIZE;
		disp_edid_build(pipe->edid, p);
		/* Device 0 may show on a monitor: start by blanking it. */
		c->out[p].shown = !sim->index && monitor_hz;
	}
	WRITE_ONCE(disp->kick, true);
	/* Registers exist from here on. */
	disp->num_pipes = num_pipes;

	t = kthread_run(disp_composer_thread, sim, "osprey-disp/%u", sim->index);
	if (IS_ERR(t)) {
		disp->num_pipes = 0;
		disp->composer = NULL;
		disp_composer_free(c);
		return PTR_ERR(t);
	}
	disp->thread = t;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(osprey_sim_display_init);

void osprey_sim_display_fini(struct osprey_sim *sim)
{
	struct osprey_sim_display *disp = &sim->disp;
	unsigned long flags;
	unsigned int p;

	if (!disp->num_pipes)
		return;

	spin_lock_irqsave(&sim->lock, flags);
	disp->dying = true;
	spin_unlock_irqrestore(&sim->lock, flags);

	for (p = 0; p < disp->num_pipes; p++)
		hrtimer_cancel(&disp->pipe[p].timer);
	kthread_stop(disp->thread);
	disp->thread = NULL;

	spin_lock_irqsave(&sim->lock, flags);
	disp->num_pipes = 0;
	spin_unlock_irqrestore(&sim->lock, flags);
	disp_composer_free(disp->composer);
	disp->composer = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(osprey_sim_display_fini);
