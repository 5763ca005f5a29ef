/*
 * lxc.c - the "ct" backend: LXC containers configured in
 * nodes/<node>/lxc/<id>.conf.  This file holds the ops table and the
 * operations on configs (validate, create, destroy, offline migrate, list)
 * and the rules around them; running containers is lxc-run.c's job.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm-bridge/vmm-int.h"

/* How long a migration waits for a running container to power off. */
#define MIGRATE_SHUTDOWN_MS 60000u

/* A container's config, checked, with its run files. */
struct loaded {
	char path[PATH_MAX];
	struct vmm_lxc_conf lc;
	vmm_storage_cfg_t *storage;
	struct vmm_lxc_run run;
};

static int
parse_text(vmm_ctx_t *ctx, const char *file, const char *text, struct vmm_lxc_conf *lc,
	   vmm_storage_cfg_t **ret_storage, vmm_error_t *err)
{
	vmm_storage_cfg_t *storage = NULL;
	struct vmm_conf *conf = NULL;
	int r;

	r = vmm_storage_cfg_load(ctx, &storage, err);
	if (r < 0)
		return r;
	r = vmm_conf_parse(file, text, &conf, err);
	if (r == 0)
		r = vmm_lxc_conf_parse(conf, storage, lc, err);
	vmm_conf_free(conf);
	if (r < 0 || !ret_storage)
		vmm_storage_cfg_free(storage);
	else
		*ret_storage = storage;
	return r;
}

static int
lxc_validate(vmm_ctx_t *ctx, const char *file, const char *text, bool for_create,
	     vmm_error_t *err)
{
	struct vmm_lxc_conf *lc = malloc(sizeof(*lc));
	int r;

	if (!lc)
		return vmm_err(err, -ENOMEM, "out of memory");
	r = parse_text(ctx, file, text, lc, NULL, err);
	free(lc);
	return r;
}

/* The storage of the rootfs, which node @node must see. */
static int
rootfs_storage(const vmm_storage_cfg_t *storage, const struct vmm_lxc_conf *lc,
	       const char *node, const struct vmm_storage **ret_st, vmm_error_t *err)
{
	const struct vmm_storage *st = vmm_storage_cfg_find(storage, lc->storage);

	if (!st)
		return vmm_err(err, -ENOENT, "rootfs: storage '%s' does not exist", lc->storage);
	if (!vmm_storage_on_node(st, node))
		return vmm_err(err, -EINVAL, "rootfs: storage '%s' is not available on node '%s'",
			       st->id, node);
	*ret_st = st;
	return 0;
}

/* The directory of the rootfs on this host, which must exist. */
static int
rootfs_dir(vmm_ctx_t *ctx, const struct loaded *g, char *buf, size_t size, vmm_error_t *err)
{
	const struct vmm_storage_plugin *plugin;
	const struct vmm_storage *st;
	struct stat sb;
	int r;

	r = rootfs_storage(g->storage, &g->lc, vmm_ctx_node(ctx), &st, err);
	if (r < 0)
		return r;
	plugin = vmm_storage_plugin_by_type(st->type);
	if (!plugin)
		return vmm_err(err, -EOPNOTSUPP, "rootfs: storage type %s is not supported", st->type);
	r = plugin->activate(ctx, st, err);
	if (r == 0)
		r = plugin->path(ctx, st, g->lc.volume, buf, size, err);
	if (r < 0)
		return vmm_err_prefix(err, r, "rootfs");
	if (buf[0] != '/')
		return vmm_err(err, -EINVAL, "rootfs: %s is not a directory of this host", buf);
	if (stat(buf, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return vmm_err(err, -ENOENT, "rootfs: %s:%s: directory %s does not exist",
			       st->id, g->lc.volume, buf);
	return 0;
}

static int
lxc_create(vmm_ctx_t *ctx, unsigned id, const char *text, vmm_error_t *err)
{
	struct loaded *g = calloc(1, sizeof(*g));
	const struct vmm_storage *st;
	int r;

	if (!g)
		return vmm_err(err, -ENOMEM, "out of memory");
	r = vmm_ctx_new_conf(ctx, &vmm_backend_lxc, id, g->path, sizeof(g->path), err);
	if (r == 0)
		r = parse_text(ctx, g->path, text, &g->lc, &g->storage, err);
	if (r == 0)
		r = rootfs_storage(g->storage, &g->lc, vmm_ctx_node(ctx), &st, err);
	/* Nothing is allocated: the config is written as given, once checked. */
	if (r == 0)
		r = vmm_file_create(g->path, text, err);
	vmm_storage_cfg_free(g->storage);
	free(g);
	return r;
}

/* Run @fn under the container's operation lock with its config loaded. */
static int
with_guest(vmm_ctx_t *ctx, unsigned id,
	   int (*fn)(vmm_ctx_t *, unsigned, struct loaded *, const void *, vmm_error_t *),
	   const void *arg, vmm_error_t *err)
{
	struct loaded *g = calloc(1, sizeof(*g));
	char *text = NULL;
	int fd = -1, r;

	if (!g)
		return vmm_err(err, -ENOMEM, "out of memory");
	r = vmm_lxc_run_paths(ctx, id, &g->run, err);
	if (r == 0)
		r = vmm_file_lock(g->run.lxcpath, g->run.lock, &fd, err);
	if (r < 0)
		goto out;
	r = vmm_ctx_local_conf(ctx, &vmm_backend_lxc, id, g->path, sizeof(g->path), err);
	if (r == 0)
		r = vmm_file_read(g->path, &text, err);
	if (r == 0)
		r = parse_text(ctx, g->path, text, &g->lc, &g->storage, err);
	if (r == 0)
		r = fn(ctx, id, g, arg, err);
	close(fd);
out:
	free(text);
	vmm_storage_cfg_free(g->storage);
	free(g);
	return r;
}

static int
do_start(vmm_ctx_t *ctx, unsigned id, struct loaded *g, const void *arg, vmm_error_t *err)
{
	struct vmm_status status;
	char rootfs[PATH_MAX];
	int r;

	r = vmm_lxc_status_run(&g->run, &status, err);
	if (r < 0)
		return r;
	if (status.state != VMM_STATE_STOPPED)
		return vmm_err(err, -EALREADY, "container %u already runs (init pid %d, %s)", id,
			       (int)status.pid, status.detail);
	for (size_t i = 0; i < g->lc.nnics; i++)
		if (if_nametoindex(g->lc.nics[i].bridge) == 0)
			return vmm_err(err, -ENODEV, "%s: bridge '%s' does not exist on this node",
				       g->lc.nics[i].key, g->lc.nics[i].bridge);
	r = rootfs_dir(ctx, g, rootfs, sizeof(rootfs), err);
	if (r < 0)
		return vmm_err_prefix(err, r, "container %u", id);
	return vmm_lxc_launch(&g->run, id, &g->lc, rootfs, err);
}

static int
lxc_start(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err)
{
	return with_guest(ctx, id, do_start, NULL, err);
}

static int
do_shutdown(vmm_ctx_t *ctx, unsigned id, struct loaded *g, const void *arg, vmm_error_t *err)
{
	return vmm_lxc_powerdown(&g->run, id, *(const unsigned *)arg, err);
}

static int
lxc_shutdown(vmm_ctx_t *ctx, unsigned id, unsigned timeout_ms, vmm_error_t *err)
{
	return with_guest(ctx, id, do_shutdown, &timeout_ms, err);
}

static int
do_stop(vmm_ctx_t *ctx, unsigned id, struct loaded *g, const void *arg, vmm_error_t *err)
{
	return vmm_lxc_kill(&g->run, id, err);
}

static int
lxc_stop(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err)
{
	return with_guest(ctx, id, do_stop, NULL, err);
}

static int
lxc_status(vmm_ctx_t *ctx, unsigned id, struct vmm_status *ret, vmm_error_t *err)
{
	struct vmm_lxc_run run;
	char path[PATH_MAX];
	int r;

	r = vmm_ctx_local_conf(ctx, &vmm_backend_lxc, id, path, sizeof(path), err);
	if (r == 0)
		r = vmm_lxc_run_paths(ctx, id, &run, err);
	if (r == 0)
		r = vmm_lxc_status_run(&run, ret, err);
	return r;
}

static int
do_destroy(vmm_ctx_t *ctx, unsigned id, struct loaded *g, const void *arg, vmm_error_t *err)
{
	struct vmm_status status;
	char conf[sizeof(g->run.lxcpath) + 32];
	int r;

	r = vmm_lxc_status_run(&g->run, &status, err);
	if (r < 0)
		return r;
	if (status.state != VMM_STATE_STOPPED)
		return vmm_err(err, -EBUSY, "container %u runs (init pid %d): stop it first", id,
			       (int)status.pid);
	/* The rootfs was the admin's before create and stays theirs. */
	if (unlink(g->path) < 0)
		return vmm_err(err, -errno, "%s: %s", g->path, strerror(errno));
	snprintf(conf, sizeof(conf), "%s/%s/config", g->run.lxcpath, g->run.name);
	(void)unlink(conf);
	snprintf(conf, sizeof(conf), "%s/%s", g->run.lxcpath, g->run.name);
	(void)rmdir(conf);
	(void)unlink(g->run.log);
	(void)unlink(g->run.lock);
	return 0;
}

static int
lxc_destroy(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err)
{
	return with_guest(ctx, id, do_destroy, NULL, err);
}

/*
 * Offline: a running container powers off here, its config moves to the
 * target's directory in one rename, and the target starts it (through the
 * remote command).  The rootfs must be on shared storage the target sees.
 */
static int
do_migrate(vmm_ctx_t *ctx, unsigned id, struct loaded *g, const void *arg, vmm_error_t *err)
{
	const char *target = arg;
	const struct vmm_storage *st;
	struct vmm_status status;
	char dest[PATH_MAX + 32], out[512];
	int r;

	r = vmm_ctx_check_target(ctx, "container", id, target, err);
	if (r < 0)
		return r;
	r = rootfs_storage(g->storage, &g->lc, target, &st, err);
	if (r == 0 && !st->shared)
		r = vmm_err(err, -EINVAL,
			    "rootfs: storage '%s' is not shared: its volume stays on node '%s'",
			    st->id, vmm_ctx_node(ctx));
	if (r < 0)
		return vmm_err_prefix(err, r, "container %u cannot move to node '%s'", id, target);
	r = vmm_ctx_target_conf(ctx, &vmm_backend_lxc, id, target, dest, sizeof(dest), err);
	if (r < 0)
		return r;
	r = vmm_lxc_status_run(&g->run, &status, err);
	if (r == 0 && status.state != VMM_STATE_STOPPED)
		r = vmm_lxc_powerdown(&g->run, id, MIGRATE_SHUTDOWN_MS, err);
	if (r < 0)
		return vmm_err_prefix(err, r, "container %u: stop before migration", id);
	/* One rename: the container is on exactly one node at every moment. */
	if (rename(g->path, dest) < 0)
		return vmm_err(err, -errno, "rename %s to %s: %s", g->path, dest, strerror(errno));
	if (status.state == VMM_STATE_STOPPED)
		return 0;
	r = vmm_remote_vmctl(ctx, target, "start", id, NULL, NULL, NULL, NULL, out, sizeof(out),
			     err);
	if (r < 0)
		return vmm_err_prefix(err, r, "container %u moved to node '%s' but did not start there",
				      id, target);
	return 0;
}

static int
lxc_migrate(vmm_ctx_t *ctx, unsigned id, const char *target, unsigned flags, vmm_error_t *err)
{
	if (flags & VMM_MIGRATE_ONLINE)
		return vmm_err(err, -EOPNOTSUPP,
			       "container %u: containers do not migrate live; without --online a "
			       "running container is stopped, moved and started on the target",
			       id);
	return with_guest(ctx, id, do_migrate, target, err);
}

static int
lxc_list(vmm_ctx_t *ctx, unsigned **ret_ids, size_t *ret_count, vmm_error_t *err)
{
	return vmm_ctx_list(ctx, &vmm_backend_lxc, ret_ids, ret_count, err);
}

const struct vmm_backend vmm_backend_lxc = {
	.type = "ct",
	.conf_dir = "lxc",
	.validate = lxc_validate,
	.create = lxc_create,
	.destroy = lxc_destroy,
	.start = lxc_start,
	.shutdown = lxc_shutdown,
	.stop = lxc_stop,
	.status = lxc_status,
	.migrate = lxc_migrate,
	.list = lxc_list,
};
