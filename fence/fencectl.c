/*
 * fencectl.c - the administrator's fencing tool: check fence.cfg and every
 * device, read a node's power state, and power a node off, on or reboot it
 * through its fence levels exactly as the cluster would.  A thin shell over
 * the fence library: parse arguments, run, print text or JSON.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <json-c/json.h>

#include "fence/fence.h"

#define DEFAULT_CONFIG       "/etc/cluster/fence.cfg"
#define DEFAULT_PASSWORD_DIR "/etc/cluster/priv/fence"

enum { EXIT_FENCE_FAILED = 1, EXIT_USAGE = 2 };

struct ctl {
	const char *config_path;
	const char *password_dir;
	bool json;
	bool delay;
	bool offline;
	fence_config_t *cfg;
	const struct fence_clock *clock;
	const char *node;   /* the node being fenced, for text output */
	json_object *steps; /* JSON: the steps of an action */
};

static void
usage(FILE *f)
{
	fprintf(
	    f, "usage: fencectl [OPTIONS] status NODE      read the power state from every device\n"
	       "       fencectl [OPTIONS] off NODE         power NODE off; success once confirmed\n"
	       "       fencectl [OPTIONS] on NODE          power NODE on\n"
	       "       fencectl [OPTIONS] reboot NODE      off, confirmed, then on\n"
	       "       fencectl [OPTIONS] check            check fence.cfg, passwords, devices\n"
	       "options:\n"
	       "  -c, --config FILE          fence configuration (default " DEFAULT_CONFIG ")\n"
	       "  -p, --password-dir DIR     device passwords (default " DEFAULT_PASSWORD_DIR ")\n"
	       "  -o, --output-format FMT    text (default) or json\n"
	       "      --no-delay             off/reboot: skip the node's configured delay\n"
	       "      --offline              check: do not contact the devices\n"
	       "  -h, --help                 this text\n");
}

static double
seconds(uint64_t ms)
{
	return (double)ms / 1000.0;
}

/* Run one action on one device: password, driver, fence_device_run(). */
static int
device_run(struct ctl *c, const struct fence_device *dev, enum fence_action action, bool *ret_on,
           fence_err_t *err)
{
	const struct fence_driver *driver = fence_driver_find(dev->type);
	char *password = NULL;
	int r;

	if (!driver) {
		fence_err_set(err, "device '%s': no driver for type '%s'", dev->name, dev->type);
		return -ENOTSUP;
	}
	r = fence_password_read(c->password_dir, dev, &password, err);
	if (r < 0)
		return r;
	r = fence_device_run(driver, dev, password, action, c->clock, ret_on, err);
	fence_password_free(password);
	return r;
}

static int
env_device(void *data, const struct fence_device *dev, enum fence_action action, fence_err_t *err)
{
	return device_run(data, dev, action, NULL, err);
}

static uint32_t
env_random(void *data)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = 0;
	return v;
}

static void
env_report(void *data, const struct fence_step *s)
{
	struct ctl *c = data;

	if (c->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "level", json_object_new_int((int)s->level));
		json_object_object_add(o, "device",
		                       s->device ? json_object_new_string(s->device->name) : NULL);
		json_object_object_add(
		    o, "action",
		    json_object_new_string(s->device ? fence_action_name(s->action) : "delay"));
		json_object_object_add(o, "result",
		                       json_object_new_string(s->result ? "error" : "ok"));
		json_object_object_add(o, "elapsed_ms",
		                       json_object_new_int64((int64_t)s->elapsed_ms));
		if (s->message)
			json_object_object_add(o, "error", json_object_new_string(s->message));
		json_object_array_add(c->steps, o);
	} else if (!s->device) {
		printf("%s: waiting %.2f s (configured delay) before fencing\n", c->node,
		       seconds(s->elapsed_ms));
	} else if (s->result == 0) {
		printf("%s: level %zu: device '%s': power %s confirmed in %.2f s\n", c->node,
		       s->level, s->device->name, fence_action_name(s->action),
		       seconds(s->elapsed_ms));
	} else {
		printf("%s: level %zu: device '%s': power %s FAILED after %.2f s: %s\n", c->node,
		       s->level, s->device->name, fence_action_name(s->action),
		       seconds(s->elapsed_ms), s->message);
	}
	fflush(stdout);
}

static const struct fence_node *
find_node(struct ctl *c, const char *name)
{
	const struct fence_node *node = fence_config_node(c->cfg, name);

	if (!node)
		fprintf(stderr, "fencectl: node '%s' is not in %s (no 'node: %s' section)\n", name,
		        c->config_path, name);
	return node;
}

static void
print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
}

static int
cmd_power(struct ctl *c, enum fence_action action, const char *name)
{
	const struct fence_node *node = find_node(c, name);
	struct fence_env env = {
	    .clock = c->clock,
	    .device = env_device,
	    .random = env_random,
	    .report = env_report,
	    .data = c,
	};
	fence_err_t err = {""};
	size_t level = 0;
	uint64_t t0;
	int r;

	if (!node)
		return EXIT_USAGE;
	c->node = name;
	c->steps = json_object_new_array();
	t0 = c->clock->now_ms(c->clock->data);
	r = fence_node_run(node, action, &env, c->delay, &level, &err);
	t0 = c->clock->now_ms(c->clock->data) - t0;
	if (c->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "node", json_object_new_string(name));
		json_object_object_add(o, "action",
		                       json_object_new_string(fence_action_name(action)));
		json_object_object_add(o, "result", json_object_new_string(r ? "error" : "ok"));
		json_object_object_add(o, "level", r ? NULL : json_object_new_int((int)level));
		json_object_object_add(o, "elapsed_ms", json_object_new_int64((int64_t)t0));
		if (r)
			json_object_object_add(o, "error", json_object_new_string(err.msg));
		json_object_object_add(o, "steps", c->steps);
		print_json(o);
	} else {
		json_object_put(c->steps);
		if (r == 0)
			printf("%s: power %s confirmed (level %zu) in %.2f s\n", name,
			       fence_action_name(action), level, seconds(t0));
		else
			fprintf(stderr, "fencectl: %s: power %s FAILED: %s\n", name,
			        fence_action_name(action), err.msg);
	}
	c->steps = NULL;
	return r ? EXIT_FENCE_FAILED : 0;
}

/* One device's status as a JSON object; false when it could not be read. */
static bool
device_status(struct ctl *c, const struct fence_device *dev, json_object *o)
{
	fence_err_t err = {""};
	uint64_t t0 = c->clock->now_ms(c->clock->data);
	bool on = false;
	int r = device_run(c, dev, FENCE_ACTION_STATUS, &on, &err);

	json_object_object_add(o, "device", json_object_new_string(dev->name));
	json_object_object_add(o, "type", json_object_new_string(dev->type));
	json_object_object_add(o, "state", json_object_new_string(r ? "error" : on ? "on" : "off"));
	json_object_object_add(
	    o, "elapsed_ms",
	    json_object_new_int64((int64_t)(c->clock->now_ms(c->clock->data) - t0)));
	if (r)
		json_object_object_add(o, "error", json_object_new_string(err.msg));
	return r == 0;
}

static void
print_status_row(json_object *o, const char *first)
{
	json_object *e = NULL;

	printf("%-6s %-20s %-6s %-6s %6.2f s", first,
	       json_object_get_string(json_object_object_get(o, "device")),
	       json_object_get_string(json_object_object_get(o, "type")),
	       json_object_get_string(json_object_object_get(o, "state")),
	       seconds((uint64_t)json_object_get_int64(json_object_object_get(o, "elapsed_ms"))));
	if (json_object_object_get_ex(o, "error", &e))
		printf("  %s", json_object_get_string(e));
	printf("\n");
}

static int
cmd_status(struct ctl *c, const char *name)
{
	const struct fence_node *node = find_node(c, name);
	json_object *list, *top;
	size_t l, d;
	bool ok = true;

	if (!node)
		return EXIT_USAGE;
	list = json_object_new_array();
	if (!c->json)
		printf("%-6s %-20s %-6s %-6s %8s\n", "LEVEL", "DEVICE", "TYPE", "STATE", "TIME");
	for (l = 0; l < node->n_levels; l++)
		for (d = 0; d < node->levels[l].n_devices; d++) {
			json_object *o = json_object_new_object();
			char lv[24];

			json_object_object_add(o, "level", json_object_new_int((int)l + 1));
			ok &= device_status(c, node->levels[l].devices[d], o);
			snprintf(lv, sizeof(lv), "%zu", l + 1);
			if (!c->json)
				print_status_row(o, lv);
			json_object_array_add(list, o);
		}
	if (c->json) {
		top = json_object_new_object();
		json_object_object_add(top, "node", json_object_new_string(name));
		json_object_object_add(top, "devices", list);
		print_json(top);
	} else {
		json_object_put(list);
	}
	return ok ? 0 : EXIT_FENCE_FAILED;
}

/* Two nodes fencing each other with no delay on either: both may die. */
static const char *
two_node_warning(const fence_config_t *cfg)
{
	const struct fence_node *a, *b;

	if (fence_config_n_nodes(cfg) != 2)
		return NULL;
	a = fence_config_node_at(cfg, 0);
	b = fence_config_node_at(cfg, 1);
	if (a->delay_ms || a->random_delay_ms || b->delay_ms || b->random_delay_ms)
		return NULL;
	return "two nodes and no delay: in a split both may fence each other at once; set "
	       "'delay' on the node that should survive, or 'random-delay' on both";
}

static int
cmd_check(struct ctl *c)
{
	json_object *list = json_object_new_array(), *top;
	const char *warning = two_node_warning(c->cfg);
	size_t i, n = fence_config_n_devices(c->cfg);
	bool ok = true;

	if (!c->json) {
		printf("%s: %zu devices, %zu nodes: syntax ok\n", c->config_path, n,
		       fence_config_n_nodes(c->cfg));
		if (warning)
			printf("warning: %s\n", warning);
		printf("%-6s %-20s %-6s %-6s %8s\n", "", "DEVICE", "TYPE", "STATE", "TIME");
	}
	for (i = 0; i < n; i++) {
		const struct fence_device *dev = fence_config_device_at(c->cfg, i);
		json_object *o = json_object_new_object();
		fence_err_t err = {""};
		char *password = NULL;
		bool good;

		if (c->offline) {
			good = fence_password_read(c->password_dir, dev, &password, &err) == 0;
			fence_password_free(password);
			json_object_object_add(o, "device", json_object_new_string(dev->name));
			json_object_object_add(o, "type", json_object_new_string(dev->type));
			json_object_object_add(
			    o, "state", json_object_new_string(good ? "unchecked" : "error"));
			json_object_object_add(o, "elapsed_ms", json_object_new_int64(0));
			if (!good)
				json_object_object_add(o, "error", json_object_new_string(err.msg));
		} else {
			good = device_status(c, dev, o);
		}
		ok &= good;
		if (!c->json)
			print_status_row(o, good ? "ok" : "FAIL");
		json_object_array_add(list, o);
	}
	if (c->json) {
		top = json_object_new_object();
		json_object_object_add(top, "config", json_object_new_string(c->config_path));
		json_object_object_add(top, "result", json_object_new_string(ok ? "ok" : "error"));
		json_object_object_add(top, "warning",
		                       warning ? json_object_new_string(warning) : NULL);
		json_object_object_add(top, "devices", list);
		print_json(top);
	} else {
		json_object_put(list);
	}
	return ok ? 0 : EXIT_FENCE_FAILED;
}

static int
run(struct ctl *c, int argc, char **argv)
{
	const char *cmd = argv[0];
	fence_err_t err = {""};
	int r;

	static const struct {
		const char *name;
		enum fence_action action;
	} power_cmds[] = {{"off", FENCE_ACTION_OFF},
	                  {"on", FENCE_ACTION_ON},
	                  {"reboot", FENCE_ACTION_REBOOT},
	                  {"status", FENCE_ACTION_STATUS}};
	size_t i;

	for (i = 0; i < sizeof(power_cmds) / sizeof(power_cmds[0]); i++)
		if (!strcmp(cmd, power_cmds[i].name))
			break;
	if (i == sizeof(power_cmds) / sizeof(power_cmds[0]) && strcmp(cmd, "check")) {
		fprintf(stderr, "fencectl: unknown command '%s'\n", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((!strcmp(cmd, "check") && argc != 1) || (strcmp(cmd, "check") && argc != 2)) {
		fprintf(stderr, "fencectl: '%s' takes %s\n", cmd,
		        strcmp(cmd, "check") ? "exactly one NODE" : "no arguments");
		return EXIT_USAGE;
	}
	r = fence_config_load(c->config_path, &c->cfg, &err);
	if (r < 0) {
		fprintf(stderr, "fencectl: %s\n", err.msg);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "check"))
		return cmd_check(c);
	if (power_cmds[i].action == FENCE_ACTION_STATUS)
		return cmd_status(c, argv[1]);
	return cmd_power(c, power_cmds[i].action, argv[1]);
}

int
main(int argc, char **argv)
{
	enum { OPT_NO_DELAY = 256, OPT_OFFLINE };
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"password-dir", required_argument, NULL, 'p'},
	    {"output-format", required_argument, NULL, 'o'},
	    {"no-delay", no_argument, NULL, OPT_NO_DELAY},
	    {"offline", no_argument, NULL, OPT_OFFLINE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct ctl c = {
	    .config_path = DEFAULT_CONFIG,
	    .password_dir = DEFAULT_PASSWORD_DIR,
	    .delay = true,
	    .clock = &fence_clock_monotonic,
	};
	int opt, r;

	while ((opt = getopt_long(argc, argv, "c:p:o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			c.config_path = optarg;
			break;
		case 'p':
			c.password_dir = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
				fprintf(stderr,
				        "fencectl: --output-format must be text or json, "
				        "not '%s'\n",
				        optarg);
				return EXIT_USAGE;
			}
			c.json = !strcmp(optarg, "json");
			break;
		case OPT_NO_DELAY:
			c.delay = false;
			break;
		case OPT_OFFLINE:
			c.offline = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	r = run(&c, argc - optind, argv + optind);
	fence_config_free(c.cfg);
	return r;
}
