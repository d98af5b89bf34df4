/* start.c - the constructor: what runs before main().
 *
 * Initialises the shim (init.c), then judges what no wrapper saw: a
 * program started as `ld.so PROGRAM` (the kernel's exec checks and
 * Landlock's EXECUTE right saw only ld.so: docs/threat-model.md), and
 * GCONV_PATH, which glibc reads later (loadvars.c).  A denied program is
 * refused with exit status 126 before main() runs; audit mode logs only.
 * The only place the shim ends its host.
 */
#include "shim.h"

#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/auxv.h>

#include "execdecide.h"
#include "exitcode.h"
#include "loadlib.h"
#include "rawsys.h"
#include "rules.h"
#include "stickyenv.h"

extern char **environ;

static int
first_object(struct dl_phdr_info *info, size_t size, void *data)
{
	*(const void **)data = info->dlpi_phdr;
	return 1;	/* the first object is the main program */
}

static unsigned long
hex_field(const char **p)
{
	unsigned long v = 0;

	for (;; (*p)++) {
		char c = **p;

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned long)(c - 'a' + 10);
		else
			return v;
	}
}

/* The file mapped at `addr`, from /proc/self/maps ("lo-hi perms off dev
 * ino path"); 0 if not found.  Raw reads into a stack buffer: no stdio. */
static int
mapped_file(unsigned long addr, char *out, size_t cap)
{
	char buf[8192];
	size_t have = 0;
	long fd = rp_raw4(SYS_openat, AT_FDCWD, "/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
	int found = 0;

	if (RP_RAW_ERR(fd))
		return 0;
	for (;;) {
		long n = rp_raw3(SYS_read, fd, buf + have, sizeof(buf) - 1 - have);
		char *line = buf, *nl;

		if (RP_RAW_ERR(n) || n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = strchr(line, '\n'))) {
			const char *p = line, *path;
			unsigned long lo, hi;

			*nl = '\0';
			lo = hex_field(&p);
			p++;
			hi = hex_field(&p);
			path = strchr(p, '/');
			if (addr >= lo && addr < hi && path) {
				size_t l = strlen(path);

				if (l < cap) {
					memcpy(out, path, l + 1);
					found = 1;
				}
				goto done;
			}
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1)
			have = 0;	/* a line longer than the buffer: skip it */
	}
done:
	rp_raw1(SYS_close, fd);
	return found;
}

/* No interpreter: started as `ld.so PROGRAM`, or a static ld.so.  Its own
 * function, so that the usual start (check_self returns at once) never
 * touches the stack pages of these buffers. */
static void __attribute__((noinline))
check_loader_started(void)
{
	char exe[RP_PATH_MAX], prog[RP_PATH_MAX];
	const void *phdr = NULL;
	const char *slash;
	struct rp_exec_verdict v;
	struct rp_event ev;
	char *argv[2];
	long n;

	n = rp_raw4(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", exe, sizeof(exe) - 1);
	if (RP_RAW_ERR(n) || n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!rp_exec_is_loader_name(slash ? slash + 1 : exe))
		return;		/* the kernel mapped the program: it was judged at exec */
	/* `ld.so PROGRAM`: the kernel ran the loader, which mapped PROGRAM
	 * itself (elf/rtld.c dl_main); find that file from the main map's
	 * program headers */
	dl_iterate_phdr(first_object, &phdr);
	if (!phdr || !mapped_file((unsigned long)phdr, prog, sizeof(prog)))
		return;
	if (strcmp(prog, exe) == 0)
		return;		/* ld.so --help and friends: no program */
	argv[0] = program_invocation_name;
	argv[1] = NULL;
	rp_exec_decide(rp_state.policy_ok ? &rp_state.policy : NULL, prog, argv, 0,
		       rp_env_value(environ, "PATH"), &v);
	if (!v.deny && rp_state.policy_ok && !rp_state.policy.memfd_exec &&
	    strstr(prog, " (deleted)")) {
		/* mapped from a memfd or a deleted file: no path to judge */
		v.deny = 1;
		v.rule = RP_RULE(MEMFD);
		v.pattern = "MemfdExec deny";
	}
	if (!v.deny)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.op = "ld.so";
	ev.path = prog;
	ev.target = v.hop_path[0] ? v.hop_path : NULL;
	ev.rule = v.rule;
	ev.detail = v.pattern;
	ev.argv = argv;
	ev.mode = -1;
	if (rp_deny(&ev))
		rp_raw1(SYS_exit_group, RP_EXIT_CANNOT_RUN);
}

static void
check_self(void)
{
	rp_ensure_init();
	/* A program the kernel mapped has its interpreter's load address in
	 * AT_BASE (fs/binfmt_elf.c create_elf_tables); ld.so run as the
	 * program has no interpreter, so AT_BASE is 0, and ld.so leaves it
	 * so when it makes AT_PHDR and AT_ENTRY look like PROGRAM's
	 * (elf/rtld.c dl_main).  Nonzero: judged at exec, no /proc read. */
	if (getauxval(AT_BASE) != 0)
		return;
	check_loader_started();
}

__attribute__((constructor)) static void
rp_constructor(void)
{
	rp_ensure_init();
	rp_event_live();	/* the loader's first process says the shim is live */
	/* A program started as `ld.so PROG` was never execve'd itself: the
	 * exec wrappers (and Landlock's EXECUTE check) saw only ld.so.  Judge
	 * PROG now, before main, and refuse to run a denied one. */
	check_self();
	/* the GCONV_PATH this process started with, read by glibc later
	 * (loadvars.c) */
	rp_loadlib_check_self();
}
