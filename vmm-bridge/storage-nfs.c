/*
 * storage-nfs.c - the "nfs" storage plugin.  Volumes are laid out as on a
 * dir storage (images/<id>/vm-<id>-disk-<n>.<format>, template/iso/...)
 * below the export, so both ways of reaching it see the same files:
 * "access kernel" mounts the export (storage-kernel.c) and then works as
 * the dir plugin on the mount point; "access qemu" never touches the host
 * kernel: QEMU opens nfs://server/export/<file> with its libnfs driver,
 * qemu-img creates volumes the same way, and libnfs (nfs-client.c) makes
 * directories, removes volumes and reads the export's size.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

/* The dir-plugin view of a kernel-mounted storage: its mount point as path. */
static int
as_dir(const struct vmm_storage *st, struct vmm_storage *ret, char *mnt, size_t size,
       vmm_error_t *err)
{
	if (vmm_nfs_mount_point(st, mnt, size) < 0)
		return vmm_err(err, -ENAMETOOLONG, "storage '%s': mount point too long", st->id);
	*ret = *st;
	ret->path = mnt;
	return 0;
}

/* "/images/<volume>" or "/template/iso/..." below the export. */
static int
rel_path(const struct vmm_storage *st, const char *volume, char *buf, size_t size,
	 vmm_error_t *err)
{
	int n;

	if (strstr(volume, "..") || volume[0] == '/' || strpbrk(volume, " \t?#%"))
		return vmm_err(err, -EINVAL, "%s:%s: not a volume name", st->id, volume);
	if (!strncmp(volume, "iso/", 4))
		n = snprintf(buf, size, "/template/%s", volume);
	else
		n = snprintf(buf, size, "/images/%s", volume);
	if (n < 0 || (size_t)n >= size)
		return vmm_err(err, -ENAMETOOLONG, "%s:%s: path too long", st->id, volume);
	return 0;
}

static int
nfs_activate(vmm_ctx_t *ctx, const struct vmm_storage *st, vmm_error_t *err)
{
	struct vmm_storage dir;
	char mnt[PATH_MAX];
	vmm_nfs_t *c = NULL;
	int r;

	if (st->access == VMM_ACCESS_KERNEL) {
		r = vmm_nfs_kernel_mount(ctx, st, err);
		if (r == 0)
			r = as_dir(st, &dir, mnt, sizeof(mnt), err);
		return r < 0 ? r : vmm_storage_dir.activate(ctx, &dir, err);
	}
	r = vmm_nfs_open(st, &c, err);
	if (r == 0)
		r = vmm_nfs_mkdir(c, "/images", err);
	vmm_nfs_close(c);
	return r;
}

static int
nfs_status(vmm_ctx_t *ctx, const struct vmm_storage *st, struct vmm_storage_status *ret,
	   vmm_error_t *err)
{
	struct vmm_storage dir;
	char mnt[PATH_MAX];
	vmm_nfs_t *c = NULL;
	int r;

	*ret = (struct vmm_storage_status){ 0 };
	if (st->access == VMM_ACCESS_KERNEL) {
		r = as_dir(st, &dir, mnt, sizeof(mnt), err);
		if (r < 0 || !vmm_is_mounted(mnt))
			return r;
		return vmm_storage_dir.status(ctx, &dir, ret, err);
	}
	/* An unreachable server is a status, not an error. */
	if (vmm_nfs_open(st, &c, NULL) < 0)
		return 0;
	r = vmm_nfs_size(c, &ret->total, &ret->used, err);
	ret->available = r == 0;
	vmm_nfs_close(c);
	return r;
}

static int
nfs_path(vmm_ctx_t *ctx, const struct vmm_storage *st, const char *volume, char *buf,
	 size_t size, vmm_error_t *err)
{
	struct vmm_storage dir;
	char mnt[PATH_MAX], rel[PATH_MAX];
	int r;

	if (st->access == VMM_ACCESS_KERNEL) {
		r = as_dir(st, &dir, mnt, sizeof(mnt), err);
		return r < 0 ? r : vmm_storage_dir.path(ctx, &dir, volume, buf, size, err);
	}
	r = rel_path(st, volume, rel, sizeof(rel), err);
	if (r < 0)
		return r;
	if (snprintf(buf, size, "nfs://%s%s%s", st->server, st->export_, rel) >= (int)size)
		return vmm_err(err, -ENAMETOOLONG, "%s:%s: URL too long", st->id, volume);
	return 0;
}

/* Create images/<id>/vm-<id>-disk-<n>.<format> over NFS with qemu-img. */
static int
alloc_qemu(vmm_ctx_t *ctx, const struct vmm_storage *st, unsigned id, const char *format,
	   uint64_t size, char *ret_volume, size_t volume_size, vmm_error_t *err)
{
	char dir[64], volume[128], rel[PATH_MAX], url[PATH_MAX + 64], out[512];
	struct vmm_argv argv = { 0 };
	vmm_nfs_t *c = NULL;
	unsigned n;
	int r;

	r = vmm_nfs_open(st, &c, err);
	if (r < 0)
		return r;
	snprintf(dir, sizeof(dir), "/images/%u", id);
	r = vmm_nfs_mkdir(c, "/images", err);
	if (r == 0)
		r = vmm_nfs_mkdir(c, dir, err);
	/* The first free disk number: qemu-img create would overwrite a volume. */
	for (n = 0; r == 0 && n < 1000; n++) {
		snprintf(volume, sizeof(volume), "%u/vm-%u-disk-%u.%s", id, id, n, format);
		snprintf(rel, sizeof(rel), "/images/%s", volume);
		r = vmm_nfs_exists(c, rel, err);
		if (r == 0)
			break;
		r = r > 0 ? 0 : r;
	}
	if (r == 0 && n == 1000)
		r = vmm_err(err, -ENOSPC, "storage '%s': guest %u has 1000 disks", st->id, id);
	if (r == 0)
		r = nfs_path(ctx, st, volume, url, sizeof(url), err);
	if (r < 0)
		goto out;
	vmm_argv_add(&argv, vmm_ctx_qemu_img(ctx));
	vmm_argv_add(&argv, "create");
	vmm_argv_add(&argv, "-q");
	vmm_argv_add(&argv, "-f");
	vmm_argv_add(&argv, format);
	vmm_argv_add(&argv, url);
	vmm_argv_addf(&argv, "%llu", (unsigned long long)size);
	r = vmm_argv_done(&argv);
	if (r < 0) {
		r = vmm_err(err, r, "out of memory");
		goto out;
	}
	r = vmm_proc_run(argv.v, out, sizeof(out));
	vmm_argv_free(&argv);
	if (r != 0) {
		(void)vmm_nfs_unlink(c, rel, NULL);
		r = vmm_err(err, r < 0 ? r : -EIO, "storage '%s': qemu-img create %s: %s", st->id,
			    url, r < 0 ? strerror(-r) : out);
		goto out;
	}
	if (snprintf(ret_volume, volume_size, "%s", volume) >= (int)volume_size) {
		(void)vmm_nfs_unlink(c, rel, NULL);
		r = vmm_err(err, -ENAMETOOLONG, "volume name too long");
	}
out:
	vmm_nfs_close(c);
	return r;
}

static int
nfs_alloc(vmm_ctx_t *ctx, const struct vmm_storage *st, unsigned id, const char *format,
	  uint64_t size, char *ret_volume, size_t volume_size, vmm_error_t *err)
{
	struct vmm_storage dir;
	char mnt[PATH_MAX];
	int r;

	if (st->access == VMM_ACCESS_QEMU)
		return alloc_qemu(ctx, st, id, format, size, ret_volume, volume_size, err);
	r = vmm_nfs_kernel_mount(ctx, st, err);
	if (r == 0)
		r = as_dir(st, &dir, mnt, sizeof(mnt), err);
	return r < 0 ? r
		     : vmm_storage_dir.alloc(ctx, &dir, id, format, size, ret_volume, volume_size,
					     err);
}

static int
nfs_free(vmm_ctx_t *ctx, const struct vmm_storage *st, const char *volume, vmm_error_t *err)
{
	struct vmm_storage dir;
	char mnt[PATH_MAX], rel[PATH_MAX], *slash;
	vmm_nfs_t *c = NULL;
	int r;

	if (st->access == VMM_ACCESS_KERNEL) {
		r = vmm_nfs_kernel_mount(ctx, st, err);
		if (r == 0)
			r = as_dir(st, &dir, mnt, sizeof(mnt), err);
		return r < 0 ? r : vmm_storage_dir.free(ctx, &dir, volume, err);
	}
	r = rel_path(st, volume, rel, sizeof(rel), err);
	if (r == 0)
		r = vmm_nfs_open(st, &c, err);
	if (r == 0)
		r = vmm_nfs_unlink(c, rel, err);
	if (r == 0) {
		/* The guest's image directory goes with its last volume. */
		slash = strrchr(rel, '/');
		*slash = '\0';
		if (strcmp(rel, "/images") && strcmp(rel, "/template/iso"))
			vmm_nfs_rmdir_if_empty(c, rel);
	}
	vmm_nfs_close(c);
	return r;
}

static int
nfs_blockdev(vmm_ctx_t *ctx, const struct vmm_storage *st, const char *volume, char *buf,
	     size_t size, vmm_error_t *err)
{
	struct vmm_storage dir;
	char mnt[PATH_MAX], rel[PATH_MAX], path[PATH_MAX + 256];
	size_t len;
	int r;

	if (st->access == VMM_ACCESS_KERNEL) {
		r = as_dir(st, &dir, mnt, sizeof(mnt), err);
		return r < 0 ? r : vmm_storage_dir.blockdev(ctx, &dir, volume, buf, size, err);
	}
	r = rel_path(st, volume, rel, sizeof(rel), err);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s%s", st->export_, rel);
	if (snprintf(buf, size, "driver=nfs,server.type=inet,server.host=") >= (int)size ||
	    vmm_qemu_escape(buf, size, st->server) < 0)
		return vmm_err(err, -ENAMETOOLONG, "%s:%s: path too long", st->id, volume);
	len = strlen(buf);
	if (snprintf(buf + len, size - len, ",path=") >= (int)(size - len) ||
	    vmm_qemu_escape(buf, size, path) < 0)
		return vmm_err(err, -ENAMETOOLONG, "%s:%s: path too long", st->id, volume);
	return 0;
}

const struct vmm_storage_plugin vmm_storage_nfs = {
	.type = "nfs",
	.activate = nfs_activate,
	.status = nfs_status,
	.alloc = nfs_alloc,
	.free = nfs_free,
	.blockdev = nfs_blockdev,
	.path = nfs_path,
};
