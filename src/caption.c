#include <SDL_ttf.h>
#include <pixman.h>
#include <stdio.h>
#include <string.h>

#include "caption.h"

/* SDL_ttf gives straight alpha; pixman wants premultiplied. Copies into a new image. */
static enum pb_status
premultiplied(SDL_Surface *s, struct pb_image **out)
{
	enum pb_status st = pb_image_create(s->w, s->h, 0, out);
	if (st)
		return st;
	for (int y = 0; y < s->h; y++) {
		const uint32_t *src =
			(const uint32_t *)((const unsigned char *)s->pixels + y * s->pitch);
		uint32_t *dst = pb_image_row(*out, y);
		for (int x = 0; x < s->w; x++) {
			uint32_t p = src[x], a = p >> 24;
			dst[x] = a << 24 | (((p >> 16) & 255) * a / 255) << 16 |
				 (((p >> 8) & 255) * a / 255) << 8 | (p & 255) * a / 255;
		}
	}
	return PB_OK;
}

static enum pb_status
draw_field(const struct pb_text_field *t, struct pb_image *canvas, struct pb_rect copy, time_t when,
	   char *why, size_t whylen)
{
	char text[512];
	struct tm tm;
	TTF_Font *font;
	SDL_Surface *s, *argb;
	struct pb_image *img;
	int px = t->size, w = 0, h = 0;
	enum pb_status st;

	localtime_r(&when, &tm);
	if (!strftime(text, sizeof(text), t->text, &tm) || !text[0])
		return PB_OK; /* nothing to draw */
	font = TTF_OpenFont(t->font, px);
	if (!font) {
		snprintf(why, whylen, "font %s: %s", t->font, TTF_GetError());
		return PB_ERR_CONFIG;
	}
	/* shrink until it fits its box */
	while (TTF_SizeUTF8(font, text, &w, &h) == 0 && (w > t->box.w || h > t->box.h * 3 / 2) &&
	       px > 6) {
		px = px * 9 / 10;
		TTF_SetFontSize(font, px);
	}
	SDL_Color c = { (Uint8)(t->colour >> 16), (Uint8)(t->colour >> 8), (Uint8)t->colour, 255 };
	s = TTF_RenderUTF8_Blended(font, text, c);
	TTF_CloseFont(font);
	if (!s) {
		snprintf(why, whylen, "cannot draw text: %s", TTF_GetError());
		return PB_ERR_NOMEM;
	}
	argb = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
	SDL_FreeSurface(s);
	if (!argb) {
		snprintf(why, whylen, "cannot convert text: %s", SDL_GetError());
		return PB_ERR_NOMEM;
	}
	st = premultiplied(argb, &img);
	SDL_FreeSurface(argb);
	if (st) {
		snprintf(why, whylen, "out of memory drawing text");
		return st;
	}
	int x = copy.x + t->box.x;
	if (t->align == PB_TEXT_CENTER)
		x += (t->box.w - img->width) / 2;
	else if (t->align == PB_TEXT_RIGHT)
		x += t->box.w - img->width;
	int y = copy.y + t->box.y + (t->box.h - img->height) / 2;
	pixman_image_t *src = pixman_image_create_bits(PIXMAN_a8r8g8b8, img->width, img->height,
						       img->pixels, img->stride);
	pixman_image_t *dst = pixman_image_create_bits(
		PIXMAN_a8r8g8b8, canvas->width, canvas->height, canvas->pixels, canvas->stride);
	if (src && dst)
		pixman_image_composite32(PIXMAN_OP_OVER, src, NULL, dst, 0, 0, 0, 0, x, y,
					 img->width, img->height);
	if (src)
		pixman_image_unref(src);
	if (dst)
		pixman_image_unref(dst);
	pb_image_destroy(img);
	return src && dst ? PB_OK : PB_ERR_NOMEM;
}

enum pb_status
pb_caption_draw(const struct pb_overlay *ov, struct pb_image *canvas, int copy, time_t when,
		char *why, size_t whylen)
{
	if (ov->ntexts == 0)
		return PB_OK;
	if (!TTF_WasInit() && TTF_Init() < 0) {
		snprintf(why, whylen, "SDL_ttf: %s", TTF_GetError());
		return PB_ERR_NOMEM;
	}
	for (int i = 0; i < ov->ntexts; i++) {
		enum pb_status st = draw_field(&ov->texts[i], canvas,
					       pb_overlay_copy_rect(ov, copy), when, why, whylen);
		if (st)
			return st;
	}
	return PB_OK;
}
