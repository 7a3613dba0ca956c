/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Osprey's own implementation of a subset of IGT's igt_kmod.h.
 *
 * Signatures follow the newest upstream found (2025/2026 master):
 * igt_kmod_unload() takes only the module name; the older
 * igt_kmod_unload(const char *mod_name, unsigned int flags) form was
 * dropped upstream.  Unlike upstream (libkmod), this implementation runs
 * the system's modprobe, so it works with busybox's modprobe in the guest.
 */
#ifndef IGT_KMOD_H
#define IGT_KMOD_H

#include <stdbool.h>

/* True if the module is listed in /proc/modules ('-' and '_' are equal). */
bool igt_kmod_is_loaded(const char *mod_name);

/*
 * Load a module with "modprobe mod_name [opts...]".  With non-NULL @opts an
 * already loaded module gives -EEXIST (the options could not apply), as
 * upstream.  Returns 0 or a negative errno.
 */
int igt_kmod_load(const char *mod_name, const char *opts);

/*
 * Unload a module (after the modules holding it) with "modprobe -r",
 * retrying for up to ~10 s while it is busy.  Returns 0, -ENOENT if it was
 * not loaded, or another negative errno.
 */
int igt_kmod_unload(const char *mod_name);

#endif /* IGT_KMOD_H */
