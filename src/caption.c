/* caption.c - text onto a print through SDL_ttf, reached with dlopen at the first caption:
 * `photobooth render` links none of SDL (whose libraries, loaded at start, would cost it more
 * than the whole decode saves), and loads it on its layer thread while the photo decodes; the
 * kiosk has SDL_ttf loaded already and gets the same copy. One caller at a time (caption.h). */
#include <SDL_ttf.h>
#include <dlfcn.h>
#include <pixman.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "caption.h"

/* The functions used, from libSDL2_ttf (and libSDL2 beneath it). */
static struct {
	int (*init)(void);
	int (*was_init)(void);
	TTF_Font *(*open_font)(const char *file, int ptsize);
	int (*size_utf8)(TTF_Font *font, const char *text, int *w, int *h);
	int (*set_font_size)(TTF_Font *font, int ptsize);
	SDL_Surface *(*render_utf8_blended)(TTF_Font *font, const char *text, SDL_Color fg);
	void (*close_font)(TTF_Font *font);
	SDL_Surface *(*convert_surface_format)(SDL_Surface *src, Uint32 fmt, Uint32 flags);
	void (*free_surface)(SDL_Surface *s);
	const char *(*get_error)(void);
	char why[256]; /* why not, when they are not there */
} ttf;
static pthread_once_t ttf_once = PTHREAD_ONCE_INIT;

static void
ttf_load(void)
{
	void *h = dlopen("libSDL2_ttf-2.0.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(ttf.why, sizeof(ttf.why), "cannot load SDL_ttf: %s", dlerror());
		return;
	}
	/* SDL's own functions come through the same handle: libSDL2 is its dependency */
	*(void **)&ttf.init = dlsym(h, "TTF_Init");
	*(void **)&ttf.was_init = dlsym(h, "TTF_WasInit");
	*(void **)&ttf.open_font = dlsym(h, "TTF_OpenFont");
	*(void **)&ttf.size_utf8 = dlsym(h, "TTF_SizeUTF8");
	*(void **)&ttf.set_font_size = dlsym(h, "TTF_SetFontSize");
	*(void **)&ttf.render_utf8_blended = dlsym(h, "TTF_RenderUTF8_Blended");
	*(void **)&ttf.close_font = dlsym(h, "TTF_CloseFont");
	*(void **)&ttf.convert_surface_format = dlsym(h, "SDL_ConvertSurfaceFormat");
	*(void **)&ttf.free_surface = dlsym(h, "SDL_FreeSurface");
	*(void **)&ttf.get_error = dlsym(h, "SDL_GetError");
	if (!ttf.init || !ttf.was_init || !ttf.open_font || !ttf.size_utf8 || !ttf.set_font_size ||
	    !ttf.render_utf8_blended || !ttf.close_font || !ttf.convert_surface_format ||
	    !ttf.free_surface || !ttf.get_error) {
		snprintf(ttf.why, sizeof(ttf.why),
			 "SDL_ttf lacks a function this needs (2.0.18 or later)");
		ttf.init = NULL;
	}
	/* the handle stays open: the library is in use until exit */
}

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
	font = ttf.open_font(t->font, px);
	if (!font) {
		snprintf(why, whylen, "font %s: %s", t->font, ttf.get_error());
		return PB_ERR_CONFIG;
	}
	/* shrink until it fits its box */
	while (ttf.size_utf8(font, text, &w, &h) == 0 && (w > t->box.w || h > t->box.h * 3 / 2) &&
	       px > 6) {
		px = px * 9 / 10;
		ttf.set_font_size(font, px);
	}
	SDL_Color c = { (Uint8)(t->colour >> 16), (Uint8)(t->colour >> 8), (Uint8)t->colour, 255 };
	s = ttf.render_utf8_blended(font, text, c);
	ttf.close_font(font);
	if (!s) {
		snprintf(why, whylen, "cannot draw text: %s", ttf.get_error());
		return PB_ERR_NOMEM;
	}
	argb = ttf.convert_surface_format(s, SDL_PIXELFORMAT_ARGB8888, 0);
	ttf.free_surface(s);
	if (!argb) {
		snprintf(why, whylen, "cannot convert text: %s", ttf.get_error());
		return PB_ERR_NOMEM;
	}
	st = premultiplied(argb, &img);
	ttf.free_surface(argb);
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
	pthread_once(&ttf_once, ttf_load);
	if (!ttf.init) {
		snprintf(why, whylen, "%s", ttf.why);
		return PB_ERR_CONFIG;
	}
	if (!ttf.was_init() && ttf.init() < 0) {
		snprintf(why, whylen, "SDL_ttf: %s", ttf.get_error());
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
