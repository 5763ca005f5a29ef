/*
 * vmctl.c - vmctl(8): create, start, stop, probe and move the guests of
 * this node (QEMU/KVM "vm", LXC "ct", service script "svc") through the
 * backends of libvmm.  A thin shell: it parses the command line, picks the
 * backend from the guest's TYPE:ID or its config, calls one backend
 * operation and prints the result.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "vmm-bridge/vmm.h"

#define EXIT_USAGE 2

struct options {
	struct vmm_ctx_options ctx;
	bool json;
	bool online;
	bool vmstate;
	unsigned timeout_s;
	const char *from;   /* migrate-incoming */
	const char *listen; /* migrate-incoming */
};

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: vmctl [--config-root DIR] [--node NAME] [--run-dir DIR]\n"
		"             [--remote-cmd COMMAND] COMMAND ...\n"
		"ID is [vm:|ct:|svc:]NUMBER; a bare number names a configured guest\n"
		"of any type, or a new vm at create.\n"
		"  create ID [--KEY VALUE]...     e.g. --memory 512 --scsi0 local:4\n"
		"  destroy ID\n"
		"  start ID\n"
		"  shutdown ID [--timeout S]\n"
		"  stop ID\n"
		"  status ID [--output-format text|json]\n"
		"  list [--output-format text|json]\n"
		"  config ID\n"
		"  migrate ID NODE [--online [--target-address ADDR]]\n"
		"  snapshot ID NAME [--vmstate] | rollback ID NAME | delsnapshot ID NAME\n"
		"  listsnapshot ID\n");
}

static int
fail(const vmm_error_t *err)
{
	fprintf(stderr, "vmctl: %s\n", err->msg);
	return EXIT_FAILURE;
}

/* Options after the command: --output-format, --timeout, --online, --vmstate. */
static int
parse_command_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "output-format", required_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, 't' },
		{ "online", no_argument, NULL, 'l' },
		{ "vmstate", no_argument, NULL, 'v' },
		{ "target-address", required_argument, NULL, 'a' },
		{ "from", required_argument, NULL, 'f' },
		{ "listen", required_argument, NULL, 'L' },
		{ 0 },
	};
	char *end;
	long v;
	int c;

	/* 0: glibc starts over, with permutation again. */
	optind = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
				fprintf(stderr, "vmctl: --output-format: '%s' is not text or json\n",
					optarg);
				return -EINVAL;
			}
			opt->json = !strcmp(optarg, "json");
			break;
		case 't':
			v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v > 86400) {
				fprintf(stderr, "vmctl: --timeout: '%s' is not 0..86400 seconds\n",
					optarg);
				return -EINVAL;
			}
			opt->timeout_s = (unsigned)v;
			break;
		case 'l':
			opt->online = true;
			break;
		case 'v':
			opt->vmstate = true;
			break;
		case 'a':
			opt->ctx.migrate_address = optarg;
			break;
		case 'f':
			opt->from = optarg;
			break;
		case 'L':
			opt->listen = optarg;
			break;
		default:
			return -EINVAL;
		}
	}
	return optind;
}

/* "--key value" pairs into "key: value" config lines. */
static int
create_text(int argc, char **argv, char **ret_text)
{
	size_t len = 0;
	char *text = NULL;
	FILE *fp = open_memstream(&text, &len);

	if (!fp)
		return -ENOMEM;
	for (int i = 0; i < argc; i += 2) {
		if (strncmp(argv[i], "--", 2) || !argv[i][2] || i + 1 >= argc) {
			fprintf(stderr, "vmctl: create: expected '--KEY VALUE', got '%s'\n",
				argv[i]);
			fclose(fp);
			free(text);
			return -EINVAL;
		}
		fprintf(fp, "%s: %s\n", argv[i] + 2, argv[i + 1]);
	}
	if (fclose(fp) != 0) {
		free(text);
		return -ENOMEM;
	}
	*ret_text = text;
	return 0;
}

/* The word for a backend's own state in status output, e.g. QMP's. */
static const char *
detail_key(const struct vmm_backend *b)
{
	if (!strcmp(b->type, "ct"))
		return "lxcstate";
	if (!strcmp(b->type, "svc"))
		return "detail";
	return "qmpstatus";
}

/* The config key a list shows as NAME. */
static const char *
name_key(const struct vmm_backend *b)
{
	if (!strcmp(b->type, "ct"))
		return "hostname";
	if (!strcmp(b->type, "svc"))
		return "script";
	return "name";
}

static void
print_status(vmm_ctx_t *ctx, const struct vmm_backend *b, unsigned id,
	     const struct vmm_status *st, bool json)
{
	/* A QEMU's word means nothing without a QEMU; a script's always does. */
	bool detail = st->pid || (strcmp(b->type, "vm") && st->detail[0]);
	json_object *o;

	if (!json) {
		printf("status: %s\n", vmm_state_name(st->state));
		if (st->pid)
			printf("pid: %d\n", (int)st->pid);
		if (detail)
			printf("%s: %s\n", detail_key(b), st->detail);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "vmid", json_object_new_int64(id));
	json_object_object_add(o, "type", json_object_new_string(b->type));
	json_object_object_add(o, "node", json_object_new_string(vmm_ctx_node(ctx)));
	json_object_object_add(o, "status", json_object_new_string(vmm_state_name(st->state)));
	json_object_object_add(o, "pid", st->pid ? json_object_new_int(st->pid) : NULL);
	json_object_object_add(o, detail_key(b), detail ? json_object_new_string(st->detail) : NULL);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

/* One backend's guests: text rows, or objects added to @arr. */
static int
list_backend(vmm_ctx_t *ctx, const struct vmm_backend *b, json_object *arr)
{
	unsigned *ids = NULL;
	size_t n = 0;
	vmm_error_t err;
	int rc = EXIT_SUCCESS;

	if (b->list(ctx, &ids, &n, &err) < 0)
		return fail(&err);
	for (size_t i = 0; i < n; i++) {
		struct vmm_status st = { 0 };
		char name[64] = "";
		const char *state = "unknown";

		if (vmm_guest_conf_get(ctx, b, ids[i], name_key(b), name, sizeof(name), &err) < 0 ||
		    b->status(ctx, ids[i], &st, &err) < 0) {
			fprintf(stderr, "vmctl: %s\n", err.msg);
			rc = EXIT_FAILURE;
		} else {
			state = vmm_state_name(st.state);
		}
		if (!arr) {
			printf("%-4s %10u %-24s %-8s %8d\n", b->type, ids[i], name, state,
			       (int)st.pid);
			continue;
		}
		json_object *o = json_object_new_object();
		json_object_object_add(o, "vmid", json_object_new_int64(ids[i]));
		json_object_object_add(o, "type", json_object_new_string(b->type));
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "status", json_object_new_string(state));
		json_object_object_add(o, "pid", st.pid ? json_object_new_int(st.pid) : NULL);
		json_object_array_add(arr, o);
	}
	free(ids);
	return rc;
}

static int
cmd_list(vmm_ctx_t *ctx, bool json)
{
	static const char *const types[] = { "vm", "ct", "svc" };
	json_object *arr = json ? json_object_new_array() : NULL;
	int rc = EXIT_SUCCESS;

	if (!json)
		printf("%-4s %10s %-24s %-8s %8s\n", "TYPE", "VMID", "NAME", "STATUS", "PID");
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (list_backend(ctx, vmm_backend_by_type(types[i]), arr) != EXIT_SUCCESS)
			rc = EXIT_FAILURE;
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
		json_object_put(arr);
	}
	return rc;
}

/*
 * "[TYPE:]ID" into a backend and an id.  Without a type, the guest's
 * config decides (a new guest at create is a vm, as before types existed).
 */
static int
parse_guest(vmm_ctx_t *ctx, const char *cmd, const char *arg, const struct vmm_backend **ret_b,
	    unsigned *ret_id)
{
	const char *colon = strchr(arg, ':'), *type = "vm";
	char typebuf[8];
	vmm_error_t err = { "" };

	if (colon) {
		snprintf(typebuf, sizeof(typebuf), "%.*s", (int)(colon - arg), arg);
		if ((size_t)(colon - arg) >= sizeof(typebuf) || !vmm_backend_by_type(typebuf)) {
			fprintf(stderr, "vmctl: %s: '%.*s' is not a guest type (vm, ct, svc)\n", cmd,
				(int)(colon - arg), arg);
			return -EINVAL;
		}
		type = typebuf;
		arg = colon + 1;
	}
	if (vmm_id_parse(arg, ret_id, &err) < 0) {
		fprintf(stderr, "vmctl: %s: %s\n", cmd, err.msg);
		return -EINVAL;
	}
	if (!colon && strcmp(cmd, "create"))
		(void)vmm_guest_locate(ctx, *ret_id, NULL, 0, &type, NULL);
	*ret_b = vmm_backend_by_type(type);
	if (!*ret_b) {
		fprintf(stderr, "vmctl: %s: guest %u is a '%s' guest, which this build cannot run\n",
			cmd, *ret_id, type);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int
cmd_config(vmm_ctx_t *ctx, const struct vmm_backend *b, unsigned id)
{
	char path[4096], buf[4096];
	vmm_error_t err;
	size_t n;
	FILE *fp;

	/* Only a guest of this node: the same rule as start. */
	if (vmm_guest_conf_get(ctx, b, id, "name", buf, sizeof(buf), &err) < 0)
		return fail(&err);
	if (vmm_guest_conf_path(ctx, b, id, path, sizeof(path)) < 0 || !(fp = fopen(path, "r"))) {
		fprintf(stderr, "vmctl: %s: %s\n", path, strerror(errno));
		return EXIT_FAILURE;
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(fp);
	return EXIT_SUCCESS;
}

/* Commands that take an id and a fixed number of further arguments. */
static int
run_command(vmm_ctx_t *ctx, const char *cmd, int argc, char **argv, const struct options *opt)
{
	const struct vmm_backend *b = NULL;
	struct vmm_status st;
	vmm_error_t err = { "" };
	char *text = NULL, **names = NULL, uri[512];
	unsigned id;
	int r;

	if (!strcmp(cmd, "list"))
		return cmd_list(ctx, opt->json);
	if (argc < 1) {
		fprintf(stderr, "vmctl: %s: missing guest id\n", cmd);
		return EXIT_USAGE;
	}
	r = parse_guest(ctx, cmd, argv[0], &b, &id);
	if (r < 0)
		return r == -EINVAL ? EXIT_USAGE : EXIT_FAILURE;
	if (!strcmp(cmd, "create")) {
		if (create_text(argc - 1, argv + 1, &text) < 0)
			return EXIT_USAGE;
		r = b->create(ctx, id, text, &err);
		free(text);
	} else if (!strcmp(cmd, "destroy")) {
		r = b->destroy(ctx, id, &err);
	} else if (!strcmp(cmd, "start")) {
		r = b->start(ctx, id, &err);
	} else if (!strcmp(cmd, "shutdown")) {
		r = b->shutdown(ctx, id, opt->timeout_s * 1000u, &err);
		if (r == 1)
			printf("guest %u did not power off within %u s: stopped hard\n", id,
			       opt->timeout_s);
	} else if (!strcmp(cmd, "stop")) {
		r = b->stop(ctx, id, &err);
	} else if (!strcmp(cmd, "status")) {
		r = b->status(ctx, id, &st, &err);
		if (r == 0)
			print_status(ctx, b, id, &st, opt->json);
	} else if (!strcmp(cmd, "config")) {
		return cmd_config(ctx, b, id);
	} else if (!strcmp(cmd, "migrate") && argc == 2) {
		r = b->migrate(ctx, id, argv[1], opt->online ? VMM_MIGRATE_ONLINE : 0, &err);
	} else if (!strcmp(cmd, "migrate-incoming") && argc == 1 && opt->from && opt->listen) {
		r = vmm_qemu_incoming(ctx, id, opt->from, opt->listen, uri, sizeof(uri), &err);
		if (r == 0)
			printf("%s\n", uri);
	} else if (!strcmp(cmd, "migrate-resume") && argc == 1) {
		r = vmm_qemu_incoming_resume(ctx, id, &err);
	} else if (!strcmp(cmd, "migrate-abort") && argc == 1) {
		r = vmm_qemu_incoming_abort(ctx, id, &err);
	} else if (!b->snapshot && (!strcmp(cmd, "snapshot") || !strcmp(cmd, "rollback") ||
				    !strcmp(cmd, "delsnapshot") || !strcmp(cmd, "listsnapshot"))) {
		fprintf(stderr, "vmctl: %s:%u: guests of type '%s' have no snapshots\n", b->type,
			id, b->type);
		return EXIT_FAILURE;
	} else if (!strcmp(cmd, "snapshot") && argc == 2) {
		r = b->snapshot(ctx, id, argv[1], opt->vmstate ? VMM_SNAPSHOT_VMSTATE : 0, &err);
	} else if (!strcmp(cmd, "rollback") && argc == 2) {
		r = b->rollback(ctx, id, argv[1], &err);
	} else if (!strcmp(cmd, "delsnapshot") && argc == 2) {
		r = b->delsnapshot(ctx, id, argv[1], &err);
	} else if (!strcmp(cmd, "listsnapshot")) {
		r = b->listsnapshots(ctx, id, &names, &err);
		for (size_t i = 0; r == 0 && names[i]; i++)
			printf("%s\n", names[i]);
		vmm_strv_free(names);
	} else {
		fprintf(stderr, "vmctl: %s: wrong arguments\n", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	return r < 0 ? fail(&err) : EXIT_SUCCESS;
}

static bool
command_known(const char *cmd)
{
	static const char *const cmds[] = { "create",	"destroy",  "start",	   "shutdown",
					    "stop",	"status",   "list",	   "config",
					    "migrate",	"snapshot", "rollback",	   "delsnapshot",
					    "listsnapshot", "migrate-incoming", "migrate-resume",
					    "migrate-abort" };

	for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++)
		if (!strcmp(cmds[i], cmd))
			return true;
	return false;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config-root", required_argument, NULL, 'c' },
		{ "node", required_argument, NULL, 'n' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "remote-cmd", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct options opt = { .timeout_s = 60 };
	vmm_ctx_t *ctx = NULL;
	vmm_error_t err;
	const char *cmd;
	int c, rc, skip;

	/* "+": global options end at the command. */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt.ctx.config_root = optarg;
			break;
		case 'n':
			opt.ctx.node = optarg;
			break;
		case 'r':
			opt.ctx.run_dir = optarg;
			break;
		case 'R':
			opt.ctx.remote_cmd = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc || !command_known(argv[optind])) {
		if (optind < argc)
			fprintf(stderr, "vmctl: unknown command '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	/* create's --KEY VALUE pairs are config, not options. */
	skip = 1;
	if (strcmp(cmd, "create")) {
		skip = parse_command_options(argc, argv, &opt);
		if (skip < 0)
			return EXIT_USAGE;
	}
	if (vmm_ctx_new(&opt.ctx, &ctx, &err) < 0)
		return fail(&err);
	rc = run_command(ctx, cmd, argc - skip, argv + skip, &opt);
	vmm_ctx_free(ctx);
	return rc;
}
