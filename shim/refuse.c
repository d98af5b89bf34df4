/* refuse.c - see refuse.h. */
#include "refuse.h"

#include <errno.h>
#include <string.h>

#include "rules.h"
#include "shim.h"

int
rp_refuse(const char *op, const char *path, const char *target, const char *rule,
	  long mode, int err)
{
	struct rp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.op = op;
	ev.path = path;
	ev.target = target;
	ev.rule = rule ? rule : rp_state.policy_ok ? RP_RULE(WRITABLE_PATH) :
						     RP_RULE(POLICY_UNAVAILABLE);
	ev.mode = mode;
	if (!rp_deny(&ev))
		return 0;
	errno = err;
	return 1;
}

void
rp_fixed_exec_bits(const char *op, const char *path, long mode, const char *detail)
{
	struct rp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.op = op;
	ev.path = path;
	ev.rule = RP_RULE(WX_MODE);
	ev.decision = "fixed";
	ev.detail = detail;
	ev.mode = mode;
	rp_event_emit(&ev);
}
