/* Offline screenshots of every screen: the real renderer on a software surface, fed with the
 * simulated camera's scene. No display needed. */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "booth.h"
#include "address.h"
#include "camera.h"
#include "compose.h"
#include "file.h"
#include "i18n.h"
#include "jpeg.h"
#include "log.h"
#include "overlay.h"
#include "qr.h"
#include "render.h"
#include "settings.h"

static enum pb_status
sample_photo(const struct pb_overlay *ov, struct pb_image **out)
{
	struct pb_jpeg *j = pb_jpeg_create();
	struct pb_blob caps[PB_MAX_SLOTS] = { 0 };
	struct pb_image *shot = NULL;
	char err[256];
	enum pb_status st = pb_image_create(1500, 1000, 0xff000000u, &shot);

	for (int i = 0; st == PB_OK && i < ov->nslots; i++) {
		pb_camera_sim_scene(shot, 1000u + 700u * (unsigned)i);
		st = pb_jpeg_encode(j, shot, 90, 0, &caps[i].data, &caps[i].len);
	}
	struct pb_image *sheet = NULL;
	if (st == PB_OK)
		st = pb_compose(j, ov, caps, ov->nslots, time(NULL), &sheet, err, sizeof(err));
	/* like the kiosk: one copy of the layout (one strip of a two-strip sheet) */
	if (st == PB_OK)
		st = pb_image_scale_region(sheet, pb_overlay_copy_rect(ov, 0), 2000, 2000, out);
	pb_image_destroy(sheet);
	for (int i = 0; i < ov->nslots; i++)
		free(caps[i].data);
	pb_image_destroy(shot);
	pb_jpeg_destroy(j);
	return st;
}

/* The staff screens with made-up health: all fine, or everything wrong at once. */
static void
sample_staff(struct pb_view_staff *v, const char *name, char *buf, size_t buflen)
{
	static const uint64_t since[PB_COUNT_N] = { 42, 96, 51, 17, 23, 2 };
	static const uint64_t total[PB_COUNT_N] = { 1204, 2890, 1532, 611, 734, 19 };
	int bad = !strcmp(name, "staff-problems");
	struct pb_staff_facts f = {
		.uptime_s = 3 * 3600 + 25 * 60,
		.camera = { .state = bad ? PB_CAM_RECONNECTING : PB_CAM_CONNECTED,
			    .model = "Canon EOS 2000D",
			    .fps = 29.6 },
		.printing = 1,
		.printer = { .state = bad ? PB_PRINTER_STOPPED : PB_PRINTER_IDLE,
			     .ready = !bad,
			     .queue = "DNP-DS620",
			     .pending = bad ? 5 : 0,
			     .prints_remaining = bad ? 0 : 312 },
		.sharing = 1,
		.email = 1,
		.outbox = { .depth = bad ? 4 : 0, .oldest_age_s = bad ? 840 : 0, .sent = 17 },
		/* the cloud on the fine screen only: the problems one is full at 800x480 */
		.publishing = !bad,
		.publish = { .uploaded = 96 },
		.fleet = { "party-1: attract · 212 prints left · 12 s ago",
			   "party-2: SILENT for 4 min (last seen countdown)" },
		.fleet_silent = { 0, 1 },
		.nfleet = 2,
		.disk_free_mb = bad ? 310 : 21504,
		.disk_total_mb = 29696,
		.since_reset = since,
		.total = total,
	};
	if (bad) {
		snprintf(f.camera.reason, sizeof(f.camera.reason),
			 "Could not find the requested "
			 "device on the USB port");
		snprintf(f.printer.message, sizeof(f.printer.message),
			 "out of paper: load paper (and ribbon), then resume");
		snprintf(f.outbox.last_error, sizeof(f.outbox.last_error),
			 "SMTP server unreachable: Couldn't connect to server");
	}
	memset(v, 0, sizeof(*v));
	pb_staff_describe(&f, 1, &v->text, buf, buflen);
	v->theme = "Certification Lounge";
	v->delivery = PB_DELIVERY_BOTH;
	v->paper[0] = 36;
	v->paper[1] = 108;
	v->paper[2] = 400;
	v->npaper = 3;
	v->purge_hours = 24;
	v->power = bad ? PB_LAYOUT_SHUTDOWN | PB_LAYOUT_REBOOT : 0;
	v->unconfirmed = bad ? 2 : 0;
	v->typed = strcmp(name, "pin") ? 0 : 3;
	v->wrong = !strcmp(name, "pin-wrong");
	v->locked_ms = !strcmp(name, "pin-locked") ? 42000 : 0;
	if (bad) {
		v->toast = "print canceled: CUPS job 17";
		v->toast_bad = 0;
	}
}

static const char url[] = "http://photobooth.local:8080/p/Xq3vN8dT0aLmR5wKpZ2yHc";

/* The sample pictures every screen shows: a simulated live frame, a composed photo, a QR code
 * and the theme's preview. Returns 0, or -1 having said why. */
static int
load_samples(struct pb_render *rd, const struct pb_overlay *ov, const struct pb_config *cfg)
{
	struct pb_image *live = NULL, *photo = NULL, *qr = NULL;
	struct pb_jpeg *j = pb_jpeg_create();
	unsigned char *jpg = NULL;
	size_t len;
	int rc = -1;

	if (pb_image_create(1024, 1024 * cfg->sim.height / cfg->sim.width, 0xff000000u, &live) ||
	    sample_photo(ov, &photo)) {
		fprintf(stderr, "cannot make the sample pictures\n");
		goto out;
	}
	pb_camera_sim_scene(live, 1500);
	if (pb_jpeg_encode(j, live, 85, 0, &jpg, &len) || pb_render_live_frame(rd, jpg, len) ||
	    pb_render_set_photo(rd, photo)) {
		fprintf(stderr, "cannot load the sample pictures\n");
		goto out;
	}
	if (pb_qr_encode(url, &qr) != PB_OK || pb_render_set_qr(rd, qr) != PB_OK) {
		pb_image_destroy(qr);
		fprintf(stderr, "cannot make the sample QR code\n");
		goto out;
	}
	pb_image_destroy(qr);
	qr = NULL;
	if (pb_compose_preview(ov, 480, &qr) != PB_OK || pb_render_set_thumb(rd, qr) != PB_OK) {
		pb_image_destroy(qr);
		fprintf(stderr, "cannot make the theme preview\n");
		goto out;
	}
	pb_image_destroy(qr);
	rc = 0;
out:
	free(jpg);
	pb_image_destroy(live);
	pb_image_destroy(photo);
	pb_jpeg_destroy(j);
	return rc;
}

/* The screens drawn besides one per state: the printing and sharing variants of attract,
 * deliver and email, and the staff screens' problems. */
/* clang-format off */
static const struct scene {
	const char *name;
	enum pb_state state;
	struct pb_view_print print;
	int share;
	struct pb_view_email email;
} extra[] = {
	{ "attract-printer-paused", PB_ATTRACT, { .mode = 1 }, 0, { 0 } },
	{ "attract-printer-paused-both", PB_ATTRACT, { .mode = 2 }, 0, { 0 } },
	{ "attract-print-queue", PB_ATTRACT,
	  { .mode = 1, .printer_ready = 1, .queued = 6, .queue_s = 170 }, 0, { 0 } },
	{ "deliver-print-copies", PB_DELIVER,
	  { .mode = 1, .printer_ready = 1, .offered = 1, .max_copies = 4 }, 0, { 0 } },
	{ "deliver-print-copies-paused", PB_DELIVER,
	  { .mode = 1, .offered = 1, .max_copies = 2 }, 0, { 0 } },
	{ "deliver-print-queue", PB_DELIVER,
	  { .mode = 1, .printer_ready = 1, .offered = 1, .copies = 1, .max_copies = 2,
	    .ahead = 3, .mine = 1, .eta_s = 48 }, 0, { 0 } },
	{ "deliver-print-next", PB_DELIVER,
	  { .mode = 1, .printer_ready = 1, .offered = 1, .copies = 2, .max_copies = 2,
	    .mine = 2, .eta_s = 24 }, 0, { 0 } },
	{ "deliver-print-held", PB_DELIVER,
	  { .mode = 1, .offered = 1, .copies = 1, .max_copies = 2, .ahead = 2, .mine = 1 }, 0, { 0 } },
	{ "deliver-print-held-first", PB_DELIVER,
	  { .mode = 1, .offered = 1, .copies = 1, .max_copies = 2, .mine = 1 }, 0, { 0 } },
	{ "deliver-print-done", PB_DELIVER,
	  { .mode = 1, .printer_ready = 1, .offered = 1, .copies = 1, .max_copies = 2 }, 0, { 0 } },
	{ "deliver-print-paused-both", PB_DELIVER, { .mode = 2 }, 0, { 0 } },
	{ "deliver-print-failed", PB_DELIVER,
	  { .mode = 1, .printer_ready = 1, .offered = 1, .copies = 1, .max_copies = 2,
	    .failed = 1 }, 0, { 0 } },
	{ "deliver-share", PB_DELIVER, { 0 }, 1, { .offered = 1 } },
	{ "deliver-share-sent", PB_DELIVER, { 0 }, 1, { .sent_to = "g***@example.com" } },
	{ "deliver-both-printing", PB_DELIVER,
	  { .mode = 2, .printer_ready = 1, .offered = 1, .copies = 2, .max_copies = 2,
	    .ahead = 1, .mine = 2, .eta_s = 45 }, 1,
	  { .offered = 1 } },
	{ "email-typed", PB_EMAIL, { 0 }, 1,
	  { .typed = "guest.name@example.com", .consent_asked = 1, .consent_given = 1 } },
	{ "email-invalid", PB_EMAIL, { 0 }, 1,
	  { .typed = "g\xc3\xa9st@example.com", .consent_asked = 1, .problem = PB_ADDR_NOT_ASCII } },
	{ "email-consent", PB_EMAIL, { 0 }, 1,
	  { .typed = "guest@example.com", .consent_asked = 1,
	    .problem = PB_EMAIL_NEED_CONSENT } },
	{ "email-limit", PB_EMAIL, { 0 }, 1,
	  { .typed = "guest@example.com", .consent_asked = 1, .consent_given = 1,
	    .problem = PB_EMAIL_LIMIT_ADDRESS } },
	{ "pin-wrong", PB_PIN, { 0 }, 0, { 0 } },
	{ "pin-locked", PB_PIN, { 0 }, 0, { 0 } },
	{ "staff-problems", PB_STAFF, { 0 }, 0, { 0 } },
};/* clang-format on */

int
pb_booth_screens(const struct pb_config *cfg, const char *dir, int w, int h, const char *lang)
{
	struct pb_overlay *ov = NULL;
	struct pb_render *rd = NULL;
	SDL_Surface *surf = NULL;
	SDL_Renderer *r = NULL;
	char err[2048];
	int rc = 1;

	if (pb_overlay_load(cfg->overlays_dir, cfg->overlay, &ov, err, sizeof(err))) {
		fprintf(stderr, "%s", err);
		return PB_EXIT_CONFIG;
	}
	pb_i18n_set_language(lang);
	if (pb_file_mkdirs(dir, 0755) != PB_OK)
		goto out;
	surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
	r = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
	if (!r) {
		fprintf(stderr, "software renderer: %s\n", SDL_GetError());
		goto out;
	}
	rd = pb_render_create(r, cfg->font, 0, err, sizeof(err));
	if (!rd) {
		fprintf(stderr, "%s\n", err);
		rc = PB_EXIT_CONFIG;
		goto out;
	}
	if (load_samples(rd, ov, cfg) < 0)
		goto out;
	rc = 0;
	/* every state, then the printing and sharing variants of attract, deliver and email */
	int nextra = (int)(sizeof(extra) / sizeof(*extra));
	for (int i = 0; i < PB_STATE_COUNT + nextra; i++) {
		int s = i < PB_STATE_COUNT ? i : (int)extra[i - PB_STATE_COUNT].state;
		struct pb_view v = {
			.state = (enum pb_state)s,
			.in_state_ms = s == PB_CAPTURE ? 120 : 600,
			.remaining_ms = s == PB_ATTRACT ? -1 : 2400,
			.slot = ov->nslots > 1 ? 1 : 0,
			.slots = ov->nslots,
			.retakes_left = 1,
			.language = lang,
			.camera = PB_CAM_CONNECTED,
			.capture_width = cfg->sim.width,
			.capture_height = cfg->sim.height,
			.overlay = ov,
		};
		if (i >= PB_STATE_COUNT) {
			v.print = extra[i - PB_STATE_COUNT].print;
			v.email = extra[i - PB_STATE_COUNT].email;
			v.share_url = extra[i - PB_STATE_COUNT].share ? url : NULL;
		}
		char path[4096], staff_text[4096];
		const char *name = i < PB_STATE_COUNT ? pb_state_name((enum pb_state)s)
						      : extra[i - PB_STATE_COUNT].name;
		if (s == PB_PIN || s == PB_STAFF)
			sample_staff(&v.staff, name, staff_text, sizeof(staff_text));
		pb_render_draw(rd, &v, w, h);
		SDL_RenderPresent(r);
		snprintf(path, sizeof(path), "%s/%s.bmp", dir, name);
		if (SDL_SaveBMP(surf, path) < 0) {
			fprintf(stderr, "%s: %s\n", path, SDL_GetError());
			rc = 1;
		}
	}
	if (pb_render_overflows(rd)) {
		fprintf(stderr, "%u text(s) did not fit at %dx%d in %s\n", pb_render_overflows(rd),
			w, h, lang);
		rc = 1;
	}
out:
	pb_render_destroy(rd);
	if (r)
		SDL_DestroyRenderer(r);
	SDL_FreeSurface(surf);
	pb_overlay_destroy(ov);
	return rc;
}
