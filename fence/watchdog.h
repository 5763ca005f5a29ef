/*
 * watchdog.h - the node's watchdog device behind a small driver table, so
 * that wdmux feeds a real Linux watchdog in production and the lab's
 * emulated one in tests through the same three calls.
 *
 * Drivers are chosen by name ("linux", "lab").  There is deliberately no
 * default device path: the caller always names the device, so nothing can
 * open /dev/watchdog by accident.  All functions are called from one thread
 * (wdmux's main loop); they may block briefly (an ioctl, or one request and
 * answer on the lab emulator's socket).  Functions returning int give 0 on
 * success and -errno on failure.
 */
#ifndef CLUSTERHA_FENCE_WATCHDOG_H
#define CLUSTERHA_FENCE_WATCHDOG_H

#include <stdbool.h>

/* Longest device timeout any driver accepts, in seconds. */
#define WD_TIMEOUT_MAX 3600

/*
 * A watchdog driver.  A driver's open() starts the watchdog: from then on
 * the device resets the node unless keepalive() is called at least once per
 * timeout.
 */
struct wd_driver {
	const char *name;
	/*
	 * Open @device (borrowed), arm it and set its timeout to *@timeout_s
	 * (1..WD_TIMEOUT_MAX).  The device may round the timeout: the value
	 * in force is stored back into *@timeout_s.  A device that would keep
	 * a timeout longer than asked is disarmed again and refused (-ERANGE),
	 * because the caller's safety bound would not hold.  On success
	 * *@ret_handle is the driver's open device, for the calls below.
	 */
	int (*open)(const char *device, unsigned *timeout_s, void **ret_handle);
	/* Restart the device's countdown. */
	int (*keepalive)(void *handle);
	/*
	 * Close the device and free @handle.  With @disarm the driver first
	 * asks the device to stop (the Linux "magic close"); without it the
	 * countdown continues and the node resets unless someone opens the
	 * device again in time.
	 */
	void (*close)(void *handle, bool disarm);
};

/* The Linux watchdog API: WDIOC_SETTIMEOUT, WDIOC_KEEPALIVE, magic 'V' close. */
extern const struct wd_driver wd_driver_linux;

/* The test lab's watchdog emulator, reached over a unix socket (lab(1)). */
extern const struct wd_driver wd_driver_lab;

/* The driver called @name (borrowed), or NULL when there is none. */
const struct wd_driver *wd_driver_find(const char *name);

/* Names of all drivers, comma separated, for error messages. */
const char *wd_driver_names(void);

#endif /* CLUSTERHA_FENCE_WATCHDOG_H */
