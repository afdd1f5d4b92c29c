#ifndef PBT_WIRE_GUARD_H
#define PBT_WIRE_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

/*
 * protobuf-c unpacks nested messages by recursion with no depth limit, so
 * a few hundred kilobytes of nested DescriptorProtos overflow the stack.
 * Before unpacking untrusted bytes we measure the message nesting depth,
 * guided by protobuf-c's own descriptors (which fields are messages).
 * This reads only tags and lengths; the data is still parsed by
 * protobuf-c alone.
 *
 * Returns 0 when data nests at most max_depth messages deep (counting
 * the outermost), or -1 with *offset at the first field that goes deeper.
 * Malformed bytes return 0: protobuf-c reports those itself.
 */
int pbt_wire_check_depth(const ProtobufCMessageDescriptor *desc,
			 const uint8_t *data, size_t len, unsigned max_depth,
			 size_t *offset);
/*
 * The same, telling read(ctx, upto) now and then that data[0, upto) has
 * been read and will not be again (to let mapped pages go).
 */
int pbt_wire_check_depth_read(const ProtobufCMessageDescriptor *desc,
			      const uint8_t *data, size_t len,
			      unsigned max_depth, size_t *offset,
			      void (*read)(void *ctx, size_t upto), void *ctx);

#endif
