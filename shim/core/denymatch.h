/* denymatch.h - the one DenyExec match: which programs a policy's DenyExec
 * patterns name.  Every layer asks it: the exec decision (execdecide.c,
 * for the shim and `rampart --check`), the loader's Landlock ruleset
 * (tools/loader/landlock.c), `rampart scan` and `rampart suggest`.
 *
 * The rule (rampart.policy(5), DenyExec): a pattern without '/' matches a
 * program's name (a basename) as given, without a leading target triplet
 * ("x86_64-linux-gnu-gcc" -> "gcc"), without a trailing -VERSION
 * ("gcc-12" -> "gcc", "ld.lld-14.0" -> "ld.lld"), or without both; a
 * pattern with '/' matches the absolute path, '*' and '?' never matching
 * '/'.  So `DenyExec gcc` denies the gcc-12 and x86_64-linux-gnu-gcc-12
 * that Debian installs, whatever name reaches them.
 *
 * Pure: no malloc, no stdio, no process state; safe in a vfork child.
 */
#ifndef RAMPART_DENYMATCH_H
#define RAMPART_DENYMATCH_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* The names a program's name is matched as, by the rule above: pointers
 * into `name` with their lengths (no copy), the name itself first.
 * Returns how many (1 to 4). */
struct rp_name_form {
	const char *s;
	size_t len;
};
int rp_deny_name_forms(const char *name, size_t len, struct rp_name_form out[4]);

/* ---- DenyExec names, prepared for matching a whole directory listing ----
 *
 * Matching every entry of /usr/bin (1,300 names) against every pattern of
 * policies/compilers.policy (240) one by one is 300,000 glob matches.  The
 * set below sorts the patterns without '/' once: literal names go into a
 * hash table (one lookup), globs into buckets by their first literal byte
 * or, for a leading wildcard, by their last one, each with the literal
 * prefix, suffix and longest inner run a name must contain, and a 64-bit
 * mask of the bytes it must contain, all tested before the glob matcher
 * runs.  Fixed size and no malloc, so a vfork child may build
 * it in static storage.  The loader's Landlock ruleset uses it too. */
#define RP_NAMES_SLOTS 1024		/* power of two, > 2 * RP_MAX_PATTERNS */
#define RP_NAMES_NONE 0xffff

struct rp_names_glob {
	uint64_t need;			/* bit (c & 63) for each literal byte c */
	unsigned short pat;		/* index in deny_exec */
	unsigned short next;		/* next in its bucket, RP_NAMES_NONE ends */
	unsigned short len;		/* of the pattern */
	unsigned short pre, suf;	/* literal prefix and suffix lengths */
	unsigned short mid_off, mid_len;	/* longest other literal run */
};

struct rp_names {
	const struct rp_policy *policy;
	int n_literal, n_glob, n_path;
	unsigned short slot[RP_NAMES_SLOTS];		/* literal: pattern index,
							   RP_NAMES_NONE = empty */
	unsigned short first[256], last[256], rest;	/* glob bucket heads */
	struct rp_names_glob glob[RP_MAX_PATTERNS];
	unsigned short literal[RP_MAX_PATTERNS];	/* in policy order */
	unsigned short path[RP_MAX_PATTERNS];		/* patterns with '/' */
};

/* Sort the DenyExec patterns of `p` into `n`. */
void rp_names_build(struct rp_names *n, const struct rp_policy *p);

/* The lowest index of a DenyExec pattern without '/' that matches `name`
 * (a basename of `len` bytes), or -1: the same answer as trying each
 * pattern in order with rp_glob_match(). */
int rp_names_match(const struct rp_names *n, const char *name, size_t len);

/* Into `out` (room for RP_MAX_PATTERNS): the DenyExec patterns with '/'
 * that may match an entry of directory `dir` ("" for "/"), in policy
 * order; the others cannot, so a listing tests only these.  Returns how
 * many. */
int rp_names_paths_for(const struct rp_names *n, const char *dir, unsigned short *out);

/* The index of the first DenyExec pattern without '/' (in policy order)
 * that names a program called `name` (`len` bytes, no '/'), by the rule
 * above, or -1.  `n` is `p` prepared (rp_names_build), or NULL to try
 * each pattern in turn: the same answer. */
int rp_deny_name(const struct rp_policy *p, const struct rp_names *n, const char *name,
		 size_t len);

/* The index of the first DenyExec pattern with '/' that matches the
 * absolute path `abs`, or -1; only the patterns listed in `idx` (`nidx`
 * of them: rp_names_paths_for, or a prepared set's `path`), or all of
 * them when `idx` is NULL. */
int rp_deny_path(const struct rp_policy *p, const unsigned short *idx, int nidx,
		 const char *abs);

/* Does DenyExec name the program at `abs` (absolute; NULL: not known)
 * called `name` (its basename, or what argv[0] says)?  The pattern's
 * index (name patterns first), or -1. */
int rp_deny_exec_match(const struct rp_policy *p, const struct rp_names *n, const char *abs,
		       const char *name);

/* The same question for reports (scan, suggest): the text of the pattern
 * that names the program, or NULL.  `name` NULL: the basename of `abs`. */
const char *rp_deny_exec_pattern(const struct rp_policy *p, const char *abs, const char *name);

#endif
