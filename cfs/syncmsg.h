/*
 * syncmsg.h - private to cfs: the messages of a synchronisation round.
 *
 * After every membership change the leader (the member with the lowest
 * node id) multicasts START with a new epoch; on its delivery each member
 * multicasts STATE (its version, whether it may be a source, and the
 * (inode, version) pair of every entry).  The chosen source then
 * multicasts DATA messages with the entries some member lacks, and END
 * with its version and tree digest.  Every one of them carries the epoch
 * of its round: one sent for an earlier round is told apart.
 */
#ifndef CLUSTERHA_CFS_SYNCMSG_H
#define CLUSTERHA_CFS_SYNCMSG_H

#include "cfs/cfs.h"

enum {
	SYNC_MSG_STATE = 16,
	SYNC_MSG_DATA = 17,
	SYNC_MSG_END = 18,
	SYNC_MSG_START = 19,
};

/* One entry of a STATE summary. */
struct sync_item {
	uint64_t inode;
	uint64_t version;
};

struct sync_state {
	uint32_t nodeid;
	bool eligible;
	uint64_t version;
	size_t count;
	struct sync_item *items; /* owned by whoever filled it */
};

struct sync_end {
	uint32_t source;
	uint64_t version;
	unsigned char digest[CFS_DIGEST_SIZE];
};

/* Is @type one of the synchronisation message types? */
bool sync_msg_is_sync(uint16_t type);

/* The type in the header of @buf, or -EBADMSG/-EPROTO. */
int sync_msg_type(const void *buf, size_t len);

/*
 * The epoch of the round a synchronisation message belongs to, without
 * decoding the rest: -EBADMSG/-EPROTO for a malformed, foreign or
 * non-synchronisation message.
 */
int sync_msg_epoch(const void *buf, size_t len, uint64_t *ret_epoch);

/*
 * The encoders below take the @epoch of the round; the decoders check the
 * message's type and layout but leave the epoch to sync_msg_epoch().
 * They return 0, -ENOMEM, or -EBADMSG/-EPROTO when decoding.
 */

/* START: the round @epoch begins, started by the view's leader @leader. */
int sync_encode_start(uint64_t epoch, uint32_t leader, void **ret_buf, size_t *ret_len);
int sync_decode_start(const void *buf, size_t len, uint32_t *ret_leader);

int sync_encode_state(uint64_t epoch, const struct sync_state *st, void **ret_buf,
		      size_t *ret_len);
/* Decode a STATE; st->items is newly allocated (free() it). */
int sync_decode_state(const void *buf, size_t len, struct sync_state *ret_st);

/*
 * DATA: records of entries.  Encoding takes the records from @next until
 * it returns false or the message holds @max_bytes; *ret_more says whether
 * records are left.  Decoding calls @fn for each record (pointers into
 * @buf); a non-zero return of @fn aborts it.
 */
int sync_encode_data(uint64_t epoch, bool (*next)(void *ctx, struct cfs_record *rec),
		     void *ctx, size_t max_bytes, void **ret_buf, size_t *ret_len,
		     bool *ret_more);
int sync_decode_data(const void *buf, size_t len,
		     int (*fn)(void *ctx, const struct cfs_record *rec), void *ctx);

int sync_encode_end(uint64_t epoch, const struct sync_end *end, void **ret_buf,
		    size_t *ret_len);
int sync_decode_end(const void *buf, size_t len, struct sync_end *ret_end);

#endif /* CLUSTERHA_CFS_SYNCMSG_H */
