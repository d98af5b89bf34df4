/* resolveparts.h - what the parts of the decision engine share (theirs
 * alone): resolve.c (spelling, naming, the entry and object decisions),
 * resolveopen.c (opens with write intent and their slow route) and
 * roots.c (the roots and the descriptors held on them).  The rules of
 * resolve.h hold for all of it: no allocation, no lock, raw calls only. */
#ifndef RAMPART_RESOLVEPARTS_H
#define RAMPART_RESOLVEPARTS_H

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/types.h>

#include "resolve.h"

#define RP_BENEATH (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)
#define RP_MAX_HOPS 40		/* the kernel's MAXSYMLINKS */

/* The open flags the kernel knows (include/linux/fcntl.h, VALID_OPEN_FLAGS).
 * open() drops other bits silently; openat2 refuses them with EINVAL, so
 * they are dropped before anchoring (R17 in docs/threat-model.md). */
#define RP_VALID_OPEN_FLAGS                                                   \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |       \
	 O_NONBLOCK | O_DSYNC | O_SYNC | FASYNC | O_DIRECT | O_LARGEFILE |     \
	 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | O_TMPFILE)

/* openat2: 0 not tried yet, 1 works, -1 missing (ENOSYS) or refused by a
 * seccomp profile that predates it (Docker's answers EPERM). */
extern int rp_openat2_state;

static inline int
rp_needs_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

/* Errors after which the slow, name-checking route decides instead:
 * EXDEV (absolute symlink or ".." leaving the root), ELOOP (magic link, or
 * a real loop, which the slow route reports again), ENOSYS (no openat2),
 * EBADF (a held root replaced by a raw system call: never the answer to
 * the caller's own call). */
static inline int
rp_fallback(long r)
{
	return r == -EXDEV || r == -ELOOP || r == -ENOSYS || r == -EBADF;
}

/* openat2(rootfd, rel, BENEATH | NO_MAGICLINKS).  Returns an fd or
 * -errno; -ENOSYS when openat2 cannot be used at all. */
long rp_beneath(int rootfd, const char *rel, int flags, mode_t mode);

/* Keep (the start of) `s` as the event spelling. */
void rp_set_abs(struct rp_at *at, const char *s);

/* Start of the last component of `p`; the length for "/" and "". */
size_t rp_leaf_index(const char *p);

/* Spell the path absolutely into sp (RP_PATH_MAX bytes), fill at->abs,
 * pick the root to anchor at.  Returns its index with *rootfd and *rel
 * set (*rown: close *rootfd after use), or -1 with *rootfd -1.  *rel
 * points into sp, or into at->path when that is already absolute and in
 * normal form (then sp is not written): a caller that cuts it in place
 * puts the byte back. */
int rp_spell_root(struct rp_at *at, int dirfd, char *sp, char **rel, int *rootfd,
		  int *rown);

/* One lookup of the slow route: openat, or openat2 with the caller's own
 * RESOLVE_* flags.  *named is set to 1 when the lookup walked the absolute
 * spelling `p` through no symlink at all (so its kernel name is `p`,
 * lexically normalised: rp_classify needs no /proc lookup), else 0. */
long rp_step(int cur, const char *p, int flags, mode_t mode, unsigned long long resolve,
	     int *named);

/* rp_step for the directory part of p (the bytes before index s), O_PATH. */
long rp_open_dir_of(int cur, char *p, size_t s, unsigned long long resolve, int *named);

/* What at->fd is and where it lives: RP_INSIDE, RP_OUTSIDE, RP_NOTFILE
 * (pipes, sockets, devices when `for_open`) or RP_FAIL.  `name` is the
 * spelling at->fd was opened by when rp_step said it is its kernel name,
 * else NULL (then /proc/self/fd/N says).  canon: RP_PATH_MAX scratch. */
int rp_classify(struct rp_at *at, int for_open, char *canon, const char *name);

/* Is the kernel name `path` beneath an ExecWritablePath? */
int rp_exec_ok_name(const char *path);

#endif
