/*
 * cmd.h - the clusterctl subcommands (one file each) and the small
 * helpers they share.  Each returns the process exit status: 0 ok, 1
 * failed, 2 bad usage.
 */
#ifndef CLUSTERHA_CLUSTERCTL_CMD_H
#define CLUSTERHA_CLUSTERCTL_CMD_H

#include <stdbool.h>

#include "clusterctl/node.h"

int ctl_cmd_create(int argc, char **argv);
int ctl_cmd_join_token(int argc, char **argv);
int ctl_cmd_add(int argc, char **argv);
int ctl_cmd_delnode(int argc, char **argv);
int ctl_cmd_expected(int argc, char **argv);

/* A decimal in [lo, hi] for option @opt; prints the problem and -EINVAL. */
int ctl_parse_uint(const char *opt, const char *arg, unsigned lo, unsigned hi, unsigned *ret);

/* 1-15 characters of A-Z a-z 0-9 '-'. */
bool ctl_valid_cluster_name(const char *name);

/* corosync (waiting until it answers), clusterd and cluster-joind through the hook. */
int ctl_start_services(const struct ctl_paths *p);

#endif /* CLUSTERHA_CLUSTERCTL_CMD_H */
