/*
 * clusterctl.h - private to clusterctl: the cluster facts a status command
 * shows, how they are read from corosync and how they are printed, and the
 * corosync.conf text that create/add/delnode write.
 */
#ifndef CLUSTERHA_CLUSTERCTL_H
#define CLUSTERHA_CLUSTERCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <json-c/json.h>

#define CTL_MAX_NODES 64
#define CTL_NAME_MAX  256

/* A node of the nodelist, with what the current membership says of it. */
struct ctl_node {
	uint32_t nodeid;
	unsigned votes;
	char name[CTL_NAME_MAX];
	char addr[CTL_NAME_MAX];
	bool online;
	bool local;
};

/* Everything `clusterctl status` shows, in the order it shows it. */
struct ctl_status {
	/* cluster information */
	char cluster_name[CTL_NAME_MAX];
	uint64_t config_version;
	char transport[32];
	bool secure_auth;
	/* quorum information */
	time_t date;
	char provider[64];
	unsigned n_members;
	uint32_t local_nodeid;
	uint32_t ring_nodeid;
	uint64_t ring_seq;
	bool quorate;
	/* votequorum information */
	unsigned expected_votes;
	unsigned highest_expected;
	unsigned total_votes;
	unsigned quorum;
	unsigned flags; /* VOTEQUORUM_INFO_* */
	/* the nodelist, sorted by node id */
	size_t n_nodes;
	struct ctl_node nodes[CTL_MAX_NODES];
};

/* ---------------------------------------------------------- facts.c */

/* Read the facts from the running corosync; -ENOTCONN when it is not. */
int ctl_status_read(struct ctl_status *ret_status);

/* --------------------------------------------------------- format.c */

/* The status as pvecm-style text, sections in pvecm's order. */
void ctl_status_print(FILE *out, const struct ctl_status *s);

/* The same facts as a JSON object (new reference); NULL on ENOMEM. */
json_object *ctl_status_json(const struct ctl_status *s);

/*
 * Why the quorum of this cluster cannot break a tie, or NULL: a cluster of
 * two nodes without a qdevice either loses quorum when one node fails
 * (plain votequorum) or keeps both halves quorate when they lose each
 * other (two_node), where only fencing prevents split brain.  A static
 * string.
 */
const char *ctl_status_tie_warning(const struct ctl_status *s);

/* The short node list: id, votes, name, address, state. */
void ctl_nodes_print(FILE *out, const struct ctl_status *s);
json_object *ctl_nodes_json(const struct ctl_status *s);

/* The flags as words ("Quorate WaitForAll"), into @buf of @size. */
void ctl_flags_string(unsigned flags, char *buf, size_t size);

#endif /* CLUSTERHA_CLUSTERCTL_H */
