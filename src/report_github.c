/*
 * buf's github-actions format: one workflow command per finding, which
 * GitHub turns into an annotation on the file and lines.  Like buf, no
 * position keys for findings without a file, and no %-escaping (buf's
 * messages are Go-quoted, so they never hold a line break).
 */
#include "report.h"

void pbt_report_github(struct pbt_buf *out, const struct pbt_findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		const struct pbt_finding *f = &fs->v[i];

		pbt_buf_addf(out, "::error file=%s", f->path ? f->path : "<input>");
		if (f->path)
			pbt_buf_addf(out, ",line=%u,col=%u,endLine=%u,endColumn=%u",
				     pbt_pos(f->span.start_line), pbt_pos(f->span.start_col),
				     pbt_pos(f->span.end_line), pbt_pos(f->span.end_col));
		pbt_buf_addf(out, "::%s\n", f->message);
	}
}
