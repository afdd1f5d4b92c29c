/*
 * Fuzz target: DDL generation from a hostile descriptor set.  Every
 * message of the set (up to a bound) becomes a pbtable with the defaults
 * pbtable.yaml would give it (table: snake-case name, view: <table>_v, all
 * scalar columns), is resolved against the schema and generated, plain and
 * strict.  Names are whatever the bytes say: quotes, `$$`, semicolons,
 * invalid UTF-8.  SQL generation must never crash on them.
 */
#include "fuzz.h"

#include <string.h>

#include "arena.h"
#include "buf.h"
#include "ddl.h"
#include "ddl_config.h"
#include "err.h"
#include "schema.h"
#include "sql_quote.h"

#define MAX_TABLES 32

static void one_table(struct pbt_sql *sql, const struct pbt_schema *s,
		      const struct pbt_message *m)
{
	struct pbt_arena *a = sql->arena;
	struct pbt_tablecfg *cfg = pbt_arena_calloc(a, 1, sizeof(*cfg));
	struct pbt_ptable t;
	struct pbt_buf b = PBT_BUF_INIT;
	const char *parts[2];
	struct pbt_err err;

	cfg->message = m->full_name;
	cfg->schema = "public";
	parts[0] = pbt_snake_case(a, m->name);
	pbt_sql_derived_name(&b, parts, 1);
	cfg->table = pbt_arena_strdup(a, pbt_buf_str(&b));
	pbt_buf_release(&b);
	parts[0] = cfg->table;
	parts[1] = "v";
	pbt_sql_derived_name(&b, parts, 2);
	cfg->view = pbt_arena_strdup(a, pbt_buf_str(&b));
	pbt_buf_release(&b);
	if (pbt_ptable_resolve(a, s, cfg, 0, &t, &err))
		return;
	pbt_ddl_helpers(sql, t.helpers);
	pbt_ddl_schema(sql, t.schema);
	pbt_ddl_table(sql, &t, 0);
	pbt_ddl_table(sql, &t, PBT_DDL_STRICT | PBT_DDL_CONCURRENTLY);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbt_err err;
	struct pbt_schema *s = pbt_schema_from_bytes("fuzz", data, size, &err);
	struct pbt_sql *sql;
	size_t i, j, n = 0;

	if (!s)
		return 0;
	sql = pbt_sql_new(NULL);
	for (i = 0; i < s->n_files && n < MAX_TABLES; i++) {
		const struct pbt_file *f = &s->files[i];

		for (j = 0; j < f->n_messages && n < MAX_TABLES; j++) {
			if (f->messages[j]->is_map_entry)
				continue;
			one_table(sql, s, f->messages[j]);
			n++;
		}
	}
	pbt_sql_check_utf8(sql, "fuzz", &err);
	pbt_sql_free(sql);
	pbt_schema_free(s);
	return 0;
}
