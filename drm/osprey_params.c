// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Device parameters
 *
 * DRM_IOCTL_OSPREY_GET_PARAM answers from the identity read at probe, so it
 * never touches the hardware; it still refuses to answer for an unplugged
 * device, like every other ioctl.
 */

#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "osprey_drm.h"
#include "osprey_drv.h"

int osprey_ioctl_get_param(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	const struct osprey_device *odev = to_osprey_device(drm);
	struct drm_osprey_get_param *args = data;
	int ret = 0;
	int idx;

	if (args->pad)
		return -EINVAL;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	switch (args->param) {
	case DRM_OSPREY_PARAM_GPU_MODEL:
		args->value = odev->info.model;
		break;
	case DRM_OSPREY_PARAM_GPU_REVISION:
		args->value = odev->info.revision;
		break;
	case DRM_OSPREY_PARAM_GPU_FEATURES:
		args->value = odev->info.features;
		break;
	case DRM_OSPREY_PARAM_NUM_ENGINES:
		args->value = odev->info.num_engines;
		break;
	case DRM_OSPREY_PARAM_MAX_BO_SIZE:
		args->value = osprey_gem_max_bo_size();
		break;
	case DRM_OSPREY_PARAM_MAX_LABEL_SIZE:
		args->value = DRM_OSPREY_MAX_LABEL_SIZE;
		break;
	case DRM_OSPREY_PARAM_VA_START:
		args->value = OSPREY_USER_VA_START;
		break;
	case DRM_OSPREY_PARAM_VA_END:
		args->value = OSPREY_USER_VA_END;
		break;
	case DRM_OSPREY_PARAM_MAX_BATCH_SIZE:
		args->value = OSPREY_MAX_BATCH_SIZE;
		break;
	case DRM_OSPREY_PARAM_MAX_SYNCS:
		args->value = OSPREY_MAX_SYNCS;
		break;
	case DRM_OSPREY_PARAM_MAX_VMS:
		args->value = OSPREY_MAX_VMS;
		break;
	case DRM_OSPREY_PARAM_MAX_QUEUES:
		args->value = OSPREY_MAX_QUEUES;
		break;
	default:
		ret = -EINVAL;
		break;
	}

	drm_dev_exit(idx);
	return ret;
}
