/* fprint.c - see fprint.h.
 *
 * The hash is not cryptographic, and need not be: a fingerprint that
 * matches makes the exec decision deny, never allow.  A forged collision
 * could only get a program denied; escaping the match needs no collision
 * at all (change one byte and the copy is no longer a copy, which no
 * identity check can catch: docs/threat-model.md).  What it must do is keep
 * two different files of equal size apart, which 128 well-mixed bits do.
 * Two 64-bit lanes take every 8-byte word (multiply, rotate, multiply:
 * the mixing steps of common non-cryptographic hashes), each region starts
 * with its offset and length, and the end folds in the file size and runs
 * a 64-bit avalanche finaliser over both lanes.
 *
 * Sampling larger files makes the rule stricter than a byte comparison: a
 * copy patched outside the sampled blocks still matches, and is denied.
 */
#include "fprint.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "rawsys.h"
#include "strbuf.h"

#define K1 0x9e3779b97f4a7c15ULL
#define K2 0xc2b2ae3d27d4eb4fULL
#define K3 0x165667b19e3779f9ULL
#define K4 0x27d4eb2f165667c5ULL

struct hstate {
	uint64_t a, b;
};

static uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static void
absorb(struct hstate *s, uint64_t w)
{
	s->a = rotl(s->a ^ (w * K2), 31) * K1;
	s->b = (rotl(s->b + (w ^ K3), 29) * K4) ^ s->a;
}

static uint64_t
avalanche(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static void
absorb_bytes(struct hstate *s, const unsigned char *p, size_t n)
{
	uint64_t w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		absorb(s, w);
	}
	if (i < n) {	/* the tail, with its length so that zero bytes count */
		w = 0;
		memcpy(&w, p + i, n - i);
		absorb(s, w ^ ((uint64_t)(n - i) << 56));
	}
}

/* Hash `len` bytes at `off`; the buffer size is a multiple of 8, so words
 * fall on the same boundaries whatever the read sizes. */
static int
hash_region(struct hstate *s, long fd, long off, long len)
{
	unsigned char buf[4096];

	absorb(s, (uint64_t)off);
	absorb(s, (uint64_t)len);
	while (len > 0) {
		long want = len < (long)sizeof(buf) ? len : (long)sizeof(buf);
		long got = 0;

		while (got < want) {
			long n = rp_raw4(SYS_pread64, fd, buf + got, want - got, off + got);

			if (n == -EINTR)
				continue;
			if (RP_RAW_ERR(n))
				return (int)n;
			if (n == 0)
				return -EIO;	/* shorter than its size: it changed */
			got += n;
		}
		absorb_bytes(s, buf, (size_t)want);
		off += want;
		len -= want;
	}
	return 0;
}

int
rp_fprint_fd(long fd, long size, struct rp_fprint *out)
{
	struct hstate s = { K3 ^ (uint64_t)size, K1 + (uint64_t)size };
	int r, i;

	if (size <= 0)
		return -EINVAL;
	if (size <= RP_FPRINT_WHOLE) {
		r = hash_region(&s, fd, 0, size);
	} else {
		long inner = size - 2L * RP_FPRINT_EDGE - RP_FPRINT_BLOCK;

		/* no readahead around the samples: with a cold page cache it
		 * reads 128 KiB or more for each 512 bytes wanted */
		rp_raw4(SYS_fadvise64, fd, 0, 0, POSIX_FADV_RANDOM);
		r = hash_region(&s, fd, 0, RP_FPRINT_EDGE);
		for (i = 0; r == 0 && i < RP_FPRINT_SAMPLES; i++)
			r = hash_region(&s, fd,
					RP_FPRINT_EDGE + inner / (RP_FPRINT_SAMPLES - 1) * i,
					RP_FPRINT_BLOCK);
		if (r == 0)
			r = hash_region(&s, fd, size - RP_FPRINT_EDGE, RP_FPRINT_EDGE);
	}
	if (r != 0)
		return r;
	absorb(&s, (uint64_t)size);
	out->h[0] = avalanche(s.a ^ rotl(s.b, 17));
	out->h[1] = avalanche(s.b ^ K2 ^ out->h[0]);
	return 0;
}

/* ---- the list ----------------------------------------------------------- */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A hex number of at most 16 digits at *s; advances *s.  Returns the
 * number of digits. */
static int
hex_field(const char **s, uint64_t *v, int max_digits)
{
	int n = 0, d;

	*v = 0;
	while ((d = hexval(**s)) >= 0 && n < max_digits) {
		*v = (*v << 4) | (uint64_t)d;
		(*s)++;
		n++;
	}
	return n;
}

int
rp_fprint_lookup(const char *list, unsigned long dev, unsigned long ino, long size,
		 struct rp_fprint *out)
{
	const char *s = list;

	while (s && *s) {
		uint64_t d, i, z, h0, h1;
		const char *e = s;

		if (hex_field(&e, &d, 16) && *e++ == ':' && hex_field(&e, &i, 16) && *e++ == ':' &&
		    hex_field(&e, &z, 16) && *e++ == ':' && hex_field(&e, &h0, 16) == 16 &&
		    hex_field(&e, &h1, 16) == 16 && (*e == ',' || *e == '\0') &&
		    d == dev && i == ino && z == (uint64_t)size) {
			out->h[0] = h0;
			out->h[1] = h1;
			return 1;
		}
		s = strchr(s, ',');
		if (s)
			s++;
	}
	return 0;
}

static void
put_hex(struct rp_buf *b, uint64_t v, int width)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = digits[v & 15];
		v >>= 4;
	} while (v && n < 16);
	while (n < width)
		tmp[n++] = '0';
	while (n)
		rp_buf_char(b, tmp[--n]);
}

int
rp_fprint_append(char *buf, size_t cap, unsigned long dev, unsigned long ino, long size,
		 const struct rp_fprint *fp)
{
	size_t used = strlen(buf);
	struct rp_buf b;

	rp_buf_init(&b, buf + used, cap - used);
	if (used)
		rp_buf_char(&b, ',');
	put_hex(&b, dev, 1);
	rp_buf_char(&b, ':');
	put_hex(&b, ino, 1);
	rp_buf_char(&b, ':');
	put_hex(&b, (uint64_t)size, 1);
	rp_buf_char(&b, ':');
	put_hex(&b, fp->h[0], 16);
	put_hex(&b, fp->h[1], 16);
	if (b.truncated) {
		buf[used] = '\0';
		return -1;
	}
	return 0;
}
