/*
 * storage-users.c - which guests, on any node, keep a volume on a storage:
 * the check that stops "storagectl remove" from orphaning a guest's disks.
 * Guest configs are read with the backends' own parsers, so a disk counts
 * exactly when the backend would use it.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

/* The users found so far. */
struct users {
	const char *storage;
	bool lenient;
	struct vmm_storage_user *v;
	size_t n;
};

static int
users_add(struct users *u, const char *node, const char *type, unsigned id, const char *key)
{
	struct vmm_storage_user *v = realloc(u->v, (u->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	u->v = v;
	v = &v[u->n++];
	snprintf(v->node, sizeof(v->node), "%s", node);
	v->type = type;
	v->id = id;
	snprintf(v->key, sizeof(v->key), "%s", key);
	return 0;
}

/* The storages of one guest config, parsed without checking storage.cfg. */
static int
scan_conf(struct users *u, const char *node, bool qemu, unsigned id, const char *path,
	  vmm_error_t *err)
{
	struct vmm_qemu_conf qc;
	struct vmm_lxc_conf lc;
	struct vmm_conf *conf = NULL;
	char *text = NULL;
	int r;

	r = vmm_file_read(path, &text, err);
	if (r == 0)
		r = vmm_conf_parse(path, text, &conf, err);
	free(text);
	/* Existing configs name volumes; "<storage>:<size>" is accepted too, so
	 * a config written by hand before its create still counts. */
	if (r == 0)
		r = qemu ? vmm_qemu_conf_parse(conf, true, NULL, &qc, err)
			 : vmm_lxc_conf_parse(conf, NULL, &lc, err);
	vmm_conf_free(conf);
	if (r == -ENOENT)
		return 0; /* gone since the directory was read: a migration */
	if (r < 0)
		return u->lenient ? 0 : r;
	if (!qemu)
		return strcmp(lc.storage, u->storage) ? 0 : users_add(u, node, "ct", id, "rootfs");
	for (size_t i = 0; i < qc.ndisks; i++)
		if (!qc.disks[i].none && !strcmp(qc.disks[i].storage, u->storage) &&
		    users_add(u, node, "vm", id, qc.disks[i].key) < 0)
			return -ENOMEM;
	return 0;
}

/* Every <id>.conf in <root>/nodes/<node>/<dir>. */
static int
scan_dir(vmm_ctx_t *ctx, struct users *u, const char *node, const char *conf_dir,
	 vmm_error_t *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], idtext[16];
	struct dirent *de;
	DIR *d;
	unsigned id;
	int r = 0;

	if (vmm_ctx_conf_dir(ctx, node, conf_dir, dir, sizeof(dir)) < 0)
		return vmm_err(err, -ENAMETOOLONG, "config root too long");
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : vmm_err(err, -errno, "%s: %s", dir, strerror(errno));
	while (r == 0 && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		/* As vmm_ctx_list: only "<id>.conf" are guests. */
		if (len < 6 || len - 5 >= sizeof(idtext) || strcmp(de->d_name + len - 5, ".conf"))
			continue;
		snprintf(idtext, sizeof(idtext), "%.*s", (int)(len - 5), de->d_name);
		if (vmm_id_parse(idtext, &id, NULL) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		r = scan_conf(u, node, !strcmp(conf_dir, "qemu"), id, path, err);
	}
	closedir(d);
	if (r == -ENOMEM)
		return vmm_err(err, r, "out of memory");
	return r;
}

int
vmm_storage_users(vmm_ctx_t *ctx, const char *storage, bool lenient,
		  struct vmm_storage_user **ret_users, size_t *ret_count, vmm_error_t *err)
{
	struct users u = { .storage = storage, .lenient = lenient };
	char nodes[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (snprintf(nodes, sizeof(nodes), "%s/nodes", vmm_ctx_config_root(ctx)) >=
	    (int)sizeof(nodes))
		return vmm_err(err, -ENAMETOOLONG, "config root too long");
	d = opendir(nodes);
	if (!d && errno != ENOENT)
		return vmm_err(err, -errno, "%s: %s", nodes, strerror(errno));
	while (d && r == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		r = scan_dir(ctx, &u, de->d_name, "qemu", err);
		if (r == 0)
			r = scan_dir(ctx, &u, de->d_name, "lxc", err);
	}
	if (d)
		closedir(d);
	if (r < 0) {
		free(u.v);
		return r;
	}
	*ret_users = u.v;
	*ret_count = u.n;
	return 0;
}
