#ifndef PBT_DESC_LOAD_H
#define PBT_DESC_LOAD_H

#include <stddef.h>

#include "google/protobuf/descriptor.pb-c.h"

struct pbt_arena;
struct pbt_err;

/* Inputs larger than this are refused before they are read. */
#define PBT_MAX_INPUT_BYTES ((size_t)2000 * 1024 * 1024)

/*
 * Read a whole file ("-" = standard input) into a malloc()ed buffer.
 * Refuses files over PBT_MAX_INPUT_BYTES before reading them (stdin: as
 * soon as the limit is passed).  Returns 0 or -PBT_EINPUT with err naming
 * the path.  *data must be free()d by the caller.
 */
int pbt_read_file(const char *path, unsigned char **data, size_t *len,
		  struct pbt_err *err);

/*
 * Unpack a binary FileDescriptorSet (protoc -o, or a buf image) with
 * protobuf-c.  Every protobuf-c object lives in `arena`.  `path` only
 * names the input in errors.  Checks that it looks like a descriptor set:
 * non-empty, every file named, names unique, every import present.
 */
int pbt_desc_unpack(struct pbt_arena *arena, const char *path,
		    const unsigned char *data, size_t len,
		    Google__Protobuf__FileDescriptorSet **out,
		    struct pbt_err *err);

#endif
