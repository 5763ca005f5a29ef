/*
 * storage-dir.c - the "dir" storage plugin: volumes are files below a
 * directory of this host, laid out as Proxmox VE does: disk images in
 * <path>/images/<id>/vm-<id>-disk-<n>.<format>, ISO images in
 * <path>/template/iso/.  Volumes are made with qemu-img.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "vmm-bridge/vmm-int.h"

static int
dir_path(vmm_ctx_t *ctx, const struct vmm_storage *st, const char *volume, char *buf, size_t size,
	 vmm_error_t *err)
{
	int n;

	if (strstr(volume, "..") || volume[0] == '/')
		return vmm_err(err, -EINVAL, "%s:%s: not a volume name", st->id, volume);
	if (!strncmp(volume, "iso/", 4))
		n = snprintf(buf, size, "%s/template/%s", st->path, volume);
	else
		n = snprintf(buf, size, "%s/images/%s", st->path, volume);
	if (n < 0 || (size_t)n >= size)
		return vmm_err(err, -ENAMETOOLONG, "%s:%s: path too long", st->id, volume);
	return 0;
}

static int
dir_activate(vmm_ctx_t *ctx, const struct vmm_storage *st, vmm_error_t *err)
{
	char images[PATH_MAX];
	struct stat sb;
	int r;

	/* The storage's own directory must be there: creating it would hide a
	 * missing mount under it. */
	if (stat(st->path, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return vmm_err(err, -ENOENT, "storage '%s': directory %s does not exist", st->id,
			       st->path);
	snprintf(images, sizeof(images), "%s/images", st->path);
	r = vmm_mkdir_p(images);
	if (r < 0)
		return vmm_err(err, r, "storage '%s': mkdir %s: %s", st->id, images, strerror(-r));
	return 0;
}

static int
dir_status(vmm_ctx_t *ctx, const struct vmm_storage *st, struct vmm_storage_status *ret,
	   vmm_error_t *err)
{
	struct statvfs vfs;
	struct stat sb;

	*ret = (struct vmm_storage_status){ 0 };
	if (stat(st->path, &sb) < 0 || !S_ISDIR(sb.st_mode) || statvfs(st->path, &vfs) < 0)
		return 0;
	ret->available = true;
	ret->total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	ret->used = (uint64_t)(vfs.f_blocks - vfs.f_bfree) * vfs.f_frsize;
	return 0;
}

static int
dir_alloc(vmm_ctx_t *ctx, const struct vmm_storage *st, unsigned id, const char *format,
	  uint64_t size, char *ret_volume, size_t volume_size, vmm_error_t *err)
{
	char dir[PATH_MAX], file[PATH_MAX + 64], out[512];
	struct vmm_argv argv = { 0 };
	unsigned n;
	int r;

	r = dir_activate(ctx, st, err);
	if (r < 0)
		return r;
	snprintf(dir, sizeof(dir), "%s/images/%u", st->path, id);
	r = vmm_mkdir_p(dir);
	if (r < 0)
		return vmm_err(err, r, "storage '%s': mkdir %s: %s", st->id, dir, strerror(-r));
	/* The first free disk number; qemu-img would overwrite a file. */
	for (n = 0; n < 1000; n++) {
		snprintf(file, sizeof(file), "%s/vm-%u-disk-%u.%s", dir, id, n, format);
		if (access(file, F_OK) < 0)
			break;
	}
	if (n == 1000)
		return vmm_err(err, -ENOSPC, "storage '%s': guest %u has 1000 disks", st->id, id);
	vmm_argv_add(&argv, vmm_ctx_qemu_img(ctx));
	vmm_argv_add(&argv, "create");
	vmm_argv_add(&argv, "-q");
	vmm_argv_add(&argv, "-f");
	vmm_argv_add(&argv, format);
	vmm_argv_add(&argv, file);
	vmm_argv_addf(&argv, "%llu", (unsigned long long)size);
	r = vmm_argv_done(&argv);
	if (r < 0)
		return vmm_err(err, r, "out of memory");
	r = vmm_proc_run(argv.v, out, sizeof(out));
	vmm_argv_free(&argv);
	if (r != 0) {
		(void)unlink(file);
		return vmm_err(err, r < 0 ? r : -EIO, "storage '%s': qemu-img create %s: %s",
			       st->id, file, r < 0 ? strerror(-r) : out);
	}
	if (snprintf(ret_volume, volume_size, "%u/vm-%u-disk-%u.%s", id, id, n, format) >=
	    (int)volume_size) {
		(void)unlink(file);
		return vmm_err(err, -ENAMETOOLONG, "volume name too long");
	}
	return 0;
}

static int
dir_free(vmm_ctx_t *ctx, const struct vmm_storage *st, const char *volume, vmm_error_t *err)
{
	char file[PATH_MAX], *slash;
	int r;

	r = dir_path(ctx, st, volume, file, sizeof(file), err);
	if (r < 0)
		return r;
	if (unlink(file) < 0 && errno != ENOENT)
		return vmm_err(err, -errno, "storage '%s': remove %s: %s", st->id, file,
			       strerror(errno));
	/* The guest's image directory goes with its last volume. */
	slash = strrchr(file, '/');
	*slash = '\0';
	(void)rmdir(file);
	return 0;
}

static int
dir_blockdev(vmm_ctx_t *ctx, const struct vmm_storage *st, const char *volume, char *buf,
	     size_t size, vmm_error_t *err)
{
	char file[PATH_MAX];
	int r;

	r = dir_path(ctx, st, volume, file, sizeof(file), err);
	if (r < 0)
		return r;
	if (snprintf(buf, size, "driver=file,filename=") >= (int)size ||
	    vmm_qemu_escape(buf, size, file) < 0)
		return vmm_err(err, -ENAMETOOLONG, "%s:%s: path too long", st->id, volume);
	return 0;
}

const struct vmm_storage_plugin vmm_storage_dir = {
	.type = "dir",
	.activate = dir_activate,
	.status = dir_status,
	.alloc = dir_alloc,
	.free = dir_free,
	.blockdev = dir_blockdev,
	.path = dir_path,
};
