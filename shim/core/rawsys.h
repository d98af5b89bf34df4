/* rawsys.h - raw system calls that bypass libc and the shim's own wrappers.
 *
 * Code inside librampart.so must never call open(), syscall() or any other
 * name the shim interposes: such a call binds to the shim's exported wrapper
 * (docs/threat-model.md, P4).  These inline stubs also leave
 * errno alone: they return -errno on failure, which keeps the wrappers'
 * "errno exactly as libc set it" promise easy to hold.
 */
#ifndef RAMPART_RAWSYS_H
#define RAMPART_RAWSYS_H

#include <sys/syscall.h>

#if defined(__x86_64__)
static inline long
rp_raw6(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
static inline long
rp_raw6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	__asm__ __volatile__("svc 0"
			     : "+r"(x0)
			     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			     : "memory");
	return x0;
}
#else
#error "rampart: raw system calls are implemented for x86_64 and aarch64 only"
#endif

#ifdef __clang_analyzer__
/* The static analyser cannot see that the inline assembly fills buffers
 * and structs the kernel writes (stat, readlink, getdents); it gets an
 * opaque function instead (make analyze). */
long rp_raw_analyzer_model(long n, ...);
#define rp_raw0(n) rp_raw_analyzer_model((n))
#define rp_raw1(n, a) rp_raw_analyzer_model((n), (a))
#define rp_raw2(n, a, b) rp_raw_analyzer_model((n), (a), (b))
#define rp_raw3(n, a, b, c) rp_raw_analyzer_model((n), (a), (b), (c))
#define rp_raw4(n, a, b, c, d) rp_raw_analyzer_model((n), (a), (b), (c), (d))
#define rp_raw5(n, a, b, c, d, e) rp_raw_analyzer_model((n), (a), (b), (c), (d), (e))
#else
#define rp_raw0(n) rp_raw6((n), 0, 0, 0, 0, 0, 0)
#define rp_raw1(n, a) rp_raw6((n), (long)(a), 0, 0, 0, 0, 0)
#define rp_raw2(n, a, b) rp_raw6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define rp_raw3(n, a, b, c) rp_raw6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define rp_raw4(n, a, b, c, d) \
	rp_raw6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define rp_raw5(n, a, b, c, d, e) \
	rp_raw6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

#endif

/* True when a raw return value is an error (-4095..-1), as in the kernel. */
#define RP_RAW_ERR(r) ((unsigned long)(r) > -4096UL)

#endif
