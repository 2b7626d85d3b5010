#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "inifile.h"
#include "log.h"
#include "pngfile.h"
#include "mem.h"
#include "num.h"
#include "overlay.h"

struct parse {
	struct pb_overlay *ov;
	int slot_seen[PB_MAX_SLOTS];
	int text_seen[PB_MAX_TEXTS];
};

static int
parse_colour(const char *v, uint32_t *out)
{
	unsigned c;
	char tail;
	if (strlen(v) != 7 || sscanf(v, "#%6x%c", &c, &tail) != 1)
		return -1;
	*out = c;
	return 0;
}

static char *
font_path(const struct pb_overlay *ov, const char *v)
{
	return v[0] == '/' ? pb_xstrdup(v) : pb_xasprintf("%s/%s", ov->dir, v);
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
		else if (!strcmp(name, "copies"))
			field = &ov->copies, min = 1, max = 4;
		else if (!strcmp(name, "paper")) {
			if (strcmp(value, "6x4") && strcmp(value, "4x6") && strcmp(value, "2x6"))
				pb_ini_error(ini, "paper = %s: must be 6x4, 4x6 or 2x6", value);
			else
				snprintf(ov->paper, sizeof(ov->paper), "%s", value);
			return;
		}
	} else if (!strcmp(section, "frame")) {
		if (!strcmp(name, "file")) {
			if (!*value || strchr(value, '/'))
				pb_ini_error(ini, "file = %s: a file name in the theme folder",
					     value);
			free(ov->frame_file);
			ov->frame_file = pb_xstrdup(value);
			return;
		}
	} else if (sscanf(section, "text.%d%c", &slot, &tail) == 1) {
		if (slot < 1 || slot > PB_MAX_TEXTS) {
			pb_ini_error(ini, "[%s]: text fields are numbered 1 to %d", section,
				     PB_MAX_TEXTS);
			return;
		}
		struct pb_text_field *t = &ov->texts[slot - 1];
		p->text_seen[slot - 1] = 1;
		min = 0, max = 12000;
		if (!strcmp(name, "text")) {
			free(t->text);
			t->text = pb_xstrdup(value);
			return;
		} else if (!strcmp(name, "font")) {
			free(t->font);
			t->font = font_path(ov, value);
			return;
		} else if (!strcmp(name, "colour") || !strcmp(name, "color")) {
			if (parse_colour(value, &t->colour) < 0)
				pb_ini_error(ini, "%s = %s: expected #rrggbb", name, value);
			return;
		} else if (!strcmp(name, "align")) {
			if (!strcmp(value, "left"))
				t->align = PB_TEXT_LEFT;
			else if (!strcmp(value, "center") || !strcmp(value, "centre"))
				t->align = PB_TEXT_CENTER;
			else if (!strcmp(value, "right"))
				t->align = PB_TEXT_RIGHT;
			else
				pb_ini_error(ini, "align = %s: must be left, center or right",
					     value);
			return;
		} else if (!strcmp(name, "size"))
			field = &t->size, min = 6, max = 1000;
		else if (!strcmp(name, "x"))
			field = &t->box.x;
		else if (!strcmp(name, "y"))
			field = &t->box.y;
		else if (!strcmp(name, "width"))
			field = &t->box.w, min = 8;
		else if (!strcmp(name, "height"))
			field = &t->box.h, min = 6;
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
	if (pb_parse_int(value, min, max, field) < 0)
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
			pb_ini_error(ini,
				     "[slot.%d]: slots must be numbered 1, 2, 3... without gaps",
				     i + 1);
			return;
		}
	if (ov->nslots == 0)
		pb_ini_error(ini, "no photo slots: add [slot.1] with x, y, width, height");
	if (ov->width % ov->copies) {
		pb_ini_error(ini, "[output] width %d does not split into %d equal copies",
			     ov->width, ov->copies);
		return;
	}
	int cw = ov->width / ov->copies;
	for (int i = 0; i < ov->nslots; i++) {
		const struct pb_rect *r = &ov->slots[i];
		if (!r->w || !r->h)
			pb_ini_error(ini, "[slot.%d]: width and height are required", i + 1);
		else if (r->x + r->w > cw || r->y + r->h > ov->height)
			pb_ini_error(ini,
				     "[slot.%d]: the slot lies outside the %dx%d output canvas",
				     i + 1, cw, ov->height);
	}
	for (int i = 0; i < PB_MAX_TEXTS; i++) {
		struct pb_text_field *t = &ov->texts[i];
		if (!p->text_seen[i])
			break;
		ov->ntexts = i + 1;
		if (!t->text || !t->box.w || !t->box.h)
			pb_ini_error(ini, "[text.%d]: text, width and height are required", i + 1);
		else if (t->box.x + t->box.w > cw || t->box.y + t->box.h > ov->height)
			pb_ini_error(ini, "[text.%d]: the box lies outside the %dx%d output canvas",
				     i + 1, cw, ov->height);
		if (!t->size)
			t->size = t->box.h * 3 / 4;
		if (!t->font)
			t->font = pb_xstrdup(PB_DEFAULT_FONT);
		if (access(t->font, R_OK) != 0)
			pb_ini_error(ini, "[text.%d]: cannot read font %s", i + 1, t->font);
	}
	/* The paper's shape must match the canvas, or the print is stretched or cropped. */
	if (ov->paper[0]) {
		double pw = ov->paper[0] - '0', ph = ov->paper[2] - '0';
		double want = pw / ph, have = (double)ov->width / ov->height;
		if (have / want > 1.02 || want / have > 1.02)
			pb_ini_error(ini, "[output] %dx%d does not have the shape of %s paper",
				     ov->width, ov->height, ov->paper);
	}
}

enum pb_status
pb_overlay_load_frame(struct pb_overlay *ov, char *err, size_t errlen)
{
	char *path = pb_xasprintf("%s/%s", ov->dir, ov->frame_file ? ov->frame_file : "frame.png");
	unsigned char *data;
	size_t len;
	char why[256];
	int alpha;
	enum pb_status st = PB_ERR_CONFIG;

	if (pb_file_read(path, 64u << 20, &data, &len) != PB_OK) {
		snprintf(err, errlen, "%s: the frame is missing or unreadable\n", path);
		free(path);
		return st;
	}
	if (pb_png_decode(data, len, &ov->frame, &alpha, why, sizeof(why)) != PB_OK)
		snprintf(err, errlen, "%s: %s\n", path, why);
	else if (ov->frame->width != ov->width || ov->frame->height != ov->height)
		snprintf(err, errlen, "%s: the frame is %dx%d but the output is %dx%d\n", path,
			 ov->frame->width, ov->frame->height, ov->width, ov->height);
	else if (!alpha)
		snprintf(err, errlen,
			 "%s: the frame has no transparency: the photos would be hidden\n", path);
	else
		st = PB_OK;
	if (st) {
		pb_image_destroy(ov->frame);
		ov->frame = NULL;
	}
	free(data);
	free(path);
	return st;
}

int
pb_overlay_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > PB_THEME_NAME_MAX || name[0] == '.' || strchr(name, '/'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return 0;
	return 1;
}

enum pb_status
pb_overlay_load_layout(const char *overlays_dir, const char *name, struct pb_overlay **out,
		       char *err, size_t errlen)
{
	struct parse p = { 0 };
	struct pb_ini ini = { .user = &p, .handler = handler };
	struct pb_overlay *ov;
	char *path;

	*out = NULL;
	if (!pb_overlay_name_ok(name)) {
		snprintf(err, errlen, "%s: not a theme folder name\n", name);
		return PB_ERR_CONFIG;
	}
	ov = pb_xcalloc(1, sizeof(*ov));
	ov->name = pb_xstrdup(name);
	ov->dir = pb_xasprintf("%s/%s", overlays_dir, name);
	ov->dpi = 300;
	ov->copies = 1;
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

enum pb_status
pb_overlay_load(const char *overlays_dir, const char *name, struct pb_overlay **out, char *err,
		size_t errlen)
{
	enum pb_status st = pb_overlay_load_layout(overlays_dir, name, out, err, errlen);
	if (st == PB_OK && (st = pb_overlay_load_frame(*out, err, errlen)) != PB_OK) {
		pb_overlay_destroy(*out);
		*out = NULL;
	}
	return st;
}

void
pb_overlay_destroy(struct pb_overlay *ov)
{
	if (!ov)
		return;
	free(ov->name);
	free(ov->dir);
	free(ov->title);
	free(ov->frame_file);
	pb_image_destroy(ov->frame);
	for (int i = 0; i < PB_MAX_TEXTS; i++) {
		free(ov->texts[i].text);
		free(ov->texts[i].font);
	}
	free(ov);
}

struct pb_rect
pb_overlay_copy_rect(const struct pb_overlay *ov, int i)
{
	int copies = ov->copies > 0 ? ov->copies : 1;
	int cw = ov->width / copies;
	return (struct pb_rect){ i * cw, 0, cw, ov->height };
}

int
pb_overlay_check_all(const char *overlays_dir)
{
	DIR *d = opendir(overlays_dir);
	struct dirent *de;
	int good = 0;

	if (!d) {
		pb_err("cannot read themes in %s: %s", overlays_dir, strerror(errno));
		return 0;
	}
	while ((de = readdir(d))) {
		struct pb_overlay *ov;
		char err[2048];
		if (!pb_overlay_name_ok(de->d_name))
			continue;
		if (pb_overlay_load(overlays_dir, de->d_name, &ov, err, sizeof(err)) == PB_OK) {
			good++;
			pb_overlay_destroy(ov);
		} else {
			/* one line per problem, each naming the file */
			for (char *line = strtok(err, "\n"); line; line = strtok(NULL, "\n"))
				pb_warn("theme %s is broken: %s", de->d_name, line);
		}
	}
	closedir(d);
	return good;
}
