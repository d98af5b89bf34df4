/* plan.c - the plan: what the loader will do (or, for --check, would do)
 * on this machine, and the lookups and messages both paths share.  The run
 * (run.c) and --check (check.c through rp_plan_for_check) compute it with
 * the same functions, so the plan --check prints is the one the loader
 * follows.
 */
#include "plan.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "execdecide.h"
#include "fprint.h"
#include "privs.h"
#include "syscall_rules.h"

const char rp_hint_landlock[] =
	"Hint: this kernel has no usable Landlock (ENOSYS: built without "
	"CONFIG_SECURITY_LANDLOCK; EOPNOTSUPP: add \"landlock\" to the lsm= boot "
	"parameter), or set \"Landlock best-effort\" in the policy to run without it.";
/* The kernel answers the version query with the ABI, ENOSYS or
 * EOPNOTSUPP (security/landlock/syscalls.c); EPERM comes from a seccomp
 * filter installed before the loader, such as a container runtime's
 * profile.  Best-effort would then drop Landlock unnoticed: say what to
 * change in the profile instead. */
const char rp_hint_landlock_seccomp[] =
	"Hint: a seccomp filter installed before rampart (the container's seccomp "
	"profile) denies landlock_*: run with the profile `rampart export-seccomp` "
	"writes, or allow landlock_create_ruleset, landlock_add_rule and "
	"landlock_restrict_self in the profile (rampart's own filter denies them "
	"to the app).";
/* landlock_add_rule and landlock_restrict_self (after no_new_privs) never
 * answer EPERM themselves either (landlock_add_rule(2),
 * landlock_restrict_self(2)): an EPERM there is a seccomp filter too. */
const char *
rp_landlock_eperm_hint(const char *error, const char *otherwise)
{
	return strstr(error, strerror(EPERM)) ? rp_hint_landlock_seccomp : otherwise;
}

void __attribute__((noreturn))
rp_loader_fail(int status, const char *step, const char *reason, const char *hint)
{
	fprintf(stderr, "rampart: %s: %s\n", step, reason);
	if (hint)
		fprintf(stderr, "%s\n", hint);
	exit(status);
}

/* A shim beneath a writable dir (an ExecWritablePath is one too) could
 * be replaced by the app, and every process it starts would preload the
 * replacement.  Returns 1 when that refuses the run: the reason is then
 * in plan->errors and in `why`; audit mode puts it in plan->warn and
 * returns 0.  The run exits 125 on it, --check says it would. */
int
rp_plan_shim_check(struct rp_plan *plan, const struct rp_policy *p, const char *shim, int audit,
		   char *why, size_t whysz)
{
	char norm[PATH_MAX], real[PATH_MAX];
	int w = -1;

	if (rp_path_lexical(NULL, shim, norm, sizeof(norm)) == 0)
		w = rp_policy_writable_index(p, norm, strlen(norm));
	if (w < 0 && realpath(shim, real))
		w = rp_policy_writable_index(p, real, strlen(real));
	if (w < 0)
		return 0;
	snprintf(why, whysz, "%s is beneath the writable dir %s: the app could replace it; "
		 "install rampart outside the writable dirs (make install), or give --shim PATH",
		 shim, p->writable[w].path);
	rp_warnings_add(audit ? &plan->warn : &plan->errors, "shim: %s", why);
	return !audit;
}

/* The command as the exec decision finds it: execvp's search, the one in
 * execdecide.c (same default PATH, same rules). */
int
rp_find_command(const char *cmd, const char *pathenv, char *out, size_t outsz)
{
	int err;

	if (strchr(cmd, '/')) {
		struct stat st;

		snprintf(out, outsz, "%s", cmd);
		if (stat(cmd, &st) != 0)
			return -errno;
		return 0;
	}
	if (!cmd[0])
		return -ENOENT;
	return rp_exec_search_path(cmd, pathenv, out, outsz, &err) ? 0 : -err;
}

/* librampart.so beside the loader, or ../lib/rampart/ (installed layout). */
int
rp_find_shim(const char *given, char *out, size_t outsz)
{
	char self[PATH_MAX];
	ssize_t n;
	char *slash;
	struct stat st;

	if (given) {
		if (given[0] != '/')
			return -EINVAL;
		snprintf(out, outsz, "%s", given);
		return stat(out, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -ENOENT;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -errno;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	if ((size_t)snprintf(out, outsz, "%s/librampart.so", self) < outsz &&
	    stat(out, &st) == 0 && S_ISREG(st.st_mode))
		return 0;
	if ((size_t)snprintf(out, outsz, "%s/../lib/rampart/librampart.so", self) < outsz &&
	    stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
		char canon[PATH_MAX];

		if (realpath(out, canon))
			snprintf(out, outsz, "%s", canon);
		return 0;
	}
	if ((size_t)snprintf(out, outsz, "%s/librampart.so or %s/../lib/rampart/librampart.so",
			     self, self) >= outsz)
		return -ENAMETOOLONG;
	return -ENOENT;
}

const char *
rp_plan_landlock_skip(const struct rp_policy *p)
{
	if (p->mode == RP_MODE_AUDIT)
		return "not applied (audit mode: Landlock has no permissive mode)";
	if (p->landlock == RP_LANDLOCK_OFF)
		return "off (policy)";
	return NULL;
}

void
rp_plan_init(struct rp_plan *plan, const struct rp_policy *p)
{
	memset(plan, 0, sizeof(*plan));
	plan->audit = p->mode == RP_MODE_AUDIT;
	plan->user = p->user;
	plan->caps_kept = p->keep_caps;
	plan->core_dumps = p->core_dumps;
	plan->memory_wx = !p->memory_wx ? "off" : plan->audit ? "not applied (audit mode)" :
			  "would be enforced";
	plan->policy = p->source;
	plan->landlock_build_us = -1;
	plan->fingerprint_us = -1;
	plan->seccomp_action = plan->audit ? "log" : "errno";
}

void
rp_plan_landlock(struct rp_plan *plan, const struct rp_ll *ll)
{
	plan->landlock_abi = ll->abi;
	plan->landlock_handled = ll->handled;
	plan->landlock_rules = ll->rules;
	plan->landlock_withheld = ll->withheld;
	plan->landlock_abi_kernel = ll->abi_kernel;
	plan->landlock_abi_capped = ll->abi_capped;
	if (ll->rules)
		plan->landlock_build_us = ll->build_us;
}

/* An invalid RAMPART_LANDLOCK_ABI_MAX is a setup error, whatever the
 * policy says about Landlock. */
void
rp_plan_check_abi_cap(const struct rp_ll *ll)
{
	if (ll->cap_error[0])
		rp_loader_fail(RP_EXIT_FAILURE, ll->cap_var, ll->cap_error, NULL);
}

/* The fingerprints of the files the shim's identity check compares with
 * (execdecide.c), taken while they can still be read: Landlock withholds
 * READ_FILE from them, and the app's shim must still know a renamed copy
 * (fprint.h).  Into `out` as RAMPART_DENY_IDS's value. */
void
rp_plan_fingerprints(struct rp_plan *plan, const struct rp_policy *p, char *out, size_t cap)
{
	struct timespec t0, t1;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = rp_exec_fingerprints(p, getenv("PATH"), out, cap, &plan->fingerprints);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (r != 0)
		rp_loader_fail(RP_EXIT_FAILURE, "fingerprints", strerror(-r), NULL);
	plan->fingerprint_us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
}

/* Mount point and options of the mount holding each writable dir
 * (longest match in /proc/self/mountinfo: fields 5 and 6, proc(5)), in
 * one pass over the file whatever the number of dirs. */
static char dir_mnt[RP_MAX_DIRS][PATH_MAX];
static char dir_opts[RP_MAX_DIRS][256];

static void
mounts_of_writable(const struct rp_policy *p)
{
	FILE *m = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[PATH_MAX], o[256];
	size_t bestlen[RP_MAX_DIRS] = { 0 };
	int i;

	for (i = 0; i < p->n_writable; i++)
		dir_mnt[i][0] = dir_opts[i][0] = '\0';
	if (!m)
		return;
	while (fgets(line, sizeof(line), m)) {
		size_t ml;

		if (sscanf(line, "%*s %*s %*s %*s %4095s %255s", mnt, o) != 2)
			continue;
		ml = strlen(mnt);
		for (i = 0; i < p->n_writable; i++)
			if (!p->writable[i].missing &&
			    rp_path_beneath(p->writable[i].path, p->writable[i].len, mnt, ml) &&
			    ml >= bestlen[i]) {
				bestlen[i] = ml;
				snprintf(dir_mnt[i], sizeof(dir_mnt[i]), "%s", mnt);
				snprintf(dir_opts[i], sizeof(dir_opts[i]), "%s", o);
			}
	}
	fclose(m);
}

void
rp_plan_warn_common(struct rp_plan *plan, const struct rp_policy *p, uid_t app_uid)
{
	int i;

	if (app_uid == 0)
		rp_warnings_add(&plan->warn, "the command runs as root (set User in the policy)");
	/* A writable dir on an exec-capable mount still lets `ld.so FILE` run
	 * what was written there (docs/threat-model.md, R7; on a noexec mount
	 * ld.so fails to map it). */
	mounts_of_writable(p);
	for (i = 0; i < p->n_writable; i++) {
		if (p->writable[i].missing)
			continue;
		if (strstr(dir_opts[i], "noexec"))
			continue;
		/* RequireNoexec yes: a reason not to start (run and --check) */
		if (p->require_noexec)
			rp_warnings_add(&plan->errors, "writable dir %s is not on a noexec "
					"mount (%s) and the policy says RequireNoexec yes",
					p->writable[i].path, dir_mnt[i][0] ? dir_mnt[i] : "?");
		else
			rp_warnings_add(&plan->warn, "writable dir %s is not on a noexec mount (%s): "
					"mount a noexec tmpfs or volume there (docker run --tmpfs "
					"%s:noexec, compose tmpfs:), so that `ld.so FILE` cannot run "
					"what is written", p->writable[i].path,
					dir_mnt[i][0] ? dir_mnt[i] : "?", p->writable[i].path);
	}
}

/* Whether step 6 would pass here: a child sets no_new_privs and enforces
 * the ruleset on itself, so --check stays unconfined.  0 only for the
 * EPERM of a seccomp filter around this process. */
static int
restrict_would_work(struct rp_ll *ll)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 1;	/* cannot tell: not an error of the plan */
	if (pid == 0) {
		char err[256];

		if (rp_privs_nnp(err, sizeof(err)) != 0)
			_exit(0);
		_exit(rp_landlock_restrict(ll) != 0 && strstr(ll->error, strerror(EPERM)) ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 1);
}

/* --check: the plan, nothing applied (check.c prints it).  What would
 * make the loader stop with 125 whatever the kernel goes to plan->errors:
 * an unknown user or group, no shim, an unknown DenySyscall name.  What
 * depends on the running kernel (Landlock) is a warning. */
void
rp_plan_for_check(const struct rp_policy *p, const struct rp_options *o, struct rp_plan *plan)
{
	static struct rp_ll ll;
	static struct rp_sc_rule rules[RP_SC_MAX_RULES];
	static char shim[PATH_MAX], prog[PATH_MAX], policy_abs[PATH_MAX];
	static char fprints[RP_FPRINT_ENV_MAX];
	struct rp_ids ids;
	char err[512];
	size_t nrules;
	int r;

	rp_plan_init(plan, p);
	if (realpath(p->source, policy_abs))
		plan->policy = policy_abs;
	if (rp_privs_resolve(p, &ids, err, sizeof(err)) != 0)
		/* the accounts are this machine's, not the image's */
		rp_warnings_add(&plan->errors, "user: %s: add the account to the image, use a "
				"numeric User, or run --check inside the image (docker run "
				"--entrypoint rampart IMAGE --check)", err);
	else if (rp_privs_plan(&ids, p->keep_caps, err, sizeof(err), &plan->warn) != 0)
		rp_warnings_add(&plan->errors, "capabilities: %s", err);	/* as step 4 */
	else
		rp_plan_warn_common(plan, p, ids.uid);
	plan->uid = ids.uid;
	plan->gid = ids.gid;
	plan->nnp = 1;
	r = rp_find_shim(o->shim_path, shim, sizeof(shim));
	if (r == 0)
		rp_plan_shim_check(plan, p, shim, p->mode == RP_MODE_AUDIT || o->audit, err, sizeof(err));
	if (r == 0)
		plan->shim = shim;
	else if (r == -EINVAL)
		rp_warnings_add(&plan->errors, "shim: --shim must be an absolute path");
	else
		rp_warnings_add(&plan->errors, "shim: librampart.so not found (looked for %s): "
				"install it beside rampart or in ../lib/rampart/, or give --shim PATH",
				shim);
	if (o->cmd && rp_find_command(o->cmd[0], getenv("PATH"), prog, sizeof(prog)) == 0)
		plan->command = prog;
	rp_plan_fingerprints(plan, p, fprints, sizeof(fprints));
	rp_landlock_probe(&ll);
	rp_plan_check_abi_cap(&ll);
	if (rp_plan_landlock_skip(p)) {
		plan->landlock_state = rp_plan_landlock_skip(p);
	} else if (ll.abi == 0) {
		/* a property of this kernel, not of the policy or the image
		 * (--check often runs on a build host): a warning */
		plan->landlock_state = p->landlock == RP_LANDLOCK_STRICT ?
			"unavailable: the loader would refuse to run" : "unavailable (best-effort)";
		if (ll.probe_errno == EPERM && p->landlock == RP_LANDLOCK_STRICT)
			/* not the kernel: a seccomp filter around this process
			 * (the container's profile), which the run meets too */
			rp_warnings_add(&plan->errors, "landlock: landlock_create_ruleset: %s: a "
					"seccomp filter (the container's seccomp profile) denies "
					"landlock_*; use the profile `rampart export-seccomp` writes, "
					"or allow landlock_create_ruleset, landlock_add_rule and "
					"landlock_restrict_self", strerror(EPERM));
		else if (ll.probe_errno == EPERM)
			rp_warnings_add(&plan->warn, "a seccomp filter (the container's seccomp "
					"profile) denies landlock_*: Landlock best-effort runs without "
					"it; use the profile `rampart export-seccomp` writes");
		else if (p->landlock == RP_LANDLOCK_STRICT)
			rp_warnings_add(&plan->warn, "kernel without Landlock (%s): the loader "
					"refuses to run on such a kernel; run --check on a machine "
					"like the one that runs the image", strerror(ll.probe_errno));
		else
			rp_warnings_add(&plan->warn, "kernel without Landlock (%s): best-effort "
					"runs without a kernel-level file policy",
					strerror(ll.probe_errno));
	} else if (rp_landlock_build(&ll, p, getenv("PATH")) != 0) {
		plan->landlock_state = "ruleset cannot be built";
		if (p->landlock == RP_LANDLOCK_STRICT && rp_landlock_eperm_hint(ll.error, NULL))
			rp_warnings_add(&plan->errors, "landlock: %s: a seccomp filter (the "
					"container's seccomp profile) denies landlock_*; use the "
					"profile `rampart export-seccomp` writes", ll.error);
		else
			rp_warnings_add(&plan->warn, "landlock: %s (the loader %s)", ll.error,
					p->landlock == RP_LANDLOCK_STRICT ? "would refuse to run" :
					"would run without Landlock");
	} else {
		plan->landlock_state = "would be enforced";
		if (p->landlock == RP_LANDLOCK_STRICT && !restrict_would_work(&ll))
			rp_warnings_add(&plan->errors, "landlock: landlock_restrict_self: %s: a "
					"seccomp filter (the container's seccomp profile) denies "
					"landlock_*; use the profile `rampart export-seccomp` writes",
					strerror(EPERM));
		close(ll.ruleset_fd);
		ll.ruleset_fd = -1;
	}
	rp_plan_landlock(plan, &ll);
	nrules = rp_seccomp_rules_abi(p, rp_plan_landlock_skip(p) ? 0 : ll.abi, rules,
				      RP_SC_MAX_RULES);
	if (rp_seccomp_count(rules, nrules, &plan->seccomp_rules, err, sizeof(err)) != 0)
		rp_warnings_add(&plan->errors, "seccomp: %s: fix the DenySyscall/AllowSyscall "
				"name (libseccomp's spelling, as in `scmp_sys_resolver`)", err);
	plan->seccomp_state = "would be installed";
}
