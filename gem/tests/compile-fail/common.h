/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The Osprey authors */
#ifndef _TGEM_COMPILE_FAIL_COMMON_H_
#define _TGEM_COMPILE_FAIL_COMMON_H_

/*
 * Types shared by the compile-fail cases: a well-formed shmem type, a file
 * type, and an unrelated type to misuse them with. Each case makes exactly
 * one mistake, so the diagnostic it expects is the only one it produces.
 */

#include <linux/module.h>

#include "typed_gem.h"

struct good_file {
	int handles;
};

struct other_file {
	long unrelated;
};

struct good_bo {
	struct drm_gem_shmem_object base;
	struct tgem_link tgem;
	int payload;
};

struct other_obj {
	int unrelated;
};

static struct tgem_device good_tdev;

static inline struct tgem_device *good_device(struct drm_device *drm)
{
	return &good_tdev;
}

TGEM_DECLARE_SHMEM_TYPE(good_bo, struct good_bo, base, struct good_file);

MODULE_LICENSE("GPL");

#endif
