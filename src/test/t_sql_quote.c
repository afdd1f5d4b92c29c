/* SQL quoting: names and literals that try to break out must come out inert. */
#include <stdlib.h>

#include "buf.h"
#include "sha256.h"
#include "sql_quote.h"
#include "t.h"

static const char *ident(struct pbt_buf *b, const char *name)
{
	pbt_buf_reset(b);
	pbt_sql_ident(b, name);
	return pbt_buf_str(b);
}

static const char *literal(struct pbt_buf *b, const char *s)
{
	pbt_buf_reset(b);
	pbt_sql_literal(b, s);
	return pbt_buf_str(b);
}

static void plain_names_stay_bare(void)
{
	struct pbt_buf b = PBT_BUF_INIT;

	T_EQ_STR(ident(&b, "orders"), "orders");
	T_EQ_STR(ident(&b, "total_cents2"), "total_cents2");
	T_EQ_STR(ident(&b, "_x"), "_x");
	pbt_buf_release(&b);
}

static void odd_names_are_quoted(void)
{
	struct pbt_buf b = PBT_BUF_INIT;

	T_EQ_STR(ident(&b, "Order"), "\"Order\"");
	T_EQ_STR(ident(&b, "order"), "\"order\"");	/* reserved */
	T_EQ_STR(ident(&b, "select"), "\"select\"");
	T_EQ_STR(ident(&b, "user"), "\"user\"");
	T_EQ_STR(ident(&b, "9lives"), "\"9lives\"");
	T_EQ_STR(ident(&b, "a b"), "\"a b\"");
	T_EQ_STR(ident(&b, "Tab\"le; DROP TABLE t; --"), "\"Tab\"\"le; DROP TABLE t; --\"");
	T_EQ_STR(ident(&b, "col$$"), "\"col$$\"");
	T_EQ_STR(ident(&b, "\xc3\xbcn\xc3\xaf"), "\"\xc3\xbcn\xc3\xaf\"");
	T_EQ_STR(ident(&b, ""), "\"\"");
	pbt_buf_release(&b);
}

static void unreserved_keywords_stay_bare(void)
{
	struct pbt_buf b = PBT_BUF_INIT;

	/* pg_get_keywords() catcode U: usable as names without quotes */
	T_EQ_STR(ident(&b, "data"), "data");
	T_EQ_STR(ident(&b, "name"), "name");
	T_EQ_STR(ident(&b, "status"), "status");
	T_CHECK(pbt_sql_is_keyword("xmltable"));
	T_CHECK(pbt_sql_is_keyword("all"));
	T_CHECK(!pbt_sql_is_keyword("abort"));
	pbt_buf_release(&b);
}

static void keywords_of_newer_majors_are_quoted(void)
{
	struct pbt_buf b = PBT_BUF_INIT;

	/* reserved from 16 (system_user) and 17 (json_table, merge_action) */
	T_EQ_STR(ident(&b, "system_user"), "\"system_user\"");
	T_EQ_STR(ident(&b, "json"), "\"json\"");
	T_EQ_STR(ident(&b, "json_table"), "\"json_table\"");
	T_EQ_STR(ident(&b, "merge_action"), "\"merge_action\"");
	/* first and last, and neighbours that are not keywords */
	T_CHECK(pbt_sql_is_keyword("xmltable"));
	T_CHECK(!pbt_sql_is_keyword("jsonb"));
	T_CHECK(!pbt_sql_is_keyword("json_v1"));
	T_CHECK(!pbt_sql_is_keyword("merge"));
	T_CHECK(!pbt_sql_is_keyword("virtual"));	/* unreserved in 18 */
	pbt_buf_release(&b);
}

static void literals_double_quotes_and_escape_backslashes(void)
{
	struct pbt_buf b = PBT_BUF_INIT;

	T_EQ_STR(literal(&b, "plain"), "'plain'");
	T_EQ_STR(literal(&b, ""), "''");
	T_EQ_STR(literal(&b, "it's"), "'it''s'");
	T_EQ_STR(literal(&b, "'; DROP TABLE t; --"), "'''; DROP TABLE t; --'");
	T_EQ_STR(literal(&b, "a\\b"), "E'a\\\\b'");
	T_EQ_STR(literal(&b, "\\'"), "E'\\\\'''");
	T_EQ_STR(literal(&b, "$$x$$"), "'$$x$$'");
	pbt_buf_release(&b);
}

static void dollar_tag_avoids_the_body(void)
{
	char tag[32];

	pbt_sql_dollar_tag("BEGIN RETURN 1; END", tag, sizeof(tag));
	T_EQ_STR(tag, "$pbt$");
	pbt_sql_dollar_tag("x := '$pbt$';", tag, sizeof(tag));
	T_EQ_STR(tag, "$pbt1$");
	pbt_sql_dollar_tag("'$pbt$' '$pbt1$' '$pbt2$'", tag, sizeof(tag));
	T_EQ_STR(tag, "$pbt3$");
}

static void derived_names_fit_63_bytes(void)
{
	struct pbt_buf b = PBT_BUF_INIT, c = PBT_BUF_INIT;
	const char *short_parts[] = { "orders", "status", "idx" };
	const char *long1[] = {
		"a_table_name_that_is_quite_long_indeed_xxxxxxxxxx",
		"and_a_column_name_that_is_long_too", "idx",
	};
	const char *long2[] = {
		"a_table_name_that_is_quite_long_indeed_xxxxxxxxxx",
		"and_a_column_name_that_is_long_as_well", "idx",
	};
	const char *utf8[] = {
		"\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc"
		"\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc"
		"\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc"
		"\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc",
		"x",
	};

	pbt_sql_derived_name(&b, short_parts, 3);
	T_EQ_STR(b.buf, "orders_status_idx");
	pbt_buf_reset(&b);
	pbt_sql_derived_name(&b, long1, 3);
	pbt_sql_derived_name(&c, long2, 3);
	T_EQ_INT(b.len, PBT_SQL_NAME_MAX);
	T_EQ_INT(c.len, PBT_SQL_NAME_MAX);
	T_CHECK(strcmp(b.buf, c.buf) != 0);
	pbt_buf_reset(&b);
	pbt_sql_derived_name(&b, utf8, 2);
	T_CHECK(b.len <= PBT_SQL_NAME_MAX);
	/* cut on a character boundary: the byte before "_hash" is a whole ü */
	T_CHECK((unsigned char)b.buf[b.len - 10] == 0xbc);
	pbt_buf_release(&b);
	pbt_buf_release(&c);
}

static void sha256_known_vectors(void)
{
	char hex[65];
	static const char million_a_head[] = "cdc76e5c9914fb92";
	char *a = malloc(1000000);

	pbt_sha256_hex("", 0, hex, 64);
	T_EQ_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	pbt_sha256_hex("abc", 3, hex, 64);
	T_EQ_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	pbt_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex, 16);
	T_EQ_STR(hex, "248d6a61d20638b8");
	memset(a, 'a', 1000000);
	pbt_sha256_hex(a, 1000000, hex, 16);
	T_EQ_STR(hex, million_a_head);
	free(a);
}

const struct t_case t_sql_quote_cases[] = {
	{ "plain_names_stay_bare", plain_names_stay_bare },
	{ "odd_names_are_quoted", odd_names_are_quoted },
	{ "unreserved_keywords_stay_bare", unreserved_keywords_stay_bare },
	{ "keywords_of_newer_majors_are_quoted", keywords_of_newer_majors_are_quoted },
	{ "literals_double_quotes_and_escape_backslashes", literals_double_quotes_and_escape_backslashes },
	{ "dollar_tag_avoids_the_body", dollar_tag_avoids_the_body },
	{ "derived_names_fit_63_bytes", derived_names_fit_63_bytes },
	{ "sha256_known_vectors", sha256_known_vectors },
	{ NULL, NULL },
};
