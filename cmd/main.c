/*
 * pbtable's entry point: the command table (git's git.c), global flags,
 * and the final check that stdout was really written.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#ifndef PBT_VERSION
#define PBT_VERSION "0.0.0"
#endif

/* The help of OPT_SOURCES (opt.h), shared by every command that reads schemas. */
#define SOURCES_HELP \
	"  -I, --proto-path DIR     proto root for source inputs (repeatable;\n" \
	"                           default: build.roots of pbtable.yaml, else the input)\n" \
	"  --protoc PATH            protoc to compile sources with (default: on PATH)\n"

const struct cmd cmd_table[] = {
	{ "breaking", cmd_breaking, "NEW --against OLD [options]",
	  "check NEW against OLD for breaking changes (buf's rules)",
	  "  --against OLD            the earlier version\n"
	  "  --lock FILE              also check NEW against every version a pbtable.lock recorded\n"
	  "                           (WIRE and WIRE_JSON rules; --against is then optional)\n"
	  "  --config FILE|TEXT       buf.yaml/pbtable.yaml, or its text (YAML or JSON)\n"
	  "  --error-format FORMAT    text (default), json, msvs, junit, github-actions,\n"
	  "                           gitlab-code-quality or sarif\n"
	  "  --exclude-imports        drop findings in files marked as imports\n"
	  "  --path P                 only files under P, and their imports (repeatable)\n"
	  "  --exclude-path P         leave out files under P (repeatable)\n"
	  SOURCES_HELP
	  "  --no-inline-allow        ignore `pbtable:allow RULE reason` comments\n"
	  "NEW and OLD are binary FileDescriptorSets (protoc -o, buf build -o), - for stdin,\n"
	  "a directory or .proto file (compiled with protoc), or git:REF[:SUBDIR] (the same\n"
	  "sources in commit REF; git:latest-tag is the newest tag reachable from HEAD).\n"
	  "Exit status: 0 nothing found, 100 breaking changes found, 1 error.\n" },
	{ "rules", cmd_rules, "[--category CAT] [--config-version V] [--all]",
	  "list the breaking rules with their categories",
	  "  --category CAT           only rules in CAT (FILE, PACKAGE, WIRE_JSON, WIRE, CSR)\n"
	  "  --config-version V       categories as in buf.yaml version V (v1beta1, v1, v2; default v1)\n"
	  "  --all                    include deprecated rules and rules absent from V\n" },
	{ "ddl", cmd_ddl, "SET [--config FILE] [--table NAME] [-o FILE] [--strict] [--apply [--dsn URL]]",
	  "print the Postgres DDL for the pbtables of a schema",
	  "  --config FILE            pbtable.yaml with a 'tables:' list (default ./pbtable.yaml)\n"
	  "  --table NAME             only this table (schema.table, table or message name)\n"
	  "  -o, --output FILE        write the SQL to FILE atomically (- for stdout)\n"
	  "  --strict                 add CHECK constraints that reject unreadable values\n"
	  "  --lock-timeout T         SET LOCAL lock_timeout (default 5s)\n"
	  "  --apply                  run the SQL on a database (nothing is printed unless -o)\n"
	  "  --dsn URL                libpq connection string for --apply (default: PG* variables)\n"
	  SOURCES_HELP
	  "SET is a binary FileDescriptorSet (protoc -o, buf build -o), a directory or\n"
	  ".proto file (compiled with protoc), or git:REF[:SUBDIR] (sources in commit REF).\n"
	  "Exit status: 0 ok, 1 error.  See man pbtable-ddl(1).\n" },
	{ "migrate", cmd_migrate, "NEW --against OLD [--config FILE] [-o FILE] [--allow-drop] [--apply [--dsn URL]]",
	  "print the DDL that evolves the pbtables of OLD into those of NEW",
	  "  --against OLD            the schema the database was created from (required)\n"
	  "  --config FILE            pbtable.yaml for NEW (default ./pbtable.yaml)\n"
	  "  --against-config FILE    pbtable.yaml for OLD (default: the same as --config)\n"
	  "  -o, --output FILE        write the SQL to FILE atomically (- for stdout)\n"
	  "  --allow-drop             drop columns, indexes and tables NEW no longer has\n"
	  "  --strict                 add CHECK constraints for new columns\n"
	  "  --lock-timeout T         SET LOCAL lock_timeout (default 5s)\n"
	  "  --apply                  run the SQL on a database (nothing is printed unless -o)\n"
	  "  --dsn URL                libpq connection string for --apply (default: PG* variables)\n"
	  SOURCES_HELP
	  "NEW and OLD are inputs as for `breaking`: sets, sources or git:REF[:SUBDIR].\n"
	  "Refuses (exit 1) when OLD -> NEW breaks WIRE_JSON for a projected field.\n"
	  "Exit status: 0 ok, 1 error or refused.  See man pbtable-ddl(1).\n" },
	{ "history", cmd_history, "V1 V2 ... VN [--use CATEGORY] [--label NAME]... [--error-format FORMAT]",
	  "check successive versions transitively (every version against every earlier one)",
	  "  --use CATEGORY           WIRE or WIRE_JSON (repeatable; default both)\n"
	  "  --label NAME             name of each version in output, one per version (default: the paths)\n"
	  "  --error-format FORMAT    text (default) or json\n"
	  SOURCES_HELP
	  "Versions, oldest first, are binary FileDescriptorSets, directories or .proto files\n"
	  "(compiled with protoc), or git:REF[:SUBDIR] (git:REF alone: the sources of the\n"
	  "last version as they were in REF).  Each finding is printed once, prefixed with\n"
	  "the pair it first breaks (\"v5 vs v1: \").\n"
	  "Exit status: 0 nothing found, 100 breaking changes found, 1 error.\n" },
	{ "lock", cmd_lock, "update SET [--lock FILE] [--prune]",
	  "record every number and name SET uses in pbtable.lock",
	  "  --lock FILE              the lock file (default pbtable.lock; created if missing)\n"
	  "  --prune                  drop entries SET no longer has (else lines are only added)\n"
	  SOURCES_HELP
	  "SET is a descriptor set, a directory or .proto file, or git:REF[:SUBDIR].\n"
	  "Check a schema against the lock with `pbtable breaking NEW --lock FILE`.\n" },
	{ "drift", cmd_drift, "SET [--dsn URL]... [--config FILE] [--error-format F] [--fix [--apply] [--allow-drop]]",
	  "check live databases against the pbtables of a schema",
	  "  --dsn URL                libpq connection string (repeatable: a primary and its\n"
	  "                           replicas, reported per database; default: PG* variables)\n"
	  "  --config FILE            pbtable.yaml with a 'tables:' list (default ./pbtable.yaml)\n"
	  "  --table NAME             only this table (schema.table, table or message name)\n"
	  "  --strict                 the tables were made with ddl --strict (expect its CHECKs)\n"
	  "  --error-format FORMAT    text (default), json, github-actions or sarif\n"
	  "  --connect-timeout S      seconds to wait for a connection (default 10)\n"
	  "  --statement-timeout T    limit for each catalog query (default 30s)\n"
	  "  --fix                    print the SQL that repairs the drift (stdout, or -o)\n"
	  "  -o, --output FILE        with --fix: write the SQL to FILE; findings go to stdout\n"
	  "  --allow-drop             with --fix: also drop extra columns, indexes, ...\n"
	  "  --apply                  with --fix: run the repair in one transaction, check again\n"
	  "  --lock-timeout T         with --apply: SET LOCAL lock_timeout (default 5s)\n"
	  "  -v, --verbose            per database on stderr: standby or not, findings, queries\n"
	  SOURCES_HELP
	  "SET is a descriptor set, a directory or .proto file, or git:REF[:SUBDIR].\n"
	  "Read-only (a READ ONLY transaction; works on a hot standby) unless --fix --apply.\n"
	  "Exit status: 0 no drift, 100 drift found, 1 error.  See man pbtable-drift(1).\n" },
	{ "help", cmd_help, "[COMMAND]", "show help for pbtable or a command", "" },
	{ "bench-load", cmd_bench_load, "[--index] SET...",
	  NULL /* hidden: the load floor for `make bench` */,
	  "Read and unpack each SET with protobuf-c, and nothing else.\n" },
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

void cmd_print_help(const struct cmd *c, FILE *out)
{
	fprintf(out, "usage: pbtable %s %s\n", c->name, c->usage);
	if (c->summary)
		fprintf(out, "\n%s.\n", c->summary);
	if (c->help && *c->help)
		fprintf(out, "\n%s", c->help);
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
	const struct cmd *c;

	if (argc < 2) {
		usage(stdout);
		return PBT_EXIT_OK;
	}
	c = cmd_find(argv[1]);
	if (!c)
		return cmd_fail("unknown command '%s' (see `pbtable help`)", argv[1]);
	cmd_print_help(c, stdout);
	return PBT_EXIT_OK;
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
