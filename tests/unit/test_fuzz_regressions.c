/* test_fuzz_regressions.c - inputs found by `make fuzz` (tests/fuzz/),
 * kept as plain tests so they run on every `make test`.
 *
 * Each test names the target that found it and states the property it
 * broke.  The inputs are spelled out here rather than read from files so
 * the test says what is special about them.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <string.h>

#include "fmode.h"
#include "glob.h"
#include "policy.h"
#include "strbuf.h"

/* 1 if buf[0..len) can be the start of a JSON string body, i.e. it ends
 * neither inside an escape nor with a raw quote or control byte.  UTF-8
 * sequences are checked by the fuzz target; here the escapes matter. */
static int
json_body_complete(const char *buf, size_t len, const char **why)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '"' || c < 0x20) {
			*why = "raw quote or control byte";
			return 0;
		}
		if (c != '\\') {
			i++;
			continue;
		}
		if (i + 1 >= len) {
			*why = "ends with a lone backslash";
			return 0;
		}
		if (buf[i + 1] == 'u') {
			if (i + 6 > len) {
				*why = "ends inside a \\u escape";
				return 0;
			}
			i += 6;
		} else {
			i += 2;
		}
	}
	return 1;
}

/* fuzz_json: rp_buf_json cut an escape in half when the buffer filled
 * ("\"1\" then a lone '\').  event.c rolls a cut field back, but the
 * encoder promises the same care it takes with UTF-8 sequences, and
 * policy.c's diagnostics print the truncated text as is. */
Test(fuzz_regressions, json_truncation_never_splits_an_escape)
{
	static const char *const inputs[] = {
		"1\"\"\"\"",
		"a\\b\\c\\d\\e",
		"\x01\x02\x03\x04\x05",
		"x\ny\tz\r",
		"\xff\xfe\xc3\x28\xed\xa0\x80",
	};
	size_t i, cap;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
		for (cap = 1; cap < 40; cap++) {
			char out[64];
			struct rp_buf b;
			const char *why = "";
			int cut;

			rp_buf_init(&b, out, cap);
			rp_buf_json(&b, inputs[i], 1000, &cut);
			cr_assert_lt(b.len, cap);
			cr_expect(json_body_complete(out, b.len, &why),
				  "input %zu, capacity %zu: output '%s' %s", i, cap, out, why);
		}
}

/* fuzz_glob: "[]-a]" is a range from ']' to 'a' for fnmatch(3) (POSIX:
 * a leading ']' is an ordinary character and may start a range); glob.c
 * reads ']', '-', 'a'.  A DenyExec pattern must mean what the policy
 * documentation says (fnmatch syntax). */
Test(fuzz_regressions, glob_leading_bracket_starts_a_range)
{
	static const struct { const char *pat, *str; } rows[] = {
		{ "[]-a]", "^" }, { "[]-a]", "-" }, { "[]-a]", "]" }, { "[]-a]", "a" },
		{ "[!]-7]", "]" }, { "[!]-a]", "_" }, { "[]-]", "-" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int want = fnmatch(rows[i].pat, rows[i].str, 0) == 0;

		cr_expect_eq(rp_glob_match(rows[i].pat, rows[i].str, 0), want,
			     "'%s' on '%s': fnmatch says %d", rows[i].pat, rows[i].str, want);
	}
}

/* fuzz_policy invariant "User accepted but not recorded": once the string
 * pool is full, pool_dup() fails and the User/Group branch ignores the
 * NULL, so the policy parses with no error and no user.  The loader would
 * then keep running as root: failing open.  The parser must report it. */
static struct rp_policy pool_policy;
static char pool_text[RP_MAX_FILE];

Test(fuzz_regressions, user_is_not_dropped_when_the_pool_is_full)
{
	size_t o = 0;
	int i, errors;

	/* 511 DenyExec patterns of 255 bytes and one of 243 leave fewer than
	 * the 5 bytes "1000" needs in the 128 KiB pool. */
	for (i = 0; i < 512; i++) {
		size_t n = i < 511 ? 255 : 243;

		memcpy(pool_text + o, "DenyExec ", 9);
		o += 9;
		memset(pool_text + o, 'a', n);
		/* distinct patterns, so none is a duplicate */
		pool_text[o] = (char)('a' + i % 26);
		pool_text[o + 1] = (char)('a' + i / 26);
		o += n;
		pool_text[o++] = '\n';
	}
	memcpy(pool_text + o, "User 1000\nGroup 1000\n", 21);
	o += 21;
	cr_assert_lt(o, sizeof(pool_text));

	errors = rp_policy_load_buffer(&pool_policy, "p.policy", pool_text, o, NULL, NULL);
	cr_assert_gt(pool_policy.pool_used + 5, sizeof(pool_policy.pool),
		     "the setup must fill the pool (used %zu)", pool_policy.pool_used);
	cr_expect(errors > 0 || (pool_policy.user && strcmp(pool_policy.user, "1000") == 0),
		  "User silently dropped: errors=%d user=%s", errors,
		  pool_policy.user ? pool_policy.user : "(null)");
	cr_expect(errors > 0 || (pool_policy.group && strcmp(pool_policy.group, "1000") == 0),
		  "Group silently dropped: errors=%d group=%s", errors,
		  pool_policy.group ? pool_policy.group : "(null)");
}

/* fuzz_fmode: glibc reads at most six bytes after the first of a fopen
 * mode (libio/fileops.c, _IO_new_file_fopen).  Deleting an 'x' from that
 * window pulls later bytes into it: "wbbbbbx+" is write-only for glibc,
 * but the stripped "wbbbbb+" is read-write, so the stream freopen (and
 * fopen with ",ccs=") hands back could read a file opened write-only.
 * (rp_fmode_flags/rp_fmode_strip_excl come from fmode.c, one of the
 * shared objects this binary links.) */
Test(fuzz_regressions, fmode_strip_excl_changes_only_o_excl)
{
	static const char *const modes[] = {
		"wbbbbbx+", "wxbbbbb+", "rxxxxxx+", "axxxxxxe", "wx", "w+x", "wxe",
	};
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char out[64];
		int want = -1, got = -1;

		cr_assert_eq(rp_fmode_flags(modes[i], &want), 0, "mode \"%s\"", modes[i]);
		cr_assert_eq(rp_fmode_strip_excl(modes[i], out, sizeof(out)), 0);
		cr_assert_eq(rp_fmode_flags(out, &got), 0, "stripped \"%s\"", out);
		cr_expect_eq(got, want & ~O_EXCL, "\"%s\" -> \"%s\": flags %#o, want %#o",
			     modes[i], out, (unsigned)got, (unsigned)(want & ~O_EXCL));
	}
}
