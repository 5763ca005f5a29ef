/*
 * ipc.c - the local status socket: tools ask clusterd over libqb IPC for
 * what files cannot say well (this node's sync state, a lock's age on this
 * node's clock).  Requests are answered on the loop thread, which owns the
 * replica.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#include <json-c/json.h>
#include <qb/qbipc_common.h>
#include <qb/qbipcs.h>
#include <qb/qblog.h>

#include "clusterd/clusterd.h"
#include "clusterd/ipc-proto.h"

struct cd_ipc {
	qb_ipcs_service_t *service;
	cfs_replica_t *replica;
	cd_quorum_t *quorum;
	char *node_name;
	uint32_t nodeid;
};

static int32_t
on_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	return uid == 0 ? 0 : -EACCES;
}

static json_object *
status_json(cd_ipc_t *ipc)
{
	const cfs_tree_t *tree = cfs_replica_tree(ipc->replica);
	char *members = cd_quorum_members_json(ipc->quorum);
	json_object *o = json_object_new_object();

	json_object_object_add(o, "node", json_object_new_string(ipc->node_name));
	json_object_object_add(o, "nodeid", json_object_new_uint64(ipc->nodeid));
	json_object_object_add(o, "writable",
			       json_object_new_boolean(cfs_replica_writable(ipc->replica)));
	json_object_object_add(o, "syncing",
			       json_object_new_boolean(cfs_replica_syncing(ipc->replica)));
	json_object_object_add(o, "version", json_object_new_uint64(cfs_tree_version(tree)));
	json_object_object_add(o, "entries", json_object_new_uint64(cfs_tree_entries(tree)));
	json_object_object_add(o, "bytes", json_object_new_uint64(cfs_tree_bytes(tree)));
	if (members)
		json_object_object_add(o, "membership", json_tokener_parse(members));
	free(members);
	return o;
}

static int
lock_json(cd_ipc_t *ipc, const char *name, size_t len, json_object **ret)
{
	char path[CFS_PATH_MAX + 1];
	struct cfs_lock_info info;
	int r;

	if (len == 0 || len > CFS_NAME_MAX || memchr(name, '\0', len) || memchr(name, '/', len))
		return -EINVAL;
	snprintf(path, sizeof(path), "/priv/lock/%.*s", (int)len, name);
	r = cfs_replica_lock_info(ipc->replica, path, &info);
	if (r < 0)
		return r;
	*ret = json_object_new_object();
	json_object_object_add(*ret, "name", json_object_new_string_len(name, (int)len));
	json_object_object_add(*ret, "owner", json_object_new_uint64(info.owner));
	json_object_object_add(*ret, "version", json_object_new_uint64(info.version));
	json_object_object_add(*ret, "age_ms", json_object_new_uint64(info.age_ns / 1000000));
	return 0;
}

/* "tag\0text": send it to the cluster log. */
static int
log_entry(cd_ipc_t *ipc, const char *data, size_t len, json_object **ret)
{
	const char *nul = memchr(data, '\0', len);
	char text[CFS_CLOG_TEXT_MAX + 1];
	size_t text_len;
	int r;

	if (!nul || (text_len = len - (size_t)(nul - data) - 1) > CFS_CLOG_TEXT_MAX)
		return -EINVAL;
	memcpy(text, nul + 1, text_len);
	text[text_len] = '\0';
	r = cfs_replica_log(ipc->replica, (int64_t)time(NULL), ipc->node_name, data, text);
	if (r == 0)
		*ret = json_object_new_object();
	return r;
}

static int32_t
on_message(qb_ipcs_connection_t *c, void *data, size_t size)
{
	cd_ipc_t *ipc = qb_ipcs_connection_service_context_get(c);
	const struct qb_ipc_request_header *req = data;
	struct qb_ipc_response_header res = { .size = sizeof(res) };
	json_object *doc = NULL;
	const char *text = "";
	struct iovec iov[2];

	if (size < sizeof(*req) || (size_t)req->size != size) {
		res.error = -EBADMSG;
	} else {
		res.id = req->id;
		if (req->id == CD_IPC_STATUS && size == sizeof(*req))
			doc = status_json(ipc);
		else if (req->id == CD_IPC_LOCK)
			res.error = lock_json(ipc, (const char *)(req + 1), size - sizeof(*req), &doc);
		else if (req->id == CD_IPC_LOG)
			res.error = log_entry(ipc, (const char *)(req + 1), size - sizeof(*req), &doc);
		else
			res.error = -EOPNOTSUPP;
	}
	if (doc)
		text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
	res.size = (int32_t)(sizeof(res) + strlen(text));
	iov[0] = (struct iovec){ &res, sizeof(res) };
	iov[1] = (struct iovec){ (void *)(uintptr_t)text, strlen(text) };
	if (qb_ipcs_response_sendv(c, iov, 2) < 0)
		qb_log(LOG_DEBUG, "a tool went away before its answer");
	json_object_put(doc);
	return 0;
}

int
cd_ipc_start(struct qb_ipcs_poll_handlers *poll, cfs_replica_t *replica, cd_quorum_t *quorum,
	     const char *node_name, uint32_t nodeid, cd_ipc_t **ret_ipc)
{
	struct qb_ipcs_service_handlers handlers = { .connection_accept = on_accept,
						     .msg_process = on_message };
	cd_ipc_t *ipc = calloc(1, sizeof(*ipc));
	int r;

	if (!ipc || !(ipc->node_name = strdup(node_name))) {
		free(ipc);
		return -ENOMEM;
	}
	ipc->replica = replica;
	ipc->quorum = quorum;
	ipc->nodeid = nodeid;
	ipc->service = qb_ipcs_create(CD_IPC_NAME, 0, QB_IPC_SOCKET, &handlers);
	if (!ipc->service) {
		r = -errno ? -errno : -ENOMEM;
		goto error;
	}
	qb_ipcs_service_context_set(ipc->service, ipc);
	qb_ipcs_poll_handlers_set(ipc->service, poll);
	r = qb_ipcs_run(ipc->service);
	if (r < 0)
		goto error;
	*ret_ipc = ipc;
	return 0;

error:
	if (ipc->service)
		qb_ipcs_unref(ipc->service);
	free(ipc->node_name);
	free(ipc);
	return r;
}

void
cd_ipc_stop(cd_ipc_t *ipc)
{
	if (!ipc)
		return;
	qb_ipcs_destroy(ipc->service);
	free(ipc->node_name);
	free(ipc);
}
