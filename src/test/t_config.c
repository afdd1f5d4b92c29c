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
	T_EQ_STR(err.msg,
		 "rule 'FIELD_SAME_CTYPE' does not exist in config version v2");
	T_EQ_STR(err.detail, "");
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
	/* Zero is no version number for buf: these are stable. */
	T_CHECK(!pbt_package_unstable("foo.v0alpha1"));
	T_CHECK(!pbt_package_unstable("foo.v1alpha0"));
	T_CHECK(!pbt_package_unstable("foo.v1p0alpha1"));
	T_CHECK(!pbt_package_unstable("foo.v00test"));
	T_CHECK(pbt_package_unstable("foo.v01alpha1"));
	T_CHECK(!pbt_package_unstable("foo.v1p1test"));
	T_CHECK(pbt_package_unstable("foo.v1p1beta"));
}

static void version_required_except_in_pbtable_yaml(void)
{
	static const char own[] = "ddl: {}\nbreaking:\n  use: [PACKAGE]\n";
	struct pbt_breaking_config c;
	struct pbt_err err;

	T_CHECK(parse(&c, "breaking:\n  use: [FILE]\n", &err) == -PBT_ECONFIG);
	T_EQ_STR(err.msg,
		 "'version' is not set (add \"version: v2\", or v1, v1beta1)");
	T_EQ_INT(err.loc.line, 1);
	pbt_breaking_config_release(&c);
	T_CHECK(parse(&c, "", &err) == -PBT_ECONFIG);
	T_EQ_STR(err.msg, "empty config: 'version' is not set "
		 "(start with \"version: v2\")");
	pbt_breaking_config_release(&c);
	/* pbtable.yaml is ours: v1 when unversioned, other sections too. */
	pbt_breaking_config_init(&c);
	T_CHECK(pbt_breaking_config_parse(&c, "dir/pbtable.yaml", own,
					  strlen(own), &err) == 0);
	T_EQ_INT(c.version, PBT_V1);
	T_CHECK(on(&c, "PACKAGE_NO_DELETE") && !on(&c, "FILE_NO_DELETE"));
	pbt_breaking_config_release(&c);
}

static void unknown_top_level_key(void)
{
	struct pbt_breaking_config c;
	struct pbt_err err;

	T_CHECK(parse(&c, "version: v1\nbreakin:\n  use: [FILE]\n", &err) != 0);
	T_EQ_STR(err.msg, "unknown key 'breakin' in a v1/v1beta1 config");
	T_EQ_INT(err.loc.line, 2);
	pbt_breaking_config_release(&c);
	T_CHECK(parse(&c, "version: v1\nmodules: []\n", &err) != 0);
	pbt_breaking_config_release(&c);
	T_CHECK(parse(&c, "version: v2\nmodules: []\nlint: {}\ndeps: []\n",
		      &err) == 0);
	pbt_breaking_config_release(&c);
}

static void ignore_paths_cleaned(void)
{
	struct pbt_breaking_config c;
	struct pbt_err err;
	struct pbt_finding f;

	T_CHECK(parse(&c, "version: v1\nbreaking:\n"
		      "  ignore: [./x//v1/, y/../z, w/.]\n", &err) == 0);
	T_EQ_INT(c.ignore.n, 3);
	T_EQ_STR(c.ignore.v[0], "x/v1");
	T_EQ_STR(c.ignore.v[1], "z");
	T_EQ_STR(c.ignore.v[2], "w");
	memset(&f, 0, sizeof(f));
	f.rule = "FIELD_SAME_NAME";
	f.path = "x/v1/a.proto";
	T_CHECK(pbt_breaking_config_ignores(&c, &f));
	pbt_breaking_config_release(&c);
	T_CHECK(parse(&c, "version: v1\nbreaking:\n  ignore:\n"
		      "    - a/../../b\n", &err) != 0);
	T_EQ_STR(err.msg, "ignore path 'a/../../b' is outside the module root");
	T_EQ_INT(err.loc.line, 4);
	pbt_breaking_config_release(&c);
}

static void v2_module_sections_are_checked_not_applied(void)
{
	struct pbt_breaking_config c;
	struct pbt_err err;

	/* buf applies the top-level section to images, even with module ".". */
	T_CHECK(parse(&c, "version: v2\nbreaking:\n  use: [WIRE]\nmodules:\n"
		      "  - path: .\n    breaking:\n      use: [PACKAGE]\n",
		      &err) == 0);
	T_CHECK(on(&c, "FIELD_WIRE_COMPATIBLE_TYPE"));
	T_CHECK(!on(&c, "PACKAGE_NO_DELETE"));
	T_EQ_INT(c.n_warnings, 1);
	pbt_breaking_config_release(&c);
	T_CHECK(parse(&c, "version: v2\nmodules:\n  - path: proto\n"
		      "    breaking:\n      ignore: [foo]\n", &err) != 0);
	T_EQ_STR(err.msg, "ignore path 'foo' is not inside module 'proto' "
		 "(paths are relative to buf.yaml: 'proto/foo')");
	pbt_breaking_config_release(&c);
	T_CHECK(parse(&c, "version: v2\nmodules:\n  - path: ../x\n",
		      &err) != 0);
	T_EQ_STR(err.msg, "module path '../x' is outside the root");
	pbt_breaking_config_release(&c);
}

static void nothing_left_to_run(void)
{
	struct pbt_breaking_config c;
	struct pbt_err err;

	T_CHECK(parse(&c, "version: v1\nbreaking:\n  use: [FILE]\n"
		      "  except: [FILE]\n", &err) != 0);
	T_EQ_STR(err.msg, "no breaking rules left to run ('except' removes "
		 "all of 'use', or 'use' has only rules that check nothing)");
	T_EQ_INT(err.loc.line, 3);
	pbt_breaking_config_release(&c);
	T_CHECK(parse(&c, "version: v1\nbreaking:\n"
		      "  use: [MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT]\n",
		      &err) != 0);
	pbt_breaking_config_release(&c);
	/* An empty ID is skipped, as buf does: the defaults stay. */
	T_CHECK(parse(&c, "version: v1\nbreaking:\n  use: ['']\n", &err) == 0);
	T_EQ_INT(count_on(&c), 49);
	pbt_breaking_config_release(&c);
	/* One warning for a rule named twice. */
	T_CHECK(parse(&c, "version: v1\nbreaking:\n"
		      "  use: [FIELD_SAME_CTYPE, FILE_SAME_GO_PACKAGE]\n"
		      "  except: [FIELD_SAME_CTYPE]\n", &err) == 0);
	T_EQ_INT(c.n_warnings, 1);
	T_EQ_INT(count_on(&c), 1);
	pbt_breaking_config_release(&c);
}

const struct t_case t_config_cases[] = {
	{ "unknown_rule_is_config_error", unknown_rule_is_config_error },
	{ "rule_absent_from_version", rule_absent_from_version },
	{ "bad_version_and_yaml", bad_version_and_yaml },
	{ "defaults_per_version", defaults_per_version },
	{ "use_except_and_deprecated", use_except_and_deprecated },
	{ "ignores", ignores },
	{ "unstable_packages", unstable_packages },
	{ "version_required_except_in_pbtable_yaml",
	  version_required_except_in_pbtable_yaml },
	{ "unknown_top_level_key", unknown_top_level_key },
	{ "ignore_paths_cleaned", ignore_paths_cleaned },
	{ "v2_module_sections_are_checked_not_applied",
	  v2_module_sections_are_checked_not_applied },
	{ "nothing_left_to_run", nothing_left_to_run },
	{ NULL, NULL },
};
