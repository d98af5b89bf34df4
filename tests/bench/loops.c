/* loops.c - the hot-path workloads of `make bench`, one per name.
 *
 *   loops WORKLOAD TREE N
 *
 * TREE is the benchmark tree that run.py lays out: TREE/w is a WritablePath
 * of the bench policy, TREE/ro/file an existing file outside it.  The
 * program runs WARM untimed warm-up iterations, then N timed iterations of
 * WORKLOAD, and prints one JSON line: {"workload":..., "n":N, "warm":WARM,
 * "ns":TOTAL, "fail":F, "errno":E}.  A failing call is counted, not fatal:
 * under the shim the "open_denied" workload is meant to fail with EACCES
 * every time.
 *
 * Each loop is its own non-inlined function named bench_loop_*, so that
 * `valgrind --tool=callgrind --toggle-collect=bench_loop_*` counts the
 * instructions of the loop and nothing else (process start, shim
 * constructor, set-up); it sees the warm-up too, so instructions per
 * iteration are the total divided by N + WARM.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

extern char **environ;

struct tally {
	long fail;
	int last_errno;
};

static char path_a[PATH_MAX];	/* the file the workload works on */
static char path_b[PATH_MAX];	/* second name (rename) */
static char **unlink_names;	/* files of the unlink workload, built untimed */

static void
count(struct tally *t, int failed)
{
	if (failed) {
		t->fail++;
		t->last_errno = errno;
	}
}

static void
die(const char *what, const char *obj)
{
	fprintf(stderr, "loops: fatal: unable to %s %s: %s\n", what, obj, strerror(errno));
	exit(2);
}

static void
set_path(char *dst, const char *tree, const char *rel)
{
	if ((size_t)snprintf(dst, PATH_MAX, "%s/%s", tree, rel) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		die("build path under", tree);
	}
}

/* ---- the workloads ------------------------------------------------------ */

static NOINLINE void
bench_loop_open_ro(long n, struct tally *t)
{
	for (long i = 0; i < n; i++) {
		int fd = open(path_a, O_RDONLY | O_CLOEXEC);
		count(t, fd < 0);
		if (fd >= 0)
			close(fd);
	}
}

/* Used both inside the writable dir (allowed) and outside (denied). */
static NOINLINE void
bench_loop_open_write(long n, struct tally *t)
{
	for (long i = 0; i < n; i++) {
		int fd = open(path_a, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		count(t, fd < 0);
		if (fd >= 0)
			close(fd);
	}
}

static NOINLINE void
bench_loop_fopen_w(long n, struct tally *t)
{
	for (long i = 0; i < n; i++) {
		FILE *f = fopen(path_a, "w");
		count(t, f == NULL);
		if (f)
			fclose(f);
	}
}

/* Renames a file back and forth between two names. */
static NOINLINE void
bench_loop_rename(long n, struct tally *t)
{
	for (long i = 0; i < n; i++) {
		if (i & 1)
			count(t, rename(path_b, path_a) != 0);
		else
			count(t, rename(path_a, path_b) != 0);
	}
}

static NOINLINE void
bench_loop_unlink(long n, struct tally *t)
{
	for (long i = 0; i < n; i++)
		count(t, unlink(unlink_names[i]) != 0);
}

static int
reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static char *const true_argv[] = { "/bin/true", NULL };

static NOINLINE void
bench_loop_spawn(long n, struct tally *t)
{
	for (long i = 0; i < n; i++) {
		pid_t pid;
		int rc = posix_spawn(&pid, true_argv[0], NULL, NULL, true_argv, environ);

		if (rc != 0) {
			errno = rc;
			count(t, 1);
			continue;
		}
		count(t, reap(pid) != 0);
	}
}

static NOINLINE void
bench_loop_fork_exec(long n, struct tally *t)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execve(true_argv[0], true_argv, environ);
			_exit(127);
		}
		count(t, pid < 0 || reap(pid) != 0);
	}
}

/* execve of a missing file: the exec wrapper's work (decision, sticky
 * environment) without a fork, for instruction counts of the exec path
 * (callgrind does not follow a forked child up to its exec). */
static NOINLINE void
bench_loop_execve_enoent(long n, struct tally *t)
{
	for (long i = 0; i < n; i++)
		count(t, execve(path_a, true_argv, environ) != 0);
}

/* dlopen of an allowed library the process has not loaded, then dlclose
 * (which unmaps it again): the whole load, as ctypes.CDLL or an import
 * of an extension module pays it once per library.  dlopen_path names it
 * by path (judged by its descriptor), dlopen_name by soname (searched in
 * the caller's list).  path_a holds the name. */
static NOINLINE void
bench_loop_dlopen(long n, struct tally *t)
{
	for (long i = 0; i < n; i++) {
		void *h = dlopen(path_a, RTLD_NOW);

		count(t, !h);
		if (h)
			dlclose(h);
	}
}

/* ---- set-up, untimed ---------------------------------------------------- */

static void
setup_rename(const char *tree)
{
	int fd;

	set_path(path_a, tree, "w/rename-a");
	set_path(path_b, tree, "w/rename-b");
	unlink(path_b);
	fd = open(path_a, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("create", path_a);
	close(fd);
}

/* Creates `n` files for the unlink loop (plus the warm-up's) and their
 * names, so that the timed loop does nothing but unlink. */
static void
setup_unlink(const char *tree, long n)
{
	char dir[PATH_MAX];
	size_t size;

	set_path(dir, tree, "w/unlink");
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		die("create", dir);
	size = strlen(dir) + 24;
	unlink_names = calloc((size_t)n, sizeof *unlink_names);
	if (!unlink_names)
		die("allocate", "names");
	for (long i = 0; i < n; i++) {
		int fd;

		unlink_names[i] = malloc(size);
		if (!unlink_names[i])
			die("allocate", "names");
		snprintf(unlink_names[i], size, "%s/%ld", dir, i);
		fd = open(unlink_names[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			die("create", unlink_names[i]);
		close(fd);
	}
}

struct workload {
	const char *name;
	const char *file;	/* relative to TREE, or NULL */
	void (*loop)(long, struct tally *);
};

static const struct workload workloads[] = {
	{ "open_ro", "ro/file", bench_loop_open_ro },
	{ "open_write", "w/file", bench_loop_open_write },
	{ "open_denied", "ro/out", bench_loop_open_write },
	{ "fopen_w", "w/fopen", bench_loop_fopen_w },
	{ "rename", NULL, bench_loop_rename },
	{ "unlink", NULL, bench_loop_unlink },
	{ "spawn", NULL, bench_loop_spawn },
	{ "fork_exec", NULL, bench_loop_fork_exec },
	{ "execve_enoent", "ro/missing/true", bench_loop_execve_enoent },
	{ "dlopen_path", NULL, bench_loop_dlopen },
	{ "dlopen_name", NULL, bench_loop_dlopen },
};

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	const struct workload *w = NULL;
	struct tally warm = { 0, 0 }, t = { 0, 0 };
	long n, n_warm;
	long long t0, t1;
	char *end;

	if (argc != 4) {
		fprintf(stderr, "usage: loops WORKLOAD TREE N\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
		if (strcmp(argv[1], workloads[i].name) == 0)
			w = &workloads[i];
	n = strtol(argv[3], &end, 10);
	if (!w || *end || n <= 0) {
		fprintf(stderr, "loops: fatal: unknown workload '%s' or bad count '%s'\n",
			argv[1], argv[3]);
		return 2;
	}
	/* even, so that the rename loop starts from the same name */
	n_warm = (n / 10 < 100 ? n / 10 : 100) & ~1L;

	if (w->file)
		set_path(path_a, argv[2], w->file);
	if (w->loop == bench_loop_dlopen) {
		/* zlib: on every Debian system (python3, dpkg) and loaded
		 * by neither this program nor the shim */
		struct link_map *lm = NULL;
		void *h = dlopen("libz.so.1", RTLD_NOW);

		if (!h || dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || !lm)
			die("dlopen", "libz.so.1");
		snprintf(path_a, sizeof(path_a), "%s",
			 strcmp(w->name, "dlopen_path") == 0 ? lm->l_name : "libz.so.1");
		dlclose(h);
	}
	if (w->loop == bench_loop_rename)
		setup_rename(argv[2]);
	if (w->loop == bench_loop_unlink) {
		/* the warm-up unlinks the last n_warm files, the timed loop the
		 * first n */
		setup_unlink(argv[2], n + n_warm);
	}

	if (w->loop == bench_loop_unlink) {
		char **all = unlink_names;

		unlink_names = all + n;
		bench_loop_unlink(n_warm, &warm);
		unlink_names = all;
	} else if (n_warm > 0) {
		w->loop(n_warm, &warm);
	}

	t0 = now_ns();
	w->loop(n, &t);
	t1 = now_ns();

	printf("{\"workload\":\"%s\",\"n\":%ld,\"warm\":%ld,\"ns\":%lld,"
	       "\"fail\":%ld,\"errno\":%d}\n",
	       w->name, n, n_warm, t1 - t0, t.fail, t.last_errno);
	return 0;
}
