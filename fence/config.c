/*
 * config.c - the fence.cfg(5) parser: "device: NAME" and "node: NAME"
 * sections with indented "key value" lines, checked as a whole so that
 * every problem is reported with the line it is on.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fence/fence-int.h"

enum { TYPE_IPMI = 1, TYPE_AGENT = 2, TYPE_ANY = 3 };

/* The longest name of a device or node, and of an IPMI user (spec limit). */
#define NAME_MAX_LEN      63
#define IPMI_USER_MAX_LEN 16
#define TIMEOUT_MIN_MS    500u
#define TIMEOUT_MAX_MS    600000u
#define DELAY_MAX_MS      600000u

struct node_priv {
	struct fence_node pub; /* first: fence_config_node() hands this out */
	char ***level_names;   /* per level, NULL-terminated device names */
	unsigned *level_lines;
	unsigned key_line[3]; /* line of level (first), delay, random-delay */
};

struct fence_config {
	const char *source;
	struct fence_device **devices;
	size_t n_devices;
	struct node_priv **nodes;
	size_t n_nodes;
};

/* What the parser is filling in, and where it is. */
struct parser {
	fence_config_t *cfg;
	const char *source;
	unsigned line;
	fence_err_t *err;
	struct fence_device *dev;  /* current section: a device ... */
	unsigned dev_key_line[16]; /* line each device key was set on, 0 = unset */
	struct node_priv *node;    /* ... or a node */
};

static int __attribute__((format(printf, 3, 4)))
parse_error(struct parser *p, unsigned line, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fence_err_set(p->err, "%s:%u: %s", p->source, line, what);
	return -EINVAL;
}

static bool
valid_name(const char *s)
{
	size_t i;

	if (!isalnum((unsigned char)s[0]))
		return false;
	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return i <= NAME_MAX_LEN;
}

/* A non-negative decimal integer up to @max into *ret. */
static bool
parse_uint(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*ret = v;
	return true;
}

/* "N", "Ns" (seconds) or "Nms" into milliseconds, at most @max_ms. */
static int
parse_duration(struct parser *p, const char *key, const char *s, unsigned min_ms, unsigned max_ms,
               unsigned *ret_ms)
{
	char num[32];
	size_t digits = strspn(s, "0123456789");
	const char *unit = s + digits;
	unsigned long v, scale;

	if (digits == 0 || digits >= sizeof(num))
		goto bad;
	if (!*unit || !strcmp(unit, "s"))
		scale = 1000;
	else if (!strcmp(unit, "ms"))
		scale = 1;
	else
		goto bad;
	memcpy(num, s, digits);
	num[digits] = '\0';
	if (!parse_uint(num, max_ms, &v) || v * scale > max_ms || v * scale < min_ms)
		return parse_error(p, p->line, "'%s %s' is out of range (%u ms to %u s)", key, s,
		                   min_ms, max_ms / 1000);
	*ret_ms = (unsigned)(v * scale);
	return 0;
bad:
	return parse_error(p, p->line, "'%s %s' is not a duration (e.g. 5s or 500ms)", key, s);
}

static int
set_string(struct parser *p, const char *key, char **dst, const char *value)
{
	*dst = strdup(value);
	return *dst ? 0 : -ENOMEM;
}

/* ------------------------------------------------------------- device keys */

static int
dev_type(struct parser *p, const char *key, const char *v)
{
	if (strcmp(v, "ipmi") && strcmp(v, "agent"))
		return parse_error(p, p->line, "device '%s': unknown type '%s' (ipmi or agent)",
		                   p->dev->name, v);
	return set_string(p, key, &p->dev->type, v);
}

static int
dev_address(struct parser *p, const char *key, const char *v)
{
	if (strpbrk(v, " \t"))
		return parse_error(p, p->line, "device '%s': address '%s' contains a space",
		                   p->dev->name, v);
	return set_string(p, key, &p->dev->address, v);
}

static int
dev_port(struct parser *p, const char *key, const char *v)
{
	unsigned long port;

	if (!parse_uint(v, 65535, &port) || port == 0)
		return parse_error(p, p->line, "device '%s': port '%s' is not 1-65535",
		                   p->dev->name, v);
	p->dev->port = (unsigned)port;
	return 0;
}

static int
dev_user(struct parser *p, const char *key, const char *v)
{
	return set_string(p, key, &p->dev->user, v);
}

static int
dev_cipher(struct parser *p, const char *key, const char *v)
{
	unsigned long c;

	if (!parse_uint(v, 17, &c))
		return parse_error(p, p->line, "device '%s': cipher '%s' is not a suite 0-17",
		                   p->dev->name, v);
	p->dev->cipher = (int)c;
	return 0;
}

static int
dev_privilege(struct parser *p, const char *key, const char *v)
{
	if (!strcmp(v, "user"))
		p->dev->privilege = FENCE_PRIV_USER;
	else if (!strcmp(v, "operator"))
		p->dev->privilege = FENCE_PRIV_OPERATOR;
	else if (!strcmp(v, "admin"))
		p->dev->privilege = FENCE_PRIV_ADMIN;
	else
		return parse_error(p, p->line,
		                   "device '%s': privilege '%s' is not user, operator or admin",
		                   p->dev->name, v);
	return 0;
}

static int
dev_timeout(struct parser *p, const char *key, const char *v)
{
	return parse_duration(p, key, v, TIMEOUT_MIN_MS, TIMEOUT_MAX_MS, &p->dev->timeout_ms);
}

static const struct {
	const char *name;
	unsigned bit;
} workarounds[] = {
    {"opensesspriv", FENCE_IPMI_WA_OPENSESSPRIV},
    {"authcap", FENCE_IPMI_WA_AUTHCAP},
    {"intel20", FENCE_IPMI_WA_INTEL20},
    {"supermicro20", FENCE_IPMI_WA_SUPERMICRO20},
    {"sun20", FENCE_IPMI_WA_SUN20},
};

static int
dev_workaround(struct parser *p, const char *key, const char *v)
{
	char buf[256], *tok, *save = NULL;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		for (i = 0; i < sizeof(workarounds) / sizeof(workarounds[0]); i++)
			if (!strcmp(tok, workarounds[i].name))
				break;
		if (i == sizeof(workarounds) / sizeof(workarounds[0]))
			return parse_error(p, p->line,
			                   "device '%s': unknown workaround '%s' (opensesspriv, "
			                   "authcap, intel20, supermicro20, sun20)",
			                   p->dev->name, tok);
		p->dev->workarounds |= workarounds[i].bit;
	}
	return 0;
}

static int
dev_agent(struct parser *p, const char *key, const char *v)
{
	if (strpbrk(v, " \t"))
		return parse_error(p, p->line,
		                   "device '%s': agent '%s' contains a space; arguments go in "
		                   "'option' lines",
		                   p->dev->name, v);
	return set_string(p, key, &p->dev->agent, v);
}

static int
dev_option(struct parser *p, const char *key, const char *v)
{
	const char *eq = strchr(v, '=');
	struct fence_device *d = p->dev;
	struct fence_option *opts, *o;
	size_t klen = eq ? (size_t)(eq - v) : 0, i;

	if (!eq || klen == 0)
		return parse_error(p, p->line, "device '%s': option '%s' is not KEY=VALUE", d->name,
		                   v);
	for (i = 0; i < klen; i++)
		if (!islower((unsigned char)v[i]) && !isdigit((unsigned char)v[i]) && v[i] != '_')
			return parse_error(p, p->line,
			                   "device '%s': option key '%.*s' must be [a-z0-9_]",
			                   d->name, (int)klen, v);
	if ((klen == 6 && !strncmp(v, "action", 6)) || (klen >= 6 && !strncmp(v, "passwd", 6)) ||
	    (klen >= 8 && !strncmp(v, "password", 8)))
		return parse_error(p, p->line,
		                   "device '%s': option '%.*s' is not allowed here (the action is "
		                   "chosen per call; passwords live in the password directory)",
		                   d->name, (int)klen, v);
	opts = realloc(d->options, (d->n_options + 1) * sizeof(*opts));
	if (!opts)
		return -ENOMEM;
	d->options = opts;
	o = &opts[d->n_options];
	o->key = strndup(v, klen);
	o->value = strdup(eq + 1);
	if (!o->key || !o->value) {
		free(o->key);
		free(o->value);
		return -ENOMEM;
	}
	d->n_options++;
	return 0;
}

struct key_desc {
	const char *name;
	unsigned types;
	bool repeat;
	int (*set)(struct parser *p, const char *key, const char *value);
};

static const struct key_desc device_keys[] = {
    {"type", TYPE_ANY, false, dev_type},       {"address", TYPE_ANY, false, dev_address},
    {"port", TYPE_ANY, false, dev_port},       {"user", TYPE_ANY, false, dev_user},
    {"cipher", TYPE_ANY, false, dev_cipher},   {"privilege", TYPE_ANY, false, dev_privilege},
    {"timeout", TYPE_ANY, false, dev_timeout}, {"workaround", TYPE_IPMI, true, dev_workaround},
    {"agent", TYPE_AGENT, false, dev_agent},   {"option", TYPE_AGENT, true, dev_option},
};
#define N_DEVICE_KEYS (sizeof(device_keys) / sizeof(device_keys[0]))
/* Index of "user" above, for the IPMI length check. */
#define KEY_USER 3

/* ---------------------------------------------------------------- node keys */

static int
node_level(struct parser *p, const char *key, const char *v)
{
	struct node_priv *n = p->node;
	char buf[1024], *tok, *save = NULL, **names = NULL, ***levels;
	unsigned *lines;
	size_t count = 0, i;
	int r = -ENOMEM;

	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char **grown;

		for (i = 0; i < count; i++)
			if (!strcmp(names[i], tok)) {
				r = parse_error(p, p->line,
				                "node '%s': device '%s' twice in one level",
				                n->pub.name, tok);
				goto error;
			}
		grown = realloc(names, (count + 2) * sizeof(*names));
		if (!grown || !(grown[count] = strdup(tok))) {
			names = grown ? grown : names;
			goto error;
		}
		names = grown;
		names[++count] = NULL;
	}
	levels = realloc(n->level_names, (n->pub.n_levels + 1) * sizeof(*levels));
	if (!levels)
		goto error;
	n->level_names = levels;
	lines = realloc(n->level_lines, (n->pub.n_levels + 1) * sizeof(*lines));
	if (!lines)
		goto error;
	n->level_lines = lines;
	levels[n->pub.n_levels] = names;
	lines[n->pub.n_levels] = p->line;
	n->pub.n_levels++;
	return 0;
error:
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return r;
}

static int
node_delay(struct parser *p, const char *key, const char *v)
{
	return parse_duration(p, key, v, 0, DELAY_MAX_MS, &p->node->pub.delay_ms);
}

static int
node_random_delay(struct parser *p, const char *key, const char *v)
{
	return parse_duration(p, key, v, 0, DELAY_MAX_MS, &p->node->pub.random_delay_ms);
}

static const struct key_desc node_keys[] = {
    {"level", TYPE_ANY, true, node_level},
    {"delay", TYPE_ANY, false, node_delay},
    {"random-delay", TYPE_ANY, false, node_random_delay},
};
#define N_NODE_KEYS (sizeof(node_keys) / sizeof(node_keys[0]))

/* ----------------------------------------------------------------- sections */

static unsigned
type_bit(const char *type)
{
	return !type ? 0 : !strcmp(type, "ipmi") ? TYPE_IPMI : TYPE_AGENT;
}

/* The device section just ended: is it complete and consistent? */
static int
device_finish(struct parser *p)
{
	struct fence_device *d = p->dev;
	unsigned bit = type_bit(d->type);
	size_t k;

	p->dev = NULL;
	if (!d->type)
		return parse_error(p, d->line, "device '%s' has no 'type' (ipmi or agent)",
		                   d->name);
	for (k = 0; k < N_DEVICE_KEYS; k++)
		if (p->dev_key_line[k] && !(device_keys[k].types & bit))
			return parse_error(p, p->dev_key_line[k],
			                   "device '%s': '%s' is not a setting of type %s", d->name,
			                   device_keys[k].name, d->type);
	if (bit == TYPE_IPMI && !d->address)
		return parse_error(p, d->line, "device '%s' (ipmi) has no 'address'", d->name);
	if (bit == TYPE_IPMI && d->user && strlen(d->user) > IPMI_USER_MAX_LEN)
		return parse_error(p, p->dev_key_line[KEY_USER],
		                   "device '%s': user is longer than %d bytes (IPMI limit)",
		                   d->name, IPMI_USER_MAX_LEN);
	if (bit == TYPE_AGENT && !d->agent)
		return parse_error(p, d->line,
		                   "device '%s' (agent) has no 'agent' (e.g. agent fence_ipmilan)",
		                   d->name);
	if (!d->timeout_ms)
		d->timeout_ms = FENCE_DEFAULT_TIMEOUT_MS;
	return 0;
}

static int
node_finish(struct parser *p)
{
	struct node_priv *n = p->node;

	p->node = NULL;
	if (n->pub.n_levels == 0)
		return parse_error(p, n->pub.line,
		                   "node '%s' has no 'level' (which devices fence it?)",
		                   n->pub.name);
	return 0;
}

static int
section_finish(struct parser *p)
{
	if (p->dev)
		return device_finish(p);
	if (p->node)
		return node_finish(p);
	return 0;
}

static bool
name_taken(const fence_config_t *cfg, bool device, const char *name)
{
	size_t i;

	if (device) {
		for (i = 0; i < cfg->n_devices; i++)
			if (!strcmp(cfg->devices[i]->name, name))
				return true;
	} else {
		for (i = 0; i < cfg->n_nodes; i++)
			if (!strcmp(cfg->nodes[i]->pub.name, name))
				return true;
	}
	return false;
}

static int
section_start(struct parser *p, const char *kind, const char *name)
{
	fence_config_t *cfg = p->cfg;
	bool device = !strcmp(kind, "device");
	void *grown;

	if (!device && strcmp(kind, "node"))
		return parse_error(p, p->line, "unknown section '%s:' (device: or node:)", kind);
	if (!*name)
		return parse_error(p, p->line, "'%s:' needs a name", kind);
	if (!valid_name(name))
		return parse_error(p, p->line,
		                   "%s name '%s' must be 1-%d characters [A-Za-z0-9_.-], starting "
		                   "with a letter or digit",
		                   kind, name, NAME_MAX_LEN);
	if (name_taken(cfg, device, name))
		return parse_error(p, p->line, "%s '%s' is defined twice", kind, name);
	if (device) {
		struct fence_device *d = calloc(1, sizeof(*d));

		grown = realloc(cfg->devices, (cfg->n_devices + 1) * sizeof(*cfg->devices));
		if (!d || !grown || !(d->name = strdup(name))) {
			free(d);
			if (grown)
				cfg->devices = grown;
			return -ENOMEM;
		}
		cfg->devices = grown;
		d->line = p->line;
		d->cipher = -1;
		cfg->devices[cfg->n_devices++] = d;
		p->dev = d;
		memset(p->dev_key_line, 0, sizeof(p->dev_key_line));
	} else {
		struct node_priv *n = calloc(1, sizeof(*n));

		grown = realloc(cfg->nodes, (cfg->n_nodes + 1) * sizeof(*cfg->nodes));
		if (!n || !grown || !(n->pub.name = strdup(name))) {
			free(n);
			if (grown)
				cfg->nodes = grown;
			return -ENOMEM;
		}
		cfg->nodes = grown;
		n->pub.line = p->line;
		cfg->nodes[cfg->n_nodes++] = n;
		p->node = n;
	}
	return 0;
}

static int
key_line(struct parser *p, const char *key, const char *value)
{
	const struct key_desc *table = p->dev ? device_keys : node_keys;
	size_t n = p->dev ? N_DEVICE_KEYS : N_NODE_KEYS, k;
	unsigned *seen = p->dev ? p->dev_key_line : p->node->key_line;
	const char *what = p->dev ? "device" : "node";
	const char *name = p->dev ? p->dev->name : p->node->pub.name;

	for (k = 0; k < n; k++)
		if (!strcmp(table[k].name, key))
			break;
	if (k == n)
		return parse_error(p, p->line, "%s '%s': unknown key '%s'", what, name, key);
	if (!*value)
		return parse_error(p, p->line, "%s '%s': '%s' needs a value", what, name, key);
	if (seen[k] && !table[k].repeat)
		return parse_error(p, p->line, "%s '%s': '%s' is set twice (first on line %u)",
		                   what, name, key, seen[k]);
	if (!seen[k])
		seen[k] = p->line;
	return table[k].set(p, key, value);
}

/* Strip trailing white space in place. */
static void
rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

static int
parse_line(struct parser *p, char *line)
{
	char *s = line, *rest;
	int r;

	rstrip(line);
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#')
		return 0;
	for (rest = s; *rest; rest++)
		if (iscntrl((unsigned char)*rest) && *rest != '\t')
			return parse_error(p, p->line, "control character in line");
	if (s == line) {
		/* A section header: "kind: name". */
		char *colon = strchr(s, ':');

		if (!colon)
			return parse_error(p, p->line,
			                   "expected 'device: NAME' or 'node: NAME' (settings are "
			                   "indented)");
		*colon = '\0';
		rest = colon + 1;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		r = section_finish(p);
		return r < 0 ? r : section_start(p, s, rest);
	}
	if (!p->dev && !p->node)
		return parse_error(p, p->line, "setting '%s' outside a device: or node: section",
		                   s);
	rest = s + strcspn(s, " \t");
	if (*rest) {
		*rest++ = '\0';
		while (*rest == ' ' || *rest == '\t')
			rest++;
	}
	return key_line(p, s, rest);
}

/* Point every level at its devices, now that all devices are known. */
static int
resolve_levels(struct parser *p)
{
	size_t i, l, d;

	for (i = 0; i < p->cfg->n_nodes; i++) {
		struct node_priv *n = p->cfg->nodes[i];

		n->pub.levels = calloc(n->pub.n_levels, sizeof(*n->pub.levels));
		if (!n->pub.levels)
			return -ENOMEM;
		for (l = 0; l < n->pub.n_levels; l++) {
			char **names = n->level_names[l];
			struct fence_level *lv = &n->pub.levels[l];

			for (d = 0; names[d]; d++)
				;
			lv->devices = calloc(d, sizeof(*lv->devices));
			if (!lv->devices)
				return -ENOMEM;
			for (d = 0; names[d]; d++) {
				size_t k;

				for (k = 0; k < p->cfg->n_devices; k++)
					if (!strcmp(p->cfg->devices[k]->name, names[d]))
						break;
				if (k == p->cfg->n_devices)
					return parse_error(
					    p, n->level_lines[l],
					    "node '%s': level uses unknown device '%s'",
					    n->pub.name, names[d]);
				lv->devices[lv->n_devices++] = p->cfg->devices[k];
			}
		}
	}
	return 0;
}

int
fence_config_parse(const char *text, const char *source, fence_config_t **ret_cfg, fence_err_t *err)
{
	struct parser p = {.source = source, .err = err};
	char *copy, *line, *next;
	int r = 0;

	p.cfg = calloc(1, sizeof(*p.cfg));
	copy = strdup(text);
	if (!p.cfg || !copy) {
		r = -ENOMEM;
		goto out;
	}
	for (line = copy; line && r == 0; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		p.line++;
		r = parse_line(&p, line);
	}
	if (r == 0)
		r = section_finish(&p);
	if (r == 0)
		r = resolve_levels(&p);
out:
	free(copy);
	if (r < 0) {
		if (r == -ENOMEM)
			fence_err_set(err, "%s: out of memory", source);
		fence_config_free(p.cfg);
		return r;
	}
	*ret_cfg = p.cfg;
	return 0;
}

int
fence_config_load(const char *path, fence_config_t **ret_cfg, fence_err_t *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp, *mem;
	char buf[4096];
	size_t n;
	int r = 0;

	fp = fopen(path, "re");
	if (!fp) {
		r = -errno;
		fence_err_set(err, "cannot read '%s': %s", path, strerror(-r));
		return r;
	}
	mem = open_memstream(&text, &len);
	if (!mem) {
		fclose(fp);
		return -ENOMEM;
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		fwrite(buf, 1, n, mem);
	if (ferror(fp)) {
		r = -EIO;
		fence_err_set(err, "cannot read '%s': %s", path, strerror(EIO));
	}
	fclose(fp);
	if (fclose(mem) != 0 && r == 0)
		r = -ENOMEM;
	if (r == 0 && strlen(text) != len)
		r = parse_error(&(struct parser){.source = path, .err = err}, 1,
		                "file contains a NUL byte");
	if (r == 0)
		r = fence_config_parse(text, path, ret_cfg, err);
	free(text);
	return r;
}

static void
device_free(struct fence_device *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n_options; i++) {
		free(d->options[i].key);
		free(d->options[i].value);
	}
	free(d->options);
	free(d->name);
	free(d->type);
	free(d->address);
	free(d->user);
	free(d->agent);
	free(d);
}

static void
node_free(struct node_priv *n)
{
	size_t l, i;

	if (!n)
		return;
	for (l = 0; l < n->pub.n_levels; l++) {
		for (i = 0; n->level_names[l][i]; i++)
			free(n->level_names[l][i]);
		free(n->level_names[l]);
		if (n->pub.levels)
			free(n->pub.levels[l].devices);
	}
	free(n->level_names);
	free(n->level_lines);
	free(n->pub.levels);
	free(n->pub.name);
	free(n);
}

void
fence_config_free(fence_config_t *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_devices; i++)
		device_free(cfg->devices[i]);
	for (i = 0; i < cfg->n_nodes; i++)
		node_free(cfg->nodes[i]);
	free(cfg->devices);
	free(cfg->nodes);
	free(cfg);
}

size_t
fence_config_n_devices(const fence_config_t *cfg)
{
	return cfg->n_devices;
}

const struct fence_device *
fence_config_device_at(const fence_config_t *cfg, size_t i)
{
	return i < cfg->n_devices ? cfg->devices[i] : NULL;
}

size_t
fence_config_n_nodes(const fence_config_t *cfg)
{
	return cfg->n_nodes;
}

const struct fence_node *
fence_config_node_at(const fence_config_t *cfg, size_t i)
{
	return i < cfg->n_nodes ? &cfg->nodes[i]->pub : NULL;
}

const struct fence_node *
fence_config_node(const fence_config_t *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_nodes; i++)
		if (!strcmp(cfg->nodes[i]->pub.name, name))
			return &cfg->nodes[i]->pub;
	return NULL;
}
