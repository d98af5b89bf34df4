/* probes.h - the startup report proves itself (docs/events.md "Probes").
 *
 * After every confinement step and before the exec, the loader asks the
 * kernel whether each layer holds, with calls that change nothing, and
 * puts the answers in the startup report ("probes").  A probe that does
 * not hold is an error (exit 125) under `Landlock strict`, a warning
 * otherwise.  A layer the policy did not apply (audit mode, Landlock off)
 * is reported as skipped, with the reason.
 */
#ifndef RAMPART_PROBES_H
#define RAMPART_PROBES_H

#include <stddef.h>

struct rp_policy;
struct rp_plan;

/* Run the probes for `p`, whose layers are described by `plan` (warnings
 * are added to it, and plan->probes points at the JSON array, static
 * storage).  Returns 0, or -1 with the first failed probe in err when
 * the policy says `Landlock strict`. */
int rp_probes_run(const struct rp_policy *p, struct rp_plan *plan, char *err, size_t errsz);

#endif
