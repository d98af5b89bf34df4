/* test_execdirs.c - the directories looked into for DenyExec'd files
 * (shim/core/execdirs.h): the PATH's absolute entries, then the standard
 * ones, the same list for the shim's identity table and the Landlock plan. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "execdecide.h"
#include "execdirs.h"

/* The list as one colon-joined string. */
static void
joined(const char *pathenv, char *out, size_t cap)
{
	struct rp_exec_dirs it = { pathenv, NULL, 0 };
	char dir[64];

	out[0] = '\0';
	while (rp_exec_dirs_next(&it, dir, sizeof(dir))) {
		if (out[0])
			strncat(out, ":", cap - strlen(out) - 1);
		strncat(out, dir, cap - strlen(out) - 1);
	}
}

Test(execdirs, the_path_comes_first_then_the_standard_dirs)
{
	char got[1024];

	joined("/opt/x/bin:/usr/bin", got, sizeof(got));
	cr_expect_str_eq(got, "/opt/x/bin:/usr/bin:" RP_EXEC_STD_DIRS);
}

Test(execdirs, no_path_means_the_default_one)
{
	char got[1024];

	joined(NULL, got, sizeof(got));
	cr_expect_str_eq(got, RP_EXEC_DEFAULT_PATH ":" RP_EXEC_STD_DIRS);
	joined("", got, sizeof(got));
	cr_expect_str_eq(got, RP_EXEC_STD_DIRS, "an empty PATH adds no directory");
}

Test(execdirs, empty_relative_and_too_long_entries_are_skipped)
{
	char got[1024];
	char longpath[200];

	joined("::.:bin:/a::/b:", got, sizeof(got));
	cr_expect_str_eq(got, "/a:/b:" RP_EXEC_STD_DIRS);
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	joined(longpath, got, sizeof(got));
	cr_expect_str_eq(got, RP_EXEC_STD_DIRS, "an entry longer than the buffer is not cut");
}

Test(execdirs, a_path_longer_than_8k_is_walked_to_its_end)
{
	static char path[20000];
	struct rp_exec_dirs it = { path, NULL, 0 };
	char dir[64], last[64] = "";
	size_t len = 0;
	int i;

	for (i = 0; i < 1500; i++)
		len += (size_t)snprintf(path + len, sizeof(path) - len, "/dir/%d:", i);
	while (rp_exec_dirs_next(&it, dir, sizeof(dir)))
		if (strncmp(dir, "/dir/", 5) == 0)
			strcpy(last, dir);
	cr_expect_str_eq(last, "/dir/1499");
}
