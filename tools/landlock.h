/* landlock.h - the loader's Landlock ruleset: probe, build, restrict.
 *
 * What the ruleset enforces (research notes §5, docs/threat-model.md):
 *   - writes (every write-like right the running ABI knows, truncate
 *     included) only beneath the policy's writable dirs;
 *   - EXECUTE everywhere except beneath writable dirs (W^X), unless the dir
 *     is an ExecWritablePath;
 *   - no READ_FILE and no EXECUTE on the files of the PATH dirs and the
 *     standard bin dirs (RP_EXEC_STD_DIRS) that DenyExec names (denymatch.h,
 *     the rule every layer applies), nor on anything in /usr/lib/gcc and
 *     /usr/libexec/gcc when they hold such a file, so neither a static
 *     binary nor `ld.so PROGRAM` can load them;
 *   - /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom, /dev/tty
 *     and /dev/pts read+write, with device ioctls.
 * Rules are a union along the path (landlock.7: "at least one of its rules
 * encountered on the path grants the access"), so a right that must be
 * withheld somewhere below a directory cannot be granted on that directory:
 * such directories get no rule and one rule per entry instead.
 *
 * Which rights are handled is the per-call cost: a handled right makes the
 * calls it governs walk the path up to a rule that grants it
 * (security/landlock/fs.c, hook_file_open).  TRUNCATE is looked up at
 * every open and stays handled, because openat2(O_RDONLY|O_TRUNC) keeps
 * its flags where seccomp cannot see them; READ_FILE only when a file is
 * withheld (an image without compilers has none); READ_DIR and
 * RESOLVE_UNIX never, since no guarantee needs them.
 *
 * Cost of the build (build_us in the startup report): listing the PATH
 * dirs and gcc's trees, with names matched through struct rp_names
 * (execdecide.h), then for each file of a directory holding a DenyExec'd
 * file an openat and a landlock_add_rule (closes go in batches through
 * close_range): about 2 system calls per file.  Measured (CPU time,
 * loaded 2-core VM): policies/compilers.policy 15 ms where gcc, clang and
 * binutils are installed (about 1,550 rules), 0.8 ms in a runtime image
 * without them, 0.3 ms without DenyExec.
 */
#ifndef RAMPART_LANDLOCK_H
#define RAMPART_LANDLOCK_H

#include <stdint.h>

#include "policy.h"

/* Tests only: use at most this Landlock ABI, so the code for older
 * kernels runs on a newer one (rampart(1), ENVIRONMENT). */
#define RP_LANDLOCK_ABI_MAX_ENV "RAMPART_LANDLOCK_ABI_MAX"

/* Tests and `make bench` only: which rights the ruleset handles, so the
 * cost of each can be measured against the others (rampart(1),
 * ENVIRONMENT):
 *   default      what the threat model needs (below);
 *   writes-exec  writes, removals, creations, refer and exec only: no
 *                truncate, no read, no ioctl -- the floor of a Landlock
 *                that still confines writes and W^X, NOT the guarantees
 *                of docs/threat-model.md (truncation and withholding go);
 *   all          every right the ABI knows, read_dir included, and
 *                read_file even when nothing is withheld. */
#define RP_LANDLOCK_RIGHTS_ENV "RAMPART_LANDLOCK_RIGHTS"

enum rp_ll_rights { RP_LL_RIGHTS_DEFAULT, RP_LL_RIGHTS_WRITES_EXEC, RP_LL_RIGHTS_ALL };

struct rp_ll {
	int abi;		/* the ABI used; 0 when Landlock is unavailable */
	int abi_kernel;		/* what the kernel has */
	int abi_capped;		/* abi < abi_kernel: RP_LANDLOCK_ABI_MAX_ENV */
	char cap_error[160];	/* an invalid RP_LANDLOCK_ABI_MAX_ENV or
				 * RP_LANDLOCK_RIGHTS_ENV, or "" */
	const char *cap_var;	/* the variable cap_error is about */
	enum rp_ll_rights rights;	/* RP_LANDLOCK_RIGHTS_ENV */
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
