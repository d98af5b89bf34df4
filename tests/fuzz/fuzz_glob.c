/* fuzz_glob.c - libFuzzer target for the DenyExec glob matcher.
 *
 * Input: one flag byte (bit 0 = pathname mode), then a pattern and a
 * string separated by a NUL byte.  Both are copied into heap blocks of
 * exactly their size so a read past the terminator is caught.
 *
 * The matcher must never crash or run away on any input.  On the subset of
 * syntax both implement the same way, its answer must also equal glibc's
 * fnmatch(3) in the C locale (the matcher replaces fnmatch only because
 * fnmatch may allocate; glob.h): ASCII only, no character classes
 * ("[:alpha:]" and friends), patterns that rp_glob_invalid() accepts.
 * (This comparison found that glob.c read "[]-a]" as three characters
 * where POSIX and fnmatch read a range: tests/unit/test_fuzz_regressions.c.)
 *
 * Left out: an escaped slash "\/" in pathname mode.  After a '*', glibc
 * only tries the rest of the pattern at positions before the next '/' of
 * the string unless the pattern's next byte is a plain '/'
 * (posix/fnmatch_loop.c, the FNM_PATHNAME branch of case '*'), so "*\/"
 * never matches "a/" there; glob.c matches it, which is what POSIX's
 * "explicitly matched by a slash in the pattern" reads as.
 */
#include <fnmatch.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
dup_exact(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static int
ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* Does the pattern only use syntax where glob.c and glibc agree by design?
 * Rejects bracket expressions holding "[:", "[=" or "[.". */
static int
comparable(const char *pat)
{
	const char *p;

	for (p = pat; *p; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p != '[')
			continue;
		p++;
		if (*p == '!' || *p == '^')
			p++;
		if (*p == ']')
			p++;
		while (*p && *p != ']') {
			if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.'))
				return 0;
			if (*p == '\\' && p[1])
				p++;
			p++;
		}
		if (!*p)
			return 1;	/* unterminated: rp_glob_invalid rejects it */
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data + 1;
	size_t n, plen;
	char *pat, *str;
	int pathname, got;
	const char *why;

	if (size < 1 || size > 8192)
		return 0;
	setlocale(LC_ALL, "C");
	pathname = data[0] & 1;
	n = size - 1;
	plen = strnlen(body, n);
	pat = dup_exact(body, plen);
	str = plen < n ? dup_exact(body + plen + 1, strnlen(body + plen + 1, n - plen - 1))
		       : dup_exact("", 0);

	why = rp_glob_invalid(pat);
	got = rp_glob_match(pat, str, pathname);
	if (got != 0 && got != 1) {
		fprintf(stderr, "fuzz_glob: match returned %d\n", got);
		abort();
	}
	if (!why && ascii(pat) && ascii(str) && comparable(pat) &&
	    !(pathname && strstr(pat, "\\/"))) {
		int want = fnmatch(pat, str, pathname ? FNM_PATHNAME : 0) == 0;

		if (got != want) {
			fprintf(stderr, "fuzz_glob: '%s' on '%s' (pathname=%d): "
				"rp_glob_match %d, fnmatch %d\n", pat, str, pathname, got, want);
			abort();
		}
	}
	free(pat);
	free(str);
	return 0;
}
