/* landlock.c - see landlock.h.
 *
 * Follows the structure of the kernel's samples/landlock/sandboxer.c: probe
 * the ABI, then drop the rights an older kernel does not know, one case per
 * ABI.  Debian 12's <linux/landlock.h> (linux-libc-dev 6.1) stops at REFER,
 * so later constants are defined here (values from the kernel UAPI; bits 14
 * and 15 checked at run time on ABI 7, research notes §5).
 */
#include "landlock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/landlock.h>

#include "glob.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_FS_RESOLVE_UNIX
#define LANDLOCK_ACCESS_FS_RESOLVE_UNIX (1ULL << 16)
#endif
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

#define LL_ABI1_FS ((1ULL << 13) - 1)	/* EXECUTE .. MAKE_SYM */

/* Rights a rule on a non-directory may carry; a directory right on a file
 * is EINVAL (research notes E23). */
#define LL_FILE_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
			LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
			LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* Reading, and connecting to pathname sockets (ABI 9): handling
 * RESOLVE_UNIX without granting it would break syslog's /dev/log and D-Bus
 * (research notes §5), so it goes wherever reading goes. */
#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | \
		 LANDLOCK_ACCESS_FS_RESOLVE_UNIX)
#define LL_READ_EXEC (LL_READ | LANDLOCK_ACCESS_FS_EXECUTE)
/* Writable dirs: never EXECUTE, never MAKE_CHAR or MAKE_BLOCK. */
#define LL_WRITABLE (LL_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
		     LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR | \
		     LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_MAKE_SOCK | \
		     LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
		     LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REFER)
#define LL_DEVICE (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
		   LANDLOCK_ACCESS_FS_IOCTL_DEV | LANDLOCK_ACCESS_FS_READ_DIR)

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define MAX_SPECIAL 160
/* A full toolchain install (gcc, clang, llvm, binutils) has several hundred
 * symlinked names matching compilers.policy. */
#define MAX_TARGETS 4096

static const char *const device_paths[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
	"/dev/tty", "/dev/pts",
};

/* Trees scanned for DenyExec'd files besides the PATH dirs: compilers keep
 * their passes there (cc1, cc1plus, collect2, lto1; research notes E35). */
static const char *const scan_trees[] = { "/usr/lib/gcc", "/usr/libexec/gcc" };

enum special_kind { SP_WRITABLE = 1, SP_EXPLODE = 2 };

struct special {
	char *path;		/* canonical */
	size_t len;
	enum special_kind kind;
};

struct build {
	struct rp_ll *ll;
	const struct rp_policy *p;
	struct special sp[MAX_SPECIAL];
	int nsp;
	/* targets of denied symlinks ("/usr/bin/ld" -> ".../x86_64-linux-gnu-ld.bfd"):
	 * the shim matches every hop of a symlink chain, the kernel sees only
	 * the final file */
	char *targets[MAX_TARGETS];
	int ntargets;
};

static long
ll_create(const void *attr, size_t size, unsigned flags)
{
	return syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

static void
set_error(struct rp_ll *ll, const char *what, const char *obj, int err)
{
	snprintf(ll->error, sizeof(ll->error), "%s%s%s: %s", what, obj ? " " : "",
		 obj ? obj : "", strerror(err));
}

void
rp_landlock_probe(struct rp_ll *ll)
{
	long abi;

	memset(ll, 0, sizeof(*ll));
	ll->ruleset_fd = -1;
	abi = ll_create(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		/* ENOSYS: not built in; EOPNOTSUPP: disabled at boot
		 * (landlock_create_ruleset(2)). */
		ll->probe_errno = errno;
		return;
	}
	ll->abi = (int)abi;
	ll->handled = LL_ABI1_FS;
	/* One case per ABI that added a file-system right (landlock.7). */
	switch (ll->abi) {
	default:		/* newer than this code: what it knows */
	case 9:
		ll->handled |= LANDLOCK_ACCESS_FS_RESOLVE_UNIX;
		/* fall through */
	case 8: case 7: case 6: case 5:
		ll->handled |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
		/* fall through */
	case 4: case 3:
		ll->handled |= LANDLOCK_ACCESS_FS_TRUNCATE;
		/* fall through */
	case 2:
		ll->handled |= LANDLOCK_ACCESS_FS_REFER;
		/* fall through */
	case 1:
		break;
	}
}

void
rp_landlock_rights_str(uint64_t rights, char *out, size_t outsz)
{
	static const char *const names[] = {
		"execute", "write_file", "read_file", "read_dir", "remove_dir",
		"remove_file", "make_char", "make_dir", "make_reg", "make_sock",
		"make_fifo", "make_block", "make_sym", "refer", "truncate",
		"ioctl_dev", "resolve_unix",
	};
	size_t len = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(rights & (1ULL << i)))
			continue;
		n = snprintf(out + len, outsz - len, "%s%s", len ? "," : "", names[i]);
		if (n < 0 || (size_t)n >= outsz - len)
			break;
		len += (size_t)n;
	}
}

/* ---- which files DenyExec withholds ------------------------------------ */

/* "x86_64-linux-gnu-gcc-12" -> "gcc-12": compilers are installed under
 * their target triplet (research notes E35). */
static const char *
strip_triplet(const char *name)
{
	const char *l = strstr(name, "-linux-");
	const char *dash;

	if (!l)
		return name;
	dash = strchr(l + 7, '-');
	return dash && dash[1] ? dash + 1 : name;
}

/* "gcc-12" -> "gcc", "g++-12.2" -> "g++": a trailing -VERSION. */
static void
strip_version(const char *name, char *out, size_t outsz)
{
	const char *dash = strrchr(name, '-');
	const char *q;

	snprintf(out, outsz, "%s", name);
	if (!dash || dash == name || !dash[1])
		return;
	for (q = dash + 1; *q; q++)
		if (!((*q >= '0' && *q <= '9') || *q == '.'))
			return;
	if ((size_t)(dash - name) < outsz)
		out[dash - name] = '\0';
}

static int
name_denied(const struct rp_policy *p, const char *path, const char *name)
{
	const char *base = strip_triplet(name);
	char plain[NAME_MAX + 1], base_plain[NAME_MAX + 1];
	int i;

	strip_version(name, plain, sizeof(plain));
	strip_version(base, base_plain, sizeof(base_plain));
	for (i = 0; i < p->n_deny_exec; i++) {
		const char *pat = p->deny_exec[i].text;

		if (strchr(pat, '/')) {
			if (rp_glob_match(pat, path, 1))
				return 1;
		} else if (rp_glob_match(pat, name, 0) || rp_glob_match(pat, base, 0) ||
			   rp_glob_match(pat, plain, 0) || rp_glob_match(pat, base_plain, 0)) {
			return 1;
		}
	}
	return 0;
}

static int
file_denied(const struct build *b, const char *path, const char *name)
{
	int i;

	for (i = 0; i < b->ntargets; i++)
		if (strcmp(b->targets[i], path) == 0)
			return 1;
	return name_denied(b->p, path, name);
}

static int add_special(struct build *b, const char *path, enum special_kind kind);

/* A denied name that is a symlink: withhold its final target as well. */
static int
deny_target(struct build *b, const char *link)
{
	char target[PATH_MAX];
	struct stat st;
	char *slash;

	if (!realpath(link, target) || stat(target, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if (b->ntargets >= MAX_TARGETS) {
		set_error(b->ll, "too many denied symlinks at", link, E2BIG);
		return -E2BIG;
	}
	if (!(b->targets[b->ntargets] = strdup(target))) {
		set_error(b->ll, "out of memory", NULL, ENOMEM);
		return -ENOMEM;
	}
	b->ntargets++;
	slash = strrchr(target, '/');
	if (slash == target)
		slash[1] = '\0';
	else
		*slash = '\0';
	return add_special(b, target, SP_EXPLODE);
}

static int
add_special(struct build *b, const char *path, enum special_kind kind)
{
	int i;

	for (i = 0; i < b->nsp; i++)
		if (strcmp(b->sp[i].path, path) == 0) {
			b->sp[i].kind |= kind;
			return 0;
		}
	if (b->nsp >= MAX_SPECIAL) {
		set_error(b->ll, "too many special directories at", path, E2BIG);
		return -E2BIG;
	}
	b->sp[b->nsp].path = strdup(path);
	if (!b->sp[b->nsp].path) {
		set_error(b->ll, "out of memory", NULL, ENOMEM);
		return -ENOMEM;
	}
	b->sp[b->nsp].len = strlen(path);
	b->sp[b->nsp].kind = kind;
	b->nsp++;
	return 0;
}

/* Mark `dir` for per-file rules if one of its files is DenyExec'd; with
 * `depth` > 0, look into subdirectories too. */
static int
scan_dir(struct build *b, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 0, marked = 0;

	if (!d)
		return 0;	/* a PATH entry that does not exist denies nothing */
	while (r == 0 && (e = readdir(d)) != NULL) {
		char child[PATH_MAX];

		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s/%s", strcmp(dir, "/") ? dir : "",
				     e->d_name) >= sizeof(child))
			continue;
		if (e->d_type == DT_DIR) {
			if (depth > 0)
				r = scan_dir(b, child, depth - 1);
		} else if (e->d_type == DT_REG && !marked && name_denied(b->p, child, e->d_name)) {
			r = add_special(b, dir, SP_EXPLODE);
			marked = 1;
		} else if (e->d_type == DT_LNK && name_denied(b->p, child, e->d_name)) {
			r = deny_target(b, child);
		}
	}
	closedir(d);
	return r;
}

static int
find_specials(struct build *b, const char *pathenv)
{
	char list[8192], canon[PATH_MAX];
	char *save = NULL, *dir;
	unsigned i;
	int r, k;

	for (k = 0; k < b->p->n_writable; k++) {
		if (b->p->writable[k].missing)
			continue;
		if (!realpath(b->p->writable[k].path, canon)) {
			int err = errno;

			set_error(b->ll, "cannot resolve writable dir", b->p->writable[k].path, err);
			return -err;
		}
		if ((r = add_special(b, canon, SP_WRITABLE)) < 0)
			return r;
	}
	if (b->p->n_deny_exec == 0)
		return 0;
	snprintf(list, sizeof(list), "%s", pathenv ? pathenv : DEFAULT_PATH);
	for (dir = strtok_r(list, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		if (dir[0] == '/' && realpath(dir, canon) && (r = scan_dir(b, canon, 0)) < 0)
			return r;
	for (i = 0; i < sizeof(scan_trees) / sizeof(scan_trees[0]); i++)
		if (realpath(scan_trees[i], canon) && (r = scan_dir(b, canon, 4)) < 0)
			return r;
	/* An absolute DenyExec pattern with a literal directory part names a
	 * directory to scan as well. */
	for (k = 0; k < b->p->n_deny_exec; k++) {
		const char *pat = b->p->deny_exec[k].text;
		const char *slash = strrchr(pat, '/');
		char dirpart[PATH_MAX];

		if (pat[0] != '/' || !slash || (size_t)(slash - pat) >= sizeof(dirpart))
			continue;
		memcpy(dirpart, pat, (size_t)(slash - pat));
		dirpart[slash - pat] = '\0';
		if (strpbrk(dirpart, "*?[\\"))
			continue;
		if (realpath(dirpart[0] ? dirpart : "/", canon) && (r = scan_dir(b, canon, 0)) < 0)
			return r;
	}
	return 0;
}

/* ---- rules --------------------------------------------------------------- */

static int
add_rule(struct build *b, int fd, uint64_t access, int is_dir, const char *path)
{
	struct landlock_path_beneath_attr attr;

	access &= b->ll->handled;
	if (!is_dir)
		access &= LL_FILE_RIGHTS;
	if (!access)
		return 0;
	attr.allowed_access = access;
	attr.parent_fd = fd;
	if (syscall(__NR_landlock_add_rule, b->ll->ruleset_fd, LANDLOCK_RULE_PATH_BENEATH,
		    &attr, 0) != 0) {
		int err = errno;

		set_error(b->ll, "landlock_add_rule for", path, err);
		return -err;
	}
	b->ll->rules++;
	return 0;
}

static int
add_path_rule(struct build *b, const char *path, uint64_t access)
{
	struct stat st;
	int fd = open(path, O_PATH | O_CLOEXEC);
	int r;

	if (fd < 0)
		return 0;	/* e.g. no /dev/tty in a container without a tty */
	r = fstat(fd, &st) == 0 ? add_rule(b, fd, access, S_ISDIR(st.st_mode), path) : 0;
	close(fd);
	return r;
}

static const struct special *
special_at(const struct build *b, const char *path)
{
	int i;

	for (i = 0; i < b->nsp; i++)
		if (strcmp(b->sp[i].path, path) == 0)
			return &b->sp[i];
	return NULL;
}

static int
special_below(const struct build *b, const char *path)
{
	size_t len = strlen(path);
	int i;

	for (i = 0; i < b->nsp; i++)
		if (b->sp[i].len > len && rp_path_beneath(b->sp[i].path, b->sp[i].len, path, len))
			return 1;
	return 0;
}

/* Cover the tree at `path` (open as `fd`, O_PATH) with rules: one rule for
 * the whole tree when nothing below needs less, else READ_DIR on it and
 * one rule per entry. */
static int
cover_dir(struct build *b, int fd, const char *path)
{
	const struct special *sp = special_at(b, path);
	int explode = sp && (sp->kind & SP_EXPLODE);
	struct dirent *e;
	DIR *d;
	int dfd, r;

	if (sp && (sp->kind & SP_WRITABLE))
		return add_rule(b, fd, LL_WRITABLE, 1, path);
	if (!explode && !special_below(b, path))
		return add_rule(b, fd, LL_READ_EXEC, 1, path);
	if ((r = add_rule(b, fd, LANDLOCK_ACCESS_FS_READ_DIR, 1, path)) < 0)
		return r;
	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !(d = fdopendir(dfd))) {
		int err = errno;

		if (dfd >= 0)
			close(dfd);
		set_error(b->ll, "cannot list", path, err);
		return -err;
	}
	while (r == 0 && (e = readdir(d)) != NULL) {
		char child[PATH_MAX];
		struct stat st;
		int cfd;

		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "",
				     e->d_name) >= sizeof(child))
			continue;
		/* d_type saves a system call per entry on the big flat dirs
		 * (/usr/bin); DT_UNKNOWN falls back to fstat. */
		if (e->d_type == DT_LNK)
			continue;	/* a symlink's target is covered where it lives */
		cfd = openat(dirfd(d), e->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			continue;	/* vanished meanwhile: nothing to grant */
		st.st_mode = e->d_type == DT_DIR ? S_IFDIR : e->d_type == DT_REG ? S_IFREG : 0;
		if (!st.st_mode && fstat(cfd, &st) != 0) {
			st.st_mode = S_IFLNK;
		}
		if (S_ISLNK(st.st_mode)) {
			/* a symlink's target is covered where it lives */
		} else if (S_ISDIR(st.st_mode)) {
			r = cover_dir(b, cfd, child);
		} else if (explode && S_ISREG(st.st_mode) && file_denied(b, child, e->d_name)) {
			b->ll->withheld++;
		} else {
			r = add_rule(b, cfd, LL_READ_EXEC, 0, child);
		}
		close(cfd);
	}
	closedir(d);
	return r;
}

static long
elapsed_us(const struct timespec *a)
{
	struct timespec z;

	clock_gettime(CLOCK_MONOTONIC, &z);
	return (z.tv_sec - a->tv_sec) * 1000000L + (z.tv_nsec - a->tv_nsec) / 1000;
}

int
rp_landlock_build(struct rp_ll *ll, const struct rp_policy *p, const char *pathenv)
{
	static struct build b;
	struct landlock_ruleset_attr attr;
	struct timespec t0;
	unsigned i;
	int fd, k, r;

	if (ll->abi <= 0) {
		set_error(ll, "Landlock is not available", NULL, ll->probe_errno ? ll->probe_errno : ENOSYS);
		return -(ll->probe_errno ? ll->probe_errno : ENOSYS);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&b, 0, sizeof(b));
	b.ll = ll;
	b.p = p;
	/* Only handled_access_fs: the 8-byte struct every ABI accepts.  Network
	 * ports (ABI 4) and scopes (ABI 6) are not part of the policy. */
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = ll->handled;
	r = (int)ll_create(&attr, sizeof(attr), 0);
	if (r < 0) {
		r = -errno;
		set_error(ll, "landlock_create_ruleset", NULL, errno);
		goto out;
	}
	ll->ruleset_fd = r;
	if ((r = find_specials(&b, pathenv)) < 0)
		goto out;
	fd = open("/", O_PATH | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		set_error(ll, "cannot open", "/", errno);
		goto out;
	}
	r = cover_dir(&b, fd, "/");
	close(fd);
	/* Rights below are additions: rules are a union along the path. */
	for (i = 0; r == 0 && i < sizeof(device_paths) / sizeof(device_paths[0]); i++)
		r = add_path_rule(&b, device_paths[i], LL_DEVICE);
	for (k = 0; r == 0 && k < p->n_exec_writable; k++)
		r = add_path_rule(&b, p->exec_writable[k].path, LANDLOCK_ACCESS_FS_EXECUTE);
out:
	for (k = 0; k < b.nsp; k++)
		free(b.sp[k].path);
	for (k = 0; k < b.ntargets; k++)
		free(b.targets[k]);
	ll->build_us = elapsed_us(&t0);
	if (r < 0 && ll->ruleset_fd >= 0) {
		close(ll->ruleset_fd);
		ll->ruleset_fd = -1;
	}
	return r;
}

int
rp_landlock_restrict(struct rp_ll *ll)
{
	int r = 0;

	if (ll->ruleset_fd < 0) {
		set_error(ll, "no ruleset was built", NULL, EBADF);
		return -EBADF;
	}
	if (syscall(__NR_landlock_restrict_self, ll->ruleset_fd, 0) != 0) {
		r = -errno;
		set_error(ll, "landlock_restrict_self", NULL, errno);
	} else {
		ll->applied = 1;
	}
	close(ll->ruleset_fd);
	ll->ruleset_fd = -1;
	return r;
}
