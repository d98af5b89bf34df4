/* check.c - `rampart --check`: print the effective policy, and the decision
 * for a command, without running anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "execdecide.h"
#include "rampart.h"
#include "report.h"

static void
print_dirs(const char *kw, const struct rp_dir *d, int n)
{
	int i;

	for (i = 0; i < n; i++)
		printf("%-22s %s%s    # %s:%d\n", kw, d[i].path,
		       d[i].missing ? " (missing)" : "", d[i].loc.file, d[i].loc.line);
}

static void
print_items(const char *kw, const struct rp_item *it, int n)
{
	int i;

	for (i = 0; i < n; i++)
		printf("%-22s %s    # %s:%d\n", kw, it[i].text, it[i].loc.file, it[i].loc.line);
}

static void
print_policy(const struct rp_policy *p)
{
	static const char *const ll[] = { "strict", "best-effort", "off" };
	int i;

	printf("# effective policy from %s\n", p->source);
	printf("%-22s %s\n", "Mode", p->mode == RP_MODE_AUDIT ? "audit" : "enforce");
	print_dirs("WritablePath", p->writable, p->n_writable);
	print_dirs("ExecWritablePath", p->exec_writable, p->n_exec_writable);
	print_items("DenyExec", p->deny_exec, p->n_deny_exec);
	printf("%-22s %s\n", "MemfdExec", p->memfd_exec ? "allow" : "deny");
	printf("%-22s %s\n", "User", p->user ? p->user : "(unchanged)");
	printf("%-22s %s\n", "Group", p->group ? p->group : "(user's group)");
	printf("%-22s", "KeepCapability");
	if (!p->keep_caps)
		printf(" (none)");
	for (i = 0; i < RP_CAP_COUNT; i++)
		if (p->keep_caps & (1ULL << i))
			printf(" CAP_%s", rp_cap_names[i]);
	printf("\n");
	print_items("DenySyscall", p->deny_syscall, p->n_deny_syscall);
	print_items("AllowSyscall", p->allow_syscall, p->n_allow_syscall);
	printf("%-22s %s\n", "Landlock", ll[p->landlock]);
	printf("%-22s %s\n", "CoreDumps", p->core_dumps ? "yes" : "no");
	printf("%-22s %s\n", "Log", p->log == RP_LOG_NONE ? "none" : "stderr");
}

/* The loader's plan: the same JSON line `rampart CMD` writes at startup,
 * with "rampart":"plan" and nothing applied. */
static void
print_plan(const struct rp_policy *p, const struct rp_options *o)
{
	static struct rp_plan plan;
	char buf[8192];

	rp_plan_for_check(p, o, &plan);
	rp_report_format(&plan, buf, sizeof(buf));
	printf("# loader plan\n%s", buf);
	fflush(stdout);
}

int
rp_check_main(const struct rp_policy *p, const struct rp_options *o)
{
	static struct rp_exec_verdict v;

	print_policy(p);
	print_plan(p, o);
	if (!o->cmd)
		return RP_EXIT_OK;
	rp_exec_decide(p, o->cmd[0], o->cmd, 1, getenv("PATH"), &v);
	if (v.not_found) {
		printf("exec %s: not found\n", o->cmd[0]);
		return RP_EXIT_NOT_FOUND;
	}
	if (!v.deny) {
		printf("exec %s: allowed (runs %s)\n", o->cmd[0],
		       v.resolved[0] ? v.resolved : o->cmd[0]);
		return RP_EXIT_OK;
	}
	printf("exec %s: %s by %s", o->cmd[0],
	       p->mode == RP_MODE_AUDIT ? "would be denied (audit)" : "denied",
	       v.rule ? v.rule : "policy");
	if (v.pattern)
		printf(" pattern '%s'", v.pattern);
	printf(" at hop %d (%s)", v.hop, v.hop_path);
	if (v.resolved[0])
		printf(", final target %s", v.resolved);
	printf("\n");
	return p->mode == RP_MODE_AUDIT ? RP_EXIT_OK : RP_EXIT_CANNOT_RUN;
}
