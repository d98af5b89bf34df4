/* fsentry.c - the file wrappers that create or remove a directory
 * entry (mkdir, mknod, mkfifo, unlink, rmdir, remove, symlink) or act on
 * two names (rename, link): judged and done at the decision's fd
 * (fsparts.h).
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

/* Names without a prototype in the 2.36 headers (io/xmknod.c: compat
 * symbols since 2.33). */
int __xmknod(int, const char *, mode_t, dev_t *);
int __xmknodat(int, int, const char *, mode_t, dev_t *);

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
			return rp_fs_done(-1, &at, NULL);
		}
	}
	go = rp_fs_go(op, &at, w, NULL);
	if (go == GO_ACT && (e->op == E_MKDIR || e->op == E_MKNOD || e->op == E_XMKNOD ||
			     e->op == E_MKFIFO)) {
		struct rp_create c = { op, e->op != E_MKDIR && e->op != E_MKFIFO &&
					   mknod_is_file(e->mode),
				       e->op == E_MKDIR, 1 };
		struct rp_entry adj = *e;

		if (!rp_perm_gate(&at, &c, &adj.mode))
			return rp_fs_done(-1, &at, NULL);
		return rp_fs_done(entry_act(&adj, at.fd, at.leaf), &at, NULL);
	}
	if (go == GO_ACT)
		return rp_fs_done(entry_act(e, at.fd, at.leaf), &at, NULL);
	rp_at_release(&at);
	return go == GO_REAL ? entry_act(e, dirfd, at.path) : -1;
}

int
rp_fs_mkdir_checked(const char *op, int dirfd, const char *path, mode_t mode)
{
	struct rp_entry e = { .op = E_MKDIR, .mode = mode };

	return entry_checked(op, dirfd, path, &e);
}

int
rp_fs_mkdirat(const char *op, int dirfd, const char *path, mode_t mode)
{
	return rp_fs_mkdir_checked(op, dirfd, path, mode);
}

RP_EXPORT int mkdir(const char *p, mode_t m) { return rp_fs_mkdir_checked("mkdir", AT_FDCWD, p, m); }
RP_EXPORT int mkdirat(int d, const char *p, mode_t m) { return rp_fs_mkdir_checked("mkdirat", d, p, m); }

int
rp_fs_mknodat(const char *op, int dirfd, const char *path, mode_t mode, dev_t dev)
{
	struct rp_entry e = { .op = E_MKNOD, .mode = mode, .dev = dev };

	return entry_checked(op, dirfd, path, &e);
}

RP_EXPORT int mknod(const char *p, mode_t m, dev_t d) { return rp_fs_mknodat("mknod", AT_FDCWD, p, m, d); }
RP_EXPORT int mknodat(int fd, const char *p, mode_t m, dev_t d) { return rp_fs_mknodat("mknodat", fd, p, m, d); }

/* Binaries built against glibc <= 2.32 call these (io/xmknod.c, a
 * compat symbol since 2.33). */
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
		return rp_fs_done(-1, &o, &n);
	}
	if (wo != RP_INSIDE || wn != RP_INSIDE) {
		int k = rp_kerr_rename(&o, &n, flags);

		if (k != 0) {
			errno = k > 0 ? k : errno;
			return rp_fs_done(k > 0 ? -1 : 0, &o, &n);
		}
	}
	go = wo == RP_INSIDE && wn == RP_INSIDE ? GO_ACT : rp_fs_go(op, &n, RP_OUTSIDE, &o);
	if (go == GO_ACT)
		return rp_fs_done(flags ? RP_REAL(renameat2)(o.fd, o.leaf, n.fd, n.leaf, flags) :
			    RP_REAL(renameat)(o.fd, o.leaf, n.fd, n.leaf), &o, &n);
	rp_fs_done(0, &o, &n);
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
 * that file writable through the new name: docs/threat-model.md, R10).  The old side
 * is the object itself: linkat(fd, "", AT_EMPTY_PATH) for O_TMPFILE files
 * (R13), or /proc/self/fd/N, which links what N is. */
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
		return rp_fs_done(-1, &o, &n);
	}
	if (wo != RP_INSIDE || wn != RP_INSIDE) {
		int k = rp_kerr_link(&o, &n);

		if (k > 0) {
			errno = k;
			return rp_fs_done(-1, &o, &n);
		}
	}
	go = wo == RP_INSIDE && wn == RP_INSIDE ? GO_ACT : rp_fs_go(op, &n, RP_OUTSIDE, &o);
	if (go == GO_ACT) {
		if (empty)
			return rp_fs_done(RP_REAL(linkat)(odir, "", n.fd, n.leaf, AT_EMPTY_PATH), &o, &n);
		return rp_fs_done(RP_REAL(linkat)(AT_FDCWD, rp_fd_path(l, o.fd), n.fd, n.leaf,
					    AT_SYMLINK_FOLLOW), &o, &n);
	}
	rp_fs_done(0, &o, &n);
	return go == GO_FAIL ? -1 : RP_REAL(linkat)(odir, empty ? "" : o.path, ndir, n.path, flags);
}

RP_EXPORT int link(const char *o, const char *n) { return rp_fs_linkat("link", AT_FDCWD, o, AT_FDCWD, n, 0); }
RP_EXPORT int linkat(int od, const char *o, int nd, const char *n, int fl) { return rp_fs_linkat("linkat", od, o, nd, n, fl); }
