/*
 * Atomic output files: write a temporary file next to the target, fsync
 * it, rename it over the target.  A reader sees the old file or the whole
 * new one, never a prefix, and a failure leaves nothing behind.
 */
#include "pbt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"

int pbt_write_file_atomic(const char *path, const void *data, size_t len,
			  struct pbt_err *err)
{
	struct pbt_loc loc = { path, 0, 0 };
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *p = data;
	char *tmp;
	struct stat st;
	mode_t mask;
	int fd, e;

	if (!*path || (slash && !slash[1]) || (!stat(path, &st) && S_ISDIR(st.st_mode)))
		return pbt_errf(err, PBT_EUSAGE, &loc, "is a directory, not a file name");
	/* same directory: rename() must not cross file systems */
	tmp = pbt_xmalloc(strlen(path) + 16);
	memcpy(tmp, path, dlen);
	strcpy(tmp + dlen, ".");
	strcat(tmp, slash ? slash + 1 : path);
	strcat(tmp, ".XXXXXX");
	fd = mkstemp(tmp);
	if (fd < 0) {
		e = errno;
		free(tmp);
		return pbt_errf(err, PBT_EIO, &loc, "cannot create a temporary file in its directory: %s",
				strerror(e));
	}
	/* mkstemp makes 0600; give the file the mode a plain create would */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask))
		goto fail;
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path))
		goto fail;
	free(tmp);
	return 0;
fail:
	e = errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return pbt_errf(err, PBT_EIO, &loc, "cannot write: %s", strerror(e));
}
