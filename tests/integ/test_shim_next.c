/* test_shim_next.c - the shim's real functions are the next definitions
 * in the lookup order, as dlsym(RTLD_NEXT) would find them.
 *
 * The shim resolves them from the loaded objects' hash tables itself
 * (shim/init.c).  A second preload listed after the shim defines fopen;
 * a read-only fopen under the shim (fs_ops freopen opens /dev/null "r"
 * before it reopens a file for writing) must reach that definition (which
 * marks stderr and forwards to libc), not libc's directly.  Listed
 * before the shim, it runs first and the shim's own real fopen is
 * libc's: one mark either way, and the file is written both times.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

static const char next_src[] =
	"#define _GNU_SOURCE\n"
	"#include <dlfcn.h>\n"
	"#include <stdio.h>\n"
	"#include <unistd.h>\n"
	"FILE *fopen(const char *p, const char *m)\n"
	"{\n"
	"\tFILE *(*real)(const char *, const char *) =\n"
	"\t\t(FILE *(*)(const char *, const char *))dlsym(RTLD_NEXT, \"fopen\");\n"
	"\tif (write(2, \"next-fopen\\n\", 11) < 0) {}\n"
	"\treturn real(p, m);\n"
	"}\n";

static const char *
find_cc(void)
{
	static const char *const cands[] = { "/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang" };
	size_t i;

	for (i = 0; i < sizeof(cands) / sizeof(cands[0]); i++)
		if (access(cands[i], X_OK) == 0)
			return cands[i];
	return NULL;
}

static void
run_order(const char *T, const char *next_so, int shim_first)
{
	char policy[512], dir[512], file[600], preload[2048], polenv[600];
	char *argv[] = { (char *)rt_prog("fs_ops"), (char *)"freopen", dir, NULL };
	char *env[] = { preload, polenv, (char *)"PATH=/usr/bin:/bin", NULL };
	struct rt_result r;
	char *content;

	snprintf(dir, sizeof(dir), "%s/w/%s", T, shim_first ? "a" : "b");
	snprintf(file, sizeof(file), "%s/f", dir);
	snprintf(policy, sizeof(policy), "%s/p.policy", T);
	snprintf(polenv, sizeof(polenv), "RAMPART_POLICY=%s", policy);
	if (shim_first)
		snprintf(preload, sizeof(preload), "LD_PRELOAD=%s:%s", rt_path("librampart.so"), next_so);
	else
		snprintf(preload, sizeof(preload), "LD_PRELOAD=%s:%s", next_so, rt_path("librampart.so"));
	cr_assert_eq(mkdir(dir, 0755), 0);
	cr_assert_eq(rt_run(argv, env, 20, &r), 0);
	cr_expect_eq(r.status, 0, "%s: fs_ops freopen failed: %s", preload, r.err);
	cr_expect_str_eq(r.out, "freopen ok\n", "%s: %s / %s", preload, r.out, r.err);
	cr_expect_eq(rt_count_lines(r.err, "next-fopen"), 1,
		     "%s: the next preload's fopen ran %d times, want 1: %s", preload,
		     rt_count_lines(r.err, "next-fopen"), r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"rampart\""), 0, "%s: events: %s", preload, r.err);
	content = rt_read_file(file);
	cr_expect(content != NULL, "%s: %s was not created", preload, file);
	free(content);
	rt_result_free(&r);
}

Test(shim_next, real_function_is_the_next_preloads)
{
	const char *T = rt_tmpdir();
	const char *cc = find_cc();
	char src[512], so[512], cmd[2048], policy[512], text[1024], w[512];

	if (!cc) {
		rt_cleanup(T);
		cr_skip_test("no C compiler to build the second preload");
	}
	if (!rt_exists(rt_prog("fs_ops"))) {
		rt_cleanup(T);
		cr_skip_test("build/tests/progs/fs_ops missing: run make test");
	}
	snprintf(src, sizeof(src), "%s/next.c", T);
	snprintf(so, sizeof(so), "%s/next.so", T);
	rt_write_file(src, next_src);
	snprintf(cmd, sizeof(cmd), "%s -shared -fPIC -o %s %s -ldl", cc, so, src);
	cr_assert_eq(system(cmd), 0, "%s failed", cmd);
	snprintf(w, sizeof(w), "%s/w", T);
	cr_assert_eq(mkdir(w, 0755), 0);
	snprintf(policy, sizeof(policy), "%s/p.policy", T);
	snprintf(text, sizeof(text), "Mode enforce\nWritablePath %s\n", w);
	rt_write_file(policy, text);
	run_order(T, so, 1);
	run_order(T, so, 0);
	rt_cleanup(T);
}
