#include <string.h>

#include "layout.h"

static int
max_i(int a, int b)
{
	return a > b ? a : b;
}

static int
min_i(int a, int b)
{
	return a < b ? a : b;
}

/* The email keyboard: lower case only (addresses are not case-sensitive in practice), the
 * characters addresses use, and the domains most guests type. */
static const char *const key_rows[][11] = {
	{ "1", "2", "3", "4", "5", "6", "7", "8", "9", "0" },
	{ "q", "w", "e", "r", "t", "y", "u", "i", "o", "p" },
	{ "a", "s", "d", "f", "g", "h", "j", "k", "l", "@" },
	{ "z", "x", "c", "v", "b", "n", "m", ".", "-", "_", "\b" },
	{ "@gmail.com", "@outlook.com", "@icloud.com", "@naver.com", ".com" },
};
#define KEY_ROWS (int)(sizeof(key_rows) / sizeof(key_rows[0]))

static void
keyboard(struct pb_layout *l, struct pb_rect area, int gap)
{
	int rh = area.h / KEY_ROWS;
	l->keyboard = area;
	l->nkeys = 0;
	for (int row = 0; row < KEY_ROWS; row++) {
		int n = 0;
		while (n < 11 && key_rows[row][n])
			n++;
		int kw = (area.w - (n - 1) * gap) / n;
		int x = area.x + (area.w - (n * kw + (n - 1) * gap)) / 2;
		for (int i = 0; i < n && l->nkeys < PB_MAX_KEYS; i++) {
			const char *t = key_rows[row][i];
			struct pb_key *k = &l->keys[l->nkeys++];
			k->label = strcmp(t, "\b") ? t : "←";
			k->text = strcmp(t, "\b") ? t : NULL;
			k->r = (struct pb_rect){ x + i * (kw + gap), area.y + row * rh, kw,
						 rh - gap };
		}
	}
}

int
pb_layout_key(const struct pb_layout *l, int x, int y)
{
	for (int i = 0; i < l->nkeys; i++)
		if (pb_rect_contains(l->keys[i].r, x, y))
			return i;
	return -1;
}

void
pb_layout_compute(struct pb_layout *l, enum pb_state state, int w, int h, float dpi, int retake,
		  int copies, int email)
{
	int s = min_i(w, h);
	int u, bh, m;

	*l = (struct pb_layout){ .state = state, .w = w, .h = h, .portrait = h > w };
	if (dpi <= 0)
		dpi = 133.0f;
	u = max_i(4, s / 50);
	l->unit = u;
	l->touch_min = (int)(dpi * 10.0f / 25.4f + 0.5f);
	l->title_px = max_i(18, s / 9);
	l->body_px = max_i(14, s / 20);
	/* Buttons: comfortably above 10 mm, and bigger on big screens. */
	bh = max_i(l->touch_min, s * 15 / 100);
	m = 2 * u;
	l->badge = (struct pb_rect){ w / 2 - s * 3 / 10, m, s * 6 / 10,
				     max_i(l->touch_min / 2, s / 12) };
	l->media = (struct pb_rect){ 0, 0, w, h };

	switch (state) {
	case PB_ATTRACT: {
		int lw = max_i(l->touch_min * 2, s * 26 / 100);
		int lh = max_i(l->touch_min, s / 9);
		l->button[PB_BTN_LANGUAGE] = (struct pb_rect){ w - lw - m, m, lw, lh };
		/* the call to action sits in the lower third */
		int cw = min_i(w - 2 * m, max_i(s * 9 / 10, w * 6 / 10));
		int ch = max_i(bh, s / 6);
		l->button[PB_BTN_START] = (struct pb_rect){ 0, 0, w, h };
		l->title = (struct pb_rect){ (w - cw) / 2, h - ch - 3 * m, cw, ch };
		l->body = (struct pb_rect){ m, m, w - lw - 3 * m, lh };
		int nw = min_i(w - 2 * m, s * 9 / 10);
		/* below the call to action, clear of its breathing (one unit) */
		l->notice = (struct pb_rect){ (w - nw) / 2, h - 2 * m - m / 4, nw, 2 * m };
		break;
	}
	case PB_COUNTDOWN:
	case PB_CAPTURE:
	case PB_PROCESSING:
		l->title =
			(struct pb_rect){ w / 2 - s / 3, h / 2 - s / 3, 2 * (s / 3), 2 * (s / 3) };
		l->body = (struct pb_rect){ m, h - m - s / 8, w - 2 * m, s / 8 };
		break;
	case PB_REVIEW: {
		int bar = bh + 2 * m + l->body_px;
		int bw = min_i((w - 3 * m) / 2, max_i(s * 6 / 10, l->touch_min * 3));
		int gap = m;
		int y = h - bh - m;
		l->media = (struct pb_rect){ m, m, w - 2 * m, h - bar - 2 * m };
		l->body = (struct pb_rect){ m, y - l->body_px * 3 / 2, w - 2 * m,
					    l->body_px * 3 / 2 };
		if (retake) {
			l->button[PB_BTN_RETAKE] =
				(struct pb_rect){ w / 2 - gap / 2 - bw, y, bw, bh };
			l->button[PB_BTN_ACCEPT] = (struct pb_rect){ w / 2 + gap / 2, y, bw, bh };
		} else {
			l->button[PB_BTN_ACCEPT] = (struct pb_rect){ w / 2 - bw / 2, y, bw, bh };
		}
		break;
	}
	case PB_DELIVER: {
		int bw = min_i(w - 2 * m, max_i(s / 2, l->touch_min * 3));
		l->button[PB_BTN_DONE] = (struct pb_rect){ w - m - bw, h - m - bh, bw, bh };
		if (l->portrait) {
			l->media = (struct pb_rect){ m, m, w - 2 * m, h * 4 / 10 };
			int top = l->media.y + l->media.h + m;
			l->title = (struct pb_rect){ m, top, w - 2 * m, l->title_px * 2 };
			l->body = (struct pb_rect){ m, l->title.y + l->title.h, w - 2 * m,
						    h - bh - 2 * m - (l->title.y + l->title.h) };
			l->button[PB_BTN_DONE].x = (w - bw) / 2;
		} else {
			int half = w / 2;
			l->media = (struct pb_rect){ m, m, half - 2 * m, h - 2 * m };
			l->title = (struct pb_rect){ half, m, half - m, (h - bh) * 4 / 10 };
			l->body = (struct pb_rect){ half, l->title.y + l->title.h, half - m,
						    h - bh - 3 * m - l->title.h };
			l->button[PB_BTN_DONE].x = half + (half - m - bw) / 2;
			l->button[PB_BTN_DONE].w = bw;
		}
		if (copies == 0 && (email & PB_LAYOUT_EMAIL)) {
			/* Email me and Done side by side, where Done was */
			struct pb_rect row =
				l->portrait ? (struct pb_rect){ m, h - m - bh, w - 2 * m, bh }
					    : (struct pb_rect){ w / 2, h - m - bh, w / 2 - m, bh };
			int ew = (row.w - m) / 2;
			l->button[PB_BTN_EMAIL] = (struct pb_rect){ row.x, row.y, ew, bh };
			l->button[PB_BTN_DONE] = (struct pb_rect){ row.x + ew + m, row.y, ew, bh };
		}
		if (copies > 0) {
			/* one button per number of prints, in a row where Done would be */
			struct pb_rect row =
				l->portrait ? (struct pb_rect){ m, h - m - bh, w - 2 * m, bh }
					    : (struct pb_rect){ w / 2, h - m - bh, w / 2 - m, bh };
			int n = min_i(copies, PB_MAX_COPY_BUTTONS);
			int cw = min_i((row.w - (n - 1) * m) / n,
				       max_i(s * 3 / 10, l->touch_min * 2));
			int x = row.x + (row.w - (n * cw + (n - 1) * m)) / 2;
			l->button[PB_BTN_DONE] = (struct pb_rect){ 0 };
			for (int i = 0; i < n; i++)
				l->button[PB_BTN_COPIES_1 + i] =
					(struct pb_rect){ x + i * (cw + m), row.y, cw, bh };
		}
		break;
	}
	case PB_EMAIL: {
		/* field, a line for help or the consent box, five rows of keys, Cancel and Send */
		int gap = max_i(2, u / 2);
		int fh = max_i(l->touch_min, h / 9);
		int lh = max_i(l->touch_min, h / 12);
		int rest = h - gap - fh - gap - lh - gap - gap;
		int rh = max_i(l->touch_min + gap, rest / (KEY_ROWS + 1));
		int y = gap;
		int aw = min_i(w - 2 * gap, s * 16 / 10);
		int ax = (w - aw) / 2;
		l->title = (struct pb_rect){ ax, y, aw, fh };
		y += fh + gap;
		l->body = (struct pb_rect){ ax, y, aw, lh };
		y += lh + gap;
		keyboard(l, (struct pb_rect){ ax, y, aw, rh * KEY_ROWS }, gap);
		y += rh * KEY_ROWS;
		int bw = min_i(aw / 4, max_i(l->touch_min * 2, s / 3));
		l->button[PB_BTN_CANCEL] = (struct pb_rect){ ax, y, bw, rh - gap };
		l->button[PB_BTN_SEND] = (struct pb_rect){ ax + aw - bw, y, bw, rh - gap };
		if (email & PB_LAYOUT_CONSENT) {
			/* the consent box sits with the text it agrees to, over the keys */
			l->button[PB_BTN_CONSENT] = l->body;
		}
		break;
	}
	case PB_THANKS:
		l->button[PB_BTN_CONTINUE] = (struct pb_rect){ 0, 0, w, h };
		l->title = (struct pb_rect){ m, h / 4, w - 2 * m, h / 3 };
		l->body = (struct pb_rect){ m, h / 4 + h / 3, w - 2 * m, h / 6 };
		l->notice =
			(struct pb_rect){ (w - min_i(w - 2 * m, s * 9 / 10)) / 2, h - 2 * m - m / 4,
					  min_i(w - 2 * m, s * 9 / 10), 2 * m };
		break;
	case PB_ERROR: {
		int bw = min_i(w - 2 * m, max_i(s * 6 / 10, l->touch_min * 3));
		l->title = (struct pb_rect){ m, h / 8, w - 2 * m, h / 4 };
		l->body = (struct pb_rect){ m, h / 8 + h / 4, w - 2 * m, h / 5 };
		l->button[PB_BTN_RETRY] = (struct pb_rect){ (w - bw) / 2, h - 2 * m - bh, bw, bh };
		break;
	}
	case PB_PIN:
	case PB_STAFF:
		pb_layout_staff(l, state, w, h, dpi, 3, 0);
		break;
	case PB_STATE_COUNT:
		break;
	}
}

static const char *const pin_keys[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "\b", "0" };

static void
pin_layout(struct pb_layout *l, int w, int h)
{
	int u = l->unit, gap = max_i(4, u);
	int kh = max_i(l->touch_min, (h - 4 * u) / (l->portrait ? 9 : 7));
	int kw = max_i(l->touch_min * 2, min_i(w / 6, kh * 2));
	int pad_w = 3 * kw + 2 * gap, pad_h = 4 * kh + 3 * gap;
	int below = l->portrait ? 2 * gap + kh : 0; /* Cancel goes under the keypad */
	int top = max_i(u, (h - (2 * kh + 2 * gap + pad_h + below)) / 2);
	int x = (w - pad_w) / 2;

	l->title = (struct pb_rect){ u, top, w - 2 * u, kh };
	l->body = (struct pb_rect){ x, top + kh + gap, pad_w, kh };
	int y = l->body.y + kh + gap;
	l->keyboard = (struct pb_rect){ x, y, pad_w, pad_h };
	l->nkeys = 0;
	for (int i = 0; i < 11; i++) {
		struct pb_key *k = &l->keys[l->nkeys++];
		int row = i / 3, col = i % 3;
		k->label = strcmp(pin_keys[i], "\b") ? pin_keys[i] : "←";
		k->text = strcmp(pin_keys[i], "\b") ? pin_keys[i] : NULL;
		k->r = (struct pb_rect){ x + col * (kw + gap), y + row * (kh + gap), kw, kh };
	}
	l->button[PB_BTN_OK] = (struct pb_rect){ x + 2 * (kw + gap), y + 3 * (kh + gap), kw, kh };
	int cw = max_i(l->touch_min * 2, min_i(kw * 3 / 2, (w - pad_w) / 2 - 2 * u));
	if (l->portrait)
		l->button[PB_BTN_CANCEL] =
			(struct pb_rect){ (w - cw) / 2, y + pad_h + gap + gap, cw, kh };
	else /* beside it */
		l->button[PB_BTN_CANCEL] = (struct pb_rect){ w - u - cw, h - u - kh, cw, kh };
}

/* The staff screen: a health panel, and the actions in a grid of three columns (the theme
 * row twice as tall, for its preview). Landscape puts the panel on the left, portrait on top. */
static void
staff_layout(struct pb_layout *l, int w, int h, int npaper, int power)
{
	int u = l->unit, gap = max_i(4, u * 2 / 3);
	int head = max_i(l->touch_min * 3 / 4, h / 12);
	struct pb_rect grid;

	l->title = (struct pb_rect){ u, u, w / 2 - u, head };
	l->body = (struct pb_rect){ w / 2, u, w / 2 - u, head };
	if (l->portrait) {
		l->media = (struct pb_rect){ u, u + head + gap, w - 2 * u, (h - head) * 2 / 5 };
		grid = (struct pb_rect){ u, l->media.y + l->media.h + gap, w - 2 * u, 0 };
	} else {
		l->media = (struct pb_rect){ u, u + head + gap, w * 2 / 5 - u,
					     h - 2 * u - head - gap };
		grid = (struct pb_rect){ w * 2 / 5 + gap, u + head + gap, w * 3 / 5 - gap - u, 0 };
	}
	grid.h = h - u - grid.y;
	/* 7 units: the theme row is 2, then delivery, paper, printer, camera and counters (four
	 * across), power and exit */
	int rh = max_i(l->touch_min + gap, grid.h / 7);
	int cw = (grid.w - 2 * gap) / 3;
	int y = grid.y;
#define CELL(col, row_y, hgt) ((struct pb_rect){ grid.x + (col) * (cw + gap), (row_y), cw, (hgt) })
	l->button[PB_BTN_S_THEME_PREV] = CELL(0, y, 2 * rh - gap);
	l->notice = CELL(1, y, 2 * rh - gap);
	l->button[PB_BTN_S_THEME_NEXT] = CELL(2, y, 2 * rh - gap);
	y += 2 * rh;
	l->button[PB_BTN_S_PRINT] = CELL(0, y, rh - gap);
	l->button[PB_BTN_S_SHARE] = CELL(1, y, rh - gap);
	l->button[PB_BTN_S_BOTH] = CELL(2, y, rh - gap);
	y += rh;
	if (npaper > PB_MAX_PAPER_BUTTONS)
		npaper = PB_MAX_PAPER_BUTTONS;
	for (int i = 0; i < npaper; i++) {
		int pw = (grid.w - (npaper - 1) * gap) / npaper;
		l->button[PB_BTN_S_PAPER_1 + i] =
			(struct pb_rect){ grid.x + i * (pw + gap), y, pw, rh - gap };
	}
	y += rh;
	l->button[PB_BTN_S_RESUME] = CELL(0, y, rh - gap);
	l->button[PB_BTN_S_CANCEL_JOB] = CELL(1, y, rh - gap);
	l->button[PB_BTN_S_REPRINT] = CELL(2, y, rh - gap);
	y += rh;
	static const enum pb_button four[] = { PB_BTN_S_RECONNECT, PB_BTN_S_COUNTERS,
					       PB_BTN_S_PURGE, PB_BTN_S_RESET };
	int qw = (grid.w - 3 * gap) / 4;
	for (int i = 0; i < 4; i++)
		l->button[four[i]] = (struct pb_rect){ grid.x + i * (qw + gap), y, qw, rh - gap };
	y += rh;
	if (power & PB_LAYOUT_SHUTDOWN)
		l->button[PB_BTN_S_SHUTDOWN] = CELL(0, y, rh - gap);
	if (power & PB_LAYOUT_REBOOT)
		l->button[PB_BTN_S_REBOOT] = CELL(1, y, rh - gap);
	l->button[PB_BTN_S_EXIT] = CELL(2, y, rh - gap);
#undef CELL
}

void
pb_layout_staff(struct pb_layout *l, enum pb_state state, int w, int h, float dpi, int npaper,
		int power)
{
	pb_layout_compute(l, PB_ATTRACT, w, h, dpi, 0, 0, 0);
	memset(l->button, 0, sizeof(l->button));
	l->state = state;
	l->notice = (struct pb_rect){ 0 };
	l->media = (struct pb_rect){ 0 };
	if (state == PB_PIN)
		pin_layout(l, w, h);
	else
		staff_layout(l, w, h, npaper, power);
}

enum pb_button
pb_layout_hit(const struct pb_layout *l, enum pb_state state, int x, int y)
{
	/* Specific buttons first; the whole-screen ones last. */
	static const enum pb_button order[] = {
		PB_BTN_LANGUAGE,     PB_BTN_RETAKE,	  PB_BTN_ACCEPT,       PB_BTN_DONE,
		PB_BTN_COPIES_1,     PB_BTN_COPIES_2,	  PB_BTN_COPIES_3,     PB_BTN_COPIES_4,
		PB_BTN_EMAIL,	     PB_BTN_SEND,	  PB_BTN_CANCEL,       PB_BTN_CONSENT,
		PB_BTN_RETRY,	     PB_BTN_OK,		  PB_BTN_S_EXIT,       PB_BTN_S_RESET,
		PB_BTN_S_THEME_PREV, PB_BTN_S_THEME_NEXT, PB_BTN_S_PRINT,      PB_BTN_S_SHARE,
		PB_BTN_S_BOTH,	     PB_BTN_S_PAPER_1,	  PB_BTN_S_PAPER_2,    PB_BTN_S_PAPER_3,
		PB_BTN_S_PAPER_4,    PB_BTN_S_RESUME,	  PB_BTN_S_CANCEL_JOB, PB_BTN_S_REPRINT,
		PB_BTN_S_RECONNECT,  PB_BTN_S_COUNTERS,	  PB_BTN_S_PURGE,      PB_BTN_S_SHUTDOWN,
		PB_BTN_S_REBOOT,     PB_BTN_START,	  PB_BTN_CONTINUE
	};
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (pb_rect_contains(l->button[order[i]], x, y))
			return order[i];
	if ((state == PB_EMAIL || state == PB_PIN) && pb_layout_key(l, x, y) >= 0)
		return PB_BTN_KEY;
	/* On the error screen a guest taps anywhere to try again. */
	if (state == PB_ERROR && x >= 0 && y >= 0 && x < l->w && y < l->h)
		return PB_BTN_RETRY;
	return PB_BTN_NONE;
}

const char *
pb_button_name(enum pb_button b)
{
	static const char *const names[PB_BTN_COUNT] = {
		[PB_BTN_NONE] = "none",
		[PB_BTN_START] = "start",
		[PB_BTN_LANGUAGE] = "language",
		[PB_BTN_RETAKE] = "retake",
		[PB_BTN_ACCEPT] = "accept",
		[PB_BTN_DONE] = "done",
		[PB_BTN_RETRY] = "retry",
		[PB_BTN_CONTINUE] = "continue",
		[PB_BTN_COPIES_1] = "copies-1",
		[PB_BTN_COPIES_2] = "copies-2",
		[PB_BTN_COPIES_3] = "copies-3",
		[PB_BTN_COPIES_4] = "copies-4",
		[PB_BTN_EMAIL] = "email",
		[PB_BTN_SEND] = "send",
		[PB_BTN_CANCEL] = "cancel",
		[PB_BTN_CONSENT] = "consent",
		[PB_BTN_KEY] = "key",
		[PB_BTN_OK] = "ok",
		[PB_BTN_S_EXIT] = "exit",
		[PB_BTN_S_RESET] = "reset",
		[PB_BTN_S_THEME_PREV] = "theme-prev",
		[PB_BTN_S_THEME_NEXT] = "theme-next",
		[PB_BTN_S_PRINT] = "delivery-print",
		[PB_BTN_S_SHARE] = "delivery-share",
		[PB_BTN_S_BOTH] = "delivery-both",
		[PB_BTN_S_PAPER_1] = "paper-1",
		[PB_BTN_S_PAPER_2] = "paper-2",
		[PB_BTN_S_PAPER_3] = "paper-3",
		[PB_BTN_S_PAPER_4] = "paper-4",
		[PB_BTN_S_RESUME] = "resume",
		[PB_BTN_S_CANCEL_JOB] = "cancel-job",
		[PB_BTN_S_REPRINT] = "reprint",
		[PB_BTN_S_RECONNECT] = "reconnect",
		[PB_BTN_S_COUNTERS] = "counters-reset",
		[PB_BTN_S_PURGE] = "purge",
		[PB_BTN_S_SHUTDOWN] = "shutdown",
		[PB_BTN_S_REBOOT] = "reboot",
	};
	return (unsigned)b < PB_BTN_COUNT ? names[b] : "none";
}
