/* exec_fakecc.c - a stand-in compiler: appends one line to the file named
 * by FAKECC_MARKER, so a test sees whether it ran.  Installed by the tests
 * under compiler names (gcc, x86_64-linux-gnu-gcc-12, cc via symlinks). */
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	const char *m = getenv("FAKECC_MARKER");
	FILE *f;

	if (!m)
		return 3;
	f = fopen(m, "a");
	if (!f)
		return 4;
	fprintf(f, "ran as %s\n", argc > 0 ? argv[0] : "?");
	return fclose(f) == 0 ? 0 : 4;
}
