/*
 * token.h - join tokens: the string an admin copies from a member to a
 * new node (a random id and secret, the CA fingerprint and the member's
 * address), and the record the member keeps of it in the tree's priv/join/
 * (the secret only as a SHA-256 hash, the expiry, whether it was used).
 */
#ifndef CLUSTERHA_CLUSTERCTL_TOKEN_H
#define CLUSTERHA_CLUSTERCTL_TOKEN_H

#include <stdint.h>
#include <time.h>

#define CTL_TOKEN_ID_LEN     16 /* hex */
#define CTL_TOKEN_SECRET_LEN 64 /* hex, 32 random bytes */
#define CTL_TOKEN_FP_LEN     64 /* hex SHA-256 of the CA certificate */
#define CTL_JOIN_PORT        5406

struct ctl_token {
	char id[CTL_TOKEN_ID_LEN + 1];
	char secret[CTL_TOKEN_SECRET_LEN + 1];
	char ca_fp[CTL_TOKEN_FP_LEN + 1];
	unsigned port;
	char addr[256];
};

/* A new token with random id and secret for @ca_fp at @addr:@port. */
int ctl_token_new(const char *ca_fp, const char *addr, unsigned port, struct ctl_token *ret);

/* "clj1.ID.SECRET.FP.PORT.ADDR" into @buf of @size. */
int ctl_token_format(const struct ctl_token *t, char *buf, size_t size);

/* Parse a token string; -EINVAL, with *why saying what is wrong. */
int ctl_token_parse(const char *text, struct ctl_token *ret, const char **why);

/* The record kept for @t: the hashed secret and @expires; new string. */
int ctl_token_record(const struct ctl_token *t, time_t expires, char **ret_record);

/*
 * Check @secret against @record at @now: 0 when valid, -EACCES when the
 * secret does not match (compared in constant time), -EALREADY when the
 * token was used, -ETIME when it expired (*ret_expires then says when),
 * -EINVAL when the record is damaged.
 */
int ctl_token_check(const char *record, const char *secret, time_t now, time_t *ret_expires);

/* @record marked as used; new string. */
int ctl_token_mark_used(const char *record, char **ret_record);

/* "90", "30s", "15m", "2h", "7d" as seconds in 1..30 days; -EINVAL otherwise. */
int ctl_parse_duration(const char *text, unsigned *ret_seconds);

#endif /* CLUSTERHA_CLUSTERCTL_TOKEN_H */
