/*
 * fence_rule.c - the one rule that keeps a guest from running twice: when
 * the services of a lost node may be started elsewhere.
 */
#include <config.h>

#include "hamgr/hamgr.h"

bool
hamgr_fence_done(const struct hamgr_settings *s, const struct hamgr_node_view *n, uint64_t now_ns)
{
	/*
	 * A confirmed power-off is proof.  Without an agent lease the node's
	 * LRM starts nothing, so there is nothing to wait for.  Otherwise the
	 * node stopped feeding its watchdog at most `lease` after the renewal
	 * we saw (it saw it no earlier than we did, up to `margin`), and the
	 * watchdog reset it at most `watchdog_timeout` later.
	 */
	if (n->fenced_off || !n->lease_held)
		return true;
	return now_ns >= n->lease_renewed_ns + hamgr_settings_fence_wait_ns(s);
}
