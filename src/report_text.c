/*
 * buf's text format: path:line:column:message, `<input>` for findings
 * that belong to no file.  Findings of `history` are prefixed with the
 * pair of versions they come from ("v3 vs v1: ").
 */
#include "report.h"

void pbt_report_text(struct pbt_buf *out, const struct pbt_findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		const struct pbt_finding *f = &fs->v[i];

		/* history: which pair of versions the finding is from */
		if (f->pair)
			pbt_buf_addf(out, "%s: ", f->pair);
		pbt_buf_addf(out, "%s:%u:%u:%s\n", f->path ? f->path : "<input>",
			     pbt_pos(f->span.start_line), pbt_pos(f->span.start_col),
			     f->message);
	}
}
