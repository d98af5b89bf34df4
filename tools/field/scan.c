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

static const char *const sev_names[SEV_COUNT] = {
	"info", "low", "medium", "high", "critical",
};

static struct rp_policy policy;

/* ---- output --------------------------------------------------------------- */

/* Write `s` escaped as the body of a JSON string: paths come from the image
 * and may hold quotes, control or non-UTF-8 bytes.  The table uses the same
 * escaping so a file name cannot forge lines on a terminal. */
void
rp_scan_put_escaped(const char *s)
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

void
rp_scan_finding(struct scan *s, enum severity sev, const char *check, const char *path,
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
		rp_scan_put_escaped(path);
		fputs("\",\"detail\":\"", stdout);
		rp_scan_put_escaped(detail);
		if (cis_item(check))
			printf("\",\"cis\":\"%s", cis_item(check));
		fputs("\"}", stdout);
	} else {
		if (!s->nfindings)
			printf("%-8s  %-16s  %s\n", "SEVERITY", "CHECK", "PATH: DETAIL");
		printf("%-8s  %-16s  ", sev_names[sev], check);
		rp_scan_put_escaped(path);
		fputs(": ", stdout);
		rp_scan_put_escaped(detail);
		if (cis_item(check))
			printf(" (CIS %s)", cis_item(check));
		fputc('\n', stdout);
	}
	s->nfindings++;
}

/* ---- the policy, read as the image sees it ------------------------------------- */

/* The parser checks that each WritablePath exists, and its paths are the
 * image's, so the policy is parsed in a child that first chroot(2)s into
 * ROOT (in a new user namespace when not privileged).  The child sends
 * the parsed struct back through a pipe: it holds no pointer outside
 * itself except the file names of locations, which we do not use, and the
 * parent receives it at the same static address, so its string pointers
 * into policy.pool stay valid. */
int
rp_scan_load_policy_in_root(const char *root, int rootfd, const char *path)
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
	if (rp_scan_load_policy_in_root(s.o.root, s.rootfd, s.o.policy_path) != 0) {
		fprintf(stderr, "rampart: scan: cannot use policy %s of %s: fix what is said above "
			"(its paths are read inside ROOT, as the loader reads them in the image; "
			"--policy names a file inside ROOT)\n", s.o.policy_path, s.o.root);
		return RP_EXIT_FAILURE;
	}
	s.p = &policy;
	if (s.o.json) {
		fputs("{\"rampart_scan\":1,\"root\":\"", stdout);
		rp_scan_put_escaped(s.o.root);
		fputs("\",\"policy\":\"", stdout);
		rp_scan_put_escaped(s.o.policy_path);
		fputs("\",\"findings\":[", stdout);
	}
	rp_scan_resolve_user(&s);
	rp_scan_check_named_files(&s);
	rp_scan_check_writable_dirs(&s);
	failed = rp_scan_walk(&s);
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
