#ifndef PBT_H
#define PBT_H

/*
 * pbtable's public API: the only library header cmd/ includes.  Types are
 * opaque; each command calls one entry point and renders its result.
 * Every function returns 0 or -PBT_E* and fills a struct pbt_err.
 */
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

/* ---------------------------------------------------------------- breaking */

struct pbt_breaking_opts {
	const char *config;	/* --config: a file or YAML/JSON text; NULL: ./pbtable.yaml, ./buf.yaml */
	bool exclude_imports;	/* drop findings in files marked as imports */
	const char *lock;	/* --lock: also check NEW against this pbtable.lock */
};

struct pbt_report;

/*
 * Compare NEW against OLD (FileDescriptorSet paths, "-" = stdin for one of
 * them) with the configured rules.  *out receives the sorted, filtered
 * findings; free it with pbt_report_free().  With opts->lock, NEW is also
 * checked against the lock's recorded past (WIRE and WIRE_JSON rules that
 * a lock can answer: docs/history.md); OLD may then be NULL.
 */
int pbt_breaking(const char *new_path, const char *old_path,
		 const struct pbt_breaking_opts *opts, struct pbt_report **out,
		 struct pbt_err *err);

size_t pbt_report_count(const struct pbt_report *r);
size_t pbt_report_n_warnings(const struct pbt_report *r);
const char *pbt_report_warning(const struct pbt_report *r, size_t i);
/* Render all findings in a format ("text", "json", ...). */
int pbt_report_render(const struct pbt_report *r, const char *format,
		      struct pbt_buf *out, struct pbt_err *err);
void pbt_report_free(struct pbt_report *r);

/* Is `name` an output format?  pbt_format_list(): "text, json, ...". */
bool pbt_format_known(const char *name);
const char *pbt_format_list(void);

/* ---------------------------------------------------------------- history */

struct pbt_history_opts {
	const char *const *labels;	/* one per version, or NULL: the paths */
	const char *const *use;		/* categories: "WIRE", "WIRE_JSON"; NULL: both */
	size_t n_use;
};

/*
 * Check every version against every earlier one (paths oldest first, at
 * least one) with the WIRE/WIRE_JSON rules, and report each finding once,
 * for the pair it first breaks (see docs/history.md).  Each finding's
 * text output is prefixed with "NEW vs OLD: ".  *out as pbt_breaking().
 */
int pbt_history(const char *const *paths, size_t n,
		const struct pbt_history_opts *opts, struct pbt_report **out,
		struct pbt_err *err);

/* ---------------------------------------------------------------- lock */

/*
 * `lock update`: the lock file at lock_path (missing: empty) plus every
 * entry of the descriptor set at set_path, or with prune only the set's
 * entries, rendered into *out (the caller writes the file).  Counts go
 * to the size_t pointers: entries added, older forms made current again
 * (the set went back to them), removed (prune), and the total.
 */
int pbt_lock_update(const char *set_path, const char *lock_path, bool prune,
		    struct pbt_buf *out, size_t *added, size_t *current,
		    size_t *removed, size_t *total, struct pbt_err *err);

/* ---------------------------------------------------------------- rules */

struct pbt_rule_info {
	const char *id;
	const char *categories;	/* "FILE, PACKAGE" in the asked version */
	const char *purpose;
	const char *replaced_by;	/* deprecated rules: replacements or NULL */
	bool is_default;
	bool deprecated;
	bool exists;		/* in the asked config version */
};

size_t pbt_rule_count(void);
/* Rule i (sorted by ID) as seen by config version "v1beta1", "v1" or "v2". */
int pbt_rule_describe(size_t i, const char *version, struct pbt_rule_info *out,
		      struct pbt_err *err);
/* Is `cat` a category name (FILE, PACKAGE, WIRE_JSON, WIRE, CSR)? */
bool pbt_category_known(const char *cat);

/* ---------------------------------------------------------------- loading */

/*
 * Read and index one descriptor set and free it again: the load floor
 * for benchmarks.  Reports sizes in *files and *messages.
 */
int pbt_load_only(const char *path, size_t *files, size_t *messages,
		  struct pbt_err *err);

#endif
