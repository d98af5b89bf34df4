/* check.c - `rampart --check`: print the effective policy, and the decision
 * for a command, without running anything. */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include "execdecide.h"
#include "rampart.h"
#include "report.h"
#include "strbuf.h"

static void
print_dirs(const char *kw, const struct rp_dir *d, int n)
{
	int i;

	for (i = 0; i < n; i++)
		printf("%-22s %s%s    # %s:%d\n", kw, d[i].path,
		       d[i].absent == ENOTDIR ? " (not a directory here)" :
		       d[i].missing ? " (missing here)" : "", d[i].loc.file, d[i].loc.line);
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
	printf("%-22s %s\n", "MemoryDenyWriteExecute", p->memory_wx ? "yes" : "no");
	printf("%-22s %s\n", "RequireNoexec", p->require_noexec ? "yes" : "no");
	printf("%-22s %s%s%s\n", "EventSink",
	       (const char *const[]){ "stderr", "file:", "socket:", "fifo:" }[p->sink],
	       p->sink_path ? p->sink_path : "", p->sink == RP_SINK_STDERR ? " (the loader's, through its relay)" : "");
}

/* --check reads the policy with RP_LOAD_LINT: a writable dir missing on
 * this machine is a warning, since a build host is not the image.  The
 * loader and the shim read it without, and refuse to run. */
static void
warn_absent_dirs(const struct rp_policy *p, struct rp_plan *plan)
{
	int i;

	for (i = 0; i < p->n_writable; i++) {
		const struct rp_dir *d = &p->writable[i];

		if (!d->absent || (d->optional && d->absent == ENOENT))
			continue;
		rp_warnings_add(&plan->warn, "WritablePath %s %s on this machine (%s:%d): the "
				"loader refuses to run unless it is a directory in the image "
				"(create it in the Dockerfile or mount a volume there) or is an "
				"OptionalWritablePath; `rampart scan ROOT` checks the image",
				d->path, d->absent == ENOENT ? "does not exist" :
				d->absent == ENOTDIR ? "is not a directory" : "cannot be read",
				d->loc.file, d->loc.line);
	}
}

/* The loader's plan: the same JSON line `rampart CMD` writes at startup,
 * with "rampart":"plan" and nothing applied.  Returns the number of steps
 * that would fail (each also on stderr, so a build log shows it). */
static int
print_plan(const struct rp_policy *p, const struct rp_options *o)
{
	static struct rp_plan plan;
	static char buf[65536];
	int i;

	rp_plan_for_check(p, o, &plan);
	warn_absent_dirs(p, &plan);
	rp_report_format(&plan, buf, sizeof(buf));
	printf("%s%s", o->json ? "" : "# loader plan\n", buf);
	fflush(stdout);
	for (i = 0; i < plan.errors.n; i++)
		fprintf(stderr, "rampart: would fail: %s\n", plan.errors.msg[i]);
	return plan.errors.n;
}

/* --json: the decision for CMD as one JSON line after the plan. */
static void
print_decision_json(const struct rp_options *o, const struct rp_exec_verdict *v,
		    const char *decision)
{
	char buf[4096];
	struct rp_buf b;
	int cut;

	rp_buf_init(&b, buf, sizeof(buf) - 2);
	rp_buf_str(&b, "{\"rampart\":\"exec\",\"cmd\":\"");
	rp_buf_json(&b, o->cmd[0], 1024, &cut);
	rp_buf_str(&b, "\",\"decision\":\"");
	rp_buf_str(&b, decision);
	rp_buf_str(&b, "\",\"rule\":");
	if (v->deny && v->rule) {
		rp_buf_char(&b, '"');
		rp_buf_json(&b, v->rule, 256, &cut);
		rp_buf_char(&b, '"');
	} else {
		rp_buf_str(&b, "null");
	}
	rp_buf_str(&b, ",\"pattern\":");
	if (v->deny && v->pattern) {
		rp_buf_char(&b, '"');
		rp_buf_json(&b, v->pattern, 1024, &cut);
		rp_buf_char(&b, '"');
	} else {
		rp_buf_str(&b, "null");
	}
	rp_buf_str(&b, ",\"resolved\":\"");
	rp_buf_json(&b, v->resolved[0] ? v->resolved : v->path[0] ? v->path : o->cmd[0],
		    1024, &cut);
	rp_buf_str(&b, "\"}");
	if (b.truncated)
		snprintf(buf, sizeof(buf), "{\"rampart\":\"exec\",\"decision\":\"%s\",\"truncated\":true}",
			 decision);
	else
		buf[b.len] = '\0';
	printf("%s\n", buf);
}

int
rp_check_main(const struct rp_policy *p, const struct rp_options *o)
{
	static struct rp_exec_verdict v;
	int errors, cannot_run;

	if (!o->json)
		print_policy(p);
	errors = print_plan(p, o);
	if (!o->cmd)
		return errors ? RP_EXIT_FAILURE : RP_EXIT_OK;
	rp_exec_decide(p, o->cmd[0], o->cmd, 1, getenv("PATH"), &v);
	/* a candidate that exists but cannot run: execvp's EACCES, 126 */
	cannot_run = v.not_found && v.err == EACCES;
	if (o->json) {
		print_decision_json(o, &v, cannot_run ? "cannot run" : v.not_found ? "not found" :
				    !v.deny ? "allowed" :
				    p->mode == RP_MODE_AUDIT ? "would be denied (audit)" : "denied");
	} else if (cannot_run) {
		printf("exec %s: cannot run (found in PATH, but not an executable file)\n",
		       o->cmd[0]);
	} else if (v.not_found) {
		printf("exec %s: not found\n", o->cmd[0]);
	} else if (!v.deny) {
		printf("exec %s: allowed (runs %s)\n", o->cmd[0],
		       v.resolved[0] ? v.resolved : o->cmd[0]);
	} else {
		printf("exec %s: %s by %s", o->cmd[0],
		       p->mode == RP_MODE_AUDIT ? "would be denied (audit)" : "denied",
		       v.rule ? v.rule : "policy");
		if (v.pattern)
			printf(" pattern '%s'", v.pattern);
		printf(" at hop %d (%s)", v.hop, v.hop_path[0] ? v.hop_path : v.path);
		if (v.resolved[0])
			printf(", final target %s", v.resolved);
		if (v.unverified)	/* deny-id that failed closed */
			printf(" (same size as that file, which cannot be read to compare)");
		printf("\n");
	}
	/* rampart's own failure first, as `rampart CMD` would meet it */
	if (errors)
		return RP_EXIT_FAILURE;
	if (cannot_run)
		return RP_EXIT_CANNOT_RUN;
	if (v.not_found)
		return RP_EXIT_NOT_FOUND;
	if (v.deny && p->mode != RP_MODE_AUDIT)
		return RP_EXIT_CANNOT_RUN;
	return RP_EXIT_OK;
}
