// SPDX-License-Identifier: GPL-2.0-only
/* sysfs helpers (Osprey's subset of IGT's igt_sysfs). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "igt_sysfs.h"

char *igt_sysfs_path(int device, char *path, int pathlen)
{
	struct stat st;

	if (device < 0 || fstat(device, &st) || !S_ISCHR(st.st_mode))
		return NULL;
	snprintf(path, pathlen, "/sys/dev/char/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	return access(path, F_OK) ? NULL : path;
}

int igt_sysfs_open(int device)
{
	char path[80];

	if (!igt_sysfs_path(device, path, sizeof(path)))
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

bool igt_sysfs_set(int dir, const char *attr, const char *value)
{
	int fd = openat(dir, attr, O_WRONLY | O_CLOEXEC);
	ssize_t len = strlen(value), n;

	if (fd < 0)
		return false;
	n = write(fd, value, len);
	close(fd);
	return n == len;
}

char *igt_sysfs_get(int dir, const char *attr)
{
	int fd = openat(dir, attr, O_RDONLY | O_CLOEXEC);
	char *buf = malloc(4096);
	ssize_t len = -1;

	if (fd >= 0 && buf)
		len = read(fd, buf, 4095);
	if (fd >= 0)
		close(fd);
	if (len < 0) {
		free(buf);
		return NULL;
	}
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return buf;
}
