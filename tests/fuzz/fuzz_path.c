/* fuzz_path.c - libFuzzer target for the path normaliser and matcher.
 *
 * Input: one byte choosing the output buffer size, then two NUL-separated
 * strings (a base directory and a path).  Output buffers are heap blocks of
 * exactly the advertised size, so AddressSanitizer catches any write past
 * them.  The checks are the promises pathnorm.h makes, tested against an
 * independent, character-by-character reading of them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"	/* RP_PATH_MAX; pathnorm.h */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what, const char *a, const char *b)
{
	fprintf(stderr, "fuzz_path: invariant broken: %s: '%s' '%s'\n", what,
		a ? a : "(null)", b ? b : "(null)");
	abort();
}

/* Is `s` in normal form: "/" or "/seg/seg" with no empty, "." or ".."
 * segment?  Written without sharing any code with pathnorm.c. */
static int
is_normal(const char *s)
{
	const char *seg;

	if (s[0] != '/')
		return 0;
	if (s[1] == '\0')
		return 1;
	seg = s + 1;
	for (;;) {
		const char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);

		if (n == 0 || (n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		if (!end)
			return 1;
		seg = end + 1;
	}
}

static int
has_dotdot_segment(const char *s)
{
	const char *p = s;

	while ((p = strstr(p, "..")) != NULL) {
		if ((p == s || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return 1;
		p += 2;
	}
	return 0;
}

/* Reference for rp_path_beneath on normalised paths. */
static int
ref_beneath(const char *path, const char *root)
{
	size_t rl = strlen(root);

	if (strcmp(root, "/") == 0)
		return path[0] == '/';
	return strncmp(path, root, rl) == 0 && (path[rl] == '\0' || path[rl] == '/');
}

static void
check_normalize(const char *in, size_t outsz)
{
	char *out = malloc(outsz ? outsz : 1);
	char big[2 * RP_PATH_MAX], again[2 * RP_PATH_MAX];
	enum rp_path_error e = rp_path_normalize(in, out, outsz);
	enum rp_path_error ebig = rp_path_normalize(in, big, sizeof(big));

	if (e == RP_PATH_OK) {
		if (strlen(out) >= outsz)
			fail("normalize result does not fit its buffer", in, out);
		if (!is_normal(out))
			fail("normalize result is not normal", in, out);
		if (ebig != RP_PATH_OK || strcmp(out, big) != 0)
			fail("normalize depends on the buffer size", in, out);
		if (rp_path_normalize(out, again, sizeof(again)) != RP_PATH_OK ||
		    strcmp(out, again) != 0)
			fail("normalize is not idempotent", in, out);
	} else if (e != RP_PATH_TOO_LONG && e != ebig) {
		fail("normalize error depends on the buffer size", in, rp_path_error_str(e));
	}
	if (ebig == RP_PATH_OK && has_dotdot_segment(in))
		fail("normalize accepted '..'", in, big);
	if (ebig == RP_PATH_EMPTY && in[0] != '\0')
		fail("non-empty path called empty", in, NULL);
	if (ebig == RP_PATH_RELATIVE && in[0] == '/')
		fail("absolute path called relative", in, NULL);
	free(out);
}

static void
check_lexical(const char *base, const char *in, size_t outsz)
{
	char *out = malloc(outsz ? outsz : 1);
	char ref[4 * RP_PATH_MAX];
	int r = rp_path_lexical(base, in, out, outsz);

	if (r == 0) {
		if (strlen(out) >= outsz)
			fail("lexical result does not fit its buffer", in, out);
		if (!is_normal(out))
			fail("lexical result is not normal", in, out);
		/* An absolute `in` ignores the base. */
		if (in[0] == '/' && (rp_path_lexical(NULL, in, ref, sizeof(ref)) != 0 ||
				     strcmp(ref, out) != 0))
			fail("lexical of an absolute path depends on the base", in, out);
	} else if (r != -1) {
		fail("lexical returned neither 0 nor -1", in, base);
	}
	free(out);
}

static void
check_beneath(const char *a, const char *b)
{
	char pa[RP_PATH_MAX], pb[RP_PATH_MAX];
	int got;

	if (rp_path_lexical(NULL, a, pa, sizeof(pa)) != 0 ||
	    rp_path_lexical(NULL, b, pb, sizeof(pb)) != 0)
		return;
	got = rp_path_beneath(pa, strlen(pa), pb, strlen(pb));
	if (got != ref_beneath(pa, pb))
		fail("beneath disagrees with the reference", pa, pb);
	if (!rp_path_beneath(pa, strlen(pa), pa, strlen(pa)))
		fail("a path is not beneath itself", pa, NULL);
	if (!rp_path_beneath(pa, strlen(pa), "/", 1))
		fail("a path is not beneath /", pa, NULL);
	/* a sibling sharing a prefix ("/app/logs-evil" vs "/app/logs") */
	if (strcmp(pb, "/") != 0 && strlen(pb) + 2 < sizeof(pb)) {
		char sib[RP_PATH_MAX];

		snprintf(sib, sizeof(sib), "%s-", pb);
		if (rp_path_beneath(sib, strlen(sib), pb, strlen(pb)))
			fail("prefix sibling counted as beneath", sib, pb);
	}
}

/* rp_path_is_normal, the one-pass check of the resolver's fast route, is
 * the slow answer: an absolute path whose lexical form is itself, and the
 * independent reading above. */
static void
check_is_normal(const char *in)
{
	char ref[2 * RP_PATH_MAX];
	size_t n = strlen(in);
	int fast = rp_path_is_normal(in, n);
	int slow = in[0] == '/' && rp_path_lexical(NULL, in, ref, sizeof(ref)) == 0 &&
		   strcmp(ref, in) == 0;

	if (fast != slow)
		fail("is_normal disagrees with lexical", in, fast ? "fast yes" : "fast no");
	if (fast != is_normal(in))
		fail("is_normal disagrees with the reference", in, NULL);
	/* a prefix is judged by its own bytes only, not by what follows */
	if (n > 0) {
		char *pre = malloc(n);

		memcpy(pre, in, n - 1);
		pre[n - 1] = '\0';
		if (rp_path_is_normal(in, n - 1) != is_normal(pre))
			fail("is_normal of a prefix reads past it", pre, in);
		free(pre);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *base, *in;
	size_t outsz, split;

	if (size < 1 || size > 3 * RP_PATH_MAX)
		return 0;
	/* sizes 0..127 probe the edges; 128..255 map onto 4096 +/- 64 */
	outsz = data[0] < 128 ? data[0] : (size_t)(RP_PATH_MAX - 64 + 2 * (data[0] - 128));
	buf = malloc(size + 1);
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	buf[size] = '\0';
	split = strlen(buf);
	base = buf;
	in = split + 1 < size ? buf + split + 1 : buf + split;

	check_normalize(base, outsz);
	check_normalize(in, outsz);
	check_lexical(base[0] == '/' ? base : NULL, in, outsz);
	check_lexical(NULL, base, outsz);
	check_beneath(base, in);
	check_beneath(in, base);
	check_is_normal(base);
	check_is_normal(in);
	free(buf);
	return 0;
}
