/* perm.c - permission rules: chmod family and creation modes.
 *
 * Permissions may not be loosened (issue "Permissions"): no S_ISUID or
 * S_ISGID bit anywhere, no exec bit on files beneath a writable dir unless
 * it is beneath an ExecWritablePath (W^X: whatever the app can write it
 * must not be able to run), and no mode change at all outside the writable
 * dirs.  A setid denial answers EPERM, as chmod(2) itself does for bits the
 * caller may not set and as the loader's seccomp filter does
 * (tools/loader/seccomp.c); the other rules answer EACCES like every file
 * denial.
 *
 * chmod on a path acts on the O_PATH fd the decision returned, through
 * /proc/self/fd/N: glibc's own fchmodat(AT_SYMLINK_NOFOLLOW) uses the same
 * route (sysdeps/unix/sysv/linux/fchmodat.c), and fchmod(2) refuses O_PATH
 * fds (EBADF: fs/open.c, fchmod uses fdget, not fdget_raw).
 */
#undef _FORTIFY_SOURCE	/* we define the functions the fortified headers wrap */
#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "moderule.h"
#include "rawsys.h"
#include "refuse.h"
#include "rules.h"
#include "shim.h"

/* Does the entry a creation names exist already?  1 yes, 0 no or unknown.
 * at->fd is the object itself (leaf ""), or the directory of at->leaf. */
static int
entry_exists(const struct rp_at *at, int nofollow)
{
	struct stat st;

	if (at->fd < 0)
		return 0;
	if (!at->leaf[0])
		return 1;
	return !RP_RAW_ERR(rp_raw4(SYS_newfstatat, at->fd, at->leaf, &st,
				   nofollow ? AT_SYMLINK_NOFOLLOW : 0));
}

/* Creation modes.  Exec bits of a new regular file are cleared, as a
 * chmod's are (rp_perm_fchmodat): open(2) callers routinely ask for 0777
 * and let the umask decide (Python's os.open default, many archive and
 * copy tools), and the file they get is exactly what W^X wants, a
 * non-executable one.  The creation is silent (no event), like a umask;
 * the chmod that asks for the bits afterwards is logged.
 *
 * A setid bit in the mode of a new file is denied (EPERM), unless the
 * entry exists: then the kernel answers (EEXIST for mknod and O_EXCL) or
 * ignores the mode (open of an existing file).  mkdir's mode may hold
 * them: the kernel keeps only the permission and sticky bits of it
 * (fs/namei.c vfs_mkdir, S_IRWXUGO | S_ISVTX), the group bit comes from
 * the parent directory alone. */
int
rp_perm_gate(const struct rp_at *at, void *ctx, mode_t *mode)
{
	const struct rp_create *c = ctx;
	int x;
	const char *rule;

	if (c->is_dir)
		return 1;
	x = c->is_file && (*mode & RP_XBITS) && rp_at_exec_ok(at);
	rule = rp_mode_rule(*mode, 0, c->is_file, x);
	if (!rule)
		return 1;
	if (rule[0] == 'w') {
		*mode &= ~(mode_t)RP_XBITS;
		return 1;
	}
	if (entry_exists(at, c->excl)) {
		if (c->excl) {
			errno = EEXIST;
			return 0;
		}
		*mode &= ~(mode_t)(S_ISUID | S_ISGID);
		return 1;
	}
	return !rp_refuse(c->op, at->abs, NULL, rule, (long)(*mode & 07777), rp_rule_errno(rule));
}

/* A chmod beneath a writable dir asked for exec bits W^X forbids: it goes
 * on without them, and says so (decision "fixed", docs/events.md).  Copy
 * tools set the mode of every file they copy (shutil.copystat, cp -p,
 * install -m, tar -p, rsync -p); a failure would abort the whole copy,
 * while the file they get is the same non-executable one a creation gives. */
static void
exec_bits_cleared(const char *op, const struct rp_at *at, mode_t mode)
{
	rp_fixed_exec_bits(op, at->abs[0] ? at->abs : NULL, (long)(mode & 07777),
			   "exec bits cleared");
}

/* Decide a mode change of an object already located: 1 to act (with
 * *modep, possibly lowered), 0 to fail (errno set), -1 to run the real
 * call (audit mode). */
static int
allowed_change(const char *op, struct rp_at *at, int where, mode_t *modep)
{
	const char *rule;
	mode_t mode = *modep;
	int dir;

	if (where == RP_FAIL) {
		errno = at->err;
		return 0;
	}
	if (where == RP_NOTFILE)
		return 1;
	if (where == RP_OUTSIDE) {
		struct rp_kattr k = { .op = RP_K_CHMOD, .is_fd = at->own == 0 };
		int e = rp_kerr_attr(at, &k);

		if (e > 0) {
			errno = e;	/* the kernel would refuse it anyway */
			return 0;
		}
		return -!rp_refuse(op, at->abs, NULL, NULL, (long)(mode & 07777), EACCES);
	}
	/* the exec-bit rule asks the kernel where the object really is only
	 * when the spelling alone would let the bits through */
	dir = S_ISDIR(at->st_mode);
	rule = rp_mode_rule(mode, dir, !dir, (mode & RP_XBITS) && rp_at_exec_ok(at));
	if (rule && rule[0] == 'w') {
		*modep = mode & ~(mode_t)RP_XBITS;
		exec_bits_cleared(op, at, mode);
		return 1;
	}
	if (rule && rp_refuse(op, at->abs, NULL, rule, (long)(mode & 07777), rp_rule_errno(rule)))
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
	go = allowed_change(op, &at, w, &mode);
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
	go = allowed_change(op, &at, rp_at_fd(&at, fd), &mode);
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
