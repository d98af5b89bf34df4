/* test_fs_escape.c - decisions by where the kernel really acts.
 *
 * Runs build/tests/progs/fs_try under the shim against a temporary tree:
 *   T/w          WritablePath       (sub/, exec/ = ExecWritablePath)
 *   T/o          outside            (pre holds "keep")
 *   T/w-evil     outside, a prefix of nothing but a string
 *   T/w/lnk -> T/o, T/w/rel -> ../o, T/w/lnkfile -> T/o/pre,
 *   T/w/dang -> T/o/newfile, T/w/abs -> T/w/sub, T/o/toW -> T/w
 * Each case lists operations with the errno expected (0 = allowed) and
 * checks the disk afterwards.  The same cases run with openat2 refused
 * (ENOSYS, EPERM by a seccomp filter) to prove the fallback decides alike.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

struct op {
	const char *op, *a, *b;	/* b NULL for one-argument operations */
	int err;
};

static char T[4096], W[4200], O[4200], POL[4200];

static const char *
P(const char *fmt, const char *x)
{
	static char bufs[64][4400];
	static int n;
	char *b = bufs[n++ % 64];

	snprintf(b, 4400, fmt, x);
	return b;
}

static void
tree(const char *extra_policy)
{
	char text[12000];

	snprintf(T, sizeof(T), "%s", rt_tmpdir());
	snprintf(W, sizeof(W), "%s/w", T);
	snprintf(O, sizeof(O), "%s/o", T);
	snprintf(POL, sizeof(POL), "%s/policy", T);
	mkdir(W, 0755);
	mkdir(O, 0755);
	mkdir(P("%s/w/sub", T), 0755);
	mkdir(P("%s/w/exec", T), 0755);
	mkdir(P("%s/w/pd", T), 0755);
	mkdir(P("%s/w-evil", T), 0755);
	rt_write_file(P("%s/o/pre", T), "keep\n");
	rt_write_file(P("%s/w/pre", T), "keep\n");
	cr_assert_eq(symlink(O, P("%s/w/lnk", T)), 0);
	cr_assert_eq(symlink("../o", P("%s/w/rel", T)), 0);
	cr_assert_eq(symlink(P("%s/o/pre", T), P("%s/w/lnkfile", T)), 0);
	cr_assert_eq(symlink(P("%s/o/newfile", T), P("%s/w/dang", T)), 0);
	cr_assert_eq(symlink(P("%s/w/sub", T), P("%s/w/abs", T)), 0);
	cr_assert_eq(symlink(W, P("%s/o/toW", T)), 0);
	snprintf(text, sizeof(text), "WritablePath %s\nExecWritablePath %s/exec\n%s", W, W,
		 extra_policy ? extra_policy : "");
	rt_write_file(POL, text);
}

/* Run the operations in one process; check every answer and the number
 * of events with `decision`.  Returns stderr (caller frees). */
static char *
run_ops(const struct op *ops, size_t n, const char *policy, const char *decision, int nevents)
{
	char *argv[256], want[65536], *err;
	struct rt_result r;
	size_t i, k = 0, len = 0;

	argv[k++] = (char *)rt_prog("fs_try");
	for (i = 0; i < n; i++) {
		argv[k++] = (char *)ops[i].op;
		if (ops[i].a)
			argv[k++] = (char *)ops[i].a;
		if (ops[i].b)
			argv[k++] = (char *)ops[i].b;
		/* fs_try writes "x": through /dev/stdout it lands in our capture */
		if (ops[i].a && !strcmp(ops[i].a, "/dev/stdout") && !ops[i].err)
			want[len++] = 'x';
		len += (size_t)snprintf(want + len, sizeof(want) - len, "%s%s%s%s%s", ops[i].op,
					ops[i].a ? " " : "", ops[i].a ? ops[i].a : "",
					ops[i].b ? " " : "", ops[i].b ? ops[i].b : "");
		if (ops[i].err)
			len += (size_t)snprintf(want + len, sizeof(want) - len, " err=%d\n", ops[i].err);
		else
			len += (size_t)snprintf(want + len, sizeof(want) - len, " ok\n");
	}
	argv[k] = NULL;
	cr_assert_eq(rt_run_shim(policy, argv, NULL, 20, &r), 0);
	cr_expect_str_eq(r.out, want, "answers differ\n--- got:\n%s--- want:\n%s--- stderr:\n%s",
			 r.out, want, r.err);
	if (decision) {
		char needle[64];

		snprintf(needle, sizeof(needle), "\"decision\":\"%s\"", decision);
		cr_expect_eq(rt_count_lines(r.err, needle), nevents, "want %d %s events:\n%s",
			     nevents, decision, r.err);
	}
	err = r.err;
	free(r.out);
	return err;
}

static int
count_denied(const struct op *ops, size_t n)
{
	int c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		c += ops[i].err == 13 || ops[i].err == 1;
	return c;
}

/* The escape forms of issue 3; `first` optionally installs the seccomp
 * filter that refuses openat2. */
static void
escapes(const char *seccomp_errno)
{
	char *err, *pre;
	struct op ops[] = {
		{ "seccomp", seccomp_errno, NULL, 0 },
		{ "w", P("%s/w/a", T), NULL, 0 },
		{ "w", P("%s/o/a", T), NULL, 13 },
		{ "w", P("%s/w/sub/../b", T), NULL, 0 },
		{ "w", P("%s/w/../o/c", T), NULL, 13 },
		{ "w", P("%s/w//d", T), NULL, 0 },
		{ "w", P("/%s//o//e", T), NULL, 13 },
		{ "w", P("%s/w/./sub/./f", T), NULL, 0 },
		{ "w", P("%s/w/lnk/f", T), NULL, 13 },
		{ "w", P("%s/w/rel/f", T), NULL, 13 },
		{ "w", P("%s/w/lnkfile", T), NULL, 13 },
		{ "wt", P("%s/w/lnkfile", T), NULL, 13 },
		{ "w", P("%s/w/dang", T), NULL, 13 },
		{ "w", P("%s/o/toW/g", T), NULL, 0 },
		{ "w", P("%s/w/abs/h", T), NULL, 0 },
		{ "wfd", O, "x", 13 },
		{ "wfd", W, "x", 0 },
		{ "wdevfd", O, "y", 13 },
		{ "wdevfd", W, "y", 0 },
		{ "w", P("/proc/self/root%s/o/z", T), NULL, 13 },
		{ "w", P("/proc/self/root%s/w/z", T), NULL, 0 },
		{ "w", P("%s/w-evil/x", T), NULL, 13 },
		{ "wt", P("%s/o/pre", T), NULL, 13 },
		{ "w", P("%s/o/pre", T), NULL, 13 },
		{ "cd", O, NULL, 0 },
		{ "w", "rel1", NULL, 13 },
		{ "w", "../w/rel2", NULL, 0 },
		{ "w", "/proc/self/cwd/pc", NULL, 13 },
		{ "wat", O, "q", 13 },
		{ "wat", W, "q", 0 },
		{ "wat", W, "../o/q2", 13 },
		{ "wat", W, "sub/../q3", 0 },
		{ "cd", W, NULL, 0 },
		{ "w", "rel3", NULL, 0 },
		{ "w", "../o/rel4", NULL, 13 },
		{ "w", "/proc/self/cwd/pc", NULL, 0 },
		{ "link", P("%s/o/pre", T), P("%s/w/hl", T), 13 },
		{ "rename", P("%s/w/a", T), P("%s/o/a2", T), 13 },
		{ "rename", P("%s/o/pre", T), P("%s/w/stolen", T), 13 },
		{ "unlink", P("%s/w/lnk/pre", T), NULL, 13 },
		{ "w", "/dev/null", NULL, 0 },
		{ "w", "/dev/stdout", NULL, 0 },
		{ "w", "/dev/stderr", NULL, 0 },
	};
	size_t n = sizeof(ops) / sizeof(ops[0]);
	const struct op *start = seccomp_errno ? ops : ops + 1;
	DIR *d;
	struct dirent *e;
	int others = 0;

	err = run_ops(start, seccomp_errno ? n : n - 1, POL, "deny",
		      count_denied(start, seccomp_errno ? n : n - 1));
	free(err);
	/* nothing appeared outside, the protected file is intact */
	d = opendir(O);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, "pre") && strcmp(e->d_name, "toW")) {
			cr_log_error("left outside: %s", e->d_name);
			others++;
		}
	closedir(d);
	cr_expect_eq(others, 0);
	pre = rt_read_file(P("%s/o/pre", T));
	cr_expect_str_eq(pre, "keep\n");
	free(pre);
	cr_expect(!rt_exists(P("%s/w-evil/x", T)));
	/* the allowed ones landed where the kernel put them */
	cr_expect(rt_exists(P("%s/w/g", T)), "symlink from outside into W");
	cr_expect(rt_exists(P("%s/w/sub/h", T)), "absolute symlink inside W");
	cr_expect(rt_exists(P("%s/w/rel2", T)));
	cr_expect(rt_exists(P("%s/w/q3", T)));
	cr_expect(rt_exists(P("%s/w/pc", T)));
	rt_cleanup(T);
}

Test(fs_escape, decided_where_the_kernel_acts)
{
	tree(NULL);
	escapes(NULL);
}

Test(fs_escape, fallback_when_openat2_is_enosys)
{
	tree(NULL);
	escapes("38");
}

Test(fs_escape, fallback_when_openat2_is_eperm)
{
	tree(NULL);
	escapes("1");
}

static void
perm_cases(void)
{
	char *err;
	struct op ops[] = {
		{ "creat", P("%s/w/suid", T), "4755", 1 },
		{ "creat", P("%s/w/sgid", T), "2644", 1 },
		{ "creat", P("%s/w/xbit", T), "0755", 0 },
		{ "creat", P("%s/w/plain", T), "0644", 0 },
		{ "creat", P("%s/w/exec/tool", T), "0755", 0 },
		{ "creat", P("%s/w/exec/suid", T), "4755", 1 },
		{ "mknod", P("%s/w/nx", T), "0755", 0 },
		{ "mkdir", P("%s/w/sd", T), "2755", 0 },	/* the kernel drops the bit */
		{ "mkdir", P("%s/w/d", T), "0755", 0 },
		{ "chmod", P("%s/w/pre", T), "4755", 1 },
		{ "chmod", P("%s/w/pre", T), "0755", 0 },	/* applied as 0644 */
		{ "lchmod", P("%s/w/pre", T), "0711", 0 },
		{ "fchmodat", P("%s/w/pre", T), "2600", 1 },
		{ "fchmod", P("%s/w/pre", T), "0700", 0 },
		{ "chmod", P("%s/w/pre", T), "0600", 0 },
		{ "chmod", P("%s/w/pd", T), "0711", 0 },
		{ "chmod", P("%s/w/pd", T), "2775", 0 },	/* group inheritance: no privilege */
		{ "chmod", P("%s/w/pd", T), "4775", 1 },
		{ "chmod", P("%s/w/exec/tool", T), "0700", 0 },
		{ "chmod", P("%s/o/pre", T), "0600", 13 },
		{ "fchmod", P("%s/o/pre", T), "0600", 13 },
		{ "chmod", P("%s/w/lnkfile", T), "0600", 13 },
		{ "lchmod", P("%s/w/lnkfile", T), "0777", 95 },
	};
	size_t n = sizeof(ops) / sizeof(ops[0]);
	struct stat st;

	err = run_ops(ops, n, POL, "deny", count_denied(ops, n));
	cr_expect_eq(rt_count_lines(err, "\"rule\":\"setid\""), 6, "%s", err);
	/* chmod, lchmod and fchmod asked for exec bits: applied without them */
	cr_expect_eq(rt_count_lines(err, "\"decision\":\"fixed\""), 3, "%s", err);
	cr_expect_eq(rt_count_lines(err, "\"rule\":\"wx-mode\""), 3, "%s", err);
	cr_expect_eq(rt_count_lines(err, "\"rule\":\"writable-path\""), 3, "%s", err);
	free(err);
	cr_expect(!rt_exists(P("%s/w/suid", T)), "no file left by a denied creation");
	/* exec bits of a new file beneath a writable dir are cleared */
	cr_expect_eq(stat(P("%s/w/xbit", T), &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0644);
	cr_expect_eq(stat(P("%s/w/nx", T), &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0644);
	cr_expect_eq(stat(P("%s/w/exec/tool", T), &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0700, "ExecWritablePath keeps exec bits (then chmod 0700)");
	cr_expect_eq(stat(P("%s/w/sd", T), &st), 0);
	cr_expect_eq(st.st_mode & (S_ISUID | S_ISGID), 0, "mkdir keeps no setid bit of its mode");
	cr_expect_eq(stat(P("%s/w/pd", T), &st), 0);
	cr_expect_eq(st.st_mode & 07777, 02775, "setgid on a directory is applied");
	cr_expect_eq(stat(P("%s/w/pre", T), &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0600);
	cr_expect_eq(stat(P("%s/o/pre", T), &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0644);
	rt_cleanup(T);
}

Test(fs_perm, creation_modes_and_chmod)
{
	tree(NULL);
	perm_cases();
}

static void
context_cases(void)
{
	struct op ops[] = {
		{ "fork", P("%s/w/f1", T), P("%s/o/f1", T), 0 },
		{ "vfork", P("%s/w/v1", T), P("%s/o/v1", T), 0 },
		{ "signal", P("%s/w/s1", T), P("%s/o/s1", T), 0 },
	};

	free(run_ops(ops, 3, POL, "deny", 3));
	cr_expect(rt_exists(P("%s/w/f1", T)));
	cr_expect(rt_exists(P("%s/w/v1", T)));
	cr_expect(rt_exists(P("%s/w/s1", T)));
	cr_expect(!rt_exists(P("%s/o/f1", T)) && !rt_exists(P("%s/o/v1", T)) &&
		  !rt_exists(P("%s/o/s1", T)));
	rt_cleanup(T);
}

Test(fs_context, fork_vfork_and_signal_handler)
{
	tree(NULL);
	context_cases();
}

static void
audit_cases(void)
{
	char *err;
	struct op ops[] = {
		{ "w", P("%s/o/a", T), NULL, 0 },
		{ "wt", P("%s/o/pre", T), NULL, 0 },
		{ "mkdir", P("%s/o/d", T), "0755", 0 },
		{ "creat", P("%s/w/suid", T), "4755", 0 },
		{ "chmod", P("%s/w/pre", T), "0755", 0 },
		{ "link", P("%s/o/a", T), P("%s/w/hl", T), 0 },
		{ "rename", P("%s/o/a", T), P("%s/o/b", T), 0 },
		{ "unlink", P("%s/o/b", T), NULL, 0 },
		{ "w", P("%s/w/ok", T), NULL, 0 },
	};
	struct stat st;

	err = run_ops(ops, 9, POL, "audit", 7);
	cr_expect_eq(rt_count_lines(err, "\"decision\":\"deny\""), 0);
	/* the chmod's exec bits are cleared in audit mode too, as at creation */
	cr_expect_eq(rt_count_lines(err, "\"decision\":\"fixed\""), 1, "%s", err);
	free(err);
	cr_expect(rt_exists(P("%s/o/d", T)));
	cr_expect(rt_exists(P("%s/w/hl", T)));
	cr_expect(!rt_exists(P("%s/o/b", T)));
	cr_expect_eq(stat(P("%s/o/pre", T), &st), 0);
	cr_expect_eq(st.st_size, 0, "O_TRUNC ran in audit mode");
	cr_expect_eq(stat(P("%s/w/suid", T), &st), 0);
	cr_expect_eq(st.st_mode & 07777, 04755);
	rt_cleanup(T);
}

Test(fs_audit, lets_everything_through_with_one_event_each)
{
	tree("Mode audit\n");
	audit_cases();
}

static void
fails_closed(const char *policy)
{
	char *err;
	struct op ops[] = {
		{ "w", P("%s/w/a", T), NULL, 13 },
		{ "w", P("%s/o/a", T), NULL, 13 },
		{ "mkdir", P("%s/w/d", T), "0755", 13 },
		{ "r", P("%s/o/pre", T), NULL, 0 },
		{ "w", "/dev/null", NULL, 0 },
	};

	err = run_ops(ops, 5, policy, "deny", 3);
	cr_expect_eq(rt_count_lines(err, "cannot load policy"), 1, "%s", err);
	cr_expect_eq(rt_count_lines(err, "\"rule\":\"policy-unavailable\""), 3, "%s", err);
	free(err);
	cr_expect(!rt_exists(P("%s/w/a", T)) && !rt_exists(P("%s/w/d", T)));
	rt_cleanup(T);
}

Test(fs_failclosed, missing_policy)
{
	tree(NULL);
	fails_closed(P("%s/no-such-policy", T));
}

Test(fs_failclosed, broken_policy)
{
	tree(NULL);
	rt_write_file(P("%s/broken", T), "WriteablePath /tmp\n");
	fails_closed(P("%s/broken", T));
}
