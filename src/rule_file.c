/*
 * Rules over a pair of files with the same path: elements deleted from
 * the file, and file-level settings (package, syntax, options) changed.
 * Elements are matched by their name inside the file (buf's nested
 * names), so a changed package alone is FILE_SAME_PACKAGE's finding only.
 */
#include "rules.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "compat.h"

/*
 * nf's element with this nested name: look it up under nf's package.
 * When of's package is the same, that is the old element's full name,
 * which saves building a string per element of every file.
 */
static const char *in_file(struct pbt_cx *cx, const struct pbt_file *of,
			   const struct pbt_file *nf, const char *full_name,
			   const char *nested_name)
{
	if (!*nf->package)
		return nested_name;
	if (!strcmp(of->package, nf->package))
		return full_name;
	return pbt_arena_printf(cx->tmp, "%s.%s", nf->package, nested_name);
}

static void report_deleted(struct pbt_cx *cx, struct pbt_file *nf,
			   struct pbt_file *of, const char *kind,
			   const char *nested_name)
{
	struct pbt_span span = { 0, 0, 0, 0 };

	pbt_file_span_deleted(nf, nested_name, &span);
	pbt_cx_report(cx, nf, &span, of,
		      "Previously present %s \"%s\" was deleted from file.",
		      kind, nested_name);
}

void pbt_check_message_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	struct pbt_file *of = (struct pbt_file *)o, *nf = (struct pbt_file *)n;
	size_t i;

	for (i = 0; i < of->n_messages; i++) {
		const char *nn = of->messages[i]->nested_name;
		const struct pbt_message *m = pbt_schema_message(cx->new,
			in_file(cx, of, nf, of->messages[i]->full_name, nn));

		if (!m || m->file != nf)
			report_deleted(cx, nf, of, "message", nn);
	}
}

void pbt_check_enum_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	struct pbt_file *of = (struct pbt_file *)o, *nf = (struct pbt_file *)n;
	size_t i;

	for (i = 0; i < of->n_enums; i++) {
		const char *nn = of->enums[i]->nested_name;
		const struct pbt_enum *e = pbt_schema_enum(cx->new,
			in_file(cx, of, nf, of->enums[i]->full_name, nn));

		if (!e || e->file != nf)
			report_deleted(cx, nf, of, "enum", nn);
	}
}

void pbt_check_service_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	struct pbt_file *of = (struct pbt_file *)o, *nf = (struct pbt_file *)n;
	size_t i;

	for (i = 0; i < of->n_services; i++) {
		const char *nn = of->services[i].name;
		const struct pbt_service *s = pbt_schema_service(cx->new,
			in_file(cx, of, nf, of->services[i].full_name, nn));

		if (!s || s->file != nf)
			report_deleted(cx, nf, of, "service", nn);
	}
}

void pbt_check_extension_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	struct pbt_file *of = (struct pbt_file *)o, *nf = (struct pbt_file *)n;
	size_t i, np = strlen(of->package);

	for (i = 0; i < of->n_extensions; i++) {
		const char *nn = of->extensions[i]->full_name;
		const struct pbt_field *e;

		if (np && !strncmp(nn, of->package, np) && nn[np] == '.')
			nn += np + 1;
		e = pbt_map_get(&cx->new->extensions,
				in_file(cx, of, nf, of->extensions[i]->full_name, nn));
		if (!e || e->file != nf)
			report_deleted(cx, nf, of, "extension", nn);
	}
}

/* ---------------------------------------------------------------- package, syntax */

void pbt_check_file_same_package(struct pbt_cx *cx, const void *o, const void *n)
{
	struct pbt_file *of = (struct pbt_file *)o, *nf = (struct pbt_file *)n;
	struct pbt_path p = { .n = 0 };
	struct pbt_span span = { 0, 0, 0, 0 };

	if (!strcmp(of->package, nf->package))
		return;
	pbt_path_push(&p, 2);	/* FileDescriptorProto.package */
	pbt_file_span(nf, &p, &span);
	pbt_cx_report(cx, nf, &span, of, "File package changed from %s to %s.",
		      pbt_q(cx, of->package), pbt_q(cx, nf->package));
}

static const char *syntax_name(const struct pbt_file *f)
{
	switch (f->syntax) {
	case PBT_SYNTAX_PROTO3:
		return "proto3";
	case PBT_SYNTAX_EDITIONS:
		return "editions";
	default:
		return "proto2";
	}
}

/*
 * buf compares the syntax only: "proto2" (also for a file without a
 * syntax statement), "proto3" or "editions", so moving from edition 2023
 * to 2024 is no finding.  The location is the syntax statement, which
 * buf's compiler records at path 12 for `edition = ...;` too; protoc
 * records editions at path 14.
 */
void pbt_check_file_same_syntax(struct pbt_cx *cx, const void *o, const void *n)
{
	struct pbt_file *of = (struct pbt_file *)o, *nf = (struct pbt_file *)n;
	struct pbt_path p = { .n = 0 };
	struct pbt_span span = { 0, 0, 0, 0 };

	if (of->syntax == nf->syntax)
		return;
	pbt_path_push(&p, 12);	/* FileDescriptorProto.syntax */
	if (!pbt_file_span(nf, &p, &span) &&
	    nf->syntax == PBT_SYNTAX_EDITIONS) {
		p.n = 0;
		pbt_path_push(&p, 14);	/* FileDescriptorProto.edition */
		pbt_file_span(nf, &p, &span);
	}
	pbt_cx_report(cx, nf, &span, of, "File syntax changed from \"%s\" to \"%s\".",
		      syntax_name(of), syntax_name(nf));
}

/* ---------------------------------------------------------------- options */

typedef const Google__Protobuf__FileOptions file_options;

static const char *opt_str(const char *s)
{
	return s ? s : "";
}

static void report_option(struct pbt_cx *cx, struct pbt_file *of,
			  struct pbt_file *nf, const char *name, int32_t number,
			  const char *ov, const char *nv)
{
	struct pbt_path p = { .n = 0 };
	struct pbt_span span = { 0, 0, 0, 0 };

	if (!strcmp(ov, nv))
		return;
	pbt_path_push(&p, 8);	/* FileDescriptorProto.options */
	pbt_path_push(&p, number);
	pbt_file_span(nf, &p, &span);
	pbt_cx_report(cx, nf, &span, of, "File option \"%s\" changed from %s to %s.",
		      name, pbt_q(cx, ov), pbt_q(cx, nv));
}

#define STRING_OPTION(fn, field, number)						\
void fn(struct pbt_cx *cx, const void *o, const void *n)				\
{											\
	struct pbt_file *of = (struct pbt_file *)o, *nf = (struct pbt_file *)n;		\
	file_options *oo = of->fd->options, *no = nf->fd->options;			\
											\
	report_option(cx, of, nf, #field, number,					\
		      opt_str(oo ? oo->field : NULL), opt_str(no ? no->field : NULL));	\
}

#define BOOL_OPTION(fn, field, number, dflt)						\
void fn(struct pbt_cx *cx, const void *o, const void *n)				\
{											\
	struct pbt_file *of = (struct pbt_file *)o, *nf = (struct pbt_file *)n;		\
	file_options *oo = of->fd->options, *no = nf->fd->options;			\
	bool ov = oo && oo->has_##field ? oo->field : dflt;				\
	bool nv = no && no->has_##field ? no->field : dflt;				\
											\
	report_option(cx, of, nf, #field, number, ov ? "true" : "false",		\
		      nv ? "true" : "false");						\
}

STRING_OPTION(pbt_check_file_same_java_package, java_package, 1)
STRING_OPTION(pbt_check_file_same_java_outer_classname, java_outer_classname, 8)
STRING_OPTION(pbt_check_file_same_go_package, go_package, 11)
STRING_OPTION(pbt_check_file_same_objc_class_prefix, objc_class_prefix, 36)
STRING_OPTION(pbt_check_file_same_csharp_namespace, csharp_namespace, 37)
STRING_OPTION(pbt_check_file_same_swift_prefix, swift_prefix, 39)
STRING_OPTION(pbt_check_file_same_php_class_prefix, php_class_prefix, 40)
STRING_OPTION(pbt_check_file_same_php_namespace, php_namespace, 41)
STRING_OPTION(pbt_check_file_same_php_metadata_namespace, php_metadata_namespace, 44)
STRING_OPTION(pbt_check_file_same_ruby_package, ruby_package, 45)
BOOL_OPTION(pbt_check_file_same_java_multiple_files, java_multiple_files, 10, false)
BOOL_OPTION(pbt_check_file_same_cc_generic_services, cc_generic_services, 16, false)
BOOL_OPTION(pbt_check_file_same_java_generic_services, java_generic_services, 17, false)
BOOL_OPTION(pbt_check_file_same_py_generic_services, py_generic_services, 18, false)
BOOL_OPTION(pbt_check_file_same_cc_enable_arenas, cc_enable_arenas, 31, true)

static const char *optimize_name(int v)
{
	switch (v) {
	case GOOGLE__PROTOBUF__FILE_OPTIONS__OPTIMIZE_MODE__CODE_SIZE:
		return "CODE_SIZE";
	case GOOGLE__PROTOBUF__FILE_OPTIONS__OPTIMIZE_MODE__LITE_RUNTIME:
		return "LITE_RUNTIME";
	default:
		return "SPEED";
	}
}

void pbt_check_file_same_optimize_for(struct pbt_cx *cx, const void *o, const void *n)
{
	struct pbt_file *of = (struct pbt_file *)o, *nf = (struct pbt_file *)n;
	file_options *oo = of->fd->options, *no = nf->fd->options;
	int ov = oo && oo->has_optimize_for ? (int)oo->optimize_for : 1;
	int nv = no && no->has_optimize_for ? (int)no->optimize_for : 1;

	report_option(cx, of, nf, "optimize_for", 9, optimize_name(ov), optimize_name(nv));
}
