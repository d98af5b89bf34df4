/* test_loader_shimaccess.c - a shim or policy the app's user cannot read
 * must stop the loader (125), not let ld.so skip the preload ("cannot be
 * preloaded ... ignored") and run the app without the shim. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "testlib.h"

Test(loader_shimaccess, unreadable_shim_or_policy_is_fatal)
{
	const char *dir;
	char priv[4200], shim[4300], policy[4200], w[4200], text[4400], cmd[9000];
	char *argv[] = { (char *)rt_path("rampart"), "--shim", shim, "--policy", policy, "--",
			 "/bin/true", NULL };
	struct rt_result r;

	if (!rt_is_root())
		cr_skip_test("needs root (the policy switches to User 1000)");
	dir = rt_tmpdir();
	snprintf(priv, sizeof(priv), "%s/private", dir);
	snprintf(shim, sizeof(shim), "%s/librampart.so", priv);
	snprintf(w, sizeof(w), "%s/w", dir);
	snprintf(policy, sizeof(policy), "%s/policy", dir);
	mkdir(priv, 0700);
	mkdir(w, 0777);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", rt_path("librampart.so"), shim);
	cr_assert_eq(system(cmd), 0);
	snprintf(text, sizeof(text), "WritablePath %s\nUser 1000\nGroup 1000\n", w);
	rt_write_file(policy, text);

	/* shim in a directory uid 1000 cannot enter */
	cr_assert_eq(rt_run(argv, NULL, 30, &r), 0);
	cr_expect_eq(r.status, 125, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "not readable by uid 1000") != NULL, "%s", r.err);
	rt_result_free(&r);

	/* readable shim, policy readable only by root */
	chmod(priv, 0755);
	chmod(policy, 0600);
	cr_assert_eq(rt_run(argv, NULL, 30, &r), 0);
	cr_expect_eq(r.status, 125, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "policy") != NULL, "%s", r.err);
	rt_result_free(&r);

	/* both readable: runs */
	chmod(policy, 0644);
	cr_assert_eq(rt_run(argv, NULL, 30, &r), 0);
	cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
	rt_result_free(&r);
	rt_cleanup(dir);
}

/* A shim beneath a writable dir could be replaced by the app, and every
 * process it starts would preload the replacement: the run refuses it
 * (125) before applying anything, --check says it would, and the policy
 * in audit mode only warns. */
Test(loader_shimaccess, shim_beneath_a_writable_dir_is_refused)
{
	const char *dir;
	char shim[4300], policy[4200], w[4200], text[9000], cmd[9000];
	char *run_argv[] = { (char *)rt_path("rampart"), "--shim", shim, "--policy", policy, "--",
			     "/bin/true", NULL };
	char *check_argv[] = { (char *)rt_path("rampart"), "--check", "--shim", shim, "--policy",
			       policy, "--", "/bin/true", NULL };
	struct rt_result r;

	dir = rt_tmpdir();
	snprintf(w, sizeof(w), "%s/w", dir);
	snprintf(shim, sizeof(shim), "%s/librampart.so", w);
	snprintf(policy, sizeof(policy), "%s/policy", dir);
	mkdir(w, 0777);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", rt_path("librampart.so"), shim);
	cr_assert_eq(system(cmd), 0);
	snprintf(text, sizeof(text), "WritablePath %s\n", w);
	rt_write_file(policy, text);

	cr_assert_eq(rt_run(run_argv, NULL, 30, &r), 0);
	cr_expect_eq(r.status, 125, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "is beneath the writable dir") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "\"rampart\":\"startup\"") == NULL, "it ran: %s", r.err);
	rt_result_free(&r);

	cr_assert_eq(rt_run(check_argv, NULL, 30, &r), 0);
	cr_expect_neq(r.status, 0, "--check: status %d: %s %s", r.status, r.out, r.err);
	cr_expect(strstr(r.out, "is beneath the writable dir") != NULL ||
		  strstr(r.err, "is beneath the writable dir") != NULL, "%s %s", r.out, r.err);
	rt_result_free(&r);

	/* an ExecWritablePath is writable too: the app could replace it */
	snprintf(text, sizeof(text), "WritablePath %s\nExecWritablePath %s\n", w, w);
	rt_write_file(policy, text);
	cr_assert_eq(rt_run(run_argv, NULL, 30, &r), 0);
	cr_expect_eq(r.status, 125, "ExecWritablePath: status %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "is beneath the writable dir") != NULL, "%s", r.err);
	rt_result_free(&r);

	snprintf(text, sizeof(text), "WritablePath %s\nMode audit\n", w);
	rt_write_file(policy, text);
	cr_assert_eq(rt_run(run_argv, NULL, 30, &r), 0);
	cr_expect_eq(r.status, 0, "audit: status %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "\"warnings\":[") != NULL &&
		  strstr(r.err, "is beneath the writable dir") != NULL,
		  "audit: the startup report does not warn: %s", r.err);
	rt_result_free(&r);
	rt_cleanup(dir);
}
