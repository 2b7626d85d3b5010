/* overlay.h - a theme: overlays_dir/<name>/overlay.ini gives the output canvas and the photo
 * slots. Loaded at start-up (main thread); read-only afterwards, shared with workers.
 *
 *   [overlay]  title = Certification Lounge
 *   [output]   width = 1800, height = 1200, dpi = 300
 *   [slot.1]   x, y, width, height (output pixels; slots numbered from 1, in shooting order)
 */
#ifndef PB_OVERLAY_H
#define PB_OVERLAY_H

#include <stddef.h>
#include "kiosk.h"
#include "status.h"

struct pb_rect {
	int x, y, w, h;
};

struct pb_overlay {
	char *name;  /* folder name */
	char *dir;   /* full path of the folder */
	char *title; /* shown to staff; defaults to name */
	int width, height, dpi;
	int nslots;
	struct pb_rect slots[PB_MAX_SLOTS];
};

/* Loads overlays_dir/name. On failure returns PB_ERR_CONFIG with "file:line: reason" (or
 * "dir: reason") in err. */
enum pb_status pb_overlay_load(const char *overlays_dir, const char *name,
			       struct pb_overlay **out, char *err, size_t errlen);
void pb_overlay_destroy(struct pb_overlay *ov);

#endif
