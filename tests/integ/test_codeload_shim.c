/* test_codeload_shim.c - nothing beneath a writable dir becomes code under
 * the shim (issue 13): dlopen and ctypes.CDLL of a dropped .so, through a
 * symlink, by bare name in the process's LD_LIBRARY_PATH, from a memfd;
 * children's LD_PRELOAD, LD_LIBRARY_PATH and GCONV_PATH; GCONV_PATH set
 * by the process itself; ld.so --preload and --library-path.  And the other
 * side: the image's libraries still load, ExecWritablePath plugins work.
 *
 * Every dropped object is built here, with the machine's gcc, from a
 * source whose constructor creates EVIDENCE: its absence after a run is
 * the proof that no code of it ran.  T/w is the writable dir, T/ro and
 * T/lib are not writable by the policy, T/w/plugins is an ExecWritablePath
 * in plugin.policy.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

#define DENY_LINE "\"decision\":\"deny\""
#define AUDIT_LINE "\"decision\":\"audit\""
#define LDSO "/lib64/ld-linux-x86-64.so.2"

static const char *T;
static char pol[4200], audit_pol[4200], plugin_pol[4200], evidence[4200];

static void __attribute__((format(printf, 3, 4)))
fmt(char *buf, size_t n, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, n, f, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 1, 2)))
sh(const char *f, ...)
{
	char cmd[16384];
	va_list ap;

	va_start(ap, f);
	vsnprintf(cmd, sizeof(cmd), f, ap);
	va_end(ap);
	cr_assert_eq(system(cmd), 0, "setup failed: %s", cmd);
}

/* A shared object at `out` (soname `soname` if not NULL) whose constructor
 * creates `mark`; it also defines cl_value() returning `value`. */
static void
build_so(const char *out, const char *soname, const char *mark, int value)
{
	char src[4200], text[8192];

	fmt(src, sizeof(src), "%s.c", out);
	fmt(text, sizeof(text),
	    "#include <fcntl.h>\n#include <unistd.h>\n"
	    "__attribute__((constructor)) static void c(void)\n"
	    "{ int fd = open(\"%s\", O_WRONLY | O_CREAT, 0644); if (fd >= 0) close(fd); }\n"
	    "int cl_value(void) { return %d; }\n", mark, value);
	rt_write_file(src, text);
	if (soname)
		sh("gcc -shared -fPIC -Wl,-soname,%s -o '%s' '%s'", soname, out, src);
	else
		sh("gcc -shared -fPIC -o '%s' '%s'", out, src);
	unlink(src);
}

static void
setup(void)
{
	char text[8400], so[4200];

	if (system("command -v gcc >/dev/null 2>&1") != 0)
		cr_skip_test("gcc is not installed: the test objects are built with it");
	T = rt_tmpdir();
	sh("mkdir -p %s/w/lib %s/w/gc %s/w/plugins %s/ro %s/lib", T, T, T, T, T);
	fmt(evidence, sizeof(evidence), "%s/w/EVIDENCE", T);
	fmt(so, sizeof(so), "%s/w/evil.so", T);
	build_so(so, NULL, evidence, 42);
	sh("ln -s %s/w/evil.so %s/ro/link.so", T, T);
	fmt(text, sizeof(text), "WritablePath %s/w\n", T);
	fmt(pol, sizeof(pol), "%s/enforce.policy", T);
	rt_write_file(pol, text);
	fmt(text, sizeof(text), "WritablePath %s/w\nMode audit\n", T);
	fmt(audit_pol, sizeof(audit_pol), "%s/audit.policy", T);
	rt_write_file(audit_pol, text);
	fmt(text, sizeof(text), "WritablePath %s/w\nExecWritablePath %s/w/plugins\n", T, T);
	fmt(plugin_pol, sizeof(plugin_pol), "%s/plugin.policy", T);
	rt_write_file(plugin_pol, text);
}

static void
teardown(void)
{
	if (T)
		rt_cleanup(T);
}

TestSuite(codeload_shim, .init = setup, .fini = teardown, .timeout = 60);

static int
ran(void)
{
	return rt_exists(evidence);
}

/* ---- dlopen and ctypes ------------------------------------------------- */

Test(codeload_shim, ctypes_cdll_of_a_dropped_so_is_denied_and_audit_logs_it)
{
	char code[8400];
	char *argv[] = { "/usr/bin/python3", "-c", code, NULL };
	struct rt_result r;

	fmt(code, sizeof(code),
	    "import ctypes\n"
	    "try:\n    print('loaded', ctypes.CDLL('%s/w/evil.so').cl_value())\n"
	    "except OSError as e:\n    print('refused:', e)\n", T);
	cr_assert_eq(rt_run_shim(pol, argv, NULL, 30, &r), 0);
	cr_expect(strstr(r.out, "refused: rampart: ") != NULL, "%s / %s", r.out, r.err);
	cr_expect(strstr(r.out, "(W^X)") != NULL, "%s", r.out);
	cr_expect(!ran(), "the constructor ran");
	cr_expect_eq(rt_count_lines(r.err, DENY_LINE), 1, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"op\":\"dlopen\""), 1, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"rule\":\"wx\""), 1, "%s", r.err);
	rt_result_free(&r);

	cr_assert_eq(rt_run_shim(audit_pol, argv, NULL, 30, &r), 0);
	cr_expect_str_eq(r.out, "loaded 42\n", "%s", r.err);
	cr_expect(ran(), "audit mode must let it load");
	cr_expect_eq(rt_count_lines(r.err, AUDIT_LINE), 1, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"op\":\"dlopen\""), 1, "%s", r.err);
	rt_result_free(&r);
}

Test(codeload_shim, symlink_in_a_read_only_dir_is_judged_by_its_target)
{
	char link[4200];
	char *argv[] = { (char *)rt_prog("cl_dlopen"), link, NULL };
	struct rt_result r;

	fmt(link, sizeof(link), "%s/ro/link.so", T);
	cr_assert_eq(rt_run_shim(pol, argv, NULL, 20, &r), 0);
	cr_expect(strstr(r.out, ": err rampart: ") != NULL, "%s / %s", r.out, r.err);
	cr_expect(strstr(r.out, "again: null") != NULL, "dlerror must clear: %s", r.out);
	cr_expect(!ran());
	cr_expect_eq(rt_count_lines(r.err, DENY_LINE), 1, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"target\":\""), 1, "the target is named: %s",
		     r.err);
	rt_result_free(&r);
}

Test(codeload_shim, bare_name_found_in_a_writable_ld_library_path_is_denied)
{
	char so[4200], llp[4300];
	char *argv[] = { (char *)rt_prog("cl_dlopen"), "libcldrop.so", "libz.so.1", NULL };
	char *extra[] = { llp, NULL };
	struct rt_result r;

	fmt(so, sizeof(so), "%s/w/lib/libcldrop.so", T);
	build_so(so, NULL, evidence, 1);
	fmt(llp, sizeof(llp), "LD_LIBRARY_PATH=%s/w/lib", T);
	cr_assert_eq(rt_run_shim(pol, argv, extra, 20, &r), 0);
	cr_expect(strstr(r.out, "libcldrop.so: err rampart: ") != NULL, "%s / %s", r.out, r.err);
	cr_expect(strstr(r.out, "libz.so.1: ok") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!ran());
	cr_expect_eq(rt_count_lines(r.err, DENY_LINE), 1, "%s", r.err);
	rt_result_free(&r);
}

Test(codeload_shim, dlmopen_into_a_new_namespace_is_judged_too)
{
	char arg[4200], ok[4200];
	char *argv[] = { (char *)rt_prog("cl_dlopen"), arg, ok, NULL };
	struct rt_result r;

	fmt(arg, sizeof(arg), "dlmopen:%s/w/evil.so", T);
	fmt(ok, sizeof(ok), "dlmopen:libz.so.1");
	cr_assert_eq(rt_run_shim(pol, argv, NULL, 20, &r), 0);
	cr_expect(strstr(r.out, "evil.so: err rampart: ") != NULL, "%s / %s", r.out, r.err);
	cr_expect(strstr(r.out, "dlmopen:libz.so.1: ok\n") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!ran());
	cr_expect_eq(rt_count_lines(r.err, "\"op\":\"dlmopen\""), 1, "%s", r.err);
	rt_result_free(&r);
}

Test(codeload_shim, memfd_load_is_denied)
{
	char arg[4200];
	char *argv[] = { (char *)rt_prog("cl_dlopen"), arg, NULL };
	struct rt_result r;

	fmt(arg, sizeof(arg), "memfd:%s/w/evil.so", T);
	cr_assert_eq(rt_run_shim(pol, argv, NULL, 20, &r), 0);
	cr_expect(strstr(r.out, ": err rampart: ") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!ran());
	cr_expect_eq(rt_count_lines(r.err, "\"rule\":\"memfd\""), 1, "%s", r.err);
	rt_result_free(&r);
}

/* ---- children ---------------------------------------------------------- */

Test(codeload_shim, child_ld_preload_entry_beneath_a_writable_dir_is_removed)
{
	char cmd[8400];
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct rt_result r;

	fmt(cmd, sizeof(cmd), "LD_PRELOAD=\"$LD_PRELOAD:%s/w/evil.so:libz.so.1\" /usr/bin/env", T);
	cr_assert_eq(rt_run_shim(pol, argv, NULL, 20, &r), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(!ran(), "the preloaded constructor ran");
	cr_expect(strstr(r.out, "\nLD_PRELOAD=") || strncmp(r.out, "LD_PRELOAD=", 11) == 0);
	cr_expect(strstr(r.out, "librampart.so:libz.so.1\n") != NULL,
		  "the shim first, the system entry kept: %s", r.out);
	cr_expect(strstr(r.out, "evil.so") == NULL, "%s", r.out);
	cr_expect_eq(rt_count_lines(r.err, "\"op\":\"LD_PRELOAD\""), 1, "%s", r.err);
	rt_result_free(&r);
}

/* The program depends on libclreal.so (DT_RUNPATH T/lib); a copy with the
 * same soname dropped in T/w/lib would be found first through the child's
 * LD_LIBRARY_PATH (elf/dl-load.c searches LD_LIBRARY_PATH before
 * DT_RUNPATH). */
Test(codeload_shim, child_ld_library_path_cannot_shadow_a_dependency)
{
	char so[4200], fake[4200], src[4200], prog[4200], cmd[8400], mark_real[4200];
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct rt_result r;

	fmt(mark_real, sizeof(mark_real), "%s/w/real-ran", T);
	fmt(so, sizeof(so), "%s/lib/libclreal.so", T);
	build_so(so, "libclreal.so", mark_real, 7);
	fmt(fake, sizeof(fake), "%s/w/lib/libclreal.so", T);
	build_so(fake, "libclreal.so", evidence, 666);
	fmt(src, sizeof(src), "%s/main.c", T);
	rt_write_file(src, "#include <stdio.h>\nint cl_value(void);\n"
			   "int main(void) { printf(\"value %d\\n\", cl_value()); return 0; }\n");
	fmt(prog, sizeof(prog), "%s/ro/uses_real", T);
	sh("gcc -o '%s' '%s' -L'%s/lib' -lclreal -Wl,--enable-new-dtags,-rpath,'%s/lib'", prog,
	   src, T, T);
	/* without the shim the dropped copy wins: the test can fail */
	fmt(cmd, sizeof(cmd), "LD_LIBRARY_PATH='%s/w/lib' '%s' >/dev/null", T, prog);
	sh("%s", cmd);
	cr_assert(ran(), "the shadowing does not work on this machine");
	unlink(evidence);

	fmt(cmd, sizeof(cmd), "LD_LIBRARY_PATH='/usr/lib:%s/w/lib' '%s'; env | grep '^LD_LIB'", T,
	    prog);
	cr_assert_eq(rt_run_shim(pol, argv, NULL, 20, &r), 0);
	cr_expect(strstr(r.out, "value 7\n") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!ran(), "the dropped library ran");
	cr_expect(rt_exists(mark_real));
	cr_expect_eq(rt_count_lines(r.err, "\"op\":\"LD_LIBRARY_PATH\""), 1, "%s", r.err);
	rt_result_free(&r);
}

/* A gconv module dropped with its gconv-modules file: iconv_open of its
 * charset would load it through glibc's internal dlopen. */
static void
drop_gconv(void)
{
	char so[4200], conf[4200];

	fmt(so, sizeof(so), "%s/w/gc/CLEVIL.so", T);
	build_so(so, NULL, evidence, 0);
	fmt(conf, sizeof(conf), "%s/w/gc/gconv-modules", T);
	rt_write_file(conf, "module CLEVIL// INTERNAL CLEVIL 1\nmodule INTERNAL CLEVIL// CLEVIL 1\n");
}

Test(codeload_shim, gconv_path_into_a_writable_dir_loads_nothing)
{
	char gp[4300], dir[4200];
	char *argv[] = { (char *)rt_prog("cl_iconv"), "CLEVIL//", "UTF-8", NULL };
	char *argv2[] = { (char *)rt_prog("cl_iconv"), "--set-gconv-path", dir, "CLEVIL//",
			  "UTF-8", NULL };
	char *extra[] = { gp, NULL };
	struct rt_result r;

	drop_gconv();
	fmt(dir, sizeof(dir), "%s/w/gc", T);
	fmt(gp, sizeof(gp), "GCONV_PATH=%s", dir);
	/* without the shim the module runs: the test can fail */
	cr_assert_eq(rt_run(argv, extra, 20, &r), 0);
	cr_assert(ran(), "the module did not load without the shim: %s", r.out);
	rt_result_free(&r);
	unlink(evidence);

	/* inherited at start */
	cr_assert_eq(rt_run_shim(pol, argv, extra, 20, &r), 0);
	cr_expect(strstr(r.out, "CLEVIL// UTF-8: err") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!ran());
	cr_expect_eq(rt_count_lines(r.err, "\"op\":\"GCONV_PATH\""), 1, "%s", r.err);
	rt_result_free(&r);
	/* set by the process itself before its first iconv_open */
	cr_assert_eq(rt_run_shim(pol, argv2, NULL, 20, &r), 0);
	cr_expect(strstr(r.out, "CLEVIL// UTF-8: err") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!ran());
	rt_result_free(&r);
}

/* putenv is the other libc route to the environment glibc reads. */
Test(codeload_shim, gconv_path_put_by_the_process_loads_nothing)
{
	char dir[4200];
	char *argv[] = { (char *)rt_prog("cl_iconv"), "--putenv-gconv-path", dir, "CLEVIL//",
			 "UTF-8", NULL };
	struct rt_result r;

	drop_gconv();
	fmt(dir, sizeof(dir), "%s/w/gc", T);
	/* without the shim the module runs: the test can fail */
	cr_assert_eq(rt_run(argv, NULL, 20, &r), 0);
	cr_assert(ran(), "the module did not load without the shim: %s", r.out);
	rt_result_free(&r);
	unlink(evidence);

	cr_assert_eq(rt_run_shim(pol, argv, NULL, 20, &r), 0);
	cr_expect(strstr(r.out, "CLEVIL// UTF-8: err") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!ran(), "the gconv module ran");
	rt_result_free(&r);
}

/* Started with a GCONV_PATH outside the writable dirs (kept), then
 * pointed into one by the process before its first conversion: glibc
 * reads the value the process started with. */
Test(codeload_shim, gconv_path_changed_after_a_clean_start_value_loads_nothing)
{
	char gp[4300], dir[4200], ro[4200];
	char *argv[] = { (char *)rt_prog("cl_iconv"), "--set-gconv-path", dir, "CLEVIL//",
			 "UTF-8", NULL };
	char *extra[] = { gp, NULL };
	struct rt_result r;

	drop_gconv();
	fmt(dir, sizeof(dir), "%s/w/gc", T);
	fmt(ro, sizeof(ro), "%s/ro", T);
	fmt(gp, sizeof(gp), "GCONV_PATH=%s", ro);
	cr_assert_eq(rt_run(argv, extra, 20, &r), 0);
	cr_assert(ran(), "the module did not load without the shim: %s", r.out);
	rt_result_free(&r);
	unlink(evidence);

	cr_assert_eq(rt_run_shim(pol, argv, extra, 20, &r), 0);
	cr_expect(strstr(r.out, "CLEVIL// UTF-8: err") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!ran(), "the gconv module ran");
	cr_expect_eq(rt_count_lines(r.err, "\"op\":\"GCONV_PATH\""), 0, "%s", r.err);
	rt_result_free(&r);
}

Test(codeload_shim, ld_so_preload_and_library_path_into_a_writable_dir_are_denied)
{
	char cmd[8400];
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct rt_result r;

	if (access(LDSO, X_OK) != 0)
		cr_skip_test("no %s on this machine", LDSO);
	fmt(cmd, sizeof(cmd),
	    LDSO " --preload %s/w/evil.so /bin/true; echo preload=$?; "
	    LDSO " --library-path %s/w/lib /bin/true; echo libpath=$?; "
	    LDSO " --preload libz.so.1 --library-path /usr/lib /bin/true; echo system=$?",
	    T, T);
	cr_assert_eq(rt_run_shim(pol, argv, NULL, 20, &r), 0);
	cr_expect(strstr(r.out, "preload=126\n") != NULL, "%s / %s", r.out, r.err);
	cr_expect(strstr(r.out, "libpath=126\n") != NULL, "%s / %s", r.out, r.err);
	cr_expect(strstr(r.out, "system=0\n") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!ran());
	cr_expect_eq(rt_count_lines(r.err, DENY_LINE), 2, "%s", r.err);
	rt_result_free(&r);
}

/* ---- the other side ------------------------------------------------------ */

Test(codeload_shim, the_images_libraries_still_load)
{
	char *argv[] = {
		"/usr/bin/python3", "-c",
		"import ctypes, ctypes.util, pwd, grp, socket\n"
		"import _ssl, _sqlite3, _decimal, _json, _hashlib, zlib, _bz2, _lzma, _ctypes\n"
		"libc = ctypes.CDLL('libc.so.6')\n"
		"m = ctypes.CDLL(ctypes.util.find_library('m'))\n"
		"m.cos.restype = ctypes.c_double; m.cos.argtypes = [ctypes.c_double]\n"
		"z = ctypes.CDLL('/lib/x86_64-linux-gnu/libz.so.1')\n"
		"print(libc.getpid() > 0, m.cos(0.0), pwd.getpwnam('root').pw_uid,\n"
		"      grp.getgrgid(0).gr_name, socket.getaddrinfo('localhost', 80)[0][0] > 0)\n",
		NULL
	};
	/* rt_prog's buffers rotate: a copy that outlives the runs */
	char *iconv_argv[] = { strdup(rt_prog("cl_iconv")), NULL, "UTF-8", NULL };
	static char *charsets[] = { "ISO-8859-1", "ISO-8859-15", "UTF-16", "UTF-32", "CP1252",
				    "SHIFT_JIS", "EUC-JP", "GB18030", "KOI8-R", "ASCII//TRANSLIT" };
	struct rt_result r;
	size_t i;

	cr_assert_eq(rt_run_shim(pol, argv, NULL, 30, &r), 0);
	cr_expect_str_eq(r.out, "True 1.0 0 root True\n", "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"decision\""), 0, "%s", r.err);
	rt_result_free(&r);
	for (i = 0; i < sizeof(charsets) / sizeof(charsets[0]); i++) {
		char want[128];

		iconv_argv[1] = charsets[i];
		cr_assert_eq(rt_run_shim(pol, iconv_argv, NULL, 20, &r), 0);
		fmt(want, sizeof(want), "iconv %s UTF-8: ok", charsets[i]);
		cr_expect(strncmp(r.out, want, strlen(want)) == 0, "%s / %s", r.out, r.err);
		cr_expect_eq(rt_count_lines(r.err, "\"decision\""), 0, "%s", r.err);
		rt_result_free(&r);
	}
	free(iconv_argv[0]);
}

Test(codeload_shim, exec_writable_plugin_dir_still_loads)
{
	char so[4200], mark[4200];
	char *argv[] = { (char *)rt_prog("cl_dlopen"), so, NULL };
	struct rt_result r;

	fmt(mark, sizeof(mark), "%s/w/plugins/ran", T);
	fmt(so, sizeof(so), "%s/w/plugins/plugin.so", T);
	build_so(so, NULL, mark, 5);
	cr_assert_eq(rt_run_shim(plugin_pol, argv, NULL, 20, &r), 0);
	cr_expect(strstr(r.out, ": ok\n") != NULL, "%s / %s", r.out, r.err);
	cr_expect(rt_exists(mark));
	cr_expect_eq(rt_count_lines(r.err, "\"decision\""), 0, "%s", r.err);
	rt_result_free(&r);
	/* and the rest of the writable dir is still W^X under that policy */
	argv[1] = (char *)"";
	fmt(so, sizeof(so), "%s/w/evil.so", T);
	argv[1] = so;
	cr_assert_eq(rt_run_shim(plugin_pol, argv, NULL, 20, &r), 0);
	cr_expect(strstr(r.out, ": err rampart: ") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!ran());
	rt_result_free(&r);
}
