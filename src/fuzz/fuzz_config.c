/*
 * Fuzz target: buf.yaml / pbtable.yaml `breaking:` parsing with libyaml.
 */
#include "fuzz.h"

#include "config.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbt_breaking_config c;
	struct pbt_err err;

	pbt_breaking_config_init(&c);
	pbt_breaking_config_parse(&c, "fuzz.yaml", (const char *)data, size, &err);
	pbt_breaking_config_release(&c);
	return 0;
}
