/*
 * ha-sim.c - the HA simulator's command: runs a scenario file against the
 * HA library over virtual nodes and a virtual clock, prints the event log
 * and the final state, and exits non-zero when an invariant broke or the
 * outcome differs from the scenario's expectations.  See ha-sim(1).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/sim/sim.h"

static char *
slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 > cap) {
			char *p = realloc(buf, cap = cap * 2 + 4096);

			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

static int
run(const struct sim_scenario *sc)
{
	sim_world_t *w = sim_world_new(sc, stdout);
	size_t next = 0;
	unsigned failed;

	if (!w) {
		fprintf(stderr, "ha-sim: out of memory\n");
		return 2;
	}
	while (sim_world_now(w) <= sc->run_ns) {
		while (next < sc->n_events && sc->events[next].at_ns <= sim_world_now(w))
			sim_world_event(w, &sc->events[next++]);
		sim_world_step(w);
	}
	failed = sim_world_finish(w);
	failed += sim_world_violations(w);
	printf("result: %s (%u invariant violations, %u unmet expectations)\n",
	       failed ? "FAIL" : "PASS", sim_world_violations(w),
	       failed - sim_world_violations(w));
	sim_world_free(w);
	return failed ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct sim_scenario *sc = NULL;
	struct hamgr_error err;
	size_t len;
	char *text;
	int rc;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: ha-sim SCENARIO-FILE\n");
		return 2;
	}
	text = slurp(argv[1], &len);
	if (!text) {
		fprintf(stderr, "ha-sim: cannot read '%s': %s\n", argv[1], strerror(errno));
		return 2;
	}
	rc = sim_scenario_parse(argv[1], text, len, &sc, &err);
	free(text);
	if (rc < 0) {
		fprintf(stderr, "ha-sim: %s\n", rc == -EINVAL ? err.text : strerror(-rc));
		return 2;
	}
	rc = run(sc);
	sim_scenario_free(sc);
	return rc;
}
