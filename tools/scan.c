/* scan.c - placeholder until the subcommand lands. */
#include "rampart.h"

int
rp_scan_main(int argc, char **argv)
{
	(void)argc;
	rp_die(RP_EXIT_FAILURE, "%s: not implemented yet", argv[0]);
}
