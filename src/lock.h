#ifndef PBT_LOCK_H
#define PBT_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "findings.h"
#include "map.h"
#include "schema.h"

struct pbt_arena;
struct pbt_err;

/*
 * pbtable.lock: every field number a message ever used (with its name,
 * JSON name, type and cardinality), every reserved number range and name,
 * and every enum value number and name ever used.  Text, one entry per
 * line, sorted, so that appends from two branches merge (docs/history.md
 * has the format):
 *
 *   message shop.Invoice field 4 total json=total type=int64 card=implicit
 *   message shop.Invoice reserved 7 9
 *   message shop.Invoice reserved-name legacy_total
 *   enum shop.Status value 2 STATUS_VOID
 *   enum shop.Status reserved 5 5
 *   enum shop.Status reserved-name STATUS_OLD
 *
 * Reserved ranges are inclusive in both cases.  Tokens that are not
 * plain ([A-Za-z0-9_.:/+-]) are double-quoted with C escapes.
 */

enum pbt_lock_kind {
	PBT_LOCK_FIELD,		/* message M field N NAME json= type= card= */
	PBT_LOCK_MSG_RESERVED,	/* message ... reserved START END */
	PBT_LOCK_MSG_RESERVED_NAME,
	PBT_LOCK_VALUE,		/* enum ... value N NAME */
	PBT_LOCK_ENUM_RESERVED,
	PBT_LOCK_ENUM_RESERVED_NAME,
};

enum pbt_lock_card {
	PBT_LOCK_OPTIONAL,	/* explicit presence */
	PBT_LOCK_IMPLICIT,
	PBT_LOCK_REQUIRED,
	PBT_LOCK_REPEATED,
	PBT_LOCK_MAP,
};

struct pbt_lock_entry {
	enum pbt_lock_kind kind;
	const char *elem;	/* message or enum full name */
	int64_t number;		/* field/value number, or range start */
	int64_t end;		/* range end (inclusive) */
	const char *name;	/* field/value/reserved name */
	/* Fields only. */
	const char *json;
	const char *type;	/* "int64", "message", "enum", "group", ... */
	const char *type_name;	/* message/enum/group type, else NULL */
	enum pbt_lock_card card;
	const char *oneof;	/* NULL: not in a (real) oneof */
	const char *text;	/* the canonical line, no newline */
	unsigned line;		/* where it was read; 0 if made here */
	uint64_t seq;		/* recording order (file order when read) */
};

/*
 * A set of entries; everything lives in its arena.  The forms of one
 * field number (names of one enum value number) keep the order they
 * were recorded in: the last one is the number's current form.
 */
struct pbt_lock {
	struct pbt_arena *arena;
	struct pbt_lock_entry *v;
	size_t n, cap;
	struct pbt_map lines;	/* canonical text -> index + 1 */
	struct pbt_map latest;	/* field/value number -> index + 1 */
	uint64_t seq;
};

void pbt_lock_init(struct pbt_lock *l);
void pbt_lock_release(struct pbt_lock *l);

/*
 * Parse lock text (any bytes: the parser never reads past len and
 * needs no NUL).  Entries may come in any order and repeat (a merge
 * may leave them so).  On error returns -PBT_EINPUT with path:line in
 * err.
 */
int pbt_lock_parse(struct pbt_lock *l, const char *path, const char *data,
		   size_t len, struct pbt_err *err);
/* Read and parse a file; a missing file is an error. */
int pbt_lock_read(struct pbt_lock *l, const char *path, struct pbt_err *err);

/* Add e (copied) unless its canonical line is there; true if added. */
bool pbt_lock_add(struct pbt_lock *l, const struct pbt_lock_entry *e);

/*
 * The form of a field number (kind PBT_LOCK_FIELD) or the name of an enum
 * value number (PBT_LOCK_VALUE) recorded last, or NULL.
 */
const struct pbt_lock_entry *pbt_lock_latest(const struct pbt_lock *l,
					     enum pbt_lock_kind kind,
					     const char *elem, int64_t number);
/* Is this canonical line recorded?  The entry with it, or NULL. */
bool pbt_lock_has(const struct pbt_lock *l, const char *text);
const struct pbt_lock_entry *pbt_lock_find(const struct pbt_lock *l,
					   const char *text);

/*
 * Add the entries of every message and enum of schema s (files marked
 * as imports are skipped).  Returns the number added.  A field form or
 * enum value name that is recorded but not current (s went back to an
 * older form) is made current again, counted in *made_current.
 */
size_t pbt_lock_add_schema(struct pbt_lock *l, const struct pbt_schema *s,
			   size_t *made_current);

/* The canonical line of an entry (no newline), in arena a. */
const char *pbt_lock_entry_text(struct pbt_arena *a,
				const struct pbt_lock_entry *e);

/* The entry a field would have (text included); strings in arena a. */
void pbt_lock_field_entry(struct pbt_arena *a, const struct pbt_field *f,
			  struct pbt_lock_entry *e);

/* Sort the entries (stable order, docs/history.md) and render the file. */
void pbt_lock_render(struct pbt_lock *l, struct pbt_buf *out);

/*
 * Check NEW against everything the lock recorded, with the rules in
 * enabled[] that a lock can answer (see docs/history.md), appending
 * findings to out.  A field whose form is its number's current form in
 * the lock (an enum value number whose current name NEW has, with all
 * its names recorded) was accepted when it was recorded, and is not
 * checked again.
 */
int pbt_lock_check(const struct pbt_lock *l, const char *lock_path,
		   struct pbt_schema *new, const bool *enabled,
		   struct pbt_findings *out, struct pbt_err *err);

/*
 * pbt_breaking()'s --lock: read the lock at lock_path and check NEW
 * against it with the WIRE and WIRE_JSON rules (as v2 defines them) that
 * a lock can answer, whatever the config uses.
 */
int pbt_lock_run(const char *lock_path, struct pbt_schema *new,
		 struct pbt_findings *out, struct pbt_err *err);

#endif
