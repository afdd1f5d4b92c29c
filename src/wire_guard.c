/*
 * The nesting-depth guard in front of protobuf-c (see wire_guard.h).
 * Iterative, with an explicit stack, so the guard itself cannot be made
 * to recurse.
 *
 * Only a message type that can contain itself (DescriptorProto, through
 * nested_type) nests without bound; any other type has a greatest
 * height, read off protobuf-c's descriptors.  A field whose content
 * cannot reach the limit from where it sits is skipped by its length, so
 * a descriptor set costs one look at the top-level fields of each file
 * and DescriptorProto, not a walk over every byte.
 */
#include "wire_guard.h"

#include <limits.h>
#include <stdbool.h>

#define MAX_STACK 256
/* More message types than descriptor.proto has; past it, walk. */
#define MAX_TYPES 64
#define MAX_UNBOUNDED 4
#define UNBOUNDED UINT_MAX
#define IN_PROGRESS (UINT_MAX - 1)

/*
 * What the walk needs to know of a message type: its height (how many
 * messages deep a message of this type can nest, itself included), the
 * greatest height of its message fields that are bounded, and those that
 * are not (the ones to descend into).
 */
struct type {
	const ProtobufCMessageDescriptor *desc;
	unsigned height;
	unsigned bounded;		/* greatest bounded field height */
	unsigned n_unbounded;		/* MAX_UNBOUNDED + 1: too many */
	struct {
		uint32_t number;
		const ProtobufCMessageDescriptor *desc;
		struct type *type;	/* NULL: the table is full */
	} unbounded[MAX_UNBOUNDED];
};

struct types {
	struct type v[MAX_TYPES];
	size_t n;
};

/* d's entry (NULL if the table is full); computes it on first use. */
static struct type *type_of(struct types *t, const ProtobufCMessageDescriptor *d)
{
	struct type *ty;
	unsigned i;
	size_t k;

	for (k = 0; k < t->n; k++)
		if (t->v[k].desc == d)
			return &t->v[k];
	if (t->n == MAX_TYPES)
		return NULL;
	ty = &t->v[t->n++];
	ty->desc = d;
	ty->height = IN_PROGRESS;
	ty->bounded = 0;
	ty->n_unbounded = 0;
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		struct type *sub;
		unsigned h;

		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		sub = type_of(t, f->descriptor);
		h = sub ? sub->height : UNBOUNDED;
		if (h >= IN_PROGRESS) {
			/* On a cycle, or reaching one. */
			if (ty->n_unbounded < MAX_UNBOUNDED) {
				ty->unbounded[ty->n_unbounded].number = f->id;
				ty->unbounded[ty->n_unbounded].desc = f->descriptor;
				ty->unbounded[ty->n_unbounded].type = sub;
			}
			if (ty->n_unbounded <= MAX_UNBOUNDED)
				ty->n_unbounded++;
		} else if (h > ty->bounded) {
			ty->bounded = h;
		}
	}
	ty->height = ty->n_unbounded ? UNBOUNDED : ty->bounded + 1;
	return ty;
}

static unsigned height(struct types *t, const ProtobufCMessageDescriptor *d)
{
	const struct type *ty = type_of(t, d);

	return ty ? ty->height : UNBOUNDED;
}

static bool varint(const uint8_t *p, size_t n, size_t *at, uint64_t *v)
{
	uint64_t r = 0;
	unsigned shift = 0;

	while (*at < n && shift < 64) {
		uint8_t b = p[(*at)++];

		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return true;
		}
		shift += 7;
	}
	return false;
}

struct frame {
	const ProtobufCMessageDescriptor *desc;
	const struct type *type;	/* NULL: the table is full */
	size_t end;
	/* Only the unbounded fields of type can reach the limit from here. */
	bool fast;
};

static void enter(struct frame *fr, struct types *t,
		  const ProtobufCMessageDescriptor *d, const struct type *ty,
		  size_t end, size_t depth, unsigned max_depth)
{
	fr->desc = d;
	fr->type = ty ? ty : type_of(t, d);
	fr->end = end;
	fr->fast = fr->type && fr->type->n_unbounded <= MAX_UNBOUNDED &&
		   depth + fr->type->bounded <= max_depth;
}

/*
 * Field `number` of fr's message, at `depth` (fr's): its type if its
 * content may nest past max_depth (only then is it walked into), else
 * NULL.  *ty is the type's entry when known.
 */
static inline const ProtobufCMessageDescriptor *may_reach(struct types *t,
	const struct frame *fr, uint64_t number, size_t depth,
	unsigned max_depth, const struct type **ty)
{
	const ProtobufCFieldDescriptor *f;
	unsigned i;

	*ty = NULL;
	if (fr->fast) {
		for (i = 0; i < fr->type->n_unbounded; i++)
			if (fr->type->unbounded[i].number == number) {
				*ty = fr->type->unbounded[i].type;
				return fr->type->unbounded[i].desc;
			}
		return NULL;
	}
	if (number > 0x1fffffff)
		return NULL;
	f = protobuf_c_message_descriptor_get_field(fr->desc, (unsigned)number);
	if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE ||
	    depth + height(t, f->descriptor) <= max_depth)
		return NULL;
	return f->descriptor;
}

int pbt_wire_check_depth(const ProtobufCMessageDescriptor *desc,
			 const uint8_t *data, size_t len, unsigned max_depth,
			 size_t *offset)
{
	return pbt_wire_check_depth_read(desc, data, len, max_depth, offset,
					 NULL, NULL);
}

/* Report progress to `read` about this often. */
#define READ_EVERY ((size_t)8 << 20)

int pbt_wire_check_depth_read(const ProtobufCMessageDescriptor *desc,
			      const uint8_t *data, size_t len,
			      unsigned max_depth, size_t *offset,
			      void (*read)(void *ctx, size_t upto), void *ctx)
{
	struct frame stack[MAX_STACK];
	struct types t;
	size_t depth = 1, at = 0, end, told = 0;

	if (max_depth >= MAX_STACK)
		max_depth = MAX_STACK - 1;
	t.n = 0;
	if (height(&t, desc) <= max_depth)
		return 0;
	enter(&stack[0], &t, desc, NULL, len, 1, max_depth);
	end = len;
	while (depth) {
		const struct frame *fr = &stack[depth - 1];
		const ProtobufCMessageDescriptor *sub;
		const struct type *ty;
		uint64_t tag, n;

		if (at >= end) {
			if (--depth)
				end = stack[depth - 1].end;
			continue;
		}
		if (read && depth == 1 && at - told >= READ_EVERY) {
			read(ctx, at);
			told = at;
		}
		/* Tags and lengths under 128 take one byte: most of them. */
		if (data[at] < 0x80)
			tag = data[at++];
		else if (!varint(data, end, &at, &tag))
			return 0;
		switch (tag & 7) {
		case 0:
			if (!varint(data, end, &at, &n))
				return 0;
			continue;
		case 1:
			at += 8;
			continue;
		case 5:
			at += 4;
			continue;
		case 2:
			break;
		default:
			return 0;	/* groups and junk: protobuf-c's to reject */
		}
		if (at < end && data[at] < 0x80)
			n = data[at++];
		else if (!varint(data, end, &at, &n))
			return 0;
		if (n > end - at)
			return 0;
		sub = may_reach(&t, fr, tag >> 3, depth, max_depth, &ty);
		if (!sub) {
			at += n;
			continue;
		}
		if (depth >= max_depth) {
			*offset = at;
			return -1;
		}
		end = at + n;
		enter(&stack[depth], &t, sub, ty, end, depth + 1, max_depth);
		depth++;
	}
	return 0;
}
