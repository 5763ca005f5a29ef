/*
 * qemu-conf.c - the meaning of a QEMU guest config: the keys a Proxmox VE
 * user knows (name, memory, cores, sockets, ostype, boot, scsiN/virtioN/
 * sataN/ideN disks, netN, args, kvm) and direct kernel boot (kernel,
 * initrd, append), each checked into struct vmm_qemu_conf with an error
 * that names file, line and key.  And writing it back.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

static int
parse_ostype(const struct vmm_conf_at *at, struct vmm_qemu_conf *qc)
{
	static const char *const ostypes[] = { "other", "wxp",	 "w2k",	  "w2k3", "w2k8",
					       "wvista", "win7", "win8",  "win10", "win11",
					       "l24",	"l26",	 "solaris" };

	for (size_t i = 0; i < sizeof(ostypes) / sizeof(*ostypes); i++)
		if (!strcmp(at->l->value, ostypes[i])) {
			snprintf(qc->ostype, sizeof(qc->ostype), "%s", ostypes[i]);
			return 0;
		}
	return vmm_conf_bad(at, "'%s' is not an OS type (l26, l24, win11, win10, ..., other)",
		   at->l->value);
}

/* "order=scsi0;ide2;net0"; the devices are checked once all keys are read. */
static int
parse_boot(const struct vmm_conf_at *at, struct vmm_qemu_conf *qc)
{
	const char *v = at->l->value;
	char copy[256], *tok, *save = NULL;

	if (strncmp(v, "order=", 6))
		return vmm_conf_bad(at, "'%s' is not 'order=<device>;<device>...'", v);
	if (snprintf(copy, sizeof(copy), "%s", v + 6) >= (int)sizeof(copy))
		return vmm_conf_bad(at, "too long");
	for (tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		if (qc->nboot == VMM_QEMU_MAX_BOOT)
			return vmm_conf_bad(at, "more than %d boot devices", VMM_QEMU_MAX_BOOT);
		if (!vmm_word_valid(tok, sizeof(qc->boot[0]) - 1, ""))
			return vmm_conf_bad(at, "'%s' is not a device key", tok);
		snprintf(qc->boot[qc->nboot++], sizeof(qc->boot[0]), "%s", tok);
	}
	if (!qc->nboot)
		return vmm_conf_bad(at, "no boot device after 'order='");
	return 0;
}

/* A key "<prefix><n>" with n <= max: its n, or -1. */
static long
key_index(const char *key, const char *prefix, unsigned max)
{
	size_t plen = strlen(prefix);
	unsigned long n;

	if (strncmp(key, prefix, plen) || vmm_uint_parse(key + plen, 0, max, &n) < 0)
		return -1;
	if (key[plen] == '0' && key[plen + 1])
		return -1;
	return (long)n;
}

static int
disk_option(const struct vmm_conf_at *at, struct vmm_qemu_disk *d, const char *opt)
{
	const char *eq = strchr(opt, '=');
	uint64_t size;

	if (!eq)
		return vmm_conf_bad(at, "option '%s' is not 'name=value'", opt);
	if (!strncmp(opt, "format=", 7)) {
		if (strcmp(eq + 1, "qcow2") && strcmp(eq + 1, "raw"))
			return vmm_conf_bad(at, "format '%s' is not qcow2 or raw", eq + 1);
		snprintf(d->format, sizeof(d->format), "%s", eq + 1);
	} else if (!strncmp(opt, "media=", 6)) {
		if (strcmp(eq + 1, "cdrom") && strcmp(eq + 1, "disk"))
			return vmm_conf_bad(at, "media '%s' is not cdrom or disk", eq + 1);
		d->cdrom = !strcmp(eq + 1, "cdrom");
	} else if (!strncmp(opt, "size=", 5)) {
		if (vmm_size_parse(eq + 1, 1u << 30, &size) < 0)
			return vmm_conf_bad(at, "size '%s' is not a size", eq + 1);
	} else if (!strncmp(opt, "cache=", 6)) {
		if (strcmp(eq + 1, "none") && strcmp(eq + 1, "writeback") &&
		    strcmp(eq + 1, "writethrough") && strcmp(eq + 1, "directsync") &&
		    strcmp(eq + 1, "unsafe"))
			return vmm_conf_bad(at, "cache '%s' is not none, writeback, writethrough, "
				       "directsync or unsafe",
				   eq + 1);
	} else {
		return vmm_conf_bad(at, "unknown option '%.*s' (format, media, size, cache)",
			   (int)(eq - opt), opt);
	}
	return 0;
}

static int
disk_source(const struct vmm_conf_at *at, struct vmm_qemu_disk *d, const char *src, bool for_create,
	    const vmm_storage_cfg_t *storage)
{
	const struct vmm_storage *st;
	const char *volume;
	unsigned want;

	if (!strcmp(src, "none")) {
		if (!d->cdrom)
			return vmm_conf_bad(at, "'none' is only for a cdrom drive (media=cdrom)");
		d->none = true;
		return 0;
	}
	if (vmm_volid_split(src, d->storage, sizeof(d->storage), &volume) < 0)
		return vmm_conf_bad(at, "'%s' is not '<storage>:<volume>' or '<storage>:<size>'", src);
	if (isdigit((unsigned char)volume[0]) && !strchr(volume, '/')) {
		if (vmm_size_parse(volume, 1u << 30, &d->alloc_size) < 0 || d->alloc_size == 0)
			return vmm_conf_bad(at, "'%s' is not a size (GiB, or with a unit: 512M, 4G)", volume);
		if (!for_create)
			return vmm_conf_bad(at, "'%s' asks for a new volume: only at create", src);
		if (d->cdrom)
			return vmm_conf_bad(at, "a cdrom cannot be allocated");
	} else {
		if (!vmm_volume_valid(volume))
			return vmm_conf_bad(at, "'%s' is not a volume name", volume);
		snprintf(d->volume, sizeof(d->volume), "%s", volume);
	}
	if (!storage)
		return 0;
	st = vmm_storage_cfg_find(storage, d->storage);
	if (!st)
		return vmm_conf_bad(at, "storage '%s' does not exist in storage.cfg", d->storage);
	want = d->cdrom ? VMM_CONTENT_ISO : VMM_CONTENT_IMAGES;
	if (!(st->content & want))
		return vmm_conf_bad(at, "storage '%s' does not hold content '%s'", d->storage,
			   d->cdrom ? "iso" : "images");
	return 0;
}

static int
parse_disk(const struct vmm_conf_at *at, struct vmm_qemu_conf *qc, enum vmm_disk_bus bus, long index,
	   bool for_create, const vmm_storage_cfg_t *storage)
{
	struct vmm_qemu_disk *d;
	char copy[512], *tok, *save = NULL, *src;
	const char *dot;
	int r;

	if (qc->ndisks == VMM_QEMU_MAX_DISKS)
		return vmm_conf_bad(at, "more than %d disks", VMM_QEMU_MAX_DISKS);
	d = &qc->disks[qc->ndisks];
	*d = (struct vmm_qemu_disk){ .bus = bus, .index = (unsigned)index };
	snprintf(d->key, sizeof(d->key), "%s", at->l->key);
	if (snprintf(copy, sizeof(copy), "%s", at->l->value) >= (int)sizeof(copy))
		return vmm_conf_bad(at, "too long");
	src = strtok_r(copy, ",", &save);
	if (!src)
		return vmm_conf_bad(at, "no volume");
	/* Options first: media=cdrom changes what the source may be. */
	for (tok = strtok_r(NULL, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		r = disk_option(at, d, tok);
		if (r < 0)
			return r;
	}
	if (strchr(at->l->value, ','))
		snprintf(d->options, sizeof(d->options), "%s", strchr(at->l->value, ','));
	if (d->cdrom && bus != VMM_BUS_IDE && bus != VMM_BUS_SATA)
		return vmm_conf_bad(at, "a cdrom must be on ide or sata");
	r = disk_source(at, d, src, for_create, storage);
	if (r < 0)
		return r;
	if (!d->format[0] && d->volume[0]) {
		dot = strrchr(d->volume, '.');
		snprintf(d->format, sizeof(d->format), "%s",
			 dot && !strcmp(dot, ".qcow2") ? "qcow2" : "raw");
	}
	if (!d->format[0])
		snprintf(d->format, sizeof(d->format), "%s", d->cdrom ? "raw" : "qcow2");
	qc->ndisks++;
	return 0;
}

/* "<model>[=<mac>],bridge=<bridge>" */
static int
parse_nic(const struct vmm_conf_at *at, struct vmm_qemu_conf *qc, long index)
{
	struct vmm_qemu_nic *n;
	char copy[256], *tok, *save = NULL, *eq;

	if (qc->nnics == VMM_QEMU_MAX_NICS)
		return vmm_conf_bad(at, "more than %d network devices", VMM_QEMU_MAX_NICS);
	n = &qc->nics[qc->nnics];
	*n = (struct vmm_qemu_nic){ .index = (unsigned)index };
	snprintf(n->key, sizeof(n->key), "%s", at->l->key);
	if (snprintf(copy, sizeof(copy), "%s", at->l->value) >= (int)sizeof(copy))
		return vmm_conf_bad(at, "too long");
	tok = strtok_r(copy, ",", &save);
	eq = tok ? strchr(tok, '=') : NULL;
	if (eq)
		*eq++ = '\0';
	if (!tok || (strcmp(tok, "virtio") && strcmp(tok, "e1000") && strcmp(tok, "rtl8139")))
		return vmm_conf_bad(at, "model '%s' is not virtio, e1000 or rtl8139", tok ? tok : "");
	snprintf(n->model, sizeof(n->model), "%s", tok);
	if (eq) {
		if (!vmm_net_mac_valid(eq))
			return vmm_conf_bad(at, "'%s' is not a unicast MAC address (52:54:00:12:34:56)", eq);
		snprintf(n->mac, sizeof(n->mac), "%s", eq);
	}
	for (tok = strtok_r(NULL, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strncmp(tok, "bridge=", 7))
			return vmm_conf_bad(at, "unknown option '%s' (bridge=<bridge>)", tok);
		if (!vmm_word_valid(tok + 7, 15, "-_."))
			return vmm_conf_bad(at, "'%s' is not a bridge name", tok + 7);
		snprintf(n->bridge, sizeof(n->bridge), "%s", tok + 7);
	}
	if (!n->bridge[0])
		return vmm_conf_bad(at, "no bridge (bridge=<bridge>)");
	qc->nnics++;
	return 0;
}

/* A file on the node for -kernel or -initrd: absolute, one QEMU argument. */
static int
parse_boot_file(const struct vmm_conf_at *at, char *dst, size_t size)
{
	const char *v = at->l->value;

	if (v[0] != '/')
		return vmm_conf_bad(at, "'%s' is not an absolute path", v);
	for (const char *c = v; *c; c++)
		if (!isgraph((unsigned char)*c) || *c == ',')
			return vmm_conf_bad(at, "'%s': blanks, commas and control characters are not "
				       "supported in the path",
				   v);
	if (snprintf(dst, size, "%s", v) >= (int)size)
		return vmm_conf_bad(at, "longer than %zu characters", size - 1);
	return 0;
}

/* The kernel command line: one argument, so blanks are fine here. */
static int
parse_append(const struct vmm_conf_at *at, struct vmm_qemu_conf *qc)
{
	const char *v = at->l->value;

	for (const char *c = v; *c; c++)
		if (!isprint((unsigned char)*c))
			return vmm_conf_bad(at, "control characters are not supported");
	if (snprintf(qc->append, sizeof(qc->append), "%s", v) >= (int)sizeof(qc->append))
		return vmm_conf_bad(at, "longer than %zu characters", sizeof(qc->append) - 1);
	return 0;
}

static int
parse_line(const struct vmm_conf_at *at, struct vmm_qemu_conf *qc, bool for_create,
	   const vmm_storage_cfg_t *storage)
{
	static const struct {
		const char *prefix;
		enum vmm_disk_bus bus;
		unsigned max;
	} buses[] = { { "scsi", VMM_BUS_SCSI, 30 },
		      { "virtio", VMM_BUS_VIRTIO, 15 },
		      { "sata", VMM_BUS_SATA, 5 },
		      { "ide", VMM_BUS_IDE, 3 } };
	const char *key = at->l->key, *v = at->l->value;
	long idx;

	if (!strcmp(key, "name")) {
		if (!vmm_word_valid(v, sizeof(qc->name) - 1, "-."))
			return vmm_conf_bad(at, "'%s' is not a DNS name", v);
		snprintf(qc->name, sizeof(qc->name), "%s", v);
		return 0;
	}
	if (!strcmp(key, "memory"))
		return vmm_conf_number(at, 16, 4194304, &qc->memory_mib);
	if (!strcmp(key, "cores"))
		return vmm_conf_number(at, 1, 128, &qc->cores);
	if (!strcmp(key, "sockets"))
		return vmm_conf_number(at, 1, 4, &qc->sockets);
	if (!strcmp(key, "ostype"))
		return parse_ostype(at, qc);
	if (!strcmp(key, "boot"))
		return parse_boot(at, qc);
	if (!strcmp(key, "cpu")) {
		if (strcmp(v, "kvm64") && strcmp(v, "qemu64") && strcmp(v, "host") &&
		    strcmp(v, "max"))
			return vmm_conf_bad(at, "'%s' is not a CPU model (kvm64, qemu64, host, max)", v);
		snprintf(qc->cpu, sizeof(qc->cpu), "%s", v);
		return 0;
	}
	if (!strcmp(key, "args")) {
		if (strpbrk(v, "\"'\\"))
			return vmm_conf_bad(at, "quotes and backslashes are not supported; arguments "
				       "are split at blanks");
		if (snprintf(qc->args, sizeof(qc->args), "%s", v) >= (int)sizeof(qc->args))
			return vmm_conf_bad(at, "longer than %zu characters", sizeof(qc->args) - 1);
		return 0;
	}
	if (!strcmp(key, "kvm")) {
		if (strcmp(v, "0") && strcmp(v, "1"))
			return vmm_conf_bad(at, "'%s' is not 0 or 1", v);
		qc->no_kvm = !strcmp(v, "0");
		return 0;
	}
	if (!strcmp(key, "kernel"))
		return parse_boot_file(at, qc->kernel, sizeof(qc->kernel));
	if (!strcmp(key, "initrd"))
		return parse_boot_file(at, qc->initrd, sizeof(qc->initrd));
	if (!strcmp(key, "append"))
		return parse_append(at, qc);
	for (size_t i = 0; i < sizeof(buses) / sizeof(*buses); i++) {
		idx = key_index(key, buses[i].prefix, buses[i].max);
		if (idx >= 0)
			return parse_disk(at, qc, buses[i].bus, idx, for_create, storage);
	}
	idx = key_index(key, "net", VMM_QEMU_MAX_NICS - 1);
	if (idx >= 0)
		return parse_nic(at, qc, idx);
	return vmm_conf_bad(at, "unknown key");
}

static bool
has_device(const struct vmm_qemu_conf *qc, const char *key)
{
	for (size_t i = 0; i < qc->ndisks; i++)
		if (!strcmp(qc->disks[i].key, key))
			return true;
	for (size_t i = 0; i < qc->nnics; i++)
		if (!strcmp(qc->nics[i].key, key))
			return true;
	return false;
}

int
vmm_qemu_conf_parse(const struct vmm_conf *conf, bool for_create, const vmm_storage_cfg_t *storage,
		    struct vmm_qemu_conf *ret, vmm_error_t *err)
{
	struct vmm_qemu_conf *qc = calloc(1, sizeof(*qc));
	struct vmm_conf_at at = { .file = conf->file, .err = err };
	int r = 0;

	if (!qc)
		return vmm_err(err, -ENOMEM, "out of memory");
	qc->memory_mib = 512;
	qc->cores = 1;
	qc->sockets = 1;
	for (size_t i = 0; i < conf->n && r == 0; i++) {
		at.l = &conf->lines[i];
		r = parse_line(&at, qc, for_create, storage);
	}
	for (size_t i = 0; i < conf->n && r == 0; i++) {
		at.l = &conf->lines[i];
		if ((!strcmp(at.l->key, "initrd") || !strcmp(at.l->key, "append")) &&
		    !qc->kernel[0])
			r = vmm_conf_bad(&at, "needs a kernel (key 'kernel')");
		if (strcmp(conf->lines[i].key, "boot"))
			continue;
		for (size_t j = 0; j < qc->nboot && r == 0; j++)
			if (!has_device(qc, qc->boot[j]))
				r = vmm_conf_bad(&at, "boot device '%s' is not configured", qc->boot[j]);
	}
	if (r == 0)
		*ret = *qc;
	free(qc);
	return r;
}

static void
format_disk(FILE *fp, const struct vmm_qemu_disk *d)
{
	if (d->none)
		fprintf(fp, "%s: none%s\n", d->key, d->options);
	else
		fprintf(fp, "%s: %s:%s%s\n", d->key, d->storage, d->volume, d->options);
}

int
vmm_qemu_conf_format(const struct vmm_qemu_conf *qc, char **ret_text)
{
	size_t len = 0;
	char *text = NULL;
	FILE *fp = open_memstream(&text, &len);

	if (!fp)
		return -ENOMEM;
	if (qc->name[0])
		fprintf(fp, "name: %s\n", qc->name);
	if (qc->ostype[0])
		fprintf(fp, "ostype: %s\n", qc->ostype);
	if (qc->cpu[0])
		fprintf(fp, "cpu: %s\n", qc->cpu);
	if (qc->no_kvm)
		fprintf(fp, "kvm: 0\n");
	fprintf(fp, "memory: %lu\ncores: %lu\nsockets: %lu\n", qc->memory_mib, qc->cores,
		qc->sockets);
	if (qc->nboot) {
		fprintf(fp, "boot: order=");
		for (size_t i = 0; i < qc->nboot; i++)
			fprintf(fp, "%s%s", i ? ";" : "", qc->boot[i]);
		fputc('\n', fp);
	}
	for (size_t i = 0; i < qc->ndisks; i++)
		format_disk(fp, &qc->disks[i]);
	for (size_t i = 0; i < qc->nnics; i++) {
		const struct vmm_qemu_nic *n = &qc->nics[i];

		fprintf(fp, "%s: %s%s%s,bridge=%s\n", n->key, n->model, n->mac[0] ? "=" : "",
			n->mac, n->bridge);
	}
	if (qc->kernel[0])
		fprintf(fp, "kernel: %s\n", qc->kernel);
	if (qc->initrd[0])
		fprintf(fp, "initrd: %s\n", qc->initrd);
	if (qc->append[0])
		fprintf(fp, "append: %s\n", qc->append);
	if (qc->args[0])
		fprintf(fp, "args: %s\n", qc->args);
	if (fclose(fp) != 0) {
		free(text);
		return -ENOMEM;
	}
	*ret_text = text;
	return 0;
}
