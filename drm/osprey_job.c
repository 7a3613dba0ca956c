// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey queues and jobs
 *
 * A queue is a scheduler entity bound to a VM; a job is a batch pushed to
 * it. SUBMIT validates everything, resolves the in-syncs into scheduler
 * dependencies and looks up the out-syncs before it arms the job: after
 * drm_sched_job_arm() nothing may fail, because the job's fence exists
 * and must signal.
 *
 * The job's finished fence goes to the VM's reservation object (usage
 * BOOKKEEP, so that an unmap waits for it) and to the reservation object of
 * every buffer mapped in the VM (usage WRITE: the driver cannot know what a
 * batch reads or writes, so implicit synchronisation must assume a write).
 * Arming, pushing and adding the fence happen under &osprey_vm.lock, which
 * also orders the pushes of one entity as drm_sched requires.
 */

#include <linux/capability.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-resv.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_auth.h>
#include <drm/drm_drv.h>
#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_syncobj.h>

#include "osprey_drv.h"

/* Queues ---------------------------------------------------------------- */

/*
 * 6.12's drm_sched_entity_kill() takes the entity off its run queue, then
 * waits for the scheduler to be done with it; a drm_sched_entity_pop_job()
 * running meanwhile puts it back into the run queue's FIFO tree, where it
 * stays once freed, and the tree is corrupt. So the kill runs with the
 * scheduler's submission stopped, on the reset workqueue, where no timeout
 * handler can restart it behind our back.
 */
static void osprey_queue_fini_work(struct work_struct *work)
{
	struct osprey_queue *queue = container_of(work, struct osprey_queue, fini_work);
	struct drm_gpu_scheduler *sched = queue->vm->odev->engine.sched;

	drm_sched_wqueue_stop(sched);
	/*
	 * Not drm_sched_entity_destroy(): its flush waits, without a bound,
	 * for queued jobs to reach the engine, which a job whose in-sync
	 * never signals never does. What runs finishes; what has not
	 * started is cancelled (-ESRCH) once its dependencies are done.
	 */
	drm_sched_entity_fini(&queue->entity);
	drm_sched_wqueue_start(sched);
}

static void osprey_queue_release(struct kref *kref)
{
	struct osprey_queue *queue = container_of(kref, struct osprey_queue, refcount);

	INIT_WORK(&queue->fini_work, osprey_queue_fini_work);
	queue_work(queue->vm->odev->engine.reset_wq, &queue->fini_work);
	flush_work(&queue->fini_work);
	osprey_queue_state_put(queue->state);
	osprey_vm_put(queue->vm);
	kfree(queue);
}

static void osprey_queue_state_release(struct kref *kref)
{
	kfree(container_of(kref, struct osprey_queue_state, refcount));
}

void osprey_queue_state_put(struct osprey_queue_state *qstate)
{
	kref_put(&qstate->refcount, osprey_queue_state_release);
}

static void osprey_queue_put(struct osprey_queue *queue)
{
	kref_put(&queue->refcount, osprey_queue_release);
}

static struct osprey_queue *osprey_queue_lookup(struct osprey_file *ofile, u32 id)
{
	struct osprey_queue *queue;

	xa_lock(&ofile->queues);
	queue = xa_load(&ofile->queues, id);
	if (queue)
		kref_get(&queue->refcount);
	xa_unlock(&ofile->queues);
	return queue;
}

void osprey_job_file_fini(struct osprey_file *ofile)
{
	struct osprey_queue *queue;
	unsigned long id;

	xa_for_each(&ofile->queues, id, queue)
		osprey_queue_put(queue);
	xa_destroy(&ofile->queues);
}

static int osprey_queue_priority(struct drm_file *file, u32 priority,
				 enum drm_sched_priority *out)
{
	switch (priority) {
	case DRM_OSPREY_QUEUE_PRIORITY_NORMAL:
		*out = DRM_SCHED_PRIORITY_NORMAL;
		return 0;
	case DRM_OSPREY_QUEUE_PRIORITY_LOW:
		*out = DRM_SCHED_PRIORITY_LOW;
		return 0;
	case DRM_OSPREY_QUEUE_PRIORITY_HIGH:
		if (!capable(CAP_SYS_NICE) && !drm_is_current_master(file))
			return -EACCES;
		*out = DRM_SCHED_PRIORITY_HIGH;
		return 0;
	default:
		return -EINVAL;
	}
}

int osprey_ioctl_queue_create(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct osprey_file *ofile = file->driver_priv;
	struct drm_osprey_queue_create *args = data;
	struct drm_gpu_scheduler *sched = ofile->odev->engine.sched;
	enum drm_sched_priority priority;
	struct osprey_queue *queue;
	struct osprey_vm *vm;
	int ret, idx;
	u32 id;

	if (args->flags)
		return -EINVAL;
	ret = osprey_queue_priority(file, args->priority, &priority);
	if (ret)
		return ret;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	vm = osprey_vm_lookup(ofile, args->vm_id);
	if (IS_ERR(vm)) {
		ret = PTR_ERR(vm);
		goto out;
	}
	queue = kzalloc(sizeof(*queue), GFP_KERNEL);
	if (queue)
		queue->state = kzalloc(sizeof(*queue->state), GFP_KERNEL);
	if (!queue || !queue->state) {
		osprey_vm_put(vm);
		kfree(queue);
		ret = -ENOMEM;
		goto out;
	}
	kref_init(&queue->refcount);
	kref_init(&queue->state->refcount);
	queue->vm = vm;
	ret = drm_sched_entity_init(&queue->entity, priority, &sched, 1, NULL);
	if (ret) {
		osprey_vm_put(vm);
		kfree(queue->state);
		kfree(queue);
		goto out;
	}

	ret = xa_alloc(&ofile->queues, &id, queue, XA_LIMIT(1, OSPREY_MAX_QUEUES),
		       GFP_KERNEL);
	if (ret) {
		osprey_queue_put(queue);
		if (ret == -EBUSY)
			ret = -ENOSPC;
		goto out;
	}
	/* Only this file can name the queue, and only once we return. */
	queue->id = id;
	args->queue_id = id;
out:
	drm_dev_exit(idx);
	return ret;
}

int osprey_ioctl_queue_destroy(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct osprey_file *ofile = file->driver_priv;
	struct drm_osprey_queue_destroy *args = data;
	struct osprey_queue *queue;

	if (args->pad)
		return -EINVAL;
	queue = xa_erase(&ofile->queues, args->queue_id);
	if (!queue)
		return -ENOENT;
	osprey_queue_put(queue);
	return 0;
}

/* Jobs ----------------------------------------------------------------- */

void osprey_job_free(struct osprey_job *job)
{
	struct osprey_device *odev = job->vm->odev;

	if (job->hw_fence->qstate)
		osprey_queue_state_put(job->hw_fence->qstate);
	if (job->emitted)
		dma_fence_put(&job->hw_fence->base);
	else
		kfree(job->hw_fence);
	osprey_vm_put(job->vm);
	kfree(job);
	if (atomic_dec_and_test(&odev->job_count))
		wake_up_all(&odev->jobs_idle);
}

/**
 * struct osprey_out_sync - An out-sync resolved before the job is armed
 */
struct osprey_out_sync {
	/** @syncobj: The syncobj, referenced. */
	struct drm_syncobj *syncobj;
	/** @chain: For a timeline point, the chain node to add; else NULL. */
	struct dma_fence_chain *chain;
	/** @point: The timeline point, or 0. */
	u64 point;
};

/* Copy a sync array from userspace; flags must be zero. */
static struct drm_osprey_sync *osprey_copy_syncs(u64 uptr, u32 count)
{
	struct drm_osprey_sync *syncs;
	u32 i;

	if (!count)
		return NULL;
	syncs = memdup_array_user(u64_to_user_ptr(uptr), count, sizeof(*syncs));
	if (IS_ERR(syncs))
		return syncs;
	for (i = 0; i < count; i++) {
		if (syncs[i].flags) {
			kfree(syncs);
			return ERR_PTR(-EINVAL);
		}
	}
	return syncs;
}

/* Whether a non-zero point may be used on @syncobj (see the uapi). */
static bool osprey_syncobj_takes_points(struct drm_syncobj *syncobj)
{
	struct dma_fence *fence = drm_syncobj_fence_get(syncobj);
	bool ok = !fence || dma_fence_is_chain(fence);

	dma_fence_put(fence);
	return ok;
}

static int osprey_job_add_in_syncs(struct osprey_job *job, struct drm_file *file,
				   const struct drm_osprey_sync *in, u32 count)
{
	struct dma_fence *fence;
	u32 i;
	int ret;

	for (i = 0; i < count; i++) {
		ret = drm_syncobj_find_fence(file, in[i].handle, in[i].point, 0, &fence);
		if (ret)
			return ret;
		/* Takes the reference, even on failure. */
		ret = drm_sched_job_add_dependency(&job->base, fence);
		if (ret)
			return ret;
	}
	return 0;
}

static int osprey_get_out_syncs(struct drm_file *file,
				const struct drm_osprey_sync *out, u32 count,
				struct osprey_out_sync *res)
{
	u32 i;

	for (i = 0; i < count; i++) {
		res[i].syncobj = drm_syncobj_find(file, out[i].handle);
		if (!res[i].syncobj)
			return -ENOENT;
		res[i].point = out[i].point;
		if (!out[i].point)
			continue;
		if (!osprey_syncobj_takes_points(res[i].syncobj))
			return -EINVAL;
		res[i].chain = dma_fence_chain_alloc();
		if (!res[i].chain)
			return -ENOMEM;
	}
	return 0;
}

static void osprey_put_out_syncs(struct osprey_out_sync *res, u32 count)
{
	u32 i;

	if (!res)
		return;
	for (i = 0; i < count; i++) {
		if (res[i].syncobj)
			drm_syncobj_put(res[i].syncobj);
		dma_fence_chain_free(res[i].chain);
	}
	kfree(res);
}

static void osprey_signal_out_syncs(struct osprey_out_sync *res, u32 count,
				    struct dma_fence *fence)
{
	u32 i;

	for (i = 0; i < count; i++) {
		if (res[i].chain) {
			drm_syncobj_add_point(res[i].syncobj, res[i].chain, fence,
					      res[i].point);
			res[i].chain = NULL;
		} else {
			drm_syncobj_replace_fence(res[i].syncobj, fence);
		}
	}
}

/* Arm and push @job, with its fence on every reservation object of the VM. */
static int osprey_job_push(struct osprey_job *job, struct dma_fence **done)
{
	struct osprey_vm *vm = job->vm;
	struct drm_gpuvm_exec vm_exec = {
		.vm = &vm->base,
		.flags = DRM_EXEC_INTERRUPTIBLE_WAIT,
		.num_fences = 1,
	};
	int ret;

	mutex_lock(&vm->lock);
	ret = drm_gpuvm_exec_lock(&vm_exec);
	if (ret) {
		mutex_unlock(&vm->lock);
		return ret;
	}

	drm_sched_job_arm(&job->base);
	*done = dma_fence_get(&job->base.s_fence->finished);
	/* Before the push: from then on the job may run and be freed. */
	job->hw_fence->info.fence_context = (*done)->context;
	job->hw_fence->info.fence_seqno = (*done)->seqno;
	drm_gpuvm_resv_add_fence(&vm->base, &vm_exec.exec, *done,
				 DMA_RESV_USAGE_BOOKKEEP, DMA_RESV_USAGE_WRITE);
	drm_sched_entity_push_job(&job->base);

	drm_gpuvm_exec_unlock(&vm_exec);
	mutex_unlock(&vm->lock);
	return 0;
}

static int osprey_submit_check(const struct drm_osprey_submit *args)
{
	u64 end;

	if (args->flags || args->pad)
		return -EINVAL;
	if (!args->batch_size || args->batch_size > OSPREY_MAX_BATCH_SIZE ||
	    !IS_ALIGNED(args->batch_size, sizeof(u32)) ||
	    !IS_ALIGNED(args->batch_va, sizeof(u32)))
		return -EINVAL;
	if (args->batch_va < OSPREY_USER_VA_START ||
	    check_add_overflow(args->batch_va, (u64)args->batch_size, &end) ||
	    end > OSPREY_USER_VA_END)
		return -EINVAL;
	if (args->in_sync_count > OSPREY_MAX_SYNCS ||
	    args->out_sync_count > OSPREY_MAX_SYNCS)
		return -EINVAL;
	return 0;
}

static struct osprey_job *osprey_job_alloc(struct osprey_vm *vm)
{
	struct osprey_job *job = kzalloc(sizeof(*job), GFP_KERNEL);

	if (!job)
		return NULL;
	job->hw_fence = kzalloc(sizeof(*job->hw_fence), GFP_KERNEL);
	if (!job->hw_fence) {
		kfree(job);
		return NULL;
	}
	INIT_LIST_HEAD(&job->hw_fence->link);
	job->vm = osprey_vm_get(vm);
	atomic_inc(&vm->odev->job_count);
	return job;
}

/* What a coredump says about @job: who submitted it, where, when. */
static void osprey_job_set_info(struct osprey_job *job, struct osprey_queue *queue)
{
	struct osprey_hw_fence *hw = job->hw_fence;

	hw->info.queue_id = queue->id;
	hw->info.vm_id = queue->vm->id;
	hw->info.pid = task_tgid_nr(current);
	get_task_comm(hw->info.comm, current);
	hw->info.submit_ns = ktime_get_boottime_ns();
	hw->info.batch_va = job->batch_va;
	hw->info.batch_size = job->batch_size;
	hw->vm = job->vm;
	kref_get(&queue->state->refcount);
	hw->qstate = queue->state;
}

int osprey_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct osprey_file *ofile = file->driver_priv;
	struct drm_osprey_submit *args = data;
	struct drm_osprey_sync *in = NULL, *out = NULL;
	struct osprey_out_sync *out_res = NULL;
	struct osprey_queue *queue;
	struct dma_fence *done;
	struct osprey_job *job;
	bool job_inited = false;
	int ret, idx;

	ret = osprey_submit_check(args);
	if (ret)
		return ret;
	/* Only a check: pushing may wait for an unmap, which waits for jobs. */
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	drm_dev_exit(idx);

	queue = osprey_queue_lookup(ofile, args->queue_id);
	if (!queue)
		return -ENOENT;
	if (READ_ONCE(queue->state->banned)) {
		osprey_queue_put(queue);
		return -EIO;
	}

	in = osprey_copy_syncs(args->in_syncs, args->in_sync_count);
	out = osprey_copy_syncs(args->out_syncs, args->out_sync_count);
	if (IS_ERR(in) || IS_ERR(out)) {
		ret = IS_ERR(in) ? PTR_ERR(in) : PTR_ERR(out);
		in = IS_ERR(in) ? NULL : in;
		out = IS_ERR(out) ? NULL : out;
		goto out_free;
	}
	if (args->out_sync_count) {
		out_res = kcalloc(args->out_sync_count, sizeof(*out_res), GFP_KERNEL);
		if (!out_res) {
			ret = -ENOMEM;
			goto out_free;
		}
		ret = osprey_get_out_syncs(file, out, args->out_sync_count, out_res);
		if (ret)
			goto out_free;
	}

	job = osprey_job_alloc(queue->vm);
	if (!job) {
		ret = -ENOMEM;
		goto out_free;
	}
	job->batch_va = args->batch_va;
	job->batch_size = args->batch_size;
	osprey_job_set_info(job, queue);

	ret = drm_sched_job_init(&job->base, &queue->entity, 1, queue, file->client_id);
	if (ret)
		goto out_job;
	job_inited = true;

	ret = osprey_job_add_in_syncs(job, file, in, args->in_sync_count);
	if (ret)
		goto out_job;

	ret = osprey_job_push(job, &done);
	if (ret)
		goto out_job;

	/* The scheduler owns the job now; its fence will signal. */
	osprey_signal_out_syncs(out_res, args->out_sync_count, done);
	dma_fence_put(done);
	goto out_free;

out_job:
	if (job_inited)
		drm_sched_job_cleanup(&job->base);
	osprey_job_free(job);
out_free:
	osprey_put_out_syncs(out_res, args->out_sync_count);
	kfree(in);
	kfree(out);
	osprey_queue_put(queue);
	return ret;
}

int osprey_ioctl_queue_get_state(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct osprey_file *ofile = file->driver_priv;
	struct drm_osprey_queue_get_state *args = data;
	struct osprey_queue_state *qs;
	struct osprey_queue *queue;

	if (args->flags || args->pad)
		return -EINVAL;
	queue = osprey_queue_lookup(ofile, args->queue_id);
	if (!queue)
		return -ENOENT;
	qs = queue->state;
	args->guilty = atomic_read(&qs->guilty);
	args->innocent = atomic_read(&qs->innocent);
	args->faults = atomic_read(&qs->faults);
	args->state = (args->guilty ? DRM_OSPREY_QUEUE_STATE_GUILTY : 0) |
		      (args->innocent ? DRM_OSPREY_QUEUE_STATE_INNOCENT : 0) |
		      (READ_ONCE(qs->banned) ? DRM_OSPREY_QUEUE_STATE_BANNED : 0);
	args->hang_limit = osprey_engine_hang_limit();
	osprey_queue_put(queue);
	return 0;
}
