/*
 * Replay fuzz inputs without libFuzzer: `replay FILE|DIR...` runs the
 * linked target on every file, so `make check` exercises the seeds and
 * every kept crash reproducer under ASan+UBSan.  Prints
 * `fuzz-<target>: N passed, 0 failed` (a crash aborts the run instead).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "desc_load.h"
#include "err.h"
#include "fuzz.h"

static int n;

static void one(const char *path)
{
	unsigned char *data;
	size_t len;
	struct pbt_err err;

	if (pbt_read_file(path, &data, &len, &err)) {
		fprintf(stderr, "replay: %s: %s\n", path, err.msg);
		exit(1);
	}
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	n++;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t cnt = 0, i;

	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		one(path);
		return;
	}
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (cnt + 1) * sizeof(*names));
		names[cnt] = malloc(strlen(path) + strlen(e->d_name) + 2);
		sprintf(names[cnt++], "%s/%s", path, e->d_name);
	}
	closedir(d);
	qsort(names, cnt, sizeof(*names), cmp);
	for (i = 0; i < cnt; i++) {
		walk(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? strrchr(argv[0], '/') : NULL;
	int i;

	for (i = 1; i < argc; i++)
		walk(argv[i]);
	printf("%s: %d passed, 0 failed\n", name ? name + 1 : "replay", n);
	return 0;
}
