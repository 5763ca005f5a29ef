/*
 * storagecfg.c - parsing storage.cfg: sections "<type>: <id>" at column 0,
 * each followed by indented "<key> <value>" lines.  Every error names the
 * file, the line, the storage and the key, and says what would be right.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

struct vmm_storage_cfg {
	struct vmm_storage *v;
	unsigned *lines; /* line of each section header */
	size_t n;
};

/* Keys a storage type accepts; the required ones are marked with '!'. */
struct type_keys {
	const char *type;
	const char *keys[10];
	unsigned content; /* content types it may hold */
	bool shared;	  /* default of "shared" */
};

static const struct type_keys types[] = {
	{ "dir", { "!path", "content", "shared", "nodes" }, 0x3f, false },
	{ "nfs",
	  { "!server", "!export", "path", "content", "shared", "nodes", "access" },
	  0x3f,
	  true },
	{ "iscsi",
	  { "!portal", "!target", "content", "shared", "nodes", "access" },
	  VMM_CONTENT_IMAGES,
	  true },
};

static const char *const content_names[] = { "images", "iso",	 "rootdir",
					     "vztmpl", "backup", "snippets" };

/* The state of one parse: where we are, for messages. */
struct parser {
	const char *file;
	unsigned line;
	vmm_storage_cfg_t *cfg;
	const struct type_keys *tk; /* of the current section */
	unsigned seen;		    /* bit i: tk->keys[i] was given */
	bool lines;		    /* messages name the line (text from a file) */
	vmm_error_t *err;
};

static int
perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
perr(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!p->lines && p->cfg->n && p->tk)
		return vmm_err(p->err, -EINVAL, "%s: %s: %s: %s", p->file, p->tk->type,
			       p->cfg->v[p->cfg->n - 1].id, msg);
	if (!p->lines)
		return vmm_err(p->err, -EINVAL, "%s: %s", p->file, msg);
	if (p->cfg->n && p->tk)
		return vmm_err(p->err, -EINVAL, "%s:%u: %s: %s: %s", p->file, p->line,
			       p->tk->type, p->cfg->v[p->cfg->n - 1].id, msg);
	return vmm_err(p->err, -EINVAL, "%s:%u: %s", p->file, p->line, msg);
}

static bool
name_valid(const char *s, size_t max, bool allow_dot)
{
	size_t len = strlen(s);

	if (len == 0 || len > max || !isalpha((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    !(allow_dot && *s == '.'))
			return false;
	return true;
}

static int
parse_list(const char *value, char ***ret)
{
	char *copy = strdup(value), *tok, *save = NULL;
	struct vmm_argv a = { 0 };
	int r;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		vmm_argv_add(&a, tok);
	free(copy);
	r = vmm_argv_done(&a);
	if (r < 0)
		return r;
	*ret = a.v;
	return 0;
}

static int
set_content(struct parser *p, struct vmm_storage *st, const char *value)
{
	char **list = NULL;
	unsigned mask = 0;
	size_t i, j;

	if (parse_list(value, &list) < 0)
		return vmm_err(p->err, -ENOMEM, "out of memory");
	for (i = 0; list[i]; i++) {
		for (j = 0; j < sizeof(content_names) / sizeof(*content_names); j++)
			if (!strcmp(list[i], content_names[j]))
				break;
		if (j == sizeof(content_names) / sizeof(*content_names) ||
		    !(p->tk->content & (1u << j))) {
			int r = perr(p, "content: '%s' is not a content type %s storage holds",
				     list[i], p->tk->type);
			vmm_strv_free(list);
			return r;
		}
		mask |= 1u << j;
	}
	vmm_strv_free(list);
	if (!mask)
		return perr(p, "content: empty list");
	st->content = mask;
	return 0;
}

static int
set_nodes(struct parser *p, struct vmm_storage *st, const char *value)
{
	if (parse_list(value, &st->nodes) < 0)
		return vmm_err(p->err, -ENOMEM, "out of memory");
	if (!st->nodes[0])
		return perr(p, "nodes: empty list");
	for (size_t i = 0; st->nodes[i]; i++)
		if (!name_valid(st->nodes[i], 63, false))
			return perr(p, "nodes: '%s' is not a node name", st->nodes[i]);
	return 0;
}

static int
set_string(struct parser *p, char **field, const char *key, const char *value)
{
	if (!strcmp(key, "path") || !strcmp(key, "export")) {
		if (value[0] != '/')
			return perr(p, "%s: '%s' is not an absolute path", key, value);
	} else if (!strcmp(key, "target")) {
		if (strncmp(value, "iqn.", 4) && strncmp(value, "eui.", 4))
			return perr(p, "target: '%s' is not an iSCSI name (iqn.* or eui.*)",
				    value);
	}
	if (strpbrk(value, " \t,"))
		return perr(p, "%s: '%s' contains a blank or a comma", key, value);
	*field = strdup(value);
	return *field ? 0 : vmm_err(p->err, -ENOMEM, "out of memory");
}

static int
set_key(struct parser *p, struct vmm_storage *st, const char *key, const char *value)
{
	if (!strcmp(key, "content"))
		return set_content(p, st, value);
	if (!strcmp(key, "nodes"))
		return set_nodes(p, st, value);
	if (!strcmp(key, "shared")) {
		if (strcmp(value, "0") && strcmp(value, "1"))
			return perr(p, "shared: '%s' is not 0 or 1", value);
		st->shared = value[0] == '1';
		return 0;
	}
	if (!strcmp(key, "access")) {
		if (!strcmp(value, "kernel"))
			st->access = VMM_ACCESS_KERNEL;
		else if (!strcmp(value, "qemu"))
			st->access = VMM_ACCESS_QEMU;
		else
			return perr(p, "access: '%s' is not kernel or qemu", value);
		return 0;
	}
	if (!strcmp(key, "server"))
		return set_string(p, &st->server, key, value);
	if (!strcmp(key, "export"))
		return set_string(p, &st->export_, key, value);
	if (!strcmp(key, "portal"))
		return set_string(p, &st->portal, key, value);
	if (!strcmp(key, "target"))
		return set_string(p, &st->target, key, value);
	return set_string(p, &st->path, key, value);
}

static int
option_line(struct parser *p, const char *s)
{
	char key[32];
	const char *value;
	size_t klen = strcspn(s, " \t"), i;

	if (!p->tk)
		return perr(p, "indented line '%s' outside a storage section", s);
	value = s + klen;
	while (*value == ' ' || *value == '\t')
		value++;
	if (klen >= sizeof(key))
		return perr(p, "'%.*s' is not a key", (int)klen, s);
	memcpy(key, s, klen);
	key[klen] = '\0';
	for (i = 0; p->tk->keys[i]; i++)
		if (!strcmp(p->tk->keys[i] + (p->tk->keys[i][0] == '!'), key))
			break;
	if (!p->tk->keys[i])
		return perr(p, "unknown key '%s' for %s storage", key, p->tk->type);
	if (p->seen & (1u << i))
		return perr(p, "%s: given twice", key);
	p->seen |= 1u << i;
	if (*value == '\0')
		return perr(p, "%s: no value", key);
	return set_key(p, &p->cfg->v[p->cfg->n - 1], key, value);
}

/* Check the section that just ended: its required keys are there. */
static int
section_end(struct parser *p, unsigned header_line)
{
	unsigned line = p->line;
	int r = 0;

	if (!p->tk)
		return 0;
	for (size_t i = 0; p->tk->keys[i]; i++) {
		if (p->tk->keys[i][0] == '!' && !(p->seen & (1u << i))) {
			p->line = header_line;
			r = perr(p, "missing required key '%s'", p->tk->keys[i] + 1);
			break;
		}
	}
	p->line = line;
	return r;
}

static int
header_line(struct parser *p, const char *s)
{
	const char *colon = strchr(s, ':'), *id;
	struct vmm_storage *v, *st;
	unsigned *lines;
	size_t i;

	p->tk = NULL;
	if (!colon)
		return perr(p, "expected a section '<type>: <storage>', got '%s'", s);
	for (i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (strlen(types[i].type) == (size_t)(colon - s) &&
		    !strncmp(types[i].type, s, (size_t)(colon - s)))
			break;
	if (i == sizeof(types) / sizeof(*types))
		return perr(p, "unknown storage type '%.*s' (dir, nfs, iscsi)", (int)(colon - s),
			    s);
	id = colon + 1;
	while (*id == ' ' || *id == '\t')
		id++;
	if (!name_valid(id, 63, true))
		return perr(p, "'%s' is not a storage name (a letter, then letters, digits, "
			       "'-', '_', '.'; at most 63)",
			    id);
	for (size_t j = 0; j < p->cfg->n; j++)
		if (!strcmp(p->cfg->v[j].id, id))
			return perr(p, "storage '%s' is already defined on line %u", id,
				    p->cfg->lines[j]);
	v = realloc(p->cfg->v, (p->cfg->n + 1) * sizeof(*v));
	if (v)
		p->cfg->v = v;
	lines = realloc(p->cfg->lines, (p->cfg->n + 1) * sizeof(*lines));
	if (lines)
		p->cfg->lines = lines;
	if (!v || !lines)
		return vmm_err(p->err, -ENOMEM, "out of memory");
	st = &p->cfg->v[p->cfg->n];
	*st = (struct vmm_storage){ .content = VMM_CONTENT_IMAGES, .shared = types[i].shared };
	snprintf(st->type, sizeof(st->type), "%s", types[i].type);
	snprintf(st->id, sizeof(st->id), "%s", id);
	p->cfg->lines[p->cfg->n++] = p->line;
	p->tk = &types[i];
	p->seen = 0;
	return 0;
}

static int
parse_text(struct parser *p, char *copy)
{
	char *line, *next, *end;
	unsigned header = 0;
	int r;

	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		p->line++;
		end = line + strlen(line);
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (line[0] == ' ' || line[0] == '\t') {
			while (*line == ' ' || *line == '\t')
				line++;
			r = line[0] == '#' ? 0 : option_line(p, line);
		} else {
			r = section_end(p, header);
			if (r == 0)
				r = header_line(p, line);
			header = p->line;
		}
		if (r < 0)
			return r;
	}
	return section_end(p, header);
}

static int
parse(const char *file, bool lines, const char *text, vmm_storage_cfg_t **ret_cfg,
      vmm_error_t *err)
{
	struct parser p = { .file = file, .lines = lines, .err = err };
	char *copy = strdup(text);
	int r;

	p.cfg = calloc(1, sizeof(*p.cfg));
	if (!copy || !p.cfg) {
		r = vmm_err(err, -ENOMEM, "%s: out of memory", file);
		goto fail;
	}
	r = parse_text(&p, copy);
	if (r < 0)
		goto fail;
	free(copy);
	*ret_cfg = p.cfg;
	return 0;
fail:
	free(copy);
	vmm_storage_cfg_free(p.cfg);
	return r;
}

int
vmm_storage_cfg_parse(const char *file, const char *text, vmm_storage_cfg_t **ret_cfg,
		      vmm_error_t *err)
{
	return parse(file, true, text, ret_cfg, err);
}

int
vmm_storage_cfg_parse_unlined(const char *what, const char *text, vmm_storage_cfg_t **ret_cfg,
			      vmm_error_t *err)
{
	return parse(what, false, text, ret_cfg, err);
}

unsigned
vmm_storage_cfg_line(const vmm_storage_cfg_t *cfg, size_t i)
{
	return i < cfg->n ? cfg->lines[i] : 0;
}

int
vmm_storage_cfg_load(vmm_ctx_t *ctx, vmm_storage_cfg_t **ret_cfg, vmm_error_t *err)
{
	char path[4096], *text = NULL;
	int r;

	if (snprintf(path, sizeof(path), "%s/storage.cfg", vmm_ctx_config_root(ctx)) >=
	    (int)sizeof(path))
		return vmm_err(err, -ENAMETOOLONG, "config root too long");
	r = vmm_file_read(path, &text, err);
	if (r == -ENOENT)
		return vmm_storage_cfg_parse(path, "", ret_cfg, err);
	if (r < 0)
		return r;
	r = vmm_storage_cfg_parse(path, text, ret_cfg, err);
	free(text);
	return r;
}

void
vmm_storage_cfg_free(vmm_storage_cfg_t *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		struct vmm_storage *st = &cfg->v[i];

		vmm_strv_free(st->nodes);
		free(st->path);
		free(st->server);
		free(st->export_);
		free(st->portal);
		free(st->target);
	}
	free(cfg->v);
	free(cfg->lines);
	free(cfg);
}

size_t
vmm_storage_cfg_count(const vmm_storage_cfg_t *cfg)
{
	return cfg->n;
}

const struct vmm_storage *
vmm_storage_cfg_at(const vmm_storage_cfg_t *cfg, size_t i)
{
	return i < cfg->n ? &cfg->v[i] : NULL;
}

const struct vmm_storage *
vmm_storage_cfg_find(const vmm_storage_cfg_t *cfg, const char *id)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (!strcmp(cfg->v[i].id, id))
			return &cfg->v[i];
	return NULL;
}

bool
vmm_storage_on_node(const struct vmm_storage *st, const char *node)
{
	if (!st->nodes)
		return true;
	for (size_t i = 0; st->nodes[i]; i++)
		if (!strcmp(st->nodes[i], node))
			return true;
	return false;
}

void
vmm_storage_content_format(unsigned content, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t j = 0; j < sizeof(content_names) / sizeof(*content_names); j++) {
		if (!(content & (1u << j)))
			continue;
		int n = snprintf(buf + len, size - len, "%s%s", len ? "," : "", content_names[j]);
		if (n < 0 || (size_t)n >= size - len)
			return;
		len += (size_t)n;
	}
}
