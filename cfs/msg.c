/*
 * msg.c - the wire format of replication messages.
 *
 *   header (24 bytes): u32 magic "CFSm", u16 format version, u16 type,
 *                      u32 body length, u32 reserved (0), u64 request id
 *   body: i64 mtime, then per type the strings and blobs it needs:
 *         path (all), path2 (rename), data (write).
 *   string: u32 length including the terminating NUL, the bytes, the NUL.
 *   blob:   u32 length, the bytes.
 * All integers little endian.  Strings keep their NUL on the wire so a
 * decoded message can point into the receive buffer without copying.
 */
#include <config.h>

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfs/cfs.h"

#define MSG_MAGIC	0x6d534643u /* "CFSm" */
#define MSG_HEADER_SIZE 24
/* The largest message: a full file plus two paths and the framing. */
#define MSG_MAX_SIZE (CFS_DEFAULT_MAX_FILE_SIZE + 2 * (CFS_PATH_MAX + 1) + 64)

struct writer {
	unsigned char *buf;
	size_t len;
};

struct reader {
	const unsigned char *buf;
	size_t len;
	size_t pos;
	bool bad;
};

static bool
type_has_path2(enum cfs_msg_type type)
{
	return type == CFS_MSG_RENAME;
}

static bool
type_has_data(enum cfs_msg_type type)
{
	return type == CFS_MSG_WRITE;
}

static bool
type_known(uint16_t type)
{
	return type >= CFS_MSG_MKDIR && type <= CFS_MSG_MTIME;
}

static void
put_bytes(struct writer *w, const void *p, size_t n)
{
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void
put_u16(struct writer *w, uint16_t v)
{
	v = htole16(v);
	put_bytes(w, &v, sizeof(v));
}

static void
put_u32(struct writer *w, uint32_t v)
{
	v = htole32(v);
	put_bytes(w, &v, sizeof(v));
}

static void
put_u64(struct writer *w, uint64_t v)
{
	v = htole64(v);
	put_bytes(w, &v, sizeof(v));
}

static void
put_string(struct writer *w, const char *s)
{
	size_t n = strlen(s) + 1;

	put_u32(w, (uint32_t)n);
	put_bytes(w, s, n);
}

int
cfs_msg_encode(const struct cfs_op *op, void **ret_buf, size_t *ret_len)
{
	struct writer w = { NULL, 0 };
	size_t body = 8 + 4 + strlen(op->path ? op->path : "") + 1;

	if (!type_known(op->type) || !cfs_path_valid(op->path))
		return -EINVAL;
	if (type_has_path2(op->type)) {
		if (!cfs_path_valid(op->path2))
			return -EINVAL;
		body += 4 + strlen(op->path2) + 1;
	}
	if (type_has_data(op->type)) {
		if (op->size > MSG_MAX_SIZE)
			return -EMSGSIZE;
		body += 4 + op->size;
	}
	if (MSG_HEADER_SIZE + body > MSG_MAX_SIZE)
		return -EMSGSIZE;
	w.buf = malloc(MSG_HEADER_SIZE + body);
	if (!w.buf)
		return -ENOMEM;
	put_u32(&w, MSG_MAGIC);
	put_u16(&w, CFS_MSG_VERSION);
	put_u16(&w, (uint16_t)op->type);
	put_u32(&w, (uint32_t)body);
	put_u32(&w, 0);
	put_u64(&w, op->request);
	put_u64(&w, (uint64_t)op->mtime);
	put_string(&w, op->path);
	if (type_has_path2(op->type))
		put_string(&w, op->path2);
	if (type_has_data(op->type)) {
		put_u32(&w, (uint32_t)op->size);
		if (op->size)
			put_bytes(&w, op->data, op->size);
	}
	*ret_buf = w.buf;
	*ret_len = w.len;
	return 0;
}

static const void *
get_bytes(struct reader *r, size_t n)
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
get_u16(struct reader *r)
{
	uint16_t v = 0;
	const void *p = get_bytes(r, sizeof(v));

	if (p)
		memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

static uint32_t
get_u32(struct reader *r)
{
	uint32_t v = 0;
	const void *p = get_bytes(r, sizeof(v));

	if (p)
		memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static uint64_t
get_u64(struct reader *r)
{
	uint64_t v = 0;
	const void *p = get_bytes(r, sizeof(v));

	if (p)
		memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

/* A NUL-terminated string without inner NULs that is a valid path. */
static const char *
get_path(struct reader *r)
{
	uint32_t n = get_u32(r);
	const char *s = get_bytes(r, n);

	if (!s || n == 0 || s[n - 1] != '\0' || strlen(s) != n - 1 || !cfs_path_valid(s)) {
		r->bad = true;
		return NULL;
	}
	return s;
}

int
cfs_msg_decode(const void *buf, size_t len, struct cfs_op *ret_op)
{
	struct reader r = { buf, len, 0, false };
	struct cfs_op op = { 0 };
	uint32_t magic, body;
	uint16_t version, type;

	magic = get_u32(&r);
	version = get_u16(&r);
	type = get_u16(&r);
	body = get_u32(&r);
	(void)get_u32(&r);
	op.request = get_u64(&r);
	if (r.bad || magic != MSG_MAGIC)
		return r.bad ? -EBADMSG : -EPROTO;
	if (version != CFS_MSG_VERSION)
		return -EPROTO;
	if (!type_known(type) || body != len - MSG_HEADER_SIZE)
		return -EBADMSG;
	op.type = type;
	op.mtime = (int64_t)get_u64(&r);
	op.path = get_path(&r);
	if (type_has_path2(op.type))
		op.path2 = get_path(&r);
	if (type_has_data(op.type)) {
		op.size = get_u32(&r);
		op.data = get_bytes(&r, op.size);
	}
	if (r.bad || r.pos != len)
		return -EBADMSG;
	*ret_op = op;
	return 0;
}

int
cfs_op_apply(cfs_tree_t *tree, const struct cfs_op *op)
{
	switch (op->type) {
	case CFS_MSG_MKDIR:
		return cfs_tree_mkdir(tree, op->path, op->mtime);
	case CFS_MSG_CREATE:
		return cfs_tree_create(tree, op->path, op->mtime);
	case CFS_MSG_WRITE:
		return cfs_tree_write(tree, op->path, op->data, op->size, op->mtime);
	case CFS_MSG_UNLINK:
		return cfs_tree_unlink(tree, op->path);
	case CFS_MSG_RMDIR:
		return cfs_tree_rmdir(tree, op->path);
	case CFS_MSG_RENAME:
		return cfs_tree_rename(tree, op->path, op->path2, op->mtime);
	case CFS_MSG_MTIME:
		return cfs_tree_set_mtime(tree, op->path, op->mtime);
	}
	return -EBADMSG;
}
