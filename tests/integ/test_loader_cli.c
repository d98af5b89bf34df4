/* test_loader_cli.c - the fixed command line and the exit statuses, end to
 * end: `rampart [--policy FILE] [--audit] [--] CMD [ARG...]` as an
 * ENTRYPOINT [..., "--"] with the image's CMD appended, statuses and
 * signals of the command passed through (like tini, a sample of all 256),
 * and `--check`, which applies nothing (rampart(1), EXIT STATUS). */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_loader.h"

static const char *const no_opts[] = { NULL };

Test(loader_cli, options_after_dashdash_belong_to_cmd)
{
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { NULL, "args", "--audit", "--policy", "/nonexistent", "--", NULL };

	lt_setup(&e, NULL);
	args[0] = e.probe;
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	cr_expect(lt_has(r.out, "arg", "--audit") && lt_has(r.out, "arg", "--policy") &&
		  lt_has(r.out, "arg", "/nonexistent") && lt_has(r.out, "arg", "--"),
		  "the command's arguments: %s", r.out);
	/* an --audit meant for the command does not switch rampart to audit */
	cr_expect(strstr(r.err, "\"mode\":\"enforce\"") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_cli, cmd_starting_with_a_dash)
{
	struct lt_env e;
	struct rt_result r;
	char dash[PATH_MAX + 16];
	const char *args[] = { "-dash", "exit", "3", NULL };
	const char *argv[] = { rt_path("rampart"), "--policy", NULL, "-dash", "exit", "3", NULL };

	lt_setup(&e, NULL);
	snprintf(dash, sizeof(dash), "%s/-dash", e.bin);
	lt_copy(e.probe, dash, 0755);
	/* after "--" it is the command, found through PATH */
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect_eq(r.status, 3, "%d %s", r.status, r.err);
	rt_result_free(&r);
	/* without "--" it is an unknown option: 125, nothing run */
	argv[2] = e.policy;
	cr_assert_eq(rt_run((char *const *)argv, NULL, 20, &r), 0);
	cr_expect_eq(r.status, 125, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "unknown option '-dash'") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_cli, every_sampled_exit_status_passes_through)
{
	static const int codes[] = { 0, 1, 2, 3, 42, 63, 64, 100, 124, 125, 126, 127,
				     128, 129, 143, 200, 254, 255 };
	struct lt_env e;
	struct rt_result r;
	char n[16];
	const char *args[] = { NULL, "exit", n, NULL };
	unsigned i;

	lt_setup(&e, NULL);
	args[0] = e.probe;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		snprintf(n, sizeof(n), "%d", codes[i]);
		cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
		cr_expect_eq(r.status, codes[i], "exit %d came back as %d: %s", codes[i],
			     r.status, r.err);
		rt_result_free(&r);
	}
	rt_cleanup(e.dir);
}

Test(loader_cli, signals_reach_the_parent_as_the_commands_own)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGKILL, SIGUSR1,
				    SIGSEGV, SIGTERM };
	struct lt_env e;
	struct rt_result r;
	char n[16];
	const char *args[] = { NULL, "signal", n, NULL };
	unsigned i;

	lt_setup(&e, NULL);
	args[0] = e.probe;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		snprintf(n, sizeof(n), "%d", sigs[i]);
		cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
		/* rt_run reports death by signal N as 128 + N */
		cr_expect_eq(r.status, 128 + sigs[i], "signal %d came back as %d: %s", sigs[i],
			     r.status, r.err);
		rt_result_free(&r);
	}
	rt_cleanup(e.dir);
}

static int
check_status(struct lt_env *e, const char *const *cmd, struct rt_result *r)
{
	const char *opts[] = { "--check", NULL };

	cr_assert_eq(lt_run(e, opts, cmd, r), 0);
	return r->status;
}

Test(loader_cli, check_runs_nothing_and_its_exit_codes_are_documented)
{
	struct lt_env e;
	struct rt_result r;
	char marker[PATH_MAX + 16], text[PATH_MAX + 64];
	const char *touch[] = { "/usr/bin/touch", marker, NULL };
	const char *denied[] = { "forbidden", NULL };
	const char *missing[] = { "no-such-command-rampart", NULL };
	const char *none[] = { NULL };

	lt_setup(&e, "DenyExec forbidden\n");
	snprintf(marker, sizeof(marker), "%s/ran", e.wdir);
	snprintf(text, sizeof(text), "%s/forbidden", e.bin);
	lt_copy(e.probe, text, 0755);

	cr_expect_eq(check_status(&e, touch, &r), 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "\"rampart\":\"plan\"") != NULL, "%s", r.out);
	cr_expect(!rt_exists(marker), "--check ran the command");
	rt_result_free(&r);
	cr_expect_eq(check_status(&e, denied, &r), 126, "%s%s", r.out, r.err);
	rt_result_free(&r);
	cr_expect_eq(check_status(&e, missing, &r), 127, "%s%s", r.out, r.err);
	rt_result_free(&r);
	cr_expect_eq(check_status(&e, none, &r), 0, "%s%s", r.out, r.err);
	rt_result_free(&r);

	/* what would stop `rampart CMD` stops --check too: 125 */
	snprintf(text, sizeof(text), "WritablePath %s\nUser no_such_user_rampart\n", e.wdir);
	lt_policy(&e, text);
	cr_expect_eq(check_status(&e, touch, &r), 125, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "unknown user") != NULL, "%s", r.err);
	cr_expect(strstr(r.out, "\"errors\":[\"user: unknown user") != NULL, "%s", r.out);
	/* this machine's accounts are not the image's: say what to do */
	cr_expect(strstr(r.err, "run --check inside the image") != NULL, "%s", r.err);
	rt_result_free(&r);
	snprintf(text, sizeof(text), "WritablePath %s\nUser 1000\nDenySyscall no_such_syscall\n",
		 e.wdir);
	lt_policy(&e, text);
	cr_expect_eq(check_status(&e, touch, &r), 125, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "no_such_syscall") != NULL, "%s", r.err);
	rt_result_free(&r);
	cr_expect(!rt_exists(marker), "--check ran the command");
	rt_cleanup(e.dir);
}

Test(loader_cli, check_json_prints_the_plan_and_the_decision)
{
	struct lt_env e;
	struct rt_result r, py;
	char out[PATH_MAX + 16];
	const char *opts[] = { "--check", "--json", NULL };
	const char *cmd[] = { "forbidden", NULL };
	const char *py_argv[] = {
		"/usr/bin/python3", "-c",
		"import json, sys\n"
		"lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]\n"
		"assert [l['rampart'] for l in lines] == ['plan', 'exec'], lines\n"
		"assert lines[1]['decision'] == 'denied', lines[1]\n"
		"assert lines[1]['pattern'] == 'forbidden', lines[1]\n"
		"assert lines[0]['errors'] == [], lines[0]\n",
		out, NULL
	};
	char forbidden[PATH_MAX + 16];

	if (access("/usr/bin/python3", X_OK) != 0)
		cr_skip_test("python3 missing");
	lt_setup(&e, "DenyExec forbidden\n");
	snprintf(forbidden, sizeof(forbidden), "%s/forbidden", e.bin);
	lt_copy(e.probe, forbidden, 0755);
	cr_assert_eq(lt_run(&e, opts, cmd, &r), 0);
	cr_expect_eq(r.status, 126, "%s%s", r.out, r.err);
	snprintf(out, sizeof(out), "%s/check.json", e.dir);
	rt_write_file(out, r.out);
	cr_assert_eq(rt_run((char *const *)py_argv, NULL, 20, &py), 0);
	cr_expect_eq(py.status, 0, "not the JSON expected: %s\n%s", py.err, r.out);
	rt_result_free(&py);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_cli, audit_runs_a_denied_command_and_the_report_says_so)
{
	struct lt_env e;
	struct rt_result r;
	char forbidden[PATH_MAX + 16];
	const char *audit[] = { "--audit", NULL };
	const char *args[] = { "forbidden", "exit", "4", NULL };

	lt_setup(&e, "DenyExec forbidden\n");
	snprintf(forbidden, sizeof(forbidden), "%s/forbidden", e.bin);
	lt_copy(e.probe, forbidden, 0755);
	cr_assert_eq(lt_run(&e, audit, args, &r), 0);
	cr_expect_eq(r.status, 4, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "audit: the command would be denied by DenyExec pattern "
			 "'forbidden'") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* A build host lacks the image's writable dirs: --check lints the policy
 * there, warns that the loader would refuse to run unless they exist in
 * the image, and still answers the decision for CMD; the run refuses. */
Test(loader_cli, check_on_a_host_without_the_writable_dirs_warns_and_decides)
{
	struct lt_env e;
	struct rt_result r;
	char text[3 * PATH_MAX + 256], marker[PATH_MAX + 16];
	const char *touch[] = { "/usr/bin/touch", marker, NULL };
	const char *denied[] = { "forbidden", NULL };

	lt_setup(&e, NULL);
	snprintf(marker, sizeof(marker), "%s/ran", e.wdir);
	snprintf(text, sizeof(text), "%s/forbidden", e.bin);
	lt_copy(e.probe, text, 0755);
	snprintf(text, sizeof(text),
		 "WritablePath %s\nWritablePath %s/app/uploads\nOptionalWritablePath %s/opt\n"
		 "User 1000\nDenyExec forbidden\n", e.wdir, e.dir, e.dir);
	lt_policy(&e, text);

	cr_expect_eq(check_status(&e, touch, &r), 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "app/uploads does not exist on this machine") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "the loader refuses to run unless it is a directory in the image")
		  != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "\"errors\":[]") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "/opt does not exist") == NULL, "optional dir warned: %s", r.out);
	cr_expect(strstr(r.out, "exec /usr/bin/touch: allowed") != NULL, "%s", r.out);
	cr_expect(strstr(r.err, "does not exist") == NULL, "a policy error: %s", r.err);
	rt_result_free(&r);
	cr_expect_eq(check_status(&e, denied, &r), 126, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "exec forbidden: denied") != NULL, "%s", r.out);
	rt_result_free(&r);

	/* where it is enforced, the missing dir stops the loader: FILE:LINE */
	cr_assert_eq(lt_run(&e, no_opts, touch, &r), 0);
	cr_expect_eq(r.status, 125, "%s", r.err);
	cr_expect(strstr(r.err, "policy:2: writable path does not exist") != NULL, "%s", r.err);
	cr_expect(!rt_exists(marker), "the command ran");
	rt_result_free(&r);
	rt_cleanup(e.dir);
}
