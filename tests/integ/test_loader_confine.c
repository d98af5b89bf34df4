/* test_loader_confine.c - what the loader leaves the command: identity,
 * capabilities, no_new_privs, seccomp (issue 5, "Tests"). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_loader.h"

static const char *const no_opts[] = { NULL };

Test(loader_confine, child_status_under_user_1000)
{
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { NULL, "status", NULL };
	static const char *const caps[] = { "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:" };
	char v[256];
	unsigned i;

	lt_setup(&e, NULL);
	args[0] = e.probe;
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_assert_eq(r.status, 0, "status %d, stderr: %s", r.status, r.err);
	cr_expect_str_eq(lt_status_field(r.out, "NoNewPrivs:", v, sizeof(v)), "1");
	cr_expect_str_eq(lt_status_field(r.out, "Seccomp:", v, sizeof(v)), "2");
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		cr_expect_str_eq(lt_status_field(r.out, caps[i], v, sizeof(v)), "0000000000000000",
				 "%s %s", caps[i], v);
	cr_expect_str_eq(lt_status_field(r.out, "Uid:", v, sizeof(v)), "1000\t1000\t1000\t1000");
	cr_expect_str_eq(lt_status_field(r.out, "Gid:", v, sizeof(v)), "1000\t1000\t1000\t1000");
	cr_expect_str_eq(lt_status_field(r.out, "Groups:", v, sizeof(v)), "",
			 "supplementary groups: '%s'", v);
	/* one startup report, before the exec */
	cr_expect_eq(rt_count_lines(r.err, "{\"rampart\":\"startup\""), 1, "%s", r.err);
	cr_expect(strstr(r.err, "\"no_new_privs\":true") != NULL);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

static int
unprivileged_port_start(void)
{
	char *s = rt_read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start");
	int v = s ? atoi(s) : 1024;

	free(s);
	return v;
}

Test(loader_confine, kept_capability_binds_port_80)
{
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { NULL, "bind", "80", NULL };
	const char *st_args[] = { NULL, "status", NULL };
	char v[256];

	lt_setup(&e, NULL);
	if (unprivileged_port_start() <= 80)
		cr_skip_test("net.ipv4.ip_unprivileged_port_start <= 80: port 80 needs no capability");
	args[0] = st_args[0] = e.probe;
	/* without the capability: refused */
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	if (lt_has(r.out, "bind", "EADDRINUSE"))
		cr_skip_test("127.0.0.1:80 is in use on this machine");
	cr_expect(lt_has(r.out, "bind", "EACCES"), "without KeepCapability: %s%s", r.out, r.err);
	rt_result_free(&r);

	lt_setup(&e, "KeepCapability NET_BIND_SERVICE\n");
	args[0] = st_args[0] = e.probe;
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect(lt_has(r.out, "bind", "ok"), "with KeepCapability: %s%s", r.out, r.err);
	cr_expect(strstr(r.err, "\"caps_kept\":[\"CAP_NET_BIND_SERVICE\"]") != NULL, "%s", r.err);
	rt_result_free(&r);
	/* usable, yet nothing else: bit 10 only, and still uid 1000 */
	cr_assert_eq(lt_run(&e, no_opts, st_args, &r), 0);
	cr_expect_str_eq(lt_status_field(r.out, "CapEff:", v, sizeof(v)), "0000000000000400");
	cr_expect_str_eq(lt_status_field(r.out, "CapAmb:", v, sizeof(v)), "0000000000000400");
	cr_expect_str_eq(lt_status_field(r.out, "CapBnd:", v, sizeof(v)), "0000000000000400");
	cr_expect_str_eq(lt_status_field(r.out, "Uid:", v, sizeof(v)), "1000\t1000\t1000\t1000");
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(loader_confine, setuid_root_program_gains_nothing)
{
	struct lt_env e;
	struct rt_result r;
	char suid[PATH_MAX + 16];
	const char *args[] = { suid, "ids", NULL };
	struct stat st;

	lt_setup(&e, NULL);
	snprintf(suid, sizeof(suid), "%s/suid_probe", e.bin);
	lt_copy(e.probe, suid, 0755);
	cr_assert(chown(suid, 0, 0) == 0 && chmod(suid, 04755) == 0);
	cr_assert(stat(suid, &st) == 0 && (st.st_mode & S_ISUID));
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	/* no_new_privs: the setuid bit is ignored (docs/threat-model.md, R18) */
	cr_expect(strstr(r.out, "uid 1000 euid 1000 gid 1000 egid 1000") != NULL, "%s", r.out);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}
