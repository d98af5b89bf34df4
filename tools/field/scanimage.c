/* scanimage.c - `rampart scan`: files of the image read as the image sees
 * them (RESOLVE_IN_ROOT), and the application user from its passwd and
 * group (scan.h).
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

#include "rampart.h"
#include "strbuf.h"

/* ---- reading files of the image --------------------------------------------- */

/* Open `abs` (an absolute path inside the image) as the image would: every
 * symlink, ".." and absolute target stays inside ROOT. */
int
rp_scan_open_in_root(const struct scan *s, const char *abs, int flags)
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
	int fd = rp_scan_open_in_root(s, abs, O_RDONLY | O_NONBLOCK);
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
void
rp_scan_resolve_user(struct scan *s)
{
	const char *want = s->p->user;
	char *pw, *line, *next, *gr, *f[7];
	const char *name = NULL;
	unsigned long id;
	int numeric;

	if (!want) {
		rp_scan_finding(s, SEV_MEDIUM, "user", s->o.policy_path,
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
			rp_scan_finding(s, SEV_LOW, "user", "/etc/passwd",
				"User %s has no entry in the image's /etc/passwd", want);
		} else {
			rp_scan_finding(s, SEV_HIGH, "user", "/etc/passwd",
				"User '%s' does not exist in the image's /etc/passwd: the loader cannot switch to it",
				want);
		}
		free(pw);
		return;
	}
	if (s->user.uid == 0)
		rp_scan_finding(s, SEV_HIGH, "user", "/etc/passwd",
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
int
rp_scan_user_can_write(const struct scan *s, const struct stat *st)
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
