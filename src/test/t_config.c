/* buf.yaml `breaking:` parsing and rule selection. */
#include "config.h"
#include "err.h"
#include "findings.h"
#include "rules.h"
#include "t.h"

static int parse(struct pbt_breaking_config *c, const char *text, struct pbt_err *err)
{
	pbt_breaking_config_init(c);
	return pbt_breaking_config_parse(c, "buf.yaml", text, strlen(text), err);
}

static bool on(const struct pbt_breaking_config *c, const char *id)
{
	return c->enabled[pbt_rule_index(pbt_rule_find(id))];
}

static size_t count_on(const struct pbt_breaking_config *c)
{
	size_t i, n = 0;

	for (i = 0; i < pbt_n_rules; i++)
		n += c->enabled[i];
	return n;
}

static void unknown_rule_is_config_error(void)
{
	struct pbt_breaking_config c;
	struct pbt_err err;

	T_CHECK(parse(&c, "version: v1\nbreaking:\n  use:\n    - NOPE\n", &err) == -PBT_ECONFIG);
	T_EQ_INT(err.code, PBT_ECONFIG);
	T_EQ_INT(err.loc.line, 4);
	T_EQ_STR(err.loc.path, "buf.yaml");
	T_EQ_STR(err.msg, "unknown rule or category 'NOPE'");
	pbt_breaking_config_release(&c);
}

static void rule_absent_from_version(void)
{
	struct pbt_breaking_config c;
	struct pbt_err err;

	T_CHECK(parse(&c, "version: v2\nbreaking:\n  use: [FIELD_SAME_CTYPE]\n", &err) != 0);
	T_EQ_STR(err.msg, "unknown rule or category 'FIELD_SAME_CTYPE'");
	T_EQ_STR(err.detail, "'FIELD_SAME_CTYPE' does not exist in config version v2");
	pbt_breaking_config_release(&c);
	T_CHECK(parse(&c, "version: v1\nbreaking:\n  use: [CSR]\n", &err) != 0);
	pbt_breaking_config_release(&c);
}

static void bad_version_and_yaml(void)
{
	struct pbt_breaking_config c;
	struct pbt_err err;

	T_CHECK(parse(&c, "version: v9\n", &err) != 0);
	T_EQ_STR(err.msg, "unknown config version 'v9' (want v1beta1, v1 or v2)");
	T_EQ_INT(err.loc.line, 1);
	pbt_breaking_config_release(&c);
	T_CHECK(parse(&c, "version: v1\nbreaking:\n  use: [A\n", &err) != 0);
	T_EQ_INT(err.code, PBT_ECONFIG);
	T_CHECK(err.loc.line >= 3);
	pbt_breaking_config_release(&c);
	T_CHECK(parse(&c, "version: v1\nbreaking:\n  excpet: [FILE]\n", &err) != 0);
	T_EQ_STR(err.msg, "unknown key 'excpet' in 'breaking'");
	pbt_breaking_config_release(&c);
}

static void defaults_per_version(void)
{
	struct pbt_breaking_config c;
	struct pbt_err err;

	pbt_breaking_config_init(&c);
	T_EQ_INT(count_on(&c), 49);	/* v1 FILE */
	T_CHECK(!on(&c, "EXTENSION_NO_DELETE"));
	pbt_breaking_config_release(&c);
	T_CHECK(parse(&c, "version: v2\n", &err) == 0);
	T_EQ_INT(count_on(&c), 51);
	T_CHECK(on(&c, "EXTENSION_NO_DELETE") && on(&c, "FIELD_SAME_DEFAULT"));
	pbt_breaking_config_release(&c);
}

static void use_except_and_deprecated(void)
{
	struct pbt_breaking_config c;
	struct pbt_err err;

	T_CHECK(parse(&c, "{\"version\":\"v1\",\"breaking\":{\"use\":[\"WIRE\"],\"except\":[\"RPC_SAME_REQUEST_TYPE\"]}}",
		      &err) == 0);
	T_EQ_INT(count_on(&c), 13);
	T_CHECK(!on(&c, "RPC_SAME_REQUEST_TYPE") && on(&c, "FIELD_WIRE_COMPATIBLE_TYPE"));
	pbt_breaking_config_release(&c);
	T_CHECK(parse(&c, "version: v1\nbreaking:\n  use: [FIELD_SAME_LABEL]\n", &err) == 0);
	T_EQ_INT(count_on(&c), 3);
	T_CHECK(on(&c, "FIELD_SAME_CARDINALITY") && on(&c, "FIELD_WIRE_COMPATIBLE_CARDINALITY") &&
		on(&c, "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY"));
	T_EQ_INT(c.n_warnings, 1);
	pbt_breaking_config_release(&c);
}

static void ignores(void)
{
	struct pbt_breaking_config c;
	struct pbt_err err;
	struct pbt_finding f;

	T_CHECK(parse(&c, "version: v1\nbreaking:\n  ignore: [a/b]\n  ignore_only:\n"
		      "    FIELD_NO_DELETE: [c.proto]\n  ignore_unstable_packages: true\n", &err) == 0);
	memset(&f, 0, sizeof(f));
	f.rule = "FIELD_SAME_NAME";
	f.path = "a/b/x.proto";
	T_CHECK(pbt_breaking_config_ignores(&c, &f));
	f.path = "a/bc.proto";
	T_CHECK(!pbt_breaking_config_ignores(&c, &f));
	f.prev_path = "a/b/y.proto";	/* either side counts */
	T_CHECK(pbt_breaking_config_ignores(&c, &f));
	f.prev_path = NULL;
	f.path = "c.proto";
	T_CHECK(!pbt_breaking_config_ignores(&c, &f));
	f.rule = "FIELD_NO_DELETE";
	T_CHECK(pbt_breaking_config_ignores(&c, &f));
	f.path = "d.proto";
	f.package = "foo.v1beta1";
	T_CHECK(pbt_breaking_config_ignores(&c, &f));
	pbt_breaking_config_release(&c);
}

static void unstable_packages(void)
{
	T_CHECK(pbt_package_unstable("foo.v1alpha"));
	T_CHECK(pbt_package_unstable("foo.v1alpha1"));
	T_CHECK(pbt_package_unstable("foo.bar.v1beta2"));
	T_CHECK(pbt_package_unstable("foo.v1p1beta1"));
	T_CHECK(pbt_package_unstable("foo.v1test"));
	T_CHECK(pbt_package_unstable("foo.v1testfoo"));
	T_CHECK(!pbt_package_unstable("foo.v1"));
	T_CHECK(!pbt_package_unstable("v1beta1"));
	T_CHECK(!pbt_package_unstable("foo"));
	T_CHECK(!pbt_package_unstable("a.b"));
	T_CHECK(!pbt_package_unstable("foo.v1beta1x"));
}

const struct t_case t_config_cases[] = {
	{ "unknown_rule_is_config_error", unknown_rule_is_config_error },
	{ "rule_absent_from_version", rule_absent_from_version },
	{ "bad_version_and_yaml", bad_version_and_yaml },
	{ "defaults_per_version", defaults_per_version },
	{ "use_except_and_deprecated", use_except_and_deprecated },
	{ "ignores", ignores },
	{ "unstable_packages", unstable_packages },
	{ NULL, NULL },
};
