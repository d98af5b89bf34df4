/* test_rules.c - the one table of rules (shim/core/rules.h): names are
 * unique and well-formed, and the errno a denial returns comes from the
 * table (EPERM only for setid). */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "rules.h"

Test(rules, names_are_unique_lowercase_and_documented_in_one_line)
{
	int i, j;

	cr_assert_geq(RP_RULE_COUNT, 10);
	for (i = 0; i < RP_RULE_COUNT; i++) {
		const char *n = rp_rule_table[i].name;

		cr_assert(n && n[0], "rule %d has no name", i);
		cr_expect(strspn(n, "abcdefghijklmnopqrstuvwxyz.-") == strlen(n), "name '%s'", n);
		cr_expect(rp_rule_table[i].help && strlen(rp_rule_table[i].help) > 10,
			  "rule '%s' has no meaning", n);
		for (j = 0; j < i; j++)
			cr_expect(strcmp(n, rp_rule_table[j].name) != 0, "'%s' twice", n);
	}
}

Test(rules, denial_errno_comes_from_the_table)
{
	int i;

	for (i = 0; i < RP_RULE_COUNT; i++) {
		int want = rp_rule_table[i].err ? rp_rule_table[i].err : EACCES;

		cr_expect_eq(rp_rule_errno(rp_rule_table[i].name), want, "%s", rp_rule_table[i].name);
	}
	cr_expect_eq(rp_rule_errno(RP_RULE(SETID)), EPERM);
	cr_expect_eq(rp_rule_errno(RP_RULE(WX_MODE)), EACCES);
	/* the old test was the first letter: these start with 's' too */
	cr_expect_eq(rp_rule_errno(RP_RULE(SPAWN_ACTIONS)), EACCES);
	cr_expect_eq(rp_rule_errno(RP_RULE(STICKY_ENV)), EACCES);
	cr_expect_eq(rp_rule_errno("no-such-rule"), EACCES);
}
