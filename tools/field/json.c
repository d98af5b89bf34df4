/* json.c - a bounded reader for one rampart event line (see json.h).
 *
 * Recursive descent over RFC 8259; the recursion is bounded by
 * RP_JSON_MAX_DEPTH, and decoded strings go into the event's fixed store.
 */
#include "json.h"

#include <string.h>

struct jp {
	const char *s;
	size_t len, pos;
	const char *err;
	size_t err_at;
	struct rp_json_event *ev;
	size_t used;		/* bytes of ev->store in use */
};

static int
fail(struct jp *j, const char *why)
{
	if (!j->err) {
		j->err = why;
		j->err_at = j->pos;
	}
	return -1;
}

static int
peek(const struct jp *j)
{
	return j->pos < j->len ? (unsigned char)j->s[j->pos] : -1;
}

static void
ws(struct jp *j)
{
	while (j->pos < j->len && (j->s[j->pos] == ' ' || j->s[j->pos] == '\t' ||
				   j->s[j->pos] == '\n' || j->s[j->pos] == '\r'))
		j->pos++;
}

static int
expect(struct jp *j, char c, const char *why)
{
	ws(j);
	if (peek(j) != (unsigned char)c)
		return fail(j, why);
	j->pos++;
	return 0;
}

/* Append one decoded byte when keeping; fails when the store is full. */
static int
put(struct jp *j, int keep, unsigned char c)
{
	if (!keep)
		return 0;
	if (j->used + 1 >= sizeof(j->ev->store))
		return fail(j, "event strings too long");
	j->ev->store[j->used++] = (char)c;
	return 0;
}

static int
hex4(struct jp *j, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (j->len - j->pos < 4)
		return fail(j, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		char c = j->s[j->pos++];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(j, "bad hex digit in \\u escape");
	}
	*out = v;
	return 0;
}

static int
put_utf8(struct jp *j, int keep, unsigned cp)
{
	if (cp < 0x800)
		return put(j, keep, (unsigned char)(0xC0 | cp >> 6)) ||
		       put(j, keep, (unsigned char)(0x80 | (cp & 0x3F)));
	if (cp < 0x10000)
		return put(j, keep, (unsigned char)(0xE0 | cp >> 12)) ||
		       put(j, keep, (unsigned char)(0x80 | ((cp >> 6) & 0x3F))) ||
		       put(j, keep, (unsigned char)(0x80 | (cp & 0x3F)));
	return put(j, keep, (unsigned char)(0xF0 | cp >> 18)) ||
	       put(j, keep, (unsigned char)(0x80 | ((cp >> 12) & 0x3F))) ||
	       put(j, keep, (unsigned char)(0x80 | ((cp >> 6) & 0x3F))) ||
	       put(j, keep, (unsigned char)(0x80 | (cp & 0x3F)));
}

/* One \u escape (the "\u" already consumed). */
static int
unicode_escape(struct jp *j, int keep)
{
	unsigned cp = 0, lo = 0;

	if (hex4(j, &cp))
		return -1;
	if (cp == 0)
		return fail(j, "NUL byte in string");
	/* shim/event.c writes a byte that is not UTF-8 as \u00XX */
	if (cp < 0x100)
		return put(j, keep, (unsigned char)cp);
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return fail(j, "lone low surrogate");
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (j->len - j->pos < 2 || j->s[j->pos] != '\\' || j->s[j->pos + 1] != 'u')
			return fail(j, "high surrogate without low surrogate");
		j->pos += 2;
		if (hex4(j, &lo))
			return -1;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return fail(j, "high surrogate without low surrogate");
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	return put_utf8(j, keep, cp);
}

/* A string at the current position.  When `out` is set the decoded,
 * NUL-terminated text is kept in the store and *out points at it. */
static int
string(struct jp *j, const char **out)
{
	size_t start = j->used;
	int keep = out != NULL;

	ws(j);
	if (peek(j) != '"')
		return fail(j, "expected a string");
	j->pos++;
	for (;;) {
		int c = peek(j);

		if (c < 0)
			return fail(j, "unterminated string");
		j->pos++;
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(j, "control byte in string");
		if (c != '\\') {
			if (put(j, keep, (unsigned char)c))
				return -1;
			continue;
		}
		c = peek(j);
		j->pos++;
		switch (c) {
		case '"': case '\\': case '/':
			if (put(j, keep, (unsigned char)c))
				return -1;
			break;
		case 'b': if (put(j, keep, '\b')) return -1; break;
		case 'f': if (put(j, keep, '\f')) return -1; break;
		case 'n': if (put(j, keep, '\n')) return -1; break;
		case 'r': if (put(j, keep, '\r')) return -1; break;
		case 't': if (put(j, keep, '\t')) return -1; break;
		case 'u':
			if (unicode_escape(j, keep))
				return -1;
			break;
		default:
			j->pos--;
			return fail(j, "bad escape in string");
		}
	}
	if (keep) {
		if (put(j, 1, '\0'))
			return -1;
		*out = j->ev->store + start;
	}
	return 0;
}

static int
digits(struct jp *j)
{
	size_t start = j->pos;

	while (peek(j) >= '0' && peek(j) <= '9')
		j->pos++;
	return j->pos > start ? 0 : fail(j, "expected a digit");
}

/* A number; *small gets its value when it is a non-negative integer below
 * 1000 (the only numbers we use), else -1. */
static int
number_big(struct jp *j, int *small, long *big)
{
	size_t start;
	long v = 0;
	int integer = 1, neg = 0;

	ws(j);
	start = j->pos;
	if (peek(j) == '-') {
		neg = 1;
		j->pos++;
	}
	if (peek(j) == '0')
		j->pos++;
	else if (digits(j))
		return -1;
	for (size_t i = start + (size_t)neg; i < j->pos && v < 1000000000000L; i++)
		v = v * 10 + (j->s[i] - '0');
	if (peek(j) == '.') {
		j->pos++;
		integer = 0;
		if (digits(j))
			return -1;
	}
	if (peek(j) == 'e' || peek(j) == 'E') {
		j->pos++;
		integer = 0;
		if (peek(j) == '+' || peek(j) == '-')
			j->pos++;
		if (digits(j))
			return -1;
	}
	if (small)
		*small = integer && !neg && v < 1000 ? (int)v : -1;
	if (big)	/* the relay's "repeat" count (docs/events.md) */
		*big = integer && !neg && v < 1000000000000L ? v : -1;
	return 0;
}

static int
number(struct jp *j, int *small)
{
	return number_big(j, small, NULL);
}

static int
literal(struct jp *j, const char *word)
{
	size_t n = strlen(word);

	if (j->len - j->pos < n || memcmp(j->s + j->pos, word, n) != 0)
		return fail(j, "unexpected character");
	j->pos += n;
	return 0;
}

static int value(struct jp *j, int depth);

static int
array(struct jp *j, int depth, int keep_argv)
{
	int first = 1;

	j->pos++;	/* '[' */
	ws(j);
	if (peek(j) == ']') {
		j->pos++;
		return 0;
	}
	for (;;) {
		if (!first && expect(j, ',', "expected ',' or ']' in array"))
			return -1;
		first = 0;
		if (keep_argv) {
			struct rp_json_event *ev = j->ev;
			const char **slot = ev->argc < RP_JSON_MAX_ARGV ? &ev->argv[ev->argc] : NULL;

			if (string(j, slot))
				return -1;
			if (slot)
				ev->argc++;
		} else if (value(j, depth + 1)) {
			return -1;
		}
		ws(j);
		if (peek(j) == ']') {
			j->pos++;
			return 0;
		}
	}
}

static int
object(struct jp *j, int depth, int top)
{
	int first = 1;

	j->pos++;	/* '{' */
	ws(j);
	if (peek(j) == '}') {
		j->pos++;
		return 0;
	}
	for (;;) {
		const char *key = NULL;
		size_t mark = j->used;
		enum rp_event_field f = RP_EF_COUNT;

		if (!first && expect(j, ',', "expected ',' or '}' in object"))
			return -1;
		first = 0;
		if (string(j, top ? &key : NULL) || expect(j, ':', "expected ':' after key"))
			return -1;
		if (top) {
			f = rp_ef_find(key);
			j->used = mark;	/* the key itself need not be kept */
		}
		ws(j);
		if (f < RP_EF_COUNT && rp_ef_type(f) == RP_EFT_STRING) {
			if (peek(j) != '"')
				return fail(j, "event field is not a string");
			if (string(j, &j->ev->f[f]))
				return -1;
		} else if (f == RP_EF_ARGV) {
			if (peek(j) != '[')
				return fail(j, "argv is not an array");
			j->ev->argc = 0;
			if (array(j, depth, 1))
				return -1;
			j->ev->argv[j->ev->argc] = NULL;
		} else if (f == RP_EF_RAMPART) {
			if (number(j, &j->ev->version))
				return -1;
		} else if (f == RP_EF_REPEAT) {
			if (number_big(j, NULL, &j->ev->repeat))
				return -1;
		} else if (value(j, depth + 1)) {
			return -1;
		}
		ws(j);
		if (peek(j) == '}') {
			j->pos++;
			return 0;
		}
	}
}

static int
value(struct jp *j, int depth)
{
	if (depth > RP_JSON_MAX_DEPTH)
		return fail(j, "nested too deeply");
	ws(j);
	switch (peek(j)) {
	case '{': return object(j, depth, 0);
	case '[': return array(j, depth, 0);
	case '"': return string(j, NULL);
	case 't': return literal(j, "true");
	case 'f': return literal(j, "false");
	case 'n': return literal(j, "null");
	case -1: return fail(j, "unexpected end of line");
	default:
		if (peek(j) == '-' || (peek(j) >= '0' && peek(j) <= '9'))
			return number(j, NULL);
		return fail(j, "unexpected character");
	}
}

int
rp_json_parse_event(const char *buf, size_t len, struct rp_json_event *ev,
		    const char **err, size_t *at)
{
	struct jp j = { .s = buf, .len = len, .ev = ev };

	memset(ev->f, 0, sizeof(ev->f));
	ev->version = 0;
	ev->repeat = 0;
	ev->argc = 0;
	ev->argv[0] = NULL;
	ws(&j);
	if (peek(&j) != '{')
		fail(&j, "not a JSON object");
	else if (object(&j, 0, 1) == 0) {
		ws(&j);
		if (j.pos != j.len)
			fail(&j, "trailing bytes after the object");
	}
	if (j.err) {
		*err = j.err;
		*at = j.err_at;
		return -1;
	}
	return 0;
}
