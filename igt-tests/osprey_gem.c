// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_osprey.h"

IGT_TEST_DESCRIPTION("Osprey buffer objects: the GEM ioctls, mmap, accounting and input checks.");

/* The CPU page size, which is the kernel's PAGE_SIZE. */
static uint64_t ps;

/* Handles that name nothing in a fresh file. */
static const uint32_t bogus_handles[] = { 0, 1, 0x1000, 0x7fffffff, 0xffffffff };

/* Pad values that are not zero. */
static const uint32_t bad_pads[] = { 1, 0x80, 0x80000000, 0xffffffff };

static void test_create_close(int fd)
{
	struct drm_osprey_gem_info info;
	int count = igt_osprey_gem_count(fd);
	uint32_t a, b;
	void *ptr;

	a = igt_osprey_gem_create(fd, ps);
	igt_assert_eq(igt_osprey_gem_count(fd), count + 1);
	b = igt_osprey_gem_create(fd, ps);
	igt_assert_neq_u32(a, b);
	igt_assert_eq(igt_osprey_gem_count(fd), count + 2);

	/* A new object reads as zeros: no data of an earlier owner leaks. */
	ptr = igt_osprey_gem_mmap(fd, a, ps, PROT_READ);
	igt_osprey_assert_zero(ptr, ps);
	igt_assert_eq(munmap(ptr, ps), 0);

	gem_close(fd, a);
	igt_assert_eq(igt_osprey_gem_count(fd), count + 1);
	igt_assert_eq(__igt_osprey_gem_info(fd, a, &info), -ENOENT);
	/* Closing one object leaves the other alone. */
	igt_osprey_gem_info(fd, b, &info);
	igt_assert_eq_u64(info.size, ps);
	gem_close(fd, b);
	igt_assert_eq(igt_osprey_gem_count(fd), count);
}

static void test_create_sizes(int fd)
{
	const uint64_t sizes[] = { 1, 4095, 4096, 4097, ps - 1, ps, ps + 1,
				   (1 << 20) + 1 };

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint64_t want = ALIGN(sizes[i], ps), size = sizes[i];
		struct drm_osprey_gem_info info;
		uint32_t handle = 0;
		uint8_t *ptr;

		igt_assert_eq(__igt_osprey_gem_create(fd, &size, 0, &handle), 0);
		igt_assert_neq_u32(handle, 0);
		igt_assert_f(size == want, "asked %" PRIu64 ": got %" PRIu64
			     ", expected %" PRIu64 "\n", sizes[i], size, want);

		igt_osprey_gem_info(fd, handle, &info);
		igt_assert_eq_u64(info.size, want);
		igt_assert_eq_u32(info.create_flags, 0);

		/* The whole rounded-up size is there to map and write. */
		ptr = igt_osprey_gem_mmap(fd, handle, want, PROT_READ | PROT_WRITE);
		ptr[0] = 0xa5;
		ptr[want - 1] = 0x5a;
		igt_assert_eq(ptr[0], 0xa5);
		igt_assert_eq(ptr[want - 1], 0x5a);
		igt_assert_eq(munmap(ptr, want), 0);
		gem_close(fd, handle);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

#define NUM_HANDLES 10000

static void test_handles_10000(void)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	int count = igt_osprey_gem_count(fd);
	struct drm_osprey_gem_info info;
	uint32_t *handles, *sorted;

	handles = calloc(NUM_HANDLES, sizeof(*handles));
	sorted = calloc(NUM_HANDLES, sizeof(*sorted));
	igt_assert(handles && sorted);

	for (int i = 0; i < NUM_HANDLES; i++)
		handles[i] = igt_osprey_gem_create(fd, ps);
	igt_assert_eq(igt_osprey_gem_count(fd), count + NUM_HANDLES);

	memcpy(sorted, handles, NUM_HANDLES * sizeof(*handles));
	qsort(sorted, NUM_HANDLES, sizeof(*sorted), cmp_u32);
	igt_assert_neq_u32(sorted[0], 0);
	for (int i = 1; i < NUM_HANDLES; i++)
		igt_assert_f(sorted[i] != sorted[i - 1],
			     "handle %u returned twice\n", sorted[i]);

	for (int i = 0; i < NUM_HANDLES; i++)
		gem_close(fd, handles[i]);
	for (int i = 0; i < NUM_HANDLES; i++)
		igt_assert_eq(__igt_osprey_gem_info(fd, handles[i], &info), -ENOENT);
	/* Closed while the file is still open: nothing may be left over. */
	igt_assert_eq(igt_osprey_gem_count(fd), count);

	free(sorted);
	free(handles);
	drm_close_driver(fd);
}

static void test_mmap_write_read(int fd)
{
	uint64_t size = 4 * ps;
	uint32_t handle = igt_osprey_gem_create(fd, size);
	void *a, *b, *c;

	a = igt_osprey_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	b = igt_osprey_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	igt_assert(a != b);

	igt_osprey_fill(a, size, 0x1001);
	igt_osprey_assert_pattern(b, size, 0x1001);
	igt_osprey_fill(b, size, 0x1002);
	igt_osprey_assert_pattern(a, size, 0x1002);

	/* A mapping made before the handle is closed outlives it. */
	c = igt_osprey_gem_mmap(fd, handle, size, PROT_READ);
	gem_close(fd, handle);
	igt_osprey_assert_pattern(c, size, 0x1002);
	igt_osprey_fill(a, size, 0x1003);
	igt_osprey_assert_pattern(c, size, 0x1003);
	igt_osprey_assert_pattern(b, size, 0x1003);

	igt_assert_eq(munmap(a, size), 0);
	igt_assert_eq(munmap(b, size), 0);
	igt_assert_eq(munmap(c, size), 0);
}

static void test_mmap_after_close(int fd)
{
	uint64_t size = 2 * ps;
	int count = igt_osprey_gem_count(fd);
	struct drm_osprey_gem_info info;
	uint32_t handle;
	void *ptr;

	handle = igt_osprey_gem_create(fd, size);
	ptr = igt_osprey_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	igt_osprey_fill(ptr, size, 0x2001);
	gem_close(fd, handle);

	/* The handle is gone, the object is not: the mapping holds it. */
	igt_assert_eq(__igt_osprey_gem_info(fd, handle, &info), -ENOENT);
	igt_assert_eq(igt_osprey_gem_count(fd), count + 1);
	igt_osprey_assert_pattern(ptr, size, 0x2001);
	igt_osprey_fill(ptr, size, 0x2002);
	igt_osprey_assert_pattern(ptr, size, 0x2002);

	/* ... until the last mapping goes. */
	igt_assert_eq(munmap(ptr, size), 0);
	igt_assert_eq(igt_osprey_gem_count(fd), count);
}

static void test_fork_inherited_fd(int fd)
{
	uint64_t size = 2 * ps;
	uint32_t handle = igt_osprey_gem_create(fd, size);
	struct drm_osprey_gem_info info;
	volatile uint32_t *shared;
	void *ptr;

	shared = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(shared != MAP_FAILED);
	shared[0] = 0;

	igt_fork(child, 1) {
		void *p = igt_osprey_gem_mmap(fd, handle, size,
					      PROT_READ | PROT_WRITE);

		igt_osprey_fill(p, size, 0x3001);
		igt_assert_eq(munmap(p, size), 0);

		/* An object the child creates belongs to the shared file. */
		shared[0] = igt_osprey_gem_create(fd, size);
		p = igt_osprey_gem_mmap(fd, shared[0], size, PROT_READ | PROT_WRITE);
		igt_osprey_fill(p, size, 0x3002);
		igt_assert_eq(munmap(p, size), 0);
	}
	igt_waitchildren();

	ptr = igt_osprey_gem_mmap(fd, handle, size, PROT_READ);
	igt_osprey_assert_pattern(ptr, size, 0x3001);
	igt_assert_eq(munmap(ptr, size), 0);
	gem_close(fd, handle);

	igt_assert_neq_u32(shared[0], 0);
	igt_osprey_gem_info(fd, shared[0], &info);
	igt_assert_eq_u64(info.size, size);
	ptr = igt_osprey_gem_mmap(fd, shared[0], size, PROT_READ);
	igt_osprey_assert_pattern(ptr, size, 0x3002);
	igt_assert_eq(munmap(ptr, size), 0);
	gem_close(fd, shared[0]);
	munmap((void *)shared, ps);
}

/* Objects of @size whose label is empty. */
static int count_unlabelled(int fd, uint64_t size)
{
	struct igt_osprey_debugfs_bo *bos;
	int n = igt_osprey_gem_objects(fd, &bos), count = 0;

	for (int i = 0; i < n; i++)
		count += bos[i].size == size && !bos[i].label[0];
	free(bos);
	return count;
}

static void test_label(int fd)
{
	uint64_t max = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_MAX_LABEL_SIZE);
	static const char early_nul[] = "osprey-gem-label-c\0junk";
	struct drm_osprey_gem_set_label arg = {};
	struct igt_osprey_debugfs_bo bo;
	uint64_t size = 13 * ps;
	char longest[256];
	uint32_t handle;
	int unlabelled;

	igt_assert_eq_u64(max, DRM_OSPREY_MAX_LABEL_SIZE);
	igt_assert_lt_u64(max, sizeof(longest));
	unlabelled = count_unlabelled(fd, size);

	handle = igt_osprey_gem_create(fd, size);
	igt_assert_eq(count_unlabelled(fd, size), unlabelled + 1);

	igt_osprey_gem_set_label(fd, handle, "osprey-gem-label-a");
	igt_assert_eq(igt_osprey_gem_objects_find(fd, "osprey-gem-label-a", &bo), 1);
	igt_assert_eq_u64(bo.size, size);
	igt_assert_eq(bo.handles, 1);
	igt_assert_eq(count_unlabelled(fd, size), unlabelled);

	/* A new label replaces the old one. */
	igt_osprey_gem_set_label(fd, handle, "osprey-gem-label-b");
	igt_assert_eq(igt_osprey_gem_objects_find(fd, "osprey-gem-label-a", NULL), 0);
	igt_assert_eq(igt_osprey_gem_objects_find(fd, "osprey-gem-label-b", &bo), 1);
	igt_assert_eq_u64(bo.size, size);

	/* The longest label: max bytes, NUL included. */
	memset(longest, 'x', max - 1);
	memcpy(longest, "osprey-gem-label-max", 20);
	longest[max - 1] = '\0';
	igt_osprey_gem_set_label(fd, handle, longest);
	igt_assert_eq(igt_osprey_gem_objects_find(fd, "osprey-gem-label-b", NULL), 0);
	igt_assert_eq(igt_osprey_gem_objects_find(fd, longest, &bo), 1);
	igt_assert_eq_u64(bo.size, size);

	/* A NUL before the end of size: the label stops there. */
	arg.handle = handle;
	arg.size = sizeof(early_nul);
	arg.label = to_user_pointer(early_nul);
	do_ioctl(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg);
	igt_assert_eq(igt_osprey_gem_objects_find(fd, longest, NULL), 0);
	igt_assert_eq(igt_osprey_gem_objects_find(fd, "osprey-gem-label-c", &bo), 1);
	igt_assert_eq_u64(bo.size, size);

	/* Size 0 and label 0 remove the label, and may be repeated. */
	arg.size = 0;
	arg.label = 0;
	do_ioctl(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg);
	igt_assert_eq(igt_osprey_gem_objects_find(fd, "osprey-gem-label-c", NULL), 0);
	igt_assert_eq(count_unlabelled(fd, size), unlabelled + 1);
	do_ioctl(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg);
	igt_assert_eq(count_unlabelled(fd, size), unlabelled + 1);

	/* The label goes with the object. */
	igt_osprey_gem_set_label(fd, handle, "osprey-gem-label-d");
	igt_assert_eq(igt_osprey_gem_objects_find(fd, "osprey-gem-label-d", NULL), 1);
	gem_close(fd, handle);
	igt_assert_eq(igt_osprey_gem_objects_find(fd, "osprey-gem-label-d", NULL), 0);
	igt_assert_eq(count_unlabelled(fd, size), unlabelled);
}

static void test_info(int fd)
{
	uint64_t size = 3 * ps + 1;
	uint32_t handle = igt_osprey_gem_create(fd, size);
	struct drm_osprey_gem_info info;
	int dmabuf;

	igt_osprey_gem_info(fd, handle, &info);
	igt_assert_eq_u32(info.handle, handle);
	igt_assert_eq_u64(info.size, 4 * ps);
	igt_assert_eq_u32(info.create_flags, 0);
	igt_assert_eq_u32(info.info, 0);

	dmabuf = igt_osprey_prime_export(fd, handle);
	igt_osprey_gem_info(fd, handle, &info);
	igt_assert_eq_u64(info.size, 4 * ps);
	igt_assert_eq_u32(info.create_flags, 0);
	igt_assert_eq_u32(info.info, DRM_OSPREY_GEM_INFO_EXPORTED);
	close(dmabuf);
	gem_close(fd, handle);
}

static void test_wait_idle(int fd)
{
	uint32_t handle = igt_osprey_gem_create(fd, ps);
	int64_t start, elapsed;
	void *ptr;

	/* Absolute timeouts in the past only poll: idle is idle. */
	igt_assert_eq(__igt_osprey_gem_wait(fd, handle, 0), 0);
	igt_assert_eq(__igt_osprey_gem_wait(fd, handle, 1), 0);
	igt_assert_eq(__igt_osprey_gem_wait(fd, handle,
					    igt_osprey_monotonic_ns() - 1), 0);

	/* CPU access through a mapping does not make it busy. */
	ptr = igt_osprey_gem_mmap(fd, handle, ps, PROT_READ | PROT_WRITE);
	igt_osprey_fill(ptr, ps, 0x4001);
	igt_assert_eq(__igt_osprey_gem_wait(fd, handle, 0), 0);
	igt_assert_eq(munmap(ptr, ps), 0);

	/* A timeout in the future returns at once: there is nothing to wait for. */
	start = igt_osprey_monotonic_ns();
	igt_assert_eq(__igt_osprey_gem_wait(fd, handle, start + 2 * (int64_t)NSEC_PER_SEC), 0);
	elapsed = igt_osprey_monotonic_ns() - start;
	igt_assert_f(elapsed < (int64_t)NSEC_PER_SEC,
		     "waiting for an idle object took %" PRId64 " ns\n", elapsed);
	gem_close(fd, handle);
}

/* An fdinfo memory stat, 0 when the line is absent. */
static uint64_t fdinfo_or_zero(int fd, const char *key)
{
	uint64_t bytes = 0;
	int ret = __igt_osprey_fdinfo_memory(fd, key, &bytes);

	igt_assert_f(ret == 0 || ret == -ENOENT, "fdinfo \"%s\" does not parse\n", key);
	return ret ? 0 : bytes;
}

static void test_fdinfo(void)
{
	const uint64_t sizes[] = { ps, 3 * ps + 1, 1 << 20 };
	uint64_t total0, shared0, resident1, expected = 0;
	uint32_t handles[ARRAY_SIZE(sizes)];
	uint64_t big = ALIGN(sizes[2], ps), mid = ALIGN(sizes[1], ps);
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	uint8_t *ptr;
	int dmabuf;

	/* A file with no objects yet may print no memory stats at all. */
	total0 = fdinfo_or_zero(fd, "drm-total-memory");
	shared0 = fdinfo_or_zero(fd, "drm-shared-memory");

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		handles[i] = igt_osprey_gem_create(fd, sizes[i]);
		expected += ALIGN(sizes[i], ps);
		igt_assert_eq_u64(igt_osprey_fdinfo_memory(fd, "drm-total-memory"),
				  total0 + expected);
	}
	igt_assert_eq_u64(igt_osprey_fdinfo_memory(fd, "drm-shared-memory"), shared0);

	/* Touching every page of the big object makes all of it resident. */
	resident1 = igt_osprey_fdinfo_memory(fd, "drm-resident-memory");
	ptr = igt_osprey_gem_mmap(fd, handles[2], big, PROT_READ | PROT_WRITE);
	for (uint64_t off = 0; off < big; off += ps)
		ptr[off] = 1;
	igt_assert_eq_u64(igt_osprey_fdinfo_memory(fd, "drm-resident-memory"),
			  resident1 + big);
	igt_assert_eq_u64(igt_osprey_fdinfo_memory(fd, "drm-total-memory"),
			  total0 + expected);

	/* An exported object is shared; the total does not change. */
	dmabuf = igt_osprey_prime_export(fd, handles[1]);
	igt_assert_eq_u64(igt_osprey_fdinfo_memory(fd, "drm-shared-memory"),
			  shared0 + mid);
	igt_assert_eq_u64(igt_osprey_fdinfo_memory(fd, "drm-total-memory"),
			  total0 + expected);

	close(dmabuf);
	igt_assert_eq(munmap(ptr, big), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		gem_close(fd, handles[i]);
		expected -= ALIGN(sizes[i], ps);
		igt_assert_eq_u64(igt_osprey_fdinfo_memory(fd, "drm-total-memory"),
				  total0 + expected);
	}
	igt_assert_eq_u64(igt_osprey_fdinfo_memory(fd, "drm-shared-memory"), shared0);
	drm_close_driver(fd);
}

static void test_debugfs(int fd)
{
	static const char * const labels[] = {
		"osprey-gem-debugfs-a", "osprey-gem-debugfs-b", "osprey-gem-debugfs-c",
	};
	const uint64_t sizes[] = { ps, 2 * ps, 5 * ps };
	/* b is exported and imported into a second file; c is exported. */
	const unsigned int handles_want[] = { 1, 2, 1 };
	const bool exported_want[] = { false, true, true };
	int count = igt_osprey_gem_count(fd);
	struct igt_osprey_debugfs_bo *bos, bo;
	int other = drm_open_driver_render(DRIVER_OSPREY);
	int dmabuf_b, dmabuf_c, n;
	uint32_t handles[3], other_b;

	for (int i = 0; i < 3; i++) {
		handles[i] = igt_osprey_gem_create(fd, sizes[i]);
		igt_osprey_gem_set_label(fd, handles[i], labels[i]);
	}
	dmabuf_b = igt_osprey_prime_export(fd, handles[1]);
	dmabuf_c = igt_osprey_prime_export(fd, handles[2]);
	other_b = igt_osprey_prime_import(other, dmabuf_b);

	for (int i = 0; i < 3; i++) {
		igt_assert_eq(igt_osprey_gem_objects_find(fd, labels[i], &bo), 1);
		igt_assert_eq_u64(bo.size, sizes[i]);
		igt_assert_eq(bo.handles, handles_want[i]);
		igt_assert_eq(bo.imported, false);
		igt_assert_eq(bo.exported, exported_want[i]);
	}

	/* gem_count counts the objects gem_objects lists. */
	igt_assert_eq(igt_osprey_gem_count(fd), count + 3);
	n = igt_osprey_gem_objects(fd, &bos);
	free(bos);
	igt_assert_eq(n, igt_osprey_gem_count(fd));

	gem_close(other, other_b);
	igt_assert_eq(igt_osprey_gem_objects_find(fd, labels[1], &bo), 1);
	igt_assert_eq(bo.handles, 1);
	close(dmabuf_b);
	close(dmabuf_c);
	for (int i = 0; i < 3; i++) {
		gem_close(fd, handles[i]);
		igt_assert_eq(igt_osprey_gem_objects_find(fd, labels[i], NULL), 0);
	}
	igt_assert_eq(igt_osprey_gem_count(fd), count);
	n = igt_osprey_gem_objects(fd, &bos);
	free(bos);
	igt_assert_eq(n, count);
	drm_close_driver(other);
}

static void test_dumb_bad_flags(void)
{
	int primary = drm_open_driver(DRIVER_OSPREY);
	int count = igt_osprey_gem_count(primary);

	for (unsigned int bit = 0; bit < 32; bit++) {
		struct drm_mode_create_dumb create = {
			.width = 64, .height = 64, .bpp = 32, .flags = 1u << bit,
		};

		do_ioctl_err(primary, DRM_IOCTL_MODE_CREATE_DUMB, &create, EINVAL);
	}
	igt_assert_eq(igt_osprey_gem_count(primary), count);
	drm_close_driver(primary);
}

static void test_dumb_buffers(int render)
{
	struct drm_mode_create_dumb create = { .width = 64, .height = 64, .bpp = 32 };
	struct drm_mode_map_dumb map = {};
	struct drm_mode_destroy_dumb destroy = {};
	struct drm_osprey_gem_info info;
	int primary, count;
	void *a, *b;

	/* Dumb buffers are a primary-node interface. */
	igt_require(drmGetNodeTypeFromFd(render) == DRM_NODE_RENDER);
	do_ioctl_err(render, DRM_IOCTL_MODE_CREATE_DUMB, &create, EACCES);

	primary = drm_open_driver(DRIVER_OSPREY);
	count = igt_osprey_gem_count(primary);
	create = (struct drm_mode_create_dumb){ .width = 64, .height = 64, .bpp = 32 };
	do_ioctl(primary, DRM_IOCTL_MODE_CREATE_DUMB, &create);
	igt_assert_neq_u32(create.handle, 0);
	igt_assert_lte_u32(256, create.pitch);
	igt_assert_lte_u64((uint64_t)create.pitch * 64, create.size);
	igt_assert_eq(igt_osprey_gem_count(primary), count + 1);

	/* A dumb buffer is an Osprey buffer object like any other. */
	igt_osprey_gem_info(primary, create.handle, &info);
	igt_assert_eq_u64(info.size, create.size);
	igt_assert_eq_u32(info.info, 0);

	map.handle = create.handle;
	do_ioctl(primary, DRM_IOCTL_MODE_MAP_DUMB, &map);
	a = mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED, primary,
		 map.offset);
	igt_assert(a != MAP_FAILED);
	igt_osprey_fill(a, create.size, 0x5001);
	b = igt_osprey_gem_mmap(primary, create.handle, create.size, PROT_READ);
	igt_osprey_assert_pattern(b, create.size, 0x5001);
	igt_assert_eq(munmap(a, create.size), 0);
	igt_assert_eq(munmap(b, create.size), 0);

	/* The render node refuses the other dumb ioctls as well. */
	map.offset = 0;
	do_ioctl_err(render, DRM_IOCTL_MODE_MAP_DUMB, &map, EACCES);
	destroy.handle = create.handle;
	do_ioctl_err(render, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy, EACCES);

	do_ioctl(primary, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	igt_assert_eq(__igt_osprey_gem_info(primary, create.handle, &info), -ENOENT);
	igt_assert_eq(igt_osprey_gem_count(primary), count);
	/* As GEM_CLOSE, destroying a handle twice gives -EINVAL. */
	do_ioctl_err(primary, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy, EINVAL);
	drm_close_driver(primary);
}

static void test_create_size_zero(int fd)
{
	struct drm_osprey_gem_create create = { .size = 0 };
	int count = igt_osprey_gem_count(fd);

	do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_CREATE, &create, EINVAL);
	igt_assert_eq(igt_osprey_gem_count(fd), count);
}

static void test_create_size_too_big(int fd)
{
	uint64_t max = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_MAX_BO_SIZE);
	int count = igt_osprey_gem_count(fd);
	uint32_t handle = 0;
	uint64_t size;

	igt_assert_lte_u64(ps, max);
	igt_assert_eq_u64(max % ps, 0);

	size = max + 1;
	igt_assert_eq(__igt_osprey_gem_create(fd, &size, 0, &handle), -EINVAL);
	size = max + ps;
	igt_assert_eq(__igt_osprey_gem_create(fd, &size, 0, &handle), -EINVAL);
	igt_assert_eq(igt_osprey_gem_count(fd), count);

	/* The limit applies after rounding: this rounds up to max itself. */
	size = max - ps + 1;
	igt_assert_eq(__igt_osprey_gem_create(fd, &size, 0, &handle), 0);
	igt_assert_eq_u64(size, max);
	gem_close(fd, handle);
}

static void test_create_size_overflow(int fd)
{
	const uint64_t sizes[] = {
		UINT64_MAX, UINT64_MAX - 4095, UINT64_MAX - ps + 2,
		UINT64_MAX - ps + 1, 1ull << 63, (1ull << 63) + 1,
	};
	int count = igt_osprey_gem_count(fd);

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct drm_osprey_gem_create create = { .size = sizes[i] };

		do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_CREATE, &create, EINVAL);
	}
	igt_assert_eq(igt_osprey_gem_count(fd), count);
}

static void test_create_bad_flags(int fd)
{
	int count = igt_osprey_gem_count(fd);
	struct drm_osprey_gem_create create;

	/* No flags are defined: every bit is unknown, and so are all of them. */
	for (int bit = 0; bit <= 32; bit++) {
		create = (struct drm_osprey_gem_create){
			.size = ps,
			.flags = bit < 32 ? 1u << bit : 0xffffffff,
		};
		do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_CREATE, &create, EINVAL);
	}
	igt_assert_eq(igt_osprey_gem_count(fd), count);
}

/* A handle of @fd that named an object, now closed. */
static uint32_t closed_handle(int fd)
{
	uint32_t handle = igt_osprey_gem_create(fd, ps);

	gem_close(fd, handle);
	return handle;
}

static void test_mmap_offset_bad_handle(int fd)
{
	int fresh = drm_open_driver_render(DRIVER_OSPREY);
	struct drm_osprey_gem_mmap_offset arg = {};
	uint32_t theirs;

	/* A fresh file has no handles at all. */
	for (unsigned int i = 0; i < ARRAY_SIZE(bogus_handles); i++) {
		arg.handle = bogus_handles[i];
		do_ioctl_err(fresh, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &arg, ENOENT);
	}
	/* A handle of another file names nothing in this one. */
	theirs = igt_osprey_gem_create(fd, ps);
	arg.handle = theirs;
	do_ioctl_err(fresh, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &arg, ENOENT);
	gem_close(fd, theirs);
	arg.handle = closed_handle(fd);
	do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &arg, ENOENT);
	drm_close_driver(fresh);
}

static void test_mmap_offset_bad_pad(int fd)
{
	uint32_t handle = igt_osprey_gem_create(fd, ps);

	for (unsigned int i = 0; i < ARRAY_SIZE(bad_pads); i++) {
		struct drm_osprey_gem_mmap_offset arg = {
			.handle = handle,
			.pad = bad_pads[i],
		};

		do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &arg, EINVAL);
	}
	gem_close(fd, handle);
}

static void test_info_bad_handle(int fd)
{
	int fresh = drm_open_driver_render(DRIVER_OSPREY);
	struct drm_osprey_gem_info info;
	uint32_t theirs;

	for (unsigned int i = 0; i < ARRAY_SIZE(bogus_handles); i++)
		igt_assert_eq(__igt_osprey_gem_info(fresh, bogus_handles[i], &info),
			      -ENOENT);
	theirs = igt_osprey_gem_create(fd, ps);
	igt_assert_eq(__igt_osprey_gem_info(fresh, theirs, &info), -ENOENT);
	gem_close(fd, theirs);
	igt_assert_eq(__igt_osprey_gem_info(fd, closed_handle(fd), &info), -ENOENT);
	drm_close_driver(fresh);
}

static void test_info_bad_pad(int fd)
{
	uint32_t handle = igt_osprey_gem_create(fd, ps);

	for (unsigned int i = 0; i < ARRAY_SIZE(bad_pads); i++) {
		struct drm_osprey_gem_info arg = {
			.handle = handle,
			.pad = bad_pads[i],
		};

		do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_INFO, &arg, EINVAL);
	}
	gem_close(fd, handle);
}

static void test_handle_closed(int fd)
{
	uint32_t handle = igt_osprey_gem_create(fd, ps);
	struct drm_osprey_gem_info info;
	struct drm_gem_close close_arg = { .handle = handle };
	uint64_t offset;
	int dmabuf = -1;

	gem_close(fd, handle);
	igt_assert_eq(__igt_osprey_gem_info(fd, handle, &info), -ENOENT);
	igt_assert_eq(__igt_osprey_gem_mmap_offset(fd, handle, &offset), -ENOENT);
	igt_assert_eq(__igt_osprey_gem_set_label(fd, handle, "closed"), -ENOENT);
	igt_assert_eq(__igt_osprey_gem_wait(fd, handle, 0), -ENOENT);
	igt_assert_eq(drmPrimeHandleToFD(fd, handle, DRM_CLOEXEC, &dmabuf), -1);
	igt_assert_eq(errno, ENOENT);
	/* The DRM core's answer to closing a handle twice. */
	do_ioctl_err(fd, DRM_IOCTL_GEM_CLOSE, &close_arg, EINVAL);
}

static void test_label_too_long(int fd)
{
	uint64_t max = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_MAX_LABEL_SIZE);
	uint32_t handle = igt_osprey_gem_create(fd, ps);
	struct drm_osprey_gem_set_label arg = { .handle = handle };
	char label[256];

	igt_assert_lt_u64(max + 1, sizeof(label));
	igt_osprey_gem_set_label(fd, handle, "osprey-gem-label-keep");

	/* max + 1 bytes, a well-terminated string of max characters. */
	memset(label, 'y', max);
	label[max] = '\0';
	arg.size = max + 1;
	arg.label = to_user_pointer(label);
	do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg, EINVAL);
	/* A huge size is refused before anything is read or allocated. */
	arg.size = 0xffffffff;
	do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg, EINVAL);

	/* A refused label leaves the previous one in place. */
	igt_assert_eq(igt_osprey_gem_objects_find(fd, "osprey-gem-label-keep", NULL), 1);
	gem_close(fd, handle);
}

static void test_label_not_terminated(int fd)
{
	uint64_t max = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_MAX_LABEL_SIZE);
	uint32_t handle = igt_osprey_gem_create(fd, ps);
	struct drm_osprey_gem_set_label arg = { .handle = handle };
	char label[256];

	igt_assert_lt_u64(max, sizeof(label));
	/* The NUL comes right after the size: it must not be read. */
	snprintf(label, sizeof(label), "abcdefgh");
	arg.size = 8;
	arg.label = to_user_pointer(label);
	do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg, EINVAL);
	arg.size = 1;
	do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg, EINVAL);
	memset(label, 'z', max);
	label[max] = '\0';
	arg.size = max;
	do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg, EINVAL);
	gem_close(fd, handle);
}

static void test_label_bad_pointer(int fd)
{
	uint32_t handle = igt_osprey_gem_create(fd, ps);
	struct drm_osprey_gem_set_label arg = { .handle = handle, .size = 8 };
	char *pages;

	/* Two pages: the second is unmapped, then the whole range is. */
	pages = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(pages != MAP_FAILED);
	igt_assert_eq(munmap(pages + ps, ps), 0);

	/* Four readable bytes without a NUL, then the hole. */
	memcpy(pages + ps - 4, "abcd", 4);
	arg.label = to_user_pointer(pages + ps - 4);
	do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg, EFAULT);

	arg.label = to_user_pointer(pages + ps);
	do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg, EFAULT);

	igt_assert_eq(munmap(pages, ps), 0);
	arg.label = to_user_pointer(pages);
	do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg, EFAULT);
	gem_close(fd, handle);
}

static void test_label_size_without_pointer(int fd)
{
	uint32_t handle = igt_osprey_gem_create(fd, ps);
	const uint32_t sizes[] = { 1, 8, DRM_OSPREY_MAX_LABEL_SIZE };

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct drm_osprey_gem_set_label arg = {
			.handle = handle,
			.size = sizes[i],
			.label = 0,
		};

		do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg, EINVAL);
	}
	gem_close(fd, handle);
}

static void test_label_pointer_without_size(int fd)
{
	uint32_t handle = igt_osprey_gem_create(fd, ps);
	static const char label[] = "osprey-gem-label-nosize";
	struct drm_osprey_gem_set_label arg = {
		.handle = handle,
		.size = 0,
		.label = to_user_pointer(label),
	};

	do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg, EINVAL);
	igt_assert_eq(igt_osprey_gem_objects_find(fd, label, NULL), 0);
	gem_close(fd, handle);
}

static void test_label_bad_handle(int fd)
{
	int fresh = drm_open_driver_render(DRIVER_OSPREY);

	for (unsigned int i = 0; i < ARRAY_SIZE(bogus_handles); i++)
		igt_assert_eq(__igt_osprey_gem_set_label(fresh, bogus_handles[i],
							 "osprey-gem-label-none"),
			      -ENOENT);
	igt_assert_eq(__igt_osprey_gem_set_label(fd, closed_handle(fd),
						 "osprey-gem-label-none"),
		      -ENOENT);
	igt_assert_eq(igt_osprey_gem_objects_find(fd, "osprey-gem-label-none", NULL), 0);
	drm_close_driver(fresh);
}

static void test_wait_bad_handle(int fd)
{
	int fresh = drm_open_driver_render(DRIVER_OSPREY);

	for (unsigned int i = 0; i < ARRAY_SIZE(bogus_handles); i++)
		igt_assert_eq(__igt_osprey_gem_wait(fresh, bogus_handles[i], 0), -ENOENT);
	igt_assert_eq(__igt_osprey_gem_wait(fd, closed_handle(fd), 0), -ENOENT);
	drm_close_driver(fresh);
}

static void test_wait_bad_flags(int fd)
{
	uint32_t handle = igt_osprey_gem_create(fd, ps);

	for (int bit = 0; bit < 32; bit++) {
		struct drm_osprey_gem_wait arg = {
			.handle = handle,
			.flags = 1u << bit,
		};

		do_ioctl_err(fd, DRM_IOCTL_OSPREY_GEM_WAIT, &arg, EINVAL);
	}
	gem_close(fd, handle);
}

static void test_mmap_beyond_object(int fd)
{
	uint32_t one = igt_osprey_gem_create(fd, ps);
	uint32_t two = igt_osprey_gem_create(fd, 2 * ps);
	void *ptr;

	errno = 0;
	igt_assert(!__igt_osprey_gem_mmap(fd, one, 2 * ps, PROT_READ));
	igt_assert_eq(errno, EINVAL);
	errno = 0;
	igt_assert(!__igt_osprey_gem_mmap(fd, two, 3 * ps, PROT_READ));
	igt_assert_eq(errno, EINVAL);

	/* The objects' own sizes map. */
	ptr = igt_osprey_gem_mmap(fd, one, ps, PROT_READ);
	igt_assert_eq(munmap(ptr, ps), 0);
	ptr = igt_osprey_gem_mmap(fd, two, 2 * ps, PROT_READ);
	igt_assert_eq(munmap(ptr, 2 * ps), 0);
	gem_close(fd, one);
	gem_close(fd, two);
}

static void test_mmap_bad_offset(int fd)
{
	uint32_t handle = igt_osprey_gem_create(fd, ps);
	uint64_t offsets[2];
	void *ptr;

	/* 0 is never a GEM offset; a freed object's offset is no longer one. */
	offsets[0] = 0;
	offsets[1] = igt_osprey_gem_mmap_offset(fd, handle);
	gem_close(fd, handle);

	for (unsigned int i = 0; i < ARRAY_SIZE(offsets); i++) {
		errno = 0;
		ptr = mmap(NULL, ps, PROT_READ, MAP_SHARED, fd, offsets[i]);
		igt_assert_f(ptr == MAP_FAILED,
			     "mmap at offset %#" PRIx64 " succeeded\n", offsets[i]);
		igt_assert_eq(errno, EINVAL);
	}
}

static void test_mmap_other_files_object(int fd)
{
	int other = drm_open_driver_render(DRIVER_OSPREY);
	uint32_t handle = igt_osprey_gem_create(fd, ps);
	uint64_t offset = igt_osprey_gem_mmap_offset(fd, handle);
	uint32_t theirs;
	void *ptr;
	int dmabuf;

	errno = 0;
	ptr = mmap(NULL, ps, PROT_READ, MAP_SHARED, other, offset);
	igt_assert(ptr == MAP_FAILED);
	igt_assert_eq(errno, EACCES);

	/* Once the other file has a handle for it, the offset maps there too... */
	dmabuf = igt_osprey_prime_export(fd, handle);
	theirs = igt_osprey_prime_import(other, dmabuf);
	close(dmabuf);
	ptr = mmap(NULL, ps, PROT_READ, MAP_SHARED, other, offset);
	igt_assert(ptr != MAP_FAILED);
	igt_assert_eq(munmap(ptr, ps), 0);

	/* ... and no longer once it has closed that handle. */
	gem_close(other, theirs);
	errno = 0;
	ptr = mmap(NULL, ps, PROT_READ, MAP_SHARED, other, offset);
	igt_assert(ptr == MAP_FAILED);
	igt_assert_eq(errno, EACCES);

	gem_close(fd, handle);
	drm_close_driver(other);
}

/* race: threads sharing one file and passing handles to one another. */
#define RACE_THREADS 4
#define RACE_ITERATIONS 2000
#define RACE_SLOTS 16
#define RACE_TIMEOUT_NS (5 * (int64_t)NSEC_PER_SEC)

struct race_thread {
	pthread_t thread;
	int fd;
	unsigned int id;
	uint32_t *slots;
	int64_t deadline;
	unsigned int done;
	unsigned int errors;
	char error[160];
};

static void race_error(struct race_thread *t, unsigned int i, const char *what,
		       int err)
{
	if (!t->errors++)
		snprintf(t->error, sizeof(t->error),
			 "thread %u, iteration %u: %s: %s", t->id, i, what,
			 strerror(err));
}

static void race_iteration(struct race_thread *t, unsigned int i)
{
	uint64_t size = ps * (1 + (i + t->id) % 4);
	struct drm_osprey_gem_create create = { .size = size };
	struct drm_osprey_gem_mmap_offset mo = {};
	struct drm_osprey_gem_info info = {};
	uint32_t *ptr, seed = t->id << 24 | i, old, peek;
	unsigned int slot = (i * 7 + t->id) % RACE_SLOTS;
	size_t words = size / 4;

	if (drmIoctl(t->fd, DRM_IOCTL_OSPREY_GEM_CREATE, &create)) {
		race_error(t, i, "create", errno);
		return;
	}
	mo.handle = create.handle;
	if (drmIoctl(t->fd, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &mo)) {
		race_error(t, i, "mmap offset", errno);
		return;
	}
	ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, mo.offset);
	if (ptr == MAP_FAILED) {
		race_error(t, i, "mmap", errno);
		return;
	}
	ptr[0] = seed;
	ptr[words - 1] = ~seed;

	if (i % 2 == 0) {
		uint32_t again = 0;
		int dmabuf = -1;

		if (drmPrimeHandleToFD(t->fd, create.handle, DRM_CLOEXEC, &dmabuf)) {
			race_error(t, i, "export", errno);
		} else {
			if (drmPrimeFDToHandle(t->fd, dmabuf, &again))
				race_error(t, i, "self-import", errno);
			else if (again != create.handle)
				race_error(t, i, "self-import gave another handle", 0);
			close(dmabuf);
		}
	}

	/* Look at whatever another thread left in a slot: it may be closing. */
	peek = __atomic_load_n(&t->slots[(slot + 1) % RACE_SLOTS], __ATOMIC_ACQUIRE);
	info.handle = peek;
	if (peek && drmIoctl(t->fd, DRM_IOCTL_OSPREY_GEM_INFO, &info) && errno != ENOENT)
		race_error(t, i, "info of a shared handle", errno);

	/* Hand the object over; close the one handed over before. */
	old = __atomic_exchange_n(&t->slots[slot], create.handle, __ATOMIC_ACQ_REL);
	if (old) {
		struct drm_gem_close cl = { .handle = old };

		if (drmIoctl(t->fd, DRM_IOCTL_GEM_CLOSE, &cl))
			race_error(t, i, "close", errno);
	}

	/* Whoever closes it now, the mapping keeps the object and its data. */
	if (ptr[0] != seed || ptr[words - 1] != ~seed)
		race_error(t, i, "data changed under the mapping", 0);
	if (munmap(ptr, size))
		race_error(t, i, "munmap", errno);
}

static void *race_thread_fn(void *arg)
{
	struct race_thread *t = arg;
	struct timespec now;

	/* No igt_assert here: failures are reported by the main thread. */
	for (unsigned int i = 0; i < RACE_ITERATIONS; i++) {
		race_iteration(t, i);
		t->done++;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (t->errors ||
		    (int64_t)now.tv_sec * 1000000000 + now.tv_nsec > t->deadline)
			break;
	}
	return NULL;
}

static void test_race(int fd)
{
	struct race_thread threads[RACE_THREADS] = {};
	uint32_t slots[RACE_SLOTS] = {};
	int count = igt_osprey_gem_count(fd);
	int64_t deadline = igt_osprey_monotonic_ns() + RACE_TIMEOUT_NS;

	for (unsigned int i = 0; i < RACE_THREADS; i++) {
		threads[i].fd = fd;
		threads[i].id = i;
		threads[i].slots = slots;
		threads[i].deadline = deadline;
		igt_assert_eq(pthread_create(&threads[i].thread, NULL,
					     race_thread_fn, &threads[i]), 0);
	}
	for (unsigned int i = 0; i < RACE_THREADS; i++)
		igt_assert_eq(pthread_join(threads[i].thread, NULL), 0);

	for (unsigned int i = 0; i < RACE_SLOTS; i++)
		if (slots[i])
			gem_close(fd, slots[i]);

	for (unsigned int i = 0; i < RACE_THREADS; i++) {
		igt_info("thread %u: %u iterations\n", i, threads[i].done);
		igt_assert_f(!threads[i].errors, "%u errors, first: %s\n",
			     threads[i].errors, threads[i].error);
		igt_assert_lt(0, threads[i].done);
	}
	igt_assert_eq(igt_osprey_gem_count(fd), count);
}

int igt_main()
{
	int fd = -1, start_count = 0;

	igt_fixture() {
		fd = drm_open_driver_render(DRIVER_OSPREY);
		igt_require_osprey(fd);
		ps = sysconf(_SC_PAGESIZE);
		start_count = igt_osprey_gem_count(fd);
	}

	igt_describe("Create and close objects; a new one reads as zeros; gem_count follows.");
	igt_subtest("create-close")
		test_create_close(fd);

	igt_describe("Sizes round up to pages, as CREATE and INFO report; all of it maps.");
	igt_subtest("create-sizes")
		test_create_sizes(fd);

	igt_describe("10,000 objects in one file: distinct handles, all closed, none left.");
	igt_subtest("handles-10000")
		test_handles_10000();

	igt_describe("Data written through one mapping reads through another, after close too.");
	igt_subtest("mmap-write-read")
		test_mmap_write_read(fd);

	igt_describe("A mapping keeps its object and data after the handle is closed.");
	igt_subtest("mmap-after-close-keeps-data")
		test_mmap_after_close(fd);

	igt_describe("A child maps and writes the parent's object through the inherited fd.");
	igt_subtest("fork-inherited-fd")
		test_fork_inherited_fd(fd);

	igt_describe("A label shows in gem_objects; a new one replaces it; size 0 clears it.");
	igt_subtest("label")
		test_label(fd);

	igt_describe("GEM_INFO reports the size, the create flags and the exported bit.");
	igt_subtest("info")
		test_info(fd);

	igt_describe("GEM_WAIT on an object nothing uses returns 0 at once, for any timeout.");
	igt_subtest("wait-idle")
		test_wait_idle(fd);

	igt_describe("fdinfo counts total, resident (touched) and shared (exported) memory.");
	igt_subtest("fdinfo")
		test_fdinfo();

	igt_describe("debugfs gem_objects lists sizes, labels and state; gem_count matches.");
	igt_subtest("debugfs")
		test_debugfs(fd);

	igt_describe("Dumb buffers work on the primary node; the render node gets -EACCES.");
	igt_subtest("dumb-buffers")
		test_dumb_buffers(fd);

	igt_describe("MODE_CREATE_DUMB with any flag set gives -EINVAL and creates nothing.");
	igt_subtest("dumb-bad-flags")
		test_dumb_bad_flags();

	igt_describe("GEM_CREATE of size 0 gives -EINVAL.");
	igt_subtest("create-size-zero")
		test_create_size_zero(fd);

	igt_describe("GEM_CREATE above MAX_BO_SIZE after rounding gives -EINVAL.");
	igt_subtest("create-size-too-big")
		test_create_size_too_big(fd);

	igt_describe("GEM_CREATE of sizes that overflow when rounded up gives -EINVAL.");
	igt_subtest("create-size-overflow")
		test_create_size_overflow(fd);

	igt_describe("GEM_CREATE with any flag bit set gives -EINVAL.");
	igt_subtest("create-bad-flags")
		test_create_bad_flags(fd);

	igt_describe("GEM_MMAP_OFFSET of a handle that names nothing gives -ENOENT.");
	igt_subtest("mmap-offset-bad-handle")
		test_mmap_offset_bad_handle(fd);

	igt_describe("GEM_MMAP_OFFSET with a non-zero pad gives -EINVAL.");
	igt_subtest("mmap-offset-bad-pad")
		test_mmap_offset_bad_pad(fd);

	igt_describe("GEM_INFO of a handle that names nothing gives -ENOENT.");
	igt_subtest("info-bad-handle")
		test_info_bad_handle(fd);

	igt_describe("GEM_INFO with a non-zero pad gives -EINVAL.");
	igt_subtest("info-bad-pad")
		test_info_bad_pad(fd);

	igt_describe("A closed handle gives -ENOENT; closing it again gives -EINVAL.");
	igt_subtest("handle-closed")
		test_handle_closed(fd);

	igt_describe("SET_LABEL with a size above MAX_LABEL_SIZE gives -EINVAL.");
	igt_subtest("label-too-long")
		test_label_too_long(fd);

	igt_describe("SET_LABEL of a label with no NUL within size gives -EINVAL.");
	igt_subtest("label-not-terminated")
		test_label_not_terminated(fd);

	igt_describe("SET_LABEL with an unreadable label gives -EFAULT.");
	igt_subtest("label-bad-pointer")
		test_label_bad_pointer(fd);

	igt_describe("SET_LABEL with a size but no label pointer gives -EINVAL.");
	igt_subtest("label-size-without-pointer")
		test_label_size_without_pointer(fd);

	igt_describe("SET_LABEL with a label pointer but size 0 gives -EINVAL.");
	igt_subtest("label-pointer-without-size")
		test_label_pointer_without_size(fd);

	igt_describe("SET_LABEL of a handle that names nothing gives -ENOENT.");
	igt_subtest("label-bad-handle")
		test_label_bad_handle(fd);

	igt_describe("GEM_WAIT of a handle that names nothing gives -ENOENT.");
	igt_subtest("wait-bad-handle")
		test_wait_bad_handle(fd);

	igt_describe("GEM_WAIT with any flag bit set gives -EINVAL.");
	igt_subtest("wait-bad-flags")
		test_wait_bad_flags(fd);

	igt_describe("mmap() longer than the object fails with -EINVAL.");
	igt_subtest("mmap-beyond-object")
		test_mmap_beyond_object(fd);

	igt_describe("mmap() at an offset no object has fails with -EINVAL.");
	igt_subtest("mmap-bad-offset")
		test_mmap_bad_offset(fd);

	igt_describe("mmap() of an object through a file with no handle for it: -EACCES.");
	igt_subtest("mmap-other-files-object")
		test_mmap_other_files_object(fd);

	igt_describe("Threads sharing a file create, map, export and close objects; no leak.");
	igt_subtest("race")
		test_race(fd);

	igt_fixture() {
		/* Every subtest cleaned up after itself: nothing leaked. */
		igt_assert_eq(igt_osprey_gem_count(fd), start_count);
		drm_close_driver(fd);
	}
}
