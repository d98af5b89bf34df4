/* init.c - resolve the real functions, read the policy.
 *
 * Runs from the library constructor, or earlier from the first wrapper
 * that needs it (a DT_NEEDED library's constructor runs before ours and may
 * already open files: research notes, pitfall 1).  All work here happens
 * while the process is still single-threaded in practice; it still uses an
 * atomic state word so a second thread waits rather than reading a half
 * built policy.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "execdecide.h"
#include "fprint.h"
#include "loadlib.h"
#include "rawsys.h"
#include "shim.h"
#include "strbuf.h"

struct rp_real rp_real;
struct rp_state rp_state;
__thread int rp_in_shim __attribute__((tls_model("initial-exec")));

extern char **environ;

/* Fixed descriptor floor for the shim's own directory fds: far above what
 * programs count on (the first open returning 3), below the usual 1024
 * soft limit. */

void
rp_resolve_all(void)
{
	/* dlsym takes the loader lock and may allocate on failure; it runs
	 * here, from the constructor, and only as a fallback from a wrapper
	 * that runs before it.  Each store is release-ordered so RP_REAL()
	 * in another thread sees a complete pointer. */
#define RP_RESOLVE(ret, name, params)                                       \
	if (!__atomic_load_n(&rp_real.name, __ATOMIC_ACQUIRE)) {             \
		void *f = dlsym(RTLD_NEXT, #name);                           \
		if (f)                                                       \
			__atomic_store_n((void **)&rp_real.name, f,          \
					 __ATOMIC_RELEASE);                  \
	}
	RP_SYMBOLS(RP_RESOLVE)
#undef RP_RESOLVE
#define RP_VRESOLVE(name, sym, version, dflt)                               \
	if (!__atomic_load_n(&rp_real.sym, __ATOMIC_ACQUIRE)) {              \
		void *f = dlvsym(RTLD_NEXT, #name, version);                 \
		if (f)                                                       \
			__atomic_store_n((void **)&rp_real.sym, f,           \
					 __ATOMIC_RELEASE);                  \
	}
	RP_VERSIONED_SYMBOLS(RP_VRESOLVE)
#undef RP_VRESOLVE
}

static const char *
env_lookup(const char *name)
{
	/* getenv() is fine too, but this keeps the shim's own reads of the
	 * environment in one obvious place. */
	size_t n = strlen(name);
	char **e;

	if (!environ)
		return NULL;
	for (e = environ; *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static void
say(const char *msg1, const char *msg2, const char *msg3)
{
	char buf[1024];
	struct rp_buf b;
	long r;

	rp_buf_init(&b, buf, sizeof(buf));
	rp_buf_str(&b, "rampart: ");
	rp_buf_str(&b, msg1);
	if (msg2)
		rp_buf_str(&b, msg2);
	if (msg3)
		rp_buf_str(&b, msg3);
	if (b.truncated)
		b.len = sizeof(buf) - 2;
	buf[b.len++] = '\n';
	do
		r = rp_raw3(SYS_write, 2, buf, b.len);
	while (r == -EINTR);
}

/* First policy error, kept for the one fail-closed message. */
static char first_error[768];

static void
policy_diag(void *ctx, const char *file, int line, const char *msg)
{
	struct rp_buf b;

	(void)ctx;
	if (first_error[0])
		return;
	rp_buf_init(&b, first_error, sizeof(first_error));
	rp_buf_str(&b, file);
	rp_buf_char(&b, ':');
	rp_buf_long(&b, line);
	rp_buf_str(&b, ": ");
	rp_buf_str(&b, msg);
}

static void
set_policy_path(const char *p)
{
	struct rp_buf b;

	rp_buf_init(&b, rp_state.policy_path, sizeof(rp_state.policy_path));
	if (p[0] != '/') {
		/* make it absolute now: the sticky environment must still name
		 * the same file after the app changes directory */
		char cwd[RP_PATH_MAX];
		long r = rp_raw2(SYS_getcwd, cwd, sizeof(cwd));

		if (!RP_RAW_ERR(r)) {
			rp_buf_str(&b, cwd);
			rp_buf_char(&b, '/');
		}
	}
	rp_buf_str(&b, p);
}

static void
find_shim_path(void)
{
	Dl_info info;

	if (dladdr((void *)&rp_ensure_init, &info) && info.dli_fname &&
	    info.dli_fname[0] == '/' && strlen(info.dli_fname) < sizeof(rp_state.shim_path))
		strcpy(rp_state.shim_path, info.dli_fname);
}

static void
do_init(void)
{
	const char *p;
	struct stat st;

	rp_resolve_all();
	find_shim_path();
	if (!RP_RAW_ERR(rp_raw2(SYS_fstat, 2, &st))) {
		rp_state.err_dev = st.st_dev;
		rp_state.err_ino = st.st_ino;
		rp_state.err_ok = 1;
	}
	/* the loader's fingerprints of the files it made unreadable */
	rp_exec_set_fingerprints(env_lookup(RP_FPRINT_ENV));
	rp_state.start_preload = env_lookup("LD_PRELOAD") != NULL;
	p = env_lookup(RP_POLICY_ENV);
	rp_state.start_policy = p != NULL;
	if (!p || !*p)
		p = RP_POLICY_DEFAULT_PATH;
	set_policy_path(p);
	rp_state.log = 1;
	if (rp_policy_load(&rp_state.policy, rp_state.policy_path, policy_diag, NULL) != 0) {
		rp_state.policy_ok = 0;
		rp_state.audit = 0;
		rp_state.fail_reason = "policy-unavailable";
		say("cannot load policy: ", first_error,
		    "; denying every file modification and exec that needs a decision");
		return;
	}
	rp_state.audit = rp_state.policy.mode == RP_MODE_AUDIT;
	/* `rampart --audit` reaches the shim through RAMPART_MODE.  The exec
	 * wrappers keep that variable at the value this process started
	 * with (stickyenv.c), so an app cannot switch its children to audit. */
	p = env_lookup(RP_MODE_ENV);
	if (p && strcmp(p, "audit") == 0) {
		rp_state.audit = 1;
		rp_state.mode_env_audit = 1;
	}
	rp_state.log = rp_state.policy.log == RP_LOG_STDERR;
	rp_state.policy_ok = 1;	/* the roots are found at the first decision */
	/* Not dumpable (no core file, no ptrace attach by the same uid) unless
	 * the policy says CoreDumps yes.  The loader sets this too, but execve
	 * resets it (fs/exec.c, begin_new_exec): only code that runs after
	 * the exec, like this constructor, can make it hold for the app.  A
	 * process that is not dumpable can still read its own /proc/self. */
	if (!rp_state.policy.core_dumps)
		rp_raw2(SYS_prctl, PR_SET_DUMPABLE, 0);
}

void
rp_ensure_init(void)
{
	int expect = RP_READY_NO;
	int spins;

	if (__atomic_load_n(&rp_state.ready, __ATOMIC_ACQUIRE) == RP_READY_YES)
		return;
	if (__atomic_compare_exchange_n(&rp_state.ready, &expect, RP_READY_BUSY, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		rp_in_shim++;
		do_init();
		rp_event_init();	/* where events go (event.c) */
		rp_in_shim--;
		__atomic_store_n(&rp_state.ready, RP_READY_YES, __ATOMIC_RELEASE);
		return;
	}
	/* Another thread is initialising, or this thread re-entered from a
	 * signal handler during init.  Wait a bounded time; if it is still not
	 * ready the caller sees policy_ok == 0 and fails closed. */
	for (spins = 0; spins < 2000; spins++) {
		struct timespec ts = { 0, 50000 };

		if (__atomic_load_n(&rp_state.ready, __ATOMIC_ACQUIRE) == RP_READY_YES)
			return;
		rp_raw2(SYS_nanosleep, &ts, NULL);
	}
}

__attribute__((constructor)) static void
rp_constructor(void)
{
	rp_ensure_init();
	rp_event_live();	/* the loader's first process says the shim is live */
	/* A program started as `ld.so PROG` was never execve'd itself: the
	 * exec wrappers (and Landlock's EXECUTE check) saw only ld.so.  Judge
	 * PROG now, before main, and refuse to run a denied one (exec.c). */
	rp_exec_check_self();
	/* GCONV_PATH, read by glibc later (loadlib.c) */
	rp_loadlib_check_self();
}
