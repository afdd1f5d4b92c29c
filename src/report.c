/*
 * The table of output formats.  A format is one line here and one
 * render function in report_<name>.c.
 */
#include "report.h"

#include <string.h>

const struct pbt_format pbt_formats[] = {
	{ "text", pbt_report_text, "path:line:column:message, one per line (buf's default)" },
	{ "json", pbt_report_json, "one JSON object per line with buf's keys" },
	{ "msvs", pbt_report_msvs, "path(line,column) : error RULE : message (buf's msvs)" },
	{ "junit", pbt_report_junit, "JUnit XML, one testsuite per file (buf's junit)" },
	{ "github-actions", pbt_report_github, "::error workflow commands (buf's github-actions)" },
	{ "gitlab-code-quality", pbt_report_gitlab, "GitLab Code Quality JSON with buf's fingerprints" },
	{ "sarif", pbt_report_sarif, "SARIF 2.1.0 for code scanning; approved findings marked suppressed" },
	{ NULL, NULL, NULL },
};

const struct pbt_format *pbt_format_find(const char *name)
{
	const struct pbt_format *f;

	for (f = pbt_formats; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}
