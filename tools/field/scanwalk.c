/* scanwalk.c - `rampart scan`: the walk, which never follows a symbolic
 * link and never leaves ROOT (scan.h; why, in scan.c's header).
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

#include "devino.h"
#include "rampart.h"

/* ---- the walk ----------------------------------------------------------------------- */

/* Directories already entered, by (dev, ino): a bind mount of an ancestor
 * would otherwise be walked forever.  Open addressing (the core's hash of
 * an identity, devino.h), grown at 1/2 load: an image may hold more
 * directories than any fixed set. */
struct seen {
	struct { struct rp_devino id; int used; } *t;
	size_t cap, n;
};

/* 1 if newly added, 0 if already present, -1 on allocation failure. */
static int
seen_add(struct seen *s, unsigned long dev, unsigned long ino)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct seen bigger = { NULL, s->cap ? 2 * s->cap : 1024, 0 };

		bigger.t = calloc(bigger.cap, sizeof(*bigger.t));
		if (!bigger.t)
			return -1;
		for (i = 0; i < s->cap; i++)
			if (s->t[i].used)
				seen_add(&bigger, s->t[i].id.dev, s->t[i].id.ino);
		free(s->t);
		*s = bigger;
	}
	for (i = rp_devino_hash(dev, ino) & (s->cap - 1); s->t[i].used; i = (i + 1) & (s->cap - 1))
		if (s->t[i].id.dev == dev && s->t[i].id.ino == ino)
			return 0;
	s->t[i].used = 1;
	s->t[i].id.dev = dev;
	s->t[i].id.ino = ino;
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

int
rp_scan_walk(struct scan *s)
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
	rp_scan_check_entry(s, "/", "", &rst);
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
			rp_scan_finding(s, SEV_INFO, "unreadable", dir, "directory not scanned: %s",
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
				rp_scan_finding(s, SEV_INFO, "unreadable", dir,
					"entry with a path longer than %d bytes not scanned",
					RP_PATH_MAX);
				continue;
			}
			if (fstatat(fd, de->d_name, &est, AT_SYMLINK_NOFOLLOW) != 0) {
				rp_scan_finding(s, SEV_INFO, "unreadable", abs, "cannot stat: %s",
					strerror(errno));
				continue;
			}
			s->files++;
			rp_scan_check_entry(s, abs, de->d_name, &est);
			if (!S_ISDIR(est.st_mode))
				continue;
			if (est.st_dev != s->rootdev && !s->o.cross_mounts) {
				rp_scan_finding(s, SEV_INFO, "mount-point", abs,
					"another file system is mounted here; not scanned (--cross-mounts)");
				continue;
			}
			switch (seen_add(&seen, est.st_dev, est.st_ino)) {
			case 0:
				rp_scan_finding(s, SEV_INFO, "loop", abs,
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
			rp_scan_finding(s, SEV_INFO, "unreadable", dir, "listing stopped: %s",
				strerror(errno));
		closedir(d);
		free(dir);
	}
	free(st.v);
	free(seen.t);
	return rc;
}
