/* test_loader_env.c - what the command inherits from the loader: its
 * environment (the shim first in LD_PRELOAD, RAMPART_POLICY, no LD_AUDIT,
 * RAMPART_MODE only from --audit), no file descriptor above 2, no core
 * dumps, and the startup report (issue 5, steps 2, 3, 8 and "Startup
 * report").  The probe is static, so no shim in the command rewrites what
 * it prints. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "test_loader.h"

static const char *const no_opts[] = { NULL };

static void
expect_env(const struct lt_env *e, const char *out, int audit)
{
	char line[PATH_MAX + 64], want[PATH_MAX + 64];

	snprintf(want, sizeof(want), "env: RAMPART_POLICY=%s", e->policy);
	cr_expect_str_eq(lt_line(out, "env: RAMPART_POLICY=", line, sizeof(line)), want);
	snprintf(want, sizeof(want), "env: LD_PRELOAD=%s", rt_path("librampart.so"));
	cr_expect(lt_line(out, "env: LD_PRELOAD=", line, sizeof(line)) &&
		  strncmp(line, want, strlen(want)) == 0 &&
		  (line[strlen(want)] == '\0' || line[strlen(want)] == ':'),
		  "the shim is not first: %s", out);
	cr_expect(!lt_line(out, "env: LD_AUDIT=", line, sizeof(line)), "%s", out);
	if (audit)
		cr_expect_str_eq(lt_line(out, "env: RAMPART_MODE=", line, sizeof(line)),
				 "env: RAMPART_MODE=audit");
	else
		cr_expect(!lt_line(out, "env: RAMPART_MODE=", line, sizeof(line)),
			  "an inherited RAMPART_MODE survived: %s", out);
}

Test(loader_env, shim_first_ld_audit_gone_rampart_mode_only_from_audit)
{
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { NULL, "env", NULL };
	const char *env[] = { "LD_PRELOAD=/lib/x86_64-linux-gnu/libc.so.6",
			      "LD_AUDIT=/nonexistent/audit.so", "RAMPART_MODE=audit",
			      "RAMPART_POLICY=/nonexistent/policy", NULL };
	const char *audit[] = { "--audit", NULL };
	char line[PATH_MAX + 64];

	lt_setup(&e, NULL);
	args[0] = e.probe;
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, env, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	expect_env(&e, r.out, 0);
	/* the earlier LD_PRELOAD entry is kept, after the shim */
	cr_expect(lt_line(r.out, "env: LD_PRELOAD=", line, sizeof(line)) &&
		  strstr(line, ":/lib/x86_64-linux-gnu/libc.so.6") != NULL, "%s", r.out);
	rt_result_free(&r);
	cr_assert_eq(lt_run_ex(&e, NULL, audit, args, env, &r), 0);
	expect_env(&e, r.out, 1);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* An image that preloads the shim into rampart itself (ENV LD_PRELOAD, or
 * /etc/ld.so.preload): the shim inside the loader must not put back the
 * RAMPART_POLICY and RAMPART_MODE it started with when the loader execs
 * the command.  Before the fix the command ran with RAMPART_MODE=audit and
 * the other policy while the report said "enforce". */
Test(loader_env, a_shim_preloaded_into_rampart_changes_nothing)
{
	struct lt_env e;
	struct rt_result r;
	char other[PATH_MAX + 16], preload[PATH_MAX + 16], polenv[PATH_MAX + 32];
	const char *args[] = { NULL, "env", NULL };
	const char *env[] = { preload, polenv, "RAMPART_MODE=audit", NULL };

	lt_setup(&e, NULL);
	args[0] = e.probe;
	snprintf(other, sizeof(other), "%s/other.policy", e.dir);
	rt_write_file(other, "Mode audit\n");
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", rt_path("librampart.so"));
	snprintf(polenv, sizeof(polenv), "RAMPART_POLICY=%s", other);
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, env, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	expect_env(&e, r.out, 0);
	cr_expect(strstr(r.err, "\"mode\":\"enforce\"") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_env, inherited_fds_above_2_are_closed)
{
	struct lt_env e;
	struct rt_result r;
	char outside[PATH_MAX + 16];
	const char *args[] = { NULL, "fds", NULL };
	/* fds 5 (read-write) and 9 to a file outside the writable dirs,
	 * inheritable: Landlock would not govern them (landlock.7).  Opened
	 * by a shell in front of rampart, so the test runner's own fds stay
	 * as they are. */
	const char *prefix[] = { "/bin/sh", "-c", "exec 5<>\"$0\" 9<\"$0\"; exec \"$@\"",
				 outside, NULL };

	lt_setup(&e, NULL);
	args[0] = e.probe;
	snprintf(outside, sizeof(outside), "%s/outside.txt", e.dir);
	rt_write_file(outside, "secret\n");
	cr_assert_eq(lt_run_ex(&e, prefix, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	cr_expect_eq(rt_count_lines(r.out, "fd: "), 0, "fds survived: %s", r.out);
	rt_result_free(&r);
	/* the same shell line without rampart: the probe sees both */
	{
		const char *bare[] = { "/bin/sh", "-c", prefix[2], outside, e.probe, "fds", NULL };

		cr_assert_eq(rt_run((char *const *)bare, NULL, 20, &r), 0);
		cr_expect(strstr(r.out, "fd: 5 -> ") && strstr(r.out, "fd: 9 -> "),
			  "the test itself is wrong: %s", r.out);
		rt_result_free(&r);
	}
	rt_cleanup(e.dir);
}

Test(loader_env, no_core_dumps_unless_the_policy_allows_them)
{
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { NULL, "core", NULL };
	struct rlimit rl = { 4096 * 1024, 4096 * 1024 };
	char line[64];

	lt_setup(&e, NULL);
	args[0] = e.probe;
	/* a parent that allows cores: rampart must still set 0, hard too, so
	 * the app cannot raise it again */
	cr_assert(setrlimit(RLIMIT_CORE, &rl) == 0);
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect_str_eq(lt_line(r.out, "core:", line, sizeof(line)), "core: 0 0");
	cr_expect(strstr(r.err, "\"core_dumps\":false") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);

	lt_setup(&e, "CoreDumps yes\n");
	args[0] = e.probe;
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect_str_eq(lt_line(r.out, "core:", line, sizeof(line)), "core: 4194304 4194304");
	cr_expect(strstr(r.err, "\"core_dumps\":true") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_env, startup_report_is_one_json_line_with_every_field)
{
	struct lt_env e;
	struct rt_result r, py;
	char errfile[PATH_MAX + 16];
	const char *args[] = { NULL, "exit", "0", NULL };
	const char *py_argv[] = {
		"/usr/bin/python3", "-c",
		"import json, sys\n"
		"lines = [l for l in open(sys.argv[1]) if l.startswith('{\"rampart\":\"startup\"')]\n"
		"assert len(lines) == 1, lines\n"
		"r = json.loads(lines[0])\n"
		"for k in ('mode', 'uid', 'gid', 'user', 'caps_kept', 'no_new_privs', 'landlock',\n"
		"          'seccomp', 'core_dumps', 'shim', 'policy', 'command', 'warnings'):\n"
		"    assert k in r, k\n"
		"for k in ('abi', 'state', 'handled', 'rules', 'build_us'):\n"
		"    assert k in r['landlock'], k\n"
		"assert r['mode'] == 'enforce' and r['uid'] == 1000 and r['gid'] == 1000, r\n"
		"assert r['no_new_privs'] is True and r['caps_kept'] == [], r\n"
		"assert r['seccomp']['state'] == 'enforced' and r['seccomp']['rules'] > 50, r\n"
		"assert r['shim'].endswith('/librampart.so'), r\n"
		"assert r['landlock']['abi'] == 0 or r['landlock']['state'] == 'enforced', r\n"
		"assert r['landlock']['abi'] == 0 or 'write_file' in r['landlock']['handled'], r\n"
		"assert r['landlock']['abi'] == 0 or r['landlock']['build_us'] >= 0, r\n",
		errfile, NULL
	};

	if (access(py_argv[0], X_OK) != 0)
		cr_skip_test("python3 missing");
	lt_setup(&e, NULL);
	args[0] = e.probe;
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	snprintf(errfile, sizeof(errfile), "%s/stderr", e.dir);
	rt_write_file(errfile, r.err);
	cr_assert_eq(rt_run((char *const *)py_argv, NULL, 20, &py), 0);
	cr_expect_eq(py.status, 0, "report: %s\n%s", py.err, r.err);
	rt_result_free(&py);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}
