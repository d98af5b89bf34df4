/* test_exec_entry.c - compilers cannot be started through any exec route.
 *
 * A stand-in compiler (tests/progs/exec_fakecc, which appends to the file
 * named by FAKECC_MARKER) is installed in a temporary bin/ as
 * x86_64-linux-gnu-gcc-12, with gcc -> x86_64-linux-gnu-gcc-12 and
 * cc -> alt/cc -> bin/gcc, the chain Debian's alternatives build.  Every
 * entry point of tests/progs/exec_via, the shell, python3 and the dynamic
 * loader try to run it under the real shim: enforce mode must refuse with
 * no marker and exactly one event; audit mode must run it and log one.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

#define DENY_LINE "\"decision\":\"deny\""
#define AUDIT_LINE "\"decision\":\"audit\""

static const char *T;
static char enforce_pol[4200], audit_pol[4200], marker[4200], path_env[4200],
	marker_env[4200], bin[4200], saved_path[8192];

/* snprintf without -Wformat-truncation noise: every path here is short */
static void __attribute__((format(printf, 3, 4)))
fmt(char *buf, size_t n, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, n, f, ap);
	va_end(ap);
}

static void
sh(const char *f, const char *a)
{
	char cmd[16384];

	/* every %s in f is the temporary directory */
	cr_assert_lt(strlen(f) + 8 * strlen(a), sizeof(cmd));
	{
		char *out = cmd;
		const char *p;

		for (p = f; *p; p++) {
			if (p[0] == '%' && p[1] == 's') {
				out = stpcpy(out, a);
				p++;
			} else {
				*out++ = *p;
			}
		}
		*out = '\0';
	}
	cr_assert_eq(system(cmd), 0, "setup failed: %s", cmd);
}

static void
setup(void)
{
	char text[8192];

	T = rt_tmpdir();
	fmt(bin, sizeof(bin), "%s/bin", T);
	/* bin/ holds the compiler and its names; other/ a renamed copy;
	 * w/ is the policy's writable dir and holds another copy */
	sh("mkdir -p %s/bin %s/alt %s/other %s/w", T);
	{
		char cmd[8400];

		fmt(cmd, sizeof(cmd), "cp '%s' %s/bin/x86_64-linux-gnu-gcc-12",
			 rt_prog("exec_fakecc"), T);
		cr_assert_eq(system(cmd), 0);
	}
	sh("cd %s/bin && ln -s x86_64-linux-gnu-gcc-12 gcc && ln -s %s/bin/gcc ../alt/cc && "
	   "ln -s %s/alt/cc cc && ln x86_64-linux-gnu-gcc-12 harmless && "
	   "cp x86_64-linux-gnu-gcc-12 %s/other/renamed && cp x86_64-linux-gnu-gcc-12 %s/w/wcopy", T);
	fmt(text, sizeof(text), "WritablePath %s/w\nDenyExec gcc cc *-gcc-[0-9]*\n", T);
	fmt(enforce_pol, sizeof(enforce_pol), "%s/enforce.policy", T);
	rt_write_file(enforce_pol, text);
	fmt(text, sizeof(text), "Mode audit\nWritablePath %s/w\nDenyExec gcc cc *-gcc-[0-9]*\n", T);
	fmt(audit_pol, sizeof(audit_pol), "%s/audit.policy", T);
	rt_write_file(audit_pol, text);
	/* inside the writable dir: the marker write itself must not be an event */
	fmt(marker, sizeof(marker), "%s/w/marker", T);
	fmt(marker_env, sizeof(marker_env), "FAKECC_MARKER=%s", marker);
	/* only bin/: the shell's own PATH search must not find a real gcc
	 * in /usr/bin after the refusal (that would be a second event).  Set
	 * in this process: rt_run_shim passes the inherited environment
	 * before its extras, and getenv finds the first. */
	fmt(path_env, sizeof(path_env), "%s/bin", T);
	fmt(saved_path, sizeof(saved_path), "%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", path_env, 1);
	setenv("FAKECC_MARKER", marker, 1);
}

static void
teardown(void)
{
	setenv("PATH", saved_path, 1);
	rt_cleanup(T);
}

TestSuite(exec_entry, .init = setup, .fini = teardown, .timeout = 60);

/* Run argv under the shim; returns the status, counts events. */
static int
run(const char *policy, char *const argv[], int *ndeny, int *naudit, int *ran)
{
	struct rt_result r;
	int st;

	unlink(marker);
	cr_assert_eq(rt_run_shim(policy, argv, NULL, 20, &r), 0);
	st = r.status;
	*ndeny = rt_count_lines(r.err, DENY_LINE);
	*naudit = rt_count_lines(r.err, AUDIT_LINE);
	*ran = rt_exists(marker);
	if (*ran ? policy == enforce_pol : policy == audit_pol)
		cr_log_info("stderr of %s %s: %s", argv[0], argv[1] ? argv[1] : "", r.err);
	rt_result_free(&r);
	return st;
}

static void
expect_denied(char *const argv[], const char *what)
{
	int d, a, ran, st = run(enforce_pol, argv, &d, &a, &ran);

	cr_expect_not(ran, "%s: the compiler ran", what);
	cr_expect_eq(d, 1, "%s: %d deny events, want 1", what, d);
	cr_expect_neq(st, 0, "%s: exit status 0", what);
}

static void
expect_audited(char *const argv[], const char *what)
{
	int d, a, ran;

	run(audit_pol, argv, &d, &a, &ran);
	cr_expect(ran, "%s: audit mode did not run the compiler", what);
	cr_expect_eq(a, 1, "%s: %d audit events, want 1", what, a);
	cr_expect_eq(d, 0, "%s: deny event in audit mode", what);
}

static const char *const entries[] = {
	"execve", "execv", "execvp", "execvpe", "execl", "execlp", "execle", "fexecve",
	"execveat", "vfork", "posix_spawn", "posix_spawnp", "posix_spawn_compat",
	"posix_spawnp_compat", "system", "popen", "cleanenv", "unsetenv",
};

static int
searches(const char *e)
{
	return !strcmp(e, "execvp") || !strcmp(e, "execvpe") || !strcmp(e, "execlp") ||
	       !strncmp(e, "posix_spawnp", 12) || !strcmp(e, "system") || !strcmp(e, "popen");
}

Test(exec_entry, every_entry_point_denies_every_name)
{
	static const char *const names[] = { "gcc", "cc", "x86_64-linux-gnu-gcc-12" };
	size_t i, k;

	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		for (k = 0; k < 3; k++) {
			char prog[4200], what[200];
			char *argv[] = { (char *)rt_prog("exec_via"), (char *)entries[i], prog, NULL };

			if (searches(entries[i]))
				fmt(prog, sizeof(prog), "%s", names[k]);
			else
				fmt(prog, sizeof(prog), "%s/%s", bin, names[k]);
			fmt(what, sizeof(what), "%s %s", entries[i], names[k]);
			expect_denied(argv, what);
		}
}

Test(exec_entry, every_entry_point_runs_and_logs_once_in_audit_mode)
{
	size_t i;

	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		char prog[4200];
		char *argv[] = { (char *)rt_prog("exec_via"), (char *)entries[i], prog, NULL };

		fmt(prog, sizeof(prog), "%s%s", searches(entries[i]) ? "" : bin,
			 searches(entries[i]) ? "cc" : "/cc");
		expect_audited(argv, entries[i]);
	}
}

Test(exec_entry, wordexp_command_substitution)
{
	char *argv[] = { (char *)rt_prog("exec_via"), (char *)"wordexp", (char *)"gcc", NULL };

	expect_denied(argv, "wordexp $(gcc)");
	expect_audited(argv, "wordexp $(gcc)");
}

Test(exec_entry, syscall_execve_and_execveat)
{
	char out[256];
	FILE *p;
	int has = 0;
	char cmd[4300];

	fmt(cmd, sizeof(cmd), "PATH='%s' nm -D --defined-only '%s'", saved_path,
	    rt_path("librampart.so"));
	p = popen(cmd, "r");
	while (p && fgets(out, sizeof(out), p))
		if (strstr(out, " T syscall"))
			has = 1;
	if (p)
		pclose(p);
	if (!has)
		cr_skip_test("the shim does not wrap syscall() yet");
	{
		char prog[4200];
		char *a1[] = { (char *)rt_prog("exec_via"), (char *)"syscall_execve", prog, NULL };
		char *a2[] = { (char *)rt_prog("exec_via"), (char *)"syscall_execveat", prog, NULL };

		fmt(prog, sizeof(prog), "%s/gcc", bin);
		expect_denied(a1, "syscall(SYS_execve)");
		expect_denied(a2, "syscall(SYS_execveat)");
	}
}

Test(exec_entry, shell_python_and_env_routes)
{
	char script[4400];
	char *sh_c[] = { (char *)"/bin/sh", (char *)"-c", (char *)"gcc -c x.c", NULL };
	char *sh_cc[] = { (char *)"/bin/sh", (char *)"-c", (char *)"cc", NULL };
	char *env_u[] = { (char *)"/usr/bin/env", (char *)"-u", (char *)"LD_PRELOAD", (char *)"gcc", NULL };
	char *env_u_sh[] = { (char *)"/usr/bin/env", (char *)"-u", (char *)"LD_PRELOAD",
			     (char *)"-u", (char *)"RAMPART_POLICY", (char *)"/bin/sh", (char *)"-c",
			     (char *)"gcc", NULL };
	char *py_sub[] = { (char *)"/usr/bin/python3", (char *)"-c",
			   (char *)"import subprocess,sys\n"
				   "try: subprocess.run(['gcc'])\n"
				   "except PermissionError: sys.exit(126)", NULL };
	char *py_spawn[] = { (char *)"/usr/bin/python3", (char *)"-c",
			     (char *)"import subprocess,sys\n"
				     "try: subprocess.run(['cc'], close_fds=False)\n"
				     "except PermissionError: sys.exit(126)", NULL };
	char *py_execv[] = { (char *)"/usr/bin/python3", (char *)"-c", script, NULL };

	fmt(script, sizeof(script), "import os\nos.execv('%s/gcc', ['gcc'])", bin);
	expect_denied(sh_c, "sh -c gcc");
	expect_audited(sh_c, "sh -c gcc");
	expect_denied(sh_cc, "sh -c cc");
	expect_denied(env_u, "env -u LD_PRELOAD gcc");
	expect_denied(env_u_sh, "env -u LD_PRELOAD -u RAMPART_POLICY sh -c gcc");
	expect_audited(env_u_sh, "env -u LD_PRELOAD -u RAMPART_POLICY sh -c gcc");
	expect_denied(py_sub, "python3 subprocess.run(['gcc'])");
	expect_audited(py_sub, "python3 subprocess.run(['gcc'])");
	expect_denied(py_spawn, "python3 subprocess.run(['cc'], close_fds=False)");
	expect_denied(py_execv, "python3 os.execv");
}

Test(exec_entry, links_copies_and_writable_dirs)
{
	char hard[4200], renamed[4200], wcopy[4200];
	char *a_hard[] = { (char *)rt_prog("exec_via"), (char *)"execv", hard, NULL };
	char *a_ren[] = { (char *)rt_prog("exec_via"), (char *)"execv", renamed, NULL };
	char *a_w[] = { (char *)rt_prog("exec_via"), (char *)"execv", wcopy, NULL };

	fmt(hard, sizeof(hard), "%s/harmless", bin);
	fmt(renamed, sizeof(renamed), "%s/other/renamed", T);
	fmt(wcopy, sizeof(wcopy), "%s/w/wcopy", T);
	expect_denied(a_hard, "hard link under another name");
	expect_denied(a_ren, "renamed copy outside the writable dirs");
	expect_denied(a_w, "copy in a writable dir (W^X)");
	expect_audited(a_w, "copy in a writable dir (W^X)");
}

Test(exec_entry, dynamic_loader_routes)
{
	char prog[4200], wprog[4200];
	char *via_exec[] = { (char *)rt_prog("exec_via"), (char *)"execv",
			     (char *)"/lib64/ld-linux-x86-64.so.2", prog, NULL };
	char *via_shell[] = { (char *)"/bin/sh", (char *)"-c", NULL, NULL };
	char *w_exec[] = { (char *)rt_prog("exec_via"), (char *)"execv",
			   (char *)"/lib64/ld-linux-x86-64.so.2", wprog, NULL };
	char line[8600];

	fmt(prog, sizeof(prog), "%s/harmless", bin);
	fmt(wprog, sizeof(wprog), "%s/w/wcopy", T);
	fmt(line, sizeof(line), "/lib64/ld-linux-x86-64.so.2 --argv0 x %s/gcc", bin);
	via_shell[2] = line;
	expect_denied(via_exec, "ld.so bin/harmless");
	expect_denied(via_shell, "sh -c 'ld.so --argv0 x bin/gcc'");
	expect_denied(w_exec, "ld.so w/wcopy");
}

Test(exec_entry, loader_started_without_any_wrapper)
{
	/* a static parent runs no shim code: only the constructor of the
	 * program ld.so maps can refuse */
	char prog[4200];
	char *argv[] = { (char *)rt_prog("exec_via.static"), (char *)"execv",
			 (char *)"/lib64/ld-linux-x86-64.so.2", prog, NULL };

	if (!rt_exists(rt_prog("exec_via.static")))
		cr_skip_test("no static build of exec_via (static libc missing)");
	fmt(prog, sizeof(prog), "%s/gcc", bin);
	expect_denied(argv, "static parent, ld.so bin/gcc");
	fmt(prog, sizeof(prog), "%s/w/wcopy", T);
	expect_denied(argv, "static parent, ld.so w/wcopy");
}

Test(exec_entry, ordinary_programs_still_run)
{
	char *pipeline[] = { (char *)"/bin/sh", (char *)"-c",
			     (char *)"echo hello | tr h H | grep -c Hello", NULL };
	char *py[] = { (char *)"/usr/bin/python3", (char *)"-c",
		       (char *)"import subprocess\n"
			       "subprocess.run(['/bin/true'], check=True)\n"
			       "subprocess.run(['/bin/true'], check=True, close_fds=False)\n"
			       "print(subprocess.check_output(['/bin/sh', '-c', 'echo ok']).decode().strip())",
		       NULL };
	struct rt_result r;

	setenv("PATH", "/usr/bin:/bin", 1);

	cr_assert_eq(rt_run_shim(enforce_pol, pipeline, NULL, 20, &r), 0);
	cr_expect_eq(r.status, 0, "pipeline failed: %s", r.err);
	cr_expect_str_eq(r.out, "1\n");
	cr_expect_eq(rt_count_lines(r.err, "\"rampart\""), 0, "events: %s", r.err);
	rt_result_free(&r);
	cr_assert_eq(rt_run_shim(enforce_pol, py, NULL, 20, &r), 0);
	cr_expect_eq(r.status, 0, "python failed: %s", r.err);
	cr_expect_str_eq(r.out, "ok\n");
	cr_expect_eq(rt_count_lines(r.err, "\"rampart\""), 0, "events: %s", r.err);
	rt_result_free(&r);
}

/* `rampart --check -- CMD` and the shim give the same answer. */
Test(exec_entry, check_agrees_with_the_shim)
{
	const char *cmds[] = { "gcc", "cc", "harmless", "/bin/true", "true", "env",
			       "OTHER/renamed", "W/wcopy" };
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char cmd[4200];
		char *check[] = { (char *)rt_path("rampart"), (char *)"--check", (char *)"--policy",
				  enforce_pol, (char *)"--", cmd, NULL };
		char *shim[] = { (char *)rt_prog("exec_via"), (char *)"execvp", cmd, NULL };
		char pathv[4300];
		char *env[] = { pathv, marker_env, NULL };

		int d, a, ran, st_shim, st_check;
		struct rt_result r;

		if (!strncmp(cmds[i], "OTHER/", 6))
			fmt(cmd, sizeof(cmd), "%s/other/%s", T, cmds[i] + 6);
		else if (!strncmp(cmds[i], "W/", 2))
			fmt(cmd, sizeof(cmd), "%s/w/%s", T, cmds[i] + 2);
		else
			fmt(cmd, sizeof(cmd), "%s", cmds[i]);
		fmt(pathv, sizeof(pathv), "PATH=%s/bin:/usr/bin", T);
		cr_assert_eq(rt_run(check, env, 20, &r), 0);
		st_check = r.status;
		rt_result_free(&r);
		setenv("PATH", pathv + 5, 1);
		{
			unlink(marker);
			cr_assert_eq(rt_run_shim(enforce_pol, shim, NULL, 20, &r), 0);
			st_shim = r.status;
			d = rt_count_lines(r.err, DENY_LINE);
			rt_result_free(&r);
		}
		(void)a;
		(void)ran;
		cr_expect_eq(st_check == 126, st_shim == 126,
			     "%s: --check exit %d, shim exit %d", cmd, st_check, st_shim);
		cr_expect_eq(st_shim == 126, d > 0, "%s: exit %d with %d events", cmd, st_shim, d);
	}
}
