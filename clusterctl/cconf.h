/*
 * cconf.h - corosync.conf as clusterctl writes and edits it: the file of a
 * new cluster, and adding or removing a node with a config_version bump.
 * Pure text in, text out; no I/O.  All text returned is new (free()).
 */
#ifndef CLUSTERHA_CLUSTERCTL_CCONF_H
#define CLUSTERHA_CLUSTERCTL_CCONF_H

#include <stdint.h>

/* What a new cluster's corosync.conf says. */
struct ctl_cconf_params {
	const char *cluster_name;
	const char *node_name;
	const char *addr; /* ring0_addr of the node */
	uint32_t nodeid;
	unsigned votes;
	unsigned token_ms;    /* 0: corosync's default */
	const char *log_file; /* NULL: no log file, syslog only */
};

/* The config_version of @text into *ret_version; -ENOENT when it has none. */
int ctl_cconf_version(const char *text, uint64_t *ret_version);

/* A node as the nodelist names it. */
struct ctl_cconf_node {
	uint32_t nodeid;
	char name[256];
	char addr[256];
};

/* The corosync.conf of a new one-node cluster, config_version 1. */
int ctl_cconf_render(const struct ctl_cconf_params *p, char **ret_text);

/*
 * The nodes of @text (at most @max into @nodes); returns how many, or
 * -EINVAL when the file has no nodelist or unbalanced braces.
 */
int ctl_cconf_nodes(const char *text, struct ctl_cconf_node *nodes, int max);

/*
 * @text with the node @name at @addr with @votes added under the next free
 * node id (*ret_nodeid) and config_version one higher.  -EEXIST when the
 * name or the address is already in the nodelist; -EINVAL on a file
 * without nodelist or totem section.
 */
int ctl_cconf_add_node(const char *text, const char *name, const char *addr, unsigned votes,
                       char **ret_text, uint32_t *ret_nodeid);

/* @text without node @name and config_version one higher; -ENOENT if absent. */
int ctl_cconf_del_node(const char *text, const char *name, char **ret_text);

#endif /* CLUSTERHA_CLUSTERCTL_CCONF_H */
