/* fuzz_event.c - libFuzzer target for the event reader of `rampart
 * suggest` (tools/field/json.h), which reads logs anyone could have written to.
 *
 * Properties: never a crash or an overrun; a rejected line has a reason and
 * an offset inside it; an accepted line's strings all lie, NUL-terminated,
 * inside the event's own store, and argv is NULL-terminated and bounded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/field/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
inside(const struct rp_json_event *ev, const char *s)
{
	const char *end = ev->store + sizeof(ev->store);

	if (!s)
		return;
	if (s < ev->store || s >= end || !memchr(s, '\0', (size_t)(end - s)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rp_json_event ev;
	const char *err = NULL;
	size_t at = (size_t)-1;
	int i;

	if (rp_json_parse_event((const char *)data, size, &ev, &err, &at) != 0) {
		if (!err || at > size)
			abort();
		return 0;
	}
	for (i = 0; i < RP_EF_COUNT; i++)
		inside(&ev, ev.f[i]);
	if (ev.argc < 0 || ev.argc > RP_JSON_MAX_ARGV || ev.argv[ev.argc] != NULL)
		abort();
	for (i = 0; i < ev.argc; i++) {
		if (!ev.argv[i])
			abort();
		inside(&ev, ev.argv[i]);
	}
	return 0;
}
