/* resolve.c - where would the kernel really act?  See resolve.h.
 *
 * This part spells a path, picks the root to anchor at, names what the
 * kernel opened, and decides for entries (rp_at_parent), objects
 * (rp_at_object) and descriptors (rp_at_fd).  Opens with write intent are
 * in resolveopen.c, the roots and their held descriptors in roots.c. */
#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>

#include "rawsys.h"
#include "resolveparts.h"
#include "roots.h"
#include "shim.h"
#include "strbuf.h"

int rp_openat2_state;

long
rp_beneath(int rootfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how;
	long r;

	if (__atomic_load_n(&rp_openat2_state, __ATOMIC_RELAXED) < 0)
		return -ENOSYS;
	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(flags & RP_VALID_OPEN_FLAGS);
	how.mode = rp_needs_mode(flags) ? (mode & 07777) : 0;
	how.resolve = RP_BENEATH;
	r = rp_raw4(SYS_openat2, rootfd, rel, &how, sizeof(how));
	if (r == -ENOSYS || (r == -EPERM && rp_openat2_state == 0)) {
		/* EPERM is also a real answer (O_NOATIME, immutable files):
		 * tell the two apart once with a harmless probe. */
		struct open_how probe = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_BENEATH };
		long p = rp_raw4(SYS_openat2, rootfd, ".", &probe, sizeof(probe));

		if (RP_RAW_ERR(p)) {
			__atomic_store_n(&rp_openat2_state, -1, __ATOMIC_RELAXED);
			return -ENOSYS;
		}
		rp_raw1(SYS_close, p);
	}
	/* written once: every open in every thread reads this word */
	if (__atomic_load_n(&rp_openat2_state, __ATOMIC_RELAXED) == 0)
		__atomic_store_n(&rp_openat2_state, 1, __ATOMIC_RELAXED);
	return r;
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
	at->abs_whole = 0;
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

void
rp_set_abs(struct rp_at *at, const char *s)
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
size_t
rp_leaf_index(const char *p)
{
	size_t e = strlen(p);
	const char *sl;

	while (e > 0 && p[e - 1] == '/')
		e--;
	sl = memrchr(p, '/', e);
	return sl ? (size_t)(sl - p) + 1 : 0;
}
int
rp_exec_ok_name(const char *path)
{
	return rp_state.policy_ok &&
	       rp_policy_exec_writable(&rp_state.policy, path, strlen(path));
}

/* The writable root whose name (policy spelling or canonical) is the
 * longest prefix of s[0..n) on a component boundary, or -1; *len is the
 * length of that name. */
static int
match_root(const char *s, size_t n, size_t *len)
{
	int k, best = -1;
	size_t bestlen = 0;

	for (k = 0; k < RP_MAX_DIRS && k < rp_state.policy.n_writable; k++) {
		const struct rp_dir *d = &rp_state.policy.writable[k];
		const struct rp_root *r = &rp_state.roots[k];

		if (!rp_root_known(k))
			continue;
		if (d->len >= bestlen && rp_path_beneath(s, n, d->path, d->len)) {
			best = k;
			bestlen = d->len;
		}
		/* the canonical name is most often the policy's spelling: when
		 * that just matched, the same length cannot change the answer */
		if (best == k && r->canon_len == d->len)
			continue;
		if (r->canon_len >= bestlen && rp_path_beneath(s, n, r->canon, r->canon_len)) {
			best = k;
			bestlen = r->canon_len;
		}
	}
	*len = bestlen;
	return best;
}

/* p[0..n) lies beneath a root name of length rl that it starts with: is
 * the whole of it in normal form?  Both root names are (the policy's by
 * rp_path_normalize, the canonical one is the kernel's d_path), so only
 * the part after the root needs looking at: "" or "/name/..." with no
 * empty, "." or ".." component and no trailing '/'. */
static int
normal_below(const char *p, size_t n, size_t rl)
{
	if (rl <= 1)
		return rp_path_is_normal(p, n);	/* the root "/" */
	if (n == rl)
		return 1;
	return n - rl >= 2 && rp_path_is_normal(p + rl, n - rl);
}

/* Spell the path absolutely (cwd or dirfd prepended, repeated slashes
 * squeezed, "." and ".." kept: only the kernel knows what ".." means
 * across symlinks), fill at->abs for events, and pick the writable root
 * whose name (policy spelling or canonical) is the longest prefix.  Never
 * used to allow on its own: it only chooses where to anchor.
 *
 * The common case first: an absolute path beneath a root and already in
 * normal form is its own spelling and its own lexical form, so it is
 * matched where it lies (in at->path), with one look at the part below the
 * root and no copy into sp; one outside every root is checked whole and
 * answered at once.  Anything else (relative, "//", ".", "..", a trailing
 * '/') is spelled as it always was. */
int
rp_spell_root(struct rp_at *at, int dirfd, char *sp, char **rel, int *rootfd, int *rown)
{
	size_t n = 0, plen = strlen(at->path), i, o;
	int best = -1, exact, ready = -1;
	size_t bestlen = 0;
	char *s = sp;

	*rootfd = -1;
	*rown = 0;
	if (at->path[0] == '/' && plen < sizeof(at->abs) && (ready = rp_roots_ready())) {
		best = match_root(at->path, plen, &bestlen);
		if (best >= 0 && normal_below(at->path, plen, bestlen)) {
			memcpy(at->abs, at->path, plen + 1);
			at->abs_whole = plen;
			exact = 1;
			s = at->path;
			goto found;
		}
		if (best < 0 && rp_path_is_normal(at->path, plen)) {
			/* beneath no root, and its own lexical form: the event's
			 * spelling is the path itself (a denial, /dev/null) */
			memcpy(at->abs, at->path, plen + 1);
			at->abs_whole = plen;
			return -1;
		}
	}
	/* the base goes straight into sp: one path buffer on the stack, not
	 * two (wrappers run on small signal stacks) */
	if (at->path[0] != '/') {
		long r;

		if (dirfd == AT_FDCWD) {
			r = rp_raw2(SYS_getcwd, sp, RP_PATH_MAX);
			if (!RP_RAW_ERR(r))
				n = strnlen(sp, RP_PATH_MAX - 1);
		} else {
			r = rp_fd_name(dirfd, sp, RP_PATH_MAX - 1);	/* room for the '/' */
			if (r > 0)
				n = (size_t)r;
		}
		if (r < 0 || n == 0 || sp[0] != '/') {
			rp_set_abs(at, at->path);
			return -1;
		}
		sp[n++] = '/';
	}
	if (n + plen + 1 > RP_PATH_MAX) {
		rp_set_abs(at, at->path);
		return -1;
	}
	memcpy(sp + n, at->path, plen + 1);
	for (i = 0, o = 0; sp[i]; i++)
		if (!(sp[i] == '/' && o > 0 && sp[o - 1] == '/'))
			sp[o++] = sp[i];
	sp[o] = '\0';
	n = o;
	exact = rp_path_lexical(NULL, sp, at->abs, sizeof(at->abs)) == 0;
	if (exact && at->path[0] == '/')
		at->abs_whole = plen;
	if (!exact)
		rp_set_abs(at, sp);
	if (ready < 0)
		ready = rp_roots_ready();	/* once: it may wait (roots.c) */
	if (!ready)
		return -1;
	best = match_root(sp, n, &bestlen);
found:
	if (best < 0 || (*rootfd = rp_root_fd(best, rown)) < 0)
		return -1;
	*rel = s + bestlen;
	while (**rel == '/')
		(*rel)++;
	if (!**rel) {
		/* the root itself: sp is scratch by now (at->abs is kept) */
		sp[0] = '.';
		sp[1] = '\0';
		*rel = sp;
	}
	/* only a hint: the spelling may cross a symlink (rp_at_exec_ok) */
	at->exec_ok = exact && rp_exec_ok_name(at->abs);
	at->exec_known = 0;
	return best;
}

/* Ask the kernel what at->fd is and where it lives: d_path through
 * /proc/self/fd/N, then match the roots' canonical names.  `for_open`
 * classifies FIFOs, sockets and character devices as not-a-file (writing
 * to /dev/null or a pipe changes no file).
 *
 * With `name` (rp_step walked that absolute spelling through no symlink),
 * its lexical form is the kernel's name: without a symlink, "." and ".."
 * mean what they spell.  It is trusted only to answer RP_OUTSIDE (the
 * common denial then costs no /proc lookup); a name beneath a root is
 * still confirmed by the kernel's d_path. */
int
rp_classify(struct rp_at *at, int for_open, char *canon, const char *name)
{
	struct stat st;
	long n;

	if (RP_RAW_ERR(rp_raw2(SYS_fstat, at->fd, &st))) {
		at->err = EBADF;
		return RP_FAIL;
	}
	at->st_mode = st.st_mode;
	if (for_open && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return RP_NOTFILE;
	if (name) {
		/* the spelling's lexical form is often at hand already */
		const char *lex = canon;

		if (name == at->path && at->abs_whole && strlen(name) == at->abs_whole)
			lex = at->abs;
		else if (rp_path_lexical(NULL, name, canon, RP_PATH_MAX) != 0)
			lex = NULL;
		if (lex && rp_canon_root(lex, strlen(lex)) < 0) {
			if (!at->abs[0])
				rp_set_abs(at, lex);
			at->root = -1;
			return RP_OUTSIDE;
		}
	}
	n = rp_fd_name(at->fd, canon, RP_PATH_MAX);
	if (n < 0)
		return RP_OUTSIDE;	/* cannot name it (no /proc): fail closed */
	if (canon[0] != '/' || strncmp(canon, "/memfd:", 7) == 0)
		return RP_NOTFILE;	/* pipe:[..], socket:[..], anon_inode:, memfd */
	if (n > 10 && strcmp(canon + n - 10, " (deleted)") == 0)
		canon[n -= 10] = '\0';	/* an O_TMPFILE or unlinked file */
	if (!at->abs[0])
		rp_set_abs(at, canon);
	at->root = rp_canon_root(canon, (size_t)n);
	if (at->root < 0)
		return RP_OUTSIDE;
	/* the kernel's name, not the spelling: a symlink can lead from an
	 * ExecWritablePath to a plain writable dir */
	at->exec_ok = rp_exec_ok_name(canon);
	at->exec_known = 1;
	return RP_INSIDE;
}

int
rp_at_exec_ok(const struct rp_at *at)
{
	char canon[RP_PATH_MAX];

	if (at->exec_known || !at->exec_ok)
		return at->exec_ok;
	if (at->fd < 0)
		return 0;
	if (rp_fd_name(at->fd, canon, RP_PATH_MAX) < 0)
		return 0;
	return rp_exec_ok_name(canon);
}

long
rp_step(int cur, const char *p, int flags, mode_t mode, unsigned long long resolve,
	int *named)
{
	struct open_how how;

	*named = 0;
	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(unsigned int)flags;
	how.mode = rp_needs_mode(flags) ? mode : 0;
	if (!resolve && p[0] == '/' && (flags & O_PATH) &&
	    __atomic_load_n(&rp_openat2_state, __ATOMIC_RELAXED) >= 0) {
		long fd;

		/* An absolute lookup that meets no symlink is the same walk as
		 * openat's, and its name is its spelling.  One that meets one
		 * (ELOOP) is walked again the kernel's way. */
		how.resolve = RESOLVE_NO_SYMLINKS;
		fd = rp_raw4(SYS_openat2, AT_FDCWD, p, &how, sizeof(how));
		if (!RP_RAW_ERR(fd)) {
			*named = 1;
			return fd;
		}
		if (fd != -ELOOP && fd != -ENOSYS && fd != -EPERM && fd != -EINVAL)
			return fd;	/* the same answer openat gives */
	}
	if (!resolve)
		return rp_raw4(SYS_openat, cur, p, flags, mode);
	how.resolve = resolve;
	return rp_raw4(SYS_openat2, cur, p, &how, sizeof(how));
}

long
rp_open_dir_of(int cur, char *p, size_t s, unsigned long long resolve, int *named)
{
	const int fl = O_PATH | O_DIRECTORY | O_CLOEXEC;
	long fd;
	char c;

	if (s == 0)
		return rp_step(cur, p[0] == '/' ? "/" : ".", fl, 0, resolve, named);
	c = p[s];
	p[s] = '\0';	/* cut in place for the call: no second path buffer */
	fd = rp_step(cur, p, fl, 0, resolve, named);
	p[s] = c;
	return fd;
}

/* rp_classify of the directory part of p (before index s), which
 * rp_open_dir_of opened into at->fd. */
static int
classify_dir_of(struct rp_at *at, char *p, size_t s, int named, char *canon)
{
	char c = p[s];
	int w;

	p[s] = '\0';
	w = rp_classify(at, 0, canon, named ? p : NULL);
	p[s] = c;
	return w;
}

/* The slow route: open as the kernel would (following everything), then
 * name what was opened. */
static int
slow_object(struct rp_at *at, int dirfd, const char *path, int oflags, int for_open,
	    char *scratch)
{
	int named;
	long fd = rp_step(dirfd, path, oflags | O_PATH | O_CLOEXEC, 0, 0, &named);

	if (RP_RAW_ERR(fd)) {
		at->err = (int)-fd;
		return RP_FAIL;
	}
	at->fd = (int)fd;
	at->own = 1;
	return rp_classify(at, for_open, scratch, named ? path : NULL);
}

int
rp_at_parent(struct rp_at *at, int dirfd, const char *path)
{
	char sp[RP_PATH_MAX];
	char *rel;
	size_t s;
	int i, w, rootfd, rown, named;
	long fd;

	if (rp_at_copy(at, path) != 0)
		return RP_FAIL;
	if (!at->path[0]) {
		at->err = ENOENT;
		return RP_FAIL;
	}
	s = rp_leaf_index(at->path);
	at->leaf = at->path[s] ? at->path + s : ".";
	i = rp_spell_root(at, dirfd, sp, &rel, &rootfd, &rown);
	if (i >= 0 && strcmp(rel, ".") != 0) {
		size_t rs = rp_leaf_index(rel);

		if (rs == 0) {
			at->fd = rootfd;	/* the entry sits in the root */
			at->own = rown;
			at->root = i;
			return RP_INSIDE;
		}
		char c = rel[rs];

		/* rel's directory part, cut in place (rel lies in sp or in
		 * at->path, whose leaf the slow route below still needs) */
		rel[rs] = '\0';
		fd = rp_beneath(rootfd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
		rel[rs] = c;
		if (rown)
			rp_raw1(SYS_close, rootfd);
		rootfd = -1;
		if (!RP_RAW_ERR(fd)) {
			at->fd = (int)fd;
			at->own = 1;
			at->root = i;
			return RP_INSIDE;
		}
		if (!rp_fallback(fd)) {
			at->err = (int)-fd;
			return RP_FAIL;
		}
	}
	if (rootfd >= 0 && rown)
		rp_raw1(SYS_close, rootfd);	/* the root itself ("."): its parent decides */
	/* The root itself, a name outside every root, or openat2 declined:
	 * open the real parent directory and ask the kernel its name. */
	at->exec_ok = 0;
	fd = rp_open_dir_of(dirfd, at->path, s, 0, &named);
	if (RP_RAW_ERR(fd)) {
		at->err = (int)-fd;
		return RP_FAIL;
	}
	at->fd = (int)fd;
	at->own = 1;
	w = classify_dir_of(at, at->path, s, named, sp);
	return w == RP_NOTFILE ? RP_OUTSIDE : w;
}

int
rp_at_object(struct rp_at *at, int dirfd, const char *path, int nofollow)
{
	char sp[RP_PATH_MAX];
	char *rel;
	int i, w, rootfd, rown, nf = nofollow ? O_NOFOLLOW : 0;

	if (rp_at_copy(at, path) != 0)
		return RP_FAIL;
	if (!at->path[0]) {
		at->err = ENOENT;
		return RP_FAIL;
	}
	i = rp_spell_root(at, dirfd, sp, &rel, &rootfd, &rown);
	if (i >= 0) {
		long fd = rp_beneath(rootfd, rel, O_PATH | O_CLOEXEC | nf, 0);
		struct stat st;

		if (rown)
			rp_raw1(SYS_close, rootfd);
		if (!RP_RAW_ERR(fd)) {
			at->fd = (int)fd;
			at->own = 1;
			at->root = i;
			if (!RP_RAW_ERR(rp_raw2(SYS_fstat, fd, &st)))
				at->st_mode = st.st_mode;
			return RP_INSIDE;
		}
		if (!rp_fallback(fd)) {
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
	return rp_classify(at, 0, canon, NULL);
}