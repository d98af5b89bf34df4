/* test_exec_agree.c - the layers agree on every program of a table:
 * `rampart --check -- P`, the shim (P run from sh under LD_PRELOAD, as
 * root, no loader), the loader's own decision (`rampart -- P`), the shim
 * under the loader (uid 1000, Landlock), and
 * the Landlock plan alone (a static program, which no shim sees, execs P
 * under the loader: EACCES when the ruleset withholds it).
 *
 * The one place where they differ by design is a renamed copy: Landlock's
 * rights follow paths, not contents, so only the shim refuses it
 * (docs/threat-model.md).  The programs are the stand-in compiler
 * (tests/progs/exec_fakecc: exits 0 when FAKECC_MARKER is set) under
 * various names, with bytes appended where a row must not be a copy of
 * another. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_loader.h"

enum { ALLOW = 0, DENY = 1 };

struct row {
	const char *what;
	const char *rel;	/* under the temp tree; or a name without '/' */
	int decision;		/* --check, the shim, the shim under the loader */
	int kernel;		/* Landlock alone; -1: not asked (a name) */
};

static const struct row rows[] = {
	{ "denied by name", "bin/gcc", DENY, DENY },
	{ "denied by a symlink hop", "bin/mytool", DENY, DENY },
	{ "denied by its triplet and version name", "bin/x86_64-linux-gnu-gcc-12", DENY, DENY },
	{ "denied by its version name", "bin/gcc-14", DENY, DENY },
	{ "a renamed copy (shim only)", "opt/notgcc", DENY, ALLOW },
	{ "allowed", "bin/okcc", ALLOW, ALLOW },
	{ "allowed, a symlink to an allowed file", "opt/cc-ok", ALLOW, ALLOW },
	{ "beneath a writable dir", "w/dropped", DENY, DENY },
	{ "a denied name found through PATH", "gcc", DENY, -1 },
	{ "an allowed name found through PATH", "okcc", ALLOW, -1 },
};

/* `src` with `extra` bytes appended: the same program, another file. */
static void
copy_plus(const char *src, const char *dst, int extra)
{
	int fd;

	lt_copy(src, dst, 0755);
	fd = open(dst, O_WRONLY | O_APPEND);
	cr_assert(fd >= 0);
	while (extra-- > 0)
		cr_assert(write(fd, "\n", 1) == 1);
	close(fd);
}

static void
tree(const struct lt_env *e)
{
	const char *cc = rt_prog("exec_fakecc");
	char p[PATH_MAX + 64], q[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/opt", e->dir);
	cr_assert(mkdir(p, 0755) == 0);
	snprintf(p, sizeof(p), "%s/gcc", e->bin);
	copy_plus(cc, p, 0);
	snprintf(p, sizeof(p), "%s/mytool", e->bin);
	cr_assert(symlink("gcc", p) == 0);
	snprintf(p, sizeof(p), "%s/x86_64-linux-gnu-gcc-12", e->bin);
	copy_plus(cc, p, 1);
	snprintf(p, sizeof(p), "%s/gcc-14", e->bin);
	copy_plus(cc, p, 4);
	snprintf(p, sizeof(p), "%s/gcc", e->bin);
	snprintf(q, sizeof(q), "%s/opt/notgcc", e->dir);
	lt_copy(p, q, 0755);
	snprintf(p, sizeof(p), "%s/okcc", e->bin);
	copy_plus(cc, p, 2);
	snprintf(q, sizeof(q), "%s/opt/cc-ok", e->dir);
	cr_assert(symlink(p, q) == 0);
	snprintf(p, sizeof(p), "%s/dropped", e->wdir);
	copy_plus(cc, p, 3);
}

static void
path_of(const struct lt_env *e, const struct row *r, char *out, size_t cap)
{
	if (!strchr(r->rel, '/'))
		snprintf(out, cap, "%s", r->rel);
	else if (strncmp(r->rel, "w/", 2) == 0)
		snprintf(out, cap, "%s/%s", e->wdir, r->rel + 2);
	else
		snprintf(out, cap, "%s/%s", e->dir, r->rel);
}

/* "rc=N" from `sh -c 'P; echo rc=$?'`: 126 denied, 0 ran. */
static int
sh_denied(const char *out, const char *what, const char *layer)
{
	if (strstr(out, "rc=126"))
		return DENY;
	cr_expect(strstr(out, "rc=0"), "%s, %s: neither ran nor denied: %s", what, layer, out);
	return ALLOW;
}

Test(exec_agree, check_shim_loader_and_landlock_agree)
{
	struct lt_env e;
	struct rt_result r;
	char marker[PATH_MAX + 32], root_marker[PATH_MAX + 32], path[PATH_MAX + 64];
	char script[2 * PATH_MAX + 128], preload[PATH_MAX + 32], policy[PATH_MAX + 32];
	char pathvar[PATH_MAX + 32];
	size_t i;

	lt_setup(&e, "DenyExec gcc\n");
	lt_need_landlock();
	tree(&e);
	/* one marker per uid: a file root made is not uid 1000's to append to */
	snprintf(marker, sizeof(marker), "FAKECC_MARKER=%s/marker", e.wdir);
	snprintf(root_marker, sizeof(root_marker), "FAKECC_MARKER=%s/root-marker", e.wdir);
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", rt_path("librampart.so"));
	snprintf(policy, sizeof(policy), "RAMPART_POLICY=%s", e.policy);
	snprintf(pathvar, sizeof(pathvar), "PATH=%s:/usr/bin:/bin", e.bin);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *w = &rows[i];
		const char *env[] = { marker, NULL };
		int got;

		path_of(&e, w, path, sizeof(path));
		snprintf(script, sizeof(script), "PATH=%s:/usr/bin:/bin; %s; echo rc=$?", e.bin, path);

		/* --check */
		{
			const char *opts[] = { "--check", "--json", NULL };
			const char *args[] = { path, NULL };

			cr_assert_eq(lt_run_ex(&e, NULL, opts, args, env, &r), 0);
			got = strstr(r.out, "\"decision\":\"denied\"") ? DENY : ALLOW;
			cr_expect(got == DENY || strstr(r.out, "\"decision\":\"allowed\""),
				  "%s: --check: %s", w->what, r.out);
			cr_expect_eq(got, w->decision, "%s (%s): --check says %s\n%s", w->what, path,
				     got ? "denied" : "allowed", r.out);
			cr_expect_eq(r.status, w->decision ? 126 : 0, "%s: --check status %d", w->what,
				     r.status);
			rt_result_free(&r);
		}
		/* the shim alone, as root, with the loader's PATH (the identity
		 * table lists the PATH of the first decision) */
		{
			char *argv[] = { "/bin/sh", "-c", script, NULL };
			char *senv[] = { preload, policy, pathvar, root_marker, NULL };

			cr_assert_eq(rt_run(argv, senv, 20, &r), 0);
			got = sh_denied(r.out, w->what, "shim");
			cr_expect_eq(got, w->decision, "%s (%s): the shim says %s\n%s%s", w->what, path,
				     got ? "denied" : "allowed", r.out, r.err);
			rt_result_free(&r);
		}
		/* the loader's own decision, before it runs P */
		if (strchr(w->rel, '/')) {
			const char *args[] = { path, NULL };

			cr_assert_eq(lt_run_ex(&e, NULL, NULL, args, env, &r), 0);
			got = r.status == 126 ? DENY : ALLOW;
			cr_expect(got == DENY || r.status == 0, "%s: loader status %d\n%s", w->what,
				  r.status, r.err);
			cr_expect_eq(got, w->decision, "%s (%s): the loader %s it\n%s", w->what, path,
				     got ? "refuses" : "runs", r.err);
			rt_result_free(&r);
		}
		/* the shim under the loader, uid 1000 */
		{
			const char *args[] = { "/bin/sh", "-c", script, NULL };

			cr_assert_eq(lt_run_ex(&e, NULL, NULL, args, env, &r), 0);
			got = sh_denied(r.out, w->what, "loader");
			cr_expect_eq(got, w->decision, "%s (%s): under the loader %s\n%s%s", w->what,
				     path, got ? "denied" : "allowed", r.out, r.err);
			rt_result_free(&r);
		}
		/* Landlock alone */
		if (w->kernel >= 0) {
			const char *args[] = { e.probe, "exec", path, NULL };

			cr_assert_eq(lt_run_ex(&e, NULL, NULL, args, env, &r), 0);
			got = lt_has(r.out, "exec", "EACCES") ? DENY : ALLOW;
			cr_expect(got == DENY || r.status == 0, "%s: static exec: status %d %s",
				  w->what, r.status, r.out);
			cr_expect_eq(got, w->kernel, "%s (%s): Landlock %s\n%s%s", w->what, path,
				     got ? "withholds it" : "lets it run", r.out, r.err);
			rt_result_free(&r);
		}
	}
	rt_cleanup(e.dir);
}

/* With no PATH at all, the plan and the decision search the same default
 * (glibc's /bin:/usr/bin): a command is in both or in neither. */
Test(exec_agree, plan_and_decision_search_the_same_default_path)
{
	static const char *const cmds[] = { "sh", "ldconfig", "no-such-program-here" };
	struct lt_env e;
	struct rt_result r;
	char *env[] = { NULL };
	size_t i;

	lt_setup(&e, NULL);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char *check[] = { (char *)rt_path("rampart"), "--check", "--json", "--policy",
				  e.policy, "--", (char *)cmds[i], NULL };
		char *run[] = { (char *)rt_path("rampart"), "--policy", e.policy, "--",
				(char *)cmds[i], "--version", NULL };
		int in_plan, found, check_status;

		cr_assert_eq(rt_run(check, env, 20, &r), 0);
		in_plan = !strstr(r.out, "\"command\":null");
		found = !strstr(r.out, "\"decision\":\"not found\"");
		check_status = r.status;
		cr_expect_eq(in_plan, found, "%s: plan %s, decision %s\n%s", cmds[i],
			     in_plan ? "finds it" : "does not", found ? "finds it" : "does not", r.out);
		rt_result_free(&r);
		/* and the loader itself finds what --check found */
		cr_assert_eq(rt_run(run, env, 20, &r), 0);
		cr_expect_eq(r.status == 127, check_status == 127, "%s: loader %d, --check %d\n%s",
			     cmds[i], r.status, check_status, r.err);
		rt_result_free(&r);
	}
	rt_cleanup(e.dir);
}
