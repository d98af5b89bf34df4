/* syscall_rules.h - the loader's seccomp rules as data.
 *
 * One table drives both the filter the loader installs (seccomp.c, through
 * libseccomp) and `rampart export-seccomp` (a Docker/OCI profile), so the
 * two always agree.  Named apart from libseccomp's <seccomp.h>, which the
 * build's -Itools would otherwise shadow.
 */
#ifndef RAMPART_SYSCALL_RULES_H
#define RAMPART_SYSCALL_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

enum rp_sc_action {
	RP_SC_ERRNO,		/* fail with `err` */
	RP_SC_KILL,		/* kill the process */
	RP_SC_LOG,		/* allow, log to the kernel audit log (audit mode) */
};

enum rp_sc_op { RP_SC_EQ, RP_SC_NE, RP_SC_MASKED_EQ, RP_SC_GE, RP_SC_GT, RP_SC_LE, RP_SC_LT };

struct rp_sc_arg {
	unsigned index;		/* argument number 0..5 */
	enum rp_sc_op op;
	uint64_t datum;		/* compared value */
	uint64_t mask;		/* for RP_SC_MASKED_EQ: (arg & mask) == datum */
};

struct rp_sc_rule {
	const char *name;	/* system call name (libseccomp spelling) */
	int nr_fallback;	/* x86_64 number when libseccomp lacks the name, else -1 */
	enum rp_sc_action action;
	int err;		/* errno for RP_SC_ERRNO */
	int nargs;		/* 0..3 argument comparisons, all must hold */
	struct rp_sc_arg args[3];
	const char *why;	/* one-line reason, shown by --check and exports */
};

/* The effective rule list for policy `p` (defaults, minus AllowSyscall,
 * plus DenySyscall; audit mode turns ERRNO rules into LOG).  Fills at most
 * `max` rules into `out` and returns the count. */
size_t rp_seccomp_rules(const struct rp_policy *p, struct rp_sc_rule *out, size_t max);

/* Room for every rule: the defaults plus DenySyscall. */
#define RP_SC_MAX_RULES (240 + RP_MAX_SYSCALLS)

/* Same, for a kernel whose Landlock ABI is `landlock_abi` (0 = none
 * applied).  rp_seccomp_rules() assumes ABI >= 3; with ABI 1 or 2 Landlock
 * cannot stop truncation, so path truncate(2) and open(O_RDONLY|O_TRUNC)
 * are denied here instead (research notes §5, "ABI < 3"). */
size_t rp_seccomp_rules_abi(const struct rp_policy *p, int landlock_abi,
			    struct rp_sc_rule *out, size_t max);

/* Install `rules` (rp_seccomp_bpf's program, else libseccomp's) over a
 * default of ALLOW, native
 * architecture only (any other architecture: kill the process).  Sets
 * *installed to the number of rules the kernel got (rules for system calls
 * this architecture lacks are skipped).  Returns 0, or -1 with err set. */
/* Resolve every rule's name without installing anything (--check): sets
 * *installable to the number rp_seccomp_install would install.  Returns 0,
 * or -1 with err naming a system call libseccomp does not know. */
int rp_seccomp_count(const struct rp_sc_rule *rules, size_t n, unsigned *installable,
		     char *err, size_t errsz);

/* 1 if the loader itself makes system call `name` before its own filter
 * is installed, and a rule of the table would deny it: an exported
 * profile, which the container runtime applies before the loader starts,
 * must leave it out (the loader's filter denies it afterwards). */
int rp_seccomp_loader_needs(const char *name);

int rp_seccomp_install(const struct rp_sc_rule *rules, size_t n, unsigned *installed,
		       char *err, size_t errsz);
/* The filter of `rules` as a classic BPF program, the one libseccomp
 * generates for them (seccomp.c explains the layout), into f[0..max):
 * returns 0 with *len instructions and *installed rules, or -1 when the
 * table has a shape only libseccomp handles (rp_seccomp_install then
 * uses it).  x86_64 only. */
struct sock_filter;
#define RP_SC_BPF_MAX 4096
/* libseccomp's program for `rules` (seccomp_export_bpf) written to fd:
 * what rp_seccomp_bpf is checked against (tests/progs/sc_equiv.c). */
int rp_seccomp_export_libseccomp(const struct rp_sc_rule *rules, size_t n, int fd,
				 char *err, size_t errsz);
int rp_seccomp_bpf(const struct rp_sc_rule *rules, size_t n, struct sock_filter *f,
		   size_t max, size_t *len, unsigned *installed);

#endif
