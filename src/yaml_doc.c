/*
 * libyaml document loading and navigation.  libyaml marks are 0-based;
 * everything here reports them 1-based.
 */
#include "yaml_doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"

int pbt_yaml_load(struct pbt_yaml *y, const char *name, const char *text,
		  size_t len, struct pbt_err *err)
{
	yaml_parser_t p;
	int ok;

	memset(y, 0, sizeof(*y));
	y->name = name;
	if (!yaml_parser_initialize(&p))
		return pbt_errf(err, PBT_ECONFIG, &(struct pbt_loc){ name, 0, 0 },
				"cannot initialise the YAML parser");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	ok = yaml_parser_load(&p, &y->doc);
	if (!ok) {
		struct pbt_loc loc = { name, (unsigned)p.problem_mark.line + 1,
				       (unsigned)p.problem_mark.column + 1 };

		pbt_errf(err, PBT_ECONFIG, &loc, "invalid YAML: %s%s%s",
			 p.problem ? p.problem : "syntax error",
			 p.context ? " " : "", p.context ? p.context : "");
		yaml_parser_delete(&p);
		return -PBT_ECONFIG;
	}
	y->loaded = true;
	/* A second document in the stream is not something we read. */
	yaml_parser_delete(&p);
	return 0;
}

void pbt_yaml_release(struct pbt_yaml *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = false;
}

yaml_node_t *pbt_yaml_root(struct pbt_yaml *y)
{
	return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL;
}

bool pbt_yaml_pair(struct pbt_yaml *y, yaml_node_t *m, size_t i,
		   yaml_node_t **key, yaml_node_t **value)
{
	yaml_node_pair_t *pair;

	if (!m || m->type != YAML_MAPPING_NODE)
		return false;
	pair = m->data.mapping.pairs.start + i;
	if (pair >= m->data.mapping.pairs.top)
		return false;
	*key = yaml_document_get_node(&y->doc, pair->key);
	*value = yaml_document_get_node(&y->doc, pair->value);
	return *key && *value;
}

yaml_node_t *pbt_yaml_get(struct pbt_yaml *y, yaml_node_t *m, const char *key)
{
	yaml_node_t *k, *v;
	size_t i;

	for (i = 0; pbt_yaml_pair(y, m, i, &k, &v); i++) {
		const char *s = pbt_yaml_str(k);

		if (s && !strcmp(s, key))
			return v;
	}
	return NULL;
}

size_t pbt_yaml_len(yaml_node_t *seq)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return 0;
	return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *pbt_yaml_item(struct pbt_yaml *y, yaml_node_t *seq, size_t i)
{
	if (i >= pbt_yaml_len(seq))
		return NULL;
	return yaml_document_get_node(&y->doc, seq->data.sequence.items.start[i]);
}

const char *pbt_yaml_str(yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

bool pbt_yaml_is_null(yaml_node_t *n)
{
	const char *s = pbt_yaml_str(n);

	if (!s)
		return false;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !*s || !strcmp(s, "~") || !strcasecmp(s, "null");
}

bool pbt_yaml_bool(yaml_node_t *n, bool *out)
{
	const char *s = pbt_yaml_str(n);

	if (!s)
		return false;
	if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on")) {
		*out = true;
		return true;
	}
	if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off")) {
		*out = false;
		return true;
	}
	return false;
}

unsigned pbt_yaml_line(yaml_node_t *n)
{
	return n ? (unsigned)n->start_mark.line + 1 : 0;
}

unsigned pbt_yaml_col(yaml_node_t *n)
{
	return n ? (unsigned)n->start_mark.column + 1 : 0;
}

int pbt_yaml_errf(struct pbt_err *err, struct pbt_yaml *y, yaml_node_t *n,
		  const char *fmt, ...)
{
	struct pbt_loc loc = { y->name, pbt_yaml_line(n), pbt_yaml_col(n) };
	va_list ap;

	va_start(ap, fmt);
	pbt_verrf(err, PBT_ECONFIG, &loc, fmt, ap);
	va_end(ap);
	return -PBT_ECONFIG;
}
