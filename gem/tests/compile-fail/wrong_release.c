// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */
/* expect: static assertion failed: "wrong_release must be void \(\*\)\(good_bo object \*\)" */
/* A release callback that takes the GEM base instead of the typed object. */
#include "common.h"

static void wrong_release(struct drm_gem_object *obj)
{
}

TGEM_DEFINE_SHMEM_TYPE(good_bo, base, good_device, wrong_release);
