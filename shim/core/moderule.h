/* moderule.h - the permission-mode rules (pure): which rule a mode
 * breaks, the set-id bits an exec would honour, whether a mode is that
 * of a file exec can start.  The shim's chmod family and creation modes
 * (perm.c) ask the first; the kernel-errno rules (kernerr.c) and `rampart
 * scan` (scancheck.c) the second; scan, suggest and --check the third.
 * The rules are those of rules.h (setid, wx-mode).
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

/* The set-id bits an exec of a file of `mode` (st_mode, with its type)
 * would honour, the kernel's test (fs/exec.c bprm_fill_uid, and
 * fs/namei.c safe_hardlink_source for protected_hardlinks): S_ISUID when
 * set, S_ISGID only with S_IXGRP (without it the bit means mandatory
 * locking, not setgid); 0 for anything but a regular file. */
mode_t rp_mode_setid_exec(mode_t mode);

/* 1 if a file of `mode` (st_mode, with its type) is one execve can start
 * at all: a regular file (fs/exec.c do_open_execat) with an exec bit
 * (fs/namei.c generic_permission: even CAP_DAC_OVERRIDE needs one).  What
 * --check calls runnable, scan a program and suggest code. */
int rp_mode_exec_file(mode_t mode);

#endif
