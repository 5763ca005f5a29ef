/*
 * nfs-client.c - the few file operations the user-space NFS storage needs
 * beside what qemu-img does over nfs:// (make the image directory, see
 * whether a volume exists, remove it, the export's size), done with
 * libnfs, the NFSv3 client library QEMU's own nfs driver uses.  No kernel
 * NFS client is involved.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nfsc/libnfs.h>

#include "vmm-bridge/vmm-int.h"

/* Every NFS call gives up after this long; the NAS answers in ms. */
#define NFS_TIMEOUT_MS 10000

struct vmm_nfs {
	struct nfs_context *nfs;
	char what[512]; /* "server:export", for messages */
};

int
vmm_nfs_open(const struct vmm_storage *st, vmm_nfs_t **ret, vmm_error_t *err)
{
	vmm_nfs_t *c = calloc(1, sizeof(*c));
	int r;

	if (!c || !(c->nfs = nfs_init_context())) {
		free(c);
		return vmm_err(err, -ENOMEM, "storage '%s': out of memory", st->id);
	}
	snprintf(c->what, sizeof(c->what), "%s:%s", st->server, st->export_);
	nfs_set_timeout(c->nfs, NFS_TIMEOUT_MS);
	r = nfs_mount(c->nfs, st->server, st->export_);
	if (r < 0) {
		r = vmm_err(err, r < -4095 ? -EIO : r, "storage '%s': NFS mount of %s: %s", st->id,
			    c->what, nfs_get_error(c->nfs));
		vmm_nfs_close(c);
		return r;
	}
	*ret = c;
	return 0;
}

void
vmm_nfs_close(vmm_nfs_t *c)
{
	if (!c)
		return;
	nfs_destroy_context(c->nfs);
	free(c);
}

static int
fail(vmm_nfs_t *c, int r, const char *op, const char *path, vmm_error_t *err)
{
	return vmm_err(err, r, "NFS %s %s%s: %s", op, c->what, path, nfs_get_error(c->nfs));
}

int
vmm_nfs_exists(vmm_nfs_t *c, const char *path, vmm_error_t *err)
{
	struct nfs_stat_64 sb;
	int r = nfs_stat64(c->nfs, path, &sb);

	if (r == -ENOENT)
		return 0;
	return r < 0 ? fail(c, r, "stat", path, err) : 1;
}

int
vmm_nfs_mkdir(vmm_nfs_t *c, const char *path, vmm_error_t *err)
{
	int r = nfs_mkdir(c->nfs, path);

	return r < 0 && r != -EEXIST ? fail(c, r, "mkdir", path, err) : 0;
}

int
vmm_nfs_unlink(vmm_nfs_t *c, const char *path, vmm_error_t *err)
{
	int r = nfs_unlink(c->nfs, path);

	return r < 0 && r != -ENOENT ? fail(c, r, "remove", path, err) : 0;
}

void
vmm_nfs_rmdir_if_empty(vmm_nfs_t *c, const char *path)
{
	(void)nfs_rmdir(c->nfs, path);
}

int
vmm_nfs_size(vmm_nfs_t *c, uint64_t *ret_total, uint64_t *ret_used, vmm_error_t *err)
{
	struct nfs_statvfs_64 vfs;
	int r = nfs_statvfs64(c->nfs, "/", &vfs);

	if (r < 0)
		return fail(c, r, "statvfs", "/", err);
	*ret_total = vfs.f_blocks * vfs.f_frsize;
	*ret_used = (vfs.f_blocks - vfs.f_bfree) * vfs.f_frsize;
	return 0;
}
