// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey GPU coredumps
 *
 * What happens when a job hangs or faults, after the engine code has
 * stopped the engine (docs/coredump-format.md for the result).
 *
 * Capture, in the fence-signalling path: the hung job's fence cannot
 * signal until the engine is reset, so nothing here may wait for memory
 * reclaim (which may wait for that fence) or for a lock held by someone who
 * waits for it. The snapshot itself was reserved at probe (two per device);
 * buffer contents go into pages allocated with GFP_NOWAIT; the VM is read
 * under a trylock of its lock, retried for up to 20 ms (a bind that holds
 * it may be waiting for the hung job), the page-table walk without a lock
 * (tables are freed only with their VM, which the capture holds). What cannot be had is recorded as
 * skipped, with the reason, never silently left out.
 *
 * Budget: ``coredump_budget`` bounds the text. The fixed sections take at
 * most %OSPREY_CD_FIXED_BYTES; buffer contents share the rest, the batch
 * buffer first, then the other buffers smallest first, each whole if it
 * fits, the first that does not fit cut short (``truncated: yes``) and the
 * rest skipped with reason "budget".
 *
 * Privacy: only buffers mapped in the guilty job's VM, which belongs to the
 * file that submitted the job, are read; of those, buffers shared with
 * anything else (exported, imported, flink-named) are listed but never
 * read.
 *
 * Format and publish, in a worker: two passes over the snapshot, the first
 * counting, the second writing into one vmalloc'd buffer of exactly that
 * size. The text joins the debugfs history (``coredump_history`` dumps)
 * and, unless the device already has a dump pending in devcoredump, a copy
 * goes to dev_coredumpv(); a dump not published for that reason counts as
 * lost.
 *
 * Display: every capture also reads the display controller's registers,
 * through the bus like the engine's (the global ones, then each pipe's,
 * its writeback's and its planes'), and the driver's last CRCs of each pipe
 * (osprey_display_crc_history()). A display underrun, which the KMS code
 * reports with osprey_coredump_display_underrun(), is a capture of its own:
 * queued on the engine's reset workqueue (the hang, fault and manual
 * captures run there too, so no two captures race for a snapshot), with
 * reason "display-underrun", no job and no VM, and without stopping the
 * engine, which has nothing to do with it. An underrun that lasts repeats
 * every frame: one capture per pipe every %OSPREY_CD_UNDERRUN_INTERVAL_MS
 * at most.
 *
 * Lockdep is primed at probe with a dry run of the capture inside a
 * fence-signalling section, after teaching it that memory reclaim may wait
 * for fences: a GFP_KERNEL allocation or a blocking lock added to the
 * capture path is reported by any debug-kernel boot, not only on a hang.
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/highmem.h>
#include <linux/kernfs.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/devcoredump.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "osprey_coredump.h"
#include "osprey_drv.h"

static unsigned long coredump_budget = SZ_16M;
module_param(coredump_budget, ulong, 0644);
MODULE_PARM_DESC(coredump_budget, "Largest coredump in bytes, 256 KiB to 1 GiB (default 16 MiB)");

static unsigned int coredump_history = 4;
module_param(coredump_history, uint, 0444);
MODULE_PARM_DESC(coredump_history, "Coredumps kept in debugfs (default 4)");

/* Upper bound of everything but buffer contents, and of one bo header. */
#define OSPREY_CD_FIXED_BYTES	(128 * 1024)
#define OSPREY_CD_BO_HDR_BYTES	512
#define OSPREY_CD_MIN_BUDGET	(2 * OSPREY_CD_FIXED_BYTES)
#define OSPREY_CD_MAX_BUDGET	SZ_1G
/* Snapshots reserved per device. */
#define OSPREY_CD_NUM_SNAPS	2
/* Tries of the VM's lock, 0.5 to 1 ms apart. */
#define OSPREY_CD_LOCK_TRIES	20
/* Display underruns of a pipe closer than this to its last capture are not captured. */
#define OSPREY_CD_UNDERRUN_INTERVAL_MS	5000
/* Ring bytes dumped before RING_HEAD and after the tail. */
#define OSPREY_CD_RING_BEFORE	256
#define OSPREY_CD_RING_AFTER	64

static struct osprey_coredump *to_cd(struct osprey_device *odev)
{
	return &odev->coredump;
}

static void cd_skip(struct osprey_cd_snapshot *snap, const char *what, u32 index,
		    const char *reason)
{
	struct osprey_cd_skip *s;

	if (snap->nskips == OSPREY_CD_MAX_SKIPS)
		return;
	s = &snap->skips[snap->nskips++];
	s->what = what;
	s->index = index;
	s->reason = reason;
}

/* Capture ------------------------------------------------------------------ */

static void cd_capture_regs(struct osprey_device *odev, struct osprey_cd_snapshot *snap)
{
	unsigned int i;

	for (i = 0; i < osprey_cd_reg_count(); i++) {
		const char *name;
		int as;

		snap->regs[i] = osprey_read(odev, osprey_cd_reg_at(i, &name, &as));
	}
	snap->ip = osprey_isa_u64(osprey_read(odev, OSPREY_REG_CURRENT_IP_LO),
				  osprey_read(odev, OSPREY_REG_CURRENT_IP_HI));
	/*
	 * The fault registers keep the last fault until a RESET: only a
	 * stopped-by-fault engine's are about this job.
	 */
	if (snap->halt == OSPREY_CD_STOPPED_ERROR)
		snap->fault_status = osprey_read(odev, OSPREY_REG_FAULT_STATUS);
	snap->fault_access = osprey_read(odev, OSPREY_REG_FAULT_ACCESS);
	snap->fault_as = osprey_read(odev, OSPREY_REG_FAULT_AS);
	snap->fault_address = osprey_isa_u64(osprey_read(odev, OSPREY_REG_FAULT_ADDRESS_LO),
					     osprey_read(odev, OSPREY_REG_FAULT_ADDRESS_HI));
}

static void cd_capture_plane(struct osprey_device *odev, u32 base, struct osprey_cd_plane *pl)
{
	pl->control = osprey_read(odev, base + OSPREY_PLANE_CONTROL);
	pl->format = osprey_read(odev, base + OSPREY_PLANE_FORMAT);
	pl->addr = osprey_isa_u64(osprey_read(odev, base + OSPREY_PLANE_ADDR_LO),
				  osprey_read(odev, base + OSPREY_PLANE_ADDR_HI));
	pl->pitch = osprey_read(odev, base + OSPREY_PLANE_PITCH);
	pl->size = osprey_read(odev, base + OSPREY_PLANE_SIZE);
	pl->pos = osprey_read(odev, base + OSPREY_PLANE_POS);
	pl->alpha = osprey_read(odev, base + OSPREY_PLANE_ALPHA);
	pl->blend = osprey_read(odev, base + OSPREY_PLANE_BLEND);
	pl->zpos = osprey_read(odev, base + OSPREY_PLANE_ZPOS);
}

static void cd_capture_pipe(struct osprey_device *odev, unsigned int p,
			    struct osprey_cd_pipe *pp)
{
	const u32 base = OSPREY_DISP_PIPE(p);
	unsigned long flags;
	unsigned int i, n;
	u32 lo, hi;

	pp->control = osprey_read(odev, base + OSPREY_PIPE_CONTROL);
	pp->mode_size = osprey_read(odev, base + OSPREY_PIPE_MODE_SIZE);
	pp->mode_total = osprey_read(odev, base + OSPREY_PIPE_MODE_TOTAL);
	pp->mode_clock = osprey_read(odev, base + OSPREY_PIPE_MODE_CLOCK);
	pp->bg_color = osprey_read(odev, base + OSPREY_PIPE_BG_COLOR);
	pp->update = osprey_read(odev, base + OSPREY_PIPE_UPDATE);
	pp->status = osprey_read(odev, base + OSPREY_PIPE_STATUS);
	pp->frame_count = osprey_read(odev, base + OSPREY_PIPE_FRAME_COUNT);
	pp->crc_control = osprey_read(odev, base + OSPREY_PIPE_CRC_CONTROL);
	/*
	 * Reading VBLANK_TS_LO latches its HI half, reading CRC_VALUE latches
	 * CRC_FRAME: each pair is read back to back, with this CPU's
	 * interrupts off, so that the display's interrupt handler cannot come
	 * between the two reads of either pair here. (On another CPU it
	 * could, between its own two reads: a window of one register read,
	 * which a capture opens once.)
	 */
	local_irq_save(flags);
	lo = osprey_read(odev, base + OSPREY_PIPE_VBLANK_TS_LO);
	hi = osprey_read(odev, base + OSPREY_PIPE_VBLANK_TS_HI);
	pp->crc_value = osprey_read(odev, base + OSPREY_PIPE_CRC_VALUE);
	pp->crc_frame = osprey_read(odev, base + OSPREY_PIPE_CRC_FRAME);
	local_irq_restore(flags);
	pp->vblank_ts = osprey_isa_u64(lo, hi);
	pp->conn_status = osprey_read(odev, base + OSPREY_PIPE_CONN_STATUS);
	pp->edid_size = osprey_read(odev, base + OSPREY_PIPE_EDID_SIZE);
	pp->underrun_addr = osprey_isa_u64(osprey_read(odev, base + OSPREY_PIPE_UNDERRUN_ADDR_LO),
					   osprey_read(odev, base + OSPREY_PIPE_UNDERRUN_ADDR_HI));
	pp->underrun_plane = osprey_read(odev, base + OSPREY_PIPE_UNDERRUN_PLANE);
	pp->underrun_count = osprey_read(odev, base + OSPREY_PIPE_UNDERRUN_COUNT);
	pp->wb_addr = osprey_isa_u64(osprey_read(odev, base + OSPREY_PIPE_WB_ADDR_LO),
				     osprey_read(odev, base + OSPREY_PIPE_WB_ADDR_HI));
	pp->wb_pitch = osprey_read(odev, base + OSPREY_PIPE_WB_PITCH);
	pp->wb_control = osprey_read(odev, base + OSPREY_PIPE_WB_CONTROL);
	pp->wb_status = osprey_read(odev, base + OSPREY_PIPE_WB_STATUS);
	for (i = 0; i < OSPREY_NUM_PLANES; i++)
		cd_capture_plane(odev, base + OSPREY_PIPE_PLANE(i), &pp->planes[i]);

	n = osprey_display_crc_history(odev, p, pp->crcs, pp->crc_frames,
				       OSPREY_CD_DISPLAY_CRCS);
	pp->ncrcs = min_t(unsigned int, n, OSPREY_CD_DISPLAY_CRCS);
}

/* The display controller's registers; for an underrun, its pipe's address. */
static void cd_capture_display(struct osprey_device *odev, struct osprey_cd_snapshot *snap,
			       u32 underrun_pipe)
{
	struct osprey_cd_display *d = &snap->display;
	unsigned int p;

	d->underrun_pipe = OSPREY_CD_NO_PIPE;
	d->present = odev->info.features & OSPREY_FEATURE_DISPLAY;
	if (!d->present)
		return;
	d->num_pipes = osprey_read(odev, OSPREY_REG_DISP_NUM_PIPES);
	d->npipes = min_t(u32, d->num_pipes, OSPREY_DISP_MAX_PIPES);
	if (d->npipes < d->num_pipes)
		cd_skip(snap, "display", 0, "more pipes than the display controller may have");
	d->as_control = osprey_read(odev, OSPREY_REG_DISP_AS_CONTROL);
	d->pgtable = osprey_isa_u64(osprey_read(odev, OSPREY_REG_DISP_PGTABLE_LO),
				    osprey_read(odev, OSPREY_REG_DISP_PGTABLE_HI));
	d->max_width = osprey_read(odev, OSPREY_REG_DISP_MAX_WIDTH);
	d->max_height = osprey_read(odev, OSPREY_REG_DISP_MAX_HEIGHT);
	for (p = 0; p < d->npipes; p++)
		cd_capture_pipe(odev, p, &d->pipes[p]);

	if (underrun_pipe >= OSPREY_DISP_MAX_PIPES)
		return;
	d->underrun_pipe = underrun_pipe;
	if (underrun_pipe < d->npipes) {
		d->underrun_addr = d->pipes[underrun_pipe].underrun_addr;
		d->underrun_plane = d->pipes[underrun_pipe].underrun_plane;
		return;
	}
	d->underrun_addr =
		osprey_isa_u64(osprey_read(odev, OSPREY_DISP_PIPE(underrun_pipe) +
					   OSPREY_PIPE_UNDERRUN_ADDR_LO),
			       osprey_read(odev, OSPREY_DISP_PIPE(underrun_pipe) +
					   OSPREY_PIPE_UNDERRUN_ADDR_HI));
	d->underrun_plane = osprey_read(odev, OSPREY_DISP_PIPE(underrun_pipe) +
					OSPREY_PIPE_UNDERRUN_PLANE);
}

static void cd_capture_ring(struct osprey_device *odev, struct osprey_cd_snapshot *snap)
{
	struct osprey_engine *e = &odev->engine;
	const u32 mask = OSPREY_RING_SIZE - 1;
	u32 start, bytes, i;

	snap->ring_size = OSPREY_RING_SIZE;
	snap->ring_head = osprey_read(odev, OSPREY_REG_RING_HEAD) & mask & ~3u;
	/* A display capture runs beside run_job(): a value, if not the newest. */
	snap->ring_tail = READ_ONCE(e->tail);
	start = (snap->ring_head - OSPREY_CD_RING_BEFORE) & mask;
	bytes = ((snap->ring_tail - start) & mask) + OSPREY_CD_RING_AFTER;
	bytes = min_t(u32, bytes, OSPREY_CD_RING_WORDS * sizeof(u32));
	snap->ring_start = start;
	snap->ring_nwords = bytes / sizeof(u32);
	for (i = 0; i < snap->ring_nwords; i++)
		snap->ring_words[i] = le32_to_cpu(READ_ONCE(e->ring[((start / 4) + i) &
								    (mask / 4)]));
}

/* The guilty job, the other jobs on the ring, and a reference on its VM. */
static void cd_capture_jobs(struct osprey_device *odev, struct osprey_cd_snapshot *snap,
			    struct osprey_hw_fence *guilty)
{
	struct osprey_engine *e = &odev->engine;
	struct osprey_hw_fence *hw;
	unsigned long flags;

	spin_lock_irqsave(&e->fence_lock, flags);
	/*
	 * Only while its fence is pending is the job, and so its VM, sure to
	 * be alive: the job is freed after the fence signals, which needs
	 * this lock.
	 */
	if (guilty && !list_empty(&guilty->link) &&
	    !test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &guilty->base.flags)) {
		snap->has_job = true;
		snap->job = guilty->info;
		snap->job.hw_seqno = (u32)guilty->base.seqno;
		snap->vm = osprey_vm_get(guilty->vm);
	}
	list_for_each_entry(hw, &e->pending, link) {
		if (hw == guilty)
			continue;
		if (snap->njobs == OSPREY_CD_MAX_JOBS) {
			cd_skip(snap, "jobs", 0, "more jobs on the ring than a dump lists");
			break;
		}
		snap->jobs[snap->njobs] = hw->info;
		snap->jobs[snap->njobs].hw_seqno = (u32)hw->base.seqno;
		snap->njobs++;
	}
	spin_unlock_irqrestore(&e->fence_lock, flags);

	if (guilty && !snap->has_job)
		cd_skip(snap, "job", 0, "it completed during the capture");
}

/* The index of @obj in the snapshot's buffers, adding it; -1 when full. */
static int cd_bo_index(struct osprey_device *odev, struct osprey_cd_snapshot *snap,
		       struct drm_gem_object *obj, u64 va)
{
	struct osprey_bo_attrs *attrs = osprey_gem_attrs(obj);
	struct osprey_cd_bo *bo;
	unsigned int i;

	for (i = 0; i < snap->nbos; i++)
		if (snap->bos[i].obj == obj)
			return i;
	if (snap->nbos == OSPREY_CD_MAX_BOS)
		return -1;

	bo = &snap->bos[snap->nbos];
	memset(bo, 0, sizeof(*bo));
	bo->obj = obj;
	bo->va = va;
	bo->size = obj->size;
	if (obj->import_attach || !to_osprey_bo(obj))
		bo->shared = OSPREY_CD_IMPORTED;
	else if (READ_ONCE(obj->dma_buf))
		bo->shared = OSPREY_CD_EXPORTED;
	else if (READ_ONCE(obj->name))
		bo->shared = OSPREY_CD_FLINK;
	if (attrs) {
		spin_lock(&odev->label_lock);
		strscpy(bo->label, attrs->label, sizeof(bo->label));
		spin_unlock(&odev->label_lock);
	}
	return snap->nbos++;
}

/* Record the mappings of the guilty VM; its lock is held. */
static void cd_capture_mappings_locked(struct osprey_device *odev,
				       struct osprey_cd_snapshot *snap)
{
	struct osprey_vm *vm = snap->vm;
	u64 batch = snap->job.batch_va;
	struct drm_gpuva *va;
	int bo;

	lockdep_assert_held(&vm->lock);

	drm_gpuvm_for_each_va(va, &vm->base) {
		struct osprey_cd_mapping *m;

		if (snap->nmappings == OSPREY_CD_MAX_MAPPINGS) {
			cd_skip(snap, "mappings", 0, "more mappings than a dump lists");
			return;
		}
		bo = cd_bo_index(odev, snap, va->gem.obj, va->va.addr);
		if (bo < 0) {
			cd_skip(snap, "mappings", 0, "more buffers than a dump lists");
			return;
		}
		if (batch >= va->va.addr && batch - va->va.addr < va->va.range)
			snap->bos[bo].batch = true;
		m = &snap->mappings[snap->nmappings++];
		m->va = va->va.addr;
		m->size = va->va.range;
		m->offset = va->gem.offset;
		m->bo = bo;
		m->readonly = osprey_vm_va_readonly(va);
	}
}

/* Batch first, then smallest first: the order of capture and of the dump. */
static bool cd_bo_before(const struct osprey_cd_bo *a, const struct osprey_cd_bo *b)
{
	if (a->batch != b->batch)
		return a->batch;
	return a->size < b->size;
}

static void cd_sort_bos(struct osprey_cd_snapshot *snap)
{
	u8 pos[OSPREY_CD_MAX_BOS], inv[OSPREY_CD_MAX_BOS];
	unsigned int i, j;

	/* Insertion sort of at most 64 entries, remembering where each went. */
	for (i = 0; i < snap->nbos; i++)
		pos[i] = i;
	for (i = 1; i < snap->nbos; i++) {
		struct osprey_cd_bo tmp = snap->bos[i];
		u8 p = pos[i];

		for (j = i; j > 0 && cd_bo_before(&tmp, &snap->bos[j - 1]); j--) {
			snap->bos[j] = snap->bos[j - 1];
			pos[j] = pos[j - 1];
		}
		snap->bos[j] = tmp;
		pos[j] = p;
	}
	/* pos[new] = old: turn it around for the mappings. */
	for (i = 0; i < snap->nbos; i++)
		inv[pos[i]] = i;
	for (i = 0; i < snap->nmappings; i++)
		snap->mappings[i].bo = inv[snap->mappings[i].bo];
	for (i = 0; i < snap->nbos; i++)
		INIT_LIST_HEAD(&snap->bos[i].pages);
}

/* A page for captured content: the one allocation of the capture path. */
static struct page *cd_alloc_page(void)
{
	return alloc_page(GFP_NOWAIT | __GFP_NOWARN);
}

/*
 * Copy up to @max bytes of @bo's pages; false if a page could not be had.
 * The pages are pinned while the buffer is mapped, and the VM's lock keeps
 * it mapped.
 */
static bool cd_copy_bo(struct osprey_cd_bo *bo, u64 max)
{
	struct drm_gem_shmem_object *shmem = &to_osprey_bo(bo->obj)->base;
	pgoff_t i, n = DIV_ROUND_UP(max, PAGE_SIZE);

	for (i = 0; i < n; i++) {
		struct page *page = cd_alloc_page();

		if (!page)
			return false;
		copy_highpage(page, shmem->pages[i]);
		list_add_tail(&page->lru, &bo->pages);
		bo->captured = min_t(u64, (u64)(i + 1) * PAGE_SIZE, max);
	}
	return true;
}

/* Copy the contents the budget allows; the VM's lock is held. */
static void cd_capture_contents_locked(struct osprey_cd_snapshot *snap)
{
	u64 left = snap->budget - OSPREY_CD_FIXED_BYTES;
	unsigned int i;

	lockdep_assert_held(&snap->vm->lock);

	for (i = 0; i < snap->nbos; i++) {
		struct osprey_cd_bo *bo = &snap->bos[i];
		u64 max;

		left -= min_t(u64, left, OSPREY_CD_BO_HDR_BYTES);
		if (bo->shared != OSPREY_CD_PRIVATE) {
			bo->skipped = "shared buffer";
			cd_skip(snap, "bo", i, "shared with another file or device");
			continue;
		}
		/* The most content whose text fits: 64 bytes take 81 characters. */
		max = min(bo->size, left / 81 * 64);
		if (max < bo->size) {
			bo->truncated = true;
			snap->truncated = true;
		}
		if (!max) {
			bo->skipped = "budget";
			cd_skip(snap, "bo", i, "over the coredump budget");
			continue;
		}
		if (!cd_copy_bo(bo, max)) {
			bo->truncated = true;
			if (!bo->captured)
				bo->skipped = "allocation failed";
			cd_skip(snap, "bo", i, "no memory without waiting");
		}
		left -= min(left, osprey_coredump_bo_text_max(bo->captured));
	}
}

static void cd_capture_vm(struct osprey_device *odev, struct osprey_cd_snapshot *snap)
{
	struct osprey_vm *vm = snap->vm;
	unsigned int tries;

	snap->owner_pid = vm->owner_pid;
	memcpy(snap->owner_comm, vm->owner_comm, sizeof(snap->owner_comm));
	if (snap->fault_status == OSPREY_FAULT_TRANSLATION ||
	    snap->fault_status == OSPREY_FAULT_PERMISSION)
		snap->walk_levels = osprey_vm_walk(vm, snap->fault_address, snap->walk);

	/*
	 * Never a blocking lock: an unmap holds it while it waits for the
	 * hung job. But SUBMIT holds it for a moment after a job is pushed,
	 * and a job that faults at once would find it taken: try again for
	 * a bounded 20 ms.
	 */
	for (tries = 0; !mutex_trylock(&vm->lock); tries++) {
		if (tries == OSPREY_CD_LOCK_TRIES) {
			cd_skip(snap, "mappings", 0, "the VM was being changed");
			return;
		}
		usleep_range(500, 1000);
	}
	cd_capture_mappings_locked(odev, snap);
	cd_sort_bos(snap);
	cd_capture_contents_locked(snap);
	mutex_unlock(&vm->lock);
}

static struct osprey_cd_snapshot *cd_get_snapshot(struct osprey_coredump *cd)
{
	struct osprey_cd_snapshot *snap;

	spin_lock(&cd->snap_lock);
	snap = list_first_entry_or_null(&cd->free_snaps, struct osprey_cd_snapshot, link);
	if (snap)
		list_del(&snap->link);
	spin_unlock(&cd->snap_lock);
	return snap;
}

/*
 * Fill @snap; no allocation but GFP_NOWAIT pages, no blocking lock.
 * @underrun_pipe: the pipe of a display underrun, or %OSPREY_CD_NO_PIPE.
 */
static void cd_fill(struct osprey_device *odev, struct osprey_cd_snapshot *snap,
		    u32 reason, u32 halt, struct osprey_hw_fence *guilty, u64 detected_ns,
		    u32 underrun_pipe)
{
	u64 start = ktime_get_boottime_ns();

	/* Off every list while it is filled. */
	memset(snap, 0, sizeof(*snap));
	snap->reason = reason;
	snap->halt = halt;
	snap->budget = clamp_t(u64, READ_ONCE(coredump_budget), OSPREY_CD_MIN_BUDGET,
			       OSPREY_CD_MAX_BUDGET);
	snap->detected_ns = detected_ns;
	snap->uptime_ns = start;
	ktime_get_real_ts64(&snap->time);

	cd_capture_regs(odev, snap);
	cd_capture_display(odev, snap, underrun_pipe);
	cd_capture_ring(odev, snap);
	/* A running engine's list of jobs is no picture of anything. */
	if (halt == OSPREY_CD_RUNNING)
		cd_skip(snap, "jobs", 0, "the engine was not stopped for this capture");
	else
		cd_capture_jobs(odev, snap, guilty);
	if (snap->vm)
		cd_capture_vm(odev, snap);
	snap->capture_ns = ktime_get_boottime_ns() - start;
}

static void cd_capture(struct osprey_device *odev, u32 reason, u32 halt,
		       struct osprey_hw_fence *guilty, u64 detected_ns, u32 underrun_pipe)
{
	struct osprey_coredump *cd = to_cd(odev);
	struct osprey_cd_snapshot *snap = cd_get_snapshot(cd);

	if (!snap) {
		atomic_inc(&cd->failed);
		dev_warn_ratelimited(odev->drm.dev,
				     "coredump: the last two are still being written, this one is lost\n");
		return;
	}
	cd_fill(odev, snap, reason, halt, guilty, detected_ns, underrun_pipe);
	atomic_inc(&cd->captured);
	atomic_set(&cd->last_capture_us, div_u64(snap->capture_ns, NSEC_PER_USEC));

	spin_lock(&cd->snap_lock);
	snap->seq = ++cd->seq;
	list_add_tail(&snap->link, &cd->queued);
	spin_unlock(&cd->snap_lock);
	queue_work(system_unbound_wq, &cd->work);
}

void osprey_coredump_capture(struct osprey_device *odev, u32 reason, u32 halt,
			     struct osprey_hw_fence *guilty, u64 detected_ns)
{
	cd_capture(odev, reason, halt, guilty, detected_ns, OSPREY_CD_NO_PIPE);
}

/*
 * The display underruns reported since the last run, one capture each (on
 * the reset workqueue: in the fence-signalling path of the hangs queued
 * behind it, with the same rules as theirs).
 */
static void cd_underrun_work(struct work_struct *work)
{
	struct osprey_coredump *cd = container_of(work, struct osprey_coredump, underrun_work);
	struct osprey_device *odev = container_of(cd, struct osprey_device, coredump);
	u64 detected[OSPREY_DISP_MAX_PIPES];
	unsigned long pending;
	unsigned int pipe;
	bool cookie;
	int idx;

	spin_lock_irq(&cd->underrun_lock);
	pending = cd->underrun_pending;
	cd->underrun_pending = 0;
	memcpy(detected, cd->underrun_detected_ns, sizeof(detected));
	spin_unlock_irq(&cd->underrun_lock);

	if (!drm_dev_enter(&odev->drm, &idx))
		return;
	cookie = dma_fence_begin_signalling();
	for_each_set_bit(pipe, &pending, OSPREY_DISP_MAX_PIPES) {
		u64 last = cd->underrun_last_ns[pipe];
		u64 interval = OSPREY_CD_UNDERRUN_INTERVAL_MS * NSEC_PER_MSEC;

		if (last && detected[pipe] - last < interval) {
			atomic_inc(&cd->underruns_ratelimited);
			continue;
		}
		cd->underrun_last_ns[pipe] = detected[pipe];
		cd_capture(odev, OSPREY_CD_REASON_DISPLAY_UNDERRUN, OSPREY_CD_RUNNING, NULL,
			   detected[pipe], pipe);
	}
	dma_fence_end_signalling(cookie);
	drm_dev_exit(idx);
}

void osprey_coredump_display_underrun(struct osprey_device *odev, unsigned int pipe)
{
	struct osprey_coredump *cd = to_cd(odev);
	unsigned long flags;

	if (drm_WARN_ON_ONCE(&odev->drm, pipe >= OSPREY_DISP_MAX_PIPES) ||
	    !(odev->info.features & OSPREY_FEATURE_DISPLAY))
		return;
	spin_lock_irqsave(&cd->underrun_lock, flags);
	if (!cd->unplugged) {
		if (!(cd->underrun_pending & BIT(pipe))) {
			cd->underrun_pending |= BIT(pipe);
			cd->underrun_detected_ns[pipe] = ktime_get_boottime_ns();
		}
		queue_work(odev->engine.reset_wq, &cd->underrun_work);
	}
	spin_unlock_irqrestore(&cd->underrun_lock, flags);
}

/* Format and publish -------------------------------------------------------- */

static void cd_release_snapshot(struct osprey_coredump *cd, struct osprey_cd_snapshot *snap)
{
	struct page *page, *next;
	unsigned int i;

	for (i = 0; i < snap->nbos; i++) {
		list_for_each_entry_safe(page, next, &snap->bos[i].pages, lru) {
			list_del(&page->lru);
			__free_page(page);
		}
	}
	snap->nbos = 0;
	osprey_vm_put(snap->vm);
	snap->vm = NULL;

	spin_lock(&cd->snap_lock);
	list_add_tail(&snap->link, &cd->free_snaps);
	spin_unlock(&cd->snap_lock);
}

static void cd_text_release(struct kref *kref)
{
	struct osprey_cd_text *text = container_of(kref, struct osprey_cd_text, refcount);

	vfree(text->data);
	kfree(text);
}

static void cd_text_put(struct osprey_cd_text *text)
{
	kref_put(&text->refcount, cd_text_release);
}

/* Whether devcoredump still holds a dump of @dev (its "devcoredump" link). */
static bool cd_pending(struct device *dev)
{
	struct kernfs_node *kn = kernfs_find_and_get(dev->kobj.sd, "devcoredump");

	kernfs_put(kn);
	return kn;
}

static void cd_publish(struct osprey_device *odev, struct osprey_cd_text *text)
{
	struct osprey_coredump *cd = to_cd(odev);
	struct device *dev = odev->drm.dev;
	void *copy;
	int idx;

	/* Not published because the device is going: a failure too. */
	if (READ_ONCE(cd->unplugged) || !drm_dev_enter(&odev->drm, &idx)) {
		atomic_inc(&cd->failed);
		return;
	}
	if (cd_pending(dev)) {
		atomic_inc(&cd->lost);
		drm_info(&odev->drm,
			 "coredump %u kept in debugfs only: an earlier one is still pending\n",
			 text->seq);
	} else {
		copy = vmalloc(text->len);
		if (copy) {
			memcpy(copy, text->data, text->len);
			/* devcoredump owns the copy now, and vfree()s it. */
			dev_coredumpv(dev, copy, text->len, GFP_KERNEL);
		}
		/*
		 * dev_coredumpv() says nothing when it fails (no memory for
		 * its device): the link it makes is the only sign of success.
		 * (A dump read and dismissed in the microseconds between
		 * would count as failed.)
		 */
		text->published = copy && cd_pending(dev);
		if (text->published) {
			atomic_inc(&cd->published);
			drm_info(&odev->drm, "coredump %u: %zu bytes in /sys/class/devcoredump\n",
				 text->seq, text->len);
		} else {
			atomic_inc(&cd->failed);
			drm_info(&odev->drm, "coredump %u kept in debugfs only: devcoredump failed\n",
				 text->seq);
		}
	}
	drm_dev_exit(idx);
}

static void cd_keep(struct osprey_coredump *cd, struct osprey_cd_text *text)
{
	struct osprey_cd_text *old;

	mutex_lock(&cd->lock);
	list_add_tail(&text->link, &cd->history);
	cd->nhistory++;
	while (cd->nhistory > max(coredump_history, 1u)) {
		old = list_first_entry(&cd->history, struct osprey_cd_text, link);
		list_del(&old->link);
		cd->nhistory--;
		cd_text_put(old);
	}
	mutex_unlock(&cd->lock);
}

static void cd_format_one(struct osprey_device *odev, struct osprey_cd_snapshot *snap)
{
	struct osprey_coredump *cd = to_cd(odev);
	struct osprey_cd_text *text;
	u64 start = ktime_get_ns();
	size_t len, written;

	text = kzalloc(sizeof(*text), GFP_KERNEL);
	len = osprey_coredump_format(snap, odev, NULL, 0);
	if (text)
		text->data = vmalloc(len);
	if (!text || !text->data) {
		drm_err(&odev->drm, "coredump %u: no memory for %zu bytes\n", snap->seq, len);
		atomic_inc(&cd->failed);
		kfree(text);
		cd_release_snapshot(cd, snap);
		return;
	}
	written = osprey_coredump_format(snap, odev, text->data, len);
	drm_WARN_ON(&odev->drm, written != len);
	kref_init(&text->refcount);
	text->seq = snap->seq;
	text->len = len;
	cd_release_snapshot(cd, snap);
	atomic_set(&cd->last_format_us, div_u64(ktime_get_ns() - start, NSEC_PER_USEC));

	cd_publish(odev, text);
	cd_keep(cd, text);
}

static void cd_work(struct work_struct *work)
{
	struct osprey_coredump *cd = container_of(work, struct osprey_coredump, work);
	struct osprey_device *odev = container_of(cd, struct osprey_device, coredump);
	struct osprey_cd_snapshot *snap;

	for (;;) {
		spin_lock(&cd->snap_lock);
		snap = list_first_entry_or_null(&cd->queued, struct osprey_cd_snapshot, link);
		if (snap)
			list_del(&snap->link);
		spin_unlock(&cd->snap_lock);
		if (!snap)
			return;
		cd_format_one(odev, snap);
	}
}

/* Setup and teardown ------------------------------------------------------- */

/*
 * Teach lockdep what the capture path runs under: memory reclaim may wait
 * for GPU fences (a shrinker), and the capture runs where those fences are
 * signalled. Then run the capture once, for nothing, inside such a section:
 * an allocation that may reclaim, or a lock also taken around a fence wait,
 * closes a cycle lockdep reports now.
 */
static void cd_prime_lockdep(struct osprey_device *odev)
{
	struct osprey_coredump *cd = to_cd(odev);
	struct osprey_cd_snapshot *snap;
	struct dma_fence *stub;
	bool cookie;

	if (!IS_ENABLED(CONFIG_LOCKDEP))
		return;

	stub = dma_fence_get_stub();
	fs_reclaim_acquire(GFP_KERNEL);
	dma_fence_wait(stub, false);
	fs_reclaim_release(GFP_KERNEL);
	dma_fence_put(stub);

	cookie = dma_fence_begin_signalling();
	snap = cd_get_snapshot(cd);
	if (snap) {
		struct page *page = cd_alloc_page();

		cd_fill(odev, snap, OSPREY_CD_REASON_MANUAL, OSPREY_CD_HALTED, NULL,
			ktime_get_boottime_ns(), OSPREY_CD_NO_PIPE);
		if (page)
			__free_page(page);
		spin_lock(&cd->snap_lock);
		list_add(&snap->link, &cd->free_snaps);
		spin_unlock(&cd->snap_lock);
	}
	dma_fence_end_signalling(cookie);
}

/* No display capture is queued after this, and none is left. */
static void cd_stop_underruns(struct osprey_coredump *cd)
{
	spin_lock_irq(&cd->underrun_lock);
	WRITE_ONCE(cd->unplugged, true);
	spin_unlock_irq(&cd->underrun_lock);
	cancel_work_sync(&cd->underrun_work);
}

static void cd_fini(struct drm_device *drm, void *arg)
{
	struct osprey_coredump *cd = arg;
	struct osprey_cd_snapshot *snap, *next;
	struct osprey_cd_text *text, *tmp;

	/* A probe that failed never unplugged: no capture may come now. */
	cd_stop_underruns(cd);
	cancel_work_sync(&cd->work);
	list_for_each_entry_safe(text, tmp, &cd->history, link)
		cd_text_put(text);
	list_for_each_entry_safe(snap, next, &cd->free_snaps, link)
		kvfree(snap);
	mutex_destroy(&cd->lock);
}

int osprey_coredump_init(struct osprey_device *odev)
{
	struct osprey_coredump *cd = to_cd(odev);
	int i, err;

	osprey_coredump_a85_init(cd->a85_pairs);
	spin_lock_init(&cd->snap_lock);
	INIT_LIST_HEAD(&cd->free_snaps);
	INIT_LIST_HEAD(&cd->queued);
	INIT_WORK(&cd->work, cd_work);
	spin_lock_init(&cd->underrun_lock);
	INIT_WORK(&cd->underrun_work, cd_underrun_work);
	mutex_init(&cd->lock);
	INIT_LIST_HEAD(&cd->history);

	err = drmm_add_action_or_reset(&odev->drm, cd_fini, cd);
	if (err)
		return err;
	for (i = 0; i < OSPREY_CD_NUM_SNAPS; i++) {
		struct osprey_cd_snapshot *snap = kvzalloc(sizeof(*snap), GFP_KERNEL);

		if (!snap)
			return -ENOMEM;
		list_add(&snap->link, &cd->free_snaps);
	}
	cd_prime_lockdep(odev);
	return 0;
}

void osprey_coredump_unplug(struct osprey_device *odev)
{
	struct osprey_coredump *cd = to_cd(odev);

	/* Display captures last: the engine's have stopped with the engine. */
	cd_stop_underruns(cd);
	flush_work(&cd->work);
	/* A dump left in devcoredump would outlive the device's sysfs node. */
	dev_coredump_put(odev->drm.dev);
}

/* debugfs ------------------------------------------------------------------ */

static int cd_debugfs_stats(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct osprey_coredump *cd = to_cd(to_osprey_device(entry->dev));
	struct osprey_cd_text *text;

	seq_printf(m, "captured: %d\n", atomic_read(&cd->captured));
	seq_printf(m, "published: %d\n", atomic_read(&cd->published));
	seq_printf(m, "lost: %d\n", atomic_read(&cd->lost));
	seq_printf(m, "failed: %d\n", atomic_read(&cd->failed));
	seq_puts(m, "kept:");
	mutex_lock(&cd->lock);
	list_for_each_entry(text, &cd->history, link)
		seq_printf(m, " %u", text->seq);
	mutex_unlock(&cd->lock);
	seq_putc(m, '\n');
	seq_printf(m, "last_capture_us: %d\n", atomic_read(&cd->last_capture_us));
	seq_printf(m, "last_format_us: %d\n", atomic_read(&cd->last_format_us));
	seq_printf(m, "underruns_ratelimited: %d\n", atomic_read(&cd->underruns_ratelimited));
	return 0;
}

static const struct drm_debugfs_info cd_debugfs_files[] = {
	{ "coredump_stats", cd_debugfs_stats },
};

/* An open "coredumps": the dumps kept when it was opened, referenced. */
struct cd_reader {
	unsigned int n;
	struct osprey_cd_text *texts[];
};

static int cd_dumps_open(struct inode *inode, struct file *file)
{
	struct osprey_coredump *cd = to_cd(inode->i_private);
	struct osprey_cd_text *text;
	struct cd_reader *r;

	mutex_lock(&cd->lock);
	r = kzalloc(struct_size(r, texts, cd->nhistory), GFP_KERNEL);
	if (!r) {
		mutex_unlock(&cd->lock);
		return -ENOMEM;
	}
	list_for_each_entry(text, &cd->history, link) {
		kref_get(&text->refcount);
		r->texts[r->n++] = text;
	}
	mutex_unlock(&cd->lock);
	file->private_data = r;
	return 0;
}

static ssize_t cd_dumps_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct cd_reader *r = file->private_data;
	loff_t pos = *ppos, base = 0;
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < r->n && done < count; i++) {
		struct osprey_cd_text *text = r->texts[i];
		size_t n;

		if (pos >= base + text->len) {
			base += text->len;
			continue;
		}
		n = min_t(size_t, count - done, base + text->len - pos);
		if (copy_to_user(buf + done, text->data + (pos - base), n))
			return done ?: -EFAULT;
		done += n;
		pos += n;
		base += text->len;
	}
	*ppos = pos;
	return done;
}

static int cd_dumps_release(struct inode *inode, struct file *file)
{
	struct cd_reader *r = file->private_data;
	unsigned int i;

	for (i = 0; i < r->n; i++)
		cd_text_put(r->texts[i]);
	kfree(r);
	return 0;
}

static const struct file_operations cd_dumps_fops = {
	.owner = THIS_MODULE,
	.open = cd_dumps_open,
	.read = cd_dumps_read,
	.release = cd_dumps_release,
	.llseek = default_llseek,
};

static ssize_t cd_capture_write(struct file *file, const char __user *buf, size_t count,
				loff_t *ppos)
{
	struct osprey_device *odev = file_inode(file)->i_private;
	int err = osprey_engine_capture(odev);

	if (err)
		return err;
	/* The dump is formatted and published (or kept) when this returns. */
	flush_work(&to_cd(odev)->work);
	return count;
}

static const struct file_operations cd_capture_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = cd_capture_write,
	.llseek = noop_llseek,
};

void osprey_coredump_debugfs_register(struct osprey_device *odev)
{
	struct dentry *root = odev->drm.debugfs_root;

	drm_debugfs_add_files(&odev->drm, cd_debugfs_files, ARRAY_SIZE(cd_debugfs_files));
	debugfs_create_file("coredumps", 0400, root, odev, &cd_dumps_fops);
	debugfs_create_file("coredump_capture", 0200, root, odev, &cd_capture_fops);
}
