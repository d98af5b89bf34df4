/* pathnorm.c - lexical paths: normal form, lexical "..", beneath (see
 * pathnorm.h).  Pure string work: no file system, no allocation, the
 * caller's buffers.
 */
#include "pathnorm.h"

#include <stdint.h>
#include <string.h>

/* ---- paths -------------------------------------------------------------- */

const char *
rp_path_error_str(enum rp_path_error e)
{
	switch (e) {
	case RP_PATH_OK: return "ok";
	case RP_PATH_EMPTY: return "empty path";
	case RP_PATH_RELATIVE: return "path must be absolute";
	case RP_PATH_DOTDOT: return "'..' is not allowed in a policy path";
	case RP_PATH_TOO_LONG: return "path too long";
	}
	return "bad path";
}

/* The next '/'-separated component at *p (length *n, possibly 0 at the
 * end); *p moves past it. */
static const char *
next_segment(const char **p, size_t *n)
{
	const char *seg;

	while (**p == '/')
		(*p)++;
	seg = *p;
	while (**p && **p != '/')
		(*p)++;
	*n = (size_t)(*p - seg);
	return seg;
}

/* Append the components of `p` to out[0..*o) as "/seg": empty ones and
 * "." are dropped; ".." drops the last component when `pop` (lexical
 * resolution) and is refused otherwise.  RP_PATH_OK, RP_PATH_DOTDOT or
 * RP_PATH_TOO_LONG (room is kept for the NUL). */
static enum rp_path_error
append_components(const char *p, int pop, char *out, size_t outsz, size_t *o)
{
	while (*p) {
		size_t n;
		const char *seg = next_segment(&p, &n);

		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (!pop)
				return RP_PATH_DOTDOT;
			while (*o > 0 && out[*o - 1] != '/')
				(*o)--;
			if (*o > 0)
				(*o)--;	/* drop the '/' too */
			continue;
		}
		if (*o + 1 + n + 1 > outsz)
			return RP_PATH_TOO_LONG;
		out[(*o)++] = '/';
		memcpy(out + *o, seg, n);
		*o += n;
	}
	return RP_PATH_OK;
}

/* End out[0..o): no component is "/" (outsz >= 2 was checked). */
static void
finish(char *out, size_t o)
{
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
}

enum rp_path_error
rp_path_normalize(const char *in, char *out, size_t outsz)
{
	size_t o = 0;
	enum rp_path_error e;

	if (!*in)
		return RP_PATH_EMPTY;
	if (*in != '/')
		return RP_PATH_RELATIVE;
	if (outsz < 2)
		return RP_PATH_TOO_LONG;
	if ((e = append_components(in, 0, out, outsz, &o)) != RP_PATH_OK)
		return e;
	finish(out, o);
	return RP_PATH_OK;
}

int
rp_path_lexical(const char *base, const char *in, char *out, size_t outsz)
{
	size_t o = 0;

	if (outsz < 2)
		return -1;
	/* `base` only when `in` is relative */
	if (in[0] != '/' && base && append_components(base, 1, out, outsz, &o) != RP_PATH_OK)
		return -1;
	if (append_components(in, 1, out, outsz, &o) != RP_PATH_OK)
		return -1;
	finish(out, o);
	return 0;
}

int
rp_path_beneath(const char *path, size_t pathlen, const char *root, size_t rootlen)
{
	if (rootlen == 1 && root[0] == '/')
		return pathlen >= 1 && path[0] == '/';
	if (pathlen < rootlen || memcmp(path, root, rootlen) != 0)
		return 0;
	return pathlen == rootlen || path[rootlen] == '/';
}

/* The index of the first '/' in p[i..n), or n.  Eight bytes at a time
 * where the byte order allows: the lowest flagged byte of the classic
 * "has a zero byte" test (of the word XOR '/' in every byte) is exact,
 * since a borrow only runs upward from a real zero byte. */
static inline size_t
next_slash(const char *p, size_t i, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;

	while (n - i >= 8) {
		uint64_t w, m;

		memcpy(&w, p + i, 8);
		w ^= ones * '/';
		m = (w - ones) & ~w & highs;
		if (m)
			return i + ((size_t)__builtin_ctzll(m) >> 3);
		i += 8;
	}
#endif
	while (i < n && p[i] != '/')
		i++;
	return i;
}

int
rp_path_is_normal(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || p[0] != '/')
		return 0;
	if (n == 1)
		return 1;
	if (p[n - 1] == '/')
		return 0;	/* a trailing '/' (n > 1) */
	/* every component starts after a '/': it is not empty, ".", nor ".." */
	for (i = 0; i < n; i = next_slash(p, i + 1, n)) {
		/* i < n - 1 here: the last byte is not '/' */
		if (p[i + 1] == '/')
			return 0;
		if (p[i + 1] == '.' &&
		    (i + 2 == n || p[i + 2] == '/' ||
		     (p[i + 2] == '.' && (i + 3 == n || p[i + 3] == '/'))))
			return 0;
	}
	return 1;
}
