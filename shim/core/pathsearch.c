/* pathsearch.c - the one PATH search (execvp's, posix/execvpe.c), used
 * by the exec decision, the shim's exec wrappers and the loader; declared
 * in execdecide.h beside its default PATH.
 */
#include "execdecide.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rawsys.h"

int
rp_exec_search_path(const char *file, const char *pathenv, char *out, size_t cap, int *err)
{
	const char *p = pathenv ? pathenv : RP_EXEC_DEFAULT_PATH;
	size_t flen = strlen(file);

	*err = ENOENT;
	for (;;) {
		const char *e = strchr(p, ':');
		size_t dl = e ? (size_t)(e - p) : strlen(p);
		struct stat st;

		if (dl + 1 + flen < cap) {
			if (dl) {	/* an empty entry means the current directory */
				memcpy(out, p, dl);
				out[dl] = '/';
				memcpy(out + dl + 1, file, flen + 1);
			} else {
				memcpy(out, file, flen + 1);
			}
			if (!RP_RAW_ERR(rp_raw4(SYS_newfstatat, AT_FDCWD, out, &st, 0))) {
				/* execve checks the effective ids: faccessat2 with
				 * AT_EACCESS (5.8), else faccessat (real ids) */
				long r = rp_raw4(SYS_faccessat2, AT_FDCWD, out, X_OK, AT_EACCESS);

				if (r == -ENOSYS || r == -EPERM)
					r = rp_raw3(SYS_faccessat, AT_FDCWD, out, X_OK);
				if (S_ISREG(st.st_mode) && !RP_RAW_ERR(r))
					return 1;
				/* glibc's execvp goes on after EACCES and reports it
				 * at the end (posix/execvpe.c) */
				*err = EACCES;
			}
		}
		if (!e)
			break;
		p = e + 1;
	}
	out[0] = '\0';
	return 0;
}
