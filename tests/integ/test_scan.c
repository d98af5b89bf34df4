/* test_scan.c - `rampart scan` on image trees built in a temporary dir.
 *
 * The tree holds what the checklist looks for (a copy of a compiler, a
 * setuid file, a world-writable directory, a file the app user owns
 * outside WritablePath) and what a walker must survive (a symlink loop,
 * links to "/" and out of ROOT, a fifo, an unreadable directory).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

static void
mk(const char *root, const char *rel, mode_t mode)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	cr_assert(mkdir(p, mode) == 0 || errno == EEXIST, "mkdir %s: %s", p, strerror(errno));
	cr_assert_eq(chmod(p, mode), 0);
}

static void
put(const char *root, const char *rel, const char *text, mode_t mode, uid_t uid)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	rt_write_file(p, text);
	/* chown(2) clears setuid bits: chmod after it */
	cr_assert_eq(chown(p, uid, (gid_t)-1), 0);
	cr_assert_eq(chmod(p, mode), 0);
}

static void
link_to(const char *root, const char *rel, const char *target)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	cr_assert_eq(symlink(target, p), 0, "symlink %s: %s", p, strerror(errno));
}

/* An image: app user 1000, policy with WritablePath /app/data. */
static const char *
build_image(const char *policy_extra)
{
	const char *root = rt_tmpdir();
	char p[4200], cmd[9000], policy[512];

	mk(root, "etc", 0755);
	mk(root, "etc/rampart", 0755);
	mk(root, "usr", 0755);
	mk(root, "usr/bin", 0755);
	mk(root, "app", 0755);
	mk(root, "app/data", 0755);
	mk(root, "root", 0700);
	put(root, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n", 0644, 0);
	put(root, "etc/group", "root:x:0:\napp:x:1000:\n", 0644, 0);
	snprintf(policy, sizeof(policy),
		 "User app\nWritablePath /app/data\nDenyExec gcc cc c++ make\n%s", policy_extra);
	put(root, "etc/rampart/policy", policy, 0644, 0);
	snprintf(p, sizeof(p), "%s/app/data", root);
	cr_assert_eq(chown(p, 1000, 1000), 0);
	put(root, "app/data/state", "x", 0644, 1000);
	put(root, "app/server", "#!/bin/sh\n", 0755, 0);
	snprintf(cmd, sizeof(cmd), "cp /bin/true '%s/usr/bin/gcc'", root);
	cr_assert_eq(system(cmd), 0);
	return root;
}

static struct rt_result
scan(char *const extra[], const char *root)
{
	char *argv[32] = { (char *)rt_path("rampart"), "scan" };
	struct rt_result r;
	int n = 2;

	while (extra && *extra)
		argv[n++] = *extra++;
	argv[n++] = (char *)root;
	argv[n] = NULL;
	cr_assert_eq(rt_run(argv, NULL, 60, &r), 0);
	return r;
}

static void
expect_valid_json(const char *text)
{
	char path[64] = "/tmp/rampart-scan-XXXXXX";
	int fd = mkstemp(path);
	char *argv[] = { "/usr/bin/python3", "-c", "import json,sys; json.load(open(sys.argv[1]))",
			 path, NULL };
	struct rt_result r;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cr_assert_eq(rt_run(argv, NULL, 20, &r), 0);
	unlink(path);
	cr_expect_eq(r.status, 0, "not valid JSON: %s", r.err);
	rt_result_free(&r);
}

/* Does the JSON report hold a finding with this check and path? */
static int
has(const char *out, const char *check, const char *path)
{
	char needle[600];

	snprintf(needle, sizeof(needle), "\"check\":\"%s\",\"path\":\"%s\"", check, path);
	return strstr(out, needle) != NULL;
}

Test(scan, reports_the_checklist_and_survives_hostile_trees)
{
	const char *root;
	char p[4200];
	char *json[] = { "--json", NULL };
	struct rt_result r;

	if (!rt_is_root())
		cr_skip_test("needs root: the tree has files of several owners");
	root = build_image("");
	mk(root, "usr/sbin", 0755);
	put(root, "usr/sbin/su", "", 04755, 0);
	mk(root, "tmp", 0777);
	mk(root, "var", 0755);
	mk(root, "var/tmp", 01777);
	put(root, "app/config.ini", "", 0644, 1000);	/* app-owned, not writable path */
	snprintf(p, sizeof(p), "%s/app/fifo", root);
	cr_assert_eq(mkfifo(p, 0644), 0);
	link_to(root, "app/loop1", "loop2");
	link_to(root, "app/loop2", "loop1");
	link_to(root, "app/up", "/");
	link_to(root, "app/out", "../../../../../../..");
	link_to(root, "usr/bin/cc", "gcc");

	r = scan(json, root);
	cr_expect_eq(r.status, 1, "exit %d, stderr: %s", r.status, r.err);
	expect_valid_json(r.out);
	cr_expect(has(r.out, "deny-exec", "/usr/bin/gcc"), "%s", r.out);
	cr_expect(has(r.out, "deny-exec", "/usr/bin/cc"), "symlink named cc: %s", r.out);
	cr_expect(has(r.out, "setuid", "/usr/sbin/su"), "%s", r.out);
	cr_expect(has(r.out, "world-writable", "/tmp"), "%s", r.out);
	cr_expect(strstr(r.out, "\"severity\":\"low\",\"check\":\"world-writable\",\"path\":\"/var/tmp\""),
		  "sticky dir should be low: %s", r.out);
	cr_expect(has(r.out, "user-writable", "/app/config.ini"), "%s", r.out);
	cr_expect(!has(r.out, "user-writable", "/app/data/state"), "WritablePath flagged");
	cr_expect(has(r.out, "shim", "/usr/local/lib/rampart/librampart.so"), "%s", r.out);
	cr_expect(!has(r.out, "sensitive-dir", "/root"), "/root is 0700");
	/* links were never followed: nothing of the host, nothing beneath them */
	cr_expect(strstr(r.out, "\"/app/up/") == NULL && strstr(r.out, "\"/app/out/") == NULL,
		  "followed a link: %s", r.out);
	cr_expect(strstr(r.out, "\"entries\":") != NULL);
	cr_expect_lt(atoi(strstr(r.out, "\"entries\":") + 10), 40, "walked outside ROOT");
	rt_result_free(&r);
	rt_cleanup(root);
}

Test(scan, table_output_and_min_severity_decide_exit)
{
	const char *root;
	char *crit[] = { "--min-severity", "critical", NULL };
	char *low[] = { "--min-severity", "low", NULL };
	struct rt_result r;

	if (!rt_is_root())
		cr_skip_test("needs root: the policy is read inside ROOT with chroot");
	root = build_image("");
	r = scan(crit, root);
	cr_expect_eq(r.status, 0, "no critical finding, yet exit %d:\n%s", r.status, r.out);
	cr_expect(strstr(r.out, "SEVERITY") != NULL, "no table header: %s", r.out);
	cr_expect(strstr(r.out, "/usr/bin/gcc") != NULL, "%s", r.out);
	rt_result_free(&r);
	r = scan(low, root);
	cr_expect_eq(r.status, 1);
	rt_result_free(&r);
	rt_cleanup(root);
}

Test(scan, policy_and_shim_writable_by_app_are_critical)
{
	const char *root;
	char *json[] = { "--json", NULL };
	char p[4200];
	struct rt_result r;

	if (!rt_is_root())
		cr_skip_test("needs root: files must belong to the app user");
	root = build_image("");
	snprintf(p, sizeof(p), "%s/etc/rampart/policy", root);
	cr_assert_eq(chown(p, 1000, 1000), 0);
	mk(root, "usr/local", 0755);
	mk(root, "usr/local/lib", 0755);
	mk(root, "usr/local/lib/rampart", 0777);
	put(root, "usr/local/lib/rampart/librampart.so", "", 0644, 0);
	r = scan(json, root);
	cr_expect_eq(r.status, 1);
	cr_expect(has(r.out, "policy", "/etc/rampart/policy"), "%s", r.out);
	cr_expect(has(r.out, "shim", "/usr/local/lib/rampart"), "%s", r.out);
	cr_expect(strstr(r.out, "\"critical\":0") == NULL, "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(root);
}

Test(scan, user_missing_from_image_passwd)
{
	const char *root;
	char p[4200];
	char *json[] = { "--json", NULL };
	struct rt_result r;

	if (!rt_is_root())
		cr_skip_test("needs root: the policy is read inside ROOT with chroot");
	root = build_image("");
	snprintf(p, sizeof(p), "%s/etc/rampart/policy", root);
	rt_write_file(p, "User ghost\nWritablePath /app/data\n");
	r = scan(json, root);
	cr_expect_eq(r.status, 1);
	cr_expect(has(r.out, "user", "/etc/passwd"), "%s", r.out);
	cr_expect(strstr(r.out, "'ghost' does not exist") != NULL, "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(root);
}

Test(scan, writable_path_missing_in_image_is_a_policy_error)
{
	const char *root;
	char p[4200];
	struct rt_result r;

	if (!rt_is_root())
		cr_skip_test("needs root: the policy is read inside ROOT with chroot");
	root = build_image("WritablePath /srv/uploads\n");
	r = scan(NULL, root);
	cr_expect_eq(r.status, 125);
	cr_expect(strstr(r.err, "/etc/rampart/policy:4:") != NULL, "%s", r.err);
	rt_result_free(&r);
	/* the same dir reached through a symlink parses, and is flagged */
	mk(root, "srv", 0755);
	mk(root, "srv/real", 0755);
	link_to(root, "srv/uploads", "real");
	r = scan(NULL, root);
	cr_expect(strstr(r.out, "/srv/uploads: reached through a symbolic link") != NULL,
		  "%s\n%s", r.out, r.err);
	rt_result_free(&r);
	snprintf(p, sizeof(p), "%s", root);
	rt_cleanup(p);
}

Test(scan, unreadable_directory_is_reported_not_fatal)
{
	const char *root;
	char p[4200];
	struct rt_result r;
	char *argv[] = { "/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search",
			 "--", (char *)rt_path("rampart"), "scan", "--json", NULL, NULL };

	if (!rt_is_root() || access("/usr/bin/setpriv", X_OK) != 0)
		cr_skip_test("needs root and setpriv(1) to drop CAP_DAC_READ_SEARCH");
	root = build_image("");
	mk(root, "app/secret", 0755);
	put(root, "app/secret/key", "k", 0600, 0);
	snprintf(p, sizeof(p), "%s/app/secret", root);
	cr_assert_eq(chown(p, 1000, 1000), 0);
	cr_assert_eq(chmod(p, 0), 0);
	argv[6] = (char *)root;
	cr_assert_eq(rt_run(argv, NULL, 30, &r), 0);
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(has(r.out, "unreadable", "/app/secret"), "%s\n%s", r.out, r.err);
	cr_expect(strstr(r.out, "/usr/bin/gcc") != NULL, "scan stopped early: %s", r.out);
	rt_result_free(&r);
	rt_cleanup(root);
}

Test(scan, usage_errors_exit_125)
{
	char *none[] = { NULL };
	char *bad[] = { "--min-severity", "severe", NULL };
	struct rt_result r = scan(none, "/nonexistent-rampart-root");

	cr_expect_eq(r.status, 125);
	rt_result_free(&r);
	r = scan(bad, "/");
	cr_expect_eq(r.status, 125);
	cr_expect(strstr(r.err, "severe") != NULL, "%s", r.err);
	rt_result_free(&r);
}

Test(scan, fifty_thousand_files_in_seconds, .timeout = 120)
{
	const char *root;
	char p[4200], first[4200];
	char *json[] = { "--json", NULL };
	struct timespec t0, t1;
	struct rt_result r;
	double secs;
	int d, f;

	if (!rt_is_root())
		cr_skip_test("needs root: the policy is read inside ROOT with chroot");
	root = build_image("");
	snprintf(first, sizeof(first), "%s/app/data/state", root);
	for (d = 0; d < 250; d++) {
		snprintf(p, sizeof(p), "%s/app/data/d%03d", root, d);
		cr_assert_eq(mkdir(p, 0755), 0);
		/* hard links: as many entries to stat, without the cost of
		 * creating 50,000 inodes on a busy machine */
		for (f = 0; f < 200; f++) {
			snprintf(p, sizeof(p), "%s/app/data/d%03d/f%03d", root, d, f);
			cr_assert_eq(link(first, p), 0, "link %s: %s", p, strerror(errno));
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = scan(json, root);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_log_info("scan of 50,000 files: %.2f s", secs);
	cr_expect_eq(r.status, 1);
	cr_assert(strstr(r.out, "\"entries\":") != NULL, "%s", r.err);
	cr_expect_geq(atol(strstr(r.out, "\"entries\":") + 10), 50000, "entries missed");
	cr_expect_lt(secs, 10.0, "scan took %.2f s", secs);
	rt_result_free(&r);
	rt_cleanup(root);
}
