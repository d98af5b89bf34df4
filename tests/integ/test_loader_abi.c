/* test_loader_abi.c - RAMPART_LANDLOCK_ABI_MAX makes the loader use an
 * older Landlock ABI, so the code for older kernels runs for real: for
 * each ABI from 1 to the kernel's, a denied write, W^X and truncation
 * behave as docs/threat-model.md says (below ABI 3 Landlock cannot stop
 * truncation and seccomp denies truncate(2) and O_RDONLY|O_TRUNC (and
 * access mode 3 with O_TRUNC) opens everywhere; from ABI 3 Landlock allows
 * it beneath the writable dirs only, openat2 included).  Static programs do the work: no shim can see them, so what they
 * meet is the kernel's answer. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test_loader.h"

static int
kernel_abi(void)
{
	long abi = syscall(444, NULL, 0, 1U);	/* LANDLOCK_CREATE_RULESET_VERSION */

	return abi < 0 ? 0 : (int)abi;
}

/* `fs_try.static OP PATH` under the loader capped at `abi`: its one line. */
static void
fs_try(const struct lt_env *e, const char *cap_env, const char *op, const char *path,
       char *line, int linesz, struct rt_result *report)
{
	char prog[PATH_MAX + 16];
	const char *args[] = { prog, op, path, NULL };
	const char *env[] = { cap_env, NULL };
	struct rt_result r;

	snprintf(prog, sizeof(prog), "%s/fs_try", e->bin);
	cr_assert_eq(lt_run_ex(e, NULL, NULL, args, env, &r), 0);
	snprintf(line, (size_t)linesz, "%s", r.out);
	line[strcspn(line, "\n")] = '\0';
	if (report)
		*report = r;
	else
		rt_result_free(&r);
}

Test(loader_abi, every_abi_up_to_the_kernels_confines_as_documented)
{
	struct lt_env e;
	struct rt_result r;
	char outside[PATH_MAX + 16], inside[PATH_MAX + 16], wprog[PATH_MAX + 16];
	char line[512], cap[64], want[PATH_MAX + 64], fs[PATH_MAX + 16];
	int abi, kabi;

	lt_setup(&e, NULL);
	lt_need_landlock();
	kabi = kernel_abi();
	snprintf(fs, sizeof(fs), "%s/fs_try", e.bin);
	if (access(rt_prog("fs_try.static"), X_OK) != 0)
		cr_skip_test("no static fs_try");
	lt_copy(rt_prog("fs_try.static"), fs, 0755);
	/* uid 1000 may write both by their modes: only the policy stops it */
	snprintf(outside, sizeof(outside), "%s/outside", e.dir);
	snprintf(inside, sizeof(inside), "%s/inside", e.wdir);
	snprintf(wprog, sizeof(wprog), "%s/dropped", e.wdir);
	lt_copy(e.probe, wprog, 0755);

	for (abi = 1; abi <= kabi; abi++) {
		rt_write_file(outside, "data\n");
		cr_assert(chmod(outside, 0666) == 0);
		rt_write_file(inside, "data\n");
		cr_assert(chmod(inside, 0666) == 0);
		snprintf(cap, sizeof(cap), "RAMPART_LANDLOCK_ABI_MAX=%d", abi);

		/* the report says which ABI is used, and that it was capped */
		fs_try(&e, cap, "w", outside, line, sizeof(line), &r);
		snprintf(want, sizeof(want), "\"landlock\":{\"abi\":%d,\"state\":\"enforced\"", abi);
		cr_expect(strstr(r.err, want), "ABI %d: report %s", abi, r.err);
		cr_expect_eq(!!strstr(r.err, "\"abi_capped\":true"), abi < kabi,
			     "ABI %d: abi_capped: %s", abi, r.err);
		cr_expect_eq(!!strstr(r.err, "refer"), abi >= 2, "ABI %d: handled %s", abi, r.err);
		cr_expect_eq(!!strstr(r.err, ",truncate"), abi >= 3, "ABI %d: handled %s", abi, r.err);
		rt_result_free(&r);
		snprintf(want, sizeof(want), "w %s err=%d", outside, EACCES);
		cr_expect_str_eq(line, want, "ABI %d: write outside the writable dir", abi);

		fs_try(&e, cap, "w", inside, line, sizeof(line), NULL);
		snprintf(want, sizeof(want), "w %s ok", inside);
		cr_expect_str_eq(line, want, "ABI %d: write beneath the writable dir", abi);

		/* truncation outside: seccomp below ABI 3, Landlock from 3 */
		fs_try(&e, cap, "wt", outside, line, sizeof(line), NULL);
		snprintf(want, sizeof(want), "wt %s err=%d", outside, EACCES);
		cr_expect_str_eq(line, want, "ABI %d: O_RDONLY|O_TRUNC outside", abi);
		/* access mode 3 (neither read nor write) truncates as well */
		fs_try(&e, cap, "wt3", outside, line, sizeof(line), NULL);
		snprintf(want, sizeof(want), "wt3 %s err=%d", outside, EACCES);
		cr_expect_str_eq(line, want, "ABI %d: open(3|O_TRUNC) outside", abi);
		fs_try(&e, cap, "tr", outside, line, sizeof(line), NULL);
		snprintf(want, sizeof(want), "tr %s err=%d", outside, EACCES);
		cr_expect_str_eq(line, want, "ABI %d: truncate(2) outside", abi);
		/* openat2 keeps its flags in memory seccomp cannot read: only
		 * Landlock's truncate right (ABI 3) stops it, which is why the
		 * ruleset handles that right (docs/threat-model.md) */
		if (abi >= 3) {
			fs_try(&e, cap, "wt2", outside, line, sizeof(line), NULL);
			snprintf(want, sizeof(want), "wt2 %s err=%d", outside, EACCES);
			cr_expect_str_eq(line, want, "ABI %d: openat2(O_RDONLY|O_TRUNC) outside", abi);
			fs_try(&e, cap, "tr", inside, line, sizeof(line), NULL);
			snprintf(want, sizeof(want), "tr %s ok", inside);
			cr_expect_str_eq(line, want, "ABI %d: truncate(2) beneath the writable dir", abi);
		}
		/* beneath the writable dir only Landlock can tell the place */
		fs_try(&e, cap, "wt", inside, line, sizeof(line), NULL);
		if (abi >= 3)
			snprintf(want, sizeof(want), "wt %s ok", inside);
		else
			snprintf(want, sizeof(want), "wt %s err=%d", inside, EACCES);
		cr_expect_str_eq(line, want, "ABI %d: O_RDONLY|O_TRUNC beneath the writable dir", abi);
		{
			char *text = rt_read_file(outside);

			cr_expect_str_eq(text, "data\n", "ABI %d: outside changed", abi);
			free(text);
		}

		/* W^X: a program dropped into the writable dir does not run */
		{
			const char *args[] = { e.probe, "exec", wprog, "ids", NULL };
			const char *env[] = { cap, NULL };

			cr_assert_eq(lt_run_ex(&e, NULL, NULL, args, env, &r), 0);
			cr_expect(lt_has(r.out, "exec", "EACCES"), "ABI %d: W^X: %s\n%s", abi, r.out,
				  r.err);
			cr_expect(!strstr(r.out, "uid "), "ABI %d: the dropped program ran", abi);
			rt_result_free(&r);
		}
	}
	rt_cleanup(e.dir);
}

Test(loader_abi, a_cap_above_the_kernels_is_the_kernels)
{
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { e.probe, "ids", NULL };
	const char *env[] = { "RAMPART_LANDLOCK_ABI_MAX=1000", NULL };
	char want[64];

	lt_setup(&e, NULL);
	lt_need_landlock();
	cr_assert_eq(lt_run_ex(&e, NULL, NULL, args, env, &r), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want), "\"landlock\":{\"abi\":%d,", kernel_abi());
	cr_expect(strstr(r.err, want) && !strstr(r.err, "abi_capped"), "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_abi, invalid_values_exit_125_for_the_loader_and_check)
{
	static const char *const bad[] = { "0", "-1", "", "abc", "2x", " 2", "99999999999999999999" };
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { e.probe, "ids", NULL };
	const char *check[] = { "--check", NULL };
	char var[64];
	size_t i;
	int k;

	lt_setup(&e, NULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *env[] = { var, NULL };

		snprintf(var, sizeof(var), "RAMPART_LANDLOCK_ABI_MAX=%s", bad[i]);
		for (k = 0; k < 2; k++) {
			cr_assert_eq(lt_run_ex(&e, NULL, k ? check : NULL, args, env, &r), 0);
			cr_expect_eq(r.status, 125, "%s '%s': status %d\n%s%s", k ? "--check" : "loader",
				     bad[i], r.status, r.out, r.err);
			cr_expect(strstr(r.err, "rampart: RAMPART_LANDLOCK_ABI_MAX: invalid value"),
				  "%s '%s': %s", k ? "--check" : "loader", bad[i], r.err);
			cr_expect(!strstr(r.out, "uid "), "the command ran");
			rt_result_free(&r);
		}
	}
	rt_cleanup(e.dir);
}

Test(loader_abi, check_reports_the_capped_abi)
{
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { e.probe, "ids", NULL };
	const char *check[] = { "--check", "--json", NULL };
	const char *env[] = { "RAMPART_LANDLOCK_ABI_MAX=1", NULL };

	lt_setup(&e, NULL);
	lt_need_landlock();
	if (kernel_abi() < 2)
		cr_skip_test("kernel has Landlock ABI 1 only: nothing to cap");
	cr_assert_eq(lt_run_ex(&e, NULL, check, args, env, &r), 0);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "\"abi\":1,") && strstr(r.out, "\"abi_capped\":true"),
		  "--check --json: %s", r.out);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}
