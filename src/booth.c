#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "address.h"
#include "booth.h"
#include "camera.h"
#include "clock.h"
#include "control.h"
#include "display.h"
#include "file.h"
#include "i18n.h"
#include "jpeg.h"
#include "kiosk.h"
#include "log.h"
#include "mem.h"
#include "outbox.h"
#include "overlay.h"
#include "print.h"
#include "gallery.h"
#include "qr.h"
#include "share.h"
#include "render.h"
#include "session.h"
#include "worker.h"

#define FRAME_MS 33 /* redraw at most ~30 times a second: the live view's own rate */

enum { EV_CAMERA, EV_COMPOSED, EV_COUNT };

struct booth {
	const struct pb_config *cfg;
	struct pb_overlay *overlay;
	struct pb_kiosk kiosk;
	struct pb_camera *camera;
	struct pb_worker *worker;
	struct pb_control *control;
	struct pb_display *display;
	struct pb_render *render;
	struct pb_print *print;         /* NULL when delivery is share only */
	struct pb_printer_health printer; /* as last asked */
	struct pb_print_position position; /* the current session's prints */
	uint64_t printer_asked_ms;
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
	struct pb_gallery *gallery;       /* NULL when delivery is print only */
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
};

/* Jobs for the worker thread */

struct compose_job {
	struct pb_job job;
	Uint32 ev;
	const struct pb_overlay *overlay;
	struct pb_session_info info;
	struct pb_blob caps[PB_MAX_SLOTS];
	int n, preview_w, preview_h;
	uint32_t session, id;
};

struct compose_result {
	uint32_t session, id;
	enum pb_status status;
	struct pb_image *preview;
	char err[256];
};

struct write_job {
	struct pb_job job;
	struct pb_session_info info;
	int discard;
	char token[PB_TOKEN_LEN + 1]; /* a download link to record first, or "" */
	char data_dir[PATH_MAX];
	time_t expires;
};

static void
compose_result_destroy(void *p)
{
	struct compose_result *r = p;
	if (r)
		pb_image_destroy(r->preview);
	free(r);
}

/* Hands data to the main loop; if the queue refuses it, frees it. Any thread. */
static void
post(Uint32 type, void *data, void (*destroy)(void *))
{
	SDL_Event e;
	SDL_zero(e);
	e.type = type;
	e.user.data1 = data;
	if (SDL_PushEvent(&e) <= 0) {
		pb_err("event queue refused a result: %s", SDL_GetError());
		destroy(data);
	}
}

static void
compose_run(struct pb_job *job)
{
	struct compose_job *cj = (struct compose_job *)job;
	struct compose_result *r = pb_xcalloc(1, sizeof(*r));
	struct pb_jpeg *j = pb_jpeg_create();
	uint64_t t0 = pb_now_ms();

	r->session = cj->session;
	r->id = cj->id;
	r->status = pb_session_compose(j, cj->overlay, &cj->info, cj->caps, cj->n, cj->preview_w,
				       cj->preview_h, &r->preview, r->err, sizeof(r->err));
	if (r->status == PB_OK)
		pb_info("session %s: composed in %llu ms", cj->info.id,
			(unsigned long long)(pb_now_ms() - t0));
	else
		pb_err("session %s: %s", cj->info.id, r->err);
	pb_jpeg_destroy(j);
	post(cj->ev, r, compose_result_destroy);
}

static void
compose_destroy(struct pb_job *job)
{
	struct compose_job *cj = (struct compose_job *)job;
	for (int i = 0; i < cj->n; i++)
		free(cj->caps[i].data);
	free(cj);
}

static void
write_run(struct pb_job *job)
{
	struct write_job *wj = (struct write_job *)job;
	if (wj->token[0] && pb_share_link_write(wj->data_dir, wj->token, wj->info.id,
					       wj->expires) == PB_OK)
		pb_info("session %s: download link %.4s… valid until %lld", wj->info.id, wj->token,
			(long long)wj->expires);
	if (wj->discard) {
		if (pb_session_discard(&wj->info) == PB_OK)
			pb_info("session %s: discarded", wj->info.id);
	} else if (pb_session_write_json(&wj->info) == PB_OK) {
		pb_info("session %s: %s", wj->info.id, wj->info.status);
	}
}

static void
write_destroy(struct pb_job *job)
{
	free(job);
}

struct purge_job {
	struct pb_job job;
	char data_dir[PATH_MAX];
};

static void
purge_run(struct pb_job *job)
{
	struct purge_job *pj = (struct purge_job *)job;
	int n = pb_share_purge(pj->data_dir, time(NULL));
	if (n)
		pb_info("purge: %d expired download link%s and their photos deleted", n,
			n == 1 ? "" : "s");
}

/* Expired links and their photos go within PURGE_MS of expiring (the worker does it). */
#define PURGE_MS (10u * 60u * 1000u)
static void
maybe_purge(struct booth *b, uint64_t now)
{
	if (!b->gallery || (b->purged_ms && now - b->purged_ms < PURGE_MS))
		return;
	b->purged_ms = now;
	struct purge_job *pj = pb_xcalloc(1, sizeof(*pj));
	pj->job.run = purge_run;
	pj->job.destroy = write_destroy;
	snprintf(pj->data_dir, sizeof(pj->data_dir), "%s", b->cfg->data_dir);
	pb_worker_submit(b->worker, &pj->job);
}

static void
queue_write(struct booth *b, int discard)
{
	struct write_job *wj = pb_xcalloc(1, sizeof(*wj));
	wj->job.run = write_run;
	wj->job.destroy = write_destroy;
	wj->info = b->session;
	wj->discard = discard;
	pb_worker_submit(b->worker, &wj->job);
}

/* A download link for the session: the token, the link recorded (worker), the QR on screen. */
static void
share_begin(struct booth *b)
{
	struct write_job *wj = pb_xcalloc(1, sizeof(*wj));
	struct pb_image *qr = NULL;

	wj->job.run = write_run;
	wj->job.destroy = write_destroy;
	wj->info = b->session;
	b->share_url[0] = '\0';
	if (pb_share_token(wj->token) == PB_OK) {
		snprintf(wj->data_dir, sizeof(wj->data_dir), "%s", b->cfg->data_dir);
		wj->expires = time(NULL) + (time_t)b->cfg->retention_hours * 3600;
		b->share_expires = wj->expires;
		snprintf(b->share_url, sizeof(b->share_url), "%s/p/%s", b->cfg->public_url,
			 wj->token);
		if (pb_qr_encode(b->share_url, &qr) == PB_OK)
			pb_render_set_qr(b->render, qr);
		pb_image_destroy(qr);
	}
	pb_worker_submit(b->worker, &wj->job);
}

/* The kiosk's actions, carried out */

/* The typed address and what was said about it: never kept past the email screen's use. */
static void
forget_email(struct booth *b)
{
	explicit_bzero(b->email, sizeof(b->email));
	b->consent = 0;
	b->email_problem = 0;
	b->email_sent_to[0] = '\0';
}

static void
free_captures(struct booth *b)
{
	for (int i = 0; i < PB_MAX_SLOTS; i++) {
		free(b->captures[i].data);
		b->captures[i] = (struct pb_blob){ 0 };
	}
}

static void
perform(struct booth *b, const struct pb_action *a, uint64_t now)
{
	switch (a->type) {
	case PB_ACT_BEGIN:
		pb_session_info_init(&b->session, b->cfg->data_dir, time(NULL));
		snprintf(b->session.overlay, sizeof(b->session.overlay), "%s", b->overlay->name);
		snprintf(b->session.delivery, sizeof(b->session.delivery), "%s",
			 pb_delivery_name(b->cfg->delivery));
		b->session_on_disk = 0;
		free_captures(b);
		pb_render_set_photo(b->render, NULL);
		b->share_url[0] = '\0';
		forget_email(b);
		pb_info("session %s: started", b->session.id);
		break;
	case PB_ACT_CAPTURE:
		b->capture_ms = now;
		pb_camera_request_capture(b->camera, a->session, a->job, a->slot);
		break;
	case PB_ACT_STORE:
		free(b->captures[a->slot].data);
		b->captures[a->slot] = b->incoming;
		b->incoming = (struct pb_blob){ 0 };
		break;
	case PB_ACT_COMPOSE: {
		struct compose_job *cj = pb_xcalloc(1, sizeof(*cj));
		int w = 1280, h = 1280;
		if (b->display)
			pb_display_size(b->display, &w, &h);
		cj->job.run = compose_run;
		cj->job.destroy = compose_destroy;
		cj->ev = b->ev_base + EV_COMPOSED;
		cj->overlay = b->overlay;
		b->session.nslots = b->overlay->nslots;
		cj->info = b->session;
		cj->n = b->overlay->nslots;
		for (int i = 0; i < cj->n; i++) {
			cj->caps[i] = b->captures[i]; /* the job owns the photos now */
			b->captures[i] = (struct pb_blob){ 0 };
		}
		cj->preview_w = w;
		cj->preview_h = h;
		cj->session = a->session;
		cj->id = a->job;
		b->session_on_disk = 1;
		pb_worker_submit(b->worker, &cj->job);
		break;
	}
	case PB_ACT_DELIVER:
		snprintf(b->session.status, sizeof(b->session.status), "accepted");
		if (b->kiosk.print_offered)
			snprintf(b->session.note, sizeof(b->session.note), "print offered");
		else if (b->gallery && b->print)
			snprintf(b->session.note, sizeof(b->session.note),
				 "printer not ready; download link shown");
		else if (b->gallery)
			snprintf(b->session.note, sizeof(b->session.note), "download link shown");
		else
			snprintf(b->session.note, sizeof(b->session.note),
				 "printer not ready; photo kept on the booth");
		if (b->gallery)
			share_begin(b);
		else
			queue_write(b, 0);
		break;
	case PB_ACT_PRINT: {
		char *photo = pb_xasprintf("%s/final.jpg", b->session.dir);
		pb_print_submit(b->print, b->session.id, photo, a->copies);
		free(photo);
		b->printer_asked_ms = 0; /* show the queue position from the next frame on */
		pb_info("session %s: %d print%s asked for", b->session.id, a->copies,
			a->copies == 1 ? "" : "s");
		snprintf(b->session.note, sizeof(b->session.note), "%d print%s spooled", a->copies,
			 a->copies == 1 ? "" : "s");
		queue_write(b, 0);
		break;
	}
	case PB_ACT_END:
		if (a->keep) {
			snprintf(b->last_session, sizeof(b->last_session), "%s", b->session.id);
			pb_info("session %s: finished", b->session.id);
		} else if (b->session_on_disk) {
			queue_write(b, 1);
		} else {
			pb_info("session %s: abandoned before any photo was kept", b->session.id);
		}
		free_captures(b);
		pb_render_set_photo(b->render, NULL);
		b->share_url[0] = '\0';
		forget_email(b);
		break;
	case PB_ACT_EMAIL: {
		enum pb_status st = pb_outbox_add(b->outbox, b->email, b->session.id, b->share_url,
						  b->share_expires);
		pb_address_mask(b->email, b->email_sent_to, sizeof(b->email_sent_to));
		if (st == PB_OK)
			pb_info("session %s: email to %s queued", b->session.id, b->email_sent_to);
		else
			pb_err("session %s: email to %s not queued: %s", b->session.id,
			       b->email_sent_to, pb_status_str(st));
		explicit_bzero(b->email, sizeof(b->email));
		snprintf(b->session.note, sizeof(b->session.note), "%s", b->kiosk.copies
			 ? "prints spooled; download link shown; email queued"
			 : "download link shown; email queued");
		queue_write(b, 0);
		break;
	}
	}
}

static void
feed_arg(struct booth *b, enum pb_event_type type, uint32_t session, uint32_t job, int arg)
{
	struct pb_event ev = { type, session, job, arg };
	struct pb_action acts[PB_MAX_ACTIONS];
	uint64_t now = pb_now_ms();
	enum pb_state before = b->kiosk.state;
	int n = pb_kiosk_handle(&b->kiosk, &ev, now, acts);

	if (b->kiosk.state != before)
		pb_info("state: %s -> %s (%s)", pb_state_name(before),
			pb_state_name(b->kiosk.state),
			type == PB_EV_TICK ? "timeout" : pb_event_name(type));
	for (int i = 0; i < n; i++)
		perform(b, &acts[i], now);
}

static void
feed(struct booth *b, enum pb_event_type type, uint32_t session, uint32_t job)
{
	feed_arg(b, type, session, job, 0);
}

/* Results from other threads */

static void
on_capture(struct booth *b, struct pb_camera_result *res)
{
	if (res->status == PB_OK) {
		/* the photo-area guide follows the real camera's aspect */
		struct pb_jpeg *j = pb_jpeg_create();
		int w, h;
		if (j && pb_jpeg_info(j, res->photo.data, res->photo.len, &w, &h) == PB_OK) {
			b->capture_w = w;
			b->capture_h = h;
		}
		pb_jpeg_destroy(j);
	}
	b->incoming = res->photo; /* kept only if the kiosk says STORE */
	res->photo = (struct pb_blob){ 0 };
	feed(b, res->status == PB_OK ? PB_EV_CAPTURED : PB_EV_CAPTURE_FAILED, res->session,
	     res->job);
	free(b->incoming.data);
	b->incoming = (struct pb_blob){ 0 };
	pb_camera_result_destroy(res);
}

static void
on_composed(struct booth *b, struct compose_result *r)
{
	int fresh = b->kiosk.state == PB_PROCESSING && r->session == b->kiosk.session &&
		    r->id == b->kiosk.job;

	if (fresh && r->status == PB_OK) {
		pb_render_set_photo(b->render, r->preview);
		snprintf(b->session.status, sizeof(b->session.status), "composed");
		b->last_capture_to_review_ms = (int64_t)(pb_now_ms() - b->capture_ms);
		pb_info("session %s: capture to review %lld ms", b->session.id,
			(long long)b->last_capture_to_review_ms);
	}
	feed(b, r->status == PB_OK ? PB_EV_COMPOSED : PB_EV_COMPOSE_FAILED, r->session, r->id);
	compose_result_destroy(r);
}

static void
camera_post(void *ctx, struct pb_camera_result *res)
{
	struct booth *b = ctx;
	post(b->ev_base + EV_CAMERA, res, (void (*)(void *))pb_camera_result_destroy);
}

/* Status and control */

static void
status_json(struct booth *b, struct pb_buf *out)
{
	struct pb_camera_health ch;
	const struct pb_kiosk_counters *c = &b->kiosk.counters;
	int w = 0, h = 0;

	if (b->display)
		pb_display_size(b->display, &w, &h);
	pb_json_open(out, NULL);
	pb_json_str(out, "state", pb_state_name(b->kiosk.state));
	pb_json_str(out, "session", b->kiosk.session ? b->session.id : NULL);
	pb_json_int(out, "slot", b->kiosk.session ? b->kiosk.slot + 1 : 0);
	pb_json_int(out, "slots", b->kiosk.cfg.slots);
	pb_json_int(out, "retakes_left", pb_kiosk_retakes_left(&b->kiosk));
	pb_json_str(out, "overlay", b->overlay->name);
	pb_json_str(out, "delivery", pb_delivery_name(b->cfg->delivery));
	pb_json_str(out, "language", b->language);
	pb_camera_health(b->camera, &ch);
	pb_json_open(out, "camera");
	pb_json_str(out, "backend", pb_camera_backend_name(b->cfg->camera_backend));
	pb_json_str(out, "state", pb_camera_state_name(ch.state));
	pb_json_str(out, "reason", ch.reason);
	pb_json_int(out, "fps", (int64_t)(ch.fps + 0.5));
	pb_json_str(out, "live_view", ch.live_view < 0 ? "unknown" : ch.live_view ? "yes" : "no");
	pb_json_int(out, "shutter_lag_ms", ch.shutter_lag_ms);
	pb_json_int(out, "capture_ms", ch.capture_ms);
	pb_json_int(out, "captures", ch.captures);
	pb_json_int(out, "failures", ch.failures);
	pb_json_int(out, "retries", ch.retries);
	pb_json_int(out, "reconnects", ch.reconnects);
	pb_json_int(out, "liveview_restarts", ch.liveview_restarts);
	pb_json_close(out);
	if (b->print) {
		struct pb_printer_health ph;
		pb_print_health(b->print, &ph);
		pb_printer_health_json(&ph, out);
		/* the current guest's prints, as the deliver screen shows them */
		pb_json_open(out, "print_position");
		pb_json_int(out, "ahead", b->position.ahead);
		pb_json_int(out, "mine", b->position.mine);
		pb_json_int(out, "eta_s", b->position.eta_s);
		pb_json_bool(out, "failed", b->position.failed);
		pb_json_close(out);
	} else {
		pb_json_str(out, "printer", NULL);
	}
	if (b->outbox) {
		struct pb_outbox_stats os;
		pb_outbox_stats(b->outbox, &os);
		pb_json_open(out, "outbox");
		pb_json_int(out, "depth", os.depth);
		pb_json_int(out, "oldest_age_s", os.oldest_age_s);
		pb_json_int(out, "retry_in_s", os.retry_in_s);
		pb_json_int(out, "sent", os.sent);
		pb_json_int(out, "failures", os.failures);
		pb_json_int(out, "expired", os.expired);
		pb_json_int(out, "unsaved", os.unsaved);
		pb_json_str(out, "last_error", os.last_error[0] ? os.last_error : NULL);
		pb_json_close(out);
	} else {
		pb_json_str(out, "outbox", NULL);
	}
	if (b->kiosk.state == PB_EMAIL) {
		/* what the email screen shows, without the address itself */
		pb_json_open(out, "email");
		pb_json_int(out, "typed_chars", (int64_t)strlen(b->email));
		pb_json_bool(out, "consent", b->consent);
		pb_json_str(out, "problem",
			    b->email_problem == PB_EMAIL_NEED_CONSENT ? "consent"
			    : b->email_problem ? pb_address_problem(b->email_problem) : NULL);
		pb_json_close(out);
	}
	pb_json_open(out, "counters");
	pb_json_int(out, "sessions", c->sessions);
	pb_json_int(out, "photos", c->photos);
	pb_json_int(out, "accepted", c->accepted);
	pb_json_int(out, "prints", c->prints);
	pb_json_int(out, "emails", c->emails);
	pb_json_int(out, "retakes", c->retakes);
	pb_json_int(out, "failures", c->failures);
	pb_json_int(out, "timeouts", c->timeouts);
	pb_json_close(out);
	pb_json_str(out, "last_session", b->last_session[0] ? b->last_session : NULL);
	pb_json_int(out, "last_capture_to_review_ms", b->last_capture_to_review_ms);
	pb_json_int(out, "pending_jobs", pb_worker_pending(b->worker));
	pb_json_int(out, "text_overflows", b->render ? pb_render_overflows(b->render) : 0);
	pb_json_open(out, "display");
	pb_json_int(out, "width", w);
	pb_json_int(out, "height", h);
	pb_json_close(out);
	/* Where the buttons of the screen on display are: [x, y, w, h] in output pixels. */
	pb_json_str(out, "screen", b->render ? pb_state_name(pb_render_layout(b->render)->state)
					    : NULL);
	pb_json_open(out, "buttons");
	if (b->render) {
		const struct pb_layout *l = pb_render_layout(b->render);
		for (int i = 1; i < PB_BTN_COUNT; i++) {
			struct pb_rect r = l->button[i];
			if (!r.w)
				continue;
			pb_json_array(out, pb_button_name((enum pb_button)i));
			pb_json_int(out, NULL, r.x);
			pb_json_int(out, NULL, r.y);
			pb_json_int(out, NULL, r.w);
			pb_json_int(out, NULL, r.h);
			pb_json_close(out);
		}
	}
	pb_json_close(out);
	/* the email keyboard's keys, by what they type ("backspace" for the one that erases) */
	if (b->render && pb_render_layout(b->render)->nkeys &&
	    pb_render_layout(b->render)->state == PB_EMAIL) {
		const struct pb_layout *l = pb_render_layout(b->render);
		pb_json_open(out, "keys");
		for (int i = 0; i < l->nkeys; i++) {
			struct pb_rect r = l->keys[i].r;
			pb_json_array(out, l->keys[i].text ? l->keys[i].text : "backspace");
			pb_json_int(out, NULL, r.x);
			pb_json_int(out, NULL, r.y);
			pb_json_int(out, NULL, r.w);
			pb_json_int(out, NULL, r.h);
			pb_json_close(out);
		}
		pb_json_close(out);
	}
	pb_json_str(out, "version", PB_VERSION);
	pb_json_int(out, "uptime_s", (int64_t)((pb_now_ms() - b->started_ms) / 1000));
	pb_json_close(out);
	pb_buf_append(out, "\n", 1);
}

#define COMMANDS "status, trigger, reset, printer resume, printer paper N, resend SESSION ADDRESS"

/* Staff: a guest says the email never came. The session's live link goes to the address
 * (the guest's own, or a corrected one) through the outbox like any other email. */
static void
resend_command(struct booth *b, int argc, char **argv, struct pb_buf *reply)
{
	char token[PB_TOKEN_LEN + 1], masked[PB_ADDRESS_MAX + 8], *link;
	time_t expires;
	enum pb_address_check c;

	if (argc != 3) {
		pb_control_reply(reply, 2, "usage: resend SESSION ADDRESS");
		return;
	}
	if (!b->outbox) {
		pb_control_reply(reply, 1, "email is not set up on this booth ([mail] smtp_url, "
					   "[kiosk] delivery = share or both)");
		return;
	}
	c = pb_address_check(argv[2]);
	if (c != PB_ADDR_OK) {
		pb_control_reply(reply, 1, "resend: the address %s", pb_address_problem(c));
		return;
	}
	if (strlen(argv[1]) >= 64 || strchr(argv[1], '/') ||
	    pb_share_link_find(b->cfg->data_dir, argv[1], time(NULL), token, &expires) != PB_OK) {
		pb_control_reply(reply, 1, "resend: session '%.64s' has no live download link (wrong "
					   "id, or it expired and its photo is deleted)", argv[1]);
		return;
	}
	link = pb_xasprintf("%s/p/%s", b->cfg->public_url, token);
	pb_address_mask(argv[2], masked, sizeof(masked));
	if (pb_outbox_add(b->outbox, argv[2], argv[1], link, expires) == PB_OK) {
		pb_info("staff: resend of session %s to %s", argv[1], masked);
		pb_control_reply(reply, 0, "session %s: email to %s queued (see status: outbox)",
				 argv[1], masked);
	} else {
		pb_control_reply(reply, 1, "resend: session %s could not be queued", argv[1]);
	}
	free(link);
}

static void
printer_command(struct booth *b, int argc, char **argv, struct pb_buf *reply)
{
	if (!b->print) {
		pb_control_reply(reply, 1, "this booth does not print ([kiosk] delivery = %s)",
				 pb_delivery_name(b->cfg->delivery));
	} else if (argc == 2 && !strcmp(argv[1], "resume")) {
		pb_print_resume(b->print);
		pb_info("staff: printer resume");
		pb_control_reply(reply, 0, "resuming %s: enabling the queue and releasing %d "
					   "waiting print%s (see status)",
				 b->printer.queue[0] ? b->printer.queue : "the printer",
				 b->printer.pending, b->printer.pending == 1 ? "" : "s");
	} else if (argc == 3 && !strcmp(argv[1], "paper")) {
		char *end;
		long n = strtol(argv[2], &end, 10);
		if (!*argv[2] || *end || n < 0 || n > 100000) {
			pb_control_reply(reply, 2, "printer paper: '%s' is not a count of prints "
						   "(0..100000)", argv[2]);
			return;
		}
		pb_print_set_paper(b->print, (int)n);
		pb_info("staff: printer paper %ld", n);
		pb_control_reply(reply, 0, "%ld prints left", n);
	} else {
		pb_control_reply(reply, 2, "usage: printer resume | printer paper N");
	}
}

static void
on_control(void *ctx, int argc, char **argv, struct pb_buf *reply)
{
	struct booth *b = ctx;
	enum pb_state before = b->kiosk.state;

	if (!strcmp(argv[0], "status") && argc == 1) {
		pb_control_reply(reply, 0, "ok");
		status_json(b, reply);
	} else if (!strcmp(argv[0], "trigger") && argc == 1) {
		int copies = b->kiosk.copies;
		feed(b, PB_EV_TRIGGER, 0, 0);
		if (b->kiosk.copies != copies)
			pb_control_reply(reply, 0, "%s: %d print%s", pb_state_name(before),
					 b->kiosk.copies, b->kiosk.copies == 1 ? "" : "s");
		else if (b->kiosk.state != before)
			pb_control_reply(reply, 0, "%s -> %s", pb_state_name(before),
					 pb_state_name(b->kiosk.state));
		else
			pb_control_reply(reply, 1, "nothing to trigger in %s",
					 pb_state_name(before));
	} else if (!strcmp(argv[0], "reset") && argc == 1) {
		feed(b, PB_EV_RESET, 0, 0);
		pb_control_reply(reply, 0, "%s -> attract", pb_state_name(before));
	} else if (!strcmp(argv[0], "printer")) {
		printer_command(b, argc, argv, reply);
	} else if (!strcmp(argv[0], "resend")) {
		resend_command(b, argc, argv, reply);
	} else if (!strcmp(argv[0], "help")) {
		pb_control_reply(reply, 0, "commands: " COMMANDS);
	} else {
		pb_control_reply(reply, 2, "unknown command '%s' (commands: " COMMANDS ")",
				 argv[0]);
	}
}

/* Input */

static void
set_language(struct booth *b, const char *lang)
{
	snprintf(b->language, sizeof(b->language), "%s", lang);
	pb_i18n_set_language(lang);
	pb_info("language: %s", lang);
}

/* The email screen */

static void
email_type(struct booth *b, const char *text)
{
	size_t n = strlen(b->email), t = strlen(text);
	/* a domain key replaces whatever domain was typed */
	if (text[0] == '@' && t > 1) {
		char *at = strchr(b->email, '@');
		if (at)
			n = (size_t)(at - b->email);
	}
	if (n + t < sizeof(b->email)) {
		memcpy(b->email + n, text, t + 1);
	}
	b->email_problem = 0;
	feed(b, PB_EV_TYPED, 0, 0);
}

static void
email_backspace(struct booth *b)
{
	size_t n = strlen(b->email);
	/* one character, not one byte: drop UTF-8 continuation bytes with it */
	while (n > 0 && ((unsigned char)b->email[n - 1] & 0xc0) == 0x80)
		b->email[--n] = '\0';
	if (n > 0)
		b->email[--n] = '\0';
	b->email_problem = 0;
	feed(b, PB_EV_TYPED, 0, 0);
}

static void
email_submit(struct booth *b)
{
	enum pb_address_check c = pb_address_check(b->email);
	if (c != PB_ADDR_OK) {
		b->email_problem = (int)c;
		pb_info("email: address refused (%s)", pb_address_problem(c));
		feed(b, PB_EV_TYPED, 0, 0);
	} else if (b->cfg->require_consent && !b->consent) {
		b->email_problem = PB_EMAIL_NEED_CONSENT;
		feed(b, PB_EV_TYPED, 0, 0);
	} else {
		feed(b, PB_EV_EMAIL_SEND, 0, 0);
	}
}

static void
email_input(struct booth *b, struct pb_input in)
{
	switch (in.kind) {
	case PB_IN_TEXT:
		email_type(b, in.text);
		break;
	case PB_IN_BACKSPACE:
		email_backspace(b);
		break;
	case PB_IN_ENTER:
		email_submit(b);
		break;
	case PB_IN_ESCAPE:
		feed(b, PB_EV_CANCEL, 0, 0);
		break;
	case PB_IN_TOUCH:
		switch (pb_render_hit(b->render, in.x, in.y)) {
		case PB_BTN_KEY: {
			const struct pb_layout *l = pb_render_layout(b->render);
			int k = pb_layout_key(l, in.x, in.y);
			if (k >= 0 && l->keys[k].text)
				email_type(b, l->keys[k].text);
			else if (k >= 0)
				email_backspace(b);
			break;
		}
		case PB_BTN_SEND:
			email_submit(b);
			break;
		case PB_BTN_CANCEL:
			feed(b, PB_EV_CANCEL, 0, 0);
			break;
		case PB_BTN_CONSENT:
			b->consent = !b->consent;
			if (b->email_problem == PB_EMAIL_NEED_CONSENT)
				b->email_problem = 0;
			feed(b, PB_EV_TYPED, 0, 0);
			break;
		default:
			break;
		}
		break;
	case PB_IN_QUIT:
		b->quit = 1;
		break;
	default:
		break;
	}
}

static void
on_input(struct booth *b, struct pb_input in)
{
	if (b->kiosk.state == PB_EMAIL) {
		email_input(b, in);
		return;
	}
	switch (in.kind) {
	case PB_IN_QUIT:
		b->quit = 1;
		break;
	case PB_IN_TRIGGER:
	case PB_IN_ENTER:
		feed(b, PB_EV_TRIGGER, 0, 0);
		break;
	case PB_IN_TOUCH:
		pb_debug("touch at %d,%d on %s: %s", in.x, in.y, pb_state_name(b->kiosk.state),
			 pb_button_name(pb_render_hit(b->render, in.x, in.y)));
		switch (pb_render_hit(b->render, in.x, in.y)) {
		case PB_BTN_START:
		case PB_BTN_DONE:
		case PB_BTN_RETRY:
		case PB_BTN_CONTINUE:
			feed(b, PB_EV_TRIGGER, 0, 0);
			break;
		case PB_BTN_RETAKE:
			feed(b, PB_EV_RETAKE, 0, 0);
			break;
		case PB_BTN_ACCEPT:
			feed(b, PB_EV_ACCEPT, 0, 0);
			break;
		case PB_BTN_LANGUAGE:
			set_language(b, strcmp(b->language, "ko") ? "ko" : "en");
			break;
		case PB_BTN_COPIES_1:
		case PB_BTN_COPIES_2:
		case PB_BTN_COPIES_3:
		case PB_BTN_COPIES_4:
			feed_arg(b, PB_EV_PRINT, 0, 0,
				 1 + (int)(pb_render_hit(b->render, in.x, in.y) - PB_BTN_COPIES_1));
			break;
		case PB_BTN_EMAIL:
			explicit_bzero(b->email, sizeof(b->email));
			b->email_problem = 0;
			feed(b, PB_EV_EMAIL, 0, 0);
			break;
		default:
			break;
		}
		break;
	default:
		break;
	}
}

static void
on_event(struct booth *b, SDL_Event *e)
{
	if (e->type == b->ev_base + EV_CAMERA)
		on_capture(b, e->user.data1);
	else if (e->type == b->ev_base + EV_COMPOSED)
		on_composed(b, e->user.data1);
	else if (b->display)
		on_input(b, pb_display_translate(b->display, e));
	else if (e->type == SDL_QUIT)
		b->quit = 1;
}

static void
draw(struct booth *b, uint64_t now)
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
		.capture_width = b->capture_w,
		.capture_height = b->capture_h,
		.overlay = b->overlay,
		.share_url = b->share_url[0] ? b->share_url : NULL,
		.email = {
			.offered = pb_kiosk_email_open(&b->kiosk),
			.typed = b->email,
			.consent_asked = b->cfg->require_consent,
			.consent_given = b->consent,
			.problem = b->email_problem,
			.sent_to = b->email_sent_to[0] ? b->email_sent_to : NULL,
		},
		.print = {
			.mode = !b->print ? 0 : b->cfg->delivery == PB_DELIVERY_BOTH ? 2 : 1,
			.printer_ready = b->printer.ready,
			.offered = b->kiosk.print_offered,
			.copies = b->kiosk.copies,
			.max_copies = b->kiosk.cfg.max_copies,
			.ahead = b->position.ahead,
			.mine = b->position.mine,
			.eta_s = b->position.eta_s,
			.failed = b->position.failed,
		},
	};
	int w, h;
	pb_display_size(b->display, &w, &h);
	pb_render_draw(b->render, &v, w, h);
	SDL_RenderPresent(pb_display_renderer(b->display));
}

/* The print thread's view, a few times a second: cheap (a copy under a lock). */
static void
watch_printer(struct booth *b, uint64_t now)
{
	if (!b->print || now - b->printer_asked_ms < 200)
		return;
	b->printer_asked_ms = now;
	pb_print_health(b->print, &b->printer);
	pb_kiosk_set_printer_ready(&b->kiosk, b->printer.ready);
	if (b->kiosk.session && b->kiosk.copies)
		pb_print_position(b->print, b->session.id, &b->position);
	else
		b->position = (struct pb_print_position){ 0 };
}

static struct pb_print *
start_print(const struct pb_config *c)
{
	char *spool = pb_xasprintf("%s/spool", c->data_dir);
	static const int quality[] = { [PB_QUALITY_DRAFT] = 3, [PB_QUALITY_NORMAL] = 4,
				       [PB_QUALITY_HIGH] = 5 };
	struct pb_print_config pc = {
		.printer = c->printer,
		.media = c->media,
		.quality = quality[c->print_quality],
		.fill = c->print_scaling == PB_SCALING_FILL,
		.borderless = c->borderless,
		.options = c->print_options,
		.seconds_per_print = c->seconds_per_print,
		.paper_warn = c->paper_warn,
		.spool_dir = spool,
		.poll_ms = 1000,
	};
	struct pb_print *p = pb_print_create(&pc);
	free(spool);
	return p;
}

static struct pb_outbox *
start_outbox(const struct pb_config *c, const char *title)
{
	char *dir = pb_xasprintf("%s/outbox", c->data_dir);
	char *sessions = pb_xasprintf("%s/sessions", c->data_dir);
	struct pb_outbox_config oc = {
		.dir = dir,
		.sessions_dir = sessions,
		.server = {
			.url = c->smtp_url,
			.starttls = c->starttls,
			.username = c->mail_username,
			.from = c->mail_from,
			.reply_to = c->mail_reply_to,
			.subject = c->mail_subject,
			.timeout_s = 60,
		},
		.password_file = c->mail_password_file,
		.title = title,
		.retry_first_s = 2,
		.retry_max_s = c->retry_max_seconds,
	};
	struct pb_outbox *o = pb_outbox_create(&oc);
	free(dir);
	free(sessions);
	return o;
}

static struct pb_kiosk_config
kiosk_config(const struct pb_config *cfg, int slots)
{
	struct pb_kiosk_config kc = { .slots = slots, .retakes = cfg->retakes };
	if (cfg->delivery == PB_DELIVERY_PRINT || cfg->delivery == PB_DELIVERY_BOTH)
		kc.max_copies = cfg->max_copies;
	kc.print_fallback = cfg->delivery == PB_DELIVERY_BOTH;
	kc.email = cfg->delivery != PB_DELIVERY_PRINT && cfg->smtp_url[0];
	kc.timeout_ms[PB_EMAIL] = (uint32_t)cfg->email_timeout * 1000u;
	kc.timeout_ms[PB_COUNTDOWN] = (uint32_t)cfg->countdown * 1000u;
	kc.timeout_ms[PB_CAPTURE] = (uint32_t)cfg->capture_timeout * 1000u;
	kc.timeout_ms[PB_PROCESSING] = (uint32_t)cfg->processing_timeout * 1000u;
	kc.timeout_ms[PB_REVIEW] = (uint32_t)cfg->review_timeout * 1000u;
	kc.timeout_ms[PB_DELIVER] = (uint32_t)cfg->deliver_timeout * 1000u;
	kc.timeout_ms[PB_THANKS] = (uint32_t)cfg->thanks_timeout * 1000u;
	kc.timeout_ms[PB_ERROR] = (uint32_t)cfg->error_timeout * 1000u;
	return kc;
}

static struct pb_camera *
start_camera(struct booth *b)
{
	const struct pb_config *c = b->cfg;
	struct pb_camera_options co = {
		.capture_retries = c->capture_retries,
		.retry_delay_ms = 300,
		.liveview_restart_ms = (uint32_t)c->liveview_restart_minutes * 60000u,
	};
	if (c->camera_backend == PB_CAMERA_GPHOTO2) {
		struct pb_camera_gphoto2_config gc = {
			.model = c->camera_model,
			.port = c->camera_port,
			.capture_target = c->capture_target,
			.viewfinder = c->viewfinder,
			.settings = c->camera_settings,
		};
		void *impl = pb_camera_gphoto2_create(&gc);
		if (!impl)
			return NULL;
		/* the common DSLR shape until the first photo tells */
		b->capture_w = 3;
		b->capture_h = 2;
		return pb_camera_create(&pb_camera_gphoto2_ops, impl, &co, camera_post, b);
	}
	b->capture_w = c->sim_width;
	b->capture_h = c->sim_height;
	struct pb_camera_sim_config sc = {
		.width = c->sim_width,
		.height = c->sim_height,
		.preview_width = c->sim_preview_width,
		.fps = c->sim_fps,
		.fail_every = c->sim_fail_every,
		.corrupt_every = c->sim_corrupt_every,
		.latency_ms = c->sim_latency_ms,
		.disconnect_every = c->sim_disconnect_every,
		.disconnect_ms = c->sim_disconnect_ms,
	};
	void *impl = pb_camera_sim_create(&sc);
	if (!impl)
		return NULL;
	return pb_camera_create(&pb_camera_sim_ops, impl, &co, camera_post, b);
}

/* Frees results still queued as SDL events after the threads have stopped. */
static void
drain_events(struct booth *b)
{
	SDL_Event e;
	while (SDL_PeepEvents(&e, 1, SDL_GETEVENT, b->ev_base, b->ev_base + EV_COUNT - 1) == 1) {
		if (e.type == b->ev_base + EV_CAMERA)
			pb_camera_result_destroy(e.user.data1);
		else
			compose_result_destroy(e.user.data1);
	}
}

int
pb_booth_run(const struct pb_config *cfg, const struct pb_booth_options *opt)
{
	struct booth b = { .cfg = cfg };
	char err[2048], *sessions;
	int rc = 1;

	b.started_ms = pb_now_ms();
	b.windowed = opt->windowed;
	if (pb_overlay_load(cfg->overlays_dir, cfg->overlay, &b.overlay, err, sizeof(err))) {
		fprintf(stderr, "%s", err);
		return PB_EXIT_CONFIG;
	}
	sessions = pb_xasprintf("%s/sessions", cfg->data_dir);
	if (pb_file_mkdirs(sessions, 0750) != PB_OK) {
		fprintf(stderr, "data_dir %s is not usable (see above)\n", cfg->data_dir);
		free(sessions);
		pb_overlay_destroy(b.overlay);
		return PB_EXIT_CONFIG;
	}
	free(sessions);
	if (SDL_Init(SDL_INIT_EVENTS) < 0) {
		fprintf(stderr, "SDL: %s\n", SDL_GetError());
		goto out;
	}
	b.ev_base = SDL_RegisterEvents(EV_COUNT);
	set_language(&b, cfg->language);
	pb_kiosk_init(&b.kiosk, &(struct pb_kiosk_config){ 0 }, b.started_ms);
	b.kiosk.cfg = kiosk_config(cfg, b.overlay->nslots);

	struct pb_display_config dc = { opt->windowed, cfg->window_width, cfg->window_height };
	if (pb_display_open(&dc, &b.display, err, sizeof(err)) != PB_OK) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	b.render = pb_render_create(pb_display_renderer(b.display), cfg->font,
				    pb_display_dpi(b.display), err, sizeof(err));
	if (!b.render) {
		fprintf(stderr, "%s\n", err);
		rc = PB_EXIT_CONFIG;
		goto out;
	}
	if (cfg->delivery == PB_DELIVERY_SHARE || cfg->delivery == PB_DELIVERY_BOTH) {
		struct pb_gallery_config gc = {
			.listen = cfg->share_listen,
			.data_dir = cfg->data_dir,
			.title = b.overlay->title,
		};
		b.gallery = pb_gallery_start(&gc, err, sizeof(err));
		if (!b.gallery) {
			fprintf(stderr, "[share] %s\n", err);
			rc = PB_EXIT_CONFIG;
			goto out;
		}
	}
	if (b.gallery && cfg->smtp_url[0]) {
		b.outbox = start_outbox(cfg, b.overlay->title);
		if (!b.outbox) {
			rc = PB_EXIT_CONFIG;
			goto out;
		}
	}
	if (cfg->delivery == PB_DELIVERY_PRINT || cfg->delivery == PB_DELIVERY_BOTH) {
		b.print = start_print(cfg);
		if (!b.print) {
			rc = PB_EXIT_CONFIG;
			goto out;
		}
	}
	b.worker = pb_worker_create("worker");
	b.camera = start_camera(&b);
	if (!b.worker || !b.camera)
		goto out;
	{
		char *dir = pb_xstrdup(cfg->socket), *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			pb_file_mkdirs(dir, 0750);
		}
		free(dir);
	}
	if (pb_control_open(cfg->socket, &b.control) != PB_OK)
		goto out;

	pb_notice("photobooth %s ready: theme %s (%d photo%s), delivery %s, camera %s",
		  PB_VERSION, b.overlay->name, b.overlay->nslots, b.overlay->nslots > 1 ? "s" : "",
		  pb_delivery_name(cfg->delivery), pb_camera_backend_name(cfg->camera_backend));
	uint64_t next_draw = 0;
	while (!b.quit) {
		uint64_t now = pb_now_ms();
		int wait = next_draw > now ? (int)(next_draw - now) : 0;
		SDL_Event e;
		if (SDL_WaitEventTimeout(&e, wait > FRAME_MS ? FRAME_MS : wait)) {
			on_event(&b, &e);
			while (!b.quit && SDL_PollEvent(&e))
				on_event(&b, &e);
		}
		now = pb_now_ms();
		pb_control_poll(b.control, now, on_control, &b);
		watch_printer(&b, now);
		maybe_purge(&b, now);
		feed(&b, PB_EV_TICK, 0, 0);
		enum pb_camera_state cs = pb_camera_state(b.camera, NULL, 0, NULL);
		if (cs != b.camera_state) {
			/* a frozen picture of a camera that is gone would be a lie */
			if (cs != PB_CAM_CONNECTED)
				pb_render_live_frame(b.render, NULL, 0);
			b.camera_state = cs;
		}
		struct pb_blob frame;
		if (pb_camera_take_frame(b.camera, &frame, &b.frame_seq)) {
			pb_render_live_frame(b.render, frame.data, frame.len);
			free(frame.data);
		}
		if (now >= next_draw) {
			draw(&b, now);
			next_draw = now + FRAME_MS;
		}
	}
	pb_notice("shutting down");
	rc = 0;
out:
	pb_control_close(b.control);
	pb_camera_destroy(b.camera);
	pb_worker_destroy(b.worker); /* finishes queued writes */
	pb_print_destroy(b.print);   /* spools what was handed over */
	pb_outbox_destroy(b.outbox); /* writes what was handed over */
	pb_gallery_stop(b.gallery);
	if (b.ev_base)
		drain_events(&b);
	free_captures(&b);
	free(b.incoming.data);
	pb_render_destroy(b.render);
	pb_display_close(b.display);
	pb_overlay_destroy(b.overlay);
	SDL_Quit();
	return rc;
}
