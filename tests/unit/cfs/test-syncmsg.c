/*
 * test-syncmsg.c - the synchronisation messages survive the wire with the
 * epoch of their round, and a truncated message or one of another format
 * version is rejected without a crash.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfs/syncmsg.h"

#define EPOCH 0xfedcba9876543210ull

static struct sync_item items[] = { { 0, 1 }, { 7, UINT64_MAX } };

static const struct cfs_record records[] = {
	{ 0, 0, 1, 10, CFS_DIR, "", NULL, 0, 0 },
	{ 7, 0, UINT64_MAX, -3, CFS_FILE, "vm.conf", "cores: 2\n\0x", 11, 0 },
};

#define N_RECORDS (sizeof(records) / sizeof(records[0]))

static bool
next_record(void *ctx, struct cfs_record *rec)
{
	size_t *pos = ctx;

	if (*pos == N_RECORDS)
		return false;
	*rec = records[(*pos)++];
	return true;
}

static int
check_record(void *ctx, const struct cfs_record *rec)
{
	size_t *pos = ctx;
	const struct cfs_record *want = &records[(*pos)++];

	assert_true(rec->inode == want->inode && rec->parent == want->parent);
	assert_true(rec->version == want->version && rec->mtime == want->mtime);
	assert_int_equal(rec->type, want->type);
	assert_string_equal(rec->name, want->name);
	assert_int_equal(rec->size, want->size);
	if (rec->size)
		assert_memory_equal(rec->data, want->data, rec->size);
	return 0;
}

struct sample {
	unsigned char *buf;
	size_t len;
};

/* One message of each type, in the order START, STATE, DATA, END. */
static void
encode_samples(struct sample s[4])
{
	struct sync_state st = { 3, true, 42, 2, items };
	struct sync_end end = { 3, 42, { 0 } };
	size_t pos = 0;
	bool more;

	memset(end.digest, 0xab, sizeof(end.digest));
	assert_int_equal(sync_encode_start(EPOCH, 1, (void **)&s[0].buf, &s[0].len), 0);
	assert_int_equal(sync_encode_state(EPOCH, &st, (void **)&s[1].buf, &s[1].len), 0);
	assert_int_equal(sync_encode_data(EPOCH, next_record, &pos, 1 << 20, (void **)&s[2].buf,
					  &s[2].len, &more),
			 0);
	assert_false(more);
	assert_int_equal(sync_encode_end(EPOCH, &end, (void **)&s[3].buf, &s[3].len), 0);
}

static void
free_samples(struct sample s[4])
{
	for (size_t i = 0; i < 4; i++)
		free(s[i].buf);
}

/* Decode @buf with the decoder of @type; only the result counts. */
static int
decode_as(uint16_t type, const void *buf, size_t len)
{
	struct sync_state st;
	struct sync_end end;
	uint32_t leader;
	int r;

	switch (type) {
	case SYNC_MSG_START:
		return sync_decode_start(buf, len, &leader);
	case SYNC_MSG_STATE:
		r = sync_decode_state(buf, len, &st);
		if (r == 0)
			free(st.items);
		return r;
	case SYNC_MSG_DATA:
		return sync_decode_data(buf, len, check_record, &(size_t){ 0 });
	default:
		return sync_decode_end(buf, len, &end);
	}
}

static const uint16_t sample_types[4] = { SYNC_MSG_START, SYNC_MSG_STATE, SYNC_MSG_DATA,
					  SYNC_MSG_END };

static void
test_round_trip_keeps_every_field_and_the_epoch(void **state)
{
	struct sample s[4];
	struct sync_state st;
	struct sync_end end;
	uint32_t leader;
	uint64_t epoch;
	size_t pos = 0;

	encode_samples(s);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(sync_msg_type(s[i].buf, s[i].len), sample_types[i]);
		assert_int_equal(sync_msg_epoch(s[i].buf, s[i].len, &epoch), 0);
		assert_true(epoch == EPOCH);
	}
	assert_int_equal(sync_decode_start(s[0].buf, s[0].len, &leader), 0);
	assert_int_equal(leader, 1);
	assert_int_equal(sync_decode_state(s[1].buf, s[1].len, &st), 0);
	assert_int_equal(st.nodeid, 3);
	assert_true(st.eligible && st.version == 42 && st.count == 2);
	assert_memory_equal(st.items, items, sizeof(items));
	free(st.items);
	assert_int_equal(sync_decode_data(s[2].buf, s[2].len, check_record, &pos), 0);
	assert_int_equal(pos, N_RECORDS);
	assert_int_equal(sync_decode_end(s[3].buf, s[3].len, &end), 0);
	assert_true(end.source == 3 && end.version == 42);
	assert_int_equal(end.digest[CFS_DIGEST_SIZE - 1], 0xab);
	free_samples(s);
}

static void
test_every_truncation_is_rejected(void **state)
{
	struct sample s[4];
	uint64_t epoch;

	encode_samples(s);
	for (size_t i = 0; i < 4; i++) {
		for (size_t cut = 0; cut < s[i].len; cut++) {
			/* A private copy, so ASan sees any read past the cut. */
			void *part = malloc(cut ? cut : 1);

			memcpy(part, s[i].buf, cut);
			assert_int_equal(decode_as(sample_types[i], part, cut), -EBADMSG);
			assert_int_equal(sync_msg_epoch(part, cut, &epoch), -EBADMSG);
			free(part);
		}
	}
	free_samples(s);
}

static void
test_another_format_version_is_a_protocol_error(void **state)
{
	const uint16_t versions[2] = { CFS_MSG_VERSION - 1, CFS_MSG_VERSION + 1 };
	struct sample s[4];
	uint64_t epoch;

	encode_samples(s);
	for (size_t i = 0; i < 4; i++) {
		for (size_t v = 0; v < 2; v++) {
			s[i].buf[4] = (unsigned char)versions[v];
			assert_int_equal(decode_as(sample_types[i], s[i].buf, s[i].len), -EPROTO);
			assert_int_equal(sync_msg_epoch(s[i].buf, s[i].len, &epoch), -EPROTO);
		}
	}
	free_samples(s);
}

static void
test_a_message_of_another_type_is_rejected(void **state)
{
	struct cfs_op op = { CFS_MSG_MKDIR, 1, 0, "/ha", NULL, NULL, 0 };
	struct sample s[4];
	void *change;
	size_t len;
	uint64_t epoch;

	encode_samples(s);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(decode_as(sample_types[(i + 1) % 4], s[i].buf, s[i].len),
				 -EBADMSG);
	free_samples(s);
	/* A change to the tree has no epoch. */
	assert_int_equal(cfs_msg_encode(&op, &change, &len), 0);
	assert_int_equal(sync_msg_epoch(change, len, &epoch), -EBADMSG);
	free(change);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_keeps_every_field_and_the_epoch),
		cmocka_unit_test(test_every_truncation_is_rejected),
		cmocka_unit_test(test_another_format_version_is_a_protocol_error),
		cmocka_unit_test(test_a_message_of_another_type_is_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
