/*
 * buf's junit format: one <testsuite> per file (named without ".proto"),
 * one failed <testcase> per finding, named RULE_line_col (just RULE when
 * the finding has no file).  Byte for byte what Go's encoding/xml writes
 * for buf, escapes included, so CI systems see the same test names.
 */
#include "report.h"

#include <string.h>

/* encoding/xml's EscapeText, for attribute values. */
static void add_xml(struct pbt_buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		switch (*p) {
		case '"': pbt_buf_adds(b, "&#34;"); break;
		case '\'': pbt_buf_adds(b, "&#39;"); break;
		case '&': pbt_buf_adds(b, "&amp;"); break;
		case '<': pbt_buf_adds(b, "&lt;"); break;
		case '>': pbt_buf_adds(b, "&gt;"); break;
		case '\t': pbt_buf_adds(b, "&#x9;"); break;
		case '\n': pbt_buf_adds(b, "&#xA;"); break;
		case '\r': pbt_buf_adds(b, "&#xD;"); break;
		default:
			if (*p >= 0x80) {
				/* as Go: a byte that is not UTF-8 becomes U+FFFD */
				size_t n = pbt_utf8_seq((const char *)p);

				if (n)
					pbt_buf_add(b, (const char *)p, n);
				else
					pbt_buf_adds(b, "\xef\xbf\xbd");
				p += n ? n - 1 : 0;
			} else if (*p < 0x20) {	/* not allowed in XML 1.0 */
				pbt_buf_adds(b, "\xef\xbf\xbd");
			} else {
				pbt_buf_addc(b, (char)*p);
			}
		}
}

static bool same_file(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

void pbt_report_junit(struct pbt_buf *out, const struct pbt_findings *fs)
{
	size_t i = 0, j, n;

	if (!fs->n) {
		/* buf prints nothing; a JUnit reader wants a document. */
		pbt_buf_adds(out, "<testsuites></testsuites>\n");
		return;
	}
	pbt_buf_adds(out, "<testsuites>\n");
	while (i < fs->n) {
		const char *path = fs->v[i].path;
		const char *name = path ? path : "<input>";
		size_t len = strlen(name);

		for (n = i; n < fs->n && same_file(fs->v[n].path, path); n++)
			;
		if (len >= 6 && !strcmp(name + len - 6, ".proto"))
			len -= 6;
		pbt_buf_adds(out, "  <testsuite name=\"");
		{
			struct pbt_buf base = PBT_BUF_INIT;

			pbt_buf_add(&base, name, len);
			add_xml(out, pbt_buf_str(&base));
			pbt_buf_release(&base);
		}
		pbt_buf_addf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
			     n - i, n - i);
		for (j = i; j < n; j++) {
			const struct pbt_finding *f = &fs->v[j];
			struct pbt_buf msg = PBT_BUF_INIT;

			pbt_buf_adds(out, "    <testcase name=\"");
			add_xml(out, f->rule);
			if (f->path)
				pbt_buf_addf(out, "_%u_%u", pbt_pos(f->span.start_line),
					     pbt_pos(f->span.start_col));
			pbt_buf_adds(out, "\">\n      <failure message=\"");
			pbt_buf_addf(&msg, "%s:%u:%u:%s", name, pbt_pos(f->span.start_line),
				     pbt_pos(f->span.start_col), f->message);
			add_xml(out, msg.buf);
			pbt_buf_release(&msg);
			pbt_buf_adds(out, "\" type=\"");
			add_xml(out, f->rule);
			pbt_buf_adds(out, "\"></failure>\n    </testcase>\n");
		}
		pbt_buf_adds(out, "  </testsuite>\n");
		i = n;
	}
	pbt_buf_adds(out, "</testsuites>\n");
}
