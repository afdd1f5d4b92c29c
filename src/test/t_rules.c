/*
 * The rule table against buf's catalog: sorted unique IDs, the number of
 * rules and category members per config version, and a golden case in
 * testdata/breaking/ for every rule (git's doc-vs-help test).
 */
#include <ctype.h>
#include <sys/stat.h>

#include "rules.h"
#include "t.h"

static void sorted_unique(void)
{
	size_t i;

	/* a PBT_FOREACH_RULE entry without its RULE() row is a hole */
	for (i = 0; i < pbt_n_rules; i++)
		if (!pbt_rules[i].id) {
			printf("# rule %zu of PBT_FOREACH_RULE has no row\n", i);
			t_failed = 1;
			return;
		}
	T_EQ_STR(pbt_rule_by_id(PBT_RULE_FIELD_SAME_NAME)->id, "FIELD_SAME_NAME");
	for (i = 1; i < pbt_n_rules; i++)
		T_CHECK(strcmp(pbt_rules[i - 1].id, pbt_rules[i].id) < 0);
	T_EQ_INT(pbt_n_rules, 69);
	for (i = 0; i < pbt_n_rules; i++)
		T_CHECK(pbt_rule_find(pbt_rules[i].id) == &pbt_rules[i]);
}

static size_t count(enum pbt_config_version v, unsigned cat)
{
	size_t i, n = 0;

	for (i = 0; i < pbt_n_rules; i++)
		if (pbt_rules[i].cats[v] & cat)
			n++;
	return n;
}

static void catalog_counts(void)
{
	/* buf-rules.md: rules per version and category sizes. */
	T_EQ_INT(count(PBT_V1BETA1, PBT_CAT_EXISTS), 64);
	T_EQ_INT(count(PBT_V1, PBT_CAT_EXISTS), 66);
	T_EQ_INT(count(PBT_V2, PBT_CAT_EXISTS), 65);
	T_EQ_INT(count(PBT_V1BETA1, PBT_CAT_FILE), 49);
	T_EQ_INT(count(PBT_V1, PBT_CAT_FILE), 49);
	T_EQ_INT(count(PBT_V2, PBT_CAT_FILE), 51);
	T_EQ_INT(count(PBT_V1BETA1, PBT_CAT_PACKAGE), 48);
	T_EQ_INT(count(PBT_V1, PBT_CAT_PACKAGE), 49);
	T_EQ_INT(count(PBT_V2, PBT_CAT_PACKAGE), 51);
	T_EQ_INT(count(PBT_V1BETA1, PBT_CAT_WIRE_JSON), 21);
	T_EQ_INT(count(PBT_V1, PBT_CAT_WIRE_JSON), 21);
	T_EQ_INT(count(PBT_V2, PBT_CAT_WIRE_JSON), 22);
	T_EQ_INT(count(PBT_V1BETA1, PBT_CAT_WIRE), 14);
	T_EQ_INT(count(PBT_V1, PBT_CAT_WIRE), 14);
	T_EQ_INT(count(PBT_V2, PBT_CAT_WIRE), 15);
	T_EQ_INT(count(PBT_V2, PBT_CAT_CSR), 32);
}

static void every_rule_checks_or_is_deprecated(void)
{
	size_t i;

	for (i = 0; i < pbt_n_rules; i++) {
		const struct pbt_rule *r = &pbt_rules[i];

		/* A deprecated rule has no check; every other rule has one and
		 * belongs to a category in some version. */
		if (!r->check)
			T_CHECK(!(r->cats[PBT_V1] & (PBT_CAT_FILE | PBT_CAT_PACKAGE |
						    PBT_CAT_WIRE_JSON | PBT_CAT_WIRE)));
		else
			T_CHECK((r->cats[PBT_V1] | r->cats[PBT_V2]) &
				(PBT_CAT_FILE | PBT_CAT_PACKAGE | PBT_CAT_WIRE_JSON | PBT_CAT_WIRE));
		T_CHECK(r->purpose && *r->purpose);
	}
}

static void every_rule_has_a_golden_case(void)
{
	size_t i;

	for (i = 0; i < pbt_n_rules; i++) {
		char dir[160], *p;
		struct stat st;

		snprintf(dir, sizeof(dir), "testdata/breaking/%s/want.rc", pbt_rules[i].id);
		for (p = dir + strlen("testdata/breaking/"); *p && *p != '/'; p++)
			*p = (char)tolower((unsigned char)*p);
		if (stat(dir, &st)) {
			printf("# no golden case %s\n", dir);
			t_failed = 1;
		}
	}
}

const struct t_case t_rules_cases[] = {
	{ "sorted_unique", sorted_unique },
	{ "catalog_counts", catalog_counts },
	{ "every_rule_checks_or_is_deprecated", every_rule_checks_or_is_deprecated },
	{ "every_rule_has_a_golden_case", every_rule_has_a_golden_case },
	{ NULL, NULL },
};
