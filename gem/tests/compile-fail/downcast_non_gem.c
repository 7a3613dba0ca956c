// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */
/* expect: passing argument 1 of 'to_good_bo' from incompatible pointer type */
/* A downcast of something that is not a GEM object. */
#include "common.h"

static int __maybe_unused downcast_non_gem_use(struct good_file *file)
{
	return !!to_good_bo(file);
}
