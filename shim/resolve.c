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
	memcpy(at->path, path, n + 1);
	return 0;
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

/* Copy the directory part of `p` (before index s) into dir. */
static void
dir_part(const char *p, size_t s, char *dir)
{
	if (s == 0) {
		dir[0] = '.';
		dir[1] = '\0';
		return;
	}
	memcpy(dir, p, s);
	dir[s] = '\0';
}

static int
root_usable(int i)
{
	return rp_state.policy_ok && i < rp_state.policy.n_writable && rp_state.roots[i].fd >= 0;
}

int
rp_canon_root(const char *canon, size_t len)
{
	int i, best = -1;
	size_t bestlen = 0;

	for (i = 0; i < RP_MAX_DIRS && root_usable(i); i++) {
		const struct rp_root *r = &rp_state.roots[i];

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
spell_root(struct rp_at *at, int dirfd, char *sp, const char **rel)
{
	char base[RP_PATH_MAX];
	struct rp_buf b;
	size_t n, i, o;
	int k, best = -1;
	size_t bestlen = 0;

	rp_buf_init(&b, sp, RP_PATH_MAX);
	if (at->path[0] != '/') {
		long r;

		if (dirfd == AT_FDCWD) {
			r = rp_raw2(SYS_getcwd, base, sizeof(base));
		} else {
			char l[32];

			r = rp_raw4(SYS_readlinkat, AT_FDCWD, rp_fd_path(l, dirfd), base,
				    sizeof(base) - 1);
			if (!RP_RAW_ERR(r))
				base[r] = '\0';
		}
		if (RP_RAW_ERR(r) || base[0] != '/') {
			memcpy(at->abs, at->path, strlen(at->path) + 1);
			return -1;
		}
		rp_buf_str(&b, base);
		rp_buf_char(&b, '/');
	}
	rp_buf_str(&b, at->path);
	if (b.truncated) {
		memcpy(at->abs, at->path, strlen(at->path) + 1);
		return -1;
	}
	for (i = 0, o = 0; sp[i]; i++)
		if (!(sp[i] == '/' && o > 0 && sp[o - 1] == '/'))
			sp[o++] = sp[i];
	sp[o] = '\0';
	n = o;
	if (rp_path_lexical(NULL, sp, at->abs, sizeof(at->abs)) != 0)
		memcpy(at->abs, sp, n + 1);
	for (k = 0; k < RP_MAX_DIRS && root_usable(k); k++) {
		const struct rp_dir *d = &rp_state.policy.writable[k];
		const struct rp_root *r = &rp_state.roots[k];

		if (d->len >= bestlen && rp_path_beneath(sp, n, d->path, d->len)) {
			best = k;
			bestlen = d->len;
		}
		if (r->canon_len >= bestlen && rp_path_beneath(sp, n, r->canon, r->canon_len)) {
			best = k;
			bestlen = r->canon_len;
		}
	}
	if (best < 0)
		return -1;
	*rel = sp + bestlen;
	while (**rel == '/')
		(*rel)++;
	if (!**rel)
		*rel = ".";
	at->exec_ok = exec_ok(at->abs);
	return best;
}

/* Ask the kernel what at->fd is and where it lives: d_path through
 * /proc/self/fd/N, then match the roots' canonical names.  `for_open`
 * classifies FIFOs, sockets and character devices as not-a-file (writing
 * to /dev/null or a pipe changes no file). */
static int
classify(struct rp_at *at, int for_open)
{
	char canon[RP_PATH_MAX], l[32];
	struct stat st;
	long n;

	if (RP_RAW_ERR(rp_raw2(SYS_fstat, at->fd, &st))) {
		at->err = EBADF;
		return RP_FAIL;
	}
	at->st_mode = st.st_mode;
	if (for_open && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return RP_NOTFILE;
	n = rp_raw4(SYS_readlinkat, AT_FDCWD, rp_fd_path(l, at->fd), canon, sizeof(canon) - 1);
	if (RP_RAW_ERR(n) || n <= 0)
		return RP_OUTSIDE;	/* cannot name it (no /proc): fail closed */
	canon[n] = '\0';
	if (canon[0] != '/' || strncmp(canon, "/memfd:", 7) == 0)
		return RP_NOTFILE;	/* pipe:[..], socket:[..], anon_inode:, memfd */
	if (n > 10 && strcmp(canon + n - 10, " (deleted)") == 0)
		canon[n -= 10] = '\0';	/* an O_TMPFILE or unlinked file */
	if (!at->abs[0])
		memcpy(at->abs, canon, (size_t)n + 1);
	at->root = rp_canon_root(canon, (size_t)n);
	if (at->root < 0)
		return RP_OUTSIDE;
	at->exec_ok = exec_ok(canon) || exec_ok(at->abs);
	return RP_INSIDE;
}

/* The slow route: open as the kernel would (following everything), then
 * name what was opened. */
static int
slow_object(struct rp_at *at, int dirfd, const char *path, int oflags, int for_open)
{
	long fd = rp_raw4(SYS_openat, dirfd, path, oflags | O_PATH | O_CLOEXEC, 0);

	if (RP_RAW_ERR(fd)) {
		at->err = (int)-fd;
		return RP_FAIL;
	}
	at->fd = (int)fd;
	at->own = 1;
	return classify(at, for_open);
}

int
rp_at_parent(struct rp_at *at, int dirfd, const char *path)
{
	char sp[RP_PATH_MAX], dir[RP_PATH_MAX];
	const char *rel;
	size_t s;
	int i, w;

	if (rp_at_copy(at, path) != 0)
		return RP_FAIL;
	if (!at->path[0]) {
		at->err = ENOENT;
		return RP_FAIL;
	}
	s = leaf_index(at->path);
	at->leaf = at->path[s] ? at->path + s : ".";
	i = spell_root(at, dirfd, sp, &rel);
	if (i >= 0 && strcmp(rel, ".") != 0) {
		size_t rs = leaf_index(rel);
		long fd;

		if (rs == 0) {
			at->fd = rp_state.roots[i].fd;	/* the entry sits in the root */
			at->own = 0;
			at->root = i;
			return RP_INSIDE;
		}
		dir_part(rel, rs, dir);
		fd = beneath(rp_state.roots[i].fd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
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
	/* The root itself, a name outside every root, or openat2 declined:
	 * open the real parent directory and ask the kernel its name. */
	at->exec_ok = 0;
	if (s == 0 && at->path[0] == '/')
		strcpy(dir, "/");
	else
		dir_part(at->path, s, dir);
	w = slow_object(at, dirfd, dir, O_DIRECTORY, 0);
	return w == RP_NOTFILE ? RP_OUTSIDE : w;
}

int
rp_at_object(struct rp_at *at, int dirfd, const char *path, int nofollow)
{
	char sp[RP_PATH_MAX];
	const char *rel;
	int i, w, nf = nofollow ? O_NOFOLLOW : 0;

	if (rp_at_copy(at, path) != 0)
		return RP_FAIL;
	if (!at->path[0]) {
		at->err = ENOENT;
		return RP_FAIL;
	}
	i = spell_root(at, dirfd, sp, &rel);
	if (i >= 0) {
		long fd = beneath(rp_state.roots[i].fd, rel, O_PATH | O_CLOEXEC | nf, 0);
		struct stat st;

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
	w = slow_object(at, dirfd, at->path, nf, 0);
	return w == RP_NOTFILE ? RP_OUTSIDE : w;
}

int
rp_at_fd(struct rp_at *at, int fd)
{
	rp_at_copy(at, "");
	at->fd = fd;
	at->own = 0;
	return classify(at, 0);
}

/* The slow route for opens with write intent (no openat2, or a path the
 * spelling cannot anchor: /dev/null, /dev/stdout, /proc/self/fd/N/x, a
 * symlink from outside into a root).  An existing object is opened O_PATH
 * and then reopened through /proc/self/fd/N: the same object, no window.
 * A new file is created with O_NOFOLLOW beneath the verified parent fd; a
 * dangling symlink in its place is followed by hand, hop by hop, as the
 * kernel would.  With `dry`, nothing is opened for writing: the answer is
 * only where it would land. */
static int
slow_open(struct rp_at *at, int dirfd, int flags, mode_t mode, rp_gate_fn gate, void *ctx,
	  int dry, enum rp_where *where)
{
	char link[RP_PATH_MAX], dir[RP_PATH_MAX], l[32];
	const char *p = at->path;
	int cur = dirfd, cur_own = 0, hops, tmpfile = (flags & O_TMPFILE) == O_TMPFILE;
	int excl = (flags & O_CREAT) && (flags & O_EXCL);
	long obj, fd;
	size_t s;

	*where = RP_FAIL;
	for (hops = 0;; hops++) {
		int nf = (flags & O_NOFOLLOW) || (excl && !tmpfile) ? O_NOFOLLOW : 0;
		int w;

		obj = rp_raw4(SYS_openat, cur, p, O_PATH | O_CLOEXEC | nf | (flags & O_DIRECTORY), 0);
		if (!RP_RAW_ERR(obj)) {
			if (cur_own)
				rp_raw1(SYS_close, cur);
			at->fd = (int)obj;
			at->own = 1;
			w = classify(at, 1);
			if (w == RP_FAIL)
				goto fail;
			if (S_ISLNK(at->st_mode) || (excl && !tmpfile)) {
				at->err = excl ? EEXIST : ELOOP;
				goto fail;
			}
			if (w == RP_OUTSIDE) {
				*where = RP_OUTSIDE;
				return -1;
			}
			if (w == RP_INSIDE && (tmpfile || (flags & O_CREAT)) && gate && !gate(at, ctx, &mode))
				return -1;	/* errno set by the gate */
			if (dry) {
				*where = w;
				return -1;
			}
			fd = rp_raw4(SYS_openat, AT_FDCWD, rp_fd_path(l, (int)obj),
				     tmpfile ? flags & ~O_NOFOLLOW : flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW),
				     tmpfile ? mode : 0);
			rp_at_release(at);
			if (RP_RAW_ERR(fd)) {
				errno = (int)-fd;
				return -1;
			}
			*where = w;
			return (int)fd;
		}
		if (obj != -ENOENT || !(flags & O_CREAT) || tmpfile) {
			at->err = (int)-obj;
			if (cur_own)
				rp_raw1(SYS_close, cur);
			goto fail;
		}
		/* Not there yet: it would be created in its parent directory. */
		s = leaf_index(p);
		if (s == 0 && p[0] == '/')
			strcpy(dir, "/");
		else
			dir_part(p, s, dir);
		fd = rp_raw4(SYS_openat, cur, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
		if (cur_own)
			rp_raw1(SYS_close, cur);
		cur_own = 0;
		if (RP_RAW_ERR(fd)) {
			at->err = (int)-fd;
			goto fail;
		}
		at->fd = (int)fd;
		at->own = 1;
		w = classify(at, 0);
		if (w != RP_INSIDE) {
			rp_at_release(at);
			if (w == RP_FAIL)
				goto fail;
			*where = RP_OUTSIDE;
			return -1;
		}
		if (gate && !gate(at, ctx, &mode)) {
			rp_at_release(at);
			return -1;
		}
		if (dry) {
			long n = rp_raw4(SYS_readlinkat, at->fd, p + s, link, sizeof(link) - 1);

			if (RP_RAW_ERR(n)) {	/* not a symlink: it lands here */
				rp_at_release(at);
				*where = RP_INSIDE;
				return -1;
			}
			fd = -ELOOP;
		} else {
			fd = rp_raw4(SYS_openat, at->fd, p + s, flags | O_NOFOLLOW, mode);
		}
		if (fd != -ELOOP || (flags & O_NOFOLLOW)) {
			rp_at_release(at);
			if (RP_RAW_ERR(fd)) {
				errno = (int)-fd;
				return -1;
			}
			*where = RP_INSIDE;
			return (int)fd;
		}
		/* The name is a (dangling) symlink: O_CREAT follows it. */
		if (hops >= RP_MAX_HOPS) {
			at->err = ELOOP;
			goto fail;
		}
		{
			char tmp[RP_PATH_MAX];
			long n = rp_raw4(SYS_readlinkat, at->fd, p + s, tmp, sizeof(tmp) - 1);

			if (RP_RAW_ERR(n)) {
				at->err = (int)-n;
				goto fail;
			}
			memcpy(link, tmp, (size_t)n);
			link[n] = '\0';
		}
		cur = at->fd;
		cur_own = 1;
		at->fd = -1;
		at->own = 0;
		p = link;
	}
fail:
	rp_at_release(at);
	errno = at->err;
	*where = RP_FAIL;
	return -1;
}

int
rp_open_at(struct rp_at *at, int dirfd, const char *path, int flags, mode_t mode,
	   rp_gate_fn gate, void *gate_ctx, enum rp_where *where)
{
	char sp[RP_PATH_MAX];
	const char *rel;
	int i;

	*where = RP_FAIL;
	if (rp_at_copy(at, path) != 0) {
		errno = at->err;
		return -1;
	}
	if (!at->path[0]) {
		errno = ENOENT;
		return -1;
	}
	i = spell_root(at, dirfd, sp, &rel);
	if (i >= 0) {
		long fd;

		at->root = i;
		if (needs_mode(flags) && gate && !gate(at, gate_ctx, &mode))
			return -1;
		fd = beneath(rp_state.roots[i].fd, rel, flags, mode);
		if (!RP_RAW_ERR(fd)) {
			*where = RP_INSIDE;
			return (int)fd;
		}
		if (!fallback(fd)) {
			errno = (int)-fd;
			return -1;
		}
		at->root = -1;
		at->exec_ok = 0;
		gate = NULL;	/* already judged */
	}
	return slow_open(at, dirfd, flags & RP_VALID_OPEN_FLAGS, mode & 07777, gate, gate_ctx,
			 0, where);
}

int
rp_open_where(struct rp_at *at, int dirfd, const char *path, int flags)
{
	enum rp_where w;
	int saved = errno;

	if (rp_at_copy(at, path) != 0)
		return RP_FAIL;
	if (!at->path[0]) {
		at->err = ENOENT;
		return RP_FAIL;
	}
	{
		char sp[RP_PATH_MAX];
		const char *rel;

		spell_root(at, dirfd, sp, &rel);	/* for at->abs */
	}
	at->root = -1;
	slow_open(at, dirfd, flags & RP_VALID_OPEN_FLAGS, 0, NULL, NULL, 1, &w);
	if (w == RP_FAIL)
		at->err = errno;
	errno = saved;
	rp_at_release(at);
	return w;
}
