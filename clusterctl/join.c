/*
 * join.c - `clusterctl join-token` on a member and `clusterctl add` on a
 * new node.  join-token records a hashed, expiring, single-use token in the
 * tree; add checks the member's certificate against the token's CA
 * fingerprint before it sends anything, asks to join, installs what the
 * member returns and starts the services.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "clusterctl/cconf.h"
#include "clusterctl/clusterctl.h"
#include "clusterctl/cmd.h"
#include "clusterctl/pki.h"
#include "clusterctl/token.h"
#include "clusterctl/wire.h"

#define DEFAULT_TTL_S      3600
#define IO_TIMEOUT_S       60
#define DEFAULT_TIMEOUT_S  60

/* This node's ring0 address, from the running corosync. */
static int
local_address(char *buf, size_t size)
{
	struct ctl_status *s = malloc(sizeof(*s));
	int r = s ? ctl_status_read(s) : -ENOMEM;

	if (r == 0) {
		r = -ENOENT;
		for (size_t i = 0; i < s->n_nodes; i++)
			if (s->nodes[i].local) {
				snprintf(buf, size, "%s", s->nodes[i].addr);
				r = 0;
			}
	}
	free(s);
	return r;
}

static int
ca_fingerprint(const struct ctl_paths *p, char fp[CTL_PKI_FP_LEN + 1])
{
	char path[PATH_MAX];
	X509 *ca = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/pki/ca.crt", p->state_dir);
	r = ctl_pki_read_cert(path, &ca);
	if (r < 0) {
		fprintf(stderr,
		        "clusterctl: cannot read the cluster CA certificate '%s': %s "
		        "(is this node a cluster member?)\n",
		        path, strerror(-r));
		return r;
	}
	r = ctl_pki_fingerprint(ca, fp);
	X509_free(ca);
	return r;
}

/* Store the token's record in the tree's priv/join/, 0600. */
static int
store_record(const struct ctl_paths *p, const struct ctl_token *t, unsigned ttl)
{
	char dir[PATH_MAX], *record = NULL;
	int r;

	snprintf(dir, sizeof(dir), "%s/priv/join", p->mount);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		goto fail;
	}
	r = ctl_token_record(t, time(NULL) + ttl, &record);
	if (r == 0)
		r = ctl_write_file(dir, t->id, record, strlen(record), 0600);
	free(record);
	if (r == 0)
		return 0;
fail:
	fprintf(stderr, "clusterctl: cannot store the token in %s: %s%s\n", dir, strerror(-r),
	        r == -EROFS ? " (the cluster is not quorate)" : "");
	return r;
}

int
ctl_cmd_join_token(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"ttl", required_argument, NULL, 't'},
	    {"address", required_argument, NULL, 'a'},
	    {"port", required_argument, NULL, 'p'},
	    CTL_PATH_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	struct ctl_paths paths;
	struct ctl_token t;
	unsigned ttl = DEFAULT_TTL_S, port = CTL_JOIN_PORT;
	char fp[CTL_PKI_FP_LEN + 1], addr[256] = "", text[512];
	int c;

	ctl_paths_init(&paths);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ctl_paths_option(&paths, c, optarg))
			continue;
		if (c == 't' && ctl_parse_duration(optarg, &ttl) < 0) {
			fprintf(stderr,
			        "clusterctl: --ttl must be a duration like 90s, 15m, 2h "
			        "or 1d (at most 30d), not '%s'\n",
			        optarg);
			return 2;
		} else if (c == 'a') {
			snprintf(addr, sizeof(addr), "%s", optarg);
		} else if (c == 'p') {
			if (ctl_parse_uint("--port", optarg, 1, 65535, &port) < 0)
				return 2;
		} else if (c != 't') {
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "clusterctl join-token: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (ca_fingerprint(&paths, fp) < 0)
		return 1;
	if (!addr[0] && local_address(addr, sizeof(addr)) < 0) {
		fprintf(stderr, "clusterctl: cannot find this node's address in corosync; "
		                "give it with --address\n");
		return 1;
	}
	if (ctl_token_new(fp, addr, port, &t) < 0 || ctl_token_format(&t, text, sizeof(text)) < 0)
		return 1;
	if (store_record(&paths, &t, ttl) < 0)
		return 1;
	printf("%s\n", text);
	return 0;
}

/* ------------------------------------------------------------------ add */

struct add_args {
	const char *peer;
	const char *token;
	const char *link0;
	unsigned timeout_s; /* for the tree to arrive */
	struct ctl_paths paths;
};

static int
connect_to(const char *host, unsigned port, int *ret_fd)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL, *ai;
	struct timeval tv = {IO_TIMEOUT_S, 0};
	char service[8];
	int fd = -1, r;

	snprintf(service, sizeof(service), "%u", port);
	r = getaddrinfo(host, service, &hints, &res);
	if (r != 0) {
		fprintf(stderr, "clusterctl: cannot resolve '%s': %s\n", host, gai_strerror(r));
		return -EHOSTUNREACH;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		r = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		fprintf(stderr,
		        "clusterctl: cannot connect to the join service at %s port %u: %s "
		        "(is cluster-joind running there?)\n",
		        host, port, strerror(r ? r : ECONNREFUSED));
		return -ECONNREFUSED;
	}
	*ret_fd = fd;
	return 0;
}

static json_object *
request(const struct ctl_token *t, const char *name, const char *addr, const char *csr)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "version", json_object_new_int(CTL_WIRE_VERSION));
	json_object_object_add(o, "token_id", json_object_new_string(t->id));
	json_object_object_add(o, "secret", json_object_new_string(t->secret));
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "address", json_object_new_string(addr));
	json_object_object_add(o, "csr", json_object_new_string(csr));
	return o;
}

/* TLS to the member, pin check, request, answer. */
static int
exchange(const struct add_args *a, const struct ctl_token *t, json_object *req,
         json_object **ret_ans)
{
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	int fd = -1, r;

	r = connect_to(a->peer, t->port, &fd);
	if (r == 0)
		r = ctl_tls_client_ctx(&ctx);
	if (r == 0 &&
	    (!(ssl = SSL_new(ctx)) || SSL_set_fd(ssl, fd) != 1 || SSL_connect(ssl) != 1)) {
		fprintf(stderr, "clusterctl: TLS 1.3 handshake with %s failed\n", a->peer);
		r = -EPROTO;
	}
	if (r == 0 && (r = ctl_tls_check_pin(ssl, t->ca_fp)) < 0)
		fprintf(stderr,
		        "clusterctl: %s does not present a certificate of the cluster CA "
		        "whose fingerprint is in the token (wrong peer, wrong token, or "
		        "someone in between); nothing was sent\n",
		        a->peer);
	if (r == 0 && (r = ctl_wire_send(ssl, req)) == 0 && (r = ctl_wire_recv(ssl, ret_ans)) < 0)
		fprintf(stderr, "clusterctl: no valid answer from %s: %s\n", a->peer, strerror(-r));
	if (ssl)
		SSL_shutdown(ssl);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	if (fd >= 0)
		close(fd);
	return r;
}

static int
install_authkey(const char *dir, const char *b64)
{
	size_t len = strlen(b64), pad = 0;
	unsigned char *key = malloc(len);
	int n, r;

	if (!key)
		return -ENOMEM;
	n = EVP_DecodeBlock(key, (const unsigned char *)b64, (int)len);
	while (pad < 2 && len > pad && b64[len - 1 - pad] == '=')
		pad++;
	r = n < (int)pad + 1 ? -EBADMSG
	                     : ctl_write_file(dir, "authkey", key, (size_t)n - pad, 0400);
	OPENSSL_cleanse(key, len);
	free(key);
	return r;
}

/* Write what the member sent: keys, certificates, corosync.conf. */
static int
install(const struct ctl_paths *p, EVP_PKEY *key, json_object *ans)
{
	const char *authkey = ctl_json_str(ans, "authkey"),
	           *conf = ctl_json_str(ans, "corosync_conf"),
	           *ca_pem = ctl_json_str(ans, "ca_cert"), *cert_pem = ctl_json_str(ans, "cert");
	char pki[PATH_MAX];
	X509 *ca = NULL, *cert = NULL;
	int r;

	if (!authkey || !conf || !ca_pem || !cert_pem || ctl_pki_cert_from_pem(ca_pem, &ca) < 0 ||
	    ctl_pki_cert_from_pem(cert_pem, &cert) < 0) {
		X509_free(ca);
		return -EPROTO;
	}
	r = ctl_node_make_pki_dir(p, pki, sizeof(pki));
	if (r == 0)
		r = ctl_pki_install_node(pki, key, cert, ca);
	if (r == 0)
		r = install_authkey(p->corosync_dir, authkey);
	if (r == 0)
		r = ctl_write_file(p->corosync_dir, "corosync.conf", conf, strlen(conf), 0644);
	X509_free(ca);
	X509_free(cert);
	return r;
}

static int
parse_add(int argc, char **argv, struct add_args *a)
{
	static const struct option longopts[] = {
	    {"token", required_argument, NULL, 't'},
	    {"link0", required_argument, NULL, 'l'},
	    {"timeout", required_argument, NULL, 'w'},
	    CTL_PATH_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	int c;

	*a = (struct add_args){.timeout_s = DEFAULT_TIMEOUT_S};
	ctl_paths_init(&a->paths);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ctl_paths_option(&a->paths, c, optarg))
			continue;
		if (c == 't')
			a->token = optarg;
		else if (c == 'l')
			a->link0 = optarg;
		else if (c != 'w' || ctl_parse_uint("--timeout", optarg, 1, 3600, &a->timeout_s) < 0)
			return -EINVAL;
	}
	if (optind + 1 != argc || !a->token || !a->link0) {
		fprintf(stderr, "clusterctl add: needs PEER, --token TOKEN and --link0 ADDR\n");
		return -EINVAL;
	}
	a->peer = argv[optind];
	return 0;
}

/*
 * Success only once this node has the cluster's tree: a join whose node
 * never gets there (clusterd not starting, a network that drops corosync)
 * must not look done.
 */
static int
wait_joined(const struct add_args *a, const char *name, const char *conf)
{
	uint64_t version = 0;
	char why[4400];
	int r;

	if (ctl_cconf_version(conf, &version) < 0) {
		fprintf(stderr, "clusterctl: the corosync.conf from %s has no config_version\n",
		        a->peer);
		return -EPROTO;
	}
	r = ctl_node_wait_member(&a->paths, name, version, a->timeout_s, why, sizeof(why));
	if (r < 0)
		fprintf(stderr,
		        "clusterctl: %s did not receive the cluster's tree within %us: %s. "
		        "It is in the cluster's corosync.conf now: fix it (see the logs of "
		        "corosync and clusterd) or remove it with 'clusterctl delnode %s' on a "
		        "member\n",
		        name, a->timeout_s, why, name);
	return r;
}

static int
join(const struct add_args *a, const struct ctl_token *t, const char *name)
{
	json_object *req = NULL, *ans = NULL, *v;
	EVP_PKEY *key = NULL;
	X509_REQ *csr = NULL;
	char *csr_pem = NULL;
	int r;

	r = ctl_pki_new_key(&key);
	if (r == 0)
		r = ctl_pki_make_csr(key, name, &csr);
	if (r == 0)
		r = ctl_pki_csr_pem(csr, &csr_pem);
	if (r == 0)
		r = (req = request(t, name, a->link0, csr_pem)) ? 0 : -ENOMEM;
	if (r == 0)
		r = exchange(a, t, req, &ans);
	if (r == 0 && !(json_object_object_get_ex(ans, "ok", &v) && json_object_get_boolean(v))) {
		fprintf(stderr, "clusterctl: %s refused the join: %s\n", a->peer,
		        ctl_json_str(ans, "error") ? ctl_json_str(ans, "error")
		                                   : "no reason given");
		r = -EACCES;
	}
	if (r == 0 && (r = install(&a->paths, key, ans)) < 0)
		fprintf(stderr,
		        "clusterctl: cannot install the cluster's keys and corosync.conf: %s\n",
		        strerror(-r));
	if (r == 0)
		r = ctl_start_services(&a->paths);
	if (r == 0)
		r = wait_joined(a, name, ctl_json_str(ans, "corosync_conf"));
	if (r == 0 && json_object_object_get_ex(ans, "nodeid", &v))
		printf("node %s joined the cluster as node id %d\n", name, json_object_get_int(v));
	json_object_put(req);
	json_object_put(ans);
	free(csr_pem);
	X509_REQ_free(csr);
	EVP_PKEY_free(key);
	return r;
}

int
ctl_cmd_add(int argc, char **argv)
{
	struct add_args a;
	struct ctl_token t;
	char name[HOST_NAME_MAX + 1], why_cfg[4200];
	const char *why;

	if (parse_add(argc, argv, &a) < 0)
		return 2;
	if (ctl_token_parse(a.token, &t, &why) < 0) {
		fprintf(stderr, "clusterctl: the join token is invalid: %s\n", why);
		return 1;
	}
	if (ctl_node_has_config(&a.paths, why_cfg, sizeof(why_cfg))) {
		fprintf(stderr,
		        "clusterctl: this node already belongs to a cluster: %s; "
		        "refusing to join another\n",
		        why_cfg);
		return 1;
	}
	if (gethostname(name, sizeof(name)) < 0 || !name[0]) {
		fprintf(stderr, "clusterctl: this node has no host name\n");
		return 1;
	}
	return join(&a, &t, name) < 0 ? 1 : 0;
}
