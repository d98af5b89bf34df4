/* test_policy.c - what the parser builds from valid policies, and the
 * limits it enforces.  Error messages for each class are in the golden
 * files (test_golden.c); this file checks the resulting struct rp_policy. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "testlib.h"

static struct rp_policy policy;

/* Messages of the last parse, one per line. */
static char msgs[65536];
static size_t msgs_len;

static void
collect(void *ctx, const char *file, int line, const char *msg)
{
	int n;

	(void)ctx;
	n = snprintf(msgs + msgs_len, sizeof(msgs) - msgs_len, "%s:%d: %s\n", file, line, msg);
	if (n > 0 && (size_t)n < sizeof(msgs) - msgs_len)
		msgs_len += (size_t)n;
}

static int
parse(const char *text)
{
	msgs_len = 0;
	msgs[0] = '\0';
	return rp_policy_load_buffer(&policy, "t.policy", text, strlen(text), collect, NULL);
}

static int
load(const char *path)
{
	msgs_len = 0;
	msgs[0] = '\0';
	return rp_policy_load(&policy, path, collect, NULL);
}

Test(policy, defaults_are_the_strict_ones)
{
	cr_assert_eq(parse("# only a comment\n"), 0, "%s", msgs);
	cr_expect_eq(policy.mode, RP_MODE_ENFORCE);
	cr_expect_eq(policy.landlock, RP_LANDLOCK_STRICT);
	cr_expect_eq(policy.log, RP_LOG_STDERR);
	cr_expect_eq(policy.core_dumps, 0);
	cr_expect_eq(policy.memfd_exec, 0);
	cr_expect_null(policy.user);
	cr_expect_null(policy.group);
	cr_expect_eq(policy.keep_caps, 0);
	cr_expect_eq(policy.n_writable, 0);
	cr_expect_eq(policy.n_deny_exec, 0);
}

Test(policy, keywords_and_choices_are_case_insensitive)
{
	cr_assert_eq(parse("MODE Audit\nlandlock BEST-EFFORT\nlOg NoNe\n"
			   "coredumps YES\nmemfdexec Allow\n"), 0, "%s", msgs);
	cr_expect_eq(policy.mode, RP_MODE_AUDIT);
	cr_expect_eq(policy.landlock, RP_LANDLOCK_BEST_EFFORT);
	cr_expect_eq(policy.log, RP_LOG_NONE);
	cr_expect_eq(policy.core_dumps, 1);
	cr_expect_eq(policy.memfd_exec, 1);
}

Test(policy, every_choice_value_parses)
{
	cr_assert_eq(parse("Landlock off\nLog stderr\nCoreDumps no\nMemfdExec deny\nMode enforce\n"),
		     0, "%s", msgs);
	cr_expect_eq(policy.landlock, RP_LANDLOCK_OFF);
	cr_expect_eq(policy.log, RP_LOG_STDERR);
	cr_expect_eq(policy.mode, RP_MODE_ENFORCE);
	cr_assert_eq(parse("Landlock strict\n"), 0);
	cr_expect_eq(policy.landlock, RP_LANDLOCK_STRICT);
}

Test(policy, list_directives_accumulate_in_order)
{
	cr_assert_eq(parse("DenyExec gcc cc\n\n  # comment\nDenyExec make\t cmake\n"), 0, "%s", msgs);
	cr_assert_eq(policy.n_deny_exec, 4);
	cr_expect_str_eq(policy.deny_exec[0].text, "gcc");
	cr_expect_str_eq(policy.deny_exec[1].text, "cc");
	cr_expect_str_eq(policy.deny_exec[2].text, "make");
	cr_expect_str_eq(policy.deny_exec[3].text, "cmake");
	cr_expect_eq(policy.deny_exec[0].loc.line, 1);
	cr_expect_eq(policy.deny_exec[3].loc.line, 4);
	cr_expect_str_eq(policy.deny_exec[3].loc.file, "t.policy");
}

Test(policy, comments_quotes_and_line_endings)
{
	cr_assert_eq(parse("DenyExec \"my compiler\" gcc#1 # trailing comment\r\n"
			   "\t# indented comment\r\n"
			   "DenyExec last"), 0, "%s", msgs);
	cr_assert_eq(policy.n_deny_exec, 3);
	cr_expect_str_eq(policy.deny_exec[0].text, "my compiler");
	cr_expect_str_eq(policy.deny_exec[1].text, "gcc#1", "'#' inside a token is not a comment");
	cr_expect_str_eq(policy.deny_exec[2].text, "last", "a last line without newline counts");
	cr_expect_eq(policy.deny_exec[2].loc.line, 3);
}

Test(policy, scalars_remember_where_they_were_set)
{
	cr_assert_eq(parse("\nUser app\nGroup 1000\n"), 0, "%s", msgs);
	cr_expect_str_eq(policy.user, "app");
	cr_expect_str_eq(policy.group, "1000");
	cr_expect_eq(policy.set_at[RP_KW_USER].line, 2);
	cr_expect_eq(policy.set_at[RP_KW_GROUP].line, 3);
	cr_expect_eq(policy.set_at[RP_KW_MODE].line, 0, "Mode was never set");
}

Test(policy, accounts_names_and_numbers)
{
	static const struct { const char *v; int ok; } rows[] = {
		{ "app", 1 }, { "www-data", 1 }, { "svc_1.x", 1 }, { "1000", 1 },
		{ "0", 1 }, { "4294967295", 1 }, { "12345678901", 0 }, { "-app", 0 },
		{ "a:b", 0 }, { "app$", 0 }, { "caf\xc3\xa9", 0 },
		{ "abcdefghijklmnopqrstuvwxyzabcdef", 1 },	/* 32 */
		{ "abcdefghijklmnopqrstuvwxyzabcdefg", 0 },	/* 33 */
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char text[128];

		snprintf(text, sizeof(text), "User %s\n", rows[i].v);
		cr_expect_eq(parse(text) == 0, rows[i].ok, "User '%s': %s", rows[i].v, msgs);
		if (rows[i].ok)
			cr_expect_str_eq(policy.user, rows[i].v);
	}
}

Test(policy, capabilities_by_name_with_or_without_prefix)
{
	cr_assert_eq(parse("KeepCapability CAP_NET_BIND_SERVICE chown\n"
			   "KeepCapability cap_checkpoint_restore\n"), 0, "%s", msgs);
	cr_expect_eq(policy.keep_caps, (1ULL << 10) | (1ULL << 0) | (1ULL << 40));
	cr_expect_eq(rp_cap_from_name("CAP_SYS_ADMIN"), 21);
	cr_expect_eq(rp_cap_from_name("sys_admin"), 21);
	cr_expect_eq(rp_cap_from_name("CAP_"), -1);
	cr_expect_eq(rp_cap_from_name("CAP_FLY"), -1);
	cr_expect_eq(rp_cap_from_name(""), -1);
	cr_expect_str_eq(rp_cap_names[RP_CAP_COUNT - 1], "CHECKPOINT_RESTORE");
}

Test(policy, syscall_lists)
{
	cr_assert_eq(parse("DenySyscall ptrace io_uring_setup\nAllowSyscall clone3\n"), 0, "%s", msgs);
	cr_expect_eq(policy.n_deny_syscall, 2);
	cr_expect_str_eq(policy.deny_syscall[1].text, "io_uring_setup");
	cr_expect_eq(policy.n_allow_syscall, 1);
	cr_expect_str_eq(policy.allow_syscall[0].text, "clone3");
}

Test(policy, writable_paths_are_normalised_and_deduplicated)
{
	cr_assert_eq(parse("WritablePath /tmp/ //tmp /tmp/.\nOptionalWritablePath /nonexistent/rampart-t\n"
			   "ExecWritablePath /nonexistent/rampart-t/bin/\n"), 0, "%s", msgs);
	cr_assert_eq(policy.n_writable, 2);
	cr_expect_str_eq(policy.writable[0].path, "/tmp");
	cr_expect_eq(policy.writable[0].len, 4);
	cr_expect_eq(policy.writable[0].optional, 0);
	cr_expect_eq(policy.writable[0].missing, 0);
	cr_expect_str_eq(policy.writable[1].path, "/nonexistent/rampart-t");
	cr_expect_eq(policy.writable[1].optional, 1);
	cr_expect_eq(policy.writable[1].missing, 1);
	cr_assert_eq(policy.n_exec_writable, 1);
	cr_expect_str_eq(policy.exec_writable[0].path, "/nonexistent/rampart-t/bin");
}

Test(policy, optional_writable_path_that_exists_is_not_missing)
{
	cr_assert_eq(parse("OptionalWritablePath /tmp\n"), 0, "%s", msgs);
	cr_expect_eq(policy.writable[0].optional, 1);
	cr_expect_eq(policy.writable[0].missing, 0);
}

Test(policy, unknown_keyword_suggestions)
{
	static const struct { const char *typo, *hint; } rows[] = {
		{ "WriteablePath", "WritablePath" }, { "writablepaths", "WritablePath" },
		{ "DenyExe", "DenyExec" }, { "Usr", "User" }, { "Grop", "Group" },
		{ "KeepCapabilities", "KeepCapability" }, { "AllowSyscalls", "AllowSyscall" },
		{ "Landlok", "Landlock" }, { "CoreDump", "CoreDumps" }, { "Includes", "Include" },
		{ "MemfdExecs", "MemfdExec" }, { "Mod", "Mode" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char text[128], want[128];

		snprintf(text, sizeof(text), "%s x\n", rows[i].typo);
		snprintf(want, sizeof(want), "(did you mean '%s'?)", rows[i].hint);
		cr_expect_eq(parse(text), 1);
		cr_expect_not_null(strstr(msgs, want), "'%s': got %s", rows[i].typo, msgs);
	}
	cr_expect_eq(parse("Xyzzyplugh x\n"), 1);
	cr_expect_null(strstr(msgs, "did you mean"), "no hint for a far word: %s", msgs);
}

Test(policy, include_is_relative_to_the_including_file)
{
	const char *dir = rt_tmpdir();
	char path[600];

	snprintf(path, sizeof(path), "%s/sub", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/main.policy", dir);
	rt_write_file(path, "DenyExec a\nInclude sub/one.inc\nDenyExec d\n");
	snprintf(path, sizeof(path), "%s/sub/one.inc", dir);
	rt_write_file(path, "DenyExec b\nInclude two.inc\n");	/* sub/two.inc */
	snprintf(path, sizeof(path), "%s/sub/two.inc", dir);
	rt_write_file(path, "DenyExec c\n");

	/* run from another directory: resolution must not use the cwd */
	cr_assert_eq(chdir("/"), 0);
	snprintf(path, sizeof(path), "%s/main.policy", dir);
	cr_assert_eq(load(path), 0, "%s", msgs);
	cr_assert_eq(policy.n_deny_exec, 4);
	cr_expect_str_eq(policy.deny_exec[0].text, "a");
	cr_expect_str_eq(policy.deny_exec[1].text, "b");
	cr_expect_str_eq(policy.deny_exec[2].text, "c");
	cr_expect_str_eq(policy.deny_exec[3].text, "d");
	cr_expect_not_null(strstr(policy.deny_exec[2].loc.file, "/sub/two.inc"),
			   "location names the included file: %s", policy.deny_exec[2].loc.file);
	cr_expect_eq(policy.deny_exec[2].loc.line, 1);
	rt_cleanup(dir);
}

Test(policy, the_same_file_included_twice_is_not_a_cycle)
{
	const char *dir = rt_tmpdir();
	char path[600];

	snprintf(path, sizeof(path), "%s/common.inc", dir);
	rt_write_file(path, "DenyExec gcc\n");
	snprintf(path, sizeof(path), "%s/main.policy", dir);
	rt_write_file(path, "Include common.inc\nInclude common.inc\n");
	cr_expect_eq(load(path), 0, "%s", msgs);
	rt_cleanup(dir);
}

Test(policy, an_include_of_a_hard_link_to_the_including_file_is_a_cycle)
{
	const char *dir = rt_tmpdir();
	char path[600], other[600];

	/* a cycle is the same file (dev, ino), whatever its name */
	snprintf(path, sizeof(path), "%s/main.policy", dir);
	snprintf(other, sizeof(other), "%s/other-name.inc", dir);
	rt_write_file(path, "DenyExec gcc\nInclude other-name.inc\n");
	cr_assert_eq(link(path, other), 0);
	cr_expect_eq(load(path), 1, "%s", msgs);
	cr_expect_not_null(strstr(msgs, "include cycle"), "%s", msgs);
	rt_cleanup(dir);
}

Test(policy, file_size_limit)
{
	const char *dir = rt_tmpdir();
	char path[600];
	static char big[RP_MAX_FILE + 2];
	size_t i;

	/* comment lines, so only the size can be wrong */
	for (i = 0; i < sizeof(big) - 1; i++)
		big[i] = (i % 80 == 79) ? '\n' : (i % 80 == 0 ? '#' : 'x');
	big[sizeof(big) - 1] = '\0';
	snprintf(path, sizeof(path), "%s/big.policy", dir);
	rt_write_file(path, big);
	cr_expect_eq(load(path), 1);
	cr_expect_not_null(strstr(msgs, "policy file too large"), "%s", msgs);

	big[RP_MAX_FILE - 1] = '\n';	/* exactly the limit is fine */
	big[RP_MAX_FILE] = '\0';
	rt_write_file(path, big);
	cr_expect_eq(load(path), 0, "%s", msgs);
	rt_cleanup(dir);
}

Test(policy, line_length_limit_is_exact)
{
	static char text[2 * RP_MAX_LINE + 16];

	/* RP_MAX_LINE bytes of a directive pass, one more is "line too long" */
	memset(text, 'x', RP_MAX_LINE);
	memcpy(text, "DenyExec ", 9);
	text[RP_MAX_LINE] = '\n';
	text[RP_MAX_LINE + 1] = '\0';
	cr_expect_eq(parse(text), 0, "%s", msgs);
	cr_expect_eq(policy.n_deny_exec, 1);
	memset(text, 'x', RP_MAX_LINE + 1);
	memcpy(text, "DenyExec ", 9);
	text[RP_MAX_LINE + 1] = '\n';
	text[RP_MAX_LINE + 2] = '\0';
	cr_expect_eq(parse(text), 1);
	cr_expect_not_null(strstr(msgs, "t.policy:1: line too long"), "%s", msgs);
	/* a comment has no bound but the file's */
	memset(text, 'x', 2 * RP_MAX_LINE);
	text[0] = '#';
	memcpy(text + 2 * RP_MAX_LINE, "\nMode audit\n", 13);
	cr_expect_eq(parse(text), 0, "%s", msgs);
	cr_expect_eq(policy.mode, RP_MODE_AUDIT);
}

/* RP_LOAD_LINT: a dir absent on this machine is data, not an error; the
 * default (the loader, the shim) still refuses it. */
Test(policy, lint_load_records_absent_writable_dirs)
{
	const char *dir = rt_tmpdir();
	char path[600], text[1400];

	snprintf(path, sizeof(path), "%s/p.policy", dir);
	snprintf(text, sizeof(text), "WritablePath %s /nonexistent/rampart-lint\n"
		 "OptionalWritablePath /nonexistent/rampart-opt\nWritablePath %s\n", dir, path);
	rt_write_file(path, text);
	cr_expect_eq(load(path), 2, "%s", msgs);
	cr_expect_not_null(strstr(msgs, "writable path does not exist '/nonexistent/rampart-lint'"),
			   "%s", msgs);
	cr_expect_not_null(strstr(msgs, "writable path is not a directory"), "%s", msgs);
	msgs_len = 0;
	msgs[0] = '\0';
	cr_assert_eq(rp_policy_load_flags(&policy, path, RP_LOAD_LINT, collect, NULL), 0, "%s", msgs);
	cr_assert_eq(policy.n_writable, 4);
	cr_expect_eq(policy.writable[0].absent, 0);
	cr_expect_eq(policy.writable[0].missing, 0);
	cr_expect_eq(policy.writable[1].absent, ENOENT);
	cr_expect_eq(policy.writable[1].missing, 1);
	cr_expect_eq(policy.writable[2].absent, ENOENT);
	cr_expect_eq(policy.writable[2].optional, 1);
	cr_expect_eq(policy.writable[3].absent, ENOTDIR);
	rt_cleanup(dir);
}

Test(policy, too_many_included_files)
{
	const char *dir = rt_tmpdir();
	char path[600], main_text[4096] = "";
	int i;

	for (i = 0; i < RP_MAX_FILES + 4; i++) {
		char line[64];

		snprintf(path, sizeof(path), "%s/f%d.inc", dir, i);
		rt_write_file(path, "# empty of directives\n");
		snprintf(line, sizeof(line), "Include f%d.inc\n", i);
		strcat(main_text, line);
	}
	snprintf(path, sizeof(path), "%s/main.policy", dir);
	rt_write_file(path, main_text);
	cr_expect_gt(load(path), 0);
	cr_expect_not_null(strstr(msgs, "too many included files (limit 32)"), "%s", msgs);
	rt_cleanup(dir);
}

Test(policy, too_many_values_on_a_line)
{
	static char text[8192];
	int i;

	strcpy(text, "DenyExec");
	for (i = 0; i < 300; i++)
		strcat(text, " p");
	strcat(text, "\n");
	cr_expect_eq(parse(text), 1);
	cr_expect_not_null(strstr(msgs, "too many values on one line"), "%s", msgs);
}

Test(policy, pattern_table_bound)
{
	static char text[65536];
	int i;

	/* RP_MAX_PATTERNS fit; the next one is an error */
	text[0] = '\0';
	for (i = 0; i <= RP_MAX_PATTERNS; i++) {
		char line[32];

		snprintf(line, sizeof(line), "DenyExec p%d\n", i);
		strcat(text, line);
	}
	cr_expect_eq(parse(text), 1);
	cr_expect_eq(policy.n_deny_exec, RP_MAX_PATTERNS);
	cr_expect_not_null(strstr(msgs, "too many values for 'DenyExec'"), "%s", msgs);
}

Test(policy, writable_dir_table_bound)
{
	const char *dir = rt_tmpdir();
	static char text[65536];
	int i;

	text[0] = '\0';
	for (i = 0; i <= RP_MAX_DIRS; i++) {
		char line[700], sub[600];

		snprintf(sub, sizeof(sub), "%s/d%d", dir, i);
		cr_assert_eq(mkdir(sub, 0755), 0);
		snprintf(line, sizeof(line), "WritablePath %s\n", sub);
		strcat(text, line);
	}
	cr_expect_eq(parse(text), 1);
	cr_expect_eq(policy.n_writable, RP_MAX_DIRS);
	cr_expect_not_null(strstr(msgs, "too many directories for 'WritablePath'"), "%s", msgs);
	rt_cleanup(dir);
}

Test(policy, reload_resets_everything)
{
	cr_assert_eq(parse("Mode audit\nUser app\nDenyExec gcc\nKeepCapability chown\n"), 0);
	cr_assert_eq(parse("DenyExec make\n"), 0, "%s", msgs);
	cr_expect_eq(policy.mode, RP_MODE_ENFORCE);
	cr_expect_null(policy.user);
	cr_expect_eq(policy.keep_caps, 0);
	cr_expect_eq(policy.n_deny_exec, 1);
	cr_expect_eq(policy.set_at[RP_KW_MODE].line, 0);
}

Test(policy, event_sink_values)
{
	cr_assert_eq(parse("# default\n"), 0, "%s", msgs);
	cr_expect_eq(policy.sink, RP_SINK_STDERR);
	cr_expect_null(policy.sink_path);
	cr_assert_eq(parse("EventSink file:/var/log//app/./events.log\n"), 0, "%s", msgs);
	cr_expect_eq(policy.sink, RP_SINK_FILE);
	cr_expect_str_eq(policy.sink_path, "/var/log/app/events.log");
	cr_assert_eq(parse("EventSink socket:/run/shipper.sock\n"), 0, "%s", msgs);
	cr_expect_eq(policy.sink, RP_SINK_SOCKET);
	cr_expect_str_eq(policy.sink_path, "/run/shipper.sock");
	cr_assert_eq(parse("EventSink fifo:/run/events\n"), 0, "%s", msgs);
	cr_expect_eq(policy.sink, RP_SINK_FIFO);
	cr_assert_eq(parse("eventsink FIFO:/run/Events\n"), 0, "%s", msgs);
	cr_expect_eq(policy.sink, RP_SINK_FIFO);
	cr_expect_str_eq(policy.sink_path, "/run/Events");
	cr_assert_eq(parse("EventSink StdErr\n"), 0, "%s", msgs);
	cr_expect_eq(policy.sink, RP_SINK_STDERR);
	cr_expect_neq(parse("EventSink file:relative.log\n"), 0);
	cr_expect_neq(parse("EventSink syslog\n"), 0);
	cr_expect(strstr(msgs, "EventSink must be stderr, file:PATH, socket:PATH or fifo:PATH") != NULL, "%s", msgs);
	cr_expect_neq(parse("EventSink socket:/run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"), 0);
	cr_expect(strstr(msgs, "longer than 107 bytes") != NULL, "%s", msgs);
}

Test(policy, keyword_table_is_complete)
{
	int kw;

	for (kw = 0; kw < RP_KW_COUNT; kw++) {
		const struct rp_keyword_info *k = &rp_keyword_table[kw];

		cr_expect_not_null(k->name);
		cr_expect_gt(strlen(k->syntax), 0, "%s has no syntax", k->name);
		cr_expect_gt(strlen(k->help), 0, "%s has no help", k->name);
	}
	cr_expect_eq(RP_KW_COUNT, 18, "the keyword set is fixed API (issue 2; EventSink: issue 15)");
}

Test(policy, memory_wx_and_require_noexec_default_off_and_parse)
{
	cr_assert_eq(parse("# nothing\n"), 0, "%s", msgs);
	cr_expect_eq(policy.memory_wx, 0);
	cr_expect_eq(policy.require_noexec, 0);
	cr_assert_eq(parse("MemoryDenyWriteExecute yes\nrequirenoexec YES\n"), 0, "%s", msgs);
	cr_expect_eq(policy.memory_wx, 1);
	cr_expect_eq(policy.require_noexec, 1);
	cr_assert_eq(parse("MemoryDenyWriteExecute no\nRequireNoexec no\n"), 0, "%s", msgs);
	cr_expect_eq(policy.memory_wx, 0);
	cr_expect_eq(policy.require_noexec, 0);
	cr_expect_neq(parse("MemoryDenyWriteExecute maybe\n"), 0);
}
