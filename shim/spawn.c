/* spawn.c - posix_spawn and posix_spawnp (both symbol versions): judged
 * like execve, in the parent, and with what the file actions would do to
 * the exec path in the child.  The decision, the sticky environment and
 * the pinned path are the exec wrappers' (exec.c, exec.h).
 */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "envlock.h"
#include "execdecide.h"
#include "fdname.h"
#include "rawsys.h"
#include "rules.h"
#include "shim.h"
#include "stickyenv.h"
#include "strbuf.h"

extern char **environ;

typedef int (*rp_spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			   const posix_spawnattr_t *, char *const[], char *const[]);

/* ---- what the file actions do to the exec path -------------------------
 *
 * glibc runs the file actions in the child, after every check here and
 * before its execve (sysdeps/unix/sysv/linux/spawni.c __spawni_child): a
 * chdir makes a relative path name another file, and an open, dup2 or
 * close makes /proc/self/fd/N (or /dev/fd/N, /proc/self/cwd, a symlink to
 * either) name another file.  The list behind the public
 * posix_spawn_file_actions_t is glibc's own (posix/spawn_int.h, 2.36): an
 * array of __used entries, each a tag and a union, 32 bytes on LP64.
 * Read-only here, and only the tags below; an unknown tag fails closed.
 */
struct rp_spawn_action {
	int tag;
	union {
		struct { int fd; } close;
		struct { int fd, newfd; } dup2;
		struct { int fd; char *path; int oflag; mode_t mode; } open;
		struct { char *path; } chdir;
		struct { int fd; } fchdir;
		struct { int from; } closefrom;
	} u;
};
_Static_assert(sizeof(struct rp_spawn_action) == 4 * sizeof(void *),
	       "glibc's struct __spawn_action (posix/spawn_int.h)");

enum { SA_CLOSE, SA_DUP2, SA_OPEN, SA_CHDIR, SA_FCHDIR, SA_CLOSEFROM, SA_TCSETPGRP };

/* 1 if an action before `upto` replaces or closes descriptor `fd`. */
static int
fd_touched(const struct rp_spawn_action *a, int upto, int fd)
{
	int i;

	for (i = 0; i < upto; i++)
		if ((a[i].tag == SA_CLOSE && a[i].u.close.fd == fd) ||
		    (a[i].tag == SA_DUP2 && a[i].u.dup2.newfd == fd) ||
		    (a[i].tag == SA_OPEN && a[i].u.open.fd == fd) ||
		    (a[i].tag == SA_CLOSEFROM && a[i].u.closefrom.from <= fd))
			return 1;
	return 0;
}

/* Append "/" and `rel` to the directory in `dir` (a string, not resolved:
 * the kernel walks "d/../x" the same way the child's chdir would). */
static int
dir_join(char *dir, size_t cap, const char *rel)
{
	size_t dl = strlen(dir), rl = strlen(rel);

	if (dl + 1 + rl >= cap)
		return -1;
	dir[dl] = '/';
	memcpy(dir + dl + 1, rel, rl + 1);
	return 0;
}

/* 1 if resolving `path` crosses a magic link (/proc/self/fd/N,
 * /proc/self/cwd, reached directly or through symlinks): openat2's
 * RESOLVE_NO_MAGICLINKS answers ELOOP.  Without openat2, the names. */
static int
crosses_magic_link(const char *path)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_CLOEXEC;
	how.resolve = RESOLVE_NO_MAGICLINKS;
	fd = rp_raw4(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (!RP_RAW_ERR(fd)) {
		rp_raw1(SYS_close, fd);
		return 0;
	}
	if (fd == -ELOOP)
		return 1;
	if (fd != -ENOSYS && fd != -EPERM)
		return 0;	/* nothing there: the exec fails on its own */
	return strncmp(path, "/proc/", 6) == 0 || strncmp(path, "/dev/", 5) == 0;
}

/* The path the child will exec: `path`, or, after chdir actions, the
 * child's directory joined with a relative `path`.  Returns 0 with `out`
 * set, or -1 with *why set when the parent cannot know which file the
 * child will run. */
static int
spawn_child_path(const posix_spawn_file_actions_t *fa, const char *path, char *out,
		 size_t cap, const char **why)
{
	const struct rp_spawn_action *a = fa ? (const struct rp_spawn_action *)fa->__actions : NULL;
	int n = fa ? fa->__used : 0, i, cwd_moved = 0, fds_moved = 0;

	out[0] = '\0';
	for (i = 0; a && i < n; i++) {
		switch (a[i].tag) {
		case SA_CLOSE:
		case SA_OPEN:
		case SA_CLOSEFROM:
			fds_moved = 1;
			break;
		case SA_DUP2:
			/* dup2(fd, fd) only clears FD_CLOEXEC (spawni.c) */
			fds_moved |= a[i].u.dup2.fd != a[i].u.dup2.newfd;
			break;
		case SA_TCSETPGRP:
			break;
		case SA_CHDIR:
			cwd_moved = 1;
			if (a[i].u.chdir.path[0] == '/') {
				if (strlen(a[i].u.chdir.path) >= cap)
					goto too_long;
				strcpy(out, a[i].u.chdir.path);
				break;
			}
			if (!out[0] && RP_RAW_ERR(rp_raw2(SYS_getcwd, out, cap)))
				goto too_long;
			if (dir_join(out, cap, a[i].u.chdir.path) < 0)
				goto too_long;
			break;
		case SA_FCHDIR: {
			long len;

			cwd_moved = 1;
			if (fd_touched(a, i, a[i].u.fchdir.fd)) {
				*why = "fchdir to a descriptor the file actions replace";
				return -1;
			}
			len = rp_fd_name(a[i].u.fchdir.fd, out, cap);
			if (len <= 0 || out[0] != '/') {
				*why = "fchdir to a descriptor without a path";
				return -1;
			}
			out[len] = '\0';
			break;
		}
		default:
			*why = "unknown file action";
			return -1;
		}
	}
	if (out[0] && path[0] != '/') {
		if (dir_join(out, cap, path) < 0)
			goto too_long;
	} else {
		if (strlen(path) >= cap)
			goto too_long;
		strcpy(out, path);
	}
	if ((fds_moved || cwd_moved) && crosses_magic_link(out)) {
		*why = "exec path through /proc/self or /dev/fd, which the file actions change";
		return -1;
	}
	return 0;
too_long:
	*why = "path too long after the file actions";
	return -1;
}

/* A refusal that is not the decision function's: one event, EACCES
 * unless audit mode lets it through. */
static int
refuse(const char *op, const char *path, char *const argv[], const char *rule,
       const char *detail)
{
	struct rp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.op = op;
	ev.path = path;
	ev.argv = argv;
	ev.rule = rule;
	ev.detail = detail;
	ev.mode = -1;
	if (rp_deny(&ev)) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

/* All checks happen here in the parent: the child glibc starts runs no
 * wrapper code (docs/threat-model.md, R25).  posix_spawnp's PATH search is
 * done here and the found path handed to the same version of the real
 * function, so the compat version keeps its /bin/sh fallback (1.4).  The
 * path judged, and handed on, is the one the child will resolve after its
 * file actions (spawn_child_path). */
static int
spawn_common(const char *op, int search, rp_spawn_fn *realp, pid_t *pid, const char *path,
	     const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
	     char *const argv[], char *const envp[])
{
	struct rp_exec_verdict v;
	struct rp_env e;
	char child[RP_PATH_MAX];
	const char *why = NULL, *run;
	int saved = errno, r;
	rp_spawn_fn real;

	rp_ensure_init();
	real = __atomic_load_n(realp, __ATOMIC_ACQUIRE);
	if (!real)
		return ENOSYS;
	if (!path)
		return real(pid, path, fa, attr, argv, envp);
	/* the decision reads PATH from environ, and envp is usually environ:
	 * not while another thread's setenv moves it (envlock.h); the lock
	 * is let go before the real call and before any refusal's event */
	rp_env_lock();
	search = search && !strchr(path, '/');
	if (!search && spawn_child_path(fa, path, child, sizeof(child), &why) < 0)
		goto refused;
	if (rp_exec_gate(op, AT_FDCWD, search ? path : child, argv, search ? RP_EXEC_SEARCH : 0, &v) < 0)
		goto denied;
	if (v.not_found) {
		rp_env_unlock();
		errno = saved;
		return v.err;
	}
	if (search) {
		/* the search ran in the parent's directory: a name found
		 * through a relative PATH entry is judged again where the
		 * child will look.  "./" keeps the real posix_spawnp from
		 * searching PATH once more. */
		char found[RP_PATH_MAX];
		struct rp_buf b;

		rp_buf_init(&b, found, sizeof(found));
		if (!strchr(v.path, '/'))
			rp_buf_str(&b, "./");
		rp_buf_str(&b, v.path);
		if (b.truncated) {
			why = "path too long";
			goto refused;
		}
		if (spawn_child_path(fa, found, child, sizeof(child), &why) < 0)
			goto refused;
		if (strcmp(child, found) != 0) {
			if (rp_exec_gate(op, AT_FDCWD, child, argv, 0, &v) < 0)
				goto denied;
			if (v.not_found) {
				rp_env_unlock();
				errno = saved;
				return v.err;
			}
		}
		memcpy(v.path, child, strlen(child) + 1);
	}
	if (!(run = rp_exec_pinned_path(AT_FDCWD, &v)))
		goto denied;
	if (rp_exec_sticky(op, v.path, envp, &e) < 0)
		goto denied;
	rp_env_unlock();	/* e.envp is the shim's own array */
	r = real(pid, run, fa, attr, argv, e.envp);
	rp_env_release(&e);
	errno = saved;
	return r;
refused:
	rp_env_unlock();
	if (refuse(op, path, argv, RP_RULE(SPAWN_ACTIONS), why) == 0) {
		r = real(pid, path, fa, attr, argv, envp);	/* audit mode */
		errno = saved;
		return r;
	}
	goto failed;
denied:
	rp_env_unlock();
failed:
	r = errno;
	errno = saved;
	return r;
}

#define RP_AT_1 "@@"
#define RP_AT_0 "@"
#define RP_SEARCHES_posix_spawn 0
#define RP_SEARCHES_posix_spawnp 1
#define RP_SPAWN_WRAPPER(name, sym, version, dflt)                                  \
	RP_EXPORT int sym(pid_t *, const char *, const posix_spawn_file_actions_t *,  \
			  const posix_spawnattr_t *, char *const[], char *const[]);   \
	__asm__(".symver " #sym "," #name RP_AT_##dflt version);                      \
	int sym(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,   \
		const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) \
	{                                                                             \
		return spawn_common(#name, RP_SEARCHES_##name, &rp_real.sym, pid, path, \
				    fa, attr, argv, envp);                            \
	}
RP_VERSIONED_SYMBOLS(RP_SPAWN_WRAPPER)
#undef RP_SPAWN_WRAPPER
