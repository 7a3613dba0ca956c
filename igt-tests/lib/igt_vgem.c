// SPDX-License-Identifier: GPL-2.0-only
/* vgem buffers and fences (Osprey's subset of IGT's igt_vgem). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <xf86drm.h>

#include "drmtest.h"
#include "igt_core.h"
#include "igt_vgem.h"

/* vgem's own ioctls (include/uapi/drm/vgem_drm.h), which libdrm lacks. */
#ifndef DRM_IOCTL_VGEM_FENCE_ATTACH
struct drm_vgem_fence_attach {
	__u32 handle;
	__u32 flags;
	__u32 out_fence;
	__u32 pad;
};

struct drm_vgem_fence_signal {
	__u32 fence;
	__u32 flags;
};

#define DRM_VGEM_FENCE_ATTACH	0x1
#define DRM_VGEM_FENCE_SIGNAL	0x2
#define DRM_IOCTL_VGEM_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VGEM_FENCE_ATTACH, struct drm_vgem_fence_attach)
#define DRM_IOCTL_VGEM_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VGEM_FENCE_SIGNAL, struct drm_vgem_fence_signal)
#endif

int __vgem_create(int fd, struct vgem_bo *bo)
{
	struct drm_mode_create_dumb arg = {
		.width = bo->width,
		.height = bo->height,
		.bpp = bo->bpp,
	};

	if (igt_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &arg))
		return -errno;
	bo->handle = arg.handle;
	bo->pitch = arg.pitch;
	bo->size = arg.size;
	return 0;
}

void vgem_create(int fd, struct vgem_bo *bo)
{
	igt_assert_eq(__vgem_create(fd, bo), 0);
}

void *__vgem_mmap(int fd, struct vgem_bo *bo, unsigned int prot)
{
	struct drm_mode_map_dumb arg = { .handle = bo->handle };
	void *ptr;

	if (igt_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &arg))
		return NULL;
	ptr = mmap(NULL, bo->size, prot, MAP_SHARED, fd, arg.offset);
	return ptr == MAP_FAILED ? NULL : ptr;
}

void *vgem_mmap(int fd, struct vgem_bo *bo, unsigned int prot)
{
	void *ptr = __vgem_mmap(fd, bo, prot);

	igt_assert_f(ptr, "mmap of vgem handle %u failed: %s\n", bo->handle,
		     strerror(errno));
	return ptr;
}

static int __vgem_fence_attach(int fd, struct drm_vgem_fence_attach *arg)
{
	if (igt_ioctl(fd, DRM_IOCTL_VGEM_FENCE_ATTACH, arg))
		return -errno;
	return 0;
}

/* Probes attach to handle 0, which names nothing: -ENOENT means "known". */
bool vgem_has_fences(int fd)
{
	struct drm_vgem_fence_attach arg = {};

	return __vgem_fence_attach(fd, &arg) == -ENOENT;
}

bool vgem_fence_has_flag(int fd, unsigned int flags)
{
	struct drm_vgem_fence_attach arg = { .flags = flags };

	return __vgem_fence_attach(fd, &arg) == -ENOENT;
}

uint32_t vgem_fence_attach(int fd, struct vgem_bo *bo, unsigned int flags)
{
	struct drm_vgem_fence_attach arg = {
		.handle = bo->handle,
		.flags = flags,
	};

	igt_assert_eq(__vgem_fence_attach(fd, &arg), 0);
	return arg.out_fence;
}

int __vgem_fence_signal(int fd, uint32_t fence)
{
	struct drm_vgem_fence_signal arg = { .fence = fence };

	if (igt_ioctl(fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &arg))
		return -errno;
	return 0;
}

void vgem_fence_signal(int fd, uint32_t fence)
{
	igt_assert_eq(__vgem_fence_signal(fd, fence), 0);
}
