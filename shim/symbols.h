/* symbols.h - the one table of interposed libc functions.
 *
 * X(return type, name, (parameter types))
 *
 * From this table come: the `rp_real.NAME` pointers to the next definition
 * (init.c resolves them all in one loop), the linker version script that
 * exports exactly these names (shim.map.in), and the test that compares
 * `nm -D build/librampart.so` with this list.  A wrapper for NAME lives in
 * the file of its concern (fs.c, perm.c, exec.c, fdguard.c) and is defined with
 * RP_EXPORT.  To add a function: add a row here, write the wrapper, add a
 * test program; docs/HACKING.md has the checklist.
 *
 * posix_spawn and posix_spawnp are exported in two symbol versions; they
 * are listed in RP_VERSIONED_SYMBOLS and resolved with dlvsym.
 */
#ifndef RAMPART_SYMBOLS_H
#define RAMPART_SYMBOLS_H

#define RP_FILE_SYMBOLS(X)                                                        \
	X(int, open, (const char *, int, ...))                                    \
	X(int, open64, (const char *, int, ...))                                  \
	X(int, __open, (const char *, int, ...))                                  \
	X(int, __open64, (const char *, int, ...))                                \
	X(int, __open_2, (const char *, int))                                     \
	X(int, __open64_2, (const char *, int))                                   \
	X(int, openat, (int, const char *, int, ...))                             \
	X(int, openat64, (int, const char *, int, ...))                           \
	X(int, __openat_2, (int, const char *, int))                              \
	X(int, __openat64_2, (int, const char *, int))                            \
	X(int, creat, (const char *, mode_t))                                     \
	X(int, creat64, (const char *, mode_t))                                   \
	X(FILE *, fopen, (const char *, const char *))                            \
	X(FILE *, fopen64, (const char *, const char *))                          \
	X(FILE *, freopen, (const char *, const char *, FILE *))                  \
	X(FILE *, freopen64, (const char *, const char *, FILE *))                \
	X(FILE *, tmpfile, (void))                                                \
	X(FILE *, tmpfile64, (void))                                              \
	X(int, mkstemp, (char *))                                                 \
	X(int, mkstemp64, (char *))                                               \
	X(int, mkostemp, (char *, int))                                           \
	X(int, mkostemp64, (char *, int))                                         \
	X(int, mkstemps, (char *, int))                                           \
	X(int, mkstemps64, (char *, int))                                         \
	X(int, mkostemps, (char *, int, int))                                     \
	X(int, mkostemps64, (char *, int, int))                                   \
	X(char *, mkdtemp, (char *))                                              \
	X(int, shm_open, (const char *, int, mode_t))                             \
	X(int, shm_unlink, (const char *))                                        \
	X(sem_t *, sem_open, (const char *, int, ...))                            \
	X(int, sem_unlink, (const char *))                                        \
	X(int, truncate, (const char *, off_t))                                   \
	X(int, truncate64, (const char *, off64_t))                               \
	X(int, mkdir, (const char *, mode_t))                                     \
	X(int, mkdirat, (int, const char *, mode_t))                              \
	X(int, mknod, (const char *, mode_t, dev_t))                              \
	X(int, mknodat, (int, const char *, mode_t, dev_t))                       \
	X(int, __xmknod, (int, const char *, mode_t, dev_t *))                    \
	X(int, __xmknodat, (int, int, const char *, mode_t, dev_t *))             \
	X(int, mkfifo, (const char *, mode_t))                                    \
	X(int, mkfifoat, (int, const char *, mode_t))                             \
	X(int, link, (const char *, const char *))                                \
	X(int, linkat, (int, const char *, int, const char *, int))               \
	X(int, symlink, (const char *, const char *))                             \
	X(int, symlinkat, (const char *, int, const char *))                      \
	X(int, unlink, (const char *))                                            \
	X(int, unlinkat, (int, const char *, int))                                \
	X(int, rmdir, (const char *))                                             \
	X(int, remove, (const char *))                                            \
	X(int, rename, (const char *, const char *))                              \
	X(int, renameat, (int, const char *, int, const char *))                  \
	X(int, renameat2, (int, const char *, int, const char *, unsigned int))   \
	X(int, chown, (const char *, uid_t, gid_t))                               \
	X(int, lchown, (const char *, uid_t, gid_t))                              \
	X(int, fchown, (int, uid_t, gid_t))                                       \
	X(int, fchownat, (int, const char *, uid_t, gid_t, int))                  \
	X(int, utime, (const char *, const struct utimbuf *))                     \
	X(int, utimes, (const char *, const struct timeval *))                    \
	X(int, lutimes, (const char *, const struct timeval *))                   \
	X(int, futimes, (int, const struct timeval *))                            \
	X(int, futimesat, (int, const char *, const struct timeval *))            \
	X(int, futimens, (int, const struct timespec *))                          \
	X(int, utimensat, (int, const char *, const struct timespec *, int))      \
	X(int, setxattr, (const char *, const char *, const void *, size_t, int)) \
	X(int, lsetxattr, (const char *, const char *, const void *, size_t, int)) \
	X(int, fsetxattr, (int, const char *, const void *, size_t, int))         \
	X(int, removexattr, (const char *, const char *))                         \
	X(int, lremovexattr, (const char *, const char *))                        \
	X(int, fremovexattr, (int, const char *))                                 \
	X(int, bind, (int, const struct sockaddr *, socklen_t))                   \
	X(int, posix_spawn_file_actions_addopen,                                  \
	  (posix_spawn_file_actions_t *, int, const char *, int, mode_t))         \
	X(long, syscall, (long, ...))

#define RP_PERM_SYMBOLS(X)                                                        \
	X(int, chmod, (const char *, mode_t))                                     \
	X(int, fchmod, (int, mode_t))                                             \
	X(int, fchmodat, (int, const char *, mode_t, int))                        \
	X(int, lchmod, (const char *, mode_t))

#define RP_EXEC_SYMBOLS(X)                                                        \
	X(int, execve, (const char *, char *const[], char *const[]))              \
	X(int, execv, (const char *, char *const[]))                              \
	X(int, execvp, (const char *, char *const[]))                             \
	X(int, execvpe, (const char *, char *const[], char *const[]))             \
	X(int, execl, (const char *, const char *, ...))                          \
	X(int, execlp, (const char *, const char *, ...))                         \
	X(int, execle, (const char *, const char *, ...))                         \
	X(int, fexecve, (int, char *const[], char *const[]))                      \
	X(int, execveat, (int, const char *, char *const[], char *const[], int))  \
	X(int, system, (const char *))                                            \
	X(FILE *, popen, (const char *, const char *))                            \
	X(int, wordexp, (const char *, wordexp_t *, int))                         \
	X(int, memfd_create, (const char *, unsigned int))                       \
	X(pid_t, fork, (void))

/* Library loading (loadlib.c).  Each has two glibc versions bound to one
 * function (GLIBC_2.2.5 or 2.3.4, and 2.34), so one unversioned wrapper,
 * which matches references to either, is enough.  setenv and putenv
 * (loadvars.c): glibc reads its gconv configuration before GCONV_PATH
 * changes; they, unsetenv and clearenv hold the environment lock
 * (envlock.h) around the real call. */
#define RP_LOAD_SYMBOLS(X)                                                        \
	X(void *, dlopen, (const char *, int))                                    \
	X(void *, dlmopen, (Lmid_t, const char *, int))                           \
	X(char *, dlerror, (void))                                                \
	X(int, setenv, (const char *, const char *, int))                         \
	X(int, putenv, (char *))                                                  \
	X(int, unsetenv, (const char *))                                          \
	X(int, clearenv, (void))

/* Descriptor calls that could close or replace a root the shim holds
 * (fdguard.c, roots.h). */
#define RP_FD_SYMBOLS(X)                                                          \
	X(int, close, (int))                                                      \
	X(int, close_range, (unsigned int, unsigned int, int))                    \
	X(void, closefrom, (int))                                                 \
	X(int, dup2, (int, int))                                                  \
	X(int, dup3, (int, int, int))

#define RP_SYMBOLS(X) RP_FILE_SYMBOLS(X) RP_PERM_SYMBOLS(X) RP_EXEC_SYMBOLS(X) \
	RP_LOAD_SYMBOLS(X) RP_FD_SYMBOLS(X)

/* name, C symbol of the wrapper, version, default version? */
#define RP_VERSIONED_SYMBOLS(V)                                                   \
	V(posix_spawn, rp_posix_spawn_2_15, "GLIBC_2.15", 1)                      \
	V(posix_spawn, rp_posix_spawn_2_2_5, "GLIBC_2.2.5", 0)                    \
	V(posix_spawnp, rp_posix_spawnp_2_15, "GLIBC_2.15", 1)                    \
	V(posix_spawnp, rp_posix_spawnp_2_2_5, "GLIBC_2.2.5", 0)

#endif
