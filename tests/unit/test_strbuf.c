/* test_strbuf.c - bounded string building and JSON escaping.
 *
 * Event strings are attacker-controlled (paths, argv): every byte must come
 * out as valid JSON, and a full buffer must truncate, never overflow. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"

Test(strbuf, appends_and_terminates)
{
	char s[32];
	struct rp_buf b;

	rp_buf_init(&b, s, sizeof(s));
	cr_expect_str_eq(s, "");
	rp_buf_str(&b, "pid=");
	rp_buf_long(&b, 42);
	rp_buf_char(&b, ' ');
	rp_buf_mem(&b, "abcdef", 3);
	cr_expect_str_eq(s, "pid=42 abc");
	cr_expect_eq(b.len, strlen(s));
	cr_expect_eq(b.truncated, 0);
}

Test(strbuf, numbers_at_their_limits)
{
	char s[64];
	struct rp_buf b;

	rp_buf_init(&b, s, sizeof(s));
	rp_buf_long(&b, 0);
	rp_buf_char(&b, ',');
	rp_buf_long(&b, -7);
	rp_buf_char(&b, ',');
	rp_buf_long(&b, LONG_MIN);
	rp_buf_char(&b, ',');
	rp_buf_ulong(&b, ULONG_MAX);
	cr_expect_str_eq(s, "0,-7,-9223372036854775808,18446744073709551615");
}

Test(strbuf, truncates_at_capacity_and_says_so)
{
	char s[8];
	struct rp_buf b;

	memset(s, 'X', sizeof(s));
	rp_buf_init(&b, s, 5);		/* room for 4 bytes and the NUL */
	rp_buf_str(&b, "abcdefgh");
	cr_expect_str_eq(s, "abcd");
	cr_expect_eq(b.len, 4);
	cr_expect_eq(b.truncated, 1);
	cr_expect_eq(s[5], 'X', "wrote past the capacity");
	rp_buf_str(&b, "more");
	cr_expect_str_eq(s, "abcd");
}

Test(strbuf, zero_capacity_writes_nothing)
{
	char s[2] = { 'X', 'X' };
	struct rp_buf b;

	rp_buf_init(&b, s, 0);
	rp_buf_str(&b, "a");
	cr_expect_eq(b.truncated, 1);
	cr_expect_eq(s[0], 'X');
}

/* ---- JSON ------------------------------------------------------------------ */

struct json_row {
	const char *in, *want;
};

static const struct json_row json_rows[] = {
	{ "/app/logs/a.log", "/app/logs/a.log" },
	{ "say \"hi\"", "say \\\"hi\\\"" },
	{ "C:\\dir", "C:\\\\dir" },
	{ "a\nb\tc\rd", "a\\nb\\tc\\rd" },
	{ "\x01\x1f\x7f", "\\u0001\\u001f\\u007f" },
	{ "\x1b[31mred", "\\u001b[31mred" },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },		/* valid UTF-8 passes through */
	{ "\xe2\x82\xac", "\xe2\x82\xac" },		/* euro sign, 3 bytes */
	{ "\xf0\x9f\x94\x92", "\xf0\x9f\x94\x92" },	/* 4 bytes */
	{ "caf\xe9", "caf\\u00e9" },			/* Latin-1 byte */
	{ "\xc0\xaf", "\\u00c0\\u00af" },		/* overlong '/' */
	{ "\xed\xa0\x80", "\\u00ed\\u00a0\\u0080" },	/* surrogate */
	{ "\xf4\x90\x80\x80", "\\u00f4\\u0090\\u0080\\u0080" },	/* > U+10FFFF */
	{ "\xe2\x82", "\\u00e2\\u0082" },		/* cut sequence */
	{ "", "" },
};

Test(strbuf, json_escape_decision_table)
{
	size_t i;

	for (i = 0; i < sizeof(json_rows) / sizeof(json_rows[0]); i++) {
		char s[256];
		struct rp_buf b;
		int cut = -1;

		rp_buf_init(&b, s, sizeof(s));
		rp_buf_json(&b, json_rows[i].in, 1000, &cut);
		cr_expect_str_eq(s, json_rows[i].want, "row %zu: got '%s'", i, s);
		cr_expect_eq(cut, 0, "row %zu: cut set on a whole string", i);
	}
}

Test(strbuf, json_output_is_always_printable_ascii_or_utf8)
{
	/* every byte value alone: output is escaped or a valid sequence */
	int c;

	for (c = 1; c < 256; c++) {
		char in[2] = { (char)c, 0 }, s[16];
		struct rp_buf b;
		size_t i;

		rp_buf_init(&b, s, sizeof(s));
		rp_buf_json(&b, in, 10, NULL);
		for (i = 0; s[i]; i++)
			cr_expect((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f,
				  "byte 0x%02x produced raw byte 0x%02x", c, (unsigned char)s[i]);
		if (c == '"' || c == '\\')
			cr_expect_eq(s[0], '\\', "byte 0x%02x not escaped", c);
	}
}

Test(strbuf, json_maxin_cuts_input_and_says_so)
{
	char s[64];
	struct rp_buf b;
	int cut = 0;

	rp_buf_init(&b, s, sizeof(s));
	rp_buf_json(&b, "abcdefgh", 3, &cut);
	cr_expect_str_eq(s, "abc");
	cr_expect_eq(cut, 1);

	rp_buf_init(&b, s, sizeof(s));
	rp_buf_json(&b, "abc", 3, &cut);
	cr_expect_eq(cut, 0, "exactly maxin bytes is not a cut");
}

Test(strbuf, json_never_splits_a_utf8_sequence)
{
	char s[6];
	struct rp_buf b;

	/* room for 5 bytes: "ab" + 3-byte euro fits, the next one does not */
	rp_buf_init(&b, s, sizeof(s));
	rp_buf_json(&b, "ab\xe2\x82\xac\xe2\x82\xac", 100, NULL);
	cr_expect_str_eq(s, "ab\xe2\x82\xac");
	cr_expect_eq(b.truncated, 1);

	rp_buf_init(&b, s, 4);		/* 3 bytes: "ab" + no room for euro */
	rp_buf_json(&b, "ab\xe2\x82\xac", 100, NULL);
	cr_expect_str_eq(s, "ab");
	cr_expect_eq(b.truncated, 1);
}

/* ---- rp_utf8_seq -------------------------------------------------------------- */

struct utf8_row {
	const char *s;
	size_t avail, want;
};

static const struct utf8_row utf8_rows[] = {
	{ "a", 1, 1 },
	{ "\x7f", 1, 1 },
	{ "\xc2\x80", 2, 2 },		/* U+0080, smallest 2-byte */
	{ "\xc1\xbf", 2, 0 },		/* overlong */
	{ "\xdf\xbf", 2, 2 },
	{ "\xe0\x9f\xbf", 3, 0 },	/* overlong 3-byte */
	{ "\xe0\xa0\x80", 3, 3 },	/* U+0800 */
	{ "\xed\x9f\xbf", 3, 3 },	/* U+D7FF */
	{ "\xed\xa0\x80", 3, 0 },	/* U+D800 surrogate */
	{ "\xef\xbf\xbf", 3, 3 },
	{ "\xf0\x8f\xbf\xbf", 4, 0 },	/* overlong 4-byte */
	{ "\xf0\x90\x80\x80", 4, 4 },	/* U+10000 */
	{ "\xf4\x8f\xbf\xbf", 4, 4 },	/* U+10FFFF */
	{ "\xf4\x90\x80\x80", 4, 0 },	/* U+110000 */
	{ "\xf5\x80\x80\x80", 4, 0 },
	{ "\x80", 1, 0 },		/* lone continuation */
	{ "\xc3\xa9", 1, 0 },		/* sequence longer than what is available */
	{ "\xc3(", 2, 0 },		/* bad continuation */
};

Test(strbuf, utf8_decision_table)
{
	size_t i;

	for (i = 0; i < sizeof(utf8_rows) / sizeof(utf8_rows[0]); i++)
		cr_expect_eq(rp_utf8_seq((const unsigned char *)utf8_rows[i].s,
					 utf8_rows[i].avail), utf8_rows[i].want,
			     "row %zu: want %zu", i, utf8_rows[i].want);
}

/* The escape of one byte among plain ones, written out by hand. */
static void
ref_json_byte(char *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	if (c == '"' || c == '\\')
		sprintf(out, "\\%c", c);
	else if (c == '\n')
		strcpy(out, "\\n");
	else if (c == '\t')
		strcpy(out, "\\t");
	else if (c == '\r')
		strcpy(out, "\\r");
	else if (c < 0x20 || c >= 0x7f)	/* a lone byte >= 0x80 is not UTF-8 */
		sprintf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
	else
		sprintf(out, "%c", c);
}

/* Every byte value at every offset of a 24-byte run, so that it falls at
 * each place of the eight-byte steps of the plain-run scan and in the
 * tail after them. */
Test(strbuf, json_escapes_any_byte_at_any_offset_of_a_plain_run)
{
	char in[32], want[64], esc[8], out[128];
	unsigned c;
	size_t k;

	for (c = 1; c < 256; c++) {
		for (k = 0; k < 24; k++) {
			struct rp_buf b;
			int cut = -1;

			memset(in, 'a', 24);
			in[24] = '\0';
			in[k] = (char)c;
			ref_json_byte(esc, (unsigned char)c);
			snprintf(want, sizeof(want), "%.*s%s%s", (int)k, in, esc, in + k + 1);
			rp_buf_init(&b, out, sizeof(out));
			rp_buf_json(&b, in, 64, &cut);
			cr_expect_str_eq(out, want, "byte 0x%02x at %zu", c, k);
			cr_expect_eq(cut, 0);
		}
	}
}

/* A long plain run is copied whole, and maxin still cuts it exactly. */
Test(strbuf, json_plain_run_respects_maxin_at_every_length)
{
	const char *in = "/usr/lib/x86_64-linux-gnu/some-long-name.so.1";
	size_t n = strlen(in), m;

	for (m = 0; m <= n + 1; m++) {
		char out[128];
		struct rp_buf b;
		int cut = -1;

		rp_buf_init(&b, out, sizeof(out));
		rp_buf_json(&b, in, m, &cut);
		cr_expect_eq(strlen(out), m < n ? m : n, "maxin %zu", m);
		cr_expect_eq(strncmp(out, in, m < n ? m : n), 0);
		cr_expect_eq(cut, m < n, "maxin %zu", m);
	}
}
