/*
 * Fuzz target: descriptor-set loading, indexing, source locations, and a
 * comparison of the set with itself under every rule.
 */
#include "fuzz.h"

#include <stdbool.h>
#include <string.h>

#include "compat.h"
#include "err.h"
#include "findings.h"
#include "rules.h"
#include "schema.h"
#include "srcloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbt_err err;
	struct pbt_schema *s = pbt_schema_from_bytes("fuzz", data, size, &err);
	bool all[128];
	struct pbt_findings fs;
	size_t i, j;

	if (!s)
		return 0;
	for (i = 0; i < s->n_files; i++) {
		struct pbt_file *f = &s->files[i];

		for (j = 0; j < f->n_messages; j++) {
			struct pbt_path p;
			struct pbt_span span;

			pbt_path_message(&p, f->messages[j]);
			pbt_srcloc_find(f, &p, &span);
		}
	}
	memset(all, 1, sizeof(all));
	pbt_findings_init(&fs);
	pbt_compat_run(s, s, all, &fs);
	pbt_findings_sort_unique(&fs);
	pbt_findings_release(&fs);
	pbt_schema_free(s);
	return 0;
}
