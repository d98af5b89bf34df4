/* loadlib.h - no library beneath a writable dir becomes code.
 *
 * The dlopen family (wrappers in loadlib.c), the loader variables handed
 * to children (LD_PRELOAD, LD_LIBRARY_PATH, GCONV_PATH entries; called by
 * stickyenv.c), and the process's own GCONV_PATH (loadvars.c: cleaned at
 * start by the constructor, start.c; guarded by the setenv and putenv
 * wrappers).  All of it applies the exec decision's W^X rule
 * (rp_exec_wx_dir): beneath a WritablePath and not beneath an
 * ExecWritablePath means denied.  docs/threat-model.md, "Code loading",
 * says which layer stops which route.
 */
#ifndef RAMPART_LOADLIB_H
#define RAMPART_LOADLIB_H

#include <stddef.h>

/* Variables whose entries name code (bits for rp_loadlib_clean_list). */
enum rp_code_var {
	RP_CODE_PRELOAD = 0,	/* files (or bare names, searched: kept) */
	RP_CODE_LIBPATH,	/* directories; an empty entry is the cwd */
	RP_CODE_GCONV,		/* directories */
};

/* 1 if the entry `entry` (`n` bytes, not NUL-terminated) of variable
 * `var` names a file or directory beneath a writable dir and must be left
 * out; logs it (one event, op = the variable's name, rule "wx").  In audit
 * mode it is logged and 0 returned.  Safe in a vfork child: raw system
 * calls, no malloc. */
int rp_loadlib_drop_entry(enum rp_code_var var, const char *entry, size_t n);

/* Copy the value `val` of a colon (for LD_PRELOAD also blank) separated
 * list into `out` (capacity `cap`, NUL-terminated), leaving out every entry
 * that names a file or directory beneath a writable dir.  Each entry left
 * out is logged (one event, op = the variable's name, rule "wx"); in audit
 * mode it is logged and kept.  `skip`, if not NULL, is an entry to leave
 * out silently (the shim itself).  Returns how many entries were left out.
 * Safe in a vfork child: raw system calls, no malloc. */
int rp_loadlib_clean_list(enum rp_code_var var, const char *val, const char *skip,
			  char *out, size_t cap);

/* The constructor's check of this process's own GCONV_PATH, which glibc
 * reads at the first conversion (iconv/gconv_conf.c): entries beneath a
 * writable dir are removed in place.  A GCONV_PATH set later is never
 * consulted: the setenv and putenv wrappers make glibc read its
 * configuration before the value changes (loadvars.c). */
void rp_loadlib_check_self(void);

#endif
