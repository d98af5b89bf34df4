/* fs_ops.c - call one wrapped libc function on a directory.
 *
 *   fs_ops SYMBOL DIR
 *
 * Performs SYMBOL on names beneath DIR (which the test prepares: DIR/pre is
 * a file holding "keep", DIR/pd an empty directory) and prints one line:
 * "SYMBOL ok" or "SYMBOL err=N" (N = errno).  The test then looks at the
 * disk.  Programs built from this file call each symbol directly, so the
 * shim's wrapper of that very name is what runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

extern char **environ;

/* Old names without prototypes in current headers (still exported). */
int __open(const char *, int, ...);
int __open64(const char *, int, ...);
int __open_2(const char *, int);
int __open64_2(const char *, int);
int __openat_2(int, const char *, int);
int __openat64_2(int, const char *, int);
int __xmknod(int, const char *, mode_t, dev_t *);
int __xmknodat(int, int, const char *, mode_t, dev_t *);

static char dir[4096];

static const char *
at(const char *name)
{
	static char bufs[4][4200];
	static int n;
	char *b = bufs[n++ % 4];

	snprintf(b, 4200, "%s/%s", dir, name);
	return b;
}

static int
dfd(void)
{
	return open(dir, O_PATH | O_DIRECTORY);
}

static int
rfd(void)
{
	return open(at("pre"), O_RDONLY);
}

/* Returns 0 on success or the errno. */
static int
run(const char *s)
{
	static const struct timeval tv[2] = { { 1000000, 0 }, { 1000000, 0 } };
	static const struct timespec ts[2] = { { 1000000, 0 }, { 1000000, 0 } };
	struct utimbuf ub = { 1000000, 1000000 };
	char tmpl[4200];
	int r = 0;
	dev_t dev = 0;

#define RET(expr) do { r = (expr); return r < 0 ? errno : 0; } while (0)
#define RETP(expr) do { return (expr) ? 0 : errno; } while (0)
	if (!strcmp(s, "open")) RET(open(at("f"), O_WRONLY | O_CREAT | O_TRUNC, 0644));
	if (!strcmp(s, "open64")) RET(open64(at("f"), O_WRONLY | O_CREAT | O_TRUNC, 0644));
	if (!strcmp(s, "__open")) RET(__open(at("f"), O_WRONLY | O_CREAT | O_TRUNC, 0644));
	if (!strcmp(s, "__open64")) RET(__open64(at("f"), O_WRONLY | O_CREAT | O_TRUNC, 0644));
	if (!strcmp(s, "__open_2")) RET(__open_2(at("pre"), O_WRONLY | O_TRUNC));
	if (!strcmp(s, "__open64_2")) RET(__open64_2(at("pre"), O_WRONLY | O_TRUNC));
	if (!strcmp(s, "openat")) RET(openat(dfd(), "f", O_WRONLY | O_CREAT, 0644));
	if (!strcmp(s, "openat64")) RET(openat64(dfd(), "f", O_WRONLY | O_CREAT, 0644));
	if (!strcmp(s, "__openat_2")) RET(__openat_2(dfd(), "pre", O_WRONLY | O_TRUNC));
	if (!strcmp(s, "__openat64_2")) RET(__openat64_2(dfd(), "pre", O_WRONLY | O_TRUNC));
	if (!strcmp(s, "creat")) RET(creat(at("f"), 0644));
	if (!strcmp(s, "creat64")) RET(creat64(at("f"), 0644));
	if (!strcmp(s, "fopen") || !strcmp(s, "fopen64")) {
		FILE *f = s[5] ? fopen64(at("f"), "w") : fopen(at("f"), "w");

		if (!f)
			return errno;
		fputs("hello\n", f);
		return fclose(f) ? errno : 0;
	}
	if (!strcmp(s, "freopen") || !strcmp(s, "freopen64")) {
		FILE *f = fopen("/dev/null", "r"), *g;

		g = s[7] ? freopen64(at("f"), "w", f) : freopen(at("f"), "w", f);
		if (!g)
			return errno;
		fputs("hello\n", g);
		return fclose(g) ? errno : 0;
	}
	if (!strcmp(s, "freopen-null")) {
		/* reopen the stream's own file for writing: truncates pre */
		FILE *f = fopen(at("pre"), "r"), *g;

		if (!f)
			return errno;
		g = freopen(NULL, "w", f);
		return g ? (fclose(g), 0) : errno;
	}
	if (!strcmp(s, "tmpfile")) RETP(tmpfile());
	if (!strcmp(s, "tmpfile64")) RETP(tmpfile64());
	snprintf(tmpl, sizeof(tmpl), "%s/tXXXXXX", dir);
	if (!strcmp(s, "mkstemp")) RET(mkstemp(tmpl));
	if (!strcmp(s, "mkstemp64")) RET(mkstemp64(tmpl));
	if (!strcmp(s, "mkostemp")) RET(mkostemp(tmpl, O_CLOEXEC));
	if (!strcmp(s, "mkostemp64")) RET(mkostemp64(tmpl, O_CLOEXEC));
	if (!strcmp(s, "mkdtemp")) RETP(mkdtemp(tmpl));
	snprintf(tmpl, sizeof(tmpl), "%s/tXXXXXX.s", dir);
	if (!strcmp(s, "mkstemps")) RET(mkstemps(tmpl, 2));
	if (!strcmp(s, "mkstemps64")) RET(mkstemps64(tmpl, 2));
	if (!strcmp(s, "mkostemps")) RET(mkostemps(tmpl, 2, 0));
	if (!strcmp(s, "mkostemps64")) RET(mkostemps64(tmpl, 2, 0));
	/* shared memory: DIR is ignored, names live in /dev/shm */
	snprintf(tmpl, sizeof(tmpl), "/rampart-fs-%d", (int)getppid());
	if (!strcmp(s, "shm_open")) RET(shm_open(tmpl, O_RDWR | O_CREAT, 0600));
	if (!strcmp(s, "shm_unlink")) RET(shm_unlink(tmpl));
	if (!strcmp(s, "sem_open")) RETP(sem_open(tmpl, O_CREAT, 0600, 1) != SEM_FAILED);
	if (!strcmp(s, "sem_unlink")) RET(sem_unlink(tmpl));
	if (!strcmp(s, "truncate")) RET(truncate(at("pre"), 0));
	if (!strcmp(s, "truncate64")) RET(truncate64(at("pre"), 0));
	if (!strcmp(s, "mkdir")) RET(mkdir(at("d"), 0755));
	if (!strcmp(s, "mkdirat")) RET(mkdirat(dfd(), "d", 0755));
	if (!strcmp(s, "mknod")) RET(mknod(at("n"), S_IFIFO | 0644, 0));
	if (!strcmp(s, "mknodat")) RET(mknodat(dfd(), "n", S_IFREG | 0644, 0));
	if (!strcmp(s, "__xmknod")) RET(__xmknod(0, at("n"), S_IFIFO | 0644, &dev));
	if (!strcmp(s, "__xmknodat")) RET(__xmknodat(0, dfd(), "n", S_IFIFO | 0644, &dev));
	if (!strcmp(s, "mkfifo")) RET(mkfifo(at("n"), 0644));
	if (!strcmp(s, "mkfifoat")) RET(mkfifoat(dfd(), "n", 0644));
	if (!strcmp(s, "link")) RET(link(at("pre"), at("hl")));
	if (!strcmp(s, "linkat")) RET(linkat(dfd(), "pre", dfd(), "hl", 0));
	if (!strcmp(s, "symlink")) RET(symlink("pre", at("sl")));
	if (!strcmp(s, "symlinkat")) RET(symlinkat("pre", dfd(), "sl"));
	if (!strcmp(s, "unlink")) RET(unlink(at("pre")));
	if (!strcmp(s, "unlinkat")) RET(unlinkat(dfd(), "pre", 0));
	if (!strcmp(s, "rmdir")) RET(rmdir(at("pd")));
	if (!strcmp(s, "remove")) RET(remove(at("pre")));
	if (!strcmp(s, "rename")) RET(rename(at("pre"), at("ren")));
	if (!strcmp(s, "renameat")) RET(renameat(dfd(), "pre", dfd(), "ren"));
	if (!strcmp(s, "renameat2")) RET(renameat2(dfd(), "pre", dfd(), "ren", RENAME_NOREPLACE));
	if (!strcmp(s, "chown")) RET(chown(at("pre"), getuid(), getgid()));
	if (!strcmp(s, "lchown")) RET(lchown(at("pre"), getuid(), getgid()));
	if (!strcmp(s, "fchown")) RET(fchown(rfd(), getuid(), getgid()));
	if (!strcmp(s, "fchownat")) RET(fchownat(dfd(), "pre", getuid(), getgid(), 0));
	if (!strcmp(s, "utime")) RET(utime(at("pre"), &ub));
	if (!strcmp(s, "utimes")) RET(utimes(at("pre"), tv));
	if (!strcmp(s, "lutimes")) RET(lutimes(at("pre"), tv));
	if (!strcmp(s, "futimes")) RET(futimes(rfd(), tv));
	if (!strcmp(s, "futimesat")) RET(futimesat(dfd(), "pre", tv));
	if (!strcmp(s, "futimens")) RET(futimens(rfd(), ts));
	if (!strcmp(s, "utimensat")) RET(utimensat(dfd(), "pre", ts, 0));
	if (!strcmp(s, "setxattr")) RET(setxattr(at("pre"), "user.t", "v", 1, 0));
	if (!strcmp(s, "lsetxattr")) RET(lsetxattr(at("pre"), "user.t", "v", 1, 0));
	if (!strcmp(s, "fsetxattr")) RET(fsetxattr(rfd(), "user.t", "v", 1, 0));
	if (!strcmp(s, "removexattr")) RET(removexattr(at("pre"), "user.k"));
	if (!strcmp(s, "lremovexattr")) RET(lremovexattr(at("pre"), "user.k"));
	if (!strcmp(s, "fremovexattr")) RET(fremovexattr(rfd(), "user.k"));
	if (!strcmp(s, "bind")) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		snprintf(a.sun_path, sizeof(a.sun_path), "%s", at("sock"));
		RET(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	}
	if (!strcmp(s, "posix_spawn_file_actions_addopen")) {
		posix_spawn_file_actions_t fa;
		char *argv[] = { "/bin/true", NULL };
		pid_t pid;
		int st;

		posix_spawn_file_actions_init(&fa);
		r = posix_spawn_file_actions_addopen(&fa, 1, at("f"), O_WRONLY | O_CREAT, 0644);
		if (r)
			return r;
		if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) == 0)
			waitpid(pid, &st, 0);
		return 0;
	}
	if (!strcmp(s, "syscall")) RET(syscall(SYS_openat, AT_FDCWD, at("f"), O_WRONLY | O_CREAT, 0644));
	if (!strcmp(s, "chmod")) RET(chmod(at("pre"), 0600));
	if (!strcmp(s, "fchmod")) RET(fchmod(rfd(), 0600));
	if (!strcmp(s, "fchmodat")) RET(fchmodat(dfd(), "pre", 0600, 0));
	if (!strcmp(s, "lchmod")) RET(lchmod(at("pre"), 0600));
	fprintf(stderr, "fs_ops: unknown symbol %s\n", s);
	exit(2);
#undef RET
#undef RETP
}

int
main(int argc, char **argv)
{
	int e;

	if (argc != 3) {
		fprintf(stderr, "usage: fs_ops SYMBOL DIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[2]);
	e = run(argv[1]);
	if (e)
		printf("%s err=%d\n", argv[1], e);
	else
		printf("%s ok\n", argv[1]);
	return 0;
}
