/* fprint.h - content fingerprints of files, for recognising a renamed
 * copy of a DenyExec'd program where its original cannot be read.
 *
 * Under the loader, Landlock withholds READ_FILE from the files DenyExec
 * names (docs/threat-model.md), so a shim in the app cannot compare a
 * candidate's bytes with them.  The loader fingerprints those originals
 * before it restricts itself and hands the list on in RP_FPRINT_ENV, which
 * the exec wrappers keep sticky like RAMPART_POLICY (stickyenv.h); every
 * layer then applies one rule: same size and same fingerprint.
 *
 * Safe in a vfork child: no malloc, no stdio, no locks; reads with raw
 * pread64 into a buffer on the stack.
 */
#ifndef RAMPART_FPRINT_H
#define RAMPART_FPRINT_H

#include <stddef.h>
#include <stdint.h>

/* The loader's fingerprints of the DenyExec'd files of the shim's identity
 * table: entries "DEV:INO:SIZE:HASH" (lower-case hex; HASH 32 digits)
 * separated by ','. */
#define RP_FPRINT_ENV "RAMPART_DENY_IDS"
/* Room for the whole variable, "NAME=" included: RP_ID_MAX (execdecide.c)
 * entries of at most 16 + 16 + 16 + 32 + 4 bytes. */
#define RP_FPRINT_ENV_MAX (1024 * 88)

/* What is hashed: files up to RP_FPRINT_WHOLE bytes entirely; larger ones
 * in their first and last RP_FPRINT_EDGE bytes (an ELF file's headers and
 * its section header table) and RP_FPRINT_SAMPLES blocks of
 * RP_FPRINT_BLOCK bytes spread evenly between them: at most 12 KiB and 10
 * reads whatever the file's size.  gcc's cc1 alone is 33 MB, and
 * policies/compilers.policy withholds 227 files here: hashing them whole
 * would make the loader read hundreds of MB at each start, and even 96 KiB
 * samples each cost 25 ms warm and 1.5 s with a cold page cache (readahead
 * around each sample). */
#define RP_FPRINT_WHOLE (16 * 1024)
#define RP_FPRINT_EDGE 4096
#define RP_FPRINT_SAMPLES 8
#define RP_FPRINT_BLOCK 512

struct rp_fprint {
	uint64_t h[2];
};

/* Fingerprint the open file `fd` of `size` bytes (size > 0).  Returns 0, or
 * -errno (a read failed or came back short: the file changed). */
int rp_fprint_fd(long fd, long size, struct rp_fprint *out);

/* The fingerprint recorded for (dev, ino, size) in `list` (the value of
 * RP_FPRINT_ENV).  Returns 1 with *out set, 0 if none is recorded. */
int rp_fprint_lookup(const char *list, unsigned long dev, unsigned long ino, long size,
		     struct rp_fprint *out);

/* Append one entry to the list in `buf` (NUL-terminated, `cap` bytes).
 * Returns 0, or -1 when it does not fit (buf unchanged). */
int rp_fprint_append(char *buf, size_t cap, unsigned long dev, unsigned long ino, long size,
		     const struct rp_fprint *fp);

#endif
