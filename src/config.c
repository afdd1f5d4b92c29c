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
	const char *w;
	size_t i;

	if (c->n_warnings >= PBT_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	w = pbt_arena_vprintf(c->arena, fmt, ap);
	va_end(ap);
	/* A rule named in both 'use' and 'except' warns once, as in buf. */
	for (i = 0; i < c->n_warnings; i++)
		if (!strcmp(c->warnings[i], w))
			return;
	c->warnings[c->n_warnings++] = w;
}

/* Warn that id is deprecated; list its replacements "A B" as "A, B". */
static void warn_replaced(struct pbt_breaking_config *c, const char *id,
			  const char *replaced_by)
{
	char list[256];
	size_t k, o = 0;

	for (k = 0; replaced_by[k] && o + 3 < sizeof(list); k++) {
		if (replaced_by[k] == ' ')
			list[o++] = ',';
		list[o++] = replaced_by[k];
	}
	list[o] = '\0';
	warn(c, "rule %s is deprecated; using %s instead", id, list);
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

	if (!id)
		return pbt_yaml_errf(err, y, n, "expected a rule or category ID");
	if (!*id)
		return 0;	/* buf skips empty IDs */
	cat = pbt_category_find(id, c->version);
	if (cat) {
		for (i = 0; i < pbt_n_rules; i++)
			if (pbt_rules[i].cats[c->version] & cat)
				set[i] = true;
		return 0;
	}
	r = pbt_rule_find(id);
	/* One line each, as buf's "is not a known rule or category ID". */
	if (!r)
		return pbt_yaml_errf(err, y, n, "unknown rule or category '%s'",
				     id);
	if (!pbt_rule_exists(r, c->version))
		return pbt_yaml_errf(err, y, n, "rule '%s' does not exist in "
				     "config version %s", id,
				     c->version == PBT_V2 ? "v2" :
				     c->version == PBT_V1 ? "v1" : "v1beta1");
	if (pbt_rule_deprecated(r)) {
		const char *p = r->replaced_by;

		if (!p) {
			warn(c, "rule %s is deprecated and checks nothing", id);
			set[pbt_rule_index(r)] = true;
			return 0;
		}
		warn_replaced(c, id, p);
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
		yaml_node_t *it = pbt_yaml_item(y, n, i);
		const char *id = pbt_yaml_str(it);

		r = expand_id(c, y, it, set, err);
		if (r)
			return r;
		if (id && *id)
			*any = true;
	}
	return 0;
}

/*
 * Go's path.Clean, which buf applies to ignore and module paths: empty
 * and "." components go, ".." removes the one before.  NULL when the
 * path climbs out of the root; "." for the root itself.
 */
static const char *clean_path(struct pbt_arena *a, const char *p)
{
	char *out = pbt_arena_alloc(a, strlen(p) + 2);
	size_t o = 0;

	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (!o)
				return NULL;
			while (o && out[o - 1] != '/')
				o--;
			if (o)
				o--;
		} else if (len && !(len == 1 && p[0] == '.')) {
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p += len;
		if (*p == '/')
			p++;
	}
	if (!o)
		out[o++] = '.';
	out[o] = '\0';
	return out;
}

/*
 * A list of ignore paths.  module: the v2 module the section belongs to
 * (NULL at top level); its paths are written relative to buf.yaml and
 * must lie inside the module, as buf requires.
 */
static int path_list(struct pbt_breaking_config *c, struct pbt_yaml *y, yaml_node_t *n,
		     const char *key, const char *module, struct pbt_pathlist *out,
		     struct pbt_err *err)
{
	size_t i, cnt = pbt_yaml_len(n);

	if (!n || pbt_yaml_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return pbt_yaml_errf(err, y, n, "'%s' must be a list of paths", key);
	out->v = pbt_arena_calloc(c->arena, cnt + out->n, sizeof(*out->v));
	for (i = 0; i < cnt; i++) {
		yaml_node_t *it = pbt_yaml_item(y, n, i);
		const char *s = pbt_yaml_str(it), *clean;

		if (!s || !*s)
			return pbt_yaml_errf(err, y, it, "'%s' entries must be paths", key);
		if (s[0] == '/')
			return pbt_yaml_errf(err, y, it,
					     "ignore path '%s' must be relative to the module root", s);
		clean = clean_path(c->arena, s);
		if (!clean)
			return pbt_yaml_errf(err, y, it, "ignore path '%s' is "
					     "outside the module root", s);
		if (module && !pbt_path_has_prefix(clean, module))
			return pbt_yaml_errf(err, y, it, "ignore path '%s' is "
					     "not inside module '%s' (paths "
					     "are relative to buf.yaml: "
					     "'%s/%s')", s, module, module,
					     clean);
		out->v[out->n++] = clean;
	}
	return 0;
}

/* A boolean key of m into *out (NULL: check only). */
static int bool_key(struct pbt_yaml *y, yaml_node_t *m, const char *key,
		    bool *out, struct pbt_err *err)
{
	yaml_node_t *v = pbt_yaml_get(y, m, key);
	bool dummy;

	if (v && !pbt_yaml_is_null(v) &&
	    !pbt_yaml_bool(v, out ? out : &dummy))
		return pbt_yaml_errf(err, y, v, "'%s' must be true or false",
				     key);
	return 0;
}

/* Is n, when present, a sequence (of rule IDs, not checked here)? */
static int id_list_shape(struct pbt_yaml *y, yaml_node_t *n, const char *key,
			 struct pbt_err *err)
{
	if (n && !pbt_yaml_is_null(n) && n->type != YAML_SEQUENCE_NODE)
		return pbt_yaml_errf(err, y, n, "'%s' must be a list of rule "
				     "or category IDs", key);
	return 0;
}

static int ignore_only_shape(struct pbt_yaml *y, yaml_node_t *io,
			     struct pbt_err *err)
{
	if (io->type != YAML_MAPPING_NODE)
		return pbt_yaml_errf(err, y, io, "'ignore_only' must map rule "
				     "or category IDs to paths");
	return 0;
}

/*
 * A `breaking:` section.  With module set it is a v2 module's own
 * section, which buf parses and checks (keys, types, paths inside the
 * module) but never applies to descriptor-set inputs: only the shape is
 * checked and c keeps the top-level settings.
 */
static int parse_breaking(struct pbt_breaking_config *c, struct pbt_yaml *y,
			  yaml_node_t *b, const char *module, struct pbt_err *err)
{
	static const char *const known[] = {
		"use", "except", "ignore", "ignore_only", "ignore_unstable_packages",
		"disable_builtin", NULL,
	};
	bool use[PBT_MAX_RULES] = { false }, except[PBT_MAX_RULES] = { false };
	bool any_use, any_except, disable = false, apply = !module;
	struct pbt_pathlist scratch = { NULL, 0 };
	yaml_node_t *k, *v, *io;
	size_t i, j;
	int r;

	if (pbt_yaml_is_null(b))
		return 0;
	if (b->type != YAML_MAPPING_NODE)
		return pbt_yaml_errf(err, y, b, "'breaking' must be a mapping");
	r = pbt_yaml_known_keys(y, b, "'breaking'", known, err);
	if (r)
		return r;
	if (!apply) {
		r = id_list_shape(y, pbt_yaml_get(y, b, "use"), "use", err);
		if (!r)
			r = id_list_shape(y, pbt_yaml_get(y, b, "except"),
					  "except", err);
		if (!r)
			r = path_list(c, y, pbt_yaml_get(y, b, "ignore"),
				      "ignore", module, &scratch, err);
		if (!r)
			r = bool_key(y, b, "ignore_unstable_packages", NULL,
				     err);
		if (!r)
			r = bool_key(y, b, "disable_builtin", NULL, err);
		if (r)
			return r;
		io = pbt_yaml_get(y, b, "ignore_only");
		if (!io || pbt_yaml_is_null(io))
			return 0;
		r = ignore_only_shape(y, io, err);
		for (i = 0; !r && pbt_yaml_pair(y, io, i, &k, &v); i++)
			r = path_list(c, y, v, pbt_yaml_str(k), module,
				      &scratch, err);
		return r;
	}
	r = id_list(c, y, pbt_yaml_get(y, b, "use"), "use", use, &any_use, err);
	if (r)
		return r;
	r = id_list(c, y, pbt_yaml_get(y, b, "except"), "except", except, &any_except, err);
	if (r)
		return r;
	r = bool_key(y, b, "disable_builtin", &disable, err);
	if (r)
		return r;
	for (i = 0; i < pbt_n_rules; i++) {
		bool on = any_use ? use[i] : pbt_rule_is_default(&pbt_rules[i], c->version);

		c->enabled[i] = on && !except[i] && !disable;
	}
	if (disable) {
		warn(c, "disable_builtin is set: no built-in rules run");
	} else {
		/* buf fails when nothing that checks anything is left. */
		bool any = false;

		for (i = 0; i < pbt_n_rules && !any; i++)
			any = c->enabled[i] && pbt_rules[i].check;
		if (!any)
			return pbt_yaml_errf(err, y, b, "no breaking rules "
					     "left to run ('except' removes "
					     "all of 'use', or 'use' has only "
					     "rules that check nothing)");
	}
	r = path_list(c, y, pbt_yaml_get(y, b, "ignore"), "ignore", NULL,
		      &c->ignore, err);
	if (r)
		return r;
	r = bool_key(y, b, "ignore_unstable_packages",
		     &c->ignore_unstable_packages, err);
	if (r)
		return r;
	io = pbt_yaml_get(y, b, "ignore_only");
	if (io && !pbt_yaml_is_null(io)) {
		r = ignore_only_shape(y, io, err);
		if (r)
			return r;
		for (i = 0; pbt_yaml_pair(y, io, i, &k, &v); i++) {
			bool ids[PBT_MAX_RULES] = { false };
			struct pbt_pathlist paths = { NULL, 0 };

			r = expand_id(c, y, k, ids, err);
			if (r)
				return r;
			r = path_list(c, y, v, pbt_yaml_str(k), NULL, &paths,
				      err);
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

/*
 * v2 `modules:`.  buf checks each entry, but for descriptor-set inputs
 * (all pbtable reads) it applies only the top-level `breaking:`, even
 * to a module at ".", so a module's own section is checked and then
 * left out, with a warning.
 */
static int parse_modules(struct pbt_breaking_config *c, struct pbt_yaml *y,
			 yaml_node_t *mods, struct pbt_err *err)
{
	static const char *const known[] = {
		"path", "name", "includes", "excludes", "lint", "breaking",
		NULL,
	};
	size_t i;
	int r;

	if (pbt_yaml_is_null(mods))
		return 0;
	if (mods->type != YAML_SEQUENCE_NODE)
		return pbt_yaml_errf(err, y, mods, "'modules' must be a list");
	for (i = 0; i < pbt_yaml_len(mods); i++) {
		yaml_node_t *m = pbt_yaml_item(y, mods, i), *pn, *b;
		const char *path = ".";

		if (m->type != YAML_MAPPING_NODE)
			return pbt_yaml_errf(err, y, m, "'modules' entries "
					     "must be mappings");
		r = pbt_yaml_known_keys(y, m, "a module", known, err);
		if (r)
			return r;
		pn = pbt_yaml_get(y, m, "path");
		if (pn && !pbt_yaml_is_null(pn)) {
			const char *s = pbt_yaml_str(pn);

			if (!s)
				return pbt_yaml_errf(err, y, pn, "module "
						     "'path' must be a path");
			if (s[0] == '/')
				return pbt_yaml_errf(err, y, pn, "module path "
						     "'%s' must be relative",
						     s);
			path = clean_path(c->arena, s);
			if (!path)
				return pbt_yaml_errf(err, y, pn, "module path "
						     "'%s' is outside the root",
						     s);
		}
		b = pbt_yaml_get(y, m, "breaking");
		if (!b)
			continue;
		r = parse_breaking(c, y, b, path, err);
		if (r)
			return r;
		warn(c, "%s:%u: module '%s' has its own 'breaking' section; "
		     "like buf, pbtable applies only the top-level one to "
		     "descriptor sets", y->name, pbt_yaml_line(b), path);
	}
	return 0;
}

/* Is this pbtable's own config file (version optional, other keys allowed)? */
static bool is_pbtable_yaml(const char *name)
{
	const char *base = strrchr(name, '/');

	return !strcmp(base ? base + 1 : name, "pbtable.yaml");
}

int pbt_breaking_config_parse(struct pbt_breaking_config *c, const char *name,
			      const char *text, size_t len, struct pbt_err *err)
{
	static const char *const keys_v1[] = {
		"version", "name", "deps", "build", "breaking", "lint", NULL,
	};
	static const char *const keys_v2[] = {
		"version", "name", "modules", "deps", "lint", "breaking",
		"plugins", "policies", NULL,
	};
	bool own = is_pbtable_yaml(name);
	struct pbt_yaml y;
	yaml_node_t *root, *ver, *b, *mods;
	size_t i;
	int r;

	c->source = pbt_arena_strdup(c->arena, name);
	r = pbt_yaml_load(&y, c->source, text, len, err);
	if (r)
		return r;
	root = pbt_yaml_root(&y);
	if (!root || pbt_yaml_is_null(root)) {
		pbt_yaml_release(&y);
		if (own)
			return 0;
		/* buf: "version" is not set (or EOF for an empty file). */
		return pbt_errf(err, PBT_ECONFIG,
				&(struct pbt_loc){ c->source, 1, 0 },
				"empty config: 'version' is not set "
				"(start with \"version: v2\")");
	}
	if (root->type != YAML_MAPPING_NODE) {
		r = pbt_yaml_errf(err, &y, root, "expected a mapping with "
				  "'version' and 'breaking'");
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
	} else if (own) {
		c->version = PBT_V1;	/* as without any config */
	} else {
		r = pbt_yaml_errf(err, &y, root, "'version' is not set (add "
				  "\"version: v2\", or v1, v1beta1)");
		goto out;
	}
	if (!own) {
		r = pbt_yaml_known_keys(&y, root,
					c->version == PBT_V2 ? "a v2 config" :
							       "a v1/v1beta1 config",
					c->version == PBT_V2 ? keys_v2 : keys_v1, err);
		if (r)
			goto out;
	}
	for (i = 0; i < pbt_n_rules; i++)
		c->enabled[i] = pbt_rule_is_default(&pbt_rules[i], c->version);
	b = pbt_yaml_get(&y, root, "breaking");
	if (b) {
		r = parse_breaking(c, &y, b, NULL, err);
		if (r)
			goto out;
	}
	mods = pbt_yaml_get(&y, root, "modules");
	if (c->version == PBT_V2 && mods)
		r = parse_modules(c, &y, mods, err);
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

	if (arg && *arg) {
		struct pbt_loc loc = { arg, 0, 0 };
		struct stat st;
		const char *ext = strrchr(arg, '.');

		if (is_file(arg)) {
			r = read_text(arg, &text, &len, err);
			if (!r)
				r = pbt_breaking_config_parse(c, arg, text, len, err);
			free(text);
			return r;
		}
		if (!stat(arg, &st) && S_ISDIR(st.st_mode))
			return pbt_errf(err, PBT_ECONFIG, &loc,
					"is a directory, not a config file");
		/* buf takes these names for files, anything else as text. */
		if (ext && (!strcmp(ext, ".yaml") || !strcmp(ext, ".yml") ||
			    !strcmp(ext, ".json")) && !strpbrk(arg, "{:\n"))
			return pbt_errf(err, PBT_ECONFIG, &loc,
					"cannot open config file: %s",
					strerror(errno));
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

/*
 * Skip a run of digits; true if there was one and its value is not 0
 * (buf refuses v0, v1p0alpha1 and v1alpha0 as versions: such packages
 * count as stable).
 */
static bool digits(const char **p)
{
	const char *s = *p;
	bool nonzero = false;

	while (**p >= '0' && **p <= '9') {
		if (**p != '0')
			nonzero = true;
		(*p)++;
	}
	return *p > s && nonzero;
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
 * vNalpha[M], vNbeta[M], vNpMalpha[K], vNpMbeta[K] or vNtest[...], with
 * numbers above 0; all but vN are unstable.  Checked against buf 1.75
 * on 40 package names (config_ignore_unstable_package_names).
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
		if (!*p)
			return true;
		return digits(&p) && !*p;
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
