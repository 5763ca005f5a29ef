/*
 * wire.h - the join protocol's transport: TLS 1.3 contexts for the join
 * service and the joining node, pinning the member's certificate to the CA
 * fingerprint in the token, and JSON messages framed by a 4-byte
 * big-endian length (at most 1 MiB).
 */
#ifndef CLUSTERHA_CLUSTERCTL_WIRE_H
#define CLUSTERHA_CLUSTERCTL_WIRE_H

#include <json-c/json.h>
#include <openssl/ssl.h>

#define CTL_WIRE_VERSION 1
#define CTL_WIRE_MAX     (1u << 20)

/* The join service's context: its node certificate, with the CA in the chain. */
int ctl_tls_server_ctx(const char *cert, const char *key, const char *ca, SSL_CTX **ret_ctx);

/* The joining node's context: TLS 1.3 only; the peer is checked by pin. */
int ctl_tls_client_ctx(SSL_CTX **ret_ctx);

/*
 * After the handshake: does the peer present a CA certificate whose
 * SHA-256 is @ca_fp and a leaf certificate signed by it?  0 or -EPERM.
 */
int ctl_tls_check_pin(SSL *ssl, const char *ca_fp);

int ctl_wire_send(SSL *ssl, json_object *msg);

/* One message; -EPROTO for a frame too large or not a JSON object. */
int ctl_wire_recv(SSL *ssl, json_object **ret_msg);

/* The string member @key of @o, or NULL. */
const char *ctl_json_str(json_object *o, const char *key);

#endif /* CLUSTERHA_CLUSTERCTL_WIRE_H */
