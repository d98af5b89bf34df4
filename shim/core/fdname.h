/* fdname.h - the kernel's name of an open file: "/proc/self/fd/N", and
 * what that magic link reads (d_path).  Written once here; the decision,
 * the wrappers and library loading all ask these.
 */
#ifndef RAMPART_FDNAME_H
#define RAMPART_FDNAME_H

#include <stddef.h>

/* "/proc/self/fd/N" into `buf` (at least 32 bytes); returns buf. */
char *rp_fd_path(char *buf, int fd);

/* The kernel's name of the file open as `fd` (d_path: absolute for a
 * file with a path, "/memfd:..." or "... (deleted)", or "pipe:[...]" and
 * the like) into `out`; its length, or -1 if it cannot be read. */
long rp_fd_name(long fd, char *out, size_t cap);

#endif
