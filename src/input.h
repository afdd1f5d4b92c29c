#ifndef PBT_INPUT_H
#define PBT_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "map.h"
#include "pbt.h"

struct pbt_arena;
struct pbt_err;
struct pbt_schema;

/*
 * Turn an input argument into a loaded schema, the way `buf breaking`
 * takes its inputs:
 *   - a descriptor set: "-", a name ending in .binpb/.pb/.bin, or any other
 *     regular file that is not a .proto file;
 *   - sources: a directory, or one .proto file, compiled by protoc
 *     (--include_imports --include_source_info) with the proto roots;
 *   - "git:REF[:SUBDIR]": the same sources as they were in commit REF
 *     ("git:latest-tag": the newest tag reachable from HEAD), taken with
 *     `git archive` into a temporary directory; the user's work tree,
 *     index and stash are never touched.
 * Files of a source input that are there only because a target imports
 * them are marked as imports (buf's is_import).  --path/--exclude-path
 * keep the files under those paths and their imports (buf's image
 * filtering), on every input alike.
 *
 * Spawning protoc, git and tar is this module's job, but it prints
 * nothing: their standard error comes back in err->detail.
 */
struct pbt_input_opts {
	struct pbt_sources src;		/* protoc and -I */
	const char *config;		/* --config (file or text): build.roots */
	const char *const *paths;	/* --path (file system paths or set names) */
	size_t n_paths;
	const char *const *exclude_paths;
	size_t n_exclude_paths;
	const char *mirror;		/* NEW: what git:REF without SUBDIR rebuilds */
};

/*
 * What every input of one run shares: the proto roots (from the options or
 * build.roots of pbtable.yaml/buf.yaml) and --path/--exclude-path turned
 * into names inside the set.  Read-only once set up, so inputs can load in
 * parallel threads.
 */
struct pbt_input_plan {
	struct pbt_arena *arena;
	const char *protoc;
	const char **roots;		/* as given, relative to the cwd */
	size_t n_roots;			/* 0: each source input is its own root */
	const char *roots_from;		/* "-I", or the config file that named them */
	const char **paths, **exclude;
	size_t n_paths, n_exclude;
	const char *mirror;
};

/* Returns 0 or -PBT_ECONFIG/-PBT_EUSAGE; release with pbt_input_plan_release(). */
int pbt_input_plan_init(struct pbt_input_plan *p, const struct pbt_input_opts *o,
			struct pbt_err *err);
void pbt_input_plan_release(struct pbt_input_plan *p);

struct pbt_input {
	struct pbt_schema *schema;
	/* Source inputs: set name -> the path a user sees (root/name, relative
	 * to the cwd, as buf reports source files).  Empty for other inputs. */
	struct pbt_map shown;
	struct pbt_arena *arena;
};

/*
 * Load arg.  is_new: NEW must hold files (an OLD without any, like a
 * commit before the first .proto file, is an empty schema: nothing to
 * break).  On success in->schema is set; release with
 * pbt_input_release().  On error returns -PBT_E* with err naming arg.
 */
int pbt_input_load(struct pbt_input *in, const struct pbt_input_plan *p,
		   const char *arg, bool is_new, struct pbt_err *err);
void pbt_input_release(struct pbt_input *in);

/*
 * One input of a command other than `breaking` (ddl, migrate, history,
 * lock update, drift): a descriptor set is loaded as it is, without
 * reading any config; sources and git:REF go through pbt_input_load()
 * with src's protoc and roots (none: build.roots of config, else the
 * input).  mirror: the directory git:REF without SUBDIR rebuilds (NULL:
 * the current one).  Returns the schema (pbt_schema_free()), or NULL
 * with err set.
 */
struct pbt_schema *pbt_input_schema(const char *arg, const struct pbt_sources *src,
				    const char *config, const char *mirror,
				    bool is_new, struct pbt_err *err);
/* The same, keeping the input (its shown paths) in *in: release it with
 * pbt_input_release(); in->schema may be taken (set it to NULL). */
int pbt_input_open(struct pbt_input *in, const char *arg,
		   const struct pbt_sources *src, const char *config,
		   const char *mirror, bool is_new, struct pbt_err *err);

/* The path to show for set file `name`: its source path, or name itself. */
const char *pbt_input_shown_path(const struct pbt_input *in, const char *name);

#endif
