/*
 * size.c - numbers and sizes as users write them in configs ("64", "4G",
 * "512MiB"), with overflow checks.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

int
vmm_uint_parse(const char *text, unsigned long min, unsigned long max, unsigned long *ret)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)text[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*ret = (unsigned long)v;
	return 0;
}

int
vmm_size_parse(const char *text, uint64_t unit, uint64_t *ret_bytes)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *u;
	char *end;

	if (!isdigit((unsigned char)text[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u || !*u)
			return -EINVAL;
		unit = 1024;
		for (const char *p = units; p < u; p++)
			unit *= 1024;
		end++;
		if (strcmp(end, "") != 0 && strcmp(end, "B") != 0 && strcmp(end, "iB") != 0)
			return -EINVAL;
	}
	if (v > UINT64_MAX / unit)
		return -ERANGE;
	*ret_bytes = v * unit;
	return 0;
}
