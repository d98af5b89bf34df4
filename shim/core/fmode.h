/* fmode.h - fopen mode strings to open(2) flags.
 *
 * A pure function (no state, no allocation) so it can be fuzzed and unit
 * tested on its own.  It follows glibc 2.36 _IO_new_file_fopen
 * (libio/fileops.c): the first byte must be 'r', 'w' or 'a'; at most six
 * more bytes are looked at, '+' makes it read-write, 'x' adds O_EXCL, 'e'
 * adds O_CLOEXEC, 'b', 'm', 'c' and any other byte are ignored, and the
 * scan stops at the end of the string.  ",ccs=" is glibc's business.
 */
#ifndef RAMPART_FMODE_H
#define RAMPART_FMODE_H

/* Store the open flags for `mode` in *flags.  Returns 0, or -1 when glibc
 * would fail with EINVAL (NULL or a bad first byte). */
int rp_fmode_flags(const char *mode, int *flags);

/* Copy `mode` into out (size outsz) with each 'x' in the part glibc reads
 * turned into the ignored 'b': for reopening a file the shim has already
 * created exclusively.  Every other flag stays as it was.  Returns 0, or
 * -1 if it does not fit. */
int rp_fmode_strip_excl(const char *mode, char *out, unsigned long outsz);

#endif
