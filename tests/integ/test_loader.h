/* test_loader.h - shared set-up for the loader's integration tests
 * (test_loader_*.c): a temp tree that uid 1000 can traverse, a static probe
 * copied into it, a policy, and a way to run `rampart --policy P -- ...`. */
#ifndef RAMPART_TEST_LOADER_H
#define RAMPART_TEST_LOADER_H

#include <limits.h>

#include "testlib.h"

#define LT_UID 1000

struct lt_env {
	char dir[1024];		/* the temp tree, 0755 */
	char bin[PATH_MAX];	/* dir/bin: ld_probe (static) and friends, 0755 */
	char wdir[PATH_MAX];	/* dir/w: the WritablePath, 0777 */
	char policy[PATH_MAX];	/* dir/policy */
	char probe[PATH_MAX];	/* dir/bin/ld_probe */
};

/* Skip the test (with a reason) unless running as root. */
void lt_need_root(void);
/* Skip the test unless the kernel has Landlock. */
void lt_need_landlock(void);
/* Build the tree; `policy_extra` is appended to
 * "WritablePath <w>\nUser 1000\n".  Skips when the static probe is missing. */
void lt_setup(struct lt_env *e, const char *policy_extra);
/* Write a policy file of exactly `text`. */
void lt_policy(struct lt_env *e, const char *text);
/* Copy `src` to `dst` with `mode`. */
void lt_copy(const char *src, const char *dst, unsigned mode);
/* rampart [opts...] --policy P -- args...; PATH=<bin>:/usr/bin:/bin.
 * `opts` and `args` are NULL-terminated. */
int lt_run(const struct lt_env *e, const char *const *opts, const char *const *args,
	   struct rt_result *r);
/* Same, with `prefix` before rampart (a wrapper such as setpriv) and
 * `env_extra` ("NAME=VALUE") added to the environment; all NULL-terminated
 * or NULL. */
int lt_run_ex(const struct lt_env *e, const char *const *prefix, const char *const *opts,
	      const char *const *args, const char *const *env_extra, struct rt_result *r);
/* The line of `text` that starts with `prefix`, copied into buf, or NULL. */
const char *lt_line(const char *text, const char *prefix, char *buf, int bufsz);
/* 1 if `out` has the line "OP: RESULT". */
int lt_has(const char *out, const char *op, const char *result);
/* Value of a field of /proc/self/status text ("Uid:" -> "1000\t1000..."). */
const char *lt_status_field(const char *status, const char *field, char *buf, int bufsz);

#endif
