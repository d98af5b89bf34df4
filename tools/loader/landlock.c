/* landlock.c - see landlock.h: the ABI, the rules, restrict.
 *
 * Follows the structure of the kernel's samples/landlock/sandboxer.c: probe
 * the ABI, then drop the rights an older kernel does not know, one case per
 * ABI.  Which files are withheld, and where, is llwithhold.c's; the
 * rules here cover the tree from "/" with it (cover_dir).  Debian 12's <linux/landlock.h> (linux-libc-dev 6.1) stops at REFER,
 * so later constants are defined here (values from the kernel UAPI; bits 14
 * and 15 checked at run time on ABI 7; landlock.7, Documentation/
 * userspace-api/landlock.rst).
 */
#include "landlock.h"
#include "llparts.h"

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

#include "execdecide.h"

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
 * is EINVAL (security/landlock/fs.c, landlock_append_fs_rule). */
#define LL_FILE_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
			LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
			LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* Reading.  READ_DIR is granted wherever reading goes; it is handled only
 * under RAMPART_LANDLOCK_RIGHTS=all (rp_landlock_probe). */
#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_READ_EXEC (LL_READ | LANDLOCK_ACCESS_FS_EXECUTE)
/* Everything that creates, changes or removes a file, and exec: what the
 * writes-exec variant of RAMPART_LANDLOCK_RIGHTS keeps. */
#define LL_WRITES_EXEC (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
			LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
			LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | \
			LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK | \
			LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | \
			LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER)
/* Writable dirs: never EXECUTE, never MAKE_CHAR or MAKE_BLOCK. */
#define LL_WRITABLE (LL_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
		     LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR | \
		     LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_MAKE_SOCK | \
		     LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
		     LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REFER)
#define LL_DEVICE (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
		   LANDLOCK_ACCESS_FS_IOCTL_DEV | LANDLOCK_ACCESS_FS_READ_DIR)

static const char *const device_paths[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
	"/dev/tty", "/dev/pts",
};

static long
ll_create(const void *attr, size_t size, unsigned flags)
{
	return syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

/* RP_LANDLOCK_ABI_MAX_ENV: 0 when unset, -1 when invalid, else N >= 1. */
static long
abi_cap(struct rp_ll *ll)
{
	const char *v = getenv(RP_LANDLOCK_ABI_MAX_ENV);
	char *end;
	long n;

	if (!v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < 1 || n > INT_MAX || !(*v >= '0' && *v <= '9')) {
		snprintf(ll->cap_error, sizeof(ll->cap_error),
			 "invalid value '%.64s' (a decimal integer >= 1)", v);
		ll->cap_var = RP_LANDLOCK_ABI_MAX_ENV;
		return -1;
	}
	return n;
}

/* RP_LANDLOCK_RIGHTS_ENV: which set of rights to handle (landlock.h). */
static int
rights_variant(struct rp_ll *ll)
{
	const char *v = getenv(RP_LANDLOCK_RIGHTS_ENV);

	if (!v || strcmp(v, "default") == 0)
		return RP_LL_RIGHTS_DEFAULT;
	if (strcmp(v, "writes-exec") == 0)
		return RP_LL_RIGHTS_WRITES_EXEC;
	if (strcmp(v, "all") == 0)
		return RP_LL_RIGHTS_ALL;
	snprintf(ll->cap_error, sizeof(ll->cap_error),
		 "invalid value '%.64s' (default, writes-exec or all)", v);
	ll->cap_var = RP_LANDLOCK_RIGHTS_ENV;
	return RP_LL_RIGHTS_DEFAULT;
}

void
rp_landlock_probe(struct rp_ll *ll)
{
	long abi, cap;

	memset(ll, 0, sizeof(*ll));
	ll->ruleset_fd = -1;
	ll->cap_var = RP_LANDLOCK_ABI_MAX_ENV;
	ll->rights = rights_variant(ll);
	cap = abi_cap(ll);
	abi = ll_create(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		/* ENOSYS: not built in; EOPNOTSUPP: disabled at boot
		 * (landlock_create_ruleset(2)). */
		ll->probe_errno = errno;
		return;
	}
	ll->abi = ll->abi_kernel = (int)abi;
	if (cap > 0 && cap < abi) {
		/* the rights of ABI `cap` only: the kernel then enforces
		 * exactly what an older kernel would (landlock.7: a ruleset
		 * handles what handled_access_fs names) */
		ll->abi = (int)cap;
		ll->abi_capped = 1;
	}
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
	/* docs/threat-model.md, "What each Landlock right buys and costs":
	 * READ_DIR guards nothing the threat model claims and would make
	 * every directory open walk the path, RESOLVE_UNIX neither (pathname
	 * sockets stay reachable, as docs/threat-model.md says); READ_FILE is
	 * dropped at build time when no file is withheld (rp_landlock_build). */
	if (ll->rights == RP_LL_RIGHTS_WRITES_EXEC)
		ll->handled &= LL_WRITES_EXEC;
	else if (ll->rights == RP_LL_RIGHTS_DEFAULT)
		ll->handled &= ~(LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_RESOLVE_UNIX);
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

		rp_ll_set_error(b->ll, "landlock_add_rule for", path, err);
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

/* Close the batched per-file fds: one close_range per run of
 * consecutive numbers (the usual case is one run: the lowest free
 * numbers, nothing else opened meanwhile; an inherited descriptor in the
 * middle, closed only later by step 2, splits it in two), one close for
 * a number on its own.  The floor per file is then openat +
 * landlock_add_rule. */
static void
batch_flush(struct build *b)
{
	int i = 0;

	while (i < b->nbatch) {
		int lo = b->batch[i], hi = lo, k;

		while (i + 1 < b->nbatch && b->batch[i + 1] == hi + 1)
			hi = b->batch[++i];
		i++;
		if (hi > lo && close_range((unsigned)lo, (unsigned)hi, 0) == 0)
			continue;
		for (k = lo; k <= hi; k++)
			close(k);
	}
	b->nbatch = 0;
}

/* A file of a directory listed per file is done with: its fd waits in
 * the batch. */
static void
batch_close(struct build *b, int fd)
{
	b->batch[b->nbatch++] = fd;
	if (b->nbatch == FD_BATCH)
		batch_flush(b);
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

/* The entries of a directory, from the scan's listing (llwithhold.c) or,
 * for a directory the scan did not list, from readdir. */
struct entries {
	const struct listing *l;
	size_t i;
	DIR *d;
};

/* The next entry: 1, 0 at the end.  *denied is -1 when not yet known. */
static int
next_entry(struct entries *it, const char **name, unsigned char *type, int *denied)
{
	struct dirent *e;

	if (it->l) {
		if (it->i >= it->l->n)
			return 0;
		*name = it->l->names + it->l->e[it->i].name;
		*type = it->l->e[it->i].type;
		*denied = it->l->e[it->i].denied;
		it->i++;
		return 1;
	}
	do {
		if (!(e = readdir(it->d)))
			return 0;
	} while (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])));
	*name = e->d_name;
	*type = e->d_type;
	*denied = -1;
	return 1;
}

/* Cover the tree at `path` (open as `fd`, O_PATH) with rules: one rule for
 * the whole tree when nothing below needs less, else READ_DIR on it and
 * one rule per entry. */
static int
cover_dir(struct build *b, int fd, const char *path)
{
	const struct special *sp = special_at(b, path);
	int explode = sp && (sp->kind & SP_EXPLODE);
	unsigned short paths[RP_MAX_PATTERNS];
	struct entries it = { NULL, 0, NULL };
	int dfd, r, npaths = 0, listfd;
	const char *name;
	unsigned char type;
	int denied;

	if (sp && (sp->kind & SP_WRITABLE))
		return add_rule(b, fd, LL_WRITABLE, 1, path);
	if (sp && (sp->kind & SP_WITHHOLD))
		return 0;
	if (!explode && !special_below(b, path))
		return add_rule(b, fd, LL_READ_EXEC, 1, path);
	if ((r = add_rule(b, fd, LANDLOCK_ACCESS_FS_READ_DIR, 1, path)) < 0)
		return r;
	if (explode)
		npaths = rp_names_paths_for(&b->names, strcmp(path, "/") ? path : "", paths);
	batch_flush(b);		/* the fds below must not interleave with the batch */
	/* /usr/bin was listed by the scan: its entries and verdicts again,
	 * each opened beneath the O_PATH fd of the directory */
	it.l = explode ? rp_ll_listing(b, path) : NULL;
	listfd = fd;
	if (!it.l) {
		dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 || !(it.d = fdopendir(dfd))) {
			int err = errno;

			if (dfd >= 0)
				close(dfd);
			rp_ll_set_error(b->ll, "cannot list", path, err);
			return -err;
		}
		listfd = dirfd(it.d);
	}
	while (r == 0 && next_entry(&it, &name, &type, &denied)) {
		char child[PATH_MAX];
		int cfd;

		/* d_type spares a system call per entry on the big flat dirs
		 * (/usr/bin); a symlink's target is covered where it lives */
		if (type == DT_LNK || rp_ll_join(child, path, name) != 0)
			continue;
		/* a device, socket or fifo can only get READ_FILE (the kernel
		 * execs regular files only): none to add when that is not
		 * handled, so no open either */
		if (type != DT_UNKNOWN && type != DT_DIR && type != DT_REG &&
		    !(b->ll->handled & LANDLOCK_ACCESS_FS_READ_FILE))
			continue;
		cfd = openat(listfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			continue;	/* vanished meanwhile: nothing to grant */
		if (type == DT_UNKNOWN) {
			struct stat st;

			type = fstat(cfd, &st) != 0 || S_ISLNK(st.st_mode) ? DT_LNK :
			       S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
			denied = -1;
		}
		if (type == DT_LNK) {
			close(cfd);
		} else if (type == DT_DIR) {
			batch_flush(b);
			r = cover_dir(b, cfd, child);
			close(cfd);
		} else if (explode && type == DT_REG &&
			   (rp_ll_strset_has(&b->targets, child) ||
			    (denied >= 0 ? denied : rp_ll_name_denied(b, child, name, paths, npaths)))) {
			b->ll->withheld++;
			batch_close(b, cfd);
		} else {
			r = add_rule(b, cfd, type == DT_REG ? LL_READ_EXEC : LL_READ, 0, child);
			batch_close(b, cfd);
		}
	}
	batch_flush(b);
	if (it.d)
		closedir(it.d);
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
		rp_ll_set_error(ll, "Landlock is not available", NULL, ll->probe_errno ? ll->probe_errno : ENOSYS);
		return -(ll->probe_errno ? ll->probe_errno : ENOSYS);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&b, 0, sizeof(b));
	b.ll = ll;
	b.p = p;
	ll->withheld = 0;
	if ((r = rp_ll_find_specials(&b, pathenv)) < 0)
		goto out;
	/* READ_FILE only withholds (DenyExec'd files the PATH dirs and the
	 * compilers' trees hold); handled, it makes every open of a regular
	 * file walk the path until a rule grants it.  With nothing to
	 * withhold (an image without compilers) it is left to DAC. */
	if (ll->rights == RP_LL_RIGHTS_DEFAULT &&
	    !rp_ll_special_below_kind(&b, "/", SP_EXPLODE | SP_WITHHOLD))
		ll->handled &= ~LANDLOCK_ACCESS_FS_READ_FILE;
	/* Only handled_access_fs: the 8-byte struct every ABI accepts.  Network
	 * ports (ABI 4) and scopes (ABI 6) are not part of the policy. */
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = ll->handled;
	r = (int)ll_create(&attr, sizeof(attr), 0);
	if (r < 0) {
		r = -errno;
		rp_ll_set_error(ll, "landlock_create_ruleset", NULL, errno);
		goto out;
	}
	ll->ruleset_fd = r;
	fd = open("/", O_PATH | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		rp_ll_set_error(ll, "cannot open", "/", errno);
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
	rp_ll_build_free(&b);
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
		rp_ll_set_error(ll, "no ruleset was built", NULL, EBADF);
		return -EBADF;
	}
	if (syscall(__NR_landlock_restrict_self, ll->ruleset_fd, 0) != 0) {
		r = -errno;
		rp_ll_set_error(ll, "landlock_restrict_self", NULL, errno);
	} else {
		ll->applied = 1;
	}
	close(ll->ruleset_fd);
	ll->ruleset_fd = -1;
	return r;
}
