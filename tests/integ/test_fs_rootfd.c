/* test_fs_rootfd.c - the shim keeps no descriptor in the app's fd table:
 * an app (or its child) that lists its descriptors sees only its own, one
 * that closes every fd keeps its allowed writes, and one that fills its
 * table with another directory cannot write into that one. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
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

Test(fs_rootfd, another_directory_dup2ed_over_every_free_fd_gains_nothing)
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

Test(fs_rootfd, the_app_sees_only_its_own_descriptors)
{
	char w[4200], out[4200], policy[4200], bare[256];
	const char *dir;
	char *argv[] = { (char *)rt_prog("fs_rootfd"), "fds", w, NULL };
	struct rt_result r;

	setup(w, out, policy, sizeof(w), &dir);
	cr_assert_eq(rt_run(argv, NULL, 30, &r), 0);
	snprintf(bare, sizeof(bare), "%s", r.out);	/* what the test runner passes on */
	rt_result_free(&r);
	cr_assert_eq(rt_run_shim(policy, argv, NULL, 30, &r), 0);
	cr_expect_str_eq(r.out, bare, "after writes, under the shim: %s %s", r.out, r.err);
	rt_result_free(&r);
	rt_cleanup(dir);
}

/* CPython's test_pass_fds_redirected: a child lists what it was given */
Test(fs_rootfd, a_python_child_sees_only_the_fds_it_was_passed)
{
	char w[4200], out[4200], policy[4200], script[4300], text[9000];
	const char *dir;
	char *argv[] = { "/usr/bin/python3", script, w, NULL };
	struct rt_result r;

	setup(w, out, policy, sizeof(w), &dir);
	snprintf(script, sizeof(script), "%s/child.py", dir);
	snprintf(text, sizeof(text), "%s",
		 "import os, subprocess, sys\n"
		 "w = sys.argv[1]\n"
		 "open(w + '/a', 'w').write('x')\n"
		 "r, wr = os.pipe()\n"
		 "child = ('import os, sys; open(sys.argv[1] + \"/b\", \"w\").close(); '\n"
		 "         'print(sorted(int(f) for f in os.listdir(\"/proc/self/fd\")))')\n"
		 "p = subprocess.run([sys.executable, '-c', child, w], pass_fds=[r],\n"
		 "                   capture_output=True, text=True)\n"
		 "sys.stderr.write(p.stderr)\n"
		 "print(p.stdout.strip(), r)\n");
	rt_write_file(script, text);
	cr_assert_eq(rt_run_shim(policy, argv, NULL, 60, &r), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	{
		int fd = -1;
		char want[64];
		const char *sp = strrchr(r.out, ' ');

		if (sp)
			fd = atoi(sp + 1);
		/* 0, 1, 2, the passed fd, and the one os.listdir holds */
		snprintf(want, sizeof(want), "[0, 1, 2, %d, %d] %d\n", fd, fd + 1, fd);
		cr_expect_str_eq(r.out, want, "the child saw: %s (stderr %s)", r.out, r.err);
	}
	rt_result_free(&r);
	rt_cleanup(dir);
}
