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
 *
 * This file: the command line and reading events.  suggestdirs.c decides
 * which directories may be suggested, suggestout.c prints (suggest.h).
 */
#include "suggest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "denymatch.h"
#include "execdecide.h"
#include "json.h"
#include "rampart.h"
#include "rules.h"

#define LINE_MAX_BYTES (64 * 1024)	/* events are < PIPE_BUF; be generous */
#define SHOW_MALFORMED 10		/* first N malformed lines are quoted */

static struct rp_policy policy;

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		rp_die(RP_EXIT_FAILURE, "suggest: out of memory");
	return p;
}

char *
rp_suggest_strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

/* How many events the line being read stands for: the loader's relay
 * writes a burst of identical ones as one line with "repeat" N. */
static unsigned long weight = 1;

/* Count `key` in `l`.  Linear: distinct keys are few (directories and
 * programs of one app), events may be many. */
struct seen *
rp_suggest_note(struct list *l, const char *key, const char *example)
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
	l->v[l->n].key = rp_suggest_strdup(key);
	l->v[l->n].example = rp_suggest_strdup(example ? example : "");
	l->v[l->n].count = weight;
	return &l->v[l->n++];
}

/* ---- reading events ------------------------------------------------------------ */

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
	rp_suggest_note(&s->dirs, parent, norm);
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
		rp_suggest_note(&s->denyexec, path, ev->f[RP_EF_DETAIL]);
		if (s->p && rp_deny_exec_pattern(s->p, path, NULL))	/* denymatch.h */
			s->would_deny_exec++;
	} else if (strcmp(rule, RP_RULE(WX)) == 0 && path && parent_of(path, norm, parent) == 0) {
		rp_suggest_note(&s->wx, parent, norm);
		/* the one W^X rule (the event's path is the kernel's name) */
		if (s->p && rp_exec_wx_dir(s->p, norm) >= 0)
			s->would_deny_wx++;
	} else {
		char what[RP_PATH_MAX + 160];

		snprintf(what, sizeof(what), "%s %s %s", rule,
			 ev->f[RP_EF_OP] ? ev->f[RP_EF_OP] : "?", path ? path : "-");
		rp_suggest_note(&s->other, what, NULL);
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
			if (ev.version != RP_EVENT_SCHEMA || !ev.f[RP_EF_RULE])
				err = ev.version != RP_EVENT_SCHEMA
					? "not a rampart version " RP_EVENT_SCHEMA_STR " event"
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


/* ---- the command -------------------------------------------------------------- */

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

		if (rp_suggest_code_reason(&s, &s.dirs.v[k], why, sizeof(why)))
			s.dirs.v[k].code_why = rp_suggest_strdup(why);
	}
	rp_suggest_drop_nested(&s.dirs);
	if (s.merge)
		rp_suggest_merge_siblings(&s.dirs);
	rp_suggest_print_policy(&s);
	rp_suggest_print_summary(&s);
	if (fflush(stdout) != 0)
		return RP_EXIT_FAILURE;
	return status;
}
