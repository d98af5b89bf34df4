/* strbuf.c - see strbuf.h. */
#include "strbuf.h"

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
	size_t i;

	for (i = 0; i < n; i++) {
		if (b->len + 1 >= b->cap) {
			b->truncated = 1;
			break;
		}
		b->p[b->len++] = s[i];
	}
	if (b->cap)
		b->p[b->len] = '\0';
}

void
rp_buf_str(struct rp_buf *b, const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	rp_buf_mem(b, s, n);
}

void
rp_buf_char(struct rp_buf *b, char c)
{
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

void
rp_buf_json(struct rp_buf *b, const char *s, size_t maxin, int *cut)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len = 0;

	while (u[len] && len < maxin)
		len++;
	if (cut)
		*cut = u[len] != '\0';
	while (i < len) {
		unsigned char c = u[i];
		size_t n;
		char esc[7];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			rp_buf_mem(b, esc, 2);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			const char *named = c == '\n' ? "\\n" : c == '\t' ? "\\t" :
					    c == '\r' ? "\\r" : NULL;
			if (named) {
				rp_buf_str(b, named);
			} else {
				esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
				esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
				rp_buf_mem(b, esc, 6);
			}
			i++;
			continue;
		}
		n = rp_utf8_seq(u + i, len - i);
		if (n == 0) {
			/* not UTF-8: show the byte's value, keep the JSON valid */
			esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
			esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
			rp_buf_mem(b, esc, 6);
			i++;
			continue;
		}
		/* never split a sequence when the buffer fills */
		if (b->len + n + 1 > b->cap) {
			b->truncated = 1;
			return;
		}
		rp_buf_mem(b, s + i, n);
		i += n;
	}
}
