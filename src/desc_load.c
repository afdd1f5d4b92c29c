/*
 * Bytes -> protobuf-c FileDescriptorSet.  This module maps input files
 * (stdin and pipes are read whole), finds the files of a set and their
 * source info in the bytes, and has protobuf-c unpack each file without
 * its source info, with an allocator backed by the schema's arena; the
 * source info stays in the input until a location is needed.  It checks
 * only what every later stage relies on (file names, imports) and leaves
 * the model to schema.c.
 */
/* madvise(MADV_DONTNEED) is not POSIX: define this before any header. */
#define _DEFAULT_SOURCE
#include "desc_load.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "err.h"
#include "map.h"
#include "wire_guard.h"

/* protobuf's own default recursion limit. */
#define MAX_NESTING 100
/* Unpacking hands the input's pages back every this many bytes. */
#define DROP_EVERY ((size_t)8 << 20)
/* Linux's fault_around_bytes: reading a page maps this much around it. */
#define AROUND ((size_t)64 << 10)

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

struct opened {
	const char *path;	/* "<stdin>" for "-" */
	int fd;
	bool std_in;
	bool regular;
	size_t size;		/* of a regular file, else 0 */
};

/*
 * Open path ("-" = stdin) for reading and size it.  stdin is sized like
 * a file when it is one (`< big.binpb`), so an input over the limit is
 * refused before a byte is read; a pipe is read up to the limit.
 */
static int open_input(const char *path, struct opened *o, struct pbt_err *err)
{
	struct stat st;

	memset(o, 0, sizeof(*o));
	o->std_in = !strcmp(path, "-");
	o->path = o->std_in ? "<stdin>" : path;
	o->fd = o->std_in ? 0 : open(path, O_RDONLY);
	if (o->fd < 0)
		return pbt_errf(err, PBT_EINPUT, &(struct pbt_loc){ o->path, 0, 0 },
				"cannot open: %s", strerror(errno));
	if (fstat(o->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			if (!o->std_in)
				close(o->fd);
			return pbt_errf(err, PBT_EINPUT,
					&(struct pbt_loc){ o->path, 0, 0 },
					"is a directory, not a "
					"FileDescriptorSet");
		}
		if (S_ISREG(st.st_mode)) {
			if ((unsigned long long)st.st_size > PBT_MAX_INPUT_BYTES) {
				if (!o->std_in)
					close(o->fd);
				return pbt_errf(err, PBT_EINPUT,
						&(struct pbt_loc){ o->path, 0, 0 },
						"file is %lld MiB, over the %zu MiB limit: refused",
						(long long)(st.st_size >> 20),
						PBT_MAX_INPUT_BYTES >> 20);
			}
			o->size = (size_t)st.st_size;
			o->regular = true;
		}
	}
	return 0;
}

int pbt_read_file(const char *path, unsigned char **data, size_t *len,
		  struct pbt_err *err)
{
	struct opened o;
	int r = open_input(path, &o, err);

	if (r)
		return r;
	r = read_fd(o.fd, o.path, o.size, data, len, err);
	if (!o.std_in)
		close(o.fd);
	return r;
}

int pbt_mapfile_open(struct pbt_mapfile *m, const char *path,
		     struct pbt_err *err)
{
	struct opened o;
	int r;

	memset(m, 0, sizeof(*m));
	r = open_input(path, &o, err);
	if (r)
		return r;
	/*
	 * stdin is read whole even when it is a file (its offset need not
	 * be 0), and so are pipes, devices and empty files (mmap refuses a
	 * length of 0), or anything mmap refuses.
	 */
	if (!o.std_in && o.regular && o.size) {
		void *p = mmap(NULL, o.size, PROT_READ, MAP_PRIVATE, o.fd, 0);

		if (p != MAP_FAILED) {
			close(o.fd);
			m->data = p;
			m->len = m->map_len = o.size;
			m->retained = true;
			return 0;
		}
	}
	r = read_fd(o.fd, o.path, o.size, &m->copy, &m->len, err);
	if (!o.std_in)
		close(o.fd);
	if (r)
		return r;
	m->data = m->copy;
	m->retained = true;
	return 0;
}

void pbt_mapfile_release(struct pbt_mapfile *m)
{
	if (m->borrowed) {
		memset(m, 0, sizeof(*m));
		return;
	}
	if (m->map_len)
		munmap((void *)m->data, m->map_len);
	free(m->copy);
	memset(m, 0, sizeof(*m));
}

void pbt_mapfile_drop(const struct pbt_mapfile *m, size_t from, size_t to)
{
#ifdef MADV_DONTNEED
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (!m->map_len || (page & (page - 1)))
		return;
	/*
	 * A private, never written file mapping: the pages leave the
	 * resident set and come back from the page cache when read again,
	 * so rounding outwards is safe.
	 */
	from &= ~(page - 1);
	to = to >= m->map_len ? m->map_len : (to + page - 1) & ~(page - 1);
	if (from < to)
		madvise((void *)(m->data + from), to - from, MADV_DONTNEED);
#else
	(void)m;
	(void)from;
	(void)to;
#endif
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

/*
 * One member (tag and value) of an encoded message, read as protobuf-c's
 * scanner reads it (protobuf_c_message_unpack), so that what this module
 * finds and what protobuf-c accepts agree: a tag of at most 5 bytes and
 * not 0, a varint value of at most 10, a length of at most 5 bytes and
 * INT_MAX, and no groups.
 */
struct member {
	uint32_t number;
	unsigned wire;
	size_t start, data, end;	/* tag, value (after a length), next */
};

static bool next_member(const uint8_t *p, size_t at, size_t end,
			struct member *m)
{
	size_t n = end - at, max = n < 5 ? n : 5, i;
	uint32_t tag;
	unsigned shift = 4;

	/* Most members: a field under 16 with a length under 128. */
	if (n >= 2 && p[at] < 0x80 && (p[at] & 7) == 2 && p[at] >= 8 &&
	    p[at + 1] < 0x80 && p[at + 1] <= n - 2) {
		m->number = p[at] >> 3;
		m->wire = 2;
		m->start = at;
		m->data = at + 2;
		m->end = m->data + p[at + 1];
		return true;
	}
	if (!n || !(p[at] & 0xf8))
		return false;
	m->start = at;
	m->wire = p[at] & 7;
	tag = (uint32_t)(p[at] & 0x7f) >> 3;
	for (i = 1; p[at + i - 1] & 0x80; i++) {
		if (i == max)
			return false;
		tag |= (uint32_t)(p[at + i] & 0x7f) << shift;
		shift += 7;
	}
	m->number = tag;
	at += i;
	n -= i;
	switch (m->wire) {
	case 0:
		max = n < 10 ? n : 10;
		for (i = 0; i < max && p[at + i] & 0x80; i++)
			;
		if (i == max)
			return false;
		m->data = at;
		m->end = at + i + 1;
		return true;
	case 1:
	case 5:
		i = m->wire == 1 ? 8 : 4;
		if (n < i)
			return false;
		m->data = at;
		m->end = at + i;
		return true;
	case 2: {
		uint64_t len = 0;

		max = n < 5 ? n : 5;
		for (i = 0; i < max; i++) {
			len |= (uint64_t)(p[at + i] & 0x7f) << (7 * i);
			if (!(p[at + i] & 0x80))
				break;
		}
		if (i == max || len > INT_MAX || len > n - i - 1)
			return false;
		m->data = at + i + 1;
		m->end = m->data + len;
		return true;
	}
	default:
		return false;
	}
}

/*
 * protobuf-c scans at most this many members of one message (its slabs of
 * 16, 32, ... 2^26 ScannedMembers) and refuses a message with more.
 */
#define PBC_MAX_MEMBERS (((size_t)1 << 27) - 16)

/*
 * The byte ranges of the files of a set (FileDescriptorSet.file = 1),
 * or false where protobuf-c would refuse the set.  The headers it reads
 * are spread over all of the input: pages are let go as it goes.
 */
static bool scan_set(struct pbt_arena *a, const struct pbt_mapfile *in,
		     size_t **ranges, size_t *n_files)
{
	const uint8_t *p = in->data;
	size_t len = in->len, at, n = 0, cap = 0, members = 0, dropped = 0;
	size_t *v = NULL;
	struct member m;

	for (at = 0; at < len; at = m.end) {
		if (!next_member(p, at, len, &m) || ++members > PBC_MAX_MEMBERS) {
			free(v);
			return false;
		}
		if (m.number != 1)
			continue;
		if (m.wire != 2) {
			free(v);
			return false;	/* a message field */
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			v = pbt_xrealloc(v, 2 * cap * sizeof(*v));
		}
		v[2 * n] = m.data;
		v[2 * n + 1] = m.end;
		n++;
		if (m.end - dropped >= DROP_EVERY) {
			pbt_mapfile_drop(in, dropped, m.end);
			dropped = m.end;
		}
	}
	pbt_mapfile_drop(in, dropped, len);
	*ranges = pbt_arena_alloc(a, (2 * n + 1) * sizeof(**ranges));
	if (n)
		memcpy(*ranges, v, 2 * n * sizeof(**ranges));
	free(v);
	*n_files = n;
	return true;
}

/*
 * protobuf-c scans a message with more than 16 members into slabs of
 * 1 KiB, 2 KiB, ... that it frees as soon as the message is parsed: 5 MB
 * per googleapis set that an arena would keep.  Blocks of those sizes
 * are remembered while handed out (the last RECENT of them), and a
 * block freed is handed out again for the next request of its size.
 */
#define SLAB_MIN 1024
#define SLAB_CLASSES 24
#define RECENT 64

struct unpacker {
	ProtobufCAllocator pa;
	struct pbt_arena *arena;
	const struct pbt_mapfile *in;
	unsigned char *scratch;
	size_t cap;
	void *recent[RECENT];
	unsigned recent_class[RECENT];
	size_t n_recent;
	void *free_slabs[SLAB_CLASSES];	/* each starts a list */
	unsigned char *chunk;		/* packed small allocations */
	size_t chunk_used, chunk_size;
};

/*
 * Small allocations packed at the alignment their size allows (a type's
 * size is a multiple of its alignment, so an array of n of them is too):
 * the arena aligns everything to 8, and protobuf-c allocates every string
 * apart, 4 bytes lost on average, 2 MB per googleapis set.  Not in the
 * ASan build, where every allocation must stand alone.
 */
#define CHUNK ((size_t)64 * 1024)
#define PACK_MAX 256

static void *packed(struct unpacker *u, size_t n)
{
#ifdef PBT_ARENA_DEBUG
	return pbt_arena_alloc(u->arena, n);
#else
	size_t align = n & 7 ? n & -n : 8, at;

	at = (u->chunk_used + align - 1) & ~(align - 1);
	if (!u->chunk || at + n > u->chunk_size) {
		u->chunk = pbt_arena_alloc(u->arena, CHUNK);
		u->chunk_size = CHUNK;
		at = 0;
	}
	u->chunk_used = at + n;
	return u->chunk + at;
#endif
}

static unsigned slab_class(size_t n)
{
	unsigned k = 0;

	if (n < SLAB_MIN || (n & (n - 1)))
		return SLAB_CLASSES;
	while ((size_t)SLAB_MIN << k < n)
		k++;
	return k;
}

static void *unpack_alloc(void *data, size_t n)
{
	struct unpacker *u = data;
	unsigned k = slab_class(n);
	void *p;

	if (k >= SLAB_CLASSES)
		return n && n <= PACK_MAX ? packed(u, n) :
		       pbt_arena_alloc(u->arena, n);
	p = u->free_slabs[k];
	if (p)
		memcpy(&u->free_slabs[k], p, sizeof(p));
	else
		p = pbt_arena_alloc(u->arena, n);
	u->recent[u->n_recent % RECENT] = p;
	u->recent_class[u->n_recent % RECENT] = k;
	u->n_recent++;
	return p;
}

static void unpack_free(void *data, void *p)
{
	struct unpacker *u = data;
	size_t i, n = u->n_recent < RECENT ? u->n_recent : RECENT;

	for (i = 0; i < n; i++) {
		unsigned k;

		if (u->recent[i] != p)
			continue;
		k = u->recent_class[i];
		u->recent[i] = NULL;
		memcpy(p, &u->free_slabs[k], sizeof(p));
		u->free_slabs[k] = p;
		return;
	}
	/* Anything else: the arena frees it with the rest. */
}

/*
 * Unpack one FileDescriptorProto at [from, to) of the input with its
 * source info (field 9) left out: protobuf-c sees every other member, in
 * order, and would copy source info, which is most of the bytes.  The
 * last occurrence is kept as a reference into the input (as protobuf-c
 * keeps the last value of a bytes field), or as a copy when the input
 * does not outlive the arena.  A member this scan cannot read goes to
 * protobuf-c unchanged, to be refused there.
 */
static Pbt__Ext__LazyFileDescriptorProto *unpack_file(struct unpacker *u,
						      size_t from, size_t to)
{
	const uint8_t *p = u->in->data;
	Pbt__Ext__LazyFileDescriptorProto *fd;
	struct member m, sci = { 0, 0, 0, 0, 0 };
	size_t at, n = 0, gap = 0;
	bool found = false;

	for (at = from; at < to; at = m.end) {
		if (!next_member(p, at, to, &m))
			return pbt__ext__lazy_file_descriptor_proto__unpack(
				&u->pa, to - from, p + from);
		if (m.number != 9 || m.wire != 2)
			continue;
		sci = m;
		found = true;
		gap += m.end - m.start;
	}
	if (!found)
		return pbt__ext__lazy_file_descriptor_proto__unpack(&u->pa,
				to - from, p + from);
	if (sci.end == to && gap == to - sci.start) {
		/* Source info last, once (--include_source_info, no syntax):
		 * what comes before it is the whole message. */
		fd = pbt__ext__lazy_file_descriptor_proto__unpack(&u->pa,
				sci.start - from, p + from);
	} else {
		if (to - from - gap > u->cap) {
			free(u->scratch);
			u->cap = to - from - gap;
			u->scratch = pbt_xmalloc(u->cap);
		}
		for (at = from; at < to; at = m.end) {
			next_member(p, at, to, &m);
			if (m.number == 9 && m.wire == 2)
				continue;
			memcpy(u->scratch + n, p + m.start, m.end - m.start);
			n += m.end - m.start;
		}
		/* protobuf-c copies what it keeps: scratch is free again. */
		fd = pbt__ext__lazy_file_descriptor_proto__unpack(&u->pa, n,
								  u->scratch);
	}
	if (!fd)
		return NULL;
	fd->has_source_code_info = 1;
	fd->source_code_info.len = sci.end - sci.data;
	fd->source_code_info.data = NULL;
	if (!fd->source_code_info.len)
		return fd;
	if (u->in->retained) {
		/* Read-only: nothing writes through protobuf-c's uint8_t *. */
		fd->source_code_info.data = (uint8_t *)(p + sci.data);
	} else {
		fd->source_code_info.data = pbt_arena_alloc(u->arena,
							    fd->source_code_info.len);
		memcpy(fd->source_code_info.data, p + sci.data,
		       fd->source_code_info.len);
	}
	return fd;
}

/*
 * Unpack the files at ranges[2 i], ranges[2 i + 1] of the input one by
 * one (see unpack_file()), handing the pages back as it goes: every
 * DROP_EVERY bytes for a whole set, file by file for a few files.
 */
static Pbt__Ext__LazyFileDescriptorSet *unpack_files(struct pbt_arena *arena,
						     const struct pbt_mapfile *in,
						     const size_t *ranges,
						     size_t n, bool whole)
{
	struct unpacker u;
	Pbt__Ext__LazyFileDescriptorSet *fds;
	size_t i, dropped = 0;

	memset(&u, 0, sizeof(u));
	u.pa.alloc = unpack_alloc;
	u.pa.free = unpack_free;
	u.pa.allocator_data = &u;
	u.arena = arena;
	u.in = in;
	fds = pbt_arena_alloc(arena, sizeof(*fds));
	pbt__ext__lazy_file_descriptor_set__init(fds);
	fds->file = pbt_arena_calloc(arena, n + 1, sizeof(*fds->file));
	for (i = 0; i < n; i++) {
		size_t from = ranges[2 * i], to = ranges[2 * i + 1];

		fds->file[i] = unpack_file(&u, from, to);
		if (!fds->file[i]) {
			fds = NULL;
			break;
		}
		fds->n_file++;
		if (!whole) {
			pbt_mapfile_drop(in, from > AROUND ? from - AROUND : 0,
					 to + AROUND);
		} else if (to - dropped >= DROP_EVERY) {
			pbt_mapfile_drop(in, dropped, to);
			dropped = to;
		}
	}
	if (whole)
		pbt_mapfile_drop(in, dropped, in->len);
	free(u.scratch);
	return fds;
}

int pbt_desc_unpack_files(struct pbt_arena *arena, const struct pbt_mapfile *in,
			  const size_t *ranges, size_t n,
			  Pbt__Ext__LazyFileDescriptorSet **out)
{
	*out = unpack_files(arena, in, ranges, n, false);
	return *out ? 0 : -1;
}

/* The depth check is done with data[0, upto): let those pages go. */
static void drop_read(void *ctx, size_t upto)
{
	pbt_mapfile_drop(ctx, 0, upto);
}

int pbt_desc_unpack(struct pbt_arena *arena, const char *path,
		    const struct pbt_mapfile *in,
		    Pbt__Ext__LazyFileDescriptorSet **out, size_t **ranges,
		    struct pbt_err *err)
{
	Pbt__Ext__LazyFileDescriptorSet *fds;
	struct pbt_loc loc = { strcmp(path, "-") ? path : "<stdin>", 0, 0 };
	struct pbt_map names;
	const unsigned char *data = in->data;
	size_t len = in->len;
	const char *what;
	size_t i, j, n, deep;

	if (!len)
		return pbt_errf(err, PBT_EINPUT, &loc,
				"empty %s, not a FileDescriptorSet "
				"(protoc -o output)",
				strcmp(path, "-") ? "file" : "input");
	if (pbt_wire_check_depth_read(&pbt__ext__lazy_file_descriptor_set__descriptor,
				      data, len, MAX_NESTING, &deep,
				      drop_read, (void *)in))
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
	fds = NULL;
	if (scan_set(arena, in, ranges, &n))
		fds = unpack_files(arena, in, *ranges, n, true);
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
							const Pbt__Ext__LazyFileDescriptorProto *fd,
							const struct pbt_mapfile *in)
{
	ProtobufCAllocator pa = { pb_alloc, pb_free, arena };
	Google__Protobuf__SourceCodeInfo *sci;
	const uint8_t *p = fd->source_code_info.data;
	size_t deep;

	if (!fd->has_source_code_info)
		return NULL;
	if (pbt_wire_check_depth(&google__protobuf__source_code_info__descriptor,
				 p, fd->source_code_info.len, MAX_NESTING, &deep))
		return NULL;
	sci = google__protobuf__source_code_info__unpack(&pa,
			fd->source_code_info.len, p);
	/* A read faults in its neighbours too (Linux maps 64 KiB around). */
	if (in && p >= in->data && p < in->data + in->len) {
		size_t at = (size_t)(p - in->data);

		pbt_mapfile_drop(in, at > AROUND ? at - AROUND : 0,
				 at + fd->source_code_info.len + AROUND);
	}
	return sci;
}

Google__Protobuf__SourceCodeInfo *pbt_desc_source_locations(
	struct pbt_arena *tmp, const Pbt__Ext__LazyFileDescriptorProto *fd,
	const struct pbt_mapfile *in, const uint8_t ***bytes, size_t **lens)
{
	Google__Protobuf__SourceCodeInfo *sci = pbt_desc_source_info(tmp, fd, in);
	const uint8_t *p = fd->source_code_info.data;
	size_t len = fd->source_code_info.len, at, k = 0;
	struct member m;

	if (!sci)
		return NULL;
	*bytes = pbt_arena_alloc(tmp, (sci->n_location + 1) * sizeof(**bytes));
	*lens = pbt_arena_alloc(tmp, (sci->n_location + 1) * sizeof(**lens));
	for (at = 0; at < len; at = m.end) {
		if (!next_member(p, at, len, &m))
			return NULL;
		if (m.number != 1 || m.wire != 2)
			continue;
		if (k == sci->n_location)
			return NULL;
		(*bytes)[k] = p + m.data;
		(*lens)[k] = m.end - m.data;
		k++;
	}
	if (p >= in->data && p < in->data + in->len) {
		at = (size_t)(p - in->data);
		pbt_mapfile_drop(in, at > AROUND ? at - AROUND : 0,
				 at + len + AROUND);
	}
	return k == sci->n_location ? sci : NULL;
}

Google__Protobuf__SourceCodeInfo__Location *pbt_desc_location(
	struct pbt_arena *arena, const uint8_t *bytes, size_t len,
	const struct pbt_mapfile *in)
{
	ProtobufCAllocator pa = { pb_alloc, pb_free, arena };
	Google__Protobuf__SourceCodeInfo__Location *l;

	l = (Google__Protobuf__SourceCodeInfo__Location *)protobuf_c_message_unpack(
		&google__protobuf__source_code_info__location__descriptor, &pa,
		len, bytes);
	if (in && bytes >= in->data && bytes < in->data + in->len) {
		size_t at = (size_t)(bytes - in->data);

		pbt_mapfile_drop(in, at > AROUND ? at - AROUND : 0,
				 at + len + AROUND);
	}
	return l;
}
