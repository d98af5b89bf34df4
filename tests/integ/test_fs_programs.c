/* test_fs_programs.c - the shim inside real programs: threads, sh,
 * python3, and the syscall cost of a decision (strace).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

static char T[4096], W[4200], O[4200], POL[4200];

static void
tree(const char *extra)
{
	char text[9000 + 4200], p[4300];

	snprintf(T, sizeof(T), "%s", rt_tmpdir());
	snprintf(W, sizeof(W), "%s/w", T);
	snprintf(O, sizeof(O), "%s/o", T);
	snprintf(POL, sizeof(POL), "%s/policy", T);
	mkdir(W, 0755);
	mkdir(O, 0755);
	snprintf(p, sizeof(p), "%s/pre", O);
	rt_write_file(p, "keep\n");
	snprintf(p, sizeof(p), "%s/tree", O);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/tree/leaf", O);
	rt_write_file(p, "leaf\n");
	snprintf(text, sizeof(text), "WritablePath %s\n%s", W, extra ? extra : "");
	rt_write_file(POL, text);
}

static void
expect_pre_intact(void)
{
	char p[4300], *s;

	snprintf(p, sizeof(p), "%s/pre", O);
	s = rt_read_file(p);
	cr_expect_str_eq(s ? s : "(missing)", "keep\n");
	free(s);
}

Test(fs_programs, threads_8_by_10000, .timeout = 60)
{
	char *argv[] = { (char *)rt_prog("fs_threads"), W, O, NULL };
	struct rt_result r;

	tree("Log none\n");
	cr_assert_eq(rt_run_shim(POL, argv, NULL, 60, &r), 0);
	cr_expect_str_eq(r.out, "threads=8 ops=80000 wrong=0\n", "%s %s", r.out, r.err);
	expect_pre_intact();
	rt_result_free(&r);
	rt_cleanup(T);
}

Test(fs_programs, sh_redirections)
{
	char script[40000];
	char *argv[] = { "/bin/sh", "-c", script, NULL };
	struct rt_result r;

	tree(NULL);
	snprintf(script, sizeof(script),
		 "echo x > %s/s1 && echo ok1; echo y > %s/s2 || echo denied2;"
		 " echo z >> %s/s1 && echo ok3; echo q > /dev/null && echo ok4;"
		 " echo w > /dev/stderr && echo ok5; cat %s/pre; cat %s/s1",
		 W, O, W, O, W);
	cr_assert_eq(rt_run_shim(POL, argv, NULL, 10, &r), 0);
	cr_expect_str_eq(r.out, "ok1\ndenied2\nok3\nok4\nok5\nkeep\nx\nz\n", "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"decision\":\"deny\""), 1, "%s", r.err);
	expect_pre_intact();
	rt_result_free(&r);
	rt_cleanup(T);
}

static const char py[] =
	"import os, shutil, sys\n"
	"W, O = sys.argv[1], sys.argv[2]\n"
	"def t(name, f):\n"
	"    try:\n"
	"        f(); print(name, 'ok')\n"
	"    except OSError as e:\n"
	"        print(name, 'err=%d' % e.errno)\n"
	"t('open-w-in', lambda: open(W + '/p1', 'w').write('x'))\n"
	"t('open-w-out', lambda: open(O + '/p1', 'w').write('x'))\n"
	"t('rename-in', lambda: os.rename(W + '/p1', W + '/p2'))\n"
	"t('rename-out', lambda: os.rename(W + '/p2', O + '/p2'))\n"
	"t('unlink-out', lambda: os.unlink(O + '/pre'))\n"
	"t('copy-in', lambda: shutil.copy(O + '/pre', W + '/copy'))\n"
	"t('copy-out', lambda: shutil.copy(W + '/p2', O + '/copy'))\n"
	"t('rmtree-out', lambda: shutil.rmtree(O + '/tree'))\n"
	"t('makedirs-in', lambda: os.makedirs(W + '/a/b/c'))\n"
	"t('move-in', lambda: shutil.move(W + '/copy', W + '/a/b/c/moved'))\n"
	"t('rmtree-in', lambda: shutil.rmtree(W + '/a'))\n"
	"t('unlink-in', lambda: os.unlink(W + '/p2'))\n"
	"t('read-out', lambda: open(O + '/pre').read())\n"
	"t('devnull', lambda: open('/dev/null', 'w').write('x'))\n";

Test(fs_programs, python3_open_rename_unlink_shutil)
{
	char *argv[] = { "/usr/bin/python3", "-c", (char *)py, W, O, NULL };
	struct rt_result r;
	char p[4300];

	if (access("/usr/bin/python3", X_OK) != 0)
		cr_skip_test("/usr/bin/python3 is not installed");
	tree(NULL);
	cr_assert_eq(rt_run_shim(POL, argv, NULL, 20, &r), 0);
	cr_expect_str_eq(r.out,
			 "open-w-in ok\nopen-w-out err=13\nrename-in ok\nrename-out err=13\n"
			 "unlink-out err=13\ncopy-in ok\ncopy-out err=13\nrmtree-out err=13\n"
			 "makedirs-in ok\nmove-in ok\nrmtree-in ok\nunlink-in ok\nread-out ok\n"
			 "devnull ok\n", "%s", r.err);
	expect_pre_intact();
	snprintf(p, sizeof(p), "%s/tree/leaf", O);
	cr_expect(rt_exists(p), "rmtree outside removed something");
	snprintf(p, sizeof(p), "%s/a", W);
	cr_expect(!rt_exists(p));
	rt_result_free(&r);
	rt_cleanup(T);
}

/* Syscalls strictly between the two getppid() markers of fs_try's loop. */
static int
syscalls_in_loop(const char *policy, const char *loop, const char *path, int shim)
{
	char out[4300], n[16] = "200";
	char *argv[] = { "/usr/bin/strace", "-f", "-qq", "-o", out, (char *)rt_prog("fs_try"),
			 (char *)loop, n, (char *)path, NULL };
	struct rt_result r;
	char *log, *line, *end;
	int inside = 0, count = 0;

	snprintf(out, sizeof(out), "%s/strace.%s.%d", W, loop, shim);
	if (shim)
		cr_assert_eq(rt_run_shim(policy, argv, NULL, 30, &r), 0);
	else
		cr_assert_eq(rt_run(argv, NULL, 30, &r), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	rt_result_free(&r);
	log = rt_read_file(out);
	cr_assert_not_null(log);
	for (line = log; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		if (strstr(line, "getppid(")) {
			if (inside)
				break;
			inside = 1;
			continue;
		}
		if (inside && !strstr(line, "resumed>") && !strstr(line, "+++"))
			count++;
	}
	free(log);
	return count;
}

Test(fs_programs, readonly_open_adds_no_syscall, .timeout = 60)
{
	char ro[4300], wr[4300];
	int bare_r, shim_r, bare_w, shim_w;

	if (access("/usr/bin/strace", X_OK) != 0)
		cr_skip_test("strace is not installed");
	tree(NULL);
	snprintf(ro, sizeof(ro), "%s/pre", O);
	snprintf(wr, sizeof(wr), "%s/f", W);
	bare_r = syscalls_in_loop(POL, "rloop", ro, 0);
	if (bare_r != 400)
		cr_skip_test("strace cannot trace here (%d syscalls seen)", bare_r);
	shim_r = syscalls_in_loop(POL, "rloop", ro, 1);
	bare_w = syscalls_in_loop(POL, "wloop", wr, 0);
	shim_w = syscalls_in_loop(POL, "wloop", wr, 1);
	cr_log_info("200 opens: read-only bare %d shim %d; write inside bare %d shim %d",
		    bare_r, shim_r, bare_w, shim_w);
	cr_expect_eq(shim_r, bare_r, "read-only opens: %d syscalls under the shim, %d bare",
		     shim_r, bare_r);
	/* an allowed write open is one openat2 beneath the root instead of one
	 * openat: nothing else per call (the root is held, shim/roots.h).
	 * Once per process, the first decision finds the roots (open, fstat,
	 * readlink, close) and holds this one (getpid, openat2 by its
	 * canonical name, fstat, fcntl F_DUPFD_CLOEXEC, close). */
	cr_expect_eq(shim_w, bare_w + 9, "write opens inside: %d under the shim, %d bare",
		     shim_w, bare_w);
	rt_cleanup(T);
}
