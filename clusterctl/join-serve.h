/*
 * join-serve.h - the member's side of a join: one TLS connection from a
 * new node, checked against the join token records, answered with the
 * cluster's keys and a corosync.conf that includes the new node.  Used by
 * cluster-joind.
 */
#ifndef CLUSTERHA_CLUSTERCTL_JOIN_SERVE_H
#define CLUSTERHA_CLUSTERCTL_JOIN_SERVE_H

#include "clusterctl/node.h"

typedef struct ctl_joiner ctl_joiner_t;

/* Load this node's certificate for TLS; @paths (borrowed) must outlive it. */
int ctl_joiner_new(const struct ctl_paths *paths, ctl_joiner_t **ret_joiner);
void ctl_joiner_free(ctl_joiner_t *j);

/* Serve one accepted connection @fd (closed here) from @peer (for the log). */
void ctl_joiner_serve(ctl_joiner_t *j, int fd, const char *peer);

#endif /* CLUSTERHA_CLUSTERCTL_JOIN_SERVE_H */
