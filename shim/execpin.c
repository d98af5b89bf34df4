/* execpin.c - what the kernel is handed for an allowed exec: the judged
 * file itself when the app could re-point the path between the decision
 * and the kernel's lookup (exec.h, rp_exec_pinned_path).
 */
#include "exec.h"
#include "execparts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>

#include "fdname.h"
#include "rawsys.h"
#include "roots.h"
#include "shim.h"
#include "strbuf.h"

/* The decision resolves the path once and the kernel resolves it again at
 * exec.  In between, the app can re-point a symlink it owns (beneath a
 * writable dir) from the harmless file that was judged to a compiler: a
 * thread flipping one won 15 of 300 tries (docs/threat-model.md, R11).  For
 * such paths the kernel gets the judged file's own name instead, the
 * name d_path gave for the descriptor the decision opened, which lies
 * outside the writable dirs (W^X denied it otherwise), where the app
 * cannot change it.  argv is untouched; a #! script reached this way sees
 * that name as its $0.
 */

/* `path` with runs of '/' and "." components squeezed, ".." kept: the
 * kernel walks a ".." below a writable dir from inside it. */
static void
squeeze(const char *path, char *out, size_t cap)
{
	size_t k = 0;

	while (*path && k + 1 < cap) {
		if (path[0] == '/' && (path[1] == '/' || (path[1] == '.' && (path[2] == '/' ||
									   !path[2])))) {
			path += path[1] == '/' ? 1 : 2;
			continue;
		}
		out[k++] = *path++;
	}
	out[k] = '\0';
}

/* 1 if the app may change what `path` (relative to `dirfd`) names after
 * the decision: it starts beneath a writable dir, as spelled or once ".."
 * is applied, or goes through /proc or /dev (magic links). */
static int
app_can_repoint(int dirfd, const char *path)
{
	char base[RP_PATH_MAX], raw[2 * RP_PATH_MAX], abs[RP_PATH_MAX];
	struct rp_buf b;

	if (!rp_state.policy_ok)
		return 0;
	if (rp_path_is_normal(path, strlen(path)))	/* nothing to squeeze, no ".." to apply */
		return strncmp(path, "/proc/", 6) == 0 || strncmp(path, "/dev/", 5) == 0 ||
		       rp_spelled_root(path) >= 0;
	base[0] = '\0';
	if (path[0] != '/') {
		long n;

		if (dirfd == AT_FDCWD)
			n = rp_raw2(SYS_getcwd, base, sizeof(base));
		else
			n = rp_fd_name(dirfd, base, sizeof(base));
		if (RP_RAW_ERR(n) || n <= 0 || base[0] != '/')
			return 1;	/* cannot tell: treat as changeable */
	}
	rp_buf_init(&b, raw, sizeof(raw));
	rp_buf_str(&b, base);
	rp_buf_char(&b, '/');
	rp_buf_str(&b, path);
	squeeze(raw, abs, sizeof(abs));
	if (strncmp(abs, "/proc/", 6) == 0 || strncmp(abs, "/dev/", 5) == 0 || rp_spelled_root(abs) >= 0)
		return 1;
	if (rp_path_lexical("/", abs, raw, sizeof(raw)) != 0)
		return 1;
	return rp_spelled_root(raw) >= 0;
}

/* The path to hand the kernel for an allowed exec of `v->path`: itself,
 * or the judged file's name when the app could re-point the path.  NULL
 * with errno set when there is no judged file to name (nothing regular
 * was there: the kernel would refuse, and the exec is not attempted). */
const char *
rp_exec_pinned_path(int dirfd, struct rp_exec_verdict *v)
{
	long fd;

	if (!app_can_repoint(dirfd, v->path))
		return v->path;
	if (v->memfd)	/* MemfdExec allow: a memfd has no name to hand on, so
			 * a dup2 onto /proc/self/fd/N by another thread in
			 * between stays possible; MemfdExec deny closes it */
		return v->path;
	if (v->resolved[0] == '/')
		return v->resolved;
	fd = rp_raw4(SYS_openat, dirfd, v->path, O_PATH | O_CLOEXEC, 0);
	if (RP_RAW_ERR(fd)) {
		errno = (int)-fd;
		return NULL;
	}
	rp_raw1(SYS_close, fd);
	errno = EACCES;		/* a directory or device: execve says EACCES */
	return NULL;
}
