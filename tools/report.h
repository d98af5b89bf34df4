/* report.h - the loader's plan and its startup report.
 *
 * `rampart CMD` prints the plan as one JSON line on stderr just before the
 * exec (one write(2)); `rampart --check` prints the same plan without
 * applying anything.  Fields:
 *   {"rampart":"startup","mode":..,"applied":..,"uid":..,"gid":..,
 *    "user":..,"caps_kept":[..],"no_new_privs":..,
 *    "landlock":{"abi":..,"state":..,"handled":..,"rules":..,
 *                "withheld_files":..,"build_us":..},
 *    "seccomp":{"state":..,"rules":..,"action":..},
 *    "core_dumps":..,"shim":..,"policy":..,"command":..,"warnings":[..],
 *    "errors":[..],"phases_us":{..}}
 * "phases_us" (startup report only) is the time of each loader step in
 * microseconds, rp_phase_names order, so a slower start shows its step.
 * "errors" is what would make `rampart CMD` exit 125 (--check); a startup
 * report never has any, since the loader stops at the first.
 */
#ifndef RAMPART_REPORT_H
#define RAMPART_REPORT_H

#include <stdint.h>
#include <sys/types.h>

#define RP_MAX_WARNINGS 24

struct rp_warnings {
	char msg[RP_MAX_WARNINGS][400];
	int n;
};

void rp_warnings_add(struct rp_warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct rp_plan {
	int applied;		/* 0 = --check: a plan, nothing done */
	int audit;
	uid_t uid;		/* the app's ids (after the switch) */
	gid_t gid;
	const char *user;	/* policy User, or NULL */
	uint64_t caps_kept;
	int nnp;
	int landlock_abi;
	const char *landlock_state;	/* "enforced", "not applied (audit mode)", ... */
	uint64_t landlock_handled;
	unsigned landlock_rules;
	unsigned landlock_withheld;
	long landlock_build_us;	/* -1 when not built */
	int landlock_abi_kernel;	/* the kernel's ABI, when landlock_abi is capped */
	int landlock_abi_capped;	/* RAMPART_LANDLOCK_ABI_MAX lowered it */
	int fingerprints;	/* DenyExec'd files fingerprinted for the shim */
	long fingerprint_us;	/* time spent on them, -1 when not done */
	const char *seccomp_state;
	unsigned seccomp_rules;
	const char *seccomp_action;	/* "errno" or "log" */
	int core_dumps;
	const char *memory_wx;	/* MemoryDenyWriteExecute: "off", "enforced (PR_SET_MDWE)", ... */
	const char *shim;
	const char *policy;
	const char *command;	/* the resolved program */
	const char *probes;	/* probes.c: JSON array and probes_us, or NULL */
	struct rp_warnings warn;
	struct rp_warnings errors;	/* --check: steps that would fail */
};

/* The loader's steps as timed for "phases_us": each rp_phase_end(PH)
 * adds the time since the previous mark to PH (rp_phase_begin sets the
 * first mark, in main before the policy is read). */
enum rp_phase {
	RP_PH_PARSE,		/* policy file(s) read and parsed */
	RP_PH_DECIDE,		/* command found, exec decision */
	RP_PH_RESOLVE,		/* shim, policy path, user and group */
	RP_PH_FINGERPRINTS,	/* fingerprints of the denied files */
	RP_PH_LANDLOCK,		/* ruleset built */
	RP_PH_FDS,		/* inherited fds closed, no core */
	RP_PH_PRIVS,		/* groups, ids, capabilities */
	RP_PH_WARN,		/* warnings (mount options) */
	RP_PH_RESTRICT,		/* no_new_privs, landlock_restrict_self */
	RP_PH_CHECKS,		/* shim and policy readable */
	RP_PH_SECCOMP,		/* filter built and loaded */
	RP_PH_ENV,		/* environment for the command */
	RP_PH_COUNT
};
extern const char *const rp_phase_names[RP_PH_COUNT];
void rp_phase_begin(void);
void rp_phase_end(enum rp_phase ph);

/* Format the plan as one JSON line (with '\n') into buf; returns length. */
size_t rp_report_format(const struct rp_plan *plan, char *buf, size_t bufsz);
/* Write it to fd 2 with a single write(2). */
void rp_report_emit(const struct rp_plan *plan);

/* run.c: what `rampart CMD` would do, without doing it (for --check). */
struct rp_policy;
struct rp_options;
void rp_plan_for_check(const struct rp_policy *p, const struct rp_options *o,
		       struct rp_plan *plan);

#endif
