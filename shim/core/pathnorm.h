/* pathnorm.h - lexical paths: the one normal form of a policy path, the
 * lexical ".." of anchors and fast denials, and "beneath" on component
 * boundaries.  Pure (no file system, no allocation); policy.h includes it,
 * so every user of the policy has it.
 */
#ifndef RAMPART_PATHNORM_H
#define RAMPART_PATHNORM_H

#include <stddef.h>

enum rp_path_error {
	RP_PATH_OK = 0,
	RP_PATH_EMPTY,
	RP_PATH_RELATIVE,
	RP_PATH_DOTDOT,
	RP_PATH_TOO_LONG,
};

/* Lexically normalise an absolute path: collapse "//" and "/./", drop a
 * trailing '/'.  ".." is refused (RP_PATH_DOTDOT) because only the kernel
 * knows what it means across symlinks.  `out` gets at least "/". */
enum rp_path_error rp_path_normalize(const char *in, char *out, size_t outsz);
const char *rp_path_error_str(enum rp_path_error e);

/* Like rp_path_normalize but resolves ".." lexically (used only to choose
 * an anchor or to fast-deny, never to allow).  `in` may be relative, in
 * which case `base` (absolute) is prepended.  Returns 0 or -1 if too long. */
int rp_path_lexical(const char *base, const char *in, char *out, size_t outsz);

/* 1 if `path` equals `root` or lies beneath it, on component boundaries:
 * "/app/logs" is beneath "/app" but "/app/logs-evil" is not beneath
 * "/app/logs".  Both must be normalised. */
int rp_path_beneath(const char *path, size_t pathlen, const char *root, size_t rootlen);

/* 1 if the n bytes at `p` are an absolute path already in the normal form
 * rp_path_lexical gives (so it would copy them unchanged): no "//", no "."
 * or ".." component, no trailing '/' except "/" itself.  One pass, no
 * copy; 0 for anything else, including "" and relative paths. */
int rp_path_is_normal(const char *p, size_t n);

#endif
