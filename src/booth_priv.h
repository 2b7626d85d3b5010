/* booth_priv.h - the running kiosk's state, shared by booth.c (the loop, the guests' flow,
 * input) and booth_control.c (status, photoboothctl, the staff screen's actions, reload).
 * Not a public interface: booth.h is. Main thread only. */
#ifndef PB_BOOTH_PRIV_H
#define PB_BOOTH_PRIV_H

#include <SDL.h>
#include <limits.h>
#include <time.h>

#include "address.h"
#include "booth.h"
#include "camera.h"
#include "control.h"
#include "display.h"
#include "gallery.h"
#include "kiosk.h"
#include "outbox.h"
#include "overlay.h"
#include "print.h"
#include "render.h"
#include "session.h"
#include "settings.h"
#include "staff.h"
#include "worker.h"

#define FRAME_MS 33 /* redraw at most ~30 times a second: the live view's own rate */

enum { EV_CAMERA, EV_COMPOSED, EV_COUNT };

#define MAX_THEMES 32

struct booth {
	struct pb_config *cfg;  /* main's; a reload changes the keys that apply at once */
	const char *config_path; /* for reload; NULL: defaults only */
	struct pb_overlay *overlay;
	struct pb_kiosk kiosk;
	struct pb_camera *camera;
	struct pb_worker *worker;
	struct pb_control *control;
	struct pb_display *display;     /* NULL while there is no screen (retried) */
	struct pb_display_config display_config;
	uint64_t display_tried_ms;
	char display_why[1024];         /* why there is no screen, "" when there is */
	struct pb_render *render;
	int delivery;                   /* enum pb_delivery in use: staff's choice or the config's */
	struct pb_print *print;         /* NULL until printing is first used */
	struct pb_printer_health printer; /* as last asked */
	struct pb_print_position position; /* the current session's prints */
	uint64_t printer_asked_ms;
	uint64_t disk_checked_ms;
	long long disk_free_mb;         /* data_dir's, as last checked; -1 unknown */
	int disk_low;                   /* under [storage] min_free_mb: no new sessions */
	Uint32 ev_base;
	struct pb_session_info session;
	int session_on_disk; /* a compose job was queued: the folder may exist */
	struct pb_blob captures[PB_MAX_SLOTS];
	struct pb_blob incoming; /* the capture being handed to the kiosk */
	char language[8];
	uint64_t frame_seq;
	uint64_t started_ms;
	uint64_t capture_ms;     /* when the last shot was requested */
	int64_t last_capture_to_review_ms;
	int capture_w, capture_h; /* the size of the camera's photos, once one is seen */
	enum pb_camera_state camera_state; /* as last drawn */
	char last_session[48];
	struct pb_gallery *gallery;       /* NULL until sharing is first used */
	char share_url[320];              /* the current session's download link, "" for none */
	time_t share_expires;
	struct pb_outbox *outbox;         /* NULL when email is not configured */
	char email[PB_ADDRESS_MAX + 1];   /* the address being typed; wiped once queued */
	int consent;                      /* the guest ticked the consent box */
	int email_problem;                /* what the email screen tells the guest, 0 nothing */
	char email_sent_to[PB_ADDRESS_MAX + 8]; /* masked, for the deliver screen */
	uint64_t purged_ms;               /* the last purge of expired links */
	int windowed;
	int quit;

	/* staff */
	struct pb_pin pin;
	int pin_wrong;                    /* the keypad says the last PIN was wrong */
	SDL_Keycode staff_key;
	int pressing;                     /* a press in the top-left corner is being held */
	uint64_t press_ms;
	struct pb_input press;            /* that press, replayed as a tap if let go early */
	char toast[480];                  /* the staff screen's last action, in words */
	int toast_bad;
	char settings_path[PATH_MAX];
	struct pb_settings settings;
	int settings_dirty;
	uint64_t settings_saved_ms;
	struct pb_kiosk_counters counted; /* the kiosk's counters already added to settings */
	unsigned opened_counted;          /* the gallery's pages already counted */
	char pending_overlay[64];         /* a theme switch waiting for the session to end */
	int pending_delivery;             /* the same for the delivery mode; -1 none */
	char themes[MAX_THEMES][64];      /* installed themes, for the staff screen's arrows */
	int nthemes;
};

/* booth.c */
void booth_feed(struct booth *b, enum pb_event_type type, uint32_t session, uint32_t job);
void booth_feed_arg(struct booth *b, enum pb_event_type type, uint32_t session, uint32_t job,
		    int arg);
/* Sets the kiosk's settings from the config, the theme and the delivery mode in use. */
void booth_kiosk_config(struct booth *b);
/* Starts what the delivery mode needs and is not running yet (the gallery, the outbox, the
 * print thread) and sets the kiosk's choices. Returns 0, or -1 with the reason in why. */
int booth_apply_delivery(struct booth *b, int delivery, char *why, size_t whylen);
/* Loads the theme and makes it the one in use (the kiosk must be out of a session). Returns
 * 0, or -1 with the reason in why. */
int booth_apply_overlay(struct booth *b, const char *name, char *why, size_t whylen);

/* booth_control.c */
void booth_on_control(void *ctx, int argc, char **argv, struct pb_buf *reply);
/* data_dir's free and total space in MB; ok is 0 when statvfs fails. Any thread. */
struct booth_disk {
	long long free_mb, total_mb;
	int ok;
};
struct booth_disk booth_disk_space(const struct booth *b);

/* Checks data_dir's free space (at most every 2 s unless force) and takes the booth out of
 * service below [storage] min_free_mb, back in above it. */
void booth_watch_disk(struct booth *b, uint64_t now, int force);

/* Input on the PIN keypad and the staff screen. */
void booth_staff_input(struct booth *b, struct pb_input in);
/* What the staff screen shows this frame. */
void booth_staff_view(struct booth *b, struct pb_view_staff *v, char *buf, size_t buflen);
/* Counts what the kiosk and the gallery did since the last call, applies a theme or delivery
 * switch that waited for the session to end, and saves settings when they changed (at most
 * once a second, on the worker). Called every loop turn. */
void booth_staff_tick(struct booth *b, uint64_t now);
/* Saves settings now if they changed (at exit). */
void booth_settings_flush(struct booth *b);
/* photoboothctl reload and SIGHUP. Writes what happened to reply (NULL: to the log). */
void booth_reload(struct booth *b, struct pb_buf *reply);
/* Reads the installed themes into b->themes. */
void booth_list_themes(struct booth *b);

#endif
