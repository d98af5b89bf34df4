/* fs_rootguard.c - an app that closes or replaces descriptors it did not
 * open, then writes: beneath W (allowed) and into OUT (denied).
 *
 *   fs_rootguard MODE W OUT
 *
 * MODE: close_range, closefrom, closeloop, dup2 (another directory onto
 * every descriptor >= 900), fork, vfork (the child execs `count`), spawn
 * (posix_spawn of `count`), threads (8 threads race the first write),
 * errno; `count W` prints "held N", the descriptors >= 900 of a fresh
 * process image, writes W/counted, and prints it again.
 * Each write prints "NAME ok" or "NAME error ERRNO". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void
put(const char *dir, const char *name)
{
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0) {
		printf("%s error %d\n", name, errno);
		return;
	}
	close(fd);
	printf("%s ok\n", name);
}

/* Descriptors >= 900 (where the shim keeps its roots). */
static int
high_fds(int *fds, int max)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] != '.' && fd >= 900 && fd != dirfd(d) && n < max)
			fds[n++] = fd;
	}
	closedir(d);
	return n;
}

static void
print_held(void)
{
	int fds[64];

	printf("held %d\n", high_fds(fds, 64));
}

static const char *w_dir;

static void *
racer(void *arg)
{
	char name[32];

	snprintf(name, sizeof(name), "t%ld", (long)arg);
	put(w_dir, name);
	return NULL;
}

static int
run_child(char *self, const char *w, int use_spawn)
{
	char *argv[] = { self, "count", (char *)w, (char *)w, NULL };
	int status;
	pid_t pid;

	fflush(stdout);
	if (use_spawn) {
		if (posix_spawn(&pid, self, NULL, NULL, argv, environ) != 0)
			return -1;
	} else {
		pid = vfork();
		if (pid == 0) {
			execve(self, argv, environ);
			_exit(127);
		}
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
main(int argc, char **argv)
{
	const char *mode, *w, *out;
	int i, fds[64], n;

	if (argc < 4) {
		fprintf(stderr, "usage: fs_rootguard MODE W OUT\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	mode = argv[1];
	w = argv[2];
	out = argv[3];
	if (strcmp(mode, "count") == 0) {
		print_held();
		put(w, "counted");
		print_held();
		return 0;
	}
	if (strcmp(mode, "threads") == 0) {
		pthread_t t[8];

		w_dir = w;
		for (i = 0; i < 8; i++)
			pthread_create(&t[i], NULL, racer, (void *)(long)i);
		for (i = 0; i < 8; i++)
			pthread_join(t[i], NULL);
		print_held();
		put(out, "x");
		return 0;
	}
	put(w, "a");	/* the first write: the shim opens its root */
	if (strcmp(mode, "close_range") == 0) {
		printf("close_range %d\n", close_range(3, ~0U, 0));
	} else if (strcmp(mode, "closefrom") == 0) {
		closefrom(3);
	} else if (strcmp(mode, "closeloop") == 0) {
		for (i = 3; i < 1024; i++)
			close(i);
	} else if (strcmp(mode, "dup2") == 0) {
		int o = open(out, O_PATH | O_DIRECTORY);

		n = high_fds(fds, 64);
		for (i = 0; i < n; i++)
			printf("dup2 %d\n", dup2(o, fds[i]) == fds[i]);
	} else if (strcmp(mode, "fork") == 0) {
		pid_t pid;
		int status;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			put(w, "child");
			put(out, "x");
			fflush(stdout);
			_exit(0);
		}
		waitpid(pid, &status, 0);
	} else if (strcmp(mode, "vfork") == 0 || strcmp(mode, "spawn") == 0) {
		printf("child %d\n", run_child(argv[0], w, mode[0] == 's'));
	} else if (strcmp(mode, "errno") == 0) {
		char p[PATH_MAX];
		int fd, e;

		n = high_fds(fds, 64);
		errno = 0;
		fd = n > 0 ? close(fds[0]) : 0;
		e = errno;
		printf("close %d errno %d\n", fd, e);
		snprintf(p, sizeof(p), "%s/e", w);
		errno = 4242;
		fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		e = errno;
		printf("open %s errno %d\n", fd >= 0 ? "ok" : "failed", e);
	}
	put(w, "b");
	put(out, "x");
	return 0;
}
