/* test_glob.c - the glob matcher against a decision table. */
#include <criterion/criterion.h>

#include "glob.h"

struct row { const char *pat, *str; int pathname, want; };

static const struct row rows[] = {
	{ "gcc", "gcc", 0, 1 },
	{ "gcc", "gcc-12", 0, 0 },
	{ "gcc*", "gcc-12", 0, 1 },
	{ "*-gcc", "x86_64-linux-gnu-gcc", 0, 1 },
	{ "*-gcc-[0-9]*", "x86_64-linux-gnu-gcc-12", 0, 1 },
	{ "*-gcc-[0-9]*", "x86_64-linux-gnu-gcc-", 0, 0 },
	{ "cc1*", "cc1plus", 0, 1 },
	{ "c?", "cc", 0, 1 },
	{ "c?", "c", 0, 0 },
	{ "[!a]b", "ab", 0, 0 },
	{ "[!a]b", "cb", 0, 1 },
	{ "[]]", "]", 0, 1 },
	{ "\\*", "*", 0, 1 },
	{ "\\*", "a", 0, 0 },
	{ "[abc", "[abc", 0, 1 },
	{ "*", "a/b", 0, 1 },
	{ "*", "a/b", 1, 0 },
	{ "/usr/lib/gcc/*/*/cc1", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", 1, 1 },
	{ "/usr/lib/gcc/*/cc1", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", 1, 0 },
	{ "/usr/bin/*", "/usr/bin/gcc", 1, 1 },
	{ "/usr/bin/*", "/usr/bin/x/gcc", 1, 0 },
	{ "a*b*c", "aXXbYYc", 0, 1 },
	{ "a*b*c", "aXXbYY", 0, 0 },
	{ "", "", 0, 1 },
	{ "**", "", 0, 1 },
};

Test(glob, decision_table)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		cr_expect_eq(rp_glob_match(rows[i].pat, rows[i].str, rows[i].pathname),
			     rows[i].want, "pattern '%s' on '%s' (pathname=%d): want %d",
			     rows[i].pat, rows[i].str, rows[i].pathname, rows[i].want);
}

Test(glob, pathological_pattern_is_fast)
{
	/* linear-time matcher: this would take ages if it backtracked
	 * exponentially */
	char str[4096];

	memset(str, 'a', sizeof(str) - 1);
	str[sizeof(str) - 1] = '\0';
	cr_expect_eq(rp_glob_match("*a*a*a*a*a*a*a*a*a*a*b", str, 0), 0);
}

Test(glob, validity)
{
	cr_expect_null(rp_glob_invalid("gcc*"));
	cr_expect_not_null(rp_glob_invalid(""));
	cr_expect_not_null(rp_glob_invalid("[abc"));
	cr_expect_not_null(rp_glob_invalid("abc\\"));
}
