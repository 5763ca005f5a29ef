/* fake.c - see fake.h. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>

#include "tests/unit/fence/fake.h"

static uint64_t
fake_now(void *data)
{
	return ((struct fake_clock *)data)->now;
}

static void
fake_sleep(void *data, uint64_t ms)
{
	struct fake_clock *c = data;

	c->now += ms;
	c->slept += ms;
}

void
fake_clock_init(struct fake_clock *c)
{
	c->now = 1000;
	c->slept = 0;
	c->ops.now_ms = fake_now;
	c->ops.sleep_ms = fake_sleep;
	c->ops.data = c;
}

/* The fake BMC handed to the driver through the device's address field. */
static int
fake_open(const struct fence_device *dev, const char *password, unsigned timeout_ms,
          void **ret_handle, fence_err_t *err)
{
	struct fake_bmc *b = (struct fake_bmc *)(void *)(uintptr_t)strtoull(dev->address, NULL, 16);

	b->clock->now += b->call_ms;
	if (b->open_error) {
		fence_err_set(err, "fake open failed");
		return b->open_error;
	}
	b->opened = true;
	*ret_handle = b;
	return 0;
}

static int
fake_set(void *h, bool on, unsigned timeout_ms, fence_err_t *err)
{
	struct fake_bmc *b = h;

	b->clock->now += b->call_ms;
	b->sets++;
	if (b->set_error) {
		fence_err_set(err, "fake set failed");
		return b->set_error;
	}
	b->wanted = on;
	if (!b->ignore_set && b->lag_reads == 0)
		b->on = on;
	return 0;
}

static int
fake_get(void *h, bool *ret_on, unsigned timeout_ms, fence_err_t *err)
{
	struct fake_bmc *b = h;

	b->clock->now += b->call_ms;
	b->gets++;
	if (b->get_errors) {
		b->get_errors--;
		fence_err_set(err, "fake get failed");
		return b->get_error;
	}
	if (!b->ignore_set && b->on != b->wanted && b->sets) {
		if (b->lag_reads)
			b->lag_reads--;
		else
			b->on = b->wanted;
	}
	*ret_on = b->on;
	return 0;
}

static void
fake_close(void *h)
{
	struct fake_bmc *b = h;

	b->closed = true;
}

const struct fence_driver fake_driver = {
    .type = "fake",
    .open = fake_open,
    .set_power = fake_set,
    .get_power = fake_get,
    .close = fake_close,
};
