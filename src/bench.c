/*
 * Hidden benchmark support: the load floor that `make bench` compares
 * `breaking` with, measured in the same binary with the same loading code
 * and the same parallelism (one thread per set, two at a time): what
 * `breaking` must do before any rule runs.
 */
#include "pbt.h"

#include <pthread.h>
#include <stdlib.h>

#include "arena.h"
#include "desc_load.h"
#include "schema.h"

struct job {
	const char *path;
	bool index;
	size_t files;
	int rc;
	struct pbt_err err;
};

static void *run(void *arg)
{
	struct job *j = arg;

	if (j->index) {
		struct pbt_schema *s = pbt_schema_load(j->path, &j->err);

		j->rc = s ? 0 : -(int)j->err.code;
		if (s)
			j->files = s->n_files;
		pbt_schema_free(s);
	} else {
		struct pbt_arena *a = pbt_arena_new();
		struct pbt_mapfile in;
		pbt_file_set *fds;
		size_t *ranges;

		j->rc = pbt_mapfile_open(&in, j->path, &j->err);
		if (!j->rc)
			j->rc = pbt_desc_unpack(a, j->path, &in, &fds, &ranges,
						&j->err);
		if (!j->rc)
			j->files = fds->n_file;
		pbt_mapfile_release(&in);
		pbt_arena_free(a);
	}
	return NULL;
}

int pbt_bench_load(const char *const *paths, size_t n, bool index,
		   size_t *files, struct pbt_err *err)
{
	size_t i;

	*files = 0;
	for (i = 0; i < n; i += 2) {
		struct job a = { paths[i], index, 0, 0, { 0 } };
		struct job b = { i + 1 < n ? paths[i + 1] : NULL, index, 0, 0, { 0 } };
		pthread_t t;
		bool threaded = false;

		if (b.path)
			threaded = !pthread_create(&t, NULL, run, &b);
		run(&a);
		if (b.path) {
			if (threaded)
				pthread_join(t, NULL);
			else
				run(&b);
		}
		if (a.rc || b.rc) {
			*err = a.rc ? a.err : b.err;
			if (err->loc.path)
				err->loc.path = err->path;
			return -(int)err->code;
		}
		*files += a.files + b.files;
	}
	return 0;
}
