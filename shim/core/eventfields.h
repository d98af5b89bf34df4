/* eventfields.h - the one table of the fields of a shim event.
 *
 * The writer (shim/event.c, and the relay's "repeat" and "first_ts" in
 * tools/loader/relay.c) names fields from this table, the reader `rampart
 * suggest` uses (tools/field/json.c) finds them in it, and
 * tests/sh/docs_examples.sh checks that the field table of docs/events.md
 * lists exactly these, in this order (the order of a line), with these
 * types.
 *
 * X(ID, "name", TYPE, "one-line meaning")
 *   TYPE is the JSON type: RP_EFT_NUMBER, RP_EFT_STRING, RP_EFT_STRINGS
 *   (an array of strings) or RP_EFT_TRUE (present only as `true`).
 *
 * Header only, as keywords.h: the lookups are inline functions over the
 * macro (no table in memory to link), so the fuzzers and every program
 * that reads events get them with the header.  No state, no allocation.
 */
#ifndef RAMPART_EVENTFIELDS_H
#define RAMPART_EVENTFIELDS_H

#include <string.h>

/* The schema version every shim event carries as its first field: the
 * writer (shim/event.c), the relay's prefix (tools/loader/relay.c) and
 * the reader's check (tools/field/suggest.c) all take it from here. */
#define RP_EVENT_SCHEMA 1
#define RP_EVENT_SCHEMA_STR_(v) #v
#define RP_EVENT_SCHEMA_STR_X(v) RP_EVENT_SCHEMA_STR_(v)
#define RP_EVENT_SCHEMA_STR RP_EVENT_SCHEMA_STR_X(RP_EVENT_SCHEMA)	/* "1" */

enum rp_ef_type { RP_EFT_NUMBER, RP_EFT_STRING, RP_EFT_STRINGS, RP_EFT_TRUE };

/* The first two are the prefix the relay matches, {"rampart":1,"ts": */
#define RP_EVENT_FIELDS(X)                                                      \
	X(RAMPART, "rampart", RP_EFT_NUMBER, "schema version, " RP_EVENT_SCHEMA_STR) \
	X(TS, "ts", RP_EFT_NUMBER, "wall-clock time, seconds with milliseconds") \
	X(DECISION, "decision", RP_EFT_STRING, "deny, audit, fixed or allow")   \
	X(OP, "op", RP_EFT_STRING, "the libc function the app called")          \
	X(PATH, "path", RP_EFT_STRING, "the file the operation acts on")        \
	X(TARGET, "target", RP_EFT_STRING,                                      \
	  "the new name, or where an exec decision matched")                    \
	X(RULE, "rule", RP_EFT_STRING, "which rule decided (rules.h)")          \
	X(DETAIL, "detail", RP_EFT_STRING,                                      \
	  "the pattern, the writable dir, the repair, or why")                  \
	X(MODE, "mode", RP_EFT_STRING, "the permission bits of a mode rule")    \
	X(PID, "pid", RP_EFT_NUMBER, "process id")                              \
	X(UID, "uid", RP_EFT_NUMBER, "real user id")                            \
	X(EXE, "exe", RP_EFT_STRING, "the running program")                     \
	X(ARGV, "argv", RP_EFT_STRINGS, "the argument vector of an exec")       \
	X(TRUNCATED, "truncated", RP_EFT_TRUE, "a string or argv was cut")      \
	X(REPEAT, "repeat", RP_EFT_NUMBER,                                      \
	  "the relay's count of identical events this line stands for")         \
	X(FIRST_TS, "first_ts", RP_EFT_NUMBER, "with repeat: the first one's ts") \
	X(SINK_LOST, "sink_lost", RP_EFT_STRING,                                \
	  "which sink could not take the event, and its errno")

enum rp_event_field {
#define RP_EF_ENUM(id, name, type, help) RP_EF_##id,
	RP_EVENT_FIELDS(RP_EF_ENUM)
#undef RP_EF_ENUM
	RP_EF_COUNT
};

/* The name of field f ("" for none): a literal, so a constant f folds. */
static inline const char *
rp_ef_name(enum rp_event_field f)
{
	switch (f) {
#define RP_EF_CASE(id, name, type, help) case RP_EF_##id: return name;
	RP_EVENT_FIELDS(RP_EF_CASE)
#undef RP_EF_CASE
	default:
		return "";
	}
}

static inline enum rp_ef_type
rp_ef_type(enum rp_event_field f)
{
	switch (f) {
#define RP_EF_CASE(id, name, type, help) case RP_EF_##id: return type;
	RP_EVENT_FIELDS(RP_EF_CASE)
#undef RP_EF_CASE
	default:
		return RP_EFT_NUMBER;
	}
}

static inline const char *
rp_ef_help(enum rp_event_field f)
{
	switch (f) {
#define RP_EF_CASE(id, name, type, help) case RP_EF_##id: return help;
	RP_EVENT_FIELDS(RP_EF_CASE)
#undef RP_EF_CASE
	default:
		return "";
	}
}

/* The field named `name` (NUL-terminated), or RP_EF_COUNT. */
static inline enum rp_event_field
rp_ef_find(const char *name)
{
	int f;

	for (f = 0; f < RP_EF_COUNT; f++)
		if (strcmp(name, rp_ef_name((enum rp_event_field)f)) == 0)
			return (enum rp_event_field)f;
	return RP_EF_COUNT;
}

/* The name of field ID: RP_EF(PATH) is "path". */
#define RP_EF(id) rp_ef_name(RP_EF_##id)

#endif
