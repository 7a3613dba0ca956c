/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Umbrella header of Osprey's IGT subset (see README.md).  Upstream's igt.h
 * pulls in much more; only what this subset implements is included here.
 */
#ifndef IGT_H
#define IGT_H

#include "drmtest.h"
#include "igt_aux.h"
#include "igt_core.h"
#include "igt_debugfs.h"
#include "igt_kmod.h"
#include "igt_sysfs.h"
#include "ioctl_wrappers.h"

#endif /* IGT_H */
