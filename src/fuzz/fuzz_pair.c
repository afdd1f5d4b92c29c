/*
 * Fuzz target: two descriptor sets (the input split at a position given by
 * its first two bytes) through the full rule engine, OLD against NEW.
 */
#include "fuzz.h"

#include <stdbool.h>
#include <string.h>

#include "compat.h"
#include "err.h"
#include "findings.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbt_err err;
	struct pbt_schema *a, *b;
	struct pbt_findings fs;
	bool all[128];
	size_t cut;

	if (size < 2)
		return 0;
	cut = ((size_t)data[0] << 8 | data[1]) % (size - 1);
	data += 2;
	size -= 2;
	a = pbt_schema_from_bytes("old", data, cut, &err);
	b = pbt_schema_from_bytes("new", data + cut, size - cut, &err);
	if (a && b) {
		memset(all, 1, sizeof(all));
		pbt_findings_init(&fs);
		pbt_compat_run(a, b, all, &fs);
		pbt_findings_sort_unique(&fs);
		pbt_findings_release(&fs);
	}
	pbt_schema_free(a);
	pbt_schema_free(b);
	return 0;
}
