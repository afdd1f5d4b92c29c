/*
 * The `breaking` operation end to end: load NEW and OLD (in parallel, one
 * thread each: loading is most of the work), read the config, run the
 * rules, filter and sort.  Rendering is report_*.c's; printing is cmd/'s.
 */
#include "pbt.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "compat.h"
#include "config.h"
#include "findings.h"
#include "lock.h"
#include "report.h"
#include "schema.h"

struct pbt_report {
	struct pbt_findings findings;
	const char *warnings[PBT_MAX_WARNINGS];
	size_t n_warnings;
	struct pbt_arena *arena;
};

struct load_job {
	const char *path;
	struct pbt_schema *schema;
	struct pbt_err err;
};

static void *load_thread(void *arg)
{
	struct load_job *j = arg;

	j->schema = pbt_schema_load(j->path, &j->err);
	return NULL;
}

static bool keep_finding(const struct pbt_finding *f, void *data)
{
	return !pbt_breaking_config_ignores(data, f);
}

int pbt_breaking(const char *new_path, const char *old_path,
		 const struct pbt_breaking_opts *opts, struct pbt_report **out,
		 struct pbt_err *err)
{
	struct pbt_breaking_config cfg;
	struct load_job jn = { new_path, NULL, { 0 } }, jo = { old_path, NULL, { 0 } };
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

	threaded = old_path && !pthread_create(&t, NULL, load_thread, &jo);
	load_thread(&jn);
	if (threaded)
		pthread_join(t, NULL);
	else if (old_path)
		load_thread(&jo);
	if (!jn.schema || (old_path && !jo.schema)) {
		*err = !jn.schema ? jn.err : jo.err;
		if (err->loc.path)
			err->loc.path = err->path;
		pbt_schema_free(jn.schema);
		pbt_schema_free(jo.schema);
		pbt_breaking_config_release(&cfg);
		return -(int)err->code;
	}

	r = pbt_xcalloc(1, sizeof(*r));
	r->arena = pbt_arena_new();
	pbt_findings_init(&r->findings);
	if (old_path)
		pbt_compat_run(jo.schema, jn.schema, cfg.enabled, &r->findings);
	/* --lock: NEW against the lock's recorded past (lock_check.c). */
	rc = opts->lock ? pbt_lock_run(opts->lock, jn.schema, &r->findings, err) : 0;
	if (rc) {
		pbt_report_free(r);
		pbt_schema_free(jn.schema);
		pbt_schema_free(jo.schema);
		pbt_breaking_config_release(&cfg);
		return rc;
	}
	pbt_findings_filter(&r->findings, keep_finding, &cfg);
	pbt_findings_sort_unique(&r->findings);
	for (i = 0; i < cfg.n_warnings; i++)
		r->warnings[r->n_warnings++] = pbt_arena_strdup(r->arena, cfg.warnings[i]);

	/* Freeing two large arenas costs real time; the process is about to
	 * exit, but a library cannot know that, so free them. */
	pbt_schema_free(jn.schema);
	pbt_schema_free(jo.schema);
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

int pbt_load_only(const char *path, size_t *files, size_t *messages,
		  struct pbt_err *err)
{
	struct pbt_schema *s = pbt_schema_load(path, err);

	if (!s)
		return -(int)err->code;
	*files = s->n_files;
	*messages = s->n_messages;
	pbt_schema_free(s);
	return 0;
}
