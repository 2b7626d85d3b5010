/* booth_run.c - the kiosk's life: create (the services, the camera, the screen, the control
 * socket), the main loop (SDL events, photoboothctl, timers, drawing), destroy (threads
 * joined, what was handed over written). Input is routed here to the guest screens (booth.c)
 * or the staff screens (booth_staff.c). Main thread, the one that owns SDL. */
#include <SDL.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "booth_priv.h"
#include "clock.h"
#include "file.h"
#include "log.h"
#include "mem.h"
#include "notify.h"
#include "outbox.h"
#include "share.h"

/* The first of the SDL user event types results come as (EV_CAMERA, EV_COMPOSED). Written
 * once at create, before any thread that posts starts. */
static Uint32 ev_base;

/* The shell's booth_post_fn: a result becomes an SDL user event; the main loop hands it to
 * booth_on_result. Any thread (SDL_PushEvent is thread-safe). */
static void
sdl_post(void *ctx, int kind, void *data, void (*destroy)(void *))
{
	SDL_Event e;
	(void)ctx;
	SDL_zero(e);
	e.type = ev_base + (Uint32)kind;
	e.user.data1 = data;
	if (SDL_PushEvent(&e) <= 0) {
		pb_err("event queue refused a result: %s", SDL_GetError());
		destroy(data);
	}
}

/* Frees results still queued after the threads that posted them have stopped. */
static void
drain_results(void)
{
	SDL_Event e;
	while (SDL_PeepEvents(&e, 1, SDL_GETEVENT, ev_base, ev_base + EV_COUNT - 1) == 1)
		booth_result_free((int)(e.type - ev_base), e.user.data1);
}

#define FRAME_MS 33 /* redraw at most ~30 times a second: the live view's own rate */

#define STAFF_PRESS_MS 3000

/* The top-left corner where a 3 s press opens the PIN keypad: 10 mm, or an eighth of the
 * screen's short side when that is larger. */
static int
in_corner(struct pb_booth *b, int x, int y)
{
	const struct pb_layout *l = pb_render_layout(b->render);
	int side = l->touch_min;
	if (l->w && l->h && (l->w < l->h ? l->w : l->h) / 8 > side)
		side = (l->w < l->h ? l->w : l->h) / 8;
	return x >= 0 && y >= 0 && x < side && y < side;
}

static void
open_keypad(struct pb_booth *b, const char *how)
{
	if (!pb_pin_enabled(&b->staff.pin)) {
		pb_info("staff: %s, but no [staff] pin is set: the staff screen is off", how);
		return;
	}
	pb_info("staff: %s: PIN keypad", how);
	pb_pin_clear(&b->staff.pin);
	b->staff.pin_wrong = 0;
	booth_feed(b, PB_EV_STAFF, 0, 0);
}

static void
on_input(struct pb_booth *b, struct pb_input in)
{
	if (in.kind == PB_IN_STAFF) {
		open_keypad(b, "staff key");
		return;
	}
	if (b->kiosk.state == PB_PIN || b->kiosk.state == PB_STAFF) {
		b->press.on = 0;
		booth_staff_input(b, in);
		return;
	}
	/* A press in the corner waits: held 3 s it opens the keypad (the loop sees to that),
	 * let go sooner it is an ordinary tap. */
	if (in.kind == PB_IN_TOUCH && pb_pin_enabled(&b->staff.pin) && in_corner(b, in.x, in.y)) {
		b->press.on = 1;
		b->press.ms = pb_now_ms();
		b->press.in = in;
		return;
	}
	if (in.kind == PB_IN_RELEASE) {
		if (b->press.on) {
			b->press.on = 0;
			booth_guest_input(b, b->press.in);
		}
		return;
	}
	booth_guest_input(b, in);
}

static void
watch_press(struct pb_booth *b, uint64_t now)
{
	if (b->press.on && now - b->press.ms >= STAFF_PRESS_MS) {
		b->press.on = 0;
		open_keypad(b, "long press");
	}
}

static void
on_event(struct pb_booth *b, SDL_Event *e)
{
	if (e->type >= ev_base && e->type < ev_base + EV_COUNT)
		booth_on_result(b, (int)(e->type - ev_base), e->user.data1);
	else if (b->screen.display)
		on_input(b, pb_display_translate(b->screen.display, e, b->staff.key));
	else if (e->type == SDL_QUIT)
		b->quit = 1;
}

static void
draw(struct pb_booth *b, uint64_t now)
{
	struct pb_view v = {
		.state = b->kiosk.state,
		.in_state_ms = now - b->kiosk.entered_ms,
		.remaining_ms = pb_kiosk_remaining_ms(&b->kiosk, now),
		.slot = b->kiosk.slot,
		.slots = b->kiosk.cfg.slots,
		.retakes_left = pb_kiosk_retakes_left(&b->kiosk),
		.language = b->language,
		.camera = b->camera_state,
		.capture_width = b->capture_size.w,
		.capture_height = b->capture_size.h,
		.overlay = b->overlay,
		.share_url = b->guest.share_url[0] ? b->guest.share_url : NULL,
		.out_of_service = b->disk.low,
		.email = {
			.offered = pb_kiosk_email_open(&b->kiosk),
			.typed = b->email.typed,
			.consent_asked = b->cfg->require_consent,
			.consent_given = b->email.consent,
			.problem = b->email.problem,
			.sent_to = b->email.sent_to[0] ? b->email.sent_to : NULL,
		},
		.print = {
			.mode = pb_delivery_print_choice(&b->deliver),
			.printer_ready = b->deliver.printer.ready,
			.offered = b->kiosk.print_offered,
			.copies = b->kiosk.copies,
			.max_copies = b->kiosk.cfg.max_copies,
			.ahead = b->deliver.position.ahead,
			.mine = b->deliver.position.mine,
			.eta_s = b->deliver.position.eta_s,
			.failed = b->deliver.position.failed,
			.queued = b->deliver.printer.pending,
			.queue_s = (int)(b->deliver.printer.pending *
					 b->deliver.printer.seconds_per_print),
		},
	};
	int w, h;
	char staff_text[4096];
	if (v.state == PB_PIN || v.state == PB_STAFF)
		booth_staff_view(b, &v.staff, staff_text, sizeof(staff_text));
	pb_display_size(b->screen.display, &w, &h);
	pb_render_draw(b->render, &v, w, h);
	SDL_RenderPresent(pb_display_renderer(b->screen.display));
	booth_shots_frame_shown(b);
}

static struct pb_camera *
start_camera(struct pb_booth *b)
{
	const struct pb_config *c = b->cfg;
	struct pb_camera_options co = {
		.capture_retries = c->capture_retries,
		.retry_delay_ms = 300,
		.liveview_restart_ms = (uint32_t)c->liveview_restart_minutes * 60000u,
	};
	if (c->camera_backend == PB_CAMERA_GPHOTO2) {
		void *impl = pb_camera_gphoto2_create(&c->gphoto2);
		if (!impl)
			return NULL;
		/* the common DSLR shape until the first photo tells */
		b->capture_size.w = 3;
		b->capture_size.h = 2;
		return pb_camera_create(&pb_camera_gphoto2_ops, impl, &co, booth_camera_post, b);
	}
	b->capture_size.w = c->sim.width;
	b->capture_size.h = c->sim.height;
	void *impl = pb_camera_sim_create(&c->sim);
	if (!impl)
		return NULL;
	return pb_camera_create(&pb_camera_sim_ops, impl, &co, booth_camera_post, b);
}

#define DISPLAY_RETRY_MS 5000

/* The screen. Without one (a Pi booted with the monitor off, a loose HDMI cable) the kiosk
 * runs on: prints, downloads, email and photoboothctl work, and the display is tried again
 * every few seconds. PB_ERR_CONFIG when the font cannot be used. */
static enum pb_status
open_display(struct pb_booth *b, uint64_t now)
{
	char err[1024];

	if (b->screen.tried_ms && now - b->screen.tried_ms < DISPLAY_RETRY_MS)
		return PB_ERR_NODEV;
	b->screen.tried_ms = now;
	if (pb_display_open(&b->screen.config, &b->screen.display, err, sizeof(err)) != PB_OK) {
		if (strcmp(err, b->screen.why))
			pb_warn("%s: running without a screen (printing, sharing and photoboothctl "
				"work); trying again every %d s",
				err, DISPLAY_RETRY_MS / 1000);
		snprintf(b->screen.why, sizeof(b->screen.why), "%s", err);
		return PB_ERR_NODEV;
	}
	b->render = pb_render_create(pb_display_renderer(b->screen.display), b->cfg->font,
				     pb_display_dpi(b->screen.display), err, sizeof(err));
	if (!b->render) {
		fprintf(stderr, "%s\n", err);
		pb_display_close(b->screen.display);
		b->screen.display = NULL;
		return PB_ERR_CONFIG;
	}
	if (b->screen.why[0])
		pb_notice("display found: drawing again");
	b->screen.why[0] = '\0';
	booth_theme_preview(b);
	return PB_OK;
}

static volatile sig_atomic_t hangup;

static void
on_hangup(int sig)
{
	(void)sig;
	hangup = 1;
}

/* Everything the booth needs before its first frame, in the order it depends on: data_dir,
 * staff's saved settings, the theme, SDL, the screen (retried later if absent), the worker,
 * the delivery services, the camera, the control socket. Returns 0 or an exit code. */
static int
create(struct pb_booth *b)
{
	const struct pb_config *cfg = b->cfg;
	char err[2048], *sessions;

	pb_notify_init();
	sessions = pb_xasprintf("%s/sessions", cfg->data_dir);
	if (pb_file_mkdirs(sessions, 0750) != PB_OK) {
		fprintf(stderr, "data_dir %s is not usable (see above)\n", cfg->data_dir);
		free(sessions);
		return PB_EXIT_CONFIG;
	}
	free(sessions);
	/* staff's choices win over the config file's */
	pb_settings_store_init(&b->store, cfg->data_dir);
	if (pb_settings_store_load(&b->store, err, sizeof(err)) != PB_OK)
		pb_err("settings: %s(moved aside to settings.ini.bad; the config file's choices "
		       "apply)",
		       err);
	pb_pin_init(&b->staff.pin, cfg->staff_pin);
	booth_pin_restore(b);
	if (b->store.settings.overlay[0] &&
	    booth_apply_overlay(b, b->store.settings.overlay, err, sizeof(err)) < 0) {
		pb_err("settings: %s; using [kiosk] overlay = %s", err, cfg->overlay);
		b->store.settings.overlay[0] = '\0';
	}
	if (!b->overlay &&
	    pb_overlay_load(cfg->overlays_dir, cfg->overlay, &b->overlay, err, sizeof(err))) {
		fprintf(stderr, "%s", err);
		return PB_EXIT_CONFIG;
	}
	if (SDL_Init(SDL_INIT_EVENTS) < 0) {
		fprintf(stderr, "SDL: %s\n", SDL_GetError());
		return 1;
	}
	ev_base = SDL_RegisterEvents(EV_COUNT);
	b->post = sdl_post;
	b->post_ctx = b;
	b->staff.key = pb_display_key(cfg->staff_key);
	if (!b->staff.key) {
		fprintf(stderr,
			"[staff] key = %s: not a key name (SDL's names: F12, Pause, "
			"Scroll Lock, ...)\n",
			cfg->staff_key);
		return PB_EXIT_CONFIG;
	}
	booth_set_language(b, cfg->language);
	pb_kiosk_init(&b->kiosk, &(struct pb_kiosk_config){ 0 }, b->started_ms);

	b->screen.config =
		(struct pb_display_config){ b->windowed, cfg->window_width, cfg->window_height };
	if (open_display(b, b->started_ms) == PB_ERR_CONFIG)
		return PB_EXIT_CONFIG;
	b->worker = pb_worker_create("worker");
	if (!b->worker)
		return 1;
	int delivery = b->store.settings.delivery >= 0 ? b->store.settings.delivery : cfg->delivery;
	if (booth_apply_delivery(b, delivery, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return PB_EXIT_CONFIG;
	}
	if (pb_delivery_start_publish(&b->deliver, cfg, b->overlay->title, err, sizeof(err)) < 0 ||
	    pb_delivery_start_webhook(&b->deliver, cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return PB_EXIT_CONFIG;
	}
	/* restarted in print mode (staff switched, then a power cut): the links and emails of
	 * the guests before still work; a problem with them must not stop the prints */
	if (!b->deliver.gallery && pb_delivery_owed(cfg->data_dir)) {
		if (pb_delivery_start_sharing(&b->deliver, cfg, b->overlay->title, err,
					      sizeof(err)) < 0)
			pb_err("earlier guests' download links and emails: %s", err);
		else
			pb_notice("print mode: still serving earlier guests' download links%s",
				  b->deliver.outbox ? " and sending their emails" : "");
	}
	b->camera = start_camera(b);
	if (!b->camera)
		return 1;
	booth_list_themes(b);
	{
		char *dir = pb_xstrdup(cfg->socket), *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			pb_file_mkdirs(dir, 0750);
		}
		free(dir);
	}
	if (pb_control_open(cfg->socket, cfg->control_group, &b->control) != PB_OK)
		return PB_EXIT_CONFIG;
	signal(SIGHUP, on_hangup);
	return 0;
}

int
pb_booth_create(struct pb_config *cfg, const struct pb_booth_options *opt, struct pb_booth **out)
{
	struct pb_booth *b = pb_xcalloc(1, sizeof(*b));
	b->cfg = cfg;
	b->windowed = opt->windowed;
	b->config_path = opt->config_path;
	b->started_ms = pb_now_ms();
	pb_delivery_init(&b->deliver, PB_DELIVERY_PRINT);
	pb_disk_watch_init(&b->disk);
	int rc = create(b);
	if (rc) {
		pb_booth_destroy(b);
		*out = NULL;
		return rc;
	}
	pb_notice("photobooth %s ready: theme %s (%d photo%s), delivery %s, camera %s", PB_VERSION,
		  b->overlay->name, b->overlay->nslots, b->overlay->nslots > 1 ? "s" : "",
		  pb_delivery_name(b->deliver.mode), pb_camera_backend_name(cfg->camera_backend));
	if (!pb_pin_enabled(&b->staff.pin))
		pb_notice("no [staff] pin: the staff screen is off (photoboothctl works)");
	*out = b;
	return 0;
}

/* One turn's timers: photoboothctl, SIGHUP, the staff press, counters and saves, systemd,
 * the printer, the disk, purges, the kiosk's timeouts, the camera's state and live view. */
static void
tick(struct pb_booth *b, uint64_t now, uint64_t *status_ms)
{
	char service[256];

	pb_control_poll(b->control, now, booth_on_control, b);
	if (hangup) {
		hangup = 0;
		pb_notice("SIGHUP: reloading %s", b->config_path);
		booth_reload(b, NULL);
	}
	watch_press(b, now);
	booth_staff_tick(b, now);
	pb_notify_watchdog(now);
	if (now - *status_ms >= 1000) {
		*status_ms = now;
		booth_service_status(b, service, sizeof(service));
		pb_notify_status(service);
	}
	booth_watch_delivery(b, now);
	booth_watch_disk(b, now, 0);
	booth_feed(b, PB_EV_TICK, 0, 0);
	enum pb_camera_state cs = pb_camera_state(b->camera, NULL, 0, NULL);
	if (cs != b->camera_state) {
		/* a frozen picture of a camera that is gone would be a lie */
		if (cs != PB_CAM_CONNECTED)
			pb_render_live_frame(b->render, NULL, 0);
		b->camera_state = cs;
	}
	struct pb_blob frame;
	if (pb_camera_take_frame(b->camera, &frame, &b->frame_seq)) {
		pb_render_live_frame(b->render, frame.data, frame.len);
		free(frame.data);
	}
	if (!b->screen.display)
		open_display(b, now);
}

void
pb_booth_loop(struct pb_booth *b)
{
	char service[256];
	uint64_t status_ms = b->started_ms, next_draw = 0;

	booth_service_status(b, service, sizeof(service));
	pb_notify_ready(service);
	while (!b->quit) {
		uint64_t now = pb_now_ms();
		int wait = next_draw > now ? (int)(next_draw - now) : 0;
		SDL_Event e;
		if (SDL_WaitEventTimeout(&e, wait > FRAME_MS ? FRAME_MS : wait)) {
			on_event(b, &e);
			while (!b->quit && SDL_PollEvent(&e))
				on_event(b, &e);
		}
		now = pb_now_ms();
		tick(b, now, &status_ms);
		if (b->screen.display && now >= next_draw) {
			draw(b, now);
			next_draw = now + FRAME_MS;
		}
	}
	pb_notice("shutting down");
	pb_notify_stopping();
}

void
pb_booth_destroy(struct pb_booth *b)
{
	if (!b)
		return;
	signal(SIGHUP, SIG_DFL);
	pb_control_close(b->control);
	booth_hand_beat(b); /* the last counts, saved in the hours at the publisher's stop */
	if (b->worker)
		booth_settings_flush(b);
	pb_camera_destroy(b->camera);
	pb_worker_destroy(b->worker); /* finishes queued writes */
	b->worker = NULL;
	pb_delivery_fini(&b->deliver); /* prints spooled, emails written */
	if (b->post)
		drain_results();
	booth_shots_drop(b); /* the worker is gone: freed at once */
	free(b->guest.incoming.data);
	pb_render_destroy(b->render);
	pb_display_close(b->screen.display);
	pb_overlay_destroy(b->overlay);
	SDL_Quit();
	free(b);
}
