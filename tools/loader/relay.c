/* relay.c - see relay.h.
 *
 * Why a process: the container log is the loader's fd 2, a pipe that
 * nothing in the container can open by name, and a child the app started
 * with stderr captured or closed (Python closes every fd above 2 in its
 * children) has no descriptor left that leads there.  /proc/PID/fd of
 * another process is no way either: the shim makes every process
 * non-dumpable, which closes it (proc(5), ptrace access mode).  So one
 * process keeps the descriptor and every shim sends it its lines.
 *
 * Why datagrams: each event is one sendto of at most PIPE_BUF bytes,
 * delivered whole or not at all (unix(7), SOCK_DGRAM preserves message
 * boundaries), and a full queue blocks the sender instead of dropping.
 * The relay writes each line with one write(2), so lines never tear.
 *
 * Its life: cloned from the loader just before the exec, so it is a child
 * of the app (which keeps the loader's pid, so it stays PID 1 in a
 * container; the relay never is), but a child with no exit signal: wait(2)
 * and waitpid(-1) without __WALL do not see such a child (clone(2), "The
 * child termination signal"), so an app that waits for all its children
 * (a shell's wait, an init's reaping loop, `while (wait(NULL) > 0)`)
 * neither hangs on the relay nor reaps it.  It holds a pidfd of the app
 * (or, without pidfd_open, watches for a new parent) and leaves when the
 * app has exited, after draining what is queued;
 * orphaned, it is re-parented with SIGCHLD (kernel/exit.c,
 * reparent_leader) and reaped like any other.  It ignores the
 * terminal's signals (a Ctrl-C to the process group must not lose the
 * app's last events) and appears in ps as "rampart-events".
 *
 * Repeats: a loop that makes the same denial a million times must not
 * drown the log, nor vanish from it.  The first event of a kind is written
 * at once; identical ones (same line but for "ts") within the next second
 * are counted and written as one line with "repeat": N and "first_ts",
 * when the second is over, when the table is full, at exit, or before
 * any other line (see Acks).
 *
 * Acks: each shim waits for a 1-byte answer to its line (shim/event.c),
 * sent once the line is written, so the call that made an event returns
 * only when the event is in the log: when PID 1 exits the kernel kills
 * the relay at once, and what it had not written would be lost.  A
 * counted repeat is acked at once (its count is in memory only), so every
 * pending count is written before any other line: the counts that can
 * die with the relay are those of the repeats since the last line written
 * (docs/events.md, "Repeats").
 */
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "eventfields.h"
#include "policy.h"
#include "stickyenv.h"

#define LINE_MAX_ 4096		/* PIPE_BUF: what a shim sends at most */
#define WINDOW_MS 1000		/* identical events within this are counted */
#define SLOTS 64

/* The start of every shim event, {"rampart":1,"ts":, made from the first
 * two fields of eventfields.h and its RP_EVENT_SCHEMA as shim/event.c
 * writes them, so the relay and the writer cannot disagree. */
static char prefix[64];
static size_t prefix_len;

static void
make_prefix(void)
{
	int n;

	if (prefix_len)
		return;
	n = snprintf(prefix, sizeof(prefix), "{\"%s\":%s,\"%s\":", RP_EF(RAMPART), RP_EVENT_SCHEMA_STR,
		     RP_EF(TS));
	if (n > 0 && (size_t)n < sizeof(prefix))
		prefix_len = (size_t)n;
}

struct pending {
	int used;
	long t0;		/* ms, when the first of the kind was written */
	unsigned long count;	/* identical ones held back since then */
	char first_ts[32], last_ts[32];
	size_t keylen;
	char key[LINE_MAX_];	/* the line after its "ts" value, no "}\n" */
};

static struct pending slots[SLOTS];

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* 0 once all of it is written, -1 if the log refused it */
static int
write_all(int out, const char *buf, size_t len)
{
	ssize_t r;

	while (len > 0) {
		r = write(out, buf, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

/* The line for the repeats counted in s, if any; the slot stays (a
 * repeat that follows is counted again, within the same window). */
static void
write_count(int out, struct pending *s)
{
	char line[LINE_MAX_ + 128];
	int n;

	if (s->used && s->count > 0) {
		n = snprintf(line, sizeof(line), "%s%s%.*s,\"%s\":%lu,\"%s\":%s}\n", prefix,
			     s->last_ts, (int)s->keylen, s->key, RP_EF(REPEAT), s->count,
			     RP_EF(FIRST_TS), s->first_ts);
		if (n > 0 && (size_t)n < sizeof(line))
			write_all(out, line, (size_t)n);
	}
	s->count = 0;
}

static void
flush(int out, struct pending *s)
{
	write_count(out, s);
	s->used = 0;
}

/* Before any line is written: the counts already acked go first, so that
 * an ack means that everything before it is in the log too. */
static int
write_line(int out, const char *buf, size_t len)
{
	int i;

	for (i = 0; i < SLOTS; i++)
		write_count(out, &slots[i]);
	return write_all(out, buf, len);
}

static void
expire(int out, long now, int all)
{
	int i;

	for (i = 0; i < SLOTS; i++)
		if (slots[i].used && (all || now - slots[i].t0 >= WINDOW_MS))
			flush(out, &slots[i]);
}

/* 0 when the line is written or counted (the sender may be acked), -1
 * when the log refused it. */
static int
handle(int out, char *buf, size_t len)
{
	const char *ts, *rest, *end;
	size_t tslen, keylen;
	struct pending *s = NULL, *oldest = NULL;
	long now = now_ms();
	int i;

	/* only whole shim events are counted; anything else passes as is */
	make_prefix();
	if (!prefix_len || len < prefix_len + 4 || memcmp(buf, prefix, prefix_len) != 0 ||
	    buf[len - 1] != '\n' || buf[len - 2] != '}')
		return write_line(out, buf, len);
	ts = buf + prefix_len;
	end = buf + len - 2;
	rest = memchr(ts, ',', (size_t)(end - ts));
	tslen = rest ? (size_t)(rest - ts) : 0;
	if (!rest || tslen >= sizeof(s->first_ts))
		return write_line(out, buf, len);
	keylen = (size_t)(end - rest);
	for (i = 0; i < SLOTS; i++) {
		struct pending *c = &slots[i];

		if (c->used && c->keylen == keylen && memcmp(c->key, rest, keylen) == 0) {
			s = c;
			break;
		}
	}
	if (s && now - s->t0 < WINDOW_MS) {
		if (s->count++ == 0)
			memcpy(s->first_ts, ts, tslen), s->first_ts[tslen] = '\0';
		memcpy(s->last_ts, ts, tslen);
		s->last_ts[tslen] = '\0';
		return 0;
	}
	if (s)
		flush(out, s);
	if (write_line(out, buf, len) != 0)
		return -1;
	for (i = 0; i < SLOTS && !s; i++)
		if (!slots[i].used)
			s = &slots[i];
		else if (!oldest || slots[i].t0 < oldest->t0)
			oldest = &slots[i];
	if (!s) {
		flush(out, oldest);
		s = oldest;
	}
	s->used = 1;
	s->t0 = now;
	s->count = 0;
	s->keylen = keylen;
	memcpy(s->key, rest, keylen);
	return 0;
}

/* Datagrams from another uid are not the app's: abstract socket names
 * are listed in /proc/net/unix to every process of the network namespace
 * (a host-network container shares it with the host), so anyone there
 * could write lines into the container log.  The kernel stamps each
 * datagram with its sender's credentials (SO_PASSCRED, unix(7)); the app's
 * processes all have the relay's uid, since no_new_privs and the dropped
 * capabilities keep them from changing it. */
static unsigned long foreign;

static void
note_foreign(int out, const struct ucred *uc, int at_exit)
{
	char line[160];
	int n;

	if (at_exit)
		n = snprintf(line, sizeof(line),
			     "{\"rampart\":\"relay\",\"state\":\"foreign datagrams dropped\",\"count\":%lu}\n",
			     foreign);
	else
		n = snprintf(line, sizeof(line),
			     "{\"rampart\":\"relay\",\"state\":\"foreign datagram dropped\",\"pid\":%d,\"uid\":%u}\n",
			     (int)uc->pid, (unsigned)uc->uid);
	if (n > 0 && (size_t)n < sizeof(line))
		write_all(out, line, (size_t)n);
}

static void
drain(int sock, int out)
{
	char buf[LINE_MAX_ + 1];
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(struct ucred))];
	} c;
	ssize_t n;

	for (;;) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { 0 };
		struct cmsghdr *h;
		const struct ucred *uc = NULL;
		struct sockaddr_un from;

		m.msg_name = &from;
		m.msg_namelen = sizeof(from);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = c.space;
		m.msg_controllen = sizeof(c.space);
		n = recvmsg(sock, &m, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h))
			if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_CREDENTIALS)
				uc = (const struct ucred *)CMSG_DATA(h);
		if (uc && uc->uid != getuid()) {
			if (foreign++ == 0)
				note_foreign(out, uc, 0);
			continue;
		}
		/* the ack: to an autobound sender (a shim waits for it); one
		 * that is gone or never bound an address is no matter */
		if (handle(out, buf, (size_t)n) == 0 && uc && m.msg_namelen > sizeof(sa_family_t))
			sendto(sock, "", 1, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&from,
			       m.msg_namelen);
	}
}

/* The app, when there is no pidfd (pidfd_open is Linux 5.3, and older
 * container seccomp profiles refuse it): then its exit shows as a new
 * parent, checked every 200 ms. */
static pid_t app_pid;

void
rp_relay_loop(int sock, int pidfd, int out)
{
	for (;;) {
		struct pollfd fds[2] = { { sock, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		long now = now_ms(), timeout = -1;
		int i;

		for (i = 0; i < SLOTS; i++)
			if (slots[i].used) {
				long left = slots[i].t0 + WINDOW_MS - now;

				if (left < 0)
					left = 0;
				if (timeout < 0 || left < timeout)
					timeout = left;
			}
		if (pidfd < 0 && (timeout < 0 || timeout > 200))
			timeout = 200;
		if (poll(fds, pidfd >= 0 ? 2 : 1, (int)timeout) < 0 && errno != EINTR)
			break;
		if (fds[0].revents & POLLIN)
			drain(sock, out);
		expire(out, now_ms(), 0);
		if (pidfd >= 0 ? fds[1].revents != 0 : getppid() != app_pid)
			break;	/* the app has exited */
	}
	drain(sock, out);
	expire(out, 0, 1);
	if (foreign)
		note_foreign(out, NULL, 1);
}

/* What ps shows: the loader's argv would read as a second copy of the
 * app's command.  argv[0] and the arguments after it are one block of
 * memory (/proc/PID/cmdline reads it, proc(5)), program_invocation_name
 * its start. */
static void
retitle(void)
{
	char buf[8192];
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	static const char title[] = "rampart-events";

	if (fd >= 0)
		close(fd);
	prctl(PR_SET_NAME, title, 0, 0, 0);
	if (n <= (ssize_t)sizeof(title) || !program_invocation_name)
		return;
	memset(program_invocation_name, 0, (size_t)n);
	memcpy(program_invocation_name, title, sizeof(title));
}

/* Landlock lets the app open a file or a FIFO for writing only beneath a
 * WritablePath (a socket needs no right to send to): elsewhere every
 * event would fall back to fd 2. */
int
rp_relay_sink_check(const struct rp_policy *p, char *err, size_t errsz)
{
	if ((p->sink != RP_SINK_FILE && p->sink != RP_SINK_FIFO) || p->log == RP_LOG_NONE ||
	    !p->sink_path)
		return 0;
	if (rp_policy_writable_index(p, p->sink_path, strlen(p->sink_path)) >= 0)
		return 0;
	snprintf(err, errsz, "EventSink %s:%s is not beneath a WritablePath: "
		 "the app could not write to it", p->sink == RP_SINK_FILE ? "file" : "fifo",
		 p->sink_path);
	return -1;
}

int
rp_relay_start(const struct rp_policy *p, char *err, size_t errsz)
{
	struct sockaddr_un a;
	unsigned long long rnd = 0;
	char name[96], pidtxt[24];
	pid_t app = getpid(), pid;
	int s, size = 1 << 20, one = 1;
	size_t n;

	snprintf(pidtxt, sizeof(pidtxt), "%d", (int)app);
	if (setenv(RP_LIVE_ENV, pidtxt, 1) != 0) {
		snprintf(err, errsz, "cannot set %s", RP_LIVE_ENV);
		return -1;
	}
	unsetenv(RP_EVENTS_ENV);	/* only this loader names the relay */
	if (rp_relay_sink_check(p, err, errsz) != 0)
		return -1;
	if (p->sink != RP_SINK_STDERR || p->log == RP_LOG_NONE)
		return 0;
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		snprintf(err, errsz, "getrandom: %s", strerror(errno));
		return -1;
	}
	/* random, so that nothing else in the network namespace (abstract
	 * names are per netns, unix(7)) can guess it and bind it first */
	snprintf(name, sizeof(name), "rampart-events-%d-%016llx", (int)app, rnd);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	n = strlen(name);
	memcpy(a.sun_path + 1, name, n);
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a,
			  (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) != 0) {
		snprintf(err, errsz, "event relay socket: %s", strerror(errno));
		if (s >= 0)
			close(s);
		return -1;
	}
	/* room for bursts; the kernel caps it at net.core.rmem_max.  The
	 * acks a shim has not read yet count against the send buffer. */
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(s, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) != 0) {
		snprintf(err, errsz, "event relay: SO_PASSCRED: %s", strerror(errno));
		close(s);
		return -1;
	}
	/* fork without SIGCHLD (see above); flags 0, stack shared copy-on-
	 * write as in fork */
	pid = (pid_t)syscall(SYS_clone, 0L, 0L, 0L, 0L, 0L);
	if (pid < 0) {
		snprintf(err, errsz, "event relay: clone: %s", strerror(errno));
		close(s);
		return -1;
	}
	if (pid == 0) {
		int pidfd = (int)syscall(SYS_pidfd_open, app, 0);
		static const int ignore[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE,
					      SIGTSTP, SIGTTOU, SIGTTIN, SIGUSR1, SIGUSR2 };
		size_t i;

		for (i = 0; i < sizeof(ignore) / sizeof(ignore[0]); i++)
			signal(ignore[i], SIG_IGN);
		/* The app may be gone already (a short command): the loop then
		 * sees the new parent at once, and still writes what it sent. */
		app_pid = app;
		if (pidfd >= 0 && getppid() != app) {
			/* the app has exited, and its pid may be someone else's */
			close(pidfd);
			pidfd = -1;
		}
		close(0);
		close(1);
		retitle();
		rp_relay_loop(s, pidfd, 2);
		_exit(0);
	}
	close(s);
	snprintf(err, errsz, "@%s", name);
	if (setenv(RP_EVENTS_ENV, err, 1) != 0) {
		snprintf(err, errsz, "cannot set %s", RP_EVENTS_ENV);
		return -1;
	}
	err[0] = '\0';
	return 0;
}
