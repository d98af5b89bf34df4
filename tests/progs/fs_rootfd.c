/* fs_rootfd.c - an app that tampers with the shim's root descriptors.
 *
 *   fs_rootfd dup2 W OUT      put a descriptor of OUT where the shim keeps
 *                             W's (fd >= 900), then create W/b
 *   fs_rootfd closeall W      close fds 3..1023 (as daemons do), then
 *                             create W/c
 * Prints "ok" or "error ERRNO" for the create. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		int out = open(argv[3], O_PATH | O_DIRECTORY), swapped = 0;

		for (i = 900; i < 1024; i++) {
			char link[64], target[PATH_MAX];
			ssize_t n;

			snprintf(link, sizeof(link), "/proc/self/fd/%d", i);
			n = readlink(link, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (strcmp(target, argv[2]) == 0 && dup2(out, i) == i)
				swapped++;
		}
		if (!swapped) {
			printf("no root descriptor found\n");
			return 2;
		}
		create(argv[2], "b");
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "closeall") == 0) {
		for (i = 3; i < 1024; i++)
			close(i);
		create(argv[2], "c");
		return 0;
	}
	fprintf(stderr, "usage: fs_rootfd dup2 W OUT | closeall W\n");
	return 2;
}
