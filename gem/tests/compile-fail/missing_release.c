// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */
/* expect: macro "TGEM_DEFINE_SHMEM_TYPE" requires 5 arguments, but only 3 given */
/* A type defined without its release callback. */
#include "common.h"

TGEM_DEFINE_SHMEM_TYPE(good_bo, base, good_device);
