/* llwithhold.c - which files DenyExec withholds from the Landlock
 * ruleset, and where (see landlock.h for what the ruleset enforces).
 *
 * Lists the command's PATH dirs, the standard bin dirs and the directory
 * part of absolute DenyExec patterns, and gcc's trees (scan_trees), with
 * names matched by the rule every layer applies (denymatch.h): a directory
 * holding a denied file is listed per file by the rules (SP_EXPLODE), a
 * compiler's tree holding one is withheld whole (SP_WITHHOLD), and the
 * final target of a denied symlink is withheld with it.  The listings are
 * kept for landlock.c (struct listing), so each directory is read once.
 * The loader may allocate.
 */
#include "llparts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "execdecide.h"
#include "execdirs.h"
#include "fdname.h"

/* Trees scanned for DenyExec'd files besides the PATH dirs: compilers keep
 * their passes there (cc1, cc1plus, collect2, lto1; docs/threat-model.md,
 * R28). */
static const char *const scan_trees[] = { "/usr/lib/gcc", "/usr/libexec/gcc" };

/* ---- small sets (the loader may allocate) ------------------------------ */

static size_t
str_hash(const char *s)
{
	size_t h = 14695981039346656037ULL;	/* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

static size_t
strset_find(const struct strset *s, const char *k)
{
	size_t i = str_hash(k) & (s->cap - 1);

	while (s->slot[i] && strcmp(s->slot[i], k) != 0)
		i = (i + 1) & (s->cap - 1);
	return i;
}

int
rp_ll_strset_has(const struct strset *s, const char *k)
{
	return s->cap && s->slot[strset_find(s, k)] != NULL;
}

/* Returns 1 when added, 0 when already there, -ENOMEM. */
static int
strset_add(struct strset *s, const char *k)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct strset bigger = { NULL, s->cap ? 2 * s->cap : 64, 0 };

		if (!(bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot))))
			return -ENOMEM;
		for (i = 0; i < s->cap; i++)
			if (s->slot[i])
				bigger.slot[strset_find(&bigger, s->slot[i])] = s->slot[i];
		bigger.n = s->n;
		free(s->slot);
		*s = bigger;
	}
	i = strset_find(s, k);
	if (s->slot[i])
		return 0;
	if (!(s->slot[i] = strdup(k)))
		return -ENOMEM;
	s->n++;
	return 1;
}

static void
strset_free(struct strset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

static size_t
idset_find(const struct idset *s, const struct rp_devino *k)
{
	size_t i = rp_devino_hash(k->dev, k->ino) & (s->cap - 1);

	while (s->slot[i].ino && (s->slot[i].ino != k->ino || s->slot[i].dev != k->dev))
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* Returns 1 when added, 0 when already there, -ENOMEM.  Inode 0 is not a
 * file (it marks empty slots), so it counts as already there. */
static int
idset_add(struct idset *s, const struct rp_devino *k)
{
	size_t i;

	if (!k->ino)
		return 0;
	if (2 * (s->n + 1) > s->cap) {
		struct idset bigger = { NULL, s->cap ? 2 * s->cap : 64, 0 };

		if (!(bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot))))
			return -ENOMEM;
		for (i = 0; i < s->cap; i++)
			if (s->slot[i].ino)
				bigger.slot[idset_find(&bigger, &s->slot[i])] = s->slot[i];
		bigger.n = s->n;
		free(s->slot);
		*s = bigger;
	}
	i = idset_find(s, k);
	if (s->slot[i].ino)
		return 0;
	s->slot[i] = *k;
	s->n++;
	return 1;
}

/* ---- which files DenyExec withholds ------------------------------------ */

void
rp_ll_set_error(struct rp_ll *ll, const char *what, const char *obj, int err)
{
	snprintf(ll->error, sizeof(ll->error), "%s%s%s: %s", what, obj ? " " : "",
		 obj ? obj : "", strerror(err));
}

static int
oom(struct build *b)
{
	rp_ll_set_error(b->ll, "out of memory", NULL, ENOMEM);
	return -ENOMEM;
}

int
rp_ll_join(char *out, const char *dir, const char *name)
{
	size_t dl = strcmp(dir, "/") ? strlen(dir) : 0, nl = strlen(name);

	if (dl + 1 + nl >= PATH_MAX)
		return -1;
	memcpy(out, dir, dl);
	out[dl] = '/';
	memcpy(out + dl + 1, name, nl + 1);
	return 0;
}

/* The kernel's name of what `fd` refers to (d_path, through /proc:
 * fdname.h), so a path costs one readlink instead of realpath's one per
 * component (measured: 855 ns against 1,832). */
static int
fd_canonical(int fd, char *out)
{
	if (rp_fd_name(fd, out, PATH_MAX) < 0 || out[0] != '/')
		return -1;	/* no /proc, or not reachable from our root */
	return 0;
}

/* realpath() of `name` relative to `dirfd` (AT_FDCWD or a directory). */
static int
canonical_at(int dirfd, const char *name, const char *full, char *out)
{
	int fd = openat(dirfd, name, O_PATH | O_CLOEXEC);
	int r = -1;

	if (fd >= 0) {
		r = fd_canonical(fd, out);
		close(fd);
	}
	if (r != 0)
		r = realpath(full, out) ? 0 : -1;
	return r;
}

/* Does DenyExec name the file `path` (`name` in its directory)?  The rule
 * every layer applies (denymatch.h); `paths` are the patterns with '/'
 * that may match in this directory (rp_names_paths_for). */
int
rp_ll_name_denied(const struct build *b, const char *path, const char *name,
	    const unsigned short *paths, int npaths)
{
	return rp_deny_path(b->p, paths, npaths, path) >= 0 ||
	       rp_deny_name(b->p, &b->names, name, strlen(name)) >= 0;
}

static int
add_special(struct build *b, const char *path, enum special_kind kind)
{
	int i;

	for (i = 0; i < b->nsp; i++)
		if (strcmp(b->sp[i].path, path) == 0) {
			b->sp[i].kind |= kind;
			return 0;
		}
	if (b->nsp >= MAX_SPECIAL) {
		rp_ll_set_error(b->ll, "too many special directories at", path, E2BIG);
		return -E2BIG;
	}
	b->sp[b->nsp].path = strdup(path);
	if (!b->sp[b->nsp].path)
		return oom(b);
	b->sp[b->nsp].len = strlen(path);
	b->sp[b->nsp].kind = kind;
	b->nsp++;
	return 0;
}

/* A denied name that is a symlink: withhold its final target as well.
 * One fstatat per link; the target's path is looked up once per file
 * (gcc, gcc-12 and x86_64-linux-gnu-gcc lead to one file), unless the
 * file has hard links, whose other paths need rules withheld too. */
static int
deny_target(struct build *b, int dirfd, const char *name, const char *link)
{
	char target[PATH_MAX];
	struct rp_devino id;
	struct stat st;
	char *slash;
	int r;

	if (fstatat(dirfd, name, &st, 0) != 0 || !S_ISREG(st.st_mode))
		return 0;
	id.dev = st.st_dev;
	id.ino = st.st_ino;
	if ((r = idset_add(&b->target_ids, &id)) < 0)
		return oom(b);
	if (r == 0 && st.st_nlink == 1)
		return 0;
	if (canonical_at(dirfd, name, link, target) != 0)
		return 0;	/* vanished meanwhile: nothing to withhold */
	/* Never the dynamic loader: Debian's /usr/bin/ld.so points at it, so
	 * "DenyExec ld.*" would otherwise make every dynamic program fail to
	 * start.  Running ld.so directly is judged by the shim (execdecide.c,
	 * the program it would load). */
	slash = strrchr(target, '/');
	if (rp_exec_is_loader_name(slash ? slash + 1 : target))
		return 0;
	if (strset_add(&b->targets, target) < 0)
		return oom(b);
	slash = strrchr(target, '/');
	if (slash == target)
		slash[1] = '\0';
	else
		*slash = '\0';
	return add_special(b, target, SP_EXPLODE);
}

/* The type of an entry whose d_type the file system did not fill in. */
static unsigned char
type_at(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG :
	       S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
}

/* ---- listings kept for the rules ---------------------------------------- */

static struct listing *
listing_new(struct build *b, const char *dir)
{
	struct listing *l;

	if (b->nlists >= MAX_LISTINGS || rp_ll_listing(b, dir))
		return NULL;	/* the rules list it themselves */
	l = &b->lists[b->nlists];
	memset(l, 0, sizeof(*l));
	if (!(l->path = strdup(dir)))
		return NULL;
	b->nlists++;
	return l;
}

/* Returns 0, or -1 when out of memory (the listing is then dropped). */
static int
listing_add(struct listing *l, const char *name, unsigned char type, int denied)
{
	size_t len = strlen(name) + 1;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		struct lentry *e = realloc(l->e, cap * sizeof(*e));

		if (!e)
			return -1;
		l->e = e;
		l->cap = cap;
	}
	if (l->used + len > l->ncap) {
		size_t cap = l->ncap ? 2 * l->ncap : 8192;
		char *n;

		while (cap < l->used + len)
			cap *= 2;
		if (!(n = realloc(l->names, cap)))
			return -1;
		l->names = n;
		l->ncap = cap;
	}
	memcpy(l->names + l->used, name, len);
	l->e[l->n].name = l->used;
	l->e[l->n].type = type;
	l->e[l->n].denied = (unsigned char)denied;
	l->used += len;
	l->n++;
	return 0;
}

static void
listing_drop(struct listing *l)
{
	free(l->path);
	free(l->e);
	free(l->names);
	memset(l, 0, sizeof(*l));
}

const struct listing *
rp_ll_listing(const struct build *b, const char *path)
{
	int i;

	for (i = 0; i < b->nlists; i++)
		if (b->lists[i].path && strcmp(b->lists[i].path, path) == 0)
			return &b->lists[i];
	return NULL;
}

/* Mark `dir` (canonical) for per-file rules if one of its files is
 * DenyExec'd; with `depth` > 0, look into subdirectories too.  Each
 * directory is listed once per depth (PATH often names /bin and /usr/bin,
 * one directory on merged-/usr systems).  Every entry is kept with its
 * verdict (struct listing) for the rules. */
static int
scan_dir(struct build *b, const char *dir, int depth)
{
	unsigned short paths[RP_MAX_PATTERNS];
	char key[PATH_MAX + 16];
	struct listing *l;
	struct dirent *e;
	int r, marked = 0, npaths;
	DIR *d;

	snprintf(key, sizeof(key), "%d:%s", depth, dir);
	if ((r = strset_add(&b->scanned, key)) <= 0)
		return r < 0 ? oom(b) : 0;
	if (!(d = opendir(dir)))
		return 0;	/* a PATH entry that does not exist denies nothing */
	npaths = rp_names_paths_for(&b->names, strcmp(dir, "/") ? dir : "", paths);
	l = listing_new(b, dir);
	r = 0;
	while (r == 0 && (e = readdir(d)) != NULL) {
		unsigned char type = e->d_type;
		char child[PATH_MAX];
		int denied = 0;

		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		/* d_type spares a system call per entry; DT_UNKNOWN (some
		 * file systems) falls back to fstatat */
		if (type == DT_UNKNOWN)
			type = type_at(dirfd(d), e->d_name);
		if ((type == DT_REG || type == DT_LNK) && rp_ll_join(child, dir, e->d_name) == 0 &&
		    rp_ll_name_denied(b, child, e->d_name, paths, npaths)) {
			denied = 1;
			if (type == DT_REG) {
				b->tree_denied += b->count_denied;
				r = marked ? 0 : add_special(b, dir, SP_EXPLODE);
				marked = 1;
			} else {
				r = deny_target(b, dirfd(d), e->d_name, child);
			}
		} else if (type == DT_DIR && depth > 0 && rp_ll_join(child, dir, e->d_name) == 0) {
			r = scan_dir(b, child, depth - 1);
		}
		if (l && listing_add(l, e->d_name, type, denied) != 0) {
			listing_drop(l);	/* the rules list it themselves */
			l = NULL;
		}
	}
	closedir(d);
	if (l && r != 0)
		listing_drop(l);
	return r;
}

int
rp_ll_special_below_kind(const struct build *b, const char *path, enum special_kind kind)
{
	size_t len = strlen(path);
	int i;

	for (i = 0; i < b->nsp; i++)
		if ((b->sp[i].kind & kind) && b->sp[i].len >= len &&
		    rp_path_beneath(b->sp[i].path, b->sp[i].len, path, len))
			return 1;
	return 0;
}

/* A compiler's tree (scan_trees): withheld whole when it holds a denied
 * file, since nothing but a compiler reads it (cc1, collect2, crt*.o,
 * libgcc.a, the LTO plugin), unless a writable dir lies in it. */
static int
scan_tree(struct build *b, const char *tree)
{
	int r;

	b->count_denied = 1;
	b->tree_denied = 0;
	r = scan_dir(b, tree, 4);
	b->count_denied = 0;
	if (r < 0 || b->tree_denied == 0 || rp_ll_special_below_kind(b, tree, SP_WRITABLE))
		return r;
	b->ll->withheld += b->tree_denied;
	return add_special(b, tree, SP_WITHHOLD);
}

/* The canonical form of an absolute directory path, or -1. */
static int
canonical_dir(const char *dir, char *out)
{
	return dir[0] == '/' ? canonical_at(AT_FDCWD, dir, dir, out) : -1;
}

int
rp_ll_find_specials(struct build *b, const char *pathenv)
{
	struct rp_exec_dirs dirs = { pathenv, NULL, 0 };
	char dir[PATH_MAX], canon[PATH_MAX];
	unsigned i;
	int r, k;

	for (k = 0; k < b->p->n_writable; k++) {
		if (b->p->writable[k].missing)
			continue;
		if (canonical_dir(b->p->writable[k].path, canon) != 0) {
			int err = errno;

			rp_ll_set_error(b->ll, "cannot resolve writable dir", b->p->writable[k].path, err);
			return -err;
		}
		if ((r = add_special(b, canon, SP_WRITABLE)) < 0)
			return r;
	}
	rp_names_build(&b->names, b->p);
	if (b->p->n_deny_exec == 0)
		return 0;
	/* the dirs the shim's identity table lists too (execdirs.h) */
	while (rp_exec_dirs_next(&dirs, dir, sizeof(dir)))
		if (canonical_dir(dir, canon) == 0 && (r = scan_dir(b, canon, 0)) < 0)
			return r;
	for (i = 0; i < sizeof(scan_trees) / sizeof(scan_trees[0]); i++)
		if (canonical_dir(scan_trees[i], canon) == 0 && (r = scan_tree(b, canon)) < 0)
			return r;
	/* An absolute DenyExec pattern with a literal directory part names a
	 * directory to scan as well. */
	for (k = 0; k < b->p->n_deny_exec; k++) {
		const char *pat = b->p->deny_exec[k].text;
		const char *slash = strrchr(pat, '/');
		char dirpart[PATH_MAX];

		if (pat[0] != '/' || !slash || (size_t)(slash - pat) >= sizeof(dirpart))
			continue;
		memcpy(dirpart, pat, (size_t)(slash - pat));
		dirpart[slash - pat] = '\0';
		if (strpbrk(dirpart, "*?[\\"))
			continue;
		if (canonical_dir(dirpart[0] ? dirpart : "/", canon) == 0 &&
		    (r = scan_dir(b, canon, 0)) < 0)
			return r;
	}
	return 0;
}


void
rp_ll_build_free(struct build *b)
{
	int k;

	for (k = 0; k < b->nsp; k++)
		free(b->sp[k].path);
	for (k = 0; k < b->nlists; k++)
		listing_drop(&b->lists[k]);
	b->nsp = b->nlists = 0;
	strset_free(&b->targets);
	strset_free(&b->scanned);
	free(b->target_ids.slot);
	memset(&b->target_ids, 0, sizeof(b->target_ids));
}
