/* fdname.c - see fdname.h. */
#include "fdname.h"

#include <fcntl.h>

#include "rawsys.h"
#include "strbuf.h"

char *
rp_fd_path(char *buf, int fd)
{
	struct rp_buf b;

	rp_buf_init(&b, buf, 32);
	rp_buf_str(&b, "/proc/self/fd/");
	rp_buf_long(&b, fd);
	return buf;
}

long
rp_fd_name(long fd, char *out, size_t cap)
{
	char link[40];
	long n;

	rp_fd_path(link, (int)fd);
	n = rp_raw4(SYS_readlinkat, AT_FDCWD, link, out, cap - 1);
	if (RP_RAW_ERR(n) || n <= 0)
		return -1;
	out[n] = '\0';
	return n;
}
