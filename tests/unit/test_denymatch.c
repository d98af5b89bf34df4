/* test_denymatch.c - the one DenyExec match (shim/core/denymatch.h): the forms
 * of a name, the rule's answers, and the prepared set giving the same
 * answer as trying each pattern. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "denymatch.h"
#include "policy.h"

static struct rp_policy pol;
static struct rp_names names;

static void
load(const char *text)
{
	cr_assert_eq(rp_policy_load_buffer(&pol, "t.policy", text, strlen(text), NULL, NULL), 0);
	rp_names_build(&names, &pol);
}

/* The pattern that names `name`, both ways; they must agree. */
static const char *
match(const char *name)
{
	int a = rp_deny_name(&pol, &names, name, strlen(name));
	int b = rp_deny_name(&pol, NULL, name, strlen(name));

	cr_assert_eq(a, b, "prepared %d, one by one %d for %s", a, b, name);
	return a >= 0 ? pol.deny_exec[a].text : NULL;
}

static void
forms_are(const char *name, const char *const *want, int nwant)
{
	struct rp_name_form f[4];
	int k = rp_deny_name_forms(name, strlen(name), f), i;

	cr_assert_eq(k, nwant, "%s: %d forms", name, k);
	for (i = 0; i < k; i++)
		cr_expect(f[i].len == strlen(want[i]) && memcmp(f[i].s, want[i], f[i].len) == 0,
			  "%s: form %d is %.*s, not %s", name, i, (int)f[i].len, f[i].s, want[i]);
}

Test(denymatch, forms_of_a_name)
{
	static const char *const full[] = { "x86_64-linux-gnu-gcc-12", "x86_64-linux-gnu-gcc",
					    "gcc-12", "gcc" };
	static const char *const ver[] = { "gcc-12.2", "gcc" };
	static const char *const trip[] = { "arm-linux-gnueabihf-as", "as" };
	static const char *const plain[] = { "gcc" };
	static const char *const notver[] = { "gcc-ar" };
	static const char *const pyver[] = { "python3.11" };
	static const char *const lld[] = { "ld.lld-14", "ld.lld" };

	forms_are("x86_64-linux-gnu-gcc-12", full, 4);
	forms_are("gcc-12.2", ver, 2);
	forms_are("arm-linux-gnueabihf-as", trip, 2);
	forms_are("gcc", plain, 1);
	forms_are("gcc-ar", notver, 1);
	forms_are("python3.11", pyver, 1);
	forms_are("ld.lld-14", lld, 2);
	/* nothing left after the cut: the name stays whole */
	forms_are("-12", (const char *const[]){ "-12" }, 1);
	forms_are("x86_64-linux-gnu-", (const char *const[]){ "x86_64-linux-gnu-" }, 1);
	forms_are("gcc-.1", (const char *const[]){ "gcc-.1" }, 1);
}

Test(denymatch, deny_gcc_names_gccs_installed_names)
{
	load("DenyExec gcc as\n");
	cr_expect_str_eq(match("gcc"), "gcc");
	cr_expect_str_eq(match("gcc-12"), "gcc");
	cr_expect_str_eq(match("x86_64-linux-gnu-gcc"), "gcc");
	cr_expect_str_eq(match("x86_64-linux-gnu-gcc-12"), "gcc");
	cr_expect_str_eq(match("aarch64-linux-gnu-as"), "as");
	cr_expect_null(match("gcc-ar"));
	cr_expect_null(match("gccgo"));
	cr_expect_null(match("mygcc"));
	cr_expect_null(match("bash"));
	cr_expect_null(match("ash"));
	cr_expect_null(match("as.old"));
}

Test(denymatch, lowest_pattern_wins_across_forms)
{
	load("DenyExec gcc-[0-9]*\nDenyExec x86_64-linux-gnu-gcc-12\nDenyExec gcc\n");
	cr_expect_str_eq(match("x86_64-linux-gnu-gcc-12"), "gcc-[0-9]*");
	cr_expect_str_eq(match("gcc-12"), "gcc-[0-9]*");
	cr_expect_str_eq(match("gcc"), "gcc");
}

Test(denymatch, paths_and_names)
{
	unsigned short idx[RP_MAX_PATTERNS];
	int n;

	load("DenyExec tcc /opt/tc/bin/* /usr/lib/gcc/*/*/cc1\n");
	cr_expect_eq(rp_deny_path(&pol, NULL, 0, "/opt/tc/bin/anything"), 1);
	cr_expect_eq(rp_deny_path(&pol, NULL, 0, "/opt/tc/bin/sub/x"), -1, "'*' crosses no '/'");
	cr_expect_eq(rp_deny_path(&pol, NULL, 0, "/usr/lib/gcc/x86_64-linux-gnu/12/cc1"), 2);
	cr_expect_eq(rp_deny_path(&pol, NULL, 0, "relative/cc1"), -1);
	n = rp_names_paths_for(&names, "/opt/tc/bin", idx);
	cr_expect_eq(rp_deny_path(&pol, idx, n, "/opt/tc/bin/x"), 1);
	cr_expect_eq(rp_deny_exec_match(&pol, &names, "/usr/bin/x86_64-linux-gnu-tcc-0.9", "x86_64-linux-gnu-tcc-0.9"),
		     0);
	cr_expect_eq(rp_deny_exec_match(&pol, NULL, "/opt/tc/bin/cc", "cc"), 1);
	cr_expect_eq(rp_deny_exec_match(&pol, NULL, NULL, "cc"), -1);
	cr_expect_str_eq(rp_deny_exec_pattern(&pol, "/opt/tc/bin/cc", "cc"), "/opt/tc/bin/*");
	cr_expect_str_eq(rp_deny_exec_pattern(&pol, "/usr/local/bin/tcc", NULL), "tcc",
			 "no name: the basename of the path");
	cr_expect_null(rp_deny_exec_pattern(&pol, "/usr/bin/cc", NULL));
	cr_expect_eq(rp_deny_name(&pol, &names, "/usr/bin/tcc", 12), -1, "a path is not a name");
}

Test(denymatch, compilers_policy_prepared_equals_linear)
{
	static const char *const names_list[] = {
		"gcc", "gcc-12", "x86_64-linux-gnu-gcc-12", "cc1", "clang-14", "llvm-ar-14",
		"x86_64-linux-gnu-ld.bfd", "ld.gold", "python3", "python3.11", "sh", "ls",
		"strip-nondeterminism", "size", "x86_64-linux-gnu-size", "nm-online", "true",
		"gprofng-display-text", "c++filt", "g++-12", "as", "dash", "pip3", "uwsgi",
	};
	size_t i;
	int errors = rp_policy_load(&pol, "policies/compilers.policy", NULL, NULL);

	cr_assert_eq(errors, 0);
	rp_names_build(&names, &pol);
	for (i = 0; i < sizeof(names_list) / sizeof(names_list[0]); i++)
		(void)match(names_list[i]);	/* asserts the two ways agree */
	cr_expect_not_null(match("x86_64-linux-gnu-gcc-12"));
	cr_expect_null(match("python3.11"));
	cr_expect_null(match("sh"));
}
