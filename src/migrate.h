#ifndef PBT_MIGRATE_H
#define PBT_MIGRATE_H

#include <stdbool.h>

struct pbt_findings;
struct pbt_ptable;

/*
 * `pbtable migrate`: the SQL that takes the pbtables of one schema
 * version to the next.  The entry point is pbt_migrate() in pbt.h; this
 * header exposes the safety check for tests.
 */

/*
 * The WIRE_JSON findings (subjects as pbt_cx_subject() writes them) that
 * touch what table t stores: a projected field, a message on a projected
 * path, or the enum/message type of a projected field.  Returns the index
 * in fs of the first such finding, or -1.
 */
long pbt_migrate_first_break(const struct pbt_findings *fs,
			     const struct pbt_ptable *old_t,
			     const struct pbt_ptable *new_t);

#endif
