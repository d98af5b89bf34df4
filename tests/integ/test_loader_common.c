/* test_loader_common.c - see test_loader.h. */
#include "test_loader.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

void
lt_need_root(void)
{
	if (!rt_is_root())
		cr_skip_test("needs root: the loader switches to uid 1000");
}

void
lt_need_landlock(void)
{
	/* landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) */
	if (syscall(444, NULL, 0, 1U) < 0)
		cr_skip_test("kernel without Landlock (%s)", strerror(errno));
}

void
lt_copy(const char *src, const char *dst, unsigned mode)
{
	char buf[65536];
	int in = open(src, O_RDONLY), out;
	ssize_t n;

	cr_assert(in >= 0, "open %s: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(out >= 0, "create %s: %s", dst, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		cr_assert(write(out, buf, (size_t)n) == n);
	close(in);
	close(out);
	cr_assert(chmod(dst, mode) == 0);
}

void
lt_policy(struct lt_env *e, const char *text)
{
	rt_write_file(e->policy, text);
	chmod(e->policy, 0644);
}

void
lt_setup(struct lt_env *e, const char *policy_extra)
{
	const char *stat_probe = rt_prog("ld_probe.static");
	char text[8192];

	lt_need_root();
	if (access(stat_probe, X_OK) != 0)
		cr_skip_test("%s missing (no static libc to build it)", stat_probe);
	snprintf(e->dir, sizeof(e->dir), "%s", rt_tmpdir());
	snprintf(e->bin, sizeof(e->bin), "%s/bin", e->dir);
	snprintf(e->wdir, sizeof(e->wdir), "%s/w", e->dir);
	snprintf(e->policy, sizeof(e->policy), "%s/policy", e->dir);
	snprintf(e->probe, sizeof(e->probe), "%s/bin/ld_probe", e->dir);
	cr_assert(mkdir(e->bin, 0755) == 0 && mkdir(e->wdir, 0777) == 0);
	chmod(e->wdir, 0777);	/* whatever the umask */
	lt_copy(stat_probe, e->probe, 0755);
	snprintf(text, sizeof(text), "WritablePath %s\nUser %d\n%s", e->wdir, LT_UID,
		 policy_extra ? policy_extra : "");
	lt_policy(e, text);
}

int
lt_run_ex(const struct lt_env *e, const char *const *prefix, const char *const *opts,
	  const char *const *args, const char *const *env_extra, struct rt_result *r)
{
	const char *argv[64];
	const char *env[32];
	char pathvar[PATH_MAX + 64];
	int n = 0, k = 0;

	for (; prefix && *prefix && n < 16; prefix++)
		argv[n++] = *prefix;
	argv[n++] = rt_path("rampart");
	for (; opts && *opts && n < 40; opts++)
		argv[n++] = *opts;
	argv[n++] = "--policy";
	argv[n++] = e->policy;
	argv[n++] = "--";
	for (; *args && n < 63; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	snprintf(pathvar, sizeof(pathvar), "PATH=%s:/usr/bin:/bin", e->bin);
	env[k++] = pathvar;
	for (; env_extra && *env_extra && k < 31; env_extra++)
		env[k++] = *env_extra;
	env[k] = NULL;
	return rt_run((char *const *)argv, (char *const *)env, 20, r);
}

int
lt_run(const struct lt_env *e, const char *const *opts, const char *const *args,
       struct rt_result *r)
{
	return lt_run_ex(e, NULL, opts, args, NULL, r);
}

int
lt_has(const char *out, const char *op, const char *result)
{
	char line[256];
	const char *p = out;
	size_t n = (size_t)snprintf(line, sizeof(line), "%s: %s\n", op, result);

	while ((p = strstr(p, line)) != NULL) {
		if (p == out || p[-1] == '\n')
			return 1;
		p += n;
	}
	return 0;
}

const char *
lt_status_field(const char *status, const char *field, char *buf, int bufsz)
{
	const char *p = status;
	size_t fl = strlen(field);

	while (p && *p) {
		if (strncmp(p, field, fl) == 0) {
			const char *v = p + fl, *end;

			while (*v == ' ' || *v == '\t')
				v++;
			end = strchr(v, '\n');
			snprintf(buf, (size_t)bufsz, "%.*s", (int)(end ? end - v : (long)strlen(v)), v);
			return buf;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

const char *
lt_line(const char *text, const char *prefix, char *buf, int bufsz)
{
	const char *p = text;
	size_t pl = strlen(prefix);

	while (p && *p) {
		if (strncmp(p, prefix, pl) == 0) {
			const char *end = strchr(p, '\n');

			snprintf(buf, (size_t)bufsz, "%.*s", (int)(end ? end - p : (long)strlen(p)), p);
			return buf;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}
