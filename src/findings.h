#ifndef PBT_FINDINGS_H
#define PBT_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "srcloc.h"

struct pbt_arena;

/*
 * One breaking-change finding.  Strings live in the findings' own arena,
 * so findings outlive the schemas they were computed from.
 */
struct pbt_finding {
	const char *rule;		/* rule ID (static) */
	const char *path;		/* file in NEW, or NULL (no file) */
	struct pbt_span span;		/* in NEW; zero when unknown */
	const char *message;
	/* Where the element was in OLD: ignores match either side. */
	const char *prev_path;
	/* Facts about both files that filters need. */
	const char *package, *prev_package;
	bool is_import, prev_is_import;
	/* Which element the finding is about, in NEW: see pbt_cx_subject(). */
	const char *subject;
	/* Which comparison produced it (history: "v3 vs v1"); NULL for pairs. */
	const char *pair;
	/*
	 * Inline approval (allow.c): the reason given by `pbtable:allow RULE
	 * reason` in the NEW element's leading comment, or NULL; and what is
	 * wrong with such a comment (no reason, unknown rule), or NULL.
	 */
	const char *allow_reason;
	const char *allow_problem;
};

struct pbt_findings {
	struct pbt_arena *arena;
	struct pbt_finding *v;
	size_t n, cap;
	/* Findings approved inline and taken out of this list, for formats
	 * that show them as suppressed (SARIF); NULL when there are none. */
	const struct pbt_findings *allowed;
};

/* An empty list with its own arena; pbt_findings_release() frees both. */
void pbt_findings_init(struct pbt_findings *fs);
void pbt_findings_release(struct pbt_findings *fs);
/* Append a zeroed finding and return it (valid until the next add). */
struct pbt_finding *pbt_findings_add(struct pbt_findings *fs);
/* Sort as buf does (path, start line, start column, rule, message, end
 * line, end column; findings without a file first) and drop duplicates. */
void pbt_findings_sort_unique(struct pbt_findings *fs);
/* Keep the findings for which keep() returns true. */
void pbt_findings_filter(struct pbt_findings *fs,
			 bool (*keep)(const struct pbt_finding *, void *),
			 void *data);
int pbt_finding_cmp(const struct pbt_finding *a, const struct pbt_finding *b);

#endif
