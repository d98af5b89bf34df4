/* test_exec_stickyenv.c - the sticky environment of a shim that was not
 * loaded through LD_PRELOAD (/etc/ld.so.preload, or `ld.so --preload`,
 * which leaves the environment alone in the same way): handing on an
 * environment that never had LD_PRELOAD is no tampering and logs nothing;
 * an LD_PRELOAD the app puts there still is, and is logged. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

#define LDSO "/lib64/ld-linux-x86-64.so.2"

static void
run_preloaded(const char *script, struct rt_result *r)
{
	const char *dir = rt_tmpdir();
	static char policy[4200], penv[4300];
	char *argv[] = { LDSO, "--preload", (char *)rt_path("librampart.so"), "/bin/sh", "-c",
			 (char *)script, NULL };
	char *env[] = { "PATH=/usr/bin:/bin", penv, NULL };

	if (access(LDSO, X_OK) != 0)
		cr_skip_test("no %s", LDSO);
	snprintf(policy, sizeof(policy), "%s/policy", dir);
	snprintf(penv, sizeof(penv), "RAMPART_POLICY=%s", policy);
	rt_write_file(policy, "Mode enforce\n");
	cr_assert_eq(rt_run(argv, env, 20, r), 0);
	rt_cleanup(dir);
}

Test(exec_stickyenv, shim_not_from_ld_preload_logs_no_repair_for_each_command)
{
	struct rt_result r;

	run_preloaded("/bin/true; /bin/true; env", &r);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"sticky-env\""), 0, "events: %s", r.err);
	/* the child still gets the shim named, for its own children */
	cr_expect(strstr(r.out, "LD_PRELOAD=") != NULL, "%s", r.out);
	rt_result_free(&r);
}

Test(exec_stickyenv, an_ld_preload_the_app_sets_is_still_repaired_and_logged)
{
	struct rt_result r;

	run_preloaded("LD_PRELOAD=/lib/x86_64-linux-gnu/libm.so.6 /bin/true", &r);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"detail\":\"LD_PRELOAD restored\""), 1, "events: %s",
		     r.err);
	rt_result_free(&r);
}
