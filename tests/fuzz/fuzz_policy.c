/* fuzz_policy.c - libFuzzer target for the policy parser.
 *
 * A policy file is the most attacker-reachable input the loader reads (a
 * hostile image can ship one), so rp_policy_load_buffer() must survive any
 * bytes, report through the diag callback only, and never hand back a
 * policy whose invariants policy.h promises do not hold.  Include lines are
 * resolved against the current directory: `make fuzz` runs this target in
 * the seed corpus directory so includes of real policies get exercised.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 150 KiB: static, not on the stack. */
static struct rp_policy pol;

static void
fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_policy: invariant broken: %s: %s\n", what,
		detail ? detail : "(null)");
	abort();
}

static void
diag(void *ctx, const char *file, int line, const char *msg)
{
	int *count = ctx;

	if (!file || !msg)
		fail("diag without file or message", msg);
	if (line < 0)
		fail("negative line number", msg);
	/* the message is one line: the loader prints it as "file:line: msg" */
	if (strchr(msg, '\n'))
		fail("newline in a diagnostic", msg);
	(*count)++;
}

static void
check_dirs(const struct rp_dir *d, int n, int max, const char *kw)
{
	char norm[RP_PATH_MAX];
	int i, j;

	if (n < 0 || n > max)
		fail("directory count out of range", kw);
	for (i = 0; i < n; i++) {
		if (!d[i].path)
			fail("NULL directory", kw);
		if (strlen(d[i].path) != d[i].len)
			fail("directory length disagrees with the string", d[i].path);
		/* policy.h: normalised, absolute, no trailing '/' */
		if (rp_path_normalize(d[i].path, norm, sizeof(norm)) != RP_PATH_OK ||
		    strcmp(norm, d[i].path) != 0)
			fail("directory is not normalised", d[i].path);
		if (d[i].loc.line <= 0 || !d[i].loc.file)
			fail("directory without a location", d[i].path);
		for (j = 0; j < i; j++)
			if (strcmp(d[i].path, d[j].path) == 0)
				fail("duplicate directory kept", d[i].path);
	}
}

static void
check_items(const struct rp_item *it, int n, int max, const char *kw)
{
	int i;

	if (n < 0 || n > max)
		fail("item count out of range", kw);
	for (i = 0; i < n; i++) {
		if (!it[i].text)
			fail("NULL item", kw);
		if (it[i].loc.line <= 0 || !it[i].loc.file)
			fail("item without a location", it[i].text);
	}
}

static void
check_policy(const struct rp_policy *p)
{
	int i;

	if (p->pool_used > sizeof(p->pool))
		fail("pool overrun", NULL);
	if (p->mode != RP_MODE_ENFORCE && p->mode != RP_MODE_AUDIT)
		fail("bad mode", NULL);
	if ((unsigned)p->landlock > RP_LANDLOCK_OFF)
		fail("bad landlock setting", NULL);
	check_dirs(p->writable, p->n_writable, RP_MAX_DIRS, "WritablePath");
	check_dirs(p->exec_writable, p->n_exec_writable, RP_MAX_EXEC_DIRS,
		   "ExecWritablePath");
	check_items(p->deny_exec, p->n_deny_exec, RP_MAX_PATTERNS, "DenyExec");
	check_items(p->deny_syscall, p->n_deny_syscall, RP_MAX_SYSCALLS, "DenySyscall");
	check_items(p->allow_syscall, p->n_allow_syscall, RP_MAX_SYSCALLS, "AllowSyscall");
	for (i = 0; i < p->n_deny_exec; i++) {
		const char *t = p->deny_exec[i].text;

		if (rp_glob_invalid(t))
			fail("invalid DenyExec pattern accepted", t);
		if (strchr(t, '/') && t[0] != '/')
			fail("relative DenyExec path accepted", t);
	}
	/* A User or Group line that parsed without error must have taken
	 * effect: a loader that silently keeps root is failing open. */
	if (p->set_at[RP_KW_USER].line && !p->user)
		fail("User accepted but not recorded", NULL);
	if (p->set_at[RP_KW_GROUP].line && !p->group)
		fail("Group accepted but not recorded", NULL);
	if ((p->keep_caps >> RP_CAP_COUNT) != 0)
		fail("capability bit beyond the known set", NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int reported = 0, errors;

	if (size > RP_MAX_FILE + 16)
		return 0;
	errors = rp_policy_load_buffer(&pol, "fuzz.policy", (const char *)data, size,
				       diag, &reported);
	if (errors < 0 || errors != reported)
		fail("error count differs from the diagnostics reported", NULL);
	if (errors == 0)
		check_policy(&pol);
	return 0;
}
