/*
 * sim.h - the simulator's private interface: a world of virtual nodes on a
 * virtual clock that implements the HA library's environment, the
 * scenario that drives it, and the checks run at every step.
 */
#ifndef CLUSTERHA_HAMGR_SIM_H
#define CLUSTERHA_HAMGR_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hamgr/hamgr.h"

#define SIM_STEP_NS 100000000ull /* 100 ms */
#define SIM_MS 1000000ull

typedef struct sim_world sim_world_t;

/* A timed event of a scenario. */
enum sim_event_kind {
	SIM_EV_POWEROFF,
	SIM_EV_POWERON,
	SIM_EV_PARTITION, /* arg: "n1|n2,n3" */
	SIM_EV_HEAL,
	SIM_EV_FAIL_START, /* sid, node, count */
	SIM_EV_FILE,       /* replace a shared file: path, text */
	SIM_EV_COMMAND,    /* append a line to ha/crm_commands */
	SIM_EV_MAINTENANCE, /* node, on (count 1) or off (0) */
	SIM_EV_SHUTDOWN,    /* clean shutdown of node: poweroff (count 0) or reboot (1) */
	SIM_EV_IGNORE_ACPI, /* guest sid ignores clean shutdown requests */
};

struct sim_event {
	uint64_t at_ns;
	enum sim_event_kind kind;
	char node[HAMGR_NODE_NAME_MAX];
	char sid[HAMGR_SID_MAX];
	unsigned count;
	char *text; /* file content, partition spec, command line, file path */
	char *path;
	unsigned line;
};

enum sim_expect_kind {
	SIM_EXPECT_STATE,    /* sid state node */
	SIM_EXPECT_FENCED,   /* node was fenced (count 1) or not (0) */
	SIM_EXPECT_RECOVERY, /* every recovery within count ms */
	SIM_EXPECT_ALL_RUNNING, /* every started service runs on its node, and only there */
	SIM_EXPECT_ORDER,       /* log lines containing each text of .text, in this order */
	SIM_EXPECT_NO_LOG,      /* no log line contains .text */
	SIM_EXPECT_SETTLED,     /* every service in its requested state (or error), all nodes up */
};

struct sim_expect {
	enum sim_expect_kind kind;
	char sid[HAMGR_SID_MAX];
	char state[32];
	char node[HAMGR_NODE_NAME_MAX];
	unsigned count;
	unsigned line;
	char *text; /* ORDER: texts separated by '|'; NO_LOG: the text */
};

struct sim_scenario {
	unsigned n_nodes;
	char nodes[HAMGR_MAX_NODES][HAMGR_NODE_NAME_MAX];
	uint64_t fence_device; /* bit i: node i has a fence device */
	uint64_t run_ns;
	uint64_t boot_ns;      /* a node reset by its watchdog is back after this */
	size_t n_events;
	struct sim_event *events; /* sorted by time, then file order */
	size_t n_expect;
	struct sim_expect *expect;
	size_t n_storage;
	struct {
		char name[HAMGR_NODE_NAME_MAX];
		uint64_t nodes;
	} *storage;
	size_t n_uses;
	struct {
		char sid[HAMGR_SID_MAX];
		char storage[HAMGR_NODE_NAME_MAX];
	} *uses;
};

/* Parse scenario text named @file; -EINVAL with file:line: problem in *err. */
int sim_scenario_parse(const char *file, const char *text, size_t len, struct sim_scenario **ret,
		       struct hamgr_error *err);
void sim_scenario_free(struct sim_scenario *sc);
int sim_node_index(const struct sim_scenario *sc, const char *name);

/* The world: build from a scenario (borrowed, must outlive it), log to @log. */
sim_world_t *sim_world_new(const struct sim_scenario *sc, FILE *log);
void sim_world_free(sim_world_t *w);

/* Apply a scenario event now. */
void sim_world_event(sim_world_t *w, const struct sim_event *ev);

/* Advance one step of SIM_STEP_NS: membership, watchdogs, operations, CRM and LRM rounds. */
void sim_world_step(sim_world_t *w);

uint64_t sim_world_now(const sim_world_t *w);

/* Invariant violations and failed expectations so far. */
unsigned sim_world_violations(const sim_world_t *w);

/* Print the final state and check the expectations; returns the failures. */
unsigned sim_world_finish(sim_world_t *w);

/*
 * Run scenario @sc to its end, logging to @log (only the final report
 * when @quiet).  Returns 0 when every invariant and expectation held, 1
 * otherwise, 2 out of memory.
 */
int sim_run(const struct sim_scenario *sc, FILE *log, bool quiet);

/*
 * Randomized mode: for seeds @seed .. @seed + @count - 1 generate a
 * schedule over @steps steps, run it and on a failure print the seed and
 * a shrunk reproducing scenario.  @verbose prints every run's log.
 * Returns 0 when all passed, 1 otherwise.
 */
int sim_random(uint64_t seed, unsigned count, unsigned steps, bool verbose);

/* Write a shared file as the administrator would (no quorum needed). */
void sim_world_put_file(sim_world_t *w, const char *path, const char *text);

#endif /* CLUSTERHA_HAMGR_SIM_H */
