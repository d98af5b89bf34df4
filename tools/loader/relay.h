/* relay.h - the loader's event relay (docs/events.md "Where events go").
 *
 * With `EventSink stderr` (the default) the loader forks one small process
 * that keeps the loader's own stderr (the container log) and writes there
 * every event it receives as a datagram on an abstract unix socket.  The
 * socket's name reaches every shim through RAMPART_EVENTS, which the exec
 * wrappers keep in children (stickyenv.c), so a child that lost fd 2, or
 * every descriptor, still reaches the container log.
 */
#ifndef RAMPART_RELAY_H
#define RAMPART_RELAY_H

#include <stddef.h>

struct rp_policy;

/* Start the relay and set RAMPART_EVENTS and RAMPART_LIVE (the pid about
 * to exec the app) in this process's environment.  Called last before the
 * exec, after every confinement step: the relay runs with the app's ids,
 * capabilities, Landlock domain and seccomp filter.  Returns 0, or -1 with
 * a message in err (the caller exits 125: an audit trail the policy asked
 * for that cannot be set up is a failure, not a silent fallback). */
int rp_relay_start(const struct rp_policy *p, char *err, size_t errsz);

/* Whether the app could write to the policy's EventSink: a file: or
 * fifo: sink must lie beneath a WritablePath (Landlock).  Returns 0, or
 * -1 with the reason in err; the run (rp_relay_start) and `rampart
 * --check` both ask it. */
int rp_relay_sink_check(const struct rp_policy *p, char *err, size_t errsz);

/* The relay's loop, also `rampart --relay-bench` style tests: read
 * datagrams on `sock`, write them to `out`, until the process `pidfd`
 * names has exited and the queue is drained. */
void rp_relay_loop(int sock, int pidfd, int out);

#endif
