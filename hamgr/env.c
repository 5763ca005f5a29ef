/*
 * env.c - checks an environment implementation before the HA logic relies
 * on it, so a missing operation is found at start-up.
 */
#include <config.h>

#include <errno.h>
#include <stddef.h>

#include "hamgr/hamgr.h"

int
hamgr_env_check(const struct hamgr_env_ops *ops, const char **ret_missing)
{
	const char *missing = NULL;

	if (!ops)
		missing = "ops";
	else if (!ops->now_ns)
		missing = "now_ns";
	else if (!ops->membership)
		missing = "membership";
	else if (!ops->read_file)
		missing = "read_file";
	else if (!ops->write_file)
		missing = "write_file";
	else if (!ops->lease_acquire)
		missing = "lease_acquire";
	else if (!ops->lease_renew)
		missing = "lease_renew";
	else if (!ops->lease_release)
		missing = "lease_release";
	else if (!ops->lease_steal)
		missing = "lease_steal";
	else if (!ops->lease_info)
		missing = "lease_info";
	else if (!ops->watchdog_open)
		missing = "watchdog_open";
	else if (!ops->watchdog_feed)
		missing = "watchdog_feed";
	else if (!ops->watchdog_close)
		missing = "watchdog_close";
	else if (!ops->guest_op)
		missing = "guest_op";
	else if (!ops->fence_node)
		missing = "fence_node";
	if (!missing)
		return 0;
	if (ret_missing)
		*ret_missing = missing;
	return -EINVAL;
}
