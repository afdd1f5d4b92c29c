/*
 * `pbtable lock update SET` records every number and name SET uses in
 * pbtable.lock; `pbtable lock check SET` says whether that is done.  The
 * library renders the new file and finds what `breaking --lock` would
 * report; refusing to record those breaks (unless --force), and writing
 * the file (a temp file renamed over the old one, so a failure leaves
 * the old lock whole) are ours.  The subcommands are a table like the
 * commands', so help, man synopses and completions find them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "opt.h"

static int write_file(const char *path, const struct pbt_buf *b)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 8);
	FILE *f;
	int fd;

	if (!tmp)
		return cmd_fail("out of memory");
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".XXXXXX", 8);
	fd = mkstemp(tmp);
	if (fd < 0) {
		cmd_fail("%s: cannot create a temporary file next to it: %s",
			 path, strerror(errno));
		free(tmp);
		return PBT_EXIT_ERROR;
	}
	f = fdopen(fd, "wb");
	if (!f || (b->len && fwrite(b->buf, 1, b->len, f) != b->len) ||
	    fflush(f) || ferror(f)) {
		cmd_fail("%s: cannot write: %s", tmp, strerror(errno));
		if (f)
			fclose(f);
		else
			close(fd);
		remove(tmp);
		free(tmp);
		return PBT_EXIT_ERROR;
	}
	if (fclose(f) || rename(tmp, path)) {
		cmd_fail("%s: cannot write: %s", path, strerror(errno));
		remove(tmp);
		free(tmp);
		return PBT_EXIT_ERROR;
	}
	free(tmp);
	return PBT_EXIT_OK;
}

static int lock_update(int argc, char **argv);
static int lock_check(int argc, char **argv);

static const struct cmd lock_cmds[] = {
	{ "lock update", lock_update, "SET [options]",
	  "record every number and name SET uses in the lock",
	  "SET is a descriptor set, a directory or .proto file, or git:REF[:SUBDIR].\n"
	  "A missing lock file is created.\n"
	  "Refuses (exit 100, nothing written) while `pbtable breaking SET --lock FILE`\n"
	  "reports anything, unless --force, which records it and prints each break.\n"
	  "Exit status: 0 written, 100 breaks refused, 1 error.\n" },
	{ "lock check", lock_check, "SET [options]",
	  "check that the lock records every number and name SET uses",
	  "Prints what `lock update` would change (+ added, * made current again,\n"
	  "- removed with --prune) and writes nothing.\n"
	  "Exit status: 0 up to date, 100 not up to date, 1 error.\n" },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* What both subcommands take; --force only update. */
struct lock_args {
	struct pbt_lock_opts o;
	const char **roots;
	bool force;
	const char *set;
};

static int parse(const struct cmd *c, int argc, char **argv,
		 struct lock_args *a, bool with_force)
{
	struct opt opts[] = {
		OPT_STRING("lock", 0, a->o.lock, "FILE",
			   "the lock file (default pbtable.lock)"),
		OPT_BOOL("prune", 0, a->o.prune,
			 "drop entries SET no longer has (else lines are only added)"),
		OPT_STRING("config", 0, a->o.config, "FILE|TEXT",
			   "buf.yaml/pbtable.yaml, or its text, as for breaking"),
		OPT_SOURCES(a->roots, a->o.src),
		OPT_BOOL("force", 0, a->force,
			 "record breaks `breaking --lock` reports, printing each"),
		OPT_END(),
	};
	const char *pos[1];
	size_t npos;
	int rc;

	if (!with_force) {	/* --force, the last, is update's */
		size_t n = sizeof(opts) / sizeof(opts[0]);

		opts[n - 2] = (struct opt)OPT_END();
	}
	a->o.lock = "pbtable.lock";
	rc = cmd_parse(c, argc, argv, opts, pos, 1, &npos);
	a->o.src.proto_paths = a->roots;
	if (rc == CMD_PARSE_HELP)
		return -1;
	if (rc)
		return PBT_EXIT_ERROR;
	if (npos != 1)
		return cmd_usage_error(c, "expected one input (SET)");
	a->set = pos[0];
	return 0;
}

/* Warnings and inline approvals, on stderr as `breaking` prints them. */
static void print_notes(const struct pbt_report *r)
{
	size_t i, n = pbt_report_n_allowed(r);

	for (i = 0; i < pbt_report_n_warnings(r); i++)
		fprintf(stderr, "pbtable: warning: %s\n",
			pbt_report_warning(r, i));
	if (n)
		fprintf(stderr, "pbtable: %zu finding%s allowed inline "
			"(pbtable:allow):\n", n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++)
		fprintf(stderr, "pbtable:   %s\n", pbt_report_allowed(r, i));
}

static int print_breaks(const struct pbt_report *r)
{
	struct pbt_buf out = PBT_BUF_INIT;
	struct pbt_err err;
	int rc;

	if (pbt_report_render(r, "text", &out, &err)) {
		cmd_error(&err);
		return PBT_EXIT_ERROR;
	}
	rc = cmd_write_stdout(&out);
	pbt_buf_release(&out);
	return rc;
}

static int update(const struct lock_args *a)
{
	const char *lock = a->o.lock;
	struct pbt_lock_result res;
	struct pbt_err err;
	size_t n;
	int rc;

	if (pbt_lock_update(a->set, &a->o, &res, &err)) {
		cmd_error(&err);
		pbt_lock_result_release(&res);
		return PBT_EXIT_ERROR;
	}
	print_notes(res.breaks);
	n = pbt_report_count(res.breaks);
	if (n && !a->force) {
		rc = print_breaks(res.breaks);
		fflush(stdout);	/* the findings, then why they are there */
		fprintf(stderr, "pbtable: %s: not updated: %zu breaking "
			"change%s against it (fix, approve with pbtable:allow, "
			"or record with --force)\n", lock, n, n == 1 ? "" : "s");
		pbt_lock_result_release(&res);
		return rc ? rc : PBT_EXIT_FINDINGS;
	}
	if (n) {
		printf("%s: recording %zu breaking change%s (--force):\n", lock,
		       n, n == 1 ? "" : "s");
		rc = print_breaks(res.breaks);
		if (rc) {
			pbt_lock_result_release(&res);
			return rc;
		}
	}
	rc = write_file(lock, &res.text);
	if (!rc) {
		printf("%s: %zu %s added", lock, res.added,
		       res.added == 1 ? "entry" : "entries");
		if (res.current)
			printf(", %zu older %s made current again", res.current,
			       res.current == 1 ? "form" : "forms");
		if (a->o.prune)
			printf(", %zu removed", res.removed);
		printf(", %zu in all\n", res.total);
	}
	pbt_lock_result_release(&res);
	return rc;
}

static int check(const struct lock_args *a)
{
	const char *lock = a->o.lock;
	struct pbt_lock_result res;
	struct pbt_err err;
	FILE *f;
	int rc;

	/* A lock check on no lock is a mistake, not "everything missing". */
	f = fopen(lock, "rb");
	if (!f)
		return cmd_fail("%s: cannot read the lock (create it with "
				"`pbtable lock update %s`)", lock, a->set);
	fclose(f);
	if (pbt_lock_update(a->set, &a->o, &res, &err)) {
		cmd_error(&err);
		pbt_lock_result_release(&res);
		return PBT_EXIT_ERROR;
	}
	if (!res.changes.len) {
		printf("%s: up to date with %s (%zu entries)\n", lock, a->set,
		       res.total);
		pbt_lock_result_release(&res);
		return PBT_EXIT_OK;
	}
	printf("%s: not up to date with %s (run `pbtable lock update %s`):\n",
	       lock, a->set, a->set);
	rc = cmd_write_stdout(&res.changes);
	pbt_lock_result_release(&res);
	return rc ? rc : PBT_EXIT_FINDINGS;
}

static int run(const struct cmd *c, int argc, char **argv, bool is_update)
{
	struct lock_args a;
	int rc;

	memset(&a, 0, sizeof(a));
	rc = parse(c, argc, argv, &a, is_update);
	if (rc < 0)
		rc = PBT_EXIT_OK;	/* help */
	else if (!rc)
		rc = is_update ? update(&a) : check(&a);
	free(a.roots);	/* cmd_parse()'s malloc() */
	return rc;
}

static int lock_update(int argc, char **argv)
{
	return run(&lock_cmds[0], argc, argv, true);
}

static int lock_check(int argc, char **argv)
{
	return run(&lock_cmds[1], argc, argv, false);
}

/* `pbtable lock --help`: the subcommands, as `pbtable --help` lists its. */
static void help(FILE *out)
{
	const struct cmd *c;

	for (c = lock_cmds; c->name; c++)
		fprintf(out, "%s pbtable %s %s\n",
			c == lock_cmds ? "usage:" : "   or:", c->name, c->usage);
	fprintf(out, "\n%s.\n\nCommands:\n", cmd_find("lock")->summary);
	for (c = lock_cmds; c->name; c++)
		fprintf(out, "  %-12s %s\n", c->name + strlen("lock "),
			c->summary);
	fputs("\nSee `pbtable lock COMMAND --help` and man pbtable-lock(1).\n",
	      out);
}

int cmd_lock(int argc, char **argv)
{
	const struct cmd *c;

	if (argc >= 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		help(stdout);
		return PBT_EXIT_OK;
	}
	if (argc < 2) {
		cmd_fail("expected a subcommand (update or check)");
		help(stderr);
		return PBT_EXIT_ERROR;
	}
	for (c = lock_cmds; c->name; c++)
		if (!strcmp(argv[1], c->name + strlen("lock ")))
			return c->fn(argc - 1, argv + 1);
	return cmd_usage_error(cmd_find("lock"),
			       "unknown subcommand '%s' (want update or check)",
			       argv[1]);
}
