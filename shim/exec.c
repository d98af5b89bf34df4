/* exec.c - the exec wrappers: every public way glibc 2.36 starts a program.
 *
 * glibc reaches the kernel through hidden aliases (__execve, __posix_spawn:
 * research notes 1.1 and 1.3), so each public entry point has its own
 * wrapper here.  Each one
 *   1. copies the path and judges it with rp_exec_decide_at() (the same
 *      decision `rampart --check -- CMD` prints), PATH searched like
 *      posix/execvpe.c when the function searches;
 *   2. on a denial logs one event and fails like the kernel would (-1 and
 *      EACCES; posix_spawn returns EACCES) without starting anything; audit
 *      mode logs and goes on;
 *   3. rebuilds the environment so the shim and its policy stay loaded in
 *      the new program (stickyenv.c), logging any repair;
 *   4. calls the real function with the judged copy of the path.
 * These run inside vfork children (CPython's subprocess, pitfall 7): no
 * malloc, stdio, locks or getenv; argument vectors are built on the stack,
 * or in an mmap when they are large.
 *
 * Unlike the file wrappers, none of these passes straight through when
 * rp_in_shim is set: the shim never starts a program itself, so an exec
 * seen then comes from a signal handler that interrupted the shim's own
 * initialisation, and is judged (denied while no policy is loaded).
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exec.h"
#include "execdecide.h"
#include "fprint.h"
#include "rawsys.h"
#include "shim.h"
#include "stickyenv.h"
#include "strbuf.h"

extern char **environ;

/* execl-style argument lists: on the stack up to RP_STACK_ARGS pointers,
 * in an mmap beyond.  More than RP_MAX_ARGS pointers (16 MiB) exceed what
 * fs/exec.c accepts with any stack limit (3/4 of _STK_LIM, 6 MiB, for
 * strings and pointers together): E2BIG, as the kernel would answer. */
#define RP_STACK_ARGS 1024
#define RP_MAX_ARGS (1UL << 21)

/* linux/memfd.h since 6.3; Debian 12's headers predate them. */
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* The caller's own variable, read without getenv (pitfall 7). */
static const char *
env_value(char *const *env, const char *name)
{
	size_t n = strlen(name);

	for (; env && *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static const struct rp_policy *
current_policy(void)
{
	return rp_state.policy_ok ? &rp_state.policy : NULL;
}

/* Judge and log.  Returns 0 to go on (allowed, or audit), -1 with errno
 * EACCES to refuse. */
static int
gate(const char *op, int dirfd, const char *path, char *const argv[], int flags,
     struct rp_exec_verdict *v)
{
	struct rp_event ev;

	rp_ensure_init();
	rp_exec_decide_at(current_policy(), dirfd, path, argv, flags,
			  env_value(environ, "PATH"), v);
	memset(&ev, 0, sizeof(ev));
	ev.op = op;
	ev.path = path[0] ? path : v->resolved;
	ev.argv = argv;
	ev.mode = -1;
	if (v->deny) {
		ev.rule = v->rule;
		ev.detail = v->pattern;
		if (v->hop_path[0] && strcmp(v->hop_path, ev.path) != 0)
			ev.target = v->hop_path;
		if (rp_deny(&ev)) {
			errno = EACCES;
			return -1;
		}
		return 0;
	}
	if (v->memfd) {
		/* MemfdExec allow: still worth a line (research notes, row 8) */
		ev.rule = "memfd";
		ev.detail = "MemfdExec allow";
		ev.target = v->resolved;
		ev.decision = "allow";
		rp_event_emit(&ev);
	}
	return 0;
}

/* The sticky environment for the new program; logs a repair.  Returns 0,
 * or -1 with errno set (the exec is then not attempted: fail closed). */
static int
sticky(const char *op, const char *path, char *const envp[], struct rp_env *e)
{
	int r = rp_env_make_sticky(e, envp, rp_state.shim_path, rp_state.policy_path,
				   rp_state.mode_env_audit, rp_exec_fingerprint_entry());

	if (r < 0) {
		errno = -r;
		return -1;
	}
	if (rp_env_tampering(e, rp_state.start_preload, rp_state.start_policy)) {
		struct rp_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.op = op;
		ev.path = path;
		ev.rule = "sticky-env";
		ev.detail = rp_env_fixed_text(rp_env_tampering(e, rp_state.start_preload,
							       rp_state.start_policy));
		ev.decision = "fixed";
		ev.mode = -1;
		rp_event_emit(&ev);
	}
	return 0;
}

/* ---- what the kernel is handed ------------------------------------------
 *
 * The decision resolves the path once and the kernel resolves it again at
 * exec.  In between, the app can re-point a symlink it owns (beneath a
 * writable dir) from the harmless file that was judged to a compiler: a
 * thread flipping one won 15 of 300 tries (research notes, row 11).  For
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

static int
beneath_writable(const char *abs)
{
	size_t len = strlen(abs);
	int i;

	rp_roots_ready();	/* the canonical names are found at first use */
	for (i = 0; i < rp_state.policy.n_writable; i++) {
		const struct rp_root *r = &rp_state.roots[i];

		if (rp_path_beneath(abs, len, rp_state.policy.writable[i].path,
				    rp_state.policy.writable[i].len) ||
		    (r->canon_len && rp_path_beneath(abs, len, r->canon, r->canon_len)))
			return 1;
	}
	return 0;
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
	base[0] = '\0';
	if (path[0] != '/') {
		long n;

		if (dirfd == AT_FDCWD) {
			n = rp_raw2(SYS_getcwd, base, sizeof(base));
		} else {
			char link[40];

			rp_buf_init(&b, link, sizeof(link));
			rp_buf_str(&b, "/proc/self/fd/");
			rp_buf_long(&b, dirfd);
			n = rp_raw4(SYS_readlinkat, AT_FDCWD, link, base, sizeof(base) - 1);
			if (!RP_RAW_ERR(n) && n > 0)
				base[n] = '\0';
		}
		if (RP_RAW_ERR(n) || n <= 0 || base[0] != '/')
			return 1;	/* cannot tell: treat as changeable */
	}
	rp_buf_init(&b, raw, sizeof(raw));
	rp_buf_str(&b, base);
	rp_buf_char(&b, '/');
	rp_buf_str(&b, path);
	squeeze(raw, abs, sizeof(abs));
	if (strncmp(abs, "/proc/", 6) == 0 || strncmp(abs, "/dev/", 5) == 0 || beneath_writable(abs))
		return 1;
	if (rp_path_lexical("/", abs, raw, sizeof(raw)) != 0)
		return 1;
	return beneath_writable(raw);
}

/* The path to hand the kernel for an allowed exec of `v->path`: itself,
 * or the judged file's name when the app could re-point the path.  NULL
 * with errno set when there is no judged file to name (nothing regular
 * was there: the kernel would refuse, and the exec is not attempted). */
static const char *
pinned_path(int dirfd, struct rp_exec_verdict *v)
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

/* ---- execve, execveat, fexecve, syscall(SYS_execve*) -------------------- */

enum how { VIA_EXECVE, VIA_EXECVEAT, VIA_FEXECVE, VIA_RAW_EXECVE, VIA_RAW_EXECVEAT };

struct call {
	const char *op;
	enum how how;
	int dirfd;		/* execveat dirfd, fexecve fd */
	const char *path;
	char *const *argv;
	char *const *envp;
	int flags;		/* execveat flags */
	int search;		/* execvp family */
};

static int
raw_result(long r)
{
	if (RP_RAW_ERR(r)) {
		errno = (int)-r;
		return -1;
	}
	return (int)r;
}

static int
forward(const struct call *c, const char *path, char *const envp[])
{
	switch (c->how) {
	case VIA_EXECVE:
		return RP_REAL(execve)(path, c->argv, envp);
	case VIA_EXECVEAT:
		if (RP_REAL(execveat))
			return RP_REAL(execveat)(c->dirfd, path, c->argv, envp, c->flags);
		/* a libc without the wrapper (< 2.34) */
		__attribute__((fallthrough));
	case VIA_RAW_EXECVEAT:
		return raw_result(rp_raw5(SYS_execveat, c->dirfd, path, c->argv, envp, c->flags));
	case VIA_FEXECVE:
		return RP_REAL(fexecve)(c->dirfd, c->argv, envp);
	case VIA_RAW_EXECVE:
		return raw_result(rp_raw3(SYS_execve, path, c->argv, envp));
	}
	errno = ENOSYS;
	return -1;
}

/* A pointer array of `n` slots in its own mapping (a system call, so fine
 * in a vfork child); NULL when the kernel has no memory. */
static char **
args_map(size_t n)
{
	long m = rp_raw6(SYS_mmap, 0, (long)(n * sizeof(char *)), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return RP_RAW_ERR(m) ? NULL : (char **)m;
}

static void
args_unmap(char **a, size_t n)
{
	rp_raw2(SYS_munmap, a, n * sizeof(char *));
}

/* posix/execvpe.c maybe_script_execute: a file the kernel cannot run
 * (ENOEXEC) is run by /bin/sh, for a name found by a PATH search and for a
 * path with '/' alike (__execvpe_common).  `argv` may be empty ({ NULL }):
 * the shell then gets { "/bin/sh", file, NULL }. */
static int
exec_as_script(const char *op, const char *file, char *const argv[], char *const envp[])
{
	size_t argc = 0, n;
	char **nargv;
	int r, err;

	while (argv && argv[argc] && argc <= RP_MAX_ARGS)
		argc++;
	if (argc > RP_MAX_ARGS) {
		errno = E2BIG;
		return -1;
	}
	n = (argc ? argc : 1) + 2;	/* "/bin/sh", file, argv[1..], NULL */
	{
		char *stack[n <= RP_STACK_ARGS ? n : 1];

		nargv = n <= RP_STACK_ARGS ? stack : args_map(n);
		if (!nargv) {
			errno = ENOMEM;
			return -1;
		}
		struct rp_exec_verdict v;

		nargv[0] = (char *)"/bin/sh";
		nargv[1] = (char *)file;
		if (argc > 1)
			memcpy(nargv + 2, argv + 1, (argc - 1) * sizeof(char *));
		nargv[n - 1] = NULL;
		/* a second exec, of the shell: judged like system()'s */
		if (gate(op, AT_FDCWD, "/bin/sh", nargv, 0, &v) < 0)
			r = -1;
		else
			r = RP_REAL(execve)("/bin/sh", nargv, envp);
		err = errno;
		if (nargv != stack)
			args_unmap(nargv, n);
	}
	errno = err;
	return r;
}

static int
exec_common(const struct call *c)
{
	struct rp_exec_verdict v;
	struct rp_env e;
	const char *run;
	int flags = 0, r, err;

	if (!c->path) {
		errno = EFAULT;
		return -1;
	}
	if (c->how == VIA_FEXECVE || (c->flags & AT_EMPTY_PATH))
		flags |= RP_EXEC_EMPTY_PATH;
	if (c->search)
		flags |= RP_EXEC_SEARCH;
	if (c->search && !c->path[0]) {
		errno = ENOENT;
		return -1;
	}
	if (gate(c->op, c->dirfd, c->path, c->argv, flags, &v) < 0)
		return -1;
	if (v.not_found) {
		/* nothing to run; the real call would search again and could
		 * find something that was never judged */
		errno = v.err;
		return -1;
	}
	if (flags & RP_EXEC_EMPTY_PATH)
		run = v.path;	/* the descriptor itself: nothing to re-point */
	else if (!(run = pinned_path(c->dirfd, &v)))
		return -1;
	if (sticky(c->op, v.path, c->envp, &e) < 0)
		return -1;
	r = forward(c, run, e.envp);
	err = errno;
	if (c->search && err == ENOEXEC) {
		r = exec_as_script(c->op, run, c->argv, e.envp);
		err = errno;
	}
	rp_env_release(&e);
	errno = err;
	return r;
}

RP_EXPORT int
execve(const char *path, char *const argv[], char *const envp[])
{
	struct call c = { "execve", VIA_EXECVE, AT_FDCWD, path, argv, envp, 0, 0 };

	return exec_common(&c);
}

RP_EXPORT int
execv(const char *path, char *const argv[])
{
	struct call c = { "execv", VIA_EXECVE, AT_FDCWD, path, argv, environ, 0, 0 };

	return exec_common(&c);
}

RP_EXPORT int
execvp(const char *file, char *const argv[])
{
	struct call c = { "execvp", VIA_EXECVE, AT_FDCWD, file, argv, environ, 0, 1 };

	return exec_common(&c);
}

RP_EXPORT int
execvpe(const char *file, char *const argv[], char *const envp[])
{
	struct call c = { "execvpe", VIA_EXECVE, AT_FDCWD, file, argv, envp, 0, 1 };

	return exec_common(&c);
}

RP_EXPORT int
fexecve(int fd, char *const argv[], char *const envp[])
{
	struct call c = { "fexecve", VIA_FEXECVE, fd, "", argv, envp, 0, 0 };

	return exec_common(&c);
}

RP_EXPORT int
execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags)
{
	struct call c = { "execveat", VIA_EXECVEAT, dirfd, path, argv, envp, flags, 0 };

	return exec_common(&c);
}

long
rp_exec_syscall(long nr, long a1, long a2, long a3, long a4, long a5)
{
	struct call c;

	memset(&c, 0, sizeof(c));
	if (nr == SYS_execve) {
		c.op = "syscall(execve)";
		c.how = VIA_RAW_EXECVE;
		c.dirfd = AT_FDCWD;
		c.path = (const char *)a1;
		c.argv = (char *const *)a2;
		c.envp = (char *const *)a3;
	} else if (nr == SYS_execveat) {
		c.op = "syscall(execveat)";
		c.how = VIA_RAW_EXECVEAT;
		c.dirfd = (int)a1;
		c.path = (const char *)a2;
		c.argv = (char *const *)a3;
		c.envp = (char *const *)a4;
		c.flags = (int)a5;
	} else {
		errno = ENOSYS;
		return -1;
	}
	return exec_common(&c);
}

/* ---- execl, execlp, execle: argv built here (posix/execl.c) ------------ */

/* Arguments from `arg` up to the terminating NULL (at most RP_MAX_ARGS + 1). */
static size_t
count_args(va_list ap)
{
	size_t n = 1;
	va_list aq;

	va_copy(aq, ap);
	while (n <= RP_MAX_ARGS && va_arg(aq, const char *))
		n++;
	va_end(aq);
	return n;
}

/* One body for the three: `with_env` says whether execle's envp follows
 * the NULL.  glibc builds the vector in a VLA (posix/execl.c: no malloc,
 * these run in vfork children and signal handlers); a very long list goes
 * to an mmap instead of overflowing a thread's stack. */
static int
execl_common(const char *op, const char *path, const char *arg, va_list ap, int search,
	     int with_env)
{
	size_t n = count_args(ap), i;
	char **argv;
	int r, err;

	if (n > RP_MAX_ARGS) {
		errno = E2BIG;
		return -1;
	}
	{
		char *stack[n < RP_STACK_ARGS ? n + 1 : 1];
		struct call c = { op, VIA_EXECVE, AT_FDCWD, path, NULL, environ, 0, search };

		argv = n < RP_STACK_ARGS ? stack : args_map(n + 1);
		if (!argv) {
			errno = ENOMEM;
			return -1;
		}
		argv[0] = (char *)arg;
		for (i = 1; i <= n; i++)
			argv[i] = va_arg(ap, char *);	/* argv[n] is the NULL */
		if (with_env)
			c.envp = va_arg(ap, char *const *);
		c.argv = argv;
		r = exec_common(&c);
		err = errno;
		if (argv != stack)
			args_unmap(argv, n + 1);
	}
	errno = err;
	return r;
}

RP_EXPORT int
execl(const char *path, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = execl_common("execl", path, arg, ap, 0, 0);
	va_end(ap);
	return r;
}

RP_EXPORT int
execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = execl_common("execlp", file, arg, ap, 1, 0);
	va_end(ap);
	return r;
}

RP_EXPORT int
execle(const char *path, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = execl_common("execle", path, arg, ap, 0, 1);
	va_end(ap);
	return r;
}

/* ---- posix_spawn, posix_spawnp (both symbol versions) ------------------- */

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
			char link[40];
			struct rp_buf b;
			long len;

			cwd_moved = 1;
			if (fd_touched(a, i, a[i].u.fchdir.fd)) {
				*why = "fchdir to a descriptor the file actions replace";
				return -1;
			}
			rp_buf_init(&b, link, sizeof(link));
			rp_buf_str(&b, "/proc/self/fd/");
			rp_buf_long(&b, a[i].u.fchdir.fd);
			len = rp_raw4(SYS_readlinkat, AT_FDCWD, link, out, cap - 1);
			if (RP_RAW_ERR(len) || len <= 0 || out[0] != '/') {
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
 * wrapper code (research notes, row 25).  posix_spawnp's PATH search is
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
	search = search && !strchr(path, '/');
	if (!search && spawn_child_path(fa, path, child, sizeof(child), &why) < 0)
		goto refused;
	if (gate(op, AT_FDCWD, search ? path : child, argv, search ? RP_EXEC_SEARCH : 0, &v) < 0)
		goto denied;
	if (v.not_found) {
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
			if (gate(op, AT_FDCWD, child, argv, 0, &v) < 0)
				goto denied;
			if (v.not_found) {
				errno = saved;
				return v.err;
			}
		}
		memcpy(v.path, child, strlen(child) + 1);
	}
	if (!(run = pinned_path(AT_FDCWD, &v)))
		goto denied;
	if (sticky(op, v.path, envp, &e) < 0)
		goto denied;
	r = real(pid, run, fa, attr, argv, e.envp);
	rp_env_release(&e);
	errno = saved;
	return r;
refused:
	if (refuse(op, path, argv, "spawn-actions", why) == 0) {
		r = real(pid, path, fa, attr, argv, envp);	/* audit mode */
		errno = saved;
		return r;
	}
denied:
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

/* ---- system, popen, wordexp: /bin/sh -c ----------------------------------
 *
 * glibc spawns /bin/sh through the hidden __posix_spawn with the global
 * environ (sysdeps/posix/system.c, libio/iopopen.c, posix/wordexp.c).  The
 * shell loads the shim again and its own execs are judged; here /bin/sh
 * itself is judged, and when the process's environment has lost the shim
 * it is repaired in place with setenv/unsetenv, for good, and logged once.
 * These functions are not async-signal-safe, so none of this runs in a
 * vfork child and malloc is allowed.  (Pointing environ at a copy on this
 * stack for the duration of the call is not: a setenv in another thread
 * meanwhile copies that array, and its entries, pointing into a dead
 * stack frame, become the process's environment.)
 */
static int
set_var(const char *entry)
{
	char name[32];
	size_t n = strcspn(entry, "=");

	if (n >= sizeof(name))
		return -1;
	memcpy(name, entry, n);
	name[n] = '\0';
	if (unsetenv(name) < 0)		/* every copy: setenv replaces only the first */
		return -1;
	return entry[n] ? setenv(name, entry + n + 1, 1) : 0;
}

static int
repair_environ(const char *op)
{
	struct rp_env e;
	int r = 0, i;

	if (sticky(op, "/bin/sh", environ, &e) < 0)
		return -1;
	if ((e.fixed & RP_ENV_FIXED_PRELOAD) && set_var(e.preload) < 0)
		r = -1;
	if ((e.fixed & RP_ENV_FIXED_POLICY) && set_var(e.policy) < 0)
		r = -1;
	if ((e.fixed & RP_ENV_STRIPPED_AUDIT) && unsetenv("LD_AUDIT") < 0)
		r = -1;
	if ((e.fixed & RP_ENV_FIXED_MODE) &&
	    set_var(rp_state.mode_env_audit ? e.mode : RP_MODE_ENV) < 0)
		r = -1;
	if ((e.fixed & RP_ENV_FIXED_FPRINT) &&
	    set_var(rp_exec_fingerprint_entry() ? rp_exec_fingerprint_entry() : RP_FPRINT_ENV) < 0)
		r = -1;
	for (i = 0; i < RP_ENV_CODE_VARS; i++)	/* library paths cleaned */
		if (e.code[i] && set_var(e.code[i][0] ? e.code[i] : e.codebuf[i]) < 0)
			r = -1;
	/* the event relay's address (event.c), or none */
	if ((e.fixed & RP_ENV_FIXED_EVENTS) && set_var(e.events[0] ? e.events : RP_EVENTS_ENV) < 0)
		r = -1;
	rp_env_release(&e);
	return r;
}

static int
shell_gate(const char *op, const char *cmd)
{
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)cmd, NULL };
	struct rp_exec_verdict v;

	if (gate(op, AT_FDCWD, "/bin/sh", argv, 0, &v) < 0)
		return -1;
	return repair_environ(op);
}

RP_EXPORT int
system(const char *cmd)
{
	if (cmd && shell_gate("system", cmd) < 0)
		return -1;
	return RP_REAL(system)(cmd);	/* system(NULL): is there a shell? */
}

RP_EXPORT FILE *
popen(const char *cmd, const char *mode)
{
	if (cmd && shell_gate("popen", cmd) < 0)
		return NULL;
	return RP_REAL(popen)(cmd, mode);
}

RP_EXPORT int
wordexp(const char *words, wordexp_t *we, int flags)
{
	/* the shell runs only for command substitution (posix/wordexp.c
	 * exec_comm) */
	if (words && !(flags & WRDE_NOCMD) && (strchr(words, '`') || strstr(words, "$(")) &&
	    shell_gate("wordexp", words) < 0)
		return WRDE_CMDSUB;
	return RP_REAL(wordexp)(words, we, flags);
}

/* ---- memfd_create --------------------------------------------------------
 *
 * With MemfdExec deny, ask the kernel (>= 6.3) to make the memfd
 * non-executable and sealed so (MFD_NOEXEC_SEAL): then even a raw execveat
 * or an exec through /proc/self/fd/N that no wrapper sees fails, which
 * Landlock does not stop (research notes, row 8).  A caller that asks for
 * MFD_EXEC gets what it asked for; its exec is judged (and denied) by the
 * wrappers.  Older kernels answer EINVAL to the new flag: retry without.
 */
RP_EXPORT int
memfd_create(const char *name, unsigned int flags)
{
	int r;

	RP_SAVE_ERRNO;
	rp_ensure_init();
	if (rp_in_shim || (flags & (MFD_EXEC | MFD_NOEXEC_SEAL)) ||
	    (rp_state.policy_ok && rp_state.policy.memfd_exec))
		return RP_REAL(memfd_create)(name, flags);
	r = RP_REAL(memfd_create)(name, flags | MFD_NOEXEC_SEAL);
	if (r < 0 && errno == EINVAL) {
		RP_RESTORE_ERRNO;
		r = RP_REAL(memfd_create)(name, flags);
	}
	return r;
}

/* ---- the constructor's self-check --------------------------------------- */

static int
first_object(struct dl_phdr_info *info, size_t size, void *data)
{
	*(const void **)data = info->dlpi_phdr;
	return 1;	/* the first object is the main program */
}

static unsigned long
hex_field(const char **p)
{
	unsigned long v = 0;

	for (;; (*p)++) {
		char c = **p;

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned long)(c - 'a' + 10);
		else
			return v;
	}
}

/* The file mapped at `addr`, from /proc/self/maps ("lo-hi perms off dev
 * ino path"); 0 if not found.  Raw reads into a stack buffer: no stdio. */
static int
mapped_file(unsigned long addr, char *out, size_t cap)
{
	char buf[8192];
	size_t have = 0;
	long fd = rp_raw4(SYS_openat, AT_FDCWD, "/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
	int found = 0;

	if (RP_RAW_ERR(fd))
		return 0;
	for (;;) {
		long n = rp_raw3(SYS_read, fd, buf + have, sizeof(buf) - 1 - have);
		char *line = buf, *nl;

		if (RP_RAW_ERR(n) || n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = strchr(line, '\n'))) {
			const char *p = line, *path;
			unsigned long lo, hi;

			*nl = '\0';
			lo = hex_field(&p);
			p++;
			hi = hex_field(&p);
			path = strchr(p, '/');
			if (addr >= lo && addr < hi && path) {
				size_t l = strlen(path);

				if (l < cap) {
					memcpy(out, path, l + 1);
					found = 1;
				}
				goto done;
			}
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1)
			have = 0;	/* a line longer than the buffer: skip it */
	}
done:
	rp_raw1(SYS_close, fd);
	return found;
}

void
rp_exec_check_self(void)
{
	char exe[RP_PATH_MAX], prog[RP_PATH_MAX];
	const void *phdr = NULL;
	const char *slash;
	struct rp_exec_verdict v;
	struct rp_event ev;
	char *argv[2];
	long n;

	rp_ensure_init();
	/* A program the kernel mapped has its interpreter's load address in
	 * AT_BASE (fs/binfmt_elf.c create_elf_tables); ld.so run as the
	 * program has no interpreter, so AT_BASE is 0, and ld.so leaves it
	 * so when it makes AT_PHDR and AT_ENTRY look like PROGRAM's
	 * (elf/rtld.c dl_main).  Nonzero: judged at exec, no /proc read. */
	if (getauxval(AT_BASE) != 0)
		return;
	n = rp_raw4(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", exe, sizeof(exe) - 1);
	if (RP_RAW_ERR(n) || n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!rp_exec_is_loader_name(slash ? slash + 1 : exe))
		return;		/* the kernel mapped the program: it was judged at exec */
	/* `ld.so PROGRAM`: the kernel ran the loader, which mapped PROGRAM
	 * itself (elf/rtld.c dl_main); find that file from the main map's
	 * program headers */
	dl_iterate_phdr(first_object, &phdr);
	if (!phdr || !mapped_file((unsigned long)phdr, prog, sizeof(prog)))
		return;
	if (strcmp(prog, exe) == 0)
		return;		/* ld.so --help and friends: no program */
	argv[0] = program_invocation_name;
	argv[1] = NULL;
	rp_exec_decide(current_policy(), prog, argv, 0, env_value(environ, "PATH"), &v);
	if (!v.deny && rp_state.policy_ok && !rp_state.policy.memfd_exec &&
	    strstr(prog, " (deleted)")) {
		/* mapped from a memfd or a deleted file: no path to judge */
		v.deny = 1;
		v.rule = "memfd";
		v.pattern = "MemfdExec deny";
	}
	if (!v.deny)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.op = "ld.so";
	ev.path = prog;
	ev.target = v.hop_path[0] ? v.hop_path : NULL;
	ev.rule = v.rule;
	ev.detail = v.pattern;
	ev.argv = argv;
	ev.mode = -1;
	if (rp_deny(&ev))
		rp_raw1(SYS_exit_group, 126);	/* the exit code for "cannot run" */
}

/* ---- fork ---------------------------------------------------------------
 * fork runs nothing, but in a fork+exec loop every child would build the
 * table of denied (device, inode) pairs at its first exec and throw it
 * away.  Building it once in the parent lets every child inherit it.
 * (A vfork child's table lands in the parent's memory anyway, and
 * posix_spawn decides in the parent.) */
RP_EXPORT pid_t
fork(void)
{
	int saved = errno;

	rp_ensure_init();
	if (!rp_in_shim)
		rp_exec_prepare(current_policy(), env_value(environ, "PATH"));
	errno = saved;
	return RP_REAL(fork)();
}
