/* diag.c - see diag.h. */
#include "diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void
rp_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	fputs("rampart: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	errno = saved;
}

void
rp_die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("rampart: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void
print_diag(void *ctx, const char *file, int line, const char *msg)
{
	(void)ctx;
	if (line > 0)
		fprintf(stderr, "%s:%d: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s: %s\n", file, msg);
}

static int
load_policy(struct rp_policy *p, const char *path, unsigned flags)
{
	int errors = rp_policy_load_flags(p, path, flags, print_diag, NULL);

	if (errors)
		fprintf(stderr, "rampart: %d error%s in policy %s; nothing applied\n",
			errors, errors == 1 ? "" : "s", path);
	return errors;
}

int
rp_load_policy_verbose(struct rp_policy *p, const char *path)
{
	return load_policy(p, path, 0);
}

int
rp_load_policy_lint(struct rp_policy *p, const char *path)
{
	return load_policy(p, path, RP_LOAD_LINT);
}
