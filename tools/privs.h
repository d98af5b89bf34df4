/* privs.h - the loader's identity and capability steps.
 *
 * Resolves the policy's User and Group from the image's /etc/passwd and
 * /etc/group, switches groups, gid and uid, and leaves exactly the
 * KeepCapability set in every capability set (effective, permitted,
 * inheritable, bounding, ambient) with libcap-ng.  Ambient capabilities
 * keep the kept set usable by a non-root program after execve (capabilities(7),
 * "Transformation of capabilities during execve()").
 */
#ifndef RAMPART_PRIVS_H
#define RAMPART_PRIVS_H

#include <stdint.h>
#include <sys/types.h>

#include "policy.h"
#include "report.h"

struct rp_ids {
	int change;		/* the policy names a User */
	uid_t uid;
	gid_t gid;
	char user[64];		/* name for the report ("1000" when numeric) */
};

/* Resolve User/Group.  Returns 0, or -1 with a message in err. */
int rp_privs_resolve(const struct rp_policy *p, struct rp_ids *ids, char *err, size_t errsz);

/* Close every inherited fd above 2 except the `nkeep` fds in `keep`. */
int rp_privs_close_fds(const int *keep, int nkeep);

/* RLIMIT_CORE 0 and not dumpable, unless the policy allows core dumps.
 * Note: execve resets "dumpable" for an ordinary program (prctl(2),
 * PR_SET_DUMPABLE); RLIMIT_CORE is what stays for the app. */
int rp_privs_no_core(char *err, size_t errsz);

/* Switch identity and drop capabilities.  Returns 0 on success, -1 on a
 * failure (err says which step).  When not started as root, what cannot
 * be done goes to `warn` instead; so does a kept capability rampart was
 * started without.  *kept is what the permitted set holds afterwards. */
int rp_privs_drop(const struct rp_ids *ids, uint64_t keep_caps, uint64_t *kept, char *err,
		  size_t errsz, struct rp_warnings *warn);

/* What rp_privs_drop would meet, applying nothing (the loader's first
 * check, and --check's): -1 with err (what is missing, what to do) when the
 * switch needs CAP_SETUID/CAP_SETGID this process lacks; what it cannot do
 * harmlessly (a bounding set it cannot clear: no_new_privs makes it grant
 * nothing) goes to warn.  A switch that changes nothing (the policy's user
 * is the current one) needs no capability. */
int rp_privs_plan(const struct rp_ids *ids, uint64_t keep, char *err, size_t errsz,
		  struct rp_warnings *warn);

/* prctl(PR_SET_NO_NEW_PRIVS). */
int rp_privs_nnp(char *err, size_t errsz);

#endif
