/*
 * pki.c - the cluster CA and node certificates with OpenSSL: P-256 keys,
 * a self-signed CA, node certificate requests and their signing, SHA-256
 * fingerprints, and PEM in files and strings.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "clusterctl/node.h"
#include "clusterctl/pki.h"

#define VALID_DAYS 3650

int
ctl_pki_new_key(EVP_PKEY **ret_key)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");

	if (!k)
		return -EIO;
	*ret_key = k;
	return 0;
}

static int
set_cn(X509_NAME *name, const char *cn)
{
	return X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1,
	                                  -1, 0) == 1
	           ? 0
	           : -EINVAL;
}

static int
add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return -EINVAL;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -ENOMEM;
}

/* A certificate frame: random serial, validity, version 3. */
static X509 *
new_cert(void)
{
	unsigned char serial[16];
	X509 *c = X509_new();
	BIGNUM *bn = NULL;

	if (!c || RAND_bytes(serial, sizeof(serial)) != 1)
		goto fail;
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c)) ||
	    X509_set_version(c, 2) != 1 || !X509_gmtime_adj(X509_getm_notBefore(c), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(c), 86400L * VALID_DAYS))
		goto fail;
	BN_free(bn);
	return c;
fail:
	BN_free(bn);
	X509_free(c);
	return NULL;
}

/* What makes a certificate a CA's or a node's. */
struct cert_profile {
	const char *basic_constraints;
	int usage_nid;
	const char *usage;
};

static const struct cert_profile ca_profile = {"critical,CA:TRUE", NID_key_usage,
                                               "critical,keyCertSign,cRLSign"};
static const struct cert_profile node_profile = {"critical,CA:FALSE", NID_ext_key_usage,
                                                 "serverAuth,clientAuth"};

/*
 * A certificate for @cn and @pub with @profile, issued by @issuer (NULL:
 * by itself) and signed with @sign_key.
 */
static int
issue_cert(const char *cn, EVP_PKEY *pub, X509 *issuer, EVP_PKEY *sign_key,
           const struct cert_profile *profile, X509 **ret_cert)
{
	X509 *c = new_cert();
	int r = c ? 0 : -ENOMEM;

	if (!issuer)
		issuer = c;
	if (r == 0)
		r = set_cn(X509_get_subject_name(c), cn);
	if (r == 0 && (X509_set_issuer_name(c, X509_get_subject_name(issuer)) != 1 ||
	               X509_set_pubkey(c, pub) != 1))
		r = -ENOMEM;
	if (r == 0)
		r = add_ext(c, issuer, NID_basic_constraints, profile->basic_constraints);
	if (r == 0)
		r = add_ext(c, issuer, profile->usage_nid, profile->usage);
	if (r == 0 && X509_sign(c, sign_key, EVP_sha256()) <= 0)
		r = -EIO;
	if (r < 0) {
		X509_free(c);
		return r;
	}
	*ret_cert = c;
	return 0;
}

int
ctl_pki_make_ca(const char *name, EVP_PKEY **ret_key, X509 **ret_cert)
{
	char cn[300];
	EVP_PKEY *key = NULL;
	X509 *c = NULL;
	int r;

	snprintf(cn, sizeof(cn), "clusterha CA %s", name);
	r = ctl_pki_new_key(&key);
	if (r < 0)
		return r;
	r = issue_cert(cn, key, NULL, key, &ca_profile, &c);
	if (r < 0) {
		EVP_PKEY_free(key);
		return r;
	}
	*ret_key = key;
	*ret_cert = c;
	return 0;
}

int
ctl_pki_make_csr(EVP_PKEY *key, const char *cn, X509_REQ **ret_csr)
{
	X509_REQ *req = X509_REQ_new();
	int r = req ? 0 : -ENOMEM;

	if (r == 0)
		r = set_cn(X509_REQ_get_subject_name(req), cn);
	if (r == 0 &&
	    (X509_REQ_set_pubkey(req, key) != 1 || X509_REQ_sign(req, key, EVP_sha256()) <= 0))
		r = -EIO;
	if (r < 0) {
		X509_REQ_free(req);
		return r;
	}
	*ret_csr = req;
	return 0;
}

int
ctl_pki_sign(EVP_PKEY *ca_key, X509 *ca_cert, X509_REQ *csr, const char *cn, X509 **ret_cert)
{
	EVP_PKEY *pub = X509_REQ_get0_pubkey(csr);

	/* The requester must hold the key it asks a certificate for. */
	if (!pub || X509_REQ_verify(csr, pub) != 1)
		return -EBADMSG;
	return issue_cert(cn, pub, ca_cert, ca_key, &node_profile, ret_cert);
}

int
ctl_pki_fingerprint(X509 *cert, char hex[CTL_PKI_FP_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (X509_digest(cert, EVP_sha256(), md, &n) != 1 || n * 2 != CTL_PKI_FP_LEN)
		return -EIO;
	for (unsigned i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static int
key_out(BIO *b, void *key)
{
	return PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL);
}

static int
cert_out(BIO *b, void *cert)
{
	return PEM_write_bio_X509(b, cert);
}

static int
csr_out(BIO *b, void *csr)
{
	return PEM_write_bio_X509_REQ(b, csr);
}

/* What @fn writes of @obj as PEM, as a new string. */
static int
to_string(int (*fn)(BIO *, void *), void *obj, char **ret_pem)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long len;

	if (!b)
		return -ENOMEM;
	if (fn(b, obj) != 1) {
		BIO_free(b);
		return -EIO;
	}
	len = BIO_get_mem_data(b, &data);
	out = strndup(data, (size_t)len);
	BIO_free(b);
	if (!out)
		return -ENOMEM;
	*ret_pem = out;
	return 0;
}

/* Write what @fn writes of @obj as PEM to DIR/NAME with @mode, atomically. */
static int
write_pem(const char *dir, const char *name, int mode, int (*fn)(BIO *, void *), void *obj)
{
	char *pem = NULL;
	int r = to_string(fn, obj, &pem);

	if (r == 0)
		r = ctl_write_file(dir, name, pem, strlen(pem), mode);
	/* A key's PEM is as secret as the key. */
	if (pem)
		OPENSSL_cleanse(pem, strlen(pem));
	free(pem);
	return r;
}

int
ctl_pki_write_key(const char *dir, const char *name, EVP_PKEY *key)
{
	return write_pem(dir, name, 0600, key_out, key);
}

int
ctl_pki_write_cert(const char *dir, const char *name, X509 *cert)
{
	return write_pem(dir, name, 0644, cert_out, cert);
}

int
ctl_pki_install_node(const char *dir, EVP_PKEY *key, X509 *cert, X509 *ca_cert)
{
	int r = ctl_pki_write_key(dir, "node.key", key);

	if (r == 0)
		r = ctl_pki_write_cert(dir, "node.crt", cert);
	if (r == 0)
		r = ctl_pki_write_cert(dir, "ca.crt", ca_cert);
	return r;
}

int
ctl_pki_read_key(const char *path, EVP_PKEY **ret_key)
{
	FILE *f = fopen(path, "re");
	EVP_PKEY *k;

	if (!f)
		return -errno;
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!k)
		return -EBADMSG;
	*ret_key = k;
	return 0;
}

int
ctl_pki_read_cert(const char *path, X509 **ret_cert)
{
	char *pem = NULL;
	int r = ctl_read_file(path, &pem, NULL);

	if (r == 0)
		r = ctl_pki_cert_from_pem(pem, ret_cert);
	free(pem);
	return r;
}

int
ctl_pki_cert_pem(X509 *cert, char **ret_pem)
{
	return to_string(cert_out, cert, ret_pem);
}

int
ctl_pki_csr_pem(X509_REQ *csr, char **ret_pem)
{
	return to_string(csr_out, csr, ret_pem);
}

int
ctl_pki_cert_from_pem(const char *pem, X509 **ret_cert)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *c = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	if (!c)
		return -EBADMSG;
	*ret_cert = c;
	return 0;
}

int
ctl_pki_csr_from_pem(const char *pem, X509_REQ **ret_csr)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509_REQ *c = b ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	if (!c)
		return -EBADMSG;
	*ret_csr = c;
	return 0;
}
