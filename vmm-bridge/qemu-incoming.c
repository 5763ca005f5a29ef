/*
 * qemu-incoming.c - the target node's side of a live migration (see
 * qemu-migrate.c): start a paused QEMU that waits for the guest, resume it
 * once the config has moved here, or remove it when the migration failed.
 * The waiting QEMU is built from the config still on the source node; it
 * holds this node's run files of the guest, so a plain start of the same
 * guest here is refused meanwhile.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm-bridge/vmm-int.h"

#define QMP_TIMEOUT_MS 5000

/* Listen on @addr, a port QEMU picks; the URI to send to into @uri. */
static int
listen_incoming(const struct vmm_qemu_run *run, unsigned id, const char *addr, char *uri,
		size_t size, vmm_error_t *err)
{
	json_object *args = json_object_new_object(), *ret = NULL, *socks, *sock, *port;
	bool v6 = strchr(addr, ':') != NULL;
	vmm_qmp_t *qmp = NULL;
	char listen[300];
	int r;

	snprintf(listen, sizeof(listen), v6 ? "tcp:[%s]:0" : "tcp:%s:0", addr);
	json_object_object_add(args, "uri", json_object_new_string(listen));
	r = vmm_qmp_connect(run->qmp, QMP_TIMEOUT_MS, &qmp, err);
	if (r == 0)
		r = vmm_qmp_execute(qmp, "migrate-incoming", args, NULL, err);
	if (r == 0)
		r = vmm_qmp_execute(qmp, "query-migrate", NULL, &ret, err);
	json_object_put(args);
	vmm_qmp_free(qmp);
	if (r < 0)
		return vmm_err_prefix(err, r, "guest %u: listen on %s", id, addr);
	if (!json_object_object_get_ex(ret, "socket-address", &socks) ||
	    !(sock = json_object_array_get_idx(socks, 0)) ||
	    !json_object_object_get_ex(sock, "port", &port)) {
		json_object_put(ret);
		return vmm_err(err, -EPROTO, "guest %u: QEMU names no port it listens on", id);
	}
	snprintf(uri, size, v6 ? "tcp:[%s]:%s" : "tcp:%s:%s", addr, json_object_get_string(port));
	json_object_put(ret);
	return 0;
}

static int
incoming(vmm_ctx_t *ctx, unsigned id, const char *from, const char *addr,
	 const struct vmm_qemu_run *run, struct vmm_qemu_conf *qc, char *uri, size_t size,
	 vmm_error_t *err)
{
	vmm_storage_cfg_t *storage = NULL;
	const struct vmm_storage_plugin *plugin;
	const struct vmm_storage *st;
	struct vmm_status status;
	char node[64], path[PATH_MAX];
	const char *type;
	int r;

	r = vmm_guest_locate(ctx, id, node, sizeof(node), &type, err);
	if (r < 0)
		return r;
	if (strcmp(node, from) || strcmp(type, "vm"))
		return vmm_err(err, -EREMOTE, "guest %u is a '%s' guest on node '%s', not a vm on "
					      "node '%s'",
			       id, type, node, from);
	if (vmm_ctx_conf_dir(ctx, from, "qemu", path, sizeof(path)) < 0 ||
	    strlen(path) + 16 >= sizeof(path))
		return vmm_err(err, -ENAMETOOLONG, "config root too long");
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%u.conf", id);
	r = vmm_qemu_load_path(ctx, path, qc, &storage, err);
	if (r < 0)
		return r;
	r = vmm_qemu_status_run(run, id, &status, err);
	if (r == 0 && status.state != VMM_STATE_STOPPED)
		r = vmm_err(err, -EALREADY, "a QEMU of guest %u already runs here (pid %d, %s)",
			    id, (int)status.pid, status.detail);
	for (size_t i = 0; r == 0 && i < qc->ndisks; i++) {
		const struct vmm_qemu_disk *d = &qc->disks[i];

		if (d->none)
			continue;
		st = vmm_storage_cfg_find(storage, d->storage);
		plugin = st ? vmm_storage_plugin_by_type(st->type) : NULL;
		if (!st || !plugin || !vmm_storage_on_node(st, vmm_ctx_node(ctx)) || !st->shared)
			r = vmm_err(err, -EINVAL, "%s: storage '%s' is not shared with this node",
				    d->key, d->storage);
		else
			r = plugin->activate(ctx, st, err);
	}
	if (r == 0)
		r = vmm_qemu_launch(ctx, run, id, qc, storage, VMM_LAUNCH_INCOMING, err);
	vmm_storage_cfg_free(storage);
	if (r < 0)
		return r;
	r = listen_incoming(run, id, addr, uri, size, err);
	if (r < 0)
		(void)vmm_qemu_kill(run, id, NULL);
	return r;
}

int
vmm_qemu_incoming(vmm_ctx_t *ctx, unsigned id, const char *from, const char *addr,
		  char *ret_uri, size_t size, vmm_error_t *err)
{
	struct vmm_qemu_conf *qc = malloc(sizeof(*qc));
	struct vmm_qemu_run *run = malloc(sizeof(*run));
	int fd = -1, r;

	if (!qc || !run) {
		r = vmm_err(err, -ENOMEM, "out of memory");
		goto out;
	}
	if (!strcmp(from, vmm_ctx_node(ctx))) {
		r = vmm_err(err, -EINVAL, "guest %u cannot migrate from this node to itself", id);
		goto out;
	}
	r = vmm_qemu_run_paths(ctx, id, run, err);
	if (r == 0)
		r = vmm_file_lock(run->dir, run->lock, &fd, err);
	if (r == 0) {
		r = incoming(ctx, id, from, addr, run, qc, ret_uri, size, err);
		close(fd);
	}
out:
	free(qc);
	free(run);
	return r;
}

/* Run @fn on the guest's run files under its lock. */
static int
with_run(vmm_ctx_t *ctx, unsigned id,
	 int (*fn)(vmm_ctx_t *, unsigned, const struct vmm_qemu_run *, vmm_error_t *),
	 vmm_error_t *err)
{
	struct vmm_qemu_run *run = malloc(sizeof(*run));
	int fd = -1, r;

	if (!run)
		return vmm_err(err, -ENOMEM, "out of memory");
	r = vmm_qemu_run_paths(ctx, id, run, err);
	if (r == 0)
		r = vmm_file_lock(run->dir, run->lock, &fd, err);
	if (r == 0) {
		r = fn(ctx, id, run, err);
		close(fd);
	}
	free(run);
	return r;
}

static int
do_resume(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_run *run, vmm_error_t *err)
{
	char path[PATH_MAX];
	struct vmm_status status;
	vmm_qmp_t *qmp = NULL;
	int r;

	/* Only a guest whose config is here now: the rename came first. */
	r = vmm_ctx_local_conf(ctx, vmm_backend_by_type("vm"), id, path, sizeof(path), err);
	if (r == 0)
		r = vmm_qemu_status_run(run, id, &status, err);
	if (r == 0 && status.state != VMM_STATE_PAUSED)
		r = vmm_err(err, -EINVAL, "guest %u: no migrated QEMU waits here (%s)", id,
			    vmm_state_name(status.state));
	if (r == 0)
		r = vmm_qmp_connect(run->qmp, QMP_TIMEOUT_MS, &qmp, err);
	if (r == 0)
		r = vmm_qmp_execute(qmp, "cont", NULL, NULL, err);
	vmm_qmp_free(qmp);
	return r;
}

int
vmm_qemu_incoming_resume(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err)
{
	return with_run(ctx, id, do_resume, err);
}

static int
do_abort(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_run *run, vmm_error_t *err)
{
	char node[64];

	/* A guest configured here is not a migration's leftover: never kill it. */
	if (vmm_guest_locate(ctx, id, node, sizeof(node), NULL, NULL) == 0 &&
	    !strcmp(node, vmm_ctx_node(ctx)))
		return vmm_err(err, -EBUSY, "guest %u is configured on this node: not removed", id);
	return vmm_qemu_kill(run, id, err);
}

int
vmm_qemu_incoming_abort(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err)
{
	return with_run(ctx, id, do_abort, err);
}
