/* fs.c - the file wrappers: every libc entry point that creates or changes
 * a file (symbols.h, RP_FILE_SYMBOLS), allowed only beneath a WritablePath.
 *
 * Each wrapper copies its path arguments (resolve.h: struct rp_at), asks
 * resolve.c where the kernel would act, and then acts on the directory or
 * object fd that the decision itself returned: mkdirat(fd, leaf),
 * renameat2(fd, leaf, fd2, leaf2), fchownat(fd, "", AT_EMPTY_PATH),
 * truncate("/proc/self/fd/N"), and for opens the fd openat2 returned.  So
 * there is no window between check and use (docs/threat-model.md, R11).
 *
 * glibc reaches the kernel through hidden aliases (__open, __unlink,
 * __mknodat: io/ and libio/ in glibc 2.36), so each public name needs its own
 * wrapper; here several names share one body through small functions.
 *
 * Rules for this file: no malloc, no locks, no stdio on the app's streams
 * (wrappers run in vfork children and signal handlers); errno is the
 * kernel's answer or EACCES for a denial; a denied call has no effect.
 * Read-only opens go straight to the real function with no extra syscall.
 */
#undef _FORTIFY_SOURCE	/* we define open/openat, which fortify wraps inline */
#include "fsparts.h"

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
#include "refuse.h"
#include "resolve.h"
#include "rules.h"
#include "shim.h"

/* Names without a prototype in the 2.36 headers (glibc's internal and
 * fortified entry points, io/open.c and debug/open_chk.c). */
int __open(const char *, int, ...);
int __open64(const char *, int, ...);
int __open_2(const char *, int);
int __open64_2(const char *, int);
int __openat_2(int, const char *, int);
int __openat64_2(int, const char *, int);
int __xmknod(int, const char *, mode_t, dev_t *);
int __xmknodat(int, int, const char *, mode_t, dev_t *);

enum rp_go
rp_fs_go(const char *op, struct rp_at *at, int where, const struct rp_at *other)
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
int
rp_fs_done(int r, struct rp_at *a, struct rp_at *b)
{
	rp_at_release(a);
	if (b)
		rp_at_release(b);
	return r;
}

/* ---- open family --------------------------------------------------------- */

/* An open that fails on an existing entry. */
int
rp_fs_excl_open(int flags)
{
	return ((flags & O_CREAT) && (flags & O_EXCL)) || (flags & O_TMPFILE) == O_TMPFILE;
}

__attribute__((noinline)) int
rp_fs_open_checked(const char *op, int dirfd, const char *path, int flags, mode_t mode)
{
	struct rp_at at;
	struct rp_create c = { op, 1, 0, rp_fs_excl_open(flags) };
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
	struct rp_create c = { op, 1, 0, rp_fs_excl_open((int)how->flags) };
	enum rp_where w;
	mode_t mode = (mode_t)how->mode;
	int fd;

	rp_ensure_init();
	if (rp_in_shim)
		return (int)RP_REAL(syscall)(SYS_openat2, dirfd, path, how, sizeof(*how));
	if (!how->resolve)
		return rp_fs_open_checked(op, dirfd, path, (int)how->flags, mode);
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
	return rp_fs_open_checked(op, dirfd, path, flags, mode);
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
	fd = rp_fs_open_checked(op, AT_FDCWD, path, flags, 0666);
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
	fd = rp_fs_open_checked(op, AT_FDCWD, path, flags, 0666);
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
	fd = rp_fs_open_checked(op, AT_FDCWD, P_tmpdir, O_RDWR | O_TMPFILE | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EISDIR || errno == EOPNOTSUPP)) {
		struct rp_at at;
		int w = rp_at_object(&at, AT_FDCWD, P_tmpdir, 0);
		enum rp_go go = rp_fs_go(op, &at, w, NULL);

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
			r = rp_fs_mkdir_checked(op, AT_FDCWD, tmpl, 0700);
		else
			r = rp_fs_open_checked(op, AT_FDCWD, tmpl,
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
