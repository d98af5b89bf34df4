/* test_compilers.c - policies/compilers.policy against real program names.
 *
 * A program is denied when a DenyExec pattern without '/' matches its name
 * as given or at any symlink hop, or a pattern with '/' matches the final
 * resolved path, names also without their target triplet and version
 * (rampart.policy(5), DenyExec).  This file applies that rule, through the
 * function every layer calls (shim/denymatch.h), to: every executable Debian's gcc-12, cpp-12,
 * binutils, clang-14 and llvm-14 packages install (when installed), a fixed
 * list of toolchain names, and ordinary programs that must stay allowed.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "denymatch.h"
#include "policy.h"

#define COMPILERS "policies/compilers.policy"

static struct rp_policy policy;

static void
load_compilers(void)
{
	int errors = rp_policy_load(&policy, COMPILERS, NULL, NULL);

	cr_assert_eq(errors, 0, "%s does not parse (%d errors); run build/rampart --check --policy %s",
		     COMPILERS, errors, COMPILERS);
	cr_assert_gt(policy.n_deny_exec, 50);
}

/* The pattern that denies `name` (a basename) or `path` (a resolved
 * absolute path, or NULL), or NULL. */
static const char *
denying_pattern(const char *name, const char *path)
{
	int i = rp_deny_exec_match(&policy, NULL, path, name);

	return i >= 0 ? policy.deny_exec[i].text : NULL;
}

static const char *
base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Follow `path` hop by hop as the exec decision does; return the pattern
 * that denies any hop or the final target. */
static const char *
denied_file(const char *path)
{
	char cur[PATH_MAX], next[PATH_MAX], real[PATH_MAX];
	const char *pat;
	int hop;

	snprintf(cur, sizeof(cur), "%s", path);
	for (hop = 0; hop < 40; hop++) {
		ssize_t n;

		if ((pat = denying_pattern(base(cur), NULL)) != NULL)
			return pat;
		n = readlink(cur, next, sizeof(next) - 1);
		if (n < 0)
			break;
		next[n] = '\0';
		if (next[0] != '/') {
			/* relative to the link's directory */
			char *slash = strrchr(cur, '/');
			size_t keep = slash ? (size_t)(slash - cur) + 1 : 0;

			if (keep + strlen(next) >= sizeof(cur))
				break;
			memcpy(cur + keep, next, strlen(next) + 1);
		} else {
			snprintf(cur, sizeof(cur), "%s", next);
		}
	}
	if (!realpath(path, real))
		return NULL;
	return denying_pattern(base(real), real);
}

Test(compilers, well_known_toolchain_names_are_denied)
{
	static const char *const names[] = {
		"cc", "c++", "cpp", "gcc", "g++", "tcc", "make", "gmake", "cmake", "ninja",
		"meson", "rustc", "cargo", "go", "javac", "ld", "ld.gold", "ld.bfd", "ld.lld",
		"as", "gold", "x86_64-linux-gnu-gcc-12", "x86_64-linux-gnu-gcc",
		"x86_64-linux-gnu-g++-12", "aarch64-linux-gnu-gcc-13", "arm-linux-gnueabihf-gcc",
		"x86_64-w64-mingw32-gcc", "x86_64-linux-gnu-as", "x86_64-linux-gnu-ld",
		"x86_64-linux-gnu-ld.bfd", "gcc-12", "g++-12", "cpp-12", "clang", "clang++",
		"clang-14", "clang++-14", "clang-cpp-14", "clang-17", "cc1", "cc1plus", "collect2",
		"lto1", "lto-wrapper", "gcc-ar-12", "gfortran", "gnatmake", "llvm-ar-14", "llc",
		"lld", "nasm", "yasm", "objcopy", "strip", "ar", "c89", "c99", "zig", "fpc",
		"rustup", "autoreconf", "libtool", "bazel", "scons", "configure",
	};
	size_t i;

	load_compilers();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_expect_not_null(denying_pattern(names[i], NULL), "'%s' is not denied", names[i]);
}

Test(compilers, gcc_internal_programs_are_denied_by_path)
{
	static const char *const paths[] = {
		"/usr/lib/gcc/x86_64-linux-gnu/12/cc1",
		"/usr/lib/gcc/x86_64-linux-gnu/12/renamed-copy",
		"/usr/libexec/gcc/x86_64-redhat-linux/13/cc1",
		"/usr/lib/llvm-14/bin/opt",
		"/usr/lib/llvm-17/bin/anything",
	};
	size_t i;

	load_compilers();
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		cr_expect_not_null(denying_pattern("renamed-copy", paths[i]),
				   "'%s' is not denied", paths[i]);
}

Test(compilers, ordinary_programs_stay_allowed)
{
	static const char *const names[] = {
		"python3", "python3.11", "python", "sh", "dash", "bash", "ls", "cat",
		"gunicorn", "uvicorn", "pip", "pip3", "env", "true", "false", "node", "npm",
		"ldconfig", "ldd", "ld.so", "ld-linux-x86-64.so.2", "id", "cp", "mv", "rm",
		"mkdir", "grep", "sed", "awk", "tar", "gzip", "curl", "wget", "ps", "gosu",
		"tini", "su", "sleep", "date", "git", "ssh", "openssl", "nginx", "psql",
		"java", "ruby", "perl", "php", "uwsgi", "celery", "base64", "sha256sum",
		"ash", "last", "cmp", "diff", "find", "xargs", "head", "tail", "uname",
		"hostname", "getent", "chmod", "stat", "install", "readlink", "realpath",
		"convert", "ffmpeg", "gs", "sqlite3", "redis-server", "top", "kill",
	};
	size_t i;

	load_compilers();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[PATH_MAX];
		const char *pat = denying_pattern(names[i], NULL);

		cr_expect_null(pat, "'%s' is denied by '%s'", names[i], pat ? pat : "");
		snprintf(path, sizeof(path), "/usr/bin/%s", names[i]);
		pat = denying_pattern(names[i], path);
		cr_expect_null(pat, "'%s' is denied by '%s'", path, pat ? pat : "");
	}
}

/* Is `path` something exec would run: a regular executable file, not a
 * shared library or a data file that happens to have x bits? */
static int
is_program(const char *path)
{
	struct stat st;
	size_t n = strlen(path);

	if (strstr(path, "/share/") || strstr(path, ".so") ||
	    (n > 3 && strcmp(path + n - 3, ".sh") == 0))
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

Test(compilers, every_program_of_debian_toolchain_packages_is_denied)
{
	FILE *p;
	char line[PATH_MAX];
	int checked = 0;

	load_compilers();
	p = popen("dpkg -L gcc-12 cpp-12 binutils binutils-x86-64-linux-gnu clang-14 llvm-14 "
		  "2>/dev/null", "r");
	if (!p)
		cr_skip_test("cannot run dpkg -L");
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '/' || !is_program(line))
			continue;
		checked++;
		cr_expect_not_null(denied_file(line), "%s is installed by a toolchain package "
				   "but compilers.policy does not deny it", line);
	}
	pclose(p);
	if (checked == 0)
		cr_skip_test("none of gcc-12 cpp-12 binutils clang-14 llvm-14 is installed "
			     "(the fixed name lists still ran)");
	/* gcc, binutils and clang together install well over 100 programs */
	cr_expect_gt(checked, 20, "only %d programs found", checked);
}

Test(compilers, symlink_hops_are_followed)
{
	char dir[] = "/tmp/rampart-test.XXXXXX", link1[PATH_MAX], link2[PATH_MAX];
	char target[PATH_MAX];
	FILE *f;

	load_compilers();
	cr_assert_not_null(mkdtemp(dir));
	/* innocent-looking name -> gcc-12 -> real file with another name */
	snprintf(target, sizeof(target), "%s/notacompiler", dir);
	f = fopen(target, "w");
	cr_assert_not_null(f);
	fclose(f);
	snprintf(link2, sizeof(link2), "%s/gcc-12", dir);
	snprintf(link1, sizeof(link1), "%s/mytool", dir);
	cr_assert_eq(symlink("notacompiler", link2), 0);
	cr_assert_eq(symlink(link2, link1), 0);
	/* "gcc-12" without its version is "gcc", the first pattern that
	 * names it (before "gcc-[0-9]*") */
	cr_expect_str_eq(denied_file(link1), "gcc");
	cr_expect_null(denied_file(target));
	unlink(link1);
	unlink(link2);
	unlink(target);
	rmdir(dir);
}
