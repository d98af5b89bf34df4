/* loadlib.c - library loading: dlopen, dlmopen, dlerror, loader variables.
 *
 * W^X for exec is not enough: a program that can write a file and call
 * dlopen (Python's ctypes.CDLL) runs the file's constructors without any
 * exec, and Landlock's execute right is not checked on mmap(PROT_EXEC).
 * Here every dlopen is judged by the file the loader would map:
 *
 *   - a name with '/' is opened (O_RDONLY) and judged by the kernel's name
 *     of that descriptor (so a symlink from a read-only dir into a
 *     writable one is judged by its target);
 *   - a bare name is looked up the way ld.so searches for the caller
 *     (elf/dl-load.c, _dl_map_object): the caller's search list from
 *     dlinfo(RTLD_DI_SERINFO) (DT_RPATH, LD_LIBRARY_PATH of the process
 *     start, DT_RUNPATH, the default dirs), the first regular file of the
 *     right ELF class wins; a name found in none of them comes from
 *     ld.so.cache or the default dirs, which are not writable.
 *
 * No swap between check and map: when the app cannot change what the name
 * resolves to (no component beneath a writable dir, not through /proc or
 * /dev), the name is forwarded as given, so l_name, dladdr() and
 * ctypes' repr stay what they were.  Otherwise the loader gets the judged
 * file's kernel name, outside the writable dirs (or W^X denied it), or,
 * for an allowed memfd, /proc/self/fd/N of the judged descriptor itself.
 *
 * The real dlopen takes the caller from its return address (the caller's
 * namespace, its DT_RPATH/DT_RUNPATH, $ORIGIN in the name).  Forwarded
 * from here the caller would be this library, so: a bare name found in
 * the caller's search list is forwarded as the path found; $ORIGIN in the
 * name is expanded from the caller's l_name; a caller in another
 * namespace is forwarded with dlmopen into that namespace.
 *
 * A denial returns NULL, and dlerror() says why: the real dlopen is made
 * to fail on a name that cannot exist ("/dev/null/rampart: ..."; /dev/null
 * is not a directory), so glibc's own error state holds the one error of
 * this call (a later failing dlsym replaces it as usual), and the dlerror
 * wrapper strips the prefix and glibc's ": cannot open shared object
 * file" suffix.  Without the wrapper (a handle lookup of libc's dlerror)
 * the text still names rampart.
 *
 * dlopen and dlerror are each exported by glibc 2.34+ in two versions
 * (GLIBC_2.2.5 / GLIBC_2.34; dlmopen GLIBC_2.3.4 / GLIBC_2.34) bound to
 * the same function (dlfcn/dlopen.c: versioned_symbol and compat_symbol of
 * one ___dlopen), so one unversioned wrapper serves both, unlike
 * posix_spawn.
 *
 * Not async-signal-safe, like the real dlopen (it takes dl_load_lock);
 * still no malloc and no stdio here.
 */
#include "loadlib.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <iconv.h>
#include <link.h>
#include <string.h>
#include <sys/stat.h>

#include "execdecide.h"
#include "rawsys.h"
#include "shim.h"
#include "strbuf.h"

extern char **environ;

/* The name the real dlopen is made to fail on: "/dev/null" is no
 * directory, so the open fails with ENOTDIR (ENOENT without /dev). */
#define RP_DL_MARK "/dev/null/"
#define RP_DL_MARK_LEN (sizeof(RP_DL_MARK) - 1)

#if defined(__x86_64__)
#define RP_ELF_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define RP_ELF_MACHINE EM_AARCH64
#endif

static const struct rp_policy *
policy(void)
{
	return rp_state.policy_ok ? &rp_state.policy : NULL;
}

static size_t
kernel_name(long fd, char *out, size_t cap)
{
	char link[40];
	struct rp_buf b;
	long n;

	rp_buf_init(&b, link, sizeof(link));
	rp_buf_str(&b, "/proc/self/fd/");
	rp_buf_long(&b, fd);
	n = rp_raw4(SYS_readlinkat, AT_FDCWD, link, out, cap - 1);
	if (RP_RAW_ERR(n) || n <= 0 || out[0] != '/')
		return 0;
	out[n] = '\0';
	return (size_t)n;
}

/* `path` made absolute against the cwd, runs of '/' and "." squeezed,
 * ".." kept (a ".." below a writable dir is walked from inside it). */
static void
absolute(const char *path, char *out, size_t cap)
{
	char raw[2 * RP_PATH_MAX];
	struct rp_buf b;
	const char *s;
	size_t k = 0;

	rp_buf_init(&b, raw, sizeof(raw));
	if (path[0] != '/') {
		char cwd[RP_PATH_MAX];
		long r = rp_raw2(SYS_getcwd, cwd, sizeof(cwd));

		if (!RP_RAW_ERR(r) && cwd[0] == '/') {
			rp_buf_str(&b, cwd);
			rp_buf_char(&b, '/');
		}
	}
	rp_buf_str(&b, path);
	for (s = raw; *s && k + 1 < cap;) {
		if (s[0] == '/' && (s[1] == '/' || (s[1] == '.' && (s[2] == '/' || !s[2])))) {
			s += s[1] == '/' ? 1 : 2;
			continue;
		}
		out[k++] = *s++;
	}
	if (k > 1 && out[k - 1] == '/')
		k--;
	out[k] = '\0';
}

/* The writable dir an absolute spelling starts beneath, or -1.  Only the
 * spelling: what the app could re-point or create later. */
static int
spelled_writable(const struct rp_policy *p, const char *abs)
{
	size_t len = strlen(abs);
	int i;

	rp_roots_ready();	/* the canonical names are found at first use */
	for (i = 0; i < p->n_writable; i++) {
		const struct rp_root *r = &rp_state.roots[i];

		if (rp_path_beneath(abs, len, p->writable[i].path, p->writable[i].len) ||
		    (r->canon_len && rp_path_beneath(abs, len, r->canon, r->canon_len)))
			return i;
	}
	return -1;
}

/* 1 if the app may change what `abs` names after the check. */
static int
repointable(const struct rp_policy *p, const char *abs)
{
	return strncmp(abs, "/proc/", 6) == 0 || strncmp(abs, "/dev/", 5) == 0 ||
	       strcmp(abs, "/proc") == 0 || spelled_writable(p, abs) >= 0;
}

static int
is_memfd_name(const char *canon)
{
	size_t n = strlen(canon);

	return strncmp(canon, "/memfd:", 7) == 0 ||
	       (n > 10 && strcmp(canon + n - 10, " (deleted)") == 0);
}

/* ---- the decision ------------------------------------------------------ */

struct judged {
	long fd;			/* the judged file, O_RDONLY, or -1 */
	const char *rule;		/* non-NULL: denied */
	const char *detail;
	char canon[RP_PATH_MAX];	/* kernel name of fd, "" if unknown */
	char fwd[RP_PATH_MAX];		/* what to hand to the real dlopen */
};

/* 1 if fd holds an ELF object ld.so would accept here (elf/dl-load.c,
 * open_verify skips other classes and machines and searches on). */
static int
elf_fits(long fd)
{
	ElfW(Ehdr) eh;
	long n = rp_raw4(SYS_pread64, fd, &eh, sizeof(eh), 0);

	if (RP_RAW_ERR(n) || (size_t)n < sizeof(eh))
		return 0;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
		return 1;	/* not ELF: ld.so fails on it, judge it anyway */
#ifdef RP_ELF_MACHINE
	if (eh.e_machine != RP_ELF_MACHINE)
		return 0;
#endif
	return eh.e_ident[EI_CLASS] == (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32);
}

/* Judge the open file `fd` reached as `abs`. */
static void
judge_fd(const struct rp_policy *p, struct judged *j, const char *abs)
{
	int w;

	if (!kernel_name(j->fd, j->canon, sizeof(j->canon)))
		memcpy(j->canon, abs, strlen(abs) + 1);	/* no /proc */
	if (is_memfd_name(j->canon)) {
		if (!p->memfd_exec) {
			j->rule = "memfd";
			j->detail = "MemfdExec deny";
		}
		return;
	}
	if ((w = rp_exec_wx_dir(p, j->canon)) >= 0) {
		j->rule = "wx";
		j->detail = p->writable[w].path;
	}
}

/* Open `path` for judging: a regular file, else -1. */
static long
open_reg(const char *path)
{
	struct stat st;
	long fd = rp_raw4(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);

	if (RP_RAW_ERR(fd))
		return -1;
	if (RP_RAW_ERR(rp_raw2(SYS_fstat, fd, &st)) || !S_ISREG(st.st_mode)) {
		rp_raw1(SYS_close, fd);
		return -1;
	}
	return fd;
}

static void
set_fwd(struct judged *j, const char *s)
{
	size_t n = strlen(s);

	if (n >= sizeof(j->fwd))
		n = sizeof(j->fwd) - 1;
	memcpy(j->fwd, s, n);
	j->fwd[n] = '\0';
}

/* A name with '/'. */
static void
judge_path(const struct rp_policy *p, const char *name, struct judged *j)
{
	char abs[RP_PATH_MAX];
	int moving;

	absolute(name, abs, sizeof(abs));
	moving = repointable(p, abs);
	set_fwd(j, name);
	j->fd = open_reg(name);
	if (j->fd < 0) {
		/* nothing (or no regular file) there now; if the app could put
		 * one there before the real dlopen looks, it must not look */
		if (moving) {
			int w = spelled_writable(p, abs);

			if (w >= 0 && !rp_policy_exec_writable(p, abs, strlen(abs))) {
				j->rule = "wx";
				j->detail = p->writable[w].path;
				memcpy(j->canon, abs, strlen(abs) + 1);
			}
		}
		return;
	}
	judge_fd(p, j, abs);
	if (j->rule || !moving)
		return;
	if (is_memfd_name(j->canon)) {
		struct rp_buf b;

		rp_buf_init(&b, j->fwd, sizeof(j->fwd));
		rp_buf_str(&b, "/proc/self/fd/");
		rp_buf_long(&b, j->fd);
	} else {
		set_fwd(j, j->canon);
	}
}

/* Expand $ORIGIN / ${ORIGIN} (elf/dl-load.c, _dl_dst_substitute) from the
 * caller's directory.  Returns 0, or -1 for another token ($LIB,
 * $PLATFORM), which is not expanded here and so is refused. */
static int
expand_origin(const char *name, const char *origin, char *out, size_t cap)
{
	struct rp_buf b;
	const char *s;

	rp_buf_init(&b, out, cap);
	for (s = name; *s; s++) {
		if (*s != '$') {
			rp_buf_char(&b, *s);
			continue;
		}
		if (strncmp(s + 1, "ORIGIN", 6) == 0 &&
		    !(s[7] == '_' || (s[7] >= 'A' && s[7] <= 'Z') || (s[7] >= 'a' && s[7] <= 'z') ||
		      (s[7] >= '0' && s[7] <= '9'))) {
			rp_buf_str(&b, origin);
			s += 6;
		} else if (strncmp(s + 1, "{ORIGIN}", 8) == 0) {
			rp_buf_str(&b, origin);
			s += 8;
		} else {
			return -1;
		}
	}
	return b.truncated ? -1 : 0;
}

/* A bare name, searched in the caller's list. */
static void
judge_search(const struct rp_policy *p, void *caller, const char *name, struct judged *j)
{
	/* RTLD_DI_SERINFO fills a Dl_serinfo followed by the strings */
	union {
		Dl_serinfo si;
		char bytes[16384];
	} u;
	Dl_serinfo size;
	unsigned int i;

	set_fwd(j, name);
	if (!caller || dlinfo(caller, RTLD_DI_SERINFOSIZE, &size) != 0 ||
	    size.dls_size > sizeof(u))
		return;
	u.si.dls_size = size.dls_size;
	u.si.dls_cnt = size.dls_cnt;
	if (dlinfo(caller, RTLD_DI_SERINFO, &u.si) != 0)
		return;
	for (i = 0; i < u.si.dls_cnt; i++) {
		char path[RP_PATH_MAX], abs[RP_PATH_MAX];
		const char *dir = u.si.dls_serpath[i].dls_name;
		struct rp_buf b;

		rp_buf_init(&b, path, sizeof(path));
		rp_buf_str(&b, dir[0] ? dir : ".");
		rp_buf_char(&b, '/');
		rp_buf_str(&b, name);
		if (b.truncated)
			continue;
		j->fd = open_reg(path);
		if (j->fd < 0)
			continue;
		if (!elf_fits(j->fd)) {
			rp_raw1(SYS_close, j->fd);
			j->fd = -1;
			continue;
		}
		absolute(path, abs, sizeof(abs));
		judge_fd(p, j, abs);
		if (!j->rule)
			set_fwd(j, repointable(p, abs) ? j->canon : path);
		return;
	}
}

/* ---- forwarding --------------------------------------------------------- */

static void *
forward(int ns, Lmid_t lmid, const char *name, int mode)
{
	if (ns)
		return RP_REAL(dlmopen)(lmid, name, mode);
	return RP_REAL(dlopen)(name, mode);
}

/* Make the real loader fail on the explanation, so dlerror() returns it. */
static void *
refuse(const char *name, const struct judged *j)
{
	char msg[RP_PATH_MAX];
	struct rp_buf b;
	size_t k;

	rp_buf_init(&b, msg, sizeof(msg));
	rp_buf_str(&b, RP_DL_MARK "rampart: ");
	rp_buf_str(&b, name);
	rp_buf_str(&b, ": denied: ");
	if (strcmp(j->rule, "wx") == 0) {
		rp_buf_str(&b, "the file ");
		if (j->canon[0] && strcmp(j->canon, name) != 0) {
			rp_buf_str(&b, j->canon);
			rp_buf_char(&b, ' ');
		}
		rp_buf_str(&b, "is beneath the writable dir ");
		rp_buf_str(&b, j->detail);
		rp_buf_str(&b, " (W^X)");
	} else if (strcmp(j->rule, "memfd") == 0) {
		rp_buf_str(&b, "a memfd or deleted file (MemfdExec deny)");
	} else {
		rp_buf_str(&b, j->detail);
	}
	if (b.truncated)
		b.len = sizeof(msg) - 1;
	msg[b.len] = '\0';
	/* '$' would be expanded as a dynamic string token */
	for (k = 0; k < b.len; k++)
		if (msg[k] == '$')
			msg[k] = '?';
	(void)RP_REAL(dlopen)(msg, RTLD_NOW | RTLD_NOLOAD);
	errno = EACCES;
	return NULL;
}

/* The link map of the object containing `ra`.  _dl_find_object (glibc
 * 2.35+, elf/dl-find_object.c) takes no lock and does not scan symbols;
 * dladdr1 scans the symbol table of the object (elf/dl-addr.c,
 * determine_info), thousands of entries for libpython.  Weak, so the shim
 * still loads on an older glibc, which gets dladdr1. */
extern int _dl_find_object(void *, struct dl_find_object *) __attribute__((weak));

static struct link_map *
caller_map(void *ra)
{
	struct link_map *lm = NULL;
	Dl_info info;

	if (_dl_find_object) {
		struct dl_find_object fo;

		if (_dl_find_object(ra, &fo) == 0)
			return fo.dlfo_link_map;
	}
	if (!dladdr1(ra, &info, (void **)&lm, RTLD_DL_LINKMAP))
		return NULL;
	return lm;
}

static void *
load(const char *op, void *ra, int ns, Lmid_t lmid, const char *file, int mode)
{
	const struct rp_policy *p;
	struct judged j;
	struct link_map *caller = NULL;
	char expanded[RP_PATH_MAX];
	const char *name = file;
	void *h;
	RP_SAVE_ERRNO;

	if (rp_in_shim || !file || !file[0] || (mode & RTLD_NOLOAD))
		return forward(ns, lmid, file, mode);	/* maps nothing new */
	rp_ensure_init();
	caller = caller_map(ra);
	if (!ns && caller) {
		/* the caller's namespace (dlfcn/dlopen.c takes it from the
		 * return address, which here would be this library) */
		if (dlinfo(caller, RTLD_DI_LMID, &lmid) == 0 && lmid != LM_ID_BASE)
			ns = 1;
	}
	/* not memset: 8 KiB of paths, each set before it is read */
	j.fd = -1;
	j.rule = j.detail = NULL;
	j.canon[0] = j.fwd[0] = '\0';
	p = policy();
	if (strchr(name, '$')) {
		char origin[RP_PATH_MAX];
		const char *ln = caller && caller->l_name && caller->l_name[0] ? caller->l_name : NULL;
		char *slash;

		if (ln) {
			size_t n = strnlen(ln, sizeof(origin) - 1);

			memcpy(origin, ln, n);
			origin[n] = '\0';
		} else {
			/* the main program (l_name ""): its directory */
			long n = rp_raw4(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", origin,
					 sizeof(origin) - 1);

			origin[RP_RAW_ERR(n) || n < 0 ? 0 : n] = '\0';
		}
		if ((slash = strrchr(origin, '/')))
			*(slash == origin ? slash + 1 : slash) = '\0';
		if (expand_origin(name, origin, expanded, sizeof(expanded)) < 0) {
			j.rule = "dst";
			j.detail = "a dynamic string token other than $ORIGIN";
			goto judged;
		}
		name = expanded;
	}
	if (!p) {
		j.rule = "policy-unavailable";
		j.detail = "the policy could not be loaded";
		goto judged;
	}
	if (strchr(name, '/')) {
		judge_path(p, name, &j);
	} else {
		/* already loaded (by name, soname or file identity): nothing new
		 * is mapped, and the usual handle and reference count result */
		h = forward(ns, lmid, name, mode | RTLD_NOLOAD);
		if (h) {
			RP_RESTORE_ERRNO;
			return h;
		}
		judge_search(p, caller ? (void *)caller : NULL, name, &j);
	}
judged:
	if (j.rule) {
		struct rp_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.op = op;
		ev.path = file;
		ev.target = j.canon[0] && strcmp(j.canon, file) != 0 ? j.canon : NULL;
		ev.rule = j.rule;
		ev.detail = j.detail;
		ev.mode = -1;
		if (rp_deny(&ev)) {
			if (j.fd >= 0)
				rp_raw1(SYS_close, j.fd);
			return refuse(file, &j);
		}
		if (!j.fwd[0])
			set_fwd(&j, name);
	}
	RP_RESTORE_ERRNO;
	h = forward(ns, lmid, j.fwd, mode);
	if (j.fd >= 0) {
		int e = errno;

		rp_raw1(SYS_close, j.fd);
		errno = e;
	}
	return h;
}

RP_EXPORT void *
dlopen(const char *file, int mode)
{
	return load("dlopen", __builtin_return_address(0), 0, LM_ID_BASE, file, mode);
}

RP_EXPORT void *
dlmopen(Lmid_t lmid, const char *file, int mode)
{
	return load("dlmopen", __builtin_return_address(0), 1, lmid, file, mode);
}

RP_EXPORT char *
dlerror(void)
{
	char *m = RP_REAL(dlerror)();
	char *cut;

	if (!m || strncmp(m, RP_DL_MARK "rampart: ", RP_DL_MARK_LEN + 9) != 0)
		return m;
	/* glibc's buffer, ours to shorten: "<name>: cannot open shared
	 * object file: <errno text>" (elf/dl-load.c) */
	cut = strstr(m, ": cannot open shared object file");
	if (cut)
		*cut = '\0';
	return m + RP_DL_MARK_LEN;
}

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
	absolute(raw, abs, sizeof(abs));
	if ((w = spelled_writable(p, abs)) >= 0 &&
	    !rp_policy_exec_writable(p, abs, strlen(abs)))
		return w;
	fd = rp_raw4(SYS_openat, AT_FDCWD, raw, O_PATH | O_CLOEXEC, 0);
	if (RP_RAW_ERR(fd))
		return -1;
	w = kernel_name(fd, canon, sizeof(canon)) ? rp_exec_wx_dir(p, canon) : -1;
	rp_raw1(SYS_close, fd);
	return w;
}

int
rp_loadlib_drop_entry(enum rp_code_var var, const char *entry, size_t n)
{
	const struct rp_policy *p = policy();
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
	ev.rule = p ? "wx" : "policy-unavailable";
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

/* ---- this process ------------------------------------------------------- */

void
rp_loadlib_check_self(void)
{
	int set = 0;
	char **e;

	if (!environ)
		return;
	for (e = environ; *e;) {
		char clean[RP_PATH_MAX], **k;
		size_t n;

		if (strncmp(*e, "GCONV_PATH=", 11) != 0 ||
		    rp_loadlib_clean_list(RP_CODE_GCONV, *e + 11, NULL, clean, sizeof(clean)) == 0) {
			set |= strncmp(*e, "GCONV_PATH=", 11) == 0;
			e++;
			continue;
		}
		n = strlen(clean);
		if (n) {
			/* shorter than before: rewrite the process's own string */
			memmove(*e + 11, clean, n + 1);
			set = 1;
			e++;
			continue;
		}
		/* nothing left: the variable goes (an empty GCONV_PATH would
		 * still turn off glibc's cache) */
		for (k = e; *k; k++)
			k[0] = k[1];
	}
	/* glibc reads the gconv configuration once per process, at the first
	 * conversion (iconv/gconv_db.c, __gconv_load_conf under __libc_once),
	 * and takes GCONV_PATH from the environment at that moment.  Reading
	 * it now means a GCONV_PATH the app sets later (os.environ, setenv)
	 * is never consulted: the modules glibc loads through its internal
	 * __libc_dlopen, which no wrapper sees, come from the image's
	 * configuration only.  Without GCONV_PATH that read is the mmap of
	 * gconv-modules.cache (about 5,000 instructions and 4 system calls);
	 * with it glibc parses every gconv-modules file instead (12 million
	 * instructions), so a process started with GCONV_PATH (checked above)
	 * is left to read it when it first converts (docs/threat-model.md,
	 * "Code loading"). */
	if (!set) {
		iconv_t cd = iconv_open("UTF-8", "UTF-8");

		if (cd != (iconv_t)-1)
			iconv_close(cd);
	}
}
