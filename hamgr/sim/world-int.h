/*
 * world-int.h - the simulator world's internals, shared by its files:
 * world.c (environment and membership), run.c (power, guests, fencing,
 * steps and invariants) and report.c (event log, final state, checks).
 */
#ifndef CLUSTERHA_HAMGR_SIM_WORLD_INT_H
#define CLUSTERHA_HAMGR_SIM_WORLD_INT_H

#include "hamgr/sim/sim.h"

struct sim_node {
	sim_world_t *w;
	int idx;
	char name[HAMGR_NODE_NAME_MAX];
	bool powered;
	unsigned generation; /* bumped at every power-on, to drop stale operations */
	int partition;
	uint64_t memb;      /* the membership this node's corosync reports */
	uint64_t target;    /* what it can reach; becomes memb at change_at */
	uint64_t change_at;
	bool blocked;       /* a membership change is under way: nothing delivered */
	bool wd_armed;
	uint64_t wd_fed, wd_timeout_ns;
	uint64_t boot_at;   /* reset by its watchdog: powers on again then */
	uint64_t failed_at; /* when it lost power or was cut off (0: fine) */
	unsigned fenced;    /* watchdog resets and fence device power-offs */
	bool maintenance;
	int shutting;       /* 0, or 1 + SIM_EV_SHUTDOWN count (1 poweroff, 2 reboot) */
	uint64_t shutdown_at;
	uint64_t unguarded_since; /* runs guests, quorate, armed HA, no watchdog: since */
	bool was_master;
	char last_error[512]; /* of its CRM, logged once */
	hamgr_master_t *crm;
	hamgr_lrm_t *lrm;
};

struct sim_file {
	char *path;
	char *data;
};

struct sim_lease {
	char name[HAMGR_NODE_NAME_MAX + 16];
	int holder; /* node index, -1 none */
	uint64_t renewed[HAMGR_MAX_NODES]; /* when each node saw the last renewal */
};

struct sim_guest {
	char sid[HAMGR_SID_MAX];
	uint64_t running;  /* bit i: runs on node i */
	int last_node;     /* where it ran last, -1 never */
	unsigned fail_start[HAMGR_MAX_NODES];
	bool ignore_acpi;  /* a clean stop waits for the whole timeout */
};

/* An operation in flight: a guest operation or a fence device action. */
struct sim_op {
	uint64_t due;
	unsigned seq;
	int node;            /* who runs it */
	unsigned generation; /* of that node when it started */
	bool fence;          /* a fence device powering off .target */
	char sid[HAMGR_SID_MAX];
	enum hamgr_guest_op op;
	int target;
	uint64_t id;
};

struct sim_world {
	const struct sim_scenario *sc;
	FILE *log;
	uint64_t now;
	struct hamgr_settings settings; /* of the last good ha/settings.cfg */
	struct sim_node nodes[HAMGR_MAX_NODES];
	size_t n_files;
	struct sim_file *files;
	size_t n_leases;
	struct sim_lease *leases;
	size_t n_guests;
	struct sim_guest *guests;
	size_t n_ops;
	struct sim_op *ops;
	unsigned op_seq;
	unsigned violations;
	char *last_status; /* ha/manager_status at the last step, to log changes */
	uint64_t max_recovery_ns;
	unsigned recoveries;
	size_t *order_pos; /* per expectation: offset of the next ORDER text to see */
	unsigned *log_hits; /* per expectation: NO_LOG lines seen */
	bool quiet;         /* random runs: log nothing, but still match expectations */
	bool disarmed;      /* the last manager status says HA is disarmed */
};

extern const struct hamgr_env_ops sim_env_ops;

void sim_log(sim_world_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_violation(sim_world_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *sim_world_get_file(sim_world_t *w, const char *path);
void sim_world_membership(sim_world_t *w);
int sim_world_guest_op(sim_world_t *w, struct sim_node *n, const char *sid,
		       enum hamgr_guest_op op, const char *target, uint32_t timeout_ms,
		       uint64_t id);
int sim_world_fence(sim_world_t *w, struct sim_node *n, const char *node);
struct sim_guest *sim_world_guest(sim_world_t *w, const char *sid);
bool sim_world_can_run(void *ctx, const char *sid, const char *node);

/* Log what changed in ha/manager_status since the last step. */
void sim_report_status(sim_world_t *w);

#endif /* CLUSTERHA_HAMGR_SIM_WORLD_INT_H */
