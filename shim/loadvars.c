/* loadvars.c - the loader variables: which entries of LD_PRELOAD,
 * LD_LIBRARY_PATH and GCONV_PATH name code beneath a writable dir.
 *
 * Two users: the exec wrappers, which clean a child's environment
 * (stickyenv.c calls rp_loadlib_clean_list), and this process's own
 * GCONV_PATH, which glibc reads later, at its first character-set
 * conversion (iconv/gconv_conf.c, __gconv_load_conf): the constructor
 * cleans the value the process started with, and the setenv and putenv
 * wrappers make glibc read its configuration before GCONV_PATH changes,
 * so a value set later is never consulted.  The gconv modules themselves
 * are loaded by glibc's internal __libc_dlopen, which no wrapper sees:
 * the inputs are what is guarded (docs/threat-model.md, "Code loading").
 *
 * The W^X rule is the exec decision's (rp_exec_wx_dir).  No malloc in
 * what a vfork child reaches (the cleaning); the setenv and putenv
 * wrappers may allocate, as the functions they wrap do.
 */
#include "loadlib.h"

#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "envlock.h"
#include "execdecide.h"
#include "loadparts.h"
#include "rawsys.h"
#include "roots.h"
#include "rules.h"
#include "shim.h"
#include "strbuf.h"

extern char **environ;

/* ---- loader variables --------------------------------------------------- */

static const char *const var_names[] = { "LD_PRELOAD", "LD_LIBRARY_PATH", "GCONV_PATH" };

/* The writable dir an entry names something beneath (by spelling, or by
 * the kernel's name of what exists), or -1. */
static int
entry_writable(const struct rp_policy *p, enum rp_code_var var, const char *entry, size_t n)
{
	char raw[RP_PATH_MAX], abs[RP_PATH_MAX], canon[RP_PATH_MAX];
	long fd;
	int w;

	if (n >= sizeof(raw))
		return 0;	/* longer than a path: nothing the loader opens */
	if (var == RP_CODE_PRELOAD && !memchr(entry, '/', n))
		return -1;	/* searched like DT_NEEDED, in the cleaned paths */
	memcpy(raw, entry, n);
	raw[n] = '\0';
	if (!n)
		strcpy(raw, ".");	/* an empty library path entry is the cwd */
	rp_load_absolute(raw, abs, sizeof(abs));
	if ((w = rp_spelled_root(abs)) >= 0 &&
	    !rp_policy_exec_writable(p, abs, strlen(abs)))
		return w;
	fd = rp_raw4(SYS_openat, AT_FDCWD, raw, O_PATH | O_CLOEXEC, 0);
	if (RP_RAW_ERR(fd))
		return -1;
	w = rp_load_kernel_name(fd, canon, sizeof(canon)) ? rp_exec_wx_dir(p, canon) : -1;
	rp_raw1(SYS_close, fd);
	return w;
}

int
rp_loadlib_drop_entry(enum rp_code_var var, const char *entry, size_t n)
{
	const struct rp_policy *p = rp_load_policy();
	char name[RP_PATH_MAX];
	struct rp_event ev;
	size_t m = n < sizeof(name) - 1 ? n : sizeof(name) - 1;
	int w;

	if (var == RP_CODE_PRELOAD && !n)
		return 0;
	/* no policy: no dir is known to be safe */
	w = p ? entry_writable(p, var, entry, n) : 0;
	if (w < 0)
		return 0;
	memcpy(name, entry, m);
	name[m] = '\0';
	memset(&ev, 0, sizeof(ev));
	ev.op = var_names[var];
	ev.path = m ? name : ".";
	ev.rule = p ? RP_RULE(WX) : RP_RULE(POLICY_UNAVAILABLE);
	ev.detail = p ? p->writable[w].path : NULL;
	ev.mode = -1;
	return rp_deny(&ev);
}

int
rp_loadlib_clean_list(enum rp_code_var var, const char *val, const char *skip,
		      char *out, size_t cap)
{
	const char *seps = var == RP_CODE_PRELOAD ? " :" : ":";
	size_t skiplen = skip ? strlen(skip) : 0;
	struct rp_buf b;
	int dropped = 0, first = 1;

	rp_buf_init(&b, out, cap);
	for (;;) {
		size_t n = strcspn(val, seps);

		if ((skip && n == skiplen && memcmp(val, skip, n) == 0) ||
		    (var == RP_CODE_PRELOAD && !n)) {
			/* left out silently */
		} else if (rp_loadlib_drop_entry(var, val, n)) {
			dropped++;
		} else {
			if (!first)
				rp_buf_char(&b, ':');
			rp_buf_mem(&b, val, n);
			first = 0;
		}
		val += n;
		if (!*val)
			break;
		val++;
	}
	if (b.truncated) {
		/* keep only whole entries */
		while (b.len && out[b.len - 1] != ':')
			b.len--;
		if (b.len)
			b.len--;
		out[b.len] = '\0';
	}
	return dropped;
}

/* ---- this process's GCONV_PATH ------------------------------------------
 *
 * glibc reads the gconv configuration once per process, under
 * __libc_once (iconv/gconv_db.c), at the first conversion that needs it:
 * iconv_open, or a multibyte function in a locale other than C; it takes
 * GCONV_PATH from the environment at that moment.  Nothing is read at
 * start: most processes never convert, and reading it costs 8 system
 * calls and a malloc arena in every process (the cache's open, fstat,
 * mmap and close, and malloc's set-up).  Instead, the moment the process
 * itself changes GCONV_PATH through setenv or putenv (os.environ in
 * Python), the configuration is read first, with the value the
 * constructor checked, so the new value is never consulted; this holds
 * whether the process started with GCONV_PATH or not.  An environment
 * edited without libc (writing the environ array or its strings) is
 * outside, as raw system calls are. */

/* Make glibc read its gconv configuration now (a no-op once read:
 * __libc_once; a concurrent caller waits until the read is complete). */
static void
gconv_read_now(void)
{
	iconv_t cd;
	RP_SAVE_ERRNO;

	rp_in_shim++;
	cd = iconv_open("UTF-8", "UTF-8");
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	rp_in_shim--;
	RP_RESTORE_ERRNO;
}

static int
names_gconv(const char *s, size_t n)
{
	return n == 10 && strncmp(s, "GCONV_PATH", 10) == 0;
}

RP_EXPORT int
setenv(const char *name, const char *value, int overwrite)
{
	int r;

	if (name && names_gconv(name, strlen(name)))
		gconv_read_now();
	rp_env_lock();
	r = RP_REAL(setenv)(name, value, overwrite);
	rp_env_unlock();
	return r;
}

RP_EXPORT int
putenv(char *string)
{
	int r;

	/* "NAME=VALUE" sets, a bare "NAME" unsets (stdlib/putenv.c) */
	if (names_gconv(string, strcspn(string, "=")))
		gconv_read_now();
	rp_env_lock();
	r = RP_REAL(putenv)(string);
	rp_env_unlock();
	return r;
}

/* unsetenv and clearenv change nothing the gconv read cares about (an
 * unset GCONV_PATH is glibc's default); they only exclude the shim's
 * readers of environ (envlock.h). */
RP_EXPORT int
unsetenv(const char *name)
{
	int r;

	rp_env_lock();
	r = RP_REAL(unsetenv)(name);
	rp_env_unlock();
	return r;
}

RP_EXPORT int
clearenv(void)
{
	int r;

	rp_env_lock();
	r = RP_REAL(clearenv)();
	rp_env_unlock();
	return r;
}

/* Entries of the start value beneath a writable dir are removed in place
 * (the environment's strings are the kernel's copy on the stack); a value
 * left empty goes, since an empty GCONV_PATH would still turn off glibc's
 * cache. */
void
rp_loadlib_check_self(void)
{
	char **e;

	if (!environ)
		return;
	for (e = environ; *e;) {
		char clean[RP_PATH_MAX], **k;
		size_t n;

		if (strncmp(*e, "GCONV_PATH=", 11) != 0 ||
		    rp_loadlib_clean_list(RP_CODE_GCONV, *e + 11, NULL, clean, sizeof(clean)) == 0) {
			e++;
			continue;
		}
		n = strlen(clean);
		if (n) {
			/* shorter than before: rewrite the process's own string */
			memmove(*e + 11, clean, n + 1);
			e++;
			continue;
		}
		for (k = e; *k; k++)
			k[0] = k[1];
	}
}
