/*
 * `pbtable drift --fix`: the SQL that takes a live database back to what
 * `pbtable ddl` would create.  The findings of one database are the
 * differences; the planner (plan.c, in PBT_PLAN_REPAIR mode) decides
 * what each leads to, and its emitter writes the statements with ddl.c's
 * generators, so a repaired object is byte for byte what ddl writes.
 * With --apply it runs in one transaction.
 */
#include "drift.h"

#include "arena.h"
#include "plan.h"
#include "script.h"
#include "sql_quote.h"

struct pbt_sql *pbt_drift_fix_sql(const struct pbt_drift *d,
				  const struct pbt_drift_db *db)
{
	struct pbt_sql *s = pbt_sql_new(d->opts.lock_timeout);
	struct pbt_plan_table **pts;
	struct pbt_plan p;
	size_t i;

	if (!db->n) {
		pbt_sql_comment(
			&s->head,
			"pbtable drift --fix: no drift in %s; nothing to do.",
			db->label);
		return s;
	}
	pbt_plan_init(&p, s,
		      &(struct pbt_plan_opts){ .mode = PBT_PLAN_REPAIR,
					       .allow_drop = d->opts.allow_drop,
					       .strict = d->opts.strict });
	pts = pbt_arena_calloc(s->arena, d->n_tables + 1, sizeof(*pts));
	for (i = 0; i < d->n_tables; i++)
		pts[i] = pbt_plan_table(&p, &d->tables[i], NULL,
					db->live[i].retired,
					db->live[i].n_retired);
	for (i = 0; i < db->n; i++) {
		const struct pbt_diff *f = &db->v[i];

		pbt_plan_take(&p, f->t ? pts[f->t - d->tables] : NULL, f);
	}
	pbt_sql_comment(
		&s->head,
		"pbtable drift --fix: the repair of %s, generated from %s.",
		db->label, d->cfg.path);
	pbt_sql_comment(&s->head,
			"Review it, then run it once.  The drift it repairs:");
	pbt_drift_render_comments(d, (size_t)(db - d->dbs), &s->head);
	pbt_plan_emit(&p);
	pbt_plan_release(&p);
	if (!pbt_sql_count(s))
		pbt_sql_comment(
			&s->head,
			"Nothing to run: what is left needs --allow-drop, or a "
			"human (the warnings say which).");
	else
		pbt_buf_adds(&s->head, "\n");
	return s;
}
