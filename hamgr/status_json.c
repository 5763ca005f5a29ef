/*
 * status_json.c - JSON encoding and strict decoding of ha/manager_status and
 * nodes/<node>/lrm_status with json-c.  Decoding names the file and the
 * field at fault and refuses unknown format versions, so a node running a
 * newer release never misreads a status it does not understand.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hamgr/hamgr-int.h"

#define STATUS_VERSION 1

/* Take the string out of @obj (callee frees @obj). */
static int
to_string(json_object *obj, char **ret)
{
	const char *s;
	char *copy;

	if (!obj)
		return -ENOMEM;
	s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							JSON_C_TO_STRING_NOSLASHESCAPE);
	copy = s ? strdup(s) : NULL;
	json_object_put(obj);
	if (!copy)
		return -ENOMEM;
	*ret = copy;
	return 0;
}

/* json-c's add functions fail only on allocation; one check per object suffices. */
static int
add(json_object *o, const char *key, json_object *v)
{
	if (!v)
		return -ENOMEM;
	return json_object_object_add(o, key, v) == 0 ? 0 : -ENOMEM;
}

static json_object *
encode_service(const struct hamgr_manager_status *ms, const struct hamgr_svc_status *s)
{
	json_object *o = json_object_new_object(), *failed = json_object_new_array();
	int r = 0;

	if (!o || !failed) {
		json_object_put(o);
		json_object_put(failed);
		return NULL;
	}
	for (unsigned i = 0; i < ms->n_nodes; i++)
		if (s->failed_nodes & (1ull << i))
			r |= json_object_array_add(failed,
						   json_object_new_string(ms->nodes[i].name));
	r |= add(o, "state", json_object_new_string(hamgr_svc_state_name(s->state)));
	r |= add(o, "node", json_object_new_string(s->node));
	r |= add(o, "target", json_object_new_string(s->target));
	r |= add(o, "request_id", json_object_new_int64((int64_t)s->request_id));
	r |= add(o, "restarts", json_object_new_int64(s->restarts));
	r |= add(o, "relocations", json_object_new_int64(s->relocations));
	r |= add(o, "failed_nodes", failed);
	if (s->stop_timeout_ms)
		r |= add(o, "stop_timeout_ms", json_object_new_int64(s->stop_timeout_ms));
	if (r) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int
hamgr_manager_status_encode(const struct hamgr_manager_status *ms, char **ret)
{
	json_object *root = json_object_new_object(), *nodes = json_object_new_array(),
		    *svcs = json_object_new_object(), *n;
	int r = 0;

	if (!root || !nodes || !svcs)
		goto nomem;
	r |= add(root, "version", json_object_new_int(STATUS_VERSION));
	r |= add(root, "master", json_object_new_string(ms->master));
	r |= add(root, "next_request_id", json_object_new_int64((int64_t)ms->next_request_id));
	r |= add(root, "disarmed", json_object_new_boolean(ms->disarmed));
	for (unsigned i = 0; i < ms->n_nodes; i++) {
		n = json_object_new_object();
		if (!n)
			goto nomem;
		r |= add(n, "name", json_object_new_string(ms->nodes[i].name));
		r |= add(n, "state", json_object_new_string(hamgr_node_state_name(ms->nodes[i].state)));
		if (ms->nodes[i].unwatched)
			r |= add(n, "unwatched", json_object_new_boolean(true));
		if (ms->nodes[i].maintenance)
			r |= add(n, "maintenance", json_object_new_boolean(true));
		r |= json_object_array_add(nodes, n);
	}
	for (size_t i = 0; i < ms->n_services; i++)
		r |= add(svcs, ms->services[i].sid, encode_service(ms, &ms->services[i]));
	r |= add(root, "nodes", nodes);
	nodes = NULL;
	r |= add(root, "services", svcs);
	svcs = NULL;
	if (r)
		goto nomem;
	return to_string(root, ret);
nomem:
	json_object_put(nodes);
	json_object_put(svcs);
	json_object_put(root);
	return -ENOMEM;
}

int
hamgr_lrm_status_encode(const struct hamgr_lrm_status *ls, char **ret)
{
	json_object *root = json_object_new_object(), *res = json_object_new_object(), *o;
	int r = 0;

	if (!root || !res)
		goto nomem;
	r |= add(root, "version", json_object_new_int(STATUS_VERSION));
	r |= add(root, "node", json_object_new_string(ls->node));
	r |= add(root, "mode", json_object_new_string(hamgr_lrm_mode_name(ls->mode)));
	for (size_t i = 0; i < ls->n_results; i++) {
		o = json_object_new_object();
		if (!o)
			goto nomem;
		r |= add(o, "request_id", json_object_new_int64((int64_t)ls->results[i].request_id));
		r |= add(o, "rc", json_object_new_int(ls->results[i].rc));
		r |= add(res, ls->results[i].sid, o);
	}
	r |= add(root, "results", res);
	res = NULL;
	if (r)
		goto nomem;
	return to_string(root, ret);
nomem:
	json_object_put(res);
	json_object_put(root);
	return -ENOMEM;
}

/* ---- decoding ---- */

struct decoder {
	const char *file;
	struct hamgr_error *err;
};

/* Parse @text as one JSON object; a syntax error names its line. */
static int
parse_root(struct decoder *d, const char *text, size_t len, json_object **ret)
{
	json_tokener *tok = json_tokener_new();
	json_object *root;
	unsigned line = 1;
	size_t end;

	if (!tok)
		return -ENOMEM;
	if (len > INT32_MAX || memchr(text, '\0', len)) {
		json_tokener_free(tok);
		return hamgr_error_set(d->err, d->file, 0, "not a JSON text (NUL byte)");
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		const char *why = json_tokener_get_error(tok) == json_tokener_continue
					  ? "unexpected end of file"
					  : json_tokener_error_desc(json_tokener_get_error(tok));

		for (size_t i = 0; i < end && i < len; i++)
			line += text[i] == '\n';
		json_object_put(root);
		json_tokener_free(tok);
		return hamgr_error_set(d->err, d->file, line, "JSON: %s", why);
	}
	json_tokener_free(tok);
	for (; end < len; end++)
		if (!strchr(" \t\r\n", text[end])) {
			json_object_put(root);
			return hamgr_error_set(d->err, d->file, 0, "JSON: trailing data after the "
					       "top-level object");
		}
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return hamgr_error_set(d->err, d->file, 0, "JSON: top level is not an object");
	}
	*ret = root;
	return 0;
}

static int
get_field(struct decoder *d, json_object *o, const char *path, const char *key,
	  json_type type, json_object **ret)
{
	static const char *const type_names[] = {
		[json_type_null] = "null",     [json_type_boolean] = "a boolean",
		[json_type_double] = "a number", [json_type_int] = "an integer",
		[json_type_object] = "an object", [json_type_array] = "an array",
		[json_type_string] = "a string",
	};
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return hamgr_error_set(d->err, d->file, 0, "%s%s: missing", path, key);
	if (!json_object_is_type(v, type))
		return hamgr_error_set(d->err, d->file, 0, "%s%s: not %s", path, key,
				       type_names[type]);
	*ret = v;
	return 0;
}

static int
get_uint(struct decoder *d, json_object *o, const char *path, const char *key, uint64_t max,
	 uint64_t *ret)
{
	json_object *v;
	int64_t n;
	int r = get_field(d, o, path, key, json_type_int, &v);

	if (r < 0)
		return r;
	n = json_object_get_int64(v);
	if (n < 0 || (uint64_t)n > max)
		return hamgr_error_set(d->err, d->file, 0, "%s%s: %lld is out of range 0..%llu",
				       path, key, (long long)n, (unsigned long long)max);
	*ret = (uint64_t)n;
	return 0;
}

/* Copy a string field of at most @size - 1 bytes; @name says it must be a valid name. */
static int
get_str(struct decoder *d, json_object *o, const char *path, const char *key, char *buf,
	size_t size, bool name)
{
	json_object *v;
	const char *s;
	int r = get_field(d, o, path, key, json_type_string, &v);

	if (r < 0)
		return r;
	s = json_object_get_string(v);
	if (strlen(s) >= size || (name && *s && !hamgr_name_valid(s)))
		return hamgr_error_set(d->err, d->file, 0, "%s%s: '%s' is not a valid name", path,
				       key, s);
	strcpy(buf, s);
	return 0;
}

/* An optional field: *ret is left alone when @key is absent. */
static int
get_opt_bool(struct decoder *d, json_object *o, const char *path, const char *key, bool *ret)
{
	json_object *v;
	int r;

	if (!json_object_object_get_ex(o, key, NULL))
		return 0;
	r = get_field(d, o, path, key, json_type_boolean, &v);
	if (r == 0)
		*ret = json_object_get_boolean(v);
	return r;
}

static int
check_version(struct decoder *d, json_object *root)
{
	uint64_t v = 0;
	int r = get_uint(d, root, "", "version", UINT32_MAX, &v);

	if (r < 0)
		return r;
	if (v != STATUS_VERSION)
		return hamgr_error_set(d->err, d->file, 0,
				       "version: %llu is not supported (this release reads "
				       "version %d)",
				       (unsigned long long)v, STATUS_VERSION);
	return 0;
}

static int
decode_nodes(struct decoder *d, json_object *root, struct hamgr_manager_status *ms)
{
	json_object *nodes, *n, *st;
	char path[64], name[HAMGR_NODE_NAME_MAX];
	int r = get_field(d, root, "", "nodes", json_type_array, &nodes), state;

	if (r < 0)
		return r;
	if (json_object_array_length(nodes) > HAMGR_MAX_NODES)
		return hamgr_error_set(d->err, d->file, 0, "nodes: more than %d", HAMGR_MAX_NODES);
	for (size_t i = 0; i < json_object_array_length(nodes); i++) {
		n = json_object_array_get_idx(nodes, i);
		snprintf(path, sizeof(path), "nodes[%zu].", i);
		if (!json_object_is_type(n, json_type_object))
			return hamgr_error_set(d->err, d->file, 0, "nodes[%zu]: not an object", i);
		r = get_str(d, n, path, "name", name, sizeof(name), true);
		if (r == 0 && !*name)
			r = hamgr_error_set(d->err, d->file, 0, "%sname: empty", path);
		if (r == 0)
			r = get_field(d, n, path, "state", json_type_string, &st);
		if (r < 0)
			return r;
		state = hamgr_node_state_parse(json_object_get_string(st));
		if (state < 0)
			return hamgr_error_set(d->err, d->file, 0, "%sstate: '%s' is not a node state",
					       path, json_object_get_string(st));
		if ((unsigned)hamgr_manager_status_node(ms, name, (enum hamgr_node_state)state) !=
		    i)
			return hamgr_error_set(d->err, d->file, 0, "%sname: '%s' is listed twice",
					       path, name);
		r = get_opt_bool(d, n, path, "unwatched", &ms->nodes[i].unwatched);
		if (r == 0)
			r = get_opt_bool(d, n, path, "maintenance", &ms->nodes[i].maintenance);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
decode_failed(struct decoder *d, json_object *o, const char *path, struct hamgr_manager_status *ms,
	      struct hamgr_svc_status *s)
{
	json_object *arr, *n;
	int r = get_field(d, o, path, "failed_nodes", json_type_array, &arr);

	if (r < 0)
		return r;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		unsigned k;

		n = json_object_array_get_idx(arr, i);
		for (k = 0; k < ms->n_nodes; k++)
			if (json_object_is_type(n, json_type_string) &&
			    strcmp(json_object_get_string(n), ms->nodes[k].name) == 0)
				break;
		if (k == ms->n_nodes)
			return hamgr_error_set(d->err, d->file, 0,
					       "%sfailed_nodes[%zu]: not a node of 'nodes'", path,
					       i);
		s->failed_nodes |= 1ull << k;
	}
	return 0;
}

static int
decode_service(struct decoder *d, const char *sid, json_object *o, struct hamgr_manager_status *ms,
	       struct hamgr_svc_status *s)
{
	char path[HAMGR_SID_MAX + 16];
	json_object *st;
	uint64_t v;
	int r, state;

	snprintf(path, sizeof(path), "services.%s.", sid);
	memset(s, 0, sizeof(*s));
	if (!hamgr_sid_valid(sid))
		return hamgr_error_set(d->err, d->file, 0, "services: '%s' is not a service id",
				       sid);
	strcpy(s->sid, sid);
	if (!json_object_is_type(o, json_type_object))
		return hamgr_error_set(d->err, d->file, 0, "services.%s: not an object", sid);
	r = get_field(d, o, path, "state", json_type_string, &st);
	if (r < 0)
		return r;
	state = hamgr_svc_state_parse(json_object_get_string(st));
	if (state < 0)
		return hamgr_error_set(d->err, d->file, 0, "%sstate: '%s' is not a service state",
				       path, json_object_get_string(st));
	s->state = (enum hamgr_svc_state)state;
	if ((r = get_str(d, o, path, "node", s->node, sizeof(s->node), true)) < 0 ||
	    (r = get_str(d, o, path, "target", s->target, sizeof(s->target), true)) < 0 ||
	    (r = get_uint(d, o, path, "request_id", INT64_MAX, &s->request_id)) < 0 ||
	    (r = get_uint(d, o, path, "restarts", 1000, &v)) < 0)
		return r;
	s->restarts = (unsigned)v;
	if ((r = get_uint(d, o, path, "relocations", 1000, &v)) < 0)
		return r;
	s->relocations = (unsigned)v;
	if (json_object_object_get_ex(o, "stop_timeout_ms", NULL)) {
		if ((r = get_uint(d, o, path, "stop_timeout_ms", UINT32_MAX, &v)) < 0)
			return r;
		s->stop_timeout_ms = (uint32_t)v;
	}
	return decode_failed(d, o, path, ms, s);
}

static int
decode_manager(struct decoder *d, json_object *root, struct hamgr_manager_status *ms)
{
	json_object *svcs;
	size_t n;
	int r;

	if ((r = check_version(d, root)) < 0 ||
	    (r = get_str(d, root, "", "master", ms->master, sizeof(ms->master), true)) < 0 ||
	    (r = get_uint(d, root, "", "next_request_id", INT64_MAX, &ms->next_request_id)) < 0 ||
	    (r = get_opt_bool(d, root, "", "disarmed", &ms->disarmed)) < 0 ||
	    (r = decode_nodes(d, root, ms)) < 0 ||
	    (r = get_field(d, root, "", "services", json_type_object, &svcs)) < 0)
		return r;
	n = (size_t)json_object_object_length(svcs);
	ms->services = calloc(n ? n : 1, sizeof(*ms->services));
	if (!ms->services)
		return -ENOMEM;
	ms->cap_services = n ? n : 1;
	json_object_object_foreach(svcs, sid, o)
	{
		r = decode_service(d, sid, o, ms, &ms->services[ms->n_services]);
		if (r < 0)
			return r;
		ms->n_services++;
	}
	hamgr_manager_status_sort(ms);
	return 0;
}

int
hamgr_manager_status_decode(const char *file, const char *text, size_t len,
			    struct hamgr_manager_status **ret, struct hamgr_error *err)
{
	struct decoder d = {file, err};
	struct hamgr_manager_status *ms = NULL;
	json_object *root = NULL;
	int r = parse_root(&d, text, len, &root);

	if (r < 0)
		return r;
	ms = hamgr_manager_status_new();
	r = ms ? decode_manager(&d, root, ms) : -ENOMEM;
	json_object_put(root);
	if (r < 0) {
		hamgr_manager_status_free(ms);
		return r;
	}
	*ret = ms;
	return 0;
}

static int
decode_lrm(struct decoder *d, json_object *root, struct hamgr_lrm_status *ls)
{
	char path[HAMGR_SID_MAX + 16];
	json_object *res, *mode;
	uint64_t id, rc;
	int r, m;

	if ((r = check_version(d, root)) < 0 ||
	    (r = get_str(d, root, "", "node", ls->node, sizeof(ls->node), true)) < 0 ||
	    (r = get_field(d, root, "", "mode", json_type_string, &mode)) < 0 ||
	    (r = get_field(d, root, "", "results", json_type_object, &res)) < 0)
		return r;
	m = hamgr_lrm_mode_parse(json_object_get_string(mode));
	if (m < 0)
		return hamgr_error_set(d->err, d->file, 0, "mode: '%s' is not an LRM mode",
				       json_object_get_string(mode));
	ls->mode = (enum hamgr_lrm_mode)m;
	json_object_object_foreach(res, sid, o)
	{
		snprintf(path, sizeof(path), "results.%s.", sid);
		if (!hamgr_sid_valid(sid))
			return hamgr_error_set(d->err, d->file, 0,
					       "results: '%s' is not a service id", sid);
		if (!json_object_is_type(o, json_type_object))
			return hamgr_error_set(d->err, d->file, 0, "results.%s: not an object",
					       sid);
		if ((r = get_uint(d, o, path, "request_id", INT64_MAX, &id)) < 0)
			return r;
		/* rc is 0 or a negative errno, stored negated to reuse get_uint. */
		{
			json_object *v;

			if ((r = get_field(d, o, path, "rc", json_type_int, &v)) < 0)
				return r;
			rc = (uint64_t)-json_object_get_int64(v);
			if (json_object_get_int64(v) > 0 || rc > 4095)
				return hamgr_error_set(d->err, d->file, 0,
						       "%src: %lld is not 0 or a negative errno",
						       path, (long long)json_object_get_int64(v));
		}
		if ((r = hamgr_lrm_status_set(ls, sid, id, -(int)rc)) < 0)
			return r;
	}
	return 0;
}

int
hamgr_lrm_status_decode(const char *file, const char *text, size_t len,
			struct hamgr_lrm_status **ret, struct hamgr_error *err)
{
	struct decoder d = {file, err};
	struct hamgr_lrm_status *ls;
	json_object *root = NULL;
	int r = parse_root(&d, text, len, &root);

	if (r < 0)
		return r;
	ls = hamgr_lrm_status_new("");
	r = ls ? decode_lrm(&d, root, ls) : -ENOMEM;
	json_object_put(root);
	if (r == 0 && !ls->node[0])
		r = hamgr_error_set(err, file, 0, "node: empty");
	if (r < 0) {
		hamgr_lrm_status_free(ls);
		return r;
	}
	*ret = ls;
	return 0;
}
