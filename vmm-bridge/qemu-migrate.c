/*
 * qemu-migrate.c - live migration of a QEMU guest between two nodes.
 *
 * The source (vmctl migrate --online, holding the guest's lock) runs
 * "vmctl migrate-incoming" on the target node through the remote command
 * (ssh in production).  There a QEMU starts paused (-S -incoming defer)
 * from the config that is still the source's, listens on the target
 * node's address on a port it picks, and the URI comes back.  The source
 * sends QMP migrate and waits for completion; only then the config moves
 * to the target node in one rename, the target resumes, the source quits.
 * Until the rename the guest belongs to the source, and a failure removes
 * the waiting target QEMU again; after it, the guest belongs to the target.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm-bridge/vmm-int.h"

#define QMP_TIMEOUT_MS 5000
/* A migration that has not finished after this long is given up. */
#define MIGRATE_TIMEOUT_MS (10 * 60 * 1000)
/* No cap from QEMU's default bandwidth limit (32 MiB/s in 7.2). */
#define MIGRATE_MAX_BANDWIDTH 10737418240LL

/* The address the target's QEMU listens on: set, or the node name resolved. */
static int
target_address(vmm_ctx_t *ctx, const char *target, char *buf, size_t size, vmm_error_t *err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	const char *fixed = vmm_ctx_migrate_address(ctx);
	int r;

	if (fixed) {
		snprintf(buf, size, "%s", fixed);
		return 0;
	}
	r = getaddrinfo(target, NULL, &hints, &res);
	if (r != 0)
		return vmm_err(err, -EHOSTUNREACH,
			       "cannot find the address of node '%s': %s (set one with "
			       "--target-address)",
			       target, gai_strerror(r));
	r = getnameinfo(res->ai_addr, res->ai_addrlen, buf, (socklen_t)size, NULL, 0,
			NI_NUMERICHOST);
	freeaddrinfo(res);
	return r ? vmm_err(err, -EHOSTUNREACH, "node '%s': %s", target, gai_strerror(r)) : 0;
}

int
vmm_remote_vmctl(vmm_ctx_t *ctx, const char *node, const char *sub, unsigned id, const char *a1,
		 const char *a2, const char *a3, const char *a4, char *out, size_t size,
		 vmm_error_t *err)
{
	char words[1024], *tok, *save = NULL;
	struct vmm_argv argv = { 0 };
	int r;

	snprintf(words, sizeof(words), "%s", vmm_ctx_remote_cmd(ctx));
	for (tok = strtok_r(words, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		vmm_argv_add(&argv, tok);
	vmm_argv_add(&argv, node);
	vmm_argv_add(&argv, "vmctl");
	vmm_argv_add(&argv, sub);
	vmm_argv_addf(&argv, "%u", id);
	for (const char *const *a = (const char *const[]){ a1, a2, a3, a4, NULL }; *a; a++)
		vmm_argv_add(&argv, *a);
	r = vmm_argv_done(&argv);
	if (r < 0)
		return vmm_err(err, r, "out of memory");
	r = vmm_proc_run(argv.v, out, size);
	vmm_argv_free(&argv);
	if (r < 0)
		return vmm_err(err, r, "node '%s': cannot run %s: %s", node, vmm_ctx_remote_cmd(ctx),
			       strerror(-r));
	if (r != 0)
		return vmm_err(err, -EIO, "node '%s': vmctl %s %u failed: %s", node, sub, id,
			       out[0] ? out : "no message");
	return 0;
}

static int
set_bandwidth(vmm_qmp_t *qmp, vmm_error_t *err)
{
	json_object *args = json_object_new_object();
	int r;

	json_object_object_add(args, "max-bandwidth", json_object_new_int64(MIGRATE_MAX_BANDWIDTH));
	r = vmm_qmp_execute(qmp, "migrate-set-parameters", args, NULL, err);
	json_object_put(args);
	return r;
}

/* query-migrate's "status" into @buf. */
static int
migrate_status(vmm_qmp_t *qmp, char *buf, size_t size, vmm_error_t *err)
{
	json_object *ret = NULL, *status;
	int r = vmm_qmp_execute(qmp, "query-migrate", NULL, &ret, err);

	if (r < 0)
		return r;
	snprintf(buf, size, "%s",
		 json_object_object_get_ex(ret, "status", &status) ? json_object_get_string(status)
								   : "none");
	json_object_put(ret);
	return 0;
}

/* Send the guest to @uri and wait until QEMU says completed. */
static int
send_guest(const struct vmm_qemu_run *run, unsigned id, const char *uri, vmm_error_t *err)
{
	json_object *args = NULL;
	vmm_qmp_t *qmp = NULL;
	char status[32] = "";
	long waited = 0;
	int r;

	r = vmm_qmp_connect(run->qmp, QMP_TIMEOUT_MS, &qmp, err);
	if (r == 0)
		r = set_bandwidth(qmp, err);
	if (r == 0) {
		args = json_object_new_object();
		json_object_object_add(args, "uri", json_object_new_string(uri));
		r = vmm_qmp_execute(qmp, "migrate", args, NULL, err);
		json_object_put(args);
	}
	while (r == 0) {
		r = migrate_status(qmp, status, sizeof(status), err);
		if (r < 0 || !strcmp(status, "completed"))
			break;
		if (!strcmp(status, "failed") || !strcmp(status, "cancelled")) {
			r = vmm_err(err, -EIO, "guest %u: migration to %s %s", id, uri, status);
			break;
		}
		if (waited >= MIGRATE_TIMEOUT_MS) {
			(void)vmm_qmp_execute(qmp, "migrate_cancel", NULL, NULL, NULL);
			r = vmm_err(err, -ETIMEDOUT, "guest %u: migration to %s not done after %d s",
				    id, uri, MIGRATE_TIMEOUT_MS / 1000);
			break;
		}
		vmm_sleep_ms(10);
		waited += 10;
	}
	vmm_qmp_free(qmp);
	return r;
}

/* Let the source QEMU run again after a failure; it pauses at completion. */
static void
resume_source(const struct vmm_qemu_run *run)
{
	vmm_qmp_t *qmp = NULL;

	if (vmm_qmp_connect(run->qmp, QMP_TIMEOUT_MS, &qmp, NULL) == 0)
		(void)vmm_qmp_execute(qmp, "cont", NULL, NULL, NULL);
	vmm_qmp_free(qmp);
}

int
vmm_qemu_migrate_live(vmm_ctx_t *ctx, unsigned id, const struct vmm_qemu_run *run,
		      const char *target, const char *conf_path, const char *dest_path,
		      vmm_error_t *err)
{
	char addr[256], uri[512], out[512];
	int r;

	r = target_address(ctx, target, addr, sizeof(addr), err);
	if (r < 0)
		return vmm_err_prefix(err, r, "guest %u", id);
	r = vmm_remote_vmctl(ctx, target, "migrate-incoming", id, "--from", vmm_ctx_node(ctx), "--listen",
		   addr, out, sizeof(out), err);
	if (r < 0)
		return vmm_err_prefix(err, r, "guest %u: no QEMU waits on node '%s'", id, target);
	if (strncmp(out, "tcp:", 4) || strpbrk(out, " \t")) {
		(void)vmm_remote_vmctl(ctx, target, "migrate-abort", id, NULL, NULL, NULL, NULL, out,
			     sizeof(out), NULL);
		return vmm_err(err, -EPROTO, "guest %u: node '%s' answered '%s', not a tcp: URI",
			       id, target, out);
	}
	snprintf(uri, sizeof(uri), "%s", out);
	r = send_guest(run, id, uri, err);
	/* One rename: the guest is on exactly one node at every moment. */
	if (r == 0 && rename(conf_path, dest_path) < 0)
		r = vmm_err(err, -errno, "guest %u: rename %s to %s: %s", id, conf_path, dest_path,
			    strerror(errno));
	if (r < 0) {
		(void)vmm_remote_vmctl(ctx, target, "migrate-abort", id, NULL, NULL, NULL, NULL, out,
			     sizeof(out), NULL);
		resume_source(run);
		return r;
	}
	r = vmm_remote_vmctl(ctx, target, "migrate-resume", id, NULL, NULL, NULL, NULL, out, sizeof(out),
		   err);
	if (r < 0)
		vmm_err_prefix(err, r, "guest %u moved to node '%s' but does not run there", id,
			       target);
	/* The source's copy is stale now, whatever the target did. */
	(void)vmm_qemu_kill(run, id, NULL);
	return r;
}
