/* cl_iconv [--set-gconv-path DIR | --putenv-gconv-path DIR] TO FROM -
 * convert "hello" (UTF-8) the way applications do and print "iconv TO
 * FROM: ok N" (bytes out) or "iconv TO FROM: err ERRNO".
 * --set-gconv-path sets GCONV_PATH in the process itself first (setenv,
 * as os.environ does), --putenv-gconv-path the same with putenv, as an
 * attacker with code in the process could. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
	char in[] = "hello", out[64], *ip = in, *op = out;
	size_t il = strlen(in), ol = sizeof(out);
	iconv_t cd;
	int a = 1;

	static char entry[4200];

	if (argc > 3 && strcmp(argv[1], "--set-gconv-path") == 0) {
		setenv("GCONV_PATH", argv[2], 1);
		a = 3;
	} else if (argc > 3 && strcmp(argv[1], "--putenv-gconv-path") == 0) {
		snprintf(entry, sizeof(entry), "GCONV_PATH=%s", argv[2]);
		putenv(entry);
		a = 3;
	}
	if (argc < a + 2)
		return 2;
	cd = iconv_open(argv[a], argv[a + 1]);
	if (cd == (iconv_t)-1) {
		printf("iconv %s %s: err %d\n", argv[a], argv[a + 1], errno);
		return 0;
	}
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
		printf("iconv %s %s: err %d\n", argv[a], argv[a + 1], errno);
	else
		printf("iconv %s %s: ok %zu\n", argv[a], argv[a + 1], sizeof(out) - ol);
	iconv_close(cd);
	return 0;
}
