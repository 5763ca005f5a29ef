/*
 * qemu-snapshot.c - internal qcow2 snapshots of a QEMU guest, with or
 * without its RAM.  Every disk of the guest (cdroms aside) takes part, so
 * every one must be qcow2: a raw volume or iSCSI LUN has no place for a
 * snapshot, and the guest is refused with the disk named.  The RAM goes
 * into the first disk's snapshot.
 *
 * A running guest is snapshotted by its QEMU (QMP snapshot-save/-delete
 * jobs, or a transaction of internal disk snapshots without RAM); a
 * stopped one with qemu-img on each volume.  Rollback to a snapshot with
 * RAM gives the guest back as it ran then: its QEMU (started paused when
 * the guest was stopped) loads the snapshot and continues.  Rollback to one
 * without RAM stops the guest and reverts its disks.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

#define QMP_TIMEOUT_MS 5000
/* Saving 64 MiB..some GiB of RAM to a NAS: bounded, but generously. */
#define JOB_TIMEOUT_MS (30 * 60 * 1000)

struct disks {
	const struct vmm_qemu_disk *v[VMM_QEMU_MAX_DISKS];
	size_t n;
};

static bool
name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > 40 || !isalpha((unsigned char)name[0]))
		return false;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && *name != '-' && *name != '_')
			return false;
	return true;
}

/* The guest's disks that snapshots cover; all must be qcow2. */
static int
snap_disks(unsigned id, const struct vmm_qemu_conf *qc, struct disks *ret, vmm_error_t *err)
{
	ret->n = 0;
	for (size_t i = 0; i < qc->ndisks; i++) {
		const struct vmm_qemu_disk *d = &qc->disks[i];

		if (d->none || d->cdrom)
			continue;
		if (strcmp(d->format, "qcow2"))
			return vmm_err(err, -EOPNOTSUPP,
				       "guest %u: %s is a %s volume (%s:%s); snapshots need qcow2 on "
				       "every disk",
				       id, d->key, d->format, d->storage, d->volume);
		ret->v[ret->n++] = d;
	}
	if (!ret->n)
		return vmm_err(err, -EOPNOTSUPP, "guest %u has no disk to snapshot", id);
	return 0;
}

/* Run QMP job @command with @args (job-id added) and wait until it concluded. */
static int
run_job(vmm_qmp_t *qmp, unsigned id, const char *command, json_object *args, vmm_error_t *err)
{
	char job_id[64];
	long waited = 0;
	int r;

	snprintf(job_id, sizeof(job_id), "%s-%u", command, id);
	json_object_object_add(args, "job-id", json_object_new_string(job_id));
	r = vmm_qmp_execute(qmp, command, args, NULL, err);
	while (r == 0) {
		json_object *jobs = NULL, *job, *val;
		const char *status = "", *error = NULL;

		r = vmm_qmp_execute(qmp, "query-jobs", NULL, &jobs, err);
		if (r < 0)
			break;
		for (size_t i = 0; i < json_object_array_length(jobs); i++) {
			job = json_object_array_get_idx(jobs, i);
			if (!json_object_object_get_ex(job, "id", &val) ||
			    strcmp(json_object_get_string(val), job_id))
				continue;
			if (json_object_object_get_ex(job, "status", &val))
				status = json_object_get_string(val);
			if (json_object_object_get_ex(job, "error", &val))
				error = json_object_get_string(val);
		}
		if (!strcmp(status, "concluded")) {
			r = error ? vmm_err(err, -EIO, "guest %u: %s: %s", id, command, error) : 0;
			json_object_put(jobs);
			json_object *dismiss = json_object_new_object();
			json_object_object_add(dismiss, "id", json_object_new_string(job_id));
			(void)vmm_qmp_execute(qmp, "job-dismiss", dismiss, NULL, NULL);
			json_object_put(dismiss);
			return r;
		}
		json_object_put(jobs);
		if (waited >= JOB_TIMEOUT_MS)
			return vmm_err(err, -ETIMEDOUT, "guest %u: %s not done after %d s", id,
				       command, JOB_TIMEOUT_MS / 1000);
		vmm_sleep_ms(20);
		waited += 20;
	}
	return r;
}

/* {"tag": NAME, "devices": [drive-<key>...], "vmstate": drive-<first>} */
static json_object *
job_args(const struct disks *dk, const char *name, bool vmstate)
{
	json_object *args = json_object_new_object(), *devices = json_object_new_array();
	char node[32];

	json_object_object_add(args, "tag", json_object_new_string(name));
	for (size_t i = 0; i < dk->n; i++) {
		snprintf(node, sizeof(node), "drive-%s", dk->v[i]->key);
		json_object_array_add(devices, json_object_new_string(node));
	}
	json_object_object_add(args, "devices", devices);
	if (vmstate) {
		snprintf(node, sizeof(node), "drive-%s", dk->v[0]->key);
		json_object_object_add(args, "vmstate", json_object_new_string(node));
	}
	return args;
}

/* Disk snapshots of a running guest without RAM: one transaction. */
static int
internal_snapshots(vmm_qmp_t *qmp, const struct disks *dk, const char *name, vmm_error_t *err)
{
	json_object *args = json_object_new_object(), *actions = json_object_new_array();
	char node[32];
	int r;

	for (size_t i = 0; i < dk->n; i++) {
		json_object *a = json_object_new_object(), *data = json_object_new_object();

		snprintf(node, sizeof(node), "drive-%s", dk->v[i]->key);
		json_object_object_add(data, "device", json_object_new_string(node));
		json_object_object_add(data, "name", json_object_new_string(name));
		json_object_object_add(a, "type",
				       json_object_new_string("blockdev-snapshot-internal-sync"));
		json_object_object_add(a, "data", data);
		json_object_array_add(actions, a);
	}
	json_object_object_add(args, "actions", actions);
	r = vmm_qmp_execute(qmp, "transaction", args, NULL, err);
	json_object_put(args);
	return r;
}

/* qemu-img snapshot -<op> NAME on every volume of a stopped guest. */
static int
img_snapshot(vmm_ctx_t *ctx, unsigned id, const struct disks *dk,
	     const vmm_storage_cfg_t *storage, char op, const char *name, vmm_error_t *err)
{
	char path[PATH_MAX + 256], out[512], opt[3] = { '-', op, '\0' };

	for (size_t i = 0; i < dk->n; i++) {
		const struct vmm_storage *st = vmm_storage_cfg_find(storage, dk->v[i]->storage);
		const struct vmm_storage_plugin *p = st ? vmm_storage_plugin_by_type(st->type) : NULL;
		struct vmm_argv argv = { 0 };
		int r;

		if (!p)
			return vmm_err(err, -ENOENT, "guest %u: %s: storage '%s' is not usable", id,
				       dk->v[i]->key, dk->v[i]->storage);
		r = p->path(ctx, st, dk->v[i]->volume, path, sizeof(path), err);
		if (r < 0)
			return r;
		vmm_argv_add(&argv, vmm_ctx_qemu_img(ctx));
		vmm_argv_add(&argv, "snapshot");
		vmm_argv_add(&argv, opt);
		vmm_argv_add(&argv, name);
		vmm_argv_add(&argv, path);
		if (vmm_argv_done(&argv) < 0)
			return vmm_err(err, -ENOMEM, "out of memory");
		r = vmm_proc_run(argv.v, out, sizeof(out));
		vmm_argv_free(&argv);
		if (r != 0)
			return vmm_err(err, r < 0 ? r : -EIO, "guest %u: %s: qemu-img snapshot %s %s: %s",
				       id, dk->v[i]->key, opt, name, r < 0 ? strerror(-r) : out);
	}
	return 0;
}

static bool
running(const struct vmm_qemu_run *run, unsigned id, vmm_error_t *err, int *ret_r)
{
	struct vmm_status status;

	*ret_r = vmm_qemu_status_run(run, id, &status, err);
	return *ret_r == 0 && status.state != VMM_STATE_STOPPED;
}

/*
 * The snapshots of the first disk: [{"name", "vm-state-size"}, ...] from
 * its QEMU when it runs, else from qemu-img info.  Caller puts *ret.
 */
static int
snapshots_of(vmm_ctx_t *ctx, unsigned id, const struct disks *dk,
	     const vmm_storage_cfg_t *storage, const struct vmm_qemu_run *run, bool live,
	     json_object **ret, vmm_error_t *err)
{
	const struct vmm_storage *st = vmm_storage_cfg_find(storage, dk->v[0]->storage);
	const struct vmm_storage_plugin *p = st ? vmm_storage_plugin_by_type(st->type) : NULL;
	json_object *info = NULL, *snaps = NULL, *val;
	char path[PATH_MAX + 256], node[32], msg[512], *text = NULL;
	struct vmm_argv argv = { 0 };
	vmm_qmp_t *qmp = NULL;
	int r;

	if (live) {
		json_object *args = json_object_new_object();

		json_object_object_add(args, "flat", json_object_new_boolean(true));
		snprintf(node, sizeof(node), "drive-%s", dk->v[0]->key);
		r = vmm_qmp_connect(run->qmp, QMP_TIMEOUT_MS, &qmp, err);
		if (r == 0)
			r = vmm_qmp_execute(qmp, "query-named-block-nodes", args, &info, err);
		json_object_put(args);
		vmm_qmp_free(qmp);
		for (size_t i = 0; r == 0 && i < json_object_array_length(info); i++) {
			json_object *n = json_object_array_get_idx(info, i), *image;

			if (json_object_object_get_ex(n, "node-name", &val) &&
			    !strcmp(json_object_get_string(val), node) &&
			    json_object_object_get_ex(n, "image", &image))
				json_object_object_get_ex(image, "snapshots", &snaps);
		}
	} else {
		if (!p)
			return vmm_err(err, -ENOENT, "guest %u: storage '%s' is not usable", id,
				       dk->v[0]->storage);
		r = p->path(ctx, st, dk->v[0]->volume, path, sizeof(path), err);
		if (r < 0)
			return r;
		vmm_argv_add(&argv, vmm_ctx_qemu_img(ctx));
		vmm_argv_add(&argv, "info");
		vmm_argv_add(&argv, "--output=json");
		vmm_argv_add(&argv, path);
		if (vmm_argv_done(&argv) < 0)
			return vmm_err(err, -ENOMEM, "out of memory");
		r = vmm_proc_capture(argv.v, &text, msg, sizeof(msg));
		vmm_argv_free(&argv);
		if (r != 0) {
			free(text);
			return vmm_err(err, r < 0 ? r : -EIO, "guest %u: qemu-img info %s: %s", id,
				       path, r < 0 ? strerror(-r) : msg);
		}
		info = json_tokener_parse(text);
		free(text);
		if (!info)
			return vmm_err(err, -EPROTO, "guest %u: qemu-img info %s: not JSON", id, path);
		json_object_object_get_ex(info, "snapshots", &snaps);
	}
	if (r == 0)
		*ret = snaps ? json_object_get(snaps) : json_object_new_array();
	json_object_put(info);
	return r;
}

/* The vm-state-size of snapshot @name (0: disks only); -ENOENT. */
static int
find_snapshot(json_object *snaps, unsigned id, const char *name, int64_t *ret_vmstate,
	      vmm_error_t *err)
{
	json_object *val;

	for (size_t i = 0; i < json_object_array_length(snaps); i++) {
		json_object *s = json_object_array_get_idx(snaps, i);

		if (!json_object_object_get_ex(s, "name", &val) ||
		    strcmp(json_object_get_string(val), name))
			continue;
		*ret_vmstate = json_object_object_get_ex(s, "vm-state-size", &val)
				       ? json_object_get_int64(val)
				       : 0;
		return 0;
	}
	return vmm_err(err, -ENOENT, "guest %u has no snapshot '%s'", id, name);
}

/* Checks every operation starts with; *ret_live: whether QEMU runs it. */
static int
prepare(unsigned id, const struct vmm_qemu_conf *qc, const struct vmm_qemu_run *run,
	const char *name, struct disks *dk, bool *ret_live, vmm_error_t *err)
{
	int r;

	if (name && !name_valid(name))
		return vmm_err(err, -EINVAL,
			       "'%s' is not a snapshot name (a letter, then letters, digits, '-', "
			       "'_'; at most 40)",
			       name);
	r = snap_disks(id, qc, dk, err);
	if (r < 0)
		return r;
	*ret_live = running(run, id, err, &r);
	return r;
}

/* prepare(), then the vm-state-size of existing snapshot @name (0: disks only). */
static int
prepare_existing(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_conf *qc,
		 const vmm_storage_cfg_t *storage, const struct vmm_qemu_run *run,
		 const char *name, struct disks *dk, bool *ret_live, int64_t *ret_vmstate,
		 vmm_error_t *err)
{
	json_object *snaps = NULL;
	int r;

	r = prepare(id, qc, run, name, dk, ret_live, err);
	if (r == 0)
		r = snapshots_of(ctx, id, dk, storage, run, *ret_live, &snaps, err);
	if (r == 0)
		r = find_snapshot(snaps, id, name, ret_vmstate, err);
	json_object_put(snaps);
	return r;
}

int
vmm_qemu_snap_create(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_conf *qc,
		     const vmm_storage_cfg_t *storage, const struct vmm_qemu_run *run,
		     const char *name, bool vmstate, vmm_error_t *err)
{
	json_object *snaps = NULL, *args;
	vmm_qmp_t *qmp = NULL;
	struct disks dk;
	int64_t size;
	bool live;
	int r;

	r = prepare(id, qc, run, name, &dk, &live, err);
	if (r < 0)
		return r;
	if (vmstate && !live)
		return vmm_err(err, -EINVAL, "guest %u is not running: it has no RAM to save", id);
	r = snapshots_of(ctx, id, &dk, storage, run, live, &snaps, err);
	if (r == 0 && find_snapshot(snaps, id, name, &size, NULL) == 0)
		r = vmm_err(err, -EEXIST, "guest %u already has a snapshot '%s'", id, name);
	json_object_put(snaps);
	if (r < 0)
		return r;
	if (!live)
		return img_snapshot(ctx, id, &dk, storage, 'c', name, err);
	r = vmm_qmp_connect(run->qmp, QMP_TIMEOUT_MS, &qmp, err);
	if (r == 0 && vmstate) {
		args = job_args(&dk, name, true);
		r = run_job(qmp, id, "snapshot-save", args, err);
		json_object_put(args);
	} else if (r == 0) {
		r = internal_snapshots(qmp, &dk, name, err);
	}
	vmm_qmp_free(qmp);
	return r;
}

/* Load snapshot @name (with RAM) into the guest's QEMU and let it run. */
static int
load_and_run(const struct vmm_qemu_run *run, unsigned id, const struct disks *dk,
	     const char *name, vmm_error_t *err)
{
	json_object *args = job_args(dk, name, true);
	vmm_qmp_t *qmp = NULL;
	int r;

	r = vmm_qmp_connect(run->qmp, QMP_TIMEOUT_MS, &qmp, err);
	if (r == 0)
		r = vmm_qmp_execute(qmp, "stop", NULL, NULL, err);
	if (r == 0)
		r = run_job(qmp, id, "snapshot-load", args, err);
	if (r == 0)
		r = vmm_qmp_execute(qmp, "cont", NULL, NULL, err);
	json_object_put(args);
	vmm_qmp_free(qmp);
	return r;
}

int
vmm_qemu_snap_rollback(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_conf *qc,
		       const vmm_storage_cfg_t *storage, const struct vmm_qemu_run *run,
		       const char *name, vmm_error_t *err)
{
	struct disks dk;
	int64_t vmstate = 0;
	bool live;
	int r;

	r = prepare_existing(ctx, id, qc, storage, run, name, &dk, &live, &vmstate, err);
	if (r < 0)
		return r;
	if (vmstate > 0) {
		if (!live) {
			r = vmm_qemu_activate_disks(ctx, id, qc, storage, err);
			if (r == 0)
				r = vmm_qemu_launch(ctx, run, id, qc, storage, VMM_LAUNCH_PAUSED,
						    err);
			if (r < 0)
				return r;
		}
		r = load_and_run(run, id, &dk, name, err);
		/* A guest started only for this must not stay half-loaded. */
		if (r < 0 && !live)
			(void)vmm_qemu_kill(run, id, NULL);
		return r;
	}
	/* Disks only: the guest's RAM would not match them any more. */
	if (live) {
		r = vmm_qemu_kill(run, id, err);
		if (r < 0)
			return r;
	}
	return img_snapshot(ctx, id, &dk, storage, 'a', name, err);
}

int
vmm_qemu_snap_delete(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_conf *qc,
		     const vmm_storage_cfg_t *storage, const struct vmm_qemu_run *run,
		     const char *name, vmm_error_t *err)
{
	vmm_qmp_t *qmp = NULL;
	json_object *args;
	struct disks dk;
	int64_t size;
	bool live;
	int r;

	r = prepare_existing(ctx, id, qc, storage, run, name, &dk, &live, &size, err);
	if (r < 0)
		return r;
	if (!live)
		return img_snapshot(ctx, id, &dk, storage, 'd', name, err);
	args = job_args(&dk, name, false);
	r = vmm_qmp_connect(run->qmp, QMP_TIMEOUT_MS, &qmp, err);
	if (r == 0)
		r = run_job(qmp, id, "snapshot-delete", args, err);
	json_object_put(args);
	vmm_qmp_free(qmp);
	return r;
}

int
vmm_qemu_snap_list(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_conf *qc,
		   const vmm_storage_cfg_t *storage, const struct vmm_qemu_run *run,
		   char ***ret_names, vmm_error_t *err)
{
	json_object *snaps = NULL, *val;
	struct vmm_argv names = { 0 };
	struct disks dk;
	bool live;
	int r;

	r = prepare(id, qc, run, NULL, &dk, &live, err);
	if (r == 0)
		r = snapshots_of(ctx, id, &dk, storage, run, live, &snaps, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < json_object_array_length(snaps); i++) {
		if (json_object_object_get_ex(json_object_array_get_idx(snaps, i), "name", &val))
			vmm_argv_add(&names, json_object_get_string(val));
	}
	json_object_put(snaps);
	r = vmm_argv_done(&names);
	if (r < 0)
		return vmm_err(err, r, "out of memory");
	*ret_names = names.v;
	return 0;
}
