/* run.c - the loader: confine, then exec the command.
 *
 * The order is fixed (docs/threat-model.md, "The layers"; rampart(1)):
 *   1. resolve the command, the shim, User/Group; build the Landlock
 *      ruleset while every path is still visible;
 *   2. close inherited fds;
 *   3. no core dumps;
 *   4. groups, gid, uid; capabilities down to KeepCapability;
 *   5. no_new_privs;
 *   6. Landlock restrict_self;
 *   7. seccomp, last (it denies the landlock_* calls step 6 needs);
 *   8. LD_PRELOAD=shim first, RAMPART_POLICY, no LD_AUDIT; report; execve.
 * Every failure names its step and exits 125 before the command runs: the
 * command never runs less confined than the policy says, except where the
 * policy itself allows it (Landlock best-effort/off, audit mode).
 */
#include "rampart.h"	/* declares rp_run_main */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "execdecide.h"
#include "fprint.h"
#include "landlock.h"
#include "plan.h"
#include "preload.h"
#include "privs.h"
#include "probes.h"
#include "rawsys.h"
#include "relay.h"
#include "report.h"
#include "rules.h"
#include "syscall_rules.h"

extern char **environ;

/* LD_PRELOAD with the shim first ("an earlier entry in LD_PRELOAD wins
 * symbol lookup": docs/threat-model.md, R23); other entries are kept
 * (core/preload.h; clean_code_env below removes those beneath a writable
 * dir).  A list too long for the buffer is an error, not a cut. */
static int
set_preload(const char *shim)
{
	char buf[8192];

	if (rp_preload_compose(buf, sizeof(buf), shim, getenv("LD_PRELOAD"), NULL, NULL) < 0)
		return -1;
	return setenv("LD_PRELOAD", buf, 1);
}

/* Loader variables of the command whose entries name code: an entry
 * beneath a writable dir (not an ExecWritablePath) is removed, not the
 * variable, and said in the startup report; --audit keeps it and says so.
 * The command's ld.so reads LD_PRELOAD and LD_LIBRARY_PATH before the shim
 * runs, so only the loader can clean them for the command itself (the shim
 * does it for every later exec).  docs/threat-model.md, "Code loading". */
static void
clean_code_env(struct rp_plan *plan, const struct rp_policy *p, int audit)
{
	static const char *const vars[] = { "LD_PRELOAD", "LD_LIBRARY_PATH", "GCONV_PATH" };
	size_t v;

	for (v = 0; v < sizeof(vars) / sizeof(vars[0]); v++) {
		const char *old = getenv(vars[v]);
		char copy[8192], buf[8192], abs[PATH_MAX], real[PATH_MAX];
		char *save = NULL, *tok;
		size_t len = 0;
		int removed = 0;

		if (!old || strlen(old) >= sizeof(copy))
			continue;
		snprintf(copy, sizeof(copy), "%s", old);
		buf[0] = '\0';
		for (tok = strtok_r(copy, v ? ":" : ": ", &save); tok;
		     tok = strtok_r(NULL, v ? ":" : ": ", &save)) {
			int w = -1;

			/* a bare LD_PRELOAD name is searched in the library path */
			if (v || strchr(tok, '/')) {
				char cwd[PATH_MAX];

				if (rp_path_lexical(getcwd(cwd, sizeof(cwd)) ? cwd : "/", tok, abs,
						    sizeof(abs)) == 0)
					w = rp_exec_wx_dir(p, abs);
				if (w < 0 && realpath(tok, real))
					w = rp_exec_wx_dir(p, real);
			}
			if (w >= 0) {
				rp_warnings_add(&plan->warn, "%s entry %s is beneath the writable dir %s: %s",
						vars[v], tok, p->writable[w].path,
						audit ? "kept (audit)" : "removed");
				if (!audit) {
					removed = 1;
					continue;
				}
			}
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? ":" : "", tok);
		}
		if (!removed)
			continue;
		if (buf[0])
			setenv(vars[v], buf, 1);
		else
			unsetenv(vars[v]);
	}
}

/* MemoryDenyWriteExecute yes (the systemd semantics, systemd.exec(5)):
 * no mapping may be writable and executable at once, nor become
 * executable after it was writable.  Linux 6.3+ does exactly that for the
 * process and everything it runs (PR_SET_MDWE with
 * PR_MDWE_REFUSE_EXEC_GAIN, mm/mmap.c and mm/mprotect.c,
 * map_deny_write_exec; kept across execve and fork).  An older kernel gets
 * seccomp rules on mmap, mprotect and pkey_mprotect with PROT_WRITE and
 * PROT_EXEC together, which stop the first half only: write, then
 * mprotect to PROT_EXEC, still passes there.  Audit mode applies nothing
 * (neither has a permissive mode).  Returns the new rule count. */
#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif

static size_t
memory_wx(struct rp_plan *plan, const struct rp_policy *p, int audit, struct rp_sc_rule *rules,
	  size_t n)
{
	static const char *const calls[] = { "mmap", "mprotect", "pkey_mprotect" };
	const uint64_t wx = PROT_WRITE | PROT_EXEC;
	size_t i;

	if (!p->memory_wx)
		return n;
	if (audit) {
		plan->memory_wx = "not applied (audit mode)";
		return n;
	}
	if (rp_raw5(SYS_prctl, PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) == 0) {
		plan->memory_wx = "enforced (PR_SET_MDWE)";
		return n;
	}
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]) && n < RP_SC_MAX_RULES; i++) {
		struct rp_sc_rule r = { calls[i], -1, RP_SC_ERRNO, EACCES, 1,
					{ { 2, RP_SC_MASKED_EQ, wx, wx } },
					"MemoryDenyWriteExecute: writable and executable at once" };

		rules[n++] = r;
	}
	plan->memory_wx = "seccomp (write+exec at once only: the kernel has no PR_SET_MDWE)";
	return n;
}

static const char hint_seccomp[] =
	"Hint: the kernel needs CONFIG_SECCOMP_FILTER (and no seccomp=0 boot option).";

/* 1 if this process can open `path` for reading now. */
static int
readable(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

int
rp_run_main(struct rp_policy *p, const struct rp_options *o)
{
	static struct rp_plan plan;
	static struct rp_ll ll;
	static struct rp_sc_rule rules[RP_SC_MAX_RULES];
	static struct rp_exec_verdict verdict;
	static char fprints[RP_FPRINT_ENV_MAX];
	char prog[PATH_MAX], shim[PATH_MAX], policy_abs[PATH_MAX], err[2 * PATH_MAX];
	int strict = p->landlock == RP_LANDLOCK_STRICT;
	int audit = p->mode == RP_MODE_AUDIT;
	struct rp_ids ids;
	struct stat st;
	size_t nrules;
	int r;

	rp_plan_init(&plan, p);
	plan.applied = 1;
	rp_phase_end(RP_PH_PARSE);

	/* 1. Everything that needs the full view of the file system. */
	r = rp_find_command(o->cmd[0], getenv("PATH"), prog, sizeof(prog));
	if (r < 0)
		rp_loader_fail(rp_exit_for_errno(-r), o->cmd[0], rp_exit_for_errno(-r) == RP_EXIT_NOT_FOUND ?
		     "command not found" : strerror(-r), NULL);
	plan.command = prog;
	/* The fingerprints first: they build the identity table of denied
	 * files for this PATH (as the app's shim will), and the decision
	 * below, with the same policy and PATH, uses that table rather than
	 * listing the PATH dirs again (execids.c builds it once per policy). */
	rp_plan_fingerprints(&plan, p, fprints, sizeof(fprints));
	rp_phase_end(RP_PH_FINGERPRINTS);
	/* PATH also names the dirs whose denied files the identity check
	 * records, as for --check and the app's shim */
	if (rp_exec_decide(p, prog, o->cmd, 0, getenv("PATH"), &verdict)) {
		const char *rule = verdict.rule ? verdict.rule : "policy";

		if (strcmp(rule, RP_RULE(WX)) == 0)
			snprintf(err, sizeof(err), "denied: %s lies beneath writable path '%s' (W^X)",
				 verdict.resolved[0] ? verdict.resolved : prog,
				 verdict.pattern ? verdict.pattern : "?");
		else
			snprintf(err, sizeof(err), "denied by %s%s%s%s",
				 strcmp(rule, RP_RULE(DENY_EXEC)) == 0 ? "DenyExec" : rule,
				 verdict.pattern ? " pattern '" : "",
				 verdict.pattern ? verdict.pattern : "", verdict.pattern ? "'" : "");
		/* audit mode runs it, and the report says what enforce would do */
		if (!audit)
			rp_loader_fail(RP_EXIT_CANNOT_RUN, o->cmd[0], err, NULL);
		rp_warnings_add(&plan.warn, "audit: the command would be %s", err);
	}
	rp_phase_end(RP_PH_DECIDE);
	r = rp_find_shim(o->shim_path, shim, sizeof(shim));
	if (r == -EINVAL)
		rp_loader_fail(RP_EXIT_FAILURE, "shim", "--shim must be an absolute path", NULL);
	if (r < 0) {
		snprintf(err, sizeof(err), "librampart.so not found (looked for %s); use --shim PATH", shim);
		rp_loader_fail(RP_EXIT_FAILURE, "shim", err, NULL);
	}
	if (rp_plan_shim_check(&plan, p, shim, audit || o->audit, err, sizeof(err)))
		rp_loader_fail(RP_EXIT_FAILURE, "shim", err, NULL);
	plan.shim = shim;
	if (!realpath(p->source, policy_abs))
		rp_loader_fail(RP_EXIT_FAILURE, "policy", strerror(errno), NULL);
	plan.policy = policy_abs;
	if (rp_privs_resolve(p, &ids, err, sizeof(err)) != 0)
		rp_loader_fail(RP_EXIT_FAILURE, "user", err, NULL);
	/* docs/threat-model.md, R6 (b): an owner may chmod 000 the shim. */
	if (stat(shim, &st) == 0 && ids.uid != 0 && st.st_uid == ids.uid)
		rp_warnings_add(&plan.warn, "the shim %s is owned by the app's uid %u: it could make it unreadable",
				shim, (unsigned)ids.uid);
	rp_phase_end(RP_PH_RESOLVE);
	rp_landlock_probe(&ll);
	rp_plan_check_abi_cap(&ll);
	if (rp_plan_landlock_skip(p)) {
		plan.landlock_state = rp_plan_landlock_skip(p);
		rp_warnings_add(&plan.warn, "Landlock %s", plan.landlock_state);
	} else if (ll.abi == 0) {
		snprintf(err, sizeof(err), "unavailable: %s", strerror(ll.probe_errno));
		if (strict)
			rp_loader_fail(RP_EXIT_FAILURE, "landlock", err, ll.probe_errno == EPERM ?
			     rp_hint_landlock_seccomp : rp_hint_landlock);
		plan.landlock_state = "unavailable (best-effort)";
		rp_warnings_add(&plan.warn, "kernel without Landlock: no kernel-level file policy");
	} else if (rp_landlock_build(&ll, p, getenv("PATH")) != 0) {
		if (strict)
			rp_loader_fail(RP_EXIT_FAILURE, "landlock", ll.error, rp_landlock_eperm_hint(ll.error, NULL));
		plan.landlock_state = "not applied (ruleset failed, best-effort)";
		rp_warnings_add(&plan.warn, "landlock: %s", ll.error);
	}
	rp_phase_end(RP_PH_LANDLOCK);

	/* 2. Nothing inherited stays open: Landlock does not govern fds opened
	 * before it (landlock.7).  Only the ruleset survives. */
	r = rp_privs_close_fds(&ll.ruleset_fd, ll.ruleset_fd >= 0 ? 1 : 0);
	if (r < 0)
		rp_loader_fail(RP_EXIT_FAILURE, "close inherited fds", strerror(-r), NULL);

	/* 3. Core dumps of a process handling sensitive data are a leak. */
	if (!p->core_dumps && rp_privs_no_core(err, sizeof(err)) != 0)
		rp_loader_fail(RP_EXIT_FAILURE, "core dumps", err, NULL);
	rp_phase_end(RP_PH_FDS);

	/* 4. Identity and capabilities. */
	if (rp_privs_drop(&ids, p->keep_caps, &plan.caps_kept, err, sizeof(err), &plan.warn) != 0)
		rp_loader_fail(RP_EXIT_FAILURE, "capabilities", err, NULL);
	plan.uid = getuid();
	plan.gid = getgid();
	rp_phase_end(RP_PH_PRIVS);
	rp_plan_warn_common(&plan, p, plan.uid);
	if (p->require_noexec && plan.errors.n)
		rp_loader_fail(RP_EXIT_FAILURE, "mounts", plan.errors.msg[0],
		     "hint: mount the writable dirs noexec (docker run --tmpfs DIR:noexec, "
		     "a volume with noexec), or set RequireNoexec no");
	rp_phase_end(RP_PH_WARN);

	/* 5. no_new_privs: setuid bits and file capabilities give nothing
	 * (docs/threat-model.md, R18); Landlock needs it without CAP_SYS_ADMIN. */
	if (rp_privs_nnp(err, sizeof(err)) != 0)
		rp_loader_fail(RP_EXIT_FAILURE, "no_new_privs", err, NULL);
	plan.nnp = 1;

	/* 6. Landlock. */
	if (ll.ruleset_fd >= 0) {
		if (rp_landlock_restrict(&ll) != 0) {
			if (strict)
				rp_loader_fail(RP_EXIT_FAILURE, "landlock", ll.error,
				     rp_landlock_eperm_hint(ll.error, rp_hint_landlock));
			rp_warnings_add(&plan.warn, "landlock: %s", ll.error);
			plan.landlock_state = "not applied (restrict failed, best-effort)";
		} else {
			plan.landlock_state = "enforced";
		}
	}
	rp_plan_landlock(&plan, &ll);
	rp_phase_end(RP_PH_RESTRICT);

	/* The app must be able to load the shim and read the policy with the
	 * identity and the Landlock domain it now has: ld.so skips a preload
	 * it cannot open ("cannot be preloaded ... ignored") and runs the app
	 * without it, and a shim that cannot read its policy denies every
	 * write.  Neither may happen silently.  open, not access: Landlock
	 * governs opens, not access(2). */
	if (!readable(shim)) {
		snprintf(err, sizeof(err), "%s is not readable by uid %u (%s): install it "
			 "world-readable in directories the user can traverse",
			 shim, (unsigned)geteuid(), strerror(errno));
		rp_loader_fail(RP_EXIT_FAILURE, "shim", err, NULL);
	}
	if (!readable(policy_abs)) {
		snprintf(err, sizeof(err), "%s is not readable by uid %u (%s): the shim "
			 "would deny every write", policy_abs, (unsigned)geteuid(), strerror(errno));
		rp_loader_fail(RP_EXIT_FAILURE, "policy", err, NULL);
	}
	rp_phase_end(RP_PH_CHECKS);

	/* 7. seccomp, last (memory W^X may add to its rules). */
	nrules = rp_seccomp_rules_abi(p, ll.applied ? ll.abi : 0, rules, RP_SC_MAX_RULES);
	nrules = memory_wx(&plan, p, audit || o->audit, rules, nrules);
	if (rp_seccomp_install(rules, nrules, &plan.seccomp_rules, err, sizeof(err)) != 0)
		rp_loader_fail(RP_EXIT_FAILURE, "seccomp", err, hint_seccomp);
	plan.seccomp_state = audit ? "installed (log only)" : "enforced";
	rp_phase_end(RP_PH_SECCOMP);

	/* 7b. Each layer answers for itself (probes.c); then the event relay
	 * (relay.c), last, so that it runs as confined as the app. */
	if (rp_probes_run(p, &plan, err, sizeof(err)) != 0)
		rp_loader_fail(RP_EXIT_FAILURE, "probes", err, NULL);
	if (rp_relay_start(p, err, sizeof(err)) != 0)
		rp_loader_fail(RP_EXIT_FAILURE, "events", err, NULL);

	/* 8. The shim, then the command itself (no extra process: signals and
	 * the exit status are the command's own). */
	if (set_preload(shim) != 0 || setenv(RP_POLICY_ENV, policy_abs, 1) != 0)
		rp_loader_fail(RP_EXIT_FAILURE, "environment", "cannot set LD_PRELOAD/RAMPART_POLICY", NULL);
	unsetenv("LD_AUDIT");
	clean_code_env(&plan, p, audit || o->audit);
	/* Only the fingerprints taken above: an inherited list would tell the
	 * shim what the withheld files look like. */
	if (fprints[0] ? setenv(RP_FPRINT_ENV, fprints, 1) != 0 : unsetenv(RP_FPRINT_ENV) != 0)
		rp_loader_fail(RP_EXIT_FAILURE, "environment", "cannot set " RP_FPRINT_ENV, NULL);
	/* Only --audit may put the shim in audit mode: an inherited
	 * RAMPART_MODE (from the image or the orchestrator) must not weaken
	 * an enforce policy unnoticed. */
	if (o->audit)
		setenv(RP_MODE_ENV, "audit", 1);
	else
		unsetenv(RP_MODE_ENV);
	rp_phase_end(RP_PH_ENV);
	rp_report_emit(&plan);
	/* A raw execve: when the image preloads the shim into rampart itself
	 * (LD_PRELOAD in its environment, /etc/ld.so.preload), libc's execve
	 * is the shim's wrapper, which would put back the RAMPART_POLICY and
	 * RAMPART_MODE that shim instance started with (its sticky
	 * environment) over the ones set above, and judge the exec by that
	 * other policy.  The decision was made in step 1, by this policy. */
	r = (int)-rp_raw3(SYS_execve, (long)prog, (long)o->cmd, (long)environ);
	snprintf(err, sizeof(err), "cannot execute %s: %s", prog, strerror(r));
	rp_loader_fail(rp_exit_for_errno(r), o->cmd[0], err, NULL);
}
