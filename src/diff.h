#ifndef PBT_DIFF_H
#define PBT_DIFF_H

#include <stdbool.h>

#include "err.h"

struct pbt_ptable;
struct pbt_pgcol;

/*
 * How a pbtable as it is differs from the pbtable as it should be: one
 * kind per way (the drift kinds of docs/drift.md) and one record per
 * difference.  drift.c finds differences in a live catalog, plan.c
 * between two configs (migrate); plan.c turns both into actions.
 */

/* What a finding of the kind is worth: SARIF's level. */
enum pbt_severity {
	PBT_SEV_ERROR,
	PBT_SEV_WARNING,
};

/* What `drift --fix` (and migrate) may do about a kind. */
enum pbt_repair {
	PBT_REPAIR_AUTO,       /* recreated from the config */
	PBT_REPAIR_ALLOW_DROP, /* it drops what may hold data: --allow-drop */
	PBT_REPAIR_MANUAL,     /* no statement can do it safely */
};

/*
 * THE drift kinds, sorted by id (t_drift checks that, that the id is the
 * enum name in lower case, and that each kind is in docs/drift.md, in
 * man/pbtable-drift.1 and in a testdata/pgdrift case):
 * K(ENUM, id, severity, repair, one line for help and SARIF).
 */
#define PBT_FOREACH_DRIFT_KIND(K)                                           \
	K(CONSTRAINT_CHANGED, "constraint_changed", ERROR, AUTO,            \
	  "a constraint pbtable creates has another definition")            \
	K(CONSTRAINT_NOT_VALID, "constraint_not_valid", ERROR, AUTO,        \
	  "a constraint pbtable creates was never validated (NOT VALID)")   \
	K(DATA_NOT_JSONB, "data_not_jsonb", ERROR, MANUAL,                  \
	  "column data is not of type jsonb")                               \
	K(EXTRA_COLUMN, "extra_column", ERROR, ALLOW_DROP,                  \
	  "a column that no configured field explains and that is not "     \
	  "retired")                                                        \
	K(EXTRA_CONSTRAINT, "extra_constraint", ERROR, ALLOW_DROP,          \
	  "a constraint pbtable would not create")                          \
	K(EXTRA_INDEX, "extra_index", ERROR, ALLOW_DROP,                    \
	  "an index the config does not list")                              \
	K(EXTRA_RULE, "extra_rule", ERROR, ALLOW_DROP,                      \
	  "a rule on the table or its view")                                \
	K(EXTRA_TRIGGER, "extra_trigger", ERROR, ALLOW_DROP,                \
	  "a trigger pbtable would not create")                             \
	K(FINGERPRINT_MISMATCH, "fingerprint_mismatch", ERROR, AUTO,        \
	  "a pbtable comment is missing or names another field, type or "   \
	  "body")                                                           \
	K(FUNCTION_CHANGED, "function_changed", ERROR, AUTO,                \
	  "a write-path function of the view has another body")             \
	K(FUNCTION_MISSING, "function_missing", ERROR, AUTO,                \
	  "a write-path function of the view is missing")                   \
	K(HELPER_MISSING, "helper_missing", ERROR, AUTO,                    \
	  "a helper function the columns need is missing")                  \
	K(HELPER_VERSION, "helper_version", ERROR, MANUAL,                  \
	  "a helper function differs from pbtable's under the same name")   \
	K(INDEX_CHANGED, "index_changed", ERROR, AUTO,                      \
	  "a configured index has other columns, method, options or "       \
	  "uniqueness")                                                     \
	K(INDEX_INVALID, "index_invalid", ERROR, AUTO,                      \
	  "a configured index is invalid (a failed CREATE INDEX "           \
	  "CONCURRENTLY)")                                                  \
	K(MISSING_COLUMN, "missing_column", ERROR, AUTO,                    \
	  "a configured column is missing")                                 \
	K(MISSING_CONSTRAINT, "missing_constraint", ERROR, AUTO,            \
	  "the primary key, the data check or a --strict check is missing") \
	K(MISSING_INDEX, "missing_index", ERROR, AUTO,                      \
	  "a configured index is missing")                                  \
	K(MISSING_TABLE, "missing_table", ERROR, AUTO,                      \
	  "a configured table is missing")                                  \
	K(MISSING_VIEW, "missing_view", ERROR, AUTO,                        \
	  "the configured view is missing")                                 \
	K(NOT_GENERATED, "not_generated", ERROR, ALLOW_DROP,                \
	  "a column that should be generated is a plain column")            \
	K(TRIGGER_CHANGED, "trigger_changed", ERROR, AUTO,                  \
	  "the view's INSTEAD OF trigger is disabled or fires otherwise")   \
	K(TRIGGER_MISSING, "trigger_missing", ERROR, AUTO,                  \
	  "the view's INSTEAD OF trigger is missing")                       \
	K(VIEW_CHANGED, "view_changed", ERROR, AUTO,                        \
	  "the view shows other columns or runs another query")             \
	K(WRONG_EXPRESSION, "wrong_expression", ERROR, AUTO,                \
	  "a generated column is computed by another expression")           \
	K(WRONG_NULLABILITY, "wrong_nullability", ERROR, AUTO,              \
	  "a column is NOT NULL where it should not be, or the reverse")    \
	K(WRONG_TYPE, "wrong_type", ERROR, AUTO, "a column has another type")

enum pbt_drift_kind {
#define PBT_DRIFT_ENUM(e, id, severity, repair, about) PBT_DRIFT_##e,
	PBT_FOREACH_DRIFT_KIND(PBT_DRIFT_ENUM)
#undef PBT_DRIFT_ENUM
		PBT_N_DRIFT_KINDS
};

struct pbt_drift_kind_info {
	const char *id;
	enum pbt_severity severity;
	enum pbt_repair repair;
	const char *about;
};

/* Indexed by enum pbt_drift_kind. */
extern const struct pbt_drift_kind_info pbt_drift_kinds[PBT_N_DRIFT_KINDS];

/* The kind whose id is id, or -1. */
int pbt_drift_kind_find(const char *id);

/* One difference (for drift: one finding). */
struct pbt_diff {
	enum pbt_drift_kind kind;
	const char *schema, *table; /* table NULL: a helper function */
	const char *column;	    /* a column difference, else NULL */
	/* index, constraint, view, trigger, rule or function */
	const char *object;
	const char *message; /* one line: what is wrong */
	struct pbt_loc loc;  /* the table's entry in pbtable.yaml */

	/* For the plan (plan.c). */
	const struct pbt_ptable *t; /* as it should be; NULL: a helper */
	/*
	 * The column as it should be; for extra_column from migrate, the
	 * column of the old config that is no longer projected.  NULL: none
	 * (data, pbt_rowid, a column no config knows).
	 */
	const struct pbt_pgcol *col;
	int helper;   /* enum pbt_helper, or PBT_H_NONE */
	bool on_view; /* extra_trigger, extra_rule: on the view */
	bool manual;  /* no safe automatic repair: a warning of the plan */
	long cmp;     /* drift: waiting for the server's verdict; -1 if not */
};

#endif
