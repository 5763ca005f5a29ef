/*
 * join-serve.c - answers one join request: TLS 1.3 with this node's
 * certificate, the token checked against its record in the tree's
 * priv/join/ (hashed, constant-time, single use, expiring), then the next
 * node id and a corosync.conf with the node added and config_version
 * raised, written to the tree (clusterd installs it on every node), and
 * the authkey, CA certificate and a certificate for the node's CSR sent
 * back.  Failed attempts are rate-limited.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <qb/qblog.h>

#include "clusterctl/cconf.h"
#include "clusterctl/join-serve.h"
#include "clusterctl/pki.h"
#include "clusterctl/token.h"
#include "clusterctl/wire.h"

/* At most MAX_FAILURES failed attempts per FAILURE_WINDOW_S, then refuse all. */
#define MAX_FAILURES     5
#define FAILURE_WINDOW_S 60

struct ctl_joiner {
	const struct ctl_paths *paths;
	SSL_CTX *tls;
	struct timespec failures[MAX_FAILURES]; /* ring of the latest failures */
	unsigned n_failures;
};

/* A refusal: the message for the joining node, and whether it counts as a failure. */
struct refusal {
	char msg[512];
	bool counts;
};

int
ctl_joiner_new(const struct ctl_paths *paths, ctl_joiner_t **ret_joiner)
{
	char cert[PATH_MAX], key[PATH_MAX], ca[PATH_MAX];
	ctl_joiner_t *j = calloc(1, sizeof(*j));
	int r;

	if (!j)
		return -ENOMEM;
	snprintf(cert, sizeof(cert), "%s/pki/node.crt", paths->state_dir);
	snprintf(key, sizeof(key), "%s/pki/node.key", paths->state_dir);
	snprintf(ca, sizeof(ca), "%s/pki/ca.crt", paths->state_dir);
	r = ctl_tls_server_ctx(cert, key, ca, &j->tls);
	if (r < 0) {
		qb_log(LOG_ERR,
		       "cannot load this node's certificate '%s' and key '%s': %s "
		       "(is this node a member? see clusterctl create/add)",
		       cert, key, strerror(-r));
		free(j);
		return r;
	}
	j->paths = paths;
	*ret_joiner = j;
	return 0;
}

void
ctl_joiner_free(ctl_joiner_t *j)
{
	if (!j)
		return;
	SSL_CTX_free(j->tls);
	free(j);
}

/* Seconds until another attempt is allowed; 0 when it is now. */
static long
blocked_for(const ctl_joiner_t *j)
{
	struct timespec now;
	const struct timespec *oldest;

	if (j->n_failures < MAX_FAILURES)
		return 0;
	oldest = &j->failures[j->n_failures % MAX_FAILURES];
	clock_gettime(CLOCK_MONOTONIC, &now);
	return oldest->tv_sec + FAILURE_WINDOW_S > now.tv_sec
	           ? oldest->tv_sec + FAILURE_WINDOW_S - now.tv_sec
	           : 0;
}

static void
record_failure(ctl_joiner_t *j)
{
	clock_gettime(CLOCK_MONOTONIC, &j->failures[j->n_failures % MAX_FAILURES]);
	j->n_failures++;
}

static char *
base64(const unsigned char *data, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

static void
refuse(struct refusal *why, bool counts, const char *msg)
{
	snprintf(why->msg, sizeof(why->msg), "%s", msg);
	why->counts = counts;
}

/* The token of @req is valid: load and check its record; mark it used. */
static int
claim_token(const ctl_joiner_t *j, json_object *req, struct refusal *why, char **ret_record,
            char *record_path, size_t size)
{
	const char *id = ctl_json_str(req, "token_id"), *secret = ctl_json_str(req, "secret");
	char *record = NULL, when[64];
	time_t expires = 0;
	int r;

	if (!id || !secret || strlen(id) != CTL_TOKEN_ID_LEN ||
	    strspn(id, "0123456789abcdef") != CTL_TOKEN_ID_LEN) {
		refuse(why, true, "malformed join token");
		return -EINVAL;
	}
	snprintf(record_path, size, "%s/priv/join/%s", j->paths->mount, id);
	r = ctl_read_file(record_path, &record, NULL);
	if (r < 0) {
		refuse(why, true, "unknown join token (this member did not issue it)");
		return r;
	}
	r = ctl_token_check(record, secret, time(NULL), &expires);
	if (r == -ETIME) {
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&expires));
		snprintf(why->msg, sizeof(why->msg),
		         "join token expired at %s; make a new one with 'clusterctl join-token'",
		         when);
		why->counts = true;
	} else if (r == -EALREADY) {
		refuse(why, true, "join token was already used; each token joins one node");
	} else if (r < 0) {
		refuse(why, true, "invalid join token");
	}
	if (r < 0) {
		free(record);
		return r;
	}
	*ret_record = record;
	return 0;
}

/* The answer to a valid request: everything the node needs, or a refusal. */
static json_object *
answer(ctl_joiner_t *j, json_object *req, struct refusal *why)
{
	const char *name = ctl_json_str(req, "name"), *addr = ctl_json_str(req, "address"),
	           *csr_pem = ctl_json_str(req, "csr");
	char path[PATH_MAX], dir[PATH_MAX], *record = NULL, *used = NULL, *conf = NULL,
	                                    *new_conf = NULL, *key_b64 = NULL, *cert_pem = NULL,
	                                    *ca_pem = NULL, *authkey = NULL;
	json_object *ans = NULL, *ver;
	EVP_PKEY *ca_key = NULL;
	X509 *ca_cert = NULL, *cert = NULL;
	X509_REQ *csr = NULL;
	uint32_t nodeid = 0;
	size_t keylen = 0;
	int r;

	if (!json_object_object_get_ex(req, "version", &ver) ||
	    json_object_get_int(ver) != CTL_WIRE_VERSION) {
		refuse(why, false, "unsupported join protocol version (this member speaks 1)");
		return NULL;
	}
	if (!name || !*name || strlen(name) > 63 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz"
	                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != strlen(name) ||
	    !addr || !*addr || strlen(addr) > 255 || strpbrk(addr, " \t\n{}#") || !csr_pem ||
	    ctl_pki_csr_from_pem(csr_pem, &csr) < 0) {
		refuse(why, false,
		       "malformed request: name, address or certificate request missing "
		       "or invalid");
		return NULL;
	}
	if (claim_token(j, req, why, &record, path, sizeof(path)) < 0)
		goto out;
	snprintf(dir, sizeof(dir), "%s/corosync.conf", j->paths->mount);
	r = ctl_read_file(dir, &conf, NULL);
	if (r == 0)
		r = ctl_cconf_add_node(conf, name, addr, 1, &new_conf, &nodeid);
	if (r == -EEXIST) {
		snprintf(why->msg, sizeof(why->msg),
		         "a node named '%s' or with address %s is already in the cluster", name,
		         addr);
		goto out;
	} else if (r < 0) {
		refuse(why, false, "this member cannot read or edit the cluster's corosync.conf");
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/priv/ca.key", j->paths->mount);
	r = ctl_pki_read_key(dir, &ca_key);
	snprintf(dir, sizeof(dir), "%s/pki/ca.crt", j->paths->state_dir);
	if (r == 0)
		r = ctl_pki_read_cert(dir, &ca_cert);
	if (r == 0 && (r = ctl_pki_sign(ca_key, ca_cert, csr, name, &cert)) == -EBADMSG) {
		refuse(why, false, "the certificate request's signature is invalid");
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/authkey", j->paths->corosync_dir);
	if (r == 0)
		r = ctl_read_file(dir, &authkey, &keylen);
	if (r == 0)
		r = ctl_pki_cert_pem(cert, &cert_pem);
	if (r == 0)
		r = ctl_pki_cert_pem(ca_cert, &ca_pem);
	if (r == 0)
		r = (key_b64 = base64((unsigned char *)authkey, keylen)) ? 0 : -ENOMEM;
	if (r < 0) {
		refuse(why, false, "this member cannot read the cluster's keys");
		goto out;
	}
	/* Single use: the token is spent before the cluster changes. */
	r = ctl_token_mark_used(record, &used);
	snprintf(dir, sizeof(dir), "%s/priv/join", j->paths->mount);
	if (r == 0)
		r = ctl_write_file(dir, strrchr(path, '/') + 1, used, strlen(used), 0600);
	if (r == 0)
		r = ctl_write_file(j->paths->mount, "corosync.conf", new_conf, strlen(new_conf),
		                   0644);
	if (r == -EROFS) {
		refuse(why, false, "the cluster is not quorate; try again when it is");
		goto out;
	} else if (r < 0) {
		refuse(why, false, "this member cannot write to the cluster's tree");
		goto out;
	}
	ans = json_object_new_object();
	if (ans) {
		json_object_object_add(ans, "ok", json_object_new_boolean(1));
		json_object_object_add(ans, "nodeid", json_object_new_int64(nodeid));
		json_object_object_add(ans, "authkey", json_object_new_string(key_b64));
		json_object_object_add(ans, "corosync_conf", json_object_new_string(new_conf));
		json_object_object_add(ans, "ca_cert", json_object_new_string(ca_pem));
		json_object_object_add(ans, "cert", json_object_new_string(cert_pem));
		qb_log(LOG_NOTICE, "node '%s' at %s joins the cluster as node id %u", name, addr,
		       (unsigned)nodeid);
	}
out:
	if (authkey)
		OPENSSL_cleanse(authkey, keylen);
	free(authkey);
	free(key_b64);
	free(cert_pem);
	free(ca_pem);
	free(record);
	free(used);
	free(conf);
	free(new_conf);
	X509_free(cert);
	X509_free(ca_cert);
	EVP_PKEY_free(ca_key);
	X509_REQ_free(csr);
	return ans;
}

static void
send_refusal(SSL *ssl, const char *msg)
{
	json_object *o = json_object_new_object();

	if (!o)
		return;
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	(void)ctl_wire_send(ssl, o);
	json_object_put(o);
}

void
ctl_joiner_serve(ctl_joiner_t *j, int fd, const char *peer)
{
	struct refusal why = {"", false};
	json_object *req = NULL, *ans = NULL;
	SSL *ssl = SSL_new(j->tls);
	long wait;
	int r;

	if (!ssl || SSL_set_fd(ssl, fd) != 1 || SSL_accept(ssl) != 1) {
		qb_log(LOG_WARNING, "join from %s: TLS handshake failed, ignoring", peer);
		goto out;
	}
	r = ctl_wire_recv(ssl, &req);
	if (r == -ECONNRESET) {
		qb_log(LOG_WARNING,
		       "join from %s: the peer closed the connection without a request "
		       "(did it reject this member's certificate?)",
		       peer);
		goto out;
	}
	wait = blocked_for(j);
	if (r < 0) {
		refuse(&why, true, "malformed request");
	} else if (wait > 0) {
		snprintf(why.msg, sizeof(why.msg),
		         "too many failed join attempts; this member accepts none for %ld s", wait);
	} else {
		ans = answer(j, req, &why);
	}
	if (ans) {
		(void)ctl_wire_send(ssl, ans);
	} else {
		if (why.counts)
			record_failure(j);
		qb_log(LOG_WARNING, "join from %s refused: %s", peer, why.msg);
		send_refusal(ssl, why.msg);
	}
	SSL_shutdown(ssl);
out:
	json_object_put(ans);
	json_object_put(req);
	SSL_free(ssl);
	close(fd);
}
