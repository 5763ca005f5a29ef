/*
 * node.h - this node's side of forming a cluster: where its files live
 * (every directory an option), whether it already has a cluster config,
 * making its pki directory, starting the services through the start hook,
 * and waiting for corosync and the tree.
 */
#ifndef CLUSTERHA_CLUSTERCTL_NODE_H
#define CLUSTERHA_CLUSTERCTL_NODE_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_paths {
	const char *corosync_dir; /* authkey, corosync.conf */
	const char *state_dir;    /* pki/: ca.crt, node.key, node.crt */
	const char *mount;        /* the tree */
	const char *start_hook;   /* NULL: systemctl start SERVICE */
};

enum {
	CTL_OPT_COROSYNC_DIR = 1000,
	CTL_OPT_STATE_DIR,
	CTL_OPT_MOUNT,
	CTL_OPT_START_HOOK,
};

#define CTL_PATH_OPTIONS                                                                           \
	{"corosync-dir", required_argument, NULL, CTL_OPT_COROSYNC_DIR},                           \
	    {"state-dir", required_argument, NULL, CTL_OPT_STATE_DIR},                             \
	    {"mount", required_argument, NULL, CTL_OPT_MOUNT},                                     \
	{                                                                                          \
		"start-hook", required_argument, NULL, CTL_OPT_START_HOOK                          \
	}

/* Defaults, with CLUSTERCTL_START_HOOK from the environment. */
void ctl_paths_init(struct ctl_paths *p);

/* Take option @c with @arg if it is a path option; false otherwise. */
bool ctl_paths_option(struct ctl_paths *p, int c, const char *arg);

/* "DIR/NAME" into @buf of @size. */
void ctl_path(char *buf, size_t size, const char *dir, const char *name);

/*
 * Does this node have a cluster config (corosync.conf, authkey, node
 * certificate) or guests?  Then *why names what was found.
 */
bool ctl_node_has_config(const struct ctl_paths *p, char *why, size_t size);

/* Run the start hook for @service ("corosync", "clusterd", "cluster-joind"). */
int ctl_node_start(const struct ctl_paths *p, const char *service);

/* Wait up to @timeout_s for corosync to answer. */
int ctl_node_wait_corosync(unsigned timeout_s);

/* Wait up to @timeout_s for the tree to be mounted and writable (quorate). */
int ctl_node_wait_tree(const struct ctl_paths *p, unsigned timeout_s);

/*
 * Wait up to @timeout_s until this node, @name, has received the
 * cluster's tree: mounted, with a corosync.conf of at least @version, and
 * a .members that lists @name online in a quorate cluster.  On timeout
 * -ETIMEDOUT and *why says which of these was still missing.
 */
int ctl_node_wait_member(const struct ctl_paths *p, const char *name, uint64_t version,
                         unsigned timeout_s, char *why, size_t size);

/*
 * Write @len bytes to DIR/NAME with @mode atomically (a new file renamed
 * over the old); works in the tree and on local disk.
 */
int ctl_write_file(const char *dir, const char *name, const void *data, size_t len, int mode);

/* Read a whole file (at most 1 MiB) into a new NUL-terminated string. */
int ctl_read_file(const char *path, char **ret_text, size_t *ret_len);

/*
 * Create STATE_DIR and STATE_DIR/pki (0700) where missing.  The pki path
 * goes into @pki of @size also on failure, for the message.
 */
int ctl_node_make_pki_dir(const struct ctl_paths *p, char *pki, size_t size);

#endif /* CLUSTERHA_CLUSTERCTL_NODE_H */
