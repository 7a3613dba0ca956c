/* SPDX-License-Identifier: GPL-2.0-only */
/* Osprey's own implementation of a subset of IGT's ioctl_wrappers.h. */
#ifndef IOCTL_WRAPPERS_H
#define IOCTL_WRAPPERS_H

#include <stdint.h>

#include "drmtest.h"

/* igt_ioctl (libdrm's drmIoctl by default) is declared in drmtest.h. */

/* Close a GEM handle, asserting success. */
void gem_close(int fd, uint32_t handle);

static inline uint64_t to_user_pointer(const void *ptr)
{
	return (uintptr_t)ptr;
}

static inline void *from_user_pointer(uint64_t u64)
{
	return (void *)(uintptr_t)u64;
}

#endif /* IOCTL_WRAPPERS_H */
