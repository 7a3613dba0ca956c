// SPDX-License-Identifier: GPL-2.0-only
/* debugfs helpers (Osprey's subset of IGT's igt_debugfs). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "igt_debugfs.h"

const char *igt_debugfs_mount(void)
{
	static const char *root;
	struct stat dbg, parent;

	if (root)
		return root;
	/* Mounted if it is on another filesystem than its parent. */
	if (!stat("/sys/kernel/debug", &dbg) && !stat("/sys/kernel", &parent) &&
	    (dbg.st_dev != parent.st_dev ||
	     !mount("debug", "/sys/kernel/debug", "debugfs", 0, NULL)))
		root = "/sys/kernel/debug";
	return root;
}

/*
 * debugfs is indexed by the primary (card) minor; a render node finds its
 * card through sysfs, which lists the device's DRM nodes.
 */
static int card_index(int device)
{
	char path[128];
	struct stat st;

	if (device < 0)
		return 0;
	if (fstat(device, &st) || !S_ISCHR(st.st_mode))
		return -1;
	if (minor(st.st_rdev) < 64)
		return minor(st.st_rdev);
	for (int i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device/drm/card%d",
			 major(st.st_rdev), minor(st.st_rdev), i);
		if (!access(path, F_OK))
			return i;
	}
	return -1;
}

char *igt_debugfs_path(int device, char *path, int pathlen)
{
	const char *root = igt_debugfs_mount();
	int idx = card_index(device);

	if (!root || idx < 0)
		return NULL;
	snprintf(path, pathlen, "%s/dri/%d", root, idx);
	return access(path, F_OK) ? NULL : path;
}

int igt_debugfs_dir(int device)
{
	char path[200];

	if (!igt_debugfs_path(device, path, sizeof(path)))
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int igt_debugfs_open(int device, const char *filename, int mode)
{
	int dir = igt_debugfs_dir(device), fd;

	if (dir < 0)
		return -1;
	fd = openat(dir, filename, mode);
	close(dir);
	return fd;
}

void __igt_debugfs_read(int fd, const char *filename, char *buf, int size)
{
	int file = igt_debugfs_open(fd, filename, O_RDONLY);
	ssize_t len = file < 0 ? -1 : read(file, buf, size - 1);

	buf[len > 0 ? len : 0] = '\0';
	if (file >= 0)
		close(file);
}
