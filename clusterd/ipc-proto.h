/*
 * ipc-proto.h - the local IPC protocol between clusterd and its tools
 * (libqb IPC, service "clusterd"; root only).  A request is a
 * qb_ipc_request_header, then for CD_IPC_LOCK the lock's name without NUL,
 * for CD_IPC_LOG the tag, a NUL and the text without NUL.
 * A response is a qb_ipc_response_header whose error is 0 or -errno, then
 * on success one JSON document (see cfsctl(8) for its fields).
 */
#ifndef CLUSTERHA_CLUSTERD_IPC_PROTO_H
#define CLUSTERHA_CLUSTERD_IPC_PROTO_H

#define CD_IPC_NAME	"clusterd"
#define CD_IPC_MAX_MSG	(64 * 1024)

enum cd_ipc_request {
	CD_IPC_STATUS = 1, /* this node's view: quorum, sync, version, members */
	CD_IPC_LOCK = 2,   /* one cluster lock: holder, version, age on this node */
	CD_IPC_LOG = 3,	   /* add an entry to the cluster log; answers {} */
};

#endif /* CLUSTERHA_CLUSTERD_IPC_PROTO_H */
