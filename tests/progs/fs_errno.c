/* fs_errno.c - make one file-changing call and print its errno.
 *
 *   fs_errno OP ARGS...
 *
 * Prints "0" when the call succeeded, else the errno number, and exits 0
 * (exit 2 for a usage error).  Used by tests/integ/test_fs_errno.c to
 * compare the answer of the same call bare, under the shim and under the
 * loader.  Operations (each names the libc function it calls):
 *   mkdir P | mkdir_sgid P (mode 02775) | sys_mkdir P (syscall(SYS_mkdir))
 *   rmdir P | unlink P | remove P | symlink TARGET P | mknod P | mknod_suid P
 *   mkfifo P
 *   rename O N | rename_noreplace O N | rename_exchange O N | link O N
 *   open_w P (O_WRONLY) | open_c P (O_WRONLY|O_CREAT) | open_cx P (+O_EXCL)
 *   truncate P | chmod P OCTAL | chown P UID GID | utimes P (now)
 *   utimes_omit P (both UTIME_OMIT) | setxattr P NAME | removexattr P NAME
 *   bind P (AF_UNIX) | fchmod_opath P (fchmod on an O_PATH fd)
 *   sem_open NAME (no O_CREAT) | sem_open_cx NAME (O_CREAT|O_EXCL)
 */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

static int
want(int argc, int n)
{
	if (argc < n) {
		fprintf(stderr, "fs_errno: missing arguments\n");
		exit(2);
	}
	return 1;
}

static int
run(int argc, char **argv)
{
	const char *op = argv[1], *a = argc > 2 ? argv[2] : NULL, *b = argc > 3 ? argv[3] : NULL;
	int fd;

	want(argc, 3);
	if (!strcmp(op, "mkdir"))
		return mkdir(a, 0755);
	if (!strcmp(op, "mkdir_sgid"))
		return mkdir(a, 02775);
	if (!strcmp(op, "sys_mkdir"))
		return (int)syscall(SYS_mkdir, a, 0755);
	if (!strcmp(op, "rmdir"))
		return rmdir(a);
	if (!strcmp(op, "unlink"))
		return unlink(a);
	if (!strcmp(op, "remove"))
		return remove(a);
	if (!strcmp(op, "symlink") && want(argc, 4))
		return symlink(a, b);
	if (!strcmp(op, "mknod"))
		return mknod(a, S_IFREG | 0644, 0);
	if (!strcmp(op, "mknod_suid"))
		return mknod(a, S_IFREG | 04755, 0);
	if (!strcmp(op, "mkfifo"))
		return mkfifo(a, 0644);
	if (!strcmp(op, "rename") && want(argc, 4))
		return rename(a, b);
	if (!strcmp(op, "rename_noreplace") && want(argc, 4))
		return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_NOREPLACE);
	if (!strcmp(op, "rename_exchange") && want(argc, 4))
		return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
	if (!strcmp(op, "link") && want(argc, 4))
		return link(a, b);
	if (!strcmp(op, "open_w") || !strcmp(op, "open_c") || !strcmp(op, "open_cx")) {
		int fl = O_WRONLY | (op[5] == 'c' ? O_CREAT : 0) | (op[6] == 'x' ? O_EXCL : 0);

		fd = open(a, fl, 0644);
		return fd < 0 ? -1 : close(fd);
	}
	if (!strcmp(op, "truncate"))
		return truncate(a, 0);
	if (!strcmp(op, "chmod") && want(argc, 4))
		return chmod(a, (mode_t)strtol(b, NULL, 8));
	if (!strcmp(op, "chown") && want(argc, 5))
		return chown(a, (uid_t)atoi(b), (gid_t)atoi(argv[4]));
	if (!strcmp(op, "utimes"))
		return utimensat(AT_FDCWD, a, NULL, 0);
	if (!strcmp(op, "utimes_omit")) {
		struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };

		return utimensat(AT_FDCWD, a, ts, 0);
	}
	if (!strcmp(op, "setxattr") && want(argc, 4))
		return setxattr(a, b, "v", 1, 0);
	if (!strcmp(op, "removexattr") && want(argc, 4))
		return removexattr(a, b);
	if (!strcmp(op, "bind")) {
		struct sockaddr_un sun;
		int s = socket(AF_UNIX, SOCK_STREAM, 0);

		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", a);
		return bind(s, (struct sockaddr *)&sun, sizeof(sun));
	}
	if (!strcmp(op, "fchmod_opath")) {
		fd = open(a, O_PATH);
		if (fd < 0)
			return -1;
		return fchmod(fd, 0600);
	}
	if (!strcmp(op, "sem_open") || !strcmp(op, "sem_open_cx")) {
		sem_t *sem = sem_open(a, op[8] ? O_CREAT | O_EXCL : 0, 0644, 0);

		return sem == SEM_FAILED ? -1 : sem_close(sem);
	}
	fprintf(stderr, "fs_errno: unknown operation %s\n", op);
	exit(2);
}

int
main(int argc, char **argv)
{
	int r;

	want(argc, 2);
	errno = 0;
	r = run(argc, argv);
	printf("%d\n", r == 0 ? 0 : errno);
	return 0;
}
