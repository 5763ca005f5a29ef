/*
 * cconf.c - writes and edits corosync.conf text for clusterctl: a new
 * cluster's file, and node additions and removals that keep the rest of
 * the file (an admin's edits, comments) as it was and raise
 * config_version, which makes clusterd install the file everywhere.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusterctl/cconf.h"

#define MAX_SCAN_NODES 256

/* Where things are in the text: byte offsets found by one scan. */
struct scan {
	bool has_totem, has_nodelist, has_version;
	size_t totem_body;   /* just after the "totem {" line */
	size_t nodelist_end; /* start of the line closing the nodelist */
	size_t version_start, version_end;
	uint64_t version;
	int n_nodes;
	struct {
		struct ctl_cconf_node node;
		size_t start, end; /* the node { ... } lines */
	} nodes[MAX_SCAN_NODES];
};

/* Copy the trimmed [b, e) into @dst of @size. */
static void
trimmed(const char *b, const char *e, char *dst, size_t size)
{
	size_t n;

	while (b < e && (*b == ' ' || *b == '\t'))
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	n = (size_t)(e - b) < size - 1 ? (size_t)(e - b) : size - 1;
	memcpy(dst, b, n);
	dst[n] = '\0';
}

/* A "key: value" line inside a section. */
static void
scan_pair(struct scan *s, const char *section, const char *line, const char *end, size_t off,
          size_t next)
{
	const char *colon = memchr(line, ':', (size_t)(end - line));
	char key[64], val[256];

	if (!colon)
		return;
	trimmed(line, colon, key, sizeof(key));
	trimmed(colon + 1, end, val, sizeof(val));
	if (!strcmp(section, "totem") && !strcmp(key, "config_version")) {
		s->has_version = true;
		s->version = strtoull(val, NULL, 10);
		s->version_start = off;
		s->version_end = next;
	} else if (!strcmp(section, "node") && s->n_nodes < MAX_SCAN_NODES) {
		struct ctl_cconf_node *n = &s->nodes[s->n_nodes].node;

		if (!strcmp(key, "nodeid"))
			n->nodeid = (uint32_t)strtoul(val, NULL, 10);
		else if (!strcmp(key, "name"))
			snprintf(n->name, sizeof(n->name), "%s", val);
		else if (!strcmp(key, "ring0_addr"))
			snprintf(n->addr, sizeof(n->addr), "%s", val);
	}
}

static int
scan(const char *text, struct scan *s)
{
	char stack[8][32];
	int depth = 0;
	size_t off = 0, len = strlen(text);

	memset(s, 0, sizeof(*s));
	while (off < len) {
		const char *line = text + off, *nl = strchr(line, '\n');
		const char *end = nl ? nl : text + len,
		           *hash = memchr(line, '#', (size_t)(end - line));
		size_t next = nl ? (size_t)(nl - text) + 1 : len;
		char word[32];

		if (hash)
			end = hash;
		trimmed(line, end, word, sizeof(word));
		if (word[0] && word[strlen(word) - 1] == '{') {
			if (depth == 8)
				return -EINVAL;
			trimmed(word, word + strlen(word) - 1, stack[depth], sizeof(stack[0]));
			if (depth == 0 && !strcmp(stack[0], "totem")) {
				s->has_totem = true;
				s->totem_body = next;
			}
			if (depth == 1 && !strcmp(stack[0], "nodelist") &&
			    !strcmp(stack[1], "node") && s->n_nodes < MAX_SCAN_NODES)
				s->nodes[s->n_nodes].start = off;
			depth++;
		} else if (!strcmp(word, "}")) {
			if (depth == 0)
				return -EINVAL;
			depth--;
			if (depth == 0 && !strcmp(stack[0], "nodelist")) {
				s->has_nodelist = true;
				s->nodelist_end = off;
			}
			if (depth == 1 && !strcmp(stack[0], "nodelist") &&
			    !strcmp(stack[1], "node") && s->n_nodes < MAX_SCAN_NODES)
				s->nodes[s->n_nodes++].end = next;
		} else if (depth > 0) {
			scan_pair(s, stack[depth - 1], line, end, off, next);
		}
		off = next;
	}
	return depth == 0 ? 0 : -EINVAL;
}

int
ctl_cconf_version(const char *text, uint64_t *ret_version)
{
	struct scan *s = malloc(sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	r = scan(text, s);
	if (r == 0 && !s->has_version)
		r = -ENOENT;
	if (r == 0)
		*ret_version = s->version;
	free(s);
	return r;
}

int
ctl_cconf_nodes(const char *text, struct ctl_cconf_node *nodes, int max)
{
	struct scan *s = malloc(sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	r = scan(text, s);
	if (r == 0 && !s->has_nodelist)
		r = -EINVAL;
	for (int i = 0; r == 0 && i < s->n_nodes && i < max; i++)
		nodes[i] = s->nodes[i].node;
	if (r == 0)
		r = s->n_nodes < max ? s->n_nodes : max;
	free(s);
	return r;
}

/* @text with [from, to) replaced by @insert; NULL on ENOMEM. */
static char *
splice(const char *text, size_t from, size_t to, const char *insert)
{
	size_t len = strlen(text), ins = strlen(insert);
	char *out = malloc(len - (to - from) + ins + 1);

	if (!out)
		return NULL;
	memcpy(out, text, from);
	memcpy(out + from, insert, ins);
	memcpy(out + from + ins, text + to, len - to + 1);
	return out;
}

/* @text (taken) with config_version one higher; NULL on error (text freed). */
static char *
bump(char *text)
{
	struct scan *s = malloc(sizeof(*s));
	char line[64], *out = NULL;

	if (s && scan(text, s) == 0 && s->has_totem) {
		snprintf(line, sizeof(line), "\tconfig_version: %" PRIu64 "\n",
		         s->has_version ? s->version + 1 : 2);
		out = s->has_version ? splice(text, s->version_start, s->version_end, line)
		                     : splice(text, s->totem_body, s->totem_body, line);
	}
	free(s);
	free(text);
	return out;
}

int
ctl_cconf_add_node(const char *text, const char *name, const char *addr, unsigned votes,
                   char **ret_text, uint32_t *ret_nodeid)
{
	struct scan *s = malloc(sizeof(*s));
	uint32_t id = 0;
	char block[1024], *out;
	int r;

	if (!s)
		return -ENOMEM;
	r = scan(text, s);
	if (r == 0 && (!s->has_nodelist || !s->has_totem))
		r = -EINVAL;
	for (int i = 0; r == 0 && i < s->n_nodes; i++) {
		if (!strcmp(s->nodes[i].node.name, name) || !strcmp(s->nodes[i].node.addr, addr))
			r = -EEXIST;
		if (s->nodes[i].node.nodeid > id)
			id = s->nodes[i].node.nodeid;
	}
	if (r == 0) {
		id++;
		snprintf(block, sizeof(block),
		         "\tnode {\n\t\tname: %s\n\t\tnodeid: %" PRIu32
		         "\n\t\tquorum_votes: %u\n\t\tring0_addr: %s\n\t}\n",
		         name, id, votes, addr);
		out = bump(splice(text, s->nodelist_end, s->nodelist_end, block));
		if (!out)
			r = -ENOMEM;
		else {
			*ret_text = out;
			*ret_nodeid = id;
		}
	}
	free(s);
	return r;
}

int
ctl_cconf_del_node(const char *text, const char *name, char **ret_text)
{
	struct scan *s = malloc(sizeof(*s));
	char *out;
	int r, i;

	if (!s)
		return -ENOMEM;
	r = scan(text, s);
	if (r == 0 && (!s->has_nodelist || !s->has_totem))
		r = -EINVAL;
	for (i = 0; r == 0 && i < s->n_nodes; i++)
		if (!strcmp(s->nodes[i].node.name, name))
			break;
	if (r == 0 && i == s->n_nodes)
		r = -ENOENT;
	if (r == 0) {
		out = bump(splice(text, s->nodes[i].start, s->nodes[i].end, ""));
		if (!out)
			r = -ENOMEM;
		else
			*ret_text = out;
	}
	free(s);
	return r;
}

int
ctl_cconf_render(const struct ctl_cconf_params *p, char **ret_text)
{
	char token[64] = "", logging[512];
	char *out = NULL;

	if (p->token_ms)
		snprintf(token, sizeof(token), "\ttoken: %u\n", p->token_ms);
	if (p->log_file)
		snprintf(logging, sizeof(logging),
		         "\tto_syslog: yes\n\tto_logfile: yes\n\tlogfile: %s\n\ttimestamp: hires\n",
		         p->log_file);
	else
		snprintf(logging, sizeof(logging), "\tto_syslog: yes\n");
	if (asprintf(&out,
	             "# Written by clusterctl create; clusterctl add and delnode edit it.\n"
	             "# Edit the copy in /etc/cluster and raise config_version: every node\n"
	             "# installs it and corosync reloads.\n"
	             "totem {\n"
	             "\tversion: 2\n"
	             "\tcluster_name: %s\n"
	             "\tconfig_version: 1\n"
	             "\ttransport: knet\n"
	             "\tcrypto_cipher: aes256\n"
	             "\tcrypto_hash: sha256\n"
	             "%s"
	             "\tinterface {\n"
	             "\t\tlinknumber: 0\n"
	             "\t}\n"
	             "}\n\n"
	             "nodelist {\n"
	             "\tnode {\n"
	             "\t\tname: %s\n"
	             "\t\tnodeid: %" PRIu32 "\n"
	             "\t\tquorum_votes: %u\n"
	             "\t\tring0_addr: %s\n"
	             "\t}\n"
	             "}\n\n"
	             "quorum {\n"
	             "\tprovider: corosync_votequorum\n"
	             "}\n\n"
	             "logging {\n"
	             "%s"
	             "}\n",
	             p->cluster_name, token, p->node_name, p->nodeid, p->votes, p->addr,
	             logging) < 0)
		return -ENOMEM;
	*ret_text = out;
	return 0;
}
