/* policy.c - the policy parser and path matcher (see policy.h).
 *
 * Grammar, per line:  Keyword value [value ...]   # comment
 * Keywords are case-insensitive; values are separated by blanks and may be
 * double-quoted to hold blanks.  Every error is reported through the
 * caller's diag function as "message 'token'", all errors in one pass.
 */
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "glob.h"
#include "rawsys.h"
#include "strbuf.h"

const struct rp_keyword_info rp_keyword_table[RP_KW_COUNT] = {
#define RP_KW_ROW(id, name, kind, syntax, help) { name, kind, syntax, help },
	RP_KEYWORDS(RP_KW_ROW)
#undef RP_KW_ROW
};

/* linux/capability.h order; index = capability number. */
const char *const rp_cap_names[RP_CAP_COUNT] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL",
	"SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE",
	"NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
	"SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
	"SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL",
	"SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
	"BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

/* ---- small string helpers (no locale) ----------------------------------- */

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int
streq_ci(const char *a, const char *b)
{
	while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

int
rp_cap_from_name(const char *name)
{
	int i;

	if (lower(name[0]) == 'c' && lower(name[1]) == 'a' && lower(name[2]) == 'p' &&
	    name[3] == '_')
		name += 4;
	for (i = 0; i < RP_CAP_COUNT; i++)
		if (streq_ci(name, rp_cap_names[i]))
			return i;
	return -1;
}

/* Case-insensitive edit distance, for "did you mean". */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = lower((unsigned char)a[i - 1]) !=
				      lower((unsigned char)b[j - 1]);
			size_t best = diag + cost;

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* ---- paths -------------------------------------------------------------- */

const char *
rp_path_error_str(enum rp_path_error e)
{
	switch (e) {
	case RP_PATH_OK: return "ok";
	case RP_PATH_EMPTY: return "empty path";
	case RP_PATH_RELATIVE: return "path must be absolute";
	case RP_PATH_DOTDOT: return "'..' is not allowed in a policy path";
	case RP_PATH_TOO_LONG: return "path too long";
	}
	return "bad path";
}

/* The next '/'-separated component at *p (length *n, possibly 0 at the
 * end); *p moves past it. */
static const char *
next_segment(const char **p, size_t *n)
{
	const char *seg;

	while (**p == '/')
		(*p)++;
	seg = *p;
	while (**p && **p != '/')
		(*p)++;
	*n = (size_t)(*p - seg);
	return seg;
}

enum rp_path_error
rp_path_normalize(const char *in, char *out, size_t outsz)
{
	size_t o = 0;
	const char *p = in;

	if (!*in)
		return RP_PATH_EMPTY;
	if (*in != '/')
		return RP_PATH_RELATIVE;
	if (outsz < 2)
		return RP_PATH_TOO_LONG;
	while (*p) {
		size_t n;
		const char *seg = next_segment(&p, &n);

		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.')
			return RP_PATH_DOTDOT;
		if (o + 1 + n + 1 > outsz)
			return RP_PATH_TOO_LONG;
		out[o++] = '/';
		memcpy(out + o, seg, n);
		o += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return RP_PATH_OK;
}

int
rp_path_lexical(const char *base, const char *in, char *out, size_t outsz)
{
	size_t o = 0;
	int pass;

	if (outsz < 2)
		return -1;
	/* pass 0 walks `base` (only when `in` is relative), pass 1 walks `in` */
	for (pass = 0; pass < 2; pass++) {
		const char *p = pass == 0 ? base : in;

		if (pass == 0 && (in[0] == '/' || !base))
			continue;
		while (*p) {
			size_t n;
			const char *seg = next_segment(&p, &n);

			if (n == 0 || (n == 1 && seg[0] == '.'))
				continue;
			if (n == 2 && seg[0] == '.' && seg[1] == '.') {
				while (o > 0 && out[o - 1] != '/')
					o--;
				if (o > 0)
					o--;	/* drop the '/' too */
				continue;
			}
			if (o + 1 + n + 1 > outsz)
				return -1;
			out[o++] = '/';
			memcpy(out + o, seg, n);
			o += n;
		}
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

int
rp_path_beneath(const char *path, size_t pathlen, const char *root, size_t rootlen)
{
	if (rootlen == 1 && root[0] == '/')
		return pathlen >= 1 && path[0] == '/';
	if (pathlen < rootlen || memcmp(path, root, rootlen) != 0)
		return 0;
	return pathlen == rootlen || path[rootlen] == '/';
}

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

struct parser {
	struct rp_policy *p;
	rp_diag_fn diag;
	void *ctx;
	int errors;
	size_t arena_top;
	int depth;
	struct { unsigned long dev, ino; } stack[RP_MAX_INCLUDE_DEPTH + 1];
	int nfiles;
	unsigned flags;		/* RP_LOAD_* */
};

static void
report(struct parser *ps, const char *file, int line, const char *msg,
       const char *token, const char *extra)
{
	char buf[1024];
	struct rp_buf b;

	rp_buf_init(&b, buf, sizeof(buf));
	rp_buf_str(&b, msg);
	if (token) {
		int cut;

		rp_buf_str(&b, " '");
		/* tokens are user bytes: escape them like event strings */
		rp_buf_json(&b, token, 200, &cut);
		if (cut)
			rp_buf_str(&b, "...");
		rp_buf_char(&b, '\'');
	}
	if (extra)
		rp_buf_str(&b, extra);
	ps->errors++;
	if (ps->diag)
		ps->diag(ps->ctx, file, line, buf);
}

static const char *
pool_dup(struct parser *ps, const char *s, size_t n)
{
	struct rp_policy *p = ps->p;
	char *d;

	if (p->pool_used + n + 1 > sizeof(p->pool))
		return NULL;
	d = p->pool + p->pool_used;
	memcpy(d, s, n);
	d[n] = '\0';
	p->pool_used += n + 1;
	return d;
}

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

static int parse_file(struct parser *ps, const char *path, const char *from_file,
		      int from_line);
static void parse_text(struct parser *ps, const char *file, char *text, size_t len);

/* Parse the directory value list shared by the three *Path keywords. */
static void
add_dirs(struct parser *ps, const char *file, int line, char **tok, int ntok,
	 struct rp_dir *dirs, int *ndirs, int maxdirs, int optional, int check_exists,
	 const char *kw)
{
	int i;

	for (i = 1; i < ntok; i++) {
		char norm[RP_PATH_MAX];
		enum rp_path_error pe = rp_path_normalize(tok[i], norm, sizeof(norm));
		struct stat st;
		long r;
		int missing = 0, absent = 0, j, dup = 0;

		if (pe != RP_PATH_OK) {
			report(ps, file, line, rp_path_error_str(pe), tok[i], NULL);
			continue;
		}
		if (check_exists) {
			r = rp_raw4(SYS_newfstatat, AT_FDCWD, norm, &st, 0);
			if (!RP_RAW_ERR(r) && !S_ISDIR(st.st_mode))
				r = -ENOTDIR;
			if (RP_RAW_ERR(r) && (ps->flags & RP_LOAD_LINT)) {
				/* a fact about this machine, not the image */
				missing = 1;
				absent = (int)-r;
			} else if (RP_RAW_ERR(r) && r != -ENOTDIR) {
				if (r == -ENOENT && optional) {
					missing = 1;
				} else {
					report(ps, file, line, r == -ENOENT ?
					       "writable path does not exist" :
					       "cannot stat writable path", tok[i],
					       r == -ENOENT ? " (use OptionalWritablePath if it may be missing)" : NULL);
					continue;
				}
			} else if (RP_RAW_ERR(r)) {
				report(ps, file, line, "writable path is not a directory",
				       tok[i], NULL);
				continue;
			}
		}
		for (j = 0; j < *ndirs; j++)
			if (strcmp(dirs[j].path, norm) == 0)
				dup = 1;
		if (dup)
			continue;	/* repeats accumulate; a duplicate adds nothing */
		if (*ndirs >= maxdirs) {
			report(ps, file, line, "too many directories for", kw, NULL);
			return;
		}
		dirs[*ndirs].path = pool_dup(ps, norm, strlen(norm));
		if (!dirs[*ndirs].path) {
			report(ps, file, line, "policy too large at", tok[i], NULL);
			return;
		}
		dirs[*ndirs].len = strlen(norm);
		dirs[*ndirs].optional = optional;
		dirs[*ndirs].missing = missing;
		dirs[*ndirs].absent = absent;
		dirs[*ndirs].loc.file = file;
		dirs[*ndirs].loc.line = line;
		(*ndirs)++;
	}
}

static void
add_items(struct parser *ps, const char *file, int line, char **tok, int ntok,
	  struct rp_item *items, int *nitems, int max, const char *kw)
{
	int i;

	for (i = 1; i < ntok; i++) {
		if (*nitems >= max) {
			report(ps, file, line, "too many values for", kw, NULL);
			return;
		}
		items[*nitems].text = pool_dup(ps, tok[i], strlen(tok[i]));
		if (!items[*nitems].text) {
			report(ps, file, line, "policy too large at", tok[i], NULL);
			return;
		}
		items[*nitems].loc.file = file;
		items[*nitems].loc.line = line;
		(*nitems)++;
	}
}

static int
valid_account(const char *s)
{
	/* a name as useradd accepts it, or a number */
	const char *c = s;
	int digits = 1;

	if (!*s || strlen(s) > 32)
		return 0;
	for (; *c; c++) {
		if (*c < '0' || *c > '9')
			digits = 0;
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '.'))
			return 0;
	}
	if (digits)
		return strlen(s) <= 10;
	return s[0] != '-';
}

static int
valid_syscall_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* Returns the index of `value` in the '|'-separated list `choices`. */
static int
choice(const char *value, const char *choices)
{
	int idx = 0;
	const char *c = choices;

	while (*c) {
		const char *end = strchr(c, '|');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		size_t i;

		if (strlen(value) == n) {
			for (i = 0; i < n; i++)
				if (lower((unsigned char)value[i]) != lower((unsigned char)c[i]))
					break;
			if (i == n)
				return idx;
		}
		if (!end)
			break;
		c = end + 1;
		idx++;
	}
	return -1;
}

/* ---- EventSink (events: see docs/events.md "Where events go") ---------- */

/* "stderr", or "file:PATH", "socket:PATH", "fifo:PATH" with PATH absolute
 * and normalised.  One token, so that the value stays a scalar.  A socket
 * path must fit sockaddr_un.sun_path (108 bytes with the NUL, unix(7)). */
static void
event_sink(struct parser *ps, const char *file, int line, const char *val)
{
	static const char *const kinds[] = { "file:", "socket:", "fifo:" };
	struct rp_policy *p = ps->p;
	char norm[RP_PATH_MAX];
	enum rp_path_error pe;
	size_t i, n = 0;

	if (streq_ci(val, "stderr")) {
		p->sink = RP_SINK_STDERR;
		return;
	}
	for (i = 0; i < 3; i++) {	/* the kind is case-insensitive, the path not */
		size_t k;

		n = strlen(kinds[i]);
		for (k = 0; k < n && lower((unsigned char)val[k]) == kinds[i][k]; k++)
			;
		if (k == n)
			break;
	}
	if (i == 3) {
		report(ps, file, line, "EventSink must be stderr, file:PATH, socket:PATH or fifo:PATH, not",
		       val, NULL);
		return;
	}
	pe = rp_path_normalize(val + n, norm, sizeof(norm));
	if (pe != RP_PATH_OK) {
		report(ps, file, line, rp_path_error_str(pe), val + n, NULL);
		return;
	}
	if (i == 1 && strlen(norm) >= 108) {
		report(ps, file, line, "EventSink socket path longer than 107 bytes:", val + n, NULL);
		return;
	}
	p->sink_path = pool_dup(ps, norm, strlen(norm));
	if (!p->sink_path) {
		report(ps, file, line, "policy too large at", val, NULL);
		return;
	}
	p->sink = (enum rp_sink)(RP_SINK_FILE + i);
}

static void
directive(struct parser *ps, const char *file, int line, char **tok, int ntok)
{
	struct rp_policy *p = ps->p;
	int kw, best = -1, v;
	size_t bestd = 99;

	for (kw = 0; kw < RP_KW_COUNT; kw++)
		if (streq_ci(tok[0], rp_keyword_table[kw].name))
			break;
	if (kw == RP_KW_COUNT) {
		char hint[128];
		struct rp_buf b;

		for (kw = 0; kw < RP_KW_COUNT; kw++) {
			size_t d = edit_distance(tok[0], rp_keyword_table[kw].name);

			if (d < bestd) {
				bestd = d;
				best = kw;
			}
		}
		rp_buf_init(&b, hint, sizeof(hint));
		/* close enough to be a typo: 3 edits, or a third of the name
		 * for long keywords ("ExecWritable" -> "ExecWritablePath") */
		if (best >= 0 && (bestd <= 3 ||
				  bestd <= strlen(rp_keyword_table[best].name) / 3)) {
			rp_buf_str(&b, " (did you mean '");
			rp_buf_str(&b, rp_keyword_table[best].name);
			rp_buf_str(&b, "'?)");
		}
		report(ps, file, line, "unknown keyword", tok[0], hint[0] ? hint : NULL);
		return;
	}
	if (ntok < 2) {
		char hint[160];
		struct rp_buf b;

		rp_buf_init(&b, hint, sizeof(hint));
		rp_buf_str(&b, " (expected: ");
		rp_buf_str(&b, rp_keyword_table[kw].name);
		rp_buf_char(&b, ' ');
		rp_buf_str(&b, rp_keyword_table[kw].syntax);
		rp_buf_char(&b, ')');
		report(ps, file, line, "missing value for", rp_keyword_table[kw].name, hint);
		return;
	}
	if (rp_keyword_table[kw].kind == RP_KW_SCALAR) {
		if (ntok > 2) {
			report(ps, file, line, "too many values for",
			       rp_keyword_table[kw].name, " (it takes one)");
			return;
		}
		if (p->set_at[kw].line) {
			char where[RP_PATH_MAX + 64];
			struct rp_buf b;

			rp_buf_init(&b, where, sizeof(where));
			rp_buf_str(&b, " (first set at ");
			rp_buf_str(&b, p->set_at[kw].file);
			rp_buf_char(&b, ':');
			rp_buf_long(&b, p->set_at[kw].line);
			rp_buf_char(&b, ')');
			report(ps, file, line, "duplicate", rp_keyword_table[kw].name, where);
			return;
		}
		p->set_at[kw].file = file;
		p->set_at[kw].line = line;
	}

	switch ((enum rp_keyword)kw) {
	case RP_KW_MODE:
		if ((v = choice(tok[1], "enforce|audit")) < 0)
			report(ps, file, line, "Mode must be enforce or audit, not", tok[1], NULL);
		else
			p->mode = v ? RP_MODE_AUDIT : RP_MODE_ENFORCE;
		break;
	case RP_KW_LANDLOCK:
		if ((v = choice(tok[1], "strict|best-effort|off")) < 0)
			report(ps, file, line, "Landlock must be strict, best-effort or off, not",
			       tok[1], NULL);
		else
			p->landlock = (enum rp_landlock)v;
		break;
	case RP_KW_LOG:
		if ((v = choice(tok[1], "stderr|none")) < 0)
			report(ps, file, line, "Log must be stderr or none, not", tok[1], NULL);
		else
			p->log = (enum rp_log)v;
		break;
	case RP_KW_EVENT_SINK:
		event_sink(ps, file, line, tok[1]);
		break;
	case RP_KW_CORE_DUMPS:
		if ((v = choice(tok[1], "no|yes")) < 0)
			report(ps, file, line, "CoreDumps must be yes or no, not", tok[1], NULL);
		else
			p->core_dumps = v;
		break;
	case RP_KW_MEMORY_WX:
	case RP_KW_REQUIRE_NOEXEC:
		if ((v = choice(tok[1], "no|yes")) < 0)
			report(ps, file, line, kw == RP_KW_MEMORY_WX ?
			       "MemoryDenyWriteExecute must be yes or no, not" :
			       "RequireNoexec must be yes or no, not", tok[1], NULL);
		else if (kw == RP_KW_MEMORY_WX)
			p->memory_wx = v;
		else
			p->require_noexec = v;
		break;
	case RP_KW_MEMFD_EXEC:
		if ((v = choice(tok[1], "deny|allow")) < 0)
			report(ps, file, line, "MemfdExec must be deny or allow, not", tok[1], NULL);
		else
			p->memfd_exec = v;
		break;
	case RP_KW_USER:
	case RP_KW_GROUP:
		if (!valid_account(tok[1])) {
			report(ps, file, line, kw == RP_KW_USER ? "invalid user name" :
			       "invalid group name", tok[1], NULL);
			break;
		}
		{
			const char *copy = pool_dup(ps, tok[1], strlen(tok[1]));

			if (!copy)
				report(ps, file, line, "policy too large at", tok[1], NULL);
			else if (kw == RP_KW_USER)
				p->user = copy;
			else
				p->group = copy;
		}
		break;
	case RP_KW_WRITABLE:
	case RP_KW_OPT_WRITABLE:
		add_dirs(ps, file, line, tok, ntok, p->writable, &p->n_writable,
			 RP_MAX_DIRS, kw == RP_KW_OPT_WRITABLE, 1, rp_keyword_table[kw].name);
		break;
	case RP_KW_EXEC_WRITABLE:
		add_dirs(ps, file, line, tok, ntok, p->exec_writable, &p->n_exec_writable,
			 RP_MAX_EXEC_DIRS, 1, 0, rp_keyword_table[kw].name);
		break;
	case RP_KW_DENY_EXEC: {
		int i, ok = 1;

		for (i = 1; i < ntok; i++) {
			const char *why = rp_glob_invalid(tok[i]);

			if (why) {
				char extra[64];
				struct rp_buf b;

				rp_buf_init(&b, extra, sizeof(extra));
				rp_buf_str(&b, " (");
				rp_buf_str(&b, why);
				rp_buf_char(&b, ')');
				report(ps, file, line, "invalid DenyExec pattern", tok[i], extra);
				ok = 0;
			} else if (strchr(tok[i], '/') && tok[i][0] != '/') {
				report(ps, file, line,
				       "a DenyExec pattern with '/' must be an absolute path",
				       tok[i], NULL);
				ok = 0;
			}
		}
		if (ok)
			add_items(ps, file, line, tok, ntok, p->deny_exec, &p->n_deny_exec,
				  RP_MAX_PATTERNS, "DenyExec");
		break;
	}
	case RP_KW_KEEP_CAP: {
		int i;

		for (i = 1; i < ntok; i++) {
			int cap = rp_cap_from_name(tok[i]);

			if (cap < 0)
				report(ps, file, line, "unknown capability", tok[i], NULL);
			else
				p->keep_caps |= 1ULL << cap;
		}
		break;
	}
	case RP_KW_DENY_SYSCALL:
	case RP_KW_ALLOW_SYSCALL: {
		int i, ok = 1;

		for (i = 1; i < ntok; i++)
			if (!valid_syscall_name(tok[i])) {
				report(ps, file, line, "invalid system call name", tok[i], NULL);
				ok = 0;
			}
		if (!ok)
			break;
		if (kw == RP_KW_DENY_SYSCALL)
			add_items(ps, file, line, tok, ntok, p->deny_syscall,
				  &p->n_deny_syscall, RP_MAX_SYSCALLS, "DenySyscall");
		else
			add_items(ps, file, line, tok, ntok, p->allow_syscall,
				  &p->n_allow_syscall, RP_MAX_SYSCALLS, "AllowSyscall");
		break;
	}
	case RP_KW_INCLUDE: {
		char target[RP_PATH_MAX];
		struct rp_buf b;
		const char *slash = strrchr(file, '/');

		if (ntok > 2) {
			report(ps, file, line, "too many values for", "Include",
			       " (one file per Include line)");
			break;
		}
		rp_buf_init(&b, target, sizeof(target));
		if (tok[1][0] != '/' && slash)
			rp_buf_mem(&b, file, (size_t)(slash - file) + 1);
		rp_buf_str(&b, tok[1]);
		if (b.truncated) {
			report(ps, file, line, "include path too long", tok[1], NULL);
			break;
		}
		parse_file(ps, target, file, line);
		break;
	}
	case RP_KW_COUNT:
		break;
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
parse_text(struct parser *ps, const char *file, char *text, size_t len)
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
			directive(ps, file, line, tok, ntok);
	}
}

static int
parse_file(struct parser *ps, const char *path, const char *from_file, int from_line)
{
	const char *name;
	struct stat st;
	long fd, r;
	size_t got = 0, base;
	int i;
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
	for (i = 0; i < ps->depth; i++)
		if (ps->stack[i].dev == st.st_dev && ps->stack[i].ino == st.st_ino) {
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
	ps->stack[ps->depth].dev = st.st_dev;
	ps->stack[ps->depth].ino = st.st_ino;
	ps->depth++;
	ps->arena_top = base + got + 1;
	parse_text(ps, name, arena + base, got);
	ps->arena_top = base;
	ps->depth--;
	return 0;
}

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
	struct parser ps;

	memset(&ps, 0, sizeof(ps));
	ps.flags = flags;
	ps.p = p;
	ps.diag = diag;
	ps.ctx = ctx;
	policy_reset(p);
	parse_file(&ps, path, NULL, 0);
	p->source = p->pool_used ? p->pool : path;
	return ps.errors;
}

int
rp_policy_load_buffer(struct rp_policy *p, const char *name, const char *buf,
		      size_t len, rp_diag_fn diag, void *ctx)
{
	struct parser ps;
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
