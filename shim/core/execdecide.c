/* execdecide.c - the one exec decision (see execdecide.h).
 *
 * Compiled into librampart.so (exec wrappers, constructor self-check) and
 * into the rampart loader (`--check -- CMD`).  Everything here may run in
 * a vfork child (CPython's subprocess: docs/threat-model.md, P7): no
 * malloc, no stdio, no locks, no getenv; file system queries are raw
 * system calls (rawsys.h) so they never re-enter the shim's wrappers.
 *
 * Order of the checks for one program (a "stage"; Rn are the bypass
 * routes of docs/threat-model.md):
 *   1. the name as given and at every symlink hop (DenyExec without '/'),
 *      and each hop made absolute (DenyExec with '/');
 *   2. argv[0]'s basename (multi-call binaries dispatch on it: R28);
 *   3. the final target as the kernel resolves it: open it (a regular
 *      file reached without a final symlink read-only with O_NOFOLLOW,
 *      anything else O_PATH), read its name back from /proc/self/fd
 *      (d_path), match names and paths again;
 *   4. memfd or deleted file (R8), W^X (R9), identity of denied
 *      binaries by (st_dev, st_ino) and, for same-size files, by content;
 *   5. a dynamic loader (R7) or a #! script (R27) starts one more
 *      stage for the program it would really run.
 * An allowed exec of a regular file named directly costs six system
 * calls (lstat, open, fstat, the /proc readlink, the #! read, close), one
 * through a symlink ten (tests/integ/test_exec_syscalls.c).
 * The parts a stage asks are in their own files (execparts.h): execids.c
 * (step 4, identity), wx.c (W^X), interp.c (step 5), pathsearch.c.
 */
#include "execdecide.h"
#include "execparts.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "glob.h"
#include "rawsys.h"
#include "rules.h"
#include "strbuf.h"

#define RP_MAX_HOPS 40		/* the kernel's MAXSYMLINKS */
#define RP_MAX_STAGES 6		/* BINPRM_MAX_RECURSION (4) #! levels + ld.so */
#define RP_HEAD_BYTES 256	/* BINPRM_BUF_SIZE: what the kernel reads for #! */

/* ---- small helpers ------------------------------------------------------ */

/* Absolute, lexically normalised form of `path` relative to `dirfd`, for
 * matching patterns only (never to allow). */
void
rp_exec_abs_of(int dirfd, const char *path, char *out, size_t cap)
{
	char base[RP_PATH_MAX];
	const char *b = "/";

	if (path[0] != '/') {	/* `base` is written only when needed */
		if (dirfd == AT_FDCWD) {
			long r = rp_raw2(SYS_getcwd, base, sizeof(base));

			if (!RP_RAW_ERR(r) && base[0])
				b = base;
		} else if (rp_fd_name(dirfd, base, sizeof(base)) >= 0 && base[0]) {
			b = base;
		}
	}
	if (rp_path_lexical(b, path, out, cap) != 0)
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

int
rp_exec_deny(struct rp_exec_verdict *v, const char *rule, const char *pattern, int hop,
     const char *where)
{
	v->deny = 1;
	v->rule = rule;
	v->pattern = pattern;
	v->hop = hop;
	if (where != v->hop_path)	/* a later stage's own path is there already */
		copy_str(v->hop_path, where ? where : "", sizeof(v->hop_path));
	return 1;
}

/* DenyExec patterns without '/' against a name (denymatch.h's rule). */
const char *
rp_exec_match_name(const struct rp_policy *p, const char *name)
{
	int i = rp_deny_name(p, rp_exec_names(p), name, strlen(name));

	return i >= 0 ? p->deny_exec[i].text : NULL;
}

/* DenyExec patterns with '/' against an absolute path. */
static const char *
match_path(const struct rp_policy *p, const char *abs)
{
	const struct rp_names *n = rp_exec_names(p);
	int i = rp_deny_path(p, n ? n->path : NULL, n ? n->n_path : 0, abs);

	return i >= 0 ? p->deny_exec[i].text : NULL;
}

/* ---- one stage --------------------------------------------------------- */

struct stage {
	int dirfd;
	const char *path;
	int flags;
	const char *argv0;	/* NULL: not checked */
	char *const *argv;	/* for ld.so option parsing */
};

/* The first look at a stage's path: one lstat, which also stands for the
 * old "is anything there" stat and for the readlink of hop 0.  LOOK_REG:
 * a regular file is there (the common exec), so there is no hop to walk,
 * and once its names are judged (a denial by name costs this one call)
 * it is opened for reading at once, with O_NOFOLLOW so that it is the
 * file the lstat saw or the open fails (open_regular): the descriptor the
 * name, W^X and identity checks need and the one that reads the #! line
 * are then the same, without a /proc/self/fd reopen.  Anything else (a
 * symlink, an execute-only file, a FIFO or device, which are never opened
 * for reading, or a file replaced in between) takes the walk, as before. */
enum { LOOK_GONE = -1, LOOK_SLOW = 0, LOOK_REG = 1 };

static int
first_look(const struct stage *s, struct stat *st, int *err)
{
	long r = rp_raw4(SYS_newfstatat, s->dirfd, s->path, st, AT_SYMLINK_NOFOLLOW);

	if (r == -ENOENT || r == -ENOTDIR) {
		*err = (int)-r;
		return s->path[0] ? LOOK_GONE : LOOK_SLOW;
	}
	return !RP_RAW_ERR(r) && S_ISREG(st->st_mode) ? LOOK_REG : LOOK_SLOW;
}

/* The read-only open of a LOOK_REG path, fstat'd into *st; -1 if it is
 * not (or no longer) a readable regular file. */
static long
open_regular(const struct stage *s, struct stat *st)
{
	long fd = rp_raw4(SYS_openat, s->dirfd, s->path,
			  O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);

	if (RP_RAW_ERR(fd))
		return -1;	/* unreadable, or changed since the lstat */
	if (RP_RAW_ERR(rp_raw2(SYS_fstat, fd, st)) || !S_ISREG(st->st_mode)) {
		rp_raw1(SYS_close, fd);	/* replaced in between */
		return -1;
	}
	return fd;
}

/* An O_PATH open's error that the exec would meet too (the name leads
 * nowhere, or not to a file the caller may reach). */
static int
nothing_to_run(long err)
{
	return err == -ENOENT || err == -ENOTDIR || err == -ELOOP || err == -ENAMETOOLONG ||
	       err == -EACCES;
}

/* Judge one program.  Returns 1 (verdict set) to deny, 0 to allow with
 * `next` holding the path of a further stage (interpreter or ld.so
 * program) or empty, -1 (v->not_found, v->err set) when stage 0's path
 * names nothing, or when a stage's file cannot be opened to be judged (the
 * exec then fails with that errno: EMFILE, ENFILE, ENOMEM): the exec fails on its own, and a denial would only add
 * noise (dash tries every PATH entry with execve, so `gcc` would log once
 * per directory; a file made there later is judged by that later exec). */
static int
judge_stage(const struct rp_policy *p, const struct stage *s, int first, const char *pathenv,
	    struct rp_exec_verdict *v, char *next, const char **next_argv0,
	    char *const **next_argv)
{
	char cur[RP_PATH_MAX], lnk[RP_PATH_MAX], abs[RP_PATH_MAX];
	const char *pat, *where;
	struct stat st;
	long fd = -1, rfd = -1, n;
	int hop = 0, r = 0, look = LOOK_SLOW, opened = 0, slow_only = 0;
	int empty = (s->flags & RP_EXEC_EMPTY_PATH) && !s->path[0];

again:
	next[0] = '\0';
	*next_argv0 = NULL;
	*next_argv = NULL;
	if (!empty) {
		int err = 0;

		look = first_look(s, &st, &err);
		if (slow_only && look == LOOK_REG)
			look = LOOK_SLOW;
		if (first && look == LOOK_SLOW && s->path[0]) {
			/* step 3's open, early: as the exec will resolve the
			 * path, a dangling symlink is nothing to run either */
			fd = rp_raw4(SYS_openat, s->dirfd, s->path, O_PATH | O_CLOEXEC, 0);
			opened = 1;
			if (fd == -ENOENT || fd == -ENOTDIR) {
				look = LOOK_GONE;
				err = (int)-fd;
			}
		}
		if (look == LOOK_GONE && first) {
			v->not_found = 1;
			v->err = err;
			return -1;
		}
		if (look == LOOK_GONE)
			look = LOOK_SLOW;	/* a later stage's name is still judged */
	}
	/* 1. the name as given and every symlink hop (a regular file has no
	 * hop: its own spelling is matched, without a copy) */
	if (!empty) {
		const char *name = s->path, *ap;

		if (look != LOOK_REG) {
			copy_str(cur, s->path, sizeof(cur));
			name = cur;
		}
		for (hop = 0; hop <= RP_MAX_HOPS; hop++) {
			const char *slash;

			if ((pat = rp_exec_match_name(p, base_of(name)))) {
				where = name;
				goto deny_name;
			}
			ap = name;
			if (!rp_path_is_normal(name, strlen(name))) {
				rp_exec_abs_of(s->dirfd, name, abs, sizeof(abs));
				ap = abs;
			}
			if ((pat = match_path(p, ap))) {
				where = ap;
				goto deny_name;
			}
			if (look == LOOK_REG)
				break;	/* a regular file, not a link: no hop */
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
	if (s->argv0 && (pat = rp_exec_match_name(p, base_of(s->argv0)))) {
		where = s->argv0;
		hop = 0;
		goto deny_name;
	}
	/* 3. the final target as the kernel resolves it */
	if (look == LOOK_REG) {
		if ((fd = open_regular(s, &st)) < 0) {
			/* no longer what the lstat saw: judged again, the
			 * slow way (its hops walked) */
			slow_only = 1;
			goto again;
		}
		rfd = fd;	/* open for reading, and fstat'd */
	} else {
		if (empty) {
			char link[40];

			rp_fd_path(link, s->dirfd);
			fd = rp_raw4(SYS_openat, AT_FDCWD, link, O_PATH | O_CLOEXEC, 0);
		} else if (!opened) {
			fd = rp_raw4(SYS_openat, s->dirfd, s->path, O_PATH | O_CLOEXEC, 0);
		}
		if (RP_RAW_ERR(fd) && nothing_to_run(fd))
			return 0;	/* nothing there: the exec itself fails */
		if (RP_RAW_ERR(fd)) {
			/* the file is there but could not be looked at (no
			 * descriptor left, no memory): fail closed with that
			 * errno rather than run what was not judged */
			v->not_found = 1;
			v->err = (int)-fd;
			return -1;
		}
		if (RP_RAW_ERR(rp_raw2(SYS_fstat, fd, &st)) || !S_ISREG(st.st_mode))
			goto out;	/* not a regular file: the kernel refuses (EACCES) */
	}
	if (rp_fd_name(fd, v->resolved, sizeof(v->resolved)) < 0)
		rp_exec_abs_of(s->dirfd, s->path, v->resolved, sizeof(v->resolved));
	if ((pat = rp_exec_match_name(p, base_of(v->resolved))) || (pat = match_path(p, v->resolved))) {
		r = rp_exec_deny(v, RP_RULE(DENY_EXEC), pat, hop, v->resolved);
		goto out;
	}
	/* 4. memfd, W^X, identity */
	if (is_memfd_name(v->resolved)) {
		v->memfd = 1;
		if (!p->memfd_exec) {
			r = rp_exec_deny(v, RP_RULE(MEMFD), "MemfdExec deny", hop, v->resolved);
			goto out;
		}
	}
	if ((r = rp_exec_judge_wx(p, v->resolved, v)))
		goto out;
	if (rfd < 0) {
		char link[40];

		rp_fd_path(link, fd);
		rfd = rp_raw4(SYS_openat, AT_FDCWD, link, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
		if (RP_RAW_ERR(rfd))
			rfd = -1;	/* execute-only file: no content checks */
	}
	if ((r = rp_exec_judge_identity(p, &st, rfd, pathenv, v)))
		goto out;
	/* 5. what it really runs */
	if (rp_exec_is_loader_name(base_of(v->resolved)) ||
	    rp_exec_is_loader_file(&st)) {
		const char *prog, *a0;
		int k = rp_exec_parse_ld_args(p, s->argv, &prog, &a0, v->resolved, v);

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
		if (!RP_RAW_ERR(n) && rp_exec_shebang(head, n, next, RP_PATH_MAX))
			*next_argv = NULL;
	}
out:
	if (rfd >= 0 && rfd != fd)
		rp_raw1(SYS_close, rfd);
	rp_raw1(SYS_close, fd);
	return r;
deny_name:
	if (!RP_RAW_ERR(fd) && fd >= 0)
		rp_raw1(SYS_close, fd);
	return rp_exec_deny(v, RP_RULE(DENY_EXEC), pat, hop, where);
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
		return rp_exec_deny(v, RP_RULE(POLICY_UNAVAILABLE), NULL, 0, v->path);
	if (v->not_found)
		return 0;
	s.dirfd = dirfd;
	s.path = v->path;
	s.flags = flags & RP_EXEC_EMPTY_PATH;
	s.argv = argv;
	s.argv0 = argv ? argv[0] : NULL;
	/* Stage 0 writes the next stage's path straight into v->hop_path,
	 * where the next stage reads it, and the first stage's target is
	 * kept aside only when there is a next stage: a fork child copies
	 * each page it writes. */
	for (i = 0; i < RP_MAX_STAGES; i++) {
		char *nx = i == 0 ? v->hop_path : next;
		const char *a0;
		char *const *av;
		int k;

		v->stage = i;
		k = judge_stage(p, &s, i == 0 && !(flags & RP_EXEC_EMPTY_PATH), pathenv, v,
				nx, &a0, &av);
		if (k < 0) {
			v->stage = 0;
			return 0;	/* not found */
		}
		if (k)
			return 1;
		if (!nx[0])
			break;
		if (i == 0)
			copy_str(first, v->resolved, sizeof(first));
		else	/* the next stage's path must outlive `next` */
			copy_str(v->hop_path, next, sizeof(v->hop_path));
		s.dirfd = AT_FDCWD;
		s.path = v->hop_path;
		s.flags = 0;
		s.argv0 = a0;
		s.argv = av;
	}
	if (i == RP_MAX_STAGES)
		return rp_exec_deny(v, RP_RULE(LDSO), "too many interpreter levels", i, v->hop_path);
	if (i > 0)
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
