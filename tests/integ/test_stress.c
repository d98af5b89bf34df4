/* test_stress.c - the shim under concurrency: threads, fork, vfork,
 * posix_spawn and signal handlers all calling wrapped functions at once
 * (tests/progs/stress_fs.c does the hammering and checks each answer).
 *
 * Runs STRESS_SECONDS seconds (default 2; CI or a soak run sets more).
 * Fails on a crash, a deadlock (the run outlives its timeout), a leaked
 * descriptor, any wrong decision, a file appearing outside the writable
 * directory, or an event count that differs from the denials asked for
 * (one denial, one complete JSON line, even with many writers).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

static int
stress_seconds(void)
{
	const char *s = getenv("STRESS_SECONDS");
	int n = s ? atoi(s) : 0;

	return n > 0 ? n : 2;
}

/* Every line of `err` must be a whole event: '{"rampart":1' ... '}'.
 * Interleaved writers would cut or glue lines.  Returns the first bad
 * line (in `err`, NUL-terminated there) or NULL. */
static const char *
first_torn_line(char *err)
{
	char *line = err, *nl;

	for (; *line; line = nl + 1) {
		size_t n;

		nl = strchr(line, '\n');
		if (!nl)
			return line;	/* no newline: cut short */
		*nl = '\0';
		n = strlen(line);
		if (strncmp(line, "{\"rampart\":1", 12) != 0 || n == 0 || line[n - 1] != '}')
			return line;
		*nl = '\n';
	}
	return NULL;
}

Test(stress, wrapped_calls_from_threads_forks_vforks_spawns_and_signals, .timeout = 600)
{
	const char *tmp = rt_tmpdir();
	char w[4200], o[4200], policy[4400], denied[4400], wx[4400], secs[16];
	char text[9000];
	long ops = -1, ndenied = -1, nwrong = -1;
	int fds_before = -1, fds_after = -1, signals = -1, events, seconds = stress_seconds();
	struct rt_result r;
	const char *torn;
	char stray[256] = "";
	int strays = 0;
	DIR *d;
	struct dirent *e;

	if (!rt_exists(rt_path("librampart.so")))
		cr_skip_test("build/librampart.so is not built");
	if (!rt_exists(rt_prog("stress_fs")))
		cr_skip_test("tests/progs/stress_fs is not built");

	snprintf(w, sizeof(w), "%s/w", tmp);
	snprintf(o, sizeof(o), "%s/o", tmp);
	cr_assert_eq(mkdir(w, 0755), 0);
	cr_assert_eq(mkdir(o, 0755), 0);
	snprintf(text, sizeof(text), "%s/keep", o);
	rt_write_file(text, "keep\n");
	/* refused by DenyExec under its own name; it is /bin/true */
	snprintf(denied, sizeof(denied), "%s/denied-tool", o);
	cr_assert_eq(symlink("/bin/true", denied), 0);
	/* refused by W^X: a program beneath the writable dir */
	snprintf(wx, sizeof(wx), "%s/wx-true", w);
	{
		char *cp[] = { "/bin/cp", "/bin/true", wx, NULL };
		struct rt_result c;

		cr_assert_eq(rt_run(cp, NULL, 10, &c), 0);
		cr_assert_eq(c.status, 0, "cp /bin/true: %s", c.err);
		rt_result_free(&c);
	}
	snprintf(policy, sizeof(policy), "%s/stress.policy", tmp);
	snprintf(text, sizeof(text), "WritablePath %s\nDenyExec denied-tool\n", w);
	rt_write_file(policy, text);
	snprintf(secs, sizeof(secs), "%d", seconds);

	{
		char *argv[] = { (char *)rt_prog("stress_fs"), w, o, secs, denied, wx, NULL };

		cr_assert_eq(rt_run_shim(policy, argv, NULL, seconds + 60, &r), 0);
	}
	cr_expect_eq(r.status, 0, "stress_fs exited %d\nstdout: %s\nstderr (tail): %s",
		     r.status, r.out, strlen(r.err) > 3000 ? r.err + strlen(r.err) - 3000 : r.err);
	cr_assert_eq(sscanf(r.out ? r.out : "",
			    "stress: ops=%ld denied=%ld signals=%d fds_before=%d fds_after=%d wrong=%ld",
			    &ops, &ndenied, &signals, &fds_before, &fds_after, &nwrong), 6,
		     "no summary line: %s", r.out);
	cr_expect_eq(nwrong, 0);
	cr_expect_eq(fds_before, fds_after, "descriptors leaked: %d before, %d after",
		     fds_before, fds_after);
	cr_expect_gt(ops, 100, "too little work done in %d s: %ld calls", seconds, ops);
	cr_expect_gt(signals, 0);

	/* one event per denial, each a complete line */
	events = rt_count_lines(r.err, "\"decision\":\"deny\"");
	cr_expect_eq(events, ndenied, "%d deny events for %ld denials", events, ndenied);
	torn = first_torn_line(r.err);
	cr_expect_null(torn, "a stderr line is not a whole event: '%.300s'", torn ? torn : "");

	/* nothing appeared outside the writable dir */
	d = opendir(o);
	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, "keep") == 0 || strcmp(e->d_name, "denied-tool") == 0)
			continue;
		if (strays++ == 0)
			snprintf(stray, sizeof(stray), "%s", e->d_name);
	}
	closedir(d);
	cr_expect_eq(strays, 0, "%d entries created outside the writable dir, e.g. %s/%s",
		     strays, o, stray);
	rt_result_free(&r);
	rt_cleanup(tmp);
}
