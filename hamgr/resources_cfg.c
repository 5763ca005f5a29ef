/*
 * resources_cfg.c - the parser of ha/resources.cfg: which guests and
 * services the HA manager keeps up, in which requested state, with which
 * retry limits and node group.  Section format:
 *
 *	vm: 100
 *		state started
 *		group prefer-a
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/hamgr-int.h"

static const char *const state_names[] = {
	[HAMGR_REQ_STARTED] = "started",
	[HAMGR_REQ_STOPPED] = "stopped",
	[HAMGR_REQ_DISABLED] = "disabled",
	[HAMGR_REQ_IGNORED] = "ignored",
};

const char *
hamgr_req_state_name(enum hamgr_req_state state)
{
	return state_names[state];
}

bool
hamgr_sid_valid(const char *sid)
{
	const char *colon = strchr(sid, ':');
	uint64_t id;

	if (!colon || strlen(sid) >= HAMGR_SID_MAX)
		return false;
	if (strncmp(sid, "vm:", 3) == 0 || strncmp(sid, "ct:", 3) == 0)
		return colon[1] != '0' && hamgr_parse_uint(colon + 1, 100, 999999999, &id) == 0;
	if (strncmp(sid, "svc:", 4) == 0)
		return hamgr_name_valid(colon + 1);
	return false;
}

static int
cmp_sid(const void *a, const void *b)
{
	return strcmp(((const struct hamgr_resource *)a)->sid,
		      ((const struct hamgr_resource *)b)->sid);
}

/* Start a new section from header line @l; returns 0 or -errno. */
static int
add_section(struct hamgr_resources *res, size_t *cap, const struct hamgr_cfg_line *l,
	    const char *file, struct hamgr_error *err)
{
	struct hamgr_resource *r;
	size_t n = strlen(l->key);

	if (l->indented)
		return hamgr_error_set(err, file, l->line, "property '%s' before any section",
				       l->key);
	if (n < 2 || l->key[n - 1] != ':')
		return hamgr_error_set(err, file, l->line,
				       "'%s': expected a section header 'vm: ID', 'ct: ID' or "
				       "'svc: NAME' (properties are indented)",
				       l->key);
	if (res->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *p = realloc(res->items, ncap * sizeof(*res->items));

		if (!p)
			return -ENOMEM;
		res->items = p;
		*cap = ncap;
	}
	r = &res->items[res->n];
	memset(r, 0, sizeof(*r));
	if (strlen(l->key) + strlen(l->value) >= sizeof(r->sid) || strchr(l->value, ' ') ||
	    strchr(l->value, '\t'))
		return hamgr_error_set(err, file, l->line, "'%s %s' is not a valid service id",
				       l->key, l->value);
	memcpy(r->sid, l->key, n);
	strcpy(r->sid + n, l->value);
	if (strcmp(l->key, "vm:") && strcmp(l->key, "ct:") && strcmp(l->key, "svc:"))
		return hamgr_error_set(err, file, l->line,
				       "unknown resource type '%.*s' (expected vm, ct or svc)",
				       (int)(n - 1), l->key);
	if (!hamgr_sid_valid(r->sid))
		return hamgr_error_set(err, file, l->line,
				       "'%s' is not a valid service id (vm and ct take a number "
				       "100..999999999, svc a name)",
				       r->sid);
	r->state = HAMGR_REQ_STARTED;
	r->max_restart = 1;
	r->max_relocate = 1;
	r->line = l->line;
	res->n++;
	return 0;
}

static int
set_property(struct hamgr_resource *r, const struct hamgr_cfg_line *l, const char *file,
	     struct hamgr_error *err)
{
	uint64_t v;
	int rc;

	if (!*l->value)
		return hamgr_error_set(err, file, l->line, "%s: %s: missing value", r->sid,
				       l->key);
	if (strcmp(l->key, "state") == 0) {
		for (size_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
			if (strcmp(l->value, state_names[i]) == 0) {
				r->state = (enum hamgr_req_state)i;
				return 0;
			}
		return hamgr_error_set(err, file, l->line,
				       "%s: state: '%s' is not one of started, stopped, "
				       "disabled, ignored",
				       r->sid, l->value);
	}
	if (strcmp(l->key, "max_restart") == 0 || strcmp(l->key, "max_relocate") == 0) {
		rc = hamgr_parse_uint(l->value, 0, 10, &v);
		if (rc < 0)
			return hamgr_error_set(err, file, l->line, "%s: %s: '%s' is not a number "
					       "0..10", r->sid, l->key, l->value);
		if (strcmp(l->key, "max_restart") == 0)
			r->max_restart = (unsigned)v;
		else
			r->max_relocate = (unsigned)v;
		return 0;
	}
	if (strcmp(l->key, "cores") == 0 || strcmp(l->key, "memory") == 0) {
		bool cores = l->key[0] == 'c';

		rc = hamgr_parse_uint(l->value, cores ? 1 : 16, cores ? 1024 : 16u << 20, &v);
		if (rc < 0)
			return hamgr_error_set(err, file, l->line, "%s: %s: '%s' is not a number "
					       "%s", r->sid, l->key, l->value,
					       cores ? "1..1024" : "16..16777216 (MiB)");
		if (cores)
			r->cores = (unsigned)v;
		else
			r->memory_mb = (unsigned)v;
		return 0;
	}
	if (strcmp(l->key, "group") == 0) {
		if (!hamgr_name_valid(l->value))
			return hamgr_error_set(err, file, l->line, "%s: group: '%s' is not a "
					       "valid group name", r->sid, l->value);
		strcpy(r->group, l->value);
		return 0;
	}
	if (strcmp(l->key, "comment") == 0) {
		if (strlen(l->value) >= sizeof(r->comment))
			return hamgr_error_set(err, file, l->line, "%s: comment: longer than %zu "
					       "bytes", r->sid, sizeof(r->comment) - 1);
		strcpy(r->comment, l->value);
		return 0;
	}
	return hamgr_error_set(err, file, l->line,
			       "%s: unknown property '%s' (expected state, max_restart, "
			       "max_relocate, group, comment, cores, memory)",
			       r->sid, l->key);
}

/* Sort by sid and refuse a service defined twice, naming both lines. */
static int
sort_unique(struct hamgr_resources *res, const char *file, struct hamgr_error *err)
{
	const struct hamgr_resource *a, *b;

	if (res->n)
		qsort(res->items, res->n, sizeof(*res->items), cmp_sid);
	for (size_t i = 1; i < res->n; i++) {
		a = &res->items[i - 1];
		b = &res->items[i];
		if (strcmp(a->sid, b->sid) == 0)
			return hamgr_error_set(err, file, a->line > b->line ? a->line : b->line,
					       "%s: already defined on line %u", a->sid,
					       a->line < b->line ? a->line : b->line);
	}
	return 0;
}

int
hamgr_resources_parse(const char *file, const char *text, size_t len,
		      struct hamgr_resources **ret, struct hamgr_error *err)
{
	struct hamgr_cfg_reader *rd = malloc(sizeof(*rd));
	struct hamgr_resources *res = calloc(1, sizeof(*res));
	unsigned seen[7] = {0};
	struct hamgr_cfg_line l;
	size_t cap = 0;
	int r = -ENOMEM;

	if (!rd || !res)
		goto fail;
	hamgr_cfg_reader_init(rd, file, text, len);
	while ((r = hamgr_cfg_next(rd, &l, err)) > 0) {
		if (!l.indented || res->n == 0) {
			r = add_section(res, &cap, &l, file, err);
			memset(seen, 0, sizeof(seen));
		} else {
			/* A property set twice is a typo waiting to surprise someone. */
			static const char *const props[] = {"state",	"max_restart",
							    "max_relocate", "group",
							    "comment",	"cores",
							    "memory"};

			for (size_t i = 0; i < 7; i++)
				if (strcmp(l.key, props[i]) == 0 && seen[i]) {
					r = hamgr_error_set(err, file, l.line,
							    "%s: %s: already set on line %u",
							    res->items[res->n - 1].sid, l.key,
							    seen[i]);
					goto fail;
				} else if (strcmp(l.key, props[i]) == 0) {
					seen[i] = l.line;
				}
			r = set_property(&res->items[res->n - 1], &l, file, err);
		}
		if (r < 0)
			goto fail;
	}
	if (r < 0)
		goto fail;
	r = sort_unique(res, file, err);
	if (r < 0)
		goto fail;
	free(rd);
	*ret = res;
	return 0;
fail:
	free(rd);
	hamgr_resources_free(res);
	return r;
}

void
hamgr_resources_free(struct hamgr_resources *res)
{
	if (!res)
		return;
	free(res->items);
	free(res);
}

const struct hamgr_resource *
hamgr_resources_find(const struct hamgr_resources *res, const char *sid)
{
	struct hamgr_resource key;

	if (!res || strlen(sid) >= sizeof(key.sid))
		return NULL;
	strcpy(key.sid, sid);
	return res->n ? bsearch(&key, res->items, res->n, sizeof(*res->items), cmp_sid) : NULL;
}
