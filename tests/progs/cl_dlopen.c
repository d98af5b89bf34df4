/* cl_dlopen - dlopen each argument the way applications do (RTLD_NOW) and
 * print "NAME: ok" or "NAME: err <dlerror text>", then whether a second
 * dlerror() is empty, as it must be ("again: null").  "memfd:FILE" copies
 * FILE into a memfd and opens /proc/self/fd/N (a fileless load);
 * "dlmopen:FILE" loads FILE into a new namespace with dlmopen. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *
memfd_of(const char *file, char *buf, size_t cap)
{
	char data[65536];
	int in = open(file, O_RDONLY), fd = memfd_create("cl", 0);
	ssize_t n;

	if (in < 0 || fd < 0)
		return file;
	while ((n = read(in, data, sizeof(data))) > 0)
		if (write(fd, data, (size_t)n) != n)
			return file;
	close(in);
	snprintf(buf, cap, "/proc/self/fd/%d", fd);
	return buf;
}

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		char buf[64];
		const char *name = argv[i];
		void *h;

		if (strncmp(name, "memfd:", 6) == 0)
			name = memfd_of(name + 6, buf, sizeof(buf));
		errno = 0;
		if (strncmp(name, "dlmopen:", 8) == 0)
			h = dlmopen(LM_ID_NEWLM, name + 8, RTLD_NOW);
		else
			h = dlopen(name, RTLD_NOW);
		if (h) {
			printf("%s: ok\n", argv[i]);
		} else {
			const char *m = dlerror();

			printf("%s: err %s\n", argv[i], m ? m : "(null)");
			printf("again: %s\n", dlerror() ? "set" : "null");
		}
		fflush(stdout);
	}
	return 0;
}
