/*
 * The statement list (script.c): how its phases, notes and groups print,
 * and the planner's decisions (plan.c) that the drift kinds table's
 * repair column promises: a kind that needs --allow-drop is left alone,
 * with one warning, without it; a manual kind always is.
 */
#include <stdlib.h>

#include "buf.h"
#include "ddl.h"
#include "pbt.h"
#include "plan.h"
#include "script.h"
#include "t.h"

static void render_phases(void)
{
	struct pbt_sql *s = pbt_sql_new("2s");
	struct pbt_buf out = PBT_BUF_INIT;
	size_t mark;

	pbt_buf_adds(&s->head, "-- head\n\n");
	PBT_SQL_ADD(s, .phase = PBT_PHASE_AFTER, .note = "-- late\n",
		    .lock = PBT_LOCK_SHARE_UPDATE_EXCLUSIVE, .sql = "C;");
	mark = pbt_sql_count(s);
	PBT_SQL_ADD(s, .lock = PBT_LOCK_ACCESS_EXCLUSIVE, .object = "t",
		    .note = "-- own\n", .sql = "A;");
	PBT_SQL_ADD(s, .sql = "B\n  more;");
	T_CHECK(pbt_sql_group(s, mark, "-- group\n"));
	PBT_SQL_ADD(s, .phase = PBT_PHASE_BEFORE, .sql = "P;");
	PBT_SQL_ADD(s, .sql = "D;");
	pbt_sql_render(s, &out);
	T_EQ_STR(pbt_buf_str(&out),
		 "-- head\n\n"
		 "-- Before the transaction, one statement at a time.\n"
		 "P;\n\n"
		 "BEGIN;\nSET LOCAL lock_timeout = '2s';\n\n"
		 "-- group\n-- own\nA;\nB\n  more;\n\nD;\n"
		 "COMMIT;\n"
		 "\n-- After COMMIT, one statement at a time (CREATE INDEX "
		 "CONCURRENTLY cannot\n-- run in a transaction block).  These "
		 "take only a SHARE UPDATE EXCLUSIVE\n-- lock: reads and "
		 "writes go on.\n"
		 "-- late\nC;\n");
	T_EQ_INT(pbt_sql_count(s), 5);
	pbt_buf_release(&out);
	pbt_sql_free(s);
}

static void empty_group_and_script(void)
{
	struct pbt_sql *s = pbt_sql_new(NULL);
	struct pbt_buf out = PBT_BUF_INIT;

	pbt_buf_adds(&s->head, "-- nothing to do.\n");
	PBT_SQL_ADD(s, .phase = PBT_PHASE_AFTER, .sql = "X;");
	/* no statement of the transaction since the mark: no group */
	T_CHECK(!pbt_sql_group(s, 0, "-- never printed\n"));
	T_CHECK(!s->v[0].note && !s->v[0].gap);
	s->n = 0;
	pbt_sql_render(s, &out);
	T_EQ_STR(pbt_buf_str(&out), "-- nothing to do.\n");
	T_EQ_STR(pbt_lock_name(PBT_LOCK_SHARE_ROW_EXCLUSIVE),
		 "SHARE ROW EXCLUSIVE");
	pbt_buf_release(&out);
	pbt_sql_free(s);
}

static void utf8_checked_in_notes(void)
{
	struct pbt_sql *s = pbt_sql_new(NULL);
	struct pbt_err err;

	PBT_SQL_ADD(s, .note = "-- fine\n-- bad \xff here\n", .sql = "A;");
	T_EQ_INT(pbt_sql_check_utf8(s, "set.binpb", &err), -PBT_EINPUT);
	T_EQ_STR(err.detail, "in the line \"-- bad \\xff here\"");
	pbt_sql_free(s);
}

/* A table with a key and one more column, and a difference in it. */
static struct pbt_pgcol cols[2];
static struct pbt_ptable table;

static void fake_table(void)
{
	memset(cols, 0, sizeof(cols));
	memset(&table, 0, sizeof(table));
	cols[0].name = "id";
	cols[1].name = "c";
	table.schema = "s";
	table.name = "t";
	table.message = "pkg.M";
	table.pk = "id";
	table.cols = cols;
	table.n_cols = 2;
}

static struct pbt_diff diff_of(enum pbt_drift_kind kind)
{
	struct pbt_diff d;

	memset(&d, 0, sizeof(d));
	d.kind = kind;
	d.schema = "s";
	d.table = "t";
	d.t = &table;
	d.message = "it differs";
	d.helper = -1;
	d.object = "obj";
	if (kind == PBT_DRIFT_EXTRA_COLUMN)
		d.column = "x";
	if (kind == PBT_DRIFT_NOT_GENERATED) {
		d.column = "c";
		d.col = &cols[1];
	}
	return d;
}

/* Did the plan of pt change anything? */
static bool acts(const struct pbt_plan_table *pt)
{
	size_t i;

	for (i = 0; i < table.n_cols; i++)
		if (pt->col[i] != PBT_PLAN_COL_KEEP)
			return true;
	return pt->drop_cols.n || pt->drop_cons.n || pt->drop_idx.n ||
	       pt->drop_trg.n || pt->retire.n || pt->view;
}

static void repair_column_is_kept(void)
{
	int k;

	fake_table();
	for (k = 0; k < PBT_N_DRIFT_KINDS; k++) {
		enum pbt_repair repair = pbt_drift_kinds[k].repair;
		struct pbt_diff d = diff_of((enum pbt_drift_kind)k);
		int allow;

		if (repair == PBT_REPAIR_AUTO)
			continue;
		for (allow = 0; allow < 2; allow++) {
			struct pbt_sql *s = pbt_sql_new(NULL);
			struct pbt_plan p;
			struct pbt_plan_table *pt;
			bool left = repair == PBT_REPAIR_MANUAL || !allow;

			pbt_plan_init(&p, s, &(struct pbt_plan_opts){
				.mode = PBT_PLAN_REPAIR, .allow_drop = allow });
			pt = pbt_plan_table(&p, &table, NULL, NULL, 0);
			pbt_plan_take(&p, d.kind == PBT_DRIFT_HELPER_VERSION
						  ? NULL
						  : pt,
				      &d);
			if (pbt_sql_n_warnings(s) != (size_t)left ||
			    acts(pt) == left) {
				printf("# %s with allow_drop=%d: %zu warnings, "
				       "%s\n",
				       pbt_drift_kinds[k].id, allow,
				       pbt_sql_n_warnings(s),
				       acts(pt) ? "acts" : "does nothing");
				t_failed = 1;
			}
			pbt_plan_release(&p);
			pbt_sql_free(s);
		}
	}
}

static void warning_says_what_and_why(void)
{
	struct pbt_sql *s = pbt_sql_new(NULL);
	struct pbt_diff d;
	struct pbt_plan p;

	fake_table();
	d = diff_of(PBT_DRIFT_EXTRA_COLUMN);
	pbt_plan_init(&p, s, &(struct pbt_plan_opts){ .mode = PBT_PLAN_REPAIR });
	pbt_plan_take(&p, pbt_plan_table(&p, &table, NULL, NULL, 0), &d);
	T_EQ_STR(pbt_sql_warning(s, 0),
		 "s.t.x: it differs; kept (--allow-drop drops it)");
	pbt_plan_release(&p);
	pbt_sql_free(s);
}

const struct t_case t_script_cases[] = {
	{ "render_phases", render_phases },
	{ "empty_group_and_script", empty_group_and_script },
	{ "utf8_checked_in_notes", utf8_checked_in_notes },
	{ "repair_column_is_kept", repair_column_is_kept },
	{ "warning_says_what_and_why", warning_says_what_and_why },
	{ NULL, NULL },
};
