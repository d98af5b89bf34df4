/* fs_threads.c - many threads, mixed allowed and denied operations.
 *
 *   fs_threads WRITABLE OUTSIDE [THREADS [OPS]]
 *
 * Each thread runs OPS operations (default 8 x 10000), cycling through a
 * write open inside (must succeed), a write open outside (must fail with
 * EACCES), an unlink inside (must succeed), an unlink of OUTSIDE/pre (must
 * fail with EACCES) and a read-only open outside (must succeed).  Prints
 * "threads=N ops=M wrong=K"; K must be 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *w, *o;
static int per_thread = 10000;
static int wrong;

static void *
worker(void *arg)
{
	long id = (long)arg;
	char in[4200], out[4200], pre[4200];
	int i, bad = 0;

	snprintf(in, sizeof(in), "%s/t%ld", w, id);
	snprintf(out, sizeof(out), "%s/t%ld", o, id);
	snprintf(pre, sizeof(pre), "%s/pre", o);
	for (i = 0; i < per_thread; i++) {
		int fd, r;

		switch (i % 5) {
		case 0:
			fd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			bad += fd < 0;
			if (fd >= 0)
				close(fd);
			break;
		case 1:
			fd = open(out, O_WRONLY | O_CREAT, 0644);
			bad += !(fd < 0 && errno == EACCES);
			if (fd >= 0)
				close(fd);
			break;
		case 2:
			r = unlink(in);
			bad += r != 0;
			break;
		case 3:
			r = unlink(pre);
			bad += !(r < 0 && errno == EACCES);
			break;
		case 4:
			fd = open(pre, O_RDONLY);
			bad += fd < 0;
			if (fd >= 0)
				close(fd);
			break;
		}
	}
	__atomic_add_fetch(&wrong, bad, __ATOMIC_RELAXED);
	return NULL;
}

int
main(int argc, char **argv)
{
	int n = 8, i;
	pthread_t t[64];

	if (argc < 3)
		return 2;
	w = argv[1];
	o = argv[2];
	if (argc > 3)
		n = atoi(argv[3]);
	if (argc > 4)
		per_thread = atoi(argv[4]);
	if (n < 1 || n > 64)
		return 2;
	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, worker, (void *)(long)i);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("threads=%d ops=%d wrong=%d\n", n, n * per_thread, wrong);
	return 0;
}
