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

/* Deeper flow nesting ([ and {) than this is refused. */
#define MAX_FLOW_DEPTH 1000

/*
 * libyaml's scanner takes time quadratic in the nesting of flow
 * collections (200,000 '[' take minutes), so deep nesting is refused
 * before libyaml sees it.  Brackets are counted wherever they are, quoted
 * or not: a config with a thousand unclosed brackets in a string is
 * refused too, which costs no real config anything.
 */
static int check_flow_depth(const char *name, const char *text, size_t len,
			    struct pbt_err *err)
{
	size_t i, depth = 0;
	unsigned line = 1;

	for (i = 0; i < len; i++) {
		switch (text[i]) {
		case '\n':
			line++;
			break;
		case '[':
		case '{':
			if (++depth > MAX_FLOW_DEPTH)
				return pbt_errf(err, PBT_ECONFIG,
						&(struct pbt_loc){ name, line, 0 },
						"invalid YAML: brackets nested more than %d deep",
						MAX_FLOW_DEPTH);
			break;
		case ']':
		case '}':
			if (depth)
				depth--;
			break;
		}
	}
	return 0;
}

/* More anchors (&name) and aliases (*name) than this are refused. */
#define MAX_ANCHORS 1000

static bool has_anchor(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return true;
	case YAML_SCALAR_EVENT:
		return ev->data.scalar.anchor != NULL;
	case YAML_SEQUENCE_START_EVENT:
		return ev->data.sequence_start.anchor != NULL;
	case YAML_MAPPING_START_EVENT:
		return ev->data.mapping_start.anchor != NULL;
	default:
		return false;
	}
}

/*
 * libyaml's loader compares each anchor and each alias with every anchor
 * so far: 40,000 anchors take 11 s, a few MB of them minutes.  A config
 * has no use for many, so a first pass over the events (linear) counts
 * them.  Syntax errors are left to the loader to report.
 */
static int check_anchors(const char *name, const char *text, size_t len,
			 struct pbt_err *err)
{
	yaml_parser_t p;
	yaml_event_t ev;
	size_t n = 0;
	bool done = false;
	int r = 0;

	if (!yaml_parser_initialize(&p))
		return 0;	/* the loader reports it */
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && !r && yaml_parser_parse(&p, &ev)) {
		if (has_anchor(&ev) && ++n > MAX_ANCHORS)
			r = pbt_errf(err, PBT_ECONFIG,
				     &(struct pbt_loc){ name, (unsigned)ev.start_mark.line + 1,
							(unsigned)ev.start_mark.column + 1 },
				     "invalid YAML: more than %d anchors and aliases",
				     MAX_ANCHORS);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return r;
}

int pbt_yaml_load(struct pbt_yaml *y, const char *name, const char *text,
		  size_t len, struct pbt_err *err)
{
	yaml_parser_t p;
	int ok, r;

	memset(y, 0, sizeof(*y));
	y->name = name;
	r = check_flow_depth(name, text, len, err);
	if (!r)
		r = check_anchors(name, text, len, err);
	if (r)
		return r;
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

int pbt_yaml_known_keys(struct pbt_yaml *y, yaml_node_t *m, const char *where,
			const char *const *known, struct pbt_err *err)
{
	yaml_node_t *k, *v;
	size_t i, j;

	for (i = 0; pbt_yaml_pair(y, m, i, &k, &v); i++) {
		const char *key = pbt_yaml_str(k);
		bool ok = false;

		for (j = 0; known[j] && !ok; j++)
			ok = key && !strcmp(key, known[j]);
		if (!ok)
			return pbt_yaml_errf(err, y, k,
					     "unknown key '%s' in %s",
					     key ? key : "?", where);
	}
	return 0;
}
