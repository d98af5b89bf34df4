/* exec_env_threads.c - system() while another thread edits the
 * environment, after the process dropped LD_PRELOAD.
 *
 *   exec_env_threads ROUNDS CMD
 *
 * Drops LD_PRELOAD (unsetenv), starts a thread that keeps calling setenv
 * and unsetenv, runs system("exit 0") ROUNDS times, stops the thread, and
 * then checks that no environment entry points into a stack frame that
 * has returned, that every entry is a "NAME=value" string and that
 * LD_PRELOAD, if set, names an existing file.  Finally runs system(CMD)
 * and exits with its status (0 if CMD ran and succeeded).  Exit 3 when
 * the environment was damaged, 4 when a round could not start a shell or
 * the shell died of a signal.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static volatile int stop;

static void *
churn(void *arg)
{
	char name[32];
	unsigned i = 0;

	(void)arg;
	while (!stop) {
		snprintf(name, sizeof(name), "CHURN_%u", i++ % 64);
		setenv(name, "some value long enough to matter", 1);
		if (i % 3 == 0)
			unsetenv(name);
	}
	return NULL;
}

/* 1 if `p` points into this thread's stack below `frame` (main's own
 * frame): into frames that have returned, which any later call reuses. */
static int
in_dead_frame(const void *p, const void *frame)
{
	pthread_attr_t a;
	void *lo;
	size_t size;
	int r = 0;

	if (pthread_getattr_np(pthread_self(), &a) != 0)
		return 0;
	if (pthread_attr_getstack(&a, &lo, &size) == 0)
		r = (const char *)p >= (const char *)lo && (const char *)p < (const char *)frame;
	pthread_attr_destroy(&a);
	return r;
}

static int
env_sane(const void *frame)
{
	char **e;
	const char *p;

	for (e = environ; *e; e++) {
		if (in_dead_frame(*e, frame)) {
			fprintf(stderr, "exec_env_threads: environ entry in a dead stack frame: %.40s\n",
				*e);
			return 0;
		}
		if (!strchr(*e, '=') || **e == '=') {
			fprintf(stderr, "exec_env_threads: damaged entry\n");
			return 0;
		}
	}
	p = getenv("LD_PRELOAD");
	if (p && access(strtok(strdup(p), ": "), R_OK) != 0) {
		fprintf(stderr, "exec_env_threads: LD_PRELOAD=%s\n", p);
		return 0;
	}
	return 1;
}

int
main(int argc, char **argv)
{
	pthread_t t;
	int i, rounds, st;

	if (argc < 3)
		return 125;
	rounds = atoi(argv[1]);
	unsetenv("LD_PRELOAD");
	if (pthread_create(&t, NULL, churn, NULL) != 0)
		return 125;
	/* A round may fail with 127 on its own: glibc's setenv can move the
	 * array that system()'s child is still reading (a race in glibc,
	 * not the shim's); only a signal counts as a failure here. */
	for (i = 0; i < rounds; i++) {
		st = system("exit 0");
		if (st == -1 || WIFSIGNALED(st)) {
			fprintf(stderr, "exec_env_threads: round %d: status %#x\n", i, st);
			stop = 1;
			pthread_join(t, NULL);
			return 4;
		}
	}
	stop = 1;
	pthread_join(t, NULL);
	if (!env_sane(&t))
		return 3;
	st = system(argv[2]);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}
