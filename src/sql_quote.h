#ifndef PBT_SQL_QUOTE_H
#define PBT_SQL_QUOTE_H

#include <stdbool.h>
#include <stddef.h>

struct pbt_buf;

/*
 * All SQL quoting of pbtable, in one place (pg_dump's fmtId and
 * appendStringLiteral).  Nothing else writes a name or a string into SQL.
 * The output is safe whatever the server's standard_conforming_strings.
 */

/* PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes. */
#define PBT_SQL_NAME_MAX 63

/*
 * Append name as an identifier: bare when it is a lower-case SQL name
 * that is not a keyword (`orders`), else double-quoted with embedded
 * quotes doubled (`"Order"`, `"a""b"`, `"select"`).
 */
void pbt_sql_ident(struct pbt_buf *b, const char *name);
/* schema.name, each part quoted as by pbt_sql_ident(). */
void pbt_sql_qualified(struct pbt_buf *b, const char *schema, const char *name);
/*
 * Append s as a string literal: 'it''s', or E'a\\b' when s holds a
 * backslash, so the value is the same under either setting of
 * standard_conforming_strings.
 */
void pbt_sql_literal(struct pbt_buf *b, const char *s);
/*
 * A dollar-quote tag that does not occur in body: "$pbt$", else "$pbt1$",
 * "$pbt2$", ...  Written into tag (at least 24 bytes).
 */
void pbt_sql_dollar_tag(const char *body, char *tag, size_t size);

/*
 * Append "-- " + the formatted text + "\n" as one SQL comment line.
 * Names go into comments too, and a quoted identifier may hold a line
 * break that would end the comment and turn the rest into SQL: every
 * control character becomes a space.
 */
void pbt_sql_comment(struct pbt_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Is word a keyword PostgreSQL needs quoted as a column or table name? */
bool pbt_sql_is_keyword(const char *word);

/*
 * A derived name (index, trigger, constraint) from parts joined by "_",
 * kept within PBT_SQL_NAME_MAX bytes: when too long it is cut at a UTF-8
 * character boundary and ends in "_" + 8 hex digits of a hash of the full
 * name, so distinct long names stay distinct.  Appended unquoted.
 */
void pbt_sql_derived_name(struct pbt_buf *b, const char *const *parts, size_t n);

#endif
