/* SPDX-License-Identifier: GPL-2.0-only */
/* Osprey's own implementation of a subset of IGT's igt_aux.h. */
#ifndef IGT_AUX_H
#define IGT_AUX_H

#include <unistd.h>

#include "igt_core.h"

/* Run the following block repeatedly (at least once) for @timeout seconds. */
#define igt_until_timeout(timeout) \
	for (struct timespec t__ = {}; igt_seconds_elapsed(&t__) < (timeout); )

/* Run the following block repeatedly (at least once) for @t milliseconds. */
#define igt_for_milliseconds(t) \
	for (struct timespec t__ = {}; igt_nsec_elapsed(&t__) / 1000000 < (t); )

/*
 * Poll @COND every @interval_ms until it holds or @timeout_ms passed;
 * evaluates to whether it held.
 */
#define igt_wait(COND, timeout_ms, interval_ms) ({ \
	struct timespec __igt_ts = {}; \
	bool __igt_ok; \
	igt_nsec_elapsed(&__igt_ts); \
	while (!(__igt_ok = (COND)) && \
	       igt_nsec_elapsed(&__igt_ts) < 1000000ull * (timeout_ms)) \
		usleep(1000 * (interval_ms)); \
	__igt_ok; \
})

#endif /* IGT_AUX_H */
