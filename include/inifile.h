/* inifile.h - inih with line numbers: every problem is reported as "file:line: reason", and all
 * of them are collected, not just the first. Used by the config and theme readers. */
#ifndef PB_INIFILE_H
#define PB_INIFILE_H

#include "json.h"
#include "status.h"

struct pb_ini {
	const char *path;
	int line; /* the line being handled (0 for whole-file problems) */
	int errors;
	struct pb_buf msg; /* one line per error */
	void *user;
	/* Called for each key; report problems with pb_ini_error. */
	void (*handler)(struct pb_ini *ini, const char *section, const char *name,
			const char *value);
};

/* Parses ini->path with ini->handler. Returns PB_OK or PB_ERR_CONFIG (cannot open, syntax
 * errors, or errors the handler reported). Free ini->msg with pb_buf_fini. */
enum pb_status pb_ini_parse(struct pb_ini *ini);

/* Records "path:line: reason" at the current line. */
void pb_ini_error(struct pb_ini *ini, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
