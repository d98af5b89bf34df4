/* test_loader_exitmap.c - one exit-status mapping (shim/core/exitcode.h):
 * for a table of commands that cannot be found or cannot run, `rampart
 * --check -- CMD` exits with the status `rampart -- CMD` exits with, and
 * that status is the documented one. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_loader.h"

static const char *const no_opts[] = { NULL };
static const char *const check_opts[] = { "--check", NULL };

Test(loader_exitmap, check_and_the_loader_agree_on_every_lookup_failure)
{
	struct lt_env e;
	char plain[PATH_MAX + 16], dir[PATH_MAX + 16], missing[PATH_MAX + 16];
	char under_file[PATH_MAX + 32], long_name[PATH_MAX + 64];
	struct {
		const char *what, *cmd;
		int want;
	} rows[] = {
		{ "no such name in PATH", "rampart-no-such-command", 127 },
		{ "no such absolute path", missing, 127 },
		{ "a path through a regular file (ENOTDIR)", under_file, 127 },
		{ "a file without exec bits", plain, 126 },
		{ "a directory", dir, 126 },
		{ "a name longer than PATH_MAX", long_name, 126 },
	};
	size_t i;

	lt_setup(&e, NULL);
	snprintf(plain, sizeof(plain), "%s/plain", e.bin);
	snprintf(dir, sizeof(dir), "%s/adir", e.bin);
	snprintf(missing, sizeof(missing), "%s/missing", e.bin);
	snprintf(under_file, sizeof(under_file), "%s/plain/x", e.bin);
	rt_write_file(plain, "not a program\n");
	cr_assert_eq(chmod(plain, 0644), 0);
	cr_assert_eq(mkdir(dir, 0755), 0);
	memset(long_name, 'a', PATH_MAX + 8);
	long_name[0] = '/';
	long_name[PATH_MAX + 8] = '\0';
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *args[] = { rows[i].cmd, NULL };
		struct rt_result run, check;

		cr_assert_eq(lt_run(&e, no_opts, args, &run), 0);
		cr_assert_eq(lt_run(&e, check_opts, args, &check), 0);
		cr_expect_eq(run.status, rows[i].want, "%s: rampart exits %d, want %d: %s",
			     rows[i].what, run.status, rows[i].want, run.err);
		cr_expect_eq(check.status, run.status, "%s: --check exits %d, rampart %d: %s",
			     rows[i].what, check.status, run.status, check.out);
		rt_result_free(&run);
		rt_result_free(&check);
	}
	rt_cleanup(e.dir);
}
