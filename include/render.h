/* render.h - kiosk view to pixels: every screen of the attendee flow, drawn with an
 * SDL_Renderer (a window's, or a software renderer for offline screenshots). Main thread.
 * Every function but pb_render_draw accepts a NULL renderer (no display yet) and does
 * nothing. */
#ifndef PB_RENDER_H
#define PB_RENDER_H

#include <stdint.h>
#include "camera.h"
#include "email_form.h"
#include "image.h"
#include "kiosk.h"
#include "layout.h"
#include "outbox.h"
#include "overlay.h"
#include "printer.h"
#include "staff_health.h"

/* Printing, as the guest should know it. */
struct pb_view_print {
	int mode; /* 0 no printing, 1 print, 2 both (prints only while the printer is ready) */
	int printer_ready; /* a print asked for now would come out */
	int offered;	   /* this guest may pick prints */
	int copies;	   /* what they picked; 0 not yet */
	int max_copies;
	int ahead, mine, eta_s; /* the guest's prints in the queue (print.h) */
	int queued, queue_s;	/* the whole queue: prints still to come out, about how long */
	int failed;		/* the guest's prints could not be queued */
};

/* Email, as the guest sees it. */
struct pb_view_email {
	int offered;	   /* the deliver screen offers "Email me" */
	const char *typed; /* the address field (email screen) */
	int consent_asked, consent_given;
	int problem;	     /* 0, an enum pb_address_check value, or PB_EMAIL_NEED_CONSENT */
	const char *sent_to; /* deliver: the masked address this session's email went to */
};

/* The PIN keypad and the staff screen. Texts are the shell's, already translated. */
struct pb_view_staff {
	struct pb_staff_text text;	 /* the header, health and counters (staff_health.h) */
	const char *toast;		 /* what the last action did, or NULL */
	int toast_bad;			 /* it was refused or failed */
	const char *theme;		 /* the theme in use, by its title */
	int delivery;			 /* enum pb_delivery */
	int paper[PB_MAX_PAPER_BUTTONS]; /* "paper loaded" presets, in prints */
	int npaper;
	int power; /* PB_LAYOUT_SHUTDOWN | PB_LAYOUT_REBOOT */
	int purge_hours;
	int unconfirmed; /* prints that may not have come out: the Reprint button lights */
	/* the keypad */
	int typed;	   /* digits typed so far */
	int wrong;	   /* the last PIN was wrong */
	int64_t locked_ms; /* locked for this long; 0 not locked */
};

/* Everything a screen shows, gathered by the shell each frame. */
struct pb_view {
	enum pb_state state;
	uint64_t in_state_ms; /* since the state was entered */
	int64_t remaining_ms; /* until its timeout; -1 for none */
	int slot, slots;      /* slot being shot (0-based) and how many */
	int retakes_left;
	const char *language; /* current language code */
	enum pb_camera_state camera;
	int capture_width, capture_height; /* the camera's photo size, for the photo-area guide */
	const struct pb_overlay *overlay;
	struct pb_view_print print;
	const char *share_url; /* the session's download link, or NULL */
	int out_of_service;    /* attract: no new sessions (the disk is full); staff are called */
	struct pb_view_email email;
	struct pb_view_staff staff;
};

struct pb_render;
struct SDL_Renderer; /* SDL's, named here so the booth's headers need not include SDL */

/* dpi <= 0 when unknown. NULL with a reason in why if the font cannot be loaded. */
struct pb_render *pb_render_create(struct SDL_Renderer *r, const char *font, float dpi, char *why,
				   size_t whylen);
void pb_render_destroy(struct pb_render *rd);

/* Decodes a live-view JPEG into the live texture. The last good frame stays on error.
 * jpeg NULL forgets the frame: the screen shows the photo guide on a plain background. */
enum pb_status pb_render_live_frame(struct pb_render *rd, const unsigned char *jpeg, size_t len);

/* The composed photo shown on review and deliver; NULL forgets it (the next guest must never
 * see it). */
enum pb_status pb_render_set_photo(struct pb_render *rd, const struct pb_image *img);

/* The session's download link as a QR code (qr.h); NULL forgets it. pb_render_set_photo
 * forgets it too. */
enum pb_status pb_render_set_qr(struct pb_render *rd, const struct pb_image *qr);

/* The staff screen's preview of the theme in use (a print with blank photos); NULL forgets it. */
enum pb_status pb_render_set_thumb(struct pb_render *rd, const struct pb_image *img);
/* Draws the screen for v into the whole w x h output (does not present). */
void pb_render_draw(struct pb_render *rd, const struct pb_view *v, int w, int h);

/* The layout of the screen drawn last (for status output and tests). */
const struct pb_layout *pb_render_layout(const struct pb_render *rd);

/* What is under (x, y) on the screen drawn last. */
enum pb_button pb_render_hit(const struct pb_render *rd, int x, int y);

/* The keyboard or keypad key under (x, y) on the screen drawn last, or NULL. */
const struct pb_key *pb_render_key(const struct pb_render *rd, int x, int y);
/* Texts that did not fit their box since start-up (0 in a correct build). */
unsigned pb_render_overflows(const struct pb_render *rd);

#endif
