/*
 * Fuzz target: pbtable.yaml `tables:` parsing (ddl_config.c) with libyaml,
 * including the defaults it derives (snake-case table names, view names
 * cut to PostgreSQL's 63 bytes at a UTF-8 boundary).
 */
#include "fuzz.h"

#include "ddl_config.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbt_ddl_config c;
	struct pbt_err err;

	pbt_ddl_config_parse(&c, "fuzz.yaml", (const char *)data, size, &err);
	pbt_ddl_config_release(&c);
	return 0;
}
