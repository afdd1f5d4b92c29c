/*
 * The unit test runner: a table of suites, each a table of cases.
 * Prints `ok N - suite/case` or `not ok`, and ends with
 * `tests: N passed, N failed` (exit 1 if anything failed).
 *   build/pbt-test [SUITE[/CASE]]
 */
#include <stdio.h>
#include <string.h>

#include "t.h"

int t_failed;

static const struct {
	const char *name;
	const struct t_case *cases;
} suites[] = {
	{ "arena", t_arena_cases },
	{ "map", t_map_cases },
	{ "config", t_config_cases },
	{ "rules", t_rules_cases },
	{ "schema", t_schema_cases },
	{ "rule_message", t_rule_message_cases },
	{ "compat", t_compat_cases },
	{ "ci", t_ci_cases },
	{ "sql_quote", t_sql_quote_cases },
	{ "fingerprint", t_fingerprint_cases },
	{ "ddl_config", t_ddl_config_cases },
	{ "lock", t_lock_cases },
	{ "pgexpr", t_pgexpr_cases },
	{ "drift", t_drift_cases },
	{ "script", t_script_cases },
};

int main(int argc, char **argv)
{
	int pass = 0, fail = 0, n = 0;
	size_t i;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		const struct t_case *c;

		for (c = suites[i].cases; c->name; c++) {
			char full[256];

			snprintf(full, sizeof(full), "%s/%s", suites[i].name, c->name);
			if (argc > 1 && strncmp(full, argv[1], strlen(argv[1])))
				continue;
			t_failed = 0;
			c->fn();
			n++;
			if (t_failed) {
				fail++;
				printf("not ok %d - %s\n", n, full);
			} else {
				pass++;
				printf("ok %d - %s\n", n, full);
			}
		}
	}
	printf("tests: %d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
