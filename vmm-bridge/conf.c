/*
 * conf.c - splitting a guest configuration into "key: value" lines, the
 * format Proxmox VE users know.  What the keys mean is each backend's
 * business; this file only enforces the shape, so every backend reports
 * shape errors the same way: "<file>:<line>: <problem>".
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

static bool
key_valid(const char *key, size_t len)
{
	if (len == 0 || len > 32 || !islower((unsigned char)key[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)key[i]) && !isdigit((unsigned char)key[i]) &&
		    key[i] != '_' && key[i] != '-')
			return false;
	return true;
}

static const char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int
conf_add(struct vmm_conf *conf, const char *key, size_t klen, const char *value, unsigned line)
{
	struct vmm_conf_line *lines = realloc(conf->lines, (conf->n + 1) * sizeof(*lines));
	struct vmm_conf_line *l;

	if (!lines)
		return -ENOMEM;
	conf->lines = lines;
	l = &lines[conf->n];
	l->key = strndup(key, klen);
	l->value = strdup(value);
	l->line = line;
	if (!l->key || !l->value) {
		free(l->key);
		free(l->value);
		return -ENOMEM;
	}
	conf->n++;
	return 0;
}

static int
parse_line(struct vmm_conf *conf, char *raw, unsigned lineno, vmm_error_t *err)
{
	const char *s = trim(raw), *colon, *value;
	size_t klen;

	if (*s == '\0' || *s == '#')
		return 0;
	if (*s == '[')
		return vmm_err(err, -EINVAL, "%s:%u: snapshot section '%s' is not supported yet",
			       conf->file, lineno, s);
	colon = strchr(s, ':');
	if (!colon)
		return vmm_err(err, -EINVAL, "%s:%u: expected 'key: value', got '%s'",
			       conf->file, lineno, s);
	klen = (size_t)(colon - s);
	if (!key_valid(s, klen))
		return vmm_err(err, -EINVAL,
			       "%s:%u: '%.*s' is not a key (lower-case letters, digits, '_', '-')",
			       conf->file, lineno, (int)klen, s);
	for (size_t i = 0; i < conf->n; i++)
		if (strlen(conf->lines[i].key) == klen && !strncmp(conf->lines[i].key, s, klen))
			return vmm_err(err, -EINVAL, "%s:%u: %.*s: duplicate key (first on line %u)",
				       conf->file, lineno, (int)klen, s, conf->lines[i].line);
	value = colon + 1;
	while (*value == ' ' || *value == '\t')
		value++;
	if (*value == '\0')
		return vmm_err(err, -EINVAL, "%s:%u: %.*s: no value", conf->file, lineno,
			       (int)klen, s);
	if (conf_add(conf, s, klen, value, lineno) < 0)
		return vmm_err(err, -ENOMEM, "%s: out of memory", conf->file);
	return 0;
}

int
vmm_conf_parse(const char *file, const char *text, struct vmm_conf **ret_conf, vmm_error_t *err)
{
	struct vmm_conf *conf = calloc(1, sizeof(*conf));
	char *copy = strdup(text), *line, *next;
	unsigned lineno = 0;
	int r = 0;

	if (!conf || !copy || !(conf->file = strdup(file))) {
		r = vmm_err(err, -ENOMEM, "%s: out of memory", file);
		goto fail;
	}
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		r = parse_line(conf, line, lineno, err);
		if (r < 0)
			goto fail;
	}
	free(copy);
	*ret_conf = conf;
	return 0;
fail:
	free(copy);
	vmm_conf_free(conf);
	return r;
}

void
vmm_conf_free(struct vmm_conf *conf)
{
	if (!conf)
		return;
	for (size_t i = 0; i < conf->n; i++) {
		free(conf->lines[i].key);
		free(conf->lines[i].value);
	}
	free(conf->lines);
	free(conf->file);
	free(conf);
}
