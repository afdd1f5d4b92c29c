#ifndef CMD_H
#define CMD_H

/*
 * The command-line tool: one file per subcommand, one table of commands
 * in main.c.  Library errors come back as struct pbt_err and are printed
 * here, and only here, as `pbtable: path:line:col: message`.
 */
#include "pbt.h"

/* Exit codes, documented in man/pbtable.1.  The same as buf's. */
enum pbt_exit {
	PBT_EXIT_OK = 0,	/* done, nothing found */
	PBT_EXIT_ERROR = 1,	/* bad input, config, usage, database, I/O */
	PBT_EXIT_FINDINGS = 100,	/* findings (breaking changes, drift) reported */
};

/*
 * One entry per command.  Its options are in the command's own table
 * (opt.h), which cmd_parse() turns into the help: usage, summary, the
 * options, then notes.  `pbtable help NAME` runs `NAME --help`.
 */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;	/* after "pbtable NAME ": operands, then [options] */
	const char *summary;	/* NULL: hidden from `pbtable --help` */
	const char *notes;	/* after the options: operands, exit status */
};

extern const struct cmd cmd_table[];
const struct cmd *cmd_find(const char *name);

int cmd_breaking(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_lock(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_bench_load(int argc, char **argv);
int cmd_ddl(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_drift(int argc, char **argv);

/*
 * Print s's warnings to stderr, then write s to out_path atomically ("-"
 * or NULL without apply: stdout), then with apply run it on dsn.
 * Returns an exit code.
 */
int cmd_emit_sql(struct pbt_sql *s, const char *out_path, bool apply, const char *dsn);

/* Print err as one line (plus its detail line) to stderr. */
void cmd_error(const struct pbt_err *err);
/* printf-style one-line error; returns PBT_EXIT_ERROR. */
int cmd_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error: message, then the command's usage; returns PBT_EXIT_ERROR. */
int cmd_usage_error(const struct cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Write a buffer to stdout; returns 0 or PBT_EXIT_ERROR. */
int cmd_write_stdout(const struct pbt_buf *b);

#endif
