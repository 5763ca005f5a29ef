/*
 * scenario.c - the parser of ha-sim scenario files: the cluster (nodes,
 * fence devices, storage), the initial shared files, timed events and the
 * expected outcome.  See ha-sim(1) for the format.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/hamgr-int.h"
#include "hamgr/sim/sim.h"

struct parser {
	const char *file;
	struct hamgr_error *err;
	struct sim_scenario *sc;
	unsigned line;
	char *rest; /* unparsed rest of the current line */
};

/* The next blank-separated word of p->rest, or NULL. */
static char *
word(struct parser *p)
{
	char *w = p->rest;

	while (*w == ' ' || *w == '\t')
		w++;
	if (!*w)
		return NULL;
	p->rest = w + strcspn(w, " \t");
	if (*p->rest)
		*p->rest++ = '\0';
	return w;
}

static int
fail(struct parser *p, const char *what, const char *arg)
{
	return hamgr_error_set(p->err, p->file, p->line, "%s%s%s%s", what, arg ? " '" : "",
			       arg ? arg : "", arg ? "'" : "");
}

static int
node_arg(struct parser *p, char *ret)
{
	char *w = word(p);

	if (!w)
		return fail(p, "missing node name", NULL);
	if (sim_node_index(p->sc, w) < 0)
		return fail(p, "unknown node", w);
	strcpy(ret, w);
	return 0;
}

static int
duration_arg(struct parser *p, uint64_t *ret_ns)
{
	char *w = word(p);
	uint64_t ms;

	if (!w || hamgr_parse_duration_ms(w, &ms) < 0)
		return fail(p, "expected a duration like 10s or 500ms, not", w ? w : "");
	*ret_ns = ms * SIM_MS;
	return 0;
}

int
sim_node_index(const struct sim_scenario *sc, const char *name)
{
	for (unsigned i = 0; i < sc->n_nodes; i++)
		if (strcmp(sc->nodes[i], name) == 0)
			return (int)i;
	return -1;
}

static int
parse_nodes(struct parser *p)
{
	char *w;

	while ((w = word(p))) {
		if (!hamgr_name_valid(w))
			return fail(p, "invalid node name", w);
		if (sim_node_index(p->sc, w) >= 0)
			return fail(p, "node listed twice:", w);
		if (p->sc->n_nodes == HAMGR_MAX_NODES)
			return fail(p, "too many nodes", NULL);
		strcpy(p->sc->nodes[p->sc->n_nodes++], w);
	}
	return p->sc->n_nodes ? 0 : fail(p, "nodes: no node given", NULL);
}

static struct sim_event *
new_event(struct parser *p, uint64_t at)
{
	struct sim_event *ev;
	void *n = realloc(p->sc->events, (p->sc->n_events + 1) * sizeof(*ev));

	if (!n)
		return NULL;
	p->sc->events = n;
	ev = &p->sc->events[p->sc->n_events++];
	memset(ev, 0, sizeof(*ev));
	ev->at_ns = at;
	ev->line = p->line;
	return ev;
}

/* "at TIME what args...", or a top-level "file PATH" (at 0). */
static int
parse_event(struct parser *p, uint64_t at, const char *what)
{
	struct sim_event *ev = new_event(p, at);
	char *w;

	if (!ev)
		return -ENOMEM;
	if (strcmp(what, "poweroff") == 0 || strcmp(what, "poweron") == 0) {
		ev->kind = strcmp(what, "poweroff") == 0 ? SIM_EV_POWEROFF : SIM_EV_POWERON;
		return node_arg(p, ev->node);
	}
	if (strcmp(what, "partition") == 0) {
		ev->kind = SIM_EV_PARTITION;
		w = word(p);
		if (!w || !strchr(w, '|'))
			return fail(p, "partition: expected groups like n1|n2,n3", NULL);
		ev->text = strdup(w);
		return ev->text ? 0 : -ENOMEM;
	}
	if (strcmp(what, "shutdown") == 0 || strcmp(what, "reboot") == 0) {
		ev->kind = SIM_EV_SHUTDOWN;
		ev->count = what[0] == 'r';
		return node_arg(p, ev->node);
	}
	if (strcmp(what, "ignore-acpi") == 0) {
		ev->kind = SIM_EV_IGNORE_ACPI;
		w = word(p);
		if (!w || !hamgr_sid_valid(w))
			return fail(p, "ignore-acpi: expected a service id, not", w ? w : "");
		strcpy(ev->sid, w);
		return 0;
	}
	if (strcmp(what, "heal") == 0) {
		ev->kind = SIM_EV_HEAL;
		return 0;
	}
	if (strcmp(what, "fail-start") == 0) {
		uint64_t n;

		ev->kind = SIM_EV_FAIL_START;
		w = word(p);
		if (!w || !hamgr_sid_valid(w))
			return fail(p, "fail-start: expected a service id, not", w ? w : "");
		strcpy(ev->sid, w);
		if (node_arg(p, ev->node) < 0)
			return -EINVAL;
		w = word(p);
		if (!w || hamgr_parse_uint(w, 1, 100, &n) < 0)
			return fail(p, "fail-start: expected a count 1..100, not", w ? w : "");
		ev->count = (unsigned)n;
		return 0;
	}
	if (strcmp(what, "maintenance") == 0) {
		ev->kind = SIM_EV_MAINTENANCE;
		if (node_arg(p, ev->node) < 0)
			return -EINVAL;
		w = word(p);
		if (!w || (strcmp(w, "on") && strcmp(w, "off")))
			return fail(p, "maintenance: expected on or off", NULL);
		ev->count = strcmp(w, "on") == 0;
		return 0;
	}
	if (strcmp(what, "command") == 0) {
		ev->kind = SIM_EV_COMMAND;
		while (*p->rest == ' ')
			p->rest++;
		ev->text = strdup(p->rest);
		return ev->text ? 0 : -ENOMEM;
	}
	if (strcmp(what, "file") == 0) {
		ev->kind = SIM_EV_FILE;
		w = word(p);
		if (!w)
			return fail(p, "file: missing path", NULL);
		ev->path = strdup(w);
		ev->text = strdup("");
		return ev->path && ev->text ? 1 : -ENOMEM; /* 1: content lines follow */
	}
	return fail(p, "unknown event", what);
}

static int
parse_expect(struct parser *p)
{
	struct sim_expect *e;
	char *w = word(p);
	uint64_t ns;
	void *n = realloc(p->sc->expect, (p->sc->n_expect + 1) * sizeof(*e));

	if (!n)
		return -ENOMEM;
	p->sc->expect = n;
	e = &p->sc->expect[p->sc->n_expect++];
	memset(e, 0, sizeof(*e));
	e->line = p->line;
	if (!w)
		return fail(p, "expect: missing what", NULL);
	if (strcmp(w, "fenced") == 0 || strcmp(w, "not-fenced") == 0) {
		e->kind = SIM_EXPECT_FENCED;
		e->count = w[0] == 'f';
		return node_arg(p, e->node);
	}
	if (strcmp(w, "order") == 0 || strcmp(w, "no-log") == 0) {
		e->kind = w[0] == 'o' ? SIM_EXPECT_ORDER : SIM_EXPECT_NO_LOG;
		while (*p->rest == ' ' || *p->rest == '\t')
			p->rest++;
		if (!*p->rest)
			return fail(p, "expect order/no-log: missing text", NULL);
		e->text = strdup(p->rest);
		return e->text ? 0 : -ENOMEM;
	}
	if (strcmp(w, "settled") == 0) {
		e->kind = SIM_EXPECT_SETTLED;
		return 0;
	}
	if (strcmp(w, "all-running") == 0) {
		e->kind = SIM_EXPECT_ALL_RUNNING;
		return 0;
	}
	if (strcmp(w, "recovery-within") == 0) {
		e->kind = SIM_EXPECT_RECOVERY;
		if (duration_arg(p, &ns) < 0)
			return -EINVAL;
		e->count = (unsigned)(ns / SIM_MS);
		return 0;
	}
	if (!hamgr_sid_valid(w))
		return fail(p, "expect: expected a service id, fenced, not-fenced, "
			       "all-running, settled, recovery-within, order or no-log, not", w);
	e->kind = SIM_EXPECT_STATE;
	strcpy(e->sid, w);
	w = word(p);
	if (!w || strlen(w) >= sizeof(e->state))
		return fail(p, "expect: missing state", NULL);
	strcpy(e->state, w);
	w = word(p);
	if (w && sim_node_index(p->sc, w) < 0)
		return fail(p, "unknown node", w);
	if (w)
		strcpy(e->node, w);
	return 0;
}

static int
parse_storage(struct parser *p, bool uses)
{
	char *a = word(p), *b = word(p), *tok, *save = NULL;
	void *n;

	if (!a || !b)
		return fail(p, uses ? "uses: expected SID STORAGE" : "storage: expected NAME "
								     "NODE,NODE...",
			    NULL);
	if (uses) {
		n = realloc(p->sc->uses, (p->sc->n_uses + 1) * sizeof(*p->sc->uses));
		if (!n)
			return -ENOMEM;
		p->sc->uses = n;
		if (!hamgr_sid_valid(a) || !hamgr_name_valid(b))
			return fail(p, "uses: expected SID STORAGE", NULL);
		strcpy(p->sc->uses[p->sc->n_uses].sid, a);
		strcpy(p->sc->uses[p->sc->n_uses++].storage, b);
		return 0;
	}
	n = realloc(p->sc->storage, (p->sc->n_storage + 1) * sizeof(*p->sc->storage));
	if (!n)
		return -ENOMEM;
	p->sc->storage = n;
	if (!hamgr_name_valid(a))
		return fail(p, "invalid storage name", a);
	strcpy(p->sc->storage[p->sc->n_storage].name, a);
	p->sc->storage[p->sc->n_storage].nodes = 0;
	for (tok = strtok_r(b, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int i = sim_node_index(p->sc, tok);

		if (i < 0)
			return fail(p, "unknown node", tok);
		p->sc->storage[p->sc->n_storage].nodes |= 1ull << i;
	}
	p->sc->n_storage++;
	return 0;
}

static int
parse_line(struct parser *p, char *line)
{
	char *w;
	uint64_t at;

	p->rest = line;
	w = word(p);
	if (strcmp(w, "nodes") == 0)
		return parse_nodes(p);
	if (!p->sc->n_nodes)
		return fail(p, "the first line must be 'nodes ...'", NULL);
	if (strcmp(w, "fence-device") == 0) {
		while ((w = word(p))) {
			int i = sim_node_index(p->sc, w);

			if (i < 0)
				return fail(p, "unknown node", w);
			p->sc->fence_device |= 1ull << i;
		}
		return 0;
	}
	if (strcmp(w, "storage") == 0 || strcmp(w, "uses") == 0)
		return parse_storage(p, w[0] == 'u');
	if (strcmp(w, "run") == 0)
		return duration_arg(p, &p->sc->run_ns);
	if (strcmp(w, "boot") == 0)
		return duration_arg(p, &p->sc->boot_ns);
	if (strcmp(w, "expect") == 0)
		return parse_expect(p);
	if (strcmp(w, "file") == 0)
		return parse_event(p, 0, "file");
	if (strcmp(w, "at") == 0) {
		if (duration_arg(p, &at) < 0)
			return -EINVAL;
		w = word(p);
		if (!w)
			return fail(p, "at: missing event", NULL);
		return parse_event(p, at, w);
	}
	return fail(p, "unknown keyword", w);
}

/* Append a content line (one leading tab removed) to the last file event. */
static int
add_content(struct parser *p, const char *line)
{
	struct sim_event *ev = &p->sc->events[p->sc->n_events - 1];
	size_t old = strlen(ev->text), n = strlen(line);
	char *t = realloc(ev->text, old + n + 2);

	if (!t)
		return -ENOMEM;
	memcpy(t + old, line, n);
	t[old + n] = '\n';
	t[old + n + 1] = '\0';
	ev->text = t;
	return 0;
}

static int
cmp_event(const void *a, const void *b)
{
	const struct sim_event *x = a, *y = b;

	if (x->at_ns != y->at_ns)
		return x->at_ns < y->at_ns ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

int
sim_scenario_parse(const char *file, const char *text, size_t len, struct sim_scenario **ret,
		   struct hamgr_error *err)
{
	struct parser p = {.file = file, .err = err};
	const char *pos = text, *end = text + len;
	char line[HAMGR_LINE_MAX + 1];
	bool in_file = false;
	int r = -ENOMEM;

	p.sc = calloc(1, sizeof(*p.sc));
	if (!p.sc)
		return -ENOMEM;
	p.sc->run_ns = 60000 * SIM_MS;
	p.sc->boot_ns = 20000 * SIM_MS;
	for (r = 0; r >= 0 && pos < end;) {
		const char *nl = memchr(pos, '\n', (size_t)(end - pos));
		size_t n = (size_t)((nl ? nl : end) - pos);

		p.line++;
		if (n > HAMGR_LINE_MAX || memchr(pos, '\0', n)) {
			r = fail(&p, "line too long or NUL byte", NULL);
			break;
		}
		memcpy(line, pos, n);
		line[n] = '\0';
		pos += n + (nl != NULL);
		if (in_file && line[0] == '\t') {
			r = add_content(&p, line + 1);
			continue;
		}
		in_file = false;
		if (line[strspn(line, " \t")] == '\0' || line[strspn(line, " \t")] == '#')
			continue;
		if (line[0] == ' ' || line[0] == '\t') {
			r = fail(&p, "indented line outside a file block", NULL);
			break;
		}
		r = parse_line(&p, line);
		in_file = r == 1;
	}
	if (r >= 0 && !p.sc->n_nodes)
		r = hamgr_error_set(err, file, 0, "no 'nodes' line");
	if (r < 0) {
		sim_scenario_free(p.sc);
		return r;
	}
	if (p.sc->n_events)
		qsort(p.sc->events, p.sc->n_events, sizeof(*p.sc->events), cmp_event);
	*ret = p.sc;
	return 0;
}

void
sim_scenario_free(struct sim_scenario *sc)
{
	if (!sc)
		return;
	for (size_t i = 0; i < sc->n_events; i++) {
		free(sc->events[i].text);
		free(sc->events[i].path);
	}
	free(sc->events);
	for (size_t i = 0; i < sc->n_expect; i++)
		free(sc->expect[i].text);
	free(sc->expect);
	free(sc->storage);
	free(sc->uses);
	free(sc);
}
