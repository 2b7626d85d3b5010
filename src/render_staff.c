#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "i18n.h"
#include "render_priv.h"
#include "settings.h"

static const SDL_Color PANEL = { 255, 255, 255, 22 };
static const SDL_Color GOOD = { 88, 204, 120, 255 };
static const SDL_Color WARN = { 255, 196, 64, 255 };
static const SDL_Color BAD = { 255, 84, 84, 255 };

static void
key(struct pb_render *rd, const struct pb_key *k)
{
	pb_draw_rounded(rd->r, k->r, k->r.h / 6, (SDL_Color){ 255, 255, 255, 40 });
	pb_draw_text(rd, k->label, (struct pb_rect){ k->r.x + 2, k->r.y + k->r.h / 6, k->r.w - 4,
						      k->r.h * 2 / 3 },
		     k->r.h / 2, WHITE);
}

void
pb_draw_pin(struct pb_render *rd, const struct pb_view *v, int w, int h)
{
	const struct pb_layout *l = &rd->layout;
	const struct pb_view_staff *s = &v->staff;
	char msg[160];

	pb_draw_fill(rd->r, (struct pb_rect){ 0, 0, w, h }, BG);
	if (s->locked_ms > 0) {
		snprintf(msg, sizeof(msg), _("Too many wrong PINs: try again in %d s"),
			 (int)((s->locked_ms + 999) / 1000));
		pb_draw_text(rd, msg, l->title, l->title.h * 55 / 100, ACCENT);
	} else {
		pb_draw_text(rd, s->wrong ? _("Wrong PIN, try again") : _("Staff PIN"), l->title,
			     l->title.h * 60 / 100, s->wrong ? ACCENT : WHITE);
	}
	/* one dot per digit typed; the digits themselves are never shown */
	struct pb_rect d = l->body;
	int r = d.h / 5, step = r * 3;
	int n = s->typed;
	int x0 = d.x + d.w / 2 - (n - 1) * step / 2;
	pb_draw_rounded(rd->r, d, d.h / 4, PANEL);
	for (int i = 0; i < n; i++)
		pb_draw_rounded(rd->r, (struct pb_rect){ x0 + i * step - r, d.y + d.h / 2 - r, 2 * r,
						      2 * r },
				r, WHITE);
	for (int i = 0; i < l->nkeys; i++)
		key(rd, &l->keys[i]);
	pb_draw_button(rd, l->button[PB_BTN_OK], _("OK"), 1);
	pb_draw_button(rd, l->button[PB_BTN_CANCEL], _("Cancel"), 0);
}

/* A square-cornered staff button: smaller text than the guests' pills, two words fit. */
static void
action(struct pb_render *rd, enum pb_button b, const char *label, int selected)
{
	struct pb_rect rc = rd->layout.button[b];
	/* the text of a tall button is as large as a row's */
	int row = rc.h < rd->layout.touch_min * 3 / 2 ? rc.h : rd->layout.touch_min * 3 / 2;
	if (!rc.w)
		return;
	pb_draw_rounded(rd->r, rc, row / 5, selected ? ACCENT : (SDL_Color){ 255, 255, 255, 44 });
	pb_draw_text(rd, label, (struct pb_rect){ rc.x + row / 6, rc.y + row / 8,
						  rc.w - row / 3, rc.h - row / 4 },
		     row * 36 / 100, WHITE);
}

static void
health(struct pb_render *rd, const struct pb_view_staff *s)
{
	struct pb_rect p = rd->layout.media;
	int rows = s->nlines > 11 ? s->nlines : 11;
	int lh = (p.h - p.h / 20) / rows;
	int pad = lh / 2;

	pb_draw_rounded(rd->r, p, rd->layout.unit, PANEL);
	for (int i = 0; i < s->nlines; i++) {
		int y = p.y + p.h / 40 + i * lh;
		int dot = lh / 4;
		SDL_Color c = s->level[i] == 2 ? BAD : s->level[i] == 1 ? WARN : GOOD;
		if (s->level[i] >= 0)
			pb_draw_rounded(rd->r, (struct pb_rect){ p.x + pad, y + lh / 2 - dot / 2, dot,
							      dot },
					dot / 2, c);
		pb_text_draw(rd->text, s->lines[i],
			     (struct pb_rect){ p.x + pad + (s->level[i] >= 0 ? dot * 2 : 0), y + lh / 10,
					       p.w - 2 * pad - dot * 2, lh * 8 / 10 },
			     lh * 48 / 100, s->level[i] < 0 ? MUTED : WHITE, PB_ALIGN_LEFT);
	}
}

void
pb_draw_staff(struct pb_render *rd, const struct pb_view *v, int w, int h)
{
	const struct pb_layout *l = &rd->layout;
	const struct pb_view_staff *s = &v->staff;
	char label[96];

	pb_draw_fill(rd->r, (struct pb_rect){ 0, 0, w, h }, BG);
	pb_text_draw(rd->text, s->header ? s->header : _("Staff"), l->title, l->title.h * 55 / 100,
		     WHITE, PB_ALIGN_LEFT);
	if (s->toast)
		pb_text_draw(rd->text, s->toast, l->body, l->body.h * 45 / 100,
			     s->toast_bad ? ACCENT : GOOD, PB_ALIGN_LEFT);
	health(rd, s);

	/* the theme in use between its arrows, as a print with blank photos */
	struct pb_rect t = l->notice;
	pb_draw_rounded(rd->r, t, l->unit, PANEL);
	int name_h = t.h / 4;
	if (rd->thumb) {
		struct pb_rect box = { t.x + t.w / 20, t.y + t.h / 20, t.w - t.w / 10,
				       t.h - name_h - t.h / 10 };
		struct pb_rect r = pb_rect_fit(rd->thumb_w, rd->thumb_h, box);
		SDL_Rect dst = { r.x, r.y, r.w, r.h };
		SDL_RenderCopy(rd->r, rd->thumb, NULL, &dst);
	}
	pb_draw_text(rd, s->theme ? s->theme : "",
		     (struct pb_rect){ t.x + 2, t.y + t.h - name_h, t.w - 4, name_h - 2 },
		     name_h * 7 / 10, WHITE);
	action(rd, PB_BTN_S_THEME_PREV, _("◀ Theme"), 0);
	action(rd, PB_BTN_S_THEME_NEXT, _("Theme ▶"), 0);

	action(rd, PB_BTN_S_PRINT, _("Print"), s->delivery == PB_DELIVERY_PRINT);
	action(rd, PB_BTN_S_SHARE, _("Share"), s->delivery == PB_DELIVERY_SHARE);
	action(rd, PB_BTN_S_BOTH, _("Print + share"), s->delivery == PB_DELIVERY_BOTH);
	for (int i = 0; i < s->npaper && i < PB_MAX_PAPER_BUTTONS; i++) {
		snprintf(label, sizeof(label), _("Paper loaded: %d"), s->paper[i]);
		action(rd, PB_BTN_S_PAPER_1 + i, label, 0);
	}
	action(rd, PB_BTN_S_RESUME, _("Resume printer"), 0);
	action(rd, PB_BTN_S_CANCEL_JOB, _("Cancel print"), 0);
	action(rd, PB_BTN_S_RECONNECT, _("Reconnect camera"), 0);
	action(rd, PB_BTN_S_COUNTERS, _("Reset counters"), 0);
	snprintf(label, sizeof(label), _("Delete photos > %d h"), s->purge_hours);
	action(rd, PB_BTN_S_PURGE, label, 0);
	action(rd, PB_BTN_S_RESET, _("Reset booth"), 0);
	action(rd, PB_BTN_S_SHUTDOWN, _("Shut down"), 0);
	action(rd, PB_BTN_S_REBOOT, _("Restart"), 0);
	action(rd, PB_BTN_S_EXIT, _("Exit"), 1);
}

/* The health panel's words */

/* Appends one line to the staff view's text buffer. */
struct lines {
	struct pb_view_staff *v;
	char *buf;
	size_t len, cap;
};

static void __attribute__((format(printf, 3, 4)))
line(struct lines *ls, int level, const char *fmt, ...)
{
	va_list ap;
	if (ls->v->nlines >= PB_STAFF_LINES || ls->len + 2 >= ls->cap)
		return;
	char *at = ls->buf + ls->len;
	va_start(ap, fmt);
	int n = vsnprintf(at, ls->cap - ls->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	ls->len += (size_t)n + 1 < ls->cap - ls->len ? (size_t)n + 1 : ls->cap - ls->len;
	ls->v->lines[ls->v->nlines] = at;
	ls->v->level[ls->v->nlines++] = level;
}

static const char *
camera_words(enum pb_camera_state s)
{
	switch (s) {
	case PB_CAM_CONNECTED:
		return _("connected");
	case PB_CAM_CONNECTING:
		return _("connecting");
	case PB_CAM_RECONNECTING:
		return _("unplugged? reconnecting");
	case PB_CAM_ABSENT:
		return _("not found");
	case PB_CAM_ERROR:
		return _("cannot be used");
	}
	return "";
}

void
pb_staff_describe(const struct pb_staff_facts *f, int health, struct pb_view_staff *v,
		  char *buf, size_t buflen)
{
	struct lines ls = { v, buf, 0, buflen };
	const struct pb_camera_health *ch = &f->camera;
	const uint64_t *r = f->since_reset, *t = f->total;

	memset(v, 0, sizeof(*v));
	v->header = buf;
	ls.len = (size_t)snprintf(buf, buflen, _("Staff · photobooth %s · up %d h %02d min"),
				  PB_VERSION, (int)(f->uptime_s / 3600), (int)(f->uptime_s / 60 % 60)) + 1;
	if (!health)
		return;
	if (ch->state == PB_CAM_CONNECTED)
		line(&ls, 0, _("Camera: %s, %s, %.0f fps"), ch->model[0] ? ch->model : "?",
		     camera_words(ch->state), ch->fps);
	else
		line(&ls, 2, _("Camera: %s — %s"), camera_words(ch->state), ch->reason);
	if (f->printing) {
		const struct pb_printer_health *p = &f->printer;
		char left[64] = "";
		if (p->prints_remaining >= 0)
			snprintf(left, sizeof(left), _(", %d prints left"), p->prints_remaining);
		line(&ls, !p->ready ? 2 : p->paper_low ? 1 : 0, _("Printer %s: %s, %d queued%s"),
		     p->queue[0] ? p->queue : "?", pb_printer_state_name(p->state), p->pending,
		     left);
		if (p->message[0] || p->reasons[0])
			line(&ls, p->ready ? 1 : 2, "   %s", p->message[0] ? p->message : p->reasons);
	}
	if (f->email) {
		const struct pb_outbox_stats *os = &f->outbox;
		line(&ls, os->last_error[0] && os->depth ? 2 : os->depth ? 1 : 0,
		     _("Email: %d waiting (oldest %d min), %u sent"), os->depth,
		     (int)(os->oldest_age_s / 60), os->sent);
		if (os->last_error[0] && os->depth)
			line(&ls, 2, "   %s", os->last_error);
	} else if (f->sharing) {
		line(&ls, 0, _("Download links on; email off"));
	}
	if (f->disk_free_mb >= 0)
		line(&ls, f->disk_free_mb < 500 ? 2 : f->disk_free_mb < 2048 ? 1 : 0,
		     _("Disk: %.1f GB free of %.1f GB"), (double)f->disk_free_mb / 1024.0,
		     (double)f->disk_total_mb / 1024.0);
	if (f->disk_low)
		line(&ls, 2, "%s", _("Disk full: no new guests until photos are purged"));
	line(&ls, -1, _("Since reset · all-time"));
	static const char *const names[PB_COUNT_N] = {
		[PB_COUNT_SESSIONS] = N_("Sessions"), [PB_COUNT_PHOTOS] = N_("Photos"),
		[PB_COUNT_PRINTS] = N_("Prints"),     [PB_COUNT_EMAILS] = N_("Emails"),
		[PB_COUNT_DOWNLOADS] = N_("QR downloads"), [PB_COUNT_FAILURES] = N_("Failures"),
	};
	for (int c = 0; c < PB_COUNT_N; c++)
		line(&ls, c == PB_COUNT_FAILURES && r[c] ? 1 : 0, "%s: %llu · %llu", _(names[c]),
		     (unsigned long long)r[c], (unsigned long long)t[c]);
}
