/* test_fs_rootfd.c - the descriptors the shim holds on the writable roots
 * (shim/roots.h): one per root written beneath, at 900 or above, gone
 * after exec.  An app that closes every fd keeps its allowed writes and
 * its denials, one that dup2s another directory over them cannot write
 * into that one, and fork, vfork, posix_spawn and racing threads each see
 * the roots they should. */
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

Test(fs_rootfd, an_app_that_wrote_sees_its_own_descriptors_and_one_held_root)
{
	char w[4200], out[4200], policy[4200];
	const char *dir;
	char *argv[] = { (char *)rt_prog("fs_rootfd"), "fds", w, NULL };
	struct rt_result r;
	const char *p;
	int bare = -1, shim = -1;

	setup(w, out, policy, sizeof(w), &dir);
	cr_assert_eq(rt_run(argv, NULL, 30, &r), 0);
	if ((p = strstr(r.out, "fds ")) != NULL)	/* what the test runner passes on */
		bare = atoi(p + 4);
	rt_result_free(&r);
	cr_assert_eq(rt_run_shim(policy, argv, NULL, 30, &r), 0);
	if ((p = strstr(r.out, "fds ")) != NULL)
		shim = atoi(p + 4);
	cr_expect(bare >= 0 && shim == bare + 1, "bare %d, under the shim %d: %s %s", bare, shim,
		  r.out, r.err);
	rt_result_free(&r);
	rt_cleanup(dir);
}

/* CPython's test_pass_fds_redirected: a child lists what it was given,
 * and after its own write the root its shim holds (900: the parent's are
 * CLOEXEC) */
Test(fs_rootfd, a_python_child_sees_the_fds_it_was_passed_and_its_own_root)
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
		/* 0, 1, 2, the passed fd, the one os.listdir holds, the root */
		snprintf(want, sizeof(want), "[0, 1, 2, %d, %d, 900] %d\n", fd, fd + 1, fd);
		cr_expect_str_eq(r.out, want, "the child saw: %s (stderr %s)", r.out, r.err);
	}
	rt_result_free(&r);
	rt_cleanup(dir);
}

/* ---- the descriptors the shim holds (shim/roots.h, shim/fdguard.c) ----- */

/* Run fs_rootguard MODE under a policy with W writable; r->out holds its
 * lines.  OUT stays empty whatever the mode. */
static void
guard_run(const char *mode, char *w, char *out, struct rt_result *r, const char **dir)
{
	char policy[4200], f[4300];
	char *argv[] = { (char *)rt_prog("fs_rootguard"), (char *)mode, w, out, NULL };

	setup(w, out, policy, 4200, dir);
	cr_assert_eq(rt_run_shim(policy, argv, NULL, 30, r), 0);
	cr_expect_eq(r->status, 0, "%s: %s%s", mode, r->out, r->err);
	snprintf(f, sizeof(f), "%s/x", out);
	cr_expect(!rt_exists(f), "%s: a write landed outside the writable dir", mode);
}

static void
expect_line(const struct rt_result *r, const char *line)
{
	char want[128];

	snprintf(want, sizeof(want), "%s\n", line);
	cr_expect(strstr(r->out, want) != NULL, "no line '%s' in:\n%s%s", line, r->out, r->err);
}

#define GUARD_TEST(name, mode)                                                    \
	Test(fs_rootfd, name)                                                     \
	{                                                                         \
		char w[4200], out[4200];                                          \
		const char *dir;                                                  \
		struct rt_result r;                                               \
                                                                                  \
		guard_run(mode, w, out, &r, &dir);                                \
		expect_line(&r, "a ok");                                          \
		expect_line(&r, "b ok");                                          \
		expect_line(&r, "x error 13");                                    \
		rt_result_free(&r);                                               \
		rt_cleanup(dir);                                                  \
	}

GUARD_TEST(writes_stay_allowed_and_denied_after_close_range_of_every_fd, "close_range")
GUARD_TEST(writes_stay_allowed_and_denied_after_closefrom_3, "closefrom")
GUARD_TEST(writes_stay_allowed_and_denied_after_a_loop_closing_every_fd, "closeloop")

Test(fs_rootfd, dup2_onto_a_held_root_replaces_it_and_writes_stay_anchored)
{
	char w[4200], out[4200], f[4300];
	const char *dir;
	struct rt_result r;

	guard_run("dup2", w, out, &r, &dir);
	expect_line(&r, "dup2 1");	/* the app's dup2 did what it asked */
	expect_line(&r, "b ok");
	expect_line(&r, "x error 13");
	snprintf(f, sizeof(f), "%s/b", out);
	cr_expect(!rt_exists(f), "the write followed the dup2'ed directory");
	rt_result_free(&r);
	rt_cleanup(dir);
}

Test(fs_rootfd, a_fork_child_inherits_the_held_roots)
{
	char w[4200], out[4200];
	const char *dir;
	struct rt_result r;

	guard_run("fork", w, out, &r, &dir);
	expect_line(&r, "child ok");
	expect_line(&r, "b ok");
	expect_line(&r, "x error 13");
	rt_result_free(&r);
	rt_cleanup(dir);
}

/* after exec the roots are gone (CLOEXEC); the new image holds its own
 * again at its first write, and the parent keeps writing */
Test(fs_rootfd, a_vfork_exec_child_does_not_inherit_the_held_roots)
{
	char w[4200], out[4200];
	const char *dir;
	struct rt_result r;

	guard_run("vfork", w, out, &r, &dir);
	expect_line(&r, "held 0");
	expect_line(&r, "counted ok");
	expect_line(&r, "held 1");
	expect_line(&r, "child 0");
	expect_line(&r, "b ok");
	rt_result_free(&r);
	rt_cleanup(dir);
}

Test(fs_rootfd, a_posix_spawn_child_does_not_inherit_the_held_roots)
{
	char w[4200], out[4200];
	const char *dir;
	struct rt_result r;

	guard_run("spawn", w, out, &r, &dir);
	expect_line(&r, "held 0");
	expect_line(&r, "counted ok");
	expect_line(&r, "held 1");
	expect_line(&r, "b ok");
	rt_result_free(&r);
	rt_cleanup(dir);
}

Test(fs_rootfd, threads_racing_the_first_write_leave_one_held_root)
{
	char w[4200], out[4200], line[16];
	const char *dir;
	struct rt_result r;
	int i;

	guard_run("threads", w, out, &r, &dir);
	for (i = 0; i < 8; i++) {
		snprintf(line, sizeof(line), "t%d ok", i);
		expect_line(&r, line);
	}
	expect_line(&r, "held 1");	/* the losers closed their copies */
	expect_line(&r, "x error 13");
	rt_result_free(&r);
	rt_cleanup(dir);
}

Test(fs_rootfd, close_of_a_held_root_answers_ebadf_and_allowed_opens_keep_errno)
{
	char w[4200], out[4200];
	const char *dir;
	struct rt_result r;

	guard_run("errno", w, out, &r, &dir);
	expect_line(&r, "close -1 errno 9");
	expect_line(&r, "open ok errno 4242");
	expect_line(&r, "b ok");
	rt_result_free(&r);
	rt_cleanup(dir);
}

/* RLIMIT_NOFILE at or below 900: nothing can be held there, so each
 * decision opens its root (checked by device and inode) and closes it */
Test(fs_rootfd, under_a_descriptor_limit_below_900_writes_are_decided_per_call)
{
	char w[4200], out[4200], policy[4200], cmd[9000], f[4300];
	const char *dir;
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct rt_result r;

	setup(w, out, policy, sizeof(w), &dir);
	snprintf(cmd, sizeof(cmd), "ulimit -n 512 && exec '%s' count '%s' '%s' && exit 9",
		 rt_prog("fs_rootguard"), w, out);
	cr_assert_eq(rt_run_shim(policy, argv, NULL, 30, &r), 0);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(r.out, "held 0\ncounted ok\nheld 0\n", "%s", r.err);
	snprintf(f, sizeof(f), "%s/counted", w);
	cr_expect(rt_exists(f));
	rt_result_free(&r);
	rt_cleanup(dir);
}
