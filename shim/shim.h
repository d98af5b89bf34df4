/* shim.h - what the parts of librampart.so share.
 *
 * Everything here is hidden (-fvisibility=hidden); only functions defined
 * with RP_EXPORT, all of them named in symbols.h, leave the library.
 */
#ifndef RAMPART_SHIM_H
#define RAMPART_SHIM_H

#include <dlfcn.h>
#include <spawn.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <utime.h>
#include <wordexp.h>

#include "policy.h"
#include "symbols.h"

#define RP_EXPORT __attribute__((visibility("default")))

/* Pointers to the next definition of every interposed function. */
struct rp_real {
#define RP_REAL_FIELD(ret, name, params) ret(*name) params;
	RP_SYMBOLS(RP_REAL_FIELD)
#undef RP_REAL_FIELD
#define RP_REAL_VFIELD(name, sym, version, dflt) \
	int (*sym)(pid_t *, const char *, const posix_spawn_file_actions_t *, \
		   const posix_spawnattr_t *, char *const[], char *const[]);
	RP_VERSIONED_SYMBOLS(RP_REAL_VFIELD)
#undef RP_REAL_VFIELD
};
extern struct rp_real rp_real;

/* Returns the real function, resolving it on first use when a wrapper runs
 * before the constructor (a DT_NEEDED library's constructor can open files
 * first).  NULL only if libc lacks the symbol. */
#define RP_REAL(name) \
	(__atomic_load_n(&rp_real.name, __ATOMIC_ACQUIRE) ? rp_real.name : \
	 (rp_resolve_all(), rp_real.name))
void rp_resolve_all(void);

/* ---- process state ---------------------------------------------------- */

enum rp_ready { RP_READY_NO = 0, RP_READY_BUSY, RP_READY_YES };

/* A writable root, as found at the first decision that needs it
 * (rp_roots_ready).  The descriptor held on it, and its guard against the
 * app's close and dup2, are in roots.h. */
struct rp_root {
	unsigned long dev, ino;	/* the directory found */
	char canon[RP_PATH_MAX];	/* kernel's name for it (d_path) */
	size_t canon_len;	/* 0 if the directory was missing */
};

/* Find the roots once per process (canonical names, dev and ino), at the
 * first decision that needs them rather than at start: most processes of
 * an exec chain never write.  Returns 1 when rp_state.roots is filled, 0
 * when another thread is still at it after a bounded wait (the caller
 * then knows no root: fail closed). */
int rp_roots_ready(void);

struct rp_state {
	int ready;		/* enum rp_ready, atomic */
	int policy_ok;		/* 0: fail closed, every decision denies */
	const char *fail_reason;
	struct rp_policy policy;
	struct rp_root roots[RP_MAX_DIRS];
	char policy_path[RP_PATH_MAX];	/* absolute, for the sticky env */
	char shim_path[RP_PATH_MAX];	/* this library, absolute */
	int audit;		/* policy (or RAMPART_MODE=audit) says audit */
	int mode_env_audit;	/* RAMPART_MODE=audit was set at start */
	int start_preload;	/* LD_PRELOAD was set at start (else /etc/ld.so.preload) */
	int start_policy;	/* RAMPART_POLICY was set at start */
	int log;		/* emit events */
	/* identity of fd 2 at start, to avoid writing into a reused fd */
	unsigned long err_dev, err_ino;
	int err_ok;
};
extern struct rp_state rp_state;

/* Initialise once: resolve symbols, read the policy, open the roots.
 * Safe to call from every wrapper; returns with rp_state ready (possibly
 * failed closed).  Never allocates after the constructor has run. */
void rp_ensure_init(void);

/* Thread-local guard: set while the shim itself runs, so that its own use
 * of wrapped functions (there should be none) passes straight through. */
extern __thread int rp_in_shim __attribute__((tls_model("initial-exec")));

/* errno save/restore around shim logic */
#include <errno.h>
#define RP_SAVE_ERRNO int rp_saved_errno_ = errno
#define RP_RESTORE_ERRNO (errno = rp_saved_errno_)

/* ---- events (event.c) ------------------------------------------------- */

struct rp_event {
	const char *op;		/* the libc function, e.g. "openat" */
	const char *path;	/* as the kernel would see it (absolute when known) */
	const char *target;	/* second path, or NULL */
	const char *rule;	/* "writable-path", "deny-exec", "wx", "setid", ... */
	const char *detail;	/* matched pattern or explanation, or NULL */
	char *const *argv;	/* exec events, or NULL */
	const char *decision;	/* NULL: "deny" or "audit" by mode */
	long mode;		/* permission bits involved, or -1 */
};

/* Format one JSON line and write it with one write(2).  Never fails
 * visibly; preserves errno. */
void rp_event_emit(const struct rp_event *ev);

/* Decide once where this process's events go: the policy's EventSink,
 * else the loader's relay named by RAMPART_EVENTS, else fd 2.  Called
 * once, at the end of initialisation. */
void rp_event_init(void);
/* "fd2", "relay", "file", "socket" or "fifo". */
const char *rp_event_sink_name(void);
/* Write one finished line (ending in "}\n", `cap` bytes of room) to the
 * sink, falling back to fd 2. */
void rp_event_write(char *line, size_t len, size_t cap);
/* From the constructor: the one {"rampart":"shim","state":"live"} line of
 * the process the loader started (RAMPART_LIVE names its pid). */
void rp_event_live(void);

/* Decide what a denial means for the caller: in audit mode log and return
 * 0 (let it through), in enforce mode log and return 1 (deny). */
int rp_deny(const struct rp_event *ev);

#endif
