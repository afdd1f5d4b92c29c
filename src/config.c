/*
 * buf.yaml's `breaking:` section: versions v1beta1/v1/v2, use/except with
 * rule and category IDs, deprecated IDs rewritten to their replacements,
 * ignore/ignore_only paths, ignore_unstable_packages.  Rule selection is
 * resolved here once; the rules themselves know nothing of config.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "desc_load.h"
#include "err.h"
#include "findings.h"
#include "yaml_doc.h"

void pbt_breaking_config_init(struct pbt_breaking_config *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->arena = pbt_arena_new();
	c->version = PBT_V1;
	for (i = 0; i < pbt_n_rules; i++)
		c->enabled[i] = pbt_rule_is_default(&pbt_rules[i], c->version);
}

void pbt_breaking_config_release(struct pbt_breaking_config *c)
{
	pbt_arena_free(c->arena);
	c->arena = NULL;
}

static void warn(struct pbt_breaking_config *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warn(struct pbt_breaking_config *c, const char *fmt, ...)
{
	va_list ap;

	if (c->n_warnings >= PBT_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	c->warnings[c->n_warnings++] = pbt_arena_vprintf(c->arena, fmt, ap);
	va_end(ap);
}

/*
 * Mark the rules an ID stands for in set[]: a category's members in this
 * version, a rule, or a deprecated rule's replacements.
 */
static int expand_id(struct pbt_breaking_config *c, struct pbt_yaml *y,
		     yaml_node_t *n, bool *set, struct pbt_err *err)
{
	const char *id = pbt_yaml_str(n);
	const struct pbt_rule *r;
	unsigned cat;
	size_t i;

	if (!id || !*id)
		return pbt_yaml_errf(err, y, n, "expected a rule or category ID");
	cat = pbt_category_find(id, c->version);
	if (cat) {
		for (i = 0; i < pbt_n_rules; i++)
			if (pbt_rules[i].cats[c->version] & cat)
				set[i] = true;
		return 0;
	}
	r = pbt_rule_find(id);
	if (!r || !pbt_rule_exists(r, c->version)) {
		pbt_yaml_errf(err, y, n, "unknown rule or category '%s'", id);
		if (r)
			pbt_err_detail(err, "'%s' does not exist in config version %s",
				       id, c->version == PBT_V2 ? "v2" :
				       c->version == PBT_V1 ? "v1" : "v1beta1");
		else
			pbt_err_detail(err, "run `pbtable rules` for the list");
		return -PBT_ECONFIG;
	}
	if (pbt_rule_deprecated(r)) {
		const char *p = r->replaced_by;

		if (!p) {
			warn(c, "rule %s is deprecated and checks nothing", id);
			set[pbt_rule_index(r)] = true;
			return 0;
		}
		warn(c, "rule %s is deprecated; running %s instead", id, p);
		while (*p) {
			char one[64];
			size_t len = strcspn(p, " ");
			const struct pbt_rule *rr;

			if (len >= sizeof(one))
				len = sizeof(one) - 1;
			memcpy(one, p, len);
			one[len] = '\0';
			rr = pbt_rule_find(one);
			if (rr)
				set[pbt_rule_index(rr)] = true;
			p += len;
			while (*p == ' ')
				p++;
		}
		return 0;
	}
	set[pbt_rule_index(r)] = true;
	return 0;
}

static int id_list(struct pbt_breaking_config *c, struct pbt_yaml *y, yaml_node_t *n,
		   const char *key, bool *set, bool *any, struct pbt_err *err)
{
	size_t i;
	int r;

	*any = false;
	if (!n || pbt_yaml_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return pbt_yaml_errf(err, y, n, "'%s' must be a list of rule or category IDs", key);
	for (i = 0; i < pbt_yaml_len(n); i++) {
		r = expand_id(c, y, pbt_yaml_item(y, n, i), set, err);
		if (r)
			return r;
		*any = true;
	}
	return 0;
}

/* Strip "./" and a trailing "/"; "." stays as the module root. */
static const char *clean_path(struct pbt_arena *a, const char *p)
{
	size_t n;

	while (p[0] == '.' && p[1] == '/')
		p += 2;
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	return pbt_arena_strndup(a, p, n);
}

static int path_list(struct pbt_breaking_config *c, struct pbt_yaml *y, yaml_node_t *n,
		     const char *key, const char *module, struct pbt_pathlist *out,
		     struct pbt_err *err)
{
	size_t i, cnt = pbt_yaml_len(n), ml = module ? strlen(module) : 0;

	if (!n || pbt_yaml_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return pbt_yaml_errf(err, y, n, "'%s' must be a list of paths", key);
	out->v = pbt_arena_calloc(c->arena, cnt + out->n, sizeof(*out->v));
	for (i = 0; i < cnt; i++) {
		yaml_node_t *it = pbt_yaml_item(y, n, i);
		const char *s = pbt_yaml_str(it);

		if (!s || !*s)
			return pbt_yaml_errf(err, y, it, "'%s' entries must be paths", key);
		if (s[0] == '/')
			return pbt_yaml_errf(err, y, it,
					     "ignore path '%s' must be relative to the module root", s);
		s = clean_path(c->arena, s);
		/* v2: paths are written relative to buf.yaml, module path included. */
		if (ml && !strncmp(s, module, ml) && (s[ml] == '/' || !s[ml]))
			s = s[ml] ? s + ml + 1 : ".";
		out->v[out->n++] = s;
	}
	return 0;
}

static int parse_breaking(struct pbt_breaking_config *c, struct pbt_yaml *y,
			  yaml_node_t *b, const char *module, struct pbt_err *err)
{
	static const char *const known[] = {
		"use", "except", "ignore", "ignore_only", "ignore_unstable_packages",
		"disable_builtin", NULL,
	};
	bool use[PBT_MAX_RULES] = { false }, except[PBT_MAX_RULES] = { false };
	bool any_use, any_except, disable = false;
	yaml_node_t *k, *v, *io;
	size_t i, j;
	int r;

	if (pbt_yaml_is_null(b))
		return 0;
	if (b->type != YAML_MAPPING_NODE)
		return pbt_yaml_errf(err, y, b, "'breaking' must be a mapping");
	for (i = 0; pbt_yaml_pair(y, b, i, &k, &v); i++) {
		const char *key = pbt_yaml_str(k);
		bool ok = false;

		for (j = 0; known[j] && !ok; j++)
			ok = key && !strcmp(key, known[j]);
		if (!ok)
			return pbt_yaml_errf(err, y, k, "unknown key '%s' in 'breaking'",
					     key ? key : "?");
	}
	r = id_list(c, y, pbt_yaml_get(y, b, "use"), "use", use, &any_use, err);
	if (r)
		return r;
	r = id_list(c, y, pbt_yaml_get(y, b, "except"), "except", except, &any_except, err);
	if (r)
		return r;
	v = pbt_yaml_get(y, b, "disable_builtin");
	if (v && !pbt_yaml_is_null(v) && !pbt_yaml_bool(v, &disable))
		return pbt_yaml_errf(err, y, v, "'disable_builtin' must be true or false");
	for (i = 0; i < pbt_n_rules; i++) {
		bool on = any_use ? use[i] : pbt_rule_is_default(&pbt_rules[i], c->version);

		c->enabled[i] = on && !except[i] && !disable;
	}
	if (disable)
		warn(c, "disable_builtin is set: no built-in rules run");
	r = path_list(c, y, pbt_yaml_get(y, b, "ignore"), "ignore", module, &c->ignore, err);
	if (r)
		return r;
	v = pbt_yaml_get(y, b, "ignore_unstable_packages");
	if (v && !pbt_yaml_is_null(v) && !pbt_yaml_bool(v, &c->ignore_unstable_packages))
		return pbt_yaml_errf(err, y, v, "'ignore_unstable_packages' must be true or false");
	io = pbt_yaml_get(y, b, "ignore_only");
	if (io && !pbt_yaml_is_null(io)) {
		if (io->type != YAML_MAPPING_NODE)
			return pbt_yaml_errf(err, y, io,
					     "'ignore_only' must map rule or category IDs to paths");
		for (i = 0; pbt_yaml_pair(y, io, i, &k, &v); i++) {
			bool ids[PBT_MAX_RULES] = { false };
			struct pbt_pathlist paths = { NULL, 0 };

			r = expand_id(c, y, k, ids, err);
			if (r)
				return r;
			r = path_list(c, y, v, pbt_yaml_str(k), module, &paths, err);
			if (r)
				return r;
			for (j = 0; j < pbt_n_rules; j++) {
				struct pbt_pathlist *pl = &c->ignore_only[j];
				const char **nv;

				if (!ids[j] || !paths.n)
					continue;
				nv = pbt_arena_calloc(c->arena, pl->n + paths.n, sizeof(*nv));
				if (pl->n)
					memcpy(nv, pl->v, pl->n * sizeof(*nv));
				memcpy(nv + pl->n, paths.v, paths.n * sizeof(*nv));
				pl->v = nv;
				pl->n += paths.n;
			}
		}
	}
	return 0;
}

int pbt_breaking_config_parse(struct pbt_breaking_config *c, const char *name,
			      const char *text, size_t len, struct pbt_err *err)
{
	struct pbt_yaml y;
	yaml_node_t *root, *ver, *b, *mods;
	const char *module = NULL;
	size_t i;
	int r;

	c->source = pbt_arena_strdup(c->arena, name);
	r = pbt_yaml_load(&y, c->source, text, len, err);
	if (r)
		return r;
	root = pbt_yaml_root(&y);
	if (!root || pbt_yaml_is_null(root)) {
		pbt_yaml_release(&y);
		return 0;
	}
	if (root->type != YAML_MAPPING_NODE) {
		r = pbt_yaml_errf(err, &y, root, "expected a mapping with 'version' and 'breaking'");
		goto out;
	}
	ver = pbt_yaml_get(&y, root, "version");
	if (ver) {
		const char *v = pbt_yaml_str(ver);

		if (v && !strcmp(v, "v1beta1"))
			c->version = PBT_V1BETA1;
		else if (v && !strcmp(v, "v1"))
			c->version = PBT_V1;
		else if (v && !strcmp(v, "v2"))
			c->version = PBT_V2;
		else {
			r = pbt_yaml_errf(err, &y, ver,
					  "unknown config version '%s' (want v1beta1, v1 or v2)",
					  v ? v : "?");
			goto out;
		}
	} else {
		/* buf reads a buf.yaml without a version as v1beta1. */
		c->version = PBT_V1BETA1;
	}
	for (i = 0; i < pbt_n_rules; i++)
		c->enabled[i] = pbt_rule_is_default(&pbt_rules[i], c->version);
	b = pbt_yaml_get(&y, root, "breaking");
	mods = pbt_yaml_get(&y, root, "modules");
	if (!b && c->version == PBT_V2 && mods && mods->type == YAML_SEQUENCE_NODE) {
		/* v2: a module's own section replaces the top-level one; an
		 * image carries no module boundaries, so the first module
		 * with a section stands for all. */
		for (i = 0; i < pbt_yaml_len(mods) && !b; i++) {
			yaml_node_t *m = pbt_yaml_item(&y, mods, i);

			b = pbt_yaml_get(&y, m, "breaking");
			if (b)
				module = pbt_yaml_str(pbt_yaml_get(&y, m, "path"));
		}
	}
	if (b)
		r = parse_breaking(c, &y, b, module, err);
out:
	pbt_yaml_release(&y);
	return r;
}

static int read_text(const char *path, char **text, size_t *len, struct pbt_err *err)
{
	unsigned char *data;
	int r = pbt_read_file(path, &data, len, err);

	if (r) {
		err->code = PBT_ECONFIG;
		return -PBT_ECONFIG;
	}
	*text = (char *)data;
	return 0;
}

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static bool has_breaking_section(const char *text, size_t len)
{
	struct pbt_yaml y;
	struct pbt_err e;
	bool has;

	if (pbt_yaml_load(&y, "pbtable.yaml", text, len, &e))
		return true;	/* let the real parse report the error */
	has = pbt_yaml_get(&y, pbt_yaml_root(&y), "breaking") != NULL;
	pbt_yaml_release(&y);
	return has;
}

int pbt_breaking_config_load(struct pbt_breaking_config *c, const char *arg,
			     struct pbt_err *err)
{
	char *text = NULL;
	size_t len;
	int r;

	if (arg) {
		if (is_file(arg)) {
			r = read_text(arg, &text, &len, err);
			if (!r)
				r = pbt_breaking_config_parse(c, arg, text, len, err);
			free(text);
			return r;
		}
		/* Not a file: the config itself, as buf accepts it. */
		if (!strchr(arg, ':') && !strchr(arg, '{'))
			return pbt_errf(err, PBT_ECONFIG, &(struct pbt_loc){ arg, 0, 0 },
					"no such config file (and not YAML/JSON config text)");
		return pbt_breaking_config_parse(c, "--config", arg, strlen(arg), err);
	}
	if (is_file("pbtable.yaml")) {
		r = read_text("pbtable.yaml", &text, &len, err);
		if (r)
			return r;
		if (has_breaking_section(text, len)) {
			r = pbt_breaking_config_parse(c, "pbtable.yaml", text, len, err);
			free(text);
			return r;
		}
		free(text);
		text = NULL;
	}
	if (is_file("buf.yaml")) {
		r = read_text("buf.yaml", &text, &len, err);
		if (!r)
			r = pbt_breaking_config_parse(c, "buf.yaml", text, len, err);
		free(text);
		return r;
	}
	return 0;
}

/* ---------------------------------------------------------------- ignores */

bool pbt_path_has_prefix(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!strcmp(prefix, "."))
		return true;
	return !strncmp(path, prefix, n) && (path[n] == '\0' || path[n] == '/');
}

static bool digits(const char **p)
{
	const char *s = *p;

	while (**p >= '0' && **p <= '9')
		(*p)++;
	return *p > s;
}

static bool starts(const char **p, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*p, word, n))
		return false;
	*p += n;
	return true;
}

/*
 * buf's protoversion: the last of >= 2 package components is vN,
 * vNalphaM, vNbetaM, vNpMalphaK, vNpMbetaK or vNtest[...]; all but vN are
 * unstable.
 */
bool pbt_package_unstable(const char *pkg)
{
	const char *last = strrchr(pkg, '.'), *p;

	if (!last || !last[1])
		return false;
	p = last + 1;
	if (*p++ != 'v' || !digits(&p))
		return false;
	if (!*p)
		return false;
	if (starts(&p, "test"))
		return true;
	if (*p == 'p') {
		p++;
		if (!digits(&p))
			return false;
	}
	if (starts(&p, "alpha") || starts(&p, "beta")) {
		digits(&p);
		return !*p;
	}
	return false;
}

static bool ignored_side(const struct pbt_breaking_config *c, size_t rule,
			 const char *path, const char *package, bool is_import)
{
	const struct pbt_pathlist *io = &c->ignore_only[rule];
	size_t i;

	if (!path)
		return false;
	if (c->exclude_imports && is_import)
		return true;
	if (c->ignore_unstable_packages && package && pbt_package_unstable(package))
		return true;
	for (i = 0; i < c->ignore.n; i++)
		if (pbt_path_has_prefix(path, c->ignore.v[i]))
			return true;
	for (i = 0; i < io->n; i++)
		if (pbt_path_has_prefix(path, io->v[i]))
			return true;
	return false;
}

bool pbt_breaking_config_ignores(const struct pbt_breaking_config *c,
				 const struct pbt_finding *f)
{
	const struct pbt_rule *r = pbt_rule_find(f->rule);
	size_t idx = r ? pbt_rule_index(r) : 0;

	return ignored_side(c, idx, f->path, f->package, f->is_import) ||
	       ignored_side(c, idx, f->prev_path, f->prev_package, f->prev_is_import);
}
