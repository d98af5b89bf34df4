/* moderule.c - see moderule.h. */
#include "moderule.h"

#include <stddef.h>

#include "rules.h"

const char *
rp_mode_rule(mode_t mode, int is_dir, int exec_rule, int exec_ok)
{
	/* S_ISGID on a directory only makes new entries inherit its group
	 * (shared directories, os.makedirs(..., mode | S_ISGID)): no program
	 * runs with it, so it grants no privilege */
	if ((mode & S_ISUID) || ((mode & S_ISGID) && !is_dir))
		return RP_RULE(SETID);
	if (exec_rule && (mode & RP_XBITS) && !exec_ok)
		return RP_RULE(WX_MODE);
	return NULL;
}

mode_t
rp_mode_setid_exec(mode_t mode)
{
	mode_t id = 0;

	if (!S_ISREG(mode))
		return 0;
	if (mode & S_ISUID)
		id |= S_ISUID;
	if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		id |= S_ISGID;
	return id;
}

int
rp_mode_exec_file(mode_t mode)
{
	return S_ISREG(mode) && (mode & RP_XBITS);
}
