/* loadparts.h - what the two halves of library loading share (theirs
 * alone): loadlib.c (the dlopen family) and loadvars.c (the loader
 * variables).  Defined in loadlib.c.  No malloc, raw system calls: safe
 * in a vfork child.
 */
#ifndef RAMPART_LOADPARTS_H
#define RAMPART_LOADPARTS_H

#include <stddef.h>

#include "policy.h"

/* The policy, or NULL when it could not be loaded (deny everything). */
const struct rp_policy *rp_load_policy(void);

/* The kernel's name of `fd` (absolute) into `out`; its length, 0 if none. */
size_t rp_load_kernel_name(long fd, char *out, size_t cap);

/* `path` made absolute against the cwd, runs of '/' and "." squeezed,
 * ".." kept. */
void rp_load_absolute(const char *path, char *out, size_t cap);

#endif
