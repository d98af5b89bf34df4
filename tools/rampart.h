/* rampart.h - the rampart program: exit statuses, options, and the
 * subcommand table's entry points (rampart.c dispatches to them). */
#ifndef RAMPART_TOOL_H
#define RAMPART_TOOL_H

#include "diag.h"
#include "exitcode.h"
#include "policy.h"

struct rp_options {
	const char *policy_path;	/* --policy, default /etc/rampart/policy */
	const char *shim_path;		/* --shim, default beside the loader */
	int audit;			/* --audit */
	int check;			/* --check */
	int json;			/* --json (for --check and subcommands) */
	char **cmd;			/* CMD [ARG...], NULL-terminated, or NULL */
};

/* check.c: `rampart --check` */
int rp_check_main(const struct rp_policy *p, const struct rp_options *o);

/* run.c: the loader.  Never returns on success (execs the command). */
int rp_run_main(struct rp_policy *p, const struct rp_options *o);

/* Subcommands (tools/field/scan.c, suggest.c, export_seccomp.c):
 * called with argv[0] = the subcommand name.  Return an exit status. */
int rp_scan_main(int argc, char **argv);
int rp_suggest_main(int argc, char **argv);
int rp_export_seccomp_main(int argc, char **argv);
#endif
