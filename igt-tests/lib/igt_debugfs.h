/* SPDX-License-Identifier: GPL-2.0-only */
/* Osprey's own implementation of a subset of IGT's igt_debugfs.h. */
#ifndef __IGT_DEBUGFS_H__
#define __IGT_DEBUGFS_H__

/* Where debugfs is mounted (mounting it if needed), or NULL. */
const char *igt_debugfs_mount(void);
/* The device's <debugfs>/dri/<card index> directory (dri/0 for fd -1), or NULL. */
char *igt_debugfs_path(int device, char *path, int pathlen);
/* That directory opened, or -1. */
int igt_debugfs_dir(int device);
/* A file in that directory opened with open(2) flags @mode, or -1. */
int igt_debugfs_open(int device, const char *filename, int mode);
/* Read a debugfs file of @fd into @buf (NUL terminated; empty on failure). */
void __igt_debugfs_read(int fd, const char *filename, char *buf, int size);
#define igt_debugfs_read(fd, filename, buf) \
	__igt_debugfs_read(fd, (filename), (buf), sizeof(buf))

#endif /* __IGT_DEBUGFS_H__ */
