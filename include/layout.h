/* layout.h - where things go on each screen, for any window size from 800x480 to 4K, in
 * landscape or portrait. Pure arithmetic (no SDL), shared by drawing and hit-testing so a
 * touch lands on exactly what was drawn. */
#ifndef PB_LAYOUT_H
#define PB_LAYOUT_H

#include "kiosk.h"
#include "overlay.h"

enum pb_button {
	PB_BTN_NONE,
	PB_BTN_START,	 /* attract: anywhere but the language button */
	PB_BTN_LANGUAGE, /* attract: switch language */
	PB_BTN_RETAKE,
	PB_BTN_ACCEPT,
	PB_BTN_DONE,	 /* deliver */
	PB_BTN_RETRY,	 /* error */
	PB_BTN_CONTINUE, /* thanks: anywhere */
	PB_BTN_COPIES_1, /* deliver: print 1 .. PB_MAX_COPY_BUTTONS copies */
	PB_BTN_COPIES_2,
	PB_BTN_COPIES_3,
	PB_BTN_COPIES_4,
	PB_BTN_EMAIL,	/* deliver: open the email keyboard */
	PB_BTN_SEND,	/* email: send to the typed address */
	PB_BTN_CANCEL,	/* email: back to deliver */
	PB_BTN_CONSENT, /* email: the consent box (when it is asked for) */
	PB_BTN_KEY,	/* email, pin: a key of the on-screen keyboard (pb_layout_key says which) */
	PB_BTN_OK,	/* pin: check the typed PIN */
	/* the staff screen */
	PB_BTN_S_EXIT,
	PB_BTN_S_RESET,	     /* the booth back to attract, the last guest's photo off screen */
	PB_BTN_S_THEME_PREV, /* the previous installed theme */
	PB_BTN_S_THEME_NEXT,
	PB_BTN_S_PRINT, /* delivery modes */
	PB_BTN_S_SHARE,
	PB_BTN_S_BOTH,
	PB_BTN_S_PAPER_1, /* "paper loaded": one button per preset ([staff] paper_presets) */
	PB_BTN_S_PAPER_2,
	PB_BTN_S_PAPER_3,
	PB_BTN_S_PAPER_4,
	PB_BTN_S_RESUME,     /* printer: resume the queue */
	PB_BTN_S_CANCEL_JOB, /* printer: cancel the first print */
	PB_BTN_S_REPRINT,    /* printer: print again what may not have come out */
	PB_BTN_S_RECONNECT,  /* camera: reconnect now */
	PB_BTN_S_COUNTERS,   /* counters: reset the since-reset ones */
	PB_BTN_S_PURGE,	     /* delete photos older than [staff] purge_hours */
	PB_BTN_S_SHUTDOWN,   /* only with [staff] shutdown_command */
	PB_BTN_S_REBOOT,     /* only with [staff] reboot_command */
	PB_BTN_COUNT
};

#define PB_MAX_COPY_BUTTONS 4
#define PB_MAX_PAPER_BUTTONS 4
#define PB_MAX_KEYS 48

/* A key of the email keyboard: text is what it types (NULL: backspace). */
struct pb_key {
	const char *label;
	const char *text;
	struct pb_rect r;
};

/* pb_layout_staff's power argument */
enum {
	PB_LAYOUT_SHUTDOWN = 1,
	PB_LAYOUT_REBOOT = 2,
};

/* pb_layout_compute's email argument */
enum {
	PB_LAYOUT_EMAIL = 1,   /* deliver: offer "Email me" */
	PB_LAYOUT_CONSENT = 2, /* email: show the consent box */
};

struct pb_layout {
	enum pb_state state; /* the screen this layout is for */
	int w, h;
	int portrait;
	int unit;	       /* spacing: 2% of the short side */
	int touch_min;	       /* 10 mm in pixels */
	int title_px;	       /* largest title text size */
	int body_px;	       /* largest body text size */
	struct pb_rect title;  /* headline area */
	struct pb_rect body;   /* secondary text area */
	struct pb_rect media;  /* live view / photo area */
	struct pb_rect badge;  /* small top pill ("Photo 2 of 3") */
	struct pb_rect notice; /* attract: a discreet banner under the call to action */
	struct pb_rect button[PB_BTN_COUNT]; /* w == 0: not on this screen */
	/* email: title is the address field, body the line under it, keyboard the keys' area.
	 * pin: title the prompt, body the dots, keyboard the keypad.
	 * staff: title the header, body the last action's result, media the health panel,
	 * notice the theme preview between the theme buttons. */
	struct pb_rect keyboard;
	struct pb_key keys[PB_MAX_KEYS];
	int nkeys;
};

/* dpi <= 0 when unknown: 10 mm is then taken at 133 dpi (the official 7" Pi touchscreen,
 * the densest screen booths use). retake: whether the Retake button is offered. copies: on
 * the deliver screen, how many "N prints" buttons to offer instead of Done (0 for none,
 * at most PB_MAX_COPY_BUTTONS). email: PB_LAYOUT_EMAIL and PB_LAYOUT_CONSENT flags. Keys of the
 * email keyboard are at least 7 mm wide (phone keyboards: about 6 mm) and 10 mm tall. */
void pb_layout_compute(struct pb_layout *l, enum pb_state state, int w, int h, float dpi,
		       int retake, int copies, int email);

/* The PIN keypad and the staff screen (pb_layout_compute uses 3 presets, no power buttons):
 * npaper "paper loaded" buttons (0..4), power PB_LAYOUT_SHUTDOWN | PB_LAYOUT_REBOOT. Every
 * button is at least 10 mm tall. */
void pb_layout_staff(struct pb_layout *l, enum pb_state state, int w, int h, float dpi, int npaper,
		     int power);
/* The key under (x, y) on the email screen: an index into l->keys, or -1. */
int pb_layout_key(const struct pb_layout *l, int x, int y);

/* Stable lower-case names ("start", "retake", ...) for status output. */
const char *pb_button_name(enum pb_button b);

/* The button under (x, y) on this screen, or PB_BTN_NONE. */
enum pb_button pb_layout_hit(const struct pb_layout *l, enum pb_state state, int x, int y);

#endif
