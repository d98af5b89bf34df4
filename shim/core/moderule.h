/* moderule.h - the permission-mode rules (pure): which rule a mode
 * breaks.  The shim's chmod family and creation modes (perm.c) ask it;
 * the rules are those of rules.h (setid, wx-mode).
 */
#ifndef RAMPART_MODERULE_H
#define RAMPART_MODERULE_H

#include <sys/stat.h>

#define RP_XBITS (S_IXUSR | S_IXGRP | S_IXOTH)	/* the exec bits */

/* The rule a permission mode breaks, or NULL: "setid" for S_ISUID
 * anywhere and S_ISGID on anything but a directory (where it only passes
 * the group on), "wx-mode" for an exec bit when `exec_rule` (a
 * non-directory beneath a writable dir) and not `exec_ok` (beneath an
 * ExecWritablePath): W^X. */
const char *rp_mode_rule(mode_t mode, int is_dir, int exec_rule, int exec_ok);

#endif
