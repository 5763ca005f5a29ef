/*
 * storagectl.c - storagectl(8): list the storages of storage.cfg, show the
 * status of those this node sees, and add, change or remove storages, as
 * text or JSON.  A thin shell over libvmm's storage.cfg parser, editor and
 * storage plugins.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "vmm-bridge/vmm.h"

#define EXIT_USAGE 2

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: storagectl [--config-root DIR] [--node NAME] [--output-format text|json]\n"
		"                  list | status\n"
		"                  | add TYPE NAME --KEY VALUE...\n"
		"                  | set NAME [--KEY VALUE...] [--delete KEY[,KEY...]]\n"
		"                  | remove NAME [--force]\n");
}

static json_object *
nodes_json(const struct vmm_storage *st)
{
	json_object *arr;

	if (!st->nodes)
		return NULL;
	arr = json_object_new_array();
	for (size_t i = 0; st->nodes[i]; i++)
		json_object_array_add(arr, json_object_new_string(st->nodes[i]));
	return arr;
}

static void
nodes_text(const struct vmm_storage *st, char *buf, size_t size)
{
	size_t len = 0;

	snprintf(buf, size, "%s", st->nodes ? "" : "all");
	for (size_t i = 0; st->nodes && st->nodes[i] && len < size; i++) {
		int n = snprintf(buf + len, size - len, "%s%s", i ? "," : "", st->nodes[i]);

		len += n > 0 ? (size_t)n : 0;
	}
}

static int
cmd_list(const vmm_storage_cfg_t *cfg, bool json)
{
	json_object *arr = json_object_new_array();
	char content[128], nodes[256];

	if (!json)
		printf("%-16s %-6s %-6s %-30s %s\n", "NAME", "TYPE", "SHARED", "CONTENT", "NODES");
	for (size_t i = 0; i < vmm_storage_cfg_count(cfg); i++) {
		const struct vmm_storage *st = vmm_storage_cfg_at(cfg, i);
		json_object *o;

		vmm_storage_content_format(st->content, content, sizeof(content));
		if (!json) {
			nodes_text(st, nodes, sizeof(nodes));
			printf("%-16s %-6s %-6s %-30s %s\n", st->id, st->type,
			       st->shared ? "yes" : "no", content, nodes);
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "storage", json_object_new_string(st->id));
		json_object_object_add(o, "type", json_object_new_string(st->type));
		json_object_object_add(o, "shared", json_object_new_boolean(st->shared));
		json_object_object_add(o, "content", json_object_new_string(content));
		json_object_object_add(o, "nodes", nodes_json(st));
		json_object_array_add(arr, o);
	}
	if (json)
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
	json_object_put(arr);
	return EXIT_SUCCESS;
}

static int
cmd_status(vmm_ctx_t *ctx, const vmm_storage_cfg_t *cfg, bool json)
{
	json_object *arr = json_object_new_array();
	int rc = EXIT_SUCCESS;

	if (!json)
		printf("%-16s %-6s %-12s %16s %16s\n", "NAME", "TYPE", "STATUS", "TOTAL", "USED");
	for (size_t i = 0; i < vmm_storage_cfg_count(cfg); i++) {
		const struct vmm_storage *st = vmm_storage_cfg_at(cfg, i);
		const struct vmm_storage_plugin *plugin = vmm_storage_plugin_by_type(st->type);
		struct vmm_storage_status s = { 0 };
		const char *state = "unsupported";
		vmm_error_t err;
		json_object *o;

		if (!vmm_storage_on_node(st, vmm_ctx_node(ctx)))
			continue;
		if (plugin && plugin->status(ctx, st, &s, &err) < 0) {
			fprintf(stderr, "storagectl: %s\n", err.msg);
			state = "error";
			rc = EXIT_FAILURE;
		} else if (plugin) {
			state = s.available ? "available" : "unavailable";
		}
		if (!json) {
			printf("%-16s %-6s %-12s %16llu %16llu\n", st->id, st->type, state,
			       (unsigned long long)s.total, (unsigned long long)s.used);
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "storage", json_object_new_string(st->id));
		json_object_object_add(o, "type", json_object_new_string(st->type));
		json_object_object_add(o, "status", json_object_new_string(state));
		json_object_object_add(o, "total", json_object_new_uint64(s.total));
		json_object_object_add(o, "used", json_object_new_uint64(s.used));
		json_object_array_add(arr, o);
	}
	if (json)
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
	json_object_put(arr);
	return rc;
}

/* The command line: the options, the command and its words, the keys. */
struct args {
	struct vmm_ctx_options opt;
	bool json, force;
	const char *words[3]; /* command, then its operands */
	size_t nwords;
	struct vmm_storage_kv *kv;
	size_t nkv;
	char *deletes; /* --delete values joined by ',' */
};

static int
args_add_kv(struct args *a, const char *key, const char *value)
{
	struct vmm_storage_kv *kv = realloc(a->kv, (a->nkv + 1) * sizeof(*kv));

	if (!kv)
		return -ENOMEM;
	a->kv = kv;
	a->kv[a->nkv++] = (struct vmm_storage_kv){ key, value };
	return 0;
}

/* Each KEY of "--delete KEY[,KEY]" becomes a key without a value. */
static int
args_add_deletes(struct args *a, const char *list)
{
	size_t len = a->deletes ? strlen(a->deletes) : 0;
	char *d = realloc(a->deletes, len + strlen(list) + 2);

	if (!d)
		return -ENOMEM;
	/* Joined into one buffer and split once at the end, so that the keys
	 * point into memory that no later realloc moves. */
	snprintf(d + len, strlen(list) + 2, "%s%s", len ? "," : "", list);
	a->deletes = d;
	return 0;
}

static int
args_split_deletes(struct args *a)
{
	char *tok, *save = NULL;

	if (!a->deletes)
		return 0;
	for (tok = strtok_r(a->deletes, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (args_add_kv(a, tok, NULL) < 0)
			return -ENOMEM;
	return 0;
}

/* The value of option @name at argv[*i]: "--name=value" or "--name value". */
static const char *
opt_value(int argc, char **argv, int *i, const char *name)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');

	if (eq)
		return eq + 1;
	if (*i + 1 >= argc) {
		fprintf(stderr, "storagectl: --%s needs a value\n", name);
		return NULL;
	}
	return argv[++*i];
}

/* Whether argv[i] is option @name, alone or as "--name=...". */
static bool
opt_is(const char *arg, const char *name)
{
	size_t len = strlen(name);

	return !strncmp(arg + 2, name, len) && (arg[2 + len] == '\0' || arg[2 + len] == '=');
}

/*
 * Options may stand anywhere; any other "--KEY VALUE" is a storage key
 * for add and set.  Returns 0, or EXIT_USAGE after saying why.
 */
static int
args_parse(int argc, char **argv, struct args *a)
{
	static const char *const globals[] = { "config-root", "node", "output-format", "delete" };
	const size_t nglobals = sizeof(globals) / sizeof(*globals);

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		size_t g;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
			return -1;
		if (arg[0] != '-' || !strcmp(arg, "-")) {
			if (a->nwords == sizeof(a->words) / sizeof(*a->words)) {
				fprintf(stderr, "storagectl: unexpected '%s'\n", arg);
				return EXIT_USAGE;
			}
			a->words[a->nwords++] = arg;
			continue;
		}
		if (strncmp(arg, "--", 2) || arg[2] == '\0') {
			fprintf(stderr, "storagectl: unknown option '%s'\n", arg);
			return EXIT_USAGE;
		}
		if (!strcmp(arg, "--force")) {
			a->force = true;
			continue;
		}
		for (g = 0; g < nglobals && !opt_is(arg, globals[g]); g++)
			;
		v = opt_value(argc, argv, &i, g < nglobals ? globals[g] : arg + 2);
		if (!v)
			return EXIT_USAGE;
		if (g == 0) {
			a->opt.config_root = v;
		} else if (g == 1) {
			a->opt.node = v;
		} else if (g == 2) {
			if (strcmp(v, "json") && strcmp(v, "text")) {
				fprintf(stderr,
					"storagectl: --output-format: '%s' is not text or json\n",
					v);
				return EXIT_USAGE;
			}
			a->json = !strcmp(v, "json");
		} else if (g == 3) {
			if (args_add_deletes(a, v) < 0)
				return EXIT_FAILURE;
		} else {
			char *eq = strchr(arg + 2, '=');

			/* "--key=value": the key ends at '='; terminate it in place. */
			if (eq)
				*eq = '\0';
			if (args_add_kv(a, arg + 2, v) < 0)
				return EXIT_FAILURE;
		}
	}
	return args_split_deletes(a) < 0 ? EXIT_FAILURE : 0;
}

/* Whether the words and keys fit the command; says why not. */
static bool
args_fit(const struct args *a)
{
	static const struct {
		const char *cmd;
		size_t words;
		bool keys, force;
	} cmds[] = {
		{ "list", 1, false, false }, { "status", 1, false, false },
		{ "add", 3, true, false },   { "set", 2, true, false },
		{ "remove", 2, false, true },
	};
	size_t i;

	if (a->nwords == 0)
		return false;
	for (i = 0; i < sizeof(cmds) / sizeof(*cmds) && strcmp(cmds[i].cmd, a->words[0]); i++)
		;
	if (i == sizeof(cmds) / sizeof(*cmds)) {
		fprintf(stderr, "storagectl: unknown command '%s'\n", a->words[0]);
		return false;
	}
	if (a->nwords != cmds[i].words) {
		fprintf(stderr, "storagectl %s: wrong number of operands\n", a->words[0]);
		return false;
	}
	if ((a->nkv && !cmds[i].keys) || (a->force && !cmds[i].force)) {
		fprintf(stderr, "storagectl %s: takes no %s\n", a->words[0],
			a->force && !cmds[i].force ? "--force" : "storage keys");
		return false;
	}
	return true;
}

static json_object *
users_json(const struct vmm_storage_user *users, size_t n)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "node", json_object_new_string(users[i].node));
		json_object_object_add(o, "type", json_object_new_string(users[i].type));
		json_object_object_add(o, "id", json_object_new_uint64(users[i].id));
		json_object_object_add(o, "key", json_object_new_string(users[i].key));
		json_object_array_add(arr, o);
	}
	return arr;
}

/*
 * add, set, remove.  Text: silent on success, the error on stderr, and for
 * remove every guest that uses the storage.  JSON: one object on stdout
 * either way.
 */
static int
cmd_edit(vmm_ctx_t *ctx, const struct args *a)
{
	const char *cmd = a->words[0], *id = a->words[a->nwords - 1];
	struct vmm_storage_user *users = NULL;
	json_object *o;
	size_t n = 0;
	vmm_error_t err = { "" };
	int r;

	if (!strcmp(cmd, "add"))
		r = vmm_storage_add(ctx, a->words[1], id, a->kv, a->nkv, &err);
	else if (!strcmp(cmd, "set"))
		r = vmm_storage_set(ctx, id, a->kv, a->nkv, &err);
	else
		r = vmm_storage_remove(ctx, id, a->force, &users, &n, &err);
	if (r < 0)
		fprintf(stderr, "storagectl: %s\n", err.msg);
	/* The message names the first user; list them all when it does not. */
	for (size_t i = 0; !a->json && (r == 0 || n > 1) && i < n; i++)
		fprintf(stderr, "storagectl: %s: used by %s %u on node '%s' (%s)\n", id,
			users[i].type, users[i].id, users[i].node, users[i].key);
	if (a->json) {
		o = json_object_new_object();
		json_object_object_add(o, "storage", json_object_new_string(id));
		json_object_object_add(o, "command", json_object_new_string(cmd));
		json_object_object_add(o, "ok", json_object_new_boolean(r == 0));
		json_object_object_add(o, "error", r < 0 ? json_object_new_string(err.msg) : NULL);
		if (!strcmp(cmd, "remove"))
			json_object_object_add(o, "used_by", users_json(users, n));
		/* Messages hold paths: keep their slashes readable. */
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
	free(users);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int
main(int argc, char **argv)
{
	struct args a = { 0 };
	vmm_storage_cfg_t *cfg = NULL;
	vmm_ctx_t *ctx = NULL;
	vmm_error_t err;
	int rc;

	rc = args_parse(argc, argv, &a);
	if (rc < 0) {
		usage(stdout);
		rc = EXIT_SUCCESS;
		goto free_args;
	}
	if (rc == 0 && !args_fit(&a)) {
		usage(stderr);
		rc = EXIT_USAGE;
	}
	if (rc != 0)
		goto free_args;
	if (vmm_ctx_new(&a.opt, &ctx, &err) < 0) {
		fprintf(stderr, "storagectl: %s\n", err.msg);
		rc = EXIT_FAILURE;
		goto free_args;
	}
	if (strcmp(a.words[0], "list") && strcmp(a.words[0], "status")) {
		rc = cmd_edit(ctx, &a);
		goto free_ctx;
	}
	if (vmm_storage_cfg_load(ctx, &cfg, &err) < 0) {
		fprintf(stderr, "storagectl: %s\n", err.msg);
		rc = EXIT_FAILURE;
		goto free_ctx;
	}
	rc = !strcmp(a.words[0], "list") ? cmd_list(cfg, a.json) : cmd_status(ctx, cfg, a.json);
	vmm_storage_cfg_free(cfg);
free_ctx:
	vmm_ctx_free(ctx);
free_args:
	free(a.kv);
	free(a.deletes);
	return rc;
}
