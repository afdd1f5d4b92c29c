#ifndef PBT_ERR_H
#define PBT_ERR_H

#include <stdarg.h>

/*
 * One error type for the whole library: what went wrong, where (file,
 * line, column as the user named them), and optional detail (libpq's
 * text, a hint).  Buffers are fixed so reporting an error never allocates.
 * Functions return 0 or -PBT_E* and take `struct pbt_err *err` last.
 */
enum pbt_code {
	PBT_OK = 0,
	PBT_EUSAGE,	/* bad command line */
	PBT_EINPUT,	/* unreadable or malformed input file */
	PBT_ECONFIG,	/* bad configuration */
	PBT_EDB,	/* database error */
	PBT_EIO,	/* cannot write output */
	PBT_EREFUSED,	/* a safety check refused the operation */
};

struct pbt_loc {
	const char *path;	/* as the user named it; NULL if none */
	unsigned line, col;	/* 1-based; 0 = unknown */
};

struct pbt_err {
	enum pbt_code code;
	struct pbt_loc loc;
	char path[512];		/* loc.path points here when set by pbt_errf */
	char msg[512];		/* one line: what is wrong */
	char detail[1024];	/* optional: libpq's text, the query, a hint */
};

/* Fill *err and return -code, so callers can `return pbt_errf(...)`. */
int pbt_errf(struct pbt_err *err, enum pbt_code code,
	     const struct pbt_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int pbt_verrf(struct pbt_err *err, enum pbt_code code,
	      const struct pbt_loc *loc, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
/* Set err->detail (printf-style); returns -err->code. */
int pbt_err_detail(struct pbt_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pbt_err_clear(struct pbt_err *err);

/* "Cannot happen": print and abort (git's BUG()). */
#define PBT_BUG(...) pbt_bug(__FILE__, __LINE__, __VA_ARGS__)
void pbt_bug(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

#endif
