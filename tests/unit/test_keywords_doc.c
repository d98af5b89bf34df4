/* test_keywords_doc.c - rampart.policy(5) documents every keyword of
 * shim/core/keywords.h, each under its own .TP heading with an example.
 *
 * Adding a keyword to the table without documenting it fails here
 * (docs/HACKING.md, "Adding a policy keyword"). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "testlib.h"

#define MAN5 "docs/man/rampart.policy.5"
#define MAN1 "docs/man/rampart.1"

static char *
read_or_fail(const char *path)
{
	char *text = rt_read_file(path);

	cr_assert_not_null(text, "cannot read %s (tests run from the project root)", path);
	return text;
}

/* The text from the heading line of `name` (".B Name", ".BR Name ...",
 * ".BI Name ...", right after a ".TP") to the next ".TP" or ".SH", or
 * NULL if there is no such heading. */
static char *
keyword_entry(const char *man, const char *name, size_t *len)
{
	const char *s = man;
	static const char *const macros[] = { ".B ", ".BR ", ".BI " };

	while ((s = strstr(s, "\n.TP\n")) != NULL) {
		const char *h = s + 5, *end;
		size_t i;

		s = h;
		for (i = 0; i < 3; i++) {
			size_t m = strlen(macros[i]), n = strlen(name);

			if (strncmp(h, macros[i], m) != 0 || strncmp(h + m, name, n) != 0 ||
			    (h[m + n] != ' ' && h[m + n] != '\n'))
				continue;
			end = h + 1;
			while (*end && strncmp(end, "\n.TP\n", 5) != 0 &&
			       strncmp(end, "\n.SH ", 5) != 0)
				end++;
			*len = (size_t)(end - h);
			return (char *)h;
		}
	}
	return NULL;
}

Test(keywords_doc, every_keyword_has_an_entry_with_an_example)
{
	char *man = read_or_fail(MAN5);
	int kw;

	for (kw = 0; kw < RP_KW_COUNT; kw++) {
		const char *name = rp_keyword_table[kw].name;
		size_t len = 0;
		char *entry = keyword_entry(man, name, &len), *ex, example[128];

		cr_expect_not_null(entry, "%s: no '.TP' entry for keyword %s", MAN5, name);
		if (!entry)
			continue;
		entry[len] = '\0';	/* the man text is ours to cut */
		ex = strstr(entry, "\n.EX\n");
		cr_expect_not_null(ex, "%s: the entry for %s has no .EX example", MAN5, name);
		snprintf(example, sizeof(example), "\n%s ", name);
		if (ex)
			cr_expect_not_null(strstr(ex, example),
					   "%s: the example for %s does not use it", MAN5, name);
		entry[len] = '\n';
	}
	free(man);
}

Test(keywords_doc, policy_page_has_the_sections)
{
	static const char *const sections[] = {
		".SH NAME\n", ".SH SYNOPSIS\n", ".SH DESCRIPTION\n", ".SH KEYWORDS\n",
		".SH PERMISSIONS\n", ".SH ERRORS\n", ".SH FILES\n", ".SH EXAMPLES\n",
		".SH SEE ALSO\n",
	};
	char *man = read_or_fail(MAN5);
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		cr_expect_not_null(strstr(man, sections[i]), "%s lacks %s", MAN5, sections[i]);
	cr_expect_not_null(strstr(man, RP_POLICY_DEFAULT_PATH));
	free(man);
}

Test(keywords_doc, command_page_has_the_sections_and_exit_codes)
{
	static const char *const needles[] = {
		".SH NAME\n", ".SH SYNOPSIS\n", ".SH DESCRIPTION\n", ".SH OPTIONS\n",
		".SH EXIT STATUS\n", ".SH ENVIRONMENT\n", ".SH FILES\n", ".SH EXAMPLES\n",
		".SH SEE ALSO\n", ".SH COMMANDS\n", "\n.B 125\n", "\n.B 126\n", "\n.B 127\n",
		"\n.B RAMPART_POLICY\n", "\n.B RAMPART_MODE\n", "\n.B LD_PRELOAD\n",
		"\n.B LD_AUDIT\n", "lib/rampart/librampart.so", "docs/tools.md", "docs/events.md",
		RP_POLICY_DEFAULT_PATH, "\\-\\-check", "\\-\\-policy", "\\-\\-audit", "\\-\\-shim",
		"\\-\\-json", "\\-\\-help", "\\-\\-version", "\n.SS scan", "\n.SS export\\-seccomp",
		"\n.SS suggest",
	};
	char *man = read_or_fail(MAN1);
	size_t i;

	for (i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
		cr_expect_not_null(strstr(man, needles[i]), "%s lacks \"%s\"", MAN1, needles[i]);
	free(man);
}
