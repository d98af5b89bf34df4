/* execdecide.c - see execdecide.h. */
#include "execdecide.h"

#include <string.h>

#include "glob.h"

int
rp_exec_decide(const struct rp_policy *p, const char *path, char *const argv[],
	       int search, const char *pathenv, struct rp_exec_verdict *v)
{
	(void)p; (void)argv; (void)search; (void)pathenv;
	memset(v, 0, sizeof(*v));
	(void)path;
	return 0;
}
