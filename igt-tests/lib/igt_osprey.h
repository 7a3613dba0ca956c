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

#endif /* IGT_OSPREY_H */
