/* test_fs_review.c - regressions from an adversarial review of the file
 * enforcement.  Each test runs build/tests/progs/fs_review under the shim
 * and checks its answer and the disk: see fs_review.c for the attacks.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

static char T[4096], W[4200], O[4200], POL[4200];

static const char *
P(const char *fmt, const char *x)
{
	static char bufs[16][4400];
	static int n;
	char *b = bufs[n++ % 16];

	snprintf(b, 4400, fmt, x);
	return b;
}

static void
tree(void)
{
	char text[9000];

	snprintf(T, sizeof(T), "%s", rt_tmpdir());
	snprintf(W, sizeof(W), "%s/w", T);
	snprintf(O, sizeof(O), "%s/o", T);
	snprintf(POL, sizeof(POL), "%s/policy", T);
	cr_assert_eq(mkdir(W, 0755), 0);
	cr_assert_eq(mkdir(O, 0755), 0);
	cr_assert_eq(mkdir(P("%s/w/sub", T), 0755), 0);
	cr_assert_eq(mkdir(P("%s/w/exec", T), 0755), 0);
	rt_write_file(P("%s/o/pre", T), "keep\n");
	rt_write_file(P("%s/w/plain", T), "text\n");
	cr_assert_eq(chmod(P("%s/w/plain", T), 0644), 0);
	cr_assert_eq(symlink("../sub", P("%s/w/exec/up", T)), 0);
	cr_assert_eq(symlink("../plain", P("%s/w/exec/upfile", T)), 0);
	snprintf(text, sizeof(text), "WritablePath %s\nExecWritablePath %s/exec\n", W, W);
	rt_write_file(POL, text);
}

static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "pre")) {
			cr_log_error("outside: %s", e->d_name);
			n++;
		}
	closedir(d);
	return n;
}

static void
run(const char *op, const char *want)
{
	char *argv[] = { (char *)rt_prog("fs_review"), (char *)op, W, O, NULL };
	struct rt_result r;

	cr_assert_eq(rt_run_shim(POL, argv, NULL, 20, &r), 0);
	cr_expect_eq(r.status, 0, "status %d, stderr:\n%s", r.status, r.err);
	cr_expect_str_eq(r.out, want, "stderr:\n%.2000s", r.err);
	rt_result_free(&r);
}

/* A denied write open of an existing file outside kept the O_PATH fd of
 * the decision: a long-running app hit EMFILE. */
Test(fs_review, denied_opens_leak_no_descriptor)
{
	char *s;

	tree();
	run("leak", "fds +0\n");
	s = rt_read_file(P("%s/o/pre", T));
	cr_expect_str_eq(s, "keep\n");
	free(s);
	rt_cleanup(T);
}

/* Write wrappers once needed about 30 KB of stack: a handler on a 16 KB
 * sigaltstack crashed the app. */
Test(fs_review, allowed_write_on_a_16k_signal_stack)
{
	tree();
	run("altstack", "alt ok=0 no=13\n");
	cr_expect(rt_exists(P("%s/w/alt", T)));
	cr_expect_eq(entries(O), 0);
	rt_cleanup(T);
}

/* syscall(SYS_openat2) with the caller's RESOLVE_* flags was decided by
 * name and then opened by name: a symlink flipped in between let files
 * appear outside. */
Test(fs_review, openat2_with_resolve_flags_survives_a_symlink_race, .timeout = 30)
{
	tree();
	run("o2race", "o2race made=some\n");
	cr_expect_eq(entries(O), 0, "a file appeared outside the writable dir");
	rt_cleanup(T);
}

/* Exec bits were judged by the spelling: a symlink inside an
 * ExecWritablePath leading to a plain writable dir kept them (W^X).  The
 * chmod succeeds without them (rule wx-mode, decision fixed). */
Test(fs_review, exec_bits_judged_where_the_file_really_is)
{
	tree();
	run("wx", "wx created=yes sub/x=644 chmod errno=0 plain=644\n");
	rt_cleanup(T);
}

/* addopen was decided against the parent's cwd, the child opened the
 * relative name after an addchdir_np action. */
Test(fs_review, spawn_addopen_lands_where_it_was_decided)
{
	tree();
	run("spawnchdir", "spawn add=0 run=0\n");
	cr_expect(!rt_exists(P("%s/o/sp", T)), "created outside after addchdir_np");
	cr_expect(rt_exists(P("%s/w/sp", T)), "the decided file");
	rt_cleanup(T);
}

/* fchownat(AT_FDCWD, "", AT_EMPTY_PATH) acts on the cwd (EBADF before). */
Test(fs_review, empty_path_at_fdcwd_is_the_cwd)
{
	tree();
	run("cwdchown", "cwdchown 0\n");
	rt_cleanup(T);
}
