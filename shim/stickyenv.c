/* stickyenv.c - see stickyenv.h. */
#include "stickyenv.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "fprint.h"
#include "loadlib.h"
#include "preload.h"
#include "rawsys.h"
#include "strbuf.h"

const char *rp_env_events;

static int
is_var(const char *entry, const char *name, size_t n)
{
	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

const char *
rp_env_value(char *const *env, const char *name)
{
	size_t n = strlen(name);

	for (; env && *env; env++)
		if (is_var(*env, name, n))
			return *env + n + 1;
	return NULL;
}

/* rp_preload_compose's predicate: an entry beneath a writable dir is left
 * out (one event each; audit mode keeps it). */
static int
drop_preload_entry(void *ctx, const char *entry, size_t n)
{
	(void)ctx;
	return rp_loadlib_drop_entry(RP_CODE_PRELOAD, entry, n);
}

/* "LD_PRELOAD=<shim>[:<others>]" (core/preload.h).  `old` is the value
 * ld.so would have used (the last LD_PRELOAD entry wins in elf/rtld.c
 * process_envvars); its other libraries are kept after the shim, whose
 * symbols then win every lookup. */
static void
build_preload(char *out, size_t cap, const char *shim, const char *old)
{
	static const char name[] = "LD_PRELOAD=";

	/* too long: the shim alone (preload.h); a shim path longer than the
	 * buffer leaves "LD_PRELOAD=", which loads nothing rather than a
	 * truncated name */
	memcpy(out, name, sizeof(name));
	rp_preload_compose(out + sizeof(name) - 1, cap - (sizeof(name) - 1), shim, old,
			   drop_preload_entry, NULL);
}

/* ---- loader variables naming code ---------------------------------------
 *
 * LD_LIBRARY_PATH (read by the child's ld.so; the last occurrence wins,
 * elf/rtld.c process_envvars) and GCONV_PATH (read by the child's
 * iconv_open through getenv: the first wins) lose their entries beneath
 * writable dirs (loadlib.c judges them); the variable itself stays, unless
 * nothing is left.  Only when something is removed is the entry replaced.
 */
static const struct {
	const char *name;
	size_t len;
	enum rp_code_var var;
	int last_wins;
} code_vars[RP_ENV_CODE_VARS] = {
	{ "LD_LIBRARY_PATH", 15, RP_CODE_LIBPATH, 1 },
	{ "GCONV_PATH", 10, RP_CODE_GCONV, 0 },
};

static void
clean_code_vars(struct rp_env *e, char *const envp[])
{
	size_t n, i;

	for (i = 0; i < RP_ENV_CODE_VARS; i++) {
		const char *use = NULL;
		int count = 0;
		struct rp_buf b;

		e->code[i] = NULL;
		for (n = 0; envp && envp[n]; n++)
			if (is_var(envp[n], code_vars[i].name, code_vars[i].len)) {
				count++;
				if (!use || code_vars[i].last_wins)
					use = envp[n];
			}
		if (!use)
			continue;
		rp_buf_init(&b, e->codebuf[i], sizeof(e->codebuf[i]));
		rp_buf_str(&b, code_vars[i].name);
		rp_buf_char(&b, '=');
		if (rp_loadlib_clean_list(code_vars[i].var, use + code_vars[i].len + 1, NULL,
					  e->codebuf[i] + b.len, sizeof(e->codebuf[i]) - b.len) == 0)
			continue;
		if (e->codebuf[i][b.len]) {
			e->code[i] = e->codebuf[i];
		} else {
			/* nothing left: the variable goes ("", and codebuf
			 * holds its bare name for unsetenv) */
			e->codebuf[i][b.len - 1] = '\0';
			e->code[i] = "";
		}
	}
}

static int
is_code_var(const struct rp_env *e, const char *entry)
{
	size_t i;

	for (i = 0; i < RP_ENV_CODE_VARS; i++)
		if (e->code[i] && is_var(entry, code_vars[i].name, code_vars[i].len))
			return 1;
	return 0;
}

int
rp_env_make_sticky(struct rp_env *e, char *const envp[], const char *shim,
		   const char *policy, int audit, const char *fprint)
{
	const char *preload_entry = NULL, *policy_entry = NULL, *mode_entry = NULL;
	const char *fprint_entry = NULL, *events_entry = NULL;
	int n_preload = 0, n_policy = 0, n_audit = 0, n_mode = 0, n_fprint = 0, n_events = 0;
	size_t n, k, need;
	char **arr;

	e->envp = (char **)envp;
	e->fixed = 0;
	e->absent = 0;
	e->map = NULL;
	e->maplen = 0;
	for (n = 0; envp && envp[n]; n++) {
		if (is_var(envp[n], "LD_PRELOAD", 10)) {
			n_preload++;
			preload_entry = envp[n];
		} else if (is_var(envp[n], RP_POLICY_ENV, sizeof(RP_POLICY_ENV) - 1)) {
			n_policy++;
			policy_entry = envp[n];
		} else if (is_var(envp[n], "LD_AUDIT", 8)) {
			n_audit++;
		} else if (is_var(envp[n], RP_MODE_ENV, sizeof(RP_MODE_ENV) - 1)) {
			n_mode++;
			mode_entry = envp[n];
		} else if (is_var(envp[n], RP_FPRINT_ENV, sizeof(RP_FPRINT_ENV) - 1)) {
			n_fprint++;
			fprint_entry = envp[n];
		} else if (is_var(envp[n], RP_EVENTS_ENV, sizeof(RP_EVENTS_ENV) - 1)) {
			n_events++;
			events_entry = envp[n];
		}
	}
	if (fprint ? (n_fprint != 1 || strcmp(fprint_entry, fprint) != 0) : n_fprint != 0)
		e->fixed |= RP_ENV_FIXED_FPRINT;
	/* the event sink: a child may not send its events elsewhere, nor lose
	 * the relay by clearing its environment */
	e->events[0] = '\0';
	if (rp_env_events && strlen(rp_env_events) < sizeof(e->events))
		strcpy(e->events, rp_env_events);
	if (e->events[0] ? (n_events != 1 || strcmp(events_entry, e->events) != 0) : n_events != 0)
		e->fixed |= RP_ENV_FIXED_EVENTS;
	strcpy(e->mode, RP_MODE_ENV "=audit");
	if (audit ? (n_mode != 1 || strcmp(mode_entry, e->mode) != 0) : n_mode != 0)
		e->fixed |= RP_ENV_FIXED_MODE;
	if (shim && shim[0]) {
		build_preload(e->preload, sizeof(e->preload), shim,
			      preload_entry ? preload_entry + 11 : NULL);
		if (n_preload != 1 || strcmp(preload_entry, e->preload) != 0)
			e->fixed |= RP_ENV_FIXED_PRELOAD;
	}
	if (policy && policy[0]) {
		struct rp_buf b;

		rp_buf_init(&b, e->policy, sizeof(e->policy));
		rp_buf_str(&b, RP_POLICY_ENV "=");
		rp_buf_str(&b, policy);
		if (n_policy != 1 || strcmp(policy_entry, e->policy) != 0)
			e->fixed |= RP_ENV_FIXED_POLICY;
	}
	if (n_audit)
		e->fixed |= RP_ENV_STRIPPED_AUDIT;
	if (!n_preload)
		e->absent |= e->fixed & RP_ENV_FIXED_PRELOAD;
	if (!n_policy)
		e->absent |= e->fixed & RP_ENV_FIXED_POLICY;
	clean_code_vars(e, envp);
	if (!e->fixed && !e->code[0] && !e->code[1])
		return 0;
	need = n + 6 + RP_ENV_CODE_VARS;
	if (need <= RP_ENV_STACK_SLOTS) {
		arr = e->slots;
	} else {
		long m;

		e->maplen = (need * sizeof(char *) + 4095) & ~(size_t)4095;
		m = rp_raw6(SYS_mmap, 0, e->maplen, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (RP_RAW_ERR(m)) {
			e->maplen = 0;
			return -ENOMEM;
		}
		e->map = (void *)m;
		arr = e->map;
	}
	k = 0;
	if (shim && shim[0])
		arr[k++] = e->preload;
	if (policy && policy[0])
		arr[k++] = e->policy;
	if (audit)
		arr[k++] = e->mode;
	if (fprint)
		arr[k++] = (char *)fprint;
	for (n = 0; n < RP_ENV_CODE_VARS; n++)
		if (e->code[n] && e->code[n][0])
			arr[k++] = (char *)e->code[n];
	if (e->events[0])
		arr[k++] = e->events;
	for (n = 0; envp && envp[n]; n++) {
		if (is_code_var(e, envp[n]))
			continue;
		if (is_var(envp[n], "LD_AUDIT", 8) ||
		    is_var(envp[n], RP_MODE_ENV, sizeof(RP_MODE_ENV) - 1) ||
		    is_var(envp[n], RP_FPRINT_ENV, sizeof(RP_FPRINT_ENV) - 1) ||
		    is_var(envp[n], RP_EVENTS_ENV, sizeof(RP_EVENTS_ENV) - 1))
			continue;
		if (shim && shim[0] && is_var(envp[n], "LD_PRELOAD", 10))
			continue;
		if (policy && policy[0] && is_var(envp[n], RP_POLICY_ENV, sizeof(RP_POLICY_ENV) - 1))
			continue;
		arr[k++] = envp[n];
	}
	arr[k] = NULL;
	e->envp = arr;
	return 0;
}

void
rp_env_release(struct rp_env *e)
{
	if (e->map)
		rp_raw2(SYS_munmap, e->map, e->maplen);
	e->map = NULL;
	e->maplen = 0;
}

unsigned
rp_env_tampering(const struct rp_env *e, int start_had_preload, int start_had_policy)
{
	unsigned bits = e->fixed;

	if (!start_had_preload)
		bits &= ~(e->absent & RP_ENV_FIXED_PRELOAD);
	if (!start_had_policy)
		bits &= ~(e->absent & RP_ENV_FIXED_POLICY);
	return bits;
}

/* The repairs of bits 1..8, in RP_ENV_* order; bit 16 adds
 * ", RAMPART_DENY_IDS reset", bit 32 ", RAMPART_EVENTS reset". */
#define RP_FIXED_TEXTS(X) \
	X("") \
	X("LD_PRELOAD restored") \
	X("RAMPART_POLICY restored") \
	X("LD_PRELOAD and RAMPART_POLICY restored") \
	X("LD_AUDIT removed") \
	X("LD_PRELOAD restored, LD_AUDIT removed") \
	X("RAMPART_POLICY restored, LD_AUDIT removed") \
	X("LD_PRELOAD and RAMPART_POLICY restored, LD_AUDIT removed") \
	X("RAMPART_MODE reset") \
	X("LD_PRELOAD restored, RAMPART_MODE reset") \
	X("RAMPART_POLICY restored, RAMPART_MODE reset") \
	X("LD_PRELOAD and RAMPART_POLICY restored, RAMPART_MODE reset") \
	X("LD_AUDIT removed, RAMPART_MODE reset") \
	X("LD_PRELOAD restored, LD_AUDIT removed, RAMPART_MODE reset") \
	X("RAMPART_POLICY restored, LD_AUDIT removed, RAMPART_MODE reset") \
	X("LD_PRELOAD and RAMPART_POLICY restored, LD_AUDIT removed, RAMPART_MODE reset")
#define RP_PLAIN(s) s,
#define RP_WITH_FPRINT(s) s ", " RP_FPRINT_ENV " reset",
#define RP_WITH_EVENTS(s) s ", " RP_EVENTS_ENV " reset",
#define RP_WITH_BOTH(s) s ", " RP_FPRINT_ENV " reset, " RP_EVENTS_ENV " reset",

const char *
rp_env_fixed_text(unsigned fixed)
{
	/* indexed by the RP_ENV_* bits; static strings, so an event can point
	 * at them from a vfork child */
	static const char *const text[64] = {
		RP_FIXED_TEXTS(RP_PLAIN)
		RP_FIXED_TEXTS(RP_WITH_FPRINT)
		RP_FIXED_TEXTS(RP_WITH_EVENTS)
		RP_FIXED_TEXTS(RP_WITH_BOTH)
	};

	unsigned i = fixed & 63;

	/* no repair of bits 1..8 before it: drop the leading ", " */
	return (i & 15) == 0 && i ? text[i] + 2 : text[i];
}
