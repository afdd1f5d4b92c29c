/*
 * The statement list every generator writes into (ddl.c, ddl_helpers.c,
 * plan_emit.c) and the text form of it: a comment head, the statements
 * that run before the transaction, the transaction (BEGIN, SET LOCAL
 * lock_timeout, ..., COMMIT) and the statements that run after it, each
 * with its note.  Running the list is pgconn.c's.
 */
#include "script.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "pbt.h"
#include "sql_quote.h"

struct pbt_sql *pbt_sql_new(const char *lock_timeout)
{
	struct pbt_sql *s = pbt_xcalloc(1, sizeof(*s));

	s->arena = pbt_arena_new();
	s->lock_timeout = pbt_arena_strdup(s->arena,
					   lock_timeout ? lock_timeout : "5s");
	return s;
}

void pbt_sql_free(struct pbt_sql *s)
{
	if (!s)
		return;
	pbt_buf_release(&s->head);
	free(s->v);
	free(s->warnings);
	pbt_arena_free(s->arena);
	free(s);
}

const char *pbt_lock_name(enum pbt_lock lock)
{
	switch (lock) {
	case PBT_LOCK_NONE: return "";
	case PBT_LOCK_SHARE_UPDATE_EXCLUSIVE: return "SHARE UPDATE EXCLUSIVE";
	case PBT_LOCK_SHARE: return "SHARE";
	case PBT_LOCK_SHARE_ROW_EXCLUSIVE: return "SHARE ROW EXCLUSIVE";
	case PBT_LOCK_ACCESS_EXCLUSIVE: return "ACCESS EXCLUSIVE";
	}
	return "";
}

static const char *dup(struct pbt_sql *s, const char *x)
{
	return x ? pbt_arena_strdup(s->arena, x) : NULL;
}

void pbt_sql_add(struct pbt_sql *s, const struct pbt_sql_stmt *st)
{
	struct pbt_sql_stmt *e;

	if (!st->sql)
		PBT_BUG("a statement without SQL");
	if (st->phase == PBT_PHASE_AFTER &&
	    st->lock > PBT_LOCK_SHARE_UPDATE_EXCLUSIVE)
		PBT_BUG("'%s' after COMMIT takes %s", st->sql,
			pbt_lock_name(st->lock));
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 32;
		s->v = pbt_xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	e = &s->v[s->n++];
	*e = *st;
	e->object = dup(s, st->object);
	e->note = dup(s, st->note);
	e->sql = dup(s, st->sql);
}

size_t pbt_sql_count(const struct pbt_sql *s)
{
	return s->n;
}

void pbt_sql_truncate(struct pbt_sql *s, size_t mark)
{
	if (mark < s->n)
		s->n = mark;
}

bool pbt_sql_group(struct pbt_sql *s, size_t mark, const char *note)
{
	struct pbt_sql_stmt *first = NULL, *last = NULL;
	size_t i;

	for (i = mark; i < s->n; i++) {
		if (s->v[i].phase != PBT_PHASE_TX)
			continue;
		if (!first)
			first = &s->v[i];
		last = &s->v[i];
	}
	if (!first)
		return false;
	if (note)
		first->note = first->note ? pbt_arena_printf(s->arena, "%s%s",
							     note, first->note)
					  : dup(s, note);
	last->gap = true;
	return true;
}

void pbt_sql_warn(struct pbt_sql *s, const char *fmt, ...)
{
	va_list ap;

	if (s->n_warnings == s->cap_warnings) {
		s->cap_warnings = s->cap_warnings ? 2 * s->cap_warnings : 8;
		s->warnings = pbt_xrealloc(s->warnings,
					   s->cap_warnings *
						   sizeof(*s->warnings));
	}
	va_start(ap, fmt);
	s->warnings[s->n_warnings++] = pbt_arena_vprintf(s->arena, fmt, ap);
	va_end(ap);
}

size_t pbt_sql_n_warnings(const struct pbt_sql *s)
{
	return s->n_warnings;
}

const char *pbt_sql_warning(const struct pbt_sql *s, size_t i)
{
	return i < s->n_warnings ? s->warnings[i] : NULL;
}

/* ---------------------------------------------------------------- text */

static size_t n_phase(const struct pbt_sql *s, enum pbt_sql_phase phase)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		n += s->v[i].phase == phase;
	return n;
}

static void render_phase(const struct pbt_sql *s, enum pbt_sql_phase phase,
			 struct pbt_buf *out)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct pbt_sql_stmt *e = &s->v[i];

		if (e->phase != phase)
			continue;
		if (e->note)
			pbt_buf_adds(out, e->note);
		pbt_buf_adds(out, e->sql);
		pbt_buf_adds(out, e->gap ? "\n\n" : "\n");
	}
}

void pbt_sql_render(const struct pbt_sql *s, struct pbt_buf *out)
{
	pbt_buf_add(out, pbt_buf_str(&s->head), s->head.len);
	if (n_phase(s, PBT_PHASE_BEFORE)) {
		pbt_buf_adds(out, "-- Before the transaction, one statement at "
				  "a time.\n");
		render_phase(s, PBT_PHASE_BEFORE, out);
		pbt_buf_adds(out, "\n");
	}
	if (n_phase(s, PBT_PHASE_TX)) {
		pbt_buf_adds(out, "BEGIN;\nSET LOCAL lock_timeout = ");
		pbt_sql_literal(out, s->lock_timeout);
		pbt_buf_adds(out, ";\n\n");
		render_phase(s, PBT_PHASE_TX, out);
		pbt_buf_adds(out, "COMMIT;\n");
	}
	if (n_phase(s, PBT_PHASE_AFTER)) {
		pbt_buf_adds(out, "\n-- After COMMIT, one statement at a time "
				  "(CREATE INDEX CONCURRENTLY cannot\n"
				  "-- run in a transaction block).  These take "
				  "only a SHARE UPDATE EXCLUSIVE\n"
				  "-- lock: reads and writes go on.\n");
		render_phase(s, PBT_PHASE_AFTER, out);
	}
}

/* ---------------------------------------------------------------- UTF-8 */

static int bad_utf8(const char *text, const char *set_path, struct pbt_err *err)
{
	size_t len = text ? strlen(text) : 0;
	size_t at = pbt_utf8_valid_prefix(text, len), from = at, to = at;
	struct pbt_buf line = PBT_BUF_INIT;
	char *copy;

	if (at == len)
		return 0;
	while (from && text[from - 1] != '\n')
		from--;
	while (to < len && text[to] != '\n')
		to++;
	copy = pbt_xmalloc(to - from + 1);
	memcpy(copy, text + from, to - from);
	copy[to - from] = '\0';
	pbt_buf_add_goquote(&line, copy);
	free(copy);
	pbt_errf(
		err, PBT_EINPUT, &(struct pbt_loc){ set_path, 0, 0 },
		 "names in the set are not UTF-8, and PostgreSQL refuses "
		 "such SQL");
	pbt_err_detail(err, "in the line %s", pbt_buf_str(&line));
	pbt_buf_release(&line);
	return -PBT_EINPUT;
}

int pbt_sql_check_utf8(const struct pbt_sql *s, const char *set_path,
		       struct pbt_err *err)
{
	size_t i;
	int r = bad_utf8(pbt_buf_str(&s->head), set_path, err);

	for (i = 0; i < s->n && !r; i++) {
		r = bad_utf8(s->v[i].note, set_path, err);
		if (!r)
			r = bad_utf8(s->v[i].sql, set_path, err);
	}
	return r;
}
