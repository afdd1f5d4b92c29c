/*
 * `pbtable:allow RULE reason` in leading comments: find the comments of a
 * check's NEW subject through SourceCodeInfo and read the directives.  Only
 * elements with findings are looked at, so a schema without findings
 * costs nothing here.  Filtering the approved findings is breaking.c's.
 */
#include "allow.h"

#include <string.h>

#include "arena.h"
#include "compat.h"
#include "findings.h"
#include "rules.h"
#include "schema.h"
#include "srcloc.h"

#define DIRECTIVE "pbtable:allow"

struct scan {
	struct pbt_arena *arena;
	const char *rule;
	const char *reason;		/* found for rule, with a reason */
	const char *problem;
};

static bool id_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static void scan_text(struct scan *s, const char *text)
{
	const char *p = text;

	while (text && (p = strstr(p, DIRECTIVE))) {
		const char *id, *reason, *end;
		size_t n_id;

		/* "xpbtable:allow" is some other word. */
		if (p > text && id_char(p[-1])) {
			p += strlen(DIRECTIVE);
			continue;
		}
		p += strlen(DIRECTIVE);
		while (*p == ' ' || *p == '\t')
			p++;
		id = p;
		while (id_char(*p))
			p++;
		n_id = (size_t)(p - id);
		while (*p == ' ' || *p == '\t' || *p == ':' || *p == '-')
			p++;
		reason = p;
		end = reason + strcspn(reason, "\n");
		while (end > reason && (end[-1] == ' ' || end[-1] == '\t' ||
					end[-1] == '\r'))
			end--;
		p = end;
		if (!n_id) {
			if (!s->problem)
				s->problem = pbt_arena_strdup(s->arena,
					DIRECTIVE " names no rule");
			continue;
		}
		if (strlen(s->rule) == n_id && !strncmp(s->rule, id, n_id)) {
			if (end > reason) {
				if (!s->reason)
					s->reason = pbt_arena_strndup(s->arena, reason,
								      (size_t)(end - reason));
			} else if (!s->problem) {
				s->problem = pbt_arena_printf(s->arena,
					DIRECTIVE " %s has no reason: not applied "
					"(write one after the rule ID)", s->rule);
			}
			continue;
		}
		if (!s->problem) {
			char *want = pbt_arena_strndup(s->arena, id, n_id);

			if (!pbt_rule_find(want))
				s->problem = pbt_arena_printf(s->arena,
					DIRECTIVE " names unknown rule '%s'", want);
		}
	}
}

static void scan_location(struct scan *s, struct pbt_file *f,
			  const struct pbt_path *path, bool detached)
{
	const Google__Protobuf__SourceCodeInfo__Location *l =
		pbt_srcloc_location(f, path);
	size_t i;

	if (!l)
		return;
	scan_text(s, l->leading_comments);
	if (detached)
		for (i = 0; i < l->n_leading_detached_comments; i++)
			scan_text(s, l->leading_detached_comments[i]);
}

static void scan_file(struct scan *s, struct pbt_file *f)
{
	/* FileDescriptorProto.syntax, .edition, .package */
	static const int32_t fields[] = { 12, 14, 2 };
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		struct pbt_path p = { { 0 }, 0, false };

		pbt_path_push(&p, fields[i]);
		scan_location(s, f, &p, true);
	}
}

void pbt_allow_capture(struct pbt_cx *cx, struct pbt_finding *f)
{
	struct scan s = { cx->out->arena, f->rule, NULL, NULL };
	const void *n = cx->subject_new;
	struct pbt_file *file = NULL;
	struct pbt_path p, *path = &p;

	if (!n)
		return;
	p.n = 0;
	p.overflow = false;
	switch (cx->subject_kind) {
	case PBT_ON_FILE:
		scan_file(&s, (struct pbt_file *)n);
		break;
	case PBT_ON_MESSAGE: {
		const struct pbt_message *m = n;

		file = m->file;
		/* A map entry has no comments: its map field has. */
		if (m->map_field)
			pbt_path_field(path, m->map_field);
		else
			pbt_path_message(path, m);
		break;
	}
	case PBT_ON_FIELD: {
		const struct pbt_field *fl = n;

		file = fl->file;
		pbt_path_field(path, fl);
		break;
	}
	case PBT_ON_ENUM:
		file = ((const struct pbt_enum *)n)->file;
		pbt_path_enum(path, n);
		break;
	case PBT_ON_SERVICE:
		file = ((const struct pbt_service *)n)->file;
		pbt_path_service(path, n);
		break;
	case PBT_ON_METHOD:
		file = ((const struct pbt_method *)n)->service->file;
		pbt_path_method(path, n);
		break;
	default:
		return;
	}
	if (file)
		scan_location(&s, file, path, false);
	f->allow_reason = s.reason;
	f->allow_problem = s.problem;
}
