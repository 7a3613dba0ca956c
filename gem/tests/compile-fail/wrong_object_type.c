// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */
/* expect: initialization of .* from incompatible pointer type */
/* An open callback that takes another object type. */
#include "common.h"

static int wrong_open(struct other_obj *obj, struct good_file *file)
{
	return 0;
}

static void good_release(struct good_bo *bo)
{
}

TGEM_DEFINE_SHMEM_TYPE(good_bo, base, good_device, good_release,
		       .open = wrong_open);
