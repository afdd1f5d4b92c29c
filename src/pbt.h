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

/* ---------------------------------------------------------------- inputs */

/*
 * How every command takes source inputs: a directory or .proto file is
 * compiled with protoc, git:REF[:SUBDIR] is taken from a commit
 * (src/input.h); descriptor sets are read as they are.
 */
struct pbt_sources {
	const char *protoc;	/* --protoc; NULL: protoc on PATH */
	const char *const *proto_paths;	/* -I; none: build.roots, else the input */
	size_t n_proto_paths;
};

/* ---------------------------------------------------------------- breaking */

struct pbt_breaking_opts {
	const char *config;	/* --config: a file or YAML/JSON text; NULL: ./pbtable.yaml, ./buf.yaml */
	bool exclude_imports;	/* drop findings in files marked as imports */
	struct pbt_sources src;
	const char *const *paths;	/* --path: only files under these ... */
	size_t n_paths;
	const char *const *exclude_paths;	/* --exclude-path: ... and not these */
	size_t n_exclude_paths;
	bool no_inline_allow;	/* ignore `pbtable:allow` comments */
	const char *lock;	/* --lock: also check NEW against this pbtable.lock */
};

struct pbt_report;

/*
 * Compare NEW against OLD with the configured rules.  Each is a
 * FileDescriptorSet ("-" = stdin for one of them), a directory or .proto
 * file (compiled with protoc), or git:REF[:SUBDIR] (see src/input.h).
 * *out receives the sorted, filtered findings; free it with
 * pbt_report_free().  With opts->lock, NEW is also checked against the
 * lock's recorded past (WIRE and WIRE_JSON rules that a lock can answer:
 * docs/history.md); OLD may then be NULL.
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

/* ---------------------------------------------------------------- history */

struct pbt_history_opts {
	struct pbt_sources src;
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
 * entry of the schema at set_path (a set, or sources: src), or with prune only the set's
 * entries, rendered into *out (the caller writes the file).  Counts go
 * to the size_t pointers: entries added, older forms made current again
 * (the set went back to them), removed (prune), and the total.
 */
int pbt_lock_update(const char *set_path, const struct pbt_sources *src,
		    const char *lock_path, bool prune, struct pbt_buf *out,
		    size_t *added, size_t *current, size_t *removed,
		    size_t *total, struct pbt_err *err);

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

/* ---------------------------------------------------------------- pbtables */

struct pbt_sql;

struct pbt_ddl_opts {
	struct pbt_sources src;
	const char *config;	/* --config FILE; NULL: ./pbtable.yaml */
	const char *table;	/* --table: "schema.table", "table" or a message name; NULL: all */
	const char *lock_timeout;	/* SET LOCAL lock_timeout; NULL: "5s" */
	bool strict;		/* CHECK constraints reject values the columns cannot read */
};

/*
 * The SQL that creates the configured pbtables of the FileDescriptorSet at
 * set_path (helpers, tables, comments, indexes, views, triggers).  *out
 * receives the script; free it with pbt_sql_free().
 */
int pbt_ddl(const char *set_path, const struct pbt_ddl_opts *opts,
	    struct pbt_sql **out, struct pbt_err *err);

struct pbt_migrate_opts {
	struct pbt_sources src;
	const char *config;	/* --config: the tables as they should be; NULL: ./pbtable.yaml */
	const char *against_config;	/* the tables as they are; NULL: same as config */
	const char *lock_timeout;
	bool strict;
	bool allow_drop;	/* drop columns, indexes and tables NEW no longer has */
};

/*
 * The SQL that takes the pbtables of OLD to those of NEW: only what the
 * change needs.  Refuses (-PBT_EREFUSED) when OLD -> NEW breaks WIRE_JSON
 * for a projected field, since stored JSON would change meaning.
 */
int pbt_migrate(const char *new_path, const char *old_path,
		const struct pbt_migrate_opts *opts, struct pbt_sql **out,
		struct pbt_err *err);

/*
 * The script as text: comments, the statements that run before the
 * transaction, BEGIN ... COMMIT, then the statements that must run
 * outside a transaction (CREATE INDEX CONCURRENTLY), each with its
 * comment: ready for `psql -f`.
 */
void pbt_sql_render(const struct pbt_sql *s, struct pbt_buf *out);
/* Notes for stderr (columns kept stale, things not dropped, ...). */
size_t pbt_sql_n_warnings(const struct pbt_sql *s);
const char *pbt_sql_warning(const struct pbt_sql *s, size_t i);
/*
 * Run the script on a database: connect (dsn: a libpq URL or key=value
 * string; NULL or "": the PG* environment), run the transaction part in
 * one transaction with SET LOCAL lock_timeout, commit, then each
 * statement that must run outside it.  -PBT_EDB with libpq's message at
 * the database (host:port/dbname) and the failing statement in
 * err->detail.
 */
int pbt_sql_apply(const struct pbt_sql *s, const char *dsn, struct pbt_err *err);
void pbt_sql_free(struct pbt_sql *s);

/* ---------------------------------------------------------------- drift */

struct pbt_drift_opts {
	struct pbt_sources src;
	const char *config;	/* --config FILE; NULL: ./pbtable.yaml */
	const char *table;	/* --table: only this table; NULL: all */
	const char *connect_timeout;	/* seconds; NULL: 10 (DSN's wins) */
	const char *statement_timeout;	/* NULL: 30s */
	const char *lock_timeout;	/* for the repair; NULL: 5s */
	bool strict;		/* the tables were made by ddl --strict */
	bool fix;		/* build the repair script of each database */
	bool allow_drop;	/* the repair may drop columns, indexes, ... */
};

struct pbt_drift;

/*
 * Load SET and the config and resolve the tables, as `ddl` does; then
 * check databases with pbt_drift_check().  Free with pbt_drift_free().
 */
int pbt_drift_new(const char *set_path, const struct pbt_drift_opts *opts,
		  struct pbt_drift **out, struct pbt_err *err);
/*
 * Check one database (dsn: a libpq URL or key=value string; NULL or "":
 * the PG* environment) read-only, and keep its findings (and with
 * opts.fix its repair script).  Returns the database's index; whether it
 * could be checked is pbt_drift_error()'s answer.
 */
size_t pbt_drift_check(struct pbt_drift *d, const char *dsn);
size_t pbt_drift_n_databases(const struct pbt_drift *d);
/* "host:port/dbname" (never the password), or "database" if unknown. */
const char *pbt_drift_label(const struct pbt_drift *d, size_t db);
/* Why db could not be checked, or NULL. */
const struct pbt_err *pbt_drift_error(const struct pbt_drift *d, size_t db);
size_t pbt_drift_count(const struct pbt_drift *d, size_t db);
bool pbt_drift_standby(const struct pbt_drift *d, size_t db);
/* Statements the last check of db sent (a fixed number per database). */
size_t pbt_drift_n_queries(const struct pbt_drift *d, size_t db);
/* The repair script of db (opts.fix), or NULL. */
const struct pbt_sql *pbt_drift_fix(const struct pbt_drift *d, size_t db);
/*
 * Run db's repair script in one transaction (pbt_sql_apply()), then check
 * db again, so its findings are what is left.  Refuses (-PBT_EREFUSED)
 * a standby.  *n_repaired: findings the script addressed.
 */
int pbt_drift_repair(struct pbt_drift *d, size_t db, size_t *n_repaired,
		     struct pbt_err *err);
/* All databases' findings in a format ("text", "json", ...). */
int pbt_drift_render(const struct pbt_drift *d, const char *format,
		     struct pbt_buf *out, struct pbt_err *err);
/* The findings of db as SQL comment lines, for the head of a script. */
void pbt_drift_render_comments(const struct pbt_drift *d, size_t db,
			       struct pbt_buf *out);
bool pbt_drift_format_known(const char *name);
const char *pbt_drift_format_list(void);
void pbt_drift_free(struct pbt_drift *d);

/*
 * Write data to path atomically: a temporary file in the same directory,
 * fsync, rename.  On error nothing is left behind and path is untouched.
 */
int pbt_write_file_atomic(const char *path, const void *data, size_t len,
			  struct pbt_err *err);

#endif
