/* suggestout.c - `rampart suggest`: what it prints.
 *
 * The suggested policy on stdout (every string from an event escaped, so
 * a path cannot start a policy line; code and system directories only as
 * loud comments) and the summary on stderr.
 */
#include "suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

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

void
rp_suggest_print_policy(struct suggest *s)
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
		if (!rp_suggest_is_system(d->key) && plain_value(d->key) &&
		    code_beneath(s, d, why, sizeof(why))) {
			/* `why` holds names from events and the disk: escaped */
			fputs("# !!! WARNING: the app's code, not data: ", stdout);
			put_safe(why);
			printf(".  Making it writable lets the app change its own program; "
			       "write data elsewhere (a volume, /tmp) instead; not enabled:\n"
			       "# WritablePath %s\n", d->key);
		} else if (rp_suggest_is_system(d->key) || !plain_value(d->key)) {
			printf("# !!! WARNING: %s; not enabled:\n# WritablePath ",
			       rp_suggest_is_system(d->key) ? "a system directory: making it writable lets "
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

void
rp_suggest_print_summary(const struct suggest *s)
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

