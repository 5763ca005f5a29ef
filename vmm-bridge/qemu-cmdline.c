/*
 * qemu-cmdline.c - the QEMU command line of a guest, built from its config
 * alone (plus the storage plugins that say how QEMU reaches each volume),
 * so it can be checked without running QEMU.  Disks are attached with
 * -blockdev node names, which snapshots and migration need.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

/* The controller a bus needs once, and each disk's device. */
static void
add_controllers(struct vmm_argv *a, const struct vmm_qemu_conf *qc)
{
	bool scsi = false, sata = false;

	for (size_t i = 0; i < qc->ndisks; i++) {
		scsi |= qc->disks[i].bus == VMM_BUS_SCSI;
		sata |= qc->disks[i].bus == VMM_BUS_SATA;
	}
	if (scsi) {
		vmm_argv_add(a, "-device");
		vmm_argv_add(a, "virtio-scsi-pci,id=scsihw0");
	}
	if (sata) {
		vmm_argv_add(a, "-device");
		vmm_argv_add(a, "ahci,id=ahci0");
	}
}

static unsigned
boot_index(const struct vmm_qemu_conf *qc, const char *key)
{
	for (size_t i = 0; i < qc->nboot; i++)
		if (!strcmp(qc->boot[i], key))
			return (unsigned)i + 1;
	return 0;
}

static void
add_device(struct vmm_argv *a, const struct vmm_qemu_conf *qc, const struct vmm_qemu_disk *d)
{
	char boot[32] = "", drive[48] = "";
	unsigned bi = boot_index(qc, d->key);

	if (bi)
		snprintf(boot, sizeof(boot), ",bootindex=%u", bi);
	if (!d->none)
		snprintf(drive, sizeof(drive), ",drive=drive-%s", d->key);
	vmm_argv_add(a, "-device");
	switch (d->bus) {
	case VMM_BUS_SCSI:
		vmm_argv_addf(a, "scsi-hd,bus=scsihw0.0,scsi-id=%u%s,id=%s%s", d->index, drive,
			      d->key, boot);
		break;
	case VMM_BUS_VIRTIO:
		vmm_argv_addf(a, "virtio-blk-pci%s,id=%s%s", drive, d->key, boot);
		break;
	case VMM_BUS_SATA:
		vmm_argv_addf(a, "%s,bus=ahci0.%u%s,id=%s%s", d->cdrom ? "ide-cd" : "ide-hd",
			      d->index, drive, d->key, boot);
		break;
	case VMM_BUS_IDE:
		/* The PC machine's own IDE controller: two buses, two units each. */
		vmm_argv_addf(a, "%s,bus=ide.%u,unit=%u%s,id=%s%s",
			      d->cdrom ? "ide-cd" : "ide-hd", d->index / 2, d->index % 2, drive,
			      d->key, boot);
		break;
	}
}

static int
add_disk(vmm_ctx_t *ctx, struct vmm_argv *a, const struct vmm_qemu_conf *qc,
	 const struct vmm_qemu_disk *d, const vmm_storage_cfg_t *storage, vmm_error_t *err)
{
	const struct vmm_storage_plugin *plugin;
	const struct vmm_storage *st;
	char proto[4096 + 64];
	int r;

	if (d->none) {
		add_device(a, qc, d);
		return 0;
	}
	if (!d->volume[0])
		return vmm_err(err, -EINVAL, "%s: '%s:%llu' is a volume still to allocate", d->key,
			       d->storage, (unsigned long long)d->alloc_size);
	st = vmm_storage_cfg_find(storage, d->storage);
	if (!st)
		return vmm_err(err, -ENOENT, "%s: storage '%s' does not exist in storage.cfg",
			       d->key, d->storage);
	if (!vmm_storage_on_node(st, vmm_ctx_node(ctx)))
		return vmm_err(err, -EINVAL, "%s: storage '%s' is not available on node '%s'",
			       d->key, d->storage, vmm_ctx_node(ctx));
	plugin = vmm_storage_plugin_by_type(st->type);
	if (!plugin)
		return vmm_err(err, -EOPNOTSUPP, "%s: storage '%s': type %s is not supported yet",
			       d->key, st->id, st->type);
	r = plugin->blockdev(ctx, st, d->volume, proto, sizeof(proto), err);
	if (r < 0)
		return vmm_err_prefix(err, r, "%s", d->key);
	vmm_argv_add(a, "-blockdev");
	vmm_argv_addf(a, "%s,node-name=file-%s%s", proto, d->key,
		      d->cdrom ? ",read-only=on" : "");
	vmm_argv_add(a, "-blockdev");
	vmm_argv_addf(a, "driver=%s,file=file-%s,node-name=drive-%s%s", d->format, d->key,
		      d->key, d->cdrom ? ",read-only=on" : "");
	add_device(a, qc, d);
	return 0;
}

static void
add_nic(struct vmm_argv *a, unsigned id, const struct vmm_qemu_conf *qc,
	const struct vmm_qemu_nic *n)
{
	static const char *const models[][2] = {
		{ "virtio", "virtio-net-pci" }, { "e1000", "e1000" }, { "rtl8139", "rtl8139" }
	};
	const char *model = "virtio-net-pci";
	unsigned bi = boot_index(qc, n->key);
	char mac[18], boot[32] = "";

	for (size_t i = 0; i < sizeof(models) / sizeof(*models); i++)
		if (!strcmp(models[i][0], n->model))
			model = models[i][1];
	/* No MAC in the config: a stable one from the id (< 2^30) and the NIC
	 * number, locally administered, so two guests never share one. */
	if (n->mac[0])
		snprintf(mac, sizeof(mac), "%s", n->mac);
	else
		snprintf(mac, sizeof(mac), "52:%02x:%02x:%02x:%02x:%02x", 0x50 | (n->index & 7),
			 (id >> 24) & 0xff, (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff);
	if (bi)
		snprintf(boot, sizeof(boot), ",bootindex=%u", bi);
	vmm_argv_add(a, "-netdev");
	vmm_argv_addf(a, "tap,id=netdev%u,ifname=tap%ui%u,script=no,downscript=no", n->index, id,
		      n->index);
	vmm_argv_add(a, "-device");
	vmm_argv_addf(a, "%s,netdev=netdev%u,mac=%s,id=%s%s", model, n->index, mac, n->key, boot);
}

/* Direct kernel boot, e.g. the test guest of tests/guest. */
static void
add_kernel(struct vmm_argv *a, const struct vmm_qemu_conf *qc)
{
	if (!qc->kernel[0])
		return;
	vmm_argv_add(a, "-kernel");
	vmm_argv_add(a, qc->kernel);
	if (qc->initrd[0]) {
		vmm_argv_add(a, "-initrd");
		vmm_argv_add(a, qc->initrd);
	}
	if (qc->append[0]) {
		vmm_argv_add(a, "-append");
		vmm_argv_add(a, qc->append);
	}
}

static void
add_args(struct vmm_argv *a, const char *args)
{
	char copy[sizeof(((struct vmm_qemu_conf *)0)->args)], *tok, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", args);
	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		vmm_argv_add(a, tok);
}

int
vmm_qemu_cmdline(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_conf *qc,
		 const vmm_storage_cfg_t *storage, const struct vmm_qemu_paths *paths,
		 struct vmm_argv *ret_argv, vmm_error_t *err)
{
	struct vmm_argv a = { 0 };
	char qmp[4096 + 64] = "socket,id=qmp,server=on,wait=off,path=";
	char pidfile[4096 + 64] = "";
	int r;

	if (vmm_qemu_escape(qmp, sizeof(qmp), paths->qmp) < 0 ||
	    vmm_qemu_escape(pidfile, sizeof(pidfile), paths->pidfile) < 0)
		return vmm_err(err, -ENAMETOOLONG, "guest %u: run directory path too long", id);
	vmm_argv_add(&a, paths->binary);
	vmm_argv_add(&a, "-name");
	vmm_argv_addf(&a, "%s,debug-threads=on", qc->name[0] ? qc->name : "vm");
	vmm_argv_add(&a, "-no-user-config");
	vmm_argv_add(&a, "-nodefaults");
	vmm_argv_add(&a, "-display");
	vmm_argv_add(&a, "none");
	vmm_argv_add(&a, "-chardev");
	vmm_argv_add(&a, qmp);
	vmm_argv_add(&a, "-mon");
	vmm_argv_add(&a, "chardev=qmp,mode=control");
	vmm_argv_add(&a, "-pidfile");
	vmm_argv_add(&a, paths->pidfile);
	vmm_argv_add(&a, "-daemonize");
	vmm_argv_add(&a, "-machine");
	vmm_argv_addf(&a, "pc,accel=%s", paths->kvm ? "kvm" : "tcg");
	vmm_argv_add(&a, "-cpu");
	/* Not "host" by default: it fails under some nested hypervisors. */
	vmm_argv_add(&a, qc->cpu[0] ? qc->cpu : paths->kvm ? "kvm64" : "qemu64");
	vmm_argv_add(&a, "-m");
	vmm_argv_addf(&a, "%lu", qc->memory_mib);
	vmm_argv_add(&a, "-smp");
	vmm_argv_addf(&a, "%lu,sockets=%lu,cores=%lu,maxcpus=%lu", qc->cores * qc->sockets,
		      qc->sockets, qc->cores, qc->cores * qc->sockets);
	if (paths->paused || paths->incoming)
		vmm_argv_add(&a, "-S");
	if (paths->incoming) {
		vmm_argv_add(&a, "-incoming");
		vmm_argv_add(&a, "defer");
	}
	add_controllers(&a, qc);
	for (size_t i = 0; i < qc->ndisks; i++) {
		r = add_disk(ctx, &a, qc, &qc->disks[i], storage, err);
		if (r < 0) {
			vmm_argv_free(&a);
			return r;
		}
	}
	for (size_t i = 0; i < qc->nnics; i++)
		add_nic(&a, id, qc, &qc->nics[i]);
	add_kernel(&a, qc);
	if (qc->args[0])
		add_args(&a, qc->args);
	r = vmm_argv_done(&a);
	if (r < 0)
		return vmm_err(err, r, "guest %u: out of memory", id);
	*ret_argv = a;
	return 0;
}
