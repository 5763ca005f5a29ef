/*
 * admin.c - `clusterctl delnode NAME` and `clusterctl expected N`: the
 * membership changes an admin makes on a running cluster.  delnode edits
 * corosync.conf in the tree (clusterd installs it everywhere); expected
 * asks votequorum directly.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/votequorum.h>

#include "clusterctl/cconf.h"
#include "clusterctl/clusterctl.h"
#include "clusterctl/cmd.h"
#include "common/common.h"

/* Parse the path options and exactly one argument into *ret_arg. */
static int
one_arg(int argc, char **argv, struct ctl_paths *p, const char **ret_arg)
{
	static const struct option longopts[] = {
	    CTL_PATH_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	int c;

	ctl_paths_init(p);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if (!ctl_paths_option(p, c, optarg))
			return -EINVAL;
	if (optind + 1 != argc) {
		fprintf(stderr, "clusterctl %s: needs exactly one argument\n", argv[0]);
		return -EINVAL;
	}
	*ret_arg = argv[optind];
	return 0;
}

static struct ctl_status *
read_status(void)
{
	struct ctl_status *s = malloc(sizeof(*s));
	int r = s ? ctl_status_read(s) : -ENOMEM;

	if (r < 0) {
		fprintf(stderr, "clusterctl: cannot read the cluster state from corosync: %s\n",
		        strerror(-r));
		free(s);
		return NULL;
	}
	return s;
}

static int
delnode(const struct ctl_paths *p, const char *name, const struct ctl_status *s)
{
	char path[PATH_MAX], *conf = NULL, *new_conf = NULL;
	int r;

	for (size_t i = 0; i < s->n_nodes; i++) {
		if (strcmp(s->nodes[i].name, name))
			continue;
		if (s->nodes[i].local) {
			fprintf(stderr,
			        "clusterctl: '%s' is this node; run delnode on another "
			        "member\n",
			        name);
			return -EINVAL;
		}
		if (s->nodes[i].online)
			fprintf(stderr,
			        "clusterctl: warning: '%s' is still online; power it off "
			        "before it is removed, or it keeps its old configuration\n",
			        name);
	}
	if (!s->quorate) {
		fprintf(stderr, "clusterctl: the cluster is not quorate; a node can be removed "
		                "only with quorum\n");
		return -EROFS;
	}
	ctl_path(path, sizeof(path), p->mount, "corosync.conf");
	r = ctl_read_file(path, &conf, NULL);
	if (r < 0) {
		fprintf(stderr, "clusterctl: cannot read '%s': %s\n", path, strerror(-r));
		return r;
	}
	r = ctl_cconf_del_node(conf, name, &new_conf);
	if (r == -ENOENT)
		fprintf(stderr, "clusterctl: there is no node '%s' in %s\n", name, path);
	else if (r < 0)
		fprintf(stderr, "clusterctl: cannot edit '%s': %s\n", path, strerror(-r));
	if (r == 0 &&
	    (r = ctl_write_file(p->mount, "corosync.conf", new_conf, strlen(new_conf), 0644)) < 0)
		fprintf(stderr, "clusterctl: cannot write '%s': %s\n", path, strerror(-r));
	free(conf);
	free(new_conf);
	return r;
}

int
ctl_cmd_delnode(int argc, char **argv)
{
	struct ctl_paths p;
	struct ctl_status *s;
	const char *name;
	int r;

	if (one_arg(argc, argv, &p, &name) < 0)
		return 2;
	s = read_status();
	if (!s)
		return 1;
	r = delnode(&p, name, s);
	free(s);
	if (r < 0)
		return 1;
	printf("node '%s' removed from corosync.conf; every member installs the new version\n",
	       name);
	return 0;
}

int
ctl_cmd_expected(int argc, char **argv)
{
	struct ctl_paths p;
	struct ctl_status *s;
	votequorum_handle_t h;
	const char *arg;
	unsigned n;
	int r;

	if (one_arg(argc, argv, &p, &arg) < 0 ||
	    ctl_parse_uint("expected votes", arg, 1, 65535, &n) < 0)
		return 2;
	s = read_status();
	if (!s)
		return 1;
	if (n < s->expected_votes)
		fprintf(stderr,
		        "WARNING: lowering expected votes from %u to %u lets a partition with "
		        "fewer nodes become quorate.\nWARNING: if the other nodes are still "
		        "running, both sides may start the same guests: SPLIT BRAIN.\nWARNING: "
		        "do this only when you are sure the missing nodes are powered off.\n",
		        s->expected_votes, n);
	free(s);
	r = cl_cs_errno(votequorum_initialize(&h, NULL));
	if (r == 0) {
		r = cl_cs_errno(votequorum_setexpected(h, n));
		votequorum_finalize(h);
	}
	if (r < 0) {
		fprintf(stderr, "clusterctl: votequorum refused expected votes %u: %s\n", n,
		        strerror(-r));
		return 1;
	}
	printf("expected votes set to %u\n", n);
	return 0;
}
