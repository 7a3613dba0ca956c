/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The Osprey authors */
#ifndef IGT_OSPREY_H
#define IGT_OSPREY_H

/*
 * Osprey helpers for IGT tests, in the manner of IGT's igt_panfrost.h.
 * This file is written against IGT's public API only, so that it builds in
 * upstream IGT's lib/ as well as against this project's IGT subset.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drmtest.h"
#include "osprey_drm.h"

#ifndef DRIVER_OSPREY
/*
 * An IGT that does not know Osprey: open any driver; the tests' fixtures
 * then call igt_require_osprey() so that another driver is skipped.
 */
#define DRIVER_OSPREY DRIVER_ANY
#endif

bool is_osprey_device(int fd);
void igt_require_osprey(int fd);

int __igt_osprey_get_param(int fd, uint32_t param, uint64_t *value);
uint64_t igt_osprey_get_param(int fd, uint32_t param);

int igt_osprey_device_name(int fd, char *name, size_t len);
int igt_osprey_sysfs_write(const char *path, const char *value);

/* Buffer objects */
int __igt_osprey_gem_create(int fd, uint64_t *size, uint32_t flags,
			    uint32_t *handle);
uint32_t igt_osprey_gem_create(int fd, uint64_t size);
int __igt_osprey_gem_mmap_offset(int fd, uint32_t handle, uint64_t *offset);
uint64_t igt_osprey_gem_mmap_offset(int fd, uint32_t handle);
void *__igt_osprey_gem_mmap(int fd, uint32_t handle, uint64_t size, int prot);
void *igt_osprey_gem_mmap(int fd, uint32_t handle, uint64_t size, int prot);
int __igt_osprey_gem_info(int fd, uint32_t handle,
			  struct drm_osprey_gem_info *info);
void igt_osprey_gem_info(int fd, uint32_t handle,
			 struct drm_osprey_gem_info *info);
int __igt_osprey_gem_set_label(int fd, uint32_t handle, const char *label);
void igt_osprey_gem_set_label(int fd, uint32_t handle, const char *label);
int __igt_osprey_gem_wait(int fd, uint32_t handle, int64_t timeout_ns);
int64_t igt_osprey_monotonic_ns(void);

/* Dumb buffers (any DRM driver with dumb buffers, e.g. vgem) */
uint32_t igt_osprey_dumb_create(int fd, uint32_t width, uint32_t height,
				uint32_t bpp, uint32_t *pitch, uint64_t *size);
void *igt_osprey_dumb_mmap(int fd, uint32_t handle, uint64_t size, int prot);
void igt_osprey_dumb_destroy(int fd, uint32_t handle);

/* PRIME and dma-buf (any DRM driver) */
int igt_osprey_prime_export(int fd, uint32_t handle);
uint32_t igt_osprey_prime_import(int fd, int dmabuf);
void *igt_osprey_dmabuf_mmap(int dmabuf, uint64_t size, int prot);
void igt_osprey_dmabuf_sync(int dmabuf, uint64_t flags);

/* Data patterns: @size must be a multiple of 4 */
void igt_osprey_fill(void *ptr, uint64_t size, uint32_t seed);
void igt_osprey_assert_pattern(const void *ptr, uint64_t size, uint32_t seed);
void igt_osprey_assert_zero(const void *ptr, uint64_t size);

/* debugfs: gem_count and gem_objects */
char *igt_osprey_debugfs_read_all(int fd, const char *filename);
int igt_osprey_gem_count(int fd);

#define IGT_OSPREY_DEBUGFS_LABEL_MAX 256

/**
 * struct igt_osprey_debugfs_bo - one line of the gem_objects debugfs file
 */
struct igt_osprey_debugfs_bo {
	uint64_t size;
	unsigned int handles;
	char label[IGT_OSPREY_DEBUGFS_LABEL_MAX];
	bool imported;
	bool exported;
	bool pinned;
};

int igt_osprey_gem_objects(int fd, struct igt_osprey_debugfs_bo **bos);
int igt_osprey_gem_objects_find(int fd, const char *label,
				struct igt_osprey_debugfs_bo *found);

/* fdinfo memory stats, in bytes; @key is e.g. "drm-total-memory" */
int __igt_osprey_fdinfo_memory(int fd, const char *key, uint64_t *bytes);
uint64_t igt_osprey_fdinfo_memory(int fd, const char *key);

#endif /* IGT_OSPREY_H */
