#ifndef PBT_SRCLOC_H
#define PBT_SRCLOC_H

#include <stdbool.h>

#include "schema.h"

/*
 * Source positions of elements, from SourceCodeInfo.  A file's locations
 * are indexed on the first lookup in that file only: most files of a large
 * set never need one (locations are only wanted for findings).
 */
struct pbt_span {
	unsigned start_line, start_col;	/* 1-based; 0 = unknown */
	unsigned end_line, end_col;
};

/*
 * The span recorded for `path` in file f; false (span zeroed) when the
 * file has no source info or no location with exactly that path.
 */
bool pbt_srcloc_find(struct pbt_file *f, const struct pbt_path *path,
		     struct pbt_span *span);
/* The raw location, or NULL (for comments). */
const Google__Protobuf__SourceCodeInfo__Location *
pbt_srcloc_location(struct pbt_file *f, const struct pbt_path *path);

#endif
