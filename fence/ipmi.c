/*
 * ipmi.c - the built-in IPMI fence driver: an IPMI 2.0 (RMCP+, "lanplus")
 * session through libfreeipmi, Chassis Control to set the power and Get
 * Chassis Status to read it back.  One session serves the whole action.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <freeipmi/freeipmi.h>

#include "fence/fence-int.h"

#define IPMI_DEFAULT_CIPHER 3
#define RETRANSMIT_MIN_MS   50u
#define RETRANSMIT_MAX_MS   250u

struct ipmi_handle {
	ipmi_ctx_t ctx;
	fiid_obj_t status_rs;
	fiid_obj_t control_rs;
};

static int
ipmi_errno(int errnum)
{
	switch (errnum) {
	case IPMI_ERR_CONNECTION_TIMEOUT:
	case IPMI_ERR_SESSION_TIMEOUT:
	case IPMI_ERR_MESSAGE_TIMEOUT:
		return -ETIMEDOUT;
	case IPMI_ERR_USERNAME_INVALID:
	case IPMI_ERR_PASSWORD_INVALID:
	case IPMI_ERR_K_G_INVALID:
	case IPMI_ERR_PRIVILEGE_LEVEL_INSUFFICIENT:
	case IPMI_ERR_PRIVILEGE_LEVEL_CANNOT_BE_OBTAINED:
	case IPMI_ERR_AUTHENTICATION_TYPE_UNAVAILABLE:
		return -EACCES;
	case IPMI_ERR_HOSTNAME_INVALID:
		return -EHOSTUNREACH;
	case IPMI_ERR_OUT_OF_MEMORY:
		return -ENOMEM;
	case IPMI_ERR_CIPHER_SUITE_ID_UNAVAILABLE:
	case IPMI_ERR_IPMI_2_0_UNAVAILABLE:
		return -EPROTONOSUPPORT;
	default:
		return -EIO;
	}
}

/* A hint for the administrator where libfreeipmi's message alone is terse. */
static const char *
ipmi_hint(int errnum, const struct fence_device *dev)
{
	switch (errnum) {
	case IPMI_ERR_CONNECTION_TIMEOUT:
	case IPMI_ERR_SESSION_TIMEOUT:
		return " (is the BMC reachable at this address and port?)";
	case IPMI_ERR_PRIVILEGE_LEVEL_CANNOT_BE_OBTAINED:
		if (!(dev->workarounds & FENCE_IPMI_WA_OPENSESSPRIV))
			return " (check 'privilege'; some BMCs, e.g. OpenIPMI's ipmi_sim, need "
			       "'workaround opensesspriv')";
		return " (check 'privilege' and the user's limit on the BMC)";
	case IPMI_ERR_CIPHER_SUITE_ID_UNAVAILABLE:
		return " (try another 'cipher', e.g. 3 or 17)";
	case IPMI_ERR_USERNAME_INVALID:
	case IPMI_ERR_PASSWORD_INVALID:
		return " (check 'user' and the password file)";
	default:
		return "";
	}
}

/*
 * The session timeout to give libfreeipmi so that an unanswered session
 * gives up within @timeout_ms.  libfreeipmi (1.6.10) retransmits after
 * growing waits (about @retransmit, the same, 2x, 2x, 3x, ...) and gives up
 * only after the first wait that ends past its session timeout: a 1 s
 * session timeout took 1.2 s against a silent port.  So model those waits
 * and aim a quarter under ours; measured here, timeouts of 0.5-10 s then
 * fail after 60-90 % of the time.
 */
static unsigned
session_timeout(unsigned timeout_ms, unsigned retransmit)
{
	unsigned margin = timeout_ms / 4, elapsed = 0, k;

	for (k = 0;; k++) {
		unsigned next = elapsed + retransmit * (1 + k / 2);

		if (next + margin > timeout_ms)
			break;
		elapsed = next;
	}
	/* libfreeipmi wants the session timeout above the retransmission one. */
	return elapsed > retransmit ? elapsed - 1 : retransmit + 1;
}

static unsigned
workaround_flags(unsigned wa)
{
	unsigned flags = 0;

	if (wa & FENCE_IPMI_WA_OPENSESSPRIV)
		flags |= IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE;
	if (wa & FENCE_IPMI_WA_AUTHCAP)
		flags |= IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_AUTHENTICATION_CAPABILITIES;
	if (wa & FENCE_IPMI_WA_INTEL20)
		flags |= IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_INTEL_2_0_SESSION;
	if (wa & FENCE_IPMI_WA_SUPERMICRO20)
		flags |= IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_SUPERMICRO_2_0_SESSION;
	if (wa & FENCE_IPMI_WA_SUN20)
		flags |= IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_SUN_2_0_SESSION;
	return flags;
}

static void
ipmi_close(void *handle)
{
	struct ipmi_handle *h = handle;

	if (!h)
		return;
	if (h->ctx) {
		(void)ipmi_ctx_close(h->ctx);
		ipmi_ctx_destroy(h->ctx);
	}
	fiid_obj_destroy(h->status_rs);
	fiid_obj_destroy(h->control_rs);
	free(h);
}

static int
ipmi_open(const struct fence_device *dev, const char *password, unsigned timeout_ms,
          void **ret_handle, fence_err_t *err)
{
	struct ipmi_handle *h = calloc(1, sizeof(*h));
	char host[300];
	unsigned retransmit = timeout_ms / 10, session;
	int errnum, r;

	if (!h)
		return -ENOMEM;
	/* libfreeipmi takes the port as "host:port", an IPv6 address in brackets. */
	if (dev->port)
		snprintf(host, sizeof(host), strchr(dev->address, ':') ? "[%s]:%u" : "%s:%u",
		         dev->address, dev->port);
	else
		snprintf(host, sizeof(host), "%s", dev->address);
	retransmit = retransmit < RETRANSMIT_MIN_MS   ? RETRANSMIT_MIN_MS
	             : retransmit > RETRANSMIT_MAX_MS ? RETRANSMIT_MAX_MS
	                                              : retransmit;
	session = session_timeout(timeout_ms, retransmit);
	h->ctx = ipmi_ctx_create();
	h->status_rs = fiid_obj_create(tmpl_cmd_get_chassis_status_rs);
	h->control_rs = fiid_obj_create(tmpl_cmd_chassis_control_rs);
	if (!h->ctx || !h->status_rs || !h->control_rs) {
		r = -ENOMEM;
		goto error;
	}
	if (ipmi_ctx_open_outofband_2_0(
	        h->ctx, host, dev->user ? dev->user : "", password ? password : "", NULL, 0,
	        (uint8_t)(dev->privilege ? dev->privilege : FENCE_PRIV_ADMIN),
	        (uint8_t)(dev->cipher >= 0 ? dev->cipher : IPMI_DEFAULT_CIPHER), session,
	        retransmit, workaround_flags(dev->workarounds), IPMI_FLAGS_DEFAULT) < 0) {
		errnum = ipmi_ctx_errnum(h->ctx);
		r = ipmi_errno(errnum);
		fence_err_set(err, "cannot open an IPMI 2.0 session within %u ms: %s%s", timeout_ms,
		              ipmi_ctx_errormsg(h->ctx), ipmi_hint(errnum, dev));
		goto error;
	}
	*ret_handle = h;
	return 0;
error:
	ipmi_close(h);
	return r;
}

static int
ipmi_set_power(void *handle, bool on, unsigned timeout_ms, fence_err_t *err)
{
	struct ipmi_handle *h = handle;
	uint8_t control = on ? IPMI_CHASSIS_CONTROL_POWER_UP : IPMI_CHASSIS_CONTROL_POWER_DOWN;

	if (ipmi_cmd_chassis_control(h->ctx, control, h->control_rs) < 0) {
		fence_err_set(err, "Chassis Control power %s failed: %s", on ? "up" : "down",
		              ipmi_ctx_errormsg(h->ctx));
		return ipmi_errno(ipmi_ctx_errnum(h->ctx));
	}
	return 0;
}

static int
ipmi_get_power(void *handle, bool *ret_on, unsigned timeout_ms, fence_err_t *err)
{
	struct ipmi_handle *h = handle;
	uint64_t on;

	if (ipmi_cmd_get_chassis_status(h->ctx, h->status_rs) < 0) {
		fence_err_set(err, "Get Chassis Status failed: %s", ipmi_ctx_errormsg(h->ctx));
		return ipmi_errno(ipmi_ctx_errnum(h->ctx));
	}
	if (FIID_OBJ_GET(h->status_rs, "current_power_state.power_is_on", &on) < 0) {
		fence_err_set(err, "Get Chassis Status: no power state in the answer: %s",
		              fiid_obj_errormsg(h->status_rs));
		return -EPROTO;
	}
	*ret_on = on != 0;
	return 0;
}

const struct fence_driver fence_driver_ipmi = {
    .type = "ipmi",
    .open = ipmi_open,
    .set_power = ipmi_set_power,
    .get_power = ipmi_get_power,
    .close = ipmi_close,
};
