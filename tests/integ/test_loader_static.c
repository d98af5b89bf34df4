/* test_loader_static.c - what a STATIC program (no shim) cannot do under
 * the loader: the kernel layers alone (Landlock, seccomp, no_new_privs). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_loader.h"

static const char *const no_opts[] = { NULL };

static void
run_probe(struct lt_env *e, const char *op, const char *a1, const char *a2, const char *a3,
	  struct rt_result *r)
{
	const char *args[] = { e->probe, op, a1, a2, a3, NULL };

	cr_assert_eq(lt_run(e, no_opts, args, r), 0);
}

Test(loader_static, raw_openat_create_only_beneath_writable_dirs)
{
	struct lt_env e;
	struct rt_result r;
	char out[PATH_MAX + 16], in[PATH_MAX + 16];

	lt_need_landlock();
	lt_setup(&e, NULL);
	/* the tree is 0755 root: DAC alone would refuse uid 1000 too, so make
	 * it writable for everyone and let only Landlock refuse */
	cr_assert(chmod(e.dir, 0777) == 0);
	snprintf(out, sizeof(out), "%s/outside.txt", e.dir);
	snprintf(in, sizeof(in), "%s/inside.txt", e.wdir);
	run_probe(&e, "create", out, NULL, NULL, &r);
	cr_expect(lt_has(r.out, "create", "EACCES"), "%s%s", r.out, r.err);
	cr_expect(!rt_exists(out), "file created outside the writable dirs");
	rt_result_free(&r);
	run_probe(&e, "create", in, NULL, NULL, &r);
	cr_expect(lt_has(r.out, "create", "ok"), "%s%s", r.out, r.err);
	cr_expect(rt_exists(in));
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_static, denied_program_neither_directly_nor_through_ld_so)
{
	struct lt_env e;
	struct rt_result r;
	char forbidden[PATH_MAX + 16], allowed[PATH_MAX + 16];

	lt_need_landlock();
	lt_setup(&e, "DenyExec forbidden\n");
	/* bin/ is on the command's PATH, so DenyExec applies to its files */
	snprintf(forbidden, sizeof(forbidden), "%s/forbidden", e.bin);
	snprintf(allowed, sizeof(allowed), "%s/allowed", e.bin);
	lt_copy("/bin/true", forbidden, 0755);
	lt_copy(e.probe, allowed, 0755);

	run_probe(&e, "exec", allowed, "exit", "7", &r);
	/* argv is {allowed, "exit", "7"}: the exec itself worked */
	cr_expect_eq(r.status, 7, "allowed program: %d %s%s", r.status, r.out, r.err);
	rt_result_free(&r);

	run_probe(&e, "exec", forbidden, NULL, NULL, &r);
	cr_expect(lt_has(r.out, "exec", "EACCES"), "direct: %s%s", r.out, r.err);
	rt_result_free(&r);

	/* ld.so maps the program itself: EXECUTE is not checked, READ is */
	run_probe(&e, "exec", "/lib64/ld-linux-x86-64.so.2", forbidden, NULL, &r);
	cr_expect_neq(r.status, 0, "ld.so ran it: %s%s", r.out, r.err);
	cr_expect(strstr(r.err, "Permission denied") != NULL, "ld.so: %d %s%s", r.status,
		  r.out, r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_static, no_exec_from_writable_dir)
{
	struct lt_env e;
	struct rt_result r;
	char copy[PATH_MAX + 16];

	lt_need_landlock();
	lt_setup(&e, NULL);
	snprintf(copy, sizeof(copy), "%s/dropped", e.wdir);
	lt_copy(e.probe, copy, 0755);
	run_probe(&e, "exec", copy, NULL, NULL, &r);
	cr_expect(lt_has(r.out, "exec", "EACCES"), "%s%s", r.out, r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_static, io_uring_is_enosys)
{
	struct lt_env e;
	struct rt_result r;

	lt_setup(&e, NULL);
	run_probe(&e, "io_uring", NULL, NULL, NULL, &r);
	cr_expect(lt_has(r.out, "io_uring", "ENOSYS"), "%s%s", r.out, r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_static, ptrace_sibling_and_user_namespace_fail)
{
	struct lt_env e;
	struct rt_result r;

	lt_setup(&e, NULL);
	run_probe(&e, "ptrace-sibling", NULL, NULL, NULL, &r);
	cr_expect(lt_has(r.out, "ptrace-sibling", "EPERM"), "%s%s", r.out, r.err);
	rt_result_free(&r);
	run_probe(&e, "unshare-user", NULL, NULL, NULL, &r);
	cr_expect(lt_has(r.out, "unshare-user", "EPERM"), "%s%s", r.out, r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_static, no_setuid_bits_even_through_raw_syscalls)
{
	struct lt_env e;
	struct rt_result r;
	char file[PATH_MAX + 16];
	struct stat st;

	lt_setup(&e, NULL);
	snprintf(file, sizeof(file), "%s/mine", e.wdir);
	rt_write_file(file, "x");
	/* owned by the app's uid: without seccomp, chmod u+s would succeed */
	cr_assert(chown(file, LT_UID, LT_UID) == 0);
	run_probe(&e, "chmod-suid", file, NULL, NULL, &r);
	cr_expect(lt_has(r.out, "chmod", "EPERM"), "%s%s", r.out, r.err);
	cr_expect(lt_has(r.out, "fchmodat", "EPERM"), "%s", r.out);
	cr_expect(lt_has(r.out, "fchmodat2", "EPERM") || lt_has(r.out, "fchmodat2", "ENOSYS"),
		  "%s", r.out);
	cr_expect(lt_has(r.out, "chmod-plain", "ok"), "plain chmod must still work: %s", r.out);
	cr_assert(stat(file, &st) == 0);
	cr_expect_eq(st.st_mode & (S_ISUID | S_ISGID), 0, "mode %o", st.st_mode);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}
