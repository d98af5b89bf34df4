/* landlock.c - see landlock.h.
 *
 * Follows the structure of the kernel's samples/landlock/sandboxer.c: probe
 * the ABI, then drop the rights an older kernel does not know, one case per
 * ABI.  Debian 12's <linux/landlock.h> (linux-libc-dev 6.1) stops at REFER,
 * so later constants are defined here (values from the kernel UAPI; bits 14
 * and 15 checked at run time on ABI 7, research notes §5).
 */
#include "landlock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/landlock.h>

#include "execdecide.h"
#include "glob.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_FS_RESOLVE_UNIX
#define LANDLOCK_ACCESS_FS_RESOLVE_UNIX (1ULL << 16)
#endif
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

#define LL_ABI1_FS ((1ULL << 13) - 1)	/* EXECUTE .. MAKE_SYM */

/* Rights a rule on a non-directory may carry; a directory right on a file
 * is EINVAL (research notes E23). */
#define LL_FILE_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
			LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
			LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* Reading.  READ_DIR is granted wherever reading goes; it is handled only
 * under RAMPART_LANDLOCK_RIGHTS=all (rp_landlock_probe). */
#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_READ_EXEC (LL_READ | LANDLOCK_ACCESS_FS_EXECUTE)
/* Everything that creates, changes or removes a file, and exec: what the
 * writes-exec variant of RAMPART_LANDLOCK_RIGHTS keeps. */
#define LL_WRITES_EXEC (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
			LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
			LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | \
			LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK | \
			LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | \
			LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER)
/* Writable dirs: never EXECUTE, never MAKE_CHAR or MAKE_BLOCK. */
#define LL_WRITABLE (LL_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
		     LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR | \
		     LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_MAKE_SOCK | \
		     LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
		     LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REFER)
#define LL_DEVICE (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
		   LANDLOCK_ACCESS_FS_IOCTL_DEV | LANDLOCK_ACCESS_FS_READ_DIR)

#define MAX_SPECIAL 160
/* Per-file rule fds closed at once: well below any RLIMIT_NOFILE. */
#define FD_BATCH 128

static const char *const device_paths[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
	"/dev/tty", "/dev/pts",
};

/* Trees scanned for DenyExec'd files besides the PATH dirs: compilers keep
 * their passes there (cc1, cc1plus, collect2, lto1; research notes E35). */
static const char *const scan_trees[] = { "/usr/lib/gcc", "/usr/libexec/gcc" };

static long
ll_create(const void *attr, size_t size, unsigned flags)
{
	return syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

/* RP_LANDLOCK_ABI_MAX_ENV: 0 when unset, -1 when invalid, else N >= 1. */
static long
abi_cap(struct rp_ll *ll)
{
	const char *v = getenv(RP_LANDLOCK_ABI_MAX_ENV);
	char *end;
	long n;

	if (!v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < 1 || n > INT_MAX || !(*v >= '0' && *v <= '9')) {
		snprintf(ll->cap_error, sizeof(ll->cap_error),
			 "invalid value '%.64s' (a decimal integer >= 1)", v);
		ll->cap_var = RP_LANDLOCK_ABI_MAX_ENV;
		return -1;
	}
	return n;
}

/* RP_LANDLOCK_RIGHTS_ENV: which set of rights to handle (landlock.h). */
static int
rights_variant(struct rp_ll *ll)
{
	const char *v = getenv(RP_LANDLOCK_RIGHTS_ENV);

	if (!v || strcmp(v, "default") == 0)
		return RP_LL_RIGHTS_DEFAULT;
	if (strcmp(v, "writes-exec") == 0)
		return RP_LL_RIGHTS_WRITES_EXEC;
	if (strcmp(v, "all") == 0)
		return RP_LL_RIGHTS_ALL;
	snprintf(ll->cap_error, sizeof(ll->cap_error),
		 "invalid value '%.64s' (default, writes-exec or all)", v);
	ll->cap_var = RP_LANDLOCK_RIGHTS_ENV;
	return RP_LL_RIGHTS_DEFAULT;
}

void
rp_landlock_probe(struct rp_ll *ll)
{
	long abi, cap;

	memset(ll, 0, sizeof(*ll));
	ll->ruleset_fd = -1;
	ll->cap_var = RP_LANDLOCK_ABI_MAX_ENV;
	ll->rights = rights_variant(ll);
	cap = abi_cap(ll);
	abi = ll_create(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		/* ENOSYS: not built in; EOPNOTSUPP: disabled at boot
		 * (landlock_create_ruleset(2)). */
		ll->probe_errno = errno;
		return;
	}
	ll->abi = ll->abi_kernel = (int)abi;
	if (cap > 0 && cap < abi) {
		/* the rights of ABI `cap` only: the kernel then enforces
		 * exactly what an older kernel would (landlock.7: a ruleset
		 * handles what handled_access_fs names) */
		ll->abi = (int)cap;
		ll->abi_capped = 1;
	}
	ll->handled = LL_ABI1_FS;
	/* One case per ABI that added a file-system right (landlock.7). */
	switch (ll->abi) {
	default:		/* newer than this code: what it knows */
	case 9:
		ll->handled |= LANDLOCK_ACCESS_FS_RESOLVE_UNIX;
		/* fall through */
	case 8: case 7: case 6: case 5:
		ll->handled |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
		/* fall through */
	case 4: case 3:
		ll->handled |= LANDLOCK_ACCESS_FS_TRUNCATE;
		/* fall through */
	case 2:
		ll->handled |= LANDLOCK_ACCESS_FS_REFER;
		/* fall through */
	case 1:
		break;
	}
	/* docs/threat-model.md, "What each Landlock right buys and costs":
	 * READ_DIR guards nothing the threat model claims and would make
	 * every directory open walk the path, RESOLVE_UNIX neither (pathname
	 * sockets stay reachable, as docs/threat-model.md says); READ_FILE is
	 * dropped at build time when no file is withheld (rp_landlock_build). */
	if (ll->rights == RP_LL_RIGHTS_WRITES_EXEC)
		ll->handled &= LL_WRITES_EXEC;
	else if (ll->rights == RP_LL_RIGHTS_DEFAULT)
		ll->handled &= ~(LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_RESOLVE_UNIX);
}

void
rp_landlock_rights_str(uint64_t rights, char *out, size_t outsz)
{
	static const char *const names[] = {
		"execute", "write_file", "read_file", "read_dir", "remove_dir",
		"remove_file", "make_char", "make_dir", "make_reg", "make_sock",
		"make_fifo", "make_block", "make_sym", "refer", "truncate",
		"ioctl_dev", "resolve_unix",
	};
	size_t len = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(rights & (1ULL << i)))
			continue;
		n = snprintf(out + len, outsz - len, "%s%s", len ? "," : "", names[i]);
		if (n < 0 || (size_t)n >= outsz - len)
			break;
		len += (size_t)n;
	}
}

/* ---- small sets (the loader may allocate) ------------------------------ */

/* Canonical paths (targets of denied symlinks, directories scanned) and
 * (device, inode) pairs, in open-addressing tables that double at half
 * load: a toolchain brings hundreds of each, looked up once per file of
 * /usr/bin. */
struct strset {
	char **slot;
	size_t cap, n;
};

struct fileid {
	dev_t dev;
	ino_t ino;
};

struct idset {
	struct fileid *slot;	/* ino 0 = empty */
	size_t cap, n;
};

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

static int
strset_has(const struct strset *s, const char *k)
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
idset_find(const struct idset *s, const struct fileid *k)
{
	size_t i = (size_t)((k->ino * 0x9e3779b97f4a7c15ULL) ^ k->dev) & (s->cap - 1);

	while (s->slot[i].ino && (s->slot[i].ino != k->ino || s->slot[i].dev != k->dev))
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* Returns 1 when added, 0 when already there, -ENOMEM.  Inode 0 is not a
 * file (it marks empty slots), so it counts as already there. */
static int
idset_add(struct idset *s, const struct fileid *k)
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
	/* O_PATH fds of per-file rules, closed together (close_range) */
	int batch[FD_BATCH];
	int nbatch;
};

static void
set_error(struct rp_ll *ll, const char *what, const char *obj, int err)
{
	snprintf(ll->error, sizeof(ll->error), "%s%s%s: %s", what, obj ? " " : "",
		 obj ? obj : "", strerror(err));
}

static int
oom(struct build *b)
{
	set_error(b->ll, "out of memory", NULL, ENOMEM);
	return -ENOMEM;
}

/* "dir/name" into out (PATH_MAX); 0, or -1 when too long. */
static int
join(char *out, const char *dir, const char *name)
{
	size_t dl = strcmp(dir, "/") ? strlen(dir) : 0, nl = strlen(name);

	if (dl + 1 + nl >= PATH_MAX)
		return -1;
	memcpy(out, dir, dl);
	out[dl] = '/';
	memcpy(out + dl + 1, name, nl + 1);
	return 0;
}

/* The kernel's name of what `fd` refers to (d_path, through /proc), so a
 * path costs one readlink instead of realpath's one per component
 * (research notes §4: 855 ns against 1,832). */
static int
fd_canonical(int fd, char *out)
{
	char link[32];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, PATH_MAX - 1);
	if (n <= 0 || out[0] != '/')
		return -1;	/* no /proc, or not reachable from our root */
	out[n] = '\0';
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
static int
name_denied(const struct build *b, const char *path, const char *name,
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
		set_error(b->ll, "too many special directories at", path, E2BIG);
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
	struct fileid id;
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

/* Mark `dir` (canonical) for per-file rules if one of its files is
 * DenyExec'd; with `depth` > 0, look into subdirectories too.  Each
 * directory is listed once per depth (PATH often names /bin and /usr/bin,
 * one directory on merged-/usr systems). */
static int
scan_dir(struct build *b, const char *dir, int depth)
{
	unsigned short paths[RP_MAX_PATTERNS];
	char key[PATH_MAX + 16];
	struct dirent *e;
	int r, marked = 0, npaths;
	DIR *d;

	snprintf(key, sizeof(key), "%d:%s", depth, dir);
	if ((r = strset_add(&b->scanned, key)) <= 0)
		return r < 0 ? oom(b) : 0;
	if (!(d = opendir(dir)))
		return 0;	/* a PATH entry that does not exist denies nothing */
	npaths = rp_names_paths_for(&b->names, strcmp(dir, "/") ? dir : "", paths);
	r = 0;
	while (r == 0 && (e = readdir(d)) != NULL) {
		unsigned char type = e->d_type;
		char child[PATH_MAX];

		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		/* d_type spares a system call per entry; DT_UNKNOWN (some
		 * file systems) falls back to fstatat */
		if (type == DT_UNKNOWN)
			type = type_at(dirfd(d), e->d_name);
		if ((type == DT_DIR && depth == 0) ||
		    (type == DT_REG && marked && !b->count_denied) ||
		    (type != DT_DIR && type != DT_REG && type != DT_LNK) ||
		    join(child, dir, e->d_name) != 0)
			continue;
		if (type == DT_DIR) {
			r = scan_dir(b, child, depth - 1);
		} else if (name_denied(b, child, e->d_name, paths, npaths)) {
			if (type == DT_REG) {
				b->tree_denied += b->count_denied;
				r = marked ? 0 : add_special(b, dir, SP_EXPLODE);
				marked = 1;
			} else {
				r = deny_target(b, dirfd(d), e->d_name, child);
			}
		}
	}
	closedir(d);
	return r;
}

static int
special_below_kind(const struct build *b, const char *path, enum special_kind kind)
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
	if (r < 0 || b->tree_denied == 0 || special_below_kind(b, tree, SP_WRITABLE))
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

static int
find_specials(struct build *b, const char *pathenv)
{
	char list[8192], canon[PATH_MAX];
	char *save = NULL, *dir;
	unsigned i;
	int r, k;

	for (k = 0; k < b->p->n_writable; k++) {
		if (b->p->writable[k].missing)
			continue;
		if (canonical_dir(b->p->writable[k].path, canon) != 0) {
			int err = errno;

			set_error(b->ll, "cannot resolve writable dir", b->p->writable[k].path, err);
			return -err;
		}
		if ((r = add_special(b, canon, SP_WRITABLE)) < 0)
			return r;
	}
	rp_names_build(&b->names, b->p);
	if (b->p->n_deny_exec == 0)
		return 0;
	/* the dirs the shim's identity table lists too (execdecide.c): the
	 * command's PATH (the default one without), then the standard ones */
	snprintf(list, sizeof(list), "%s:%s", pathenv ? pathenv : RP_EXEC_DEFAULT_PATH,
		 RP_EXEC_STD_DIRS);
	for (dir = strtok_r(list, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
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

/* ---- rules --------------------------------------------------------------- */

static int
add_rule(struct build *b, int fd, uint64_t access, int is_dir, const char *path)
{
	struct landlock_path_beneath_attr attr;

	access &= b->ll->handled;
	if (!is_dir)
		access &= LL_FILE_RIGHTS;
	if (!access)
		return 0;
	attr.allowed_access = access;
	attr.parent_fd = fd;
	if (syscall(__NR_landlock_add_rule, b->ll->ruleset_fd, LANDLOCK_RULE_PATH_BENEATH,
		    &attr, 0) != 0) {
		int err = errno;

		set_error(b->ll, "landlock_add_rule for", path, err);
		return -err;
	}
	b->ll->rules++;
	return 0;
}

static int
add_path_rule(struct build *b, const char *path, uint64_t access)
{
	struct stat st;
	int fd = open(path, O_PATH | O_CLOEXEC);
	int r;

	if (fd < 0)
		return 0;	/* e.g. no /dev/tty in a container without a tty */
	r = fstat(fd, &st) == 0 ? add_rule(b, fd, access, S_ISDIR(st.st_mode), path) : 0;
	close(fd);
	return r;
}

/* Close the batched per-file fds: one close_range when they are
 * consecutive (the usual case: the lowest free numbers, nothing else
 * opened meanwhile), else one close each.  The floor per file is then
 * openat + landlock_add_rule. */
static void
batch_flush(struct build *b)
{
	int i, lo = b->nbatch ? b->batch[0] : 0, hi = lo;

	for (i = 1; i < b->nbatch; i++) {
		if (b->batch[i] != hi + 1)
			break;
		hi = b->batch[i];
	}
	if (b->nbatch && i == b->nbatch && close_range((unsigned)lo, (unsigned)hi, 0) == 0) {
		b->nbatch = 0;
		return;
	}
	for (i = 0; i < b->nbatch; i++)
		close(b->batch[i]);
	b->nbatch = 0;
}

/* A file of a directory listed per file is done with: its fd waits in
 * the batch. */
static void
batch_close(struct build *b, int fd)
{
	b->batch[b->nbatch++] = fd;
	if (b->nbatch == FD_BATCH)
		batch_flush(b);
}

static const struct special *
special_at(const struct build *b, const char *path)
{
	int i;

	for (i = 0; i < b->nsp; i++)
		if (strcmp(b->sp[i].path, path) == 0)
			return &b->sp[i];
	return NULL;
}

static int
special_below(const struct build *b, const char *path)
{
	size_t len = strlen(path);
	int i;

	for (i = 0; i < b->nsp; i++)
		if (b->sp[i].len > len && rp_path_beneath(b->sp[i].path, b->sp[i].len, path, len))
			return 1;
	return 0;
}

static int
file_denied(const struct build *b, const char *path, const char *name,
	    const unsigned short *paths, int npaths)
{
	return strset_has(&b->targets, path) || name_denied(b, path, name, paths, npaths);
}

/* Cover the tree at `path` (open as `fd`, O_PATH) with rules: one rule for
 * the whole tree when nothing below needs less, else READ_DIR on it and
 * one rule per entry. */
static int
cover_dir(struct build *b, int fd, const char *path)
{
	const struct special *sp = special_at(b, path);
	int explode = sp && (sp->kind & SP_EXPLODE);
	unsigned short paths[RP_MAX_PATTERNS];
	int dfd, r, npaths = 0;
	struct dirent *e;
	DIR *d;

	if (sp && (sp->kind & SP_WRITABLE))
		return add_rule(b, fd, LL_WRITABLE, 1, path);
	if (sp && (sp->kind & SP_WITHHOLD))
		return 0;
	if (!explode && !special_below(b, path))
		return add_rule(b, fd, LL_READ_EXEC, 1, path);
	if ((r = add_rule(b, fd, LANDLOCK_ACCESS_FS_READ_DIR, 1, path)) < 0)
		return r;
	if (explode)
		npaths = rp_names_paths_for(&b->names, strcmp(path, "/") ? path : "", paths);
	batch_flush(b);		/* the fds below must not interleave with the batch */
	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !(d = fdopendir(dfd))) {
		int err = errno;

		if (dfd >= 0)
			close(dfd);
		set_error(b->ll, "cannot list", path, err);
		return -err;
	}
	while (r == 0 && (e = readdir(d)) != NULL) {
		unsigned char type = e->d_type;
		char child[PATH_MAX];
		int cfd;

		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		/* d_type spares a system call per entry on the big flat dirs
		 * (/usr/bin); a symlink's target is covered where it lives */
		if (type == DT_LNK || join(child, path, e->d_name) != 0)
			continue;
		/* a device, socket or fifo can only get READ_FILE (the kernel
		 * execs regular files only): none to add when that is not
		 * handled, so no open either */
		if (type != DT_UNKNOWN && type != DT_DIR && type != DT_REG &&
		    !(b->ll->handled & LANDLOCK_ACCESS_FS_READ_FILE))
			continue;
		cfd = openat(dirfd(d), e->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			continue;	/* vanished meanwhile: nothing to grant */
		if (type == DT_UNKNOWN) {
			struct stat st;

			type = fstat(cfd, &st) != 0 || S_ISLNK(st.st_mode) ? DT_LNK :
			       S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		}
		if (type == DT_LNK) {
			close(cfd);
		} else if (type == DT_DIR) {
			batch_flush(b);
			r = cover_dir(b, cfd, child);
			close(cfd);
		} else if (explode && type == DT_REG &&
			   file_denied(b, child, e->d_name, paths, npaths)) {
			b->ll->withheld++;
			batch_close(b, cfd);
		} else {
			r = add_rule(b, cfd, type == DT_REG ? LL_READ_EXEC : LL_READ, 0, child);
			batch_close(b, cfd);
		}
	}
	batch_flush(b);
	closedir(d);
	return r;
}

static long
elapsed_us(const struct timespec *a)
{
	struct timespec z;

	clock_gettime(CLOCK_MONOTONIC, &z);
	return (z.tv_sec - a->tv_sec) * 1000000L + (z.tv_nsec - a->tv_nsec) / 1000;
}

int
rp_landlock_build(struct rp_ll *ll, const struct rp_policy *p, const char *pathenv)
{
	static struct build b;
	struct landlock_ruleset_attr attr;
	struct timespec t0;
	unsigned i;
	int fd, k, r;

	if (ll->abi <= 0) {
		set_error(ll, "Landlock is not available", NULL, ll->probe_errno ? ll->probe_errno : ENOSYS);
		return -(ll->probe_errno ? ll->probe_errno : ENOSYS);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&b, 0, sizeof(b));
	b.ll = ll;
	b.p = p;
	ll->withheld = 0;
	if ((r = find_specials(&b, pathenv)) < 0)
		goto out;
	/* READ_FILE only withholds (DenyExec'd files the PATH dirs and the
	 * compilers' trees hold); handled, it makes every open of a regular
	 * file walk the path until a rule grants it.  With nothing to
	 * withhold (an image without compilers) it is left to DAC. */
	if (ll->rights == RP_LL_RIGHTS_DEFAULT &&
	    !special_below_kind(&b, "/", SP_EXPLODE | SP_WITHHOLD))
		ll->handled &= ~LANDLOCK_ACCESS_FS_READ_FILE;
	/* Only handled_access_fs: the 8-byte struct every ABI accepts.  Network
	 * ports (ABI 4) and scopes (ABI 6) are not part of the policy. */
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = ll->handled;
	r = (int)ll_create(&attr, sizeof(attr), 0);
	if (r < 0) {
		r = -errno;
		set_error(ll, "landlock_create_ruleset", NULL, errno);
		goto out;
	}
	ll->ruleset_fd = r;
	fd = open("/", O_PATH | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		set_error(ll, "cannot open", "/", errno);
		goto out;
	}
	r = cover_dir(&b, fd, "/");
	close(fd);
	/* Rights below are additions: rules are a union along the path. */
	for (i = 0; r == 0 && i < sizeof(device_paths) / sizeof(device_paths[0]); i++)
		r = add_path_rule(&b, device_paths[i], LL_DEVICE);
	for (k = 0; r == 0 && k < p->n_exec_writable; k++)
		r = add_path_rule(&b, p->exec_writable[k].path, LANDLOCK_ACCESS_FS_EXECUTE);
out:
	for (k = 0; k < b.nsp; k++)
		free(b.sp[k].path);
	strset_free(&b.targets);
	strset_free(&b.scanned);
	free(b.target_ids.slot);
	ll->build_us = elapsed_us(&t0);
	if (r < 0 && ll->ruleset_fd >= 0) {
		close(ll->ruleset_fd);
		ll->ruleset_fd = -1;
	}
	return r;
}

int
rp_landlock_restrict(struct rp_ll *ll)
{
	int r = 0;

	if (ll->ruleset_fd < 0) {
		set_error(ll, "no ruleset was built", NULL, EBADF);
		return -EBADF;
	}
	if (syscall(__NR_landlock_restrict_self, ll->ruleset_fd, 0) != 0) {
		r = -errno;
		set_error(ll, "landlock_restrict_self", NULL, errno);
	} else {
		ll->applied = 1;
	}
	close(ll->ruleset_fd);
	ll->ruleset_fd = -1;
	return r;
}
