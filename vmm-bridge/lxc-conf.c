/*
 * lxc-conf.c - the meaning of a container config (nodes/<node>/lxc/<id>.conf):
 * hostname, memory, cores, rootfs and netN, the keys a Proxmox VE user
 * knows from pct, checked into struct vmm_lxc_conf with an error that
 * names file, line and key.
 */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

/*
 * "<storage>:<volume>": an existing directory on a storage with content
 * rootdir.  A size ("local:8") would ask for a new, empty root file system,
 * which cannot boot: creating one is the admin's job (a template, debootstrap,
 * busybox), so it is refused with a message that says so.
 */
static int
parse_rootfs(const struct vmm_conf_at *at, struct vmm_lxc_conf *lc, const vmm_storage_cfg_t *storage)
{
	const char *colon = strchr(at->l->value, ':'), *vol;
	const struct vmm_storage *st;
	uint64_t bytes;

	if (!colon || colon == at->l->value || (size_t)(colon - at->l->value) >= sizeof(lc->storage))
		return vmm_conf_bad(at, "'%s' is not '<storage>:<volume>'", at->l->value);
	snprintf(lc->storage, sizeof(lc->storage), "%.*s", (int)(colon - at->l->value),
		 at->l->value);
	vol = colon + 1;
	if (vmm_size_parse(vol, 1ull << 30, &bytes) == 0)
		return vmm_conf_bad(at, "'%s' is a size: a container's root file system must be an existing "
			       "directory volume",
			   vol);
	if (!vmm_volume_valid(vol))
		return vmm_conf_bad(at, "'%s' is not a volume name", vol);
	snprintf(lc->volume, sizeof(lc->volume), "%s", vol);
	if (!storage)
		return 0;
	st = vmm_storage_cfg_find(storage, lc->storage);
	if (!st)
		return vmm_conf_bad(at, "storage '%s' does not exist in storage.cfg", lc->storage);
	if (!(st->content & VMM_CONTENT_ROOTDIR))
		return vmm_conf_bad(at, "storage '%s' does not hold content 'rootdir'", lc->storage);
	/* LXC mounts a directory of this host: QEMU's user-space NFS and iSCSI
	 * drivers are no use to it. */
	if (strcmp(st->type, "dir") && !(!strcmp(st->type, "nfs") && st->access == VMM_ACCESS_KERNEL))
		return vmm_conf_bad(at, "storage '%s' (%s%s) is not a directory of this host: use a dir "
			       "storage, or nfs with access kernel",
			   lc->storage, st->type, st->access == VMM_ACCESS_QEMU ? ", access qemu" : "");
	return 0;
}

static int
nic_option(const struct vmm_conf_at *at, struct vmm_lxc_nic *n, const char *name, const char *value)
{
	char ip[64];
	const char *slash;
	unsigned char addr[16];
	unsigned long prefix;

	if (!strcmp(name, "name")) {
		if (!vmm_word_valid(value, 15, "-_."))
			return vmm_conf_bad(at, "'%s' is not an interface name", value);
		snprintf(n->name, sizeof(n->name), "%s", value);
	} else if (!strcmp(name, "bridge")) {
		if (!vmm_word_valid(value, 15, "-_."))
			return vmm_conf_bad(at, "'%s' is not a bridge name", value);
		snprintf(n->bridge, sizeof(n->bridge), "%s", value);
	} else if (!strcmp(name, "hwaddr")) {
		if (!vmm_net_mac_valid(value))
			return vmm_conf_bad(at, "'%s' is not a unicast MAC address (52:54:00:12:34:56)", value);
		snprintf(n->hwaddr, sizeof(n->hwaddr), "%s", value);
	} else if (!strcmp(name, "ip")) {
		slash = strchr(value, '/');
		if (!slash || (size_t)(slash - value) >= sizeof(ip) ||
		    (snprintf(ip, sizeof(ip), "%.*s", (int)(slash - value), value),
		     inet_pton(AF_INET, ip, addr) != 1) ||
		    vmm_uint_parse(slash + 1, 0, 32, &prefix) < 0)
			return vmm_conf_bad(at, "'%s' is not an IPv4 address with prefix (10.0.0.2/24)", value);
		snprintf(n->ip, sizeof(n->ip), "%s", value);
	} else if (!strcmp(name, "gw")) {
		if (inet_pton(AF_INET, value, addr) != 1)
			return vmm_conf_bad(at, "'%s' is not an IPv4 address", value);
		snprintf(n->gw, sizeof(n->gw), "%s", value);
	} else {
		return vmm_conf_bad(at, "unknown option '%s' (name, bridge, hwaddr, ip, gw)", name);
	}
	return 0;
}

/* "name=eth0,bridge=vmbr0[,hwaddr=<mac>][,ip=<cidr>][,gw=<ip>]" */
static int
parse_nic(const struct vmm_conf_at *at, struct vmm_lxc_conf *lc, unsigned index)
{
	struct vmm_lxc_nic *n = &lc->nics[lc->nnics];
	char copy[256], *tok, *save = NULL, *eq;
	int r;

	*n = (struct vmm_lxc_nic){ .index = index };
	snprintf(n->key, sizeof(n->key), "%s", at->l->key);
	snprintf(n->name, sizeof(n->name), "eth%u", index);
	if (snprintf(copy, sizeof(copy), "%s", at->l->value) >= (int)sizeof(copy))
		return vmm_conf_bad(at, "too long");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		if (!eq)
			return vmm_conf_bad(at, "option '%s' is not 'name=value'", tok);
		*eq++ = '\0';
		r = nic_option(at, n, tok, eq);
		if (r < 0)
			return r;
	}
	if (!n->bridge[0])
		return vmm_conf_bad(at, "no bridge (bridge=<bridge>)");
	if (n->gw[0] && !n->ip[0])
		return vmm_conf_bad(at, "gw= needs ip=");
	for (size_t i = 0; i < lc->nnics; i++)
		if (!strcmp(lc->nics[i].name, n->name))
			return vmm_conf_bad(at, "interface name '%s' is also %s's", n->name, lc->nics[i].key);
	lc->nnics++;
	return 0;
}

static int
parse_line(const struct vmm_conf_at *at, struct vmm_lxc_conf *lc, const vmm_storage_cfg_t *storage)
{
	const char *key = at->l->key;
	unsigned long v;
	int r;

	if (!strcmp(key, "hostname")) {
		if (!vmm_word_valid(at->l->value, 63, "-.") || at->l->value[strlen(at->l->value) - 1] == '.')
			return vmm_conf_bad(at, "'%s' is not a DNS name", at->l->value);
		snprintf(lc->hostname, sizeof(lc->hostname), "%s", at->l->value);
		return 0;
	}
	if (!strcmp(key, "memory")) {
		r = vmm_conf_number(at, 16, 4194304, &v);
		lc->memory_mib = v;
		return r;
	}
	if (!strcmp(key, "cores")) {
		r = vmm_conf_number(at, 1, 8192, &v);
		lc->cores = v;
		return r;
	}
	if (!strcmp(key, "rootfs"))
		return parse_rootfs(at, lc, storage);
	if (!strncmp(key, "net", 3) && key[3] >= '0' && key[3] < '0' + VMM_LXC_MAX_NICS &&
	    !key[4])
		return parse_nic(at, lc, (unsigned)(key[3] - '0'));
	return vmm_conf_bad(at, "unknown key");
}

int
vmm_lxc_conf_parse(const struct vmm_conf *conf, const vmm_storage_cfg_t *storage,
		   struct vmm_lxc_conf *ret, vmm_error_t *err)
{
	struct vmm_lxc_conf *lc = calloc(1, sizeof(*lc));
	struct vmm_conf_at at = { .file = conf->file, .err = err };
	int r = 0;

	if (!lc)
		return vmm_err(err, -ENOMEM, "out of memory");
	lc->memory_mib = 512;
	for (size_t i = 0; i < conf->n && r == 0; i++) {
		at.l = &conf->lines[i];
		r = parse_line(&at, lc, storage);
	}
	if (r == 0 && !lc->volume[0])
		r = vmm_err(err, -EINVAL, "%s: rootfs: missing (rootfs: <storage>:<volume>)",
			    conf->file);
	if (r == 0)
		*ret = *lc;
	free(lc);
	return r;
}
