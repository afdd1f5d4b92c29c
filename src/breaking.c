/*
 * The `breaking` operation end to end: load NEW and OLD (in parallel, one
 * thread each: loading, or compiling with protoc, is most of the work),
 * read the config, run the rules, filter, sort and set inline approvals
 * apart.  Rendering is report_*.c's; printing is cmd/'s.
 */
#include "pbt.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "compat.h"
#include "config.h"
#include "findings.h"
#include "input.h"
#include "lock.h"
#include "report.h"
#include "schema.h"

struct pbt_report {
	struct pbt_findings findings;
	struct pbt_findings allowed;	/* approved inline, same order */
	const char **allowed_lines;
	const char *warnings[PBT_MAX_WARNINGS];
	size_t n_warnings;
	struct pbt_arena *arena;
};

struct load_job {
	const char *arg;
	bool is_new;
	const struct pbt_input_plan *plan;
	struct pbt_input in;
	struct pbt_err err;
};

static void *load_thread(void *arg)
{
	struct load_job *j = arg;

	pbt_input_load(&j->in, j->plan, j->arg, j->is_new, &j->err);
	return NULL;
}

static bool keep_finding(const struct pbt_finding *f, void *data)
{
	return !pbt_breaking_config_ignores(data, f);
}

static void add_warning(struct pbt_report *r, const char *w)
{
	size_t i;

	for (i = 0; i < r->n_warnings; i++)
		if (!strcmp(r->warnings[i], w))
			return;
	if (r->n_warnings < PBT_MAX_WARNINGS)
		r->warnings[r->n_warnings++] = pbt_arena_strdup(r->arena, w);
}

/*
 * Source inputs show their files as the user sees them (proto/a.proto,
 * not a.proto), as buf does; ignores have matched set names already.
 */
static void show_paths(struct pbt_findings *fs, const struct pbt_input *in)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].path)
			fs->v[i].path = pbt_arena_strdup(fs->arena,
				pbt_input_shown_path(in, fs->v[i].path));
}

/* Move approved findings to r->allowed; warn about bad approvals. */
static void split_allowed(struct pbt_report *r)
{
	struct pbt_findings *fs = &r->findings;
	size_t i, out = 0;

	for (i = 0; i < fs->n; i++) {
		struct pbt_finding *f = &fs->v[i];

		if (f->allow_problem)
			add_warning(r, pbt_arena_printf(r->arena, "%s:%u:%u: %s",
				f->path ? f->path : "<input>", pbt_pos(f->span.start_line),
				pbt_pos(f->span.start_col), f->allow_problem));
		if (f->allow_reason)
			*pbt_findings_add(&r->allowed) = *f;
		else
			fs->v[out++] = *f;
	}
	fs->n = out;
	if (!r->allowed.n)
		return;
	fs->allowed = &r->allowed;
	r->allowed_lines = pbt_arena_calloc(r->arena, r->allowed.n,
					    sizeof(*r->allowed_lines));
	for (i = 0; i < r->allowed.n; i++) {
		const struct pbt_finding *f = &r->allowed.v[i];

		r->allowed_lines[i] = pbt_arena_printf(r->arena, "%s:%u:%u: %s: %s",
			f->path ? f->path : "<input>", pbt_pos(f->span.start_line),
			pbt_pos(f->span.start_col), f->rule, f->allow_reason);
	}
}

int pbt_breaking(const char *new_path, const char *old_path,
		 const struct pbt_breaking_opts *opts, struct pbt_report **out,
		 struct pbt_err *err)
{
	struct pbt_breaking_config cfg;
	struct pbt_input_opts io = {
		opts->src, opts->config, opts->paths, opts->n_paths,
		opts->exclude_paths, opts->n_exclude_paths, new_path,
	};
	struct pbt_input_plan plan;
	struct load_job jn, jo;
	struct pbt_report *r;
	pthread_t t;
	bool threaded;
	size_t i;
	int rc;

	*out = NULL;
	pbt_breaking_config_init(&cfg);
	rc = pbt_breaking_config_load(&cfg, opts->config, err);
	if (rc) {
		pbt_breaking_config_release(&cfg);
		return rc;
	}
	cfg.exclude_imports = opts->exclude_imports;
	rc = pbt_input_plan_init(&plan, &io, err);
	if (rc) {
		pbt_input_plan_release(&plan);
		pbt_breaking_config_release(&cfg);
		return rc;
	}
	memset(&jn, 0, sizeof(jn));
	memset(&jo, 0, sizeof(jo));
	jn.arg = new_path;
	jn.is_new = true;
	jn.plan = &plan;
	jo.arg = old_path;
	jo.plan = &plan;

	threaded = old_path && !pthread_create(&t, NULL, load_thread, &jo);
	load_thread(&jn);
	if (threaded)
		pthread_join(t, NULL);
	else if (old_path)
		load_thread(&jo);
	if (!jn.in.schema || (old_path && !jo.in.schema)) {
		*err = !jn.in.schema ? jn.err : jo.err;
		if (err->loc.path)
			err->loc.path = err->path;
		pbt_input_release(&jn.in);
		pbt_input_release(&jo.in);
		pbt_input_plan_release(&plan);
		pbt_breaking_config_release(&cfg);
		return -(int)err->code;
	}

	r = pbt_xcalloc(1, sizeof(*r));
	r->arena = pbt_arena_new();
	pbt_findings_init(&r->findings);
	pbt_findings_init(&r->allowed);
	if (old_path)
		pbt_compat_run(jo.in.schema, jn.in.schema, cfg.enabled, &r->findings);
	/* --lock: NEW against the lock's recorded past (lock_check.c). */
	rc = opts->lock ? pbt_lock_run(opts->lock, jn.in.schema, &r->findings, err) : 0;
	if (rc) {
		pbt_report_free(r);
		pbt_input_release(&jn.in);
		pbt_input_release(&jo.in);
		pbt_input_plan_release(&plan);
		pbt_breaking_config_release(&cfg);
		return rc;
	}
	pbt_findings_filter(&r->findings, keep_finding, &cfg);
	show_paths(&r->findings, &jn.in);
	pbt_findings_sort_unique(&r->findings);
	for (i = 0; i < cfg.n_warnings; i++)
		add_warning(r, cfg.warnings[i]);
	if (!opts->no_inline_allow)
		split_allowed(r);

	/* Freeing two large arenas costs real time; the process is about to
	 * exit, but a library cannot know that, so free them. */
	pbt_input_release(&jn.in);
	pbt_input_release(&jo.in);
	pbt_input_plan_release(&plan);
	pbt_breaking_config_release(&cfg);
	*out = r;
	return 0;
}

struct pbt_report *pbt_report_from_findings(struct pbt_findings *fs)
{
	struct pbt_report *r = pbt_xcalloc(1, sizeof(*r));

	r->arena = pbt_arena_new();
	r->findings = *fs;
	pbt_findings_init(fs);
	return r;
}

size_t pbt_report_count(const struct pbt_report *r)
{
	return r->findings.n;
}

size_t pbt_report_n_allowed(const struct pbt_report *r)
{
	return r->allowed.n;
}

const char *pbt_report_allowed(const struct pbt_report *r, size_t i)
{
	return i < r->allowed.n ? r->allowed_lines[i] : NULL;
}

size_t pbt_report_n_warnings(const struct pbt_report *r)
{
	return r->n_warnings;
}

const char *pbt_report_warning(const struct pbt_report *r, size_t i)
{
	return i < r->n_warnings ? r->warnings[i] : NULL;
}

int pbt_report_render(const struct pbt_report *r, const char *format,
		      struct pbt_buf *out, struct pbt_err *err)
{
	const struct pbt_format *f = pbt_format_find(format);

	if (!f)
		return pbt_errf(err, PBT_EUSAGE, NULL, "unknown output format '%s' (want %s)",
				format, pbt_format_list());
	f->render(out, &r->findings);
	return 0;
}

void pbt_report_free(struct pbt_report *r)
{
	if (!r)
		return;
	pbt_findings_release(&r->findings);
	pbt_findings_release(&r->allowed);
	pbt_arena_free(r->arena);
	free(r);
}

bool pbt_format_known(const char *name)
{
	return pbt_format_find(name) != NULL;
}

const char *pbt_format_list(void)
{
	static char list[256];
	const struct pbt_format *f;
	size_t n = 0;

	if (list[0])
		return list;
	for (f = pbt_formats; f->name; f++) {
		size_t l = strlen(f->name);

		if (n + l + 3 >= sizeof(list))
			break;
		if (n) {
			memcpy(list + n, ", ", 2);
			n += 2;
		}
		memcpy(list + n, f->name, l);
		n += l;
	}
	list[n] = '\0';
	return list;
}

/* ---------------------------------------------------------------- rules */

size_t pbt_rule_count(void)
{
	return pbt_n_rules;
}

int pbt_rule_describe(size_t i, const char *version, struct pbt_rule_info *out,
		      struct pbt_err *err)
{
	enum pbt_config_version v;
	const struct pbt_rule *r;

	if (!strcmp(version, "v1beta1"))
		v = PBT_V1BETA1;
	else if (!strcmp(version, "v1"))
		v = PBT_V1;
	else if (!strcmp(version, "v2"))
		v = PBT_V2;
	else
		return pbt_errf(err, PBT_EUSAGE, NULL,
				"unknown config version '%s' (want v1beta1, v1 or v2)", version);
	if (i >= pbt_n_rules)
		return pbt_errf(err, PBT_EUSAGE, NULL, "no rule #%zu", i);
	r = &pbt_rules[i];
	out->id = r->id;
	out->categories = pbt_rule_categories(r, v);
	out->purpose = r->purpose;
	out->replaced_by = r->replaced_by;
	out->is_default = pbt_rule_is_default(r, v);
	out->deprecated = pbt_rule_deprecated(r);
	out->exists = pbt_rule_exists(r, v);
	return 0;
}

bool pbt_category_known(const char *cat)
{
	return pbt_category_find(cat, PBT_V2) != 0;
}
