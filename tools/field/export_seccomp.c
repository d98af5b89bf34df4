/* export_seccomp.c - `rampart export-seccomp`: the loader's seccomp rules as
 * a Docker/OCI seccomp profile, so the container engine enforces them too.
 *
 *   rampart export-seccomp [--policy FILE]
 *
 * The rules come from the one table the loader installs (syscall_rules.h,
 * rp_seccomp_rules()), so the profile and the loader's filter agree.  The
 * format is moby's profiles/seccomp (the engine turns each "syscalls"
 * entry into libseccomp rules), and the OCI runtime spec's
 * linux.seccomp: "value" is the mask and "valueTwo" the datum of
 * SCMP_CMP_MASKED_EQ, as in libseccomp's SCMP_A0(SCMP_CMP_MASKED_EQ,
 * mask, datum).
 *
 * What the format cannot say is reported on stderr (and in docs/tools.md),
 * never silently dropped:
 *  - runc (libcontainer/seccomp/seccomp_linux.go, matchCall) ANDs the args
 *    of one entry only when each names a different argument; two
 *    comparisons of one argument become separate rules (an OR), so such a
 *    rule is left out rather than turned into a broader one;
 *  - a name the engine's libseccomp does not know is skipped by the engine:
 *    the loader falls back to the raw number (nr_fallback), a profile can
 *    only carry names;
 *  - the profile has no bad-architecture action: the loader kills calls
 *    from other ABIs (i386 int $0x80, x32), the engine decides for itself;
 *  - the engine applies the profile before the loader runs, so the calls
 *    the loader makes before its own filter (Landlock's: it denies them
 *    to the app afterwards) are left out of the profile
 *    (rp_seccomp_loader_needs());
 *  - "errnoRet" needs runc >= 1.0 / Docker >= 20.10; older engines answer
 *    EPERM, and glibc falls back from clone3 to clone only on ENOSYS.
 */
#include "rampart.h"

#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "syscall_rules.h"
#include "strbuf.h"

#define MAX_RULES 512

static const char *const op_names[] = {
	[RP_SC_EQ] = "SCMP_CMP_EQ", [RP_SC_NE] = "SCMP_CMP_NE",
	[RP_SC_MASKED_EQ] = "SCMP_CMP_MASKED_EQ", [RP_SC_GE] = "SCMP_CMP_GE",
	[RP_SC_GT] = "SCMP_CMP_GT", [RP_SC_LE] = "SCMP_CMP_LE", [RP_SC_LT] = "SCMP_CMP_LT",
};

static const char *const action_names[] = {
	[RP_SC_ERRNO] = "SCMP_ACT_ERRNO", [RP_SC_KILL] = "SCMP_ACT_KILL_PROCESS",
	[RP_SC_LOG] = "SCMP_ACT_LOG",
};

static struct rp_policy policy;
static struct rp_sc_rule rules[MAX_RULES];
static int emitted[MAX_RULES];

static void
put_json_string(const char *s)
{
	char out[1024];
	struct rp_buf b;
	int cut = 0;

	rp_buf_init(&b, out, sizeof(out));
	rp_buf_json(&b, s, 256, &cut);
	printf("\"%s\"", out);
}

/* Two comparisons of one argument in one rule: see the header comment. */
static int
repeats_an_argument(const struct rp_sc_rule *r)
{
	int i, j;

	for (i = 0; i < r->nargs; i++)
		for (j = i + 1; j < r->nargs; j++)
			if (r->args[i].index == r->args[j].index)
				return 1;
	return 0;
}

/* Rules with the same action, errno, comparisons and reason share one
 * entry (so each entry's "comment" is true of all its names). */
static int
same_effect(const struct rp_sc_rule *a, const struct rp_sc_rule *b)
{
	int i;

	if (a->action != b->action || a->nargs != b->nargs ||
	    strcmp(a->why ? a->why : "", b->why ? b->why : "") != 0 ||
	    (a->action == RP_SC_ERRNO && a->err != b->err))
		return 0;
	for (i = 0; i < a->nargs; i++)
		if (a->args[i].index != b->args[i].index || a->args[i].op != b->args[i].op ||
		    a->args[i].datum != b->args[i].datum ||
		    (a->args[i].op == RP_SC_MASKED_EQ && a->args[i].mask != b->args[i].mask))
			return 0;
	return 1;
}

static void
print_args(const struct rp_sc_rule *r)
{
	int i;

	fputs("\"args\":[", stdout);
	for (i = 0; i < r->nargs; i++) {
		const struct rp_sc_arg *a = &r->args[i];
		/* MASKED_EQ: value = mask, valueTwo = datum (libseccomp order) */
		unsigned long long v = a->op == RP_SC_MASKED_EQ ? a->mask : a->datum;
		unsigned long long v2 = a->op == RP_SC_MASKED_EQ ? a->datum : 0;

		printf("%s{\"index\":%u,\"value\":%llu,\"valueTwo\":%llu,\"op\":\"%s\"}",
		       i ? "," : "", a->index, v, v2, op_names[a->op]);
	}
	fputc(']', stdout);
}

/* One "syscalls" entry for rule k and every later rule with the same
 * effect (a name appears once per entry). */
static void
print_entry(size_t k, size_t n, int first)
{
	const struct rp_sc_rule *r = &rules[k];
	size_t j;
	int nn = 0;

	printf("%s\n    {\"names\":[", first ? "" : ",");
	for (j = k; j < n; j++) {
		size_t m;
		int dup = 0;

		if (emitted[j] || !same_effect(r, &rules[j]))
			continue;
		emitted[j] = 1;
		for (m = k; m < j; m++)
			dup |= emitted[m] && same_effect(r, &rules[m]) &&
			       strcmp(rules[m].name, rules[j].name) == 0;
		if (dup)
			continue;
		fputs(nn++ ? "," : "", stdout);
		put_json_string(rules[j].name);
	}
	printf("],\"action\":\"%s\",", action_names[r->action]);
	if (r->action == RP_SC_ERRNO)
		printf("\"errnoRet\":%d,", r->err);
	print_args(r);
	fputs(",\"comment\":", stdout);
	put_json_string(r->why ? r->why : "");
	fputc('}', stdout);
}

static int
note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
note(const char *fmt, ...)
{
	va_list ap;

	fputs("rampart: export-seccomp: note: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
rp_export_seccomp_main(int argc, char **argv)
{
	const char *path = RP_POLICY_DEFAULT_PATH;
	size_t n, k;
	int i, first = 1, skipped = 0, loader = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strncmp(argv[i], "--policy=", 9) == 0 && argv[i][9]) {
			path = argv[i] + 9;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			puts("usage: rampart export-seccomp [--policy FILE]\n"
			     "Writes the policy's seccomp rules as a Docker/OCI seccomp profile\n"
			     "(JSON) on stdout; what the format cannot express goes to stderr.");
			return RP_EXIT_OK;
		} else {
			fprintf(stderr, "rampart: export-seccomp: unknown option or missing value: '%s'\n",
				argv[i]);
			return RP_EXIT_FAILURE;
		}
	}
	if (rp_load_policy_lint(&policy, path) != 0)
		return RP_EXIT_FAILURE;
	n = rp_seccomp_rules(&policy, rules, MAX_RULES);
	if (n >= MAX_RULES)
		note("more than %d rules; the profile holds the first %d", MAX_RULES - 1,
		     MAX_RULES);

	for (k = 0; k < n; k++) {
		if (rp_seccomp_loader_needs(rules[k].name)) {
			emitted[k] = 1;
			loader++;
			continue;
		}
		if (repeats_an_argument(&rules[k])) {
			emitted[k] = 1;
			skipped++;
			note("%s: left out: the rule compares one argument twice, which "
			     "engines split into separate rules (an OR); the loader still "
			     "enforces it", rules[k].name);
		}
		if (seccomp_syscall_resolve_name(rules[k].name) == __NR_SCMP_ERROR)
			note("%s: unknown to libseccomp %u.%u here%s; an engine built with it "
			     "skips the name: check the engine's libseccomp knows it", rules[k].name, seccomp_version()->major,
			     seccomp_version()->minor,
			     rules[k].nr_fallback >= 0 ? " (the loader uses the number)" : "");
	}

	printf("{\n  \"defaultAction\":\"SCMP_ACT_ALLOW\",\n"
	       "  \"architectures\":[\"SCMP_ARCH_X86_64\"],\n  \"syscalls\":[");
	for (k = 0; k < n; k++)
		if (!emitted[k]) {
			print_entry(k, n, first);
			first = 0;
		}
	printf("\n  ]\n}\n");

	if (skipped)
		note("%d rule%s left out of the profile (see above)", skipped,
		     skipped == 1 ? "" : "s");
	if (loader)
		note("landlock_create_ruleset, landlock_add_rule, landlock_restrict_self are "
		     "allowed by the profile: the engine applies this profile before the loader starts, and "
		     "the loader needs them to enforce Landlock; its own filter denies them "
		     "to the app afterwards");
	note("only x86_64 is listed: the loader kills system calls of other ABIs "
	     "(i386 int $0x80, x32); the profile format has no such action, so the "
	     "engine's own bad-architecture handling applies");
	note("\"errnoRet\" needs runc >= 1.0 (Docker >= 20.10); older engines return "
	     "EPERM, and glibc then does not fall back from clone3 to clone");
	if (policy.mode == RP_MODE_AUDIT)
		note("the policy is in audit mode: rules log (SCMP_ACT_LOG) instead of denying");
	if (fflush(stdout) != 0) {
		fprintf(stderr, "rampart: export-seccomp: cannot write: %s\n", strerror(errno));
		return RP_EXIT_FAILURE;
	}
	return RP_EXIT_OK;
}
