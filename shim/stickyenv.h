/* stickyenv.h - keep the shim loaded across exec (sticky LD_PRELOAD).
 *
 * Every exec wrapper hands the new program an environment in which
 * LD_PRELOAD names this library first and RAMPART_POLICY names the policy
 * the process runs under, and from which LD_AUDIT is gone (an auditor's
 * la_symbind can route calls around the shim: research notes, row 23).
 * Built without malloc (pitfall 7): the pointer array lives in the
 * caller's struct on its stack, or in an mmap for very large
 * environments; the two rebuilt strings live in the struct too.
 */
#ifndef RAMPART_STICKYENV_H
#define RAMPART_STICKYENV_H

#include <stddef.h>

#include "policy.h"

#define RP_ENV_STACK_SLOTS 512	/* larger environments use mmap */

/* The loader's event relay ("@NAME", docs/events.md), kept in children at
 * the value the process started with, or removed if it had none. */
#define RP_EVENTS_ENV "RAMPART_EVENTS"
/* The pid of the loader's first process, read and removed by its shim. */
#define RP_LIVE_ENV "RAMPART_LIVE"
/* "RAMPART_EVENTS=@NAME" this process started with, or NULL (event.c). */
extern const char *rp_env_events;

/* What had to be fixed (bits of rp_env.fixed). */
enum {
	RP_ENV_FIXED_PRELOAD = 1,	/* LD_PRELOAD missing, not first, or repeated */
	RP_ENV_FIXED_POLICY = 2,	/* RAMPART_POLICY missing, changed, or repeated */
	RP_ENV_STRIPPED_AUDIT = 4,	/* LD_AUDIT removed */
	RP_ENV_FIXED_MODE = 8,		/* RAMPART_MODE set back to its start value */
	RP_ENV_FIXED_FPRINT = 16,	/* RAMPART_DENY_IDS set back to its start value */
	RP_ENV_FIXED_EVENTS = 32,	/* RAMPART_EVENTS set back to its start value */
};

#define RP_ENV_CODE_VARS 2	/* LD_LIBRARY_PATH, GCONV_PATH */

struct rp_env {
	char **envp;		/* the environment to pass on */
	unsigned fixed;		/* RP_ENV_* bits; 0: envp is the caller's own */
	unsigned absent;	/* bits of `fixed` whose variable was not there at all */
	void *map;		/* mmap'd pointer array, or NULL */
	size_t maplen;
	char *slots[RP_ENV_STACK_SLOTS];
	char preload[2 * RP_PATH_MAX];
	char policy[RP_PATH_MAX + 16];
	char mode[32];
	/* loader variables cleaned of entries beneath writable dirs
	 * (stickyenv.c, clean_code_vars): NULL = unchanged, "" = removed,
	 * else the new "NAME=value" in codebuf */
	const char *code[RP_ENV_CODE_VARS];
	char codebuf[RP_ENV_CODE_VARS][RP_PATH_MAX + 16];
	char events[160];
};

/* Build e->envp from `envp` (NULL = empty).  `fprint` is the
 * "RAMPART_DENY_IDS=..." entry this process started with (fprint.h), or
 * NULL: the new program gets exactly that, or no such variable.  `shim` and `policy` are
 * absolute paths; an empty one is left as the caller had it.  `audit` is
 * whether this process started with RAMPART_MODE=audit: the new program
 * gets exactly that (an app cannot put its children in audit mode, nor
 * take them out of it).  Returns 0, or -errno (ENOMEM when mmap fails)
 * with e->envp = the caller's envp. */
int rp_env_make_sticky(struct rp_env *e, char *const envp[], const char *shim,
		       const char *policy, int audit, const char *fprint);

/* Unmap what rp_env_make_sticky mapped (after a failed exec or a spawn). */
void rp_env_release(struct rp_env *e);

/* The bits of e->fixed that are worth an event: what undoes tampering.
 * A process whose own start environment had no LD_PRELOAD (the shim came
 * from /etc/ld.so.preload, ld.so(8)) or no RAMPART_POLICY (the default
 * policy path) hands on an environment without them, and adding them back
 * is no repair: that case is left out, so a `docker exec` shell under
 * /etc/ld.so.preload logs nothing for each command it runs. */
unsigned rp_env_tampering(const struct rp_env *e, int start_had_preload, int start_had_policy);

/* Short text naming the fixes, for the event's detail. */
const char *rp_env_fixed_text(unsigned fixed);

#endif
