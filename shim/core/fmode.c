/* fmode.c - see fmode.h. */
#include "fmode.h"

#include <fcntl.h>
#include <string.h>

/* glibc looks at the first byte and at most six more (fileops.c: the
 * `for (i = 1; i < 7; ++i)` loop). */
#define RP_FMODE_SCAN 7

int
rp_fmode_flags(const char *mode, int *flags)
{
	int acc, extra = 0, i;

	if (!mode)
		return -1;
	switch (mode[0]) {
	case 'r':
		acc = O_RDONLY;
		break;
	case 'w':
		acc = O_WRONLY;
		extra = O_CREAT | O_TRUNC;
		break;
	case 'a':
		acc = O_WRONLY;
		extra = O_CREAT | O_APPEND;
		break;
	default:
		return -1;
	}
	for (i = 1; i < RP_FMODE_SCAN && mode[i]; i++) {
		switch (mode[i]) {
		case '+':
			acc = O_RDWR;
			break;
		case 'x':
			extra |= O_EXCL;
			break;
		case 'e':
			extra |= O_CLOEXEC;
			break;
		default:
			break;	/* 'b', 'm', 'c', and whatever else: ignored */
		}
	}
	*flags = acc | extra;
	return 0;
}

int
rp_fmode_strip_excl(const char *mode, char *out, unsigned long outsz)
{
	unsigned long i, o = 0;

	/* 'x' becomes 'b' (ignored by glibc) rather than being deleted:
	 * deleting would pull later bytes into glibc's 7-byte window and
	 * change their meaning ("wbbbbbx+" is write-only, "wbbbbb+" is not) */
	for (i = 0; mode[i]; i++) {
		if (o + 1 >= outsz)
			return -1;
		out[o++] = mode[i] == 'x' && i > 0 && i < RP_FMODE_SCAN ? 'b' : mode[i];
	}
	if (o >= outsz)
		return -1;
	out[o] = '\0';
	return 0;
}
