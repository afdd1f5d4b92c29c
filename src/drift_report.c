/*
 * Output formats for drift findings: one table entry and one function
 * each, as report.c does for breaking changes.  buf's formats are about
 * positions in .proto files; a drift finding is about a database object,
 * so these carry the database, the object and, where a tool wants a file
 * (GitHub annotations, SARIF), the table's entry in pbtable.yaml.
 *
 * Names of tables and columns may hold anything, line breaks included:
 * every line-oriented format turns control characters into spaces.
 */
#include "drift.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "sql_quote.h"

typedef void drift_fmt_fn(struct pbt_buf *out, const struct pbt_drift *d);

struct drift_format {
	const char *name;
	drift_fmt_fn *render;
};

/* Append s with control characters as spaces (one line). */
static void add_line(struct pbt_buf *b, const char *s)
{
	for (; *s; s++)
		pbt_buf_addc(b,
			     (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

static void add_subject(struct pbt_buf *b, const struct pbt_diff *f)
{
	add_line(b, f->schema);
	pbt_buf_addc(b, '.');
	add_line(b, f->table ? f->table : f->object);
	if (f->table && f->column) {
		pbt_buf_addc(b, '.');
		add_line(b, f->column);
	}
}

static void text(struct pbt_buf *out, const struct pbt_drift *d)
{
	size_t i, j;

	for (i = 0; i < d->n_dbs; i++) {
		const struct pbt_drift_db *db = &d->dbs[i];

		for (j = 0; j < db->n; j++) {
			const struct pbt_diff *f = &db->v[j];

			add_line(out, db->label);
			pbt_buf_adds(out, ": ");
			add_subject(out, f);
			pbt_buf_addf(out, ": %s: ", pbt_drift_kinds[f->kind].id);
			add_line(out, f->message);
			pbt_buf_addc(out, '\n');
		}
	}
}

static void json_field(struct pbt_buf *b, const char *key, const char *v)
{
	pbt_buf_addf(b, ",\"%s\":", key);
	if (v)
		pbt_buf_add_json_str(b, v);
	else
		pbt_buf_adds(b, "null");
}

static void json(struct pbt_buf *out, const struct pbt_drift *d)
{
	size_t i, j;

	for (i = 0; i < d->n_dbs; i++) {
		const struct pbt_drift_db *db = &d->dbs[i];

		for (j = 0; j < db->n; j++) {
			const struct pbt_diff *f = &db->v[j];

			pbt_buf_adds(out, "{\"database\":");
			pbt_buf_add_json_str(out, db->label);
			json_field(out, "kind", pbt_drift_kinds[f->kind].id);
			json_field(out, "schema", f->schema);
			json_field(out, "table", f->table);
			json_field(out, "column", f->column);
			json_field(out, "object", f->object);
			json_field(out, "message", f->message);
			pbt_buf_adds(out, "}\n");
		}
	}
}

/*
 * A workflow command's value: %, CR and LF escaped; in properties also
 * ':' and ','.
 */
static void gh_escape(struct pbt_buf *b, const char *s, bool property)
{
	for (; *s; s++) {
		if (*s == '%')
			pbt_buf_adds(b, "%25");
		else if (*s == '\r')
			pbt_buf_adds(b, "%0D");
		else if (*s == '\n')
			pbt_buf_adds(b, "%0A");
		else if (property && *s == ':')
			pbt_buf_adds(b, "%3A");
		else if (property && *s == ',')
			pbt_buf_adds(b, "%2C");
		else
			pbt_buf_addc(b, *s);
	}
}

static void github(struct pbt_buf *out, const struct pbt_drift *d)
{
	struct pbt_buf line = PBT_BUF_INIT;
	size_t i, j;

	for (i = 0; i < d->n_dbs; i++) {
		const struct pbt_drift_db *db = &d->dbs[i];

		for (j = 0; j < db->n; j++) {
			const struct pbt_diff *f = &db->v[j];

			pbt_buf_adds(out, "::error file=");
			gh_escape(out, f->loc.path ? f->loc.path : d->cfg.path,
				  true);
			if (f->loc.line)
				pbt_buf_addf(out, ",line=%u", f->loc.line);
			pbt_buf_adds(out, ",title=");
			gh_escape(out, "pbtable drift ", true);
			gh_escape(out, pbt_drift_kinds[f->kind].id, true);
			pbt_buf_adds(out, "::");
			pbt_buf_reset(&line);
			pbt_buf_adds(&line, db->label);
			pbt_buf_adds(&line, ": ");
			add_subject(&line, f);
			pbt_buf_adds(&line, ": ");
			add_line(&line, f->message);
			gh_escape(out, line.buf, false);
			pbt_buf_addc(out, '\n');
		}
	}
	pbt_buf_release(&line);
}

/*
 * SARIF 2.1.0: one run, a reportingDescriptor per drift kind found (the
 * kinds table's text), one result per finding, located at the table's
 * entry in pbtable.yaml and, logically, at database/schema.table.column.
 */
static void sarif(struct pbt_buf *out, const struct pbt_drift *d)
{
	/* rule index of each kind found, in the kinds' (id) order; -1: none */
	int index[PBT_N_DRIFT_KINDS];
	struct pbt_buf s = PBT_BUF_INIT;
	size_t n_kinds = 0, i, j;
	bool first = true;
	int k;

	for (k = 0; k < PBT_N_DRIFT_KINDS; k++)
		index[k] = -1;
	for (i = 0; i < d->n_dbs; i++)
		for (j = 0; j < d->dbs[i].n; j++)
			index[d->dbs[i].v[j].kind] = 0;
	for (k = 0; k < PBT_N_DRIFT_KINDS; k++)
		if (index[k] >= 0)
			index[k] = (int)n_kinds++;
	pbt_buf_adds(
		out,
		"{\n"
		"  \"$schema\": "
		"\"https://json.schemastore.org/sarif-2.1.0.json\",\n"
		"  \"version\": \"2.1.0\",\n"
		"  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": "
		"{\n"
		"          \"name\": \"pbtable drift\",\n          \"rules\": "
		"[");
	for (k = 0; k < PBT_N_DRIFT_KINDS; k++) {
		if (index[k] < 0)
			continue;
		pbt_buf_adds(out, index[k] ? ",\n" : "\n");
		pbt_buf_adds(out, "            {\n              \"id\": ");
		pbt_buf_add_json_str(out, pbt_drift_kinds[k].id);
		pbt_buf_adds(out, ",\n              \"shortDescription\": {\n"
				  "                \"text\": ");
		pbt_buf_add_json_str(out, pbt_drift_kinds[k].about);
		pbt_buf_adds(out, "\n              }\n            }");
	}
	pbt_buf_adds(out, n_kinds ? "\n          ]\n" : "]\n");
	pbt_buf_adds(out, "        }\n      },\n      \"results\": [");
	for (i = 0; i < d->n_dbs; i++) {
		const struct pbt_drift_db *db = &d->dbs[i];

		for (j = 0; j < db->n; j++) {
			const struct pbt_diff *f = &db->v[j];

			pbt_buf_adds(out, first ? "\n" : ",\n");
			first = false;
			pbt_buf_adds(out, "        {\n          \"ruleId\": ");
			pbt_buf_add_json_str(out, pbt_drift_kinds[f->kind].id);
			pbt_buf_addf(
				out,
				",\n          \"ruleIndex\": %d,\n"
				"          \"level\": \"%s\",\n"
				"          \"message\": {\n            "
				"\"text\": ",
				index[f->kind],
				pbt_drift_kinds[f->kind].severity == PBT_SEV_ERROR
					? "error"
					: "warning");
			pbt_buf_reset(&s);
			pbt_buf_adds(&s, db->label);
			pbt_buf_adds(&s, ": ");
			add_subject(&s, f);
			pbt_buf_adds(&s, ": ");
			pbt_buf_adds(&s, f->message);
			pbt_buf_add_json_str(out, s.buf);
			pbt_buf_adds(
				out,
				"\n          },\n          \"locations\": [\n  "
				"          {\n"
				"              \"physicalLocation\": {\n"
				"                \"artifactLocation\": {\n"
				"                  \"uri\": ");
			pbt_buf_add_json_str(out, f->loc.path ? f->loc.path
							      : d->cfg.path);
			pbt_buf_addf(
				out,
				"\n                },\n                "
				"\"region\": {\n"
				"                  \"startLine\": %u\n"
				"                }\n              },\n"
				"              \"logicalLocations\": [\n       "
				"         {\n"
				"                  \"fullyQualifiedName\": ",
				f->loc.line ? f->loc.line : 1);
			pbt_buf_reset(&s);
			pbt_buf_adds(&s, db->label);
			pbt_buf_addc(&s, '/');
			add_subject(&s, f);
			pbt_buf_add_json_str(out, s.buf);
			pbt_buf_addf(
				out,
				",\n                  \"kind\": \"%s\"\n"
				"                }\n              ]\n          "
				"  }\n"
				"          ]\n        }",
				f->column  ? "member"
				: f->table ? "type"
					   : "function");
		}
	}
	pbt_buf_adds(out, first ? "]\n" : "\n      ]\n");
	pbt_buf_adds(out, "    }\n  ]\n}\n");
	pbt_buf_release(&s);
}

static const struct drift_format formats[] = {
	{ "text", text },   { "json", json }, { "github-actions", github },
	{ "sarif", sarif }, { NULL, NULL },
};

static const struct drift_format *find(const char *name)
{
	const struct drift_format *f;

	for (f = formats; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

bool pbt_drift_format_known(const char *name)
{
	return find(name) != NULL;
}

const char *pbt_drift_format_list(void)
{
	static char list[128];
	const struct drift_format *f;
	size_t n = 0;

	if (list[0])
		return list;
	for (f = formats; f->name; f++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      f == formats ? "" : ", ", f->name);
	return list;
}

int pbt_drift_render(const struct pbt_drift *d, const char *format,
		     struct pbt_buf *out, struct pbt_err *err)
{
	const struct drift_format *f = find(format ? format : "text");

	if (!f)
		return pbt_errf(err, PBT_EUSAGE, NULL,
				"unknown format '%s' (want %s)", format,
				pbt_drift_format_list());
	f->render(out, d);
	return 0;
}

void pbt_drift_render_comments(const struct pbt_drift *d, size_t i,
			       struct pbt_buf *out)
{
	const struct pbt_drift_db *db = &d->dbs[i];
	struct pbt_buf s = PBT_BUF_INIT;
	size_t j;

	for (j = 0; j < db->n; j++) {
		pbt_buf_reset(&s);
		add_subject(&s, &db->v[j]);
		/* pbt_sql_comment() keeps a name's line break out of the SQL */
		pbt_sql_comment(out, "  %s: %s: %s", s.buf,
				pbt_drift_kinds[db->v[j].kind].id,
				db->v[j].message);
	}
	pbt_buf_release(&s);
}
