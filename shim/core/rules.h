/* rules.h - the one table of rules a decision can name.
 *
 * Every event's "rule" field is a name from this table, and so is every
 * verdict of the exec decision; `rampart suggest` reads events by these
 * names, and tests/sh/docs_examples.sh checks that docs/events.md has a
 * row for each (its "Rules" table is the reference for users).
 *
 * X(ID, "name", errno, "one-line meaning")
 *   errno is what a denial by the rule returns (0: the rule never refuses,
 *   it repairs).  A call the kernel would refuse anyway gets the kernel's
 *   errno instead, and no event (docs/events.md).
 */
#ifndef RAMPART_RULES_H
#define RAMPART_RULES_H

#include <errno.h>

#define RP_RULES(X)                                                              \
	X(WRITABLE_PATH, "writable-path", EACCES,                                \
	  "a file creation or modification outside every WritablePath")          \
	X(SETID, "setid", EPERM,                                                 \
	  "a setuid bit, or a setgid bit on anything but a directory")           \
	X(WX_MODE, "wx-mode", EACCES,                                            \
	  "exec bits for a file beneath a writable directory")                   \
	X(DENY_EXEC, "deny-exec", EACCES,                                        \
	  "running a program that matches a DenyExec pattern")                   \
	X(DENY_ID, "deny-id", EACCES,                                            \
	  "running a copy or hard link of a denied program")                     \
	X(WX, "wx", EACCES,                                                      \
	  "running a program or loading a library beneath a writable directory") \
	X(DST, "dst", EACCES,                                                    \
	  "a dlopen name with a dynamic string token other than $ORIGIN")        \
	X(LDSO, "ld.so", EACCES,                                                 \
	  "the dynamic loader started in a way the shim cannot judge")           \
	X(MEMFD, "memfd", EACCES,                                                \
	  "running a memfd or a deleted file")                                   \
	X(SPAWN_ACTIONS, "spawn-actions", EACCES,                                \
	  "posix_spawn file actions that leave the program uncertain")           \
	X(STICKY_ENV, "sticky-env", 0,                                           \
	  "an exec handed an environment without the shim: repaired")            \
	X(POLICY_UNAVAILABLE, "policy-unavailable", EACCES,                      \
	  "the policy could not be loaded: every decision fails closed")

enum rp_rule {
#define RP_RULE_ENUM(id, name, err, help) RP_RULE_##id,
	RP_RULES(RP_RULE_ENUM)
#undef RP_RULE_ENUM
	RP_RULE_COUNT
};

struct rp_rule_info {
	const char *name;
	int err;
	const char *help;
};

extern const struct rp_rule_info rp_rule_table[RP_RULE_COUNT];

/* The errno a denial by the rule named `name` returns (EACCES for a
 * name not in the table). */
int rp_rule_errno(const char *name);

/* The name of rule ID, e.g. RP_RULE(WX) is "wx". */
#define RP_RULE(id) (rp_rule_table[RP_RULE_##id].name)

#endif
