/* test_loader_privs.c - identity and capabilities in the cases around the
 * main one (test_loader_confine.c): Group without User, a numeric User
 * that /etc/passwd lacks, KeepCapability as root, a kept capability
 * rampart does not hold, rampart started as non-root, and a kernel without
 * Landlock (issue 5, steps 4 to 6, "Bad input"). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_loader.h"

static const char *const no_opts[] = { NULL };

/* Run the probe's "status" under `policy_extra` (after WritablePath),
 * replacing the default "User 1000". */
static void
status_under(struct lt_env *e, const char *policy_text, struct rt_result *r)
{
	char text[PATH_MAX + 256];
	const char *args[] = { e->probe, "status", NULL };

	snprintf(text, sizeof(text), "WritablePath %s\n%s", e->wdir, policy_text);
	lt_policy(e, text);
	cr_assert_eq(lt_run(e, no_opts, args, r), 0);
	cr_assert_eq(r->status, 0, "%d %s", r->status, r->err);
}

static void
expect_field(const char *status, const char *field, const char *want)
{
	char v[256];

	cr_expect_str_eq(lt_status_field(status, field, v, sizeof(v)), want, "%s", field);
}

Test(loader_privs, group_without_user_keeps_uid_switches_gid)
{
	struct lt_env e;
	struct rt_result r;

	lt_setup(&e, NULL);
	status_under(&e, "Group 1000\n", &r);
	expect_field(r.out, "Uid:", "0\t0\t0\t0");
	expect_field(r.out, "Gid:", "1000\t1000\t1000\t1000");
	expect_field(r.out, "Groups:", "");
	expect_field(r.out, "CapEff:", "0000000000000000");
	expect_field(r.out, "CapBnd:", "0000000000000000");
	cr_expect(strstr(r.err, "runs as root") != NULL, "no warning: %s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_privs, numeric_user_missing_from_passwd_gets_its_own_gid)
{
	struct lt_env e;
	struct rt_result r;

	lt_setup(&e, NULL);
	status_under(&e, "User 4242\n", &r);
	/* never root's group 0 */
	expect_field(r.out, "Uid:", "4242\t4242\t4242\t4242");
	expect_field(r.out, "Gid:", "4242\t4242\t4242\t4242");
	expect_field(r.out, "Groups:", "");
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_privs, keep_capability_as_root_without_user)
{
	struct lt_env e;
	struct rt_result r;

	lt_setup(&e, NULL);
	status_under(&e, "KeepCapability NET_BIND_SERVICE\n", &r);
	expect_field(r.out, "Uid:", "0\t0\t0\t0");
	expect_field(r.out, "CapPrm:", "0000000000000400");
	expect_field(r.out, "CapEff:", "0000000000000400");
	expect_field(r.out, "CapBnd:", "0000000000000400");
	expect_field(r.out, "CapInh:", "0000000000000400");
	expect_field(r.out, "NoNewPrivs:", "1");
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

static int
have_setpriv(void)
{
	return access("/usr/bin/setpriv", X_OK) == 0;
}

/* Started by a runtime that already dropped the capability (docker run
 * --cap-drop): a warning, and the app runs without it; before, capng_apply
 * failed with "error -5". */
Test(loader_privs, kept_capability_rampart_lacks_is_a_warning)
{
	struct lt_env e;
	struct rt_result r;
	const char *prefix[] = { "/usr/bin/setpriv", "--bounding-set=-net_bind_service", NULL };
	const char *args[] = { NULL, "status", NULL };

	if (!have_setpriv())
		cr_skip_test("setpriv (util-linux) missing");
	lt_setup(&e, "KeepCapability NET_BIND_SERVICE CHOWN\n");
	args[0] = e.probe;
	cr_assert_eq(lt_run_ex(&e, prefix, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "cannot keep CAP_NET_BIND_SERVICE") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "\"caps_kept\":[\"CAP_CHOWN\"]") != NULL, "%s", r.err);
	expect_field(r.out, "CapEff:", "0000000000000001");
	expect_field(r.out, "Uid:", "1000\t1000\t1000\t1000");
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_privs, started_as_non_root_still_confines_and_says_what_it_could_not)
{
	struct lt_env e;
	struct rt_result r;
	char out[PATH_MAX + 16];
	const char *prefix[] = { "/usr/bin/setpriv", "--reuid=1000", "--regid=1000",
				 "--clear-groups", NULL };
	const char *args[] = { NULL, "status", NULL };
	const char *create[] = { NULL, "create", out, NULL };

	if (!have_setpriv())
		cr_skip_test("setpriv (util-linux) missing");
	lt_need_landlock();
	char text[PATH_MAX + 128];

	lt_setup(&e, NULL);
	snprintf(text, sizeof(text), "WritablePath %s\nUser 2000\nKeepCapability NET_BIND_SERVICE\n",
		 e.wdir);
	lt_policy(&e, text);
	cr_assert(chmod(e.dir, 0777) == 0);
	args[0] = create[0] = e.probe;
	cr_assert_eq(lt_run_ex(&e, prefix, no_opts, args, NULL, &r), 0);
	cr_assert_eq(r.status, 0, "%d %s", r.status, r.err);
	expect_field(r.out, "Uid:", "1000\t1000\t1000\t1000");
	expect_field(r.out, "NoNewPrivs:", "1");
	expect_field(r.out, "Seccomp:", "2");
	expect_field(r.out, "CapEff:", "0000000000000000");
	expect_field(r.out, "CapAmb:", "0000000000000000");
	cr_expect(strstr(r.err, "cannot switch to user 2000") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "cannot keep CAP_NET_BIND_SERVICE") != NULL, "%s", r.err);
	/* the report says what the app holds, not what the policy asked */
	cr_expect(strstr(r.err, "\"caps_kept\":[]") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "\"state\":\"enforced\"") != NULL, "Landlock: %s", r.err);
	rt_result_free(&r);
	/* Landlock really holds: no file outside the writable dir */
	snprintf(out, sizeof(out), "%s/outside.txt", e.dir);
	cr_assert_eq(lt_run_ex(&e, prefix, no_opts, create, NULL, &r), 0);
	cr_expect(lt_has(r.out, "create", "EACCES"), "%s%s", r.out, r.err);
	cr_expect(!rt_exists(out));
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_privs, no_landlock_strict_refuses_best_effort_runs_and_says_so)
{
	struct lt_env e;
	struct rt_result r;
	const char *prefix[] = { rt_prog("ld_nolandlock"), NULL };
	const char *check[] = { "--check", NULL };
	const char *args[] = { NULL, "exit", "7", NULL };

	lt_setup(&e, NULL);
	args[0] = e.probe;
	cr_assert_eq(lt_run_ex(&e, prefix, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 125, "strict: %d %s", r.status, r.err);
	cr_expect(strstr(r.err, "rampart: landlock: unavailable") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "Hint:") != NULL, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"rampart\":\"startup\""), 0, "ran anyway: %s", r.err);
	rt_result_free(&r);
	/* --check says so, without failing: the kernel of a build host is
	 * not the one the image will run on */
	cr_assert_eq(lt_run_ex(&e, prefix, check, args, NULL, &r), 0);
	cr_expect_eq(r.status, 0, "--check: %d %s%s", r.status, r.out, r.err);
	cr_expect(strstr(r.out, "unavailable: the loader would refuse to run") != NULL, "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(e.dir);

	lt_setup(&e, "Landlock best-effort\n");
	args[0] = e.probe;
	cr_assert_eq(lt_run_ex(&e, prefix, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 7, "best-effort: %d %s", r.status, r.err);
	cr_expect(strstr(r.err, "kernel without Landlock") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "\"seccomp\":{\"state\":\"enforced\"") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* Started as root with an empty bounding set: execve gave rampart no
 * capability at all, which is docker run --user 0 --cap-drop ALL.  The
 * bounding set is set by setpriv before it execs rampart. */
static void
run_with_bounding(struct lt_env *e, const char *bounding, const char *const *opts,
		  struct rt_result *r)
{
	const char *prefix[] = { "/usr/bin/setpriv", "--clear-groups", bounding, NULL };
	const char *args[] = { e->probe, "status", NULL };

	cr_assert_eq(lt_run_ex(e, prefix, opts, args, NULL, r), 0);
}

Test(loader_privs, root_without_capabilities_runs_when_there_is_nothing_to_switch)
{
	struct lt_env e;
	struct rt_result r;
	char text[PATH_MAX + 64];

	if (!have_setpriv())
		cr_skip_test("setpriv (util-linux) missing");
	lt_setup(&e, NULL);
	snprintf(text, sizeof(text), "WritablePath %s\nUser 0\n", e.wdir);
	lt_policy(&e, text);
	run_with_bounding(&e, "--bounding-set=-all", no_opts, &r);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	expect_field(r.out, "Uid:", "0\t0\t0\t0");
	expect_field(r.out, "CapEff:", "0000000000000000");
	expect_field(r.out, "CapBnd:", "0000000000000000");
	expect_field(r.out, "NoNewPrivs:", "1");
	cr_expect(strstr(r.err, "bounding set not cleared") == NULL, "false warning: %s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_privs, root_without_setuid_refuses_names_the_capabilities_and_check_agrees)
{
	struct lt_env e;
	struct rt_result r;
	const char *check[] = { "--check", "--json", NULL };

	if (!have_setpriv())
		cr_skip_test("setpriv (util-linux) missing");
	lt_setup(&e, NULL);	/* User 1000 */
	run_with_bounding(&e, "--bounding-set=-all", no_opts, &r);
	cr_expect_eq(r.status, 125, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "CAP_SETUID") && strstr(r.err, "CAP_SETGID"), "%s", r.err);
	cr_expect(strstr(r.err, "--user 1000:1000") != NULL, "no way out named: %s", r.err);
	cr_expect(strstr(r.err, "cap_add SETUID, SETGID and SETPCAP") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "setgroups") == NULL, "bare system call error: %s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"rampart\":\"startup\""), 0, "ran anyway: %s", r.err);
	cr_expect(strstr(r.out, "Uid:") == NULL, "the command ran: %s", r.out);
	rt_result_free(&r);
	run_with_bounding(&e, "--bounding-set=-all", check, &r);
	cr_expect_eq(r.status, 125, "--check: %d %s%s", r.status, r.out, r.err);
	cr_expect(strstr(r.out, "\"errors\":[\"capabilities: switching to user 1000") != NULL,
		  "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* cap_add SETUID, SETGID without SETPCAP: the switch works, the bounding
 * set keeps the two; with no_new_privs they can never come back into the
 * permitted set, so the loader warns and runs (privs.c, warn_bounding). */
Test(loader_privs, root_without_setpcap_switches_and_warns_about_the_bounding_set)
{
	struct lt_env e;
	struct rt_result r;
	const char *check[] = { "--check", "--json", NULL };

	if (!have_setpriv())
		cr_skip_test("setpriv (util-linux) missing");
	lt_setup(&e, NULL);
	run_with_bounding(&e, "--bounding-set=-all,+setuid,+setgid", no_opts, &r);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	expect_field(r.out, "Uid:", "1000\t1000\t1000\t1000");
	expect_field(r.out, "CapPrm:", "0000000000000000");
	expect_field(r.out, "CapBnd:", "00000000000000c0");
	expect_field(r.out, "NoNewPrivs:", "1");
	cr_expect(strstr(r.err, "bounding set not cleared (no CAP_SETPCAP): it keeps CAP_SETGID, "
			 "CAP_SETUID") != NULL, "%s", r.err);
	rt_result_free(&r);
	run_with_bounding(&e, "--bounding-set=-all,+setuid,+setgid", check, &r);
	cr_expect_eq(r.status, 0, "--check: %d %s%s", r.status, r.out, r.err);
	cr_expect(strstr(r.out, "bounding set not cleared") != NULL, "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* docker run --user 1000:1000 --cap-drop ALL: CapBnd is already empty, so
 * there is nothing to warn about; with the default bounding set the
 * warning stays. */
Test(loader_privs, non_root_with_empty_bounding_set_has_no_bounding_warning)
{
	struct lt_env e;
	struct rt_result r;
	const char *prefix[] = { "/usr/bin/setpriv", "--reuid=1000", "--regid=1000",
				 "--clear-groups", "--bounding-set=-all", NULL };
	const char *args[] = { NULL, "status", NULL };

	if (!have_setpriv())
		cr_skip_test("setpriv (util-linux) missing");
	lt_setup(&e, NULL);
	args[0] = e.probe;
	cr_assert_eq(lt_run_ex(&e, prefix, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	expect_field(r.out, "CapBnd:", "0000000000000000");
	cr_expect(strstr(r.err, "bounding set not cleared") == NULL, "false warning: %s", r.err);
	rt_result_free(&r);
	prefix[4] = NULL;
	cr_assert_eq(lt_run_ex(&e, prefix, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "bounding set not cleared") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}
