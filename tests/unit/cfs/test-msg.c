/*
 * test-msg.c - replication messages survive the wire unchanged, and a
 * truncated, garbled or foreign message is rejected without a crash.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfs/cfs.h"

static const struct cfs_op samples[] = {
	{ CFS_MSG_MKDIR, 1, 100, "/ha", NULL, NULL, 0 },
	{ CFS_MSG_CREATE, 2, 101, "/ha/resources.cfg", NULL, NULL, 0 },
	{ CFS_MSG_WRITE, 3, 102, "/ha/resources.cfg", NULL, "vm: 100\n\0binary", 15 },
	{ CFS_MSG_WRITE, 4, 103, "/empty", NULL, NULL, 0 },
	{ CFS_MSG_UNLINK, 5, 0, "/ha/resources.cfg", NULL, NULL, 0 },
	{ CFS_MSG_RMDIR, 6, 0, "/ha", NULL, NULL, 0 },
	{ CFS_MSG_RENAME, 7, 104, "/a", "/nodes/n2/qemu/100.conf", NULL, 0 },
	{ CFS_MSG_MTIME, UINT64_MAX, -5, "/a", NULL, NULL, 0 },
};

#define N_SAMPLES (sizeof(samples) / sizeof(samples[0]))

static void
test_round_trip_every_type(void **state)
{
	for (size_t i = 0; i < N_SAMPLES; i++) {
		struct cfs_op out;
		void *buf;
		size_t len;

		assert_int_equal(cfs_msg_encode(&samples[i], &buf, &len), 0);
		assert_int_equal(cfs_msg_decode(buf, len, &out), 0);
		assert_int_equal(out.type, samples[i].type);
		assert_true(out.request == samples[i].request);
		assert_true(out.mtime == samples[i].mtime);
		assert_string_equal(out.path, samples[i].path);
		if (samples[i].path2)
			assert_string_equal(out.path2, samples[i].path2);
		else
			assert_null(out.path2);
		assert_int_equal(out.size, samples[i].size);
		if (out.size)
			assert_memory_equal(out.data, samples[i].data, out.size);
		free(buf);
	}
}

static void
test_every_truncation_is_rejected(void **state)
{
	for (size_t i = 0; i < N_SAMPLES; i++) {
		struct cfs_op out;
		void *buf;
		size_t len;

		assert_int_equal(cfs_msg_encode(&samples[i], &buf, &len), 0);
		for (size_t cut = 0; cut < len; cut++) {
			/* A private copy, so ASan sees any read past the cut. */
			void *part = malloc(cut ? cut : 1);

			memcpy(part, buf, cut);
			assert_int_equal(cfs_msg_decode(part, cut, &out), -EBADMSG);
			free(part);
		}
		free(buf);
	}
}

/* Encode sample @i and let @edit change byte @at to @value. */
static int
decode_edited(size_t i, size_t at, unsigned char value)
{
	struct cfs_op out;
	unsigned char *buf;
	size_t len;
	int r;

	assert_int_equal(cfs_msg_encode(&samples[i], (void **)&buf, &len), 0);
	assert_true(at < len);
	buf[at] = value;
	r = cfs_msg_decode(buf, len, &out);
	free(buf);
	return r;
}

static void
test_foreign_and_unknown_messages(void **state)
{
	/* Another magic, an older or a newer format version: a protocol error. */
	assert_int_equal(decode_edited(0, 0, 'X'), -EPROTO);
	assert_int_equal(decode_edited(0, 4, CFS_MSG_VERSION - 1), -EPROTO);
	assert_int_equal(decode_edited(0, 4, CFS_MSG_VERSION + 1), -EPROTO);
	/* An unknown type, or a body length that does not match. */
	assert_int_equal(decode_edited(0, 6, 99), -EBADMSG);
	assert_int_equal(decode_edited(0, 8, 0xff), -EBADMSG);
	/* A path with a NUL inside, or one that is not a valid path. */
	assert_int_equal(decode_edited(1, 24 + 8 + 4 + 3, '\0'), -EBADMSG);
	assert_int_equal(decode_edited(1, 24 + 8 + 4, 'x'), -EBADMSG);
	/* A string length that points past the end. */
	assert_int_equal(decode_edited(1, 24 + 8 + 3, 0x7f), -EBADMSG);
}

static void
test_trailing_bytes_are_rejected(void **state)
{
	struct cfs_op out;
	unsigned char *buf, *longer;
	size_t len;

	assert_int_equal(cfs_msg_encode(&samples[0], (void **)&buf, &len), 0);
	longer = calloc(1, len + 1);
	memcpy(longer, buf, len);
	assert_int_equal(cfs_msg_decode(longer, len + 1, &out), -EBADMSG);
	free(longer);
	free(buf);
}

static void
test_garbage_never_crashes(void **state)
{
	unsigned char buf[256];
	unsigned int seed = 12345;
	struct cfs_op out;

	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(rand_r(&seed) % sizeof(buf));

		for (size_t i = 0; i < len; i++)
			buf[i] = (unsigned char)rand_r(&seed);
		/* Keep a valid header now and then, so bodies get fuzzed too. */
		if (round % 2 && len >= 24) {
			struct cfs_op hdr = { CFS_MSG_RENAME, 1, 0, "/a", "/b", NULL, 0 };
			void *valid;
			size_t vlen;

			assert_int_equal(cfs_msg_encode(&hdr, &valid, &vlen), 0);
			memcpy(buf, valid, 24);
			free(valid);
		}
		assert_true(cfs_msg_decode(buf, len, &out) < 0 ||
			    cfs_path_valid(out.path));
	}
}

static void
test_encode_refuses_invalid_ops(void **state)
{
	struct cfs_op bad_path = { CFS_MSG_MKDIR, 1, 0, "relative", NULL, NULL, 0 };
	struct cfs_op bad_target = { CFS_MSG_RENAME, 1, 0, "/a", "/b/../c", NULL, 0 };
	struct cfs_op bad_type = { 42, 1, 0, "/a", NULL, NULL, 0 };
	struct cfs_op too_big = { CFS_MSG_WRITE, 1, 0, "/a", NULL, "", 64u << 20 };
	void *buf;
	size_t len;

	assert_int_equal(cfs_msg_encode(&bad_path, &buf, &len), -EINVAL);
	assert_int_equal(cfs_msg_encode(&bad_target, &buf, &len), -EINVAL);
	assert_int_equal(cfs_msg_encode(&bad_type, &buf, &len), -EINVAL);
	assert_int_equal(cfs_msg_encode(&too_big, &buf, &len), -EMSGSIZE);
}

static void
test_apply_replays_the_change(void **state)
{
	cfs_tree_t *t = cfs_tree_new(NULL);
	struct cfs_stat st;

	assert_int_equal(cfs_op_apply(t, &samples[0]), 0);
	assert_int_equal(cfs_op_apply(t, &samples[1]), 0);
	assert_int_equal(cfs_op_apply(t, &samples[2]), 0);
	assert_int_equal(cfs_tree_stat(t, "/ha/resources.cfg", &st), 0);
	assert_int_equal(st.size, 15);
	assert_int_equal(st.mtime, 102);
	assert_int_equal(cfs_op_apply(t, &samples[5]), -ENOTEMPTY);
	assert_int_equal(cfs_op_apply(t, &samples[4]), 0);
	assert_int_equal(cfs_op_apply(t, &samples[5]), 0);
	cfs_tree_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_every_type),
		cmocka_unit_test(test_every_truncation_is_rejected),
		cmocka_unit_test(test_foreign_and_unknown_messages),
		cmocka_unit_test(test_trailing_bytes_are_rejected),
		cmocka_unit_test(test_garbage_never_crashes),
		cmocka_unit_test(test_encode_refuses_invalid_ops),
		cmocka_unit_test(test_apply_replays_the_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
