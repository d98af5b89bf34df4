/* exec_execl_many.c - execl with more arguments than fit a small stack
 * array (glibc's execl takes any number: posix/execl.c).
 *
 *   exec_execl_many N PROG
 *
 * Calls execl(PROG, PROG, "x", ... (N - 1 times), NULL).  C cannot spell
 * a variadic call whose length is chosen at run time; on x86_64 the
 * arguments after the sixth travel on the stack exactly as the members of
 * a large struct passed by value do (System V ABI, 3.2.3: a struct larger
 * than 16 bytes is passed in memory, in argument order), so execl is
 * called through such a prototype.  Exits 77 on other architectures,
 * else prints "errno=..." and exits 125 when execl fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RT_MANY 20000

struct rest {
	const char *p[RT_MANY + 1];
};

int
main(int argc, char **argv)
{
#if defined(__x86_64__)
	typedef int (*execl_fixed)(const char *, const char *, const char *, const char *,
				   const char *, const char *, struct rest);
	static struct rest r;
	const char *x = "x";
	void (*volatile fn)(void) = (void (*)(void))execl;
	long n = argc > 2 ? atol(argv[1]) : 0, i;

	if (n < 6 || n > RT_MANY)
		return 125;
	/* registers: path, argv[0], then argv[1..4]; the stack: the rest */
	for (i = 0; i < n - 5; i++)
		r.p[i] = x;
	r.p[n - 5] = NULL;
	/* called through a variable: the compiler does not see the cast */
	((execl_fixed)fn)(argv[2], argv[2], x, x, x, x, r);
	printf("errno=%s\n", strerror(errno));
	return 125;
#else
	(void)argc;
	(void)argv;
	return 77;
#endif
}
