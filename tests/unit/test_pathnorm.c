/* test_pathnorm.c - rp_path_is_normal, the one-pass check that lets an
 * absolute path already in normal form be matched against the writable
 * roots where it lies.  Its answer must be exactly "rp_path_lexical would
 * copy it unchanged": a wrong "yes" would anchor a spelling the slow code
 * would have spelled differently. */
#include <criterion/criterion.h>
#include <string.h>

#include "policy.h"	/* RP_PATH_MAX; pathnorm.h */

struct normal_row {
	const char *in;
	int want;
};

static const struct normal_row normal_rows[] = {
	{ "/", 1 },
	{ "/a", 1 },
	{ "/a/b", 1 },
	{ "/app/logs/file.txt", 1 },
	{ "/a/.b", 1 },		/* a dot name is a name */
	{ "/a/..b", 1 },
	{ "/a/b..", 1 },
	{ "/a/...", 1 },
	{ "/.x/y", 1 },
	{ "/a/with space", 1 },
	{ "", 0 },
	{ "a", 0 },
	{ "a/b", 0 },
	{ ".", 0 },
	{ "./a", 0 },
	{ "../a", 0 },
	{ "//", 0 },
	{ "//a", 0 },
	{ "/a//b", 0 },
	{ "/a/b//", 0 },
	{ "/a/./b", 0 },
	{ "/a/../b", 0 },
	{ "/a/b/", 0 },
	{ "/a/b/.", 0 },
	{ "/a/b/..", 0 },
	{ "/.", 0 },
	{ "/..", 0 },
	{ "/./a", 0 },
	{ "/../a", 0 },
	{ "/a/.", 0 },
};

Test(pathnorm, is_normal_decision_table)
{
	size_t i;

	for (i = 0; i < sizeof(normal_rows) / sizeof(normal_rows[0]); i++) {
		const char *in = normal_rows[i].in;

		cr_expect_eq(rp_path_is_normal(in, strlen(in)), normal_rows[i].want,
			     "rp_path_is_normal(\"%s\") should be %d", in, normal_rows[i].want);
	}
}

/* The fast answer is the slow one: normal exactly when the lexical form of
 * an absolute path is the path itself. */
Test(pathnorm, is_normal_agrees_with_lexical_on_the_table)
{
	char out[RP_PATH_MAX + 8];
	size_t i;

	for (i = 0; i < sizeof(normal_rows) / sizeof(normal_rows[0]); i++) {
		const char *in = normal_rows[i].in;
		int same = in[0] == '/' && rp_path_lexical(NULL, in, out, sizeof(out)) == 0 &&
			   strcmp(out, in) == 0;

		cr_expect_eq(rp_path_is_normal(in, strlen(in)), same, "\"%s\"", in);
	}
}

/* Only the n bytes given are judged: a normal prefix of a longer string. */
Test(pathnorm, is_normal_reads_only_the_given_length)
{
	cr_expect_eq(rp_path_is_normal("/a/b//c", 4), 1);
	cr_expect_eq(rp_path_is_normal("/a/b/", 4), 1);
	cr_expect_eq(rp_path_is_normal("/a/b/", 5), 0);
	cr_expect_eq(rp_path_is_normal("/a/.", 3), 0);	/* "/a/" */
	cr_expect_eq(rp_path_is_normal("/a/..x", 5), 0);	/* "/a/.." */
	cr_expect_eq(rp_path_is_normal("/", 0), 0);
}

Test(pathnorm, is_normal_handles_a_path_of_the_maximum_length)
{
	static char p[RP_PATH_MAX + 1];
	size_t n = RP_PATH_MAX;

	memset(p, 'a', n);
	p[0] = '/';
	p[n] = '\0';
	cr_expect_eq(rp_path_is_normal(p, n), 1);
	p[n - 1] = '/';
	cr_expect_eq(rp_path_is_normal(p, n), 0, "trailing slash at the end of 4096 bytes");
	p[n - 1] = '.';
	p[n - 2] = '/';
	cr_expect_eq(rp_path_is_normal(p, n), 0, "trailing \"/.\" at the end of 4096 bytes");
	p[n - 1] = 'a';
	p[n - 2] = 'a';
	p[n / 2] = '/';
	p[n / 2 + 1] = '/';
	cr_expect_eq(rp_path_is_normal(p, n), 0, "\"//\" in the middle");
	p[n / 2 + 1] = '.';
	p[n / 2 + 2] = '.';
	p[n / 2 + 3] = '/';
	cr_expect_eq(rp_path_is_normal(p, n), 0, "\"/../\" in the middle");
}

/* Each hostile piece at every offset of a long name, so that it falls at
 * each place within the eight-byte steps of the scan, and at the end. */
Test(pathnorm, is_normal_finds_a_bad_component_at_every_offset)
{
	static const char *const bad[] = { "//", "/./", "/../", "/.", "/..", "/" };
	char p[64], out[128];
	size_t k, j;

	for (j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
		for (k = 1; k + strlen(bad[j]) < 48; k++) {
			int slow;

			memset(p, 'a', 48);
			p[0] = '/';
			p[48] = '\0';
			memcpy(p + k, bad[j], strlen(bad[j]));
			slow = rp_path_lexical(NULL, p, out, sizeof(out)) == 0 && strcmp(out, p) == 0;
			cr_expect_eq(rp_path_is_normal(p, strlen(p)), slow, "\"%s\"", p);
			/* the same piece as the end of the path */
			p[k + strlen(bad[j])] = '\0';
			slow = rp_path_lexical(NULL, p, out, sizeof(out)) == 0 && strcmp(out, p) == 0;
			cr_expect_eq(rp_path_is_normal(p, strlen(p)), slow, "\"%s\"", p);
		}
	}
}
