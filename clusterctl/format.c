/*
 * format.c - prints the cluster facts: as text in the sections and order a
 * `pvecm status` reader knows, and as JSON carrying the same facts under
 * the same section names.
 */
#include <config.h>

#include <inttypes.h>
#include <string.h>

#include <corosync/votequorum.h>

#include "clusterctl/clusterctl.h"

static const struct {
	unsigned flag;
	const char *word;
} flag_words[] = {
    {VOTEQUORUM_INFO_QUORATE, "Quorate"},
    {VOTEQUORUM_INFO_TWONODE, "2Node"},
    {VOTEQUORUM_INFO_WAIT_FOR_ALL, "WaitForAll"},
    {VOTEQUORUM_INFO_LAST_MAN_STANDING, "LastManStanding"},
    {VOTEQUORUM_INFO_AUTO_TIE_BREAKER, "AutoTieBreaker"},
    {VOTEQUORUM_INFO_ALLOW_DOWNSCALE, "AllowDownscale"},
    {VOTEQUORUM_INFO_QDEVICE_REGISTERED, "Qdevice"},
    {VOTEQUORUM_INFO_QDEVICE_ALIVE, "QdeviceAlive"},
    {VOTEQUORUM_INFO_QDEVICE_CAST_VOTE, "QdeviceCastVote"},
    {VOTEQUORUM_INFO_QDEVICE_MASTER_WINS, "QdeviceMasterWins"},
};

#define N_FLAGS (sizeof(flag_words) / sizeof(flag_words[0]))

void
ctl_flags_string(unsigned flags, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < N_FLAGS; i++) {
		int n;

		if (!(flags & flag_words[i].flag))
			continue;
		n = snprintf(buf + used, size - used, "%s%s", used ? " " : "", flag_words[i].word);
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
}

const char *
ctl_status_tie_warning(const struct ctl_status *s)
{
	if (s->n_nodes != 2 || (s->flags & VOTEQUORUM_INFO_QDEVICE_REGISTERED))
		return NULL;
	if (s->flags & VOTEQUORUM_INFO_TWONODE)
		return "two-node cluster without a qdevice: two_node keeps both nodes quorate "
		       "when they lose each other, so only fencing prevents split brain; add a "
		       "qdevice (corosync-qnetd on a third host) or a fence device for both nodes";
	return "two-node cluster without a tie-breaker: it loses quorum when either node "
	       "fails, so nothing fails over; add a qdevice (corosync-qnetd on a third host) "
	       "or a third node";
}

static void
heading(FILE *out, const char *title)
{
	size_t len = strlen(title);

	fprintf(out, "%s\n", title);
	while (len--)
		fputc('-', out);
	fputc('\n', out);
}

void
ctl_status_print(FILE *out, const struct ctl_status *s)
{
	const char *warning = ctl_status_tie_warning(s);
	char date[64], flags[256];
	struct tm tm;

	/* First, where nobody misses it. */
	if (warning)
		fprintf(out, "WARNING: %s\n\n", warning);
	heading(out, "Cluster information");
	fprintf(out, "Name:             %s\n", s->cluster_name);
	fprintf(out, "Config Version:   %" PRIu64 "\n", s->config_version);
	fprintf(out, "Transport:        %s\n", s->transport);
	fprintf(out, "Secure auth:      %s\n\n", s->secure_auth ? "on" : "off");

	heading(out, "Quorum information");
	if (!localtime_r(&s->date, &tm) ||
	    !strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm))
		snprintf(date, sizeof(date), "%lld", (long long)s->date);
	fprintf(out, "Date:             %s\n", date);
	fprintf(out, "Quorum provider:  %s\n", s->provider);
	fprintf(out, "Nodes:            %u\n", s->n_members);
	fprintf(out, "Node ID:          0x%08" PRIx32 "\n", s->local_nodeid);
	fprintf(out, "Ring ID:          %" PRIx32 ".%" PRIx64 "\n", s->ring_nodeid, s->ring_seq);
	fprintf(out, "Quorate:          %s\n\n", s->quorate ? "Yes" : "No");

	heading(out, "Votequorum information");
	fprintf(out, "Expected votes:   %u\n", s->expected_votes);
	fprintf(out, "Highest expected: %u\n", s->highest_expected);
	fprintf(out, "Total votes:      %u\n", s->total_votes);
	fprintf(out, "Quorum:           %u %s\n", s->quorum, s->quorate ? "" : "Activity blocked");
	ctl_flags_string(s->flags, flags, sizeof(flags));
	fprintf(out, "Flags:            %s\n\n", flags);

	heading(out, "Membership information");
	fprintf(out, "    Nodeid      Votes Name Address\n");
	for (size_t i = 0; i < s->n_nodes; i++) {
		const struct ctl_node *n = &s->nodes[i];

		if (n->online)
			fprintf(out, "0x%08" PRIx32 " %10u %s %s%s\n", n->nodeid, n->votes, n->name,
			        n->addr, n->local ? " (local)" : "");
	}
}

void
ctl_nodes_print(FILE *out, const struct ctl_status *s)
{
	fprintf(out, "%6s %5s %-16s %-24s %s\n", "Nodeid", "Votes", "Name", "Address", "State");
	for (size_t i = 0; i < s->n_nodes; i++) {
		const struct ctl_node *n = &s->nodes[i];

		fprintf(out, "%6" PRIu32 " %5u %-16s %-24s %s%s\n", n->nodeid, n->votes, n->name,
		        n->addr, n->online ? "online" : "offline", n->local ? " (local)" : "");
	}
}

/* Add @val to @obj under @key; a failed allocation makes the whole result NULL. */
static bool
add(json_object *obj, const char *key, json_object *val)
{
	if (!val)
		return false;
	if (json_object_object_add(obj, key, val) < 0) {
		json_object_put(val);
		return false;
	}
	return true;
}

/* Append @val to the array @a; false (and @val freed) on failure. */
static bool
add_item(json_object *a, json_object *val)
{
	if (!val)
		return false;
	if (json_object_array_add(a, val) < 0) {
		json_object_put(val);
		return false;
	}
	return true;
}

static json_object *
node_json(const struct ctl_node *n, bool with_online)
{
	json_object *o = json_object_new_object();
	bool ok = o && add(o, "nodeid", json_object_new_int64(n->nodeid)) &&
	          add(o, "votes", json_object_new_int64(n->votes)) &&
	          add(o, "name", json_object_new_string(n->name)) &&
	          add(o, "address", json_object_new_string(n->addr)) &&
	          add(o, "local", json_object_new_boolean(n->local)) &&
	          (!with_online || add(o, "online", json_object_new_boolean(n->online)));

	if (!ok) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* The nodes (all, or only the online ones) as an array. */
static json_object *
nodes_array(const struct ctl_status *s, bool only_online)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < s->n_nodes; i++) {
		json_object *n;

		if (only_online && !s->nodes[i].online)
			continue;
		n = node_json(&s->nodes[i], !only_online);
		if (!n || json_object_array_add(a, n) < 0) {
			json_object_put(n);
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

static json_object *
flags_array(unsigned flags)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < N_FLAGS; i++) {
		json_object *w;

		if (!(flags & flag_words[i].flag))
			continue;
		w = json_object_new_string(flag_words[i].word);
		if (!w || json_object_array_add(a, w) < 0) {
			json_object_put(w);
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

json_object *
ctl_status_json(const struct ctl_status *s)
{
	json_object *root = json_object_new_object(), *c = json_object_new_object(),
	            *q = json_object_new_object(), *v = json_object_new_object();
	const char *warning = ctl_status_tie_warning(s);
	json_object *warnings = json_object_new_array();
	char ring[64];
	bool ok;

	snprintf(ring, sizeof(ring), "%" PRIx32 ".%" PRIx64, s->ring_nodeid, s->ring_seq);
	ok = root && c && q && v && add(c, "name", json_object_new_string(s->cluster_name)) &&
	     add(c, "config_version", json_object_new_int64((int64_t)s->config_version)) &&
	     add(c, "transport", json_object_new_string(s->transport)) &&
	     add(c, "secure_auth", json_object_new_boolean(s->secure_auth)) &&
	     add(q, "date", json_object_new_int64((int64_t)s->date)) &&
	     add(q, "provider", json_object_new_string(s->provider)) &&
	     add(q, "nodes", json_object_new_int64(s->n_members)) &&
	     add(q, "node_id", json_object_new_int64(s->local_nodeid)) &&
	     add(q, "ring_id", json_object_new_string(ring)) &&
	     add(q, "quorate", json_object_new_boolean(s->quorate)) &&
	     add(v, "expected_votes", json_object_new_int64(s->expected_votes)) &&
	     add(v, "highest_expected", json_object_new_int64(s->highest_expected)) &&
	     add(v, "total_votes", json_object_new_int64(s->total_votes)) &&
	     add(v, "quorum", json_object_new_int64(s->quorum)) &&
	     add(v, "flags", flags_array(s->flags));
	if (ok) {
		ok = add(root, "cluster", c);
		c = NULL;
		ok = add(root, "quorum", q) && ok;
		q = NULL;
		ok = add(root, "votequorum", v) && ok;
		v = NULL;
		ok = ok && add(root, "members", nodes_array(s, true));
		if (ok && warnings &&
		    (!warning || add_item(warnings, json_object_new_string(warning)))) {
			/* add() takes the array, also when it fails. */
			ok = add(root, "warnings", warnings);
			warnings = NULL;
		} else {
			ok = false;
		}
	}
	json_object_put(warnings);
	json_object_put(c);
	json_object_put(q);
	json_object_put(v);
	if (!ok) {
		json_object_put(root);
		return NULL;
	}
	return root;
}

json_object *
ctl_nodes_json(const struct ctl_status *s)
{
	json_object *root = json_object_new_object();

	if (root && add(root, "nodes", nodes_array(s, false)))
		return root;
	json_object_put(root);
	return NULL;
}
