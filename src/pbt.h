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
	/* Source and git inputs (src/input.h). */
	const char *protoc;	/* --protoc; NULL: protoc on PATH */
	const char *const *proto_paths;	/* -I; none: build.roots, else the input */
	size_t n_proto_paths;
	const char *const *paths;	/* --path: only files under these ... */
	size_t n_paths;
	const char *const *exclude_paths;	/* --exclude-path: ... and not these */
	size_t n_exclude_paths;
	bool no_inline_allow;	/* ignore `pbtable:allow` comments */
};

struct pbt_report;

/*
 * Compare NEW against OLD with the configured rules.  Each is a
 * FileDescriptorSet ("-" = stdin for one of them), a directory or .proto
 * file (compiled with protoc), or git:REF[:SUBDIR] (see src/input.h).
 * *out receives the sorted, filtered findings; free it with
 * pbt_report_free().
 */
int pbt_breaking(const char *new_path, const char *old_path,
		 const struct pbt_breaking_opts *opts, struct pbt_report **out,
		 struct pbt_err *err);

size_t pbt_report_count(const struct pbt_report *r);
size_t pbt_report_n_warnings(const struct pbt_report *r);
const char *pbt_report_warning(const struct pbt_report *r, size_t i);
/*
 * Findings approved by `pbtable:allow` comments, left out of the count and
 * of every format but sarif (where they are marked suppressed).  Line i
 * reads "path:line:column: RULE_ID: reason".
 */
size_t pbt_report_n_allowed(const struct pbt_report *r);
const char *pbt_report_allowed(const struct pbt_report *r, size_t i);
/* Render all findings in a format ("text", "json", ...). */
int pbt_report_render(const struct pbt_report *r, const char *format,
		      struct pbt_buf *out, struct pbt_err *err);
void pbt_report_free(struct pbt_report *r);

/* Is `name` an output format?  pbt_format_list(): "text, json, ...". */
bool pbt_format_known(const char *name);
const char *pbt_format_list(void);

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
 * The load floor for benchmarks: read and unpack every set with
 * protobuf-c (two at a time, as `breaking` loads NEW and OLD), and with
 * `index` also build the schema index.  Reports the total number of
 * files; nothing else is done with them.
 */
int pbt_bench_load(const char *const *paths, size_t n, bool index,
		   size_t *files, struct pbt_err *err);

#endif
