/*
 * pki.h - the cluster's certificates through OpenSSL: a cluster CA, node
 * keys and certificate requests, signing a node's request, fingerprints,
 * and PEM to and from files and strings.
 */
#ifndef CLUSTERHA_CLUSTERCTL_PKI_H
#define CLUSTERHA_CLUSTERCTL_PKI_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#define CTL_PKI_FP_LEN 64 /* SHA-256 in hex */

/* A new P-256 key. */
int ctl_pki_new_key(EVP_PKEY **ret_key);

/* A new self-signed CA for cluster @name, valid ten years. */
int ctl_pki_make_ca(const char *name, EVP_PKEY **ret_key, X509 **ret_cert);

/* A request for @key with common name @cn. */
int ctl_pki_make_csr(EVP_PKEY *key, const char *cn, X509_REQ **ret_csr);

/*
 * A certificate for @csr (its signature checked) signed by the CA, for
 * @cn (the CSR's own subject is not trusted), valid ten years.
 */
int ctl_pki_sign(EVP_PKEY *ca_key, X509 *ca_cert, X509_REQ *csr, const char *cn, X509 **ret_cert);

/* SHA-256 of the DER certificate, lower-case hex, into @hex (65 bytes). */
int ctl_pki_fingerprint(X509 *cert, char hex[CTL_PKI_FP_LEN + 1]);

/* PEM files: keys are written to DIR/NAME 0600, certificates 0644, atomically. */
int ctl_pki_write_key(const char *dir, const char *name, EVP_PKEY *key);
int ctl_pki_write_cert(const char *dir, const char *name, X509 *cert);
int ctl_pki_read_key(const char *path, EVP_PKEY **ret_key);
int ctl_pki_read_cert(const char *path, X509 **ret_cert);

/* This node's @key and @cert and the cluster's @ca_cert into @dir: node.key, node.crt, ca.crt. */
int ctl_pki_install_node(const char *dir, EVP_PKEY *key, X509 *cert, X509 *ca_cert);

/* PEM strings (new, free()), and back. */
int ctl_pki_cert_pem(X509 *cert, char **ret_pem);
int ctl_pki_csr_pem(X509_REQ *csr, char **ret_pem);
int ctl_pki_cert_from_pem(const char *pem, X509 **ret_cert);
int ctl_pki_csr_from_pem(const char *pem, X509_REQ **ret_csr);

#endif /* CLUSTERHA_CLUSTERCTL_PKI_H */
