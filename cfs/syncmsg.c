/*
 * syncmsg.c - encoding and decoding of the synchronisation messages
 * (see syncmsg.h).  Every body starts with the u64 epoch of its round:
 *   START: u64 epoch, u32 leader
 *   STATE: u64 epoch, u32 nodeid, u32 flags (1 = eligible), u64 version,
 *          u32 count, count x (u64 inode, u64 version)
 *   DATA:  u64 epoch, u32 count, count x (u64 inode, u64 parent,
 *          u64 version, u64 mtime, u32 type, u32 owner, string name,
 *          blob data)
 *   END:   u64 epoch, u32 source, u64 version, 32 bytes digest
 */
#include <config.h>

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfs/syncmsg.h"
#include "cfs/wire.h"

#define STATE_FLAG_ELIGIBLE 1u

bool
sync_msg_is_sync(uint16_t type)
{
	return type >= SYNC_MSG_STATE && type <= SYNC_MSG_START;
}

int
sync_msg_type(const void *buf, size_t len)
{
	struct wire_reader r;
	struct wire_header hdr;
	int err = wire_read_header(&r, buf, len, &hdr);

	return err < 0 ? err : hdr.type;
}

/* Start a message of @type for the round @epoch. */
static void
begin(struct wire_writer *w, uint16_t type, uint64_t epoch)
{
	wire_begin(w, type, 0);
	wire_put_u64(w, epoch);
}

/* Read the header and the epoch of a synchronisation message. */
static int
read_head(struct wire_reader *r, const void *buf, size_t len, uint16_t *ret_type,
	  uint64_t *ret_epoch)
{
	struct wire_header hdr;
	uint64_t epoch;
	int err = wire_read_header(r, buf, len, &hdr);

	if (err < 0)
		return err;
	epoch = wire_get_u64(r);
	if (r->bad || !sync_msg_is_sync(hdr.type))
		return -EBADMSG;
	*ret_type = hdr.type;
	*ret_epoch = epoch;
	return 0;
}

int
sync_msg_epoch(const void *buf, size_t len, uint64_t *ret_epoch)
{
	struct wire_reader r;
	uint16_t type;

	return read_head(&r, buf, len, &type, ret_epoch);
}

/* Read the header and epoch of @buf and insist on @type. */
static int
read_header_of(struct wire_reader *r, const void *buf, size_t len, uint16_t type)
{
	uint16_t found;
	uint64_t epoch;
	int err = read_head(r, buf, len, &found, &epoch);

	if (err < 0)
		return err;
	return found == type ? 0 : -EBADMSG;
}

int
sync_encode_start(uint64_t epoch, uint32_t leader, void **ret_buf, size_t *ret_len)
{
	struct wire_writer w;

	begin(&w, SYNC_MSG_START, epoch);
	wire_put_u32(&w, leader);
	return wire_finish(&w, ret_buf, ret_len);
}

int
sync_decode_start(const void *buf, size_t len, uint32_t *ret_leader)
{
	struct wire_reader r;
	uint32_t leader;
	int err = read_header_of(&r, buf, len, SYNC_MSG_START);

	if (err < 0)
		return err;
	leader = wire_get_u32(&r);
	if (!wire_done(&r))
		return -EBADMSG;
	*ret_leader = leader;
	return 0;
}

int
sync_encode_state(uint64_t epoch, const struct sync_state *st, void **ret_buf, size_t *ret_len)
{
	struct wire_writer w;

	begin(&w, SYNC_MSG_STATE, epoch);
	wire_put_u32(&w, st->nodeid);
	wire_put_u32(&w, st->eligible ? STATE_FLAG_ELIGIBLE : 0);
	wire_put_u64(&w, st->version);
	wire_put_u32(&w, (uint32_t)st->count);
	for (size_t i = 0; i < st->count; i++) {
		wire_put_u64(&w, st->items[i].inode);
		wire_put_u64(&w, st->items[i].version);
	}
	return wire_finish(&w, ret_buf, ret_len);
}

int
sync_decode_state(const void *buf, size_t len, struct sync_state *ret_st)
{
	struct wire_reader r;
	struct sync_state st = { 0 };
	int err = read_header_of(&r, buf, len, SYNC_MSG_STATE);

	if (err < 0)
		return err;
	st.nodeid = wire_get_u32(&r);
	st.eligible = wire_get_u32(&r) & STATE_FLAG_ELIGIBLE;
	st.version = wire_get_u64(&r);
	st.count = wire_get_u32(&r);
	/* Check the length before trusting the count with an allocation. */
	if (r.bad || st.count > (len - r.pos) / 16 || (len - r.pos) != st.count * 16)
		return -EBADMSG;
	st.items = calloc(st.count ? st.count : 1, sizeof(*st.items));
	if (!st.items)
		return -ENOMEM;
	for (size_t i = 0; i < st.count; i++) {
		st.items[i].inode = wire_get_u64(&r);
		st.items[i].version = wire_get_u64(&r);
	}
	if (!wire_done(&r)) {
		free(st.items);
		return -EBADMSG;
	}
	*ret_st = st;
	return 0;
}

int
sync_encode_data(uint64_t epoch, bool (*next)(void *ctx, struct cfs_record *rec), void *ctx,
		 size_t max_bytes, void **ret_buf, size_t *ret_len, bool *ret_more)
{
	struct wire_writer w;
	struct cfs_record rec;
	size_t count_at, count = 0;
	bool exhausted = false;
	uint32_t le;
	int err;

	begin(&w, SYNC_MSG_DATA, epoch);
	count_at = w.len;
	wire_put_u32(&w, 0);
	while (w.len < max_bytes || count == 0) {
		if (!next(ctx, &rec)) {
			exhausted = true;
			break;
		}
		wire_put_u64(&w, rec.inode);
		wire_put_u64(&w, rec.parent);
		wire_put_u64(&w, rec.version);
		wire_put_u64(&w, (uint64_t)rec.mtime);
		wire_put_u32(&w, (uint32_t)rec.type);
		wire_put_u32(&w, rec.owner);
		wire_put_string(&w, rec.name);
		wire_put_blob(&w, rec.data, rec.size);
		count++;
	}
	err = wire_finish(&w, ret_buf, ret_len);
	if (err < 0)
		return err;
	le = htole32((uint32_t)count);
	memcpy((unsigned char *)*ret_buf + count_at, &le, sizeof(le));
	*ret_more = !exhausted;
	return 0;
}

int
sync_decode_data(const void *buf, size_t len, int (*fn)(void *ctx, const struct cfs_record *rec),
		 void *ctx)
{
	struct wire_reader r;
	uint32_t count;
	int err = read_header_of(&r, buf, len, SYNC_MSG_DATA);

	if (err < 0)
		return err;
	count = wire_get_u32(&r);
	for (uint32_t i = 0; i < count && !r.bad; i++) {
		struct cfs_record rec;

		rec.inode = wire_get_u64(&r);
		rec.parent = wire_get_u64(&r);
		rec.version = wire_get_u64(&r);
		rec.mtime = (int64_t)wire_get_u64(&r);
		rec.type = wire_get_u32(&r);
		rec.owner = wire_get_u32(&r);
		rec.name = wire_get_string(&r);
		rec.data = wire_get_blob(&r, &rec.size);
		if (r.bad)
			break;
		err = fn(ctx, &rec);
		if (err)
			return err;
	}
	return wire_done(&r) ? 0 : -EBADMSG;
}

int
sync_encode_end(uint64_t epoch, const struct sync_end *end, void **ret_buf, size_t *ret_len)
{
	struct wire_writer w;

	begin(&w, SYNC_MSG_END, epoch);
	wire_put_u32(&w, end->source);
	wire_put_u64(&w, end->version);
	wire_put_bytes(&w, end->digest, CFS_DIGEST_SIZE);
	return wire_finish(&w, ret_buf, ret_len);
}

int
sync_decode_end(const void *buf, size_t len, struct sync_end *ret_end)
{
	struct wire_reader r;
	struct sync_end end;
	const void *digest;
	int err = read_header_of(&r, buf, len, SYNC_MSG_END);

	if (err < 0)
		return err;
	end.source = wire_get_u32(&r);
	end.version = wire_get_u64(&r);
	digest = wire_get_bytes(&r, CFS_DIGEST_SIZE);
	if (!wire_done(&r))
		return -EBADMSG;
	memcpy(end.digest, digest, CFS_DIGEST_SIZE);
	*ret_end = end;
	return 0;
}
