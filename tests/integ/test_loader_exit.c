/* test_loader_exit.c - exit statuses are API (rampart(1) EXIT STATUS):
 * 125 rampart failed, 126 cannot run or denied, 127 not found, else the
 * command's own status or signal, since rampart execs it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_loader.h"

static const char *const no_opts[] = { NULL };

Test(loader_exit, bad_policy_is_125)
{
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { NULL, "exit", "0", NULL };

	lt_setup(&e, "WriteablePath /tmp\n");
	args[0] = e.probe;
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect_eq(r.status, 125, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, e.policy) != NULL, "error names the file: %s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_exit, unknown_user_is_125)
{
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { NULL, "exit", "0", NULL };
	char text[PATH_MAX + 64];

	lt_setup(&e, NULL);
	snprintf(text, sizeof(text), "WritablePath %s\nUser no_such_user_rampart\n", e.wdir);
	lt_policy(&e, text);
	args[0] = e.probe;
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect_eq(r.status, 125, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "unknown user") != NULL, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"rampart\":\"startup\""), 0, "ran anyway: %s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_exit, missing_or_relative_shim_is_125)
{
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { NULL, "exit", "0", NULL };
	const char *missing[] = { "--shim", "/nonexistent/librampart.so", NULL };
	const char *relative[] = { "--shim", "build/librampart.so", NULL };

	lt_setup(&e, NULL);
	args[0] = e.probe;
	cr_assert_eq(lt_run(&e, missing, args, &r), 0);
	cr_expect_eq(r.status, 125, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "rampart: shim:") != NULL, "%s", r.err);
	rt_result_free(&r);
	cr_assert_eq(lt_run(&e, relative, args, &r), 0);
	cr_expect_eq(r.status, 125, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "absolute") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_exit, not_executable_or_denied_is_126)
{
	struct lt_env e;
	struct rt_result r;
	char plain[PATH_MAX + 16], forbidden[PATH_MAX + 16];
	const char *args[] = { plain, NULL };
	const char *denied[] = { "forbidden", "exit", "0", NULL };

	lt_need_landlock();
	lt_setup(&e, "DenyExec forbidden\n");
	snprintf(plain, sizeof(plain), "%s/plain", e.bin);
	snprintf(forbidden, sizeof(forbidden), "%s/forbidden", e.bin);
	lt_copy(e.probe, plain, 0644);
	lt_copy(e.probe, forbidden, 0755);
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect_eq(r.status, 126, "not executable: %d %s", r.status, r.err);
	rt_result_free(&r);
	/* found through PATH, then refused by the policy */
	cr_assert_eq(lt_run(&e, no_opts, denied, &r), 0);
	cr_expect_eq(r.status, 126, "denied: %d %s", r.status, r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_exit, not_found_is_127)
{
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { "no-such-command-rampart", NULL };
	char abs[PATH_MAX + 16];
	const char *abs_args[] = { abs, NULL };

	lt_setup(&e, NULL);
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect_eq(r.status, 127, "%d %s", r.status, r.err);
	rt_result_free(&r);
	snprintf(abs, sizeof(abs), "%s/missing", e.bin);
	cr_assert_eq(lt_run(&e, no_opts, abs_args, &r), 0);
	cr_expect_eq(r.status, 127, "%d %s", r.status, r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_exit, status_and_signal_pass_through_no_extra_process)
{
	struct lt_env e;
	struct rt_result r;
	const char *ex[] = { NULL, "exit", "42", NULL };
	const char *sig[] = { NULL, "signal", "15", NULL };
	const char *st[] = { NULL, "status", NULL };
	char v[64], want[32];

	lt_setup(&e, NULL);
	ex[0] = sig[0] = st[0] = e.probe;
	cr_assert_eq(lt_run(&e, no_opts, ex, &r), 0);
	cr_expect_eq(r.status, 42, "%d %s", r.status, r.err);
	rt_result_free(&r);
	cr_assert_eq(lt_run(&e, no_opts, sig, &r), 0);
	cr_expect_eq(r.status, 128 + 15, "%d %s", r.status, r.err);
	rt_result_free(&r);
	/* rt_run forks and execs rampart, which execs the command: the
	 * command's parent is this test process */
	cr_assert_eq(lt_run(&e, no_opts, st, &r), 0);
	snprintf(want, sizeof(want), "%d", (int)getpid());
	cr_expect_str_eq(lt_status_field(r.out, "PPid:", v, sizeof(v)), want);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_exit, audit_mode_blocks_nothing_and_says_so)
{
	struct lt_env e;
	struct rt_result r;
	char out[PATH_MAX + 16];
	const char *args[] = { NULL, "create", out, NULL };
	const char *audit[] = { "--audit", NULL };

	lt_setup(&e, NULL);
	cr_assert(chmod(e.dir, 0777) == 0);
	snprintf(out, sizeof(out), "%s/outside.txt", e.dir);
	args[0] = e.probe;
	cr_assert_eq(lt_run(&e, audit, args, &r), 0);
	cr_expect(lt_has(r.out, "create", "ok"), "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "\"mode\":\"audit\"") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "not applied (audit mode") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "\"action\":\"log\"") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}
