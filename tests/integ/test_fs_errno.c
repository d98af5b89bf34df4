/* test_fs_errno.c - where the kernel would refuse a call anyway, the caller
 * gets the kernel's errno, with or without the shim or the loader; a
 * denial (EACCES) is only for a call that would otherwise succeed, and
 * then nothing changed on disk.
 *
 * Each row of the table is one entry point in one situation (the target
 * exists, its parent is missing or a file, a non-empty directory, another
 * mount...).  Each row runs tests/progs/fs_errno on a fresh tree: bare and
 * under the shim (as root), then as uid 1000 bare (setpriv) and under the
 * loader (User 1000).  The tree: B/ro is outside the policy (mode 0777, so
 * that only the policy stands between uid 1000 and a change), B/w is the
 * WritablePath.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

struct row {
	const char *op;
	const char *a, *b, *c;	/* "R/" is the outside dir, "W/" the writable one */
	int allowed;		/* 1: the policy allows it: same answer and same effect;
				 * 2: the kernel succeeds and changes nothing: 0 too */
	const char *not_loader;	/* why the loader column is left out, or NULL */
};

static const struct row rows[] = {
	/* mkdir family */
	{ "mkdir", "R/d", NULL, NULL, 0, NULL },		/* EEXIST: a directory */
	{ "mkdir", "R/f", NULL, NULL, 0, NULL },		/* EEXIST: a file */
	{ "mkdir", "R/dl", NULL, NULL, 0, NULL },		/* EEXIST: a dangling symlink */
	{ "mkdir", "R/d/", NULL, NULL, 0, NULL },		/* EEXIST, trailing slash */
	{ "mkdir", "R/nope/x", NULL, NULL, 0, NULL },		/* ENOENT */
	{ "mkdir", "R/f/x", NULL, NULL, 0, NULL },		/* ENOTDIR */
	{ "mkdir", "R/new", NULL, NULL, 0, NULL },		/* denied */
	{ "mkdir", "W", NULL, NULL, 0, NULL },		/* EEXIST: the writable dir itself */
	{ "mkdir", "W/", NULL, NULL, 0, NULL },
	{ "mkdir", "R/..", NULL, NULL, 0, NULL },
	{ "sys_mkdir", "R/d", NULL, NULL, 0, NULL },
	{ "mkdir_sgid", "W/sg", NULL, NULL, 1, NULL },	/* the kernel drops the bit */
	{ "mkdir_sgid", "R/d", NULL, NULL, 0, NULL },
	{ "mknod", "R/f", NULL, NULL, 0, NULL },
	{ "mknod", "R/f2/", NULL, NULL, 0, NULL },		/* ENOENT: slash on a new non-dir */
	{ "mknod", "R/new", NULL, NULL, 0, NULL },
	{ "mkfifo", "R/d", NULL, NULL, 0, NULL },
	{ "mknod_suid", "W/wf", NULL, NULL, 0, NULL },	/* EEXIST before the setid rule */
	{ "symlink", "x", "R/f", NULL, 0, NULL },
	{ "symlink", "x", "R/l", NULL, 0, NULL },
	{ "symlink", "x", "R/nope/l", NULL, 0, NULL },
	{ "symlink", "x", "R/new", NULL, 0, NULL },
	{ "bind", "R/f", NULL, NULL, 0, NULL },		/* EADDRINUSE */
	/* removal */
	{ "rmdir", "R/d", NULL, NULL, 0, NULL },		/* ENOTEMPTY */
	{ "rmdir", "R/f", NULL, NULL, 0, NULL },		/* ENOTDIR */
	{ "rmdir", "R/nope", NULL, NULL, 0, NULL },		/* ENOENT */
	{ "rmdir", "R/e", NULL, NULL, 0, NULL },		/* denied */
	{ "rmdir", "R/e/.", NULL, NULL, 0, NULL },		/* EINVAL */
	{ "rmdir", "R/l", NULL, NULL, 0, NULL },		/* ENOTDIR: a symlink */
	{ "unlink", "R/d", NULL, NULL, 0, NULL },		/* EISDIR */
	{ "unlink", "R/nope", NULL, NULL, 0, NULL },
	{ "unlink", "R/f/", NULL, NULL, 0, NULL },		/* ENOTDIR */
	{ "unlink", "R/f", NULL, NULL, 0, NULL },		/* denied */
	{ "unlink", "R/l", NULL, NULL, 0, NULL },		/* denied: the link itself */
	{ "remove", "R/d", NULL, NULL, 0, NULL },		/* ENOTEMPTY */
	{ "remove", "R/nope", NULL, NULL, 0, NULL },
	{ "remove", "R/e", NULL, NULL, 0, NULL },
	/* two names */
	{ "rename", "R/nope", "W/x", NULL, 0, NULL },		/* ENOENT */
	{ "rename", "W/nope", "R/x", NULL, 0, NULL },
	{ "rename", "W/wd", "R/f", NULL, 0, NULL },		/* ENOTDIR: a dir onto a file */
	{ "rename", "W/wf", "R/d", NULL, 0, NULL },		/* EISDIR */
	{ "rename", "W/we", "R/d", NULL, 0, NULL },		/* ENOTEMPTY */
	{ "rename", "W/wf", "R/nope/x", NULL, 0, NULL },	/* ENOENT */
	{ "rename", "W/wf", "R/f/x", NULL, 0, NULL },		/* ENOTDIR */
	{ "rename", "W/wf", "R/x", NULL, 0, NULL },		/* denied */
	{ "rename", "R/f", "W/x", NULL, 0, NULL },		/* denied */
	{ "rename", "R/f", "R/f", NULL, 2, NULL },		/* 0: the same entry */
	{ "rename", "W/wf", "/dev/shm/@-x", NULL, 0, NULL },	/* EXDEV */
	{ "rename_noreplace", "W/wf", "R/f", NULL, 0, NULL },	/* EEXIST */
	{ "rename_exchange", "W/wf", "R/nope", NULL, 0, NULL },	/* ENOENT */
	{ "rename", "W/wf", "W/wf2", NULL, 1, NULL },
	{ "link", "R/nope", "W/x", NULL, 0, NULL },		/* ENOENT */
	{ "link", "W/wf", "R/f", NULL, 0, NULL },		/* EEXIST */
	{ "link", "R/d", "W/x", NULL, 0, NULL },		/* EPERM: a directory */
	{ "link", "W/wf", "R/x", NULL, 0, NULL },		/* denied */
	{ "link", "W/wf", "/dev/shm/@-x", NULL, 0, NULL },	/* EXDEV */
	/* opens */
	{ "open_w", "R/d", NULL, NULL, 0, NULL },		/* EISDIR */
	{ "open_c", "R/d", NULL, NULL, 0, NULL },		/* EISDIR */
	{ "open_w", "R/nope", NULL, NULL, 0, NULL },		/* ENOENT */
	{ "open_c", "R/nope/x", NULL, NULL, 0, NULL },	/* ENOENT */
	{ "open_c", "R/f/x", NULL, NULL, 0, NULL },		/* ENOTDIR */
	{ "open_cx", "R/f", NULL, NULL, 0, NULL },		/* EEXIST */
	{ "open_c", "R/new/", NULL, NULL, 0, NULL },	/* EISDIR */
	{ "open_w", "R/f", NULL, NULL, 0, NULL },		/* denied */
	{ "open_c", "R/new", NULL, NULL, 0, NULL },		/* denied */
	/* objects */
	{ "truncate", "R/d", NULL, NULL, 0, NULL },		/* EISDIR */
	{ "truncate", "R/nope", NULL, NULL, 0, NULL },
	{ "truncate", "R/f", NULL, NULL, 0, NULL },
	{ "chmod", "R/nope", "600", NULL, 0, NULL },
	{ "chmod", "R/f", "600", NULL, 0, NULL },		/* denied (uid 1000: EPERM, not owner) */
	{ "chown", "R/f", "0", "0", 0, NULL },		/* denied (uid 1000: EPERM) */
	{ "chown", "R/nope", "0", "0", 0, NULL },
	{ "utimes", "R/f", NULL, NULL, 0, NULL },
	{ "utimes_omit", "R/f", NULL, NULL, 2, NULL },	/* 0: nothing to change */
	{ "utimes", "R/nope", NULL, NULL, 0, NULL },
	{ "setxattr", "R/f", "bogus", NULL, 0, NULL },	/* EOPNOTSUPP: no namespace */
	{ "setxattr", "R/f", "user.x", NULL, 0, NULL },
	{ "removexattr", "R/f", "user.x", NULL, 0, NULL },	/* ENODATA */
	{ "fchmod_opath", "R/f", NULL, NULL, 0, NULL },	/* EBADF */
	{ "sem_open", "/@-none", NULL, NULL, 0, NULL },	/* ENOENT */
	{ "sem_open_cx", "/@-s", NULL, NULL, 0, NULL },	/* EEXIST */
	{ "sem_open_cx", "/@-new", NULL, NULL, 0, NULL },	/* denied */
	{ "chmod", "W/wd", "2775", NULL, 1, NULL },	/* setgid on a directory: allowed */
};

struct tree {
	char base[1024], ro[1100], w[1100], bin[1100], prog[1200], policy[1100];
	char tag[48];		/* names in /dev/shm, one set per test process: "@" in a row */
};

static void
mk(const char *dir, const char *rel, int kind)
{
	char p[1400];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	if (kind == 'd') {
		cr_assert(mkdir(p, 0777) == 0 || errno == EEXIST, "%s", p);
		chmod(p, 0777);
	} else {
		rt_write_file(p, "data\n");
		chmod(p, 0666);
	}
}

/* A fresh ro/ and w/ */
static void
build(struct tree *t)
{
	char cmd[2600], p[1400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s' /dev/shm/%s-x /dev/shm/sem.%s-*", t->ro, t->w,
		 t->tag, t->tag);
	cr_assert_eq(system(cmd), 0);
	mk(t->base, "ro", 'd');
	mk(t->base, "w", 'd');
	mk(t->ro, "d", 'd');
	mk(t->ro, "d/x", 'f');
	mk(t->ro, "e", 'd');
	mk(t->ro, "f", 'f');
	snprintf(p, sizeof(p), "%s/l", t->ro);
	cr_assert(symlink("f", p) == 0);
	snprintf(p, sizeof(p), "%s/dl", t->ro);
	cr_assert(symlink("missing", p) == 0);
	mk(t->w, "wf", 'f');
	mk(t->w, "wd", 'd');
	mk(t->w, "we", 'd');
	mk(t->w, "we/y", 'f');
	/* an existing semaphore (outside the policy: /dev/shm is not writable) */
	snprintf(p, sizeof(p), "/dev/shm/sem.%s-s", t->tag);
	rt_write_file(p, "0123456789abcdef0123456789abcdef");
	chmod(p, 0666);
}

static void
setup(struct tree *t)
{
	char cmd[2600], text[1400];

	snprintf(t->base, sizeof(t->base), "%s", rt_tmpdir());
	snprintf(t->tag, sizeof(t->tag), "rampart-errno-%d", (int)getpid());
	chmod(t->base, 0755);
	snprintf(t->ro, sizeof(t->ro), "%s/ro", t->base);
	snprintf(t->w, sizeof(t->w), "%s/w", t->base);
	snprintf(t->bin, sizeof(t->bin), "%s/bin", t->base);
	snprintf(t->prog, sizeof(t->prog), "%s/bin/fs_errno", t->base);
	snprintf(t->policy, sizeof(t->policy), "%s/policy", t->base);
	mkdir(t->bin, 0755);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chmod 755 '%s'", rt_prog("fs_errno"), t->prog,
		 t->prog);
	cr_assert_eq(system(cmd), 0);
	snprintf(text, sizeof(text), "WritablePath %s\nUser 1000\nGroup 1000\n", t->w);
	rt_write_file(t->policy, text);
	chmod(t->policy, 0644);
}

/* "R/x" -> "<ro>/x", "W" -> "<w>", "/@-x" -> "/<tag>-x" */
static const char *
expand(const struct tree *t, const char *s, char *out, size_t n)
{
	const char *at;

	if (!s)
		return NULL;
	if ((at = strchr(s, '@')) != NULL) {
		snprintf(out, n, "%.*s%s%s", (int)(at - s), s, t->tag, at + 1);
		return out;
	}
	if (s[0] == 'R' && (s[1] == '/' || !s[1]))
		snprintf(out, n, "%s%s", t->ro, s + 1);
	else if (s[0] == 'W' && (s[1] == '/' || !s[1]))
		snprintf(out, n, "%s%s", t->w, s + 1);
	else
		snprintf(out, n, "%s", s);
	return out;
}

/* Everything under dir that a change could touch: names, types, modes,
 * sizes, link counts, symlink targets, and (with times) mtime and ctime. */
static void
snap_dir(const char *dir, const char *rel, int times, char *out, size_t n)
{
	char p[1400];
	struct dirent **ents;
	int k, i;

	snprintf(p, sizeof(p), "%s%s%s", dir, rel[0] ? "/" : "", rel);
	k = scandir(p, &ents, NULL, alphasort);
	for (i = 0; i < k; i++) {
		char q[1600], r[1400], lnk[256] = "";
		struct stat st;
		size_t len = strlen(out);

		if (!strcmp(ents[i]->d_name, ".") || !strcmp(ents[i]->d_name, "..")) {
			free(ents[i]);
			continue;
		}
		snprintf(r, sizeof(r), "%s%s%s", rel, rel[0] ? "/" : "", ents[i]->d_name);
		snprintf(q, sizeof(q), "%s/%s", dir, r);
		free(ents[i]);
		if (lstat(q, &st) != 0)
			continue;
		if (S_ISLNK(st.st_mode) && readlink(q, lnk, sizeof(lnk) - 1) < 0)
			lnk[0] = '\0';
		if (times)
			snprintf(out + len, n - len, "%s %o %lld %lu %s %ld.%ld %ld.%ld\n", r,
				 (unsigned)st.st_mode, (long long)st.st_size,
				 (unsigned long)st.st_nlink, lnk, (long)st.st_mtim.tv_sec,
				 st.st_mtim.tv_nsec, (long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
		else
			snprintf(out + len, n - len, "%s %o %lld %lu %s\n", r, (unsigned)st.st_mode,
				 (long long)st.st_size, (unsigned long)st.st_nlink, lnk);
		if (S_ISDIR(st.st_mode))
			snap_dir(dir, r, times, out, n);
	}
	if (k >= 0)
		free(ents);
}

static void
snap(const struct tree *t, int times, char *out, size_t n)
{
	char p[128];

	out[0] = '\0';
	snap_dir(t->base, "", times, out, n);
	snprintf(p, sizeof(p), "/dev/shm/%s-x", t->tag);
	if (access(p, F_OK) == 0)
		snprintf(out + strlen(out), n - strlen(out), "%s\n", p);
	snprintf(p, sizeof(p), "/dev/shm/sem.%s-new", t->tag);
	if (access(p, F_OK) == 0)
		snprintf(out + strlen(out), n - strlen(out), "%s\n", p);
}

enum how { BARE, SHIM, BARE_1000, LOADER };

/* Run one row on a fresh tree: its errno (or -1), snapshots before/after. */
static int
run_row(struct tree *t, const struct row *rw, enum how h, char *before, char *after, size_t n,
	int times, char *err, size_t errn)
{
	char a[1400], b[1400], c[1400];
	const char *argv[16];
	struct rt_result r;
	int k = 0, e = -1;

	build(t);
	snap(t, times, before, n);
	if (h == BARE_1000) {
		argv[k++] = "/usr/bin/setpriv";
		argv[k++] = "--reuid=1000";
		argv[k++] = "--regid=1000";
		argv[k++] = "--clear-groups";
		argv[k++] = "--";
	} else if (h == LOADER) {
		argv[k++] = rt_path("rampart");
		argv[k++] = "--policy";
		argv[k++] = t->policy;
		argv[k++] = "--";
	}
	argv[k++] = t->prog;
	argv[k++] = rw->op;
	argv[k++] = expand(t, rw->a, a, sizeof(a));
	if (rw->b)
		argv[k++] = expand(t, rw->b, b, sizeof(b));
	if (rw->c)
		argv[k++] = expand(t, rw->c, c, sizeof(c));
	argv[k] = NULL;
	if (h == SHIM)
		cr_assert_eq(rt_run_shim(t->policy, (char *const *)argv, NULL, 30, &r), 0);
	else
		cr_assert_eq(rt_run((char *const *)argv, NULL, 30, &r), 0);
	if (r.status == 0 && r.out[0] >= '0' && r.out[0] <= '9')
		e = atoi(r.out);
	snprintf(err, errn, "status %d out %s err %s", r.status, r.out, r.err);
	rt_result_free(&r);
	snap(t, times, after, n);
	return e;
}

#define SNAP 65536

/* Compare `plain` (bare) with `guarded` (shim or loader) for every row. */
static void
compare(enum how plain, enum how guarded, const char *label)
{
	static char b0[SNAP], a0[SNAP], b1[SNAP], a1[SNAP];
	struct tree t;
	char err0[4096], err1[4096];
	size_t i;
	int bad = 0;

	setup(&t);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *rw = &rows[i];
		int times = rw->allowed != 1;
		int e0, e1;

		if (guarded == LOADER && rw->not_loader) {
			cr_log_info("%s %s %s: not compared under the loader: %s", rw->op, rw->a,
				    rw->b ? rw->b : "", rw->not_loader);
			continue;
		}
		e0 = run_row(&t, rw, plain, b0, a0, SNAP, times, err0, sizeof(err0));
		e1 = run_row(&t, rw, guarded, b1, a1, SNAP, times, err1, sizeof(err1));

		cr_assert_geq(e0, 0, "%s %s %s: bare run failed: %s", rw->op, rw->a, rw->b ? rw->b : "",
			      err0);
		if (rw->allowed == 1) {
			cr_expect_eq(e1, e0, "%s %s %s %s: errno %d, bare %d (%s)", label, rw->op,
				     rw->a, rw->b ? rw->b : "", e1, e0, err1);
			cr_expect_str_eq(a1, a0, "%s %s %s: the effect differs", label, rw->op, rw->a);
			bad += e1 != e0 || strcmp(a1, a0) != 0;
			continue;
		}
		if (e0 == 0 && rw->allowed != 2) {
			/* the kernel would do it: a denial, and nothing changed */
			cr_expect_eq(e1, EACCES, "%s %s %s %s: errno %d, want EACCES (bare did it: %s)",
				     label, rw->op, rw->a, rw->b ? rw->b : "", e1, err1);
		} else {
			/* the kernel refuses it, or it changes nothing: the kernel's answer */
			cr_expect_eq(e1, e0, "%s %s %s %s: errno %d (%s), the kernel says %d (%s)",
				     label, rw->op, rw->a, rw->b ? rw->b : "", e1, strerror(e1), e0,
				     strerror(e0));
		}
		cr_expect_str_eq(a1, b1, "%s %s %s %s: changed the disk:\n%s\nwas\n%s", label, rw->op,
				 rw->a, rw->b ? rw->b : "", a1, b1);
		bad += strcmp(a1, b1) != 0;
	}
	cr_expect_eq(bad, 0);
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "rm -f /dev/shm/%s-x /dev/shm/sem.%s-*", t.tag, t.tag);
		cr_assert_eq(system(cmd), 0);
	}
	rt_cleanup(t.base);
}

Test(fs_errno, shim_answers_what_the_kernel_answers, .timeout = 300)
{
	if (!rt_is_root())
		cr_skip_test("needs root: the table is run bare and under the shim as root");
	compare(BARE, SHIM, "shim");
}

Test(fs_errno, loader_answers_what_the_kernel_answers_to_uid_1000, .timeout = 300)
{
	if (!rt_is_root())
		cr_skip_test("needs root (the policy switches to User 1000)");
	if (access("/usr/bin/setpriv", X_OK) != 0)
		cr_skip_test("needs /usr/bin/setpriv to run the bare column as uid 1000");
	compare(BARE_1000, LOADER, "loader");
}
