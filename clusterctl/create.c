/*
 * create.c - `clusterctl create NAME`: make this node the first node of a
 * new cluster.  Writes the corosync authkey, corosync.conf, the cluster CA
 * and this node's key and certificate, starts corosync and clusterd
 * through the start hook, and puts corosync.conf and the CA key into the
 * tree, where the other members find them.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "clusterctl/cconf.h"
#include "clusterctl/cmd.h"
#include "clusterctl/node.h"
#include "clusterctl/pki.h"

#define AUTHKEY_BYTES   256
#define START_TIMEOUT_S 60

struct create_args {
	const char *name;
	const char *link0;
	unsigned nodeid;
	unsigned votes;
	unsigned token_ms;
	struct ctl_paths paths;
};

/* Parse a decimal in [lo, hi] for @opt; complain and fail otherwise. */
int
ctl_parse_uint(const char *opt, const char *arg, unsigned lo, unsigned hi, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end || errno || v < lo || v > hi) {
		fprintf(stderr, "clusterctl: %s must be a number %u..%u, not '%s'\n", opt, lo, hi,
		        arg);
		return -EINVAL;
	}
	*ret = (unsigned)v;
	return 0;
}

bool
ctl_valid_cluster_name(const char *name)
{
	size_t n = strlen(name);

	if (n < 1 || n > 15)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(name[i] >= 'a' && name[i] <= 'z') && !(name[i] >= 'A' && name[i] <= 'Z') &&
		    !(name[i] >= '0' && name[i] <= '9') && name[i] != '-')
			return false;
	return true;
}

static int
parse(int argc, char **argv, struct create_args *a)
{
	static const struct option longopts[] = {
	    {"link0", required_argument, NULL, 'l'},
	    {"nodeid", required_argument, NULL, 'n'},
	    {"votes", required_argument, NULL, 'v'},
	    {"token-ms", required_argument, NULL, 't'},
	    CTL_PATH_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	int c;

	*a = (struct create_args){.nodeid = 1, .votes = 1};
	ctl_paths_init(&a->paths);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		int r = 0;

		if (ctl_paths_option(&a->paths, c, optarg))
			continue;
		switch (c) {
		case 'l':
			a->link0 = optarg;
			break;
		case 'n':
			r = ctl_parse_uint("--nodeid", optarg, 1, 65535, &a->nodeid);
			break;
		case 'v':
			r = ctl_parse_uint("--votes", optarg, 1, 255, &a->votes);
			break;
		case 't':
			r = ctl_parse_uint("--token-ms", optarg, 100, 600000, &a->token_ms);
			break;
		default:
			return -EINVAL;
		}
		if (r < 0)
			return r;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "clusterctl create: needs exactly one cluster NAME\n");
		return -EINVAL;
	}
	a->name = argv[optind];
	if (!ctl_valid_cluster_name(a->name)) {
		fprintf(stderr,
		        "clusterctl create: cluster name '%s' must be 1-15 characters "
		        "of A-Z, a-z, 0-9 and '-'\n",
		        a->name);
		return -EINVAL;
	}
	return 0;
}

static int
write_authkey(const char *corosync_dir)
{
	unsigned char key[AUTHKEY_BYTES];
	int r;

	if (RAND_bytes(key, sizeof(key)) != 1)
		return -EIO;
	r = ctl_write_file(corosync_dir, "authkey", key, sizeof(key), 0400);
	OPENSSL_cleanse(key, sizeof(key));
	return r;
}

/* This node's key and a certificate for it signed by the new CA. */
static int
write_node_pki(const char *pki, const char *node, EVP_PKEY *ca_key, X509 *ca_cert)
{
	EVP_PKEY *key = NULL;
	X509_REQ *csr = NULL;
	X509 *cert = NULL;
	int r;

	r = ctl_pki_new_key(&key);
	if (r == 0)
		r = ctl_pki_make_csr(key, node, &csr);
	if (r == 0)
		r = ctl_pki_sign(ca_key, ca_cert, csr, node, &cert);
	if (r == 0)
		r = ctl_pki_install_node(pki, key, cert, ca_cert);
	X509_free(cert);
	X509_REQ_free(csr);
	EVP_PKEY_free(key);
	return r;
}

/* The CA key goes into the tree's priv/, where every member's join service finds it. */
static int
publish(const struct ctl_paths *p, const char *conf, EVP_PKEY *ca_key)
{
	char priv[PATH_MAX];
	int r;

	ctl_path(priv, sizeof(priv), p->mount, "priv");
	if (mkdir(priv, 0700) < 0 && errno != EEXIST)
		return -errno;
	r = ctl_pki_write_key(priv, "ca.key", ca_key);
	if (r == 0)
		r = ctl_write_file(p->mount, "corosync.conf", conf, strlen(conf), 0644);
	return r;
}

/* Start corosync, wait until it answers, then clusterd and cluster-joind. */
int
ctl_start_services(const struct ctl_paths *p)
{
	int r = ctl_node_start(p, "corosync");

	if (r == 0 && (r = ctl_node_wait_corosync(START_TIMEOUT_S)) < 0)
		fprintf(stderr, "clusterctl: corosync did not answer within %us (see its log)\n",
		        START_TIMEOUT_S);
	if (r == 0)
		r = ctl_node_start(p, "clusterd");
	if (r == 0)
		r = ctl_node_start(p, "cluster-joind");
	return r;
}

static int
create(const struct create_args *a, const char *node)
{
	struct ctl_cconf_params cp = {.cluster_name = a->name,
	                              .node_name = node,
	                              .addr = a->link0,
	                              .nodeid = a->nodeid,
	                              .votes = a->votes,
	                              .token_ms = a->token_ms,
	                              .log_file = "/var/log/corosync/corosync.log"};
	char pki[PATH_MAX], *conf = NULL;
	EVP_PKEY *ca_key = NULL;
	X509 *ca_cert = NULL;
	int r;

	r = ctl_node_make_pki_dir(&a->paths, pki, sizeof(pki));
	if (r < 0) {
		fprintf(stderr, "clusterctl: cannot create '%s': %s\n", pki, strerror(-r));
		return r;
	}
	r = ctl_cconf_render(&cp, &conf);
	if (r == 0)
		r = ctl_pki_make_ca(a->name, &ca_key, &ca_cert);
	if (r == 0)
		r = write_node_pki(pki, node, ca_key, ca_cert);
	if (r == 0)
		r = write_authkey(a->paths.corosync_dir);
	if (r == 0)
		r = ctl_write_file(a->paths.corosync_dir, "corosync.conf", conf, strlen(conf),
		                   0644);
	if (r < 0)
		fprintf(stderr, "clusterctl: cannot write the keys and corosync.conf: %s\n",
		        strerror(-r));
	if (r == 0)
		r = ctl_start_services(&a->paths);
	if (r == 0 && (r = ctl_node_wait_tree(&a->paths, START_TIMEOUT_S)) < 0)
		fprintf(stderr,
		        "clusterctl: %s was not mounted and writable within %us "
		        "(is clusterd running? see its log)\n",
		        a->paths.mount, START_TIMEOUT_S);
	if (r == 0 && (r = publish(&a->paths, conf, ca_key)) < 0)
		fprintf(stderr, "clusterctl: cannot put corosync.conf and the CA key into %s: %s\n",
		        a->paths.mount, strerror(-r));
	X509_free(ca_cert);
	EVP_PKEY_free(ca_key);
	free(conf);
	return r;
}

int
ctl_cmd_create(int argc, char **argv)
{
	struct create_args a;
	char node[HOST_NAME_MAX + 1], why[4200];

	if (parse(argc, argv, &a) < 0)
		return 2;
	if (gethostname(node, sizeof(node)) < 0 || !node[0]) {
		fprintf(stderr, "clusterctl: this node has no host name\n");
		return 1;
	}
	if (!a.link0) {
		fprintf(stderr, "clusterctl create: --link0 ADDR is needed: the address corosync "
		                "uses on this node\n");
		return 2;
	}
	if (ctl_node_has_config(&a.paths, why, sizeof(why))) {
		fprintf(stderr,
		        "clusterctl: this node already belongs to a cluster: %s; "
		        "refusing to create another\n",
		        why);
		return 1;
	}
	if (create(&a, node) < 0)
		return 1;
	printf("cluster '%s' created; node %s has id %u. Add nodes with 'clusterctl join-token' "
	       "here and 'clusterctl add' there.\n",
	       a.name, node, a.nodeid);
	return 0;
}
