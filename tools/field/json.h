/* json.h - a bounded reader for one rampart event line (shim/event.c).
 *
 * `rampart suggest` reads logs that anyone could have written into, so the
 * reader is a pure function over a buffer: no allocation, no global state,
 * every length bounded, any malformed input rejected with a reason and an
 * offset (never a crash).  It checks the whole line against the JSON
 * grammar (RFC 8259), keeps the string fields of the event fields' table
 * (shim/core/eventfields.h), its argv, version and repeat count, and
 * skips any other member after validating it.
 */
#ifndef RAMPART_JSON_H
#define RAMPART_JSON_H

#include <stddef.h>

#include "eventfields.h"

#define RP_JSON_MAX_ARGV 32	/* as many as the shim writes */
#define RP_JSON_STORE 16384	/* decoded bytes of all kept strings */
#define RP_JSON_MAX_DEPTH 16	/* nesting of skipped values */

struct rp_json_event {
	int version;		/* value of "rampart" (0 if absent) */
	long repeat;		/* "repeat" (events this line stands for), 0 if absent */
	/* the decoded RP_EFT_STRING fields by their RP_EF_ id (f[RP_EF_RULE]),
	 * NULL if absent; NULL for the fields of other types */
	const char *f[RP_EF_COUNT];
	const char *argv[RP_JSON_MAX_ARGV + 1];	/* NULL-terminated */
	int argc;
	char store[RP_JSON_STORE];
};

/* Parse `len` bytes at `buf` (one line, no newline needed) into `ev`.
 * Strings are decoded; "\u0080".."\u00ff" decode to the single byte, the
 * way shim/event.c encodes bytes that are not UTF-8, so paths come back
 * byte for byte.  Returns 0, or -1 with *err set to a static description
 * and *at to the byte offset of the fault. */
int rp_json_parse_event(const char *buf, size_t len, struct rp_json_event *ev,
			const char **err, size_t *at);

#endif
