/* roots.c - the writable roots and the descriptors held on them.  See
 * roots.h for what is kept and why; the safety rules are there too. */
#include "roots.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>

#include "rawsys.h"
#include "resolveparts.h"
#include "shim.h"

/* ---- the roots' names ------------------------------------------------- */

/* 0 not looked for, 1 being looked for, 2 known */
static int roots_state;

static void
find_roots(void)
{
	int i;

	for (i = 0; i < rp_state.policy.n_writable && i < RP_MAX_DIRS; i++) {
		struct rp_root *r = &rp_state.roots[i];
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
		n = rp_fd_name(fd, r->canon, sizeof(r->canon));
		rp_raw1(SYS_close, fd);
		if (n <= 0 || r->canon[0] != '/') {
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

int
rp_root_known(int i)
{
	return rp_state.policy_ok && i >= 0 && i < rp_state.policy.n_writable &&
	       rp_state.roots[i].canon_len > 0;
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

		if (!rp_root_known(i))
			continue;	/* a missing optional dir: nothing beneath */
		if (r->canon_len >= bestlen && rp_path_beneath(canon, len, r->canon, r->canon_len)) {
			best = i;
			bestlen = r->canon_len;
		}
	}
	return best;
}

int
rp_spelled_root(const char *abs)
{
	size_t len = strlen(abs);
	int i;

	rp_roots_ready();	/* the canonical names are found at first use */
	for (i = 0; i < rp_state.policy.n_writable; i++) {
		const struct rp_root *r = &rp_state.roots[i];

		if (rp_path_beneath(abs, len, rp_state.policy.writable[i].path,
				    rp_state.policy.writable[i].len) ||
		    (r->canon_len && rp_path_beneath(abs, len, r->canon, r->canon_len)))
			return i;
	}
	return -1;
}

/* ---- the held descriptors --------------------------------------------- */

/* Slot i: 0 not opened yet, HELD_NONE cannot be held in this process
 * (RLIMIT_NOFILE at or below RP_ROOT_FD_MIN), else the descriptor. */
#define HELD_NONE (-1)
static int held[RP_MAX_DIRS];

/* The process whose memory this is.  A vfork child runs in its parent's
 * memory with its own fd table: a descriptor it published would name
 * nothing (or another file) in the parent.  fork children set it anew
 * (atfork), vfork children do not (glibc runs no atfork handler for
 * vfork, posix_spawn or _Fork), so getpid() differs there. */
static int owner_pid;

static void
forked_child(void)
{
	__atomic_store_n(&owner_pid, (int)rp_raw0(SYS_getpid), __ATOMIC_RELEASE);
}

/* Runs before main (a wrapper called earlier, from another library's
 * constructor, finds owner_pid 0 and opens its root per decision). */
__attribute__((constructor)) static void
roots_start(void)
{
	__atomic_store_n(&owner_pid, (int)rp_raw0(SYS_getpid), __ATOMIC_RELEASE);
	pthread_atfork(NULL, NULL, forked_child);
}

static int
own_memory(void)
{
	int o = __atomic_load_n(&owner_pid, __ATOMIC_ACQUIRE);

	return o != 0 && o == (int)rp_raw0(SYS_getpid);
}

/* Open root i for one decision: by its canonical name, through no
 * symlink, and only if it is still the directory found first (the app may
 * have renamed it and put another directory, or a symlink, in its place).
 * -1 when that fails. */
static long
root_open(int i)
{
	const struct rp_root *r = &rp_state.roots[i];
	struct open_how how;
	struct stat st;
	long fd = -ENOSYS;

	if (__atomic_load_n(&rp_openat2_state, __ATOMIC_RELAXED) >= 0) {
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

/* Publish `fd` (a high copy) in slot i unless another thread or a signal
 * handler was first; returns the descriptor the slot now holds. */
static int
publish(int i, int fd)
{
	int expect = 0;

	if (__atomic_compare_exchange_n(&held[i], &expect, fd, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return fd;
	rp_raw1(SYS_close, fd);		/* lost the race: the winner's is the same dir */
	return expect;
}

int
rp_root_fd(int i, int *own)
{
	int h = __atomic_load_n(&held[i], __ATOMIC_ACQUIRE);
	long fd, high;

	*own = 0;
	if (h > 0)
		return h;
	fd = root_open(i);
	if (fd < 0 || h == HELD_NONE || !own_memory()) {
		*own = 1;
		return (int)fd;
	}
	high = rp_raw3(SYS_fcntl, fd, F_DUPFD_CLOEXEC, RP_ROOT_FD_MIN);
	rp_raw1(SYS_close, fd);
	if (RP_RAW_ERR(high)) {
		int expect = 0;

		/* EINVAL: the fd limit is at or below RP_ROOT_FD_MIN; EMFILE:
		 * the table is full.  Either way this process decides with a
		 * descriptor per call. */
		__atomic_compare_exchange_n(&held[i], &expect, HELD_NONE, 0, __ATOMIC_ACQ_REL,
					    __ATOMIC_ACQUIRE);
		*own = 1;
		return (int)root_open(i);
	}
	h = publish(i, (int)high);
	if (h > 0)
		return h;
	*own = 1;		/* another caller found it cannot be held */
	return (int)root_open(i);
}

int
rp_root_held(int fd)
{
	int i;

	if (fd < RP_ROOT_FD_MIN)
		return 0;
	for (i = 0; i < RP_MAX_DIRS; i++)
		if (__atomic_load_n(&held[i], __ATOMIC_ACQUIRE) == fd)
			return 1;
	return 0;
}

int
rp_root_move(int fd)
{
	int i;

	if (fd < RP_ROOT_FD_MIN)
		return 0;
	for (i = 0; i < RP_MAX_DIRS; i++) {
		int expect = fd;
		long high;

		if (__atomic_load_n(&held[i], __ATOMIC_ACQUIRE) != fd)
			continue;
		if (!own_memory())
			return -EBADF;
		/* fd is open, so the copy gets another number */
		high = rp_raw3(SYS_fcntl, fd, F_DUPFD_CLOEXEC, RP_ROOT_FD_MIN);
		if (RP_RAW_ERR(high)) {
			/* no room: give the slot up; later decisions open the
			 * root per call */
			__atomic_compare_exchange_n(&held[i], &expect, HELD_NONE, 0,
						    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
			return 0;
		}
		if (!__atomic_compare_exchange_n(&held[i], &expect, (int)high, 0,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			rp_raw1(SYS_close, high);	/* moved meanwhile */
	}
	return 0;
}

int
rp_roots_held_sorted(int *fds, int max)
{
	int i, n = 0;

	for (i = 0; i < RP_MAX_DIRS && n < max; i++) {
		int h = __atomic_load_n(&held[i], __ATOMIC_ACQUIRE), j;

		if (h <= 0)
			continue;
		for (j = n; j > 0 && fds[j - 1] > h; j--)
			fds[j] = fds[j - 1];
		fds[j] = h;
		n++;
	}
	return n;
}
