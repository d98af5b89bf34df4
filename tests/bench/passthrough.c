/* passthrough.c - the floor of interposition, for `make bench`.
 *
 * A preload library that wraps the entry points the benchmark workloads
 * reach (opens, fopen, rename, unlink, mkdir, execve, posix_spawn) and
 * forwards each call unchanged to the next definition, resolved once with
 * dlsym(RTLD_NEXT).  Its cost over a bare run is what any LD_PRELOAD shim
 * pays (PLT hop to the preload, indirect call, PLT-bound libc); the
 * difference between it and librampart.so is rampart's own logic.
 *
 * One table (PT_SYMBOLS) gives the pointer fields, the resolution loop and
 * the wrappers of fixed arity; the open family, variadic in its mode, is
 * generated from PT_OPEN_SYMBOLS.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#define PT_EXPORT __attribute__((visibility("default")))

/* X(return type, name, (typed parameters), (argument names)) */
#define PT_SYMBOLS(X)                                                          \
	X(int, __open_2, (const char *p, int f), (p, f))                       \
	X(int, __open64_2, (const char *p, int f), (p, f))                     \
	X(int, __openat_2, (int d, const char *p, int f), (d, p, f))           \
	X(int, __openat64_2, (int d, const char *p, int f), (d, p, f))         \
	X(int, creat, (const char *p, mode_t m), (p, m))                       \
	X(int, creat64, (const char *p, mode_t m), (p, m))                     \
	X(FILE *, fopen, (const char *p, const char *m), (p, m))               \
	X(FILE *, fopen64, (const char *p, const char *m), (p, m))             \
	X(int, rename, (const char *a, const char *b), (a, b))                 \
	X(int, renameat, (int da, const char *a, int db, const char *b),       \
	  (da, a, db, b))                                                      \
	X(int, unlink, (const char *p), (p))                                   \
	X(int, unlinkat, (int d, const char *p, int f), (d, p, f))             \
	X(int, mkdir, (const char *p, mode_t m), (p, m))                       \
	X(int, mkdirat, (int d, const char *p, mode_t m), (d, p, m))           \
	X(int, execve, (const char *p, char *const a[], char *const e[]),      \
	  (p, a, e))                                                           \
	X(int, posix_spawn,                                                    \
	  (pid_t *pid, const char *p, const posix_spawn_file_actions_t *fa,    \
	   const posix_spawnattr_t *at, char *const a[], char *const e[]),     \
	  (pid, p, fa, at, a, e))                                              \
	X(int, posix_spawnp,                                                   \
	  (pid_t *pid, const char *p, const posix_spawn_file_actions_t *fa,    \
	   const posix_spawnattr_t *at, char *const a[], char *const e[]),     \
	  (pid, p, fa, at, a, e))

/* The open family: the mode argument is variadic, present only with
 * O_CREAT or O_TMPFILE (open(2)). */
#define PT_OPEN_SYMBOLS(X) X(open) X(open64)
#define PT_OPENAT_SYMBOLS(X) X(openat) X(openat64)

static struct {
#define PT_FIELD(ret, name, params, args) ret(*name) params;
	PT_SYMBOLS(PT_FIELD)
#undef PT_FIELD
#define PT_OPEN_FIELD(name) int (*name)(const char *, int, ...);
	PT_OPEN_SYMBOLS(PT_OPEN_FIELD)
#undef PT_OPEN_FIELD
#define PT_OPENAT_FIELD(name) int (*name)(int, const char *, int, ...);
	PT_OPENAT_SYMBOLS(PT_OPENAT_FIELD)
#undef PT_OPENAT_FIELD
} real;

/* Resolve every pointer once; called by the constructor and by a wrapper
 * that runs before it (another library's constructor). */
static void
resolve_all(void)
{
#define PT_RESOLVE(name) \
	__atomic_store_n((void **)&real.name, dlsym(RTLD_NEXT, #name), __ATOMIC_RELEASE);
#define PT_RESOLVE4(ret, name, params, args) PT_RESOLVE(name)
	PT_SYMBOLS(PT_RESOLVE4)
	PT_OPEN_SYMBOLS(PT_RESOLVE)
	PT_OPENAT_SYMBOLS(PT_RESOLVE)
#undef PT_RESOLVE
#undef PT_RESOLVE4
}

__attribute__((constructor)) static void
pt_init(void)
{
	resolve_all();
}

#define PT_REAL(name) \
	(__builtin_expect(__atomic_load_n(&real.name, __ATOMIC_ACQUIRE) != NULL, 1) ? \
	 real.name : (resolve_all(), real.name))

#define PT_WRAP(ret, name, params, args)      \
	PT_EXPORT ret name params;            \
	PT_EXPORT ret name params             \
	{                                     \
		return PT_REAL(name) args;    \
	}
PT_SYMBOLS(PT_WRAP)
#undef PT_WRAP

/* The mode is read only when the flags say it was passed, as glibc's
 * open does (io/fcntl.h, __OPEN_NEEDS_MODE). */
static mode_t
mode_arg(int flags, va_list ap)
{
	return __OPEN_NEEDS_MODE(flags) ? va_arg(ap, mode_t) : 0;
}

#define PT_WRAP_OPEN(name)                                  \
	PT_EXPORT int name(const char *p, int f, ...);      \
	PT_EXPORT int name(const char *p, int f, ...)       \
	{                                                   \
		va_list ap;                                 \
		mode_t m;                                   \
		va_start(ap, f);                            \
		m = mode_arg(f, ap);                        \
		va_end(ap);                                 \
		return PT_REAL(name)(p, f, m);              \
	}
PT_OPEN_SYMBOLS(PT_WRAP_OPEN)
#undef PT_WRAP_OPEN

#define PT_WRAP_OPENAT(name)                                       \
	PT_EXPORT int name(int d, const char *p, int f, ...);      \
	PT_EXPORT int name(int d, const char *p, int f, ...)       \
	{                                                          \
		va_list ap;                                        \
		mode_t m;                                          \
		va_start(ap, f);                                   \
		m = mode_arg(f, ap);                               \
		va_end(ap);                                        \
		return PT_REAL(name)(d, p, f, m);                  \
	}
PT_OPENAT_SYMBOLS(PT_WRAP_OPENAT)
#undef PT_WRAP_OPENAT
