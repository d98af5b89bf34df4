/* glob.c - see glob.h. */
#include "glob.h"

#include <stddef.h>

/* Match one bracket expression at *pp against c.  Returns 1/0 for match,
 * -1 if the bracket is unterminated (then '[' is literal, as fnmatch does). */
static int
bracket(const char **pp, unsigned char c)
{
	const char *p = *pp + 1;	/* past '[' */
	int negate = 0, matched = 0, first;

	if (*p == '!' || *p == '^') {
		negate = 1;
		p++;
	}
	/* A ']' right after '[' or '[!' is an ordinary character, which may
	 * also start a range ("[]-a]"), as in fnmatch(3). */
	first = 1;
	while (*p && (*p != ']' || first)) {
		unsigned char lo = (unsigned char)*p, hi;

		first = 0;
		if (lo == '\\' && p[1])
			lo = (unsigned char)*++p;
		p++;
		hi = lo;
		if (*p == '-' && p[1] && p[1] != ']') {
			p++;
			hi = (unsigned char)*p;
			if (hi == '\\' && p[1])
				hi = (unsigned char)*++p;
			p++;
		}
		if (c >= lo && c <= hi)
			matched = 1;
	}
	if (*p != ']')
		return -1;
	*pp = p + 1;
	return matched ^ negate;
}

int
rp_glob_match(const char *pat, const char *str, int pathname)
{
	/* Iterative matcher with single-star backtracking: linear in practice
	 * and never recursive, so a hostile pattern cannot exhaust the stack. */
	const char *p = pat, *s = str;
	const char *star_p = NULL, *star_s = NULL;

	while (*s) {
		const char *q = p;
		int r;

		switch (*p) {
		case '*':
			while (*p == '*')
				p++;
			star_p = p;
			star_s = s;
			continue;
		case '?':
			if (pathname && *s == '/')
				goto backtrack;
			p++;
			s++;
			continue;
		case '[':
			if (pathname && *s == '/')
				goto backtrack;
			r = bracket(&q, (unsigned char)*s);
			if (r < 0) {		/* literal '[' */
				if (*s != '[')
					goto backtrack;
				p++;
				s++;
				continue;
			}
			if (!r)
				goto backtrack;
			p = q;
			s++;
			continue;
		case '\\':
			if (p[1])
				p++;
			/* fall through */
		default:
			if (*p != *s)
				goto backtrack;
			p++;
			s++;
			continue;
		}
backtrack:
		if (!star_p)
			return 0;
		if (pathname && *star_s == '/')
			return 0;	/* '*' cannot swallow a '/' */
		p = star_p;
		s = ++star_s;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

const char *
rp_glob_invalid(const char *pat)
{
	const char *p;

	if (!*pat)
		return "empty pattern";
	for (p = pat; *p; p++) {
		if (*p == '\\') {
			if (!p[1])
				return "trailing backslash";
			p++;
		} else if (*p == '[') {
			const char *q = p;

			if (bracket(&q, 'a') < 0)
				return "unterminated '['";
			p = q - 1;
		}
	}
	return NULL;
}
