// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */
/* expect: initialization of .* from incompatible pointer type */
/* A close callback that takes another driver's file type. */
#include "common.h"

static void wrong_close(struct good_bo *bo, struct other_file *file)
{
}

static void good_release(struct good_bo *bo)
{
}

TGEM_DEFINE_SHMEM_TYPE(good_bo, base, good_device, good_release,
		       .close = wrong_close);
