#ifndef CMD_OPT_H
#define CMD_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct cmd;

/*
 * One option table per command (curl's tool_getparam, git's OPT_*): long
 * name, an optional short letter, the argument's name and one help line,
 * and where the value goes.  The table is the documentation: `--help`,
 * the man pages' synopses (`make man`) and the shell completions are made
 * from it, and a test checks every option is in its command's man page.
 * Options and positional arguments may be mixed; "--" ends options; "-"
 * is positional.
 */
struct opt {
	const char *name;		/* without "--"; NULL ends the table */
	char short_name;		/* 0 if none */
	const char *arg;		/* the argument's name; NULL: a flag */
	const char *help;		/* one line ('\n' continues it) */
	const char **value;		/* takes an argument: last one wins */
	bool *flag;			/* no argument */
	const char ***list;		/* takes an argument: every one kept */
	size_t *n_list;
};

#define OPT_STRING(l, s, var, a, h) \
	{ (l), (s), (a), (h), &(var), NULL, NULL, NULL }
#define OPT_BOOL(l, s, var, h) \
	{ (l), (s), NULL, (h), NULL, &(var), NULL, NULL }
/* Repeatable: every value kept, in order, in a malloc()ed array. */
#define OPT_LIST(l, s, var, n, a, h) \
	{ (l), (s), (a), (h), NULL, NULL, &(var), &(n) }
#define OPT_END() { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL }

/*
 * -I and --protoc, for every command that reads schemas (struct
 * pbt_sources src); after cmd_parse(), set src.proto_paths = roots.
 */
#define OPT_SOURCES(roots, src)                                             \
	OPT_LIST("proto-path", 'I', roots, (src).n_proto_paths, "DIR",      \
		 "proto root for source inputs (repeatable;\n"              \
		 "default: build.roots of pbtable.yaml, else the input)"),  \
	OPT_STRING("protoc", 0, (src).protoc, "PATH",                       \
		   "protoc to compile sources with (default: on PATH)")

enum { CMD_PARSE_OK = 0, CMD_PARSE_HELP = -1, CMD_PARSE_ERROR = -2 };

/*
 * Parse argv[1..] (argv[0] is the command name).  Positional arguments go
 * to pos[] (at most max_pos).  Returns CMD_PARSE_OK, CMD_PARSE_HELP after
 * printing help (--help, -h) or the option list (--list-options, hidden:
 * for `make man` and the completions), or CMD_PARSE_ERROR after printing
 * the error and usage.  Lists are malloc()ed and live until exit.
 */
int cmd_parse(const struct cmd *c, int argc, char **argv, const struct opt *opts,
	      const char **pos, size_t max_pos, size_t *n_pos);

/* c's help: usage, summary, the options of opts, then c->notes. */
void cmd_print_help(const struct cmd *c, const struct opt *opts, FILE *out);

/*
 * One line per option, fields separated by tabs: long name, short letter
 * (or "-"), argument name (or "-"), "list" or "single" or "flag", and the
 * help with its line breaks as spaces.  What `--list-options` prints.
 */
void cmd_list_options(const struct opt *opts, FILE *out);

#endif
