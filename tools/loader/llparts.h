/* llparts.h - what the two halves of the Landlock build share (theirs
 * alone): llwithhold.c finds which files DenyExec withholds (listing the
 * PATH dirs and the compilers' trees), landlock.c turns that into rules.
 * The loader may allocate; nothing here runs in the app.
 */
#ifndef RAMPART_LLPARTS_H
#define RAMPART_LLPARTS_H

#include <stddef.h>
#include <sys/types.h>

#include "denymatch.h"
#include "devino.h"
#include "landlock.h"
#include "policy.h"

#define MAX_SPECIAL 160
/* Per-file rule fds closed at once: well below any RLIMIT_NOFILE. */
#define FD_BATCH 128
/* Directory listings kept from the scan for the rules (struct listing). */
#define MAX_LISTINGS 64

/* Canonical paths (targets of denied symlinks, directories scanned) and
 * (device, inode) pairs, in open-addressing tables that double at half
 * load: a toolchain brings hundreds of each, looked up once per file of
 * /usr/bin.  So not devino.h's fixed set; the identities use its hash. */
struct strset {
	char **slot;
	size_t cap, n;
};

struct idset {
	struct rp_devino *slot;	/* ino 0 = empty; hashed by rp_devino_hash */
	size_t cap, n;
};

/* One entry of a kept listing. */
struct lentry {
	size_t name;		/* offset in listing.names */
	unsigned char type;	/* d_type, DT_UNKNOWN if it could not be told */
	unsigned char denied;	/* a regular file or link DenyExec names */
};

/* A directory as the scan listed it (names in readdir order, types, and
 * the DenyExec verdict of each), kept so that the rules of a directory
 * listed per file (landlock.c, cover_dir) need not list and match it a
 * second time: /usr/bin is read once per start.  A file created between
 * the two steps gets no rule (denied, never a stale allow); one removed
 * is skipped when its open fails. */
struct listing {
	char *path;		/* canonical, as cover_dir spells it */
	struct lentry *e;
	size_t n, cap;
	char *names;
	size_t used, ncap;
};

/* SP_WITHHOLD: a tree of scan_trees that holds a DenyExec'd file gets no
 * rule at all (neither read nor exec for anything in it): one directory
 * instead of one rule per file around the denied ones. */
enum special_kind { SP_WRITABLE = 1, SP_EXPLODE = 2, SP_WITHHOLD = 4 };

struct special {
	char *path;		/* canonical */
	size_t len;
	enum special_kind kind;
};

struct build {
	struct rp_ll *ll;
	const struct rp_policy *p;
	struct rp_names names;	/* the patterns, sorted for listings */
	struct special sp[MAX_SPECIAL];
	int nsp;
	/* final targets of denied symlinks ("/usr/bin/ld" ->
	 * ".../x86_64-linux-gnu-ld.bfd"): the shim matches every hop of a
	 * symlink chain, the kernel sees only the final file */
	struct strset targets;
	struct idset target_ids;	/* the same, to resolve each one once */
	struct strset scanned;		/* "DEPTH:dir" already listed */
	int count_denied;		/* scan_dir: count every denied file */
	unsigned tree_denied;		/* ... here */
	struct listing lists[MAX_LISTINGS];
	int nlists;
	/* O_PATH fds of per-file rules, closed together (close_range) */
	int batch[FD_BATCH];
	int nbatch;
};

/* llwithhold.c */
void rp_ll_set_error(struct rp_ll *ll, const char *what, const char *obj, int err);
/* "dir/name" into out (PATH_MAX); 0, or -1 when too long. */
int rp_ll_join(char *out, const char *dir, const char *name);
int rp_ll_strset_has(const struct strset *s, const char *k);
/* Does DenyExec name the file `path` (`name` in its directory)? */
int rp_ll_name_denied(const struct build *b, const char *path, const char *name,
		      const unsigned short *paths, int npaths);
/* A special dir of one of the `kind`s at or below `path`. */
int rp_ll_special_below_kind(const struct build *b, const char *path, enum special_kind kind);
/* Mark the writable dirs, the dirs listed per file and the trees
 * withheld whole; keeps the scan's listings.  0 or -errno (ll->error). */
int rp_ll_find_specials(struct build *b, const char *pathenv);
/* The scan's listing of `path`, or NULL. */
const struct listing *rp_ll_listing(const struct build *b, const char *path);
/* Free what the build allocated. */
void rp_ll_build_free(struct build *b);

#endif
