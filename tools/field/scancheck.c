/* scancheck.c - `rampart scan`: the checks, on the files the policy names
 * and on every entry of the walk (scan.h).
 */
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "denymatch.h"
#include "moderule.h"
#include "rampart.h"
#include "strbuf.h"

/* ---- checks on named files --------------------------------------------------- */

/* The policy's writable dirs must exist in the image as real directories,
 * reached without symlinks (a symlink there can be re-pointed). */
void
rp_scan_check_writable_dirs(struct scan *s)
{
	int i;

	for (i = 0; i < s->p->n_writable; i++) {
		const struct rp_dir *d = &s->p->writable[i];
		struct open_how how = {
			.flags = O_PATH | O_CLOEXEC,
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS,
		};
		const char *rel = d->path + 1;
		struct stat st;
		int fd = (int)syscall(SYS_openat2, s->rootfd, *rel ? rel : ".", &how, sizeof(how));

		if (fd < 0 && errno == ELOOP) {
			rp_scan_finding(s, SEV_MEDIUM, "writable-path", d->path,
				"reached through a symbolic link in the image (%s:%d)",
				s->o.policy_path, d->loc.line);
			continue;
		}
		if (fd < 0) {
			if (errno == ENOENT && d->optional)
				rp_scan_finding(s, SEV_INFO, "writable-path", d->path,
					"OptionalWritablePath is missing in the image");
			else
				rp_scan_finding(s, SEV_HIGH, "writable-path", d->path,
					"WritablePath is missing in the image: %s", strerror(errno));
			continue;
		}
		if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
			rp_scan_finding(s, SEV_HIGH, "writable-path", d->path,
				"WritablePath is not a directory in the image");
		else if (s->user.known && !rp_scan_user_can_write(s, &st))
			rp_scan_finding(s, SEV_INFO, "writable-path", d->path,
				"not writable by the app user (owner %u, mode %04o)",
				(unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		close(fd);
	}
}

/* The shim and the policy decide everything: root must own them and their
 * directory, and the app must not be able to change or replace them. */
static int
check_protected(struct scan *s, const char *check, const char *abs)
{
	char dir[RP_PATH_MAX];
	struct stat st;
	char *slash;
	int fd = rp_scan_open_in_root(s, abs, O_PATH);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0) {
		if (st.st_uid != 0)
			rp_scan_finding(s, SEV_CRITICAL, check, abs, "not owned by root (owner %u)",
				(unsigned)st.st_uid);
		/* root-owned and not group/world writable: only an app user
		 * that is root itself could write it, reported by rp_scan_resolve_user() */
		if (st.st_mode & (S_IWGRP | S_IWOTH))
			rp_scan_finding(s, SEV_CRITICAL, check, abs, "group or world writable (mode %04o)",
				(unsigned)(st.st_mode & 07777));
	}
	close(fd);
	snprintf(dir, sizeof(dir), "%s", abs);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		fd = rp_scan_open_in_root(s, dir, O_PATH);
		if (fd >= 0 && fstat(fd, &st) == 0 &&
		    (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) || rp_scan_user_can_write(s, &st)))
			rp_scan_finding(s, SEV_CRITICAL, check, dir,
				"directory of %s can be changed by someone other than root (owner %u, mode %04o)",
				abs, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

void
rp_scan_check_named_files(struct scan *s)
{
	if (check_protected(s, "shim", "/usr/local/lib/rampart/librampart.so") < 0 &&
	    check_protected(s, "shim", "/usr/lib/rampart/librampart.so") < 0)
		rp_scan_finding(s, SEV_MEDIUM, "shim", "/usr/local/lib/rampart/librampart.so",
			"librampart.so is not installed in the image (nor in /usr/lib/rampart)");
	if (check_protected(s, "policy", s->o.policy_path) < 0)
		rp_scan_finding(s, SEV_HIGH, "policy", s->o.policy_path, "missing in the image");
	if (strcmp(s->o.policy_path, RP_POLICY_DEFAULT_PATH) != 0)
		check_protected(s, "policy", RP_POLICY_DEFAULT_PATH);
}

/* ---- per-entry checks ------------------------------------------------------------ */

static int
is_sensitive(const struct scan *s, const char *abs)
{
	int i;

	for (i = 0; i < s->o.n_sensitive; i++)
		if (strcmp(s->o.sensitive[i], abs) == 0)
			return 1;
	return 0;
}

/* Everything we check about one entry, from its lstat alone. */
void
rp_scan_check_entry(struct scan *s, const char *abs, const char *base, const struct stat *st)
{
	unsigned mode = st->st_mode & 07777;
	mode_t setid;
	const char *pat;
	int flagged = 0;

	if (S_ISREG(st->st_mode) || S_ISLNK(st->st_mode)) {
		pat = rp_deny_exec_pattern(s->p, abs, base);	/* denymatch.h */
		if (pat && rp_mode_exec_file(st->st_mode))
			rp_scan_finding(s, SEV_HIGH, "deny-exec", abs,
				"program matches DenyExec '%s': remove it from the image", pat);
		else if (pat)
			rp_scan_finding(s, SEV_MEDIUM, "deny-exec", abs, "%s matches DenyExec '%s'",
				S_ISLNK(st->st_mode) ? "symbolic link" : "non-executable file", pat);
	}
	if (S_ISLNK(st->st_mode))
		return;	/* a link's own mode bits mean nothing */
	setid = rp_mode_setid_exec(st->st_mode);	/* what an exec honours */
	if (setid & S_ISUID) {
		rp_scan_finding(s, st->st_uid == 0 ? SEV_HIGH : SEV_MEDIUM, "setuid", abs,
			"setuid (owner %u, mode %04o)", (unsigned)st->st_uid, mode);
		flagged = 1;
	}
	if (setid & S_ISGID) {
		rp_scan_finding(s, SEV_MEDIUM, "setgid", abs, "setgid (group %u, mode %04o)",
			(unsigned)st->st_gid, mode);
		flagged = 1;
	}
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		rp_scan_finding(s, SEV_MEDIUM, "device", abs, "%s device %u:%u in the image",
			S_ISCHR(st->st_mode) ? "character" : "block",
			major(st->st_rdev), minor(st->st_rdev));
		return;
	}
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return;	/* fifos and sockets: never opened, nothing to run */
	if (mode & S_IWOTH) {
		if (S_ISDIR(st->st_mode) && (mode & S_ISVTX))
			rp_scan_finding(s, SEV_LOW, "world-writable", abs,
				"world-writable directory with the sticky bit (mode %04o)", mode);
		else
			rp_scan_finding(s, SEV_HIGH, "world-writable", abs, "world-writable %s (mode %04o)",
				S_ISDIR(st->st_mode) ? "directory without the sticky bit" : "file",
				mode);
		flagged = 1;
	} else if (s->user.known && s->user.uid != 0 && rp_scan_user_can_write(s, st) &&
		   rp_policy_writable_index(s->p, abs, strlen(abs)) < 0) {
		rp_scan_finding(s, SEV_HIGH, "user-writable", abs,
			"writable by the app user (uid %u) outside WritablePath (owner %u, mode %04o)",
			(unsigned)s->user.uid, (unsigned)st->st_uid, mode);
		flagged = 1;
	}
	if (S_ISDIR(st->st_mode) && is_sensitive(s, abs)) {
		if (mode & 0077)
			rp_scan_finding(s, SEV_MEDIUM, "sensitive-dir", abs,
				"sensitive directory has mode %04o, expected at most 0700", mode);
		return;
	}
	if (flagged)
		return;
	if (S_ISDIR(st->st_mode) && (mode & 0777 & ~s->o.dir_mode))
		rp_scan_finding(s, SEV_LOW, "dir-mode", abs, "directory mode %04o, expected at most %04o",
			mode, s->o.dir_mode);
	else if (S_ISREG(st->st_mode)) {
		unsigned allowed = s->o.file_mode | ((mode & RP_XBITS) ? RP_XBITS : 0);

		if (mode & 0777 & ~allowed)
			rp_scan_finding(s, SEV_LOW, "file-mode", abs, "file mode %04o, expected at most %04o",
				mode, allowed & 0777);
	}
}
