/*
 * token.c - join tokens and their records.  The token carries a secret;
 * the member keeps only its SHA-256, so a copy of priv/ does not let
 * anyone join.  Checking is constant-time; a record is single use and
 * expires.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "clusterctl/token.h"

#define PREFIX    "clj1."
#define MAX_TTL_S (30u * 86400)

static void
to_hex(const unsigned char *bin, size_t n, char *hex)
{
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", bin[i]);
}

static bool
is_hex(const char *s, size_t len)
{
	if (strlen(s) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int
ctl_token_new(const char *ca_fp, const char *addr, unsigned port, struct ctl_token *ret)
{
	unsigned char id[CTL_TOKEN_ID_LEN / 2], secret[CTL_TOKEN_SECRET_LEN / 2];

	if (!is_hex(ca_fp, CTL_TOKEN_FP_LEN) || strlen(addr) >= sizeof(ret->addr))
		return -EINVAL;
	if (RAND_bytes(id, sizeof(id)) != 1 || RAND_bytes(secret, sizeof(secret)) != 1)
		return -EIO;
	to_hex(id, sizeof(id), ret->id);
	to_hex(secret, sizeof(secret), ret->secret);
	OPENSSL_cleanse(secret, sizeof(secret));
	memcpy(ret->ca_fp, ca_fp, CTL_TOKEN_FP_LEN + 1);
	ret->port = port;
	snprintf(ret->addr, sizeof(ret->addr), "%s", addr);
	return 0;
}

int
ctl_token_format(const struct ctl_token *t, char *buf, size_t size)
{
	int n = snprintf(buf, size, PREFIX "%s.%s.%s.%u.%s", t->id, t->secret, t->ca_fp, t->port,
	                 t->addr);

	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

/* Copy the next '.'-separated field of *p into @dst of @size. */
static bool
field(const char **p, char *dst, size_t size)
{
	const char *dot = strchr(*p, '.');
	size_t n;

	if (!dot)
		return false;
	n = (size_t)(dot - *p);
	if (n >= size)
		return false;
	memcpy(dst, *p, n);
	dst[n] = '\0';
	*p = dot + 1;
	return true;
}

int
ctl_token_parse(const char *text, struct ctl_token *ret, const char **why)
{
	struct ctl_token t;
	const char *p = text;
	char port[8], *end;
	unsigned long v;

	*why = NULL;
	if (strncmp(p, PREFIX, strlen(PREFIX))) {
		*why = "it does not start with 'clj1.' (not a clusterctl join token)";
		return -EINVAL;
	}
	p += strlen(PREFIX);
	if (!field(&p, t.id, sizeof(t.id)) || !is_hex(t.id, CTL_TOKEN_ID_LEN) ||
	    !field(&p, t.secret, sizeof(t.secret)) || !is_hex(t.secret, CTL_TOKEN_SECRET_LEN) ||
	    !field(&p, t.ca_fp, sizeof(t.ca_fp)) || !is_hex(t.ca_fp, CTL_TOKEN_FP_LEN)) {
		*why = "its id, secret or CA fingerprint is damaged (copy the whole token)";
		return -EINVAL;
	}
	v = field(&p, port, sizeof(port)) ? strtoul(port, &end, 10) : 0;
	if (!v || v > 65535 || *end || !*p || strlen(p) >= sizeof(t.addr)) {
		*why = "its port or address is damaged (copy the whole token)";
		return -EINVAL;
	}
	t.port = (unsigned)v;
	snprintf(t.addr, sizeof(t.addr), "%s", p);
	*ret = t;
	return 0;
}

static int
hash_hex(const char *secret, char hex[65])
{
	unsigned char md[32];
	unsigned int n = 0;

	if (EVP_Digest(secret, strlen(secret), md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		return -EIO;
	to_hex(md, n, hex);
	return 0;
}

int
ctl_token_record(const struct ctl_token *t, time_t expires, char **ret_record)
{
	char hex[65];
	int r = hash_hex(t->secret, hex);

	if (r < 0)
		return r;
	if (asprintf(ret_record, "v1 %s %" PRId64 " unused\n", hex, (int64_t)expires) < 0)
		return -ENOMEM;
	return 0;
}

/* Split a record into hash, expiry and state. */
static int
parse_record(const char *record, char hash[65], int64_t *expires, char state[8])
{
	if (sscanf(record, "v1 %64s %" SCNd64 " %7s", hash, expires, state) != 3 ||
	    !is_hex(hash, 64))
		return -EINVAL;
	return 0;
}

int
ctl_token_check(const char *record, const char *secret, time_t now, time_t *ret_expires)
{
	char want[65], got[65], state[8];
	int64_t expires;
	int r;

	r = parse_record(record, want, &expires, state);
	if (r < 0)
		return r;
	r = hash_hex(secret, got);
	if (r < 0)
		return r;
	if (CRYPTO_memcmp(want, got, 64) != 0)
		return -EACCES;
	if (strcmp(state, "unused"))
		return -EALREADY;
	if (now >= expires) {
		if (ret_expires)
			*ret_expires = (time_t)expires;
		return -ETIME;
	}
	return 0;
}

int
ctl_token_mark_used(const char *record, char **ret_record)
{
	char hash[65], state[8];
	int64_t expires;

	if (parse_record(record, hash, &expires, state) < 0)
		return -EINVAL;
	if (asprintf(ret_record, "v1 %s %" PRId64 " used\n", hash, expires) < 0)
		return -ENOMEM;
	return 0;
}

int
ctl_parse_duration(const char *text, unsigned *ret_seconds)
{
	unsigned long v, mult = 1;
	char *end;

	if (*text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno)
		return -EINVAL;
	if (*end && end[1])
		return -EINVAL;
	switch (*end) {
	case '\0':
	case 's':
		mult = 1;
		break;
	case 'm':
		mult = 60;
		break;
	case 'h':
		mult = 3600;
		break;
	case 'd':
		mult = 86400;
		break;
	default:
		return -EINVAL;
	}
	if (v == 0 || v > MAX_TTL_S / mult)
		return -EINVAL;
	*ret_seconds = (unsigned)(v * mult);
	return 0;
}
