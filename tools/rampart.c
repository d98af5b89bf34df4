/* rampart.c - command line of the rampart loader.
 *
 *   rampart [--policy FILE] [--audit] [--] CMD [ARG...]
 *   rampart --check [--policy FILE] [--json] [-- CMD [ARG...]]
 *   rampart scan [--policy FILE] [--json] ROOT
 *   rampart export-seccomp [--policy FILE]
 *   rampart suggest [FILE...]
 *   rampart --help | --version
 *
 * Parses options and dispatches: the loader and --check are in
 * tools/loader/, the field tools in tools/field/, the messages and policy
 * loading they share in diag.c.
 */
#include "rampart.h"

#include <stdio.h>
#include <string.h>

#include "report.h"

static void
usage(FILE *f)
{
	fputs("usage: rampart [--policy FILE] [--audit] [--shim PATH] [--] CMD [ARG...]\n"
	      "       rampart --check [--policy FILE] [--json] [-- CMD [ARG...]]\n"
	      "       rampart scan [--policy FILE] [--json] [--min-severity S] ROOT\n"
	      "       rampart export-seccomp [--policy FILE]\n"
	      "       rampart suggest [--policy FILE] [EVENTS-FILE...]\n"
	      "       rampart --help | --version\n"
	      "\n"
	      "Runs CMD confined by a rampart policy: switches user, drops capabilities,\n"
	      "sets no_new_privs, applies Landlock and seccomp, preloads librampart.so,\n"
	      "then execs CMD.\n"
	      "\n"
	      "  --policy FILE  policy to enforce (default " RP_POLICY_DEFAULT_PATH ")\n"
	      "  --audit        log what would be denied, block nothing\n"
	      "  --shim PATH    librampart.so to preload (default: beside rampart)\n"
	      "  --check        parse the policy and print it (and the decision for\n"
	      "                 CMD) without running anything\n"
	      "  --json         with --check: print the plan as JSON\n"
	      "\n"
	      "Exit status: 125 rampart failed, 126 CMD cannot run or is denied,\n"
	      "127 CMD not found, otherwise CMD's own status.\n"
	      "See rampart(1) and rampart.policy(5).\n", f);
}

/* The policy is ~150 KiB; keep it off the stack. */
static struct rp_policy policy;

int
main(int argc, char **argv)
{
	struct rp_options o;
	int i;

	if (argc > 1 && strcmp(argv[1], "scan") == 0)
		return rp_scan_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "suggest") == 0)
		return rp_suggest_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "export-seccomp") == 0)
		return rp_export_seccomp_main(argc - 1, argv + 1);

	memset(&o, 0, sizeof(o));
	o.policy_path = RP_POLICY_DEFAULT_PATH;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-')
			break;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			printf("rampart %s\n", RAMPART_VERSION);
			return 0;
		} else if (strcmp(a, "--check") == 0) {
			o.check = 1;
		} else if (strcmp(a, "--audit") == 0) {
			o.audit = 1;
		} else if (strcmp(a, "--json") == 0) {
			o.json = 1;
		} else if (strcmp(a, "--policy") == 0 || strcmp(a, "--shim") == 0) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				fprintf(stderr, "rampart: %s needs a value\n", a);
				usage(stderr);
				return RP_EXIT_FAILURE;
			}
			if (a[2] == 'p')
				o.policy_path = argv[++i];
			else
				o.shim_path = argv[++i];
		} else if (strncmp(a, "--policy=", 9) == 0 && a[9]) {
			o.policy_path = a + 9;
		} else if (strncmp(a, "--shim=", 7) == 0 && a[7]) {
			o.shim_path = a + 7;
		} else {
			fprintf(stderr, "rampart: unknown option '%s'\n", a);
			usage(stderr);
			return RP_EXIT_FAILURE;
		}
	}
	o.cmd = i < argc ? argv + i : NULL;

	rp_phase_begin();	/* the startup report's "phases_us" */
	/* --check often runs on a build host, outside the image */
	if ((o.check ? rp_load_policy_lint : rp_load_policy_verbose)(&policy, o.policy_path) != 0)
		return RP_EXIT_FAILURE;
	if (o.audit)
		policy.mode = RP_MODE_AUDIT;
	if (o.check)
		return rp_check_main(&policy, &o);
	if (!o.cmd) {
		fprintf(stderr, "rampart: no command given\n");
		usage(stderr);
		return RP_EXIT_FAILURE;
	}
	return rp_run_main(&policy, &o);
}
