/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Osprey's own implementation of a subset of IGT's drmtest.h: opening DRM
 * device nodes by driver, plus the do_ioctl() helpers.
 */
#ifndef DRMTEST_H
#define DRMTEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt_core.h"

/* Driver ("chipset") flags, with upstream's values. */
#define DRIVER_INTEL	(1 << 0)
#define DRIVER_VC4	(1 << 1)
#define DRIVER_VGEM	(1 << 2)
#define DRIVER_AMDGPU	(1 << 3)
#define DRIVER_V3D	(1 << 4)
#define DRIVER_PANFROST	(1 << 5)
#define DRIVER_MSM	(1 << 6)
#define DRIVER_XE	(1 << 7)
#define DRIVER_VMWGFX	(1 << 8)
#define DRIVER_VKMS	(1 << 9)
#define DRIVER_VIRTIO	(1 << 10)
#define DRIVER_PANTHOR	(1 << 11)
#define DRIVER_ASAHI	(1 << 12)
#define DRIVER_POWERVR	(1 << 13)

/*
 * DRIVER_OSPREY is NOT an upstream flag; it exists only in this library.
 * Here it is a real bit, mapped to the DRM driver name "osprey", so
 * drm_open_driver(DRIVER_OSPREY) opens only an osprey device.  Built against
 * upstream IGT, the driver helper header (igt_osprey.h) supplies its own
 * "#ifndef DRIVER_OSPREY" fallback (DRIVER_ANY plus a driver-name check);
 * the #ifndef here keeps that header usable whichever is included first.
 * The bit is chosen far above upstream's so it cannot collide with them.
 */
#ifndef DRIVER_OSPREY
#define DRIVER_OSPREY	(1 << 30)
#endif

/* As upstream, "any" leaves out the virtual drivers vgem, vkms and virtio. */
#define DRIVER_ANY	~(DRIVER_VGEM | DRIVER_VKMS | DRIVER_VIRTIO)

#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#define ALIGN(v, a) (((v) + (typeof(v))(a) - 1) & ~((typeof(v))(a) - 1))
#define IS_ALIGNED(v, a) (((v) & ((typeof(v))(a) - 1)) == 0)

int __get_drm_device_name(int fd, char *name, int name_size);
unsigned int drm_get_chipset(int fd);
void drm_load_module(unsigned int chipset);

int __drm_open_device(const char *name, unsigned int chipset);
int __drm_open_driver(int chipset);
int __drm_open_driver_render(int chipset);
int drm_open_driver(int chipset);
int drm_open_driver_render(int chipset);
int drm_open_driver_master(int chipset);
int __drm_close_driver(int fd);
int drm_close_driver(int fd);

#define do_or_die(x) igt_assert((x) == 0)

/* Assert that an ioctl (through igt_ioctl) succeeds. */
#define do_ioctl(fd, ioc, ioc_data) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), 0); \
	errno = 0; \
} while (0)

/* Assert that an ioctl fails with errno == err. */
#define do_ioctl_err(fd, ioc, ioc_data, err) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), -1); \
	igt_assert_eq(errno, err); \
	errno = 0; \
} while (0)

/*
 * The ioctl entry point used by do_ioctl() (upstream declares it in
 * ioctl_wrappers.h).  It defaults to libdrm's drmIoctl(), which restarts the
 * call on EINTR and EAGAIN.
 */
extern __thread int (*igt_ioctl)(int fd, unsigned long request, void *arg);

#endif /* DRMTEST_H */
