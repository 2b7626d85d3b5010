#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "booth_priv.h"
#include "clock.h"
#include "compose.h"
#include "file.h"
#include "i18n.h"
#include "jpeg.h"
#include "log.h"
#include "mem.h"
#include "notify.h"
#include "qr.h"
#include "share.h"

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
			 pb_delivery_name(b->delivery));
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
		/* print only: no link, even with the gallery kept for earlier guests */
		if (b->gallery && b->delivery != PB_DELIVERY_PRINT)
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

void
booth_feed_arg(struct booth *b, enum pb_event_type type, uint32_t session, uint32_t job, int arg)
{
	struct pb_event ev = { type, session, job, arg };
	struct pb_action acts[PB_MAX_ACTIONS];
	uint64_t now = pb_now_ms();
	enum pb_state before = b->kiosk.state;
	if (type == PB_EV_TRIGGER && before == PB_ATTRACT)
		booth_watch_disk(b, now, 1); /* a guest about to start: is there room for them? */
	int n = pb_kiosk_handle(&b->kiosk, &ev, now, acts);
	if (type == PB_EV_TRIGGER && before == PB_ATTRACT && b->kiosk.state == PB_ATTRACT &&
	    b->disk_low)
		pb_warn("a guest tapped start, but data_dir is full: no session (staff: free space)");

	if (b->kiosk.state != before)
		pb_info("state: %s -> %s (%s)", pb_state_name(before),
			pb_state_name(b->kiosk.state),
			type == PB_EV_TICK ? "timeout" : pb_event_name(type));
	for (int i = 0; i < n; i++)
		perform(b, &acts[i], now);
}

void
booth_feed(struct booth *b, enum pb_event_type type, uint32_t session, uint32_t job)
{
	booth_feed_arg(b, type, session, job, 0);
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
	booth_feed(b, res->status == PB_OK ? PB_EV_CAPTURED : PB_EV_CAPTURE_FAILED, res->session,
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
	booth_feed(b, r->status == PB_OK ? PB_EV_COMPOSED : PB_EV_COMPOSE_FAILED, r->session, r->id);
	compose_result_destroy(r);
}

static void
camera_post(void *ctx, struct pb_camera_result *res)
{
	struct booth *b = ctx;
	post(b->ev_base + EV_CAMERA, res, (void (*)(void *))pb_camera_result_destroy);
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
	booth_feed(b, PB_EV_TYPED, 0, 0);
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
	booth_feed(b, PB_EV_TYPED, 0, 0);
}

static void
email_submit(struct booth *b)
{
	enum pb_address_check c = pb_address_check(b->email);
	if (c != PB_ADDR_OK) {
		b->email_problem = (int)c;
		pb_info("email: address refused (%s)", pb_address_problem(c));
		booth_feed(b, PB_EV_TYPED, 0, 0);
	} else if (b->cfg->require_consent && !b->consent) {
		b->email_problem = PB_EMAIL_NEED_CONSENT;
		booth_feed(b, PB_EV_TYPED, 0, 0);
	} else {
		booth_feed(b, PB_EV_EMAIL_SEND, 0, 0);
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
			b->consent = !b->consent;
			if (b->email_problem == PB_EMAIL_NEED_CONSENT)
				b->email_problem = 0;
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

static void
guest_input(struct booth *b, struct pb_input in)
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
			set_language(b, strcmp(b->language, "ko") ? "ko" : "en");
			break;
		case PB_BTN_COPIES_1:
		case PB_BTN_COPIES_2:
		case PB_BTN_COPIES_3:
		case PB_BTN_COPIES_4:
			booth_feed_arg(b, PB_EV_PRINT, 0, 0,
				 1 + (int)(pb_render_hit(b->render, in.x, in.y) - PB_BTN_COPIES_1));
			break;
		case PB_BTN_EMAIL:
			explicit_bzero(b->email, sizeof(b->email));
			b->email_problem = 0;
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

#define STAFF_PRESS_MS 3000

/* The top-left corner where a 3 s press opens the PIN keypad: 10 mm, or an eighth of the
 * screen's short side when that is larger. */
static int
in_corner(struct booth *b, int x, int y)
{
	const struct pb_layout *l = pb_render_layout(b->render);
	int side = l->touch_min;
	if (l->w && l->h && (l->w < l->h ? l->w : l->h) / 8 > side)
		side = (l->w < l->h ? l->w : l->h) / 8;
	return x >= 0 && y >= 0 && x < side && y < side;
}

static void
open_keypad(struct booth *b, const char *how)
{
	if (!pb_pin_enabled(&b->pin)) {
		pb_info("staff: %s, but no [staff] pin is set: the staff screen is off", how);
		return;
	}
	pb_info("staff: %s: PIN keypad", how);
	pb_pin_clear(&b->pin);
	b->pin_wrong = 0;
	booth_feed(b, PB_EV_STAFF, 0, 0);
}

static void
on_input(struct booth *b, struct pb_input in)
{
	if (in.kind == PB_IN_STAFF) {
		open_keypad(b, "staff key");
		return;
	}
	if (b->kiosk.state == PB_PIN || b->kiosk.state == PB_STAFF) {
		b->pressing = 0;
		booth_staff_input(b, in);
		return;
	}
	/* A press in the corner waits: held 3 s it opens the keypad (the loop sees to that),
	 * let go sooner it is an ordinary tap. */
	if (in.kind == PB_IN_TOUCH && pb_pin_enabled(&b->pin) && in_corner(b, in.x, in.y)) {
		b->pressing = 1;
		b->press_ms = pb_now_ms();
		b->press = in;
		return;
	}
	if (in.kind == PB_IN_RELEASE) {
		if (b->pressing) {
			b->pressing = 0;
			guest_input(b, b->press);
		}
		return;
	}
	guest_input(b, in);
}

static void
watch_press(struct booth *b, uint64_t now)
{
	if (b->pressing && now - b->press_ms >= STAFF_PRESS_MS) {
		b->pressing = 0;
		open_keypad(b, "long press");
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
		on_input(b, pb_display_translate(b->display, e, b->staff_key));
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
		.out_of_service = b->disk_low,
		.email = {
			.offered = pb_kiosk_email_open(&b->kiosk),
			.typed = b->email,
			.consent_asked = b->cfg->require_consent,
			.consent_given = b->consent,
			.problem = b->email_problem,
			.sent_to = b->email_sent_to[0] ? b->email_sent_to : NULL,
		},
		.print = {
			.mode = !b->print || b->delivery == PB_DELIVERY_SHARE ? 0
				: b->delivery == PB_DELIVERY_BOTH ? 2 : 1,
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
	char staff_text[4096];
	if (v.state == PB_PIN || v.state == PB_STAFF)
		booth_staff_view(b, &v.staff, staff_text, sizeof(staff_text));
	pb_display_size(b->display, &w, &h);
	pb_render_draw(b->render, &v, w, h);
	SDL_RenderPresent(pb_display_renderer(b->display));
}

void
booth_watch_disk(struct booth *b, uint64_t now, int force)
{
	if (!force && b->disk_checked_ms && now - b->disk_checked_ms < 2000)
		return;
	b->disk_checked_ms = now;
	struct booth_disk d = booth_disk_space(b);
	if (!d.ok) {
		b->disk_free_mb = -1; /* unknown: the writes themselves will tell */
		return;
	}
	b->disk_free_mb = d.free_mb;
	int low = b->disk_free_mb < b->cfg->min_free_mb;
	if (low && !b->disk_low)
		pb_err("data_dir %s has %lld MB free, under [storage] min_free_mb = %d: no new "
		       "sessions until staff free space (photoboothctl purge HOURS)",
		       b->cfg->data_dir, b->disk_free_mb, b->cfg->min_free_mb);
	else if (!low && b->disk_low)
		pb_notice("data_dir has %lld MB free again: taking guests", b->disk_free_mb);
	b->disk_low = low;
	pb_kiosk_set_out_of_service(&b->kiosk, low);
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

/* The kiosk's settings from the config, the theme and the delivery mode in use. */
void
booth_kiosk_config(struct booth *b)
{
	const struct pb_config *cfg = b->cfg;
	/* a session keeps the number of photos it started with */
	struct pb_kiosk_config kc = { .slots = b->kiosk.session ? b->kiosk.cfg.slots
							       : b->overlay->nslots,
				      .retakes = cfg->retakes };
	if (b->delivery == PB_DELIVERY_PRINT || b->delivery == PB_DELIVERY_BOTH)
		kc.max_copies = cfg->max_copies;
	kc.print_fallback = b->delivery == PB_DELIVERY_BOTH;
	kc.email = b->delivery != PB_DELIVERY_PRINT && b->outbox;
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
	b->kiosk.cfg = kc;
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

struct overlay_job {
	struct pb_job job;
	struct pb_overlay *overlay;
};

static void
overlay_free_run(struct pb_job *job)
{
	pb_overlay_destroy(((struct overlay_job *)job)->overlay);
}

/* The staff screen's picture of the theme in use. */
static void
theme_preview(struct booth *b)
{
	struct pb_image *thumb = NULL;
	if (!b->render)
		return;
	pb_compose_preview(b->overlay, 480, &thumb);
	pb_render_set_thumb(b->render, thumb);
	pb_image_destroy(thumb);
}

#define DISPLAY_RETRY_MS 5000

/* The screen. Without one (a Pi booted with the monitor off, a loose HDMI cable) the kiosk
 * runs on: prints, downloads, email and photoboothctl work, and the display is tried again
 * every few seconds. PB_ERR_CONFIG when the font cannot be used. */
static enum pb_status
open_display(struct booth *b, uint64_t now)
{
	char err[1024];

	if (b->display_tried_ms && now - b->display_tried_ms < DISPLAY_RETRY_MS)
		return PB_ERR_NODEV;
	b->display_tried_ms = now;
	if (pb_display_open(&b->display_config, &b->display, err, sizeof(err)) != PB_OK) {
		if (strcmp(err, b->display_why))
			pb_warn("%s: running without a screen (printing, sharing and photoboothctl "
				"work); trying again every %d s", err, DISPLAY_RETRY_MS / 1000);
		snprintf(b->display_why, sizeof(b->display_why), "%s", err);
		return PB_ERR_NODEV;
	}
	b->render = pb_render_create(pb_display_renderer(b->display), b->cfg->font,
				     pb_display_dpi(b->display), err, sizeof(err));
	if (!b->render) {
		fprintf(stderr, "%s\n", err);
		pb_display_close(b->display);
		b->display = NULL;
		return PB_ERR_CONFIG;
	}
	if (b->display_why[0])
		pb_notice("display found: drawing again");
	b->display_why[0] = '\0';
	theme_preview(b);
	return PB_OK;
}

/* Themes, delivery modes and their threads */

int
booth_apply_overlay(struct booth *b, const char *name, char *why, size_t whylen)
{
	struct pb_overlay *ov;
	char err[2048];

	if (b->kiosk.session) {
		snprintf(why, whylen, "a session is running");
		return -1;
	}
	if (!*name || strchr(name, '/') || name[0] == '.') {
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
	theme_preview(b);
	return 0;
}

/* The gallery and, with [mail] set up, the outbox. Once started they stay for the run: a
 * switch to print only must not break the links and emails of the guests before it. */
static int
start_sharing(struct booth *b, char *why, size_t whylen)
{
	const struct pb_config *cfg = b->cfg;
	char err[2048];
	struct pb_gallery_config gc = {
		.listen = cfg->share_listen,
		.data_dir = cfg->data_dir,
		.title = b->overlay->title,
	};

	b->gallery = pb_gallery_start(&gc, err, sizeof(err));
	if (!b->gallery) {
		snprintf(why, whylen, "[share] %s", err);
		return -1;
	}
	if (cfg->smtp_url[0]) {
		b->outbox = start_outbox(cfg, b->overlay->title);
		if (!b->outbox) {
			snprintf(why, whylen, "the email outbox cannot start (see the log)");
			return -1;
		}
	}
	return 0;
}

int
booth_apply_delivery(struct booth *b, int delivery, char *why, size_t whylen)
{
	const struct pb_config *cfg = b->cfg;

	if (delivery != PB_DELIVERY_PRINT && !b->gallery && start_sharing(b, why, whylen) < 0)
		return -1;
	if (delivery != PB_DELIVERY_SHARE && !b->print) {
		b->print = start_print(cfg);
		if (!b->print) {
			snprintf(why, whylen, "the print spool cannot start (see the log)");
			return -1;
		}
	}
	b->delivery = delivery;
	booth_kiosk_config(b);
	return 0;
}

/* The service's one-line status for systemctl status: what staff would look at first. */
static void
service_status(struct booth *b, char *out, size_t n)
{
	size_t len = (size_t)snprintf(out, n, "camera: %s",
				      pb_camera_state_name(pb_camera_state(b->camera, NULL, 0, NULL)));
	if (b->print && len < n) {
		char reason[sizeof(b->printer.reasons)];
		memcpy(reason, b->printer.reasons, sizeof(reason));
		reason[strcspn(reason, ",")] = '\0';
		len += (size_t)snprintf(out + len, n - len, " · printer: %s",
					reason[0] ? reason : pb_printer_state_name(b->printer.state));
	}
	if (b->outbox && len < n) {
		struct pb_outbox_stats os;
		pb_outbox_stats(b->outbox, &os);
		if (os.depth)
			len += (size_t)snprintf(out + len, n - len, " · email: %d waiting", os.depth);
		else
			len += (size_t)snprintf(out + len, n - len, " · email: ok");
	}
	if (b->disk_low && len < n)
		len += (size_t)snprintf(out + len, n - len, " · disk: full, no new sessions");
	if (len < n)
		snprintf(out + len, n - len, " · %s, %s", b->overlay->name,
			 pb_delivery_name(b->delivery));
}

static volatile sig_atomic_t hangup;

static void
on_hangup(int sig)
{
	(void)sig;
	hangup = 1;
}

/* The gallery holds up to 1000 connections; the soft limit on open files is often 1024 (for
 * select(), which nothing here uses). Raise it to the hard limit, at most 4096. */
static void
raise_open_files(void)
{
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) < 0)
		return;
	rlim_t want = r.rlim_max == RLIM_INFINITY || r.rlim_max > 4096 ? 4096 : r.rlim_max;
	if (r.rlim_cur < want) {
		r.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &r) < 0)
			pb_warn("cannot raise the open-file limit to %lu: %s", (unsigned long)want,
				strerror(errno));
	}
}

int
pb_booth_run(struct pb_config *cfg, const struct pb_booth_options *opt)
{
	struct booth b = { .cfg = cfg, .pending_delivery = -1, .disk_free_mb = -1 };
	char err[2048], *sessions;
	int rc = 1;

	/* A peer gone mid-write (photoboothctl, a phone, the SMTP server, cupsd) is an EPIPE to
	 * handle where it happens, never the end of the booth. Before any thread starts. */
	signal(SIGPIPE, SIG_IGN);
	raise_open_files();
#ifdef __GLIBC__
	/* Photos pass through buffers of tens of MB. glibc raises its mmap threshold each time
	 * one is freed, so later ones come from the heap and stay there: the booth then idles
	 * 25 MB higher after some sessions than after others. A fixed threshold sends every
	 * pixel buffer to mmap and back to the system when freed. */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
	b.started_ms = pb_now_ms();
	b.windowed = opt->windowed;
	b.config_path = opt->config_path;
	pb_notify_init();
	sessions = pb_xasprintf("%s/sessions", cfg->data_dir);
	if (pb_file_mkdirs(sessions, 0750) != PB_OK) {
		fprintf(stderr, "data_dir %s is not usable (see above)\n", cfg->data_dir);
		free(sessions);
		return PB_EXIT_CONFIG;
	}
	free(sessions);
	/* staff's choices win over the config file's */
	snprintf(b.settings_path, sizeof(b.settings_path), "%s/settings.ini", cfg->data_dir);
	pb_settings_init(&b.settings);
	if (pb_settings_load(b.settings_path, &b.settings, err, sizeof(err)) != PB_OK)
		pb_err("settings: %s(moved aside to settings.ini.bad; the config file's choices "
		       "apply)", err);
	pb_pin_init(&b.pin, cfg->staff_pin);
	if (b.settings.overlay[0] &&
	    booth_apply_overlay(&b, b.settings.overlay, err, sizeof(err)) < 0) {
		pb_err("settings: %s; using [kiosk] overlay = %s", err, cfg->overlay);
		b.settings.overlay[0] = '\0';
	}
	if (!b.overlay && pb_overlay_load(cfg->overlays_dir, cfg->overlay, &b.overlay, err,
					  sizeof(err))) {
		fprintf(stderr, "%s", err);
		return PB_EXIT_CONFIG;
	}
	if (SDL_Init(SDL_INIT_EVENTS) < 0) {
		fprintf(stderr, "SDL: %s\n", SDL_GetError());
		goto out;
	}
	b.ev_base = SDL_RegisterEvents(EV_COUNT);
	b.staff_key = SDL_GetKeyFromName(cfg->staff_key);
	if (b.staff_key == SDLK_UNKNOWN) {
		fprintf(stderr, "[staff] key = %s: not a key name (SDL's names: F12, Pause, "
			"Scroll Lock, ...)\n", cfg->staff_key);
		rc = PB_EXIT_CONFIG;
		goto out;
	}
	set_language(&b, cfg->language);
	pb_kiosk_init(&b.kiosk, &(struct pb_kiosk_config){ 0 }, b.started_ms);

	b.display_config = (struct pb_display_config){ opt->windowed, cfg->window_width,
						      cfg->window_height };
	if (open_display(&b, b.started_ms) == PB_ERR_CONFIG) {
		rc = PB_EXIT_CONFIG;
		goto out;
	}
	b.worker = pb_worker_create("worker");
	if (!b.worker)
		goto out;
	int delivery = b.settings.delivery >= 0 ? b.settings.delivery : cfg->delivery;
	if (booth_apply_delivery(&b, delivery, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		rc = PB_EXIT_CONFIG;
		goto out;
	}
	/* restarted in print mode (staff switched, then a power cut): the links and emails of
	 * the guests before still work; a problem with them must not stop the prints */
	char *outbox_dir = pb_xasprintf("%s/outbox", cfg->data_dir);
	int owed = pb_share_any_link(cfg->data_dir) || pb_outbox_waiting(outbox_dir);
	free(outbox_dir);
	if (!b.gallery && owed) {
		if (start_sharing(&b, err, sizeof(err)) < 0)
			pb_err("earlier guests' download links and emails: %s", err);
		else
			pb_notice("print mode: still serving earlier guests' download links%s",
				  b.outbox ? " and sending their emails" : "");
	}
	b.camera = start_camera(&b);
	if (!b.camera)
		goto out;
	booth_list_themes(&b);
	{
		char *dir = pb_xstrdup(cfg->socket), *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			pb_file_mkdirs(dir, 0750);
		}
		free(dir);
	}
	if (pb_control_open(cfg->socket, cfg->control_group, &b.control) != PB_OK) {
		rc = PB_EXIT_CONFIG;
		goto out;
	}
	signal(SIGHUP, on_hangup);

	pb_notice("photobooth %s ready: theme %s (%d photo%s), delivery %s, camera %s",
		  PB_VERSION, b.overlay->name, b.overlay->nslots, b.overlay->nslots > 1 ? "s" : "",
		  pb_delivery_name(b.delivery), pb_camera_backend_name(cfg->camera_backend));
	if (!pb_pin_enabled(&b.pin))
		pb_notice("no [staff] pin: the staff screen is off (photoboothctl works)");
	char service[256];
	uint64_t status_ms = b.started_ms;
	service_status(&b, service, sizeof(service));
	pb_notify_ready(service);
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
		pb_control_poll(b.control, now, booth_on_control, &b);
		if (hangup) {
			hangup = 0;
			pb_notice("SIGHUP: reloading %s", b.config_path);
			booth_reload(&b, NULL);
		}
		watch_press(&b, now);
		booth_staff_tick(&b, now);
		pb_notify_watchdog(now);
		if (now - status_ms >= 1000) {
			status_ms = now;
			service_status(&b, service, sizeof(service));
			pb_notify_status(service);
		}
		watch_printer(&b, now);
		booth_watch_disk(&b, now, 0);
		maybe_purge(&b, now);
		booth_feed(&b, PB_EV_TICK, 0, 0);
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
		if (!b.display)
			open_display(&b, now);
		if (b.display && now >= next_draw) {
			draw(&b, now);
			next_draw = now + FRAME_MS;
		}
	}
	pb_notice("shutting down");
	pb_notify_stopping();
	rc = 0;
out:
	signal(SIGHUP, SIG_DFL);
	pb_control_close(b.control);
	if (b.worker)
		booth_settings_flush(&b);
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
