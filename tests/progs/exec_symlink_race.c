/* exec_symlink_race.c - re-point a symlink between the check and the exec.
 *
 *   exec_symlink_race DIR TARGET N
 *
 * A thread keeps replacing DIR/link (atomically, by rename) with a symlink
 * to /bin/true and one to TARGET, while the main thread forks N children
 * that execv(DIR/link).  DIR is a writable dir, so the app owns the link.
 * Exits 0 when every child is accounted for (each either ran something
 * or was refused); whether TARGET ever ran is for the caller to see.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *dir, *target;
static volatile int stop;

static void *
flip(void *arg)
{
	char link[4200], t1[4200], t2[4200];

	(void)arg;
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(t1, sizeof(t1), "%s/link.1", dir);
	snprintf(t2, sizeof(t2), "%s/link.2", dir);
	while (!stop) {
		unlink(t1);
		unlink(t2);
		if (symlink("/bin/true", t1) == 0)
			rename(t1, link);
		if (symlink(target, t2) == 0)
			rename(t2, link);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	char link[4200];
	pthread_t t;
	int i, n;

	if (argc < 4)
		return 125;
	dir = argv[1];
	target = argv[2];
	n = atoi(argv[3]);
	snprintf(link, sizeof(link), "%s/link", dir);
	if (symlink("/bin/true", link) != 0 || pthread_create(&t, NULL, flip, NULL) != 0)
		return 125;
	for (i = 0; i < n; i++) {
		char *cargv[] = { link, NULL };
		pid_t pid = fork();
		int st;

		if (pid < 0)
			break;
		if (pid == 0) {
			execv(link, cargv);
			_exit(126);
		}
		waitpid(pid, &st, 0);
	}
	stop = 1;
	pthread_join(t, NULL);
	return i == n ? 0 : 125;
}
