/* ev_nopidfd.c - run a command where pidfd_open(2) is refused.
 *
 *   ev_nopidfd CMD [ARG...]
 *
 * Installs a seccomp filter that answers pidfd_open with EPERM, as the
 * seccomp profiles of container runtimes older than pidfd_open (Linux 5.3)
 * do, then execs CMD.  The loader's event relay must then notice the
 * app's exit another way.
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

#define NR_PIDFD_OPEN 434

int
main(int argc, char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_PIDFD_OPEN, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (argc < 2) {
		fprintf(stderr, "usage: ev_nopidfd CMD [ARG...]\n");
		return 2;
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0 &&
	    (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	     syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)) {
		fprintf(stderr, "ev_nopidfd: seccomp: %s\n", strerror(errno));
		return 2;
	}
	execv(argv[1], argv + 1);
	fprintf(stderr, "ev_nopidfd: exec %s: %s\n", argv[1], strerror(errno));
	return 127;
}
