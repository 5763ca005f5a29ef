/*
 * wire.c - little-endian message building and bounds-checked reading for
 * the replication and synchronisation messages (see wire.h).
 */
#include <config.h>

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfs/cfs.h"
#include "cfs/wire.h"

void
wire_begin(struct wire_writer *w, uint16_t type, uint64_t request)
{
	uint16_t version = htole16(CFS_MSG_VERSION), t = htole16(type);

	memset(w, 0, sizeof(*w));
	wire_put_u32(w, WIRE_MAGIC);
	wire_put_bytes(w, &version, sizeof(version));
	wire_put_bytes(w, &t, sizeof(t));
	wire_put_u32(w, 0); /* body length, set by wire_finish() */
	wire_put_u32(w, 0); /* reserved */
	wire_put_u64(w, request);
}

void
wire_put_bytes(struct wire_writer *w, const void *p, size_t n)
{
	if (w->failed)
		return;
	if (w->len + n > w->alloc) {
		size_t alloc = w->alloc ? w->alloc : 256;
		unsigned char *grown;

		while (alloc < w->len + n)
			alloc *= 2;
		grown = realloc(w->buf, alloc);
		if (!grown) {
			w->failed = true;
			return;
		}
		w->buf = grown;
		w->alloc = alloc;
	}
	if (n)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void
wire_put_u32(struct wire_writer *w, uint32_t v)
{
	v = htole32(v);
	wire_put_bytes(w, &v, sizeof(v));
}

void
wire_put_u64(struct wire_writer *w, uint64_t v)
{
	v = htole64(v);
	wire_put_bytes(w, &v, sizeof(v));
}

void
wire_put_string(struct wire_writer *w, const char *s)
{
	size_t n = strlen(s) + 1;

	wire_put_u32(w, (uint32_t)n);
	wire_put_bytes(w, s, n);
}

void
wire_put_blob(struct wire_writer *w, const void *p, size_t n)
{
	wire_put_u32(w, (uint32_t)n);
	wire_put_bytes(w, p, n);
}

int
wire_finish(struct wire_writer *w, void **ret_buf, size_t *ret_len)
{
	uint32_t body;

	if (w->failed) {
		free(w->buf);
		return -ENOMEM;
	}
	body = htole32((uint32_t)(w->len - WIRE_HEADER_SIZE));
	memcpy(w->buf + 8, &body, sizeof(body));
	*ret_buf = w->buf;
	*ret_len = w->len;
	return 0;
}

const void *
wire_get_bytes(struct wire_reader *r, size_t n)
{
	const void *p;

	if (r->bad || n > r->len - r->pos) {
		r->bad = true;
		return NULL;
	}
	p = r->buf + r->pos;
	r->pos += n;
	return p;
}

static uint16_t
wire_get_u16(struct wire_reader *r)
{
	uint16_t v = 0;
	const void *p = wire_get_bytes(r, sizeof(v));

	if (p)
		memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

uint32_t
wire_get_u32(struct wire_reader *r)
{
	uint32_t v = 0;
	const void *p = wire_get_bytes(r, sizeof(v));

	if (p)
		memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

uint64_t
wire_get_u64(struct wire_reader *r)
{
	uint64_t v = 0;
	const void *p = wire_get_bytes(r, sizeof(v));

	if (p)
		memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

const char *
wire_get_string(struct wire_reader *r)
{
	uint32_t n = wire_get_u32(r);
	const char *s = wire_get_bytes(r, n);

	if (!s || n == 0 || s[n - 1] != '\0' || strlen(s) != n - 1) {
		r->bad = true;
		return NULL;
	}
	return s;
}

const void *
wire_get_blob(struct wire_reader *r, size_t *ret_size)
{
	uint32_t n = wire_get_u32(r);
	const void *p = wire_get_bytes(r, n);

	*ret_size = p ? n : 0;
	return p;
}

bool
wire_done(const struct wire_reader *r)
{
	return !r->bad && r->pos == r->len;
}

int
wire_read_header(struct wire_reader *r, const void *buf, size_t len, struct wire_header *ret_hdr)
{
	uint32_t magic;

	r->buf = buf;
	r->len = len;
	r->pos = 0;
	r->bad = false;
	magic = wire_get_u32(r);
	ret_hdr->version = wire_get_u16(r);
	ret_hdr->type = wire_get_u16(r);
	ret_hdr->body_len = wire_get_u32(r);
	(void)wire_get_u32(r);
	ret_hdr->request = wire_get_u64(r);
	if (r->bad)
		return -EBADMSG;
	if (magic != WIRE_MAGIC || ret_hdr->version != CFS_MSG_VERSION)
		return -EPROTO;
	if (ret_hdr->body_len != len - WIRE_HEADER_SIZE)
		return -EBADMSG;
	return 0;
}
