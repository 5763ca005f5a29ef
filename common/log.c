/*
 * log.c - logging set-up shared by every daemon and tool: libqb's logger,
 * stderr in the foreground, syslog in the background.
 */
#include <config.h>

#include <syslog.h>

#include <qb/qblog.h>

#include "common.h"

void
cl_log_open(const char *ident, bool foreground, bool debug)
{
	int target = foreground ? QB_LOG_STDERR : QB_LOG_SYSLOG;
	int other = foreground ? QB_LOG_SYSLOG : QB_LOG_STDERR;

	qb_log_init(ident, LOG_DAEMON, LOG_INFO);
	qb_log_ctl(other, QB_LOG_CONF_ENABLED, QB_FALSE);
	qb_log_ctl(target, QB_LOG_CONF_ENABLED, QB_TRUE);
	/* qb_log_init() installed an info filter on syslog; start clean. */
	qb_log_filter_ctl(target, QB_LOG_FILTER_CLEAR_ALL, QB_LOG_FILTER_FILE, "*",
			  LOG_TRACE);
	qb_log_filter_ctl(target, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
			  debug ? LOG_DEBUG : LOG_INFO);
	/* The source file is the subsystem: one file, one job. */
	if (foreground)
		qb_log_format_set(target, "%T %N[%P] %p %f: %b");
	else
		qb_log_format_set(target, "%p %f: %b");
}

void
cl_log_close(void)
{
	qb_log_fini();
}
