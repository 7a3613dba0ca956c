// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self-test of the project's IGT API subset (igt-tests/lib), written only
 * against the upstream IGT API so it builds against either library.  It
 * needs no GPU.  Some subtests fail on purpose; the project's harness runs
 * it and expects exactly:
 *
 *   pass       SUCCESS  (assertions that hold)
 *   fail       FAIL     (a deliberate igt_assert_eq failure)
 *   skip       SKIP     (igt_require(false))
 *   fork-fail  FAIL     (one of two forked children fails an assertion)
 *   dynamic    SUCCESS  (dynamic subtests "first" and "second", both SUCCESS)
 *
 * and exit code 98 (IGT_EXIT_FAILURE).
 */
#include "igt.h"

IGT_TEST_DESCRIPTION("Self-test of the IGT API subset: one subtest per kind of result.");

int igt_main()
{
	igt_fixture() {
		igt_require(true);
		igt_debug("fixture ran\n");
	}

	igt_describe("Assertions that hold must not fail the subtest.");
	igt_subtest("pass") {
		igt_assert(1 + 1 == 2);
		igt_assert_f(true, "never printed\n");
		igt_assert_eq(2 * 21, 42);
		igt_assert_neq(1, 2);
		igt_assert_lt(1, 2);
		igt_assert_lte(2, 2);
		igt_assert_eq_u32(0xffffffffu, 0xffffffffu);
		igt_assert_eq_s64(-(1ll << 40), -(1ll << 40));
		igt_assert_eq_u64(1ull << 40, 1ull << 40);
		igt_assert_neq_u64(1ull << 40, 1ull << 41);
		igt_assert_lt_u64(1, 1ull << 63);
		igt_assert_lte_u64(1ull << 63, 1ull << 63);
		igt_assert_fd(STDIN_FILENO);
		igt_fail_on(false);
		igt_fail_on_f(false, "never printed\n");
		igt_skip_on(false);
		igt_info("all assertions held\n");
	}

	igt_describe("A failing igt_assert_eq fails the subtest.");
	igt_subtest("fail")
		igt_assert_eq(1, 2);

	igt_describe("An unmet requirement skips the subtest.");
	igt_subtest("skip")
		igt_require(false);

	igt_describe("A forked child that fails makes igt_waitchildren fail the subtest.");
	igt_subtest("fork-fail") {
		igt_fork(child, 2)
			igt_assert_eq(child, 0);	/* child 1 fails */
		igt_waitchildren();
	}

	igt_describe("A subtest whose dynamic subtests all pass succeeds.");
	igt_subtest_with_dynamic("dynamic") {
		igt_dynamic("first")
			igt_assert(true);
		igt_dynamic_f("%s", "second")
			igt_assert_eq(3 % 2, 1);
	}
}
