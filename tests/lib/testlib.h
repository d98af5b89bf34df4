/* testlib.h - helpers for rampart's Criterion tests.
 *
 * Integration tests run real programs (tests/progs/, /bin/sh, python3)
 * under the real shim or loader and look at their exit status, their
 * stderr (JSON events) and the files they left behind.
 */
#ifndef RAMPART_TESTLIB_H
#define RAMPART_TESTLIB_H

#include <stddef.h>

/* Absolute path of the build directory (env RAMPART_BUILD, else ./build). */
const char *rt_build(void);
/* rt_path("librampart.so") -> "<build>/librampart.so" (static storage,
 * rotating among 8 buffers). */
const char *rt_path(const char *rel);
/* A test program: "<build>/tests/progs/NAME". */
const char *rt_prog(const char *name);

/* Make a fresh temporary directory (under /tmp) and return its path,
 * canonical (symlinks resolved).  Removed by rt_cleanup(). */
const char *rt_tmpdir(void);
void rt_cleanup(const char *dir);

/* Write `text` to `path` (mode 0644); aborts the test on failure. */
void rt_write_file(const char *path, const char *text);
/* Read a whole file into a malloc'd NUL-terminated string (NULL if none). */
char *rt_read_file(const char *path);
int rt_exists(const char *path);

struct rt_result {
	int status;		/* exit code, or 128+signal */
	char *out;		/* captured stdout (malloc'd, NUL-terminated) */
	char *err;		/* captured stderr */
};

/* Run argv with the environment `env` (NULL-terminated "K=V" list; NULL
 * means the current environment).  Waits at most `timeout_s` seconds
 * (killing it after).  Returns 0, or -1 if it could not be started. */
int rt_run(char *const argv[], char *const env[], int timeout_s, struct rt_result *r);
/* Same, with LD_PRELOAD=<build>/librampart.so and RAMPART_POLICY=policy
 * added to the current environment, plus `extra` ("K=V" list or NULL). */
int rt_run_shim(const char *policy, char *const argv[], char *const extra[],
		int timeout_s, struct rt_result *r);
void rt_result_free(struct rt_result *r);

/* Number of lines in `text` that contain `needle` (e.g. "\"decision\":\"deny\""). */
int rt_count_lines(const char *text, const char *needle);

/* 1 if running as root. */
int rt_is_root(void);

#endif
