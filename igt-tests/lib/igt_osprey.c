// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * Osprey helpers for IGT tests: device checks, parameters, and the sysfs
 * plumbing the hot-unplug tests use.
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt_core.h"
#include "igt_osprey.h"
#include "ioctl_wrappers.h"

/**
 * is_osprey_device: whether @fd is a node of the Osprey driver
 */
bool is_osprey_device(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool yes = v && !strcmp(v->name, "osprey");

	drmFreeVersion(v);
	return yes;
}

/**
 * igt_require_osprey: skip unless @fd is an Osprey node
 */
void igt_require_osprey(int fd)
{
	igt_require(is_osprey_device(fd));
}

/**
 * __igt_osprey_get_param: DRM_IOCTL_OSPREY_GET_PARAM; 0 or -errno
 */
int __igt_osprey_get_param(int fd, uint32_t param, uint64_t *value)
{
	struct drm_osprey_get_param gp = { .param = param };

	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_GET_PARAM, &gp))
		return -errno;
	*value = gp.value;
	return 0;
}

/**
 * igt_osprey_get_param: read a parameter, asserting that the read succeeds
 */
uint64_t igt_osprey_get_param(int fd, uint32_t param)
{
	uint64_t value = 0;

	igt_assert_eq(__igt_osprey_get_param(fd, param, &value), 0);
	return value;
}

/**
 * igt_osprey_device_name: the platform device behind @fd, e.g. "osprey.0"
 *
 * Returns 0, or -errno if the node has no device in sysfs.
 */
int igt_osprey_device_name(int fd, char *name, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st))
		return -errno;
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	snprintf(name, len, "%s", basename(target));
	return 0;
}

/**
 * igt_osprey_sysfs_write: write @value to the sysfs file @path
 *
 * Returns 0, or -errno of the failing open or write.
 */
int igt_osprey_sysfs_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}
