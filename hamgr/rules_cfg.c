/*
 * rules_cfg.c - the parser of ha/rules.cfg: node groups (which nodes a
 * resource may or should run on, with priorities, restricted or not,
 * failback or not) and keep-together / keep-apart rules between resources.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/hamgr-int.h"

enum section { NONE, GROUP, AFFINITY };

struct parser {
	const char *file;
	struct hamgr_rules *rules;
	enum section cur;
	size_t cap_groups, cap_affinity;
	struct hamgr_error *err;
};

static int
grow(void **items, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	p = realloc(*items, ncap * size);
	if (!p)
		return -ENOMEM;
	*items = p;
	*cap = ncap;
	return 0;
}

/* Whether @name is taken by any section already; its line in *ret_line. */
static bool
name_taken(const struct hamgr_rules *rules, const char *name, unsigned *ret_line)
{
	for (size_t i = 0; i < rules->n_groups; i++)
		if (strcmp(rules->groups[i].name, name) == 0) {
			*ret_line = rules->groups[i].line;
			return true;
		}
	for (size_t i = 0; i < rules->n_affinity; i++)
		if (strcmp(rules->affinity[i].name, name) == 0) {
			*ret_line = rules->affinity[i].line;
			return true;
		}
	return false;
}

static int
open_section(struct parser *p, const struct hamgr_cfg_line *l)
{
	struct hamgr_rules *rs = p->rules;
	unsigned other;
	int r;

	if (l->indented)
		return hamgr_error_set(p->err, p->file, l->line, "property '%s' before any section",
				       l->key);
	if (strcmp(l->key, "group:") && strcmp(l->key, "together:") && strcmp(l->key, "apart:"))
		return hamgr_error_set(p->err, p->file, l->line,
				       "'%s': expected a section header 'group: NAME', "
				       "'together: NAME' or 'apart: NAME' (properties are "
				       "indented)",
				       l->key);
	if (!hamgr_name_valid(l->value))
		return hamgr_error_set(p->err, p->file, l->line, "'%s' is not a valid name",
				       l->value);
	if (name_taken(rs, l->value, &other))
		return hamgr_error_set(p->err, p->file, l->line, "'%s' already defined on line %u",
				       l->value, other);
	if (l->key[0] == 'g') {
		struct hamgr_group *g;

		r = grow((void **)&rs->groups, &p->cap_groups, rs->n_groups, sizeof(*g));
		if (r < 0)
			return r;
		g = &rs->groups[rs->n_groups++];
		memset(g, 0, sizeof(*g));
		strcpy(g->name, l->value);
		g->line = l->line;
		p->cur = GROUP;
	} else {
		struct hamgr_affinity *a;

		r = grow((void **)&rs->affinity, &p->cap_affinity, rs->n_affinity, sizeof(*a));
		if (r < 0)
			return r;
		a = &rs->affinity[rs->n_affinity++];
		memset(a, 0, sizeof(*a));
		strcpy(a->name, l->value);
		a->kind = l->key[0] == 't' ? HAMGR_KEEP_TOGETHER : HAMGR_KEEP_APART;
		a->line = l->line;
		p->cur = AFFINITY;
	}
	return 0;
}

static int
parse_bool(struct parser *p, const struct hamgr_cfg_line *l, const char *section, bool *ret)
{
	if (strcmp(l->value, "0") && strcmp(l->value, "1"))
		return hamgr_error_set(p->err, p->file, l->line, "%s: %s: '%s' is not 0 or 1",
				       section, l->key, l->value);
	*ret = l->value[0] == '1';
	return 0;
}

/* "n1:2,n2,n3:1" into the group's node list. */
static int
parse_nodes(struct parser *p, const struct hamgr_cfg_line *l, struct hamgr_group *g)
{
	char list[HAMGR_LINE_MAX + 1], *save = NULL, *tok, *colon;
	uint64_t prio;

	if (g->n_nodes)
		return hamgr_error_set(p->err, p->file, l->line, "%s: nodes: already set", g->name);
	strcpy(list, l->value);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		colon = strchr(tok, ':');
		prio = 0;
		if (colon) {
			*colon = '\0';
			if (hamgr_parse_uint(colon + 1, 0, 1000, &prio) < 0)
				return hamgr_error_set(p->err, p->file, l->line,
						       "%s: nodes: priority '%s' of node '%s' is "
						       "not a number 0..1000",
						       g->name, colon + 1, tok);
		}
		if (!hamgr_name_valid(tok))
			return hamgr_error_set(p->err, p->file, l->line,
					       "%s: nodes: '%s' is not a valid node name", g->name,
					       tok);
		for (unsigned i = 0; i < g->n_nodes; i++)
			if (strcmp(g->nodes[i].name, tok) == 0)
				return hamgr_error_set(p->err, p->file, l->line,
						       "%s: nodes: '%s' is listed twice", g->name,
						       tok);
		if (g->n_nodes == HAMGR_MAX_NODES)
			return hamgr_error_set(p->err, p->file, l->line,
					       "%s: nodes: more than %d nodes", g->name,
					       HAMGR_MAX_NODES);
		strcpy(g->nodes[g->n_nodes].name, tok);
		g->nodes[g->n_nodes++].priority = (unsigned)prio;
	}
	if (!g->n_nodes)
		return hamgr_error_set(p->err, p->file, l->line, "%s: nodes: empty list", g->name);
	return 0;
}

static int
parse_sids(struct parser *p, const struct hamgr_cfg_line *l, struct hamgr_affinity *a)
{
	char list[HAMGR_LINE_MAX + 1], *save = NULL, *tok;
	void *np;

	if (a->n_sids)
		return hamgr_error_set(p->err, p->file, l->line, "%s: resources: already set",
				       a->name);
	strcpy(list, l->value);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!hamgr_sid_valid(tok))
			return hamgr_error_set(p->err, p->file, l->line,
					       "%s: resources: '%s' is not a valid service id",
					       a->name, tok);
		for (size_t i = 0; i < a->n_sids; i++)
			if (strcmp(a->sids[i], tok) == 0)
				return hamgr_error_set(p->err, p->file, l->line,
						       "%s: resources: '%s' is listed twice",
						       a->name, tok);
		np = realloc(a->sids, (a->n_sids + 1) * sizeof(*a->sids));
		if (!np)
			return -ENOMEM;
		a->sids = np;
		strcpy(a->sids[a->n_sids++], tok);
	}
	if (a->n_sids < 2)
		return hamgr_error_set(p->err, p->file, l->line,
				       "%s: resources: a rule needs at least two resources",
				       a->name);
	return 0;
}

static int
set_property(struct parser *p, const struct hamgr_cfg_line *l)
{
	if (p->cur == GROUP) {
		struct hamgr_group *g = &p->rules->groups[p->rules->n_groups - 1];

		if (!*l->value)
			return hamgr_error_set(p->err, p->file, l->line, "%s: %s: missing value",
					       g->name, l->key);
		if (strcmp(l->key, "nodes") == 0)
			return parse_nodes(p, l, g);
		if (strcmp(l->key, "restricted") == 0)
			return parse_bool(p, l, g->name, &g->restricted);
		if (strcmp(l->key, "nofailback") == 0)
			return parse_bool(p, l, g->name, &g->nofailback);
		if (strcmp(l->key, "comment") == 0)
			return 0;
		return hamgr_error_set(p->err, p->file, l->line,
				       "%s: unknown property '%s' (expected nodes, restricted, "
				       "nofailback, comment)",
				       g->name, l->key);
	}
	struct hamgr_affinity *a = &p->rules->affinity[p->rules->n_affinity - 1];

	if (!*l->value)
		return hamgr_error_set(p->err, p->file, l->line, "%s: %s: missing value", a->name,
				       l->key);
	if (strcmp(l->key, "resources") == 0)
		return parse_sids(p, l, a);
	if (strcmp(l->key, "comment") == 0)
		return 0;
	return hamgr_error_set(p->err, p->file, l->line,
			       "%s: unknown property '%s' (expected resources, comment)", a->name,
			       l->key);
}

/* Every section has its list; no two resources are both together and apart. */
static int
check_complete(struct parser *p)
{
	const struct hamgr_rules *rs = p->rules;

	for (size_t i = 0; i < rs->n_groups; i++)
		if (!rs->groups[i].n_nodes)
			return hamgr_error_set(p->err, p->file, rs->groups[i].line,
					       "group '%s' has no 'nodes'", rs->groups[i].name);
	for (size_t i = 0; i < rs->n_affinity; i++)
		if (!rs->affinity[i].n_sids)
			return hamgr_error_set(p->err, p->file, rs->affinity[i].line,
					       "rule '%s' has no 'resources'",
					       rs->affinity[i].name);
	for (size_t i = 0; i < rs->n_affinity; i++) {
		const struct hamgr_affinity *t = &rs->affinity[i];

		if (t->kind != HAMGR_KEEP_TOGETHER)
			continue;
		for (size_t j = 0; j < rs->n_affinity; j++) {
			const struct hamgr_affinity *a = &rs->affinity[j];
			unsigned both = 0;
			const char *first = NULL;

			if (a->kind != HAMGR_KEEP_APART)
				continue;
			for (size_t x = 0; x < t->n_sids; x++)
				for (size_t y = 0; y < a->n_sids; y++)
					if (strcmp(t->sids[x], a->sids[y]) == 0 && both++ == 0)
						first = t->sids[x];
			if (both >= 2)
				return hamgr_error_set(p->err, p->file, a->line,
						       "'%s' keeps apart what '%s' (line %u) "
						       "keeps together, e.g. %s",
						       a->name, t->name, t->line, first);
		}
	}
	return 0;
}

int
hamgr_rules_parse(const char *file, const char *text, size_t len, struct hamgr_rules **ret,
		  struct hamgr_error *err)
{
	struct hamgr_cfg_reader *rd = malloc(sizeof(*rd));
	struct parser p = {.file = file, .err = err, .cur = NONE};
	struct hamgr_cfg_line l;
	int r = -ENOMEM;

	p.rules = calloc(1, sizeof(*p.rules));
	if (!rd || !p.rules)
		goto fail;
	hamgr_cfg_reader_init(rd, file, text, len);
	while ((r = hamgr_cfg_next(rd, &l, err)) > 0) {
		if (!l.indented || p.cur == NONE)
			r = open_section(&p, &l);
		else
			r = set_property(&p, &l);
		if (r < 0)
			goto fail;
	}
	if (r < 0)
		goto fail;
	r = check_complete(&p);
	if (r < 0)
		goto fail;
	free(rd);
	*ret = p.rules;
	return 0;
fail:
	free(rd);
	hamgr_rules_free(p.rules);
	return r;
}

void
hamgr_rules_free(struct hamgr_rules *rules)
{
	if (!rules)
		return;
	for (size_t i = 0; i < rules->n_affinity; i++)
		free(rules->affinity[i].sids);
	free(rules->affinity);
	free(rules->groups);
	free(rules);
}

const struct hamgr_group *
hamgr_rules_group(const struct hamgr_rules *rules, const char *name)
{
	for (size_t i = 0; rules && i < rules->n_groups; i++)
		if (strcmp(rules->groups[i].name, name) == 0)
			return &rules->groups[i];
	return NULL;
}

int
hamgr_rules_check_resources(const struct hamgr_rules *rules, const struct hamgr_resources *res,
			    const char *res_file, struct hamgr_error *err)
{
	for (size_t i = 0; i < res->n; i++) {
		const struct hamgr_resource *r = &res->items[i];

		if (r->group[0] && !hamgr_rules_group(rules, r->group))
			return hamgr_error_set(err, res_file, r->line,
					       "%s: group '%s' is not defined in ha/rules.cfg",
					       r->sid, r->group);
	}
	return 0;
}
