/* fsparts.h - what the parts of the file wrappers share (fs.c: opens,
 * stdio, mkstemp; fsentry.c: entries and two-name calls; fsobject.c:
 * truncate, chown, utimes, xattrs; fsnames.c: /dev/shm names, AF_UNIX
 * paths, a spawn's addopen).  Theirs alone; the checked operations other
 * files reach are in resolve.h.
 */
#ifndef RAMPART_FSPARTS_H
#define RAMPART_FSPARTS_H

#include <sys/types.h>

#include "resolve.h"

/* What a wrapper does after a decision. */
enum rp_go { GO_FAIL = 0, GO_ACT, GO_REAL };

/* From the decision `where` on `at` (and `other`, the second name): act
 * on the decision's fd, fail (errno set), or call the real function (audit
 * mode, after the event). */
enum rp_go rp_fs_go(const char *op, struct rp_at *at, int where, const struct rp_at *other);
/* Close the decision's fds and return r with errno as the call left it. */
int rp_fs_done(int r, struct rp_at *a, struct rp_at *b);
/* An open that fails on an existing entry (O_CREAT|O_EXCL, O_TMPFILE). */
int rp_fs_excl_open(int flags);
/* The checked open (the open family, stdio, mkstemp, shm_open). */
int rp_fs_open_checked(const char *op, int dirfd, const char *path, int flags, mode_t mode);
/* The checked mkdir (mkdir, mkdtemp). */
int rp_fs_mkdir_checked(const char *op, int dirfd, const char *path, mode_t mode);

#endif
