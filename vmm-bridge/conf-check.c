/*
 * conf-check.c - what every guest config parser checks in a value, and
 * how it words the error: "<file>:<line>: <key>: <problem>".
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

int
vmm_conf_bad(const struct vmm_conf_at *at, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return vmm_err(at->err, -EINVAL, "%s:%u: %s: %s", at->file, at->l->line, at->l->key, msg);
}

bool
vmm_word_valid(const char *s, size_t max, const char *extra)
{
	size_t len = strlen(s);

	if (len == 0 || len > max || !isalnum((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

int
vmm_conf_number(const struct vmm_conf_at *at, unsigned long min, unsigned long max,
		unsigned long *ret)
{
	int r = vmm_uint_parse(at->l->value, min, max, ret);

	if (r == -ERANGE)
		return vmm_conf_bad(at, "%s is out of range %lu..%lu", at->l->value, min, max);
	if (r < 0)
		return vmm_conf_bad(at, "'%s' is not a number", at->l->value);
	return 0;
}

bool
vmm_volume_valid(const char *v)
{
	if (!*v || *v == '/' || strstr(v, "..") || strlen(v) >= 256)
		return false;
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && !strchr("._-/+", *v))
			return false;
	return true;
}
