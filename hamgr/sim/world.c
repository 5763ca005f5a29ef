/*
 * world.c - the simulator's world: virtual nodes with power, network
 * partitions and a corosync-like membership that takes corosync_detect to
 * notice a loss, corosync_join longer when a node comes back meanwhile (and
 * delivers nothing during a change), cluster leases seen on
 * each node's clock, a shared file store writable only with quorum,
 * watchdogs that reset their node, fence devices, and guests.  Each node
 * runs the real library's CRM and LRM over this world through the
 * environment interface.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/sim/world-int.h"

static unsigned
popcount(uint64_t v)
{
	return (unsigned)__builtin_popcountll(v);
}

/* ---- shared files ---- */

static struct sim_file *
file_find(sim_world_t *w, const char *path)
{
	for (size_t i = 0; i < w->n_files; i++)
		if (strcmp(w->files[i].path, path) == 0)
			return &w->files[i];
	return NULL;
}

void
sim_world_put_file(sim_world_t *w, const char *path, const char *text)
{
	struct sim_file *f = file_find(w, path);
	char *copy = strdup(text);

	if (!copy)
		abort(); /* the simulator is a tool: out of memory ends it */
	if (!f) {
		w->files = realloc(w->files, (w->n_files + 1) * sizeof(*w->files));
		if (!w->files)
			abort();
		f = &w->files[w->n_files++];
		f->path = strdup(path);
		if (!f->path)
			abort();
		f->data = NULL;
	}
	free(f->data);
	f->data = copy;
}

const char *
sim_world_get_file(sim_world_t *w, const char *path)
{
	struct sim_file *f = file_find(w, path);

	return f ? f->data : NULL;
}

/* ---- leases ---- */

static struct sim_lease *
lease_find(sim_world_t *w, const char *name, bool create)
{
	for (size_t i = 0; i < w->n_leases; i++)
		if (strcmp(w->leases[i].name, name) == 0)
			return &w->leases[i];
	if (!create)
		return NULL;
	w->leases = realloc(w->leases, (w->n_leases + 1) * sizeof(*w->leases));
	if (!w->leases)
		abort();
	memset(&w->leases[w->n_leases], 0, sizeof(*w->leases));
	snprintf(w->leases[w->n_leases].name, sizeof(w->leases->name), "%s", name);
	w->leases[w->n_leases].holder = -1;
	return &w->leases[w->n_leases++];
}

/* A change to a lease is delivered to every member of @n's membership. */
static void
lease_deliver(sim_world_t *w, struct sim_node *n, struct sim_lease *l)
{
	for (unsigned i = 0; i < w->sc->n_nodes; i++)
		if (n->memb & (1ull << i))
			l->renewed[i] = w->now;
}

/* Can @n get a message delivered now: powered, quorate, ring not blocked? */
static bool
can_deliver(const sim_world_t *w, const struct sim_node *n)
{
	return n->powered && !n->blocked && popcount(n->memb) * 2 > w->sc->n_nodes;
}

/* ---- environment operations (ctx = struct sim_node) ---- */

static uint64_t
env_now(void *ctx)
{
	return ((struct sim_node *)ctx)->w->now;
}

static int
env_membership(void *ctx, struct hamgr_membership *ret)
{
	struct sim_node *n = ctx;
	sim_world_t *w = n->w;

	memset(ret, 0, sizeof(*ret));
	ret->quorate = popcount(n->memb) * 2 > w->sc->n_nodes;
	ret->n_nodes = w->sc->n_nodes;
	for (unsigned i = 0; i < w->sc->n_nodes; i++) {
		strcpy(ret->nodes[i].name, w->sc->nodes[i]);
		ret->nodes[i].online = n->memb & (1ull << i);
	}
	return 0;
}

static int
env_read(void *ctx, const char *path, char **ret, size_t *len)
{
	const char *data = sim_world_get_file(((struct sim_node *)ctx)->w, path);

	if (!data)
		return -ENOENT;
	*ret = strdup(data);
	if (!*ret)
		return -ENOMEM;
	*len = strlen(data);
	return 0;
}

static int
env_write(void *ctx, const char *path, const char *data, size_t len)
{
	struct sim_node *n = ctx;
	char *copy;

	if (!can_deliver(n->w, n))
		return -EROFS;
	copy = strndup(data, len);
	if (!copy)
		return -ENOMEM;
	sim_world_put_file(n->w, path, copy);
	free(copy);
	return 0;
}

static int
env_lease_acquire(void *ctx, const char *name)
{
	struct sim_node *n = ctx;
	sim_world_t *w = n->w;
	struct sim_lease *l;
	uint64_t expiry = ((uint64_t)w->settings.lease_ms + w->settings.margin_ms) * SIM_MS;

	if (!can_deliver(w, n))
		return -EROFS;
	l = lease_find(w, name, true);
	/* Expired as this node sees it: lease + margin after the renewal it saw. */
	if (l->holder >= 0 && l->holder != n->idx && w->now < l->renewed[n->idx] + expiry)
		return -EBUSY;
	l->holder = n->idx;
	lease_deliver(w, n, l);
	return 0;
}

static int
env_lease_renew(void *ctx, const char *name)
{
	struct sim_node *n = ctx;
	struct sim_lease *l = lease_find(n->w, name, false);

	if (!can_deliver(n->w, n))
		return -EROFS;
	if (!l || l->holder != n->idx)
		return -EPERM;
	lease_deliver(n->w, n, l);
	return 0;
}

static int
env_lease_steal(void *ctx, const char *name)
{
	struct sim_node *n = ctx;
	struct sim_lease *l = lease_find(n->w, name, false);

	if (!can_deliver(n->w, n))
		return -EROFS;
	if (!l || (l->holder >= 0 && (n->memb & (1ull << l->holder))))
		return -EBUSY;
	l->holder = n->idx;
	lease_deliver(n->w, n, l);
	return 0;
}

static int
env_lease_release(void *ctx, const char *name)
{
	struct sim_node *n = ctx;
	struct sim_lease *l = lease_find(n->w, name, false);

	if (!can_deliver(n->w, n))
		return -EROFS;
	if (!l || l->holder != n->idx)
		return -EPERM;
	l->holder = -1;
	lease_deliver(n->w, n, l);
	return 0;
}

static int
env_lease_info(void *ctx, const char *name, struct hamgr_lease_info *ret)
{
	struct sim_node *n = ctx;
	struct sim_lease *l = lease_find(n->w, name, false);

	if (!l)
		return -ENOENT;
	memset(ret, 0, sizeof(*ret));
	if (l->holder >= 0)
		strcpy(ret->holder, n->w->sc->nodes[l->holder]);
	ret->renewed_ns = l->renewed[n->idx];
	return 0;
}

static int
env_wd_open(void *ctx, unsigned timeout_ms)
{
	struct sim_node *n = ctx;

	if (!n->wd_armed)
		sim_log(n->w, "%s: watchdog armed", n->name);
	n->wd_armed = true;
	n->wd_timeout_ns = (uint64_t)timeout_ms * SIM_MS;
	n->wd_fed = n->w->now;
	return 0;
}

static int
env_wd_feed(void *ctx)
{
	struct sim_node *n = ctx;

	n->wd_fed = n->w->now;
	return 0;
}

static int
env_wd_close(void *ctx, bool clean)
{
	struct sim_node *n = ctx;

	if (clean && n->wd_armed)
		sim_log(n->w, "%s: watchdog closed cleanly", n->name);
	if (clean)
		n->wd_armed = false;
	return 0;
}

static int
env_guest_op(void *ctx, const char *sid, enum hamgr_guest_op op, const char *target,
	     uint32_t timeout_ms, uint64_t id)
{
	struct sim_node *n = ctx;

	return sim_world_guest_op(n->w, n, sid, op, target, timeout_ms, id);
}

static int
env_fence(void *ctx, const char *node)
{
	struct sim_node *n = ctx;

	return sim_world_fence(n->w, n, node);
}

const struct hamgr_env_ops sim_env_ops = {
	.now_ns = env_now,
	.membership = env_membership,
	.read_file = env_read,
	.write_file = env_write,
	.lease_acquire = env_lease_acquire,
	.lease_renew = env_lease_renew,
	.lease_release = env_lease_release,
	.lease_steal = env_lease_steal,
	.lease_info = env_lease_info,
	.watchdog_open = env_wd_open,
	.watchdog_feed = env_wd_feed,
	.watchdog_close = env_wd_close,
	.guest_op = env_guest_op,
	.fence_node = env_fence,
};

/* ---- membership ---- */

/* The powered nodes @n can reach. */
static uint64_t
reachable(const sim_world_t *w, const struct sim_node *n)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < w->sc->n_nodes; i++)
		if (w->nodes[i].powered && w->nodes[i].partition == n->partition)
			m |= 1ull << i;
	return m;
}

static void
log_membership(sim_world_t *w, const struct sim_node *n)
{
	char list[HAMGR_MAX_NODES * HAMGR_NODE_NAME_MAX] = "";

	for (unsigned i = 0; i < w->sc->n_nodes; i++)
		if (n->memb & (1ull << i)) {
			strcat(list, list[0] ? "," : "");
			strcat(list, w->sc->nodes[i]);
		}
	sim_log(w, "%s: membership %s%s", n->name, list,
		popcount(n->memb) * 2 > w->sc->n_nodes ? " (quorate)" : " (not quorate)");
}

/*
 * Corosync: a change of what a node can reach is noticed after
 * corosync_detect (a loss) or one second (a join); until then the ring
 * delivers nothing.  A node that comes back while a change is under way
 * restarts it: the change ends corosync_join later than it would have.
 * bench/lab-blip measured this at token 1000 ms: a plain leave pauses
 * deliveries for 3.65 s and a plain join for 0.4 s, but a node back
 * 1.9 s to 3.4 s into its loss made one pause of up to 5.32 s (up to
 * 1.67 s beyond the leave), wherever in the detection it came back.  A node
 * that joins takes the lease views of its new partition, as cfs
 * synchronisation would give them.
 */
void
sim_world_membership(sim_world_t *w)
{
	for (unsigned i = 0; i < w->sc->n_nodes; i++) {
		struct sim_node *n = &w->nodes[i];
		uint64_t r;

		if (!n->powered)
			continue;
		r = reachable(w, n);
		if (r != n->target) {
			bool lost = (n->target & ~r) != 0;

			n->target = r;
			if (lost)
				n->change_at = w->now + (uint64_t)w->settings.corosync_detect_ms * SIM_MS;
			else if (n->blocked)
				n->change_at += (uint64_t)w->settings.corosync_join_ms * SIM_MS;
			else
				n->change_at = w->now + 1000 * SIM_MS;
			n->blocked = true;
		}
	}
	/* Corosync agrees on a membership: its members install it together. */
	for (unsigned i = 0; i < w->sc->n_nodes; i++) {
		struct sim_node *n = &w->nodes[i];

		for (unsigned j = 0; n->powered && n->blocked && j < w->sc->n_nodes; j++) {
			struct sim_node *m = &w->nodes[j];

			if (m->powered && m->blocked && m->target == n->target &&
			    m->change_at > n->change_at)
				n->change_at = m->change_at;
		}
	}
	for (unsigned i = 0; i < w->sc->n_nodes; i++) {
		struct sim_node *n = &w->nodes[i];
		uint64_t gained;

		if (!n->powered || !n->blocked || w->now < n->change_at)
			continue;
		gained = n->target & ~n->memb;
		n->memb = n->target;
		n->blocked = false;
		for (size_t k = 0; gained && k < w->n_leases; k++)
			for (unsigned j = 0; j < w->sc->n_nodes; j++)
				if ((n->memb & (1ull << j)) && w->leases[k].renewed[j] > w->leases[k].renewed[i])
					w->leases[k].renewed[i] = w->leases[k].renewed[j];
		log_membership(w, n);
	}
}
