/*
 * crm_commands.c - the parser of ha/crm_commands, where ha-manager queues
 * admin requests (migrate, relocate) for the master.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/hamgr-int.h"

static int
parse_line(const char *file, struct hamgr_cfg_line *l, struct hamgr_cmd *c,
	   struct hamgr_error *err)
{
	char *sid = l->value, *node;

	if (strcmp(l->key, "migrate") == 0)
		c->kind = HAMGR_CMD_MIGRATE;
	else if (strcmp(l->key, "relocate") == 0)
		c->kind = HAMGR_CMD_RELOCATE;
	else
		return hamgr_error_set(err, file, l->line,
				       "unknown command '%s' (expected migrate or relocate)",
				       l->key);
	node = strchr(sid, ' ');
	if (!node)
		return hamgr_error_set(err, file, l->line, "%s: expected SID NODE", l->key);
	*node++ = '\0';
	while (*node == ' ')
		node++;
	if (!hamgr_sid_valid(sid))
		return hamgr_error_set(err, file, l->line, "%s: '%s' is not a service id", l->key,
				       sid);
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
