// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

#include <errno.h>
#include <string.h>

#include "igt.h"
#include "igt_osprey.h"

IGT_TEST_DESCRIPTION("DRM_IOCTL_OSPREY_GET_PARAM: values and input checks.");

static const uint32_t known_params[] = {
	DRM_OSPREY_PARAM_GPU_MODEL,
	DRM_OSPREY_PARAM_GPU_REVISION,
	DRM_OSPREY_PARAM_GPU_FEATURES,
	DRM_OSPREY_PARAM_NUM_ENGINES,
	DRM_OSPREY_PARAM_MAX_BO_SIZE,
	DRM_OSPREY_PARAM_MAX_LABEL_SIZE,
	DRM_OSPREY_PARAM_VA_START,
	DRM_OSPREY_PARAM_VA_END,
	DRM_OSPREY_PARAM_MAX_BATCH_SIZE,
	DRM_OSPREY_PARAM_MAX_SYNCS,
	DRM_OSPREY_PARAM_MAX_VMS,
	DRM_OSPREY_PARAM_MAX_QUEUES,
};

int igt_main()
{
	int fd = -1;

	igt_fixture() {
		fd = drm_open_driver_render(DRIVER_OSPREY);
		igt_require_osprey(fd);
	}

	igt_describe("The identity parameters describe an Osprey O1 GPU.");
	igt_subtest("base-params") {
		uint64_t rev = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_GPU_REVISION);

		igt_assert_eq_u64(igt_osprey_get_param(fd, DRM_OSPREY_PARAM_GPU_MODEL), 1);
		igt_assert_lte_u64(1, rev >> 8);
		igt_assert_eq_u64(rev >> 16, 0);
		igt_assert_lte_u64(1, igt_osprey_get_param(fd, DRM_OSPREY_PARAM_NUM_ENGINES));
		igt_assert_eq_u64(igt_osprey_get_param(fd, DRM_OSPREY_PARAM_GPU_FEATURES) >> 32, 0);
	}

	igt_describe("The VA range is page-aligned, non-empty and within 39 bits; limits are set.");
	igt_subtest("va-and-limits") {
		uint64_t start = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_VA_START);
		uint64_t end = igt_osprey_get_param(fd, DRM_OSPREY_PARAM_VA_END);

		igt_assert_eq_u64(start & 4095, 0);
		igt_assert_eq_u64(end & 4095, 0);
		igt_assert_lt_u64(start, end);
		igt_assert_lte_u64(end, 1ull << 39);
		/* Page 0 is never mappable: a NULL dereference must fault. */
		igt_assert_lt_u64(0, start);
		igt_assert_lte_u64(4, igt_osprey_get_param(fd, DRM_OSPREY_PARAM_MAX_BATCH_SIZE));
		igt_assert_lte_u64(1, igt_osprey_get_param(fd, DRM_OSPREY_PARAM_MAX_SYNCS));
		igt_assert_lte_u64(1, igt_osprey_get_param(fd, DRM_OSPREY_PARAM_MAX_VMS));
		igt_assert_lte_u64(1, igt_osprey_get_param(fd, DRM_OSPREY_PARAM_MAX_QUEUES));
	}

	igt_describe("The primary and the render node report the same values.");
	igt_subtest("same-on-both-nodes") {
		int primary = drm_open_driver(DRIVER_OSPREY);

		for (unsigned int i = 0; i < ARRAY_SIZE(known_params); i++)
			igt_assert_eq_u64(igt_osprey_get_param(fd, known_params[i]),
					  igt_osprey_get_param(primary, known_params[i]));
		drm_close_driver(primary);
	}

	igt_describe("An unknown parameter gives -EINVAL and leaves value alone.");
	igt_subtest("get-bad-param") {
		/* The first number past the last parameter, and far ones. */
		uint32_t bad[] = { DRM_OSPREY_PARAM_MAX_QUEUES + 1, 0x1000, 0xffffffff };

		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			struct drm_osprey_get_param gp = {
				.param = bad[i],
				.value = 0xdeadbeef,
			};

			do_ioctl_err(fd, DRM_IOCTL_OSPREY_GET_PARAM, &gp, EINVAL);
			igt_assert_eq_u64(gp.value, 0xdeadbeef);
		}
	}

	igt_describe("A non-zero pad gives -EINVAL, even for a known parameter.");
	igt_subtest("get-bad-padding") {
		uint32_t pads[] = { 1, 0x80000000, 0xffffffff };

		for (unsigned int i = 0; i < ARRAY_SIZE(pads); i++) {
			struct drm_osprey_get_param gp = {
				.param = DRM_OSPREY_PARAM_GPU_MODEL,
				.pad = pads[i],
			};

			do_ioctl_err(fd, DRM_IOCTL_OSPREY_GET_PARAM, &gp, EINVAL);
		}
	}

	igt_describe("A bad argument pointer gives -EFAULT.");
	igt_subtest("get-bad-pointer") {
		do_ioctl_err(fd, DRM_IOCTL_OSPREY_GET_PARAM, (void *)16, EFAULT);
	}

	igt_fixture() {
		drm_close_driver(fd);
	}
}
