#ifndef PBT_YAML_DOC_H
#define PBT_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

struct pbt_err;

/*
 * A YAML (or JSON) document loaded with libyaml, with the few accessors
 * configuration parsing needs.  Every error names the document and the
 * 1-based line and column of the node.
 */
struct pbt_yaml {
	yaml_document_t doc;
	bool loaded;
	const char *name;	/* file name or "--config", as given */
};

int pbt_yaml_load(struct pbt_yaml *y, const char *name, const char *text,
		  size_t len, struct pbt_err *err);
void pbt_yaml_release(struct pbt_yaml *y);

/* Root node, or NULL for an empty document. */
yaml_node_t *pbt_yaml_root(struct pbt_yaml *y);
/* Value for key in a mapping node, or NULL (also when m is not a mapping). */
yaml_node_t *pbt_yaml_get(struct pbt_yaml *y, yaml_node_t *m, const char *key);
/* The i-th key/value of a mapping; false past the end. */
bool pbt_yaml_pair(struct pbt_yaml *y, yaml_node_t *m, size_t i,
		   yaml_node_t **key, yaml_node_t **value);
/* Number of items of a sequence node (0 for other nodes). */
size_t pbt_yaml_len(yaml_node_t *seq);
yaml_node_t *pbt_yaml_item(struct pbt_yaml *y, yaml_node_t *seq, size_t i);
/* A scalar's text, or NULL when n is not a scalar. */
const char *pbt_yaml_str(yaml_node_t *n);
/* An empty scalar, or an explicit null (`~`, `null`). */
bool pbt_yaml_is_null(yaml_node_t *n);
/* Parse a boolean scalar (true/false/yes/no/on/off). */
bool pbt_yaml_bool(yaml_node_t *n, bool *out);

unsigned pbt_yaml_line(yaml_node_t *n);
unsigned pbt_yaml_col(yaml_node_t *n);
/* Fill err at the first key of mapping m that is not in known[] (NULL
 * ends it): "unknown key 'k' in <where>".  Returns 0 or -PBT_ECONFIG. */
int pbt_yaml_known_keys(struct pbt_yaml *y, yaml_node_t *m, const char *where,
			const char *const *known, struct pbt_err *err);
/* Fill err (PBT_ECONFIG) at node n of y; returns -PBT_ECONFIG. */
int pbt_yaml_errf(struct pbt_err *err, struct pbt_yaml *y, yaml_node_t *n,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
