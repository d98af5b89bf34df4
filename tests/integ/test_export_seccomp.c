/* test_export_seccomp.c - `rampart export-seccomp` writes a Docker/OCI
 * profile that decides like the loader's own filter.
 *
 * The decisions are compared in the kernel, with no system call executed:
 * tests/progs/sc_load installs a marker filter, then either the profile
 * (compiled with libseccomp the way runc does) or the loader's filter, and
 * probes sampled calls (see sc_load.c).  The samples come from the
 * profile's own comparisons (values that meet and values that miss each
 * one) plus a fixed list of calls the loader's table is known to decide.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "testlib.h"

/* Reads the profile, checks its shape, writes libseccomp rules (runc's
 * reading: args of one entry are ANDed only when their indexes differ;
 * errnoRet defaults to EPERM) and samples "name=nr:a0:a1:a2:a3:a4". */
static const char convert_py[] =
	"import json, re, sys\n"
	"prof = json.load(open(sys.argv[1]))\n"
	"assert prof['defaultAction'] == 'SCMP_ACT_ALLOW', prof['defaultAction']\n"
	"assert prof['architectures'] == ['SCMP_ARCH_X86_64'], prof['architectures']\n"
	"nrs = {}\n"
	"for line in open('/usr/include/x86_64-linux-gnu/asm/unistd_64.h'):\n"
	"    m = re.match(r'#define __NR_(\\w+)\\s+(\\d+)', line)\n"
	"    if m: nrs[m.group(1)] = int(m.group(2))\n"
	"OPS = {'SCMP_CMP_NE': 1, 'SCMP_CMP_LT': 2, 'SCMP_CMP_LE': 3, 'SCMP_CMP_EQ': 4,\n"
	"       'SCMP_CMP_GE': 5, 'SCMP_CMP_GT': 6, 'SCMP_CMP_MASKED_EQ': 7}\n"
	"ACT = {'SCMP_ACT_ERRNO': 'errno', 'SCMP_ACT_KILL_PROCESS': 'kill', 'SCMP_ACT_LOG': 'log'}\n"
	"M = (1 << 64) - 1\n"
	"def meet(a):\n"
	"    v, v2 = a['value'], a.get('valueTwo', 0)\n"
	"    return {'SCMP_CMP_MASKED_EQ': v2, 'SCMP_CMP_EQ': v, 'SCMP_CMP_NE': (v + 1) & M,\n"
	"            'SCMP_CMP_GT': (v + 1) & M, 'SCMP_CMP_GE': v, 'SCMP_CMP_LT': (v - 1) & M,\n"
	"            'SCMP_CMP_LE': v}[a['op']]\n"
	"def miss(a):\n"
	"    v, v2 = a['value'], a.get('valueTwo', 0)\n"
	"    if a['op'] == 'SCMP_CMP_MASKED_EQ': return v2 ^ (v & -v) if v else None\n"
	"    return {'SCMP_CMP_EQ': (v + 1) & M, 'SCMP_CMP_NE': v, 'SCMP_CMP_GT': v,\n"
	"            'SCMP_CMP_GE': (v - 1) & M, 'SCMP_CMP_LT': v, 'SCMP_CMP_LE': (v + 1) & M}[a['op']]\n"
	"rules, samples = [], []\n"
	"def sample(name, args):\n"
	"    if name in nrs:\n"
	"        s = '%s=%d:%s' % (name, nrs[name], ':'.join(str(x) for x in args))\n"
	"        if s not in samples: samples.append(s)\n"
	"for e in prof['syscalls']:\n"
	"    assert isinstance(e['names'], list) and e['names'], e\n"
	"    args = e.get('args') or []\n"
	"    idx = [a['index'] for a in args]\n"
	"    assert all(0 <= i < 5 for i in idx), 'index 5 carries the probe cookie'\n"
	"    groups = [args] if len(set(idx)) == len(idx) else [[a] for a in args]\n"
	"    for name in e['names']:\n"
	"        if name not in nrs: continue\n"
	"        for g in groups:\n"
	"            rules.append('%s %d %s %d %d %s' % (name, nrs[name], ACT[e['action']],\n"
	"                e.get('errnoRet', 1), len(g),\n"
	"                ' '.join('%d %d %d %d' % (a['index'], OPS[a['op']], a['value'],\n"
	"                                          a.get('valueTwo', 0)) for a in g)))\n"
	"        base = [0] * 5\n"
	"        for a in args: base[a['index']] = meet(a)\n"
	"        sample(name, base)\n"
	"        for a in args:\n"
	"            v = miss(a)\n"
	"            if v is not None:\n"
	"                b = list(base); b[a['index']] = v; sample(name, b)\n"
	"for extra in sys.argv[4:]:\n"
	"    name, _, rest = extra.partition('=')\n"
	"    sample(name, [int(x, 0) for x in rest.split(':')])\n"
	"open(sys.argv[2], 'w').write(''.join(r + '\\n' for r in rules))\n"
	"open(sys.argv[3], 'w').write(''.join(s + '\\n' for s in samples))\n";

/* Calls the loader's table decides, with arguments on both sides of its
 * comparisons; names missing from the profile must be allowed by both. */
static const char *const extra_samples[] = {
	"getpid=0:0:0:0:0", "sethostname=0:0:0:0:0", "ptrace=0:0:0:0:0",
	"chmod=0:0o4755:0:0:0", "chmod=0:0o755:0:0:0", "fchmod=0:0o2755:0:0:0",
	"fchmodat=0:0:0o6755:0:0", "openat=0:0:0x40:0o4000:0", "openat=0:0:0x40:0o644:0",
	"openat=0:0:0x241:0o644:0", "personality=0x400000:0:0:0:0",
	"personality=0xffffffff:0:0:0:0", "personality=8:0:0:0:0", "clone3=0:0:0:0:0",
	"io_uring_setup=0:0:0:0:0", "unshare=0x10000000:0:0:0:0",
	"clone=0x40000011:0:0:0:0", "clone=0x11:0:0:0:0", "mount=0:0:0:0:0",
	"kexec_load=0:0:0:0:0", "prctl=35:0:0:0:0", "prctl=15:0:0:0:0", "prctl=39:0:0:0:0",
	"memfd_create=0:0:0:0:0", "execveat=0:0:0:0:0x1000",
};

static const char *
policy_in(const char *dir, const char *body)
{
	static char path[4200];
	char data[4200], text[8400];

	snprintf(data, sizeof(data), "%s/data", dir);
	cr_assert_eq(mkdir(data, 0755), 0);
	snprintf(path, sizeof(path), "%s/policy", dir);
	snprintf(text, sizeof(text), "WritablePath %s\n%s", data, body);
	rt_write_file(path, text);
	return path;
}

static struct rt_result
export_profile(const char *policy, const char *out_path)
{
	char *argv[] = { (char *)rt_path("rampart"), "export-seccomp", "--policy",
			 (char *)policy, NULL };
	struct rt_result r;

	cr_assert_eq(rt_run(argv, NULL, 20, &r), 0);
	if (out_path)
		rt_write_file(out_path, r.out);
	return r;
}

Test(export_seccomp, profile_is_valid_json_with_policy_rules)
{
	const char *dir = rt_tmpdir();
	const char *policy = policy_in(dir, "DenySyscall sethostname\nAllowSyscall ptrace\n");
	char prof[4200];
	struct rt_result r, py;

	snprintf(prof, sizeof(prof), "%s/profile.json", dir);
	r = export_profile(policy, prof);
	cr_assert_eq(r.status, 0, "export-seccomp exit %d: %s", r.status, r.err);
	{
		char *argv[] = { "/usr/bin/python3", "-c",
			"import json, sys\n"
			"p = json.load(open(sys.argv[1]))\n"
			"names = [n for e in p['syscalls'] for n in e['names']]\n"
			"for e in p['syscalls']:\n"
			"    assert e['action'] in ('SCMP_ACT_ERRNO', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_LOG')\n"
			"    assert e['action'] != 'SCMP_ACT_ERRNO' or isinstance(e['errnoRet'], int)\n"
			"    for a in e['args']: assert set(a) == {'index', 'value', 'valueTwo', 'op'}, a\n"
			"assert 'sethostname' in names, 'DenySyscall missing'\n"
			"assert 'ptrace' not in names, 'AllowSyscall ignored'\n"
			"print(len(names))\n",
			prof, NULL };

		cr_assert_eq(rt_run(argv, NULL, 20, &py), 0);
		cr_assert_eq(py.status, 0, "profile rejected: %s\n%s", py.err, r.out);
		cr_expect_gt(atoi(py.out), 1, "profile has too few names: %s", py.out);
		rt_result_free(&py);
	}
	cr_expect(strstr(r.err, "note:") != NULL, "no note on what the format cannot express");
	rt_result_free(&r);
	rt_cleanup(dir);
}

Test(export_seccomp, audit_mode_logs_instead_of_denying)
{
	const char *dir = rt_tmpdir();
	const char *policy = policy_in(dir, "Mode audit\nDenySyscall sethostname\n");
	struct rt_result r = export_profile(policy, NULL);

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"SCMP_ACT_LOG\"") != NULL, "%s", r.out);
	/* the only errno answers left are ENOSYS ("feature absent": clone3,
	 * io_uring), which block nothing: libraries fall back */
	{
		const char *at = r.out;
		int denies = 0;

		while ((at = strstr(at, "\"SCMP_ACT_ERRNO\""))) {
			const char *ret = strstr(at, "\"errnoRet\"");
			const char *next = strstr(at + 1, "\"action\"");

			cr_expect(ret && (!next || ret < next) && strncmp(strchr(ret, ':') + 1, "38", 2) == 0,
				  "audit mode still denies with an errno other than ENOSYS near: %.200s", at);
			denies++;
			at++;
		}
		cr_expect(denies <= 2, "%d errno entries in audit mode", denies);
	}
	rt_result_free(&r);
	rt_cleanup(dir);
}

/* A profile does not depend on paths: exporting on a build host, where
 * the image's writable dirs do not exist, works. */
Test(export_seccomp, writable_dirs_need_not_exist_where_it_runs)
{
	const char *dir = rt_tmpdir();
	char path[4200];
	struct rt_result r;

	snprintf(path, sizeof(path), "%s/policy", dir);
	rt_write_file(path, "WritablePath /nonexistent/rampart/app/logs\nDenySyscall sethostname\n");
	r = export_profile(path, NULL);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect(strstr(r.out, "\"sethostname\"") != NULL, "%s", r.out);
	cr_expect(strstr(r.err, "does not exist") == NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(dir);
}

Test(export_seccomp, bad_policy_exits_125_with_line)
{
	const char *dir = rt_tmpdir();
	char path[4200];
	char *argv[] = { (char *)rt_path("rampart"), "export-seccomp", "--policy", path, NULL };
	struct rt_result r;

	snprintf(path, sizeof(path), "%s/bad", dir);
	rt_write_file(path, "Mode enforce\nWriteablePath /tmp\n");
	cr_assert_eq(rt_run(argv, NULL, 20, &r), 0);
	cr_expect_eq(r.status, 125);
	cr_expect(strstr(r.err, ":2:") != NULL, "no FILE:LINE in: %s", r.err);
	cr_expect_eq(r.out[0], '\0', "a profile was written for a bad policy");
	rt_result_free(&r);
	rt_cleanup(dir);
}

/* Split "a\nb\n" into argv slots after `argv[first]`. */
static int
split_lines(char *text, char **argv, int first, int max)
{
	int n = first;
	char *line;

	for (line = strtok(text, "\n"); line && n < max - 1; line = strtok(NULL, "\n"))
		argv[n++] = line;
	argv[n] = NULL;
	return n - first;
}

Test(export_seccomp, profile_decides_like_the_loader_filter, .timeout = 60)
{
	const char *dir, *policy;
	char prof[4200], rules[4200], samples[4200], *text;
	char *sample_argv[600];
	const char *probe;
	struct rt_result r, a, b;
	int n, i, diff = 0;

	if (!rt_is_root())
		cr_skip_test("needs root: the loader switches ids, the probe filters are stacked as root");
	dir = rt_tmpdir();
	policy = policy_in(dir, "DenySyscall sethostname\nAllowSyscall ptrace\n");
	snprintf(prof, sizeof(prof), "%s/profile.json", dir);
	snprintf(rules, sizeof(rules), "%s/rules", dir);
	snprintf(samples, sizeof(samples), "%s/samples", dir);
	r = export_profile(policy, prof);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.err, "left out") == NULL,
		  "rules left out of the profile: compare them by hand: %s", r.err);
	rt_result_free(&r);
	{
		char *argv[64] = { "/usr/bin/python3", "-c", (char *)convert_py, prof, rules, samples };
		size_t k;

		for (k = 0; k < sizeof(extra_samples) / sizeof(extra_samples[0]); k++)
			argv[6 + k] = (char *)extra_samples[k];
		cr_assert_eq(rt_run(argv, NULL, 20, &r), 0);
		cr_assert_eq(r.status, 0, "converter: %s", r.err);
		rt_result_free(&r);
	}
	text = rt_read_file(samples);
	cr_assert_not_null(text);

	/* the profile, as an engine would compile it */
	sample_argv[0] = (char *)rt_prog("sc_load");
	sample_argv[1] = "profile";
	sample_argv[2] = rules;
	n = split_lines(text, sample_argv, 3, 600);
	cr_assert_gt(n, 20, "too few samples: %d", n);
	cr_assert_eq(rt_run(sample_argv, NULL, 30, &a), 0);
	cr_assert_eq(a.status, 0, "sc_load profile: %s", a.err);

	/* the loader's own filter; the static probe is out of the shim's reach */
	probe = rt_prog("sc_load.static");
	if (!rt_exists(probe))
		probe = rt_prog("sc_load");
	{
		char *argv[620] = { (char *)rt_prog("sc_load"), "marker", "--",
				    (char *)rt_path("rampart"), "--policy", (char *)policy, "--",
				    (char *)probe, "probe" };

		for (i = 0; i < n; i++)
			argv[9 + i] = sample_argv[3 + i];
		argv[9 + n] = NULL;
		cr_assert_eq(rt_run(argv, NULL, 30, &b), 0);
		cr_assert_eq(b.status, 0, "loader + probe exit %d: %s", b.status, b.err);
	}
	/* a sanity anchor: both see a denial and an allowed call */
	cr_expect(strstr(a.out, "sethostname=170:0:0:0:0:0 errno 1\n") != NULL, "%s", a.out);
	cr_expect(strstr(a.out, "getpid=39:0:0:0:0:0 allow\n") != NULL, "%s", a.out);
	if (strcmp(a.out, b.out) != 0) {
		char *sa, *sb, *la = strtok_r(a.out, "\n", &sa), *lb = strtok_r(b.out, "\n", &sb);

		for (; la && lb; la = strtok_r(NULL, "\n", &sa), lb = strtok_r(NULL, "\n", &sb))
			if (strcmp(la, lb) != 0) {
				cr_log_error("profile: %s | loader: %s", la, lb);
				diff++;
			}
		cr_assert_fail("%d of %d sampled decisions differ", diff ? diff : 1, n);
	}
	free(text);
	rt_result_free(&a);
	rt_result_free(&b);
	rt_cleanup(dir);
}

/* The engine applies the profile before the ENTRYPOINT: the loader must
 * then still build and enforce its Landlock ruleset and install its own
 * filter.  sc_load apply stands in for runc: the profile's rules, compiled
 * with libseccomp, then exec. */
Test(export_seccomp, loader_runs_under_the_exported_profile, .timeout = 60)
{
	const char *dir, *policy;
	char prof[4200], rules[4200], samples[4200];
	struct rt_result r;

	if (!rt_is_root())
		cr_skip_test("needs root: the profile is loaded without no_new_privs, as runc does");
	if (syscall(444, NULL, 0, 1U) < 0)
		cr_skip_test("kernel without Landlock: nothing for the profile to deny");
	dir = rt_tmpdir();
	/* the whole start: user switch, capabilities, no_new_privs, Landlock,
	 * the loader's own filter */
	policy = policy_in(dir, "User 1000\n");
	cr_assert_eq(chmod(dir, 0755), 0);
	cr_assert_eq(chmod(policy, 0644), 0);
	snprintf(prof, sizeof(prof), "%s/profile.json", dir);
	snprintf(rules, sizeof(rules), "%s/rules", dir);
	snprintf(samples, sizeof(samples), "%s/samples", dir);
	r = export_profile(policy, prof);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "landlock_") == NULL, "the profile denies Landlock:\n%s", r.out);
	rt_result_free(&r);
	{
		char *argv[] = { "/usr/bin/python3", "-c", (char *)convert_py, prof, rules, samples,
				 NULL };

		cr_assert_eq(rt_run(argv, NULL, 20, &r), 0);
		cr_assert_eq(r.status, 0, "converter: %s", r.err);
		rt_result_free(&r);
	}
	{
		char *argv[] = { (char *)rt_prog("sc_load"), "apply", rules, "--",
				 (char *)rt_path("rampart"), "--policy", (char *)policy, "--",
				 "/bin/true", NULL };

		cr_assert_eq(rt_run(argv, NULL, 30, &r), 0);
		cr_expect_eq(r.status, 0, "loader under its own profile: exit %d: %s", r.status, r.err);
		cr_expect(strstr(r.err, "\"uid\":1000") != NULL, "%s", r.err);
		cr_expect(strstr(r.err, "\"state\":\"enforced\",\"handled\"") != NULL,
			  "Landlock not enforced: %s", r.err);
		cr_expect(strstr(r.err, "\"seccomp\":{\"state\":\"enforced\"") != NULL, "%s", r.err);
		rt_result_free(&r);
	}
	rt_cleanup(dir);
}

/* A profile that denies landlock_* (an older export, or the engine's own)
 * answers EPERM, which no kernel gives for the version query: the loader
 * must say it is the profile, and --check must say the run would fail. */
Test(export_seccomp, profile_denying_landlock_is_named_by_run_and_check, .timeout = 60)
{
	/* all three (an older export), or each alone (a hand-made profile):
	 * the loader meets them at the probe, the ruleset, the restriction */
	static const char *const profiles[] = {
		("landlock_create_ruleset 444 errno 1 0\nlandlock_add_rule 445 errno 1 0\n"
		 "landlock_restrict_self 446 errno 1 0\n"),
		"landlock_add_rule 445 errno 1 0\n",
		"landlock_restrict_self 446 errno 1 0\n",
	};
	const char *dir, *policy;
	char rules[4200];
	struct rt_result r;
	unsigned k;

	if (!rt_is_root())
		cr_skip_test("needs root: the profile is loaded without no_new_privs, as runc does");
	if (syscall(444, NULL, 0, 1U) < 0)
		cr_skip_test("kernel without Landlock: the probe fails for another reason");
	dir = rt_tmpdir();
	policy = policy_in(dir, "");
	snprintf(rules, sizeof(rules), "%s/rules", dir);
	for (k = 0; k < sizeof(profiles) / sizeof(profiles[0]); k++) {
		char *run[] = { (char *)rt_prog("sc_load"), "apply", rules, "--",
				(char *)rt_path("rampart"), "--policy", (char *)policy, "--",
				"/bin/true", NULL };
		char *check[] = { (char *)rt_prog("sc_load"), "apply", rules, "--",
				  (char *)rt_path("rampart"), "--check", "--json", "--policy",
				  (char *)policy, "--", "/bin/true", NULL };

		rt_write_file(rules, profiles[k]);
		cr_assert_eq(rt_run(run, NULL, 30, &r), 0);
		cr_expect_eq(r.status, 125, "profile %u: exit %d: %s", k, r.status, r.err);
		cr_expect(strstr(r.err, "seccomp profile") != NULL,
			  "profile %u: hint does not name the profile: %s", k, r.err);
		cr_expect(strstr(r.err, "export-seccomp") != NULL, "%s", r.err);
		cr_expect(strstr(r.err, "best-effort") == NULL,
			  "profile %u: hint suggests dropping Landlock: %s", k, r.err);
		rt_result_free(&r);
		cr_assert_eq(rt_run(check, NULL, 30, &r), 0);
		cr_expect_eq(r.status, 125, "profile %u: --check exit %d: %s\n%s", k, r.status,
			     r.out, r.err);
		cr_expect(strstr(r.out, "\"errors\":[]") == NULL, "no error in the plan: %s", r.out);
		cr_expect(strstr(r.err, "would fail: landlock") != NULL, "%s", r.err);
		rt_result_free(&r);
	}
	rt_cleanup(dir);
}
