/* exec.c - the exec wrappers: every public way glibc 2.36 starts a program.
 *
 * glibc reaches the kernel through hidden aliases (__execve, __posix_spawn:
 * posix/execvpe.c, sysdeps/unix/sysv/linux/spawni.c in glibc 2.36), so
 * each public entry point has its own wrapper here.  Each one
 *   1. copies the path and judges it with rp_exec_decide_at() (the same
 *      decision `rampart --check -- CMD` prints), PATH searched like
 *      posix/execvpe.c when the function searches;
 *   2. on a denial logs one event and fails like the kernel would (-1 and
 *      EACCES; posix_spawn returns EACCES) without starting anything; audit
 *      mode logs and goes on;
 *   3. rebuilds the environment so the shim and its policy stay loaded in
 *      the new program (stickyenv.c), logging any repair;
 *   4. calls the real function with the judged copy of the path.
 * These run inside vfork children (CPython's subprocess: docs/threat-model.md, P7): no
 * malloc, stdio, locks or getenv; argument vectors are built on the stack,
 * or in an mmap when they are large.
 *
 * Unlike the file wrappers, none of these passes straight through when
 * rp_in_shim is set: the shim never starts a program itself, so an exec
 * seen then comes from a signal handler that interrupted the shim's own
 * initialisation, and is judged (denied while no policy is loaded).
 */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "envlock.h"
#include "execdecide.h"
#include "fprint.h"
#include "rawsys.h"
#include "rules.h"
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

static const struct rp_policy *
current_policy(void)
{
	return rp_state.policy_ok ? &rp_state.policy : NULL;
}

/* Judge and log.  Returns 0 to go on (allowed, or audit), -1 with errno
 * EACCES to refuse. */
int
rp_exec_gate(const char *op, int dirfd, const char *path, char *const argv[], int flags,
	     struct rp_exec_verdict *v)
{
	struct rp_event ev;

	rp_ensure_init();
	rp_exec_decide_at(current_policy(), dirfd, path, argv, flags,
			  rp_env_value(environ, "PATH"), v);
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
		/* MemfdExec allow: still worth a line (docs/threat-model.md, R8) */
		ev.rule = RP_RULE(MEMFD);
		ev.detail = "MemfdExec allow";
		ev.target = v->resolved;
		ev.decision = "allow";
		rp_event_emit(&ev);
	}
	return 0;
}

/* The sticky environment for the new program; logs a repair.  Returns 0,
 * or -1 with errno set (the exec is then not attempted: fail closed). */
int
rp_exec_sticky(const char *op, const char *path, char *const envp[], struct rp_env *e)
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
		ev.rule = RP_RULE(STICKY_ENV);
		ev.detail = rp_env_fixed_text(rp_env_tampering(e, rp_state.start_preload,
							       rp_state.start_policy));
		ev.decision = "fixed";
		ev.mode = -1;
		rp_event_emit(&ev);
	}
	return 0;
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
		if (rp_exec_gate(op, AT_FDCWD, "/bin/sh", nargv, 0, &v) < 0)
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
	if (rp_exec_gate(c->op, c->dirfd, c->path, c->argv, flags, &v) < 0)
		return -1;
	if (v.not_found) {
		/* nothing to run; the real call would search again and could
		 * find something that was never judged */
		errno = v.err;
		return -1;
	}
	if (flags & RP_EXEC_EMPTY_PATH)
		run = v.path;	/* the descriptor itself: nothing to re-point */
	else if (!(run = rp_exec_pinned_path(c->dirfd, &v)))
		return -1;
	if (rp_exec_sticky(c->op, v.path, c->envp, &e) < 0)
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

	if (rp_exec_sticky(op, "/bin/sh", environ, &e) < 0)
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

	int r;

	/* environ is walked here, in the app's thread: not while another
	 * thread's setenv moves it (envlock.h) */
	rp_env_lock();
	r = rp_exec_gate(op, AT_FDCWD, "/bin/sh", argv, 0, &v);
	if (r == 0)
		r = repair_environ(op);
	rp_env_unlock();
	return r;
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
 * Landlock does not stop (docs/threat-model.md, R8).  A caller that asks for
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

/* ---- fork ---------------------------------------------------------------
 * fork runs nothing, but in a fork+exec loop every child would build the
 * table of denied (device, inode) pairs at its first exec and throw it
 * away, and look up the writable dirs' kernel names (the roots and W^X's
 * names: two /proc readlinks per dir).  Doing both once in the parent lets
 * every child inherit them.  (A vfork child's caches land in the parent's
 * memory anyway, and posix_spawn decides in the parent.) */
RP_EXPORT pid_t
fork(void)
{
	int saved = errno;

	rp_ensure_init();
	if (!rp_in_shim && current_policy()) {
		rp_env_lock();
		rp_exec_prepare(current_policy(), rp_env_value(environ, "PATH"));
		rp_env_unlock();
		rp_roots_ready();
		(void)rp_exec_wx_dir(current_policy(), "/");	/* fills wx.c's names */
	}
	errno = saved;
	return RP_REAL(fork)();
}
