/* syscall.c - the libc syscall() function.
 *
 * glibc never calls syscall() itself, but applications do, through the
 * PLT (docs/threat-model.md, R2): file-modifying numbers are routed to the same
 * checked operations as the named wrappers, execve/execveat to the exec
 * wrappers, close, close_range, dup2 and dup3 to the guard of the shim's
 * root descriptors (fdguard.c), and every other number is forwarded
 * untouched.
 *
 * The wrapper is defined with six fixed `long` parameters instead of
 * `...`: on x86_64 and aarch64 Linux a variadic caller passes the first
 * integer arguments in the same registers as fixed ones (SysV AMD64 ABI
 * 3.2.3; AAPCS64 as used by Linux), so reading them needs no va_list and
 * forwarding all six is exact whatever the count was.  This file therefore
 * must not see <unistd.h>'s variadic prototype; it gets its own below.
 */
#undef _FORTIFY_SOURCE
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>

#include "exec.h"
#include "resolve.h"
#include "roots.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452	/* Linux 6.6; Debian 12's headers predate it */
#endif

long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

#define S(x) ((const char *)(x))
#define I(x) ((int)(x))

/* openat2 through syscall().  The decision and the call use the shim's
 * own copy of struct open_how, never the caller's memory again: another
 * thread could otherwise turn O_RDONLY into O_WRONLY|O_CREAT after the
 * check (docs/threat-model.md, P11).  A larger struct (a newer caller) is
 * accepted as the kernel does, when its extra bytes are zero
 * (copy_struct_from_user, Documentation/userspace-api: openat2(2) EXTENSIBILITY).
 * With the caller's RESOLVE_* flags the decision itself resolves with
 * them (resolve.c, rp_open_at_resolve): no second lookup by name. */
static long
sys_openat2(long a1, long a2, long a3, long a4)
{
	struct open_how how;
	size_t i, size = (size_t)a4;

	if (!a3 || size < sizeof(how) || size > 4096)
		return RP_REAL(syscall)(SYS_openat2, a1, a2, a3, a4);	/* EFAULT, EINVAL, E2BIG */
	memcpy(&how, (const void *)a3, sizeof(how));
	for (i = sizeof(how); i < size; i++)
		if (((const unsigned char *)a3)[i]) {
			errno = E2BIG;
			return -1;
		}
	/* no write intent, or arguments the kernel refuses (EINVAL) before
	 * touching anything: forward the copy */
	if (!rp_write_intent((int)how.flags) || how.flags > 0xffffffffULL ||
	    (how.mode && !(how.flags & (O_CREAT | __O_TMPFILE))) || (how.mode & ~07777ULL) ||
	    (how.resolve & ~(unsigned long long)(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS |
						  RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH |
						  RESOLVE_IN_ROOT | RESOLVE_CACHED)))
		return RP_REAL(syscall)(SYS_openat2, a1, a2, (long)&how, (long)sizeof(how));
	return rp_fs_openat2("syscall(openat2)", I(a1), S(a2), &how);
}

static long
sys_fd_then(const char *op, long nr, long a1, long a2, long a3, long a4, long a5)
{
	if (!rp_fs_fd_allowed(op, I(a1)))
		return -1;
	return RP_REAL(syscall)(nr, a1, a2, a3, a4, a5);
}

RP_EXPORT long
syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	struct timespec ts[2], *tsp;

	rp_ensure_init();
	if (rp_in_shim)
		return RP_REAL(syscall)(nr, a1, a2, a3, a4, a5, a6);
	switch (nr) {
	case SYS_open:
		return rp_fs_openat("syscall(open)", AT_FDCWD, S(a1), I(a2), (mode_t)a3);
	case SYS_creat:
		return rp_fs_openat("syscall(creat)", AT_FDCWD, S(a1), O_WRONLY | O_CREAT | O_TRUNC,
				    (mode_t)a2);
	case SYS_openat:
		return rp_fs_openat("syscall(openat)", I(a1), S(a2), I(a3), (mode_t)a4);
	case SYS_openat2:
		return sys_openat2(a1, a2, a3, a4);
	case SYS_truncate:
		return rp_fs_truncate("syscall(truncate)", S(a1), a2);
	case SYS_mkdir:
		return rp_fs_mkdirat("syscall(mkdir)", AT_FDCWD, S(a1), (mode_t)a2);
	case SYS_mkdirat:
		return rp_fs_mkdirat("syscall(mkdirat)", I(a1), S(a2), (mode_t)a3);
	case SYS_mknod:
		return rp_fs_mknodat("syscall(mknod)", AT_FDCWD, S(a1), (mode_t)a2, (dev_t)a3);
	case SYS_mknodat:
		return rp_fs_mknodat("syscall(mknodat)", I(a1), S(a2), (mode_t)a3, (dev_t)a4);
	case SYS_link:
		return rp_fs_linkat("syscall(link)", AT_FDCWD, S(a1), AT_FDCWD, S(a2), 0);
	case SYS_linkat:
		return rp_fs_linkat("syscall(linkat)", I(a1), S(a2), I(a3), S(a4), I(a5));
	case SYS_symlink:
		return rp_fs_symlinkat("syscall(symlink)", S(a1), AT_FDCWD, S(a2));
	case SYS_symlinkat:
		return rp_fs_symlinkat("syscall(symlinkat)", S(a1), I(a2), S(a3));
	case SYS_unlink:
		return rp_fs_unlinkat("syscall(unlink)", AT_FDCWD, S(a1), 0);
	case SYS_rmdir:
		return rp_fs_unlinkat("syscall(rmdir)", AT_FDCWD, S(a1), AT_REMOVEDIR);
	case SYS_unlinkat:
		return rp_fs_unlinkat("syscall(unlinkat)", I(a1), S(a2), I(a3));
	case SYS_rename:
		return rp_fs_renameat2("syscall(rename)", AT_FDCWD, S(a1), AT_FDCWD, S(a2), 0);
	case SYS_renameat:
		return rp_fs_renameat2("syscall(renameat)", I(a1), S(a2), I(a3), S(a4), 0);
	case SYS_renameat2:
		return rp_fs_renameat2("syscall(renameat2)", I(a1), S(a2), I(a3), S(a4),
				       (unsigned int)a5);
	case SYS_chmod:
		return rp_perm_fchmodat("syscall(chmod)", AT_FDCWD, S(a1), (mode_t)a2, 0);
	case SYS_fchmod:
		return rp_perm_fchmod("syscall(fchmod)", I(a1), (mode_t)a2);
	case SYS_fchmodat:
		return rp_perm_fchmodat("syscall(fchmodat)", I(a1), S(a2), (mode_t)a3, 0);
	case SYS_fchmodat2:
		/* the real fchmodat2 may be missing: the checked path acts with
		 * chmod on the decided fd, which gives the same result */
		return rp_perm_fchmodat("syscall(fchmodat2)", I(a1), S(a2), (mode_t)a3, I(a4));
	case SYS_chown:
		return rp_fs_fchownat("syscall(chown)", AT_FDCWD, S(a1), (uid_t)a2, (gid_t)a3, 0);
	case SYS_lchown:
		return rp_fs_fchownat("syscall(lchown)", AT_FDCWD, S(a1), (uid_t)a2, (gid_t)a3,
				      AT_SYMLINK_NOFOLLOW);
	case SYS_fchown:
		return rp_fs_fchown("syscall(fchown)", I(a1), (uid_t)a2, (gid_t)a3);
	case SYS_fchownat:
		return rp_fs_fchownat("syscall(fchownat)", I(a1), S(a2), (uid_t)a3, (gid_t)a4, I(a5));
	case SYS_utimensat:
		/* unlike glibc's utimensat, the raw call accepts a NULL path */
		return rp_fs_utimensat("syscall(utimensat)", I(a1), S(a2),
				       (const struct timespec *)a3, I(a4));
	case SYS_utime:
	case SYS_utimes:
	case SYS_futimesat: {
		const char *p = nr == SYS_futimesat ? S(a2) : S(a1);
		long t = nr == SYS_futimesat ? a3 : a2;
		int dirfd = nr == SYS_futimesat ? I(a1) : AT_FDCWD;

		tsp = NULL;
		if (t && nr == SYS_utime) {
			const struct utimbuf *b = (const struct utimbuf *)t;

			ts[0].tv_sec = b->actime;
			ts[0].tv_nsec = 0;
			ts[1].tv_sec = b->modtime;
			ts[1].tv_nsec = 0;
			tsp = ts;
		} else if (t) {
			const struct timeval *tv = (const struct timeval *)t;

			ts[0].tv_sec = tv[0].tv_sec;
			ts[0].tv_nsec = tv[0].tv_usec * 1000;
			ts[1].tv_sec = tv[1].tv_sec;
			ts[1].tv_nsec = tv[1].tv_usec * 1000;
			tsp = ts;
		}
		return rp_fs_utimensat("syscall(utimes)", dirfd, p, tsp, 0);
	}
	case SYS_setxattr:
	case SYS_lsetxattr:
		return rp_fs_setxattr(nr == SYS_setxattr ? "syscall(setxattr)" : "syscall(lsetxattr)",
				      S(a1), S(a2), (const void *)a3, (size_t)a4, I(a5),
				      nr == SYS_lsetxattr);
	case SYS_removexattr:
	case SYS_lremovexattr:
		return rp_fs_removexattr(nr == SYS_removexattr ? "syscall(removexattr)" :
				         "syscall(lremovexattr)", S(a1), S(a2), nr == SYS_lremovexattr);
	case SYS_fsetxattr:
		return rp_fs_fsetxattr("syscall(fsetxattr)", I(a1), S(a2), (const void *)a3,
				       (size_t)a4, I(a5));
	case SYS_fremovexattr:
		return sys_fd_then("syscall(fremovexattr)", nr, a1, a2, a3, a4, a5);
	case SYS_bind:
		return rp_fs_bind("syscall(bind)", I(a1), (const struct sockaddr *)a2,
				  (unsigned int)a3);
	/* the descriptors the shim holds (fdguard.c) */
	case SYS_close:
		return rp_fd_close(I(a1));
	case SYS_close_range:
		return rp_fd_close_range((unsigned int)a1, (unsigned int)a2, I(a3));
	case SYS_dup2:
		return rp_fd_dup3(I(a1), I(a2), 0, 1);
	case SYS_dup3:
		return rp_fd_dup3(I(a1), I(a2), I(a3), 0);
	case SYS_execve:
	case SYS_execveat:
		return rp_exec_syscall(nr, a1, a2, a3, a4, a5);
	default:
		return RP_REAL(syscall)(nr, a1, a2, a3, a4, a5, a6);
	}
}
