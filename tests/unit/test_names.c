/* test_names.c - struct rp_names (execdecide.h) gives the same answers as
 * trying every DenyExec pattern in order with rp_glob_match().
 *
 * The identity table of the shim and the loader's Landlock ruleset match
 * whole directory listings through it, so a wrong pre-test (prefix,
 * suffix, inner run, byte mask, bucket) would quietly leave a compiler
 * out.  Each test compares against the plain loop: real names from this
 * machine's bin dirs with policies/compilers.policy, then every short
 * string over a small alphabet with patterns chosen to stress glob.c's
 * corners (brackets starting with ']', negation, escapes, stars at either
 * end, duplicates, a prefix longer than the table keeps).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "execdecide.h"
#include "glob.h"
#include "policy.h"

static struct rp_policy pol;
static struct rp_names names;

/* The answer rp_names_match must give. */
static int
first_match(const char *name)
{
	int i;

	for (i = 0; i < pol.n_deny_exec; i++)
		if (!strchr(pol.deny_exec[i].text, '/') && rp_glob_match(pol.deny_exec[i].text, name, 1))
			return i;
	return -1;
}

static void
load_text(const char *text)
{
	cr_assert_eq(rp_policy_load_buffer(&pol, "test", text, strlen(text), NULL, NULL), 0,
		     "policy does not parse:\n%s", text);
	rp_names_build(&names, &pol);
}

static int
expect_same(const char *name)
{
	int want = first_match(name), got = rp_names_match(&names, name, strlen(name));

	cr_expect_eq(got, want, "'%s': prepared %d (%s), in order %d (%s)", name, got,
		     got >= 0 ? pol.deny_exec[got].text : "-", want,
		     want >= 0 ? pol.deny_exec[want].text : "-");
	return want >= 0;
}

Test(names, compilers_policy_on_this_machines_programs)
{
	static const char *const dirs[] = {
		"/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/lib/gcc/x86_64-linux-gnu/12",
		"/usr/lib/llvm-14/bin",
	};
	static const char *const more[] = {
		"gcc", "x86_64-linux-gnu-gcc-12", "g++-12", "cc1plus", "clang++-14", "ld.gold",
		"x86_64-linux-gnu-ld.bfd", "llvm-ar-14", "cmake", "python3", "sh", "true", "c",
		"-gcc", "gcc-", "a-b-gp-x", "gnatmake", "gnat", "x-gnat-1", "ccache", "",
	};
	int errors = rp_policy_load(&pol, "policies/compilers.policy", NULL, NULL);
	unsigned i;
	int tried = 0, denied = 0;

	cr_assert_eq(errors, 0, "policies/compilers.policy does not parse");
	rp_names_build(&names, &pol);
	cr_assert_gt(names.n_literal, 50);
	cr_assert_gt(names.n_glob, 50);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		if (!d)
			continue;
		while ((e = readdir(d)) != NULL) {
			denied += expect_same(e->d_name);
			tried++;
		}
		closedir(d);
	}
	for (i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		denied += expect_same(more[i]);
	cr_log_info("%d names from this machine, %d denied", tried, denied);
	cr_expect_gt(denied, 5);
}

/* Every string of up to `len` bytes over `alphabet`. */
static void
all_strings(const char *alphabet, int len)
{
	size_t na = strlen(alphabet);
	char s[8];
	int idx[8], n, k;

	for (n = 1; n <= len; n++) {
		memset(idx, 0, sizeof(idx));
		for (;;) {
			for (k = 0; k < n; k++)
				s[k] = alphabet[idx[k]];
			s[n] = '\0';
			expect_same(s);
			for (k = n - 1; k >= 0 && ++idx[k] == (int)na; k--)
				idx[k] = 0;
			if (k < 0)
				break;
		}
	}
}

Test(names, glob_corners_against_every_short_string)
{
	load_text("DenyExec ab a*b *a ]a [ab]* *[!a]b []a]x [!]]? \\*a a\\[b\n"
		  "DenyExec *-b-* ab b-[a-b]* *x*a*x ? ?? a*a*a a[\\]]b ab ba*\n"
		  "DenyExec x[ab][!b]- -* *- [-]a [!]ab]x* []ab]-*\n");
	cr_assert_gt(names.n_glob, 10);
	all_strings("ab-x*[]\\!", 4);
}

Test(names, long_prefix_and_suffix)
{
	char text[1500], name[700];

	memset(name, 'p', 600);
	name[600] = '\0';
	snprintf(text, sizeof(text), "DenyExec %s*q %s\n", name, name);
	load_text(text);
	expect_same(name);
	strcat(name, "xq");
	cr_expect_eq(expect_same(name), 1);
	name[0] = 'x';
	cr_expect_eq(expect_same(name), 0);
}

Test(names, path_patterns_for_a_directory)
{
	static const char *const dirs[] = {
		"/usr/lib/gcc/x86_64-linux-gnu/12", "/usr/lib/llvm-14/bin", "/usr/bin", "",
		"/usr/lib/gcc/x86_64-linux-gnu", "/opt/a]b",
	};
	static const char *const leaves[] = { "cc1", "clang", "ld", "x]", "a" };
	unsigned short out[RP_MAX_PATTERNS];
	unsigned d, l;

	load_text("DenyExec /usr/lib/gcc/*/*/* /usr/lib/llvm-*/bin/* /ld /opt/a]b/x?\n"
		  "DenyExec /usr/bin/l[d] /usr/lib/gcc/x[/]y /opt/a\\]b/*\n");
	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		int n = rp_names_paths_for(&names, dirs[d], out), i;

		for (i = 0; i < pol.n_deny_exec; i++) {
			const char *pat = pol.deny_exec[i].text;
			int listed = 0, j;

			for (j = 0; j < n; j++)
				listed |= out[j] == i;
			for (l = 0; l < sizeof(leaves) / sizeof(leaves[0]); l++) {
				char full[256];

				snprintf(full, sizeof(full), "%s/%s", dirs[d], leaves[l]);
				cr_expect(listed || !rp_glob_match(pat, full, 1),
					  "'%s' matches %s but is not listed for '%s'", pat, full, dirs[d]);
			}
		}
	}
	cr_expect_eq(rp_names_paths_for(&names, "/usr/lib/gcc/x86_64-linux-gnu/12", out), 4,
		     "the gcc pattern plus the three that cannot be split safely");
}
