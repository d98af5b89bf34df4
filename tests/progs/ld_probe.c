/* ld_probe.c - what a confined program can still do, asked through raw
 * system calls where libc would hide the answer.  Built dynamic and static
 * (ld_probe.static); the loader tests run the static one, which no shim
 * can see.  Prints one line "OP: ok" or "OP: ERRNONAME" per operation.
 *
 *   ld_probe status                 print /proc/self/status
 *   ld_probe create PATH            raw openat(O_CREAT|O_WRONLY)
 *   ld_probe exec PATH [ARG...]     execv(PATH, {PATH, ARG...}); prints on failure
 *   ld_probe io_uring               raw io_uring_setup
 *   ld_probe ptrace-sibling         PTRACE_ATTACH from one child to another
 *   ld_probe unshare-user           unshare(CLONE_NEWUSER)
 *   ld_probe chmod-suid PATH        raw chmod, fchmodat, fchmodat2 with 04755
 *   ld_probe bind PORT              bind 127.0.0.1:PORT
 *   ld_probe ids                    "uid U euid E gid G egid G"
 *   ld_probe exit N | signal N      exit with N, or die by signal N
 *   ld_probe args [ARG...]          "arg: ARG" per argument
 *   ld_probe env                    "env: NAME=VALUE" per variable
 *   ld_probe fds                    "fd: N -> TARGET" per open fd above 2
 *   ld_probe core                   "core: SOFT HARD" (RLIMIT_CORE), "dumpable: N"
 *   ld_probe prctl-mm               raw PR_SET_MM, plain and with the upper
 *                                   32 bits of the option set
 *   ld_probe personality            raw personality: query, ADDR_NO_RANDOMIZE
 *                                   plain, with bit 31, with the upper half
 *   ld_probe clone3                 raw clone3
 *   ld_probe socket-vsock           socket(AF_VSOCK)
 *   ld_probe i386-chmod PATH        chmod(PATH, 0755) through int $0x80
 *   ld_probe x32-getpid             getpid with the x32 bit set
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#define SYS_fchmodat2_ 452
#define SYS_clone3_ 435
#define X32_BIT 0x40000000L
#define PR_SET_MM_ 35
#define PR_SET_MM_ARG_START_ 8
#define ADDR_NO_RANDOMIZE_ 0x0040000L
#define AF_VSOCK_ 40

extern char **environ;

static void
result(const char *op, long r)
{
	if (r >= 0)
		printf("%s: ok\n", op);
	else
		printf("%s: %s\n", op, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	fflush(stdout);
}

static int
cat_status(void)
{
	char buf[8192];
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return 0;
}

static int
ptrace_sibling(void)
{
	pid_t target = fork(), tracer;
	int st;

	if (target == 0) {
		pause();
		_exit(0);
	}
	tracer = fork();
	if (tracer == 0)
		_exit(ptrace(PTRACE_ATTACH, target, 0, 0) == 0 ? 0 : errno);
	waitpid(tracer, &st, 0);
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
	errno = WEXITSTATUS(st);
	result("ptrace-sibling", errno ? -1 : 0);
	return 0;
}

static int
bind_port(int port)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	result("bind", s < 0 ? -1 : bind(s, (struct sockaddr *)&a, sizeof(a)));
	return 0;
}

static int
list_fds(void)
{
	char link[64], target[512];
	int fd;

	for (fd = 3; fd < 1024; fd++) {
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		printf("fd: %d -> %s\n", fd, target);
	}
	return 0;
}

/* int $0x80 takes 32-bit pointers: the path is copied to static storage,
 * which a static (non-PIE) build places below 4 GiB. */
static long
i386_chmod(const char *path)
{
	static char buf[256];
	long ret;

	snprintf(buf, sizeof(buf), "%s", path);
#if defined(__x86_64__)
	__asm__ __volatile__("int $0x80"
			     : "=a"(ret)
			     : "a"(15L), "b"((long)buf), "c"(0755L)
			     : "memory");
#else
	ret = -ENOSYS;
#endif
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

static int
personality_ops(void)
{
	long q = syscall(SYS_personality, 0xffffffffL);

	result("personality-query", q);
	result("personality-no-randomize", syscall(SYS_personality, ADDR_NO_RANDOMIZE_));
	result("personality-bit31", syscall(SYS_personality, 0x80000000L | ADDR_NO_RANDOMIZE_));
	result("personality-high", syscall(SYS_personality, (1L << 32) | ADDR_NO_RANDOMIZE_));
	result("personality-linux", syscall(SYS_personality, q >= 0 ? q : 0L));
	return 0;
}

int
main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "";
	long params[16] = { 0 };	/* struct io_uring_params is 120 bytes */

	if (strcmp(op, "status") == 0)
		return cat_status();
	if (strcmp(op, "create") == 0)
		result(op, syscall(SYS_openat, AT_FDCWD, arg, O_CREAT | O_WRONLY, 0644));
	else if (strcmp(op, "exec") == 0 && argc > 2) {
		execv(arg, argv + 2);
		result(op, -1);
	} else if (strcmp(op, "io_uring") == 0)
		result(op, syscall(SYS_io_uring_setup, 1, params));
	else if (strcmp(op, "ptrace-sibling") == 0)
		return ptrace_sibling();
	else if (strcmp(op, "unshare-user") == 0)
		result(op, unshare(CLONE_NEWUSER));
	else if (strcmp(op, "chmod-suid") == 0) {
		result("chmod", syscall(SYS_chmod, arg, 04755));
		result("fchmodat", syscall(SYS_fchmodat, AT_FDCWD, arg, 04755, 0));
		result("fchmodat2", syscall(SYS_fchmodat2_, AT_FDCWD, arg, 04755, 0));
		result("chmod-plain", syscall(SYS_chmod, arg, 0755));
	} else if (strcmp(op, "bind") == 0)
		return bind_port(atoi(arg));
	else if (strcmp(op, "ids") == 0)
		printf("uid %d euid %d gid %d egid %d\n", (int)getuid(), (int)geteuid(),
		       (int)getgid(), (int)getegid());
	else if (strcmp(op, "exit") == 0)
		return atoi(arg);
	else if (strcmp(op, "args") == 0) {
		int i;

		for (i = 2; i < argc; i++)
			printf("arg: %s\n", argv[i]);
	} else if (strcmp(op, "env") == 0) {
		char **e;

		for (e = environ; *e; e++)
			printf("env: %s\n", *e);
	} else if (strcmp(op, "fds") == 0)
		return list_fds();
	else if (strcmp(op, "core") == 0) {
		struct rlimit rl;

		getrlimit(RLIMIT_CORE, &rl);
		printf("core: %lld %lld\n", (long long)(rl.rlim_cur == RLIM_INFINITY ? -1 : (long long)rl.rlim_cur),
		       (long long)(rl.rlim_max == RLIM_INFINITY ? -1 : (long long)rl.rlim_max));
		printf("dumpable: %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	} else if (strcmp(op, "prctl-mm") == 0) {
		/* a bad address: EINVAL when the call gets through, EPERM
		 * when seccomp (or a missing CAP_SYS_RESOURCE) stops it */
		result("prctl-mm", syscall(SYS_prctl, PR_SET_MM_, PR_SET_MM_ARG_START_, 1L, 0L, 0L));
		result("prctl-mm-high", syscall(SYS_prctl, (1L << 32) | PR_SET_MM_,
						PR_SET_MM_ARG_START_, 1L, 0L, 0L));
	} else if (strcmp(op, "personality") == 0)
		return personality_ops();
	else if (strcmp(op, "clone3") == 0)
		result(op, syscall(SYS_clone3_, NULL, 0L));
	else if (strcmp(op, "socket-vsock") == 0)
		result(op, socket(AF_VSOCK_, SOCK_STREAM, 0));
	else if (strcmp(op, "i386-chmod") == 0)
		result(op, i386_chmod(arg));
	else if (strcmp(op, "x32-getpid") == 0)
		result(op, syscall(X32_BIT | SYS_getpid));
	else if (strcmp(op, "signal") == 0) {
		signal(atoi(arg), SIG_DFL);
		raise(atoi(arg));
		return 99;
	} else {
		fprintf(stderr, "ld_probe: unknown operation '%s'\n", op);
		return 2;
	}
	return 0;
}
