/*
 * settings.c - the cluster-wide settings file ha/settings.cfg: every timing
 * of the HA stack, its defaults, the safety inequalities that keep one
 * guest from running twice and healthy nodes from fencing themselves, and
 * the failover budget those timings give.  ha-settings.cfg(5) explains the
 * arithmetic; keep the two in step.
 */
#include <config.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/hamgr-int.h"

/* One key of the file: where it goes and which values it accepts. */
struct key {
	const char *name;
	size_t offset;
	bool duration; /* with a unit (ms, s); else a plain count */
	uint64_t min, max;
};


static const struct key keys[] = {
	{"lease", offsetof(struct hamgr_settings, lease_ms), true, 1000, 600000},
	{"lease_renew", offsetof(struct hamgr_settings, lease_renew_ms), true, 100, 60000},
	{"watchdog_timeout", offsetof(struct hamgr_settings, watchdog_timeout_ms), true, 1000,
	 255000},
	{"margin", offsetof(struct hamgr_settings, margin_ms), true, 100, 60000},
	{"corosync_detect", offsetof(struct hamgr_settings, corosync_detect_ms), true, 500,
	 120000},
	{"corosync_join", offsetof(struct hamgr_settings, corosync_join_ms), true, 0, 120000},
	{"fence_delay", offsetof(struct hamgr_settings, fence_delay_ms), true, 0, 60000},
	{"fence_timeout", offsetof(struct hamgr_settings, fence_timeout_ms), true, 1000, 600000},
	{"fence_confirm", offsetof(struct hamgr_settings, fence_confirm_ms), true, 0, 600000},
	{"guest_start", offsetof(struct hamgr_settings, guest_start_ms), true, 0, 3600000},
	{"safety_round", offsetof(struct hamgr_settings, safety_round_ms), true, 1000, 3600000},
	{"lrm_workers", offsetof(struct hamgr_settings, lrm_workers), false, 1, 64},
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

/* Keys whose value is a word from a list; they follow keys[] in seen_line[]. */
static const char *const policy_names[] = {
	[HAMGR_SHUTDOWN_CONDITIONAL] = "conditional",
	[HAMGR_SHUTDOWN_FREEZE] = "freeze",
	[HAMGR_SHUTDOWN_FAILOVER] = "failover",
	[HAMGR_SHUTDOWN_MIGRATE] = "migrate",
};
static const char *const placement_names[] = {
	[HAMGR_LOAD_COUNT] = "count",
	[HAMGR_LOAD_STATIC] = "static",
};

struct word_key {
	const char *name;
	const char *const *values;
	size_t n_values;
	const char *list; /* for messages */
};

static const struct word_key word_keys[] = {
	{"shutdown_policy", policy_names, 4, "conditional, freeze, failover or migrate"},
	{"placement", placement_names, 2, "count or static"},
};

#define N_WORD_KEYS (sizeof(word_keys) / sizeof(word_keys[0]))

const char *
hamgr_shutdown_policy_name(enum hamgr_shutdown_policy policy)
{
	return policy_names[policy];
}

enum hamgr_shutdown_action
hamgr_shutdown_action(enum hamgr_shutdown_policy policy, enum hamgr_lrm_mode mode)
{
	if (mode != HAMGR_LRM_SHUTDOWN && mode != HAMGR_LRM_REBOOT)
		return HAMGR_ACT_NONE;
	switch (policy) {
	case HAMGR_SHUTDOWN_FREEZE:
		return HAMGR_ACT_FREEZE;
	case HAMGR_SHUTDOWN_FAILOVER:
		return HAMGR_ACT_FAILOVER;
	case HAMGR_SHUTDOWN_MIGRATE:
		return HAMGR_ACT_MIGRATE;
	case HAMGR_SHUTDOWN_CONDITIONAL:
		break;
	}
	/* A reboot is short: moving everything twice costs more than waiting. */
	return mode == HAMGR_LRM_REBOOT ? HAMGR_ACT_FREEZE : HAMGR_ACT_FAILOVER;
}

/* Parse a word-valued key; returns 1 when @l is not one, 0 or -EINVAL. */
static int
parse_word(const struct hamgr_cfg_line *l, const char *file, unsigned *seen,
	   struct hamgr_settings *s, struct hamgr_error *err)
{
	for (size_t i = 0; i < N_WORD_KEYS; i++) {
		const struct word_key *k = &word_keys[i];
		int v;

		if (strcmp(k->name, l->key) != 0)
			continue;
		if (seen[i])
			return hamgr_error_set(err, file, l->line, "%s: already set on line %u",
					       k->name, seen[i]);
		seen[i] = l->line;
		v = hamgr_state_from_name(k->values, k->n_values, l->value);
		if (v < 0)
			return hamgr_error_set(err, file, l->line, "%s: '%s' is not one of %s",
					       k->name, l->value, k->list);
		if (i == 0)
			s->shutdown_policy = (enum hamgr_shutdown_policy)v;
		else
			s->placement = (enum hamgr_placement_load)v;
		return 0;
	}
	return 1;
}

void
hamgr_settings_default(struct hamgr_settings *ret)
{
	/*
	 * Chosen for a 3-node cluster at corosync token 1000 ms: detection
	 * measured at 3.7 s by bench/lab-detect, and a node that comes back
	 * while its loss is being detected stretched the pause in deliveries
	 * to at most 5.32 s (bench/lab-blip): up to 1.67 s beyond a plain
	 * leave, about one token timeout (1650 ms at 3 nodes), 1.8 s with
	 * some to spare.  The lease outlasts that pause
	 * (6500 >= 500 + 3700 + 1800 + 500), the watchdog outlasts a feed
	 * interval even if it fires one count early (500 + 500 <= 2000 -
	 * 1000), and a powered-off node's guests run elsewhere after at most
	 * 6.5 + 2 + 0.5 + 1 = 10 s with the watchdog alone, 3.7 + 0 + 0.5 + 1
	 * = 5.2 s with a fence device.
	 */
	*ret = (struct hamgr_settings){
		.lease_ms = 6500,
		.lease_renew_ms = 500,
		.watchdog_timeout_ms = 2000,
		.margin_ms = 500,
		.corosync_detect_ms = 3700,
		.corosync_join_ms = 1800,
		.fence_delay_ms = 0,
		.fence_timeout_ms = 2000,
		.fence_confirm_ms = 500,
		.guest_start_ms = 1000,
		.safety_round_ms = 10000,
		.lrm_workers = 4,
		.shutdown_policy = HAMGR_SHUTDOWN_CONDITIONAL,
		.placement = HAMGR_LOAD_COUNT,
	};
}

static const struct key *
find_key(const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int
parse_value(const struct key *k, const struct hamgr_cfg_line *l, const char *file,
	    struct hamgr_settings *s, struct hamgr_error *err)
{
	uint64_t v;
	int r;

	if (k->duration) {
		r = hamgr_parse_duration_ms(l->value, &v);
		if (r == -EINVAL)
			return hamgr_error_set(err, file, l->line,
					       "%s: '%s' is not a duration (a number with unit "
					       "ms or s, e.g. 500ms or 5s)",
					       k->name, l->value);
	} else {
		r = hamgr_parse_uint(l->value, 0, UINT32_MAX, &v);
		if (r == -EINVAL)
			return hamgr_error_set(err, file, l->line, "%s: '%s' is not a number",
					       k->name, l->value);
	}
	if (r < 0 || v < k->min || v > k->max) {
		if (k->duration)
			return hamgr_error_set(err, file, l->line,
					       "%s: %s is out of range %llums..%llums", k->name,
					       l->value, (unsigned long long)k->min,
					       (unsigned long long)k->max);
		return hamgr_error_set(err, file, l->line, "%s: %s is out of range %llu..%llu",
				       k->name, l->value, (unsigned long long)k->min,
				       (unsigned long long)k->max);
	}
	*(uint32_t *)((char *)s + k->offset) = (uint32_t)v;
	return 0;
}

int
hamgr_settings_parse(const char *file, const char *text, size_t len, struct hamgr_settings *ret,
		     struct hamgr_error *err)
{
	unsigned seen_line[N_KEYS] = {0}, seen_word[N_WORD_KEYS] = {0};
	struct hamgr_cfg_reader *rd;
	struct hamgr_settings s;
	struct hamgr_cfg_line l;
	const struct key *k;
	int r;

	rd = malloc(sizeof(*rd));
	if (!rd)
		return -ENOMEM;
	hamgr_settings_default(&s);
	hamgr_cfg_reader_init(rd, file, text, len);
	while ((r = hamgr_cfg_next(rd, &l, err)) > 0) {
		if (l.indented) {
			r = hamgr_error_set(err, file, l.line, "unexpected indented line");
			goto out;
		}
		r = parse_word(&l, file, seen_word, &s, err);
		if (r <= 0) {
			if (r < 0)
				goto out;
			continue;
		}
		k = find_key(l.key);
		if (!k) {
			r = hamgr_error_set(err, file, l.line, "unknown setting '%s'", l.key);
			goto out;
		}
		if (seen_line[k - keys]) {
			r = hamgr_error_set(err, file, l.line, "%s: already set on line %u", k->name,
					    seen_line[k - keys]);
			goto out;
		}
		seen_line[k - keys] = l.line;
		if (!*l.value) {
			r = hamgr_error_set(err, file, l.line, "%s: missing value", k->name);
			goto out;
		}
		r = parse_value(k, &l, file, &s, err);
		if (r < 0)
			goto out;
	}
	if (r < 0)
		goto out;
	r = hamgr_settings_check(&s, file, err);
	if (r == 0)
		*ret = s;
out:
	free(rd);
	return r;
}

int
hamgr_settings_check(const struct hamgr_settings *s, const char *file, struct hamgr_error *err)
{
	/*
	 * A healthy node must keep its lease through an ordinary membership
	 * change, during which corosync delivers nothing for up to
	 * corosync_detect, or corosync_join longer when a node comes back
	 * while the change is under way; its last renewal may be lease_renew
	 * older still.
	 */
	if ((uint64_t)s->lease_ms < (uint64_t)s->lease_renew_ms + s->corosync_detect_ms +
					    s->corosync_join_ms + s->margin_ms)
		return hamgr_error_set(err, file, 0,
				       "unsafe: lease >= lease_renew + corosync_detect + "
				       "corosync_join + margin is violated (%u < %u + %u + %u + %u): "
				       "healthy nodes would fence themselves during a membership "
				       "change",
				       s->lease_ms, s->lease_renew_ms, s->corosync_detect_ms,
				       s->corosync_join_ms, s->margin_ms);
	/*
	 * The LRM feeds once per renewal round; that must beat the watchdog,
	 * and a device that counts whole seconds may fire up to one count
	 * before its timeout.
	 */
	if ((uint64_t)s->lease_renew_ms + s->margin_ms + 1000 > s->watchdog_timeout_ms)
		return hamgr_error_set(err, file, 0,
				       "unsafe: lease_renew + margin <= watchdog_timeout - 1s is "
				       "violated (%u + %u > %u - 1000): a healthy node's watchdog "
				       "would expire between two feeds",
				       s->lease_renew_ms, s->margin_ms, s->watchdog_timeout_ms);
	/* Watchdog devices count whole seconds; a rounded-down timeout would fire early. */
	if (s->watchdog_timeout_ms % 1000)
		return hamgr_error_set(err, file, 0,
				       "unsafe: watchdog_timeout mod 1s = 0 is violated (%ums): "
				       "watchdog devices count whole seconds",
				       s->watchdog_timeout_ms);
	if (s->fence_confirm_ms >= s->fence_timeout_ms)
		return hamgr_error_set(err, file, 0,
				       "inconsistent: fence_confirm < fence_timeout is violated "
				       "(%u >= %u): every fence attempt would time out",
				       s->fence_confirm_ms, s->fence_timeout_ms);
	return 0;
}

uint64_t
hamgr_settings_fence_wait_ns(const struct hamgr_settings *s)
{
	return ((uint64_t)s->lease_ms + s->watchdog_timeout_ms + s->margin_ms) * 1000000u;
}

void
hamgr_settings_budget(const struct hamgr_settings *s, struct hamgr_budget *ret)
{
	/*
	 * Watchdog alone: the node may have renewed just before losing power,
	 * so survivors wait a full lease + watchdog + margin from that
	 * renewal; corosync has dropped the node long before (lease >
	 * corosync_detect by the first inequality).  With a device: corosync
	 * must first notice, then the delay, power-off and read-back.
	 */
	uint64_t wd = (uint64_t)s->lease_ms + s->watchdog_timeout_ms + s->margin_ms;
	uint64_t dev = (uint64_t)s->corosync_detect_ms + s->fence_delay_ms + s->fence_confirm_ms;

	if (wd < s->corosync_detect_ms)
		wd = s->corosync_detect_ms;
	ret->watchdog_ms = wd + s->guest_start_ms;
	ret->device_ms = (dev < wd ? dev : wd) + s->guest_start_ms;
}
