// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opening DRM devices by driver (Osprey's subset of IGT's drmtest).
 *
 * The first /dev/dri/card<N> (or renderD<128+N>) whose driver matches the
 * requested flags is used.  Drivers are identified by the DRM_IOCTL_VERSION
 * name; a name missing from the table below counts as DRIVER_ANY, so an
 * unknown driver matches only a DRIVER_ANY request, as upstream.  When no
 * device matches, the wanted drivers' modules are loaded and the search is
 * repeated once.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "drmtest.h"
#include "igt_kmod.h"

static const struct {
	unsigned int bit;
	const char *name;
} drivers[] = {
	{ DRIVER_INTEL, "i915" }, { DRIVER_VC4, "vc4" }, { DRIVER_VGEM, "vgem" },
	{ DRIVER_AMDGPU, "amdgpu" }, { DRIVER_V3D, "v3d" },
	{ DRIVER_PANFROST, "panfrost" }, { DRIVER_MSM, "msm" }, { DRIVER_XE, "xe" },
	{ DRIVER_VMWGFX, "vmwgfx" }, { DRIVER_VKMS, "vkms" },
	{ DRIVER_VIRTIO, "virtio_gpu" }, { DRIVER_PANTHOR, "panthor" },
	{ DRIVER_ASAHI, "asahi" }, { DRIVER_POWERVR, "powervr" },
	{ DRIVER_OSPREY, "osprey" },
};

int __get_drm_device_name(int fd, char *name, int name_size)
{
	drmVersionPtr v = drmGetVersion(fd);

	if (!v)
		return -1;
	snprintf(name, name_size, "%s", v->name ?: "");
	drmFreeVersion(v);
	return 0;
}

unsigned int drm_get_chipset(int fd)
{
	char name[64];

	if (__get_drm_device_name(fd, name, sizeof(name)) == 0)
		for (unsigned int i = 0; i < ARRAY_SIZE(drivers); i++)
			if (!strcmp(drivers[i].name, name))
				return drivers[i].bit;
	return DRIVER_ANY;
}

static const char *chipset_to_str(int chipset)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(drivers); i++)
		if ((int)drivers[i].bit == chipset)
			return drivers[i].bit == DRIVER_INTEL ? "intel" : drivers[i].name;
	return chipset == DRIVER_ANY ? "any" : "other";
}

void drm_load_module(unsigned int chipset)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(drivers); i++)
		if (chipset & drivers[i].bit)
			igt_kmod_load(drivers[i].name, NULL);
}

/* Log a device path at info level the first time it is opened. */
static void log_opened(const char *path)
{
	static char seen[32][32];
	static unsigned int n_seen;

	for (unsigned int i = 0; i < n_seen; i++) {
		if (!strcmp(seen[i], path)) {
			igt_debug("Opened previously opened device: %s\n", path);
			return;
		}
	}
	if (n_seen < ARRAY_SIZE(seen))
		snprintf(seen[n_seen++], sizeof(seen[0]), "%s", path);
	igt_info("Opened device: %s\n", path);
}

int __drm_open_device(const char *name, unsigned int chipset)
{
	char driver[64];
	unsigned int chip;
	int fd = open(name, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	/* Not a DRM node, or a driver outside the requested set. */
	if (__get_drm_device_name(fd, driver, sizeof(driver))) {
		close(fd);
		return -1;
	}
	chip = drm_get_chipset(fd);
	if ((chipset & chip) != chip) {
		igt_debug("%s: driver %s not wanted\n", name, driver);
		close(fd);
		return -1;
	}
	log_opened(name);
	return fd;
}

static int search_and_open(const char *base, int first, unsigned int chipset)
{
	for (int i = 0; i < 16; i++) {
		char name[64];
		int fd;

		snprintf(name, sizeof(name), "%s%d", base, first + i);
		fd = __drm_open_device(name, chipset);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

static int open_driver(const char *base, int first, unsigned int chipset)
{
	int fd = search_and_open(base, first, chipset);

	if (fd >= 0)
		return fd;
	drm_load_module(chipset);
	return search_and_open(base, first, chipset);
}

int __drm_open_driver(int chipset)
{
	return open_driver("/dev/dri/card", 0, chipset);
}

int __drm_open_driver_render(int chipset)
{
	return open_driver("/dev/dri/renderD", 128, chipset);
}

int drm_open_driver(int chipset)
{
	int fd = __drm_open_driver(chipset);

	igt_skip_on_f(fd < 0, "No known gpu found for chipset flags 0x%x (%s)\n",
		      (unsigned int)chipset, chipset_to_str(chipset));
	return fd;
}

int drm_open_driver_render(int chipset)
{
	int fd = __drm_open_driver_render(chipset);

	/* No render node: fall back to the primary node, as upstream. */
	return fd >= 0 ? fd : drm_open_driver(chipset);
}

int drm_open_driver_master(int chipset)
{
	int fd = drm_open_driver(chipset);
	int ret = drmSetMaster(fd);

	if (ret)
		close(fd);
	igt_require_f(ret == 0, "Can't become DRM master, is another DRM client running?\n");
	return fd;
}

/* True if fd refers to a /dev/dri card or render node. */
static bool is_drm_fd(int fd)
{
	char path[64], target[PATH_MAX];
	ssize_t len;

	if (fd < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	len = readlink(path, target, sizeof(target) - 1);
	if (len <= 0)
		return false;
	target[len] = '\0';
	return !strncmp(target, "/dev/dri/card", 13) || !strncmp(target, "/dev/dri/renderD", 16);
}

int __drm_close_driver(int fd)
{
	return is_drm_fd(fd) ? close(fd) : -1;
}

int drm_close_driver(int fd)
{
	if (!is_drm_fd(fd)) {
		igt_warn("Don't attempt to close standard/invalid file descriptor: %d\n", fd);
		return -1;
	}
	return __drm_close_driver(fd);
}
