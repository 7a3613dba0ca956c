/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Osprey's own implementation of a subset of the igt-gpu-tools core API
 * (test structure, assertions, skips, logging, forking).  Every public name
 * here exists upstream with a compatible signature, so a test written
 * against this header also builds against upstream IGT.  Names starting
 * with "__igt_" are private to this implementation.
 */
#ifndef IGT_CORE_H
#define IGT_CORE_H

#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * Locals of igt_main that fixtures assign and subtests use live across the
 * sigsetjmp() in every block, so gcc's -Wclobbered (part of -Wextra) flags
 * the usual IGT test pattern.  Upstream builds all tests with
 * -Wno-clobbered; doing the same here lets unchanged upstream-style tests
 * build with -Wextra -Werror.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wclobbered"
#endif

#ifndef IGT_LOG_DOMAIN
#define IGT_LOG_DOMAIN (NULL)
#endif

#ifndef __noreturn
#define __noreturn __attribute__((noreturn))
#endif

#define IGT_EXIT_SUCCESS 0
#define IGT_EXIT_SKIP 77
#define IGT_EXIT_INVALID 79
#define IGT_EXIT_FAILURE 98
#define IGT_EXIT_ABORT 112

#define __igt_tokencat2(x, y) x ## y
#define igt_tokencat(x, y) __igt_tokencat2(x, y)
/* A per-line unique identifier for the locals of the block macros below. */
#define igt_unique(prefix) igt_tokencat(igt_tokencat(__igt_unique__, prefix), __LINE__)

extern const char *__igt_test_description __attribute__((weak));
#define IGT_TEST_DESCRIPTION(str) const char *__igt_test_description = str

/* Option handling (igt_main_args / igt_simple_main_args). */
typedef int (*igt_opt_handler_t)(int opt, int opt_index, void *data);
#define IGT_OPT_HANDLER_SUCCESS 0
#define IGT_OPT_HANDLER_ERROR -2

int igt_subtest_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				igt_opt_handler_t extra_opt_handler,
				void *handler_data);
void igt_simple_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				igt_opt_handler_t extra_opt_handler,
				void *handler_data);
#define igt_subtest_init(argc, argv) \
	igt_subtest_init_parse_opts(&argc, argv, NULL, NULL, NULL, NULL, NULL)
#define igt_simple_init(argc, argv) \
	igt_simple_init_parse_opts(&argc, argv, NULL, NULL, NULL, NULL, NULL)

/*
 * Subtests are for-loops whose condition enters the block and records a
 * jump target; failing/skipping long-jumps back there (the condition then
 * reads as false and the loop ends), and the loop "increment" reports
 * success when the body simply ran to its end.
 */
extern sigjmp_buf igt_subtest_jmpbuf;
extern sigjmp_buf igt_dynamic_jmpbuf;

bool __igt_fixture_enter(void);
void __igt_fixture_leave(void);
bool __igt_subtest_enter(const char *name);
bool __igt_container_enter(const char *name);
bool __igt_dynamic_enter(const char *name);
int __igt_group_save(void);
void __igt_group_restore(int saved);

/* A block run when enter(name) agrees; failures inside land on jb. */
#define __igt_block(enter, jb, name) \
	for (; enter(name) && sigsetjmp(jb, 1) == 0; igt_success())
#define __igt_block_f(enter, jb, buf, ...) \
	for (char buf[256]; snprintf(buf, sizeof(buf), __VA_ARGS__), \
	     enter(buf) && sigsetjmp(jb, 1) == 0; igt_success())

#define igt_subtest(name) __igt_block(__igt_subtest_enter, igt_subtest_jmpbuf, name)
#define igt_subtest_f(...) \
	__igt_block_f(__igt_subtest_enter, igt_subtest_jmpbuf, igt_unique(__name), __VA_ARGS__)
/* A subtest whose result is that of the igt_dynamic blocks inside it. */
#define igt_subtest_with_dynamic(name) \
	__igt_block(__igt_container_enter, igt_subtest_jmpbuf, name)
#define igt_subtest_with_dynamic_f(...) \
	__igt_block_f(__igt_container_enter, igt_subtest_jmpbuf, igt_unique(__name), __VA_ARGS__)
#define igt_dynamic(name) __igt_block(__igt_dynamic_enter, igt_dynamic_jmpbuf, name)
#define igt_dynamic_f(...) \
	__igt_block_f(__igt_dynamic_enter, igt_dynamic_jmpbuf, igt_unique(__name), __VA_ARGS__)

/*
 * Block-macro spelling.  Upstream IGT wrote "igt_main {", "igt_fixture {",
 * "igt_simple_main {" and "igt_subtest_group {" for over a decade; current
 * upstream writes "int igt_main() {", "igt_fixture() {",
 * "int igt_simple_main() {" and "igt_subtest_group() {".  No macro can
 * accept both spellings.  The current one is the default, so the tests
 * build against today's upstream; -DIGT_CLASSIC_BLOCKS selects the old one
 * (a build setting, not API).
 */
#define __igt_fixture_block \
	for (volatile int igt_unique(__fx) = 0; igt_unique(__fx) < 1 && \
	     __igt_fixture_enter() && sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_unique(__fx)++, __igt_fixture_leave())
#define __igt_group_block \
	for (volatile int igt_unique(__grp) = 0, igt_unique(__sav) = __igt_group_save(); \
	     igt_unique(__grp) < 1; \
	     igt_unique(__grp)++, __igt_group_restore(igt_unique(__sav)))
#define __igt_main_block(init, so, lo, help, handler, data) \
	static void igt_unique(__real_main)(void); \
	int main(int argc, char **argv) \
	{ \
		init(&argc, argv, so, lo, help, handler, data); \
		igt_unique(__real_main)(); \
		igt_exit(); \
	} \
	static void igt_unique(__real_main)(void)

#ifndef IGT_CLASSIC_BLOCKS
#define igt_fixture() __igt_fixture_block
#define igt_subtest_group() __igt_group_block
#define igt_main_args(so, lo, help, handler, data) \
	main(int argc, char **argv); \
	__igt_main_block(igt_subtest_init_parse_opts, so, lo, help, handler, data)
#define igt_simple_main_args(so, lo, help, handler, data) \
	main(int argc, char **argv); \
	__igt_main_block(igt_simple_init_parse_opts, so, lo, help, handler, data)
#define igt_main() igt_main_args(NULL, NULL, NULL, NULL, NULL)
#define igt_simple_main() igt_simple_main_args(NULL, NULL, NULL, NULL, NULL)
#else
#define igt_fixture __igt_fixture_block
#define igt_subtest_group __igt_group_block
#define igt_main_args(so, lo, help, handler, data) \
	__igt_main_block(igt_subtest_init_parse_opts, so, lo, help, handler, data)
#define igt_simple_main_args(so, lo, help, handler, data) \
	__igt_main_block(igt_simple_init_parse_opts, so, lo, help, handler, data)
#define igt_main igt_main_args(NULL, NULL, NULL, NULL, NULL)
#define igt_simple_main igt_simple_main_args(NULL, NULL, NULL, NULL, NULL)
#endif

const char *igt_test_name(void);
const char *igt_subtest_name(void);
const char *igt_dynamic_subtest_name(void);
bool igt_only_list_subtests(void);
bool igt_can_fail(void);

__attribute__((format(printf, 1, 2))) void igt_describe_f(const char *fmt, ...);
#define igt_describe(dsc) igt_describe_f("%s", dsc)

/* Results. */
void igt_success(void);
__noreturn void igt_fail(int exitcode);
__noreturn void igt_exit(void);
__noreturn __attribute__((format(printf, 1, 2))) void igt_skip(const char *f, ...);
__noreturn __attribute__((format(printf, 5, 6)))
void __igt_skip_check(const char *file, int line, const char *func,
		      const char *check, const char *f, ...);
__noreturn __attribute__((format(printf, 6, 7)))
void __igt_fail_assert(const char *domain, const char *file, int line,
		       const char *func, const char *assertion, const char *f, ...);
#define igt_skip_check(E, ...) \
	__igt_skip_check(__FILE__, __LINE__, __func__, E, __VA_ARGS__)

/* Assertions. */
#define igt_assert(expr) do { if (!(expr)) \
	__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, #expr, NULL); \
} while (0)
#define igt_assert_f(expr, ...) do { if (!(expr)) \
	__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, #expr, __VA_ARGS__); \
} while (0)
#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, ...) igt_assert_f(!(expr), __VA_ARGS__)

/* Compare two values of type T, printing both with FMT on failure. */
#define __igt_assert_cmp(T, FMT, n1, cmp, ncmp, n2) do { \
	T __igt_v1 = (n1), __igt_v2 = (n2); \
	if (!(__igt_v1 cmp __igt_v2)) \
		__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
				  #n1 " " #cmp " " #n2, \
				  "error: " FMT " " #ncmp " " FMT "\n", \
				  __igt_v1, __igt_v2); \
} while (0)
#define igt_assert_cmpint(n1, cmp, ncmp, n2) __igt_assert_cmp(int, "%d", n1, cmp, ncmp, n2)
#define igt_assert_cmpuint(n1, cmp, ncmp, n2) __igt_assert_cmp(uint32_t, "%#x", n1, cmp, ncmp, n2)
#define igt_assert_cmps64(n1, cmp, ncmp, n2) __igt_assert_cmp(long long, "%lld", n1, cmp, ncmp, n2)
#define igt_assert_cmpu64(n1, cmp, ncmp, n2) \
	__igt_assert_cmp(unsigned long long, "%#llx", n1, cmp, ncmp, n2)
#define igt_assert_cmpdouble(n1, cmp, ncmp, n2) __igt_assert_cmp(double, "%#lf", n1, cmp, ncmp, n2)
#define igt_assert_cmpptr(n1, cmp, ncmp, n2) \
	__igt_assert_cmp(const void *, "%p", n1, cmp, ncmp, n2)

#define igt_assert_eq(n1, n2) igt_assert_cmpint(n1, ==, !=, n2)
#define igt_assert_eq_u32(n1, n2) igt_assert_cmpuint(n1, ==, !=, n2)
#define igt_assert_eq_s64(n1, n2) igt_assert_cmps64(n1, ==, !=, n2)
#define igt_assert_eq_u64(n1, n2) igt_assert_cmpu64(n1, ==, !=, n2)
#define igt_assert_eq_double(n1, n2) igt_assert_cmpdouble(n1, ==, !=, n2)
#define igt_assert_eq_ptr(n1, n2) igt_assert_cmpptr(n1, ==, !=, n2)
#define igt_assert_neq(n1, n2) igt_assert_cmpint(n1, !=, ==, n2)
#define igt_assert_neq_u32(n1, n2) igt_assert_cmpuint(n1, !=, ==, n2)
#define igt_assert_neq_u64(n1, n2) igt_assert_cmpu64(n1, !=, ==, n2)
#define igt_assert_neq_double(n1, n2) igt_assert_cmpdouble(n1, !=, ==, n2)
#define igt_assert_neq_ptr(n1, n2) igt_assert_cmpptr(n1, !=, ==, n2)
#define igt_assert_lte(n1, n2) igt_assert_cmpint(n1, <=, >, n2)
#define igt_assert_lte_u32(n1, n2) igt_assert_cmpuint(n1, <=, >, n2)
#define igt_assert_lte_u64(n1, n2) igt_assert_cmpu64(n1, <=, >, n2)
#define igt_assert_lte_s64(n1, n2) igt_assert_cmps64(n1, <=, >, n2)
#define igt_assert_lt(n1, n2) igt_assert_cmpint(n1, <, >=, n2)
#define igt_assert_lt_u32(n1, n2) igt_assert_cmpuint(n1, <, >=, n2)
#define igt_assert_lt_u64(n1, n2) igt_assert_cmpu64(n1, <, >=, n2)
#define igt_assert_lt_s64(n1, n2) igt_assert_cmps64(n1, <, >=, n2)
#define igt_assert_lt_double(n1, n2) igt_assert_cmpdouble(n1, <, >=, n2)
#define igt_assert_fd(fd) \
	igt_assert_f(fd >= 0, "file descriptor " #fd " failed\n")

/* Requirements: skip the (sub)test when not met. */
#define igt_require(expr) do { \
	if (!(expr)) igt_skip_check(#expr, NULL); \
	else igt_debug("Test requirement passed: %s\n", #expr); \
} while (0)
#define igt_require_f(expr, ...) do { \
	if (!(expr)) igt_skip_check(#expr, __VA_ARGS__); \
	else igt_debug("Test requirement passed: %s\n", #expr); \
} while (0)
#define igt_skip_on(expr) do { \
	if ((expr)) igt_skip_check("!(" #expr ")", NULL); \
	else igt_debug("Test requirement passed: !(%s)\n", #expr); \
} while (0)
#define igt_skip_on_f(expr, ...) do { \
	if ((expr)) igt_skip_check("!(" #expr ")", __VA_ARGS__); \
	else igt_debug("Test requirement passed: !(%s)\n", #expr); \
} while (0)
#define igt_require_fd(fd) \
	igt_require_f(fd >= 0, "file descriptor " #fd " failed\n")

/* Forked test children: failures are collected by igt_waitchildren(). */
bool __igt_fork_child(void);
#define igt_fork(child, num_children) \
	for (int child = 0; child < (num_children); child++) \
		for (; __igt_fork_child(); exit(0))
void igt_waitchildren(void);
void igt_kill_children(int signal);

/* Exit handlers run at exit() and on fatal signals (sig is 0 at exit). */
typedef void (*igt_exit_handler_t)(int sig);
void igt_install_exit_handler(igt_exit_handler_t fn);

/* Logging. */
enum igt_log_level {
	IGT_LOG_DEBUG,
	IGT_LOG_INFO,
	IGT_LOG_WARN,
	IGT_LOG_CRITICAL,
	IGT_LOG_NONE,
};

extern enum igt_log_level igt_log_level;
__attribute__((format(printf, 3, 4)))
void igt_log(const char *domain, enum igt_log_level level, const char *format, ...);
__attribute__((format(printf, 3, 0)))
void igt_vlog(const char *domain, enum igt_log_level level, const char *format, va_list args);
#define igt_debug(...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_DEBUG, __VA_ARGS__)
#define igt_info(...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_INFO, __VA_ARGS__)
#define igt_warn(...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_WARN, __VA_ARGS__)
#define igt_critical(...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_CRITICAL, __VA_ARGS__)

/* Warn if the condition holds; evaluates to the condition. */
#define igt_warn_on(cond) ({ \
	typeof(cond) __igt_c = (cond); \
	if (__igt_c) \
		igt_warn("Warning on condition %s in function %s, file %s:%i\n", \
			 #cond, __func__, __FILE__, __LINE__); \
	__igt_c; \
})

__attribute__((format(printf, 1, 2))) void igt_kmsg(const char *format, ...);
#define KMSG_ERR "<3>[IGT] "
#define KMSG_WARNING "<4>[IGT] "
#define KMSG_INFO "<6>[IGT] "
#define KMSG_DEBUG "<7>[IGT] "

/* Time helpers (monotonic clock). */
#if __SIZEOF_LONG__ == 8	/* the same types as upstream */
#define MSEC_PER_SEC (1000ul)
#else
#define MSEC_PER_SEC (1000ull)
#endif
#define USEC_PER_SEC (1000u * MSEC_PER_SEC)
#define NSEC_PER_SEC (1000u * USEC_PER_SEC)
int igt_gettime(struct timespec *ts);
double igt_time_elapsed(struct timespec *then, struct timespec *now);
/* Nanoseconds since *start; a zeroed *start is set to "now" first. */
uint64_t igt_nsec_elapsed(struct timespec *start);
static inline uint32_t igt_seconds_elapsed(struct timespec *start)
{
	return igt_nsec_elapsed(start) / NSEC_PER_SEC;
}

#endif /* IGT_CORE_H */
