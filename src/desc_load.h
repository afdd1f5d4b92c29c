#ifndef PBT_DESC_LOAD_H
#define PBT_DESC_LOAD_H

#include <stdbool.h>
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
 * The bytes of an input set.  A regular file is mapped read-only; stdin,
 * pipes and devices are read whole into `copy`.  Bytes a caller lends
 * (pbt_schema_from_bytes()) are described with retained false.
 */
struct pbt_mapfile {
	const unsigned char *data;
	size_t len;
	size_t map_len;		/* mmap()ed bytes, or 0 */
	unsigned char *copy;	/* malloc()ed, or NULL */
	bool retained;		/* the bytes live until pbt_mapfile_release() */
	bool borrowed;		/* another pbt_mapfile's: nothing to release */
};

/*
 * Map (or read) path, "-" = stdin, with pbt_read_file()'s checks and
 * errors: files over PBT_MAX_INPUT_BYTES are refused before reading.
 * Returns 0 or -PBT_EINPUT.  The file must not change while mapped.
 */
int pbt_mapfile_open(struct pbt_mapfile *m, const char *path,
		     struct pbt_err *err);
void pbt_mapfile_release(struct pbt_mapfile *m);
/*
 * Let the mapped pages of [from, to) (rounded out to whole pages) leave
 * the resident set: they stay readable, and come back from the page
 * cache when read again.  A no-op for bytes that are not mapped.
 */
void pbt_mapfile_drop(const struct pbt_mapfile *m, size_t from, size_t to);

/*
 * Unpack a binary FileDescriptorSet (protoc -o, or a buf image) with
 * protobuf-c, file by file, leaving each file's source info as bytes (see
 * pbt_desc_source_info()): a reference into `in` when in->retained (the
 * input must then outlive the arena), else a copy in the arena.  Every
 * protobuf-c object lives in `arena`, and so does *ranges: where file i
 * is in the input, [(*ranges)[2 i], (*ranges)[2 i + 1]).  `path` only
 * names the input in errors.  Checks that it looks like a descriptor set:
 * non-empty, every file named, names unique, every import present,
 * nesting no deeper than protobuf's limit.
 */
int pbt_desc_unpack(struct pbt_arena *arena, const char *path,
		    const struct pbt_mapfile *in,
		    Pbt__Ext__LazyFileDescriptorSet **out, size_t **ranges,
		    struct pbt_err *err);

/*
 * Unpack again, as pbt_desc_unpack() did, the files at [ranges[2 i],
 * ranges[2 i + 1]) of an input that pbt_desc_unpack() accepted (*ranges
 * are its file ranges), and nothing else: no checks.  Returns 0, or -1
 * if protobuf-c refuses a file.
 */
int pbt_desc_unpack_files(struct pbt_arena *arena, const struct pbt_mapfile *in,
			  const size_t *ranges, size_t n,
			  Pbt__Ext__LazyFileDescriptorSet **out);

/*
 * Unpack one file's source info (NULL if it has none or it does not
 * parse: locations are then unknown, as without --include_source_info).
 * in: the input it was unpacked from, whose pages it hands back after,
 * or NULL.
 */
Google__Protobuf__SourceCodeInfo *pbt_desc_source_info(struct pbt_arena *arena,
							const Pbt__Ext__LazyFileDescriptorProto *fd,
							const struct pbt_mapfile *in);

/*
 * pbt_desc_source_info(), decoded in tmp, with where each location's
 * bytes are, (*bytes)[i] and (*lens)[i] (arrays in tmp), so that an index
 * can keep the bytes and decode a location when it is asked for
 * (pbt_desc_location()).  NULL as pbt_desc_source_info().
 */
Google__Protobuf__SourceCodeInfo *pbt_desc_source_locations(
	struct pbt_arena *tmp, const Pbt__Ext__LazyFileDescriptorProto *fd,
	const struct pbt_mapfile *in, const uint8_t ***bytes, size_t **lens);
/* One location, decoded in arena from its bytes in in (or NULL). */
Google__Protobuf__SourceCodeInfo__Location *pbt_desc_location(
	struct pbt_arena *arena, const uint8_t *bytes, size_t len,
	const struct pbt_mapfile *in);

#endif
