/*
 * clusterctl.c - the clusterctl command: picks the subcommand and runs it.
 * Each subcommand lives in a file of its own; this file only dispatches
 * and holds the read-only ones (status, nodes).
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusterctl/clusterctl.h"
#include "clusterctl/cmd.h"

static void
usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: clusterctl status [--output-format text|json]\n"
	    "       clusterctl nodes [--output-format text|json]\n"
	    "       clusterctl create NAME [--link0 ADDR] [--nodeid N] [--votes N] [--token-ms N]\n"
	    "       clusterctl join-token [--ttl DURATION]\n"
	    "       clusterctl add PEER --token TOKEN --link0 ADDR [--timeout SECONDS]\n"
	    "       clusterctl delnode NAME\n"
	    "       clusterctl expected N\n"
	    "See clusterctl(8) for the directory and start-hook options.\n");
}

/* --output-format text|json is the only option of status and nodes. */
static int
parse_format(int argc, char **argv, bool *ret_json)
{
	static const struct option longopts[] = {
	    {"output-format", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 'o')
			return -EINVAL;
		if (!strcmp(optarg, "json")) {
			json = true;
		} else if (strcmp(optarg, "text")) {
			fprintf(stderr,
			        "clusterctl: --output-format must be 'text' or 'json', not '%s'\n",
			        optarg);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "clusterctl %s: unexpected argument '%s'\n", argv[0], argv[optind]);
		return -EINVAL;
	}
	*ret_json = json;
	return 0;
}

static int
print_json(json_object *o)
{
	if (!o) {
		fprintf(stderr, "clusterctl: out of memory\n");
		return 1;
	}
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
	return 0;
}

static int
cmd_show(int argc, char **argv, bool nodes)
{
	struct ctl_status *s;
	bool json;
	int r;

	if (parse_format(argc, argv, &json) < 0)
		return 2;
	s = malloc(sizeof(*s));
	if (!s)
		return 1;
	r = ctl_status_read(s);
	if (r < 0) {
		fprintf(stderr,
		        "clusterctl: cannot read the cluster state from corosync: %s "
		        "(is corosync running? is this node in a cluster?)\n",
		        strerror(-r));
		free(s);
		return 1;
	}
	if (json)
		r = print_json(nodes ? ctl_nodes_json(s) : ctl_status_json(s));
	else if (nodes)
		ctl_nodes_print(stdout, s);
	else
		ctl_status_print(stdout, s);
	free(s);
	return r;
}

static int
cmd_status(int argc, char **argv)
{
	return cmd_show(argc, argv, false);
}

static int
cmd_nodes(int argc, char **argv)
{
	return cmd_show(argc, argv, true);
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
    {"status", cmd_status},         {"nodes", cmd_nodes},
    {"create", ctl_cmd_create},     {"join-token", ctl_cmd_join_token},
    {"add", ctl_cmd_add},           {"delnode", ctl_cmd_delnode},
    {"expected", ctl_cmd_expected},
};

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "clusterctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
