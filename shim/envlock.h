/* envlock.h - the shim's readers of environ against libc's writers.
 *
 * glibc's setenv may move the environ array (realloc) while another
 * thread reads it.  An app that does that is outside POSIX, but the shim
 * must not turn it into a crash of its own: where the shim walks environ
 * in the app's process (system, popen, wordexp, posix_spawn, fork), it
 * holds this lock, and the setenv, putenv, unsetenv and clearenv
 * wrappers hold it around the real call.  The lock is reentrant per
 * thread (the repair of the environment calls setenv), never blocks for
 * good (an owner that is gone, such as the thread a fork child did not
 * inherit, is passed over), and is not taken in a vfork child or from
 * any path after fork that does not also call setenv. */
#ifndef RAMPART_ENVLOCK_H
#define RAMPART_ENVLOCK_H

void rp_env_lock(void);
void rp_env_unlock(void);

#endif
