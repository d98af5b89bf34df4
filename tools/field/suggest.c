/* suggest.c - `rampart suggest`: a policy from the events of an audit run.
 *
 *   rampart suggest [--policy FILE] [--no-merge] [EVENTS-FILE...]
 *
 * Reads the JSON lines the shim writes (shim/event.c; stdin when no file
 * is named; other lines of the app's stderr are skipped) and prints, on
 * stdout, policy lines that would have allowed the writes that were seen:
 * the parent directory of each file written, never the file, then merged
 * (see merge_siblings()) only where that cannot open a system directory.
 * Compilers and W^X opt-outs are never suggested as allowed: they are
 * printed as loud comments.  On stderr: what the current --policy would
 * deny of what was seen, and how many lines were malformed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "denymatch.h"
#include "glob.h"
#include "json.h"
#include "rampart.h"
#include "rules.h"
#include "strbuf.h"

#define LINE_MAX_BYTES (64 * 1024)	/* events are < PIPE_BUF; be generous */
#define SHOW_MALFORMED 10		/* first N malformed lines are quoted */

/* One distinct thing seen: a directory to make writable, a program run. */
struct seen {
	char *key;		/* directory, or program path */
	char *example;		/* a file written there / the matching pattern */
	unsigned long count;
	int merged;		/* number of directories merged into it */
	int dropped;		/* removed (nested in another, or merged) */
	int covered;		/* already writable in --policy: kept out of merges */
	char *code_why;		/* why it holds the app's code (code_reason()), or NULL:
				 * kept out of merges too */
};

struct list {
	struct seen *v;
	size_t n, cap;
};

struct suggest {
	const struct rp_policy *p;	/* --policy, or NULL */
	const char *policy_path;
	int merge;
	struct list dirs;	/* rule writable-path: parent directories */
	struct list denyexec;	/* rule deny-exec: programs (example = pattern) */
	struct list wx;		/* rule wx: directories of programs run */
	struct list other;	/* any other rule: "rule op path" */
	unsigned long events, malformed, ignored, relative, startups;
	char command[RP_PATH_MAX];	/* the loader's "command" (startup line), or "" */
	unsigned long would_deny_write, would_deny_exec, would_deny_wx;
};

static struct rp_policy policy;

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		rp_die(RP_EXIT_FAILURE, "suggest: out of memory");
	return p;
}

static char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

/* How many events the line being read stands for: the loader's relay
 * writes a burst of identical ones as one line with "repeat" N. */
static unsigned long weight = 1;

/* Count `key` in `l`.  Linear: distinct keys are few (directories and
 * programs of one app), events may be many. */
static struct seen *
note(struct list *l, const char *key, const char *example)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0) {
			l->v[i].count += weight;
			return &l->v[i];
		}
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	l->v[l->n].key = xstrdup(key);
	l->v[l->n].example = xstrdup(example ? example : "");
	l->v[l->n].count = weight;
	return &l->v[l->n++];
}

/* ---- directories ------------------------------------------------------------ */

/* Directories that must never become writable by a merge or a suggestion
 * without a warning: the FHS top levels and the trees holding programs,
 * libraries and configuration (FHS 3.0, chapters 3 and 4). */
static const char *const system_dirs[] = {
	"/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64",
	"/libx32", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv",
	"/sys", "/usr", "/var", "/var/lib", "/var/cache", "/var/log", "/var/spool",
	"/var/opt", "/tmp", "/var/tmp", "/app",
};
static const char *const system_trees[] = {
	"/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32",
	"/proc", "/sbin", "/sys", "/usr",
};
/* Scratch directories that are commonly writable and hold no code. */
static const char *const scratch_dirs[] = { "/tmp", "/var/tmp", "/run", "/dev/shm" };

static int
in_table(const char *const *t, size_t n, const char *dir)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i], dir) == 0)
			return 1;
	return 0;
}

#define IN(t, d) in_table((t), sizeof(t) / sizeof((t)[0]), (d))

/* A directory whose becoming writable deserves a loud warning. */
static int
is_system(const char *dir)
{
	size_t i;

	if (IN(scratch_dirs, dir))
		return 0;
	if (IN(system_dirs, dir))
		return 1;
	for (i = 0; i < sizeof(system_trees) / sizeof(system_trees[0]); i++)
		if (rp_path_beneath(dir, strlen(dir), system_trees[i], strlen(system_trees[i])))
			return 1;
	return 0;
}

/* ---- the app's code ------------------------------------------------------------- */

/* Suffixes of files a program loads as code: scripts and bytecode of the
 * interpreters a backend image holds, shared objects, archives of classes. */
static const char *const code_suffixes[] = {
	".py", ".pyc", ".pyo", ".pyz", ".so", ".js", ".mjs", ".cjs", ".rb", ".pl", ".pm",
	".php", ".sh", ".lua", ".jar", ".class", ".wasm",
};

static int
code_name(const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < sizeof(code_suffixes) / sizeof(code_suffixes[0]); i++) {
		size_t k = strlen(code_suffixes[i]);

		if (n > k && strcmp(name + n - k, code_suffixes[i]) == 0)
			return 1;
		if (strcmp(code_suffixes[i], ".so") == 0 && strstr(name, ".so."))
			return 1;	/* libfoo.so.1 */
	}
	return 0;
}

/* Why `dir` looks like a directory of the app's code, or NULL.  A
 * directory holding code must not become writable without a warning: the
 * app (or whoever takes it over) could then change its own program.  The
 * rule: the loader's command lies beneath it (the startup line), a file
 * written there (the event) is code by its name, or, where suggest runs
 * (often the image itself: docker run ... rampart suggest), it holds an
 * executable file or a file named like code.  Data dirs (uploads, logs,
 * caches of data) hold none of these. */
static const char *
code_reason(const struct suggest *s, const struct seen *d, char *why, size_t whysz)
{
	const char *base = strrchr(d->example, '/');
	DIR *dh;
	struct dirent *e;
	int entries = 0;

	if (s->command[0] && rp_path_beneath(s->command, strlen(s->command), d->key,
					     strlen(d->key))) {
		snprintf(why, whysz, "the app's command %.300s lies beneath it", s->command);
		return why;
	}
	if (base && code_name(base + 1)) {
		snprintf(why, whysz, "a file written there is code (%.300s)", base + 1);
		return why;
	}
	dh = opendir(d->key);
	if (!dh)
		return NULL;	/* not on this machine: the event is all there is */
	while ((e = readdir(dh)) != NULL && entries++ < 10000) {
		struct stat st;

		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		if (code_name(e->d_name) ||
		    (fstatat(dirfd(dh), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		     S_ISREG(st.st_mode) && (st.st_mode & 0111))) {
			snprintf(why, whysz, "it holds code (%.200s)", e->d_name);
			closedir(dh);
			return why;
		}
	}
	closedir(dh);
	return NULL;
}

static int
depth(const char *dir)
{
	int d = 0;

	if (strcmp(dir, "/") == 0)
		return 0;
	for (; *dir; dir++)
		d += *dir == '/';
	return d;
}

/* `path` normalised into `out`, its parent into `parent`; -1 if relative
 * (the shim could not know the directory) or too long. */
static int
parent_of(const char *path, char *out, char *parent)
{
	char *slash;

	if (path[0] != '/' || rp_path_lexical("/", path, out, RP_PATH_MAX) != 0)
		return -1;
	strcpy(parent, out);
	slash = strrchr(parent, '/');
	if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	return 0;
}

/* Fold directories beneath another suggested one into it.  A system
 * directory is never suggested (only shown), so it absorbs nothing. */
static void
drop_nested(struct list *l)
{
	size_t i, j;

	for (i = 0; i < l->n; i++)
		for (j = 0; j < l->n; j++)
			if (i != j && !l->v[i].dropped && !l->v[j].dropped && !is_system(l->v[j].key) &&
			    !l->v[i].covered && !l->v[j].covered && !l->v[i].code_why &&
			    rp_path_beneath(l->v[i].key, strlen(l->v[i].key), l->v[j].key,
					    strlen(l->v[j].key))) {
				l->v[j].count += l->v[i].count;
				l->v[i].dropped = 1;
			}
}

/* Replace two or more sibling directories by their parent when the parent
 * is at least two levels deep and not a system directory: /srv/app/cache/a
 * and /srv/app/cache/b become /srv/app/cache, but /app/data and /app/logs
 * never become /app (that would make the program's own files writable).
 * Repeats until nothing merges, so merges may cascade upwards under the
 * same rule. */
static void
merge_siblings(struct list *l)
{
	int changed = 1;

	while (changed) {
		size_t i, j;

		changed = 0;
		for (i = 0; i < l->n && !changed; i++) {
			char parent[RP_PATH_MAX], *slash;
			int siblings = 0;

			if (l->v[i].dropped || l->v[i].covered || l->v[i].code_why)
				continue;
			snprintf(parent, sizeof(parent), "%s", l->v[i].key);
			slash = strrchr(parent, '/');
			if (!slash || slash == parent)
				continue;
			*slash = '\0';
			if (depth(parent) < 2 || is_system(parent))
				continue;
			for (j = 0; j < l->n; j++) {
				const char *k = l->v[j].key, *s2 = strrchr(k, '/');

				if (!l->v[j].dropped && !l->v[j].covered && !l->v[j].code_why && s2 &&
				    (size_t)(s2 - k) == strlen(parent) &&
				    strncmp(k, parent, strlen(parent)) == 0)
					siblings++;
			}
			if (siblings < 2)
				continue;
			{
				char example[RP_PATH_MAX];
				struct seen *m;

				/* note() may move l->v: copy what it needs first */
				snprintf(example, sizeof(example), "%s", l->v[i].example);
				m = note(l, parent, example);

				m->count--;	/* note() counted one event */
				for (j = 0; j < l->n; j++) {
					const char *k = l->v[j].key, *s2 = strrchr(k, '/');

					if (!l->v[j].dropped && !l->v[j].covered && !l->v[j].code_why &&
					    s2 && (size_t)(s2 - k) == strlen(parent) &&
					    strncmp(k, parent, strlen(parent)) == 0) {
						l->v[j].dropped = 1;
						m->count += l->v[j].count;
						m->merged += 1 + l->v[j].merged;
					}
				}
			}
			drop_nested(l);
			changed = 1;
		}
	}
}

/* ---- reading events ------------------------------------------------------------ */

static const char *
deny_exec_match(const struct rp_policy *p, const char *path)
{
	const char *base = strrchr(path, '/');
	int i;

	base = base ? base + 1 : path;
	i = rp_deny_exec_match(p, NULL, path, base);	/* denymatch.h */
	return i >= 0 ? p->deny_exec[i].text : NULL;
}

static void
take_write(struct suggest *s, const char *path)
{
	char norm[RP_PATH_MAX], parent[RP_PATH_MAX];

	if (!path)
		return;
	if (parent_of(path, norm, parent) != 0) {
		s->relative++;
		return;
	}
	note(&s->dirs, parent, norm);
	if (s->p && rp_policy_writable_index(s->p, norm, strlen(norm)) < 0)
		s->would_deny_write++;
}

static void
take_event(struct suggest *s, const struct rp_json_event *ev)
{
	const char *rule = ev->f[RP_EF_RULE], *path = ev->f[RP_EF_PATH];
	char norm[RP_PATH_MAX], parent[RP_PATH_MAX];

	s->events += weight;
	if (strcmp(rule, RP_RULE(WRITABLE_PATH)) == 0) {
		take_write(s, path);
		take_write(s, ev->f[RP_EF_TARGET]);
	} else if (strcmp(rule, RP_RULE(DENY_EXEC)) == 0 && path) {
		note(&s->denyexec, path, ev->f[RP_EF_DETAIL]);
		if (s->p && deny_exec_match(s->p, path))
			s->would_deny_exec++;
	} else if (strcmp(rule, RP_RULE(WX)) == 0 && path && parent_of(path, norm, parent) == 0) {
		note(&s->wx, parent, norm);
		if (s->p && rp_policy_writable_index(s->p, norm, strlen(norm)) >= 0 &&
		    !rp_policy_exec_writable(s->p, norm, strlen(norm)))
			s->would_deny_wx++;
	} else {
		char what[RP_PATH_MAX + 160];

		snprintf(what, sizeof(what), "%s %s %s", rule,
			 ev->f[RP_EF_OP] ? ev->f[RP_EF_OP] : "?", path ? path : "-");
		note(&s->other, what, NULL);
	}
}

/* Read one line of at most LINE_MAX_BYTES into `buf`; longer lines are
 * consumed and flagged.  Returns -1 at end of input. */
static int
read_line(FILE *f, char *buf, size_t *len, int *toolong)
{
	int c;

	*len = 0;
	*toolong = 0;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (*len < LINE_MAX_BYTES)
			buf[(*len)++] = (char)c;
		else
			*toolong = 1;
	}
	return (c == EOF && *len == 0 && !*toolong) ? -1 : 0;
}

/* The "command" of a startup line (tools/loader/report.c writes it with JSON
 * escapes; a path that needed any is left out rather than unescaped). */
static void
startup_command(struct suggest *s, const char *line)
{
	const char *c = strstr(line, ",\"command\":\""), *end;

	if (!c)
		return;
	c += 12;
	end = strchr(c, '"');
	if (!end || memchr(c, '\\', (size_t)(end - c)) || (size_t)(end - c) >= sizeof(s->command) ||
	    c[0] != '/')
		return;
	memcpy(s->command, c, (size_t)(end - c));
	s->command[end - c] = '\0';
}

static void
read_events(struct suggest *s, FILE *f, const char *name)
{
	static char line[LINE_MAX_BYTES];
	static struct rp_json_event ev;
	unsigned long lineno = 0;
	size_t len, at;
	int toolong;

	while (read_line(f, line, &len, &toolong) == 0) {
		const char *err = NULL;
		size_t i = 0;

		lineno++;
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		/* the app's own stderr is interleaved with the events */
		if (!toolong && (i == len || line[i] != '{')) {
			s->ignored++;
			continue;
		}
		/* the loader's own lines ({"rampart":"startup"...}, and --check's
		 * "plan" and "exec") are in the same stream: not events */
		if (!toolong && len - i > 12 && strncmp(line + i, "{\"rampart\":\"", 12) == 0) {
			line[len] = '\0';
			if (strncmp(line + i + 12, "startup\"", 8) == 0) {
				s->startups++;
				startup_command(s, line + i);
			} else {
				s->ignored++;
			}
			continue;
		}
		if (toolong) {
			err = "line too long";
			at = LINE_MAX_BYTES;
		} else if (rp_json_parse_event(line, len, &ev, &err, &at) == 0) {
			if (ev.version != 1 || !ev.f[RP_EF_RULE])
				err = ev.version != 1 ? "not a rampart version 1 event"
						      : "event without a rule";
			else {
				weight = ev.repeat > 0 ? (unsigned long)ev.repeat : 1;
				take_event(s, &ev);
				weight = 1;
			}
		}
		if (err && ++s->malformed <= SHOW_MALFORMED)
			fprintf(stderr, "rampart: suggest: %s:%lu: malformed event (%s at byte %zu); skipped\n",
				name, lineno, err, at);
	}
	if (ferror(f))
		fprintf(stderr, "rampart: suggest: %s: read error: %s\n", name, strerror(errno));
}

/* ---- output ------------------------------------------------------------------------ */

/* Event strings are attacker-controlled: a newline in a path must not
 * start a policy line.  Comments get the JSON escaping of event strings. */
static void
put_safe(const char *s)
{
	char out[3 * RP_PATH_MAX + 64];
	struct rp_buf b;
	int cut = 0;

	rp_buf_init(&b, out, sizeof(out));
	rp_buf_json(&b, s, RP_PATH_MAX, &cut);
	fputs(out, stdout);
}

/* Can `dir` be written as a bare policy value?  Anything beyond visible
 * ASCII without quote, comment or escape characters is left for review. */
static int
plain_value(const char *dir)
{
	for (; *dir; dir++)
		if (*dir <= 0x20 || *dir >= 0x7f || strchr("\"#\\'", *dir))
			return 0;
	return 1;
}

/* `d` is code, or a directory of code lies beneath it (a merge or a
 * parent suggested for other writes would make that code writable). */
static const char *
code_beneath(const struct suggest *s, const struct seen *d, char *why, size_t whysz)
{
	size_t k;

	if (d->code_why) {
		snprintf(why, whysz, "%s", d->code_why);
		return why;
	}
	for (k = 0; k < s->dirs.n; k++)
		if (s->dirs.v[k].code_why &&
		    rp_path_beneath(s->dirs.v[k].key, strlen(s->dirs.v[k].key), d->key, strlen(d->key))) {
			snprintf(why, whysz, "it holds %s, where %s", s->dirs.v[k].key,
				 s->dirs.v[k].code_why);
			return why;
		}
	return NULL;
}

static void
print_policy(struct suggest *s)
{
	char why[512];
	size_t i;

	printf("# rampart policy suggested from %lu event%s (rampart suggest).\n"
	       "# Review before use: it allows exactly what the audit run needed.\n",
	       s->events, s->events == 1 ? "" : "s");
	if (s->p) {
		/* Include is relative to the including file: name it absolutely */
		char *abs = realpath(s->policy_path, NULL);

		if (abs && plain_value(abs))
			printf("Include %s\n", abs);
		else
			printf("# Include the current policy here (%s)\n", s->policy_path);
		free(abs);
	}
	else
		printf("# Give --policy to start from the current policy (it is Included).\n");

	if (s->dirs.n)
		printf("\n# Directories where files were written (the parent directory of\n"
		       "# each file, never the file itself).\n");
	for (i = 0; i < s->dirs.n; i++) {
		const struct seen *d = &s->dirs.v[i];

		if (d->dropped)
			continue;
		if (s->p && rp_policy_writable_index(s->p, d->key, strlen(d->key)) >= 0) {
			fputs("# ", stdout);
			put_safe(d->key);
			printf(": already writable in %s (%lu event%s)\n", s->policy_path,
			       d->count, d->count == 1 ? "" : "s");
			continue;
		}
		if (d->merged)
			printf("# %lu write%s in %d sibling directories merged here, e.g. ",
			       d->count, d->count == 1 ? "" : "s", d->merged);
		else
			printf("# %lu write%s, e.g. ", d->count, d->count == 1 ? "" : "s");
		put_safe(d->example);
		fputc('\n', stdout);
		if (!is_system(d->key) && plain_value(d->key) && code_beneath(s, d, why, sizeof(why))) {
			/* `why` holds names from events and the disk: escaped */
			fputs("# !!! WARNING: the app's code, not data: ", stdout);
			put_safe(why);
			printf(".  Making it writable lets the app change its own program; "
			       "write data elsewhere (a volume, /tmp) instead; not enabled:\n"
			       "# WritablePath %s\n", d->key);
		} else if (is_system(d->key) || !plain_value(d->key)) {
			printf("# !!! WARNING: %s; not enabled:\n# WritablePath ",
			       is_system(d->key) ? "a system directory: making it writable lets "
			       "the app change the image's programs or configuration; move the file "
			       "elsewhere instead" : "unusual characters in the name: check it");
			put_safe(d->key);
			fputc('\n', stdout);
		} else {
			printf("WritablePath %s\n", d->key);
		}
	}
	if (s->denyexec.n) {
		printf("\n# !!! WARNING: the app ran programs that DenyExec forbids (compilers,\n"
		       "# !!! build tools).  They stay DENIED: running them in production means\n"
		       "# !!! code is built at run time.  Fix the image or the app instead.  To\n"
		       "# !!! allow one anyway, delete its pattern from every DenyExec line of\n"
		       "# !!! the policy, and accept that risk.\n");
		for (i = 0; i < s->denyexec.n; i++) {
			fputs("# !!!   ", stdout);
			put_safe(s->denyexec.v[i].key);
			fputs(" (pattern '", stdout);
			put_safe(s->denyexec.v[i].example);
			printf("', %lu time%s)\n", s->denyexec.v[i].count,
			       s->denyexec.v[i].count == 1 ? "" : "s");
		}
		/* keep them denied even if the included policy changes */
		for (i = 0; i < s->denyexec.n; i++)
			if (plain_value(s->denyexec.v[i].example) && s->denyexec.v[i].example[0])
				printf("DenyExec %s\n", s->denyexec.v[i].example);
	}
	if (s->wx.n) {
		printf("\n# !!! WARNING: the app ran programs from writable directories (W^X).\n"
		       "# !!! Whoever can write there can then run code.  Not enabled:\n");
		for (i = 0; i < s->wx.n; i++) {
			fputs("# ExecWritablePath ", stdout);
			put_safe(s->wx.v[i].key);
			printf("\n#   (%lu time%s, e.g. ", s->wx.v[i].count,
			       s->wx.v[i].count == 1 ? "" : "s");
			put_safe(s->wx.v[i].example);
			fputs(")\n", stdout);
		}
	}
	if (s->other.n) {
		printf("\n# Events no directory list can allow (review them):\n");
		for (i = 0; i < s->other.n; i++) {
			fputs("#   ", stdout);
			put_safe(s->other.v[i].key);
			printf(" (%lu time%s)\n", s->other.v[i].count,
			       s->other.v[i].count == 1 ? "" : "s");
		}
	}
}

static void
print_summary(const struct suggest *s)
{
	fprintf(stderr, "rampart: suggest: %lu event%s read", s->events, s->events == 1 ? "" : "s");
	if (s->malformed)
		fprintf(stderr, ", %lu malformed line%s skipped", s->malformed,
			s->malformed == 1 ? "" : "s");
	if (s->startups)
		fprintf(stderr, ", %lu loader startup line%s", s->startups,
			s->startups == 1 ? "" : "s");
	if (s->ignored)
		fprintf(stderr, ", %lu other line%s ignored", s->ignored, s->ignored == 1 ? "" : "s");
	if (s->relative)
		fprintf(stderr, ", %lu relative path%s not placed", s->relative,
			s->relative == 1 ? "" : "s");
	fputc('\n', stderr);
	if (s->p)
		fprintf(stderr, "rampart: suggest: %s would deny: %lu write%s outside WritablePath, "
			"%lu DenyExec program run%s, %lu W^X run%s, %zu other kind%s of event\n",
			s->policy_path, s->would_deny_write, s->would_deny_write == 1 ? "" : "s",
			s->would_deny_exec, s->would_deny_exec == 1 ? "" : "s",
			s->would_deny_wx, s->would_deny_wx == 1 ? "" : "s",
			s->other.n, s->other.n == 1 ? "" : "s");
}

int
rp_suggest_main(int argc, char **argv)
{
	struct suggest s;
	int i, status = RP_EXIT_OK;
	size_t k;

	memset(&s, 0, sizeof(s));
	s.merge = 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			puts("usage: rampart suggest [--policy FILE] [--no-merge] [EVENTS-FILE...]\n"
			     "Prints policy lines that allow what an audit run's events show\n"
			     "(stdin when no file is given); on stderr, what --policy would deny.");
			return RP_EXIT_OK;
		} else if (strcmp(argv[i], "--no-merge") == 0) {
			s.merge = 0;
		} else if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc) {
			s.policy_path = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "rampart: suggest: unknown option or missing value: '%s'\n",
				argv[i]);
			return RP_EXIT_FAILURE;
		} else {
			break;
		}
	}
	if (s.policy_path) {
		if (rp_load_policy_lint(&policy, s.policy_path) != 0)
			return RP_EXIT_FAILURE;
		s.p = &policy;
	}
	if (i == argc)
		read_events(&s, stdin, "<stdin>");
	for (; i < argc; i++) {
		FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");

		if (!f) {
			fprintf(stderr, "rampart: suggest: cannot open %s: %s\n", argv[i],
				strerror(errno));
			status = RP_EXIT_FAILURE;
			continue;
		}
		read_events(&s, f, argv[i]);
		if (f != stdin)
			fclose(f);
	}
	/* what --policy already allows needs no new line, and must not pull
	 * a merge up to a common parent */
	for (k = 0; s.p && k < s.dirs.n; k++)
		s.dirs.v[k].covered = rp_policy_writable_index(s.p, s.dirs.v[k].key,
							       strlen(s.dirs.v[k].key)) >= 0;
	for (k = 0; k < s.dirs.n; k++) {
		char why[512];

		if (code_reason(&s, &s.dirs.v[k], why, sizeof(why)))
			s.dirs.v[k].code_why = xstrdup(why);
	}
	drop_nested(&s.dirs);
	if (s.merge)
		merge_siblings(&s.dirs);
	print_policy(&s);
	print_summary(&s);
	if (fflush(stdout) != 0)
		return RP_EXIT_FAILURE;
	return status;
}
