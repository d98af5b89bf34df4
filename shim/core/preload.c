/* preload.c - see preload.h. */
#include "preload.h"

#include <string.h>

#define RP_PRELOAD_SEPS " :"

long
rp_preload_compose(char *out, size_t cap, const char *shim, const char *old,
		   rp_preload_drop_fn drop, void *ctx)
{
	size_t slen = strlen(shim), len;

	if (cap == 0)
		return -1;
	if (slen >= cap) {
		out[0] = '\0';
		return -1;
	}
	memcpy(out, shim, slen);
	len = slen;
	while (old && *old) {
		size_t n = strcspn(old, RP_PRELOAD_SEPS);

		if (n && !(n == slen && memcmp(old, shim, n) == 0) &&
		    !(drop && drop(ctx, old, n))) {
			if (len + 1 + n >= cap) {
				out[slen] = '\0';	/* keep the shim, nothing half */
				return -1;
			}
			out[len++] = ':';
			memcpy(out + len, old, n);
			len += n;
		}
		old += n;
		old += strspn(old, RP_PRELOAD_SEPS);
	}
	out[len] = '\0';
	return (long)len;
}
