/* display_sdl.c - the display (display.h) through SDL2: the window or the KMS/DRM screen, its
 * renderer, and SDL's events turned into the kiosk's input. Main thread, the one that owns SDL. */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>

#include "display.h"
#include "log.h"
#include "mem.h"

struct pb_display {
	SDL_Window *win;
	SDL_Renderer *r;
	int windowed;
};

enum pb_status
pb_display_open(const struct pb_display_config *cfg, struct pb_display **out, char *why,
		size_t whylen)
{
	struct pb_display *d;
	Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_ALLOW_HIGHDPI;

	*out = NULL;
	if (SDL_InitSubSystem(SDL_INIT_VIDEO) < 0) {
		snprintf(why, whylen, "no display: %s", SDL_GetError());
		return PB_ERR_NODEV;
	}
	if (cfg->windowed)
		flags |= SDL_WINDOW_RESIZABLE;
	else
		flags |= SDL_WINDOW_FULLSCREEN_DESKTOP; /* the display's native resolution */
	d = pb_xcalloc(1, sizeof(*d));
	d->windowed = cfg->windowed;
	int x = SDL_WINDOWPOS_CENTERED, y = SDL_WINDOWPOS_CENTERED, w = cfg->width, h = cfg->height;
	SDL_DisplayMode mode;
	if (!cfg->windowed && SDL_GetDesktopDisplayMode(0, &mode) == 0) {
		/* Without a window manager (an X server on a bare Pi, Xvfb) nobody resizes a
		 * fullscreen window: ask for the display's size at its corner from the start. */
		x = y = 0;
		w = mode.w;
		h = mode.h;
		flags |= SDL_WINDOW_BORDERLESS;
	}
	d->win = SDL_CreateWindow("photobooth", x, y, w, h, flags);
	if (!d->win) {
		snprintf(why, whylen, "cannot open a window: %s", SDL_GetError());
		free(d);
		SDL_QuitSubSystem(SDL_INIT_VIDEO);
		return PB_ERR_NODEV;
	}
	d->r = SDL_CreateRenderer(d->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
	if (!d->r)
		d->r = SDL_CreateRenderer(d->win, -1, SDL_RENDERER_SOFTWARE);
	if (!d->r) {
		snprintf(why, whylen, "no renderer: %s", SDL_GetError());
		SDL_DestroyWindow(d->win);
		free(d);
		SDL_QuitSubSystem(SDL_INIT_VIDEO);
		return PB_ERR_NODEV;
	}
	if (!cfg->windowed)
		SDL_ShowCursor(SDL_DISABLE);
	SDL_RendererInfo info;
	SDL_GetRendererInfo(d->r, &info);
	SDL_GetRendererOutputSize(d->r, &w, &h);
	pb_notice("display: %s driver, %s renderer, %dx%d%s", SDL_GetCurrentVideoDriver(),
		  info.name, w, h, cfg->windowed ? ", windowed" : ", fullscreen");
	*out = d;
	return PB_OK;
}

void
pb_display_close(struct pb_display *d)
{
	if (!d)
		return;
	SDL_DestroyRenderer(d->r);
	SDL_DestroyWindow(d->win);
	SDL_QuitSubSystem(SDL_INIT_VIDEO);
	free(d);
}

SDL_Renderer *
pb_display_renderer(struct pb_display *d)
{
	return d->r;
}

void
pb_display_size(struct pb_display *d, int *w, int *h)
{
	SDL_GetRendererOutputSize(d->r, w, h);
}

float
pb_display_dpi(struct pb_display *d)
{
	float ddpi = 0;
	int idx = SDL_GetWindowDisplayIndex(d->win);
	if (idx < 0 || SDL_GetDisplayDPI(idx, &ddpi, NULL, NULL) < 0)
		return 0;
	/* X servers without a real monitor report nonsense; trust only plausible values. */
	return ddpi >= 50 && ddpi <= 600 ? ddpi : 0;
}

/* Window coordinates to output pixels (they differ on high-DPI displays). */
static void
to_output(struct pb_display *d, int *x, int *y)
{
	int ww, wh, ow, oh;
	SDL_GetWindowSize(d->win, &ww, &wh);
	SDL_GetRendererOutputSize(d->r, &ow, &oh);
	if (ww > 0 && wh > 0) {
		*x = *x * ow / ww;
		*y = *y * oh / wh;
	}
}

int
pb_display_key(const char *name)
{
	SDL_Keycode k = SDL_GetKeyFromName(name);
	return k == SDLK_UNKNOWN ? 0 : (int)k;
}

struct pb_input
pb_display_translate(struct pb_display *d, const SDL_Event *e, int staff_key)
{
	struct pb_input in = { PB_IN_NONE, 0, 0, "" };
	int ow, oh;

	if (e->type == SDL_MOUSEBUTTONDOWN || e->type == SDL_FINGERDOWN || e->type == SDL_KEYDOWN)
		pb_debug("input event 0x%x", e->type);
	switch (e->type) {
	case SDL_QUIT:
		in.kind = PB_IN_QUIT;
		break;
	case SDL_MOUSEBUTTONDOWN:
		if (e->button.which == SDL_TOUCH_MOUSEID)
			break; /* SDL's mouse copy of a touch we handle as a finger */
		in.kind = PB_IN_TOUCH;
		in.x = e->button.x;
		in.y = e->button.y;
		to_output(d, &in.x, &in.y);
		break;
	case SDL_MOUSEBUTTONUP:
		if (e->button.which != SDL_TOUCH_MOUSEID)
			in.kind = PB_IN_RELEASE;
		break;
	case SDL_FINGERUP:
		in.kind = PB_IN_RELEASE;
		break;
	case SDL_FINGERDOWN:
		SDL_GetRendererOutputSize(d->r, &ow, &oh);
		in.kind = PB_IN_TOUCH;
		in.x = (int)(e->tfinger.x * (float)ow);
		in.y = (int)(e->tfinger.y * (float)oh);
		break;
	case SDL_TEXTINPUT:
		in.kind = PB_IN_TEXT;
		snprintf(in.text, sizeof(in.text), "%s", e->text.text);
		break;
	case SDL_KEYDOWN:
		if (e->key.keysym.sym == SDLK_BACKSPACE) {
			in.kind = PB_IN_BACKSPACE; /* held down, it repeats */
			break;
		}
		if (e->key.repeat)
			break;
		if (staff_key != SDLK_UNKNOWN && e->key.keysym.sym == staff_key) {
			in.kind = PB_IN_STAFF;
			break;
		}
		switch (e->key.keysym.sym) {
		case SDLK_SPACE:
			in.kind = PB_IN_TRIGGER;
			break;
		case SDLK_RETURN:
		case SDLK_KP_ENTER:
			in.kind = PB_IN_ENTER;
			break;
		case SDLK_ESCAPE:
			/* quits only a desktop window, never the kiosk: guests have keyboards too
			 */
			in.kind = d->windowed ? PB_IN_QUIT : PB_IN_ESCAPE;
			break;
		default:
			break;
		}
		break;
	default:
		break;
	}
	return in;
}
