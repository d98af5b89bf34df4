/* interp.c - the programs that run other programs: a dynamic loader
 * started by name (`ld.so PROGRAM`, its options) and a #! line (part of
 * the exec decision, execparts.h).
 */
#include "execparts.h"
#include "rules.h"

/* ld.so's options in glibc 2.36 (elf/rtld.c, dl_main's option loop).  The
 * first argument that is not one of these is the program. */
static const struct {
	const char *name;
	char takes_arg;
	char info_only;		/* prints something and exits: runs nothing */
	char refused;		/* could load code that unhooks the shim */
} ld_opts[] = {
	{ "--list", 0, 0, 0 },
	{ "--verify", 0, 0, 0 },
	{ "--inhibit-cache", 0, 0, 0 },
	{ "--library-path", 1, 0, 0 },
	{ "--inhibit-rpath", 1, 0, 0 },
	{ "--audit", 1, 0, 1 },		/* LD_AUDIT: la_symbind (R23) */
	{ "--preload", 1, 0, 0 },	/* after LD_PRELOAD: the shim stays first */
	{ "--argv0", 1, 0, 0 },
	{ "--glibc-hwcaps-prepend", 1, 0, 0 },
	{ "--glibc-hwcaps-mask", 1, 0, 0 },
	{ "--list-tunables", 0, 1, 0 },
	{ "--list-diagnostics", 0, 1, 0 },
	{ "--help", 0, 1, 0 },
	{ "--version", 0, 1, 0 },
};

/* An entry of an ld.so --preload or --library-path value that names
 * something beneath a writable dir: the library that option would map (or
 * the dir it would search) is code from a writable dir (docs/threat-model.md,
 * "Code loading").  By the spelling, lexically normalised (what the app can
 * create later), and by the kernel's name of what exists.  Returns the
 * writable dir's index, or -1. */
static int
ld_opt_writable(const struct rp_policy *p, const char *val, int dirs)
{
	const char *seps = dirs ? ":" : " :";

	while (p) {
		size_t n = strcspn(val, seps);
		char ent[RP_PATH_MAX], abs[RP_PATH_MAX], canon[RP_PATH_MAX];
		int w = -1;
		long fd;

		/* a file name without '/' is searched, in the checked dirs */
		if (n < sizeof(ent) && (dirs || (n && memchr(val, '/', n)))) {
			memcpy(ent, val, n);
			ent[n] = '\0';
			if (!n)
				strcpy(ent, ".");	/* empty path entry: the cwd */
			rp_exec_abs_of(AT_FDCWD, ent, abs, sizeof(abs));
			w = rp_exec_wx_dir(p, abs);
			fd = rp_raw4(SYS_openat, AT_FDCWD, ent, O_PATH | O_CLOEXEC, 0);
			if (w < 0 && !RP_RAW_ERR(fd) && rp_fd_name(fd, canon, sizeof(canon)) > 0)
				w = rp_exec_wx_dir(p, canon);
			if (!RP_RAW_ERR(fd))
				rp_raw1(SYS_close, fd);
			if (w >= 0)
				return w;
		}
		val += n;
		if (!*val)
			break;
		val++;
	}
	return -1;
}

/* Find the program ld.so would run.  Returns 1 with *prog (and *argv0)
 * set, 0 when it runs nothing, -1 (verdict set) when it must be denied. */
int
rp_exec_parse_ld_args(const struct rp_policy *p, char *const argv[], const char **prog,
	      const char **argv0, const char *where, struct rp_exec_verdict *v)
{
	int i, info = 0;

	*argv0 = NULL;
	if (!argv || !argv[0]) {
		rp_exec_deny(v, RP_RULE(LDSO), "no argument vector", 0, where);
		return -1;
	}
	for (i = 1; argv[i]; i++) {
		size_t k;
		int known = 0;

		for (k = 0; k < sizeof(ld_opts) / sizeof(ld_opts[0]); k++) {
			if (strcmp(argv[i], ld_opts[k].name) != 0)
				continue;
			known = 1;
			if (ld_opts[k].refused) {
				rp_exec_deny(v, RP_RULE(LDSO), ld_opts[k].name, 0, where);
				return -1;
			}
			info |= ld_opts[k].info_only;
			if (ld_opts[k].takes_arg) {
				if (!argv[i + 1]) {
					rp_exec_deny(v, RP_RULE(LDSO), "option without its argument", 0, where);
					return -1;
				}
				if (strcmp(ld_opts[k].name, "--argv0") == 0)
					*argv0 = argv[i + 1];
				if ((strcmp(ld_opts[k].name, "--preload") == 0 &&
				     ld_opt_writable(p, argv[i + 1], 0) >= 0) ||
				    (strcmp(ld_opts[k].name, "--library-path") == 0 &&
				     ld_opt_writable(p, argv[i + 1], 1) >= 0)) {
					rp_exec_deny(v, RP_RULE(WX), ld_opts[k].name, 0, argv[i + 1]);
					return -1;
				}
				i++;
			}
			break;
		}
		if (!known)
			break;
	}
	if (info)
		return 0;
	if (!argv[i]) {
		rp_exec_deny(v, RP_RULE(LDSO), "no program to judge", 0, where);
		return -1;
	}
	if (!has_slash(argv[i])) {
		/* ld.so looks such a name up in the library search path */
		rp_exec_deny(v, RP_RULE(LDSO), "program name without '/'", 0, where);
		return -1;
	}
	*prog = argv[i];
	if (!*argv0)
		*argv0 = argv[i];
	return 1;
}

/* The interpreter of a #! script in `head`, copied to `out`; 0 if none. */
int
rp_exec_shebang(const char *head, long n, char *out, size_t cap)
{
	long i = 2, s;

	if (n < 3 || head[0] != '#' || head[1] != '!')
		return 0;
	while (i < n && (head[i] == ' ' || head[i] == '\t'))
		i++;
	s = i;
	while (i < n && head[i] != ' ' && head[i] != '\t' && head[i] != '\n' && head[i] != '\0')
		i++;
	if (i == s || (size_t)(i - s) >= cap)
		return 0;
	memcpy(out, head + s, (size_t)(i - s));
	out[i - s] = '\0';
	return 1;
}
