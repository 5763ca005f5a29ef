/*
 * qemu.c - the "vm" backend: QEMU/KVM guests configured in
 * nodes/<node>/qemu/<id>.conf.  This file holds the ops table and the
 * operations on configs and volumes (validate, create, destroy, offline
 * migrate, list); the process side is in qemu-run.c.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm-bridge/vmm-int.h"

/* A guest's config, checked, with the storage.cfg it was checked against. */
struct loaded {
	char path[PATH_MAX];
	struct vmm_qemu_conf qc;
	vmm_storage_cfg_t *storage;
};

static int
parse_text(vmm_ctx_t *ctx, const char *file, const char *text, bool for_create,
	   struct vmm_qemu_conf *qc, vmm_storage_cfg_t **ret_storage, vmm_error_t *err)
{
	vmm_storage_cfg_t *storage = NULL;
	struct vmm_conf *conf = NULL;
	int r;

	r = vmm_storage_cfg_load(ctx, &storage, err);
	if (r < 0)
		return r;
	r = vmm_conf_parse(file, text, &conf, err);
	if (r == 0)
		r = vmm_qemu_conf_parse(conf, for_create, storage, qc, err);
	vmm_conf_free(conf);
	if (r < 0 || !ret_storage)
		vmm_storage_cfg_free(storage);
	else
		*ret_storage = storage;
	return r;
}

int
vmm_qemu_load_path(vmm_ctx_t *ctx, const char *path, struct vmm_qemu_conf *qc,
		   vmm_storage_cfg_t **ret_storage, vmm_error_t *err)
{
	char *text = NULL;
	int r;

	r = vmm_file_read(path, &text, err);
	if (r < 0)
		return r;
	r = parse_text(ctx, path, text, false, qc, ret_storage, err);
	free(text);
	return r;
}

/* Load guest @id's config from this node; the config-on-this-node rule. */
static int
load(vmm_ctx_t *ctx, unsigned id, struct loaded *ret, vmm_error_t *err)
{
	int r;

	r = vmm_ctx_local_conf(ctx, &vmm_backend_qemu, id, ret->path, sizeof(ret->path), err);
	if (r < 0)
		return r;
	return vmm_qemu_load_path(ctx, ret->path, &ret->qc, &ret->storage, err);
}

static int
qemu_validate(vmm_ctx_t *ctx, const char *file, const char *text, bool for_create,
	      vmm_error_t *err)
{
	struct vmm_qemu_conf *qc = malloc(sizeof(*qc));
	int r;

	if (!qc)
		return vmm_err(err, -ENOMEM, "out of memory");
	r = parse_text(ctx, file, text, for_create, qc, NULL, err);
	free(qc);
	return r;
}

/* The storage and plugin of disk @d, usable on node @node. */
static int
disk_plugin(const vmm_storage_cfg_t *storage, const struct vmm_qemu_disk *d, const char *node,
	    const struct vmm_storage **ret_st, const struct vmm_storage_plugin **ret_plugin,
	    vmm_error_t *err)
{
	const struct vmm_storage *st = vmm_storage_cfg_find(storage, d->storage);

	if (!st)
		return vmm_err(err, -ENOENT, "%s: storage '%s' does not exist", d->key,
			       d->storage);
	if (!vmm_storage_on_node(st, node))
		return vmm_err(err, -EINVAL, "%s: storage '%s' is not available on node '%s'",
			       d->key, st->id, node);
	*ret_plugin = vmm_storage_plugin_by_type(st->type);
	if (!*ret_plugin)
		return vmm_err(err, -EOPNOTSUPP, "%s: storage '%s': type %s is not supported yet",
			       d->key, st->id, st->type);
	*ret_st = st;
	return 0;
}

/* Free the volumes of @qc's disks [0, n) that create() allocated. */
static void
free_allocated(vmm_ctx_t *ctx, const vmm_storage_cfg_t *storage, struct vmm_qemu_conf *qc,
	       const bool *allocated, size_t n)
{
	const struct vmm_storage_plugin *plugin;
	const struct vmm_storage *st;

	for (size_t i = 0; i < n; i++)
		if (allocated[i] && disk_plugin(storage, &qc->disks[i], vmm_ctx_node(ctx), &st,
						&plugin, NULL) == 0)
			(void)plugin->free(ctx, st, qc->disks[i].volume, NULL);
}

static int
allocate(vmm_ctx_t *ctx, unsigned id, const vmm_storage_cfg_t *storage,
	 struct vmm_qemu_conf *qc, bool *allocated, vmm_error_t *err)
{
	const struct vmm_storage_plugin *plugin;
	const struct vmm_storage *st;
	int r;

	/* Check every disk before allocating any. */
	for (size_t i = 0; i < qc->ndisks; i++) {
		if (qc->disks[i].none)
			continue;
		r = disk_plugin(storage, &qc->disks[i], vmm_ctx_node(ctx), &st, &plugin, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < qc->ndisks; i++) {
		struct vmm_qemu_disk *d = &qc->disks[i];

		if (d->none || d->volume[0])
			continue;
		r = disk_plugin(storage, d, vmm_ctx_node(ctx), &st, &plugin, err);
		if (r == 0)
			r = plugin->alloc(ctx, st, id, d->format, d->alloc_size, d->volume,
					  sizeof(d->volume), err);
		if (r < 0) {
			free_allocated(ctx, storage, qc, allocated, i);
			return vmm_err_prefix(err, r, "%s", d->key);
		}
		allocated[i] = true;
	}
	return 0;
}

static int
qemu_create(vmm_ctx_t *ctx, unsigned id, const char *text, vmm_error_t *err)
{
	struct loaded *g = calloc(1, sizeof(*g));
	bool allocated[VMM_QEMU_MAX_DISKS] = { false };
	char *out = NULL;
	int r;

	if (!g)
		return vmm_err(err, -ENOMEM, "out of memory");
	r = vmm_ctx_new_conf(ctx, &vmm_backend_qemu, id, g->path, sizeof(g->path), err);
	if (r == 0)
		r = parse_text(ctx, g->path, text, true, &g->qc, &g->storage, err);
	if (r < 0)
		goto free_g;
	r = allocate(ctx, id, g->storage, &g->qc, allocated, err);
	if (r < 0)
		goto free_g;
	r = vmm_qemu_conf_format(&g->qc, &out);
	if (r < 0) {
		r = vmm_err(err, r, "out of memory");
		goto free_volumes;
	}
	r = vmm_file_create(g->path, out, err);
	if (r == 0)
		goto free_g;
free_volumes:
	free_allocated(ctx, g->storage, &g->qc, allocated, g->qc.ndisks);
free_g:
	free(out);
	vmm_storage_cfg_free(g->storage);
	free(g);
	return r;
}

/* Run @fn under the guest's operation lock with its config loaded. */
static int
with_guest(vmm_ctx_t *ctx, unsigned id,
	   int (*fn)(vmm_ctx_t *, unsigned, struct loaded *, const struct vmm_qemu_run *,
		     const void *, vmm_error_t *),
	   const void *arg, vmm_error_t *err)
{
	struct loaded *g = calloc(1, sizeof(*g));
	struct vmm_qemu_run *run = malloc(sizeof(*run));
	int fd = -1, r;

	if (!g || !run) {
		r = vmm_err(err, -ENOMEM, "out of memory");
		goto out;
	}
	r = vmm_qemu_run_paths(ctx, id, run, err);
	if (r == 0)
		r = vmm_file_lock(run->dir, run->lock, &fd, err);
	if (r < 0)
		goto out;
	r = load(ctx, id, g, err);
	if (r == 0)
		r = fn(ctx, id, g, run, arg, err);
	close(fd);
out:
	if (g)
		vmm_storage_cfg_free(g->storage);
	free(g);
	free(run);
	return r;
}

int
vmm_qemu_activate_disks(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_conf *qc,
			const vmm_storage_cfg_t *storage, vmm_error_t *err)
{
	const struct vmm_storage_plugin *plugin;
	const struct vmm_storage *st;
	int r;

	for (size_t i = 0; i < qc->ndisks; i++) {
		if (qc->disks[i].none)
			continue;
		r = disk_plugin(storage, &qc->disks[i], vmm_ctx_node(ctx), &st, &plugin, err);
		if (r == 0)
			r = plugin->activate(ctx, st, err);
		if (r < 0)
			return vmm_err_prefix(err, r, "guest %u", id);
	}
	return 0;
}

static int
do_start(vmm_ctx_t *ctx, unsigned id, struct loaded *g, const struct vmm_qemu_run *run,
	 const void *arg, vmm_error_t *err)
{
	struct vmm_status status;
	int r;

	r = vmm_qemu_status_run(run, id, &status, err);
	if (r < 0)
		return r;
	if (status.state != VMM_STATE_STOPPED)
		return vmm_err(err, -EALREADY, "guest %u already runs (QEMU pid %d, %s)", id,
			       (int)status.pid, status.detail);
	r = vmm_qemu_activate_disks(ctx, id, &g->qc, g->storage, err);
	if (r < 0)
		return r;
	return vmm_qemu_launch(ctx, run, id, &g->qc, g->storage, VMM_LAUNCH_RUN, err);
}

static int
qemu_start(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err)
{
	return with_guest(ctx, id, do_start, NULL, err);
}

static int
do_shutdown(vmm_ctx_t *ctx, unsigned id, struct loaded *g, const struct vmm_qemu_run *run,
	    const void *arg, vmm_error_t *err)
{
	return vmm_qemu_powerdown(run, id, *(const unsigned *)arg, err);
}

static int
qemu_shutdown(vmm_ctx_t *ctx, unsigned id, unsigned timeout_ms, vmm_error_t *err)
{
	return with_guest(ctx, id, do_shutdown, &timeout_ms, err);
}

static int
do_stop(vmm_ctx_t *ctx, unsigned id, struct loaded *g, const struct vmm_qemu_run *run,
	const void *arg, vmm_error_t *err)
{
	return vmm_qemu_kill(run, id, err);
}

static int
qemu_stop(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err)
{
	return with_guest(ctx, id, do_stop, NULL, err);
}

static int
qemu_status(vmm_ctx_t *ctx, unsigned id, struct vmm_status *ret, vmm_error_t *err)
{
	struct vmm_qemu_run *run = malloc(sizeof(*run));
	char path[PATH_MAX];
	int r;

	if (!run)
		return vmm_err(err, -ENOMEM, "out of memory");
	r = vmm_ctx_local_conf(ctx, &vmm_backend_qemu, id, path, sizeof(path), err);
	if (r == 0)
		r = vmm_qemu_run_paths(ctx, id, run, err);
	if (r == 0)
		r = vmm_qemu_status_run(run, id, ret, err);
	free(run);
	return r;
}

static int
do_destroy(vmm_ctx_t *ctx, unsigned id, struct loaded *g, const struct vmm_qemu_run *run,
	   const void *arg, vmm_error_t *err)
{
	const struct vmm_storage_plugin *plugin;
	const struct vmm_storage *st;
	struct vmm_status status;
	int r;

	r = vmm_qemu_status_run(run, id, &status, err);
	if (r < 0)
		return r;
	if (status.state != VMM_STATE_STOPPED)
		return vmm_err(err, -EBUSY, "guest %u runs (QEMU pid %d): stop it first", id,
			       (int)status.pid);
	/* Volumes first: a failure leaves the config, so destroy can be retried.
	 * A cdrom's image is not the guest's own. */
	for (size_t i = 0; i < g->qc.ndisks; i++) {
		const struct vmm_qemu_disk *d = &g->qc.disks[i];

		if (d->none || d->cdrom)
			continue;
		r = disk_plugin(g->storage, d, vmm_ctx_node(ctx), &st, &plugin, err);
		if (r == 0)
			r = plugin->free(ctx, st, d->volume, err);
		if (r < 0)
			return vmm_err_prefix(err, r, "guest %u", id);
	}
	if (unlink(g->path) < 0)
		return vmm_err(err, -errno, "%s: %s", g->path, strerror(errno));
	(void)unlink(run->lock);
	return 0;
}

static int
qemu_destroy(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err)
{
	return with_guest(ctx, id, do_destroy, NULL, err);
}

struct migrate_arg {
	const char *target;
	unsigned flags;
};

/*
 * Offline, or live with VMM_MIGRATE_ONLINE when the guest runs; either way
 * every volume must be on shared storage the target node sees.
 */
static int
do_migrate(vmm_ctx_t *ctx, unsigned id, struct loaded *g, const struct vmm_qemu_run *run,
	   const void *arg, vmm_error_t *err)
{
	const struct migrate_arg *m = arg;
	const char *target = m->target;
	const struct vmm_storage_plugin *plugin;
	const struct vmm_storage *st;
	struct vmm_status status;
	char dest[PATH_MAX + 32];
	int r;

	r = vmm_ctx_check_target(ctx, "guest", id, target, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < g->qc.ndisks; i++) {
		const struct vmm_qemu_disk *d = &g->qc.disks[i];

		if (d->none)
			continue;
		r = disk_plugin(g->storage, d, target, &st, &plugin, err);
		if (r == 0 && !st->shared)
			r = vmm_err(err, -EINVAL,
				    "%s: storage '%s' is not shared: its volume stays on node '%s'",
				    d->key, st->id, vmm_ctx_node(ctx));
		if (r < 0)
			return vmm_err_prefix(err, r, "guest %u cannot move to node '%s'", id,
					      target);
	}
	r = vmm_ctx_target_conf(ctx, &vmm_backend_qemu, id, target, dest, sizeof(dest), err);
	if (r == 0)
		r = vmm_qemu_status_run(run, id, &status, err);
	if (r < 0)
		return r;
	if (status.state != VMM_STATE_STOPPED && !(m->flags & VMM_MIGRATE_ONLINE))
		return vmm_err(err, -EBUSY,
			       "guest %u runs: migrate it with --online, or stop it first", id);
	if (status.state != VMM_STATE_STOPPED)
		return vmm_qemu_migrate_live(ctx, id, run, target, g->path, dest, err);
	/* One rename: the guest is on exactly one node at every moment. */
	if (rename(g->path, dest) < 0)
		return vmm_err(err, -errno, "rename %s to %s: %s", g->path, dest, strerror(errno));
	return 0;
}

static int
qemu_migrate(vmm_ctx_t *ctx, unsigned id, const char *target, unsigned flags, vmm_error_t *err)
{
	struct migrate_arg m = { .target = target, .flags = flags };

	return with_guest(ctx, id, do_migrate, &m, err);
}

/* One snapshot operation and its arguments, run under the guest's lock. */
struct snap_arg {
	enum { SNAP_CREATE, SNAP_ROLLBACK, SNAP_DELETE, SNAP_LIST } op;
	const char *name;
	unsigned flags;
	char ***ret_names;
};

static int
do_snap(vmm_ctx_t *ctx, unsigned id, struct loaded *g, const struct vmm_qemu_run *run,
	const void *arg, vmm_error_t *err)
{
	const struct snap_arg *s = arg;

	switch (s->op) {
	case SNAP_CREATE:
		return vmm_qemu_snap_create(ctx, id, &g->qc, g->storage, run, s->name,
					    s->flags & VMM_SNAPSHOT_VMSTATE, err);
	case SNAP_ROLLBACK:
		return vmm_qemu_snap_rollback(ctx, id, &g->qc, g->storage, run, s->name, err);
	case SNAP_DELETE:
		return vmm_qemu_snap_delete(ctx, id, &g->qc, g->storage, run, s->name, err);
	case SNAP_LIST:
		break;
	}
	return vmm_qemu_snap_list(ctx, id, &g->qc, g->storage, run, s->ret_names, err);
}

static int
qemu_snapshot(vmm_ctx_t *ctx, unsigned id, const char *name, unsigned flags, vmm_error_t *err)
{
	struct snap_arg s = { .op = SNAP_CREATE, .name = name, .flags = flags };

	return with_guest(ctx, id, do_snap, &s, err);
}

static int
qemu_rollback(vmm_ctx_t *ctx, unsigned id, const char *name, vmm_error_t *err)
{
	struct snap_arg s = { .op = SNAP_ROLLBACK, .name = name };

	return with_guest(ctx, id, do_snap, &s, err);
}

static int
qemu_delsnapshot(vmm_ctx_t *ctx, unsigned id, const char *name, vmm_error_t *err)
{
	struct snap_arg s = { .op = SNAP_DELETE, .name = name };

	return with_guest(ctx, id, do_snap, &s, err);
}

static int
qemu_listsnapshots(vmm_ctx_t *ctx, unsigned id, char ***ret_names, vmm_error_t *err)
{
	struct snap_arg s = { .op = SNAP_LIST, .ret_names = ret_names };

	return with_guest(ctx, id, do_snap, &s, err);
}

static int
qemu_list(vmm_ctx_t *ctx, unsigned **ret_ids, size_t *ret_count, vmm_error_t *err)
{
	return vmm_ctx_list(ctx, &vmm_backend_qemu, ret_ids, ret_count, err);
}

const struct vmm_backend vmm_backend_qemu = {
	.type = "vm",
	.conf_dir = "qemu",
	.validate = qemu_validate,
	.create = qemu_create,
	.destroy = qemu_destroy,
	.start = qemu_start,
	.shutdown = qemu_shutdown,
	.stop = qemu_stop,
	.status = qemu_status,
	.migrate = qemu_migrate,
	.snapshot = qemu_snapshot,
	.rollback = qemu_rollback,
	.delsnapshot = qemu_delsnapshot,
	.listsnapshots = qemu_listsnapshots,
	.list = qemu_list,
};
