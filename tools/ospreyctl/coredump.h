/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The Osprey authors */
#ifndef _OSPREY_CTL_COREDUMP_H_
#define _OSPREY_CTL_COREDUMP_H_

/*
 * "ospreyctl coredump [--extract DIR] [--dismiss] [--seq N] [FILE|-]":
 * check a GPU coredump (docs/coredump-format.md) and summarise it. Without
 * FILE, the newest Osprey dump in /sys/class/devcoredump (or in the
 * directory named by the OSPREY_DEVCOREDUMP_ROOT environment variable, for
 * tests). argv[0] is "coredump"; options are parsed from the start (optind
 * is reset). Returns the exit status: 0 success, 1 failure (no dump, an
 * invalid dump, an I/O error), 2 usage error.
 */
int ospreyctl_coredump_main(int argc, char **argv);

#endif /* _OSPREY_CTL_COREDUMP_H_ */
