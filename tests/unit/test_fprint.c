/* test_fprint.c - content fingerprints (shim/fprint.h): equal bytes give
 * equal fingerprints, a changed byte in what is hashed gives another, and
 * the RAMPART_DENY_IDS list round-trips and rejects what is malformed. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fprint.h"
#include "testlib.h"

static long
make_file(const char *dir, const char *name, const unsigned char *bytes, size_t n)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	cr_assert(write(fd, bytes, n) == (ssize_t)n);
	return fd;
}

static struct rp_fprint
fp_of(long fd, long size)
{
	struct rp_fprint f;

	cr_assert_eq(rp_fprint_fd(fd, size, &f), 0);
	return f;
}

static int
fp_eq(struct rp_fprint a, struct rp_fprint b)
{
	return a.h[0] == b.h[0] && a.h[1] == b.h[1];
}

/* One byte changed at `off` of an `n`-byte file: does the fingerprint see it? */
static int
sees_change(const char *dir, size_t n, size_t off)
{
	unsigned char *b = malloc(n);
	long fa, fb;
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(i * 131 + (i >> 9));
	fa = make_file(dir, "a", b, n);
	b[off] ^= 1;
	fb = make_file(dir, "b", b, n);
	r = !fp_eq(fp_of(fa, (long)n), fp_of(fb, (long)n));
	close(fa);
	close(fb);
	free(b);
	return r;
}

Test(fprint, equal_bytes_equal_fingerprints)
{
	const char *dir = rt_tmpdir();
	static unsigned char big[300000];
	long a, b;

	memset(big, 7, sizeof(big));
	a = make_file(dir, "a", big, sizeof(big));
	b = make_file(dir, "b", big, sizeof(big));
	cr_expect(fp_eq(fp_of(a, sizeof(big)), fp_of(b, sizeof(big))));
	/* the size is part of it: a prefix of the same bytes differs */
	cr_expect(!fp_eq(fp_of(a, 1000), fp_of(a, 1001)));
	close(a);
	close(b);
	rt_cleanup(dir);
}

Test(fprint, small_files_are_hashed_whole)
{
	const char *dir = rt_tmpdir();
	size_t off;

	for (off = 0; off < RP_FPRINT_WHOLE; off += 997)
		cr_expect(sees_change(dir, RP_FPRINT_WHOLE, off), "byte %zu not hashed", off);
	cr_expect(sees_change(dir, 9, 8), "the tail of a short file");
	rt_cleanup(dir);
}

Test(fprint, large_files_are_hashed_at_their_edges_and_samples)
{
	const char *dir = rt_tmpdir();
	size_t n = 5u << 20;

	cr_expect(sees_change(dir, n, 0));
	cr_expect(sees_change(dir, n, RP_FPRINT_EDGE - 1));
	cr_expect(sees_change(dir, n, n - 1));
	cr_expect(sees_change(dir, n, n - RP_FPRINT_EDGE));
	cr_expect(sees_change(dir, n, RP_FPRINT_EDGE));	/* the first sample */
	rt_cleanup(dir);
}

Test(fprint, short_read_is_an_error)
{
	const char *dir = rt_tmpdir();
	unsigned char b[100] = { 1 };
	struct rp_fprint f;
	long fd = make_file(dir, "a", b, sizeof(b));

	cr_expect_neq(rp_fprint_fd(fd, 200, &f), 0, "a file shorter than its size");
	cr_expect_neq(rp_fprint_fd(fd, 0, &f), 0);
	close(fd);
	rt_cleanup(dir);
}

Test(fprint, list_round_trip)
{
	char list[256] = "";
	struct rp_fprint a = { { 0x0123456789abcdefULL, 0xfULL } }, b = { { 1, 2 } }, got;

	cr_assert_eq(rp_fprint_append(list, sizeof(list), 0x803, 12345, 999, &a), 0);
	cr_assert_eq(rp_fprint_append(list, sizeof(list), 0x803, 12346, 999, &b), 0);
	cr_expect_str_eq(list, "803:3039:3e7:0123456789abcdef000000000000000f,"
			       "803:303a:3e7:00000000000000010000000000000002");
	cr_expect_eq(rp_fprint_lookup(list, 0x803, 12346, 999, &got), 1);
	cr_expect(fp_eq(got, b));
	cr_expect_eq(rp_fprint_lookup(list, 0x803, 12345, 999, &got), 1);
	cr_expect(fp_eq(got, a));
	cr_expect_eq(rp_fprint_lookup(list, 0x803, 12345, 998, &got), 0, "another size");
	cr_expect_eq(rp_fprint_lookup(list, 0x804, 12345, 999, &got), 0, "another device");
	/* what does not fit is not appended, and the list stays whole */
	cr_expect_eq(rp_fprint_append(list, strlen(list) + 10, 1, 1, 1, &a), -1);
	cr_expect_eq(rp_fprint_lookup(list, 0x803, 12346, 999, &got), 1);
}

Test(fprint, malformed_entries_are_not_matches)
{
	struct rp_fprint got;

	cr_expect_eq(rp_fprint_lookup("1:2:3:0123", 1, 2, 3, &got), 0, "short hash");
	cr_expect_eq(rp_fprint_lookup("1:2:3:0123456789abcdef0123456789abcdefff", 1, 2, 3, &got), 0,
		     "long hash");
	cr_expect_eq(rp_fprint_lookup("1:2:3:0123456789ABCDEF0123456789abcdef", 1, 2, 3, &got), 0,
		     "upper case");
	cr_expect_eq(rp_fprint_lookup("junk,1:2:3:0123456789abcdef0123456789abcdef", 1, 2, 3, &got), 1,
		     "a bad entry does not hide the next");
	cr_expect_eq(rp_fprint_lookup("", 1, 2, 3, &got), 0);
	cr_expect_eq(rp_fprint_lookup(NULL, 1, 2, 3, &got), 0);
}

Test(fprint, hash_digits_are_exactly_thirty_two)
{
	struct rp_fprint got;

	cr_expect_eq(rp_fprint_lookup("1:2:3:0123456789abcdef0123", 1, 2, 3, &got), 0);
	cr_expect_eq(rp_fprint_lookup("1:2:3:00000000000000010000000000000002", 1, 2, 3, &got), 1);
	cr_expect(got.h[0] == 1 && got.h[1] == 2);
}
