/* booth_priv.h - the running kiosk's state, and the contracts between the files of the booth
 * shell. Not a public interface: booth.h is. Main thread only, every function here.
 *
 * Who owns what (each file changes only its own part; the others read it):
 *   booth_run.c     create / loop / destroy: the screen, events, input routing, drawing
 *   booth.c         the guests' flow: the kiosk's actions, results from other threads, the
 *                   guest and email screens' input, theme and delivery switching
 *   booth_staff.c   the PIN keypad and the staff screen (staff)
 *   booth_actions.c staff's actions, shared by the staff screen and photoboothctl, and the
 *                   saved settings (store)
 *   booth_control.c photoboothctl's commands and reload
 *   booth_status.c  the status JSON and the service's STATUS line (reads only)
 * Dependencies run one way: run -> control, staff -> actions -> booth; status is read by
 * run and control. */
#ifndef PB_BOOTH_PRIV_H
#define PB_BOOTH_PRIV_H

#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "blob.h"
#include "booth.h"
#include "camera.h"
#include "clock.h"
#include "control.h"
#include "delivery.h"
#include "disk.h"
#include "display.h"
#include "email_form.h"
#include "kiosk.h"
#include "overlay.h"
#include "render.h"
#include "session.h"
#include "settings.h"
#include "staff.h"
#include "worker.h"

enum { EV_CAMERA, EV_COMPOSED, EV_COUNT };
/* The main loop's queue for results from other threads: the shell's is an SDL user event
 * (booth_run.c); a test's may be its own list. Any thread. */
typedef void (*booth_post_fn)(void *ctx, int kind, void *data, void (*destroy)(void *));

#define MAX_THEMES 32

/* The screen, when there is one (booth_run.c). */
struct booth_screen {
	struct pb_display *display; /* NULL while there is no screen (retried) */
	struct pb_display_config config;
	uint64_t tried_ms;
	char why[1024]; /* why there is no screen, "" when there is */
};

/* The guest on screen (booth.c). */
struct booth_guest {
	struct pb_session_info session;
	int on_disk;		   /* a photo was saved: the folder may exist */
	struct booth_strip *strip; /* the slots being filled (booth_shots.c); NULL before */
	struct pb_blob incoming;   /* the capture being handed to the kiosk */
	struct pb_trace_shot shot; /* the camera's part of that capture */
	int64_t countdown_end_us;  /* the last shot asked for (trace.h's clock) */
	int64_t review_from_us;	   /* the composed photo arrived; 0 once shown */
	char share_url[512];	   /* the session's download link, "" for none */
	time_t share_expires;
	uint64_t capture_ms; /* when the last shot was requested */
	int prints, emails;  /* asked for and queued this session, for the webhook */
	/* the address, kept to the session's end only for [webhook] include_email with consent */
	char webhook_email[PB_ADDRESS_MAX + 1];
};

/* The keypad and the staff screen (booth_staff.c; themes: booth_actions.c). */
struct booth_staff {
	struct pb_pin pin;
	int pin_wrong;	 /* the keypad says the last PIN was wrong */
	int key;	 /* [staff] key (display.h: pb_display_key) */
	char toast[480]; /* the staff screen's last action, in words */
	int toast_bad;
	char themes[MAX_THEMES]
		   [PB_THEME_NAME_MAX + 1]; /* installed themes, for the staff screen's arrows */
	int nthemes;
};

/* A press in the top-left corner being held (booth_run.c): 3 s opens the keypad. */
struct booth_press {
	int on;
	uint64_t ms;
	struct pb_input in; /* replayed as a tap if let go early */
};

struct pb_booth {
	struct pb_config *cfg;	 /* main's; a reload changes the keys that apply at once */
	const char *config_path; /* for reload; NULL: defaults only */
	int windowed;
	uint64_t started_ms;
	int quit;
	booth_post_fn post; /* how results reach the main loop */
	void *post_ctx;
	uint64_t (*now_ms)(void); /* the flow's clock (monotonic); NULL: clock.h's (a test's own) */
	struct pb_kiosk kiosk;
	struct pb_overlay *overlay; /* the theme in use */
	char language[8];
	struct pb_camera *camera;
	enum pb_camera_state camera_state; /* as last drawn */
	uint64_t frame_seq;
	struct {
		int w, h;
	} capture_size; /* the camera's photos, once one is seen */
	struct pb_worker *worker;
	struct pb_control *control;
	struct booth_screen screen;
	struct pb_render *render; /* NULL while there is no screen */
	struct pb_delivery_svc deliver;
	struct pb_disk_watch disk;
	struct booth_guest guest;
	struct pb_email_form email;
	char last_session[48];
	int64_t last_capture_to_review_ms;
	struct pb_trace last_trace; /* the last session that reached review; shots 0 for none */
	struct booth_staff staff;
	struct booth_press press;
	struct pb_settings_store store;
};

/* The time the guests' flow runs on. */
static inline uint64_t
booth_now(const struct pb_booth *b)
{
	return b->now_ms ? b->now_ms() : pb_now_ms();
}

/* booth.c: the guests' flow */
void booth_feed(struct pb_booth *b, enum pb_event_type type, uint32_t session, uint32_t job);
void booth_feed_arg(struct pb_booth *b, enum pb_event_type type, uint32_t session, uint32_t job,
		    int arg);
/* Sets the kiosk's settings from the config, the theme and the delivery mode in use. */
void booth_kiosk_config(struct pb_booth *b);
/* Starts what the delivery mode needs and is not running yet (the gallery, the outbox, the
 * print thread) and sets the kiosk's choices. Returns 0, or -1 with the reason in why. */
int booth_apply_delivery(struct pb_booth *b, int delivery, char *why, size_t whylen);
/* Loads the theme and makes it the one in use (the kiosk must be out of a session). Returns
 * 0, or -1 with the reason in why. */
int booth_apply_overlay(struct pb_booth *b, const char *name, char *why, size_t whylen);
/* The staff screen's picture of the theme in use. */
void booth_theme_preview(struct pb_booth *b);
void booth_set_language(struct pb_booth *b, const char *lang);
/* Input on a guest screen (attract to thanks, and the email keyboard). */
void booth_guest_input(struct pb_booth *b, struct pb_input in);
/* A result from the camera (EV_CAMERA) or the worker (EV_COMPOSED), on the main loop. */
void booth_on_result(struct pb_booth *b, int kind, void *data);
/* The camera's results, posted to the main loop. Any thread. */
void booth_camera_post(void *ctx, struct pb_camera_result *res);
/* Frees a result that will never be handled (the loop has stopped). */
void booth_result_free(int kind, void *data);
/* Checks data_dir's free space (at most every 2 s unless force) and takes the booth out of
 * service below [storage] min_free_mb, back in above it. */
void booth_watch_disk(struct pb_booth *b, uint64_t now, int force);
/* The printer's health and the guest's queue position, and a purge of expired links when due.
 * Every loop turn. */
void booth_watch_delivery(struct pb_booth *b, uint64_t now);
void booth_hand_beat(struct pb_booth *b);
/* Hands a result to the main loop, which calls booth_on_result with it; if the queue refuses
 * it, destroy(data). Any thread. */
static inline void
booth_post(struct pb_booth *b, int kind, void *data, void (*destroy)(void *))
{
	b->post(b->post_ctx, kind, data, destroy);
}

/* booth_shots.c: the photos on their way to review */
struct booth_compose_result {
	uint32_t session, id;
	enum pb_status status;
	struct pb_image *preview;
	struct pb_trace trace; /* save, decode, compose, encode, write */
	char err[256];
};
void booth_compose_result_destroy(void *r);
/* The kiosk said STORE: the incoming photo is saved and decoded into its slot (worker). */
void booth_shot_store(struct pb_booth *b, int slot);
/* The kiosk said COMPOSE: frame, text and the files, once the slots are in (worker). */
void booth_shots_compose(struct pb_booth *b, uint32_t session, uint32_t id);
/* Forgets the slots filled so far (a session ended or began). */
void booth_shots_drop(struct pb_booth *b);
/* The composed photo is on its way to the screen: its trace so far. */
void booth_shots_composed(struct pb_booth *b, const struct booth_compose_result *r);
/* A frame was presented: the first one on review ends the trace. */
void booth_shots_frame_shown(struct pb_booth *b);

/* booth_actions.c: staff's actions (0 done, 1 refused or failed; msg says what happened) */
int booth_act_reset(struct pb_booth *b, char *msg, size_t n);
int booth_act_overlay(struct pb_booth *b, const char *name, char *msg, size_t n);
int booth_act_overlay_step(struct pb_booth *b, int dir, char *msg, size_t n);
int booth_act_delivery(struct pb_booth *b, int delivery, char *msg, size_t n);
int booth_act_reconnect(struct pb_booth *b, char *msg, size_t n);
int booth_act_counters_reset(struct pb_booth *b, char *msg, size_t n);
int booth_act_purge(struct pb_booth *b, int hours, char *msg, size_t n);
/* Deletes (on the worker) the sessions older than hours, but the one on screen, and the
 * expired links with their photos; staff's purge says so at notice level, the retention
 * purge (staff 0) at info. */
void booth_queue_purge(struct pb_booth *b, int hours, int staff);
/* The guest's link for token: the cloud page with [publish], else the booth's gallery. */
int booth_act_power(struct pb_booth *b, int reboot, char *msg, size_t n);
/* Reads the installed themes into b->staff.themes. */
void booth_list_themes(struct pb_booth *b);
/* The PIN keypad's tries and lock as a previous run left them (settings.ini). */
void booth_pin_restore(struct pb_booth *b);
/* photoboothctl pin unlock: staff (the control socket's group) end a lock and its streak. */
int booth_act_pin_unlock(struct pb_booth *b, char *msg, size_t n);
/* Counts what the kiosk and the gallery did since the last call, applies a theme or delivery
 * switch that waited for the session to end, and saves settings when they changed (at most
 * once a second, on the worker). Called every loop turn. */
void booth_staff_tick(struct pb_booth *b, uint64_t now);
/* Saves settings now if they changed (at exit). */
void booth_settings_flush(struct pb_booth *b);

/* booth_staff.c: the PIN keypad and the staff screen */
void booth_staff_input(struct pb_booth *b, struct pb_input in);
/* What the staff screen shows this frame. */
void booth_staff_view(struct pb_booth *b, struct pb_view_staff *v, char *buf, size_t buflen);

/* booth_control.c: photoboothctl */
void booth_on_control(void *ctx, int argc, char **argv, struct pb_buf *reply);
/* photoboothctl reload and SIGHUP. Writes what happened to reply (NULL: to the log). */
void booth_reload(struct pb_booth *b, struct pb_buf *reply);

/* booth_status.c */
void booth_status_json(struct pb_booth *b, struct pb_buf *out);
/* The service's one-line status for systemctl status: what staff would look at first. */
void booth_service_status(struct pb_booth *b, char *out, size_t n);

#endif
