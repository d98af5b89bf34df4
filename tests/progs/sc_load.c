/* sc_load.c - compare seccomp decisions without running a system call.
 *
 *   sc_load marker -- CMD [ARG...]   install the marker filter, exec CMD
 *   sc_load probe SAMPLE...          make each sampled call, print the verdict
 *   sc_load apply RULES -- CMD...    the RULES file compiled, then exec CMD
 *   sc_load profile RULES SAMPLE...  marker, then the RULES file compiled
 *                                    with libseccomp, then probe
 *
 * SAMPLE is "name=nr:a0:a1:a2:a3:a4" (numbers in any C base).  RULES has
 * one libseccomp rule per line: "name nr errno|kill|log ERRNO N
 * [index op mask-or-value datum]..." (op = enum scmp_compare value).
 *
 * The marker filter answers ERRNO(MARK) to every call whose sixth argument
 * is COOKIE.  Installed before the filter under test, it runs after it
 * (the kernel walks filters newest first, and of two ERRNO answers keeps
 * the first: kernel/seccomp.c seccomp_run_filters() takes a later result
 * only when its action is strictly stronger).  So a probe with the cookie
 * never executes: it returns the tested filter's errno when that filter
 * denies, MARK when it allows (or only logs), and dies of SIGSYS when it
 * kills.  That is what lets the test probe mount(), kexec_load() and
 * clone() as root with no effect.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rawsys.h"

#define MARK 222			/* an errno Linux never uses */
#define COOKIE 0x5ecc0de5c0ffee11ULL	/* the sixth argument of probes */

static void
die(const char *what)
{
	fprintf(stderr, "sc_load: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void
install_marker(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[5])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)COOKIE, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[5]) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(COOKIE >> 32), 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | MARK),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	/* as root no no_new_privs is needed; keep the loader's start as is */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
			die("install the marker filter");
	}
}

/* Each probe runs in a child, as a KILL verdict ends the process.
 * Without the marker a probe would really run: check it is there first. */
static void
probe(int n, char **samples)
{
	int i;

	if (rp_raw6(SYS_getppid, 0, 0, 0, 0, 0, (long)COOKIE) != -MARK) {
		fprintf(stderr, "sc_load: the marker filter is not installed; refusing to probe\n");
		exit(2);
	}

	for (i = 0; i < n; i++) {
		unsigned long long a[6] = { 0 };
		char name[64];
		const char *eq = strchr(samples[i], '=');
		char *p;
		int k, status;
		pid_t pid;

		if (!eq || (size_t)(eq - samples[i]) >= sizeof(name)) {
			fprintf(stderr, "sc_load: bad sample '%s'\n", samples[i]);
			exit(2);
		}
		memcpy(name, samples[i], (size_t)(eq - samples[i]));
		name[eq - samples[i]] = '\0';
		p = (char *)eq + 1;
		for (k = 0; k < 6; k++) {
			a[k] = strtoull(p, &p, 0);
			if (*p == ':')
				p++;
		}
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			long r = rp_raw6((long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4],
					 (long)a[5], (long)COOKIE);

			/* not _exit(): r9 may still hold the cookie, and the
			 * marker would refuse exit_group itself */
			rp_raw6(SYS_exit_group, RP_RAW_ERR(r) ? (-r & 0xff) : 0, 0, 0, 0, 0, 0);
			_exit(2);
		}
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				die("waitpid");
		printf("%s", samples[i]);
		if (WIFSIGNALED(status))
			printf(" kill %d\n", WTERMSIG(status));
		else if (WEXITSTATUS(status) == MARK)
			printf(" allow\n");
		else
			printf(" errno %d\n", WEXITSTATUS(status));
	}
}

static void
load_profile(const char *path)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	FILE *f = fopen(path, "r");
	char line[1024];

	if (!ctx || !f)
		die(path);
	/* root needs no no_new_privs to load a filter; setting it would
	 * change what the command under test starts with */
	if (geteuid() == 0)
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	while (fgets(line, sizeof(line), f)) {
		char name[64], act[16];
		struct scmp_arg_cmp c[6];
		int nr, err, n, off, k, r;
		uint32_t action;
		char *p = line;

		if (sscanf(p, "%63s %d %15s %d %d%n", name, &nr, act, &err, &n, &off) != 5 ||
		    n < 0 || n > 6) {
			fprintf(stderr, "sc_load: bad rule: %s", line);
			exit(2);
		}
		p += off;
		for (k = 0; k < n; k++) {
			unsigned long long x, y;

			unsigned idx;
			int op;

			if (sscanf(p, "%u %d %llu %llu%n", &idx, &op, &x, &y, &off) != 4) {
				fprintf(stderr, "sc_load: bad comparison: %s", line);
				exit(2);
			}
			c[k].arg = idx;
			c[k].op = (enum scmp_compare)op;
			c[k].datum_a = x;
			c[k].datum_b = y;
			p += off;
		}
		action = strcmp(act, "kill") == 0 ? SCMP_ACT_KILL_PROCESS :
			 strcmp(act, "log") == 0 ? SCMP_ACT_LOG : SCMP_ACT_ERRNO((uint32_t)err);
		r = seccomp_rule_add_array(ctx, action, nr, (unsigned)n, c);
		if (r != 0) {
			errno = -r;
			fprintf(stderr, "sc_load: seccomp_rule_add %s: %s\n", name, strerror(errno));
			exit(2);
		}
	}
	fclose(f);
	errno = -seccomp_load(ctx);
	if (errno)
		die("seccomp_load");
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "marker") == 0 && strcmp(argv[2], "--") == 0) {
		install_marker();
		execvp(argv[3], argv + 3);
		die(argv[3]);
	}
	if (argc >= 2 && strcmp(argv[1], "probe") == 0) {
		probe(argc - 2, argv + 2);
		return 0;
	}
	if (argc >= 5 && strcmp(argv[1], "apply") == 0 && strcmp(argv[3], "--") == 0) {
		/* as a container engine does: the profile first, then the
		 * entrypoint (runc loads it as root without no_new_privs) */
		load_profile(argv[2]);
		execvp(argv[4], argv + 4);
		die(argv[4]);
	}
	if (argc >= 3 && strcmp(argv[1], "profile") == 0) {
		install_marker();
		load_profile(argv[2]);
		probe(argc - 3, argv + 3);
		return 0;
	}
	fprintf(stderr, "usage: sc_load marker -- CMD... | apply RULES -- CMD... | probe SAMPLE... | profile RULES SAMPLE...\n");
	return 2;
}
