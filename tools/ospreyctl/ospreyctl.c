// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * ospreyctl: command-line access to Osprey GPUs through libdrm.
 *
 *   ospreyctl [-d DEVICE] info     driver version and every device parameter
 *   ospreyctl [-d DEVICE] buffers  create, label, fill and share buffers,
 *                                  and show what the driver reports of them
 *   ospreyctl asm [-b BASE] [-o OUT.bin] FILE.s|-     assemble a batch
 *   ospreyctl disasm [-s] [-b BASE] [-m MARK] FILE.bin|-  disassemble one
 *
 * Without -d, the first Osprey render node is used: found through libdrm's
 * device enumeration, or, where that does not list the device, by trying
 * /dev/dri/renderD128 onwards.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "isa_asm.h"
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
	{ "max_bo_size", DRM_OSPREY_PARAM_MAX_BO_SIZE },
	{ "max_label_size", DRM_OSPREY_PARAM_MAX_LABEL_SIZE },
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

static int fail(const char *what)
{
	fprintf(stderr, "ospreyctl: %s: %s\n", what, strerror(errno));
	return 1;
}

/* Print this device's debugfs file @name, if debugfs is mounted. */
static void show_debugfs(int fd, const char *name)
{
	char path[128], buf[4096];
	struct stat st;
	ssize_t n;
	int dfd;

	if (fstat(fd, &st))
		return;
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/%s",
		 minor(st.st_rdev), name);
	dfd = open(path, O_RDONLY);
	if (dfd < 0)
		return;
	printf("%s:\n", path);
	while ((n = read(dfd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	close(dfd);
}

static int create_labelled(int fd, uint64_t size, const char *label,
			   struct drm_osprey_gem_create *bo)
{
	struct drm_osprey_gem_set_label sl = {
		.size = strlen(label) + 1,
		.label = (uintptr_t)label,
	};

	*bo = (struct drm_osprey_gem_create){ .size = size };
	if (drmIoctl(fd, DRM_IOCTL_OSPREY_GEM_CREATE, bo))
		return fail("GEM_CREATE");
	sl.handle = bo->handle;
	if (drmIoctl(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &sl))
		return fail("GEM_SET_LABEL");
	printf("created %-8s handle %u, %" PRIu64 " bytes asked, %llu allocated\n",
	       label, bo->handle, size, (unsigned long long)bo->size);
	return 0;
}

/* A walk through the buffer uapi, for make run. */
static int cmd_buffers(int fd)
{
	struct drm_osprey_gem_create vertices, texture;
	struct drm_osprey_gem_mmap_offset mo = {};
	struct drm_osprey_gem_info info = {};
	uint32_t *map, sum = 0, i;
	uint32_t imported;
	int dmabuf;

	if (create_labelled(fd, 3000, "vertices", &vertices) ||
	    create_labelled(fd, 1 << 20, "texture", &texture))
		return 1;

	mo.handle = vertices.handle;
	if (drmIoctl(fd, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &mo))
		return fail("GEM_MMAP_OFFSET");
	map = mmap(NULL, vertices.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   mo.offset);
	if (map == MAP_FAILED)
		return fail("mmap");
	for (i = 0; i < vertices.size / 4; i++)
		map[i] = i * 3;
	for (i = 0; i < vertices.size / 4; i++)
		sum += map[i];
	munmap(map, vertices.size);
	printf("wrote and read back %llu bytes of vertices through mmap (checksum %u)\n",
	       (unsigned long long)vertices.size, sum);

	if (drmPrimeHandleToFD(fd, texture.handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf))
		return fail("PRIME export");
	if (drmPrimeFDToHandle(fd, dmabuf, &imported))
		return fail("PRIME import");
	printf("exported texture as dma-buf fd %d; importing it back gives handle %u%s\n",
	       dmabuf, imported, imported == texture.handle ? " (the same object)" : "");
	info.handle = texture.handle;
	if (drmIoctl(fd, DRM_IOCTL_OSPREY_GEM_INFO, &info))
		return fail("GEM_INFO");
	printf("texture: %llu bytes, %s\n", (unsigned long long)info.size,
	       info.info & DRM_OSPREY_GEM_INFO_EXPORTED ? "exported" : "not exported");

	show_debugfs(fd, "gem_objects");
	close(dmabuf);
	drmCloseBufferHandle(fd, vertices.handle);
	drmCloseBufferHandle(fd, texture.handle);
	show_debugfs(fd, "gem_count");
	return 0;
}

static void print_usage(FILE *f)
{
	fprintf(f, "usage: ospreyctl [-d DEVICE] info|buffers\n"
		   "       ospreyctl asm [-b BASE_VA] [-o OUT.bin] FILE.s|-\n"
		   "       ospreyctl disasm [-s] [-b BASE_VA] [-m MARK_VA] FILE.bin|-\n");
}

int main(int argc, char **argv)
{
	const char *device = NULL;
	char path[64];
	int opt, fd, ret;

	/* The ISA subcommands need no device and parse their own options. */
	if (argc > 1 && !strcmp(argv[1], "asm"))
		return ospreyctl_asm_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "disasm"))
		return ospreyctl_disasm_main(argc - 1, argv + 1);

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
	if (optind + 1 != argc ||
	    (strcmp(argv[optind], "info") && strcmp(argv[optind], "buffers"))) {
		print_usage(stderr);
		return 2;
	}

	fd = open_osprey(device, path, sizeof(path));
	if (fd < 0)
		return 1;
	if (!strcmp(argv[optind], "info"))
		ret = cmd_info(fd, path);
	else
		ret = cmd_buffers(fd);
	close(fd);
	return ret;
}
