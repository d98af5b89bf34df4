/* fsobject.c - the file wrappers that change an existing file: truncate,
 * chown, utimes, xattrs (fsparts.h).
 */
#undef _FORTIFY_SOURCE	/* we define functions the fortified headers wrap */
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

#include "rawsys.h"
#include "refuse.h"
#include "resolve.h"
#include "rules.h"
#include "shim.h"

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
		return rp_refuse(op, at->abs, NULL, RP_RULE(WX_MODE), -1, EACCES) ? NULL : value;
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
	rp_fixed_exec_bits(op, at->abs[0] ? at->abs : NULL, -1,
			   "exec bits cleared from the access ACL");
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
			return rp_fs_done(k > 0 ? -1 : 0, &at, NULL);
		}
	}
	go = rp_fs_go(op, &at, w, NULL);
	if (go == GO_ACT && o->op == O_SETXATTR && w == RP_INSIDE)
		return rp_fs_done(setxattr_act(op, &at, o, nofollow), &at, NULL);
	if (go == GO_ACT)
		return rp_fs_done(obj_act(o, at.fd, nofollow), &at, NULL);
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
	return rp_fs_go(op, &at, w, NULL) != GO_FAIL;
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
	if (rp_fs_go(op, &at, w, NULL) == GO_FAIL)
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
