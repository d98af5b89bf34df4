/* policyparts.h - what the parts of the policy parser share.
 *
 * The parser (policy.h) is written in two files, one concern each:
 * policy.c reads files (the read arena, Include nesting and cycles, lines,
 * tokens) and holds the entry points; policykw.c gives each keyword its
 * meaning (the values it takes, the errors it reports).  This header is
 * theirs alone: callers include policy.h.  Same rules as the core
 * (shim/core/README): no malloc, no stdio, no locks, no getenv.
 */
#ifndef RAMPART_POLICYPARTS_H
#define RAMPART_POLICYPARTS_H

#include <stddef.h>
#include <string.h>

#include "devino.h"
#include "policy.h"
#include "strbuf.h"

/* One parse: the policy being filled, where errors go, the include chain. */
struct rp_parser {
	struct rp_policy *p;
	rp_diag_fn diag;
	void *ctx;
	int errors;
	size_t arena_top;
	int depth;
	/* the files being read, includer first: a cycle is one already here */
	struct rp_devino chain[RP_MAX_INCLUDE_DEPTH];
	unsigned nchain;
	int nfiles;
	unsigned flags;		/* RP_LOAD_* */
};

/* Count one error and hand the caller's diag "msg 'token'extra" (the token
 * escaped like an event string, cut at 200 bytes; token and extra may be
 * NULL). */
static inline void
report(struct rp_parser *ps, const char *file, int line, const char *msg,
       const char *token, const char *extra)
{
	char buf[1024];
	struct rp_buf b;

	rp_buf_init(&b, buf, sizeof(buf));
	rp_buf_str(&b, msg);
	if (token) {
		int cut;

		rp_buf_str(&b, " '");
		/* tokens are user bytes: escape them like event strings */
		rp_buf_json(&b, token, 200, &cut);
		if (cut)
			rp_buf_str(&b, "...");
		rp_buf_char(&b, '\'');
	}
	if (extra)
		rp_buf_str(&b, extra);
	ps->errors++;
	if (ps->diag)
		ps->diag(ps->ctx, file, line, buf);
}

/* A copy of s[0..n) in the policy's pool, NUL-terminated, or NULL when
 * the pool is full. */
static inline const char *
pool_dup(struct rp_parser *ps, const char *s, size_t n)
{
	struct rp_policy *p = ps->p;
	char *d;

	if (p->pool_used + n + 1 > sizeof(p->pool))
		return NULL;
	d = p->pool + p->pool_used;
	memcpy(d, s, n);
	d[n] = '\0';
	p->pool_used += n + 1;
	return d;
}

/* policy.c: parse the file `path` (an Include of from_file:from_line, or
 * the top-level file when from_file is NULL).  Returns 0 or -1. */
int rp_policy_parse_file(struct rp_parser *ps, const char *path, const char *from_file,
			 int from_line);

/* policykw.c: one directive (tok[0] the keyword, tok[1..ntok) its values)
 * of file:line: checks the values and fills ps->p, or reports. */
void rp_policy_directive(struct rp_parser *ps, const char *file, int line, char **tok,
			 int ntok);

#endif
