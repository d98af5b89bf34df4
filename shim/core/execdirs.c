/* execdirs.c - see execdirs.h. */
#include "execdirs.h"

#include <string.h>

#include "execdecide.h"

int
rp_exec_dirs_next(struct rp_exec_dirs *it, char *out, size_t cap)
{
	for (;;) {
		const char *e;
		size_t len;

		if (!it->at || !*it->at) {
			if (it->stage >= 2) {
				it->stage = 3;
				return 0;
			}
			it->stage++;
			it->at = it->stage == 1 ? (it->pathenv ? it->pathenv : RP_EXEC_DEFAULT_PATH)
						: RP_EXEC_STD_DIRS;
			continue;
		}
		e = strchr(it->at, ':');
		len = e ? (size_t)(e - it->at) : strlen(it->at);
		if (len && it->at[0] == '/' && len < cap) {
			memcpy(out, it->at, len);
			out[len] = '\0';
			it->at = e ? e + 1 : it->at + len;
			return 1;
		}
		it->at = e ? e + 1 : it->at + len;
	}
}
