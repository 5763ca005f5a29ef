/*
 * master.c - the CRM of one node, wired to the environment: competes for
 * the ha_manager lease, and as master gathers the inputs of a decision
 * pass (configuration, LRM statuses, agent leases, admin commands, fence
 * results), runs hamgr_crm_step and carries out its output.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/hamgr-int.h"

#define MASTER_LEASE "ha_manager"

struct hamgr_master {
	const struct hamgr_env_ops *ops;
	void *ctx;
	char node[HAMGR_NODE_NAME_MAX];
	hamgr_can_run_fn can_run;
	void *can_run_ctx;
	struct hamgr_settings settings;
	struct hamgr_resources *res; /* last good */
	struct hamgr_rules *rules;   /* last good, NULL: none */
	hamgr_crm_t *crm;            /* memory of this term as master */
	bool active;
	uint64_t renewed_ns, tried_ns;
	bool renew_failed; /* retried at the next round, see keep_mastership */
	char fenced_off[HAMGR_MAX_NODES][HAMGR_NODE_NAME_MAX]; /* confirmed by a device */
	/* Files read last time, so unchanged ones are not parsed again. */
	char *cfg_text[3];
	char *lrm_text[HAMGR_MAX_NODES];
	struct hamgr_lrm_status *lrm[HAMGR_MAX_NODES];
	char error[sizeof(((struct hamgr_error *)0)->text)];
	char error_out[sizeof(((struct hamgr_error *)0)->text)];
};

hamgr_master_t *
hamgr_master_new(const struct hamgr_env_ops *ops, void *ctx, const char *node,
		 hamgr_can_run_fn can_run, void *can_run_ctx)
{
	hamgr_master_t *m;

	if (hamgr_env_check(ops, NULL) < 0 || !hamgr_name_valid(node)) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->ops = ops;
	m->ctx = ctx;
	strcpy(m->node, node);
	m->can_run = can_run;
	m->can_run_ctx = can_run_ctx;
	hamgr_settings_default(&m->settings);
	return m;
}

void
hamgr_master_free(hamgr_master_t *m)
{
	if (!m)
		return;
	hamgr_resources_free(m->res);
	hamgr_rules_free(m->rules);
	hamgr_crm_free(m->crm);
	for (int i = 0; i < 3; i++)
		free(m->cfg_text[i]);
	for (int i = 0; i < HAMGR_MAX_NODES; i++) {
		free(m->lrm_text[i]);
		hamgr_lrm_status_free(m->lrm[i]);
	}
	free(m);
}

bool
hamgr_master_active(const hamgr_master_t *m)
{
	return m->active;
}

const char *
hamgr_master_last_error(hamgr_master_t *m)
{
	strcpy(m->error_out, m->error);
	m->error[0] = '\0';
	return m->error_out;
}

void
hamgr_master_fence_result(hamgr_master_t *m, const char *node, int rc)
{
	int free_slot = -1;

	if (rc < 0)
		return; /* the watchdog bound still applies */
	for (int i = 0; i < HAMGR_MAX_NODES; i++) {
		if (strcmp(m->fenced_off[i], node) == 0)
			return;
		if (free_slot < 0 && !m->fenced_off[i][0])
			free_slot = i;
	}
	if (free_slot >= 0 && strlen(node) < HAMGR_NODE_NAME_MAX)
		strcpy(m->fenced_off[free_slot], node);
}

static bool
is_fenced_off(const hamgr_master_t *m, const char *node)
{
	for (int i = 0; i < HAMGR_MAX_NODES; i++)
		if (strcmp(m->fenced_off[i], node) == 0)
			return true;
	return false;
}

static void
clear_fenced_off(hamgr_master_t *m, const char *node)
{
	for (int i = 0; i < HAMGR_MAX_NODES; i++)
		if (strcmp(m->fenced_off[i], node) == 0)
			m->fenced_off[i][0] = '\0';
}

static char *
read_file(hamgr_master_t *m, const char *path, size_t *len)
{
	char *data = NULL;

	return m->ops->read_file(m->ctx, path, &data, len) == 0 ? data : NULL;
}

/* Reload the configuration files; a bad one keeps the last good version. */
static void
load_config(hamgr_master_t *m)
{
	struct hamgr_resources *res = NULL;
	struct hamgr_rules *rules = NULL;
	struct hamgr_error err;
	bool same = true;
	char *text;
	size_t len;

	text = read_file(m, "ha/settings.cfg", &len);
	same &= hamgr_text_same(&m->cfg_text[0], text ? strdup(text) : NULL);
	{
		size_t len2;
		char *t2 = read_file(m, "ha/rules.cfg", &len2);

		same &= hamgr_text_same(&m->cfg_text[1], t2);
		t2 = read_file(m, "ha/resources.cfg", &len2);
		same &= hamgr_text_same(&m->cfg_text[2], t2);
	}
	if (same && m->res) {
		free(text);
		return;
	}
	if (text && hamgr_settings_parse("ha/settings.cfg", text, len, &m->settings, &err) < 0)
		strcpy(m->error, err.text);
	free(text);
	text = read_file(m, "ha/rules.cfg", &len);
	if (text && hamgr_rules_parse("ha/rules.cfg", text, len, &rules, &err) < 0)
		strcpy(m->error, err.text);
	free(text);
	text = read_file(m, "ha/resources.cfg", &len);
	if (!text) {
		/* No file: no resources. */
		if (hamgr_resources_parse("ha/resources.cfg", "", 0, &res, &err) < 0)
			res = NULL;
	} else if (hamgr_resources_parse("ha/resources.cfg", text, len, &res, &err) < 0) {
		strcpy(m->error, err.text);
	}
	free(text);
	if (res && hamgr_rules_check_resources(rules ? rules : m->rules, res, "ha/resources.cfg",
					       &err) < 0) {
		strcpy(m->error, err.text);
		hamgr_resources_free(res);
		res = NULL;
	}
	if (res) {
		hamgr_resources_free(m->res);
		m->res = res;
	}
	if (rules) {
		hamgr_rules_free(m->rules);
		m->rules = rules;
	}
}

/* Take or keep the ha_manager lease; returns whether this node is master. */
static bool
keep_mastership(hamgr_master_t *m, bool quorate)
{
	const struct hamgr_env_ops *o = m->ops;
	uint64_t now = o->now_ns(m->ctx);

	if (!quorate) {
		m->active = false;
		return false;
	}
	if (!m->active) {
		/*
		 * A master that left the primary component can no longer write
		 * anything, so its lease need not run out first: that keeps a
		 * master failover inside corosync's detection time.
		 */
		if (o->lease_acquire(m->ctx, MASTER_LEASE) < 0 &&
		    o->lease_steal(m->ctx, MASTER_LEASE) < 0)
			return false;
		/* A new term starts with no memory of an earlier one. */
		hamgr_crm_free(m->crm);
		m->crm = hamgr_crm_new();
		if (!m->crm)
			return false;
		m->active = true;
		m->renew_failed = false;
		m->renewed_ns = m->tried_ns = now;
		return true;
	}
	/* A failed renewal is retried at once, as the LRM does (see keep_lease there). */
	if (m->renew_failed || now >= m->tried_ns + (uint64_t)m->settings.lease_renew_ms * 1000000u) {
		m->tried_ns = now;
		m->renew_failed = o->lease_renew(m->ctx, MASTER_LEASE) < 0;
		if (!m->renew_failed)
			m->renewed_ns = o->now_ns(m->ctx);
	}
	if (o->now_ns(m->ctx) >= m->renewed_ns + (uint64_t)m->settings.lease_ms * 1000000u)
		m->active = false;
	return m->active;
}

/* The view of every configured node: membership, LRM status, lease, fencing. */
static void
build_views(hamgr_master_t *m, const struct hamgr_membership *mb, struct hamgr_node_view *v)
{
	char path[HAMGR_NODE_NAME_MAX + 32], *text;
	struct hamgr_lease_info info;
	struct hamgr_error err;
	size_t len;

	for (unsigned i = 0; i < mb->n_nodes; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		strcpy(v[i].name, mb->nodes[i].name);
		v[i].online = mb->nodes[i].online;
		if (v[i].online)
			clear_fenced_off(m, v[i].name);
		v[i].fenced_off = is_fenced_off(m, v[i].name);
		snprintf(path, sizeof(path), "nodes/%s/lrm_status", v[i].name);
		text = read_file(m, path, &len);
		if (!hamgr_text_same(&m->lrm_text[i], text)) {
			hamgr_lrm_status_free(m->lrm[i]);
			m->lrm[i] = NULL;
			if (text && hamgr_lrm_status_decode(path, text, len, &m->lrm[i], &err) < 0)
				strcpy(m->error, err.text);
		}
		v[i].lrm = m->lrm[i];
		v[i].mode = m->lrm[i] ? m->lrm[i]->mode : HAMGR_LRM_ACTIVE;
		snprintf(path, sizeof(path), "ha_agent_%s", v[i].name);
		if (m->ops->lease_info(m->ctx, path, &info) == 0 && info.holder[0]) {
			v[i].lease_held = true;
			v[i].lease_renewed_ns = info.renewed_ns;
		}
	}
}

static struct hamgr_manager_status *
load_status(hamgr_master_t *m)
{
	struct hamgr_manager_status *ms = NULL;
	struct hamgr_error err;
	size_t len;
	char *text = read_file(m, "ha/manager_status", &len);

	if (!text)
		return hamgr_manager_status_new();
	if (hamgr_manager_status_decode("ha/manager_status", text, len, &ms, &err) < 0) {
		/* Never decide from a status we cannot read: we could undo a fence. */
		strcpy(m->error, err.text);
		ms = NULL;
	}
	free(text);
	return ms;
}

static void
take_commands(hamgr_master_t *m, struct hamgr_cmd **cmds, size_t *n)
{
	struct hamgr_error err;
	size_t len;
	char *text = read_file(m, "ha/crm_commands", &len);

	*cmds = NULL;
	*n = 0;
	if (!text || !len) {
		free(text);
		return;
	}
	if (hamgr_cmds_parse("ha/crm_commands", text, len, cmds, n, &err) < 0)
		strcpy(m->error, err.text);
	free(text);
	/* Taken: each command is applied once (or dropped with its error). */
	(void)m->ops->write_file(m->ctx, "ha/crm_commands", "", 0);
}

/*
 * A stop command also sets the requested state to stopped in
 * ha/resources.cfg, so the service stays stopped afterwards, like the
 * admin's own edit would; then the configuration is read again.
 */
static void
stop_commands(hamgr_master_t *m, const struct hamgr_cmd *cmds, size_t n)
{
	struct hamgr_error err;
	bool edited = false;
	char *text, *out;
	size_t len;

	for (size_t i = 0; i < n; i++) {
		if (cmds[i].kind != HAMGR_CMD_STOP)
			continue;
		text = read_file(m, "ha/resources.cfg", &len);
		if (text && hamgr_resources_set_state(text, cmds[i].sid, HAMGR_REQ_STOPPED,
						      &out) == 0) {
			if (m->ops->write_file(m->ctx, "ha/resources.cfg", out, strlen(out)) == 0)
				edited = true;
			free(out);
		} else {
			(void)hamgr_error_set(&err, "ha/crm_commands", 0, "stop %s: no such resource",
					cmds[i].sid);
			strcpy(m->error, err.text);
		}
		free(text);
	}
	if (edited)
		load_config(m);
}

static int
decide(hamgr_master_t *m, const struct hamgr_membership *mb)
{
	struct hamgr_node_view views[HAMGR_MAX_NODES];
	struct hamgr_manager_status *ms = load_status(m);
	struct hamgr_crm_output out;
	struct hamgr_crm_input in;
	struct hamgr_cmd *cmds;
	size_t n_cmds;
	char *json = NULL;
	int r;

	if (!ms)
		return 0;
	build_views(m, mb, views);
	take_commands(m, &cmds, &n_cmds);
	stop_commands(m, cmds, n_cmds);
	in = (struct hamgr_crm_input){
		.now_ns = m->ops->now_ns(m->ctx),
		.quorate = true,
		.settings = &m->settings,
		.resources = m->res,
		.rules = m->rules,
		.n_nodes = mb->n_nodes,
		.nodes = views,
		.can_run = m->can_run,
		.can_run_ctx = m->can_run_ctx,
	};
	r = hamgr_crm_step(m->crm, ms, &in, cmds, n_cmds, &out);
	if (r == 0 && (out.changed || strcmp(ms->master, m->node) != 0)) {
		strcpy(ms->master, m->node);
		r = hamgr_manager_status_encode(ms, &json);
		if (r == 0)
			r = m->ops->write_file(m->ctx, "ha/manager_status", json, strlen(json));
	}
	for (unsigned i = 0; r == 0 && i < out.n_fence; i++)
		(void)m->ops->fence_node(m->ctx, out.fence[i]);
	if (out.why[0])
		strcpy(m->error, out.why);
	free(json);
	free(cmds);
	hamgr_manager_status_free(ms);
	return r;
}

int
hamgr_master_tick(hamgr_master_t *m)
{
	struct hamgr_membership *mb = malloc(sizeof(*mb));
	int r = 0;

	if (!mb)
		return -ENOMEM;
	if (m->ops->membership(m->ctx, mb) < 0)
		mb->quorate = false;
	load_config(m);
	if (keep_mastership(m, mb->quorate) && m->res)
		r = decide(m, mb);
	free(mb);
	return r;
}
