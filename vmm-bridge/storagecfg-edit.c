/*
 * storagecfg-edit.c - adding, changing and removing a storage in the text
 * of storage.cfg.  The edits work on lines, so comments, blank lines and the
 * order of the other sections survive; the result is checked with the same
 * parser that reads storage.cfg before anyone may write it.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

/* One line of the text, without its '\n'. */
struct line {
	const char *s;
	size_t len;
};

/* The text split into lines, and the section being edited. */
struct doc {
	struct line *l;
	size_t n;
	size_t head, end; /* the section: lines [head, end) */
};

static bool
line_blank(const struct line *l)
{
	for (size_t i = 0; i < l->len; i++)
		if (!isspace((unsigned char)l->s[i]))
			return false;
	return true;
}

static bool
line_indented(const struct line *l)
{
	return l->len && (l->s[0] == ' ' || l->s[0] == '\t') && !line_blank(l);
}

/* The key of an indented option line, or 0 for a comment. */
static size_t
line_key(const struct line *l, const char **ret_key)
{
	size_t i = 0, k;

	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	if (i == l->len || l->s[i] == '#')
		return 0;
	for (k = i; k < l->len && l->s[k] != ' ' && l->s[k] != '\t'; k++)
		;
	*ret_key = l->s + i;
	return k - i;
}

static int
doc_split(const char *text, struct doc *d)
{
	size_t cap = 1;

	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	d->l = calloc(cap, sizeof(*d->l));
	if (!d->l)
		return -ENOMEM;
	d->n = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		d->l[d->n++] = (struct line){ p, len };
		p += len + (nl != NULL);
	}
	return 0;
}

/*
 * Find storage @id's section: its header from the parse, then every
 * indented line up to the next line at column 0 that is not blank.
 * Blank lines and column-0 comments after its last indented line are not
 * its own: a comment there usually introduces the next section.
 */
static int
doc_find(struct doc *d, const vmm_storage_cfg_t *cfg, const char *file, const char *id,
	 vmm_error_t *err)
{
	size_t i;

	for (i = 0; i < vmm_storage_cfg_count(cfg); i++)
		if (!strcmp(vmm_storage_cfg_at(cfg, i)->id, id))
			break;
	if (i == vmm_storage_cfg_count(cfg))
		return vmm_err(err, -ENOENT, "%s: storage '%s' does not exist", file, id);
	d->head = vmm_storage_cfg_line(cfg, i) - 1;
	d->end = d->head + 1;
	for (i = d->head + 1; i < d->n && (line_blank(&d->l[i]) || line_indented(&d->l[i]));
	     i++)
		if (!line_blank(&d->l[i]))
			d->end = i + 1;
	return 0;
}

/*
 * A key and value from the command line must make one "key value" line:
 * a key is a plain word (the parser then says whether the type knows it),
 * a value has no line break.
 */
static int
kv_check(const char *file, const char *id, const struct vmm_storage_kv *kv, size_t n,
	 vmm_error_t *err)
{
	for (size_t i = 0; i < n; i++) {
		const char *k = kv[i].key;

		if (!*k || strspn(k, "abcdefghijklmnopqrstuvwxyz_") != strlen(k))
			return vmm_err(err, -EINVAL, "%s: %s: '%s' is not a key", file, id, k);
		if (kv[i].value && strpbrk(kv[i].value, "\n\r"))
			return vmm_err(err, -EINVAL, "%s: %s: %s: the value contains a line break",
				       file, id, k);
	}
	return 0;
}

/*
 * Check that section text @section parses alone (messages name the file
 * and storage, not a line that is not in the file yet), and that the
 * whole new text @text parses as the file will.
 */
static int
check_result(const char *file, const char *section, const char *text, vmm_error_t *err)
{
	vmm_storage_cfg_t *cfg = NULL;
	int r;

	r = vmm_storage_cfg_parse_unlined(file, section, &cfg, err);
	vmm_storage_cfg_free(cfg);
	cfg = NULL;
	if (r == 0)
		r = vmm_storage_cfg_parse(file, text, &cfg, err);
	vmm_storage_cfg_free(cfg);
	return r;
}

/* Close @fp and hand its buffer out, or free it on failure. */
static int
stream_done(FILE *fp, char **buf, char **ret_text, vmm_error_t *err)
{
	bool bad = ferror(fp);

	if (fclose(fp) != 0 || bad) {
		free(*buf);
		*buf = NULL;
		return vmm_err(err, -ENOMEM, "out of memory");
	}
	*ret_text = *buf;
	return 0;
}

static void
put_line(FILE *fp, const struct line *l)
{
	fprintf(fp, "%.*s\n", (int)l->len, l->s);
}

int
vmm_storage_cfg_add(const char *file, const char *text, const char *type, const char *id,
		    const struct vmm_storage_kv *kv, size_t n, char **ret_text, vmm_error_t *err)
{
	vmm_storage_cfg_t *cfg = NULL;
	struct doc d = { 0 };
	char *section = NULL, *out = NULL;
	size_t slen = 0, olen = 0, i;
	FILE *fp;
	int r;

	r = vmm_storage_cfg_parse(file, text, &cfg, err);
	if (r < 0)
		return r;
	for (i = 0; i < vmm_storage_cfg_count(cfg); i++)
		if (!strcmp(vmm_storage_cfg_at(cfg, i)->id, id)) {
			r = vmm_err(err, -EEXIST, "%s: storage '%s' already exists (line %u)",
				    file, id, vmm_storage_cfg_line(cfg, i));
			goto free_cfg;
		}
	for (i = 0; i < n; i++)
		if (!kv[i].value) {
			r = vmm_err(err, -EINVAL, "%s: %s: %s: no value", file, id, kv[i].key);
			goto free_cfg;
		}
	r = kv_check(file, id, kv, n, err);
	if (r < 0)
		goto free_cfg;
	fp = open_memstream(&section, &slen);
	if (!fp) {
		r = vmm_err(err, -ENOMEM, "out of memory");
		goto free_cfg;
	}
	fprintf(fp, "%s: %s\n", type, id);
	for (i = 0; i < n; i++)
		fprintf(fp, "\t%s %s\n", kv[i].key, kv[i].value);
	r = stream_done(fp, &section, &section, err);
	if (r < 0)
		goto free_cfg;
	r = doc_split(text, &d) < 0 ? vmm_err(err, -ENOMEM, "out of memory") : 0;
	fp = r < 0 ? NULL : open_memstream(&out, &olen);
	if (r == 0 && !fp)
		r = vmm_err(err, -ENOMEM, "out of memory");
	if (r < 0)
		goto free_section;
	for (i = 0; i < d.n; i++)
		put_line(fp, &d.l[i]);
	/* One blank line between the last section and the new one. */
	fprintf(fp, "%s%s", d.n && !line_blank(&d.l[d.n - 1]) ? "\n" : "", section);
	r = stream_done(fp, &out, &out, err);
	if (r == 0)
		r = check_result(file, section, out, err);
	if (r == 0) {
		*ret_text = out;
		out = NULL;
	}
	free(out);
free_section:
	free(d.l);
	free(section);
free_cfg:
	vmm_storage_cfg_free(cfg);
	return r;
}

/* Which line of the section holds @key, or 0 (the header is never one). */
static size_t
section_key(const struct doc *d, const char *key)
{
	for (size_t i = d->head + 1; i < d->end; i++) {
		const char *k;
		size_t len = line_key(&d->l[i], &k);

		if (len && len == strlen(key) && !strncmp(k, key, len))
			return i;
	}
	return 0;
}

/* The indentation of the section's first option line, or a tab. */
static struct line
section_indent(const struct doc *d)
{
	for (size_t i = d->head + 1; i < d->end; i++)
		if (line_indented(&d->l[i])) {
			const struct line *l = &d->l[i];

			return (struct line){ l->s, strspn(l->s, " \t") };
		}
	return (struct line){ "\t", 1 };
}

/*
 * Write the edited section to @fp: replaced values where their key was,
 * deleted keys left out, new keys after its last line.  @at[i] is the line
 * of kv[i]'s key, 0 for a new one.
 */
static void
section_write(FILE *fp, const struct doc *d, const struct vmm_storage_kv *kv, size_t n,
	      const size_t *at)
{
	struct line ind = section_indent(d);
	size_t i, j;

	put_line(fp, &d->l[d->head]);
	for (i = d->head + 1; i < d->end; i++) {
		for (j = 0; j < n && at[j] != i; j++)
			;
		if (j == n)
			put_line(fp, &d->l[i]);
		else if (kv[j].value)
			fprintf(fp, "%.*s%s %s\n", (int)ind.len, ind.s, kv[j].key, kv[j].value);
	}
	for (j = 0; j < n; j++)
		if (!at[j] && kv[j].value)
			fprintf(fp, "%.*s%s %s\n", (int)ind.len, ind.s, kv[j].key, kv[j].value);
}

static bool
line_comment0(const struct line *l)
{
	return l->len && l->s[0] == '#';
}

/*
 * Write @d with its section replaced by the text @section.  A removed
 * section (@removing) takes along the comment lines right above its header
 * (unless they start the file: those are about the file), and the blank
 * lines that would otherwise pile up where it was.
 */
static int
doc_write(const struct doc *d, const char *section, bool removing, char **ret_text,
	  vmm_error_t *err)
{
	char *out = NULL;
	size_t olen = 0, i, start = d->head, end = d->end;
	FILE *fp = open_memstream(&out, &olen);

	if (!fp)
		return vmm_err(err, -ENOMEM, "out of memory");
	if (removing) {
		while (start > 0 && line_comment0(&d->l[start - 1]))
			start--;
		if (start == 0)
			start = d->head;
		if (start == 0 || line_blank(&d->l[start - 1]))
			while (end < d->n && line_blank(&d->l[end]))
				end++;
		if (end == d->n)
			while (start > 0 && line_blank(&d->l[start - 1]))
				start--;
	}
	for (i = 0; i < start; i++)
		put_line(fp, &d->l[i]);
	fputs(section, fp);
	for (i = end; i < d->n; i++)
		put_line(fp, &d->l[i]);
	return stream_done(fp, &out, ret_text, err);
}

int
vmm_storage_cfg_set(const char *file, const char *text, const char *id,
		    const struct vmm_storage_kv *kv, size_t n, char **ret_text, vmm_error_t *err)
{
	vmm_storage_cfg_t *cfg = NULL;
	struct doc d = { 0 };
	char *section = NULL, *out = NULL;
	size_t slen = 0, *at = NULL;
	FILE *fp;
	int r;

	if (n == 0)
		return vmm_err(err, -EINVAL, "%s: %s: nothing to set", file, id);
	r = kv_check(file, id, kv, n, err);
	if (r == 0)
		r = vmm_storage_cfg_parse(file, text, &cfg, err);
	if (r < 0)
		return r;
	at = calloc(n, sizeof(*at));
	if (!at || doc_split(text, &d) < 0) {
		r = vmm_err(err, -ENOMEM, "out of memory");
		goto free_all;
	}
	r = doc_find(&d, cfg, file, id, err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		at[i] = section_key(&d, kv[i].key);
		if (!at[i] && !kv[i].value)
			r = vmm_err(err, -ENOENT, "%s: %s: %s: not set, nothing to delete", file,
				    id, kv[i].key);
		for (size_t j = 0; r == 0 && j < i; j++)
			if (!strcmp(kv[j].key, kv[i].key))
				r = vmm_err(err, -EINVAL, "%s: %s: %s: given twice", file, id,
					    kv[i].key);
	}
	if (r < 0)
		goto free_all;
	fp = open_memstream(&section, &slen);
	if (!fp) {
		r = vmm_err(err, -ENOMEM, "out of memory");
		goto free_all;
	}
	section_write(fp, &d, kv, n, at);
	r = stream_done(fp, &section, &section, err);
	if (r == 0)
		r = doc_write(&d, section, false, &out, err);
	if (r == 0)
		r = check_result(file, section, out, err);
	if (r == 0) {
		*ret_text = out;
		out = NULL;
	}
free_all:
	free(out);
	free(section);
	free(d.l);
	free(at);
	vmm_storage_cfg_free(cfg);
	return r;
}

int
vmm_storage_cfg_remove(const char *file, const char *text, const char *id, char **ret_text,
		       vmm_error_t *err)
{
	vmm_storage_cfg_t *cfg = NULL;
	struct doc d = { 0 };
	char *out = NULL;
	int r;

	r = vmm_storage_cfg_parse(file, text, &cfg, err);
	if (r < 0)
		return r;
	r = doc_split(text, &d) < 0 ? vmm_err(err, -ENOMEM, "out of memory") : 0;
	if (r == 0)
		r = doc_find(&d, cfg, file, id, err);
	if (r == 0)
		r = doc_write(&d, "", true, &out, err);
	if (r == 0)
		r = check_result(file, "", out, err);
	if (r == 0)
		*ret_text = out;
	else
		free(out);
	free(d.l);
	vmm_storage_cfg_free(cfg);
	return r;
}
