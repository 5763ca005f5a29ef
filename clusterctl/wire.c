/*
 * wire.c - TLS 1.3 and framed JSON for the join protocol.  The joining
 * node has no CA yet, only its fingerprint from the token, so it accepts
 * any chain during the handshake and checks the pin right after it,
 * before it sends anything.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "clusterctl/pki.h"
#include "clusterctl/wire.h"

static SSL_CTX *
new_ctx(const SSL_METHOD *method)
{
	SSL_CTX *ctx = SSL_CTX_new(method);

	if (ctx && (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	            SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

int
ctl_tls_server_ctx(const char *cert, const char *key, const char *ca, SSL_CTX **ret_ctx)
{
	SSL_CTX *ctx = new_ctx(TLS_server_method());
	X509 *ca_cert = NULL;
	int r = ctx ? 0 : -ENOMEM;

	if (r == 0 && (SSL_CTX_use_certificate_file(ctx, cert, SSL_FILETYPE_PEM) != 1 ||
	               SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	               SSL_CTX_check_private_key(ctx) != 1))
		r = -EBADMSG;
	if (r == 0)
		r = ctl_pki_read_cert(ca, &ca_cert);
	/* The CA goes into the chain: the joining node pins it. */
	if (r == 0 && SSL_CTX_add1_chain_cert(ctx, ca_cert) != 1)
		r = -ENOMEM;
	X509_free(ca_cert);
	if (r < 0) {
		SSL_CTX_free(ctx);
		return r;
	}
	*ret_ctx = ctx;
	return 0;
}

int
ctl_tls_client_ctx(SSL_CTX **ret_ctx)
{
	SSL_CTX *ctx = new_ctx(TLS_client_method());

	if (!ctx)
		return -ENOMEM;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	*ret_ctx = ctx;
	return 0;
}

int
ctl_tls_check_pin(SSL *ssl, const char *ca_fp)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	X509 *leaf = SSL_get0_peer_certificate(ssl);
	char fp[CTL_PKI_FP_LEN + 1];

	if (!chain || !leaf)
		return -EPERM;
	for (int i = 0; i < sk_X509_num(chain); i++) {
		X509 *ca = sk_X509_value(chain, i);
		EVP_PKEY *pub;

		if (ctl_pki_fingerprint(ca, fp) < 0 || strcmp(fp, ca_fp))
			continue;
		pub = X509_get0_pubkey(ca);
		/* The CA must be one, and the key the peer proved in the handshake its child. */
		if (X509_check_ca(ca) >= 1 && pub && X509_verify(leaf, pub) == 1 &&
		    X509_check_issued(ca, leaf) == X509_V_OK)
			return 0;
	}
	return -EPERM;
}

static int
write_all(SSL *ssl, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		int n = SSL_write(ssl, (const char *)buf + done, (int)(len - done));

		if (n <= 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

static int
read_all(SSL *ssl, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		int n = SSL_read(ssl, (char *)buf + done, (int)(len - done));

		if (n <= 0)
			return done == 0 ? -ECONNRESET : -EIO;
		done += (size_t)n;
	}
	return 0;
}

int
ctl_wire_send(SSL *ssl, json_object *msg)
{
	const char *text = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(text);
	unsigned char hdr[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
	                        (unsigned char)(len >> 8), (unsigned char)len};
	int r;

	if (len > CTL_WIRE_MAX)
		return -EMSGSIZE;
	r = write_all(ssl, hdr, sizeof(hdr));
	return r < 0 ? r : write_all(ssl, text, len);
}

int
ctl_wire_recv(SSL *ssl, json_object **ret_msg)
{
	unsigned char hdr[4];
	uint32_t len;
	char *buf;
	json_object *o;
	int r;

	r = read_all(ssl, hdr, sizeof(hdr));
	if (r < 0)
		return r;
	len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	if (len == 0 || len > CTL_WIRE_MAX)
		return -EPROTO;
	buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	r = read_all(ssl, buf, len);
	if (r < 0) {
		free(buf);
		return r == -ECONNRESET ? -EIO : r;
	}
	buf[len] = '\0';
	o = json_tokener_parse(buf);
	free(buf);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return -EPROTO;
	}
	*ret_msg = o;
	return 0;
}

const char *
ctl_json_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}
