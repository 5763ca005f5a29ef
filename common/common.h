/*
 * common.h - the conventions every clusterha daemon shares: logging through
 * libqb, corosync error conversion, a single-instance pid file, detaching
 * with a readiness report, and a main loop that ends cleanly on SIGTERM.
 *
 * Every function here is called from a daemon's main thread before or while
 * its libqb loop runs.  Functions returning int give >= 0 on success and
 * -errno on failure.
 */
#ifndef CLUSTERHA_COMMON_H
#define CLUSTERHA_COMMON_H

#include <stdbool.h>
#include <sys/types.h>

#include <corosync/corotypes.h>
#include <qb/qbloop.h>

/*
 * Start logging for the daemon or tool called @ident (borrowed; must stay
 * valid until cl_log_close()).  In the foreground messages go to stderr, in
 * the background to syslog (facility daemon).  @debug lowers the threshold
 * from info to debug.  Each message carries the source file name, which is
 * the subsystem: one file, one job.
 */
void cl_log_open(const char *ident, bool foreground, bool debug);

/* Flush and stop logging; safe to call when cl_log_open() was never called. */
void cl_log_close(void);

/*
 * Convert a corosync result to the convention used everywhere else:
 * CS_OK becomes 0, every failure a negative errno (-EAGAIN for
 * CS_ERR_TRY_AGAIN, -ENOTCONN for CS_ERR_LIBRARY, ...).  This is the only
 * place that knows corosync's numbering.
 */
int cl_cs_errno(cs_error_t err);

/*
 * Create @path (borrowed) if needed, take an exclusive lock on it and write
 * this process's pid into it, so that a second instance using the same run
 * directory refuses to start.  On success *ret_fd holds the locked file;
 * keep it open for the life of the process.  Returns -EBUSY when another
 * live process holds the lock (its pid is then in *ret_holder if that is not
 * NULL), or another -errno.
 */
int cl_pidfile_acquire(const char *path, int *ret_fd, pid_t *ret_holder);

/* Remove @path (borrowed) and close @fd; fd < 0 does nothing. */
void cl_pidfile_release(const char *path, int fd);

/*
 * Detach from the terminal unless @foreground: fork, start a new session and
 * point stdin/stdout/stderr at /dev/null.  The parent does not return: it
 * waits until the child calls cl_daemon_ready() and exits with the status
 * given there, so the command that started a daemon fails when the daemon's
 * start failed.  *ret_notify is the child's end of that report, or -1 in the
 * foreground.  Returns -errno when fork or setsid fails.
 */
int cl_daemon_detach(bool foreground, int *ret_notify);

/*
 * Tell the waiting parent (see cl_daemon_detach) that start-up finished with
 * exit status @status (0 = running) and close @notify; notify < 0 does
 * nothing.
 */
void cl_daemon_ready(int notify, int status);

/*
 * Make SIGTERM and SIGINT stop @loop (borrowed) from inside the loop, so the
 * daemon returns from qb_loop_run() and runs its normal cleanup; SIGPIPE is
 * ignored.  Call once, before qb_loop_run().  Returns -errno on failure.
 */
int cl_daemon_stop_on_signals(qb_loop_t *loop);

#endif /* CLUSTERHA_COMMON_H */
