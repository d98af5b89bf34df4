/* diag.h - what every part of the rampart program reports and loads the
 * same way: "rampart: " messages on stderr, and the policy with every
 * error printed as FILE:LINE: message (fail closed: any error, nothing
 * applied).  Used by the loader, --check and the field tools.
 */
#ifndef RAMPART_DIAG_H
#define RAMPART_DIAG_H

#include "policy.h"

/* Print "rampart: <what>" to stderr, then exit with `status`. */
void rp_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
void rp_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Load the policy, printing every error as FILE:LINE: message.  Returns
 * the error count. */
int rp_load_policy_verbose(struct rp_policy *p, const char *path);
/* Same, for a policy read outside its image (RP_LOAD_LINT: --check,
 * export-seccomp, suggest): WritablePath dirs need not exist here. */
int rp_load_policy_lint(struct rp_policy *p, const char *path);

#endif
