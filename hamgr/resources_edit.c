/*
 * resources_edit.c - changes the requested state of one resource in the
 * text of ha/resources.cfg, keeping comments, order and every other line,
 * for commands that imply a new requested state (stop with a timeout).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/hamgr-int.h"

/* Does line [@s, @e) start the section of @sid ("vm: 100")? */
static bool
is_header(const char *s, const char *e, const char *sid)
{
	const char *colon = strchr(sid, ':');
	size_t tlen = (size_t)(colon - sid) + 1, n;
	const char *id = colon + 1;

	if ((size_t)(e - s) < tlen || memcmp(s, sid, tlen) != 0)
		return false;
	s += tlen;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	n = strlen(id);
	if ((size_t)(e - s) < n || memcmp(s, id, n) != 0)
		return false;
	for (s += n; s < e; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return false;
	return true;
}

/* Is [@s, @e) an indented "state ..." line? */
static bool
is_state_line(const char *s, const char *e)
{
	if (s == e || (*s != ' ' && *s != '\t'))
		return false;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	return e - s >= 6 && memcmp(s, "state", 5) == 0 && (s[5] == ' ' || s[5] == '\t');
}

int
hamgr_resources_set_state(const char *text, const char *sid, enum hamgr_req_state state,
			  char **ret)
{
	const char *p = text, *end = text + strlen(text), *header_end = NULL, *repl_s = NULL,
		   *repl_e = NULL;
	bool in = false;
	char *out;
	size_t size;
	FILE *f;

	if (!hamgr_sid_valid(sid))
		return -EINVAL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		if (*p != ' ' && *p != '\t' && *p != '#' && p != e) {
			if (in)
				break; /* next section */
			in = is_header(p, e, sid);
			if (in)
				header_end = nl ? nl + 1 : end;
		} else if (in && is_state_line(p, e)) {
			repl_s = p;
			repl_e = e;
		}
		p = nl ? nl + 1 : end;
	}
	if (!header_end)
		return -ENOENT;
	f = open_memstream(&out, &size);
	if (!f)
		return -ENOMEM;
	if (repl_s) {
		fprintf(f, "%.*s\tstate %s%s", (int)(repl_s - text), text,
			hamgr_req_state_name(state), repl_e);
	} else {
		fprintf(f, "%.*s%s\tstate %s\n%s", (int)(header_end - text), text,
			header_end[-1] == '\n' ? "" : "\n", hamgr_req_state_name(state),
			header_end);
	}
	if (fclose(f) != 0) {
		free(out);
		return -ENOMEM;
	}
	*ret = out;
	return 0;
}
