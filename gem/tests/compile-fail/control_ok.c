// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */
/* expect: builds */
/*
 * The control: correct use of the layer compiles, so the failures of the
 * other cases are their own.
 */
#include "common.h"

static int good_open(struct good_bo *bo, struct good_file *file)
{
	file->handles++;
	return 0;
}

static void good_close(struct good_bo *bo, struct good_file *file)
{
	file->handles--;
}

static void good_release(struct good_bo *bo)
{
}

TGEM_DEFINE_SHMEM_TYPE(good_bo, base, good_device, good_release,
		       .open = good_open, .close = good_close);

static int __maybe_unused control_ok_use(struct drm_gem_object *obj)
{
	struct good_bo *bo = to_good_bo(obj);

	return bo ? bo->payload : 0;
}
