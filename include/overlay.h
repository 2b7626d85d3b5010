/* overlay.h - a theme: a folder overlays_dir/<name>/ with
 *   overlay.ini  the output canvas, the photo slots and the text fields
 *   frame.png    RGBA, the output's size, transparent where the photos show
 *   frame.svg    the editable source of frame.png (not read at run time)
 *
 *   [overlay]  title = Certification Lounge
 *   [output]   width = 1800, height = 1200, dpi = 300, paper = 6x4 | 4x6 | 2x6,
 *              copies = 1 (the layout repeats side by side: two 2x6 strips on a 4x6 sheet)
 *   [frame]    file = frame.png
 *   [slot.1]   x, y, width, height (pixels in the first copy; numbered in shooting order)
 *   [text.1]   text (strftime: %Y-%m-%d...), x, y, width, height, size (px), colour = #rrggbb,
 *              align = left | center | right, font (a file in the theme folder or a path)
 *
 * Loaded on the main thread; read-only afterwards, shared with workers.
 */
#ifndef PB_OVERLAY_H
#define PB_OVERLAY_H

#include <stddef.h>
#include <stdint.h>
#include "image.h"
#include "geometry.h"
#include "slots.h"
#include "status.h"

#define PB_MAX_TEXTS 4
#define PB_DEFAULT_FONT "/usr/share/fonts/truetype/nanum/NanumBarunGothicBold.ttf"

enum pb_align_x { PB_TEXT_LEFT, PB_TEXT_CENTER, PB_TEXT_RIGHT };

struct pb_text_field {
	char *text;	 /* strftime pattern */
	char *font;	 /* resolved path */
	int size;	 /* largest pixel size; shrunk to fit the box */
	uint32_t colour; /* 0xRRGGBB */
	enum pb_align_x align;
	struct pb_rect box;
};

struct pb_overlay {
	char *name;  /* folder name */
	char *dir;   /* full path of the folder */
	char *title; /* shown to staff; defaults to name */
	int width, height, dpi;
	char paper[8];		/* 6x4, 4x6 or 2x6 */
	int copies;		/* the layout repeats this many times side by side */
	char *frame_file;	/* in dir; NULL: frame.png */
	struct pb_image *frame; /* premultiplied, width x height; NULL only in tests */
	int nslots;
	struct pb_rect slots[PB_MAX_SLOTS]; /* in the first copy */
	int ntexts;
	struct pb_text_field texts[PB_MAX_TEXTS];
};

/* The same without reading frame.png (fast: the INI only); ov->frame stays NULL until
 * pb_overlay_load_frame. For callers that decode the frame while doing other work. */
enum pb_status pb_overlay_load_layout(const char *overlays_dir, const char *name,
				      struct pb_overlay **out, char *err, size_t errlen);
enum pb_status pb_overlay_load_frame(struct pb_overlay *ov, char *err, size_t errlen);

/* The region of copy i (0-based) on the canvas. */
struct pb_rect pb_overlay_copy_rect(const struct pb_overlay *ov, int i);

/* A theme's name is the name of its folder in overlays_dir: 1 to PB_THEME_NAME_MAX bytes, no
 * '/', not starting with '.' (hidden folders, "." and ".."), no control character. The one
 * rule for the config file, settings.ini, photoboothctl, the staff screen and the theme
 * list. Pure. */
#define PB_THEME_NAME_MAX 63
int pb_overlay_name_ok(const char *name);

/* Loads every theme in overlays_dir; logs each broken one with the file and the reason.
 * Returns how many load. */
int pb_overlay_check_all(const char *overlays_dir);

/* Loads overlays_dir/name. On failure returns PB_ERR_CONFIG with "file:line: reason" (or
 * "dir: reason") in err. */
enum pb_status pb_overlay_load(const char *overlays_dir, const char *name, struct pb_overlay **out,
			       char *err, size_t errlen);
void pb_overlay_destroy(struct pb_overlay *ov);

#endif
