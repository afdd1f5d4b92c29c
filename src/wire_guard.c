/*
 * The nesting-depth guard in front of protobuf-c (see wire_guard.h).
 * Iterative, with an explicit stack, so the guard itself cannot be made
 * to recurse.
 */
#include "wire_guard.h"

#include <stdbool.h>

#define MAX_STACK 256

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

int pbt_wire_check_depth(const ProtobufCMessageDescriptor *desc,
			 const uint8_t *data, size_t len, unsigned max_depth,
			 size_t *offset)
{
	struct {
		const ProtobufCMessageDescriptor *desc;
		size_t end;
	} stack[MAX_STACK];
	size_t depth = 1, at = 0;

	if (max_depth >= MAX_STACK)
		max_depth = MAX_STACK - 1;
	stack[0].desc = desc;
	stack[0].end = len;
	while (depth) {
		uint64_t tag, n;
		const ProtobufCFieldDescriptor *f;

		if (at >= stack[depth - 1].end) {
			depth--;
			continue;
		}
		if (!varint(data, stack[depth - 1].end, &at, &tag))
			return 0;
		switch (tag & 7) {
		case 0:
			if (!varint(data, stack[depth - 1].end, &at, &n))
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
		if (!varint(data, stack[depth - 1].end, &at, &n) ||
		    n > stack[depth - 1].end - at)
			return 0;
		f = protobuf_c_message_descriptor_get_field(stack[depth - 1].desc,
							   (unsigned)(tag >> 3));
		if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE || (tag >> 3) > 0x1fffffff) {
			at += n;
			continue;
		}
		if (depth >= max_depth) {
			*offset = at;
			return -1;
		}
		stack[depth].desc = f->descriptor;
		stack[depth].end = at + n;
		depth++;
	}
	return 0;
}
