/* landlock.h - the loader's Landlock ruleset: probe, build, restrict.
 *
 * What the ruleset enforces (research notes §5):
 *   - writes (every write-like right the running ABI knows, truncate
 *     included) only beneath the policy's writable dirs;
 *   - EXECUTE everywhere except beneath writable dirs (W^X), unless the dir
 *     is an ExecWritablePath;
 *   - no READ_FILE and no EXECUTE on the files of the PATH dirs, the
 *     standard bin dirs (RP_EXEC_STD_DIRS) and /usr/lib/gcc that DenyExec
 *     names (denymatch.h, the rule every layer applies), so neither a
 *     static binary nor `ld.so PROGRAM` can load them;
 *   - /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom, /dev/tty
 *     and /dev/pts read+write.
 * Rules are a union along the path (landlock.7: "at least one of its rules
 * encountered on the path grants the access"), so a right that must be
 * withheld somewhere below a directory cannot be granted on that directory:
 * such directories get READ_DIR only and one rule per entry instead.
 *
 * Cost (build_us in the startup report): listing the PATH dirs and gcc's
 * trees, with names matched through struct rp_names (execdecide.h), then
 * for each file of a directory holding a DenyExec'd file an openat and a
 * landlock_add_rule (closes go in batches through close_range): that
 * floor is about 2 system calls per file.  Measured (CPU time, loaded
 * 2-core VM): policies/compilers.policy 15 ms where gcc, clang and
 * binutils are installed (1,548 rules; 77 ms before the names were
 * prepared and realpath left out), 0.8 ms in a runtime image without
 * them (16 ms before), 0.3 ms without DenyExec.
 */
#ifndef RAMPART_LANDLOCK_H
#define RAMPART_LANDLOCK_H

#include <stdint.h>

#include "policy.h"

/* Tests only: use at most this Landlock ABI, so the code for older
 * kernels runs on a newer one (rampart(1), ENVIRONMENT). */
#define RP_LANDLOCK_ABI_MAX_ENV "RAMPART_LANDLOCK_ABI_MAX"

struct rp_ll {
	int abi;		/* the ABI used; 0 when Landlock is unavailable */
	int abi_kernel;		/* what the kernel has */
	int abi_capped;		/* abi < abi_kernel: RP_LANDLOCK_ABI_MAX_ENV */
	char cap_error[160];	/* an invalid RP_LANDLOCK_ABI_MAX_ENV, or "" */
	int probe_errno;	/* why, when abi == 0 (ENOSYS, EOPNOTSUPP) */
	uint64_t handled;	/* handled_access_fs for this ABI */
	int ruleset_fd;		/* -1 until built, and after restrict */
	unsigned rules;		/* landlock_add_rule calls that succeeded */
	unsigned withheld;	/* files denied READ_FILE|EXECUTE (DenyExec) */
	long build_us;		/* time spent building the ruleset */
	int applied;		/* restrict_self succeeded */
	char error[512];	/* "<what>: <strerror>" after a failure */
};

/* Ask the kernel for its Landlock ABI; fills abi (capped by
 * RP_LANDLOCK_ABI_MAX_ENV), abi_kernel, abi_capped, probe_errno, handled,
 * and cap_error when that variable is not an integer >= 1 (the caller
 * must then refuse to run). */
void rp_landlock_probe(struct rp_ll *ll);

/* Build the ruleset for `p` while every path is still visible (before the
 * uid switch).  `pathenv` is the command's PATH (NULL = the default).
 * Returns 0, or -errno with ll->error set. */
int rp_landlock_build(struct rp_ll *ll, const struct rp_policy *p, const char *pathenv);

/* landlock_restrict_self with the built ruleset (needs no_new_privs), then
 * close it.  Returns 0, or -errno with ll->error set. */
int rp_landlock_restrict(struct rp_ll *ll);

/* The names of the handled rights, for the report: "execute,write_file,...". */
void rp_landlock_rights_str(uint64_t rights, char *out, size_t outsz);

#endif
