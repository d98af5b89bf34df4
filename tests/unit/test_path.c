/* test_path.c - path normalisation and component-boundary matching,
 * as decision tables (docs/threat-model.md, R16 and R17). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "testlib.h"

/* ---- rp_path_normalize ---------------------------------------------------- */

struct norm_row {
	const char *in;
	enum rp_path_error want_err;
	const char *want;	/* output when RP_PATH_OK */
};

static const struct norm_row norm_rows[] = {
	{ "/", RP_PATH_OK, "/" },
	{ "//", RP_PATH_OK, "/" },
	{ "///", RP_PATH_OK, "/" },
	{ "/.", RP_PATH_OK, "/" },
	{ "/./", RP_PATH_OK, "/" },
	{ "/app", RP_PATH_OK, "/app" },
	{ "/app/", RP_PATH_OK, "/app" },
	{ "/app//", RP_PATH_OK, "/app" },
	{ "//app//logs", RP_PATH_OK, "/app/logs" },
	{ "/app/./logs", RP_PATH_OK, "/app/logs" },
	{ "/app/logs/.", RP_PATH_OK, "/app/logs" },
	{ "/./app/././logs/./", RP_PATH_OK, "/app/logs" },
	{ "/app/.cache", RP_PATH_OK, "/app/.cache" },	/* a dot name is a name */
	{ "/app/...", RP_PATH_OK, "/app/..." },
	{ "/app/..x", RP_PATH_OK, "/app/..x" },
	{ "/app/x..", RP_PATH_OK, "/app/x.." },
	{ "/app/logs-evil", RP_PATH_OK, "/app/logs-evil" },
	{ "/app/with space", RP_PATH_OK, "/app/with space" },
	{ "/app/..", RP_PATH_DOTDOT, NULL },
	{ "/app/../etc", RP_PATH_DOTDOT, NULL },
	{ "/..", RP_PATH_DOTDOT, NULL },
	{ "/app/logs/../../etc/", RP_PATH_DOTDOT, NULL },
	{ "", RP_PATH_EMPTY, NULL },
	{ "app/logs", RP_PATH_RELATIVE, NULL },
	{ "./app", RP_PATH_RELATIVE, NULL },
	{ "../app", RP_PATH_RELATIVE, NULL },
	{ "~/app", RP_PATH_RELATIVE, NULL },
};

Test(path, normalize_decision_table)
{
	size_t i;

	for (i = 0; i < sizeof(norm_rows) / sizeof(norm_rows[0]); i++) {
		const struct norm_row *r = &norm_rows[i];
		char out[RP_PATH_MAX];
		enum rp_path_error e;

		memset(out, 'Z', sizeof(out));
		e = rp_path_normalize(r->in, out, sizeof(out));
		cr_expect_eq(e, r->want_err, "normalize('%s'): error %d (%s), want %d",
			     r->in, e, rp_path_error_str(e), r->want_err);
		if (e == RP_PATH_OK && r->want)
			cr_expect_str_eq(out, r->want, "normalize('%s') = '%s', want '%s'",
					 r->in, out, r->want);
	}
}

Test(path, normalize_respects_the_output_size)
{
	char small[6];

	/* "/app" needs 5 bytes with its NUL; "/app/x" needs 7 */
	cr_expect_eq(rp_path_normalize("/app", small, sizeof(small)), RP_PATH_OK);
	cr_expect_str_eq(small, "/app");
	cr_expect_eq(rp_path_normalize("/app/x", small, sizeof(small)), RP_PATH_TOO_LONG);
	cr_expect_eq(rp_path_normalize("/", small, 1), RP_PATH_TOO_LONG);
	cr_expect_eq(rp_path_normalize("/", small, 2), RP_PATH_OK);
	cr_expect_str_eq(small, "/");
}

Test(path, normalize_accepts_a_path_of_the_maximum_length)
{
	static char in[RP_PATH_MAX + 8], out[RP_PATH_MAX];

	/* RP_PATH_MAX - 1 bytes fit (with the NUL); one more does not */
	memset(in, 'a', sizeof(in));
	in[0] = '/';
	in[RP_PATH_MAX - 1] = '\0';
	cr_expect_eq(rp_path_normalize(in, out, sizeof(out)), RP_PATH_OK);
	cr_expect_eq(strlen(out), RP_PATH_MAX - 1);
	in[RP_PATH_MAX - 1] = 'a';
	in[RP_PATH_MAX] = '\0';
	cr_expect_eq(rp_path_normalize(in, out, sizeof(out)), RP_PATH_TOO_LONG);
}

Test(path, error_strings_name_the_problem)
{
	cr_expect_str_eq(rp_path_error_str(RP_PATH_RELATIVE), "path must be absolute");
	cr_expect_not_null(strstr(rp_path_error_str(RP_PATH_DOTDOT), ".."));
	cr_expect_not_null(strstr(rp_path_error_str(RP_PATH_EMPTY), "empty"));
	cr_expect_not_null(strstr(rp_path_error_str(RP_PATH_TOO_LONG), "long"));
}

/* ---- rp_path_lexical ------------------------------------------------------ */

struct lex_row {
	const char *base, *in, *want;
};

static const struct lex_row lex_rows[] = {
	{ "/app", "logs/x", "/app/logs/x" },
	{ "/app", "./logs//x/", "/app/logs/x" },
	{ "/app", "../etc/passwd", "/etc/passwd" },
	{ "/app/logs", "../../../..", "/" },
	{ "/", "..", "/" },
	{ "/app", "/etc/../tmp/x", "/tmp/x" },	/* absolute input ignores base */
	{ NULL, "/a/b/../c", "/a/c" },
	{ "/app", "", "/app" },
	{ "/app/src", "../logs-evil/x", "/app/logs-evil/x" },
};

Test(path, lexical_decision_table)
{
	size_t i;

	for (i = 0; i < sizeof(lex_rows) / sizeof(lex_rows[0]); i++) {
		const struct lex_row *r = &lex_rows[i];
		char out[RP_PATH_MAX];

		cr_expect_eq(rp_path_lexical(r->base, r->in, out, sizeof(out)), 0,
			     "lexical('%s', '%s') failed", r->base ? r->base : "(null)", r->in);
		cr_expect_str_eq(out, r->want, "lexical('%s', '%s') = '%s', want '%s'",
				 r->base ? r->base : "(null)", r->in, out, r->want);
	}
}

Test(path, lexical_reports_overflow)
{
	char out[8];

	cr_expect_eq(rp_path_lexical("/app", "logs/x", out, sizeof(out)), -1);
	cr_expect_eq(rp_path_lexical("/app", "x", out, sizeof(out)), 0);
	cr_expect_str_eq(out, "/app/x");
}

/* ---- rp_path_beneath ------------------------------------------------------- */

struct beneath_row {
	const char *path, *root;
	int want;
};

static const struct beneath_row beneath_rows[] = {
	{ "/app/logs", "/app/logs", 1 },
	{ "/app/logs/a.log", "/app/logs", 1 },
	{ "/app/logs/sub/dir/a.log", "/app/logs", 1 },
	{ "/app/logs-evil", "/app/logs", 0 },	/* prefix confusion */
	{ "/app/logs-evil/a.log", "/app/logs", 0 },
	{ "/app/logsx", "/app/logs", 0 },
	{ "/app/log", "/app/logs", 0 },
	{ "/app", "/app/logs", 0 },		/* a parent is not beneath */
	{ "/", "/app/logs", 0 },
	{ "/app/src/x", "/app/logs", 0 },
	{ "/tmp", "/", 1 },			/* everything is beneath "/" */
	{ "/", "/", 1 },
	{ "/tmpfoo", "/tmp", 0 },
	{ "/tmp/foo", "/tmp", 1 },
	{ "/APP/logs", "/app/logs", 0 },	/* names are case-sensitive */
};

Test(path, beneath_decision_table)
{
	size_t i;

	for (i = 0; i < sizeof(beneath_rows) / sizeof(beneath_rows[0]); i++) {
		const struct beneath_row *r = &beneath_rows[i];
		int got = rp_path_beneath(r->path, strlen(r->path), r->root, strlen(r->root));

		cr_expect_eq(got, r->want, "beneath('%s', root '%s') = %d, want %d",
			     r->path, r->root, got, r->want);
	}
}

Test(path, beneath_uses_the_given_lengths)
{
	/* callers pass lengths; a longer buffer must not be read as the path */
	const char *buf = "/app/logs-evil";

	cr_expect_eq(rp_path_beneath(buf, 9, "/app/logs", 9), 1);	/* "/app/logs" */
	cr_expect_eq(rp_path_beneath(buf, strlen(buf), "/app/logs", 9), 0);
}

/* ---- rp_policy_writable_index ----------------------------------------------- */

static struct rp_policy policy;

/* Load a policy whose text is `body` with every "@" replaced by `dir`. */
static void
load_with_dir(const char *body, const char *dir)
{
	char text[4096], path[512];
	size_t o = 0;
	const char *s;
	int errors;

	for (s = body; *s && o + strlen(dir) + 2 < sizeof(text); s++) {
		if (*s == '@') {
			memcpy(text + o, dir, strlen(dir));
			o += strlen(dir);
		} else {
			text[o++] = *s;
		}
	}
	text[o] = '\0';
	snprintf(path, sizeof(path), "%s/test.policy", dir);
	rt_write_file(path, text);
	errors = rp_policy_load(&policy, path, NULL, NULL);
	cr_assert_eq(errors, 0, "policy did not parse:\n%s", text);
}

struct index_row {
	const char *rel;	/* appended to the temp dir; "" = the dir */
	int want;		/* index, or -1 */
};

Test(path, writable_index_decision_table)
{
	const char *dir = rt_tmpdir();
	char mk[600];
	static const struct index_row rows[] = {
		{ "/app/logs", 0 },
		{ "/app/logs/a.log", 0 },
		{ "/app/logs-evil", -1 },
		{ "/app/logs-evil/a.log", -1 },
		{ "/app/uploads/u/1.png", 1 },
		{ "/app/uploadsx", -1 },
		{ "/app/tmp", 2 },
		{ "/app/tmp/.x", 2 },
		{ "/app", -1 },
		{ "/app/src/main.py", -1 },
		{ "", -1 },
	};
	size_t i;

	snprintf(mk, sizeof(mk), "mkdir -p %s/app/logs %s/app/uploads %s/app/tmp %s/app/logs-evil",
		 dir, dir, dir, dir);
	cr_assert_eq(system(mk), 0);
	/* written with the spellings normalisation must fold: // . trailing / */
	load_with_dir("WritablePath @/app/logs/ @//app/./uploads\n"
		      "OptionalWritablePath @/app/tmp/.\n", dir);
	cr_assert_eq(policy.n_writable, 3);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char path[600];
		int got;

		snprintf(path, sizeof(path), "%s%s", dir, rows[i].rel);
		got = rp_policy_writable_index(&policy, path, strlen(path));
		cr_expect_eq(got, rows[i].want, "writable_index('%s') = %d, want %d",
			     rows[i].rel, got, rows[i].want);
	}
	rt_cleanup(dir);
}

Test(path, writable_root_slash_covers_everything)
{
	cr_assert_eq(rp_policy_load_buffer(&policy, "root.policy", "WritablePath /\n", 15,
					   NULL, NULL), 0);
	cr_expect_eq(policy.n_writable, 1);
	cr_expect_str_eq(policy.writable[0].path, "/");
	cr_expect_eq(rp_policy_writable_index(&policy, "/etc/passwd", 11), 0);
	cr_expect_eq(rp_policy_writable_index(&policy, "/", 1), 0);
}

Test(path, no_writable_paths_means_nothing_is_writable)
{
	cr_assert_eq(rp_policy_load_buffer(&policy, "none.policy", "Mode enforce\n", 13,
					   NULL, NULL), 0);
	cr_expect_eq(rp_policy_writable_index(&policy, "/tmp/x", 6), -1);
	cr_expect_eq(rp_policy_writable_index(&policy, "/", 1), -1);
}

Test(path, exec_writable_matches_on_component_boundaries)
{
	const char *text = "ExecWritablePath /app/plugins /opt/x/\n";

	cr_assert_eq(rp_policy_load_buffer(&policy, "exec.policy", text, strlen(text),
					   NULL, NULL), 0);
	cr_expect_eq(rp_policy_exec_writable(&policy, "/app/plugins/a.so", 17), 1);
	cr_expect_eq(rp_policy_exec_writable(&policy, "/app/plugins-evil/a", 19), 0);
	cr_expect_eq(rp_policy_exec_writable(&policy, "/opt/x", 6), 1);
	cr_expect_eq(rp_policy_exec_writable(&policy, "/opt/xy", 7), 0);
}
