/* suggest.h - what the parts of `rampart suggest` share (suggest.c: the
 * command line and reading events; suggestdirs.c: which directories are
 * the system's or hold the app's code, and how directories merge;
 * suggestout.c: the suggested policy and the summary).  Not for the rest
 * of the program: its entry point is rp_suggest_main (rampart.h).
 */
#ifndef RAMPART_SUGGEST_H
#define RAMPART_SUGGEST_H

#include <stddef.h>

#include "policy.h"

/* One distinct thing seen: a directory to make writable, a program run. */
struct seen {
	char *key;		/* directory, or program path */
	char *example;		/* a file written there / the matching pattern */
	unsigned long count;
	int merged;		/* number of directories merged into it */
	int dropped;		/* removed (nested in another, or merged) */
	int covered;		/* already writable in --policy: kept out of merges */
	char *code_why;		/* why it holds the app's code (code_reason()), or NULL:
				 * kept out of merges too */
};

struct list {
	struct seen *v;
	size_t n, cap;
};

struct suggest {
	const struct rp_policy *p;	/* --policy, or NULL */
	const char *policy_path;
	int merge;
	struct list dirs;	/* rule writable-path: parent directories */
	struct list denyexec;	/* rule deny-exec: programs (example = pattern) */
	struct list wx;		/* rule wx: directories of programs run */
	struct list other;	/* any other rule: "rule op path" */
	unsigned long events, malformed, ignored, relative, startups;
	char command[RP_PATH_MAX];	/* the loader's "command" (startup line), or "" */
	unsigned long would_deny_write, would_deny_exec, would_deny_wx;
};

/* suggest.c: count `key` in `l` (with `example`, NULL for none); the
 * entry, which a later note() may move. */
struct seen *rp_suggest_note(struct list *l, const char *key, const char *example);
/* suggest.c: a copy of `s`; out of memory ends the program. */
char *rp_suggest_strdup(const char *s);

/* suggestdirs.c: a directory whose becoming writable deserves a loud
 * warning (an FHS system directory or beneath a tree of programs). */
int rp_suggest_is_system(const char *dir);
/* suggestdirs.c: why `d` looks like a directory of the app's code (into
 * `why`), or NULL. */
const char *rp_suggest_code_reason(const struct suggest *s, const struct seen *d, char *why,
				   size_t whysz);
/* suggestdirs.c: fold directories beneath another suggested one into it. */
void rp_suggest_drop_nested(struct list *l);
/* suggestdirs.c: replace sibling directories by their parent where that
 * is safe (see the definition). */
void rp_suggest_merge_siblings(struct list *l);

/* suggestout.c: the suggested policy on stdout, the summary on stderr. */
void rp_suggest_print_policy(struct suggest *s);
void rp_suggest_print_summary(const struct suggest *s);

#endif
