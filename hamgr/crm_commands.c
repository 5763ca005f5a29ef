/*
 * crm_commands.c - the parser of ha/crm_commands, where ha-manager queues
 * admin requests (migrate, relocate, stop, disarm, arm, node-maintenance)
 * for the master.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/hamgr-int.h"

/* "node-maintenance enable|disable NODE", the words of ha-manager's command. */
static int
parse_maintenance(const char *file, struct hamgr_cfg_line *l, struct hamgr_cmd *c,
		  struct hamgr_error *err)
{
	char *how = l->value, *node = strchr(how, ' ');

	if (node) {
		*node++ = '\0';
		while (*node == ' ')
			node++;
	}
	if (strcmp(how, "enable") == 0)
		c->kind = HAMGR_CMD_MAINTENANCE_ON;
	else if (strcmp(how, "disable") == 0)
		c->kind = HAMGR_CMD_MAINTENANCE_OFF;
	else
		return hamgr_error_set(err, file, l->line,
				       "node-maintenance: expected enable or disable, not '%s'", how);
	if (!node || !*node)
		return hamgr_error_set(err, file, l->line, "node-maintenance %s: expected NODE",
				       how);
	if (!hamgr_name_valid(node))
		return hamgr_error_set(err, file, l->line,
				       "node-maintenance %s: '%s' is not a node name", how, node);
	strcpy(c->node, node);
	return 0;
}

static int
parse_line(const char *file, struct hamgr_cfg_line *l, struct hamgr_cmd *c,
	   struct hamgr_error *err)
{
	char *sid = l->value, *node;
	uint64_t v;

	memset(c, 0, sizeof(*c));
	if (strcmp(l->key, "disarm") == 0 || strcmp(l->key, "arm") == 0) {
		if (*l->value)
			return hamgr_error_set(err, file, l->line, "%s: takes no arguments",
					       l->key);
		c->kind = l->key[0] == 'd' ? HAMGR_CMD_DISARM : HAMGR_CMD_ARM;
		return 0;
	}
	if (strcmp(l->key, "node-maintenance") == 0)
		return parse_maintenance(file, l, c, err);
	if (strcmp(l->key, "stop") == 0)
		c->kind = HAMGR_CMD_STOP;
	else if (strcmp(l->key, "migrate") == 0)
		c->kind = HAMGR_CMD_MIGRATE;
	else if (strcmp(l->key, "relocate") == 0)
		c->kind = HAMGR_CMD_RELOCATE;
	else
		return hamgr_error_set(err, file, l->line,
				       "unknown command '%s' (expected migrate, relocate, stop, "
				       "disarm, arm or node-maintenance)",
				       l->key);
	node = strchr(sid, ' ');
	if (!node)
		return hamgr_error_set(err, file, l->line, "%s: expected SID %s", l->key,
				       c->kind == HAMGR_CMD_STOP ? "TIMEOUT" : "NODE");
	*node++ = '\0';
	while (*node == ' ')
		node++;
	if (!hamgr_sid_valid(sid))
		return hamgr_error_set(err, file, l->line, "%s: '%s' is not a service id", l->key,
				       sid);
	if (c->kind == HAMGR_CMD_STOP) {
		/* Plain seconds as ha-manager users know them, or a duration. */
		if (hamgr_parse_uint(node, 0, 86400, &v) == 0)
			v *= 1000;
		else if (hamgr_parse_duration_ms(node, &v) < 0)
			return hamgr_error_set(err, file, l->line,
					       "stop: '%s' is not a timeout (seconds, or a "
					       "duration like 30s or 500ms, up to 24h)",
					       node);
		strcpy(c->sid, sid);
		c->timeout_ms = (uint32_t)v;
		return 0;
	}
	if (!hamgr_name_valid(node))
		return hamgr_error_set(err, file, l->line, "%s: '%s' is not a node name", l->key,
				       node);
	strcpy(c->sid, sid);
	strcpy(c->node, node);
	return 0;
}

int
hamgr_cmds_parse(const char *file, const char *text, size_t len, struct hamgr_cmd **ret,
		 size_t *ret_n, struct hamgr_error *err)
{
	struct hamgr_cfg_reader *rd = malloc(sizeof(*rd));
	struct hamgr_cmd *cmds = NULL;
	struct hamgr_cfg_line l;
	size_t n = 0;
	int r = -ENOMEM;

	if (!rd)
		return -ENOMEM;
	hamgr_cfg_reader_init(rd, file, text, len);
	while ((r = hamgr_cfg_next(rd, &l, err)) > 0) {
		void *p = realloc(cmds, (n + 1) * sizeof(*cmds));

		if (!p) {
			r = -ENOMEM;
			break;
		}
		cmds = p;
		r = parse_line(file, &l, &cmds[n], err);
		if (r < 0)
			break;
		n++;
	}
	free(rd);
	if (r < 0) {
		free(cmds);
		return r;
	}
	*ret = cmds;
	*ret_n = n;
	return 0;
}
