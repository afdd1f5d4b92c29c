/*
 * The drift kinds table: sorted, unique, each described, each one
 * documented in docs/drift.md and man/pbtable-drift.1 (git's t0450 idea:
 * the table and the docs cannot drift apart) and reported by a
 * testdata/pgdrift case.  Run from the top directory.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "drift.h"
#include "pbt.h"
#include "t.h"

/* The enum constants' names, to hold the ids against. */
static const char *const enum_names[] = {
#define NAME(e, id, severity, repair, about) #e,
	PBT_FOREACH_DRIFT_KIND(NAME)
#undef NAME
};

static void kinds_sorted_unique_described(void)
{
	char lower[64];
	size_t i, j;

	T_CHECK(PBT_N_DRIFT_KINDS > 20);
	for (i = 0; i < PBT_N_DRIFT_KINDS; i++) {
		T_CHECK(pbt_drift_kinds[i].about && *pbt_drift_kinds[i].about);
		T_CHECK(pbt_drift_kind_find(pbt_drift_kinds[i].id) == (int)i);
		for (j = 0; enum_names[i][j] && j + 1 < sizeof(lower); j++)
			lower[j] = (char)tolower((unsigned char)enum_names[i][j]);
		lower[j] = '\0';
		T_EQ_STR(pbt_drift_kinds[i].id, lower);
		if (i && strcmp(pbt_drift_kinds[i - 1].id,
				pbt_drift_kinds[i].id) >= 0) {
			printf("# %s is not after %s\n", pbt_drift_kinds[i].id,
			       pbt_drift_kinds[i - 1].id);
			t_failed = 1;
		}
	}
	T_CHECK(pbt_drift_kind_find("no_such_kind") < 0);
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
		for (i = 0; text && i < PBT_N_DRIFT_KINDS; i++) {
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

/*
 * Each kind is reported by some testdata/pgdrift case (src/test/pg_drift.sh
 * runs them against a server): a new kind comes with the damage that
 * shows it.
 */
static void kinds_tested(void)
{
	bool seen[PBT_N_DRIFT_KINDS] = { false };
	DIR *dir = opendir("testdata/pgdrift");
	struct dirent *e;
	char path[512], want[64];
	size_t i;

	T_CHECK(dir != NULL);
	while (dir && (e = readdir(dir))) {
		char *text;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "testdata/pgdrift/%s/want.stdout",
			 e->d_name);
		text = slurp(path);
		for (i = 0; text && i < PBT_N_DRIFT_KINDS; i++) {
			snprintf(want, sizeof(want), ": %s: ",
				 pbt_drift_kinds[i].id);
			seen[i] |= strstr(text, want) != NULL;
		}
		free(text);
	}
	if (dir)
		closedir(dir);
	for (i = 0; i < PBT_N_DRIFT_KINDS; i++) {
		if (seen[i])
			continue;
		printf("# no testdata/pgdrift case reports %s\n",
		       pbt_drift_kinds[i].id);
		t_failed = 1;
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
	{ "kinds_tested", kinds_tested },
	{ "formats_listed", formats_listed },
	{ NULL, NULL },
};
