/* probes.c - see probes.h.
 *
 * Each probe is a raw system call (no libc wrapper, so a preloaded shim in
 * the loader cannot answer in the kernel's place) whose answer differs
 * when the layer holds:
 *   landlock-create  openat(O_CREAT|O_EXCL) of a new name in a directory
 *                    the uid may write by its permissions but the policy
 *                    does not list (/tmp, /var/tmp, /dev/shm, /): EACCES
 *                    from Landlock.  Should it succeed, the file is
 *                    removed at once and the probe fails.
 *   landlock-exec    execveat(AT_EXECVE_CHECK) (Linux 6.14,
 *                    Documentation/userspace-api/check_exec.rst) of an
 *                    unnamed 0700 file (O_TMPFILE) beneath the first
 *                    WritablePath, gone when its descriptors close: EACCES
 *                    from Landlock's execute right (or a noexec mount).
 *                    Nothing runs: the flag stops execveat before the
 *                    point of no return; the directory, its times
 *                    included, does not change.
 *   seccomp-setid    fchmodat(PATH, 04700) of a name that does not exist:
 *                    the filter decides on the mode argument before the
 *                    kernel looks the path up, so EPERM is the filter and
 *                    ENOENT its absence; no file exists to change.
 *   capabilities     CapInh, CapPrm, CapEff, CapAmb and CapBnd of
 *                    /proc/self/status within KeepCapability.
 *   no-new-privs     NoNewPrivs 1, and Seccomp 2 (a filter is installed).
 */
#include "probes.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fdname.h"
#include "policy.h"
#include "rawsys.h"
#include "report.h"

#ifndef AT_EXECVE_CHECK
#define AT_EXECVE_CHECK 0x10000	/* include/uapi/linux/fcntl.h, Linux 6.14 */
#endif

static char json[2048];
static size_t jlen;
static int failed;
static char first_fail[256];

static const char *
err_name(long e)
{
	switch (e) {
	case 0: return "0";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINVAL: return "EINVAL";
	case EROFS: return "EROFS";
	case EEXIST: return "EEXIST";
	case ENOSYS: return "ENOSYS";
	default: return NULL;
	}
}

static void
errtext(char *buf, size_t sz, long e)
{
	const char *n = err_name(e);

	if (n)
		snprintf(buf, sz, "%s", n);
	else
		snprintf(buf, sz, "errno %ld", e);
}

/* One entry.  holds: 1 yes, 0 no, -1 skipped (`result` says why). */
static void
add(struct rp_plan *plan, const char *probe, const char *expect, const char *result, int holds)
{
	int n = snprintf(json + jlen, sizeof(json) - jlen,
			 "%s{\"probe\":\"%s\",\"expect\":\"%s\",\"result\":\"%s\",\"holds\":%s}",
			 jlen > 1 ? "," : "", probe, expect, result,
			 holds < 0 ? "null" : holds ? "true" : "false");

	if (n > 0 && (size_t)n < sizeof(json) - jlen - 2)
		jlen += (size_t)n;
	if (holds == 0) {
		rp_warnings_add(&plan->warn, "probe %s does not hold: expected %s, got %s",
				probe, expect, result);
		if (!failed++)
			snprintf(first_fail, sizeof(first_fail), "probe %s does not hold: expected %s, got %s",
				 probe, expect, result);
	}
}

static void
probe_name(char *out, size_t sz, const char *dir)
{
	unsigned long long r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 20);
	snprintf(out, sz, "%s%s.rampart-probe-%d-%016llx", dir, strcmp(dir, "/") ? "/" : "",
		 (int)getpid(), r);
}

static int
listed(const struct rp_policy *p, const char *dir)
{
	int i;

	for (i = 0; i < p->n_writable; i++)
		if (rp_path_beneath(dir, strlen(dir), p->writable[i].path, p->writable[i].len))
			return 1;
	return 0;
}

static void
probe_create(const struct rp_policy *p, struct rp_plan *plan, int expected)
{
	static const char *const dirs[] = { "/tmp", "/var/tmp", "/dev/shm", "/" };
	char path[256], res[300];
	size_t i;
	long fd;

	if (!expected) {
		add(plan, "landlock-create", "EACCES", "skipped: Landlock not applied by the policy", -1);
		return;
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct stat st;

		/* the permissions allow it, so only Landlock can refuse;
		 * faccessat is not governed by Landlock */
		if (listed(p, dirs[i]) || stat(dirs[i], &st) != 0 || !S_ISDIR(st.st_mode) ||
		    faccessat(AT_FDCWD, dirs[i], W_OK | X_OK, AT_EACCESS) != 0)
			continue;
		probe_name(path, sizeof(path), dirs[i]);
		fd = rp_raw4(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (!RP_RAW_ERR(fd)) {
			rp_raw1(SYS_close, fd);
			snprintf(res, sizeof(res), "created %s (removed: %s)", path,
				 RP_RAW_ERR(rp_raw3(SYS_unlinkat, AT_FDCWD, path, 0)) ? "no" : "yes");
			add(plan, "landlock-create", "EACCES", res, 0);
			return;
		}
		errtext(res, sizeof(res), -fd);
		add(plan, "landlock-create", "EACCES", res, fd == -EACCES);
		return;
	}
	add(plan, "landlock-create", "EACCES",
	    "skipped: no directory outside WritablePath that this uid may write", -1);
}

static void
probe_exec(const struct rp_policy *p, struct rp_plan *plan, int expected)
{
	char path[RP_PATH_MAX + 64], res[64];
	const char *dir = NULL;
	char *const argv[] = { NULL };
	long fd, pfd, r;
	int i;

	if (!expected) {
		add(plan, "landlock-exec", "EACCES", "skipped: Landlock not applied by the policy", -1);
		return;
	}
	for (i = 0; i < p->n_writable && !dir; i++) {
		int j, exec_ok = 0;

		for (j = 0; j < p->n_exec_writable; j++)
			if (rp_path_beneath(p->writable[i].path, p->writable[i].len,
					    p->exec_writable[j].path, p->exec_writable[j].len))
				exec_ok = 1;
		if (!p->writable[i].missing && !exec_ok)
			dir = p->writable[i].path;
	}
	if (!dir) {
		add(plan, "landlock-exec", "EACCES", "skipped: no WritablePath to probe", -1);
		return;
	}
	/* An unnamed file (O_TMPFILE): the directory does not change, not
	 * even its times.  Execution needs no writer, so the check goes
	 * through an O_PATH descriptor of it, the writable one closed. */
	fd = rp_raw4(SYS_openat, AT_FDCWD, dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0700);
	if (RP_RAW_ERR(fd)) {
		errtext(res, sizeof(res), -fd);
		snprintf(path, sizeof(path), "skipped: cannot create an unnamed file beneath the WritablePath (%s)",
			 res);
		add(plan, "landlock-exec", "EACCES", path, -1);
		return;
	}
	pfd = rp_raw4(SYS_openat, AT_FDCWD, rp_fd_path(path, (int)fd), O_PATH | O_CLOEXEC, 0);
	rp_raw1(SYS_close, fd);
	if (RP_RAW_ERR(pfd)) {
		add(plan, "landlock-exec", "EACCES", "skipped: cannot reopen the unnamed file", -1);
		return;
	}
	r = rp_raw5(SYS_execveat, pfd, "", argv, environ, AT_EMPTY_PATH | AT_EXECVE_CHECK);
	rp_raw1(SYS_close, pfd);
	if (r == -EINVAL) {
		add(plan, "landlock-exec", "EACCES", "skipped: kernel without AT_EXECVE_CHECK", -1);
		return;
	}
	errtext(res, sizeof(res), RP_RAW_ERR(r) ? -r : 0);
	add(plan, "landlock-exec", "EACCES", res, r == -EACCES);
}

static void
probe_setid(const struct rp_policy *p, struct rp_plan *plan, int expected)
{
	char path[128], res[64];
	long r;
	int i;

	if (!expected) {
		add(plan, "seccomp-setid", "EPERM", "skipped: audit mode (the filter logs only)", -1);
		return;
	}
	for (i = 0; i < p->n_allow_syscall; i++)	/* matched as seccomp.c does */
		if (strcmp(p->allow_syscall[i].text, "fchmodat") == 0) {
			add(plan, "seccomp-setid", "EPERM", "skipped: AllowSyscall fchmodat", -1);
			return;
		}
	probe_name(path, sizeof(path), "/");
	r = rp_raw4(SYS_fchmodat, AT_FDCWD, path, 04700, 0);
	errtext(res, sizeof(res), RP_RAW_ERR(r) ? -r : 0);
	add(plan, "seccomp-setid", "EPERM", res, r == -EPERM);
}

/* /proc/self/status: the hex value of `field`, or -1. */
static int
status_hex(const char *text, const char *field, uint64_t *out)
{
	const char *s = strstr(text, field);

	if (!s)
		return -1;
	*out = strtoull(s + strlen(field), NULL, 16);
	return 0;
}

static void
probe_status(const struct rp_policy *p, struct rp_plan *plan)
{
	static const char *const sets[] = { "CapInh:", "CapPrm:", "CapEff:", "CapAmb:", "CapBnd:" };
	char text[8192], res[160], expect[64];
	uint64_t v, extra = 0, nnp = 0, sc = 0;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC), ok = 1, bnd_ok = 1, bnd_warned = 0;
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
	size_t i;

	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		add(plan, "capabilities", "within KeepCapability", "cannot read /proc/self/status", 0);
		return;
	}
	text[n] = '\0';
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		if (status_hex(text, sets[i], &v) != 0) {
			ok = 0;
			continue;
		}
		if (i == 4)
			bnd_ok = (v & ~plan->caps_kept & ~p->keep_caps) == 0;
		else
			extra |= v & ~plan->caps_kept;
	}
	snprintf(expect, sizeof(expect), "within %#" PRIx64, plan->caps_kept);
	if (!ok) {
		add(plan, "capabilities", expect, "no Cap fields in /proc/self/status", 0);
	} else if (extra) {
		snprintf(res, sizeof(res), "extra %#" PRIx64, extra);
		add(plan, "capabilities", expect, res, 0);
	} else {
		add(plan, "capabilities", expect, "ok", 1);
	}
	/* Without CAP_SETPCAP (not started as root) the bounding set cannot
	 * shrink; the loader already warns, and no_new_privs keeps an exec
	 * from gaining anything from it. */
	for (i = 0; i < (size_t)plan->warn.n; i++)
		if (strstr(plan->warn.msg[i], "bounding set not cleared"))
			bnd_warned = 1;
	if (status_hex(text, "CapBnd:", &v) == 0) {
		snprintf(res, sizeof(res), "%#" PRIx64, v);
		if (bnd_ok)
			add(plan, "bounding-set", expect, res, 1);
		else if (bnd_warned)
			add(plan, "bounding-set", expect, "skipped: not started as root", -1);
		else
			add(plan, "bounding-set", expect, res, 0);
	}
	status_hex(text, "NoNewPrivs:", &nnp);
	status_hex(text, "Seccomp:", &sc);
	snprintf(res, sizeof(res), "NoNewPrivs %" PRIu64 ", Seccomp %" PRIu64, nnp, sc);
	add(plan, "no-new-privs", "NoNewPrivs 1, Seccomp 2", res, nnp == 1 && sc == 2);
}

int
rp_probes_run(const struct rp_policy *p, struct rp_plan *plan, char *err, size_t errsz)
{
	struct timespec t0, t1;
	int ll = p->mode != RP_MODE_AUDIT && p->landlock != RP_LANDLOCK_OFF;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	jlen = 0;
	failed = 0;
	json[jlen++] = '[';
	probe_create(p, plan, ll);
	probe_exec(p, plan, ll);
	probe_setid(p, plan, p->mode != RP_MODE_AUDIT);
	probe_status(p, plan);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	snprintf(json + jlen, sizeof(json) - jlen, "],\"probes_us\":%ld",
		 (long)((t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000));
	plan->probes = json;
	if (failed && p->landlock == RP_LANDLOCK_STRICT) {
		snprintf(err, errsz, "%s", first_fail);
		return -1;
	}
	return 0;
}
