/*
 * Bytes -> protobuf-c FileDescriptorSet.  This module reads input files
 * and gives protobuf-c an allocator backed by the schema's arena; it
 * checks only what every later stage relies on (file names, imports) and
 * leaves the model to schema.c.
 */
#include "desc_load.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "err.h"
#include "map.h"
#include "wire_guard.h"

/* protobuf's own default recursion limit. */
#define MAX_NESTING 100

static int read_fd(int fd, const char *path, size_t hint, unsigned char **data,
		   size_t *len, struct pbt_err *err)
{
	size_t cap = hint ? hint + 1 : 1 << 16, n = 0;
	unsigned char *p = pbt_xmalloc(cap);

	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap >= PBT_MAX_INPUT_BYTES) {
				free(p);
				return pbt_errf(err, PBT_EINPUT,
						&(struct pbt_loc){ path, 0, 0 },
						"input larger than %zu MiB: refused",
						PBT_MAX_INPUT_BYTES >> 20);
			}
			cap *= 2;
			if (cap > PBT_MAX_INPUT_BYTES)
				cap = PBT_MAX_INPUT_BYTES;
			p = pbt_xrealloc(p, cap);
		}
		r = read(fd, p + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(p);
			return pbt_errf(err, PBT_EINPUT,
					&(struct pbt_loc){ path, 0, 0 },
					"cannot read: %s", strerror(errno));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*data = p;
	*len = n;
	return 0;
}

int pbt_read_file(const char *path, unsigned char **data, size_t *len,
		  struct pbt_err *err)
{
	struct stat st;
	int fd, r;
	size_t hint = 0;
	bool std_in = !strcmp(path, "-");

	/*
	 * stdin is sized like a file when it is one (`< big.binpb`), so an
	 * input over the limit is refused before a byte is read; a pipe is
	 * read up to the limit.
	 */
	if (std_in) {
		fd = 0;
		path = "<stdin>";
	} else {
		fd = open(path, O_RDONLY);
	}
	if (fd < 0)
		return pbt_errf(err, PBT_EINPUT, &(struct pbt_loc){ path, 0, 0 },
				"cannot open: %s", strerror(errno));
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			if (!std_in)
				close(fd);
			return pbt_errf(err, PBT_EINPUT,
					&(struct pbt_loc){ path, 0, 0 },
					"is a directory, not a "
					"FileDescriptorSet");
		}
		if (S_ISREG(st.st_mode)) {
			if ((unsigned long long)st.st_size > PBT_MAX_INPUT_BYTES) {
				if (!std_in)
					close(fd);
				return pbt_errf(err, PBT_EINPUT,
						&(struct pbt_loc){ path, 0, 0 },
						"file is %lld MiB, over the %zu MiB limit: refused",
						(long long)(st.st_size >> 20),
						PBT_MAX_INPUT_BYTES >> 20);
			}
			hint = (size_t)st.st_size;
		}
	}
	r = read_fd(fd, path, hint, data, len, err);
	if (!std_in)
		close(fd);
	return r;
}

static void *pb_alloc(void *arena, size_t n)
{
	return pbt_arena_alloc(arena, n);
}

static void pb_free(void *arena, void *p)
{
	(void)arena;	/* the arena frees everything at once */
	(void)p;
}

static bool starts_word(const unsigned char *d, size_t n, const char *w)
{
	size_t l = strlen(w);

	return n >= l && !memcmp(d, w, l);
}

/*
 * Recognise common wrong inputs so the error says what the file is.
 * Called only once protobuf-c has refused the bytes.
 */
static const char *sniff(const unsigned char *d, size_t n)
{
	static const char *const proto_words[] = {
		"syntax", "edition", "package", "import", "option", "message",
		"enum", "service", "extend", "//", "/*", NULL,
	};
	size_t i = 0, k;

	if (n >= 2 && d[0] == 0x1f && d[1] == 0x8b)
		return "gzip-compressed (decompress it first)";
	if (n >= 4 && d[0] == 0x28 && d[1] == 0xb5 && d[2] == 0x2f && d[3] == 0xfd)
		return "zstd-compressed (decompress it first)";
	if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
		i = 3;	/* UTF-8 byte order mark */
	while (i < n && (d[i] == ' ' || d[i] == '\n' || d[i] == '\t' || d[i] == '\r'))
		i++;
	if (i < n && (d[i] == '{' || d[i] == '['))
		return "JSON text (pbtable reads the binary encoding: "
		       "protoc -o, buf build -o x.binpb)";
	if (starts_word(d + i, n - i, "file ") ||
	    starts_word(d + i, n - i, "file{"))
		return "protobuf text format (encode it with "
		       "protoc --encode=google.protobuf.FileDescriptorSet)";
	for (k = 0; proto_words[k]; k++)
		if (starts_word(d + i, n - i, proto_words[k]))
			return ".proto source text (compile it first: "
			       "protoc --include_imports -o)";
	return NULL;
}

int pbt_desc_unpack(struct pbt_arena *arena, const char *path,
		    const unsigned char *data, size_t len,
		    Pbt__Ext__LazyFileDescriptorSet **out,
		    struct pbt_err *err)
{
	ProtobufCAllocator pa = { pb_alloc, pb_free, arena };
	Pbt__Ext__LazyFileDescriptorSet *fds;
	struct pbt_loc loc = { strcmp(path, "-") ? path : "<stdin>", 0, 0 };
	struct pbt_map names;
	const char *what;
	size_t i, j, deep;

	if (!len)
		return pbt_errf(err, PBT_EINPUT, &loc,
				"empty %s, not a FileDescriptorSet "
				"(protoc -o output)",
				strcmp(path, "-") ? "file" : "input");
	if (pbt_wire_check_depth(&pbt__ext__lazy_file_descriptor_set__descriptor,
				 data, len, MAX_NESTING, &deep))
		return pbt_errf(err, PBT_EINPUT, &loc,
				"not a usable FileDescriptorSet: messages nested "
				"more than %d levels deep (at byte %zu)",
				MAX_NESTING, deep);
	/*
	 * Parse first, sniff after: every set starts with 0x0a ('\n') and
	 * a length byte that may well be '{' or 's', so sniffing first would
	 * turn valid sets away.  Text that happens to parse as protobuf
	 * (unknown fields only) yields a set without files.
	 */
	fds = pbt__ext__lazy_file_descriptor_set__unpack(&pa, len, data);
	if (!fds || !fds->n_file) {
		what = sniff(data, len);
		if (what)
			return pbt_errf(err, PBT_EINPUT, &loc,
					"not a FileDescriptorSet: %s", what);
	}
	if (!fds)
		return pbt_errf(err, PBT_EINPUT, &loc,
				"not a FileDescriptorSet: "
				"invalid or truncated protobuf");
	if (!fds->n_file)
		return pbt_errf(err, PBT_EINPUT, &loc,
				"not a FileDescriptorSet: it holds no files");
	pbt_map_init(&names, arena, fds->n_file);
	for (i = 0; i < fds->n_file; i++) {
		const Pbt__Ext__LazyFileDescriptorProto *f = fds->file[i];

		if (!f->name || !*f->name)
			return pbt_errf(err, PBT_EINPUT, &loc,
					"not a FileDescriptorSet: file #%zu has no name", i + 1);
		if (pbt_map_put(&names, f->name, (void *)f))
			return pbt_errf(err, PBT_EINPUT, &loc,
					"file '%s' appears twice in the set", f->name);
	}
	for (i = 0; i < fds->n_file; i++) {
		const Pbt__Ext__LazyFileDescriptorProto *f = fds->file[i];

		for (j = 0; j < f->n_dependency; j++)
			if (!f->dependency[j] ||
			    !pbt_map_get(&names, f->dependency[j]))
				return pbt_errf(err, PBT_EINPUT, &loc,
						"'%s' imports '%s', which is not "
						"in the set (use protoc "
						"--include_imports)", f->name,
						f->dependency[j] ?
						f->dependency[j] : "");
	}
	*out = fds;
	return 0;
}

Google__Protobuf__SourceCodeInfo *pbt_desc_source_info(struct pbt_arena *arena,
							const Pbt__Ext__LazyFileDescriptorProto *fd)
{
	ProtobufCAllocator pa = { pb_alloc, pb_free, arena };
	size_t deep;

	if (!fd->has_source_code_info)
		return NULL;
	if (pbt_wire_check_depth(&google__protobuf__source_code_info__descriptor,
				 fd->source_code_info.data, fd->source_code_info.len,
				 MAX_NESTING, &deep))
		return NULL;
	return google__protobuf__source_code_info__unpack(&pa, fd->source_code_info.len,
							  fd->source_code_info.data);
}

long pbt_desc_unpack_eager(struct pbt_arena *arena, const unsigned char *data,
			   size_t len)
{
	ProtobufCAllocator pa = { pb_alloc, pb_free, arena };
	Google__Protobuf__FileDescriptorSet *fds;
	size_t deep;

	if (pbt_wire_check_depth(&google__protobuf__file_descriptor_set__descriptor,
				 data, len, MAX_NESTING, &deep))
		return -1;
	fds = google__protobuf__file_descriptor_set__unpack(&pa, len, data);
	return fds ? (long)fds->n_file : -1;
}
