/* test_golden.c - parse errors against golden files.
 *
 * For every tests/policies/NAME.expected.err, rp_policy_load() reads
 * tests/policies/NAME.policy and its messages, formatted the way `rampart`
 * prints them (FILE:LINE: message, or FILE: message for errors about a
 * whole file), must equal the golden file byte for byte.  The loader
 * returns the error count, which must equal the number of lines.  A golden
 * file without its policy tests the missing-file error; an empty golden
 * file says the policy is valid.  Paths are relative: tests run from the
 * project root.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "testlib.h"

#define GOLDEN_DIR "tests/policies"
#define GOLDEN_EXT ".expected.err"

static struct rp_policy policy;

struct diag_text {
	char buf[16384];
	size_t len;
};

static void
collect(void *ctx, const char *file, int line, const char *msg)
{
	struct diag_text *d = ctx;
	int n;

	if (line > 0)
		n = snprintf(d->buf + d->len, sizeof(d->buf) - d->len, "%s:%d: %s\n",
			     file, line, msg);
	else
		n = snprintf(d->buf + d->len, sizeof(d->buf) - d->len, "%s: %s\n", file, msg);
	if (n > 0 && (size_t)n < sizeof(d->buf) - d->len)
		d->len += (size_t)n;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Sorted names in GOLDEN_DIR ending in `suffix`; returns the count. */
static int
list(const char *suffix, char names[][256], int max)
{
	DIR *d = opendir(GOLDEN_DIR);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d, "cannot open %s (tests run from the project root)", GOLDEN_DIR);
	while ((e = readdir(d)) != NULL)
		if (has_suffix(e->d_name, suffix) && n < max &&
		    strlen(e->d_name) < 256)
			strcpy(names[n++], e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]),
	      (int (*)(const void *, const void *))strcmp);
	return n;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The first line where `got` and `want` differ, for a readable failure. */
static void
first_difference(const char *got, const char *want, char *out, size_t outsz)
{
	int line = 1;
	const char *g = got, *w = want;

	while (*g && *g == *w) {
		if (*g == '\n')
			line++;
		g++;
		w++;
	}
	snprintf(out, outsz, "line %d: got \"%.*s\", want \"%.*s\"", line,
		 (int)strcspn(g, "\n"), g, (int)strcspn(w, "\n"), w);
}

Test(golden, every_error_class_matches_its_golden_file)
{
	static char names[128][256];
	int n = list(GOLDEN_EXT, names, 128), i;

	cr_assert_geq(n, 20, "expected the golden files in %s, found %d", GOLDEN_DIR, n);
	for (i = 0; i < n; i++) {
		static struct diag_text d;
		char policy_path[512], golden_path[512], diff[1024];
		char *want;
		int errors;
		size_t stem = strlen(names[i]) - strlen(GOLDEN_EXT);

		snprintf(golden_path, sizeof(golden_path), GOLDEN_DIR "/%s", names[i]);
		snprintf(policy_path, sizeof(policy_path), GOLDEN_DIR "/%.*s.policy",
			 (int)stem, names[i]);
		want = rt_read_file(golden_path);
		cr_assert_not_null(want, "cannot read %s", golden_path);
		d.len = 0;
		d.buf[0] = '\0';
		errors = rp_policy_load(&policy, policy_path, collect, &d);
		first_difference(d.buf, want, diff, sizeof(diff));
		cr_expect_str_eq(d.buf, want, "%s: messages differ from %s: %s",
				 policy_path, golden_path, diff);
		cr_expect_eq(errors, count_lines(want),
			     "%s: rp_policy_load returned %d errors, golden file has %d lines",
			     policy_path, errors, count_lines(want));
		free(want);
	}
}

Test(golden, every_policy_has_a_golden_file)
{
	static char names[128][256];
	int n = list(".policy", names, 128), i;

	cr_assert_geq(n, 20);
	for (i = 0; i < n; i++) {
		char golden_path[512];
		size_t stem = strlen(names[i]) - strlen(".policy");

		snprintf(golden_path, sizeof(golden_path), GOLDEN_DIR "/%.*s" GOLDEN_EXT,
			 (int)stem, names[i]);
		cr_expect(rt_exists(golden_path), "%s/%s has no %s", GOLDEN_DIR,
			  names[i], golden_path);
	}
}

Test(golden, missing_policy_file_has_no_policy)
{
	/* missing.expected.err tests the "not found" error only while the
	 * policy it names really does not exist */
	cr_assert(rt_exists(GOLDEN_DIR "/missing" GOLDEN_EXT));
	cr_assert_not(rt_exists(GOLDEN_DIR "/missing.policy"));
}
