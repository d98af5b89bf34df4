/* exitcode.h - the one exit-status mapping: what rampart, `rampart
 * --check` and the shim's refusal before main() exit with.
 *
 * Exit statuses are API (rampart(1), EXIT STATUS), as in env(1) and the
 * shells: 125 rampart itself failed, 126 the command cannot run or is
 * denied, 127 it was not found.  The loader (a failed lookup or execve),
 * --check (the decision's lookup) and the shim's constructor (a denied
 * `ld.so PROGRAM`) all take their status from here, so they agree.
 */
#ifndef RAMPART_EXITCODE_H
#define RAMPART_EXITCODE_H

#include <errno.h>

enum rp_exit {
	RP_EXIT_OK = 0,
	RP_EXIT_FAILURE = 125,	/* rampart itself failed: policy, setup */
	RP_EXIT_CANNOT_RUN = 126,	/* the command cannot be run, or is denied */
	RP_EXIT_NOT_FOUND = 127,	/* the command was not found */
};

/* The status for a command that could not be found or started with
 * `err`: not found (127) when no file is there (ENOENT, or ENOTDIR: a
 * component is not a directory), cannot run (126) for anything else
 * (EACCES, ENOEXEC, ENAMETOOLONG, ...), as sh and env(1) answer. */
static inline enum rp_exit
rp_exit_for_errno(int err)
{
	return err == ENOENT || err == ENOTDIR ? RP_EXIT_NOT_FOUND : RP_EXIT_CANNOT_RUN;
}

#endif
