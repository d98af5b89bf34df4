/* test_fmode.c - fopen mode strings to open flags, against a decision
 * table and against glibc's own fopen on a real file. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmode.h"

struct row {
	const char *mode;
	int ok;
	int flags;
};

static const struct row rows[] = {
	{ "r", 1, O_RDONLY },
	{ "rb", 1, O_RDONLY },
	{ "r+", 1, O_RDWR },
	{ "rb+", 1, O_RDWR },
	{ "r+b", 1, O_RDWR },
	{ "w", 1, O_WRONLY | O_CREAT | O_TRUNC },
	{ "wb", 1, O_WRONLY | O_CREAT | O_TRUNC },
	{ "w+", 1, O_RDWR | O_CREAT | O_TRUNC },
	{ "wx", 1, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL },
	{ "a", 1, O_WRONLY | O_CREAT | O_APPEND },
	{ "a+", 1, O_RDWR | O_CREAT | O_APPEND },
	{ "ae", 1, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC },
	{ "re", 1, O_RDONLY | O_CLOEXEC },
	{ "rm", 1, O_RDONLY },
	{ "rc", 1, O_RDONLY },
	{ "r,ccs=UTF-8", 1, O_RDONLY },
	{ "r,+", 1, O_RDWR },		/* glibc 2.36 does not stop at ',' */
	{ "rbbbbb+", 1, O_RDWR },	/* '+' at index 6: still read */
	{ "rbbbbbb+", 1, O_RDONLY },	/* index 7: beyond glibc's scan */
	{ "rz+", 1, O_RDWR },		/* unknown letters are ignored */
	{ "", 0, 0 },
	{ "x", 0, 0 },
	{ "+r", 0, 0 },
	{ "R", 0, 0 },
};

Test(fmode, decision_table)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int flags = -1, r = rp_fmode_flags(rows[i].mode, &flags);

		cr_expect_eq(r == 0, rows[i].ok, "mode \"%s\": accepted %d", rows[i].mode, r == 0);
		if (rows[i].ok)
			cr_expect_eq(flags, rows[i].flags, "mode \"%s\": flags %o, want %o",
				     rows[i].mode, flags, rows[i].flags);
	}
	cr_expect_eq(rp_fmode_flags(NULL, &(int){ 0 }), -1);
}

/* What glibc's fopen really did with the fd, for every accepted row. */
Test(fmode, agrees_with_glibc_fopen)
{
	char path[] = "/tmp/rampart-fmode.XXXXXX";
	int fd = mkstemp(path);
	size_t i;

	cr_assert_geq(fd, 0);
	close(fd);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		FILE *f;
		int flags, fl, cloexec;

		if (!rows[i].ok || (rows[i].flags & O_EXCL))
			continue;
		rp_fmode_flags(rows[i].mode, &flags);
		f = fopen(path, rows[i].mode);
		cr_assert_not_null(f, "glibc refused \"%s\"", rows[i].mode);
		fl = fcntl(fileno(f), F_GETFL);
		cloexec = fcntl(fileno(f), F_GETFD) & FD_CLOEXEC;
		cr_expect_eq(fl & O_ACCMODE, flags & O_ACCMODE, "\"%s\" access mode", rows[i].mode);
		cr_expect_eq(!!(fl & O_APPEND), !!(flags & O_APPEND), "\"%s\" append", rows[i].mode);
		cr_expect_eq(!!cloexec, !!(flags & O_CLOEXEC), "\"%s\" cloexec", rows[i].mode);
		fclose(f);
	}
	unlink(path);
}

Test(fmode, strip_excl)
{
	char out[16];

	cr_expect_eq(rp_fmode_strip_excl("wx", out, sizeof(out)), 0);
	cr_expect_str_eq(out, "wb");
	cr_expect_eq(rp_fmode_strip_excl("w+xe,ccs=UTF-8", out, sizeof(out)), 0);
	cr_expect_str_eq(out, "w+be,ccs=UTF-8");
	cr_expect_eq(rp_fmode_strip_excl("wbbbbbx+", out, sizeof(out)), 0);
	cr_expect_str_eq(out, "wbbbbbb+", "the window glibc reads keeps its length");
	cr_expect_eq(rp_fmode_strip_excl("w,ccs=UTF-8xxxxxxxx", out, 8), -1);
}
