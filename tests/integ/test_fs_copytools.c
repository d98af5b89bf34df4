/* test_fs_copytools.c - the real copy tools copy a tree that holds a 0755
 * script into a writable dir: each exits 0, the copy has the mode without
 * its exec bits, one event (decision "fixed", rule wx-mode) says so, and
 * the copy cannot be run (W^X). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

struct env {
	const char *dir;
	char src[1100], w[1100], policy[1100], tar[1100];
};

static void
setup(struct env *e)
{
	char p[1300], cmd[3000], text[1300];

	e->dir = rt_tmpdir();
	snprintf(e->src, sizeof(e->src), "%s/src", e->dir);
	snprintf(e->w, sizeof(e->w), "%s/w", e->dir);
	snprintf(e->policy, sizeof(e->policy), "%s/policy", e->dir);
	snprintf(e->tar, sizeof(e->tar), "%s/src.tar", e->dir);
	mkdir(e->src, 0755);
	mkdir(e->w, 0755);
	snprintf(p, sizeof(p), "%s/sub", e->src);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/run.sh", e->src);
	rt_write_file(p, "#!/bin/sh\necho ran\n");
	cr_assert_eq(chmod(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/sub/data", e->src);
	rt_write_file(p, "data\n");
	snprintf(cmd, sizeof(cmd), "tar -C '%s' -cf '%s' .", e->src, e->tar);
	cr_assert_eq(system(cmd), 0);
	snprintf(text, sizeof(text), "WritablePath %s\n", e->w);
	rt_write_file(e->policy, text);
}

/* Run argv under the shim; then check the copied script `script`. */
static void
copy_and_check(struct env *e, char *const argv[], const char *script, const char *sub)
{
	struct rt_result r;
	struct stat st;
	char p[1300];
	char *run[] = { "/bin/sh", "-c", p, NULL };

	cr_assert_eq(rt_run_shim(e->policy, argv, NULL, 60, &r), 0);
	cr_expect_eq(r.status, 0, "%s exited %d: %s", argv[0], r.status, r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"decision\":\"fixed\""), 1,
		     "%s: want one fixed event:\n%s", argv[0], r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"rule\":\"wx-mode\""), 1, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"decision\":\"deny\""), 0, "%s", r.err);
	rt_result_free(&r);
	cr_assert_eq(stat(script, &st), 0, "%s: no copy %s", argv[0], script);
	cr_expect_eq(st.st_mode & 07777, 0644, "%s: mode %o", argv[0], st.st_mode & 07777);
	if (sub) {
		cr_assert_eq(stat(sub, &st), 0, "%s: no %s", argv[0], sub);
		cr_expect_eq(st.st_mode & 07777, 0755, "%s: directory mode %o", argv[0],
			     st.st_mode & 07777);
	}
	/* the copy cannot run: no exec bit, and W^X would refuse it anyway */
	snprintf(p, sizeof(p), "'%s'", script);
	cr_assert_eq(rt_run_shim(e->policy, run, NULL, 30, &r), 0);
	cr_expect_eq(r.status, 126, "the copy ran: %d %s %s", r.status, r.out, r.err);
	cr_expect(strstr(r.out, "ran") == NULL);
	rt_result_free(&r);
}

Test(fs_copytools, python_shutil_copytree)
{
	struct env e;
	char code[3000], script[1300], sub[1300], dst[1200];
	char *argv[] = { "/usr/bin/python3", "-c", code, NULL };

	setup(&e);
	snprintf(dst, sizeof(dst), "%s/py", e.w);
	snprintf(code, sizeof(code), "import shutil; shutil.copytree(%s%s%s, %s%s%s)", "'", e.src,
		 "'", "'", dst, "'");
	snprintf(script, sizeof(script), "%s/run.sh", dst);
	snprintf(sub, sizeof(sub), "%s/sub", dst);
	copy_and_check(&e, argv, script, sub);
	rt_cleanup(e.dir);
}

Test(fs_copytools, cp_p)
{
	struct env e;
	char script[1300], sub[1300], dst[1200];
	char *argv[] = { "/bin/cp", "-rp", e.src, dst, NULL };

	setup(&e);
	snprintf(dst, sizeof(dst), "%s/cp", e.w);
	snprintf(script, sizeof(script), "%s/run.sh", dst);
	snprintf(sub, sizeof(sub), "%s/sub", dst);
	copy_and_check(&e, argv, script, sub);
	rt_cleanup(e.dir);
}

Test(fs_copytools, install_m_755)
{
	struct env e;
	char script[1300], src[1300];
	char *argv[] = { "/usr/bin/install", "-m", "755", src, script, NULL };

	setup(&e);
	snprintf(src, sizeof(src), "%s/run.sh", e.src);
	snprintf(script, sizeof(script), "%s/installed.sh", e.w);
	copy_and_check(&e, argv, script, NULL);
	rt_cleanup(e.dir);
}

Test(fs_copytools, tar_p_extraction)
{
	struct env e;
	char script[1300], sub[1300];
	char *argv[] = { "/bin/tar", "-C", e.w, "-xpf", e.tar, NULL };

	setup(&e);
	snprintf(script, sizeof(script), "%s/run.sh", e.w);
	snprintf(sub, sizeof(sub), "%s/sub", e.w);
	copy_and_check(&e, argv, script, sub);
	rt_cleanup(e.dir);
}

Test(fs_copytools, rsync_p)
{
	struct env e;
	char script[1300], sub[1300], dst[1200], src[1200];
	char *argv[] = { "rsync", "-rp", src, dst, NULL };

	if (access("/usr/bin/rsync", X_OK) != 0)
		cr_skip_test("rsync is not installed");
	setup(&e);
	argv[0] = "/usr/bin/rsync";
	snprintf(src, sizeof(src), "%s/", e.src);
	snprintf(dst, sizeof(dst), "%s/rs", e.w);
	snprintf(script, sizeof(script), "%s/run.sh", dst);
	snprintf(sub, sizeof(sub), "%s/sub", dst);
	copy_and_check(&e, argv, script, sub);
	rt_cleanup(e.dir);
}
