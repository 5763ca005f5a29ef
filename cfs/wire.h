/*
 * wire.h - private to cfs: building and reading little-endian messages
 * with the common header (magic, format version, type, body length,
 * request id).  Readers never read past the buffer: the first short read
 * marks the reader bad and every later read returns zeros.
 */
#ifndef CLUSTERHA_CFS_WIRE_H
#define CLUSTERHA_CFS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_MAGIC	 0x6d534643u /* "CFSm" */
#define WIRE_HEADER_SIZE 24

struct wire_writer {
	unsigned char *buf; /* owned until taken by the caller */
	size_t len;
	size_t alloc;
	bool failed; /* out of memory: the message is lost */
};

struct wire_reader {
	const unsigned char *buf;
	size_t len;
	size_t pos;
	bool bad;
};

struct wire_header {
	uint16_t version;
	uint16_t type;
	uint32_t body_len;
	uint64_t request;
};

/* Start a message of @type; wire_finish() fills in the body length. */
void wire_begin(struct wire_writer *w, uint16_t type, uint64_t request);
void wire_put_u32(struct wire_writer *w, uint32_t v);
void wire_put_u64(struct wire_writer *w, uint64_t v);
void wire_put_bytes(struct wire_writer *w, const void *p, size_t n);
/* u32 length including the NUL, the bytes, the NUL. */
void wire_put_string(struct wire_writer *w, const char *s);
/* u32 length, the bytes. */
void wire_put_blob(struct wire_writer *w, const void *p, size_t n);
/* Complete the message: 0 and the buffer (caller frees), or -ENOMEM. */
int wire_finish(struct wire_writer *w, void **ret_buf, size_t *ret_len);

/*
 * Read the header of @buf.  -EPROTO for another magic or format version,
 * -EBADMSG when too short or the body length does not match @len.
 */
int wire_read_header(struct wire_reader *r, const void *buf, size_t len,
		     struct wire_header *ret_hdr);
uint32_t wire_get_u32(struct wire_reader *r);
uint64_t wire_get_u64(struct wire_reader *r);
const void *wire_get_bytes(struct wire_reader *r, size_t n);
/* A string written by wire_put_string() without inner NULs, or NULL. */
const char *wire_get_string(struct wire_reader *r);
/* A blob written by wire_put_blob(); *ret_size gets its length. */
const void *wire_get_blob(struct wire_reader *r, size_t *ret_size);
/* Did every read succeed and consume the buffer exactly? */
bool wire_done(const struct wire_reader *r);

#endif /* CLUSTERHA_CFS_WIRE_H */
