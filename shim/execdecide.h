/* execdecide.h - the one exec decision, shared by the shim's exec wrappers
 * and `rampart --check -- CMD`, so both always agree.
 *
 * Safe in a vfork child: no malloc, no locks, no stdio; file system
 * queries use raw system calls.
 */
#ifndef RAMPART_EXECDECIDE_H
#define RAMPART_EXECDECIDE_H

#include "policy.h"

struct rp_exec_verdict {
	int deny;			/* 1: the policy forbids it */
	int not_found;			/* PATH search found nothing */
	const char *rule;		/* "deny-exec", "wx", "ld.so", "memfd",
					   "deny-id", "policy-unavailable", or NULL */
	const char *pattern;		/* the DenyExec pattern that matched */
	int hop;			/* symlink hop where it matched (0 = as given) */
	char hop_path[RP_PATH_MAX];	/* the path at that hop */
	char resolved[RP_PATH_MAX];	/* final target, absolute */
};

/* Decide whether running `path` with `argv` is allowed.  `path` is what the
 * caller passed to the exec function; when `search` is set and `path` has
 * no '/', it is looked up in `pathenv` (colon list, NULL = default) the way
 * execvp does.  Returns v->deny. */
int rp_exec_decide(const struct rp_policy *p, const char *path, char *const argv[],
		   int search, const char *pathenv, struct rp_exec_verdict *v);

#endif
