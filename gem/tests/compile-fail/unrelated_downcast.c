// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */
/* expect: 'struct other_obj \*' from incompatible pointer type 'struct good_bo \*' */
/* The checked downcast used to reach an unrelated type. */
#include "common.h"

static int __maybe_unused unrelated_downcast_use(struct drm_gem_object *obj)
{
	struct other_obj *o = to_good_bo(obj);

	return o->unrelated;
}
