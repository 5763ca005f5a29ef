/*
 * vmm-int.h - what the files of vmm-bridge share and nothing outside uses
 * (tests excepted): error helpers, argument vectors, the guest config line
 * parser, the QEMU guest config, the command line, processes and QMP.
 */
#ifndef CLUSTERHA_VMM_INT_H
#define CLUSTERHA_VMM_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "vmm-bridge/vmm.h"

/* ---- errors (error.c) ---- */

/* Write a message into @err (may be NULL) and return @code (< 0). */
int vmm_err(vmm_error_t *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the message already in @err with "<fmt>: "; returns @code. */
int vmm_err_prefix(vmm_error_t *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- argument vectors (argv.c) ---- */

/*
 * A growing NULL-terminated string array.  An allocation failure is sticky:
 * later adds do nothing and vmm_argv_done() reports -ENOMEM once.
 */
struct vmm_argv {
	char **v;
	size_t n, cap;
	bool failed;
};

void vmm_argv_add(struct vmm_argv *a, const char *s);
void vmm_argv_addf(struct vmm_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 0, or -ENOMEM when an add failed (then the array is freed). */
int vmm_argv_done(struct vmm_argv *a);
void vmm_argv_free(struct vmm_argv *a);

/* Append @s to @buf (size @size, holding a string) with each ',' doubled. */
int vmm_qemu_escape(char *buf, size_t size, const char *s);

/* ---- files (file.c) ---- */

/* Read a whole file into *ret_text (caller frees); -ENOENT etc. */
int vmm_file_read(const char *path, char **ret_text, vmm_error_t *err);

/*
 * Write @text to @path through a temporary file in the same directory and a
 * rename, so readers (and cfs) see the old or the new file, never a part.
 * @exclusive: fail with -EEXIST when @path exists.
 */
int vmm_file_write(const char *path, const char *text, bool exclusive, vmm_error_t *err);

/* A new config file: make @path's directory, then vmm_file_write(exclusive). */
int vmm_file_create(const char *path, const char *text, vmm_error_t *err);

/* mkdir -p with mode 0755. */
int vmm_mkdir_p(const char *path);

/*
 * Make @dir, then take a blocking exclusive flock on file @lock (created
 * when missing): a guest's operation lock.  Close *ret_fd to release.
 */
int vmm_file_lock(const char *dir, const char *lock, int *ret_fd, vmm_error_t *err);

/* ---- sizes (size.c) ---- */

/*
 * Parse "<n>[KMGT]" (binary units, optional trailing B or iB) into bytes;
 * a bare number is in @unit bytes.  -EINVAL, -ERANGE.
 */
int vmm_size_parse(const char *text, uint64_t unit, uint64_t *ret_bytes);

/* Parse a decimal number in [min, max]; -EINVAL / -ERANGE. */
int vmm_uint_parse(const char *text, unsigned long min, unsigned long max,
		   unsigned long *ret);

/* ---- guest config lines (conf.c) ---- */

struct vmm_conf_line {
	char *key;
	char *value;
	unsigned line;
};

/* A guest config split into "key: value" lines, in file order. */
struct vmm_conf {
	char *file;
	struct vmm_conf_line *lines;
	size_t n;
};

/*
 * Split @text (from @file) into lines.  Errors name file and line: a line
 * without "key: value", a bad key, a duplicate key, an empty value, a
 * snapshot section.
 */
int vmm_conf_parse(const char *file, const char *text, struct vmm_conf **ret_conf,
		   vmm_error_t *err);
void vmm_conf_free(struct vmm_conf *conf);

/* ---- checking guest config values (conf-check.c) ---- */

/* Where a parser is: the file, the line at hand, where errors go. */
struct vmm_conf_at {
	const char *file;
	const struct vmm_conf_line *l;
	vmm_error_t *err;
};

/* Record "<file>:<line>: <key>: <message>" in at->err; returns -EINVAL. */
int vmm_conf_bad(const struct vmm_conf_at *at, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* 1..@max characters, alphanumeric first, then alphanumeric or in @extra. */
bool vmm_word_valid(const char *s, size_t max, const char *extra);

/* The line's value as a number in @min..@max, or vmm_conf_bad(). */
int vmm_conf_number(const struct vmm_conf_at *at, unsigned long min, unsigned long max,
		    unsigned long *ret);

/* A volume name: a relative path of safe characters, no "..". */
bool vmm_volume_valid(const char *v);

/* ---- context internals (ctx.c) ---- */

/* <root>/nodes/<node>/<conf_dir> into @buf. */
int vmm_ctx_conf_dir(vmm_ctx_t *ctx, const char *node, const char *conf_dir, char *buf,
		     size_t size);

/*
 * The config path of guest @id for @backend on this node, after checking
 * that the guest is configured here: -ENOENT when nowhere, -EREMOTE (with
 * the node's name in the message) when on another node or with another
 * backend.
 */
int vmm_ctx_local_conf(vmm_ctx_t *ctx, const struct vmm_backend *backend, unsigned id,
		       char *buf, size_t size, vmm_error_t *err);

/*
 * Before creating guest @id with @backend: -EEXIST (naming the node) when a
 * guest with that id exists on any node, else its config path on this node
 * into @buf; -ENAMETOOLONG.
 */
int vmm_ctx_new_conf(vmm_ctx_t *ctx, const struct vmm_backend *backend, unsigned id,
		     char *buf, size_t size, vmm_error_t *err);

/*
 * Whether @what ("guest", ...) @id may move to @node: -EINVAL when @node
 * is this node, -ENOENT when it has no directory under <root>/nodes.
 */
int vmm_ctx_check_target(vmm_ctx_t *ctx, const char *what, unsigned id, const char *node,
			 vmm_error_t *err);

/*
 * Where guest @id's config goes when it moves to @node: make @backend's
 * config directory there and put the config path into @buf.
 */
int vmm_ctx_target_conf(vmm_ctx_t *ctx, const struct vmm_backend *backend, unsigned id,
			const char *node, char *buf, size_t size, vmm_error_t *err);

/* The ids of @backend's guests on this node, ascending. */
int vmm_ctx_list(vmm_ctx_t *ctx, const struct vmm_backend *backend, unsigned **ret_ids,
		 size_t *ret_count, vmm_error_t *err);

const char *vmm_ctx_qemu_binary(const vmm_ctx_t *ctx);
const char *vmm_ctx_qemu_img(const vmm_ctx_t *ctx);
const char *vmm_ctx_mount(const vmm_ctx_t *ctx);
const char *vmm_ctx_iscsiadm(const vmm_ctx_t *ctx);
const char *vmm_ctx_remote_cmd(const vmm_ctx_t *ctx);
/* NULL: resolve the target node's name. */
const char *vmm_ctx_migrate_address(const vmm_ctx_t *ctx);

/* ---- processes (proc.c) ---- */

/*
 * Run @argv (argv[0] looked up in $PATH) with stdin from /dev/null and
 * stdout+stderr collected into @out (size @size, always terminated, last
 * line kept when longer).  Returns the exit status (0..255), or -errno when
 * it could not run, or -EINTR when a signal killed it.
 */
int vmm_proc_run(char *const argv[], char *out, size_t size);

/*
 * Run @argv and keep all of its stdout in *ret_out (caller frees, also on
 * a non-zero exit) and the last line of its stderr in @errbuf.  Returns the
 * exit status or -errno as vmm_proc_run.
 */
int vmm_proc_capture(char *const argv[], char **ret_out, char *errbuf, size_t errsize);

/* Sleep @ms milliseconds, on through signals: the pause between two polls. */
void vmm_sleep_ms(long ms);

/* ---- volumes (volume.c) ---- */

/* "<storage>:<volume>" split; -EINVAL when there is no storage part. */
int vmm_volid_split(const char *volid, char *ret_storage, size_t storage_size,
		    const char **ret_volume);

/* ---- network storage through the host kernel (storage-kernel.c) ---- */

/* Where an nfs storage is mounted: its "path", else /mnt/pve/<id>. */
int vmm_nfs_mount_point(const struct vmm_storage *st, char *buf, size_t size);

/* mount -t nfs -o vers=3,hard,tcp SERVER:EXPORT MNT; -EINVAL, -ENOMEM. */
int vmm_nfs_mount_argv(const char *mount_binary, const struct vmm_storage *st, const char *mnt,
		       struct vmm_argv *ret);

/* The portal with its port ("host" -> "host:3260"). */
int vmm_iscsi_portal(const struct vmm_storage *st, char *buf, size_t size);

/* iscsiadm --mode node --targetname T --portal P --login. */
int vmm_iscsi_login_argv(const char *iscsiadm, const struct vmm_storage *st,
			 struct vmm_argv *ret);

/* /dev/disk/by-path/ip-<portal>-iscsi-<target>-lun-<lun>. */
int vmm_iscsi_device(const struct vmm_storage *st, unsigned lun, char *buf, size_t size);

/* "lun<N>" -> N (0..16383); -EINVAL. */
int vmm_lun_parse(const char *volume, unsigned *ret_lun);

/* Whether the text of a /proc/self/mountinfo lists @path as a mount point. */
bool vmm_mountinfo_has(const char *mountinfo, const char *path);
bool vmm_is_mounted(const char *path);

/* Mount @st at its mount point unless it is mounted; errors quote mount(8). */
int vmm_nfs_kernel_mount(vmm_ctx_t *ctx, const struct vmm_storage *st, vmm_error_t *err);

/* Log in to @st's target; an existing session is fine. */
int vmm_iscsi_kernel_login(vmm_ctx_t *ctx, const struct vmm_storage *st, vmm_error_t *err);

/* ---- NFS in user space (nfs-client.c, libnfs) ---- */

typedef struct vmm_nfs vmm_nfs_t;

/* Mount @st's export in user space (NFSv3).  Paths below are in the export. */
int vmm_nfs_open(const struct vmm_storage *st, vmm_nfs_t **ret, vmm_error_t *err);
void vmm_nfs_close(vmm_nfs_t *c);
/* 1 when @path exists, 0 when not, -errno. */
int vmm_nfs_exists(vmm_nfs_t *c, const char *path, vmm_error_t *err);
/* mkdir; an existing directory is fine. */
int vmm_nfs_mkdir(vmm_nfs_t *c, const char *path, vmm_error_t *err);
/* unlink; a missing file is fine. */
int vmm_nfs_unlink(vmm_nfs_t *c, const char *path, vmm_error_t *err);
void vmm_nfs_rmdir_if_empty(vmm_nfs_t *c, const char *path);
int vmm_nfs_size(vmm_nfs_t *c, uint64_t *ret_total, uint64_t *ret_used, vmm_error_t *err);

/* ---- the QEMU guest config (qemu-conf.c) ---- */

enum vmm_disk_bus { VMM_BUS_SCSI, VMM_BUS_VIRTIO, VMM_BUS_SATA, VMM_BUS_IDE };

#define VMM_QEMU_MAX_DISKS 16
#define VMM_QEMU_MAX_NICS 8
#define VMM_QEMU_MAX_BOOT 8

struct vmm_qemu_disk {
	char key[16];	       /* "scsi0" */
	enum vmm_disk_bus bus;
	unsigned index;
	bool cdrom;	       /* media=cdrom */
	bool none;	       /* "none": an empty cdrom drive */
	char storage[64];
	char volume[256];      /* empty when still to allocate */
	uint64_t alloc_size;   /* bytes, for "<storage>:<size>" at create */
	char format[8];	       /* "qcow2", "raw"; from format= or the name */
	char options[256];     /* the ",k=v" tail as written, kept on rewrite */
};

struct vmm_qemu_nic {
	char key[8];	       /* "net0" */
	unsigned index;
	char model[16];	       /* virtio, e1000, rtl8139 */
	char mac[18];	       /* empty: derived from the id at start */
	char bridge[16];
};

struct vmm_qemu_conf {
	char name[64];
	unsigned long memory_mib;
	unsigned long cores, sockets;
	char ostype[16];
	char cpu[16];	       /* empty: kvm64 under KVM, qemu64 without */
	bool no_kvm;	       /* "kvm: 0": emulate (TCG) even where /dev/kvm works */
	char boot[VMM_QEMU_MAX_BOOT][16]; /* device keys in boot order */
	size_t nboot;
	struct vmm_qemu_disk disks[VMM_QEMU_MAX_DISKS];
	size_t ndisks;
	struct vmm_qemu_nic nics[VMM_QEMU_MAX_NICS];
	size_t nnics;
	char args[512];
	/* Direct kernel boot: paths on the node; initrd and append need kernel. */
	char kernel[1024];
	char initrd[1024];
	char append[1024];
};

/*
 * Check @conf's lines as a QEMU guest config into @ret.  @for_create
 * allows "<storage>:<size>" disks.  @storage (may be NULL: no check) is
 * checked for the storages that disks name.  Errors: "<file>:<line>: <key>:
 * <problem>".
 */
int vmm_qemu_conf_parse(const struct vmm_conf *conf, bool for_create,
			const vmm_storage_cfg_t *storage, struct vmm_qemu_conf *ret,
			vmm_error_t *err);

/* Write @qc back as config text (caller frees *ret_text). */
int vmm_qemu_conf_format(const struct vmm_qemu_conf *qc, char **ret_text);

/* ---- QEMU command line (qemu-cmdline.c) ---- */

struct vmm_qemu_paths {
	const char *binary;  /* qemu-system-x86_64 */
	const char *qmp;     /* QMP socket */
	const char *pidfile;
	bool kvm;	     /* /dev/kvm usable */
	bool paused;	     /* -S: the guest's CPUs wait for QMP cont */
	bool incoming;	     /* paused, waiting for a migration (-incoming defer) */
};

/*
 * The QEMU command line for guest @id from @qc, with disks reached through
 * @storage's plugins.  Errors name the disk key.
 */
int vmm_qemu_cmdline(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_conf *qc,
		     const vmm_storage_cfg_t *storage, const struct vmm_qemu_paths *paths,
		     struct vmm_argv *ret_argv, vmm_error_t *err);

/* ---- QMP (qmp.c) ---- */

typedef struct vmm_qmp vmm_qmp_t;

/*
 * Connect to the QMP socket @path, read the greeting and leave capability
 * negotiation.  @timeout_ms bounds every later wait for an answer too.
 */
int vmm_qmp_connect(const char *path, int timeout_ms, vmm_qmp_t **ret_qmp, vmm_error_t *err);

/*
 * Run QMP command @command with @args (borrowed; may be NULL).  Events that
 * arrive meanwhile are skipped.  On success *ret_return (may be NULL) holds
 * the "return" value (caller puts it).  A QMP error gives -EIO with its
 * class and description in @err.
 */
int vmm_qmp_execute(vmm_qmp_t *qmp, const char *command, json_object *args,
		    json_object **ret_return, vmm_error_t *err);

/* Wait up to @timeout_ms for the socket to close (QEMU exited): 0 or -ETIMEDOUT. */
int vmm_qmp_wait_closed(vmm_qmp_t *qmp, int timeout_ms);

void vmm_qmp_free(vmm_qmp_t *qmp);

/* ---- guest NICs (net.c) ---- */

/* Whether @s is a unicast MAC address written "52:54:00:12:34:56". */
bool vmm_net_mac_valid(const char *s);

/* -ENODEV with the NIC's key when a bridge @qc names does not exist. */
int vmm_net_check(const struct vmm_qemu_conf *qc, vmm_error_t *err);

/* Put network device @dev into @bridge and bring it up; @key names it in errors. */
int vmm_net_plug_dev(const char *dev, const char *bridge, const char *key, vmm_error_t *err);

/* Put each tap device QEMU made for guest @id into its bridge, up. */
int vmm_net_plug(unsigned id, const struct vmm_qemu_conf *qc, vmm_error_t *err);

/* ---- QEMU processes (qemu-run.c) ---- */

/* The run files of one guest. */
struct vmm_qemu_run {
	char dir[4096];
	char qmp[4200];
	char pid[4200];
	char lock[4200];
};

int vmm_qemu_run_paths(vmm_ctx_t *ctx, unsigned id, struct vmm_qemu_run *ret,
		       vmm_error_t *err);

/* The guest's state from QEMU itself (QMP query-status). */
int vmm_qemu_status_run(const struct vmm_qemu_run *run, unsigned id, struct vmm_status *ret,
			vmm_error_t *err);

enum vmm_launch {
	VMM_LAUNCH_RUN,
	VMM_LAUNCH_PAUSED,   /* CPUs stopped until QMP cont */
	VMM_LAUNCH_INCOMING, /* paused, waiting for a live migration (migrate-incoming) */
};

/* Start QEMU for @qc; returns once QEMU runs (it daemonizes when ready). */
int vmm_qemu_launch(vmm_ctx_t *ctx, const struct vmm_qemu_run *run, unsigned id,
		    const struct vmm_qemu_conf *qc, const vmm_storage_cfg_t *storage,
		    enum vmm_launch how, vmm_error_t *err);

/* Activate the storages of @qc's disks on this node. */
int vmm_qemu_activate_disks(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_conf *qc,
			    const vmm_storage_cfg_t *storage, vmm_error_t *err);

/* ---- snapshots (qemu-snapshot.c); the caller holds the guest's lock ---- */

int vmm_qemu_snap_create(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_conf *qc,
			 const vmm_storage_cfg_t *storage, const struct vmm_qemu_run *run,
			 const char *name, bool vmstate, vmm_error_t *err);
int vmm_qemu_snap_rollback(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_conf *qc,
			   const vmm_storage_cfg_t *storage, const struct vmm_qemu_run *run,
			   const char *name, vmm_error_t *err);
int vmm_qemu_snap_delete(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_conf *qc,
			 const vmm_storage_cfg_t *storage, const struct vmm_qemu_run *run,
			 const char *name, vmm_error_t *err);
int vmm_qemu_snap_list(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_conf *qc,
		       const vmm_storage_cfg_t *storage, const struct vmm_qemu_run *run,
		       char ***ret_names, vmm_error_t *err);

/* ---- live migration (qemu-migrate.c; the backend's rules in qemu.c) ---- */

/*
 * Parse guest config @path as the backend does (with storage.cfg) into
 * @qc; *ret_storage is the storage.cfg it was checked against.
 */
int vmm_qemu_load_path(vmm_ctx_t *ctx, const char *path, struct vmm_qemu_conf *qc,
		       vmm_storage_cfg_t **ret_storage, vmm_error_t *err);

/*
 * Move running guest @id to @target live: a paused QEMU waits there (the
 * target's vmctl migrate-incoming, run through the remote command), QMP
 * migrate, wait for completion, rename @conf_path to @dest_path, resume
 * the target, quit the source.  The caller holds the guest's lock and has
 * checked the storage.
 */
int vmm_qemu_migrate_live(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_run *run,
			  const char *target, const char *conf_path, const char *dest_path,
			  vmm_error_t *err);

/* ACPI power button, wait @timeout_ms, then vmm_qemu_kill: 0 or 1 (killed). */
int vmm_qemu_powerdown(const struct vmm_qemu_run *run, unsigned id, unsigned timeout_ms,
		       vmm_error_t *err);

/* QMP quit, then SIGKILL; returns once the process is gone. */
int vmm_qemu_kill(const struct vmm_qemu_run *run, unsigned id, vmm_error_t *err);

/* ---- the LXC container config (lxc-conf.c) ---- */

#define VMM_LXC_MAX_NICS 8

struct vmm_lxc_nic {
	char key[8];	       /* "net0" */
	unsigned index;
	char name[16];	       /* inside the container; default eth<index> */
	char bridge[16];
	char hwaddr[18];       /* empty: derived from the id at start */
	char ip[64];	       /* IPv4 CIDR; empty: none */
	char gw[48];
};

struct vmm_lxc_conf {
	char hostname[64];     /* empty: ct<id> */
	unsigned long memory_mib;
	unsigned long cores;   /* 0: no limit */
	char storage[64];      /* rootfs */
	char volume[256];
	struct vmm_lxc_nic nics[VMM_LXC_MAX_NICS];
	size_t nnics;
};

/*
 * Check @conf's lines as a container config into @ret.  @storage (may be
 * NULL: no check) is checked for the rootfs storage.  Errors:
 * "<file>:<line>: <key>: <problem>".
 */
int vmm_lxc_conf_parse(const struct vmm_conf *conf, const vmm_storage_cfg_t *storage,
		       struct vmm_lxc_conf *ret, vmm_error_t *err);

/* ---- LXC containers (lxc-run.c, liblxc) ---- */

/* The run files of one container: LXC's own directory and our lock. */
struct vmm_lxc_run {
	char lxcpath[4096];    /* <run>/lxc: LXC's "lxcpath" */
	char name[16];	       /* the id: LXC's container name */
	char log[4200];
	char lock[4200];
};

int vmm_lxc_run_paths(vmm_ctx_t *ctx, unsigned id, struct vmm_lxc_run *ret, vmm_error_t *err);

/* The state from LXC itself (its monitor's command socket). */
int vmm_lxc_status_run(const struct vmm_lxc_run *run, struct vmm_status *ret, vmm_error_t *err);

/* Start container @id from @lc with its root file system at @rootfs. */
int vmm_lxc_launch(const struct vmm_lxc_run *run, unsigned id, const struct vmm_lxc_conf *lc,
		   const char *rootfs, vmm_error_t *err);

/* Power off (SIGPWR to its init), wait @timeout_ms, then stop hard: 0 or 1 (hard). */
int vmm_lxc_powerdown(const struct vmm_lxc_run *run, unsigned id, unsigned timeout_ms,
		      vmm_error_t *err);

/* Stop hard (SIGKILL to its init); a stopped container is 0. */
int vmm_lxc_kill(const struct vmm_lxc_run *run, unsigned id, vmm_error_t *err);

/* ---- running a service script (exec-run.c) ---- */

/*
 * Run @argv with @envp added to the environment, in its own process group,
 * stdin from /dev/null; its last line of output goes to @out.  Waits for
 * the process itself, not for its output to end, so a script may leave a
 * daemon behind that keeps the pipe.  After @timeout_ms the process group
 * gets SIGKILL and the result is -ETIMEDOUT.  Returns the exit status
 * (0..255), -EINTR when a signal killed it, or -errno.
 */
int vmm_exec_run(char *const argv[], char *const envp[], unsigned timeout_ms, char *out,
		 size_t size);

/* ---- the remote command (qemu-migrate.c) ---- */

/* Run "<remote command> NODE vmctl SUB ID [A1..A4]"; @out gets its last line. */
int vmm_remote_vmctl(vmm_ctx_t *ctx, const char *node, const char *sub, unsigned id,
		     const char *a1, const char *a2, const char *a3, const char *a4, char *out,
		     size_t size, vmm_error_t *err);

/* ---- storage.cfg internals (storagecfg.c) ---- */

/*
 * Parse storage.cfg text that is not (yet) in a file, e.g. a section a
 * command is about to add: as vmm_storage_cfg_parse, but messages read
 * "<what>: <type>: <storage>: <problem>", without a line number.
 */
int vmm_storage_cfg_parse_unlined(const char *what, const char *text,
				  vmm_storage_cfg_t **ret_cfg, vmm_error_t *err);

/* The line (from 1) of the @i-th storage's section header; 0 when none. */
unsigned vmm_storage_cfg_line(const vmm_storage_cfg_t *cfg, size_t i);

/* ---- backends ---- */

extern const struct vmm_backend vmm_backend_qemu;
extern const struct vmm_backend vmm_backend_lxc;
extern const struct vmm_backend vmm_backend_exec;
extern const struct vmm_storage_plugin vmm_storage_dir;
extern const struct vmm_storage_plugin vmm_storage_nfs;
extern const struct vmm_storage_plugin vmm_storage_iscsi;

#endif /* CLUSTERHA_VMM_INT_H */
