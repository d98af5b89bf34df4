/* policykw.c - what each policy keyword means (see keywords.h).
 *
 * One function, rp_policy_directive(), takes a tokenised line from the
 * reader (policy.c): it finds the keyword (or the one it is a typo of),
 * enforces scalar-once, checks every value and fills struct rp_policy, or
 * reports each bad value with its token.  Values that name files are
 * checked where the policy is read (WritablePath must exist unless
 * RP_LOAD_LINT); Include hands the file back to the reader.
 */
#include "policyparts.h"

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

/* ---- values ------------------------------------------------------------- */

/* Parse the directory value list shared by the three *Path keywords. */
static void
add_dirs(struct rp_parser *ps, const char *file, int line, char **tok, int ntok,
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
add_items(struct rp_parser *ps, const char *file, int line, char **tok, int ntok,
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
event_sink(struct rp_parser *ps, const char *file, int line, const char *val)
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

void
rp_policy_directive(struct rp_parser *ps, const char *file, int line, char **tok, int ntok)
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
		rp_policy_parse_file(ps, target, file, line);
		break;
	}
	case RP_KW_COUNT:
		break;
	}
}
