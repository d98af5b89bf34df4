/* test_exports.c - librampart.so exports exactly the names in symbols.h.
 *
 * Any other exported symbol could be hijacked by, or hijack, a same-named
 * symbol of the host program (docs/threat-model.md, P5). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols.h"
#include "testlib.h"

#define NAME(ret, name, params) #name,
#define VNAME(name, sym, version, dflt) #name,
static const char *const table[] = { RP_SYMBOLS(NAME) RP_VERSIONED_SYMBOLS(VNAME) };
#define NTABLE (sizeof(table) / sizeof(table[0]))

Test(exports, nm_matches_symbol_table)
{
	char cmd[4200], line[512];
	int seen[NTABLE] = { 0 };
	size_t i;
	FILE *p;
	int extra = 0;

	snprintf(cmd, sizeof(cmd), "nm -D --defined-only '%s'", rt_path("librampart.so"));
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	while (fgets(line, sizeof(line), p)) {
		char addr[64], type[8], name[400];
		char *at;
		int found = 0;

		if (sscanf(line, "%63s %7s %399s", addr, type, name) != 3)
			continue;
		if (strcmp(type, "A") == 0)
			continue;	/* version nodes */
		at = strchr(name, '@');
		if (at)
			*at = '\0';
		for (i = 0; i < NTABLE; i++)
			if (strcmp(table[i], name) == 0) {
				seen[i] = 1;
				found = 1;
			}
		if (!found) {
			cr_log_error("exported but not in symbols.h: %s", name);
			extra++;
		}
	}
	cr_assert_eq(pclose(p), 0, "nm failed");
	cr_expect_eq(extra, 0, "%d unexpected exported symbols", extra);
	for (i = 0; i < NTABLE; i++)
		cr_expect(seen[i], "in symbols.h but not exported: %s", table[i]);
}
