/* asan_defaults.c - sanitizer settings built into the instrumented loader.
 *
 * `make test-asan` links this into build-asan/rampart.  Tests run the
 * loader with a clean environment (env -i style lists), where
 * ASAN_OPTIONS and UBSAN_OPTIONS from asan.mk do not reach it; these
 * functions are the runtime's documented hook for defaults
 * (compiler-rt: sanitizer_common/sanitizer_interface_internal.h,
 * __asan_default_options and friends), read before the environment.
 *
 *   detect_leaks=0  LeakSanitizer's exit-time check stops the world with
 *                   ptrace, which the loader's seccomp filter may refuse
 *                   ("LeakSanitizer has encountered a fatal error"), and it
 *                   would replace the loader's exit status.
 *   exitcode=86     a sanitizer report ends the process with a status no
 *                   rampart exit code uses (125, 126, 127 are API).
 */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

__attribute__((visibility("default"), used)) const char *
__asan_default_options(void)
{
	/* verify_asan_link_order=0: tests also run the loader with the shim
	 * preloaded into it (an image with /etc/ld.so.preload), which puts
	 * librampart.so ahead of libasan; the shim is not instrumented, so
	 * the order does not matter to ASan's checks of the loader;
	 * disable_coredump=0: ASan would otherwise lower RLIMIT_CORE itself,
	 * hiding what the loader does with it (CoreDumps yes keeps it) */
	return "detect_leaks=0:exitcode=86:verify_asan_link_order=0:disable_coredump=0";
}

__attribute__((visibility("default"), used)) const char *
__ubsan_default_options(void)
{
	return "print_stacktrace=1:halt_on_error=1:exitcode=86";
}
