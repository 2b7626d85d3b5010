/* draw.h - the screens' palette and drawing primitives, shared by every screen (render.c) and
 * the staff screens (render_staff.c) so they draw one way. Not a public interface. Main
 * thread, with the renderer's SDL_Renderer. */
#ifndef PB_DRAW_H
#define PB_DRAW_H

#include <SDL.h>
#include "geometry.h"
#include "render_priv.h"

/* The palette */
static const SDL_Color BG = { 16, 19, 31, 255 };
static const SDL_Color ACCENT = { 255, 107, 74, 255 };
static const SDL_Color WHITE = { 255, 255, 255, 255 };
static const SDL_Color MUTED = { 196, 202, 222, 255 };
static const SDL_Color SHADE = { 8, 10, 18, 170 };
/* the staff screens' health dots and panels */
static const SDL_Color PANEL = { 255, 255, 255, 22 };
static const SDL_Color GOOD = { 88, 204, 120, 255 };
static const SDL_Color WARN = { 255, 196, 64, 255 };
static const SDL_Color BAD = { 255, 84, 84, 255 };

SDL_Rect pb_draw_sdl_rect(struct pb_rect r);
void pb_draw_fill(SDL_Renderer *r, struct pb_rect rc, SDL_Color c);
void pb_draw_rounded(SDL_Renderer *r, struct pb_rect rc, int radius, SDL_Color c);
void pb_draw_outline(SDL_Renderer *r, struct pb_rect rc, int thick, SDL_Color c);
/* Text centred in box, as large as fits up to px. */
void pb_draw_text(struct pb_render *rd, const char *s, struct pb_rect box, int px, SDL_Color c);
/* A pill-shaped button: the accent colour when primary. */
void pb_draw_button(struct pb_render *rd, struct pb_rect rc, const char *label, int primary);
void pb_draw_pill(struct pb_render *rd, struct pb_rect rc, const char *label);
/* A filled circle, and a vertical gradient from transparent to c. */
void pb_draw_circle(SDL_Renderer *r, int x, int y, int radius, SDL_Color c);
void pb_draw_gradient(SDL_Renderer *r, struct pb_rect rc, SDL_Color c);

#endif
