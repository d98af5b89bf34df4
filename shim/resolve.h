/* resolve.h - where would the kernel really act?
 *
 * The decision engine behind every file wrapper.  A path is never judged
 * by its spelling alone (docs/threat-model.md, R11, R12, R15-R17): the
 * spelling only picks the writable root to anchor at, and the kernel then
 * resolves the rest beneath the descriptor the shim holds on that root
 * (roots.h) with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) (notes,
 * section 4 B): an allowed open is that one system call.  The wrapper then
 * acts on the fd the kernel returned, so there is no window between check
 * and use.
 *
 * When openat2 is missing (ENOSYS) or refused by a container's seccomp
 * profile (EPERM), when the spelling names no root, or when openat2 says
 * EXDEV/ELOOP (an absolute symlink, a magic link such as /proc/self/fd/N,
 * /dev/fd/N, /proc/self/root), the engine falls back to section 4 C/E:
 * open the object or its parent directory the way the kernel would
 * (following everything), then ask the kernel for that object's name
 * (readlink of /proc/self/fd/N, i.e. d_path) and match it against the
 * roots' canonical names.  The wrapper again acts on that fd.
 *
 * Nothing here allocates, locks or uses stdio: wrappers run in vfork
 * children and signal handlers.  All kernel calls are raw (rawsys.h).
 */
#ifndef RAMPART_RESOLVE_H
#define RAMPART_RESOLVE_H

#include <fcntl.h>
#include <sys/types.h>

#include "fdname.h"
#include "policy.h"
#include "roots.h"

enum rp_where {
	RP_FAIL = -1,		/* the kernel refused; at->err is its errno */
	RP_OUTSIDE = 0,		/* would modify something outside the roots */
	RP_INSIDE = 1,		/* beneath a writable root: act on at->fd */
	RP_NOTFILE = 2,		/* pipe, socket, tty, device: not a file change */
};

/* Events show at most 1024 bytes of a path (event.c), so the spelling
 * kept for them is bounded too: wrappers run on small signal stacks
 * (sigaltstack, often 8-16 KB), and every byte here is stack. */
#define RP_ABS_MAX 1040

struct rp_at {
	int fd;			/* O_PATH fd: the object, or the parent dir */
	int own;		/* fd must be closed (0 for a root's own fd) */
	const char *leaf;	/* parent mode: entry name beneath fd */
	int root;		/* writable root index, -1 if none */
	int exec_ok;		/* beneath an ExecWritablePath (see exec_known) */
	int exec_known;		/* exec_ok comes from the kernel's name of fd; else
				 * it is only the spelling's hint: rp_at_exec_ok() */
	int err;		/* errno when RP_FAIL */
	unsigned int st_mode;	/* object mode, when known (else 0) */
	char path[RP_PATH_MAX];	/* the caller's path, copied (notes, 2.11) */
	char abs[RP_ABS_MAX];	/* absolute, lexically normalised: for events
				 * (cut when longer) */
	size_t abs_whole;	/* strlen(path) when abs is the whole lexical
				 * form of an absolute path, else 0 */
};

/* Copy `path` into at->path.  Returns 0, or -1 with at->err set to the
 * kernel's answer for it (EFAULT for NULL, ENAMETOOLONG). */
int rp_at_copy(struct rp_at *at, const char *path);

/* Decide for an operation that creates or removes the entry `path`
 * (relative to dirfd) without following it: mkdir, mknod, unlink, rmdir,
 * rename, link, symlink, bind.  On RP_INSIDE act with *at(at->fd, at->leaf). */
int rp_at_parent(struct rp_at *at, int dirfd, const char *path);

/* Decide for an operation on the object `path` names (following a final
 * symlink unless `nofollow`): chmod, chown, utimes, xattrs, truncate.
 * On RP_INSIDE act on at->fd (O_PATH).  at->st_mode is set. */
int rp_at_object(struct rp_at *at, int dirfd, const char *path, int nofollow);

/* Decide for an operation on an open descriptor (fchown, futimens, ...).
 * RP_NOTFILE for pipes, sockets, devices; at->fd is not used. */
int rp_at_fd(struct rp_at *at, int fd);

/* Called once the engine knows where a creating open lands, before the
 * file is created (permission rules on creation modes).  It may lower
 * *mode.  Returns 1 to go on, 0 to stop with errno already set. */
typedef int (*rp_gate_fn)(const struct rp_at *at, void *ctx, mode_t *mode);

/* Open with write intent.  Returns the new fd (allowed, or not a file),
 * or -1 with *where = RP_FAIL (errno set: the kernel's answer or the
 * gate's) or RP_OUTSIDE (the caller denies or, in audit mode, runs the
 * real call with at->path). */
int rp_open_at(struct rp_at *at, int dirfd, const char *path, int flags, mode_t mode,
	       rp_gate_fn gate, void *gate_ctx, enum rp_where *where);

/* rp_open_at for syscall(SYS_openat2) with the caller's own RESOLVE_*
 * flags: every step of the decision resolves with them too, so the
 * caller's restrictions and the policy both hold, on the same objects. */
int rp_open_at_resolve(struct rp_at *at, int dirfd, const char *path, int flags, mode_t mode,
		       unsigned long long resolve, rp_gate_fn gate, void *gate_ctx,
		       enum rp_where *where);

/* Is the decided object (or, in parent mode, the entry) beneath an
 * ExecWritablePath?  Asks the kernel for at->fd's name when the answer so
 * far is only the spelling's: a symlink inside a writable dir can lead
 * from an ExecWritablePath to a plain writable dir (W^X). */
int rp_at_exec_ok(const struct rp_at *at);

/* Decide, without opening, where an open with write intent would land
 * (posix_spawn_file_actions_addopen checks in the parent; syscall(SYS_openat2)
 * with the caller's own RESOLVE_* flags).  at->fd is closed on return. */
int rp_open_where(struct rp_at *at, int dirfd, const char *path, int flags);

/* Close at->fd if owned.  Preserves errno. */
void rp_at_release(struct rp_at *at);


/* ---- the kernel's own refusals (kernerr.c) ------------------------------ */

/* Each returns the errno the kernel would answer for a call the policy
 * refuses (RP_OUTSIDE), learned without side effects from the decision's
 * fds; 0 when the kernel would carry it out (so the denial stands); or
 * RP_KERR_NOOP when it would succeed and change nothing (rename onto the
 * same inode, utimensat with both times UTIME_OMIT). */
#define RP_KERR_NOOP (-1)

enum rp_kentry { RP_K_MKDIR, RP_K_MKNOD, RP_K_SYMLINK, RP_K_LINK, RP_K_BIND, RP_K_UNLINK,
		 RP_K_RMDIR, RP_K_REMOVE };
/* at from rp_at_parent; mode for mknod (its type bits). */
int rp_kerr_entry(const struct rp_at *at, enum rp_kentry op, mode_t mode);
int rp_kerr_rename(const struct rp_at *o, const struct rp_at *n, unsigned int flags);
/* o from rp_at_object (or rp_at_fd), n from rp_at_parent */
int rp_kerr_link(const struct rp_at *o, const struct rp_at *n);
/* at->fd the existing object (exists) or the directory a new entry would
 * be created in */
int rp_kerr_open(const struct rp_at *at, int flags, int exists);

enum rp_kattr_op { RP_K_CHMOD, RP_K_CHOWN, RP_K_UTIMES, RP_K_TRUNCATE, RP_K_SETXATTR,
		   RP_K_REMOVEXATTR, RP_K_OTHER };
struct timespec;
struct rp_kattr {
	enum rp_kattr_op op;
	int is_fd;			/* at->fd is the caller's descriptor */
	unsigned int uid, gid;		/* chown; (unsigned)-1 keeps */
	const struct timespec *ts;	/* utimes; NULL means now */
	long long len;			/* truncate */
	const char *name;		/* xattr name */
	int xflags;			/* XATTR_CREATE, XATTR_REPLACE */
};
/* at from rp_at_object or rp_at_fd */
int rp_kerr_attr(const struct rp_at *at, const struct rp_kattr *k);

/* ---- permission rules (perm.c) ---------------------------------------- */

/* A creation about to happen beneath a writable root: open(O_CREAT),
 * creat, mknod, mkdir, mkfifo.  Use rp_perm_gate as the rp_gate_fn: it
 * denies setid bits in a new file's mode and clears exec bits of a new
 * regular file (see perm.c for why it clears rather than denies).  at->fd
 * is the object (leaf "") or the directory of at->leaf, or -1. */
struct rp_create {
	const char *op;
	int is_file;		/* regular file (exec bits matter) */
	int is_dir;		/* mkdir: the kernel drops setid bits itself */
	int excl;		/* fails on an existing entry (mknod, O_EXCL) */
};
int rp_perm_gate(const struct rp_at *at, void *ctx, mode_t *mode);

/* chmod family, also reached from syscall(SYS_fchmodat, ...). */
int rp_perm_fchmodat(const char *op, int dirfd, const char *path, mode_t mode, int flags);
int rp_perm_fchmod(const char *op, int fd, mode_t mode);

/* ---- checked operations of fs.c, also reached from syscall.c ----------- */

struct sockaddr;
struct timespec;
struct open_how;
int rp_fs_openat(const char *op, int dirfd, const char *path, int flags, mode_t mode);
int rp_fs_openat2(const char *op, int dirfd, const char *path, struct open_how *how);
int rp_fs_mkdirat(const char *op, int dirfd, const char *path, mode_t mode);
int rp_fs_mknodat(const char *op, int dirfd, const char *path, mode_t mode, dev_t dev);
int rp_fs_unlinkat(const char *op, int dirfd, const char *path, int flags);
int rp_fs_symlinkat(const char *op, const char *target, int dirfd, const char *path);
int rp_fs_renameat2(const char *op, int odir, const char *opath, int ndir, const char *npath,
		    unsigned int flags);
int rp_fs_linkat(const char *op, int odir, const char *opath, int ndir, const char *npath,
		 int flags);
int rp_fs_truncate(const char *op, const char *path, off64_t len);
int rp_fs_fchownat(const char *op, int dirfd, const char *path, uid_t uid, gid_t gid,
		   int flags);
int rp_fs_fchown(const char *op, int fd, uid_t uid, gid_t gid);
int rp_fs_utimensat(const char *op, int dirfd, const char *path, const struct timespec *ts,
		    int flags);
int rp_fs_setxattr(const char *op, const char *path, const char *name, const void *value,
		   size_t size, int flags, int nofollow);
int rp_fs_fsetxattr(const char *op, int fd, const char *name, const void *value, size_t size,
		    int flags);
int rp_fs_removexattr(const char *op, const char *path, const char *name, int nofollow);
int rp_fs_fd_allowed(const char *op, int fd);
int rp_fs_bind(const char *op, int fd, const struct sockaddr *addr, unsigned int len);

/* 1 when `flags` of an open can create or modify a file. */
static inline int
rp_write_intent(int flags)
{
	/* O_TMPFILE contains O_DIRECTORY: compare all its bits.  O_PATH makes
	 * the kernel ignore access mode, O_CREAT and O_TRUNC (fs/open.c,
	 * build_open_flags). */
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return 1;
	if (flags & O_PATH)
		return 0;
	return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)) != 0;
}

#endif
