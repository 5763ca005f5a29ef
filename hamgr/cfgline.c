/*
 * cfgline.c - the line reader shared by the text configuration formats of
 * the HA manager, plus the small value parsers and error formatting they
 * all use, so every format reports problems the same way.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/hamgr-int.h"

void
hamgr_cfg_reader_init(struct hamgr_cfg_reader *r, const char *file, const char *text, size_t len)
{
	r->file = file;
	r->pos = text;
	r->end = text + len;
	r->line = 0;
	r->buf[0] = '\0';
}

int
hamgr_error_set(struct hamgr_error *err, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return -EINVAL;
	err->line = line;
	if (line)
		n = snprintf(err->text, sizeof(err->text), "%s:%u: ", file, line);
	else
		n = snprintf(err->text, sizeof(err->text), "%s: ", file);
	if (n < 0 || (size_t)n >= sizeof(err->text))
		return -EINVAL;
	va_start(ap, fmt);
	(void)vsnprintf(err->text + n, sizeof(err->text) - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static char *
trim_right(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Copy the next raw line into r->buf; 1, 0 at the end, -EINVAL when bad. */
static int
read_raw(struct hamgr_cfg_reader *r, struct hamgr_error *err)
{
	const char *nl;
	size_t n;

	if (r->pos >= r->end)
		return 0;
	nl = memchr(r->pos, '\n', (size_t)(r->end - r->pos));
	n = (size_t)((nl ? nl : r->end) - r->pos);
	r->line++;
	if (memchr(r->pos, '\0', n))
		return hamgr_error_set(err, r->file, r->line, "NUL byte in line");
	if (n > HAMGR_LINE_MAX)
		return hamgr_error_set(err, r->file, r->line, "line longer than %d bytes",
				       HAMGR_LINE_MAX);
	memcpy(r->buf, r->pos, n);
	r->buf[n] = '\0';
	r->pos += n + (nl ? 1 : 0);
	return 1;
}

int
hamgr_cfg_next(struct hamgr_cfg_reader *r, struct hamgr_cfg_line *ret, struct hamgr_error *err)
{
	char *s;
	int rc;

	while ((rc = read_raw(r, err)) > 0) {
		s = trim_right(r->buf);
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		ret->line = r->line;
		ret->indented = s != r->buf;
		ret->key = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = '\0';
		while (isspace((unsigned char)*s))
			s++;
		ret->value = s;
		return 1;
	}
	return rc;
}

int
hamgr_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *ret)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int
hamgr_parse_duration_ms(const char *s, uint64_t *ret)
{
	char num[32];
	const char *unit = s;
	uint64_t v, scale;
	size_t n;
	int r;

	while (isdigit((unsigned char)*unit))
		unit++;
	n = (size_t)(unit - s);
	if (n == 0 || n >= sizeof(num))
		return n == 0 ? -EINVAL : -ERANGE;
	memcpy(num, s, n);
	num[n] = '\0';
	while (*unit == ' ')
		unit++;
	if (strcmp(unit, "ms") == 0)
		scale = 1;
	else if (strcmp(unit, "s") == 0)
		scale = 1000;
	else
		return -EINVAL;
	r = hamgr_parse_uint(num, 0, 86400000 / scale, &v);
	if (r < 0)
		return r;
	*ret = v * scale;
	return 0;
}

bool
hamgr_name_valid(const char *s)
{
	size_t n = 0;

	if (!isalnum((unsigned char)*s))
		return false;
	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && !strchr("_.-", s[n]))
			return false;
	return n < HAMGR_NODE_NAME_MAX;
}

bool
hamgr_text_same(char **cached, char *text)
{
	if (*cached && text && strcmp(*cached, text) == 0) {
		free(text);
		return true;
	}
	free(*cached);
	*cached = text;
	return false;
}
