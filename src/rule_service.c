/*
 * Rules over services and their methods (matched by service full name,
 * then method name): deleted RPCs, request/response types, streaming and
 * idempotency level.
 */
#include "rules.h"

#include <string.h>

#include "compat.h"

/* MethodDescriptorProto field numbers, for source paths. */
enum { MD_INPUT = 2, MD_OUTPUT = 3, MD_OPTIONS = 4 };
enum { MO_IDEMPOTENCY_LEVEL = 34 };

void pbt_check_rpc_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_service *os = o, *ns = n;
	struct pbt_span span = { 0, 0, 0, 0 };
	struct pbt_path p;
	bool located = false;
	size_t i;

	for (i = 0; i < os->n_methods; i++) {
		if (pbt_cx_method(cx, ns, os->methods[i].name))
			continue;
		if (!located) {
			pbt_path_service(&p, ns);
			pbt_file_span(ns->file, &p, &span);
			located = true;
		}
		pbt_cx_report(cx, ns->file, &span, os->file,
			      "Previously present RPC \"%s\" on service \"%s\" was deleted.",
			      os->methods[i].name, ns->name);
	}
}

/* The location of method sub-path a, else of the method. */
static void method_span(const struct pbt_method *m, int32_t a, struct pbt_span *span)
{
	struct pbt_path p;
	struct pbt_file *f = m->service->file;

	memset(span, 0, sizeof(*span));
	pbt_path_method(&p, m);
	if (pbt_file_span_sub(f, &p, a, span))
		return;
	pbt_file_span(f, &p, span);
}

static void type_changed(struct pbt_cx *cx, const struct pbt_method *om,
			 const struct pbt_method *nm, const char *which, int32_t path,
			 const char *ot, const char *nt)
{
	struct pbt_span span;

	if (!strcmp(ot, nt))
		return;
	method_span(nm, path, &span);
	pbt_cx_report(cx, nm->service->file, &span, om->service->file,
		      "RPC \"%s\" on service \"%s\" changed %s type from \"%s\" to \"%s\".",
		      nm->name, nm->service->name, which, ot, nt);
}

void pbt_check_rpc_same_request_type(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_method *om = o, *nm = n;

	type_changed(cx, om, nm, "request", MD_INPUT, om->input_type, nm->input_type);
}

void pbt_check_rpc_same_response_type(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_method *om = o, *nm = n;

	type_changed(cx, om, nm, "response", MD_OUTPUT, om->output_type, nm->output_type);
}

static void streaming(struct pbt_cx *cx, const struct pbt_method *om,
		      const struct pbt_method *nm, const char *side, bool ov, bool nv)
{
	struct pbt_span span = { 0, 0, 0, 0 };
	struct pbt_path p;

	if (ov == nv)
		return;
	/* buf points at the whole method, not the `stream` keyword. */
	pbt_path_method(&p, nm);
	pbt_file_span(nm->service->file, &p, &span);
	pbt_cx_report(cx, nm->service->file, &span, om->service->file,
		      "RPC \"%s\" on service \"%s\" changed from %s %s to %s %s.",
		      nm->name, nm->service->name, side, ov ? "streaming" : "unary",
		      side, nv ? "streaming" : "unary");
}

void pbt_check_rpc_same_client_streaming(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_method *om = o, *nm = n;

	streaming(cx, om, nm, "client",
		  om->mp->has_client_streaming && om->mp->client_streaming,
		  nm->mp->has_client_streaming && nm->mp->client_streaming);
}

void pbt_check_rpc_same_server_streaming(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_method *om = o, *nm = n;

	streaming(cx, om, nm, "server",
		  om->mp->has_server_streaming && om->mp->server_streaming,
		  nm->mp->has_server_streaming && nm->mp->server_streaming);
}

static const char *idempotency(const struct pbt_method *m)
{
	const Google__Protobuf__MethodOptions *mo = m->mp->options;
	int v = mo && mo->has_idempotency_level ? (int)mo->idempotency_level : 0;

	return v == 1 ? "NO_SIDE_EFFECTS" : v == 2 ? "IDEMPOTENT" : "IDEMPOTENCY_UNKNOWN";
}

void pbt_check_rpc_same_idempotency_level(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_method *om = o, *nm = n;
	const char *ov = idempotency(om), *nv = idempotency(nm);
	struct pbt_span span = { 0, 0, 0, 0 };
	struct pbt_path p;

	if (!strcmp(ov, nv))
		return;
	/* Only the option's own location: a removed option leaves none. */
	pbt_path_method(&p, nm);
	pbt_file_span_sub2(nm->service->file, &p, MD_OPTIONS,
			   MO_IDEMPOTENCY_LEVEL, &span);
	pbt_cx_report(cx, nm->service->file, &span, om->service->file,
		      "RPC \"%s\" on service \"%s\" changed option \"idempotency_level\" from \"%s\" to \"%s\".",
		      nm->name, nm->service->name, ov, nv);
}
