/* policy.h - the rampart policy: data model, parser, path matching.
 *
 * One module, compiled into both librampart.so and the rampart loader, so
 * both enforce one set of semantics.  It never allocates: every limit below
 * is a fixed bound, the policy lives in caller-provided storage, and files
 * are read with raw system calls (see rawsys.h).  That keeps it usable from
 * the shim's constructor and from a wrapper that runs before it.
 *
 * Written in policy.c (the reader, the entry points, the lookups) and
 * policykw.c (what each keyword means), which share policyparts.h; the
 * lexical paths are pathnorm.[ch], included here.
 */
#ifndef RAMPART_POLICY_H
#define RAMPART_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "keywords.h"
#include "pathnorm.h"

#define RP_POLICY_DEFAULT_PATH "/etc/rampart/policy"
#define RP_POLICY_ENV "RAMPART_POLICY"
#define RP_MODE_ENV "RAMPART_MODE"	/* "audit": set by `rampart --audit` */

#define RP_MAX_DIRS 64		/* WritablePath + OptionalWritablePath */
#define RP_MAX_EXEC_DIRS 32	/* ExecWritablePath */
#define RP_MAX_PATTERNS 512	/* DenyExec */
#define RP_MAX_SYSCALLS 128	/* DenySyscall, AllowSyscall (each) */
#define RP_MAX_LINE 4096	/* bytes per line, newline excluded */
#define RP_MAX_FILE (256 * 1024)	/* bytes per policy file */
#define RP_MAX_INCLUDE_DEPTH 8
#define RP_MAX_FILES 32		/* distinct files in one policy */
#define RP_POOL_SIZE (128 * 1024)	/* strings kept by the policy */
#define RP_PATH_MAX 4096

enum rp_mode { RP_MODE_ENFORCE = 0, RP_MODE_AUDIT = 1 };
enum rp_landlock { RP_LANDLOCK_STRICT = 0, RP_LANDLOCK_BEST_EFFORT, RP_LANDLOCK_OFF };
enum rp_log { RP_LOG_STDERR = 0, RP_LOG_NONE };
/* EventSink: the loader's stderr (through its relay), or a file, a unix
 * datagram socket or a FIFO named by an absolute path. */
enum rp_sink { RP_SINK_STDERR = 0, RP_SINK_FILE, RP_SINK_SOCKET, RP_SINK_FIFO };

/* Where a directive came from, for messages that point at it. */
struct rp_loc {
	const char *file;
	int line;
};

struct rp_dir {
	const char *path;	/* normalised, absolute, no trailing '/' */
	size_t len;
	int optional;		/* may be missing (OptionalWritablePath) */
	int missing;		/* did not exist when the policy was read */
	int absent;		/* RP_LOAD_LINT: errno why it cannot be used on this
				 * machine (ENOENT, ENOTDIR...), else 0 */
	struct rp_loc loc;
};

struct rp_item {
	const char *text;
	struct rp_loc loc;
};

struct rp_policy {
	const char *source;		/* the top-level file */
	enum rp_mode mode;
	enum rp_landlock landlock;
	enum rp_log log;
	enum rp_sink sink;
	const char *sink_path;		/* RP_SINK_FILE/SOCKET/FIFO: normalised */
	int core_dumps;
	int memfd_exec;			/* 1 = allowed */
	int memory_wx;			/* MemoryDenyWriteExecute yes */
	int require_noexec;		/* RequireNoexec yes */
	const char *user;		/* NULL when not set */
	const char *group;
	uint64_t keep_caps;		/* bit n = capability n */

	struct rp_dir writable[RP_MAX_DIRS];
	int n_writable;
	struct rp_dir exec_writable[RP_MAX_EXEC_DIRS];
	int n_exec_writable;
	struct rp_item deny_exec[RP_MAX_PATTERNS];
	int n_deny_exec;
	struct rp_item deny_syscall[RP_MAX_SYSCALLS];
	int n_deny_syscall;
	struct rp_item allow_syscall[RP_MAX_SYSCALLS];
	int n_allow_syscall;

	/* where each scalar keyword was first set (line 0 = never) */
	struct rp_loc set_at[RP_KW_COUNT];

	size_t pool_used;
	char pool[RP_POOL_SIZE];
};

/* Called once per error.  `file` may be the policy path or an included
 * file; `line` is 0 for errors about the file as a whole.  The message has
 * no trailing newline. */
typedef void (*rp_diag_fn)(void *ctx, const char *file, int line, const char *msg);

/* Parse `path` into `p` (which is reset first).  Returns the number of
 * errors; `p` must not be used unless it returns 0.  Not thread-safe: it
 * uses one static read buffer. */
int rp_policy_load(struct rp_policy *p, const char *path, rp_diag_fn diag, void *ctx);

/* Flags of rp_policy_load_flags(). */
enum {
	/* The policy is read outside the image it is for (--check,
	 * export-seccomp, suggest on a build host): a WritablePath that does
	 * not exist here or is not a directory is recorded in rp_dir.absent
	 * (and counts as missing), not an error.  Where the policy is
	 * enforced (the loader's run, the shim, scan inside ROOT) it is
	 * read without this flag, so such a dir stops it (fail closed). */
	RP_LOAD_LINT = 1,
};
int rp_policy_load_flags(struct rp_policy *p, const char *path, unsigned flags,
			 rp_diag_fn diag, void *ctx);

/* Parse a policy held in memory (the fuzzer's entry point).  `name` labels
 * messages; Include is resolved relative to the current directory. */
int rp_policy_load_buffer(struct rp_policy *p, const char *name, const char *buf,
			  size_t len, rp_diag_fn diag, void *ctx);

/* Names of capabilities 0..RP_CAP_COUNT-1 without the CAP_ prefix. */
#define RP_CAP_COUNT 41
extern const char *const rp_cap_names[RP_CAP_COUNT];
int rp_cap_from_name(const char *name);	/* -1 if unknown */

/* ---- paths (lexical ones: pathnorm.h) ------------------------------- */

/* Index of the writable dir containing `path` (normalised), or -1. */
int rp_policy_writable_index(const struct rp_policy *p, const char *path, size_t len);
/* 1 if `path` lies beneath an ExecWritablePath. */
int rp_policy_exec_writable(const struct rp_policy *p, const char *path, size_t len);

#endif
