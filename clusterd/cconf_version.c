/*
 * cconf_version.c - reads config_version out of corosync.conf text, the
 * one number that decides whether a node installs a new corosync.conf.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clusterd/clusterd.h"

#define KEY "config_version"

int
cd_cconf_version(const char *text, size_t len, uint64_t *ret_version)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *line_end = memchr(p, '\n', (size_t)(end - p));
		const char *q = p;
		char number[24];
		unsigned long long value;
		size_t n = 0;

		if (!line_end)
			line_end = end;
		while (q < line_end && isspace((unsigned char)*q))
			q++;
		if ((size_t)(line_end - q) > strlen(KEY) && !memcmp(q, KEY, strlen(KEY)) &&
		    (q[strlen(KEY)] == ':' || isspace((unsigned char)q[strlen(KEY)]))) {
			q += strlen(KEY);
			while (q < line_end && (isspace((unsigned char)*q) || *q == ':'))
				q++;
			while (q < line_end && isdigit((unsigned char)*q) && n < sizeof(number) - 1)
				number[n++] = *q++;
			while (q < line_end && isspace((unsigned char)*q))
				q++;
			number[n] = '\0';
			if (n == 0 || n > 20 || q != line_end)
				return -EINVAL;
			errno = 0;
			value = strtoull(number, NULL, 10);
			if (errno == ERANGE)
				return -EINVAL;
			*ret_version = value;
			return 0;
		}
		p = line_end + 1;
	}
	return -ENOENT;
}
