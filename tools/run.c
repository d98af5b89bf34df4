/* run.c - the loader: confine, then exec the command.
 *
 * The order is fixed (STYLE.md item 8, research notes §6 "Loader order"):
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
#include "privs.h"
#include "probes.h"
#include "rampart.h"
#include "rawsys.h"
#include "relay.h"
#include "report.h"
#include "syscall_rules.h"

extern char **environ;

static const char hint_landlock[] =
	"Hint: this kernel has no usable Landlock (ENOSYS: built without "
	"CONFIG_SECURITY_LANDLOCK; EOPNOTSUPP: add \"landlock\" to the lsm= boot "
	"parameter), or set \"Landlock best-effort\" in the policy to run without it.";
/* The kernel answers the version query with the ABI, ENOSYS or
 * EOPNOTSUPP (security/landlock/syscalls.c); EPERM comes from a seccomp
 * filter installed before the loader, such as a container runtime's
 * profile.  Best-effort would then drop Landlock unnoticed: say what to
 * change in the profile instead. */
static const char hint_landlock_seccomp[] =
	"Hint: a seccomp filter installed before rampart (the container's seccomp "
	"profile) denies landlock_*: run with the profile `rampart export-seccomp` "
	"writes, or allow landlock_create_ruleset, landlock_add_rule and "
	"landlock_restrict_self in the profile (rampart's own filter denies them "
	"to the app).";
/* landlock_add_rule and landlock_restrict_self (after no_new_privs) never
 * answer EPERM themselves either (landlock_add_rule(2),
 * landlock_restrict_self(2)): an EPERM there is a seccomp filter too. */
static const char *
landlock_eperm_hint(const char *error, const char *otherwise)
{
	return strstr(error, strerror(EPERM)) ? hint_landlock_seccomp : otherwise;
}

static const char hint_seccomp[] =
	"Hint: the kernel needs CONFIG_SECCOMP_FILTER (and no seccomp=0 boot option).";

static void __attribute__((noreturn))
fail(int status, const char *step, const char *reason, const char *hint)
{
	fprintf(stderr, "rampart: %s: %s\n", step, reason);
	if (hint)
		fprintf(stderr, "%s\n", hint);
	exit(status);
}

/* The command as the exec decision finds it: execvp's search, the one in
 * execdecide.c (same default PATH, same rules). */
static int
find_command(const char *cmd, const char *pathenv, char *out, size_t outsz)
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
static int
find_shim(const char *given, char *out, size_t outsz)
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

/* LD_PRELOAD with the shim first ("an earlier entry in LD_PRELOAD wins
 * symbol lookup", research notes §3 row 23); other entries are kept. */
static int
set_preload(const char *shim)
{
	const char *old = getenv("LD_PRELOAD");
	char buf[8192], copy[8192];
	char *save = NULL, *tok;
	size_t len;

	len = (size_t)snprintf(buf, sizeof(buf), "%s", shim);
	if (old) {
		snprintf(copy, sizeof(copy), "%s", old);
		for (tok = strtok_r(copy, ": ", &save); tok; tok = strtok_r(NULL, ": ", &save))
			if (strcmp(tok, shim) != 0 && len < sizeof(buf))
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, ":%s", tok);
	}
	if (len >= sizeof(buf))
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

static const char *
landlock_skip_reason(const struct rp_policy *p)
{
	if (p->mode == RP_MODE_AUDIT)
		return "not applied (audit mode: Landlock has no permissive mode)";
	if (p->landlock == RP_LANDLOCK_OFF)
		return "off (policy)";
	return NULL;
}

static void
plan_init(struct rp_plan *plan, const struct rp_policy *p)
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

static void
plan_landlock(struct rp_plan *plan, const struct rp_ll *ll)
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
static void
check_abi_cap(const struct rp_ll *ll)
{
	if (ll->cap_error[0])
		fail(RP_EXIT_FAILURE, ll->cap_var, ll->cap_error, NULL);
}

/* The fingerprints of the files the shim's identity check compares with
 * (execdecide.c), taken while they can still be read: Landlock withholds
 * READ_FILE from them, and the app's shim must still know a renamed copy
 * (fprint.h).  Into `out` as RAMPART_DENY_IDS's value. */
static void
plan_fingerprints(struct rp_plan *plan, const struct rp_policy *p, char *out, size_t cap)
{
	struct timespec t0, t1;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = rp_exec_fingerprints(p, getenv("PATH"), out, cap, &plan->fingerprints);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (r != 0)
		fail(RP_EXIT_FAILURE, "fingerprints", strerror(-r), NULL);
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

static void
warn_common(struct rp_plan *plan, const struct rp_policy *p, uid_t app_uid)
{
	int i;

	if (app_uid == 0)
		rp_warnings_add(&plan->warn, "the command runs as root (set User in the policy)");
	/* A writable dir on an exec-capable mount still lets `ld.so FILE` run
	 * what was written there (research notes §3 row 7, E22). */
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

	plan_init(plan, p);
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
		warn_common(plan, p, ids.uid);
	plan->uid = ids.uid;
	plan->gid = ids.gid;
	plan->nnp = 1;
	r = find_shim(o->shim_path, shim, sizeof(shim));
	if (r == 0)
		plan->shim = shim;
	else if (r == -EINVAL)
		rp_warnings_add(&plan->errors, "shim: --shim must be an absolute path");
	else
		rp_warnings_add(&plan->errors, "shim: librampart.so not found (looked for %s): "
				"install it beside rampart or in ../lib/rampart/, or give --shim PATH",
				shim);
	if (o->cmd && find_command(o->cmd[0], getenv("PATH"), prog, sizeof(prog)) == 0)
		plan->command = prog;
	plan_fingerprints(plan, p, fprints, sizeof(fprints));
	rp_landlock_probe(&ll);
	check_abi_cap(&ll);
	if (landlock_skip_reason(p)) {
		plan->landlock_state = landlock_skip_reason(p);
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
		if (p->landlock == RP_LANDLOCK_STRICT && landlock_eperm_hint(ll.error, NULL))
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
	plan_landlock(plan, &ll);
	nrules = rp_seccomp_rules_abi(p, landlock_skip_reason(p) ? 0 : ll.abi, rules,
				      RP_SC_MAX_RULES);
	if (rp_seccomp_count(rules, nrules, &plan->seccomp_rules, err, sizeof(err)) != 0)
		rp_warnings_add(&plan->errors, "seccomp: %s: fix the DenySyscall/AllowSyscall "
				"name (libseccomp's spelling, as in `scmp_sys_resolver`)", err);
	plan->seccomp_state = "would be installed";
}

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

	plan_init(&plan, p);
	plan.applied = 1;
	rp_phase_end(RP_PH_PARSE);

	/* 1. Everything that needs the full view of the file system. */
	r = find_command(o->cmd[0], getenv("PATH"), prog, sizeof(prog));
	if (r == -ENOENT || r == -ENOTDIR)
		fail(RP_EXIT_NOT_FOUND, o->cmd[0], "command not found", NULL);
	if (r < 0)
		fail(RP_EXIT_CANNOT_RUN, o->cmd[0], strerror(-r), NULL);
	plan.command = prog;
	/* PATH also names the dirs whose denied files the identity check
	 * records, as for --check and the app's shim */
	if (rp_exec_decide(p, prog, o->cmd, 0, getenv("PATH"), &verdict)) {
		const char *rule = verdict.rule ? verdict.rule : "policy";

		if (strcmp(rule, "wx") == 0)
			snprintf(err, sizeof(err), "denied: %s lies beneath writable path '%s' (W^X)",
				 verdict.resolved[0] ? verdict.resolved : prog,
				 verdict.pattern ? verdict.pattern : "?");
		else
			snprintf(err, sizeof(err), "denied by %s%s%s%s",
				 strcmp(rule, "deny-exec") == 0 ? "DenyExec" : rule,
				 verdict.pattern ? " pattern '" : "",
				 verdict.pattern ? verdict.pattern : "", verdict.pattern ? "'" : "");
		/* audit mode runs it, and the report says what enforce would do */
		if (!audit)
			fail(RP_EXIT_CANNOT_RUN, o->cmd[0], err, NULL);
		rp_warnings_add(&plan.warn, "audit: the command would be %s", err);
	}
	rp_phase_end(RP_PH_DECIDE);
	r = find_shim(o->shim_path, shim, sizeof(shim));
	if (r == -EINVAL)
		fail(RP_EXIT_FAILURE, "shim", "--shim must be an absolute path", NULL);
	if (r < 0) {
		snprintf(err, sizeof(err), "librampart.so not found (looked for %s); use --shim PATH", shim);
		fail(RP_EXIT_FAILURE, "shim", err, NULL);
	}
	plan.shim = shim;
	if (!realpath(p->source, policy_abs))
		fail(RP_EXIT_FAILURE, "policy", strerror(errno), NULL);
	plan.policy = policy_abs;
	if (rp_privs_resolve(p, &ids, err, sizeof(err)) != 0)
		fail(RP_EXIT_FAILURE, "user", err, NULL);
	/* Row 6b of the bypass catalog: an owner may chmod 000 the shim. */
	if (stat(shim, &st) == 0 && ids.uid != 0 && st.st_uid == ids.uid)
		rp_warnings_add(&plan.warn, "the shim %s is owned by the app's uid %u: it could make it unreadable",
				shim, (unsigned)ids.uid);
	rp_phase_end(RP_PH_RESOLVE);
	plan_fingerprints(&plan, p, fprints, sizeof(fprints));
	rp_phase_end(RP_PH_FINGERPRINTS);
	rp_landlock_probe(&ll);
	check_abi_cap(&ll);
	if (landlock_skip_reason(p)) {
		plan.landlock_state = landlock_skip_reason(p);
		rp_warnings_add(&plan.warn, "Landlock %s", plan.landlock_state);
	} else if (ll.abi == 0) {
		snprintf(err, sizeof(err), "unavailable: %s", strerror(ll.probe_errno));
		if (strict)
			fail(RP_EXIT_FAILURE, "landlock", err, ll.probe_errno == EPERM ?
			     hint_landlock_seccomp : hint_landlock);
		plan.landlock_state = "unavailable (best-effort)";
		rp_warnings_add(&plan.warn, "kernel without Landlock: no kernel-level file policy");
	} else if (rp_landlock_build(&ll, p, getenv("PATH")) != 0) {
		if (strict)
			fail(RP_EXIT_FAILURE, "landlock", ll.error, landlock_eperm_hint(ll.error, NULL));
		plan.landlock_state = "not applied (ruleset failed, best-effort)";
		rp_warnings_add(&plan.warn, "landlock: %s", ll.error);
	}
	rp_phase_end(RP_PH_LANDLOCK);

	/* 2. Nothing inherited stays open: Landlock does not govern fds opened
	 * before it (landlock.7).  Only the ruleset survives. */
	r = rp_privs_close_fds(&ll.ruleset_fd, ll.ruleset_fd >= 0 ? 1 : 0);
	if (r < 0)
		fail(RP_EXIT_FAILURE, "close inherited fds", strerror(-r), NULL);

	/* 3. Core dumps of a process handling sensitive data are a leak. */
	if (!p->core_dumps && rp_privs_no_core(err, sizeof(err)) != 0)
		fail(RP_EXIT_FAILURE, "core dumps", err, NULL);
	rp_phase_end(RP_PH_FDS);

	/* 4. Identity and capabilities. */
	if (rp_privs_drop(&ids, p->keep_caps, &plan.caps_kept, err, sizeof(err), &plan.warn) != 0)
		fail(RP_EXIT_FAILURE, "capabilities", err, NULL);
	plan.uid = getuid();
	plan.gid = getgid();
	rp_phase_end(RP_PH_PRIVS);
	warn_common(&plan, p, plan.uid);
	if (p->require_noexec && plan.errors.n)
		fail(RP_EXIT_FAILURE, "mounts", plan.errors.msg[0],
		     "hint: mount the writable dirs noexec (docker run --tmpfs DIR:noexec, "
		     "a volume with noexec), or set RequireNoexec no");
	rp_phase_end(RP_PH_WARN);

	/* 5. no_new_privs: setuid bits and file capabilities give nothing
	 * (research notes E07); Landlock needs it without CAP_SYS_ADMIN. */
	if (rp_privs_nnp(err, sizeof(err)) != 0)
		fail(RP_EXIT_FAILURE, "no_new_privs", err, NULL);
	plan.nnp = 1;

	/* 6. Landlock. */
	if (ll.ruleset_fd >= 0) {
		if (rp_landlock_restrict(&ll) != 0) {
			if (strict)
				fail(RP_EXIT_FAILURE, "landlock", ll.error,
				     landlock_eperm_hint(ll.error, hint_landlock));
			rp_warnings_add(&plan.warn, "landlock: %s", ll.error);
			plan.landlock_state = "not applied (restrict failed, best-effort)";
		} else {
			plan.landlock_state = "enforced";
		}
	}
	plan_landlock(&plan, &ll);
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
		fail(RP_EXIT_FAILURE, "shim", err, NULL);
	}
	if (!readable(policy_abs)) {
		snprintf(err, sizeof(err), "%s is not readable by uid %u (%s): the shim "
			 "would deny every write", policy_abs, (unsigned)geteuid(), strerror(errno));
		fail(RP_EXIT_FAILURE, "policy", err, NULL);
	}
	rp_phase_end(RP_PH_CHECKS);

	/* 7. seccomp, last (memory W^X may add to its rules). */
	nrules = rp_seccomp_rules_abi(p, ll.applied ? ll.abi : 0, rules, RP_SC_MAX_RULES);
	nrules = memory_wx(&plan, p, audit || o->audit, rules, nrules);
	if (rp_seccomp_install(rules, nrules, &plan.seccomp_rules, err, sizeof(err)) != 0)
		fail(RP_EXIT_FAILURE, "seccomp", err, hint_seccomp);
	plan.seccomp_state = audit ? "installed (log only)" : "enforced";
	rp_phase_end(RP_PH_SECCOMP);

	/* 7b. Each layer answers for itself (probes.c); then the event relay
	 * (relay.c), last, so that it runs as confined as the app. */
	if (rp_probes_run(p, &plan, err, sizeof(err)) != 0)
		fail(RP_EXIT_FAILURE, "probes", err, NULL);
	if (rp_relay_start(p, err, sizeof(err)) != 0)
		fail(RP_EXIT_FAILURE, "events", err, NULL);

	/* 8. The shim, then the command itself (no extra process: signals and
	 * the exit status are the command's own). */
	if (set_preload(shim) != 0 || setenv(RP_POLICY_ENV, policy_abs, 1) != 0)
		fail(RP_EXIT_FAILURE, "environment", "cannot set LD_PRELOAD/RAMPART_POLICY", NULL);
	unsetenv("LD_AUDIT");
	clean_code_env(&plan, p, audit || o->audit);
	/* Only the fingerprints taken above: an inherited list would tell the
	 * shim what the withheld files look like. */
	if (fprints[0] ? setenv(RP_FPRINT_ENV, fprints, 1) != 0 : unsetenv(RP_FPRINT_ENV) != 0)
		fail(RP_EXIT_FAILURE, "environment", "cannot set " RP_FPRINT_ENV, NULL);
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
	fail(r == ENOENT ? RP_EXIT_NOT_FOUND : RP_EXIT_CANNOT_RUN, o->cmd[0], err, NULL);
}
