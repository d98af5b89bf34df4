/* fs_attacks.c - attacks on the file enforcement that once worked.
 *
 *   fs_attacks OP W O
 *
 * W is a WritablePath (with W/exec an ExecWritablePath), O is outside.
 * Prints one line; the test compares it and then looks at the disk.
 *   leak        2000 denied write opens of an existing file outside
 *               (O/pre), plain and O_RDONLY|O_TRUNC: "fds +N" (N must be 0)
 *   altstack    a signal handler on a 16 KB sigaltstack creates W/alt
 *               and tries O/alt: "alt ok=0 no=13" when right
 *   o2race      syscall(SYS_openat2, O_CREAT, RESOLVE_NO_XDEV) through
 *               W/l while a thread flips W/l between W/sub and O, for
 *               one second: "o2race made=N" (nothing may appear in O)
 *   wx          creates W/exec/up/x (up -> ../sub, a relative symlink
 *               that openat2 follows beneath W) with mode 0755 and
 *               chmods W/exec/upfile (-> ../plain) to 0755: prints the
 *               modes of W/sub/x and W/plain (W^X: no exec bits)
 *   spawnchdir  posix_spawn with addchdir_np(O) then addopen("sp", O_CREAT)
 *               decided while the cwd is W: "spawn add=0 run=0"; O/sp must
 *               not exist
 *   cwdchown    fchownat(AT_FDCWD, "", AT_EMPTY_PATH) in W: "cwdchown 0"
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char W[2048], O[2048], buf_a[4200], buf_b[4200];

static int
nfds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static volatile int alt_ok = -1, alt_no = -1;

static void
on_alt(int s)
{
	int fd = open(buf_a, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	(void)s;
	alt_ok = fd >= 0 ? 0 : errno;
	if (fd >= 0)
		close(fd);
	fd = open(buf_b, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	alt_no = fd >= 0 ? 0 : errno;
	if (fd >= 0)
		close(fd);
}

static volatile int stop;

static void *
flipper(void *arg)
{
	char l[4200], tmp[4200];

	(void)arg;
	snprintf(l, sizeof(l), "%s/l", W);
	snprintf(tmp, sizeof(tmp), "%s/l.tmp", W);
	while (!stop) {
		unlink(tmp);
		if (symlink(O, tmp) == 0)
			rename(tmp, l);
		unlink(tmp);
		if (symlink("sub", tmp) == 0)
			rename(tmp, l);
	}
	return NULL;
}

static unsigned
mode_of(const char *dir, const char *name)
{
	char p[4200];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0 ? (unsigned)(st.st_mode & 07777) : 0;
}

int
main(int argc, char **argv)
{
	const char *op;

	if (argc != 4)
		return 2;
	op = argv[1];
	snprintf(W, sizeof(W), "%s", argv[2]);
	snprintf(O, sizeof(O), "%s", argv[3]);
	if (!strcmp(op, "leak")) {
		int before = nfds(), i;

		snprintf(buf_a, sizeof(buf_a), "%s/pre", O);
		for (i = 0; i < 2000; i++) {
			int fd = open(buf_a, O_WRONLY);

			if (fd >= 0)
				close(fd);
			fd = open(buf_a, O_RDONLY | O_TRUNC);
			if (fd >= 0)
				close(fd);
		}
		printf("fds +%d\n", nfds() - before);
	} else if (!strcmp(op, "altstack")) {
		size_t sz = 16384;
		stack_t ss = { .ss_sp = malloc(sz), .ss_size = sz };
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alt;
		sa.sa_flags = SA_ONSTACK;
		snprintf(buf_a, sizeof(buf_a), "%s/alt", W);
		snprintf(buf_b, sizeof(buf_b), "%s/alt", O);
		if (sigaltstack(&ss, NULL) != 0 || sigaction(SIGUSR1, &sa, NULL) != 0)
			return 3;
		raise(SIGUSR1);
		printf("alt ok=%d no=%d\n", alt_ok, alt_no);
	} else if (!strcmp(op, "o2race")) {
		struct open_how h = { .flags = O_WRONLY | O_CREAT, .mode = 0644,
				      .resolve = RESOLVE_NO_XDEV };
		struct timespec t0, t;
		pthread_t th;
		long n = 0, made = 0;

		pthread_create(&th, NULL, flipper, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do {
			long fd;

			snprintf(buf_a, sizeof(buf_a), "%s/l/g%ld", W, n++ % 20);
			fd = syscall(SYS_openat2, AT_FDCWD, buf_a, &h, sizeof(h));
			if (fd >= 0) {
				made++;
				close((int)fd);
			}
			clock_gettime(CLOCK_MONOTONIC, &t);
		} while (t.tv_sec - t0.tv_sec < 1 || t.tv_nsec < t0.tv_nsec);
		stop = 1;
		pthread_join(th, NULL);
		printf("o2race made=%s\n", made > 0 ? "some" : "none");
	} else if (!strcmp(op, "wx")) {
		char sub[4200];
		int fd;

		snprintf(buf_a, sizeof(buf_a), "%s/exec/up/x", W);
		fd = open(buf_a, O_WRONLY | O_CREAT | O_EXCL, 0755);
		if (fd >= 0)
			close(fd);
		snprintf(buf_b, sizeof(buf_b), "%s/exec/upfile", W);
		errno = 0;
		chmod(buf_b, 0755);
		snprintf(sub, sizeof(sub), "%s/sub", W);
		printf("wx created=%s sub/x=%o chmod errno=%d plain=%o\n", fd >= 0 ? "yes" : "no",
		       mode_of(sub, "x"), errno, mode_of(W, "plain"));
	} else if (!strcmp(op, "spawnchdir")) {
		posix_spawn_file_actions_t fa;
		char *av[] = { "/bin/true", NULL };
		int add, run, st;
		pid_t pid;

		if (chdir(W) != 0)
			return 3;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addchdir_np(&fa, O);
		add = posix_spawn_file_actions_addopen(&fa, 1, "sp", O_WRONLY | O_CREAT, 0644);
		run = posix_spawn(&pid, "/bin/true", &fa, NULL, av, NULL);
		if (run == 0)
			waitpid(pid, &st, 0);
		posix_spawn_file_actions_destroy(&fa);
		printf("spawn add=%d run=%d\n", add, run);
	} else if (!strcmp(op, "cwdchown")) {
		if (chdir(W) != 0)
			return 3;
		errno = 0;
		printf("cwdchown %d\n", fchownat(AT_FDCWD, "", getuid(), getgid(), AT_EMPTY_PATH) == 0 ?
					     0 : errno);
	} else {
		return 2;
	}
	return 0;
}
