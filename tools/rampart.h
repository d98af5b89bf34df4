/* rampart.h - what the parts of the rampart program share. */
#ifndef RAMPART_TOOL_H
#define RAMPART_TOOL_H

#include "policy.h"

/* Exit statuses are API (rampart(1), EXIT STATUS), as in env(1). */
enum rp_exit {
	RP_EXIT_OK = 0,
	RP_EXIT_FAILURE = 125,	/* rampart itself failed: policy, setup */
	RP_EXIT_CANNOT_RUN = 126,	/* the command cannot be run, or is denied */
	RP_EXIT_NOT_FOUND = 127,	/* the command was not found */
};

struct rp_options {
	const char *policy_path;	/* --policy, default /etc/rampart/policy */
	const char *shim_path;		/* --shim, default beside the loader */
	int audit;			/* --audit */
	int check;			/* --check */
	int json;			/* --json (for --check and subcommands) */
	char **cmd;			/* CMD [ARG...], NULL-terminated, or NULL */
};

/* Print "rampart: <what>" to stderr, then exit with `status`. */
void rp_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
void rp_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Load the policy, printing every error as FILE:LINE: message.  Returns
 * the error count. */
int rp_load_policy_verbose(struct rp_policy *p, const char *path);
/* Same, for a policy read outside its image (RP_LOAD_LINT: --check,
 * export-seccomp, suggest): WritablePath dirs need not exist here. */
int rp_load_policy_lint(struct rp_policy *p, const char *path);

/* check.c: `rampart --check` */
int rp_check_main(const struct rp_policy *p, const struct rp_options *o);

/* run.c: the loader.  Never returns on success (execs the command). */
int rp_run_main(struct rp_policy *p, const struct rp_options *o);



/* Subcommands (tools/scan.c, tools/suggest.c, tools/export_seccomp.c):
 * called with argv[0] = the subcommand name.  Return an exit status. */
int rp_scan_main(int argc, char **argv);
int rp_suggest_main(int argc, char **argv);
int rp_export_seccomp_main(int argc, char **argv);
#endif
