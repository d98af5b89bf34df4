/* test_seccomp_bpf.c - the program the loader writes for its seccomp
 * table answers every sampled call as libseccomp's program for the same
 * table does (tests/progs/sc_equiv.c runs both in a BPF interpreter).
 * The kernel-side behaviour of the installed filter is covered by
 * loader_seccomp.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"

Test(seccomp_bpf, same_answers_as_libseccomp, .timeout = 120)
{
	char *argv[] = { (char *)rt_prog("sc_equiv"), NULL };
	unsigned long cases = 0, mismatches = 1, fallbacks = 0;
	struct rt_result r;
	const char *line;

	if (!rt_exists(argv[0]))
		cr_skip_test("build/tests/progs/sc_equiv missing: run make test");
	cr_assert_eq(rt_run(argv, NULL, 100, &r), 0);
	cr_expect_eq(r.status, 0, "sc_equiv: %s", r.out);
	line = strstr(r.out, "cases ");
	cr_assert(line != NULL, "no summary line: %s", r.out);
	cr_assert_eq(sscanf(line, "cases %lu mismatches %lu fallbacks %lu", &cases, &mismatches,
			    &fallbacks), 3, "%s", line);
	cr_expect_eq(mismatches, 0, "%s", r.out);
	cr_expect_gt(cases, 1000000, "only %lu inputs compared", cases);
	/* 18 tables; those with two actions for one call go to libseccomp */
	cr_expect_lt(fallbacks, 18, "every table fell back to libseccomp: %s", r.out);
	rt_result_free(&r);
}
