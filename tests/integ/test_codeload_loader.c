/* test_codeload_loader.c - nothing beneath a writable dir becomes code
 * under the loader (issue 13), as root with User 1000: ctypes.CDLL of a
 * dropped .so, a child's LD_PRELOAD, ld.so --preload, GCONV_PATH, and the
 * loader variables the command itself inherits (read by its ld.so before
 * the shim runs).  The dropped object is built with gcc by the test; its
 * constructor creates w/EVIDENCE when it runs as uid 1000, in the command
 * (rampart itself, started by the test with the same environment, runs
 * it as root before the user switch: that is the test's doing, not the
 * command's). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_loader.h"

static const char *const no_opts[] = { NULL };
static char evidence[PATH_MAX + 16], evil[PATH_MAX + 16];

static void
setup(struct lt_env *e)
{
	char src[PATH_MAX + 16], text[PATH_MAX + 512], cmd[4 * PATH_MAX];

	if (system("command -v gcc >/dev/null 2>&1") != 0)
		cr_skip_test("gcc is not installed: the test object is built with it");
	if (access("/usr/bin/python3", X_OK) != 0)
		cr_skip_test("/usr/bin/python3 missing");
	lt_setup(e, NULL);
	snprintf(evidence, sizeof(evidence), "%s/EVIDENCE", e->wdir);
	snprintf(evil, sizeof(evil), "%s/evil.so", e->wdir);
	snprintf(src, sizeof(src), "%s/evil.c", e->dir);
	snprintf(text, sizeof(text),
		 "#include <fcntl.h>\n#include <unistd.h>\n"
		 "__attribute__((constructor)) static void c(void)\n"
		 "{ if (getuid() == 0) return;\n"
		 "  int fd = open(\"%s\", O_WRONLY | O_CREAT, 0644); if (fd >= 0) close(fd); }\n"
		 "int cl_value(void) { return 42; }\n", evidence);
	rt_write_file(src, text);
	snprintf(cmd, sizeof(cmd), "gcc -shared -fPIC -o '%s' '%s' && chmod 0755 '%s'", evil, src,
		 evil);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

Test(codeload_loader, ctypes_cdll_of_a_dropped_so_is_denied)
{
	struct lt_env e;
	struct rt_result r;
	char code[PATH_MAX + 256];
	const char *args[] = { "/usr/bin/python3", "-c", code, NULL };

	setup(&e);
	snprintf(code, sizeof(code),
		 "import ctypes\n"
		 "try:\n    print('loaded', ctypes.CDLL('%s').cl_value())\n"
		 "except OSError as e:\n    print('refused:', e)\n", evil);
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect(strstr(r.out, "refused: rampart: ") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!rt_exists(evidence), "the constructor ran");
	cr_expect_eq(rt_count_lines(r.err, "\"op\":\"dlopen\""), 1, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(codeload_loader, child_ld_preload_and_ld_so_preload_are_denied)
{
	struct lt_env e;
	struct rt_result r;
	char cmd[2 * PATH_MAX + 256];
	const char *args[] = { "/bin/sh", "-c", cmd, NULL };

	setup(&e);
	snprintf(cmd, sizeof(cmd),
		 "LD_PRELOAD=\"$LD_PRELOAD:%s\" /bin/true; echo child=$?; "
		 "/lib64/ld-linux-x86-64.so.2 --preload %s /bin/true; echo ldso=$?", evil, evil);
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect(strstr(r.out, "child=0\n") != NULL, "%s / %s", r.out, r.err);
	cr_expect(strstr(r.out, "ldso=126\n") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!rt_exists(evidence), "the constructor ran: %s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"op\":\"LD_PRELOAD\""), 1, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* The command inherits LD_PRELOAD and LD_LIBRARY_PATH naming the writable
 * dir (an image ENV, `docker run -e`): its own ld.so would map the object
 * before any shim runs, so the loader removes those entries; --audit keeps
 * them and says so in the report. */
Test(codeload_loader, inherited_loader_variables_are_cleaned_for_the_command)
{
	struct lt_env e;
	struct rt_result r;
	char pre[PATH_MAX + 32], llp[PATH_MAX + 32];
	const char *args[] = { "/bin/true", NULL };
	const char *env[] = { pre, llp, NULL };
	const char *audit[] = { "--audit", NULL };

	setup(&e);
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", evil);
	snprintf(llp, sizeof(llp), "LD_LIBRARY_PATH=/usr/lib:%s", e.wdir);
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, env, &r), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(!rt_exists(evidence), "the constructor ran: %s", r.err);
	cr_expect(strstr(r.err, "LD_PRELOAD entry ") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "LD_LIBRARY_PATH entry ") != NULL, "%s", r.err);
	rt_result_free(&r);
	cr_assert_eq(lt_run_ex(&e, NULL, audit, args, env, &r), 0);
	cr_expect(rt_exists(evidence), "--audit keeps the entry: %s", r.err);
	cr_expect(strstr(r.err, "kept (audit)") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(codeload_loader, gconv_path_into_the_writable_dir_loads_nothing)
{
	struct lt_env e;
	struct rt_result r;
	char gc[PATH_MAX + 16], so[PATH_MAX + 32], conf[PATH_MAX + 32], gp[PATH_MAX + 32];
	char prog[PATH_MAX + 16], cmd[4 * PATH_MAX];
	const char *args[] = { prog, "CLEVIL//", "UTF-8", NULL };
	const char *env[] = { gp, NULL };

	setup(&e);
	snprintf(gc, sizeof(gc), "%s/gc", e.wdir);
	snprintf(so, sizeof(so), "%s/CLEVIL.so", gc);
	snprintf(conf, sizeof(conf), "%s/gconv-modules", gc);
	snprintf(cmd, sizeof(cmd), "mkdir -m 0755 '%s' && cp '%s' '%s'", gc, evil, so);
	cr_assert_eq(system(cmd), 0);
	rt_write_file(conf, "module CLEVIL// INTERNAL CLEVIL 1\nmodule INTERNAL CLEVIL// CLEVIL 1\n");
	snprintf(prog, sizeof(prog), "%s/cl_iconv", e.bin);
	lt_copy(rt_prog("cl_iconv"), prog, 0755);
	snprintf(gp, sizeof(gp), "GCONV_PATH=%s", gc);
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, env, &r), 0);
	cr_expect(strstr(r.out, "CLEVIL// UTF-8: err") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!rt_exists(evidence), "the gconv module ran");
	rt_result_free(&r);
	rt_cleanup(e.dir);
}
