/* fs_rootfd.c - an app that looks for, or tampers with, descriptors it
 * did not open.
 *
 *   fs_rootfd dup2 W OUT      put a descriptor of OUT on every free fd
 *                             3..1023 (where a library could keep W's),
 *                             then create W/b
 *   fs_rootfd closeall W      close fds 3..1023 (as daemons do), then
 *                             create W/c
 *   fs_rootfd fds W           create W/d, W/e/ and rename in W, then list
 *                             /proc/self/fd: prints "fds N", N the number
 *                             of descriptors beyond 0, 1, 2
 * Prints "ok" or "error ERRNO" for the create. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
create(const char *dir, const char *name)
{
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	if (fd < 0) {
		printf("error %s\n", strerror(errno));
		return;
	}
	close(fd);
	printf("ok\n");
}

int
main(int argc, char **argv)
{
	int i;

	if (argc >= 4 && strcmp(argv[1], "dup2") == 0) {
		int out = open(argv[3], O_PATH | O_DIRECTORY);

		for (i = 3; i < 1024; i++)
			if (i != out && fcntl(i, F_GETFD) < 0)
				dup2(out, i);
		create(argv[2], "b");
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "fds") == 0) {
		char p[PATH_MAX], q[PATH_MAX];
		struct dirent *de;
		DIR *d;
		int n = 0;

		create(argv[2], "d");
		snprintf(p, sizeof(p), "%s/e", argv[2]);
		mkdir(p, 0755);
		snprintf(q, sizeof(q), "%s/e2", argv[2]);
		rename(p, q);
		d = opendir("/proc/self/fd");
		if (!d)
			return 3;
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.' && atoi(de->d_name) > 2 && atoi(de->d_name) != dirfd(d))
				n++;
		closedir(d);
		printf("fds %d\n", n);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "closeall") == 0) {
		for (i = 3; i < 1024; i++)
			close(i);
		create(argv[2], "c");
		return 0;
	}
	fprintf(stderr, "usage: fs_rootfd dup2 W OUT | closeall W | fds W\n");
	return 2;
}
