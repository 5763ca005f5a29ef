/*
 * cfsctl - asks the local clusterd for what files cannot say well: this
 * node's view of the tree (quorum, synchronisation, version, members) and
 * how old a cluster lock is on this node's clock.  See cfsctl(8).
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <json-c/json.h>
#include <qb/qbipc_common.h>
#include <qb/qbipcc.h>

#include "cfs/cfs.h"
#include "clusterd/ipc-proto.h"

#define TIMEOUT_MS 5000

static void
usage(FILE *out)
{
	fprintf(out, "usage: cfsctl [--output-format text|json] status\n"
		     "       cfsctl [--output-format text|json] lock NAME\n"
		     "       cfsctl log [--tag TAG] TEXT\n");
}

/*
 * Send request @id with @arg_len bytes of @arg (may be NULL); the answer's
 * JSON text, new.
 */
static int
ask(int32_t id, const char *arg, size_t arg_len, char **ret_json)
{
	struct qb_ipc_request_header req = { .id = id, .size = sizeof(req) };
	struct iovec iov[2] = { { &req, sizeof(req) }, { (void *)(uintptr_t)arg, 0 } };
	qb_ipcc_connection_t *c = qb_ipcc_connect(CD_IPC_NAME, CD_IPC_MAX_MSG);
	char *buf = malloc(CD_IPC_MAX_MSG + 1);
	struct qb_ipc_response_header *res = (void *)buf;
	ssize_t n;
	int r;

	if (!c || !buf) {
		r = c ? -ENOMEM : -errno ? -errno : -ECONNREFUSED;
		goto out;
	}
	if (arg) {
		iov[1].iov_len = arg_len;
		req.size += (int32_t)arg_len;
	}
	n = qb_ipcc_sendv_recv(c, iov, arg ? 2 : 1, buf, CD_IPC_MAX_MSG, TIMEOUT_MS);
	if (n < (ssize_t)sizeof(*res)) {
		r = n < 0 ? (int)n : -EBADMSG;
		goto out;
	}
	r = res->error;
	if (r == 0) {
		buf[n] = '\0';
		*ret_json = strdup(buf + sizeof(*res));
		r = *ret_json ? 0 : -ENOMEM;
	}
out:
	if (c)
		qb_ipcc_disconnect(c);
	free(buf);
	return r;
}

static const char *
field(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "?";
}

static void
print_status(json_object *o)
{
	json_object *m = NULL, *nodes = NULL;

	printf("node:      %s (id %s)\n", field(o, "node"), field(o, "nodeid"));
	printf("writable:  %s\n", !strcmp(field(o, "writable"), "true") ? "yes" : "no (read-only)");
	printf("syncing:   %s\n", !strcmp(field(o, "syncing"), "true") ? "yes" : "no");
	printf("version:   %s (%s entries, %s bytes)\n", field(o, "version"), field(o, "entries"),
	       field(o, "bytes"));
	if (!json_object_object_get_ex(o, "membership", &m) ||
	    !json_object_object_get_ex(m, "nodes", &nodes))
		return;
	printf("members:  ");
	for (size_t i = 0; i < json_object_array_length(nodes); i++) {
		json_object *n = json_object_array_get_idx(nodes, i);

		printf(" %s%s", field(n, "name"),
		       !strcmp(field(n, "online"), "true") ? "" : "(offline)");
	}
	printf("\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output-format", required_argument, NULL, 'o' },
		{ "tag", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	const char *tag = "admin";
	json_object *doc;
	char *text = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "o:t:h", longopts, NULL)) != -1) {
		if (c == 'o' && (!strcmp(optarg, "json") || !strcmp(optarg, "text"))) {
			json = !strcmp(optarg, "json");
		} else if (c == 't') {
			tag = optarg;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc && !strcmp(argv[optind], "status") && optind + 1 == argc) {
		r = ask(CD_IPC_STATUS, NULL, 0, &text);
	} else if (optind + 2 == argc && !strcmp(argv[optind], "lock")) {
		r = ask(CD_IPC_LOCK, argv[optind + 1], strlen(argv[optind + 1]), &text);
	} else if (optind + 2 == argc && !strcmp(argv[optind], "log")) {
		char buf[4096];
		int n = snprintf(buf, sizeof(buf), "%s%c%s", tag, '\0', argv[optind + 1]);

		if (n < 0 || (size_t)n >= sizeof(buf)) {
			fprintf(stderr, "cfsctl: log text too long\n");
			return 2;
		}
		r = ask(CD_IPC_LOG, buf, (size_t)n, &text);
		if (r == 0) {
			free(text);
			return 0;
		}
	} else {
		usage(stderr);
		return 2;
	}
	if (r < 0) {
		if (r == -EINVAL && !strcmp(argv[optind], "log"))
			fprintf(stderr, "cfsctl: refused: a tag of 1 to %d and a text of at most %d "
					"printable bytes, please\n", CFS_CLOG_FIELD_MAX, CFS_CLOG_TEXT_MAX);
		else if (r == -ENOENT && text == NULL && argc > optind + 1)
			fprintf(stderr, "cfsctl: no lock '%s' (or it expired on this node)\n",
				argv[optind + 1]);
		else
			fprintf(stderr, "cfsctl: asking clusterd failed: %s%s\n", strerror(-r),
				r == -ECONNREFUSED || r == -ENOENT ? " (is clusterd running?)" : "");
		return 1;
	}
	doc = json_tokener_parse(text);
	if (json || !doc)
		printf("%s\n", text);
	else if (!strcmp(argv[optind], "status"))
		print_status(doc);
	else
		printf("lock %s: held by node %s, version %s, renewed %s ms ago\n",
		       field(doc, "name"), field(doc, "owner"), field(doc, "version"),
		       field(doc, "age_ms"));
	json_object_put(doc);
	free(text);
	return 0;
}
