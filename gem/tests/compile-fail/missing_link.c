// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */
/* expect: 'struct unlinked_bo' has no member named 'tgem' */
/* An object type without the layer's bookkeeping. */
#include "common.h"

struct unlinked_bo {
	struct drm_gem_shmem_object base;
};

TGEM_DECLARE_SHMEM_TYPE(unlinked_bo, struct unlinked_bo, base, struct good_file);
