/* exec.h - the exec wrappers' entry points used by other parts of the shim.
 */
#ifndef RAMPART_EXEC_H
#define RAMPART_EXEC_H

/* syscall(SYS_execve, path, argv, envp) and syscall(SYS_execveat, dirfd,
 * path, argv, envp, flags), as routed by the syscall() wrapper: judged and
 * given the sticky environment like execve/execveat.  Returns like
 * syscall(2): -1 with errno set on failure (EACCES when denied); other
 * numbers give -1/ENOSYS. */
long rp_exec_syscall(long nr, long a1, long a2, long a3, long a4, long a5);

/* Called by the constructor: when this process was started by a direct
 * dynamic-loader invocation (`ld.so PROGRAM`, which the kernel's exec
 * checks and Landlock's EXECUTE right never see: research notes, row 7),
 * judge PROGRAM like an exec and, if the policy forbids it, log the denial
 * and exit with status 126 before main() runs.  Audit mode logs only. */
void rp_exec_check_self(void);

#endif
