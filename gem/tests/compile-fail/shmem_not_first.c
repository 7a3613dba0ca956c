// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */
/* expect: static assertion failed: "struct late_bo.base must be the first member */
/*
 * A shmem type whose shmem object is not at offset 0: drm_gem_shmem_free()
 * would free the wrong pointer.
 */
#include "common.h"

struct late_bo {
	int first;
	struct drm_gem_shmem_object base;
	struct tgem_link tgem;
};

TGEM_DECLARE_SHMEM_TYPE(late_bo, struct late_bo, base, struct good_file);
