/*
 * The drift kinds table: sorted, unique, each described, and each one
 * documented in docs/drift.md and man/pbtable-drift.1 (git's t0450 idea:
 * the table and the docs cannot drift apart).  Run from the top directory.
 */
#include <stdio.h>
#include <stdlib.h>

#include "drift.h"
#include "pbt.h"
#include "t.h"

static void kinds_sorted_unique_described(void)
{
	size_t i;

	T_CHECK(pbt_n_drift_kinds > 20);
	for (i = 0; i < pbt_n_drift_kinds; i++) {
		T_CHECK(pbt_drift_kinds[i].about && *pbt_drift_kinds[i].about);
		T_CHECK(pbt_drift_kind_find(pbt_drift_kinds[i].id) ==
			&pbt_drift_kinds[i]);
		if (i && strcmp(pbt_drift_kinds[i - 1].id,
				pbt_drift_kinds[i].id) >= 0) {
			printf("# %s is not after %s\n", pbt_drift_kinds[i].id,
			       pbt_drift_kinds[i - 1].id);
			t_failed = 1;
		}
	}
	T_CHECK(!pbt_drift_kind_find("no_such_kind"));
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	if (s)
		s[n] = '\0';
	fclose(f);
	return s;
}

static void kinds_documented(void)
{
	static const char *const docs[] = { "docs/drift.md",
					    "man/pbtable-drift.1" };
	size_t d, i;

	for (d = 0; d < 2; d++) {
		char *text = slurp(docs[d]);

		T_CHECK(text != NULL);
		for (i = 0; text && i < pbt_n_drift_kinds; i++) {
			char want[64];

			/* docs/drift.md: `kind`; the man page: .B kind */
			snprintf(want, sizeof(want), d ? ".B %s\n" : "`%s`",
				 pbt_drift_kinds[i].id);
			if (!strstr(text, want)) {
				printf("# %s does not describe %s\n", docs[d],
				       pbt_drift_kinds[i].id);
				t_failed = 1;
			}
		}
		free(text);
	}
}

static void formats_listed(void)
{
	T_EQ_STR(pbt_drift_format_list(), "text, json, github-actions, sarif");
	T_CHECK(pbt_drift_format_known("sarif"));
	T_CHECK(!pbt_drift_format_known("junit"));
}

const struct t_case t_drift_cases[] = {
	{ "kinds_sorted_unique_described", kinds_sorted_unique_described },
	{ "kinds_documented", kinds_documented },
	{ "formats_listed", formats_listed },
	{ NULL, NULL },
};
