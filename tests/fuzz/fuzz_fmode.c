/* fuzz_fmode.c - libFuzzer target for the fopen mode parser (fmode.h).
 *
 * The oracle is glibc itself: each mode string is handed to the real
 * fopen(3) on a scratch file, and what the stream got (access mode and
 * O_APPEND from F_GETFL, FD_CLOEXEC, whether a missing file was created,
 * an existing one truncated or refused with EEXIST) must be what
 * rp_fmode_flags() predicted.  rp_fmode_strip_excl(), which the shim uses to
 * reopen a file it created exclusively, must give the same flags minus
 * O_EXCL and never write past its buffer (a heap block of exactly the
 * size it is told).
 *
 * Modes holding ",ccs=" are left out of the fopen comparison: glibc then
 * loads a character set converter, which fmode.h leaves to glibc.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[4096];

static void
fail(const char *what, const char *mode, int want, int got)
{
	size_t i;

	fprintf(stderr, "fuzz_fmode: %s: mode \"", what);
	for (i = 0; mode[i]; i++)
		fprintf(stderr, (unsigned char)mode[i] < 0x20 || (unsigned char)mode[i] >= 0x7f ?
			"\\x%02x" : "%c", (unsigned char)mode[i]);
	fprintf(stderr, "\": want %#o, got %#o\n", (unsigned)want, (unsigned)got);
	abort();
}

static void
setup(void)
{
	char tmpl[] = "/tmp/rampart-fuzz-fmode.XXXXXX";

	if (scratch[0])
		return;
	if (!mkdtemp(tmpl)) {
		perror("fuzz_fmode: mkdtemp");
		abort();
	}
	snprintf(scratch, sizeof(scratch), "%s/f", tmpl);
}

static void
make_file(void)
{
	int fd = open(scratch, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, "abc", 3) != 3) {
		perror("fuzz_fmode: scratch file");
		abort();
	}
	close(fd);
}

static long
file_size(void)
{
	struct stat st;

	return stat(scratch, &st) == 0 ? (long)st.st_size : -1;
}

/* What glibc's fopen does with `mode`, against the prediction. */
static void
against_fopen(const char *mode, int r, int flags)
{
	FILE *f;
	int fl, fdfl;

	/* an existing file */
	make_file();
	errno = 0;
	f = fopen(scratch, mode);
	if (r < 0) {
		if (f || errno != EINVAL)
			fail("fopen accepted a mode the parser refuses", mode, EINVAL, errno);
		return;
	}
	/* O_EXCL without O_CREAT ("rx") means nothing to open(2) */
	if ((flags & O_EXCL) && (flags & O_CREAT)) {
		if (f || errno != EEXIST)
			fail("O_EXCL predicted but fopen did not refuse an existing file", mode,
			     EEXIST, errno);
	} else {
		if (!f)
			fail("fopen refused a mode the parser accepts", mode, 0, errno);
		fl = fcntl(fileno(f), F_GETFL);
		fdfl = fcntl(fileno(f), F_GETFD);
		fclose(f);
		if ((fl & O_ACCMODE) != (flags & O_ACCMODE))
			fail("access mode differs", mode, flags & O_ACCMODE, fl & O_ACCMODE);
		if ((fl & O_APPEND) != (flags & O_APPEND))
			fail("O_APPEND differs", mode, flags & O_APPEND, fl & O_APPEND);
		if (!!(fdfl & FD_CLOEXEC) != !!(flags & O_CLOEXEC))
			fail("close-on-exec differs", mode, !!(flags & O_CLOEXEC),
			     !!(fdfl & FD_CLOEXEC));
		if ((file_size() == 0) != !!(flags & O_TRUNC))
			fail("truncation differs", mode, !!(flags & O_TRUNC), file_size() == 0);
	}

	/* a missing file */
	unlink(scratch);
	errno = 0;
	f = fopen(scratch, mode);
	if (f)
		fclose(f);
	if ((f != NULL) != !!(flags & O_CREAT))
		fail("creation differs", mode, !!(flags & O_CREAT), f != NULL);
	if (!f && errno != ENOENT)
		fail("missing file: unexpected errno", mode, ENOENT, errno);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *mode, *out;
	size_t outsz;
	int r, flags = -1, r2, flags2 = -1;

	if (size < 1 || size > 64)
		return 0;
	setup();
	outsz = data[0] % 24;
	mode = malloc(size);
	memcpy(mode, data + 1, size - 1);
	mode[size - 1] = '\0';

	r = rp_fmode_flags(mode, &flags);
	if (r != 0 && r != -1)
		fail("rp_fmode_flags returned neither 0 nor -1", mode, 0, r);
	if (!strstr(mode, ",ccs="))
		against_fopen(mode, r, flags);

	out = malloc(outsz ? outsz : 1);
	if (rp_fmode_strip_excl(mode, out, outsz) == 0) {
		if (strlen(out) >= outsz)
			fail("stripped mode does not fit its buffer", mode, (int)outsz,
			     (int)strlen(out));
		r2 = rp_fmode_flags(out, &flags2);
		if (r2 != r || (r == 0 && flags2 != (flags & ~O_EXCL)))
			fail("stripping 'x' changed more than O_EXCL", mode, flags & ~O_EXCL,
			     flags2);
	}
	free(out);
	free(mode);
	return 0;
}
