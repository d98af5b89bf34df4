/* fs.c - the file wrappers: every libc entry point that creates or changes
 * a file (symbols.h, RP_FILE_SYMBOLS), allowed only beneath a WritablePath.
 *
 * Each wrapper copies its path arguments (resolve.h: struct rp_at), asks
 * resolve.c where the kernel would act, and then acts on the directory or
 * object fd that the decision itself returned: mkdirat(fd, leaf),
 * renameat2(fd, leaf, fd2, leaf2), fchownat(fd, "", AT_EMPTY_PATH),
 * truncate("/proc/self/fd/N"), and for opens the fd openat2 returned.  So
 * there is no window between check and use (research notes, section 4).
 *
 * glibc reaches the kernel through hidden aliases (__open, __unlink,
 * __mknodat: research notes 1.1), so each public name needs its own
 * wrapper; here several names share one body through small functions.
 *
 * Rules for this file: no malloc, no locks, no stdio on the app's streams
 * (wrappers run in vfork children and signal handlers); errno is the
 * kernel's answer or EACCES for a denial; a denied call has no effect.
 * Read-only opens go straight to the real function with no extra syscall.
 */
#undef _FORTIFY_SOURCE	/* we define open/openat, which fortify wraps inline */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "fmode.h"
#include "rawsys.h"
#include "resolve.h"
#include "shim.h"

/* Names without a prototype in the 2.36 headers (research notes, 1.2). */
int __open(const char *, int, ...);
int __open64(const char *, int, ...);
int __open_2(const char *, int);
int __open64_2(const char *, int);
int __openat_2(int, const char *, int);
int __openat64_2(int, const char *, int);
int __xmknod(int, const char *, mode_t, dev_t *);
int __xmknodat(int, int, const char *, mode_t, dev_t *);

int
rp_refuse(const char *op, const char *path, const char *target, const char *rule,
	  long mode, int err)
{
	struct rp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.op = op;
	ev.path = path;
	ev.target = target;
	ev.rule = rule ? rule : rp_state.policy_ok ? "writable-path" : "policy-unavailable";
	ev.mode = mode;
	if (!rp_deny(&ev))
		return 0;
	errno = err;
	return 1;
}

/* What a wrapper does after a decision. */
enum rp_go { GO_FAIL = 0, GO_ACT, GO_REAL };

static enum rp_go
go_for(const char *op, struct rp_at *at, int where, const struct rp_at *other)
{
	if (where == RP_FAIL) {
		/* every resolver that answers RP_FAIL has set at->err */
		/* cppcheck-suppress uninitvar */
		errno = at->err;
		return GO_FAIL;
	}
	if (where == RP_INSIDE || where == RP_NOTFILE)
		return GO_ACT;
	return rp_refuse(op, other ? other->abs : at->abs, other ? at->abs : NULL, NULL, -1,
			 EACCES) ? GO_FAIL : GO_REAL;
}

/* Close the decision's fds and return r with errno as the call left it. */
static int
done(int r, struct rp_at *a, struct rp_at *b)
{
	rp_at_release(a);
	if (b)
		rp_at_release(b);
	return r;
}

/* ---- open family --------------------------------------------------------- */

/* An open that fails on an existing entry. */
static int
excl_open(int flags)
{
	return ((flags & O_CREAT) && (flags & O_EXCL)) || (flags & O_TMPFILE) == O_TMPFILE;
}

static __attribute__((noinline)) int
open_checked(const char *op, int dirfd, const char *path, int flags, mode_t mode)
{
	struct rp_at at;
	struct rp_create c = { op, 1, 0, excl_open(flags) };
	enum rp_where w;
	int fd;

	fd = rp_open_at(&at, dirfd, path, flags, mode, rp_perm_gate, &c, &w);
	if (fd >= 0 || w != RP_OUTSIDE)
		return fd;
	if (rp_refuse(op, at.abs, NULL, NULL, -1, EACCES))
		return -1;
	return RP_REAL(openat)(dirfd, at.path, flags, mode);
}

/* syscall(SYS_openat2) with write intent.  `how` is the shim's own copy
 * (syscall.c), so another thread cannot change the flags after the
 * decision; with the caller's RESOLVE_* flags every lookup of the decision
 * honours them too.  Returns an fd, or -1 with errno set. */
int
rp_fs_openat2(const char *op, int dirfd, const char *path, struct open_how *how)
{
	struct rp_at at;
	struct rp_create c = { op, 1, 0, excl_open((int)how->flags) };
	enum rp_where w;
	mode_t mode = (mode_t)how->mode;
	int fd;

	rp_ensure_init();
	if (rp_in_shim)
		return (int)RP_REAL(syscall)(SYS_openat2, dirfd, path, how, sizeof(*how));
	if (!how->resolve)
		return open_checked(op, dirfd, path, (int)how->flags, mode);
	fd = rp_open_at_resolve(&at, dirfd, path, (int)how->flags, mode, how->resolve,
				rp_perm_gate, &c, &w);
	if (fd >= 0 || w != RP_OUTSIDE)
		return fd;
	if (rp_refuse(op, at.abs, NULL, NULL, -1, EACCES))
		return -1;
	return (int)RP_REAL(syscall)(SYS_openat2, dirfd, at.path, how, sizeof(*how));
}

/* open(p) is openat(AT_FDCWD, p) in glibc 2.36 (sysdeps/unix/sysv/linux/
 * open64.c), so every open name forwards to the real openat. */
static int
fs_openat(const char *op, int dirfd, const char *path, int flags, mode_t mode)
{
	rp_ensure_init();
	if (!rp_write_intent(flags) || rp_in_shim)
		return RP_REAL(openat)(dirfd, path, flags, mode);
	return open_checked(op, dirfd, path, flags, mode);
}

int
rp_fs_openat(const char *op, int dirfd, const char *path, int flags, mode_t mode)
{
	return fs_openat(op, dirfd, path, flags, mode);
}

#define RP_OPEN_MODE(flags, last, mode)                                     \
	do {                                                                \
		if (__OPEN_NEEDS_MODE(flags)) {                             \
			va_list ap;                                         \
			va_start(ap, last);                                 \
			mode = va_arg(ap, mode_t);                          \
			va_end(ap);                                         \
		}                                                           \
	} while (0)

#define RP_DEF_OPEN(name)                                                   \
	RP_EXPORT int name(const char *path, int flags, ...)                \
	{                                                                   \
		mode_t mode = 0;                                            \
		RP_OPEN_MODE(flags, flags, mode);                           \
		return fs_openat(#name, AT_FDCWD, path, flags, mode);       \
	}
#define RP_DEF_OPENAT(name)                                                 \
	RP_EXPORT int name(int dirfd, const char *path, int flags, ...)     \
	{                                                                   \
		mode_t mode = 0;                                            \
		RP_OPEN_MODE(flags, flags, mode);                           \
		return fs_openat(#name, dirfd, path, flags, mode);          \
	}
/* _FORTIFY_SOURCE variants (io/open_2.c): O_CREAT without a mode is a
 * fortify failure, which the real function reports. */
#define RP_DEF_OPEN_2(name)                                                 \
	RP_EXPORT int name(const char *path, int flags)                     \
	{                                                                   \
		if (__OPEN_NEEDS_MODE(flags))                               \
			return RP_REAL(name)(path, flags);                  \
		return fs_openat(#name, AT_FDCWD, path, flags, 0);          \
	}
#define RP_DEF_OPENAT_2(name)                                               \
	RP_EXPORT int name(int dirfd, const char *path, int flags)          \
	{                                                                   \
		if (__OPEN_NEEDS_MODE(flags))                               \
			return RP_REAL(name)(dirfd, path, flags);           \
		return fs_openat(#name, dirfd, path, flags, 0);             \
	}

RP_DEF_OPEN(open)
RP_DEF_OPEN(open64)
RP_DEF_OPEN(__open)
RP_DEF_OPEN(__open64)
RP_DEF_OPEN_2(__open_2)
RP_DEF_OPEN_2(__open64_2)
RP_DEF_OPENAT(openat)
RP_DEF_OPENAT(openat64)
RP_DEF_OPENAT_2(__openat_2)
RP_DEF_OPENAT_2(__openat64_2)

RP_EXPORT int
creat(const char *path, mode_t mode)
{
	return fs_openat("creat", AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

RP_EXPORT int
creat64(const char *path, mode_t mode)
{
	return fs_openat("creat64", AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

/* ---- stdio ----------------------------------------------------------------- */

/* Wrap a descriptor the shim opened (and decided) in a FILE.  fdopen takes
 * the same mode letters; ",ccs=" (wide streams) is only understood by
 * fopen, so then glibc reopens the same object through /proc/self/fd/N. */
static FILE *
stream_for(int fd, const char *mode)
{
	FILE *f;
	int saved;

	char l[32], m[64];

	if (!mode || !strstr(mode, ",ccs=")) {
		/* Not the caller's string: glibc's fdopen reads fewer mode bytes
		 * than fopen (libio/iofdopen.c), so "rbbbbb+" would lose its
		 * '+'.  The fd already carries every open flag; fdopen only
		 * needs the access mode and append. */
		int flags = 0;
		const char *fm;

		rp_fmode_flags(mode, &flags);
		switch (flags & O_ACCMODE) {
		case O_RDONLY: fm = "r"; break;
		case O_WRONLY: fm = (flags & O_APPEND) ? "a" : "w"; break;
		default: fm = (flags & O_APPEND) ? "a+" : "r+"; break;
		}
		f = fdopen(fd, fm);
		if (f)
			return f;
	} else if (rp_fmode_strip_excl(mode, m, sizeof(m)) == 0) {
		f = RP_REAL(fopen)(rp_fd_path(l, fd), m);
	} else {
		f = NULL;
		errno = EINVAL;
	}
	saved = errno;
	rp_raw1(SYS_close, fd);
	errno = saved;
	return f;
}

/* Copy the caller's mode string: decided and used must be the same bytes
 * (another thread could turn "r" into "w" in between: notes 2.11).
 * Returns the copy, or NULL (errno EINVAL) when it does not fit; a mode
 * string of RP_FMODE_MAX bytes or more is refused, no fopen needs one. */
#define RP_FMODE_MAX 64
static const char *
mode_copy(const char *mode, char out[RP_FMODE_MAX])
{
	size_t n;

	if (!mode)
		return NULL;
	n = strnlen(mode, RP_FMODE_MAX);
	if (n >= RP_FMODE_MAX) {
		errno = EINVAL;
		return NULL;
	}
	memcpy(out, mode, n);
	out[n] = '\0';
	return out;
}

static FILE *
fs_fopen(const char *op, const char *path, const char *mode)
{
	char m[RP_FMODE_MAX];
	int flags, fd;

	rp_ensure_init();
	if (rp_in_shim)
		return RP_REAL(fopen)(path, mode);
	if (mode && !mode_copy(mode, m))
		return NULL;
	mode = mode ? m : NULL;
	if (rp_fmode_flags(mode, &flags) != 0 || !rp_write_intent(flags))
		return RP_REAL(fopen)(path, mode);
	fd = open_checked(op, AT_FDCWD, path, flags, 0666);
	return fd < 0 ? NULL : stream_for(fd, mode);
}

RP_EXPORT FILE *
fopen(const char *path, const char *mode)
{
	return fs_fopen("fopen", path, mode);
}

RP_EXPORT FILE *
fopen64(const char *path, const char *mode)
{
	return fs_fopen("fopen64", path, mode);
}

/* freopen(NULL, mode, fp) reopens /proc/self/fd/N of the stream's own fd
 * (libio/freopen.c): decide on that fd.  With a path, the shim opens it
 * itself and has glibc reopen that object through /proc/self/fd/N. */
static FILE *
fs_freopen(const char *op, const char *path, const char *mode, FILE *fp)
{
	int flags, fd, saved;
	char l[32], m[64], mc[RP_FMODE_MAX];
	FILE *r;

	rp_ensure_init();
	if (rp_in_shim)
		return RP_REAL(freopen)(path, mode, fp);
	if (mode && !mode_copy(mode, mc))
		return NULL;
	mode = mode ? mc : NULL;
	if (rp_fmode_flags(mode, &flags) != 0 || !rp_write_intent(flags))
		return RP_REAL(freopen)(path, mode, fp);
	if (!path) {
		struct rp_at at;
		int w = fp ? rp_at_fd(&at, fileno(fp)) : RP_NOTFILE;

		if (w == RP_OUTSIDE && rp_refuse(op, at.abs, NULL, NULL, -1, EACCES))
			return NULL;
		return RP_REAL(freopen)(NULL, mode, fp);
	}
	if (rp_fmode_strip_excl(mode, m, sizeof(m)) != 0) {
		errno = EINVAL;
		return NULL;
	}
	fd = open_checked(op, AT_FDCWD, path, flags, 0666);
	if (fd < 0)
		return NULL;
	r = RP_REAL(freopen)(rp_fd_path(l, fd), m, fp);
	saved = errno;
	rp_raw1(SYS_close, fd);
	errno = saved;
	return r;
}

RP_EXPORT FILE *
freopen(const char *path, const char *mode, FILE *fp)
{
	return fs_freopen("freopen", path, mode, fp);
}

RP_EXPORT FILE *
freopen64(const char *path, const char *mode, FILE *fp)
{
	return fs_freopen("freopen64", path, mode, fp);
}

/* tmpfile: an O_TMPFILE file in P_tmpdir, never TMPDIR (stdio-common/
 * tmpfile.c, gentempfd.c); the named-file fallback is left to glibc once
 * the directory itself is judged. */
static FILE *
fs_tmpfile(const char *op, FILE *(*real)(void))
{
	int fd, saved;
	FILE *f;

	rp_ensure_init();
	if (rp_in_shim)
		return real();
	fd = open_checked(op, AT_FDCWD, P_tmpdir, O_RDWR | O_TMPFILE | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EISDIR || errno == EOPNOTSUPP)) {
		struct rp_at at;
		int w = rp_at_object(&at, AT_FDCWD, P_tmpdir, 0);
		enum rp_go go = go_for(op, &at, w, NULL);

		rp_at_release(&at);
		return go == GO_FAIL ? NULL : real();
	}
	if (fd < 0)
		return NULL;
	/* glibc's own fd has no O_CLOEXEC: clear ours the same way */
	rp_raw3(SYS_fcntl, fd, F_SETFD, 0);
	f = fdopen(fd, "w+");
	if (!f) {
		saved = errno;
		rp_raw1(SYS_close, fd);
		errno = saved;
	}
	return f;
}

RP_EXPORT FILE *
tmpfile(void)
{
	return fs_tmpfile("tmpfile", RP_REAL(tmpfile));
}

RP_EXPORT FILE *
tmpfile64(void)
{
	return fs_tmpfile("tmpfile64", RP_REAL(tmpfile64));
}

/* ---- mkstemp family --------------------------------------------------- */

/* glibc's __gen_tempname (sysdeps/posix/tempname.c) redone on top of the
 * checked open and mkdir, so each candidate name is decided and created in
 * one step.  Letters as glibc's; randomness from getrandom(2). */
static int mkdir_checked(const char *op, int dirfd, const char *path, mode_t mode);

static int
gen_temp(const char *op, char *tmpl, int suffixlen, int flags, int dir)
{
	static const char letters[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len;
	char *x;
	unsigned int attempt;
	int saved = errno;	/* a success leaves errno as it was, however many
				   names collided first (glibc, tempname.c) */

	rp_ensure_init();
	if (!tmpl || suffixlen < 0) {
		errno = EINVAL;
		return -1;
	}
	len = strlen(tmpl);
	if (len < 6 + (size_t)suffixlen ||
	    strspn(tmpl + len - 6 - suffixlen, "X") < 6) {
		errno = EINVAL;
		return -1;
	}
	x = tmpl + len - 6 - suffixlen;
	for (attempt = 0; attempt < 62 * 62 * 62; attempt++) {
		unsigned char rnd[6];
		int i, r;

		if (rp_raw3(SYS_getrandom, rnd, sizeof(rnd), 0) != (long)sizeof(rnd)) {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			for (i = 0; i < 6; i++)
				rnd[i] = (unsigned char)((ts.tv_nsec >> (i * 5)) + attempt * 7 + i);
		}
		for (i = 0; i < 6; i++)
			x[i] = letters[rnd[i] % 62];
		if (dir)
			r = mkdir_checked(op, AT_FDCWD, tmpl, 0700);
		else
			r = open_checked(op, AT_FDCWD, tmpl,
					 (flags & ~O_ACCMODE) | O_RDWR | O_CREAT | O_EXCL, 0600);
		if (r >= 0) {
			errno = saved;
			return r;
		}
		if (errno != EEXIST)
			return r;
	}
	errno = EEXIST;
	return -1;
}

RP_EXPORT int mkstemp(char *t) { return gen_temp("mkstemp", t, 0, 0, 0); }
RP_EXPORT int mkstemp64(char *t) { return gen_temp("mkstemp64", t, 0, 0, 0); }
RP_EXPORT int mkostemp(char *t, int fl) { return gen_temp("mkostemp", t, 0, fl, 0); }
RP_EXPORT int mkostemp64(char *t, int fl) { return gen_temp("mkostemp64", t, 0, fl, 0); }
RP_EXPORT int mkstemps(char *t, int s) { return gen_temp("mkstemps", t, s, 0, 0); }
RP_EXPORT int mkstemps64(char *t, int s) { return gen_temp("mkstemps64", t, s, 0, 0); }
RP_EXPORT int mkostemps(char *t, int s, int fl) { return gen_temp("mkostemps", t, s, fl, 0); }
RP_EXPORT int mkostemps64(char *t, int s, int fl) { return gen_temp("mkostemps64", t, s, fl, 0); }

RP_EXPORT char *
mkdtemp(char *t)
{
	return gen_temp("mkdtemp", t, 0, 0, 1) == 0 ? t : NULL;
}

/* ---- entries: mkdir, mknod, mkfifo, unlink, rmdir, remove, symlink ------- */

/* One entry operation, acted on as *at(at->fd, at->leaf). */
enum rp_entry_op { E_MKDIR, E_MKNOD, E_XMKNOD, E_MKFIFO, E_UNLINK, E_REMOVE, E_SYMLINK };

struct rp_entry {
	enum rp_entry_op op;
	mode_t mode;
	dev_t dev;
	dev_t *xdev;
	int ver, flags;
	const char *target;	/* symlink contents */
};

static int
entry_act(const struct rp_entry *e, int dirfd, const char *leaf)
{
	int r;

	switch (e->op) {
	case E_MKDIR:
		return RP_REAL(mkdirat)(dirfd, leaf, e->mode);
	case E_MKNOD:
		return RP_REAL(mknodat)(dirfd, leaf, e->mode, e->dev);
	case E_XMKNOD:
		return RP_REAL(__xmknodat)(e->ver, dirfd, leaf, e->mode, e->xdev);
	case E_MKFIFO:
		return RP_REAL(mkfifoat)(dirfd, leaf, e->mode);
	case E_UNLINK:
		return RP_REAL(unlinkat)(dirfd, leaf, e->flags);
	case E_REMOVE:
		/* sysdeps/posix/remove.c: unlink, then rmdir on EISDIR */
		r = RP_REAL(unlinkat)(dirfd, leaf, 0);
		if (r != 0 && errno == EISDIR)
			r = RP_REAL(unlinkat)(dirfd, leaf, AT_REMOVEDIR);
		return r;
	case E_SYMLINK:
		return RP_REAL(symlinkat)(e->target, dirfd, leaf);
	}
	errno = ENOSYS;
	return -1;
}

/* Mode of a mknod that creates a regular file (type 0 means S_IFREG). */
static int
mknod_is_file(mode_t mode)
{
	return (mode & S_IFMT) == 0 || (mode & S_IFMT) == S_IFREG;
}

/* The kernel's view of the operation, for its own refusals (kernerr.c). */
static enum rp_kentry
entry_kop(const struct rp_entry *e)
{
	switch (e->op) {
	case E_MKDIR:
		return RP_K_MKDIR;
	case E_MKNOD:
	case E_XMKNOD:
	case E_MKFIFO:
		return RP_K_MKNOD;
	case E_UNLINK:
		return (e->flags & AT_REMOVEDIR) ? RP_K_RMDIR : RP_K_UNLINK;
	case E_REMOVE:
		return RP_K_REMOVE;
	case E_SYMLINK:
		break;
	}
	return RP_K_SYMLINK;
}

static int
entry_checked(const char *op, int dirfd, const char *path, const struct rp_entry *e)
{
	struct rp_at at;
	int w;
	enum rp_go go;

	rp_ensure_init();
	if (rp_in_shim || (e->op == E_UNLINK && (e->flags & ~AT_REMOVEDIR)))
		return entry_act(e, dirfd, path);	/* EINVAL, before any lookup */
	w = rp_at_parent(&at, dirfd, path);
	if (w == RP_OUTSIDE) {
		int k = rp_kerr_entry(&at, entry_kop(e), e->op == E_MKFIFO ? S_IFIFO : e->mode);

		if (k > 0) {
			errno = k;
			return done(-1, &at, NULL);
		}
	}
	go = go_for(op, &at, w, NULL);
	if (go == GO_ACT && (e->op == E_MKDIR || e->op == E_MKNOD || e->op == E_XMKNOD ||
			     e->op == E_MKFIFO)) {
		struct rp_create c = { op, e->op != E_MKDIR && e->op != E_MKFIFO &&
					   mknod_is_file(e->mode),
				       e->op == E_MKDIR, 1 };
		struct rp_entry adj = *e;

		if (!rp_perm_gate(&at, &c, &adj.mode))
			return done(-1, &at, NULL);
		return done(entry_act(&adj, at.fd, at.leaf), &at, NULL);
	}
	if (go == GO_ACT)
		return done(entry_act(e, at.fd, at.leaf), &at, NULL);
	rp_at_release(&at);
	return go == GO_REAL ? entry_act(e, dirfd, at.path) : -1;
}

static int
mkdir_checked(const char *op, int dirfd, const char *path, mode_t mode)
{
	struct rp_entry e = { .op = E_MKDIR, .mode = mode };

	return entry_checked(op, dirfd, path, &e);
}

int
rp_fs_mkdirat(const char *op, int dirfd, const char *path, mode_t mode)
{
	return mkdir_checked(op, dirfd, path, mode);
}

RP_EXPORT int mkdir(const char *p, mode_t m) { return mkdir_checked("mkdir", AT_FDCWD, p, m); }
RP_EXPORT int mkdirat(int d, const char *p, mode_t m) { return mkdir_checked("mkdirat", d, p, m); }

int
rp_fs_mknodat(const char *op, int dirfd, const char *path, mode_t mode, dev_t dev)
{
	struct rp_entry e = { .op = E_MKNOD, .mode = mode, .dev = dev };

	return entry_checked(op, dirfd, path, &e);
}

RP_EXPORT int mknod(const char *p, mode_t m, dev_t d) { return rp_fs_mknodat("mknod", AT_FDCWD, p, m, d); }
RP_EXPORT int mknodat(int fd, const char *p, mode_t m, dev_t d) { return rp_fs_mknodat("mknodat", fd, p, m, d); }

/* Binaries built against glibc <= 2.32 call these (research notes 1.2). */
RP_EXPORT int
__xmknod(int ver, const char *path, mode_t mode, dev_t *dev)
{
	struct rp_entry e = { .op = E_XMKNOD, .mode = mode, .xdev = dev, .ver = ver };

	return entry_checked("__xmknod", AT_FDCWD, path, &e);
}

RP_EXPORT int
__xmknodat(int ver, int dirfd, const char *path, mode_t mode, dev_t *dev)
{
	struct rp_entry e = { .op = E_XMKNOD, .mode = mode, .xdev = dev, .ver = ver };

	return entry_checked("__xmknodat", dirfd, path, &e);
}

static int
mkfifo_checked(const char *op, int dirfd, const char *path, mode_t mode)
{
	struct rp_entry e = { .op = E_MKFIFO, .mode = mode };

	return entry_checked(op, dirfd, path, &e);
}

RP_EXPORT int mkfifo(const char *p, mode_t m) { return mkfifo_checked("mkfifo", AT_FDCWD, p, m); }
RP_EXPORT int mkfifoat(int d, const char *p, mode_t m) { return mkfifo_checked("mkfifoat", d, p, m); }

int
rp_fs_unlinkat(const char *op, int dirfd, const char *path, int flags)
{
	struct rp_entry e = { .op = E_UNLINK, .flags = flags };

	return entry_checked(op, dirfd, path, &e);
}

RP_EXPORT int unlink(const char *p) { return rp_fs_unlinkat("unlink", AT_FDCWD, p, 0); }
RP_EXPORT int unlinkat(int d, const char *p, int fl) { return rp_fs_unlinkat("unlinkat", d, p, fl); }
RP_EXPORT int rmdir(const char *p) { return rp_fs_unlinkat("rmdir", AT_FDCWD, p, AT_REMOVEDIR); }

RP_EXPORT int
remove(const char *path)
{
	struct rp_entry e = { .op = E_REMOVE };

	return entry_checked("remove", AT_FDCWD, path, &e);
}

int
rp_fs_symlinkat(const char *op, const char *target, int dirfd, const char *path)
{
	struct rp_entry e = { .op = E_SYMLINK, .target = target };

	return entry_checked(op, dirfd, path, &e);
}

RP_EXPORT int symlink(const char *t, const char *p) { return rp_fs_symlinkat("symlink", t, AT_FDCWD, p); }
RP_EXPORT int symlinkat(const char *t, int d, const char *p) { return rp_fs_symlinkat("symlinkat", t, d, p); }

/* ---- two names: rename, link -------------------------------------------- */

int
rp_fs_renameat2(const char *op, int odir, const char *opath, int ndir, const char *npath,
		unsigned int flags)
{
	struct rp_at o, n;
	enum rp_go go;
	int wo, wn;

	rp_ensure_init();
	/* flags the kernel refuses before any lookup (fs/namei.c, do_renameat2) */
	if (rp_in_shim || (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) ||
	    ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT))))
		return RP_REAL(renameat2)(odir, opath, ndir, npath, flags);
	/* both directories change (and both entries with RENAME_EXCHANGE) */
	wo = rp_at_parent(&o, odir, opath);
	wn = rp_at_parent(&n, ndir, npath);
	if (wo == RP_FAIL || wn == RP_FAIL) {
		errno = wo == RP_FAIL ? o.err : n.err;
		return done(-1, &o, &n);
	}
	if (wo != RP_INSIDE || wn != RP_INSIDE) {
		int k = rp_kerr_rename(&o, &n, flags);

		if (k != 0) {
			errno = k > 0 ? k : errno;
			return done(k > 0 ? -1 : 0, &o, &n);
		}
	}
	go = wo == RP_INSIDE && wn == RP_INSIDE ? GO_ACT : go_for(op, &n, RP_OUTSIDE, &o);
	if (go == GO_ACT)
		return done(flags ? RP_REAL(renameat2)(o.fd, o.leaf, n.fd, n.leaf, flags) :
			    RP_REAL(renameat)(o.fd, o.leaf, n.fd, n.leaf), &o, &n);
	done(0, &o, &n);
	if (go == GO_FAIL)
		return -1;
	return flags ? RP_REAL(renameat2)(odir, o.path, ndir, n.path, flags) :
		       RP_REAL(renameat)(odir, o.path, ndir, n.path);
}

RP_EXPORT int rename(const char *o, const char *n) { return rp_fs_renameat2("rename", AT_FDCWD, o, AT_FDCWD, n, 0); }
RP_EXPORT int renameat(int od, const char *o, int nd, const char *n) { return rp_fs_renameat2("renameat", od, o, nd, n, 0); }
RP_EXPORT int renameat2(int od, const char *o, int nd, const char *n, unsigned int fl) { return rp_fs_renameat2("renameat2", od, o, nd, n, fl); }

/* link: the new name must be beneath a root, and so must the object
 * linked (a hard link to an outside file inside a writable dir would make
 * that file writable through the new name: bypass row 10).  The old side
 * is the object itself: linkat(fd, "", AT_EMPTY_PATH) for O_TMPFILE files
 * (row 13), or /proc/self/fd/N, which links what N is. */
int
rp_fs_linkat(const char *op, int odir, const char *opath, int ndir, const char *npath, int flags)
{
	struct rp_at o, n;
	enum rp_go go;
	int wo, wn, empty = (flags & AT_EMPTY_PATH) && opath && !opath[0];
	char l[32];

	rp_ensure_init();
	if (rp_in_shim || (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_FOLLOW)))
		return RP_REAL(linkat)(odir, opath, ndir, npath, flags);
	wo = empty ? rp_at_fd(&o, odir) : rp_at_object(&o, odir, opath, !(flags & AT_SYMLINK_FOLLOW));
	if (wo == RP_NOTFILE)
		wo = RP_INSIDE;		/* the kernel refuses to link those itself */
	wn = rp_at_parent(&n, ndir, npath);
	if (wo == RP_FAIL || wn == RP_FAIL) {
		errno = wo == RP_FAIL ? o.err : n.err;
		return done(-1, &o, &n);
	}
	if (wo != RP_INSIDE || wn != RP_INSIDE) {
		int k = rp_kerr_link(&o, &n);

		if (k > 0) {
			errno = k;
			return done(-1, &o, &n);
		}
	}
	go = wo == RP_INSIDE && wn == RP_INSIDE ? GO_ACT : go_for(op, &n, RP_OUTSIDE, &o);
	if (go == GO_ACT) {
		if (empty)
			return done(RP_REAL(linkat)(odir, "", n.fd, n.leaf, AT_EMPTY_PATH), &o, &n);
		return done(RP_REAL(linkat)(AT_FDCWD, rp_fd_path(l, o.fd), n.fd, n.leaf,
					    AT_SYMLINK_FOLLOW), &o, &n);
	}
	done(0, &o, &n);
	return go == GO_FAIL ? -1 : RP_REAL(linkat)(odir, empty ? "" : o.path, ndir, n.path, flags);
}

RP_EXPORT int link(const char *o, const char *n) { return rp_fs_linkat("link", AT_FDCWD, o, AT_FDCWD, n, 0); }
RP_EXPORT int linkat(int od, const char *o, int nd, const char *n, int fl) { return rp_fs_linkat("linkat", od, o, nd, n, fl); }

/* ---- objects: truncate, chown, utimes, xattrs ------------------------------ */

/* A POSIX access ACL carries the permission bits of its file
 * (include/uapi/linux/posix_acl_xattr.h: a 4-byte header, version 2, then
 * 8-byte entries {u16 tag, u16 perm, u32 id}; perm bit 1 is execute), and
 * cp -p, rsync -A and setfacl set a file's mode that way.  Beneath a
 * writable dir it is judged as a chmod is (perm.c): the exec bits go, the
 * call succeeds, the change is logged.  Larger ACLs than the shim copies
 * are refused there.  Default ACLs (directories) need nothing: a new
 * file's mode is capped by its creation mode, whose exec bits are
 * cleared. */
#define RP_ACL_ACCESS "system.posix_acl_access"
#define RP_ACL_MAX 1028		/* 128 entries */

/* The value to set on an object decided RP_INSIDE: `value`, or the copy in
 * buf without exec bits; NULL when refused (errno set). */
static const void *
xattr_value(const char *op, const struct rp_at *at, const char *name, const void *value,
	    size_t size, unsigned char buf[RP_ACL_MAX])
{
	size_t off;
	int changed = 0;

	if (!name || strcmp(name, RP_ACL_ACCESS) != 0 || !value || size < 4 || (size - 4) % 8 ||
	    S_ISDIR(at->st_mode) || rp_at_exec_ok(at))
		return value;	/* not an access ACL of a file W^X covers; or
				   malformed, which the kernel refuses (EINVAL) */
	if (size > RP_ACL_MAX)
		return rp_refuse(op, at->abs, NULL, "wx-mode", -1, EACCES) ? NULL : value;
	memcpy(buf, value, size);
	for (off = 4; off < size; off += 8) {
		unsigned short perm;

		memcpy(&perm, buf + off + 2, sizeof(perm));
		if (perm & 1) {
			perm &= (unsigned short)~1u;
			memcpy(buf + off + 2, &perm, sizeof(perm));
			changed = 1;
		}
	}
	if (!changed)
		return value;
	{
		struct rp_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.op = op;
		ev.path = at->abs[0] ? at->abs : NULL;
		ev.rule = "wx-mode";
		ev.decision = "fixed";
		ev.detail = "exec bits cleared from the access ACL";
		ev.mode = -1;
		rp_event_emit(&ev);
	}
	return buf;
}

enum rp_obj_op { O_TRUNCATE, O_CHOWN, O_UTIMENS, O_SETXATTR, O_REMOVEXATTR };

struct rp_obj {
	enum rp_obj_op op;
	struct rp_kattr k;	/* the same call, for the kernel's refusals */
	off64_t len;
	uid_t uid;
	gid_t gid;
	const struct timespec *ts;
	const char *name;
	const void *value;
	size_t size;
	int flags;
};

/* Act on the O_PATH fd of the decided object. */
static int
obj_act(const struct rp_obj *o, int fd, int nofollow)
{
	char l[32];

	switch (o->op) {
	case O_TRUNCATE:
		return RP_REAL(truncate64)(rp_fd_path(l, fd), o->len);
	case O_CHOWN:
		return RP_REAL(fchownat)(fd, "", o->uid, o->gid, AT_EMPTY_PATH);
	case O_UTIMENS:
		return RP_REAL(utimensat)(fd, "", o->ts,
					  AT_EMPTY_PATH | (nofollow ? AT_SYMLINK_NOFOLLOW : 0));
	case O_SETXATTR:
		/* the magic link lands on the object itself, a symlink included
		 * (checked: no further follow after the jump) */
		return RP_REAL(setxattr)(rp_fd_path(l, fd), o->name, o->value, o->size, o->flags);
	case O_REMOVEXATTR:
		return RP_REAL(removexattr)(rp_fd_path(l, fd), o->name);
	}
	errno = ENOSYS;
	return -1;
}

/* The same operation by path, for audit mode (on the copied path). */
static int
obj_real(const struct rp_obj *o, int dirfd, const char *path, int nofollow)
{
	switch (o->op) {
	case O_TRUNCATE:
		return RP_REAL(truncate64)(path, o->len);
	case O_CHOWN:
		return RP_REAL(fchownat)(dirfd, path, o->uid, o->gid,
					 nofollow ? AT_SYMLINK_NOFOLLOW : 0);
	case O_UTIMENS:
		return RP_REAL(utimensat)(dirfd, path, o->ts, nofollow ? AT_SYMLINK_NOFOLLOW : 0);
	case O_SETXATTR:
		return (nofollow ? RP_REAL(lsetxattr) : RP_REAL(setxattr))(path, o->name, o->value,
									  o->size, o->flags);
	case O_REMOVEXATTR:
		return (nofollow ? RP_REAL(lremovexattr) : RP_REAL(removexattr))(path, o->name);
	}
	errno = ENOSYS;
	return -1;
}

/* setxattr beneath a root: an access ACL loses its exec bits.  Its own
 * frame, so that the ACL copy is on the stack of this call only (wrappers
 * run on small signal stacks). */
static __attribute__((noinline)) int
setxattr_act(const char *op, const struct rp_at *at, const struct rp_obj *o, int nofollow)
{
	unsigned char buf[RP_ACL_MAX];
	struct rp_obj x = *o;

	x.value = xattr_value(op, at, o->name, o->value, o->size, buf);
	if (!x.value && o->value)
		return -1;
	return obj_act(&x, at->fd, nofollow);
}

static int
obj_checked(const char *op, int dirfd, const char *path, int nofollow, const struct rp_obj *o)
{
	struct rp_at at;
	enum rp_go go;
	int w;

	rp_ensure_init();
	if (rp_in_shim)
		return obj_real(o, dirfd, path, nofollow);
	w = rp_at_object(&at, dirfd, path, nofollow);
	if (w == RP_OUTSIDE) {
		int k = rp_kerr_attr(&at, &o->k);

		if (k != 0) {
			errno = k > 0 ? k : errno;
			return done(k > 0 ? -1 : 0, &at, NULL);
		}
	}
	go = go_for(op, &at, w, NULL);
	if (go == GO_ACT && o->op == O_SETXATTR && w == RP_INSIDE)
		return done(setxattr_act(op, &at, o, nofollow), &at, NULL);
	if (go == GO_ACT)
		return done(obj_act(o, at.fd, nofollow), &at, NULL);
	rp_at_release(&at);
	return go == GO_REAL ? obj_real(o, dirfd, at.path, nofollow) : -1;
}

/* fd operations: the fd is fixed, only where it lives is asked.  Returns
 * 1 to run the real call (allowed, not a file, or audit), 0 when denied
 * or the fd is bad (errno set). */
static int
fd_checked_k(const char *op, int fd, const struct rp_kattr *k)
{
	struct rp_at at;
	int w;

	rp_ensure_init();
	if (rp_in_shim)
		return 1;
	w = rp_at_fd(&at, fd);
	if (w == RP_OUTSIDE) {
		struct rp_kattr kk = *k;
		int e;

		kk.is_fd = 1;
		e = rp_kerr_attr(&at, &kk);
		if (e > 0) {
			errno = e;
			return 0;
		}
		if (e < 0)
			return 1;	/* the real call changes nothing either */
	}
	return go_for(op, &at, w, NULL) != GO_FAIL;
}

static int
fd_checked(const char *op, int fd)
{
	struct rp_kattr k = { .op = RP_K_OTHER };

	return fd_checked_k(op, fd, &k);
}

int
rp_fs_fd_allowed(const char *op, int fd)
{
	return fd_checked(op, fd);
}

int
rp_fs_truncate(const char *op, const char *path, off64_t len)
{
	struct rp_obj o = { .op = O_TRUNCATE, .len = len,
			    .k = { .op = RP_K_TRUNCATE, .len = len } };

	return obj_checked(op, AT_FDCWD, path, 0, &o);
}

RP_EXPORT int truncate(const char *p, off_t len) { return rp_fs_truncate("truncate", p, len); }
RP_EXPORT int truncate64(const char *p, off64_t len) { return rp_fs_truncate("truncate64", p, len); }

int
rp_fs_fchownat(const char *op, int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	struct rp_obj o = { .op = O_CHOWN, .uid = uid, .gid = gid,
			    .k = { .op = RP_K_CHOWN, .uid = uid, .gid = gid } };

	if ((flags & AT_EMPTY_PATH) && path && !path[0] && dirfd != AT_FDCWD)
		return rp_fs_fchown(op, dirfd, uid, gid);
	if ((flags & AT_EMPTY_PATH) && path && !path[0])	/* the cwd itself */
		return obj_checked(op, AT_FDCWD, ".", 0, &o);
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return RP_REAL(fchownat)(dirfd, path, uid, gid, flags);	/* EINVAL */
	return obj_checked(op, dirfd, path, flags & AT_SYMLINK_NOFOLLOW, &o);
}

int
rp_fs_fchown(const char *op, int fd, uid_t uid, gid_t gid)
{
	struct rp_kattr k = { .op = RP_K_CHOWN, .uid = uid, .gid = gid };

	return fd_checked_k(op, fd, &k) ? RP_REAL(fchown)(fd, uid, gid) : -1;
}

RP_EXPORT int chown(const char *p, uid_t u, gid_t g) { return rp_fs_fchownat("chown", AT_FDCWD, p, u, g, 0); }
RP_EXPORT int lchown(const char *p, uid_t u, gid_t g) { return rp_fs_fchownat("lchown", AT_FDCWD, p, u, g, AT_SYMLINK_NOFOLLOW); }
RP_EXPORT int fchown(int fd, uid_t u, gid_t g) { return rp_fs_fchown("fchown", fd, u, g); }
RP_EXPORT int fchownat(int d, const char *p, uid_t u, gid_t g, int fl) { return rp_fs_fchownat("fchownat", d, p, u, g, fl); }

/* The headers declare some path arguments nonnull, which lets the
 * compiler drop a NULL check; glibc and the kernel still answer a NULL
 * (EINVAL, EFAULT), so the wrappers must see it. */
static inline const char *
rp_maybe_null(const char *p)
{
	__asm__("" : "+r"(p));
	return p;
}

/* The utime family all become utimensat (sysdeps/unix/sysv/linux/utimes.c
 * and friends convert the same way). */
static const struct timespec *
from_timeval(const struct timeval *tv, struct timespec ts[2])
{
	if (!tv)
		return NULL;
	ts[0].tv_sec = tv[0].tv_sec;
	ts[0].tv_nsec = tv[0].tv_usec * 1000;
	ts[1].tv_sec = tv[1].tv_sec;
	ts[1].tv_nsec = tv[1].tv_usec * 1000;
	return ts;
}

int
rp_fs_utimensat(const char *op, int dirfd, const char *path, const struct timespec *ts, int flags)
{
	struct rp_obj o = { .op = O_UTIMENS, .ts = ts, .k = { .op = RP_K_UTIMES, .ts = ts } };

	if (dirfd == AT_FDCWD && path && !path[0] && (flags & AT_EMPTY_PATH))
		return obj_checked(op, AT_FDCWD, ".", 0, &o);	/* the cwd itself */
	if (!path || ((flags & AT_EMPTY_PATH) && !path[0]))
		return fd_checked_k(op, dirfd, &o.k) ? RP_REAL(futimens)(dirfd, ts) : -1;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return RP_REAL(utimensat)(dirfd, path, ts, flags);	/* EINVAL */
	return obj_checked(op, dirfd, path, flags & AT_SYMLINK_NOFOLLOW, &o);
}

RP_EXPORT int
utime(const char *path, const struct utimbuf *b)
{
	struct timespec ts[2];

	if (!rp_maybe_null(path))	/* declared nonnull; NULL is EFAULT */
		return RP_REAL(utime)(path, b);
	if (b) {
		ts[0].tv_sec = b->actime;
		ts[0].tv_nsec = 0;
		ts[1].tv_sec = b->modtime;
		ts[1].tv_nsec = 0;
	}
	return rp_fs_utimensat("utime", AT_FDCWD, path, b ? ts : NULL, 0);
}

RP_EXPORT int
utimes(const char *path, const struct timeval tv[2])
{
	struct timespec ts[2];

	if (!rp_maybe_null(path))	/* declared nonnull; NULL is EFAULT */
		return RP_REAL(utimes)(path, tv);
	return rp_fs_utimensat("utimes", AT_FDCWD, path, from_timeval(tv, ts), 0);
}

RP_EXPORT int
lutimes(const char *path, const struct timeval tv[2])
{
	struct timespec ts[2];

	if (!rp_maybe_null(path))	/* declared nonnull; NULL is EFAULT */
		return RP_REAL(lutimes)(path, tv);
	return rp_fs_utimensat("lutimes", AT_FDCWD, path, from_timeval(tv, ts),
			       AT_SYMLINK_NOFOLLOW);
}

RP_EXPORT int
futimesat(int dirfd, const char *path, const struct timeval tv[2])
{
	struct timespec ts[2];

	/* a NULL path means dirfd itself (misc/futimesat.c) */
	return rp_fs_utimensat("futimesat", dirfd, path, from_timeval(tv, ts), 0);
}

RP_EXPORT int
futimes(int fd, const struct timeval tv[2])
{
	struct timespec ts[2];
	struct rp_kattr k = { .op = RP_K_UTIMES, .ts = from_timeval(tv, ts) };

	return fd_checked_k("futimes", fd, &k) ? RP_REAL(futimes)(fd, tv) : -1;
}

RP_EXPORT int
futimens(int fd, const struct timespec ts[2])
{
	struct rp_kattr k = { .op = RP_K_UTIMES, .ts = ts };

	return fd_checked_k("futimens", fd, &k) ? RP_REAL(futimens)(fd, ts) : -1;
}

RP_EXPORT int
utimensat(int dirfd, const char *path, const struct timespec ts[2], int flags)
{
	/* the header says nonnull, glibc checks anyway: keep the check */
	if (!rp_maybe_null(path))	/* glibc refuses it (EINVAL); the raw syscall does not */
		return RP_REAL(utimensat)(dirfd, path, ts, flags);
	return rp_fs_utimensat("utimensat", dirfd, path, ts, flags);
}

int
rp_fs_setxattr(const char *op, const char *path, const char *name, const void *value,
	       size_t size, int flags, int nofollow)
{
	struct rp_obj o = { .op = O_SETXATTR, .name = name, .value = value, .size = size,
			    .flags = flags,
			    .k = { .op = RP_K_SETXATTR, .name = name, .xflags = flags } };

	return obj_checked(op, AT_FDCWD, path, nofollow, &o);
}

int
rp_fs_removexattr(const char *op, const char *path, const char *name, int nofollow)
{
	struct rp_obj o = { .op = O_REMOVEXATTR, .name = name,
			    .k = { .op = RP_K_REMOVEXATTR, .name = name } };

	return obj_checked(op, AT_FDCWD, path, nofollow, &o);
}

RP_EXPORT int
setxattr(const char *p, const char *n, const void *v, size_t s, int fl)
{
	return rp_fs_setxattr("setxattr", p, n, v, s, fl, 0);
}

RP_EXPORT int
lsetxattr(const char *p, const char *n, const void *v, size_t s, int fl)
{
	return rp_fs_setxattr("lsetxattr", p, n, v, s, fl, 1);
}

int
rp_fs_fsetxattr(const char *op, int fd, const char *name, const void *value, size_t size,
		int flags)
{
	struct rp_kattr k = { .op = RP_K_SETXATTR, .name = name, .xflags = flags, .is_fd = 1 };
	unsigned char buf[RP_ACL_MAX];
	struct rp_at at;
	const void *v = value;
	int w, e;

	rp_ensure_init();
	if (rp_in_shim)
		return RP_REAL(fsetxattr)(fd, name, value, size, flags);
	w = rp_at_fd(&at, fd);
	if (w == RP_OUTSIDE && (e = rp_kerr_attr(&at, &k)) > 0) {
		errno = e;
		return -1;
	}
	if (go_for(op, &at, w, NULL) == GO_FAIL)
		return -1;
	if (w == RP_INSIDE && !(v = xattr_value(op, &at, name, value, size, buf)) && value)
		return -1;
	return RP_REAL(fsetxattr)(fd, name, v, size, flags);
}

RP_EXPORT int
fsetxattr(int fd, const char *n, const void *v, size_t s, int fl)
{
	return rp_fs_fsetxattr("fsetxattr", fd, n, v, s, fl);
}

RP_EXPORT int removexattr(const char *p, const char *n) { return rp_fs_removexattr("removexattr", p, n, 0); }
RP_EXPORT int lremovexattr(const char *p, const char *n) { return rp_fs_removexattr("lremovexattr", p, n, 1); }

RP_EXPORT int
fremovexattr(int fd, const char *n)
{
	struct rp_kattr k = { .op = RP_K_REMOVEXATTR, .name = n };

	return fd_checked_k("fremovexattr", fd, &k) ? RP_REAL(fremovexattr)(fd, n) : -1;
}

/* ---- shared memory: /dev/shm names (rt/shm_open.c, sem_open.c) ----------- */

/* "/dev/shm/" + prefix + name without its leading slashes, or -1 when
 * glibc would refuse the name itself (it then answers EINVAL). */
static int
shm_path(const char *name, const char *prefix, char *out, size_t outsz)
{
	size_t n, pl = strlen(prefix);

	if (!name)
		return -1;
	while (*name == '/')
		name++;
	n = strlen(name);
	if (n == 0 || strchr(name, '/') || 9 + pl + n + 1 > outsz)
		return -1;
	memcpy(out, "/dev/shm/", 9);
	memcpy(out + 9, prefix, pl);
	memcpy(out + 9 + pl, name, n + 1);
	return 0;
}

RP_EXPORT int
shm_open(const char *name, int oflag, mode_t mode)
{
	char p[300];
	int fd;

	rp_ensure_init();
	if (rp_in_shim || !rp_write_intent(oflag) || shm_path(name, "", p, sizeof(p)) != 0)
		return RP_REAL(shm_open)(name, oflag, mode);
	fd = open_checked("shm_open", AT_FDCWD, p, oflag | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 && errno == EISDIR)
		errno = EINVAL;		/* as glibc says for a directory */
	return fd;
}

RP_EXPORT int
shm_unlink(const char *name)
{
	char p[300];
	int r;

	rp_ensure_init();
	if (rp_in_shim || shm_path(name, "", p, sizeof(p)) != 0)
		return RP_REAL(shm_unlink)(name);
	r = rp_fs_unlinkat("shm_unlink", AT_FDCWD, p, 0);
	if (r < 0 && errno == EPERM)
		errno = EACCES;		/* rt/shm_unlink.c does the same */
	return r;
}

/* sem_open always maps its file read-write, created or not: decide on the
 * directory the semaphore file lives in, then let glibc do its temp file
 * and link dance there. */
RP_EXPORT sem_t *
sem_open(const char *name, int oflag, ...)
{
	mode_t mode = 0;
	unsigned int value = 0;
	char p[300];
	struct rp_at at;
	enum rp_go go;

	if (oflag & O_CREAT) {
		va_list ap;

		va_start(ap, oflag);
		mode = va_arg(ap, mode_t);
		value = va_arg(ap, unsigned int);
		va_end(ap);
	}
	rp_ensure_init();
	if (!rp_in_shim && shm_path(name, "sem.", p, sizeof(p)) == 0) {
		int w = rp_at_parent(&at, AT_FDCWD, p);

		if (w == RP_OUTSIDE) {
			/* glibc's answers for a name that is missing or taken
			 * (nptl/sem_open.c): the kernel's, not a denial */
			struct stat st;
			int there = !RP_RAW_ERR(rp_raw4(SYS_newfstatat, at.fd, at.leaf, &st, 0));

			if ((!there && !(oflag & O_CREAT)) ||
			    (there && (oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))) {
				rp_at_release(&at);
				errno = there ? EEXIST : ENOENT;
				return SEM_FAILED;
			}
		}
		go = go_for("sem_open", &at, w, NULL);
		rp_at_release(&at);
		if (go == GO_FAIL)
			return SEM_FAILED;
	}
	return RP_REAL(sem_open)(name, oflag, mode, value);
}

RP_EXPORT int
sem_unlink(const char *name)
{
	char p[300];

	rp_ensure_init();
	if (rp_in_shim || shm_path(name, "sem.", p, sizeof(p)) != 0)
		return RP_REAL(sem_unlink)(name);
	return rp_fs_unlinkat("sem_unlink", AT_FDCWD, p, 0);
}

/* ---- bind(AF_UNIX) ------------------------------------------------------------ */

/* Only a pathname AF_UNIX address creates a file (unix(7)); abstract names
 * (sun_path[0] == 0) and autobind do not.  The decision is on the socket
 * file's directory; bind itself keeps the caller's name (a copy), because
 * the bound name is visible to peers: a residual window on the directory
 * path, which the loader's Landlock MAKE_SOCK right closes (notes, E30). */
int
rp_fs_bind(const char *op, int fd, const struct sockaddr *addr, unsigned int len)
{
	struct sockaddr_un sun;
	struct rp_at at;
	size_t off = offsetof(struct sockaddr_un, sun_path), n;
	enum rp_go go;
	int w, k;

	rp_ensure_init();
	if (rp_in_shim || !addr || len <= off || len > sizeof(sun) ||
	    addr->sa_family != AF_UNIX)
		return RP_REAL(bind)(fd, addr, len);
	memcpy(&sun, addr, len);
	if (sun.sun_path[0] == '\0')
		return RP_REAL(bind)(fd, addr, len);
	{
		char p[sizeof(sun.sun_path) + 1];

		n = len - off;
		memcpy(p, sun.sun_path, n);
		p[n] = '\0';
		w = rp_at_parent(&at, AT_FDCWD, p);
	}
	if (w == RP_OUTSIDE && (k = rp_kerr_entry(&at, RP_K_BIND, 0)) > 0) {
		rp_at_release(&at);
		errno = k == EEXIST ? EADDRINUSE : k;	/* unix(7): an existing name */
		return -1;
	}
	go = go_for(op, &at, w, NULL);
	rp_at_release(&at);
	if (go == GO_FAIL)
		return -1;
	return RP_REAL(bind)(fd, (const struct sockaddr *)&sun, len);
}

RP_EXPORT int
bind(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	return rp_fs_bind("bind", fd, addr.__sockaddr__, len);
}

/* ---- posix_spawn_file_actions_addopen -------------------------------------- */

/* The open runs in the spawned child, where no wrapper runs (spawni.c):
 * decide in the parent at add time, against the parent's cwd now.
 * Returns an error number, as the posix_spawn functions do. */
/* The path the child will open.  A relative one was decided against the
 * parent's cwd now; the child resolves it after an earlier addchdir_np
 * action, or after the parent changed directory before spawning, and
 * could land elsewhere.  So it gets the absolute name that was decided
 * (glibc strdup()s it at add time: posix/spawn_faction_addopen.c). */
static const char *
spawn_path(struct rp_at *at, const char *path, char abs[RP_PATH_MAX])
{
	size_t n, plen;
	long r;

	if (!at->path[0])
		return path;
	if (at->path[0] == '/')
		return at->path;
	r = rp_raw2(SYS_getcwd, abs, RP_PATH_MAX);
	plen = strlen(at->path);
	if (RP_RAW_ERR(r) || abs[0] != '/')
		return at->path;
	n = strlen(abs);
	if (n + 1 + plen + 1 > RP_PATH_MAX)
		return at->path;
	abs[n] = '/';
	memcpy(abs + n + 1, at->path, plen + 1);
	return abs;
}

RP_EXPORT int
posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path,
				 int oflag, mode_t mode)
{
	char abs[RP_PATH_MAX];
	struct rp_at at;
	int w;

	rp_ensure_init();
	if (rp_in_shim || !rp_write_intent(oflag))
		return RP_REAL(posix_spawn_file_actions_addopen)(fa, fd, path, oflag, mode);
	w = rp_open_where(&at, AT_FDCWD, path, oflag);
	if (w == RP_INSIDE && __OPEN_NEEDS_MODE(oflag)) {
		struct rp_create c = { "posix_spawn_file_actions_addopen", 1, 0, excl_open(oflag) };

		if (!rp_perm_gate(&at, &c, &mode))
			return errno;
	}
	if (w == RP_OUTSIDE &&
	    rp_refuse("posix_spawn_file_actions_addopen", at.abs, NULL, NULL, -1, EACCES))
		return EACCES;
	/* RP_FAIL (e.g. no such directory yet): the child's open will answer */
	return RP_REAL(posix_spawn_file_actions_addopen)(fa, fd, spawn_path(&at, path, abs), oflag,
							  mode);
}
