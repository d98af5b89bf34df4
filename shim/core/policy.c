/* policy.c - the policy reader and its entry points (see policy.h).
 *
 * Grammar, per line:  Keyword value [value ...]   # comment
 * Keywords are case-insensitive; values are separated by blanks and may be
 * double-quoted to hold blanks.  Every error is reported through the
 * caller's diag function as "message 'token'", all errors in one pass.
 *
 * This file reads: files into one static arena (Include nests, cycles are
 * refused), lines (length, UTF-8, control bytes) and tokens.  What each
 * keyword means is policykw.c; lexical paths are pathnorm.c.
 */
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "policyparts.h"
#include "rawsys.h"
#include "strbuf.h"

/* ---- lookups ------------------------------------------------------------ */

int
rp_policy_writable_index(const struct rp_policy *p, const char *path, size_t len)
{
	int i;

	for (i = 0; i < p->n_writable; i++)
		if (rp_path_beneath(path, len, p->writable[i].path, p->writable[i].len))
			return i;
	return -1;
}

int
rp_policy_exec_writable(const struct rp_policy *p, const char *path, size_t len)
{
	int i;

	for (i = 0; i < p->n_exec_writable; i++)
		if (rp_path_beneath(path, len, p->exec_writable[i].path,
				    p->exec_writable[i].len))
			return 1;
	return 0;
}

/* ---- parser state ------------------------------------------------------- */

/* One static read arena, used as a stack: each (included) file's bytes sit
 * above its includer's while it is parsed. */
static char arena[RP_MAX_INCLUDE_DEPTH * RP_MAX_FILE / 4 + RP_MAX_FILE];

/* ---- lines and tokens --------------------------------------------------- */

/* Split a line into tokens in place.  Returns the count, or -1 with *err
 * set.  '#' at the start of a token begins a comment. */
#define MAX_TOKENS 256
static int
tokenize(char *line, char **tok, const char **err)
{
	int n = 0;
	char *s = line;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			return n;
		if (n == MAX_TOKENS) {
			*err = "too many values on one line";
			return -1;
		}
		if (*s == '"') {
			char *end = strchr(s + 1, '"');

			if (!end) {
				*err = "unterminated quote";
				return -1;
			}
			*end = '\0';
			tok[n++] = s + 1;
			s = end + 1;
			if (*s && *s != ' ' && *s != '\t') {
				*err = "text after closing quote";
				return -1;
			}
			continue;
		}
		tok[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
}

/* Length of the leading run of printable ASCII (0x20..0x7f) of s, in
 * whole 8-byte words: a usual policy line is all of it, and needs neither
 * the UTF-8 decoder nor the per-byte checks.  A word fails if a byte has
 * its high bit set, or is below 0x20 (w - 0x20 per byte borrows into that
 * byte's high bit only when the byte is below 0x20, given no high bits). */
static size_t
ascii_prefix(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if ((w & high) || ((w - 0x20 * ones) & ~w & high))
			break;
	}
	return i;
}

static void
parse_text(struct rp_parser *ps, const char *file, char *text, size_t len)
{
	size_t pos = 0;
	int line = 0;

	if (len == 0) {
		report(ps, file, 0, "empty policy file", NULL, NULL);
		return;
	}
	while (pos < len) {
		char *start = text + pos, *tok[MAX_TOKENS];
		size_t n = 0, i;
		const char *err = NULL;
		int ntok, comment;

		line++;
		{
			const char *nl = memchr(start, '\n', len - pos);

			n = nl ? (size_t)(nl - start) : len - pos;
		}
		pos += n + 1;	/* past the newline (or the end) */
		if (n > 0 && start[n - 1] == '\r')
			n--;	/* tolerate CRLF */
		/* A directive line is bounded (RP_MAX_LINE, rampart.policy(5));
		 * a comment is checked byte by byte like any line, in place, and
		 * may be as long as the file. */
		for (i = 0; i < n && (start[i] == ' ' || start[i] == '\t'); i++)
			;
		comment = i < n && start[i] == '#';
		if (n > RP_MAX_LINE && !comment) {
			report(ps, file, line, "line too long (limit 4096 bytes; a list may go on "
			       "over several lines of the same keyword)", NULL, NULL);
			continue;
		}
		for (i = ascii_prefix(start, n); i < n; i++) {
			unsigned char c = (unsigned char)start[i];
			size_t sl;

			if (c >= 0x20 && c < 0x80)
				continue;	/* printable ASCII */
			if (start[i] == '\0') {
				err = "NUL byte in line";
				break;
			}
			sl = rp_utf8_seq((const unsigned char *)start + i, n - i);
			if (sl == 0) {
				err = "invalid UTF-8 in line";
				break;
			}
			if ((unsigned char)start[i] < 0x20 && start[i] != '\t') {
				err = "control character in line";
				break;
			}
			i += sl - 1;
		}
		if (err) {
			report(ps, file, line, err, NULL, NULL);
			continue;
		}
		if (comment)
			continue;
		start[n] = '\0';
		ntok = tokenize(start, tok, &err);
		if (ntok < 0) {
			report(ps, file, line, err, NULL, NULL);
			continue;
		}
		if (ntok > 0)
			rp_policy_directive(ps, file, line, tok, ntok);
	}
}

int
rp_policy_parse_file(struct rp_parser *ps, const char *path, const char *from_file, int from_line)
{
	const char *name;
	struct stat st;
	long fd, r;
	size_t got = 0, base;
	const char *efile = from_file ? from_file : path;
	int eline = from_file ? from_line : 0;

	name = pool_dup(ps, path, strlen(path));
	if (!name) {
		report(ps, efile, eline, "policy too large at", path, NULL);
		return -1;
	}
	if (ps->depth >= RP_MAX_INCLUDE_DEPTH) {
		report(ps, efile, eline, "includes nested too deeply (limit 8) at", path, NULL);
		return -1;
	}
	if (++ps->nfiles > RP_MAX_FILES) {
		report(ps, efile, eline, "too many included files (limit 32) at", path, NULL);
		return -1;
	}
	fd = rp_raw4(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
	if (RP_RAW_ERR(fd)) {
		report(ps, efile, eline, fd == -ENOENT ? "policy file not found:" :
		       fd == -EACCES ? "policy file not readable (permission denied):" :
		       "cannot open policy file:", path, NULL);
		return -1;
	}
	r = rp_raw2(SYS_fstat, fd, &st);
	if (RP_RAW_ERR(r) || S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
		rp_raw1(SYS_close, fd);
		report(ps, efile, eline, S_ISDIR(st.st_mode) ?
		       "policy path is a directory:" : "policy is not a regular file:",
		       path, NULL);
		return -1;
	}
	if (rp_devino_has(ps->chain, ps->nchain, st.st_dev, st.st_ino)) {
		rp_raw1(SYS_close, fd);
		report(ps, efile, eline, "include cycle:", path, NULL);
		return -1;
	}
	base = ps->arena_top;
	if (base + RP_MAX_FILE + 1 > sizeof(arena)) {
		rp_raw1(SYS_close, fd);
		report(ps, efile, eline, "includes too large at", path, NULL);
		return -1;
	}
	for (;;) {
		r = rp_raw3(SYS_read, fd, arena + base + got, RP_MAX_FILE + 1 - got);
		if (r == -EINTR)
			continue;
		if (RP_RAW_ERR(r)) {
			rp_raw1(SYS_close, fd);
			report(ps, efile, eline, "cannot read policy file:", path, NULL);
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (st.st_size > 0 && got == (size_t)st.st_size && got <= RP_MAX_FILE)
			break;	/* all fstat saw: no read(2) just to meet the end */
		if (got > RP_MAX_FILE) {
			rp_raw1(SYS_close, fd);
			report(ps, name, 0, "policy file too large (limit 256 KiB)", NULL, NULL);
			return -1;
		}
	}
	rp_raw1(SYS_close, fd);
	/* not full: depth < RP_MAX_INCLUDE_DEPTH, and not there: checked above */
	(void)rp_devino_add(ps->chain, &ps->nchain, RP_MAX_INCLUDE_DEPTH, st.st_dev, st.st_ino);
	ps->depth++;
	ps->arena_top = base + got + 1;
	parse_text(ps, name, arena + base, got);
	ps->arena_top = base;
	ps->depth--;
	ps->nchain--;
	return 0;
}

/* ---- entry points ------------------------------------------------------- */

static void
policy_reset(struct rp_policy *p)
{
	/* memset of the whole struct would touch 150 KiB of pages on every
	 * process start; the entry arrays (23 KiB) need no reset either:
	 * add_dirs and add_items write every field of each entry they count,
	 * and nothing reads past the counts.  Reset the scalars (everything
	 * before the first array), the counts and the keyword locations. */
	memset(p, 0, offsetof(struct rp_policy, writable));
	p->n_writable = 0;
	p->n_exec_writable = 0;
	p->n_deny_exec = 0;
	p->n_deny_syscall = 0;
	p->n_allow_syscall = 0;
	memset(p->set_at, 0, sizeof(p->set_at));
	p->pool_used = 0;
	p->mode = RP_MODE_ENFORCE;
	p->landlock = RP_LANDLOCK_STRICT;
	p->log = RP_LOG_STDERR;
}

int
rp_policy_load(struct rp_policy *p, const char *path, rp_diag_fn diag, void *ctx)
{
	return rp_policy_load_flags(p, path, 0, diag, ctx);
}

int
rp_policy_load_flags(struct rp_policy *p, const char *path, unsigned flags, rp_diag_fn diag,
		     void *ctx)
{
	struct rp_parser ps;

	memset(&ps, 0, sizeof(ps));
	ps.flags = flags;
	ps.p = p;
	ps.diag = diag;
	ps.ctx = ctx;
	policy_reset(p);
	rp_policy_parse_file(&ps, path, NULL, 0);
	p->source = p->pool_used ? p->pool : path;
	return ps.errors;
}

int
rp_policy_load_buffer(struct rp_policy *p, const char *name, const char *buf,
		      size_t len, rp_diag_fn diag, void *ctx)
{
	struct rp_parser ps;
	const char *n;

	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.diag = diag;
	ps.ctx = ctx;
	policy_reset(p);
	n = pool_dup(&ps, name, strlen(name));
	if (len > RP_MAX_FILE) {
		report(&ps, name, 0, "policy file too large (limit 256 KiB)", NULL, NULL);
		return ps.errors;
	}
	memcpy(arena, buf, len);
	ps.arena_top = len + 1;
	ps.depth = 1;
	parse_text(&ps, n ? n : name, arena, len);
	p->source = n ? n : name;
	return ps.errors;
}
