/* timeexec.c - time process start-ups in alternation.
 *
 *   timeexec ROUNDS :: NAME [K=V...] CMD [ARG...] :: NAME ...
 *
 * Each group after "::" is one variant: a name, environment assignments
 * added to timeexec's own environment (like env(1)), then the command.  In
 * every round each variant runs once (A B C, B C A, C A B, ...), so that
 * the drift of a shared machine falls on all of them alike.  A round 0 runs
 * untimed to warm the page cache.  The wall time is taken around
 * posix_spawn + waitpid; the children's output goes to /dev/null.
 *
 * Prints, per variant: NAME STATUS NS NS ...  (STATUS: the first non-zero
 * exit status seen, 0 if every run succeeded).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_VARIANTS 16
#define MAX_ENV 256

struct variant {
	const char *name;
	char **argv;		/* NULL-terminated, inside main's argv */
	char *envp[MAX_ENV];
	int status;
	long long *ns;
};

static void
die(const char *what, const char *obj)
{
	fprintf(stderr, "timeexec: fatal: unable to %s %s: %s\n", what, obj, strerror(errno));
	exit(2);
}

/* envp = environ with `add` (K=V) overriding entries of the same key. */
static void
build_env(struct variant *v, char **add, int n_add)
{
	int n = 0;

	for (char **e = environ; *e; e++) {
		const char *eq = strchr(*e, '=');
		size_t klen = eq ? (size_t)(eq - *e) + 1 : strlen(*e);
		int overridden = 0;

		for (int i = 0; i < n_add; i++)
			if (strncmp(add[i], *e, klen) == 0)
				overridden = 1;
		if (!overridden && n < MAX_ENV - 1)
			v->envp[n++] = *e;
	}
	for (int i = 0; i < n_add && n < MAX_ENV - 1; i++)
		v->envp[n++] = add[i];
	v->envp[n] = NULL;
}

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long
run_once(struct variant *v, const posix_spawn_file_actions_t *fa)
{
	long long t0 = now_ns();
	pid_t pid;
	int rc = posix_spawn(&pid, v->argv[0], fa, NULL, v->argv, v->envp);
	int status;

	if (rc != 0) {
		if (!v->status)
			v->status = 127;
		return now_ns() - t0;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("wait for", v->argv[0]);
	t0 = now_ns() - t0;
	if (!v->status) {
		if (WIFEXITED(status))
			v->status = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			v->status = 128 + WTERMSIG(status);
	}
	return t0;
}

int
main(int argc, char **argv)
{
	struct variant vs[MAX_VARIANTS];
	posix_spawn_file_actions_t fa;
	int nv = 0, rounds;
	char *end;

	if (argc < 4 || strcmp(argv[2], "::") != 0) {
		fprintf(stderr, "usage: timeexec ROUNDS :: NAME [K=V...] CMD [ARG...] [:: ...]\n");
		return 2;
	}
	rounds = (int)strtol(argv[1], &end, 10);
	if (*end || rounds <= 0) {
		fprintf(stderr, "timeexec: fatal: bad round count '%s'\n", argv[1]);
		return 2;
	}

	/* Split argv at "::" in place: each "::" after the first becomes the
	 * NULL that ends the previous command.  i indexes a "::". */
	for (int i = 2; i < argc;) {
		struct variant *v;
		int j = i + 1, first_env;

		if (nv == MAX_VARIANTS || j >= argc) {
			fprintf(stderr, "timeexec: fatal: too many variants or empty group\n");
			return 2;
		}
		v = &vs[nv++];
		memset(v, 0, sizeof *v);
		v->name = argv[j++];
		first_env = j;
		while (j < argc && strcmp(argv[j], "::") != 0 && strchr(argv[j], '='))
			j++;
		build_env(v, argv + first_env, j - first_env);
		v->argv = argv + j;
		while (j < argc && strcmp(argv[j], "::") != 0)
			j++;
		if (v->argv == argv + j) {
			fprintf(stderr, "timeexec: fatal: variant '%s' has no command\n", v->name);
			return 2;
		}
		if (j < argc)
			argv[j] = NULL;
		i = j;
		v->ns = calloc((size_t)rounds, sizeof *v->ns);
		if (!v->ns)
			die("allocate", "samples");
	}

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);

	for (int i = 0; i < nv; i++)
		run_once(&vs[i], &fa);
	/* Round r starts with variant r % nv: no variant always runs right
	 * after the same neighbour. */
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < nv; k++) {
			int i = (r + k) % nv;

			vs[i].ns[r] = run_once(&vs[i], &fa);
		}

	for (int i = 0; i < nv; i++) {
		printf("%s %d", vs[i].name, vs[i].status);
		for (int r = 0; r < rounds; r++)
			printf(" %lld", vs[i].ns[r]);
		putchar('\n');
	}
	return 0;
}
