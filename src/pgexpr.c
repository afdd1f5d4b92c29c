/*
 * Predicting PostgreSQL's deparse of the expressions pbtable generates,
 * so `drift` can compare them with pg_get_expr() without a round trip.
 *
 * The grammar is what pgmap.c and ddl.c write, nothing more:
 *
 *   data -> 'k' -> 'k2'                  jsonb, keys as text
 *   pbtable.int64_v1(raw, 0)             helpers: argument types from
 *                                        ddl_helpers.c decide the casts
 *   (expr)::bigint                       type overrides
 *   jsonb_typeof(raw) <> 'null'          oneof case columns
 *   CASE WHEN ... THEN 'card' ... END
 *   col IS NOT NULL OR coalesce(jsonb_typeof(raw), 'null') = 'null'
 *
 * The printing rules are ruleutils.c's as observed on PostgreSQL 15:
 * every operator in parentheses, string constants with their type
 * (`'k'::text`), an int4 constant passed as another type as an implicit
 * cast (`(0)::bigint`), NULL with its type, CASE with an explicit ELSE,
 * jsonb constants as jsonb_out() prints them.  Anything else gives NULL:
 * the prediction is only a fast path, the server has the last word
 * (pgcat.c compares through EXPLAIN when the texts differ).
 */
#include "pgexpr.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "ddl_helpers.h"
#include "sql_quote.h"

/* ---------------------------------------------------------------- squeeze */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

char *pbt_pgexpr_squeeze(struct pbt_arena *a, const char *s)
{
	struct pbt_buf b = PBT_BUF_INIT;
	bool space = false;
	const char *p = s;
	char *out;

	while (*p) {
		if (is_space(*p)) {
			space = true;
			p++;
			continue;
		}
		if (space && b.len)
			pbt_buf_addc(&b, ' ');
		space = false;
		if (*p == '\'' || *p == '"') {
			char q = *p;

			/* quoted text as is; a doubled quote stays inside */
			pbt_buf_addc(&b, *p++);
			while (*p) {
				if (*p == q && p[1] == q) {
					pbt_buf_add(&b, p, 2);
					p += 2;
					continue;
				}
				pbt_buf_addc(&b, *p);
				if (*p++ == q)
					break;
			}
			continue;
		}
		pbt_buf_addc(&b, *p++);
	}
	out = pbt_arena_strdup(a, pbt_buf_str(&b));
	pbt_buf_release(&b);
	return out;
}

/* ---------------------------------------------------------------- jsonb */

struct jv;

struct jpair {
	const char *key;
	size_t klen;
	size_t order;
	struct jv *val;
};

struct jv {
	/* 'o' object, 'a' array, 's' string, 'n' number, 'l' literal */
	char kind;
	const char *text; /* s: decoded; n, l: as written */
	size_t len;
	struct jpair *pairs; /* o */
	struct jv **items;   /* a */
	size_t n;
};

struct jparse {
	struct pbt_arena *a;
	const char *p;
	int depth;
};

static void jws(struct jparse *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

/* A JSON string at j->p (on the quote); decoded into arena. */
static bool jstring(struct jparse *j, const char **out, size_t *len)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *p = j->p + 1;
	bool ok = false;

	for (;;) {
		if (!*p || (unsigned char)*p < 0x20)
			goto out;
		if (*p == '"')
			break;
		if (*p != '\\') {
			pbt_buf_addc(&b, *p++);
			continue;
		}
		p++;
		switch (*p) {
		case '"':
		case '\\':
		case '/': pbt_buf_addc(&b, *p); break;
		case 'b': pbt_buf_addc(&b, '\b'); break;
		case 'f': pbt_buf_addc(&b, '\f'); break;
		case 'n': pbt_buf_addc(&b, '\n'); break;
		case 'r': pbt_buf_addc(&b, '\r'); break;
		case 't': pbt_buf_addc(&b, '\t'); break;
		case 'u': {
			int v = 0, i;

			for (i = 1; i <= 4; i++) {
				int h = pbt_hex_digit(p[i]);

				if (h < 0)
					goto out;
				v = v * 16 + h;
			}
			/* beyond ASCII jsonb stores UTF-8: not modelled; and
			 * jsonb cannot hold \u0000 at all */
			if (v == 0 || v >= 0x80)
				goto out;
			pbt_buf_addc(&b, (char)v);
			p += 4;
			break;
		}
		default: goto out;
		}
		p++;
	}
	j->p = p + 1;
	*len = b.len;
	*out = pbt_arena_strndup(j->a, pbt_buf_str(&b), b.len);
	ok = true;
out:
	pbt_buf_release(&b);
	return ok;
}

static struct jv *jvalue(struct jparse *j);

static int cmp_pair(const void *x, const void *y)
{
	const struct jpair *a = x, *b = y;
	int c;

	/* jsonb's order: shorter keys first, then bytes; then input order */
	if (a->klen != b->klen)
		return a->klen < b->klen ? -1 : 1;
	c = memcmp(a->key, b->key, a->klen);
	if (c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

static struct jv *jobject(struct jparse *j)
{
	struct jv *v = pbt_arena_zalloc(j->a, sizeof(*v));
	size_t cap = 8, i, k;

	v->kind = 'o';
	v->pairs = pbt_arena_calloc(j->a, cap, sizeof(*v->pairs));
	j->p++;
	jws(j);
	if (*j->p == '}') {
		j->p++;
		return v;
	}
	for (;;) {
		struct jpair *pr;

		jws(j);
		if (*j->p != '"')
			return NULL;
		if (v->n == cap) {
			struct jpair *np = pbt_arena_calloc(j->a, cap * 2,
							    sizeof(*np));

			memcpy(np, v->pairs, cap * sizeof(*np));
			v->pairs = np;
			cap *= 2;
		}
		pr = &v->pairs[v->n];
		if (!jstring(j, &pr->key, &pr->klen))
			return NULL;
		pr->order = v->n;
		jws(j);
		if (*j->p++ != ':')
			return NULL;
		pr->val = jvalue(j);
		if (!pr->val)
			return NULL;
		v->n++;
		jws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != '}')
			return NULL;
		break;
	}
	qsort(v->pairs, v->n, sizeof(*v->pairs), cmp_pair);
	/* duplicate keys: the last one written wins */
	for (i = 0, k = 0; i < v->n; i++) {
		if (i + 1 < v->n && v->pairs[i].klen == v->pairs[i + 1].klen &&
		    !memcmp(v->pairs[i].key, v->pairs[i + 1].key,
			    v->pairs[i].klen))
			continue;
		v->pairs[k++] = v->pairs[i];
	}
	v->n = k;
	return v;
}

static struct jv *jarray(struct jparse *j)
{
	struct jv *v = pbt_arena_zalloc(j->a, sizeof(*v));
	size_t cap = 8;

	v->kind = 'a';
	v->items = pbt_arena_calloc(j->a, cap, sizeof(*v->items));
	j->p++;
	jws(j);
	if (*j->p == ']') {
		j->p++;
		return v;
	}
	for (;;) {
		if (v->n == cap) {
			struct jv **ni = pbt_arena_calloc(j->a, cap * 2,
							  sizeof(*ni));

			memcpy(ni, v->items, cap * sizeof(*ni));
			v->items = ni;
			cap *= 2;
		}
		v->items[v->n] = jvalue(j);
		if (!v->items[v->n])
			return NULL;
		v->n++;
		jws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != ']')
			return NULL;
		return v;
	}
}

static struct jv *jvalue(struct jparse *j)
{
	struct jv *v;
	const char *s;

	if (++j->depth > 64)
		return NULL;
	jws(j);
	if (*j->p == '{') {
		v = jobject(j);
	} else if (*j->p == '[') {
		v = jarray(j);
	} else if (*j->p == '"') {
		v = pbt_arena_zalloc(j->a, sizeof(*v));
		v->kind = 's';
		if (!jstring(j, &v->text, &v->len))
			v = NULL;
	} else if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
		/* integers only: numeric_out() prints them as written, minus
		 * a leading zero JSON forbids anyway */
		s = j->p;
		if (*j->p == '-')
			j->p++;
		if (*j->p == '0' && j->p[1] >= '0' && j->p[1] <= '9')
			return NULL;
		if (*j->p < '0' || *j->p > '9')
			return NULL;
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
		if (*j->p == '.' || *j->p == 'e' || *j->p == 'E')
			return NULL;
		if (!strncmp(s, "-0", 2) && j->p - s == 2)
			return NULL; /* numeric prints 0 */
		v = pbt_arena_zalloc(j->a, sizeof(*v));
		v->kind = 'n';
		v->text = s;
		v->len = (size_t)(j->p - s);
	} else {
		static const char *const lits[] = { "true", "false", "null" };
		size_t i;

		v = NULL;
		for (i = 0; i < 3; i++) {
			size_t n = strlen(lits[i]);

			if (!strncmp(j->p, lits[i], n)) {
				v = pbt_arena_zalloc(j->a, sizeof(*v));
				v->kind = 'l';
				v->text = lits[i];
				v->len = n;
				j->p += n;
				break;
			}
		}
	}
	j->depth--;
	return v;
}

/* escape_json() of PostgreSQL's json.c */
static void jout_str(struct pbt_buf *b, const char *s, size_t len)
{
	size_t i;

	pbt_buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\b': pbt_buf_adds(b, "\\b"); break;
		case '\f': pbt_buf_adds(b, "\\f"); break;
		case '\n': pbt_buf_adds(b, "\\n"); break;
		case '\r': pbt_buf_adds(b, "\\r"); break;
		case '\t': pbt_buf_adds(b, "\\t"); break;
		case '"': pbt_buf_adds(b, "\\\""); break;
		case '\\': pbt_buf_adds(b, "\\\\"); break;
		default:
			if (c < ' ')
				pbt_buf_addf(b, "\\u%04x", c);
			else
				pbt_buf_addc(b, (char)c);
		}
	}
	pbt_buf_addc(b, '"');
}

static void jout(struct pbt_buf *b, const struct jv *v)
{
	size_t i;

	switch (v->kind) {
	case 'o':
		pbt_buf_addc(b, '{');
		for (i = 0; i < v->n; i++) {
			if (i)
				pbt_buf_adds(b, ", ");
			jout_str(b, v->pairs[i].key, v->pairs[i].klen);
			pbt_buf_adds(b, ": ");
			jout(b, v->pairs[i].val);
		}
		pbt_buf_addc(b, '}');
		break;
	case 'a':
		pbt_buf_addc(b, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				pbt_buf_adds(b, ", ");
			jout(b, v->items[i]);
		}
		pbt_buf_addc(b, ']');
		break;
	case 's': jout_str(b, v->text, v->len); break;
	default: pbt_buf_add(b, v->text, v->len);
	}
}

bool pbt_pgexpr_jsonb(struct pbt_buf *out, const char *json)
{
	struct pbt_arena *a = pbt_arena_new();
	struct jparse j = { a, json, 0 };
	struct jv *v = jvalue(&j);
	bool ok;

	if (v)
		jws(&j);
	ok = v && !*j.p;
	if (ok)
		jout(out, v);
	pbt_arena_free(a);
	return ok;
}

/* ---------------------------------------------------------------- parse */

enum nkind {
	N_VAR,
	N_STR,
	N_NUM,
	N_NULL,
	N_BOOL,
	N_OP,
	N_ISNOTNULL,
	N_OR,
	N_FUNC,
	N_COALESCE,
	N_CAST,
	N_CASE,
};

struct node {
	enum nkind kind;
	const char *s;	    /* name, value, number, operator or type */
	const char *schema; /* N_FUNC: NULL for pg_catalog */
	/* N_CASE: cond, result, cond, result, ..., [else] */
	struct node **args;
	size_t n;
	bool has_else;
};

struct parser {
	struct pbt_arena *a;
	const char *p;
	bool bad;
	int depth;
};

static void skip_ws(struct parser *ps)
{
	while (is_space(*ps->p))
		ps->p++;
}

static bool is_word_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_word_char(char c)
{
	return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/* Is the next token the keyword kw (case-insensitive)?  Consume it if so. */
static bool keyword(struct parser *ps, const char *kw)
{
	size_t n = strlen(kw), i;

	skip_ws(ps);
	for (i = 0; i < n; i++) {
		char c = ps->p[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != kw[i])
			return false;
	}
	if (is_word_char(ps->p[n]))
		return false;
	ps->p += n;
	return true;
}

static bool punct(struct parser *ps, const char *tok)
{
	size_t n = strlen(tok);

	skip_ws(ps);
	if (strncmp(ps->p, tok, n))
		return false;
	/* "-" must not take the first char of "->" and the like */
	if (n == 1 && tok[0] == '-' && ps->p[1] == '>')
		return false;
	ps->p += n;
	return true;
}

static struct node *mk(struct parser *ps, enum nkind kind, const char *s)
{
	struct node *n = pbt_arena_zalloc(ps->a, sizeof(*n));

	n->kind = kind;
	n->s = s;
	return n;
}

static void add_arg(struct parser *ps, struct node *n, struct node *arg)
{
	struct node **v = pbt_arena_calloc(ps->a, n->n + 1, sizeof(*v));

	if (n->n)
		memcpy(v, n->args, n->n * sizeof(*v));
	v[n->n++] = arg;
	n->args = v;
}

static struct node *fail(struct parser *ps)
{
	ps->bad = true;
	return NULL;
}

/* A word; lower-cased as PostgreSQL folds unquoted names. */
static const char *word(struct parser *ps)
{
	const char *s;
	char *w;
	size_t i, n;

	skip_ws(ps);
	if (!is_word_start(*ps->p))
		return NULL;
	s = ps->p;
	while (is_word_char(*ps->p))
		ps->p++;
	n = (size_t)(ps->p - s);
	w = pbt_arena_strndup(ps->a, s, n);
	for (i = 0; i < n; i++)
		if (w[i] >= 'A' && w[i] <= 'Z')
			w[i] = (char)(w[i] - 'A' + 'a');
	return w;
}

/*
 * '...', E'...' (backslash escapes as pbt_sql_literal() writes them) or
 * "...".
 */
static const char *quoted(struct parser *ps, char q, bool esc)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *out = NULL;

	ps->p++;
	for (;;) {
		if (!*ps->p)
			goto out;
		if (esc && *ps->p == '\\') {
			if (ps->p[1] != '\\' && ps->p[1] != '\'')
				goto out; /* other escapes: not ours */
			pbt_buf_addc(&b, ps->p[1]);
			ps->p += 2;
			continue;
		}
		if (*ps->p == q) {
			if (ps->p[1] != q)
				break;
			ps->p++;
		}
		pbt_buf_addc(&b, *ps->p++);
	}
	ps->p++;
	out = pbt_arena_strdup(ps->a, pbt_buf_str(&b));
out:
	pbt_buf_release(&b);
	return out;
}

static struct node *parse_or(struct parser *ps);

static const char *parse_type(struct parser *ps)
{
	const char *w = word(ps);

	if (!w)
		return NULL;
	if (!strcmp(w, "double")) {
		if (!keyword(ps, "precision"))
			return NULL;
		return "double precision";
	}
	return w;
}

static bool parse_args(struct parser *ps, struct node *n)
{
	if (punct(ps, ")"))
		return true;
	for (;;) {
		struct node *arg = parse_or(ps);

		if (!arg)
			return false;
		add_arg(ps, n, arg);
		if (punct(ps, ","))
			continue;
		return punct(ps, ")");
	}
}

static struct node *parse_case(struct parser *ps)
{
	struct node *n = mk(ps, N_CASE, NULL);

	while (keyword(ps, "when")) {
		struct node *c = parse_or(ps), *r;

		if (!c || !keyword(ps, "then"))
			return fail(ps);
		r = parse_or(ps);
		if (!r)
			return fail(ps);
		add_arg(ps, n, c);
		add_arg(ps, n, r);
	}
	if (!n->n)
		return fail(ps);
	if (keyword(ps, "else")) {
		struct node *e = parse_or(ps);

		if (!e)
			return fail(ps);
		add_arg(ps, n, e);
		n->has_else = true;
	}
	if (!keyword(ps, "end"))
		return fail(ps);
	return n;
}

static struct node *parse_primary(struct parser *ps)
{
	struct node *n;
	const char *w, *s;

	skip_ws(ps);
	if (punct(ps, "(")) {
		n = parse_or(ps);
		if (!n || !punct(ps, ")"))
			return fail(ps);
		return n;
	}
	if (*ps->p == '\'' ||
	    ((*ps->p == 'E' || *ps->p == 'e') && ps->p[1] == '\'')) {
		bool esc = *ps->p != '\'';

		if (esc)
			ps->p++;
		s = quoted(ps, '\'', esc);
		return s ? mk(ps, N_STR, s) : fail(ps);
	}
	if (*ps->p == '"') {
		s = quoted(ps, '"', false);
		return s ? mk(ps, N_VAR, s) : fail(ps);
	}
	if (*ps->p >= '0' && *ps->p <= '9') {
		const char *start = ps->p;

		while (*ps->p >= '0' && *ps->p <= '9')
			ps->p++;
		/* an int4 constant; longer: int8 or numeric, not ours */
		if (ps->p - start > 9 || *ps->p == '.' || is_word_char(*ps->p))
			return fail(ps);
		return mk(ps, N_NUM,
			  pbt_arena_strndup(ps->a, start,
					    (size_t)(ps->p - start)));
	}
	w = word(ps);
	if (!w)
		return fail(ps);
	if (!strcmp(w, "null"))
		return mk(ps, N_NULL, NULL);
	if (!strcmp(w, "true") || !strcmp(w, "false"))
		return mk(ps, N_BOOL, w);
	if (!strcmp(w, "case"))
		return parse_case(ps);
	if (!strcmp(w, "coalesce")) {
		n = mk(ps, N_COALESCE, NULL);
		if (!punct(ps, "(") || !parse_args(ps, n) || !n->n)
			return fail(ps);
		return n;
	}
	if (pbt_sql_is_keyword(w))
		return fail(ps); /* NOT, AND, ...: not in our grammar */
	if (punct(ps, ".")) {
		const char *fn = word(ps);

		n = mk(ps, N_FUNC, fn);
		n->schema = w;
		if (!fn || !punct(ps, "(") || !parse_args(ps, n))
			return fail(ps);
		return n;
	}
	if (punct(ps, "(")) {
		n = mk(ps, N_FUNC, w);
		if (!parse_args(ps, n))
			return fail(ps);
		return n;
	}
	return mk(ps, N_VAR, w);
}

static struct node *parse_cast(struct parser *ps)
{
	struct node *n = parse_primary(ps);

	while (n && punct(ps, "::")) {
		struct node *c = mk(ps, N_CAST, parse_type(ps));

		if (!c->s)
			return fail(ps);
		add_arg(ps, c, n);
		n = c;
	}
	return n;
}

static struct node *parse_arrow(struct parser *ps)
{
	struct node *n = parse_cast(ps);

	while (n && punct(ps, "->")) {
		struct node *op = mk(ps, N_OP, "->"), *r = parse_cast(ps);

		if (!r)
			return fail(ps);
		add_arg(ps, op, n);
		add_arg(ps, op, r);
		n = op;
	}
	return n;
}

static struct node *parse_cmp(struct parser *ps)
{
	struct node *n = parse_arrow(ps), *op, *r;
	const char *o = NULL;

	if (!n)
		return NULL;
	if (punct(ps, "<>"))
		o = "<>";
	else if (punct(ps, "="))
		o = "=";
	if (!o)
		return n;
	r = parse_arrow(ps);
	if (!r)
		return fail(ps);
	op = mk(ps, N_OP, o);
	add_arg(ps, op, n);
	add_arg(ps, op, r);
	return op;
}

static struct node *parse_is(struct parser *ps)
{
	struct node *n = parse_cmp(ps), *is;

	if (!n || !keyword(ps, "is"))
		return n;
	if (!keyword(ps, "not") || !keyword(ps, "null"))
		return fail(ps);
	is = mk(ps, N_ISNOTNULL, NULL);
	add_arg(ps, is, n);
	return is;
}

static struct node *parse_or(struct parser *ps)
{
	struct node *n, * or ;

	if (++ps->depth > 64)
		return fail(ps);
	n = parse_is(ps);
	if (n && keyword(ps, "or")) {
		or = mk(ps, N_OR, NULL);
		add_arg(ps, or, n);
		do {
			n = parse_is(ps);
			if (!n)
				return fail(ps);
			add_arg(ps, or, n);
		} while (keyword(ps, "or"));
		n = or ;
	}
	ps->depth--;
	return n;
}

/* ---------------------------------------------------------------- print */

/*
 * Each printer appends to b and returns the expression's type as
 * format_type() spells it, "?" for a column of unknown type, or NULL
 * when the expression is outside what we model.
 */
static const char *print(struct pbt_buf *b, const struct node *n);

static bool is_literal(const struct node *n)
{
	return n->kind == N_STR || n->kind == N_NUM || n->kind == N_NULL ||
	       n->kind == N_BOOL;
}

static void quote_lit(struct pbt_buf *b, const char *s)
{
	/* simple_quote_literal() with standard_conforming_strings on */
	pbt_buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			pbt_buf_addc(b, '\'');
		pbt_buf_addc(b, *s);
	}
	pbt_buf_addc(b, '\'');
}

/* A constant coerced to type t at parse time, as get_const_expr() prints it. */
static bool print_const(struct pbt_buf *b, const struct node *n, const char *t)
{
	static const char *const widened[] = { "bigint", "numeric",
					       "double precision", "real" };
	size_t i;

	switch (n->kind) {
	case N_NULL: pbt_buf_addf(b, "NULL::%s", t); return true;
	case N_BOOL:
		if (strcmp(t, "boolean"))
			return false;
		pbt_buf_adds(b, n->s);
		return true;
	case N_NUM:
		if (!strcmp(t, "integer")) {
			pbt_buf_adds(b, n->s);
			return true;
		}
		/* an int4 constant given for another numeric type is an
		 * implicit cast, which get_coercion_expr() parenthesises */
		for (i = 0; i < sizeof(widened) / sizeof(widened[0]); i++) {
			if (!strcmp(t, widened[i])) {
				pbt_buf_addf(b, "(%s)::%s", n->s, t);
				return true;
			}
		}
		return false;
	case N_STR:
		if (!strcmp(t, "text")) {
			quote_lit(b, n->s);
		} else if (!strcmp(t, "jsonb")) {
			struct pbt_buf j = PBT_BUF_INIT;
			bool ok = pbt_pgexpr_jsonb(&j, n->s);

			if (ok)
				quote_lit(b, j.buf);
			pbt_buf_release(&j);
			if (!ok)
				return false;
		} else if (!strcmp(t, "bytea") && !*n->s) {
			pbt_buf_adds(b, "'\\x'");
		} else if (!strcmp(t, "text[]")) {
			/* pgmap.c writes array_out()'s own spelling */
			quote_lit(b, n->s);
		} else {
			return false;
		}
		pbt_buf_addf(b, "::%s", t);
		return true;
	default: return false;
	}
}

/* n where a value of type t is wanted. */
static bool print_as(struct pbt_buf *b, const struct node *n, const char *t)
{
	const char *got;

	if (is_literal(n))
		return print_const(b, n, t);
	got = print(b, n);
	return got && !strcmp(got, t);
}

static const char *print_helper(struct pbt_buf *b, const struct node *n)
{
	enum pbt_helper h = pbt_helper_find(n->s);
	const char *types, *p;
	size_t i;

	if (h == PBT_H_NONE)
		return NULL;
	types = pbt_helper_argtypes(h);
	pbt_sql_qualified(b, n->schema, n->s);
	pbt_buf_addc(b, '(');
	for (i = 0, p = types; i < n->n; i++) {
		size_t len = strcspn(p, ",");
		char t[64];

		if (!*p || len >= sizeof(t))
			return NULL;
		memcpy(t, p, len);
		t[len] = '\0';
		p += len;
		if (*p == ',')
			p++;
		while (*p == ' ')
			p++;
		if (i)
			pbt_buf_adds(b, ", ");
		if (!print_as(b, n->args[i], t))
			return NULL;
	}
	if (*p)
		return NULL; /* fewer arguments than parameters */
	pbt_buf_addc(b, ')');
	return pbt_helper_returns(h);
}

static const char *print_case(struct pbt_buf *b, const struct node *n)
{
	const char *t = NULL;
	size_t i, pairs = (n->n - n->has_else) / 2;

	/* the result type: the first result that is not an untyped literal;
	 * all string literals resolve to text */
	for (i = 0; i < n->n && !t; i++) {
		const struct node *r = n->args[i];
		struct pbt_buf scratch = PBT_BUF_INIT;

		if ((i % 2 == 1 || (n->has_else && i == n->n - 1)) &&
		    !is_literal(r))
			t = print(&scratch, r);
		pbt_buf_release(&scratch);
		if (t && !strcmp(t, "?"))
			return NULL;
	}
	if (!t)
		t = "text";
	pbt_buf_adds(b, "CASE");
	for (i = 0; i < pairs; i++) {
		pbt_buf_adds(b, " WHEN ");
		if (!print_as(b, n->args[2 * i], "boolean"))
			return NULL;
		pbt_buf_adds(b, " THEN ");
		if (!print_as(b, n->args[2 * i + 1], t))
			return NULL;
	}
	pbt_buf_adds(b, " ELSE ");
	if (n->has_else) {
		if (!print_as(b, n->args[n->n - 1], t))
			return NULL;
	} else {
		pbt_buf_addf(b, "NULL::%s", t);
	}
	pbt_buf_adds(b, " END");
	return t;
}

static const char *print(struct pbt_buf *b, const struct node *n)
{
	static const char *const cast_types[] = {
		"bigint",	    "boolean", "bytea",
		"double precision", "integer", "jsonb",
		"numeric",	    "real",    "text",
	};
	const char *t = NULL;
	size_t i;

	switch (n->kind) {
	case N_VAR:
		pbt_sql_ident(b, n->s);
		return strcmp(n->s, "data") ? "?" : "jsonb";
	case N_OP:
		pbt_buf_addc(b, '(');
		if (!strcmp(n->s, "->")) {
			/* jsonb -> text: an untyped key resolves to text */
			if (!print_as(b, n->args[0], "jsonb") ||
			    n->args[1]->kind != N_STR)
				return NULL;
			pbt_buf_adds(b, " -> ");
			print_const(b, n->args[1], "text");
			t = "jsonb";
		} else {
			const char *lt = is_literal(n->args[0])
						 ? NULL
						 : print(b, n->args[0]);

			if (!lt || strcmp(lt, "text"))
				return NULL;
			pbt_buf_addf(b, " %s ", n->s);
			if (!print_as(b, n->args[1], "text"))
				return NULL;
			t = "boolean";
		}
		pbt_buf_addc(b, ')');
		return t;
	case N_ISNOTNULL:
		if (is_literal(n->args[0]))
			return NULL;
		pbt_buf_addc(b, '(');
		if (!print(b, n->args[0]))
			return NULL;
		pbt_buf_adds(b, " IS NOT NULL)");
		return "boolean";
	case N_OR:
		pbt_buf_addc(b, '(');
		for (i = 0; i < n->n; i++) {
			if (i)
				pbt_buf_adds(b, " OR ");
			if (!print_as(b, n->args[i], "boolean"))
				return NULL;
		}
		pbt_buf_addc(b, ')');
		return "boolean";
	case N_FUNC:
		if (n->schema && !strcmp(n->schema, PBT_HELPER_SCHEMA))
			return print_helper(b, n);
		if (n->schema || strcmp(n->s, "jsonb_typeof") || n->n != 1)
			return NULL;
		pbt_buf_adds(b, "jsonb_typeof(");
		if (!print_as(b, n->args[0], "jsonb"))
			return NULL;
		pbt_buf_addc(b, ')');
		return "text";
	case N_COALESCE:
		/* the common type: the first typed argument's */
		for (i = 0; i < n->n && !t; i++) {
			struct pbt_buf scratch = PBT_BUF_INIT;

			if (!is_literal(n->args[i]))
				t = print(&scratch, n->args[i]);
			pbt_buf_release(&scratch);
		}
		if (!t || !strcmp(t, "?"))
			return NULL;
		pbt_buf_adds(b, "COALESCE(");
		for (i = 0; i < n->n; i++) {
			if (i)
				pbt_buf_adds(b, ", ");
			if (!print_as(b, n->args[i], t))
				return NULL;
		}
		pbt_buf_addc(b, ')');
		return t;
	case N_CAST:
		if (is_literal(n->args[0]))
			return NULL;
		for (i = 0; i < sizeof(cast_types) / sizeof(cast_types[0]); i++)
			if (!strcmp(n->s, cast_types[i]))
				t = cast_types[i];
		if (!t)
			return NULL;
		pbt_buf_addc(b, '(');
		{
			const char *from = print(b, n->args[0]);

			/* a cast to the same type is dropped by the parser */
			if (!from || !strcmp(from, "?") || !strcmp(from, t))
				return NULL;
		}
		pbt_buf_addf(b, ")::%s", t);
		return t;
	case N_CASE: return print_case(b, n);
	default:
		return NULL; /* a bare literal: not an expression of ours */
	}
}

char *pbt_pgexpr_deparse(struct pbt_arena *a, const char *expr)
{
	struct parser ps = { a, expr, false, 0 };
	struct pbt_buf b = PBT_BUF_INIT;
	struct node *n = parse_or(&ps);
	char *out = NULL;

	skip_ws(&ps);
	if (n && !ps.bad && !*ps.p && print(&b, n))
		out = pbt_pgexpr_squeeze(a, pbt_buf_str(&b));
	pbt_buf_release(&b);
	return out;
}
