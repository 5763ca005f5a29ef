/*
 * exec.c - the "svc" backend: services that are not guests, each run by a
 * script named in nodes/<node>/exec/<id>.conf and called as
 * "SCRIPT start|stop|status|migrate ID [TARGET]".  The script's exit codes
 * are a fixed contract (the OCF resource agent codes an admin of a cluster
 * knows), mapped here onto the backend interface's error codes; see
 * exec-guest.conf(5).
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm-bridge/vmm-int.h"

/* The exit codes of the contract. */
enum {
	EXEC_OK = 0,
	EXEC_ERR_GENERIC = 1,
	EXEC_ERR_ARGS = 2,
	EXEC_UNIMPLEMENTED = 3,
	EXEC_ERR_PERM = 4,
	EXEC_NOT_INSTALLED = 5,
	EXEC_NOT_CONFIGURED = 6,
	EXEC_NOT_RUNNING = 7,
};

#define DEFAULT_TIMEOUT_S 60ul

struct exec_conf {
	char script[PATH_MAX];
	unsigned long timeout_s;
};

static int
conf_parse(const struct vmm_conf *conf, struct exec_conf *ec, vmm_error_t *err)
{
	*ec = (struct exec_conf){ .timeout_s = DEFAULT_TIMEOUT_S };
	for (size_t i = 0; i < conf->n; i++) {
		const struct vmm_conf_line *l = &conf->lines[i];
		int r;

		if (!strcmp(l->key, "script")) {
			if (l->value[0] != '/' || strlen(l->value) >= sizeof(ec->script) ||
			    strpbrk(l->value, " \t"))
				return vmm_err(err, -EINVAL,
					       "%s:%u: script: '%s' is not an absolute path without "
					       "blanks",
					       conf->file, l->line, l->value);
			snprintf(ec->script, sizeof(ec->script), "%s", l->value);
		} else if (!strcmp(l->key, "timeout")) {
			r = vmm_uint_parse(l->value, 1, 86400, &ec->timeout_s);
			if (r < 0)
				return vmm_err(err, -EINVAL,
					       "%s:%u: timeout: '%s' is not 1..86400 seconds",
					       conf->file, l->line, l->value);
		} else {
			return vmm_err(err, -EINVAL, "%s:%u: %s: unknown key", conf->file, l->line,
				       l->key);
		}
	}
	if (!ec->script[0])
		return vmm_err(err, -EINVAL, "%s: script: missing (script: /path/to/script)",
			       conf->file);
	return 0;
}

static int
parse_text(const char *file, const char *text, struct exec_conf *ec, vmm_error_t *err)
{
	struct vmm_conf *conf = NULL;
	int r;

	r = vmm_conf_parse(file, text, &conf, err);
	if (r == 0)
		r = conf_parse(conf, ec, err);
	vmm_conf_free(conf);
	return r;
}

static int
exec_validate(vmm_ctx_t *ctx, const char *file, const char *text, bool for_create,
	      vmm_error_t *err)
{
	struct exec_conf ec;

	return parse_text(file, text, &ec, err);
}

static int
load(vmm_ctx_t *ctx, unsigned id, char *path, size_t size, struct exec_conf *ec,
     vmm_error_t *err)
{
	char *text = NULL;
	int r;

	r = vmm_ctx_local_conf(ctx, &vmm_backend_exec, id, path, size, err);
	if (r == 0)
		r = vmm_file_read(path, &text, err);
	if (r == 0)
		r = parse_text(path, text, ec, err);
	free(text);
	return r;
}

/* The contract's meaning of exit status @status of @action, as -errno. */
static int
map_exit(unsigned id, const char *action, int status, const char *out, vmm_error_t *err)
{
	static const struct {
		int err;
		const char *what;
	} codes[] = {
		[EXEC_ERR_GENERIC] = { -EIO, "failed" },
		[EXEC_ERR_ARGS] = { -EINVAL, "invalid arguments" },
		[EXEC_UNIMPLEMENTED] = { -EOPNOTSUPP, "not implemented by the script" },
		[EXEC_ERR_PERM] = { -EPERM, "insufficient privileges" },
		[EXEC_NOT_INSTALLED] = { -ENOPKG, "not installed" },
		[EXEC_NOT_CONFIGURED] = { -EINVAL, "not configured" },
		[EXEC_NOT_RUNNING] = { -EIO, "not running" },
	};
	const char *sep = out[0] ? ": " : "";

	if (status == -ETIMEDOUT)
		return vmm_err(err, -ETIMEDOUT, "service %u: %s: no answer in time, killed%s%s", id,
			       action, sep, out);
	if (status == -EINTR)
		return vmm_err(err, -EIO, "service %u: %s: killed by a signal%s%s", id, action, sep,
			       out);
	if (status < 0)
		return vmm_err(err, status, "service %u: cannot run the script for %s: %s", id,
			       action, strerror(-status));
	if (status > EXEC_OK && status <= EXEC_NOT_RUNNING)
		return vmm_err(err, codes[status].err, "service %u: %s: %s (exit %d)%s%s", id,
			       action, codes[status].what, status, sep, out);
	return vmm_err(err, -EIO, "service %u: %s: exit %d is not in the contract (0-7)%s%s", id,
		       action, status, sep, out);
}

/* Run the script for @action: its exit status, or -errno when it did not run. */
static int
run_script(vmm_ctx_t *ctx, unsigned id, const struct exec_conf *ec, const char *action,
	   const char *target, unsigned timeout_ms, char *out, size_t size)
{
	char script[PATH_MAX], act[16], tgt[64], idtext[16], env_id[48], env_node[96],
		env_target[96];
	char *argv[] = { script, act, idtext, target ? tgt : NULL, NULL };
	char *envp[] = { env_id, env_node, target ? env_target : NULL, NULL };

	/* exec takes non-const strings. */
	snprintf(script, sizeof(script), "%s", ec->script);
	snprintf(act, sizeof(act), "%s", action);
	snprintf(tgt, sizeof(tgt), "%s", target ? target : "");
	snprintf(idtext, sizeof(idtext), "%u", id);
	snprintf(env_id, sizeof(env_id), "CLUSTERHA_GUEST_ID=%u", id);
	snprintf(env_node, sizeof(env_node), "CLUSTERHA_NODE=%s", vmm_ctx_node(ctx));
	snprintf(env_target, sizeof(env_target), "CLUSTERHA_TARGET_NODE=%s", target ? target : "");
	if (access(ec->script, X_OK) < 0)
		return -errno;
	return vmm_exec_run(argv, envp, timeout_ms, out, size);
}

/* status: 0 running, 7 stopped, anything else an error. */
static int
probe(vmm_ctx_t *ctx, unsigned id, const struct exec_conf *ec, struct vmm_status *ret,
      vmm_error_t *err)
{
	char out[512];
	int st = run_script(ctx, id, ec, "status", NULL, (unsigned)ec->timeout_s * 1000u, out,
			    sizeof(out));

	*ret = (struct vmm_status){ .state = VMM_STATE_STOPPED };
	if (st == EXEC_OK || st == EXEC_NOT_RUNNING) {
		ret->state = st == EXEC_OK ? VMM_STATE_RUNNING : VMM_STATE_STOPPED;
		/* The script's own word when it says one. */
		if (out[0])
			snprintf(ret->detail, sizeof(ret->detail), "%.*s",
				 (int)sizeof(ret->detail) - 1, out);
		else
			snprintf(ret->detail, sizeof(ret->detail), "exit %d", st);
		return 0;
	}
	return map_exit(id, "status", st, out, err);
}

static int
exec_status(vmm_ctx_t *ctx, unsigned id, struct vmm_status *ret, vmm_error_t *err)
{
	char path[PATH_MAX];
	struct exec_conf ec;
	int r = load(ctx, id, path, sizeof(path), &ec, err);

	return r < 0 ? r : probe(ctx, id, &ec, ret, err);
}

static int
exec_start(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err)
{
	char path[PATH_MAX], out[512];
	struct vmm_status status;
	struct exec_conf ec;
	int r;

	r = load(ctx, id, path, sizeof(path), &ec, err);
	if (r == 0)
		r = probe(ctx, id, &ec, &status, err);
	if (r < 0)
		return r;
	if (status.state != VMM_STATE_STOPPED)
		return vmm_err(err, -EALREADY, "service %u already runs (%s)", id, status.detail);
	r = run_script(ctx, id, &ec, "start", NULL, (unsigned)ec.timeout_s * 1000u, out,
		       sizeof(out));
	return r == EXEC_OK ? 0 : map_exit(id, "start", r, out, err);
}

/* stop within @timeout_ms; a service that was not running (7) is stopped. */
static int
stop_within(vmm_ctx_t *ctx, unsigned id, unsigned timeout_ms, vmm_error_t *err)
{
	char path[PATH_MAX], out[512];
	struct exec_conf ec;
	int r;

	r = load(ctx, id, path, sizeof(path), &ec, err);
	if (r < 0)
		return r;
	if (!timeout_ms)
		timeout_ms = (unsigned)ec.timeout_s * 1000u;
	r = run_script(ctx, id, &ec, "stop", NULL, timeout_ms, out, sizeof(out));
	return r == EXEC_OK || r == EXEC_NOT_RUNNING ? 0 : map_exit(id, "stop", r, out, err);
}

/* A script has no hard stop: a stop past the timeout is killed, -ETIMEDOUT. */
static int
exec_shutdown(vmm_ctx_t *ctx, unsigned id, unsigned timeout_ms, vmm_error_t *err)
{
	return stop_within(ctx, id, timeout_ms ? timeout_ms : 1, err);
}

static int
exec_stop(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err)
{
	return stop_within(ctx, id, 0, err);
}

static int
exec_create(vmm_ctx_t *ctx, unsigned id, const char *text, vmm_error_t *err)
{
	char path[PATH_MAX];
	struct exec_conf ec;
	int r;

	r = vmm_ctx_new_conf(ctx, &vmm_backend_exec, id, path, sizeof(path), err);
	if (r == 0)
		r = parse_text(path, text, &ec, err);
	return r < 0 ? r : vmm_file_create(path, text, err);
}

static int
exec_destroy(vmm_ctx_t *ctx, unsigned id, vmm_error_t *err)
{
	char path[PATH_MAX];
	struct vmm_status status;
	struct exec_conf ec;
	int r;

	r = load(ctx, id, path, sizeof(path), &ec, err);
	if (r == 0)
		r = probe(ctx, id, &ec, &status, err);
	if (r < 0)
		return r;
	if (status.state != VMM_STATE_STOPPED)
		return vmm_err(err, -EBUSY, "service %u runs: stop it first", id);
	if (unlink(path) < 0)
		return vmm_err(err, -errno, "%s: %s", path, strerror(errno));
	return 0;
}

/*
 * Offline: a stopped service's script gets "migrate ID TARGET" to move what
 * it needs (3, not implemented, means nothing to move), then its config
 * moves to the target's directory in one rename.
 */
static int
exec_migrate(vmm_ctx_t *ctx, unsigned id, const char *target, unsigned flags,
	     vmm_error_t *err)
{
	char path[PATH_MAX], dest[PATH_MAX + 32], out[512];
	struct vmm_status status;
	struct exec_conf ec;
	int r;

	if (flags & VMM_MIGRATE_ONLINE)
		return vmm_err(err, -EOPNOTSUPP, "service %u: services do not migrate live", id);
	r = load(ctx, id, path, sizeof(path), &ec, err);
	if (r < 0)
		return r;
	r = vmm_ctx_check_target(ctx, "service", id, target, err);
	if (r == 0)
		r = probe(ctx, id, &ec, &status, err);
	if (r < 0)
		return r;
	if (status.state != VMM_STATE_STOPPED)
		return vmm_err(err, -EBUSY, "service %u runs: stop it first", id);
	r = run_script(ctx, id, &ec, "migrate", target, (unsigned)ec.timeout_s * 1000u, out,
		       sizeof(out));
	if (r != EXEC_OK && r != EXEC_UNIMPLEMENTED)
		return map_exit(id, "migrate", r, out, err);
	r = vmm_ctx_target_conf(ctx, &vmm_backend_exec, id, target, dest, sizeof(dest), err);
	if (r < 0)
		return r;
	if (rename(path, dest) < 0)
		return vmm_err(err, -errno, "rename %s to %s: %s", path, dest, strerror(errno));
	return 0;
}

static int
exec_list(vmm_ctx_t *ctx, unsigned **ret_ids, size_t *ret_count, vmm_error_t *err)
{
	return vmm_ctx_list(ctx, &vmm_backend_exec, ret_ids, ret_count, err);
}

const struct vmm_backend vmm_backend_exec = {
	.type = "svc",
	.conf_dir = "exec",
	.validate = exec_validate,
	.create = exec_create,
	.destroy = exec_destroy,
	.start = exec_start,
	.shutdown = exec_shutdown,
	.stop = exec_stop,
	.status = exec_status,
	.migrate = exec_migrate,
	.list = exec_list,
};
