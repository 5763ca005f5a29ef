/*
 * ctx.c - the context every backend call gets: the config root, this
 * node's name, the run directory and the helper programs; and the questions
 * about config paths: where a guest is configured, whether that is here,
 * where a new or migrating guest's config goes, which guests a backend has
 * on this node.
 */
#include <config.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "vmm-bridge/vmm-int.h"

struct vmm_ctx {
	char *config_root;
	char *node;
	char *run_dir;
	char *qemu_binary;
	char *qemu_img;
	char *mount;
	char *iscsiadm;
	char *remote_cmd;
	char *migrate_address; /* NULL: resolve the node name */
};

static bool
node_name_valid(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > 63 || !isalnum((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

static char *
dup_or(const char *value, const char *fallback)
{
	return strdup(value ? value : fallback);
}

int
vmm_ctx_new(const struct vmm_ctx_options *opt, vmm_ctx_t **ret_ctx, vmm_error_t *err)
{
	struct vmm_ctx *ctx = calloc(1, sizeof(*ctx));
	struct utsname uts;
	char host[sizeof(uts.nodename)];
	int r;

	if (!ctx)
		return vmm_err(err, -ENOMEM, "out of memory");
	if (!opt->node) {
		if (uname(&uts) < 0) {
			r = vmm_err(err, -errno, "uname: %s", strerror(errno));
			goto fail;
		}
		/* The short host name, as node directories use it. */
		snprintf(host, sizeof(host), "%.*s", (int)strcspn(uts.nodename, "."),
			 uts.nodename);
	}
	ctx->node = dup_or(opt->node, host);
	ctx->config_root = dup_or(opt->config_root, "/etc/cluster");
	ctx->run_dir = dup_or(opt->run_dir, "/run/clusterha");
	ctx->qemu_binary = dup_or(opt->qemu_binary, "qemu-system-x86_64");
	ctx->qemu_img = dup_or(opt->qemu_img, "qemu-img");
	ctx->mount = dup_or(opt->mount, "mount");
	ctx->iscsiadm = dup_or(opt->iscsiadm, "iscsiadm");
	ctx->remote_cmd = dup_or(opt->remote_cmd, "ssh -o BatchMode=yes");
	if (opt->migrate_address && !(ctx->migrate_address = strdup(opt->migrate_address))) {
		r = vmm_err(err, -ENOMEM, "out of memory");
		goto fail;
	}
	if (!ctx->node || !ctx->config_root || !ctx->run_dir || !ctx->qemu_binary ||
	    !ctx->qemu_img || !ctx->mount || !ctx->iscsiadm || !ctx->remote_cmd) {
		r = vmm_err(err, -ENOMEM, "out of memory");
		goto fail;
	}
	if (!node_name_valid(ctx->node)) {
		r = vmm_err(err, -EINVAL, "'%s' is not a node name (letters, digits, '-', '_')",
			    ctx->node);
		goto fail;
	}
	if (ctx->config_root[0] != '/' || ctx->run_dir[0] != '/') {
		r = vmm_err(err, -EINVAL, "'%s' is not an absolute directory",
			    ctx->config_root[0] != '/' ? ctx->config_root : ctx->run_dir);
		goto fail;
	}
	*ret_ctx = ctx;
	return 0;
fail:
	vmm_ctx_free(ctx);
	return r;
}

void
vmm_ctx_free(vmm_ctx_t *ctx)
{
	if (!ctx)
		return;
	free(ctx->config_root);
	free(ctx->node);
	free(ctx->run_dir);
	free(ctx->qemu_binary);
	free(ctx->qemu_img);
	free(ctx->mount);
	free(ctx->iscsiadm);
	free(ctx->remote_cmd);
	free(ctx->migrate_address);
	free(ctx);
}

const char *
vmm_ctx_node(const vmm_ctx_t *ctx)
{
	return ctx->node;
}

const char *
vmm_ctx_config_root(const vmm_ctx_t *ctx)
{
	return ctx->config_root;
}

const char *
vmm_ctx_run_dir(const vmm_ctx_t *ctx)
{
	return ctx->run_dir;
}

const char *
vmm_ctx_qemu_binary(const vmm_ctx_t *ctx)
{
	return ctx->qemu_binary;
}

const char *
vmm_ctx_qemu_img(const vmm_ctx_t *ctx)
{
	return ctx->qemu_img;
}

const char *
vmm_ctx_mount(const vmm_ctx_t *ctx)
{
	return ctx->mount;
}

const char *
vmm_ctx_iscsiadm(const vmm_ctx_t *ctx)
{
	return ctx->iscsiadm;
}

const char *
vmm_ctx_remote_cmd(const vmm_ctx_t *ctx)
{
	return ctx->remote_cmd;
}

const char *
vmm_ctx_migrate_address(const vmm_ctx_t *ctx)
{
	return ctx->migrate_address;
}

int
vmm_id_parse(const char *text, unsigned *ret_id, vmm_error_t *err)
{
	unsigned long v;

	if (vmm_uint_parse(text, VMM_ID_MIN, VMM_ID_MAX, &v) < 0)
		return vmm_err(err, -EINVAL, "'%s' is not a guest id (%u..%u)", text,
			       VMM_ID_MIN, VMM_ID_MAX);
	*ret_id = (unsigned)v;
	return 0;
}

int
vmm_ctx_conf_dir(vmm_ctx_t *ctx, const char *node, const char *conf_dir, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/nodes/%s/%s", ctx->config_root, node, conf_dir);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int
vmm_guest_conf_path(vmm_ctx_t *ctx, const struct vmm_backend *backend, unsigned id, char *buf,
		    size_t size)
{
	int n = snprintf(buf, size, "%s/nodes/%s/%s/%u.conf", ctx->config_root, ctx->node,
			 backend->conf_dir, id);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/*
 * The guest type whose <root>/nodes/<node>/<dir>/<id>.conf exists, or NULL.
 * Every type counts, built or not: ids are unique across all of them.
 */
static const char *
find_on_node(vmm_ctx_t *ctx, const char *node, unsigned id)
{
	static const char *const dirs[][2] = { { "vm", "qemu" }, { "ct", "lxc" },
					       { "svc", "exec" } };
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		if (snprintf(path, sizeof(path), "%s/nodes/%s/%s/%u.conf", ctx->config_root, node,
			     dirs[i][1], id) >= (int)sizeof(path))
			continue;
		if (access(path, F_OK) == 0)
			return dirs[i][0];
	}
	return NULL;
}

int
vmm_guest_locate(vmm_ctx_t *ctx, unsigned id, char *ret_node, size_t node_size,
		 const char **ret_type, vmm_error_t *err)
{
	const char *b;
	char nodes[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int r = -ENOENT;

	/* Look here first: the common case, and no directory scan. */
	b = find_on_node(ctx, ctx->node, id);
	if (b) {
		if (ret_node)
			snprintf(ret_node, node_size, "%s", ctx->node);
		if (ret_type)
			*ret_type = b;
		return 0;
	}
	snprintf(nodes, sizeof(nodes), "%s/nodes", ctx->config_root);
	dir = opendir(nodes);
	if (!dir)
		return errno == ENOENT ? vmm_err(err, -ENOENT, "guest %u does not exist", id)
				       : vmm_err(err, -errno, "%s: %s", nodes, strerror(errno));
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || !(b = find_on_node(ctx, de->d_name, id)))
			continue;
		if (ret_node)
			snprintf(ret_node, node_size, "%s", de->d_name);
		if (ret_type)
			*ret_type = b;
		r = 0;
		break;
	}
	closedir(dir);
	if (r < 0)
		vmm_err(err, r, "guest %u does not exist", id);
	return r;
}

int
vmm_ctx_local_conf(vmm_ctx_t *ctx, const struct vmm_backend *backend, unsigned id, char *buf,
		   size_t size, vmm_error_t *err)
{
	const char *found;
	char node[64];
	int r;

	r = vmm_guest_locate(ctx, id, node, sizeof(node), &found, err);
	if (r < 0)
		return r;
	if (strcmp(node, ctx->node))
		return vmm_err(err, -EREMOTE,
			       "guest %u is configured on node '%s', not on this node '%s'", id,
			       node, ctx->node);
	if (strcmp(found, backend->type))
		return vmm_err(err, -EREMOTE, "guest %u is a '%s' guest, not a '%s' guest", id,
			       found, backend->type);
	if (vmm_guest_conf_path(ctx, backend, id, buf, size) < 0)
		return vmm_err(err, -ENAMETOOLONG, "config path of guest %u too long", id);
	return 0;
}

int
vmm_ctx_new_conf(vmm_ctx_t *ctx, const struct vmm_backend *backend, unsigned id, char *buf,
		 size_t size, vmm_error_t *err)
{
	char node[64];

	if (vmm_guest_locate(ctx, id, node, sizeof(node), NULL, NULL) == 0)
		return vmm_err(err, -EEXIST, "guest %u already exists on node '%s'", id, node);
	if (vmm_guest_conf_path(ctx, backend, id, buf, size) < 0)
		return vmm_err(err, -ENAMETOOLONG, "config root too long");
	return 0;
}

int
vmm_ctx_check_target(vmm_ctx_t *ctx, const char *what, unsigned id, const char *node,
		     vmm_error_t *err)
{
	char dir[PATH_MAX];
	struct stat sb;

	if (!strcmp(node, ctx->node))
		return vmm_err(err, -EINVAL, "%s %u is already on node '%s'", what, id, node);
	if (vmm_ctx_conf_dir(ctx, node, "", dir, sizeof(dir)) < 0 || stat(dir, &sb) < 0)
		return vmm_err(err, -ENOENT, "node '%s' does not exist (no %s)", node, dir);
	return 0;
}

int
vmm_ctx_target_conf(vmm_ctx_t *ctx, const struct vmm_backend *backend, unsigned id,
		    const char *node, char *buf, size_t size, vmm_error_t *err)
{
	char dir[PATH_MAX];
	int r;

	if (vmm_ctx_conf_dir(ctx, node, backend->conf_dir, dir, sizeof(dir)) < 0)
		return vmm_err(err, -ENAMETOOLONG, "config root too long");
	r = vmm_mkdir_p(dir);
	if (r < 0)
		return vmm_err(err, r, "mkdir %s: %s", dir, strerror(-r));
	snprintf(buf, size, "%s/%u.conf", dir, id);
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return (x > y) - (x < y);
}

int
vmm_ctx_list(vmm_ctx_t *ctx, const struct vmm_backend *backend, unsigned **ret_ids,
	     size_t *ret_count, vmm_error_t *err)
{
	char path[PATH_MAX], idtext[16];
	unsigned *ids = NULL, *grown, id = 0;
	size_t n = 0;
	struct dirent *de;
	DIR *dir;

	if (vmm_ctx_conf_dir(ctx, ctx->node, backend->conf_dir, path, sizeof(path)) < 0)
		return vmm_err(err, -ENAMETOOLONG, "config root too long");
	dir = opendir(path);
	if (!dir && errno != ENOENT)
		return vmm_err(err, -errno, "%s: %s", path, strerror(errno));
	while (dir && (de = readdir(dir))) {
		size_t len = strlen(de->d_name);

		/* Only "<id>.conf"; editors' and our own temporary files are not guests. */
		if (len < 6 || len - 5 >= sizeof(idtext) || strcmp(de->d_name + len - 5, ".conf"))
			continue;
		snprintf(idtext, sizeof(idtext), "%.*s", (int)(len - 5), de->d_name);
		if (vmm_id_parse(idtext, &id, NULL) < 0)
			continue;
		grown = realloc(ids, (n + 1) * sizeof(*ids));
		if (!grown) {
			free(ids);
			closedir(dir);
			return vmm_err(err, -ENOMEM, "out of memory");
		}
		ids = grown;
		ids[n++] = id;
	}
	if (dir)
		closedir(dir);
	if (n)
		qsort(ids, n, sizeof(*ids), cmp_id);
	*ret_ids = ids;
	*ret_count = n;
	return 0;
}

int
vmm_guest_conf_get(vmm_ctx_t *ctx, const struct vmm_backend *backend, unsigned id,
		   const char *key, char *buf, size_t size, vmm_error_t *err)
{
	char path[PATH_MAX], *text = NULL;
	struct vmm_conf *conf = NULL;
	int r;

	r = vmm_ctx_local_conf(ctx, backend, id, path, sizeof(path), err);
	if (r == 0)
		r = vmm_file_read(path, &text, err);
	if (r == 0)
		r = vmm_conf_parse(path, text, &conf, err);
	free(text);
	if (r < 0)
		return r;
	buf[0] = '\0';
	for (size_t i = 0; i < conf->n; i++)
		if (!strcmp(conf->lines[i].key, key))
			snprintf(buf, size, "%s", conf->lines[i].value);
	vmm_conf_free(conf);
	return 0;
}
