/*
 * Inputs of `breaking`: descriptor sets as they are, sources through
 * protoc, commits through `git archive` and then protoc.  This module
 * spawns those programs (posix_spawn, no shell), reads what they leave in
 * a private temporary directory and removes it again; it never prints.
 * Which files to keep (--path, imports) is decided in one callback that
 * runs on the unpacked set before schema.c indexes it.  Paths are handled
 * lexically: files named by --path may not exist any more.
 */
#include "input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "desc_load.h"
#include "err.h"
#include "schema.h"
#include "yaml_doc.h"

extern char **environ;

/* Deeper source trees than this are not walked (symlink loops). */
#define MAX_WALK_DEPTH 64

/* ---------------------------------------------------------------- paths */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * p with "." and empty components removed and ".." applied lexically;
 * ".." that climbs above a relative start is kept.  "" becomes ".".
 */
static char *path_norm(struct pbt_arena *a, const char *p)
{
	size_t n = strlen(p), len = 0;
	char *out = pbt_arena_alloc(a, n + 2);
	bool abs = p[0] == '/';
	size_t floor = abs ? 1 : 0;	/* what ".." may not remove */

	if (abs)
		out[len++] = '/';
	while (*p) {
		size_t c = strcspn(p, "/");

		if (!c || (c == 1 && p[0] == '.')) {
			/* nothing */
		} else if (c == 2 && p[0] == '.' && p[1] == '.' && len > floor) {
			size_t cut = len;

			while (cut > floor && out[cut - 1] != '/')
				cut--;
			if (len - cut == 2 && out[cut] == '.' && out[cut + 1] == '.') {
				/* "../.." stays: append */
				out[len++] = '/';
				memcpy(out + len, "..", 2);
				len += 2;
				floor = len;
			} else {
				len = cut > floor ? cut - 1 : cut;
			}
		} else if (c == 2 && p[0] == '.' && p[1] == '.' && abs) {
			/* "/.." is "/" */
		} else {
			if (len > (abs ? 1 : 0))
				out[len++] = '/';
			memcpy(out + len, p, c);
			len += c;
			if (c == 2 && p[0] == '.' && p[1] == '.')
				floor = len;
		}
		p += c;
		while (*p == '/')
			p++;
	}
	if (!len)
		out[len++] = '.';
	out[len] = '\0';
	return out;
}

static char *path_join(struct pbt_arena *a, const char *dir, const char *name)
{
	return path_norm(a, pbt_arena_printf(a, "%s/%s", dir, name));
}

/* p as an absolute, normalised path (relative to cwd). */
static char *path_abs(struct pbt_arena *a, const char *cwd, const char *p)
{
	return p[0] == '/' ? path_norm(a, p) : path_join(a, cwd, p);
}

/* The rest of absolute p below absolute dir ("" for dir itself), or NULL. */
static const char *path_under(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return p + 1;
	if (strncmp(p, dir, n))
		return NULL;
	if (p[n] == '\0')
		return p + n;
	return p[n] == '/' ? p + n + 1 : NULL;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static bool exists(const char *p)
{
	struct stat st;

	return !stat(p, &st);
}

static char *cwd_of(struct pbt_arena *a)
{
	char buf[4096];

	if (!getcwd(buf, sizeof(buf)))
		return pbt_arena_strdup(a, ".");
	return pbt_arena_strdup(a, buf);
}

/* ---------------------------------------------------------------- temp dir */

static void rm_rf(const char *path, int depth)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st))
		return;
	if (!S_ISDIR(st.st_mode) || depth > MAX_WALK_DEPTH + 8) {
		unlink(path);
		return;
	}
	d = opendir(path);
	if (d) {
		while ((e = readdir(d))) {
			struct pbt_buf b = PBT_BUF_INIT;

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			pbt_buf_addf(&b, "%s/%s", path, e->d_name);
			rm_rf(b.buf, depth + 1);
			pbt_buf_release(&b);
		}
		closedir(d);
	}
	rmdir(path);
}

static char *make_workdir(struct pbt_arena *a, const char *arg, struct pbt_err *err)
{
	const char *tmp = getenv("TMPDIR");
	char *t;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	t = pbt_arena_printf(a, "%s/pbtable-XXXXXX", tmp);
	if (!mkdtemp(t)) {
		pbt_errf(err, PBT_EINPUT, &(struct pbt_loc){ arg, 0, 0 },
			 "cannot create a temporary directory in '%s': %s", tmp,
			 strerror(errno));
		return NULL;
	}
	return t;
}

/* ---------------------------------------------------------------- spawning */

/*
 * Run argv (searched on PATH) with stdin from /dev/null, stdout to out_path
 * (NULL: /dev/null) and stderr to err_path.  Returns 0 and the wait status
 * in *status, or the errno of a program that could not be started.
 */
/*
 * Is prog runnable (a path, or a name on $PATH)?  Checked before spawning
 * because posix_spawnp reports a missing program differently depending on
 * how the C library (or valgrind) implements it; an error must not.
 */
static int findable(const char *prog)
{
	const char *path = getenv("PATH"), *p;
	char buf[4096];

	if (strchr(prog, '/'))
		return access(prog, X_OK) ? errno : 0;
	if (!path)
		path = "/usr/bin:/bin";
	for (p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n && n + strlen(prog) + 2 < sizeof(buf)) {
			memcpy(buf, p, n);
			buf[n] = '/';
			strcpy(buf + n + 1, prog);
			if (!access(buf, X_OK))
				return 0;
		}
		if (!end)
			return ENOENT;
		p = end;
	}
}

static int run(const char *const *argv, const char *out_path, const char *err_path,
	       int *status)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int r;

	r = findable(argv[0]);
	if (r)
		return r;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, err_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r)
		return r;
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR) {
			*status = -1;
			return 0;
		}
	return 0;
}

static bool exited_ok(int status)
{
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A small output file as an arena string, trailing white space cut. */
static char *slurp(struct pbt_arena *a, const char *path)
{
	unsigned char *data;
	size_t len;
	struct pbt_err e;
	char *s;

	if (pbt_read_file(path, &data, &len, &e))
		return pbt_arena_strdup(a, "");
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r' ||
		       data[len - 1] == ' ' || data[len - 1] == '\t'))
		len--;
	s = pbt_arena_strndup(a, (const char *)data, len);
	free(data);
	return s;
}

/* Put a program's standard error into err: first line in msg after
 * prefix, the rest in detail. */
static int tool_error(struct pbt_err *err, const char *arg, const char *prefix,
		      const char *text, const char *fallback)
{
	size_t n = strcspn(text, "\n");

	if (!*text)
		return pbt_errf(err, PBT_EINPUT, &(struct pbt_loc){ arg, 0, 0 },
				"%s%s", prefix, fallback);
	pbt_errf(err, PBT_EINPUT, &(struct pbt_loc){ arg, 0, 0 }, "%s%.*s",
		 prefix, (int)n, text);
	if (text[n])
		pbt_err_detail(err, "%s", text + n + 1);
	return -PBT_EINPUT;
}

/* ---------------------------------------------------------------- plan */

/* build.roots of a pbtable.yaml or (v1beta1) buf.yaml, relative to it. */
static int config_roots(struct pbt_input_plan *p, const char *name,
			const char *dir, const char *text, size_t len,
			struct pbt_err *err)
{
	struct pbt_yaml y;
	yaml_node_t *roots;
	size_t i;
	int r = 0;

	if (pbt_yaml_load(&y, name, text, len, err))
		return -PBT_ECONFIG;
	roots = pbt_yaml_get(&y, pbt_yaml_get(&y, pbt_yaml_root(&y), "build"), "roots");
	if (roots && !pbt_yaml_is_null(roots)) {
		if (roots->type != YAML_SEQUENCE_NODE) {
			r = pbt_yaml_errf(err, &y, roots,
					  "'build.roots' must be a list of directories");
			goto out;
		}
		p->n_roots = pbt_yaml_len(roots);
		p->roots = pbt_arena_calloc(p->arena, p->n_roots + 1, sizeof(*p->roots));
		for (i = 0; i < p->n_roots; i++) {
			yaml_node_t *n = pbt_yaml_item(&y, roots, i);
			const char *s = pbt_yaml_str(n);

			if (!s || !*s) {
				r = pbt_yaml_errf(err, &y, n, "expected a directory");
				goto out;
			}
			p->roots[i] = s[0] == '/' ? pbt_arena_strdup(p->arena, s) :
				      path_join(p->arena, dir, s);
		}
		p->roots_from = pbt_arena_strdup(p->arena, name);
	}
out:
	pbt_yaml_release(&y);
	return r;
}

static int roots_from_config(struct pbt_input_plan *p, const char *config,
			     struct pbt_err *err)
{
	static const char *const defaults[] = { "pbtable.yaml", "buf.yaml", NULL };
	const char *const *d;
	unsigned char *data;
	size_t len;
	int r;

	if (config && !is_dir(config) && exists(config)) {
		const char *slash = strrchr(config, '/');
		const char *dir = slash ? pbt_arena_strndup(p->arena, config,
							    (size_t)(slash - config)) : ".";

		if (pbt_read_file(config, &data, &len, err)) {
			err->code = PBT_ECONFIG;
			return -PBT_ECONFIG;
		}
		r = config_roots(p, config, dir, (const char *)data, len, err);
		free(data);
		return r;
	}
	if (config)	/* config text: it may name roots too */
		return config_roots(p, "--config", ".", config, strlen(config), err);
	for (d = defaults; *d; d++) {
		if (!exists(*d))
			continue;
		if (pbt_read_file(*d, &data, &len, err)) {
			err->code = PBT_ECONFIG;
			return -PBT_ECONFIG;
		}
		r = config_roots(p, *d, ".", (const char *)data, len, err);
		free(data);
		if (r || p->n_roots)
			return r;
	}
	return 0;
}

/*
 * --path values name files or directories either inside the set
 * ("a/b.proto") or on disk below a root ("proto/a/b.proto" with -I proto):
 * take the latter to set names, as buf does for source inputs.
 */
static const char *set_name(struct pbt_input_plan *p, const char *cwd,
			    const char *path)
{
	const char *abs = path_abs(p->arena, cwd, path);
	size_t i;

	for (i = 0; i < p->n_roots; i++) {
		const char *rest = path_under(abs, path_abs(p->arena, cwd, p->roots[i]));

		if (rest)
			return *rest ? rest : ".";
	}
	if (p->mirror && is_dir(p->mirror) && !p->n_roots) {
		const char *rest = path_under(abs, path_abs(p->arena, cwd, p->mirror));

		if (rest)
			return *rest ? rest : ".";
	}
	return path_norm(p->arena, path);
}

int pbt_input_plan_init(struct pbt_input_plan *p, const struct pbt_input_opts *o,
			struct pbt_err *err)
{
	const char *cwd;
	size_t i;
	int r;

	memset(p, 0, sizeof(*p));
	p->arena = pbt_arena_new();
	cwd = cwd_of(p->arena);
	p->protoc = o->src.protoc ? pbt_arena_strdup(p->arena, o->src.protoc) : "protoc";
	p->mirror = o->mirror ? pbt_arena_strdup(p->arena, o->mirror) : NULL;
	if (o->src.n_proto_paths) {
		p->n_roots = o->src.n_proto_paths;
		p->roots = pbt_arena_calloc(p->arena, p->n_roots, sizeof(*p->roots));
		for (i = 0; i < p->n_roots; i++)
			p->roots[i] = pbt_arena_strdup(p->arena, o->src.proto_paths[i]);
		p->roots_from = "-I";
	} else {
		r = roots_from_config(p, o->config, err);
		if (r)
			return r;
	}
	p->n_paths = o->n_paths;
	p->paths = pbt_arena_calloc(p->arena, o->n_paths + 1, sizeof(*p->paths));
	for (i = 0; i < o->n_paths; i++)
		p->paths[i] = set_name(p, cwd, o->paths[i]);
	p->n_exclude = o->n_exclude_paths;
	p->exclude = pbt_arena_calloc(p->arena, o->n_exclude_paths + 1, sizeof(*p->exclude));
	for (i = 0; i < o->n_exclude_paths; i++)
		p->exclude[i] = set_name(p, cwd, o->exclude_paths[i]);
	return 0;
}

void pbt_input_plan_release(struct pbt_input_plan *p)
{
	pbt_arena_free(p->arena);
	memset(p, 0, sizeof(*p));
}

/* ---------------------------------------------------------------- selection */

struct select {
	const struct pbt_map *targets;	/* NULL: every file is a target */
	const struct pbt_input_plan *plan;
	const char *arg;
	bool is_new;
	struct pbt_arena *tmp;
};

static bool under_any(const char *name, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pbt_path_has_prefix(name, v[i]))
			return true;
	return false;
}

static int select_files(pbt_file_set *fds, bool *imp,
			void *data, struct pbt_err *err)
{
	struct select *s = data;
	const struct pbt_input_plan *p = s->plan;
	bool filter = p->n_paths || p->n_exclude;
	size_t n = fds->n_file, i, j, out = 0, top = 0;
	bool *keep = pbt_arena_calloc(s->tmp, n, sizeof(*keep));
	size_t *stack = pbt_arena_calloc(s->tmp, n, sizeof(*stack));
	struct pbt_map index;

	pbt_map_init(&index, s->tmp, n);
	for (i = 0; i < n; i++) {
		const char *name = fds->file[i]->name;
		bool target = !s->targets || pbt_map_get(s->targets, name);

		pbt_map_put(&index, name, &fds->file[i]);
		imp[i] = !target;
		keep[i] = !filter ||
			  ((!p->n_paths || under_any(name, p->paths, p->n_paths)) &&
			   !under_any(name, p->exclude, p->n_exclude));
		if (filter && keep[i])
			stack[top++] = i;
	}
	/* buf keeps what the chosen files import, marked as imports. */
	while (top) {
		const pbt_file_proto *f = fds->file[stack[--top]];

		for (j = 0; j < f->n_dependency; j++) {
			pbt_file_proto **d =
				pbt_map_get(&index, f->dependency[j]);
			size_t k;

			if (!d)
				continue;	/* desc_load made sure it cannot be */
			k = (size_t)(d - fds->file);
			if (!keep[k]) {
				keep[k] = true;
				imp[k] = true;
				stack[top++] = k;
			}
		}
	}
	for (i = 0; i < n; i++)
		if (keep[i]) {
			fds->file[out] = fds->file[i];
			imp[out] = imp[i];
			out++;
		}
	fds->n_file = out;
	if (!out && s->is_new)
		return pbt_errf(err, PBT_EINPUT, &(struct pbt_loc){ s->arg, 0, 0 },
				"no file is left after --path/--exclude-path");
	return 0;
}

/* ---------------------------------------------------------------- sources */

struct source {
	const char *arg;		/* as the user named the input */
	const char *src;		/* directory or .proto file on disk */
	const char **roots;
	size_t n_roots;
	const char *work;		/* private temporary directory */
	bool is_new;
	bool show;			/* record shown paths (not for git trees) */
};

struct names {
	const char **v;
	size_t n, cap;
};

static void names_add(struct names *ns, const char *s)
{
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 64;
		ns->v = pbt_xrealloc(ns->v, ns->cap * sizeof(*ns->v));
	}
	ns->v[ns->n++] = s;
}

static void walk(struct pbt_arena *a, const char *dir, int depth, struct names *out)
{
	DIR *d;
	struct dirent *e;

	if (depth > MAX_WALK_DEPTH)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		const char *p;

		if (e->d_name[0] == '.')	/* ., .., .git, editor files */
			continue;
		p = pbt_arena_printf(a, "%s/%s", dir, e->d_name);
		if (is_dir(p))
			walk(a, p, depth + 1, out);
		else if (has_suffix(e->d_name, ".proto"))
			names_add(out, p);
	}
	closedir(d);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int compile(struct pbt_input *in, const struct pbt_input_plan *p,
		   const struct source *so, struct pbt_err *err)
{
	struct pbt_arena *a = in->arena;
	struct pbt_loc loc = { so->arg, 0, 0 };
	const char *cwd = cwd_of(a);
	bool dir = is_dir(so->src);
	struct names files = { NULL, 0, 0 };
	struct pbt_map targets;
	struct pbt_buf args = PBT_BUF_INIT;
	const char *argfile, *errfile, *setfile, *argv[3];
	const char **rabs = pbt_arena_calloc(a, so->n_roots + 1, sizeof(*rabs));
	struct select sel = { NULL, p, so->arg, so->is_new, a };
	unsigned char *data = NULL;
	size_t len, i, j, n_targets = 0, n_found;
	FILE *f;
	int r, status;

	for (j = 0; j < so->n_roots; j++)
		rabs[j] = path_abs(a, cwd, so->roots[j]);
	if (dir)
		walk(a, so->src, 0, &files);
	else
		names_add(&files, so->src);
	if (files.n)
		qsort(files.v, files.n, sizeof(*files.v), cmp_str);
	pbt_map_init(&targets, a, files.n);
	for (i = 0; i < files.n; i++) {
		const char *abs = path_abs(a, cwd, files.v[i]), *name = NULL;

		for (j = 0; j < so->n_roots && !name; j++) {
			const char *rest = path_under(abs, rabs[j]);

			if (rest && *rest)
				name = rest;
		}
		if (!name && !dir) {
			free(files.v);
			pbt_errf(err, PBT_EINPUT, &loc, "not under any proto root");
			return pbt_err_detail(err, "name the root that holds it with -I");
		}
		if (name && !pbt_map_put(&targets, name, (void *)path_norm(a, files.v[i]))) {
			n_targets++;
			pbt_buf_addf(&args, "%s\n", name);
		}
	}
	n_found = files.n;
	free(files.v);
	if (!n_targets) {
		pbt_buf_release(&args);
		/* OLD without any .proto file (a commit before the first one)
		 * is empty; files outside every root are a mistake either side. */
		if (!so->is_new && !n_found) {
			in->schema = pbt_schema_new_empty(so->arg);
			return 0;
		}
		pbt_errf(err, PBT_EINPUT, &loc, "no .proto files%s",
			 p->n_roots ? " under the proto roots" : "");
		if (p->n_roots)
			pbt_err_detail(err, "roots (from %s): %s%s", p->roots_from,
				       p->roots[0], p->n_roots > 1 ? ", ..." : "");
		return -PBT_EINPUT;
	}

	/* protoc's @file: one argument per line, so no length limit. */
	argfile = pbt_arena_printf(a, "%s/protoc.args", so->work);
	errfile = pbt_arena_printf(a, "%s/protoc.err", so->work);
	setfile = pbt_arena_printf(a, "%s/set.binpb", so->work);
	f = fopen(argfile, "w");
	if (!f) {
		pbt_buf_release(&args);
		return pbt_errf(err, PBT_EINPUT, &loc, "cannot write '%s': %s",
				argfile, strerror(errno));
	}
	fprintf(f, "--include_imports\n--include_source_info\n"
		"--descriptor_set_out=%s\n", setfile);
	for (j = 0; j < so->n_roots; j++)
		fprintf(f, "--proto_path=%s\n", so->roots[j]);
	fputs(pbt_buf_str(&args), f);
	pbt_buf_release(&args);
	if (fclose(f))
		return pbt_errf(err, PBT_EINPUT, &loc, "cannot write '%s'", argfile);

	argv[0] = p->protoc;
	argv[1] = pbt_arena_printf(a, "@%s", argfile);
	argv[2] = NULL;
	r = run(argv, NULL, errfile, &status);
	if (r == ENOENT || r == EACCES) {
		pbt_errf(err, PBT_EINPUT, &loc, "cannot run protoc '%s': %s",
			 p->protoc, strerror(r));
		return pbt_err_detail(err, "install protoc (Debian: protobuf-compiler) "
				      "or name it with --protoc PATH");
	}
	if (r)
		return pbt_errf(err, PBT_EINPUT, &loc, "cannot run protoc '%s': %s",
				p->protoc, strerror(r));
	if (!exited_ok(status))
		return tool_error(err, so->arg, "protoc: ", slurp(a, errfile),
				  "failed without a message");

	if (pbt_read_file(setfile, &data, &len, err))
		return -(int)err->code;
	sel.targets = &targets;
	in->schema = pbt_schema_from_bytes_select(so->arg, data, len, select_files,
						  &sel, err);
	free(data);
	if (!in->schema)
		return -(int)err->code;
	if (!so->show)
		return 0;
	for (i = 0; i < in->schema->n_files; i++) {
		const char *name = in->schema->files[i].name;
		const char *shown = pbt_map_get(&targets, name);

		for (j = 0; j < so->n_roots && !shown; j++) {
			const char *cand = path_join(a, so->roots[j], name);

			if (exists(cand))
				shown = cand;
		}
		if (shown)
			pbt_map_put(&in->shown, pbt_arena_strdup(a, name), (void *)shown);
	}
	return 0;
}

static const char **default_roots(struct pbt_arena *a, const char *src, size_t *n)
{
	const char **v = pbt_arena_calloc(a, 1, sizeof(*v));

	/* A directory is its own root; a lone file is found as protoc
	 * finds it without -I: from the cwd. */
	v[0] = is_dir(src) ? src : ".";
	*n = 1;
	return v;
}

static int load_sources(struct pbt_input *in, const struct pbt_input_plan *p,
			const char *arg, bool is_new, struct pbt_err *err)
{
	struct source so = { arg, arg, p->roots, p->n_roots, NULL, is_new, true };
	int r;

	if (!so.n_roots)
		so.roots = default_roots(in->arena, arg, &so.n_roots);
	so.work = make_workdir(in->arena, arg, err);
	if (!so.work)
		return -PBT_EINPUT;
	r = compile(in, p, &so, err);
	rm_rf(so.work, 0);
	return r;
}

/* ---------------------------------------------------------------- git */

struct git {
	struct pbt_arena *a;
	const char *arg, *work, *out, *errf;
	const char *top;
};

/* Run git with args; its trimmed stdout in *out. */
static int git(struct git *g, const char *const *args, char **out, struct pbt_err *err)
{
	const char *argv[16];
	size_t n = 0;
	int r, status;

	argv[n++] = "git";
	if (g->top) {
		argv[n++] = "-C";
		argv[n++] = g->top;
	}
	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	r = run(argv, g->out, g->errf, &status);
	if (r) {
		pbt_errf(err, PBT_EINPUT, &(struct pbt_loc){ g->arg, 0, 0 },
			 "cannot run git: %s", strerror(r));
		return r == ENOENT ? pbt_err_detail(err, "install git, or compare "
						    "descriptor sets instead") : -PBT_EINPUT;
	}
	if (!exited_ok(status))
		return 1;	/* the caller words the error */
	if (out)
		*out = slurp(g->a, g->out);
	return 0;
}

/* git failed: msg, and git's own first line as the detail. */
static int git_fail(struct git *g, struct pbt_err *err, const char *msg)
{
	const char *text = slurp(g->a, g->errf);

	pbt_errf(err, PBT_EINPUT, &(struct pbt_loc){ g->arg, 0, 0 }, "%s", msg);
	if (*text)
		pbt_err_detail(err, "%.*s", (int)strcspn(text, "\n"), text);
	return -PBT_EINPUT;
}

/* Does `git ls-tree --name-only` output name a .proto file? */
static bool has_proto_line(const char *list)
{
	while (*list) {
		size_t n = strcspn(list, "\n");

		if (n >= 6 && !strncmp(list + n - 6, ".proto", 6))
			return true;
		list += n;
		if (*list)
			list++;
	}
	return false;
}

/*
 * Where a working-tree path is in the extracted tree: paths inside the
 * repository move there; paths outside it (system include directories)
 * stay as they are.
 */
static const char *in_tree(struct git *g, const char *cwd, const char *tree,
			   const char *path)
{
	const char *abs = path_abs(g->a, cwd, path);
	const char *rest = path_under(abs, g->top);

	if (!rest)
		return abs;
	return *rest ? path_join(g->a, tree, rest) : tree;
}

static int load_git(struct pbt_input *in, const struct pbt_input_plan *p,
		    const char *arg, bool is_new, struct pbt_err *err)
{
	struct pbt_arena *a = in->arena;
	struct git g = { a, arg, NULL, NULL, NULL, NULL };
	const char *spec = arg + 4, *colon = strchr(spec, ':');
	const char *ref, *subdir = NULL, *mirror = ".", *anchor, *cwd, *tree, *tar;
	struct source so = { arg, NULL, NULL, 0, NULL, is_new, false };
	char *top, *commit, *list;
	size_t i;
	int r;

	ref = colon ? pbt_arena_strndup(a, spec, (size_t)(colon - spec)) : spec;
	if (colon && colon[1])
		subdir = colon + 1;
	if (!*ref || ref[0] == '-')
		return pbt_errf(err, PBT_EUSAGE, &(struct pbt_loc){ arg, 0, 0 },
				"expected git:REF or git:REF:SUBDIR");
	if (p->mirror && strncmp(p->mirror, "git:", 4) && strcmp(p->mirror, "-") &&
	    (is_dir(p->mirror) || has_suffix(p->mirror, ".proto")))
		mirror = p->mirror;
	anchor = is_dir(mirror) ? mirror : ".";
	if (!is_dir(mirror) && strchr(mirror, '/'))
		anchor = pbt_arena_strndup(a, mirror, (size_t)(strrchr(mirror, '/') - mirror));
	g.work = make_workdir(a, arg, err);
	if (!g.work)
		return -PBT_EINPUT;
	g.out = pbt_arena_printf(a, "%s/git.out", g.work);
	g.errf = pbt_arena_printf(a, "%s/git.err", g.work);
	so.work = g.work;

	r = git(&g, (const char *[]){ "-C", anchor, "rev-parse", "--show-toplevel", NULL },
		&top, err);
	if (r > 0)
		r = git_fail(&g, err, "not in a git repository");
	if (r)
		goto out;
	/* Both are physical paths (git resolves symlinks in the top
	 * directory, getcwd() has none), so they compare as strings. */
	g.top = top;
	cwd = cwd_of(a);
	if (!strcmp(ref, "latest-tag")) {
		char *tag;

		r = git(&g, (const char *[]){ "describe", "--tags", "--abbrev=0", "HEAD", NULL },
			&tag, err);
		if (r > 0)
			r = git_fail(&g, err, "no tag is reachable from HEAD");
		if (r)
			goto out;
		ref = tag;
	}
	r = git(&g, (const char *[]){ "rev-parse", "--verify", "--quiet", "--end-of-options",
				      pbt_arena_printf(a, "%s^{commit}", ref), NULL },
		&commit, err);
	if (r > 0)
		r = git_fail(&g, err, pbt_arena_printf(a, "unknown git ref '%s'", ref));
	if (r)
		goto out;

	tar = pbt_arena_printf(a, "%s/tree.tar", g.work);
	tree = pbt_arena_printf(a, "%s/tree", g.work);
	r = git(&g, (const char *[]){ "archive", "--format=tar", "-o", tar, commit,
				      "--", "*.proto", NULL }, NULL, err);
	if (r > 0) {
		/* Fails too when no path matches: a commit before the first
		 * .proto file, which is fine for OLD. */
		r = git(&g, (const char *[]){ "ls-tree", "-r", "--name-only", commit, NULL },
			&list, err);
		if (!r && !has_proto_line(list)) {
			so.src = tree;
			goto empty;
		}
		if (r >= 0)
			r = git_fail(&g, err, pbt_arena_printf(a, "git archive failed for '%s'",
							       ref));
		goto out;
	}
	if (mkdir(tree, 0700)) {
		r = pbt_errf(err, PBT_EINPUT, &(struct pbt_loc){ arg, 0, 0 },
			     "cannot create '%s': %s", tree, strerror(errno));
		goto out;
	}
	{
		const char *argv[] = { "tar", "-xf", tar, "-C", tree, NULL };
		int status;

		r = run(argv, NULL, g.errf, &status);
		if (r || !exited_ok(status)) {
			r = git_fail(&g, err, pbt_arena_printf(a, "cannot unpack the tree of "
							       "'%s' with tar", ref));
			goto out;
		}
	}

	so.src = subdir ? path_join(a, tree, subdir) : in_tree(&g, cwd, tree, mirror);
	if (p->n_roots) {
		so.n_roots = p->n_roots;
		so.roots = pbt_arena_calloc(a, so.n_roots, sizeof(*so.roots));
		for (i = 0; i < so.n_roots; i++)
			so.roots[i] = in_tree(&g, cwd, tree, p->roots[i]);
	} else {
		/* As for sources: a directory is its own root, a file is
		 * found from (the tree's counterpart of) the cwd. */
		so.n_roots = 1;
		so.roots = pbt_arena_calloc(a, 1, sizeof(*so.roots));
		so.roots[0] = subdir || is_dir(mirror) ? so.src :
			      in_tree(&g, cwd, tree, ".");
	}
	if (!exists(so.src))
		goto empty;
	r = compile(in, p, &so, err);
	goto out;
empty:
	if (is_new)
		r = pbt_errf(err, PBT_EINPUT, &(struct pbt_loc){ arg, 0, 0 },
			     "no .proto files in '%s'", subdir ? subdir : mirror);
	else
		in->schema = pbt_schema_new_empty(arg);
out:
	rm_rf(g.work, 0);
	return r;
}

/* ---------------------------------------------------------------- entry */

static bool is_descriptor_set(const char *arg)
{
	struct stat st;

	if (!strcmp(arg, "-") || has_suffix(arg, ".binpb") || has_suffix(arg, ".pb") ||
	    has_suffix(arg, ".bin"))
		return true;
	/* Any other regular file that is no .proto source: the loader
	 * recognises wrong kinds of file and says what they are. */
	if (has_suffix(arg, ".proto"))
		return false;
	return stat(arg, &st) || !S_ISDIR(st.st_mode);
}

int pbt_input_load(struct pbt_input *in, const struct pbt_input_plan *p,
		   const char *arg, bool is_new, struct pbt_err *err)
{
	memset(in, 0, sizeof(*in));
	in->arena = pbt_arena_new();
	pbt_map_init(&in->shown, in->arena, 0);
	if (!strncmp(arg, "git:", 4))
		return load_git(in, p, arg, is_new, err);
	if (!is_descriptor_set(arg)) {
		if (!exists(arg))
			return pbt_errf(err, PBT_EINPUT, &(struct pbt_loc){ arg, 0, 0 },
					"cannot open: %s", strerror(ENOENT));
		return load_sources(in, p, arg, is_new, err);
	}
	if (p->n_paths || p->n_exclude) {
		struct select sel = { NULL, p, arg, is_new, in->arena };
		unsigned char *data;
		size_t len;

		if (pbt_read_file(arg, &data, &len, err))
			return -(int)err->code;
		in->schema = pbt_schema_from_bytes_select(arg, data, len, select_files,
							  &sel, err);
		free(data);
	} else {
		in->schema = pbt_schema_load(arg, err);
	}
	return in->schema ? 0 : -(int)err->code;
}

int pbt_input_open(struct pbt_input *in, const char *arg,
		   const struct pbt_sources *src, const char *config,
		   const char *mirror, bool is_new, struct pbt_err *err)
{
	struct pbt_input_opts o;
	struct pbt_input_plan plan;
	int r;

	memset(in, 0, sizeof(*in));
	/* A set needs no roots: do not read (or trip over) a config for them. */
	if (strncmp(arg, "git:", 4) && is_descriptor_set(arg)) {
		in->schema = pbt_schema_load(arg, err);
		return in->schema ? 0 : -(int)err->code;
	}
	memset(&o, 0, sizeof(o));
	if (src)
		o.src = *src;
	o.config = config;
	o.mirror = mirror;
	r = pbt_input_plan_init(&plan, &o, err);
	if (!r)
		r = pbt_input_load(in, &plan, arg, is_new, err);
	pbt_input_plan_release(&plan);
	if (r)
		pbt_input_release(in);
	return r;
}

struct pbt_schema *pbt_input_schema(const char *arg, const struct pbt_sources *src,
				    const char *config, const char *mirror,
				    bool is_new, struct pbt_err *err)
{
	struct pbt_input in;
	struct pbt_schema *s;

	if (pbt_input_open(&in, arg, src, config, mirror, is_new, err))
		return NULL;
	s = in.schema;
	in.schema = NULL;
	pbt_input_release(&in);
	return s;
}

void pbt_input_release(struct pbt_input *in)
{
	pbt_schema_free(in->schema);
	pbt_arena_free(in->arena);
	memset(in, 0, sizeof(*in));
}

const char *pbt_input_shown_path(const struct pbt_input *in, const char *name)
{
	const char *s = in->arena ? pbt_map_get(&in->shown, name) : NULL;

	return s ? s : name;
}
