/* caption.h - a line of text drawn onto an image (the event line and date on a print), with
 * SDL_ttf rendering to memory only: no display needed. One caller at a time per process
 * (FreeType faces are not shared between threads; the worker and `render` each draw alone). */
#ifndef PB_CAPTION_H
#define PB_CAPTION_H

#include <stddef.h>
#include <time.h>
#include "image.h"
#include "overlay.h"

/* Draws each of the theme's text fields into copy `copy` of canvas. The field's text goes
 * through strftime with `when` (so "%B %-d, %Y" becomes the date). Shrinks text that is too
 * wide for its box. */
enum pb_status pb_caption_draw(const struct pb_overlay *ov, struct pb_image *canvas, int copy,
			       time_t when, char *why, size_t whylen);

#endif
