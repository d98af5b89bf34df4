/* plan.h - the plan the loader follows and --check prints (plan.c): the
 * lookups, the Landlock and fingerprint steps' entries in struct rp_plan,
 * the warnings both report, and how a loader step fails.
 */
#ifndef RAMPART_PLAN_H
#define RAMPART_PLAN_H

#include <stddef.h>
#include <sys/types.h>

#include "landlock.h"
#include "policy.h"
#include "rampart.h"
#include "report.h"

/* Hints printed after a Landlock failure: the kernel has none, or a
 * seccomp filter around rampart (a container profile) denies landlock_*. */
extern const char rp_hint_landlock[];
extern const char rp_hint_landlock_seccomp[];
/* rp_hint_landlock_seccomp if `error` is an EPERM (which only a seccomp
 * filter gives there), else `otherwise`. */
const char *rp_landlock_eperm_hint(const char *error, const char *otherwise);

/* A loader step failed: "rampart: STEP: REASON", the hint, exit `status`. */
void rp_loader_fail(int status, const char *step, const char *reason, const char *hint)
	__attribute__((noreturn));

/* The command as the exec decision finds it (rp_exec_search_path for a
 * name without '/'): 0, or -errno. */
int rp_find_command(const char *cmd, const char *pathenv, char *out, size_t outsz);
/* librampart.so: `given` (absolute), else beside the loader or in
 * ../lib/rampart/.  0, -EINVAL (relative), or -ENOENT with `out` naming
 * where it looked. */
int rp_find_shim(const char *given, char *out, size_t outsz);
int rp_plan_shim_check(struct rp_plan *plan, const struct rp_policy *p, const char *shim, int audit,
		       char *why, size_t whysz);

/* Why Landlock is not applied whatever the kernel (audit mode, Landlock
 * off), or NULL. */
const char *rp_plan_landlock_skip(const struct rp_policy *p);
/* The plan's fields that come from the policy alone. */
void rp_plan_init(struct rp_plan *plan, const struct rp_policy *p);
/* The plan's Landlock fields from the ruleset. */
void rp_plan_landlock(struct rp_plan *plan, const struct rp_ll *ll);
/* Fail (125) on an invalid RAMPART_LANDLOCK_ABI_MAX. */
void rp_plan_check_abi_cap(const struct rp_ll *ll);
/* The fingerprints of the files the identity check records, into `out`
 * as RAMPART_DENY_IDS's value, timed into the plan; fails (125) on error. */
void rp_plan_fingerprints(struct rp_plan *plan, const struct rp_policy *p, char *out, size_t cap);
/* Warnings (and, with RequireNoexec, errors) both the run and --check
 * give: root as the app's uid, writable dirs on exec-capable mounts. */
void rp_plan_warn_common(struct rp_plan *plan, const struct rp_policy *p, uid_t app_uid);

/* --check: what `rampart CMD` would do, without doing it. */
void rp_plan_for_check(const struct rp_policy *p, const struct rp_options *o,
		       struct rp_plan *plan);

#endif
