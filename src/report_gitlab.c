/*
 * buf's gitlab-code-quality format: one JSON array of GitLab Code Quality
 * issues.  The fingerprint is buf's: the hex SHAKE256 (64 bytes) of the
 * issue's own JSON without the fingerprint key, so GitLab can match an
 * issue across pipelines exactly as it does for buf's reports.  Findings
 * without a file have empty positions (buf leaves unknown positions out).
 */
#include "report.h"

#include "sha3.h"

static void add_position(struct pbt_buf *b, const struct pbt_finding *f,
			 unsigned line, unsigned col)
{
	pbt_buf_addc(b, '{');
	if (f->path)
		pbt_buf_addf(b, "\"line\":%u,\"column\":%u", pbt_pos(line), pbt_pos(col));
	pbt_buf_addc(b, '}');
}

void pbt_report_gitlab(struct pbt_buf *out, const struct pbt_findings *fs)
{
	struct pbt_buf head = PBT_BUF_INIT, tail = PBT_BUF_INIT, whole = PBT_BUF_INIT;
	unsigned char fp[64];
	size_t i, j;

	if (!fs->n) {
		/* buf prints nothing at all; GitLab wants a JSON array. */
		pbt_buf_adds(out, "[]\n");
		return;
	}
	pbt_buf_addc(out, '[');
	for (i = 0; i < fs->n; i++) {
		const struct pbt_finding *f = &fs->v[i];

		pbt_buf_reset(&head);
		pbt_buf_reset(&tail);
		pbt_buf_reset(&whole);
		pbt_buf_adds(&head, "{\"description\":");
		pbt_buf_add_json_str(&head, f->message);
		pbt_buf_adds(&head, ",\"check_name\":");
		pbt_buf_add_json_str(&head, f->rule);
		pbt_buf_adds(&tail, "\"location\":{");
		if (f->path) {
			pbt_buf_adds(&tail, "\"path\":");
			pbt_buf_add_json_str(&tail, f->path);
			pbt_buf_addc(&tail, ',');
		}
		pbt_buf_adds(&tail, "\"positions\":{\"begin\":");
		add_position(&tail, f, f->span.start_line, f->span.start_col);
		pbt_buf_adds(&tail, ",\"end\":");
		add_position(&tail, f, f->span.end_line, f->span.end_col);
		pbt_buf_adds(&tail, "}},\"severity\":\"minor\"}");

		pbt_buf_addf(&whole, "%s,%s", pbt_buf_str(&head), pbt_buf_str(&tail));
		pbt_shake256(whole.buf, whole.len, fp, sizeof(fp));

		if (i)
			pbt_buf_addc(out, ',');
		pbt_buf_adds(out, pbt_buf_str(&head));
		pbt_buf_adds(out, ",\"fingerprint\":\"");
		for (j = 0; j < sizeof(fp); j++)
			pbt_buf_addf(out, "%02x", fp[j]);
		pbt_buf_adds(out, "\",");
		pbt_buf_adds(out, pbt_buf_str(&tail));
	}
	pbt_buf_adds(out, "]\n");
	pbt_buf_release(&head);
	pbt_buf_release(&tail);
	pbt_buf_release(&whole);
}
