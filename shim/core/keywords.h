/* keywords.h - the one table of policy keywords.
 *
 * The parser (policykw.c), `rampart --check` (tools/loader/check.c) and the test that
 * reads docs/man/rampart.policy.5 all iterate over this table, so a keyword
 * exists in all three places or in none.
 *
 * X(ID, "Name", KIND, "value syntax", "one-line meaning")
 *   KIND is RP_KW_SCALAR (once; a repeat is an error) or RP_KW_LIST (may
 *   repeat; values accumulate).
 */
#ifndef RAMPART_KEYWORDS_H
#define RAMPART_KEYWORDS_H

#define RP_KEYWORDS(X)                                                         \
	X(MODE, "Mode", RP_KW_SCALAR, "enforce|audit",                         \
	  "enforce denies; audit allows and logs what would be denied")        \
	X(WRITABLE, "WritablePath", RP_KW_LIST, "DIR...",                      \
	  "the only directories beneath which files may be modified")          \
	X(OPT_WRITABLE, "OptionalWritablePath", RP_KW_LIST, "DIR...",         \
	  "like WritablePath, but the directory may be missing")               \
	X(EXEC_WRITABLE, "ExecWritablePath", RP_KW_LIST, "DIR...",            \
	  "opt-out of W^X: programs beneath DIR may run")                      \
	X(DENY_EXEC, "DenyExec", RP_KW_LIST, "PATTERN...",                     \
	  "programs that may not run (glob on names, or on paths with '/')")   \
	X(MEMFD_EXEC, "MemfdExec", RP_KW_SCALAR, "deny|allow",                 \
	  "whether a memfd or deleted file may be executed")                   \
	X(INCLUDE, "Include", RP_KW_LIST, "FILE",                              \
	  "read another policy file (relative to this file's directory)")      \
	X(USER, "User", RP_KW_SCALAR, "NAME|UID",                              \
	  "user the loader switches to")                                       \
	X(GROUP, "Group", RP_KW_SCALAR, "NAME|GID",                            \
	  "group the loader switches to (default: the user's group)")          \
	X(KEEP_CAP, "KeepCapability", RP_KW_LIST, "CAP...",                    \
	  "capabilities the loader keeps (all others are dropped)")            \
	X(DENY_SYSCALL, "DenySyscall", RP_KW_LIST, "NAME...",                  \
	  "extra system calls the loader's seccomp filter denies")             \
	X(ALLOW_SYSCALL, "AllowSyscall", RP_KW_LIST, "NAME...",                \
	  "system calls taken out of the loader's default deny set")           \
	X(LANDLOCK, "Landlock", RP_KW_SCALAR, "strict|best-effort|off",        \
	  "how the loader applies Landlock when the kernel lacks features")    \
	X(CORE_DUMPS, "CoreDumps", RP_KW_SCALAR, "no|yes",                     \
	  "allow core dumps (default no: they leak process memory)")           \
	X(LOG, "Log", RP_KW_SCALAR, "stderr|none",                             \
	  "whether the shim writes its JSON events")                           \
	X(MEMORY_WX, "MemoryDenyWriteExecute", RP_KW_SCALAR, "no|yes",         \
	  "no memory may become executable after it was writable (loader)")    \
	X(REQUIRE_NOEXEC, "RequireNoexec", RP_KW_SCALAR, "no|yes",             \
	  "the loader refuses to start unless every writable dir is noexec")   \
	X(EVENT_SINK, "EventSink", RP_KW_SCALAR,                               \
	  "stderr|file:PATH|socket:PATH|fifo:PATH",                            \
	  "where every process's events go (default: the loader's stderr)")

enum rp_kw_kind { RP_KW_SCALAR, RP_KW_LIST };

enum rp_keyword {
#define RP_KW_ENUM(id, name, kind, syntax, help) RP_KW_##id,
	RP_KEYWORDS(RP_KW_ENUM)
#undef RP_KW_ENUM
	RP_KW_COUNT
};

struct rp_keyword_info {
	const char *name;
	enum rp_kw_kind kind;
	const char *syntax;
	const char *help;
};

extern const struct rp_keyword_info rp_keyword_table[RP_KW_COUNT];

#endif
