/*
 * fence.h - power fencing: the fence.cfg(5) model, fence drivers chosen by
 * name (built-in IPMI over LAN, external ClusterLabs fence agents), the
 * off-then-verify power sequence and the per-node fence levels and delays.
 *
 * Nothing here logs or keeps global state.  Functions returning int give
 * 0 on success and -errno on failure; where a fence_err_t is passed, it
 * then holds a message for an administrator (file, line, device, problem).
 * Passwords never appear in a message.  All functions may be called from
 * any single thread; objects are not shared between threads.
 */
#ifndef CLUSTERHA_FENCE_H
#define CLUSTERHA_FENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A human-readable error; empty when nothing failed. */
typedef struct fence_err {
	char msg[512];
} fence_err_t;

/* Replace @err's message (printf format); @err may be NULL. */
void fence_err_set(fence_err_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What a fence device is asked to do; reboot is off, verify, on. */
enum fence_action {
	FENCE_ACTION_OFF,
	FENCE_ACTION_ON,
	FENCE_ACTION_REBOOT,
	FENCE_ACTION_STATUS,
};

/* "off", "on", "reboot", "status". */
const char *fence_action_name(enum fence_action action);

/* IPMI privilege levels, numbered as in the IPMI specification. */
enum fence_privilege {
	FENCE_PRIV_USER = 2,
	FENCE_PRIV_OPERATOR = 3,
	FENCE_PRIV_ADMIN = 4,
};

/* IPMI 2.0 session workarounds for BMCs that bend the protocol. */
enum fence_ipmi_workaround {
	/* Ask for the configured privilege in Open Session (OpenIPMI's ipmi_sim needs it). */
	FENCE_IPMI_WA_OPENSESSPRIV = 1u << 0,
	FENCE_IPMI_WA_AUTHCAP = 1u << 1,
	FENCE_IPMI_WA_INTEL20 = 1u << 2,
	FENCE_IPMI_WA_SUPERMICRO20 = 1u << 3,
	FENCE_IPMI_WA_SUN20 = 1u << 4,
};

/* One extra key=value handed to an external agent. */
struct fence_option {
	char *key;
	char *value;
};

/*
 * A fence device as configured: plain read-only data owned by the
 * fence_config_t it came from.  Unset strings are NULL, unset numbers 0
 * unless a default is named.
 */
struct fence_device {
	char *name;
	char *type;    /* driver name: "ipmi" or "agent" */
	unsigned line; /* line of the "device:" header */
	char *address; /* host name or IP address */
	unsigned port; /* 0: the driver's default (623 for IPMI) */
	char *user;
	int cipher;                     /* IPMI 2.0 cipher suite; -1 unset (IPMI default 3) */
	enum fence_privilege privilege; /* 0 unset (IPMI default admin) */
	unsigned timeout_ms;            /* one whole action including verification */
	unsigned workarounds;           /* enum fence_ipmi_workaround bits */
	char *agent;                    /* agent: program name (searched in PATH) or path */
	struct fence_option *options;
	size_t n_options;
};

/* Devices that must all succeed for the level to succeed. */
struct fence_level {
	const struct fence_device **devices; /* borrowed from the config */
	size_t n_devices;
};

/* How one node is fenced: levels tried in order, after a delay. */
struct fence_node {
	char *name;
	unsigned line;
	struct fence_level *levels;
	size_t n_levels;
	unsigned delay_ms;        /* fixed wait before fencing this node */
	unsigned random_delay_ms; /* plus a uniformly random 0..this */
};

/* Default for a device's timeout_ms. */
#define FENCE_DEFAULT_TIMEOUT_MS 10000u

typedef struct fence_config fence_config_t;

/*
 * Parse fence.cfg(5) text @text (borrowed, NUL-terminated), naming it
 * @source (borrowed; used in messages as "SOURCE:LINE: problem").  On
 * success *ret_cfg is a new config the caller frees with fence_config_free().
 * Returns -EINVAL for a syntax or consistency error, -ENOMEM.
 */
int fence_config_parse(const char *text, const char *source, fence_config_t **ret_cfg,
                       fence_err_t *err);

/* Read @path (borrowed) and parse it as above; -errno when it cannot be read. */
int fence_config_load(const char *path, fence_config_t **ret_cfg, fence_err_t *err);

/* Free @cfg and everything it owns; NULL does nothing. */
void fence_config_free(fence_config_t *cfg);

/* Number of devices / nodes, and the i-th of each in file order (borrowed). */
size_t fence_config_n_devices(const fence_config_t *cfg);
const struct fence_device *fence_config_device_at(const fence_config_t *cfg, size_t i);
size_t fence_config_n_nodes(const fence_config_t *cfg);
const struct fence_node *fence_config_node_at(const fence_config_t *cfg, size_t i);

/* The node called @name (borrowed result), or NULL. */
const struct fence_node *fence_config_node(const fence_config_t *cfg, const char *name);

/*
 * Read the password of @dev from <@dir>/<device name> (first line, without
 * its newline).  The file must be a regular file that neither group nor
 * others can access.  *ret_password is NULL when the file does not exist
 * and the driver can do without (agents); the caller frees it with
 * fence_password_free(), which wipes it.  Returns -ENOENT (IPMI needs one),
 * -EPERM (mode too open), -EINVAL (empty or binary), or another -errno.
 */
int fence_password_read(const char *dir, const struct fence_device *dev, char **ret_password,
                        fence_err_t *err);
void fence_password_free(char *password);

/*
 * Time as the fencing logic sees it; the real one uses CLOCK_MONOTONIC,
 * tests a virtual clock.  now_ms: milliseconds since an arbitrary point;
 * sleep_ms: wait that long.
 */
struct fence_clock {
	uint64_t (*now_ms)(void *data);
	void (*sleep_ms)(void *data, uint64_t ms);
	void *data;
};

/* The real clock (CLOCK_MONOTONIC, nanosleep). */
extern const struct fence_clock fence_clock_monotonic;

/*
 * A fence driver, chosen by the device's type.  A driver only opens a
 * connection and sets or reads the power; the verification lives in
 * fence_device_run(), the same for every driver.
 *   open:      connect within @timeout_ms; @password may be NULL (borrowed,
 *              valid until close); *ret_handle is the driver's state.
 *   set_power: ask for on (true) or off (false); success means only that
 *              the request was accepted.
 *   get_power: read the current power state into *ret_on.
 *   close:     release the handle; NULL does nothing.
 * @timeout_ms in set/get is the time left for the whole action.
 */
struct fence_driver {
	const char *type;
	int (*open)(const struct fence_device *dev, const char *password, unsigned timeout_ms,
	            void **ret_handle, fence_err_t *err);
	int (*set_power)(void *handle, bool on, unsigned timeout_ms, fence_err_t *err);
	int (*get_power)(void *handle, bool *ret_on, unsigned timeout_ms, fence_err_t *err);
	void (*close)(void *handle);
};

/* The driver for device type @type (borrowed), or NULL. */
const struct fence_driver *fence_driver_find(const char *type);

/* How often fence_device_run() reads the power state back, in ms. */
#define FENCE_POLL_INTERVAL_MS 100u

/*
 * Carry out @action (off, on or status; not reboot) on @dev through
 * @driver within dev->timeout_ms, measured on @clock.  off and on succeed
 * only once the power state read back from the device says so; a device
 * that accepts the request but keeps the old state fails with -ETIMEDOUT
 * when the time is up.  status stores the state in *ret_on (may be NULL for
 * off and on).  @password is borrowed and may be NULL.
 */
int fence_device_run(const struct fence_driver *driver, const struct fence_device *dev,
                     const char *password, enum fence_action action,
                     const struct fence_clock *clock, bool *ret_on, fence_err_t *err);

/*
 * The delay before fencing @node: delay_ms plus @random (any 32-bit
 * random number) scaled into 0..random_delay_ms.
 */
uint64_t fence_node_delay_ms(const struct fence_node *node, uint32_t random);

/* One step of fence_node_run(), for the caller to report. */
struct fence_step {
	size_t level;                      /* 1-based level number */
	const struct fence_device *device; /* borrowed */
	enum fence_action action;          /* off or on */
	int result;                        /* 0 or -errno */
	const char *message;               /* the error, or NULL on success */
	uint64_t elapsed_ms;
};

/*
 * What fence_node_run() needs from the world.  device runs one off or on
 * on one device and verifies it (fence_device_run() in production);
 * random gives 32 random bits; report (may be NULL) hears every step and
 * the delay (device NULL, elapsed_ms the delay).
 */
struct fence_env {
	const struct fence_clock *clock;
	int (*device)(void *data, const struct fence_device *dev, enum fence_action action,
	              fence_err_t *err);
	uint32_t (*random)(void *data);
	void (*report)(void *data, const struct fence_step *step);
	void *data;
};

/*
 * Fence @node with @action (off, on or reboot): wait the node's delay
 * (off and reboot, when @apply_delay), then try its levels in order until
 * one succeeds; a level succeeds when every device in it succeeded.  reboot
 * turns every device of a level off (verified) before turning them on.
 * *ret_level (may be NULL) gets the 1-based level that succeeded.  Returns
 * the last device's error when every level failed.
 */
int fence_node_run(const struct fence_node *node, enum fence_action action,
                   const struct fence_env *env, bool apply_delay, size_t *ret_level,
                   fence_err_t *err);

#endif /* CLUSTERHA_FENCE_H */
