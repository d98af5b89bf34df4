/* preload.h - the one composition of LD_PRELOAD: the shim first.
 *
 * "An earlier entry in LD_PRELOAD wins symbol lookup" (docs/threat-model.md,
 * R23), so both places that set the variable, the loader for the command
 * (tools/loader/run.c) and the shim for every child (shim/stickyenv.c),
 * put the shim first and keep the other entries after it, in order, once
 * the shim's own spelling is left out.  Entries are separated by blanks or
 * colons (ld.so(8)); empty ones are dropped; the result is joined by ':'.
 *
 * Pure: no allocation, no process state; the caller's buffer, and a
 * caller's predicate for entries it must leave out (the shim's W^X rule for
 * code beneath a writable dir), called once per entry in order.
 */
#ifndef RAMPART_PRELOAD_H
#define RAMPART_PRELOAD_H

#include <stddef.h>

/* Nonzero: leave the entry (`n` bytes at `entry`, not NUL-terminated) out. */
typedef int (*rp_preload_drop_fn)(void *ctx, const char *entry, size_t n);

/* Write `shim`, then the kept entries of `old` (NULL or "" for none), into
 * `out` (`cap` bytes, always NUL-terminated when cap > 0).  `drop` may be
 * NULL (keep every entry).  Returns the length written, or -1 when the
 * whole list does not fit: `out` then holds `shim` alone, or "" when even
 * that does not fit (the caller decides whether that is an error). */
long rp_preload_compose(char *out, size_t cap, const char *shim, const char *old,
			rp_preload_drop_fn drop, void *ctx);

#endif
