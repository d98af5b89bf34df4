/* test_preload.c - the one LD_PRELOAD composition: the shim first, the
 * other entries after it in order, the shim's own spelling and empty
 * entries left out, a caller's predicate honoured, and a list that does
 * not fit cut back to the shim alone. */
#include <criterion/criterion.h>
#include <string.h>

#include "preload.h"

#define SHIM "/usr/lib/rampart/librampart.so"

static void
expect(const char *old, const char *want)
{
	char out[256];
	long n = rp_preload_compose(out, sizeof(out), SHIM, old, NULL, NULL);

	cr_expect_str_eq(out, want, "old=%s", old ? old : "(null)");
	cr_expect_eq(n, (long)strlen(want), "old=%s", old ? old : "(null)");
}

Test(preload, the_shim_goes_first_and_the_other_entries_follow_in_order)
{
	expect(NULL, SHIM);
	expect("", SHIM);
	expect("/a.so", SHIM ":/a.so");
	expect("/a.so:/b.so", SHIM ":/a.so:/b.so");
	expect("/a.so " SHIM " /b.so", SHIM ":/a.so:/b.so");
	expect("libx.so", SHIM ":libx.so");
}

Test(preload, blanks_colons_and_empty_entries_separate_like_ld_so)
{
	expect("  /a.so::/b.so  : ", SHIM ":/a.so:/b.so");
	expect(":::", SHIM);
	expect("\t/a.so", SHIM ":\t/a.so");	/* ld.so(8): only blanks and colons */
}

Test(preload, only_the_exact_spelling_of_the_shim_is_left_out)
{
	expect(SHIM ":" SHIM, SHIM);
	expect(SHIM "x:/usr/lib/rampart/../rampart/librampart.so",
	       SHIM ":" SHIM "x:/usr/lib/rampart/../rampart/librampart.so");
}

static int
drop_w(void *ctx, const char *entry, size_t n)
{
	int *calls = ctx;

	(*calls)++;
	return n >= 3 && memcmp(entry, "/w/", 3) == 0;
}

Test(preload, entries_the_caller_drops_are_left_out_and_asked_once_each)
{
	char out[256];
	int calls = 0;
	long n = rp_preload_compose(out, sizeof(out), SHIM, "/w/evil.so:/a.so:" SHIM ":/w/x.so",
				    drop_w, &calls);

	cr_expect_str_eq(out, SHIM ":/a.so");
	cr_expect_eq(n, (long)strlen(SHIM ":/a.so"));
	cr_expect_eq(calls, 3, "the shim's own entry is not asked about");
}

Test(preload, a_list_that_does_not_fit_keeps_the_shim_alone)
{
	char out[sizeof(SHIM) + 6];

	/* exactly fits: SHIM ":/a.so" and its NUL are sizeof(SHIM) + 6 bytes */
	cr_expect_eq(rp_preload_compose(out, sizeof(out), SHIM, "/a.so", NULL, NULL),
		     (long)strlen(SHIM ":/a.so"));
	cr_expect_str_eq(out, SHIM ":/a.so");
	cr_expect_eq(rp_preload_compose(out, sizeof(out), SHIM, "/a.so:/b.so", NULL, NULL), -1);
	cr_expect_str_eq(out, SHIM);
	cr_expect_eq(rp_preload_compose(out, sizeof(SHIM) - 1, SHIM, NULL, NULL, NULL), -1);
	cr_expect_str_eq(out, "");
	cr_expect_eq(rp_preload_compose(out, 0, SHIM, NULL, NULL, NULL), -1);
}
