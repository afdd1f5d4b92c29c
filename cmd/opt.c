/*
 * Command-line option parsing from a per-command table, and the help made
 * from the same table.
 */
#include "opt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct opt *find_long(const struct opt *opts, const char *name, size_t n)
{
	for (; opts->name; opts++)
		if (strlen(opts->name) == n && !strncmp(opts->name, name, n))
			return opts;
	return NULL;
}

static const struct opt *find_short(const struct opt *opts, char c)
{
	for (; opts->name; opts++)
		if (opts->short_name && opts->short_name == c)
			return opts;
	return NULL;
}

static bool takes_value(const struct opt *o)
{
	return o->value || o->list;
}

static void store(const struct opt *o, const char *v)
{
	if (o->value)
		*o->value = v;
	if (o->list) {
		*o->list = realloc((void *)*o->list, (*o->n_list + 1) * sizeof(char *));
		if (!*o->list) {
			fputs("pbtable: out of memory\n", stderr);
			exit(PBT_EXIT_ERROR);
		}
		(*o->list)[(*o->n_list)++] = v;
	}
}

int cmd_parse(const struct cmd *c, int argc, char **argv, const struct opt *opts,
	      const char **pos, size_t max_pos, size_t *n_pos)
{
	bool only_pos = false;
	int i;

	*n_pos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt *o;
		const char *v = NULL;

		if (only_pos || a[0] != '-' || !a[1]) {
			if (*n_pos >= max_pos) {
				cmd_usage_error(c, "unexpected argument '%s'", a);
				return CMD_PARSE_ERROR;
			}
			pos[(*n_pos)++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = true;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cmd_print_help(c, opts, stdout);
			return CMD_PARSE_HELP;
		}
		if (!strcmp(a, "--list-options")) {
			cmd_list_options(opts, stdout);
			return CMD_PARSE_HELP;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

			o = find_long(opts, a + 2, n);
			if (!o) {
				cmd_usage_error(c, "unknown option '%.*s'", (int)n + 2, a);
				return CMD_PARSE_ERROR;
			}
			if (eq)
				v = eq + 1;
		} else {
			o = find_short(opts, a[1]);
			if (!o) {
				cmd_usage_error(c, "unknown option '%s'", a);
				return CMD_PARSE_ERROR;
			}
			if (a[2])
				v = a + 2;
		}
		if (!takes_value(o)) {
			if (v) {
				cmd_usage_error(c, "option '--%s' takes no value", o->name);
				return CMD_PARSE_ERROR;
			}
			*o->flag = true;
			continue;
		}
		if (!v) {
			if (i + 1 >= argc) {
				cmd_usage_error(c, "option '--%s' needs a value", o->name);
				return CMD_PARSE_ERROR;
			}
			v = argv[++i];
		}
		store(o, v);
	}
	return CMD_PARSE_OK;
}

/* Where help text starts: "  -o, --output FILE" padded to this column. */
enum { HELP_COL = 27 };

void cmd_print_help(const struct cmd *c, const struct opt *opts, FILE *out)
{
	const struct opt *o;

	fprintf(out, "usage: pbtable %s %s\n", c->name, c->usage);
	if (c->summary)
		fprintf(out, "\n%s.\n", c->summary);
	if (opts && opts->name)
		fputs("\n", out);
	for (o = opts; o && o->name; o++) {
		const char *h = o->help, *nl;
		int n;

		n = fprintf(out, "  ");
		if (o->short_name)
			n += fprintf(out, "-%c, ", o->short_name);
		n += fprintf(out, "--%s", o->name);
		if (o->arg)
			n += fprintf(out, " %s", o->arg);
		if (n >= HELP_COL - 1) {
			fputs("\n", out);
			n = 0;
		}
		for (;;) {
			nl = strchr(h, '\n');
			fprintf(out, "%*s%.*s\n", HELP_COL - n, "",
				nl ? (int)(nl - h) : (int)strlen(h), h);
			if (!nl)
				break;
			h = nl + 1;
			n = 0;
		}
	}
	if (c->notes && *c->notes)
		fprintf(out, "\n%s", c->notes);
}

void cmd_list_options(const struct opt *opts, FILE *out)
{
	const struct opt *o;
	const char *h;

	for (o = opts; o->name; o++) {
		fprintf(out, "%s\t", o->name);
		if (o->short_name)
			fprintf(out, "%c\t", o->short_name);
		else
			fputs("-\t", out);
		fprintf(out, "%s\t%s\t", o->arg ? o->arg : "-",
			o->list ? "list" : o->value ? "single" : "flag");
		for (h = o->help; *h; h++)
			fputc(*h == '\n' ? ' ' : *h, out);
		fputc('\n', out);
	}
}
