/* event.c - one denial, one JSON line, one write(2).
 *
 * The record is built on the stack (no malloc, no stdio: this runs in
 * vfork children and signal handlers), every string is JSON-escaped
 * because paths and argv are attacker-controlled, and the whole line stays
 * below PIPE_BUF so concurrent writers never interleave on a pipe.
 */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "rawsys.h"
#include "shim.h"
#include "strbuf.h"

#define RP_EVENT_MAX 4000	/* < PIPE_BUF (4096) with room for "}\n" */

/* Append ,"key":"value".  If the value does not fit, the field is rolled
 * back whole (never a half-written string) and *cut is set. */
static void
field(struct rp_buf *b, const char *key, const char *val, size_t maxin, int *cut)
{
	size_t mark = b->len;
	int c = 0;

	rp_buf_str(b, ",\"");
	rp_buf_str(b, key);
	rp_buf_str(b, "\":\"");
	rp_buf_json(b, val, maxin, &c);
	rp_buf_char(b, '"');
	if (b->truncated) {
		b->len = mark;
		b->p[mark] = '\0';
		b->truncated = 0;
		c = 1;
	}
	if (c && cut)
		*cut = 1;
}

/* Is fd 2 still the stream it was at start (or at least not a regular file
 * the app opened after closing it)?  Writing an event into the app's data
 * file would corrupt it. */
static int
stderr_usable(void)
{
	struct stat st;

	if (RP_RAW_ERR(rp_raw2(SYS_fstat, 2, &st)))
		return 0;
	if (!S_ISREG(st.st_mode))
		return 1;	/* pipe, socket, tty, /dev/null: a log stream */
	return rp_state.err_ok && st.st_dev == rp_state.err_dev &&
	       st.st_ino == rp_state.err_ino;
}

/* This process's program, read once: it changes only at execve, which
 * loads the shim afresh (PR_SET_MM, the other way, is denied by the
 * loader's seccomp filter).  A fork child inherits the cached copy, which
 * is still right.  Two threads racing here write the same bytes. */
static const char *
program_path(void)
{
	static char exe[RP_PATH_MAX];
	static int have;
	long n;

	if (__atomic_load_n(&have, __ATOMIC_ACQUIRE))
		return exe;
	n = rp_raw4(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", exe, sizeof(exe) - 1);
	exe[RP_RAW_ERR(n) ? 0 : n] = '\0';
	if (!RP_RAW_ERR(n))
		__atomic_store_n(&have, 1, __ATOMIC_RELEASE);
	return exe;
}

void
rp_event_emit(const struct rp_event *ev)
{
	char buf[PIPE_BUF];
	struct rp_buf b;
	int cut = 0, saved = errno;
	long r;
	struct timespec ts;

	if (!rp_state.log) {
		errno = saved;
		return;
	}
	rp_buf_init(&b, buf, RP_EVENT_MAX);
	rp_buf_str(&b, "{\"rampart\":1");
	clock_gettime(CLOCK_REALTIME, &ts);
	rp_buf_str(&b, ",\"ts\":");
	rp_buf_long(&b, (long)ts.tv_sec);
	rp_buf_char(&b, '.');
	{
		long ms = ts.tv_nsec / 1000000;

		rp_buf_char(&b, (char)('0' + ms / 100));
		rp_buf_char(&b, (char)('0' + ms / 10 % 10));
		rp_buf_char(&b, (char)('0' + ms % 10));
	}
	field(&b, "decision", ev->decision ? ev->decision :
	      rp_state.audit ? "audit" : "deny", 16, NULL);
	field(&b, "op", ev->op, 64, NULL);
	if (ev->path)
		field(&b, "path", ev->path, 1024, &cut);
	if (ev->target)
		field(&b, "target", ev->target, 1024, &cut);
	field(&b, "rule", ev->rule, 64, NULL);
	if (ev->detail)
		field(&b, "detail", ev->detail, 256, &cut);
	if (ev->mode >= 0) {
		char oct[8];
		int i;

		for (i = 6; i >= 0; i--)
			oct[6 - i] = (char)('0' + ((ev->mode >> (3 * i)) & 7));
		oct[7] = '\0';
		field(&b, "mode", oct + 2, 8, NULL);
	}
	rp_buf_str(&b, ",\"pid\":");
	rp_buf_long(&b, rp_raw0(SYS_getpid));
	rp_buf_str(&b, ",\"uid\":");
	rp_buf_long(&b, rp_raw0(SYS_getuid));
	field(&b, "exe", program_path(), RP_PATH_MAX, &cut);
	if (ev->argv) {
		int i;

		rp_buf_str(&b, ",\"argv\":[");
		for (i = 0; i < 32 && ev->argv[i]; i++) {
			size_t mark = b.len;
			int c = 0;

			if (i)
				rp_buf_char(&b, ',');
			rp_buf_char(&b, '"');
			rp_buf_json(&b, ev->argv[i], 256, &c);
			rp_buf_char(&b, '"');
			/* keep room for "]" and the truncation flag */
			if (b.truncated || b.len > RP_EVENT_MAX - 8) {
				b.len = mark;
				b.truncated = 0;
				cut = 1;
				break;
			}
			cut |= c;
		}
		if (ev->argv[i])
			cut = 1;
		rp_buf_char(&b, ']');
	}
	if (cut) {
		/* buf has PIPE_BUF bytes; rp_buf stopped at RP_EVENT_MAX, so the
		 * flag and the closing brace always fit */
		memcpy(buf + b.len, ",\"truncated\":true", 17);
		b.len += 17;
	}
	buf[b.len++] = '}';
	buf[b.len++] = '\n';
	if (stderr_usable()) {
		do
			r = rp_raw3(SYS_write, 2, buf, b.len);
		while (r == -EINTR);
	}
	errno = saved;
}

int
rp_deny(const struct rp_event *ev)
{
	rp_event_emit(ev);
	return !rp_state.audit;
}
