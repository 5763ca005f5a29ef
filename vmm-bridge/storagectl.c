/*
 * storagectl.c - storagectl(8): list the storages of storage.cfg and show
 * the status of those this node sees, as text or JSON.  A thin shell over
 * libvmm's storage.cfg parser and storage plugins.
 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "vmm-bridge/vmm.h"

#define EXIT_USAGE 2

static void
usage(FILE *out)
{
	fprintf(out, "usage: storagectl [--config-root DIR] [--node NAME] list|status\n"
		     "                  [--output-format text|json]\n");
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config-root", required_argument, NULL, 'c' },
		{ "node", required_argument, NULL, 'n' },
		{ "output-format", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct vmm_ctx_options opt = { 0 };
	vmm_storage_cfg_t *cfg = NULL;
	vmm_ctx_t *ctx = NULL;
	vmm_error_t err;
	bool json = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt.config_root = optarg;
			break;
		case 'n':
			opt.node = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
				fprintf(stderr,
					"storagectl: --output-format: '%s' is not text or json\n",
					optarg);
				return EXIT_USAGE;
			}
			json = !strcmp(optarg, "json");
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc ||
	    (strcmp(argv[optind], "list") && strcmp(argv[optind], "status"))) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (vmm_ctx_new(&opt, &ctx, &err) < 0 || vmm_storage_cfg_load(ctx, &cfg, &err) < 0) {
		fprintf(stderr, "storagectl: %s\n", err.msg);
		vmm_ctx_free(ctx);
		return EXIT_FAILURE;
	}
	rc = !strcmp(argv[optind], "list") ? cmd_list(cfg, json) : cmd_status(ctx, cfg, json);
	vmm_storage_cfg_free(cfg);
	vmm_ctx_free(ctx);
	return rc;
}
