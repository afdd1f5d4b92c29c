#ifndef T_H
#define T_H

/*
 * The unit test runner's assertions (jq's and git's style): a failed
 * check prints `# file:line: ...` and marks the current test failed.
 */
#include <stdio.h>
#include <string.h>

struct t_case {
	const char *name;
	void (*fn)(void);
};

extern int t_failed;

#define T_CHECK(cond)								\
	do {									\
		if (!(cond)) {							\
			printf("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			t_failed = 1;						\
		}								\
	} while (0)

#define T_EQ_STR(got, want)							\
	do {									\
		const char *g_ = (got), *w_ = (want);				\
		if (!g_ || !w_ || strcmp(g_, w_)) {				\
			printf("# %s:%d: want \"%s\"\n#   got \"%s\"\n", __FILE__, __LINE__, \
			       w_ ? w_ : "(null)", g_ ? g_ : "(null)");	\
			t_failed = 1;						\
		}								\
	} while (0)

#define T_EQ_INT(got, want)							\
	do {									\
		long long g_ = (long long)(got), w_ = (long long)(want);	\
		if (g_ != w_) {							\
			printf("# %s:%d: %s: want %lld, got %lld\n", __FILE__, __LINE__, \
			       #got, w_, g_);					\
			t_failed = 1;						\
		}								\
	} while (0)

extern const struct t_case t_arena_cases[];
extern const struct t_case t_map_cases[];
extern const struct t_case t_config_cases[];
extern const struct t_case t_rules_cases[];
extern const struct t_case t_schema_cases[];
extern const struct t_case t_compat_cases[];
extern const struct t_case t_rule_message_cases[];
extern const struct t_case t_ci_cases[];
extern const struct t_case t_sql_quote_cases[];
extern const struct t_case t_fingerprint_cases[];
extern const struct t_case t_ddl_config_cases[];
extern const struct t_case t_lock_cases[];
extern const struct t_case t_pgexpr_cases[];
extern const struct t_case t_drift_cases[];
extern const struct t_case t_script_cases[];

#endif
