/* text.h - text that always fits: wrapped on spaces and shrunk until every line fits its box,
 * so no translation is ever cut off. SDL_ttf with one font; rendered lines are cached as
 * textures. Main thread (it draws with the renderer). */
#ifndef PB_TEXT_H
#define PB_TEXT_H

#include <SDL.h>
#include <stddef.h>
#include "overlay.h"

struct pb_text;

enum pb_align { PB_ALIGN_LEFT, PB_ALIGN_CENTER };

/* NULL with the reason in why if the font cannot be opened. */
struct pb_text *pb_text_create(SDL_Renderer *r, const char *font_path, char *why, size_t whylen);
void pb_text_destroy(struct pb_text *t);

/* The largest size <= max_px at which s, wrapped to box_w, fits box_h; 0 if even the
 * smallest size (10 px) does not fit. *nlines gets the line count at that size. */
int pb_text_fit(struct pb_text *t, const char *s, int box_w, int box_h, int max_px, int *nlines);

/* Draws s fitted into box (vertically centred). Returns the size used (0: did not fit, drawn
 * at the smallest size and clipped to box). */
int pb_text_draw(struct pb_text *t, const char *s, struct pb_rect box, int max_px, SDL_Color c,
		 enum pb_align align);

/* As pb_text_draw, for text that must not outlive its screen (the address a guest types):
 * its cache entries are marked, never logged, and pb_text_forget_private wipes and drops
 * them (the renderer calls it on every frame of another screen; cheap when there are none). */
int pb_text_draw_private(struct pb_text *t, const char *s, struct pb_rect box, int max_px,
			 SDL_Color c, enum pb_align align);
void pb_text_forget_private(struct pb_text *t);

/* Times pb_text_fit found nothing that fits since start-up (tests assert 0). */
unsigned pb_text_overflows(const struct pb_text *t);

#endif
