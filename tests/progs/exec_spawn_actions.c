/* exec_spawn_actions.c - posix_spawn whose file actions change what the
 * exec path names in the child (the parent-side check sees the parent's
 * cwd and fd table, docs/threat-model.md R25).
 *
 *   exec_spawn_actions chdir DIR PROG      addchdir_np(DIR), spawn PROG
 *                                          (relative: resolved in DIR)
 *   exec_spawn_actions fchdir DIR PROG     the same through addfchdir_np
 *   exec_spawn_actions open DECOY PROG     fd 50 is DECOY in the parent;
 *                                          addopen(50, PROG), spawn
 *                                          /proc/self/fd/50
 *   exec_spawn_actions dup2 DECOY PROG     fd 50 is DECOY, fd 51 PROG;
 *                                          adddup2(51, 50), spawn /dev/fd/50
 *   exec_spawn_actions stdio PROG          adddup2(1, 1) (a plain stdio
 *                                          redirection), spawn PROG
 *
 * Exits with the child's status, 126 when the spawn was refused with
 * EACCES, 125 on another failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int
fail(const char *what, int err)
{
	if (err == EACCES)
		return 126;
	fprintf(stderr, "exec_spawn_actions: %s: %s\n", what, strerror(err));
	return 125;
}

static int
fd_at(const char *path, int want, int flags)
{
	int fd = open(path, O_RDONLY | flags);

	if (fd < 0 || dup2(fd, want) < 0)
		return -1;
	if (fd != want)
		close(fd);
	return want;
}

int
main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char *cargv[2] = { NULL, NULL };
	const char *mode, *path;
	pid_t pid;
	int r, st;

	if (argc < 3) {
		fprintf(stderr, "usage: exec_spawn_actions MODE ARG...\n");
		return 125;
	}
	mode = argv[1];
	posix_spawn_file_actions_init(&fa);
	if (!strcmp(mode, "stdio")) {
		path = argv[2];
		r = posix_spawn_file_actions_adddup2(&fa, 1, 1);
	} else if (argc < 4) {
		return fail("arguments", EINVAL);
	} else if (!strcmp(mode, "chdir")) {
		path = argv[3];
		r = posix_spawn_file_actions_addchdir_np(&fa, argv[2]);
	} else if (!strcmp(mode, "fchdir")) {
		int d = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (d < 0)
			return fail(argv[2], errno);
		path = argv[3];
		r = posix_spawn_file_actions_addfchdir_np(&fa, d);
	} else if (!strcmp(mode, "open")) {
		if (fd_at(argv[2], 50, 0) < 0)
			return fail(argv[2], errno);
		path = "/proc/self/fd/50";
		r = posix_spawn_file_actions_addopen(&fa, 50, argv[3], O_RDONLY, 0);
	} else if (!strcmp(mode, "dup2")) {
		if (fd_at(argv[2], 50, 0) < 0 || fd_at(argv[3], 51, O_CLOEXEC) < 0)
			return fail("open", errno);
		path = "/dev/fd/50";
		r = posix_spawn_file_actions_adddup2(&fa, 51, 50);
	} else {
		return fail(mode, EINVAL);
	}
	if (r != 0)
		return fail("file action", r);
	cargv[0] = (char *)path;
	r = posix_spawn(&pid, path, &fa, NULL, cargv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return fail("posix_spawn", r);
	if (waitpid(pid, &st, 0) < 0)
		return fail("waitpid", errno);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
