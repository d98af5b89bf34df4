/* test_events_relay_ack.c - an event is in the log before the call that
 * made it returns (docs/events.md "Where events go"): the relay
 * acknowledges each line once written, so the denial that is a
 * container's very last act survives the kernel's killing of every other
 * process of the PID namespace when PID 1 exits; a relay that cannot
 * answer costs one timeout, then the events go to fd 2. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Events of the lines of `text` that contain `needle`, with their
 * "repeat" counts (a line without one stands for one event). */
static long
events_of(const char *text, const char *needle)
{
	const char *p = text, *hit;
	long n = 0;

	while ((hit = strstr(p, needle)) != NULL) {
		const char *nl = strchr(hit, '\n'), *rep = strstr(hit, "\"repeat\":");

		n += rep && (!nl || rep < nl) ? atol(rep + 9) : 1;
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
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

/* The app stops its relay (SIGSTOP: the app's user may) and makes five
 * denials: the first waits for its ack for 200 ms, then goes to fd 2 with
 * sink_lost; the other four go to fd 2 at once.  Once continued, the
 * relay writes the first too: that one line is in the log twice. */
Test(events_sink, stopped_relay_costs_one_timeout_then_fd2, .timeout = 60)
{
	static const char py[] =
		"import os, signal, sys, time\n"
		"d, me, relay = sys.argv[1], os.getpid(), None\n"
		"for p in os.listdir('/proc'):\n"
		"    try:\n"
		"        st = open('/proc/%s/stat' % p).read()\n"
		"    except OSError:\n"
		"        continue\n"
		"    rest = st[st.rindex(')') + 2:].split()\n"
		"    if st[st.index('(') + 1:st.rindex(')')] == 'rampart-events' and int(rest[1]) == me:\n"
		"        relay = int(p)\n"
		"os.kill(relay, signal.SIGSTOP)\n"
		"t = time.monotonic()\n"
		"for i in range(5):\n"
		"    try:\n"
		"        open('%s/stopped%d' % (d, i), 'w')\n"
		"    except OSError:\n"
		"        pass\n"
		"print('elapsed %.3f' % (time.monotonic() - t))\n"
		"os.kill(relay, signal.SIGCONT)\n";
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { "/usr/bin/python3", "-c", py, NULL, NULL };
	char needle[PATH_MAX + 64];
	const char *el;
	double elapsed;
	int k;

	lt_setup(&e, NULL);
	lt_need_landlock();
	args[3] = e.dir;
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	el = strstr(r.out, "elapsed ");
	cr_assert_not_null(el, "%s %s", r.out, r.err);
	elapsed = atof(el + 8);
	cr_expect(elapsed >= 0.19, "no wait for the ack: %.3f s", elapsed);
	cr_expect(elapsed < 0.8, "each event waited (%.3f s): the relay was not taken as dead", elapsed);
	cr_expect_eq(rt_count_lines(r.err, "\"sink_lost\":\"relay errno 110\""), 1, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "sink_lost"), 1, "%s", r.err);
	for (k = 0; k < 5; k++) {
		snprintf(needle, sizeof(needle), "\"path\":\"%s/stopped%d\"", e.dir, k);
		if (k == 0)
			cr_expect_geq(rt_count_lines(r.err, needle), 1, "%s", r.err);
		else
			cr_expect_eq(rt_count_lines(r.err, needle), 1, "%s", r.err);
	}
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* A loop of one identical denial, then a distinct one as PID 1's last
 * act: the repeats were acked as counted, so their count is written before
 * that last line (whose ack the app waits for), and none is lost. */
Test(events_sink, repeats_counted_before_the_last_event_are_in_the_log, .timeout = 60)
{
	struct lt_env e;
	struct rt_result r;
	char script[2 * PATH_MAX + 128], same[PATH_MAX + 64], last[PATH_MAX + 64];
	const char *args[] = { "/bin/sh", "-c", script, NULL };

	need_pidns();
	lt_setup(&e, NULL);
	snprintf(script, sizeof(script),
		 "i=0; while [ $i -lt 200 ]; do true > %s/same 2>/dev/null; i=$((i+1)); done; true > %s/last",
		 e.dir, e.dir);
	snprintf(same, sizeof(same), "\"path\":\"%s/same\"", e.dir);
	snprintf(last, sizeof(last), "\"path\":\"%s/last\"", e.dir);
	cr_assert_eq(lt_run_ex(&e, new_pidns, no_opts, args, NULL, &r), 0);
	cr_expect_neq(r.status, 0, "%d %s", r.status, r.err);
	cr_expect_eq(events_of(r.err, same), 200, "%s", r.err);
	cr_expect_lt(rt_count_lines(r.err, same), 20, "the loop was not counted: %s", r.err);
	cr_expect_eq(rt_count_lines(r.err, last), 1, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}
