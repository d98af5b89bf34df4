/* test_fs_rootfd.c - the shim's descriptors of the writable roots belong
 * to the app's fd table: an app that closes them must keep its allowed
 * writes, and one that puts another directory there must not be able to
 * write into it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "testlib.h"

static void
setup(char *w, char *out, char *policy, size_t n, const char **dir)
{
	char text[4400];

	*dir = rt_tmpdir();
	snprintf(w, n, "%s/w", *dir);
	snprintf(out, n, "%s/out", *dir);
	snprintf(policy, n, "%s/policy", *dir);
	mkdir(w, 0755);
	mkdir(out, 0755);
	snprintf(text, sizeof(text), "WritablePath %s\n", w);
	rt_write_file(policy, text);
}

Test(fs_rootfd, another_directory_dup2ed_over_a_root_fd_gains_nothing)
{
	char w[4200], out[4200], policy[4200], f[4300];
	const char *dir;
	char *argv[] = { (char *)rt_prog("fs_rootfd"), "dup2", w, out, NULL };
	struct rt_result r;

	setup(w, out, policy, sizeof(w), &dir);
	cr_assert_eq(rt_run_shim(policy, argv, NULL, 30, &r), 0);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strncmp(r.out, "ok", 2) == 0, "the allowed write failed: %s %s", r.out, r.err);
	snprintf(f, sizeof(f), "%s/b", out);
	cr_expect(!rt_exists(f), "the write landed in the dup2'ed directory %s", f);
	snprintf(f, sizeof(f), "%s/b", w);
	cr_expect(rt_exists(f), "the write did not land in the writable dir");
	rt_result_free(&r);
	rt_cleanup(dir);
}

Test(fs_rootfd, closing_every_fd_keeps_allowed_writes_working)
{
	char w[4200], out[4200], policy[4200], f[4300];
	const char *dir;
	char *argv[] = { (char *)rt_prog("fs_rootfd"), "closeall", w, NULL };
	struct rt_result r;

	setup(w, out, policy, sizeof(w), &dir);
	cr_assert_eq(rt_run_shim(policy, argv, NULL, 30, &r), 0);
	cr_expect(strncmp(r.out, "ok", 2) == 0, "allowed write after closing fds: %s %s",
		  r.out, r.err);
	snprintf(f, sizeof(f), "%s/c", w);
	cr_expect(rt_exists(f));
	rt_result_free(&r);
	rt_cleanup(dir);
}
