/* display.h - the SDL window: fullscreen at the display's own resolution, or a window for
 * desktops; input translated from SDL events. Main thread (it owns SDL). */
#ifndef PB_DISPLAY_H
#define PB_DISPLAY_H

#include <stddef.h>
#include "status.h"

struct pb_display_config {
	int windowed;
	int width, height; /* window size when windowed */
};

enum pb_input_kind {
	PB_IN_NONE,
	PB_IN_TOUCH,   /* a touch or click at (x, y) in output pixels */
	PB_IN_TRIGGER, /* Space: USB arcade buttons type it */
	PB_IN_ENTER,   /* Enter: a trigger, or "send" while an address is typed */
	PB_IN_TEXT,    /* typed text (UTF-8 in text), from a physical keyboard */
	PB_IN_BACKSPACE,
	PB_IN_ESCAPE,
	PB_IN_QUIT,    /* the window was closed, SIGTERM or SIGINT */
	PB_IN_RELEASE, /* the touch or click ended */
	PB_IN_STAFF,   /* the staff key ([staff] key) */
};

struct pb_input {
	enum pb_input_kind kind;
	int x, y;
	char text[32]; /* PB_IN_TEXT */
};

struct pb_display;
/* SDL's, named here so the shell's headers need not include SDL (SDL_Renderer, SDL_Event) */
struct SDL_Renderer;
union SDL_Event;

/* PB_ERR_NODEV with a reason in why when there is no display. */
enum pb_status pb_display_open(const struct pb_display_config *cfg, struct pb_display **out,
			       char *why, size_t whylen);
void pb_display_close(struct pb_display *d);

struct SDL_Renderer *pb_display_renderer(struct pb_display *d);
/* Output size in pixels (may change when the window is resized). */
void pb_display_size(struct pb_display *d, int *w, int *h);
/* Dots per inch of the screen, or 0 when the display does not say. */
float pb_display_dpi(struct pb_display *d);

/* Translates one SDL event; staff_key is the key that opens the PIN keypad. */
struct pb_input pb_display_translate(struct pb_display *d, const union SDL_Event *e, int staff_key);

/* The key named name in SDL's names ("F12", "Pause", "Scroll Lock"), or 0 when there is no
 * such key. Any thread (SDL need not be started). */
int pb_display_key(const char *name);

#endif
