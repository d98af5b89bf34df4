/* ld_nolandlock.c - run a command on a kernel "without Landlock".
 *
 *   ld_nolandlock CMD [ARG...]
 *
 * Installs a seccomp filter that answers landlock_create_ruleset,
 * landlock_add_rule and landlock_restrict_self with ENOSYS, which is what a
 * kernel built without CONFIG_SECURITY_LANDLOCK answers
 * (landlock_create_ruleset(2)), then execs CMD.  The loader's tests use it
 * to show that "Landlock strict" refuses to run the command and
 * "Landlock best-effort" runs it and says so.  Filters are inherited and
 * stack, so the loader's own filter still goes on top.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NR_LANDLOCK_FIRST 444	/* landlock_create_ruleset */
#define NR_LANDLOCK_LAST 446	/* landlock_restrict_self */

int
main(int argc, char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, NR_LANDLOCK_FIRST, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, NR_LANDLOCK_LAST, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (argc < 2) {
		fprintf(stderr, "usage: ld_nolandlock CMD [ARG...]\n");
		return 2;
	}
	/* root (CAP_SYS_ADMIN) may install a filter without no_new_privs,
	 * which keeps this wrapper from changing what the loader sees */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0 &&
	    (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	     syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)) {
		fprintf(stderr, "ld_nolandlock: seccomp: %s\n", strerror(errno));
		return 2;
	}
	execv(argv[1], argv + 1);
	fprintf(stderr, "ld_nolandlock: exec %s: %s\n", argv[1], strerror(errno));
	return 127;
}
