/*
 * run.c - the simulator's time line: power and partitions, guest
 * operations that take time and may fail, fence devices, watchdog resets,
 * one step of every node's CRM and LRM, and the invariant that a guest
 * never runs on two nodes.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/sim/world-int.h"

/* Advance the order and no-log expectations over one log line. */
static void
match_expectations(sim_world_t *w, const char *line)
{
	for (size_t i = 0; i < w->sc->n_expect; i++) {
		const struct sim_expect *e = &w->sc->expect[i];
		char want[256];
		const char *t;
		size_t n;

		if (e->kind == SIM_EXPECT_NO_LOG && strstr(line, e->text))
			w->log_hits[i]++;
		if (e->kind != SIM_EXPECT_ORDER || !e->text[w->order_pos[i]])
			continue;
		t = e->text + w->order_pos[i];
		n = strcspn(t, "|");
		while (n && t[n - 1] == ' ')
			n--;
		snprintf(want, sizeof(want), "%.*s", (int)n, t);
		if (!strstr(line, want))
			continue;
		t += strcspn(t, "|");
		if (*t == '|')
			t++;
		while (*t == ' ')
			t++;
		w->order_pos[i] = (size_t)(t - e->text);
	}
}

void
sim_log(sim_world_t *w, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	match_expectations(w, line);
	if (!w->quiet)
		fprintf(w->log, "%4llu.%01llu %s\n", (unsigned long long)(w->now / 1000000000ull),
			(unsigned long long)(w->now % 1000000000ull / 100000000ull), line);
}

void
sim_violation(sim_world_t *w, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sim_log(w, "VIOLATION: %s", msg);
	w->violations++;
}

uint64_t
sim_world_now(const sim_world_t *w)
{
	return w->now;
}

unsigned
sim_world_violations(const sim_world_t *w)
{
	return w->violations;
}

struct sim_guest *
sim_world_guest(sim_world_t *w, const char *sid)
{
	for (size_t i = 0; i < w->n_guests; i++)
		if (strcmp(w->guests[i].sid, sid) == 0)
			return &w->guests[i];
	w->guests = realloc(w->guests, (w->n_guests + 1) * sizeof(*w->guests));
	if (!w->guests)
		abort();
	memset(&w->guests[w->n_guests], 0, sizeof(*w->guests));
	strcpy(w->guests[w->n_guests].sid, sid);
	w->guests[w->n_guests].last_node = -1;
	return &w->guests[w->n_guests++];
}

bool
sim_world_can_run(void *ctx, const char *sid, const char *node)
{
	sim_world_t *w = ctx;
	const struct sim_scenario *sc = w->sc;
	int idx = sim_node_index(sc, node);

	for (size_t i = 0; i < sc->n_uses; i++) {
		if (strcmp(sc->uses[i].sid, sid) != 0)
			continue;
		for (size_t k = 0; k < sc->n_storage; k++)
			if (strcmp(sc->storage[k].name, sc->uses[i].storage) == 0 &&
			    !(sc->storage[k].nodes & (1ull << idx)))
				return false;
	}
	return true;
}

static void
power_on(sim_world_t *w, struct sim_node *n)
{
	if (n->powered)
		return;
	n->powered = true;
	n->generation++;
	n->memb = n->target = 1ull << n->idx;
	n->blocked = false;
	n->wd_armed = false;
	n->boot_at = 0;
	n->failed_at = 0;
	n->was_master = false;
	n->shutting = 0;
	n->crm = hamgr_master_new(&sim_env_ops, n, n->name, sim_world_can_run, w);
	n->lrm = hamgr_lrm_new(&sim_env_ops, n, n->name);
	if (!n->crm || !n->lrm)
		abort();
	if (n->maintenance)
		hamgr_lrm_set_mode(n->lrm, HAMGR_LRM_MAINTENANCE);
}

static void
power_off(sim_world_t *w, struct sim_node *n, const char *why)
{
	if (!n->powered)
		return;
	sim_log(w, "%s: powered off (%s)", n->name, why);
	n->powered = false;
	n->memb = n->target = 0;
	n->wd_armed = false;
	if (!n->failed_at)
		n->failed_at = w->now;
	/* Its guests die with it. */
	for (size_t i = 0; i < w->n_guests; i++)
		w->guests[i].running &= ~(1ull << n->idx);
	hamgr_master_free(n->crm);
	hamgr_lrm_free(n->lrm);
	n->crm = NULL;
	n->lrm = NULL;
}

sim_world_t *
sim_world_new(const struct sim_scenario *sc, FILE *log)
{
	sim_world_t *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->sc = sc;
	w->log = log;
	w->order_pos = calloc(sc->n_expect + 1, sizeof(*w->order_pos));
	w->log_hits = calloc(sc->n_expect + 1, sizeof(*w->log_hits));
	if (!w->order_pos || !w->log_hits)
		abort();
	hamgr_settings_default(&w->settings);
	for (unsigned i = 0; i < sc->n_nodes; i++) {
		w->nodes[i].w = w;
		w->nodes[i].idx = (int)i;
		strcpy(w->nodes[i].name, sc->nodes[i]);
	}
	return w;
}

void
sim_world_free(sim_world_t *w)
{
	if (!w)
		return;
	for (unsigned i = 0; i < w->sc->n_nodes; i++) {
		hamgr_master_free(w->nodes[i].crm);
		hamgr_lrm_free(w->nodes[i].lrm);
	}
	for (size_t i = 0; i < w->n_files; i++) {
		free(w->files[i].path);
		free(w->files[i].data);
	}
	free(w->files);
	free(w->leases);
	free(w->guests);
	free(w->ops);
	free(w->last_status);
	free(w->order_pos);
	free(w->log_hits);
	free(w);
}

/* "n1|n2,n3": every group its own partition. */
static void
partition(sim_world_t *w, const char *spec)
{
	int group = 1;

	for (const char *p = spec; *p;) {
		size_t n = strcspn(p, ",|");
		char name[HAMGR_NODE_NAME_MAX] = "";
		int i;

		if (n < sizeof(name))
			memcpy(name, p, n);
		name[n < sizeof(name) ? n : 0] = '\0';
		i = sim_node_index(w->sc, name);
		if (i >= 0) {
			w->nodes[i].partition = group;
			if (!w->nodes[i].failed_at)
				w->nodes[i].failed_at = w->now;
		}
		p += n;
		if (*p == '|')
			group++;
		if (*p)
			p++;
	}
}

void
sim_world_event(sim_world_t *w, const struct sim_event *ev)
{
	int i = ev->node[0] ? sim_node_index(w->sc, ev->node) : -1;
	struct hamgr_error err;
	const char *old;
	char *text;

	switch (ev->kind) {
	case SIM_EV_POWEROFF:
		sim_log(w, "event: poweroff %s", ev->node);
		w->nodes[i].failed_at = w->now;
		power_off(w, &w->nodes[i], "event");
		break;
	case SIM_EV_POWERON:
		sim_log(w, "event: poweron %s", ev->node);
		power_on(w, &w->nodes[i]);
		break;
	case SIM_EV_PARTITION:
		sim_log(w, "event: partition %s", ev->text);
		partition(w, ev->text);
		break;
	case SIM_EV_HEAL:
		sim_log(w, "event: heal");
		for (unsigned k = 0; k < w->sc->n_nodes; k++)
			w->nodes[k].partition = 0;
		break;
	case SIM_EV_FAIL_START:
		sim_log(w, "event: the next %u starts of %s on %s fail", ev->count, ev->sid,
			ev->node);
		sim_world_guest(w, ev->sid)->fail_start[i] += ev->count;
		break;
	case SIM_EV_MAINTENANCE:
		sim_log(w, "event: maintenance %s %s", ev->node, ev->count ? "on" : "off");
		w->nodes[i].maintenance = ev->count;
		if (w->nodes[i].lrm)
			hamgr_lrm_set_mode(w->nodes[i].lrm, ev->count ? HAMGR_LRM_MAINTENANCE
								      : HAMGR_LRM_ACTIVE);
		break;
	case SIM_EV_SHUTDOWN:
		sim_log(w, "event: %s %s", ev->count ? "reboot" : "shutdown", ev->node);
		if (!w->nodes[i].powered || w->nodes[i].shutting)
			break;
		w->nodes[i].shutting = 1 + (int)ev->count;
		w->nodes[i].shutdown_at = w->now;
		hamgr_lrm_set_mode(w->nodes[i].lrm,
				   ev->count ? HAMGR_LRM_REBOOT : HAMGR_LRM_SHUTDOWN);
		break;
	case SIM_EV_IGNORE_ACPI:
		sim_log(w, "event: %s ignores clean shutdown requests", ev->sid);
		sim_world_guest(w, ev->sid)->ignore_acpi = true;
		break;
	case SIM_EV_COMMAND:
		sim_log(w, "event: command %s", ev->text);
		old = sim_world_get_file(w, "ha/crm_commands");
		text = malloc((old ? strlen(old) : 0) + strlen(ev->text) + 2);
		if (!text)
			abort();
		sprintf(text, "%s%s\n", old ? old : "", ev->text);
		sim_world_put_file(w, "ha/crm_commands", text);
		free(text);
		break;
	case SIM_EV_FILE:
		if (ev->at_ns)
			sim_log(w, "event: edit %s", ev->path);
		sim_world_put_file(w, ev->path, ev->text);
		if (strcmp(ev->path, "ha/settings.cfg") == 0 &&
		    hamgr_settings_parse(ev->path, ev->text, strlen(ev->text), &w->settings, &err) < 0)
			sim_log(w, "%s", err.text);
		break;
	}
}

static struct sim_op *
new_op(sim_world_t *w, struct sim_node *n, uint64_t after_ns)
{
	struct sim_op *op;

	w->ops = realloc(w->ops, (w->n_ops + 1) * sizeof(*w->ops));
	if (!w->ops)
		abort();
	op = &w->ops[w->n_ops++];
	memset(op, 0, sizeof(*op));
	op->due = w->now + after_ns;
	op->seq = w->op_seq++;
	op->node = n->idx;
	op->generation = n->generation;
	return op;
}

/* A clean stop takes 500 ms, or the whole timeout (default 3 s) for a guest ignoring it. */
static uint64_t
stop_ms(const struct sim_guest *g, uint32_t timeout_ms)
{
	uint64_t t = timeout_ms ? timeout_ms : 3000;

	if (timeout_ms == HAMGR_STOP_HARD_MS)
		return 100;
	return g->ignore_acpi ? t : (t < 500 ? t : 500);
}

int
sim_world_guest_op(sim_world_t *w, struct sim_node *n, const char *sid, enum hamgr_guest_op op,
		   const char *target, uint32_t timeout_ms, uint64_t id)
{
	static const char *const names[] = {"start", "stop", "migrate"};
	struct sim_guest *g = sim_world_guest(w, sid);
	struct sim_op *o;
	uint64_t ms = op == HAMGR_OP_START ? w->settings.guest_start_ms
		      : op == HAMGR_OP_STOP ? stop_ms(g, timeout_ms)
					    : 1000;
	char how[64] = "";

	if (op == HAMGR_OP_STOP && timeout_ms == HAMGR_STOP_HARD_MS)
		snprintf(how, sizeof(how), " hard");
	else if (op == HAMGR_OP_STOP && timeout_ms)
		snprintf(how, sizeof(how), " within %u ms", timeout_ms);
	sim_log(w, "%s: %s %s%s%s%s (request %llu)", n->name, names[op], sid, target ? " to " : "",
		target ? target : "", how, (unsigned long long)id);
	/* The moment a start begins elsewhere, the old copy must be gone. */
	if (op == HAMGR_OP_START && (g->running & ~(1ull << n->idx)))
		sim_violation(w, "%s starts on %s while it runs on another node", sid, n->name);
	o = new_op(w, n, ms * SIM_MS);
	strcpy(o->sid, sid);
	o->op = op;
	o->target = target ? sim_node_index(w->sc, target) : -1;
	o->id = id;
	return 0;
}

int
sim_world_fence(sim_world_t *w, struct sim_node *n, const char *node)
{
	int i = sim_node_index(w->sc, node);
	struct sim_op *o;

	if (i < 0 || !(w->sc->fence_device & (1ull << i)))
		return -ENODEV;
	sim_log(w, "%s: fence device: power off %s", n->name, node);
	o = new_op(w, n, (uint64_t)w->settings.fence_confirm_ms * SIM_MS);
	o->fence = true;
	o->target = i;
	return 0;
}

/* A guest now runs on @node: check nobody else runs it, measure a recovery. */
static void
guest_started(sim_world_t *w, struct sim_guest *g, int node)
{
	const struct sim_node *from = g->last_node >= 0 ? &w->nodes[g->last_node] : NULL;

	if (g->running & ~(1ull << node))
		sim_violation(w, "%s runs on two nodes", g->sid);
	if (!(g->running & (1ull << node)) && from && g->last_node != node && from->failed_at) {
		uint64_t took = w->now - from->failed_at;

		sim_log(w, "recovery: %s on %s, %llu.%01llu s after %s failed", g->sid,
			w->sc->nodes[node], (unsigned long long)(took / 1000000000ull),
			(unsigned long long)(took % 1000000000ull / 100000000ull), from->name);
		w->recoveries++;
		if (took > w->max_recovery_ns)
			w->max_recovery_ns = took;
	}
	g->running |= 1ull << node;
	g->last_node = node;
}

static int
finish_guest_op(sim_world_t *w, struct sim_op *o)
{
	struct sim_node *n = &w->nodes[o->node];
	struct sim_guest *g = sim_world_guest(w, o->sid);
	struct sim_node *t = o->target >= 0 ? &w->nodes[o->target] : NULL;

	switch (o->op) {
	case HAMGR_OP_START:
		if (g->fail_start[o->node]) {
			g->fail_start[o->node]--;
			sim_log(w, "%s: start %s failed", n->name, o->sid);
			return -EIO;
		}
		guest_started(w, g, o->node);
		sim_log(w, "%s: %s running", n->name, o->sid);
		return 0;
	case HAMGR_OP_STOP:
		if (g->running & (1ull << o->node))
			sim_log(w, "%s: %s stopped%s", n->name, o->sid,
				g->ignore_acpi ? " (hard, after the timeout)" : "");
		g->running &= ~(1ull << o->node);
		return 0;
	case HAMGR_OP_MIGRATE:
		if (!(g->running & (1ull << o->node))) {
			sim_log(w, "%s: migrate %s failed: not running here", n->name, o->sid);
			return -ENOENT;
		}
		if (!t || !t->powered || t->partition != n->partition) {
			sim_log(w, "%s: migrate %s failed", n->name, o->sid);
			return -EHOSTUNREACH;
		}
		g->running &= ~(1ull << o->node);
		guest_started(w, g, o->target);
		sim_log(w, "%s: %s migrated to %s", n->name, o->sid, t->name);
		return 0;
	}
	return -EINVAL;
}

/* Operations due now, in the order they were started. */
static void
finish_ops(sim_world_t *w)
{
	for (size_t i = 0; i < w->n_ops;) {
		struct sim_op o = w->ops[i];
		struct sim_node *n = &w->nodes[o.node];
		int rc;

		if (o.due > w->now) {
			i++;
			continue;
		}
		memmove(&w->ops[i], &w->ops[i + 1], (w->n_ops - i - 1) * sizeof(o));
		w->n_ops--;
		if (o.fence) {
			struct sim_node *t = &w->nodes[o.target];

			t->fenced++;
			power_off(w, t, "fence device");
			sim_log(w, "fence device: %s confirmed off", t->name);
			if (n->powered && n->generation == o.generation && n->crm)
				hamgr_master_fence_result(n->crm, t->name, 0);
			continue;
		}
		if (!n->powered || n->generation != o.generation)
			continue; /* its node died meanwhile */
		rc = finish_guest_op(w, &o);
		(void)hamgr_lrm_op_done(n->lrm, o.sid, o.id, rc);
	}
}

static void
watchdogs(sim_world_t *w)
{
	for (unsigned i = 0; i < w->sc->n_nodes; i++) {
		struct sim_node *n = &w->nodes[i];

		if (!n->powered && n->boot_at && w->now >= n->boot_at) {
			sim_log(w, "%s: booted", n->name);
			power_on(w, n);
		}
		if (n->powered && n->wd_armed && w->now >= n->wd_fed + n->wd_timeout_ns) {
			n->fenced++;
			power_off(w, n, "watchdog reset");
			n->boot_at = w->now + w->sc->boot_ns;
		}
	}
}

/* Nodes shutting down go down once their LRM is done (or after 2 minutes). */
static void
shutdowns(sim_world_t *w)
{
	for (unsigned i = 0; i < w->sc->n_nodes; i++) {
		struct sim_node *n = &w->nodes[i];
		bool reboot = n->shutting == 2;

		if (!n->powered || !n->shutting)
			continue;
		if (!hamgr_lrm_shutdown_done(n->lrm) && w->now < n->shutdown_at + 120000 * SIM_MS)
			continue;
		n->failed_at = w->now;
		power_off(w, n, hamgr_lrm_shutdown_done(n->lrm) ? "clean shutdown"
								: "shutdown timed out");
		if (reboot)
			n->boot_at = w->now + w->sc->boot_ns;
	}
}

/*
 * Invariant: a guest on a node of the quorate partition is guarded by an
 * armed watchdog unless HA is disarmed, or else nothing would reset the
 * node if it were cut off.  Changes of mode take a few rounds to reach
 * every LRM, so only a gap longer than 3 s counts.
 */
static void
check_guarded(sim_world_t *w)
{
	for (unsigned i = 0; i < w->sc->n_nodes; i++) {
		struct sim_node *n = &w->nodes[i];
		bool runs = false;

		for (size_t k = 0; k < w->n_guests && !runs; k++)
			runs = w->guests[k].running & (1ull << i);
		if (!runs || !n->powered || n->wd_armed || w->disarmed ||
		    (unsigned)__builtin_popcountll(n->memb) * 2 <= w->sc->n_nodes) {
			n->unguarded_since = 0;
			continue;
		}
		if (!n->unguarded_since)
			n->unguarded_since = w->now;
		else if (w->now == n->unguarded_since + 3000 * SIM_MS)
			sim_violation(w, "%s runs guests without an armed watchdog", n->name);
	}
}

void
sim_world_step(sim_world_t *w)
{
	const char *err;

	if (w->now == 0)
		for (unsigned i = 0; i < w->sc->n_nodes; i++)
			power_on(w, &w->nodes[i]);
	sim_world_membership(w);
	watchdogs(w);
	finish_ops(w);
	for (unsigned i = 0; i < w->sc->n_nodes; i++) {
		struct sim_node *n = &w->nodes[i];

		if (!n->powered)
			continue;
		(void)hamgr_master_tick(n->crm);
		if (hamgr_master_active(n->crm) != n->was_master) {
			n->was_master = !n->was_master;
			sim_log(w, "%s: %s master", n->name, n->was_master ? "became" : "is no longer");
		}
		err = hamgr_master_last_error(n->crm);
		if (*err && strcmp(err, n->last_error) != 0)
			sim_log(w, "%s: crm: %s", n->name, err);
		snprintf(n->last_error, sizeof(n->last_error), "%s", err);
		sim_report_status(w);
		(void)hamgr_lrm_tick(n->lrm);
	}
	shutdowns(w);
	check_guarded(w);
	w->now += SIM_STEP_NS;
}

int
sim_run(const struct sim_scenario *sc, FILE *log, bool quiet)
{
	sim_world_t *w = sim_world_new(sc, log);
	size_t next = 0;
	unsigned failed;

	if (!w)
		return 2;
	w->quiet = quiet;
	while (w->now <= sc->run_ns) {
		while (next < sc->n_events && sc->events[next].at_ns <= w->now)
			sim_world_event(w, &sc->events[next++]);
		sim_world_step(w);
	}
	failed = sim_world_finish(w);
	failed += w->violations;
	fprintf(log, "result: %s (%u invariant violations, %u unmet expectations)\n",
		failed ? "FAIL" : "PASS", w->violations, failed - w->violations);
	sim_world_free(w);
	return failed ? 1 : 0;
}
