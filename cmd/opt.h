#ifndef CMD_OPT_H
#define CMD_OPT_H

#include <stdbool.h>
#include <stddef.h>

struct cmd;

/*
 * One option table per command (curl's tool_getparam): long name, an
 * optional short letter, and where the value goes.  Options and
 * positional arguments may be mixed; "--" ends options; "-" is positional.
 */
struct opt {
	const char *name;		/* without "--" */
	char short_name;		/* 0 if none */
	const char **value;		/* takes an argument: last one wins */
	bool *flag;			/* no argument */
	const char ***list;		/* takes an argument: every one kept */
	size_t *n_list;
};

/*
 * -I and --protoc, for every command that reads schemas (struct
 * pbt_sources src); after cmd_parse(), set src.proto_paths = roots.
 */
#define OPT_SOURCES(roots, src)                                              \
	{ "proto-path", 'I', NULL, NULL, &(roots), &(src).n_proto_paths },   \
	{ "protoc", 0, &(src).protoc, NULL, NULL, NULL }

enum { CMD_PARSE_OK = 0, CMD_PARSE_HELP = -1, CMD_PARSE_ERROR = -2 };

/*
 * Parse argv[1..] (argv[0] is the command name).  Positional arguments go
 * to pos[] (at most max_pos).  Returns CMD_PARSE_OK, CMD_PARSE_HELP after
 * printing help, or CMD_PARSE_ERROR after printing the error and usage.
 * Lists are malloc()ed and live until exit.
 */
int cmd_parse(const struct cmd *c, int argc, char **argv, const struct opt *opts,
	      const char **pos, size_t max_pos, size_t *n_pos);

#endif
