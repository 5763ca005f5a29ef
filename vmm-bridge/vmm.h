/*
 * vmm.h - the guest backend interface of clusterha: one ops table per guest
 * type (vm = QEMU/KVM, ct = LXC, svc = exec scripts), chosen by type name,
 * and the storage plugins the backends put their volumes on.  The HA manager
 * and vmctl(8) call only what is declared here.
 *
 * Guest configurations live in <config root>/nodes/<node>/<dir>/<id>.conf
 * (see cluster-fs(7)); the config root is normally the replicated
 * /etc/cluster, but any plain directory works the same way.  A guest id is
 * unique in the whole cluster.  A backend starts a guest only when its
 * configuration is in this node's directory.
 *
 * Conventions: int functions return >= 0 on success and -errno on failure;
 * on failure the vmm_error_t the caller passed holds one line for a human
 * that names the file, line and key at fault, or the guest and the step that
 * failed.  Nothing here keeps global state; every call may be made from any
 * one thread at a time per context.
 */
#ifndef CLUSTERHA_VMM_H
#define CLUSTERHA_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A human-readable reason for the last failure; caller-allocated. */
typedef struct vmm_error {
	char msg[768];
} vmm_error_t;

/* ---- context: where configs, run files and this node are ---- */

typedef struct vmm_ctx vmm_ctx_t;

struct vmm_ctx_options {
	const char *config_root; /* NULL: /etc/cluster */
	const char *node;	 /* NULL: this host's name (uname) */
	const char *run_dir;	 /* NULL: /run/clusterha; sockets and pid files */
	const char *qemu_binary; /* NULL: qemu-system-x86_64 from $PATH */
	const char *qemu_img;	 /* NULL: qemu-img from $PATH */
	const char *mount;	 /* NULL: mount from $PATH (kernel NFS access) */
	const char *iscsiadm;	 /* NULL: iscsiadm from $PATH (kernel iSCSI access) */
	/* Live migration: how to run "vmctl ..." on another node, as a command
	 * that gets the node name, then the command (NULL: "ssh -o
	 * BatchMode=yes"); and the target's address (NULL: its name resolved). */
	const char *remote_cmd;
	const char *migrate_address;
};

/*
 * Make a context from @opt (borrowed; strings are copied).  Fails with
 * -EINVAL (and a message) for a node name that is not a valid name or a
 * relative directory, -ENOMEM.
 */
int vmm_ctx_new(const struct vmm_ctx_options *opt, vmm_ctx_t **ret_ctx, vmm_error_t *err);

/* Free @ctx; NULL does nothing. */
void vmm_ctx_free(vmm_ctx_t *ctx);

/* The node name and config root in use (owned by @ctx). */
const char *vmm_ctx_node(const vmm_ctx_t *ctx);
const char *vmm_ctx_config_root(const vmm_ctx_t *ctx);
const char *vmm_ctx_run_dir(const vmm_ctx_t *ctx);

/* ---- guests ---- */

/* Guest ids, as in Proxmox VE: 100 .. 999999999. */
#define VMM_ID_MIN 100u
#define VMM_ID_MAX 999999999u

/* Parse a guest id; -EINVAL with a message for anything else. */
int vmm_id_parse(const char *text, unsigned *ret_id, vmm_error_t *err);

enum vmm_state {
	VMM_STATE_STOPPED,
	VMM_STATE_RUNNING,
	VMM_STATE_PAUSED,
};

/* "stopped", "running", "paused". */
const char *vmm_state_name(enum vmm_state state);

struct vmm_status {
	enum vmm_state state;
	pid_t pid;		 /* hypervisor process, 0 when stopped */
	char detail[32];	 /* the hypervisor's own word, e.g. QMP "prelaunch" */
};

/* Flags of migrate. */
#define VMM_MIGRATE_ONLINE 0x1u
/* Flags of snapshot. */
#define VMM_SNAPSHOT_VMSTATE 0x1u

/*
 * A backend.  Every operation names a guest by id and finds its
 * configuration at <root>/nodes/<node>/<conf_dir>/<id>.conf of the context.
 * Operations that are not (yet) possible for a backend return -EOPNOTSUPP
 * with a message saying so.
 *
 * validate:  parse and check the configuration text @text, which came from
 *            @file (borrowed, for messages only).  @for_create allows
 *            "<storage>:<size>" disks that create() will allocate.
 * create:    check @text as validate does, allocate its new volumes, and
 *            write the configuration of guest @id into this node's
 *            directory with the new volume ids.  -EEXIST when the id is
 *            taken on any node.  A failed create frees what it allocated
 *            and leaves no configuration behind.
 * destroy:   remove a stopped guest: free its volumes, then its config.
 *            -EBUSY while it runs.
 * start:     start the guest; returns once the hypervisor runs it.
 *            -EALREADY when it already runs, -EREMOTE when its config is
 *            on another node, -ENOENT when there is none.
 * shutdown:  ask the guest to power off (ACPI) and wait up to @timeout_ms;
 *            then stop it hard.  Returns 0 when it powered off by itself,
 *            1 when it had to be stopped hard.
 * stop:      stop at once (hard).  Stopping a stopped guest is 0.
 * status:    ask the hypervisor itself, not a pid file alone.
 * migrate:   move the guest to @target_node (offline, or live with
 *            VMM_MIGRATE_ONLINE).
 * snapshot, rollback, delsnapshot, listsnapshots: snapshots by name;
 *            listsnapshots returns a NULL-terminated array the caller frees
 *            with vmm_strv_free().  All four NULL: the type has none.
 * list:      ids of this backend's guests on this node, ascending; the
 *            caller frees *ret_ids with free().
 */
struct vmm_backend {
	const char *type;     /* "vm", "ct", "svc" */
	const char *conf_dir; /* "qemu", "lxc", "exec" */
	int (*validate)(vmm_ctx_t *ctx, const char *file, const char *text, bool for_create,
			vmm_error_t *err);
	int (*create)(vmm_ctx_t *ctx, unsigned id, const char *text, vmm_error_t *err);
	int (*destroy)(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err);
	int (*start)(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err);
	int (*shutdown)(vmm_ctx_t *ctx, unsigned id, unsigned timeout_ms, vmm_error_t *err);
	int (*stop)(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err);
	int (*status)(vmm_ctx_t *ctx, unsigned id, struct vmm_status *ret_status,
		      vmm_error_t *err);
	int (*migrate)(vmm_ctx_t *ctx, unsigned id, const char *target_node, unsigned flags,
		       vmm_error_t *err);
	int (*snapshot)(vmm_ctx_t *ctx, unsigned id, const char *name, unsigned flags,
			vmm_error_t *err);
	int (*rollback)(vmm_ctx_t *ctx, unsigned id, const char *name, vmm_error_t *err);
	int (*delsnapshot)(vmm_ctx_t *ctx, unsigned id, const char *name, vmm_error_t *err);
	int (*listsnapshots)(vmm_ctx_t *ctx, unsigned id, char ***ret_names, vmm_error_t *err);
	int (*list)(vmm_ctx_t *ctx, unsigned **ret_ids, size_t *ret_count, vmm_error_t *err);
};

/* The backend for guest type @type ("vm", "ct", "svc"), or NULL. */
const struct vmm_backend *vmm_backend_by_type(const char *type);

/* The backend owning config directory @conf_dir ("qemu", ...), or NULL. */
const struct vmm_backend *vmm_backend_by_dir(const char *conf_dir);

/*
 * Where guest @id is configured in the whole cluster: its node and its
 * guest type ("vm", "ct", "svc"; a static string), also for types whose
 * backend is not built.  @ret_node (size @node_size) and @ret_type may be
 * NULL.  -ENOENT when no node has it.
 */
int vmm_guest_locate(vmm_ctx_t *ctx, unsigned id, char *ret_node, size_t node_size,
		     const char **ret_type, vmm_error_t *err);

/*
 * The path of guest @id's configuration for @backend on this node, into
 * @buf.  -ENAMETOOLONG when it does not fit.
 */
int vmm_guest_conf_path(vmm_ctx_t *ctx, const struct vmm_backend *backend, unsigned id,
			char *buf, size_t size);

/*
 * The value of @key in guest @id's config on this node (for @backend), into
 * @buf; an empty string when the key is not set.  -ENOENT, -EREMOTE as
 * vmm_backend.start, -EINVAL for a config that does not parse.
 */
int vmm_guest_conf_get(vmm_ctx_t *ctx, const struct vmm_backend *backend, unsigned id,
		       const char *key, char *buf, size_t size, vmm_error_t *err);

/*
 * The target node's side of a live migration of QEMU guest @id, whose
 * config is still on node @from (vmctl runs these for the source node).
 * incoming: start a paused QEMU for it that listens on @addr; the URI to
 *           migrate to goes to @ret_uri.  -EALREADY when one runs here.
 * resume:   run the migrated guest, once its config is on this node.
 * abort:    remove the waiting QEMU of a migration that failed; refused
 *           (-EBUSY) for a guest configured on this node.
 */
int vmm_qemu_incoming(vmm_ctx_t *ctx, unsigned id, const char *from, const char *addr,
		      char *ret_uri, size_t size, vmm_error_t *err);
int vmm_qemu_incoming_resume(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err);
int vmm_qemu_incoming_abort(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err);

/* Free a NULL-terminated string array; NULL does nothing. */
void vmm_strv_free(char **strv);

/* ---- storage: storage.cfg and its plugins ---- */

typedef struct vmm_storage_cfg vmm_storage_cfg_t;

/* Content types a storage may hold. */
#define VMM_CONTENT_IMAGES 0x1u
#define VMM_CONTENT_ISO	   0x2u
#define VMM_CONTENT_ROOTDIR 0x4u
#define VMM_CONTENT_VZTMPL 0x8u
#define VMM_CONTENT_BACKUP 0x10u
#define VMM_CONTENT_SNIPPETS 0x20u

/* How a host reaches network storage. */
enum vmm_storage_access {
	VMM_ACCESS_KERNEL, /* NFS mounted, iSCSI logged in by the host */
	VMM_ACCESS_QEMU,   /* QEMU's own libnfs / libiscsi drivers */
};

/* One storage of storage.cfg; owned by its vmm_storage_cfg_t. */
struct vmm_storage {
	char type[16];	/* "dir", "nfs", "iscsi" */
	char id[64];	/* the name volume ids start with */
	unsigned content; /* VMM_CONTENT_* */
	bool shared;
	char **nodes;	/* NULL-terminated; NULL: every node */
	char *path;	/* dir: the directory; nfs: the mount point */
	char *server;	/* nfs */
	char *export_;	/* nfs */
	char *portal;	/* iscsi */
	char *target;	/* iscsi */
	enum vmm_storage_access access;
};

/*
 * Parse storage.cfg text @text from @file (borrowed, for messages).  Errors
 * name file, line and key: unknown storage type or key, a duplicate storage
 * id or key, a missing required key, a bad value.
 */
int vmm_storage_cfg_parse(const char *file, const char *text, vmm_storage_cfg_t **ret_cfg,
			  vmm_error_t *err);

/*
 * Read and parse <config root>/storage.cfg; a missing file is an empty
 * configuration.
 */
int vmm_storage_cfg_load(vmm_ctx_t *ctx, vmm_storage_cfg_t **ret_cfg, vmm_error_t *err);

void vmm_storage_cfg_free(vmm_storage_cfg_t *cfg);

/* Number of storages, and the @i-th in file order (owned by @cfg). */
size_t vmm_storage_cfg_count(const vmm_storage_cfg_t *cfg);
const struct vmm_storage *vmm_storage_cfg_at(const vmm_storage_cfg_t *cfg, size_t i);

/* The storage called @id, or NULL. */
const struct vmm_storage *vmm_storage_cfg_find(const vmm_storage_cfg_t *cfg, const char *id);

/* Whether node @node sees @st (its "nodes" list names it, or is absent). */
bool vmm_storage_on_node(const struct vmm_storage *st, const char *node);

/* "images,iso" for a content mask, into @buf. */
void vmm_storage_content_format(unsigned content, char *buf, size_t size);

/* ---- editing storage.cfg (storagecfg-edit.c, storage-users.c) ---- */

/* One "--key value" of storagectl add/set; @value NULL deletes @key (set). */
struct vmm_storage_kv {
	const char *key;
	const char *value;
};

/*
 * Text edits of storage.cfg: each takes the current text @text of @file
 * (borrowed; @file names it in messages), checks the result with the
 * parser that reads storage.cfg, and returns the whole new text in
 * *@ret_text (caller frees).  Lines, comments and order of every section
 * but the edited one stay as they are.  -EINVAL with a message naming the
 * storage and the key: an unknown key or type, a bad value, a missing
 * required key, a value with a line break; -EEXIST when add names a
 * storage that exists, -ENOENT when set or remove names one that does not,
 * or set deletes a key the section does not have.
 *
 * add:    append section "<type>: <id>" with @kv (in that order).
 * set:    replace the value of each key of @kv in place, append the keys the
 *         section does not have, delete those whose value is NULL.
 * remove: drop the section (its header and indented lines).
 */
int vmm_storage_cfg_add(const char *file, const char *text, const char *type, const char *id,
			const struct vmm_storage_kv *kv, size_t n, char **ret_text,
			vmm_error_t *err);
int vmm_storage_cfg_set(const char *file, const char *text, const char *id,
			const struct vmm_storage_kv *kv, size_t n, char **ret_text,
			vmm_error_t *err);
int vmm_storage_cfg_remove(const char *file, const char *text, const char *id,
			   char **ret_text, vmm_error_t *err);

/* A guest config that names a storage. */
struct vmm_storage_user {
	char node[64];
	const char *type; /* "vm", "ct"; static */
	unsigned id;
	char key[16];	  /* the config key: "scsi0", "rootfs" */
};

/*
 * Every guest config on every node (<root>/nodes/ * /qemu/<id>.conf and
 * lxc/<id>.conf) with a disk or rootfs on storage @storage, read with the
 * backends' own config parsers; into *@ret_users (caller frees with free())
 * and *@ret_count.  A config that does not parse is -EINVAL naming it,
 * unless @lenient, which skips it.
 */
int vmm_storage_users(vmm_ctx_t *ctx, const char *storage, bool lenient,
		      struct vmm_storage_user **ret_users, size_t *ret_count, vmm_error_t *err);

/*
 * The edits above on <config root>/storage.cfg of @ctx: read it (missing is
 * empty), edit, and replace it with one rename of a temporary file in the
 * same directory, so that no reader on any node sees half a file.
 * vmm_storage_remove refuses (-EBUSY, naming the first guest) a storage
 * that a guest config still uses unless @force; the users it found go to
 * *@ret_users / *@ret_count (caller frees; may be NULL) also on -EBUSY.
 */
int vmm_storage_add(vmm_ctx_t *ctx, const char *type, const char *id,
		    const struct vmm_storage_kv *kv, size_t n, vmm_error_t *err);
int vmm_storage_set(vmm_ctx_t *ctx, const char *id, const struct vmm_storage_kv *kv, size_t n,
		    vmm_error_t *err);
int vmm_storage_remove(vmm_ctx_t *ctx, const char *id, bool force,
		       struct vmm_storage_user **ret_users, size_t *ret_count, vmm_error_t *err);

struct vmm_storage_status {
	bool available;
	uint64_t total; /* bytes */
	uint64_t used;	/* bytes */
};

/*
 * A storage plugin, chosen by storage type.
 *
 * activate: make the storage usable on this host (create the directory,
 *           mount, log in); idempotent.
 * status:   whether it is usable, and its size.
 * alloc:    create a new volume of @size bytes in @format ("qcow2", "raw")
 *           for guest @id with qemu-img; its volume name (the part after
 *           "<storage>:") goes to @ret_volume.
 * free:     remove volume @volume.
 * blockdev: how QEMU reaches @volume: the options of a protocol-level
 *           -blockdev (e.g. "driver=file,filename=/..."), with commas in
 *           values already doubled.
 * path:     a name qemu-img understands for @volume (file name or URL).
 */
struct vmm_storage_plugin {
	const char *type;
	int (*activate)(vmm_ctx_t *ctx, const struct vmm_storage *st, vmm_error_t *err);
	int (*status)(vmm_ctx_t *ctx, const struct vmm_storage *st,
		      struct vmm_storage_status *ret_status, vmm_error_t *err);
	int (*alloc)(vmm_ctx_t *ctx, const struct vmm_storage *st, unsigned id,
		     const char *format, uint64_t size, char *ret_volume, size_t volume_size,
		     vmm_error_t *err);
	int (*free)(vmm_ctx_t *ctx, const struct vmm_storage *st, const char *volume,
		    vmm_error_t *err);
	int (*blockdev)(vmm_ctx_t *ctx, const struct vmm_storage *st, const char *volume,
			char *buf, size_t size, vmm_error_t *err);
	int (*path)(vmm_ctx_t *ctx, const struct vmm_storage *st, const char *volume,
		    char *buf, size_t size, vmm_error_t *err);
};

/* The plugin for storage type @type, or NULL when none is built yet. */
const struct vmm_storage_plugin *vmm_storage_plugin_by_type(const char *type);

#endif /* CLUSTERHA_VMM_H */
