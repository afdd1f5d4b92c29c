/*
 * pbtable's entry point: the command table (git's git.c), global flags,
 * and the final check that stdout was really written.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "opt.h"

#ifndef PBT_VERSION
#define PBT_VERSION "0.0.0"
#endif

const struct cmd cmd_table[] = {
	{ "breaking", cmd_breaking, "NEW --against OLD [options]",
	  "check NEW against OLD for breaking changes (buf's rules)",
	  "NEW and OLD are binary FileDescriptorSets (protoc -o, buf build -o), - for stdin,\n"
	  "a directory or .proto file (compiled with protoc), or git:REF[:SUBDIR] (the same\n"
	  "sources in commit REF; git:latest-tag is the newest tag reachable from HEAD).\n"
	  "Exit status: 0 nothing found, 100 breaking changes found, 1 error.\n" },
	{ "rules", cmd_rules, "[options]",
	  "list the breaking rules with their categories", NULL },
	{ "ddl", cmd_ddl, "SET [options]",
	  "print the Postgres DDL for the pbtables of a schema",
	  "SET is a binary FileDescriptorSet (protoc -o, buf build -o), a directory or\n"
	  ".proto file (compiled with protoc), or git:REF[:SUBDIR] (sources in commit REF).\n"
	  "Exit status: 0 ok, 1 error.  See man pbtable-ddl(1).\n" },
	{ "migrate", cmd_migrate, "NEW --against OLD [options]",
	  "print the DDL that evolves the pbtables of OLD into those of NEW",
	  "NEW and OLD are inputs as for `breaking`: sets, sources or git:REF[:SUBDIR].\n"
	  "Refuses (exit 1) when OLD -> NEW breaks WIRE_JSON for a projected field.\n"
	  "Exit status: 0 ok, 1 error or refused.  See man pbtable-migrate(1).\n" },
	{ "history", cmd_history, "V1 V2 ... VN [options]",
	  "check successive versions transitively (every version against every earlier one)",
	  "Versions, oldest first, are binary FileDescriptorSets, directories or .proto files\n"
	  "(compiled with protoc), or git:REF[:SUBDIR] (git:REF alone: the sources of the\n"
	  "last version as they were in REF).  Each finding is printed once, prefixed with\n"
	  "the pair it first breaks (\"v5 vs v1: \").\n"
	  "Exit status: 0 nothing found, 100 breaking changes found, 1 error.\n" },
	{ "lock", cmd_lock, "update|check SET [options]",
	  "record and check every number and name a schema uses (pbtable.lock)",
	  NULL /* its subcommands have their own (cmd/lock.c) */ },
	{ "drift", cmd_drift, "SET [options]",
	  "check live databases against the pbtables of a schema",
	  "SET is a descriptor set, a directory or .proto file, or git:REF[:SUBDIR].\n"
	  "Read-only (a READ ONLY transaction; works on a hot standby) unless --fix --apply.\n"
	  "Exit status: 0 no drift, 100 drift found, 1 error.  See man pbtable-drift(1).\n" },
	{ "help", cmd_help, "[COMMAND]", "show help for pbtable or a command", NULL },
	{ "bench-load", cmd_bench_load, "[--index] SET...",
	  NULL /* hidden: the load floor for `make bench` */,
	  "Map and unpack each SET as breaking does, and nothing else\n"
	  "(--index: load it whole, index too: the floor under breaking).\n" },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cmd *cmd_find(const char *name)
{
	const struct cmd *c;

	for (c = cmd_table; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

void cmd_error(const struct pbt_err *err)
{
	fputs("pbtable: ", stderr);
	if (err->loc.path) {
		fputs(err->loc.path, stderr);
		if (err->loc.line)
			fprintf(stderr, ":%u", err->loc.line);
		if (err->loc.line && err->loc.col)
			fprintf(stderr, ":%u", err->loc.col);
		fputs(": ", stderr);
	}
	fprintf(stderr, "%s\n", err->msg);
	if (err->detail[0])
		fprintf(stderr, "pbtable: %s\n", err->detail);
}

int cmd_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("pbtable: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return PBT_EXIT_ERROR;
}

int cmd_usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;

	fputs("pbtable: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c)
		fprintf(stderr, "usage: pbtable %s %s\n", c->name, c->usage);
	return PBT_EXIT_ERROR;
}

int cmd_write_stdout(const struct pbt_buf *b)
{
	if (b->len && fwrite(b->buf, 1, b->len, stdout) != b->len)
		return cmd_fail("cannot write output: %s", "write error");
	return 0;
}

static void usage(FILE *out)
{
	const struct cmd *c;

	fputs("usage: pbtable [--version] [--help] COMMAND [ARGS]\n\n"
	      "Keep protobuf schemas safe to evolve; store messages in Postgres.\n\n"
	      "Commands:\n", out);
	for (c = cmd_table; c->name; c++)
		if (c->summary)
			fprintf(out, "  %-12s %s\n", c->name, c->summary);
	fputs("\nSee `pbtable help COMMAND` and man pbtable(1).\n", out);
}

int cmd_help(int argc, char **argv)
{
	static char help_flag[] = "--help";
	char *args[] = { NULL, help_flag, NULL };
	const struct cmd *c;

	if (argc < 2) {
		usage(stdout);
		return PBT_EXIT_OK;
	}
	c = cmd_find(argv[1]);
	if (!c)
		return cmd_fail("unknown command '%s' (see `pbtable help`)", argv[1]);
	if (c->fn == cmd_help) {
		cmd_print_help(c, NULL, stdout);
		return PBT_EXIT_OK;
	}
	/* The options live in the command's own table: ask it. */
	args[0] = argv[1];
	return c->fn(2, args);
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return PBT_EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("pbtable %s\n", PBT_VERSION);
		return PBT_EXIT_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return PBT_EXIT_OK;
	}
	c = cmd_find(argv[1]);
	if (!c) {
		cmd_fail("unknown command '%s'", argv[1]);
		usage(stderr);
		return PBT_EXIT_ERROR;
	}
	rc = c->fn(argc - 1, argv + 1);
	/* A full disk must not look like success (git's run_builtin). */
	if (fflush(stdout) || ferror(stdout) || fclose(stdout)) {
		cmd_fail("cannot write to standard output");
		return PBT_EXIT_ERROR;
	}
	return rc;
}
