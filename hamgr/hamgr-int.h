/*
 * hamgr-int.h - helpers shared by the files of libhamgr, not part of its
 * interface: the line reader of the text configuration formats and error
 * formatting.
 */
#ifndef CLUSTERHA_HAMGR_INT_H
#define CLUSTERHA_HAMGR_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hamgr/hamgr.h"

/* Longest line of a configuration file, without its newline. */
#define HAMGR_LINE_MAX 1024

/* Reads a text configuration file line by line (see hamgr_cfg_next). */
struct hamgr_cfg_reader {
	const char *file; /* name for messages, borrowed */
	const char *pos;  /* next unread byte */
	const char *end;
	unsigned line;    /* number of the line last returned */
	char buf[HAMGR_LINE_MAX + 1];
};

/* One meaningful line: blank lines and '#' comments are skipped. */
struct hamgr_cfg_line {
	unsigned line;
	bool indented; /* started with a space or tab */
	char *key;     /* first word, points into the reader's buffer */
	char *value;   /* rest of the line without surrounding blanks; "" if none */
};

void hamgr_cfg_reader_init(struct hamgr_cfg_reader *r, const char *file, const char *text,
			   size_t len);

/*
 * The next meaningful line into *ret: returns 1, 0 at the end, or -EINVAL
 * (with *err filled) for a NUL byte or a line longer than HAMGR_LINE_MAX.
 * *ret stays valid until the next call.
 */
int hamgr_cfg_next(struct hamgr_cfg_reader *r, struct hamgr_cfg_line *ret,
		   struct hamgr_error *err);

/* Fill *err with "FILE:LINE: " (or "FILE: " for line 0) and the message; returns -EINVAL. */
int hamgr_error_set(struct hamgr_error *err, const char *file, unsigned line, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

/*
 * Parse a whole decimal unsigned number in [min, max] from @s; returns 0,
 * -EINVAL when @s is not a number, -ERANGE when outside the bounds.
 */
int hamgr_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *ret);

/*
 * Parse a duration "N ms" or "N s" (the blank is optional) into
 * milliseconds; -EINVAL for a missing or unknown unit or a bad number,
 * -ERANGE past 24 hours.
 */
int hamgr_parse_duration_ms(const char *s, uint64_t *ret);

/*
 * Cache of a file's last text: true when @text (taken, may be NULL) equals
 * *cached (then @text is freed); else @text replaces *cached and false.
 */
bool hamgr_text_same(char **cached, char *text);

/* A node, group or rule name: 1-63 of [A-Za-z0-9_.-], starting alphanumerically. */
bool hamgr_name_valid(const char *s);

/* State names back to values: the enum value, or -EINVAL for an unknown name. */
int hamgr_state_from_name(const char *const *names, size_t n, const char *name);
int hamgr_node_state_parse(const char *name);
int hamgr_svc_state_parse(const char *name);
int hamgr_lrm_mode_parse(const char *name);

/* Sort the services of @ms by sid after they were appended out of order. */
void hamgr_manager_status_sort(struct hamgr_manager_status *ms);

#endif /* CLUSTERHA_HAMGR_INT_H */
