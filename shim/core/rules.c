/* rules.c - the table of rules.h. */
#include "rules.h"

#include <string.h>

const struct rp_rule_info rp_rule_table[RP_RULE_COUNT] = {
#define RP_RULE_ROW(id, name, err, help) [RP_RULE_##id] = { name, err, help },
	RP_RULES(RP_RULE_ROW)
#undef RP_RULE_ROW
};

int
rp_rule_errno(const char *name)
{
	int i;

	for (i = 0; i < RP_RULE_COUNT; i++)
		if (strcmp(rp_rule_table[i].name, name) == 0)
			return rp_rule_table[i].err ? rp_rule_table[i].err : EACCES;
	return EACCES;
}
