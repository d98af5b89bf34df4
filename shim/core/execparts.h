/* execparts.h - what the parts of the one exec decision share.
 *
 * The decision (execdecide.h) is written in several files, one concern
 * each: execdecide.c (a stage and the entry points), execids.c (the
 * identities of denied files), wx.c (W^X), interp.c (ld.so and #!),
 * pathsearch.c (the PATH search).  This header is theirs alone: callers
 * outside the decision include execdecide.h (execpin.c, which hands the
 * decision's result to the kernel, shares the path helpers).  Same rules as the core
 * (shim/core/README): no malloc, no stdio, no locks, no getenv.
 */
#ifndef RAMPART_EXECPARTS_H
#define RAMPART_EXECPARTS_H

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "execdecide.h"
#include "fdname.h"
#include "rawsys.h"
#include "strbuf.h"

static inline const char *
base_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static inline void
copy_str(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static inline int
has_slash(const char *s)
{
	return strchr(s, '/') != NULL;
}

/* Absolute, lexically normalised form of `path` relative to `dirfd`, for
 * matching patterns only (never to allow). */
void rp_exec_abs_of(int dirfd, const char *path, char *out, size_t cap);

/* Fill `v` as a denial by `rule` (`pattern`, at hop `hop`, seen as
 * `where`); returns 1. */
int rp_exec_deny(struct rp_exec_verdict *v, const char *rule, const char *pattern, int hop,
		 const char *where);

/* The DenyExec pattern without '/' that matches `name`, or NULL. */
const char *rp_exec_match_name(const struct rp_policy *p, const char *name);

/* execids.c: the policy's prepared DenyExec index (built once). */
const struct rp_names *rp_exec_names(const struct rp_policy *p);
/* execids.c: deny `v` if the file open as `rfd` (stat `st`) is one of the
 * recorded denied files or a copy of one; returns 1 if denied. */
int rp_exec_judge_identity(const struct rp_policy *p, const struct stat *st, long rfd,
			   const char *pathenv, struct rp_exec_verdict *v);

/* execids.c: 1 if `st` is the system's dynamic loader (PT_INTERP) under
 * another name, as recorded with the table. */
int rp_exec_is_loader_file(const struct stat *st);

/* wx.c: deny `v` if `canon` lies beneath a writable dir (W^X). */
int rp_exec_judge_wx(const struct rp_policy *p, const char *canon, struct rp_exec_verdict *v);

/* interp.c: the program ld.so would run with `argv` (*prog, *argv0), or a
 * denial of an option that could load code; see the definition. */
int rp_exec_parse_ld_args(const struct rp_policy *p, char *const argv[], const char **prog,
			  const char **argv0, const char *where, struct rp_exec_verdict *v);
/* interp.c: the interpreter of a #! line in `head` (n bytes) into out. */
int rp_exec_shebang(const char *head, long n, char *out, size_t cap);

#endif
