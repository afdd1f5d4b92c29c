/*
 * Rules over whole schemas: files and packages that disappear, and
 * messages, enums, services and extensions that leave their package.
 * A package-level deletion is reported at the nearest surviving parent
 * message, else in the NEW file that has the old file's path, else
 * without a file (see report_deleted()).  Like buf, only packages that
 * NEW still has are checked, and for messages, enums and extensions
 * only if NEW's package still declares one of that kind (package_kept()).
 */
#include "rules.h"

#include <string.h>

#include "arena.h"
#include "compat.h"

void pbt_check_file_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_schema *old = o, *new = n;
	size_t i;

	for (i = 0; i < old->n_files; i++) {
		struct pbt_file *of = &old->files[i];

		if (!pbt_schema_file(new, of->name))
			pbt_cx_report(cx, NULL, NULL, of,
				      "Previously present file \"%s\" was deleted.",
				      of->name);
	}
}

void pbt_check_package_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_schema *old = o, *new = n;
	size_t i;

	for (i = 0; i < old->n_packages; i++) {
		const struct pbt_package *p = old->package_list[i];
		struct pbt_file *first = p->files[0];
		size_t j;

		if (pbt_schema_package(new, p->name))
			continue;
		/* buf names the package's first file by path (for ignores). */
		for (j = 1; j < p->n_files; j++)
			if (strcmp(p->files[j]->name, first->name) < 0)
				first = p->files[j];
		pbt_cx_report(cx, NULL, NULL, first,
			      "Previously present package \"%s\" was deleted.",
			      p->name);
	}
}

/* The part of full_name after "package." */
static const char *nested(const char *full_name, const char *package)
{
	size_t n = strlen(package);

	if (n && !strncmp(full_name, package, n) && full_name[n] == '.')
		return full_name + n + 1;
	return full_name;
}

/*
 * Report `kind` nested_name, declared in old file of, as deleted from its
 * package.  When the old file's path is gone from NEW, buf reports
 * without a file.  Otherwise it reports at the nearest enclosing message
 * that survives ("A.B.C" tries "A.B", then "A"), else at line 1 of that
 * file.  For deleted messages buf searches the whole package for that
 * parent and reports in whatever file it now lives (by_package); for
 * enums and extensions only the file with the old path, by nested name.
 */
static void report_deleted(struct pbt_cx *cx, struct pbt_file *of,
			   const char *kind, const char *nested_name,
			   bool by_package)
{
	struct pbt_file *nf = pbt_schema_file(cx->new, of->name), *at = nf;
	struct pbt_span span = { 0, 0, 0, 0 };
	const char *pkg = of->package;
	char *name, *nested, *dot;

	if (nf && !by_package)
		pbt_file_span_deleted(nf, nested_name, &span);
	name = *pkg ? pbt_arena_printf(cx->tmp, "%s.%s", pkg, nested_name) :
		pbt_arena_strdup(cx->tmp, nested_name);
	nested = name + (*pkg ? strlen(pkg) + 1 : 0);
	while (nf && by_package && (dot = strrchr(nested, '.'))) {
		struct pbt_message *m;
		struct pbt_path p;

		*dot = '\0';
		m = pbt_schema_message(cx->new, name);
		if (!m || strcmp(m->file->package, pkg))
			continue;
		at = m->file;
		pbt_path_message(&p, m);
		pbt_file_span(at, &p, &span);
		break;
	}
	pbt_cx_report(cx, at, &span, of,
		      "Previously present %s \"%s\" was deleted from package \"%s\".",
		      kind, nested_name, of->package);
}

enum kind { MESSAGES, ENUMS, SERVICES, EXTENSIONS };

/*
 * Is the old file's package still there for deletions of this kind?  buf
 * indexes NEW as package -> name -> element and only checks packages it
 * finds there.  Its service index has an entry for every package, but
 * its message, enum and extension indexes only for packages that still
 * declare one such element (nested ones count): deleting the last enum
 * of a package is not a PACKAGE_ENUM_NO_DELETE finding.
 */
static bool package_kept(struct pbt_cx *cx, const struct pbt_file *of,
			 enum kind kind)
{
	const struct pbt_package *p = pbt_schema_package(cx->new, of->package);
	size_t i;

	if (!p)
		return false;
	for (i = 0; i < p->n_files; i++) {
		const struct pbt_file *f = p->files[i];

		if (kind == SERVICES ||
		    (kind == MESSAGES && f->n_messages) ||
		    (kind == ENUMS && f->n_enums) ||
		    (kind == EXTENSIONS && f->n_extensions))
			return true;
	}
	return false;
}

static bool same_package(const struct pbt_file *nf, const struct pbt_file *of)
{
	return nf && !strcmp(nf->package, of->package);
}

void pbt_check_package_message_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_schema *old = o;
	size_t i, j;

	(void)n;
	for (i = 0; i < old->n_files; i++) {
		struct pbt_file *of = &old->files[i];

		if (!package_kept(cx, of, MESSAGES))
			continue;
		for (j = 0; j < of->n_messages; j++) {
			const struct pbt_message *om = of->messages[j];
			const struct pbt_message *nm = pbt_schema_message(cx->new, om->full_name);

			if (!nm || !same_package(nm->file, of))
				report_deleted(cx, of, "message",
					       om->nested_name, true);
		}
	}
}

void pbt_check_package_enum_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_schema *old = o;
	size_t i, j;

	(void)n;
	for (i = 0; i < old->n_files; i++) {
		struct pbt_file *of = &old->files[i];

		if (!package_kept(cx, of, ENUMS))
			continue;
		for (j = 0; j < of->n_enums; j++) {
			const struct pbt_enum *oe = of->enums[j];
			const struct pbt_enum *ne = pbt_schema_enum(cx->new, oe->full_name);

			if (!ne || !same_package(ne->file, of))
				report_deleted(cx, of, "enum",
					       oe->nested_name, false);
		}
	}
}

void pbt_check_package_service_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_schema *old = o;
	size_t i, j;

	(void)n;
	for (i = 0; i < old->n_files; i++) {
		struct pbt_file *of = &old->files[i];

		if (!package_kept(cx, of, SERVICES))
			continue;
		for (j = 0; j < of->n_services; j++) {
			const struct pbt_service *os = &of->services[j];
			const struct pbt_service *ns = pbt_schema_service(cx->new, os->full_name);

			if (!ns || !same_package(ns->file, of))
				report_deleted(cx, of, "service",
					       os->name, false);
		}
	}
}

void pbt_check_package_extension_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_schema *old = o;
	size_t i, j;

	(void)n;
	for (i = 0; i < old->n_files; i++) {
		struct pbt_file *of = &old->files[i];

		if (!package_kept(cx, of, EXTENSIONS))
			continue;
		for (j = 0; j < of->n_extensions; j++) {
			const struct pbt_field *oe = of->extensions[j];
			const struct pbt_field *ne = pbt_map_get(&cx->new->extensions,
								 oe->full_name);

			if (!ne || !same_package(ne->file, of))
				report_deleted(cx, of, "extension",
					       nested(oe->full_name,
						      of->package), false);
		}
	}
}
