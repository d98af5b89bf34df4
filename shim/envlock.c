/* envlock.c - a reentrant, bounded lock on the process's environment
 * (see envlock.h).  One word holds the owner's thread id; no malloc, no
 * libc lock, raw system calls only, errno preserved. */
#include "envlock.h"

#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>

#include "rawsys.h"

static int owner;	/* thread id of the holder, 0 when free */
static int depth;	/* the holder's nesting; only the holder touches it */

/* About a second of yields: an owner that is alive and never lets go (a
 * thread id reused after the holder died with the lock) cannot stall the
 * app for good. */
#define RP_ENVLOCK_SPINS (1U << 16)

/* This thread's id, asked once: a lock on every setenv and spawn should
 * not cost a system call.  A fork child's only thread asks again
 * (atfork); a vfork child shares its parent's memory and, like it, must
 * not call setenv (POSIX), so it never reaches here. */
static __thread int my_tid;

static void
forked_child(void)
{
	my_tid = 0;
}

__attribute__((constructor)) static void
envlock_start(void)
{
	pthread_atfork(NULL, NULL, forked_child);
}

static int
self_tid(void)
{
	if (!my_tid)
		my_tid = (int)rp_raw0(SYS_gettid);
	return my_tid;
}

static int
owner_gone(int tid)
{
	long pid = rp_raw0(SYS_getpid);

	return rp_raw3(SYS_tgkill, pid, tid, 0) == -ESRCH;
}

void
rp_env_lock(void)
{
	int saved = errno;
	int self = self_tid();
	unsigned i;

	if (__atomic_load_n(&owner, __ATOMIC_RELAXED) == self) {
		depth++;
		errno = saved;
		return;
	}
	for (i = 0;; i++) {
		int seen = 0;

		if (__atomic_compare_exchange_n(&owner, &seen, self, 0, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			break;
		/* a holder that no longer exists in this process (a fork
		 * child's copy of another thread's lock, an exec'd vfork
		 * child): take the lock over */
		if (((i & 63) == 63 && owner_gone(seen)) || i >= RP_ENVLOCK_SPINS) {
			if (__atomic_compare_exchange_n(&owner, &seen, self, 0, __ATOMIC_ACQUIRE,
							__ATOMIC_RELAXED))
				break;
		}
		rp_raw0(SYS_sched_yield);
	}
	depth = 1;
	errno = saved;
}

void
rp_env_unlock(void)
{
	if (--depth > 0)
		return;
	__atomic_store_n(&owner, 0, __ATOMIC_RELEASE);
}
