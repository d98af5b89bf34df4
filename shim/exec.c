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
 * malloc, stdio, locks or getenv; argument vectors are built on the stack.
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exec.h"
#include "execdecide.h"
#include "rawsys.h"
#include "shim.h"
#include "stickyenv.h"

extern char **environ;

/* Bound on execl-style argument lists built on the stack (128 KiB). */
#define RP_MAX_EXECL_ARGS 16384

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
				   rp_state.mode_env_audit);

	if (r < 0) {
		errno = -r;
		return -1;
	}
	if (e->fixed) {
		struct rp_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.op = op;
		ev.path = path;
		ev.rule = "sticky-env";
		ev.detail = rp_env_fixed_text(e->fixed);
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

/* posix/execvpe.c maybe_script_execute: a file the kernel cannot run
 * (ENOEXEC) found by a PATH search is run by /bin/sh. */
static int
exec_as_script(const char *file, char *const argv[], char *const envp[])
{
	size_t argc = 0;

	while (argv && argv[argc] && argc <= RP_MAX_EXECL_ARGS)
		argc++;
	if (argc > RP_MAX_EXECL_ARGS) {
		errno = E2BIG;
		return -1;
	}
	{
		char *nargv[argc + 2];

		nargv[0] = (char *)"/bin/sh";
		nargv[1] = (char *)file;
		if (argc > 1)
			memcpy(nargv + 2, argv + 1, argc * sizeof(char *));
		else
			nargv[2] = NULL;
		return RP_REAL(execve)("/bin/sh", nargv, envp);
	}
}

static int
exec_common(const struct call *c)
{
	struct rp_exec_verdict v;
	struct rp_env e;
	int flags = 0, r, err;

	if (rp_in_shim)
		return forward(c, c->path, c->envp);
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
	if (sticky(c->op, v.path, c->envp, &e) < 0)
		return -1;
	r = forward(c, v.path, e.envp);
	err = errno;
	if (c->search && err == ENOEXEC && strchr(c->path, '/') == NULL) {
		r = exec_as_script(v.path, c->argv, e.envp);
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

/* ---- execl, execlp, execle: argv on the stack (posix/execl.c) ----------- */

/* Arguments after `arg` up to the terminating NULL. */
static size_t
count_args(va_list ap)
{
	size_t n = 1;
	va_list aq;

	va_copy(aq, ap);
	while (va_arg(aq, const char *) && n <= RP_MAX_EXECL_ARGS)
		n++;
	va_end(aq);
	return n;
}

/* One body for the three: `how_env` is 0 (environ) or 1 (execle's envp
 * after the NULL). */
#define RP_EXECL_BODY(opname, path, arg, search, how_env)                       \
	do {                                                                    \
		va_list ap;                                                     \
		size_t n_, i_;                                                  \
		va_start(ap, arg);                                              \
		n_ = count_args(ap);                                            \
		if (n_ > RP_MAX_EXECL_ARGS) {                                    \
			va_end(ap);                                             \
			errno = E2BIG;                                          \
			return -1;                                              \
		}                                                               \
		{                                                               \
			char *argv_[n_ + 1];                                    \
			struct call c_ = { opname, VIA_EXECVE, AT_FDCWD, path,  \
					   argv_, environ, 0, search };          \
			argv_[0] = (char *)(arg);                               \
			for (i_ = 1; i_ <= n_; i_++)                            \
				argv_[i_] = va_arg(ap, char *);                 \
			if (how_env)                                            \
				c_.envp = va_arg(ap, char *const *);            \
			va_end(ap);                                             \
			return exec_common(&c_);                                \
		}                                                               \
	} while (0)

RP_EXPORT int
execl(const char *path, const char *arg, ...)
{
	RP_EXECL_BODY("execl", path, arg, 0, 0);
}

RP_EXPORT int
execlp(const char *file, const char *arg, ...)
{
	RP_EXECL_BODY("execlp", file, arg, 1, 0);
}

RP_EXPORT int
execle(const char *path, const char *arg, ...)
{
	RP_EXECL_BODY("execle", path, arg, 0, 1);
}

/* ---- posix_spawn, posix_spawnp (both symbol versions) ------------------- */

typedef int (*rp_spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			   const posix_spawnattr_t *, char *const[], char *const[]);

/* All checks happen here in the parent: the child glibc starts runs no
 * wrapper code (research notes, row 25).  posix_spawnp's PATH search is
 * done here and the found path handed to the same version of the real
 * function, so the compat version keeps its /bin/sh fallback (1.4). */
static int
spawn_common(const char *op, int search, rp_spawn_fn *realp, pid_t *pid, const char *path,
	     const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
	     char *const argv[], char *const envp[])
{
	struct rp_exec_verdict v;
	struct rp_env e;
	int saved = errno, r;
	rp_spawn_fn real;

	rp_ensure_init();
	real = __atomic_load_n(realp, __ATOMIC_ACQUIRE);
	if (!real)
		return ENOSYS;
	if (rp_in_shim || !path)
		return real(pid, path, fa, attr, argv, envp);
	if (gate(op, AT_FDCWD, path, argv, search ? RP_EXEC_SEARCH : 0, &v) < 0) {
		r = errno;
		errno = saved;
		return r;
	}
	if (v.not_found) {
		errno = saved;
		return v.err;
	}
	if (sticky(op, v.path, envp, &e) < 0) {
		r = errno;
		errno = saved;
		return r;
	}
	r = real(pid, v.path, fa, attr, argv, e.envp);
	rp_env_release(&e);
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
 * itself is judged, and when the process's environ has lost the shim,
 * environ points at the repaired copy for the duration of the call.  (A
 * setenv in another thread during that call would be undone; these
 * functions are not async-signal-safe anyway, so none of this runs in a
 * vfork child.)
 */
#define RP_WITH_ENVIRON(e, stmt)                                               \
	do {                                                                   \
		char **saved_env_ = environ;                                   \
		if ((e).fixed)                                                 \
			environ = (e).envp;                                    \
		stmt;                                                          \
		if (environ == (e).envp)                                       \
			environ = saved_env_;                                  \
		rp_env_release(&(e));                                          \
	} while (0)

static int
shell_gate(const char *op, const char *cmd, struct rp_env *e)
{
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)cmd, NULL };
	struct rp_exec_verdict v;

	if (gate(op, AT_FDCWD, "/bin/sh", argv, 0, &v) < 0)
		return -1;
	return sticky(op, "/bin/sh", environ, e);
}

RP_EXPORT int
system(const char *cmd)
{
	struct rp_env e;
	int r;

	if (rp_in_shim || !cmd)
		return RP_REAL(system)(cmd);	/* system(NULL): is there a shell? */
	if (shell_gate("system", cmd, &e) < 0)
		return -1;
	RP_WITH_ENVIRON(e, r = RP_REAL(system)(cmd));
	return r;
}

RP_EXPORT FILE *
popen(const char *cmd, const char *mode)
{
	struct rp_env e;
	FILE *f;

	if (rp_in_shim || !cmd)
		return RP_REAL(popen)(cmd, mode);
	if (shell_gate("popen", cmd, &e) < 0)
		return NULL;
	RP_WITH_ENVIRON(e, f = RP_REAL(popen)(cmd, mode));
	return f;
}

RP_EXPORT int
wordexp(const char *words, wordexp_t *we, int flags)
{
	struct rp_env e;
	int r;

	/* the shell runs only for command substitution (posix/wordexp.c
	 * exec_comm) */
	if (rp_in_shim || !words || (flags & WRDE_NOCMD) ||
	    (!strchr(words, '`') && !strstr(words, "$(")))
		return RP_REAL(wordexp)(words, we, flags);
	if (shell_gate("wordexp", words, &e) < 0)
		return WRDE_CMDSUB;
	RP_WITH_ENVIRON(e, r = RP_REAL(wordexp)(words, we, flags));
	return r;
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
