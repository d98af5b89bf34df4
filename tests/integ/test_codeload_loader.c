/* test_codeload_loader.c - nothing beneath a writable dir becomes code
 * under the loader (issue 13), as root with User 1000: ctypes.CDLL of a
 * dropped .so, a child's LD_PRELOAD, ld.so --preload, GCONV_PATH, and the
 * loader variables the command itself inherits (read by its ld.so before
 * the shim runs).  The dropped object is built with gcc by the test; its
 * constructor creates w/EVIDENCE when it runs as uid 1000, in the command
 * (rampart itself, started by the test with the same environment, runs
 * it as root before the user switch: that is the test's doing, not the
 * command's). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_loader.h"

static const char *const no_opts[] = { NULL };
static char evidence[PATH_MAX + 16], evil[PATH_MAX + 16];

static void
setup(struct lt_env *e)
{
	char src[PATH_MAX + 16], text[PATH_MAX + 512], cmd[4 * PATH_MAX];

	if (system("command -v gcc >/dev/null 2>&1") != 0)
		cr_skip_test("gcc is not installed: the test object is built with it");
	if (access("/usr/bin/python3", X_OK) != 0)
		cr_skip_test("/usr/bin/python3 missing");
	lt_setup(e, NULL);
	snprintf(evidence, sizeof(evidence), "%s/EVIDENCE", e->wdir);
	snprintf(evil, sizeof(evil), "%s/evil.so", e->wdir);
	snprintf(src, sizeof(src), "%s/evil.c", e->dir);
	snprintf(text, sizeof(text),
		 "#include <fcntl.h>\n#include <unistd.h>\n"
		 "__attribute__((constructor)) static void c(void)\n"
		 "{ if (getuid() == 0) return;\n"
		 "  int fd = open(\"%s\", O_WRONLY | O_CREAT, 0644); if (fd >= 0) close(fd); }\n"
		 "int cl_value(void) { return 42; }\n", evidence);
	rt_write_file(src, text);
	snprintf(cmd, sizeof(cmd), "gcc -shared -fPIC -o '%s' '%s' && chmod 0755 '%s'", evil, src,
		 evil);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

Test(codeload_loader, ctypes_cdll_of_a_dropped_so_is_denied)
{
	struct lt_env e;
	struct rt_result r;
	char code[PATH_MAX + 256];
	const char *args[] = { "/usr/bin/python3", "-c", code, NULL };

	setup(&e);
	snprintf(code, sizeof(code),
		 "import ctypes\n"
		 "try:\n    print('loaded', ctypes.CDLL('%s').cl_value())\n"
		 "except OSError as e:\n    print('refused:', e)\n", evil);
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect(strstr(r.out, "refused: rampart: ") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!rt_exists(evidence), "the constructor ran");
	cr_expect_eq(rt_count_lines(r.err, "\"op\":\"dlopen\""), 1, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(codeload_loader, child_ld_preload_and_ld_so_preload_are_denied)
{
	struct lt_env e;
	struct rt_result r;
	char cmd[2 * PATH_MAX + 256];
	const char *args[] = { "/bin/sh", "-c", cmd, NULL };

	setup(&e);
	snprintf(cmd, sizeof(cmd),
		 "LD_PRELOAD=\"$LD_PRELOAD:%s\" /bin/true; echo child=$?; "
		 "/lib64/ld-linux-x86-64.so.2 --preload %s /bin/true; echo ldso=$?", evil, evil);
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect(strstr(r.out, "child=0\n") != NULL, "%s / %s", r.out, r.err);
	cr_expect(strstr(r.out, "ldso=126\n") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!rt_exists(evidence), "the constructor ran: %s", r.err);
	cr_expect_eq(rt_count_lines(r.err, "\"op\":\"LD_PRELOAD\""), 1, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* The command inherits LD_PRELOAD and LD_LIBRARY_PATH naming the writable
 * dir (an image ENV, `docker run -e`): its own ld.so would map the object
 * before any shim runs, so the loader removes those entries; --audit keeps
 * them and says so in the report. */
Test(codeload_loader, inherited_loader_variables_are_cleaned_for_the_command)
{
	struct lt_env e;
	struct rt_result r;
	char pre[PATH_MAX + 32], llp[PATH_MAX + 32];
	const char *args[] = { "/bin/true", NULL };
	const char *env[] = { pre, llp, NULL };
	const char *audit[] = { "--audit", NULL };

	setup(&e);
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", evil);
	snprintf(llp, sizeof(llp), "LD_LIBRARY_PATH=/usr/lib:%s", e.wdir);
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, env, &r), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(!rt_exists(evidence), "the constructor ran: %s", r.err);
	cr_expect(strstr(r.err, "LD_PRELOAD entry ") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "LD_LIBRARY_PATH entry ") != NULL, "%s", r.err);
	rt_result_free(&r);
	cr_assert_eq(lt_run_ex(&e, NULL, audit, args, env, &r), 0);
	cr_expect(rt_exists(evidence), "--audit keeps the entry: %s", r.err);
	cr_expect(strstr(r.err, "kept (audit)") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

Test(codeload_loader, gconv_path_into_the_writable_dir_loads_nothing)
{
	struct lt_env e;
	struct rt_result r;
	char gc[PATH_MAX + 16], so[PATH_MAX + 32], conf[PATH_MAX + 32], gp[PATH_MAX + 32];
	char prog[PATH_MAX + 16], cmd[4 * PATH_MAX];
	const char *args[] = { prog, "CLEVIL//", "UTF-8", NULL };
	const char *env[] = { gp, NULL };

	setup(&e);
	snprintf(gc, sizeof(gc), "%s/gc", e.wdir);
	snprintf(so, sizeof(so), "%s/CLEVIL.so", gc);
	snprintf(conf, sizeof(conf), "%s/gconv-modules", gc);
	snprintf(cmd, sizeof(cmd), "mkdir -m 0755 '%s' && cp '%s' '%s'", gc, evil, so);
	cr_assert_eq(system(cmd), 0);
	rt_write_file(conf, "module CLEVIL// INTERNAL CLEVIL 1\nmodule INTERNAL CLEVIL// CLEVIL 1\n");
	snprintf(prog, sizeof(prog), "%s/cl_iconv", e.bin);
	lt_copy(rt_prog("cl_iconv"), prog, 0755);
	snprintf(gp, sizeof(gp), "GCONV_PATH=%s", gc);
	cr_assert_eq(lt_run_ex(&e, NULL, no_opts, args, env, &r), 0);
	cr_expect(strstr(r.out, "CLEVIL// UTF-8: err") != NULL, "%s / %s", r.out, r.err);
	cr_expect(!rt_exists(evidence), "the gconv module ran");
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* ---- memory W^X ------------------------------------------------------- */

/* CPython, ctypes callbacks (libffi closures) and an ASGI service
 * (uvicorn + starlette, the packages python-web.policy is for) run under
 * MemoryDenyWriteExecute yes; a writable+executable mapping, and an
 * mprotect that makes written memory executable, are refused. */
Test(codeload_loader, memory_wx_refuses_wx_memory_and_python_still_runs)
{
	struct lt_env e;
	struct rt_result r;
	char pol[PATH_MAX + 64];
	const char *args[] = {
		"/usr/bin/python3", "-c",
		"import ctypes, mmap, socket, threading, time, urllib.request\n"
		"CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)\n"
		"print('callback', CB(lambda x: 2 * x)(21))\n"
		"try:\n"
		"    mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)\n"
		"    print('wx mmap: allowed')\n"
		"except OSError as ex:\n"
		"    print('wx mmap: errno', ex.errno)\n"
		"libc = ctypes.CDLL(None, use_errno=True)\n"
		"libc.mmap.restype = ctypes.c_void_p\n"
		"libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,\n"
		"                      ctypes.c_int, ctypes.c_long]\n"
		"libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]\n"
		"p = libc.mmap(None, 4096, 3, 0x22, -1, 0)\n"
		"ctypes.memset(p, 0xc3, 1)\n"
		"r = libc.mprotect(p, 4096, 5)\n"
		"print('w then x:', 'allowed' if r == 0 else 'errno %d' % ctypes.get_errno())\n"
		"try:\n"
		"    import uvicorn\n"
		"    from starlette.applications import Starlette\n"
		"    from starlette.responses import PlainTextResponse\n"
		"    from starlette.routing import Route\n"
		"except ImportError:\n"
		"    print('asgi: skipped'); raise SystemExit(0)\n"
		"async def home(req): return PlainTextResponse('hello')\n"
		"s = socket.socket(); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]; s.close()\n"
		"srv = uvicorn.Server(uvicorn.Config(Starlette(routes=[Route('/', home)]),\n"
		"                     host='127.0.0.1', port=port, log_level='warning'))\n"
		"t = threading.Thread(target=srv.run); t.start()\n"
		"body = 'none'\n"
		"for i in range(200):\n"
		"    try:\n"
		"        body = urllib.request.urlopen('http://127.0.0.1:%d/' % port).read().decode(); break\n"
		"    except OSError: time.sleep(0.05)\n"
		"srv.should_exit = True; t.join()\n"
		"print('asgi:', body)\n",
		NULL
	};

	if (access("/usr/bin/python3", X_OK) != 0)
		cr_skip_test("/usr/bin/python3 missing");
	lt_setup(&e, "MemoryDenyWriteExecute yes\n");
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "callback 42\n") != NULL, "%s / %s", r.out, r.err);
	cr_expect(strstr(r.out, "wx mmap: errno 13\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "asgi: hello\n") || strstr(r.out, "asgi: skipped\n"), "%s / %s",
		  r.out, r.err);
	if (strstr(r.err, "\"memory_wx\":\"enforced (PR_SET_MDWE)\"")) {
		cr_expect(strstr(r.out, "w then x: errno 13\n") != NULL, "%s", r.out);
	} else {
		cr_expect(strstr(r.err, "\"memory_wx\":\"seccomp") != NULL, "%s", r.err);
		cr_log_warn("kernel without PR_SET_MDWE: only the seccomp half was tested");
	}
	rt_result_free(&r);
	/* off by default: the same program may map W+X */
	snprintf(pol, sizeof(pol), "WritablePath %s\nUser 1000\n", e.wdir);
	lt_policy(&e, pol);
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect(strstr(r.out, "wx mmap: allowed\n") != NULL, "%s / %s", r.out, r.err);
	cr_expect(strstr(r.err, "\"memory_wx\":\"off\"") != NULL, "%s", r.err);
	rt_result_free(&r);
	rt_cleanup(e.dir);
}

/* ---- RequireNoexec ---------------------------------------------------- */

Test(codeload_loader, require_noexec_refuses_an_exec_capable_writable_dir)
{
	struct lt_env e;
	struct rt_result r;
	const char *args[] = { "/bin/true", NULL };
	char cmd[2 * PATH_MAX];

	lt_setup(&e, "RequireNoexec yes\n");
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect_eq(r.status, 125, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "is not on a noexec mount") != NULL, "%s", r.err);
	rt_result_free(&r);
	/* on a noexec mount it starts */
	snprintf(cmd, sizeof(cmd), "mount -t tmpfs -o noexec,mode=0777 rampart-test '%s'", e.wdir);
	if (system(cmd) != 0) {
		rt_cleanup(e.dir);
		cr_skip_test("cannot mount a tmpfs here (no CAP_SYS_ADMIN in this namespace)");
	}
	cr_assert_eq(lt_run(&e, no_opts, args, &r), 0);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	rt_result_free(&r);
	snprintf(cmd, sizeof(cmd), "umount '%s'", e.wdir);
	cr_expect_eq(system(cmd), 0);
	rt_cleanup(e.dir);
}
