// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey engine, ring and scheduler
 *
 * Engine 0 has one &struct drm_gpu_scheduler; every queue is an entity of
 * it. run_job() writes four kernel packets per job into the ring (SET_AS,
 * BATCH, SEQNO, IRQ), so that the engine writes the job's sequence number
 * to LAST_SEQNO and raises JOB_DONE when the batch is over. The interrupt
 * handler signals the hardware fences up to LAST_SEQNO; the scheduler
 * turns them into the jobs' finished fences. The scheduler's credit limit
 * keeps the jobs on the ring below what it holds.
 *
 * Address spaces: a job runs in its VM's slot. run_job() gives a VM a slot
 * when it has none, taking a free one or the least recently used one whose
 * last job has completed; prepare_job() makes a job wait for such a slot
 * when all eight are busy.
 *
 * Faults and invalid instructions stop the engine in ERROR. The interrupt
 * handler records the fault registers (debugfs ``last_fault``) and sets
 * -EFAULT or -EINVAL on the oldest pending fence (the job that was
 * running); the fault worker then captures a coredump while the engine is
 * still stopped and tells it to SKIP the rest of the batch: the job's SEQNO
 * packet completes it, with its error, and the next job runs. No reset.
 *
 * A job still running at the scheduler's timeout (``timeout_ms``) is
 * treated as a hang: the scheduler is stopped, the engine HALTed (an
 * injected lockup ignores HALT, which DEBUG_STATUS tells), the state
 * captured for a coredump, the engine RESET, the hung job completed with
 * -ETIMEDOUT (its queue is *guilty*, and banned after ``hang_limit``
 * hangs), and the jobs behind it (their queues *innocent*) written to the
 * ring again with their own fences.
 *
 * The timeout handler, the fault worker and manual captures run on one
 * ordered workqueue, so never at the same time, and inside
 * dma_fence_begin_signalling() where they stop the engine: nothing there,
 * nor in run_job() or the interrupt handler, allocates memory that may
 * reclaim or sleeps on a lock that is held while waiting for a fence. The
 * hardware fences are allocated by SUBMIT, the coredump's snapshots at
 * probe.
 */

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "osprey_drv.h"

static unsigned int timeout_ms = 2000;
module_param(timeout_ms, uint, 0444);
MODULE_PARM_DESC(timeout_ms, "Job timeout in milliseconds before an engine reset (default 2000)");

static unsigned int hang_limit = 3;
module_param(hang_limit, uint, 0644);
MODULE_PARM_DESC(hang_limit, "Hangs after which a queue is banned, 0 for never (default 3)");

u32 osprey_engine_hang_limit(void)
{
	return READ_ONCE(hang_limit);
}

/* Words a job takes on the ring: SET_AS 2, BATCH 4, SEQNO 2, IRQ 1. */
#define OSPREY_JOB_RING_BYTES	(9 * sizeof(u32))
#define OSPREY_RESET_TIMEOUT_MS	1000
/* How long a HALT may take before the engine counts as locked up. */
#define OSPREY_HALT_TIMEOUT_US	50000

static struct osprey_job *to_osprey_job(struct drm_sched_job *sjob)
{
	return container_of(sjob, struct osprey_job, base);
}

/* Hardware fences ------------------------------------------------------ */

static const char *osprey_fence_driver_name(struct dma_fence *fence)
{
	return "osprey";
}

static const char *osprey_fence_timeline_name(struct dma_fence *fence)
{
	return "osprey-engine0";
}

static const struct dma_fence_ops osprey_hw_fence_ops = {
	.get_driver_name = osprey_fence_driver_name,
	.get_timeline_name = osprey_fence_timeline_name,
};

/* Signal the fences the engine has completed (LAST_SEQNO), in order. */
static void osprey_engine_retire(struct osprey_device *odev)
{
	struct osprey_engine *e = &odev->engine;
	u32 last = osprey_read(odev, OSPREY_REG_LAST_SEQNO);
	struct osprey_hw_fence *hw, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&e->fence_lock, flags);
	list_for_each_entry_safe(hw, tmp, &e->pending, link) {
		if ((s32)(last - (u32)hw->base.seqno) < 0)
			break;
		list_del_init(&hw->link);
		dma_fence_signal_locked(&hw->base);
		dma_fence_put(&hw->base);
	}
	spin_unlock_irqrestore(&e->fence_lock, flags);
}

/* Complete the oldest pending fence with @error; fence_lock is held. */
static void osprey_engine_fail_first_locked(struct osprey_engine *e, int error)
{
	struct osprey_hw_fence *hw;

	lockdep_assert_held(&e->fence_lock);

	hw = list_first_entry_or_null(&e->pending, struct osprey_hw_fence, link);
	if (!hw)
		return;
	list_del_init(&hw->link);
	dma_fence_set_error(&hw->base, error);
	dma_fence_signal_locked(&hw->base);
	dma_fence_put(&hw->base);
}

/* Ring ----------------------------------------------------------------- */

static void osprey_ring_put_pkt(struct osprey_engine *e, const struct osprey_pkt *pkt)
{
	__le32 *ring = e->ring;
	u32 words[OSPREY_PKT_MAX_WORDS];
	int n, i;

	n = osprey_pkt_encode(pkt, words, ARRAY_SIZE(words));
	for (i = 0; i < n; i++) {
		ring[e->tail / sizeof(u32)] = cpu_to_le32(words[i]);
		e->tail = (e->tail + sizeof(u32)) & (OSPREY_RING_SIZE - 1);
	}
}

/* Write the packets of the job behind @hw at the ring's tail. */
static void osprey_ring_put_job(struct osprey_engine *e, const struct osprey_hw_fence *hw)
{
	struct osprey_pkt set_as = { .opcode = OSPREY_PKT_SET_AS, .as = hw->slot };
	struct osprey_pkt batch = {
		.opcode = OSPREY_PKT_BATCH,
		.va = hw->batch_va,
		.bytes = hw->batch_size,
	};
	struct osprey_pkt seqno = {
		.opcode = OSPREY_PKT_SEQNO,
		.seqno = (u32)hw->base.seqno,
	};
	struct osprey_pkt irq = { .opcode = OSPREY_PKT_IRQ };

	osprey_ring_put_pkt(e, &set_as);
	osprey_ring_put_pkt(e, &batch);
	osprey_ring_put_pkt(e, &seqno);
	osprey_ring_put_pkt(e, &irq);
}

/* Hand what was written since the last kick to the engine. */
static void osprey_ring_kick(struct osprey_device *odev)
{
	/* The packets are in memory before the engine may look. */
	dma_wmb();
	osprey_write(odev, OSPREY_REG_RING_TAIL, odev->engine.tail);
	osprey_write(odev, OSPREY_REG_DOORBELL, 1);
}

/* Address-space slots --------------------------------------------------- */

/* The slot @vm can run in now, or -EBUSY; *@oldest: the slot to wait for. */
static int osprey_slot_find_locked(struct osprey_engine *e, struct osprey_vm *vm,
				   int *oldest)
{
	int i, victim = -1;

	lockdep_assert_held(&e->slot_lock);

	*oldest = -1;
	if (vm->slot >= 0)
		return vm->slot;
	for (i = 0; i < OSPREY_NUM_AS; i++) {
		struct osprey_as_slot *slot = &e->slots[i];

		if (!slot->vm)
			return i;
		if (*oldest < 0 ||
		    (s32)((u32)slot->last->seqno - (u32)e->slots[*oldest].last->seqno) < 0)
			*oldest = i;
		if (dma_fence_is_signaled(slot->last) && victim < 0)
			victim = i;
	}
	return victim >= 0 ? victim : -EBUSY;
}

/* Give @vm a slot for a job whose hardware fence is @fence. */
static int osprey_slot_bind(struct osprey_device *odev, struct osprey_vm *vm,
			    struct dma_fence *fence)
{
	struct osprey_engine *e = &odev->engine;
	struct osprey_as_slot *slot;
	int n, oldest;
	dma_addr_t root;

	spin_lock(&e->slot_lock);
	n = osprey_slot_find_locked(e, vm, &oldest);
	if (n < 0)
		goto out;
	slot = &e->slots[n];
	if (slot->vm != vm) {
		if (slot->vm)
			slot->vm->slot = -1;
		slot->vm = vm;
		vm->slot = n;
		root = osprey_vm_root_dma(vm);
		osprey_write(odev, OSPREY_REG_AS_PGTABLE_LO(n), lower_32_bits(root));
		osprey_write(odev, OSPREY_REG_AS_PGTABLE_HI(n), upper_32_bits(root));
		osprey_write(odev, OSPREY_REG_AS_CONTROL(n), OSPREY_AS_ENABLE);
		osprey_write(odev, OSPREY_REG_MMU_INVALIDATE, BIT(n));
	}
	dma_fence_put(slot->last);
	slot->last = dma_fence_get(fence);
out:
	spin_unlock(&e->slot_lock);
	return n;
}

void osprey_engine_vm_gone(struct osprey_device *odev, struct osprey_vm *vm)
{
	struct osprey_engine *e = &odev->engine;
	struct osprey_as_slot *slot;
	int idx;

	spin_lock(&e->slot_lock);
	if (vm->slot >= 0) {
		slot = &e->slots[vm->slot];
		if (drm_dev_enter(&odev->drm, &idx)) {
			osprey_write(odev, OSPREY_REG_AS_CONTROL(vm->slot), 0);
			osprey_write(odev, OSPREY_REG_MMU_INVALIDATE, BIT(vm->slot));
			drm_dev_exit(idx);
		}
		dma_fence_put(slot->last);
		slot->last = NULL;
		slot->vm = NULL;
		vm->slot = -1;
	}
	spin_unlock(&e->slot_lock);
}

void osprey_engine_invalidate(struct osprey_device *odev, struct osprey_vm *vm)
{
	struct osprey_engine *e = &odev->engine;
	int idx;

	spin_lock(&e->slot_lock);
	if (vm->slot >= 0 && drm_dev_enter(&odev->drm, &idx)) {
		osprey_write(odev, OSPREY_REG_MMU_INVALIDATE, BIT(vm->slot));
		drm_dev_exit(idx);
	}
	spin_unlock(&e->slot_lock);
}

/* Scheduler backend ------------------------------------------------------ */

static struct dma_fence *osprey_prepare_job(struct drm_sched_job *sjob,
					    struct drm_sched_entity *entity)
{
	struct osprey_job *job = to_osprey_job(sjob);
	struct osprey_engine *e = &job->vm->odev->engine;
	struct dma_fence *wait = NULL;
	int oldest;

	spin_lock(&e->slot_lock);
	if (osprey_slot_find_locked(e, job->vm, &oldest) < 0)
		wait = dma_fence_get(e->slots[oldest].last);
	spin_unlock(&e->slot_lock);
	return wait;
}

static struct dma_fence *osprey_run_job(struct drm_sched_job *sjob)
{
	struct osprey_job *job = to_osprey_job(sjob);
	struct osprey_device *odev = job->vm->odev;
	struct osprey_engine *e = &odev->engine;
	struct osprey_hw_fence *hw = job->hw_fence;
	unsigned long flags;
	int idx, slot;

	/* Run again after a reset: the timeout handler re-emitted it. */
	if (job->emitted)
		return dma_fence_get(&hw->base);

	if (!drm_dev_enter(&odev->drm, &idx))
		return ERR_PTR(-ENODEV);
	/* The queue was banned after the job was queued. */
	if (READ_ONCE(hw->qstate->banned)) {
		drm_dev_exit(idx);
		return ERR_PTR(-ECANCELED);
	}

	dma_fence_init(&hw->base, &osprey_hw_fence_ops, &e->fence_lock,
		       e->fence_context, e->seqno + 1);
	job->emitted = true;

	slot = osprey_slot_bind(odev, job->vm, &hw->base);
	if (slot < 0) {
		/* prepare_job() waited for a slot: this is a driver bug. */
		drm_WARN_ONCE(&odev->drm, 1, "no address-space slot for a job\n");
		dma_fence_set_error(&hw->base, -EIO);
		dma_fence_signal(&hw->base);
		drm_dev_exit(idx);
		return dma_fence_get(&hw->base);
	}
	e->seqno++;
	hw->slot = slot;
	hw->batch_va = job->batch_va;
	hw->batch_size = job->batch_size;

	spin_lock_irqsave(&e->fence_lock, flags);
	list_add_tail(&hw->link, &e->pending);
	dma_fence_get(&hw->base);
	spin_unlock_irqrestore(&e->fence_lock, flags);

	osprey_ring_put_job(e, hw);
	osprey_ring_kick(odev);
	drm_dev_exit(idx);

	return dma_fence_get(&hw->base);
}

/* RESET the engine and wait for RESET_DONE; 0 or -ETIMEDOUT. */
static int osprey_engine_reset(struct osprey_device *odev)
{
	struct osprey_engine *e = &odev->engine;

	reinit_completion(&e->reset_done);
	osprey_write(odev, OSPREY_REG_RESET, 1);
	if (!wait_for_completion_timeout(&e->reset_done,
					 msecs_to_jiffies(OSPREY_RESET_TIMEOUT_MS)))
		return -ETIMEDOUT;
	e->tail = 0;
	return 0;
}

/*
 * Ask the engine to HALT and wait for it: OSPREY_CD_HALTED once it is
 * halted or idle, OSPREY_CD_STOPPED_ERROR if a fault stopped it first,
 * OSPREY_CD_NOT_HALTED if it still runs (a lockup).
 */
static u32 osprey_engine_halt(struct osprey_device *odev)
{
	u32 status = osprey_read(odev, OSPREY_REG_ENGINE_STATUS);

	if (status == OSPREY_ENGINE_ERROR)
		return OSPREY_CD_STOPPED_ERROR;
	osprey_write(odev, OSPREY_REG_ENGINE_CONTROL, OSPREY_ENGINE_HALT);
	if (read_poll_timeout(osprey_read, status, status != OSPREY_ENGINE_BUSY, 1000,
			      OSPREY_HALT_TIMEOUT_US, false, odev, OSPREY_REG_ENGINE_STATUS))
		return OSPREY_CD_NOT_HALTED;
	return status == OSPREY_ENGINE_ERROR ? OSPREY_CD_STOPPED_ERROR : OSPREY_CD_HALTED;
}

/* The oldest pending hardware fence (the running job's), referenced. */
static struct osprey_hw_fence *osprey_engine_running(struct osprey_engine *e)
{
	struct osprey_hw_fence *hw;
	unsigned long flags;

	spin_lock_irqsave(&e->fence_lock, flags);
	hw = list_first_entry_or_null(&e->pending, struct osprey_hw_fence, link);
	if (hw)
		dma_fence_get(&hw->base);
	spin_unlock_irqrestore(&e->fence_lock, flags);
	return hw;
}

/* Count the hang against @hw's queue; ban it at hang_limit. */
static void osprey_engine_blame(struct osprey_device *odev, struct osprey_hw_fence *hw)
{
	struct osprey_queue_state *qs = hw->qstate;
	u32 limit = osprey_engine_hang_limit();

	if (atomic_inc_return(&qs->guilty) >= limit && limit && !qs->banned) {
		WRITE_ONCE(qs->banned, true);
		drm_info(&odev->drm, "queue %u of pid %d banned after %u hangs\n",
			 hw->info.queue_id, hw->info.pid, limit);
	}
}

/*
 * After a reset: complete the hung job with -ETIMEDOUT, write the jobs
 * behind it to the empty ring again, and count the reset for their queues,
 * unless it is the guilty queue (@guilty, or NULL if unknown).
 */
static void osprey_engine_replay(struct osprey_device *odev,
				 const struct osprey_queue_state *guilty)
{
	struct osprey_engine *e = &odev->engine;
	struct osprey_hw_fence *hw;
	unsigned long flags;

	spin_lock_irqsave(&e->fence_lock, flags);
	osprey_engine_fail_first_locked(e, -ETIMEDOUT);
	list_for_each_entry(hw, &e->pending, link) {
		if (hw->qstate != guilty && hw->qstate->last_reset != e->resets) {
			hw->qstate->last_reset = e->resets;
			atomic_inc(&hw->qstate->innocent);
		}
		osprey_ring_put_job(e, hw);
	}
	spin_unlock_irqrestore(&e->fence_lock, flags);
	osprey_ring_kick(odev);
}

static enum drm_gpu_sched_stat osprey_timedout_job(struct drm_sched_job *sjob)
{
	struct osprey_job *job = to_osprey_job(sjob);
	struct osprey_device *odev = job->vm->odev;
	struct osprey_engine *e = &odev->engine;
	u64 detected = ktime_get_boottime_ns();
	struct osprey_hw_fence *hw;
	u32 halt, reason;
	bool cookie;
	int idx;

	if (!drm_dev_enter(&odev->drm, &idx))
		return DRM_GPU_SCHED_STAT_ENODEV;

	drm_sched_stop(e->sched, sjob);
	cookie = dma_fence_begin_signalling();
	osprey_engine_retire(odev);

	if (!job->emitted || !dma_fence_is_signaled(&job->hw_fence->base)) {
		halt = osprey_engine_halt(odev);
		reason = osprey_read(odev, OSPREY_REG_DEBUG_STATUS) & OSPREY_DEBUG_LOCKUP ?
			 OSPREY_CD_REASON_LOCKUP : OSPREY_CD_REASON_TIMEOUT;
		/* What completed before the halt is not part of the hang. */
		osprey_engine_retire(odev);
		hw = osprey_engine_running(e);
		osprey_coredump_capture(odev, reason, halt, hw, detected);

		drm_warn(&odev->drm,
			 "job of pid %d timed out after %u ms (batch 0x%llx): resetting the engine\n",
			 hw ? hw->info.pid : 0, timeout_ms, job->batch_va);
		if (osprey_engine_reset(odev))
			drm_err(&odev->drm, "engine reset timed out\n");
		e->resets++;
		/* What completed before the reset, then the hung job. */
		osprey_engine_retire(odev);
		if (hw)
			osprey_engine_blame(odev, hw);
		osprey_engine_replay(odev, hw ? hw->qstate : NULL);
		if (hw)
			dma_fence_put(&hw->base);
	}

	dma_fence_end_signalling(cookie);
	drm_sched_resubmit_jobs(e->sched);
	drm_sched_start(e->sched);
	drm_dev_exit(idx);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void osprey_free_job(struct drm_sched_job *sjob)
{
	struct osprey_job *job = to_osprey_job(sjob);

	drm_sched_job_cleanup(sjob);
	osprey_job_free(job);
}

static const struct drm_sched_backend_ops osprey_sched_ops = {
	.prepare_job = osprey_prepare_job,
	.run_job = osprey_run_job,
	.timedout_job = osprey_timedout_job,
	.free_job = osprey_free_job,
};

/* Interrupts ------------------------------------------------------------ */

static int osprey_fault_errno(u32 status)
{
	switch (status) {
	case OSPREY_FAULT_TRANSLATION:
	case OSPREY_FAULT_PERMISSION:
		return -EFAULT;
	case OSPREY_FAULT_INVALID_INSN:
		return -EINVAL;
	default:
		return -EIO;
	}
}

static const char *const osprey_fault_names[] = {
	[OSPREY_FAULT_NONE] = "none",
	[OSPREY_FAULT_TRANSLATION] = "translation",
	[OSPREY_FAULT_PERMISSION] = "permission",
	[OSPREY_FAULT_INVALID_INSN] = "invalid-insn",
	[OSPREY_FAULT_INVALID_PACKET] = "invalid-packet",
};

static const char *const osprey_access_names[] = {
	[OSPREY_ACCESS_READ] = "read",
	[OSPREY_ACCESS_WRITE] = "write",
	[OSPREY_ACCESS_FETCH] = "fetch",
};

static const char *osprey_name(const char *const *names, size_t n, u32 value)
{
	return value < n && names[value] ? names[value] : "unknown";
}

/* The engine stopped in ERROR: record why, fail the job, let the worker go on. */
static void osprey_engine_fault(struct osprey_device *odev)
{
	struct osprey_engine *e = &odev->engine;
	struct osprey_fault f = {
		.status = osprey_read(odev, OSPREY_REG_FAULT_STATUS),
		.access = osprey_read(odev, OSPREY_REG_FAULT_ACCESS),
		.as = osprey_read(odev, OSPREY_REG_FAULT_AS),
		.va = osprey_isa_u64(osprey_read(odev, OSPREY_REG_FAULT_ADDRESS_LO),
				     osprey_read(odev, OSPREY_REG_FAULT_ADDRESS_HI)),
		.ip = osprey_isa_u64(osprey_read(odev, OSPREY_REG_CURRENT_IP_LO),
				     osprey_read(odev, OSPREY_REG_CURRENT_IP_HI)),
		.batch = osprey_isa_u64(osprey_read(odev, OSPREY_REG_CURRENT_BATCH_LO),
					osprey_read(odev, OSPREY_REG_CURRENT_BATCH_HI)),
	};
	struct osprey_hw_fence *hw;

	if (f.status == OSPREY_FAULT_NONE)
		return;

	spin_lock(&e->fault_lock);
	e->last_fault = f;
	e->fault_detected_ns = ktime_get_boottime_ns();
	spin_unlock(&e->fault_lock);

	/* Jobs before the faulting one are complete: LAST_SEQNO says so. */
	osprey_engine_retire(odev);

	spin_lock(&e->fence_lock);
	hw = list_first_entry_or_null(&e->pending, struct osprey_hw_fence, link);
	if (hw && !hw->base.error)
		dma_fence_set_error(&hw->base, osprey_fault_errno(f.status));
	spin_unlock(&e->fence_lock);

	drm_dbg_driver(&odev->drm,
		       "job fault: %s %s at 0x%llx (as %u, ip 0x%llx, batch 0x%llx)\n",
		       osprey_name(osprey_fault_names, ARRAY_SIZE(osprey_fault_names), f.status),
		       osprey_name(osprey_access_names, ARRAY_SIZE(osprey_access_names), f.access),
		       f.va, f.as, f.ip, f.batch);

	queue_work(e->reset_wq, &e->fault_work);
}

/* A fault stopped the engine: capture while it stands, then SKIP the batch. */
static void osprey_engine_fault_work(struct work_struct *work)
{
	struct osprey_engine *e = container_of(work, struct osprey_engine, fault_work);
	struct osprey_device *odev = container_of(e, struct osprey_device, engine);
	struct osprey_hw_fence *hw;
	u32 status, reason;
	u64 detected;
	bool cookie;
	int idx;

	if (!drm_dev_enter(&odev->drm, &idx))
		return;
	cookie = dma_fence_begin_signalling();
	/* A timeout that ran first has reset the engine: nothing to do. */
	if (osprey_read(odev, OSPREY_REG_ENGINE_STATUS) != OSPREY_ENGINE_ERROR)
		goto out;

	spin_lock_irq(&e->fault_lock);
	status = e->last_fault.status;
	detected = e->fault_detected_ns;
	spin_unlock_irq(&e->fault_lock);
	reason = status == OSPREY_FAULT_TRANSLATION || status == OSPREY_FAULT_PERMISSION ?
		 OSPREY_CD_REASON_FAULT : OSPREY_CD_REASON_INVALID_INSN;

	hw = osprey_engine_running(e);
	if (hw)
		atomic_inc(&hw->qstate->faults);
	osprey_coredump_capture(odev, reason, OSPREY_CD_STOPPED_ERROR, hw, detected);
	if (hw)
		dma_fence_put(&hw->base);
	osprey_write(odev, OSPREY_REG_ENGINE_CONTROL, OSPREY_ENGINE_SKIP);
out:
	dma_fence_end_signalling(cookie);
	drm_dev_exit(idx);
}

/* A manual capture: halt, capture, resume. */
static void osprey_engine_capture_work(struct work_struct *work)
{
	struct osprey_engine *e = container_of(work, struct osprey_engine, capture_work);
	struct osprey_device *odev = container_of(e, struct osprey_device, engine);
	u64 detected = ktime_get_boottime_ns();
	struct osprey_hw_fence *hw = NULL;
	bool cookie;
	u32 halt;
	int idx;

	if (!drm_dev_enter(&odev->drm, &idx))
		return;
	cookie = dma_fence_begin_signalling();
	halt = osprey_engine_halt(odev);
	/* Only a stopped engine keeps its job from completing under us. */
	if (halt != OSPREY_CD_NOT_HALTED ||
	    osprey_read(odev, OSPREY_REG_DEBUG_STATUS) & OSPREY_DEBUG_LOCKUP)
		hw = osprey_engine_running(e);
	osprey_coredump_capture(odev, OSPREY_CD_REASON_MANUAL, halt, hw, detected);
	if (hw)
		dma_fence_put(&hw->base);
	if (halt != OSPREY_CD_STOPPED_ERROR)
		osprey_write(odev, OSPREY_REG_ENGINE_CONTROL, OSPREY_ENGINE_RESUME);
	dma_fence_end_signalling(cookie);
	drm_dev_exit(idx);
}

int osprey_engine_capture(struct osprey_device *odev)
{
	struct osprey_engine *e = &odev->engine;
	int idx;

	if (!drm_dev_enter(&odev->drm, &idx))
		return -ENODEV;
	drm_dev_exit(idx);
	queue_work(e->reset_wq, &e->capture_work);
	flush_work(&e->capture_work);
	return 0;
}

void osprey_engine_irq(struct osprey_device *odev, u32 status)
{
	if (status & OSPREY_IRQ_RESET_DONE)
		complete(&odev->engine.reset_done);
	if (status & (OSPREY_IRQ_FAULT | OSPREY_IRQ_ERROR))
		osprey_engine_fault(odev);
	if (status & OSPREY_IRQ_JOB_DONE)
		osprey_engine_retire(odev);
}

/* Setup and teardown ------------------------------------------------------ */

/*
 * A scheduler outlives its device. 6.12's scheduler fences name their
 * timeline with &drm_gpu_scheduler.name, read through the fence's pointer
 * to the scheduler, and a sync_file asked for its fences' names long after
 * the device went (SYNC_IOC_FILE_INFO) would read freed memory. So a
 * finalised scheduler is kept, with the name (a string of this module),
 * until the module goes.
 */
struct osprey_sched_box {
	struct list_head link;
	struct drm_gpu_scheduler sched;
};

static LIST_HEAD(osprey_retired_scheds);
static DEFINE_MUTEX(osprey_retired_lock);	/* protects osprey_retired_scheds */

static void osprey_engine_fini(struct drm_device *drm, void *arg)
{
	struct osprey_engine *e = arg;
	struct osprey_sched_box *box = container_of(e->sched, struct osprey_sched_box, sched);
	int i;

	/* Queues finalised on the reset workqueue need the scheduler. */
	flush_workqueue(e->reset_wq);
	drm_sched_fini(e->sched);
	for (i = 0; i < OSPREY_NUM_AS; i++)
		dma_fence_put(e->slots[i].last);

	mutex_lock(&osprey_retired_lock);
	list_add(&box->link, &osprey_retired_scheds);
	mutex_unlock(&osprey_retired_lock);
}

void osprey_engine_module_exit(void)
{
	struct osprey_sched_box *box, *next;

	list_for_each_entry_safe(box, next, &osprey_retired_scheds, link)
		kfree(box);
	INIT_LIST_HEAD(&osprey_retired_scheds);
}

static void osprey_engine_wq_fini(struct drm_device *drm, void *arg)
{
	destroy_workqueue(arg);
}

int osprey_engine_init(struct osprey_device *odev)
{
	struct osprey_engine *e = &odev->engine;
	struct drm_device *drm = &odev->drm;
	struct osprey_sched_box *box;
	struct drm_sched_init_args args = {
		.ops = &osprey_sched_ops,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		.credit_limit = OSPREY_RING_SIZE / OSPREY_JOB_RING_BYTES - 1,
		.timeout = msecs_to_jiffies(timeout_ms),
		.name = "osprey-engine0",
		.dev = drm->dev,
	};
	int err, i;

	spin_lock_init(&e->fence_lock);
	spin_lock_init(&e->slot_lock);
	spin_lock_init(&e->fault_lock);
	INIT_LIST_HEAD(&e->pending);
	init_completion(&e->reset_done);
	INIT_WORK(&e->fault_work, osprey_engine_fault_work);
	INIT_WORK(&e->capture_work, osprey_engine_capture_work);
	e->fence_context = dma_fence_context_alloc(1);

	e->reset_wq = alloc_ordered_workqueue("osprey-reset", 0);
	if (!e->reset_wq)
		return -ENOMEM;
	err = drmm_add_action_or_reset(drm, osprey_engine_wq_fini, e->reset_wq);
	if (err)
		return err;
	args.timeout_wq = e->reset_wq;

	e->ring = dmam_alloc_coherent(drm->dev, OSPREY_RING_SIZE, &e->ring_dma,
				      GFP_KERNEL);
	if (!e->ring)
		return -ENOMEM;

	/* A known state, whatever a previous driver left: idle, empty ring. */
	osprey_write(odev, OSPREY_REG_IRQ_MASK,
		     osprey_read(odev, OSPREY_REG_IRQ_MASK) | OSPREY_IRQ_RESET_DONE);
	err = osprey_engine_reset(odev);
	if (err) {
		drm_err(drm, "engine reset at probe timed out\n");
		return err;
	}
	for (i = 0; i < OSPREY_NUM_AS; i++)
		osprey_write(odev, OSPREY_REG_AS_CONTROL(i), 0);
	osprey_write(odev, OSPREY_REG_MMU_INVALIDATE, GENMASK(OSPREY_NUM_AS - 1, 0));
	osprey_write(odev, OSPREY_REG_RING_BASE_LO, lower_32_bits(e->ring_dma));
	osprey_write(odev, OSPREY_REG_RING_BASE_HI, upper_32_bits(e->ring_dma));
	osprey_write(odev, OSPREY_REG_RING_SIZE, OSPREY_RING_SIZE);
	e->seqno = osprey_read(odev, OSPREY_REG_LAST_SEQNO);

	box = kzalloc(sizeof(*box), GFP_KERNEL);
	if (!box)
		return -ENOMEM;
	e->sched = &box->sched;
	err = drm_sched_init(e->sched, &args);
	if (err) {
		kfree(box);
		e->sched = NULL;
		return err;
	}
	err = drmm_add_action_or_reset(drm, osprey_engine_fini, e);
	if (err)
		return err;

	osprey_write(odev, OSPREY_REG_IRQ_MASK, OSPREY_IRQ_SOFT | OSPREY_IRQ_JOB_DONE |
		     OSPREY_IRQ_FAULT | OSPREY_IRQ_ERROR | OSPREY_IRQ_RESET_DONE);
	return 0;
}

void osprey_engine_unplug(struct osprey_device *odev)
{
	struct osprey_engine *e = &odev->engine;
	unsigned long flags;

	/* Stop the hardware for good; nothing will write the ring again. */
	osprey_write(odev, OSPREY_REG_IRQ_MASK, 0);
	osprey_write(odev, OSPREY_REG_RESET, 1);
	synchronize_irq(odev->irq);
	/* Fault and capture work see the device unplugged and do nothing. */
	flush_workqueue(e->reset_wq);

	spin_lock_irqsave(&e->fence_lock, flags);
	while (!list_empty(&e->pending))
		osprey_engine_fail_first_locked(e, -ENODEV);
	spin_unlock_irqrestore(&e->fence_lock, flags);

	/* Queued jobs go through run_job(), which fails them: wait for them. */
	if (!wait_event_timeout(odev->jobs_idle, !atomic_read(&odev->job_count),
				msecs_to_jiffies(10 * MSEC_PER_SEC)))
		drm_warn(&odev->drm, "%d jobs still wait for dependencies at unplug\n",
			 atomic_read(&odev->job_count));
}

/* debugfs ---------------------------------------------------------------- */

static int osprey_debugfs_job_count(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;

	seq_printf(m, "%d\n", atomic_read(&to_osprey_device(entry->dev)->job_count));
	return 0;
}

static int osprey_debugfs_last_fault(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct osprey_engine *e = &to_osprey_device(entry->dev)->engine;
	struct osprey_fault f;

	spin_lock_irq(&e->fault_lock);
	f = e->last_fault;
	spin_unlock_irq(&e->fault_lock);

	if (f.status == OSPREY_FAULT_NONE) {
		seq_puts(m, "none\n");
		return 0;
	}
	seq_printf(m, "status=%s access=%s va=0x%llx as=%u ip=0x%llx batch=0x%llx\n",
		   osprey_name(osprey_fault_names, ARRAY_SIZE(osprey_fault_names), f.status),
		   osprey_name(osprey_access_names, ARRAY_SIZE(osprey_access_names), f.access),
		   f.va, f.as, f.ip, f.batch);
	return 0;
}

static const struct drm_debugfs_info osprey_engine_debugfs_files[] = {
	{ "job_count", osprey_debugfs_job_count },
	{ "last_fault", osprey_debugfs_last_fault },
};

void osprey_engine_debugfs_register(struct osprey_device *odev)
{
	drm_debugfs_add_files(&odev->drm, osprey_engine_debugfs_files,
			      ARRAY_SIZE(osprey_engine_debugfs_files));
}
