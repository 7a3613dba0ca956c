/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The Osprey authors */

/*
 * What osprey_bench.c offers the benchmarks of its other files, and what
 * they offer it.
 */

#ifndef OSPREY_BENCH_H
#define OSPREY_BENCH_H

#define BENCH_RUNS	3	/* runs per figure; the median is reported */

/* osprey_bench.c */
int __attribute__((format(printf, 2, 3))) bench_fail(int err, const char *fmt, ...);
double bench_now(void);
void bench_emit(const char *name, const char *unit, const double runs[BENCH_RUNS]);
double bench_percentile(double *samples, unsigned int n, unsigned int pct);

/* display.c: each prints its figures; 0, or -1 once it said why not. */
int bench_display_vblank(const char *name);
int bench_display_flip(const char *name);
int bench_display_compose(const char *name);

#endif /* OSPREY_BENCH_H */
