/* stickyenv.c - see stickyenv.h. */
#include "stickyenv.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "rawsys.h"
#include "strbuf.h"

static int
is_var(const char *entry, const char *name, size_t n)
{
	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

/* "LD_PRELOAD=<shim>[:<others>]".  `old` is the value ld.so would have
 * used (the last LD_PRELOAD entry wins in elf/rtld.c process_envvars);
 * its other libraries are kept after the shim, whose symbols then win
 * every lookup.  Entries are separated by blanks or colons (ld.so(8)). */
static void
build_preload(char *out, size_t cap, const char *shim, const char *old)
{
	struct rp_buf b;
	size_t slen = strlen(shim);

	rp_buf_init(&b, out, cap);
	rp_buf_str(&b, "LD_PRELOAD=");
	rp_buf_str(&b, shim);
	while (old && *old) {
		size_t n = strcspn(old, " :");

		if (n && !(n == slen && memcmp(old, shim, n) == 0)) {
			rp_buf_char(&b, ':');
			rp_buf_mem(&b, old, n);
		}
		old += n;
		old += strspn(old, " :");
	}
	if (b.truncated) {	/* keep the shim, drop what does not fit */
		rp_buf_init(&b, out, cap);
		rp_buf_str(&b, "LD_PRELOAD=");
		rp_buf_str(&b, shim);
	}
}

int
rp_env_make_sticky(struct rp_env *e, char *const envp[], const char *shim,
		   const char *policy, int audit)
{
	const char *preload_entry = NULL, *policy_entry = NULL, *mode_entry = NULL;
	int n_preload = 0, n_policy = 0, n_audit = 0, n_mode = 0;
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
		}
	}
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
	if (!e->fixed)
		return 0;
	need = n + 4;
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
	for (n = 0; envp && envp[n]; n++) {
		if (is_var(envp[n], "LD_AUDIT", 8) ||
		    is_var(envp[n], RP_MODE_ENV, sizeof(RP_MODE_ENV) - 1))
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

const char *
rp_env_fixed_text(unsigned fixed)
{
	/* indexed by the RP_ENV_* bits; static strings, so an event can point
	 * at them from a vfork child */
	static const char *const text[16] = {
		"",
		"LD_PRELOAD restored",
		"RAMPART_POLICY restored",
		"LD_PRELOAD and RAMPART_POLICY restored",
		"LD_AUDIT removed",
		"LD_PRELOAD restored, LD_AUDIT removed",
		"RAMPART_POLICY restored, LD_AUDIT removed",
		"LD_PRELOAD and RAMPART_POLICY restored, LD_AUDIT removed",
		"RAMPART_MODE reset",
		"LD_PRELOAD restored, RAMPART_MODE reset",
		"RAMPART_POLICY restored, RAMPART_MODE reset",
		"LD_PRELOAD and RAMPART_POLICY restored, RAMPART_MODE reset",
		"LD_AUDIT removed, RAMPART_MODE reset",
		"LD_PRELOAD restored, LD_AUDIT removed, RAMPART_MODE reset",
		"RAMPART_POLICY restored, LD_AUDIT removed, RAMPART_MODE reset",
		"LD_PRELOAD and RAMPART_POLICY restored, LD_AUDIT removed, RAMPART_MODE reset",
	};

	return text[fixed & 15];
}
