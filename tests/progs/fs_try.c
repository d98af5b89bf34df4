/* fs_try.c - run a list of file operations and report each one.
 *
 *   fs_try OP ARGS... [OP ARGS...]...
 *
 * One line per operation: "OP ARG ok" or "OP ARG err=N" (N = errno).
 * Operations (paths as given; the shim decides where they land):
 *   w PATH            open(O_WRONLY|O_CREAT|O_TRUNC, 0644), write "x"
 *   wt PATH           open(O_RDONLY|O_TRUNC): truncates though read-only
 *   wt3 PATH          open(3|O_TRUNC): access mode 3 (neither read nor
 *                     write) truncates too
 *   wt2 PATH          raw openat2(O_RDONLY|O_TRUNC): flags seccomp cannot read
 *   tr PATH           truncate(PATH, 0)
 *   wx PATH           open(O_WRONLY|O_CREAT|O_EXCL, 0644)
 *   r PATH            open(O_RDONLY) and read
 *   wat DIR REL       openat(open(DIR, O_PATH), REL, O_WRONLY|O_CREAT)
 *   wfd DIR REL       open("/proc/self/fd/N/REL") where N = open(DIR, O_PATH)
 *   wdevfd DIR REL    the same through "/dev/fd/N/REL"
 *   cd DIR            chdir
 *   mkdir PATH MODE   mkdir with an octal mode
 *   creat PATH MODE   open(O_WRONLY|O_CREAT|O_EXCL) with an octal mode
 *   mknod PATH MODE   mknod(S_IFREG | MODE)
 *   chmod PATH MODE   chmod
 *   lchmod PATH MODE / fchmodat PATH MODE / fchmod PATH MODE (fd opened O_RDONLY)
 *   link OLD NEW / rename OLD NEW / unlink PATH
 *   fork W D / vfork W D / signal W D
 *                     in a forked child, a vfork child, a signal handler:
 *                     create W (must work) and D (must be denied)
 *   seccomp ERRNO     from now on openat2 fails with ERRNO (38 = ENOSYS,
 *                     1 = EPERM): the shim must fall back correctly
 *   mark              getppid(): a marker in strace output
 *   rloop N PATH      N read-only open+close pairs
 *   wloop N PATH      N write opens (O_WRONLY|O_CREAT) + close
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int
res(int r)
{
	return r < 0 ? errno : 0;
}

static int
w_open(const char *p, int flags, mode_t mode)
{
	int fd = open(p, flags, mode), e = errno;

	if (fd < 0)
		return e;
	if ((flags & O_ACCMODE) != O_RDONLY && write(fd, "x", 1) != 1)
		e = errno;
	else
		e = 0;
	close(fd);
	return e;
}

/* An open that only truncates: nothing is written. */
static int
t_open(const char *p, int flags)
{
	int fd = open(p, flags), e = errno;

	if (fd < 0)
		return e;
	close(fd);
	return 0;
}

static int
t_openat2(const char *p)
{
	struct open_how how = { .flags = O_RDONLY | O_TRUNC };
	long fd = syscall(SYS_openat2, AT_FDCWD, p, &how, sizeof(how));
	int e = errno;

	if (fd < 0)
		return e;
	close((int)fd);
	return 0;
}

static unsigned
oct(const char *s)
{
	return (unsigned)strtoul(s, NULL, 8);
}

/* Create `ok` (allowed) and `no` (denied); 0 when both answers are right. */
static int
pair(const char *ok, const char *no)
{
	int a = open(ok, O_WRONLY | O_CREAT, 0644);
	int b = open(no, O_WRONLY | O_CREAT, 0644);
	int be = errno;

	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	return (a >= 0 ? 0 : 1) | (b < 0 && be == EACCES ? 0 : 2);
}

/* In a child of fork or vfork: the wrappers run there too.  Own frame, so
 * the vfork child clobbers nothing of main's. */
static __attribute__((noinline)) int
in_child(int use_vfork, const char *ok, const char *no)
{
	int st = 0;
	pid_t pid = use_vfork ? vfork() : fork();

	if (pid == 0)
		_exit(pair(ok, no));
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

static const char *sig_ok, *sig_no;
static volatile sig_atomic_t sig_result = -1;

static void
on_signal(int s)
{
	(void)s;
	sig_result = pair(sig_ok, sig_no);
}

static int
install_seccomp(int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return errno;
	return res(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog));
}

int
main(int argc, char **argv)
{
	int i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (i < argc) {
		const char *op = argv[i], *a = i + 1 < argc ? argv[i + 1] : "";
		const char *b = i + 2 < argc ? argv[i + 2] : "";
		int e = 0, n = 2;
		char p[8192];

		if (!strcmp(op, "w")) {
			e = w_open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		} else if (!strcmp(op, "wt")) {
			e = w_open(a, O_RDONLY | O_TRUNC, 0);
		} else if (!strcmp(op, "wt3")) {
			e = t_open(a, O_ACCMODE | O_TRUNC);
		} else if (!strcmp(op, "wt2")) {
			e = t_openat2(a);
		} else if (!strcmp(op, "tr")) {
			e = truncate(a, 0) == 0 ? 0 : errno;
		} else if (!strcmp(op, "wx")) {
			e = w_open(a, O_WRONLY | O_CREAT | O_EXCL, 0644);
		} else if (!strcmp(op, "r")) {
			e = w_open(a, O_RDONLY, 0);
		} else if (!strcmp(op, "wat") || !strcmp(op, "wfd") || !strcmp(op, "wdevfd")) {
			int d = open(a, O_PATH | O_DIRECTORY);

			if (!strcmp(op, "wat")) {
				int fd = openat(d, b, O_WRONLY | O_CREAT, 0644);

				e = fd < 0 ? errno : (close(fd), 0);
			} else {
				snprintf(p, sizeof(p), "%s/%d/%s",
					 op[1] == 'f' ? "/proc/self/fd" : "/dev/fd", d, b);
				e = w_open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			}
			close(d);
			n = 3;
		} else if (!strcmp(op, "cd")) {
			e = res(chdir(a));
		} else if (!strcmp(op, "mkdir")) {
			e = res(mkdir(a, oct(b)));
			n = 3;
		} else if (!strcmp(op, "creat")) {
			e = w_open(a, O_WRONLY | O_CREAT | O_EXCL, oct(b));
			n = 3;
		} else if (!strcmp(op, "mknod")) {
			e = res(mknod(a, S_IFREG | oct(b), 0));
			n = 3;
		} else if (!strcmp(op, "chmod")) {
			e = res(chmod(a, oct(b)));
			n = 3;
		} else if (!strcmp(op, "lchmod")) {
			e = res(lchmod(a, oct(b)));
			n = 3;
		} else if (!strcmp(op, "fchmodat")) {
			e = res(fchmodat(AT_FDCWD, a, oct(b), 0));
			n = 3;
		} else if (!strcmp(op, "fchmod")) {
			int fd = open(a, O_RDONLY);

			e = fd < 0 ? errno : res(fchmod(fd, oct(b)));
			n = 3;
		} else if (!strcmp(op, "link")) {
			e = res(link(a, b));
			n = 3;
		} else if (!strcmp(op, "rename")) {
			e = res(rename(a, b));
			n = 3;
		} else if (!strcmp(op, "unlink")) {
			e = res(unlink(a));
		} else if (!strcmp(op, "fork") || !strcmp(op, "vfork")) {
			e = in_child(op[0] == 'v', a, b);
			n = 3;
		} else if (!strcmp(op, "signal")) {
			sig_ok = a;
			sig_no = b;
			signal(SIGUSR1, on_signal);
			raise(SIGUSR1);
			e = sig_result;
			n = 3;
		} else if (!strcmp(op, "seccomp")) {
			e = install_seccomp(atoi(a));
		} else if (!strcmp(op, "mark")) {
			getppid();
			n = 1;
		} else if (!strcmp(op, "rloop") || !strcmp(op, "wloop")) {
			int k, count = atoi(a);
			int fl = op[0] == 'r' ? O_RDONLY : O_WRONLY | O_CREAT;

			getppid();
			for (k = 0; k < count && !e; k++) {
				int fd = open(b, fl, 0644);

				e = fd < 0 ? errno : 0;
				if (fd >= 0)
					close(fd);
			}
			getppid();
			n = 3;
		} else {
			fprintf(stderr, "fs_try: unknown operation %s\n", op);
			return 2;
		}
		if (n == 1)
			printf("%s", op);
		else if (n == 2)
			printf("%s %s", op, a);
		else
			printf("%s %s %s", op, a, b);
		if (e)
			printf(" err=%d\n", e);
		else
			printf(" ok\n");
		i += n;
	}
	return 0;
}
