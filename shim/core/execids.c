/* execids.c - the identities of denied programs: the per-process table of
 * (device, inode, size) of every file a DenyExec pattern matches, and the
 * content fingerprints that know a renamed copy (part of the exec
 * decision, execparts.h).
 */
#include "execparts.h"

#include <dirent.h>
#include <errno.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "devino.h"
#include "execdirs.h"
#include "fprint.h"
#include "glob.h"
#include "rules.h"

/* The dynamic loader named in PT_INTERP of this architecture's programs. */
#if defined(__x86_64__)
#define RP_PT_INTERP "/lib64/ld-linux-x86-64.so.2"
#elif defined(__aarch64__)
#define RP_PT_INTERP "/lib/ld-linux-aarch64.so.1"
#endif

/*
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
	struct rp_devino seen[RP_ID_DIRS];	/* directories listed */
	unsigned n_seen;
	unsigned short app[RP_MAX_PATTERNS];	/* path patterns for this dir */
	char dirs[2][RP_ID_DIRS][256];
	int n_dirs[2];
	/* /usr/bin in two getdents64 calls; records are 8-byte aligned
	 * from the start of the buffer */
	char dents[32768] __attribute__((aligned(8)));
	char full[RP_PATH_MAX];
	char dir[RP_PATH_MAX];
} ids;

int
rp_exec_is_loader_file(const struct stat *st)
{
	return ids.ld_ok && st->st_dev == ids.ld_dev && st->st_ino == ids.ld_ino;
}

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
	return (unsigned)rp_devino_hash(dev, ino) & (RP_ID_SLOTS - 1);
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

	fd = rp_raw4(SYS_openat, AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (RP_RAW_ERR(fd))
		return -1;
	if (RP_RAW_ERR(rp_raw2(SYS_fstat, fd, st)))
		goto skip;
	/* when the set is full, a directory may be listed twice: no harm */
	if (rp_devino_add(ids.seen, &ids.n_seen, RP_ID_DIRS, st->st_dev, st->st_ino) == 0)
		goto skip;
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

static void
build_ids(const struct rp_policy *p, const char *pathenv)
{
	struct rp_exec_dirs dirs = { pathenv, NULL, 0 };
	char path_dir[RP_PATH_MAX];
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
	/* the PATH of the first decision, then the standard directories */
	while (rp_exec_dirs_next(&dirs, path_dir, sizeof(path_dir)))
		scan_dir(p, path_dir);
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
const struct rp_names *
rp_exec_names(const struct rp_policy *p)
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
int
rp_exec_judge_identity(const struct rp_policy *p, const struct stat *st, long rfd,
	       const char *pathenv, struct rp_exec_verdict *v)
{
	struct rp_fprint cand, orig;
	int i, have_cand = 0;

	if (!ids_ready(p, pathenv))
		return 0;
	i = ids.id_slot[id_slot_of(st->st_dev, st->st_ino)];
	if (i != 0xffff)
		return rp_exec_deny(v, RP_RULE(DENY_ID), p->deny_exec[ids.id[i].pat].text, 0,
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
				return rp_exec_deny(v, RP_RULE(DENY_ID), pat, 0, where);
			}
			have_cand = 1;
		}
		if (id_fprint(i, &orig) != 0) {
			v->unverified = 1;
			return rp_exec_deny(v, RP_RULE(DENY_ID), pat, 0, where);
		}
		if (orig.h[0] == cand.h[0] && orig.h[1] == cand.h[1])
			return rp_exec_deny(v, RP_RULE(DENY_ID), pat, 0, where);
	}
	return 0;
}
