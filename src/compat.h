#ifndef PBT_COMPAT_H
#define PBT_COMPAT_H

#include <stdbool.h>

#include "findings.h"
#include "rules.h"
#include "schema.h"
#include "srcloc.h"

struct pbt_arena;

/*
 * Compare two schema versions.  compat.c pairs old and new elements the
 * way buf does (files by path, types by full name, fields by number,
 * extensions by extendee + number, methods by name) and calls each
 * enabled rule's check on each pair.  Checks report through pbt_cx_report().
 */
struct pbt_cx {
	struct pbt_schema *old, *new;
	const struct pbt_rule *rule;	/* the rule being checked */
	struct pbt_findings *out;
	struct pbt_arena *tmp;		/* scratch, freed after the run */
	struct pbt_map new_ext;		/* "extendee\0number" -> new extension */
	bool new_ext_ready;
	/* The pair being checked (set by compat.c before each check). */
	enum pbt_subject subject_kind;
	const void *subject_old, *subject_new;
	/* pbt_cx_method() [0] and pbt_cx_oneof() [1]: the last indexed. */
	struct pbt_cx_names {
		const void *of;
		const char **names;
		void **items;
		size_t n;
	} by_name[2];
};

/*
 * The element a finding is about, as a string: "pkg.Msg" (message, enum,
 * service), "pkg.Msg#3" (field), "pkg.ext" (extension), "pkg.Svc.Method",
 * a file path, or NULL for whole-schema rules.  Lives in out's arena.
 */
const char *pbt_cx_subject(struct pbt_cx *cx);

/*
 * Run the rules with enabled[pbt_rule_index(r)] set, appending findings
 * to out (unsorted, unfiltered: see pbt_findings_sort_unique()).
 */
void pbt_compat_run(struct pbt_schema *old, struct pbt_schema *new,
		    const bool *enabled, struct pbt_findings *out);
/*
 * pbt_compat_run() shares the work with a second thread when the old
 * schema has split_min elements or more (it passes 20,000): 0 always,
 * SIZE_MAX never.  The findings come out in the same order either way.
 */
void pbt_compat_run_split(struct pbt_schema *old, struct pbt_schema *new,
			  const bool *enabled, struct pbt_findings *out,
			  size_t split_min);

/* The new extension matching old extension f (same extendee and number). */
struct pbt_field *pbt_cx_new_extension(struct pbt_cx *cx, const struct pbt_field *old);

/*
 * Report a finding of cx->rule.  file is the NEW file it is in (NULL: no
 * file), span its position there (NULL or zeroed: line unknown), and
 * prev_file the OLD file the element came from (for ignores).
 */
void pbt_cx_report(struct pbt_cx *cx, struct pbt_file *file,
		   const struct pbt_span *span, struct pbt_file *prev_file,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Location helpers: fill *span with the location of path in f and return
 * true, or return false and leave *span untouched, so alternatives chain:
 * `pbt_file_span(f, &p1, &sp) || pbt_file_span(f, &p2, &sp);`
 * (buf's withBackupLocation).
 */
bool pbt_file_span(struct pbt_file *f, const struct pbt_path *path,
		   struct pbt_span *span);
/* The same for path + one or two more components. */
bool pbt_file_span_sub(struct pbt_file *f,
		       const struct pbt_path *path, int32_t a,
		       struct pbt_span *span);
bool pbt_file_span_sub2(struct pbt_file *f,
			const struct pbt_path *path, int32_t a,
			int32_t b, struct pbt_span *span);
bool pbt_file_span_sub3(struct pbt_file *f,
			const struct pbt_path *path, int32_t a,
			int32_t b, int32_t c, struct pbt_span *span);
bool pbt_file_span_sub4(struct pbt_file *f,
			const struct pbt_path *path, int32_t a,
			int32_t b, int32_t c, int32_t d, struct pbt_span *span);

/*
 * buf's description of a field in messages:
 *   Field "3" with name "foo" on message "Bar"
 *   Extension "100" with name "pkg.ext" on message "pkg.Bar"
 * Returned string lives in cx->tmp.
 */
const char *pbt_field_description(struct pbt_cx *cx, const struct pbt_field *f);

/* s quoted as Go's %q does (buf prints names and values with %q). */
const char *pbt_q(struct pbt_cx *cx, const char *s);

/* Is a reserved range/name list covering number/name? */
bool pbt_message_reserves_number(const pbt_message_proto *dp, int32_t number);
bool pbt_message_reserves_name(const pbt_message_proto *dp, const char *name);
bool pbt_enum_reserves_number(const pbt_enum_proto *ep, int32_t number);
bool pbt_enum_reserves_name(const pbt_enum_proto *ep, const char *name);

/* Is number a value of the enum? */
bool pbt_enum_has_number(const struct pbt_enum *e, int32_t number);

/*
 * A reserved list (or a message's extension ranges) made for lookups:
 * ranges inclusive, sorted and merged (overlapping or adjacent ones
 * joined), names sorted.  A set may hold 100,000 reserved entries, and
 * each deleted field or old range is checked against them.  Lives in
 * cx->tmp.
 */
struct pbt_reserved {
	int64_t (*r)[2];
	size_t n_r;
	const char **names;
	size_t n_names;
};
void pbt_reserved_of_message(struct pbt_cx *cx, const pbt_message_proto *dp,
			     struct pbt_reserved *out);
void pbt_extensions_of_message(struct pbt_cx *cx, const pbt_message_proto *dp,
			       struct pbt_reserved *out);
void pbt_reserved_of_enum(struct pbt_cx *cx, const pbt_enum_proto *ep,
			  struct pbt_reserved *out);
bool pbt_reserved_number(const struct pbt_reserved *x, int64_t number);
bool pbt_reserved_name(const struct pbt_reserved *x, const char *name);
/*
 * The parts of [start, end] that x's ranges leave out, as *n intervals
 * (inclusive) in cx->tmp, in order; the count is also returned.
 */
size_t pbt_reserved_missing(struct pbt_cx *cx, const struct pbt_reserved *x,
			    int64_t start, int64_t end, int64_t (**out)[2]);

/*
 * The method of s named name, or NULL; the oneof of m named name, or
 * NULL.  Both sort the names once per service or message (cached in tmp
 * for the last one asked), so looking up every method of a service with
 * 100,000 methods is not quadratic.
 */
struct pbt_method *pbt_cx_method(struct pbt_cx *cx, const struct pbt_service *s,
				 const char *name);
struct pbt_oneof *pbt_cx_oneof(struct pbt_cx *cx, const struct pbt_message *m,
			       const char *name);

/*
 * The element nearest to a deleted one that still exists in file f of
 * NEW: the innermost enclosing message by nested name ("A.B.C" tries
 * "A.B", then "A").  Fills *span and returns true, or returns false when
 * only the file is left (buf then reports the file at line 1).
 */
bool pbt_file_span_deleted(struct pbt_file *f, const char *nested_name,
			   struct pbt_span *span);

#endif
