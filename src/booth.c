/* booth.c - the guests' flow: the kiosk's actions carried out (sessions, captures, compose and
 * save jobs, prints, download links, email), results from the camera and the worker, input on
 * the guest screens, and switching the theme and the delivery mode. Main thread; jobs run on
 * the worker. See booth_priv.h for who owns what. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "booth_priv.h"
#include "clock.h"
#include "compose.h"
#include "i18n.h"
#include "jpeg.h"
#include "log.h"
#include "mem.h"
#include "qr.h"
#include "share.h"

struct write_job {
	struct pb_job job;
	struct pb_session_info info;
	int discard;
	char token[PB_TOKEN_LEN + 1]; /* a download link to record first, or "" */
	char data_dir[PATH_MAX];
	time_t expires;
	struct pb_publish *publish; /* the link's cloud copy, or NULL */
};

static void
write_run(struct pb_job *job)
{
	struct write_job *wj = (struct write_job *)job;
	if (wj->token[0])
		pb_delivery_record_link(wj->publish, wj->data_dir, wj->token, wj->info.id,
					wj->expires, wj->info.language);
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
	struct pb_publish *publish; /* NULL when off; outlives the worker */
	char data_dir[PATH_MAX];
	char keep[64]; /* the session on screen */
	time_t before;
	int hours;
	int staff; /* asked for by staff; else the retention purge */
};

static void
purge_run(struct pb_job *job)
{
	struct purge_job *pj = (struct purge_job *)job;
	const char *keep = pj->keep[0] ? pj->keep : NULL;
	int n;
	if (pj->staff) {
		n = pb_session_purge(pj->data_dir, pj->before, keep);
		/* their download links go with them, and the links' published copies */
		pb_delivery_purge_links(pj->publish, pj->data_dir, time(NULL));
		pb_notice("staff: purge: %d session%s older than %d h deleted", n < 0 ? 0 : n,
			  n == 1 ? "" : "s", pj->hours);
		return;
	}
	n = pb_delivery_purge_links(pj->publish, pj->data_dir, time(NULL));
	if (n)
		pb_info("purge: %d expired download link%s and their photos deleted", n,
			n == 1 ? "" : "s");
	/* every other session past retention: print-only ones, ones whose link is gone */
	n = pb_session_purge(pj->data_dir, pj->before, keep);
	if (n > 0)
		pb_info("purge: %d session%s older than %d h deleted ([share] retention_hours)", n,
			n == 1 ? "" : "s", pj->hours);
}

static void
purge_destroy(struct pb_job *job)
{
	free(job);
}

void
booth_queue_purge(struct pb_booth *b, int hours, int staff)
{
	struct purge_job *pj = pb_xcalloc(1, sizeof(*pj));
	pj->job.run = purge_run;
	pj->job.destroy = purge_destroy;
	pj->publish = b->deliver.publish;
	snprintf(pj->data_dir, sizeof(pj->data_dir), "%s", b->cfg->data_dir);
	if (b->kiosk.session)
		snprintf(pj->keep, sizeof(pj->keep), "%s", b->guest.session.id);
	pj->before = time(NULL) - (time_t)hours * 3600;
	pj->hours = hours;
	pj->staff = staff;
	pb_worker_submit(b->worker, &pj->job);
}

static void
queue_write(struct pb_booth *b, int discard)
{
	struct write_job *wj = pb_xcalloc(1, sizeof(*wj));
	wj->job.run = write_run;
	wj->job.destroy = write_destroy;
	wj->info = b->guest.session;
	wj->discard = discard;
	pb_worker_submit(b->worker, &wj->job);
}

/* A download link for the session: the token, the link recorded (worker), the QR on screen. */
static void
share_begin(struct pb_booth *b)
{
	struct write_job *wj = pb_xcalloc(1, sizeof(*wj));
	struct pb_image *qr = NULL;

	wj->job.run = write_run;
	wj->job.destroy = write_destroy;
	wj->info = b->guest.session;
	if (pb_delivery_new_link(&b->deliver, b->cfg, wj->token, b->guest.share_url,
				 sizeof(b->guest.share_url), &qr) == PB_OK) {
		snprintf(wj->data_dir, sizeof(wj->data_dir), "%s", b->cfg->data_dir);
		wj->expires = time(NULL) + (time_t)b->cfg->retention_hours * 3600;
		b->guest.share_expires = wj->expires;
		wj->publish = b->deliver.publish;
		if (qr)
			pb_render_set_qr(b->render, qr);
		pb_image_destroy(qr);
	}
	pb_worker_submit(b->worker, &wj->job);
}

static void
act_begin(struct pb_booth *b, const struct pb_action *a, uint64_t now)
{
	(void)a, (void)now;
	pb_session_info_init(&b->guest.session, b->cfg->data_dir, time(NULL));
	snprintf(b->guest.session.overlay, sizeof(b->guest.session.overlay), "%s",
		 b->overlay->name);
	snprintf(b->guest.session.delivery, sizeof(b->guest.session.delivery), "%s",
		 pb_delivery_name(b->deliver.mode));
	/* the guest's language (the button is on attract): their page speaks it too */
	snprintf(b->guest.session.language, sizeof(b->guest.session.language), "%s", b->language);
	b->guest.on_disk = 0;
	booth_shots_drop(b);
	pb_render_set_photo(b->render, NULL);
	b->guest.share_url[0] = '\0';
	b->guest.prints = b->guest.emails = 0;
	pb_email_form_clear(&b->email);
	pb_info("session %s: started", b->guest.session.id);
}

static void
act_capture(struct pb_booth *b, const struct pb_action *a, uint64_t now)
{
	b->guest.capture_ms = now;
	b->guest.countdown_end_us = pb_now_us();
	pb_camera_request_capture(b->camera, a->session, a->job, a->slot);
}

static void
act_store(struct pb_booth *b, const struct pb_action *a, uint64_t now)
{
	(void)now;
	booth_shot_store(b, a->slot);
}

static void
act_compose(struct pb_booth *b, const struct pb_action *a, uint64_t now)
{
	(void)now;
	booth_shots_compose(b, a->session, a->job);
}

static void
act_deliver(struct pb_booth *b, const struct pb_action *a, uint64_t now)
{
	(void)a, (void)now;
	snprintf(b->guest.session.status, sizeof(b->guest.session.status), "accepted");
	snprintf(b->guest.session.note, sizeof(b->guest.session.note), "%s",
		 pb_delivery_note(&b->deliver, b->kiosk.print_offered));
	if (pb_delivery_links(&b->deliver))
		share_begin(b);
	else
		queue_write(b, 0);
}

static void
act_print(struct pb_booth *b, const struct pb_action *a, uint64_t now)
{
	(void)now;
	char *photo = pb_xasprintf("%s/final.jpg", b->guest.session.dir);
	pb_delivery_print(&b->deliver, b->guest.session.id, photo, a->copies);
	b->guest.prints += a->copies;
	free(photo);
	pb_info("session %s: %d print%s asked for", b->guest.session.id, a->copies,
		a->copies == 1 ? "" : "s");
	snprintf(b->guest.session.note, sizeof(b->guest.session.note), "%d print%s spooled",
		 a->copies, a->copies == 1 ? "" : "s");
	queue_write(b, 0);
}

static void
act_end(struct pb_booth *b, const struct pb_action *a, uint64_t now)
{
	(void)now;
	if (a->keep) {
		struct pb_delivery_done done = {
			b->guest.session.id,   b->guest.session.overlay, b->guest.session.delivery,
			b->guest.share_url,    b->guest.prints,		 b->guest.emails,
			b->guest.webhook_email
		};
		snprintf(b->last_session, sizeof(b->last_session), "%s", b->guest.session.id);
		pb_info("session %s: finished", b->guest.session.id);
		pb_delivery_finished(&b->deliver, b->cfg, &done);
	} else if (b->guest.on_disk) {
		queue_write(b, 1);
	} else {
		pb_info("session %s: abandoned before any photo was kept", b->guest.session.id);
	}
	booth_shots_drop(b);
	b->guest.review_from_us = 0;
	pb_render_set_photo(b->render, NULL);
	b->guest.share_url[0] = '\0';
	explicit_bzero(b->guest.webhook_email, sizeof(b->guest.webhook_email));
	pb_email_form_clear(&b->email);
}

static void
act_email(struct pb_booth *b, const struct pb_action *a, uint64_t now)
{
	(void)a, (void)now;
	if (b->cfg->webhook_include_email && b->email.consent)
		snprintf(b->guest.webhook_email, sizeof(b->guest.webhook_email), "%s",
			 b->email.typed);
	enum pb_status st = pb_delivery_email(&b->deliver, b->email.typed, b->guest.session.id,
					      b->guest.share_url, b->guest.share_expires);
	pb_email_form_sent(&b->email);
	b->guest.emails += st == PB_OK;
	if (st == PB_OK)
		pb_info("session %s: email to %s queued", b->guest.session.id, b->email.sent_to);
	else
		pb_err("session %s: email to %s not queued: %s", b->guest.session.id,
		       b->email.sent_to, pb_status_str(st));
	snprintf(b->guest.session.note, sizeof(b->guest.session.note), "%s",
		 b->kiosk.copies ? "prints spooled; download link shown; email queued"
				 : "download link shown; email queued");
	queue_write(b, 0);
}

/* One row per kiosk action (kiosk.h), one function each: what the shell does when the state
 * machine says so. */
/* clang-format off */
static void (*const perform[PB_ACT_COUNT])(struct pb_booth *, const struct pb_action *,
					    uint64_t) = {
	[PB_ACT_BEGIN] = act_begin,
	[PB_ACT_CAPTURE] = act_capture,
	[PB_ACT_STORE] = act_store,
	[PB_ACT_COMPOSE] = act_compose,
	[PB_ACT_DELIVER] = act_deliver,
	[PB_ACT_PRINT] = act_print,
	[PB_ACT_EMAIL] = act_email,
	[PB_ACT_END] = act_end,
};
/* clang-format on */

void
booth_feed_arg(struct pb_booth *b, enum pb_event_type type, uint32_t session, uint32_t job, int arg)
{
	struct pb_event ev = { type, session, job, arg };
	struct pb_action acts[PB_MAX_ACTIONS];
	uint64_t now = booth_now(b);
	enum pb_state before = b->kiosk.state;
	int starts = type == PB_EV_TRIGGER && (before == PB_ATTRACT || before == PB_THANKS);
	if (starts)
		booth_watch_disk(b, now, 1); /* a guest about to start: is there room for them? */
	int n = pb_kiosk_handle(&b->kiosk, &ev, now, acts);
	if (starts && b->kiosk.state == PB_ATTRACT && b->disk.low)
		pb_warn("a guest tapped start, but data_dir is full: no session (staff: free space)");

	if (b->kiosk.state != before)
		pb_info("state: %s -> %s (%s)", pb_state_name(before),
			pb_state_name(b->kiosk.state),
			type == PB_EV_TICK ? "timeout" : pb_event_name(type));
	for (int i = 0; i < n; i++)
		perform[acts[i].type](b, &acts[i], now);
}

void
booth_feed(struct pb_booth *b, enum pb_event_type type, uint32_t session, uint32_t job)
{
	booth_feed_arg(b, type, session, job, 0);
}

static void
on_capture(struct pb_booth *b, struct pb_camera_result *res)
{
	if (res->status == PB_OK) {
		/* the photo-area guide follows the real camera's aspect */
		struct pb_jpeg *j = pb_jpeg_create();
		int w, h;
		if (j && pb_jpeg_info(j, res->photo.data, res->photo.len, &w, &h) == PB_OK) {
			b->capture_size.w = w;
			b->capture_size.h = h;
		}
		pb_jpeg_destroy(j);
	}
	b->guest.incoming = res->photo; /* kept only if the kiosk says STORE */
	res->photo = (struct pb_blob){ 0 };
	b->guest.shot = (struct pb_trace_shot){ res->shutter_us, res->capture_us, res->download_us,
						-1, -1 };
	booth_feed(b, res->status == PB_OK ? PB_EV_CAPTURED : PB_EV_CAPTURE_FAILED, res->session,
		   res->job);
	free(b->guest.incoming.data);
	b->guest.incoming = (struct pb_blob){ 0 };
	pb_camera_result_destroy(res);
}

static void
on_composed(struct pb_booth *b, struct booth_compose_result *r)
{
	int fresh = b->kiosk.state == PB_PROCESSING && r->session == b->kiosk.session &&
		    r->id == b->kiosk.job;

	if (fresh && r->status == PB_OK) {
		pb_render_set_photo(b->render, r->preview);
		snprintf(b->guest.session.status, sizeof(b->guest.session.status), "composed");
		b->last_capture_to_review_ms = (int64_t)(booth_now(b) - b->guest.capture_ms);
		booth_shots_composed(b, r);
		pb_info("session %s: capture to review %lld ms", b->guest.session.id,
			(long long)b->last_capture_to_review_ms);
	}
	booth_feed(b, r->status == PB_OK ? PB_EV_COMPOSED : PB_EV_COMPOSE_FAILED, r->session,
		   r->id);
	booth_compose_result_destroy(r);
}

void
booth_camera_post(void *ctx, struct pb_camera_result *res)
{
	struct pb_booth *b = ctx;
	booth_post(b, EV_CAMERA, res, (void (*)(void *))pb_camera_result_destroy);
}

void
booth_set_language(struct pb_booth *b, const char *lang)
{
	snprintf(b->language, sizeof(b->language), "%s", lang);
	pb_i18n_set_language(lang);
	pb_info("language: %s", lang);
}

static void
email_type(struct pb_booth *b, const char *text)
{
	pb_email_form_type(&b->email, text);
	booth_feed(b, PB_EV_TYPED, 0, 0);
}

static void
email_backspace(struct pb_booth *b)
{
	pb_email_form_backspace(&b->email);
	booth_feed(b, PB_EV_TYPED, 0, 0);
}

static void
email_submit(struct pb_booth *b)
{
	if (pb_email_form_ready(&b->email, b->cfg->require_consent)) {
		enum pb_outbox_limit l = pb_delivery_email_limit(&b->deliver, b->email.typed);
		if (l == PB_LIMIT_NONE) {
			booth_feed(b, PB_EV_EMAIL_SEND, 0, 0);
			return;
		}
		char masked[PB_ADDRESS_MAX + 8];
		pb_address_mask(b->email.typed, masked, sizeof(masked));
		b->email.problem =
			l == PB_LIMIT_BOOTH ? PB_EMAIL_LIMIT_BOOTH : PB_EMAIL_LIMIT_ADDRESS;
		pb_warn("email: to %s not sent: %s", masked, pb_email_form_problem(&b->email));
	} else if (b->email.problem != PB_EMAIL_NEED_CONSENT) {
		pb_info("email: address refused (%s)", pb_email_form_problem(&b->email));
	}
	booth_feed(b, PB_EV_TYPED, 0, 0);
}

static void
email_input(struct pb_booth *b, struct pb_input in)
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
		booth_feed(b, PB_EV_CANCEL, 0, 0);
		break;
	case PB_IN_TOUCH:
		switch (pb_render_hit(b->render, in.x, in.y)) {
		case PB_BTN_KEY: {
			const struct pb_key *k = pb_render_key(b->render, in.x, in.y);
			if (k && k->text)
				email_type(b, k->text);
			else if (k)
				email_backspace(b);
			break;
		}
		case PB_BTN_SEND:
			email_submit(b);
			break;
		case PB_BTN_CANCEL:
			booth_feed(b, PB_EV_CANCEL, 0, 0);
			break;
		case PB_BTN_CONSENT:
			pb_email_form_toggle_consent(&b->email);
			booth_feed(b, PB_EV_TYPED, 0, 0);
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

void
booth_guest_input(struct pb_booth *b, struct pb_input in)
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
		booth_feed(b, PB_EV_TRIGGER, 0, 0);
		break;
	case PB_IN_TOUCH:
		pb_debug("touch at %d,%d on %s: %s", in.x, in.y, pb_state_name(b->kiosk.state),
			 pb_button_name(pb_render_hit(b->render, in.x, in.y)));
		switch (pb_render_hit(b->render, in.x, in.y)) {
		case PB_BTN_START:
		case PB_BTN_DONE:
		case PB_BTN_RETRY:
		case PB_BTN_CONTINUE:
			booth_feed(b, PB_EV_TRIGGER, 0, 0);
			break;
		case PB_BTN_RETAKE:
			booth_feed(b, PB_EV_RETAKE, 0, 0);
			break;
		case PB_BTN_ACCEPT:
			booth_feed(b, PB_EV_ACCEPT, 0, 0);
			break;
		case PB_BTN_LANGUAGE:
			booth_set_language(b, strcmp(b->language, "ko") ? "ko" : "en");
			break;
		case PB_BTN_COPIES_1:
		case PB_BTN_COPIES_2:
		case PB_BTN_COPIES_3:
		case PB_BTN_COPIES_4:
			booth_feed_arg(
				b, PB_EV_PRINT, 0, 0,
				1 + (int)(pb_render_hit(b->render, in.x, in.y) - PB_BTN_COPIES_1));
			break;
		case PB_BTN_EMAIL:
			pb_email_form_open(&b->email);
			booth_feed(b, PB_EV_EMAIL, 0, 0);
			break;
		default:
			break;
		}
		break;
	default:
		break;
	}
}

void
booth_watch_disk(struct pb_booth *b, uint64_t now, int force)
{
	int low = pb_disk_watch(&b->disk, b->cfg->data_dir, b->cfg->min_free_mb, now, force);
	pb_kiosk_set_out_of_service(&b->kiosk, low);
}

void
booth_watch_delivery(struct pb_booth *b, uint64_t now)
{
	const char *mine = b->kiosk.session && b->kiosk.copies ? b->guest.session.id : NULL;
	if (pb_delivery_watch_printer(&b->deliver, now, mine))
		pb_kiosk_set_printer_ready(&b->kiosk, b->deliver.printer.ready);
	if (pb_delivery_purge_due(&b->deliver, now))
		booth_queue_purge(b, b->cfg->retention_hours, 0);
	if (pb_delivery_beat_due(&b->deliver, now))
		booth_hand_beat(b);
}

/* The heartbeat's news: the status and the counts. Also at the stop, so that a session in
 * the last two seconds still counts in the hours. */
void
booth_hand_beat(struct pb_booth *b)
{
	struct pb_buf st;
	const struct pb_kiosk_counters *c = &b->kiosk.counters;
	struct pb_publish_counts n = { c->sessions, c->prints, c->emails,
				       pb_delivery_downloads(&b->deliver) };
	if (!b->deliver.publish)
		return;
	pb_buf_init(&st);
	booth_status_json(b, &st);
	pb_delivery_beat(&b->deliver, st.data, &n);
	pb_buf_fini(&st);
}

/* The kiosk's settings from the config, the theme and the delivery mode in use. */
void
booth_kiosk_config(struct pb_booth *b)
{
	const struct pb_config *cfg = b->cfg;
	/* a session keeps the number of photos it started with */
	struct pb_kiosk_config kc = { .slots = b->kiosk.session ? b->kiosk.cfg.slots
								: b->overlay->nslots,
				      .retakes = cfg->retakes };
	if (b->deliver.mode == PB_DELIVERY_PRINT || b->deliver.mode == PB_DELIVERY_BOTH)
		kc.max_copies = cfg->max_copies;
	kc.print_fallback = b->deliver.mode == PB_DELIVERY_BOTH;
	kc.email = b->deliver.mode != PB_DELIVERY_PRINT && b->deliver.outbox;
	kc.timeout_ms[PB_EMAIL] = (uint32_t)cfg->email_timeout * 1000u;
	/* countdown = 0 (burn-in): shoot at the next tick; a 0 timeout would mean never */
	kc.timeout_ms[PB_COUNTDOWN] = cfg->countdown ? (uint32_t)cfg->countdown * 1000u : 1u;
	kc.timeout_ms[PB_CAPTURE] = (uint32_t)cfg->capture_timeout * 1000u;
	kc.timeout_ms[PB_PROCESSING] = (uint32_t)cfg->processing_timeout * 1000u;
	kc.timeout_ms[PB_REVIEW] = (uint32_t)cfg->review_timeout * 1000u;
	kc.timeout_ms[PB_DELIVER] = (uint32_t)cfg->deliver_timeout * 1000u;
	kc.timeout_ms[PB_THANKS] = (uint32_t)cfg->thanks_timeout * 1000u;
	kc.timeout_ms[PB_ERROR] = (uint32_t)cfg->error_timeout * 1000u;
	kc.timeout_ms[PB_PIN] = 30000u;
	kc.timeout_ms[PB_STAFF] = (uint32_t)cfg->staff_timeout * 1000u;
	pb_kiosk_configure(&b->kiosk, &kc);
}

void
booth_result_free(int kind, void *data)
{
	if (kind == EV_CAMERA)
		pb_camera_result_destroy(data);
	else
		booth_compose_result_destroy(data);
}

struct overlay_job {
	struct pb_job job;
	struct pb_overlay *overlay;
};

static void
overlay_free_run(struct pb_job *job)
{
	pb_overlay_destroy(((struct overlay_job *)job)->overlay);
}

void
booth_theme_preview(struct pb_booth *b)
{
	struct pb_image *thumb = NULL;
	if (!b->render)
		return;
	pb_compose_preview(b->overlay, 480, &thumb);
	pb_render_set_thumb(b->render, thumb);
	pb_image_destroy(thumb);
}

int
booth_apply_overlay(struct pb_booth *b, const char *name, char *why, size_t whylen)
{
	struct pb_overlay *ov;
	char err[2048];

	if (b->kiosk.session) {
		snprintf(why, whylen, "a session is running");
		return -1;
	}
	if (!pb_overlay_name_ok(name)) { /* the one rule (overlay.h) */
		snprintf(why, whylen, "'%.64s' is not a theme name", name);
		return -1;
	}
	if (pb_overlay_load(b->cfg->overlays_dir, name, &ov, err, sizeof(err)) != PB_OK) {
		char *nl = strchr(err, '\n');
		if (nl)
			*nl = '\0';
		snprintf(why, whylen, "theme %.64s cannot be used: %s", name, err);
		return -1;
	}
	if (b->overlay) {
		/* a compose job queued before may still read the old theme: the worker frees it
		 * after them (it runs jobs in order) */
		struct overlay_job *oj = pb_xcalloc(1, sizeof(*oj));
		oj->job.run = overlay_free_run;
		oj->job.destroy = write_destroy;
		oj->overlay = b->overlay;
		if (b->worker)
			pb_worker_submit(b->worker, &oj->job);
		else
			overlay_free_run(&oj->job), free(oj);
	}
	b->overlay = ov;
	booth_kiosk_config(b);
	booth_theme_preview(b);
	return 0;
}

int
booth_apply_delivery(struct pb_booth *b, int delivery, char *why, size_t whylen)
{
	if (pb_delivery_apply(&b->deliver, b->cfg, b->overlay->title, delivery, why, whylen) < 0)
		return -1;
	booth_kiosk_config(b);
	return 0;
}

void
booth_on_result(struct pb_booth *b, int kind, void *data)
{
	if (kind == EV_CAMERA)
		on_capture(b, data);
	else if (kind == EV_COMPOSED)
		on_composed(b, data);
}
