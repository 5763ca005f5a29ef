/*
 * clog.c - the cluster log: a ring of the last messages delivered to this
 * member, their wire format, and their JSON form for /.clusterlog.
 *
 *   CLOG body: u64 time, u32 nodeid, string node, string tag, string text
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cfs/cfs.h"
#include "cfs/wire.h"

struct stored {
	int64_t time;
	uint32_t nodeid;
	char *node;
	char *tag;
	char *text;
};

struct cfs_clog {
	struct stored ring[CFS_CLOG_KEEP];
	size_t first; /* the oldest entry */
	size_t count;
};

cfs_clog_t *
cfs_clog_new(void)
{
	return calloc(1, sizeof(struct cfs_clog));
}

static void
stored_clear(struct stored *s)
{
	free(s->node);
	free(s->tag);
	free(s->text);
	memset(s, 0, sizeof(*s));
}

void
cfs_clog_free(cfs_clog_t *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < CFS_CLOG_KEEP; i++)
		stored_clear(&log->ring[i]);
	free(log);
}

int
cfs_clog_add(cfs_clog_t *log, const struct cfs_clog_entry *e)
{
	struct stored s = { e->time, e->nodeid, strdup(e->node), strdup(e->tag), strdup(e->text) };
	struct stored *slot;

	if (!s.node || !s.tag || !s.text) {
		stored_clear(&s);
		return -ENOMEM;
	}
	if (log->count == CFS_CLOG_KEEP) {
		slot = &log->ring[log->first];
		log->first = (log->first + 1) % CFS_CLOG_KEEP;
		stored_clear(slot);
	} else {
		slot = &log->ring[(log->first + log->count++) % CFS_CLOG_KEEP];
	}
	*slot = s;
	return 0;
}

char *
cfs_clog_json(const cfs_clog_t *log)
{
	json_object *root = json_object_new_object(), *list = json_object_new_array();
	char *text = NULL;

	if (!root || !list) {
		json_object_put(root);
		json_object_put(list);
		return NULL;
	}
	for (size_t i = 0; i < log->count; i++) {
		const struct stored *s = &log->ring[(log->first + i) % CFS_CLOG_KEEP];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "time", json_object_new_int64(s->time));
		json_object_object_add(e, "nodeid", json_object_new_uint64(s->nodeid));
		json_object_object_add(e, "node", json_object_new_string(s->node));
		json_object_object_add(e, "tag", json_object_new_string(s->tag));
		json_object_object_add(e, "text", json_object_new_string(s->text));
		json_object_array_add(list, e);
	}
	json_object_object_add(root, "entries", list);
	if (asprintf(&text, "%s\n",
		     json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		text = NULL;
	json_object_put(root);
	return text;
}

/* Printable text of at most @max bytes (no control characters but tab). */
static bool
field_ok(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len > max)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return false;
	return true;
}

static bool
entry_ok(const struct cfs_clog_entry *e)
{
	return e->node && e->tag && e->text && *e->node && field_ok(e->node, CFS_CLOG_FIELD_MAX) &&
	       field_ok(e->tag, CFS_CLOG_FIELD_MAX) && field_ok(e->text, CFS_CLOG_TEXT_MAX);
}

int
cfs_clog_encode(const struct cfs_clog_entry *e, void **ret_buf, size_t *ret_len)
{
	struct wire_writer w;

	if (!entry_ok(e))
		return -EINVAL;
	wire_begin(&w, CFS_MSG_CLOG, 0);
	wire_put_u64(&w, (uint64_t)e->time);
	wire_put_u32(&w, e->nodeid);
	wire_put_string(&w, e->node);
	wire_put_string(&w, e->tag);
	wire_put_string(&w, e->text);
	return wire_finish(&w, ret_buf, ret_len);
}

int
cfs_clog_decode(const void *buf, size_t len, struct cfs_clog_entry *ret_e)
{
	struct wire_reader r;
	struct wire_header hdr;
	struct cfs_clog_entry e;
	int err = wire_read_header(&r, buf, len, &hdr);

	if (err < 0)
		return err;
	if (hdr.type != CFS_MSG_CLOG)
		return -EBADMSG;
	e.time = (int64_t)wire_get_u64(&r);
	e.nodeid = wire_get_u32(&r);
	e.node = wire_get_string(&r);
	e.tag = wire_get_string(&r);
	e.text = wire_get_string(&r);
	if (!wire_done(&r) || !entry_ok(&e))
		return -EBADMSG;
	*ret_e = e;
	return 0;
}
