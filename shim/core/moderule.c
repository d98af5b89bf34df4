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
