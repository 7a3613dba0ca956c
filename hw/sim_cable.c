// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey GPU model: the monitor cable
 *
 * The Osprey display controller composes frames that nobody sees: the
 * model has no screen. The monitor cable plugs it into one. When the
 * machine has a virtio-gpu device (a QEMU guest started with
 * ``-device virtio-gpu-pci``), osprey_sim binds it with a small virtio
 * driver of its own and shows each pipe of Osprey device 0 on the
 * virtio-gpu scanout of the same index. QEMU then displays those frames in
 * its window, and ``screendump`` in QEMU's monitor captures exactly what the
 * Osprey display shows, which lets a test on the host check the pixels.
 *
 * The kernel's virtio_gpu driver is never loaded in the Osprey guests, so
 * the device is free. The cable does not declare a module device table:
 * a virtio-gpu device must not make udev load osprey_sim. It binds one
 * device, the first one offered; a second gets -EBUSY.
 *
 * It speaks the 2D subset of the virtio-gpu protocol on the control queue
 * (the cursor queue is not used):
 *
 * - probe: num_scanouts from the config space, then GET_DISPLAY_INFO;
 * - an output gets a resource of the frame's size: RESOURCE_CREATE_2D
 *   (B8G8R8X8_UNORM, which is the byte order of the model's XRGB8888
 *   words 0x00RRGGBB, so frames are copied unconverted) and
 *   RESOURCE_ATTACH_BACKING with pages of the cable's own, mapped
 *   contiguously with vmap() for the copy;
 * - each frame: copy into the backing, TRANSFER_TO_HOST_2D, SET_SCANOUT if
 *   the scanout does not show that resource yet, RESOURCE_FLUSH;
 * - a new size makes a new resource; the old one is then detached
 *   (RESOURCE_DETACH_BACKING), unreferenced (RESOURCE_UNREF) and freed;
 * - blanking: SET_SCANOUT with resource 0, and the output's resource goes.
 *
 * Commands are synchronous and one at a time, under &cable_lock: a command
 * is added to the queue, the device is kicked, and the caller sleeps on a
 * completion that the queue's callback signals, for at most
 * %CABLE_TIMEOUT. The response type is checked. A command that gets no
 * answer in time fails with -EIO, but its buffers stay the device's until
 * the answer comes (or the device is reset): until then the cable sends
 * nothing and every call fails at once with -EIO. A resource whose release
 * could not be completed (its pages may still be attached) waits on a
 * list of zombies, retried before each frame and freed when the device
 * goes, so a page is never freed while the device may read it.
 *
 * Unbinding while a frame is being presented is safe: remove() marks the
 * device gone, wakes the presenter, then takes &cable_lock, resets the
 * device (after which it touches no buffer) and frees everything.
 */

#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_gpu.h>
#include <linux/virtio_ids.h>
#include <linux/vmalloc.h>

#include "osprey_sim.h"

/* How long the device has to answer a command. */
#define CABLE_TIMEOUT		HZ

/* Largest frame, as the display controller's largest mode. */
#define CABLE_MAX_DIM		4096

#define CABLE_CPP		4

/**
 * union cable_cmd - Buffer of the command being sent
 *
 * Only the members the cable sends; each starts with the header.
 */
union cable_cmd {
	/** @hdr: The header, common to every command. */
	struct virtio_gpu_ctrl_hdr hdr;
	/** @create: RESOURCE_CREATE_2D. */
	struct virtio_gpu_resource_create_2d create;
	/** @unref: RESOURCE_UNREF. */
	struct virtio_gpu_resource_unref unref;
	/** @scanout: SET_SCANOUT. */
	struct virtio_gpu_set_scanout scanout;
	/** @flush: RESOURCE_FLUSH. */
	struct virtio_gpu_resource_flush flush;
	/** @transfer: TRANSFER_TO_HOST_2D. */
	struct virtio_gpu_transfer_to_host_2d transfer;
	/** @attach: RESOURCE_ATTACH_BACKING, whose entries follow separately. */
	struct virtio_gpu_resource_attach_backing attach;
	/** @detach: RESOURCE_DETACH_BACKING. */
	struct virtio_gpu_resource_detach_backing detach;
};

/**
 * union cable_resp - Buffer of the response
 */
union cable_resp {
	/** @hdr: The header: the response type. */
	struct virtio_gpu_ctrl_hdr hdr;
	/** @info: Response to GET_DISPLAY_INFO. */
	struct virtio_gpu_resp_display_info info;
};

/**
 * struct cable_res - A virtio-gpu resource and its backing
 */
struct cable_res {
	/**
	 * @link: In &cable_dev.zombies while its release is unfinished.
	 * Protected by &cable_lock.
	 */
	struct list_head link;
	/** @id: Resource id, never 0. */
	u32 id;
	/** @width: Width in pixels. */
	u32 width;
	/** @height: Height in pixels. */
	u32 height;
	/** @npages: Number of backing pages. */
	unsigned int npages;
	/** @pages: The backing pages, one alloc_page() each. */
	struct page **pages;
	/** @vaddr: @pages mapped contiguously, lines of @width * 4 bytes. */
	void *vaddr;
	/** @sgt: @pages as a scatter list (contiguous pages coalesced). */
	struct sg_table sgt;
	/** @mapped: @sgt is DMA-mapped for the device. */
	bool mapped;
	/**
	 * @created: RESOURCE_CREATE_2D was sent and not undone by an UNREF.
	 * Protected by &cable_lock.
	 */
	bool created;
	/**
	 * @attached: ATTACH_BACKING was sent and not undone by a DETACH: the
	 * device may read @pages, which must not be freed. Protected by
	 * &cable_lock.
	 */
	bool attached;
};

/**
 * enum cable_shows - What a scanout is known to show
 * @CABLE_UNKNOWN: Not known (nothing done yet, or a command failed).
 * @CABLE_BLANK: Nothing: SET_SCANOUT with resource 0 was answered.
 * @CABLE_SHOWN: The output's resource: SET_SCANOUT with it was answered.
 */
enum cable_shows {
	CABLE_UNKNOWN,
	CABLE_BLANK,
	CABLE_SHOWN,
};

/**
 * struct cable_output - One scanout of the device
 */
struct cable_output {
	/**
	 * @res: The resource frames are presented through, or NULL.
	 * Protected by &cable_lock.
	 */
	struct cable_res *res;
	/**
	 * @shows: What the scanout shows, one of &enum cable_shows.
	 * Protected by &cable_lock.
	 */
	enum cable_shows shows;
};

/**
 * struct cable_dev - The bound virtio-gpu device
 *
 * The members set at probe are constant afterwards; the others say what
 * protects them (&cable_lock, which serialises every use of the device,
 * unless said otherwise).
 */
struct cable_dev {
	/** @vdev: The virtio device; its priv points back here. */
	struct virtio_device *vdev;
	/** @ctrlq: The control queue. Used under @vq_lock. */
	struct virtqueue *ctrlq;
	/**
	 * @vq_lock: Serialises @ctrlq between the command path (process
	 * context) and its callback (interrupt context), and protects @busy
	 * and @resp_len, which the callback sets. An irq-safe spinlock.
	 */
	spinlock_t vq_lock;
	/**
	 * @busy: A command is with the device: @cmd, @resp and @extra are
	 * its until the callback gets them back. Protected by @vq_lock.
	 */
	bool busy;
	/** @resp_len: Bytes the device wrote into @resp. Protected by @vq_lock. */
	u32 resp_len;
	/** @done: Completed by the callback when the device answers. */
	struct completion done;
	/**
	 * @gone: Set once by remove() before it takes &cable_lock, so that a
	 * command being waited for gives up at once. Read with READ_ONCE().
	 */
	bool gone;
	/**
	 * @cmd: The command buffer (kmalloc: the queue may DMA-map it).
	 * Protected by &cable_lock; the device's while @busy.
	 */
	union cable_cmd *cmd;
	/** @resp: The response buffer. Like @cmd. */
	union cable_resp *resp;
	/**
	 * @extra: Data sent after the command (ATTACH_BACKING's entries),
	 * kvmalloc'ed, freed once the device has answered. NULL if none.
	 * Protected by &cable_lock.
	 */
	void *extra;
	/** @extra_sgt: @extra as a scatter list, valid while @extra is set. */
	struct sg_table extra_sgt;
	/** @use_dma: Backing addresses are DMA addresses (no DMA quirk). */
	bool use_dma;
	/** @num_outputs: Scanouts used: num_scanouts, at most 16. */
	u32 num_outputs;
	/** @next_id: The next resource id to hand out. Protected by &cable_lock. */
	u32 next_id;
	/** @outputs: The scanouts. Protected by &cable_lock. */
	struct cable_output outputs[VIRTIO_GPU_MAX_SCANOUTS];
	/**
	 * @zombies: Resources whose release has to be completed. Protected
	 * by &cable_lock.
	 */
	struct list_head zombies;
};

/*
 * cable_lock: serialises the cable's users (presenters, probe, remove) and
 * protects cable_device and the state of the device it points to: one
 * command at a time, and the device is not freed under a presenter.
 * Presenting sleeps (allocation, waiting for answers), hence a mutex.
 */
static DEFINE_MUTEX(cable_lock);

/* The bound device, or NULL. Protected by cable_lock. */
static struct cable_dev *cable_device;

/*
 * How many outputs the bound device has, 0 when none is bound: what
 * osprey_sim_cable_connected() reads without the lock. Set by probe under
 * cable_lock, cleared by remove before it waits for the lock; read with
 * READ_ONCE().
 */
static u32 cable_outputs;

/* Whether a command's result means the device answered it. */
static bool cable_answered(int err)
{
	return !err || err == -EPROTO;
}

/*
 * Whether a command's result means the device may have carried it out:
 * it did, or it had it and did not answer (yet).
 */
static bool cable_maybe_done(int err)
{
	return !err || err == -ETIMEDOUT || err == -ENODEV;
}

static void cable_free_extra(struct cable_dev *dev)
{
	if (!dev->extra)
		return;
	sg_free_table(&dev->extra_sgt);
	kvfree(dev->extra);
	dev->extra = NULL;
}

static void cable_ctrl_done(struct virtqueue *vq)
{
	struct cable_dev *dev = vq->vdev->priv;
	unsigned long flags;
	unsigned int len;

	spin_lock_irqsave(&dev->vq_lock, flags);
	/* At most one buffer is ever in the queue. */
	while (virtqueue_get_buf(vq, &len)) {
		dev->resp_len = len;
		dev->busy = false;
		complete(&dev->done);
	}
	spin_unlock_irqrestore(&dev->vq_lock, flags);
}

/* Whether the device still has a command that it did not answer in time. */
static bool cable_busy(struct cable_dev *dev)
{
	unsigned long flags;
	bool busy;

	spin_lock_irqsave(&dev->vq_lock, flags);
	busy = dev->busy;
	spin_unlock_irqrestore(&dev->vq_lock, flags);
	return busy;
}

/*
 * cable_begin_locked() - Start a command: its buffer, zeroed, with the
 * header's type set. Fails when the device still has the previous one.
 */
static union cable_cmd *cable_begin_locked(struct cable_dev *dev, u32 type,
					   size_t size)
{
	lockdep_assert_held(&cable_lock);
	if (READ_ONCE(dev->gone))
		return ERR_PTR(-ENODEV);
	/* Only this path sets busy, so it stays clear until the submission. */
	if (cable_busy(dev))
		return ERR_PTR(-ETIMEDOUT);

	cable_free_extra(dev);
	memset(dev->cmd, 0, size);
	dev->cmd->hdr.type = cpu_to_le32(type);
	return dev->cmd;
}

/*
 * cable_submit_locked() - Send the command begun with cable_begin_locked()
 * and wait for the answer. @extra, if not NULL, is an out list sent after
 * the command (&cable_dev.extra_sgt). Returns 0, -EPROTO if the device
 * answered other than @resp_type, -ETIMEDOUT if it did not answer in time,
 * -ENODEV if the device is going away, or an error of the queue (the
 * command was not sent: -E2BIG, -ENOSPC, -ENOMEM, -EIO).
 */
static int cable_submit_locked(struct cable_dev *dev, size_t cmd_size,
			       struct scatterlist *extra, unsigned int extra_nents,
			       size_t resp_size, u32 resp_type)
{
	struct scatterlist cmd_sg, resp_sg, *sgs[3];
	unsigned int nout = 0;
	unsigned long flags;
	bool answered;
	u32 type, len;
	bool notify;
	int err;

	lockdep_assert_held(&cable_lock);

	if (extra_nents + 2 > virtqueue_get_vring_size(dev->ctrlq)) {
		cable_free_extra(dev);
		return -E2BIG;
	}

	sg_init_one(&cmd_sg, dev->cmd, cmd_size);
	sgs[nout++] = &cmd_sg;
	if (extra)
		sgs[nout++] = extra;
	memset(dev->resp, 0, resp_size);
	sg_init_one(&resp_sg, dev->resp, resp_size);
	sgs[nout] = &resp_sg;

	reinit_completion(&dev->done);
	spin_lock_irqsave(&dev->vq_lock, flags);
	err = virtqueue_add_sgs(dev->ctrlq, sgs, nout, 1, dev, GFP_ATOMIC);
	if (!err)
		dev->busy = true;
	notify = !err && virtqueue_kick_prepare(dev->ctrlq);
	spin_unlock_irqrestore(&dev->vq_lock, flags);
	if (err) {
		cable_free_extra(dev);
		return err;
	}
	if (notify)
		virtqueue_notify(dev->ctrlq);

	wait_for_completion_timeout(&dev->done, CABLE_TIMEOUT);

	spin_lock_irqsave(&dev->vq_lock, flags);
	answered = !dev->busy;
	len = dev->resp_len;
	spin_unlock_irqrestore(&dev->vq_lock, flags);

	if (!answered) {
		if (READ_ONCE(dev->gone))
			return -ENODEV;
		dev_err_ratelimited(&dev->vdev->dev,
				    "monitor cable: no answer to command %#x\n",
				    le32_to_cpu(dev->cmd->hdr.type));
		return -ETIMEDOUT;
	}

	cable_free_extra(dev);
	type = le32_to_cpu(dev->resp->hdr.type);
	if (len < sizeof(struct virtio_gpu_ctrl_hdr) || type != resp_type) {
		dev_err_ratelimited(&dev->vdev->dev,
				    "monitor cable: command %#x failed: response %#x\n",
				    le32_to_cpu(dev->cmd->hdr.type), type);
		return -EPROTO;
	}
	if (len < resp_size) {
		dev_err_ratelimited(&dev->vdev->dev,
				    "monitor cable: short response %#x (%u bytes)\n",
				    type, len);
		return -EPROTO;
	}
	return 0;
}

/* A command with no data after it, answered by OK_NODATA. */
static int cable_simple_locked(struct cable_dev *dev, size_t cmd_size)
{
	lockdep_assert_held(&cable_lock);
	return cable_submit_locked(dev, cmd_size, NULL, 0,
				   sizeof(struct virtio_gpu_ctrl_hdr),
				   VIRTIO_GPU_RESP_OK_NODATA);
}

static void cable_set_rect(struct virtio_gpu_rect *r, u32 width, u32 height)
{
	r->x = 0;
	r->y = 0;
	r->width = cpu_to_le32(width);
	r->height = cpu_to_le32(height);
}

static int cable_get_display_info_locked(struct cable_dev *dev)
{
	struct virtio_gpu_resp_display_info *info = &dev->resp->info;
	union cable_cmd *cmd;
	unsigned int i;
	int err;

	lockdep_assert_held(&cable_lock);

	cmd = cable_begin_locked(dev, VIRTIO_GPU_CMD_GET_DISPLAY_INFO,
				 sizeof(cmd->hdr));
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	err = cable_submit_locked(dev, sizeof(cmd->hdr), NULL, 0, sizeof(*info),
				  VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	if (err)
		return err;

	for (i = 0; i < dev->num_outputs; i++)
		dev_dbg(&dev->vdev->dev, "monitor cable: scanout %u: %ux%u%s\n", i,
			le32_to_cpu(info->pmodes[i].r.width),
			le32_to_cpu(info->pmodes[i].r.height),
			le32_to_cpu(info->pmodes[i].enabled) ? " enabled" : "");
	return 0;
}

static int cable_set_scanout_locked(struct cable_dev *dev, unsigned int output,
				    struct cable_res *res)
{
	union cable_cmd *cmd;

	lockdep_assert_held(&cable_lock);

	cmd = cable_begin_locked(dev, VIRTIO_GPU_CMD_SET_SCANOUT,
				 sizeof(cmd->scanout));
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	cmd->scanout.scanout_id = cpu_to_le32(output);
	if (res) {
		cable_set_rect(&cmd->scanout.r, res->width, res->height);
		cmd->scanout.resource_id = cpu_to_le32(res->id);
	}
	return cable_simple_locked(dev, sizeof(cmd->scanout));
}

/* RESOURCE_DETACH_BACKING or RESOURCE_UNREF (same layout) of @id. */
static int cable_res_cmd_locked(struct cable_dev *dev, u32 type, u32 id)
{
	union cable_cmd *cmd;

	lockdep_assert_held(&cable_lock);

	BUILD_BUG_ON(sizeof(cmd->detach) != sizeof(cmd->unref));
	cmd = cable_begin_locked(dev, type, sizeof(cmd->detach));
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	cmd->detach.resource_id = cpu_to_le32(id);
	return cable_simple_locked(dev, sizeof(cmd->detach));
}

/* Free a resource's memory. The device must not be able to read it. */
static void cable_res_free(struct cable_dev *dev, struct cable_res *res)
{
	unsigned int i;

	if (res->mapped)
		dma_unmap_sgtable(dev->vdev->dev.parent, &res->sgt,
				  DMA_TO_DEVICE, 0);
	sg_free_table(&res->sgt);
	if (res->vaddr)
		vunmap(res->vaddr);
	for (i = 0; i < res->npages; i++)
		if (res->pages[i])
			__free_page(res->pages[i]);
	kvfree(res->pages);
	kfree(res);
}

/*
 * cable_res_release_locked() - Undo a resource on the device, then free it.
 * What the device did not answer is retried later, from the zombie list.
 */
static void cable_res_release_locked(struct cable_dev *dev,
				     struct cable_res *res)
{
	int err;

	lockdep_assert_held(&cable_lock);

	if (res->attached) {
		err = cable_res_cmd_locked(dev, VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING,
					   res->id);
		if (!cable_answered(err))
			goto later;
		res->attached = false;
	}
	if (res->created) {
		err = cable_res_cmd_locked(dev, VIRTIO_GPU_CMD_RESOURCE_UNREF,
					   res->id);
		if (!cable_answered(err))
			goto later;
		res->created = false;
	}
	cable_res_free(dev, res);
	return;

later:
	list_add_tail(&res->link, &dev->zombies);
}

/* Retry the releases that did not complete. */
static void cable_reap_locked(struct cable_dev *dev)
{
	struct cable_res *res, *tmp;
	LIST_HEAD(todo);

	lockdep_assert_held(&cable_lock);
	list_splice_init(&dev->zombies, &todo);
	list_for_each_entry_safe(res, tmp, &todo, link) {
		list_del(&res->link);
		cable_res_release_locked(dev, res);
	}
}

/* Allocate a resource's backing: pages, CPU mapping, scatter list. */
static struct cable_res *cable_res_alloc(struct cable_dev *dev, u32 width,
					 u32 height)
{
	size_t size = (size_t)width * height * CABLE_CPP;
	struct cable_res *res;
	unsigned int i;
	int err;

	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!res)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&res->link);
	res->width = width;
	res->height = height;
	res->npages = DIV_ROUND_UP(size, PAGE_SIZE);
	res->pages = kvcalloc(res->npages, sizeof(*res->pages), GFP_KERNEL);
	if (!res->pages) {
		res->npages = 0;
		err = -ENOMEM;
		goto err;
	}
	for (i = 0; i < res->npages; i++) {
		res->pages[i] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!res->pages[i]) {
			err = -ENOMEM;
			goto err;
		}
	}
	res->vaddr = vmap(res->pages, res->npages, VM_MAP, PAGE_KERNEL);
	if (!res->vaddr) {
		err = -ENOMEM;
		goto err;
	}
	err = sg_alloc_table_from_pages(&res->sgt, res->pages, res->npages, 0,
					size, GFP_KERNEL);
	if (err)
		goto err;
	if (dev->use_dma) {
		err = dma_map_sgtable(dev->vdev->dev.parent, &res->sgt,
				      DMA_TO_DEVICE, 0);
		if (err)
			goto err;
		res->mapped = true;
	}
	return res;

err:
	cable_res_free(dev, res);
	return ERR_PTR(err);
}

/*
 * Describe @buf (kmalloc'ed or vmalloc'ed) as a scatter list of the pages
 * it spans, for the queue.
 */
static int cable_buf_sgt(struct sg_table *sgt, void *buf, size_t len)
{
	struct scatterlist *sg;
	unsigned int i;
	int err;

	err = sg_alloc_table(sgt, DIV_ROUND_UP(offset_in_page(buf) + len, PAGE_SIZE),
			     GFP_KERNEL);
	if (err)
		return err;
	for_each_sgtable_sg(sgt, sg, i) {
		size_t chunk = min_t(size_t, len, PAGE_SIZE - offset_in_page(buf));
		struct page *page = is_vmalloc_addr(buf) ? vmalloc_to_page(buf) :
							   virt_to_page(buf);

		sg_set_page(sg, page, chunk, offset_in_page(buf));
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

static int cable_attach_locked(struct cable_dev *dev, struct cable_res *res)
{
	struct virtio_gpu_mem_entry *ents;
	unsigned int nents, i = 0;
	struct scatterlist *sg;
	union cable_cmd *cmd;
	int err;

	lockdep_assert_held(&cable_lock);

	cmd = cable_begin_locked(dev, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
				 sizeof(cmd->attach));
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);

	nents = res->mapped ? res->sgt.nents : res->sgt.orig_nents;
	ents = kvcalloc(nents, sizeof(*ents), GFP_KERNEL);
	if (!ents)
		return -ENOMEM;
	if (res->mapped) {
		for_each_sgtable_dma_sg(&res->sgt, sg, i) {
			ents[i].addr = cpu_to_le64(sg_dma_address(sg));
			ents[i].length = cpu_to_le32(sg_dma_len(sg));
		}
	} else {
		for_each_sgtable_sg(&res->sgt, sg, i) {
			ents[i].addr = cpu_to_le64(sg_phys(sg));
			ents[i].length = cpu_to_le32(sg->length);
		}
	}
	err = cable_buf_sgt(&dev->extra_sgt, ents, nents * sizeof(*ents));
	if (err) {
		kvfree(ents);
		return err;
	}
	/* The device owns it until it answers: cable_free_extra() frees it. */
	dev->extra = ents;

	cmd->attach.resource_id = cpu_to_le32(res->id);
	cmd->attach.nr_entries = cpu_to_le32(nents);
	/* Until the device says otherwise, it may read the pages. */
	res->attached = true;
	err = cable_submit_locked(dev, sizeof(cmd->attach), dev->extra_sgt.sgl,
				  dev->extra_sgt.orig_nents,
				  sizeof(struct virtio_gpu_ctrl_hdr),
				  VIRTIO_GPU_RESP_OK_NODATA);
	if (!cable_maybe_done(err))
		res->attached = false;
	return err;
}

/* A new resource of the given size, created on the device with its backing. */
static struct cable_res *cable_res_create_locked(struct cable_dev *dev,
						 u32 width, u32 height)
{
	struct cable_res *res;
	union cable_cmd *cmd;
	int err;

	lockdep_assert_held(&cable_lock);

	res = cable_res_alloc(dev, width, height);
	if (IS_ERR(res))
		return res;

	res->id = dev->next_id++;
	if (!dev->next_id)
		dev->next_id = 1;

	cmd = cable_begin_locked(dev, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
				 sizeof(cmd->create));
	if (IS_ERR(cmd)) {
		err = PTR_ERR(cmd);
		goto err;
	}
	cmd->create.resource_id = cpu_to_le32(res->id);
	cmd->create.format = cpu_to_le32(VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM);
	cmd->create.width = cpu_to_le32(width);
	cmd->create.height = cpu_to_le32(height);
	res->created = true;
	err = cable_simple_locked(dev, sizeof(cmd->create));
	if (!cable_maybe_done(err))
		res->created = false;
	if (err)
		goto err;

	err = cable_attach_locked(dev, res);
	if (err)
		goto err;
	return res;

err:
	cable_res_release_locked(dev, res);
	return ERR_PTR(err);
}

static int cable_blank_locked(struct cable_dev *dev, unsigned int output)
{
	struct cable_output *out = &dev->outputs[output];
	int err;

	lockdep_assert_held(&cable_lock);

	if (out->shows == CABLE_BLANK && !out->res)
		return 0;

	err = cable_set_scanout_locked(dev, output, NULL);
	out->shows = err ? CABLE_UNKNOWN : CABLE_BLANK;
	/*
	 * A blank output keeps no resource: it goes now or, if the device
	 * has not answered, from the zombie list once it does.
	 */
	if (out->res)
		cable_res_release_locked(dev, out->res);
	out->res = NULL;
	return err;
}

static int cable_show_locked(struct cable_dev *dev, unsigned int output,
			     const u32 *pixels, u32 width, u32 height,
			     u32 stride)
{
	struct cable_output *out = &dev->outputs[output];
	struct cable_res *res = out->res, *old = NULL;
	size_t line = (size_t)width * CABLE_CPP;
	union cable_cmd *cmd;
	unsigned int y;
	int err;

	lockdep_assert_held(&cable_lock);

	if (!res || res->width != width || res->height != height) {
		res = cable_res_create_locked(dev, width, height);
		if (IS_ERR(res))
			return PTR_ERR(res);
		old = out->res;
		out->res = res;
		out->shows = CABLE_UNKNOWN;
	}

	/* XRGB8888 words 0x00RRGGBB are B8G8R8X8 bytes: a plain copy. */
	for (y = 0; y < height; y++) {
		memcpy(res->vaddr + y * line, (const u8 *)pixels + (size_t)y * stride,
		       line);
		cond_resched();
	}
	if (res->mapped)
		dma_sync_sgtable_for_device(dev->vdev->dev.parent, &res->sgt,
					    DMA_TO_DEVICE);

	cmd = cable_begin_locked(dev, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
				 sizeof(cmd->transfer));
	if (IS_ERR(cmd)) {
		err = PTR_ERR(cmd);
		goto out;
	}
	cable_set_rect(&cmd->transfer.r, width, height);
	cmd->transfer.resource_id = cpu_to_le32(res->id);
	err = cable_simple_locked(dev, sizeof(cmd->transfer));
	if (err)
		goto out;

	if (out->shows != CABLE_SHOWN) {
		err = cable_set_scanout_locked(dev, output, res);
		if (err)
			goto out;
		out->shows = CABLE_SHOWN;
	}

	cmd = cable_begin_locked(dev, VIRTIO_GPU_CMD_RESOURCE_FLUSH,
				 sizeof(cmd->flush));
	if (IS_ERR(cmd)) {
		err = PTR_ERR(cmd);
		goto out;
	}
	cable_set_rect(&cmd->flush.r, width, height);
	cmd->flush.resource_id = cpu_to_le32(res->id);
	err = cable_simple_locked(dev, sizeof(cmd->flush));

out:
	if (old)
		cable_res_release_locked(dev, old);
	return err;
}

int osprey_sim_cable_present(unsigned int output, const u32 *pixels,
			     u32 width, u32 height, u32 stride)
{
	struct cable_dev *dev;
	int err;

	mutex_lock(&cable_lock);
	dev = cable_device;
	if (!dev || READ_ONCE(dev->gone) || output >= dev->num_outputs) {
		err = -ENODEV;
	} else if (pixels && (!width || !height || width > CABLE_MAX_DIM ||
			      height > CABLE_MAX_DIM ||
			      stride < width * CABLE_CPP)) {
		err = -EINVAL;
	} else if (cable_busy(dev)) {
		/* Still no answer to an earlier command: do no work for nothing. */
		err = -ETIMEDOUT;
	} else {
		cable_reap_locked(dev);
		if (pixels)
			err = cable_show_locked(dev, output, pixels, width,
						height, stride);
		else
			err = cable_blank_locked(dev, output);
	}
	mutex_unlock(&cable_lock);

	/* The caller counts failures; the log says which command failed. */
	if (err && err != -ENODEV && err != -ENOMEM && err != -EINVAL)
		err = -EIO;
	return err;
}

bool osprey_sim_cable_connected(unsigned int output)
{
	return output < READ_ONCE(cable_outputs);
}

/*
 * Stop the device: after the reset it touches none of the buffers or pages;
 * buffers it did not give back (a command never answered) are reclaimed
 * from the queue, which frees the queue's own memory for them.
 */
static void cable_stop(struct cable_dev *dev)
{
	virtio_reset_device(dev->vdev);
	while (virtqueue_detach_unused_buf(dev->ctrlq))
		;
	dev->vdev->config->del_vqs(dev->vdev);
}

/* Free what the device had, once it can no longer touch any of it. */
static void cable_dev_free(struct cable_dev *dev)
{
	struct cable_res *res, *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dev->outputs); i++)
		if (dev->outputs[i].res)
			cable_res_free(dev, dev->outputs[i].res);
	list_for_each_entry_safe(res, tmp, &dev->zombies, link) {
		list_del(&res->link);
		cable_res_free(dev, res);
	}
	cable_free_extra(dev);
	kfree(dev->resp);
	kfree(dev->cmd);
	kfree(dev);
}

static int cable_probe(struct virtio_device *vdev)
{
	struct cable_dev *dev;
	u32 num_scanouts;
	int err;

	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1))
		return -ENODEV;

	mutex_lock(&cable_lock);
	if (cable_device) {
		err = -EBUSY;
		goto out_unlock;
	}

	virtio_cread_le(vdev, struct virtio_gpu_config, num_scanouts,
			&num_scanouts);
	if (!num_scanouts) {
		err = -ENODEV;
		goto out_unlock;
	}

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev) {
		err = -ENOMEM;
		goto out_unlock;
	}
	dev->vdev = vdev;
	spin_lock_init(&dev->vq_lock);
	init_completion(&dev->done);
	INIT_LIST_HEAD(&dev->zombies);
	dev->next_id = 1;
	dev->use_dma = !virtio_has_dma_quirk(vdev);
	dev->num_outputs = min_t(u32, num_scanouts, VIRTIO_GPU_MAX_SCANOUTS);
	dev->cmd = kzalloc(sizeof(*dev->cmd), GFP_KERNEL);
	dev->resp = kzalloc(sizeof(*dev->resp), GFP_KERNEL);
	if (!dev->cmd || !dev->resp) {
		err = -ENOMEM;
		goto err_free;
	}

	vdev->priv = dev;
	dev->ctrlq = virtio_find_single_vq(vdev, cable_ctrl_done, "control");
	if (IS_ERR(dev->ctrlq)) {
		err = PTR_ERR(dev->ctrlq);
		goto err_free;
	}
	virtio_device_ready(vdev);

	err = cable_get_display_info_locked(dev);
	if (err)
		goto err_reset;

	cable_device = dev;
	WRITE_ONCE(cable_outputs, dev->num_outputs);
	mutex_unlock(&cable_lock);
	dev_info(&vdev->dev, "monitor cable: %u scanout(s) show the Osprey display\n",
		 dev->num_outputs);
	return 0;

err_reset:
	cable_stop(dev);
err_free:
	vdev->priv = NULL;
	cable_dev_free(dev);
out_unlock:
	mutex_unlock(&cable_lock);
	return err == -ETIMEDOUT || err == -EPROTO ? -EIO : err;
}

static void cable_remove(struct virtio_device *vdev)
{
	struct cable_dev *dev = vdev->priv;

	/* New callers see no output; one waiting for an answer stops waiting. */
	WRITE_ONCE(cable_outputs, 0);
	WRITE_ONCE(dev->gone, true);
	complete(&dev->done);

	mutex_lock(&cable_lock);
	cable_stop(dev);
	cable_device = NULL;
	mutex_unlock(&cable_lock);

	vdev->priv = NULL;
	cable_dev_free(dev);
}

static const struct virtio_device_id cable_id_table[] = {
	{ VIRTIO_ID_GPU, VIRTIO_DEV_ANY_ID },
	{ }
};

/* No MODULE_DEVICE_TABLE(): a virtio-gpu device must not load osprey_sim. */
static struct virtio_driver cable_driver = {
	.driver.name = "osprey_sim_cable",
	.id_table = cable_id_table,
	.probe = cable_probe,
	.remove = cable_remove,
};

int osprey_sim_cable_init(void)
{
	return register_virtio_driver(&cable_driver);
}

void osprey_sim_cable_exit(void)
{
	unregister_virtio_driver(&cable_driver);
}
