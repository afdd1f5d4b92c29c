/*
 * `pbtable rules`: the rule catalog with categories, per config version.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "opt.h"

int cmd_rules(int argc, char **argv)
{
	const struct cmd *c = cmd_find("rules");
	const char *category = NULL, *version = "v1";
	bool all = false;
	const struct opt opts[] = {
		OPT_STRING("category", 0, category, "CAT",
			   "only rules in CAT (FILE, PACKAGE, WIRE_JSON, WIRE, CSR)"),
		OPT_STRING("config-version", 0, version, "V",
			   "categories as in buf.yaml version V (v1beta1, v1, v2; default v1)"),
		OPT_BOOL("all", 0, all,
			 "include deprecated rules and rules absent from V"),
		OPT_END(),
	};
	const char *pos[1];
	size_t npos, i;
	struct pbt_err err;
	int rc;

	rc = cmd_parse(c, argc, argv, opts, pos, 0, &npos);
	if (rc == CMD_PARSE_HELP)
		return PBT_EXIT_OK;
	if (rc)
		return PBT_EXIT_ERROR;
	if (category && !pbt_category_known(category))
		return cmd_usage_error(c, "unknown category '%s' (want FILE, PACKAGE, WIRE_JSON, WIRE or CSR)",
				       category);
	for (i = 0; i < pbt_rule_count(); i++) {
		struct pbt_rule_info ri;
		char cats[80];

		if (pbt_rule_describe(i, version, &ri, &err)) {
			cmd_error(&err);
			return PBT_EXIT_ERROR;
		}
		if (!all && (!ri.exists || ri.deprecated))
			continue;
		if (category) {
			/* Match whole names: WIRE must not match WIRE_JSON. */
			char padded[96];

			snprintf(padded, sizeof(padded), ", %s,", ri.categories);
			snprintf(cats, sizeof(cats), ", %s,", category);
			if (!strstr(padded, cats))
				continue;
		}
		snprintf(cats, sizeof(cats), "%s%s", ri.categories,
			 ri.is_default ? " (default)" : "");
		if (!ri.exists)
			snprintf(cats, sizeof(cats), "(not in %s)", version);
		else if (ri.deprecated)
			snprintf(cats, sizeof(cats), "(deprecated%s%s)",
				 ri.replaced_by ? ": use " : "",
				 ri.replaced_by ? ri.replaced_by : "");
		printf("%-46s %-38s %s\n", ri.id, cats, ri.purpose);
	}
	return PBT_EXIT_OK;
}
