/*
 * storagecfg-write.c - storagectl's edits applied to <config root>/storage.cfg:
 * read the file, edit its text, and replace it in one rename, after the
 * checks that need the rest of the config tree (guests using a storage).
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

enum edit_op { EDIT_ADD, EDIT_SET, EDIT_REMOVE };

struct edit {
	enum edit_op op;
	const char *type, *id;
	const struct vmm_storage_kv *kv;
	size_t n;
};

/*
 * Read storage.cfg, apply @e and write the result back.  vmm_file_write
 * writes a temporary file next to it and renames it over the old one: in
 * cfs that is one replicated replace, so no node ever reads half a file.
 */
static int
edit_file(vmm_ctx_t *ctx, const struct edit *e, vmm_error_t *err)
{
	char path[PATH_MAX], *text = NULL, *out = NULL;
	int r;

	if (snprintf(path, sizeof(path), "%s/storage.cfg", vmm_ctx_config_root(ctx)) >=
	    (int)sizeof(path))
		return vmm_err(err, -ENAMETOOLONG, "config root too long");
	r = vmm_file_read(path, &text, err);
	if (r == -ENOENT) {
		text = strdup("");
		r = text ? 0 : vmm_err(err, -ENOMEM, "out of memory");
	}
	if (r < 0)
		return r;
	switch (e->op) {
	case EDIT_ADD:
		r = vmm_storage_cfg_add(path, text, e->type, e->id, e->kv, e->n, &out, err);
		break;
	case EDIT_SET:
		r = vmm_storage_cfg_set(path, text, e->id, e->kv, e->n, &out, err);
		break;
	case EDIT_REMOVE:
		r = vmm_storage_cfg_remove(path, text, e->id, &out, err);
		break;
	}
	if (r == 0)
		r = vmm_file_write(path, out, false, err);
	free(out);
	free(text);
	return r;
}

int
vmm_storage_add(vmm_ctx_t *ctx, const char *type, const char *id,
		const struct vmm_storage_kv *kv, size_t n, vmm_error_t *err)
{
	struct edit e = { .op = EDIT_ADD, .type = type, .id = id, .kv = kv, .n = n };

	return edit_file(ctx, &e, err);
}

int
vmm_storage_set(vmm_ctx_t *ctx, const char *id, const struct vmm_storage_kv *kv, size_t n,
		vmm_error_t *err)
{
	struct edit e = { .op = EDIT_SET, .id = id, .kv = kv, .n = n };

	return edit_file(ctx, &e, err);
}

int
vmm_storage_remove(vmm_ctx_t *ctx, const char *id, bool force,
		   struct vmm_storage_user **ret_users, size_t *ret_count, vmm_error_t *err)
{
	struct edit e = { .op = EDIT_REMOVE, .id = id };
	struct vmm_storage_user *users = NULL;
	size_t n = 0;
	int r;

	/* With --force an unreadable guest config must not block the removal. */
	r = vmm_storage_users(ctx, id, force, &users, &n, err);
	if (r < 0)
		return vmm_err_prefix(err, r,
				      "cannot tell whether a guest uses storage '%s' (use --force "
				      "to remove it anyway)",
				      id);
	if (n && !force)
		r = vmm_err(err, -EBUSY,
			    "storage '%s' is used by %s %u on node '%s' (%s)%s; move or destroy "
			    "its volumes first, or use --force",
			    id, users[0].type, users[0].id, users[0].node, users[0].key,
			    n > 1 ? " and more" : "");
	if (r == 0)
		r = edit_file(ctx, &e, err);
	if (ret_users) {
		*ret_users = users;
		*ret_count = n;
	} else {
		free(users);
	}
	return r;
}
