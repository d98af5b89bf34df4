/* test_exec_syscalls.c - what one allowed exec decision costs in system
 * calls, counted by strace in a real process (python3's os.posix_spawn
 * and os.execv reach the shim's posix_spawn and execv wrappers), so that
 * a change that adds a lookup to every exec shows here.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

static char T[4096], W[4200], POL[4200], PY[4200];

/* One spawn (and wait) first: the first decision of a process also builds
 * the table of denied files, which is not what is counted.  The getppid()
 * calls are the markers: a posix_spawn between the first two, an execv
 * right after the third. */
static const char script[] =
	"import os\n"
	"os.waitpid(os.posix_spawn('%s', ['%s'], os.environ), 0)\n"
	"os.getppid()\n"
	"pid = os.posix_spawn('%s', ['%s'], os.environ)\n"
	"os.getppid()\n"
	"os.waitpid(pid, 0)\n"
	"os.getppid()\n"
	"os.execv('%s', ['%s'])\n";

static void
tree(const char *prog)
{
	char text[9000 + 4200];

	if (!T[0])	/* a test may have made its tree first */
		snprintf(T, sizeof(T), "%s", rt_tmpdir());
	snprintf(W, sizeof(W), "%s/w", T);
	snprintf(POL, sizeof(POL), "%s/policy", T);
	snprintf(PY, sizeof(PY), "%s/spawn.py", T);
	mkdir(W, 0755);
	/* the bench policy's DenyExec list: the identity table is not empty */
	snprintf(text, sizeof(text),
		 "WritablePath %s\n"
		 "DenyExec gcc gcc-* cc c++ g++ g++-* clang clang-* clang++ tcc\n"
		 "DenyExec ld ld.* as make gmake cmake ninja rustc cargo go javac\n"
		 "DenyExec /usr/lib/gcc/* /usr/libexec/gcc/*\n", W);
	rt_write_file(POL, text);
	snprintf(text, sizeof(text), script, prog, prog, prog, prog, prog, prog);
	rt_write_file(PY, text);
}

struct counts {
	int spawn;	/* the parent's system calls inside posix_spawn */
	int exec;	/* the system calls of execv before the execve itself */
	int execve_seen;
};

static void
count_calls(int shim, struct counts *c)
{
	char out[4300];
	char *argv[] = { "/usr/bin/strace", "-f", "-qq", "-o", out, "/usr/bin/python3", PY, NULL };
	struct rt_result r;
	char *log, *line, *end;
	long main_pid = -1;
	int marks = 0;

	memset(c, 0, sizeof(*c));
	snprintf(out, sizeof(out), "%s/strace.%d", W, shim);
	if (shim)
		cr_assert_eq(rt_run_shim(POL, argv, NULL, 60, &r), 0);
	else
		cr_assert_eq(rt_run(argv, NULL, 60, &r), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	rt_result_free(&r);
	log = rt_read_file(out);
	cr_assert_not_null(log);
	for (line = log; line && *line; line = end ? end + 1 : NULL) {
		long pid;

		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		pid = strtol(line, NULL, 10);
		if (strstr(line, "getppid(")) {
			if (main_pid < 0)
				main_pid = pid;
			if (pid == main_pid)
				marks++;
			continue;
		}
		/* the parent's own calls only: the child is traced too (-f) */
		if (pid != main_pid || strstr(line, "resumed>") || strstr(line, "+++") ||
		    strstr(line, "---"))
			continue;
		if (marks == 1)
			c->spawn++;
		if (marks == 3 && !c->execve_seen) {
			if (strstr(line, "execve(")) {
				c->execve_seen = 1;
				continue;
			}
			c->exec++;
		}
	}
	free(log);
}

static void
expect_cost(const char *prog, int added)
{
	struct counts bare, shim;

	if (access("/usr/bin/strace", X_OK) != 0)
		cr_skip_test("strace is not installed");
	if (access("/usr/bin/python3", X_OK) != 0)
		cr_skip_test("/usr/bin/python3 missing");
	tree(prog);
	count_calls(0, &bare);
	if (!bare.execve_seen || bare.spawn < 1)
		cr_skip_test("strace cannot trace here (spawn %d, execve %d)", bare.spawn,
			     bare.execve_seen);
	count_calls(1, &shim);
	cr_log_info("%s: posix_spawn bare %d shim %d; execv bare %d shim %d", prog, bare.spawn,
		    shim.spawn, bare.exec, shim.exec);
	cr_expect(shim.execve_seen, "no execve under the shim");
	cr_expect_eq(shim.spawn, bare.spawn + added,
		     "posix_spawn(%s): %d system calls under the shim, %d bare", prog, shim.spawn,
		     bare.spawn);
	cr_expect_eq(shim.exec, bare.exec + added,
		     "execv(%s): %d system calls before execve under the shim, %d bare", prog,
		     shim.exec, bare.exec);
	rt_cleanup(T);
}

/* A regular file named directly (a symlinked directory on the way, as
 * /bin on merged-/usr systems, changes nothing): lstat, one read-only
 * O_NOFOLLOW open, fstat, the kernel's name (readlink of
 * /proc/self/fd/N), the #! read and the close.  No existence stat apart,
 * no readlink of the name itself, no reopen through /proc. */
Test(exec_syscalls, allowed_exec_of_a_regular_file_costs_six_calls, .timeout = 120)
{
	expect_cost("/bin/true", 6);
}

/* A name that is itself a symlink (python3 -> python3.11, cc ->
 * /etc/alternatives/cc) is walked hop by hop: lstat, the O_PATH open of
 * the target, one readlink per hop and one that ends the walk, fstat, the
 * kernel's name, the reopen for reading, the #! read and two closes. */
Test(exec_syscalls, allowed_exec_through_one_symlink_costs_ten_calls, .timeout = 120)
{
	char link[4300];

	snprintf(T, sizeof(T), "%s", rt_tmpdir());
	snprintf(link, sizeof(link), "%s/true-link", T);
	if (symlink("/usr/bin/true", link) != 0)
		cr_skip_test("cannot make a symlink in %s", T);
	expect_cost(link, 10);
}
