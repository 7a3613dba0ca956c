/* SPDX-License-Identifier: GPL-2.0-only */
/* Osprey's own implementation of a subset of IGT's igt_sysfs.h. */
#ifndef __IGT_SYSFS_H__
#define __IGT_SYSFS_H__

#include <stdbool.h>

/* The device's /sys/dev/char/<major>:<minor> directory, or NULL. */
char *igt_sysfs_path(int device, char *path, int pathlen);
/* That directory opened, or -1. */
int igt_sysfs_open(int device);
/* Write a string attribute below @dir; true if all of it was written. */
bool igt_sysfs_set(int dir, const char *attr, const char *value);
/* An attribute (up to 4 KiB) as a malloc()ed string without trailing newlines, or NULL. */
char *igt_sysfs_get(int dir, const char *attr);

#endif /* __IGT_SYSFS_H__ */
