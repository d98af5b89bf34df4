/* exec.h - the exec wrappers' entry points used by other parts of the shim,
 * and what the exec wrappers (exec.c, spawn.c) share.
 */
#ifndef RAMPART_EXEC_H
#define RAMPART_EXEC_H

#include "execdecide.h"
#include "stickyenv.h"

/* syscall(SYS_execve, path, argv, envp) and syscall(SYS_execveat, dirfd,
 * path, argv, envp, flags), as routed by the syscall() wrapper: judged and
 * given the sticky environment like execve/execveat.  Returns like
 * syscall(2): -1 with errno set on failure (EACCES when denied); other
 * numbers give -1/ENOSYS. */
long rp_exec_syscall(long nr, long a1, long a2, long a3, long a4, long a5);


/* What every exec wrapper does (exec.c, spawn.c):
 * rp_exec_gate: judge `path` (rp_exec_decide_at) and log; 0 to go on
 * (allowed, or audit), -1 with errno EACCES to refuse. */
int rp_exec_gate(const char *op, int dirfd, const char *path, char *const argv[], int flags,
		 struct rp_exec_verdict *v);
/* rp_exec_sticky: the sticky environment for the new program in `e`;
 * logs a repair.  0, or -1 with errno set (do not exec: fail closed). */
int rp_exec_sticky(const char *op, const char *path, char *const envp[], struct rp_env *e);
/* rp_exec_pinned_path: the path to hand the kernel for an allowed exec
 * of v->path (the judged file's name when the app could re-point it), or
 * NULL with errno set. */
const char *rp_exec_pinned_path(int dirfd, struct rp_exec_verdict *v);

#endif
