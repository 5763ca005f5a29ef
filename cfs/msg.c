/*
 * msg.c - the tree-changing replication messages: one per change.
 *
 *   header (wire.h), then: u64 mtime, string path,
 *   rename: string path2; write: blob data; lock take: u64 expected version.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>

#include "cfs/cfs.h"
#include "cfs/wire.h"

/* The largest message: a full file plus two paths and the framing. */
#define MSG_MAX_SIZE (CFS_DEFAULT_MAX_FILE_SIZE + 2 * (CFS_PATH_MAX + 1) + 64)

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

bool
cfs_msg_is_op(uint16_t type)
{
	return type >= CFS_MSG_MKDIR && type <= CFS_MSG_LOCK_TAKE;
}

int
cfs_msg_encode(const struct cfs_op *op, void **ret_buf, size_t *ret_len)
{
	struct wire_writer w;

	if (!cfs_msg_is_op(op->type) || !cfs_path_valid(op->path))
		return -EINVAL;
	if (type_has_path2(op->type) && !cfs_path_valid(op->path2))
		return -EINVAL;
	if (type_has_data(op->type) && op->size > MSG_MAX_SIZE - 2 * (CFS_PATH_MAX + 1) - 64)
		return -EMSGSIZE;
	wire_begin(&w, (uint16_t)op->type, op->request);
	wire_put_u64(&w, (uint64_t)op->mtime);
	wire_put_string(&w, op->path);
	if (type_has_path2(op->type))
		wire_put_string(&w, op->path2);
	if (type_has_data(op->type))
		wire_put_blob(&w, op->data, op->size);
	if (op->type == CFS_MSG_LOCK_TAKE)
		wire_put_u64(&w, op->expect_version);
	return wire_finish(&w, ret_buf, ret_len);
}

static const char *
get_path(struct wire_reader *r)
{
	const char *s = wire_get_string(r);

	if (s && !cfs_path_valid(s)) {
		r->bad = true;
		return NULL;
	}
	return s;
}

int
cfs_msg_decode(const void *buf, size_t len, struct cfs_op *ret_op)
{
	struct wire_reader r;
	struct wire_header hdr;
	struct cfs_op op = { 0 };
	int err = wire_read_header(&r, buf, len, &hdr);

	if (err < 0)
		return err;
	if (!cfs_msg_is_op(hdr.type))
		return -EBADMSG;
	op.type = hdr.type;
	op.request = hdr.request;
	op.mtime = (int64_t)wire_get_u64(&r);
	op.path = get_path(&r);
	if (type_has_path2(op.type))
		op.path2 = get_path(&r);
	if (type_has_data(op.type))
		op.data = wire_get_blob(&r, &op.size);
	if (op.type == CFS_MSG_LOCK_TAKE)
		op.expect_version = wire_get_u64(&r);
	if (!wire_done(&r))
		return -EBADMSG;
	*ret_op = op;
	return 0;
}

int
cfs_op_apply(cfs_tree_t *tree, const struct cfs_op *op)
{
	/* Lock directories have rules of their own: holder, renewal, takeover. */
	if (cfs_path_is_lock(op->path) || (op->path2 && cfs_path_is_lock(op->path2)))
		return cfs_lock_apply(tree, op);
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
	case CFS_MSG_LOCK_TAKE:
		return -EINVAL; /* only lock directories can be taken */
	case CFS_MSG_CLOG:
		break; /* not a tree change */
	}
	return -EBADMSG;
}
