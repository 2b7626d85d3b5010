#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "inifile.h"

struct reader {
	struct pb_ini *ini;
	FILE *f;
};

void
pb_ini_error(struct pb_ini *ini, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	ini->errors++;
	if (ini->line > 0)
		pb_buf_printf(&ini->msg, "%s:%d: %s\n", ini->path, ini->line, reason);
	else
		pb_buf_printf(&ini->msg, "%s: %s\n", ini->path, reason); /* the whole file */
}

/* inih reads through this, so the handler knows which line it is looking at. */
static char *
read_line(char *str, int num, void *stream)
{
	struct reader *r = stream;
	char *s = fgets(str, num, r->f);
	if (s)
		r->ini->line++;
	return s;
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct pb_ini *ini = user;
	ini->handler(ini, section, name, value);
	return 1; /* keep going: report every error at once */
}

enum pb_status
pb_ini_parse(struct pb_ini *ini)
{
	struct reader r = { ini, NULL };
	int rc;

	pb_buf_init(&ini->msg);
	ini->line = 0;
	ini->errors = 0;
	r.f = fopen(ini->path, "r");
	if (!r.f) {
		pb_buf_printf(&ini->msg, "%s: cannot open: %s\n", ini->path, strerror(errno));
		ini->errors++;
		return PB_ERR_CONFIG;
	}
	rc = ini_parse_stream(read_line, &r, on_key, ini);
	fclose(r.f);
	/* The handler never reports failure to inih, so rc > 0 is a line inih could not parse
	 * (it gives only the first such line). */
	if (rc > 0) {
		ini->line = rc;
		pb_ini_error(ini, "syntax error (expected [section] or key = value)");
	} else if (rc < 0) {
		ini->line = 0;
		pb_ini_error(ini, "cannot read the file");
	}
	return ini->errors ? PB_ERR_CONFIG : PB_OK;
}
