#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "compose.h"
#include "i18n.h"
#include "jpeg.h"
#include "log.h"
#include "mem.h"
#include "render.h"
#include "draw.h"
#include "render_priv.h"
#include "text.h"

struct pb_render *
pb_render_create(SDL_Renderer *r, const char *font, float dpi, char *why, size_t whylen)
{
	struct pb_render *rd = pb_xcalloc(1, sizeof(*rd));

	rd->r = r;
	rd->dpi = dpi;
	rd->text = pb_text_create(r, font, why, whylen);
	if (!rd->text) {
		free(rd);
		return NULL;
	}
	rd->jpeg = pb_jpeg_create();
	SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
	return rd;
}

void
pb_render_destroy(struct pb_render *rd)
{
	if (!rd)
		return;
	if (rd->live)
		SDL_DestroyTexture(rd->live);
	if (rd->photo)
		SDL_DestroyTexture(rd->photo);
	if (rd->qr)
		SDL_DestroyTexture(rd->qr);
	if (rd->thumb)
		SDL_DestroyTexture(rd->thumb);
	pb_text_destroy(rd->text);
	pb_jpeg_destroy(rd->jpeg);
	free(rd);
}

unsigned
pb_render_overflows(const struct pb_render *rd)
{
	if (!rd)
		return 0;
	return pb_text_overflows(rd->text);
}

enum pb_status
pb_render_live_frame(struct pb_render *rd, const unsigned char *jpeg, size_t len)
{
	int w, h, pitch;
	void *pixels;
	enum pb_status st;

	if (!rd)
		return PB_OK;
	if (!jpeg) {
		rd->have_live = 0;
		return PB_OK;
	}
	st = pb_jpeg_info(rd->jpeg, jpeg, len, &w, &h);
	if (st)
		return st;
	if (!rd->live || w != rd->live_w || h != rd->live_h) {
		if (rd->live)
			SDL_DestroyTexture(rd->live);
		rd->live = SDL_CreateTexture(rd->r, SDL_PIXELFORMAT_RGB24,
					     SDL_TEXTUREACCESS_STREAMING, w, h);
		if (!rd->live) {
			pb_err("live-view texture %dx%d: %s", w, h, SDL_GetError());
			return PB_ERR_NOMEM;
		}
		rd->live_w = w;
		rd->live_h = h;
		rd->have_live = 0;
	}
	if (SDL_LockTexture(rd->live, NULL, &pixels, &pitch) < 0)
		return PB_ERR_IO;
	/* Decode straight into the texture: no intermediate copy. */
	st = pb_jpeg_decode_rgb(rd->jpeg, jpeg, len, pixels, w, pitch, h);
	SDL_UnlockTexture(rd->live);
	if (st == PB_OK)
		rd->have_live = 1;
	return st;
}

/* Replaces *slot with a texture of img (NULL: none). */
static enum pb_status
replace_texture(struct pb_render *rd, SDL_Texture **slot, const struct pb_image *img,
		const char *what)
{
	if (*slot)
		SDL_DestroyTexture(*slot);
	*slot = NULL;
	if (!img)
		return PB_OK;
	*slot = SDL_CreateTexture(rd->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC,
				  img->width, img->height);
	if (!*slot) {
		pb_err("%s texture %dx%d: %s", what, img->width, img->height, SDL_GetError());
		return PB_ERR_NOMEM;
	}
	SDL_UpdateTexture(*slot, NULL, img->pixels, img->stride);
	return PB_OK;
}

enum pb_status
pb_render_set_photo(struct pb_render *rd, const struct pb_image *img)
{
	if (!rd)
		return PB_OK;	    /* no display yet */
	pb_render_set_qr(rd, NULL); /* the link belongs to the photo */
	rd->photo_w = img ? img->width : 0;
	rd->photo_h = img ? img->height : 0;
	return replace_texture(rd, &rd->photo, img, "photo");
}

enum pb_status
pb_render_set_thumb(struct pb_render *rd, const struct pb_image *img)
{
	if (!rd)
		return PB_OK;
	rd->thumb_w = img ? img->width : 0;
	rd->thumb_h = img ? img->height : 0;
	return replace_texture(rd, &rd->thumb, img, "theme preview");
}

enum pb_status
pb_render_set_qr(struct pb_render *rd, const struct pb_image *qr)
{
	if (!rd)
		return PB_OK;
	enum pb_status st = replace_texture(rd, &rd->qr, qr, "QR code");
	if (rd->qr) {
		/* sharp module edges when scaled up */
		SDL_SetTextureScaleMode(rd->qr, SDL_ScaleModeNearest);
		rd->qr_side = qr->width;
	}
	return st;
}

/* The live frame drawn mirrored into frame, only the part on the w x h screen: a capture
 * of a strange shape (6000x1) makes frame millions of pixels wide, which SDL's software
 * renderer would scale in full every frame (7 to 10 s each). */
static void
live_copy(struct pb_render *rd, struct pb_rect frame, int w, int h)
{
	int tw = 0, th = 0;
	if (SDL_QueryTexture(rd->live, NULL, NULL, &tw, &th))
		return;
	struct pb_rect s, d;
	if (pb_rect_visible_mirrored(frame, w, h, tw, th, &s, &d) < 0)
		return;
	SDL_Rect src = pb_draw_sdl_rect(s), dst = pb_draw_sdl_rect(d);
	SDL_RenderCopyEx(rd->r, rd->live, &src, &dst, 0, NULL, SDL_FLIP_HORIZONTAL);
}

/* Live view, mirrored like a mirror, scaled so the photo area of the current slot fits the
 * screen with room around it; the rest of the camera's view shows dimmed around it. Returns
 * the photo area on screen. */
static struct pb_rect
live_view(struct pb_render *rd, const struct pb_view *v, int w, int h, int dim_outside)
{
	const struct pb_layout *l = &rd->layout;
	int cw = v->capture_width > 0 ? v->capture_width : 3,
	    ch = v->capture_height > 0 ? v->capture_height : 2;
	int si = v->slot < v->overlay->nslots ? v->slot : 0;
	struct pb_rect crop = pb_crop_to_fill(cw, ch, v->overlay->slots[si]);
	struct pb_rect box = { 2 * l->unit, 2 * l->unit, w - 4 * l->unit, h - 4 * l->unit };
	struct pb_rect area = pb_rect_fit(crop.w, crop.h, box);
	/* the whole camera frame around that area, in screen pixels */
	double k = (double)area.w / crop.w;
	struct pb_rect frame = { area.x - (int)(crop.x * k), area.y - (int)(crop.y * k),
				 (int)(cw * k), (int)(ch * k) };

	pb_draw_fill(rd->r, (struct pb_rect){ 0, 0, w, h }, BG);
	if (rd->have_live)
		live_copy(rd, frame, w, h);
	if (dim_outside) {
		SDL_Color d = { 0, 0, 0, 150 };
		pb_draw_fill(rd->r, (struct pb_rect){ 0, 0, w, area.y }, d);
		pb_draw_fill(rd->r, (struct pb_rect){ 0, area.y + area.h, w, h - area.y - area.h },
			     d);
		pb_draw_fill(rd->r, (struct pb_rect){ 0, area.y, area.x, area.h }, d);
		pb_draw_fill(
			rd->r,
			(struct pb_rect){ area.x + area.w, area.y, w - area.x - area.w, area.h },
			d);
		pb_draw_outline(rd->r, area, l->unit / 3 + 1, (SDL_Color){ 255, 255, 255, 200 });
	}
	return area;
}

static void
badge_slot(struct pb_render *rd, const struct pb_view *v)
{
	char s[96];
	if (v->slots <= 1)
		return;
	snprintf(s, sizeof(s), _("Photo %d of %d"), v->slot + 1, v->slots);
	pb_draw_pill(rd, rd->layout.badge, s);
}

static void
spinner(struct pb_render *rd, int x, int y, int radius, uint64_t t)
{
	int dots = 12, step = (int)(t / 80) % dots;
	for (int i = 0; i < dots; i++) {
		double a = 2 * M_PI * i / dots;
		int age = (step - i + dots) % dots;
		SDL_Color c = WHITE;
		c.a = (Uint8)(255 - age * 18);
		pb_draw_circle(rd->r, x + (int)(radius * sin(a)), y - (int)(radius * cos(a)),
			       radius / 7 + 1, c);
	}
}

/* What a guest needs to know about the camera, in a few words; staff get the details from
 * photoboothctl status and the log. */
static const char *
camera_words(const struct pb_view *v)
{
	switch (v->camera) {
	case PB_CAM_CONNECTED:
		return NULL;
	case PB_CAM_RECONNECTING:
		return _("Camera is reconnecting…");
	case PB_CAM_ERROR:
		return _("The camera needs our staff. Please ask them.");
	case PB_CAM_CONNECTING:
	case PB_CAM_ABSENT:
		break;
	}
	return _("Camera is getting ready…");
}

static void
camera_note(struct pb_render *rd, const struct pb_view *v)
{
	const char *words = camera_words(v);
	if (words)
		pb_draw_pill(rd, rd->layout.body, words);
}

static void
draw_attract(struct pb_render *rd, const struct pb_view *v, int w, int h)
{
	const struct pb_layout *l = &rd->layout;
	double pulse = 0.5 + 0.5 * sin((double)v->in_state_ms / 400.0);
	struct pb_rect cta = l->title;

	live_view(rd, v, w, h, 1);
	pb_draw_gradient(rd->r, (struct pb_rect){ 0, h / 2, w, h / 2 },
			 (SDL_Color){ 0, 0, 0, 200 });
	/* the call to action breathes a little, so the booth looks alive from across the room */
	int grow = (int)(pulse * l->unit);
	cta.x -= grow;
	cta.y -= grow;
	cta.w += 2 * grow;
	cta.h += 2 * grow;
	pb_draw_button(rd, v->out_of_service ? l->title : cta,
		       v->out_of_service ? _("Back in a moment") : _("Touch to start"),
		       !v->out_of_service);
	pb_draw_pill(rd, l->button[PB_BTN_LANGUAGE],
		     !strcmp(v->language, "ko") ? "English" : "한국어");
	if (v->out_of_service) {
		/* no room for new photos: nobody is let in to lose theirs */
		pb_draw_pill(rd, l->body,
			     _("This booth is taking a short break. Our staff are on their way."));
		return;
	}
	camera_note(rd, v);
	/* told before they shoot, not after */
	if (v->print.mode && !v->print.printer_ready) {
		pb_draw_pill(
			rd, l->notice,
			v->print.mode == 1
				? _("The printer is paused — your print will wait in the queue")
				: _("The printer is paused — no prints for now"));
	} else if (v->print.mode && v->print.queued > 0) {
		/* the line can see how long the printer's own line is */
		char q[160];
		int min = (v->print.queue_s + 59) / 60;
		if (v->print.queued == 1)
			snprintf(q, sizeof(q), "%s", _("1 print in the queue — under a minute"));
		else
			snprintf(q, sizeof(q), _("%d prints in the queue — about %d min"),
				 v->print.queued, min < 1 ? 1 : min);
		pb_draw_pill(rd, l->notice, q);
	}
}

static void
draw_countdown(struct pb_render *rd, const struct pb_view *v, int w, int h)
{
	const struct pb_layout *l = &rd->layout;
	char num[16];
	int secs = v->remaining_ms < 0 ? 0 : (int)((v->remaining_ms + 999) / 1000);
	int radius = (w < h ? w : h) / 5;

	live_view(rd, v, w, h, 1);
	badge_slot(rd, v);
	snprintf(num, sizeof(num), "%d", secs > 0 ? secs : 1);
	pb_draw_circle(rd->r, w / 2, h / 2, radius, SHADE);
	pb_draw_text(rd, num,
		     (struct pb_rect){ w / 2 - radius, h / 2 - radius * 8 / 10, 2 * radius,
				       radius * 16 / 10 },
		     radius * 3 / 2, WHITE);
	if (v->camera == PB_CAM_CONNECTED)
		pb_draw_pill(rd,
			     (struct pb_rect){ l->body.x + l->body.w / 6, l->body.y,
					       l->body.w * 2 / 3, l->body.h },
			     _("Look at the camera and smile!"));
	else
		camera_note(rd, v);
}

static void
draw_capture(struct pb_render *rd, const struct pb_view *v, int w, int h)
{
	live_view(rd, v, w, h, 1);
	badge_slot(rd, v);
	/* the flash: white, fading out over 400 ms */
	if (v->in_state_ms < 400) {
		SDL_Color c = WHITE;
		c.a = (Uint8)(255 - v->in_state_ms * 255 / 400);
		pb_draw_fill(rd->r, (struct pb_rect){ 0, 0, w, h }, c);
	}
}

static void
draw_processing(struct pb_render *rd, const struct pb_view *v, int w, int h)
{
	const struct pb_layout *l = &rd->layout;
	int s = w < h ? w : h;

	live_view(rd, v, w, h, 0);
	pb_draw_fill(rd->r, (struct pb_rect){ 0, 0, w, h }, (SDL_Color){ 0, 0, 0, 170 });
	/* Only after 200 ms: a quick result should not flicker a spinner. */
	if (v->in_state_ms >= 200) {
		spinner(rd, w / 2, h / 2 - s / 12, s / 10, v->in_state_ms);
		pb_draw_text(rd, _("Making your photo…"),
			     (struct pb_rect){ l->body.x, h / 2 + s / 12, l->body.w, s / 8 },
			     l->body_px, WHITE);
	}
}

static void
photo(struct pb_render *rd, struct pb_rect box)
{
	if (!rd->photo)
		return;
	int border = rd->layout.unit / 2 + 1;
	struct pb_rect p = pb_rect_fit(rd->photo_w, rd->photo_h,
				       (struct pb_rect){ box.x + border, box.y + border,
							 box.w - 2 * border, box.h - 2 * border });
	struct pb_rect shadow = { p.x - border + rd->layout.unit / 2,
				  p.y - border + rd->layout.unit / 2, p.w + 2 * border,
				  p.h + 2 * border };
	pb_draw_fill(rd->r, shadow, (SDL_Color){ 0, 0, 0, 120 });
	pb_draw_fill(
		rd->r,
		(struct pb_rect){ p.x - border, p.y - border, p.w + 2 * border, p.h + 2 * border },
		WHITE);
	SDL_Rect dst = pb_draw_sdl_rect(p);
	SDL_RenderCopy(rd->r, rd->photo, NULL, &dst);
}

static void
draw_review(struct pb_render *rd, const struct pb_view *v, int w, int h)
{
	const struct pb_layout *l = &rd->layout;
	char s[128];
	int secs = v->remaining_ms < 0 ? 0 : (int)((v->remaining_ms + 999) / 1000);

	pb_draw_fill(rd->r, (struct pb_rect){ 0, 0, w, h }, BG);
	photo(rd, l->media);
	snprintf(s, sizeof(s), _("Keeping this one in %d s"), secs);
	pb_draw_text(rd, s, l->body, l->body_px, MUTED);
	if (l->button[PB_BTN_RETAKE].w)
		pb_draw_button(rd, l->button[PB_BTN_RETAKE], _("Retake"), 0);
	pb_draw_button(rd, l->button[PB_BTN_ACCEPT], _("Looks good!"), 1);
}

/* The deliver screen's headline and the line under it. */
static void
deliver_words(const struct pb_view *v, char *title, size_t tn, char *body, size_t bn)
{
	const struct pb_view_print *p = &v->print;

	*body = '\0';
	if (p->offered && p->copies == 0) {
		snprintf(title, tn, "%s", _("How many prints?"));
		if (!p->printer_ready)
			snprintf(body, bn, "%s",
				 _("The printer needs our staff right now. Your prints will wait "
				   "in the queue and come out as soon as it is fixed."));
	} else if (p->offered && p->failed) {
		snprintf(title, tn, "%s", _("Your print could not be queued"));
		snprintf(body, bn, "%s",
			 _("Please ask our staff: your photo is saved on the booth and they can "
			   "print it for you."));
	} else if (p->offered && p->mine == 0) {
		snprintf(title, tn, "%s", _("Printed!"));
		snprintf(body, bn, "%s", _("Pick up your print at the printer."));
	} else if (p->offered && !p->printer_ready) {
		snprintf(title, tn, "%s", _("Your print is queued"));
		if (p->ahead > 0)
			snprintf(body, bn,
				 _("The printer needs our staff. Your print is safe in the queue "
				   "(%d ahead of you) and will come out as soon as it is fixed."),
				 p->ahead);
		else
			snprintf(body, bn, "%s",
				 _("The printer needs our staff. Your print is safe in the queue "
				   "and will come out first, as soon as it is fixed."));
	} else if (p->offered) {
		snprintf(title, tn, "%s", _("Printing"));
		if (p->ahead > 0)
			snprintf(body, bn, _("Printing — %d ahead of you, about %d s"), p->ahead,
				 p->eta_s);
		else
			snprintf(body, bn, _("Printing — you're next, about %d s"), p->eta_s);
	} else {
		snprintf(title, tn, "%s", _("Your photo is saved"));
		snprintf(body, bn, "%s",
			 p->mode == 2
				 ? _("The printer is paused and sharing is not set up yet, so the "
				     "photo stays here. Ask a staff member for a copy.")
				 : _("Sharing is not set up on this booth yet, so the photo stays "
				     "here. Ask a staff member for a copy."));
	}
}

/* The download link: the QR code as big as the space allows, in whole pixels per module so
 * every module is the same size, and the link as text under it. */
static void
draw_share(struct pb_render *rd, const struct pb_view *v)
{
	const struct pb_layout *l = &rd->layout;
	int th = l->title_px * 13 / 10, uh = l->body_px * 3 / 2;
	struct pb_rect title = { l->title.x, l->title.y, l->title.w, th };
	struct pb_rect url = { l->body.x, l->body.y + l->body.h - uh, l->body.w, uh };
	int top = title.y + title.h + l->unit, bottom = url.y - l->unit;
	int room = bottom - top < l->body.w ? bottom - top : l->body.w;
	int px = room / rd->qr_side;

	pb_draw_text(rd, _("Scan to get your photo"), title, l->title_px * 7 / 10, WHITE);
	if (px < 1)
		px = 1;
	int side = px * rd->qr_side;
	SDL_Rect dst = { l->body.x + (l->body.w - side) / 2, top + (bottom - top - side) / 2, side,
			 side };
	SDL_RenderCopy(rd->r, rd->qr, NULL, &dst);
	/* a link too long to type off the screen (a cloud link) is left to the QR code and the
	 * email */
	if (strlen(v->share_url) <= 64)
		pb_draw_text(rd, v->share_url, url, l->body_px * 8 / 10, MUTED);
}

/* Notes over the bottom of the photo: the print's progress and where the email went, on the
 * screen that shows the download link. */
static void
photo_notes(struct pb_render *rd, const struct pb_view *v)
{
	const struct pb_layout *l = &rd->layout;
	char title[128], body[400], sent[400];
	int ph = l->body_px * 2, y = l->media.y + l->media.h - ph - l->unit;
	struct pb_rect r = { l->media.x + l->unit, y, l->media.w - 2 * l->unit, ph };

	if (v->email.sent_to) {
		snprintf(sent, sizeof(sent), _("Email on its way to %s"), v->email.sent_to);
		pb_draw_pill(rd, r, sent);
		r.y -= ph + l->unit;
	}
	if (v->print.offered && v->print.copies) {
		deliver_words(v, title, sizeof(title), body, sizeof(body));
		pb_draw_pill(rd, r, *body ? body : title);
	}
}

static void
draw_deliver(struct pb_render *rd, const struct pb_view *v, int w, int h)
{
	const struct pb_layout *l = &rd->layout;
	char title[128], body[400], done[64];
	int secs = v->remaining_ms < 0 ? 0 : (int)((v->remaining_ms + 999) / 1000);

	/* the screen moves on by itself: the button says when */
	snprintf(done, sizeof(done), _("Done (%d s)"), secs);
	pb_draw_fill(rd->r, (struct pb_rect){ 0, 0, w, h }, BG);
	photo(rd, l->media);
	if (rd->qr && v->share_url && !(v->print.offered && !v->print.copies)) {
		draw_share(rd, v);
		photo_notes(rd, v);
		if (l->button[PB_BTN_EMAIL].w)
			pb_draw_button(rd, l->button[PB_BTN_EMAIL], _("Email me"), 0);
		pb_draw_button(rd, l->button[PB_BTN_DONE], done, 1);
		return;
	}
	deliver_words(v, title, sizeof(title), body, sizeof(body));
	if (v->print.offered && v->print.copies == 0 && v->print.printer_ready && !*body)
		snprintf(body, sizeof(body), _("One print in %d s unless you pick"), secs);
	pb_draw_text(rd, title, l->title, l->title_px * 7 / 10, WHITE);
	if (*body)
		pb_draw_text(rd, body, l->body, l->body_px, MUTED);
	for (int i = 0; i < PB_MAX_COPY_BUTTONS; i++) {
		char n[8];
		snprintf(n, sizeof(n), "%d", i + 1);
		if (l->button[PB_BTN_COPIES_1 + i].w)
			pb_draw_button(rd, l->button[PB_BTN_COPIES_1 + i], n, 1);
	}
	if (l->button[PB_BTN_DONE].w)
		pb_draw_button(rd, l->button[PB_BTN_DONE], done, 1);
}

/* What to tell a guest whose address will not do, in words they can act on. */
static const char *
email_problem(int problem)
{
	switch (problem) {
	case PB_EMAIL_NEED_CONSENT:
		return _("Please tick the box first");
	case PB_EMAIL_LIMIT_ADDRESS:
		return _("This address has had all its photos for this hour — please ask staff");
	case PB_EMAIL_LIMIT_BOOTH:
		return _("The booth can't send more email this hour — please scan the QR code");
	case PB_ADDR_EMPTY:
		return _("Type your email address first");
	case PB_ADDR_NOT_ASCII:
		return _("Please use plain letters (a–z) in the address");
	case PB_ADDR_SPACE:
		return _("Email addresses have no spaces");
	case PB_ADDR_NO_AT:
		return _("The address needs an @");
	case PB_ADDR_MANY_AT:
		return _("Only one @, please");
	default:
		return _("That address doesn't look right — please check it");
	}
}

static void
draw_email(struct pb_render *rd, const struct pb_view *v, int w, int h)
{
	const struct pb_layout *l = &rd->layout;
	const char *typed = v->email.typed ? v->email.typed : "";
	struct pb_rect f = l->title;
	int pad = f.h / 5;
	char shown[PB_ADDRESS_MAX + 8];

	pb_draw_fill(rd->r, (struct pb_rect){ 0, 0, w, h }, BG);
	pb_draw_rounded(rd->r, f, f.h / 4, (SDL_Color){ 255, 255, 255, 235 });
	struct pb_rect inner = { f.x + f.h / 3, f.y + pad, f.w - 2 * (f.h / 3), f.h - 2 * pad };
	if (*typed) {
		/* the caret blinks at the end; a long address keeps its end in view */
		int caret = (v->in_state_ms / 530) % 2 == 0;
		snprintf(shown, sizeof(shown), "%s%s", typed, caret ? "|" : " ");
		pb_text_draw_private(rd->text, shown, inner, f.h * 55 / 100, BG, PB_ALIGN_LEFT);
		explicit_bzero(shown, sizeof(shown));
	} else {
		pb_text_draw(rd->text, _("your.name@example.com"), inner, f.h * 50 / 100,
			     (SDL_Color){ 120, 126, 146, 255 }, PB_ALIGN_LEFT);
	}
	if (v->email.problem) {
		pb_draw_text(rd, email_problem(v->email.problem), l->body, l->body.h * 45 / 100,
			     ACCENT);
	} else if (l->button[PB_BTN_CONSENT].w) {
		struct pb_rect c = l->button[PB_BTN_CONSENT];
		int box = c.h * 55 / 100;
		struct pb_rect b = { c.x + box / 3, c.y + (c.h - box) / 2, box, box };
		pb_draw_outline(rd->r, b, box / 8 + 1, WHITE);
		if (v->email.consent_given)
			pb_draw_fill(
				rd->r,
				(struct pb_rect){ b.x + box / 4, b.y + box / 4, box / 2, box / 2 },
				ACCENT);
		pb_text_draw(rd->text, _("We'll use your address only to send this photo"),
			     (struct pb_rect){ b.x + box + box / 2, c.y, c.w - box * 2, c.h },
			     c.h * 40 / 100, WHITE, PB_ALIGN_LEFT);
	} else {
		pb_draw_text(rd, _("We'll use your address only to send this photo"), l->body,
			     l->body.h * 40 / 100, MUTED);
	}
	for (int i = 0; i < l->nkeys; i++) {
		const struct pb_key *k = &l->keys[i];
		pb_draw_rounded(rd->r, k->r, k->r.h / 6, (SDL_Color){ 255, 255, 255, 40 });
		pb_draw_text(rd, k->label,
			     (struct pb_rect){ k->r.x + 2, k->r.y + k->r.h / 6, k->r.w - 4,
					       k->r.h * 2 / 3 },
			     k->r.h * 45 / 100, WHITE);
	}
	pb_draw_button(rd, l->button[PB_BTN_CANCEL], _("Cancel"), 0);
	pb_draw_button(rd, l->button[PB_BTN_SEND], _("Send"), 1);
}

static void
draw_thanks(struct pb_render *rd, const struct pb_view *v, int w, int h)
{
	const struct pb_layout *l = &rd->layout;
	pb_draw_fill(rd->r, (struct pb_rect){ 0, 0, w, h }, BG);
	pb_draw_text(rd, _("Thank you!"), l->title, l->title_px * 3 / 2, WHITE);
	pb_draw_text(rd, _("Enjoy the rest of the event."), l->body, l->body_px, MUTED);
	/* the next in line need not wait for the attract screen */
	if (!v->out_of_service)
		pb_draw_pill(rd, l->notice, _("Next in line? Touch the screen to start"));
}

static void
draw_error(struct pb_render *rd, const struct pb_view *v, int w, int h)
{
	const struct pb_layout *l = &rd->layout;
	const char *words = camera_words(v);
	pb_draw_fill(rd->r, (struct pb_rect){ 0, 0, w, h }, BG);
	if (v->out_of_service) {
		/* the disk is full: no retry to promise */
		pb_draw_text(rd, _("Sorry, that one didn't work"), l->title, l->title_px, WHITE);
		pb_draw_text(rd,
			     _("This booth is taking a short break. Our staff are on their way."),
			     l->body, l->body_px, MUTED);
	} else {
		pb_draw_text(rd, _("Let's try that again"), l->title, l->title_px, WHITE);
		pb_draw_text(rd,
			     words ? words
				   : _("Something went wrong with that photo. It wasn't you!"),
			     l->body, l->body_px, MUTED);
	}
	/* with the disk full a retry would fail again: the button just ends the session */
	pb_draw_button(rd, l->button[PB_BTN_RETRY], v->out_of_service ? _("OK") : _("Try again"),
		       1);
}

void
pb_render_draw(struct pb_render *rd, const struct pb_view *v, int w, int h)
{
	int copies = v->state == PB_DELIVER && v->print.offered && !v->print.copies
			     ? v->print.max_copies
			     : 0;
	int email = (v->email.offered ? PB_LAYOUT_EMAIL : 0) |
		    (v->email.consent_asked ? PB_LAYOUT_CONSENT : 0);
	if (v->state == PB_PIN || v->state == PB_STAFF)
		pb_layout_staff(&rd->layout, v->state, w, h, rd->dpi, v->staff.npaper,
				v->staff.power);
	else
		pb_layout_compute(&rd->layout, v->state, w, h, rd->dpi, v->retakes_left > 0, copies,
				  email);
	rd->state = v->state;
	if (v->state != PB_EMAIL)
		pb_text_forget_private(rd->text); /* the address typed leaves with its screen */
	SDL_SetRenderDrawBlendMode(rd->r, SDL_BLENDMODE_BLEND);
	switch (v->state) {
	case PB_ATTRACT:
		draw_attract(rd, v, w, h);
		break;
	case PB_COUNTDOWN:
		draw_countdown(rd, v, w, h);
		break;
	case PB_CAPTURE:
		draw_capture(rd, v, w, h);
		break;
	case PB_PROCESSING:
		draw_processing(rd, v, w, h);
		break;
	case PB_REVIEW:
		draw_review(rd, v, w, h);
		break;
	case PB_DELIVER:
		draw_deliver(rd, v, w, h);
		break;
	case PB_THANKS:
		draw_thanks(rd, v, w, h);
		break;
	case PB_EMAIL:
		draw_email(rd, v, w, h);
		break;
	case PB_PIN:
		pb_draw_pin(rd, v, w, h);
		break;
	case PB_STAFF:
		pb_draw_staff(rd, v, w, h);
		break;
	case PB_ERROR:
	case PB_STATE_COUNT:
		draw_error(rd, v, w, h);
		break;
	}
}

enum pb_button
pb_render_hit(const struct pb_render *rd, int x, int y)
{
	if (!rd)
		return PB_BTN_NONE;
	return pb_layout_hit(&rd->layout, rd->state, x, y);
}

const struct pb_key *
pb_render_key(const struct pb_render *rd, int x, int y)
{
	if (!rd)
		return NULL;
	int k = pb_layout_key(&rd->layout, x, y);
	return k >= 0 ? &rd->layout.keys[k] : NULL;
}

const struct pb_layout *
pb_render_layout(const struct pb_render *rd)
{
	static const struct pb_layout none;
	return rd ? &rd->layout : &none;
}
