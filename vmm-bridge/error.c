/*
 * error.c - filling a caller's vmm_error_t: one line for a human, built
 * where the failure is understood and prefixed on the way up with what was
 * being done.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

int
vmm_err(vmm_error_t *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int
vmm_err_prefix(vmm_error_t *err, int code, const char *fmt, ...)
{
	char prefix[256], old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	/* A message too long for the buffer loses its tail, not its start. */
	if (snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old) >= (int)sizeof(err->msg))
		err->msg[sizeof(err->msg) - 1] = '\0';
	return code;
}
