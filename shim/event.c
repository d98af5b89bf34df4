/* event.c - one denial, one JSON line, one write to the event sink.
 *
 * The record is built on the stack (no malloc, no stdio: this runs in
 * vfork children and signal handlers), every string is JSON-escaped
 * because paths and argv are attacker-controlled, and the whole line stays
 * below PIPE_BUF so concurrent writers never interleave on a pipe.
 *
 * Where the line goes is decided once per process (rp_event_init) and
 * never depends on the descriptors the app kept: a child whose stderr was
 * captured, redirected or closed (subprocess capture_output=True, 2>/dev/null,
 * a daemon that closed everything) still reaches the sink.  Each event
 * opens the sink afresh (a socket, the file or the FIFO), writes once and
 * closes it: no descriptor of ours survives for the app to close or dup2
 * over, and a datagram or an O_APPEND write below PIPE_BUF is never torn.
 * If the sink cannot take the line, it goes to fd 2 as before, and the
 * first such line of the process says why (docs/events.md).
 *
 * The relay acknowledges each line once it is written (relay_send): the
 * call that made the event returns only when the line is in the log, so
 * an app that exits right after a denial cannot take its event with it
 * (PID 1's exit kills the relay, kernel/pid_namespace.c).  The socket is
 * per event, like the other sinks: a cached one would be shared by a
 * fork child and its parent, each reading the other's ack.
 */
#include "shim.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>

#include "eventfields.h"
#include "rawsys.h"
#include "strbuf.h"
#include "stickyenv.h"

#define RP_EVENT_MAX 4000	/* < PIPE_BUF (4096) with room for "}\n" */
#define RP_RELAY_ACK_MS 200	/* a relay that does not answer in this is dead */

extern char **environ;

enum sink { SINK_FD2 = 0, SINK_RELAY, SINK_FILE, SINK_SOCKET, SINK_FIFO };

/* Decided once in the constructor, read-only afterwards (a fork child
 * inherits the same decision). */
static struct {
	int kind;			/* enum sink */
	struct sockaddr_un addr;	/* SINK_RELAY (abstract), SINK_SOCKET */
	unsigned addrlen;
	const char *path;		/* SINK_FILE, SINK_FIFO */
	char env[sizeof(RP_EVENTS_ENV) + 128];	/* "RAMPART_EVENTS=@..." */
	int lost_said;			/* atomic: the fallback was reported */
	int relay_dead;			/* atomic: an ack did not come; fd 2 from now on
					 * (for this process and its fork children) */
} sink;

static const char *
env_value(const char *name, size_t n)
{
	char **e;

	for (e = environ; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

void
rp_event_init(void)
{
	const char *v = env_value(RP_EVENTS_ENV, sizeof(RP_EVENTS_ENV) - 1);
	size_t n;

	sink.kind = SINK_FD2;
	/* The loader's relay: "@NAME", an abstract unix datagram socket
	 * (unix(7)); nothing on disk, nothing a chroot or Landlock hides. */
	if (v && v[0] == '@' && (n = strlen(v + 1)) > 0 && n < sizeof(sink.addr.sun_path) - 1 &&
	    n < sizeof(sink.env) - sizeof(RP_EVENTS_ENV) - 2) {
		sink.addr.sun_family = AF_UNIX;
		sink.addr.sun_path[0] = '\0';
		memcpy(sink.addr.sun_path + 1, v + 1, n);
		sink.addrlen = (unsigned)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
		sink.kind = SINK_RELAY;
		memcpy(sink.env, RP_EVENTS_ENV "=", sizeof(RP_EVENTS_ENV));
		memcpy(sink.env + sizeof(RP_EVENTS_ENV), v, n + 2);
		/* children keep exactly this value, or none if we had none */
		rp_env_events = sink.env;
	}
	if (!rp_state.policy_ok || !rp_state.policy.sink_path)
		return;
	switch (rp_state.policy.sink) {
	case RP_SINK_FILE:
		sink.kind = SINK_FILE;
		sink.path = rp_state.policy.sink_path;
		break;
	case RP_SINK_FIFO:
		sink.kind = SINK_FIFO;
		sink.path = rp_state.policy.sink_path;
		break;
	case RP_SINK_SOCKET:
		n = strlen(rp_state.policy.sink_path);
		if (n >= sizeof(sink.addr.sun_path))
			break;	/* the parser refuses it; stay on fd 2 */
		sink.addr.sun_family = AF_UNIX;
		memcpy(sink.addr.sun_path, rp_state.policy.sink_path, n + 1);
		sink.addrlen = (unsigned)(offsetof(struct sockaddr_un, sun_path) + n + 1);
		sink.kind = SINK_SOCKET;
		break;
	default:
		break;
	}
}

const char *
rp_event_sink_name(void)
{
	static const char *const names[] = { "fd2", "relay", "file", "socket", "fifo" };

	return names[sink.kind];
}

static void
close_fd(long fd)
{
	rp_raw1(SYS_close, fd);
}

static long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* vDSO, async-signal-safe */
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line to the loader's relay, and its 1-byte ack: 0, or -errno
 * (-ETIMEDOUT when no ack came within RP_RELAY_ACK_MS; the relay is then
 * taken as dead, and later lines go straight to fd 2 instead of each
 * waiting).  The socket is autobound (an address of length
 * sizeof(sa_family_t), unix(7)) so that the relay has somewhere to answer;
 * only a datagram from the relay's own address counts as the ack, since
 * anyone in the network namespace may send to an abstract address. */
static long
relay_send(const char *buf, size_t len)
{
	static const struct sockaddr_un autobind = { .sun_family = AF_UNIX };
	struct timeval tv = { 0, RP_RELAY_ACK_MS * 1000 };
	long fd, r, deadline;

	if (__atomic_load_n(&sink.relay_dead, __ATOMIC_RELAXED))
		return -ETIMEDOUT;
	fd = rp_raw3(SYS_socket, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (RP_RAW_ERR(fd))
		return fd;
	r = rp_raw3(SYS_bind, fd, (long)&autobind, sizeof(sa_family_t));
	if (!RP_RAW_ERR(r))
		r = rp_raw5(SYS_setsockopt, fd, SOL_SOCKET, SO_RCVTIMEO, (long)&tv, sizeof(tv));
	if (RP_RAW_ERR(r)) {
		close_fd(fd);
		return r;
	}
	/* blocking: a full queue is back-pressure, never a drop;
	 * ECONNREFUSED (nothing bound at the name) falls back at once */
	do
		r = rp_raw6(SYS_sendto, fd, (long)buf, (long)len, 0, (long)&sink.addr, sink.addrlen);
	while (r == -EINTR);
	if (RP_RAW_ERR(r)) {
		close_fd(fd);
		return r;
	}
	deadline = mono_ms() + RP_RELAY_ACK_MS;
	for (;;) {
		struct sockaddr_un from;
		unsigned fromlen = sizeof(from);
		char ack;

		r = rp_raw6(SYS_recvfrom, fd, (long)&ack, 1, 0, (long)&from, (long)&fromlen);
		if (r >= 0 && fromlen == sink.addrlen && memcmp(&from, &sink.addr, fromlen) == 0) {
			r = 0;
			break;
		}
		/* a signal, or a datagram from someone else: wait on, but
		 * not past the deadline (SO_RCVTIMEO starts afresh each call) */
		if ((r >= 0 || r == -EINTR) && mono_ms() < deadline)
			continue;
		if (r >= 0 || r == -EINTR || r == -EAGAIN) {
			__atomic_store_n(&sink.relay_dead, 1, __ATOMIC_RELAXED);
			r = -ETIMEDOUT;
		}
		break;
	}
	close_fd(fd);
	return r;
}

/* One line to the sink: 0, or -errno. */
static long
sink_write(const char *buf, size_t len)
{
	long fd, r;
	struct stat st;

	switch (sink.kind) {
	case SINK_RELAY:
		return relay_send(buf, len);
	case SINK_SOCKET:
		fd = rp_raw3(SYS_socket, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (RP_RAW_ERR(fd))
			return fd;
		/* blocking: a full queue is back-pressure, never a drop */
		do
			r = rp_raw6(SYS_sendto, fd, (long)buf, (long)len, 0, (long)&sink.addr,
				    sink.addrlen);
		while (r == -EINTR);
		close_fd(fd);
		return RP_RAW_ERR(r) ? r : 0;
	case SINK_FILE:
	case SINK_FIFO:
		/* O_NONBLOCK so that a FIFO without a reader answers ENXIO
		 * (fifo(7)) instead of hanging the app; cleared before the
		 * write, which then blocks rather than answer EAGAIN. */
		fd = rp_raw4(SYS_openat, AT_FDCWD, sink.path,
			     O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW |
			     (sink.kind == SINK_FILE ? O_APPEND | O_CREAT : O_NONBLOCK), 0600);
		if (RP_RAW_ERR(fd))
			return fd;
		r = rp_raw2(SYS_fstat, fd, &st);
		if (!RP_RAW_ERR(r) && !(sink.kind == SINK_FILE ? S_ISREG(st.st_mode) : S_ISFIFO(st.st_mode)))
			r = -EINVAL;
		if (!RP_RAW_ERR(r) && sink.kind == SINK_FIFO)
			r = rp_raw3(SYS_fcntl, fd, F_SETFL, 0);
		if (!RP_RAW_ERR(r)) {
			do
				r = rp_raw3(SYS_write, fd, (long)buf, (long)len);
			while (r == -EINTR);
			if (!RP_RAW_ERR(r) && (size_t)r != len)
				r = -EIO;
		}
		close_fd(fd);
		return RP_RAW_ERR(r) ? r : 0;
	default:
		return -ENOENT;
	}
}

/* Append ,"key": */
static void
key(struct rp_buf *b, const char *name)
{
	/* single bytes are appended in place, a string costs a length and a
	 * copy: an event has a dozen keys */
	rp_buf_char(b, ',');
	rp_buf_char(b, '"');
	rp_buf_str(b, name);
	rp_buf_char(b, '"');
	rp_buf_char(b, ':');
}

/* Append ,"key":"value".  If the value does not fit, the field is rolled
 * back whole (never a half-written string) and *cut is set. */
static void
field(struct rp_buf *b, const char *name, const char *val, size_t maxin, int *cut)
{
	size_t mark = b->len;
	int c = 0;

	key(b, name);
	rp_buf_char(b, '"');
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
	struct timespec ts;

	if (!rp_state.log) {
		errno = saved;
		return;
	}
	rp_buf_init(&b, buf, RP_EVENT_MAX);
	/* every name from the one table (eventfields.h), in its order */
	rp_buf_str(&b, "{\"");
	rp_buf_str(&b, RP_EF(RAMPART));
	rp_buf_str(&b, "\":" RP_EVENT_SCHEMA_STR);
	clock_gettime(CLOCK_REALTIME, &ts);
	key(&b, RP_EF(TS));
	rp_buf_long(&b, (long)ts.tv_sec);
	rp_buf_char(&b, '.');
	{
		long ms = ts.tv_nsec / 1000000;

		rp_buf_char(&b, (char)('0' + ms / 100));
		rp_buf_char(&b, (char)('0' + ms / 10 % 10));
		rp_buf_char(&b, (char)('0' + ms % 10));
	}
	field(&b, RP_EF(DECISION), ev->decision ? ev->decision :
	      rp_state.audit ? "audit" : "deny", 16, NULL);
	field(&b, RP_EF(OP), ev->op, 64, NULL);
	if (ev->path)
		field(&b, RP_EF(PATH), ev->path, 1024, &cut);
	if (ev->target)
		field(&b, RP_EF(TARGET), ev->target, 1024, &cut);
	field(&b, RP_EF(RULE), ev->rule, 64, NULL);
	if (ev->detail)
		field(&b, RP_EF(DETAIL), ev->detail, 256, &cut);
	if (ev->mode >= 0) {
		char oct[8];
		int i;

		for (i = 6; i >= 0; i--)
			oct[6 - i] = (char)('0' + ((ev->mode >> (3 * i)) & 7));
		oct[7] = '\0';
		field(&b, RP_EF(MODE), oct + 2, 8, NULL);
	}
	key(&b, RP_EF(PID));
	rp_buf_long(&b, rp_raw0(SYS_getpid));
	key(&b, RP_EF(UID));
	rp_buf_long(&b, rp_raw0(SYS_getuid));
	field(&b, RP_EF(EXE), program_path(), RP_PATH_MAX, &cut);
	if (ev->argv) {
		int i;

		key(&b, RP_EF(ARGV));
		rp_buf_char(&b, '[');
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
		struct rp_buf t;

		rp_buf_init(&t, buf + b.len, 24);
		key(&t, RP_EF(TRUNCATED));
		rp_buf_str(&t, "true");
		b.len += t.len;
	}
	buf[b.len++] = '}';
	buf[b.len++] = '\n';
	rp_event_write(buf, b.len, sizeof(buf));
	errno = saved;
}

/* `line` ends in "}\n" and has room for `cap` bytes.  To the sink, or to
 * fd 2 if the sink cannot take it; the process's first fallback line
 * carries "sink_lost" (which sink, and the errno), so the gap is visible
 * where the lines went. */
void
rp_event_write(char *line, size_t len, size_t cap)
{
	long r = -ENOENT;

	if (sink.kind != SINK_FD2) {
		r = sink_write(line, len);
		if (r == 0)
			return;
		if (!__atomic_exchange_n(&sink.lost_said, 1, __ATOMIC_ACQ_REL) && len >= 2 &&
		    line[len - 2] == '}' && len + 48 < cap) {
			struct rp_buf b;
			char note[48];

			rp_buf_init(&b, note, sizeof(note));
			key(&b, RP_EF(SINK_LOST));
			rp_buf_char(&b, '"');
			rp_buf_str(&b, rp_event_sink_name());
			rp_buf_str(&b, " errno ");
			rp_buf_long(&b, -r);
			rp_buf_str(&b, "\"}\n");
			memcpy(line + len - 2, note, b.len);
			len = len - 2 + b.len;
		}
	}
	if (stderr_usable()) {
		do
			r = rp_raw3(SYS_write, 2, line, len);
		while (r == -EINTR);
	}
}

/* The one "live" line: the loader put its own pid in RAMPART_LIVE just
 * before exec, so only the process it started (same pid) says it, and the
 * variable is taken out of our environment (walking environ, no libc
 * call) so that neither children nor a later exec of this pid repeat it. */
void
rp_event_live(void)
{
	char buf[PIPE_BUF];
	struct rp_buf b;
	const char *v = env_value(RP_LIVE_ENV, sizeof(RP_LIVE_ENV) - 1);
	long pid, want = 0;
	char **e, **o;

	if (!v)
		return;		/* not the loader's first process: no system call */
	pid = rp_raw0(SYS_getpid);
	for (; *v >= '0' && *v <= '9'; v++)
		want = want * 10 + (*v - '0');
	for (e = o = environ; *e; e++)
		if (!(strncmp(*e, RP_LIVE_ENV "=", sizeof(RP_LIVE_ENV)) == 0))
			*o++ = *e;
	*o = NULL;
	if (want != pid || !rp_state.log)
		return;
	rp_buf_init(&b, buf, RP_EVENT_MAX);
	rp_buf_str(&b, "{\"rampart\":\"shim\",\"state\":\"");
	rp_buf_str(&b, rp_state.policy_ok ? "live" : "policy-unavailable");
	rp_buf_str(&b, "\",\"mode\":\"");
	rp_buf_str(&b, rp_state.audit ? "audit" : "enforce");
	rp_buf_str(&b, "\",\"sink\":\"");
	rp_buf_str(&b, rp_event_sink_name());
	rp_buf_str(&b, "\",\"pid\":");
	rp_buf_long(&b, pid);
	field(&b, "exe", program_path(), RP_PATH_MAX, NULL);
	field(&b, "policy", rp_state.policy_path, RP_PATH_MAX, NULL);
	buf[b.len++] = '}';
	buf[b.len++] = '\n';
	rp_event_write(buf, b.len, sizeof(buf));
}

int
rp_deny(const struct rp_event *ev)
{
	rp_event_emit(ev);
	return !rp_state.audit;
}
