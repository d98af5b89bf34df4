/* roots.h - the writable roots: their kernel names, and the descriptors the
 * shim holds on them.
 *
 * The roots (the policy's WritablePath dirs) are found once per process
 * image, at the first decision that needs them: canonical name (d_path),
 * device and inode (rp_roots_ready, shim.h).  At the first write decision
 * anchored at root i, the shim opens it O_PATH|O_CLOEXEC and keeps that
 * descriptor at a fixed high number (RP_ROOT_FD_MIN or above), so an
 * allowed open beneath it costs exactly the system call a bare open costs:
 * the kernel resolves the rest of the path beneath the held descriptor
 * with openat2(RESOLVE_BENEATH) and nothing re-checks it.
 *
 * The descriptors are protected instead of re-checked: fdguard.c answers
 * the app's close, close_range, closefrom, dup2 and dup3 (and their
 * syscall() numbers) as if they were not open, or moves a root out of the
 * way (docs/threat-model.md, R39, P12).  A fork child inherits them; an
 * exec drops them (CLOEXEC) and the new image opens its own again.
 *
 * Safety (P3, P7): no lock, no malloc.  Each slot is published with one
 * compare-and-swap; a thread or signal handler that loses the race closes
 * its own copy.  A vfork child shares the parent's memory but not its fd
 * table, so it never publishes a descriptor: it opens one per decision.
 */
#ifndef RAMPART_ROOTS_H
#define RAMPART_ROOTS_H

#include <stddef.h>

/* The lowest number a held root takes (F_DUPFD_CLOEXEC from here): far
 * above what programs hand out in order, below the usual soft limit of
 * 1024.  Under a lower RLIMIT_NOFILE the shim holds nothing and opens the
 * root per decision, checked by device and inode. */
#define RP_ROOT_FD_MIN 900

/* The descriptor to anchor root i's decision at, or -1 when the directory
 * at the root's name is not the one found first (the caller then decides
 * by the kernel's names).  *own is 1 when the descriptor was opened for
 * this decision only (the caller closes it), 0 for a held one. */
int rp_root_fd(int i, int *own);

/* Is fd a descriptor the shim holds?  Reads the slots only: no system
 * call (fdguard.c asks it on every close). */
int rp_root_held(int fd);

/* fd, a held root, is about to be replaced (dup2 onto it): hold the root
 * at another number first.  0 when fd may be replaced now; -EBADF when it
 * may not (a vfork child, which cannot publish a new number for its
 * parent). */
int rp_root_move(int fd);

/* The held descriptors in ascending order (at most `max`); returns how
 * many.  For close_range and closefrom, which close around them. */
int rp_roots_held_sorted(int *fds, int max);

/* The writable root that the kernel's name `canon` lies beneath, or -1. */
int rp_canon_root(const char *canon, size_t len);

/* The writable root an absolute spelling starts beneath, by its policy
 * spelling or its kernel name, or -1.  Only the spelling: what the app
 * could re-point or create later (the exec pin, library loading). */
int rp_spelled_root(const char *abs);

/* Root i was found and exists (its canonical name is known). */
int rp_root_known(int i);

/* ---- fdguard.c: the app's calls that could close or replace a root ---- */

/* close, close_range, dup2/dup3 (is_dup2 selects), as libc answers them,
 * except that a held root is neither closed nor replaced (fdguard.c).
 * -1 with errno on failure; also reached from syscall(). */
int rp_fd_close(int fd);
int rp_fd_close_range(unsigned int first, unsigned int last, int flags);
int rp_fd_dup3(int oldfd, int newfd, int flags, int is_dup2);

#endif
