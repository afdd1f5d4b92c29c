#ifndef PBT_REPORT_H
#define PBT_REPORT_H

#include "buf.h"
#include "findings.h"

/*
 * Output formats for findings.  Each renders the whole (sorted) list into
 * a buffer; cmd/ writes it out.  One table entry per format.
 */
typedef void pbt_report_fn(struct pbt_buf *out, const struct pbt_findings *fs);

struct pbt_format {
	const char *name;
	pbt_report_fn *render;
	const char *about;
};

extern const struct pbt_format pbt_formats[];
const struct pbt_format *pbt_format_find(const char *name);

pbt_report_fn pbt_report_text, pbt_report_json;
pbt_report_fn pbt_report_msvs, pbt_report_junit, pbt_report_github,
	pbt_report_gitlab, pbt_report_sarif;

struct pbt_report;
/*
 * A report holding fs's findings (moved: fs is left empty and must still
 * be released), for library entry points other than pbt_breaking().
 */
struct pbt_report *pbt_report_from_findings(struct pbt_findings *fs);

/* Positions as buf prints them: unknown (0) becomes 1. */
static inline unsigned pbt_pos(unsigned v)
{
	return v ? v : 1;
}

#endif
