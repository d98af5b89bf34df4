/* test_loader_rights.c - which rights the loader's Landlock ruleset
 * handles, and that each choice keeps what docs/threat-model.md claims:
 *   - read_file is handled only when a file is withheld, and then a
 *     denied file of a PATH dir is unreadable while its neighbours are not;
 *   - read_dir is never handled (nothing the threat model claims needs it);
 *   - a compiler's tree (/usr/lib/gcc) that holds a denied file is
 *     withheld whole, not per file;
 *   - RAMPART_LANDLOCK_RIGHTS (tests and `make bench` only) selects the
 *     variants the benchmark compares, and an unknown value exits 125.
 * A static fs_try does the reading: no shim sees it, so what it meets is
 * the kernel's answer. */
#include <criterion/criterion.h>
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_loader.h"

/* `fs_try OP PATH [OP PATH]` under the loader; r->out has its lines. */
static void
try2(const struct lt_env *e, const char *const *env, const char *op1, const char *p1,
     const char *op2, const char *p2, struct rt_result *r)
{
	char prog[PATH_MAX + 16];
	const char *args[] = { prog, op1, p1, op2, p2, NULL };

	snprintf(prog, sizeof(prog), "%s/fs_try", e->bin);
	cr_assert_eq(lt_run_ex(e, NULL, NULL, args, env, r), 0);
}

static void
setup_fs_try(struct lt_env *e, const char *policy_extra)
{
	char fs[PATH_MAX + 16];

	lt_setup(e, policy_extra);
	lt_need_landlock();
	if (access(rt_prog("fs_try.static"), X_OK) != 0)
		cr_skip_test("no static fs_try");
	snprintf(fs, sizeof(fs), "%s/fs_try", e->bin);
	lt_copy(rt_prog("fs_try.static"), fs, 0755);
}

Test(loader_rights, read_file_is_handled_only_when_a_file_is_withheld)
{
	struct lt_env e;
	struct rt_result r;
	char denied[PATH_MAX + 16], other[PATH_MAX + 16], want[PATH_MAX + 64];

	/* a denied name in <bin>, which is on the command's PATH */
	setup_fs_try(&e, "DenyExec rampart-test-cc\n");
	snprintf(denied, sizeof(denied), "%s/rampart-test-cc", e.bin);
	snprintf(other, sizeof(other), "%s/neighbour", e.bin);
	rt_write_file(denied, "#!/bin/sh\n");
	rt_write_file(other, "data\n");
	chmod(denied, 0755);
	chmod(other, 0644);

	try2(&e, NULL, "r", denied, "r", other, &r);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "read_file") && !strstr(r.err, "read_dir"), "handled: %s", r.err);
	cr_expect(strstr(r.err, "\"withheld_files\":0") == NULL, "nothing withheld: %s", r.err);
	snprintf(want, sizeof(want), "r %s err=%d", denied, EACCES);
	cr_expect(strstr(r.out, want), "the denied file is readable:\n%s", r.out);
	snprintf(want, sizeof(want), "r %s ok", other);
	cr_expect(strstr(r.out, want), "its neighbour is not readable:\n%s", r.out);
	rt_result_free(&r);

	/* nothing the policy denies exists: reads are left to DAC */
	rt_cleanup(e.dir);
	setup_fs_try(&e, "DenyExec rampart-test-no-such-program\n");
	snprintf(denied, sizeof(denied), "%s/rampart-test-cc", e.bin);
	snprintf(other, sizeof(other), "%s/outside", e.dir);
	rt_write_file(denied, "#!/bin/sh\n");
	rt_write_file(other, "data\n");
	chmod(other, 0666);	/* uid 1000 may write it by its mode */
	try2(&e, NULL, "r", denied, "w", other, &r);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "\"withheld_files\":0"), "%s", r.err);
	cr_expect(!strstr(r.err, "read_file") && !strstr(r.err, "read_dir"), "handled: %s", r.err);
	cr_expect(strstr(r.err, ",truncate") && strstr(r.err, "write_file"), "handled: %s", r.err);
	snprintf(want, sizeof(want), "r %s ok", denied);
	cr_expect(strstr(r.out, want), "%s", r.out);
	snprintf(want, sizeof(want), "w %s err=%d", other, EACCES);
	cr_expect(strstr(r.out, want), "a write outside is still denied:\n%s", r.out);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* /usr/lib/gcc/TRIPLET/VERSION/NAME for the first such regular file, or 0
 * (<glob.h> is shadowed by shim/glob.h on the include path). */
static int
gcc_file(const char *name, char *out, size_t outsz)
{
	const char *top = "/usr/lib/gcc";
	DIR *d1 = opendir(top), *d2;
	struct dirent *a, *b;
	int found = 0;

	while (d1 && !found && (a = readdir(d1)) != NULL) {
		char sub[PATH_MAX];

		if (a->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", top, a->d_name);
		if (!(d2 = opendir(sub)))
			continue;
		while (!found && (b = readdir(d2)) != NULL) {
			struct stat st;

			if (b->d_name[0] == '.')
				continue;
			snprintf(out, outsz, "%s/%s/%s", sub, b->d_name, name);
			found = lstat(out, &st) == 0 && S_ISREG(st.st_mode);
		}
		closedir(d2);
	}
	if (d1)
		closedir(d1);
	return found;
}

Test(loader_rights, a_gcc_tree_holding_a_denied_file_is_withheld_whole)
{
	struct lt_env e;
	struct rt_result r;
	char cc1[PATH_MAX], crt[PATH_MAX], want[PATH_MAX + 64];

	if (!gcc_file("cc1", cc1, sizeof(cc1)) || !gcc_file("crtbegin.o", crt, sizeof(crt)))
		cr_skip_test("no gcc tree with cc1 and crtbegin.o in /usr/lib/gcc");
	setup_fs_try(&e, "DenyExec cc1\n");
	try2(&e, NULL, "r", cc1, "r", crt, &r);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	snprintf(want, sizeof(want), "r %s err=%d", cc1, EACCES);
	cr_expect(strstr(r.out, want), "the denied pass is readable:\n%s", r.out);
	/* not denied by name, but in the same tree: no rule reaches it */
	snprintf(want, sizeof(want), "r %s err=%d", crt, EACCES);
	cr_expect(strstr(r.out, want), "the tree was not withheld whole:\n%s", r.out);
	rt_result_free(&r);
	/* and the rest of /usr/lib stays readable */
	try2(&e, NULL, "r", "/usr/lib/os-release", "r", "/etc/passwd", &r);
	cr_expect(lt_line(r.out, "r /usr/lib/os-release ok", want, sizeof(want)) ||
		  access("/usr/lib/os-release", R_OK) != 0, "%s", r.out);
	cr_expect(strstr(r.out, "r /etc/passwd ok"), "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_rights, the_benchmark_variants_handle_what_they_say)
{
	struct lt_env e;
	struct rt_result r;
	char outside[PATH_MAX + 16], want[PATH_MAX + 64];
	const char *wx[] = { "RAMPART_LANDLOCK_RIGHTS=writes-exec", NULL };
	const char *all[] = { "RAMPART_LANDLOCK_RIGHTS=all", NULL };
	const char *bad[] = { "RAMPART_LANDLOCK_RIGHTS=bogus", NULL };

	setup_fs_try(&e, NULL);
	snprintf(outside, sizeof(outside), "%s/outside", e.dir);
	rt_write_file(outside, "data\n");
	chmod(outside, 0666);

	/* the floor: writes and exec still confined, truncation not */
	try2(&e, wx, "w", outside, "r", outside, &r);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "write_file") && !strstr(r.err, "truncate") &&
		  !strstr(r.err, "read_file") && !strstr(r.err, "ioctl_dev"), "%s", r.err);
	snprintf(want, sizeof(want), "w %s err=%d", outside, EACCES);
	cr_expect(strstr(r.out, want), "%s", r.out);
	rt_result_free(&r);

	try2(&e, all, "w", outside, "r", outside, &r);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "read_file,read_dir") && strstr(r.err, ",truncate"), "%s", r.err);
	rt_result_free(&r);

	try2(&e, bad, "r", outside, "r", outside, &r);
	cr_expect_eq(r.status, 125, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "rampart: RAMPART_LANDLOCK_RIGHTS: invalid value"), "%s", r.err);
	cr_expect(!strstr(r.out, "r "), "the command ran: %s", r.out);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}
