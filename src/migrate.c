/*
 * `pbtable migrate NEW --against OLD`: resolve the pbtables against both
 * schema versions, refuse what would change the meaning of stored JSON,
 * and let the planner (plan.c, in PBT_PLAN_MIGRATE mode) emit only what
 * the change needs.
 *
 * The refusal: the breaking-change engine runs the WIRE_JSON rules, and
 * if OLD -> NEW changes the JSON meaning of a projected field (renamed
 * json_name, changed type, ...), the documents already stored would read
 * differently.  A changed primary key is refused too: the plan never
 * rebuilds one.
 */
#include "migrate.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "compat.h"
#include "config.h"
#include "ddl.h"
#include "findings.h"
#include "input.h"
#include "pbt.h"
#include "plan.h"
#include "rules.h"
#include "schema.h"
#include "script.h"
#include "sql_quote.h"

static bool has_subject(const struct pbt_pgcol *c, const char *s)
{
	size_t i;

	for (i = 0; i < c->n_subjects; i++)
		if (!strcmp(c->subjects[i], s))
			return true;
	return false;
}

static bool touches(const char *s, const struct pbt_ptable *old_t,
		    const struct pbt_ptable *new_t)
{
	size_t j;

	if (!s)
		return false;
	if (!strcmp(s, old_t->message))
		return true;
	for (j = 0; j < old_t->n_cols; j++)
		if (has_subject(&old_t->cols[j], s))
			return true;
	for (j = 0; j < new_t->n_cols; j++)
		if (pbt_ptable_column(old_t, new_t->cols[j].name) &&
		    has_subject(&new_t->cols[j], s))
			return true;
	return false;
}

long pbt_migrate_first_break(const struct pbt_findings *fs,
			     const struct pbt_ptable *old_t,
			     const struct pbt_ptable *new_t)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (touches(fs->v[i].subject, old_t, new_t))
			return (long)i;
	return -1;
}

static const struct pbt_ptable *find_table(const struct pbt_ptable *v, size_t n,
					   const struct pbt_ptable *t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].schema, t->schema) && !strcmp(v[i].name, t->name))
			return &v[i];
	return NULL;
}

static int refuse(const struct pbt_findings *fs, long at, const struct pbt_ptable *t,
		  size_t n_breaks, struct pbt_err *err)
{
	const struct pbt_finding *f = &fs->v[at];
	struct pbt_loc loc = { f->path, f->span.start_line, f->span.start_col };

	pbt_errf(err, PBT_EREFUSED, f->path ? &loc : NULL,
		 "refusing to migrate %s.%s: %s (%s breaks WIRE_JSON)",
		 t->schema, t->name, f->message, f->rule);
	pbt_err_detail(err, "stored JSON would change meaning%s; change the schema compatibly, "
		       "or migrate the data by hand",
		       n_breaks > 1 ? " (more findings: run `pbtable breaking` with WIRE_JSON)" : "");
	return -PBT_EREFUSED;
}

int pbt_migrate(const char *new_path, const char *old_path,
		const struct pbt_migrate_opts *o, struct pbt_sql **out,
		struct pbt_err *err)
{
	struct pbt_ddl_config cfg_new, cfg_old_own, *cfg_old = &cfg_new;
	struct pbt_schema *sn = NULL, *so = NULL;
	struct pbt_ptable *nts, *ots;
	struct pbt_findings fs;
	bool enabled[PBT_MAX_RULES] = { false };
	struct pbt_sql *s = NULL;
	pbt_helper_set old_helpers = 0, new_helpers = 0;
	size_t i, n_old, n_new;
	int r;

	*out = NULL;
	memset(&cfg_old_own, 0, sizeof(cfg_old_own));
	pbt_findings_init(&fs);
	r = pbt_timeout_check("lock timeout", o->lock_timeout, "5s", err);
	if (r) {
		memset(&cfg_new, 0, sizeof(cfg_new));
		goto out;
	}
	r = pbt_ddl_config_load(&cfg_new, o->config, err);
	if (r)
		goto out;
	if (o->against_config) {
		r = pbt_ddl_config_load(&cfg_old_own, o->against_config, err);
		if (r)
			goto out;
		cfg_old = &cfg_old_own;
	}
	sn = pbt_input_schema(new_path, &o->src, o->config, NULL, true, err);
	if (!sn) {
		r = -(int)err->code;
		goto out;
	}
	so = pbt_input_schema(old_path, &o->src, o->config, new_path, false, err);
	if (!so) {
		r = -(int)err->code;
		goto out;
	}
	s = pbt_sql_new(o->lock_timeout);
	r = pbt_ptables_resolve(s->arena, sn, &cfg_new, 0, NULL, &nts, &n_new,
				&new_helpers, err);
	if (!r)
		r = pbt_ptables_resolve(s->arena, so, cfg_old,
					PBT_RESOLVE_LENIENT, NULL, &ots, &n_old,
					&old_helpers, err);
	if (r)
		goto out;

	/* The safety check: WIRE_JSON, as buf v1 defines the category. */
	for (i = 0; i < pbt_n_rules && i < PBT_MAX_RULES; i++)
		enabled[i] = pbt_rules[i].check &&
			     (pbt_rules[i].cats[PBT_V1] & PBT_CAT_WIRE_JSON);
	pbt_compat_run(so, sn, enabled, &fs);
	pbt_findings_sort_unique(&fs);
	for (i = 0; i < n_new; i++) {
		const struct pbt_ptable *ot = find_table(ots, n_old, &nts[i]);
		long at;
		size_t k, n_breaks = 0;

		if (!ot)
			continue;
		at = pbt_migrate_first_break(&fs, ot, &nts[i]);
		if (at < 0)
			continue;
		for (k = 0; k < fs.n; k++)
			n_breaks += touches(fs.v[k].subject, ot, &nts[i]);
		r = refuse(&fs, at, &nts[i], n_breaks, err);
		goto out;
	}
	for (i = 0; i < n_new; i++) {
		const struct pbt_ptable *ot = find_table(ots, n_old, &nts[i]);

		if (ot && strcmp(ot->pk, nts[i].pk)) {
			r = pbt_errf(err, PBT_EREFUSED, &nts[i].cfg->loc,
				     "refusing to migrate %s.%s: the primary key changes from '%s' to '%s'",
				     nts[i].schema, nts[i].name, ot->pk, nts[i].pk);
			pbt_err_detail(err, "migrate does not rebuild primary keys; do it by hand");
			goto out;
		}
	}

	pbt_sql_comment(&s->head,
			"pbtable migrate: what the pbtables of %s need after the",
			cfg_new.path);
	pbt_sql_comment(&s->head,
			"schema change.  Generated; review it, then run it once.");
	pbt_buf_adds(&s->head, "\n");
	r = pbt_plan_configs(s, &(struct pbt_plan_opts){
		.mode = PBT_PLAN_MIGRATE, .allow_drop = o->allow_drop,
		.strict = o->strict }, ots, n_old, old_helpers, nts, n_new,
		new_helpers, new_path, err);
	if (r)
		goto out;
	if (!pbt_sql_count(s)) {
		pbt_buf_reset(&s->head);
		pbt_buf_adds(&s->head, "-- pbtable migrate: nothing to do.\n");
	}
	*out = s;
	s = NULL;
out:
	pbt_sql_free(s);
	pbt_findings_release(&fs);
	pbt_schema_free(sn);
	pbt_schema_free(so);
	pbt_ddl_config_release(&cfg_new);
	if (cfg_old == &cfg_old_own)
		pbt_ddl_config_release(&cfg_old_own);
	return r;
}
