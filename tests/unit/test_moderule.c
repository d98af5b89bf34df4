/* test_moderule.c - the permission-mode rules (shim/core/moderule.h),
 * now in the core: setid anywhere but setgid on a directory, exec bits
 * only where W^X allows them; the set-id bits an exec honours; the
 * files exec can start. */
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

Test(moderule, setid_exec_is_setuid_or_group_executable_setgid_on_a_regular_file)
{
	cr_expect_eq(rp_mode_setid_exec(S_IFREG | 04755), S_ISUID);
	cr_expect_eq(rp_mode_setid_exec(S_IFREG | 04644), S_ISUID, "setuid without any exec bit");
	cr_expect_eq(rp_mode_setid_exec(S_IFREG | 02755), S_ISGID);
	cr_expect_eq(rp_mode_setid_exec(S_IFREG | 02745), 0, "setgid without S_IXGRP is locking");
	cr_expect_eq(rp_mode_setid_exec(S_IFREG | 02715), S_ISGID, "S_IXGRP alone suffices");
	cr_expect_eq(rp_mode_setid_exec(S_IFREG | 06755), S_ISUID | S_ISGID);
	cr_expect_eq(rp_mode_setid_exec(S_IFREG | 06745), S_ISUID);
	cr_expect_eq(rp_mode_setid_exec(S_IFREG | 01777), 0, "the sticky bit is not set-id");
	cr_expect_eq(rp_mode_setid_exec(S_IFREG | 0755), 0);
	cr_expect_eq(rp_mode_setid_exec(S_IFDIR | 06775), 0, "a directory runs nothing");
	cr_expect_eq(rp_mode_setid_exec(S_IFLNK | 06777), 0, "nor does a link's own mode");
	cr_expect_eq(rp_mode_setid_exec(04755), 0, "no file type: not a regular file");
}

Test(moderule, exec_file_is_a_regular_file_with_any_exec_bit)
{
	cr_expect(rp_mode_exec_file(S_IFREG | 0755));
	cr_expect(rp_mode_exec_file(S_IFREG | 0100), "the owner's bit alone");
	cr_expect(rp_mode_exec_file(S_IFREG | 0001), "the others' bit alone");
	cr_expect(!rp_mode_exec_file(S_IFREG | 0644), "no exec bit");
	cr_expect(!rp_mode_exec_file(S_IFREG | 04644), "set-id bits are not exec bits");
	cr_expect(!rp_mode_exec_file(S_IFDIR | 0755), "a directory");
	cr_expect(!rp_mode_exec_file(S_IFLNK | 0777), "a link's own mode");
	cr_expect(!rp_mode_exec_file(S_IFCHR | 0777), "a device");
}
