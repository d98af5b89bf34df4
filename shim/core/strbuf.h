/* strbuf.h - bounded string building on caller storage.
 *
 * No malloc, no stdio, no locale: safe in a vfork child or a signal
 * handler.  Appends past the end are dropped and `truncated` is set, so a
 * caller formats first and checks once.
 */
#ifndef RAMPART_STRBUF_H
#define RAMPART_STRBUF_H

#include <stddef.h>

struct rp_buf {
	char *p;
	size_t len, cap;	/* cap includes room for the final NUL */
	int truncated;
};

void rp_buf_init(struct rp_buf *b, char *storage, size_t cap);
void rp_buf_str(struct rp_buf *b, const char *s);
void rp_buf_mem(struct rp_buf *b, const char *s, size_t n);
void rp_buf_char(struct rp_buf *b, char c);
void rp_buf_long(struct rp_buf *b, long v);
void rp_buf_ulong(struct rp_buf *b, unsigned long v);
/* Append `s` as the body of a JSON string (no quotes): escapes quote,
 * backslash and control bytes; bytes that are not valid UTF-8 become
 * \u00XX of the byte so the output is always valid JSON.  At most
 * `maxin` input bytes are taken; *cut is set when more remained. */
void rp_buf_json(struct rp_buf *b, const char *s, size_t maxin, int *cut);

/* Length of the valid UTF-8 sequence starting at s (1..4), or 0. */
size_t rp_utf8_seq(const unsigned char *s, size_t avail);

#endif
