/*
 * The error type.  Messages are one line: newlines in formatted text
 * (from libyaml or libpq) are folded into spaces so `cmd/` can always
 * print `pbtable: path:line:col: msg`.
 */
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void one_line(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
		s[--n] = '\0';
	for (; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
}

int pbt_verrf(struct pbt_err *err, enum pbt_code code,
	      const struct pbt_loc *loc, const char *fmt, va_list ap)
{
	if (!err)
		return -(int)code;
	err->code = code;
	err->loc.path = NULL;
	err->loc.line = err->loc.col = 0;
	err->detail[0] = '\0';
	if (loc) {
		err->loc = *loc;
		if (loc->path) {
			snprintf(err->path, sizeof(err->path), "%s", loc->path);
			err->loc.path = err->path;
		}
	}
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	one_line(err->msg);
	return -(int)code;
}

int pbt_errf(struct pbt_err *err, enum pbt_code code,
	     const struct pbt_loc *loc, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = pbt_verrf(err, code, loc, fmt, ap);
	va_end(ap);
	return r;
}

int pbt_err_detail(struct pbt_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	one_line(err->detail);
	return -(int)err->code;
}

void pbt_err_clear(struct pbt_err *err)
{
	memset(err, 0, sizeof(*err));
}

void pbt_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pbtable: BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
