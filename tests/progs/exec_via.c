/* exec_via.c - start a program through one named exec entry point.
 *
 *   exec_via ENTRY PROG [ARG...]
 *
 * Prints nothing itself; exits with the started program's status, or 126
 * when the start was refused with EACCES, 125 on another failure (errno
 * printed on stderr).  ENTRY is one of the names in the table below; the
 * "compat" ones call posix_spawn(p)@GLIBC_2.2.5, "unsetenv" drops
 * LD_PRELOAD from the process's own environment first, "cleanenv" passes
 * an environment holding only FAKECC_MARKER.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wordexp.h>

extern char **environ;

typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[], char *const[]);

/* The GLIBC_2.2.5 versions, looked up the way the dynamic linker binds a
 * program built against them (a .symver reference would also do, but
 * cannot be linked statically, and this file has a static build too). */
static spawn_fn
compat(const char *name)
{
	return (spawn_fn)dlvsym(RTLD_DEFAULT, name, "GLIBC_2.2.5");
}

static int
report(int err)
{
	if (err == EACCES)
		return 126;
	fprintf(stderr, "exec_via: %s\n", strerror(err));
	return 125;
}

static int
wait_for(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) < 0)
		return report(errno);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* exec in a child; the child reports the failure through its status */
static int
child(const char *entry, char **argv)
{
	const char *prog = argv[0];
	static char marker[4200];
	char *clean[2] = { NULL, NULL };
	const char *m = getenv("FAKECC_MARKER");
	pid_t pid;

	if (m) {
		snprintf(marker, sizeof(marker), "FAKECC_MARKER=%s", m);
		clean[0] = marker;
	}
	pid = strcmp(entry, "vfork") == 0 ? vfork() : fork();
	if (pid < 0)
		return report(errno);
	if (pid > 0)
		return wait_for(pid);
	if (!strcmp(entry, "execve"))
		execve(prog, argv, environ);
	else if (!strcmp(entry, "execv") || !strcmp(entry, "vfork"))
		execv(prog, argv);
	else if (!strcmp(entry, "execvp"))
		execvp(prog, argv);
	else if (!strcmp(entry, "execvpe"))
		execvpe(prog, argv, environ);
	else if (!strcmp(entry, "execl"))	/* argv[1] may be the NULL end */
		execl(prog, argv[0], argv[1], (char *)NULL);
	else if (!strcmp(entry, "execlp"))
		execlp(prog, argv[0], argv[1], (char *)NULL);
	else if (!strcmp(entry, "execle") && argv[1])
		execle(prog, argv[0], argv[1], (char *)NULL, environ);
	else if (!strcmp(entry, "execle"))
		execle(prog, argv[0], (char *)NULL, environ);
	else if (!strcmp(entry, "cleanenv"))
		execve(prog, argv, clean);
	else if (!strcmp(entry, "unsetenv")) {
		unsetenv("LD_PRELOAD");
		execv(prog, argv);
	} else if (!strcmp(entry, "fexecve")) {
		int fd = open(prog, O_RDONLY | O_CLOEXEC);

		if (fd >= 0)
			fexecve(fd, argv, environ);
	} else if (!strcmp(entry, "execveat")) {
		execveat(AT_FDCWD, prog, argv, environ, 0);
	} else if (!strcmp(entry, "syscall_execve")) {
		syscall(SYS_execve, prog, argv, environ);
	} else if (!strcmp(entry, "syscall_execveat")) {
		syscall(SYS_execveat, AT_FDCWD, prog, argv, environ, 0);
	} else if (!strcmp(entry, "memfd")) {
		/* a memfd copy of PROG, run through fexecve */
		int in = open(prog, O_RDONLY), fd = memfd_create("copy", MFD_CLOEXEC);
		char buf[65536];
		ssize_t n;

		if (in < 0 || fd < 0)
			_exit(report(errno));
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(fd, buf, (size_t)n) != n)
				_exit(report(errno));
		fexecve(fd, argv, environ);
	} else {
		fprintf(stderr, "exec_via: unknown entry %s\n", entry);
		_exit(125);
	}
	_exit(report(errno));
}

static int
spawn(const char *entry, char **argv)
{
	pid_t pid;
	int r;

	if (!strcmp(entry, "posix_spawn"))
		r = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
	else if (!strcmp(entry, "posix_spawnp"))
		r = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	else {
		spawn_fn f = compat(!strcmp(entry, "posix_spawn_compat") ? "posix_spawn" :
				    "posix_spawnp");

		if (!f)
			return report(ENOSYS);
		r = f(&pid, argv[0], NULL, NULL, argv, environ);
	}
	if (r != 0)
		return report(r);
	return wait_for(pid);
}

/* the command line of argv, for the shell-based entry points */
static void
join(char **argv, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (; *argv; argv++)
		len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s%s",
					len ? " " : "", *argv);
}

int
main(int argc, char **argv)
{
	char cmd[8192];
	const char *entry;

	if (argc < 3) {
		fprintf(stderr, "usage: exec_via ENTRY PROG [ARG...]\n");
		return 125;
	}
	entry = argv[1];
	join(argv + 2, cmd, sizeof(cmd));
	if (!strncmp(entry, "posix_spawn", 11))
		return spawn(entry, argv + 2);
	if (!strcmp(entry, "system")) {
		int st = system(cmd);

		if (st < 0)
			return report(errno);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	}
	if (!strcmp(entry, "popen")) {
		FILE *f = popen(cmd, "r");
		char buf[256];
		int st;

		if (!f)
			return report(errno);
		while (fgets(buf, sizeof(buf), f))
			fputs(buf, stdout);
		st = pclose(f);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	}
	if (!strcmp(entry, "wordexp")) {
		char words[8300];
		wordexp_t we;
		int r;

		/* the command's exit status is lost in wordexp: print what ran */
		snprintf(words, sizeof(words), "$(%s && echo ran)", cmd);
		/* WRDE_SHOWERR: keep the shell's stderr (its events) visible */
		r = wordexp(words, &we, WRDE_SHOWERR);
		if (r == WRDE_CMDSUB)
			return 126;
		if (r != 0)
			return 125;
		r = we.we_wordc > 0 && !strcmp(we.we_wordv[we.we_wordc - 1], "ran") ? 0 : 1;
		wordfree(&we);
		return r;
	}
	return child(entry, argv + 2);
}
