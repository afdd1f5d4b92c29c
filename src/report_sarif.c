/*
 * SARIF 2.1.0, for GitHub code scanning and other SARIF readers (buf has
 * no such format).  One run; one reportingDescriptor per rule that has a
 * result, sorted by ID, with the rule table's purpose and buf's rule page;
 * one result per finding at level "error".  Findings approved inline are
 * results too, with an inSource suppression carrying the reason, so a
 * code-scanning view shows them as dismissed rather than hiding them.
 * A finding without a file (a deleted file or package) is located at line
 * 1 of the file it was in before: code scanning wants a location.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "rules.h"

struct ids {
	const char *v[128];
	size_t n;
};

static void add_id(struct ids *ids, const char *id)
{
	size_t i;

	for (i = 0; i < ids->n; i++)
		if (!strcmp(ids->v[i], id))
			return;
	if (ids->n < sizeof(ids->v) / sizeof(ids->v[0]))
		ids->v[ids->n++] = id;
}

static size_t id_index(const struct ids *ids, const char *id)
{
	size_t i;

	for (i = 0; i < ids->n; i++)
		if (!strcmp(ids->v[i], id))
			return i;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A relative URI reference for a file path: percent-encode the rest. */
static void add_uri(struct pbt_buf *b, const char *path)
{
	const unsigned char *p;

	pbt_buf_addc(b, '"');
	for (p = (const unsigned char *)path; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			pbt_buf_addc(b, (char)*p);
		else
			pbt_buf_addf(b, "%%%02X", *p);
	pbt_buf_addc(b, '"');
}

static void add_result(struct pbt_buf *out, const struct ids *ids,
		       const struct pbt_finding *f, bool *first)
{
	const char *file = f->path ? f->path : f->prev_path;

	pbt_buf_adds(out, *first ? "\n" : ",\n");
	*first = false;
	pbt_buf_adds(out, "        {\n          \"ruleId\": ");
	pbt_buf_add_json_str(out, f->rule);
	pbt_buf_addf(out, ",\n          \"ruleIndex\": %zu,\n"
		     "          \"level\": \"error\",\n"
		     "          \"message\": {\n            \"text\": ",
		     id_index(ids, f->rule));
	pbt_buf_add_json_str(out, f->message);
	pbt_buf_adds(out, "\n          }");
	if (file) {
		pbt_buf_adds(out, ",\n          \"locations\": [\n            {\n"
			     "              \"physicalLocation\": {\n"
			     "                \"artifactLocation\": {\n"
			     "                  \"uri\": ");
		add_uri(out, file);
		pbt_buf_adds(out, "\n                },\n                \"region\": {\n");
		if (f->path)
			pbt_buf_addf(out, "                  \"startLine\": %u,\n"
				     "                  \"startColumn\": %u,\n"
				     "                  \"endLine\": %u,\n"
				     "                  \"endColumn\": %u\n",
				     pbt_pos(f->span.start_line), pbt_pos(f->span.start_col),
				     pbt_pos(f->span.end_line), pbt_pos(f->span.end_col));
		else
			pbt_buf_adds(out, "                  \"startLine\": 1\n");
		pbt_buf_adds(out, "                }\n              }\n            }\n"
			     "          ]");
	}
	if (f->allow_reason) {
		pbt_buf_adds(out, ",\n          \"suppressions\": [\n            {\n"
			     "              \"kind\": \"inSource\",\n"
			     "              \"justification\": ");
		pbt_buf_add_json_str(out, f->allow_reason);
		pbt_buf_adds(out, "\n            }\n          ]");
	}
	pbt_buf_adds(out, "\n        }");
}

void pbt_report_sarif(struct pbt_buf *out, const struct pbt_findings *fs)
{
	const struct pbt_findings *al = fs->allowed;
	struct ids ids = { { NULL }, 0 };
	bool first = true;
	size_t i;

	for (i = 0; i < fs->n; i++)
		add_id(&ids, fs->v[i].rule);
	for (i = 0; al && i < al->n; i++)
		add_id(&ids, al->v[i].rule);
	qsort(ids.v, ids.n, sizeof(ids.v[0]), cmp_id);

	pbt_buf_adds(out, "{\n"
		     "  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
		     "  \"version\": \"2.1.0\",\n"
		     "  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n"
		     "          \"name\": \"pbtable\",\n          \"rules\": [");
	for (i = 0; i < ids.n; i++) {
		const struct pbt_rule *r = pbt_rule_find(ids.v[i]);
		const char *c;

		pbt_buf_adds(out, i ? ",\n" : "\n");
		pbt_buf_adds(out, "            {\n              \"id\": ");
		pbt_buf_add_json_str(out, ids.v[i]);
		pbt_buf_adds(out, ",\n              \"shortDescription\": {\n"
			     "                \"text\": ");
		pbt_buf_add_json_str(out, r && r->purpose ? r->purpose : ids.v[i]);
		pbt_buf_adds(out, "\n              },\n"
			     "              \"helpUri\": \"https://buf.build/docs/breaking/rules/#");
		for (c = ids.v[i]; *c; c++)
			pbt_buf_addc(out, *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c);
		pbt_buf_adds(out, "\"\n            }");
	}
	pbt_buf_adds(out, ids.n ? "\n          ]\n" : "]\n");
	pbt_buf_adds(out, "        }\n      },\n      \"results\": [");
	for (i = 0; i < fs->n; i++)
		add_result(out, &ids, &fs->v[i], &first);
	for (i = 0; al && i < al->n; i++)
		add_result(out, &ids, &al->v[i], &first);
	pbt_buf_adds(out, first ? "]\n" : "\n      ]\n");
	pbt_buf_adds(out, "    }\n  ]\n}\n");
}
