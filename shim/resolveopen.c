/* resolveopen.c - opens with write intent: the fast route beneath the
 * root's held descriptor, and the slow route that names what it opened.
 * See resolve.h (rp_open_at, rp_open_at_resolve, rp_open_where) and
 * resolveparts.h; no allocation, no lock, raw calls only. */
#include "resolveparts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>

#include "moderule.h"
#include "rawsys.h"
#include "resolve.h"
#include "shim.h"


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
	char l[32], c;
	long obj, fd;
	size_t s;
	int w, named;

	o->where = RP_FAIL;
	o->ret = -1;
	obj = rp_step(cur, p, O_PATH | O_CLOEXEC | nf | (o->flags & O_DIRECTORY), 0, o->resolve,
		      &named);
	if (!RP_RAW_ERR(obj)) {
		if (cur_own)
			rp_raw1(SYS_close, cur);
		at->fd = (int)obj;
		at->own = 1;
		at->leaf = "";	/* at->fd is the object itself */
		w = rp_classify(at, 1, o->scratch, named ? p : NULL);
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
	s = rp_leaf_index(p);
	fd = rp_open_dir_of(cur, p, s, o->resolve, &named);
	if (cur_own)
		rp_raw1(SYS_close, cur);
	if (RP_RAW_ERR(fd)) {
		at->err = (int)-fd;
		return slow_fail(at, o);
	}
	at->fd = (int)fd;
	at->own = 1;
	at->leaf = p + s;
	c = p[s];
	p[s] = '\0';
	w = rp_classify(at, 0, o->scratch, named ? p : NULL);
	p[s] = c;
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
	fd = rp_step(at->fd, at->leaf, o->flags | O_NOFOLLOW, o->mode, o->resolve, &named);
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
	char *rel;
	int i, fd, rootfd, rown;

	*where = RP_FAIL;
	if (rp_at_copy(at, path) != 0) {
		errno = at->err;
		return -1;
	}
	if (!at->path[0]) {
		errno = ENOENT;
		return -1;
	}
	i = rp_spell_root(at, dirfd, sp, &rel, &rootfd, &rown);
	/* The fast route, unless the caller brought its own RESOLVE_* flags,
	 * or exec bits would be kept because the spelling names an
	 * ExecWritablePath: only the slow route knows the real directory. */
	if (i >= 0 && !resolve &&
	    !(rp_needs_mode(flags) && (mode & RP_XBITS) && at->exec_ok)) {
		long r;

		at->root = i;
		if (rp_needs_mode(flags) && gate) {
			int go;

			/* the gate may look whether the entry exists */
			at->fd = rootfd;
			at->leaf = rel;
			go = gate(at, gate_ctx, &mode);
			at->fd = -1;
			at->leaf = "";
			if (!go) {
				if (rown)
					rp_raw1(SYS_close, rootfd);
				return -1;
			}
		}
		r = rp_beneath(rootfd, rel, flags, mode);
		if (rown)
			rp_raw1(SYS_close, rootfd);
		rootfd = -1;
		if (!RP_RAW_ERR(r)) {
			*where = RP_INSIDE;
			return (int)r;
		}
		if (!rp_fallback(r)) {
			errno = (int)-r;
			return -1;
		}
		gate = NULL;	/* already judged */
	}
	if (rootfd >= 0 && rown)
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
	char *rel;
	int saved = errno, rootfd, rown;

	if (rp_at_copy(at, path) != 0)
		return RP_FAIL;
	if (!at->path[0]) {
		at->err = ENOENT;
		return RP_FAIL;
	}
	rp_spell_root(at, dirfd, sp, &rel, &rootfd, &rown);	/* for at->abs */
	if (rootfd >= 0 && rown)
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