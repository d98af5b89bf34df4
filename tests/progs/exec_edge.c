/* exec_edge.c - exec calls at the edges of what libc accepts.
 *
 *   exec_edge noargv PATH          execvp(PATH, { NULL })
 *   exec_edge execv PATH           execv(PATH, { PATH, NULL }), errno printed
 *   exec_edge execveat DIR NAME    execveat(open(DIR), NAME, ..., 0)
 *   exec_edge procfd PATH          execv("/proc/self/fd/N") of open(PATH)
 *   exec_edge errno PROG           posix_spawn and system("PROG") with errno
 *                                  set to 4242 first: both must leave it
 *   exec_edge sigexec PROG         execv(PROG) from a SIGALRM handler that
 *                                  interrupts a loop of open() calls
 *
 * A failed exec prints "errno=NAME" on stdout and exits 126 for EACCES,
 * 125 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int
failed(void)
{
	int e = errno;

	printf("errno=%s\n", e == EACCES ? "EACCES" : e == ELOOP ? "ELOOP" : e == E2BIG ? "E2BIG" :
			       e == ENOENT ? "ENOENT" : e == ENOEXEC ? "ENOEXEC" : strerror(e));
	fflush(stdout);
	return e == EACCES ? 126 : 125;
}

static const char *sig_prog;

static void
on_alarm(int sig)
{
	char *argv[] = { (char *)sig_prog, NULL };

	(void)sig;
	execv(sig_prog, argv);
	_exit(failed());
}

static int
errno_kept(const char *prog)
{
	char *argv[] = { (char *)prog, NULL };
	pid_t pid;
	int st, r;

	errno = 4242;
	r = posix_spawn(&pid, prog, NULL, NULL, argv, environ);
	if (errno != 4242) {
		printf("posix_spawn changed errno to %d\n", errno);
		return 1;
	}
	if (r == 0)
		waitpid(pid, &st, 0);
	errno = 4242;
	system(prog);
	if (errno != 4242) {
		printf("system changed errno to %d\n", errno);
		return 1;
	}
	printf("errno kept\n");
	return 0;
}

int
main(int argc, char **argv)
{
	const char *mode;

	if (argc < 3)
		return 125;
	mode = argv[1];
	if (!strcmp(mode, "noargv")) {
		char *none[] = { NULL };

		execvp(argv[2], none);
	} else if (!strcmp(mode, "execv")) {
		char *v[] = { argv[2], NULL };

		execv(argv[2], v);
	} else if (!strcmp(mode, "execveat") && argc > 3) {
		int d = open(argv[2], O_PATH | O_DIRECTORY | O_CLOEXEC);
		char *v[] = { argv[3], NULL };

		if (d < 0)
			return failed();
		execveat(d, argv[3], v, environ, 0);
	} else if (!strcmp(mode, "procfd")) {
		int fd = open(argv[2], O_RDONLY);
		char p[64], *v[] = { p, NULL };

		if (fd < 0)
			return failed();
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		execv(p, v);
	} else if (!strcmp(mode, "errno")) {
		return errno_kept(argv[2]);
	} else if (!strcmp(mode, "sigexec")) {
		struct itimerval it = { { 0, 0 }, { 0, 20000 } };
		char dir[] = "/";

		sig_prog = argv[2];
		signal(SIGALRM, on_alarm);
		setitimer(ITIMER_REAL, &it, NULL);
		for (;;) {
			int fd = open(dir, O_RDONLY | O_DIRECTORY);

			if (fd >= 0)
				close(fd);
		}
	} else {
		return 125;
	}
	return failed();
}
