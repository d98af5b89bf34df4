/* strbuf.c - see strbuf.h. */
#include "strbuf.h"

#include <stdint.h>
#include <string.h>

void
rp_buf_init(struct rp_buf *b, char *storage, size_t cap)
{
	b->p = storage;
	b->len = 0;
	b->cap = cap;
	b->truncated = 0;
	if (cap)
		storage[0] = '\0';
}

void
rp_buf_mem(struct rp_buf *b, const char *s, size_t n)
{
	size_t room;

	if (!b->cap) {
		b->truncated |= n > 0;
		return;
	}
	room = b->cap - 1 - b->len;
	if (n > room) {
		n = room;
		b->truncated = 1;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
rp_buf_str(struct rp_buf *b, const char *s)
{
	rp_buf_mem(b, s, strlen(s));
}

void
rp_buf_char(struct rp_buf *b, char c)
{
	/* the common case in place: an event has dozens of single bytes */
	if (b->cap && b->len + 1 < b->cap) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
		return;
	}
	rp_buf_mem(b, &c, 1);
}

void
rp_buf_ulong(struct rp_buf *b, unsigned long v)
{
	char tmp[24];
	int i = (int)sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	rp_buf_mem(b, tmp + i, sizeof(tmp) - (size_t)i);
}

void
rp_buf_long(struct rp_buf *b, long v)
{
	if (v < 0) {
		rp_buf_char(b, '-');
		rp_buf_ulong(b, 0UL - (unsigned long)v);
	} else {
		rp_buf_ulong(b, (unsigned long)v);
	}
}

size_t
rp_utf8_seq(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	size_t n, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* Append n bytes only if all of them fit: an escape or a UTF-8 sequence
 * is never split when the buffer fills. */
static int
put_whole(struct rp_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->truncated = 1;
		return 0;
	}
	rp_buf_mem(b, s, n);
	return 1;
}

/* Bytes that go into a JSON string as they are: printable ASCII but the
 * quote and the backslash. */
static int
plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* Are all eight bytes at u plain?  Exact as a yes/no (no byte order
 * involved): "some byte is below n" is (w - n*ones) & ~w & highs for
 * n <= 0x80, "some byte is zero" the same with n = 1, applied to w XOR the
 * byte sought. */
static int
plain_word(const unsigned char *u)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t w, q, bs, del;

	memcpy(&w, u, 8);
	q = w ^ (ones * '"');
	bs = w ^ (ones * '\\');
	del = w ^ (ones * 0x7f);
	return !((w & highs) |				/* 0x80 and above */
		 ((w - ones * 0x20) & ~w & highs) |	/* control bytes */
		 ((q - ones) & ~q & highs) | ((bs - ones) & ~bs & highs) |
		 ((del - ones) & ~del & highs));
}

void
rp_buf_json(struct rp_buf *b, const char *s, size_t maxin, int *cut)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len = 0;

	len = strnlen(s, maxin);
	if (cut)
		*cut = u[len] != '\0';
	while (i < len) {
		unsigned char c = u[i];
		const char *named = NULL;
		size_t run = i;

		/* the common case: a run of printable ASCII, copied at once (it
		 * may be cut anywhere without breaking the JSON) */
		while (len - run >= 8 && plain_word(u + run))
			run += 8;
		while (run < len && plain_byte(u[run]))
			run++;
		if (run > i) {
			rp_buf_mem(b, s + i, run - i);
			if (b->truncated)
				goto full;
			i = run;
			continue;
		}
		size_t n = 1;
		char esc[7];
		const char *out = esc;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			n = 2;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			named = c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r";
			out = named;
			n = 2;
		} else if (c < 0x20 || c == 0x7f ||
			   (c >= 0x80 && rp_utf8_seq(u + i, len - i) == 0)) {
			/* control byte, or a byte that is not UTF-8: show its
			 * value and keep the JSON valid */
			esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
			esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
			n = 6;
		} else {
			n = rp_utf8_seq(u + i, len - i);
			if (!put_whole(b, s + i, n))
				goto full;
			i += n;
			continue;
		}
		if (!put_whole(b, out, n))
			goto full;
		i++;
	}
	return;
full:
	if (cut)
		*cut = 1;
}
