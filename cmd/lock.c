/*
 * `pbtable lock update SET [--lock FILE] [--prune]`: record every number
 * and name SET uses in pbtable.lock.  The library renders the new file;
 * writing it (a temp file renamed over the old one, so a failure leaves
 * the old lock whole) is ours.
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

/* Add SET's entries to the lock (or with prune, keep only them), write it. */
static int update(const char *set, const struct pbt_sources *src,
		  const char *lock, bool prune)
{
	size_t added, current, removed, total;
	struct pbt_buf out = PBT_BUF_INIT;
	struct pbt_err err;
	int rc;

	if (pbt_lock_update(set, src, lock, prune, &out, &added, &current,
			    &removed, &total, &err)) {
		cmd_error(&err);
		return PBT_EXIT_ERROR;
	}
	rc = write_file(lock, &out);
	pbt_buf_release(&out);
	if (rc)
		return rc;
	printf("%s: %zu %s added", lock, added,
	       added == 1 ? "entry" : "entries");
	if (current)
		printf(", %zu older %s made current again", current,
		       current == 1 ? "form" : "forms");
	if (prune)
		printf(", %zu removed", removed);
	printf(", %zu in all\n", total);
	return PBT_EXIT_OK;
}

static int lock_update(int argc, char **argv)
{
	const struct cmd *c = cmd_find("lock");
	const char *lock = "pbtable.lock";
	const char **roots = NULL;
	struct pbt_sources src = { NULL, NULL, 0 };
	bool prune = false;
	const struct opt opts[] = {
		OPT_STRING("lock", 0, lock, "FILE",
			   "the lock file (default pbtable.lock; created if missing)"),
		OPT_BOOL("prune", 0, prune,
			 "drop entries SET no longer has (else lines are only added)"),
		OPT_SOURCES(roots, src),
		OPT_END(),
	};
	const char *pos[1];
	size_t npos;
	int rc;

	rc = cmd_parse(c, argc, argv, opts, pos, 1, &npos);
	src.proto_paths = roots;
	if (rc == CMD_PARSE_HELP)
		rc = PBT_EXIT_OK;
	else if (rc)
		rc = PBT_EXIT_ERROR;
	else if (npos != 1)
		rc = cmd_usage_error(c, "expected one input (SET)");
	else
		rc = update(pos[0], &src, lock, prune);
	free(roots);	/* cmd_parse()'s malloc() */
	return rc;
}

int cmd_lock(int argc, char **argv)
{
	const struct cmd *c = cmd_find("lock");

	if (argc < 2)
		return cmd_usage_error(c, "expected a subcommand (update)");
	if (!strcmp(argv[1], "update"))
		return lock_update(argc - 1, argv + 1);
	/* The help is update's: its options are the command's. */
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--list-options"))
		return lock_update(argc, argv);
	return cmd_usage_error(c, "unknown subcommand '%s' (want update)",
			       argv[1]);
}
