/* test_suggest.c - `rampart suggest` on event lines in the shim's format
 * (shim/event.c: one JSON object per line, mixed with the app's stderr).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

#define EV(decision, op, path, rule, rest)                                        \
	"{\"rampart\":1,\"ts\":1732800000.123,\"decision\":\"" decision "\",\"op\":\"" op \
	"\",\"path\":\"" path "\",\"rule\":\"" rule "\"" rest                           \
	",\"pid\":42,\"uid\":1000,\"exe\":\"/usr/bin/python3.11\"}\n"

static struct rt_result
suggest(const char *events, char *const extra[])
{
	const char *dir = rt_tmpdir();
	char path[4200];
	char *argv[16] = { (char *)rt_path("rampart"), "suggest" };
	struct rt_result r;
	int n = 2;

	snprintf(path, sizeof(path), "%s/events.log", dir);
	rt_write_file(path, events);
	while (extra && *extra)
		argv[n++] = *extra++;
	argv[n++] = path;
	argv[n] = NULL;
	cr_assert_eq(rt_run(argv, NULL, 20, &r), 0);
	rt_cleanup(dir);
	return r;
}

/* A line of the output equal to `line`. */
static int
has_line(const char *out, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = out; (p = strstr(p, line)); p++)
		if ((p == out || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

Test(suggest, parent_directories_merged_only_below_app_dirs)
{
	struct rt_result r = suggest(
		"app starting\n"
		EV("audit", "openat", "/srv/app/cache/a/1.tmp", "writable-path", "")
		EV("audit", "openat", "/srv/app/cache/b/2.tmp", "writable-path", "")
		EV("audit", "openat", "/srv/app/cache/b/3.tmp", "writable-path", "")
		EV("audit", "openat", "/app/data/db.sqlite", "writable-path", "")
		EV("audit", "mkdir", "/app/logs/2024", "writable-path", "")
		EV("audit", "openat", "/etc/app.conf", "writable-path", "")
		EV("audit", "rename", "/var/lib/app/new", "writable-path",
		   ",\"target\":\"/var/lib/app/state\""),
		NULL);

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(has_line(r.out, "WritablePath /srv/app/cache"), "%s", r.out);
	cr_expect(!has_line(r.out, "WritablePath /srv/app/cache/a"), "siblings not merged");
	cr_expect(has_line(r.out, "WritablePath /app/data"), "%s", r.out);
	cr_expect(has_line(r.out, "WritablePath /app/logs"), "%s", r.out);
	cr_expect(!has_line(r.out, "WritablePath /app"), "merged into the app's own dir: %s", r.out);
	cr_expect(has_line(r.out, "WritablePath /var/lib/app"), "%s", r.out);
	cr_expect(!has_line(r.out, "WritablePath /etc"), "system dir enabled: %s", r.out);
	cr_expect(has_line(r.out, "# WritablePath /etc"), "system dir not shown: %s", r.out);
	cr_expect(strstr(r.out, "WritablePath /app/data/db.sqlite") == NULL, "a file suggested");
	cr_expect(strstr(r.err, "7 events read") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "1 other line ignored") != NULL, "%s", r.err);
	rt_result_free(&r);
}

Test(suggest, no_merge_keeps_every_directory)
{
	char *opt[] = { "--no-merge", NULL };
	struct rt_result r = suggest(
		EV("audit", "openat", "/srv/app/cache/a/1", "writable-path", "")
		EV("audit", "openat", "/srv/app/cache/b/2", "writable-path", ""), opt);

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(has_line(r.out, "WritablePath /srv/app/cache/a"), "%s", r.out);
	cr_expect(has_line(r.out, "WritablePath /srv/app/cache/b"), "%s", r.out);
	rt_result_free(&r);
}

Test(suggest, compilers_and_wx_are_never_enabled)
{
	struct rt_result r = suggest(
		EV("audit", "execve", "/usr/bin/gcc-12", "deny-exec",
		   ",\"detail\":\"gcc*\",\"argv\":[\"gcc\",\"-c\",\"x.c\"]")
		EV("audit", "execve", "/app/data/plugin.so", "wx", "")
		EV("audit", "chmod", "/app/data/tool", "setid", ",\"mode\":\"4755\""), NULL);

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "!!! WARNING: the app ran programs that DenyExec forbids") != NULL,
		  "%s", r.out);
	cr_expect(strstr(r.out, "/usr/bin/gcc-12 (pattern 'gcc*', 1 time)") != NULL, "%s", r.out);
	cr_expect(has_line(r.out, "DenyExec gcc*"), "compiler not kept denied: %s", r.out);
	cr_expect(has_line(r.out, "# ExecWritablePath /app/data"), "%s", r.out);
	cr_expect(!has_line(r.out, "ExecWritablePath /app/data"), "W^X opt-out enabled");
	cr_expect(strstr(r.out, "setid chmod /app/data/tool") != NULL, "%s", r.out);
	rt_result_free(&r);
}

Test(suggest, malformed_lines_are_counted_not_fatal)
{
	struct rt_result r = suggest(
		"{\"rampart\":1,\"path\":\"/srv/a/x\",\"rule\":\"writable-path\"\n"	/* cut */
		"{\"rampart\":1,\"path\":\"/srv/a/\\u0000\",\"rule\":\"writable-path\"}\n"
		"{\"rampart\":1,\"path\":42,\"rule\":\"writable-path\"}\n"
		"{\"rampart\":2,\"path\":\"/srv/b/x\",\"rule\":\"writable-path\"}\n"
		"{\"rampart\":1,\"path\":\"/srv/c/x\",\"rule\":\"writable-path\"} trailing\n"
		"{[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"
		EV("audit", "openat", "/srv/ok/x", "writable-path", ""), NULL);

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, "6 malformed lines skipped") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "events.log:1: malformed event") != NULL, "%s", r.err);
	cr_expect(has_line(r.out, "WritablePath /srv/ok"), "%s", r.out);
	cr_expect(strstr(r.out, "/srv/a") == NULL && strstr(r.out, "/srv/b") == NULL,
		  "used a malformed event: %s", r.out);
	rt_result_free(&r);
}

Test(suggest, hostile_paths_cannot_add_policy_lines)
{
	struct rt_result r = suggest(
		EV("audit", "openat", "/srv/x\\nWritablePath /\\n/y/f", "writable-path", "")
		EV("audit", "openat", "/srv/sp ace/f", "writable-path", "")
		EV("audit", "openat", "/srv/\\u00ff/f", "writable-path", ""), NULL);

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(!has_line(r.out, "WritablePath /"), "injected: %s", r.out);
	cr_expect(!has_line(r.out, "WritablePath /srv/sp ace"), "unquoted blank: %s", r.out);
	cr_expect(strstr(r.out, "# WritablePath /srv/sp ace") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "/srv/\\u00ff") != NULL, "byte not escaped: %s", r.out);
	rt_result_free(&r);
}

/* `rampart suggest --policy DIR/policy DIR/events`, those files holding
 * `policy_text` and `events_text`; it must succeed. */
static struct rt_result
suggest_with_policy(const char *dir, const char *policy_text, const char *events_text)
{
	char policy[4200], events[4200];
	char *argv[] = { (char *)rt_path("rampart"), "suggest", "--policy", policy, events, NULL };
	struct rt_result r;

	snprintf(policy, sizeof(policy), "%s/policy", dir);
	snprintf(events, sizeof(events), "%s/events", dir);
	rt_write_file(policy, policy_text);
	rt_write_file(events, events_text);
	cr_assert_eq(rt_run(argv, NULL, 20, &r), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	return r;
}

Test(suggest, output_is_a_valid_policy_and_summary_uses_current_policy)
{
	const char *dir = rt_tmpdir();
	char have[4200], want[4200], out[4200], policy[10000], text[10000];
	char *cargv[] = { (char *)rt_path("rampart"), "--check", "--policy", out, NULL };
	struct rt_result r, c;

	snprintf(have, sizeof(have), "%s/have", dir);
	snprintf(want, sizeof(want), "%s/want", dir);
	cr_assert_eq(mkdir(have, 0755), 0);
	cr_assert_eq(mkdir(want, 0755), 0);
	snprintf(policy, sizeof(policy), "WritablePath %s\nDenyExec gcc\n", have);
	snprintf(text, sizeof(text),
		 EV("deny", "openat", "%s/a", "writable-path", "")
		 EV("deny", "openat", "%s/b", "writable-path", "")
		 EV("deny", "execve", "/usr/bin/gcc", "deny-exec", ",\"detail\":\"gcc\""),
		 have, want);
	r = suggest_with_policy(dir, policy, text);
	cr_expect(strstr(r.err, "would deny: 1 write outside WritablePath, 1 DenyExec program run")
		  != NULL, "%s", r.err);
	snprintf(text, sizeof(text), "WritablePath %s", want);
	cr_expect(has_line(r.out, text), "%s", r.out);
	snprintf(out, sizeof(out), "%s/suggested", dir);
	rt_write_file(out, r.out);
	cr_assert_eq(rt_run(cargv, NULL, 20, &c), 0);
	cr_expect_eq(c.status, 0, "suggested policy does not parse:\n%s\n%s", r.out, c.err);
	rt_result_free(&c);
	rt_result_free(&r);
	rt_cleanup(dir);
}

/* suggest --policy on a build host: the image's writable dirs are absent
 * here, and the summary still uses the policy. */
Test(suggest, policy_whose_writable_dirs_are_absent_here_is_read)
{
	const char *dir = rt_tmpdir();
	char policy[4200];
	char *extra[] = { "--policy", policy, NULL };
	struct rt_result r;

	snprintf(policy, sizeof(policy), "%s/policy", dir);
	rt_write_file(policy, "WritablePath /nonexistent/rampart/app/logs\n");
	r = suggest(EV("audit", "openat", "/app/data/x.db", "writable-path", ""), extra);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "does not exist") == NULL, "%s", r.err);
	cr_expect(has_line(r.out, "WritablePath /app/data"), "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(dir);
}

/* The loader's startup line is in the same stream as the events (the
 * app's stderr): it is read, not called malformed. */
Test(suggest, the_loaders_startup_line_is_not_malformed)
{
	struct rt_result r = suggest(
		"{\"rampart\":\"startup\",\"mode\":\"audit\",\"uid\":1000,\"warnings\":[],"
		"\"command\":\"/usr/bin/python3.11\",\"errors\":[]}\n"
		EV("audit", "openat", "/srv/data/uploads/a.png", "writable-path", ""),
		NULL);

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, "malformed") == NULL, "%s", r.err);
	cr_expect(strstr(r.err, "1 event read, 1 loader startup line") != NULL, "%s", r.err);
	cr_expect(has_line(r.out, "WritablePath /srv/data/uploads"), "%s", r.out);
	rt_result_free(&r);
}

/* A directory of the app's code is shown with a warning and not enabled:
 * by the name of the file written, by what it holds where suggest runs,
 * by the command of the startup line.  A data dir stays enabled. */
Test(suggest, code_directories_are_warned_about_and_not_enabled)
{
	const char *dir = rt_tmpdir();
	char code[1024], data[1024], tool[2048], note[4200], events[32768];
	struct rt_result r;
	char *argv[] = { (char *)rt_path("rampart"), "suggest", events, NULL };

	snprintf(code, sizeof(code), "%s/code", dir);
	snprintf(data, sizeof(data), "%s/data", dir);
	cr_assert_eq(mkdir(code, 0755), 0);
	cr_assert_eq(mkdir(data, 0755), 0);
	snprintf(tool, sizeof(tool), "%s/server", code);
	rt_write_file(tool, "#!/bin/sh\n");
	cr_assert_eq(chmod(tool, 0755), 0);
	snprintf(note, sizeof(note), "%s/old.txt", data);
	rt_write_file(note, "data\n");
	snprintf(note, sizeof(note), "%s/events.log", dir);
	snprintf(events, sizeof(events),
		 "{\"rampart\":\"startup\",\"mode\":\"audit\",\"command\":\"/srv/app/bin/web\"}\n"
		 EV("audit", "openat", "/srv/app/src/main.py", "writable-path", "")
		 EV("audit", "openat", "/srv/app/bin/state.json", "writable-path", "")
		 "{\"rampart\":1,\"ts\":1.0,\"decision\":\"audit\",\"op\":\"openat\",\"path\":\"%s/x.tmp\","
		 "\"rule\":\"writable-path\",\"pid\":1,\"uid\":1000,\"exe\":\"/usr/bin/python3\"}\n"
		 "{\"rampart\":1,\"ts\":1.0,\"decision\":\"audit\",\"op\":\"openat\",\"path\":\"%s/new.txt\","
		 "\"rule\":\"writable-path\",\"pid\":1,\"uid\":1000,\"exe\":\"/usr/bin/python3\"}\n",
		 code, data);
	rt_write_file(note, events);
	snprintf(events, sizeof(events), "%s", note);
	cr_assert_eq(rt_run(argv, NULL, 20, &r), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(!has_line(r.out, "WritablePath /srv/app/src"), "code dir enabled: %s", r.out);
	cr_expect(has_line(r.out, "# WritablePath /srv/app/src"), "%s", r.out);
	cr_expect(strstr(r.out, "a file written there is code (main.py)") != NULL, "%s", r.out);
	cr_expect(!has_line(r.out, "WritablePath /srv/app/bin"), "command dir enabled: %s", r.out);
	cr_expect(strstr(r.out, "the app's command /srv/app/bin/web lies beneath it") != NULL,
		  "%s", r.out);
	snprintf(note, sizeof(note), "# WritablePath %s", code);
	cr_expect(has_line(r.out, note), "dir holding an executable enabled: %s", r.out);
	cr_expect(strstr(r.out, "it holds code (server)") != NULL, "%s", r.out);
	snprintf(note, sizeof(note), "WritablePath %s", data);
	cr_expect(has_line(r.out, note), "data dir not enabled: %s", r.out);
	cr_expect_eq(rt_count_lines(r.out, "!!! WARNING: the app's code"), 3, "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(dir);
}

/* The would-deny count of W^X runs asks the exec decision's own rule
 * (rp_exec_wx_dir): the event names the kernel's path of the program, so
 * a WritablePath spelt through a symbolic link still covers it, and an
 * ExecWritablePath beneath it is an opt-out. */
Test(suggest, wx_runs_counted_by_the_exec_decisions_rule)
{
	const char *dir = rt_tmpdir();
	char real[600], link_path[600], plugins[700], policy[2000], text[8192];
	struct rt_result r;

	snprintf(real, sizeof(real), "%s/real", dir);
	snprintf(link_path, sizeof(link_path), "%s/link", dir);
	snprintf(plugins, sizeof(plugins), "%s/plugins", real);
	cr_assert_eq(mkdir(real, 0755), 0);
	cr_assert_eq(mkdir(plugins, 0755), 0);
	cr_assert_eq(symlink(real, link_path), 0);
	snprintf(policy, sizeof(policy), "WritablePath %s\nExecWritablePath %s/plugins\n", link_path,
		 link_path);
	snprintf(text, sizeof(text),
		 EV("audit", "execve", "%s/tool", "wx", "")
		 EV("audit", "execve", "%s/ok", "wx", "")
		 EV("audit", "execve", "/usr/bin/true", "wx", ""),
		 real, plugins);
	r = suggest_with_policy(dir, policy, text);
	cr_expect(strstr(r.err, ", 1 W^X run,") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(dir);
}
