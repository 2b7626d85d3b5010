/* render_staff.c - draws the PIN keypad and the staff screen (health panel, theme preview,
 * action buttons) from the view the shell gathers; render.c calls it for those two states.
 * Main thread, with the renderer's SDL_Renderer. */
#include <SDL.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "i18n.h"
#include "draw.h"
#include "render_priv.h"
#include "settings.h"

static void
key(struct pb_render *rd, const struct pb_key *k)
{
	pb_draw_rounded(rd->r, k->r, k->r.h / 6, (SDL_Color){ 255, 255, 255, 40 });
	pb_draw_text(
		rd, k->label,
		(struct pb_rect){ k->r.x + 2, k->r.y + k->r.h / 6, k->r.w - 4, k->r.h * 2 / 3 },
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
		pb_draw_rounded(
			rd->r,
			(struct pb_rect){ x0 + i * step - r, d.y + d.h / 2 - r, 2 * r, 2 * r }, r,
			WHITE);
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
	pb_draw_text(
		rd, label,
		(struct pb_rect){ rc.x + row / 6, rc.y + row / 8, rc.w - row / 3, rc.h - row / 4 },
		row * 36 / 100, WHITE);
}

#define MIN_ROW_PX 22 /* a health line's height, at the least */

static void
health(struct pb_render *rd, const struct pb_view_staff *s)
{
	struct pb_rect p = rd->layout.media;
	int n = s->text.nlines, fit = (p.h - p.h / 20) / MIN_ROW_PX;
	/* more lines than fit readably (a portrait screen, many booths): the health first, the
	 * counters (from their heading on; photoboothctl counters has them) left out */
	for (int i = 0; n > fit && i < n; i++)
		if (s->text.level[i] < 0)
			n = i;
	if (n > fit)
		n = fit;
	int rows = n > 11 ? n : 11;
	int lh = (p.h - p.h / 20) / rows;
	int pad = lh / 2;

	pb_draw_rounded(rd->r, p, rd->layout.unit, PANEL);
	for (int i = 0; i < n; i++) {
		int y = p.y + p.h / 40 + i * lh;
		int dot = lh / 4;
		SDL_Color c = s->text.level[i] == 2 ? BAD : s->text.level[i] == 1 ? WARN : GOOD;
		if (s->text.level[i] >= 0)
			pb_draw_rounded(
				rd->r,
				(struct pb_rect){ p.x + pad, y + lh / 2 - dot / 2, dot, dot },
				dot / 2, c);
		pb_text_draw(rd->text, s->text.lines[i],
			     (struct pb_rect){ p.x + pad + (s->text.level[i] >= 0 ? dot * 2 : 0),
					       y + lh / 10, p.w - 2 * pad - dot * 2, lh * 8 / 10 },
			     lh * 48 / 100, s->text.level[i] < 0 ? MUTED : WHITE, PB_ALIGN_LEFT);
	}
}

void
pb_draw_staff(struct pb_render *rd, const struct pb_view *v, int w, int h)
{
	const struct pb_layout *l = &rd->layout;
	const struct pb_view_staff *s = &v->staff;
	char label[96];

	pb_draw_fill(rd->r, (struct pb_rect){ 0, 0, w, h }, BG);
	pb_text_draw(rd->text, s->text.header ? s->text.header : _("Staff"), l->title,
		     l->title.h * 55 / 100, WHITE, PB_ALIGN_LEFT);
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
	if (s->unconfirmed > 0)
		snprintf(label, sizeof(label), _("Reprint %d"), s->unconfirmed);
	action(rd, PB_BTN_S_REPRINT, s->unconfirmed > 0 ? label : _("Reprint"), s->unconfirmed > 0);
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
