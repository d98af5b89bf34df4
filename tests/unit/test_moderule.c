/* test_moderule.c - the permission-mode rules (shim/core/moderule.h),
 * now in the core: setid anywhere but setgid on a directory, exec bits
 * only where W^X allows them. */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/stat.h>

#include "moderule.h"
#include "rules.h"

static const char *
rule(mode_t m, int is_dir, int exec_rule, int exec_ok)
{
	const char *r = rp_mode_rule(m, is_dir, exec_rule, exec_ok);

	return r ? r : "none";
}

Test(moderule, setid_and_wx_mode_as_documented)
{
	cr_expect_str_eq(rule(04755, 0, 0, 0), RP_RULE(SETID));
	cr_expect_str_eq(rule(04755, 1, 0, 0), RP_RULE(SETID), "setuid on a directory too");
	cr_expect_str_eq(rule(02755, 0, 0, 0), RP_RULE(SETID));
	cr_expect_str_eq(rule(02775, 1, 0, 0), "none", "setgid on a directory passes its group on");
	cr_expect_str_eq(rule(0755, 0, 1, 0), RP_RULE(WX_MODE), "exec bit beneath a writable dir");
	cr_expect_str_eq(rule(0100, 0, 1, 0), RP_RULE(WX_MODE), "any one exec bit");
	cr_expect_str_eq(rule(0755, 0, 1, 1), "none", "beneath an ExecWritablePath");
	cr_expect_str_eq(rule(0755, 0, 0, 0), "none", "outside the W^X rule");
	cr_expect_str_eq(rule(0644, 0, 1, 0), "none", "no exec bit");
	cr_expect_str_eq(rule(04755, 0, 1, 1), RP_RULE(SETID), "setid wins over ExecWritablePath");
}
