/* test_events_sink.c - every event reaches the sink, whole, whatever the
 * process did with its descriptors; bursts are counted, not dropped; the
 * startup probes hold, and fail closed when a layer does not
 * (docs/events.md "Where events go", "Probes"). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_loader.h"

static const char *const no_opts[] = { NULL };

/* Denials made by children that lost their stderr: captured, closed with
 * close_fds, sent to /dev/null by a shell, and a double-forked daemon that
 * closed every descriptor (it signals the parent through a file, since it
 * has no pipe left), a child started with an empty environment (the
 * exec wrappers restore the shim and the relay's address), and system()
 * after the app removed the relay's address from its environment.  argv: DIR
 * (not writable) W (writable). */
static const char children_py[] =
	"import os, subprocess, sys, time\n"
	"d, w = sys.argv[1], sys.argv[2]\n"
	"subprocess.run(['touch', d + '/capture'], capture_output=True)\n"
	"subprocess.run(['touch', d + '/closefds'], close_fds=True, stderr=subprocess.DEVNULL)\n"
	"subprocess.run('touch ' + d + '/devnull 2>/dev/null', shell=True)\n"
	"subprocess.run(['/usr/bin/touch', d + '/noenv'], env={}, capture_output=True)\n"
	"pid = os.fork()\n"
	"if pid == 0:\n"
	"    if os.fork() == 0:\n"
	"        os.setsid()\n"
	"        os.closerange(0, 65536)\n"
	"        try:\n"
	"            open(d + '/daemon', 'w')\n"
	"        except OSError:\n"
	"            pass\n"
	"        open(w + '/daemon-done', 'w').close()\n"
	"    os._exit(0)\n"
	"os.waitpid(pid, 0)\n"
	"for i in range(500):\n"
	"    if os.path.exists(w + '/daemon-done'):\n"
	"        break\n"
	"    time.sleep(0.01)\n"
	"os.environ.pop('RAMPART_EVENTS', None)\n"
	"os.system('touch ' + d + '/system 2>/dev/null')\n";

static const char *const child_names[] = { "capture", "closefds", "devnull", "noenv", "daemon",
					    "system" };

static void
expect_child_events(const char *text, const char *dir, const char *where)
{
	char needle[PATH_MAX + 32];
	size_t i;

	for (i = 0; i < sizeof(child_names) / sizeof(child_names[0]); i++) {
		snprintf(needle, sizeof(needle), "\"path\":\"%s/%s\"", dir, child_names[i]);
		cr_expect_eq(rt_count_lines(text, needle), 1, "%s: event of %s: %s", where,
			     child_names[i], text);
	}
}

/* Every line is one whole rampart JSON object; returns the number of shim
 * events, adding their "repeat" counts (a line without it stands for one). */
static long
count_events(const char *text, const char *needle)
{
	const char *p = text;
	long n = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[8192];

		cr_assert_lt(len, sizeof(line));
		memcpy(line, p, len);
		line[len] = '\0';
		if (len) {
			cr_expect(strncmp(line, "{\"rampart\":", 11) == 0 && line[len - 1] == '}',
				  "torn or foreign line: %s", line);
			if (strstr(line, needle)) {
				const char *rep = strstr(line, "\"repeat\":");

				n += rep ? atol(rep + 9) : 1;
			}
		}
		p += len + (nl ? 1 : 0);
	}
	return n;
}

static void
no_probe_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	cr_assert(d);
	while ((de = readdir(d)))
		cr_expect(strncmp(de->d_name, ".rampart-probe-", 15) != 0, "left behind: %s/%s",
			  dir, de->d_name);
	closedir(d);
}

Test(events_sink, loader_children_without_stderr_reach_the_container_log)
{
	struct lt_env e;
	struct rt_result r;
	char ro[PATH_MAX + 8];
	const char *args[] = { "/usr/bin/python3", "-c", children_py, ro, NULL, NULL };

	lt_setup(&e, NULL);
	lt_need_landlock();
	snprintf(ro, sizeof(ro), "%s/ro", e.dir);
	cr_assert(mkdir(ro, 0755) == 0);
	args[4] = e.wdir;
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	expect_child_events(r.err, ro, "loader");
	/* the shim in the loader's process says it is live, once, and no
	 * child repeats it */
	cr_expect_eq(rt_count_lines(r.err, "{\"rampart\":\"shim\",\"state\":\"live\""), 1, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"sink\":\"relay\""), 1, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "sink_lost"), 0, "%s", r.err);
	/* the empty environment, and system() after the app dropped the
	 * variable (its own environment is repaired for good) */
	cr_expect_eq(rt_count_lines(r.err, "RAMPART_EVENTS reset\""), 2, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(events_sink, file_sink_under_the_shim_alone)
{
	const char *dir = rt_tmpdir();
	char w[PATH_MAX], ro[PATH_MAX], log[PATH_MAX + 16], pol[PATH_MAX], text[3 * PATH_MAX];
	char *argv[] = { "/usr/bin/python3", "-c", (char *)children_py, ro, w, NULL };
	struct rt_result r;
	char *got;

	snprintf(w, sizeof(w), "%s/w", dir);
	snprintf(ro, sizeof(ro), "%s/ro", dir);
	snprintf(log, sizeof(log), "%s/events.log", w);
	snprintf(pol, sizeof(pol), "%s/policy", dir);
	cr_assert(mkdir(w, 0755) == 0 && mkdir(ro, 0755) == 0);
	snprintf(text, sizeof(text), "WritablePath %s\nEventSink file:%s\n", w, log);
	rt_write_file(pol, text);
	cr_assert_eq(rt_run_shim(pol, argv, NULL, 20, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	got = rt_read_file(log);
	cr_assert_not_null(got, "no %s", log);
	expect_child_events(got, ro, "file");
	cr_expect_eq(count_events(got, "\"rampart\":1,"), 6 + 1, "%s", got);	/* + sticky-env */
	cr_expect_eq(rt_count_lines(r.err, "\"rampart\":1"), 0, "events on stderr too: %s", r.err);
	free(got);
	rt_result_free(&r);
	rt_cleanup(dir);
}

Test(events_sink, socket_sink_and_fallback_said_once)
{
	const char *dir = rt_tmpdir();
	char ro[PATH_MAX], w[PATH_MAX], sock[PATH_MAX + 16], pol[PATH_MAX], text[3 * PATH_MAX], buf[4096];
	char *argv[] = { (char *)rt_prog("ev_load"), ro, "1", "1", "5", NULL };
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct rt_result r;
	int s, got = 0;

	snprintf(ro, sizeof(ro), "%s/ro", dir);
	snprintf(w, sizeof(w), "%s/w", dir);
	snprintf(sock, sizeof(sock), "%s/s.sock", dir);
	snprintf(pol, sizeof(pol), "%s/policy", dir);
	cr_assert(mkdir(ro, 0755) == 0 && mkdir(w, 0755) == 0);
	cr_assert_lt(strlen(sock), sizeof(a.sun_path));
	strcpy(a.sun_path, sock);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	cr_assert(s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a)) == 0, "%s", strerror(errno));
	snprintf(text, sizeof(text), "WritablePath %s\nEventSink socket:%s\n", w, sock);
	rt_write_file(pol, text);
	cr_assert_eq(rt_run_shim(pol, argv, NULL, 20, &r), 0);
	cr_expect(strstr(r.out, "denied 5 of 5") != NULL, "%s %s", r.out, r.err);
	for (;;) {
		ssize_t n = recv(s, buf, sizeof(buf) - 1, MSG_DONTWAIT);

		if (n <= 0)
			break;
		buf[n] = '\0';
		cr_expect(strncmp(buf, "{\"rampart\":1,", 13) == 0 && buf[n - 1] == '\n', "%s", buf);
		got++;
	}
	cr_expect_eq(got, 5);
	cr_expect_eq(rt_count_lines(r.err, "\"rampart\":1"), 0, "%s", r.err);
	rt_result_free(&r);
	/* the reader is gone: the events fall back to fd 2, and the first says so */
	close(s);
	unlink(sock);
	cr_assert_eq(rt_run_shim(pol, argv, NULL, 20, &r), 0);
	cr_expect_eq(rt_count_lines(r.err, "\"rule\":\"writable-path\""), 5, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"sink_lost\":\"socket errno 2\""), 1, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(dir);
}

/* 8 processes x 4 threads, distinct denials: every one is a whole line. */
Test(events_sink, load_nothing_lost_nothing_torn, .timeout = 60)
{
	struct lt_env e;
	struct rt_result r;
	char ro[PATH_MAX + 8], prog[PATH_MAX + 16], needle[PATH_MAX + 32];
	const char *args[] = { prog, ro, "8", "4", "500", NULL };

	lt_setup(&e, NULL);
	snprintf(ro, sizeof(ro), "%s/ro", e.dir);
	snprintf(prog, sizeof(prog), "%s/ev_load", e.bin);
	cr_assert(mkdir(ro, 0755) == 0);
	lt_copy(rt_prog("ev_load"), prog, 0755);
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, NULL, &r), 0);
	cr_expect(strstr(r.out, "denied 16000 of 16000") != NULL, "%s %s", r.out, r.err);
	snprintf(needle, sizeof(needle), "\"path\":\"%s/p", ro);
	cr_expect_eq(count_events(r.err, needle), 16000);
	cr_expect_eq(rt_count_lines(r.err, "\"repeat\""), 0, "distinct denials were merged");
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* A loop of one identical denial: counted in "repeat", not 40000 lines,
 * and not one lost. */
Test(events_sink, identical_burst_is_counted_not_dropped, .timeout = 60)
{
	struct lt_env e;
	struct rt_result r;
	char ro[PATH_MAX + 8], prog[PATH_MAX + 16], needle[PATH_MAX + 32];
	const char *args[] = { prog, ro, "2", "2", "10000", "same", NULL };

	lt_setup(&e, NULL);
	snprintf(ro, sizeof(ro), "%s/ro", e.dir);
	snprintf(prog, sizeof(prog), "%s/ev_load", e.bin);
	cr_assert(mkdir(ro, 0755) == 0);
	lt_copy(rt_prog("ev_load"), prog, 0755);
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, NULL, &r), 0);
	cr_expect(strstr(r.out, "denied 40000 of 40000") != NULL, "%s %s", r.out, r.err);
	snprintf(needle, sizeof(needle), "\"path\":\"%s/same\"", ro);
	cr_expect_eq(count_events(r.err, needle), 40000);
	cr_expect_lt(rt_count_lines(r.err, needle), 400, "the burst drowned the log");
	cr_expect_gt(rt_count_lines(r.err, "\"repeat\":"), 0);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(events_sink, probes_hold_and_leave_nothing)
{
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { NULL, "exit", "0", NULL };

	lt_setup(&e, NULL);
	lt_need_landlock();
	args[0] = e.probe;
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "{\"probe\":\"landlock-create\",\"expect\":\"EACCES\",\"result\":\"EACCES\",\"holds\":true}"),
		  "%s", r.err);
	cr_expect(strstr(r.err, "{\"probe\":\"seccomp-setid\",\"expect\":\"EPERM\",\"result\":\"EPERM\",\"holds\":true}"),
		  "%s", r.err);
	cr_expect(strstr(r.err, "\"probe\":\"no-new-privs\",\"expect\":\"NoNewPrivs 1, Seccomp 2\",\"result\":\"NoNewPrivs 1, Seccomp 2\",\"holds\":true"),
		  "%s", r.err);
	cr_expect(strstr(r.err, "\"probe\":\"capabilities\",\"expect\":\"within 0\",\"result\":\"ok\",\"holds\":true"), "%s", r.err);
	/* EACCES where the kernel has AT_EXECVE_CHECK (6.14), else skipped */
	cr_expect(strstr(r.err, "\"probe\":\"landlock-exec\",\"expect\":\"EACCES\",\"result\":\"EACCES\",\"holds\":true") ||
		  strstr(r.err, "\"probe\":\"landlock-exec\",\"expect\":\"EACCES\",\"result\":\"skipped: kernel without AT_EXECVE_CHECK\""),
		  "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"holds\":false"), 0, "%s", r.err);
	no_probe_files(e.wdir);
	no_probe_files("/tmp");
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* landlock_restrict_self answers 0 and does nothing: the loader thinks
 * Landlock is enforced; the probe finds out.  Strict: 125 before the
 * command runs; best-effort: a warning. */
Test(events_sink, probe_fails_closed_when_landlock_only_looks_applied)
{
	struct lt_env e;
	struct rt_result r;
	const char *prefix[] = { rt_prog("ev_fakelandlock"), NULL };
	const char *args[] = { NULL, "exit", "7", NULL };

	lt_setup(&e, NULL);
	lt_need_landlock();
	args[0] = e.probe;
	cr_assert_eq(lt_run_ex(&e, prefix, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 125, "strict: %d %s", r.status, r.err);
	cr_expect(strstr(r.err, "rampart: probes: probe landlock-create does not hold: expected EACCES, got created ") != NULL,
		  "%s", r.err);
	cr_expect(strstr(r.err, "(removed: yes)") != NULL, "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"rampart\":\"startup\""), 0, "ran anyway: %s", r.err);
	no_probe_files("/tmp");
	no_probe_files(e.wdir);
	rt_result_free(&r);
	rt_cleanup(e.dir);

	lt_setup(&e, "Landlock best-effort\n");
	args[0] = e.probe;
	cr_assert_eq(lt_run_ex(&e, prefix, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 7, "best-effort: %d %s", r.status, r.err);
	cr_expect(strstr(r.err, "\"probe\":\"landlock-create\",\"expect\":\"EACCES\",\"result\":\"created ") != NULL,
		  "%s", r.err);
	cr_expect(strstr(r.err, "\"probe landlock-create does not hold") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* A kernel without Landlock (landlock_* answer ENOSYS), best-effort: the
 * report says the file-system probes do not hold, and the command runs. */
Test(events_sink, probes_report_missing_landlock_best_effort)
{
	struct lt_env e;
	struct rt_result r;
	const char *prefix[] = { rt_prog("ld_nolandlock"), NULL };
	const char *args[] = { NULL, "exit", "7", NULL };

	lt_setup(&e, "Landlock best-effort\n");
	args[0] = e.probe;
	cr_assert_eq(lt_run_ex(&e, prefix, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 7, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "\"probe\":\"landlock-create\",\"expect\":\"EACCES\",\"result\":\"created ") != NULL,
		  "%s", r.err);
	cr_expect(strstr(r.err, "{\"probe\":\"seccomp-setid\",\"expect\":\"EPERM\",\"result\":\"EPERM\",\"holds\":true}"),
		  "%s", r.err);
	no_probe_files("/tmp");
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(events_sink, audit_mode_skips_the_enforcement_probes)
{
	struct lt_env e;
	struct rt_result r;
	const char *opts[] = { "--audit", NULL };
	const char *args[] = { NULL, "exit", "0", NULL };

	lt_setup(&e, NULL);
	args[0] = e.probe;
	cr_assert_eq(lt_run_ex(&e, NULL, opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "\"probe\":\"landlock-create\",\"expect\":\"EACCES\",\"result\":\"skipped: ") != NULL,
		  "%s", r.err);
	cr_expect(strstr(r.err, "\"probe\":\"seccomp-setid\",\"expect\":\"EPERM\",\"result\":\"skipped: audit mode") != NULL,
		  "%s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"holds\":false"), 0, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* rampart suggest counts the events a "repeat" line stands for. */
Test(events_sink, suggest_counts_repeats)
{
	const char *dir = rt_tmpdir();
	char log[PATH_MAX];
	char *argv[] = { (char *)rt_path("rampart"), "suggest", log, NULL };
	struct rt_result r;

	snprintf(log, sizeof(log), "%s/events.log", dir);
	rt_write_file(log,
		      "{\"rampart\":\"shim\",\"state\":\"live\",\"mode\":\"audit\",\"sink\":\"relay\",\"pid\":7,\"exe\":\"/bin/sh\",\"policy\":\"/p\"}\n"
		      "{\"rampart\":1,\"ts\":1.000,\"decision\":\"audit\",\"op\":\"open\",\"path\":\"/srv/a/x\",\"rule\":\"writable-path\",\"pid\":7,\"uid\":1000,\"exe\":\"/bin/sh\"}\n"
		      "{\"rampart\":1,\"ts\":1.900,\"decision\":\"audit\",\"op\":\"open\",\"path\":\"/srv/a/x\",\"rule\":\"writable-path\",\"pid\":7,\"uid\":1000,\"exe\":\"/bin/sh\",\"repeat\":4999,\"first_ts\":1.001}\n");
	cr_assert_eq(rt_run(argv, NULL, 20, &r), 0);
	cr_expect(strstr(r.err, "5000 events read") != NULL, "%s", r.err);
	cr_expect(strstr(r.out, "# 5000 writes, e.g. /srv/a/x") != NULL, "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(dir);
}

/* A datagram from another uid (here root, while the app runs as 1000) is
 * not written into the log as an event; the relay says it dropped it.
 * The app publishes the relay's name with a rename, so the sender never
 * reads a file that is created but not yet written. */
Test(events_sink, relay_drops_datagrams_of_other_uids, .timeout = 30)
{
	static const char py[] =
		"import os, sys, time\n"
		"w = sys.argv[1]\n"
		"open(w + '/addr.new', 'w').write(os.environ.get('RAMPART_EVENTS', ''))\n"
		"os.rename(w + '/addr.new', w + '/addr')\n"
		"for i in range(500):\n"
		"    if os.path.exists(w + '/go'):\n"
		"        break\n"
		"    time.sleep(0.01)\n";
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { "/usr/bin/python3", "-c", py, NULL, NULL };
	char addr[PATH_MAX + 8], go[PATH_MAX + 8];
	pid_t pid;
	int st;

	lt_setup(&e, NULL);
	lt_need_landlock();
	args[3] = e.wdir;
	snprintf(addr, sizeof(addr), "%s/addr", e.wdir);
	snprintf(go, sizeof(go), "%s/go", e.wdir);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		static const char forged[] = "{\"rampart\":1,\"ts\":1.000,\"decision\":\"deny\",\"op\":\"open\",\"path\":\"/forged\",\"rule\":\"writable-path\",\"pid\":1,\"uid\":1000,\"exe\":\"/x\"}\n";
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		char *name = NULL;
		int i, s;

		for (i = 0; i < 500 && !(name = rt_read_file(addr)); i++)
			usleep(10000);
		if (name && name[0] == '@' && strlen(name) < sizeof(a.sun_path)) {
			memcpy(a.sun_path + 1, name + 1, strlen(name + 1));
			s = socket(AF_UNIX, SOCK_DGRAM, 0);
			sendto(s, forged, sizeof(forged) - 1, 0, (struct sockaddr *)&a,
			       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name)));
		}
		usleep(100000);
		rt_write_file(go, "");
		_exit(0);
	}
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, NULL, &r), 0);
	waitpid(pid, &st, 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "/forged") == NULL, "a forged event reached the log: %s", r.err);
	cr_expect(strstr(r.err, "{\"rampart\":\"relay\",\"state\":\"foreign datagram dropped\",\"pid\":") != NULL,
		  "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* Under the loader a file sink beneath the WritablePath gets the events of
 * children without stderr; one elsewhere is refused before the app runs
 * (Landlock would refuse every write to it), and `rampart --check` says
 * it would be. */
Test(events_sink, loader_file_sink_beneath_writable_path_only)
{
	static const char *const check_opts[] = { "--check", "--json", NULL };
	struct lt_env e;
	struct rt_result r;
	char ro[PATH_MAX + 8], log[PATH_MAX + 16], extra[3 * PATH_MAX];
	const char *args[] = { "/usr/bin/python3", "-c", children_py, ro, NULL, NULL };
	char *got;

	lt_setup(&e, NULL);
	lt_need_landlock();
	snprintf(ro, sizeof(ro), "%s/ro", e.dir);
	cr_assert(mkdir(ro, 0755) == 0);
	args[4] = e.wdir;
	snprintf(log, sizeof(log), "%s/events.log", e.wdir);
	snprintf(extra, sizeof(extra), "WritablePath %s\nUser %d\nEventSink file:%s\n", e.wdir, LT_UID, log);
	lt_policy(&e, extra);
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	got = rt_read_file(log);
	cr_assert_not_null(got, "no %s: %s", log, r.err);
	expect_child_events(got, ro, "loader file");
	cr_expect_eq(rt_count_lines(got, "{\"rampart\":\"shim\",\"state\":\"live\""), 1, "%s", got);
	cr_expect_eq(rt_count_lines(r.err, "\"rampart\":1"), 0, "%s", r.err);
	free(got);
	rt_result_free(&r);
	cr_assert_eq(lt_run_ex(&e, NULL, check_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 0, "--check of a good sink: %d %s", r.status, r.err);
	cr_expect(strstr(r.out, "\"errors\":[]") != NULL, "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(e.dir);

	snprintf(extra, sizeof(extra), "EventSink file:/tmp/rampart-not-writable.log\n");
	lt_setup(&e, extra);
	args[3] = e.dir;
	args[4] = e.wdir;
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 125, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "rampart: events: EventSink file:/tmp/rampart-not-writable.log is not beneath a WritablePath") != NULL,
		  "%s", r.err);
	rt_result_free(&r);
	/* and --check says so before the image ships */
	cr_assert_eq(lt_run_ex(&e, NULL, check_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 125, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "rampart: would fail: events: EventSink file:/tmp/rampart-not-writable.log is not beneath a WritablePath") != NULL,
		  "%s", r.err);
	cr_expect(strstr(r.out, "\"errors\":[\"events: EventSink file:") != NULL, "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* Without pidfd_open the relay still delivers, and still leaves when the
 * app has exited (rt_run waits for the end of the stderr pipe, which the
 * relay holds: a relay that stayed would time the test out). */
Test(events_sink, relay_without_pidfd_open, .timeout = 30)
{
	struct lt_env e;
	struct rt_result r;
	char ro[PATH_MAX + 8];
	const char *prefix[] = { rt_prog("ev_nopidfd"), NULL };
	const char *args[] = { "/usr/bin/python3", "-c", children_py, ro, NULL, NULL };

	lt_setup(&e, NULL);
	lt_need_landlock();
	snprintf(ro, sizeof(ro), "%s/ro", e.dir);
	cr_assert(mkdir(ro, 0755) == 0);
	args[4] = e.wdir;
	cr_assert_eq(lt_run_ex(&e, prefix, no_opts, args, NULL, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	expect_child_events(r.err, ro, "no pidfd");
	cr_expect_eq(rt_count_lines(r.err, "sink_lost"), 0, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* A command that is over before the relay is ready: its events are still
 * written (the relay drains what was sent before it leaves). */
Test(events_sink, short_command_loses_nothing, .timeout = 60)
{
	struct lt_env e;
	struct rt_result r;
	char target[PATH_MAX + 16], needle[PATH_MAX + 32];
	const char *args[] = { "/usr/bin/touch", target, NULL };
	int i, missing = 0;

	lt_setup(&e, NULL);
	snprintf(target, sizeof(target), "%s/denied", e.dir);
	snprintf(needle, sizeof(needle), "\"path\":\"%s\"", target);
	for (i = 0; i < 40; i++) {
		cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, NULL, &r), 0);
		if (rt_count_lines(r.err, needle) != 1 ||
		    rt_count_lines(r.err, "{\"rampart\":\"shim\",\"state\":\"live\"") != 1) {
			cr_log_error("run %d: %s", i, r.err);
			missing++;
		}
		rt_result_free(&r);
	}
	cr_expect_eq(missing, 0, "%d of 40 runs lost their events", missing);
	rt_cleanup(e.dir);
}

/* rampart scan names the CIS Docker Benchmark item a finding checks
 * (docs/compliance.md). */
Test(events_sink, scan_findings_name_their_cis_item)
{
	const char *dir = rt_tmpdir();
	char root[PATH_MAX], suid[PATH_MAX + 16], pol[PATH_MAX + 32], etc[PATH_MAX + 8], pw[PATH_MAX + 16];
	char *argv[] = { (char *)rt_path("rampart"), "scan", "--json", root, NULL };
	struct rt_result r;

	snprintf(root, sizeof(root), "%s/img", dir);
	snprintf(etc, sizeof(etc), "%s/etc", root);
	snprintf(suid, sizeof(suid), "%s/tool", root);
	snprintf(pw, sizeof(pw), "%s/passwd", etc);
	snprintf(pol, sizeof(pol), "%s/rampart", etc);
	cr_assert(mkdir(root, 0755) == 0 && mkdir(etc, 0755) == 0 && mkdir(pol, 0755) == 0);
	strcat(pol, "/policy");	/* the default, /etc/rampart/policy of the image */
	rt_write_file(pw, "root:x:0:0::/root:/bin/sh\n");
	rt_write_file(suid, "#!/bin/sh\n");
	cr_assert(chmod(suid, 04755) == 0);
	rt_write_file(pol, "OptionalWritablePath /data\n");
	cr_assert_eq(rt_run(argv, NULL, 30, &r), 0);
	cr_expect(strstr(r.out, "\"check\":\"setuid\",\"path\":\"/tool\"") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "\"cis\":\"4.8\"}") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "\"check\":\"user\"") && strstr(r.out, "\"cis\":\"4.1\"}"), "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(dir);
}
