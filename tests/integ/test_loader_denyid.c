/* test_loader_denyid.c - a renamed copy of a DenyExec'd program is denied
 * under the loader, although Landlock has made the original unreadable:
 * the loader hands the shim fingerprints of what it withholds
 * (shim/fprint.h), the exec wrappers keep them sticky, and where a
 * same-size file cannot be compared the shim denies.
 *
 * The original is the stand-in compiler (tests/progs/exec_fakecc, which
 * appends a line to $FAKECC_MARKER when it runs) installed as bin/gcc in
 * the PATH the loader scans; copies live in opt/, which uid 1000 cannot
 * write.  Programs run through sh or python3, so the shim of the app (not
 * the loader's own decision) judges them. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_loader.h"

struct did {
	struct lt_env e;
	char opt[PATH_MAX], copy[PATH_MAX + 16], other[PATH_MAX + 16], hidden[PATH_MAX];
	char marker[PATH_MAX + 16], marker_env[PATH_MAX + 32];
};

/* The same size as `path`, one byte different (the last: an ELF file's
 * section headers, which running it never reads). */
static void
flip_last_byte(const char *path)
{
	int fd = open(path, O_RDWR);
	off_t end;
	unsigned char c;

	cr_assert(fd >= 0);
	end = lseek(fd, -1, SEEK_END);
	cr_assert(end > 0 && pread(fd, &c, 1, end) == 1);
	c ^= 0x5a;
	cr_assert(pwrite(fd, &c, 1, end) == 1);
	close(fd);
}

static void
did_setup(struct did *d, const char *extra)
{
	char orig[PATH_MAX + 8], text[1024];

	snprintf(text, sizeof(text), "DenyExec gcc\n%s", extra ? extra : "");
	lt_setup(&d->e, text);
	lt_need_landlock();
	snprintf(orig, sizeof(orig), "%s/gcc", d->e.bin);
	lt_copy(rt_prog("exec_fakecc"), orig, 0755);
	snprintf(d->opt, sizeof(d->opt), "%s/opt", d->e.dir);
	snprintf(d->hidden, sizeof(d->hidden), "%s/hidden", d->e.dir);
	cr_assert(mkdir(d->opt, 0755) == 0 && mkdir(d->hidden, 0755) == 0);
	snprintf(d->copy, sizeof(d->copy), "%s/notgcc", d->opt);
	snprintf(d->other, sizeof(d->other), "%s/other", d->opt);
	lt_copy(orig, d->copy, 0755);
	lt_copy(orig, d->other, 0755);
	flip_last_byte(d->other);
	snprintf(d->marker, sizeof(d->marker), "%s/marker", d->e.wdir);
	snprintf(d->marker_env, sizeof(d->marker_env), "FAKECC_MARKER=%s", d->marker);
}

/* /bin/sh -c SCRIPT under the loader with `opts`. */
static void
did_sh(const struct did *d, const char *const *opts, const char *script, struct rt_result *r)
{
	const char *args[] = { "/bin/sh", "-c", script, NULL };
	const char *env[] = { d->marker_env, NULL };

	cr_assert_eq(lt_run_ex(&d->e, NULL, opts, args, env, r), 0);
}

Test(loader_denyid, identical_copy_is_denied_though_landlock_hides_the_original)
{
	struct did d;
	struct rt_result r;
	char script[4 * PATH_MAX];

	did_setup(&d, NULL);
	snprintf(script, sizeof(script),
		 "cat %s/gcc >/dev/null 2>&1 && echo ORIGINAL-READABLE; %s; echo rc=$?",
		 d.e.bin, d.copy);
	did_sh(&d, NULL, script, &r);
	cr_expect_eq(r.status, 0, "status %d\n%s", r.status, r.err);
	cr_expect(strstr(r.err, "\"state\":\"enforced\""), "Landlock not enforced: %s", r.err);
	cr_expect(!strstr(r.out, "ORIGINAL-READABLE"),
		  "the original is readable: this test would not test the withheld case");
	cr_expect(strstr(r.out, "rc=126"), "the copy ran: %s\n%s", r.out, r.err);
	cr_expect(!rt_exists(d.marker), "the copy ran (marker written)");
	cr_expect(strstr(r.err, "\"rule\":\"deny-id\""), "no deny-id event: %s", r.err);
	cr_expect(strstr(r.err, "\"fingerprints\":") && !strstr(r.err, "\"fingerprints\":0,"),
		  "no fingerprints in the report: %s", r.err);
	rt_result_free(&r);
	rt_cleanup(d.e.dir);
}

Test(loader_denyid, same_size_different_file_runs)
{
	struct did d;
	struct rt_result r;
	char script[4 * PATH_MAX];

	did_setup(&d, NULL);
	snprintf(script, sizeof(script), "%s; echo rc=$?", d.other);
	did_sh(&d, NULL, script, &r);
	cr_expect(strstr(r.out, "rc=0"), "a different file of the same size was refused: %s\n%s",
		  r.out, r.err);
	cr_expect(rt_exists(d.marker), "it did not run");
	rt_result_free(&r);
	rt_cleanup(d.e.dir);
}

/* A child handed a forged list would compare against the forged value; the
 * exec wrappers put back the one the process started with. */
Test(loader_denyid, forged_fingerprints_do_not_reach_children)
{
	struct did d;
	struct rt_result r;
	struct stat st;
	char script[6 * PATH_MAX], orig[PATH_MAX + 8];

	did_setup(&d, NULL);
	snprintf(orig, sizeof(orig), "%s/gcc", d.e.bin);
	cr_assert(stat(orig, &st) == 0);
	snprintf(script, sizeof(script),
		 "RAMPART_DENY_IDS=%lx:%lx:%lx:0123456789abcdef0123456789abcdef "
		 "/bin/sh -c '%s; echo rc=$?'",
		 (unsigned long)st.st_dev, (unsigned long)st.st_ino, (unsigned long)st.st_size,
		 d.copy);
	did_sh(&d, NULL, script, &r);
	cr_expect(strstr(r.out, "rc=126"), "the copy ran: %s\n%s", r.out, r.err);
	cr_expect(!rt_exists(d.marker), "the copy ran (marker written)");
	cr_expect(strstr(r.err, "RAMPART_DENY_IDS reset"), "no sticky-env repair: %s", r.err);
	rt_result_free(&r);
	rt_cleanup(d.e.dir);
}

/* An original that the loader did not fingerprint (it was not in the PATH
 * the loader scanned) and that the app cannot read: a same-size file
 * cannot be told apart from a copy, so it is denied. */
Test(loader_denyid, unverifiable_same_size_file_is_denied)
{
	struct did d;
	struct rt_result r;
	char hidden_gcc[PATH_MAX + 8], code[4 * PATH_MAX];
	const char *args[] = { "/usr/bin/python3", "-c", code, NULL };
	const char *env[] = { d.marker_env, NULL };

	did_setup(&d, NULL);
	snprintf(hidden_gcc, sizeof(hidden_gcc), "%s/gcc", d.hidden);
	lt_copy(rt_prog("exec_fakecc"), hidden_gcc, 0700);	/* root's: uid 1000 cannot read */
	snprintf(code, sizeof(code),
		 "import os, sys\n"
		 "os.environ['PATH'] = '%s:' + os.environ['PATH']\n"
		 "try:\n"
		 "    os.execv('%s', ['other'])\n"
		 "except PermissionError:\n"
		 "    print('denied'); sys.exit(0)\n",
		 d.hidden, d.other);
	cr_assert_eq(lt_run_ex(&d.e, NULL, NULL, args, env, &r), 0);
	cr_expect(strstr(r.out, "denied"), "not denied: %s\n%s", r.out, r.err);
	cr_expect(!rt_exists(d.marker), "it ran (marker written)");
	cr_expect(strstr(r.err, "\"rule\":\"deny-id\""), "no deny-id event: %s", r.err);
	rt_result_free(&r);
	rt_cleanup(d.e.dir);
}

/* Audit mode (no Landlock) and --check give the same answer. */
Test(loader_denyid, audit_and_check_agree)
{
	struct did d;
	struct rt_result r;
	char script[4 * PATH_MAX];
	const char *audit[] = { "--audit", NULL };
	const char *check[] = { "--check", NULL };
	const char *copy_args[] = { d.copy, NULL };

	did_setup(&d, NULL);
	snprintf(script, sizeof(script), "%s; echo rc=$?", d.copy);
	did_sh(&d, audit, script, &r);
	cr_expect(strstr(r.out, "rc=0"), "audit mode refused it: %s\n%s", r.out, r.err);
	cr_expect(rt_exists(d.marker), "it did not run in audit mode");
	cr_expect(strstr(r.err, "\"decision\":\"audit\"") && strstr(r.err, "\"rule\":\"deny-id\""),
		  "no audit deny-id event: %s", r.err);
	rt_result_free(&r);

	cr_assert_eq(lt_run(&d.e, check, copy_args, &r), 0);
	cr_expect_eq(r.status, 126, "--check: status %d\n%s%s", r.status, r.out, r.err);
	cr_expect(strstr(r.out, "denied by deny-id pattern 'gcc'"), "--check: %s", r.out);
	rt_result_free(&r);
	rt_cleanup(d.e.dir);
}

/* The case of the container trial: a copy of the real gcc baked into the
 * image under another name, run from a shell and from python. */
Test(loader_denyid, copy_of_real_gcc_is_denied)
{
	struct lt_env e;
	struct rt_result r;
	char copy[PATH_MAX + 16], script[4 * PATH_MAX];
	const char *args[] = { "/bin/sh", "-c", script, NULL };

	if (access("/usr/bin/gcc-12", R_OK) != 0)
		cr_skip_test("no /usr/bin/gcc-12");
	lt_setup(&e, "DenyExec gcc gcc-[0-9]*\n");
	lt_need_landlock();
	snprintf(copy, sizeof(copy), "%s/notgcc", e.bin);
	lt_copy("/usr/bin/gcc-12", copy, 0755);
	snprintf(script, sizeof(script),
		 "%s --version >/dev/null 2>&1; echo sh rc=$?; "
		 "/usr/bin/python3 -c 'import subprocess\n"
		 "try:\n    print(\"py rc=%%d\" %% subprocess.run([\"%s\", \"--version\"], "
		 "capture_output=True).returncode)\n"
		 "except PermissionError:\n    print(\"py denied\")'",
		 copy, copy);
	cr_assert_eq(lt_run(&e, NULL, args, &r), 0);
	cr_expect(strstr(r.out, "sh rc=126"), "from sh: %s\n%s", r.out, r.err);
	cr_expect(strstr(r.out, "py denied"), "from python: %s\n%s", r.out, r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* Without the loader, a shim that starts with a forged list still reads
 * the original where it can: the list only stands in for unreadable
 * files. */
Test(loader_denyid, a_forged_list_never_outweighs_a_readable_original)
{
	struct did d;
	struct rt_result r;
	struct stat st;
	char orig[PATH_MAX + 8], forged[PATH_MAX + 128], script[2 * PATH_MAX];
	char preload[PATH_MAX + 16], policy[PATH_MAX + 32], pathvar[PATH_MAX + 32];
	char *argv[] = { "/bin/sh", "-c", script, NULL };
	char *env[] = { preload, policy, pathvar, forged, d.marker_env, NULL };

	did_setup(&d, NULL);
	snprintf(orig, sizeof(orig), "%s/gcc", d.e.bin);
	cr_assert(stat(orig, &st) == 0);
	snprintf(forged, sizeof(forged),
		 "RAMPART_DENY_IDS=%lx:%lx:%lx:0123456789abcdef0123456789abcdef",
		 (unsigned long)st.st_dev, (unsigned long)st.st_ino, (unsigned long)st.st_size);
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", rt_path("librampart.so"));
	snprintf(policy, sizeof(policy), "RAMPART_POLICY=%s", d.e.policy);
	snprintf(pathvar, sizeof(pathvar), "PATH=%s:/usr/bin:/bin", d.e.bin);
	snprintf(script, sizeof(script), "%s; echo rc=$?", d.copy);
	cr_assert_eq(rt_run(argv, env, 20, &r), 0);
	cr_expect(strstr(r.out, "rc=126"), "the copy ran: %s\n%s", r.out, r.err);
	cr_expect(!rt_exists(d.marker), "the copy ran (marker written)");
	rt_result_free(&r);
	rt_cleanup(d.e.dir);
}
