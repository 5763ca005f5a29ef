/*
 * hamgr.h - the HA manager's logic as a library: the environment interface
 * through which it alone touches the world, the parsers of its
 * configuration and status files, and the pure decision functions of the
 * cluster resource manager (CRM) and the local resource manager (LRM).
 *
 * Nothing in this library reads a clock or a file or talks to the network:
 * the daemons (ha-crm, ha-lrm) implement struct hamgr_env_ops over clusterd,
 * wdmux and vmm-bridge; the simulator ha-sim implements it over a virtual
 * clock and virtual nodes.  Every function is called from the one thread
 * that owns the objects passed to it.  Functions returning int give >= 0 on
 * success and -errno on failure.  Times are monotonic nanoseconds (_ns) or
 * configured milliseconds (_ms), as the name says.
 */
#ifndef CLUSTERHA_HAMGR_H
#define CLUSTERHA_HAMGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------- */
/* Errors of the parsers                                                   */

/*
 * A parse or check error, complete in @text as "FILE:LINE: problem" (or
 * "FILE: problem" when no single line is at fault, then @line is 0).
 */
struct hamgr_error {
	unsigned line;
	char text[512];
};

/* ---------------------------------------------------------------------- */
/* The environment                                                         */

#define HAMGR_NODE_NAME_MAX 64
#define HAMGR_MAX_NODES 64

/* One configured node as the local membership view sees it. */
struct hamgr_member {
	char name[HAMGR_NODE_NAME_MAX];
	bool online; /* in this node's current (primary or not) partition */
};

/* The membership and quorum view of the local node. */
struct hamgr_membership {
	bool quorate;
	unsigned n_nodes;
	struct hamgr_member nodes[HAMGR_MAX_NODES];
};

/* What the local node knows about one cluster lease. */
struct hamgr_lease_info {
	char holder[HAMGR_NODE_NAME_MAX]; /* "" when nobody holds it */
	uint64_t renewed_ns; /* local monotonic time its last renewal was delivered here */
};

/* A stop timeout that means: stop hard at once (0 means the backend's default). */
#define HAMGR_STOP_HARD_MS 1u

/* Guest operations the LRM asks the environment to run. */
enum hamgr_guest_op {
	HAMGR_OP_START,
	HAMGR_OP_STOP,
	HAMGR_OP_MIGRATE,
};

/*
 * The environment interface: the only way the HA logic touches the world.
 * @ctx is the implementation's own pointer, passed back unchanged.  Paths
 * are relative to the cluster file system root ("ha/resources.cfg").
 * Every operation except now_ns returns 0 or -errno.
 */
struct hamgr_env_ops {
	/* Monotonic clock in nanoseconds; never goes backwards. */
	uint64_t (*now_ns)(void *ctx);
	/* The membership and quorum as this node sees them now. */
	int (*membership)(void *ctx, struct hamgr_membership *ret);
	/*
	 * Read a whole shared file into *ret_data (NUL-terminated, caller
	 * frees with free()), its length without the NUL in *ret_len.
	 * -ENOENT when it does not exist.
	 */
	int (*read_file)(void *ctx, const char *path, char **ret_data, size_t *ret_len);
	/* Replace a shared file atomically; -EROFS without quorum. */
	int (*write_file)(void *ctx, const char *path, const char *data, size_t len);
	/*
	 * Leases (cluster locks that expire): acquire gives -EBUSY while
	 * another node holds it and its lease has not run out; renew returns
	 * only once the renewal was delivered in a quorate partition, and
	 * -EROFS / -ETIMEDOUT otherwise; release gives it up.
	 */
	int (*lease_acquire)(void *ctx, const char *name);
	int (*lease_renew)(void *ctx, const char *name);
	int (*lease_release)(void *ctx, const char *name);
	/*
	 * Take lease @name from a holder that is not in this node's quorate
	 * membership, without waiting for it to run out; -EBUSY while the
	 * holder is a member.  Only for leases whose holder acts solely by
	 * writing shared files (the master's ha_manager), which a node outside
	 * the primary component cannot do; never for agent leases, which
	 * guard running guests.
	 */
	int (*lease_steal)(void *ctx, const char *name);
	/* What this node saw of lease @name; -ENOENT when it never existed. */
	int (*lease_info)(void *ctx, const char *name, struct hamgr_lease_info *ret);
	/*
	 * The watchdog (through wdmux): open arms it with the configured
	 * timeout, feed restarts it, close disarms it when @clean and leaves
	 * it to expire otherwise.
	 */
	int (*watchdog_open)(void *ctx, unsigned timeout_ms);
	int (*watchdog_feed)(void *ctx);
	int (*watchdog_close)(void *ctx, bool clean);
	/*
	 * Start guest operation @op on service @sid (target node @target for
	 * a migration, else NULL) for request @request_id.  A stop shuts the
	 * guest down cleanly for at most @timeout_ms, then stops it hard (0:
	 * the backend's default timeout).  A migration of a guest that does
	 * not run on this node fails with -ENOENT (and one that fails
	 * otherwise leaves it running here).  It runs in the background; its
	 * result comes back through hamgr_lrm_op_done().
	 */
	int (*guest_op)(void *ctx, const char *sid, enum hamgr_guest_op op, const char *target,
			uint32_t timeout_ms, uint64_t request_id);
	/*
	 * Ask the fence device of @node to power it off and confirm; the
	 * result comes back as an input of the next CRM step.
	 */
	int (*fence_node)(void *ctx, const char *node);
};

/*
 * Check that every operation of @ops is set, so that a half-implemented
 * environment fails at start-up rather than on the first failover.
 * Returns 0, or -EINVAL with the name of the missing operation in
 * *ret_missing (a static string).
 */
int hamgr_env_check(const struct hamgr_env_ops *ops, const char **ret_missing);

/* ---------------------------------------------------------------------- */
/* The cluster-wide settings file (ha/settings.cfg, ha-settings.cfg(5))     */

/*
 * What happens to the services of a node that shuts down cleanly
 * (shutdown_policy in ha/settings.cfg):
 * freeze    they are stopped and stay frozen on the node until it is back;
 * failover  they are stopped and started elsewhere once the node is gone;
 * migrate   they are migrated away first (as in maintenance mode);
 * conditional  freeze on a reboot, failover on a poweroff.
 */
enum hamgr_shutdown_policy {
	HAMGR_SHUTDOWN_CONDITIONAL,
	HAMGR_SHUTDOWN_FREEZE,
	HAMGR_SHUTDOWN_FAILOVER,
	HAMGR_SHUTDOWN_MIGRATE,
};

/* How placement ranks the allowed nodes after priority and affinity. */
enum hamgr_placement_load {
	HAMGR_LOAD_COUNT,  /* fewest services */
	HAMGR_LOAD_STATIC, /* least configured memory, then cores, then count */
};

/* Every timing of the HA stack (in milliseconds) and the policies. */
struct hamgr_settings {
	uint32_t lease_ms;            /* an LRM or master lease lasts this long after its renewal */
	uint32_t lease_renew_ms;      /* renewal interval, also the LRM's watchdog feed interval */
	uint32_t watchdog_timeout_ms; /* watchdog expiry; whole seconds */
	uint32_t margin_ms;           /* delivery skew and clock drift between nodes */
	uint32_t corosync_detect_ms;  /* assumed: corosync drops a dead node after this */
	uint32_t corosync_join_ms;    /* assumed: a node back during a change prolongs it this much */
	uint32_t fence_delay_ms;      /* wait before asking a fence device */
	uint32_t fence_timeout_ms;    /* a fence device that did not confirm by then failed */
	uint32_t fence_confirm_ms;    /* assumed: a fence device powers off and confirms */
	uint32_t guest_start_ms;      /* assumed: a guest start takes this long */
	uint32_t safety_round_ms;     /* the slow periodic decision pass */
	uint32_t lrm_workers;         /* guest operations an LRM runs at once */
	enum hamgr_shutdown_policy shutdown_policy;
	enum hamgr_placement_load placement;
};

/* The worst-case time from a node's power loss to its guests running elsewhere. */
struct hamgr_budget {
	uint64_t watchdog_ms; /* fencing by the watchdog alone */
	uint64_t device_ms;   /* with a fence device that confirms the power-off */
};

/* Fill @ret with the defaults (see ha-settings.cfg(5) for the arithmetic). */
void hamgr_settings_default(struct hamgr_settings *ret);

/*
 * Parse the settings file @text (@len bytes, borrowed) named @file (for
 * messages).  Keys not in the file keep their defaults.  Then check the
 * safety inequalities (hamgr_settings_check).  On success fills *ret and
 * returns 0; otherwise returns -EINVAL and describes the first problem in
 * *err: the line, the key and what is wrong, or the violated inequality.
 */
int hamgr_settings_parse(const char *file, const char *text, size_t len,
			 struct hamgr_settings *ret, struct hamgr_error *err);

/*
 * Check the safety inequalities of @s; returns 0 or -EINVAL with the
 * violated inequality, written out, in *err (file @file, line 0).
 */
int hamgr_settings_check(const struct hamgr_settings *s, const char *file,
			 struct hamgr_error *err);

/*
 * How long survivors wait after the last renewal of a lost node's lease
 * that they saw before its guests may be recovered without a fence device:
 * lease + watchdog_timeout + margin, in nanoseconds.
 */
uint64_t hamgr_settings_fence_wait_ns(const struct hamgr_settings *s);

/* The failover budget of @s (ha-settings.cfg(5), FAILOVER BUDGET). */
void hamgr_settings_budget(const struct hamgr_settings *s, struct hamgr_budget *ret);

/* ---------------------------------------------------------------------- */
/* ha/resources.cfg (ha-resources.cfg(5))                                  */

#define HAMGR_SID_MAX 32

/* What the administrator asks for a resource. */
enum hamgr_req_state {
	HAMGR_REQ_STARTED,  /* keep it running somewhere */
	HAMGR_REQ_STOPPED,  /* keep it stopped, but managed */
	HAMGR_REQ_DISABLED, /* stopped; also clears the error state */
	HAMGR_REQ_IGNORED,  /* HA leaves it alone */
};

/* One resource of ha/resources.cfg. */
struct hamgr_resource {
	char sid[HAMGR_SID_MAX]; /* "vm:100", "ct:101", "svc:name" */
	enum hamgr_req_state state;
	unsigned max_restart;    /* restarts on the same node after a failed start */
	unsigned max_relocate;   /* other nodes tried after that */
	char group[HAMGR_NODE_NAME_MAX]; /* node group from ha/rules.cfg, "" for none */
	char comment[256];
	unsigned cores;          /* configured vCPUs, 0 unknown (placement static) */
	unsigned memory_mb;      /* configured memory in MiB, 0 unknown */
	unsigned line;           /* line of its section header, for messages */
};

/* All resources, sorted by sid. */
struct hamgr_resources {
	size_t n;
	struct hamgr_resource *items;
};

/*
 * Parse ha/resources.cfg text (@len bytes, borrowed) named @file.  On
 * success *ret is a new list (free with hamgr_resources_free); otherwise
 * -EINVAL with the first problem in *err, or -ENOMEM.
 */
int hamgr_resources_parse(const char *file, const char *text, size_t len,
			  struct hamgr_resources **ret, struct hamgr_error *err);

void hamgr_resources_free(struct hamgr_resources *res);

/* The resource @sid, or NULL; O(log n). */
const struct hamgr_resource *hamgr_resources_find(const struct hamgr_resources *res,
						   const char *sid);

/* Whether @sid is a well-formed service id ("vm:100", "ct:7", "svc:web-1"). */
bool hamgr_sid_valid(const char *sid);

/*
 * The text of resources.cfg @text with the requested state of @sid set to
 * @state (its state line replaced, or one added after the header); every
 * other line is kept as it was.  *ret is new (free()); -ENOENT when @sid
 * has no section, -ENOMEM.
 */
int hamgr_resources_set_state(const char *text, const char *sid, enum hamgr_req_state state,
			      char **ret);

/* The name of @state as written in the file ("started", ...). */
const char *hamgr_req_state_name(enum hamgr_req_state state);

/* ---------------------------------------------------------------------- */
/* ha/rules.cfg: node groups and affinity between resources (ha-rules.cfg(5)) */

struct hamgr_group_node {
	char name[HAMGR_NODE_NAME_MAX];
	unsigned priority; /* higher is preferred; 0 when not given */
};

/* Node affinity: where members of the group may or should run. */
struct hamgr_group {
	char name[HAMGR_NODE_NAME_MAX];
	bool restricted; /* only on these nodes; else elsewhere when none is up */
	bool nofailback; /* stay where it is when a better node comes back */
	unsigned n_nodes;
	struct hamgr_group_node nodes[HAMGR_MAX_NODES];
	unsigned line;
};

enum hamgr_affinity_kind {
	HAMGR_KEEP_TOGETHER, /* all on one node */
	HAMGR_KEEP_APART,    /* each on a different node */
};

struct hamgr_affinity {
	char name[HAMGR_NODE_NAME_MAX];
	enum hamgr_affinity_kind kind;
	size_t n_sids;
	char (*sids)[HAMGR_SID_MAX];
	unsigned line;
};

struct hamgr_rules {
	size_t n_groups;
	struct hamgr_group *groups;
	size_t n_affinity;
	struct hamgr_affinity *affinity;
};

/*
 * Parse ha/rules.cfg text named @file:
 *
 *	group: NAME              together: NAME         apart: NAME
 *		nodes n1:2,n2:1,n3       resources vm:100,vm:101
 *		restricted 1
 *		nofailback 0
 *
 * On success *ret is new (hamgr_rules_free); else -EINVAL with *err, or
 * -ENOMEM.  Two resources both kept together and apart are refused.
 */
int hamgr_rules_parse(const char *file, const char *text, size_t len, struct hamgr_rules **ret,
		      struct hamgr_error *err);

void hamgr_rules_free(struct hamgr_rules *rules);

/* The group @name or NULL. */
const struct hamgr_group *hamgr_rules_group(const struct hamgr_rules *rules, const char *name);

/*
 * Check that every group a resource of @res names exists in @rules
 * (@rules may be NULL: no rules file).  -EINVAL with the resource's line
 * of @res_file in *err.  Affinity rules may name resources that do not
 * exist (yet or any more); those names are ignored.
 */
int hamgr_rules_check_resources(const struct hamgr_rules *rules, const struct hamgr_resources *res,
				const char *res_file, struct hamgr_error *err);

/* ---------------------------------------------------------------------- */
/* Shared status: ha/manager_status and nodes/<node>/lrm_status (JSON)     */

/* A node as the master CRM sees it. */
enum hamgr_node_state {
	HAMGR_NODE_ONLINE,      /* in the quorate membership, LRM can act */
	HAMGR_NODE_MAINTENANCE, /* online, but its services are moved away */
	HAMGR_NODE_UNKNOWN,     /* not in the membership, nothing of it to fence */
	HAMGR_NODE_FENCE,       /* lost with services: waiting for the fence condition */
	HAMGR_NODE_GONE,        /* removed from the cluster */
};

/* A service as the master CRM decided it. */
enum hamgr_svc_state {
	HAMGR_SVC_REQUEST_START, /* to be placed and started */
	HAMGR_SVC_STARTED,       /* should run on .node */
	HAMGR_SVC_REQUEST_STOP,  /* .node's LRM is to stop it */
	HAMGR_SVC_STOPPED,       /* stopped (confirmed) */
	HAMGR_SVC_MIGRATE,       /* live migration .node -> .target */
	HAMGR_SVC_RELOCATE,      /* stop on .node, start on .target */
	HAMGR_SVC_FENCE,         /* .node was lost; wait until it is provably dead */
	HAMGR_SVC_RECOVERY,      /* .node is dead; to be started elsewhere */
	HAMGR_SVC_FREEZE,        /* .node is shutting down with the freeze policy */
	HAMGR_SVC_ERROR,         /* gave up; only requested state disabled clears it */
};

struct hamgr_node_status {
	char name[HAMGR_NODE_NAME_MAX];
	enum hamgr_node_state state;
	/*
	 * HA was disarmed while this node was a member: its LRM let go of
	 * the watchdog, so nothing bounds how long it may still run guests
	 * once it is lost.  Cleared when it is seen online (and armed again)
	 * or confirmed off by a fence device.
	 */
	bool unwatched;
	/*
	 * An administrator asked for maintenance (node-maintenance enable):
	 * the node is in state maintenance whenever it is online, until
	 * node-maintenance disable; kept across masters and across the
	 * node's own restarts, unlike the mode its LRM reports.
	 */
	bool maintenance;
};

struct hamgr_svc_status {
	char sid[HAMGR_SID_MAX];
	enum hamgr_svc_state state;
	char node[HAMGR_NODE_NAME_MAX];   /* where it runs or ran; "" before placement */
	char target[HAMGR_NODE_NAME_MAX]; /* migrate / relocate target, else "" */
	uint64_t request_id; /* the request the LRM of .node executes once; 0 none */
	unsigned restarts;   /* failed starts on .node so far */
	unsigned relocations; /* moves to other nodes after failures so far */
	uint64_t failed_nodes; /* bit i: a start failed on nodes[i] of the status */
	uint32_t stop_timeout_ms; /* of the current stop request: clean shutdown for this
				     long, then a hard stop; 0: the backend's default */
};

/*
 * ha/manager_status: written by the master only.  Holds no times: each
 * master measures lease ages on its own clock, so a new master never
 * trusts another node's clock.
 */
struct hamgr_manager_status {
	char master[HAMGR_NODE_NAME_MAX];
	uint64_t next_request_id; /* request ids are unique across masters */
	/*
	 * HA is disarmed: LRMs release their leases and watchdogs and act no
	 * more, the master decides nothing but arm.  Guests keep running.
	 */
	bool disarmed;
	unsigned n_nodes;
	struct hamgr_node_status nodes[HAMGR_MAX_NODES];
	size_t n_services; /* sorted by sid */
	size_t cap_services;
	struct hamgr_svc_status *services;
};

/* What the LRM of a node is doing. */
enum hamgr_lrm_mode {
	HAMGR_LRM_ACTIVE,      /* runs services */
	HAMGR_LRM_MAINTENANCE, /* asks for its services to be moved away */
	HAMGR_LRM_SHUTDOWN,    /* the node powers off; services follow the policy */
	HAMGR_LRM_REBOOT,      /* the node reboots; services follow the policy */
};

/* What a shutdown policy means for one kind of shutdown. */
enum hamgr_shutdown_action {
	HAMGR_ACT_NONE,     /* the LRM is not shutting down */
	HAMGR_ACT_FREEZE,
	HAMGR_ACT_FAILOVER,
	HAMGR_ACT_MIGRATE,
};

/*
 * The action of @policy for an LRM in @mode: NONE unless @mode is
 * shutdown or reboot; conditional freezes on reboot and fails over on
 * shutdown.
 */
enum hamgr_shutdown_action hamgr_shutdown_action(enum hamgr_shutdown_policy policy,
						 enum hamgr_lrm_mode mode);

const char *hamgr_shutdown_policy_name(enum hamgr_shutdown_policy policy);

/* The outcome of one request, reported once it finished. */
struct hamgr_lrm_result {
	char sid[HAMGR_SID_MAX];
	uint64_t request_id;
	int rc; /* 0 done, -errno failed */
};

/* nodes/<node>/lrm_status: written by that node's LRM only. */
struct hamgr_lrm_status {
	char node[HAMGR_NODE_NAME_MAX];
	enum hamgr_lrm_mode mode;
	size_t n_results; /* sorted by sid */
	size_t cap_results;
	struct hamgr_lrm_result *results;
};

const char *hamgr_node_state_name(enum hamgr_node_state state);
const char *hamgr_svc_state_name(enum hamgr_svc_state state);
const char *hamgr_lrm_mode_name(enum hamgr_lrm_mode mode);

/* A new empty manager status (NULL with errno ENOMEM); free with _free. */
struct hamgr_manager_status *hamgr_manager_status_new(void);
void hamgr_manager_status_free(struct hamgr_manager_status *ms);

/* The service @sid in @ms, or NULL; O(log n). */
struct hamgr_svc_status *hamgr_manager_status_service(const struct hamgr_manager_status *ms,
							const char *sid);

/* Index of node @name in ms->nodes, adding it as @state when new; -ENOSPC when full. */
int hamgr_manager_status_node(struct hamgr_manager_status *ms, const char *name,
			      enum hamgr_node_state state);

/*
 * Make the service list follow @res: keep the status of every service
 * still configured, add new ones (request_start when requested started,
 * else stopped), drop removed ones.  O(n).  Returns the number of
 * services added or dropped, or -ENOMEM (then @ms is unchanged).
 */
int hamgr_manager_status_sync(struct hamgr_manager_status *ms, const struct hamgr_resources *res);

/* A new empty LRM status of @node; free with _free. */
struct hamgr_lrm_status *hamgr_lrm_status_new(const char *node);
void hamgr_lrm_status_free(struct hamgr_lrm_status *ls);

/* The result of @sid in @ls, or NULL. */
const struct hamgr_lrm_result *hamgr_lrm_status_result(const struct hamgr_lrm_status *ls,
							const char *sid);

/* Record the result of request @request_id of @sid (replacing an older one). */
int hamgr_lrm_status_set(struct hamgr_lrm_status *ls, const char *sid, uint64_t request_id,
			 int rc);

/*
 * JSON encoding: *ret is a new NUL-terminated string (free()).  Decoding
 * reads text named @file; -EINVAL with "FILE:LINE: problem" or
 * "FILE: field: problem" in *err.
 */
int hamgr_manager_status_encode(const struct hamgr_manager_status *ms, char **ret);
int hamgr_manager_status_decode(const char *file, const char *text, size_t len,
				struct hamgr_manager_status **ret, struct hamgr_error *err);
int hamgr_lrm_status_encode(const struct hamgr_lrm_status *ls, char **ret);
int hamgr_lrm_status_decode(const char *file, const char *text, size_t len,
			    struct hamgr_lrm_status **ret, struct hamgr_error *err);

/* ---------------------------------------------------------------------- */
/* Fencing rule and placement                                              */

/* What the master knows of one configured node when it decides. */
struct hamgr_node_view {
	char name[HAMGR_NODE_NAME_MAX];
	bool online;       /* in this (quorate) membership */
	enum hamgr_lrm_mode mode;              /* from its lrm_status; active if none */
	const struct hamgr_lrm_status *lrm;    /* borrowed; NULL when unreadable */
	/*
	 * Its agent lease ha_agent_<node> as this node saw it: held is false
	 * when it never existed or was released (its LRM then runs nothing);
	 * renewed_ns is this node's monotonic time of the last renewal it saw
	 * delivered, or of the moment it learned of the lease.
	 */
	bool lease_held;
	uint64_t lease_renewed_ns;
	bool fenced_off;   /* a fence device confirmed it off since it was lost */
};

/*
 * The fencing rule: may the services of lost node @n be started elsewhere
 * at @now_ns?  True when a fence device confirmed it off, when it holds no
 * agent lease, or once lease + watchdog_timeout + margin have passed since
 * the last renewal of its lease seen here.
 */
bool hamgr_fence_done(const struct hamgr_settings *s, const struct hamgr_node_view *n,
		      uint64_t now_ns);

/* Storage reachability: can @node run @sid (all of its storages visible there)? */
typedef bool (*hamgr_can_run_fn)(void *ctx, const char *sid, const char *node);

/* Everything a decision pass reads besides the manager status. */
struct hamgr_crm_input {
	uint64_t now_ns;
	bool quorate;
	const struct hamgr_settings *settings;
	const struct hamgr_resources *resources;
	const struct hamgr_rules *rules;  /* NULL: no rules file */
	unsigned n_nodes;                 /* every configured node */
	const struct hamgr_node_view *nodes;
	hamgr_can_run_fn can_run;         /* NULL: every node reaches every storage */
	void *can_run_ctx;
};

/* Admin commands, read from ha/crm_commands. */
enum hamgr_cmd_kind {
	HAMGR_CMD_MIGRATE,
	HAMGR_CMD_RELOCATE,
	HAMGR_CMD_STOP,   /* requested state stopped; shut down within timeout_ms */
	HAMGR_CMD_DISARM, /* LRMs release leases and watchdogs; nothing is decided */
	HAMGR_CMD_ARM,    /* back to normal */
	HAMGR_CMD_MAINTENANCE_ON,  /* node-maintenance enable NODE: move its services away */
	HAMGR_CMD_MAINTENANCE_OFF, /* node-maintenance disable NODE: it may run services again */
};

struct hamgr_cmd {
	enum hamgr_cmd_kind kind;
	char sid[HAMGR_SID_MAX];        /* "" for disarm / arm */
	char node[HAMGR_NODE_NAME_MAX]; /* migrate / relocate / node-maintenance only */
	uint32_t timeout_ms;            /* stop only; 0: stop hard at once */
};

/* What the environment must do after a pass. */
struct hamgr_crm_output {
	bool changed;  /* the manager status changed: write it */
	unsigned n_fence;  /* nodes to power off through their fence device */
	char fence[HAMGR_MAX_NODES][HAMGR_NODE_NAME_MAX];
	char why[256]; /* the last reason a service could not be placed, for the log */
};

/* What runs on a node, for least-loaded placement. */
struct hamgr_load {
	unsigned count;     /* services */
	unsigned cores;     /* their configured cores */
	uint64_t memory_mb; /* their configured memory */
};

/*
 * Placement: the node @sid should run on, into @ret_node, among online
 * nodes that reach its storage, are not in @exclude (bit i = ms->nodes[i]),
 * by group priority, restriction and affinity rules, then the least
 * loaded (@load[i]: what runs on ms->nodes[i]; by count, or with
 * settings placement static by memory, then cores, then count), then @prefer (its current
 * node, to avoid needless moves), then by name.  Returns 0, or -ENOENT
 * with the reason in @why (@why_size bytes).
 */
int hamgr_place(const struct hamgr_manager_status *ms, const struct hamgr_crm_input *in,
		const char *sid, uint64_t exclude, const struct hamgr_load *load, const char *prefer,
		char *ret_node, char *why, size_t why_size);

/* The CRM's memory between passes that is not shared (fence requests). */
typedef struct hamgr_crm hamgr_crm_t;

hamgr_crm_t *hamgr_crm_new(void);
void hamgr_crm_free(hamgr_crm_t *crm);

/*
 * One decision pass of the master: update @ms (node and service states,
 * new request ids) from @in and the admin commands @cmds (@n_cmds, may be
 * 0), and say in @out what to write and whom to fence.  Does nothing
 * without quorum.  Deterministic: same inputs, same result.
 * Returns 0 or -ENOMEM.
 */
int hamgr_crm_step(hamgr_crm_t *crm, struct hamgr_manager_status *ms,
		   const struct hamgr_crm_input *in, const struct hamgr_cmd *cmds, size_t n_cmds,
		   struct hamgr_crm_output *out);

/* ---------------------------------------------------------------------- */
/* The LRM: one per node, driven through the environment                   */

/*
 * May an LRM whose lease renewal was last delivered at @renewed_ns (0:
 * never) feed its watchdog at @now_ns?  Only while that renewal is less
 * than `lease` old.
 */
bool hamgr_lrm_may_feed(const struct hamgr_settings *s, uint64_t renewed_ns, uint64_t now_ns);

typedef struct hamgr_lrm hamgr_lrm_t;

/*
 * A new LRM for node @node (copied), using @ops/@ctx (borrowed, must
 * outlive it; checked with hamgr_env_check).  It reads its previous
 * nodes/<node>/lrm_status so that requests it reported before a restart
 * are not executed again.  NULL with errno set on failure.
 */
hamgr_lrm_t *hamgr_lrm_new(const struct hamgr_env_ops *ops, void *ctx, const char *node);
void hamgr_lrm_free(hamgr_lrm_t *lrm);

/*
 * One round, run every lease_renew and whenever membership or a status
 * file changes: renew the agent lease ha_agent_<node> when it has
 * services, feed the watchdog only while the lease is fresh (and never
 * again once it ran out), start the guest operations of new requests
 * (each request id once, at most lrm_workers at a time), stop guests whose
 * requested state is stopped or disabled even without a master, and write
 * its lrm_status when it changed.  Returns 0 or -errno of a failed write.
 */
int hamgr_lrm_tick(hamgr_lrm_t *lrm);

/* The guest operation of request @request_id on @sid finished with @rc (0 or -errno). */
int hamgr_lrm_op_done(hamgr_lrm_t *lrm, const char *sid, uint64_t request_id, int rc);

/* Switch the mode reported to the master (maintenance, shutdown, active). */
void hamgr_lrm_set_mode(hamgr_lrm_t *lrm, enum hamgr_lrm_mode mode);

/*
 * In shutdown or reboot mode: whether the node may go down now, as its
 * shutdown policy asks: nothing runs here any more, the master froze or
 * moved away what it had placed here, and the agent lease was released
 * (so the watchdog was closed cleanly).  False in other modes.
 */
bool hamgr_lrm_shutdown_done(const hamgr_lrm_t *lrm);

/* Whether the LRM's agent lease ran out, so that it stopped feeding for good. */
bool hamgr_lrm_lease_lost(const hamgr_lrm_t *lrm);

/* ---------------------------------------------------------------------- */
/* ha/crm_commands and the master CRM, driven through the environment      */

/*
 * Parse ha/crm_commands: one command a line, "migrate SID NODE",
 * "relocate SID NODE", "stop SID TIMEOUT" (a duration like 30s, or plain
 * seconds), "disarm", "arm", "node-maintenance enable NODE" or
 * "node-maintenance disable NODE".  *ret (free()) holds *ret_n commands;
 * -EINVAL with the line in *err.
 */
int hamgr_cmds_parse(const char *file, const char *text, size_t len, struct hamgr_cmd **ret,
		     size_t *ret_n, struct hamgr_error *err);

typedef struct hamgr_master hamgr_master_t;

/*
 * The CRM of node @node (copied) over @ops/@ctx (borrowed).  @can_run
 * (may be NULL) says which node reaches a service's storage.  NULL with
 * errno set on failure.
 */
hamgr_master_t *hamgr_master_new(const struct hamgr_env_ops *ops, void *ctx, const char *node,
				 hamgr_can_run_fn can_run, void *can_run_ctx);
void hamgr_master_free(hamgr_master_t *m);

/*
 * One round, on every membership or status file change and every
 * lease_renew: with quorum, take or renew the ha_manager lease; as
 * master, read the configuration, the LRM statuses, the agent leases and
 * ha/crm_commands, run hamgr_crm_step, write ha/manager_status when it
 * changed, and ask fence devices.  A configuration file with an error
 * keeps the last good one, and the error is kept for
 * hamgr_master_last_error().  Returns 0 or -errno of a failed write.
 */
int hamgr_master_tick(hamgr_master_t *m);

/* The fence device of @node answered: @rc 0 means it is confirmed off. */
void hamgr_master_fence_result(hamgr_master_t *m, const char *node, int rc);

/* Whether this CRM is the master now. */
bool hamgr_master_active(const hamgr_master_t *m);

/*
 * The last configuration or status problem (a parse error naming file
 * and line, or why a service could not be placed), "" when none; cleared
 * by reading.  The string stays valid until the next call.
 */
const char *hamgr_master_last_error(hamgr_master_t *m);

#endif /* CLUSTERHA_HAMGR_H */
