/* test_loader_seccomp.c - the loader's seccomp filter as the command meets
 * it (tools/loader/seccomp.c): argument compares that look at
 * what the kernel reads, the personality allowlist, ENOSYS answers (also
 * in audit mode), foreign architectures killed.
 *
 * Calls that would have effects as root are probed through sc_load's
 * marker filter (see tests/progs/sc_load.c): a probe returns the loader's
 * errno when the loader's filter denies it and 222 when it lets it through,
 * and never runs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_loader.h"

static const char *const no_opts[] = { NULL };

static void
probe(struct lt_env *e, const char *const *opts, const char *op, const char *arg,
      struct rt_result *r)
{
	const char *args[] = { e->probe, op, arg, NULL };

	cr_assert_eq(lt_run(e, opts, args, r), 0);
}

/* prctl(int option, ...) and socket(int domain, ...): the kernel drops the
 * upper half of the register, so an exact 64-bit compare let
 * (1 << 32) | PR_SET_MM through the filter. */
Test(loader_seccomp, int_arguments_compare_only_the_low_32_bits)
{
	struct lt_env e;
	struct rt_result r;
	char sc[PATH_MAX + 16];
	const char *prefix[] = { rt_prog("sc_load"), "marker", "--", NULL };
	const char *args[] = { sc, "probe",
			       "prctl=157:35:8:1:0:0", "prctl=157:0x100000023:8:1:0:0",
			       "prctl=157:36:0:0:0:0", "prctl=157:39:0:0:0:0",
			       "socket=41:40:1:0:0:0", "socket=41:0x100000028:1:0:0:0",
			       "socket=41:2:1:0:0:0", NULL };

	lt_setup(&e, NULL);
	if (access(rt_prog("sc_load.static"), X_OK) != 0)
		cr_skip_test("sc_load.static missing");
	snprintf(sc, sizeof(sc), "%s/sc_load", e.bin);
	lt_copy(rt_prog("sc_load.static"), sc, 0755);
	cr_assert_eq(lt_run_ex(&e, prefix, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s%s", r.status, r.out, r.err);
	cr_expect(strstr(r.out, "prctl=157:35:8:1:0:0 errno 1\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "prctl=157:0x100000023:8:1:0:0 errno 1\n") != NULL,
		  "PR_SET_MM with the upper half set got through: %s", r.out);
	/* neighbours of 35 stay allowed: 36 PR_SET_CHILD_SUBREAPER, 39
	 * PR_GET_NO_NEW_PRIVS (a masked test of 35's bits caught 39) */
	cr_expect(strstr(r.out, "prctl=157:36:0:0:0:0 allow\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "prctl=157:39:0:0:0:0 allow\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "socket=41:40:1:0:0:0 errno 1\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "socket=41:0x100000028:1:0:0:0 errno 1\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "socket=41:2:1:0:0:0 allow\n") != NULL, "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_seccomp, personality_query_allowed_flags_denied)
{
	struct lt_env e;
	struct rt_result r;

	lt_setup(&e, NULL);
	probe(&e, no_opts, "personality", NULL, &r);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	/* Docker allows the query 0xffffffff; it was denied */
	cr_expect(lt_has(r.out, "personality-query", "ok"), "%s", r.out);
	cr_expect(lt_has(r.out, "personality-no-randomize", "EPERM"), "%s", r.out);
	cr_expect(lt_has(r.out, "personality-bit31", "EPERM"), "%s", r.out);
	cr_expect(lt_has(r.out, "personality-high", "EPERM"), "%s", r.out);
	cr_expect(lt_has(r.out, "personality-linux", "ok"), "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_seccomp, clone3_is_enosys_in_both_modes)
{
	struct lt_env e;
	struct rt_result r;
	const char *audit[] = { "--audit", NULL };

	lt_setup(&e, NULL);
	probe(&e, no_opts, "clone3", NULL, &r);
	cr_expect(lt_has(r.out, "clone3", "ENOSYS"), "%s%s", r.out, r.err);
	rt_result_free(&r);
	/* audit mode logs the rules that deny, but keeps the "feature
	 * absent" answer: ENOSYS blocks nothing (glibc falls back to clone)
	 * and a LOG rule would write a kernel record per thread */
	probe(&e, audit, "clone3", NULL, &r);
	cr_expect(lt_has(r.out, "clone3", "ENOSYS"), "%s%s", r.out, r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_seccomp, foreign_architectures_are_killed)
{
	struct lt_env e;
	struct rt_result r;
	char target[PATH_MAX + 16];
	const char *bare[] = { NULL, "i386-chmod", target, NULL };

	lt_setup(&e, NULL);
	probe(&e, no_opts, "x32-getpid", NULL, &r);
	cr_expect_eq(r.status, 128 + 31, "x32 call: %d %s%s", r.status, r.out, r.err);
	rt_result_free(&r);

	snprintf(target, sizeof(target), "%s/f", e.wdir);
	rt_write_file(target, "x");
	cr_assert(chmod(target, 0600) == 0);
	bare[0] = e.probe;
	cr_assert_eq(rt_run((char *const *)bare, NULL, 20, &r), 0);
	if (r.status == 128 + 11) {
		rt_result_free(&r);
		rt_cleanup(e.dir);
		cr_skip_test("int $0x80 faults: kernel without IA-32 emulation");
	}
	rt_result_free(&r);
	cr_assert(chmod(target, 0600) == 0);
	probe(&e, no_opts, "i386-chmod", target, &r);
	cr_expect_eq(r.status, 128 + 31, "i386 call: %d %s%s", r.status, r.out, r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}
