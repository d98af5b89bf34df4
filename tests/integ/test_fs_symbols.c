/* test_fs_symbols.c - every wrapped file and permission function, denied
 * outside the writable dir and allowed inside, checked on disk.
 *
 * Each row runs build/tests/progs/fs_ops SYMBOL DIR under the shim twice:
 * with DIR beneath the policy's WritablePath (must succeed, no event, the
 * effect is on disk) and with DIR outside it (must fail with EACCES, leave
 * the disk as it was, and log exactly one deny event naming SYMBOL).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <unistd.h>

#include "symbols.h"
#include "testlib.h"

enum effect {
	CREATED,	/* DIR/name exists */
	CREATED_T,	/* an entry named t* exists (mkstemp family) */
	REMOVED,	/* DIR/name is gone */
	TRUNC,		/* DIR/pre is empty */
	MODE,		/* DIR/pre has mode 0600 */
	MTIME,		/* DIR/pre has mtime 1000000 */
	XATTR_SET,	/* DIR/pre has user.t */
	XATTR_GONE,	/* DIR/pre lost user.k */
	SHM_CREATED,	/* /dev/shm/<prefix>rampart-fs-<pid> exists */
	SHM_REMOVED,
	NONE,
};

enum where { IN_DIR, IN_TMP, IN_SHM };

/* Criterion passes parameters to a freshly started test process, where
 * pointers into this binary would not survive ASLR: strings are arrays. */
struct row {
	char sym[40];
	enum effect eff;
	char name[8];		/* for CREATED/REMOVED/SHM_* */
	enum where where;
};

static struct row rows[] = {
	{ "open", CREATED, "f", IN_DIR },
	{ "open64", CREATED, "f", IN_DIR },
	{ "__open", CREATED, "f", IN_DIR },
	{ "__open64", CREATED, "f", IN_DIR },
	{ "__open_2", TRUNC, "", IN_DIR },
	{ "__open64_2", TRUNC, "", IN_DIR },
	{ "openat", CREATED, "f", IN_DIR },
	{ "openat64", CREATED, "f", IN_DIR },
	{ "__openat_2", TRUNC, "", IN_DIR },
	{ "__openat64_2", TRUNC, "", IN_DIR },
	{ "creat", CREATED, "f", IN_DIR },
	{ "creat64", CREATED, "f", IN_DIR },
	{ "fopen", CREATED, "f", IN_DIR },
	{ "fopen64", CREATED, "f", IN_DIR },
	{ "freopen", CREATED, "f", IN_DIR },
	{ "freopen64", CREATED, "f", IN_DIR },
	{ "freopen-null", TRUNC, "", IN_DIR },
	{ "tmpfile", NONE, "", IN_TMP },
	{ "tmpfile64", NONE, "", IN_TMP },
	{ "mkstemp", CREATED_T, "", IN_DIR },
	{ "mkstemp64", CREATED_T, "", IN_DIR },
	{ "mkostemp", CREATED_T, "", IN_DIR },
	{ "mkostemp64", CREATED_T, "", IN_DIR },
	{ "mkstemps", CREATED_T, "", IN_DIR },
	{ "mkstemps64", CREATED_T, "", IN_DIR },
	{ "mkostemps", CREATED_T, "", IN_DIR },
	{ "mkostemps64", CREATED_T, "", IN_DIR },
	{ "mkdtemp", CREATED_T, "", IN_DIR },
	{ "shm_open", SHM_CREATED, "", IN_SHM },
	{ "shm_unlink", SHM_REMOVED, "", IN_SHM },
	{ "sem_open", SHM_CREATED, "sem.", IN_SHM },
	{ "sem_unlink", SHM_REMOVED, "sem.", IN_SHM },
	{ "truncate", TRUNC, "", IN_DIR },
	{ "truncate64", TRUNC, "", IN_DIR },
	{ "mkdir", CREATED, "d", IN_DIR },
	{ "mkdirat", CREATED, "d", IN_DIR },
	{ "mknod", CREATED, "n", IN_DIR },
	{ "mknodat", CREATED, "n", IN_DIR },
	{ "__xmknod", CREATED, "n", IN_DIR },
	{ "__xmknodat", CREATED, "n", IN_DIR },
	{ "mkfifo", CREATED, "n", IN_DIR },
	{ "mkfifoat", CREATED, "n", IN_DIR },
	{ "link", CREATED, "hl", IN_DIR },
	{ "linkat", CREATED, "hl", IN_DIR },
	{ "symlink", CREATED, "sl", IN_DIR },
	{ "symlinkat", CREATED, "sl", IN_DIR },
	{ "unlink", REMOVED, "pre", IN_DIR },
	{ "unlinkat", REMOVED, "pre", IN_DIR },
	{ "rmdir", REMOVED, "pd", IN_DIR },
	{ "remove", REMOVED, "pre", IN_DIR },
	{ "rename", CREATED, "ren", IN_DIR },
	{ "renameat", CREATED, "ren", IN_DIR },
	{ "renameat2", CREATED, "ren", IN_DIR },
	{ "chown", NONE, "", IN_DIR },
	{ "lchown", NONE, "", IN_DIR },
	{ "fchown", NONE, "", IN_DIR },
	{ "fchownat", NONE, "", IN_DIR },
	{ "utime", MTIME, "", IN_DIR },
	{ "utimes", MTIME, "", IN_DIR },
	{ "lutimes", MTIME, "", IN_DIR },
	{ "futimes", MTIME, "", IN_DIR },
	{ "futimesat", MTIME, "", IN_DIR },
	{ "futimens", MTIME, "", IN_DIR },
	{ "utimensat", MTIME, "", IN_DIR },
	{ "setxattr", XATTR_SET, "", IN_DIR },
	{ "lsetxattr", XATTR_SET, "", IN_DIR },
	{ "fsetxattr", XATTR_SET, "", IN_DIR },
	{ "removexattr", XATTR_GONE, "", IN_DIR },
	{ "lremovexattr", XATTR_GONE, "", IN_DIR },
	{ "fremovexattr", XATTR_GONE, "", IN_DIR },
	{ "bind", CREATED, "sock", IN_DIR },
	{ "posix_spawn_file_actions_addopen", CREATED, "f", IN_DIR },
	{ "syscall", CREATED, "f", IN_DIR },
	{ "chmod", MODE, "", IN_DIR },
	{ "fchmod", MODE, "", IN_DIR },
	{ "fchmodat", MODE, "", IN_DIR },
	{ "lchmod", MODE, "", IN_DIR },
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void
prepare(const char *d)
{
	char p[4200];

	mkdir(d, 0755);
	snprintf(p, sizeof(p), "%s/pre", d);
	rt_write_file(p, "keep\n");
	cr_assert_eq(setxattr(p, "user.k", "v", 1, 0), 0, "user xattrs on %s", p);
	snprintf(p, sizeof(p), "%s/pd", d);
	mkdir(p, 0755);
}

static void
shm_name(char *out, size_t n, const char *prefix)
{
	snprintf(out, n, "/dev/shm/%srampart-fs-%d", prefix, (int)getpid());
}

/* 1 when the row's effect is visible in d. */
static int
effect_seen(const struct row *r, const char *d)
{
	char p[4200], v[8];
	struct stat st;
	DIR *dd;
	struct dirent *e;
	int seen = 0;

	snprintf(p, sizeof(p), "%s/pre", d);
	switch (r->eff) {
	case CREATED:
	case REMOVED:
		snprintf(p, sizeof(p), "%s/%s", d, r->name);
		return rt_exists(p) == (r->eff == CREATED);
	case CREATED_T:
		dd = opendir(d);
		while (dd && (e = readdir(dd)))
			seen |= e->d_name[0] == 't';
		if (dd)
			closedir(dd);
		return seen;
	case TRUNC:
		return stat(p, &st) == 0 && st.st_size == 0;
	case MODE:
		return stat(p, &st) == 0 && (st.st_mode & 07777) == 0600;
	case MTIME:
		return stat(p, &st) == 0 && st.st_mtime == 1000000;
	case XATTR_SET:
		return getxattr(p, "user.t", v, sizeof(v)) == 1;
	case XATTR_GONE:
		return getxattr(p, "user.k", v, sizeof(v)) < 0;
	case SHM_CREATED:
	case SHM_REMOVED:
		shm_name(p, sizeof(p), r->name);
		return rt_exists(p) == (r->eff == SHM_CREATED);
	case NONE:
		return 1;
	}
	return 0;
}

static void
run_row(struct row *r, int inside)
{
	const char *tmp = rt_tmpdir();
	char w[4200], o[4200], pol[4200], text[12000], want[256], opq[256], shm[4200];
	char *argv[4];
	struct rt_result res;
	const char *dir;
	const char *op = strcmp(r->sym, "freopen-null") == 0 ? "freopen" :
			 strcmp(r->sym, "syscall") == 0 ? "syscall(openat)" : r->sym;

	snprintf(w, sizeof(w), "%s/w", tmp);
	snprintf(o, sizeof(o), "%s/o", tmp);
	prepare(w);
	prepare(o);
	snprintf(pol, sizeof(pol), "%s/policy", tmp);
	snprintf(text, sizeof(text), "WritablePath %s\n%s", w,
		 !inside ? "" : r->where == IN_TMP ? "WritablePath /tmp\n" :
		 r->where == IN_SHM ? "WritablePath /dev/shm\n" : "");
	rt_write_file(pol, text);
	if (r->eff == SHM_REMOVED) {
		shm_name(shm, sizeof(shm), r->name);
		rt_write_file(shm, "x");
	}
	dir = inside || r->where != IN_DIR ? w : o;
	if (r->where == IN_DIR && !inside)
		dir = o;
	argv[0] = (char *)rt_prog("fs_ops");
	argv[1] = r->sym;
	argv[2] = (char *)dir;
	argv[3] = NULL;
	cr_assert_eq(rt_run_shim(pol, argv, NULL, 10, &res), 0);
	snprintf(opq, sizeof(opq), "\"op\":\"%s\"", op);
	if (inside) {
		snprintf(want, sizeof(want), "%s ok\n", r->sym);
		cr_expect_str_eq(res.out, want, "%s inside: %s / %s", r->sym, res.out, res.err);
		cr_expect_eq(rt_count_lines(res.err, "\"decision\""), 0, "%s: events: %s",
			     r->sym, res.err);
		cr_expect(effect_seen(r, dir), "%s inside: no effect on disk", r->sym);
	} else {
		snprintf(want, sizeof(want), "%s err=13\n", r->sym);
		cr_expect_str_eq(res.out, want, "%s outside: %s / %s", r->sym, res.out, res.err);
		cr_expect_eq(rt_count_lines(res.err, "\"decision\":\"deny\""), 1,
			     "%s: want one deny event: %s", r->sym, res.err);
		cr_expect_eq(rt_count_lines(res.err, opq), 1, "%s: event op: %s", r->sym, res.err);
		if (r->eff != NONE)
			cr_expect(!effect_seen(r, dir), "%s outside: the disk changed", r->sym);
	}
	if (r->where == IN_SHM) {
		shm_name(shm, sizeof(shm), r->name);
		unlink(shm);
	}
	rt_result_free(&res);
	rt_cleanup(tmp);
}

ParameterizedTestParameters(fs_symbols, allowed_inside)
{
	return cr_make_param_array(struct row, rows, NROWS);
}

ParameterizedTest(struct row *r, fs_symbols, allowed_inside)
{
	run_row(r, 1);
}

ParameterizedTestParameters(fs_symbols, denied_outside)
{
	return cr_make_param_array(struct row, rows, NROWS);
}

ParameterizedTest(struct row *r, fs_symbols, denied_outside)
{
	run_row(r, 0);
}

/* Every file and permission symbol of symbols.h has a row above. */
#define NAME(ret, name, params) #name,
static const char *const table[] = { RP_FILE_SYMBOLS(NAME) RP_PERM_SYMBOLS(NAME) };

Test(fs_symbols, table_covers_symbols_h)
{
	size_t i, j;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		int found = 0;

		for (j = 0; j < NROWS; j++)
			found |= strcmp(rows[j].sym, table[i]) == 0;
		cr_expect(found, "no test row for %s", table[i]);
	}
}
