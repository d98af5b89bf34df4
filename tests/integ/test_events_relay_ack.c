/* test_events_relay_ack.c - an event is in the log before the call that
 * made it returns (docs/events.md "Where events go"): the relay
 * acknowledges each line once written, so the denial that is a
 * container's very last act survives the kernel's killing of every other
 * process of the PID namespace when PID 1 exits; a relay that cannot
 * answer costs one timeout, then the events go to fd 2. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test_loader.h"

static const char *const no_opts[] = { NULL };

/* unshare(1) forks a child that is PID 1 of a new PID namespace and runs
 * the loader there, as a container runtime does. */
static const char *const new_pidns[] = { "/usr/bin/unshare", "--pid", "--fork", "--mount-proc", NULL };

static void
need_pidns(void)
{
	char *argv[] = { "/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "/bin/true", NULL };
	struct rt_result r;

	lt_need_root();
	if (access(argv[0], X_OK) != 0)
		cr_skip_test("no /usr/bin/unshare to start a PID namespace");
	cr_assert_eq(rt_run(argv, NULL, 20, &r), 0);
	if (r.status != 0)
		cr_skip_test("cannot create a PID namespace here: %s", r.err);
	rt_result_free(&r);
}

#define NFILES 8

/* The app is PID 1 (the loader's pid); its last act is a denial, then it
 * exits at once and the kernel SIGKILLs the relay.  touch(1) of several
 * files makes a short burst of them at the end.  Before the relay
 * acknowledged lines, most runs lost that event. */
Test(events_sink, last_event_before_the_relay_dies_is_in_the_log, .timeout = 120)
{
	struct lt_env e;
	struct rt_result r;
	char target[NFILES][PATH_MAX + 16], needle[PATH_MAX + 64];
	const char *args[NFILES + 2] = { "/usr/bin/touch" };
	int i, k, lost = 0, runs = 40;

	need_pidns();
	lt_setup(&e, NULL);
	for (k = 0; k < NFILES; k++) {
		snprintf(target[k], sizeof(target[k]), "%s/denied%d", e.dir, k);
		args[k + 1] = target[k];
	}
	for (i = 0; i < runs; i++) {
		int ok;

		cr_assert_eq(lt_run_ex(&e, new_pidns, no_opts, args, NULL, &r), 0);
		cr_expect_eq(r.status, 1, "touch should fail: %d %s", r.status, r.err);
		ok = rt_count_lines(r.err, "{\"rampart\":\"shim\",\"state\":\"live\"") == 1 &&
		     rt_count_lines(r.err, "sink_lost") == 0;
		for (k = 0; k < NFILES; k++) {
			snprintf(needle, sizeof(needle), "\"path\":\"%.*s\"", (int)sizeof(target[k]), target[k]);
			ok &= rt_count_lines(r.err, needle) == 1;
		}
		if (!ok) {
			cr_log_error("run %d: %s", i, r.err);
			lost++;
		}
		rt_result_free(&r);
	}
	cr_expect_eq(lost, 0, "%d of %d runs lost the last event", lost, runs);
	rt_cleanup(e.dir);
}
