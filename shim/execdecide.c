/* execdecide.c - the one exec decision (see execdecide.h).
 *
 * Compiled into librampart.so (exec wrappers, constructor self-check) and
 * into the rampart loader (`--check -- CMD`).  Everything here may run in
 * a vfork child (CPython's subprocess: research notes, pitfall 7): no
 * malloc, no stdio, no locks, no getenv; file system queries are raw
 * system calls (rawsys.h) so they never re-enter the shim's wrappers.
 *
 * Order of the checks for one program (a "stage"):
 *   1. the name as given and at every symlink hop (DenyExec without '/'),
 *      and each hop made absolute (DenyExec with '/');
 *   2. argv[0]'s basename (multi-call binaries dispatch on it: row 28);
 *   3. the final target as the kernel resolves it: open O_PATH, read its
 *      name back from /proc/self/fd (d_path), match names and paths again;
 *   4. memfd or deleted file (row 8), W^X (row 9), identity of denied
 *      binaries by (st_dev, st_ino) and, for same-size files, by content;
 *   5. a dynamic loader (row 7) or a #! script (row 27) starts one more
 *      stage for the program it would really run.
 */
#include "execdecide.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fprint.h"
#include "glob.h"
#include "rawsys.h"
#include "strbuf.h"

#define RP_MAX_HOPS 40		/* the kernel's MAXSYMLINKS */
#define RP_MAX_STAGES 6		/* BINPRM_MAX_RECURSION (4) #! levels + ld.so */
#define RP_HEAD_BYTES 256	/* BINPRM_BUF_SIZE: what the kernel reads for #! */

/* The dynamic loader named in PT_INTERP of this architecture's programs. */
#if defined(__x86_64__)
#define RP_PT_INTERP "/lib64/ld-linux-x86-64.so.2"
#elif defined(__aarch64__)
#define RP_PT_INTERP "/lib/ld-linux-aarch64.so.1"
#endif


/* ---- small helpers ------------------------------------------------------ */

static const char *
base_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void
copy_str(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int
has_slash(const char *s)
{
	return strchr(s, '/') != NULL;
}

/* "/proc/self/fd/N" into buf (>= 32 bytes). */
static void
fd_path(char *buf, size_t cap, long fd)
{
	struct rp_buf b;

	rp_buf_init(&b, buf, cap);
	rp_buf_str(&b, "/proc/self/fd/");
	rp_buf_long(&b, fd);
}

/* The kernel's name for an open file (d_path), or -1. */
static long
fd_name(long fd, char *out, size_t cap)
{
	char link[40];
	long n;

	fd_path(link, sizeof(link), fd);
	n = rp_raw4(SYS_readlinkat, AT_FDCWD, link, out, cap - 1);
	if (RP_RAW_ERR(n) || n <= 0)
		return -1;
	out[n] = '\0';
	return n;
}

/* Absolute, lexically normalised form of `path` relative to `dirfd`, for
 * matching patterns only (never to allow). */
static void
abs_of(int dirfd, const char *path, char *out, size_t cap)
{
	char base[RP_PATH_MAX];

	base[0] = '\0';
	if (path[0] != '/') {
		if (dirfd == AT_FDCWD) {
			long r = rp_raw2(SYS_getcwd, base, sizeof(base));

			if (RP_RAW_ERR(r))
				base[0] = '\0';
		} else if (fd_name(dirfd, base, sizeof(base)) < 0) {
			base[0] = '\0';
		}
	}
	if (rp_path_lexical(base[0] ? base : "/", path, out, cap) != 0)
		copy_str(out, path, cap);
}

static int
is_memfd_name(const char *canon)
{
	size_t n = strlen(canon);

	return strncmp(canon, "/memfd:", 7) == 0 ||
	       (n > 10 && strcmp(canon + n - 10, " (deleted)") == 0);
}

int
rp_exec_is_loader_name(const char *name)
{
	return rp_glob_match("ld-linux*.so*", name, 1) || strcmp(name, "ld.so") == 0 ||
	       rp_glob_match("ld-*.so*", name, 1);
}

static int
deny(struct rp_exec_verdict *v, const char *rule, const char *pattern, int hop,
     const char *where)
{
	v->deny = 1;
	v->rule = rule;
	v->pattern = pattern;
	v->hop = hop;
	copy_str(v->hop_path, where ? where : "", sizeof(v->hop_path));
	return 1;
}

static const struct rp_names *names_ready(const struct rp_policy *p);

/* DenyExec patterns without '/' against a name (denymatch.h's rule). */
static const char *
match_name(const struct rp_policy *p, const char *name)
{
	int i = rp_deny_name(p, names_ready(p), name, strlen(name));

	return i >= 0 ? p->deny_exec[i].text : NULL;
}

/* DenyExec patterns with '/' against an absolute path. */
static const char *
match_path(const struct rp_policy *p, const char *abs)
{
	const struct rp_names *n = names_ready(p);
	int i = rp_deny_path(p, n ? n->path : NULL, n ? n->n_path : 0, abs);

	return i >= 0 ? p->deny_exec[i].text : NULL;
}

/* ---- identities of denied programs --------------------------------------
 *
 * A hard link or a renamed copy of a compiler has a name no pattern
 * matches.  At the first decision of a process that gets past the name,
 * W^X and memfd checks, the table below is filled with (st_dev, st_ino,
 * st_size) of every regular file that a DenyExec pattern matches in: the
 * PATH of that decision, std_dirs[], and the directories named by
 * patterns with '/' (their glob components expanded).  Decisions denied
 * earlier never build it.
 *
 * It cannot be skipped for a program that is allowed so far: a file with
 * one link may still be the final target of a denied symlink (only
 * following the links finds it), and a copy is known by a size that only
 * the table holds.
 *
 * Cost, per directory: one getdents64 pass with up to four hash lookups
 * (the forms of a name, denymatch.h) and a few pre-tested globs per entry
 * (struct rp_names); plus one fstatat per match, the floor, since a
 * match's size is needed for the copy check.  A directory is never probed
 * name by name (one fstatat per literal pattern was cheaper for
 * `DenyExec tcc`), since the rule also matches x86_64-linux-gnu-tcc-1,
 * which no probe would find.  Measured (CPU time, loaded 2-core VM, 1,300
 * entries in /usr/bin) before the name forms: policies/compilers.policy
 * with gcc, clang and binutils installed 2.1 ms (501 matches, 227 files;
 * 5.5 ms when every entry was matched against every pattern), the same
 * patterns matching nothing 0.7 ms (2.2).
 * Later decisions cost about 20 system calls.  fork() children inherit the
 * table; exec'd programs build their own.  The table lives in static
 * storage and is built under an atomic state word, so a vfork child that
 * builds it leaves a complete table in the shared memory.  A copy is
 * recognised when its size equals a recorded file's and its content
 * fingerprint (fprint.h) is equal too; the loader computes the recorded
 * files' fingerprints before Landlock makes them unreadable.
 */
#define RP_ID_MAX 1024
#define RP_ID_POOL (64 * 1024)
#define RP_ID_DIRS 96
#define RP_ID_SLOTS (2 * RP_ID_MAX)	/* power of two */

struct rp_id {
	unsigned long dev, ino;
	long size;
	int pat;		/* index in deny_exec */
	unsigned path_off;	/* into pool: where it was found */
};

enum { IDS_EMPTY = 0, IDS_BUSY, IDS_READY };

static struct {
	int state;
	const struct rp_policy *policy;
	int n, overflow;
	struct rp_id id[RP_ID_MAX];
	unsigned short id_slot[RP_ID_SLOTS];	/* (dev, ino) -> id, 0xffff = empty */
	unsigned long ld_dev, ld_ino;
	int ld_ok;
	size_t pool_used;
	char pool[RP_ID_POOL];
	struct rp_names names;	/* also speeds up match_name once ready */
	/* scratch for building, only touched by the builder */
	unsigned long seen_dev[RP_ID_DIRS], seen_ino[RP_ID_DIRS];
	int n_seen;
	unsigned short app[RP_MAX_PATTERNS];	/* path patterns for this dir */
	char dirs[2][RP_ID_DIRS][256];
	int n_dirs[2];
	/* /usr/bin in two getdents64 calls; records are 8-byte aligned
	 * from the start of the buffer */
	char dents[32768] __attribute__((aligned(8)));
	char full[RP_PATH_MAX];
	char dir[RP_PATH_MAX];
} ids;

void
rp_exec_forget(void)
{
	__atomic_store_n(&ids.state, IDS_EMPTY, __ATOMIC_RELEASE);
}

static const char *
pool_add(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if (ids.pool_used + n > sizeof(ids.pool))
		return NULL;
	d = ids.pool + ids.pool_used;
	memcpy(d, s, n);
	ids.pool_used += n;
	return d;
}

static unsigned
id_hash(unsigned long dev, unsigned long ino)
{
	return (unsigned)((ino * 0x9e3779b97f4a7c15UL) ^ dev) & (RP_ID_SLOTS - 1);
}

/* The slot of (dev, ino) in id_slot: its entry, or the empty slot where
 * it would go. */
static unsigned
id_slot_of(unsigned long dev, unsigned long ino)
{
	unsigned h = id_hash(dev, ino);

	for (; ids.id_slot[h] != 0xffff; h = (h + 1) & (RP_ID_SLOTS - 1))
		if (ids.id[ids.id_slot[h]].dev == dev && ids.id[ids.id_slot[h]].ino == ino)
			break;
	return h;
}

static void
id_add(const struct stat *st, int pat, const char *where)
{
	unsigned h = id_slot_of(st->st_dev, st->st_ino);
	const char *w;

	if (ids.id_slot[h] != 0xffff)
		return;		/* the same file by another name: the first pattern stays */
	w = pool_add(where);
	if (ids.n >= RP_ID_MAX || !w) {
		ids.overflow = 1;
		return;
	}
	ids.id_slot[h] = (unsigned short)ids.n;
	ids.id[ids.n].dev = st->st_dev;
	ids.id[ids.n].ino = st->st_ino;
	ids.id[ids.n].size = st->st_size;
	ids.id[ids.n].pat = pat;
	ids.id[ids.n].path_off = (unsigned)(w - ids.pool);
	ids.n++;
}

/* Open a directory once per (dev, ino): /bin and /usr/bin are one
 * directory on merged-/usr systems.  `st` gets its stat. */
static long
open_dir_once(const char *dir, struct stat *st)
{
	long fd;
	int i;

	fd = rp_raw4(SYS_openat, AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (RP_RAW_ERR(fd))
		return -1;
	if (RP_RAW_ERR(rp_raw2(SYS_fstat, fd, st)))
		goto skip;
	for (i = 0; i < ids.n_seen; i++)
		if (ids.seen_dev[i] == st->st_dev && ids.seen_ino[i] == st->st_ino)
			goto skip;
	if (ids.n_seen < RP_ID_DIRS) {
		ids.seen_dev[ids.n_seen] = st->st_dev;
		ids.seen_ino[ids.n_seen] = st->st_ino;
		ids.n_seen++;
	}
	return fd;
skip:
	rp_raw1(SYS_close, fd);
	return -1;
}

struct rp_dirent {
	unsigned long ino;
	long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* "dir/name" into ids.full. */
static void
join_full(const char *name)
{
	struct rp_buf b;

	rp_buf_init(&b, ids.full, sizeof(ids.full));
	rp_buf_str(&b, ids.dir);
	rp_buf_char(&b, '/');
	rp_buf_str(&b, name);
}

/* A matched entry: recorded when it is (or leads to) a regular file. */
static void
record(long dirfd, const char *name, int pat)
{
	struct stat st;

	if (RP_RAW_ERR(rp_raw4(SYS_newfstatat, dirfd, name, &st, 0)) || !S_ISREG(st.st_mode))
		return;
	join_full(name);
	id_add(&st, pat, ids.full);
}

/* Record every regular file in `dir` that a DenyExec pattern matches. */
static void
scan_dir(const struct rp_policy *p, const char *dir)
{
	struct stat dst;
	size_t dlen = strlen(dir);
	long fd, n;
	int napp;

	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	if (dlen >= sizeof(ids.dir))
		return;
	memcpy(ids.dir, dir, dlen);
	ids.dir[dlen] = '\0';
	if (dlen == 1)
		ids.dir[0] = '\0';	/* "/" joins as "/name" */
	if ((fd = open_dir_once(dir, &dst)) < 0)
		return;
	/* Listed, never probed name by name: the rule matches names with a
	 * triplet or a version that no literal pattern spells. */
	napp = rp_names_paths_for(&ids.names, ids.dir, ids.app);
	while ((n = rp_raw3(SYS_getdents64, fd, ids.dents, sizeof(ids.dents))) > 0) {
		long off = 0;

		while (off < n) {
			struct rp_dirent *d = (struct rp_dirent *)(ids.dents + off);
			const char *nm = d->name;
			int best;

			off += d->reclen;
			/* d_type: no system call for the directories */
			if (d->type == DT_DIR || (nm[0] == '.' && (!nm[1] || (nm[1] == '.' && !nm[2]))))
				continue;
			best = rp_deny_name(p, &ids.names, nm, strlen(nm));
			if (best < 0 && napp) {
				join_full(nm);
				best = rp_deny_path(p, ids.app, napp, ids.full);
			}
			if (best >= 0)
				record(fd, nm, best);
		}
	}
	rp_raw1(SYS_close, fd);
}

static void
dirs_push(int set, const char *s, size_t len)
{
	if (ids.n_dirs[set] >= RP_ID_DIRS || len >= sizeof(ids.dirs[0][0]))
		return;
	memcpy(ids.dirs[set][ids.n_dirs[set]], s, len);
	ids.dirs[set][ids.n_dirs[set]][len] = '\0';
	ids.n_dirs[set]++;
}

/* Expand the directory part of a pattern with '/' ("/usr/lib/gcc/x/y" of
 * "/usr/lib/gcc/x/y/z"), one component at a time, into dirs[final set];
 * returns that set. */
static int
expand_dir_part(const char *pat)
{
	const char *end = strrchr(pat, '/'), *c = pat;
	int cur = 0;

	ids.n_dirs[0] = 0;
	dirs_push(0, "", 0);
	while (c < end) {
		const char *s;
		size_t clen;
		int nxt = !cur, i;

		while (*c == '/')
			c++;
		s = c;
		while (c < end && *c != '/')
			c++;
		clen = (size_t)(c - s);
		if (!clen)
			continue;
		ids.n_dirs[nxt] = 0;
		for (i = 0; i < ids.n_dirs[cur]; i++) {
			char comp[256], prefix[256];
			size_t pl = strlen(ids.dirs[cur][i]);
			long fd, n;

			if (clen >= sizeof(comp) || pl + clen + 2 >= sizeof(prefix))
				continue;
			memcpy(prefix, ids.dirs[cur][i], pl);
			memcpy(comp, s, clen);
			comp[clen] = '\0';
			if (!strpbrk(comp, "*?[\\")) {
				prefix[pl] = '/';
				memcpy(prefix + pl + 1, comp, clen + 1);
				dirs_push(nxt, prefix, pl + 1 + clen);
				continue;
			}
			prefix[pl] = '\0';
			fd = rp_raw4(SYS_openat, AT_FDCWD, pl ? prefix : "/",
				     O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
			if (RP_RAW_ERR(fd))
				continue;
			while ((n = rp_raw3(SYS_getdents64, fd, ids.dents, sizeof(ids.dents))) > 0) {
				long off = 0;

				while (off < n) {
					struct rp_dirent *d = (struct rp_dirent *)(ids.dents + off);
					size_t nl = strlen(d->name);

					off += d->reclen;
					if (d->name[0] == '.' || (d->type != DT_DIR && d->type != DT_LNK &&
								  d->type != DT_UNKNOWN))
						continue;
					if (!rp_glob_match(comp, d->name, 1) || pl + nl + 2 >= sizeof(prefix))
						continue;
					prefix[pl] = '/';
					memcpy(prefix + pl + 1, d->name, nl + 1);
					dirs_push(nxt, prefix, pl + 1 + nl);
				}
			}
			rp_raw1(SYS_close, fd);
		}
		cur = nxt;
	}
	return cur;
}

/* scan_dir each absolute entry of a colon list. */
static void
scan_list(const struct rp_policy *p, const char *list)
{
	while (list && *list) {
		const char *e = strchr(list, ':');
		size_t len = e ? (size_t)(e - list) : strlen(list);

		if (len && list[0] == '/' && len < sizeof(ids.full)) {
			char dir[RP_PATH_MAX];

			memcpy(dir, list, len);
			dir[len] = '\0';
			scan_dir(p, dir);
		}
		list = e ? e + 1 : NULL;
	}
}

static void
build_ids(const struct rp_policy *p, const char *pathenv)
{
	struct stat st;
	int i;

	ids.n = ids.overflow = ids.n_seen = 0;
	ids.pool_used = 0;
	ids.ld_ok = 0;
	ids.policy = p;
	memset(ids.id_slot, 0xff, sizeof(ids.id_slot));
	rp_names_build(&ids.names, p);
	if (!RP_RAW_ERR(rp_raw4(SYS_newfstatat, AT_FDCWD, RP_PT_INTERP, &st, 0))) {
		ids.ld_dev = st.st_dev;
		ids.ld_ino = st.st_ino;
		ids.ld_ok = 1;
	}
	if (p->n_deny_exec == 0)
		return;
	/* the PATH of the first decision (the default one when there is
	 * none), then the standard directories */
	scan_list(p, pathenv ? pathenv : RP_EXEC_DEFAULT_PATH);
	scan_list(p, RP_EXEC_STD_DIRS);
	for (i = 0; i < p->n_deny_exec; i++) {
		const char *pat = p->deny_exec[i].text;
		int set, j;

		if (!has_slash(pat) || pat[0] != '/')
			continue;
		set = expand_dir_part(pat);
		for (j = 0; j < ids.n_dirs[set]; j++) {
			char dir[256];

			copy_str(dir, ids.dirs[set][j][0] ? ids.dirs[set][j] : "/", sizeof(dir));
			scan_dir(p, dir);
		}
	}
}

/* The prepared patterns once the table is built for `p` (the first
 * decision of a process matches names the slow way). */
static const struct rp_names *
names_ready(const struct rp_policy *p)
{
	if (__atomic_load_n(&ids.state, __ATOMIC_ACQUIRE) == IDS_READY && ids.policy == p)
		return &ids.names;
	return NULL;
}

/* Returns 1 when the table is ready for `p`; 0 if another thread is still
 * building it after a bounded wait (the identity check is then skipped). */
static int
ids_ready(const struct rp_policy *p, const char *pathenv)
{
	int spins;

	for (spins = 0; spins < 4000; spins++) {
		int st = __atomic_load_n(&ids.state, __ATOMIC_ACQUIRE), expect = IDS_EMPTY;

		if (st == IDS_READY && ids.policy == p)
			return 1;
		if (st == IDS_READY)
			__atomic_compare_exchange_n(&ids.state, &(int){ IDS_READY }, IDS_EMPTY, 0,
						    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
		if (__atomic_compare_exchange_n(&ids.state, &expect, IDS_BUSY, 0,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			build_ids(p, pathenv);
			__atomic_store_n(&ids.state, IDS_READY, __ATOMIC_RELEASE);
			return 1;
		}
		{
			struct timespec ts = { 0, 50000 };

			rp_raw2(SYS_nanosleep, &ts, NULL);
		}
	}
	return 0;
}

void
rp_exec_prepare(const struct rp_policy *p, const char *pathenv)
{
	if (p && p->n_deny_exec)
		ids_ready(p, pathenv);
}

/* ---- fingerprints of the recorded files (fprint.h) ----------------------
 *
 * RP_FPRINT_ENV as this process received it, "NAME=VALUE", kept so that
 * the exec wrappers hand exactly this on (stickyenv.h) and so that an app
 * changing its environment changes neither the list nor its children's. */
static char fp_entry[RP_FPRINT_ENV_MAX];

void
rp_exec_set_fingerprints(const char *value)
{
	size_t nl = sizeof(RP_FPRINT_ENV) - 1, vl = value ? strlen(value) : 0;

	fp_entry[0] = '\0';
	if (!value || nl + 1 + vl >= sizeof(fp_entry))
		return;		/* too long to be ours: as if absent (fail closed) */
	memcpy(fp_entry, RP_FPRINT_ENV "=", nl + 1);
	memcpy(fp_entry + nl + 1, value, vl + 1);
}

const char *
rp_exec_fingerprint_entry(void)
{
	return fp_entry[0] ? fp_entry : NULL;
}

/* The fingerprint of recorded file i: from its bytes, else (it is
 * unreadable here, which is what Landlock does to it under the loader)
 * from the loader's list; the list is trusted only where nothing better
 * is at hand.  Returns 0, or -1 when neither is there. */
static int
id_fprint(int i, struct rp_fprint *out)
{
	const struct rp_id *d = &ids.id[i];
	long fd;

	fd = rp_raw4(SYS_openat, AT_FDCWD, ids.pool + d->path_off, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
	if (!RP_RAW_ERR(fd)) {
		int r = rp_fprint_fd(fd, d->size, out);

		rp_raw1(SYS_close, fd);
		if (r == 0)
			return 0;
	}
	if (fp_entry[0] &&
	    rp_fprint_lookup(fp_entry + sizeof(RP_FPRINT_ENV), d->dev, d->ino, d->size, out))
		return 0;
	return -1;
}

int
rp_exec_fingerprints(const struct rp_policy *p, const char *pathenv, char *out, size_t cap,
		     int *count)
{
	int i;

	*count = 0;
	if (!cap)
		return -E2BIG;
	out[0] = '\0';
	if (!p || !p->n_deny_exec)
		return 0;
	rp_exec_forget();		/* built for this PATH, as the app's shim will */
	if (!ids_ready(p, pathenv))
		return -EAGAIN;
	for (i = 0; i < ids.n; i++) {
		struct rp_fprint fp;
		long fd;
		int r;

		if (ids.id[i].size <= 0)
			continue;
		fd = rp_raw4(SYS_openat, AT_FDCWD, ids.pool + ids.id[i].path_off,
			     O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
		if (RP_RAW_ERR(fd))
			continue;	/* the shim cannot either: it fails closed */
		r = rp_fprint_fd(fd, ids.id[i].size, &fp);
		rp_raw1(SYS_close, fd);
		if (r != 0)
			continue;
		if (rp_fprint_append(out, cap, ids.id[i].dev, ids.id[i].ino, ids.id[i].size, &fp) != 0)
			return -E2BIG;
		(*count)++;
	}
	return 0;
}

/* Identity check of the final target; `rfd` is readable or -1.  A copy is
 * a regular file of a recorded file's size and fingerprint.  Where that
 * cannot be decided (the original's fingerprint is neither in the list
 * nor computable, or the candidate cannot be read), it is denied: an
 * unreadable original must not turn the check off (docs/threat-model.md). */
static int
judge_identity(const struct rp_policy *p, const struct stat *st, long rfd,
	       const char *pathenv, struct rp_exec_verdict *v)
{
	struct rp_fprint cand, orig;
	int i, have_cand = 0;

	if (!ids_ready(p, pathenv))
		return 0;
	i = ids.id_slot[id_slot_of(st->st_dev, st->st_ino)];
	if (i != 0xffff)
		return deny(v, "deny-id", p->deny_exec[ids.id[i].pat].text, 0,
			    ids.pool + ids.id[i].path_off);
	if (!S_ISREG(st->st_mode) || st->st_size <= 0)
		return 0;
	for (i = 0; i < ids.n; i++) {
		const char *where = ids.pool + ids.id[i].path_off;
		const char *pat = p->deny_exec[ids.id[i].pat].text;

		if (ids.id[i].size != st->st_size)
			continue;
		if (!have_cand) {
			if (rfd < 0 || rp_fprint_fd(rfd, st->st_size, &cand) != 0) {
				v->unverified = 1;
				return deny(v, "deny-id", pat, 0, where);
			}
			have_cand = 1;
		}
		if (id_fprint(i, &orig) != 0) {
			v->unverified = 1;
			return deny(v, "deny-id", pat, 0, where);
		}
		if (orig.h[0] == cand.h[0] && orig.h[1] == cand.h[1])
			return deny(v, "deny-id", pat, 0, where);
	}
	return 0;
}

/* ---- W^X ------------------------------------------------------------------ */

/* The kernel's names of the policy's directories, looked up once per
 * process rather than at every exec decision (an open, a readlink and a
 * close per directory).  A writable directory cannot be renamed by the
 * app (its parent is not writable), so the name stays right.  Only
 * successful lookups are kept: a directory missing now is looked up again
 * next time.  Each slot is claimed with a CAS; a thread (or a vfork child,
 * whose writes land in the parent's memory) that finds it busy looks the
 * name up itself. */
enum { CANON_EMPTY = 0, CANON_BUSY, CANON_READY };

struct canon_slot {
	int state;
	char src[RP_PATH_MAX];		/* the policy path it was made from */
	char name[RP_PATH_MAX];
	size_t len;
};

static struct canon_slot canon_writable[RP_MAX_DIRS], canon_exec[RP_MAX_EXEC_DIRS];

static size_t
canon_cached(struct canon_slot *slot, const char *dir, char *tmp, size_t cap,
	     const char **name)
{
	int expect = CANON_EMPTY;
	long fd, n = -1;

	if (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) == CANON_READY &&
	    strcmp(slot->src, dir) == 0) {
		*name = slot->name;
		return slot->len;
	}
	*name = tmp;
	fd = rp_raw4(SYS_openat, AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (!RP_RAW_ERR(fd)) {
		n = fd_name(fd, tmp, cap);
		rp_raw1(SYS_close, fd);
	}
	if (n <= 0 || tmp[0] != '/') {
		/* missing (or no /proc): the policy's spelling, not kept */
		copy_str(tmp, dir, cap);
		return strlen(tmp);
	}
	if (strlen(dir) < sizeof(slot->src) &&
	    __atomic_compare_exchange_n(&slot->state, &expect, CANON_BUSY, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		copy_str(slot->src, dir, sizeof(slot->src));
		memcpy(slot->name, tmp, (size_t)n + 1);
		slot->len = (size_t)n;
		__atomic_store_n(&slot->state, CANON_READY, __ATOMIC_RELEASE);
	}
	return (size_t)n;
}

static int
under_dirs(const struct rp_dir *d, int n, struct canon_slot *slots, const char *path)
{
	size_t plen = strlen(path);
	char canon[RP_PATH_MAX];
	int i;

	for (i = 0; i < n; i++) {
		const char *name;
		size_t cl;

		if (rp_path_beneath(path, plen, d[i].path, d[i].len))
			return i;
		cl = canon_cached(&slots[i], d[i].path, canon, sizeof(canon), &name);
		if (rp_path_beneath(path, plen, name, cl))
			return i;
	}
	return -1;
}

int
rp_exec_wx_dir(const struct rp_policy *p, const char *canon)
{
	int w = under_dirs(p->writable, p->n_writable, canon_writable, canon);

	if (w < 0 || under_dirs(p->exec_writable, p->n_exec_writable, canon_exec, canon) >= 0)
		return -1;
	return w;
}

static int
judge_wx(const struct rp_policy *p, const char *canon, struct rp_exec_verdict *v)
{
	int w = under_dirs(p->writable, p->n_writable, canon_writable, canon);

	if (w < 0 || under_dirs(p->exec_writable, p->n_exec_writable, canon_exec, canon) >= 0)
		return 0;
	return deny(v, "wx", p->writable[w].path, 0, canon);
}

/* ---- dynamic loader and #! ----------------------------------------------- */

/* ld.so's options in glibc 2.36 (elf/rtld.c, dl_main's option loop).  The
 * first argument that is not one of these is the program. */
static const struct {
	const char *name;
	char takes_arg;
	char info_only;		/* prints something and exits: runs nothing */
	char refused;		/* could load code that unhooks the shim */
} ld_opts[] = {
	{ "--list", 0, 0, 0 },
	{ "--verify", 0, 0, 0 },
	{ "--inhibit-cache", 0, 0, 0 },
	{ "--library-path", 1, 0, 0 },
	{ "--inhibit-rpath", 1, 0, 0 },
	{ "--audit", 1, 0, 1 },		/* LD_AUDIT: la_symbind (row 23) */
	{ "--preload", 1, 0, 0 },	/* after LD_PRELOAD: the shim stays first */
	{ "--argv0", 1, 0, 0 },
	{ "--glibc-hwcaps-prepend", 1, 0, 0 },
	{ "--glibc-hwcaps-mask", 1, 0, 0 },
	{ "--list-tunables", 0, 1, 0 },
	{ "--list-diagnostics", 0, 1, 0 },
	{ "--help", 0, 1, 0 },
	{ "--version", 0, 1, 0 },
};

/* An entry of an ld.so --preload or --library-path value that names
 * something beneath a writable dir: the library that option would map (or
 * the dir it would search) is code from a writable dir (docs/threat-model.md,
 * "Code loading").  By the spelling, lexically normalised (what the app can
 * create later), and by the kernel's name of what exists.  Returns the
 * writable dir's index, or -1. */
static int
ld_opt_writable(const struct rp_policy *p, const char *val, int dirs)
{
	const char *seps = dirs ? ":" : " :";

	while (p) {
		size_t n = strcspn(val, seps);
		char ent[RP_PATH_MAX], abs[RP_PATH_MAX], canon[RP_PATH_MAX];
		int w = -1;
		long fd;

		/* a file name without '/' is searched, in the checked dirs */
		if (n < sizeof(ent) && (dirs || (n && memchr(val, '/', n)))) {
			memcpy(ent, val, n);
			ent[n] = '\0';
			if (!n)
				strcpy(ent, ".");	/* empty path entry: the cwd */
			abs_of(AT_FDCWD, ent, abs, sizeof(abs));
			w = rp_exec_wx_dir(p, abs);
			fd = rp_raw4(SYS_openat, AT_FDCWD, ent, O_PATH | O_CLOEXEC, 0);
			if (w < 0 && !RP_RAW_ERR(fd) && fd_name(fd, canon, sizeof(canon)) > 0)
				w = rp_exec_wx_dir(p, canon);
			if (!RP_RAW_ERR(fd))
				rp_raw1(SYS_close, fd);
			if (w >= 0)
				return w;
		}
		val += n;
		if (!*val)
			break;
		val++;
	}
	return -1;
}

/* Find the program ld.so would run.  Returns 1 with *prog (and *argv0)
 * set, 0 when it runs nothing, -1 (verdict set) when it must be denied. */
static int
parse_ld_args(const struct rp_policy *p, char *const argv[], const char **prog,
	      const char **argv0, const char *where, struct rp_exec_verdict *v)
{
	int i, info = 0;

	*argv0 = NULL;
	if (!argv || !argv[0]) {
		deny(v, "ld.so", "no argument vector", 0, where);
		return -1;
	}
	for (i = 1; argv[i]; i++) {
		size_t k;
		int known = 0;

		for (k = 0; k < sizeof(ld_opts) / sizeof(ld_opts[0]); k++) {
			if (strcmp(argv[i], ld_opts[k].name) != 0)
				continue;
			known = 1;
			if (ld_opts[k].refused) {
				deny(v, "ld.so", ld_opts[k].name, 0, where);
				return -1;
			}
			info |= ld_opts[k].info_only;
			if (ld_opts[k].takes_arg) {
				if (!argv[i + 1]) {
					deny(v, "ld.so", "option without its argument", 0, where);
					return -1;
				}
				if (strcmp(ld_opts[k].name, "--argv0") == 0)
					*argv0 = argv[i + 1];
				if ((strcmp(ld_opts[k].name, "--preload") == 0 &&
				     ld_opt_writable(p, argv[i + 1], 0) >= 0) ||
				    (strcmp(ld_opts[k].name, "--library-path") == 0 &&
				     ld_opt_writable(p, argv[i + 1], 1) >= 0)) {
					deny(v, "wx", ld_opts[k].name, 0, argv[i + 1]);
					return -1;
				}
				i++;
			}
			break;
		}
		if (!known)
			break;
	}
	if (info)
		return 0;
	if (!argv[i]) {
		deny(v, "ld.so", "no program to judge", 0, where);
		return -1;
	}
	if (!has_slash(argv[i])) {
		/* ld.so looks such a name up in the library search path */
		deny(v, "ld.so", "program name without '/'", 0, where);
		return -1;
	}
	*prog = argv[i];
	if (!*argv0)
		*argv0 = argv[i];
	return 1;
}

/* The interpreter of a #! script in `head`, copied to `out`; 0 if none. */
static int
shebang(const char *head, long n, char *out, size_t cap)
{
	long i = 2, s;

	if (n < 3 || head[0] != '#' || head[1] != '!')
		return 0;
	while (i < n && (head[i] == ' ' || head[i] == '\t'))
		i++;
	s = i;
	while (i < n && head[i] != ' ' && head[i] != '\t' && head[i] != '\n' && head[i] != '\0')
		i++;
	if (i == s || (size_t)(i - s) >= cap)
		return 0;
	memcpy(out, head + s, (size_t)(i - s));
	out[i - s] = '\0';
	return 1;
}

/* ---- one stage --------------------------------------------------------- */

struct stage {
	int dirfd;
	const char *path;
	int flags;
	const char *argv0;	/* NULL: not checked */
	char *const *argv;	/* for ld.so option parsing */
};

/* Judge one program.  Returns 1 (verdict set) to deny, 0 to allow with
 * `next` holding the path of a further stage (interpreter or ld.so
 * program) or empty. */
static int
judge_stage(const struct rp_policy *p, const struct stage *s, const char *pathenv,
	    struct rp_exec_verdict *v, char *next, const char **next_argv0,
	    char *const **next_argv)
{
	char cur[RP_PATH_MAX], lnk[RP_PATH_MAX], abs[RP_PATH_MAX];
	const char *pat;
	struct stat st;
	long fd, rfd = -1, n;
	int hop = 0, r = 0;

	next[0] = '\0';
	*next_argv0 = NULL;
	*next_argv = NULL;
	/* 1. the name as given and every symlink hop */
	if (!((s->flags & RP_EXEC_EMPTY_PATH) && !s->path[0])) {
		copy_str(cur, s->path, sizeof(cur));
		for (hop = 0; hop <= RP_MAX_HOPS; hop++) {
			const char *slash;

			if ((pat = match_name(p, base_of(cur))))
				return deny(v, "deny-exec", pat, hop, cur);
			abs_of(s->dirfd, cur, abs, sizeof(abs));
			if ((pat = match_path(p, abs)))
				return deny(v, "deny-exec", pat, hop, abs);
			n = rp_raw4(SYS_readlinkat, s->dirfd, cur, lnk, sizeof(lnk) - 1);
			if (RP_RAW_ERR(n) || n <= 0)
				break;
			lnk[n] = '\0';
			slash = strrchr(cur, '/');
			if (lnk[0] != '/' && slash) {
				size_t dl = (size_t)(slash - cur) + 1;

				if (dl + (size_t)n >= sizeof(cur))
					break;
				memmove(cur + dl, lnk, (size_t)n + 1);
			} else {
				memcpy(cur, lnk, (size_t)n + 1);
			}
		}
	}
	/* 2. argv[0] of a multi-call binary */
	if (s->argv0 && (pat = match_name(p, base_of(s->argv0))))
		return deny(v, "deny-exec", pat, 0, s->argv0);
	/* 3. the final target as the kernel resolves it */
	if ((s->flags & RP_EXEC_EMPTY_PATH) && !s->path[0]) {
		char link[40];

		fd_path(link, sizeof(link), s->dirfd);
		fd = rp_raw4(SYS_openat, AT_FDCWD, link, O_PATH | O_CLOEXEC, 0);
	} else {
		fd = rp_raw4(SYS_openat, s->dirfd, s->path, O_PATH | O_CLOEXEC, 0);
	}
	if (RP_RAW_ERR(fd))
		return 0;	/* nothing there: the exec itself fails */
	if (RP_RAW_ERR(rp_raw2(SYS_fstat, fd, &st)) || !S_ISREG(st.st_mode))
		goto out;	/* not a regular file: the kernel refuses (EACCES) */
	if (fd_name(fd, v->resolved, sizeof(v->resolved)) < 0)
		abs_of(s->dirfd, s->path, v->resolved, sizeof(v->resolved));
	if ((pat = match_name(p, base_of(v->resolved))) || (pat = match_path(p, v->resolved))) {
		r = deny(v, "deny-exec", pat, hop, v->resolved);
		goto out;
	}
	/* 4. memfd, W^X, identity */
	if (is_memfd_name(v->resolved)) {
		v->memfd = 1;
		if (!p->memfd_exec) {
			r = deny(v, "memfd", "MemfdExec deny", hop, v->resolved);
			goto out;
		}
	}
	if ((r = judge_wx(p, v->resolved, v)))
		goto out;
	{
		char link[40];

		fd_path(link, sizeof(link), fd);
		rfd = rp_raw4(SYS_openat, AT_FDCWD, link, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
		if (RP_RAW_ERR(rfd))
			rfd = -1;	/* execute-only file: no content checks */
	}
	if ((r = judge_identity(p, &st, rfd, pathenv, v)))
		goto out;
	/* 5. what it really runs */
	if (rp_exec_is_loader_name(base_of(v->resolved)) ||
	    (ids.ld_ok && st.st_dev == ids.ld_dev && st.st_ino == ids.ld_ino)) {
		const char *prog, *a0;
		int k = parse_ld_args(p, s->argv, &prog, &a0, v->resolved, v);

		if (k < 0) {
			r = 1;
			goto out;
		}
		if (k > 0) {
			copy_str(next, prog, RP_PATH_MAX);
			*next_argv0 = a0;
		}
		goto out;
	}
	if (rfd >= 0) {
		char head[RP_HEAD_BYTES];

		n = rp_raw4(SYS_pread64, rfd, head, sizeof(head), 0);
		if (!RP_RAW_ERR(n) && shebang(head, n, next, RP_PATH_MAX))
			*next_argv = NULL;
	}
out:
	if (rfd >= 0)
		rp_raw1(SYS_close, rfd);
	rp_raw1(SYS_close, fd);
	return r;
}

/* ---- PATH search (posix/execvpe.c) -------------------------------------- */

int
rp_exec_search_path(const char *file, const char *pathenv, char *out, size_t cap, int *err)
{
	const char *p = pathenv ? pathenv : RP_EXEC_DEFAULT_PATH;
	size_t flen = strlen(file);

	*err = ENOENT;
	for (;;) {
		const char *e = strchr(p, ':');
		size_t dl = e ? (size_t)(e - p) : strlen(p);
		struct stat st;

		if (dl + 1 + flen < cap) {
			if (dl) {	/* an empty entry means the current directory */
				memcpy(out, p, dl);
				out[dl] = '/';
				memcpy(out + dl + 1, file, flen + 1);
			} else {
				memcpy(out, file, flen + 1);
			}
			if (!RP_RAW_ERR(rp_raw4(SYS_newfstatat, AT_FDCWD, out, &st, 0))) {
				/* execve checks the effective ids: faccessat2 with
				 * AT_EACCESS (5.8), else faccessat (real ids) */
				long r = rp_raw4(SYS_faccessat2, AT_FDCWD, out, X_OK, AT_EACCESS);

				if (r == -ENOSYS || r == -EPERM)
					r = rp_raw3(SYS_faccessat, AT_FDCWD, out, X_OK);
				if (S_ISREG(st.st_mode) && !RP_RAW_ERR(r))
					return 1;
				/* glibc's execvp goes on after EACCES and reports it
				 * at the end (posix/execvpe.c) */
				*err = EACCES;
			}
		}
		if (!e)
			break;
		p = e + 1;
	}
	out[0] = '\0';
	return 0;
}

/* ---- entry points ------------------------------------------------------ */

int
rp_exec_decide_at(const struct rp_policy *p, int dirfd, const char *path,
		  char *const argv[], int flags, const char *pathenv,
		  struct rp_exec_verdict *v)
{
	char next[RP_PATH_MAX], first[RP_PATH_MAX];
	struct stage s;
	int i;

	v->deny = v->not_found = v->memfd = v->stage = v->hop = v->unverified = 0;
	v->err = ENOENT;
	v->rule = v->pattern = NULL;
	v->hop_path[0] = v->resolved[0] = v->path[0] = '\0';
	if (!path || strlen(path) >= sizeof(v->path)) {
		v->not_found = 1;
		v->err = path ? ENAMETOOLONG : EFAULT;
		return 0;
	}
	if ((flags & RP_EXEC_SEARCH) && !has_slash(path) && path[0]) {
		if (!rp_exec_search_path(path, pathenv, v->path, sizeof(v->path), &v->err)) {
			v->not_found = 1;
			copy_str(v->path, path, sizeof(v->path));
		}
	} else {
		copy_str(v->path, path, sizeof(v->path));
	}
	if (!p)
		return deny(v, "policy-unavailable", NULL, 0, v->path);
	if (v->not_found)
		return 0;
	if (!(flags & RP_EXEC_EMPTY_PATH) && v->path[0]) {
		/* Nothing there: the exec fails with ENOENT on its own, and a
		 * denial would only add noise (dash tries every PATH entry with
		 * execve, so `gcc` would log once per directory).  A file made
		 * there later is judged by that later exec. */
		struct stat st;
		long r = rp_raw4(SYS_newfstatat, dirfd, v->path, &st, 0);

		if (r == -ENOENT || r == -ENOTDIR) {
			v->not_found = 1;
			v->err = (int)-r;
			return 0;
		}
	}
	s.dirfd = dirfd;
	s.path = v->path;
	s.flags = flags & RP_EXEC_EMPTY_PATH;
	s.argv = argv;
	s.argv0 = argv ? argv[0] : NULL;
	first[0] = '\0';
	for (i = 0; i < RP_MAX_STAGES; i++) {
		const char *a0;
		char *const *av;

		v->stage = i;
		if (judge_stage(p, &s, pathenv, v, next, &a0, &av))
			return 1;
		if (i == 0)
			copy_str(first, v->resolved, sizeof(first));
		if (!next[0])
			break;
		/* the next stage's path must outlive `next` */
		copy_str(v->hop_path, next, sizeof(v->hop_path));
		s.dirfd = AT_FDCWD;
		s.path = v->hop_path;
		s.flags = 0;
		s.argv0 = a0;
		s.argv = av;
	}
	if (i == RP_MAX_STAGES)
		return deny(v, "ld.so", "too many interpreter levels", i, v->hop_path);
	copy_str(v->resolved, first, sizeof(v->resolved));
	v->hop_path[0] = '\0';
	v->stage = 0;
	return 0;
}

int
rp_exec_decide(const struct rp_policy *p, const char *path, char *const argv[],
	       int search, const char *pathenv, struct rp_exec_verdict *v)
{
	return rp_exec_decide_at(p, AT_FDCWD, path, argv, search ? RP_EXEC_SEARCH : 0,
				 pathenv, v);
}
