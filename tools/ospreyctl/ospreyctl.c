// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * ospreyctl: command-line access to Osprey GPUs through libdrm.
 *
 *   ospreyctl [-d DEVICE] info     driver version and every device parameter
 *
 * Without -d, the first Osprey render node is used: found through libdrm's
 * device enumeration, or, where that does not list the device, by trying
 * /dev/dri/renderD128 onwards.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "osprey_drm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int is_osprey(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	int yes = v && !strcmp(v->name, "osprey");

	drmFreeVersion(v);
	return yes;
}

static int open_if_osprey(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (is_osprey(fd))
		return fd;
	close(fd);
	return -1;
}

static int open_osprey(const char *path, char *found, size_t len)
{
	drmDevicePtr devs[64];
	int n, i, fd = -1;

	if (path) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fprintf(stderr, "ospreyctl: %s: %s\n", path, strerror(errno));
		else if (!is_osprey(fd))
			fprintf(stderr, "ospreyctl: %s is not an Osprey device\n", path);
		snprintf(found, len, "%s", path);
		return fd;
	}

	n = drmGetDevices2(0, devs, ARRAY_SIZE(devs));
	for (i = 0; i < n && fd < 0; i++) {
		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		fd = open_if_osprey(devs[i]->nodes[DRM_NODE_RENDER]);
		if (fd >= 0)
			snprintf(found, len, "%s", devs[i]->nodes[DRM_NODE_RENDER]);
	}
	if (n > 0)
		drmFreeDevices(devs, n);

	for (i = 128; i < 192 && fd < 0; i++) {
		snprintf(found, len, "/dev/dri/renderD%d", i);
		fd = open_if_osprey(found);
	}
	if (fd < 0)
		fprintf(stderr, "ospreyctl: no Osprey device found\n");
	return fd;
}

static const struct {
	const char *name;
	__u32 param;
} params[] = {
	{ "gpu_model", DRM_OSPREY_PARAM_GPU_MODEL },
	{ "gpu_revision", DRM_OSPREY_PARAM_GPU_REVISION },
	{ "gpu_features", DRM_OSPREY_PARAM_GPU_FEATURES },
	{ "num_engines", DRM_OSPREY_PARAM_NUM_ENGINES },
};

static int cmd_info(int fd, const char *path)
{
	drmVersionPtr v = drmGetVersion(fd);
	unsigned int i;
	int ret = 0;

	if (!v) {
		fprintf(stderr, "ospreyctl: drmGetVersion: %s\n", strerror(errno));
		return 1;
	}
	printf("device: %s\n", path);
	printf("driver: %s %d.%d.%d (%s)\n", v->name, v->version_major,
	       v->version_minor, v->version_patchlevel, v->desc);
	drmFreeVersion(v);

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		struct drm_osprey_get_param gp = { .param = params[i].param };

		if (drmIoctl(fd, DRM_IOCTL_OSPREY_GET_PARAM, &gp)) {
			printf("%s: error: %s\n", params[i].name, strerror(errno));
			ret = 1;
			continue;
		}
		printf("%s: 0x%llx\n", params[i].name, (unsigned long long)gp.value);
	}
	return ret;
}

static void print_usage(FILE *f)
{
	fprintf(f, "usage: ospreyctl [-d DEVICE] info\n");
}

int main(int argc, char **argv)
{
	const char *device = NULL;
	char path[64];
	int opt, fd, ret;

	while ((opt = getopt(argc, argv, "d:h")) != -1) {
		switch (opt) {
		case 'd':
			device = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc || strcmp(argv[optind], "info")) {
		print_usage(stderr);
		return 2;
	}

	fd = open_osprey(device, path, sizeof(path));
	if (fd < 0)
		return 1;
	ret = cmd_info(fd, path);
	close(fd);
	return ret;
}
