// SPDX-License-Identifier: GPL-2.0-only
/* ioctl helpers (Osprey's subset of IGT's ioctl_wrappers). */
#include "ioctl_wrappers.h"

__thread int (*igt_ioctl)(int fd, unsigned long request, void *arg) = drmIoctl;

void gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close arg = { .handle = handle };

	do_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &arg);
}
