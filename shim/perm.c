/* perm.c - permission rules: chmod family and creation modes.
 *
 * Permissions may not be loosened (issue "Permissions"): no S_ISUID or
 * S_ISGID bit anywhere, no exec bit on files beneath a writable dir unless
 * it is beneath an ExecWritablePath (W^X: whatever the app can write it
 * must not be able to run), and no mode change at all outside the writable
 * dirs.  A setid denial answers EPERM, as chmod(2) itself does for bits the
 * caller may not set and as the loader's seccomp filter does (research
 * notes, E12); the other rules answer EACCES like every file denial.
 *
 * chmod on a path acts on the O_PATH fd the decision returned, through
 * /proc/self/fd/N: glibc's own fchmodat(AT_SYMLINK_NOFOLLOW) uses the same
 * route (sysdeps/unix/sysv/linux/fchmodat.c), and fchmod(2) refuses O_PATH
 * fds (EBADF, research notes E31).
 */
#undef _FORTIFY_SOURCE	/* we define the functions the fortified headers wrap */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "resolve.h"
#include "shim.h"

const char *
rp_perm_rule(mode_t mode, int is_file, int exec_ok)
{
	if (mode & (S_ISUID | S_ISGID))
		return "setid";
	if (is_file && (mode & (S_IXUSR | S_IXGRP | S_IXOTH)) && !exec_ok)
		return "wx-mode";
	return NULL;
}

static int
rule_errno(const char *rule)
{
	return rule[0] == 's' ? EPERM : EACCES;
}

/* Creation modes.  A setid bit is denied.  Exec bits of a new regular
 * file are cleared instead of denied: open(2) callers routinely ask for
 * 0777 and let the umask decide (Python's os.open default, many archive
 * and copy tools), and the file they get is exactly what W^X wants, a
 * non-executable one.  Making it executable later takes a chmod, which is
 * denied (rule wx-mode). */
int
rp_perm_gate(const struct rp_at *at, void *ctx, mode_t *mode)
{
	const struct rp_create *c = ctx;
	int x = c->is_file && (*mode & (S_IXUSR | S_IXGRP | S_IXOTH)) && rp_at_exec_ok(at);
	const char *rule = rp_perm_rule(*mode, c->is_file, x);

	if (!rule)
		return 1;
	if (rule[0] == 'w') {
		*mode &= ~(mode_t)(S_IXUSR | S_IXGRP | S_IXOTH);
		return 1;
	}
	return !rp_refuse(c->op, at->abs, NULL, rule, (long)(*mode & 07777), rule_errno(rule));
}

/* Decide a mode change of an object already located: 1 to act. */
static int
allowed_change(const char *op, struct rp_at *at, int where, mode_t mode)
{
	const char *rule;

	if (where == RP_FAIL) {
		errno = at->err;
		return 0;
	}
	if (where == RP_NOTFILE)
		return 1;
	if (where == RP_OUTSIDE)
		return -!rp_refuse(op, at->abs, NULL, NULL, (long)(mode & 07777), EACCES);
	/* the exec-bit rule asks the kernel where the object really is only
	 * when the spelling alone would let the bits through */
	rule = rp_perm_rule(mode, !S_ISDIR(at->st_mode),
			    (mode & (S_IXUSR | S_IXGRP | S_IXOTH)) && rp_at_exec_ok(at));
	if (rule && rp_refuse(op, at->abs, NULL, rule, (long)(mode & 07777), rule_errno(rule)))
		return 0;
	return 1;
}

int
rp_perm_fchmodat(const char *op, int dirfd, const char *path, mode_t mode, int flags)
{
	struct rp_at at;
	char l[32];
	int w, go, r;

	rp_ensure_init();
	if (rp_in_shim || (flags & ~AT_SYMLINK_NOFOLLOW))
		return RP_REAL(fchmodat)(dirfd, path, mode, flags);	/* EINVAL */
	w = rp_at_object(&at, dirfd, path, flags & AT_SYMLINK_NOFOLLOW);
	if (w == RP_INSIDE && S_ISLNK(at.st_mode)) {
		/* Linux has no symlink modes; glibc answers so too, and
		 * tools such as tar expect exactly this */
		rp_at_release(&at);
		errno = EOPNOTSUPP;
		return -1;
	}
	go = allowed_change(op, &at, w, mode);
	if (go <= 0) {
		rp_at_release(&at);
		/* audit mode (-1): the real call, on the copied path */
		return go < 0 ? RP_REAL(fchmodat)(dirfd, at.path, mode, flags) : -1;
	}
	r = RP_REAL(chmod)(rp_fd_path(l, at.fd), mode);
	rp_at_release(&at);
	return r;
}

int
rp_perm_fchmod(const char *op, int fd, mode_t mode)
{
	struct rp_at at;
	int go;

	rp_ensure_init();
	if (rp_in_shim)
		return RP_REAL(fchmod)(fd, mode);
	go = allowed_change(op, &at, rp_at_fd(&at, fd), mode);
	if (go == 0)
		return -1;
	return RP_REAL(fchmod)(fd, mode);
}

RP_EXPORT int
chmod(const char *path, mode_t mode)
{
	return rp_perm_fchmodat("chmod", AT_FDCWD, path, mode, 0);
}

RP_EXPORT int
lchmod(const char *path, mode_t mode)
{
	return rp_perm_fchmodat("lchmod", AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW);
}

RP_EXPORT int
fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	return rp_perm_fchmodat("fchmodat", dirfd, path, mode, flags);
}

RP_EXPORT int
fchmod(int fd, mode_t mode)
{
	return rp_perm_fchmod("fchmod", fd, mode);
}
