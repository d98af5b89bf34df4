/* check.c - `rampart --check`: print the effective policy, and the decision
 * for a command, without running anything. */
#include "rampart.h"

#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "execdecide.h"
#include "moderule.h"
#include "plan.h"
#include "relay.h"
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

/* One line (or one per value) for each keyword of keywords.h, in its
 * order.  The switch has no default: a keyword added to the table without
 * a case here does not compile (-Wswitch), so --check prints every
 * keyword the parser knows. */
static void
print_keyword(const struct rp_policy *p, enum rp_keyword k)
{
	static const char *const ll[] = { "strict", "best-effort", "off" };
	const char *kw = rp_keyword_table[k].name;
	int i;

	switch (k) {
	case RP_KW_MODE:
		printf("%-22s %s\n", kw, p->mode == RP_MODE_AUDIT ? "audit" : "enforce");
		break;
	case RP_KW_WRITABLE:
		print_dirs(kw, p->writable, p->n_writable);
		break;
	case RP_KW_OPT_WRITABLE:	/* listed with WritablePath (the dirs are one list) */
	case RP_KW_INCLUDE:		/* its directives are in the effective policy */
		break;
	case RP_KW_EXEC_WRITABLE:
		print_dirs(kw, p->exec_writable, p->n_exec_writable);
		break;
	case RP_KW_DENY_EXEC:
		print_items(kw, p->deny_exec, p->n_deny_exec);
		break;
	case RP_KW_MEMFD_EXEC:
		printf("%-22s %s\n", kw, p->memfd_exec ? "allow" : "deny");
		break;
	case RP_KW_USER:
		printf("%-22s %s\n", kw, p->user ? p->user : "(unchanged)");
		break;
	case RP_KW_GROUP:
		printf("%-22s %s\n", kw, p->group ? p->group : "(user's group)");
		break;
	case RP_KW_KEEP_CAP:
		printf("%-22s", kw);
		if (!p->keep_caps)
			printf(" (none)");
		for (i = 0; i < RP_CAP_COUNT; i++)
			if (p->keep_caps & (1ULL << i))
				printf(" CAP_%s", rp_cap_names[i]);
		printf("\n");
		break;
	case RP_KW_DENY_SYSCALL:
		print_items(kw, p->deny_syscall, p->n_deny_syscall);
		break;
	case RP_KW_ALLOW_SYSCALL:
		print_items(kw, p->allow_syscall, p->n_allow_syscall);
		break;
	case RP_KW_LANDLOCK:
		printf("%-22s %s\n", kw, ll[p->landlock]);
		break;
	case RP_KW_CORE_DUMPS:
		printf("%-22s %s\n", kw, p->core_dumps ? "yes" : "no");
		break;
	case RP_KW_LOG:
		printf("%-22s %s\n", kw, p->log == RP_LOG_NONE ? "none" : "stderr");
		break;
	case RP_KW_MEMORY_WX:
		printf("%-22s %s\n", kw, p->memory_wx ? "yes" : "no");
		break;
	case RP_KW_REQUIRE_NOEXEC:
		printf("%-22s %s\n", kw, p->require_noexec ? "yes" : "no");
		break;
	case RP_KW_EVENT_SINK:
		printf("%-22s %s%s%s\n", kw,
		       (const char *const[]){ "stderr", "file:", "socket:", "fifo:" }[p->sink],
		       p->sink_path ? p->sink_path : "",
		       p->sink == RP_SINK_STDERR ? " (the loader's, through its relay)" : "");
		break;
	case RP_KW_COUNT:
		break;
	}
}

static void
print_policy(const struct rp_policy *p)
{
	int k;

	printf("# effective policy from %s\n", p->source);
	for (k = 0; k < RP_KW_COUNT; k++)
		print_keyword(p, (enum rp_keyword)k);
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
	char err[512];
	int i;

	rp_plan_for_check(p, o, &plan);
	warn_absent_dirs(p, &plan);
	/* the run refuses it (exit 125) just before the exec, as step 7b */
	if (rp_relay_sink_check(p, err, sizeof(err)) != 0)
		rp_warnings_add(&plan.errors, "events: %s", err);
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

/* Whether execve could run `path` at all: a regular file with an exec
 * bit (fs/exec.c do_open_execat and the permission check; a directory or
 * a file without x bits fails with EACCES).  Named by path, the loader
 * finds such a file and then fails at execve; PATH search skips it. */
static int
runnable(const char *path)
{
	struct stat st;

	return stat(path, &st) != 0 || rp_mode_exec_file(st.st_mode);
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
	/* a candidate that exists but cannot run (execvp's EACCES): 126, as
	 * the loader would exit */
	cannot_run = v.not_found && rp_exit_for_errno(v.err) == RP_EXIT_CANNOT_RUN;
	if (!v.not_found && !v.deny && !runnable(v.resolved[0] ? v.resolved : v.path)) {
		/* allowed, but execve would fail with EACCES: 126 */
		v.not_found = 1;
		v.err = EACCES;
		cannot_run = 1;
	}
	if (o->json) {
		print_decision_json(o, &v, cannot_run ? "cannot run" : v.not_found ? "not found" :
				    !v.deny ? "allowed" :
				    p->mode == RP_MODE_AUDIT ? "would be denied (audit)" : "denied");
	} else if (cannot_run) {
		printf("exec %s: cannot run (not an executable file)\n",
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
