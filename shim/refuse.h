/* refuse.h - a file wrapper's denial: one event, then fail or (audit)
 * go on; and the event of a repair that lets the call go on.  Beside the event writer (event.c); used by fs.c and perm.c,
 * so that neither wrapper file depends on the other for it.
 */
#ifndef RAMPART_REFUSE_H
#define RAMPART_REFUSE_H

/* Log a denial of `op` on `path` (and `target`) with `rule` (NULL: the
 * writable-path rule, or policy-unavailable when the policy failed).
 * Returns 1 when the call must fail (errno set to `err`), 0 in audit mode
 * (let the real call run). */
int rp_refuse(const char *op, const char *path, const char *target, const char *rule,
	      long mode, int err);

/* Log that a mode change beneath a writable dir went on without the exec
 * bits W^X forbids (rule wx-mode, decision "fixed", docs/events.md):
 * `mode` is the mode asked for (-1: none to show), `detail` what was
 * cleared.  The chmod family and the access-ACL check both report so. */
void rp_fixed_exec_bits(const char *op, const char *path, long mode, const char *detail);

#endif
