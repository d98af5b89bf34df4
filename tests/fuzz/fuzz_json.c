/* fuzz_json.c - libFuzzer target for the JSON string encoder of events.
 *
 * Paths and argv in events are attacker-controlled bytes (quotes,
 * backslashes, control and non-UTF-8 bytes).  Input: two bytes choosing
 * the buffer capacity and the input limit, then the string.  The buffer is
 * a heap block of exactly `cap` bytes so any write past it is caught.
 *
 * Checks (strbuf.h): the text never exceeds the buffer and stays
 * NUL-terminated; without truncation, the output is exactly what a JSON
 * string body must be and decodes back to the input bytes that were valid
 * UTF-8; with truncation, what was written is still a valid JSON string
 * body (the encoder promises never to split a UTF-8 sequence, and a split
 * escape would break the event line the same way).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what, const char *out, size_t len)
{
	size_t i;

	fprintf(stderr, "fuzz_json: %s; output (%zu bytes): ", what, len);
	for (i = 0; i < len && i < 300; i++)
		fprintf(stderr, (unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f ?
			"\\x%02x" : "%c", (unsigned char)out[i]);
	fprintf(stderr, "\n");
	abort();
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Length of a well-formed UTF-8 sequence (RFC 3629, table 3-7 of the
 * Unicode standard) at s, or 0.  Independent of strbuf.c's own. */
static size_t
utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return avail >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

		return avail >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

		return avail >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
		       (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* Validate `out` as the body of a JSON string (RFC 8259 section 7) and
 * decode it into `dec` (byte escapes \u00XX decode to the byte). */
static size_t
validate(const char *out, size_t len, unsigned char *dec)
{
	size_t i = 0, d = 0;

	while (i < len) {
		unsigned char c = (unsigned char)out[i];

		if (c == '"')
			fail("unescaped quote", out, len);
		if (c < 0x20)
			fail("raw control byte", out, len);
		if (c == '\\') {
			if (i + 1 >= len)
				fail("lone backslash at the end", out, len);
			switch (out[i + 1]) {
			case '"': case '\\': case '/':
				dec[d++] = (unsigned char)out[i + 1];
				i += 2;
				continue;
			case 'n': dec[d++] = '\n'; i += 2; continue;
			case 't': dec[d++] = '\t'; i += 2; continue;
			case 'r': dec[d++] = '\r'; i += 2; continue;
			case 'b': dec[d++] = '\b'; i += 2; continue;
			case 'f': dec[d++] = '\f'; i += 2; continue;
			case 'u': {
				int k, v = 0;

				if (i + 6 > len)
					fail("truncated \\u escape", out, len);
				for (k = 2; k < 6; k++) {
					int h = hexval(out[i + k]);

					if (h < 0)
						fail("bad hex digit in \\u escape", out, len);
					v = v * 16 + h;
				}
				if (v > 0xff)
					fail("unexpected \\u escape above 0xff", out, len);
				dec[d++] = (unsigned char)v;
				i += 6;
				continue;
			}
			default:
				fail("unknown escape", out, len);
			}
		}
		{
			size_t n = utf8_len((const unsigned char *)out + i, len - i);

			if (n == 0)
				fail("invalid UTF-8 in the output", out, len);
			memcpy(dec + d, out + i, n);
			d += n;
			i += n;
		}
	}
	return d;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_buf b;
	char *storage, *in;
	unsigned char *dec;
	size_t cap, maxin, inlen, declen, prefix;
	int cut = -1;

	if (size < 2 || size > 4096)
		return 0;
	cap = data[0] ? (size_t)data[0] * 8 - 7 : 0;	/* 0, 1, 9, ... 2033 */
	maxin = data[1] == 255 ? (size_t)-1 : data[1];
	in = malloc(size - 1);
	memcpy(in, data + 2, size - 2);
	in[size - 2] = '\0';
	inlen = strlen(in);

	storage = malloc(cap ? cap : 1);
	rp_buf_init(&b, storage, cap);
	/* a prefix, as event.c writes the key before the value */
	rp_buf_str(&b, "k\":\"");
	prefix = b.len;
	rp_buf_json(&b, in, maxin, &cut);

	/* cut: more input than maxin, or input the full buffer had to drop */
	if (inlen > maxin && cut != 1)
		fail("input beyond maxin, cut not set", storage, b.len);
	if (cut != 0 && inlen <= maxin && !b.truncated)
		fail("cut set, yet all input fitted", storage, b.len);
	if (cap == 0) {
		if (b.len != 0)
			fail("wrote into a zero-sized buffer", storage, b.len);
	} else {
		if (b.len >= cap)
			fail("length reaches the capacity", storage, b.len);
		if (storage[b.len] != '\0' || strlen(storage) != b.len)
			fail("not NUL-terminated at len", storage, b.len);
	}
	if (cap > 0 && b.len >= prefix) {
		dec = malloc(b.len + 1);
		declen = validate(storage + prefix, b.len - prefix, dec);
		if (!b.truncated) {
			/* every valid byte of the input, in order, survives */
			size_t take = inlen < maxin ? inlen : maxin, i = 0, d = 0;

			while (i < take) {
				size_t n = utf8_len((const unsigned char *)in + i, take - i);

				if (n == 0)
					n = 1;	/* an invalid byte becomes \u00XX of itself */
				if (d + n > declen || memcmp(dec + d, in + i, n) != 0)
					fail("output does not decode to the input", storage, b.len);
				d += n;
				i += n;
			}
			if (d != declen)
				fail("output decodes to more than the input", storage, b.len);
		}
		free(dec);
	}
	free(storage);
	free(in);
	return 0;
}
