/*
 * level.c - fencing a node: an optional delay, so the two halves of a
 * 2-node cluster cannot shoot each other at the same moment, then its fence
 * levels in order until one succeeds.  Every device of a level must
 * succeed (two power supplies on two PDUs: both must go off).  Time,
 * randomness and the devices come through struct fence_env.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "fence/fence.h"

uint64_t
fence_node_delay_ms(const struct fence_node *node, uint32_t random)
{
	uint64_t extra = 0;

	if (node->random_delay_ms)
		extra = (uint64_t)random * ((uint64_t)node->random_delay_ms + 1) >> 32;
	return node->delay_ms + extra;
}

static void
report(const struct fence_env *env, size_t level, const struct fence_device *dev,
       enum fence_action action, int result, const char *message, uint64_t elapsed)
{
	struct fence_step step = {
	    .level = level,
	    .device = dev,
	    .action = action,
	    .result = result,
	    .message = result < 0 ? message : NULL,
	    .elapsed_ms = elapsed,
	};

	if (env->report)
		env->report(env->data, &step);
}

/* @action on every device of level @l (1-based); stops at the first failure. */
static int
level_apply(const struct fence_level *lv, size_t l, enum fence_action action,
            const struct fence_env *env, fence_err_t *err)
{
	const struct fence_clock *clock = env->clock;
	size_t d;
	int r;

	for (d = 0; d < lv->n_devices; d++) {
		uint64_t t0 = clock->now_ms(clock->data);

		err->msg[0] = '\0';
		r = env->device(env->data, lv->devices[d], action, err);
		if (r < 0 && !err->msg[0])
			fence_err_set(err, "device '%s': %s", lv->devices[d]->name, strerror(-r));
		report(env, l, lv->devices[d], action, r, err->msg,
		       clock->now_ms(clock->data) - t0);
		if (r < 0)
			return r;
	}
	return 0;
}

int
fence_node_run(const struct fence_node *node, enum fence_action action, const struct fence_env *env,
               bool apply_delay, size_t *ret_level, fence_err_t *err)
{
	fence_err_t last = {""};
	size_t l;
	int r = -ENODEV;

	if (action != FENCE_ACTION_OFF && action != FENCE_ACTION_ON &&
	    action != FENCE_ACTION_REBOOT) {
		fence_err_set(err, "node '%s': fencing action must be off, on or reboot",
		              node->name);
		return -EINVAL;
	}
	if (apply_delay && action != FENCE_ACTION_ON) {
		uint64_t delay = fence_node_delay_ms(node, env->random(env->data));

		if (delay) {
			report(env, 0, NULL, action, 0, NULL, delay);
			env->clock->sleep_ms(env->clock->data, delay);
		}
	}
	for (l = 0; l < node->n_levels; l++) {
		const struct fence_level *lv = &node->levels[l];

		if (action == FENCE_ACTION_REBOOT) {
			r = level_apply(lv, l + 1, FENCE_ACTION_OFF, env, &last);
			if (r == 0)
				r = level_apply(lv, l + 1, FENCE_ACTION_ON, env, &last);
		} else {
			r = level_apply(lv, l + 1, action, env, &last);
		}
		if (r == 0) {
			if (ret_level)
				*ret_level = l + 1;
			return 0;
		}
	}
	if (node->n_levels > 1)
		fence_err_set(err, "node '%s': all %zu fence levels failed; last: %s", node->name,
		              node->n_levels, last.msg);
	else
		fence_err_set(err, "node '%s': %s", node->name, last.msg);
	return r;
}
