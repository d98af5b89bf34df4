/* scan.c - `rampart scan`: audit an image's root file system tree against
 * its policy and the hardening checklist (docs/tools.md).
 *
 *   rampart scan [--policy FILE] [--json] [--min-severity S] [--dir-mode M]
 *                [--file-mode M] [--sensitive DIR]... [--cross-mounts] ROOT
 *
 * The walk never follows a symbolic link and never leaves ROOT: every
 * directory is opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)
 * relative to one O_PATH descriptor of ROOT (openat2(2)), so a link that
 * points at "/" or "../.." is reported, not entered.  The walk is iterative
 * (an explicit stack of relative paths), holds one directory descriptor at a
 * time, and remembers every directory's (st_dev, st_ino), so bind-mount
 * loops and trees of any depth or size cannot exhaust the C stack or fds.
 *
 * Files the policy names (passwd, the policy, the shim) are read the way the
 * image sees them: RESOLVE_IN_ROOT makes absolute symlinks inside the image
 * resolve within ROOT instead of on the host.
 *
 * Findings are printed as they are found (a table, or one JSON document
 * with --json), so memory stays flat on trees of millions of entries.
 */
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
#include "rampart.h"
#include "strbuf.h"

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL, SEV_COUNT };
static const char *const sev_names[SEV_COUNT] = {
	"info", "low", "medium", "high", "critical",
};

#define MAX_SENSITIVE 32
#define MAX_GROUPS 64

struct scan_opts {
	const char *root;
	const char *policy_path;	/* inside ROOT */
	int json;
	enum severity min_sev;
	unsigned dir_mode, file_mode;
	const char *sensitive[MAX_SENSITIVE];
	int n_sensitive;
	int cross_mounts;
};

/* The application user, resolved from ROOT/etc/passwd and ROOT/etc/group. */
struct app_user {
	int known;		/* uid/gid valid */
	uid_t uid;
	gid_t gids[MAX_GROUPS];	/* [0] = primary */
	int ngids;
};

struct scan {
	struct scan_opts o;
	const struct rp_policy *p;
	int rootfd;		/* O_PATH of ROOT */
	dev_t rootdev;
	struct app_user user;
	unsigned long count[SEV_COUNT];
	unsigned long files, dirs, nfindings;
};

static struct rp_policy policy;

/* ---- output --------------------------------------------------------------- */

/* Write `s` escaped as the body of a JSON string: paths come from the image
 * and may hold quotes, control or non-UTF-8 bytes.  The table uses the same
 * escaping so a file name cannot forge lines on a terminal. */
static void
put_escaped(const char *s)
{
	char out[3 * 4096 + 64];
	struct rp_buf b;
	int cut = 0;

	rp_buf_init(&b, out, sizeof(out));
	rp_buf_json(&b, s, 4096, &cut);
	fputs(out, stdout);
	if (cut || b.truncated)
		fputs("...", stdout);
}

static void finding(struct scan *s, enum severity sev, const char *check, const char *path,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The CIS Docker Benchmark v1.6.0 item a check serves, or NULL
 * (docs/compliance.md): 4.1 a user for the container, 4.8 setuid and
 * setgid permissions removed, 5.13 root filesystem read only. */
static const char *
cis_item(const char *check)
{
	static const struct { const char *check, *item; } map[] = {
		{ "user", "4.1" }, { "setuid", "4.8" }, { "setgid", "4.8" },
		{ "writable-path", "5.13" }, { "world-writable", "5.13" },
		{ "user-writable", "5.13" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].check, check) == 0)
			return map[i].item;
	return NULL;
}

static void
finding(struct scan *s, enum severity sev, const char *check, const char *path,
	const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	s->count[sev]++;
	if (s->o.json) {
		fputs(s->nfindings ? ",\n  {" : "\n  {", stdout);
		printf("\"severity\":\"%s\",\"check\":\"%s\",\"path\":\"", sev_names[sev], check);
		put_escaped(path);
		fputs("\",\"detail\":\"", stdout);
		put_escaped(detail);
		if (cis_item(check))
			printf("\",\"cis\":\"%s", cis_item(check));
		fputs("\"}", stdout);
	} else {
		if (!s->nfindings)
			printf("%-8s  %-16s  %s\n", "SEVERITY", "CHECK", "PATH: DETAIL");
		printf("%-8s  %-16s  ", sev_names[sev], check);
		put_escaped(path);
		fputs(": ", stdout);
		put_escaped(detail);
		if (cis_item(check))
			printf(" (CIS %s)", cis_item(check));
		fputc('\n', stdout);
	}
	s->nfindings++;
}

/* ---- reading files of the image --------------------------------------------- */

/* Open `abs` (an absolute path inside the image) as the image would: every
 * symlink, ".." and absolute target stays inside ROOT. */
static int
open_in_root(const struct scan *s, const char *abs, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	while (*abs == '/')
		abs++;
	return (int)syscall(SYS_openat2, s->rootfd, *abs ? abs : ".", &how, sizeof(how));
}

/* Read a small text file of the image into a malloc'd string (NULL if it
 * cannot be read).  At most 4 MiB: /etc/passwd is never larger. */
static char *
slurp_in_root(const struct scan *s, const char *abs)
{
	size_t cap = 4 << 20, len = 0;
	char *buf;
	ssize_t n;
	int fd = open_in_root(s, abs, O_RDONLY | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !(buf = malloc(cap + 1))) {
		close(fd);
		return NULL;
	}
	while (len < cap && (n = read(fd, buf + len, cap - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Split a colon-separated line into at most `max` fields in place. */
static int
split_colon(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	for (; *line && n < max; line++)
		if (*line == ':') {
			*line = '\0';
			f[n++] = line + 1;
		}
	return n;
}

static int
parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return (errno || *end || *out > 0xfffffffeUL) ? -1 : 0;
}

/* Is `name` in the comma list `members`? */
static int
in_list(const char *members, const char *name)
{
	size_t n = strlen(name);

	while (*members) {
		const char *e = strchr(members, ',');
		size_t l = e ? (size_t)(e - members) : strlen(members);

		if (l == n && memcmp(members, name, n) == 0)
			return 1;
		if (!e)
			break;
		members = e + 1;
	}
	return 0;
}

/* Resolve the policy's User (and Group) from the image's own account files,
 * never the host's: uids differ between an image and the machine scanning
 * it. */
static void
resolve_user(struct scan *s)
{
	const char *want = s->p->user;
	char *pw, *line, *next, *gr, *f[7];
	const char *name = NULL;
	unsigned long id;
	int numeric;

	if (!want) {
		finding(s, SEV_MEDIUM, "user", s->o.policy_path,
			"the policy sets no User: the app keeps the container's user (often root)");
		return;
	}
	numeric = parse_id(want, &id) == 0;
	pw = slurp_in_root(s, "/etc/passwd");
	for (line = pw; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (split_colon(line, f, 7) < 4)
			continue;
		if (numeric ? (parse_id(f[2], &id) == 0 && strcmp(f[2], want) == 0)
			    : strcmp(f[0], want) == 0) {
			unsigned long uid, gid;

			if (parse_id(f[2], &uid) || parse_id(f[3], &gid))
				continue;
			s->user.known = 1;
			s->user.uid = (uid_t)uid;
			s->user.gids[0] = (gid_t)gid;
			s->user.ngids = 1;
			name = f[0];
			break;
		}
	}
	if (!s->user.known) {
		if (numeric) {
			/* a bare uid runs fine without an entry; its group is
			 * then the uid's number only by convention, so assume
			 * none beyond "other" */
			s->user.known = 1;
			s->user.uid = (uid_t)strtoul(want, NULL, 10);
			s->user.ngids = 0;
			finding(s, SEV_LOW, "user", "/etc/passwd",
				"User %s has no entry in the image's /etc/passwd", want);
		} else {
			finding(s, SEV_HIGH, "user", "/etc/passwd",
				"User '%s' does not exist in the image's /etc/passwd: the loader cannot switch to it",
				want);
		}
		free(pw);
		return;
	}
	if (s->user.uid == 0)
		finding(s, SEV_HIGH, "user", "/etc/passwd",
			"User '%s' is uid 0: every file is writable by the app", want);
	gr = slurp_in_root(s, "/etc/group");
	for (line = gr; line && *line && name; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (split_colon(line, f, 4) < 4 || parse_id(f[2], &id) != 0)
			continue;
		if (in_list(f[3], name) && s->user.ngids < MAX_GROUPS)
			s->user.gids[s->user.ngids++] = (gid_t)id;
	}
	free(gr);
	free(pw);
}

/* Could the app user modify an entry with this owner and mode (DAC only)? */
static int
user_can_write(const struct scan *s, const struct stat *st)
{
	int i;

	if (!s->user.known)
		return 0;
	if (s->user.uid == 0 || st->st_uid == s->user.uid)
		return s->user.uid == 0 || (st->st_mode & S_IWUSR);
	for (i = 0; i < s->user.ngids; i++)
		if (st->st_gid == s->user.gids[i])
			return (st->st_mode & S_IWGRP) != 0;
	return (st->st_mode & S_IWOTH) != 0;
}

/* ---- checks on named files --------------------------------------------------- */

/* The policy's writable dirs must exist in the image as real directories,
 * reached without symlinks (a symlink there can be re-pointed). */
static void
check_writable_dirs(struct scan *s)
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
			finding(s, SEV_MEDIUM, "writable-path", d->path,
				"reached through a symbolic link in the image (%s:%d)",
				s->o.policy_path, d->loc.line);
			continue;
		}
		if (fd < 0) {
			if (errno == ENOENT && d->optional)
				finding(s, SEV_INFO, "writable-path", d->path,
					"OptionalWritablePath is missing in the image");
			else
				finding(s, SEV_HIGH, "writable-path", d->path,
					"WritablePath is missing in the image: %s", strerror(errno));
			continue;
		}
		if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
			finding(s, SEV_HIGH, "writable-path", d->path,
				"WritablePath is not a directory in the image");
		else if (s->user.known && !user_can_write(s, &st))
			finding(s, SEV_INFO, "writable-path", d->path,
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
	int fd = open_in_root(s, abs, O_PATH);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0) {
		if (st.st_uid != 0)
			finding(s, SEV_CRITICAL, check, abs, "not owned by root (owner %u)",
				(unsigned)st.st_uid);
		/* root-owned and not group/world writable: only an app user
		 * that is root itself could write it, reported by resolve_user() */
		if (st.st_mode & (S_IWGRP | S_IWOTH))
			finding(s, SEV_CRITICAL, check, abs, "group or world writable (mode %04o)",
				(unsigned)(st.st_mode & 07777));
	}
	close(fd);
	snprintf(dir, sizeof(dir), "%s", abs);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		fd = open_in_root(s, dir, O_PATH);
		if (fd >= 0 && fstat(fd, &st) == 0 &&
		    (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) || user_can_write(s, &st)))
			finding(s, SEV_CRITICAL, check, dir,
				"directory of %s can be changed by someone other than root (owner %u, mode %04o)",
				abs, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

static void
check_named_files(struct scan *s)
{
	if (check_protected(s, "shim", "/usr/local/lib/rampart/librampart.so") < 0 &&
	    check_protected(s, "shim", "/usr/lib/rampart/librampart.so") < 0)
		finding(s, SEV_MEDIUM, "shim", "/usr/local/lib/rampart/librampart.so",
			"librampart.so is not installed in the image (nor in /usr/lib/rampart)");
	if (check_protected(s, "policy", s->o.policy_path) < 0)
		finding(s, SEV_HIGH, "policy", s->o.policy_path, "missing in the image");
	if (strcmp(s->o.policy_path, RP_POLICY_DEFAULT_PATH) != 0)
		check_protected(s, "policy", RP_POLICY_DEFAULT_PATH);
}

/* ---- per-entry checks ------------------------------------------------------------ */

/* The pattern that denies this file (denymatch.h: the rule every layer
 * applies), or NULL. */
static const char *
deny_exec_match(const struct rp_policy *p, const char *abs, const char *base)
{
	int i = rp_deny_exec_match(p, NULL, abs, base);

	return i >= 0 ? p->deny_exec[i].text : NULL;
}

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
static void
check_entry(struct scan *s, const char *abs, const char *base, const struct stat *st)
{
	unsigned mode = st->st_mode & 07777;
	const char *pat;
	int flagged = 0;

	if (S_ISREG(st->st_mode) || S_ISLNK(st->st_mode)) {
		pat = deny_exec_match(s->p, abs, base);
		if (pat && S_ISREG(st->st_mode) && (mode & 0111))
			finding(s, SEV_HIGH, "deny-exec", abs,
				"program matches DenyExec '%s': remove it from the image", pat);
		else if (pat)
			finding(s, SEV_MEDIUM, "deny-exec", abs, "%s matches DenyExec '%s'",
				S_ISLNK(st->st_mode) ? "symbolic link" : "non-executable file", pat);
	}
	if (S_ISLNK(st->st_mode))
		return;	/* a link's own mode bits mean nothing */
	if (S_ISREG(st->st_mode) && (mode & S_ISUID)) {
		finding(s, st->st_uid == 0 ? SEV_HIGH : SEV_MEDIUM, "setuid", abs,
			"setuid (owner %u, mode %04o)", (unsigned)st->st_uid, mode);
		flagged = 1;
	}
	if (S_ISREG(st->st_mode) && (mode & S_ISGID) && (mode & S_IXGRP)) {
		finding(s, SEV_MEDIUM, "setgid", abs, "setgid (group %u, mode %04o)",
			(unsigned)st->st_gid, mode);
		flagged = 1;
	}
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		finding(s, SEV_MEDIUM, "device", abs, "%s device %u:%u in the image",
			S_ISCHR(st->st_mode) ? "character" : "block",
			major(st->st_rdev), minor(st->st_rdev));
		return;
	}
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return;	/* fifos and sockets: never opened, nothing to run */
	if (mode & S_IWOTH) {
		if (S_ISDIR(st->st_mode) && (mode & S_ISVTX))
			finding(s, SEV_LOW, "world-writable", abs,
				"world-writable directory with the sticky bit (mode %04o)", mode);
		else
			finding(s, SEV_HIGH, "world-writable", abs, "world-writable %s (mode %04o)",
				S_ISDIR(st->st_mode) ? "directory without the sticky bit" : "file",
				mode);
		flagged = 1;
	} else if (s->user.known && s->user.uid != 0 && user_can_write(s, st) &&
		   rp_policy_writable_index(s->p, abs, strlen(abs)) < 0) {
		finding(s, SEV_HIGH, "user-writable", abs,
			"writable by the app user (uid %u) outside WritablePath (owner %u, mode %04o)",
			(unsigned)s->user.uid, (unsigned)st->st_uid, mode);
		flagged = 1;
	}
	if (S_ISDIR(st->st_mode) && is_sensitive(s, abs)) {
		if (mode & 0077)
			finding(s, SEV_MEDIUM, "sensitive-dir", abs,
				"sensitive directory has mode %04o, expected at most 0700", mode);
		return;
	}
	if (flagged)
		return;
	if (S_ISDIR(st->st_mode) && (mode & 0777 & ~s->o.dir_mode))
		finding(s, SEV_LOW, "dir-mode", abs, "directory mode %04o, expected at most %04o",
			mode, s->o.dir_mode);
	else if (S_ISREG(st->st_mode)) {
		unsigned allowed = s->o.file_mode | ((mode & 0111) ? 0111 : 0);

		if (mode & 0777 & ~allowed)
			finding(s, SEV_LOW, "file-mode", abs, "file mode %04o, expected at most %04o",
				mode, allowed & 0777);
	}
}

/* ---- the walk ----------------------------------------------------------------------- */

/* Directories already entered, by (dev, ino): a bind mount of an ancestor
 * would otherwise be walked forever.  Open addressing, grown at 1/2 load. */
struct seen {
	struct { dev_t dev; ino_t ino; int used; } *t;
	size_t cap, n;
};

static unsigned long
seen_hash(dev_t dev, ino_t ino)
{
	unsigned long h = (unsigned long)ino * 0x9E3779B97F4A7C15UL;

	return h ^ ((unsigned long)dev * 0xC2B2AE3D27D4EB4FUL);
}

/* 1 if newly added, 0 if already present, -1 on allocation failure. */
static int
seen_add(struct seen *s, dev_t dev, ino_t ino)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct seen bigger = { NULL, s->cap ? 2 * s->cap : 1024, 0 };

		bigger.t = calloc(bigger.cap, sizeof(*bigger.t));
		if (!bigger.t)
			return -1;
		for (i = 0; i < s->cap; i++)
			if (s->t[i].used)
				seen_add(&bigger, s->t[i].dev, s->t[i].ino);
		free(s->t);
		*s = bigger;
	}
	for (i = seen_hash(dev, ino) & (s->cap - 1); s->t[i].used; i = (i + 1) & (s->cap - 1))
		if (s->t[i].dev == dev && s->t[i].ino == ino)
			return 0;
	s->t[i].used = 1;
	s->t[i].dev = dev;
	s->t[i].ino = ino;
	s->n++;
	return 1;
}

/* Pending directories: absolute paths inside the image ("/" = ROOT). */
struct stack {
	char **v;
	size_t n, cap;
};

static int
push(struct stack *st, const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p;

	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 256;
		char **v = realloc(st->v, cap * sizeof(*v));

		if (!v)
			return -1;
		st->v = v;
		st->cap = cap;
	}
	p = malloc(dl + nl + 2);
	if (!p)
		return -1;
	memcpy(p, dir, dl);
	if (dl > 1)
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	st->v[st->n++] = p;
	return 0;
}

static int
walk(struct scan *s)
{
	struct stack st = { 0 };
	struct seen seen = { 0 };
	struct stat rst;
	int rc = 0;

	if (fstat(s->rootfd, &rst) != 0 || seen_add(&seen, rst.st_dev, rst.st_ino) < 0 ||
	    push(&st, "/", "")) {
		free(st.v);
		free(seen.t);
		return -1;
	}
	st.v[0][1] = '\0';
	check_entry(s, "/", "", &rst);
	while (st.n) {
		char *dir = st.v[--st.n];
		struct open_how how = {
			.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
		};
		int fd = (int)syscall(SYS_openat2, s->rootfd, dir[1] ? dir + 1 : ".", &how,
				      sizeof(how));
		struct dirent *de;
		DIR *d;

		if (fd < 0 || !(d = fdopendir(fd))) {
			finding(s, SEV_INFO, "unreadable", dir, "directory not scanned: %s",
				strerror(errno));
			if (fd >= 0)
				close(fd);
			free(dir);
			continue;
		}
		s->dirs++;
		while ((errno = 0, de = readdir(d))) {
			char abs[RP_PATH_MAX];
			struct stat est;

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if (snprintf(abs, sizeof(abs), "%s%s%s", dir, dir[1] ? "/" : "",
				     de->d_name) >= (int)sizeof(abs)) {
				finding(s, SEV_INFO, "unreadable", dir,
					"entry with a path longer than %d bytes not scanned",
					RP_PATH_MAX);
				continue;
			}
			if (fstatat(fd, de->d_name, &est, AT_SYMLINK_NOFOLLOW) != 0) {
				finding(s, SEV_INFO, "unreadable", abs, "cannot stat: %s",
					strerror(errno));
				continue;
			}
			s->files++;
			check_entry(s, abs, de->d_name, &est);
			if (!S_ISDIR(est.st_mode))
				continue;
			if (est.st_dev != s->rootdev && !s->o.cross_mounts) {
				finding(s, SEV_INFO, "mount-point", abs,
					"another file system is mounted here; not scanned (--cross-mounts)");
				continue;
			}
			switch (seen_add(&seen, est.st_dev, est.st_ino)) {
			case 0:
				finding(s, SEV_INFO, "loop", abs,
					"directory already scanned (bind mount loop); not entered");
				continue;
			case -1:
				rc = -1;
				continue;
			}
			if (push(&st, dir, de->d_name))
				rc = -1;
		}
		if (errno)
			finding(s, SEV_INFO, "unreadable", dir, "listing stopped: %s",
				strerror(errno));
		closedir(d);
		free(dir);
	}
	free(st.v);
	free(seen.t);
	return rc;
}

/* ---- the policy, read as the image sees it ------------------------------------- */

/* The parser checks that each WritablePath exists, and its paths are the
 * image's, so the policy is parsed in a child that first chroot(2)s into
 * ROOT (in a new user namespace when not privileged).  The child sends
 * the parsed struct back through a pipe: it holds no pointer outside
 * itself except the file names of locations, which we do not use, and the
 * parent receives it at the same static address, so its string pointers
 * into policy.pool stay valid. */
static int
load_policy_in_root(const char *root, int rootfd, const char *path)
{
	struct stat a, b;
	int pfd[2], status;
	size_t got = 0;
	pid_t pid;
	ssize_t n;

	if (stat("/", &a) == 0 && fstat(rootfd, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		return rp_load_policy_verbose(&policy, path);
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return 1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		int errors;

		close(pfd[0]);
		if (chroot(root) != 0 &&
		    (errno != EPERM || unshare(CLONE_NEWUSER) != 0 || chroot(root) != 0)) {
			fprintf(stderr, "rampart: scan: cannot chroot to %s to read its policy: %s "
				"(run scan as root, or where unprivileged user namespaces are "
				"allowed)\n", root, strerror(errno));
			_exit(1);
		}
		if (chdir("/") != 0)
			_exit(1);
		errors = rp_load_policy_verbose(&policy, path);
		fflush(stderr);
		if (errors)
			_exit(1);
		for (got = 0; got < sizeof(policy); got += (size_t)n) {
			n = write(pfd[1], (char *)&policy + got, sizeof(policy) - got);
			if (n <= 0)
				_exit(1);
		}
		_exit(0);
	}
	close(pfd[1]);
	while (got < sizeof(policy) &&
	       (n = read(pfd[0], (char *)&policy + got, sizeof(policy) - got)) > 0)
		got += (size_t)n;
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0 && got == sizeof(policy));
}

/* ---- command line ------------------------------------------------------------------ */

static void
usage(FILE *f)
{
	fputs("usage: rampart scan [--policy FILE] [--json] [--min-severity S]\n"
	      "                    [--dir-mode MODE] [--file-mode MODE] [--sensitive DIR]...\n"
	      "                    [--cross-mounts] ROOT\n"
	      "Audits the image tree ROOT against its policy (FILE is a path inside ROOT,\n"
	      "default " RP_POLICY_DEFAULT_PATH ") and the hardening checklist.\n"
	      "  --min-severity S  exit 1 if a finding of severity S or worse exists\n"
	      "                    (info, low, medium, high, critical; default high)\n"
	      "  --dir-mode MODE   most permissive directory mode (default 0755)\n"
	      "  --file-mode MODE  most permissive file mode (default 0644; executables\n"
	      "                    may add the x bits)\n"
	      "  --sensitive DIR   directory that must be 0700 or tighter (default /root)\n"
	      "  --cross-mounts    also scan file systems mounted beneath ROOT\n"
	      "Exit status: 0 clean, 1 findings at or above S, 125 usage or policy error.\n", f);
}

static int
parse_severity(const char *v, enum severity *out)
{
	int i;

	for (i = 0; i < SEV_COUNT; i++)
		if (strcmp(v, sev_names[i]) == 0) {
			*out = (enum severity)i;
			return 0;
		}
	return -1;
}

static int
parse_mode(const char *v, unsigned *out)
{
	char *end;
	unsigned long m;

	errno = 0;
	m = strtoul(v, &end, 8);
	if (!*v || *end || errno || m > 0777)
		return -1;
	*out = (unsigned)m;
	return 0;
}

/* Fill `o` from argv; returns -1 after printing what is wrong. */
static int
parse_args(int argc, char **argv, struct scan_opts *o)
{
	int i;

	o->policy_path = RP_POLICY_DEFAULT_PATH;
	o->min_sev = SEV_HIGH;
	o->dir_mode = 0755;
	o->file_mode = 0644;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			exit(0);
		} else if (strcmp(a, "--json") == 0) {
			o->json = 1;
		} else if (strcmp(a, "--cross-mounts") == 0) {
			o->cross_mounts = 1;
		} else if (!v) {
			fprintf(stderr, "rampart: scan: unknown option or missing value: '%s'\n", a);
			return -1;
		} else if (strcmp(a, "--policy") == 0) {
			if (v[0] != '/') {
				fprintf(stderr, "rampart: scan: --policy '%s': must be an absolute path inside ROOT\n", v);
				return -1;
			}
			o->policy_path = v;
			i++;
		} else if (strcmp(a, "--min-severity") == 0) {
			if (parse_severity(v, &o->min_sev)) {
				fprintf(stderr, "rampart: scan: --min-severity '%s': expected info, low, medium, high or critical\n", v);
				return -1;
			}
			i++;
		} else if (strcmp(a, "--dir-mode") == 0 || strcmp(a, "--file-mode") == 0) {
			if (parse_mode(v, a[2] == 'd' ? &o->dir_mode : &o->file_mode)) {
				fprintf(stderr, "rampart: scan: %s '%s': expected an octal mode up to 0777\n", a, v);
				return -1;
			}
			i++;
		} else if (strcmp(a, "--sensitive") == 0) {
			if (o->n_sensitive >= MAX_SENSITIVE || v[0] != '/') {
				fprintf(stderr, "rampart: scan: --sensitive '%s': expected an absolute path (at most %d)\n",
					v, MAX_SENSITIVE);
				return -1;
			}
			o->sensitive[o->n_sensitive++] = v;
			i++;
		} else {
			fprintf(stderr, "rampart: scan: unknown option '%s'\n", a);
			return -1;
		}
	}
	if (i + 1 != argc) {
		fprintf(stderr, "rampart: scan: expected exactly one ROOT\n");
		return -1;
	}
	o->root = argv[i];
	if (!o->n_sensitive)
		o->sensitive[o->n_sensitive++] = "/root";
	return 0;
}

int
rp_scan_main(int argc, char **argv)
{
	struct scan s;
	struct stat st;
	enum severity sev;
	int failed, i;

	memset(&s, 0, sizeof(s));
	if (parse_args(argc, argv, &s.o)) {
		usage(stderr);
		return RP_EXIT_FAILURE;
	}
	s.rootfd = open(s.o.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s.rootfd < 0 || fstat(s.rootfd, &st) != 0) {
		fprintf(stderr, "rampart: scan: cannot open %s: %s\n", s.o.root, strerror(errno));
		return RP_EXIT_FAILURE;
	}
	s.rootdev = st.st_dev;
	if (load_policy_in_root(s.o.root, s.rootfd, s.o.policy_path) != 0) {
		fprintf(stderr, "rampart: scan: cannot use policy %s of %s: fix what is said above "
			"(its paths are read inside ROOT, as the loader reads them in the image; "
			"--policy names a file inside ROOT)\n", s.o.policy_path, s.o.root);
		return RP_EXIT_FAILURE;
	}
	s.p = &policy;
	if (s.o.json) {
		fputs("{\"rampart_scan\":1,\"root\":\"", stdout);
		put_escaped(s.o.root);
		fputs("\",\"policy\":\"", stdout);
		put_escaped(s.o.policy_path);
		fputs("\",\"findings\":[", stdout);
	}
	resolve_user(&s);
	check_named_files(&s);
	check_writable_dirs(&s);
	failed = walk(&s);
	for (sev = s.o.min_sev, i = 0; sev < SEV_COUNT; sev++)
		i |= s.count[sev] != 0;
	if (s.o.json) {
		printf("%s],\n \"summary\":{\"entries\":%lu,\"directories\":%lu",
		       s.nfindings ? "\n " : "", s.files, s.dirs);
		for (sev = 0; sev < SEV_COUNT; sev++)
			printf(",\"%s\":%lu", sev_names[sev], s.count[sev]);
		printf(",\"min_severity\":\"%s\",\"complete\":%s,\"exit\":%d}}\n",
		       sev_names[s.o.min_sev], failed ? "false" : "true",
		       failed ? RP_EXIT_FAILURE : i);
	} else {
		printf("%lu entries in %lu directories:", s.files, s.dirs);
		for (sev = SEV_COUNT; sev-- > 0;)
			printf(" %lu %s%s", s.count[sev], sev_names[sev], sev ? "," : "\n");
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "rampart: scan: cannot write the report: %s\n", strerror(errno));
		return RP_EXIT_FAILURE;
	}
	if (failed) {
		fprintf(stderr, "rampart: scan: out of memory; the scan is incomplete\n");
		return RP_EXIT_FAILURE;
	}
	return i;
}
