/*
 * facts.c - reads the cluster facts of `clusterctl status` from the running
 * corosync: the totem settings and nodelist from cmap, the membership and
 * ring id from the quorum service, the votes from votequorum and this
 * node's id from cfg.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/cfg.h>
#include <corosync/cmap.h>
#include <corosync/quorum.h>
#include <corosync/votequorum.h>

#include "clusterctl/clusterctl.h"
#include "common/common.h"

/* What the quorum service's first notification tells. */
struct view {
	bool seen;
	bool quorate;
	struct quorum_ring_id ring;
	uint32_t n_members;
	uint32_t members[CTL_MAX_NODES];
};

static void
copy_string(cmap_handle_t h, const char *key, char *dst, size_t size, const char *dflt)
{
	char *v = NULL;

	if (cmap_get_string(h, key, &v) == CS_OK && v)
		snprintf(dst, size, "%s", v);
	else
		snprintf(dst, size, "%s", dflt);
	free(v);
}

static int
cmp_node(const void *a, const void *b)
{
	const struct ctl_node *x = a, *y = b;

	return x->nodeid < y->nodeid ? -1 : x->nodeid > y->nodeid;
}

static void
read_totem(cmap_handle_t h, struct ctl_status *s)
{
	char cipher[32], hash[32], secauth[8];

	copy_string(h, "totem.cluster_name", s->cluster_name, sizeof(s->cluster_name), "");
	if (cmap_get_uint64(h, "totem.config_version", &s->config_version) != CS_OK)
		s->config_version = 0;
	copy_string(h, "totem.transport", s->transport, sizeof(s->transport), "knet");
	copy_string(h, "totem.crypto_cipher", cipher, sizeof(cipher), "none");
	copy_string(h, "totem.crypto_hash", hash, sizeof(hash), "none");
	copy_string(h, "totem.secauth", secauth, sizeof(secauth), "off");
	s->secure_auth = strcmp(cipher, "none") || strcmp(hash, "none") || !strcmp(secauth, "on");
	copy_string(h, "quorum.provider", s->provider, sizeof(s->provider), "");
}

static void
read_nodelist(cmap_handle_t h, struct ctl_status *s)
{
	s->n_nodes = 0;
	for (unsigned i = 0; s->n_nodes < CTL_MAX_NODES; i++) {
		struct ctl_node *n = &s->nodes[s->n_nodes];
		char key[64];

		snprintf(key, sizeof(key), "nodelist.node.%u.nodeid", i);
		if (cmap_get_uint32(h, key, &n->nodeid) != CS_OK)
			break;
		snprintf(key, sizeof(key), "nodelist.node.%u.ring0_addr", i);
		copy_string(h, key, n->addr, sizeof(n->addr), "");
		snprintf(key, sizeof(key), "nodelist.node.%u.name", i);
		copy_string(h, key, n->name, sizeof(n->name), n->addr);
		snprintf(key, sizeof(key), "nodelist.node.%u.quorum_votes", i);
		if (cmap_get_uint32(h, key, &n->votes) != CS_OK)
			n->votes = 1;
		s->n_nodes++;
	}
	qsort(s->nodes, s->n_nodes, sizeof(s->nodes[0]), cmp_node);
}

static void
on_view(quorum_handle_t handle, uint32_t quorate, struct quorum_ring_id ring, uint32_t n,
        const uint32_t *members)
{
	const void *ctx = NULL;
	struct view *v;

	if (quorum_context_get(handle, &ctx) != CS_OK || !ctx)
		return;
	v = (struct view *)(uintptr_t)ctx;
	v->seen = true;
	v->quorate = quorate != 0;
	v->ring = ring;
	v->n_members = n < CTL_MAX_NODES ? n : CTL_MAX_NODES;
	memcpy(v->members, members, v->n_members * sizeof(*members));
}

/* One notification with the current view (CS_TRACK_CURRENT), then stop. */
static int
read_view(struct view *v)
{
	quorum_model_v1_data_t model = {.model = QUORUM_MODEL_V1, .quorum_notify_fn = on_view};
	quorum_handle_t h;
	uint32_t type = 0;
	int r;

	r = cl_cs_errno(
	    quorum_model_initialize(&h, QUORUM_MODEL_V1, (quorum_model_data_t *)&model, &type, v));
	if (r < 0)
		return r;
	r = cl_cs_errno(quorum_trackstart(h, CS_TRACK_CURRENT));
	while (r == 0 && !v->seen)
		r = cl_cs_errno(quorum_dispatch(h, CS_DISPATCH_ONE));
	quorum_finalize(h);
	return r;
}

static int
read_votes(struct ctl_status *s, const struct view *v)
{
	struct votequorum_info info;
	votequorum_handle_t h;
	int r;

	r = cl_cs_errno(votequorum_initialize(&h, NULL));
	if (r < 0)
		return r;
	r = cl_cs_errno(votequorum_getinfo(h, s->local_nodeid, &info));
	if (r == 0) {
		s->expected_votes = info.node_expected_votes;
		s->highest_expected = info.highest_expected;
		s->total_votes = info.total_votes;
		s->quorum = info.quorum;
		s->flags = info.flags;
	}
	for (size_t i = 0; r == 0 && i < s->n_nodes; i++) {
		struct ctl_node *n = &s->nodes[i];

		for (uint32_t j = 0; j < v->n_members; j++)
			if (v->members[j] == n->nodeid)
				n->online = true;
		n->local = n->nodeid == s->local_nodeid;
		/* The votes a member really casts; the nodelist's for the others. */
		if (n->online && votequorum_getinfo(h, n->nodeid, &info) == CS_OK)
			n->votes = info.node_votes;
	}
	votequorum_finalize(h);
	return r;
}

static int
read_local_nodeid(uint32_t *ret_nodeid)
{
	corosync_cfg_handle_t h;
	unsigned int id = 0;
	int r;

	r = cl_cs_errno(corosync_cfg_initialize(&h, NULL));
	if (r < 0)
		return r;
	r = cl_cs_errno(corosync_cfg_local_get(h, &id));
	corosync_cfg_finalize(h);
	if (r == 0)
		*ret_nodeid = id;
	return r;
}

int
ctl_status_read(struct ctl_status *ret_status)
{
	struct ctl_status *s = ret_status;
	struct view v = {0};
	cmap_handle_t cmap;
	int r;

	memset(s, 0, sizeof(*s));
	s->date = time(NULL);
	r = cl_cs_errno(cmap_initialize(&cmap));
	if (r < 0)
		return r;
	read_totem(cmap, s);
	read_nodelist(cmap, s);
	cmap_finalize(cmap);
	r = read_local_nodeid(&s->local_nodeid);
	if (r == 0)
		r = read_view(&v);
	if (r < 0)
		return r;
	s->quorate = v.quorate;
	s->ring_nodeid = v.ring.nodeid;
	s->ring_seq = v.ring.seq;
	s->n_members = v.n_members;
	return read_votes(s, &v);
}
