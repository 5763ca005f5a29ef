/*
 * net.c - plugging a guest's tap devices into their bridges.  QEMU creates
 * tap<id>i<n> itself (root, /dev/net/tun); this file checks the bridge
 * exists before the start and enslaves and raises the tap after it, with
 * the bridge ioctls, so no helper program or script is needed.
 */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vmm-bridge/vmm-int.h"

bool
vmm_net_mac_valid(const char *s)
{
	unsigned v[6];
	char tail;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
				      &v[4], &v[5], &tail) != 6)
		return false;
	/* A guest NIC needs a unicast address. */
	return !(v[0] & 1);
}

int
vmm_net_check(const struct vmm_qemu_conf *qc, vmm_error_t *err)
{
	for (size_t i = 0; i < qc->nnics; i++)
		if (if_nametoindex(qc->nics[i].bridge) == 0)
			return vmm_err(err, -ENODEV, "%s: bridge '%s' does not exist on this node",
				       qc->nics[i].key, qc->nics[i].bridge);
	return 0;
}

int
vmm_net_plug_dev(const char *dev, const char *bridge, const char *key, vmm_error_t *err)
{
	struct ifreq ifr;
	int fd, r = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return vmm_err(err, -errno, "socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", bridge);
	ifr.ifr_ifindex = (int)if_nametoindex(dev);
	if (ifr.ifr_ifindex == 0 || ioctl(fd, SIOCBRADDIF, &ifr) < 0) {
		r = vmm_err(err, -errno, "%s: add %s to bridge %s: %s", key, dev, bridge,
			    strerror(errno));
		goto out;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(fd, SIOCSIFFLAGS, &ifr) < 0))
		r = vmm_err(err, -errno, "%s: bring %s up: %s", key, dev, strerror(errno));
out:
	close(fd);
	return r;
}

int
vmm_net_plug(unsigned id, const struct vmm_qemu_conf *qc, vmm_error_t *err)
{
	char tap[IFNAMSIZ];
	int r = 0;

	for (size_t i = 0; i < qc->nnics && r == 0; i++) {
		snprintf(tap, sizeof(tap), "tap%ui%u", id, qc->nics[i].index);
		r = vmm_net_plug_dev(tap, qc->nics[i].bridge, qc->nics[i].key, err);
	}
	return r;
}
