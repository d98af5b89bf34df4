/* kernerr.c - what the kernel would answer to a call the policy refuses.
 *
 * A denial is only for an operation that would otherwise succeed: where
 * the kernel would refuse anyway (EEXIST, ENOENT, ENOTDIR, EISDIR,
 * ENOTEMPTY, EXDEV, EROFS, EPERM for a file the caller does not own...),
 * the caller gets the kernel's own errno, with or without the shim
 * (docs/threat-model.md, "Errors").  So `mkdir(d) && errno != EEXIST`
 * works on a directory that exists in a read-only place.
 *
 * Each function is called only after the decision said RP_OUTSIDE, with
 * the decision's O_PATH fds, and learns the answer without side effects:
 * fstatat, statx, fstatfs, faccessat2, getxattr and getdents on the same
 * objects.  None of them tells the caller more than a stat or a read it
 * may already do (reads are never interposed); when a check cannot be
 * made (no read permission on a directory to see whether it is empty)
 * the answer is 0: a plain denial.
 *
 * The order of the checks follows the kernel's (fs/namei.c do_mkdirat,
 * do_unlinkat, do_rmdir, do_renameat2, do_linkat, may_delete; fs/attr.c
 * setattr_prepare; fs/open.c do_sys_truncate; fs/xattr.c), so that when
 * several answers apply the kernel's first one wins.
 *
 * No allocation, no locks, no stdio, raw syscalls only (rawsys.h).
 */
#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/stat.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>

#include "moderule.h"
#include "rawsys.h"
#include "shim.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#endif
#ifndef ST_RDONLY
#define ST_RDONLY 1
#endif

/* The leaf without its trailing slashes, and whether it had any. */
struct leaf {
	char name[256 + 1];	/* NAME_MAX + 1: a longer one is ENAMETOOLONG */
	int slash;
	int dots;		/* 1 for ".", 2 for "..", 3 for "/" (no component) */
	int toolong;
};

static void
leaf_of(const char *s, struct leaf *l)
{
	size_t n = strlen(s);

	l->slash = 0;
	l->dots = 0;
	l->toolong = 0;
	while (n > 0 && s[n - 1] == '/') {
		n--;
		l->slash = 1;
	}
	if (n == 0) {
		/* "/": the root itself, or an empty leaf */
		l->dots = 3;
		l->name[0] = '.';
		l->name[1] = '\0';
		return;
	}
	if (n > 255) {
		l->toolong = 1;
		n = 0;
	}
	memcpy(l->name, s, n);
	l->name[n] = '\0';
	if (n == 1 && s[0] == '.')
		l->dots = 1;
	else if (n == 2 && s[0] == '.' && s[1] == '.')
		l->dots = 2;
}

/* lstat of the entry: 0 and *st, or a positive errno. */
static int
entry_stat(int dirfd, const struct leaf *l, struct stat *st)
{
	long r = rp_raw4(SYS_newfstatat, dirfd, l->name, st, AT_SYMLINK_NOFOLLOW);

	return RP_RAW_ERR(r) ? (int)-r : 0;
}

static int
fd_stat(int fd, struct stat *st)
{
	return RP_RAW_ERR(rp_raw2(SYS_fstat, fd, st)) ? -1 : 0;
}

/* The mount fd lives on is read-only. */
static int
read_only(int fd)
{
	struct statfs sf;

	return !RP_RAW_ERR(rp_raw2(SYS_fstatfs, fd, &sf)) && (sf.f_flags & ST_RDONLY);
}

/* The mount of fd: its id (statx), or its device when statx cannot say. */
static unsigned long long
mount_of(int fd)
{
	struct statx sx;
	struct stat st;

	memset(&sx, 0, sizeof(sx));
	if (!RP_RAW_ERR(rp_raw5(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx)) &&
	    (sx.stx_mask & STATX_MNT_ID))
		return sx.stx_mnt_id;
	if (fd_stat(fd, &st) != 0)
		return 0;
	return 1ULL << 63 | st.st_dev;
}

/* May the caller write and search directory fd (the kernel's may_create
 * and may_delete permission check)?  1 when it may, or when it cannot be
 * told. */
static int
dir_writable(int fd)
{
	long r = rp_raw5(SYS_faccessat2, fd, "", W_OK | X_OK, AT_EACCESS | AT_EMPTY_PATH, 0);

	return !(RP_RAW_ERR(r) && r == -EACCES);
}

static int
has_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (RP_RAW_ERR(rp_raw2(SYS_capget, &h, d)))
		return 0;
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

static int
owner_or_fowner(const struct stat *st)
{
	return (unsigned long)rp_raw0(SYS_geteuid) == st->st_uid || has_cap(CAP_FOWNER);
}

static int
in_group(gid_t g)
{
	gid_t list[256];
	long n, i;

	if ((gid_t)rp_raw0(SYS_getegid) == g)
		return 1;
	n = rp_raw2(SYS_getgroups, 256, list);
	if (RP_RAW_ERR(n))
		return 1;	/* cannot tell: let the denial answer */
	for (i = 0; i < n; i++)
		if (list[i] == g)
			return 1;
	return 0;
}

/* 1 if directory `name` beneath dirfd holds anything but "." and "..",
 * 0 if empty or when it cannot be read. */
static int
dir_nonempty(int dirfd, const char *name)
{
	char buf[1024];
	long fd, n, off;
	int found = 0;

	fd = rp_raw4(SYS_openat, dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
	if (RP_RAW_ERR(fd))
		return 0;
	while (!found && (n = rp_raw3(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n;) {
			/* struct linux_dirent64: ino 8, off 8, reclen 2, type 1, name */
			unsigned short reclen;
			const char *nm = buf + off + 19;

			memcpy(&reclen, buf + off + 16, sizeof(reclen));
			if (!(nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0')))) {
				found = 1;
				break;
			}
			off += reclen;
		}
	}
	rp_raw1(SYS_close, fd);
	return found;
}

int
rp_kerr_entry(const struct rp_at *at, enum rp_kentry op, mode_t mode)
{
	struct leaf l;
	struct stat st, pst;
	int e;

	leaf_of(at->leaf, &l);
	if (l.toolong)
		return ENAMETOOLONG;
	if (op == RP_K_MKNOD) {
		/* may_mknod, before the name is looked up */
		switch (mode & S_IFMT) {
		case 0: case S_IFREG: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
			break;
		case S_IFDIR:
			return EPERM;
		default:
			return EINVAL;
		}
	}
	if (op == RP_K_UNLINK || op == RP_K_RMDIR || op == RP_K_REMOVE) {
		if (l.dots) {
			if (op == RP_K_UNLINK)
				return EISDIR;
			if (op == RP_K_REMOVE && l.dots != 2)
				return l.dots == 1 ? EINVAL : EBUSY;
			return l.dots == 1 ? EINVAL : l.dots == 2 ? ENOTEMPTY : EBUSY;
		}
		if (read_only(at->fd))
			return EROFS;
		e = entry_stat(at->fd, &l, &st);
		if (e)
			return e;
		if (op == RP_K_REMOVE)	/* glibc: unlink, and rmdir after EISDIR */
			op = S_ISDIR(st.st_mode) ? RP_K_RMDIR : RP_K_UNLINK;
		if (op == RP_K_UNLINK && l.slash)
			return S_ISDIR(st.st_mode) ? EISDIR : ENOTDIR;
		if (!dir_writable(at->fd))
			return EACCES;
		if (op == RP_K_UNLINK)
			return S_ISDIR(st.st_mode) ? EISDIR : 0;
		if (!S_ISDIR(st.st_mode))
			return ENOTDIR;
		if (fd_stat(at->fd, &pst) == 0 && pst.st_dev != st.st_dev)
			return EBUSY;	/* a mount point */
		return dir_nonempty(at->fd, l.name) ? ENOTEMPTY : 0;
	}
	/* creations: mkdir, mknod, mkfifo, symlink, bind, the new name of link */
	if (l.dots)
		return EEXIST;
	e = entry_stat(at->fd, &l, &st);
	if (e == 0)
		return EEXIST;
	if (e != ENOENT)
		return e;
	if (l.slash && op != RP_K_MKDIR)
		return ENOENT;	/* only mkdir may name its new entry with a slash */
	if (read_only(at->fd))
		return EROFS;
	if (op == RP_K_MKNOD && (S_ISCHR(mode) || S_ISBLK(mode)) && dir_writable(at->fd) &&
	    !has_cap(CAP_MKNOD))
		return EPERM;
	return 0;
}

int
rp_kerr_rename(const struct rp_at *o, const struct rp_at *n, unsigned int flags)
{
	struct leaf lo, ln;
	struct stat so, sn;
	int eo, en;

	leaf_of(o->leaf, &lo);
	leaf_of(n->leaf, &ln);
	if (mount_of(o->fd) != mount_of(n->fd))
		return EXDEV;
	if (lo.dots || ln.dots)
		return EBUSY;
	if (lo.toolong || ln.toolong)
		return ENAMETOOLONG;
	if (read_only(o->fd))
		return EROFS;
	eo = entry_stat(o->fd, &lo, &so);
	if (eo)
		return eo;
	en = entry_stat(n->fd, &ln, &sn);
	if (en && en != ENOENT)
		return en;
	if ((flags & RENAME_NOREPLACE) && !en)
		return EEXIST;
	if (flags & RENAME_EXCHANGE) {
		if (en)
			return ENOENT;
		if (!S_ISDIR(sn.st_mode) && ln.slash)
			return ENOTDIR;
	}
	if (!S_ISDIR(so.st_mode) && (lo.slash || (!(flags & RENAME_EXCHANGE) && ln.slash)))
		return ENOTDIR;
	if (!en && so.st_dev == sn.st_dev && so.st_ino == sn.st_ino)
		return RP_KERR_NOOP;	/* vfs_rename: the same inode, nothing to do */
	if (!dir_writable(o->fd) || !dir_writable(n->fd))
		return EACCES;
	if (!en && !(flags & RENAME_EXCHANGE)) {
		if (S_ISDIR(so.st_mode) && !S_ISDIR(sn.st_mode))
			return ENOTDIR;
		if (!S_ISDIR(so.st_mode) && S_ISDIR(sn.st_mode))
			return EISDIR;
		if (S_ISDIR(sn.st_mode) && dir_nonempty(n->fd, ln.name))
			return ENOTEMPTY;
	}
	return 0;
}

/* fs.protected_hardlinks (fs/namei.c may_linkat), read once. */
static int
protected_hardlinks(void)
{
	static int cached = -1;
	char c = '1';
	long fd;

	if (cached >= 0)
		return cached;
	fd = rp_raw4(SYS_openat, AT_FDCWD, "/proc/sys/fs/protected_hardlinks",
		     O_RDONLY | O_CLOEXEC, 0);
	if (!RP_RAW_ERR(fd)) {
		if (rp_raw3(SYS_read, fd, &c, 1) != 1)
			c = '1';
		rp_raw1(SYS_close, fd);
	}
	cached = c != '0';
	return cached;
}

int
rp_kerr_link(const struct rp_at *o, const struct rp_at *n)
{
	struct stat so;
	int e = rp_kerr_entry(n, RP_K_LINK, 0);

	if (e)
		return e;
	if (mount_of(o->fd) != mount_of(n->fd))
		return EXDEV;
	if (fd_stat(o->fd, &so) != 0)
		return 0;
	if (protected_hardlinks() && !owner_or_fowner(&so)) {
		char l[32];

		if (!S_ISREG(so.st_mode) || rp_mode_setid_exec(so.st_mode) ||
		    RP_RAW_ERR(rp_raw4(SYS_faccessat2, AT_FDCWD, rp_fd_path(l, o->fd),
				       R_OK | W_OK, AT_EACCESS)))
			return EPERM;
	}
	if (!dir_writable(n->fd))
		return EACCES;
	return S_ISDIR(so.st_mode) ? EPERM : 0;
}

int
rp_kerr_open(const struct rp_at *at, int flags, int exists)
{
	int acc = flags & O_ACCMODE;
	struct stat st;

	if (!exists) {		/* a new entry beneath directory at->fd */
		size_t n = strlen(at->leaf);

		if (n > 0 && at->leaf[n - 1] == '/')
			return EISDIR;	/* open_last_lookups: O_CREAT on "name/" */
		return read_only(at->fd) ? EROFS : 0;
	}
	/* the decision has stat'ed the object already (rp_classify) */
	if (at->st_mode)
		st.st_mode = at->st_mode;
	else if (fd_stat(at->fd, &st) != 0)
		return 0;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return read_only(at->fd) ? EROFS : 0;
	if (S_ISDIR(st.st_mode) &&
	    (acc != O_RDONLY || (flags & (O_CREAT | O_TRUNC))))
		return EISDIR;
	/* special files change no file; a regular one on a read-only mount */
	if ((S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) && read_only(at->fd))
		return EROFS;
	return 0;
}

static int
nsec_ok(long ns)
{
	return (ns >= 0 && ns <= 999999999) || ns == UTIME_NOW || ns == UTIME_OMIT;
}

int
rp_kerr_attr(const struct rp_at *at, const struct rp_kattr *k)
{
	struct stat st;

	if (k->is_fd) {
		long fl = rp_raw2(SYS_fcntl, at->fd, F_GETFL);

		if (!RP_RAW_ERR(fl) && (fl & O_PATH))
			return EBADF;	/* the f* calls refuse O_PATH descriptors */
	}
	if (k->op == RP_K_UTIMES && k->ts) {
		if (!nsec_ok(k->ts[0].tv_nsec) || !nsec_ok(k->ts[1].tv_nsec))
			return EINVAL;
		if (k->ts[0].tv_nsec == UTIME_OMIT && k->ts[1].tv_nsec == UTIME_OMIT)
			return RP_KERR_NOOP;	/* fs/utimes.c: nothing to change */
	}
	if (k->op == RP_K_TRUNCATE && k->len < 0)
		return EINVAL;
	if (fd_stat(at->fd, &st) != 0)
		return 0;
	if (k->op == RP_K_TRUNCATE) {
		if (S_ISDIR(st.st_mode))
			return EISDIR;
		if (!S_ISREG(st.st_mode))
			return EINVAL;
	}
	if (k->op == RP_K_CHMOD && S_ISLNK(st.st_mode))
		return EOPNOTSUPP;
	if (read_only(at->fd))
		return EROFS;
	switch (k->op) {
	case RP_K_CHMOD:
		return owner_or_fowner(&st) ? 0 : EPERM;
	case RP_K_CHOWN:
		/* fs/attr.c chown_ok, chgrp_ok: any uid or gid given, even the
		 * current one, asks for the owner (or CAP_CHOWN) */
		if ((k->uid == (uid_t)-1 && k->gid == (gid_t)-1) || has_cap(CAP_CHOWN))
			return 0;
		if ((unsigned long)rp_raw0(SYS_geteuid) != st.st_uid)
			return EPERM;
		if (k->uid != (uid_t)-1 && k->uid != st.st_uid)
			return EPERM;
		if (k->gid != (gid_t)-1 && k->gid != st.st_gid && !in_group(k->gid))
			return EPERM;
		return 0;
	case RP_K_UTIMES:
		if (k->ts && !(k->ts[0].tv_nsec == UTIME_NOW && k->ts[1].tv_nsec == UTIME_NOW) &&
		    !owner_or_fowner(&st))
			return EPERM;
		return 0;
	case RP_K_SETXATTR:
	case RP_K_REMOVEXATTR: {
		char l[32];
		long r;

		if (!k->name)
			return EFAULT;
		if (strncmp(k->name, "user.", 5) != 0 && strncmp(k->name, "trusted.", 8) != 0 &&
		    strncmp(k->name, "security.", 9) != 0 && strncmp(k->name, "system.", 7) != 0)
			return EOPNOTSUPP;
		if (strncmp(k->name, "user.", 5) == 0 && !S_ISREG(st.st_mode) &&
		    !S_ISDIR(st.st_mode))
			return EPERM;
		if (strncmp(k->name, "trusted.", 8) == 0 && !has_cap(CAP_SYS_ADMIN))
			return EPERM;
		r = rp_raw4(SYS_getxattr, rp_fd_path(l, at->fd), k->name, NULL, 0);
		if (k->op == RP_K_REMOVEXATTR || (k->xflags & XATTR_REPLACE))
			return r == -ENODATA ? ENODATA : 0;
		if ((k->xflags & XATTR_CREATE) && !RP_RAW_ERR(r))
			return EEXIST;
		return 0;
	}
	default:
		return 0;
	}
}
