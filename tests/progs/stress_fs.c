/* stress_fs.c - hammer the shim's file and exec wrappers from threads,
 * fork children, vfork children, posix_spawn children and signal handlers
 * at once, and check every single answer.
 *
 *   stress_fs WDIR ODIR SECONDS [DENIED_EXE [WX_EXE]]
 *   stress_fs --child WDIR ODIR TAG          (what posix_spawn runs)
 *
 * Run under librampart.so with a policy whose only WritablePath is WDIR
 * (ODIR holds a file named "keep" the program must not be able to
 * remove).  Issue 3's contract: a denied call returns -1 with EACCES and
 * leaves nothing on disk; an allowed call behaves as libc's.
 * docs/threat-model.md (P2, P3, P7, P8) says why each context is
 * dangerous for an interposer: dlsym and locks in a vfork child or after
 * fork of a threaded parent, a thread-local re-entry guard seen by a signal
 * handler, errno clobbered under the application.
 *
 * DENIED_EXE is a program the policy's DenyExec refuses; WX_EXE a program
 * beneath WDIR (refused by W^X).  Both are tried through vfork+execv and
 * posix_spawn.
 *
 * Prints one line "stress: ops=N denied=N fds_before=N fds_after=N
 * wrong=N" on stdout; exits 0 only if every answer was right, no
 * descriptor leaked and every child ended as expected.  `denied` counts
 * the denials this process tree asked for, so a caller can compare it with
 * the number of JSON events.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define NTHREADS 4
#define CHILD_ROUNDS 5		/* rounds a fork or spawn child runs */
#define ROUND_DENIALS 5		/* denials one round() asks for */
#define CHILD_DEADLOCK_S 20	/* a child still running after this is stuck */

static const char *wdir, *odir;

/* Counters shared with fork and vfork children (MAP_SHARED). */
struct shared {
	long ops, denied, wrong;
};
static struct shared *sh;

static void
say(const char *fmt, ...)
{
	/* snprintf + one write(2): no stdio lock, usable after fork of a
	 * threaded process (docs/threat-model.md, P9) */
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(2, buf, (size_t)n) < 0)
		return;
}

static void
wrong(const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (__atomic_fetch_add(&sh->wrong, 1, __ATOMIC_RELAXED) < 20)
		say("stress: WRONG (pid %d): %s", (int)getpid(), msg);
}

/* strerrorname_np, unlike strerror, never takes the locale lock, which
 * another thread may hold when this process forks. */
static const char *
errname(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "unknown errno";
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void
want_ok(int r, const char *op, const char *path)
{
	__atomic_fetch_add(&sh->ops, 1, __ATOMIC_RELAXED);
	if (r < 0)
		wrong("%s %s: allowed call failed: %s", op, path, errname(errno));
}

/* A denied call: -1, EACCES, and `gone` (if set) must not exist after. */
static void
want_denied(int r, int err, const char *op, const char *path, const char *gone)
{
	__atomic_fetch_add(&sh->ops, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sh->denied, 1, __ATOMIC_RELAXED);
	if (r != -1 || err != EACCES)
		wrong("%s %s: want -1 EACCES, got %d %s", op, path, r, errname(err));
	if (gone && exists(gone))
		wrong("%s %s: denied, yet %s exists", op, path, gone);
}

/* One round of wrapped calls inside and outside the writable dir; `tag`
 * makes the names unique per thread, child and iteration.  It asks for
 * ROUND_DENIALS denials. */
static void
round_trip(const char *tag, long i)
{
	char in[512], in2[512], ind[512], out[512], outd[512], keep[512];
	int fd, r;
	FILE *f;

	snprintf(in, sizeof(in), "%s/%s-%ld", wdir, tag, i);
	snprintf(in2, sizeof(in2), "%s/%s-%ld.renamed", wdir, tag, i);
	snprintf(ind, sizeof(ind), "%s/%s-%ld.d", wdir, tag, i);
	snprintf(out, sizeof(out), "%s/%s-%ld", odir, tag, i);
	snprintf(outd, sizeof(outd), "%s/%s-%ld.d", odir, tag, i);
	snprintf(keep, sizeof(keep), "%s/keep", odir);

	/* allowed: create, write, rename, mkdir/rmdir, unlink inside */
	fd = open(in, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	want_ok(fd, "open(O_CREAT)", in);
	if (fd >= 0) {
		if (write(fd, "x", 1) != 1)
			wrong("write %s: %s", in, errname(errno));
		close(fd);
	}
	want_ok(rename(in, in2), "rename", in);
	want_ok(mkdir(ind, 0700), "mkdir", ind);
	want_ok(rmdir(ind), "rmdir", ind);

	/* denied: create, mkdir, rename into, unlink, fopen outside */
	errno = 0;
	fd = open(out, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	want_denied(fd < 0 ? -1 : 0, errno, "open(O_CREAT)", out, out);
	if (fd >= 0)
		close(fd);
	errno = 0;
	r = mkdir(outd, 0700);
	want_denied(r, errno, "mkdir", outd, outd);
	errno = 0;
	r = rename(in2, out);
	want_denied(r, errno, "rename", out, out);
	if (!exists(in2))
		wrong("rename %s: denied, yet the source is gone", in2);
	errno = 0;
	r = unlink(keep);
	want_denied(r, errno, "unlink", keep, NULL);
	if (!exists(keep))
		wrong("unlink %s: denied, yet it is gone", keep);
	errno = 0;
	f = fopen(out, "w");
	want_denied(f ? 0 : -1, errno, "fopen(w)", out, out);
	if (f)
		fclose(f);

	want_ok(unlink(in2), "unlink", in2);
}

/* ---- signal handler ---------------------------------------------------- */

static volatile sig_atomic_t sig_bad_ok, sig_bad_deny;
static volatile sig_atomic_t sig_runs;

/* Runs on whichever thread the timer interrupts, possibly inside a
 * wrapper.  open() is async-signal-safe (signal-safety(7)), so the shim's
 * wrapper must be too, and must decide the same way there. */
static void
on_alarm(int sig)
{
	char out[512];
	int saved = errno, fd;

	snprintf(out, sizeof(out), "%s/from-handler", odir);
	fd = open(out, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd >= 0 || errno != EACCES) {
		sig_bad_deny = errno ? errno : -1;
		if (fd >= 0)
			close(fd);
	}
	__atomic_fetch_add(&sh->ops, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sh->denied, 1, __ATOMIC_RELAXED);
	snprintf(out, sizeof(out), "%s/from-handler", wdir);
	fd = open(out, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		sig_bad_ok = errno;
	else
		close(fd);
	__atomic_fetch_add(&sh->ops, 1, __ATOMIC_RELAXED);
	sig_runs++;
	errno = saved;
}

/* ---- worker threads ------------------------------------------------------ */

static struct timespec deadline;

static int
before_deadline(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec < deadline.tv_sec ||
	       (now.tv_sec == deadline.tv_sec && now.tv_nsec < deadline.tv_nsec);
}

static void *
worker(void *arg)
{
	char tag[32];
	long i;

	snprintf(tag, sizeof(tag), "t%ld", (long)(size_t)arg);
	for (i = 0; before_deadline(); i++)
		round_trip(tag, i);
	return NULL;
}

/* ---- children ---------------------------------------------------------- */

static int
child_rounds(const char *prefix)
{
	char tag[32];
	long i, before = sh->wrong;

	snprintf(tag, sizeof(tag), "%s%d", prefix, (int)getpid());
	for (i = 0; i < CHILD_ROUNDS; i++)
		round_trip(tag, i);
	return sh->wrong == before ? 0 : 1;
}

static void
reap(pid_t pid, const char *what, int want_status)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			wrong("waitpid %s: %s", what, errname(errno));
			return;
		}
	if (WIFSIGNALED(st))
		wrong("%s child killed by signal %d%s", what, WTERMSIG(st),
		      WTERMSIG(st) == SIGALRM ? " (deadlocked)" : "");
	else if (WEXITSTATUS(st) != want_status)
		wrong("%s child exited %d, want %d", what, WEXITSTATUS(st), want_status);
}

/* fork() from a threaded parent: the child may inherit a lock some other
 * thread held at the time; an alarm turns a deadlock into a signal. */
static void
fork_child(void)
{
	pid_t pid = fork();

	if (pid < 0) {
		wrong("fork: %s", errname(errno));
		return;
	}
	if (pid == 0) {
		signal(SIGALRM, SIG_DFL);
		alarm(CHILD_DEADLOCK_S);
		_exit(child_rounds("f"));
	}
	reap(pid, "fork", 0);
}

/* What a vfork child saw, written in the shared address space. */
struct vfork_report {
	int open_r, open_err;
	int denied_err, wx_err;		/* -1: the exec did not return */
};

static void
vfork_child(const char *denied_exe, const char *wx_exe)
{
	static struct vfork_report rep;
	char out[512];
	char *argv_true[] = { "true", NULL };
	sigset_t all, old;
	pid_t pid;

	snprintf(out, sizeof(out), "%s/vfork-%d", odir, (int)getpid());
	rep.open_r = 0;
	rep.open_err = 0;
	rep.denied_err = -1;
	rep.wx_err = -1;
	/* no handler may run on the parent's stack in the child */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pid = vfork();
	if (pid == 0) {
		/* only async-signal-safe calls, no return, no stdio */
		int fd = open(out, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

		rep.open_r = fd < 0 ? -1 : 0;
		rep.open_err = errno;
		if (fd >= 0)
			close(fd);
		if (denied_exe) {
			execv(denied_exe, argv_true);
			rep.denied_err = errno;
		}
		if (wx_exe) {
			execv(wx_exe, argv_true);
			rep.wx_err = errno;
		}
		execv("/bin/true", argv_true);
		_exit(127);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		wrong("vfork: %s", errname(errno));
		return;
	}
	reap(pid, "vfork", 0);
	want_denied(rep.open_r, rep.open_err, "open(O_CREAT) in vfork child", out, out);
	if (denied_exe)
		want_denied(rep.denied_err == -1 ? 0 : -1, rep.denied_err,
			    "execv (DenyExec) in vfork child", denied_exe, NULL);
	if (wx_exe)
		want_denied(rep.wx_err == -1 ? 0 : -1, rep.wx_err,
			    "execv (W^X) in vfork child", wx_exe, NULL);
}

static void
spawn_children(const char *self, const char *denied_exe, const char *wx_exe)
{
	char tag[32];
	char *argv[] = { (char *)self, "--child", (char *)wdir, (char *)odir, tag, NULL };
	char *argv_true[] = { "true", NULL };
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	pid_t pid;
	int r;

	snprintf(tag, sizeof(tag), "s%d", (int)getpid());
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGALRM);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

	r = posix_spawn(&pid, self, NULL, &attr, argv, environ);
	if (r != 0) {
		wrong("posix_spawn %s: %s", self, errname(r));
	} else {
		reap(pid, "posix_spawn", 0);
		/* the child asked for its denials in its own process */
		__atomic_fetch_add(&sh->denied, (long)CHILD_ROUNDS * ROUND_DENIALS,
				   __ATOMIC_RELAXED);
	}
	if (denied_exe) {
		r = posix_spawn(&pid, denied_exe, NULL, &attr, argv_true, environ);
		if (r == 0)
			waitpid(pid, NULL, 0);
		want_denied(r ? -1 : 0, r, "posix_spawn (DenyExec)", denied_exe, NULL);
	}
	if (wx_exe) {
		r = posix_spawn(&pid, wx_exe, NULL, &attr, argv_true, environ);
		if (r == 0)
			waitpid(pid, NULL, 0);
		want_denied(r ? -1 : 0, r, "posix_spawn (W^X)", wx_exe, NULL);
	}
	posix_spawnattr_destroy(&attr);
}

/* ---- descriptors ------------------------------------------------------- */

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	/* not the shim's own: it holds each writable dir written beneath at
	 * 900 or above for the life of the process (shim/roots.h) */
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && atoi(e->d_name) < 900)
			n++;
	closedir(d);
	return n - 1;	/* the directory stream's own descriptor */
}

/* ---- main ---------------------------------------------------------------- */

static struct shared *
map_shared(void)
{
	void *p = mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("stress: mmap");
		exit(2);
	}
	return p;
}

int
main(int argc, char **argv)
{
	const char *denied_exe, *wx_exe;
	pthread_t th[NTHREADS];
	struct sigaction sa;
	struct itimerval it;
	double seconds;
	int fds_before, fds_after, i;
	char self[4096];
	ssize_t n;

	sh = map_shared();
	if (argc == 5 && strcmp(argv[1], "--child") == 0) {
		wdir = argv[2];
		odir = argv[3];
		return child_rounds(argv[4]);
	}
	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: stress_fs WDIR ODIR SECONDS [DENIED_EXE [WX_EXE]]\n");
		return 2;
	}
	wdir = argv[1];
	odir = argv[2];
	seconds = atof(argv[3]);
	denied_exe = argc > 4 && argv[4][0] ? argv[4] : NULL;
	wx_exe = argc > 5 && argv[5][0] ? argv[5] : NULL;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0) {
		perror("stress: readlink /proc/self/exe");
		return 2;
	}
	self[n] = '\0';

	fds_before = count_fds();
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)seconds;
	deadline.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	it.it_interval.tv_sec = 0;
	it.it_interval.tv_usec = 2000;
	it.it_value = it.it_interval;
	setitimer(ITIMER_REAL, &it, NULL);

	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)(size_t)i) != 0) {
			perror("stress: pthread_create");
			return 2;
		}
	while (before_deadline()) {
		fork_child();
		vfork_child(denied_exe, wx_exe);
		spawn_children(self, denied_exe, wx_exe);
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	signal(SIGALRM, SIG_IGN);

	if (sig_bad_deny)
		wrong("open(O_CREAT) outside from a signal handler: not denied with EACCES (%s)",
		      sig_bad_deny > 0 ? errname(sig_bad_deny) : "it succeeded");
	if (sig_bad_ok)
		wrong("open(O_CREAT) inside from a signal handler failed: %s",
		      errname(sig_bad_ok));
	if (sig_runs == 0)
		wrong("the signal handler never ran");
	fds_after = count_fds();
	if (fds_after != fds_before)
		wrong("descriptors: %d before, %d after", fds_before, fds_after);
	printf("stress: ops=%ld denied=%ld signals=%d fds_before=%d fds_after=%d wrong=%ld\n",
	       sh->ops, sh->denied, (int)sig_runs, fds_before, fds_after, sh->wrong);
	return sh->wrong ? 1 : 0;
}
