// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: debugfs
 *
 * Files under /sys/kernel/debug/dri/<device>/. Reading any of them is safe
 * at any time and changes nothing: tools such as IGT read every file they
 * find. A file that performs an action does so only when written.
 *
 * - ``gpu_info``: the identity registers and the interrupt count.
 */

#include <linux/bitfield.h>
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>

#include "osprey_drv.h"

static int osprey_debugfs_gpu_info(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	const struct osprey_device *odev = to_osprey_device(entry->dev);

	seq_printf(m, "model: 0x%04x\n", odev->info.model);
	seq_printf(m, "revision: %lu.%lu\n",
		   FIELD_GET(OSPREY_REVISION_MAJOR, odev->info.revision),
		   FIELD_GET(OSPREY_REVISION_MINOR, odev->info.revision));
	seq_printf(m, "features: 0x%08x\n", odev->info.features);
	seq_printf(m, "engines: %u\n", odev->info.num_engines);
	seq_printf(m, "interrupts: %d\n", atomic_read(&odev->irq_count));
	return 0;
}

static const struct drm_debugfs_info osprey_debugfs_files[] = {
	{ "gpu_info", osprey_debugfs_gpu_info },
};

void osprey_debugfs_register(struct osprey_device *odev)
{
	drm_debugfs_add_files(&odev->drm, osprey_debugfs_files,
			      ARRAY_SIZE(osprey_debugfs_files));
}
