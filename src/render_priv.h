/* render_priv.h - what the screens' drawing files share: the renderer's state, and the staff
 * screens' entry points (render_staff.c); the palette and the drawing primitives are draw.h's.
 * Not a public interface: render.h is. Main thread. */
#ifndef PB_RENDER_PRIV_H
#define PB_RENDER_PRIV_H

#include <SDL.h>
#include "jpeg.h"
#include "layout.h"
#include "render.h"
#include "text.h"

struct pb_render {
	SDL_Renderer *r;
	struct pb_text *text;
	struct pb_jpeg *jpeg;
	float dpi;
	SDL_Texture *live;
	int live_w, live_h;
	int have_live;
	SDL_Texture *photo;
	SDL_Texture *qr; /* the download link's QR code, one pixel per module */
	int qr_side;
	int photo_w, photo_h;
	SDL_Texture *thumb; /* the staff screen's theme preview */
	int thumb_w, thumb_h;
	struct pb_layout layout;
	enum pb_state state;
};

/* The PIN keypad and the staff screen (render_staff.c). */
void pb_draw_pin(struct pb_render *rd, const struct pb_view *v, int w, int h);
void pb_draw_staff(struct pb_render *rd, const struct pb_view *v, int w, int h);

#endif
