/* wx.c - W^X for programs and libraries: is a kernel path beneath a
 * writable dir that is not an ExecWritablePath (part of the exec
 * decision, execparts.h; rp_exec_wx_dir in execdecide.h).
 */
#include "execparts.h"
#include "rules.h"

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
		n = rp_fd_name(fd, tmp, cap);
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

/* The exec decision's stage: the rule above, as a verdict naming the
 * writable dir. */
int
rp_exec_judge_wx(const struct rp_policy *p, const char *canon, struct rp_exec_verdict *v)
{
	int w = rp_exec_wx_dir(p, canon);

	if (w < 0)
		return 0;
	return rp_exec_deny(v, RP_RULE(WX), p->writable[w].path, 0, canon);
}
