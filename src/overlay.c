#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mem.h"
#include "overlay.h"

struct parse {
	struct pb_overlay *ov;
	const char *path;
	FILE *f;
	int line;
	int errors;
	int slot_seen[PB_MAX_SLOTS];
	struct pb_buf msg;
};

static void
error_at(struct parse *p, const char *fmt, const char *a, const char *b)
{
	p->errors++;
	pb_buf_printf(&p->msg, "%s:%d: ", p->path, p->line);
	pb_buf_printf(&p->msg, fmt, a, b);
	pb_buf_append(&p->msg, "\n", 1);
}

static char *
reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *r = fgets(str, num, p->f);
	if (r)
		p->line++;
	return r;
}

static int
parse_int(const char *v, int min, int max, int *out)
{
	char *end;
	long n;
	errno = 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < min || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	struct pb_overlay *ov = p->ov;
	int *field = NULL, min = 0, max = 0, slot;
	char tail;

	if (!strcmp(section, "overlay")) {
		if (!strcmp(name, "title")) {
			free(ov->title);
			ov->title = pb_xstrdup(value);
			return 1;
		}
	} else if (!strcmp(section, "output")) {
		if (!strcmp(name, "width"))
			field = &ov->width, min = 64, max = 12000;
		else if (!strcmp(name, "height"))
			field = &ov->height, min = 64, max = 12000;
		else if (!strcmp(name, "dpi"))
			field = &ov->dpi, min = 72, max = 1200;
	} else if (sscanf(section, "slot.%d%c", &slot, &tail) == 1) {
		if (slot < 1 || slot > PB_MAX_SLOTS) {
			error_at(p, "[%s]: slots are numbered 1 to 8%s", section, "");
			return 1;
		}
		struct pb_rect *r = &ov->slots[slot - 1];
		p->slot_seen[slot - 1] = 1;
		min = 0, max = 12000;
		if (!strcmp(name, "x"))
			field = &r->x;
		else if (!strcmp(name, "y"))
			field = &r->y;
		else if (!strcmp(name, "width"))
			field = &r->w, min = 16;
		else if (!strcmp(name, "height"))
			field = &r->h, min = 16;
	} else {
		error_at(p, "unknown section [%s]%s", section, "");
		return 1;
	}
	if (!field) {
		error_at(p, "unknown key '%s' in [%s]", name, section);
		return 1;
	}
	if (parse_int(value, min, max, field) < 0)
		error_at(p, "%s = %s: not a whole number in range", name, value);
	return 1;
}

static void
validate(struct parse *p)
{
	struct pb_overlay *ov = p->ov;
	char what[64];

	p->line = 0; /* whole-file problems */
	if (!ov->width || !ov->height) {
		error_at(p, "[output] width and height are required%s%s", "", "");
		return;
	}
	ov->nslots = 0;
	for (int i = 0; i < PB_MAX_SLOTS; i++) {
		if (!p->slot_seen[i])
			break;
		ov->nslots = i + 1;
	}
	for (int i = ov->nslots; i < PB_MAX_SLOTS; i++)
		if (p->slot_seen[i]) {
			snprintf(what, sizeof(what), "[slot.%d]", i + 1);
			error_at(p, "%s: slots must be numbered 1, 2, 3... without gaps%s", what,
				 "");
			return;
		}
	if (ov->nslots == 0)
		error_at(p, "no photo slots: add [slot.1] with x, y, width, height%s%s", "", "");
	for (int i = 0; i < ov->nslots; i++) {
		const struct pb_rect *r = &ov->slots[i];
		snprintf(what, sizeof(what), "[slot.%d]", i + 1);
		if (!r->w || !r->h)
			error_at(p, "%s: width and height are required%s", what, "");
		else if (r->x + r->w > ov->width || r->y + r->h > ov->height) {
			char dims[32];
			snprintf(dims, sizeof(dims), "%dx%d", ov->width, ov->height);
			error_at(p, "%s: the slot lies outside the %s output canvas", what, dims);
		}
	}
}

enum pb_status
pb_overlay_load(const char *overlays_dir, const char *name, struct pb_overlay **out, char *err,
		size_t errlen)
{
	struct parse p = { 0 };
	struct pb_overlay *ov;
	char *path;
	int rc;

	*out = NULL;
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		snprintf(err, errlen, "%s: not a theme folder name\n", name);
		return PB_ERR_CONFIG;
	}
	ov = pb_xcalloc(1, sizeof(*ov));
	ov->name = pb_xstrdup(name);
	ov->dir = pb_xasprintf("%s/%s", overlays_dir, name);
	ov->dpi = 300;
	path = pb_xasprintf("%s/overlay.ini", ov->dir);
	p.ov = ov;
	p.path = path;
	pb_buf_init(&p.msg);
	p.f = fopen(path, "r");
	if (!p.f) {
		snprintf(err, errlen, "%s: cannot open: %s\n", path, strerror(errno));
		goto fail;
	}
	rc = ini_parse_stream(reader, &p, handler, &p);
	fclose(p.f);
	if (rc > 0) {
		p.line = rc;
		error_at(&p, "syntax error%s%s", "", "");
	}
	if (!p.errors)
		validate(&p);
	if (p.errors) {
		snprintf(err, errlen, "%s", p.msg.data);
		goto fail;
	}
	if (!ov->title)
		ov->title = pb_xstrdup(name);
	pb_buf_fini(&p.msg);
	free(path);
	*out = ov;
	return PB_OK;
fail:
	pb_buf_fini(&p.msg);
	free(path);
	pb_overlay_destroy(ov);
	return PB_ERR_CONFIG;
}

void
pb_overlay_destroy(struct pb_overlay *ov)
{
	if (!ov)
		return;
	free(ov->name);
	free(ov->dir);
	free(ov->title);
	free(ov);
}
