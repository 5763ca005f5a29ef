/*
 * random.c - ha-sim's randomized mode: a fault and command schedule made
 * from a seed (power loss, partitions, failed starts, maintenance,
 * shutdowns and reboots, node-maintenance, migrate / relocate / stop
 * commands, disarm and arm, configuration edits), written as an ordinary scenario file, run
 * with the invariants checked at every step, then healed and checked for
 * a settled cluster.  When a run breaks, the schedule is shrunk event by
 * event to a small scenario that still breaks, for a regression file.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/sim/sim.h"

/* splitmix64: small, fast and the same on every platform, so a seed replays anywhere. */
static uint64_t
next(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned
pick(uint64_t *st, unsigned n)
{
	return (unsigned)(next(st) % n);
}

/* A generated scenario: a fixed head, removable event lines, a fixed tail. */
struct gen {
	char *head;
	size_t n_events;
	char **events; /* each one "at ..." line, with its file block */
	char *tail;
};

static char *
fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *
fmt(const char *f, ...)
{
	char *s;
	va_list ap;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		abort(); /* the simulator is a tool: out of memory ends it */
	va_end(ap);
	return s;
}

static void
add_event(struct gen *g, char *line)
{
	g->events = realloc(g->events, (g->n_events + 1) * sizeof(*g->events));
	if (!g->events)
		abort();
	g->events[g->n_events++] = line;
}

static void
gen_free(struct gen *g)
{
	for (size_t i = 0; i < g->n_events; i++)
		free(g->events[i]);
	free(g->events);
	free(g->head);
	free(g->tail);
}

/* The resources file with random requested states (mostly started). */
static char *
resources(uint64_t *st, unsigned n_svc, bool group)
{
	static const char *const states[] = {"started", "started", "started", "stopped",
					     "disabled"};
	char *out = strdup(""), *t;

	for (unsigned i = 0; i < n_svc && out; i++) {
		t = fmt("%s\tvm: %u\n\t\tstate %s\n%s", out, 100 + i, states[pick(st, 5)],
			group && i % 2 ? "\t\tgroup pref\n" : "");
		free(out);
		out = t;
	}
	if (!out)
		abort();
	return out;
}

static void
generate(uint64_t seed, unsigned steps, struct gen *g)
{
	static const char *const policies[] = {"conditional", "freeze", "failover", "migrate"};
	uint64_t st = seed, last_shutdown = 0;
	unsigned n_nodes = 3 + pick(&st, 3), n_svc = 2 + pick(&st, 7);
	uint64_t end_ms = (uint64_t)steps * (SIM_STEP_NS / SIM_MS);
	char nodes[128] = "", fence[128] = "", *res;
	bool group = pick(&st, 2);

	for (unsigned i = 0; i < n_nodes; i++) {
		snprintf(nodes + strlen(nodes), sizeof(nodes) - strlen(nodes), " n%u", i + 1);
		if (pick(&st, 2))
			snprintf(fence + strlen(fence), sizeof(fence) - strlen(fence), " n%u",
				 i + 1);
	}
	res = resources(&st, n_svc, group);
	g->head = fmt("# ha-sim --random %llu --steps %u\nnodes%s\n%s%s%sboot 15s\n"
		      "file ha/settings.cfg\n\tshutdown_policy %s\n"
		      "file ha/rules.cfg\n\tgroup: pref\n\t\tnodes n1:2,n2:1\n\t\tnofailback %u\n"
		      "file ha/resources.cfg\n%s",
		      (unsigned long long)seed, steps, nodes, fence[0] ? "fence-device" : "",
		      fence, fence[0] ? "\n" : "", policies[pick(&st, 4)], pick(&st, 2), res);
	free(res);
	for (uint64_t t = 3000 + pick(&st, 4000); t < end_ms; t += 1000 + pick(&st, 8000)) {
		unsigned n = 1 + pick(&st, n_nodes), m = 1 + pick(&st, n_nodes);
		unsigned vm = 100 + pick(&st, n_svc);

		switch (pick(&st, 12)) {
		case 0:
			add_event(g, fmt("at %llums poweroff n%u\n", (unsigned long long)t, n));
			add_event(g, fmt("at %llums poweron n%u\n",
					 (unsigned long long)(t + 5000 + pick(&st, 20000)), n));
			break;
		case 1:
			add_event(g, fmt("at %llums partition n%u|%s\n", (unsigned long long)t, n,
					 n == 1 ? "n2,n3" : "n1"));
			add_event(g, fmt("at %llums heal\n",
					 (unsigned long long)(t + 2000 + pick(&st, 20000))));
			break;
		case 2:
			add_event(g, fmt("at %llums fail-start vm:%u n%u %u\n", (unsigned long long)t,
					 vm, n, 1 + pick(&st, 3)));
			break;
		case 3:
			/* The LRM's own mode, or the admin's node-maintenance command. */
			if (pick(&st, 2)) {
				add_event(g, fmt("at %llums maintenance n%u on\n",
						 (unsigned long long)t, n));
				add_event(g, fmt("at %llums maintenance n%u off\n",
						 (unsigned long long)(t + 3000 + pick(&st, 20000)),
						 n));
			} else {
				add_event(g, fmt("at %llums command node-maintenance enable n%u\n",
						 (unsigned long long)t, n));
				add_event(g, fmt("at %llums command node-maintenance disable n%u\n",
						 (unsigned long long)(t + 3000 + pick(&st, 20000)),
						 n));
			}
			break;
		case 4:
		case 5:
			add_event(g, fmt("at %llums command %s vm:%u n%u\n", (unsigned long long)t,
					 pick(&st, 2) ? "migrate" : "relocate", vm, m));
			break;
		case 6:
			add_event(g, fmt("at %llums command stop vm:%u %u\n", (unsigned long long)t,
					 vm, pick(&st, 5)));
			break;
		case 7:
			add_event(g, fmt("at %llums %s n%u\n", (unsigned long long)t,
					 pick(&st, 2) ? "reboot" : "shutdown", n));
			last_shutdown = t;
			break;
		case 8:
			add_event(g, fmt("at %llums command disarm\n", (unsigned long long)t));
			add_event(g, fmt("at %llums command arm\n",
					 (unsigned long long)(t + 1000 + pick(&st, 15000))));
			break;
		case 9:
			res = resources(&st, n_svc, group);
			add_event(g, fmt("at %llums file ha/resources.cfg\n%s", (unsigned long long)t,
					 res));
			free(res);
			break;
		case 10:
			add_event(g, fmt("at %llums ignore-acpi vm:%u\n", (unsigned long long)t, vm));
			break;
		default:
			add_event(g, fmt("at %llums partition n1,n2|n3%s\n", (unsigned long long)t,
					 n_nodes > 3 ? ",n4" : ""));
			add_event(g, fmt("at %llums heal\n",
					 (unsigned long long)(t + 2000 + pick(&st, 10000))));
			break;
		}
	}
	/* Then everything is repaired, and the cluster must settle. */
	{
		/* After any shutdown is over: done, or cut short after 2 minutes. */
		uint64_t fix = end_ms + 30000;

		if (last_shutdown && fix < last_shutdown + 125000)
			fix = last_shutdown + 125000;
		char *tail = fmt("at %llums heal\nat %llums command arm\n", (unsigned long long)fix,
				 (unsigned long long)fix);

		for (unsigned i = 0; i < n_nodes; i++) {
			char *t = fmt("%sat %llums poweron n%u\nat %llums maintenance n%u off\n"
				      "at %llums command node-maintenance disable n%u\n",
				      tail, (unsigned long long)fix, i + 1, (unsigned long long)fix,
				      i + 1, (unsigned long long)fix, i + 1);

			free(tail);
			tail = t;
		}
		g->tail = fmt("%srun %llums\nexpect settled\nexpect all-running\n", tail,
			      (unsigned long long)(fix + 90000));
		free(tail);
	}
}

/* The scenario text of @g without the events whose @skip is set (may be NULL). */
static char *
text_of(const struct gen *g, const bool *skip)
{
	size_t len = strlen(g->head) + strlen(g->tail) + 1;
	char *out;

	for (size_t i = 0; i < g->n_events; i++)
		len += strlen(g->events[i]);
	out = malloc(len);
	if (!out)
		abort();
	strcpy(out, g->head);
	for (size_t i = 0; i < g->n_events; i++)
		if (!skip || !skip[i])
			strcat(out, g->events[i]);
	strcat(out, g->tail);
	return out;
}

/* Run scenario text quietly: 0 passed, 1 broke, 2 the generator made a bad file. */
static int
run_text(const char *text, FILE *log, bool quiet)
{
	struct sim_scenario *sc = NULL;
	struct hamgr_error err;
	int rc = sim_scenario_parse("random", text, strlen(text), &sc, &err);

	if (rc < 0) {
		fprintf(stderr, "ha-sim: generated scenario is bad: %s\n", err.text);
		return 2;
	}
	rc = sim_run(sc, log, quiet);
	sim_scenario_free(sc);
	return rc;
}

/* Drop events one by one while the run still breaks: a small reproducer. */
static char *
shrink(const struct gen *g, FILE *devnull)
{
	bool *skip = calloc(g->n_events + 1, sizeof(*skip));
	bool progress = true;

	if (!skip)
		abort();
	while (progress) {
		progress = false;
		for (size_t i = 0; i < g->n_events; i++) {
			char *text;

			if (skip[i])
				continue;
			skip[i] = true;
			text = text_of(g, skip);
			if (run_text(text, devnull, true) == 1)
				progress = true;
			else
				skip[i] = false;
			free(text);
		}
	}
	{
		char *text = text_of(g, skip);

		free(skip);
		return text;
	}
}

int
sim_random(uint64_t seed, unsigned count, unsigned steps, bool verbose)
{
	FILE *devnull = fopen("/dev/null", "w");
	unsigned failed = 0;

	if (!devnull)
		return 2;
	for (uint64_t s = seed; s < seed + count; s++) {
		struct gen g = {0};
		char *text, *small;
		int rc;

		generate(s, steps, &g);
		text = text_of(&g, NULL);
		rc = verbose ? run_text(text, stdout, false) : run_text(text, devnull, true);
		if (rc != 0) {
			failed++;
			printf("seed %llu: FAIL; a reproducing scenario:\n",
			       (unsigned long long)s);
			small = rc == 1 ? shrink(&g, devnull) : NULL;
			printf("----- 8< -----\n%s----- 8< -----\n", small ? small : text);
			free(small);
		} else if (verbose) {
			printf("seed %llu: PASS\n", (unsigned long long)s);
		}
		free(text);
		gen_free(&g);
	}
	fclose(devnull);
	printf("random: %u seeds from %llu, %u steps each: %u failed\n", count,
	       (unsigned long long)seed, steps, failed);
	return failed ? 1 : 0;
}
