/* test_exec_edges.c - the exec wrappers at the edges: what the child of a
 * posix_spawn really runs after its file actions, system() while other
 * threads edit the environment, long argument lists, script fallbacks,
 * symlink chains and loops, huge and tampered environments, /proc/self/fd,
 * execveat, memfd, #! chains, ld.so's options, errno and signals.
 *
 * The stand-in compiler (tests/progs/exec_fakecc, which appends to
 * FAKECC_MARKER) is installed as bin/x86_64-linux-gnu-gcc-12 with
 * bin/gcc -> it; bin/prog is a renamed copy (caught by identity, since
 * bin/ is on PATH).  w/ is the policy's writable dir.
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
static char enforce_pol[4200], audit_pol[4200], allow_memfd_pol[4200], marker[4200],
	saved_path[8192];

static void __attribute__((format(printf, 3, 4)))
fmt(char *buf, size_t n, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, n, f, ap);
	va_end(ap);
}

/* Run a shell command with every %s replaced by the temporary dir. */
static void
sh(const char *f)
{
	char cmd[16384], *out = cmd;
	const char *p;

	cr_assert_lt(strlen(f) + 16 * strlen(T), sizeof(cmd));
	for (p = f; *p; p++) {
		if (p[0] == '%' && p[1] == 's') {
			out = stpcpy(out, T);
			p++;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
	cr_assert_eq(system(cmd), 0, "setup failed: %s", cmd);
}

/* rt_prog's buffers rotate: keep a copy that outlives several runs */
static const char *
prog_path(const char *name)
{
	char *p = strdup(rt_prog(name));

	cr_assert_not_null(p);
	return p;
}

static void
policy(char *path, size_t n, const char *name, const char *extra)
{
	char text[8192];

	fmt(text, sizeof(text), "%sWritablePath %s/w\nDenyExec gcc cc *-gcc-[0-9]*\n", extra, T);
	fmt(path, n, "%s/%s.policy", T, name);
	rt_write_file(path, text);
}

static void
setup(void)
{
	char cmd[8400], path[8400];

	T = rt_tmpdir();
	sh("mkdir -p %s/bin %s/w %s/cwd %s/rel %s/nx %s/dirgcc/gcc %s/scripts");
	fmt(cmd, sizeof(cmd), "cp '%s' %s/bin/x86_64-linux-gnu-gcc-12", rt_prog("exec_fakecc"), T);
	cr_assert_eq(system(cmd), 0);
	sh("cd %s/bin && ln -s x86_64-linux-gnu-gcc-12 gcc && cp x86_64-linux-gnu-gcc-12 prog && "
	   "cp /bin/true %s/cwd/prog && cp /bin/true %s/rel/tool && "
	   "cp x86_64-linux-gnu-gcc-12 %s/nx/gcc && cp /bin/true %s/nx/tool && "
	   "chmod 644 %s/nx/gcc %s/nx/tool");
	policy(enforce_pol, sizeof(enforce_pol), "enforce", "");
	policy(audit_pol, sizeof(audit_pol), "audit", "Mode audit\n");
	policy(allow_memfd_pol, sizeof(allow_memfd_pol), "memfd", "MemfdExec allow\n");
	fmt(marker, sizeof(marker), "%s/w/marker", T);
	fmt(saved_path, sizeof(saved_path), "%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	fmt(path, sizeof(path), "%s/bin:/usr/bin:/bin", T);
	setenv("PATH", path, 1);
	setenv("FAKECC_MARKER", marker, 1);
}

static void
teardown(void)
{
	setenv("PATH", saved_path, 1);
	rt_cleanup(T);
}

TestSuite(exec_edges, .init = setup, .fini = teardown, .timeout = 60);

struct outcome {
	int status, ndeny, naudit, ran;
	char out[4096];
};

static struct outcome
run(const char *pol, char *const argv[], char *const extra[])
{
	struct outcome o;
	struct rt_result r;

	unlink(marker);
	cr_assert_eq(rt_run_shim(pol, argv, extra, 30, &r), 0);
	o.status = r.status;
	o.ndeny = rt_count_lines(r.err, DENY_LINE);
	o.naudit = rt_count_lines(r.err, AUDIT_LINE);
	o.ran = rt_exists(marker);
	fmt(o.out, sizeof(o.out), "%s", r.out);
	cr_log_info("%s %s: status %d, stdout %s, stderr %s", argv[0], argv[1] ? argv[1] : "",
		    r.status, r.out, r.err);
	rt_result_free(&r);
	return o;
}

static void
expect_denied(char *const argv[], const char *what)
{
	struct outcome o = run(enforce_pol, argv, NULL);

	cr_expect_not(o.ran, "%s: the compiler ran", what);
	cr_expect_eq(o.ndeny, 1, "%s: %d deny events, want 1", what, o.ndeny);
	cr_expect_eq(o.status, 126, "%s: status %d, want 126", what, o.status);
}

static void
expect_runs(const char *pol, char *const argv[], const char *what)
{
	struct outcome o = run(pol, argv, NULL);

	cr_expect_eq(o.status, 0, "%s: status %d", what, o.status);
	cr_expect_eq(o.ndeny, 0, "%s: %d deny events", what, o.ndeny);
}

/* posix_spawn's file actions run in the child, after the parent-side
 * check: a chdir moves a relative path, an open or dup2 replaces the file
 * behind /proc/self/fd/N.  Each must still end in the judged file. */
Test(exec_edges, spawn_file_actions_cannot_swap_the_program)
{
	char bin[4200], cwd[4200], rel[4200], gcc[4200], prog[4200];
	char *chdir_rel[] = { (char *)prog, (char *)"chdir", bin, (char *)"./prog", NULL };
	char *chdir_gcc[] = { (char *)prog, (char *)"chdir", bin, (char *)"gcc", NULL };
	char *fchdir_rel[] = { (char *)prog, (char *)"fchdir", bin, (char *)"./prog", NULL };
	char *open_fd[] = { (char *)prog, (char *)"open", (char *)"/bin/true", gcc, NULL };
	char *dup2_fd[] = { (char *)prog, (char *)"dup2", (char *)"/bin/true", gcc, NULL };
	char *stdio[] = { (char *)prog, (char *)"stdio", (char *)"/bin/true", NULL };
	char *chdir_ok[] = { (char *)prog, (char *)"chdir", rel, (char *)"./tool", NULL };
	struct outcome o;

	fmt(prog, sizeof(prog), "%s", prog_path("exec_spawn_actions"));
	fmt(bin, sizeof(bin), "%s/bin", T);
	fmt(cwd, sizeof(cwd), "%s/cwd", T);
	fmt(rel, sizeof(rel), "%s/rel", T);
	fmt(gcc, sizeof(gcc), "%s/bin/gcc", T);
	/* relative paths are resolved from the test's cwd: run from cwd/,
	 * where ./prog is a harmless decoy */
	cr_assert_eq(chdir(cwd), 0);
	expect_denied(chdir_rel, "addchdir_np(bin) + ./prog (renamed compiler)");
	expect_denied(chdir_gcc, "addchdir_np(bin) + gcc");
	expect_denied(fchdir_rel, "addfchdir_np(bin) + ./prog");
	expect_denied(open_fd, "addopen(50, gcc) + /proc/self/fd/50");
	expect_denied(dup2_fd, "adddup2(gcc, 50) + /dev/fd/50");
	expect_runs(enforce_pol, stdio, "adddup2(1, 1) + /bin/true");
	expect_runs(enforce_pol, chdir_ok, "addchdir_np(rel) + ./tool");
	o = run(audit_pol, open_fd, NULL);
	cr_expect(o.ran, "audit mode: the compiler did not run");
	cr_expect_eq(o.naudit, 1, "audit mode: %d audit events", o.naudit);
}

/* system() after unsetenv("LD_PRELOAD") while another thread adds and
 * removes variables: the repaired environment must not point into a
 * stack frame that has returned, and the shell still loads the shim. */
Test(exec_edges, system_repairs_environ_while_threads_setenv)
{
	char *argv[] = { (char *)prog_path("exec_env_threads"), (char *)"40", (char *)"gcc", NULL };
	char bin[4200];
	struct outcome o;

	/* only bin/: dash tries every PATH entry, and each gcc is an event */
	fmt(bin, sizeof(bin), "%s/bin", T);
	setenv("PATH", bin, 1);
	o = run(enforce_pol, argv, NULL);

	cr_expect_neq(o.status, 3, "the environment was damaged");
	cr_expect_neq(o.status, 4, "a shell died or could not start");
	cr_expect_eq(o.status, 126, "sh -c gcc: status %d, want 126", o.status);
	cr_expect_not(o.ran, "the compiler ran");
	cr_expect_eq(o.ndeny, 1, "%d deny events", o.ndeny);
}

Test(exec_edges, execl_takes_as_many_arguments_as_libc)
{
	char script[4200];
	char *argv[] = { (char *)prog_path("exec_execl_many"), (char *)"17000", script, NULL };
	struct outcome o;

	fmt(script, sizeof(script), "%s/scripts/argc", T);
	rt_write_file(script, "#!/bin/sh\necho \"argc=$#\"\n");
	cr_assert_eq(chmod(script, 0755), 0);
	o = run(enforce_pol, argv, NULL);
	if (o.status == 77)
		cr_skip_test("exec_execl_many is written for x86_64");
	cr_expect_eq(o.status, 0, "status %d: %s", o.status, o.out);
	cr_expect_str_eq(o.out, "argc=16999\n");
}

/* execvp runs a file without #! with /bin/sh, for a path with '/' too,
 * and with an empty argv (posix/execvpe.c). */
Test(exec_edges, execvp_script_fallback)
{
	char script[4200];
	char *empty_argv[] = { (char *)prog_path("exec_edge"), (char *)"noargv", script, NULL };
	char *with_slash[] = { (char *)prog_path("exec_via"), (char *)"execvp", script, (char *)"a",
			       (char *)"b", NULL };
	struct outcome o;

	fmt(script, sizeof(script), "%s/scripts/plain", T);
	rt_write_file(script, "echo \"plain script $#\"\n");
	cr_assert_eq(chmod(script, 0755), 0);
	o = run(enforce_pol, empty_argv, NULL);
	cr_expect_eq(o.status, 0, "empty argv: status %d: %s", o.status, o.out);
	cr_expect_str_eq(o.out, "plain script 0\n");
	o = run(enforce_pol, with_slash, NULL);
	cr_expect_eq(o.status, 0, "path with '/': status %d: %s", o.status, o.out);
	cr_expect_str_eq(o.out, "plain script 2\n");
}

Test(exec_edges, symlink_chains_and_loops_fail_like_the_kernel)
{
	char l40[4200], l41[4200], loop[4200];
	char *a40[] = { (char *)prog_path("exec_edge"), (char *)"execv", l40, NULL };
	char *a41[] = { (char *)prog_path("exec_edge"), (char *)"execv", l41, NULL };
	char *aloop[] = { (char *)prog_path("exec_edge"), (char *)"execv", loop, NULL };
	struct outcome o;

	/* l1 -> x86_64-linux-gnu-gcc-12, l2 -> l1, ... l41 -> l40 */
	sh("cd %s/bin && ln -s x86_64-linux-gnu-gcc-12 l1 && i=1 && while [ $i -le 40 ]; do "
	   "ln -s l$i l$((i + 1)); i=$((i + 1)); done && ln -s loopb loopa && ln -s loopa loopb");
	fmt(l40, sizeof(l40), "%s/bin/l40", T);
	fmt(l41, sizeof(l41), "%s/bin/l41", T);
	fmt(loop, sizeof(loop), "%s/bin/loopa", T);
	expect_denied(a40, "40 symlinks to the compiler");
	o = run(enforce_pol, a41, NULL);
	cr_expect_str_eq(o.out, "errno=ELOOP\n", "41 symlinks: %s", o.out);
	cr_expect_not(o.ran);
	o = run(enforce_pol, aloop, NULL);
	cr_expect_str_eq(o.out, "errno=ELOOP\n", "a loop: %s", o.out);
	cr_expect_eq(o.ndeny, 0, "a loop: %d deny events", o.ndeny);
}

/* An explicit environment of 10,000 variables that dropped LD_PRELOAD,
 * changed RAMPART_POLICY, added RAMPART_MODE=audit and LD_AUDIT: the new
 * program gets all 10,000, the shim first, the start policy, no audit. */
Test(exec_edges, sticky_environment_large_and_tampered)
{
	char *py[] = { (char *)"/usr/bin/env", (char *)"python3", (char *)"-c",
		       (char *)"import os\n"
			       "e = {'V%d' % i: 'x' * 8 for i in range(10000)}\n"
			       "e['PATH'] = os.environ['PATH']\n"
			       "e['RAMPART_MODE'] = 'audit'\n"
			       "e['RAMPART_POLICY'] = '/elsewhere.policy'\n"
			       "e['LD_AUDIT'] = '/nonexistent/audit.so'\n"
			       "e['LD_PRELOAD'] = '/lib/x86_64-linux-gnu/libm.so.6'\n"
			       "os.execve('/usr/bin/env', ['env'], e)\n", NULL };
	char *child_audit[] = { (char *)"/usr/bin/env", (char *)"python3", (char *)"-c",
				(char *)"import os, subprocess, sys\n"
					"e = dict(os.environ, RAMPART_MODE='audit')\n"
					"sys.exit(subprocess.run(['gcc'], env=e).returncode)\n"
					"", NULL };
	char want_policy[4300], want_preload[4300];
	struct rt_result r;
	int lines = 0;
	const char *p;

	cr_assert_eq(rt_run_shim(enforce_pol, py, NULL, 30, &r), 0);
	for (p = r.out; (p = strchr(p, '\n')); p++)
		lines++;
	fmt(want_policy, sizeof(want_policy), "\nRAMPART_POLICY=%s\n", enforce_pol);
	fmt(want_preload, sizeof(want_preload), "LD_PRELOAD=%s:/lib/x86_64-linux-gnu/libm.so.6\n",
	    rt_path("librampart.so"));
	cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_expect_eq(lines, 10003, "%d variables, want 10,000 + PATH, LD_PRELOAD, RAMPART_POLICY",
		     lines);
	cr_expect(!strncmp(r.out, want_preload, strlen(want_preload)), "first entry: %.200s", r.out);
	cr_expect(strstr(r.out, want_policy), "RAMPART_POLICY not restored");
	cr_expect_not(strstr(r.out, "RAMPART_MODE="), "RAMPART_MODE passed on");
	cr_expect_not(strstr(r.out, "LD_AUDIT="), "LD_AUDIT passed on");
	cr_expect_eq(rt_count_lines(r.err, "\"sticky-env\""), 1, "events: %s", r.err);
	rt_result_free(&r);

	/* RAMPART_MODE=audit put in a child's environment changes nothing */
	{
		struct outcome o = run(enforce_pol, child_audit, NULL);

		cr_expect_not(o.ran, "the child ran the compiler in audit mode");
		cr_expect_geq(o.ndeny, 1, "no deny event");
		cr_expect_eq(o.naudit, 0, "audit events: %d", o.naudit);
	}
}

Test(exec_edges, proc_fd_execveat_and_memfd)
{
	char gcc[4200], bin[4200];
	char *procfd[] = { (char *)prog_path("exec_edge"), (char *)"procfd", gcc, NULL };
	char *at[] = { (char *)prog_path("exec_edge"), (char *)"execveat", bin, (char *)"gcc", NULL };
	char *at_ok[] = { (char *)prog_path("exec_edge"), (char *)"execveat", (char *)"/bin",
			  (char *)"true", NULL };
	char *memfd_true[] = { (char *)prog_path("exec_via"), (char *)"memfd", (char *)"/bin/true",
			       NULL };
	char *memfd_gcc[] = { (char *)prog_path("exec_via"), (char *)"memfd", gcc, NULL };
	struct rt_result r;

	fmt(gcc, sizeof(gcc), "%s/bin/x86_64-linux-gnu-gcc-12", T);
	fmt(bin, sizeof(bin), "%s/bin", T);
	expect_denied(procfd, "execv(/proc/self/fd/N) of the compiler");
	expect_denied(at, "execveat(dirfd of bin, \"gcc\")");
	expect_runs(enforce_pol, at_ok, "execveat(dirfd of /bin, \"true\")");
	expect_denied(memfd_true, "fexecve of a memfd, MemfdExec deny");
	/* allowed: runs, and still one line in the log */
	cr_assert_eq(rt_run_shim(allow_memfd_pol, memfd_true, NULL, 30, &r), 0);
	cr_expect_eq(r.status, 0, "memfd allowed: status %d: %s", r.status, r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"rule\":\"memfd\""), 1, "events: %s", r.err);
	rt_result_free(&r);
	/* the same through /proc/self/fd/N: a memfd has no other name */
	{
		char *py[] = { (char *)"/usr/bin/env", (char *)"python3", (char *)"-c",
			       (char *)"import os\n"
				       "fd = os.memfd_create('x', 0)\n"
				       "os.write(fd, open('/bin/true', 'rb').read())\n"
				       "os.execv('/proc/self/fd/%d' % fd, ['true'])\n", NULL };

		expect_runs(allow_memfd_pol, py, "execv(/proc/self/fd/N) of a memfd, allowed");
	}
	/* a memfd holding the compiler's bytes is the compiler */
	{
		struct outcome o = run(allow_memfd_pol, memfd_gcc, NULL);

		cr_expect_not(o.ran, "memfd copy of the compiler ran");
		cr_expect_eq(o.status, 126);
	}
}

Test(exec_edges, shebang_chains_to_a_denied_interpreter)
{
	char s1[4200], s2[4200], text[4300];
	char *a1[] = { (char *)prog_path("exec_via"), (char *)"execv", s1, NULL };

	fmt(s2, sizeof(s2), "%s/scripts/s2", T);
	fmt(s1, sizeof(s1), "%s/scripts/s1", T);
	fmt(text, sizeof(text), "#!%s/bin/gcc\n", T);
	rt_write_file(s2, text);
	fmt(text, sizeof(text), "#!%s\n", s2);
	rt_write_file(s1, text);
	cr_assert_eq(chmod(s1, 0755) | chmod(s2, 0755), 0);
	expect_denied(a1, "#! script whose interpreter is a #! script run by gcc");
}

Test(exec_edges, dynamic_loader_option_forms)
{
	static const char *const denied[][3] = {
		{ "--inhibit-cache", NULL, NULL },
		{ "--library-path", "/usr/lib", NULL },
		{ "--preload", "/lib/x86_64-linux-gnu/libm.so.6", NULL },
		{ "--glibc-hwcaps-mask", "x", NULL },
		{ "--audit", "/nonexistent.so", NULL },
	};
	char gcc[4200];
	size_t i;

	fmt(gcc, sizeof(gcc), "%s/bin/gcc", T);
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		char *argv[8] = { (char *)prog_path("exec_via"), (char *)"execv",
				  (char *)"/lib64/ld-linux-x86-64.so.2" };
		int k = 3, j;

		for (j = 0; j < 3 && denied[i][j]; j++)
			argv[k++] = (char *)denied[i][j];
		argv[k++] = gcc;
		argv[k] = NULL;
		expect_denied(argv, denied[i][0]);
	}
	{
		char *argv0[] = { (char *)prog_path("exec_via"), (char *)"execv",
				  (char *)"/lib64/ld-linux-x86-64.so.2", (char *)"--argv0",
				  (char *)"gcc", (char *)"/bin/true", NULL };
		char *help[] = { (char *)prog_path("exec_via"), (char *)"execv",
				 (char *)"/lib64/ld-linux-x86-64.so.2", (char *)"--help", gcc, NULL };
		struct outcome o;

		expect_denied(argv0, "--argv0 gcc /bin/true (multi-call name)");
		/* --help with a program prints the help and runs nothing */
		o = run(enforce_pol, help, NULL);
		cr_expect_not(o.ran, "ld.so --help ran the program");
		cr_expect_eq(o.status, 0, "ld.so --help: status %d", o.status);
	}
}

Test(exec_edges, path_search_edge_cases)
{
	char nx_first[8400], dir_first[8400], nx_then_rel[8400], empty_entry[8400];
	char *via_gcc[] = { (char *)prog_path("exec_via"), (char *)"execvp", (char *)"gcc", NULL };
	char *via_tool[] = { (char *)prog_path("exec_via"), (char *)"execvp", (char *)"tool", NULL };
	char *unset[] = { (char *)"/usr/bin/env", (char *)"-u", (char *)"PATH",
			  (char *)prog_path("exec_via"), (char *)"execvp", (char *)"true", NULL };
	char *rel_entry[] = { (char *)"/bin/sh", (char *)"-c", empty_entry, NULL };
	struct outcome o;

	/* glibc goes on after EACCES: a non-executable gcc, then the real one */
	fmt(nx_first, sizeof(nx_first), "PATH=%s/nx:%s/bin", T, T);
	fmt(dir_first, sizeof(dir_first), "PATH=%s/dirgcc:%s/bin", T, T);
	fmt(nx_then_rel, sizeof(nx_then_rel), "PATH=%s/nx:%s/rel", T, T);
	{
		char *e1[] = { nx_first, NULL }, *e2[] = { dir_first, NULL },
		     *e3[] = { nx_then_rel, NULL };

		setenv("PATH", nx_first + 5, 1);
		o = run(enforce_pol, via_gcc, e1);
		cr_expect_eq(o.status, 126, "non-executable gcc first: %d", o.status);
		cr_expect_not(o.ran);
		cr_expect_eq(o.ndeny, 1);
		setenv("PATH", dir_first + 5, 1);
		o = run(enforce_pol, via_gcc, e2);
		cr_expect_eq(o.status, 126, "directory named gcc first: %d", o.status);
		cr_expect_not(o.ran);
		setenv("PATH", nx_then_rel + 5, 1);
		o = run(enforce_pol, via_tool, e3);
		cr_expect_eq(o.status, 0, "non-executable tool, then a real one: %d", o.status);
	}
	setenv("PATH", "/usr/bin:/bin", 1);
	expect_runs(enforce_pol, unset, "PATH unset: execvp searches /bin:/usr/bin");
	/* an empty entry and a relative one, from the directory above bin/ */
	fmt(empty_entry, sizeof(empty_entry),
	    "cd %s/bin && PATH=:/usr/bin exec %s execvp gcc; exit 99", T, rt_prog("exec_via"));
	expect_denied(rel_entry, "PATH with an empty entry, cwd bin/");
	fmt(empty_entry, sizeof(empty_entry),
	    "cd %s && PATH=bin:/usr/bin exec %s execvp gcc; exit 99", T, rt_prog("exec_via"));
	expect_denied(rel_entry, "PATH with the relative entry bin");
}

Test(exec_edges, errno_and_signals)
{
	char *keep[] = { (char *)prog_path("exec_edge"), (char *)"errno", (char *)"/bin/true", NULL };
	char gcc[4200];
	char *sig[] = { (char *)prog_path("exec_edge"), (char *)"sigexec", gcc, NULL };
	struct outcome o;

	o = run(enforce_pol, keep, NULL);
	cr_expect_str_eq(o.out, "errno kept\n");
	cr_expect_eq(o.status, 0);
	/* execv from a SIGALRM handler that interrupts a loop of wrapped
	 * open() calls */
	fmt(gcc, sizeof(gcc), "%s/bin/gcc", T);
	expect_denied(sig, "execv(gcc) from a signal handler");
}

/* CPython's subprocess: vfork + execv with close_fds=True, posix_spawn
 * (with dup2 file actions for captured output) with close_fds=False. */
Test(exec_edges, python_subprocess_both_routes)
{
	char script[8192];
	char *py[] = { (char *)"/usr/bin/env", (char *)"python3", (char *)"-c", script, NULL };
	struct outcome o;

	fmt(script, sizeof(script),
	    "import subprocess, sys\n"
	    "for cf in (True, False):\n"
	    "    out = subprocess.run(['/bin/echo', 'ok'], close_fds=cf, capture_output=True)\n"
	    "    print(out.stdout.decode().strip())\n"
	    "    try:\n"
	    "        subprocess.run(['%s/bin/gcc'], close_fds=cf)\n"
	    "        print('ran')\n"
	    "    except PermissionError:\n"
	    "        print('denied')\n",
	    T);
	o = run(enforce_pol, py, NULL);
	cr_expect_eq(o.status, 0, "python: status %d", o.status);
	cr_expect_str_eq(o.out, "ok\ndenied\nok\ndenied\n");
	cr_expect_not(o.ran, "the compiler ran");
	cr_expect_eq(o.ndeny, 2, "%d deny events, want 2", o.ndeny);
}

/* A symlink the app owns, re-pointed from /bin/true to the compiler
 * between the check and the kernel's own lookup: the kernel must get the
 * file that was judged.  Before that fix about 1 try in 20 ran it. */
Test(exec_edges, symlink_repointed_after_the_check)
{
	char w[4200], gcc[4200];
	char *argv[] = { (char *)prog_path("exec_symlink_race"), w, gcc, (char *)"200", NULL };
	struct outcome o;

	fmt(w, sizeof(w), "%s/w", T);
	fmt(gcc, sizeof(gcc), "%s/bin/x86_64-linux-gnu-gcc-12", T);
	o = run(enforce_pol, argv, NULL);
	cr_expect_eq(o.status, 0, "status %d", o.status);
	cr_expect_not(o.ran, "the compiler ran through the re-pointed symlink");
	cr_expect_gt(o.ndeny, 0, "the link never pointed at the compiler during a check");
}
