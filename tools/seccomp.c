/* seccomp.c - the loader's seccomp rules (one data table) and their
 * installation: as a BPF program the loader writes itself, or through
 * libseccomp for a table of another shape (rp_seccomp_bpf).
 *
 * Shape (research notes §6): default ALLOW, a deny list of what a web
 * backend never needs and escapes use, native architecture only.  Sources:
 * the Docker default profile's blocked set (moby/moby
 * profiles/seccomp/default.json and docs.docker.com "Seccomp security
 * profiles"), plus the rows of the research notes' bypass catalog (§3).
 */
#include "syscall_rules.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __O_TMPFILE
#define __O_TMPFILE 020000000
#endif

#define PR_SET_MM_ 35	/* <sys/prctl.h> PR_SET_MM */
#define AF_VSOCK_ 40	/* <sys/socket.h> AF_VSOCK */
#define LOW32 0xffffffffULL	/* an int argument: the kernel reads the low half */

/* Namespace bits of clone(2)/unshare(2) flags: NEWNS, NEWCGROUP, NEWUTS,
 * NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME (0x7E020080).  A deny list can
 * only say "this bit is set", so one rule per bit. */
#define NS_RULES(sc, why)                                                      \
	RULE1(sc, -1, EPERM, 0, 0x00020000, why),                              \
	RULE1(sc, -1, EPERM, 0, 0x02000000, why),                              \
	RULE1(sc, -1, EPERM, 0, 0x04000000, why),                              \
	RULE1(sc, -1, EPERM, 0, 0x08000000, why),                              \
	RULE1(sc, -1, EPERM, 0, 0x10000000, why),                              \
	RULE1(sc, -1, EPERM, 0, 0x20000000, why),                              \
	RULE1(sc, -1, EPERM, 0, 0x40000000, why),                              \
	RULE1(sc, -1, EPERM, 0, 0x00000080, why)

/* A setuid or setgid bit in argument `mi`. */
#define SETID_RULES(sc, nr, mi, why)                                           \
	RULE1(sc, nr, EPERM, mi, S_ISUID, why),                                \
	RULE1(sc, nr, EPERM, mi, S_ISGID, why)

/* chmod family: only the setuid bit.  A filter cannot see the file type,
 * and setgid on a directory (group inheritance for shared dirs) grants no
 * privilege, so the shim allows it there; refusing S_ISGID here would make
 * the loader break what the shim allows.  A setgid regular file made by a
 * raw syscall names one of the caller's own groups and gains nothing under
 * no_new_privs; the shim still refuses it. */
#define SETUID_RULE(sc, nr, mi, why)                                           \
	RULE1(sc, nr, EPERM, mi, S_ISUID, why)

/* Creation with a setid mode: flags argument `fi` has `flag`, mode `mi`. */
#define CREATE_RULES(sc, fi, flag, mi, why)                                    \
	RULE2(sc, fi, flag, mi, S_ISUID, why),                                 \
	RULE2(sc, fi, flag, mi, S_ISGID, why)

#define DENY(sc, nr, e, why) { sc, nr, RP_SC_ERRNO, e, 0, { { 0, RP_SC_EQ, 0, 0 } }, why }
/* (arg[i] & bits) == bits */
#define RULE1(sc, nr, e, i, bits, why)                                         \
	{ sc, nr, RP_SC_ERRNO, e, 1, { { i, RP_SC_MASKED_EQ, bits, bits } }, why }
#define RULE2(sc, i, ibits, j, jbits, why)                                     \
	{ sc, -1, RP_SC_ERRNO, EPERM, 2,                                       \
	  { { i, RP_SC_MASKED_EQ, ibits, ibits }, { j, RP_SC_MASKED_EQ, jbits, jbits } }, why }

/* personality: a flag bit `b` (18..30) with bit 31 clear; bit 31 with
 * some bit `c` clear (any value with bit 31 set but the query). */
#define PERS_FLAG(b)                                                           \
	{ "personality", 135, RP_SC_ERRNO, EPERM, 1,                           \
	  { { 0, RP_SC_MASKED_EQ, 1ULL << (b), (1ULL << (b)) | 0x80000000ULL } }, why_pers }
#define PERS_TOP(c)                                                            \
	{ "personality", 135, RP_SC_ERRNO, EPERM, 1,                           \
	  { { 0, RP_SC_MASKED_EQ, 0x80000000ULL, (1ULL << (c)) | 0x80000000ULL } }, why_pers }

static const char why_pers[] = "ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC and other personality flags";
static const char why_docker[] = "blocked by Docker's default profile";
static const char why_mount[] = "mount family: changes what paths mean";
static const char why_ns[] = "namespace creation (user namespaces grant capabilities)";
static const char why_setid[] = "no setuid bit (chmod u+s); setgid is left to the shim, which allows it on directories only";
static const char why_create[] = "no setuid/setgid bits in creation modes";
static const char why_inject[] = "code injection into other processes";

static const struct rp_sc_rule default_rules[] = {
	/* libraries fall back only on ENOSYS (glibc clone-internal.c for
	 * clone3; liburing, tokio, libuv for io_uring), and io_uring ops are
	 * invisible to seccomp (research notes §3 row 4) */
	DENY("clone3", 435, ENOSYS, "flags live in memory seccomp cannot read; ENOSYS makes glibc use clone"),
	DENY("io_uring_setup", 425, ENOSYS, "io_uring operations bypass seccomp and the shim"),
	DENY("io_uring_enter", 426, ENOSYS, "io_uring operations bypass seccomp and the shim"),
	DENY("io_uring_register", 427, ENOSYS, "io_uring operations bypass seccomp and the shim"),
	/* the app must not nest a Landlock domain that hides the shim (§3 row 6a) */
	DENY("landlock_create_ruleset", 444, EPERM, "a nested domain could make the shim unloadable"),
	DENY("landlock_add_rule", 445, EPERM, "a nested domain could make the shim unloadable"),
	DENY("landlock_restrict_self", 446, EPERM, "a nested domain could make the shim unloadable"),
	DENY("userfaultfd", 323, EPERM, "makes kernel races deterministic"),
	DENY("ptrace", 101, EPERM, why_inject),
	DENY("process_vm_readv", 310, EPERM, why_inject),
	DENY("process_vm_writev", 311, EPERM, why_inject),
	DENY("pidfd_getfd", 438, EPERM, "steals file descriptors of other processes"),
	DENY("kcmp", 312, EPERM, why_docker),
	NS_RULES("unshare", why_ns),
	NS_RULES("clone", why_ns),
	DENY("setns", 308, EPERM, why_ns),
	DENY("mount", 165, EPERM, why_mount),
	DENY("umount", -1, EPERM, why_mount),
	DENY("umount2", 166, EPERM, why_mount),
	DENY("pivot_root", 155, EPERM, why_mount),
	DENY("chroot", 161, EPERM, why_mount),
	DENY("open_tree", 428, EPERM, why_mount),
	DENY("move_mount", 429, EPERM, why_mount),
	DENY("fsopen", 430, EPERM, why_mount),
	DENY("fsconfig", 431, EPERM, why_mount),
	DENY("fsmount", 432, EPERM, why_mount),
	DENY("fspick", 433, EPERM, why_mount),
	DENY("mount_setattr", 442, EPERM, why_mount),
	DENY("kexec_load", 246, EPERM, why_docker),
	DENY("kexec_file_load", 320, EPERM, why_docker),
	DENY("init_module", 175, EPERM, why_docker),
	DENY("finit_module", 313, EPERM, why_docker),
	DENY("delete_module", 176, EPERM, why_docker),
	DENY("create_module", -1, EPERM, why_docker),
	DENY("get_kernel_syms", -1, EPERM, why_docker),
	DENY("query_module", -1, EPERM, why_docker),
	DENY("bpf", 321, EPERM, why_docker),
	DENY("perf_event_open", 298, EPERM, why_docker),
	DENY("keyctl", 250, EPERM, why_docker),
	DENY("add_key", 248, EPERM, why_docker),
	DENY("request_key", 249, EPERM, why_docker),
	/* personality(2) takes an unsigned int (the upper half of the register
	 * is ignored), so the masks below look at the low 32 bits only.  Docker
	 * allows 0, 8, 0x20000, 0x20008 and the query 0xffffffff; a deny list
	 * cannot say "none of these" in one rule (libseccomp refuses two
	 * comparisons of one argument: EINVAL), so: every value from
	 * ADDR_NO_RANDOMIZE (bit 18) up is denied, bit by bit, except the
	 * query, which is the only value with all 32 bits set.  What stays
	 * allowed below bit 18 is UNAME26 and execution domains, which Linux
	 * ignores. */
	PERS_FLAG(18), PERS_FLAG(19), PERS_FLAG(20), PERS_FLAG(21), PERS_FLAG(22),
	PERS_FLAG(23), PERS_FLAG(24), PERS_FLAG(25), PERS_FLAG(26), PERS_FLAG(27),
	PERS_FLAG(28), PERS_FLAG(29), PERS_FLAG(30),
	PERS_TOP(0), PERS_TOP(1), PERS_TOP(2), PERS_TOP(3), PERS_TOP(4), PERS_TOP(5),
	PERS_TOP(6), PERS_TOP(7), PERS_TOP(8), PERS_TOP(9), PERS_TOP(10), PERS_TOP(11),
	PERS_TOP(12), PERS_TOP(13), PERS_TOP(14), PERS_TOP(15), PERS_TOP(16),
	PERS_TOP(17), PERS_TOP(18), PERS_TOP(19), PERS_TOP(20), PERS_TOP(21),
	PERS_TOP(22), PERS_TOP(23), PERS_TOP(24), PERS_TOP(25), PERS_TOP(26),
	PERS_TOP(27), PERS_TOP(28), PERS_TOP(29), PERS_TOP(30),
	/* prctl(2) takes an int option: the kernel ignores the upper 32 bits of
	 * the register, so an exact 64-bit compare (EQ 35) let
	 * (1 << 32) | PR_SET_MM through.  Compare the low 32 bits exactly; a
	 * masked test of the bits of 35 would also catch 39, 47, 55, 59
	 * (PR_GET_NO_NEW_PRIVS, PR_CAP_AMBIENT, ...). */
	{ "prctl", 157, RP_SC_ERRNO, EPERM, 1, { { 0, RP_SC_MASKED_EQ, PR_SET_MM_, LOW32 } },
	  "PR_SET_MM rewrites /proc/self/exe and cmdline" },
	DENY("acct", 163, EPERM, why_docker),
	DENY("swapon", 167, EPERM, why_docker),
	DENY("swapoff", 168, EPERM, why_docker),
	DENY("open_by_handle_at", 304, EPERM, "opens files by handle, around every path check"),
	DENY("reboot", 169, EPERM, why_docker),
	DENY("settimeofday", 164, EPERM, why_docker),
	DENY("clock_settime", 227, EPERM, why_docker),
	DENY("clock_adjtime", 305, EPERM, why_docker),
	DENY("stime", -1, EPERM, why_docker),
	DENY("quotactl", 179, EPERM, why_docker),
	DENY("quotactl_fd", 443, EPERM, why_docker),
	DENY("lookup_dcookie", 212, EPERM, why_docker),
	DENY("nfsservctl", -1, EPERM, why_docker),
	DENY("sysfs", 139, EPERM, why_docker),
	DENY("_sysctl", 156, EPERM, why_docker),
	DENY("uselib", 134, EPERM, why_docker),
	DENY("ustat", 136, EPERM, why_docker),
	DENY("vm86", -1, EPERM, why_docker),
	DENY("vm86old", -1, EPERM, why_docker),
	DENY("ioperm", 173, EPERM, why_docker),
	DENY("iopl", 172, EPERM, why_docker),
	DENY("syslog", 103, EPERM, why_docker),
	DENY("get_mempolicy", 239, EPERM, why_docker),
	DENY("set_mempolicy", 238, EPERM, why_docker),
	DENY("mbind", 237, EPERM, why_docker),
	DENY("move_pages", 279, EPERM, why_docker),
	DENY("migrate_pages", 256, EPERM, why_docker),
	DENY("set_mempolicy_home_node", 450, EPERM, why_docker),
	DENY("process_madvise", 440, EPERM, why_docker),
	DENY("fanotify_init", 300, EPERM, why_docker),
	DENY("sethostname", 170, EPERM, why_docker),
	DENY("setdomainname", 171, EPERM, why_docker),
	DENY("vhangup", 153, EPERM, why_docker),
	/* socket(2) takes an int domain: compare the low 32 bits */
	{ "socket", 41, RP_SC_ERRNO, EPERM, 1, { { 0, RP_SC_MASKED_EQ, AF_VSOCK_, LOW32 } },
	  "AF_VSOCK talks to the host (blocked by Docker's default profile)" },
	/* Landlock does not cover chmod (research notes E05) */
	SETUID_RULE("chmod", 90, 1, why_setid),
	SETUID_RULE("fchmod", 91, 1, why_setid),
	SETUID_RULE("fchmodat", 268, 2, why_setid),
	SETUID_RULE("fchmodat2", 452, 2, why_setid),
	CREATE_RULES("open", 1, O_CREAT, 2, why_create),
	CREATE_RULES("open", 1, __O_TMPFILE, 2, why_create),
	CREATE_RULES("openat", 2, O_CREAT, 3, why_create),
	CREATE_RULES("openat", 2, __O_TMPFILE, 3, why_create),
	SETID_RULES("creat", 85, 1, why_create),
	SETID_RULES("mknod", 133, 1, why_create),
	SETID_RULES("mknodat", 259, 2, why_create),
};

/* Landlock ABI 1 and 2 cannot stop truncation (research notes §5). */
static const struct rp_sc_rule truncate_rules[] = {
	DENY("truncate", 76, EACCES, "Landlock below ABI 3 cannot stop truncation"),
	{ "open", 2, RP_SC_ERRNO, EACCES, 1,
	  { { 1, RP_SC_MASKED_EQ, O_TRUNC, O_ACCMODE | O_TRUNC } },
	  "O_RDONLY|O_TRUNC truncates; Landlock below ABI 3 cannot stop it" },
	{ "openat", 257, RP_SC_ERRNO, EACCES, 1,
	  { { 2, RP_SC_MASKED_EQ, O_TRUNC, O_ACCMODE | O_TRUNC } },
	  "O_RDONLY|O_TRUNC truncates; Landlock below ABI 3 cannot stop it" },
	/* access mode 3 opens for neither read nor write (no FMODE_READ or
	 * FMODE_WRITE, so Landlock asks no WRITE_FILE), yet O_TRUNC still
	 * truncates (fs/namei.c do_open) */
	{ "open", 2, RP_SC_ERRNO, EACCES, 1,
	  { { 1, RP_SC_MASKED_EQ, O_ACCMODE | O_TRUNC, O_ACCMODE | O_TRUNC } },
	  "access mode 3 with O_TRUNC truncates; Landlock below ABI 3 cannot stop it" },
	{ "openat", 257, RP_SC_ERRNO, EACCES, 1,
	  { { 2, RP_SC_MASKED_EQ, O_ACCMODE | O_TRUNC, O_ACCMODE | O_TRUNC } },
	  "access mode 3 with O_TRUNC truncates; Landlock below ABI 3 cannot stop it" },
};

static int
allowed_by_policy(const struct rp_policy *p, const char *name)
{
	int i;

	for (i = 0; i < p->n_allow_syscall; i++)
		if (strcmp(p->allow_syscall[i].text, name) == 0)
			return 1;
	return 0;
}

static size_t
append(const struct rp_policy *p, const struct rp_sc_rule *src, size_t nsrc,
       struct rp_sc_rule *out, size_t n, size_t max)
{
	size_t i;

	for (i = 0; i < nsrc && n < max; i++) {
		if (allowed_by_policy(p, src[i].name))
			continue;
		out[n] = src[i];
		/* Audit blocks nothing, but an ENOSYS answer blocks nothing
		 * either: it says "feature absent" and libraries fall back
		 * (clone3 -> clone, io_uring -> plain syscalls).  As LOG rules,
		 * every thread creation would write a kernel audit record. */
		if (p->mode == RP_MODE_AUDIT && out[n].action == RP_SC_ERRNO &&
		    out[n].err != ENOSYS)
			out[n].action = RP_SC_LOG;
		n++;
	}
	return n;
}

size_t
rp_seccomp_rules_abi(const struct rp_policy *p, int landlock_abi, struct rp_sc_rule *out,
		     size_t max)
{
	size_t n = append(p, default_rules, sizeof(default_rules) / sizeof(default_rules[0]),
			  out, 0, max);
	int i;

	if (landlock_abi >= 1 && landlock_abi < 3)
		n = append(p, truncate_rules, sizeof(truncate_rules) / sizeof(truncate_rules[0]),
			   out, n, max);
	for (i = 0; i < p->n_deny_syscall && n < max; i++) {
		struct rp_sc_rule r = DENY(p->deny_syscall[i].text, -1, EPERM,
					   "DenySyscall in the policy");

		if (p->mode == RP_MODE_AUDIT)
			r.action = RP_SC_LOG;
		out[n++] = r;
	}
	return n;
}

/* Landlock: step 6 of the loader (run.c) creates, fills and enforces its
 * ruleset before step 7 installs the filter that denies these calls to
 * the app.  Nothing else in the table is called before step 7: the loader
 * uses prctl options other than PR_SET_MM, no namespaces, no mounts. */
int
rp_seccomp_loader_needs(const char *name)
{
	return strcmp(name, "landlock_create_ruleset") == 0 ||
	       strcmp(name, "landlock_add_rule") == 0 ||
	       strcmp(name, "landlock_restrict_self") == 0;
}

size_t
rp_seccomp_rules(const struct rp_policy *p, struct rp_sc_rule *out, size_t max)
{
	return rp_seccomp_rules_abi(p, 3, out, max);
}

/* ---- installation ------------------------------------------------------ */

static const enum scmp_compare cmp_ops[] = {
	[RP_SC_EQ] = SCMP_CMP_EQ, [RP_SC_NE] = SCMP_CMP_NE,
	[RP_SC_MASKED_EQ] = SCMP_CMP_MASKED_EQ, [RP_SC_GE] = SCMP_CMP_GE,
	[RP_SC_GT] = SCMP_CMP_GT, [RP_SC_LE] = SCMP_CMP_LE, [RP_SC_LT] = SCMP_CMP_LT,
};

static uint32_t
action_of(const struct rp_sc_rule *r)
{
	switch (r->action) {
	case RP_SC_KILL:
		return SCMP_ACT_KILL_PROCESS;
	case RP_SC_LOG:
		return SCMP_ACT_LOG;
	case RP_SC_ERRNO:
	default:
		return SCMP_ACT_ERRNO((uint16_t)r->err);
	}
}

/* Put the number of `ru`'s system call on this architecture in *nr, or -1
 * when this architecture has none (libseccomp's pseudo numbers: umount,
 * vm86 on x86_64).  Returns -1 for a name neither libseccomp nor the
 * table knows. */
static int
resolve(const struct rp_sc_rule *ru, int *nr)
{
	*nr = seccomp_syscall_resolve_name(ru->name);
#if defined(__x86_64__)
	if (*nr == __NR_SCMP_ERROR)
		*nr = ru->nr_fallback;	/* an older libseccomp table */
#endif
	if (*nr == __NR_SCMP_ERROR)
		return -1;
	if (*nr < 0)
		*nr = -1;
	return 0;
}

int
rp_seccomp_count(const struct rp_sc_rule *rules, size_t n, unsigned *installable,
		 char *err, size_t errsz)
{
	size_t i;
	int nr;

	*installable = 0;
	for (i = 0; i < n; i++) {
		if (resolve(&rules[i], &nr) != 0) {
			/* a typo in DenySyscall must not leave a hole unnoticed */
			snprintf(err, errsz, "unknown system call '%s'", rules[i].name);
			return -1;
		}
		if (nr >= 0)
			(*installable)++;
	}
	return 0;
}

/* The filter as libseccomp builds it: default ALLOW, bad arch kills. */
static scmp_filter_ctx
libseccomp_ctx(const struct rp_sc_rule *rules, size_t n, unsigned *installed, char *err,
	       size_t errsz)
{
	scmp_filter_ctx ctx;
	size_t i;
	int r;

	*installed = 0;
	if (!(ctx = seccomp_init(SCMP_ACT_ALLOW))) {
		snprintf(err, errsz, "seccomp_init failed");
		return NULL;
	}
	/* The default bad-arch action kills only the thread; an i386 or x32
	 * system call here is an escape attempt (research notes E13). */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r != 0) {
		snprintf(err, errsz, "seccomp_attr_set(ACT_BADARCH): %s", strerror(-r));
		goto fail;
	}
	for (i = 0; i < n; i++) {
		const struct rp_sc_rule *ru = &rules[i];
		struct scmp_arg_cmp cmp[3];
		int nr, k;

		resolve(ru, &nr);
		if (nr < 0)
			continue;	/* not on this architecture */
		for (k = 0; k < ru->nargs && k < 3; k++) {
			cmp[k].arg = ru->args[k].index;
			cmp[k].op = cmp_ops[ru->args[k].op];
			cmp[k].datum_a = ru->args[k].op == RP_SC_MASKED_EQ ? ru->args[k].mask
									   : ru->args[k].datum;
			cmp[k].datum_b = ru->args[k].op == RP_SC_MASKED_EQ ? ru->args[k].datum : 0;
		}
		r = seccomp_rule_add_array(ctx, action_of(ru), nr, (unsigned)k, cmp);
		if (r != 0) {
			snprintf(err, errsz, "seccomp rule for %s: %s", ru->name, strerror(-r));
			goto fail;
		}
		(*installed)++;
	}
	return ctx;
fail:
	seccomp_release(ctx);
	return NULL;
}

/* ---- the filter as BPF, without libseccomp ----------------------------
 * libseccomp spends ~0.25 ms adding the rules and ~0.3 ms generating the
 * program at every start; the table is small and its shape simple, so the
 * loader writes the same program itself in microseconds.  The program is
 * the one libseccomp generates for this table, in the same layout:
 *   arch != x86_64                       -> KILL_PROCESS (the bad-arch action)
 *   nr >= 0x40000000 (x32), nr != -1     -> KILL_PROCESS
 *   per system call with rules: each rule's comparisons, high word then
 *   low word of each 64-bit argument ((arg & mask) == datum on both), the
 *   rule's action when all hold; then the next rule
 *   anything else                        -> ALLOW
 * Only what the table uses is generated: unconditional rules and
 * MASKED_EQ/EQ comparisons, one action per system call.  Any other shape
 * (another architecture, other operators, two actions for one call, a
 * program too long for the 8-bit jump offsets) returns -1 and the caller
 * uses libseccomp.  tests/progs/sc_equiv.c runs both programs on the same
 * inputs and compares every answer. */

static int
emit(struct sock_filter *f, size_t *len, size_t max, uint16_t code, uint8_t jt, uint8_t jf,
     uint32_t k)
{
	if (*len >= max)
		return -1;
	f[*len].code = code;
	f[*len].jt = jt;
	f[*len].jf = jf;
	f[*len].k = k;
	(*len)++;
	return 0;
}

static uint32_t
bpf_action(const struct rp_sc_rule *r)
{
	switch (r->action) {
	case RP_SC_KILL:
		return SECCOMP_RET_KILL_PROCESS;
	case RP_SC_LOG:
		return SECCOMP_RET_LOG;
	case RP_SC_ERRNO:
	default:
		return SECCOMP_RET_ERRNO | ((uint32_t)r->err & SECCOMP_RET_DATA);
	}
}

/* A rule that holds whatever the arguments. */
static int
always(const struct rp_sc_rule *r)
{
	int k;

	for (k = 0; k < r->nargs; k++) {
		uint64_t mask = r->args[k].op == RP_SC_EQ ? ~0ULL : r->args[k].mask;

		if (mask != 0 || r->args[k].datum != 0)
			return 0;
	}
	return 1;
}

int
rp_seccomp_bpf(const struct rp_sc_rule *rules, size_t n, struct sock_filter *f, size_t max,
	       size_t *len, unsigned *installed)
{
#if defined(__x86_64__)
	static int nrs[RP_SC_MAX_RULES];
	static unsigned char done[RP_SC_MAX_RULES];
	size_t i, j;
	int nr;

	*len = 0;
	*installed = 0;
	if (n > RP_SC_MAX_RULES)
		return -1;
	for (i = 0; i < n; i++) {
		int k;

		if (resolve(&rules[i], &nrs[i]) != 0)
			return -1;
		done[i] = 0;
		for (k = 0; k < rules[i].nargs; k++)
			if ((rules[i].args[k].op != RP_SC_MASKED_EQ && rules[i].args[k].op != RP_SC_EQ) ||
			    rules[i].args[k].index > 5)
				return -1;
	}
	/* one action per system call, as a deny list has */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (nrs[i] >= 0 && nrs[i] == nrs[j] &&
			    bpf_action(&rules[i]) != bpf_action(&rules[j]))
				return -1;
	/* the bad-arch answer, and x32 numbers (bit 30) other than -1 */
	if (emit(f, len, max, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch)) ||
	    emit(f, len, max, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64) ||
	    emit(f, len, max, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS) ||
	    emit(f, len, max, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr)) ||
	    emit(f, len, max, BPF_JMP | BPF_JGE | BPF_K, 0, 2, 0x40000000) ||
	    emit(f, len, max, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0xffffffffU) ||
	    emit(f, len, max, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS))
		return -1;
	/* Calls denied whatever their arguments: one jeq each, straight to
	 * a return shared by up to 200 calls of the same action. */
	for (i = 0; i < n; i++) {
		if (nrs[i] >= 0 && always(&rules[i]))
			for (j = 0; j < n; j++)
				if (nrs[j] == nrs[i] && j != i)
					done[j] = 2;	/* covered by rule i */
	}
	for (i = 0; i < n; i++) {
		uint32_t act;
		size_t group[200], m = 0, x;

		if (done[i] == 1 || nrs[i] < 0 || !always(&rules[i]))
			continue;
		act = bpf_action(&rules[i]);
		for (j = i; j < n && m < 200; j++) {
			size_t y;
			int dup = 0;

			if (done[j] == 1 || nrs[j] < 0 || !always(&rules[j]) ||
			    bpf_action(&rules[j]) != act)
				continue;
			done[j] = 1;
			for (y = 0; y < m; y++)
				dup |= nrs[group[y]] == nrs[j];
			if (!dup)
				group[m++] = j;
		}
		for (x = 0; x < m; x++)
			if (emit(f, len, max, BPF_JMP | BPF_JEQ | BPF_K, (uint8_t)(m - x), 0,
				 (uint32_t)nrs[group[x]]))
				return -1;
		if (emit(f, len, max, BPF_JMP | BPF_JA, 0, 0, 1) ||
		    emit(f, len, max, BPF_RET | BPF_K, 0, 0, act))
			return -1;
	}
	for (i = 0; i < n; i++)
		if (done[i] == 2)
			done[i] = 1;
	for (i = 0; i < n; i++) {
		if (nrs[i] >= 0)
			(*installed)++;
	}
	for (i = 0; i < n; i++) {
		size_t head, hits[RP_SC_BPF_MAX / 8], nhits = 0, x, ret_act;

		if (done[i] || nrs[i] < 0)
			continue;
		nr = nrs[i];
		/* nr != this call: jump over its block (ja, patched below) */
		head = *len;
		if (emit(f, len, max, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, (uint32_t)nr) ||
		    emit(f, len, max, BPF_JMP | BPF_JA, 0, 0, 0))
			return -1;
		for (j = i; j < n; j++) {
			const struct rp_sc_rule *ru = &rules[j];
			size_t fix[12], nfix = 0, start = *len;
			int k, never = 0;

			if (done[j] || nrs[j] != nr)
				continue;
			done[j] = 1;
			for (k = 0; k < ru->nargs; k++) {
				const struct rp_sc_arg *a = &ru->args[k];
				uint64_t mask = a->op == RP_SC_EQ ? ~0ULL : a->mask;
				uint64_t datum = a->datum;
				int half;

				if ((datum & ~mask) != 0) {
					never = 1;	/* (arg & mask) can never equal it */
					break;
				}
				for (half = 1; half >= 0; half--) {
					uint32_t m = (uint32_t)(mask >> (32 * half));
					uint32_t d = (uint32_t)(datum >> (32 * half));
					uint32_t off = (uint32_t)offsetof(struct seccomp_data, args) +
						       8 * a->index + 4 * (uint32_t)half;

					if (m == 0)
						continue;	/* always holds */
					if (emit(f, len, max, BPF_LD | BPF_W | BPF_ABS, 0, 0, off))
						return -1;
					if (m != 0xffffffffU &&
					    emit(f, len, max, BPF_ALU | BPF_AND | BPF_K, 0, 0, m))
						return -1;
					/* a failing word jumps to the next rule
					 * (offset patched below) */
					fix[nfix++] = *len;
					if (emit(f, len, max, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, d))
						return -1;
				}
			}
			if (never || nfix == 0) {
				*len = start;	/* matches nothing: no code */
				continue;
			}
			/* the last word holds: the block's shared return */
			nfix--;
			hits[nhits++] = fix[nfix];
			for (x = 0; x < nfix; x++) {
				size_t off = *len - fix[x] - 1;

				if (off > 255)
					return -1;
				f[fix[x]].jf = (uint8_t)off;
			}
		}
		if (emit(f, len, max, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW))
			return -1;
		ret_act = *len;
		if (emit(f, len, max, BPF_RET | BPF_K, 0, 0, bpf_action(&rules[i])))
			return -1;
		for (x = 0; x < nhits; x++) {
			size_t off = ret_act - hits[x] - 1;

			if (off > 255)
				return -1;
			f[hits[x]].jt = (uint8_t)off;
		}
		f[head + 1].k = (uint32_t)(*len - head - 2);
	}
	return emit(f, len, max, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
#else
	(void)rules; (void)n; (void)f; (void)max; (void)len; (void)installed;
	return -1;
#endif
}

int
rp_seccomp_install(const struct rp_sc_rule *rules, size_t n, unsigned *installed,
		   char *err, size_t errsz)
{
	static struct sock_filter prog[RP_SC_BPF_MAX];
	scmp_filter_ctx ctx;
	size_t len;
	int r;

	*installed = 0;
	if (rp_seccomp_count(rules, n, installed, err, errsz) != 0)
		return -1;
	*installed = 0;
	if (rp_seccomp_bpf(rules, n, prog, RP_SC_BPF_MAX, &len, installed) == 0) {
		/* no_new_privs is set (loader step 5): no privilege needed */
		struct sock_fprog fp = { (unsigned short)len, prog };

		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) == 0)
			return 0;
		if (errno != ENOSYS && errno != EINVAL) {
			snprintf(err, errsz, "seccomp(SET_MODE_FILTER): %s", strerror(errno));
			return -1;
		}
		/* a kernel without seccomp(2) or this action: libseccomp's way */
	}
	*installed = 0;
	if (!(ctx = libseccomp_ctx(rules, n, installed, err, errsz)))
		return -1;
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r != 0) {
		snprintf(err, errsz, "seccomp_load: %s", strerror(-r));
		return -1;
	}
	return 0;
}

int
rp_seccomp_export_libseccomp(const struct rp_sc_rule *rules, size_t n, int fd,
			     char *err, size_t errsz)
{
	unsigned installed;
	scmp_filter_ctx ctx = libseccomp_ctx(rules, n, &installed, err, errsz);
	int r;

	if (!ctx)
		return -1;
	r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	if (r != 0) {
		snprintf(err, errsz, "seccomp_export_bpf: %s", strerror(-r));
		return -1;
	}
	return 0;
}
