/* pbtable.yaml `tables:`: defaults, and errors that name file:line. */
#include "arena.h"
#include "ddl_config.h"
#include "err.h"
#include "t.h"

static int parse(struct pbt_ddl_config *c, const char *text, struct pbt_err *err)
{
	return pbt_ddl_config_parse(c, "pbtable.yaml", text, strlen(text), err);
}

static void only_message_gives_defaults(void)
{
	struct pbt_ddl_config c;
	struct pbt_err err;

	T_EQ_INT(parse(&c, "tables:\n  - message: shop.v1.OrderLine\n", &err), 0);
	T_EQ_INT(c.n_tables, 1);
	T_EQ_STR(c.tables[0].message, "shop.v1.OrderLine");
	T_EQ_STR(c.tables[0].schema, "public");
	T_EQ_STR(c.tables[0].table, "order_line");
	T_EQ_STR(c.tables[0].view, "order_line_v");
	T_CHECK(c.tables[0].primary_key == NULL);
	T_EQ_INT(c.tables[0].n_cols, 0);
	T_EQ_INT(c.tables[0].loc.line, 2);
	pbt_ddl_config_release(&c);
}

static void full_entry(void)
{
	struct pbt_ddl_config c;
	struct pbt_err err;
	const struct pbt_tablecfg *t;

	T_EQ_INT(parse(&c, "version: v2\n"
		       "breaking:\n  use: [FILE]\n"
		       "tables:\n"
		       "  - message: .a.Order\n"
		       "    table: shop.orders\n"
		       "    primary_key: order_id\n"
		       "    view: false\n"
		       "    columns:\n"
		       "      - all-scalars\n"
		       "      - ship_to.city\n"
		       "      - { field: total, name: total_cents, type: numeric }\n"
		       "    indexes:\n"
		       "      - status\n"
		       "      - { columns: [attrs], using: gin, name: orders_attrs }\n"
		       "      - { columns: [a, b], unique: true }\n", &err), 0);
	t = &c.tables[0];
	T_EQ_STR(t->message, "a.Order");
	T_EQ_STR(t->schema, "shop");
	T_EQ_STR(t->table, "orders");
	T_EQ_STR(t->primary_key, "order_id");
	T_CHECK(t->view == NULL);
	T_EQ_INT(t->n_cols, 3);
	T_EQ_INT(t->cols[0].kind, PBT_COLSEL_ALL_SCALARS);
	T_EQ_STR(t->cols[1].path, "ship_to.city");
	T_EQ_INT(t->cols[1].loc.line, 11);
	T_EQ_STR(t->cols[2].name, "total_cents");
	T_EQ_STR(t->cols[2].type, "numeric");
	T_EQ_INT(t->n_indexes, 3);
	T_EQ_STR(t->indexes[0].columns[0], "status");
	T_EQ_STR(t->indexes[0].method, "btree");
	T_EQ_STR(t->indexes[1].method, "gin");
	T_EQ_STR(t->indexes[1].name, "orders_attrs");
	T_CHECK(t->indexes[2].unique);
	T_EQ_INT(t->indexes[2].n_columns, 2);
	pbt_ddl_config_release(&c);
}

static void schema_key_keeps_dots_in_the_name(void)
{
	struct pbt_ddl_config c;
	struct pbt_err err;

	T_EQ_INT(parse(&c, "tables:\n  - {message: a.B, schema: s, table: \"x.y\", view: w}\n", &err), 0);
	T_EQ_STR(c.tables[0].schema, "s");
	T_EQ_STR(c.tables[0].table, "x.y");
	T_EQ_STR(c.tables[0].view, "w");
	pbt_ddl_config_release(&c);
}

#define BAD(text_, line_, want_) do {						\
		struct pbt_ddl_config c_;					\
		struct pbt_err e_;						\
		T_EQ_INT(parse(&c_, text_, &e_), -PBT_ECONFIG);			\
		T_EQ_STR(e_.loc.path, "pbtable.yaml");				\
		T_EQ_INT(e_.loc.line, line_);					\
		T_EQ_STR(e_.msg, want_);					\
		pbt_ddl_config_release(&c_);					\
	} while (0)

static void errors_name_the_line(void)
{
	struct pbt_ddl_config c;
	struct pbt_err e;

	BAD("version: v1\n", 0, "no 'tables' section: nothing to generate");
	BAD("tables: []\n", 1, "'tables' must be a non-empty list");
	BAD("tables:\n  - table: x\n", 2, "table entry needs 'message' (a message full name)");
	BAD("tables:\n  - message: a.B\n    colums: [x]\n", 3, "unknown key 'colums' in a table");
	BAD("tables:\n  - message: 'a b'\n", 2, "'message' must be a message full name like 'pkg.Order'");
	BAD("tables:\n  - message: a.B\n    columns:\n      - ship-to\n", 4,
	    "'columns' must be a field path like 'ship_to.city' (got 'ship-to')");
	BAD("tables:\n  - message: a.B\n    columns:\n      - {name: x}\n", 4,
	    "column mapping needs 'field'");
	BAD("tables:\n  - message: a.B\n    columns:\n      - {field: x, name: data}\n", 4,
	    "column name 'data' is taken by the message itself");
	BAD("tables:\n  - message: a.B\n    indexes:\n      - {columns: [x], using: hash}\n", 4,
	    "index method 'hash' is not supported (want btree or gin)");
	BAD("tables:\n  - message: a.B\n    indexes:\n      - {columns: [x], using: gin, unique: true}\n", 4,
	    "a gin index cannot be unique");
	BAD("tables:\n  - message: a.B\n  - message: c.B\n", 3,
	    "table 'public.b' is configured twice (first at line 2)");
	BAD("tables:\n  - {message: a.B, table: x_v}\n  - {message: a.X}\n", 3,
	    "view 'public.x_v' has the name of a table");
	/* The first conflict in file order wins, whichever kind it is. */
	BAD("tables:\n  - {message: a.A, view: v}\n  - {message: a.B, table: b}\n"
	    "  - {message: a.C, table: b, view: v}\n", 4,
	    "view 'public.v' is configured twice (first at line 2)");
	BAD("tables:\n  - {message: a.A, table: b}\n  - {message: a.B, table: c, view: v}\n"
	    "  - {message: a.C, table: b, view: v}\n", 4,
	    "table 'public.b' is configured twice (first at line 2)");
	BAD("tables:\n  - {message: a.A, view: v, schema: s}\n"
	    "  - {message: a.B, table: a, view: v}\n"
	    "  - {message: a.C, table: v, view: a}\n", 4,
	    "view 'public.a' has the name of a table");
	BAD("tables:\n  - {message: a.A, table: t, view: w}\n"
	    "  - {message: a.B, table: w, view: t}\n", 3,
	    "view 'public.t' has the name of a table");
	BAD("tables:\n  - {message: a.A, table: t, view: w}\n"
	    "  - {message: a.B, table: w, view: false}\n", 3,
	    "table 'public.w' has the name of a view");
	/* A table's own view may not take its name either. */
	BAD("tables:\n  - {message: a.A, table: t, view: t}\n", 2,
	    "view 'public.t' has the name of a table");
	/* Names are per schema. */
	T_EQ_INT(parse(&c, "tables:\n  - {message: a.A, table: t}\n"
		       "  - {message: a.B, table: t, schema: s}\n", &e), 0);
	pbt_ddl_config_release(&c);
	BAD("tables:\n  - message: a.B\n    table: "
	    "a_name_that_is_far_too_long_for_postgres_to_keep_as_it_is_written_here\n", 3,
	    "table 'a_name_that_is_far_too_long_for_postgres_to_keep_as_it_is_written_here' "
	    "is longer than 63 bytes (PostgreSQL would truncate it)");
	BAD("tables:\n  - message: a.B\n    columns: [x\n", 4,
	    "invalid YAML: did not find expected ',' or ']' while parsing a flow sequence");
}

static void snake_case(void)
{
	struct pbt_arena *a = pbt_arena_new();

	T_EQ_STR(pbt_snake_case(a, "Order"), "order");
	T_EQ_STR(pbt_snake_case(a, "OrderLine"), "order_line");
	T_EQ_STR(pbt_snake_case(a, "HTTPServer"), "http_server");
	T_EQ_STR(pbt_snake_case(a, "v2Thing"), "v2_thing");
	T_EQ_STR(pbt_snake_case(a, "already_snake"), "already_snake");
	pbt_arena_free(a);
}

const struct t_case t_ddl_config_cases[] = {
	{ "only_message_gives_defaults", only_message_gives_defaults },
	{ "full_entry", full_entry },
	{ "schema_key_keeps_dots_in_the_name", schema_key_keeps_dots_in_the_name },
	{ "errors_name_the_line", errors_name_the_line },
	{ "snake_case", snake_case },
	{ NULL, NULL },
};
