/* test_execdecide.c - rp_exec_decide() on real files in a temporary tree.
 *
 * The tree: bin/tool (/bin/true plus one byte, so it is no copy of
 * /bin/true), bin/gcc -> tool, alt/cc -> ../bin/gcc, bin/link (hard link
 * to tool), w/ (writable) with a copy of tool, w/x/ (ExecWritablePath)
 * with /bin/echo, scripts with #! lines.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "execdecide.h"
#include "testlib.h"

static struct rp_policy pol;
static struct rp_exec_verdict v;
static const char *T;
static char pathenv[4200];

static void
run_sh(const char *cmd)
{
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void
load(const char *extra)
{
	char text[8192];
	int n;

	n = snprintf(text, sizeof(text),
		     "WritablePath %s/w\nExecWritablePath %s/w/x\nDenyExec gcc cc\n%s", T, T, extra);
	cr_assert_lt(n, (int)sizeof(text));
	rp_exec_forget();
	cr_assert_eq(rp_policy_load_buffer(&pol, "test", text, (size_t)n, NULL, NULL), 0);
}

static void
setup(void)
{
	char cmd[8192];

	T = rt_tmpdir();
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir -p bin alt w/x other && cp /bin/true bin/tool && printf x >> bin/tool && "
		 "ln -s tool bin/gcc && ln -s ../bin/gcc alt/cc && ln bin/tool bin/link && "
		 "cp bin/tool w/copy && cp /bin/echo w/x/ok && cp /bin/false other/false && "
		 "printf '#!%s/bin/gcc\\n' > other/script && chmod +x other/script && "
		 "printf '#!/bin/sh\\necho\\n' > other/plain && chmod +x other/plain", T, T);
	run_sh(cmd);
	snprintf(pathenv, sizeof(pathenv), "%s/bin:/usr/bin", T);
	load("");
}

static void
teardown(void)
{
	rt_cleanup(T);
}

TestSuite(execdecide, .init = setup, .fini = teardown);

static int
decide(const char *fmt_path, char *const argv[])
{
	char path[4200];

	snprintf(path, sizeof(path), fmt_path, T);
	return rp_exec_decide(&pol, path, argv, 0, pathenv, &v);
}

Test(execdecide, symlink_hops_and_names)
{
	cr_expect_eq(decide("%s/alt/cc", NULL), 1);
	cr_expect_str_eq(v.rule, "deny-exec");
	cr_expect_str_eq(v.pattern, "cc");
	cr_expect_eq(v.hop, 0);
	cr_expect_eq(decide("%s/bin/gcc", NULL), 1);
	cr_expect_str_eq(v.pattern, "gcc");
	/* the link chain cc -> gcc: a policy naming only gcc catches cc at hop 1 */
	cr_assert_eq(rp_policy_load_buffer(&pol, "t", "DenyExec gcc\n", 13, NULL, NULL), 0);
	rp_exec_forget();
	cr_expect_eq(decide("%s/alt/cc", NULL), 1);
	cr_expect_eq(v.hop, 1, "hop %d at %s", v.hop, v.hop_path);
}

Test(execdecide, argv0_and_path_patterns)
{
	char *argv[] = { (char *)"gcc", NULL };
	char extra[4300];

	cr_expect_eq(decide("%s/other/false", argv), 1, "argv[0] gcc");
	cr_expect_eq(decide("%s/other/false", NULL), 0);
	snprintf(extra, sizeof(extra), "DenyExec %s/other/*\n", T);
	load(extra);
	cr_expect_eq(decide("%s/other/false", NULL), 1);
	cr_expect_str_eq(v.rule, "deny-exec");
}

Test(execdecide, identity_survives_hard_links_and_copies)
{
	/* tool is denied by way of its name gcc in bin/ (on pathenv) */
	cr_expect_eq(decide("%s/bin/link", NULL), 1);
	cr_expect_str_eq(v.rule, "deny-id");
	cr_expect_eq(decide("%s/other/false", NULL), 0, "different bytes stay allowed");
	{
		char cmd[4300];

		snprintf(cmd, sizeof(cmd), "cp %s/bin/tool %s/other/renamed", T, T);
		run_sh(cmd);
	}
	cr_expect_eq(decide("%s/other/renamed", NULL), 1, "same size and bytes");
	cr_expect_str_eq(v.rule, "deny-id");
}

Test(execdecide, wx_and_exec_writable)
{
	cr_expect_eq(decide("%s/w/copy", NULL), 1);
	cr_expect_str_eq(v.rule, "wx");
	cr_expect_eq(decide("%s/w/x/ok", NULL), 0, "ExecWritablePath opts out");
}

Test(execdecide, dynamic_loader_arguments)
{
	char prog[4200], w[4200];
	char *ok[] = { (char *)"ld.so", (char *)"--library-path", (char *)"/x", (char *)"/bin/true", NULL };
	char *bad[] = { (char *)"ld.so", (char *)"--argv0", (char *)"x", prog, NULL };
	char *wx[] = { (char *)"ld.so", w, NULL };
	char *audit[] = { (char *)"ld.so", (char *)"--audit", (char *)"a.so", (char *)"/bin/true", NULL };
	char *noslash[] = { (char *)"ld.so", (char *)"true", NULL };
	char *help[] = { (char *)"ld.so", (char *)"--help", NULL };
	char *argv0[] = { (char *)"ld.so", (char *)"--argv0", (char *)"cc", (char *)"/bin/true", NULL };

	snprintf(prog, sizeof(prog), "%s/bin/gcc", T);
	snprintf(w, sizeof(w), "%s/w/copy", T);
	cr_expect_eq(rp_exec_decide(&pol, "/lib64/ld-linux-x86-64.so.2", ok, 0, pathenv, &v), 0);
	cr_expect_eq(rp_exec_decide(&pol, "/lib64/ld-linux-x86-64.so.2", bad, 0, pathenv, &v), 1);
	cr_expect_str_eq(v.rule, "deny-exec");
	cr_expect_eq(v.stage, 1);
	cr_expect_eq(rp_exec_decide(&pol, "/lib64/ld-linux-x86-64.so.2", wx, 0, pathenv, &v), 1);
	cr_expect_str_eq(v.rule, "wx");
	cr_expect_eq(rp_exec_decide(&pol, "/lib64/ld-linux-x86-64.so.2", audit, 0, pathenv, &v), 1);
	cr_expect_str_eq(v.rule, "ld.so");
	cr_expect_eq(rp_exec_decide(&pol, "/lib64/ld-linux-x86-64.so.2", noslash, 0, pathenv, &v), 1);
	cr_expect_eq(rp_exec_decide(&pol, "/lib64/ld-linux-x86-64.so.2", help, 0, pathenv, &v), 0);
	cr_expect_eq(rp_exec_decide(&pol, "/lib64/ld-linux-x86-64.so.2", argv0, 0, pathenv, &v), 1,
		     "--argv0 names a denied multi-call name");
}

Test(execdecide, shebang_interpreter_is_judged)
{
	cr_expect_eq(decide("%s/other/script", NULL), 1);
	cr_expect_str_eq(v.pattern, "gcc");
	cr_expect_eq(v.stage, 1);
	cr_expect_eq(decide("%s/other/plain", NULL), 0);
}

Test(execdecide, memfd)
{
	int fd = memfd_create("x", 0), in = open("/bin/true", O_RDONLY);
	char buf[65536];
	ssize_t n;

	cr_assert(fd >= 0 && in >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		cr_assert_eq(write(fd, buf, (size_t)n), n);
	cr_expect_eq(rp_exec_decide_at(&pol, fd, "", NULL, RP_EXEC_EMPTY_PATH, pathenv, &v), 1);
	cr_expect_str_eq(v.rule, "memfd");
	load("MemfdExec allow\n");
	cr_expect_eq(rp_exec_decide_at(&pol, fd, "", NULL, RP_EXEC_EMPTY_PATH, pathenv, &v), 0);
	cr_expect(v.memfd, "an allowed memfd exec is still flagged for the log");
}

Test(execdecide, search_not_found_and_no_policy)
{
	char *argv[] = { (char *)"true", NULL };

	cr_expect_eq(rp_exec_decide(&pol, "tool", argv, 1, pathenv, &v), 1, "found in bin/, deny-id");
	cr_expect_eq(rp_exec_decide(&pol, "no-such-program", argv, 1, pathenv, &v), 0);
	cr_expect(v.not_found);
	cr_expect_eq(rp_exec_decide(&pol, "true", argv, 1, "/usr/bin", &v), 0);
	cr_expect_str_eq(v.path, "/usr/bin/true");
	cr_expect_eq(rp_exec_decide(NULL, "/bin/true", argv, 0, NULL, &v), 1);
	cr_expect_str_eq(v.rule, "policy-unavailable");
}
