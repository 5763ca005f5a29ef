/*
 * argv.c - growing argument vectors for the commands vmm-bridge runs, and
 * QEMU's option escaping.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

static void
argv_push(struct vmm_argv *a, char *s)
{
	if (!s) {
		a->failed = true;
		return;
	}
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		char **v = realloc(a->v, cap * sizeof(*v));

		if (!v) {
			free(s);
			a->failed = true;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

void
vmm_argv_add(struct vmm_argv *a, const char *s)
{
	if (!a->failed)
		argv_push(a, strdup(s));
}

void
vmm_argv_addf(struct vmm_argv *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->failed)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	argv_push(a, s);
}

int
vmm_argv_done(struct vmm_argv *a)
{
	/* An empty vector is still a NULL-terminated array. */
	if (!a->failed && !a->v) {
		a->v = calloc(1, sizeof(*a->v));
		a->cap = 1;
		a->failed = !a->v;
	}
	if (!a->failed)
		return 0;
	vmm_argv_free(a);
	return -ENOMEM;
}

void
vmm_argv_free(struct vmm_argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	*a = (struct vmm_argv){ 0 };
}

int
vmm_qemu_escape(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf);

	for (; *s; s++) {
		if (n + (*s == ',' ? 2 : 1) >= size)
			return -ENAMETOOLONG;
		if (*s == ',')
			buf[n++] = ',';
		buf[n++] = *s;
	}
	buf[n] = '\0';
	return 0;
}

void
vmm_strv_free(char **strv)
{
	for (size_t i = 0; strv && strv[i]; i++)
		free(strv[i]);
	free(strv);
}
