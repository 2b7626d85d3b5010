/* render_priv.h - what the screens' drawing files share: the renderer's state, the palette
 * and the drawing primitives. Not a public interface: render.h is. Main thread. */
#ifndef PB_RENDER_PRIV_H
#define PB_RENDER_PRIV_H

#include <SDL.h>
#include "jpeg.h"
#include "layout.h"
#include "render.h"
#include "text.h"

static const SDL_Color BG = { 16, 19, 31, 255 };
static const SDL_Color ACCENT = { 255, 107, 74, 255 };
static const SDL_Color WHITE = { 255, 255, 255, 255 };
static const SDL_Color MUTED = { 196, 202, 222, 255 };
static const SDL_Color SHADE = { 8, 10, 18, 170 };

struct pb_render {
	SDL_Renderer *r;
	struct pb_text *text;
	struct pb_jpeg *jpeg;
	float dpi;
	SDL_Texture *live;
	int live_w, live_h;
	int have_live;
	SDL_Texture *photo;
	SDL_Texture *qr;  /* the download link's QR code, one pixel per module */
	int qr_side;
	int photo_w, photo_h;
	SDL_Texture *thumb; /* the staff screen's theme preview */
	int thumb_w, thumb_h;
	struct pb_layout layout;
	enum pb_state state;
};

void pb_draw_fill(SDL_Renderer *r, struct pb_rect rc, SDL_Color c);
void pb_draw_rounded(SDL_Renderer *r, struct pb_rect rc, int radius, SDL_Color c);
void pb_draw_outline(SDL_Renderer *r, struct pb_rect rc, int thick, SDL_Color c);
/* Text centred in box, as large as fits up to px. */
void pb_draw_text(struct pb_render *rd, const char *s, struct pb_rect box, int px, SDL_Color c);
/* A pill-shaped button: the accent colour when primary. */
void pb_draw_button(struct pb_render *rd, struct pb_rect rc, const char *label, int primary);
void pb_draw_pill(struct pb_render *rd, struct pb_rect rc, const char *label);

/* The PIN keypad and the staff screen (render_staff.c). */
void pb_draw_pin(struct pb_render *rd, const struct pb_view *v, int w, int h);
void pb_draw_staff(struct pb_render *rd, const struct pb_view *v, int w, int h);

#endif
