/*
 * pbtable.lock as data: parsing (any bytes in, one path:line error out),
 * entries from a schema, and the sorted text.  The check of a schema
 * against a lock is lock_check.c's; files are read and written by cmd/.
 */
#include "lock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "buf.h"
#include "desc_load.h"
#include "err.h"
#include "featureset.h"

#define HEADER "pbtable-lock 1"
/* Longer lines are not a lock file's; refusing them bounds the work. */
#define MAX_LINE 65536
#define MAX_TOKENS 12
#define MAX_FIELD_NUMBER 536870911

static const char *const kind_words[] = {
	[PBT_LOCK_FIELD] = "field",
	[PBT_LOCK_MSG_RESERVED] = "reserved",
	[PBT_LOCK_MSG_RESERVED_NAME] = "reserved-name",
	[PBT_LOCK_VALUE] = "value",
	[PBT_LOCK_ENUM_RESERVED] = "reserved",
	[PBT_LOCK_ENUM_RESERVED_NAME] = "reserved-name",
};

static const char *const card_words[] = {
	[PBT_LOCK_OPTIONAL] = "optional",
	[PBT_LOCK_IMPLICIT] = "implicit",
	[PBT_LOCK_REQUIRED] = "required",
	[PBT_LOCK_REPEATED] = "repeated",
	[PBT_LOCK_MAP] = "map",
};

/* FieldDescriptorProto.Type names, by value (1..18). */
static const char *const type_words[] = {
	NULL, "double", "float", "int64", "uint64", "int32", "fixed64",
	"fixed32", "bool", "string", "group", "message", "bytes", "uint32",
	"enum", "sfixed32", "sfixed64", "sint32", "sint64",
};
#define N_TYPES (sizeof(type_words) / sizeof(type_words[0]))
#define N_CARDS (sizeof(card_words) / sizeof(card_words[0]))

static bool named_type(const char *t)
{
	return !strcmp(t, "message") || !strcmp(t, "enum") ||
	       !strcmp(t, "group");
}

static bool is_message_kind(enum pbt_lock_kind k)
{
	return k <= PBT_LOCK_MSG_RESERVED_NAME;
}

void pbt_lock_init(struct pbt_lock *l)
{
	memset(l, 0, sizeof(*l));
	l->arena = pbt_arena_new();
	pbt_map_init(&l->lines, NULL, 0);
	pbt_map_init(&l->latest, NULL, 0);
}

void pbt_lock_release(struct pbt_lock *l)
{
	free(l->v);
	pbt_map_release(&l->lines);
	pbt_map_release(&l->latest);
	pbt_arena_free(l->arena);
	memset(l, 0, sizeof(*l));
}

/* ---------------------------------------------------------------- text */

static bool plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("_.:/+-", c));
}

/* One token: bare when plain, else quoted with C escapes. */
static void add_token(struct pbt_buf *b, const char *s)
{
	const unsigned char *p;
	bool bare = *s;

	for (p = (const unsigned char *)s; *p && bare; p++)
		bare = plain(*p);
	if (bare) {
		pbt_buf_adds(b, s);
		return;
	}
	pbt_buf_addc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			pbt_buf_addc(b, '\\');
			pbt_buf_addc(b, (char)*p);
		} else if (*p == '\n') {
			pbt_buf_adds(b, "\\n");
		} else if (*p == '\t') {
			pbt_buf_adds(b, "\\t");
		} else if (*p < 0x20 || *p == 0x7f) {
			pbt_buf_addf(b, "\\x%02x", *p);
		} else {
			pbt_buf_addc(b, (char)*p);	/* UTF-8 stays */
		}
	}
	pbt_buf_addc(b, '"');
}

static void add_kv(struct pbt_buf *b, const char *key, const char *v)
{
	pbt_buf_addc(b, ' ');
	pbt_buf_adds(b, key);
	pbt_buf_addc(b, '=');
	add_token(b, v);
}

const char *pbt_lock_entry_text(struct pbt_arena *a,
				const struct pbt_lock_entry *e)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *s;

	pbt_buf_adds(&b, is_message_kind(e->kind) ? "message " : "enum ");
	add_token(&b, e->elem);
	pbt_buf_addc(&b, ' ');
	pbt_buf_adds(&b, kind_words[e->kind]);
	switch (e->kind) {
	case PBT_LOCK_FIELD:
		pbt_buf_addf(&b, " %lld ", (long long)e->number);
		add_token(&b, e->name);
		add_kv(&b, "json", e->json);
		if (e->type_name) {
			add_kv(&b, "type", pbt_arena_printf(a, "%s:%s", e->type,
							    e->type_name));
		} else {
			add_kv(&b, "type", e->type);
		}
		add_kv(&b, "card", card_words[e->card]);
		if (e->oneof)
			add_kv(&b, "oneof", e->oneof);
		break;
	case PBT_LOCK_VALUE:
		pbt_buf_addf(&b, " %lld ", (long long)e->number);
		add_token(&b, e->name);
		break;
	case PBT_LOCK_MSG_RESERVED:
	case PBT_LOCK_ENUM_RESERVED:
		pbt_buf_addf(&b, " %lld %lld", (long long)e->number,
			     (long long)e->end);
		break;
	case PBT_LOCK_MSG_RESERVED_NAME:
	case PBT_LOCK_ENUM_RESERVED_NAME:
		pbt_buf_addc(&b, ' ');
		add_token(&b, e->name);
		break;
	}
	s = pbt_arena_strdup(a, pbt_buf_str(&b));
	pbt_buf_release(&b);
	return s;
}

/* ---------------------------------------------------------------- the set */

static const char *dup(struct pbt_arena *a, const char *s)
{
	return s ? pbt_arena_strdup(a, s) : NULL;
}

bool pbt_lock_has(const struct pbt_lock *l, const char *text)
{
	return pbt_map_get(&l->lines, text) != NULL;
}

const struct pbt_lock_entry *pbt_lock_find(const struct pbt_lock *l,
					   const char *text)
{
	uintptr_t i = (uintptr_t)pbt_map_get(&l->lines, text);

	return i ? &l->v[i - 1] : NULL;
}

static bool numbered(enum pbt_lock_kind k)
{
	return k == PBT_LOCK_FIELD || k == PBT_LOCK_VALUE;
}

/* The key of a field or value number in l->latest (in a's memory). */
static const char *number_key(struct pbt_arena *a, enum pbt_lock_kind kind,
			      const char *elem, int64_t number)
{
	return pbt_arena_printf(a, "%c%lld %s", kind == PBT_LOCK_FIELD ? 'f' : 'v',
				(long long)number, elem);
}

/* Entry i is now the newest of its number. */
static void make_current(struct pbt_lock *l, size_t i)
{
	struct pbt_lock_entry *e = &l->v[i];

	e->seq = ++l->seq;
	if (numbered(e->kind))
		pbt_map_set(&l->latest,
			    number_key(l->arena, e->kind, e->elem, e->number),
			    (void *)(uintptr_t)(i + 1));
}

const struct pbt_lock_entry *pbt_lock_latest(const struct pbt_lock *l,
					     enum pbt_lock_kind kind,
					     const char *elem, int64_t number)
{
	char key[1024];
	uintptr_t i;
	int n = snprintf(key, sizeof(key), "%c%lld %s",
			 kind == PBT_LOCK_FIELD ? 'f' : 'v', (long long)number,
			 elem);

	if (n < 0 || (size_t)n >= sizeof(key))
		return NULL;
	i = (uintptr_t)pbt_map_get(&l->latest, key);
	return i ? &l->v[i - 1] : NULL;
}

bool pbt_lock_add(struct pbt_lock *l, const struct pbt_lock_entry *e)
{
	struct pbt_lock_entry *n;
	const char *text = e->text ? e->text : pbt_lock_entry_text(l->arena, e);

	if (pbt_map_get(&l->lines, text))
		return false;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = pbt_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	n = &l->v[l->n++];
	*n = *e;
	n->elem = dup(l->arena, e->elem);
	n->name = dup(l->arena, e->name);
	n->json = dup(l->arena, e->json);
	n->type = dup(l->arena, e->type);
	n->type_name = dup(l->arena, e->type_name);
	n->oneof = dup(l->arena, e->oneof);
	n->text = e->text ? pbt_arena_strdup(l->arena, text) : text;
	/* Entries move when v grows: the maps hold indexes, not pointers. */
	pbt_map_put(&l->lines, n->text, (void *)(uintptr_t)l->n);
	make_current(l, l->n - 1);
	return true;
}

/*
 * Record e: add it, or when it is there but not its number's current
 * form, make it current again (counted in *made).
 */
static size_t record(struct pbt_lock *l, const struct pbt_lock_entry *e,
		     size_t *made)
{
	const struct pbt_lock_entry *have, *cur;
	const char *text = e->text ? e->text : pbt_lock_entry_text(l->arena, e);

	have = pbt_lock_find(l, text);
	if (!have) {
		pbt_lock_add(l, e);
		return 1;
	}
	if (!numbered(have->kind))
		return 0;
	cur = pbt_lock_latest(l, have->kind, have->elem, have->number);
	if (cur != have) {
		make_current(l, (size_t)(have - l->v));
		(*made)++;
	}
	return 0;
}

/* ---------------------------------------------------------------- parsing */

struct parser {
	struct pbt_lock *l;
	struct pbt_arena *a;
	const char *path;
	unsigned line;
	struct pbt_err *err;
};

static int perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = pbt_verrf(p->err, PBT_EINPUT,
		       &(struct pbt_loc){ p->path, p->line, 0 }, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * The quoted string at *sp (just past its opening quote), decoded into b;
 * *sp is left past the closing quote.
 */
static int read_quoted(struct parser *p, const char **sp, const char *end,
		       struct pbt_buf *b)
{
	const char *s = *sp;

	for (;; s++) {
		unsigned char c;
		int hi, lo;

		if (s >= end)
			return perr(p, "unterminated quoted string");
		c = (unsigned char)*s;
		if (c == '"')
			break;
		if (c < 0x20 || c == 0x7f)
			return perr(p, "unexpected byte 0x%02x in a quoted string",
				    c);
		if (c != '\\') {
			pbt_buf_addc(b, (char)c);
			continue;
		}
		if (++s >= end)
			return perr(p, "unterminated quoted string");
		c = (unsigned char)*s;
		switch (c) {
		case '"':
		case '\\':
			pbt_buf_addc(b, (char)c);
			break;
		case 'n':
			pbt_buf_addc(b, '\n');
			break;
		case 't':
			pbt_buf_addc(b, '\t');
			break;
		case 'x':
			hi = s + 1 < end ? pbt_hex_digit(s[1]) : -1;
			lo = s + 2 < end ? pbt_hex_digit(s[2]) : -1;
			/* No NUL: names are C strings. */
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return perr(p, "bad \\x escape (two hex digits, not 00)");
			pbt_buf_addc(b, (char)(hi * 16 + lo));
			s += 2;
			break;
		default:
			return perr(p, "unknown escape '\\%c'",
				    c >= 0x20 && c < 0x7f ? c : '?');
		}
	}
	*sp = s + 1;
	return 0;
}

/*
 * Split [s, end) into tokens: runs of bare bytes and quoted strings up to
 * a space or tab.  Decoded tokens go into the parser's arena.
 */
static int tokenize(struct parser *p, const char *s, const char *end,
		    char **tok, size_t *n_tok)
{
	struct pbt_buf b = PBT_BUF_INIT;
	int rc = 0;

	*n_tok = 0;
	while (s < end && !rc) {
		if (*s == ' ' || *s == '\t') {
			s++;
			continue;
		}
		if (*n_tok == MAX_TOKENS) {
			rc = perr(p, "too many words on one line");
			break;
		}
		pbt_buf_reset(&b);
		while (s < end && *s != ' ' && *s != '\t' && !rc) {
			unsigned char c = (unsigned char)*s++;

			if (c == '"')
				rc = read_quoted(p, &s, end, &b);
			else if (c < 0x20 || c == 0x7f)
				rc = perr(p, "unexpected byte 0x%02x", c);
			else
				pbt_buf_addc(&b, (char)c);
		}
		if (!rc)
			tok[(*n_tok)++] = pbt_arena_strdup(p->a,
							   pbt_buf_str(&b));
	}
	pbt_buf_release(&b);
	return rc;
}

static int parse_int(struct parser *p, const char *s, const char *what,
		     int64_t min, int64_t max, int64_t *out)
{
	const char *q = s;
	bool neg = false;
	int64_t v = 0;

	if (*q == '-') {
		neg = true;
		q++;
	}
	if (!*q)
		return perr(p, "%s '%s' is not a number", what, s);
	for (; *q; q++) {
		if (*q < '0' || *q > '9')
			return perr(p, "%s '%s' is not a number", what, s);
		if (v > (INT64_C(1) << 40))
			return perr(p, "%s '%s' is out of range", what, s);
		v = v * 10 + (*q - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return perr(p, "%s %s is out of range (%lld to %lld)", what, s,
			    (long long)min, (long long)max);
	*out = v;
	return 0;
}

static int need_name(struct parser *p, const char *s, const char *what)
{
	if (!*s)
		return perr(p, "empty %s", what);
	return 0;
}

static int parse_field(struct parser *p, char **tok, size_t n,
		       struct pbt_lock_entry *e)
{
	bool seen_json = false, seen_type = false, seen_card = false;
	size_t i;
	int rc;

	if (n < 5)
		return perr(p, "a field entry needs a number and a name");
	rc = parse_int(p, tok[3], "field number", 1, MAX_FIELD_NUMBER,
		       &e->number);
	if (!rc)
		rc = need_name(p, tok[4], "field name");
	if (rc)
		return rc;
	e->name = tok[4];
	for (i = 5; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		const char *v;

		if (!eq)
			return perr(p, "expected key=value, not '%s'", tok[i]);
		*eq = '\0';
		v = eq + 1;
		if (!strcmp(tok[i], "json")) {
			if (seen_json)
				return perr(p, "json= given twice");
			seen_json = true;
			e->json = v;
		} else if (!strcmp(tok[i], "type")) {
			const char *colon = strchr(v, ':');
			size_t klen = colon ? (size_t)(colon - v) : strlen(v);
			char *kind = pbt_arena_strndup(p->a, v, klen);
			size_t t;

			if (seen_type)
				return perr(p, "type= given twice");
			seen_type = true;
			for (t = 1; t < N_TYPES; t++)
				if (!strcmp(type_words[t], kind))
					break;
			if (t == N_TYPES)
				return perr(p, "unknown type '%s'", kind);
			if (named_type(kind) && (!colon || !colon[1]))
				return perr(p, "type '%s' needs a type name (%s:pkg.Name)", kind, kind);
			if (!named_type(kind) && colon)
				return perr(p, "type '%s' takes no type name", kind);
			e->type = type_words[t];
			e->type_name = colon ? colon + 1 : NULL;
		} else if (!strcmp(tok[i], "card")) {
			size_t c;

			if (seen_card)
				return perr(p, "card= given twice");
			seen_card = true;
			for (c = 0; c < N_CARDS; c++)
				if (!strcmp(card_words[c], v))
					break;
			if (c == N_CARDS)
				return perr(p, "unknown cardinality '%s' (want optional, implicit, required, repeated or map)", v);
			e->card = (enum pbt_lock_card)c;
		} else if (!strcmp(tok[i], "oneof")) {
			if (e->oneof)
				return perr(p, "oneof= given twice");
			if ((rc = need_name(p, v, "oneof name")))
				return rc;
			e->oneof = v;
		} else {
			return perr(p, "unknown key '%s'", tok[i]);
		}
	}
	if (!seen_json || !seen_type || !seen_card)
		return perr(p, "a field entry needs json=, type= and card=");
	return 0;
}

static int parse_entry(struct parser *p, char **tok, size_t n)
{
	struct pbt_lock_entry e;
	bool msg;
	int rc;

	memset(&e, 0, sizeof(e));
	e.line = p->line;
	if (strcmp(tok[0], "message") && strcmp(tok[0], "enum"))
		return perr(p, "unknown entry '%s' (want message or enum)", tok[0]);
	msg = !strcmp(tok[0], "message");
	if (n < 3)
		return perr(p, "incomplete entry");
	if ((rc = need_name(p, tok[1], msg ? "message name" : "enum name")))
		return rc;
	/* Its last part is the element's name, which is never empty. */
	if (tok[1][strlen(tok[1]) - 1] == '.')
		return perr(p, "%s name '%s' ends with a dot",
			    msg ? "message" : "enum", tok[1]);
	e.elem = tok[1];
	if (msg && !strcmp(tok[2], "field")) {
		e.kind = PBT_LOCK_FIELD;
		if ((rc = parse_field(p, tok, n, &e)))
			return rc;
	} else if (!strcmp(tok[2], "value") && !msg) {
		e.kind = PBT_LOCK_VALUE;
		if (n != 5)
			return perr(p, "a value entry is: enum NAME value NUMBER VALUE_NAME");
		rc = parse_int(p, tok[3], "value number", INT32_MIN, INT32_MAX,
			       &e.number);
		if (!rc)
			rc = need_name(p, tok[4], "value name");
		if (rc)
			return rc;
		e.name = tok[4];
	} else if (!strcmp(tok[2], "reserved")) {
		int64_t lo = msg ? 0 : INT32_MIN;
		int64_t hi = msg ? MAX_FIELD_NUMBER : INT32_MAX;

		e.kind = msg ? PBT_LOCK_MSG_RESERVED : PBT_LOCK_ENUM_RESERVED;
		if (n != 5)
			return perr(p, "a reserved entry is: %s NAME reserved START END", tok[0]);
		rc = parse_int(p, tok[3], "range start", lo, hi, &e.number);
		if (!rc)
			rc = parse_int(p, tok[4], "range end", lo, hi, &e.end);
		if (rc)
			return rc;
		if (e.end < e.number)
			return perr(p, "range end %lld is before its start %lld",
				    (long long)e.end, (long long)e.number);
	} else if (!strcmp(tok[2], "reserved-name")) {
		e.kind = msg ? PBT_LOCK_MSG_RESERVED_NAME :
			       PBT_LOCK_ENUM_RESERVED_NAME;
		if (n != 4)
			return perr(p, "a reserved-name entry is: %s NAME reserved-name NAME", tok[0]);
		if ((rc = need_name(p, tok[3], "reserved name")))
			return rc;
		e.name = tok[3];
	} else {
		return perr(p, "unknown %s entry '%s'", tok[0], tok[2]);
	}
	pbt_lock_add(p->l, &e);
	return 0;
}

int pbt_lock_parse(struct pbt_lock *l, const char *path, const char *data,
		   size_t len, struct pbt_err *err)
{
	struct parser p = { l, NULL, path, 0, err };
	const char *s = data, *end = data + len;
	bool header = false;
	int rc = 0;

	p.a = pbt_arena_new();
	while (s < end && !rc) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		char *tok[MAX_TOKENS];
		size_t n;

		p.line++;
		if (e > s && e[-1] == '\r')	/* a checkout with CRLF */
			e--;
		if (e - s > MAX_LINE) {
			rc = perr(&p, "line longer than %d bytes", MAX_LINE);
			break;
		}
		rc = tokenize(&p, s, e, tok, &n);
		s = nl ? nl + 1 : end;
		if (rc || !n || tok[0][0] == '#')
			continue;
		if (!header) {
			if (strcmp(tok[0], "pbtable-lock") || n != 2) {
				rc = perr(&p, "not a pbtable lock file (expected '%s' first)", HEADER);
			} else if (strcmp(tok[1], "1")) {
				rc = perr(&p, "lock format version '%s' is not supported (this pbtable reads 1)",
					  tok[1]);
			}
			header = true;
			continue;
		}
		rc = parse_entry(&p, tok, n);
	}
	if (!rc && !header) {
		p.line = 0;
		rc = perr(&p, "not a pbtable lock file (expected '%s' first)", HEADER);
	}
	pbt_arena_free(p.a);
	return rc;
}

int pbt_lock_read(struct pbt_lock *l, const char *path, struct pbt_err *err)
{
	struct pbt_loc loc = { path, 0, 0 };
	FILE *f = fopen(path, "rb");
	struct stat st;
	struct pbt_buf b = PBT_BUF_INIT;
	char chunk[65536];
	size_t n;
	int rc;

	if (!f)
		return pbt_errf(err, PBT_EINPUT, &loc, "cannot open: %s",
				strerror(errno));
	/* The same bound as for a descriptor set: refused before reading. */
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > PBT_MAX_INPUT_BYTES) {
		fclose(f);
		return pbt_errf(err, PBT_EINPUT, &loc,
				"file is %lld MiB, over the %zu MiB limit: refused",
				(long long)(st.st_size >> 20),
				PBT_MAX_INPUT_BYTES >> 20);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > PBT_MAX_INPUT_BYTES) {	/* not a regular file */
			fclose(f);
			pbt_buf_release(&b);
			return pbt_errf(err, PBT_EINPUT, &loc,
					"larger than %zu MiB: refused",
					PBT_MAX_INPUT_BYTES >> 20);
		}
		pbt_buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		fclose(f);
		pbt_buf_release(&b);
		return pbt_errf(err, PBT_EINPUT, &loc, "cannot read: %s",
				strerror(errno));
	}
	fclose(f);
	rc = pbt_lock_parse(l, path, pbt_buf_str(&b), b.len, err);
	pbt_buf_release(&b);
	return rc;
}

/* ---------------------------------------------------------------- schemas */

#define FT(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_##x
#define FL(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_##x

/*
 * The kind and cardinality the wire rules see (rule_field.c's kind() and
 * cardinality(), which are its own): an editions message field with
 * delimited encoding is a group; presence comes from syntax and features.
 */
static int field_kind(const struct pbt_field *f)
{
	int t = f->fp->has_type ? (int)f->fp->type : 0;

	if (t == FT(MESSAGE) && f->file->syntax == PBT_SYNTAX_EDITIONS &&
	    f->features.message_encoding == PBT_ENCODING_DELIMITED) {
		const struct pbt_message *m = pbt_field_message_type(f);

		if (!m || !m->is_map_entry)
			return FT(GROUP);
	}
	return t;
}

static enum pbt_lock_card field_card(const struct pbt_field *f, int kind)
{
	const pbt_field_proto *fp = f->fp;

	if (fp->label == FL(REPEATED))
		return pbt_field_is_map(f) ? PBT_LOCK_MAP : PBT_LOCK_REPEATED;
	if (fp->label == FL(REQUIRED))
		return PBT_LOCK_REQUIRED;
	if (f->file->syntax == PBT_SYNTAX_PROTO2)
		return PBT_LOCK_OPTIONAL;
	if (kind == FT(MESSAGE) || kind == FT(GROUP) || f->is_extension ||
	    f->oneof)
		return PBT_LOCK_OPTIONAL;
	if (f->file->syntax == PBT_SYNTAX_PROTO3)
		return fp->has_proto3_optional && fp->proto3_optional ?
			PBT_LOCK_OPTIONAL : PBT_LOCK_IMPLICIT;
	switch (f->features.field_presence) {
	case PBT_PRESENCE_LEGACY_REQUIRED:
		return PBT_LOCK_REQUIRED;
	case PBT_PRESENCE_IMPLICIT:
		return PBT_LOCK_IMPLICIT;
	default:
		return PBT_LOCK_OPTIONAL;
	}
}

void pbt_lock_field_entry(struct pbt_arena *a, const struct pbt_field *f,
			  struct pbt_lock_entry *e)
{
	int kind = field_kind(f);

	memset(e, 0, sizeof(*e));
	e->kind = PBT_LOCK_FIELD;
	e->elem = f->message ? f->message->full_name : "";
	e->number = f->number;
	e->name = f->name;
	e->json = pbt_field_json_name(a, f);
	/* protoc always sets a known type; a hand-made set might not. */
	e->type = kind > 0 && (size_t)kind < N_TYPES ? type_words[kind] :
		  "bytes";
	e->type_name = NULL;
	if (named_type(e->type))
		e->type_name = f->type_name && *f->type_name ? f->type_name : "?";
	e->card = field_card(f, kind);
	e->oneof = f->oneof && !f->oneof->synthetic ? f->oneof->name : NULL;
	e->text = pbt_lock_entry_text(a, e);
}

static size_t add_message(struct pbt_lock *l, const struct pbt_message *m,
			  size_t *made)
{
	const pbt_message_proto *dp = m->dp;
	struct pbt_lock_entry e;
	size_t added = 0, k;

	for (k = 0; k < m->n_fields; k++) {
		pbt_lock_field_entry(l->arena, &m->fields[k], &e);
		added += record(l, &e, made);
	}
	memset(&e, 0, sizeof(e));
	e.elem = m->full_name;
	e.kind = PBT_LOCK_MSG_RESERVED;
	for (k = 0; k < dp->n_reserved_range; k++) {
		/* DescriptorProto ranges are end-exclusive; the lock's not. */
		e.number = dp->reserved_range[k]->start;
		e.end = (int64_t)dp->reserved_range[k]->end - 1;
		if (e.end >= e.number)
			added += pbt_lock_add(l, &e);
	}
	e.kind = PBT_LOCK_MSG_RESERVED_NAME;
	e.number = e.end = 0;
	for (k = 0; k < dp->n_reserved_name; k++) {
		e.name = dp->reserved_name[k];
		if (e.name && *e.name)
			added += pbt_lock_add(l, &e);
	}
	return added;
}

/*
 * An enum's values.  A number with aliases has several current names:
 * they are made current together, unless the current one is among them.
 */
static size_t add_values(struct pbt_lock *l, const struct pbt_enum *en,
			 size_t *made)
{
	struct pbt_lock_entry e;
	size_t added = 0, k, v;

	memset(&e, 0, sizeof(e));
	e.elem = en->full_name;
	e.kind = PBT_LOCK_VALUE;
	for (k = 0; k < en->n_values; k++) {
		const struct pbt_lock_entry *cur;
		bool current = false;

		e.number = en->values[k].number;
		for (v = 0; v < k; v++)
			if (en->values[v].number == e.number)
				break;
		if (v < k)
			continue;	/* each number once, at its first value */
		cur = pbt_lock_latest(l, PBT_LOCK_VALUE, en->full_name, e.number);
		for (v = k; v < en->n_values && cur && !current; v++)
			current = en->values[v].number == e.number &&
				  !strcmp(en->values[v].name, cur->name);
		for (v = k; v < en->n_values; v++) {
			const struct pbt_lock_entry *have;

			if (en->values[v].number != e.number)
				continue;
			e.name = en->values[v].name;
			e.text = NULL;
			have = pbt_lock_find(l, pbt_lock_entry_text(l->arena, &e));
			if (!have) {
				added += pbt_lock_add(l, &e);
			} else if (!current) {
				make_current(l, (size_t)(have - l->v));
				(*made)++;
			}
		}
	}
	return added;
}

static size_t add_enum(struct pbt_lock *l, const struct pbt_enum *en,
		       size_t *made)
{
	const pbt_enum_proto *ep = en->ep;
	struct pbt_lock_entry e;
	size_t added = add_values(l, en, made), k;

	memset(&e, 0, sizeof(e));
	e.elem = en->full_name;
	e.kind = PBT_LOCK_ENUM_RESERVED;
	for (k = 0; k < ep->n_reserved_range; k++) {
		e.number = ep->reserved_range[k]->start;
		e.end = ep->reserved_range[k]->end;
		if (e.end >= e.number)
			added += pbt_lock_add(l, &e);
	}
	e.kind = PBT_LOCK_ENUM_RESERVED_NAME;
	e.number = e.end = 0;
	for (k = 0; k < ep->n_reserved_name; k++) {
		e.name = ep->reserved_name[k];
		if (e.name && *e.name)
			added += pbt_lock_add(l, &e);
	}
	return added;
}

size_t pbt_lock_add_schema(struct pbt_lock *l, const struct pbt_schema *s,
			   size_t *made_current)
{
	size_t added = 0, i, j;

	*made_current = 0;
	for (i = 0; i < s->n_files; i++) {
		const struct pbt_file *f = &s->files[i];

		if (f->is_import)
			continue;
		for (j = 0; j < f->n_messages; j++)
			added += add_message(l, f->messages[j], made_current);
		for (j = 0; j < f->n_enums; j++)
			added += add_enum(l, f->enums[j], made_current);
	}
	return added;
}

/* ---------------------------------------------------------------- rendering */

/*
 * Order: enums before messages ("enum" < "message"), then by element
 * name, so each element's lines sit together and a nested element
 * follows its parent; within an element numbered entries by number
 * (numerically: 10 after 9), the forms of one number in the order they
 * were recorded (the current one last), then ranges, then names.  Two
 * branches that add to different elements touch different places.
 */
static int sub_order(enum pbt_lock_kind k)
{
	switch (k) {
	case PBT_LOCK_FIELD:
	case PBT_LOCK_VALUE:
		return 0;
	case PBT_LOCK_MSG_RESERVED:
	case PBT_LOCK_ENUM_RESERVED:
		return 1;
	default:
		return 2;
	}
}

static int cmp_entry(const void *x, const void *y)
{
	const struct pbt_lock_entry *a = x, *b = y;
	int c;

	if (is_message_kind(a->kind) != is_message_kind(b->kind))
		return is_message_kind(a->kind) ? 1 : -1;
	if ((c = strcmp(a->elem, b->elem)))
		return c;
	if (sub_order(a->kind) != sub_order(b->kind))
		return sub_order(a->kind) - sub_order(b->kind);
	if (a->number != b->number)
		return a->number < b->number ? -1 : 1;
	if (numbered(a->kind) && a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return strcmp(a->text, b->text);
}

void pbt_lock_render(struct pbt_lock *l, struct pbt_buf *out)
{
	size_t i;

	if (l->n)	/* qsort(NULL, 0, ...) is undefined */
		qsort(l->v, l->n, sizeof(*l->v), cmp_entry);
	for (i = 0; i < l->n; i++) {
		const struct pbt_lock_entry *e = &l->v[i];

		pbt_map_set(&l->lines, e->text, (void *)(uintptr_t)(i + 1));
		/* Sorted by seq within a number: the last one wins. */
		if (numbered(e->kind))
			pbt_map_set(&l->latest, number_key(l->arena, e->kind,
							   e->elem, e->number),
				    (void *)(uintptr_t)(i + 1));
	}
	pbt_buf_adds(out,
		"# pbtable.lock: every field and enum value number and name ever used.\n"
		"# Written by `pbtable lock update`, which only ever adds lines (unless\n"
		"# --prune).  One entry per line, sorted; see docs/history.md.\n"
		HEADER "\n");
	for (i = 0; i < l->n; i++) {
		pbt_buf_adds(out, l->v[i].text);
		pbt_buf_addc(out, '\n');
	}
}
