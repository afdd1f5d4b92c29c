#ifndef PBT_DESC_LOAD_H
#define PBT_DESC_LOAD_H

#include <stddef.h>

#include "google/protobuf/descriptor.pb-c.h"
#include "pbt_ext.pb-c.h"

struct pbt_arena;
struct pbt_err;

/* Inputs larger than this are refused before they are read. */
#define PBT_MAX_INPUT_BYTES ((size_t)2000 * 1024 * 1024)

/*
 * Read a whole file ("-" = standard input) into a malloc()ed buffer.
 * Refuses files over PBT_MAX_INPUT_BYTES before reading them (stdin too
 * when it is a regular file; a pipe as soon as the limit is passed).
 * Returns 0 or -PBT_EINPUT with err naming the path.  *data must be
 * free()d by the caller.
 */
int pbt_read_file(const char *path, unsigned char **data, size_t *len,
		  struct pbt_err *err);

/*
 * Unpack a binary FileDescriptorSet (protoc -o, or a buf image) with
 * protobuf-c, leaving each file's source info as bytes (see
 * pbt_desc_source_info()).  Every protobuf-c object lives in `arena`.
 * `path` only names the input in errors.  Checks that it looks like a
 * descriptor set: non-empty, every file named, names unique, every import
 * present, nesting no deeper than protobuf's limit.
 */
int pbt_desc_unpack(struct pbt_arena *arena, const char *path,
		    const unsigned char *data, size_t len,
		    Pbt__Ext__LazyFileDescriptorSet **out,
		    struct pbt_err *err);

/*
 * Unpack one file's source info (NULL if it has none or it does not
 * parse: locations are then unknown, as without --include_source_info).
 */
Google__Protobuf__SourceCodeInfo *pbt_desc_source_info(struct pbt_arena *arena,
							const Pbt__Ext__LazyFileDescriptorProto *fd);

/*
 * The eager load the benchmark floor measures: the whole set, source info
 * included, unpacked as google.protobuf.FileDescriptorSet.  Returns the
 * number of files, or -1 if it does not parse.
 */
long pbt_desc_unpack_eager(struct pbt_arena *arena, const unsigned char *data,
			   size_t len);

#endif
