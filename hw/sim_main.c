// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey GPU model: board code
 *
 * osprey_sim plays the part that board code or firmware plays for a SoC GPU:
 * it declares the "osprey" platform devices, each with an interrupt line and
 * a register bus (see osprey_hw.h), and it is the hardware behind them.
 *
 * The interrupt lines come from a small interrupt domain of the module's
 * own, one hardware interrupt per device, so that the driver requests a
 * genuine Linux interrupt and its handler runs in hard interrupt context.
 *
 * Module parameters:
 *
 * - ``devices``: how many Osprey GPUs to declare (1 to %OSPREY_SIM_MAX_DEVICES).
 * - ``revision``: the value of their REVISION register, to model another
 *   stepping of the same design.
 * - ``pipes``: display pipes of each GPU (0 to %OSPREY_DISP_MAX_PIPES; 0
 *   leaves the display controller out, and FEATURES says so).
 * - ``monitor_hz``: at most this many frames a second of device 0 are shown
 *   on the monitor cable (0: never).
 *
 * debugfs, /sys/kernel/debug/osprey_sim/osprey.N/:
 *
 * - ``lockup``: write 1 to make the engine stop fetching, as a hung GPU
 *   would, until the driver resets it; reads the current setting.
 * - ``connectorP``: write 0 or 1 to unplug or plug pipe P's monitor (a
 *   change raises HOTPLUG); reads the current state.
 * - ``underrun``: write a pipe index to make that pipe's next frame report
 *   an underrun (plane 0, address 0).
 * - ``display_stats``: the composer's statistics, one line per pipe; any
 *   write zeroes them.
 */

#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "osprey_sim.h"

#define OSPREY_SIM_MAX_DEVICES	8

static unsigned int devices = 1;
module_param(devices, uint, 0444);
MODULE_PARM_DESC(devices, "Number of Osprey GPUs to declare (1-8, default 1)");

static unsigned int revision = 0x0100;
module_param(revision, uint, 0444);
MODULE_PARM_DESC(revision, "REVISION register: major << 8 | minor (default 0x0100)");

static unsigned int pipes = 2;
module_param(pipes, uint, 0444);
MODULE_PARM_DESC(pipes, "Display pipes per GPU (0-4, default 2; 0: no display)");

static unsigned int monitor_hz = 20;
module_param(monitor_hz, uint, 0444);
MODULE_PARM_DESC(monitor_hz, "Most frames a second shown on the monitor cable (default 20; 0: none)");

static struct dentry *osprey_sim_debugfs;
static struct fwnode_handle *osprey_sim_fwnode;
static struct irq_domain *osprey_sim_domain;
static struct osprey_sim *osprey_sims[OSPREY_SIM_MAX_DEVICES];

static int osprey_sim_irq_map(struct irq_domain *d, unsigned int virq,
			      irq_hw_number_t hw)
{
	irq_set_chip_and_handler(virq, &dummy_irq_chip, handle_simple_irq);
	return 0;
}

static const struct irq_domain_ops osprey_sim_irq_ops = {
	.map = osprey_sim_irq_map,
};

static int osprey_sim_lockup_get(void *data, u64 *val)
{
	struct osprey_sim *sim = data;

	*val = READ_ONCE(sim->engine.lockup);
	return 0;
}

static int osprey_sim_lockup_set(void *data, u64 val)
{
	osprey_sim_set_lockup(data, val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(osprey_sim_lockup_fops, osprey_sim_lockup_get,
			 osprey_sim_lockup_set, "%llu\n");

/* connectorP: the file's data is the pipe. */
static int osprey_sim_connector_get(void *data, u64 *val)
{
	struct osprey_sim_pipe *pipe = data;
	struct osprey_sim *sim = pipe->sim;
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	*val = pipe->connected;
	spin_unlock_irqrestore(&sim->lock, flags);
	return 0;
}

static int osprey_sim_connector_set(void *data, u64 val)
{
	struct osprey_sim_pipe *pipe = data;

	if (val > 1)
		return -EINVAL;
	return osprey_sim_display_set_connected(pipe->sim, pipe->index, val);
}

DEFINE_DEBUGFS_ATTRIBUTE(osprey_sim_connector_fops, osprey_sim_connector_get,
			 osprey_sim_connector_set, "%llu\n");

static int osprey_sim_underrun_set(void *data, u64 val)
{
	struct osprey_sim *sim = data;

	if (val >= sim->disp.num_pipes)
		return -EINVAL;
	return osprey_sim_display_inject_underrun(sim, val);
}

DEFINE_DEBUGFS_ATTRIBUTE(osprey_sim_underrun_fops, NULL, osprey_sim_underrun_set, "%llu\n");

static int osprey_sim_display_stats_open_show(struct seq_file *m, void *unused)
{
	osprey_sim_display_stats_show(m->private, m);
	return 0;
}

static int osprey_sim_display_stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, osprey_sim_display_stats_open_show, inode->i_private);
}

static ssize_t osprey_sim_display_stats_write(struct file *file, const char __user *buf,
					      size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;

	osprey_sim_display_stats_reset(m->private);
	return count;
}

static const struct file_operations osprey_sim_display_stats_fops = {
	.owner = THIS_MODULE,
	.open = osprey_sim_display_stats_open,
	.read = seq_read,
	.write = osprey_sim_display_stats_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static void osprey_sim_display_debugfs(struct osprey_sim *sim)
{
	unsigned int p;

	if (!sim->disp.num_pipes)
		return;
	for (p = 0; p < sim->disp.num_pipes; p++) {
		char name[24];

		snprintf(name, sizeof(name), "connector%u", p);
		debugfs_create_file_unsafe(name, 0600, sim->debugfs, &sim->disp.pipe[p],
					   &osprey_sim_connector_fops);
	}
	debugfs_create_file_unsafe("underrun", 0200, sim->debugfs, sim,
				   &osprey_sim_underrun_fops);
	debugfs_create_file("display_stats", 0600, sim->debugfs, sim,
			    &osprey_sim_display_stats_fops);
}

static void osprey_sim_destroy(struct osprey_sim *sim)
{
	debugfs_remove_recursive(sim->debugfs);
	/* The driver has unbound: nothing requests the interrupt any more. */
	platform_device_unregister(sim->pdev);
	osprey_sim_display_fini(sim);
	osprey_sim_engine_fini(sim);
	irq_work_sync(&sim->irq_work);
	irq_dispose_mapping(sim->virq);
	kfree(sim);
}

static struct osprey_sim *osprey_sim_create(unsigned int index)
{
	struct platform_device_info info = {
		.name = "osprey",
		.id = index,
		.num_res = 1,
		.size_data = sizeof(struct osprey_hw_bus),
		/* The GPU reaches all of memory. */
		.dma_mask = DMA_BIT_MASK(64),
	};
	struct osprey_hw_bus bus = {
		.read = osprey_sim_reg_read,
		.write = osprey_sim_reg_write,
	};
	struct resource res;
	struct osprey_sim *sim;
	int err;

	sim = kzalloc(sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return ERR_PTR(-ENOMEM);

	sim->index = index;
	sim->revision = revision & (OSPREY_REVISION_MAJOR | OSPREY_REVISION_MINOR);
	spin_lock_init(&sim->lock);
	sim->irq_work = IRQ_WORK_INIT_HARD(osprey_sim_irq_work);

	err = osprey_sim_engine_init(sim);
	if (err)
		goto err_free;

	err = osprey_sim_display_init(sim, pipes, monitor_hz);
	if (err)
		goto err_engine;

	sim->virq = irq_create_mapping(osprey_sim_domain, index);
	if (!sim->virq) {
		err = -ENOSPC;
		goto err_display;
	}

	res = DEFINE_RES_IRQ_NAMED(sim->virq, "gpu");
	bus.ctx = sim;
	info.res = &res;
	info.data = &bus;
	sim->pdev = platform_device_register_full(&info);
	if (IS_ERR(sim->pdev)) {
		err = PTR_ERR(sim->pdev);
		goto err_dispose;
	}

	sim->debugfs = debugfs_create_dir(dev_name(&sim->pdev->dev), osprey_sim_debugfs);
	debugfs_create_file_unsafe("lockup", 0600, sim->debugfs, sim,
				   &osprey_sim_lockup_fops);
	osprey_sim_display_debugfs(sim);
	return sim;

err_dispose:
	irq_dispose_mapping(sim->virq);
err_display:
	osprey_sim_display_fini(sim);
err_engine:
	osprey_sim_engine_fini(sim);
err_free:
	kfree(sim);
	return ERR_PTR(err);
}

static void osprey_sim_destroy_all(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(osprey_sims); i++) {
		if (osprey_sims[i])
			osprey_sim_destroy(osprey_sims[i]);
		osprey_sims[i] = NULL;
	}
	if (osprey_sim_domain)
		irq_domain_remove(osprey_sim_domain);
	if (osprey_sim_fwnode)
		irq_domain_free_fwnode(osprey_sim_fwnode);
	debugfs_remove_recursive(osprey_sim_debugfs);
	osprey_sim_domain = NULL;
	osprey_sim_fwnode = NULL;
	osprey_sim_debugfs = NULL;
}

static int __init osprey_sim_init(void)
{
	unsigned int i;
	int err;

	if (devices < 1 || devices > OSPREY_SIM_MAX_DEVICES || pipes > OSPREY_DISP_MAX_PIPES)
		return -EINVAL;

	/* Before the devices: device 0's composer looks for the monitor. */
	err = osprey_sim_cable_init();
	if (err)
		return err;

	osprey_sim_debugfs = debugfs_create_dir("osprey_sim", NULL);
	osprey_sim_fwnode = irq_domain_alloc_named_fwnode("osprey-sim");
	if (!osprey_sim_fwnode) {
		err = -ENOMEM;
		goto err;
	}

	osprey_sim_domain = irq_domain_create_linear(osprey_sim_fwnode,
						     OSPREY_SIM_MAX_DEVICES,
						     &osprey_sim_irq_ops, NULL);
	if (!osprey_sim_domain) {
		err = -ENOMEM;
		goto err;
	}

	for (i = 0; i < devices; i++) {
		struct osprey_sim *sim = osprey_sim_create(i);

		if (IS_ERR(sim)) {
			err = PTR_ERR(sim);
			goto err;
		}
		osprey_sims[i] = sim;
	}

	return 0;

err:
	osprey_sim_destroy_all();
	osprey_sim_cable_exit();
	return err;
}

static void __exit osprey_sim_exit(void)
{
	osprey_sim_destroy_all();
	/* After the devices: no composer presents any more. */
	osprey_sim_cable_exit();
}

module_init(osprey_sim_init);
module_exit(osprey_sim_exit);

MODULE_DESCRIPTION("Osprey GPU model: declares and simulates Osprey GPUs");
MODULE_AUTHOR("The Osprey authors");
MODULE_LICENSE("GPL");
