/* fdguard.c - the app cannot close or replace a root the shim holds.
 *
 * The shim keeps each writable root open at a high descriptor (roots.h)
 * and never re-checks it, so the calls that could close it or put another
 * file at its number are wrapped here (symbols.h, RP_FD_SYMBOLS; the same
 * numbers through syscall() in syscall.c):
 *
 *   close(root)            -1 EBADF, as if it were not open: a daemon's
 *                          loop over every fd goes on, and nothing closes
 *   close_range, closefrom close everything asked except the roots (the
 *                          range is split around them): Python's
 *                          close_fds, daemons, a shell's fd cleanup
 *   dup2, dup3 onto a root the root is first held at another number, then
 *                          the call replaces the descriptor the app named,
 *                          exactly as without the shim (in a vfork child,
 *                          which cannot tell its parent the new number:
 *                          EBADF, the root stays)
 *
 * Why move rather than refuse a dup2: a shell's `exec 900>file`, or a
 * program that parks a descriptor at a number of its choosing, works as
 * it does without the shim; the cost is a race with a decision another
 * thread is making at that moment, which a raw dup2 could cause anyway
 * (R39).
 *
 * Everything else (other descriptors, CLOSE_RANGE_CLOEXEC, which only
 * marks) goes to libc unchanged, with libc's errno and cancellation
 * points.  A raw system call can still close or replace a root (R39 in
 * docs/threat-model.md): the kernel layers hold then, and the shim's next
 * decision anchored there fails closed or falls back to the kernel's
 * names (resolveparts.h, rp_fallback).
 *
 * Safety: no malloc, no lock, no stdio (P7): closefrom runs in vfork
 * children (CPython's subprocess) and after fork in threaded programs.
 */
#include "roots.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <unistd.h>

#include "rawsys.h"
#include "shim.h"

/* One range, through libc's close_range when it has one. */
static int
range(unsigned int first, unsigned int last, int flags)
{
	long r;

	if (RP_REAL(close_range))
		return RP_REAL(close_range)(first, last, flags);
	r = rp_raw3(SYS_close_range, first, last, flags);
	if (RP_RAW_ERR(r)) {
		errno = (int)-r;
		return -1;
	}
	return 0;
}

int
rp_fd_close(int fd)
{
	if (rp_root_held(fd)) {
		errno = EBADF;
		return -1;
	}
	return RP_REAL(close)(fd);
}

int
rp_fd_close_range(unsigned int first, unsigned int last, int flags)
{
	int held[RP_MAX_DIRS], n, i;
	unsigned int cur = first;

	if (first > last || (flags & CLOSE_RANGE_CLOEXEC))
		return range(first, last, flags);	/* EINVAL, or marks only */
	n = rp_roots_held_sorted(held, RP_MAX_DIRS);
	for (i = 0; i < n; i++) {
		unsigned int h = (unsigned int)held[i];

		if (h < cur || h > last)
			continue;
		if (h > cur && range(cur, h - 1, flags) != 0)
			return -1;
		cur = h + 1;
	}
	if (cur <= last)
		return range(cur, last, flags);
	return 0;
}

/* closefrom without close_range (an old kernel, a seccomp profile that
 * refuses it): close what /proc/self/fd lists, as glibc's own fallback
 * does (sysdeps/unix/sysv/linux/closefrom_fallback.c), roots excepted. */
static void
closefrom_listed(int low)
{
	char buf[1024];
	long dfd = rp_raw4(SYS_openat, AT_FDCWD, "/proc/self/fd",
			   O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

	if (RP_RAW_ERR(dfd))
		return;
	for (;;) {
		long n = rp_raw3(SYS_getdents64, dfd, buf, sizeof(buf)), off;
		int closed = 0;

		if (n <= 0)
			break;
		for (off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(void *)(buf + off);
			const char *s = de->d_name;
			long fd = 0;

			off += de->d_reclen;
			if (*s < '0' || *s > '9')
				continue;
			while (*s >= '0' && *s <= '9')
				fd = fd * 10 + (*s++ - '0');
			if (fd >= low && fd != dfd && !rp_root_held((int)fd)) {
				rp_raw1(SYS_close, fd);
				closed = 1;
			}
		}
		if (closed)	/* entries moved under us: list again */
			rp_raw3(SYS_lseek, dfd, 0, SEEK_SET);
	}
	rp_raw1(SYS_close, dfd);
}

RP_EXPORT int
close(int fd)
{
	return rp_fd_close(fd);
}

RP_EXPORT int
close_range(unsigned int first, unsigned int last, int flags)
{
	return rp_fd_close_range(first, last, flags);
}

RP_EXPORT void
closefrom(int low)
{
	int held[RP_MAX_DIRS], saved = errno;

	if (rp_roots_held_sorted(held, RP_MAX_DIRS) == 0 && RP_REAL(closefrom)) {
		RP_REAL(closefrom)(low);
		return;
	}
	if (rp_fd_close_range(low < 0 ? 0 : (unsigned int)low, ~0U, 0) != 0)
		closefrom_listed(low < 0 ? 0 : low);	/* what is already closed stays so */
	errno = saved;
}

int
rp_fd_dup3(int oldfd, int newfd, int flags, int is_dup2)
{
	int moved = 0, r;

	if (rp_root_held(newfd)) {
		if (oldfd == newfd) {
			errno = is_dup2 ? EBADF : EINVAL;	/* "not open", as close says */
			return -1;
		}
		if (rp_root_move(newfd) != 0) {
			errno = EBADF;	/* a vfork child: the root stays */
			return -1;
		}
		moved = 1;
	}
	r = is_dup2 ? RP_REAL(dup2)(oldfd, newfd) : RP_REAL(dup3)(oldfd, newfd, flags);
	if (r < 0 && moved) {
		/* the call failed (a bad oldfd, bad flags): newfd still holds
		 * the copy the root moved from, which the app never opened */
		int e = errno;

		rp_raw1(SYS_close, newfd);
		errno = e;
	}
	return r;
}

RP_EXPORT int
dup2(int oldfd, int newfd)
{
	return rp_fd_dup3(oldfd, newfd, 0, 1);
}

RP_EXPORT int
dup3(int oldfd, int newfd, int flags)
{
	return rp_fd_dup3(oldfd, newfd, flags, 0);
}
