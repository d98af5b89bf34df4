/* ev_load.c - many processes and threads producing denials at once.
 *
 *   ev_load DIR PROCS THREADS N [same]
 *
 * PROCS processes with THREADS threads each try N times to create a file
 * in DIR (a directory the policy does not make writable), each attempt
 * with its own name (DIR/p<P>t<T>i<I>) or, with "same", always the same
 * name (a loop of identical denials).  Prints "denied D of A in S
 * seconds" (D: attempts that failed with EACCES) for the whole run.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *dir;
static int nthreads, n, same, proc;
static long *denied;	/* shared between the processes */

static void *
worker(void *arg)
{
	long t = (long)arg, d = 0;
	char path[4096];
	int i, fd;

	for (i = 0; i < n; i++) {
		if (same)
			snprintf(path, sizeof(path), "%s/same", dir);
		else
			snprintf(path, sizeof(path), "%s/p%dt%ldi%d", dir, proc, t, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd >= 0)
			close(fd);
		else if (errno == EACCES)
			d++;
	}
	__atomic_add_fetch(denied, d, __ATOMIC_RELAXED);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	int procs, p, t;

	if (argc < 5)
		return 2;
	dir = argv[1];
	procs = atoi(argv[2]);
	nthreads = atoi(argv[3]);
	n = atoi(argv[4]);
	same = argc > 5 && strcmp(argv[5], "same") == 0;
	denied = mmap(NULL, sizeof(long), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (denied == MAP_FAILED)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (p = 0; p < procs; p++) {
		pid_t pid = fork();

		if (pid == 0) {
			pthread_t th[64];

			proc = p;
			for (t = 0; t < nthreads && t < 64; t++)
				pthread_create(&th[t], NULL, worker, (void *)(long)t);
			for (t = 0; t < nthreads && t < 64; t++)
				pthread_join(th[t], NULL);
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("denied %ld of %d in %.3f seconds\n", *denied, procs * nthreads * n,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
