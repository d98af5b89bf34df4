/* testlib.c - see testlib.h. */
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

const char *
rt_build(void)
{
	static char buf[PATH_MAX];
	const char *b = getenv("RAMPART_BUILD");

	if (buf[0])
		return buf;
	if (!b || !*b)
		b = "build";
	if (!realpath(b, buf))
		snprintf(buf, sizeof(buf), "%s", b);
	return buf;
}

const char *
rt_path(const char *rel)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, PATH_MAX, "%s/%s", rt_build(), rel);
	return b;
}

const char *
rt_prog(const char *name)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "tests/progs/%s", name);
	return rt_path(rel);
}

const char *
rt_tmpdir(void)
{
	static char bufs[4][PATH_MAX];
	static int next;
	char tmpl[] = "/tmp/rampart-test.XXXXXX";
	char *b = bufs[next++ % 4];

	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		abort();
	}
	if (!realpath(tmpl, b)) {
		perror("realpath");
		abort();
	}
	chmod(b, 0755);
	return b;
}

void
rt_cleanup(const char *dir)
{
	char cmd[PATH_MAX + 32];

	if (!dir || strncmp(dir, "/tmp/rampart-test.", 18) != 0)
		return;
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", dir);
}

void
rt_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

char *
rt_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	for (;;) {
		if (len + 4097 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

int
rt_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void
append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
	if (*len + n + 1 > *cap) {
		while (*len + n + 1 > *cap)
			*cap = *cap ? *cap * 2 : 4096;
		*buf = realloc(*buf, *cap);
		if (!*buf)
			abort();
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

int
rt_run(char *const argv[], char *const env[], int timeout_s, struct rt_result *r)
{
	int op[2], ep[2];
	pid_t pid;
	size_t olen = 0, ocap = 0, elen = 0, ecap = 0;
	int open_fds = 2, st;
	time_t deadline = time(NULL) + (timeout_s > 0 ? timeout_s : 30);

	memset(r, 0, sizeof(*r));
	if (pipe2(op, O_CLOEXEC) || pipe2(ep, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(op[1], 1);
		dup2(ep[1], 2);
		execve(argv[0], argv, env ? env : environ);
		_exit(127);
	}
	close(op[1]);
	close(ep[1]);
	r->out = calloc(1, 1);
	r->err = calloc(1, 1);
	while (open_fds > 0) {
		struct pollfd pf[2] = { { op[0], POLLIN, 0 }, { ep[0], POLLIN, 0 } };
		char buf[4096];
		int i, left = (int)(deadline - time(NULL));

		if (left <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(pf, 2, left * 1000) <= 0)
			continue;
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pf[i].fd, buf, sizeof(buf));
			if (n <= 0) {
				close(pf[i].fd);
				if (i == 0)
					op[0] = -1;
				else
					ep[0] = -1;
				open_fds--;
				continue;
			}
			if (i == 0)
				append(&r->out, &olen, &ocap, buf, (size_t)n);
			else
				append(&r->err, &elen, &ecap, buf, (size_t)n);
		}
	}
	if (op[0] >= 0)
		close(op[0]);
	if (ep[0] >= 0)
		close(ep[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

int
rt_run_shim(const char *policy, char *const argv[], char *const extra[],
	    int timeout_s, struct rt_result *r)
{
	char **env;
	size_t n = 0, m = 0, i, k = 0;
	static char pre[PATH_MAX + 16], pol[PATH_MAX + 32];
	int ret;

	while (environ[n])
		n++;
	while (extra && extra[m])
		m++;
	env = calloc(n + m + 3, sizeof(*env));
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", rt_path("librampart.so"));
	snprintf(pol, sizeof(pol), "RAMPART_POLICY=%s", policy);
	env[k++] = pre;
	env[k++] = pol;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) && strncmp(environ[i], "RAMPART_POLICY=", 15))
			env[k++] = environ[i];
	for (i = 0; i < m; i++)
		env[k++] = extra[i];
	env[k] = NULL;
	ret = rt_run(argv, env, timeout_s, r);
	free(env);
	return ret;
}

void
rt_result_free(struct rt_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

int
rt_count_lines(const char *text, const char *needle)
{
	int count = 0;
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *hit = strstr(line, needle);

		if (hit && (size_t)(hit - line) < len)
			count++;
		line = end ? end + 1 : NULL;
	}
	return count;
}

int
rt_is_root(void)
{
	return geteuid() == 0;
}
