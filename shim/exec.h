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

#endif
