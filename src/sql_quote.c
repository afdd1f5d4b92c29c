/*
 * Identifier and literal quoting for every piece of SQL pbtable writes.
 * Keeping it in one file is the whole point: a name from a .proto file or
 * a config (quotes, semicolons, `$$`, unicode) can only reach SQL through
 * these functions.  The keyword list is pg_get_keywords() minus the
 * unreserved ones (the set pg_dump's fmtId() quotes), of every major pbtable
 * supports.
 */
#include "sql_quote.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sha256.h"

/*
 * SELECT word FROM pg_get_keywords() WHERE catcode <> 'U' ORDER BY 1, on
 * every major from 14 to 18 together: a name that is plain on the server
 * it was written for must stay valid on the one it is applied to.  16 added
 * json_array, json_arrayagg, json_object, json_objectagg, system_user; 17
 * json, json_exists, json_query, json_scalar, json_serialize, json_table,
 * json_value, merge_action.  Sorted, for bsearch; src/test/pg_ddl.sh checks
 * it against the server it runs on.
 */
static const char *const keywords[] = {
	"all", "analyse", "analyze", "and", "any", "array", "as", "asc",
	"asymmetric", "authorization", "between", "bigint", "binary", "bit",
	"boolean", "both", "case", "cast", "char", "character", "check",
	"coalesce", "collate", "collation", "column", "concurrently",
	"constraint", "create", "cross", "current_catalog", "current_date",
	"current_role", "current_schema", "current_time", "current_timestamp",
	"current_user", "dec", "decimal", "default", "deferrable", "desc",
	"distinct", "do", "else", "end", "except", "exists", "extract", "false",
	"fetch", "float", "for", "foreign", "freeze", "from", "full", "grant",
	"greatest", "group", "grouping", "having", "ilike", "in", "initially",
	"inner", "inout", "int", "integer", "intersect", "interval", "into",
	"is", "isnull", "join", "json", "json_array", "json_arrayagg",
	"json_exists", "json_object", "json_objectagg", "json_query",
	"json_scalar", "json_serialize", "json_table", "json_value", "lateral",
	"leading", "least", "left", "like", "limit", "localtime",
	"localtimestamp", "merge_action", "national", "natural", "nchar",
	"none", "normalize", "not", "notnull", "null", "nullif", "numeric",
	"offset", "on", "only", "or", "order", "out", "outer", "overlaps",
	"overlay", "placing", "position", "precision", "primary", "real",
	"references", "returning", "right", "row", "select", "session_user",
	"setof", "similar", "smallint", "some", "substring", "symmetric",
	"system_user", "table", "tablesample", "then", "time", "timestamp",
	"to", "trailing", "treat", "trim", "true", "union", "unique", "user",
	"using", "values", "varchar", "variadic", "verbose", "when", "where",
	"window", "with", "xmlattributes", "xmlconcat", "xmlelement",
	"xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi",
	"xmlroot", "xmlserialize", "xmltable",
};

static int cmp_kw(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool pbt_sql_is_keyword(const char *word)
{
	return bsearch(&word, keywords, sizeof(keywords) / sizeof(keywords[0]),
		       sizeof(keywords[0]), cmp_kw) != NULL;
}

static bool is_plain(const char *s)
{
	const char *p;

	if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return !pbt_sql_is_keyword(s);
}

void pbt_sql_ident(struct pbt_buf *b, const char *name)
{
	const char *p;

	if (is_plain(name)) {
		pbt_buf_adds(b, name);
		return;
	}
	pbt_buf_addc(b, '"');
	for (p = name; *p; p++) {
		if (*p == '"')
			pbt_buf_addc(b, '"');
		pbt_buf_addc(b, *p);
	}
	pbt_buf_addc(b, '"');
}

void pbt_sql_qualified(struct pbt_buf *b, const char *schema, const char *name)
{
	pbt_sql_ident(b, schema);
	pbt_buf_addc(b, '.');
	pbt_sql_ident(b, name);
}

void pbt_sql_literal(struct pbt_buf *b, const char *s)
{
	const char *p;

	/*
	 * With a backslash, only E'' means the same whether or not
	 * standard_conforming_strings is on (appendStringLiteral's rule).
	 */
	if (strchr(s, '\\'))
		pbt_buf_addc(b, 'E');
	pbt_buf_addc(b, '\'');
	for (p = s; *p; p++) {
		if (*p == '\'' || *p == '\\')
			pbt_buf_addc(b, *p);
		pbt_buf_addc(b, *p);
	}
	pbt_buf_addc(b, '\'');
}

void pbt_sql_dollar_tag(const char *body, char *tag, size_t size)
{
	unsigned i;

	snprintf(tag, size, "$pbt$");
	for (i = 1; strstr(body, tag); i++)
		snprintf(tag, size, "$pbt%u$", i);
}

void pbt_sql_derived_name(struct pbt_buf *b, const char *const *parts, size_t n)
{
	struct pbt_buf full = PBT_BUF_INIT;
	char hash[9];
	size_t i, cut;

	for (i = 0; i < n; i++) {
		if (i)
			pbt_buf_addc(&full, '_');
		pbt_buf_adds(&full, parts[i]);
	}
	if (full.len <= PBT_SQL_NAME_MAX) {
		pbt_buf_add(b, full.buf, full.len);
		pbt_buf_release(&full);
		return;
	}
	pbt_sha256_hex(full.buf, full.len, hash, 8);
	cut = PBT_SQL_NAME_MAX - 9;
	/* Never split a UTF-8 sequence: back up over continuation bytes. */
	while (cut && ((unsigned char)full.buf[cut] & 0xc0) == 0x80)
		cut--;
	pbt_buf_add(b, full.buf, cut);
	pbt_buf_addc(b, '_');
	pbt_buf_adds(b, hash);
	pbt_buf_release(&full);
}

void pbt_sql_comment(struct pbt_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t i, start;

	pbt_buf_adds(b, "-- ");
	start = b->len;
	va_start(ap, fmt);
	pbt_buf_vaddf(b, fmt, ap);
	va_end(ap);
	for (i = start; i < b->len; i++)
		if ((unsigned char)b->buf[i] < 0x20 || b->buf[i] == 0x7f)
			b->buf[i] = ' ';
	pbt_buf_addc(b, '\n');
}
