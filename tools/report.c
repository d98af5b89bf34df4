/* report.c - see report.h. */
#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "landlock.h"
#include "policy.h"
#include "strbuf.h"

void
rp_warnings_add(struct rp_warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (w->n >= RP_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(w->msg[w->n++], sizeof(w->msg[0]), fmt, ap);
	va_end(ap);
}

const char *const rp_phase_names[RP_PH_COUNT] = {
	"parse", "decide", "resolve", "fingerprints", "landlock_build", "fds", "privileges",
	"warnings", "restrict", "checks", "seccomp", "environment",
};

/* CLOCK_MONOTONIC is read through the vDSO: no system call per mark. */
static struct timespec phase_mark;
static long phase_ns[RP_PH_COUNT];
static int phase_on;

void
rp_phase_begin(void)
{
	clock_gettime(CLOCK_MONOTONIC, &phase_mark);
	phase_on = 1;
}

void
rp_phase_end(enum rp_phase ph)
{
	struct timespec now;

	if (!phase_on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	phase_ns[ph] += (now.tv_sec - phase_mark.tv_sec) * 1000000000L +
			(now.tv_nsec - phase_mark.tv_nsec);
	phase_mark = now;
}

static void
json_str(struct rp_buf *b, const char *key, const char *val)
{
	int cut = 0;

	rp_buf_str(b, ",\"");
	rp_buf_str(b, key);
	rp_buf_str(b, "\":");
	if (!val) {
		rp_buf_str(b, "null");
		return;
	}
	rp_buf_char(b, '"');
	rp_buf_json(b, val, 1024, &cut);
	rp_buf_char(b, '"');
}

static void
json_long(struct rp_buf *b, const char *key, long val)
{
	rp_buf_str(b, ",\"");
	rp_buf_str(b, key);
	rp_buf_str(b, "\":");
	rp_buf_long(b, val);
}

size_t
rp_report_format(const struct rp_plan *pl, char *buf, size_t bufsz)
{
	char rights[256];
	struct rp_buf b;
	int i, first = 1, cut;

	rp_buf_init(&b, buf, bufsz - 1);
	rp_buf_str(&b, "{\"rampart\":\"");
	rp_buf_str(&b, pl->applied ? "startup" : "plan");
	rp_buf_char(&b, '"');
	json_str(&b, "mode", pl->audit ? "audit" : "enforce");
	json_long(&b, "uid", (long)pl->uid);
	json_long(&b, "gid", (long)pl->gid);
	json_str(&b, "user", pl->user);
	rp_buf_str(&b, ",\"caps_kept\":[");
	for (i = 0; i < RP_CAP_COUNT; i++)
		if (pl->caps_kept & (1ULL << i)) {
			rp_buf_str(&b, first ? "\"CAP_" : ",\"CAP_");
			rp_buf_str(&b, rp_cap_names[i]);
			rp_buf_char(&b, '"');
			first = 0;
		}
	rp_buf_char(&b, ']');
	rp_buf_str(&b, ",\"no_new_privs\":");
	rp_buf_str(&b, pl->nnp ? "true" : "false");
	rp_buf_str(&b, ",\"landlock\":{\"abi\":");
	rp_buf_long(&b, pl->landlock_abi);
	json_str(&b, "state", pl->landlock_state);
	rp_landlock_rights_str(pl->landlock_handled, rights, sizeof(rights));
	json_str(&b, "handled", rights);
	json_long(&b, "rules", (long)pl->landlock_rules);
	json_long(&b, "withheld_files", (long)pl->landlock_withheld);
	json_long(&b, "build_us", pl->landlock_build_us);
	if (pl->landlock_abi_capped) {
		rp_buf_str(&b, ",\"abi_capped\":true");
		json_long(&b, "abi_kernel", pl->landlock_abi_kernel);
	}
	json_long(&b, "fingerprints", pl->fingerprints);
	json_long(&b, "fingerprint_us", pl->fingerprint_us);
	rp_buf_str(&b, "},\"seccomp\":{\"state\":\"");
	rp_buf_json(&b, pl->seccomp_state ? pl->seccomp_state : "", 256, &cut);
	rp_buf_char(&b, '"');
	json_long(&b, "rules", (long)pl->seccomp_rules);
	json_str(&b, "action", pl->seccomp_action);
	rp_buf_str(&b, "},\"core_dumps\":");
	rp_buf_str(&b, pl->core_dumps ? "true" : "false");
	json_str(&b, "memory_wx", pl->memory_wx ? pl->memory_wx : "off");
	json_str(&b, "shim", pl->shim);
	json_str(&b, "policy", pl->policy);
	json_str(&b, "command", pl->command);
	if (pl->probes) {	/* the layers' self-test (probes.c) */
		rp_buf_str(&b, ",\"probes\":");
		rp_buf_str(&b, pl->probes);
	}
	rp_buf_str(&b, ",\"warnings\":[");
	for (i = 0; i < pl->warn.n; i++) {
		rp_buf_str(&b, i ? ",\"" : "\"");
		rp_buf_json(&b, pl->warn.msg[i], sizeof(pl->warn.msg[i]), &cut);
		rp_buf_char(&b, '"');
	}
	rp_buf_str(&b, "],\"errors\":[");
	for (i = 0; i < pl->errors.n; i++) {
		rp_buf_str(&b, i ? ",\"" : "\"");
		rp_buf_json(&b, pl->errors.msg[i], sizeof(pl->errors.msg[i]), &cut);
		rp_buf_char(&b, '"');
	}
	rp_buf_char(&b, ']');
	if (pl->applied && phase_on) {
		rp_buf_str(&b, ",\"phases_us\":{");
		for (i = 0; i < RP_PH_COUNT; i++) {
			rp_buf_str(&b, i ? ",\"" : "\"");
			rp_buf_str(&b, rp_phase_names[i]);
			rp_buf_str(&b, "\":");
			rp_buf_long(&b, (phase_ns[i] + 500) / 1000);
		}
		rp_buf_char(&b, '}');
	}
	rp_buf_char(&b, '}');
	if (b.truncated) {
		/* never emit half a JSON object */
		b.len = 0;
		rp_buf_init(&b, buf, bufsz - 1);
		rp_buf_str(&b, "{\"rampart\":\"startup\",\"truncated\":true}");
	}
	buf[b.len++] = '\n';
	buf[b.len] = '\0';
	return b.len;
}

void
rp_report_emit(const struct rp_plan *pl)
{
	/* warnings and errors at their bounds, JSON-escaped, fit */
	static char buf[65536];
	size_t n = rp_report_format(pl, buf, sizeof(buf));
	ssize_t w;

	do
		w = write(2, buf, n);
	while (w < 0 && errno == EINTR);
}
