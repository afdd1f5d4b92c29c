/*
 * buf's msvs format: `path(line,column) : error RULE : message`, the form
 * Visual Studio and MSBuild-style problem matchers read.
 */
#include "report.h"

void pbt_report_msvs(struct pbt_buf *out, const struct pbt_findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		const struct pbt_finding *f = &fs->v[i];

		pbt_buf_addf(out, "%s(%u,%u) : error %s : %s\n",
			     f->path ? f->path : "<input>",
			     pbt_pos(f->span.start_line), pbt_pos(f->span.start_col),
			     f->rule, f->message);
	}
}
