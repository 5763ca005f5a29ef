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

static void
usage(void)
{
	fprintf(stderr, "usage: ha-sim SCENARIO-FILE\n"
			"       ha-sim --random SEED [--steps N] [--count SEEDS] [--verbose]\n");
}

static int
number(const char *s, uint64_t max, uint64_t *ret)
{
	char *end;

	errno = 0;
	*ret = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *ret > max) {
		fprintf(stderr, "ha-sim: '%s' is not a number 0..%llu\n", s,
			(unsigned long long)max);
		return -EINVAL;
	}
	return 0;
}

/* ha-sim --random SEED [--steps N] [--count SEEDS] [--verbose] */
static int
random_mode(int argc, char **argv)
{
	uint64_t seed, steps = 600, count = 1;
	bool verbose = false;

	if (argc < 3 || number(argv[2], UINT64_MAX / 2, &seed) < 0) {
		usage();
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--verbose") == 0) {
			verbose = true;
		} else if (i + 1 < argc && strcmp(argv[i], "--steps") == 0) {
			if (number(argv[++i], 100000, &steps) < 0 || steps < 10)
				return 2;
		} else if (i + 1 < argc && strcmp(argv[i], "--count") == 0) {
			if (number(argv[++i], 1000000, &count) < 0 || !count)
				return 2;
		} else {
			usage();
			return 2;
		}
	}
	return sim_random(seed, (unsigned)count, (unsigned)steps, verbose);
}

int
main(int argc, char **argv)
{
	struct sim_scenario *sc = NULL;
	struct hamgr_error err;
	size_t len;
	char *text;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "--random") == 0)
		return random_mode(argc, argv);
	if (argc != 2 || argv[1][0] == '-') {
		usage();
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
	rc = sim_run(sc, stdout, false);
	sim_scenario_free(sc);
	return rc;
}
