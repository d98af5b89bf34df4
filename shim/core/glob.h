/* glob.h - fnmatch(3)-style matching without locale, malloc or locks.
 *
 * glibc's fnmatch converts to wide characters in multibyte locales and may
 * call malloc; the shim matches inside vfork children, so it uses this one.
 * Syntax: '*', '?', '[...]' with ranges and a leading '!' or '^', and
 * '\' escapes.  With `pathname` set, '*', '?' and brackets never match '/'
 * (FNM_PATHNAME); this is how DenyExec patterns containing '/' match.
 */
#ifndef RAMPART_GLOB_H
#define RAMPART_GLOB_H

/* 1 on a match, 0 otherwise. */
int rp_glob_match(const char *pat, const char *str, int pathname);

/* NULL if `pat` is well formed, else a short description of the fault. */
const char *rp_glob_invalid(const char *pat);

#endif
