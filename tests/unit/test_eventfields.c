/* test_eventfields.c - the one table of event fields
 * (shim/core/eventfields.h): names unique and well-formed, every field
 * found by its name, and the two the relay's prefix relies on first. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "eventfields.h"

Test(eventfields, names_are_unique_lowercase_and_have_a_meaning)
{
	int i, j;

	cr_assert_geq(RP_EF_COUNT, 10);
	for (i = 0; i < RP_EF_COUNT; i++) {
		const char *n = rp_ef_name((enum rp_event_field)i);

		cr_assert(n[0], "field %d has no name", i);
		cr_expect(strspn(n, "abcdefghijklmnopqrstuvwxyz_") == strlen(n), "name '%s'", n);
		cr_expect(strlen(rp_ef_help((enum rp_event_field)i)) > 8, "'%s' has no meaning", n);
		cr_expect_eq(rp_ef_find(n), (enum rp_event_field)i, "%s", n);
		for (j = 0; j < i; j++)
			cr_expect(strcmp(n, rp_ef_name((enum rp_event_field)j)) != 0, "'%s' twice", n);
	}
	cr_expect_eq(rp_ef_find("no_such_field"), RP_EF_COUNT);
	cr_expect_str_eq(rp_ef_name(RP_EF_COUNT), "");
}

/* tools/loader/relay.c counts repeats of lines that start
 * {"rampart":1,"ts": and shim/event.c writes them in the table's order */
Test(eventfields, version_and_time_come_first)
{
	cr_expect_str_eq(rp_ef_name((enum rp_event_field)0), "rampart");
	cr_expect_str_eq(rp_ef_name((enum rp_event_field)1), "ts");
	cr_expect_eq(rp_ef_type(RP_EF_RAMPART), RP_EFT_NUMBER);
	cr_expect_eq(rp_ef_type(RP_EF_ARGV), RP_EFT_STRINGS);
	cr_expect_eq(rp_ef_type(RP_EF_TRUNCATED), RP_EFT_TRUE);
	cr_expect_str_eq(RP_EF(SINK_LOST), "sink_lost");
}

/* docs/events.md documents "rampart":1; the writer, the relay and suggest
 * take the number and its text from the one definition */
Test(eventfields, the_schema_version_is_one_number_and_its_text)
{
	char n[8];

	cr_expect_eq(RP_EVENT_SCHEMA, 1, "docs/events.md documents version 1");
	snprintf(n, sizeof(n), "%d", RP_EVENT_SCHEMA);
	cr_expect_str_eq(RP_EVENT_SCHEMA_STR, n);
}
