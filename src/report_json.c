/*
 * buf's json format: one object per line, keys in buf's order, `path`
 * omitted for findings without a file; `pair` ("v3 vs v1") added last
 * for findings of `history`.
 */
#include "report.h"

void pbt_report_json(struct pbt_buf *out, const struct pbt_findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		const struct pbt_finding *f = &fs->v[i];

		pbt_buf_addc(out, '{');
		if (f->path) {
			pbt_buf_adds(out, "\"path\":");
			pbt_buf_add_json_str(out, f->path);
			pbt_buf_addc(out, ',');
		}
		pbt_buf_addf(out, "\"start_line\":%u,\"start_column\":%u,"
			     "\"end_line\":%u,\"end_column\":%u,\"type\":",
			     pbt_pos(f->span.start_line), pbt_pos(f->span.start_col),
			     pbt_pos(f->span.end_line), pbt_pos(f->span.end_col));
		pbt_buf_add_json_str(out, f->rule);
		pbt_buf_adds(out, ",\"message\":");
		pbt_buf_add_json_str(out, f->message);
		if (f->pair) {
			pbt_buf_adds(out, ",\"pair\":");
			pbt_buf_add_json_str(out, f->pair);
		}
		pbt_buf_adds(out, "}\n");
	}
}
