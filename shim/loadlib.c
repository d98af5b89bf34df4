/* loadlib.c - library loading: dlopen, dlmopen, dlerror.
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
 * still no malloc and no stdio here.  The loader variables (a child's
 * LD_PRELOAD, LD_LIBRARY_PATH, GCONV_PATH; this process's GCONV_PATH) are
 * loadvars.c; the helpers both use are declared in loadparts.h.
 */
#include "loadlib.h"
#include "loadparts.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/stat.h>

#include "execdecide.h"
#include "fdname.h"
#include "rawsys.h"
#include "roots.h"
#include "rules.h"
#include "shim.h"
#include "strbuf.h"

/* The name the real dlopen is made to fail on: "/dev/null" is no
 * directory, so the open fails with ENOTDIR (ENOENT without /dev). */
#define RP_DL_MARK "/dev/null/"
#define RP_DL_MARK_LEN (sizeof(RP_DL_MARK) - 1)

#if defined(__x86_64__)
#define RP_ELF_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define RP_ELF_MACHINE EM_AARCH64
#endif

const struct rp_policy *
rp_load_policy(void)
{
	return rp_state.policy_ok ? &rp_state.policy : NULL;
}

size_t
rp_load_kernel_name(long fd, char *out, size_t cap)
{
	long n = rp_fd_name(fd, out, cap);

	return n > 0 && out[0] == '/' ? (size_t)n : 0;
}

/* `path` made absolute against the cwd, runs of '/' and "." squeezed,
 * ".." kept (a ".." below a writable dir is walked from inside it). */
void
rp_load_absolute(const char *path, char *out, size_t cap)
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

/* 1 if the app may change what `abs` names after the check. */
static int
repointable(const struct rp_policy *p, const char *abs)
{
	return strncmp(abs, "/proc/", 6) == 0 || strncmp(abs, "/dev/", 5) == 0 ||
	       strcmp(abs, "/proc") == 0 || rp_spelled_root(abs) >= 0;
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

	if (!rp_load_kernel_name(j->fd, j->canon, sizeof(j->canon)))
		memcpy(j->canon, abs, strlen(abs) + 1);	/* no /proc */
	if (is_memfd_name(j->canon)) {
		if (!p->memfd_exec) {
			j->rule = RP_RULE(MEMFD);
			j->detail = "MemfdExec deny";
		}
		return;
	}
	if ((w = rp_exec_wx_dir(p, j->canon)) >= 0) {
		j->rule = RP_RULE(WX);
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

	rp_load_absolute(name, abs, sizeof(abs));
	moving = repointable(p, abs);
	set_fwd(j, name);
	j->fd = open_reg(name);
	if (j->fd < 0) {
		/* nothing (or no regular file) there now; if the app could put
		 * one there before the real dlopen looks, it must not look */
		if (moving) {
			int w = rp_spelled_root(abs);

			if (w >= 0 && !rp_policy_exec_writable(p, abs, strlen(abs))) {
				j->rule = RP_RULE(WX);
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
		rp_fd_path(j->fwd, (int)j->fd);
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
		rp_load_absolute(path, abs, sizeof(abs));
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
	if (strcmp(j->rule, RP_RULE(WX)) == 0) {
		rp_buf_str(&b, "the file ");
		if (j->canon[0] && strcmp(j->canon, name) != 0) {
			rp_buf_str(&b, j->canon);
			rp_buf_char(&b, ' ');
		}
		rp_buf_str(&b, "is beneath the writable dir ");
		rp_buf_str(&b, j->detail);
		rp_buf_str(&b, " (W^X)");
	} else if (strcmp(j->rule, RP_RULE(MEMFD)) == 0) {
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
	p = rp_load_policy();
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
			j.rule = RP_RULE(DST);
			j.detail = "a dynamic string token other than $ORIGIN";
			goto judged;
		}
		name = expanded;
	}
	if (!p) {
		j.rule = RP_RULE(POLICY_UNAVAILABLE);
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
