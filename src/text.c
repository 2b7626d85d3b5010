#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem.h"
#include "text.h"

#define MIN_PX 10
#define MAX_LINES 8
#define CACHE 64

struct line {
	const char *start;
	size_t len;
};

struct entry {
	char *s;
	int px;
	Uint32 colour;
	SDL_Texture *tex;
	int w, h;
	unsigned used;
	int priv; /* drawn by pb_text_draw_private */
};

struct pb_text {
	SDL_Renderer *r;
	TTF_Font *font;
	int px; /* current font size */
	struct entry cache[CACHE];
	unsigned clock;
	unsigned overflows;
	int drawing_private; /* inside pb_text_draw_private */
	int nprivate;	     /* entries marked priv */
};

struct pb_text *
pb_text_create(SDL_Renderer *r, const char *font_path, char *why, size_t whylen)
{
	struct pb_text *t;

	if (!TTF_WasInit() && TTF_Init() < 0) {
		snprintf(why, whylen, "SDL_ttf: %s", TTF_GetError());
		return NULL;
	}
	t = pb_xcalloc(1, sizeof(*t));
	t->r = r;
	t->px = 32;
	t->font = TTF_OpenFont(font_path, t->px);
	if (!t->font) {
		snprintf(why, whylen, "cannot open font %s: %s", font_path, TTF_GetError());
		free(t);
		return NULL;
	}
	TTF_SetFontHinting(t->font, TTF_HINTING_LIGHT);
	return t;
}

void
pb_text_destroy(struct pb_text *t)
{
	if (!t)
		return;
	for (int i = 0; i < CACHE; i++) {
		free(t->cache[i].s);
		if (t->cache[i].tex)
			SDL_DestroyTexture(t->cache[i].tex);
	}
	TTF_CloseFont(t->font);
	free(t);
}

unsigned
pb_text_overflows(const struct pb_text *t)
{
	return t->overflows;
}

static void
set_size(struct pb_text *t, int px)
{
	if (px != t->px) {
		TTF_SetFontSize(t->font, px);
		t->px = px;
	}
}

static int
width_of(struct pb_text *t, const char *s, size_t len)
{
	char buf[512];
	int w = 0, h = 0;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	TTF_SizeUTF8(t->font, buf, &w, &h);
	return w;
}

/* Greedy word wrap at the current size. Returns the number of lines, or -1 if a single word
 * is wider than the box or there are too many lines. */
static int
wrap(struct pb_text *t, const char *s, int box_w, struct line *lines)
{
	int n = 0;
	const char *p = s;

	while (*p) {
		const char *start = p, *end = p, *last_fit = NULL;
		/* extend word by word while the line fits */
		for (;;) {
			const char *q = end;
			while (*q == ' ')
				q++;
			while (*q && *q != ' ' && *q != '\n')
				q++;
			if (width_of(t, start, (size_t)(q - start)) > box_w)
				break;
			last_fit = q;
			end = q;
			if (!*q || *q == '\n')
				break;
		}
		if (!last_fit)
			return -1; /* one word does not fit */
		if (n == MAX_LINES)
			return -1;
		lines[n++] = (struct line){ start, (size_t)(last_fit - start) };
		p = last_fit;
		while (*p == ' ')
			p++;
		if (*p == '\n')
			p++;
	}
	return n;
}

int
pb_text_fit(struct pb_text *t, const char *s, int box_w, int box_h, int max_px, int *nlines)
{
	struct line lines[MAX_LINES];

	for (int px = max_px; px >= MIN_PX; px = px * 15 / 16 < px - 1 ? px * 15 / 16 : px - 1) {
		set_size(t, px);
		int n = wrap(t, s, box_w, lines);
		if (n > 0 && n * TTF_FontLineSkip(t->font) <= box_h) {
			if (nlines)
				*nlines = n;
			return px;
		}
	}
	if (nlines)
		*nlines = 0;
	return 0;
}

static struct entry *
line_texture(struct pb_text *t, const char *s, size_t len, SDL_Color c)
{
	Uint32 colour = (Uint32)c.r << 24 | (Uint32)c.g << 16 | (Uint32)c.b << 8 | c.a;
	struct entry *victim = &t->cache[0];
	char buf[512];

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (int i = 0; i < CACHE; i++) {
		struct entry *e = &t->cache[i];
		if (e->s && e->px == t->px && e->colour == colour && !strcmp(e->s, buf)) {
			e->used = ++t->clock;
			if (t->drawing_private && !e->priv) {
				e->priv = 1;
				t->nprivate++;
			}
			explicit_bzero(buf, sizeof(buf));
			return e;
		}
		if (e->used < victim->used)
			victim = e;
	}
	SDL_Surface *surf = TTF_RenderUTF8_Blended(t->font, buf[0] ? buf : " ", c);
	if (!surf) {
		explicit_bzero(buf, sizeof(buf));
		return NULL;
	}
	if (victim->s)
		explicit_bzero(victim->s, strlen(victim->s));
	free(victim->s);
	t->nprivate -= victim->priv;
	victim->priv = t->drawing_private;
	t->nprivate += victim->priv;
	if (victim->tex)
		SDL_DestroyTexture(victim->tex);
	victim->s = pb_xstrdup(buf);
	victim->px = t->px;
	victim->colour = colour;
	victim->tex = SDL_CreateTextureFromSurface(t->r, surf);
	victim->w = surf->w;
	victim->h = surf->h;
	victim->used = ++t->clock;
	SDL_FreeSurface(surf);
	explicit_bzero(buf, sizeof(buf));
	return victim->tex ? victim : NULL;
}

int
pb_text_draw(struct pb_text *t, const char *s, struct pb_rect box, int max_px, SDL_Color c,
	     enum pb_align align)
{
	struct line lines[MAX_LINES];
	int n, px = pb_text_fit(t, s, box.w, box.h, max_px, &n);
	int skip, y;

	if (box.w <= 0 || box.h <= 0)
		return 0;
	if (!px) {
		t->overflows++;
		pb_warn("text does not fit %dx%d: \"%s\"", box.w, box.h,
			t->drawing_private ? "(a guest's address)" : s);
		set_size(t, MIN_PX);
		n = wrap(t, s, box.w, lines);
		if (n <= 0) {
			lines[0] = (struct line){ s, strlen(s) };
			n = 1;
		}
		SDL_Rect clip = { box.x, box.y, box.w, box.h };
		SDL_RenderSetClipRect(t->r, &clip);
	} else {
		set_size(t, px);
		n = wrap(t, s, box.w, lines);
	}
	skip = TTF_FontLineSkip(t->font);
	y = box.y + (box.h - n * skip) / 2;
	for (int i = 0; i < n; i++, y += skip) {
		struct entry *e = line_texture(t, lines[i].start, lines[i].len, c);
		if (!e)
			continue;
		SDL_Rect dst = { align == PB_ALIGN_CENTER ? box.x + (box.w - e->w) / 2 : box.x, y,
				 e->w, e->h };
		SDL_RenderCopy(t->r, e->tex, NULL, &dst);
	}
	if (!px)
		SDL_RenderSetClipRect(t->r, NULL);
	return px;
}

int
pb_text_draw_private(struct pb_text *t, const char *s, struct pb_rect box, int max_px, SDL_Color c,
		     enum pb_align align)
{
	t->drawing_private = 1;
	int px = pb_text_draw(t, s, box, max_px, c, align);
	t->drawing_private = 0;
	return px;
}

void
pb_text_forget_private(struct pb_text *t)
{
	for (int i = 0; t->nprivate && i < CACHE; i++) {
		struct entry *e = &t->cache[i];
		if (!e->priv)
			continue;
		explicit_bzero(e->s, strlen(e->s));
		free(e->s);
		if (e->tex)
			SDL_DestroyTexture(e->tex);
		memset(e, 0, sizeof(*e));
		t->nprivate--;
	}
}
