// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_osprey.h"

IGT_TEST_DESCRIPTION("What the DRM core offers on Osprey's primary and render nodes.");

/* Read every regular file below @dir; return how many were read. */
static int read_all(const char *dir, int depth)
{
	struct dirent *e;
	int count = 0;
	DIR *d;

	if (depth > 4)
		return 0;
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[4096], buf[4096];
		struct stat st;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			count += read_all(path, depth + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode) || !(st.st_mode & 0444))
			continue;
		fd = open(path, O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			continue;
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
		count++;
	}
	closedir(d);
	return count;
}

static void check_version(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);

	igt_assert(v);
	igt_assert_eq(strcmp(v->name, "osprey"), 0);
	igt_assert(strlen(v->desc) > 0);
	igt_assert_lte(0, v->version_major);
	drmFreeVersion(v);
}

int igt_main()
{
	int primary = -1, render = -1;

	igt_fixture() {
		primary = drm_open_driver(DRIVER_OSPREY);
		igt_require_osprey(primary);
		render = drm_open_driver_render(DRIVER_OSPREY);
	}

	igt_describe("Both nodes open, answer the version ioctl, and close.");
	igt_subtest("open-close") {
		for (int i = 0; i < 64; i++) {
			int p = drm_open_driver(DRIVER_OSPREY);
			int r = drm_open_driver_render(DRIVER_OSPREY);

			check_version(p);
			check_version(r);
			drm_close_driver(p);
			drm_close_driver(r);
		}
	}

	igt_describe("The render node refuses ioctls that are not render-allowed.");
	igt_subtest("render-refuses-primary-only") {
		struct drm_auth auth = {};
		struct drm_mode_card_res res = {};

		do_ioctl_err(render, DRM_IOCTL_GET_MAGIC, &auth, EACCES);
		do_ioctl_err(render, DRM_IOCTL_SET_MASTER, NULL, EACCES);
		do_ioctl_err(render, DRM_IOCTL_MODE_GETRESOURCES, &res, EACCES);
		/* ... while the driver's own ioctls are allowed there. */
		igt_osprey_get_param(render, DRM_OSPREY_PARAM_GPU_MODEL);
	}

	igt_describe("The first primary opener is master; a second one is not.");
	igt_subtest("master") {
		int other = drm_open_driver(DRIVER_OSPREY);

		/* The fixture's fd got master when it opened the node. */
		do_ioctl(primary, DRM_IOCTL_SET_MASTER, NULL);
		do_ioctl_err(other, DRM_IOCTL_SET_MASTER, NULL, EBUSY);
		do_ioctl(primary, DRM_IOCTL_DROP_MASTER, NULL);
		do_ioctl(other, DRM_IOCTL_SET_MASTER, NULL);
		do_ioctl(other, DRM_IOCTL_DROP_MASTER, NULL);
		do_ioctl(primary, DRM_IOCTL_SET_MASTER, NULL);
		drm_close_driver(other);
	}

	igt_describe("A primary client authenticates through the master.");
	igt_subtest("auth") {
		int other = drm_open_driver(DRIVER_OSPREY);
		struct drm_auth auth = {};

		do_ioctl(other, DRM_IOCTL_GET_MAGIC, &auth);
		igt_assert_neq(auth.magic, 0);
		do_ioctl(primary, DRM_IOCTL_AUTH_MAGIC, &auth);
		/* A magic is good for one authentication only. */
		do_ioctl_err(primary, DRM_IOCTL_AUTH_MAGIC, &auth, EINVAL);
		drm_close_driver(other);
	}

	igt_describe("GETCLIENT reports this process; GETSTATS answers.");
	igt_subtest("getclient-getstats") {
		struct drm_client client = { .idx = 0 };
		struct drm_stats stats = {};

		do_ioctl(primary, DRM_IOCTL_GET_CLIENT, &client);
		igt_assert_eq(client.pid, getpid());
		do_ioctl(primary, DRM_IOCTL_GET_STATS, &stats);
	}

	igt_describe("fdinfo names the driver and a client id.");
	igt_subtest("fdinfo") {
		char path[64], buf[4096];
		int fd, n;

		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", render);
		fd = open(path, O_RDONLY);
		igt_assert_fd(fd);
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		igt_assert_lt(0, n);
		buf[n] = '\0';
		igt_assert_f(strstr(buf, "drm-driver:\tosprey"), "fdinfo:\n%s", buf);
		igt_assert_f(strstr(buf, "drm-client-id:"), "fdinfo:\n%s", buf);
	}

	igt_describe("Every debugfs and sysfs file of the device reads safely.");
	igt_subtest("read-all-debugfs-sysfs") {
		struct stat st;
		char dir[256];
		int n;

		igt_assert_eq(fstat(primary, &st), 0);
		snprintf(dir, sizeof(dir), "/sys/kernel/debug/dri/%u", minor(st.st_rdev));
		n = read_all(dir, 0);
		igt_info("read %d debugfs files under %s\n", n, dir);
		igt_assert_lt(0, n);
		snprintf(dir, sizeof(dir), "/sys/dev/char/%u:%u/device/",
			 major(st.st_rdev), minor(st.st_rdev));
		n = read_all(dir, 0);
		igt_info("read %d sysfs files under %s\n", n, dir);
		igt_assert_lt(0, n);
		/* The device still works after all of that. */
		check_version(primary);
	}

	igt_fixture() {
		drm_close_driver(render);
		drm_close_driver(primary);
	}
}
