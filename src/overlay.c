#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inifile.h"
#include "mem.h"
#include "overlay.h"

struct parse {
	struct pb_overlay *ov;
	int slot_seen[PB_MAX_SLOTS];
};

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

static void
handler(struct pb_ini *ini, const char *section, const char *name, const char *value)
{
	struct parse *p = ini->user;
	struct pb_overlay *ov = p->ov;
	int *field = NULL, min = 0, max = 0, slot;
	char tail;

	if (!strcmp(section, "overlay")) {
		if (!strcmp(name, "title")) {
			free(ov->title);
			ov->title = pb_xstrdup(value);
			return;
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
			pb_ini_error(ini, "[%s]: slots are numbered 1 to 8", section);
			return;
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
		pb_ini_error(ini, "unknown section [%s]", section);
		return;
	}
	if (!field) {
		pb_ini_error(ini, "unknown key '%s' in [%s]", name, section);
		return;
	}
	if (parse_int(value, min, max, field) < 0)
		pb_ini_error(ini, "%s = %s: not a whole number in %d..%d", name, value, min, max);
}

static void
validate(struct pb_ini *ini, struct parse *p)
{
	struct pb_overlay *ov = p->ov;

	ini->line = 0; /* whole-file problems */
	if (!ov->width || !ov->height) {
		pb_ini_error(ini, "[output] width and height are required");
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
			pb_ini_error(ini, "[slot.%d]: slots must be numbered 1, 2, 3... without gaps",
				     i + 1);
			return;
		}
	if (ov->nslots == 0)
		pb_ini_error(ini, "no photo slots: add [slot.1] with x, y, width, height");
	for (int i = 0; i < ov->nslots; i++) {
		const struct pb_rect *r = &ov->slots[i];
		if (!r->w || !r->h)
			pb_ini_error(ini, "[slot.%d]: width and height are required", i + 1);
		else if (r->x + r->w > ov->width || r->y + r->h > ov->height)
			pb_ini_error(ini, "[slot.%d]: the slot lies outside the %dx%d output canvas",
				     i + 1, ov->width, ov->height);
	}
}

enum pb_status
pb_overlay_load(const char *overlays_dir, const char *name, struct pb_overlay **out, char *err,
		size_t errlen)
{
	struct parse p = { 0 };
	struct pb_ini ini = { .user = &p, .handler = handler };
	struct pb_overlay *ov;
	char *path;

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
	ini.path = path;
	if (pb_ini_parse(&ini) == PB_OK)
		validate(&ini, &p);
	if (ini.errors) {
		snprintf(err, errlen, "%s", ini.msg.data);
		pb_buf_fini(&ini.msg);
		free(path);
		pb_overlay_destroy(ov);
		return PB_ERR_CONFIG;
	}
	if (!ov->title)
		ov->title = pb_xstrdup(name);
	pb_buf_fini(&ini.msg);
	free(path);
	*out = ov;
	return PB_OK;
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
