/* sc_equiv.c - the loader's own BPF program against libseccomp's.
 *
 *   sc_equiv
 *
 * For several policies (enforce, audit, DenySyscall with the
 * MemoryDenyWriteExecute rules, AllowSyscall) and
 * Landlock ABIs (7, 2: the truncation rules, 0), builds the rule table,
 * the program rp_seccomp_bpf writes and the one libseccomp generates for
 * the same table (seccomp_export_bpf), and runs both in a classic BPF
 * interpreter over the same inputs: every system call number up to 600,
 * x32 numbers, -1, a foreign architecture, and for every call with
 * argument rules the values each rule names, with each masked bit
 * flipped, with the other half of the word set, and pseudo-random words.
 * Prints "cases N mismatches M fallbacks F" and the first mismatches;
 * exits 1 on any mismatch.  Nothing is installed.
 */
#include "../../tools/seccomp.c"

#include <linux/filter.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define MAXP 4096

static uint32_t
run_bpf(const struct sock_filter *f, size_t n, const struct seccomp_data *d)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = { 0 };
	size_t pc = 0;

	while (pc < n) {
		const struct sock_filter *i = &f[pc++];
		uint32_t k = i->k, src;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (BPF_MODE(i->code) == BPF_ABS && k + 4 <= sizeof(*d) && k % 4 == 0)
				memcpy(&A, (const char *)d + k, 4);
			else if (BPF_MODE(i->code) == BPF_IMM)
				A = k;
			else if (BPF_MODE(i->code) == BPF_MEM && k < BPF_MEMWORDS)
				A = M[k];
			else
				return 0xdeadbeef;
			break;
		case BPF_LDX:
			if (BPF_MODE(i->code) == BPF_IMM)
				X = k;
			else if (BPF_MODE(i->code) == BPF_MEM && k < BPF_MEMWORDS)
				X = M[k];
			else
				return 0xdeadbeef;
			break;
		case BPF_ST:
			if (k >= BPF_MEMWORDS)
				return 0xdeadbeef;
			M[k] = A;
			break;
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return 0xdeadbeef;
			M[k] = X;
			break;
		case BPF_ALU:
			src = BPF_SRC(i->code) == BPF_X ? X : k;
			switch (BPF_OP(i->code)) {
			case BPF_ADD: A += src; break;
			case BPF_SUB: A -= src; break;
			case BPF_MUL: A *= src; break;
			case BPF_AND: A &= src; break;
			case BPF_OR: A |= src; break;
			case BPF_XOR: A ^= src; break;
			case BPF_LSH: A = src < 32 ? A << src : 0; break;
			case BPF_RSH: A = src < 32 ? A >> src : 0; break;
			case BPF_NEG: A = -A; break;
			default: return 0xdeadbeef;
			}
			break;
		case BPF_JMP:
			src = BPF_SRC(i->code) == BPF_X ? X : k;
			if (BPF_OP(i->code) == BPF_JA) {
				pc += k;
				break;
			}
			switch (BPF_OP(i->code)) {
			case BPF_JEQ: pc += A == src ? i->jt : i->jf; break;
			case BPF_JGT: pc += A > src ? i->jt : i->jf; break;
			case BPF_JGE: pc += A >= src ? i->jt : i->jf; break;
			case BPF_JSET: pc += (A & src) ? i->jt : i->jf; break;
			default: return 0xdeadbeef;
			}
			break;
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? A : k;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		default:
			return 0xdeadbeef;
		}
	}
	return 0xdeadbeef;	/* ran off the end */
}

static struct sock_filter ours[MAXP], theirs[MAXP];
static size_t nours, ntheirs;
static unsigned long cases, mismatches;

static void
check(const char *label, const struct seccomp_data *d)
{
	uint32_t a = run_bpf(ours, nours, d), b = run_bpf(theirs, ntheirs, d);

	cases++;
	if (a == b)
		return;
	if (mismatches++ < 20)
		printf("MISMATCH %s: arch %#x nr %d args %#llx %#llx %#llx %#llx: ours %#x libseccomp %#x\n",
		       label, d->arch, d->nr, (unsigned long long)d->args[0],
		       (unsigned long long)d->args[1], (unsigned long long)d->args[2],
		       (unsigned long long)d->args[3], a, b);
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int
libseccomp_program(const struct rp_sc_rule *rules, size_t n)
{
	char err[256];
	int fd = memfd_create("sc_equiv", 0);
	ssize_t got;

	if (fd < 0 || rp_seccomp_export_libseccomp(rules, n, fd, err, sizeof(err)) != 0) {
		printf("libseccomp: %s\n", fd < 0 ? strerror(errno) : err);
		return -1;
	}
	got = pread(fd, theirs, sizeof(theirs), 0);
	close(fd);
	if (got <= 0 || got % (ssize_t)sizeof(theirs[0]) != 0)
		return -1;
	ntheirs = (size_t)got / sizeof(theirs[0]);
	return 0;
}

static void
compare(const char *label, const struct rp_sc_rule *rules, size_t n, unsigned long *fallbacks)
{
	struct seccomp_data d;
	unsigned installed;
	size_t i;
	int nr, k, b, r;

	if (rp_seccomp_bpf(rules, n, ours, MAXP, &nours, &installed) != 0) {
		printf("fallback to libseccomp: %s\n", label);
		(*fallbacks)++;	/* the loader would use libseccomp itself */
		return;
	}
	if (libseccomp_program(rules, n) != 0) {
		mismatches++;
		return;
	}
	memset(&d, 0, sizeof(d));
	d.arch = AUDIT_ARCH_X86_64;
	for (nr = 0; nr < 600; nr++) {
		d.nr = nr;
		memset(d.args, 0, sizeof(d.args));
		check(label, &d);
		for (k = 0; k < 6; k++)
			d.args[k] = next_rand();
		check(label, &d);
	}
	for (nr = 0; nr < 8; nr++) {
		d.nr = (int)(0x40000000U + (unsigned)nr * 37);
		check(label, &d);
	}
	d.nr = -1;
	check(label, &d);
	d.arch = AUDIT_ARCH_I386;
	d.nr = 1;
	check(label, &d);
	d.arch = AUDIT_ARCH_X86_64;
	for (i = 0; i < n; i++) {
		const struct rp_sc_rule *ru = &rules[i];

		if (resolve(ru, &nr) != 0 || nr < 0 || ru->nargs == 0)
			continue;
		d.nr = nr;
		for (r = 0; r < 32; r++) {
			/* the rule's own values, then variations of them */
			for (k = 0; k < 6; k++)
				d.args[k] = r & 1 ? next_rand() : 0;
			for (k = 0; k < ru->nargs; k++) {
				const struct rp_sc_arg *a = &ru->args[k];
				uint64_t mask = a->op == RP_SC_EQ ? ~0ULL : a->mask;

				d.args[a->index] = (a->datum & mask) | (next_rand() & ~mask);
				if (r & 2)
					d.args[a->index] ^= 1ULL << (next_rand() % 64);
				if (r & 4)
					d.args[a->index] |= 0xffffffff00000000ULL;
				if (r & 8)
					d.args[a->index] &= 0xffffffffULL;
			}
			check(label, &d);
			for (k = 0; k < ru->nargs; k++)
				for (b = 0; b < 64; b++) {
					uint64_t save = d.args[ru->args[k].index];

					d.args[ru->args[k].index] ^= 1ULL << b;
					check(label, &d);
					d.args[ru->args[k].index] = save;
				}
		}
	}
}

static struct rp_policy pol;
static struct rp_sc_rule rules[RP_SC_MAX_RULES];

int
main(void)
{
	static const char *const deny[] = { "ptrace", "chmod", "reboot", "clone" };
	static const char *const allow[] = { "ptrace", "clone", "personality" };
	static const int abis[] = { 7, 2, 0 };
	unsigned long fallbacks = 0;
	size_t a, n;
	int v;

	for (v = 0; v < 6; v++)
		for (a = 0; a < sizeof(abis) / sizeof(abis[0]); a++) {
			char label[64];
			size_t i;

			memset(&pol, 0, sizeof(pol));
			pol.mode = v & 1 ? RP_MODE_AUDIT : RP_MODE_ENFORCE;
			if (v >= 2 && v < 4)
				for (i = 0; i < sizeof(deny) / sizeof(deny[0]); i++) {
					pol.deny_syscall[i].text = deny[i];
					pol.n_deny_syscall++;
				}
			if (v >= 4)
				for (i = 0; i < sizeof(allow) / sizeof(allow[0]); i++) {
					pol.allow_syscall[i].text = allow[i];
					pol.n_allow_syscall++;
				}
			snprintf(label, sizeof(label), "%s%s abi %d", v & 1 ? "audit" : "enforce",
				 v >= 4 ? "+allow" : v >= 2 ? "+deny" : "", abis[a]);
			n = rp_seccomp_rules_abi(&pol, abis[a], rules, RP_SC_MAX_RULES);
			if (v >= 2 && v < 4) {
				/* MemoryDenyWriteExecute on a kernel without
				 * PR_SET_MDWE (tools/run.c memory_wx) */
				static const char *const wx[] = { "mmap", "mprotect", "pkey_mprotect" };

				for (i = 0; i < 3; i++) {
					struct rp_sc_rule r = { wx[i], -1, RP_SC_ERRNO, EACCES, 1,
								{ { 2, RP_SC_MASKED_EQ, 6, 6 } }, "wx" };

					rules[n++] = r;
				}
			}
			compare(label, rules, n, &fallbacks);
		}
	printf("cases %lu mismatches %lu fallbacks %lu\n", cases, mismatches, fallbacks);
	return mismatches ? 1 : 0;
}
