#ifndef PBT_HISTORY_H
#define PBT_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "findings.h"
#include "schema.h"

/*
 * Transitive checks over successive versions V1..VN: every version is
 * checked against every earlier one, and each finding is reported once,
 * for the pair it first breaks (docs/history.md says exactly what that
 * means per rule).
 *
 * Versions are added oldest first.  Each element of a version (file,
 * message, field, extension, enum, method) is compared only with the
 * distinct earlier *forms* of the same element (same key: full name,
 * message + number, ...), never with whole earlier versions, and only
 * when its own form is new: an element that never changes costs one
 * signature per version and no comparison at all.
 */
struct pbt_history;

/*
 * A history running the rules with enabled[pbt_rule_index(r)] set (only
 * subjects PBT_ON_FILE and below: whole-schema rules are refused, they
 * have no element to key on).  Findings are collected internally until
 * pbt_history_finish().
 */
struct pbt_history *pbt_history_new(const bool *enabled);

/*
 * Check schema s (the next version, labelled `label`) against every form
 * seen so far, then record its forms.  Takes ownership of s: it lives
 * until pbt_history_free(), since its elements are the old side of
 * later comparisons.
 */
void pbt_history_add(struct pbt_history *h, struct pbt_schema *s,
		     const char *label);

/*
 * Record the forms of s as an earlier version without checking anything
 * (a lock file's recorded past: lock_check.c).  Takes ownership of s.
 */
void pbt_history_seed(struct pbt_history *h, struct pbt_schema *s,
		      const char *label);

/* pbt_history_add() without taking ownership: s must outlive h. */
void pbt_history_add_borrowed(struct pbt_history *h, struct pbt_schema *s,
			      const char *label);

/*
 * Move the findings to out (initialised by the caller): each distinct
 * finding (rule, element, message) once, from the earliest NEW version
 * it appears in and, within that, the oldest OLD version; `pair` set to
 * "NEW vs OLD".  Ordered by NEW version, OLD version, then buf's order.
 */
void pbt_history_finish(struct pbt_history *h, struct pbt_findings *out);

/* Versions seen so far. */
size_t pbt_history_count(const struct pbt_history *h);

void pbt_history_free(struct pbt_history *h);

/*
 * The rules `history` runs for categories cats (PBT_CAT_WIRE and/or
 * PBT_CAT_WIRE_JSON, as in buf.yaml v2): fills enabled[pbt_n_rules].
 */
void pbt_history_rules(unsigned cats, bool *enabled);

#endif
