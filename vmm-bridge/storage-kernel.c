/*
 * storage-kernel.c - reaching network storage through the host kernel, as
 * a production host does: NFS mounted with mount(8) at a fixed directory
 * per storage, iSCSI logged in with open-iscsi's iscsiadm(8) so each LUN
 * is a block device under /dev/disk/by-path.  The command lines are built
 * here apart from running them, so they can be checked without a kernel
 * client; a failure names the storage, the command and what it said.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

/* iscsiadm's exit status for "session already exists" (ISCSI_ERR_SESS_EXISTS). */
#define ISCSIADM_SESSION_EXISTS 15

int
vmm_nfs_mount_point(const struct vmm_storage *st, char *buf, size_t size)
{
	int n = st->path ? snprintf(buf, size, "%s", st->path)
			 : snprintf(buf, size, "/mnt/pve/%s", st->id);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int
vmm_nfs_mount_argv(const char *mount_binary, const struct vmm_storage *st, const char *mnt,
		   struct vmm_argv *ret)
{
	struct vmm_argv a = { 0 };

	if (!st->server || !st->export_)
		return -EINVAL;
	vmm_argv_add(&a, mount_binary);
	vmm_argv_add(&a, "-t");
	vmm_argv_add(&a, "nfs");
	/* v3 like the user-space way, so both see the same server. */
	vmm_argv_add(&a, "-o");
	vmm_argv_add(&a, "vers=3,hard,tcp");
	vmm_argv_addf(&a, "%s:%s", st->server, st->export_);
	vmm_argv_add(&a, mnt);
	if (vmm_argv_done(&a) < 0)
		return -ENOMEM;
	*ret = a;
	return 0;
}

/* "host" -> "host:3260"; "host:port" and "[v6]:port" stay. */
int
vmm_iscsi_portal(const struct vmm_storage *st, char *buf, size_t size)
{
	const char *p = st->portal, *colon = strrchr(p, ':');
	bool has_port = colon && (p[0] != '[' || colon > strchr(p, ']'));
	int n = has_port ? snprintf(buf, size, "%s", p) : snprintf(buf, size, "%s:3260", p);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int
vmm_iscsi_login_argv(const char *iscsiadm, const struct vmm_storage *st, struct vmm_argv *ret)
{
	struct vmm_argv a = { 0 };
	char portal[300];

	if (!st->portal || !st->target || vmm_iscsi_portal(st, portal, sizeof(portal)) < 0)
		return -EINVAL;
	vmm_argv_add(&a, iscsiadm);
	vmm_argv_add(&a, "--mode");
	vmm_argv_add(&a, "node");
	vmm_argv_add(&a, "--targetname");
	vmm_argv_add(&a, st->target);
	vmm_argv_add(&a, "--portal");
	vmm_argv_add(&a, portal);
	vmm_argv_add(&a, "--login");
	if (vmm_argv_done(&a) < 0)
		return -ENOMEM;
	*ret = a;
	return 0;
}

int
vmm_iscsi_device(const struct vmm_storage *st, unsigned lun, char *buf, size_t size)
{
	char portal[300];
	int n;

	if (vmm_iscsi_portal(st, portal, sizeof(portal)) < 0)
		return -ENAMETOOLONG;
	n = snprintf(buf, size, "/dev/disk/by-path/ip-%s-iscsi-%s-lun-%u", portal, st->target,
		     lun);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int
vmm_lun_parse(const char *volume, unsigned *ret_lun)
{
	unsigned long v;

	if (strncmp(volume, "lun", 3) || vmm_uint_parse(volume + 3, 0, 16383, &v) < 0)
		return -EINVAL;
	*ret_lun = (unsigned)v;
	return 0;
}

/*
 * Whether @path is a mount point: its line in @mountinfo (the text of
 * /proc/self/mountinfo; field 5 is the mount point, with blanks as \040).
 */
bool
vmm_mountinfo_has(const char *mountinfo, const char *path)
{
	size_t len = strlen(path);

	for (const char *line = mountinfo; line && *line;) {
		const char *f = line;

		for (int i = 0; i < 4 && f; i++) {
			f = strchr(f, ' ');
			if (f)
				f++;
		}
		if (f && !strncmp(f, path, len) && f[len] == ' ')
			return true;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

bool
vmm_is_mounted(const char *path)
{
	char *text = NULL;
	bool r;

	if (vmm_file_read("/proc/self/mountinfo", &text, NULL) < 0)
		return false;
	r = vmm_mountinfo_has(text, path);
	free(text);
	return r;
}

/* Run @argv for storage @st; a failure names the command and its words. */
static int
run(const struct vmm_storage *st, struct vmm_argv *argv, const char *what, int ok_status,
    vmm_error_t *err)
{
	char out[512];
	int r = vmm_proc_run(argv->v, out, sizeof(out));

	if (r < 0)
		r = vmm_err(err, r, "storage '%s': %s: cannot run %s: %s", st->id, what,
			    argv->v[0], strerror(-r));
	else if (r != 0 && r != ok_status)
		r = vmm_err(err, -EIO, "storage '%s': %s failed (%s exit %d): %s", st->id, what,
			    argv->v[0], r, out[0] ? out : "no message");
	else
		r = 0;
	vmm_argv_free(argv);
	return r;
}

int
vmm_nfs_kernel_mount(vmm_ctx_t *ctx, const struct vmm_storage *st, vmm_error_t *err)
{
	char mnt[4096], what[4400];
	struct vmm_argv argv;
	int r;

	if (vmm_nfs_mount_point(st, mnt, sizeof(mnt)) < 0)
		return vmm_err(err, -ENAMETOOLONG, "storage '%s': mount point too long", st->id);
	if (vmm_is_mounted(mnt))
		return 0;
	r = vmm_mkdir_p(mnt);
	if (r < 0)
		return vmm_err(err, r, "storage '%s': mkdir %s: %s", st->id, mnt, strerror(-r));
	if (vmm_nfs_mount_argv(vmm_ctx_mount(ctx), st, mnt, &argv) < 0)
		return vmm_err(err, -ENOMEM, "out of memory");
	snprintf(what, sizeof(what), "mount %s:%s on %s", st->server, st->export_, mnt);
	r = run(st, &argv, what, 0, err);
	if (r == 0 && !vmm_is_mounted(mnt))
		r = vmm_err(err, -EIO, "storage '%s': %s reported success, but %s is no mount point",
			    st->id, vmm_ctx_mount(ctx), mnt);
	return r;
}

int
vmm_iscsi_kernel_login(vmm_ctx_t *ctx, const struct vmm_storage *st, vmm_error_t *err)
{
	struct vmm_argv argv;
	char what[600];

	if (vmm_iscsi_login_argv(vmm_ctx_iscsiadm(ctx), st, &argv) < 0)
		return vmm_err(err, -ENOMEM, "out of memory");
	snprintf(what, sizeof(what), "login to %s on %s", st->target, st->portal);
	return run(st, &argv, what, ISCSIADM_SESSION_EXISTS, err);
}
