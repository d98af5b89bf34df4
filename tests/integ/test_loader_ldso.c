/* test_loader_ldso.c - a DenyExec pattern that names the dynamic loader
 * ("ld.*" matches Debian's /usr/bin/ld.so) must not make the kernel layer
 * withhold the loader itself: every dynamic program would fail to start.
 * Running ld.so directly stays denied. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "testlib.h"

Test(loader_ldso, denying_ld_star_keeps_dynamic_programs_running)
{
	const char *dir = rt_tmpdir();
	char policy[4200], w[4200];
	struct rt_result r;
	char *run_true[] = { (char *)rt_path("rampart"), "--policy", policy, "--", "/bin/true", NULL };
	char *run_ldso[] = { (char *)rt_path("rampart"), "--policy", policy, "--",
			     "/lib64/ld-linux-x86-64.so.2", "/bin/true", NULL };
	char text[4400];
	struct stat st;

	if (stat("/usr/bin/ld.so", &st) != 0)
		cr_skip_test("no /usr/bin/ld.so on this system");
	snprintf(w, sizeof(w), "%s/w", dir);
	mkdir(w, 0755);
	snprintf(policy, sizeof(policy), "%s/policy", dir);
	snprintf(text, sizeof(text), "WritablePath %s\nDenyExec ld ld.*\n", w);
	rt_write_file(policy, text);

	cr_assert_eq(rt_run(run_true, NULL, 30, &r), 0);
	cr_expect_eq(r.status, 0, "/bin/true under 'DenyExec ld.*': status %d\n%s", r.status, r.err);
	cr_expect(strstr(r.err, "\"state\":\"enforced\"") || strstr(r.err, "Landlock"),
		  "no Landlock state in the report: %s", r.err);
	rt_result_free(&r);

	cr_assert_eq(rt_run(run_ldso, NULL, 30, &r), 0);
	cr_expect_eq(r.status, 126, "ld.so run directly: status %d\n%s", r.status, r.err);
	rt_result_free(&r);
	rt_cleanup(dir);
}
