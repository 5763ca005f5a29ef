/*
 * storage-iscsi.c - the "iscsi" storage plugin: the LUNs of one target,
 * made on the target by its administrator, named "<storage>:lun<N>".  They
 * are raw block devices: nothing is allocated here and freeing a volume
 * leaves the LUN to the target.  "access qemu" hands QEMU
 * iscsi://portal/target/lun (its libiscsi driver); "access kernel" logs
 * in with open-iscsi (storage-kernel.c) and hands QEMU the LUN's device
 * under /dev/disk/by-path.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm-bridge/vmm-int.h"

/* How long the portal may take to accept a connection. */
#define PORTAL_TIMEOUT_MS 3000

static int
lun_of(const struct vmm_storage *st, const char *volume, unsigned *ret, vmm_error_t *err)
{
	if (vmm_lun_parse(volume, ret) < 0)
		return vmm_err(err, -EINVAL, "%s:%s: not a LUN (lun0 .. lun16383)", st->id,
			       volume);
	return 0;
}

/* Whether the portal accepts a TCP connection within the timeout. */
static bool
portal_reachable(const struct vmm_storage *st)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	char portal[300], *colon, *host = portal;
	bool ok = false;

	if (vmm_iscsi_portal(st, portal, sizeof(portal)) < 0)
		return false;
	colon = strrchr(portal, ':');
	*colon = '\0';
	if (host[0] == '[') {
		host++;
		host[strlen(host) - 1] = '\0';
	}
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		return false;
	for (ai = res; ai && !ok; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int soerr = 0;
		socklen_t len = sizeof(soerr);

		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && poll(&pfd, 1, PORTAL_TIMEOUT_MS) == 1 &&
		     getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0))
			ok = true;
		close(fd);
	}
	freeaddrinfo(res);
	return ok;
}

/* Kernel access: logged in when the target's LUN 0 has its device. */
static bool
logged_in(const struct vmm_storage *st)
{
	char dev[1024];
	struct stat sb;

	return vmm_iscsi_device(st, 0, dev, sizeof(dev)) == 0 && stat(dev, &sb) == 0;
}

static int
iscsi_activate(vmm_ctx_t *ctx, const struct vmm_storage *st, vmm_error_t *err)
{
	if (st->access == VMM_ACCESS_KERNEL)
		return logged_in(st) ? 0 : vmm_iscsi_kernel_login(ctx, st, err);
	if (!portal_reachable(st))
		return vmm_err(err, -EHOSTUNREACH, "storage '%s': iSCSI portal %s does not answer",
			       st->id, st->portal);
	return 0;
}

static int
iscsi_status(vmm_ctx_t *ctx, const struct vmm_storage *st, struct vmm_storage_status *ret,
	     vmm_error_t *err)
{
	/* The sizes are the target's business: its LUNs are fixed. */
	*ret = (struct vmm_storage_status){
		.available = st->access == VMM_ACCESS_KERNEL ? logged_in(st) : portal_reachable(st)
	};
	return 0;
}

static int
iscsi_alloc(vmm_ctx_t *ctx, const struct vmm_storage *st, unsigned id, const char *format,
	    uint64_t size, char *ret_volume, size_t volume_size, vmm_error_t *err)
{
	return vmm_err(err, -EOPNOTSUPP,
		       "storage '%s': iSCSI LUNs are made on the target, not here; name one as "
		       "%s:lun<N>",
		       st->id, st->id);
}

static int
iscsi_free(vmm_ctx_t *ctx, const struct vmm_storage *st, const char *volume, vmm_error_t *err)
{
	unsigned lun;

	/* The LUN stays on the target, for its administrator to remove. */
	return lun_of(st, volume, &lun, err);
}

static int
iscsi_path(vmm_ctx_t *ctx, const struct vmm_storage *st, const char *volume, char *buf,
	   size_t size, vmm_error_t *err)
{
	unsigned lun;
	int r = lun_of(st, volume, &lun, err);

	if (r < 0)
		return r;
	if (st->access == VMM_ACCESS_KERNEL)
		r = vmm_iscsi_device(st, lun, buf, size);
	else if (snprintf(buf, size, "iscsi://%s/%s/%u", st->portal, st->target, lun) >=
		 (int)size)
		r = -ENAMETOOLONG;
	return r < 0 ? vmm_err(err, r, "%s:%s: name too long", st->id, volume) : 0;
}

static int
iscsi_blockdev(vmm_ctx_t *ctx, const struct vmm_storage *st, const char *volume, char *buf,
	       size_t size, vmm_error_t *err)
{
	char dev[1024];
	unsigned lun;
	int r = lun_of(st, volume, &lun, err);

	if (r < 0)
		return r;
	if (st->access == VMM_ACCESS_KERNEL) {
		r = vmm_iscsi_device(st, lun, dev, sizeof(dev));
		if (r == 0 && snprintf(buf, size, "driver=host_device,filename=") >= (int)size)
			r = -ENAMETOOLONG;
		if (r == 0)
			r = vmm_qemu_escape(buf, size, dev);
	} else if (snprintf(buf, size, "driver=iscsi,transport=tcp,portal=%s,target=%s,lun=%u",
			    st->portal, st->target, lun) >= (int)size) {
		r = -ENAMETOOLONG;
	}
	return r < 0 ? vmm_err(err, r, "%s:%s: name too long", st->id, volume) : 0;
}

const struct vmm_storage_plugin vmm_storage_iscsi = {
	.type = "iscsi",
	.activate = iscsi_activate,
	.status = iscsi_status,
	.alloc = iscsi_alloc,
	.free = iscsi_free,
	.blockdev = iscsi_blockdev,
	.path = iscsi_path,
};
