/* execdecide.h - the one exec decision, shared by the shim's exec wrappers
 * and `rampart --check -- CMD`, so both always agree.
 *
 * Safe in a vfork child: no malloc, no locks, no stdio; file system
 * queries use raw system calls.
 */
#ifndef RAMPART_EXECDECIDE_H
#define RAMPART_EXECDECIDE_H

#include <stdint.h>

#include "denymatch.h"
#include "policy.h"

struct rp_exec_verdict {
	int deny;			/* 1: the policy forbids it */
	int not_found;			/* nothing to run (see err) */
	int err;			/* with not_found: the errno the exec would get */
	const char *rule;		/* "deny-exec", "wx", "ld.so", "memfd",
					   "deny-id", "policy-unavailable", or NULL */
	const char *pattern;		/* the DenyExec pattern that matched */
	int hop;			/* symlink hop where it matched (0 = as given) */
	char hop_path[RP_PATH_MAX];	/* the path at that hop */
	char resolved[RP_PATH_MAX];	/* final target, absolute */
	/* ---- added after the first version; older callers ignore them ---- */
	int memfd;			/* target is a memfd or a deleted file: the
					   shim logs it even when MemfdExec allows */
	int stage;			/* 0: the program itself; n > 0: the n-th
					   #! interpreter or ld.so program judged */
	char path[RP_PATH_MAX];		/* what to hand to execve: `path` as
					   given, or the PATH search result */
	int unverified;			/* deny-id because a same-size file could
					   not be compared (fail closed) */
};

/* PATH when the environment has none: glibc's confstr(_CS_PATH), what
 * execvp searches then (posix/execvpe.c).  The loader, --check and the
 * shim all search it. */
#define RP_EXEC_DEFAULT_PATH "/bin:/usr/bin"
/* Directories always looked into for DenyExec'd files, whatever PATH says
 * (the identity table here, the Landlock plan): a program can name them
 * directly. */
#define RP_EXEC_STD_DIRS "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The one PATH search (execvp's, posix/execvpe.c): `file` (no '/') in
 * each entry of `pathenv` (NULL: RP_EXEC_DEFAULT_PATH; an empty entry is
 * the current directory); the first regular file executable with the
 * effective ids wins.  Returns 1 with its path in `out`, else 0 with *err
 * = EACCES (one was found but cannot run) or ENOENT. */
int rp_exec_search_path(const char *file, const char *pathenv, char *out, size_t cap, int *err);

/* Flags for rp_exec_decide_at. */
#define RP_EXEC_SEARCH 0x1		/* no '/' in path: search pathenv */
#define RP_EXEC_EMPTY_PATH 0x1000	/* == AT_EMPTY_PATH: judge dirfd itself */

/* Decide whether running `path` with `argv` is allowed.  `path` is what the
 * caller passed to the exec function; when `search` is set and `path` has
 * no '/', it is looked up in `pathenv` (colon list, NULL = default) the way
 * execvp does.  `p` NULL means the policy could not be loaded: everything
 * is denied with rule "policy-unavailable".  Returns v->deny. */
int rp_exec_decide(const struct rp_policy *p, const char *path, char *const argv[],
		   int search, const char *pathenv, struct rp_exec_verdict *v);

/* The same for execveat(dirfd, path, ..., flags) and fexecve(fd) (path ""
 * with RP_EXEC_EMPTY_PATH).  `pathenv` also names the directories whose
 * denied programs are recorded by device and inode (see execdecide.c). */
int rp_exec_decide_at(const struct rp_policy *p, int dirfd, const char *path,
		      char *const argv[], int flags, const char *pathenv,
		      struct rp_exec_verdict *v);

/* 1 if `name` (a basename) is a dynamic loader: ld-linux*.so*, ld.so,
 * ld-*.so*. */
int rp_exec_is_loader_name(const char *name);

/* W^X for any code: the index of the writable dir that `canon` (a kernel
 * name, absolute) lies beneath when it is not also beneath an
 * ExecWritablePath, else -1.  The rule exec applies to the final target;
 * loadlib.c applies it to libraries. */
int rp_exec_wx_dir(const struct rp_policy *p, const char *canon);

/* Forget the per-process table of denied (device, inode) pairs, so the
 * next decision rebuilds it (tests that load several policies). */
void rp_exec_forget(void);

/* Build that table now, if it is not built yet (the shim's fork wrapper:
 * children inherit it instead of each building its own). */
void rp_exec_prepare(const struct rp_policy *p, const char *pathenv);

/* Fingerprints (fprint.h) of every file the identity table records for
 * `p` and `pathenv` (rebuilt for them), as the value of RP_FPRINT_ENV in
 * `out`; *count gets how many.  The loader calls it while it can still
 * read them.  Returns 0, or -E2BIG when they do not fit in `cap`. */
int rp_exec_fingerprints(const struct rp_policy *p, const char *pathenv, char *out, size_t cap,
			 int *count);

/* The shim's constructor: RP_FPRINT_ENV's value as the process received
 * it (NULL: none), used by later decisions and kept for its children. */
void rp_exec_set_fingerprints(const char *value);

/* "RAMPART_DENY_IDS=..." as set by rp_exec_set_fingerprints, or NULL. */
const char *rp_exec_fingerprint_entry(void);

#endif
