/* fsnames.c - files named other ways: /dev/shm names (shm_open,
 * sem_open), AF_UNIX socket paths (bind), and a posix_spawn addopen
 * (fsparts.h).
 */
#undef _FORTIFY_SOURCE	/* we define functions the fortified headers wrap */
#include "fsparts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "rawsys.h"
#include "refuse.h"
#include "resolve.h"
#include "rules.h"
#include "shim.h"

/* ---- shared memory: /dev/shm names (rt/shm_open.c, sem_open.c) ----------- */

/* "/dev/shm/" + prefix + name without its leading slashes, or -1 when
 * glibc would refuse the name itself (it then answers EINVAL). */
static int
shm_path(const char *name, const char *prefix, char *out, size_t outsz)
{
	size_t n, pl = strlen(prefix);

	if (!name)
		return -1;
	while (*name == '/')
		name++;
	n = strlen(name);
	if (n == 0 || strchr(name, '/') || 9 + pl + n + 1 > outsz)
		return -1;
	memcpy(out, "/dev/shm/", 9);
	memcpy(out + 9, prefix, pl);
	memcpy(out + 9 + pl, name, n + 1);
	return 0;
}

RP_EXPORT int
shm_open(const char *name, int oflag, mode_t mode)
{
	char p[300];
	int fd;

	rp_ensure_init();
	if (rp_in_shim || !rp_write_intent(oflag) || shm_path(name, "", p, sizeof(p)) != 0)
		return RP_REAL(shm_open)(name, oflag, mode);
	fd = rp_fs_open_checked("shm_open", AT_FDCWD, p, oflag | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 && errno == EISDIR)
		errno = EINVAL;		/* as glibc says for a directory */
	return fd;
}

RP_EXPORT int
shm_unlink(const char *name)
{
	char p[300];
	int r;

	rp_ensure_init();
	if (rp_in_shim || shm_path(name, "", p, sizeof(p)) != 0)
		return RP_REAL(shm_unlink)(name);
	r = rp_fs_unlinkat("shm_unlink", AT_FDCWD, p, 0);
	if (r < 0 && errno == EPERM)
		errno = EACCES;		/* rt/shm_unlink.c does the same */
	return r;
}

/* sem_open always maps its file read-write, created or not: decide on the
 * directory the semaphore file lives in, then let glibc do its temp file
 * and link dance there. */
RP_EXPORT sem_t *
sem_open(const char *name, int oflag, ...)
{
	mode_t mode = 0;
	unsigned int value = 0;
	char p[300];
	struct rp_at at;
	enum rp_go go;

	if (oflag & O_CREAT) {
		va_list ap;

		va_start(ap, oflag);
		mode = va_arg(ap, mode_t);
		value = va_arg(ap, unsigned int);
		va_end(ap);
	}
	rp_ensure_init();
	if (!rp_in_shim && shm_path(name, "sem.", p, sizeof(p)) == 0) {
		int w = rp_at_parent(&at, AT_FDCWD, p);

		if (w == RP_OUTSIDE) {
			/* glibc's answers for a name that is missing or taken
			 * (nptl/sem_open.c): the kernel's, not a denial */
			struct stat st;
			int there = !RP_RAW_ERR(rp_raw4(SYS_newfstatat, at.fd, at.leaf, &st, 0));

			if ((!there && !(oflag & O_CREAT)) ||
			    (there && (oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))) {
				rp_at_release(&at);
				errno = there ? EEXIST : ENOENT;
				return SEM_FAILED;
			}
		}
		go = rp_fs_go("sem_open", &at, w, NULL);
		rp_at_release(&at);
		if (go == GO_FAIL)
			return SEM_FAILED;
	}
	return RP_REAL(sem_open)(name, oflag, mode, value);
}

RP_EXPORT int
sem_unlink(const char *name)
{
	char p[300];

	rp_ensure_init();
	if (rp_in_shim || shm_path(name, "sem.", p, sizeof(p)) != 0)
		return RP_REAL(sem_unlink)(name);
	return rp_fs_unlinkat("sem_unlink", AT_FDCWD, p, 0);
}

/* ---- bind(AF_UNIX) ------------------------------------------------------------ */

/* Only a pathname AF_UNIX address creates a file (unix(7)); abstract names
 * (sun_path[0] == 0) and autobind do not.  The decision is on the socket
 * file's directory; bind itself keeps the caller's name (a copy), because
 * the bound name is visible to peers: a residual window on the directory
 * path, which the loader's Landlock MAKE_SOCK right closes (tools/loader/landlock.c). */
int
rp_fs_bind(const char *op, int fd, const struct sockaddr *addr, unsigned int len)
{
	struct sockaddr_un sun;
	struct rp_at at;
	size_t off = offsetof(struct sockaddr_un, sun_path), n;
	enum rp_go go;
	int w, k;

	rp_ensure_init();
	if (rp_in_shim || !addr || len <= off || len > sizeof(sun) ||
	    addr->sa_family != AF_UNIX)
		return RP_REAL(bind)(fd, addr, len);
	memcpy(&sun, addr, len);
	if (sun.sun_path[0] == '\0')
		return RP_REAL(bind)(fd, addr, len);
	{
		char p[sizeof(sun.sun_path) + 1];

		n = len - off;
		memcpy(p, sun.sun_path, n);
		p[n] = '\0';
		w = rp_at_parent(&at, AT_FDCWD, p);
	}
	if (w == RP_OUTSIDE && (k = rp_kerr_entry(&at, RP_K_BIND, 0)) > 0) {
		rp_at_release(&at);
		errno = k == EEXIST ? EADDRINUSE : k;	/* unix(7): an existing name */
		return -1;
	}
	go = rp_fs_go(op, &at, w, NULL);
	rp_at_release(&at);
	if (go == GO_FAIL)
		return -1;
	return RP_REAL(bind)(fd, (const struct sockaddr *)&sun, len);
}

RP_EXPORT int
bind(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	return rp_fs_bind("bind", fd, addr.__sockaddr__, len);
}

/* ---- posix_spawn_file_actions_addopen -------------------------------------- */

/* The open runs in the spawned child, where no wrapper runs (spawni.c):
 * decide in the parent at add time, against the parent's cwd now.
 * Returns an error number, as the posix_spawn functions do. */
/* The path the child will open.  A relative one was decided against the
 * parent's cwd now; the child resolves it after an earlier addchdir_np
 * action, or after the parent changed directory before spawning, and
 * could land elsewhere.  So it gets the absolute name that was decided
 * (glibc strdup()s it at add time: posix/spawn_faction_addopen.c). */
static const char *
spawn_path(struct rp_at *at, const char *path, char abs[RP_PATH_MAX])
{
	size_t n, plen;
	long r;

	if (!at->path[0])
		return path;
	if (at->path[0] == '/')
		return at->path;
	r = rp_raw2(SYS_getcwd, abs, RP_PATH_MAX);
	plen = strlen(at->path);
	if (RP_RAW_ERR(r) || abs[0] != '/')
		return at->path;
	n = strlen(abs);
	if (n + 1 + plen + 1 > RP_PATH_MAX)
		return at->path;
	abs[n] = '/';
	memcpy(abs + n + 1, at->path, plen + 1);
	return abs;
}

RP_EXPORT int
posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path,
				 int oflag, mode_t mode)
{
	char abs[RP_PATH_MAX];
	struct rp_at at;
	int w;

	rp_ensure_init();
	if (rp_in_shim || !rp_write_intent(oflag))
		return RP_REAL(posix_spawn_file_actions_addopen)(fa, fd, path, oflag, mode);
	w = rp_open_where(&at, AT_FDCWD, path, oflag);
	if (w == RP_INSIDE && __OPEN_NEEDS_MODE(oflag)) {
		struct rp_create c = { "posix_spawn_file_actions_addopen", 1, 0, rp_fs_excl_open(oflag) };

		if (!rp_perm_gate(&at, &c, &mode))
			return errno;
	}
	if (w == RP_OUTSIDE &&
	    rp_refuse("posix_spawn_file_actions_addopen", at.abs, NULL, NULL, -1, EACCES))
		return EACCES;
	/* RP_FAIL (e.g. no such directory yet): the child's open will answer */
	return RP_REAL(posix_spawn_file_actions_addopen)(fa, fd, spawn_path(&at, path, abs), oflag,
							  mode);
}
