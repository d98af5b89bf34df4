/* run.c - the loader proper (to be completed). */
#include "rampart.h"

int
rp_run_main(struct rp_policy *p, const struct rp_options *o)
{
	(void)p;
	(void)o;
	rp_die(RP_EXIT_FAILURE, "loader not implemented yet");
}
