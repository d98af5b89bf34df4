/* init.c - resolve the real functions, read the policy.
 *
 * Runs from the library constructor, or earlier from the first wrapper
 * that needs it (a DT_NEEDED library's constructor runs before ours and may
 * already open files: docs/threat-model.md, P1).  All work here happens
 * while the process is still single-threaded in practice; it still uses an
 * atomic state word so a second thread waits rather than reading a half
 * built policy.
 */
#include "shim.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>

#include "execdecide.h"
#include "fprint.h"
#include "rawsys.h"
#include "rules.h"
#include "strbuf.h"

struct rp_real rp_real;
struct rp_state rp_state;
__thread int rp_in_shim __attribute__((tls_model("initial-exec")));

extern char **environ;

/* Fixed descriptor floor for the shim's own directory fds: far above what
 * programs count on (the first open returning 3), below the usual 1024
 * soft limit. */

/* ---- the real functions --------------------------------------------------
 * dlsym(RTLD_NEXT, NAME) for each of ~90 names costs ~850 instructions a
 * name (the lookup walks every object's hash chain under the loader lock,
 * behind an exception frame).  Instead the constructor walks the objects
 * after the shim once (dl_iterate_phdr, load order: the global scope as
 * the process started) and looks each name up in their GNU hash tables
 * itself, with the rules of glibc's elf/dl-lookup.c (do_lookup_x,
 * check_match) for an unversioned lookup that returns the newest version:
 * the first object with a defined, non-local symbol of that name wins; a
 * symbol version marked hidden is never taken; an object with several
 * visible versions, an IFUNC, a TLS or unique symbol, an object without a
 * GNU hash table, or a process that already dlopen'ed or unloaded
 * something is left to dlsym, which stays the fallback for every name the
 * walk could not settle. */

#define RP_NSYMS_MAX 128
#define RP_OBJS_MAX 32

struct obj_syms {
	ElfW(Addr) base;
	const ElfW(Sym) *sym;
	const char *str;
	const uint32_t *gnu;
	const ElfW(Half) *versym;
};

struct walk {
	const void *self_addr;		/* an address inside the shim */
	int seen_self;
	int bad;			/* an object the walk cannot read: all to dlsym */
	int nobj;
	unsigned long objects;		/* objects listed */
	unsigned long long adds, subs;	/* dlpi_adds, dlpi_subs */
	struct obj_syms obj[RP_OBJS_MAX];
	const char *self_name;
};

static int
contains(const struct dl_phdr_info *info, const void *addr)
{
	ElfW(Addr) a = (ElfW(Addr))addr;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		ElfW(Addr) lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && a >= lo && a - lo < ph->p_memsz)
			return 1;
	}
	return 0;
}

/* ld.so relocates the d_ptr values of a loaded object's dynamic section
 * in place (elf/get-dynamic-info.h); the vDSO's stay offsets. */
static const void *
dyn_ptr(ElfW(Addr) base, ElfW(Addr) p)
{
	return (const void *)(p < base ? p + base : p);
}

static int
walk_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct walk *w = data;
	const ElfW(Dyn) *d = NULL;
	struct obj_syms o;
	int i;

	(void)size;
	w->objects++;
	w->adds = info->dlpi_adds;
	w->subs = info->dlpi_subs;
	if (!w->seen_self) {
		if (contains(info, w->self_addr)) {
			w->seen_self = 1;
			w->self_name = info->dlpi_name;
		}
		return 0;
	}
	for (i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			d = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
	if (!d)
		return 0;	/* no dynamic symbols: nothing dlsym could find */
	memset(&o, 0, sizeof(o));
	o.base = info->dlpi_addr;
	for (; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_SYMTAB)
			o.sym = dyn_ptr(o.base, d->d_un.d_ptr);
		else if (d->d_tag == DT_STRTAB)
			o.str = dyn_ptr(o.base, d->d_un.d_ptr);
		else if (d->d_tag == DT_GNU_HASH)
			o.gnu = dyn_ptr(o.base, d->d_un.d_ptr);
		else if (d->d_tag == DT_VERSYM)
			o.versym = dyn_ptr(o.base, d->d_un.d_ptr);
	}
	if (!o.sym || !o.str || !o.gnu || w->nobj >= RP_OBJS_MAX) {
		w->bad = 1;
		return 1;
	}
	w->obj[w->nobj++] = o;
	return 0;
}

static uint32_t
gnu_hash(const char *s)
{
	uint32_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

/* 1 = defined here (*out), 0 = not here, -1 = only dlsym can tell. */
static int
obj_lookup(const struct obj_syms *o, const char *name, uint32_t h, void **out)
{
	enum { BITS = sizeof(ElfW(Addr)) * 8 };
	uint32_t nbuckets = o->gnu[0], symoffset = o->gnu[1];
	uint32_t nbloom = o->gnu[2], shift = o->gnu[3];
	const ElfW(Addr) *bloom = (const ElfW(Addr) *)(o->gnu + 4);
	const uint32_t *buckets = (const uint32_t *)(bloom + nbloom);
	const uint32_t *chain = buckets + nbuckets;
	const ElfW(Sym) *visible = NULL;
	ElfW(Addr) word;
	uint32_t i;
	int nvisible = 0;

	if (nbuckets == 0 || nbloom == 0 || (nbloom & (nbloom - 1)) != 0)
		return nbuckets == 0 ? 0 : -1;
	word = bloom[(h / BITS) & (nbloom - 1)];
	if (!((word >> (h % BITS)) & (word >> ((h >> shift) % BITS)) & 1))
		return 0;
	i = buckets[h % nbuckets];
	if (i < symoffset)
		return 0;
	for (;; i++) {
		uint32_t ch = chain[i - symoffset];
		const ElfW(Sym) *s = &o->sym[i];

		if ((ch | 1) == (h | 1) && strcmp(o->str + s->st_name, name) == 0 &&
		    s->st_shndx != SHN_UNDEF && s->st_value != 0 &&
		    ELF64_ST_BIND(s->st_info) != STB_LOCAL) {
			unsigned type = ELF64_ST_TYPE(s->st_info);

			if (type == STT_GNU_IFUNC || type == STT_TLS ||
			    ELF64_ST_BIND(s->st_info) == STB_GNU_UNIQUE)
				return -1;
			if (type != STT_FUNC && type != STT_NOTYPE && type != STT_OBJECT)
				return -1;
			if (!o->versym || (o->versym[i] & 0x7fff) < 2) {
				*out = (void *)(o->base + s->st_value);
				return 1;	/* unversioned, or the base version */
			}
			if (!(o->versym[i] & 0x8000)) {
				visible = s;
				nvisible++;
			}
		}
		if (ch & 1)
			break;
	}
	if (nvisible == 1) {
		*out = (void *)(o->base + visible->st_value);
		return 1;
	}
	return nvisible ? -1 : 0;
}

/* Per name: 1 = settled by the walk (found, or in no object), 0 = dlsym. */
static unsigned char settled[RP_NSYMS_MAX];
static int walked;

static void
resolve_by_walk(void)
{
	static struct walk w;
	static const char *const names[] = {
#define RP_NAME(ret, name, params) #name,
		RP_SYMBOLS(RP_NAME)
#undef RP_NAME
	};
	void **slot[] = {
#define RP_SLOT(ret, name, params) (void **)&rp_real.name,
		RP_SYMBOLS(RP_SLOT)
#undef RP_SLOT
	};
	size_t k;
	int j;

	_Static_assert(sizeof(names) / sizeof(names[0]) <= RP_NSYMS_MAX, "RP_NSYMS_MAX");
	if (__atomic_exchange_n(&walked, 1, __ATOMIC_ACQ_REL))
		return;		/* once; a concurrent caller uses dlsym */
	memset(&w, 0, sizeof(w));
	w.self_addr = (const void *)&resolve_by_walk;
	dl_iterate_phdr(walk_object, &w);
	if (w.seen_self && w.self_name && w.self_name[0] == '/' &&
	    strlen(w.self_name) < sizeof(rp_state.shim_path))
		strcpy(rp_state.shim_path, w.self_name);
	/* Only the objects the process started with, all in the global
	 * scope: after a dlopen (RTLD_LOCAL objects are listed but not
	 * searched) or an unload, dl_iterate_phdr's list is not the scope. */
	if (!w.seen_self || w.bad || w.subs != 0 || w.adds > w.objects)
		return;
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		uint32_t h = gnu_hash(names[k]);
		void *f = NULL;
		int r = 0;

		for (j = 0; j < w.nobj && r == 0; j++)
			r = obj_lookup(&w.obj[j], names[k], h, &f);
		if (r < 0)
			continue;
		if (r > 0 && !__atomic_load_n(slot[k], __ATOMIC_ACQUIRE))
			__atomic_store_n(slot[k], f, __ATOMIC_RELEASE);
		settled[k] = 1;
	}
}

void
rp_resolve_all(void)
{
	size_t k = 0;

	/* dlsym takes the loader lock and may allocate on failure; it runs
	 * here, from the constructor, and only as a fallback from a wrapper
	 * that runs before it.  Each store is release-ordered so RP_REAL()
	 * in another thread sees a complete pointer. */
	resolve_by_walk();
#define RP_RESOLVE(ret, name, params)                                       \
	if (!settled[k] && !__atomic_load_n(&rp_real.name, __ATOMIC_ACQUIRE)) { \
		void *f = dlsym(RTLD_NEXT, #name);                           \
		if (f)                                                       \
			__atomic_store_n((void **)&rp_real.name, f,          \
					 __ATOMIC_RELEASE);                  \
	}                                                                    \
	k++;
	RP_SYMBOLS(RP_RESOLVE)
#undef RP_RESOLVE
	/* posix_spawn and posix_spawnp exist in two versions: dlvsym keeps
	 * the version semantics exactly (four calls). */
#define RP_VRESOLVE(name, sym, version, dflt)                               \
	if (!__atomic_load_n(&rp_real.sym, __ATOMIC_ACQUIRE)) {              \
		void *f = dlvsym(RTLD_NEXT, #name, version);                 \
		if (f)                                                       \
			__atomic_store_n((void **)&rp_real.sym, f,           \
					 __ATOMIC_RELEASE);                  \
	}
	RP_VERSIONED_SYMBOLS(RP_VRESOLVE)
#undef RP_VRESOLVE
}

static const char *
env_lookup(const char *name)
{
	/* getenv() is fine too, but this keeps the shim's own reads of the
	 * environment in one obvious place. */
	size_t n = strlen(name);
	char **e;

	if (!environ)
		return NULL;
	for (e = environ; *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static void
say(const char *msg1, const char *msg2, const char *msg3)
{
	char buf[1024];
	struct rp_buf b;
	long r;

	rp_buf_init(&b, buf, sizeof(buf));
	rp_buf_str(&b, "rampart: ");
	rp_buf_str(&b, msg1);
	if (msg2)
		rp_buf_str(&b, msg2);
	if (msg3)
		rp_buf_str(&b, msg3);
	if (b.truncated)
		b.len = sizeof(buf) - 2;
	buf[b.len++] = '\n';
	do
		r = rp_raw3(SYS_write, 2, buf, b.len);
	while (r == -EINTR);
}

/* First policy error, kept for the one fail-closed message. */
static char first_error[768];

static void
policy_diag(void *ctx, const char *file, int line, const char *msg)
{
	struct rp_buf b;

	(void)ctx;
	if (first_error[0])
		return;
	rp_buf_init(&b, first_error, sizeof(first_error));
	rp_buf_str(&b, file);
	rp_buf_char(&b, ':');
	rp_buf_long(&b, line);
	rp_buf_str(&b, ": ");
	rp_buf_str(&b, msg);
}

static void
set_policy_path(const char *p)
{
	struct rp_buf b;

	rp_buf_init(&b, rp_state.policy_path, sizeof(rp_state.policy_path));
	if (p[0] != '/') {
		/* make it absolute now: the sticky environment must still name
		 * the same file after the app changes directory */
		char cwd[RP_PATH_MAX];
		long r = rp_raw2(SYS_getcwd, cwd, sizeof(cwd));

		if (!RP_RAW_ERR(r)) {
			rp_buf_str(&b, cwd);
			rp_buf_char(&b, '/');
		}
	}
	rp_buf_str(&b, p);
}

static void
find_shim_path(void)
{
	Dl_info info;

	if (rp_state.shim_path[0])
		return;		/* the symbol walk found it (resolve_by_walk) */
	if (dladdr((void *)&rp_ensure_init, &info) && info.dli_fname &&
	    info.dli_fname[0] == '/' && strlen(info.dli_fname) < sizeof(rp_state.shim_path))
		strcpy(rp_state.shim_path, info.dli_fname);
}

static void
do_init(void)
{
	const char *p;
	struct stat st;

	rp_resolve_all();
	find_shim_path();
	if (!RP_RAW_ERR(rp_raw2(SYS_fstat, 2, &st))) {
		rp_state.err_dev = st.st_dev;
		rp_state.err_ino = st.st_ino;
		rp_state.err_ok = 1;
	}
	/* the loader's fingerprints of the files it made unreadable */
	rp_exec_set_fingerprints(env_lookup(RP_FPRINT_ENV));
	rp_state.start_preload = env_lookup("LD_PRELOAD") != NULL;
	p = env_lookup(RP_POLICY_ENV);
	rp_state.start_policy = p != NULL;
	if (!p || !*p)
		p = RP_POLICY_DEFAULT_PATH;
	set_policy_path(p);
	rp_state.log = 1;
	if (rp_policy_load(&rp_state.policy, rp_state.policy_path, policy_diag, NULL) != 0) {
		rp_state.policy_ok = 0;
		rp_state.audit = 0;
		rp_state.fail_reason = RP_RULE(POLICY_UNAVAILABLE);
		say("cannot load policy: ", first_error,
		    "; denying every file modification and exec that needs a decision");
		return;
	}
	rp_state.audit = rp_state.policy.mode == RP_MODE_AUDIT;
	/* `rampart --audit` reaches the shim through RAMPART_MODE.  The exec
	 * wrappers keep that variable at the value this process started
	 * with (stickyenv.c), so an app cannot switch its children to audit. */
	p = env_lookup(RP_MODE_ENV);
	if (p && strcmp(p, "audit") == 0) {
		rp_state.audit = 1;
		rp_state.mode_env_audit = 1;
	}
	rp_state.log = rp_state.policy.log == RP_LOG_STDERR;
	rp_state.policy_ok = 1;	/* the roots are found at the first decision */
	/* Not dumpable (no core file, no ptrace attach by the same uid) unless
	 * the policy says CoreDumps yes.  The loader sets this too, but execve
	 * resets it (fs/exec.c, begin_new_exec): only code that runs after
	 * the exec, like this constructor, can make it hold for the app.  A
	 * process that is not dumpable can still read its own /proc/self. */
	if (!rp_state.policy.core_dumps)
		rp_raw2(SYS_prctl, PR_SET_DUMPABLE, 0);
}

void
rp_ensure_init(void)
{
	int expect = RP_READY_NO;
	int spins;

	if (__atomic_load_n(&rp_state.ready, __ATOMIC_ACQUIRE) == RP_READY_YES)
		return;
	if (__atomic_compare_exchange_n(&rp_state.ready, &expect, RP_READY_BUSY, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		rp_in_shim++;
		do_init();
		rp_event_init();	/* where events go (event.c) */
		rp_in_shim--;
		__atomic_store_n(&rp_state.ready, RP_READY_YES, __ATOMIC_RELEASE);
		return;
	}
	/* Another thread is initialising, or this thread re-entered from a
	 * signal handler during init.  Wait a bounded time; if it is still not
	 * ready the caller sees policy_ok == 0 and fails closed. */
	for (spins = 0; spins < 2000; spins++) {
		struct timespec ts = { 0, 50000 };

		if (__atomic_load_n(&rp_state.ready, __ATOMIC_ACQUIRE) == RP_READY_YES)
			return;
		rp_raw2(SYS_nanosleep, &ts, NULL);
	}
}
