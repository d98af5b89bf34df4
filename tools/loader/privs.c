/* privs.c - see privs.h.
 *
 * Capability facts this file relies on (docs/threat-model.md, R18 and R29):
 *   - dropping only effective/permitted leaves uid 0 with the full set
 *     again at the next execve, so the bounding set is cleared too;
 *   - PR_CAPBSET_DROP needs CAP_SETPCAP in the effective set, which the
 *     uid switch clears: the bounding set is therefore reduced first;
 *   - PR_SET_KEEPCAPS keeps the permitted set across setresuid so the
 *     kept capabilities can then be raised into the inheritable and ambient
 *     sets; ambient capabilities survive execve of an unprivileged program
 *     without making it "secure-exec" (capabilities(7)), so LD_PRELOAD stays.
 */
#include "privs.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

static const unsigned all_sets = CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE;

static int
numeric_id(const char *s, unsigned long *out)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return 0;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *out < 0xffffffffUL;
}

int
rp_privs_resolve(const struct rp_policy *p, struct rp_ids *ids, char *err, size_t errsz)
{
	unsigned long n;

	memset(ids, 0, sizeof(*ids));
	ids->uid = getuid();
	ids->gid = getgid();
	if (p->user) {
		struct passwd *pw;

		ids->change = 1;
		snprintf(ids->user, sizeof(ids->user), "%s", p->user);
		if (numeric_id(p->user, &n)) {
			/* A uid absent from /etc/passwd gets the group of the same
			 * number, never root's group 0. */
			pw = getpwuid((uid_t)n);
			ids->uid = (uid_t)n;
			ids->gid = pw ? pw->pw_gid : (gid_t)n;
		} else if ((pw = getpwnam(p->user)) != NULL) {
			ids->uid = pw->pw_uid;
			ids->gid = pw->pw_gid;
		} else {
			snprintf(err, errsz, "unknown user '%s' (not in /etc/passwd; %s:%d)",
				 p->user, p->set_at[RP_KW_USER].file, p->set_at[RP_KW_USER].line);
			return -1;
		}
	}
	if (p->group) {
		struct group *gr;

		ids->change = 1;
		if (numeric_id(p->group, &n)) {
			ids->gid = (gid_t)n;
		} else if ((gr = getgrnam(p->group)) != NULL) {
			ids->gid = gr->gr_gid;
		} else {
			snprintf(err, errsz, "unknown group '%s' (not in /etc/group; %s:%d)",
				 p->group, p->set_at[RP_KW_GROUP].file, p->set_at[RP_KW_GROUP].line);
			return -1;
		}
	}
	return 0;
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int
rp_privs_close_fds(const int *keep, int nkeep)
{
	int sorted[16] = { 0 }, i, n = 0;
	unsigned lo = 3;

	for (i = 0; i < nkeep && n < 16; i++)
		if (keep[i] > 2)
			sorted[n++] = keep[i];
	qsort(sorted, (size_t)n, sizeof(int), cmp_int);
	/* "Files or directories opened before the sandboxing are not subject
	 * to these restrictions" (landlock.7): nothing inherited may stay. */
	for (i = 0; i < n; i++) {
		if ((unsigned)sorted[i] > lo && close_range(lo, (unsigned)sorted[i] - 1, 0) != 0)
			return -errno;
		lo = (unsigned)sorted[i] + 1;
	}
	return close_range(lo, ~0U, 0) != 0 ? -errno : 0;
}

int
rp_privs_no_core(char *err, size_t errsz)
{
	struct rlimit rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) != 0) {
		snprintf(err, errsz, "setrlimit(RLIMIT_CORE, 0): %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		snprintf(err, errsz, "prctl(PR_SET_DUMPABLE, 0): %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void
keep_in(uint64_t keep, capng_type_t sets)
{
	int cap;

	for (cap = 0; cap <= CAP_LAST_CAP && cap < 64; cap++)
		if (keep & (1ULL << cap))
			capng_update(CAPNG_ADD, sets, (unsigned)cap);
}

/* Read the sets back from the kernel: nothing outside `keep` may remain. */
static int
verify_caps(uint64_t keep, int check_bounding, char *err, size_t errsz)
{
	static const struct { capng_type_t set; const char *name; } sets[] = {
		{ CAPNG_EFFECTIVE, "effective" }, { CAPNG_PERMITTED, "permitted" },
		{ CAPNG_INHERITABLE, "inheritable" }, { CAPNG_BOUNDING_SET, "bounding" },
		{ CAPNG_AMBIENT, "ambient" },
	};
	unsigned i;
	int cap;

	if (capng_get_caps_process() != 0) {
		snprintf(err, errsz, "cannot read back capabilities");
		return -1;
	}
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		if (sets[i].set == CAPNG_BOUNDING_SET && !check_bounding)
			continue;
		for (cap = 0; cap <= CAP_LAST_CAP && cap < 64; cap++)
			if (!(keep & (1ULL << cap)) && capng_have_capability(sets[i].set, (unsigned)cap)) {
				snprintf(err, errsz, "capability %s still in the %s set",
					 capng_capability_to_name((unsigned)cap), sets[i].name);
				return -1;
			}
	}
	return 0;
}

/* A kept capability this process does not hold cannot be given to the
 * app: say so and go on without it (the app gets less, never more). */
static uint64_t
keep_held(uint64_t keep, uint64_t held, const char *why, struct rp_warnings *warn)
{
	int cap;

	for (cap = 0; cap <= CAP_LAST_CAP && cap < 64; cap++)
		if ((keep & (1ULL << cap)) && !(held & (1ULL << cap)))
			rp_warnings_add(warn, "%s: cannot keep CAP_%s (rampart does not hold it)", why,
					cap < RP_CAP_COUNT ? rp_cap_names[cap] : "?");
	return keep & held;
}

/* Capabilities of set `set` as bits (after capng_get_caps_process). */
static uint64_t
caps_in(capng_type_t set)
{
	uint64_t bits = 0;
	int cap;

	for (cap = 0; cap <= CAP_LAST_CAP && cap < 64; cap++)
		if (capng_have_capability(set, (unsigned)cap))
			bits |= 1ULL << cap;
	return bits;
}

/* "CAP_A, CAP_B" - at most 4 names, then "and N more", so that a warning
 * about a full bounding set stays readable and within its bound. */
static void
cap_list(uint64_t bits, char *out, size_t outsz)
{
	size_t len = 0;
	int cap, shown = 0, more = 0;

	out[0] = '\0';
	for (cap = 0; cap < RP_CAP_COUNT && len < outsz; cap++) {
		if (!(bits & (1ULL << cap)))
			continue;
		if (shown == 4) {
			more++;
			continue;
		}
		shown++;
		len += (size_t)snprintf(out + len, outsz - len, "%sCAP_%s", len ? ", " : "",
					rp_cap_names[cap]);
	}
	if (more && len < outsz)
		snprintf(out + len, outsz - len, " and %d more", more);
}

/* What the identity switch has to change: each step is skipped when it
 * would change nothing, so that a root start without CAP_SETUID/SETGID
 * (docker --cap-drop ALL) still works when the policy's user is the one it
 * already runs as. */
struct switch_steps {
	int groups, gid, uid;
	uint64_t need;		/* capabilities those steps need */
	uint64_t bound_extra;	/* bounding-set bits beyond the kept set */
	int can_bound;		/* CAP_SETPCAP effective */
};

static void
plan_steps(const struct rp_ids *ids, uint64_t keep, struct switch_steps *st)
{
	gid_t groups[64], rg, eg, sg;
	uid_t ru, eu, su;
	uint64_t eff;
	int n, i;

	memset(st, 0, sizeof(*st));
	capng_get_caps_process();
	eff = caps_in(CAPNG_EFFECTIVE);
	st->bound_extra = caps_in(CAPNG_BOUNDING_SET) & ~keep;
	st->can_bound = (eff >> CAP_SETPCAP) & 1;
	if (!ids->change || geteuid() != 0)
		return;
	n = getgroups(64, groups);
	if (n < 0)
		st->groups = 1;	/* more than 64: certainly something to drop */
	for (i = 0; i < n; i++)
		if (groups[i] != ids->gid)
			st->groups = 1;
	if (getresgid(&rg, &eg, &sg) != 0 || rg != ids->gid || eg != ids->gid || sg != ids->gid)
		st->gid = 1;
	if (getresuid(&ru, &eu, &su) != 0 || ru != ids->uid || eu != ids->uid || su != ids->uid)
		st->uid = 1;
	if ((st->groups || st->gid) && !((eff >> CAP_SETGID) & 1))
		st->need |= 1ULL << CAP_SETGID;
	if (st->uid && !((eff >> CAP_SETUID) & 1))
		st->need |= 1ULL << CAP_SETUID;
}

/* A bounding set rampart cannot clear is a warning, not a failure: the
 * loader always sets no_new_privs (step 5, which fails closed), and with
 * it execve never gives a permitted set larger than the one before it
 * (security/commoncap.c, cap_bprm_creds_from_file: "downgrade; they get no
 * more than they had"), for root too.  The bounding set only limits what
 * an execve could add, and no_new_privs already adds nothing. */
static void
warn_bounding(const struct switch_steps *st, const char *why, struct rp_warnings *warn)
{
	char names[512];

	if (!st->bound_extra || st->can_bound)
		return;
	cap_list(st->bound_extra, names, sizeof(names));
	rp_warnings_add(warn, "%s: bounding set not cleared (no CAP_SETPCAP): it keeps %s; "
			"no_new_privs keeps it from granting anything (%s)", why, names,
			geteuid() == 0 ? "cap_add SETPCAP, or cap_drop them, to clear it" :
			"docker run --cap-drop ALL, compose cap_drop: [ALL], clears it");
}

/* rp_privs_plan, with the steps it found in *st.  The process's
 * capabilities are read once (plan_steps) and stay in libcap-ng's state
 * for the caller: nothing changes them before the drop starts. */
static int
plan_checked(const struct rp_ids *ids, uint64_t keep, struct switch_steps *stp, char *err,
	     size_t errsz, struct rp_warnings *warn)
{
	struct switch_steps st;
	char names[128];

	plan_steps(ids, keep, &st);
	*stp = st;
	if (geteuid() != 0) {
		if (ids->change && (ids->uid != getuid() || ids->gid != getgid()))
			rp_warnings_add(warn, "not started as root: cannot switch to user %s (uid %u "
					"gid %u); runs as uid %u gid %u", ids->user,
					(unsigned)ids->uid, (unsigned)ids->gid,
					(unsigned)getuid(), (unsigned)getgid());
		warn_bounding(&st, "not started as root", warn);
		return 0;
	}
	if (st.need) {
		cap_list(st.need, names, sizeof(names));
		snprintf(err, errsz, "switching to user %s (uid %u gid %u, no supplementary groups) needs %s, which rampart "
			 "was started without (docker --cap-drop ALL, compose cap_drop: [ALL]): "
			 "start the container as that user (docker run --user %u:%u, compose "
			 "user: \"%u:%u\"), or cap_add SETUID, SETGID and SETPCAP, which rampart "
			 "drops before the app runs", ids->user, (unsigned)ids->uid,
			 (unsigned)ids->gid, names, (unsigned)ids->uid, (unsigned)ids->gid,
			 (unsigned)ids->uid, (unsigned)ids->gid);
		return -1;
	}
	warn_bounding(&st, "started as root", warn);
	return 0;
}

int
rp_privs_plan(const struct rp_ids *ids, uint64_t keep, char *err, size_t errsz,
	      struct rp_warnings *warn)
{
	struct switch_steps st;

	return plan_checked(ids, keep, &st, err, errsz, warn);
}

static int
drop_as_root(const struct rp_ids *ids, uint64_t keep, char *err, size_t errsz,
	     struct rp_warnings *warn)
{
	struct switch_steps st;
	int r;

	if (plan_checked(ids, keep, &st, err, errsz, warn) != 0)
		return -1;
	/* A container runtime may have dropped it already (docker run
	 * --cap-drop): capng_apply would fail with a bare error number.
	 * The permitted set as plan_checked read it (unchanged since). */
	keep = keep_held(keep, caps_in(CAPNG_PERMITTED), "KeepCapability", warn);

	/* 1. Bounding set, while CAP_SETPCAP is still effective. */
	if (st.bound_extra && st.can_bound) {
		capng_clear(CAPNG_SELECT_ALL);
		keep_in(keep, CAPNG_BOUNDING_SET);
		if ((r = capng_apply(CAPNG_SELECT_BOUNDS)) != 0) {
			snprintf(err, errsz, "capng_apply(bounding set): error %d", r);
			return -1;
		}
	}
	/* 2. Groups, gid, uid; PR_SET_KEEPCAPS keeps the permitted set. */
	if (st.groups || st.gid || st.uid) {
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
			snprintf(err, errsz, "prctl(PR_SET_KEEPCAPS): %s", strerror(errno));
			return -1;
		}
		if (st.groups && setgroups(0, NULL) != 0) {
			snprintf(err, errsz, "setgroups(0): %s", strerror(errno));
			return -1;
		}
		if (st.gid && setresgid(ids->gid, ids->gid, ids->gid) != 0) {
			snprintf(err, errsz, "setresgid(%u): %s", (unsigned)ids->gid, strerror(errno));
			return -1;
		}
		if (st.uid && setresuid(ids->uid, ids->uid, ids->uid) != 0) {
			snprintf(err, errsz, "setresuid(%u): %s", (unsigned)ids->uid, strerror(errno));
			return -1;
		}
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	}
	/* 3. Effective, permitted, inheritable: the kept set only. */
	capng_clear(CAPNG_SELECT_CAPS);
	keep_in(keep, all_sets);
	if ((r = capng_apply(CAPNG_SELECT_CAPS)) != 0) {
		snprintf(err, errsz, "capng_apply(capabilities): error %d", r);
		return -1;
	}
	/* 4. Ambient: the kept set, so it survives execve of a plain file. */
	capng_clear(CAPNG_SELECT_AMBIENT);
	keep_in(keep, CAPNG_AMBIENT);
	if ((r = capng_apply(CAPNG_SELECT_AMBIENT)) != 0) {
		snprintf(err, errsz, "capng_apply(ambient): error %d", r);
		return -1;
	}
	return verify_caps(keep, !st.bound_extra || st.can_bound, err, errsz);
}

static int
drop_as_user(const struct rp_ids *ids, uint64_t keep, char *err, size_t errsz,
	     struct rp_warnings *warn)
{
	struct switch_steps st;
	int bounds_ok;

	(void)plan_checked(ids, keep, &st, err, errsz, warn);
	keep = keep_held(keep, caps_in(CAPNG_PERMITTED), "not started as root", warn);
	bounds_ok = !st.bound_extra || st.can_bound;
	capng_clear(CAPNG_SELECT_ALL);
	keep_in(keep, all_sets);
	keep_in(keep, CAPNG_AMBIENT);
	keep_in(keep, CAPNG_BOUNDING_SET);
	if (capng_apply(CAPNG_SELECT_CAPS) != 0 || capng_apply(CAPNG_SELECT_AMBIENT) != 0) {
		snprintf(err, errsz, "capng_apply: cannot drop capabilities");
		return -1;
	}
	if (st.bound_extra && st.can_bound && capng_apply(CAPNG_SELECT_BOUNDS) != 0) {
		rp_warnings_add(warn, "not started as root: bounding set not cleared "
				"(PR_CAPBSET_DROP failed); no_new_privs keeps it from granting anything");
		bounds_ok = 0;
	}
	return verify_caps(keep, bounds_ok, err, errsz);
}

int
rp_privs_drop(const struct rp_ids *ids, uint64_t keep_caps, uint64_t *kept, char *err,
	      size_t errsz, struct rp_warnings *warn)
{
	int r;

	if (geteuid() == 0)
		r = drop_as_root(ids, keep_caps, err, errsz, warn);
	else
		r = drop_as_user(ids, keep_caps, err, errsz, warn);
	/* verify_caps, the last step of both, read the sets back */
	*kept = r == 0 ? caps_in(CAPNG_PERMITTED) : 0;
	return r;
}

int
rp_privs_nnp(char *err, size_t errsz)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errsz, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
	return 0;
}
