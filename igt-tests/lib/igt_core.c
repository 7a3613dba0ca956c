// SPDX-License-Identifier: GPL-2.0-only
/*
 * This is the Osprey project's own implementation of a subset of the API of
 * IGT GPU Tools (igt-gpu-tools).  It is written from scratch; it only
 * mirrors upstream's public names, command line and output conventions so
 * that tests build and behave the same against either library.
 *
 * Model: a test binary walks its igt_main body once.  Fixtures and subtests
 * are blocks entered through the __igt_*_enter() helpers below; failing or
 * skipping inside one long-jumps back to the block's entry (see igt_core.h).
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "drmtest.h"
#include "igt_core.h"

sigjmp_buf igt_subtest_jmpbuf;
sigjmp_buf igt_dynamic_jmpbuf;
enum igt_log_level igt_log_level = IGT_LOG_INFO;

/* Command line. */
static const char *command_str = "";
static bool with_subtests, list_subtests, run_pattern_matched;
static char *run_pattern, *dynamic_pattern, *log_domain;

/* Progress. */
static char subtest_name[256], dynamic_name[256];
static bool in_subtest, in_dynamic, in_fixture, log_midline;
static enum { RUN_ALL, SKIP_REST, FAIL_REST } henceforth = RUN_ALL;
static bool skipped_one, succeeded_one, failed_one;
static int exitcode = IGT_EXIT_SUCCESS;
static int dynamic_count = -1;	/* dynamic subtests run; -1: not in a container */
static bool dynamic_failed;
static struct timespec test_start, subtest_start, dynamic_start;

/* Forked children and exit handlers. */
static bool test_child;
static pid_t *children;
static int num_children, children_cap;
static igt_exit_handler_t exit_handlers[10];
static int num_exit_handlers;

__noreturn static void internal_error(const char *msg)
{
	fprintf(stderr, "IGT library misuse: %s\n", msg);
	abort();
}

int igt_gettime(struct timespec *ts)
{
	if (clock_gettime(CLOCK_MONOTONIC, ts) == 0)
		return 0;
	memset(ts, 0, sizeof(*ts));
	return -errno;
}

double igt_time_elapsed(struct timespec *then, struct timespec *now)
{
	if (!(then->tv_sec || then->tv_nsec) || !(now->tv_sec || now->tv_nsec))
		return -1.0;
	return (now->tv_sec - then->tv_sec) + (now->tv_nsec - then->tv_nsec) / 1e9;
}

uint64_t igt_nsec_elapsed(struct timespec *start)
{
	struct timespec now;

	igt_gettime(&now);
	if (!start->tv_sec && !start->tv_nsec) {
		*start = now;
		return 0;
	}
	return (uint64_t)(now.tv_sec - start->tv_sec) * NSEC_PER_SEC + now.tv_nsec - start->tv_nsec;
}

static double seconds_since(struct timespec *start)
{
	struct timespec now;

	igt_gettime(&now);
	return igt_time_elapsed(start, &now);
}

void igt_vlog(const char *domain, enum igt_log_level level, const char *format, va_list args)
{
	static const char *const names[] = { "DEBUG", "INFO", "WARNING", "CRITICAL", "NONE" };
	bool continuation = log_midline;
	char *line;
	FILE *out = level >= IGT_LOG_WARN ? stderr : stdout;

	if ((list_subtests && level <= IGT_LOG_WARN) || vasprintf(&line, format, args) < 0)
		return;
	log_midline = line[0] && line[strlen(line) - 1] != '\n';
	if (level >= igt_log_level && level < IGT_LOG_NONE &&
	    (!log_domain || !strcmp(domain ?: "application", log_domain))) {
		/* All but plain info lines carry "(prog:pid) [domain-]LEVEL: ". */
		if (level != IGT_LOG_INFO && !continuation)
			fprintf(out, "(%s:%d) %s%s%s: ", command_str, getpid(),
				domain ?: "", domain ? "-" : "", names[level]);
		fputs(line, out);
		fflush(out);
	}
	free(line);
}

void igt_log(const char *domain, enum igt_log_level level, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	igt_vlog(domain, level, format, args);
	va_end(args);
}

void igt_kmsg(const char *format, ...)
{
	va_list args;
	FILE *f = fopen("/dev/kmsg", "w");

	if (!f)
		return;
	va_start(args, format);
	vfprintf(f, format, args);
	va_end(args);
	fclose(f);
}

/* Glob match of one pattern: '*', '?', '[set]' ('^' or '!' negates, ranges), '\'. */
static bool glob_match(const char *p, const char *pend, const char *s)
{
	for (; p < pend; p++, s++) {
		if (*p == '*') {
			for (;; s++) {
				if (glob_match(p + 1, pend, s))
					return true;
				if (!*s)
					return false;
			}
		}
		if (!*s)
			return false;
		if (*p == '[') {
			const char *q = p + 1;
			bool negate = *q == '^' || *q == '!', hit = false;

			q += negate;
			do {
				if (q[1] == '-' && q + 2 < pend && q[2] != ']') {
					hit |= *s >= q[0] && *s <= q[2];
					q += 3;
				} else {
					hit |= *s == *q++;
				}
			} while (q < pend && *q != ']');
			if (q >= pend || hit == negate)
				return false;
			p = q;
		} else if (*p == '\\' && p + 1 < pend) {
			if (*++p != *s)
				return false;
		} else if (*p != '?' && *p != *s) {
			return false;
		}
	}
	return !*s;
}

/*
 * A comma separated list of patterns, as upstream (RFC 3977 wildmat): a
 * leading '!' negates a pattern and the last pattern that matches decides.
 */
static bool name_matches(const char *name, const char *list)
{
	bool result = false;

	while (*list) {
		const char *end = strchrnul(list, ',');
		bool negate = *list == '!';

		if (glob_match(list + negate, end, name))
			result = !negate;
		list = *end ? end + 1 : end;
	}
	return result;
}

/* As upstream, (dynamic) subtest names may only use [A-Za-z0-9_-]. */
static void check_name(const char *name)
{
	bool ok = *name;

	for (const char *c = name; *c; c++)
		ok &= *c == '-' || *c == '_' || isalnum((unsigned char)*c);
	if (!ok) {
		igt_critical("Invalid subtest name \"%s\".\n", name);
		igt_exit();
	}
}

bool igt_only_list_subtests(void) { return list_subtests; }
bool igt_can_fail(void) { return !with_subtests || in_fixture || in_subtest; }
const char *igt_test_name(void) { return command_str; }
const char *igt_subtest_name(void) { return in_subtest ? subtest_name : NULL; }
const char *igt_dynamic_subtest_name(void) { return in_dynamic ? dynamic_name : NULL; }
/* Descriptions only feed upstream's documentation tooling. */
void igt_describe_f(const char *fmt, ...) { (void)fmt; }
int __igt_group_save(void) { return henceforth; }
void __igt_group_restore(int saved) { henceforth = saved; }
void __igt_fixture_leave(void) { in_fixture = false; }

bool __igt_fixture_enter(void)
{
	if (in_fixture || in_subtest || !with_subtests)
		internal_error("igt_fixture must be used directly in igt_main or a subtest group");
	in_fixture = !list_subtests && henceforth == RUN_ALL;
	return in_fixture;
}

static void result_line(const char *kind, const char *name, const char *result, double secs)
{
	printf("%s %s: %s (%.3fs)\n", kind, name, result, secs);
	fflush(stdout);
}

bool __igt_subtest_enter(const char *name)
{
	if (in_subtest || in_fixture)
		internal_error("igt_subtest must not be nested in a fixture or subtest");
	check_name(name);
	if (run_pattern) {
		if (!name_matches(name, run_pattern))
			return false;
		run_pattern_matched = true;
	}
	if (list_subtests) {
		printf("%s\n", name);
		return false;
	}
	if (henceforth != RUN_ALL) {
		/* An earlier fixture skipped or failed: report without running. */
		result_line("Subtest", name, henceforth == SKIP_REST ? "SKIP" : "FAIL", 0.0);
		return false;
	}
	snprintf(subtest_name, sizeof(subtest_name), "%s", name);
	igt_kmsg(KMSG_INFO "%s: starting subtest %s\n", command_str, name);
	igt_info("Starting subtest: %s\n", name);
	igt_gettime(&subtest_start);
	return in_subtest = true;
}

bool __igt_container_enter(const char *name)
{
	if (!__igt_subtest_enter(name))
		return false;
	dynamic_failed = false;
	dynamic_count = 0;
	return true;
}

bool __igt_dynamic_enter(const char *name)
{
	if (!in_subtest || dynamic_count < 0 || in_dynamic)
		internal_error("igt_dynamic must be directly inside igt_subtest_with_dynamic");
	check_name(name);
	if (dynamic_pattern && !name_matches(name, dynamic_pattern))
		return false;
	snprintf(dynamic_name, sizeof(dynamic_name), "%s", name);
	igt_kmsg(KMSG_INFO "%s: starting dynamic subtest %s\n", command_str, name);
	igt_info("Starting dynamic subtest: %s\n", name);
	igt_gettime(&dynamic_start);
	dynamic_count++;
	return in_dynamic = true;
}

static void reap_children(void)
{
	igt_kill_children(SIGKILL);
	while (num_children > 0)
		waitpid(children[--num_children], NULL, 0);
}

/* Report the current (dynamic) subtest and jump back to its entry. */
__noreturn static void leave_subtest(const char *result)
{
	bool dyn = in_dynamic;
	const char *name = dyn ? dynamic_name : subtest_name;

	result_line(dyn ? "Dynamic subtest" : "Subtest", name, result,
		    seconds_since(dyn ? &dynamic_start : &subtest_start));
	igt_kmsg(KMSG_INFO "%s: finished %s %s, %s\n", command_str,
		 dyn ? "dynamic subtest" : "subtest", name, result);
	reap_children();	/* left behind by a failure */
	if (dyn) {
		in_dynamic = false;
		siglongjmp(igt_dynamic_jmpbuf, 1);
	}
	in_subtest = false;
	dynamic_count = -1;
	siglongjmp(igt_subtest_jmpbuf, 1);
}

/* A fixture failed or skipped: the following subtests only get reported. */
__noreturn static void leave_fixture(int result)
{
	if (!in_fixture)
		internal_error("a test result outside of a fixture or subtest");
	henceforth = result;
	in_fixture = false;
	siglongjmp(igt_subtest_jmpbuf, 1);
}

void igt_success(void)
{
	if (test_child)
		exit(IGT_EXIT_SUCCESS);	/* ends just this forked child */
	if (in_subtest && !in_dynamic && dynamic_count >= 0) {
		/* End of a dynamic container: its result follows its children. */
		if (dynamic_failed)
			igt_fail(IGT_EXIT_FAILURE);
		if (dynamic_count == 0)
			igt_skip("No dynamic tests executed.\n");
	}
	if (!in_dynamic)
		succeeded_one = true;
	if (in_subtest)
		leave_subtest("SUCCESS");
}

void igt_skip(const char *f, ...)
{
	va_list args;

	if (test_child) {
		fprintf(stderr, "a skip in a forked child is not allowed, failing instead\n");
		exit(IGT_EXIT_FAILURE);
	}
	skipped_one = true;
	if (!list_subtests) {
		va_start(args, f);
		vprintf(f, args);
		va_end(args);
		fflush(stdout);
	}
	if (in_dynamic)
		dynamic_count--;	/* a skipped dynamic subtest does not count */
	if (in_subtest)
		leave_subtest("SKIP");
	if (with_subtests)
		leave_fixture(SKIP_REST);
	exitcode = IGT_EXIT_SKIP;
	igt_exit();
}

void __igt_skip_check(const char *file, int line, const char *func,
		      const char *check, const char *f, ...)
{
	int err = errno;
	char *msg = NULL, errstr[160] = "";
	va_list args;

	if (err)
		snprintf(errstr, sizeof(errstr), "Last errno: %i, %s\n", err, strerror(err));
	if (f) {
		va_start(args, f);
		if (vasprintf(&msg, f, args) < 0)
			msg = NULL;
		va_end(args);
	}
	igt_skip("Test requirement not met in function %s, file %s:%i:\n"
		 "Test requirement: %s\n%s%s", func, file, line, check, msg ?: "", errstr);
}

void igt_fail(int code)
{
	if (code == IGT_EXIT_SUCCESS || code == IGT_EXIT_SKIP)
		internal_error("a failure needs a failure exit code");
	if (in_dynamic) {
		dynamic_failed = true;
	} else {
		if (!failed_one)
			exitcode = code;
		failed_one = true;
	}
	if (test_child)
		exit(code);
	if (in_subtest)
		leave_subtest("FAIL");
	if (with_subtests)
		leave_fixture(FAIL_REST);
	igt_exit();
}

void __igt_fail_assert(const char *domain, const char *file, int line,
		       const char *func, const char *assertion, const char *f, ...)
{
	int err = errno;
	va_list args;

	igt_log(domain, IGT_LOG_CRITICAL, "Test assertion failure function %s, file %s:%i:\n",
		func, file, line);
	igt_log(domain, IGT_LOG_CRITICAL, "Failed assertion: %s\n", assertion);
	if (err)
		igt_log(domain, IGT_LOG_CRITICAL, "Last errno: %i, %s\n", err, strerror(err));
	if (f) {
		va_start(args, f);
		igt_vlog(domain, IGT_LOG_CRITICAL, f, args);
		va_end(args);
	}
	igt_fail(IGT_EXIT_FAILURE);
}

void igt_exit(void)
{
	if (run_pattern && !run_pattern_matched) {
		igt_critical("Unknown subtest: %s\n", run_pattern);
		exit(IGT_EXIT_INVALID);
	}
	if (list_subtests)
		exit(IGT_EXIT_SUCCESS);
	if (with_subtests && !failed_one)
		exitcode = succeeded_one ? IGT_EXIT_SUCCESS : IGT_EXIT_SKIP;
	reap_children();
	if (!with_subtests)
		printf("%s (%.3fs)\n", exitcode == IGT_EXIT_SUCCESS ? "SUCCESS" :
		       exitcode == IGT_EXIT_SKIP ? "SKIP" : "FAIL", seconds_since(&test_start));
	igt_kmsg(KMSG_INFO "%s: exiting, ret=%d\n", command_str, exitcode);
	igt_debug("Exiting with status code %d\n", exitcode);
	exit(exitcode);
}

bool __igt_fork_child(void)
{
	pid_t pid;

	if ((with_subtests && !in_subtest) || test_child)
		internal_error("fork only in a subtest or simple test, not in a child");
	if (num_children == children_cap) {
		pid_t *bigger = realloc(children, 2 * (children_cap + 4) * sizeof(*children));

		igt_assert(bigger);
		children = bigger;
		children_cap = 2 * (children_cap + 4);
	}
	fflush(NULL);	/* do not let the child repeat buffered output */
	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		test_child = true;
		num_children = 0;
		num_exit_handlers = 0;
		return true;
	}
	children[num_children++] = pid;
	return false;
}

void igt_kill_children(int signal)
{
	for (int i = 0; i < num_children; i++)
		kill(children[i], signal);
}

void igt_waitchildren(void)
{
	int err = 0, left = num_children;

	if (test_child)
		internal_error("waiting for children from a forked child");
	while (left > 0) {
		int status, c;
		pid_t pid = wait(&status);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0) {
			printf("wait(num_children:%d) failed with %m\n", left);
			err = IGT_EXIT_FAILURE;
			break;
		}
		for (c = 0; c < num_children && children[c] != pid; c++)
			;
		if (c == num_children)
			continue;	/* not one of ours */
		left--;
		if (err || status == 0)
			continue;
		/* The first failing child decides; the others are stopped. */
		if (WIFEXITED(status)) {
			printf("child %i failed with exit status %i\n", c, WEXITSTATUS(status));
			err = WEXITSTATUS(status);
		} else {
			printf("child %i died with signal %i, %s\n", c, WTERMSIG(status),
			       strsignal(WTERMSIG(status)));
			err = 128 + WTERMSIG(status);
		}
		igt_kill_children(SIGKILL);
	}
	num_children = 0;
	if (err)
		igt_fail(err);
}

void igt_install_exit_handler(igt_exit_handler_t fn)
{
	for (int i = 0; i < num_exit_handlers; i++)
		if (exit_handlers[i] == fn)
			return;
	igt_assert(num_exit_handlers < (int)ARRAY_SIZE(exit_handlers));
	exit_handlers[num_exit_handlers++] = fn;
}

static void call_exit_handlers(int sig)
{
	while (num_exit_handlers > 0)
		exit_handlers[--num_exit_handlers](sig);
}

static void atexit_handler(void)
{
	call_exit_handlers(0);
}

/* Signals that end the test; the named ones are reported on stderr. */
static const struct {
	int sig;
	const char *name;
} fatal_signals[] = {
	{ SIGINT, NULL }, { SIGHUP, NULL }, { SIGPIPE, NULL }, { SIGTERM, NULL },
	{ SIGQUIT, "SIGQUIT" }, { SIGABRT, "SIGABRT" }, { SIGSEGV, "SIGSEGV" },
	{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" }, { SIGILL, "SIGILL" },
};

static void fatal_signal(int sig)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(fatal_signals); i++) {
		char msg[64];

		if (fatal_signals[i].sig == sig && fatal_signals[i].name) {
			snprintf(msg, sizeof(msg), "Received signal %s.\n", fatal_signals[i].name);
			if (write(STDERR_FILENO, msg, strlen(msg)) < 0)
				break;
		}
	}
	/* As upstream: a subtest that crashes is reported and the test goes on. */
	if ((sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL) &&
	    in_subtest && !test_child) {
		if (!failed_one)
			exitcode = 128 + sig;
		failed_one = true;
		leave_subtest("CRASH");
	}
	call_exit_handlers(sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void print_usage(FILE *f, const char *help_str)
{
	fprintf(f, "Usage: %s [OPTIONS]\n  --list-subtests\n  --run-subtest <pattern>\n"
		"  --dynamic-subtest <pattern>\n  --debug[=log-domain]\n"
		"  --help-description\n  --help|-h\n%s%s", command_str,
		help_str ?: "", help_str ? "\n" : "");
}

static void common_init(int *argc, char **argv, const char *extra_short_opts,
			const struct option *extra_long_opts, const char *help_str,
			igt_opt_handler_t extra_opt_handler, void *handler_data)
{
	enum { OPT_LIST = 500, OPT_RUN, OPT_RUN_DYNAMIC, OPT_DEBUG, OPT_DESCRIPTION };
	static const struct option std_opts[] = {
		{ "list-subtests", no_argument, NULL, OPT_LIST },
		{ "run-subtest", required_argument, NULL, OPT_RUN },
		{ "dynamic-subtest", required_argument, NULL, OPT_RUN_DYNAMIC },
		{ "debug", optional_argument, NULL, OPT_DEBUG },
		{ "help-description", no_argument, NULL, OPT_DESCRIPTION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	size_t n_extra = 0;
	struct option *opts;
	char *short_opts;
	const char *env = getenv("IGT_LOG_LEVEL");
	struct utsname uts;
	unsigned int seed;
	int c, idx, ret = 0;

	/* Results are read from pipes and serial consoles: keep them prompt. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IOLBF, 0);
	command_str = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (env)
		igt_log_level = !strcmp(env, "debug") ? IGT_LOG_DEBUG : !strcmp(env, "warn") ?
				IGT_LOG_WARN : !strcmp(env, "none") ? IGT_LOG_NONE : IGT_LOG_INFO;

	while (extra_long_opts && extra_long_opts[n_extra].name)
		n_extra++;
	opts = calloc(n_extra + ARRAY_SIZE(std_opts), sizeof(*opts));
	if (!opts || asprintf(&short_opts, "%sh", extra_short_opts ?: "") < 0)
		internal_error("out of memory");
	if (n_extra)
		memcpy(opts, extra_long_opts, n_extra * sizeof(*opts));
	memcpy(opts + n_extra, std_opts, sizeof(std_opts));

	/* As upstream, listing wins over running when both are asked for. */
	while (!ret && (c = getopt_long(*argc, argv, short_opts, opts, &idx)) != -1) {
		switch (c) {
		case OPT_LIST:
			list_subtests = !run_pattern;
			break;
		case OPT_RUN:
		case OPT_RUN_DYNAMIC:
			if (!list_subtests)
				*(c == OPT_RUN ? &run_pattern : &dynamic_pattern) = strdup(optarg);
			break;
		case OPT_DEBUG:
			igt_log_level = IGT_LOG_DEBUG;
			log_domain = optarg && *optarg ? strdup(optarg) : NULL;
			break;
		case OPT_DESCRIPTION:
			if (&__igt_test_description && __igt_test_description)
				printf("%s\n", __igt_test_description);
			ret = -1;
			break;
		case 'h':
			print_usage(stdout, help_str);
			ret = -1;
			break;
		default:	/* '?' (unknown option) or one of the test's own */
			ret = c != '?' && extra_opt_handler ?
			      extra_opt_handler(c, idx, handler_data) : IGT_OPT_HANDLER_ERROR;
			if (ret == IGT_OPT_HANDLER_ERROR)
				print_usage(stderr, help_str);
		}
	}
	free(opts);
	free(short_opts);

	if (!with_subtests && run_pattern)
		igt_warn("Unknown subtest: %s\n", run_pattern);
	if (!with_subtests && (run_pattern || list_subtests))
		exit(IGT_EXIT_INVALID);
	if (ret < 0)
		exit(ret == -1 ? IGT_EXIT_SUCCESS : IGT_EXIT_INVALID);

	if (!list_subtests) {
		uname(&uts);
		igt_info("IGT-Version: osprey-igt-subset (%s) (%s: %s %s)\n",
			 uts.machine, uts.sysname, uts.release, uts.machine);
		env = getenv("IGT_SRANDOM");
		seed = env ? (unsigned int)atoi(env) : (unsigned int)time(NULL);
		srandom(seed);
		igt_info("Using IGT_SRANDOM=%d for randomisation\n", (int)seed);
		igt_kmsg(KMSG_INFO "%s: executing\n", command_str);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(fatal_signals); i++)
		signal(fatal_signals[i].sig, fatal_signal);
	atexit(atexit_handler);
	igt_gettime(&test_start);

	/* Leave only the non-option arguments, after argv[0]. */
	for (int i = 0; optind + i < *argc; i++)
		argv[i + 1] = argv[optind + i];
	*argc = *argc - optind + 1;
}

int igt_subtest_init_parse_opts(int *argc, char **argv, const char *extra_short_opts,
				const struct option *extra_long_opts, const char *help_str,
				igt_opt_handler_t extra_opt_handler, void *handler_data)
{
	with_subtests = true;
	common_init(argc, argv, extra_short_opts, extra_long_opts, help_str,
		    extra_opt_handler, handler_data);
	return 0;
}

void igt_simple_init_parse_opts(int *argc, char **argv, const char *extra_short_opts,
				const struct option *extra_long_opts, const char *help_str,
				igt_opt_handler_t extra_opt_handler, void *handler_data)
{
	common_init(argc, argv, extra_short_opts, extra_long_opts, help_str,
		    extra_opt_handler, handler_data);
}
