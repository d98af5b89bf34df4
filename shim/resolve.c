/* resolve.c - where would the kernel really act?  See resolve.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>

#include "rawsys.h"
#include "resolve.h"
#include "shim.h"
#include "strbuf.h"

#define RP_BENEATH (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)
#define RP_MAX_HOPS 40		/* the kernel's MAXSYMLINKS */

/* The open flags the kernel knows (include/linux/fcntl.h, VALID_OPEN_FLAGS).
 * open() drops other bits silently; openat2 refuses them with EINVAL, so
 * they are dropped before anchoring (research notes, section 4 B). */
#define RP_VALID_OPEN_FLAGS                                                   \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |       \
	 O_NONBLOCK | O_DSYNC | O_SYNC | FASYNC | O_DIRECT | O_LARGEFILE |     \
	 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | O_TMPFILE)

/* openat2: 0 not tried yet, 1 works, -1 missing (ENOSYS) or refused by a
 * seccomp profile that predates it (Docker's answers EPERM). */
static int openat2_state;

char *
rp_fd_path(char *buf, int fd)
{
	struct rp_buf b;

	rp_buf_init(&b, buf, 32);
	rp_buf_str(&b, "/proc/self/fd/");
	rp_buf_long(&b, fd);
	return buf;
}

static int
needs_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

/* openat2(rootfd, rel, BENEATH | NO_MAGICLINKS).  Returns an fd or
 * -errno; -ENOSYS when openat2 cannot be used at all. */
static long
beneath(int rootfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how;
	long r;

	if (__atomic_load_n(&openat2_state, __ATOMIC_RELAXED) < 0)
		return -ENOSYS;
	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(flags & RP_VALID_OPEN_FLAGS);
	how.mode = needs_mode(flags) ? (mode & 07777) : 0;
	how.resolve = RP_BENEATH;
	r = rp_raw4(SYS_openat2, rootfd, rel, &how, sizeof(how));
	if (r == -ENOSYS || (r == -EPERM && openat2_state == 0)) {
		/* EPERM is also a real answer (O_NOATIME, immutable files):
		 * tell the two apart once with a harmless probe. */
		struct open_how probe = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_BENEATH };
		long p = rp_raw4(SYS_openat2, rootfd, ".", &probe, sizeof(probe));

		if (RP_RAW_ERR(p)) {
			__atomic_store_n(&openat2_state, -1, __ATOMIC_RELAXED);
			return -ENOSYS;
		}
		rp_raw1(SYS_close, p);
	}
	__atomic_store_n(&openat2_state, 1, __ATOMIC_RELAXED);
	return r;
}

/* Errors after which the slow, name-checking route decides instead:
 * EXDEV (absolute symlink or ".." leaving the root), ELOOP (magic link, or
 * a real loop, which the slow route reports again), ENOSYS (no openat2). */
static int
fallback(long r)
{
	return r == -EXDEV || r == -ELOOP || r == -ENOSYS;
}

int
rp_at_copy(struct rp_at *at, const char *path)
{
	size_t n;

	at->fd = -1;
	at->own = 0;
	at->leaf = "";
	at->root = -1;
	at->exec_ok = 0;
	at->exec_known = 0;
	at->err = 0;
	at->st_mode = 0;
	at->path[0] = '\0';
	at->abs[0] = '\0';
	if (!path) {
		at->err = EFAULT;
		return -1;
	}
	n = strnlen(path, RP_PATH_MAX);
	if (n >= RP_PATH_MAX) {
		at->err = ENAMETOOLONG;
		return -1;
	}
	/* another thread may be rewriting the caller's buffer: terminate the
	 * copy where strnlen saw the end, whatever byte is there now */
	memcpy(at->path, path, n);
	at->path[n] = '\0';
	return 0;
}

/* Keep (the start of) `s` as the event spelling. */
static void
set_abs(struct rp_at *at, const char *s)
{
	size_t n = strnlen(s, sizeof(at->abs) - 1);

	memcpy(at->abs, s, n);
	at->abs[n] = '\0';
}

void
rp_at_release(struct rp_at *at)
{
	if (at->own && at->fd >= 0)
		rp_raw1(SYS_close, at->fd);	/* raw: errno untouched */
	at->fd = -1;
	at->own = 0;
}

/* Start of the last component of `p` (trailing slashes belong to it, so
 * rmdir("sub/") keeps its meaning).  "/" and "" have no component: the
 * index is the length. */
static size_t
leaf_index(const char *p)
{
	size_t e = strlen(p), s;

	while (e > 0 && p[e - 1] == '/')
		e--;
	s = e;
	while (s > 0 && p[s - 1] != '/')
		s--;
	return s;
}

/* ---- the roots ------------------------------------------------------- */

/* 0 not looked for, 1 being looked for, 2 known */
static int roots_state;

static void
find_roots(void)
{
	int i;

	for (i = 0; i < rp_state.policy.n_writable && i < RP_MAX_DIRS; i++) {
		struct rp_root *r = &rp_state.roots[i];
		char l[32];
		struct stat st;
		long fd, n;

		r->canon_len = 0;
		fd = rp_raw4(SYS_openat, AT_FDCWD, rp_state.policy.writable[i].path,
			     O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
		if (RP_RAW_ERR(fd))
			continue;	/* missing optional dir: nothing beneath it */
		if (RP_RAW_ERR(rp_raw2(SYS_fstat, fd, &st))) {
			rp_raw1(SYS_close, fd);
			continue;
		}
		n = rp_raw4(SYS_readlinkat, AT_FDCWD, rp_fd_path(l, (int)fd), r->canon,
			    sizeof(r->canon) - 1);
		rp_raw1(SYS_close, fd);
		if (RP_RAW_ERR(n) || n <= 0 || r->canon[0] != '/') {
			/* no /proc: trust the policy's spelling */
			n = (long)rp_state.policy.writable[i].len;
			memcpy(r->canon, rp_state.policy.writable[i].path, (size_t)n);
		}
		r->canon[n] = '\0';
		r->dev = st.st_dev;
		r->ino = st.st_ino;
		r->canon_len = (size_t)n;
	}
}

int
rp_roots_ready(void)
{
	int expect = 0, spins;

	if (__atomic_load_n(&roots_state, __ATOMIC_ACQUIRE) == 2)
		return 1;
	if (!rp_state.policy_ok)
		return 0;
	if (__atomic_compare_exchange_n(&roots_state, &expect, 1, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		find_roots();
		__atomic_store_n(&roots_state, 2, __ATOMIC_RELEASE);
		return 1;
	}
	/* Another thread is looking, or this thread is in a signal handler
	 * that interrupted the search: wait a bounded time, then fail closed. */
	for (spins = 0; spins < 2000; spins++) {
		struct timespec ts = { 0, 50000 };

		if (__atomic_load_n(&roots_state, __ATOMIC_ACQUIRE) == 2)
			return 1;
		rp_raw2(SYS_nanosleep, &ts, NULL);
	}
	return 0;
}

/* Root i exists: its canonical name is known.  The slow route needs
 * nothing more. */
static int
root_known(int i)
{
	return rp_state.policy_ok && i < rp_state.policy.n_writable &&
	       rp_state.roots[i].canon_len > 0;
}

/* Open root i for one decision: by its canonical name, through no
 * symlink, and only if it is still the directory found first (the app
 * may have renamed it and put another directory, or a symlink, in its
 * place).  The descriptor lives for the call only, so the app never sees
 * it in its fd table (a child listing /proc/self/fd, a daemon closing
 * every fd it did not open) and cannot close it or dup2 another directory
 * over it.  -1 when that fails: the slow route then decides by the
 * kernel's names. */
static long
root_open(int i)
{
	const struct rp_root *r = &rp_state.roots[i];
	struct open_how how;
	struct stat st;
	long fd = -ENOSYS;

	if (__atomic_load_n(&openat2_state, __ATOMIC_RELAXED) >= 0) {
		memset(&how, 0, sizeof(how));
		how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
		how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
		fd = rp_raw4(SYS_openat2, AT_FDCWD, r->canon, &how, sizeof(how));
	}
	if (fd == -ENOSYS || fd == -EPERM)
		fd = rp_raw4(SYS_openat, AT_FDCWD, r->canon, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (RP_RAW_ERR(fd))
		return -1;
	if (RP_RAW_ERR(rp_raw2(SYS_fstat, fd, &st)) || !S_ISDIR(st.st_mode) ||
	    st.st_dev != r->dev || st.st_ino != r->ino) {
		rp_raw1(SYS_close, fd);
		return -1;
	}
	return fd;
}

int
rp_canon_root(const char *canon, size_t len)
{
	int i, best = -1;
	size_t bestlen = 0;

	if (!rp_roots_ready())
		return -1;
	for (i = 0; i < RP_MAX_DIRS && i < rp_state.policy.n_writable; i++) {
		const struct rp_root *r = &rp_state.roots[i];

		if (!root_known(i))
			continue;	/* a missing optional dir: nothing beneath */
		if (r->canon_len >= bestlen && rp_path_beneath(canon, len, r->canon, r->canon_len)) {
			best = i;
			bestlen = r->canon_len;
		}
	}
	return best;
}

static int
exec_ok(const char *path)
{
	return rp_state.policy_ok &&
	       rp_policy_exec_writable(&rp_state.policy, path, strlen(path));
}

/* Spell the path absolutely (cwd or dirfd prepended, repeated slashes
 * squeezed, "." and ".." kept: only the kernel knows what ".." means
 * across symlinks), fill at->abs for events, and pick the writable root
 * whose name (policy spelling or canonical) is the longest prefix.  Never
 * used to allow on its own: it only chooses where to anchor. */
static int
spell_root(struct rp_at *at, int dirfd, char *sp, const char **rel, int *rootfd)
{
	size_t n = 0, plen = strlen(at->path), i, o;
	int k, best = -1, exact;
	size_t bestlen = 0;

	*rootfd = -1;
	/* the base goes straight into sp: one path buffer on the stack, not
	 * two (wrappers run on small signal stacks) */
	if (at->path[0] != '/') {
		long r;

		if (dirfd == AT_FDCWD) {
			r = rp_raw2(SYS_getcwd, sp, RP_PATH_MAX);
			if (!RP_RAW_ERR(r))
				n = strnlen(sp, RP_PATH_MAX - 1);
		} else {
			char l[32];

			r = rp_raw4(SYS_readlinkat, AT_FDCWD, rp_fd_path(l, dirfd), sp,
				    RP_PATH_MAX - 1);
			if (!RP_RAW_ERR(r))
				n = (size_t)r;
		}
		if (RP_RAW_ERR(r) || n == 0 || sp[0] != '/') {
			set_abs(at, at->path);
			return -1;
		}
		sp[n++] = '/';
	}
	if (n + plen + 1 > RP_PATH_MAX) {
		set_abs(at, at->path);
		return -1;
	}
	memcpy(sp + n, at->path, plen + 1);
	for (i = 0, o = 0; sp[i]; i++)
		if (!(sp[i] == '/' && o > 0 && sp[o - 1] == '/'))
			sp[o++] = sp[i];
	sp[o] = '\0';
	n = o;
	exact = rp_path_lexical(NULL, sp, at->abs, sizeof(at->abs)) == 0;
	if (!exact)
		set_abs(at, sp);
	if (!rp_roots_ready())
		return -1;
	for (k = 0; k < RP_MAX_DIRS && k < rp_state.policy.n_writable; k++) {
		const struct rp_dir *d = &rp_state.policy.writable[k];
		const struct rp_root *r = &rp_state.roots[k];

		if (!root_known(k))
			continue;

		if (d->len >= bestlen && rp_path_beneath(sp, n, d->path, d->len)) {
			best = k;
			bestlen = d->len;
		}
		if (r->canon_len >= bestlen && rp_path_beneath(sp, n, r->canon, r->canon_len)) {
			best = k;
			bestlen = r->canon_len;
		}
	}
	if (best < 0 || (*rootfd = (int)root_open(best)) < 0)
		return -1;
	*rel = sp + bestlen;
	while (**rel == '/')
		(*rel)++;
	if (!**rel)
		*rel = ".";
	/* only a hint: the spelling may cross a symlink (rp_at_exec_ok) */
	at->exec_ok = exact && exec_ok(at->abs);
	at->exec_known = 0;
	return best;
}

/* Ask the kernel what at->fd is and where it lives: d_path through
 * /proc/self/fd/N, then match the roots' canonical names.  `for_open`
 * classifies FIFOs, sockets and character devices as not-a-file (writing
 * to /dev/null or a pipe changes no file). */
static int
classify(struct rp_at *at, int for_open, char canon[RP_PATH_MAX])
{
	char l[32];
	struct stat st;
	long n;

	if (RP_RAW_ERR(rp_raw2(SYS_fstat, at->fd, &st))) {
		at->err = EBADF;
		return RP_FAIL;
	}
	at->st_mode = st.st_mode;
	if (for_open && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return RP_NOTFILE;
	n = rp_raw4(SYS_readlinkat, AT_FDCWD, rp_fd_path(l, at->fd), canon, RP_PATH_MAX - 1);
	if (RP_RAW_ERR(n) || n <= 0)
		return RP_OUTSIDE;	/* cannot name it (no /proc): fail closed */
	canon[n] = '\0';
	if (canon[0] != '/' || strncmp(canon, "/memfd:", 7) == 0)
		return RP_NOTFILE;	/* pipe:[..], socket:[..], anon_inode:, memfd */
	if (n > 10 && strcmp(canon + n - 10, " (deleted)") == 0)
		canon[n -= 10] = '\0';	/* an O_TMPFILE or unlinked file */
	if (!at->abs[0])
		set_abs(at, canon);
	at->root = rp_canon_root(canon, (size_t)n);
	if (at->root < 0)
		return RP_OUTSIDE;
	/* the kernel's name, not the spelling: a symlink can lead from an
	 * ExecWritablePath to a plain writable dir */
	at->exec_ok = exec_ok(canon);
	at->exec_known = 1;
	return RP_INSIDE;
}

int
rp_at_exec_ok(const struct rp_at *at)
{
	char canon[RP_PATH_MAX], l[32];
	long n;

	if (at->exec_known || !at->exec_ok)
		return at->exec_ok;
	if (at->fd < 0)
		return 0;
	n = rp_raw4(SYS_readlinkat, AT_FDCWD, rp_fd_path(l, at->fd), canon, RP_PATH_MAX - 1);
	if (RP_RAW_ERR(n) || n <= 0)
		return 0;
	canon[n] = '\0';
	return exec_ok(canon);
}

/* One kernel lookup of the slow route: openat, or openat2 with the
 * caller's own RESOLVE_* flags (syscall(SYS_openat2)). */
static long
step(int cur, const char *p, int flags, mode_t mode, unsigned long long resolve)
{
	struct open_how how;

	if (!resolve)
		return rp_raw4(SYS_openat, cur, p, flags, mode);
	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(unsigned int)flags;
	how.mode = needs_mode(flags) ? mode : 0;
	how.resolve = resolve;
	return rp_raw4(SYS_openat2, cur, p, &how, sizeof(how));
}

/* Open the directory part of p (the bytes before index s) as O_PATH,
 * cutting the string in place for the call: no second path buffer. */
static long
open_dir_of(int cur, char *p, size_t s, unsigned long long resolve)
{
	const int fl = O_PATH | O_DIRECTORY | O_CLOEXEC;
	long fd;
	char c;

	if (s == 0)
		return step(cur, p[0] == '/' ? "/" : ".", fl, 0, resolve);
	c = p[s];
	p[s] = '\0';
	fd = step(cur, p, fl, 0, resolve);
	p[s] = c;
	return fd;
}

/* The slow route: open as the kernel would (following everything), then
 * name what was opened. */
static int
slow_object(struct rp_at *at, int dirfd, const char *path, int oflags, int for_open,
	    char *scratch)
{
	long fd = rp_raw4(SYS_openat, dirfd, path, oflags | O_PATH | O_CLOEXEC, 0);

	if (RP_RAW_ERR(fd)) {
		at->err = (int)-fd;
		return RP_FAIL;
	}
	at->fd = (int)fd;
	at->own = 1;
	return classify(at, for_open, scratch);
}

int
rp_at_parent(struct rp_at *at, int dirfd, const char *path)
{
	char sp[RP_PATH_MAX];
	const char *rel;
	size_t s;
	int i, w, rootfd;
	long fd;

	if (rp_at_copy(at, path) != 0)
		return RP_FAIL;
	if (!at->path[0]) {
		at->err = ENOENT;
		return RP_FAIL;
	}
	s = leaf_index(at->path);
	at->leaf = at->path[s] ? at->path + s : ".";
	i = spell_root(at, dirfd, sp, &rel, &rootfd);
	if (i >= 0 && strcmp(rel, ".") != 0) {
		size_t rs = leaf_index(rel);

		if (rs == 0) {
			at->fd = rootfd;	/* the entry sits in the root */
			at->own = 1;
			at->root = i;
			return RP_INSIDE;
		}
		sp[(size_t)(rel - sp) + rs] = '\0';	/* rel's directory part, in place */
		fd = beneath(rootfd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
		rp_raw1(SYS_close, rootfd);
		rootfd = -1;
		if (!RP_RAW_ERR(fd)) {
			at->fd = (int)fd;
			at->own = 1;
			at->root = i;
			return RP_INSIDE;
		}
		if (!fallback(fd)) {
			at->err = (int)-fd;
			return RP_FAIL;
		}
	}
	if (rootfd >= 0)
		rp_raw1(SYS_close, rootfd);	/* the root itself ("."): its parent decides */
	/* The root itself, a name outside every root, or openat2 declined:
	 * open the real parent directory and ask the kernel its name. */
	at->exec_ok = 0;
	fd = open_dir_of(dirfd, at->path, s, 0);
	if (RP_RAW_ERR(fd)) {
		at->err = (int)-fd;
		return RP_FAIL;
	}
	at->fd = (int)fd;
	at->own = 1;
	w = classify(at, 0, sp);
	return w == RP_NOTFILE ? RP_OUTSIDE : w;
}

int
rp_at_object(struct rp_at *at, int dirfd, const char *path, int nofollow)
{
	char sp[RP_PATH_MAX];
	const char *rel;
	int i, w, rootfd, nf = nofollow ? O_NOFOLLOW : 0;

	if (rp_at_copy(at, path) != 0)
		return RP_FAIL;
	if (!at->path[0]) {
		at->err = ENOENT;
		return RP_FAIL;
	}
	i = spell_root(at, dirfd, sp, &rel, &rootfd);
	if (i >= 0) {
		long fd = beneath(rootfd, rel, O_PATH | O_CLOEXEC | nf, 0);
		struct stat st;

		rp_raw1(SYS_close, rootfd);

		if (!RP_RAW_ERR(fd)) {
			at->fd = (int)fd;
			at->own = 1;
			at->root = i;
			if (!RP_RAW_ERR(rp_raw2(SYS_fstat, fd, &st)))
				at->st_mode = st.st_mode;
			return RP_INSIDE;
		}
		if (!fallback(fd)) {
			at->err = (int)-fd;
			return RP_FAIL;
		}
	}
	at->exec_ok = 0;
	w = slow_object(at, dirfd, at->path, nf, 0, sp);
	return w == RP_NOTFILE ? RP_OUTSIDE : w;
}

int
rp_at_fd(struct rp_at *at, int fd)
{
	char canon[RP_PATH_MAX];

	rp_at_copy(at, "");
	at->fd = fd;
	at->own = 0;
	return classify(at, 0, canon);
}

/* The slow route for opens with write intent (no openat2, or a path the
 * spelling cannot anchor: /dev/null, /dev/stdout, /proc/self/fd/N/x, a
 * symlink from outside into a root).  An existing object is opened O_PATH
 * and then reopened through /proc/self/fd/N: the same object, no window.
 * A new file is created with O_NOFOLLOW beneath the verified parent fd; a
 * dangling symlink in its place is followed by hand, hop by hop, as the
 * kernel would (slow_hops).  With `dry`, nothing is opened for writing:
 * the answer is only where it would land.
 *
 * Every path leaves with at->fd released (a denied open of an existing
 * file once kept its O_PATH fd: EMFILE after enough denials). */
struct slow {
	int flags;
	mode_t mode;
	rp_gate_fn gate;
	void *ctx;
	int dry;
	unsigned long long resolve;	/* caller's RESOLVE_* (syscall openat2) */
	char *scratch;			/* RP_PATH_MAX bytes */
	enum rp_where where;
	int ret;
};

enum { TRY_DONE, TRY_HOP };

static int
slow_fail(struct rp_at *at, struct slow *o)
{
	rp_at_release(at);
	errno = at->err;
	o->where = RP_FAIL;
	o->ret = -1;
	return TRY_DONE;
}

/* One try at `p` from `cur` (closed here when cur_own).  TRY_HOP leaves
 * at->fd on the verified parent and at->leaf on a symlink in it. */
static int
slow_try(struct rp_at *at, int cur, int cur_own, char *p, struct slow *o)
{
	int tmpfile = (o->flags & O_TMPFILE) == O_TMPFILE;
	int excl = (o->flags & O_CREAT) && (o->flags & O_EXCL) && !tmpfile;
	int nf = (o->flags & O_NOFOLLOW) || excl ? O_NOFOLLOW : 0;
	char l[32];
	long obj, fd;
	size_t s;
	int w;

	o->where = RP_FAIL;
	o->ret = -1;
	obj = step(cur, p, O_PATH | O_CLOEXEC | nf | (o->flags & O_DIRECTORY), 0, o->resolve);
	if (!RP_RAW_ERR(obj)) {
		if (cur_own)
			rp_raw1(SYS_close, cur);
		at->fd = (int)obj;
		at->own = 1;
		at->leaf = "";	/* at->fd is the object itself */
		w = classify(at, 1, o->scratch);
		if (w == RP_FAIL)
			return slow_fail(at, o);
		if (S_ISLNK(at->st_mode) || excl) {
			at->err = excl ? EEXIST : ELOOP;
			return slow_fail(at, o);
		}
		if (w == RP_OUTSIDE && (at->err = rp_kerr_open(at, o->flags, 1)) > 0)
			return slow_fail(at, o);	/* the kernel's own refusal */
		if (w == RP_OUTSIDE || o->dry ||
		    (w == RP_INSIDE && (tmpfile || (o->flags & O_CREAT)) && o->gate &&
		     !o->gate(at, o->ctx, &o->mode))) {
			rp_at_release(at);	/* errno (the gate's) kept */
			if (w == RP_OUTSIDE || o->dry)
				o->where = w;
			return TRY_DONE;
		}
		fd = rp_raw4(SYS_openat, AT_FDCWD, rp_fd_path(l, (int)obj),
			     tmpfile ? o->flags & ~O_NOFOLLOW :
				       o->flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW),
			     tmpfile ? o->mode : 0);
		rp_at_release(at);
		if (RP_RAW_ERR(fd)) {
			errno = (int)-fd;
			return TRY_DONE;
		}
		o->where = w;
		o->ret = (int)fd;
		return TRY_DONE;
	}
	if (obj != -ENOENT || !(o->flags & O_CREAT) || tmpfile) {
		at->err = (int)-obj;
		if (cur_own)
			rp_raw1(SYS_close, cur);
		return slow_fail(at, o);
	}
	/* Not there yet: it would be created in its parent directory. */
	s = leaf_index(p);
	fd = open_dir_of(cur, p, s, o->resolve);
	if (cur_own)
		rp_raw1(SYS_close, cur);
	if (RP_RAW_ERR(fd)) {
		at->err = (int)-fd;
		return slow_fail(at, o);
	}
	at->fd = (int)fd;
	at->own = 1;
	at->leaf = p + s;
	w = classify(at, 0, o->scratch);
	if (w == RP_FAIL)
		return slow_fail(at, o);
	if (w != RP_INSIDE) {
		if ((at->err = rp_kerr_open(at, o->flags, 0)) > 0)
			return slow_fail(at, o);
		rp_at_release(at);
		o->where = RP_OUTSIDE;
		return TRY_DONE;
	}
	if (o->gate && !o->gate(at, o->ctx, &o->mode)) {
		rp_at_release(at);
		return TRY_DONE;
	}
	if (o->dry) {
		long n = rp_raw4(SYS_readlinkat, at->fd, at->leaf, o->scratch, RP_PATH_MAX - 1);

		if (!RP_RAW_ERR(n))
			return TRY_HOP;
		rp_at_release(at);	/* not a symlink: it lands here */
		o->where = RP_INSIDE;
		return TRY_DONE;
	}
	fd = step(at->fd, at->leaf, o->flags | O_NOFOLLOW, o->mode, o->resolve);
	if (fd == -ELOOP && !(o->flags & O_NOFOLLOW))
		return TRY_HOP;		/* a (dangling) symlink: O_CREAT follows it */
	rp_at_release(at);
	if (RP_RAW_ERR(fd)) {
		errno = (int)-fd;
		return TRY_DONE;
	}
	o->where = RP_INSIDE;
	o->ret = (int)fd;
	return TRY_DONE;
}

/* Follow dangling symlinks by hand.  Rare, so its path buffer lives in
 * this frame only, not on the stack of every slow open. */
static __attribute__((noinline)) int
slow_hops(struct rp_at *at, struct slow *o)
{
	char link[RP_PATH_MAX];
	int hops;

	for (hops = 1;; hops++) {
		int cur;
		long n;

		if (hops > RP_MAX_HOPS || (o->resolve & RESOLVE_NO_SYMLINKS)) {
			at->err = ELOOP;
			break;
		}
		n = rp_raw4(SYS_readlinkat, at->fd, at->leaf, o->scratch, RP_PATH_MAX - 1);
		if (RP_RAW_ERR(n)) {
			at->err = (int)-n;
			break;
		}
		memcpy(link, o->scratch, (size_t)n);
		link[n] = '\0';
		cur = at->fd;
		at->fd = -1;
		at->own = 0;
		if (slow_try(at, cur, 1, link, o) == TRY_DONE)
			return o->ret;
	}
	slow_fail(at, o);
	return -1;
}

static int
slow_open(struct rp_at *at, int dirfd, struct slow *o)
{
	if (slow_try(at, dirfd, 0, at->path, o) == TRY_DONE)
		return o->ret;
	return slow_hops(at, o);
}

static int
open_at(struct rp_at *at, int dirfd, const char *path, int flags, mode_t mode,
	unsigned long long resolve, rp_gate_fn gate, void *gate_ctx, enum rp_where *where)
{
	char sp[RP_PATH_MAX];
	struct slow o;
	const char *rel;
	int i, fd, rootfd;

	*where = RP_FAIL;
	if (rp_at_copy(at, path) != 0) {
		errno = at->err;
		return -1;
	}
	if (!at->path[0]) {
		errno = ENOENT;
		return -1;
	}
	i = spell_root(at, dirfd, sp, &rel, &rootfd);
	/* The fast route, unless the caller brought its own RESOLVE_* flags,
	 * or exec bits would be kept because the spelling names an
	 * ExecWritablePath: only the slow route knows the real directory. */
	if (i >= 0 && !resolve &&
	    !(needs_mode(flags) && (mode & (S_IXUSR | S_IXGRP | S_IXOTH)) && at->exec_ok)) {
		long r;

		at->root = i;
		if (needs_mode(flags) && gate) {
			int go;

			/* the gate may look whether the entry exists */
			at->fd = rootfd;
			at->leaf = rel;
			go = gate(at, gate_ctx, &mode);
			at->fd = -1;
			at->leaf = "";
			if (!go) {
				rp_raw1(SYS_close, rootfd);
				return -1;
			}
		}
		r = beneath(rootfd, rel, flags, mode);
		rp_raw1(SYS_close, rootfd);
		rootfd = -1;
		if (!RP_RAW_ERR(r)) {
			*where = RP_INSIDE;
			return (int)r;
		}
		if (!fallback(r)) {
			errno = (int)-r;
			return -1;
		}
		gate = NULL;	/* already judged */
	}
	if (rootfd >= 0)
		rp_raw1(SYS_close, rootfd);
	at->root = -1;
	at->exec_ok = 0;
	memset(&o, 0, sizeof(o));
	o.flags = flags & RP_VALID_OPEN_FLAGS;
	o.mode = mode & 07777;
	o.gate = gate;
	o.ctx = gate_ctx;
	o.resolve = resolve;
	o.scratch = sp;
	fd = slow_open(at, dirfd, &o);
	*where = o.where;
	return fd;
}

int
rp_open_at(struct rp_at *at, int dirfd, const char *path, int flags, mode_t mode,
	   rp_gate_fn gate, void *gate_ctx, enum rp_where *where)
{
	return open_at(at, dirfd, path, flags, mode, 0, gate, gate_ctx, where);
}

int
rp_open_at_resolve(struct rp_at *at, int dirfd, const char *path, int flags, mode_t mode,
		   unsigned long long resolve, rp_gate_fn gate, void *gate_ctx,
		   enum rp_where *where)
{
	return open_at(at, dirfd, path, flags, mode, resolve, gate, gate_ctx, where);
}

int
rp_open_where(struct rp_at *at, int dirfd, const char *path, int flags)
{
	char sp[RP_PATH_MAX];
	struct slow o;
	const char *rel;
	int saved = errno, rootfd;

	if (rp_at_copy(at, path) != 0)
		return RP_FAIL;
	if (!at->path[0]) {
		at->err = ENOENT;
		return RP_FAIL;
	}
	spell_root(at, dirfd, sp, &rel, &rootfd);	/* for at->abs */
	if (rootfd >= 0)
		rp_raw1(SYS_close, rootfd);
	at->root = -1;
	memset(&o, 0, sizeof(o));
	o.flags = flags & RP_VALID_OPEN_FLAGS;
	o.dry = 1;
	o.scratch = sp;
	slow_open(at, dirfd, &o);
	if (o.where == RP_FAIL)
		at->err = errno;
	errno = saved;
	rp_at_release(at);
	return o.where;
}
