/* execdirs.h - the directories always looked into for DenyExec'd files:
 * the command's PATH (RP_EXEC_DEFAULT_PATH without one), then
 * RP_EXEC_STD_DIRS, absolute entries only.  The shim's identity table
 * (execids.c) and the Landlock plan (tools/loader/llwithhold.c) both
 * walk this list, so they scan the same directories.
 *
 * Pure: no allocation, no process state; the caller's iterator and
 * buffer hold everything, so it runs in a vfork child.
 */
#ifndef RAMPART_EXECDIRS_H
#define RAMPART_EXECDIRS_H

#include <stddef.h>

/* Zero it, set .pathenv (NULL: the default PATH), then call
 * rp_exec_dirs_next until it returns 0. */
struct rp_exec_dirs {
	const char *pathenv;
	const char *at;		/* the rest of the current list */
	int stage;		/* 0 not started, 1 PATH, 2 standard dirs, 3 done */
};

/* The next directory into `out` (NUL-terminated): 1, or 0 at the end.
 * Empty and relative entries (the current directory, which changes while
 * the program runs) are skipped, as are entries of `cap` bytes or more. */
int rp_exec_dirs_next(struct rp_exec_dirs *it, char *out, size_t cap);

#endif
