#ifndef PBT_CONFIG_H
#define PBT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "rules.h"

struct pbt_arena;
struct pbt_err;
struct pbt_finding;

#define PBT_MAX_RULES 80
#define PBT_MAX_WARNINGS 16

struct pbt_pathlist {
	const char **v;
	size_t n;
};

/*
 * The `breaking:` section of a buf.yaml (v1beta1, v1, v2) or pbtable.yaml,
 * resolved to the set of rules to run and the ignores to apply.
 */
struct pbt_breaking_config {
	struct pbt_arena *arena;
	const char *source;		/* file it came from; NULL = built-in defaults */
	enum pbt_config_version version;
	bool enabled[PBT_MAX_RULES];	/* by pbt_rule_index() */
	struct pbt_pathlist ignore;
	struct pbt_pathlist ignore_only[PBT_MAX_RULES];
	bool ignore_unstable_packages;
	bool exclude_imports;		/* from the command line */
	const char *warnings[PBT_MAX_WARNINGS];	/* deprecations, for stderr */
	size_t n_warnings;
};

/* buf's behaviour without a config: v1, default (FILE) rules. */
void pbt_breaking_config_init(struct pbt_breaking_config *c);
void pbt_breaking_config_release(struct pbt_breaking_config *c);

/*
 * Parse a config document (YAML or JSON text).  `name` names it in
 * errors.  As in buf, `version` is required and unknown top-level keys
 * are errors, except in a file named pbtable.yaml (pbtable's own: v1
 * when unversioned, other sections allowed).  A document without a
 * `breaking:` section leaves the defaults of its version.  v2 `modules:`
 * entries are checked, but their own `breaking:` sections are not
 * applied (buf applies only the top-level one to image inputs); that
 * gives a warning.  Ignore paths are cleaned like Go's path.Clean.
 * A selection that leaves no rule to run is an error, as in buf.
 * Returns 0 or -PBT_ECONFIG with file:line in err.
 */
int pbt_breaking_config_parse(struct pbt_breaking_config *c, const char *name,
			      const char *text, size_t len, struct pbt_err *err);

/*
 * Load the config the way `breaking --config ARG` does: ARG is a file
 * path if such a file exists (a missing *.yaml, *.yml or *.json is an
 * error), else the config text itself.  With ARG NULL or "", use
 * ./pbtable.yaml when it has a breaking section, else ./buf.yaml, else
 * the defaults.
 */
int pbt_breaking_config_load(struct pbt_breaking_config *c, const char *arg,
			     struct pbt_err *err);

/* Is a finding dropped by ignore, ignore_only, ignore_unstable_packages
 * or --exclude-imports (either its NEW or OLD side)? */
bool pbt_breaking_config_ignores(const struct pbt_breaking_config *c,
				 const struct pbt_finding *f);

/* Is pkg versioned alpha/beta/test (v1alpha, v1beta2, v1p1beta1, v1test)? */
bool pbt_package_unstable(const char *pkg);

/* Does path equal prefix or lie under directory prefix? */
bool pbt_path_has_prefix(const char *path, const char *prefix);

#endif
