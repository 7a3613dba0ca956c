/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Osprey's own implementation of a subset of IGT's igt_vgem.h: vgem buffers
 * and the fences vgem lets userspace attach to them and signal, which give
 * a test a fence it controls from the CPU.
 */
#ifndef IGT_VGEM_H
#define IGT_VGEM_H

#include <stdbool.h>
#include <stdint.h>

/* A vgem dumb buffer: width, height and bpp in; handle, pitch and size out. */
struct vgem_bo {
	uint32_t handle;
	uint32_t width, height;
	uint32_t bpp, pitch;
	uint64_t size;
};

/* Create a dumb buffer: 0 or -errno. */
int __vgem_create(int fd, struct vgem_bo *bo);
/* Create a dumb buffer, asserting success. */
void vgem_create(int fd, struct vgem_bo *bo);

/* Map a buffer (MAP_SHARED): the mapping, or NULL with errno set. */
void *__vgem_mmap(int fd, struct vgem_bo *bo, unsigned int prot);
/* Map a buffer, asserting success. */
void *vgem_mmap(int fd, struct vgem_bo *bo, unsigned int prot);

/* Whether the driver behind @fd has vgem's fence ioctls. */
bool vgem_has_fences(int fd);
/* Whether it accepts @flags when attaching a fence. */
bool vgem_fence_has_flag(int fd, unsigned int flags);
/*
 * Attach a new unsignalled fence to @bo (a write fence with
 * VGEM_FENCE_WRITE), asserting success; returns the fence's id. vgem
 * signals it by itself after 10 seconds.
 */
uint32_t vgem_fence_attach(int fd, struct vgem_bo *bo, unsigned int flags);
#define VGEM_FENCE_WRITE 0x1
#define WIP_VGEM_FENCE_NOTIMEOUT 0x2
/* Signal a fence: 0 or -errno. */
int __vgem_fence_signal(int fd, uint32_t fence);
/* Signal a fence, asserting success. */
void vgem_fence_signal(int fd, uint32_t fence);

#endif /* IGT_VGEM_H */
